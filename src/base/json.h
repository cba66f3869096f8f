/* json: strict JSON in and compact JSON out, over jansson. Parsing rejects duplicate keys,
 * NUL characters and trailing garbage; errors name the position, never echo the input. */
#ifndef HV_JSON_H
#define HV_JSON_H
#include <jansson.h>
#include "buf.h"
#include "err.h"

/* Parses exactly one JSON value; returns 0 and a new reference in *out, or -HV_EINVAL. */
int json_parse_strict(const char *text, size_t len, json_t **out, struct err *e);
/* Parses and requires an object. */
int json_parse_object(const char *text, size_t len, json_t **out, struct err *e);
/* Appends the compact encoding of v to b (keys in insertion order). */
int json_to_buf(struct buf *b, const json_t *v);
/* Returns a malloc'd compact encoding with sorted keys (canonical, for hashing/comparison). */
char *json_canonical(const json_t *v);
/* Object member getters returning NULL when absent or of the wrong type. */
const char *json_get_str(const json_t *obj, const char *key);
/* Whether the JSON array list holds the string s (NULL list or s: no). */
int json_array_has_str(const json_t *list, const char *s);
/* Checks that obj has only keys from the NULL-terminated list; reports the first unknown one. */
int json_only_keys(const json_t *obj, const char *const *allowed, struct err *e);

#endif
