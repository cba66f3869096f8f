/* demo: the demo data of 'init --demo' — one agency, one user of each role and 50 synthetic
 * cases with names in several scripts. Every name here is invented; no real child's data. */
#include "cmd.h"
#include "base/clock.h"
#include "core/id.h"
#include "core/record.h"
#include "sec/audit.h"
#include "sec/password.h"
#include "sec/token.h"
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define DEMO_PASSWORD "haven-demo"
#define DEMO_CASES 50

int agency_create(struct store *st, const char *name, const char *type, const char *code, char id[ID_LEN]);
int cmd_user_insert(struct store *st, const char *username, const char *password, const char *role,
		    const char *agency_id, const char *full_name, int must_change);
int demo_seed(struct store *st, const char *admin_agency_id, int with_admin);

static const struct {
	const char *username, *role, *full_name;
} demo_users[] = {
	{"supervisor", "supervisor", "Amina Supervisor"}, {"caseworker", "caseworker", "Daniel Caseworker"},
	{"caseworker2", "caseworker", "Leila Caseworker"}, {"screener", "screener", "Samuel Screener"},
	{"analyst", "analyst", "Priya Analyst"},          {"provider", "provider", "Tomas Provider"},
};

/* Invented first and last names by script: Latin, Arabic, Cyrillic, Amharic, Khmer, accents. */
static const char *const firsts[] = {"Amal", "محمد", "Олег", "ሰላም", "សុខា", "José", "Fatima", "Ahmed",
				     "Мария", "Noé", "Aziza", "Yonas", "Chenda", "Zoë", "Samir", "Hana"};
static const char *const lasts[] = {"Haddad", "الحسن", "Иванова", "ተስፋዬ", "ចាន់", "Muñoz", "Okafor",
				    "Nasser", "Petrenko", "Lefèvre", "Rahimi", "Bekele", "Sok", "Novák"};
static const char *const sexes[] = {"female", "male", "female", "male", "unknown"};
static const char *const risks[] = {"low", "medium", "high"};
static const char *const nats[] = {"SYR", "ERI", "UKR", "AFG", "KHM", "NGA", "VEN", "SDN"};
static const char *const concerns[] = {"trafficking", "separated", "child_labour", "sexual_exploitation",
				       "unaccompanied", "gbv"};

static json_t *demo_case(unsigned i)
{
	json_t *d = json_pack("{s:s,s:s,s:s,s:s,s:[s],s:[s],s:s,s:s}", "name_first", firsts[(i * 7) % 16],
			      "name_last", lasts[(i * 5 + 3) % 14], "sex", sexes[i % 5], "risk_level", risks[i % 3],
			      "nationality", nats[i % 8], "protection_concerns", concerns[i % 6],
			      "consent_for_services", i % 4 ? "yes" : "unknown", "location_current", "Demo district");
	if (i % 3)
		json_object_set_new(d, "age", json_integer(6 + i % 12));
	else {
		char dob[16];
		snprintf(dob, sizeof dob, "%04u-%02u-%02u", 2009 + i % 15, 1 + i % 12, 1 + i % 28);
		json_object_set_new(d, "date_of_birth", json_string(dob));
	}
	return d;
}

static int seed_case(struct store *st, unsigned i, const char *owner, const char *agency_id, const char *code)
{
	json_t *doc = json_object(), *data = demo_case(i);
	record_apply(doc, data);
	struct record rec = {0};
	token_uuid(rec.id);
	id_display_new(code, rec.display_id);
	snprintf(rec.type, sizeof rec.type, "case");
	snprintf(rec.status, sizeof rec.status, "%s", i % 10 == 9 ? "closed" : "open");
	snprintf(rec.owner_id, sizeof rec.owner_id, "%s", owner);
	snprintf(rec.created_by, sizeof rec.created_by, "%s", owner);
	snprintf(rec.agency_id, sizeof rec.agency_id, "%s", agency_id);
	rec.version = 1;
	rec.created_at = rec.updated_at = clock_now() - (int64_t)(DEMO_CASES - i) * 3600;
	record_derive(&rec, doc);
	int rc = store_record_insert(st, &rec, NULL);
	struct audit_event ev = {.client = "cli", .action = "case.create", .record_type = "case", .record_ids = rec.id};
	struct audit_tx *tx = NULL;
	if (!rc)
		rc = store_history_insert(st, rec.id, rec.created_at, owner, "create", "", NULL, NULL);
	if (!rc)
		rc = audit_append(st, &ev, &tx);
	audit_tx_end(tx, 1);
	record_release(&rec);
	json_decref(doc);
	json_decref(data);
	return rc;
}

int demo_seed(struct store *st, const char *admin_agency_id, int with_admin)
{
	char agency[ID_LEN], ids[sizeof demo_users / sizeof *demo_users][ID_LEN];
	int rc = agency_create(st, "Demo Social Services", "social_services", "DSS", agency);
	if (!rc && with_admin)
		rc = cmd_user_insert(st, "admin", DEMO_PASSWORD, "admin", admin_agency_id, "Demo Administrator", 0);
	for (size_t i = 0; !rc && i < sizeof demo_users / sizeof *demo_users; i++) {
		struct user u;
		rc = cmd_user_insert(st, demo_users[i].username, DEMO_PASSWORD, demo_users[i].role, agency,
				     demo_users[i].full_name, 0);
		if (!rc)
			rc = store_user_by_name(st, demo_users[i].username, &u, 0);
		if (!rc)
			memcpy(ids[i], u.id, ID_LEN);
	}
	/* Cases belong to the two caseworkers in turn. */
	for (unsigned i = 0; !rc && i < DEMO_CASES; i++)
		rc = seed_case(st, i, ids[1 + i % 2], agency, "DSS");
	return rc;
}
