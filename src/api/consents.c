/* consents: consent as records on a case — recording a consent or refusal, listing them, and
 * withdrawing one, which at once ends the referrals and transfers it allowed. The case's
 * consent fields are derived from these records (core/consent) in the same transaction. */
#include "consents.h"
#include "referrals.h"
#include "records.h"
#include "base/alloc.h"
#include "base/clock.h"
#include "base/json.h"
#include "core/consent.h"
#include "sec/token.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const givers[] = {"child", "parent", "caregiver", "guardian", "best_interests", NULL};
static const char *const decisions[] = {"given", "refused", NULL};
static const char *const methods[] = {"verbal", "written", "other", NULL};

/* A list of distinct strings from allowed (or, with allowed NULL, agency ids that exist). */
static int string_set(struct req *r, const json_t *v, const char *key, const char *const *allowed, size_t max)
{
	size_t i, k;
	json_t *x;
	struct agency a;
	if (!json_is_array(v) || json_array_size(v) > max)
		return api_fail(r, HV_EVALID, key, "must be a list of at most %zu values", max);
	json_array_foreach(v, i, x) {
		const char *s = json_string_value(x);
		if (allowed ? !api_one_of(s, allowed) : !s || !token_is_uuid(s) || api_agency_get(r, s, &a))
			return api_fail(r, HV_EVALID, key, allowed ? "holds a value that is not one of the options"
								   : "holds an id that is not an agency");
		for (k = 0; k < i; k++)
			if (!strcmp(s, json_string_value(json_array_get(v, k))))
				return api_fail(r, HV_EVALID, key, "names a value twice");
	}
	return 0;
}

static json_t *agencies_json(struct req *r, const char *ids)
{
	json_t *in = json_loads(ids ? ids : "[]", 0, NULL), *out = json_array(), *v;
	size_t i;
	json_array_foreach(in, i, v) {
		struct agency a = {0};
		api_agency_get(r, json_string_value(v), &a);
		json_array_append_new(out, json_pack("{s:s,s:s}", "id", json_string_value(v), "name", a.name));
	}
	json_decref(in);
	return out;
}

static json_t *consent_json(struct req *r, const struct consent *c)
{
	json_t *data = json_loads(c->data ? c->data : "{}", 0, NULL), *active = json_array();
	for (size_t p = 0; consent_purposes[p]; p++)
		if (consent_active(c, consent_purposes[p]))
			json_array_append_new(active, json_string(consent_purposes[p]));
	json_t *out = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:s,s:o}", "id", c->id, "giver", c->giver, "decision",
				c->decision, "method", c->method, "given_on", c->given_on, "purposes",
				json_loads(c->purposes, 0, NULL), "agencies", agencies_json(r, c->agencies), "withdrawn",
				json_loads(c->withdrawn, 0, NULL), "active", active, "created_by", c->created_by,
				"created_at", api_time(c->created_at));
	if (data)
		json_object_update(out, data);
	json_decref(data);
	if (c->withdrawn_at) {
		json_object_set_new(out, "withdrawn_at", api_time(c->withdrawn_at));
		json_object_set_new(out, "withdrawn_by", json_string(c->withdrawn_by));
	}
	return out;
}

/* Sets the case's consent fields from its consents, with a history row saying what changed
 * (what: the consent, as JSON), in the caller's transaction. */
static int derive(struct req *r, struct record *rec, const struct consent *c, const char *action)
{
	struct consent *all;
	size_t n;
	if (store_consent_list(r->st, rec->id, &all, &n))
		return api_fail(r, HV_EIO, NULL, "storage error");
	json_t *values = consent_derive(all, n);
	consent_list_free(all, n);
	int rc = records_write_derived(r, rec, values, action);
	if (!rc)
		rc = records_event(r, rec->id, action, "consents",
				   json_pack("{s:s,s:s,s:o,s:o}", "id", c->id, "decision", c->decision, "purposes",
					     json_loads(c->purposes, 0, NULL), "withdrawn", json_loads(c->withdrawn, 0, NULL)));
	json_decref(values);
	return rc;
}

/* The consents that allow disclosing record_id to agency_id — and, with services set,
 * referring the child to services: their ids into ids (n, at most 2); 0, or 1 when missing. */
static int allowing(struct req *r, const char *record_id, const char *agency_id, int services, char ids[2][ID_LEN],
		    size_t *n)
{
	struct consent *all;
	size_t count;
	*n = 0;
	if (store_consent_list(r->st, record_id, &all, &count))
		return api_fail(r, HV_EIO, NULL, "storage error");
	long d = consent_find(all, count, "disclosure", agency_id), s = services ? consent_find(all, count, "services", NULL) : d;
	if (d >= 0 && s >= 0) {
		snprintf(ids[(*n)++], ID_LEN, "%s", all[d].id);
		if (s != d)
			snprintf(ids[(*n)++], ID_LEN, "%s", all[s].id);
	}
	consent_list_free(all, count);
	return *n ? 0 : 1;
}

int consents_require(struct req *r, const struct record *rec, const char *agency_id, int services,
		     const char *override, int may_override, char ids[2][ID_LEN], size_t *n)
{
	int rc = allowing(r, rec->id, agency_id, services, ids, n);
	if (rc <= 0)
		return rc || !override ? rc : api_fail(r, HV_EVALID, "override_reason", "consent is recorded; no override is needed");
	if (override)
		return records_may(r, "refer_override", rec)
			       ? 0
			       : api_fail(r, HV_EFORBID, "override_reason", "only a supervisor may share a case without consent");
	struct agency a = {0};
	api_agency_get(r, agency_id, &a);
	if (!may_override)
		return api_fail(r, HV_EVALID, "consent", "no recorded consent covers sharing the case with %s; record it first", a.name);
	return services ? api_fail(r, HV_EVALID, "consent",
				   "no recorded consent covers services and sharing with %s; record the child's consent first, or a "
				   "supervisor may refer with an override reason", a.name)
			: api_fail(r, HV_EVALID, "consent",
				   "no recorded consent covers sharing the case with %s; record it first, or a supervisor may "
				   "transfer with an override reason", a.name);
}

/* Checks a new consent's body into c (its JSON members c->purposes ... set, owned). */
static int consent_body(struct req *r, const json_t *b, const struct record *rec, struct consent *c)
{
	static const char *const keys[] = {"giver", "decision", "method", "purposes", "agencies", "given_on",
					   "giver_name", "note", "reason", NULL};
	const char *giver, *decision, *method, *name, *note, *reason;
	const json_t *purposes = json_object_get(b, "purposes"), *agencies = json_object_get(b, "agencies");
	const char *on = json_string_value(json_object_get(b, "given_on"));
	int rc = json_only_keys(b, keys, &r->err);
	if (!rc)
		rc = api_enum_member(r, b, "giver", givers, &giver);
	if (!rc)
		rc = api_enum_member(r, b, "decision", decisions, &decision);
	if (!rc)
		rc = api_enum_member(r, b, "method", methods, &method);
	if (!rc)
		rc = string_set(r, purposes, "purposes", consent_purposes, 4);
	if (!rc && !json_array_size(purposes))
		rc = api_fail(r, HV_EVALID, "purposes", "name at least one purpose");
	if (!rc && agencies)
		rc = string_set(r, agencies, "agencies", NULL, 50);
	if (!rc && json_array_size(agencies)) {
		int disclosure = 0;
		size_t i;
		json_t *v;
		json_array_foreach(purposes, i, v) disclosure |= !strcmp(json_string_value(v), "disclosure");
		if (!disclosure || strcmp(decision, "given"))
			rc = api_fail(r, HV_EVALID, "agencies", "name receiving agencies only when consent to disclosure is given");
	}
	if (!rc && json_object_get(b, "given_on"))
		rc = clock_check_date(on, "given_on", &r->err);
	if (!rc)
		rc = api_text_member(r, b, "giver_name", 0, 200, &name);
	if (!rc)
		rc = api_text_member(r, b, "note", 0, 2000, &note);
	if (!rc)
		rc = api_text_member(r, b, "reason", !strcmp(giver, "best_interests"), 2000, &reason);
	if (!rc && !strcmp(giver, "best_interests") && !records_may(r, "consent_best_interests", rec))
		rc = api_fail(r, HV_EFORBID, "giver", "only a supervisor may record a best-interests decision");
	if (rc)
		return rc;
	memset(c, 0, sizeof *c);
	token_uuid(c->id);
	snprintf(c->record_id, sizeof c->record_id, "%s", rec->id);
	snprintf(c->giver, sizeof c->giver, "%s", giver);
	snprintf(c->decision, sizeof c->decision, "%s", decision);
	snprintf(c->method, sizeof c->method, "%s", method);
	if (on)
		snprintf(c->given_on, sizeof c->given_on, "%s", on);
	else
		clock_today_iso(c->given_on);
	c->purposes = json_dumps(purposes, JSON_COMPACT);
	c->agencies = agencies ? json_dumps(agencies, JSON_COMPACT) : xstrdup("[]");
	c->withdrawn = xstrdup("[]");
	json_t *data = json_object();
	if (name && *name)
		json_object_set_new(data, "giver_name", json_string(name));
	if (note && *note)
		json_object_set_new(data, "note", json_string(note));
	if (reason && *reason)
		json_object_set_new(data, "reason", json_string(reason));
	c->data = json_dumps(data, JSON_COMPACT);
	json_decref(data);
	snprintf(c->created_by, sizeof c->created_by, "%s", r->user.id);
	c->created_at = clock_now();
	return 0;
}

/* A refusal is recorded only where nothing given still holds: changing one's mind is a
 * withdrawal, so what the earlier consent allowed ends with it. */
static int refusal_ok(struct req *r, const struct consent *c)
{
	struct consent *all;
	size_t n;
	if (strcmp(c->decision, "refused"))
		return 0;
	if (store_consent_list(r->st, c->record_id, &all, &n))
		return api_fail(r, HV_EIO, NULL, "storage error");
	json_t *purposes = json_loads(c->purposes, 0, NULL), *v;
	size_t i;
	int rc = 0;
	json_array_foreach(purposes, i, v) {
		if (!rc && consent_find(all, n, json_string_value(v), NULL) >= 0)
			rc = api_fail(r, HV_ECONFLICT, "purposes",
				      "a consent given earlier covers %s; withdraw that consent instead",
				      api_label(json_string_value(v)));
	}
	json_decref(purposes);
	consent_list_free(all, n);
	return rc;
}

int api_consents_create(struct req *r)
{
	const char *reason;
	struct record rec;
	struct consent c = {0};
	struct audit_tx *tx = NULL;
	json_t *b = NULL;
	int rc = records_load_for(r, "consent", &rec, &reason);
	if (rc)
		return rc;
	if (!(rc = api_body(r, &b)))
		rc = consent_body(r, b, &rec, &c);
	if (!rc)
		rc = api_tx_begin(r);
	if (!rc)
		rc = records_reload(r, &rec);
	if (!rc)
		rc = refusal_ok(r, &c);
	if (!rc && store_consent_insert(r->st, &c))
		rc = api_fail(r, HV_EIO, NULL, "storage error");
	if (!rc)
		rc = derive(r, &rec, &c, "consent");
	if (!rc)
		rc = api_tx_audit(r, &tx, "case.consent", "case", rec.id, NULL);
	rc = api_tx_end(r, rc, tx);
	if (!rc) {
		json_t *out = consent_json(r, &c);
		json_object_set_new(out, "case_version", json_integer(rec.version));
		rc = api_reply(r, 201, out);
	}
	consent_release(&c);
	json_decref(b);
	record_release(&rec);
	return rc;
}

int api_consents_list(struct req *r)
{
	const char *reason;
	struct record rec;
	struct consent *c;
	size_t n;
	int rc = records_load(r, "read", &rec, &reason);
	if (rc)
		return rc;
	if (store_consent_list(r->st, rec.id, &c, &n)) {
		record_release(&rec);
		return api_fail(r, HV_EIO, NULL, "storage error");
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, consent_json(r, &c[i]));
	json_t *current = consent_derive(c, n);
	consent_list_free(c, n);
	rc = api_reply(r, 200, json_pack("{s:o,s:o}", "items", items, "current", current));
	api_audit_read(r, reason ? "case.read.break_glass" : "case.read", "case", rec.id, reason);
	record_release(&rec);
	return rc;
}

/* Marks the purposes asked (all still given when asked is NULL) withdrawn in c, for why; *cuts
 * when services or disclosure is among them. 409 when nothing asked is still given. */
static int mark_withdrawn(struct req *r, struct consent *c, const json_t *asked, const char *why, int *cuts)
{
	if (strcmp(c->decision, "given"))
		return api_fail(r, HV_ECONFLICT, NULL, "a refusal cannot be withdrawn; record a new consent instead");
	json_t *withdrawn = json_loads(c->withdrawn, 0, NULL);
	size_t before = json_array_size(withdrawn);
	*cuts = 0;
	for (size_t p = 0; consent_purposes[p]; p++)
		if ((!asked || json_array_has_str(asked, consent_purposes[p])) && consent_active(c, consent_purposes[p])) {
			json_array_append_new(withdrawn, json_string(consent_purposes[p]));
			*cuts |= p < 2; /* services, disclosure */
		}
	if (json_array_size(withdrawn) == before) {
		json_decref(withdrawn);
		return api_fail(r, HV_ECONFLICT, "purposes", "nothing named is still given by this consent");
	}
	json_t *data = json_loads(c->data, 0, NULL);
	json_object_set_new(data, "withdraw_reason", json_string(why));
	free(c->withdrawn);
	free(c->data);
	c->withdrawn = json_dumps(withdrawn, JSON_COMPACT);
	c->data = json_dumps(data, JSON_COMPACT);
	json_decref(data);
	json_decref(withdrawn);
	c->withdrawn_at = clock_now();
	snprintf(c->withdrawn_by, sizeof c->withdrawn_by, "%s", r->user.id);
	return 0;
}

/* Ends what the consent allowed: referrals and pending transfers relying on it, and the tasks
 * waiting for those referrals' answers. */
static int cut(struct req *r, const struct consent *c)
{
	char(*waiting)[ID_LEN];
	size_t n;
	if (store_consent_cut(r->st, c->id, c->withdrawn_at, &waiting, &n))
		return api_fail(r, HV_EIO, NULL, "storage error");
	int rc = 0;
	for (size_t i = 0; !rc && i < n; i++)
		rc = referrals_end_wait(r, c->record_id, waiting[i], "cancelled");
	free(waiting);
	return rc;
}

/* {"purposes"?: [...], "reason": "..."}: withdraws the named purposes (all still active when
 * none are named). The consent is read again inside the transaction, so two withdrawals at
 * once both count. */
int api_consents_withdraw(struct req *r)
{
	static const char *const keys[] = {"purposes", "reason", NULL};
	const char *reason, *why;
	struct record rec = {0};
	struct consent c = {0};
	struct audit_tx *tx = NULL;
	json_t *b = NULL;
	const char *id = r->params[0];
	if (!token_is_uuid(id) || store_consent_get(r->st, id, &c))
		return api_fail(r, HV_ENOTFOUND, NULL, "no such consent");
	int cuts = 0, rc = records_load_id(r, c.record_id, "consent", &rec, &reason);
	if (!rc)
		rc = api_body(r, &b);
	if (!rc)
		rc = json_only_keys(b, keys, &r->err);
	const json_t *asked = json_object_get(b, "purposes");
	if (!rc && asked)
		rc = string_set(r, asked, "purposes", consent_purposes, 4);
	if (!rc)
		rc = api_text_member(r, b, "reason", 1, 2000, &why);
	if (!rc)
		rc = api_tx_begin(r);
	if (!rc) {
		consent_release(&c);
		if (store_consent_get(r->st, id, &c))
			rc = api_fail(r, HV_EIO, NULL, "storage error");
	}
	if (!rc)
		rc = records_reload(r, &rec);
	if (!rc)
		rc = mark_withdrawn(r, &c, asked, why, &cuts);
	if (!rc && store_consent_withdraw(r->st, &c))
		rc = api_fail(r, HV_EIO, NULL, "storage error");
	if (!rc && cuts)
		rc = cut(r, &c);
	if (!rc)
		rc = derive(r, &rec, &c, "consent_withdraw");
	if (!rc)
		rc = api_tx_audit(r, &tx, "case.consent_withdraw", "case", rec.id, NULL);
	rc = api_tx_end(r, rc, tx);
	if (!rc) {
		json_t *out = consent_json(r, &c);
		json_object_set_new(out, "case_version", json_integer(rec.version));
		rc = api_reply(r, 200, out);
	}
	json_decref(b);
	consent_release(&c);
	record_release(&rec);
	return rc;
}
