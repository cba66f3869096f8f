/* form: configurable forms — a form definition (fields, types, rules, show-if conditions,
 * sensitivity) loaded from JSON, and the checks the server makes on every write and at the
 * workflow stages that require a form. Pure: definitions and documents in, decisions out.
 *
 * Definition: {"id":"registration","version":1,"record_type":"case","fields":[FIELD...]}
 * FIELD: {"name","type", "required"?, "min"?, "max"?, "max_length"?, "pattern"? (POSIX ERE,
 *   whole value), "options"? [values] or "lookup"? NAME, "show_if"? COND, "sensitive"? [roles],
 *   "fields"? [FIELD...] (subform rows), "labels"?, "help"?}
 * Types: text textarea number date approx_date select multiselect yesno location subform
 *   tickbox attachment. approx_date is {"value":"YYYY-MM-DD","estimated":bool}; an attachment
 *   value is the id of a stored file. Labels and help texts are not checked here. */
#ifndef HV_FORM_H
#define HV_FORM_H
#include <jansson.h>
#include "base/err.h"

struct form;

/* Parses and checks one definition; on success *out owns a reference to def. */
int form_load(const json_t *def, struct form **out, struct err *e);
void form_free(struct form *f);
const char *form_id(const struct form *f);
int form_version(const struct form *f);

/* A record type's forms, for checks that span them (a field name is unique across them). */
struct formset {
	struct form **forms;
	size_t n;
	const json_t *lookups; /* {"name": ["value", ...]} for select/multiselect "lookup" */
};

/* Checks a write: every member of patch is a known field with a valid value (null clears),
 * and in after (the document once the patch is applied) no field holds a value while its
 * show_if condition is false. Errors are 422 naming the field (subform rows as name[i].sub). */
int form_check_write(const struct formset *fs, const json_t *patch, const json_t *after, struct err *e);
/* Checks that every required field of the form whose condition holds has a value (for a
 * workflow transition that requires the form). 422 naming the first missing field. */
int form_check_complete(const struct formset *fs, const char *form_id, const json_t *doc, struct err *e);
/* Whether role may read field (fields without "sensitive" are readable by every role). */
int form_field_readable(const struct formset *fs, const char *field, const char *role);

#endif
