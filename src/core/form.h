/* form: configurable forms — a form definition (fields, types, rules, show-if conditions,
 * sensitivity) loaded from JSON, and the checks the server makes on every write and at the
 * workflow stages that require a form. Pure: definitions and documents in, decisions out.
 *
 * Definition: {"id":"registration","version":1,"record_type":"case","fields":[FIELD...]}
 * Also "order", "draft", "labels", "help" (for people; not checked here).
 * FIELD: {"name","type", "required"?, "min"?, "max"?, "max_length"?, "pattern"? (POSIX ERE,
 *   whole value), "options"? [values] or "lookup"? NAME, "show_if"? COND, "sensitive"? [roles],
 *   "sensitive_if"? COND, "readonly"?, "calculated"? {"when":[{"if":COND,"value":V}...]},
 *   "record_type"? (a record field: the type of record it names, "case" by default),
 *   "fields"? [FIELD...] (subform rows), "labels"?, "help"?}
 * Types: text textarea textlist number date approx_date select multiselect yesno location
 *   subform tickbox attachment record (the display id of another record, e.g. a family
 *   member's own case). approx_date is {"value":"YYYY-MM-DD","estimated":bool}; an attachment
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
const char *form_record_type(const struct form *f); /* "case" when the definition names none */
int form_order(const struct form *f);
const json_t *form_def(const struct form *f); /* the definition as loaded; owned by f */

/* A record type's forms, for checks that span them (a field name is unique across them). */
struct formset {
	struct form **forms;
	size_t n;
	const json_t *lookups; /* {"name": {"values": [{"value": V}, ...]}} (or a bare list) for "lookup" */
	json_t *index;         /* {"field": form << 16 | field} for lookups by name (form_index), or NULL */
	/* When set, a location, attachment or record value must be one it knows (type is
	 * "location", "attachment", or the record type a record field names): the store's areas,
	 * the record's files, records the user can see. */
	int (*ref_known)(void *ctx, const char *type, const char *value);
	void *ctx;
};

/* Checks a write: every member of patch is a known, writable field with a valid value (null
 * clears, also a field no longer in the forms), and in after (the document once the patch is
 * applied) no field holds a value while its show_if condition is false — when the patch sets
 * it or the condition held in before. Errors are 422 naming the field (subform rows as
 * name[i].sub). before and after are the documents as conditions see them (derived age in). */
int form_check_write(const struct formset *fs, const json_t *patch, const json_t *before, const json_t *after,
		     struct err *e);
/* Checks that every required field of the form whose condition holds has a value, and in
 * each entry of its subforms every required row field whose condition holds (for a workflow
 * transition that requires the form). 422 naming the first missing field (name[i].sub). */
int form_check_complete(const struct formset *fs, const char *form_id, const json_t *doc, struct err *e);
/* Whether role may read field of doc: fields without "sensitive" are readable by every role;
 * with "sensitive_if", only while that condition holds on doc is the field restricted. */
int form_field_readable(const struct formset *fs, const char *field, const char *role, const json_t *doc);
/* Whether field is restricted for doc (sensitive, and its sensitive_if holds). */
int form_field_restricted(const struct formset *fs, const char *field, const json_t *doc);
/* Removes from doc every field role may not read — and values of fields no longer in the
 * forms, which nobody reads — appending the names of those that held a value to hidden (a
 * JSON array, or NULL); returns how many were removed. */
int form_filter(const struct formset *fs, json_t *doc, const char *role, json_t *hidden);
/* Removes from doc every field that is not on one of the forms form_ids (a JSON array of form
 * ids) — what a referral shares; returns how many were removed. */
int form_keep(const struct formset *fs, json_t *doc, const json_t *form_ids);
/* Sets every calculated field in doc and view from its rules evaluated on view (the document
 * as conditions see it), or removes it when no rule holds. */
void form_calculate(const struct formset *fs, json_t *doc, json_t *view);
int form_has_field(const struct formset *fs, const char *name);
/* Builds fs->index, so a write's hundreds of fields are found without a scan each. */
void form_index(struct formset *fs);
/* Calls fn for every record field's value in doc, subform rows included: the record type it
 * names, the display id, and the top-level field it is in (a subform's name for its rows). */
void form_each_record_ref(const struct formset *fs, const json_t *doc,
			  void (*fn)(void *ctx, const char *type, const char *display_id, const char *field), void *ctx);
/* The type of a top-level field ("text", "attachment" ...), or NULL when there is none. */
const char *form_field_type(const struct formset *fs, const char *name);

#endif
