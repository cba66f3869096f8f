/* Unit tests for core/consent: which purposes a case's consents cover, the derived case
 * fields, and which consent allows a disclosure to an agency. */
#include "harness.h"
#include "core/consent.h"
#include <jansson.h>

static struct consent make(const char *decision, char *purposes, char *agencies, char *withdrawn)
{
	struct consent c = {0};
	snprintf(c.id, sizeof c.id, "%s", purposes);
	snprintf(c.decision, sizeof c.decision, "%s", decision);
	c.purposes = purposes;
	c.agencies = agencies;
	c.withdrawn = withdrawn;
	return c;
}

static void derived_fields_follow_the_records(void)
{
	struct consent c[] = {
		make("given", "[\"services\",\"disclosure\",\"tracing\"]", "[]", "[\"tracing\"]"),
		make("refused", "[\"reporting\"]", "[]", "[]"),
	};
	json_t *d = consent_derive(c, 2);
	CHECK_STR(json_string_value(json_object_get(d, "consent_for_services")), "yes");
	CHECK_STR(json_string_value(json_object_get(d, "disclosure_other_orgs")), "yes");
	CHECK_STR(json_string_value(json_object_get(d, "consent_for_tracing")), "no");
	CHECK_STR(json_string_value(json_object_get(d, "consent_for_reporting")), "no");
	json_decref(d);
	/* Nobody asked: nothing derived, so a value typed before consent records stays. */
	d = consent_derive(c, 0);
	CHECK(json_object_size(d) == 0);
	json_decref(d);
	/* A second consent still covering tracing makes it yes again. */
	struct consent more[] = {c[0], make("given", "[\"tracing\"]", "[]", "[]")};
	d = consent_derive(more, 2);
	CHECK_STR(json_string_value(json_object_get(d, "consent_for_tracing")), "yes");
	json_decref(d);
}

static void disclosure_is_to_the_agencies_named(void)
{
	struct consent c[] = {
		make("given", "[\"services\"]", "[]", "[]"),
		make("given", "[\"disclosure\"]", "[\"agency-a\"]", "[]"),
		make("refused", "[\"disclosure\"]", "[]", "[]"),
	};
	CHECK(consent_find(c, 3, "services", NULL) == 0);
	CHECK(consent_find(c, 3, "disclosure", "agency-a") == 1);
	CHECK(consent_find(c, 3, "disclosure", "agency-b") == -1);
	CHECK(consent_find(c, 3, "tracing", NULL) == -1);
	c[1].withdrawn = "[\"disclosure\"]";
	CHECK(consent_find(c, 3, "disclosure", "agency-a") == -1);
	CHECK(!consent_active(&c[1], "disclosure"));
	CHECK(!consent_active(&c[2], "disclosure")); /* a refusal covers nothing */
	struct consent any = make("given", "[\"disclosure\"]", "[]", "[]");
	CHECK(consent_find(&any, 1, "disclosure", "agency-b") == 0);
}

SUITE(consent) = {TEST_ROW(derived_fields_follow_the_records), TEST_ROW(disclosure_is_to_the_agencies_named), {0}};
