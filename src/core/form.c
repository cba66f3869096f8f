/* form: form definitions and write checks (see form.h). */
#include "form.h"
#include "base/alloc.h"
#include "base/json.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/text.h"
#include "core/cond.h"
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum ftype { T_TEXT, T_TEXTAREA, T_TEXTLIST, T_NUMBER, T_DATE, T_APPROX_DATE, T_SELECT, T_MULTISELECT,
	     T_YESNO, T_LOCATION, T_SUBFORM, T_TICKBOX, T_ATTACHMENT, T_RECORD, T_COUNT };

static const char *const type_names[T_COUNT] = {"text",	       "textarea", "textlist",    "number", "date",
						"approx_date", "select",   "multiselect", "yesno",  "location",
						"subform",     "tickbox",  "attachment",  "record"};

/* Default text limits when a field sets none: a line and a page (a textlist item is a line). */
static const size_t default_max[T_COUNT] = {[T_TEXT] = 500,     [T_TEXTAREA] = 20000,  [T_TEXTLIST] = 200,
					    [T_LOCATION] = 64,  [T_ATTACHMENT] = 64,   [T_RECORD] = 24};
#define MAX_LIST 50 /* items in a textlist */

struct field {
	const char *name; /* borrowed from the definition */
	enum ftype type;
	int required;
	int has_min, has_max;
	double min, max;
	size_t max_length;
	int has_pattern;
	regex_t pattern;
	const json_t *options; /* inline option values, or NULL */
	const char *lookup;
	const json_t *show_if;
	const json_t *sensitive; /* roles that may read it, or NULL */
	const json_t *sensitive_if; /* when set, sensitive only while this holds */
	const json_t *calculated; /* {"when":[{"if":C,"value":V}...]}, or NULL */
	int readonly;             /* set by Haven only (calculated fields are too) */
	int integer;              /* a number must be whole */
	int allow_future;         /* a date may be later than today (due dates, reviews) */
	const char *record_type;  /* a record field: the type of record it names ("case") */
	struct field *sub;       /* subform fields */
	size_t nsub;
};

struct form {
	json_t *def;
	const char *id, *record_type;
	int version, order;
	struct field *fields;
	size_t n;
};

static void fields_free(struct field *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (f[i].has_pattern)
			regfree(&f[i].pattern);
		fields_free(f[i].sub, f[i].nsub);
	}
	free(f);
}

void form_free(struct form *f)
{
	if (!f)
		return;
	fields_free(f->fields, f->n);
	json_decref(f->def);
	free(f);
}

const char *form_id(const struct form *f)
{
	return f->id;
}

int form_version(const struct form *f)
{
	return f->version;
}

const char *form_record_type(const struct form *f)
{
	return f->record_type;
}

int form_order(const struct form *f)
{
	return f->order;
}

const json_t *form_def(const struct form *f)
{
	return f->def;
}

/* ---- loading ------------------------------------------------------------------------------ */

static int load_fields(const json_t *list, struct field **out, size_t *n, int depth, struct err *e);

/* {"when": [{"if": COND, "value": V}, ...]}: the first rule that holds gives the value. */
static int load_calculated(struct field *f, struct err *e)
{
	const json_t *when = json_object_get(f->calculated, "when");
	if (!json_is_object(f->calculated) || json_object_size(f->calculated) != 1 || !json_is_array(when) ||
	    !json_array_size(when))
		return err_set(e, HV_EINVAL, f->name, "calculated must be {\"when\": [{\"if\": ..., \"value\": ...}]}");
	size_t i;
	json_t *rule;
	json_array_foreach(when, i, rule) {
		if (!json_is_object(rule) || json_object_size(rule) != 2 || !json_object_get(rule, "value"))
			return err_set(e, HV_EINVAL, f->name, "each calculated rule has exactly \"if\" and \"value\"");
		if (cond_check(json_object_get(rule, "if"), e))
			return -HV_EINVAL;
	}
	f->readonly = 1;
	return 0;
}

static int load_field(const json_t *d, struct field *f, int depth, struct err *e)
{
	static const char *const keys[] = {"name", "type", "required", "min", "max", "max_length", "pattern",
					   "options", "lookup", "show_if", "sensitive", "sensitive_if", "fields",
					   "labels", "help", "calculated", "readonly", "integer", "allow_future", "record_type",
					   NULL};
	f->name = json_string_value(json_object_get(d, "name"));
	if (!f->name || !*f->name || strspn(f->name, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(f->name))
		return err_set(e, HV_EINVAL, "name", "a field needs a name of lower-case letters, digits and _");
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)d, key, v) {
		int known = 0;
		for (const char *const *k = keys; *k; k++)
			known |= !strcmp(*k, key);
		if (!known)
			return err_set(e, HV_EINVAL, f->name, "unknown member %s in the field definition", key);
	}
	const char *type = json_string_value(json_object_get(d, "type"));
	f->type = T_COUNT;
	for (int t = 0; type && t < T_COUNT; t++)
		if (!strcmp(type, type_names[t]))
			f->type = (enum ftype)t;
	if (f->type == T_COUNT)
		return err_set(e, HV_EINVAL, f->name, "unknown field type");
	f->required = json_is_true(json_object_get(d, "required"));
	json_t *min = json_object_get(d, "min"), *max = json_object_get(d, "max");
	f->has_min = json_is_number(min);
	f->has_max = json_is_number(max);
	f->min = json_number_value(min);
	f->max = json_number_value(max);
	json_t *ml = json_object_get(d, "max_length");
	f->max_length = json_is_integer(ml) && json_integer_value(ml) > 0 ? (size_t)json_integer_value(ml)
									  : default_max[f->type];
	const char *pat = json_string_value(json_object_get(d, "pattern"));
	if (pat) {
		char anchored[600];
		if (strlen(pat) > 500)
			return err_set(e, HV_EINVAL, f->name, "the pattern is too long");
		snprintf(anchored, sizeof anchored, "^(%s)$", pat);
		if (regcomp(&f->pattern, anchored, REG_EXTENDED | REG_NOSUB))
			return err_set(e, HV_EINVAL, f->name, "the pattern is not a valid regular expression");
		f->has_pattern = 1;
	}
	f->options = json_object_get(d, "options");
	f->lookup = json_string_value(json_object_get(d, "lookup"));
	if ((f->type == T_SELECT || f->type == T_MULTISELECT) && !json_is_array(f->options) && !f->lookup)
		return err_set(e, HV_EINVAL, f->name, "a select field needs options or a lookup");
	f->show_if = json_object_get(d, "show_if");
	if (f->show_if && cond_check(f->show_if, e))
		return -HV_EINVAL;
	f->sensitive = json_object_get(d, "sensitive");
	if (f->sensitive && !json_is_array(f->sensitive))
		return err_set(e, HV_EINVAL, f->name, "sensitive lists the roles that may read the field");
	f->sensitive_if = json_object_get(d, "sensitive_if");
	if (f->sensitive_if && (!f->sensitive || cond_check(f->sensitive_if, e)))
		return f->sensitive ? -HV_EINVAL
				    : err_set(e, HV_EINVAL, f->name, "sensitive_if needs the roles in sensitive");
	f->readonly = json_is_true(json_object_get(d, "readonly"));
	f->integer = json_is_true(json_object_get(d, "integer"));
	f->allow_future = json_is_true(json_object_get(d, "allow_future"));
	f->record_type = json_string_value(json_object_get(d, "record_type"));
	if (f->type == T_RECORD && !f->record_type)
		f->record_type = "case";
	f->calculated = json_object_get(d, "calculated");
	if (f->calculated) {
		int rc = load_calculated(f, e);
		if (rc)
			return rc;
	}
	if (f->type == T_SUBFORM) {
		if (depth > 2)
			return err_set(e, HV_EINVAL, f->name, "subforms nest at most two deep");
		return load_fields(json_object_get(d, "fields"), &f->sub, &f->nsub, depth + 1, e);
	}
	return 0;
}

static int load_fields(const json_t *list, struct field **out, size_t *n, int depth, struct err *e)
{
	if (!json_is_array(list) || !json_array_size(list))
		return err_set(e, HV_EINVAL, "fields", "a form or subform needs a list of fields");
	*n = json_array_size(list);
	*out = xcalloc(*n, sizeof **out);
	size_t i;
	json_t *d;
	json_array_foreach(list, i, d) {
		int rc = json_is_object(d) ? load_field(d, &(*out)[i], depth, e)
					   : err_set(e, HV_EINVAL, "fields", "each field is an object");
		/* Name the field that is wrong (its name, or its place), whatever member was; in a
		 * subform, as subform.field. */
		if (rc && e) {
			const char *name = json_string_value(json_object_get(d, "name"));
			struct buf inner = BUF_INIT;
			if ((*out)[i].sub && e->field.len)
				buf_add(&inner, e->field.p, e->field.len);
			buf_reset(&e->field);
			if (name)
				buf_adds(&e->field, name);
			else
				buf_addf(&e->field, "fields[%zu]", i);
			if (inner.len)
				buf_addf(&e->field, ".%s", inner.p);
			buf_release(&inner);
		}
		for (size_t j = 0; !rc && j < i; j++)
			if (!strcmp((*out)[j].name, (*out)[i].name))
				rc = err_set(e, HV_EINVAL, (*out)[i].name, "the field name is used twice");
		if (rc) {
			*n = i + 1;
			return rc;
		}
	}
	return 0;
}

int form_load(const json_t *def, struct form **out, struct err *e)
{
	static const char *const keys[] = {"id", "version", "record_type", "order", "draft", "labels", "help", "fields", NULL};
	if (!json_is_object(def))
		return err_set(e, HV_EINVAL, NULL, "a form definition is an object");
	struct form *f = xcalloc(1, sizeof *f);
	f->def = json_deep_copy(def);
	f->id = json_string_value(json_object_get(f->def, "id"));
	f->record_type = json_string_value(json_object_get(f->def, "record_type"));
	f->version = (int)json_integer_value(json_object_get(f->def, "version"));
	f->order = (int)json_integer_value(json_object_get(f->def, "order"));
	if (!f->record_type)
		f->record_type = "case";
	int rc = json_only_keys(f->def, keys, e);
	if (rc)
		(void)0; /* the member is named in e */
	else if (!f->id || !*f->id || strspn(f->id, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(f->id))
		rc = err_set(e, HV_EINVAL, "id", "a form needs an id of lower-case letters, digits and _");
	else if (f->version < 1)
		rc = err_set(e, HV_EINVAL, "version", "form %s needs a version of 1 or more", f->id);
	else
		rc = load_fields(json_object_get(f->def, "fields"), &f->fields, &f->n, 0, e);
	if (rc) {
		form_free(f);
		return rc;
	}
	*out = f;
	return 0;
}

/* ---- values ------------------------------------------------------------------------------- */

static int has_value(const json_t *v)
{
	return v && !json_is_null(v) && !(json_is_string(v) && !json_string_length(v)) &&
	       !(json_is_array(v) && !json_array_size(v));
}

static int option_ok(const struct formset *fs, const struct field *f, const json_t *v)
{
	const json_t *opts = f->options ? f->options : json_object_get(fs->lookups, f->lookup);
	if (json_is_object(opts)) /* a lookup: {"labels":..., "values":[...]} */
		opts = json_object_get(opts, "values");
	size_t i;
	json_t *o;
	json_array_foreach(opts, i, o) {
		const char *val = json_is_object(o) ? json_string_value(json_object_get(o, "value")) : json_string_value(o);
		if (val && json_is_string(v) && !strcmp(val, json_string_value(v)))
			return 1;
	}
	return 0;
}

static int text_ok(const struct field *f, const json_t *v, const char *path, struct err *e)
{
	if (!json_is_string(v) || !text_valid_utf8(json_string_value(v), json_string_length(v)))
		return err_set(e, HV_EVALID, path, "must be text");
	if (f->max_length && text_codepoints(json_string_value(v)) > f->max_length)
		return err_set(e, HV_EVALID, path, "must be at most %zu characters", f->max_length);
	if (f->has_pattern && regexec(&f->pattern, json_string_value(v), 0, NULL, 0))
		return err_set(e, HV_EVALID, path, "does not have the expected form");
	return 0;
}

static int check_rows(const struct formset *fs, const struct field *f, const json_t *rows, const char *path,
		      int depth, struct err *e);

static int date_ok(const struct field *f, const char *s, const char *path, struct err *e)
{
	int y, m, d;
	if (!f->allow_future)
		return clock_check_date(s, path, e);
	if (!s || clock_parse_date(s, &y, &m, &d))
		return err_set(e, HV_EVALID, path, "must be a date as YYYY-MM-DD");
	return 0;
}

static int value_ok(const struct formset *fs, const struct field *f, const json_t *v, const char *path, int depth,
		    struct err *e)
{
	size_t i;
	json_t *x;
	switch (f->type) {
	case T_LOCATION:
	case T_ATTACHMENT:
	case T_RECORD:
		if (text_ok(f, v, path, e))
			return -HV_EVALID;
		if (fs->ref_known &&
		    !fs->ref_known(fs->ctx, f->type == T_RECORD ? f->record_type : type_names[f->type], json_string_value(v)))
			return err_set(e, HV_EVALID, path, "%s",
				       f->type == T_LOCATION	? "is not a known administrative area"
				       : f->type == T_RECORD	? "is not the display id of a record you can see"
								: "is not a file attached to this record");
		return 0;
	case T_TEXT:
	case T_TEXTAREA:
		return text_ok(f, v, path, e);
	case T_TEXTLIST:
		if (!json_is_array(v) || json_array_size(v) > MAX_LIST)
			return err_set(e, HV_EVALID, path, "must be a list of at most %d texts", MAX_LIST);
		json_array_foreach(v, i, x) {
			int rc = text_ok(f, x, path, e);
			if (rc)
				return rc;
			if (!json_string_length(x))
				return err_set(e, HV_EVALID, path, "must not contain empty entries");
		}
		return 0;
	case T_NUMBER:
		if (!json_is_number(v) || !isfinite(json_number_value(v)))
			return err_set(e, HV_EVALID, path, "must be a number");
		if (f->integer && !json_is_integer(v))
			return err_set(e, HV_EVALID, path, "must be a whole number");
		if (f->has_min && json_number_value(v) < f->min)
			return err_set(e, HV_EVALID, path, "must be at least %g", f->min);
		if (f->has_max && json_number_value(v) > f->max)
			return err_set(e, HV_EVALID, path, "must be at most %g", f->max);
		return 0;
	case T_DATE:
		return date_ok(f, json_string_value(v), path, e);
	case T_APPROX_DATE:
		if (!json_is_object(v) || json_object_size(v) > 2 ||
		    (json_object_get(v, "estimated") && !json_is_boolean(json_object_get(v, "estimated"))) ||
		    json_object_size(v) != 1 + (json_object_get(v, "estimated") != NULL))
			return err_set(e, HV_EVALID, path, "must be {\"value\": date, \"estimated\": true or false}");
		return date_ok(f, json_string_value(json_object_get(v, "value")), path, e);
	case T_SELECT:
		return option_ok(fs, f, v) ? 0 : err_set(e, HV_EVALID, path, "is not one of the options");
	case T_MULTISELECT:
		if (!json_is_array(v))
			return err_set(e, HV_EVALID, path, "must be a list of options");
		json_array_foreach(v, i, x) if (!option_ok(fs, f, x)) return err_set(e, HV_EVALID, path, "holds a value that is not one of the options");
		return 0;
	case T_YESNO:
		if (!json_is_string(v) || (strcmp(json_string_value(v), "yes") && strcmp(json_string_value(v), "no") &&
					   strcmp(json_string_value(v), "unknown")))
			return err_set(e, HV_EVALID, path, "must be yes, no or unknown");
		return 0;
	case T_TICKBOX:
		return json_is_boolean(v) ? 0 : err_set(e, HV_EVALID, path, "must be true or false");
	case T_SUBFORM:
		return check_rows(fs, f, v, path, depth, e);
	case T_COUNT:
		break;
	}
	return err_set(e, HV_EVALID, path, "has an unknown type");
}

static const struct field *find_in(const struct field *fields, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(fields[i].name, name))
			return &fields[i];
	return NULL;
}

void form_index(struct formset *fs)
{
	json_decref(fs->index);
	fs->index = json_object();
	for (size_t i = fs->n; i-- > 0;) /* the first form holding a name wins, as in the scan */
		for (size_t k = 0; k < fs->forms[i]->n; k++)
			json_object_set_new(fs->index, fs->forms[i]->fields[k].name, json_integer((json_int_t)(i << 16 | k)));
}

static const struct field *find(const struct formset *fs, const char *name)
{
	if (fs->index) {
		json_t *at = json_object_get(fs->index, name);
		if (!at)
			return NULL;
		json_int_t v = json_integer_value(at);
		return &fs->forms[v >> 16]->fields[v & 0xffff];
	}
	for (size_t i = 0; i < fs->n; i++) {
		const struct field *f = find_in(fs->forms[i]->fields, fs->forms[i]->n, name);
		if (f)
			return f;
	}
	return NULL;
}

/* A path cut short by its buffer may end inside a UTF-8 character (a long unknown key): drop
 * the partial character, so the error stays valid text. */
static void utf8_cut(char *s)
{
	size_t n = strlen(s), i = n;
	while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i == 0)
		return;
	unsigned char lead = (unsigned char)s[i - 1];
	size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
	if (n - (i - 1) < need)
		s[i - 1] = '\0';
}

/* Members of obj against fields: known, valid, and not set while their condition (evaluated
 * on obj itself) is false. */
static int check_object(const struct formset *fs, const struct field *fields, size_t n, const struct field *(*lookup)(const struct formset *, const char *),
			const json_t *obj, const char *prefix, int depth, struct err *e)
{
	const char *key;
	json_t *v;
	char path[256];
	json_object_foreach((json_t *)obj, key, v) {
		const struct field *f = lookup ? lookup(fs, key) : find_in(fields, n, key);
		snprintf(path, sizeof path, "%s%s", prefix, key);
		utf8_cut(path);
		if (!f && lookup && json_is_null(v))
			continue; /* clearing a value a field removed from the forms left behind */
		if (!f)
			return err_set(e, HV_EVALID, path, "unknown field");
		if (f->readonly)
			return err_set(e, HV_EVALID, path, "is set by Haven and cannot be written");
		if (json_is_null(v))
			continue;
		int rc = value_ok(fs, f, v, path, depth, e);
		if (rc)
			return rc;
	}
	return 0;
}

static int check_rows(const struct formset *fs, const struct field *f, const json_t *rows, const char *path,
		      int depth, struct err *e)
{
	if (!json_is_array(rows))
		return err_set(e, HV_EVALID, path, "must be a list of entries");
	if (json_array_size(rows) > 200)
		return err_set(e, HV_EVALID, path, "may hold at most 200 entries");
	size_t i;
	json_t *row;
	char prefix[320]; /* a path of up to 255 bytes, an index and a name */
	json_array_foreach(rows, i, row) {
		snprintf(prefix, sizeof prefix, "%s[%zu].", path, i);
		utf8_cut(prefix);
		if (!json_is_object(row))
			return err_set(e, HV_EVALID, path, "entry %zu must be an object", i);
		int rc = check_object(fs, f->sub, f->nsub, NULL, row, prefix, depth + 1, e);
		for (size_t k = 0; !rc && k < f->nsub; k++) {
			const struct field *s = &f->sub[k];
			if (s->show_if && has_value(json_object_get(row, s->name)) && !cond_eval(s->show_if, row)) {
				snprintf(prefix, sizeof prefix, "%s[%zu].%s", path, i, s->name);
				utf8_cut(prefix);
				rc = err_set(e, HV_EVALID, prefix, "does not apply here (its condition is not met)");
			}
		}
		if (rc)
			return rc;
	}
	return 0;
}

int form_check_write(const struct formset *fs, const json_t *patch, const json_t *before, const json_t *after,
		     struct err *e)
{
	if (!json_is_object(patch))
		return err_set(e, HV_EVALID, "data", "must be an object");
	int rc = check_object(fs, NULL, 0, find, patch, "", 0, e);
	/* A value whose condition is false in the resulting document is refused when this write
	 * set it or made its condition false: the client clears it (null). A value a later form
	 * version excluded is left alone until someone edits it. */
	for (size_t i = 0; !rc && i < fs->n; i++)
		for (size_t k = 0; !rc && k < fs->forms[i]->n; k++) {
			const struct field *f = &fs->forms[i]->fields[k];
			if (f->show_if && has_value(json_object_get(after, f->name)) && !cond_eval(f->show_if, after) &&
			    (json_object_get(patch, f->name) || cond_eval(f->show_if, before)))
				rc = err_set(e, HV_EVALID, f->name, "does not apply to this record (its condition is not met)");
		}
	return rc;
}

int form_check_complete(const struct formset *fs, const char *id, const json_t *doc, struct err *e)
{
	for (size_t i = 0; i < fs->n; i++) {
		const struct form *fm = fs->forms[i];
		if (strcmp(fm->id, id))
			continue;
		for (size_t k = 0; k < fm->n; k++) {
			const struct field *f = &fm->fields[k];
			if (f->show_if && !cond_eval(f->show_if, doc))
				continue;
			if (f->required && !has_value(json_object_get(doc, f->name)))
				return err_set(e, HV_EVALID, f->name, "is required to complete the %s form", fm->id);
			/* Each entry of a subform has its own required fields (their conditions over the row). */
			size_t r;
			json_t *row;
			json_array_foreach(f->type == T_SUBFORM ? json_object_get(doc, f->name) : NULL, r, row) {
				for (size_t q = 0; q < f->nsub; q++) {
					const struct field *sf = &f->sub[q];
					if (sf->required && !has_value(json_object_get(row, sf->name)) &&
					    (!sf->show_if || cond_eval(sf->show_if, row))) {
						char path[320];
						snprintf(path, sizeof path, "%s[%zu].%s", f->name, r, sf->name);
						return err_set(e, HV_EVALID, path, "is required to complete the %s form", fm->id);
					}
				}
			}
		}
		return 0;
	}
	return err_set(e, HV_ENOTFOUND, "form", "no form %s", id);
}

/* Whether f is restricted for doc: always when sensitive, or only while sensitive_if holds
 * (doc NULL: as if it held — "may this role ever read it"). */
static int restricted(const struct field *f, const json_t *doc)
{
	return f->sensitive && (!f->sensitive_if || !doc || cond_eval(f->sensitive_if, doc));
}

int form_field_restricted(const struct formset *fs, const char *name, const json_t *doc)
{
	const struct field *f = find(fs, name);
	return f && restricted(f, doc);
}

int form_field_readable(const struct formset *fs, const char *name, const char *role, const json_t *doc)
{
	const struct field *f = find(fs, name);
	return !f || !restricted(f, doc) || json_array_has_str(f->sensitive, role);
}

int form_filter(const struct formset *fs, json_t *doc, const char *role, json_t *hidden)
{
	int n = 0;
	json_t *orig = json_copy(doc); /* conditions see the whole record, not what is left */
	/* A value a field removed from the forms left behind has no rule saying who may read it:
	 * nobody does, until the field comes back (it stays stored). */
	const char *key;
	json_t *v;
	void *tmp;
	json_object_foreach_safe(doc, tmp, key, v) {
		if (!find(fs, key) && strcmp(key, "age")) {
			if (hidden)
				json_array_append_new(hidden, json_string(key));
			n += !json_object_del(doc, key);
		}
	}
	for (size_t i = 0; i < fs->n; i++)
		for (size_t k = 0; k < fs->forms[i]->n; k++) {
			const struct field *f = &fs->forms[i]->fields[k];
			if (!restricted(f, orig) || json_array_has_str(f->sensitive, role))
				continue;
			if (json_object_get(doc, f->name) && hidden)
				json_array_append_new(hidden, json_string(f->name));
			n += !json_object_del(doc, f->name);
		}
	json_decref(orig);
	return n;
}

void form_calculate(const struct formset *fs, json_t *doc, json_t *view)
{
	for (size_t i = 0; i < fs->n; i++)
		for (size_t k = 0; k < fs->forms[i]->n; k++) {
			const struct field *f = &fs->forms[i]->fields[k];
			if (!f->calculated)
				continue;
			json_t *value = NULL, *rule;
			size_t r;
			json_array_foreach(json_object_get(f->calculated, "when"), r, rule) {
				if (cond_eval(json_object_get(rule, "if"), view)) {
					value = json_object_get(rule, "value");
					break;
				}
			}
			if (value) {
				json_object_set(doc, f->name, value);
				json_object_set(view, f->name, value);
			} else {
				json_object_del(doc, f->name);
				json_object_del(view, f->name);
			}
		}
}

int form_has_field(const struct formset *fs, const char *name)
{
	return find(fs, name) != NULL;
}

/* Record fields among fields over obj (and in the rows of its subforms). */
static void each_ref(const struct field *fields, size_t n, const json_t *obj, const char *top,
		     void (*fn)(void *, const char *, const char *, const char *), void *ctx)
{
	for (size_t i = 0; i < n; i++) {
		const struct field *f = &fields[i];
		const json_t *v = json_object_get(obj, f->name);
		if (f->type == T_RECORD && json_is_string(v))
			fn(ctx, f->record_type, json_string_value(v), top ? top : f->name);
		size_t r;
		json_t *row;
		if (f->type == T_SUBFORM)
			json_array_foreach(v, r, row) each_ref(f->sub, f->nsub, row, top ? top : f->name, fn, ctx);
	}
}

void form_each_record_ref(const struct formset *fs, const json_t *doc,
			  void (*fn)(void *ctx, const char *type, const char *display_id, const char *field), void *ctx)
{
	for (size_t i = 0; i < fs->n; i++)
		each_ref(fs->forms[i]->fields, fs->forms[i]->n, doc, NULL, fn, ctx);
}

const char *form_field_type(const struct formset *fs, const char *name)
{
	const struct field *f = find(fs, name);
	return f ? type_names[f->type] : NULL;
}

int form_keep(const struct formset *fs, json_t *doc, const json_t *form_ids)
{
	json_t *keep = json_object();
	size_t i, k;
	json_t *id;
	json_array_foreach(form_ids, i, id) {
		for (k = 0; k < fs->n; k++)
			if (json_is_string(id) && !strcmp(fs->forms[k]->id, json_string_value(id)))
				for (size_t f = 0; f < fs->forms[k]->n; f++)
					json_object_set_new(keep, fs->forms[k]->fields[f].name, json_true());
	}
	const char *key;
	json_t *v, *tmp;
	int removed = 0;
	json_object_foreach_safe(doc, tmp, key, v) {
		if (!json_object_get(keep, key)) {
			json_object_del(doc, key);
			removed++;
		}
	}
	json_decref(keep);
	return removed;
}
