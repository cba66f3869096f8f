/* schema: the configuration built from its documents (see schema.h). */
#include "schema.h"
#include "base/alloc.h"
#include "base/json.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>

const char *const schema_locales[] = {"en", "fr", "es", "ar", NULL};
static const char *const record_types[] = {"case", "family", "incident", NULL};

struct typed {
	struct formset fs;
	struct workflow *wf;
};

struct schema {
	json_t *lookups;
	struct typed types[3]; /* parallel to record_types */
};

static int type_index(const char *type)
{
	for (int i = 0; type && record_types[i]; i++)
		if (!strcmp(record_types[i], type))
			return i;
	return -1;
}

int schema_record_type_valid(const char *type)
{
	return type_index(type) >= 0;
}

int schema_kind_valid(const char *kind)
{
#define KIND_OK(k) || !strcmp(kind, #k)
	return kind && (0 SCHEMA_KINDS(KIND_OK));
#undef KIND_OK
}

/* ---- built-in lookups: ISO countries and languages, named in each locale by ICU ---------- */

static json_t *builtin;
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

static json_t *icu_labels(const char *id, int country)
{
	json_t *labels = json_object();
	for (const char *const *l = schema_locales; *l; l++) {
		UChar u[128];
		char s[256];
		UErrorCode st = U_ZERO_ERROR;
		int32_t n = country ? uloc_getDisplayCountry(id, *l, u, 128, &st) : uloc_getDisplayLanguage(id, *l, u, 128, &st);
		if (U_FAILURE(st) || n <= 0)
			continue;
		u_strToUTF8(s, sizeof s, NULL, u, n, &st);
		if (U_SUCCESS(st))
			json_object_set_new(labels, *l, json_string(s));
	}
	return labels;
}

static json_t *lookup_doc(const char *en, const char *fr, const char *es, const char *ar, json_t *values)
{
	return json_pack("{s:{s:s,s:s,s:s,s:s},s:o,s:b}", "labels", "en", en, "fr", fr, "es", es, "ar", ar,
			 "values", values, "builtin", 1);
}

static void builtin_make(void)
{
	json_t *countries = json_array(), *languages = json_array();
	for (const char *const *c = uloc_getISOCountries(); *c; c++) {
		char id[16];
		snprintf(id, sizeof id, "und_%s", *c);
		const char *a3 = uloc_getISO3Country(id);
		if (!a3 || strlen(a3) != 3)
			continue;
		json_array_append_new(countries, json_pack("{s:s,s:o}", "value", a3, "labels", icu_labels(id, 1)));
	}
	for (const char *const *c = uloc_getISOLanguages(); *c; c++) {
		if (strlen(*c) != 2)
			continue;
		json_t *labels = icu_labels(*c, 0);
		const char *en = json_string_value(json_object_get(labels, "en"));
		if (!en || !strcmp(en, *c)) { /* ICU has no name for it */
			json_decref(labels);
			continue;
		}
		json_array_append_new(languages, json_pack("{s:s,s:o}", "value", *c, "labels", labels));
	}
	builtin = json_pack("{s:o,s:o}", "countries",
			    lookup_doc("Countries", "Pays", "Países", "البلدان", countries), "languages",
			    lookup_doc("Languages", "Langues", "Idiomas", "اللغات", languages));
}

/* ---- building ------------------------------------------------------------------------------ */

void schema_free(struct schema *s)
{
	if (!s)
		return;
	for (int i = 0; record_types[i]; i++) {
		for (size_t k = 0; k < s->types[i].fs.n; k++)
			form_free(s->types[i].fs.forms[k]);
		free(s->types[i].fs.forms);
		workflow_free(s->types[i].wf);
	}
	json_decref(s->lookups);
	free(s);
}

static int add_form(struct schema *s, const struct schema_doc *d, struct err *e)
{
	struct form *f;
	/* The stored version is the form's version, whatever the definition says. */
	json_t *def = json_deep_copy(d->body);
	if (d->version > 0 && json_is_object(def))
		json_object_set_new(def, "version", json_integer(d->version));
	int rc = form_load(def, &f, e);
	json_decref(def);
	if (rc)
		return rc;
	int t = type_index(form_record_type(f));
	if (t < 0 || strcmp(form_id(f), d->name)) {
		form_free(f);
		return err_set(e, HV_EINVAL, "record_type", "form %s: an unknown record type or a mismatched id", d->name);
	}
	struct formset *fs = &s->types[t].fs;
	fs->forms = xreallocarray(fs->forms, fs->n + 1, sizeof *fs->forms);
	fs->forms[fs->n++] = f;
	return 0;
}

static int add_workflow(struct schema *s, const struct schema_doc *d, struct err *e)
{
	struct workflow *w;
	int rc = workflow_load(d->body, &w, e);
	if (rc)
		return rc;
	int t = type_index(workflow_record_type(w));
	if (t < 0 || strcmp(workflow_record_type(w), d->name) || s->types[t].wf) {
		workflow_free(w);
		return err_set(e, HV_EINVAL, "record_type", "workflow %s: an unknown or repeated record type", d->name);
	}
	s->types[t].wf = w;
	return 0;
}

static int add_lookup(struct schema *s, const struct schema_doc *d, struct err *e)
{
	static const char *const keys[] = {"name", "version", "draft", "labels", "values", NULL};
	int rc = json_only_keys(d->body, keys, e);
	if (rc)
		return rc;
	const json_t *values = json_object_get(d->body, "values");
	const char *name = json_string_value(json_object_get(d->body, "name"));
	if (!name || strcmp(name, d->name) || json_object_get(s->lookups, name))
		return err_set(e, HV_EINVAL, "name", "lookup %s: a mismatched or repeated name", d->name);
	if (!json_is_array(values) || !json_array_size(values))
		return err_set(e, HV_EINVAL, "values", "lookup %s needs a list of values", d->name);
	size_t i;
	json_t *v;
	json_array_foreach(values, i, v) {
		const char *code = json_string_value(json_object_get(v, "value"));
		if (!code || !*code)
			return err_set(e, HV_EINVAL, "values", "lookup %s: each value needs a code", d->name);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(code, json_string_value(json_object_get(json_array_get(values, j), "value"))))
				return err_set(e, HV_EINVAL, "values", "lookup %s: the value %s is listed twice", d->name, code);
	}
	json_object_set_new(s->lookups, name, json_pack("{s:O,s:O}", "labels", json_object_get(d->body, "labels"), "values", values));
	return 0;
}

/* Field names must be unique across a record type's forms (the record is one document), and
 * every lookup a field names must exist. */
static int check_fields(const struct schema *s, const struct formset *fs, struct err *e)
{
	json_t *seen = json_object();
	int rc = 0;
	for (size_t i = 0; !rc && i < fs->n; i++) {
		size_t k;
		json_t *f;
		json_array_foreach(json_object_get(form_def(fs->forms[i]), "fields"), k, f) {
			const char *name = json_string_value(json_object_get(f, "name"));
			const char *lookup = json_string_value(json_object_get(f, "lookup"));
			if (json_object_get(seen, name))
				rc = err_set(e, HV_EINVAL, name, "the field %s is in forms %s and %s", name,
					     json_string_value(json_object_get(seen, name)), form_id(fs->forms[i]));
			else if (lookup && !json_object_get(s->lookups, lookup))
				rc = err_set(e, HV_EINVAL, name, "form %s: no lookup %s", form_id(fs->forms[i]), lookup);
			if (rc)
				break;
			json_object_set_new(seen, name, json_string(form_id(fs->forms[i])));
		}
	}
	json_decref(seen);
	return rc;
}

static int check_workflow(const struct formset *fs, const struct workflow *w, struct err *e)
{
	size_t i, k;
	json_t *t, *id;
	json_array_foreach(json_object_get(workflow_def(w), "transitions"), i, t) {
		json_array_foreach(json_object_get(t, "requires_forms"), k, id) {
			int found = 0;
			for (size_t j = 0; j < fs->n; j++)
				found |= !strcmp(form_id(fs->forms[j]), json_string_value(id));
			if (!found)
				return err_set(e, HV_EINVAL, "requires_forms", "the workflow requires a form %s that does not exist",
					       json_string_value(id));
		}
	}
	return 0;
}

static int by_order(const void *a, const void *b)
{
	const struct form *x = *(struct form *const *)a, *y = *(struct form *const *)b;
	return form_order(x) != form_order(y) ? (form_order(x) > form_order(y)) - (form_order(x) < form_order(y))
					      : strcmp(form_id(x), form_id(y));
}

int schema_build(const struct schema_doc *docs, size_t n, struct schema **out, struct err *e)
{
	pthread_once(&builtin_once, builtin_make);
	struct schema *s = xcalloc(1, sizeof *s);
	s->lookups = json_deep_copy(builtin);
	int rc = 0;
	/* Lookups first: forms are checked against them. */
	for (size_t i = 0; !rc && i < n; i++)
		if (!strcmp(docs[i].kind, "lookup"))
			rc = add_lookup(s, &docs[i], e);
	for (size_t i = 0; !rc && i < n; i++) {
		if (!strcmp(docs[i].kind, "form"))
			rc = add_form(s, &docs[i], e);
		else if (!strcmp(docs[i].kind, "workflow"))
			rc = add_workflow(s, &docs[i], e);
	}
	for (int t = 0; !rc && record_types[t]; t++) {
		struct typed *ty = &s->types[t];
		ty->fs.lookups = s->lookups;
		if (ty->fs.n)
			qsort(ty->fs.forms, ty->fs.n, sizeof *ty->fs.forms, by_order);
		rc = check_fields(s, &ty->fs, e);
		if (!rc && ty->wf)
			rc = check_workflow(&ty->fs, ty->wf, e);
	}
	if (rc) {
		schema_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

const struct formset *schema_formset(const struct schema *s, const char *type)
{
	int t = type_index(type);
	return t < 0 || !s->types[t].fs.n ? NULL : &s->types[t].fs;
}

const struct workflow *schema_workflow(const struct schema *s, const char *type)
{
	int t = type_index(type);
	return t < 0 ? NULL : s->types[t].wf;
}

json_t *schema_form_versions(const struct schema *s, const char *type)
{
	json_t *v = json_object();
	const struct formset *fs = schema_formset(s, type);
	for (size_t i = 0; fs && i < fs->n; i++)
		json_object_set_new(v, form_id(fs->forms[i]), json_integer(form_version(fs->forms[i])));
	return v;
}

const json_t *schema_lookups(const struct schema *s)
{
	return s->lookups;
}

/* ---- localisation --------------------------------------------------------------------------- */

static json_t *pick(const json_t *labels, const char *locale)
{
	const json_t *v = json_object_get(labels, locale);
	if (!json_is_string(v))
		v = json_object_get(labels, "en");
	return json_is_string(v) ? json_incref((json_t *)v) : json_string("");
}

json_t *schema_localize(const json_t *v, const char *locale)
{
	if (json_is_array(v)) {
		json_t *out = json_array();
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) json_array_append_new(out, schema_localize(x, locale));
		return out;
	}
	if (!json_is_object(v))
		return json_deep_copy(v);
	json_t *out = json_object();
	const char *k;
	json_t *x;
	json_object_foreach((json_t *)v, k, x) {
		if (!strcmp(k, "labels") && json_is_object(x))
			json_object_set_new(out, "label", pick(x, locale));
		else if (!strcmp(k, "help") && json_is_object(x))
			json_object_set_new(out, "help", pick(x, locale));
		else
			json_object_set_new(out, k, schema_localize(x, locale));
	}
	return out;
}
