/* forms: the configuration API — forms in the user's language for rendering, lookups,
 * administrative areas, and the administrator's edits of forms, lookups and workflows, which
 * are checked as a whole configuration, audited, and applied at once. The route's type
 * (r->rtype) is the kind of document: form, lookup or workflow. */
#include "api.h"
#include "base/clock.h"
#include "base/json.h"
#include "core/perm.h"
#include "core/schema.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The lookups the fields of forms name (subform rows included), localised. */
static void used_lookups(const json_t *fields, const json_t *all, const char *locale, json_t *out)
{
	size_t i;
	json_t *f;
	json_array_foreach(fields, i, f) {
		const char *name = json_string_value(json_object_get(f, "lookup"));
		if (name && !json_object_get(out, name) && json_object_get(all, name))
			json_object_set_new(out, name, schema_localize(json_object_get(all, name), locale));
		used_lookups(json_object_get(f, "fields"), all, locale, out);
	}
}

int api_forms_list(struct req *r)
{
	const char *type = r->query(r->conn, "record_type"), *locale;
	if (!type)
		type = "case";
	if (!schema_record_type_valid(type))
		return api_fail(r, HV_EVALID, "record_type", "must be case, family, incident or tracing_request");
	int rc = api_locale(r, &locale);
	if (rc)
		return rc;
	const struct schema *s = r->conf->schema;
	const struct formset *fs = schema_formset(s, type);
	const struct workflow *wf = schema_workflow(s, type);
	json_t *forms = json_array(), *lookups = json_object();
	for (size_t i = 0; fs && i < fs->n; i++) {
		const json_t *def = form_def(fs->forms[i]);
		json_array_append_new(forms, schema_localize(def, locale));
		used_lookups(json_object_get(def, "fields"), schema_lookups(s), locale, lookups);
	}
	return api_reply(r, 200, json_pack("{s:s,s:s,s:o,s:o,s:o}", "record_type", type, "locale", locale, "forms",
					   forms, "lookups", lookups, "workflow",
					   wf ? schema_localize(workflow_def(wf), locale) : json_null()));
}

int api_lookups_list(struct req *r)
{
	const char *locale;
	int rc = api_locale(r, &locale);
	return rc ? rc : api_reply(r, 200, json_pack("{s:s,s:o}", "locale", locale, "lookups",
						       schema_localize(schema_lookups(r->conf->schema), locale)));
}

static json_t *location_json(const struct location *l, const char *locale)
{
	json_t *names = json_loads(l->names, 0, NULL);
	json_t *out = json_pack("{s:s,s:i,s:s,s:o}", "pcode", l->pcode, "level", l->level, "parent", l->parent, "name",
				schema_label(names, locale));
	json_decref(names);
	return out;
}

static int pcode_ok(const char *s)
{
	return strlen(s) < 32 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == strlen(s);
}

/* ?parent=P: the areas under P (none: the top level); ?pcode=P: P and its ancestors, the
 * country first, to show a stored p-code as "Region › District". */
int api_locations_list(struct req *r)
{
	const char *parent = r->query(r->conn, "parent"), *pcode = r->query(r->conn, "pcode"), *locale;
	int rc = api_locale(r, &locale);
	if (rc)
		return rc;
	if (parent && !pcode_ok(parent))
		return api_fail(r, HV_EVALID, "parent", "must be a p-code");
	if (pcode && (!*pcode || !pcode_ok(pcode)))
		return api_fail(r, HV_EVALID, "pcode", "must be a p-code");
	struct location *l;
	size_t n;
	if (pcode ? store_location_chain(r->st, pcode, &l, &n) : store_location_list(r->st, parent ? parent : "", &l, &n))
		return api_fail(r, HV_EIO, NULL, "storage error");
	if (pcode && !n) {
		location_list_free(l, n);
		return api_fail(r, HV_ENOTFOUND, "pcode", "no such area");
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) /* a chain is shown from the country down */
		json_array_append_new(items, location_json(&l[pcode ? n - 1 - i : i], locale));
	location_list_free(l, n);
	return api_reply(r, 200, json_pack("{s:o}", "items", items));
}

/* ---- raw documents and the administrator's edits ----------------------------------------- */

static int reply_doc(struct req *r, int status, const struct config_doc *d)
{
	json_t *body = json_loads(d->body, 0, NULL);
	snprintf(r->etag, sizeof r->etag, "\"%lld\"", (long long)d->version);
	return api_reply(r, status, json_pack("{s:s,s:s,s:I,s:o,s:b,s:o}", "kind", d->kind, "name", d->name, "version",
					      (json_int_t)d->version, "updated_at", api_time(d->updated_at), "edited",
					      strcmp(d->body, d->shipped) != 0, "definition", body ? body : json_null()));
}

static int name_ok(const char *name)
{
	return name && *name && strlen(name) < 64 && strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(name);
}

int api_config_get(struct req *r)
{
	struct config_doc d;
	if (!name_ok(r->params[0]) || store_config_get(r->st, r->rtype, r->params[0], &d))
		return api_fail(r, HV_ENOTFOUND, NULL, "no such %s", r->rtype);
	int rc = reply_doc(r, 200, &d);
	config_doc_release(&d);
	return rc;
}

/* The member of a definition that names it: forms by id, lookups by name, workflows by the
 * record type they drive. */
static const char *name_key(const struct req *r)
{
	return !strcmp(r->rtype, "form") || !strcmp(r->rtype, "screening") ? "id"
	       : !strcmp(r->rtype, "lookup")				    ? "name"
									    : "record_type";
}

static const char *doc_name(const struct req *r, const json_t *def)
{
	return json_string_value(json_object_get(def, name_key(r)));
}

/* A definition the configuration refuses is the client's error (422), whatever its cause. */
static int invalid(struct req *r)
{
	r->err.code = HV_EVALID; /* the message and field stay as the check wrote them */
	return -HV_EVALID;
}

/* Stores def as name (expected version 0: new) and checks the whole configuration still
 * builds; commits, audits, and installs the new configuration for every later request. */
static int save(struct req *r, const char *name, json_t *def, int64_t expected)
{
	struct config_doc d = {0}, cur = {0};
	snprintf(d.kind, sizeof d.kind, "%s", r->rtype);
	snprintf(d.name, sizeof d.name, "%s", name);
	d.body = json_canonical(def);
	d.updated_at = clock_now();
	snprintf(d.updated_by, sizeof d.updated_by, "%s", r->user.id);
	struct audit_tx *tx = NULL;
	struct schema *s = NULL;
	int64_t gen = 0;
	int rc = strcmp(r->rtype, "form") || !conf_roles_known(def, &r->err) ? 0 : invalid(r);
	if (!rc)
		rc = api_tx_begin(r);
	if (!rc && expected && !store_config_get(r->st, r->rtype, name, &cur)) {
		d.shipped = cur.shipped; /* keep what it was shipped as, so migrate sees the edit */
		cur.shipped = NULL;
	}
	if (!rc)
		rc = store_config_put(r->st, &d, expected, &r->err);
	if (rc == -HV_ECONFLICT)
		rc = api_fail(r, HV_ECONFLICT, NULL, "a %s named %s exists already", r->rtype, name);
	if (!rc && (rc = conf_build(r->st, &s, &r->err)) && r->err.code != HV_EIO)
		rc = invalid(r);
	if (!rc)
		gen = store_config_generation(r->st);
	if (!rc)
		rc = api_tx_audit(r, &tx, expected ? "config.update" : "config.create", r->rtype, name, NULL);
	rc = api_tx_end(r, rc, tx);
	if (!rc) {
		conf_install(s, gen);
		s = NULL;
		config_doc_release(&cur);
		rc = store_config_get(r->st, r->rtype, name, &cur) ? api_fail(r, HV_EIO, NULL, "storage error")
								     : reply_doc(r, expected ? 200 : 201, &cur);
	}
	schema_free(s);
	free(d.body);
	free(d.shipped);
	config_doc_release(&cur);
	return rc;
}

static int admin_body(struct req *r, json_t **def)
{
	if (!perm_allows(&r->user, "config.manage"))
		return api_fail(r, HV_EFORBID, NULL, "only administrators change forms, lookups and workflows");
	return api_body(r, def);
}

int api_config_create(struct req *r)
{
	json_t *def;
	int rc = admin_body(r, &def);
	if (rc)
		return rc;
	const char *name = doc_name(r, def);
	if (!name_ok(name))
		rc = api_fail(r, HV_EVALID, name_key(r), "must be lower-case letters, digits and _ (at most 63)");
	if (!rc)
		rc = save(r, name, def, 0);
	json_decref(def);
	return rc;
}

int api_config_put(struct req *r)
{
	int64_t expected;
	int rc = api_if_match(r, &expected);
	if (rc)
		return rc;
	json_t *def;
	rc = admin_body(r, &def);
	if (rc)
		return rc;
	struct config_doc cur;
	const char *name = doc_name(r, def);
	if (!name_ok(r->params[0]) || store_config_get(r->st, r->rtype, r->params[0], &cur))
		rc = api_fail(r, HV_ENOTFOUND, NULL, "no such %s", r->rtype);
	else
		config_doc_release(&cur);
	if (!rc && (!name || strcmp(name, r->params[0])))
		rc = api_fail(r, HV_EVALID, name_key(r), "must match the address (%s)", r->params[0]);
	if (!rc && !strcmp(r->rtype, "form"))
		json_object_set_new(def, "version", json_integer(expected + 1)); /* the definition says what it is */
	if (!rc)
		rc = save(r, r->params[0], def, expected);
	json_decref(def);
	return rc;
}
