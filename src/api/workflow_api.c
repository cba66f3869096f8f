/* workflow_api: moving a record through its workflow — transitions, approvals — and the
 * tasks the workflow and the case plan give people, with their due dates. The rules are
 * configuration (core/workflow); this file applies them to stored records. */
#include "records.h"
#include "base/alloc.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/text.h"
#include "core/perm.h"
#include "core/record.h"
#include "core/schema.h"
#include "sec/token.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct workflow *workflow(const struct req *r)
{
	return schema_workflow(r->conf->schema, r->rtype);
}

/* ---- tasks ------------------------------------------------------------------------------- */

static int put_task(struct req *r, const struct record *rec, const struct task_want *w, int refresh)
{
	struct task t = {0};
	token_uuid(t.id);
	snprintf(t.record_id, sizeof t.record_id, "%s", rec->id);
	snprintf(t.rule, sizeof t.rule, "%s", w->rule);
	snprintf(t.ref, sizeof t.ref, "%s", w->ref);
	snprintf(t.due_on, sizeof t.due_on, "%s", w->due_on);
	snprintf(t.status, sizeof t.status, "%s", w->done ? "done" : "open");
	t.title = (char *)w->title;
	t.created_at = clock_now();
	return store_task_put(r->st, &t, refresh);
}

int records_event_task(struct req *r, const char *record_id, const char *event, const char *ref, const char *due,
		       const char *title)
{
	const struct workflow *wf = workflow(r);
	char today[11], when[11];
	clock_today_iso(today);
	struct record rec = {0};
	snprintf(rec.id, sizeof rec.id, "%s", record_id);
	for (const char *rule = NULL; wf && (rule = workflow_event_task(wf, event, rule, today, when));) {
		struct task_want w = {.rule = rule, .title = title};
		snprintf(w.ref, sizeof w.ref, "%s", ref);
		snprintf(w.due_on, sizeof w.due_on, "%s", due ? due : when);
		if (put_task(r, &rec, &w, 1))
			return api_fail(r, HV_EIO, NULL, "storage error");
	}
	return 0;
}

int records_event_task_close(struct req *r, const char *record_id, const char *event, const char *ref, const char *status)
{
	const struct workflow *wf = workflow(r);
	char today[11], when[11];
	clock_today_iso(today);
	for (const char *rule = NULL; wf && (rule = workflow_event_task(wf, event, rule, today, when));)
		if (store_task_close_rule(r->st, record_id, rule, ref, status, clock_now(), r->user.id))
			return api_fail(r, HV_EIO, NULL, "storage error");
	return 0;
}

/* The subform rules: one task per plan row with a due date, kept in step with the document. */
static int sync_rows(struct req *r, const struct workflow *wf, const struct record *rec, const json_t *doc)
{
	struct task_want *want;
	size_t n;
	workflow_row_tasks(wf, doc, &want, &n);
	char(*refs)[24] = xcalloc(n + 1, sizeof *refs);
	int rc = 0;
	size_t i;
	json_t *rule;
	json_array_foreach(json_object_get(workflow_def(wf), "tasks"), i, rule) {
		const char *id = json_string_value(json_object_get(rule, "id"));
		if (!json_object_get(rule, "subform"))
			continue;
		size_t k = 0;
		for (size_t j = 0; !rc && j < n; j++)
			if (!strcmp(want[j].rule, id)) {
				memcpy(refs[k++], want[j].ref, sizeof refs[0]);
				rc = put_task(r, rec, &want[j], 1);
			}
		if (!rc)
			rc = store_task_prune(r->st, rec->id, id, refs, k);
	}
	free(refs);
	free(want);
	return rc;
}

/* The alerts a write raises (a detention recorded for a child victim): tasks due at once,
 * which the record's owner and the agency's supervisors see among what is due. */
static int raise_alerts(struct req *r, const struct workflow *wf, const struct record *rec, const json_t *before,
			const json_t *doc)
{
	json_t *was = record_output(json_copy((json_t *)before)), *now = record_output(json_copy((json_t *)doc));
	struct task_want *want;
	size_t n;
	char today[11];
	clock_today_iso(today);
	workflow_alerts(wf, was, now, &want, &n, today);
	int rc = 0;
	for (size_t i = 0; !rc && i < n; i++)
		rc = put_task(r, rec, &want[i], 0);
	free(want);
	json_decref(was);
	json_decref(now);
	return rc;
}

int records_tasks_sync(struct req *r, const struct record *rec, const json_t *before, const json_t *doc,
		       const char *entered)
{
	const struct workflow *wf = workflow(r);
	int rc = 0;
	if (!wf)
		return 0;
	if (before)
		rc = raise_alerts(r, wf, rec, before, doc);
	if (entered) {
		const char **done;
		size_t n;
		int64_t now = clock_now();
		workflow_done_rules(wf, entered, &done, &n);
		for (size_t i = 0; !rc && i < n; i++)
			rc = store_task_close_rule(r->st, rec->id, done[i], NULL, "done", now, r->user.id);
		free(done);
		if (!rc && workflow_is_closed(wf, entered))
			rc = store_task_close_rule(r->st, rec->id, NULL, NULL, "cancelled", now, r->user.id);
		struct task_want *want;
		char today[11];
		clock_today_iso(today);
		workflow_stage_tasks(wf, entered, today, &want, &n);
		for (size_t i = 0; !rc && i < n; i++)
			rc = put_task(r, rec, &want[i], 0);
		free(want);
	}
	/* A closed record's tasks stay cancelled; reopening brings the plan's back. */
	if (!rc && !workflow_is_closed(wf, rec->stage))
		rc = sync_rows(r, wf, rec, doc);
	return rc ? api_fail(r, HV_EIO, NULL, "storage error") : 0;
}

static const json_t *task_rule(const struct workflow *wf, const char *id)
{
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(workflow_def(wf), "tasks"), i, t) if (!strcmp(json_string_value(json_object_get(t, "id")), id)) return t;
	return NULL;
}

static json_t *task_json(struct req *r, const struct task *t, const char *today)
{
	r->rtype = t->record_type;
	const struct workflow *wf = workflow(r);
	const json_t *rule = wf ? task_rule(wf, t->rule) : NULL;
	/* A rule since removed from the workflow still names its task, by its id. */
	const json_t *labels = json_object_get(rule, "labels");
	json_t *label = labels ? schema_label(labels, r->locale ? r->locale : "en") : json_string(t->rule);
	/* A plan row's own text, when the role may read the subform it comes from. */
	const char *sub = json_string_value(json_object_get(rule, "subform"));
	const struct formset *fs = records_formset(r);
	/* An event's task names the service or agency it is about, never the child. */
	int title_ok = t->title && *t->title &&
		       (json_object_get(rule, "on_event") || (sub && fs && form_field_readable(fs, sub, r->user.role, NULL)));
	json_t *out = json_pack("{s:s,s:{s:s,s:s,s:s},s:s,s:O,s:s,s:s,s:b}", "id", t->id, "record", "id", t->record_id,
				"display_id", t->display_id, "type", t->record_type, "rule", t->rule, "label", label,
				"due_on", t->due_on, "status", t->status, "overdue",
				!strcmp(t->status, "open") && strcmp(t->due_on, today) < 0);
	if (title_ok)
		json_object_set_new(out, "title", json_string(t->title));
	json_decref(label);
	return out;
}

int api_tasks_list(struct req *r)
{
	static const char *const statuses[] = {"open", "done", "cancelled", "any", NULL};
	struct task_query q = {0};
	const char *overdue = r->query(r->conn, "overdue"), *status = r->query(r->conn, "status");
	const char *record = r->query(r->conn, "record_id");
	char today[11];
	clock_today_iso(today);
	int need_reason, rc = api_page(r, NULL, &q.page, &q.per);
	if (!rc && (perm_scope(&r->user, "case.read", &q.scope, &need_reason) || need_reason))
		rc = api_fail(r, HV_EFORBID, NULL, "your role has no tasks");
	int known = !status;
	for (const char *const *s = statuses; status && *s; s++)
		known |= !strcmp(*s, status);
	if (!rc && !known)
		rc = api_fail(r, HV_EVALID, "status", "must be open, done, cancelled or any");
	if (!rc && overdue && strcmp(overdue, "true") && strcmp(overdue, "false") && strcmp(overdue, "1") && strcmp(overdue, "0"))
		rc = api_fail(r, HV_EVALID, "overdue", "must be true or false");
	if (!rc && record && !token_is_uuid(record))
		rc = api_fail(r, HV_EVALID, "record_id", "must be a record id");
	if (rc)
		return rc;
	int late = overdue && (!strcmp(overdue, "true") || !strcmp(overdue, "1"));
	q.status = late ? "open" : !status ? "open" : strcmp(status, "any") ? status : NULL;
	q.due_before = late ? today : NULL;
	q.record_id = record;
	struct task *t;
	size_t n;
	int64_t total = 0;
	if (store_task_query(r->st, &q, &t, &n, &total))
		return api_fail(r, HV_EIO, NULL, "storage error");
	json_t *items = json_array();
	struct buf ids = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(items, task_json(r, &t[i], today));
		buf_addf(&ids, "%s%s", i ? "," : "", t[i].record_id);
	}
	r->rtype = "case";
	if (n)
		api_audit_read(r, "task.list", "case", ids.p, NULL);
	buf_release(&ids);
	task_list_free(t, n);
	return api_reply(r, 200, json_pack("{s:o,s:I,s:i,s:i,s:s}", "items", items, "total", (json_int_t)total, "page",
					   q.page, "per", q.per, "today", today));
}

int api_tasks_patch(struct req *r)
{
	static const char *const keys[] = {"status", NULL};
	struct task t;
	if (!token_is_uuid(r->params[0]) || store_task_get(r->st, r->params[0], &t))
		return api_fail(r, HV_ENOTFOUND, NULL, "no such task");
	char task_id[ID_LEN];
	snprintf(task_id, sizeof task_id, "%s", t.id);
	r->rtype = t.record_type;
	struct record rec;
	const char *reason;
	int rc = records_load_id(r, t.record_id, "update", &rec, &reason);
	if (rc == -HV_ENOTFOUND) {
		err_clear(&r->err);
		rc = api_fail(r, HV_ENOTFOUND, NULL, "no such task");
	}
	json_t *b = NULL;
	if (!rc)
		rc = api_body(r, &b);
	const char *status = json_string_value(json_object_get(b, "status"));
	if (!rc)
		rc = json_only_keys(b, keys, &r->err);
	if (!rc && (!status || (strcmp(status, "done") && strcmp(status, "open"))))
		rc = api_fail(r, HV_EVALID, "status", "must be done or open");
	const struct workflow *wf = workflow(r);
	if (!rc && wf && workflow_rule_is_row(wf, t.rule))
		rc = api_fail(r, HV_ECONFLICT, "status", "this task follows its case plan row: update the row's status");
	if (!rc && !strcmp(t.status, "cancelled"))
		rc = api_fail(r, HV_ECONFLICT, "status", "the task was cancelled when the record closed");
	struct audit_tx *tx = NULL;
	if (!rc)
		rc = api_tx_begin(r);
	if (!rc && store_task_set_status(r->st, task_id, status, clock_now(), r->user.id))
		rc = api_fail(r, HV_EIO, NULL, "storage error");
	if (!rc)
		rc = api_tx_audit(r, &tx, "task.update", t.record_type, t.record_id, NULL);
	rc = api_tx_end(r, rc, tx);
	if (!rc) {
		char today[11];
		clock_today_iso(today);
		snprintf(t.status, sizeof t.status, "%s", status);
		rc = api_reply(r, 200, task_json(r, &t, today));
	}
	record_release(&rec);
	json_decref(b);
	free(t.title);
	return rc;
}

/* ---- transitions and approvals ------------------------------------------------------------ */

/* Every form the transition requires must be complete (required fields whose conditions hold). */
static int forms_complete(struct req *r, const struct transition *t, const struct record *rec)
{
	const struct formset *fs = records_formset(r);
	json_t *doc = record_output(json_loads(rec->data, 0, NULL));
	size_t i;
	json_t *id;
	int rc = 0;
	json_array_foreach(t->requires_forms, i, id) {
		if (!rc && fs)
			rc = form_check_complete(fs, json_string_value(id), doc, &r->err);
	}
	json_decref(doc);
	return rc;
}

static int history_stage(struct req *r, const struct record *rec, const char *action, const char *from, const char *to)
{
	json_t *o = json_string(from), *n = json_string(to);
	char *os = json_dumps(o, JSON_ENCODE_ANY), *ns = json_dumps(n, JSON_ENCODE_ANY);
	int rc = store_history_insert(r->st, rec->id, rec->updated_at, r->user.id, action, "stage", os, ns);
	free(os);
	free(ns);
	json_decref(o);
	json_decref(n);
	return rc ? api_fail(r, HV_EIO, NULL, "storage error") : 0;
}

/* Moves rec to stage `to` in the caller's transaction: the row, its history, its tasks. */
static int move(struct req *r, struct record *rec, const char *to)
{
	const struct workflow *wf = workflow(r);
	int64_t expected = rec->version;
	char from[32];
	snprintf(from, sizeof from, "%s", rec->stage);
	snprintf(rec->stage, sizeof rec->stage, "%s", to);
	snprintf(rec->status, sizeof rec->status, "%s", workflow_is_closed(wf, to) ? "closed" : "open");
	rec->version++;
	rec->updated_at = clock_now();
	int rc = store_record_update(r->st, rec, expected, &r->err);
	if (!rc)
		rc = history_stage(r, rec, "stage", from, to);
	json_t *doc = json_loads(rec->data, 0, NULL);
	if (!rc)
		rc = records_tasks_sync(r, rec, NULL, doc, to);
	json_decref(doc);
	return rc;
}

static int approval_new(struct req *r, const struct record *rec, const char *kind, const char *to, const char *status,
			const char *comment)
{
	struct approval a = {0};
	token_uuid(a.id);
	snprintf(a.record_id, sizeof a.record_id, "%s", rec->id);
	snprintf(a.kind, sizeof a.kind, "%s", kind);
	snprintf(a.to_stage, sizeof a.to_stage, "%s", to);
	snprintf(a.status, sizeof a.status, "pending");
	snprintf(a.requested_by, sizeof a.requested_by, "%s", r->user.id);
	a.requested_at = clock_now();
	a.comment = (char *)comment;
	int rc = store_approval_insert(r->st, &a);
	if (!rc && strcmp(status, "pending")) { /* given by the one who asked */
		snprintf(a.status, sizeof a.status, "%s", status);
		snprintf(a.decided_by, sizeof a.decided_by, "%s", r->user.id);
		a.decided_at = a.requested_at;
		rc = store_approval_decide(r->st, &a);
	}
	return rc ? api_fail(r, HV_EIO, NULL, "storage error") : 0;
}

/* A move made by someone who may approve it: a request waiting for that approval is decided
 * by it (approved), else the approval is recorded as given by them. */
static int approve_now(struct req *r, const struct record *rec, const char *kind, const char *to, const char *comment)
{
	struct approval a;
	if (store_approval_pending(r->st, rec->id, kind, &a))
		return approval_new(r, rec, kind, to, "approved", comment);
	snprintf(a.status, sizeof a.status, "approved");
	snprintf(a.decided_by, sizeof a.decided_by, "%s", r->user.id);
	a.decided_at = clock_now();
	free(a.comment);
	a.comment = (char *)(comment ? comment : "");
	int rc = store_approval_decide(r->st, &a);
	return rc ? api_fail(r, HV_EIO, NULL, "storage error") : 0;
}

/* {"to": STAGE, "comment"?: TEXT} or {"kind","decision","comment"?}: the comment is optional
 * text of at most 2000 characters. */
static int comment_ok(struct req *r, const json_t *b, const char **comment)
{
	const json_t *c = json_object_get(b, "comment");
	*comment = json_string_value(c);
	if (c && (!json_is_string(c) || !text_valid_utf8(*comment, json_string_length(c)) || text_codepoints(*comment) > 2000))
		return api_fail(r, HV_EVALID, "comment", "must be text of at most 2000 characters");
	return 0;
}

/* The record (for verb: "update" gives 403 to a reader who may not, "read" 404 only) and the
 * JSON body; on failure nothing is left to release. */
static int load_with_body(struct req *r, const char *verb, struct record *rec, const char **reason, json_t **b)
{
	int rc = strcmp(verb, "read") ? records_load_for(r, verb, rec, reason) : records_load(r, verb, rec, reason);
	if (!rc && (rc = api_body(r, b)))
		record_release(rec);
	return rc;
}

int api_records_transition(struct req *r)
{
	static const char *const keys[] = {"to", "comment", NULL};
	const char *reason, *comment = NULL;
	struct record rec;
	json_t *b;
	int rc = load_with_body(r, "update", &rec, &reason, &b);
	if (rc)
		return rc;
	const struct workflow *wf = workflow(r);
	const char *to = json_string_value(json_object_get(b, "to"));
	struct transition t = {0};
	rc = json_only_keys(b, keys, &r->err);
	if (!rc)
		rc = comment_ok(r, b, &comment);
	if (!rc && !wf)
		rc = api_fail(r, HV_ECONFLICT, NULL, "%s records have no workflow", r->rtype);
	if (!rc)
		rc = workflow_transition(wf, rec.stage, to, r->user.role, &t, &r->err);
	if (!rc)
		rc = forms_complete(r, &t, &rec);
	/* A transition that needs an approval the user may not give waits for it. */
	int wait = !rc && t.approval && !workflow_may_approve(wf, t.approval, r->user.role);
	struct approval pending;
	if (wait && !store_approval_pending(r->st, rec.id, t.approval, &pending)) {
		free(pending.comment);
		rc = api_fail(r, HV_ECONFLICT, "to", "this is already waiting for %s approval", t.approval);
	}
	struct audit_tx *tx = NULL;
	if (!rc)
		rc = api_tx_begin(r);
	if (!rc && wait)
		rc = approval_new(r, &rec, t.approval, to, "pending", comment);
	if (!rc && wait)
		rc = history_stage(r, &rec, "approval_requested", rec.stage, to);
	if (!rc && !wait && t.approval)
		rc = approve_now(r, &rec, t.approval, to, comment);
	if (!rc && !wait)
		rc = move(r, &rec, to);
	if (!rc)
		rc = api_tx_audit(r, &tx, records_action(r, wait ? "approval.request" : "transition"), r->rtype, rec.id, NULL);
	rc = api_tx_end(r, rc, tx);
	if (!rc)
		rc = records_reply(r, wait ? 202 : 200, &rec);
	json_decref(b);
	record_release(&rec);
	return rc;
}

int api_records_approve(struct req *r)
{
	static const char *const keys[] = {"kind", "decision", "comment", NULL};
	const char *reason, *comment = NULL;
	struct record rec;
	json_t *b;
	int rc = load_with_body(r, "read", &rec, &reason, &b);
	if (rc)
		return rc;
	const struct workflow *wf = workflow(r);
	const char *kind = json_string_value(json_object_get(b, "kind"));
	const char *decision = json_string_value(json_object_get(b, "decision"));
	struct approval a = {0};
	struct transition t;
	rc = json_only_keys(b, keys, &r->err);
	if (!rc)
		rc = comment_ok(r, b, &comment);
	if (!rc && (!kind || !wf || !workflow_has_approval(wf, kind)))
		rc = api_fail(r, HV_EVALID, "kind", "is not an approval of this workflow");
	if (!rc && (!decision || (strcmp(decision, "approved") && strcmp(decision, "rejected"))))
		rc = api_fail(r, HV_EVALID, "decision", "must be approved or rejected");
	if (!rc && (reason || !workflow_may_approve(wf, kind, r->user.role) || !records_may(r, "read", &rec)))
		rc = api_fail(r, HV_EFORBID, NULL, "your role may not decide %s approvals", kind);
	if (!rc && store_approval_pending(r->st, rec.id, kind, &a))
		rc = api_fail(r, HV_ECONFLICT, "kind", "nothing is waiting for %s approval on this %s", kind, records_noun(r));
	int approve = !rc && !strcmp(decision, "approved");
	/* The record may have moved since the request: the step must still be possible. */
	if (approve && (rc = workflow_transition(wf, rec.stage, a.to_stage, r->user.role, &t, &r->err)) == -HV_EFORBID) {
		err_clear(&r->err);
		rc = 0;
		t.requires_forms = NULL;
	}
	if (approve && !rc)
		rc = forms_complete(r, &t, &rec);
	struct audit_tx *tx = NULL;
	if (!rc) {
		snprintf(a.status, sizeof a.status, "%s", decision);
		snprintf(a.decided_by, sizeof a.decided_by, "%s", r->user.id);
		a.decided_at = clock_now();
		free(a.comment);
		a.comment = comment ? xstrdup(comment) : NULL;
		rc = api_tx_begin(r);
	}
	if (!rc && store_approval_decide(r->st, &a))
		rc = api_fail(r, HV_ECONFLICT, "kind", "the approval was decided by someone else meanwhile");
	if (!rc && !approve)
		rc = history_stage(r, &rec, "approval_rejected", rec.stage, a.to_stage);
	if (!rc && approve)
		rc = move(r, &rec, a.to_stage);
	if (!rc)
		rc = api_tx_audit(r, &tx, records_action(r, "approval.decide"), r->rtype, rec.id, NULL);
	rc = api_tx_end(r, rc, tx);
	if (!rc)
		rc = records_reply(r, 200, &rec);
	free(a.comment);
	json_decref(b);
	record_release(&rec);
	return rc;
}

int api_records_approvals(struct req *r)
{
	const char *reason;
	struct record rec;
	int rc = records_load(r, "read", &rec, &reason);
	if (rc)
		return rc;
	struct approval *a;
	size_t n;
	if (store_approval_list(r->st, rec.id, &a, &n)) {
		record_release(&rec);
		return api_fail(r, HV_EIO, NULL, "storage error");
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *it = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:s}", "id", a[i].id, "kind", a[i].kind, "to", a[i].to_stage,
				       "status", a[i].status, "requested_by", a[i].requested_by, "requested_at",
				       api_time(a[i].requested_at), "comment", a[i].comment ? a[i].comment : "");
		if (a[i].decided_at) {
			json_object_set_new(it, "decided_by", json_string(a[i].decided_by));
			json_object_set_new(it, "decided_at", api_time(a[i].decided_at));
		}
		json_array_append_new(items, it);
	}
	approval_list_free(a, n);
	api_audit_read(r, records_action(r, "approvals"), r->rtype, rec.id, reason);
	record_release(&rec);
	return api_reply(r, 200, json_pack("{s:o}", "items", items));
}
