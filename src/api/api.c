/* api: the route table and the dispatcher: per-thread store handles, authentication, CSRF,
 * the forced password change, and error serialisation. */
#include "api.h"
#include "base/alloc.h"
#include "base/asset.h"
#include "base/json.h"
#include "base/log.h"
#include "core/perm.h"
#include "sec/audit.h"
#include "sec/password.h"
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>

enum {
	PUBLIC = 1,      /* no authentication */
	PW_CHANGE = 2,   /* allowed while a password change is pending */
	TEST_ONLY = 4,   /* compiled into test builds only */
	OWN_TX = 8,      /* a GET that commits first (flushes the audit queue): runs on a worker */
};

static const struct route {
	const char *method;
	const char *pattern; /* segments; "*" captures one path segment into r->params */
	int (*fn)(struct req *);
	int flags;
	const char *type; /* the record type a generic record handler serves (default "case") */
} routes[] = {
	{"GET", "/healthz", api_healthz, PUBLIC, NULL},
	{"POST", "/api/v1/session", api_session_create, PUBLIC, NULL},
	{"GET", "/api/v1/session", api_session_get, PW_CHANGE, NULL},
	{"DELETE", "/api/v1/session", api_session_delete, PW_CHANGE, NULL},
	{"POST", "/api/v1/me/password", api_password_change, PW_CHANGE, NULL},
	{"POST", "/api/v1/tokens", api_tokens_create, 0, NULL},
	{"GET", "/api/v1/tokens", api_tokens_list, 0, NULL},
	{"DELETE", "/api/v1/tokens/*", api_tokens_delete, 0, NULL},
	{"GET", "/api/v1/agencies", api_agencies_list, 0, NULL},
	{"POST", "/api/v1/agencies", api_agencies_create, 0, NULL},
	{"GET", "/api/v1/users", api_users_list, 0, NULL},
	{"POST", "/api/v1/users", api_users_create, 0, NULL},
	{"GET", "/api/v1/users/*", api_users_get, 0, NULL},
	{"PATCH", "/api/v1/users/*", api_users_patch, 0, NULL},
	{"POST", "/api/v1/cases", api_cases_create, 0, NULL},
	{"GET", "/api/v1/cases", api_cases_list, 0, NULL},
	{"POST", "/api/v1/cases/search", api_cases_search, 0, NULL},
	{"GET", "/api/v1/cases/*", api_cases_get, 0, NULL},
	{"PATCH", "/api/v1/cases/*", api_cases_patch, 0, NULL},
	{"DELETE", "/api/v1/cases/*", api_cases_delete, 0, NULL},
	{"POST", "/api/v1/cases/*/notes", api_notes_create, 0, NULL},
	{"GET", "/api/v1/cases/*/notes", api_notes_list, 0, NULL},
	{"POST", "/api/v1/cases/*/assign", api_cases_assign, 0, NULL},
	{"GET", "/api/v1/cases/*/history", api_cases_history, 0, NULL},
	{"POST", "/api/v1/cases/*/transitions", api_records_transition, 0, NULL},
	{"POST", "/api/v1/cases/*/approvals", api_records_approve, 0, NULL},
	{"GET", "/api/v1/cases/*/approvals", api_records_approvals, 0, NULL},
	{"POST", "/api/v1/families", api_cases_create, 0, "family"},
	{"GET", "/api/v1/families", api_cases_list, 0, "family"},
	{"POST", "/api/v1/families/search", api_cases_search, 0, "family"},
	{"GET", "/api/v1/families/*", api_cases_get, 0, "family"},
	{"PATCH", "/api/v1/families/*", api_cases_patch, 0, "family"},
	{"DELETE", "/api/v1/families/*", api_cases_delete, 0, "family"},
	{"GET", "/api/v1/families/*/history", api_cases_history, 0, "family"},
	{"POST", "/api/v1/families/*/notes", api_notes_create, 0, "family"},
	{"GET", "/api/v1/families/*/notes", api_notes_list, 0, "family"},
	{"POST", "/api/v1/families/*/assign", api_cases_assign, 0, "family"},
	{"POST", "/api/v1/families/*/transitions", api_records_transition, 0, "family"},
	{"POST", "/api/v1/families/*/approvals", api_records_approve, 0, "family"},
	{"GET", "/api/v1/families/*/approvals", api_records_approvals, 0, "family"},
	{"POST", "/api/v1/incidents", api_cases_create, 0, "incident"},
	{"GET", "/api/v1/incidents", api_cases_list, 0, "incident"},
	{"POST", "/api/v1/incidents/search", api_cases_search, 0, "incident"},
	{"GET", "/api/v1/incidents/*", api_cases_get, 0, "incident"},
	{"PATCH", "/api/v1/incidents/*", api_cases_patch, 0, "incident"},
	{"DELETE", "/api/v1/incidents/*", api_cases_delete, 0, "incident"},
	{"GET", "/api/v1/incidents/*/history", api_cases_history, 0, "incident"},
	{"POST", "/api/v1/incidents/*/notes", api_notes_create, 0, "incident"},
	{"GET", "/api/v1/incidents/*/notes", api_notes_list, 0, "incident"},
	{"POST", "/api/v1/incidents/*/assign", api_cases_assign, 0, "incident"},
	{"POST", "/api/v1/incidents/*/transitions", api_records_transition, 0, "incident"},
	{"POST", "/api/v1/incidents/*/approvals", api_records_approve, 0, "incident"},
	{"GET", "/api/v1/incidents/*/approvals", api_records_approvals, 0, "incident"},
	{"POST", "/api/v1/tracing_requests", api_cases_create, 0, "tracing_request"},
	{"GET", "/api/v1/tracing_requests", api_cases_list, 0, "tracing_request"},
	{"POST", "/api/v1/tracing_requests/search", api_cases_search, 0, "tracing_request"},
	{"GET", "/api/v1/tracing_requests/*", api_cases_get, 0, "tracing_request"},
	{"PATCH", "/api/v1/tracing_requests/*", api_cases_patch, 0, "tracing_request"},
	{"DELETE", "/api/v1/tracing_requests/*", api_cases_delete, 0, "tracing_request"},
	{"GET", "/api/v1/tracing_requests/*/history", api_cases_history, 0, "tracing_request"},
	{"POST", "/api/v1/tracing_requests/*/notes", api_notes_create, 0, "tracing_request"},
	{"GET", "/api/v1/tracing_requests/*/notes", api_notes_list, 0, "tracing_request"},
	{"POST", "/api/v1/tracing_requests/*/assign", api_cases_assign, 0, "tracing_request"},
	{"POST", "/api/v1/tracing_requests/*/transitions", api_records_transition, 0, "tracing_request"},
	{"POST", "/api/v1/tracing_requests/*/approvals", api_records_approve, 0, "tracing_request"},
	{"GET", "/api/v1/tracing_requests/*/approvals", api_records_approvals, 0, "tracing_request"},
	{"POST", "/api/v1/tracing_requests/*/attachments", api_attachments_create, 0, "tracing_request"},
	{"POST", "/api/v1/cases/*/attachments", api_attachments_create, 0, NULL},
	{"POST", "/api/v1/families/*/attachments", api_attachments_create, 0, "family"},
	{"POST", "/api/v1/incidents/*/attachments", api_attachments_create, 0, "incident"},
	{"GET", "/api/v1/attachments/*", api_attachments_get, 0, NULL},
	{"GET", "/api/v1/screening/tools", api_screening_tools, 0, NULL},
	{"POST", "/api/v1/screening/tools", api_config_create, 0, "screening"},
	{"GET", "/api/v1/screening/tools/*", api_config_get, 0, "screening"},
	{"PUT", "/api/v1/screening/tools/*", api_config_put, 0, "screening"},
	{"POST", "/api/v1/screenings", api_screenings_create, 0, NULL},
	{"GET", "/api/v1/screenings/*", api_screenings_get, 0, NULL},
	{"GET", "/api/v1/cases/*/screenings", api_cases_screenings, 0, NULL},
	{"GET", "/api/v1/services", api_services_search, 0, NULL},
	{"POST", "/api/v1/services", api_services_create, 0, NULL},
	{"POST", "/api/v1/services/import", api_services_import, 0, NULL},
	{"GET", "/api/v1/services/*", api_services_get, 0, NULL},
	{"PUT", "/api/v1/services/*", api_services_put, 0, NULL},
	{"POST", "/api/v1/cases/*/consents", api_consents_create, 0, NULL},
	{"GET", "/api/v1/cases/*/consents", api_consents_list, 0, NULL},
	{"POST", "/api/v1/consents/*/withdraw", api_consents_withdraw, 0, NULL},
	{"POST", "/api/v1/cases/*/referrals", api_referrals_create, 0, NULL},
	{"GET", "/api/v1/cases/*/referrals", api_case_referrals, 0, NULL},
	{"GET", "/api/v1/referrals", api_referrals_list, 0, NULL},
	{"GET", "/api/v1/referrals/*", api_referrals_get, 0, NULL},
	{"PATCH", "/api/v1/referrals/*", api_referrals_patch, 0, NULL},
	{"POST", "/api/v1/referrals/*/transfer_request", api_transfers_request, 0, NULL},
	{"POST", "/api/v1/cases/*/transfers", api_transfers_create, 0, NULL},
	{"GET", "/api/v1/transfers", api_transfers_list, 0, NULL},
	{"GET", "/api/v1/transfers/*", api_transfers_get, 0, NULL},
	{"PATCH", "/api/v1/transfers/*", api_transfers_patch, 0, NULL},
	{"POST", "/api/v1/cases/duplicates", api_cases_duplicates, 0, NULL},
	{"GET", "/api/v1/cases/*/matches", api_case_matches, 0, NULL},
	{"GET", "/api/v1/tracing_requests/*/matches", api_tracing_matches, 0, "tracing_request"},
	{"POST", "/api/v1/tracing_requests/*/matches", api_tracing_match_decide, 0, "tracing_request"},
	{"POST", "/api/v1/cases/*/merge", api_cases_merge, 0, NULL},
	{"POST", "/api/v1/merges/*/undo", api_merges_undo, 0, NULL},
	{"GET", "/api/v1/duplicates", api_duplicates_list, 0, NULL},
	{"PATCH", "/api/v1/duplicates/*", api_duplicates_patch, 0, NULL},
	{"GET", "/api/v1/tasks", api_tasks_list, 0, NULL},
	{"PATCH", "/api/v1/tasks/*", api_tasks_patch, 0, NULL},
	{"GET", "/api/v1/forms", api_forms_list, 0, NULL},
	{"POST", "/api/v1/forms", api_config_create, 0, "form"},
	{"GET", "/api/v1/forms/*", api_config_get, 0, "form"},
	{"PUT", "/api/v1/forms/*", api_config_put, 0, "form"},
	{"GET", "/api/v1/lookups", api_lookups_list, 0, NULL},
	{"POST", "/api/v1/lookups", api_config_create, 0, "lookup"},
	{"GET", "/api/v1/lookups/*", api_config_get, 0, "lookup"},
	{"PUT", "/api/v1/lookups/*", api_config_put, 0, "lookup"},
	{"GET", "/api/v1/workflows/*", api_config_get, 0, "workflow"},
	{"PUT", "/api/v1/workflows/*", api_config_put, 0, "workflow"},
	{"GET", "/api/v1/locations", api_locations_list, 0, NULL},
	{"GET", "/api/v1/audit", api_audit_list, OWN_TX, NULL},
	{"POST", "/api/v1/_test/clock", api_test_clock, PUBLIC | TEST_ONLY, NULL},
};

static struct api_config cfg;
static pthread_mutex_t stores_mu = PTHREAD_MUTEX_INITIALIZER;
static struct store **stores;
static size_t nstores;
static _Thread_local struct store *thread_store;

const struct api_config *api_config(void)
{
	return &cfg;
}

int api_init(const struct api_config *c, struct err *e)
{
	cfg = *c;
	if (!cfg.idle_timeout)
		cfg.idle_timeout = 30 * 60;
	if (!cfg.absolute_timeout)
		cfg.absolute_timeout = 12 * 3600;
	const struct asset *roles = asset_find("config/roles.json");
	if (!roles)
		return err_set(e, HV_EINTERNAL, NULL, "roles.json is not embedded");
	int rc = perm_load((const char *)roles->data, e);
	const struct asset *messages = asset_find("config/i18n/errors.json");
	if (!rc && (!messages || err_catalogue_load((const char *)messages->data)))
		rc = err_set(e, HV_EINTERNAL, NULL, "config/i18n/errors.json is missing or not JSON");
	struct store *st = NULL;
	if (!rc)
		rc = store_open(&st, cfg.db_path, 0, e);
	if (!rc)
		rc = conf_init(st, e);
	store_close(st);
	return rc;
}

void api_shutdown(void)
{
	conf_shutdown();
	pthread_mutex_lock(&stores_mu);
	for (size_t i = 0; i < nstores; i++)
		store_close(stores[i]);
	free(stores);
	stores = NULL;
	nstores = 0;
	pthread_mutex_unlock(&stores_mu);
}

/* Each server thread keeps one store handle (SQLite connections are per thread). */
static struct store *thread_handle(struct err *e)
{
	if (thread_store)
		return thread_store;
	struct store *st;
	if (store_open(&st, cfg.db_path, 0, e))
		return NULL;
	store_autocheckpoint(st, 0); /* the audit writer thread checkpoints in the background */
	pthread_mutex_lock(&stores_mu);
	stores = xreallocarray(stores, nstores + 1, sizeof *stores);
	stores[nstores++] = st;
	pthread_mutex_unlock(&stores_mu);
	return thread_store = st;
}

/* Matches path against pattern, capturing "*" segments into params (pointers into path
 * copies kept in caps). */
static int match(const char *pattern, const char *path, char caps[][64], const char **params)
{
	int np = 0;
	while (*pattern && *path) {
		if (*pattern == '*') {
			size_t n = strcspn(path, "/");
			if (n == 0 || n >= 64 || np == 4)
				return 0;
			memcpy(caps[np], path, n);
			caps[np][n] = '\0';
			params[np] = caps[np];
			np++;
			path += n;
			pattern++;
		} else if (*pattern++ != *path++) {
			return 0;
		}
	}
	return !*pattern && !*path;
}

static void error_body(struct req *r)
{
	int code = r->err.code ? r->err.code : HV_EINTERNAL;
	json_t *e = json_pack("{s:s,s:s}", "code", err_code_str(code), "message",
			      r->err.msg.len ? r->err.msg.p : "internal error");
	if (r->err.field.len)
		json_object_set_new(e, "field", json_string(r->err.field.p));
	buf_reset(&r->out);
	json_t *root = json_pack("{s:o}", "error", e);
	json_to_buf(&r->out, root);
	json_decref(root);
	r->status = err_http_status(code);
	r->etag[0] = '\0';
}

static int csrf_ok(struct req *r)
{
	if (!r->via_cookie || !strcmp(r->method, "GET"))
		return 1;
	const char *t = r->header(r->conn, "X-CSRF-Token");
	return t && strlen(t) == strlen(r->sess.csrf) &&
	       sodium_memcmp(t, r->sess.csrf, strlen(t)) == 0;
}

/* The first language of Accept-Language when Haven has it (the browser UI sends its current
 * language), else NULL. */
static const char *accept_language(struct req *r)
{
	static const char *const known[] = {"fr", "es", "ar", NULL};
	const char *h = r->header(r->conn, "Accept-Language");
	for (const char *const *k = known; h && *k; k++)
		if (!strncasecmp(h, *k, 2) && !isalpha((unsigned char)h[2]))
			return *k;
	return NULL;
}

static int dispatch(struct req *r)
{
	char caps[4][64];
	const struct route *hit = NULL;
	int path_known = 0;
	for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
		const struct route *rt = &routes[i];
#ifndef HAVEN_TESTING
		if (rt->flags & TEST_ONLY)
			continue;
#endif
		if (!match(rt->pattern, r->path, caps, r->params))
			continue;
		path_known = 1;
		if (!strcmp(rt->method, r->method)) {
			hit = rt;
			break;
		}
	}
	if (!hit)
		return path_known ? api_fail(r, HV_EMETHOD, NULL, "method not allowed")
				  : api_fail(r, HV_ENOTFOUND, NULL, "no such endpoint");
	if (r->body_too_big)
		return api_fail(r, HV_ETOOBIG, NULL, "request body is larger than 1 MiB");
	r->st = thread_handle(&r->err);
	if (!r->st)
		return -HV_EIO;
	r->rtype = hit->type ? hit->type : "case";
	if (hit->flags & PUBLIC)
		return hit->fn(r);
	int rc = api_authenticate(r);
	if (rc)
		return rc;
	if (!accept_language(r)) { /* an explicit language (the UI's choice) beats the profile's */
		r->locale = r->user.locale;
		err_locale(r->locale);
	}
	if (!csrf_ok(r))
		return api_fail(r, HV_EFORBID, NULL, "missing or wrong X-CSRF-Token header");
	if (r->user.must_change_pw && !(hit->flags & PW_CHANGE))
		return api_fail(r, HV_EPWCHANGE, NULL, "you must change your password before continuing");
	if (strcmp(r->method, "GET"))
		return hit->fn(r);
	/* A read sees one snapshot and takes the WAL read lock once, not once per query. */
	if (!(hit->flags & OWN_TX) && store_begin(r->st, 0))
		return api_fail(r, HV_EBUSY, NULL, "the database is busy; try again");
	rc = hit->fn(r);
	if (!(hit->flags & OWN_TX))
		store_rollback(r->st);
	return rc;
}

int api_blocks(const char *method, const char *path)
{
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return 1;
	char caps[4][64];
	const char *params[4];
	for (size_t i = 0; i < sizeof routes / sizeof *routes; i++)
		if (!strcmp(routes[i].method, "GET") && match(routes[i].pattern, path, caps, params))
			return (routes[i].flags & OWN_TX) != 0;
	return 0;
}

void api_handle(struct req *r)
{
	err_init(&r->err);
	buf_init(&r->out, 0);
	buf_init(&r->reason, 1000);
	r->status = 200;
	r->no_store = 1;
	r->locale = accept_language(r);
	err_locale(r->locale);
	r->conf = conf_acquire();
	int rc = r->conf ? dispatch(r) : api_fail(r, HV_EBUSY, NULL, "the configuration is not loaded");
	if (rc) {
		if (!r->err.code)
			err_set(&r->err, rc, NULL, "%s", rc == -HV_EIO ? "storage error" : err_code_str(rc));
		error_body(r);
	}
	conf_release(r->conf);
	r->conf = NULL;
	err_locale(NULL);
	user_release(&r->user);
	err_release(&r->err);
	buf_release(&r->reason);
}
