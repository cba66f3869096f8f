/* records: the record API, one implementation for every record type (cases, families,
 * incidents, tracing requests) — create, read, merge-patch with optimistic locking, soft
 * delete, list and search, notes, assignment and change history. Every write is checked
 * against the type's forms; every read leaves out the fields the user's role may not see and
 * is audited with the record ids it returned. */
#include "records.h"
#include "base/alloc.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/text.h"
#include "core/id.h"
#include "core/perm.h"
#include "core/record.h"
#include "core/schema.h"
#include "sec/token.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- record types ------------------------------------------------------------------------ */

static const char *const case_summary[] = {"name_first", "name_last", "sex", "risk_level", NULL};
static const char *const family_summary[] = {"family_name", NULL};
static const char *const incident_summary[] = {"inc_date", "inc_types", NULL};
/* The inquirer, and the children sought by name (how many, and who). */
static const char *const tracing_summary[] = {"inq_name", "tr_children.name_first", "tr_children.name_last", NULL};

static const struct rtype {
	const char *type, *noun;
	/* The fields a list shows; "rows.field" puts in the subform's rows, each with only the
	 * fields named so. */
	const char *const *summary;
} rtypes[] = {
	{"case", MSG("case"), case_summary},
	{"family", MSG("family record"), family_summary},
	{"incident", MSG("incident"), incident_summary},
	{"tracing_request", MSG("tracing request"), tracing_summary},
};

static const struct rtype *rtype(const struct req *r)
{
	for (size_t i = 0; i < sizeof rtypes / sizeof *rtypes; i++)
		if (!strcmp(rtypes[i].type, r->rtype))
			return &rtypes[i];
	BUG("a record route names an unknown record type");
}

const char *records_noun(const struct req *r)
{
	return err_tr(rtype(r)->noun);
}

/* "case.read", "family.update": the permission and audit action for a verb on this type. */
const char *records_action(struct req *r, const char *verb)
{
	snprintf(r->action, sizeof r->action, "%s.%s", r->rtype, verb);
	return r->action;
}

const struct formset *records_formset(const struct req *r)
{
	return schema_formset(r->conf->schema, r->rtype);
}

/* ---- loading with access control --------------------------------------------------------- */

/* Whether scope sc covers rec; assignees are read only when they can matter. */
static int covers(struct req *r, const struct scope *sc, const struct record *rec)
{
	if (sc->kind != SCOPE_ASSIGNED || !strcmp(rec->owner_id, sc->user_id))
		return perm_covers(sc, rec, NULL, 0);
	struct userref *as;
	size_t n;
	if (store_assignees_get(r->st, rec->id, &as, &n))
		return 0;
	const char **ids = xcalloc(n + 1, sizeof *ids);
	for (size_t i = 0; i < n; i++)
		ids[i] = as[i].id;
	int ok = perm_covers(sc, rec, ids, n);
	free(ids);
	free(as);
	return ok;
}

/* Finds the case r->params[0] if r->user may perform action on it; -HV_ENOTFOUND otherwise,
 * without an error message. *reason gets a break-glass reason when the role needs one. */
static int find(struct req *r, const char *verb, struct record *rec, const char **reason)
{
	struct scope sc;
	char action[48];
	snprintf(action, sizeof action, "%s.%s", r->rtype, verb);
	int need_reason = 0;
	const char *id = r->params[0];
	*reason = NULL;
	memset(rec, 0, sizeof *rec);
	if (!token_is_uuid(id) || perm_scope(&r->user, action, &sc, &need_reason))
		return -HV_ENOTFOUND;
	if (need_reason) {
		/* The reason is percent-encoded UTF-8, so any language fits in a header. */
		const char *why = r->header(r->conn, "X-Access-Reason");
		buf_reset(&r->reason);
		if (!why || text_percent_decode(why, &r->reason) || strspn(r->reason.p, " \t") == r->reason.len)
			return -HV_ENOTFOUND;
		*reason = r->reason.p;
	}
	if (store_record_get(r->st, id, rec) || strcmp(rec->type, r->rtype) || !covers(r, &sc, rec)) {
		record_release(rec);
		return -HV_ENOTFOUND;
	}
	return 0;
}

int records_load(struct req *r, const char *verb, struct record *rec, const char **reason)
{
	return find(r, verb, rec, reason) ? api_fail(r, HV_ENOTFOUND, NULL, "no such %s", records_noun(r)) : 0;
}

int records_load_for(struct req *r, const char *verb, struct record *rec, const char **reason)
{
	if (!find(r, verb, rec, reason))
		return 0;
	int rc = records_load(r, "read", rec, reason);
	record_release(rec);
	return rc ? rc : api_fail(r, HV_EFORBID, NULL, "your role may not do this to this %s", records_noun(r));
}

int records_load_id(struct req *r, const char *id, const char *verb, struct record *rec, const char **reason)
{
	const char *saved = r->params[0];
	r->params[0] = id;
	int rc = strcmp(verb, "read") ? records_load_for(r, verb, rec, reason) : records_load(r, verb, rec, reason);
	r->params[0] = saved;
	return rc;
}

int records_reload(struct req *r, struct record *rec)
{
	char id[ID_LEN];
	snprintf(id, sizeof id, "%s", rec->id);
	record_release(rec);
	return store_record_get(r->st, id, rec) ? api_fail(r, HV_EIO, NULL, "storage error") : 0;
}

int records_may(struct req *r, const char *verb, const struct record *rec)
{
	struct scope sc;
	int reason;
	char action[48];
	snprintf(action, sizeof action, "%s.%s", r->rtype, verb);
	return !perm_scope(&r->user, action, &sc, &reason) && !reason && covers(r, &sc, rec);
}

/* ---- JSON shapes ------------------------------------------------------------------------- */

/* The document as this user may see it: derived values in, fields the role may not read out
 * (their names appended to hidden, when given). doc is the parsed document when the caller
 * has it (a write): parsing a large one again costs more than the rest of the reply. */
static json_t *visible_data(struct req *r, const struct record *rec, const json_t *doc, json_t *hidden)
{
	json_t *data = record_output(doc ? json_copy((json_t *)doc) : json_loads(rec->data, 0, NULL));
	const struct formset *fs = records_formset(r);
	if (fs)
		form_filter(fs, data, r->user.role, hidden);
	return data;
}

static json_t *pending_approvals(struct req *r, const struct record *rec)
{
	struct approval *a;
	size_t n;
	json_t *out = json_array();
	if (store_approval_list(r->st, rec->id, &a, &n))
		return out;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(a[i].status, "pending"))
			json_array_append_new(out, json_pack("{s:s,s:s,s:s,s:o}", "id", a[i].id, "kind", a[i].kind, "to",
							     a[i].to_stage, "requested_at", api_time(a[i].requested_at)));
	approval_list_free(a, n);
	return out;
}

/* Whether the user may read record id (of any type) without break-glass. */
static int readable(struct req *r, const char *id)
{
	struct record rec;
	struct scope sc;
	int need_reason = 0;
	char action[48];
	if (store_record_get(r->st, id, &rec))
		return 0;
	snprintf(action, sizeof action, "%s.read", rec.type);
	int ok = !rec.deleted && !perm_scope(&r->user, action, &sc, &need_reason) && !need_reason && covers(r, &sc, &rec);
	record_release(&rec);
	return ok;
}

static int link_field_readable(struct req *r, const char *type, const char *field)
{
	const struct formset *fs = schema_formset(r->conf->schema, type);
	return fs && form_has_field(fs, field) && form_field_readable(fs, field, r->user.role, NULL);
}

/* The records this one links to and that link to it (a family and its children's cases),
 * as far as the user may read them: a link to a record they cannot see is not shown. */
static json_t *links_json(struct req *r, const struct record *rec)
{
	json_t *out = json_object();
	for (int incoming = 0; incoming < 2; incoming++) {
		struct record_link *l;
		size_t n;
		json_t *list = json_array();
		if (!store_links_list(r->st, rec->id, incoming, &l, &n)) {
			/* The field holding an outgoing link is this record's; an incoming one, the other's. */
			for (size_t i = 0; i < n; i++)
				if (link_field_readable(r, incoming ? l[i].type : rec->type, l[i].field) && readable(r, l[i].id))
					json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s}", "id", l[i].id, "display_id",
									      l[i].display_id, "type", l[i].type, "field", l[i].field));
			free(l);
		}
		json_object_set_new(out, incoming ? "from" : "to", list);
	}
	return out;
}

/* Keeps the record_links rows of rec in step with the record fields of doc (already checked:
 * each names a record the user can see). */
struct link_acc {
	struct req *r;
	struct record_link *v;
	size_t n;
};

static void add_link(void *ctx, const char *type, const char *display_id, const char *field)
{
	struct link_acc *a = ctx;
	struct record to;
	if (store_record_by_display_id(a->r->st, display_id, &to))
		return;
	if (!strcmp(to.type, type)) {
		a->v = xreallocarray(a->v, a->n + 1, sizeof *a->v);
		memset(&a->v[a->n], 0, sizeof *a->v);
		snprintf(a->v[a->n].id, sizeof a->v[a->n].id, "%s", to.id);
		snprintf(a->v[a->n].field, sizeof a->v[a->n].field, "%s", field);
		a->n++;
	}
	record_release(&to);
}

static int sync_links(struct req *r, const struct record *rec, const json_t *doc)
{
	const struct formset *fs = records_formset(r);
	struct link_acc a = {r, NULL, 0};
	if (fs)
		form_each_record_ref(fs, doc, add_link, &a);
	int rc = store_links_set(r->st, rec->id, a.v, a.n);
	free(a.v);
	return rc ? api_fail(r, HV_EIO, NULL, "storage error") : 0;
}

/* The notices the record's workflow shows while their condition holds on the whole record
 * (e.g. "victim: the non-punishment principle applies"), in the reader's language. */
json_t *records_notices(struct req *r, const json_t *full)
{
	const struct workflow *wf = schema_workflow(r->conf->schema, r->rtype);
	json_t *out = json_array();
	if (!wf)
		return out;
	json_t *held = workflow_notices(wf, full);
	size_t i;
	json_t *n;
	json_array_foreach(held, i, n) json_array_append_new(out, json_pack("{s:s,s:o}", "id", json_string_value(json_object_get(n, "id")), "message", schema_label(json_object_get(n, "labels"), r->locale ? r->locale : "en")));
	json_decref(held);
	return out;
}

static json_t *case_json(struct req *r, const struct record *rec, const json_t *doc)
{
	json_t *hidden = json_array();
	/* The whole record for the notices, then the part this reader may see. */
	json_t *full = record_output(doc ? json_copy((json_t *)doc) : json_loads(rec->data, 0, NULL));
	json_t *notices = records_notices(r, full);
	json_t *data = visible_data(r, rec, full, hidden);
	json_decref(full);
	struct userref *as;
	size_t n;
	json_t *assigned = json_array();
	if (!store_assignees_get(r->st, rec->id, &as, &n)) {
		for (size_t i = 0; i < n; i++)
			json_array_append_new(assigned, api_userref_json(&as[i]));
		free(as);
	}
	json_t *access = json_pack("{s:b,s:b,s:b}", "can_edit", records_may(r, "update", rec), "can_assign",
				   records_may(r, "assign", rec), "can_note", records_may(r, "note", rec));
	json_t *versions = json_loads(rec->form_versions ? rec->form_versions : "{}", 0, NULL);
	return json_pack("{s:s,s:s,s:s,s:I,s:o,s:o,s:o,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id", rec->id,
			 "type", rec->type, "display_id", rec->display_id, "version", (json_int_t)rec->version, "owner",
			 api_userref(r, rec->owner_id), "agency", api_agencyref(r, rec->agency_id), "assigned", assigned,
			 "status", rec->status, "stage", rec->stage, "created_by", rec->created_by, "created_at",
			 api_time(rec->created_at), "updated_at", api_time(rec->updated_at), "data", data,
			 "hidden_fields", hidden, "form_versions", versions ? versions : json_object(),
			 "pending_approvals", pending_approvals(r, rec), "access", access, "notices", notices, "links",
			 links_json(r, rec));
}

static json_t *summary_json(struct req *r, const struct record *rec)
{
	json_t *hidden = json_array();
	json_t *full = visible_data(r, rec, NULL, hidden);
	json_t *data = json_object();
	for (const char *const *f = rtype(r)->summary; *f; f++) {
		const char *dot = strchr(*f, '.');
		if (!dot) {
			if (json_object_get(full, *f))
				json_object_set(data, *f, json_object_get(full, *f));
			continue;
		}
		/* A subform's rows, each reduced to the summary's fields of them (one row per entry,
		 * so the list also tells how many there are). */
		char name[64];
		snprintf(name, sizeof name, "%.*s", (int)(dot - *f), *f);
		json_t *rows = json_object_get(full, name), *row;
		if (!json_is_array(rows))
			continue;
		json_t *out = json_object_get(data, name);
		if (!out) {
			out = json_array();
			for (size_t i = 0; i < json_array_size(rows); i++)
				json_array_append_new(out, json_object());
			json_object_set_new(data, name, out);
		}
		size_t i;
		json_array_foreach(rows, i, row) {
			json_t *v = json_object_get(row, dot + 1);
			if (v && json_is_object(json_array_get(out, i)))
				json_object_set(json_array_get(out, i), dot + 1, v);
		}
	}
	if (json_object_get(full, "age"))
		json_object_set(data, "age", json_object_get(full, "age"));
	json_decref(full);
	return json_pack("{s:s,s:s,s:I,s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "id", rec->id, "display_id", rec->display_id,
			 "version", (json_int_t)rec->version, "status", rec->status, "stage", rec->stage, "owner",
			 api_userref(r, rec->owner_id), "agency", api_agencyref(r, rec->agency_id), "updated_at",
			 api_time(rec->updated_at), "data", data, "hidden_fields", hidden);
}

static int reply_doc(struct req *r, int status, const struct record *rec, const json_t *doc)
{
	snprintf(r->etag, sizeof r->etag, "\"%lld\"", (long long)rec->version);
	return api_reply(r, status, case_json(r, rec, doc));
}

int records_reply(struct req *r, int status, const struct record *rec)
{
	return reply_doc(r, status, rec, NULL);
}

/* ---- writes ------------------------------------------------------------------------------ */

/* Parses {"data":{...}}; the forms check the data once it is applied (apply_write). */
static int data_body(struct req *r, json_t **body, json_t **data)
{
	static const char *const keys[] = {"data", NULL};
	int rc = api_body(r, body);
	if (rc)
		return rc;
	*data = json_object_get(*body, "data");
	rc = json_only_keys(*body, keys, &r->err);
	if (!rc && !json_is_object(*data))
		rc = api_fail(r, HV_EVALID, "data", "is required and must be an object");
	if (rc)
		json_decref(*body);
	return rc;
}

/* One history row per changed top-level field, values as JSON (null when absent). */
static int history_diff(struct req *r, const struct record *rec, json_t *before, json_t *after, const char *action)
{
	json_t *keys = json_object();
	const char *k;
	json_t *v;
	json_object_foreach(before, k, v) json_object_set_new(keys, k, json_true());
	json_object_foreach(after, k, v) json_object_set_new(keys, k, json_true());
	int rc = 0;
	json_object_foreach(keys, k, v) {
		char *o = json_object_get(before, k) ? json_canonical(json_object_get(before, k)) : NULL;
		char *n = json_object_get(after, k) ? json_canonical(json_object_get(after, k)) : NULL;
		if (!rc && (!o || !n || strcmp(o, n)))
			rc = store_history_insert(r->st, rec->id, rec->updated_at, r->user.id, action, k, o, n);
		free(o);
		free(n);
	}
	json_decref(keys);
	return rc ? api_fail(r, HV_EIO, NULL, "storage error") : 0;
}

struct refs {
	struct req *r;
	const char *record_id;
};

/* A record named by its display id: one of that type the user may read (no break-glass), so
 * a link can neither point at a record nor probe for one the user cannot see. */
static int record_visible(struct req *r, const char *type, const char *display_id)
{
	struct record rec;
	struct scope sc;
	int need_reason = 0;
	char action[48];
	snprintf(action, sizeof action, "%s.read", type);
	if (perm_scope(&r->user, action, &sc, &need_reason) || need_reason ||
	    store_record_by_display_id(r->st, display_id, &rec))
		return 0;
	int ok = !strcmp(rec.type, type) && !rec.deleted && covers(r, &sc, &rec);
	record_release(&rec);
	return ok;
}

/* A location is a known area; an attachment a file uploaded to this record; a record field
 * names a record the user can see. */
static int ref_known(void *ctx, const char *type, const char *value)
{
	struct refs *x = ctx;
	/* A link the record already holds stays valid for someone who cannot see its target, so
	 * they can still save the rest of the subform. */
	if (schema_record_type_valid(type))
		return record_visible(x->r, type, value) || store_link_exists(x->r->st, x->record_id, value);
	if (!strcmp(type, "location")) {
		struct location l;
		if (store_location_get(x->r->st, value, &l))
			return 0;
		free(l.names);
		return 1;
	}
	struct attachment a;
	return token_is_uuid(value) && !store_attachment_get(x->r->st, value, &a, 0) && !strcmp(a.record_id, x->record_id);
}

/* Applies patch to doc (whose stored form is before), fills the calculated fields and checks
 * the write against the forms; then derives the record's columns (search keys, whether the
 * name is hidden, the form versions). 422 naming the field. */
static int apply_write(struct req *r, struct record *rec, const json_t *before, json_t *doc, const json_t *patch)
{
	const struct formset *shared = records_formset(r);
	if (!shared)
		return api_fail(r, HV_EINTERNAL, NULL, "no forms are configured for %s records", r->rtype);
	struct formset local = *shared, *fs = &local;
	struct refs refs = {r, rec->id};
	local.ref_known = ref_known;
	local.ctx = &refs;
	record_apply(doc, patch);
	/* Conditions see the record as a person does, with the derived age. */
	/* Shallow copies: the views only gain top-level members (age, calculated fields). */
	json_t *was = record_output(json_copy((json_t *)before)), *now = record_output(json_copy(doc));
	form_calculate(fs, doc, now);
	int rc = form_check_write(fs, patch, was, now, &r->err);
	/* A role may fill in a field it cannot read (a screener notes where the child is), but not
	 * change or clear a value it never saw. */
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)patch, key, v) {
		if (!rc && json_object_get(before, key) && !form_field_readable(fs, key, r->user.role, was))
			rc = api_fail(r, HV_EFORBID, key, "your role may not change a value it cannot see");
	}
	if (!rc) {
		rec->name_hidden = form_field_restricted(fs, "name_first", now);
		record_derive(rec, doc, rec->name_hidden);
		free(rec->form_versions);
		json_t *versions = schema_form_versions(r->conf->schema, r->rtype);
		rec->form_versions = json_dumps(versions, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(versions);
	}
	json_decref(was);
	json_decref(now);
	return rc;
}

int records_prepare(struct req *r, const json_t *data, struct record *rec, json_t **doc)
{
	struct agency a;
	memset(rec, 0, sizeof *rec);
	*doc = json_object();
	if (store_agency_get(r->st, r->user.agency_id, &a))
		return api_fail(r, HV_EIO, NULL, "storage error");
	const struct workflow *wf = schema_workflow(r->conf->schema, r->rtype);
	token_uuid(rec->id);
	snprintf(rec->type, sizeof rec->type, "%s", r->rtype);
	snprintf(rec->status, sizeof rec->status, "open");
	snprintf(rec->stage, sizeof rec->stage, "%s", wf ? workflow_initial(wf) : "");
	snprintf(rec->owner_id, sizeof rec->owner_id, "%s", r->user.id);
	snprintf(rec->created_by, sizeof rec->created_by, "%s", r->user.id);
	snprintf(rec->agency_id, sizeof rec->agency_id, "%s", r->user.agency_id);
	rec->version = 1;
	rec->created_at = rec->updated_at = clock_now();
	id_display_new(a.code, rec->display_id);
	json_t *empty = json_object();
	int rc = apply_write(r, rec, empty, *doc, data);
	json_decref(empty);
	return rc;
}

int records_insert(struct req *r, struct record *rec, const json_t *doc)
{
	int rc;
	/* A display id collision is rare (2^30 per agency); draw again rather than fail. */
	for (int tries = 0;; tries++) {
		rc = store_record_insert(r->st, rec, NULL);
		if (rc != -HV_ECONFLICT || tries == 8)
			break;
		char code[8];
		snprintf(code, sizeof code, "%.*s", (int)strcspn(rec->display_id, "-"), rec->display_id);
		id_display_new(code, rec->display_id);
		record_derive(rec, doc, rec->name_hidden); /* the search key holds the display id */
	}
	if (rc)
		return r->err.code ? rc : api_fail(r, HV_EIO, NULL, "could not save; nothing was changed");
	json_t *empty = json_object();
	rc = history_diff(r, rec, empty, (json_t *)doc, "create");
	if (!rc)
		rc = sync_links(r, rec, doc);
	if (!rc)
		rc = records_tasks_sync(r, rec, empty, doc, rec->stage);
	json_decref(empty);
	return rc;
}

int records_event(struct req *r, const char *record_id, const char *action, const char *field, json_t *what)
{
	char *text = json_dumps(what, JSON_COMPACT | JSON_SORT_KEYS);
	int rc = store_history_insert(r->st, record_id, clock_now(), r->user.id, action, field, NULL, text);
	free(text);
	json_decref(what);
	return rc ? api_fail(r, HV_EIO, NULL, "storage error") : 0;
}

int records_write_derived(struct req *r, struct record *rec, const json_t *values, const char *action)
{
	json_t *before = json_loads(rec->data, 0, NULL), *doc = json_deep_copy(before);
	record_apply(doc, values);
	int rc = 0;
	if (!json_equal(before, doc)) {
		int64_t expected = rec->version;
		rec->version++;
		rec->updated_at = clock_now();
		record_derive(rec, doc, rec->name_hidden);
		rc = store_record_update(r->st, rec, expected, &r->err);
		if (!rc)
			rc = history_diff(r, rec, before, doc, action);
	}
	json_decref(before);
	json_decref(doc);
	return rc;
}

int api_cases_create(struct req *r)
{
	struct scope sc;
	if (perm_scope(&r->user, records_action(r, "create"), &sc, NULL))
		return api_fail(r, HV_EFORBID, NULL, "your role may not register a %s", records_noun(r));
	json_t *body, *data, *doc = NULL;
	int rc = data_body(r, &body, &data);
	if (rc)
		return rc;
	struct record rec;
	struct audit_tx *tx = NULL;
	rc = records_prepare(r, data, &rec, &doc);
	if (!rc)
		rc = api_tx_begin(r);
	if (!rc)
		rc = records_insert(r, &rec, doc);
	if (!rc)
		rc = api_tx_audit(r, &tx, records_action(r, "create"), r->rtype, rec.id, NULL);
	rc = api_tx_end(r, rc, tx);
	if (!rc)
		rc = reply_doc(r, 201, &rec, doc);
	json_decref(doc);
	json_decref(body);
	record_release(&rec);
	return rc;
}

int api_cases_patch(struct req *r)
{
	int64_t expected = 0;
	const char *reason;
	struct record rec;
	struct audit_tx *tx = NULL;
	json_t *body, *patch;
	int rc = api_if_match(r, &expected);
	if (rc || (rc = records_load_for(r, "update", &rec, &reason)))
		return rc;
	if ((rc = data_body(r, &body, &patch))) {
		record_release(&rec);
		return rc;
	}
	if (rec.version != expected) {
		record_release(&rec);
		json_decref(body);
		return api_fail(r, HV_ESTALE, NULL, "the %s was changed by someone else since version %lld; "
						    "reload it and apply your change again", records_noun(r), (long long)expected);
	}
	json_t *before = json_loads(rec.data, 0, NULL), *doc = json_deep_copy(before);
	rc = apply_write(r, &rec, before, doc, patch);
	if (!rc && json_equal(before, doc)) { /* nothing changes: no new version to collide with */
		rc = reply_doc(r, 200, &rec, doc);
		api_audit_read(r, records_action(r, "read"), r->rtype, rec.id, reason);
		goto out;
	}
	rec.version = expected + 1;
	rec.updated_at = clock_now();
	if (!rc)
		rc = api_tx_begin(r);
	if (!rc)
		rc = store_record_update(r->st, &rec, expected, &r->err);
	if (!rc)
		rc = history_diff(r, &rec, before, doc, "update");
	if (!rc)
		rc = sync_links(r, &rec, doc);
	if (!rc)
		rc = records_tasks_sync(r, &rec, before, doc, NULL);
	if (!rc)
		rc = api_tx_audit(r, &tx, records_action(r, "update"), r->rtype, rec.id, NULL);
	rc = api_tx_end(r, rc, tx);
	if (!rc)
		rc = reply_doc(r, 200, &rec, doc);
out:
	json_decref(before);
	json_decref(doc);
	json_decref(body);
	record_release(&rec);
	return rc;
}

int api_cases_delete(struct req *r)
{
	const char *reason;
	struct record rec;
	int rc = records_load_for(r, "delete", &rec, &reason);
	if (rc)
		return rc;
	int64_t expected = rec.version;
	rec.deleted = 1;
	rec.version++;
	rec.updated_at = clock_now();
	struct audit_tx *tx = NULL;
	rc = api_tx_begin(r);
	if (!rc)
		rc = store_record_update(r->st, &rec, expected, &r->err);
	if (!rc && store_history_insert(r->st, rec.id, rec.updated_at, r->user.id, "delete", "", NULL, NULL))
		rc = api_fail(r, HV_EIO, NULL, "storage error");
	if (!rc)
		rc = api_tx_audit(r, &tx, records_action(r, "delete"), r->rtype, rec.id, NULL);
	rc = api_tx_end(r, rc, tx);
	record_release(&rec);
	return rc ? rc : api_reply(r, 204, NULL);
}

/* ---- reads ------------------------------------------------------------------------------- */

int api_cases_get(struct req *r)
{
	const char *reason;
	struct record rec;
	int rc = records_load(r, "read", &rec, &reason);
	if (rc)
		return rc;
	rc = records_reply(r, 200, &rec);
	api_audit_read(r, records_action(r, reason ? "read.break_glass" : "read"), r->rtype, rec.id, reason);
	record_release(&rec);
	return rc;
}

static const char *const sorts[] = {"updated_at", "-updated_at", "created_at", "-created_at", "display_id",
				    "-display_id", "name", "-name", NULL};
static const char *const statuses[] = {"open", "closed", NULL};
static const char *const risks[] = {"low", "medium", "high", NULL};

static int enum_param(struct req *r, const char *name, const char *v, const char *const *allowed, const char **out)
{
	*out = NULL;
	if (!v)
		return 0;
	for (const char *const *a = allowed; *a; a++)
		if (!strcmp(v, *a)) {
			*out = *a;
			return 0;
		}
	return api_fail(r, HV_EVALID, name, "is not an allowed value");
}

/* Runs a list or search query and replies with summaries, auditing every id returned. */
static int run_query(struct req *r, struct record_query *q, const char *action)
{
	int need_reason;
	if (perm_scope(&r->user, records_action(r, "read"), &q->scope, &need_reason) || need_reason)
		return api_fail(r, HV_EFORBID, NULL, "your role may not browse %s records", r->rtype);
	struct record_list l;
	const struct formset *fs = records_formset(r);
	q->type = r->rtype;
	/* Names hidden from this role are not searchable by it either. */
	q->hidden_names = fs && form_field_readable(fs, "name_first", r->user.role, NULL);
	if (store_record_query(r->st, q, &l))
		return api_fail(r, HV_EIO, NULL, "storage error");
	json_t *items = json_array();
	struct buf ids = BUF_INIT;
	for (size_t i = 0; i < l.n; i++) {
		json_array_append_new(items, summary_json(r, &l.items[i]));
		buf_addf(&ids, "%s%s", i ? "," : "", l.items[i].id);
	}
	if (l.n)
		api_audit_read(r, records_action(r, action), r->rtype, ids.p, NULL);
	buf_release(&ids);
	int rc = api_reply(r, 200, json_pack("{s:o,s:I,s:i,s:i}", "items", items, "total", (json_int_t)l.total,
					     "page", q->page, "per", q->per));
	record_list_release(&l);
	return rc;
}

int api_cases_list(struct req *r)
{
	struct record_query q = {0};
	const char *mine = r->query(r->conn, "mine");
	int rc = api_page(r, NULL, &q.page, &q.per);
	if (!rc)
		rc = enum_param(r, "status", r->query(r->conn, "status"), statuses, &q.status);
	if (!rc)
		rc = enum_param(r, "risk_level", r->query(r->conn, "risk_level"), risks, &q.risk_level);
	if (!rc)
		rc = enum_param(r, "sort", r->query(r->conn, "sort"), sorts, &q.sort);
	if (!rc && mine && strcmp(mine, "1") && strcmp(mine, "0") && strcmp(mine, "true") && strcmp(mine, "false"))
		rc = api_fail(r, HV_EVALID, "mine", "must be 1 or 0");
	q.mine = mine && (!strcmp(mine, "1") || !strcmp(mine, "true"));
	return rc ? rc : run_query(r, &q, "list");
}

int api_cases_search(struct req *r)
{
	json_t *b;
	int rc = api_body(r, &b);
	if (rc)
		return rc;
	static const char *const keys[] = {"q", "filters", "page", "per", "sort", NULL};
	static const char *const fkeys[] = {"status", "risk_level", "mine", NULL};
	struct record_query q = {0};
	json_t *qv = json_object_get(b, "q"), *f = json_object_get(b, "filters"), *sort = json_object_get(b, "sort");
	struct buf folded = BUF_INIT;
	rc = json_only_keys(b, keys, &r->err);
	if (!rc && qv && (!json_is_string(qv) || json_string_length(qv) > 200 ||
			  text_fold(json_string_value(qv), &folded)))
		rc = api_fail(r, HV_EVALID, "q", "must be text of at most 200 bytes");
	if (!rc && f && !json_is_object(f))
		rc = api_fail(r, HV_EVALID, "filters", "must be an object");
	if (!rc && f)
		rc = json_only_keys(f, fkeys, &r->err);
	json_t *st = json_object_get(f, "status"), *risk = json_object_get(f, "risk_level"),
	       *mine = json_object_get(f, "mine");
	if (!rc && st && !json_is_string(st))
		rc = api_fail(r, HV_EVALID, "status", "must be a string");
	if (!rc && risk && !json_is_string(risk))
		rc = api_fail(r, HV_EVALID, "risk_level", "must be a string");
	if (!rc && mine && !json_is_boolean(mine))
		rc = api_fail(r, HV_EVALID, "mine", "must be true or false");
	if (!rc && sort && !json_is_string(sort))
		rc = api_fail(r, HV_EVALID, "sort", "must be a string");
	if (!rc)
		rc = enum_param(r, "status", json_string_value(st), statuses, &q.status);
	if (!rc)
		rc = enum_param(r, "risk_level", json_string_value(risk), risks, &q.risk_level);
	if (!rc)
		rc = enum_param(r, "sort", json_string_value(sort), sorts, &q.sort);
	if (!rc)
		rc = api_page(r, b, &q.page, &q.per);
	/* Trim the folded query; an empty one lists everything visible. */
	char *s = folded.p;
	while (*s == ' ')
		s++;
	size_t n = strlen(s);
	while (n && s[n - 1] == ' ')
		s[--n] = '\0';
	q.q = *s ? s : NULL;
	q.mine = json_is_true(mine);
	if (!rc)
		rc = run_query(r, &q, "search");
	buf_release(&folded);
	json_decref(b);
	return rc;
}

/* ---- notes, assignment, history ---------------------------------------------------------- */

static json_t *note_json(const struct note *nt)
{
	return json_pack("{s:s,s:s,s:s,s:o,s:o}", "id", nt->id, "date", nt->date, "text", nt->text, "author",
			 api_userref_json(&nt->author), "created_at", api_time(nt->created_at));
}

int api_notes_create(struct req *r)
{
	const char *reason;
	struct record rec;
	json_t *b;
	int rc = records_load_for(r, "note", &rec, &reason);
	if (rc)
		return rc;
	record_release(&rec);
	if ((rc = api_body(r, &b)))
		return rc;
	static const char *const keys[] = {"text", "date", NULL};
	json_t *text = json_object_get(b, "text"), *date = json_object_get(b, "date");
	struct note nt = {0};
	int ty, tm, td;
	clock_today(&ty, &tm, &td);
	rc = json_only_keys(b, keys, &r->err);
	if (!rc && (!json_is_string(text) || !json_string_length(text)))
		rc = api_fail(r, HV_EVALID, "text", "is required");
	if (!rc && (text_codepoints(json_string_value(text)) > 20000 ||
		    !text_valid_utf8(json_string_value(text), json_string_length(text))))
		rc = api_fail(r, HV_EVALID, "text", "must be valid text of at most 20000 characters");
	if (!rc && date)
		rc = clock_check_date(json_string_value(date), "date", &r->err);
	if (!rc) {
		token_uuid(nt.id);
		snprintf(nt.record_id, sizeof nt.record_id, "%s", r->params[0]);
		snprintf(nt.author_id, sizeof nt.author_id, "%s", r->user.id);
		if (date)
			snprintf(nt.date, sizeof nt.date, "%s", json_string_value(date));
		else
			snprintf(nt.date, sizeof nt.date, "%04d-%02d-%02d", ty, tm, td);
		nt.text = (char *)json_string_value(text);
		nt.created_at = clock_now();
		snprintf(nt.author.id, sizeof nt.author.id, "%s", r->user.id);
		snprintf(nt.author.username, sizeof nt.author.username, "%s", r->user.username);
		snprintf(nt.author.full_name, sizeof nt.author.full_name, "%s", r->user.full_name);
	}
	struct audit_tx *tx = NULL;
	if (!rc)
		rc = api_tx_begin(r);
	if (!rc && (store_note_insert(r->st, &nt) ||
		    store_history_insert(r->st, nt.record_id, nt.created_at, r->user.id, "note", "", NULL, NULL)))
		rc = api_fail(r, HV_EIO, NULL, "storage error");
	if (!rc)
		rc = api_tx_audit(r, &tx, records_action(r, "note"), r->rtype, nt.record_id, NULL);
	rc = api_tx_end(r, rc, tx);
	if (!rc)
		rc = api_reply(r, 201, note_json(&nt));
	json_decref(b);
	return rc;
}

int api_notes_list(struct req *r)
{
	const char *reason;
	struct record rec;
	int rc = records_load(r, "read", &rec, &reason);
	if (rc)
		return rc;
	struct note *list;
	size_t n;
	if (store_note_list(r->st, rec.id, &list, &n)) {
		record_release(&rec);
		return api_fail(r, HV_EIO, NULL, "storage error");
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, note_json(&list[i]));
	note_list_free(list, n);
	api_audit_read(r, records_action(r, "notes"), r->rtype, rec.id, reason);
	record_release(&rec);
	return api_reply(r, 200, json_pack("{s:o}", "items", items));
}

/* An active user of the case's agency, or a 422 naming the field. */
static int colleague(struct req *r, const char *id, const struct record *rec, const char *field)
{
	struct user u = {0};
	int ok = id && token_is_uuid(id) && !store_user_get(r->st, id, &u, 0) && !u.disabled &&
		 !strcmp(u.agency_id, rec->agency_id);
	return ok ? 0 : api_fail(r, HV_EVALID, field, "must be an active user of the record's agency");
}

int api_cases_assign(struct req *r)
{
	const char *reason;
	struct record rec;
	json_t *b;
	int rc = records_load_for(r, "assign", &rec, &reason);
	if (rc)
		return rc;
	if ((rc = api_body(r, &b))) {
		record_release(&rec);
		return rc;
	}
	static const char *const keys[] = {"owner_id", "assigned_ids", NULL};
	json_t *owner = json_object_get(b, "owner_id"), *ids = json_object_get(b, "assigned_ids"), *v;
	size_t i;
	rc = json_only_keys(b, keys, &r->err);
	if (!rc && !owner && !ids)
		rc = api_fail(r, HV_EVALID, "owner_id", "give owner_id, assigned_ids or both");
	if (!rc && owner)
		rc = colleague(r, json_string_value(owner), &rec, "owner_id");
	if (!rc && ids && (!json_is_array(ids) || json_array_size(ids) > 50))
		rc = api_fail(r, HV_EVALID, "assigned_ids", "must be a list of at most 50 user ids");
	json_array_foreach(ids, i, v) if (!rc) rc = colleague(r, json_string_value(v), &rec, "assigned_ids");
	int64_t expected = rec.version;
	const char **list = xcalloc(json_array_size(ids) + 1, sizeof *list);
	json_array_foreach(ids, i, v) list[i] = json_string_value(v);
	struct audit_tx *tx = NULL;
	char old_owner[ID_LEN];
	snprintf(old_owner, sizeof old_owner, "%s", rec.owner_id);
	if (!rc) {
		if (owner)
			snprintf(rec.owner_id, sizeof rec.owner_id, "%s", json_string_value(owner));
		rec.version++;
		rec.updated_at = clock_now();
		rc = api_tx_begin(r);
	}
	if (!rc)
		rc = store_record_update(r->st, &rec, expected, &r->err);
	if (!rc && ids && store_assignees_set(r->st, rec.id, list, json_array_size(ids)))
		rc = api_fail(r, HV_EIO, NULL, "storage error");
	if (!rc && owner && strcmp(old_owner, rec.owner_id)) {
		char o[48], n[48];
		snprintf(o, sizeof o, "\"%s\"", old_owner);
		snprintf(n, sizeof n, "\"%s\"", rec.owner_id);
		if (store_history_insert(r->st, rec.id, rec.updated_at, r->user.id, "assign", "owner", o, n))
			rc = api_fail(r, HV_EIO, NULL, "storage error");
	}
	if (!rc && ids) {
		char *n = json_canonical(ids);
		if (store_history_insert(r->st, rec.id, rec.updated_at, r->user.id, "assign", "assigned", NULL, n))
			rc = api_fail(r, HV_EIO, NULL, "storage error");
		free(n);
	}
	if (!rc)
		rc = api_tx_audit(r, &tx, records_action(r, "assign"), r->rtype, rec.id, NULL);
	rc = api_tx_end(r, rc, tx);
	if (!rc)
		rc = records_reply(r, 200, &rec);
	free(list);
	json_decref(b);
	record_release(&rec);
	return rc;
}

int api_cases_history(struct req *r)
{
	const char *reason;
	struct record rec;
	int rc = records_load(r, "read", &rec, &reason);
	if (rc)
		return rc;
	struct history_entry *h;
	const struct formset *fs = records_formset(r);
	json_t *doc = record_output(json_loads(rec.data, 0, NULL));
	size_t n;
	if (store_history_list(r->st, rec.id, &h, &n)) {
		json_decref(doc);
		record_release(&rec);
		return api_fail(r, HV_EIO, NULL, "storage error");
	}
	/* Rows about the record itself rather than a form field. */
	static const char *const own[] = {"stage",     "owner",         "assigned",    "consents",    "referrals",
					  "transfers", "tracing_match", "merged_from", "merged_into", NULL};
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		/* A field the role may not read (or one removed from the forms, which nobody reads)
		 * shows that it changed, never what it held. */
		int known = 0;
		for (const char *const *o = own; *o; o++)
			known |= !strcmp(*o, h[i].field);
		int hide = fs && *h[i].field && !known &&
			   (!form_has_field(fs, h[i].field) || !form_field_readable(fs, h[i].field, r->user.role, doc));
		json_t *from = h[i].old_value && !hide ? json_loads(h[i].old_value, JSON_DECODE_ANY, NULL) : json_null();
		json_t *to = h[i].new_value && !hide ? json_loads(h[i].new_value, JSON_DECODE_ANY, NULL) : json_null();
		json_array_append_new(items, json_pack("{s:o,s:{s:s,s:s},s:s,s:s,s:o,s:o}", "at", api_time(h[i].at),
						       "user", "id", h[i].user_id, "username", h[i].username, "action",
						       h[i].action, "field", h[i].field, "from", from ? from : json_null(),
						       "to", to ? to : json_null()));
	}
	history_list_free(h, n);
	json_decref(doc);
	api_audit_read(r, records_action(r, "history"), r->rtype, rec.id, reason);
	record_release(&rec);
	return api_reply(r, 200, json_pack("{s:o}", "items", items));
}
