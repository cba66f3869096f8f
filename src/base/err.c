/* err: the error table and struct err helpers (see err.h). */
#include "err.h"
#include <stdio.h>
#include <stdlib.h>

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

int err_set(struct err *e, int code, const char *field, const char *fmt, ...)
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
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&e->msg, fmt, ap);
	va_end(ap);
	return -code;
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
