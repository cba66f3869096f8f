/* referrals: a case referred to a service of the directory, with the child's consent (or a
 * supervisor's recorded override). The receiving agency sees the case only through the forms
 * the referral shares, answers it (accept, decline, complete), and the caseworker is told
 * through tasks: one awaiting the answer, one when a referral is declined. */
#include "consents.h"
#include "referrals.h"
#include "records.h"
#include "base/alloc.h"
#include "base/clock.h"
#include "base/json.h"
#include "core/form.h"
#include "core/perm.h"
#include "core/record.h"
#include "core/schema.h"
#include "core/workflow.h"
#include "sec/token.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Agencies whose copy of a case carries its notices (the non-punishment principle). */
static const char *const enforcement[] = {"police", "border", "immigration", "justice", NULL};
static const char *const statuses[] = {"pending", "accepted", "declined", "completed", "cancelled",
				       "consent_withdrawn", NULL};

enum side { RECEIVER = 1, REFERRER = 2, READER = 4 /* may read the case */ };

/* The moves a referral may make, and who makes them. */
static const struct move {
	const char *from, *to;
	enum side by;
	int needs_reason;
} moves[] = {
	{"pending", "accepted", RECEIVER, 0},	{"pending", "declined", RECEIVER, 1},
	{"accepted", "completed", RECEIVER, 1}, {"pending", "cancelled", REFERRER, 1},
	{"accepted", "cancelled", REFERRER, 1},
};

/* The short reference that keeps a referral's tasks apart from the case's others. */
static void task_ref(const char *id, char ref[24])
{
	snprintf(ref, 24, "referral:%.8s", id);
}

/* A referral as its reader sees it. The referring side (reader: may read the case) sees
 * everything; the receiving agency alone sees that consent was overridden but not why (the
 * reason may hold case details), and once consent is withdrawn not even the note. */
static json_t *referral_json(struct req *r, const struct referral *x, int reader)
{
	char today[11];
	clock_today_iso(today);
	json_t *kase = json_pack("{s:s}", "display_id", x->display_id);
	if (reader)
		json_object_set_new(kase, "id", json_string(x->record_id));
	json_t *out = json_pack("{s:s,s:s,s:s,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:b}", "id", x->id, "status", x->status,
				"respond_by", x->respond_by, "version", (json_int_t)x->version, "case", kase, "service",
				json_pack("{s:s,s:s}", "id", x->service_id, "name", x->service_name), "to_agency",
				api_agencyref(r, x->to_agency_id), "from_agency", api_agencyref(r, x->from_agency_id),
				"referred_by", api_userref(r, x->referred_by), "share", json_loads(x->share, 0, NULL),
				"created_at", api_time(x->created_at), "updated_at", api_time(x->updated_at), "overdue",
				!strcmp(x->status, "pending") && strcmp(x->respond_by, today) < 0);
	json_t *data = json_loads(x->data ? x->data : "{}", 0, NULL); /* note, reasons, events */
	if (!reader && json_object_get(data, "override_reason")) {
		json_object_del(data, "override_reason");
		json_object_set_new(data, "without_consent", json_true());
	}
	if (!reader && !strcmp(x->status, "consent_withdrawn"))
		json_object_del(data, "note");
	json_object_update_missing(out, data);
	json_decref(data);
	return out;
}

/* Opens the task that waits for the provider's answer. */
static int wait_task(struct req *r, const struct referral *x)
{
	char ref[24];
	task_ref(x->id, ref);
	return records_event_task(r, x->record_id, "referral_made", ref, x->respond_by, x->service_name);
}

int referrals_end_wait(struct req *r, const char *record_id, const char *referral_id, const char *status)
{
	char ref[24];
	task_ref(referral_id, ref);
	return records_event_task_close(r, record_id, "referral_made", ref, status);
}

/* The sides of referral x (of case rec) the user is on: its receiving agency, the case's
 * readers and, among them, those who may refer it. */
static int sides(struct req *r, const struct referral *x, const struct record *rec)
{
	int s = 0;
	if (!strcmp(r->user.agency_id, x->to_agency_id) && perm_allows(&r->user, "referral.receive"))
		s |= RECEIVER;
	if (!rec->deleted && records_may(r, "read", rec))
		s |= records_may(r, "refer", rec) ? REFERRER | READER : READER;
	return s;
}

/* What the receiving agency sees of the case: the shared forms' fields as the referring role
 * saw them, with the case's notices when the agency is police, border, immigration or justice. */
static json_t *shared_view(struct req *r, const struct referral *x, const struct record *rec)
{
	const struct formset *fs = schema_formset(r->conf->schema, "case");
	json_t *full = record_output(json_loads(rec->data, 0, NULL)), *data = json_deep_copy(full);
	json_t *share = json_loads(x->share, 0, NULL);
	struct agency a = {0};
	api_agency_get(r, x->to_agency_id, &a);
	if (fs) {
		form_filter(fs, data, x->referrer_role, NULL);
		form_keep(fs, data, share);
	}
	json_t *out = json_pack("{s:o,s:o}", "data", data, "notices",
				api_one_of(a.type, enforcement) ? records_notices(r, full) : json_array());
	json_decref(full);
	json_decref(share);
	return out;
}

static json_t *event_json(const struct referral *x, const char *status)
{
	return json_pack("{s:s,s:s,s:s}", "id", x->id, "service", x->service_name, "status", status);
}

/* ---- making a referral ------------------------------------------------------------------- */

/* share: distinct case form ids. */
static int share_ok(struct req *r, const json_t *share)
{
	const struct formset *fs = schema_formset(r->conf->schema, "case");
	size_t i, k;
	json_t *v;
	if (!json_is_array(share) || json_array_size(share) > 50)
		return api_fail(r, HV_EVALID, "share", "must be a list of form ids");
	json_array_foreach(share, i, v) {
		int known = 0;
		for (k = 0; fs && k < fs->n; k++)
			known |= json_is_string(v) && !strcmp(form_id(fs->forms[k]), json_string_value(v));
		if (!known)
			return api_fail(r, HV_EVALID, "share", "names a form that is not a case form");
		for (k = 0; k < i; k++)
			if (json_equal(v, json_array_get(share, k)))
				return api_fail(r, HV_EVALID, "share", "names a form twice");
	}
	return 0;
}

static int service_ok(struct req *r, const char *id, struct service *s)
{
	memset(s, 0, sizeof *s);
	if (!id || !token_is_uuid(id) || store_service_get(r->st, id, s) || !s->active)
		return api_fail(r, HV_EVALID, "service_id", "is not an active service of the directory");
	json_t *data = json_loads(s->data, 0, NULL);
	const char *availability = json_string_value(json_object_get(data, "availability"));
	int closed = availability && !strcmp(availability, "closed");
	json_decref(data);
	return closed ? api_fail(r, HV_ECONFLICT, "service_id", "this service is closed to new referrals") : 0;
}

/* The referral's fields from the body; consent is checked by the caller. */
static int referral_body(struct req *r, const json_t *b, const struct record *rec, struct referral *x, struct service *s,
			 const char **override)
{
	static const char *const keys[] = {"service_id", "share", "note", "respond_by", "override_reason", NULL};
	const json_t *share = json_object_get(b, "share");
	const char *note, *by = json_string_value(json_object_get(b, "respond_by"));
	char today[11], latest[11];
	clock_today_iso(today);
	clock_date_add(today, 90, latest);
	int y, m, d;
	int rc = json_only_keys(b, keys, &r->err);
	if (!rc)
		rc = service_ok(r, json_string_value(json_object_get(b, "service_id")), s);
	if (!rc && share)
		rc = share_ok(r, share);
	if (!rc)
		rc = api_text_member(r, b, "note", 0, 2000, &note);
	if (!rc)
		rc = api_text_member(r, b, "override_reason", 0, 1000, override);
	if (*override && !**override)
		*override = NULL;
	if (!rc && json_object_get(b, "respond_by") &&
	    (!by || clock_parse_date(by, &y, &m, &d) || strcmp(by, today) < 0 || strcmp(by, latest) > 0))
		rc = api_fail(r, HV_EVALID, "respond_by", "must be a date from today to 90 days ahead");
	if (rc)
		return rc;
	memset(x, 0, sizeof *x);
	token_uuid(x->id);
	snprintf(x->record_id, sizeof x->record_id, "%s", rec->id);
	snprintf(x->display_id, sizeof x->display_id, "%s", rec->display_id);
	snprintf(x->service_id, sizeof x->service_id, "%s", s->id);
	snprintf(x->service_name, sizeof x->service_name, "%s", s->name);
	snprintf(x->to_agency_id, sizeof x->to_agency_id, "%s", s->agency_id);
	snprintf(x->from_agency_id, sizeof x->from_agency_id, "%s", r->user.agency_id);
	snprintf(x->referred_by, sizeof x->referred_by, "%s", r->user.id);
	snprintf(x->referrer_role, sizeof x->referrer_role, "%s", r->user.role);
	snprintf(x->status, sizeof x->status, "pending");
	const struct workflow *wf = schema_workflow(r->conf->schema, "case");
	if (by)
		snprintf(x->respond_by, sizeof x->respond_by, "%s", by);
	else if (!wf || !workflow_event_task(wf, "referral_made", NULL, today, x->respond_by))
		clock_date_add(today, 3, x->respond_by);
	x->share = share ? json_dumps(share, JSON_COMPACT) : xstrdup("[]");
	json_t *data = json_object();
	if (note && *note)
		json_object_set_new(data, "note", json_string(note));
	if (*override)
		json_object_set_new(data, "override_reason", json_string(*override));
	x->data = json_dumps(data, JSON_COMPACT);
	json_decref(data);
	x->version = 1;
	x->created_at = x->updated_at = clock_now();
	return 0;
}

int api_referrals_create(struct req *r)
{
	const char *reason, *override = NULL;
	struct record rec;
	struct referral x = {0};
	struct service s = {0};
	struct audit_tx *tx = NULL;
	char ids[2][ID_LEN];
	size_t nids = 0;
	json_t *b = NULL;
	int rc = records_load_for(r, "refer", &rec, &reason);
	if (rc)
		return rc;
	if (!(rc = api_body(r, &b)))
		rc = referral_body(r, b, &rec, &x, &s, &override);
	if (!rc)
		rc = api_tx_begin(r);
	if (!rc)
		rc = consents_require(r, &rec, x.to_agency_id, 1, override, 1, ids, &nids);
	if (!rc && store_referral_insert(r->st, &x))
		rc = api_fail(r, HV_EIO, NULL, "storage error");
	for (size_t i = 0; !rc && i < nids; i++)
		if (store_consent_use(r->st, ids[i], "referral", x.id))
			rc = api_fail(r, HV_EIO, NULL, "storage error");
	if (!rc)
		rc = records_event(r, x.record_id, "referral", "referrals", event_json(&x, override ? "pending_override" : "pending"));
	if (!rc)
		rc = wait_task(r, &x);
	if (!rc)
		rc = api_tx_audit(r, &tx, override ? "case.refer_override" : "case.refer", "case", rec.id, override);
	rc = api_tx_end(r, rc, tx);
	if (!rc)
		rc = api_reply(r, 201, referral_json(r, &x, 1));
	service_release(&s);
	referral_release(&x);
	json_decref(b);
	record_release(&rec);
	return rc;
}

/* ---- reading ----------------------------------------------------------------------------- */

/* Replies with a page of referrals; audit_action (NULL: the caller audits) names every case. */
static int reply_list(struct req *r, struct referral_query *q, int referrer, const char *audit_action)
{
	struct referral *x;
	size_t n;
	int64_t total;
	if (store_referral_query(r->st, q, &x, &n, &total))
		return api_fail(r, HV_EIO, NULL, "storage error");
	json_t *items = json_array();
	struct buf ids = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(items, referral_json(r, &x[i], referrer));
		buf_addf(&ids, "%s%s", i ? "," : "", x[i].record_id);
	}
	if (n && audit_action)
		api_audit_read(r, audit_action, "case", ids.p, NULL);
	buf_release(&ids);
	referral_list_free(x, n);
	return api_reply(r, 200, json_pack("{s:o,s:I,s:i,s:i}", "items", items, "total", (json_int_t)total, "page", q->page,
					   "per", q->per));
}

int api_case_referrals(struct req *r)
{
	const char *reason;
	struct record rec;
	int rc = records_load(r, "read", &rec, &reason);
	if (rc)
		return rc;
	struct referral_query q = {.record_id = rec.id};
	rc = api_page(r, NULL, &q.page, &q.per);
	if (!rc)
		rc = reply_list(r, &q, 1, NULL);
	if (!rc)
		api_audit_read(r, reason ? "case.read.break_glass" : "case.read", "case", rec.id, reason);
	record_release(&rec);
	return rc;
}

int api_referrals_list(struct req *r)
{
	const char *box = r->query(r->conn, "box"), *status = r->query(r->conn, "status");
	struct referral_query q = {0};
	struct scope sc;
	int rc = api_page(r, NULL, &q.page, &q.per);
	if (rc)
		return rc;
	if (status && !api_one_of(status, statuses))
		return api_fail(r, HV_EVALID, "status", "is not an allowed value");
	q.status = status;
	if (!box || !strcmp(box, "inbox")) {
		if (!perm_allows(&r->user, "referral.receive"))
			return api_fail(r, HV_EFORBID, NULL, "your role does not receive referrals");
		q.to_agency_id = r->user.agency_id;
		return reply_list(r, &q, 0, "referral.list");
	}
	if (strcmp(box, "sent"))
		return api_fail(r, HV_EVALID, "box", "must be inbox or sent");
	if (perm_scope(&r->user, "case.refer", &sc, NULL))
		return api_fail(r, HV_EFORBID, NULL, "your role does not refer cases");
	if (sc.kind >= SCOPE_AGENCY)
		q.from_agency_id = r->user.agency_id;
	else
		q.referred_by = r->user.id;
	return reply_list(r, &q, 1, "referral.list");
}

/* Loads referral r->params[0] for a user on one of its sides (else 404), and its case. */
static int load(struct req *r, struct referral *x, struct record *rec, int *side)
{
	const char *id = r->params[0];
	memset(rec, 0, sizeof *rec);
	if (!token_is_uuid(id) || store_referral_get(r->st, id, x))
		return api_fail(r, HV_ENOTFOUND, NULL, "no such referral");
	if (store_record_get(r->st, x->record_id, rec) || !(*side = sides(r, x, rec))) {
		referral_release(x);
		record_release(rec);
		return api_fail(r, HV_ENOTFOUND, NULL, "no such referral");
	}
	return 0;
}

int api_referrals_get(struct req *r)
{
	struct referral x;
	struct record rec;
	int side, rc = load(r, &x, &rec, &side);
	if (rc)
		return rc;
	json_t *out = referral_json(r, &x, side & READER);
	/* The receiver sees the shared forms while the referral stands on its consent. */
	if ((side & RECEIVER) && api_one_of(x.status, (const char *const[]){"pending", "accepted", "completed", NULL})) {
		json_t *view = shared_view(r, &x, &rec);
		json_object_update(json_object_get(out, "case"), view);
		json_decref(view);
	}
	rc = api_reply(r, 200, out);
	api_audit_read(r, "referral.read", "case", rec.id, NULL);
	referral_release(&x);
	record_release(&rec);
	return rc;
}

/* ---- answering --------------------------------------------------------------------------- */

static const struct move *find_move(const char *from, const char *to)
{
	for (size_t i = 0; i < sizeof moves / sizeof *moves; i++)
		if (!strcmp(moves[i].from, from) && !strcmp(moves[i].to, to))
			return &moves[i];
	return NULL;
}

/* Records the answer in the referral's data: the latest reason, what was given, and every
 * change in events. */
static void answer(struct req *r, struct referral *x, const char *to, const char *reason, const char *given)
{
	json_t *data = json_loads(x->data, 0, NULL);
	if (!data)
		data = json_object();
	json_t *events = json_object_get(data, "events");
	if (!json_is_array(events))
		json_object_set_new(data, "events", events = json_array());
	json_t *ev = json_pack("{s:s,s:s,s:o}", "status", to, "by", r->user.id, "at", api_time(clock_now()));
	if (reason && *reason) {
		json_object_set_new(ev, "reason", json_string(reason));
		json_object_set_new(data, "reason", json_string(reason));
	}
	if (given && *given)
		json_object_set_new(data, "services_given", json_string(given));
	json_array_append_new(events, ev);
	free(x->data);
	x->data = json_dumps(data, JSON_COMPACT);
	json_decref(data);
	snprintf(x->status, sizeof x->status, "%s", to);
	x->updated_at = clock_now();
}

int api_referrals_patch(struct req *r)
{
	static const char *const keys[] = {"status", "reason", "services_given", NULL};
	int64_t expected;
	struct referral x;
	struct record rec;
	struct audit_tx *tx = NULL;
	json_t *b = NULL;
	const char *to, *why = NULL, *given = NULL;
	int side, rc = api_if_match(r, &expected);
	if (rc || (rc = load(r, &x, &rec, &side)))
		return rc;
	if (!(rc = api_body(r, &b)))
		rc = json_only_keys(b, keys, &r->err);
	if (!rc)
		rc = api_enum_member(r, b, "status", (const char *const[]){"accepted", "declined", "completed", "cancelled", NULL}, &to);
	if (!rc)
		rc = api_text_member(r, b, "reason", 0, 2000, &why);
	if (!rc)
		rc = api_text_member(r, b, "services_given", 0, 2000, &given);
	if (!rc && x.version != expected)
		rc = api_fail(r, HV_ESTALE, NULL, "the referral was changed by someone else since version %lld; reload it",
			      (long long)expected);
	const struct move *mv = rc ? NULL : find_move(x.status, to);
	if (!rc && !mv)
		rc = api_fail(r, HV_ECONFLICT, "status", "a referral that is %s cannot become %s", api_label(x.status), api_label(to));
	if (!rc && !(side & mv->by))
		rc = mv->by == RECEIVER ? api_fail(r, HV_EFORBID, "status", "only the receiving agency may do this")
					: api_fail(r, HV_EFORBID, "status", "only the referring caseworker may do this");
	if (!rc && mv->needs_reason && (!why || !*why))
		rc = api_fail(r, HV_EVALID, "reason", "is required");
	if (!rc) {
		answer(r, &x, to, why, given);
		rc = api_tx_begin(r);
	}
	if (!rc && (rc = store_referral_update(r->st, &x, expected)))
		rc = rc == -HV_ESTALE ? api_fail(r, HV_ESTALE, NULL, "the referral was changed by someone else; reload it")
				      : api_fail(r, HV_EIO, NULL, "storage error");
	if (!rc)
		rc = records_event(r, x.record_id, "referral", "referrals", event_json(&x, to));
	/* Any answer ends the wait; a decline asks the caseworker to find another service. */
	if (!rc && strcmp(to, "completed"))
		rc = referrals_end_wait(r, x.record_id, x.id, "done");
	if (!rc && !strcmp(to, "declined")) {
		char ref[24];
		task_ref(x.id, ref);
		rc = records_event_task(r, x.record_id, "referral_declined", ref, NULL, x.service_name);
	}
	if (!rc)
		rc = api_tx_audit(r, &tx, "referral.update", "case", rec.id, NULL);
	rc = api_tx_end(r, rc, tx);
	if (!rc) {
		x.version = expected + 1;
		rc = api_reply(r, 200, referral_json(r, &x, side & READER));
	}
	json_decref(b);
	referral_release(&x);
	record_release(&rec);
	return rc;
}
