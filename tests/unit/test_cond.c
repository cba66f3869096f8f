/* Unit tests of core/cond: the shared table tests/data/conditions.json, which the browser's
 * evaluator (web/cond.js) must pass too. */
#include "harness.h"
#include "core/cond.h"
#include <jansson.h>

static void condition_table(void)
{
	json_error_t je;
	json_t *root = json_load_file("tests/data/conditions.json", JSON_REJECT_DUPLICATES, &je);
	CHECK(root != NULL);
	json_t *cases = json_object_get(root, "cases"), *c;
	size_t i;
	CHECK(json_array_size(cases) > 40);
	json_array_foreach(cases, i, c) {
		const char *name = json_string_value(json_object_get(c, "name"));
		json_t *cond = json_object_get(c, "cond"), *doc = json_object_get(c, "doc");
		int expect = json_is_true(json_object_get(c, "expect"));
		int invalid = json_is_true(json_object_get(c, "invalid"));
		struct err e;
		err_init(&e);
		int checked = cond_check(cond, &e) == 0;
		if (checked == invalid || cond_eval(cond, doc) != expect) {
			fprintf(stderr, "    condition case \"%s\": check=%d eval=%d (%s)\n", name, checked,
				cond_eval(cond, doc), e.msg.p);
			t_failed_checks++;
		}
		err_release(&e);
	}
	json_decref(root);
}

static void deep_nesting_is_refused(void)
{
	json_t *c = json_pack("{s:s,s:s}", "field", "a", "op", "empty");
	for (int i = 0; i < 40; i++)
		c = json_pack("{s:o}", "not", c);
	struct err e;
	err_init(&e);
	CHECK(cond_check(c, &e) != 0);
	json_t *doc = json_object();
	CHECK(cond_eval(c, doc) == 0);
	json_decref(doc);
	err_release(&e);
	json_decref(c);
}

SUITE(cond) = {TEST_ROW(condition_table), TEST_ROW(deep_nesting_is_refused), {0}};
