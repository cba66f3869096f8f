/* services: the directory of services children are referred to — who offers what, where, in
 * which languages, to whom, how available and how good (AAAQ) — searched by need, place and
 * language, nearest first (the same administrative area, then its parent, then the
 * grandparent). Everyone signed in may search it; administrators maintain it. A shelter's
 * address is shown only to those who need it: caseworkers and supervisors, and the agency that
 * runs the service. */
#include "api.h"
#include "base/alloc.h"
#include "base/clock.h"
#include "base/csv.h"
#include "base/json.h"
#include "base/text.h"
#include "core/perm.h"
#include "core/schema.h"
#include "sec/token.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const types[] = {"mhpss", "health", "legal_aid", "safe_shelter", "education",
				    "vocational_training", "family_tracing", "disability_services", "gbv_response",
				    "interpretation", "documentation_birth_registration", NULL};
static const char *const sexes[] = {"female", "male", "other", NULL};
static const char *const availability[] = {"open", "waiting_list", "full", "closed", NULL};
static const char *const aaaq[] = {"availability", "accessibility", "acceptability", "quality", NULL};

/* The area and every area above it, as a JSON array (the chain a search ranks by); NULL
 * when pcode is not a known area. */
static json_t *chain(struct req *r, const char *pcode)
{
	struct location *l;
	size_t n;
	if (!pcode || store_location_chain(r->st, pcode, &l, &n))
		return NULL;
	if (!n) {
		location_list_free(l, n);
		return NULL;
	}
	json_t *out = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(out, json_string(l[i].pcode));
	location_list_free(l, n);
	return out;
}

/* A language code of the built-in list (ISO 639-1). */
static int language_known(struct req *r, const char *code)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(json_object_get(schema_lookups(r->conf->schema), "languages"), "values"), i, v) if (code && !strcmp(json_string_value(json_object_get(v, "value")), code)) return 1;
	return 0;
}

/* ---- the body of a service ----------------------------------------------------------------- */

static int text_field(struct req *r, const json_t *b, const char *key, size_t max, int required)
{
	const json_t *v = json_object_get(b, key);
	if (!v && !required)
		return 0;
	if (!json_is_string(v) || !json_string_length(v) || !text_valid_utf8(json_string_value(v), json_string_length(v)) ||
	    text_codepoints(json_string_value(v)) > max)
		return api_fail(r, HV_EVALID, key, "must be text of 1 to %zu characters", max);
	return 0;
}

/* {"name","type","pcode","agency_id"?,"languages"?,"ages"?:{"min","max"},"sexes"?,
 * "accessibility"?,"capacity"?,"availability"?,"contact"?:{"phone","email"},"address"?,
 * "aaaq"?:{"availability","accessibility","acceptability","quality": 1-5},"active"?} */
static int body_ok(struct req *r, const json_t *b)
{
	static const char *const keys[] = {"name",	   "type",	   "pcode",	   "agency_id", "languages",
					   "ages",	   "sexes",	   "accessibility", "capacity",  "availability",
					   "contact",	   "address",	   "aaaq",	   "active",    NULL};
	int rc = json_only_keys(b, keys, &r->err);
	if (!rc)
		rc = text_field(r, b, "name", 200, 1);
	if (!rc && !api_one_of(json_string_value(json_object_get(b, "type")), types))
		rc = api_fail(r, HV_EVALID, "type", "is not a service type");
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(b, "languages"), i, v) {
		if (!rc && !language_known(r, json_string_value(v)))
			rc = api_fail(r, HV_EVALID, "languages", "holds a value that is not a language code such as ar");
	}
	if (!rc && json_object_get(b, "languages") && !json_is_array(json_object_get(b, "languages")))
		rc = api_fail(r, HV_EVALID, "languages", "must be a list of language codes");
	const json_t *ages = json_object_get(b, "ages");
	json_int_t lo = json_integer_value(json_object_get(ages, "min")), hi = json_integer_value(json_object_get(ages, "max"));
	if (!rc && ages && (!json_is_integer(json_object_get(ages, "min")) || !json_is_integer(json_object_get(ages, "max")) ||
			    json_object_size(ages) != 2 || lo < 0 || hi > 120 || lo > hi))
		rc = api_fail(r, HV_EVALID, "ages", "must be {\"min\": years, \"max\": years}");
	if (!rc && json_object_get(b, "sexes") && !json_is_array(json_object_get(b, "sexes")))
		rc = api_fail(r, HV_EVALID, "sexes", "must be a list of female, male or other");
	json_array_foreach(json_object_get(b, "sexes"), i, v) {
		if (!rc && !api_one_of(json_string_value(v), sexes))
			rc = api_fail(r, HV_EVALID, "sexes", "holds a value that is not female, male or other");
	}
	if (!rc)
		rc = text_field(r, b, "accessibility", 1000, 0);
	const json_t *cap = json_object_get(b, "capacity");
	if (!rc && cap && (!json_is_integer(cap) || json_integer_value(cap) < 0 || json_integer_value(cap) > 1000000))
		rc = api_fail(r, HV_EVALID, "capacity", "must be a whole number of places");
	if (!rc && json_object_get(b, "availability") && !api_one_of(json_string_value(json_object_get(b, "availability")), availability))
		rc = api_fail(r, HV_EVALID, "availability", "must be open, waiting_list, full or closed");
	const json_t *contact = json_object_get(b, "contact");
	static const char *const ckeys[] = {"phone", "email", NULL};
	if (!rc && contact && (!json_is_object(contact) || json_only_keys(contact, ckeys, &r->err)))
		rc = r->err.code ? -r->err.code : api_fail(r, HV_EVALID, "contact", "must be {\"phone\", \"email\"}");
	if (!rc && contact)
		rc = text_field(r, contact, "phone", 50, 0);
	if (!rc && contact)
		rc = text_field(r, contact, "email", 200, 0);
	if (!rc)
		rc = text_field(r, b, "address", 1000, 0);
	const json_t *q = json_object_get(b, "aaaq");
	if (!rc && q && (!json_is_object(q) || json_only_keys(q, aaaq, &r->err)))
		rc = r->err.code ? -r->err.code : api_fail(r, HV_EVALID, "aaaq", "must be an object of ratings");
	for (const char *const *k = aaaq; !rc && q && *k; k++) {
		const json_t *x = json_object_get(q, *k);
		if (x && (!json_is_integer(x) || json_integer_value(x) < 1 || json_integer_value(x) > 5))
			rc = api_fail(r, HV_EVALID, "aaaq", "ratings are whole numbers from 1 to 5");
	}
	if (!rc && json_object_get(b, "active") && !json_is_boolean(json_object_get(b, "active")))
		rc = api_fail(r, HV_EVALID, "active", "must be true or false");
	return rc;
}

/* ---- replies -------------------------------------------------------------------------------- */

static const char *const distances[] = {"same_area", "parent_area", "grandparent_area"};

static json_t *service_json(struct req *r, const struct service *x, int ranked)
{
	json_t *data = json_loads(x->data, 0, NULL);
	if (!data)
		data = json_object();
	struct agency a = {0};
	api_agency_get(r, x->agency_id, &a);
	/* Where a shelter is, is told to those who refer children there, and to its own agency. */
	int see_address = !strcmp(r->user.agency_id, x->agency_id) || perm_allows(&r->user, "case.refer");
	if (!see_address && json_object_get(data, "address")) {
		json_object_del(data, "address");
		json_object_set_new(data, "address_hidden", json_true());
	}
	json_t *langs = json_loads(x->languages, 0, NULL);
	json_object_set_new(data, "id", json_string(x->id));
	json_object_set_new(data, "name", json_string(x->name));
	json_object_set_new(data, "type", json_string(x->type));
	json_object_set_new(data, "pcode", json_string(x->pcode));
	json_object_set_new(data, "languages", langs ? langs : json_array());
	json_object_set_new(data, "agency", json_pack("{s:s,s:s}", "id", x->agency_id, "name", a.name));
	json_object_set_new(data, "active", json_boolean(x->active));
	json_object_set_new(data, "version", json_integer(x->version));
	if (ranked)
		json_object_set_new(data, "distance", json_string(x->rank < 3 ? distances[x->rank] : "wider_area"));
	return data;
}

int api_services_search(struct req *r)
{
	const char *need = r->query(r->conn, "need"), *loc = r->query(r->conn, "location"), *lang = r->query(r->conn, "language");
	struct service_query q = {.type = need, .language = lang};
	int rc = api_page(r, NULL, &q.page, &q.per);
	if (!rc && need && !api_one_of(need, types))
		rc = api_fail(r, HV_EVALID, "need", "is not a service type");
	if (!rc && loc && !need)
		rc = api_fail(r, HV_EVALID, "need", "a search by place names the need too");
	if (!rc && lang && !language_known(r, lang))
		rc = api_fail(r, HV_EVALID, "language", "is not a language code such as ar");
	json_t *areas = NULL;
	if (!rc && loc && !(areas = chain(r, loc)))
		rc = api_fail(r, HV_EVALID, "location", "is not a known administrative area");
	const char *links[16];
	size_t k;
	json_t *v;
	json_array_foreach(areas, k, v) if (k < 16) links[q.nchain++] = json_string_value(v);
	q.chain = links;
	struct service *list = NULL;
	size_t n = 0;
	int64_t total = 0;
	if (!rc && store_service_search(r->st, &q, &list, &n, &total))
		rc = api_fail(r, HV_EIO, NULL, "storage error");
	if (!rc) {
		json_t *items = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(items, service_json(r, &list[i], areas != NULL));
		rc = api_reply(r, 200, json_pack("{s:o,s:I,s:i,s:i}", "items", items, "total", (json_int_t)total, "page",
						 q.page, "per", q.per));
	}
	service_list_free(list, n);
	json_decref(areas);
	return rc;
}

int api_services_get(struct req *r)
{
	struct service x;
	if (!token_is_uuid(r->params[0]) || store_service_get(r->st, r->params[0], &x))
		return api_fail(r, HV_ENOTFOUND, NULL, "no such service");
	snprintf(r->etag, sizeof r->etag, "\"%lld\"", (long long)x.version);
	int rc = api_reply(r, 200, service_json(r, &x, 0));
	service_release(&x);
	return rc;
}

/* Whether pcode is a known administrative area. */
static int area_known(struct req *r, const char *pcode)
{
	struct location l;
	if (!pcode || store_location_get(r->st, pcode, &l))
		return 0;
	free(l.names);
	return 1;
}

/* Fills x (a new service) from a checked body. */
static void service_from(struct req *r, struct service *x, const char *id, const json_t *b)
{
	const char *agency = json_string_value(json_object_get(b, "agency_id"));
	memset(x, 0, sizeof *x);
	snprintf(x->id, sizeof x->id, "%s", id);
	snprintf(x->agency_id, sizeof x->agency_id, "%s", agency ? agency : r->user.agency_id);
	snprintf(x->name, sizeof x->name, "%s", json_string_value(json_object_get(b, "name")));
	snprintf(x->type, sizeof x->type, "%s", json_string_value(json_object_get(b, "type")));
	snprintf(x->pcode, sizeof x->pcode, "%s", json_string_value(json_object_get(b, "pcode")));
	json_t *langs = json_object_get(b, "languages");
	x->languages = langs ? json_dumps(langs, JSON_COMPACT) : xstrdup("[]");
	json_t *data = json_deep_copy(b);
	static const char *const own[] = {"name", "type", "pcode", "agency_id", "languages", "active", NULL};
	for (const char *const *k = own; *k; k++)
		json_object_del(data, *k);
	x->data = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(data);
	x->active = !json_is_false(json_object_get(b, "active"));
	x->created_at = x->updated_at = clock_now();
}

/* Creates (expected 0) or replaces a service from the body; admins only. */
static int save(struct req *r, const char *id, int64_t expected)
{
	if (!perm_allows(&r->user, "service.manage"))
		return api_fail(r, HV_EFORBID, NULL, "only administrators maintain the services directory");
	json_t *b;
	int rc = api_body(r, &b);
	if (rc)
		return rc;
	rc = body_ok(r, b);
	const char *agency = json_string_value(json_object_get(b, "agency_id"));
	struct agency a;
	if (!rc && agency && (!token_is_uuid(agency) || api_agency_get(r, agency, &a)))
		rc = api_fail(r, HV_EVALID, "agency_id", "is not an agency");
	if (!rc && !area_known(r, json_string_value(json_object_get(b, "pcode"))))
		rc = api_fail(r, HV_EVALID, "pcode", "is not a known administrative area");
	struct service x = {0};
	struct audit_tx *tx = NULL;
	if (!rc) {
		service_from(r, &x, id, b);
		rc = api_tx_begin(r);
	}
	if (!rc)
		rc = store_service_put(r->st, &x, expected, &r->err);
	if (!rc)
		rc = api_tx_audit(r, &tx, expected ? "service.update" : "service.create", "service", x.id, NULL);
	rc = api_tx_end(r, rc, tx);
	if (!rc) {
		x.version = expected + 1;
		snprintf(r->etag, sizeof r->etag, "\"%lld\"", (long long)x.version);
		rc = api_reply(r, expected ? 200 : 201, service_json(r, &x, 0));
	}
	service_release(&x);
	json_decref(b);
	return rc;
}

int api_services_create(struct req *r)
{
	char id[ID_LEN];
	token_uuid(id);
	return save(r, id, 0);
}

int api_services_put(struct req *r)
{
	int64_t expected;
	struct service x;
	if (!token_is_uuid(r->params[0]) || store_service_get(r->st, r->params[0], &x))
		return api_fail(r, HV_ENOTFOUND, NULL, "no such service");
	service_release(&x);
	int rc = api_if_match(r, &expected);
	return rc ? rc : save(r, r->params[0], expected);
}

/* ---- CSV import ------------------------------------------------------------------------------ */

/* The columns of an import (a header row names them, any order): each becomes a member of the
 * service's body; lists are separated by spaces. */
static const struct {
	const char *column, *member, *sub; /* sub: a member inside member */
	char kind;			   /* s text, i whole number, l list */
} columns[] = {
	{"name", "name", NULL, 's'},
	{"type", "type", NULL, 's'},
	{"pcode", "pcode", NULL, 's'},
	{"agency_code", NULL, NULL, 's'},
	{"languages", "languages", NULL, 'l'},
	{"ages_min", "ages", "min", 'i'},
	{"ages_max", "ages", "max", 'i'},
	{"sexes", "sexes", NULL, 'l'},
	{"accessibility", "accessibility", NULL, 's'},
	{"capacity", "capacity", NULL, 'i'},
	{"availability", "availability", NULL, 's'},
	{"phone", "contact", "phone", 's'},
	{"email", "contact", "email", 's'},
	{"address", "address", NULL, 's'},
	{"aaaq_availability", "aaaq", "availability", 'i'},
	{"aaaq_accessibility", "aaaq", "accessibility", 'i'},
	{"aaaq_acceptability", "aaaq", "acceptability", 'i'},
	{"aaaq_quality", "aaaq", "quality", 'i'},
};
#define NCOLUMNS (sizeof columns / sizeof *columns)

static json_t *cell(const char *text, char kind)
{
	if (kind == 'i') {
		char *end;
		long long v = strtoll(text, &end, 10);
		return *end || end == text ? json_string(text) : json_integer(v); /* a bad number is named by the check */
	}
	if (kind == 's')
		return json_string(text);
	json_t *list = json_array();
	struct buf word = BUF_INIT;
	for (const char *p = text;; p++) {
		if (*p && *p != ' ') {
			buf_addch(&word, *p);
			continue;
		}
		if (word.len)
			json_array_append_new(list, json_string(word.p));
		buf_reset(&word);
		if (!*p)
			break;
	}
	buf_release(&word);
	return list;
}

/* A row as a service body; agency codes are looked up in agencies. */
static json_t *row_body(const struct csv *c, const int *map, const struct agency *agencies, size_t nagencies)
{
	json_t *b = json_object();
	for (size_t i = 0; i < c->n; i++) {
		const char *text = csv_field(c, i);
		if (map[i] < 0 || !*text)
			continue;
		size_t k = (size_t)map[i];
		if (!columns[k].member) { /* agency_code */
			for (size_t a = 0; a < nagencies; a++)
				if (!strcmp(agencies[a].code, text))
					json_object_set_new(b, "agency_id", json_string(agencies[a].id));
			if (!json_object_get(b, "agency_id"))
				json_object_set_new(b, "agency_id", json_string(text)); /* named by the check */
			continue;
		}
		json_t *v = cell(text, columns[k].kind);
		if (columns[k].sub) {
			json_t *o = json_object_get(b, columns[k].member);
			if (!o)
				json_object_set_new(b, columns[k].member, o = json_object());
			json_object_set_new(o, columns[k].sub, v);
		} else {
			json_object_set_new(b, columns[k].member, v);
		}
	}
	return b;
}

/* The message of r->err, prefixed with the row it is about. */
static int row_error(struct req *r, size_t line)
{
	struct buf m = BUF_INIT;
	buf_addf(&m, "%s %zu: %s", err_tr(MSG("row")), line, r->err.msg.p);
	buf_reset(&r->err.msg);
	buf_add(&r->err.msg, m.p, m.len);
	buf_release(&m);
	return -r->err.code;
}

/* POST /api/v1/services/import, a text/csv body: every row is checked as a new service would
 * be, and all are added in one transaction — or none, with the first bad row named. */
int api_services_import(struct req *r)
{
	if (!perm_allows(&r->user, "service.manage"))
		return api_fail(r, HV_EFORBID, NULL, "only administrators maintain the services directory");
	const char *ct = r->header(r->conn, "Content-Type");
	if (!ct || strncmp(ct, "text/csv", 8))
		return api_fail(r, HV_EMEDIA, NULL, "send the services as text/csv");
	struct agency *agencies;
	size_t nagencies;
	if (store_agency_list(r->st, &agencies, &nagencies))
		return api_fail(r, HV_EIO, NULL, "storage error");
	struct csv c;
	csv_init(&c, r->body ? r->body : "", r->body_len);
	int map[CSV_MAX_FIELDS];
	int rc = csv_next(&c) == 1 ? 0 : api_fail(r, HV_EVALID, NULL, "the file needs a header row naming its columns");
	for (size_t i = 0; !rc && i < c.n; i++) {
		map[i] = -1;
		for (size_t k = 0; k < NCOLUMNS; k++)
			if (!strcmp(csv_field(&c, i), columns[k].column))
				map[i] = (int)k;
		if (map[i] < 0)
			rc = api_fail(r, HV_EVALID, csv_field(&c, i), "is not a column of the services directory");
	}
	json_t *rows = json_array();
	int more;
	while (!rc && (more = csv_next(&c)) != 0) {
		if (more < 0) {
			rc = api_fail(r, HV_EVALID, NULL, "the file is not valid CSV near line %zu", c.line);
			break;
		}
		json_t *b = row_body(&c, map, agencies, nagencies);
		const char *agency = json_string_value(json_object_get(b, "agency_id"));
		struct agency a;
		rc = body_ok(r, b);
		if (!rc && agency && (!token_is_uuid(agency) || api_agency_get(r, agency, &a)))
			rc = api_fail(r, HV_EVALID, "agency_code", "is not the code of an agency");
		if (!rc && !area_known(r, json_string_value(json_object_get(b, "pcode"))))
			rc = api_fail(r, HV_EVALID, "pcode", "is not a known administrative area");
		if (rc)
			rc = row_error(r, c.line);
		json_array_append_new(rows, b);
		if (json_array_size(rows) > 20000 && !rc)
			rc = api_fail(r, HV_EVALID, NULL, "import at most 20,000 services at a time");
	}
	csv_release(&c);
	free(agencies);
	struct audit_tx *tx = NULL;
	if (!rc && !json_array_size(rows))
		rc = api_fail(r, HV_EVALID, NULL, "the file holds no services");
	if (!rc)
		rc = api_tx_begin(r);
	size_t i;
	json_t *b;
	json_array_foreach(rows, i, b) {
		if (rc)
			break;
		struct service x;
		char id[ID_LEN];
		token_uuid(id);
		service_from(r, &x, id, b);
		rc = store_service_put(r->st, &x, 0, &r->err);
		service_release(&x);
	}
	if (!rc)
		rc = api_tx_audit(r, &tx, "service.import", "service", NULL, NULL);
	rc = api_tx_end(r, rc, tx);
	if (!rc)
		rc = api_reply(r, 201, json_pack("{s:I}", "imported", (json_int_t)json_array_size(rows)));
	json_decref(rows);
	return rc;
}
