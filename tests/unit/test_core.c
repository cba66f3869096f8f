/* Unit tests of core/: display ids, the case document rules and the permission table. */
#include "harness.h"
#include "base/asset.h"
#include "base/clock.h"
#include "base/json.h"
#include "core/id.h"
#include "core/perm.h"
#include "core/record.h"
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

static int check(const char *s, int patch, const char *want_field)
{
	struct err e;
	err_init(&e);
	json_t *v = J(s);
	int rc = record_check(v, patch, &e);
	int ok = want_field ? rc == -HV_EVALID && !strcmp(e.field.p, want_field) : rc == 0;
	if (!ok)
		fprintf(stderr, "    record_check(%s): rc=%d field=%s msg=%s\n", s, rc, e.field.p, e.msg.p);
	json_decref(v);
	err_release(&e);
	return ok;
}

static void record_validation(void)
{
	CHECK(check("{\"name_first\":\"محمد\",\"sex\":\"male\",\"nationality\":[\"SYR\"]}", 0, NULL));
	CHECK(check("{\"nickname\":\"x\"}", 0, "nickname"));
	CHECK(check("{\"sex\":\"boy\"}", 0, "sex"));
	CHECK(check("{\"age\":\"12\"}", 0, "age"));
	CHECK(check("{\"age\":121}", 0, "age"));
	CHECK(check("{\"date_of_birth\":\"2010-02-30\"}", 0, "date_of_birth"));
	CHECK(check("{\"date_of_birth\":\"2999-01-01\"}", 0, "date_of_birth"));
	CHECK(check("{\"nationality\":\"SYR\"}", 0, "nationality"));
	CHECK(check("{\"nationality\":[\"syr\"]}", 0, "nationality"));
	CHECK(check("{\"name_other\":[\"\"]}", 0, "name_other"));
	CHECK(check("{\"age_stated_on\":\"2020-01-01\"}", 0, "age_stated_on"));
	CHECK(check("{\"name_first\":null}", 1, NULL));
	CHECK(check("{\"risk_level\":\"extreme\"}", 1, "risk_level"));
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

SUITE(record) = {TEST_ROW(record_validation), TEST_ROW(record_merge_patch_and_age),
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
