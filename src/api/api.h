/* api: the JSON API, independent of the HTTP library. A front end (http/server.c) fills a
 * struct req, calls api_handle, and sends what it produced. Handlers live one file per
 * resource (session.c, admin.c, tokens.c, cases.c, audit_api.c) and are listed in the route
 * table in api.c. */
#ifndef HV_API_H
#define HV_API_H
#include <jansson.h>
#include <stdint.h>
#include "base/buf.h"
#include "base/err.h"
#include "api/conf.h"
#include "store/store.h"

#define API_MAX_BODY (1024 * 1024)

struct api_config {
	const char *db_path;
	int64_t idle_timeout;     /* seconds, default 30 min */
	int64_t absolute_timeout; /* seconds, default 12 h */
	int secure_cookies;       /* add Secure (behind TLS) */
	const char *trusted_proxies; /* comma-separated addresses whose X-Forwarded-For is believed */
};

struct req {
	/* filled by the front end */
	const char *method;
	const char *path;
	const char *(*header)(void *conn, const char *name);
	const char *(*query)(void *conn, const char *name);
	const char *(*cookie)(void *conn, const char *name);
	void *conn;
	const char *body;
	size_t body_len;
	int body_too_big;
	char peer[64];   /* socket peer address */
	char rid[20];    /* request id for logs */

	/* produced by the API */
	int status;
	struct buf out;
	char etag[32];
	char set_cookie[256];
	int retry_after;
	int no_store;

	/* per-request state */
	char client[64]; /* the client address after trusted-proxy resolution */
	const char *params[4];
	struct store *st;
	int authed, via_cookie;
	struct user user;
	struct session sess;
	char sess_hash[65];
	struct err err;
	struct buf reason; /* decoded X-Access-Reason */
	struct conf *conf; /* the configuration this request runs under */
	const char *rtype; /* the record type of a generic record route ("case") */
	const char *locale; /* the reader's language: Accept-Language if Haven has it, else the profile's */
	char action[48];   /* scratch for "<rtype>.<verb>" (records_action) */
	char content_type[48]; /* a reply that is not JSON (a file): its type ... */
	char disposition[96];  /* ... and its Content-Disposition */
};

int api_init(const struct api_config *cfg, struct err *e);
void api_shutdown(void);
void api_handle(struct req *r);
/* Whether a request may block on slow work (password hashing, a durable commit): every
 * method but GET, and GETs that commit first. The front end runs those off its event loop. */
int api_blocks(const char *method, const char *path);
const struct api_config *api_config(void);

/* ---- helpers shared by the handlers (util.c) ---- */
int api_fail(struct req *r, int code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int api_body(struct req *r, json_t **out);      /* parses the JSON object body */
int api_reply(struct req *r, int status, json_t *v); /* steals v */
int api_page(struct req *r, const json_t *obj, int *page, int *per);
/* The language to answer in: ?locale= (one of en, fr, es, ar, else 422), or the reader's
 * (Accept-Language or profile; its language subtag), else English. */
int api_locale(struct req *r, const char **out);
/* The version of If-Match ("3", W/"3"): 0, or 428 without one, 400 when malformed. */
int api_if_match(struct req *r, int64_t *version);
/* A required or optional string member key of b, valid UTF-8 of at most max characters (a
 * required one not empty): 0 with *out (NULL when absent), or a 422 naming key. */
int api_text_member(struct req *r, const json_t *b, const char *key, int required, size_t max, const char **out);
json_t *api_time(int64_t t);
/* A string member key of b that is one of allowed (*out), or a 422 listing them. */
int api_enum_member(struct req *r, const json_t *b, const char *key, const char *const *allowed, const char **out);
/* The words, in the reader's language, for a status or purpose code a message names (the
 * code itself when it has none). */
const char *api_label(const char *code);
/* Whether s is one of the strings of the NULL-terminated list (NULL s: no). */
int api_one_of(const char *s, const char *const *list);
json_t *api_user_json(const struct user *u);
json_t *api_userref_json(const struct userref *u);
/* {"id","username","full_name"} of user id, and {"id","name","code","type"} of agency id (empty
 * names when unknown). */
json_t *api_userref(struct req *r, const char *id);
json_t *api_agencyref(struct req *r, const char *id);
/* An agency by id, from a small in-process cache (agencies cannot change in this round:
 * there is no update endpoint, so entries never go stale). 0 or -HV_ENOTFOUND. */
int api_agency_get(struct req *r, const char *id, struct agency *out);
/* Write transactions with their audit entry: api_tx_begin, the writes, api_tx_audit, then
 * api_tx_end, which commits or rolls back (and requeues a rolled-back audit batch). */
struct audit_tx;
int api_tx_begin(struct req *r);
int api_tx_audit(struct req *r, struct audit_tx **tx, const char *action, const char *type,
		 const char *ids, const char *reason);
/* Commits when rc is 0, else rolls back (safe when nothing began); returns the outcome. */
int api_tx_end(struct req *r, int rc, struct audit_tx *tx);
void api_audit_read(struct req *r, const char *action, const char *type, const char *ids, const char *reason);

/* ---- handlers ---- */
#define API_HANDLERS(X)                                                                           \
	X(healthz) X(session_create) X(session_get) X(session_delete) X(password_change)            \
	X(tokens_create) X(tokens_list) X(tokens_delete) X(agencies_list) X(agencies_create)        \
	X(users_list) X(users_create) X(users_get) X(users_patch) X(cases_create) X(cases_get)      \
	X(cases_patch) X(cases_delete) X(cases_list) X(cases_search) X(notes_create) X(notes_list)  \
	X(cases_assign) X(cases_history) X(audit_list) X(test_clock) X(records_transition)           \
	X(records_approve) X(records_approvals) X(tasks_list) X(tasks_patch) X(forms_list)           \
	X(config_create) X(config_get) X(config_put) X(lookups_list) X(locations_list)                \
	X(attachments_create) X(attachments_get) X(screening_tools) X(screenings_create)                 \
	X(screenings_get) X(cases_screenings) X(services_search) X(services_get) X(services_create)       \
	X(services_put) X(services_import) X(consents_create) X(consents_list) X(consents_withdraw)          \
	X(referrals_create) X(case_referrals) X(referrals_list) X(referrals_get) X(referrals_patch)          \
	X(transfers_create) X(transfers_request) X(transfers_list) X(transfers_get) X(transfers_patch)       \
	X(cases_duplicates) X(case_matches) X(tracing_matches) X(tracing_match_decide)      \
	X(cases_merge) X(merges_undo) X(duplicates_list) X(duplicates_patch)
#define API_DECL(name) int api_##name(struct req *r);
API_HANDLERS(API_DECL)
#undef API_DECL

/* session.c: resolves the cookie or bearer token into r->user; 0 or -HV_EUNAUTH. */
int api_authenticate(struct req *r);
/* Writes the session activity recorded since the last call (serve calls it once a second). */
int api_sessions_flush(struct store *st);
/* Ends every session and token of a user (in the caller's transaction). */
int api_revoke_user(struct req *r, const char *user_id, const char *keep_session_hash);

#endif
