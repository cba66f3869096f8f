/* util: helpers shared by the API handlers — errors, body parsing, paging, JSON shapes of
 * users and times, and write transactions that carry their audit entry. */
#include "api.h"
#include "core/schema.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "base/text.h"
#include "sec/audit.h"
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int api_fail(struct req *r, int code, const char *field, const char *fmt, ...)
{
	if (r->err.code)
		return -r->err.code;
	va_list ap;
	va_start(ap, fmt);
	int rc = err_vset(&r->err, code, field, fmt, ap);
	va_end(ap);
	return rc;
}

int api_body(struct req *r, json_t **out)
{
	const char *ct = r->header(r->conn, "Content-Type");
	if (!ct || strncasecmp(ct, "application/json", 16) || (ct[16] && ct[16] != ';' && ct[16] != ' '))
		return api_fail(r, HV_EMEDIA, NULL, "send the body as application/json");
	return json_parse_object(r->body ? r->body : "", r->body_len, out, &r->err);
}

int api_reply(struct req *r, int status, json_t *v)
{
	/* json_pack gives NULL when a value cannot be encoded (it should never happen: stored
	 * text is validated UTF-8); a 2xx with an empty body would hide it. */
	if (!v && status != 204) {
		log_event(LOG_ERROR, "reply_unencodable", "rid=%s status=%d", r->rid, status);
		return api_fail(r, HV_EINTERNAL, NULL, "the answer could not be encoded");
	}
	r->status = status;
	buf_reset(&r->out);
	if (v)
		json_to_buf(&r->out, v);
	json_decref(v);
	return 0;
}

static int int_param(struct req *r, const json_t *obj, const char *name, int def, int min, int max, int *out)
{
	json_t *v = obj ? json_object_get(obj, name) : NULL;
	const char *q = obj ? NULL : r->query(r->conn, name);
	long long x = def;
	if (v) {
		if (!json_is_integer(v))
			return api_fail(r, HV_EVALID, name, "must be a whole number");
		x = json_integer_value(v);
	} else if (q) {
		char *end;
		x = strtoll(q, &end, 10);
		if (!*q || *end)
			return api_fail(r, HV_EVALID, name, "must be a whole number");
	}
	if (x < min || x > max)
		return api_fail(r, HV_EVALID, name, "must be between %d and %d", min, max);
	*out = (int)x;
	return 0;
}

int api_page(struct req *r, const json_t *obj, int *page, int *per)
{
	int rc = int_param(r, obj, "page", 1, 1, 1000000, page);
	return rc ? rc : int_param(r, obj, "per", 20, 1, 100, per);
}

json_t *api_time(int64_t t)
{
	char s[32];
	clock_iso(t, s, sizeof s);
	return json_string(s);
}

json_t *api_user_json(const struct user *u)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:o}", "id", u->id, "username", u->username,
			 "full_name", u->full_name, "role", u->role, "agency_id", u->agency_id, "agency_name",
			 u->agency_name, "locale", u->locale, "disabled", u->disabled, "must_change_password",
			 u->must_change_pw, "created_at", api_time(u->created_at));
}

json_t *api_userref_json(const struct userref *u)
{
	return json_pack("{s:s,s:s,s:s}", "id", u->id, "username", u->username, "full_name", u->full_name);
}

int api_tx_begin(struct req *r)
{
	int rc = store_begin(r->st, 1);
	return rc ? api_fail(r, HV_EBUSY, NULL, "the database is busy; try again") : 0;
}

static void event(struct req *r, struct audit_event *ev, const char *action, const char *type, const char *ids,
		  const char *reason)
{
	memset(ev, 0, sizeof *ev);
	ev->user_id = r->authed ? r->user.id : NULL;
	ev->client = r->client;
	ev->action = action;
	ev->record_type = type;
	ev->record_ids = ids;
	ev->reason = reason;
}

int api_tx_audit(struct req *r, struct audit_tx **tx, const char *action, const char *type, const char *ids,
		 const char *reason)
{
	struct audit_event ev;
	event(r, &ev, action, type, ids, reason);
	return audit_append(r->st, &ev, tx);
}

static int tx_commit(struct req *r, struct audit_tx *tx)
{
	int rc = store_commit(r->st);
	audit_tx_end(tx, rc == 0);
	return rc ? api_fail(r, HV_EIO, NULL, "could not save; nothing was changed") : 0;
}

static void tx_abort(struct req *r, struct audit_tx *tx)
{
	audit_tx_end(tx, 0); /* requeue taken read entries while still holding the write lock */
	store_rollback(r->st);
}

int api_tx_end(struct req *r, int rc, struct audit_tx *tx)
{
	if (!rc)
		return tx_commit(r, tx);
	tx_abort(r, tx);
	return rc;
}

void api_audit_read(struct req *r, const char *action, const char *type, const char *ids, const char *reason)
{
	struct audit_event ev;
	event(r, &ev, action, type, ids, reason);
	audit_read(&ev);
}

#define AGENCY_CACHE 64

static struct agency agency_cache[AGENCY_CACHE];
static size_t agency_used, agency_next; /* slots filled; next slot to overwrite */
static pthread_mutex_t agency_mu = PTHREAD_MUTEX_INITIALIZER;

int api_agency_get(struct req *r, const char *id, struct agency *out)
{
	pthread_mutex_lock(&agency_mu);
	for (size_t i = 0; i < agency_used; i++)
		if (!strcmp(agency_cache[i].id, id)) {
			*out = agency_cache[i];
			pthread_mutex_unlock(&agency_mu);
			return 0;
		}
	pthread_mutex_unlock(&agency_mu);
	int rc = store_agency_get(r->st, id, out);
	if (rc)
		return rc;
	pthread_mutex_lock(&agency_mu);
	agency_cache[agency_next] = *out;
	agency_next = (agency_next + 1) % AGENCY_CACHE;
	if (agency_used < AGENCY_CACHE)
		agency_used++;
	pthread_mutex_unlock(&agency_mu);
	return 0;
}

int api_if_match(struct req *r, int64_t *version)
{
	const char *h = r->header(r->conn, "If-Match");
	if (!h)
		return api_fail(r, HV_EPRECOND, NULL, "send If-Match with the version you edited (from the ETag)");
	char *end;
	const char *p = h[0] == 'W' && h[1] == '/' ? h + 2 : h;
	if (*p == '"')
		p++;
	long long v = strtoll(p, &end, 10);
	if (end == p || v < 1 || (*end && strcmp(end, "\"")))
		return api_fail(r, HV_EINVAL, NULL, "If-Match must be a version such as \"3\"");
	*version = v;
	return 0;
}

int api_locale(struct req *r, const char **out)
{
	const char *l = r->query(r->conn, "locale");
	const char *want = l ? l : r->locale ? r->locale : "en";
	size_t n = strcspn(want, "-_"); /* the language alone: fr-CA reads French */
	for (const char *const *s = schema_locales; *s; s++)
		if (strlen(*s) == n && !strncmp(*s, want, n) && (!l || !want[n])) {
			*out = *s;
			return 0;
		}
	if (!l) { /* a user whose language has no translation yet reads English */
		*out = "en";
		return 0;
	}
	return api_fail(r, HV_EVALID, "locale", "must be one of en, fr, es, ar");
}

/* A required or optional string member of at most max characters. */
int api_text_member(struct req *r, const json_t *b, const char *key, int required, size_t max, const char **out)
{
	json_t *v = json_object_get(b, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return required ? api_fail(r, HV_EVALID, key, "is required") : 0;
	if (!json_is_string(v))
		return api_fail(r, HV_EVALID, key, "must be a string");
	const char *s = json_string_value(v);
	if (!text_valid_utf8(s, json_string_length(v)) || text_codepoints(s) > max)
		return api_fail(r, HV_EVALID, key, "must be valid text of at most %zu characters", max);
	if (required && !*s)
		return api_fail(r, HV_EVALID, key, "must not be empty");
	*out = s;
	return 0;
}

json_t *api_userref(struct req *r, const char *id)
{
	struct userref u = {0};
	snprintf(u.id, sizeof u.id, "%s", id);
	store_userref_get(r->st, id, &u);
	return api_userref_json(&u);
}

json_t *api_agencyref(struct req *r, const char *id)
{
	struct agency a = {0};
	api_agency_get(r, id, &a);
	return json_pack("{s:s,s:s,s:s,s:s}", "id", id, "name", a.name, "code", a.code, "type", a.type);
}

int api_one_of(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
}

int api_enum_member(struct req *r, const json_t *b, const char *key, const char *const *allowed, const char **out)
{
	*out = json_string_value(json_object_get(b, key));
	if (api_one_of(*out, allowed))
		return 0;
	struct buf list = BUF_INIT;
	for (const char *const *a = allowed; *a; a++)
		buf_addf(&list, "%s%s", a == allowed ? "" : ", ", *a);
	int rc = api_fail(r, HV_EVALID, key, "must be one of %s", list.p);
	buf_release(&list);
	return rc;
}

/* Words for the codes a message may name, translated like the message around them. */
static const struct {
	const char *code, *label;
} labels[] = {
	{"pending", MSG("waiting for an answer")},
	{"accepted", MSG("accepted")},
	{"declined", MSG("declined")},
	{"completed", MSG("completed")},
	{"cancelled", MSG("cancelled")},
	{"consent_withdrawn", MSG("ended by a withdrawal of consent")},
	{"services", MSG("services")},
	{"disclosure", MSG("sharing with other organisations")},
	{"tracing", MSG("family tracing")},
	{"reporting", MSG("reporting to the authorities")},
};

const char *api_label(const char *code)
{
	for (size_t i = 0; i < sizeof labels / sizeof *labels; i++)
		if (!strcmp(labels[i].code, code))
			return err_tr(labels[i].label);
	return code;
}
