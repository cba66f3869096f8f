/* schema: the configuration built from its documents (see schema.h). */
#include "schema.h"
#include "base/alloc.h"
#include "core/cond.h"
#include "base/json.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>

const char *const schema_locales[] = {"en", "fr", "es", "ar", NULL};
static const char *const record_types[] = {"case", "family", "incident", "tracing_request", NULL};
#define NTYPES (sizeof record_types / sizeof *record_types - 1)

struct typed {
	struct formset fs;
	struct workflow *wf;
};

struct tool {
	struct screen *screen;
	json_t *def;
	int version;
};

struct schema {
	json_t *lookups;
	struct typed types[NTYPES]; /* parallel to record_types */
	struct tool *tools;
	size_t ntools;
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

/* ---- what people read: labels, help texts, option codes ----------------------------------- */

static int locale_known(const char *l)
{
	for (const char *const *k = schema_locales; *k; k++)
		if (!strcmp(*k, l))
			return 1;
	return 0;
}

/* obj's "labels" (required: English at least) and "help" (optional) are objects of the
 * configured languages holding text. */
static int check_texts(const json_t *obj, const char *where, struct err *e)
{
	static const char *const keys[] = {"labels", "help"};
	for (int k = 0; k < 2; k++) {
		const json_t *t = json_object_get(obj, keys[k]);
		if (!t && k == 1)
			continue;
		if (!json_is_object(t) || (k == 0 && !json_string_length(json_object_get(t, "en"))))
			return err_set(e, HV_EVALID, where, "needs %s in English at least, as {\"en\": ..., \"fr\": ...}", keys[k]);
		const char *l;
		json_t *v;
		json_object_foreach((json_t *)t, l, v) {
			if (!locale_known(l) || !json_is_string(v))
				return err_set(e, HV_EVALID, where, "%s are texts in en, fr, es or ar", keys[k]);
		}
	}
	return 0;
}

/* Option codes are stored in records: short, stable, without spaces, each once. */
static int check_values(const json_t *values, const char *where, struct err *e)
{
	size_t i;
	json_t *o;
	json_array_foreach(values, i, o) {
		const char *v = json_string_value(json_object_get(o, "value"));
		if (!v || !*v || strlen(v) > 64 || strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") != strlen(v))
			return err_set(e, HV_EVALID, where, "option codes are letters, digits, _ - . (at most 64)");
		for (size_t j = 0; j < i; j++)
			if (!strcmp(v, json_string_value(json_object_get(json_array_get(values, j), "value"))))
				return err_set(e, HV_EVALID, where, "the option %s is listed twice", v);
		int rc = check_texts(o, where, e);
		if (rc)
			return rc;
	}
	return 0;
}

struct names {
	const json_t *fields; /* a list of field definitions */
	const json_t *also;   /* more names that conditions may use (the record's fields), or NULL */
};

static int name_in(const json_t *fields, const char *name)
{
	size_t i;
	json_t *f;
	json_array_foreach(fields, i, f) if (!strcmp(json_string_value(json_object_get(f, "name")), name)) return 1;
	return 0;
}

static int known_name(const char *name, void *ctx)
{
	const struct names *n = ctx;
	return !strcmp(name, "age") || name_in(n->fields, name) || (n->also && json_object_get(n->also, name));
}

/* Every field: its texts, its options, and conditions that name fields that exist (in a
 * subform row: the row's fields). */
static int check_form_fields(const json_t *fields, const struct names *scope, struct err *e)
{
	size_t i;
	json_t *f;
	json_array_foreach(fields, i, f) {
		const char *name = json_string_value(json_object_get(f, "name"));
		int rc = check_texts(f, name, e);
		/* Who may read is decided per field of the record; a row inherits its subform's. */
		if (!rc && !scope->also && (json_object_get(f, "sensitive") || json_object_get(f, "sensitive_if")))
			rc = err_set(e, HV_EVALID, name, "mark the subform sensitive, not a field of its rows");
		if (!rc)
			rc = check_values(json_object_get(f, "options"), name, e);
		const json_t *conds[] = {json_object_get(f, "show_if"), json_object_get(f, "sensitive_if")};
		for (int k = 0; !rc && k < 2; k++) {
			const char *bad = conds[k] ? cond_unknown_field(conds[k], known_name, (void *)scope) : NULL;
			if (bad)
				rc = err_set(e, HV_EVALID, name, "the condition names %s, which is not a field here", bad);
		}
		size_t r;
		json_t *rule;
		json_array_foreach(json_object_get(json_object_get(f, "calculated"), "when"), r, rule) {
			const char *bad = rc ? NULL : cond_unknown_field(json_object_get(rule, "if"), known_name, (void *)scope);
			if (bad)
				rc = err_set(e, HV_EVALID, name, "the calculation names %s, which is not a field here", bad);
		}
		if (!rc && json_object_get(f, "fields")) {
			struct names row = {json_object_get(f, "fields"), NULL};
			rc = check_form_fields(row.fields, &row, e);
			if (rc && e) { /* subform.field */
				struct buf inner = BUF_INIT;
				buf_add(&inner, e->field.p, e->field.len);
				buf_reset(&e->field);
				buf_addf(&e->field, "%s.%s", name, inner.p);
				buf_release(&inner);
			}
		}
		if (rc)
			return rc;
	}
	return 0;
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
		json_decref(s->types[i].fs.index);
		workflow_free(s->types[i].wf);
	}
	for (size_t i = 0; i < s->ntools; i++) {
		screen_free(s->tools[i].screen);
		json_decref(s->tools[i].def);
	}
	free(s->tools);
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
	static const char *const lists[] = {"stages", "approvals", "tasks"};
	for (int k = 0; !rc && k < 3; k++) {
		size_t i;
		json_t *x;
		json_array_foreach(json_object_get(d->body, lists[k]), i, x) {
			if (!rc)
				rc = check_texts(x, lists[k], e);
		}
	}
	return rc;
}

static int add_screening(struct schema *s, const struct schema_doc *d, struct err *e)
{
	struct screen *sc;
	int rc = screen_load(d->body, &sc, e);
	if (rc)
		return rc;
	if (strcmp(screen_id(sc), d->name)) {
		screen_free(sc);
		return err_set(e, HV_EINVAL, "id", "screening tool %s: a mismatched id", d->name);
	}
	rc = check_texts(d->body, d->name, e);
	static const char *const lists[] = {"questions", "dimensions", "indicators", "red_flags"};
	for (int k = 0; !rc && k < 4; k++) {
		size_t i;
		json_t *x;
		json_array_foreach(json_object_get(d->body, lists[k]), i, x) {
			if (!rc)
				rc = check_texts(x, json_string_value(json_object_get(x, "id")), e);
			if (!rc && json_object_get(x, "options"))
				rc = check_values(json_object_get(x, "options"), json_string_value(json_object_get(x, "id")), e);
		}
	}
	s->tools = xreallocarray(s->tools, s->ntools + 1, sizeof *s->tools);
	s->tools[s->ntools++] = (struct tool){sc, json_deep_copy(d->body), d->version};
	return rc;
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
	rc = check_texts(d->body, "labels", e);
	if (!rc)
		rc = check_values(values, "values", e);
	if (rc)
		return rc;
	json_object_set_new(s->lookups, name, json_pack("{s:O,s:O}", "labels", json_object_get(d->body, "labels"), "values", values));
	return 0;
}

/* Field names must be unique across a record type's forms (the record is one document), and
 * every lookup a field names must exist. */
static int check_fields(const struct schema *s, const struct formset *fs, struct err *e)
{
	json_t *seen = json_object();
	int rc = 0;
	/* First every name, so a condition may look at a field of a later form. */
	for (size_t i = 0; i < fs->n; i++) {
		size_t k;
		json_t *f;
		json_array_foreach(json_object_get(form_def(fs->forms[i]), "fields"), k, f) json_object_set_new(seen, json_string_value(json_object_get(f, "name")), json_true());
	}
	for (size_t i = 0; !rc && i < fs->n; i++) {
		const json_t *def = form_def(fs->forms[i]);
		struct names scope = {json_object_get(def, "fields"), seen};
		rc = check_texts(def, form_id(fs->forms[i]), e);
		if (!rc)
			rc = check_form_fields(scope.fields, &scope, e);
	}
	json_object_clear(seen);
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
		else if (!strcmp(docs[i].kind, "screening"))
			rc = add_screening(s, &docs[i], e);
	}
	for (int t = 0; !rc && record_types[t]; t++) {
		struct typed *ty = &s->types[t];
		ty->fs.lookups = s->lookups;
		if (ty->fs.n)
			qsort(ty->fs.forms, ty->fs.n, sizeof *ty->fs.forms, by_order);
		form_index(&ty->fs);
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

const struct screen *schema_screen_at(const struct schema *s, size_t i, const json_t **def, int *version)
{
	if (i >= s->ntools)
		return NULL;
	if (def)
		*def = s->tools[i].def;
	if (version)
		*version = s->tools[i].version;
	return s->tools[i].screen;
}

const struct screen *schema_screen(const struct schema *s, const char *id, const json_t **def, int *version)
{
	for (size_t i = 0; id && i < s->ntools; i++)
		if (!strcmp(screen_id(s->tools[i].screen), id))
			return schema_screen_at(s, i, def, version);
	return NULL;
}

const json_t *schema_lookups(const struct schema *s)
{
	return s->lookups;
}

/* ---- localisation --------------------------------------------------------------------------- */

json_t *schema_label(const json_t *labels, const char *locale)
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
			json_object_set_new(out, "label", schema_label(x, locale));
		else if (!strcmp(k, "help") && json_is_object(x))
			json_object_set_new(out, "help", schema_label(x, locale));
		else
			json_object_set_new(out, k, schema_localize(x, locale));
	}
	return out;
}
