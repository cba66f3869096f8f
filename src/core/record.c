/* record: case document rules — field table, validation, merge patch, derived values. */
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

int record_search_key(const json_t *doc, const char *display_id, struct buf *key, struct buf *sort)
{
	add_folded(key, json_string_value(json_object_get(doc, "name_first")), 1);
	add_folded(key, json_string_value(json_object_get(doc, "name_last")), 1);
	add_folded(key, json_string_value(json_object_get(doc, "family_name")), 1);
	size_t i;
	json_t *alias;
	json_array_foreach(json_object_get(doc, "name_other"), i, alias)
		add_folded(key, json_string_value(alias), 1);
	if (display_id)
		add_folded(key, display_id, 0); /* one token: its symbols are not words */
	add_folded(sort, json_string_value(json_object_get(doc, "name_last")), 0);
	add_folded(sort, json_string_value(json_object_get(doc, "name_first")), 0);
	add_folded(sort, json_string_value(json_object_get(doc, "family_name")), 0);
	return 0;
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
		record_search_key(doc, NULL, &hidden, &sort);
		buf_reset(&sort);
		buf_adds(&sort, "\xf4\x8f\xbf\xbf");
		add_folded(&key, rec->display_id, 0);
	} else {
		record_search_key(doc, rec->display_id, &key, &sort);
	}
	rec->search_key = buf_detach(&key);
	rec->hidden_key = buf_detach(&hidden);
	rec->sort_name = buf_detach(&sort);
	rec->data = json_dumps(doc, JSON_COMPACT);
	snprintf(rec->risk_level, sizeof rec->risk_level, "%s", risk ? risk : "");
}
