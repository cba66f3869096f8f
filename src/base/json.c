/* json: strict parsing and encoding helpers over jansson (see json.h). */
#include "json.h"
#include <string.h>

int json_parse_strict(const char *text, size_t len, json_t **out, struct err *e)
{
	json_error_t je;
	*out = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!*out) {
		/* je.text can quote a key of the input; report only the position and a category. */
		const char *what = strstr(je.text, "duplicate") ? "duplicate object key" : "malformed JSON";
		return err_set(e, HV_EINVAL, NULL, "%s at line %d, column %d", what, je.line, je.column);
	}
	return 0;
}

int json_parse_object(const char *text, size_t len, json_t **out, struct err *e)
{
	int rc = json_parse_strict(text, len, out, e);
	if (rc)
		return rc;
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return err_set(e, HV_EINVAL, NULL, "request body must be a JSON object");
	}
	return 0;
}

static int dump_cb(const char *buffer, size_t size, void *data)
{
	return buf_add(data, buffer, size) ? -1 : 0;
}

int json_to_buf(struct buf *b, const json_t *v)
{
	return json_dump_callback(v, dump_cb, b, JSON_COMPACT | JSON_ENCODE_ANY) ? -HV_EINTERNAL : 0;
}

char *json_canonical(const json_t *v)
{
	return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

const char *json_get_str(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

int json_only_keys(const json_t *obj, const char *const *allowed, struct err *e)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)obj, key, v) {
		int ok = 0;
		for (const char *const *a = allowed; *a; a++)
			if (!strcmp(*a, key)) {
				ok = 1;
				break;
			}
		if (!ok)
			return err_set(e, HV_EVALID, key, "unknown field");
	}
	return 0;
}

int json_array_has_str(const json_t *list, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v) if (s && json_is_string(v) && !strcmp(json_string_value(v), s)) return 1;
	return 0;
}
