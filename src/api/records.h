/* records: what the generic record API (records.c) shares with the workflow API
 * (workflow_api.c): loading a record with access control, the reply, and task upkeep. The
 * record type is the route's (r->rtype). */
#ifndef HV_RECORDS_H
#define HV_RECORDS_H
#include "api.h"
#include "core/form.h"

const char *records_noun(const struct req *r); /* "case", "family record", "incident", "tracing request" */
/* "<type>.<verb>", in r->action (valid until the next call). */
const char *records_action(struct req *r, const char *verb);
const struct formset *records_formset(const struct req *r);
/* Loads r->params[0] for verb ("read"): anything the user may not read is a 404. */
int records_load(struct req *r, const char *verb, struct record *rec, const char **reason);
/* Loads for another verb: 404 when not readable, 403 when readable but not this. */
int records_load_for(struct req *r, const char *verb, struct record *rec, const char **reason);
/* records_load (verb "read") or records_load_for another verb, of the record id rather than
 * the route's (a consent's, a task's, a file's case). */
int records_load_id(struct req *r, const char *id, const char *verb, struct record *rec, const char **reason);
/* Reads rec again, inside a write transaction, so the write that follows sees its latest
 * version. */
int records_reload(struct req *r, struct record *rec);
int records_may(struct req *r, const char *verb, const struct record *rec);
int records_reply(struct req *r, int status, const struct record *rec);
/* Creating a record of r->rtype from data: prepare (the record and its document, checked
 * against the forms; outside any transaction) fills rec and *doc (the caller releases both),
 * then insert writes it, its history, links and first tasks inside the caller's write
 * transaction. */
int records_prepare(struct req *r, const json_t *data, struct record *rec, json_t **doc);
int records_insert(struct req *r, struct record *rec, const json_t *doc);
/* The notices of r->rtype's workflow that hold on full (the whole record as record_output
 * gives it), in the reader's language: [{"id","message"}]. */
json_t *records_notices(struct req *r, const json_t *full);
/* A history row on record_id saying what happened beside its fields (a consent, a referral,
 * a transfer): field names the kind, what (stolen) is the new value. In the caller's write
 * transaction. */
int records_event(struct req *r, const char *record_id, const char *action, const char *field, json_t *what);
/* Sets the fields Haven derives (values: field -> value, null removes) in the caller's write
 * transaction, bypassing the forms' read-only rule; a change is a new version with history
 * rows of action. rec is updated (version, data). */
int records_write_derived(struct req *r, struct record *rec, const json_t *values, const char *action);
/* The task a workflow event (workflow_event_task) gives a record: opened (or brought up to
 * date) under ref, due on due (NULL: the rule's due days from today), titled title (never
 * the child's data); or its open task under ref closed with status. Nothing when the
 * workflow sets no rule for the event. In the caller's write transaction. */
int records_event_task(struct req *r, const char *record_id, const char *event, const char *ref, const char *due,
		       const char *title);
int records_event_task_close(struct req *r, const char *record_id, const char *event, const char *ref, const char *status);
/* Brings a record's tasks up to date in the caller's transaction: the alerts a write from
 * before (NULL: not a write of the document) to doc raises, the stage rules of entered (when
 * the record has just entered that stage, else NULL) and the document's row rules. */
int records_tasks_sync(struct req *r, const struct record *rec, const json_t *before, const json_t *doc,
		       const char *entered);

#endif
