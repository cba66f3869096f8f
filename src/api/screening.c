/* screening: the screening and risk tools in the reader's language, and screenings — asked
 * only once the child's assent or a caregiver's consent (or a best-interests decision) is
 * recorded, evaluated by core/screen into an explained result, and kept with the case they
 * create or attach to. */
#include "records.h"
#include "base/alloc.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/text.h"
#include "core/perm.h"
#include "core/schema.h"
#include "sec/token.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int api_screening_tools(struct req *r)
{
	const char *locale;
	int rc = api_locale(r, &locale);
	if (rc)
		return rc;
	json_t *tools = json_array();
	const json_t *def;
	int version;
	for (size_t i = 0; schema_screen_at(r->conf->schema, i, &def, &version); i++) {
		json_t *t = schema_localize(def, locale);
		json_object_set_new(t, "version", json_integer(version));
		json_array_append_new(tools, t);
	}
	return api_reply(r, 200, json_pack("{s:s,s:o}", "locale", locale, "tools", tools));
}

/* {"given_by": "child"|"caregiver"|"best_interests", "method": "verbal"|"written",
 * "given": true, "note"?: text}: recorded before any question is asked. */
static int assent_ok(struct req *r, const json_t *a)
{
	static const char *const keys[] = {"given_by", "method", "given", "note", NULL};
	static const char *const by[] = {"child", "caregiver", "best_interests", NULL};
	static const char *const how[] = {"verbal", "written", NULL};
	const char *g = json_string_value(json_object_get(a, "given_by"));
	const char *m = json_string_value(json_object_get(a, "method"));
	const json_t *note = json_object_get(a, "note");
	int found_by = 0, found_how = 0;
	for (const char *const *x = by; g && *x; x++)
		found_by |= !strcmp(*x, g);
	for (const char *const *x = how; m && *x; x++)
		found_how |= !strcmp(*x, m);
	if (!json_is_object(a) || !json_is_true(json_object_get(a, "given")))
		return api_fail(r, HV_EVALID, "assent",
				"a screening needs the child's assent or a caregiver's consent, or a best-interests decision, first");
	if (json_only_keys(a, keys, &r->err))
		return -HV_EVALID;
	if (!found_by || !found_how)
		return api_fail(r, HV_EVALID, "assent", "say who gave it (child, caregiver, best_interests) and how (verbal, written)");
	if (note && (!json_is_string(note) || text_codepoints(json_string_value(note)) > 500))
		return api_fail(r, HV_EVALID, "assent", "the note is text of at most 500 characters");
	return 0;
}

static json_t *screening_json(const struct screening *x, const struct record *rec)
{
	json_t *out = json_loads(x->result, 0, NULL);
	if (!out)
		out = json_object();
	json_t *assent = json_loads(x->assent, 0, NULL);
	json_object_set_new(out, "id", json_string(x->id));
	json_object_set_new(out, "tool", json_string(x->tool));
	json_object_set_new(out, "tool_version", json_integer(x->tool_version));
	json_object_set_new(out, "assent", assent ? assent : json_null());
	json_object_set_new(out, "case", rec && *rec->id ? json_pack("{s:s,s:s}", "id", rec->id, "display_id", rec->display_id)
						     : json_null());
	json_object_set_new(out, "created_at", api_time(x->created_at));
	return out;
}

int api_screenings_create(struct req *r)
{
	static const char *const keys[] = {"tool", "answers", "assent", "case_id", "case", NULL};
	if (!perm_allows(&r->user, "screening.create"))
		return api_fail(r, HV_EFORBID, NULL, "your role may not screen");
	json_t *b, *doc = NULL, *result = NULL;
	int rc = api_body(r, &b);
	if (rc)
		return rc;
	json_t *none = json_object();
	const json_t *answers = json_object_get(b, "answers") ? json_object_get(b, "answers") : none;
	const char *tool = json_string_value(json_object_get(b, "tool"));
	const char *case_id = json_string_value(json_object_get(b, "case_id"));
	const json_t *newcase = json_object_get(b, "case");
	const json_t *def;
	int version = 0;
	const struct screen *sc = schema_screen(r->conf->schema, tool, &def, &version);
	struct record rec = {0};
	const char *reason;
	rc = json_only_keys(b, keys, &r->err);
	if (!rc && !sc)
		rc = api_fail(r, HV_EVALID, "tool", "is not a screening tool of this deployment");
	if (!rc)
		rc = assent_ok(r, json_object_get(b, "assent"));
	if (!rc && case_id && newcase)
		rc = api_fail(r, HV_EVALID, "case", "attach to a case (case_id) or create one (case), not both");
	if (!rc)
		rc = screen_evaluate(sc, answers, &result, &r->err);
	/* The case it attaches to must be one the user may update; one it creates is checked
	 * against the forms like any new case. */
	int creating = !rc && newcase;
	if (!rc && case_id) {
		if (!token_is_uuid(case_id))
			rc = api_fail(r, HV_EVALID, "case_id", "must be a case id");
		else
			rc = records_load_id(r, case_id, "update", &rec, &reason);
	}
	if (creating) {
		const json_t *data = json_object_get(newcase, "data");
		if (!perm_allows(&r->user, "case.create"))
			rc = api_fail(r, HV_EFORBID, "case", "your role may not register a case");
		else if (!json_is_object(data) || json_object_size(newcase) != 1)
			rc = api_fail(r, HV_EVALID, "case", "is {\"data\": {...}}, the new case's first answers");
		else
			rc = records_prepare(r, data, &rec, &doc);
	}
	struct screening x = {0};
	struct audit_tx *tx = NULL;
	if (!rc) {
		token_uuid(x.id);
		snprintf(x.tool, sizeof x.tool, "%s", tool);
		x.tool_version = version;
		snprintf(x.record_id, sizeof x.record_id, "%s", rec.id);
		snprintf(x.agency_id, sizeof x.agency_id, "%s", r->user.agency_id);
		snprintf(x.created_by, sizeof x.created_by, "%s", r->user.id);
		x.created_at = clock_now();
		x.answers = json_dumps(answers, JSON_COMPACT);
		x.assent = json_dumps(json_object_get(b, "assent"), JSON_COMPACT);
		x.result = json_dumps(result, JSON_COMPACT);
		rc = api_tx_begin(r);
	}
	if (!rc && creating)
		rc = records_insert(r, &rec, doc);
	if (!rc && store_screening_insert(r->st, &x))
		rc = api_fail(r, HV_EIO, NULL, "storage error");
	if (!rc && *rec.id) {
		char ref[48];
		snprintf(ref, sizeof ref, "\"%s\"", x.id);
		if (store_history_insert(r->st, rec.id, x.created_at, r->user.id, "screening", "", NULL, ref))
			rc = api_fail(r, HV_EIO, NULL, "storage error");
	}
	if (!rc)
		rc = api_tx_audit(r, &tx, "screening.create", *rec.id ? "case" : "screening", *rec.id ? rec.id : x.id, NULL);
	rc = api_tx_end(r, rc, tx);
	if (!rc)
		rc = api_reply(r, 201, screening_json(&x, &rec));
	screening_release(&x);
	json_decref(result);
	json_decref(doc);
	json_decref(none);
	json_decref(b);
	record_release(&rec);
	return rc;
}

/* A screening is read by the one who made it and by those who may read its case. */
static int load_screening(struct req *r, const char *id, struct screening *x, struct record *rec, const char **reason)
{
	memset(rec, 0, sizeof *rec);
	*reason = NULL;
	if (!token_is_uuid(id) || store_screening_get(r->st, id, x))
		return api_fail(r, HV_ENOTFOUND, NULL, "no such screening");
	if (*x->record_id) {
		int rc = records_load_id(r, x->record_id, "read", rec, reason);
		if (!rc)
			return 0;
		err_clear(&r->err);
	}
	if (!strcmp(x->created_by, r->user.id) && !strcmp(x->agency_id, r->user.agency_id))
		return 0;
	screening_release(x);
	return api_fail(r, HV_ENOTFOUND, NULL, "no such screening");
}

int api_screenings_get(struct req *r)
{
	struct screening x;
	struct record rec;
	const char *reason;
	int rc = load_screening(r, r->params[0], &x, &rec, &reason);
	if (rc)
		return rc;
	rc = api_reply(r, 200, screening_json(&x, &rec));
	api_audit_read(r, "screening.read", *rec.id ? "case" : "screening", *rec.id ? rec.id : x.id, reason);
	screening_release(&x);
	record_release(&rec);
	return rc;
}

int api_cases_screenings(struct req *r)
{
	struct record rec;
	const char *reason;
	int rc = records_load(r, "read", &rec, &reason);
	if (rc)
		return rc;
	struct screening *x;
	size_t n;
	if (store_screening_list(r->st, rec.id, &x, &n)) {
		record_release(&rec);
		return api_fail(r, HV_EIO, NULL, "storage error");
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, screening_json(&x[i], &rec));
	screening_list_free(x, n);
	api_audit_read(r, "case.screenings", "case", rec.id, reason);
	record_release(&rec);
	return api_reply(r, 200, json_pack("{s:o}", "items", items));
}
