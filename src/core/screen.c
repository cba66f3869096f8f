/* screen: screening tools and their explainable evaluation (see screen.h). */
#include "screen.h"
#include "base/alloc.h"
#include "base/json.h"
#include <stdlib.h>
#include <string.h>

struct screen {
	json_t *def;
	const char *id;
};

static const char *const strengths[] = {"strong", "medium", "weak", NULL};
static const char *const results[] = {"presumed_victim", "possible_victim", NULL};
static const char *const yesno[] = {"yes", "no", "unknown", NULL};

static int in(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
}

/* The element of list (an array of objects) whose "id" is id, or NULL. */
static const json_t *by_id(const json_t *list, const char *id)
{
	size_t i;
	json_t *x;
	json_array_foreach(list, i, x) if (id && !strcmp(json_string_value(json_object_get(x, "id")), id)) return x;
	return NULL;
}

/* Whether question q offers answer a: its options, or yes/no/unknown. */
static int offers(const json_t *q, const char *a)
{
	const json_t *opts = json_object_get(q, "options");
	if (!opts)
		return in(a, yesno);
	size_t i;
	json_t *o;
	json_array_foreach(opts, i, o) if (a && !strcmp(json_string_value(json_object_get(o, "value")), a)) return 1;
	return 0;
}

/* ---- loading ------------------------------------------------------------------------------ */

/* Every element of list is an object with a unique non-empty "id". */
static int ids_ok(const json_t *list, const char *what, int required, struct err *e)
{
	if (!list && !required)
		return 0;
	if (!json_is_array(list) || (required && !json_array_size(list)))
		return err_set(e, HV_EINVAL, what, "is a list of entries with an id");
	size_t i;
	json_t *x;
	json_array_foreach(list, i, x) {
		const char *id = json_string_value(json_object_get(x, "id"));
		if (!json_is_object(x) || !id || !*id || by_id(list, id) != x)
			return err_set(e, HV_EINVAL, what, "entry %zu needs an id of its own", i + 1);
	}
	return 0;
}

/* An indicator or red flag: a known question and answers it offers. */
static int trigger_ok(const struct screen *s, const json_t *x, const char *what, struct err *e)
{
	const json_t *q = by_id(json_object_get(s->def, "questions"), json_string_value(json_object_get(x, "question")));
	const json_t *when = json_object_get(x, "when");
	const char *id = json_string_value(json_object_get(x, "id"));
	if (!q)
		return err_set(e, HV_EINVAL, what, "%s names no question of the tool", id);
	if (!json_is_array(when) || !json_array_size(when))
		return err_set(e, HV_EINVAL, what, "%s lists the answers that make it present (when)", id);
	size_t i;
	json_t *a;
	json_array_foreach(when, i, a) if (!offers(q, json_string_value(a))) return err_set(e, HV_EINVAL, what, "%s: the question does not offer that answer", id);
	return 0;
}

static int dims_ok(const struct screen *s, const json_t *list, const char *what, struct err *e)
{
	size_t i;
	json_t *d;
	json_array_foreach(list, i, d) if (!by_id(json_object_get(s->def, "dimensions"), json_string_value(d))) return err_set(e, HV_EINVAL, what, "names an unknown dimension");
	return 0;
}

static int results_ok(const json_t *list, const char *what, struct err *e)
{
	size_t i;
	json_t *r;
	json_array_foreach(list, i, r) if (!in(json_string_value(r), results)) return err_set(e, HV_EINVAL, what, "names an unknown result");
	return 0;
}

static int check(struct screen *s, struct err *e)
{
	const json_t *d = s->def;
	const char *kind = json_string_value(json_object_get(d, "kind"));
	const char *pop = json_string_value(json_object_get(d, "population"));
	int rc = 0;
	if (!s->id || !*s->id || json_integer_value(json_object_get(d, "version")) < 1)
		return err_set(e, HV_EINVAL, "id", "a tool needs an id and a version");
	if (!kind || (strcmp(kind, "screening") && strcmp(kind, "risk")) || !pop || (strcmp(pop, "child") && strcmp(pop, "adult")))
		return err_set(e, HV_EINVAL, "kind", "a tool is of kind screening or risk, for a child or an adult");
	if ((rc = ids_ok(json_object_get(d, "questions"), "questions", 1, e)) ||
	    (rc = ids_ok(json_object_get(d, "dimensions"), "dimensions", 0, e)) ||
	    (rc = ids_ok(json_object_get(d, "indicators"), "indicators", 1, e)) ||
	    (rc = ids_ok(json_object_get(d, "results"), "results", 0, e)) ||
	    (rc = ids_ok(json_object_get(d, "red_flags"), "red_flags", 0, e)))
		return rc;
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(d, "indicators"), i, x) {
		const char *dim = json_string_value(json_object_get(x, "dimension"));
		if (!rc)
			rc = trigger_ok(s, x, "indicators", e);
		if (!rc && !by_id(json_object_get(d, "dimensions"), dim))
			rc = err_set(e, HV_EINVAL, "indicators", "%s names an unknown dimension", json_string_value(json_object_get(x, "id")));
		if (!rc && !in(json_string_value(json_object_get(x, "strength")), strengths))
			rc = err_set(e, HV_EINVAL, "indicators", "%s is strong, medium or weak", json_string_value(json_object_get(x, "id")));
	}
	json_array_foreach(json_object_get(d, "red_flags"), i, x) {
		if (!rc)
			rc = trigger_ok(s, x, "red_flags", e);
	}
	json_array_foreach(json_object_get(d, "dimension_rule"), i, x) {
		static const char *const keys[] = {"strong", "medium", "weak", NULL};
		if (!rc)
			rc = json_only_keys(x, keys, e);
		for (const char *const *k = keys; !rc && *k; k++) {
			const json_t *n = json_object_get(x, *k);
			if (n && (!json_is_integer(n) || json_integer_value(n) < 0 || json_integer_value(n) > 100))
				rc = err_set(e, HV_EINVAL, "dimension_rule", "counts are whole numbers from 0 to 100");
		}
	}
	json_array_foreach(json_object_get(d, "results"), i, x) {
		const json_t *groups = json_object_get(x, "groups");
		if (!rc && !in(json_string_value(json_object_get(x, "result")), results))
			rc = err_set(e, HV_EINVAL, "results", "a result is presumed_victim or possible_victim");
		if (!rc && !groups && json_integer_value(json_object_get(x, "min_indicators")) < 1)
			rc = err_set(e, HV_EINVAL, "results", "a result rule has groups of dimensions or min_indicators");
		size_t g;
		json_t *group;
		json_array_foreach(groups, g, group) {
			if (!rc && (!json_is_array(group) || !json_array_size(group)))
				rc = err_set(e, HV_EINVAL, "results", "each group lists dimensions");
			if (!rc)
				rc = dims_ok(s, group, "results", e);
		}
	}
	json_array_foreach(json_object_get(d, "risk"), i, x) {
		const char *level = json_string_value(json_object_get(x, "level"));
		if (!rc && (!level || (strcmp(level, "high") && strcmp(level, "medium"))))
			rc = err_set(e, HV_EINVAL, "risk", "a risk rule gives the level high or medium");
		if (!rc)
			rc = results_ok(json_object_get(x, "results"), "risk", e);
	}
	json_array_foreach(json_object_get(d, "services"), i, x) {
		if (!rc && !json_is_string(json_object_get(x, "service")))
			rc = err_set(e, HV_EINVAL, "services", "a service rule names the service");
		if (!rc)
			rc = results_ok(json_object_get(x, "results"), "services", e);
		if (!rc)
			rc = dims_ok(s, json_object_get(x, "dimensions"), "services", e);
	}
	return rc;
}

int screen_load(const json_t *def, struct screen **out, struct err *e)
{
	static const char *const keys[] = {"id",		"version", "draft",	"kind",	    "population",
					   "labels",	"help",	   "questions", "dimensions", "indicators",
					   "dimension_rule", "results", "red_flags", "risk",	    "services",
					   NULL};
	if (!json_is_object(def))
		return err_set(e, HV_EINVAL, NULL, "a screening tool is an object");
	struct screen *s = xcalloc(1, sizeof *s);
	s->def = json_deep_copy(def);
	s->id = json_string_value(json_object_get(s->def, "id"));
	int rc = json_only_keys(s->def, keys, e);
	if (!rc)
		rc = check(s, e);
	if (rc) {
		screen_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void screen_free(struct screen *s)
{
	if (!s)
		return;
	json_decref(s->def);
	free(s);
}

const char *screen_id(const struct screen *s)
{
	return s->id;
}

/* ---- evaluation ----------------------------------------------------------------------------- */

static int present(const json_t *trigger, const json_t *answers)
{
	return json_array_has_str(json_object_get(trigger, "when"), json_string_value(json_object_get(answers, json_string_value(json_object_get(trigger, "question")))));
}

/* Counts of present indicators per dimension, and whether each dimension is positive: its
 * counts meet at least one clause of the dimension rule. */
static json_t *dimensions(const json_t *def, const json_t *answers)
{
	json_t *out = json_object();
	size_t i, k;
	json_t *x, *clause;
	json_array_foreach(json_object_get(def, "dimensions"), i, x) json_object_set_new(out, json_string_value(json_object_get(x, "id")), json_pack("{s:b,s:i,s:i,s:i}", "positive", 0, "strong", 0, "medium", 0, "weak", 0));
	json_array_foreach(json_object_get(def, "indicators"), i, x) {
		if (!present(x, answers))
			continue;
		json_t *d = json_object_get(out, json_string_value(json_object_get(x, "dimension")));
		const char *st = json_string_value(json_object_get(x, "strength"));
		json_object_set_new(d, st, json_integer(json_integer_value(json_object_get(d, st)) + 1));
	}
	const char *id;
	json_object_foreach(out, id, x) {
		int total = 0;
		for (const char *const *s = strengths; *s; s++)
			total += (int)json_integer_value(json_object_get(x, *s));
		json_array_foreach(json_object_get(def, "dimension_rule"), k, clause) {
			int ok = total > 0;
			for (const char *const *s = strengths; *s; s++)
				ok &= json_integer_value(json_object_get(x, *s)) >= json_integer_value(json_object_get(clause, *s));
			if (ok)
				json_object_set_new(x, "positive", json_true());
		}
	}
	return out;
}

static int count_present(const json_t *def, const json_t *answers)
{
	int n = 0;
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(def, "indicators"), i, x) n += present(x, answers);
	return n;
}

/* Whether every group has a positive dimension (or enough indicators are present). */
static int fires(const json_t *rule, const json_t *dims, int indicators)
{
	const json_t *groups = json_object_get(rule, "groups");
	if (!groups)
		return indicators >= json_integer_value(json_object_get(rule, "min_indicators"));
	size_t g, k;
	json_t *group, *d;
	json_array_foreach(groups, g, group) {
		int any = 0;
		json_array_foreach(group, k, d) any |= json_is_true(json_object_get(json_object_get(dims, json_string_value(d)), "positive"));
		if (!any)
			return 0;
	}
	return 1;
}

/* Whether a dimension is one the fired rule relied on (all of them for a count rule). */
static int relied_on(const json_t *rule, const char *dim)
{
	if (!rule || !json_object_get(rule, "groups"))
		return rule != NULL;
	size_t g;
	json_t *group;
	json_array_foreach(json_object_get(rule, "groups"), g, group) if (json_array_has_str(group, dim)) return 1;
	return 0;
}

/* A risk or service rule holds when every condition it states holds. */
static int conditions_hold(const json_t *rule, const char *result, int danger, int indicators, const json_t *dims)
{
	const json_t *rs = json_object_get(rule, "results"), *ds = json_object_get(rule, "dimensions");
	if (rs && !json_array_has_str(rs, result))
		return 0;
	if (json_is_true(json_object_get(rule, "red_flag")) && !danger)
		return 0;
	if (indicators < json_integer_value(json_object_get(rule, "min_indicators")))
		return 0;
	if (ds) {
		int any = 0;
		size_t i;
		json_t *d;
		json_array_foreach(ds, i, d) any |= json_is_true(json_object_get(json_object_get(dims, json_string_value(d)), "positive"));
		if (!any)
			return 0;
	}
	return 1;
}

static int answers_ok(const json_t *def, const json_t *answers, struct err *e)
{
	if (!json_is_object(answers))
		return err_set(e, HV_EVALID, "answers", "must be an object of question: answer");
	const char *q;
	json_t *a;
	json_object_foreach((json_t *)answers, q, a) {
		const json_t *question = by_id(json_object_get(def, "questions"), q);
		if (!question)
			return err_set(e, HV_EVALID, q, "is not a question of this tool");
		if (!json_is_string(a) || !offers(question, json_string_value(a)))
			return err_set(e, HV_EVALID, q, "is not an answer this question offers");
	}
	return 0;
}

int screen_evaluate(const struct screen *s, const json_t *answers, json_t **out, struct err *e)
{
	const json_t *def = s->def;
	int rc = answers_ok(def, answers, e);
	if (rc)
		return rc;
	json_t *dims = dimensions(def, answers);
	int n = count_present(def, answers);
	const json_t *fired = NULL;
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(def, "results"), i, x) {
		if (!fired && fires(x, dims, n))
			fired = x;
	}
	const char *result = fired ? json_string_value(json_object_get(fired, "result")) : "no_indication";
	const char *rule = fired ? json_string_value(json_object_get(fired, "id")) : NULL;
	json_t *reasons = json_array();
	json_array_foreach(json_object_get(def, "indicators"), i, x) {
		if (!present(x, answers))
			continue;
		const char *dim = json_string_value(json_object_get(x, "dimension"));
		json_t *r = json_pack("{s:s,s:s,s:s,s:b}", "indicator", json_string_value(json_object_get(x, "id")),
				      "dimension", dim, "strength", json_string_value(json_object_get(x, "strength")),
				      "dimension_positive",
				      json_is_true(json_object_get(json_object_get(dims, dim), "positive")));
		json_object_set_new(r, "rule", relied_on(fired, dim) ? json_string(rule) : json_null());
		json_array_append_new(reasons, r);
	}
	int danger = 0;
	json_array_foreach(json_object_get(def, "red_flags"), i, x) {
		if (present(x, answers)) {
			danger = 1;
			json_array_append_new(reasons, json_pack("{s:s}", "red_flag", json_string_value(json_object_get(x, "id"))));
		}
	}
	const char *risk = "low";
	json_array_foreach(json_object_get(def, "risk"), i, x) {
		if (!strcmp(risk, "low") && conditions_hold(x, result, danger, n, dims))
			risk = json_string_value(json_object_get(x, "level"));
	}
	json_t *services = json_array();
	json_array_foreach(json_object_get(def, "services"), i, x) {
		const char *svc = json_string_value(json_object_get(x, "service"));
		if (conditions_hold(x, result, danger, n, dims) && !json_array_has_str(services, svc))
			json_array_append_new(services, json_string(svc));
	}
	*out = json_pack("{s:s,s:s,s:b,s:o,s:o,s:o}", "result", result, "risk_level", risk, "immediate_danger", danger,
			 "reasons", reasons, "suggested_services", services, "dimensions", dims);
	return 0;
}
