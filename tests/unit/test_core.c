/* Unit tests of core/: display ids, the case document rules and the permission table. */
#include "harness.h"
#include "base/asset.h"
#include "base/clock.h"
#include "base/json.h"
#include "core/id.h"
#include "core/perm.h"
#include "core/record.h"
#include "core/schema.h"
#include "core/workflow.h"
#include <stdlib.h>

static void display_ids_check_and_differ(void)
{
	char a[DISPLAY_ID_MAX], b[DISPLAY_ID_MAX];
	id_display_new("DSS", a);
	id_display_new("DSS", b);
	CHECK(strncmp(a, "DSS-", 4) == 0 && strlen(a) == 11);
	CHECK(strcmp(a, b) != 0);
	CHECK(id_display_valid(a));
	/* Every single-symbol change is caught by the check symbol. */
	static const char alpha[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	int caught = 0, total = 0;
	for (int pos = 4; pos < 11; pos++)
		for (int k = 0; k < 32; k++) {
			char c[DISPLAY_ID_MAX];
			memcpy(c, a, sizeof c);
			if (c[pos] == alpha[k])
				continue;
			c[pos] = alpha[k];
			total++;
			caught += !id_display_valid(c);
		}
	CHECK(caught == total);
	/* Lower case and O/I/L read as 0/1 are the same id. */
	char lower[DISPLAY_ID_MAX];
	for (int i = 0; i < DISPLAY_ID_MAX; i++)
		lower[i] = (char)(a[i] >= 'A' && a[i] <= 'Z' ? a[i] + 32 : a[i]);
	CHECK(id_display_valid(lower));
}

static void agency_codes(void)
{
	char c[8];
	id_agency_code("Demo Social Services", c);
	CHECK_STR(c, "DSS");
	id_agency_code("Police", c);
	CHECK(id_agency_code_valid(c));
	id_agency_code("منظمة", c); /* no Latin letters */
	CHECK(id_agency_code_valid(c));
	CHECK(!id_agency_code_valid("dss"));
	CHECK(!id_agency_code_valid("TOOLONG"));
}

SUITE(id) = {TEST_ROW(display_ids_check_and_differ), TEST_ROW(agency_codes), {0}};

static json_t *J(const char *s)
{
	return json_loads(s, 0, NULL);
}

/* The shipped configuration, built from the embedded config/ tree as init would install it. */
static struct schema *shipped(void)
{
	static const char *const kinds[][2] = {{"lookup", "config/lookups/"}, {"form", "config/forms/"}, {"workflow", "config/workflows/"}};
	struct schema_doc docs[64];
	size_t n = 0;
	for (const struct asset *a = assets; a->name; a++)
		for (size_t k = 0; k < 3; k++)
			if (!strncmp(a->name, kinds[k][1], strlen(kinds[k][1])) && strstr(a->name, ".json") && n < 64) {
				json_t *d = json_loads((const char *)a->data, 0, NULL);
				const char *key = k == 0 ? "name" : k == 1 ? "id" : "record_type";
				docs[n++] = (struct schema_doc){kinds[k][0], json_string_value(json_object_get(d, key)), 1, d};
			}
	struct schema *s = NULL;
	struct err e;
	err_init(&e);
	if (schema_build(docs, n, &s, &e))
		fprintf(stderr, "    shipped configuration: %s (%s)\n", e.msg.p, e.field.p);
	err_release(&e);
	for (size_t i = 0; i < n; i++)
		json_decref((json_t *)docs[i].body);
	return s;
}

static int check(const struct formset *fs, const char *s, const char *want_field)
{
	struct err e;
	err_init(&e);
	json_t *v = J(s), *doc = json_object(), *empty = json_object();
	record_apply(doc, v);
	json_t *view = record_output(json_deep_copy(doc));
	form_calculate(fs, doc, view);
	int rc = form_check_write(fs, v, empty, view, &e);
	int ok = want_field ? rc == -HV_EVALID && !strcmp(e.field.p, want_field) : rc == 0;
	if (!ok)
		fprintf(stderr, "    form_check_write(%s): rc=%d field=%s msg=%s\n", s, rc, e.field.p, e.msg.p);
	json_decref(v);
	json_decref(doc);
	json_decref(view);
	json_decref(empty);
	err_release(&e);
	return ok;
}

static void shipped_forms_check_case_writes(void)
{
	struct schema *s = shipped();
	CHECK(s != NULL);
	if (!s)
		return;
	const struct formset *fs = schema_formset(s, "case");
	CHECK(fs && schema_formset(s, "family") && schema_formset(s, "incident") && schema_workflow(s, "case"));
	CHECK(check(fs, "{\"name_first\":\"محمد\",\"sex\":\"male\",\"nationality\":[\"SYR\"]}", NULL));
	CHECK(check(fs, "{\"nickname\":\"x\"}", "nickname"));
	CHECK(check(fs, "{\"sex\":\"boy\"}", "sex"));
	CHECK(check(fs, "{\"age\":\"12\"}", "age"));
	CHECK(check(fs, "{\"age\":121}", "age"));
	CHECK(check(fs, "{\"age\":12.5}", "age"));
	CHECK(check(fs, "{\"date_of_birth\":\"2010-02-30\"}", "date_of_birth"));
	CHECK(check(fs, "{\"date_of_birth\":\"2999-01-01\"}", "date_of_birth"));
	CHECK(check(fs, "{\"nationality\":\"SYR\"}", "nationality"));
	CHECK(check(fs, "{\"nationality\":[\"XXX\"]}", "nationality"));
	CHECK(check(fs, "{\"languages\":[\"ar\",\"fr\"]}", NULL));
	CHECK(check(fs, "{\"name_other\":[\"\"]}", "name_other"));
	CHECK(check(fs, "{\"age_stated_on\":\"2020-01-01\"}", "age_stated_on"));
	CHECK(check(fs, "{\"risk_level\":\"extreme\"}", "risk_level"));
	/* Conditions across forms: GBV details only on a GBV case; a plan due date may be ahead. */
	CHECK(check(fs, "{\"gbv_notes\":\"x\"}", "gbv_notes"));
	CHECK(check(fs, "{\"protection_concerns\":[\"gbv\"],\"gbv_notes\":\"x\"}", NULL));
	CHECK(check(fs, "{\"plan_goals\":[{\"goal\":\"School\",\"due_date\":\"2999-01-01\"}]}", NULL));
	/* A 7-year-old with a lot of difficulty seeing is derived to have a functional difficulty. */
	json_t *doc = json_object(), *answers = J("{\"age\":7,\"wg_517_seeing\":\"a_lot_of_difficulty\"}"), *view;
	record_apply(doc, answers);
	json_decref(answers);
	view = record_output(json_deep_copy(doc));
	form_calculate(fs, doc, view);
	CHECK_STR(json_string_value(json_object_get(doc, "wg_disability_status")), "functional_difficulty");
	/* Names of a GBV case are restricted; others' are not. */
	json_t *gbv = J("{\"protection_concerns\":[\"gbv\"]}");
	CHECK(form_field_restricted(fs, "name_first", gbv));
	CHECK(!form_field_restricted(fs, "name_first", view));
	CHECK(form_field_restricted(fs, "location_current", view));
	json_decref(gbv);
	json_decref(doc);
	json_decref(view);
	schema_free(s);
}

static void record_merge_patch_and_age(void)
{
	json_t *doc = json_object(), *p1 = J("{\"name_first\":\"Amal\",\"age\":10,\"languages\":[\"ar\",\"en\"]}");
	record_apply(doc, p1);
	CHECK(json_is_true(json_object_get(doc, "date_of_birth_estimated")));
	CHECK(json_object_get(doc, "age") == NULL);
	json_t *out = record_output(json_deep_copy(doc));
	CHECK(json_integer_value(json_object_get(out, "age")) == 10);
	json_decref(out);
	/* Lists are replaced, null clears, a given date of birth wins over the stated age. */
	json_t *p2 = J("{\"languages\":[\"fr\"],\"name_first\":null,\"date_of_birth\":\"2015-06-01\"}");
	record_apply(doc, p2);
	CHECK(json_array_size(json_object_get(doc, "languages")) == 1);
	CHECK(json_object_get(doc, "name_first") == NULL);
	CHECK(json_is_false(json_object_get(doc, "date_of_birth_estimated")));
	CHECK(json_object_get(doc, "age_stated_on") == NULL);
	json_decref(p1);
	json_decref(p2);
	json_decref(doc);
}

static void record_search_key_folds_names(void)
{
	json_t *doc = J("{\"name_first\":\"José\",\"name_last\":\"ОЛЕГ\",\"name_other\":[\"مُحَمَّد\"]}");
	struct buf key = BUF_INIT, sort = BUF_INIT;
	record_search_key(doc, "DSS-ABC1234", &key, &sort);
	CHECK(strstr(key.p, " jose") && strstr(key.p, " олег") && strstr(key.p, " محمد") && strstr(key.p, "dss-abc1234"));
	CHECK_STR(sort.p, " олег jose");
	buf_release(&key);
	buf_release(&sort);
	json_decref(doc);
}

/* Tasks that follow referral and transfer events: the shipped rules, and bad ones refused. */
/* Two records of one child: what the kept record lacks comes from the other, its own values
 * stay (the other's are conflicts), rows are united, derived fields are left alone. */
static void record_merge_fills_and_unites(void)
{
	json_t *kept = json_loads("{\"name_first\":\"Hawa\",\"sex\":\"female\",\"languages\":[],\"notes\":\"\","
				  "\"fam\":[{\"name\":\"Amina\"}],\"consent_for_tracing\":\"no\"}", 0, NULL);
	json_t *other = json_loads("{\"name_first\":\"Hawaa\",\"sex\":\"female\",\"languages\":[\"sw\"],\"notes\":\"x\","
				   "\"fam\":[{\"name\":\"Amina\"},{\"name\":\"Said\"}],\"place\":\"XD01\","
				   "\"consent_for_tracing\":\"yes\",\"blank\":\"\"}", 0, NULL);
	static const char *const skip[] = {"consent_for_tracing", NULL};
	json_t *set, *before, *conflicts;
	record_merge(kept, other, skip, &set, &before, &conflicts);
	CHECK_STR(json_string_value(json_object_get(set, "place")), "XD01");
	CHECK(json_is_null(json_object_get(before, "place")));
	CHECK(json_array_size(json_object_get(set, "languages")) == 1);
	CHECK_STR(json_string_value(json_object_get(set, "notes")), "x");
	CHECK(json_array_size(json_object_get(set, "fam")) == 2);
	CHECK(json_array_size(json_object_get(before, "fam")) == 1);
	CHECK_STR(json_string_value(json_object_get(conflicts, "name_first")), "Hawaa");
	CHECK(!json_object_get(set, "name_first") && !json_object_get(set, "sex") && !json_object_get(conflicts, "sex"));
	CHECK(!json_object_get(set, "consent_for_tracing") && !json_object_get(conflicts, "consent_for_tracing"));
	CHECK(!json_object_get(set, "blank"));
	json_decref(set);
	json_decref(before);
	json_decref(conflicts);
	json_decref(kept);
	json_decref(other);
}

static void event_task_rules(void)
{
	const struct asset *a = asset_find("config/workflows/case.json");
	json_t *def = a ? json_loads((const char *)a->data, 0, NULL) : NULL;
	struct workflow *w = NULL;
	struct err e;
	err_init(&e);
	CHECK(def && workflow_load(def, &w, &e) == 0);
	char due[11];
	CHECK_STR(w ? workflow_event_task(w, "referral_made", NULL, "2026-11-29", due) : NULL, "referral_response");
	CHECK_STR(due, "2026-12-02");
	CHECK_STR(w ? workflow_event_task(w, "referral_declined", NULL, "2026-11-29", due) : NULL, "referral_declined");
	CHECK_STR(due, "2026-11-29");
	/* One event may start several tasks: a confirmed tracing match starts reunification's three. */
	const char *rule = NULL, *seen[4] = {0};
	int n = 0;
	while (w && n < 4 && (rule = workflow_event_task(w, "match_confirmed", rule, "2026-11-29", due)))
		seen[n++] = rule;
	CHECK(n == 3);
	CHECK_STR(seen[0], "reunification_verify");
	CHECK_STR(seen[2], "reunification_follow_up");
	CHECK_STR(due, "2027-02-27");
	workflow_free(w);
	static const char *const bad[] = {"{\"id\":\"x\",\"on_event\":\"birthday\",\"due_days\":1}",
					  "{\"id\":\"x\",\"on_event\":\"referral_made\"}",
					  "{\"id\":\"x\",\"on_event\":\"referral_made\",\"due_days\":-1}"};
	for (size_t i = 0; def && i < sizeof bad / sizeof *bad; i++) {
		json_t *d = json_deep_copy(def);
		json_array_append_new(json_object_get(d, "tasks"), J(bad[i]));
		w = NULL;
		CHECK(workflow_load(d, &w, &e) != 0);
		workflow_free(w);
		json_decref(d);
	}
	err_release(&e);
	json_decref(def);
}

SUITE(record) = {TEST_ROW(record_merge_fills_and_unites), TEST_ROW(event_task_rules), TEST_ROW(shipped_forms_check_case_writes), TEST_ROW(record_merge_patch_and_age),
		 TEST_ROW(record_search_key_folds_names), {0}};

static void perm_table(void)
{
	struct err e;
	err_init(&e);
	const struct asset *roles = asset_find("config/roles.json");
	CHECK(roles && perm_load((const char *)roles->data, &e) == 0);
	struct user cw = {.role = "caseworker"}, adm = {.role = "admin"}, scr = {.role = "screener"};
	struct scope sc;
	int reason;
	CHECK(perm_scope(&cw, "case.read", &sc, &reason) == 0 && sc.kind == SCOPE_ASSIGNED && !reason);
	CHECK(perm_scope(&cw, "case.assign", &sc, &reason) != 0);
	CHECK(perm_scope(&adm, "case.read", &sc, &reason) == 0 && reason && sc.kind == SCOPE_ALL);
	CHECK(perm_scope(&scr, "case.read", &sc, &reason) == 0 && sc.kind == SCOPE_OWN &&
	      sc.created_after >= clock_now() - 24 * 3600 - 1);
	CHECK(perm_role_exists("caseworker") && !perm_role_exists("case") && !perm_role_exists(""));
	CHECK(perm_load("{\"roles\":{\"x\":{\"case.read\":\"everything\"}}}", &e) == -HV_EINVAL);
	err_clear(&e);
	perm_load((const char *)roles->data, &e);
	err_release(&e);
}

SUITE(perm) = {TEST_ROW(perm_table), {0}};
