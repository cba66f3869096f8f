/* session: sign-in and sign-out, the current session, own password change, request
 * authentication (cookie or bearer token), health and the test clock. */
#include "api.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "sec/audit.h"
#include "sec/password.h"
#include "sec/throttle.h"
#include "sec/token.h"
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define COOKIE "haven_session"

int api_healthz(struct req *r)
{
	r->no_store = 0;
	return api_reply(r, 200, json_pack("{s:s}", "status", "ok"));
}

int api_test_clock(struct req *r)
{
	json_t *b;
	int rc = api_body(r, &b);
	if (rc)
		return rc;
	clock_advance(json_integer_value(json_object_get(b, "advance_seconds")));
	json_decref(b);
	return api_reply(r, 200, json_pack("{s:o}", "now", api_time(clock_now())));
}

static int load_user(struct req *r, const char *user_id)
{
	if (store_user_get(r->st, user_id, &r->user, 0) || r->user.disabled)
		return -HV_EUNAUTH;
	r->authed = 1;
	return 0;
}

/* Session activity not yet written. Reads must not wait for a durable write just to extend a
 * session, so activity is kept here and written by serve once a second (api_sessions_flush).
 * A full neighbourhood drops a touch: that session may then idle out up to a minute early. */
#define TOUCH_SLOTS 4096
#define TOUCH_PROBE 8
static struct touch {
	char hash[65];
	int64_t at;
} touches[TOUCH_SLOTS];
static pthread_mutex_t touch_mu = PTHREAD_MUTEX_INITIALIZER;

static size_t touch_home(const char *hash)
{
	return (size_t)strtoul(hash + 56, NULL, 16) % TOUCH_SLOTS; /* hash: SHA-256 hex */
}

/* The latest unwritten activity of a session (0 if none); with now != 0, records activity. */
static int64_t touch(const char *hash, int64_t now)
{
	int64_t at = 0;
	size_t home = touch_home(hash);
	pthread_mutex_lock(&touch_mu);
	for (size_t i = 0; i < TOUCH_PROBE; i++) {
		struct touch *t = &touches[(home + i) % TOUCH_SLOTS];
		if (!strcmp(t->hash, hash) || (now && !t->at)) {
			if (now) {
				memcpy(t->hash, hash, sizeof t->hash);
				t->at = now;
			}
			at = t->at;
			break;
		}
	}
	pthread_mutex_unlock(&touch_mu);
	return at;
}

int api_sessions_flush(struct store *st)
{
	static struct touch batch[TOUCH_SLOTS];
	size_t n = 0;
	pthread_mutex_lock(&touch_mu);
	for (size_t i = 0; i < TOUCH_SLOTS; i++)
		if (touches[i].at) {
			batch[n++] = touches[i];
			touches[i].at = 0;
			touches[i].hash[0] = '\0';
		}
	pthread_mutex_unlock(&touch_mu);
	if (!n)
		return 0;
	int rc = store_begin(st, 1);
	for (size_t i = 0; !rc && i < n; i++)
		rc = store_session_touch(st, batch[i].hash, batch[i].at);
	rc = rc ? rc : store_commit(st);
	if (rc)
		store_rollback(st);
	return rc;
}

static int from_cookie(struct req *r, const char *secret)
{
	token_hash(secret, r->sess_hash);
	if (store_session_get(r->st, r->sess_hash, &r->sess))
		return -HV_EUNAUTH;
	int64_t now = clock_now(), seen = touch(r->sess_hash, 0);
	if (seen > r->sess.last_seen)
		r->sess.last_seen = seen;
	const struct api_config *c = api_config();
	/* An expired session is refused here and deleted by serve's minute sweep. */
	if (now - r->sess.last_seen > c->idle_timeout || now - r->sess.created_at > c->absolute_timeout)
		return -HV_EUNAUTH;
	/* A minute's precision is plenty for a 30-minute idle timeout. */
	if (now - r->sess.last_seen >= 60)
		touch(r->sess_hash, now);
	r->via_cookie = 1;
	return load_user(r, r->sess.user_id);
}

static int from_bearer(struct req *r, const char *secret)
{
	char h[65];
	token_hash(secret, h);
	if (store_token_get(r->st, h, &r->sess) || r->sess.expires_at <= clock_now())
		return -HV_EUNAUTH;
	return load_user(r, r->sess.user_id);
}

int api_authenticate(struct req *r)
{
	const char *auth = r->header(r->conn, "Authorization");
	const char *cookie = r->cookie(r->conn, COOKIE);
	int rc = -HV_EUNAUTH;
	if (auth && !strncasecmp(auth, "Bearer ", 7))
		rc = from_bearer(r, auth + 7);
	else if (cookie)
		rc = from_cookie(r, cookie);
	if (rc)
		return api_fail(r, HV_EUNAUTH, NULL, "sign in to continue");
	return 0;
}

int api_revoke_user(struct req *r, const char *user_id, const char *keep)
{
	return store_credentials_revoke(r->st, user_id, keep) ? api_fail(r, HV_EIO, NULL, "storage error") : 0;
}

static json_t *session_json(struct req *r, const char *csrf)
{
	return json_pack("{s:o,s:s}", "user", api_user_json(&r->user), "csrf_token", csrf);
}

static int throttled(struct req *r, const char *account_key, const char *ip_key)
{
	int64_t w1 = throttle_wait(account_key, 0), w2 = throttle_wait(ip_key, 1);
	int64_t w = w1 > w2 ? w1 : w2;
	if (!w)
		return 0;
	r->retry_after = (int)w;
	return api_fail(r, HV_ERATE, NULL, "too many failed sign-ins; try again in %lld seconds", (long long)w);
}

static int bad_credentials(struct req *r, const char *username, int known, const char *akey, const char *ikey)
{
	throttle_fail(akey, 0);
	throttle_fail(ikey, 1);
	struct audit_event ev = {.client = r->client, .action = "session.failed"};
	char h[65];
	if (known) {
		ev.user_id = r->user.id;
	} else {
		audit_actor_hash(username, h); /* never store what an unknown user typed */
		ev.actor_hash = h;
	}
	audit_read(&ev);
	return api_fail(r, HV_EUNAUTH, NULL, "wrong username or password");
}

int api_session_create(struct req *r)
{
	json_t *b;
	int rc = api_body(r, &b);
	if (rc)
		return rc;
	static const char *const keys[] = {"username", "password", NULL};
	const char *username = json_get_str(b, "username"), *password = json_get_str(b, "password");
	rc = json_only_keys(b, keys, &r->err);
	if (!rc && (!username || strlen(username) > 64))
		rc = api_fail(r, HV_EVALID, "username", "is required (at most 64 characters)");
	if (!rc && (!password || strlen(password) > 1024))
		rc = api_fail(r, HV_EVALID, "password", "is required (at most 1024 bytes)");
	/* Usernames are lower case; a phone keyboard's capital first letter must not matter, and
	 * case variants of one name share one throttle. */
	char lower[65] = "", akey[128], ikey[80];
	for (size_t i = 0; !rc && username[i] && i < sizeof lower - 1; i++) {
		lower[i] = (char)(username[i] >= 'A' && username[i] <= 'Z' ? username[i] + 32 : username[i]);
		lower[i + 1] = '\0';
	}
	if (!rc) {
		snprintf(akey, sizeof akey, "u:%s", lower);
		snprintf(ikey, sizeof ikey, "ip:%s", r->client);
		rc = throttled(r, akey, ikey);
	}
	if (rc) {
		json_decref(b);
		return rc;
	}
	int known = store_user_by_name(r->st, lower, &r->user, 1) == 0;
	rc = password_verify(known ? r->user.pw_hash : NULL, password);
	if (rc == -HV_ERATE) {
		r->retry_after = 1;
		rc = api_fail(r, HV_ERATE, NULL, "the server is busy signing in others; try again in a second");
	} else if (rc || r->user.disabled) {
		rc = bad_credentials(r, username, known, akey, ikey);
	}
	json_decref(b);
	if (rc)
		return rc;
	throttle_success(akey);
	r->authed = 1;
	char secret[TOKEN_LEN], hash[65];
	struct session s = {0};
	token_new(secret);
	token_hash(secret, hash);
	token_new(s.csrf);
	snprintf(s.user_id, sizeof s.user_id, "%s", r->user.id);
	s.created_at = s.last_seen = clock_now();
	struct audit_tx *tx = NULL;
	rc = api_tx_begin(r);
	if (!rc)
		rc = store_session_insert(r->st, hash, &s) ? api_fail(r, HV_EIO, NULL, "storage error") : 0;
	if (!rc)
		rc = api_tx_audit(r, &tx, "session.create", "user", r->user.id, NULL);
	if ((rc = api_tx_end(r, rc, tx)))
		return rc;
	snprintf(r->set_cookie, sizeof r->set_cookie, COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict%s", secret,
		 api_config()->secure_cookies ? "; Secure" : "");
	sodium_memzero(secret, sizeof secret);
	return api_reply(r, 200, session_json(r, s.csrf));
}

int api_session_get(struct req *r)
{
	if (!r->via_cookie)
		return api_reply(r, 200, json_pack("{s:o}", "user", api_user_json(&r->user)));
	return api_reply(r, 200, session_json(r, r->sess.csrf));
}

int api_session_delete(struct req *r)
{
	struct audit_tx *tx = NULL;
	int rc = api_tx_begin(r);
	if (!rc && r->via_cookie)
		store_session_delete(r->st, r->sess_hash);
	if (!rc)
		rc = api_tx_audit(r, &tx, "session.delete", "user", r->user.id, NULL);
	if ((rc = api_tx_end(r, rc, tx)))
		return rc;
	snprintf(r->set_cookie, sizeof r->set_cookie, COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	return api_reply(r, 204, NULL);
}

int api_password_change(struct req *r)
{
	json_t *b;
	int rc = api_body(r, &b);
	if (rc)
		return rc;
	static const char *const keys[] = {"current_password", "new_password", NULL};
	const char *cur = json_get_str(b, "current_password"), *pw = json_get_str(b, "new_password");
	rc = json_only_keys(b, keys, &r->err);
	if (!rc && !cur)
		rc = api_fail(r, HV_EVALID, "current_password", "is required");
	if (!rc && !pw)
		rc = api_fail(r, HV_EVALID, "new_password", "is required");
	if (!rc)
		rc = password_policy(pw, r->user.username, "new_password", &r->err);
	struct user full = {0};
	if (!rc && store_user_get(r->st, r->user.id, &full, 1))
		rc = api_fail(r, HV_EIO, NULL, "storage error");
	int v = rc ? 0 : password_verify(full.pw_hash, cur);
	if (v == -HV_ERATE)
		rc = api_fail(r, HV_ERATE, NULL, "the server is busy; try again in a second");
	else if (v)
		rc = api_fail(r, HV_EVALID, "current_password", "is not your current password");
	if (!rc && !strcmp(cur, pw))
		rc = api_fail(r, HV_EVALID, "new_password", "must differ from the current password");
	char hash[PASSWORD_HASH_MAX];
	if (!rc && password_hash(pw, hash))
		rc = api_fail(r, HV_ERATE, NULL, "the server is busy; try again in a second");
	json_decref(b);
	user_release(&full);
	if (rc)
		return rc;
	r->user.must_change_pw = 0;
	struct audit_tx *tx = NULL;
	rc = api_tx_begin(r);
	if (!rc && store_user_set_password(r->st, r->user.id, hash, 0, clock_now()))
		rc = api_fail(r, HV_EIO, NULL, "storage error");
	if (!rc) /* other sessions end; this one (if a session) stays */
		rc = api_revoke_user(r, r->user.id, r->via_cookie ? r->sess_hash : "none");
	if (!rc)
		rc = api_tx_audit(r, &tx, "user.password", "user", r->user.id, NULL);
	sodium_memzero(hash, sizeof hash);
	rc = api_tx_end(r, rc, tx);
	return rc ? rc : api_reply(r, 204, NULL);
}
