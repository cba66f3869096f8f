/* record: record document rules — merge patch, stated age, derived values, search keys. */
#include "record.h"
#include "base/clock.h"
#include "base/text.h"
#include "store/store.h"
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* RFC 7396: objects merge recursively, null removes, anything else replaces. */
static void merge(json_t *target, const json_t *patch)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)patch, key, v) {
		if (json_is_null(v)) {
			json_object_del(target, key);
		} else if (json_is_object(v)) {
			json_t *t = json_object_get(target, key);
			if (!json_is_object(t)) {
				t = json_object();
				json_object_set_new(target, key, t);
			}
			merge(t, v);
		} else {
			json_object_set(target, key, v);
		}
	}
}

void record_apply(json_t *doc, const json_t *patch)
{
	int had_estimate = json_is_true(json_object_get(doc, "date_of_birth_estimated"));
	merge(doc, patch);
	json_t *age = json_object_get(patch, "age");
	json_t *dob = json_object_get(patch, "date_of_birth");
	json_object_del(doc, "age");
	if (json_is_string(dob)) {
		/* A given date of birth wins over any stated age. */
		json_object_del(doc, "age_stated_on");
		if (!json_object_get(patch, "date_of_birth_estimated"))
			json_object_set_new(doc, "date_of_birth_estimated", json_false());
	} else if (json_is_integer(age) && json_integer_value(age) >= 0 && json_integer_value(age) <= 150) {
		/* (Out of range, it is left for the form check to refuse.) */
		int y, m, d;
		char buf[16];
		clock_today(&y, &m, &d);
		snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
		json_object_set_new(doc, "age_stated_on", json_string(buf));
		/* Born on the statement day that many years ago; 29 February falls back to the 28th. */
		if (m == 2 && d == 29)
			d = 28;
		snprintf(buf, sizeof buf, "%04d-%02d-%02d", y - (int)json_integer_value(age), m, d);
		json_object_set_new(doc, "date_of_birth", json_string(buf));
		json_object_set_new(doc, "date_of_birth_estimated", json_true());
	} else if (json_is_null(age) && had_estimate) {
		json_object_del(doc, "date_of_birth");
		json_object_del(doc, "date_of_birth_estimated");
		json_object_del(doc, "age_stated_on");
	}
	if (json_is_null(dob) && !json_object_get(doc, "date_of_birth"))
		json_object_del(doc, "age_stated_on"); /* unless a stated age just set both */
}

json_t *record_output(json_t *doc)
{
	json_t *out = doc;
	const char *dob = json_string_value(json_object_get(doc, "date_of_birth"));
	int y, m, d, ty, tm, td;
	if (dob && !clock_parse_date(dob, &y, &m, &d)) {
		clock_today(&ty, &tm, &td);
		int age = ty - y - (tm < m || (tm == m && td < d));
		json_object_set_new(out, "age", json_integer(age < 0 ? 0 : age));
	}
	return out;
}

#define RSQUO "\xe2\x80\x99" /* U+2019, the typographic apostrophe */

/* Adds " folded" to key. With variants, a name with punctuation (O'Brien, Marie-Claire) is added twice
 * more: with the marks as word breaks ("o brien", "marie claire", so word prefixes match)
 * and without them ("obrien"). */
static void add_folded(struct buf *key, const char *s, int variants)
{
	if (!s || !*s)
		return;
	struct buf f = BUF_INIT;
	text_fold(s, &f);
	buf_addch(key, ' ');
	buf_add(key, f.p, f.len);
	if (variants && (strpbrk(f.p, "'-.") || strstr(f.p, RSQUO))) {
		for (int joined = 0; joined < 2; joined++) {
			buf_addch(key, ' ');
			for (const char *c = f.p; *c; c++) {
				if (!strncmp(c, RSQUO, 3)) {
					c += 2;
					if (!joined)
						buf_addch(key, ' ');
				} else if (*c == '\'' || *c == '-' || *c == '.') {
					if (!joined)
						buf_addch(key, ' ');
				} else {
					buf_addch(key, *c);
				}
			}
		}
	}
	buf_release(&f);
}

/* The fields a record is found by (each folded into the search key) and sorted by (in this
 * order), per record type. "rows.field" is that field in every row of the subform rows; the
 * fields of one subform that follow each other are taken row by row ("first last other" of
 * each child, so a full name is found as a phrase). A value may be text or a list of texts
 * (aliases). Types not listed use the last entry. */
static const struct names {
	const char *type;
	const char *search[5];
	const char *sort[4];
} names[] = {
	/* The person asking and every child sought, so a request is found by either. */
	{"tracing_request",
	 {"inq_name", "tr_children.name_first", "tr_children.name_last", "tr_children.name_other", NULL},
	 {"inq_name", NULL}},
	/* A case's child (name_other holds aliases), a family's name. */
	{NULL,
	 {"name_first", "name_last", "family_name", "name_other", NULL},
	 {"name_last", "name_first", "family_name", NULL}},
};

static const struct names *names_of(const char *type)
{
	size_t i = 0;
	while (names[i].type && (!type || strcmp(names[i].type, type)))
		i++;
	return &names[i];
}

/* Adds obj's field (text, or each text of a list). */
static void add_field(struct buf *key, const json_t *obj, const char *field, int variants)
{
	json_t *v = json_object_get(obj, field);
	size_t i;
	json_t *item;
	if (json_is_array(v))
		json_array_foreach(v, i, item) add_folded(key, json_string_value(item), variants);
	else
		add_folded(key, json_string_value(v), variants);
}

/* Adds the fields at paths[0..] to key; returns how many paths it used: one top-level field,
 * or the run of fields of one subform, row by row. */
static size_t add_paths(struct buf *key, const json_t *doc, const char *const *paths, int variants)
{
	const char *dot = strchr(paths[0], '.');
	if (!dot) {
		add_field(key, doc, paths[0], variants);
		return 1;
	}
	size_t len = (size_t)(dot - paths[0]) + 1, n = 1; /* "rows." */
	while (paths[n] && !strncmp(paths[n], paths[0], len))
		n++;
	char rows[64];
	snprintf(rows, sizeof rows, "%.*s", (int)len - 1, paths[0]);
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(doc, rows), i, row) {
		for (size_t k = 0; k < n; k++)
			add_field(key, row, paths[k] + len, variants);
	}
	return n;
}

int record_type_search_key(const char *type, const json_t *doc, const char *display_id, struct buf *key,
			   struct buf *sort)
{
	const struct names *n = names_of(type);
	for (const char *const *f = n->search; *f;)
		f += add_paths(key, doc, f, 1);
	if (display_id)
		add_folded(key, display_id, 0); /* one token: its symbols are not words */
	for (const char *const *f = n->sort; *f;)
		f += add_paths(sort, doc, f, 0);
	return 0;
}

int record_search_key(const json_t *doc, const char *display_id, struct buf *key, struct buf *sort)
{
	return record_type_search_key(NULL, doc, display_id, key, sort);
}

void record_derive(struct record *rec, const json_t *doc, int name_hidden)
{
	struct buf key = BUF_INIT, sort = BUF_INIT, hidden = BUF_INIT;
	const char *risk = json_string_value(json_object_get(doc, "risk_level"));
	free(rec->search_key);
	free(rec->hidden_key);
	free(rec->sort_name);
	free(rec->data);
	rec->name_hidden = name_hidden;
	if (name_hidden) {
		/* Names go to the index only some roles search; the sort key gives nothing away
		 * and puts such records last (U+10FFFF sorts after any name). */
		record_type_search_key(rec->type, doc, NULL, &hidden, &sort);
		buf_reset(&sort);
		buf_adds(&sort, "\xf4\x8f\xbf\xbf");
		add_folded(&key, rec->display_id, 0);
	} else {
		record_type_search_key(rec->type, doc, rec->display_id, &key, &sort);
	}
	rec->search_key = buf_detach(&key);
	rec->hidden_key = buf_detach(&hidden);
	rec->sort_name = buf_detach(&sort);
	rec->data = json_dumps(doc, JSON_COMPACT);
	snprintf(rec->risk_level, sizeof rec->risk_level, "%s", risk ? risk : "");
}

static int blank(const json_t *v)
{
	return !v || json_is_null(v) || (json_is_string(v) && !json_string_length(v)) ||
	       (json_is_array(v) && !json_array_size(v));
}

static int rows_of_objects(const json_t *v)
{
	size_t i;
	const json_t *it;
	if (!json_is_array(v))
		return 0;
	json_array_foreach(v, i, it) if (!json_is_object(it)) return 0;
	return 1;
}

static int holds_row(const json_t *rows, const json_t *row)
{
	size_t i;
	const json_t *it;
	json_array_foreach(rows, i, it) if (json_equal(it, row)) return 1;
	return 0;
}

void record_merge(const json_t *kept, const json_t *other, const char *const *skip, json_t **set, json_t **before,
		  json_t **conflicts)
{
	*set = json_object();
	*before = json_object();
	*conflicts = json_object();
	const char *key;
	json_t *ov;
	json_object_foreach((json_t *)other, key, ov) {
		int skipped = 0;
		for (const char *const *s = skip; s && *s && !skipped; s++)
			skipped = !strcmp(*s, key);
		const json_t *kv = json_object_get(kept, key);
		if (skipped || blank(ov) || json_equal(kv, ov))
			continue;
		json_t *to = NULL;
		if (blank(kv)) {
			to = json_deep_copy(ov);
		} else if (rows_of_objects(kv) && rows_of_objects(ov)) {
			size_t i;
			json_t *row;
			to = json_deep_copy(kv);
			json_array_foreach(ov, i, row) {
				if (!holds_row(to, row))
					json_array_append_new(to, json_deep_copy(row));
			}
		}
		if (to) {
			json_object_set_new(*set, key, to);
			json_object_set_new(*before, key, kv ? json_deep_copy(kv) : json_null());
		} else {
			json_object_set_new(*conflicts, key, json_deep_copy(ov));
		}
	}
}
