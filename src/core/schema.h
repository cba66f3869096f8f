/* schema: one consistent configuration — the forms of each record type, the lookups (shipped
 * ones and the built-in countries and languages from ICU) and the workflows — built from the
 * configuration documents the store holds. Immutable once built, so threads share it; pure (no
 * store, no HTTP). Also the localisation of documents for one language. */
#ifndef HV_SCHEMA_H
#define HV_SCHEMA_H
#include <jansson.h>
#include "base/err.h"
#include "core/form.h"
#include "core/screen.h"
#include "core/workflow.h"

/* The interface and configuration languages; every labels object carries all of them. */
extern const char *const schema_locales[]; /* NULL-terminated, "en" first */

/* The kinds of configuration document. */
#define SCHEMA_KINDS(X) X(form) X(lookup) X(workflow) X(screening)

struct schema_doc {
	const char *kind, *name;
	int version; /* the stored version; a form's own "version" member is replaced by it */
	const json_t *body;
};

struct schema;

/* Checks each document and their consistency: field names unique across a record type's
 * forms, lookups and forms that are named exist. 0, or an error naming the document. */
int schema_build(const struct schema_doc *docs, size_t n, struct schema **out, struct err *e);
void schema_free(struct schema *s);

/* NULL when the record type has no forms / no workflow. */
const struct formset *schema_formset(const struct schema *s, const char *record_type);
const struct workflow *schema_workflow(const struct schema *s, const char *record_type);
/* The screening and risk tools: the i-th (NULL past the last), or the one named id (NULL when
 * there is none), with its definition and stored version. */
const struct screen *schema_screen_at(const struct schema *s, size_t i, const json_t **def, int *version);
const struct screen *schema_screen(const struct schema *s, const char *id, const json_t **def, int *version);
/* {"form id": version, ...} of a record type's forms, new reference. */
json_t *schema_form_versions(const struct schema *s, const char *record_type);
/* Every lookup, {"name": {"labels":..., "values":[{"value","labels"}...]}}; borrowed. */
const json_t *schema_lookups(const struct schema *s);
/* Whether kind is a configuration kind ("form", "lookup", "workflow"). */
int schema_kind_valid(const char *kind);
/* The record types that have forms: "case", "family", "incident", "tracing_request". */
int schema_record_type_valid(const char *type);

/* One labels object's text in locale (English when missing, "" when none): a new string. */
json_t *schema_label(const json_t *labels, const char *locale);
/* A deep copy of v with every labels-like object ({"en":..,"fr":..}) under the keys "labels"
 * and "help" replaced by "label"/"help" strings in locale (English when missing). */
json_t *schema_localize(const json_t *v, const char *locale);

#endif
