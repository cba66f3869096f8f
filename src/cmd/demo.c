/* demo: the demo data of 'init --demo' — a social services agency with one user of each role
 * and 50 synthetic cases with names in several scripts, most with the child's consent on
 * record, two tracing requests (one seeking a child registered as case 22, spelled another
 * way), and a legal-aid NGO whose provider receives referrals to its two services. Every
 * name here is invented; no real child's data. */
#include "cmd.h"
#include "base/clock.h"
#include "core/consent.h"
#include "core/id.h"
#include "api/conf.h"
#include "core/record.h"
#include "core/schema.h"
#include "sec/audit.h"
#include "sec/password.h"
#include "sec/token.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEMO_PASSWORD "haven-demo"
#define DEMO_CASES 50

int agency_create(struct store *st, const char *name, const char *type, const char *code, char id[ID_LEN]);
int cmd_user_insert(struct store *st, const char *username, const char *password, const char *role,
		    const char *agency_id, const char *full_name, int must_change);
int demo_seed(struct store *st, const char *admin_agency_id, int with_admin);

static const struct {
	const char *username, *role, *full_name;
	int ngo; /* a user of the legal-aid NGO */
} demo_users[] = {
	{"supervisor", "supervisor", "Amina Supervisor", 0}, {"caseworker", "caseworker", "Daniel Caseworker", 0},
	{"caseworker2", "caseworker", "Leila Caseworker", 0}, {"screener", "screener", "Samuel Screener", 0},
	{"analyst", "analyst", "Priya Analyst", 0},          {"provider", "provider", "Tomas Provider", 1},
};

/* The directory's demo services: (0) of the social services, (1) of the NGO. */
static const struct {
	const char *name, *type, *pcode, *languages, *data;
	int ngo;
} demo_services[] = {
	{"Children's legal aid clinic", "legal_aid", "XD010101", "[\"en\",\"ar\",\"fr\"]",
	 "{\"ages\":{\"min\":0,\"max\":17},\"availability\":\"open\",\"capacity\":40,"
	 "\"contact\":{\"phone\":\"+000 555 0101\"},\"aaaq\":{\"availability\":4,\"accessibility\":4,\"acceptability\":5,\"quality\":4}}",
	 1},
	{"Safe house for children", "safe_shelter", "XD010201", "[\"en\",\"ar\"]",
	 "{\"ages\":{\"min\":6,\"max\":17},\"availability\":\"waiting_list\",\"capacity\":12,"
	 "\"address\":\"1 Demo Lane, Marrowen\",\"contact\":{\"phone\":\"+000 555 0102\"}}",
	 1},
	{"Psychosocial support team", "mhpss", "XD0101", "[\"en\",\"fr\",\"es\",\"ar\"]",
	 "{\"ages\":{\"min\":0,\"max\":17},\"availability\":\"open\",\"contact\":{\"phone\":\"+000 555 0103\"}}", 0},
};

static int seed_services(struct store *st, const char *dss, const char *ngo)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < sizeof demo_services / sizeof *demo_services; i++) {
		struct service x = {0};
		token_uuid(x.id);
		snprintf(x.agency_id, sizeof x.agency_id, "%s", demo_services[i].ngo ? ngo : dss);
		snprintf(x.name, sizeof x.name, "%s", demo_services[i].name);
		snprintf(x.type, sizeof x.type, "%s", demo_services[i].type);
		snprintf(x.pcode, sizeof x.pcode, "%s", demo_services[i].pcode);
		x.languages = (char *)demo_services[i].languages;
		x.data = (char *)demo_services[i].data;
		x.active = 1;
		x.created_at = x.updated_at = clock_now();
		rc = store_service_put(st, &x, 0, NULL);
	}
	return rc;
}

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
	json_t *d = json_pack("{s:s,s:s,s:s,s:s,s:[s],s:[s],s:s}", "name_first", firsts[(i * 7) % 16],
			      "name_last", lasts[(i * 5 + 3) % 14], "sex", sexes[i % 5], "risk_level", risks[i % 3],
			      "nationality", nats[i % 8], "protection_concerns", concerns[i % 6],
			      "location_current", "Demo district");
	if (i % 3)
		json_object_set_new(d, "age", json_integer(6 + i % 12));
	else {
		char dob[16];
		snprintf(dob, sizeof dob, "%04u-%02u-%02u", 2009 + i % 15, 1 + i % 12, 1 + i % 28);
		json_object_set_new(d, "date_of_birth", json_string(dob));
	}
	return d;
}

/* The demo's first tasks: those of the case's stage, due from the day it was registered. */
static int seed_tasks(struct store *st, const struct workflow *wf, const struct record *rec)
{
	char day[24];
	struct task_want *want;
	size_t n;
	clock_iso(rec->created_at, day, sizeof day);
	day[10] = '\0';
	workflow_stage_tasks(wf, rec->stage, day, &want, &n);
	int rc = 0;
	for (size_t i = 0; !rc && i < n; i++) {
		struct task t = {0};
		token_uuid(t.id);
		snprintf(t.record_id, sizeof t.record_id, "%s", rec->id);
		snprintf(t.rule, sizeof t.rule, "%s", want[i].rule);
		snprintf(t.ref, sizeof t.ref, "%s", want[i].ref);
		snprintf(t.due_on, sizeof t.due_on, "%s", want[i].due_on);
		snprintf(t.status, sizeof t.status, "open");
		t.created_at = rec->created_at;
		rc = store_task_put(st, &t, 0);
	}
	free(want);
	return rc;
}

/* Three cases in four have the child's assent to services and to sharing with providers, on
 * record as a consent; the case's consent fields are derived from it as the API would. */
static int demo_consent(unsigned i, const struct record *rec, json_t *doc, struct consent *out)
{
	struct consent c = {0};
	char day[24];
	if (i % 4 == 0)
		return 0;
	token_uuid(c.id);
	snprintf(c.record_id, sizeof c.record_id, "%s", rec->id);
	snprintf(c.giver, sizeof c.giver, "child");
	snprintf(c.decision, sizeof c.decision, "given");
	snprintf(c.method, sizeof c.method, "verbal");
	clock_iso(rec->created_at, day, sizeof day);
	snprintf(c.given_on, sizeof c.given_on, "%.10s", day);
	c.purposes = "[\"services\",\"disclosure\",\"tracing\"]";
	c.agencies = "[]";
	c.data = "{}";
	snprintf(c.created_by, sizeof c.created_by, "%s", rec->owner_id);
	c.created_at = rec->created_at;
	c.withdrawn = "[]";
	json_t *values = consent_derive(&c, 1);
	record_apply(doc, values);
	json_decref(values);
	*out = c;
	return 1;
}

/* A seeded record's first history row and its audit entry, as the API writes them. */
static int demo_created(struct store *st, const struct record *rec, const char *owner, const char *action)
{
	struct audit_event ev = {.client = "cli", .action = action, .record_type = rec->type, .record_ids = rec->id};
	struct audit_tx *tx = NULL;
	int rc = store_history_insert(st, rec->id, rec->created_at, owner, "create", "", NULL, NULL);
	if (!rc)
		rc = audit_append(st, &ev, &tx);
	audit_tx_end(tx, 1);
	return rc;
}

/* Every demo case passes the shipped forms, as a case entered through the API would. */
static int seed_case(struct store *st, const struct schema *sc, unsigned i, const char *owner, const char *agency_id,
		     const char *code)
{
	static const char *const stages[] = {"registration", "registration", "assessment", "case_plan", "implementation",
					     "follow_up", "registration", "assessment", "registration", "closed"};
	const struct formset *fs = schema_formset(sc, "case");
	json_t *doc = json_object(), *data = demo_case(i), *empty = json_object();
	record_apply(doc, data);
	json_t *view = record_output(json_deep_copy(doc));
	form_calculate(fs, doc, view);
	struct err e;
	err_init(&e);
	int rc = form_check_write(fs, data, empty, view, &e);
	if (rc)
		fprintf(stderr, "haven: demo case %u does not fit the forms: %s: %s\n", i, e.field.p, e.msg.p);
	err_release(&e);
	struct record rec = {0};
	token_uuid(rec.id);
	id_display_new(code, rec.display_id);
	snprintf(rec.type, sizeof rec.type, "case");
	snprintf(rec.stage, sizeof rec.stage, "%s", stages[i % 10]);
	snprintf(rec.status, sizeof rec.status, "%s", i % 10 == 9 ? "closed" : "open");
	snprintf(rec.owner_id, sizeof rec.owner_id, "%s", owner);
	snprintf(rec.created_by, sizeof rec.created_by, "%s", owner);
	snprintf(rec.agency_id, sizeof rec.agency_id, "%s", agency_id);
	rec.version = 1;
	/* Registered over the last twelve days, so some first tasks are already overdue. */
	rec.created_at = rec.updated_at = clock_now() - (int64_t)(DEMO_CASES - i) * 6 * 3600;
	json_t *versions = schema_form_versions(sc, "case");
	rec.form_versions = json_dumps(versions, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(versions);
	struct consent consent;
	int consented = demo_consent(i, &rec, doc, &consent);
	record_derive(&rec, doc, form_field_restricted(fs, "name_first", view));
	if (!rc)
		rc = store_record_insert(st, &rec, NULL);
	if (!rc && consented)
		rc = store_consent_insert(st, &consent);
	if (!rc)
		rc = seed_tasks(st, schema_workflow(sc, "case"), &rec);
	if (!rc)
		rc = demo_created(st, &rec, owner, "case.create");
	record_release(&rec);
	json_decref(doc);
	json_decref(view);
	json_decref(empty);
	json_decref(data);
	return rc;
}

/* Two tracing requests. The first, from a mother, seeks two children: Aziza is demo case 22
 * ("Aziza الحسن", a girl of 16 by her stated age, unaccompanied, her consent to tracing on
 * record), here in Latin letters with an estimated date of birth; her brother Omar is not
 * registered. The second, from a grandmother, seeks a boy who matches no case. */
static json_t *demo_tracing(unsigned i)
{
	int y, m, d;
	char sep[32], dob[32], today[11];
	clock_today(&y, &m, &d);
	clock_today_iso(today);
	snprintf(sep, sizeof sep, "%04d-%02d-01", y - 1, m);
	snprintf(dob, sizeof dob, "%04d-01-01", y - 16);
	if (i == 0)
		return json_pack("{s:s,s:s,s:s,s:s,s:[s,s],s:{s:s,s:b},s:s,s:s,s:s,s:s,"
				 "s:[{s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:[s,s],s:s,s:s},"
				 "{s:s,s:s,s:s,s:i,s:s,s:s,s:s,s:[s]}],s:s}",
				 "inq_name", "Nour Al-Khatib", "inq_relationship", "mother", "inq_phone", "+000 555 0199",
				 "inq_location_area", "XD020101", "inq_languages", "ar", "es", "sep_date", "value", sep,
				 "estimated", 1, "sep_location_area", "XD0203", "sep_location_text",
				 "Bus terminal at the northern border crossing", "sep_cause", "migration", "sep_details",
				 "The family was separated in the crowd when buses left for the border.", "tr_children",
				 "name_first", "Aziza", "name_last", "Al-Hassan", "name_other", "Zizi", "sex", "female",
				 "date_of_birth", dob, "date_of_birth_estimated", 1, "mother_name", "Nour Al-Khatib",
				 "father_name", "Youssef Al-Hassan", "languages", "ar", "es", "distinguishing_marks",
				 "Small scar above the left eyebrow", "last_seen_area", "XD0203", "name_first", "Omar",
				 "name_last", "Al-Hassan", "sex", "male", "age", 9, "age_stated_on", today, "mother_name",
				 "Nour Al-Khatib", "father_name", "Youssef Al-Hassan", "languages", "ar",
				 "consent_for_tracing", "yes");
	return json_pack("{s:s,s:s,s:s,s:[s],s:{s:s,s:b},s:s,s:s,s:[{s:s,s:s,s:s,s:i,s:s,s:s}],s:s}", "inq_name",
			 "Grace Mwangi", "inq_relationship", "grandparent", "inq_location_area", "XD010201", "inq_languages",
			 "sw", "sep_date", "value", sep, "estimated", 1, "sep_location_text", "Central market, Marrowen",
			 "sep_cause", "lost", "tr_children", "name_first", "Brian", "name_last", "Otieno", "sex", "male",
			 "age", 6, "age_stated_on", today, "mother_name", "Wanjiru Mwangi", "consent_for_tracing", "yes");
}

/* A demo tracing request, checked against the shipped forms as the API would. */
static int seed_tracing(struct store *st, const struct schema *sc, unsigned i, const char *owner,
			const char *agency_id, const char *code)
{
	const struct formset *fs = schema_formset(sc, "tracing_request");
	json_t *doc = json_object(), *data = demo_tracing(i), *empty = json_object();
	record_apply(doc, data);
	json_t *view = record_output(json_deep_copy(doc));
	struct err e;
	err_init(&e);
	int rc = fs ? form_check_write(fs, data, empty, view, &e) : -HV_EINTERNAL;
	if (rc)
		fprintf(stderr, "haven: demo tracing request %u does not fit the forms: %s: %s\n", i, e.field.p, e.msg.p);
	err_release(&e);
	struct record rec = {0};
	token_uuid(rec.id);
	id_display_new(code, rec.display_id);
	snprintf(rec.type, sizeof rec.type, "tracing_request");
	snprintf(rec.stage, sizeof rec.stage, "open");
	snprintf(rec.status, sizeof rec.status, "open");
	snprintf(rec.owner_id, sizeof rec.owner_id, "%s", owner);
	snprintf(rec.created_by, sizeof rec.created_by, "%s", owner);
	snprintf(rec.agency_id, sizeof rec.agency_id, "%s", agency_id);
	rec.version = 1;
	rec.created_at = rec.updated_at = clock_now() - (int64_t)(2 - i) * 24 * 3600;
	json_t *versions = schema_form_versions(sc, "tracing_request");
	rec.form_versions = json_dumps(versions, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(versions);
	record_derive(&rec, doc, 0);
	if (!rc)
		rc = store_record_insert(st, &rec, NULL);
	if (!rc && schema_workflow(sc, "tracing_request"))
		rc = seed_tasks(st, schema_workflow(sc, "tracing_request"), &rec);
	if (!rc)
		rc = demo_created(st, &rec, owner, "tracing_request.create");
	record_release(&rec);
	json_decref(doc);
	json_decref(view);
	json_decref(empty);
	json_decref(data);
	return rc;
}

int demo_seed(struct store *st, const char *admin_agency_id, int with_admin)
{
	char agency[ID_LEN], ngo[ID_LEN], ids[sizeof demo_users / sizeof *demo_users][ID_LEN];
	int rc = agency_create(st, "Demo Social Services", "social_services", "DSS", agency);
	if (!rc)
		rc = agency_create(st, "Demo Children's Legal Aid", "ngo", "DLA", ngo);
	if (!rc)
		rc = seed_services(st, agency, ngo);
	if (!rc && with_admin)
		rc = cmd_user_insert(st, "admin", DEMO_PASSWORD, "admin", admin_agency_id, "Demo Administrator", 0);
	for (size_t i = 0; !rc && i < sizeof demo_users / sizeof *demo_users; i++) {
		struct user u;
		rc = cmd_user_insert(st, demo_users[i].username, DEMO_PASSWORD, demo_users[i].role,
				     demo_users[i].ngo ? ngo : agency, demo_users[i].full_name, 0);
		if (!rc)
			rc = store_user_by_name(st, demo_users[i].username, &u, 0);
		if (!rc)
			memcpy(ids[i], u.id, ID_LEN);
	}
	struct schema *sc = NULL;
	struct err e;
	err_init(&e);
	if (!rc && (rc = conf_build(st, &sc, &e)))
		fprintf(stderr, "haven: %s\n", e.msg.p);
	err_release(&e);
	/* Cases belong to the two caseworkers in turn. */
	for (unsigned i = 0; !rc && i < DEMO_CASES; i++)
		rc = seed_case(st, sc, i, ids[1 + i % 2], agency, "DSS");
	/* The mother's request is the caseworker's, the grandmother's caseworker2's. */
	for (unsigned i = 0; !rc && i < 2; i++)
		rc = seed_tracing(st, sc, i, ids[1 + i], agency, "DSS");
	schema_free(sc);
	return rc;
}
