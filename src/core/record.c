/* record: case document rules — field table, validation, merge patch, derived values. */
#include "record.h"
#include "base/clock.h"
#include "base/text.h"
#include "store/store.h"
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

enum ftype { F_TEXT, F_TEXTLIST, F_ENUM, F_DATE, F_BOOL, F_AGE, F_COUNTRIES, F_READONLY };

static const char *const sexes[] = {"female", "male", "other", "unknown", NULL};
static const char *const risks[] = {"low", "medium", "high", NULL};
static const char *const yesno[] = {"yes", "no", "unknown", NULL};

static const struct field {
	const char *name;
	enum ftype type;
	const char *const *values;
	size_t max; /* characters for text, items for lists */
} fields[] = {
	{"name_first", F_TEXT, NULL, 200},
	{"name_last", F_TEXT, NULL, 200},
	{"name_other", F_TEXTLIST, NULL, 20},
	{"sex", F_ENUM, sexes, 0},
	{"date_of_birth", F_DATE, NULL, 0},
	{"date_of_birth_estimated", F_BOOL, NULL, 0},
	{"age", F_AGE, NULL, 0},
	{"age_stated_on", F_READONLY, NULL, 0},
	{"nationality", F_COUNTRIES, NULL, 10},
	{"languages", F_TEXTLIST, NULL, 20},
	{"location_current", F_TEXT, NULL, 500},
	{"protection_concerns", F_TEXTLIST, NULL, 50},
	{"risk_level", F_ENUM, risks, 0},
	{"consent_for_services", F_ENUM, yesno, 0},
	{"disclosure_other_orgs", F_ENUM, yesno, 0},
	{"consent_for_tracing", F_ENUM, yesno, 0},
};

const char *const record_summary_fields[] = {"name_first", "name_last", "sex", "risk_level", NULL};

static const struct field *find(const char *name)
{
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
		if (!strcmp(fields[i].name, name))
			return &fields[i];
	return NULL;
}

static int check_text(const char *name, const json_t *v, size_t max, struct err *e)
{
	if (!json_is_string(v))
		return err_set(e, HV_EVALID, name, "must be a string");
	const char *s = json_string_value(v);
	if (!text_valid_utf8(s, json_string_length(v)))
		return err_set(e, HV_EVALID, name, "must be valid UTF-8 text without NUL characters");
	if (text_codepoints(s) > max)
		return err_set(e, HV_EVALID, name, "must be at most %zu characters", max);
	return 0;
}

static int in_list(const char *s, const char *const *values)
{
	for (; *values; values++)
		if (!strcmp(s, *values))
			return 1;
	return 0;
}

static int check_list(const struct field *f, const json_t *v, struct err *e)
{
	if (!json_is_array(v))
		return err_set(e, HV_EVALID, f->name, "must be a list");
	if (json_array_size(v) > f->max)
		return err_set(e, HV_EVALID, f->name, "must have at most %zu items", f->max);
	size_t i;
	json_t *item;
	json_array_foreach(v, i, item) {
		if (f->type == F_COUNTRIES) {
			const char *s = json_string_value(item);
			if (!s || strlen(s) != 3 || strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
				return err_set(e, HV_EVALID, f->name, "must be ISO 3166-1 alpha-3 codes such as SYR");
		} else {
			int rc = check_text(f->name, item, 200, e);
			if (rc)
				return rc;
			if (!*json_string_value(item))
				return err_set(e, HV_EVALID, f->name, "must not contain empty entries");
		}
	}
	return 0;
}

static int check_field(const struct field *f, const json_t *v, struct err *e)
{
	switch (f->type) {
	case F_TEXT:
		return check_text(f->name, v, f->max, e);
	case F_TEXTLIST:
	case F_COUNTRIES:
		return check_list(f, v, e);
	case F_ENUM:
		if (!json_is_string(v) || !in_list(json_string_value(v), f->values))
			return err_set(e, HV_EVALID, f->name, "must be one of the allowed values");
		return 0;
	case F_DATE:
		return clock_check_date(json_string_value(v), f->name, e);
	case F_BOOL:
		return json_is_boolean(v) ? 0 : err_set(e, HV_EVALID, f->name, "must be true or false");
	case F_AGE:
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 120)
			return err_set(e, HV_EVALID, f->name, "must be a whole number of years from 0 to 120");
		return 0;
	case F_READONLY:
		return err_set(e, HV_EVALID, f->name, "is set by Haven and cannot be written");
	}
	return 0;
}

int record_check(const json_t *data, int is_patch, struct err *e)
{
	if (!json_is_object(data))
		return err_set(e, HV_EVALID, "data", "must be an object");
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)data, key, v) {
		const struct field *f = find(key);
		if (!f)
			return err_set(e, HV_EVALID, key, "unknown field");
		if (json_is_null(v)) {
			if (!is_patch)
				continue;
			if (f->type == F_READONLY)
				return check_field(f, v, e);
			continue;
		}
		int rc = check_field(f, v, e);
		if (rc)
			return rc;
	}
	return 0;
}

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
	} else if (json_is_integer(age)) {
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
	if (json_is_null(dob))
		json_object_del(doc, "age_stated_on");
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

int record_search_key(const json_t *doc, const char *display_id, struct buf *key, struct buf *sort)
{
	add_folded(key, json_string_value(json_object_get(doc, "name_first")), 1);
	add_folded(key, json_string_value(json_object_get(doc, "name_last")), 1);
	size_t i;
	json_t *alias;
	json_array_foreach(json_object_get(doc, "name_other"), i, alias)
		add_folded(key, json_string_value(alias), 1);
	add_folded(key, display_id, 0); /* one token: its symbols are not words */
	add_folded(sort, json_string_value(json_object_get(doc, "name_last")), 0);
	add_folded(sort, json_string_value(json_object_get(doc, "name_first")), 0);
	return 0;
}

void record_derive(struct record *rec, const json_t *doc)
{
	struct buf key = BUF_INIT, sort = BUF_INIT;
	const char *risk = json_string_value(json_object_get(doc, "risk_level"));
	record_search_key(doc, rec->display_id, &key, &sort);
	free(rec->search_key);
	free(rec->sort_name);
	free(rec->data);
	rec->search_key = buf_detach(&key);
	rec->sort_name = buf_detach(&sort);
	rec->data = json_dumps(doc, JSON_COMPACT);
	snprintf(rec->risk_level, sizeof rec->risk_level, "%s", risk ? risk : "");
}
