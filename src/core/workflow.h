/* workflow: a record type's stages, the transitions between them (which roles, which forms
 * must be complete, which need a supervisor's approval) and the task rules, loaded from a
 * configuration document (config/workflows/<type>.json). Pure: definitions in, decisions out.
 *
 * {"record_type","version","initial":STAGE,"stages":[{"id","closed"?,"labels"}],
 *  "transitions":[{"from":[STAGE...],"to":STAGE,"roles":[ROLE...],"requires_forms"?:[FORM...],
 *                  "approval"?:KIND}],
 *  "approvals":[{"kind","roles":[ROLE...],"labels"}],
 *  "tasks":[RULE...]}
 * A task RULE is either a stage rule {"id","on_stage","due_days","every_days"?,"until_days"?,
 * "done_on_stage"?:[STAGE...],"labels"} — tasks made when a record enters on_stage, done when
 * it enters a stage listed — or a subform rule {"id","subform","due_field","title_field"?,
 * "done_if"?:COND,"labels"}: one task per subform row with a due date, done while done_if
 * holds on the row — or an alert rule {"id","when_set":COND,"when_notice"?:NOTICE,"due_days"?,
 * "labels"}: a task made when a write makes when_set hold (and the notice holds), e.g. a
 * detention recorded for a child victim alerts the supervisor.
 * "notices":[{"id","if":COND,"labels"}]: what a record shows while COND holds on it. */
#ifndef HV_WORKFLOW_H
#define HV_WORKFLOW_H
#include <jansson.h>
#include "base/err.h"

struct workflow;

int workflow_load(const json_t *def, struct workflow **out, struct err *e);
void workflow_free(struct workflow *w);
const json_t *workflow_def(const struct workflow *w);
const char *workflow_record_type(const struct workflow *w);
const char *workflow_initial(const struct workflow *w);
/* Whether stage is a closed stage. */
int workflow_is_closed(const struct workflow *w, const char *stage);

struct transition {
	const json_t *requires_forms; /* array of form ids, or NULL */
	const char *approval;         /* approval kind, or NULL */
};
/* Finds the transition from -> to for role: 0 and *t filled; -HV_EVALID (unknown stage,
 * field "to"), -HV_ECONFLICT (no transition from the current stage) or -HV_EFORBID (the role
 * may not make it), each with a message in e. */
int workflow_transition(const struct workflow *w, const char *from, const char *to, const char *role,
			struct transition *t, struct err *e);
/* Whether role may decide approvals of kind (0 also when the kind is unknown). */
int workflow_may_approve(const struct workflow *w, const char *kind, const char *role);
int workflow_has_approval(const struct workflow *w, const char *kind);

/* A task a rule asks for: due on due_on (YYYY-MM-DD); ref tells apart one rule's tasks. */
struct task_want {
	const char *rule;
	char ref[24];
	char due_on[11];
	const char *title; /* from the row (subform rules), or NULL; borrowed from the document */
	int done;          /* subform rule: done_if holds */
};
/* Tasks to create when a record enters stage on day today (YYYY-MM-DD). *out is allocated;
 * the caller frees it. */
int workflow_stage_tasks(const struct workflow *w, const char *stage, const char *today, struct task_want **out,
			 size_t *n);
/* Stage rules whose open tasks are done when a record enters stage (ids into *rules, which
 * the caller frees). */
int workflow_done_rules(const struct workflow *w, const char *stage, const char ***rules, size_t *n);
/* The tasks the subform rules derive from doc (one per row with a valid due date). */
int workflow_row_tasks(const struct workflow *w, const json_t *doc, struct task_want **out, size_t *n);
/* The notices whose condition holds on view (the record as conditions see it): a new array
 * of the notice definitions. */
json_t *workflow_notices(const struct workflow *w, const json_t *view);
/* The alert tasks a write raises: rules whose when_set (with their notice) holds on after but
 * did not on before, due due_days from today. */
int workflow_alerts(const struct workflow *w, const json_t *before, const json_t *after, struct task_want **out,
		    size_t *n, const char *today);
/* The first task rule that follows event (referral_made, referral_declined, transfer_declined,
 * match_confirmed) after the rule named after (NULL: from the start), with its due date from
 * today in due_on; NULL when the workflow sets no more. An event may start several tasks. */
const char *workflow_event_task(const struct workflow *w, const char *event, const char *after, const char *today,
				char due_on[11]);
/* Whether rule is a subform rule (its tasks follow the document, not stages). */
int workflow_rule_is_row(const struct workflow *w, const char *rule);

#endif
