/* consent: what a case's consent records allow now (see consent.h). A consent covers its
 * purposes until each is withdrawn; a refusal only records that the answer was no. The JSON
 * lists of a consent are parsed once per question, not once per purpose. */
#include "consent.h"
#include "base/json.h"
#include <string.h>

const char *const consent_purposes[] = {"services", "disclosure", "tracing", "reporting", NULL};
const char *const consent_fields[] = {"consent_for_services", "disclosure_other_orgs", "consent_for_tracing",
				      "consent_for_reporting", NULL};

/* A consent's lists, parsed. */
struct lists {
	json_t *purposes, *withdrawn, *agencies;
};

static struct lists parse(const struct consent *c)
{
	return (struct lists){json_loads(c->purposes ? c->purposes : "[]", 0, NULL),
			      json_loads(c->withdrawn ? c->withdrawn : "[]", 0, NULL),
			      json_loads(c->agencies ? c->agencies : "[]", 0, NULL)};
}

static void release(struct lists *l)
{
	json_decref(l->purposes);
	json_decref(l->withdrawn);
	json_decref(l->agencies);
}

static int active(const struct consent *c, const struct lists *l, const char *purpose)
{
	return !strcmp(c->decision, "given") && json_array_has_str(l->purposes, purpose) &&
	       !json_array_has_str(l->withdrawn, purpose);
}

int consent_active(const struct consent *c, const char *purpose)
{
	struct lists l = parse(c);
	int yes = active(c, &l, purpose);
	release(&l);
	return yes;
}

json_t *consent_derive(const struct consent *c, size_t n)
{
	const char *value[sizeof consent_fields / sizeof *consent_fields] = {0};
	for (size_t i = 0; i < n; i++) {
		struct lists l = parse(&c[i]);
		for (size_t p = 0; consent_purposes[p]; p++)
			if (active(&c[i], &l, consent_purposes[p]))
				value[p] = "yes";
			else if (!value[p] && json_array_has_str(l.purposes, consent_purposes[p]))
				value[p] = "no";
		release(&l);
	}
	json_t *out = json_object();
	for (size_t p = 0; consent_purposes[p]; p++)
		if (value[p])
			json_object_set_new(out, consent_fields[p], json_string(value[p]));
	return out;
}

long consent_find(const struct consent *c, size_t n, const char *purpose, const char *agency_id)
{
	for (size_t i = 0; i < n; i++) {
		struct lists l = parse(&c[i]);
		int ok = active(&c[i], &l, purpose) &&
			 (strcmp(purpose, "disclosure") || !agency_id || !json_array_size(l.agencies) ||
			  json_array_has_str(l.agencies, agency_id));
		release(&l);
		if (ok)
			return (long)i;
	}
	return -1;
}
