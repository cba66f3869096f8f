/* Unit tests of core/form: loading definitions and checking writes against them. */
#include "harness.h"
#include "core/form.h"
#include <jansson.h>

static const char def_text[] =
	"{\"id\":\"registration\",\"version\":2,\"record_type\":\"case\",\"fields\":["
	"{\"name\":\"name_first\",\"type\":\"text\",\"max_length\":10,\"required\":true},"
	"{\"name\":\"age\",\"type\":\"number\",\"min\":0,\"max\":120},"
	"{\"name\":\"care\",\"type\":\"select\",\"options\":[\"with_caregiver\",{\"value\":\"unaccompanied\"}]},"
	"{\"name\":\"caregiver_name\",\"type\":\"text\",\"required\":true,"
	" \"show_if\":{\"field\":\"care\",\"op\":\"eq\",\"value\":\"with_caregiver\"}},"
	"{\"name\":\"forms\",\"type\":\"multiselect\",\"lookup\":\"exploitation\"},"
	"{\"name\":\"dob\",\"type\":\"approx_date\"},"
	"{\"name\":\"birth_registered\",\"type\":\"yesno\"},"
	"{\"name\":\"consent\",\"type\":\"tickbox\"},"
	"{\"name\":\"code\",\"type\":\"text\",\"pattern\":\"[A-Z]{3}\"},"
	"{\"name\":\"shelter_address\",\"type\":\"textarea\",\"sensitive\":[\"supervisor\"]},"
	"{\"name\":\"household\",\"type\":\"subform\",\"fields\":["
	"  {\"name\":\"relation\",\"type\":\"select\",\"options\":[\"mother\",\"father\",\"other\"]},"
	"  {\"name\":\"relation_other\",\"type\":\"text\",\"show_if\":{\"field\":\"relation\",\"op\":\"eq\",\"value\":\"other\"}}"
	"]}]}";

static struct form *form;
static json_t *lookups;
static struct formset fs;

static void setup(void)
{
	if (form)
		return;
	json_t *def = json_loads(def_text, 0, NULL);
	struct err e;
	err_init(&e);
	if (form_load(def, &form, &e))
		fprintf(stderr, "    form_load: %s\n", e.msg.p);
	err_release(&e);
	json_decref(def);
	lookups = json_pack("{s:[s,s,s]}", "exploitation", "sexual", "forced_labour", "begging");
	fs.forms = &form;
	fs.n = 1;
	fs.lookups = lookups;
}

/* Runs a write of patch onto before and returns the field named by the error ("" if none). */
static const char *write_error(const char *before, const char *patch)
{
	static char field[128];
	json_t *b = json_loads(before, 0, NULL), *p = json_loads(patch, 0, NULL);
	json_t *after = json_deep_copy(b);
	const char *k;
	json_t *v;
	json_object_foreach(p, k, v) {
		if (json_is_null(v))
			json_object_del(after, k);
		else
			json_object_set(after, k, v);
	}
	struct err e;
	err_init(&e);
	form_check_write(&fs, p, b, after, &e);
	snprintf(field, sizeof field, "%s", e.code ? (e.field.len ? e.field.p : "?") : "");
	err_release(&e);
	json_decref(b);
	json_decref(p);
	json_decref(after);
	return field;
}

static void loads_and_rejects_bad_definitions(void)
{
	setup();
	CHECK(form != NULL);
	CHECK_STR(form_id(form), "registration");
	CHECK(form_version(form) == 2);
	static const char *const bad[] = {
		"{\"id\":\"f\",\"version\":1,\"fields\":[{\"name\":\"a\",\"type\":\"colour\"}]}",
		"{\"id\":\"f\",\"version\":1,\"fields\":[{\"name\":\"a\",\"type\":\"text\"},{\"name\":\"a\",\"type\":\"text\"}]}",
		"{\"id\":\"f\",\"version\":1,\"fields\":[{\"name\":\"a\",\"type\":\"text\",\"pattern\":\"[\"}]}",
		"{\"id\":\"f\",\"version\":1,\"fields\":[{\"name\":\"a\",\"type\":\"text\",\"show_if\":{\"field\":\"b\",\"op\":\"like\",\"value\":1}}]}",
		"{\"id\":\"f\",\"version\":1,\"fields\":[{\"name\":\"a\",\"type\":\"select\"}]}",
		"{\"id\":\"f\",\"version\":1,\"fields\":[{\"name\":\"A b\",\"type\":\"text\"}]}",
		"{\"id\":\"f\",\"version\":1,\"fields\":[{\"name\":\"a\",\"type\":\"text\",\"colour\":1}]}",
		"{\"id\":\"f\",\"version\":0,\"fields\":[{\"name\":\"a\",\"type\":\"text\"}]}",
		"{\"id\":\"f\",\"version\":1,\"fields\":[]}",
		"{\"id\":\"f\",\"version\":1,\"fields\":[{\"name\":\"s\",\"type\":\"subform\"}]}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		json_t *d = json_loads(bad[i], 0, NULL);
		struct form *f = NULL;
		struct err e;
		err_init(&e);
		if (form_load(d, &f, &e) == 0) {
			fprintf(stderr, "    accepted bad definition %zu\n", i);
			t_failed_checks++;
			form_free(f);
		}
		err_release(&e);
		json_decref(d);
	}
}

static void checks_values_and_names_the_field(void)
{
	setup();
	CHECK_STR(write_error("{}", "{\"name_first\":\"Амаль\",\"age\":12,\"care\":\"unaccompanied\","
				    "\"forms\":[\"begging\"],\"dob\":{\"value\":\"2014-03-01\",\"estimated\":true},"
				    "\"birth_registered\":\"no\",\"consent\":true,\"code\":\"SYR\"}"), "");
	CHECK_STR(write_error("{}", "{\"nickname\":\"x\"}"), "nickname");
	CHECK_STR(write_error("{}", "{\"name_first\":\"abcdefghijk\"}"), "name_first");
	CHECK_STR(write_error("{}", "{\"age\":121}"), "age");
	CHECK_STR(write_error("{}", "{\"age\":\"12\"}"), "age");
	CHECK_STR(write_error("{}", "{\"care\":\"alone\"}"), "care");
	CHECK_STR(write_error("{}", "{\"forms\":[\"sexual\",\"organ\"]}"), "forms");
	CHECK_STR(write_error("{}", "{\"dob\":\"2014-03-01\"}"), "dob");
	CHECK_STR(write_error("{}", "{\"dob\":{\"value\":\"2999-01-01\"}}"), "dob");
	CHECK_STR(write_error("{}", "{\"birth_registered\":\"maybe\"}"), "birth_registered");
	CHECK_STR(write_error("{}", "{\"consent\":\"yes\"}"), "consent");
	CHECK_STR(write_error("{}", "{\"code\":\"syr\"}"), "code");
	CHECK_STR(write_error("{}", "{\"code\":\"SYRIA\"}"), "code");
	CHECK_STR(write_error("{\"age\":3}", "{\"age\":null}"), "");
}

static void conditions_are_enforced_on_the_server(void)
{
	setup();
	/* A value for a field whose condition is false is refused... */
	CHECK_STR(write_error("{\"care\":\"unaccompanied\"}", "{\"caregiver_name\":\"Leyla\"}"), "caregiver_name");
	/* ... accepted once the condition holds ... */
	CHECK_STR(write_error("{}", "{\"care\":\"with_caregiver\",\"caregiver_name\":\"Leyla\"}"), "");
	/* ... and a change that makes a kept value inapplicable must clear it too. */
	CHECK_STR(write_error("{\"care\":\"with_caregiver\",\"caregiver_name\":\"Leyla\"}", "{\"care\":\"unaccompanied\"}"),
		  "caregiver_name");
	CHECK_STR(write_error("{\"care\":\"with_caregiver\",\"caregiver_name\":\"Leyla\"}",
			      "{\"care\":\"unaccompanied\",\"caregiver_name\":null}"), "");
}

static void subform_rows(void)
{
	setup();
	CHECK_STR(write_error("{}", "{\"household\":[{\"relation\":\"mother\"},{\"relation\":\"other\",\"relation_other\":\"aunt\"}]}"), "");
	CHECK_STR(write_error("{}", "{\"household\":[{\"relation\":\"mother\"},{\"relation\":\"cousin\"}]}"), "household[1].relation");
	CHECK_STR(write_error("{}", "{\"household\":[{\"relation\":\"mother\",\"relation_other\":\"x\"}]}"), "household[0].relation_other");
	CHECK_STR(write_error("{}", "{\"household\":[{\"age\":3}]}"), "household[0].age");
	CHECK_STR(write_error("{}", "{\"household\":{\"relation\":\"mother\"}}"), "household");
}

static void completeness_and_sensitivity(void)
{
	setup();
	struct err e;
	err_init(&e);
	json_t *doc = json_loads("{\"care\":\"with_caregiver\"}", 0, NULL);
	CHECK(form_check_complete(&fs, "registration", doc, &e) == -HV_EVALID);
	CHECK_STR(e.field.p, "name_first");
	err_clear(&e);
	json_object_set_new(doc, "name_first", json_string("Amal"));
	CHECK(form_check_complete(&fs, "registration", doc, &e) == -HV_EVALID);
	CHECK_STR(e.field.p, "caregiver_name"); /* required while its condition holds */
	err_clear(&e);
	json_object_set_new(doc, "care", json_string("unaccompanied"));
	CHECK(form_check_complete(&fs, "registration", doc, &e) == 0);
	CHECK(form_check_complete(&fs, "closure", doc, &e) == -HV_ENOTFOUND);
	CHECK(form_field_readable(&fs, "shelter_address", "supervisor", NULL));
	CHECK(!form_field_readable(&fs, "shelter_address", "caseworker", NULL));
	CHECK(form_field_readable(&fs, "age", "screener", NULL));
	json_decref(doc);
	err_release(&e);
	form_free(form);
	json_decref(lookups);
	form = NULL;
}

SUITE(form) = {TEST_ROW(loads_and_rejects_bad_definitions), TEST_ROW(checks_values_and_names_the_field),
	       TEST_ROW(conditions_are_enforced_on_the_server), TEST_ROW(subform_rows),
	       TEST_ROW(completeness_and_sensitivity), {0}};
