/* workflow: stages, transitions, approvals and task rules (see workflow.h). */
#include "workflow.h"
#include "base/alloc.h"
#include "base/clock.h"
#include "base/json.h"
#include "core/cond.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct workflow {
	json_t *def;
	const char *record_type, *initial;
};

#define MAX_OCCURRENCES 60 /* repeated tasks of one rule, e.g. monthly visits for five years */

static const json_t *stage(const struct workflow *w, const char *id)
{
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(w->def, "stages"), i, s) if (!strcmp(json_string_value(json_object_get(s, "id")), id)) return s;
	return NULL;
}

static int names_ok(const json_t *list)
{
	size_t i;
	json_t *v;
	if (!json_is_array(list))
		return 0;
	json_array_foreach(list, i, v) if (!json_is_string(v)) return 0;
	return 1;
}

static int check_stages(const struct workflow *w, const json_t *list, struct err *e, const char *what)
{
	size_t i;
	json_t *v;
	if (!names_ok(list))
		return err_set(e, HV_EINVAL, what, "must be a list of stage ids");
	json_array_foreach(list, i, v) if (!stage(w, json_string_value(v))) return err_set(e, HV_EINVAL, what, "names an unknown stage %s", json_string_value(v));
	return 0;
}

static int check_transition(const struct workflow *w, const json_t *t, struct err *e)
{
	static const char *const keys[] = {"from", "to", "roles", "requires_forms", "approval", "labels", NULL};
	int rc = json_only_keys(t, keys, e);
	const char *to = json_string_value(json_object_get(t, "to"));
	if (!rc && (!to || !stage(w, to)))
		rc = err_set(e, HV_EINVAL, "transitions", "a transition goes to a known stage");
	if (!rc)
		rc = check_stages(w, json_object_get(t, "from"), e, "transitions");
	if (!rc && !names_ok(json_object_get(t, "roles")))
		rc = err_set(e, HV_EINVAL, "transitions", "a transition lists the roles that may make it");
	if (!rc && json_object_get(t, "requires_forms") && !names_ok(json_object_get(t, "requires_forms")))
		rc = err_set(e, HV_EINVAL, "transitions", "requires_forms is a list of form ids");
	const char *kind = json_string_value(json_object_get(t, "approval"));
	if (!rc && json_object_get(t, "approval") && (!kind || !workflow_has_approval(w, kind)))
		rc = err_set(e, HV_EINVAL, "transitions", "the approval kind is not listed in approvals");
	return rc;
}

static const json_t *notice(const struct workflow *w, const char *id)
{
	size_t i;
	json_t *n;
	json_array_foreach(json_object_get(w->def, "notices"), i, n) if (!strcmp(json_string_value(json_object_get(n, "id")), id)) return n;
	return NULL;
}

/* The events of referrals, transfers and tracing that a task rule may follow ("on_event"). */
static const char *const events[] = {"referral_made", "referral_declined", "transfer_declined", "match_confirmed", NULL};

static int event_known(const char *ev)
{
	for (const char *const *k = events; ev && *k; k++)
		if (!strcmp(*k, ev))
			return 1;
	return 0;
}

/* A task rule's number of days: a whole number of at most ten years, so repeats stay few and
 * no sum overflows; required or optional. */
static int days_ok(const json_t *t, const char *key, int required, struct err *e)
{
	const json_t *v = json_object_get(t, key);
	if ((v || required) && (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 3660))
		return err_set(e, HV_EINVAL, "tasks", "task %s: %s is a whole number of days from 0 to 3660",
			       json_string_value(json_object_get(t, "id")), key);
	return 0;
}

static int check_task(const struct workflow *w, const json_t *t, struct err *e)
{
	static const char *const keys[] = {"id",	  "on_stage",	 "due_days", "every_days", "until_days",
					   "done_on_stage", "subform",	 "due_field", "title_field", "done_if",
					   "when_set",	  "when_notice", "labels",   "on_event", NULL};
	int rc = json_only_keys(t, keys, e);
	if (rc)
		return rc;
	const char *id = json_string_value(json_object_get(t, "id"));
	if (!id)
		return err_set(e, HV_EINVAL, "tasks", "a task rule needs an id");
	if (json_object_get(t, "on_event")) {
		if (!event_known(json_string_value(json_object_get(t, "on_event"))))
			return err_set(e, HV_EINVAL, "tasks", "task %s: on_event is one of %s", id,
				       "referral_made, referral_declined, transfer_declined, match_confirmed");
		return days_ok(t, "due_days", 1, e);
	}
	if (json_object_get(t, "when_set")) { /* an alert: made when a write makes when_set hold */
		const char *n = json_string_value(json_object_get(t, "when_notice"));
		if (json_object_get(t, "when_notice") && (!n || !notice(w, n)))
			return err_set(e, HV_EINVAL, "tasks", "task %s names an unknown notice", id);
		return (rc = days_ok(t, "due_days", 0, e)) ? rc : cond_check(json_object_get(t, "when_set"), e);
	}
	if (json_object_get(t, "subform")) {
		if (!json_is_string(json_object_get(t, "due_field")))
			return err_set(e, HV_EINVAL, "tasks", "a subform task rule names its due_field");
		const json_t *c = json_object_get(t, "done_if");
		return c ? cond_check(c, e) : 0;
	}
	const char *on = json_string_value(json_object_get(t, "on_stage"));
	if (!on || !stage(w, on))
		return err_set(e, HV_EINVAL, "tasks", "a task rule names a known on_stage or a subform");
	if ((rc = days_ok(t, "due_days", 1, e)) || (rc = days_ok(t, "every_days", 0, e)) || (rc = days_ok(t, "until_days", 0, e)))
		return rc;
	json_int_t every = json_integer_value(json_object_get(t, "every_days"));
	if (every && json_integer_value(json_object_get(t, "until_days")) / every > MAX_OCCURRENCES)
		return err_set(e, HV_EINVAL, "tasks", "task %s repeats more than %d times", id, MAX_OCCURRENCES);
	return json_object_get(t, "done_on_stage") ? check_stages(w, json_object_get(t, "done_on_stage"), e, "tasks") : 0;
}

int workflow_load(const json_t *def, struct workflow **out, struct err *e)
{
	static const char *const keys[] = {"record_type", "version", "draft", "initial", "stages",
					   "transitions", "approvals", "tasks", "notices", NULL};
	if (!json_is_object(def))
		return err_set(e, HV_EINVAL, NULL, "a workflow is an object");
	struct workflow *w = xcalloc(1, sizeof *w);
	w->def = json_deep_copy(def);
	w->record_type = json_string_value(json_object_get(w->def, "record_type"));
	w->initial = json_string_value(json_object_get(w->def, "initial"));
	int rc = json_only_keys(w->def, keys, e);
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(w->def, "stages"), i, v) {
		const char *id = json_string_value(json_object_get(v, "id"));
		if (!rc && (!id || !*id || strlen(id) > 31 || stage(w, id) != v))
			rc = err_set(e, HV_EINVAL, "stages", "each stage needs a unique id of at most 31 characters");
	}
	if (!rc && (!w->record_type || !w->initial || !stage(w, w->initial)))
		rc = err_set(e, HV_EINVAL, "initial", "a workflow names its record_type and a known initial stage");
	json_array_foreach(json_object_get(w->def, "approvals"), i, v) {
		if (!rc && (!json_is_string(json_object_get(v, "kind")) || !names_ok(json_object_get(v, "roles"))))
			rc = err_set(e, HV_EINVAL, "approvals", "an approval has a kind and the roles that decide it");
	}
	json_array_foreach(json_object_get(w->def, "transitions"), i, v) {
		if (!rc)
			rc = check_transition(w, v, e);
	}
	json_array_foreach(json_object_get(w->def, "notices"), i, v) {
		const char *id = json_string_value(json_object_get(v, "id"));
		if (!rc && (!id || notice(w, id) != v))
			rc = err_set(e, HV_EINVAL, "notices", "each notice needs an id of its own");
		if (!rc)
			rc = cond_check(json_object_get(v, "if"), e);
	}
	json_array_foreach(json_object_get(w->def, "tasks"), i, v) {
		if (!rc)
			rc = check_task(w, v, e);
	}
	if (rc) {
		workflow_free(w);
		return rc;
	}
	*out = w;
	return 0;
}

void workflow_free(struct workflow *w)
{
	if (!w)
		return;
	json_decref(w->def);
	free(w);
}

const json_t *workflow_def(const struct workflow *w)
{
	return w->def;
}

const char *workflow_record_type(const struct workflow *w)
{
	return w->record_type;
}

const char *workflow_initial(const struct workflow *w)
{
	return w->initial;
}

int workflow_is_closed(const struct workflow *w, const char *s)
{
	return json_is_true(json_object_get(stage(w, s), "closed"));
}

static const json_t *approval(const struct workflow *w, const char *kind)
{
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(w->def, "approvals"), i, a) if (!strcmp(json_string_value(json_object_get(a, "kind")), kind)) return a;
	return NULL;
}

int workflow_has_approval(const struct workflow *w, const char *kind)
{
	return approval(w, kind) != NULL;
}

int workflow_may_approve(const struct workflow *w, const char *kind, const char *role)
{
	const json_t *a = approval(w, kind);
	return a && json_array_has_str(json_object_get(a, "roles"), role);
}

int workflow_transition(const struct workflow *w, const char *from, const char *to, const char *role,
			struct transition *t, struct err *e)
{
	if (!to || !stage(w, to))
		return err_set(e, HV_EVALID, "to", "is not a stage of this workflow");
	size_t i;
	json_t *tr;
	int from_ok = 0;
	json_array_foreach(json_object_get(w->def, "transitions"), i, tr) {
		if (strcmp(json_string_value(json_object_get(tr, "to")), to) || !json_array_has_str(json_object_get(tr, "from"), from))
			continue;
		from_ok = 1;
		if (!json_array_has_str(json_object_get(tr, "roles"), role))
			continue;
		t->requires_forms = json_object_get(tr, "requires_forms");
		t->approval = json_string_value(json_object_get(tr, "approval"));
		return 0;
	}
	if (from_ok)
		return err_set(e, HV_EFORBID, "to", "your role may not move a case from %s to %s", from, to);
	return err_set(e, HV_ECONFLICT, "to", "a case cannot move from %s to %s", from, to);
}

int workflow_stage_tasks(const struct workflow *w, const char *s, const char *today, struct task_want **out, size_t *n)
{
	size_t i, cap = 0;
	json_t *t;
	*out = NULL;
	*n = 0;
	json_array_foreach(json_object_get(w->def, "tasks"), i, t) {
		const char *on = json_string_value(json_object_get(t, "on_stage"));
		if (!on || strcmp(on, s))
			continue;
		int due = (int)json_integer_value(json_object_get(t, "due_days"));
		int every = (int)json_integer_value(json_object_get(t, "every_days"));
		int until = (int)json_integer_value(json_object_get(t, "until_days"));
		for (int k = 0, day = due; k == 0 || (every && day <= until); k++, day += every) {
			if (*n == cap)
				*out = xreallocarray(*out, cap = cap ? cap * 2 : 8, sizeof **out);
			struct task_want *tw = &(*out)[(*n)++];
			memset(tw, 0, sizeof *tw);
			tw->rule = json_string_value(json_object_get(t, "id"));
			clock_date_add(today, day, tw->due_on);
			/* The entry date in the ref keeps a reopened case's new tasks apart from old ones. */
			snprintf(tw->ref, sizeof tw->ref, "%s#%d", today, k + 1);
		}
	}
	return 0;
}

int workflow_done_rules(const struct workflow *w, const char *s, const char ***rules, size_t *n)
{
	size_t i;
	json_t *t;
	*n = 0;
	*rules = xcalloc(json_array_size(json_object_get(w->def, "tasks")) + 1, sizeof **rules);
	json_array_foreach(json_object_get(w->def, "tasks"), i, t) {
		if (json_array_has_str(json_object_get(t, "done_on_stage"), s))
			(*rules)[(*n)++] = json_string_value(json_object_get(t, "id"));
	}
	return 0;
}

int workflow_row_tasks(const struct workflow *w, const json_t *doc, struct task_want **out, size_t *n)
{
	size_t i, cap = 0;
	json_t *t;
	*out = NULL;
	*n = 0;
	json_array_foreach(json_object_get(w->def, "tasks"), i, t) {
		const char *sub = json_string_value(json_object_get(t, "subform"));
		if (!sub)
			continue;
		const char *due_field = json_string_value(json_object_get(t, "due_field"));
		const char *title_field = json_string_value(json_object_get(t, "title_field"));
		const json_t *done_if = json_object_get(t, "done_if");
		size_t r;
		json_t *row;
		json_array_foreach(json_object_get(doc, sub), r, row) {
			const char *due = json_string_value(json_object_get(row, due_field));
			int y, m, d;
			if (!due || clock_parse_date(due, &y, &m, &d))
				continue;
			if (*n == cap)
				*out = xreallocarray(*out, cap = cap ? cap * 2 : 8, sizeof **out);
			struct task_want *tw = &(*out)[(*n)++];
			memset(tw, 0, sizeof *tw);
			tw->rule = json_string_value(json_object_get(t, "id"));
			snprintf(tw->ref, sizeof tw->ref, "row%zu", r + 1);
			snprintf(tw->due_on, sizeof tw->due_on, "%s", due);
			tw->title = title_field ? json_string_value(json_object_get(row, title_field)) : NULL;
			tw->done = done_if && cond_eval(done_if, row);
		}
	}
	return 0;
}

int workflow_rule_is_row(const struct workflow *w, const char *rule)
{
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(w->def, "tasks"), i, t) if (!strcmp(json_string_value(json_object_get(t, "id")), rule)) return json_object_get(t, "subform") != NULL;
	return 0;
}

json_t *workflow_notices(const struct workflow *w, const json_t *view)
{
	json_t *out = json_array();
	size_t i;
	json_t *n;
	json_array_foreach(json_object_get(w->def, "notices"), i, n) {
		if (cond_eval(json_object_get(n, "if"), view))
			json_array_append(out, n);
	}
	return out;
}

int workflow_alerts(const struct workflow *w, const json_t *before, const json_t *after, struct task_want **out,
		    size_t *n, const char *today)
{
	size_t i, cap = 0;
	json_t *t;
	*out = NULL;
	*n = 0;
	json_array_foreach(json_object_get(w->def, "tasks"), i, t) {
		const json_t *set = json_object_get(t, "when_set");
		const char *nid = json_string_value(json_object_get(t, "when_notice"));
		/* It alerts when "set and the notice holds" becomes true, whichever came last. */
		const json_t *held = nid ? json_object_get(notice(w, nid), "if") : NULL;
		if (!set || !cond_eval(set, after) || (held && !cond_eval(held, after)))
			continue;
		if (cond_eval(set, before) && (!held || cond_eval(held, before)))
			continue;
		if (*n == cap)
			*out = xreallocarray(*out, cap = cap ? cap * 2 : 4, sizeof **out);
		struct task_want *tw = &(*out)[(*n)++];
		memset(tw, 0, sizeof *tw);
		tw->rule = json_string_value(json_object_get(t, "id"));
		clock_date_add(today, (int)json_integer_value(json_object_get(t, "due_days")), tw->due_on);
		/* One alert per day it is raised: set again later, it alerts again. */
		snprintf(tw->ref, sizeof tw->ref, "%s", today);
	}
	return 0;
}

const char *workflow_event_task(const struct workflow *w, const char *event, const char *after, const char *today,
				char due_on[11])
{
	size_t i;
	json_t *t;
	if (!event_known(event))
		BUG("an unknown workflow event");
	json_array_foreach(json_object_get(w->def, "tasks"), i, t) {
		const char *ev = json_string_value(json_object_get(t, "on_event"));
		if (after) { /* the rules before it and itself are done */
			if (!strcmp(json_string_value(json_object_get(t, "id")), after))
				after = NULL;
			continue;
		}
		if (ev && !strcmp(ev, event)) {
			clock_date_add(today, (int)json_integer_value(json_object_get(t, "due_days")), due_on);
			return json_string_value(json_object_get(t, "id"));
		}
	}
	return NULL;
}
