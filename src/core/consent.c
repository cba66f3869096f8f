/* consent: what a case's consent records allow now (see consent.h). A consent covers its
 * purposes until each is withdrawn; a refusal only records that the answer was no. */
#include "consent.h"
#include <string.h>

const char *const consent_purposes[] = {"services", "disclosure", "tracing", "reporting", NULL};
const char *const consent_fields[] = {"consent_for_services", "disclosure_other_orgs", "consent_for_tracing",
				      "consent_for_reporting", NULL};

/* Whether the JSON array text list holds the string s. */
static int listed(const char *list, const char *s)
{
	json_t *a = json_loads(list ? list : "[]", 0, NULL);
	size_t i;
	json_t *v;
	int found = 0;
	json_array_foreach(a, i, v) found |= json_is_string(v) && !strcmp(json_string_value(v), s);
	json_decref(a);
	return found;
}

int consent_active(const struct consent *c, const char *purpose)
{
	return !strcmp(c->decision, "given") && listed(c->purposes, purpose) && !listed(c->withdrawn, purpose);
}

json_t *consent_derive(const struct consent *c, size_t n)
{
	json_t *out = json_object();
	for (size_t p = 0; consent_purposes[p]; p++) {
		const char *value = NULL;
		for (size_t i = 0; i < n && (!value || strcmp(value, "yes")); i++)
			if (consent_active(&c[i], consent_purposes[p]))
				value = "yes";
			else if (listed(c[i].purposes, consent_purposes[p]))
				value = "no";
		if (value)
			json_object_set_new(out, consent_fields[p], json_string(value));
	}
	return out;
}

long consent_find(const struct consent *c, size_t n, const char *purpose, const char *agency_id)
{
	for (size_t i = 0; i < n; i++) {
		if (!consent_active(&c[i], purpose))
			continue;
		json_t *a = json_loads(c[i].agencies ? c[i].agencies : "[]", 0, NULL);
		int any = json_array_size(a) == 0;
		json_decref(a);
		if (strcmp(purpose, "disclosure") || any || (agency_id && listed(c[i].agencies, agency_id)))
			return (long)i;
	}
	return -1;
}
