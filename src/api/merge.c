/* merge: two cases found to be one child (docs/linkage.md). The kept case takes what it lacks
 * from the other (core/record_merge), each field written with its history; the other case is
 * retired (deleted, with its own history, notes and consents kept as they were). A merge is
 * undone while the kept case has not changed since: its fields go back and the other case
 * returns. Permission case.merge on both cases: a supervisor within the agency, an
 * administrator across agencies (with a stated reason, as for any administrator's read). */
#include "api.h"
#include "records.h"
#include "base/alloc.h"
#include "base/clock.h"
#include "base/json.h"
#include "core/consent.h"
#include "core/perm.h"
#include "core/record.h"
#include "sec/token.h"
#include <string.h>

static json_t *ref(const struct record *rec)
{
	return json_pack("{s:s, s:s}", "id", rec->id, "display_id", rec->display_id);
}

static json_t *merge_json(const struct merge *m)
{
	json_t *set = json_loads(m->set_values, 0, NULL), *fields = json_array();
	const char *key;
	json_t *v;
	json_object_foreach(set, key, v) json_array_append_new(fields, json_string(key));
	json_decref(set);
	json_t *out = json_pack("{s:s, s:s, s:s, s:o, s:o, s:I, s:o}", "id", m->id, "kept_id", m->kept_id, "merged_id",
				m->merged_id, "fields", fields, "conflicts", json_loads(m->conflicts, 0, NULL), "kept_version",
				(json_int_t)m->kept_version, "merged_at", api_time(m->merged_at));
	if (m->undone_at)
		json_object_set_new(out, "undone_at", api_time(m->undone_at));
	return out;
}

/* Retires or brings back the other case, with a history row saying why. */
static int set_deleted(struct req *r, struct record *rec, int deleted, const struct record *kept, const char *field)
{
	int64_t expected = rec->version;
	rec->deleted = deleted;
	rec->version++;
	rec->updated_at = clock_now();
	int rc = store_record_update(r->st, rec, expected, &r->err);
	return rc ? rc : records_event(r, rec->id, "merge", field, ref(kept));
}

/* POST /api/v1/cases/{id}/merge {"other_id"} with If-Match: the kept case's version. */
int api_cases_merge(struct req *r)
{
	json_t *b = NULL, *set = NULL, *before = NULL, *conflicts = NULL, *kdoc = NULL, *odoc = NULL;
	struct record kept = {0}, other = {0};
	struct merge m = {0};
	struct audit_tx *tx = NULL;
	const char *reason = NULL, *other_id = NULL;
	int64_t version = 0;
	char ids[2 * ID_LEN + 1];
	static const char *const keys[] = {"other_id", NULL};
	int rc = records_load_for(r, "merge", &kept, &reason);
	if (!rc)
		rc = api_if_match(r, &version);
	if (!rc)
		rc = api_body(r, &b);
	if (!rc && json_only_keys(b, keys, &r->err))
		rc = api_fail(r, HV_EVALID, r->err.field.p, "unknown field");
	if (!rc)
		rc = api_text_member(r, b, "other_id", 1, 36, &other_id);
	if (!rc && !strcmp(other_id, kept.id))
		rc = api_fail(r, HV_EVALID, "other_id", "a case cannot be merged with itself");
	if (!rc)
		rc = records_load_id(r, other_id, "merge", &other, &reason);
	if (!rc)
		rc = api_tx_begin(r);
	if (!rc)
		rc = records_reload(r, &kept);
	if (!rc)
		rc = records_reload(r, &other);
	if (!rc && other.deleted)
		rc = api_fail(r, HV_ENOTFOUND, "other_id", "no such case");
	if (!rc && kept.version != version)
		rc = api_fail(r, HV_ESTALE, NULL, "the case has changed since you read it; reload and merge again");
	if (!rc) {
		kdoc = json_loads(kept.data, 0, NULL);
		odoc = json_loads(other.data, 0, NULL);
		record_merge(kdoc, odoc, consent_fields, &set, &before, &conflicts);
		rc = records_write_derived(r, &kept, set, "merge");
	}
	if (!rc)
		rc = set_deleted(r, &other, 1, &kept, "merged_into");
	if (!rc)
		rc = records_event(r, kept.id, "merge", "merged_from", ref(&other));
	if (!rc) {
		token_uuid(m.id);
		snprintf(m.kept_id, sizeof m.kept_id, "%s", kept.id);
		snprintf(m.merged_id, sizeof m.merged_id, "%s", other.id);
		m.set_values = json_dumps(set, JSON_COMPACT);
		m.before_values = json_dumps(before, JSON_COMPACT);
		m.conflicts = json_dumps(conflicts, JSON_COMPACT);
		m.kept_version = kept.version;
		snprintf(m.merged_by, sizeof m.merged_by, "%s", r->user.id);
		m.merged_at = clock_now();
		snprintf(ids, sizeof ids, "%s,%s", kept.id, other.id);
		if (store_merge_insert(r->st, &m))
			rc = api_fail(r, HV_EIO, NULL, "storage error");
	}
	if (!rc && store_dup_decide(r->st, kept.id, other.id, "merged", r->user.id, m.merged_at))
		rc = api_fail(r, HV_EIO, NULL, "storage error");
	if (!rc)
		rc = api_tx_audit(r, &tx, "case.merge", "case", ids, reason);
	rc = api_tx_end(r, rc, tx);
	if (!rc)
		rc = api_reply(r, 200, merge_json(&m));
	merge_release(&m);
	json_decref(set);
	json_decref(before);
	json_decref(conflicts);
	json_decref(kdoc);
	json_decref(odoc);
	json_decref(b);
	record_release(&kept);
	record_release(&other);
	return rc;
}

/* Whether the user may merge the retired case, judged as it was before (an administrator's
 * stated reason for the kept case covers it too). Merging is an agency- or all-scope right. */
static int may_merge_retired(struct req *r, const struct record *rec, const char *reason)
{
	struct record live = *rec; /* a shallow copy, never released */
	live.deleted = 0;
	struct scope sc;
	int need = 0;
	return !perm_scope(&r->user, "case.merge", &sc, &need) && (!need || reason) && perm_covers(&sc, &live, NULL, 0);
}

/* POST /api/v1/merges/{id}/undo: the kept case's merged fields go back, the other case returns. */
int api_merges_undo(struct req *r)
{
	struct merge m = {0};
	struct record kept = {0}, other = {0};
	struct audit_tx *tx = NULL;
	const char *reason = NULL;
	json_t *before = NULL;
	char ids[2 * ID_LEN + 1];
	int rc = store_merge_get(r->st, r->params[0], &m);
	if (rc)
		return api_fail(r, rc == -HV_ENOTFOUND ? HV_ENOTFOUND : HV_EIO, NULL,
				rc == -HV_ENOTFOUND ? "no such merge" : "storage error");
	const char *saved = r->rtype;
	r->rtype = "case";
	rc = records_load_id(r, m.kept_id, "merge", &kept, &reason);
	if (!rc && store_record_get(r->st, m.merged_id, &other))
		rc = api_fail(r, HV_EIO, NULL, "storage error");
	if (!rc && !may_merge_retired(r, &other, reason))
		rc = api_fail(r, HV_EFORBID, NULL, "you may not merge the other case");
	if (!rc && m.undone_at)
		rc = api_fail(r, HV_ECONFLICT, NULL, "this merge has been undone already");
	if (!rc)
		rc = api_tx_begin(r);
	if (!rc)
		rc = records_reload(r, &kept);
	if (!rc && kept.version != m.kept_version)
		rc = api_fail(r, HV_ECONFLICT, NULL,
			      "the case has changed since the merge; correct it by hand instead of undoing the merge");
	if (!rc) {
		before = json_loads(m.before_values, 0, NULL);
		rc = records_write_derived(r, &kept, before, "merge_undo");
	}
	if (!rc)
		rc = set_deleted(r, &other, 0, &kept, "unmerged_from");
	if (!rc)
		rc = records_event(r, kept.id, "merge_undo", "merged_from", ref(&other));
	if (!rc && store_dup_decide(r->st, m.kept_id, m.merged_id, "open", "", 0))
		rc = api_fail(r, HV_EIO, NULL, "storage error"); /* two records again: a person decides anew */
	if (!rc && (rc = store_merge_undone(r->st, m.id, r->user.id, clock_now())))
		rc = api_fail(r, rc == -HV_ECONFLICT ? HV_ECONFLICT : HV_EIO, NULL,
			      rc == -HV_ECONFLICT ? "this merge has been undone already" : "storage error");
	snprintf(ids, sizeof ids, "%s,%s", m.kept_id, m.merged_id);
	if (!rc)
		rc = api_tx_audit(r, &tx, "case.merge_undo", "case", ids, reason);
	rc = api_tx_end(r, rc, tx);
	r->rtype = saved;
	if (!rc) {
		m.undone_at = clock_now();
		rc = api_reply(r, 200, merge_json(&m));
	}
	json_decref(before);
	merge_release(&m);
	record_release(&kept);
	record_release(&other);
	return rc;
}
