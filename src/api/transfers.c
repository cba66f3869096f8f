/* transfers: handing responsibility for a case to a colleague or another agency, which takes
 * effect only when the receiver accepts, and requests for a case's transfer from an agency
 * that has a referral for it. A transfer to another agency discloses the case, so it needs
 * the child's consent to disclosure (or a supervisor's recorded override). */
#include "consents.h"
#include "records.h"
#include "base/clock.h"
#include "base/json.h"
#include "core/perm.h"
#include "core/workflow.h"
#include "core/schema.h"
#include "sec/token.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum side { RECEIVER = 1, PROPOSER = 2, READER = 4 /* may read the case */ };

static json_t *transfer_json(struct req *r, const struct transfer *x, int reader)
{
	json_t *kase = json_pack("{s:s}", "display_id", x->display_id);
	if (reader)
		json_object_set_new(kase, "id", json_string(x->record_id));
	json_t *out = json_pack("{s:s,s:s,s:s,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id", x->id, "kind", x->kind, "status",
				x->status, "version", (json_int_t)x->version, "case", kase, "from_agency",
				api_agencyref(r, x->from_agency_id), "to_agency", api_agencyref(r, x->to_agency_id), "to_user",
				*x->to_user_id ? api_userref(r, x->to_user_id) : json_null(), "proposed_by",
				api_userref(r, x->proposed_by), "created_at", api_time(x->created_at), "updated_at",
				api_time(x->updated_at));
	json_t *data = json_loads(x->data ? x->data : "{}", 0, NULL); /* reasons, the answer */
	json_object_update_missing(out, data);
	json_decref(data);
	return out;
}

static int history(struct req *r, const struct transfer *x, const char *status)
{
	return records_event(r, x->record_id, "transfer", "transfers",
			     json_pack("{s:s,s:s,s:s,s:s}", "id", x->id, "kind", x->kind, "status", status, "to_agency", x->to_agency_id));
}

static void transfer_new(struct req *r, struct transfer *x, const struct record *rec, const char *kind,
			 const char *to_agency, const char *to_user, json_t *data)
{
	memset(x, 0, sizeof *x);
	token_uuid(x->id);
	snprintf(x->record_id, sizeof x->record_id, "%s", rec->id);
	snprintf(x->display_id, sizeof x->display_id, "%s", rec->display_id);
	snprintf(x->kind, sizeof x->kind, "%s", kind);
	snprintf(x->from_agency_id, sizeof x->from_agency_id, "%s", rec->agency_id);
	snprintf(x->proposed_by, sizeof x->proposed_by, "%s", r->user.id);
	snprintf(x->to_agency_id, sizeof x->to_agency_id, "%s", to_agency);
	snprintf(x->to_user_id, sizeof x->to_user_id, "%s", to_user ? to_user : "");
	snprintf(x->status, sizeof x->status, "pending");
	x->data = json_dumps(data, JSON_COMPACT);
	x->version = 1;
	x->created_at = x->updated_at = clock_now();
}

/* Inserts x (one pending per case: 409) with its history row and the consents it relies on. */
static int insert(struct req *r, const struct transfer *x, char ids[2][ID_LEN], size_t nids)
{
	int rc = store_transfer_insert(r->st, x);
	if (rc)
		return rc == -HV_ECONFLICT ? api_fail(r, HV_ECONFLICT, NULL, "a transfer of this case is already waiting for an answer")
					   : api_fail(r, HV_EIO, NULL, "storage error");
	for (size_t i = 0; i < nids; i++)
		if (store_consent_use(r->st, ids[i], "transfer", x->id))
			return api_fail(r, HV_EIO, NULL, "storage error");
	return history(r, x, "proposed");
}

/* An active user (of agency, when given), or a 422 naming field. */
static int active_user(struct req *r, const char *id, const char *agency, const char *field, struct user *u)
{
	memset(u, 0, sizeof *u);
	int ok = id && token_is_uuid(id) && !store_user_get(r->st, id, u, 0) && !u->disabled &&
		 (!agency || !strcmp(u->agency_id, agency));
	return ok ? 0 : api_fail(r, HV_EVALID, field, "must be an active user of the receiving agency");
}

int api_transfers_create(struct req *r)
{
	static const char *const keys[] = {"to_user_id", "to_agency_id", "reason", "override_reason", NULL};
	const char *access, *why, *override = NULL;
	struct record rec;
	struct transfer x = {0};
	struct audit_tx *tx = NULL;
	struct agency a;
	struct user u;
	char ids[2][ID_LEN];
	size_t nids = 0;
	json_t *b = NULL;
	int rc = records_load_for(r, "transfer", &rec, &access);
	if (rc)
		return rc;
	if (!(rc = api_body(r, &b)))
		rc = json_only_keys(b, keys, &r->err);
	const char *to_user = json_string_value(json_object_get(b, "to_user_id"));
	const char *to_agency = json_string_value(json_object_get(b, "to_agency_id"));
	if (!rc && !to_user && !to_agency)
		rc = api_fail(r, HV_EVALID, "to_user_id", "name the user or the agency to transfer to");
	if (!rc && to_agency && (!token_is_uuid(to_agency) || api_agency_get(r, to_agency, &a)))
		rc = api_fail(r, HV_EVALID, "to_agency_id", "is not an agency");
	if (!rc && to_user)
		rc = active_user(r, to_user, to_agency, "to_user_id", &u);
	if (!rc && to_user && !strcmp(to_user, rec.owner_id))
		rc = api_fail(r, HV_EVALID, "to_user_id", "is already responsible for this case");
	if (!rc && !to_agency)
		to_agency = u.agency_id;
	if (!rc)
		rc = api_text_member(r, b, "reason", 1, 2000, &why);
	if (!rc)
		rc = api_text_member(r, b, "override_reason", 0, 1000, &override);
	if (override && !*override)
		override = NULL;
	int across = !rc && strcmp(to_agency, rec.agency_id);
	if (!rc && !across && override)
		rc = api_fail(r, HV_EVALID, "override_reason", "a transfer within the agency discloses nothing; no override is needed");
	if (!rc)
		rc = api_tx_begin(r);
	/* Another agency learns of the child: that needs consent to disclosure to it. */
	if (!rc && across)
		rc = consents_require(r, &rec, to_agency, 0, override, 1, ids, &nids);
	if (!rc) {
		json_t *data = json_pack("{s:s}", "reason", why);
		if (override)
			json_object_set_new(data, "override_reason", json_string(override));
		transfer_new(r, &x, &rec, "transfer", to_agency, to_user, data);
		json_decref(data);
		rc = insert(r, &x, ids, nids);
	}
	if (!rc)
		rc = api_tx_audit(r, &tx, override ? "case.transfer_override" : "case.transfer", "case", rec.id, override);
	rc = api_tx_end(r, rc, tx);
	if (!rc)
		rc = api_reply(r, 201, transfer_json(r, &x, 1));
	transfer_release(&x);
	json_decref(b);
	record_release(&rec);
	return rc;
}

/* A user of an agency with an accepted referral for a case asks to take the case over. */
int api_transfers_request(struct req *r)
{
	static const char *const keys[] = {"reason", NULL};
	const char *why;
	struct referral ref;
	struct record rec = {0};
	struct transfer x = {0};
	struct audit_tx *tx = NULL;
	json_t *b = NULL;
	const char *id = r->params[0];
	if (!token_is_uuid(id) || store_referral_get(r->st, id, &ref))
		return api_fail(r, HV_ENOTFOUND, NULL, "no such referral");
	int rc = 0;
	if (strcmp(ref.to_agency_id, r->user.agency_id) || !perm_allows(&r->user, "referral.receive"))
		rc = api_fail(r, HV_ENOTFOUND, NULL, "no such referral");
	else if (!perm_allows(&r->user, "transfer.request"))
		rc = api_fail(r, HV_EFORBID, NULL, "your role may not ask for a case's transfer");
	else if (strcmp(ref.status, "accepted"))
		rc = api_fail(r, HV_ECONFLICT, NULL, "ask for a transfer once the referral is accepted");
	if (!rc && !(rc = api_body(r, &b)))
		rc = json_only_keys(b, keys, &r->err);
	if (!rc)
		rc = api_text_member(r, b, "reason", 1, 2000, &why);
	if (!rc && store_record_get(r->st, ref.record_id, &rec))
		rc = api_fail(r, HV_EIO, NULL, "storage error");
	/* Consent is checked when the case's side accepts: it may be recorded meanwhile. */
	if (!rc)
		rc = api_tx_begin(r);
	if (!rc) {
		json_t *data = json_pack("{s:s,s:s}", "reason", why, "referral_id", ref.id);
		transfer_new(r, &x, &rec, "request", r->user.agency_id, r->user.id, data);
		json_decref(data);
		rc = insert(r, &x, NULL, 0);
	}
	if (!rc)
		rc = api_tx_audit(r, &tx, "transfer.request", "case", rec.id, NULL);
	rc = api_tx_end(r, rc, tx);
	if (!rc)
		rc = api_reply(r, 201, transfer_json(r, &x, 0));
	transfer_release(&x);
	referral_release(&ref);
	json_decref(b);
	record_release(&rec);
	return rc;
}

/* The sides of transfer x the user is on. For a transfer, the receiver is the named user or
 * whoever receives for the agency; for a request, whoever may transfer the case. */
static int sides(struct req *r, const struct transfer *x, const struct record *rec)
{
	int s = 0, request = !strcmp(x->kind, "request");
	int reader = !rec->deleted && records_may(r, "read", rec), mover = reader && records_may(r, "transfer", rec);
	if (reader)
		s |= READER;
	if (request ? mover
		    : !strcmp(x->to_user_id, r->user.id) ||
			      (!strcmp(x->to_agency_id, r->user.agency_id) && perm_allows(&r->user, "transfer.receive")))
		s |= RECEIVER;
	if (!strcmp(x->proposed_by, r->user.id) || (!request && mover))
		s |= PROPOSER;
	return s;
}

static int load(struct req *r, struct transfer *x, struct record *rec, int *side)
{
	const char *id = r->params[0];
	memset(rec, 0, sizeof *rec);
	if (!token_is_uuid(id) || store_transfer_get(r->st, id, x))
		return api_fail(r, HV_ENOTFOUND, NULL, "no such transfer");
	if (store_record_get(r->st, x->record_id, rec) || !(*side = sides(r, x, rec))) {
		transfer_release(x);
		record_release(rec);
		return api_fail(r, HV_ENOTFOUND, NULL, "no such transfer");
	}
	return 0;
}

int api_transfers_get(struct req *r)
{
	struct transfer x;
	struct record rec;
	int side, rc = load(r, &x, &rec, &side);
	if (rc)
		return rc;
	rc = api_reply(r, 200, transfer_json(r, &x, side & READER));
	api_audit_read(r, "transfer.read", "case", rec.id, NULL);
	transfer_release(&x);
	record_release(&rec);
	return rc;
}

int api_transfers_list(struct req *r)
{
	const char *box = r->query(r->conn, "box"), *status = r->query(r->conn, "status");
	static const char *const statuses[] = {"pending", "accepted", "declined", "cancelled", NULL};
	struct transfer_query q = {0};
	struct scope sc;
	int rc = api_page(r, NULL, &q.page, &q.per);
	if (!rc && status && !api_one_of(status, statuses))
		rc = api_fail(r, HV_EVALID, "status", "is not an allowed value");
	if (rc)
		return rc;
	q.status = status;
	if (!box || !strcmp(box, "inbox")) {
		q.user_id = r->user.id;
		if (perm_allows(&r->user, "transfer.receive"))
			q.receive_agency = r->user.agency_id;
		if (!perm_scope(&r->user, "case.transfer", &sc, NULL) && sc.kind >= SCOPE_AGENCY)
			q.decide_agency = r->user.agency_id;
		if (!status)
			q.status = "pending";
	} else if (!strcmp(box, "sent")) {
		q.proposed_by = r->user.id;
	} else {
		return api_fail(r, HV_EVALID, "box", "must be inbox or sent");
	}
	struct transfer *x;
	size_t n;
	int64_t total;
	if (store_transfer_query(r->st, &q, &x, &n, &total))
		return api_fail(r, HV_EIO, NULL, "storage error");
	json_t *items = json_array();
	struct buf ids = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		struct record rec;
		int reader = 0;
		if (!store_record_get(r->st, x[i].record_id, &rec)) {
			reader = sides(r, &x[i], &rec) & READER;
			record_release(&rec);
		}
		json_array_append_new(items, transfer_json(r, &x[i], reader));
		buf_addf(&ids, "%s%s", i ? "," : "", x[i].record_id);
	}
	if (n)
		api_audit_read(r, "transfer.list", "case", ids.p, NULL);
	buf_release(&ids);
	transfer_list_free(x, n);
	return api_reply(r, 200, json_pack("{s:o,s:I,s:i,s:i}", "items", items, "total", (json_int_t)total, "page", q.page,
					   "per", q.per));
}

/* Accepting moves the case: owner and agency change, assignees are cleared, all in one
 * transaction with the transfer's new status. */
static int move_case(struct req *r, struct record *rec, const struct transfer *x, const char *owner)
{
	int rc = records_reload(r, rec);
	if (rc)
		return rc;
	int64_t expected = rec->version;
	char was[2 * ID_LEN + 8], now[2 * ID_LEN + 8];
	snprintf(was, sizeof was, "\"%s/%s\"", rec->agency_id, rec->owner_id);
	snprintf(rec->owner_id, sizeof rec->owner_id, "%s", owner);
	snprintf(rec->agency_id, sizeof rec->agency_id, "%s", x->to_agency_id);
	snprintf(now, sizeof now, "\"%s/%s\"", rec->agency_id, rec->owner_id);
	rec->version++;
	rec->updated_at = clock_now();
	if (store_record_update(r->st, rec, expected, &r->err) || store_assignees_set(r->st, rec->id, NULL, 0) ||
	    store_history_insert(r->st, rec->id, rec->updated_at, r->user.id, "transfer", "owner", was, now))
		return api_fail(r, HV_EIO, NULL, "storage error");
	return 0;
}

/* The new owner on acceptance: the requester; else the named owner_id (a receiver for the
 * agency may name a colleague), the named user, or the one accepting. */
static int new_owner(struct req *r, const struct transfer *x, const char *named, const char **owner)
{
	struct user u;
	if (!strcmp(x->kind, "request")) {
		*owner = x->proposed_by;
		return named ? api_fail(r, HV_EVALID, "owner_id", "the requester becomes the owner") : 0;
	}
	if (named && strcmp(named, r->user.id) && !perm_allows(&r->user, "transfer.receive"))
		return api_fail(r, HV_EFORBID, "owner_id", "only a supervisor of the receiving agency may name another owner");
	*owner = named ? named : *x->to_user_id ? x->to_user_id : r->user.id;
	return active_user(r, *owner, x->to_agency_id, "owner_id", &u);
}

int api_transfers_patch(struct req *r)
{
	static const char *const keys[] = {"status", "reason", "owner_id", NULL};
	static const char *const answers[] = {"accepted", "declined", "cancelled", NULL};
	int64_t expected;
	struct transfer x;
	struct record rec;
	struct audit_tx *tx = NULL;
	json_t *b = NULL;
	const char *to, *why = NULL, *owner = NULL;
	int side, rc = api_if_match(r, &expected);
	if (rc || (rc = load(r, &x, &rec, &side)))
		return rc;
	if (!(rc = api_body(r, &b)))
		rc = json_only_keys(b, keys, &r->err);
	if (!rc)
		rc = api_enum_member(r, b, "status", answers, &to);
	if (!rc)
		rc = api_text_member(r, b, "reason", 0, 2000, &why);
	const char *named = json_string_value(json_object_get(b, "owner_id"));
	int cancel = !rc && !strcmp(to, "cancelled");
	if (!rc && strcmp(x.status, "pending"))
		rc = api_fail(r, HV_ECONFLICT, "status", "this transfer is already %s", api_label(x.status));
	if (!rc && !(side & (cancel ? PROPOSER : RECEIVER)))
		rc = api_fail(r, HV_EFORBID, "status", cancel ? "only the side that proposed it may cancel it"
							       : "only the receiver may answer this transfer");
	if (!rc && !strcmp(to, "declined") && (!why || !*why))
		rc = api_fail(r, HV_EVALID, "reason", "is required");
	if (!rc && !strcmp(to, "accepted"))
		rc = new_owner(r, &x, named, &owner);
	if (!rc && x.version != expected)
		rc = api_fail(r, HV_ESTALE, NULL, "the transfer was changed by someone else since version %lld; reload it",
			      (long long)expected);
	if (!rc) {
		json_t *data = json_loads(x.data, 0, NULL);
		json_object_set_new(data, "answered_by", json_string(r->user.id));
		if (why && *why)
			json_object_set_new(data, "answer", json_string(why));
		free(x.data);
		x.data = json_dumps(data, JSON_COMPACT);
		json_decref(data);
		snprintf(x.status, sizeof x.status, "%s", to);
		x.updated_at = clock_now();
		rc = api_tx_begin(r);
	}
	if (!rc && (rc = store_transfer_update(r->st, &x, expected)))
		rc = rc == -HV_ESTALE ? api_fail(r, HV_ESTALE, NULL, "the transfer was changed by someone else; reload it")
				      : api_fail(r, HV_EIO, NULL, "storage error");
	/* Handing the case to a requesting agency discloses it: that needs consent, now. */
	char ids[2][ID_LEN];
	size_t nids;
	if (!rc && owner && !strcmp(x.kind, "request") && strcmp(x.to_agency_id, rec.agency_id))
		rc = consents_require(r, &rec, x.to_agency_id, 0, NULL, 0, ids, &nids);
	if (!rc && owner)
		rc = move_case(r, &rec, &x, owner);
	if (!rc)
		rc = history(r, &x, to);
	if (!rc && !strcmp(to, "declined") && !strcmp(x.kind, "transfer")) { /* a requester cannot see the case's tasks */
		char ref[24];
		snprintf(ref, sizeof ref, "transfer:%.8s", x.id);
		rc = records_event_task(r, x.record_id, "transfer_declined", ref, NULL, NULL);
	}
	if (!rc)
		rc = api_tx_audit(r, &tx, "transfer.update", "case", rec.id, NULL);
	rc = api_tx_end(r, rc, tx);
	if (!rc) {
		x.version = expected + 1;
		rc = api_reply(r, 200, transfer_json(r, &x, sides(r, &x, &rec) & READER));
	}
	json_decref(b);
	transfer_release(&x);
	record_release(&rec);
	return rc;
}
