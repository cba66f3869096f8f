/* Unit tests of core/screen: loading tools, and the table of answer sets with the results
 * they must give (tests/data/screening_tool.json), reasons included. */
#include "harness.h"
#include "base/asset.h"
#include "core/screen.h"
#include <jansson.h>
#include <string.h>

static json_t *data(void)
{
	json_error_t je;
	json_t *d = json_load_file("tests/data/screening_tool.json", 0, &je);
	if (!d)
		fprintf(stderr, "    tests/data/screening_tool.json: %s (line %d)\n", je.text, je.line);
	return d;
}

static void answer_sets_give_their_results(void)
{
	json_t *d = data();
	struct screen *s = NULL;
	struct err e;
	err_init(&e);
	CHECK(d && screen_load(json_object_get(d, "tool"), &s, &e) == 0);
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(d, "cases"), i, c) {
		json_t *out = NULL;
		const char *name = json_string_value(json_object_get(c, "name"));
		if (!s || screen_evaluate(s, json_object_get(c, "answers"), &out, &e)) {
			fprintf(stderr, "    %s: %s\n", name, e.msg.p);
			CHECK(0);
			continue;
		}
		int ok = !strcmp(json_string_value(json_object_get(out, "result")), json_string_value(json_object_get(c, "result"))) &&
			 !strcmp(json_string_value(json_object_get(out, "risk_level")), json_string_value(json_object_get(c, "risk_level"))) &&
			 json_equal(json_object_get(out, "immediate_danger"), json_object_get(c, "immediate_danger")) &&
			 json_equal(json_object_get(out, "suggested_services"), json_object_get(c, "services"));
		/* Every present indicator is a reason; those of the dimensions the rule used name it. */
		const char *rule = json_string_value(json_object_get(c, "rule"));
		size_t k;
		json_t *r;
		int named = 0;
		json_array_foreach(json_object_get(out, "reasons"), k, r) named |= rule && json_is_string(json_object_get(r, "rule")) && !strcmp(json_string_value(json_object_get(r, "rule")), rule);
		ok &= !rule || named;
		if (!ok) {
			char *got = json_dumps(out, JSON_COMPACT);
			fprintf(stderr, "    %s: got %s\n", name, got);
			free(got);
		}
		CHECK(ok);
		json_decref(out);
	}
	/* Wrong input names the question. */
	json_t *bad = json_pack("{s:s}", "q_nope", "yes"), *out = NULL;
	CHECK(s && screen_evaluate(s, bad, &out, &e) == -HV_EVALID && !strcmp(e.field.p, "q_nope"));
	err_clear(&e);
	json_decref(bad);
	bad = json_pack("{s:s}", "q_pay", "yes");
	CHECK(s && screen_evaluate(s, bad, &out, &e) == -HV_EVALID && !strcmp(e.field.p, "q_pay"));
	json_decref(bad);
	err_release(&e);
	screen_free(s);
	json_decref(d);
}

static void bad_tools_are_refused(void)
{
	static const char *const bad[] = {
		"{\"id\":\"t\",\"version\":1,\"kind\":\"screening\",\"population\":\"child\",\"questions\":[{\"id\":\"q\"}],"
		"\"indicators\":[{\"id\":\"i\",\"question\":\"nope\",\"when\":[\"yes\"],\"dimension\":\"d\",\"strength\":\"strong\"}],"
		"\"dimensions\":[{\"id\":\"d\"}]}",
		"{\"id\":\"t\",\"version\":1,\"kind\":\"screening\",\"population\":\"child\",\"questions\":[{\"id\":\"q\"}],"
		"\"indicators\":[{\"id\":\"i\",\"question\":\"q\",\"when\":[\"maybe\"],\"dimension\":\"d\",\"strength\":\"strong\"}],"
		"\"dimensions\":[{\"id\":\"d\"}]}",
		"{\"id\":\"t\",\"version\":1,\"kind\":\"screening\",\"population\":\"child\",\"questions\":[{\"id\":\"q\"}],"
		"\"indicators\":[{\"id\":\"i\",\"question\":\"q\",\"when\":[\"yes\"],\"dimension\":\"x\",\"strength\":\"strong\"}],"
		"\"dimensions\":[{\"id\":\"d\"}]}",
		"{\"id\":\"t\",\"version\":1,\"kind\":\"screening\",\"population\":\"child\",\"questions\":[{\"id\":\"q\"}],"
		"\"indicators\":[{\"id\":\"i\",\"question\":\"q\",\"when\":[\"yes\"],\"dimension\":\"d\",\"strength\":\"huge\"}],"
		"\"dimensions\":[{\"id\":\"d\"}]}",
		"{\"id\":\"t\",\"version\":1,\"kind\":\"screening\",\"population\":\"child\",\"questions\":[{\"id\":\"q\"},{\"id\":\"q\"}],"
		"\"indicators\":[{\"id\":\"i\",\"question\":\"q\",\"when\":[\"yes\"],\"dimension\":\"d\",\"strength\":\"weak\"}],"
		"\"dimensions\":[{\"id\":\"d\"}]}",
		"{\"id\":\"t\",\"version\":1,\"kind\":\"screening\",\"population\":\"child\",\"questions\":[{\"id\":\"q\"}],"
		"\"indicators\":[{\"id\":\"i\",\"question\":\"q\",\"when\":[\"yes\"],\"dimension\":\"d\",\"strength\":\"weak\"}],"
		"\"dimensions\":[{\"id\":\"d\"}],\"results\":[{\"id\":\"r\",\"result\":\"guilty\",\"min_indicators\":1}]}",
		"{\"id\":\"t\",\"version\":1,\"kind\":\"screening\",\"population\":\"child\",\"questions\":[{\"id\":\"q\"}],"
		"\"indicators\":[{\"id\":\"i\",\"question\":\"q\",\"when\":[\"yes\"],\"dimension\":\"d\",\"strength\":\"weak\"}],"
		"\"dimensions\":[{\"id\":\"d\"}],\"surprise\":1}",
		"{\"id\":\"t\",\"version\":1,\"kind\":\"quiz\",\"population\":\"child\",\"questions\":[{\"id\":\"q\"}],"
		"\"indicators\":[{\"id\":\"i\",\"question\":\"q\",\"when\":[\"yes\"],\"dimension\":\"d\",\"strength\":\"weak\"}],"
		"\"dimensions\":[{\"id\":\"d\"}]}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		json_t *def = json_loads(bad[i], 0, NULL);
		struct screen *s = NULL;
		struct err e;
		err_init(&e);
		int rc = screen_load(def, &s, &e);
		if (!rc)
			fprintf(stderr, "    bad tool %zu was accepted\n", i);
		CHECK(rc != 0 && s == NULL && e.msg.len > 0);
		err_release(&e);
		json_decref(def);
	}
}

/* The shipped tools (embedded from config/screening/) against their table of answer sets. */
static void shipped_tools_give_their_results(void)
{
	json_error_t je;
	json_t *table = json_load_file("tests/data/screening_cases.json", 0, &je);
	CHECK(table != NULL);
	const char *id;
	json_t *cases;
	size_t tools = 0;
	json_object_foreach(json_object_get(table, "tools"), id, cases) {
		char name[128];
		snprintf(name, sizeof name, "config/screening/%s.json", id);
		const struct asset *a = asset_find(name);
		json_t *def = a ? json_loads((const char *)a->data, 0, NULL) : NULL;
		struct screen *s = NULL;
		struct err e;
		err_init(&e);
		CHECK(def && screen_load(def, &s, &e) == 0);
		tools++;
		size_t i;
		json_t *c;
		json_array_foreach(cases, i, c) {
			json_t *out = NULL;
			if (!s || screen_evaluate(s, json_object_get(c, "answers"), &out, &e)) {
				fprintf(stderr, "    %s / %s: %s\n", id, json_string_value(json_object_get(c, "name")), e.msg.p);
				CHECK(0);
				continue;
			}
			int ok = !strcmp(json_string_value(json_object_get(out, "result")), json_string_value(json_object_get(c, "result"))) &&
				 !strcmp(json_string_value(json_object_get(out, "risk_level")), json_string_value(json_object_get(c, "risk_level"))) &&
				 json_equal(json_object_get(out, "immediate_danger"), json_object_get(c, "immediate_danger")) &&
				 json_equal(json_object_get(out, "suggested_services"), json_object_get(c, "services"));
			if (!ok)
				fprintf(stderr, "    %s / %s: a different result\n", id, json_string_value(json_object_get(c, "name")));
			CHECK(ok);
			json_decref(out);
		}
		err_release(&e);
		screen_free(s);
		json_decref(def);
	}
	CHECK(tools >= 3);
	json_decref(table);
}

SUITE(screen) = {TEST_ROW(answer_sets_give_their_results), TEST_ROW(bad_tools_are_refused),
		 TEST_ROW(shipped_tools_give_their_results), {0}};
