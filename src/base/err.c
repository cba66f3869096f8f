/* err: the error table and struct err helpers (see err.h). */
#include "err.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	int status;
	const char *code;
} table[] = {
#define HV_ERR_ROW(name, status, code) {status, code},
	HV_ERRORS(HV_ERR_ROW)
#undef HV_ERR_ROW
};

void err_init(struct err *e)
{
	e->code = 0;
	buf_init(&e->msg, 4096);
	buf_init(&e->field, 256);
}

void err_release(struct err *e)
{
	buf_release(&e->msg);
	buf_release(&e->field);
	e->code = 0;
}

void err_clear(struct err *e)
{
	e->code = 0;
	buf_reset(&e->msg);
	buf_reset(&e->field);
}

/* ---- messages in the reader's language ------------------------------------------------ */

static json_t *catalogue;              /* {"format": {"fr": ...}}: read-only once loaded */
static _Thread_local char locale[8];   /* "" = English */

/* The printf conversions of s, in order (a translation must keep them). */
static void conversions(const char *s, struct buf *out)
{
	for (const char *p = strchr(s, '%'); p; p = strchr(p, '%')) {
		size_t n = 1 + strspn(p + 1, "-+ #0");
		n += strspn(p + n, "0123456789");
		if (p[n] == '.')
			n += 1 + strspn(p + n + 1, "0123456789");
		n += strspn(p + n, "hlzjt");
		if (p[n])
			n++;
		buf_add(out, p, n);
		buf_addch(out, '|');
		p += n;
	}
}

int err_catalogue_load(const char *json_text)
{
	json_t *all = json_loads(json_text, JSON_REJECT_DUPLICATES, NULL);
	json_t *msgs = json_object_get(all, "messages");
	if (!json_is_object(msgs)) {
		json_decref(all);
		return -HV_EINVAL;
	}
	/* A translation whose conversions differ from the English would misread its arguments:
	 * it is dropped here, so the English is used instead. */
	const char *fmt;
	json_t *tr;
	struct buf want = BUF_INIT, got = BUF_INIT;
	json_object_foreach(msgs, fmt, tr) {
		const char *lang;
		json_t *s;
		void *tmp;
		buf_reset(&want);
		conversions(fmt, &want);
		json_object_foreach_safe(tr, tmp, lang, s) {
			buf_reset(&got);
			if (json_is_string(s))
				conversions(json_string_value(s), &got);
			if (!json_is_string(s) || !json_string_length(s) || strcmp(want.p, got.p))
				json_object_del(tr, lang);
		}
	}
	buf_release(&want);
	buf_release(&got);
	json_incref(msgs);
	json_decref(all);
	json_decref(catalogue);
	catalogue = msgs;
	return 0;
}

const char *err_tr(const char *s)
{
	const char *t = locale[0] && catalogue ? json_string_value(json_object_get(json_object_get(catalogue, s), locale)) : NULL;
	return t ? t : s;
}

void err_locale(const char *l)
{
	/* The language alone: fr-CA reads French. */
	size_t n = l ? strcspn(l, "-_") : 0;
	if (n >= sizeof locale || (n == 2 && !strncmp(l, "en", 2)))
		n = 0;
	memcpy(locale, l ? l : "", n);
	locale[n] = '\0';
}

int err_vset(struct err *e, int code, const char *field, const char *fmt, va_list ap)
{
	if (code < 0)
		code = -code;
	if (!e || e->code)
		return -code;
	e->code = code;
	buf_reset(&e->msg);
	buf_reset(&e->field);
	if (field) {
		buf_adds(&e->field, field);
		buf_addf(&e->msg, "%s: ", field);
	}
	const char *f = fmt;
	if (locale[0] && catalogue) {
		const char *t = json_string_value(json_object_get(json_object_get(catalogue, fmt), locale));
		if (t)
			f = t;
	}
	/* f is fmt or a translation with the same conversions (checked when it was loaded). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	buf_vaddf(&e->msg, f, ap);
#pragma GCC diagnostic pop
	return -code;
}

int err_set(struct err *e, int code, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = err_vset(e, code, field, fmt, ap);
	va_end(ap);
	return rc;
}

int err_http_status(int code)
{
	if (code < 0)
		code = -code;
	return code < HV_ERR_COUNT ? table[code].status : 500;
}

const char *err_code_str(int code)
{
	if (code < 0)
		code = -code;
	return code < HV_ERR_COUNT ? table[code].code : "internal_error";
}

void err_bug(const char *file, int line, const char *msg)
{
	fprintf(stderr, "BUG at %s:%d: %s\n", file, line, msg);
	abort();
}
