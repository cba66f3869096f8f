/* cond: show-if condition checking and evaluation (see cond.h). */
#include "cond.h"
#include <string.h>

enum op { EQ, NE, IN, NOT_IN, LT, LTE, GT, GTE, EMPTY, NOT_EMPTY, CONTAINS, BAD };

static const char *const ops[] = {"eq", "ne", "in", "not_in", "lt", "lte", "gt", "gte", "empty", "not_empty",
				  "contains"};

static enum op op_of(const char *s)
{
	for (int i = 0; s && i < BAD; i++)
		if (!strcmp(s, ops[i]))
			return (enum op)i;
	return BAD;
}

static int needs_value(enum op op)
{
	return op != EMPTY && op != NOT_EMPTY;
}

#define MAX_DEPTH 16

static int check(const json_t *c, int depth, struct err *e)
{
	if (depth > MAX_DEPTH)
		return err_set(e, HV_EINVAL, "show_if", "conditions nest too deeply");
	if (!json_is_object(c))
		return err_set(e, HV_EINVAL, "show_if", "a condition must be an object");
	json_t *list;
	if ((list = json_object_get(c, "all")) || (list = json_object_get(c, "any"))) {
		if (json_object_size(c) != 1 || !json_is_array(list) || !json_array_size(list))
			return err_set(e, HV_EINVAL, "show_if", "all/any take a non-empty list of conditions");
		size_t i;
		json_t *sub;
		json_array_foreach(list, i, sub) {
			int rc = check(sub, depth + 1, e);
			if (rc)
				return rc;
		}
		return 0;
	}
	if (json_object_get(c, "not"))
		return json_object_size(c) == 1 ? check(json_object_get(c, "not"), depth + 1, e)
						: err_set(e, HV_EINVAL, "show_if", "not takes one condition alone");
	const char *field = json_string_value(json_object_get(c, "field"));
	enum op op = op_of(json_string_value(json_object_get(c, "op")));
	json_t *v = json_object_get(c, "value");
	if (!field || !*field)
		return err_set(e, HV_EINVAL, "show_if", "a condition names a field");
	if (op == BAD)
		return err_set(e, HV_EINVAL, "show_if", "unknown operator in the condition on %s", field);
	if (needs_value(op) != (v != NULL) || json_object_size(c) != (size_t)(needs_value(op) ? 3 : 2))
		return err_set(e, HV_EINVAL, "show_if", "the condition on %s has the wrong members", field);
	if ((op == IN || op == NOT_IN) && !json_is_array(v))
		return err_set(e, HV_EINVAL, "show_if", "in/not_in on %s take a list", field);
	return 0;
}

int cond_check(const json_t *cond, struct err *e)
{
	return check(cond, 0, e);
}

static int empty(const json_t *v)
{
	return !v || json_is_null(v) || (json_is_string(v) && !json_string_length(v)) ||
	       (json_is_array(v) && !json_array_size(v)) || (json_is_object(v) && !json_object_size(v));
}

/* -1, 0, 1 for two numbers or two strings; 2 when they do not compare. */
static int compare(const json_t *a, const json_t *b)
{
	if (json_is_number(a) && json_is_number(b)) {
		double x = json_number_value(a), y = json_number_value(b);
		return (x > y) - (x < y);
	}
	if (json_is_string(a) && json_is_string(b)) {
		int r = strcmp(json_string_value(a), json_string_value(b));
		return (r > 0) - (r < 0);
	}
	return 2;
}

/* Equality as the browser sees it: 12 and 12.0 are the same number. */
static int same(const json_t *a, const json_t *b)
{
	if (json_is_number(a) && json_is_number(b))
		return json_number_value(a) == json_number_value(b);
	return json_equal((json_t *)a, (json_t *)b);
}

static int in_list(const json_t *v, const json_t *list)
{
	size_t i;
	json_t *x;
	json_array_foreach(list, i, x) if (same(v, x)) return 1;
	return 0;
}

static int eval(const json_t *c, const json_t *doc, int depth)
{
	json_t *list, *sub;
	size_t i;
	if (depth > MAX_DEPTH || !json_is_object(c))
		return 0;
	if ((list = json_object_get(c, "all"))) {
		json_array_foreach(list, i, sub) if (!eval(sub, doc, depth + 1)) return 0;
		return json_array_size(list) > 0;
	}
	if ((list = json_object_get(c, "any"))) {
		json_array_foreach(list, i, sub) if (eval(sub, doc, depth + 1)) return 1;
		return 0;
	}
	if ((sub = json_object_get(c, "not")))
		return !eval(sub, doc, depth + 1);
	const char *field = json_string_value(json_object_get(c, "field"));
	json_t *f = field ? json_object_get(doc, field) : NULL, *v = json_object_get(c, "value");
	int cmp;
	switch (op_of(json_string_value(json_object_get(c, "op")))) {
	case EQ:
		return !empty(f) && same(f, v);
	case NE:
		return empty(f) || !same(f, v);
	case IN:
		return !empty(f) && json_is_array(v) && in_list(f, v);
	case NOT_IN:
		return empty(f) || !json_is_array(v) || !in_list(f, v);
	case LT:
		return !empty(f) && (cmp = compare(f, v)) != 2 && cmp < 0;
	case LTE:
		return !empty(f) && (cmp = compare(f, v)) != 2 && cmp <= 0;
	case GT:
		return !empty(f) && (cmp = compare(f, v)) != 2 && cmp > 0;
	case GTE:
		return !empty(f) && (cmp = compare(f, v)) != 2 && cmp >= 0;
	case EMPTY:
		return empty(f);
	case NOT_EMPTY:
		return !empty(f);
	case CONTAINS:
		return json_is_array(f) ? in_list(v, f) : !empty(f) && same(f, v);
	case BAD:
		break;
	}
	return 0;
}

/* Nesting depth of a condition (stops counting past MAX_DEPTH). */
static int depth_of(const json_t *c, int d)
{
	json_t *list = json_object_get(c, "all"), *sub;
	size_t i;
	int max = d;
	if (d > MAX_DEPTH)
		return d;
	if (!list)
		list = json_object_get(c, "any");
	json_array_foreach(list, i, sub) {
		int x = depth_of(sub, d + 1);
		max = x > max ? x : max;
	}
	if ((sub = json_object_get(c, "not")))
		max = depth_of(sub, d + 1);
	return max;
}

int cond_eval(const json_t *cond, const json_t *doc)
{
	return depth_of(cond, 0) <= MAX_DEPTH && eval(cond, doc, 0);
}

const char *cond_unknown_field(const json_t *c, int (*known)(const char *name, void *ctx), void *ctx)
{
	const json_t *list = json_object_get(c, "all");
	if (!list)
		list = json_object_get(c, "any");
	size_t i;
	json_t *sub;
	json_array_foreach(list, i, sub) {
		const char *bad = cond_unknown_field(sub, known, ctx);
		if (bad)
			return bad;
	}
	if (json_object_get(c, "not"))
		return cond_unknown_field(json_object_get(c, "not"), known, ctx);
	const char *field = json_string_value(json_object_get(c, "field"));
	return field && !known(field, ctx) ? field : NULL;
}
