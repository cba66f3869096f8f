/* cond: show-if conditions of configurable forms, evaluated on the server (every write) and,
 * by the same rules, in the browser (web/cond.js). tests/data/conditions.json is one table of
 * cases that both evaluators must pass, so they cannot drift.
 *
 * A condition is JSON:
 *   {"field": NAME, "op": OP, "value": V}   OP: eq ne in not_in lt lte gt gte empty not_empty contains
 *   {"all": [C, ...]}  {"any": [C, ...]}  {"not": C}
 * A missing or null field is empty: eq/in/contains/lt/lte/gt/gte are false for it, ne/not_in
 * true. lt..gte compare two numbers, or two strings (ISO dates compare correctly); anything
 * else is false. contains is true when the field is a list holding V (or a string equal to V). */
#ifndef HV_COND_H
#define HV_COND_H
#include <jansson.h>
#include "base/err.h"

/* Checks a condition's shape (for loading form definitions); names the problem in e. */
int cond_check(const json_t *cond, struct err *e);
/* The first field a (checked) condition names that known() does not know, or NULL. */
const char *cond_unknown_field(const json_t *cond, int (*known)(const char *name, void *ctx), void *ctx);
/* 1 when cond holds for the record document doc, 0 otherwise (a malformed cond is false). */
int cond_eval(const json_t *cond, const json_t *doc);

#endif
