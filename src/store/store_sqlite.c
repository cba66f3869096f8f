/* store_sqlite: the SQLite backend of store.h. WAL, synchronous=FULL, foreign keys, secure
 * delete; prepared statements cached per handle; migrations embedded from sql/sqlite/. */
#include "store.h"
#include "base/alloc.h"
#include "base/asset.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/text.h"
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STMT_CACHE 256

struct store {
	sqlite3 *db;
	int in_tx;
	struct {
		char *sql;
		sqlite3_stmt *s;
	} cache[STMT_CACHE];
	int ncache;
};

/* ---- plumbing ---------------------------------------------------------------------------- */

static int fail(struct store *st, int rc, struct err *e, const char *what)
{
	int ext = sqlite3_extended_errcode(st->db);
	if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
		return err_set(e, HV_ECONFLICT, NULL, "%s already exists", what);
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return err_set(e, HV_EBUSY, NULL, "the database is busy; try again");
	log_event(LOG_ERROR, "store_error", "op=%s rc=%d msg=\"%s\"", what, ext, sqlite3_errmsg(st->db));
	return err_set(e, HV_EIO, NULL, "storage error");
}

static sqlite3_stmt *stmt(struct store *st, const char *sql)
{
	for (int i = 0; i < st->ncache; i++)
		if (!strcmp(st->cache[i].sql, sql)) {
			sqlite3_reset(st->cache[i].s);
			sqlite3_clear_bindings(st->cache[i].s);
			return st->cache[i].s;
		}
	/* Every static statement fits (about 140); only dynamic queries beyond that evict. */
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) {
		log_event(LOG_ERROR, "store_prepare", "msg=\"%s\"", sqlite3_errmsg(st->db));
		BUG("SQL failed to prepare");
	}
	if (st->ncache == STMT_CACHE) { /* dynamic queries: evict the oldest */
		sqlite3_finalize(st->cache[0].s);
		free(st->cache[0].sql);
		memmove(st->cache, st->cache + 1, sizeof st->cache[0] * (STMT_CACHE - 1));
		st->ncache--;
	}
	st->cache[st->ncache].sql = xstrdup(sql);
	st->cache[st->ncache++].s = s;
	return s;
}

static void bt(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

static void bi(sqlite3_stmt *s, int i, int64_t v)
{
	sqlite3_bind_int64(s, i, v);
}

/* Copies a text column into a fixed field; returns 1 when it did not fit (cut at a UTF-8
 * character boundary, so the field stays valid text). */
static int cpy(sqlite3_stmt *s, int col, char *dst, size_t n)
{
	const char *v = (const char *)sqlite3_column_text(s, col);
	size_t full = v ? (size_t)sqlite3_column_bytes(s, col) : 0, len = full;
	if (len >= n) {
		len = n - 1;
		while (len && ((unsigned char)v[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(dst, v ? v : "", len);
	dst[len] = '\0';
	return len != full;
}

static char *dup(sqlite3_stmt *s, int col)
{
	const char *v = (const char *)sqlite3_column_text(s, col);
	return v ? xstrdup(v) : NULL;
}

static int64_t ci(sqlite3_stmt *s, int col)
{
	return sqlite3_column_int64(s, col);
}

/* Runs a statement that returns no rows. */
static int run(struct store *st, sqlite3_stmt *s, struct err *e, const char *what)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : fail(st, rc, e, what);
}

/* Steps a single-row query: 0 with a row, -HV_ENOTFOUND without. Caller reads, then resets. */
static int one(struct store *st, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		return 0;
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? -HV_ENOTFOUND : fail(st, rc, NULL, "read");
}

static int exec(struct store *st, const char *sql, struct err *e)
{
	char *msg = NULL;
	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_event(LOG_ERROR, "store_exec", "msg=\"%s\"", msg ? msg : "");
		sqlite3_free(msg);
		return err_set(e, HV_EIO, NULL, "storage error");
	}
	return 0;
}

/* ---- lifecycle and transactions ---------------------------------------------------------- */

static void global_init(void)
{
	/* Memory statistics take a global lock on every allocation; Haven does not read them. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int store_open(struct store **out, const char *path, int create, struct err *e)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, global_init);
	*out = NULL;
	sqlite3 *db = NULL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return err_set(e, HV_EIO, NULL, "cannot open database %s", path);
	}
	struct store *st = xcalloc(1, sizeof *st);
	st->db = db;
	sqlite3_busy_timeout(db, 10000);
	int rc = exec(st, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
			  "PRAGMA secure_delete=ON; PRAGMA trusted_schema=OFF;", e);
	if (rc) {
		store_close(st);
		return rc;
	}
	*out = st;
	return 0;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	for (int i = 0; i < st->ncache; i++) {
		sqlite3_finalize(st->cache[i].s);
		free(st->cache[i].sql);
	}
	sqlite3_close(st->db);
	free(st);
}

/* SQLite has one writer at a time. Writers of this process queue on a mutex, in order,
 * instead of polling the database lock with sleeps (which gives long tail latencies);
 * other processes (CLI commands) still meet the busy timeout. */
static pthread_mutex_t write_mu = PTHREAD_MUTEX_INITIALIZER;

/* Transaction control through cached statements: sqlite3_exec would parse them each time. */
static int tx_step(struct store *st, const char *sql)
{
	sqlite3_stmt *s = stmt(st, sql);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : -HV_EIO;
}

int store_begin(struct store *st, int write)
{
	if (write)
		pthread_mutex_lock(&write_mu);
	int rc = tx_step(st, write ? "BEGIN IMMEDIATE" : "BEGIN");
	if (rc) {
		if (write)
			pthread_mutex_unlock(&write_mu);
		return -HV_EBUSY;
	}
	st->in_tx = write ? 2 : 1;
	return 0;
}

static void tx_end(struct store *st)
{
	if (st->in_tx == 2)
		pthread_mutex_unlock(&write_mu);
	st->in_tx = 0;
}

int store_commit(struct store *st)
{
	int rc = tx_step(st, "COMMIT");
	if (rc) {
		log_event(LOG_ERROR, "store_commit", "msg=\"%s\"", sqlite3_errmsg(st->db));
		if (!sqlite3_get_autocommit(st->db))
			tx_step(st, "ROLLBACK");
	}
	tx_end(st);
	return rc;
}

void store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		tx_step(st, "ROLLBACK");
	tx_end(st);
}

int store_schema_version(struct store *st)
{
	sqlite3_stmt *s = NULL;
	int v = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT max(version) FROM schema_migrations", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

int store_is_initialised(struct store *st)
{
	return store_schema_version(st) > 0;
}

int store_migrate(struct store *st, int *from, int *to, struct err *e)
{
	int rc = exec(st, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
			  " name TEXT NOT NULL, applied_at INTEGER NOT NULL)", e);
	if (rc)
		return rc;
	int cur = store_schema_version(st);
	*from = *to = cur;
	/* Migrations are embedded as sql/sqlite/NNNN_name.sql, in name order. */
	for (const struct asset *a = assets; a->name; a++) {
		if (strncmp(a->name, "sql/sqlite/", 11))
			continue;
		int v = (int)strtol(a->name + 11, NULL, 10);
		if (v <= cur)
			continue;
		if (v != *to + 1)
			return err_set(e, HV_EINTERNAL, NULL, "migration %d is missing", *to + 1);
		rc = exec(st, "BEGIN IMMEDIATE", e);
		if (!rc)
			rc = exec(st, (const char *)a->data, e);
		if (!rc) {
			sqlite3_stmt *s = stmt(st, "INSERT INTO schema_migrations(version, name, applied_at)"
						   " VALUES (?1, ?2, strftime('%s','now'))");
			bi(s, 1, v);
			bt(s, 2, a->name + 11);
			rc = run(st, s, e, "migration");
		}
		if (!rc)
			rc = exec(st, "COMMIT", e);
		if (rc) {
			store_rollback(st);
			return rc;
		}
		*to = v;
	}
	return 0;
}

/* ---- agencies ---------------------------------------------------------------------------- */

#define AGENCY_COLS "id, name, type, code, created_at"

static void agency_row(sqlite3_stmt *s, struct agency *a)
{
	cpy(s, 0, a->id, sizeof a->id);
	cpy(s, 1, a->name, sizeof a->name);
	cpy(s, 2, a->type, sizeof a->type);
	cpy(s, 3, a->code, sizeof a->code);
	a->created_at = ci(s, 4);
}

int store_agency_insert(struct store *st, const struct agency *a, struct err *e)
{
	sqlite3_stmt *s = stmt(st, "INSERT INTO agencies(" AGENCY_COLS ") VALUES (?1, ?2, ?3, ?4, ?5)");
	bt(s, 1, a->id);
	bt(s, 2, a->name);
	bt(s, 3, a->type);
	bt(s, 4, a->code);
	bi(s, 5, a->created_at);
	return run(st, s, e, "an agency with this name or code");
}

static int agency_by(struct store *st, const char *sql, const char *key, struct agency *out)
{
	sqlite3_stmt *s = stmt(st, sql);
	bt(s, 1, key);
	int rc = one(st, s);
	if (!rc) {
		agency_row(s, out);
		sqlite3_reset(s);
	}
	return rc;
}

int store_agency_get(struct store *st, const char *id, struct agency *out)
{
	return agency_by(st, "SELECT " AGENCY_COLS " FROM agencies WHERE id = ?1", id, out);
}

int store_agency_by_name(struct store *st, const char *name, struct agency *out)
{
	return agency_by(st, "SELECT " AGENCY_COLS " FROM agencies WHERE name = ?1", name, out);
}

int store_agency_list(struct store *st, struct agency **out, size_t *n)
{
	sqlite3_stmt *s = stmt(st, "SELECT " AGENCY_COLS " FROM agencies ORDER BY name");
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap)
			*out = xreallocarray(*out, cap = cap ? cap * 2 : 8, sizeof **out);
		agency_row(s, &(*out)[(*n)++]);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return 0;
	free(*out); /* a failed list leaves nothing for the caller to free */
	*out = NULL;
	*n = 0;
	return fail(st, rc, NULL, "agency list");
}

/* ---- users ------------------------------------------------------------------------------- */

#define USER_COLS "u.id, u.username, u.full_name, u.role, u.agency_id, a.name, u.locale, u.disabled," \
		  " u.must_change_pw, u.created_at, u.updated_at, u.pw_hash"
#define USER_FROM " FROM users u JOIN agencies a ON a.id = u.agency_id"

static void user_row(sqlite3_stmt *s, struct user *u, int with_hash)
{
	cpy(s, 0, u->id, sizeof u->id);
	cpy(s, 1, u->username, sizeof u->username);
	cpy(s, 2, u->full_name, sizeof u->full_name);
	cpy(s, 3, u->role, sizeof u->role);
	cpy(s, 4, u->agency_id, sizeof u->agency_id);
	cpy(s, 5, u->agency_name, sizeof u->agency_name);
	cpy(s, 6, u->locale, sizeof u->locale);
	u->disabled = (int)ci(s, 7);
	u->must_change_pw = (int)ci(s, 8);
	u->created_at = ci(s, 9);
	u->updated_at = ci(s, 10);
	u->pw_hash = with_hash ? dup(s, 11) : NULL;
}

void user_release(struct user *u)
{
	free(u->pw_hash);
	u->pw_hash = NULL;
}

void user_list_free(struct user *u, size_t n)
{
	for (size_t i = 0; i < n; i++)
		user_release(&u[i]);
	free(u);
}

int store_user_insert(struct store *st, const struct user *u, struct err *e)
{
	sqlite3_stmt *s = stmt(st, "INSERT INTO users(id, username, full_name, role, agency_id, locale, pw_hash,"
				   " must_change_pw, disabled, created_at, updated_at)"
				   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)");
	bt(s, 1, u->id);
	bt(s, 2, u->username);
	bt(s, 3, u->full_name);
	bt(s, 4, u->role);
	bt(s, 5, u->agency_id);
	bt(s, 6, u->locale);
	bt(s, 7, u->pw_hash);
	bi(s, 8, u->must_change_pw);
	bi(s, 9, u->disabled);
	bi(s, 10, u->created_at);
	return run(st, s, e, "a user with this username");
}

static int user_by(struct store *st, const char *sql, const char *key, struct user *out, int with_hash)
{
	sqlite3_stmt *s = stmt(st, sql);
	bt(s, 1, key);
	int rc = one(st, s);
	if (!rc) {
		user_row(s, out, with_hash);
		sqlite3_reset(s);
	}
	return rc;
}

int store_user_get(struct store *st, const char *id, struct user *out, int with_hash)
{
	return user_by(st, "SELECT " USER_COLS USER_FROM " WHERE u.id = ?1", id, out, with_hash);
}

int store_user_by_name(struct store *st, const char *username, struct user *out, int with_hash)
{
	return user_by(st, "SELECT " USER_COLS USER_FROM " WHERE u.username = ?1", username, out, with_hash);
}

int store_user_update(struct store *st, const struct user *u, int set_hash, struct err *e)
{
	sqlite3_stmt *s = stmt(st, "UPDATE users SET full_name = ?2, role = ?3, agency_id = ?4, locale = ?5,"
				   " disabled = ?6, must_change_pw = ?7, updated_at = ?8,"
				   " pw_hash = CASE WHEN ?9 THEN ?10 ELSE pw_hash END WHERE id = ?1");
	bt(s, 1, u->id);
	bt(s, 2, u->full_name);
	bt(s, 3, u->role);
	bt(s, 4, u->agency_id);
	bt(s, 5, u->locale);
	bi(s, 6, u->disabled);
	bi(s, 7, u->must_change_pw);
	bi(s, 8, u->updated_at);
	bi(s, 9, set_hash);
	bt(s, 10, set_hash ? u->pw_hash : NULL);
	int rc = run(st, s, e, "user");
	if (!rc && sqlite3_changes(st->db) == 0)
		return err_set(e, HV_ENOTFOUND, NULL, "no such user");
	return rc;
}

int store_user_set_password(struct store *st, const char *id, const char *hash, int must_change, int64_t now)
{
	sqlite3_stmt *s = stmt(st, "UPDATE users SET pw_hash = ?2, must_change_pw = ?3, updated_at = ?4 WHERE id = ?1");
	bt(s, 1, id);
	bt(s, 2, hash);
	bi(s, 3, must_change);
	bi(s, 4, now);
	int rc = run(st, s, NULL, "user");
	return !rc && sqlite3_changes(st->db) == 0 ? -HV_ENOTFOUND : rc;
}

int store_user_list(struct store *st, const char *agency_id, struct user **out, size_t *n)
{
	sqlite3_stmt *s = stmt(st, "SELECT " USER_COLS USER_FROM " WHERE ?1 IS NULL OR u.agency_id = ?1"
				   " ORDER BY u.username");
	bt(s, 1, agency_id);
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap)
			*out = xreallocarray(*out, cap = cap ? cap * 2 : 16, sizeof **out);
		user_row(s, &(*out)[(*n)++], 0);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return 0;
	user_list_free(*out, *n); /* a failed list leaves nothing for the caller to free */
	*out = NULL;
	*n = 0;
	return fail(st, rc, NULL, "user list");
}

/* ---- sessions and tokens ----------------------------------------------------------------- */

int store_session_insert(struct store *st, const char *hash, const struct session *ss)
{
	sqlite3_stmt *s = stmt(st, "INSERT INTO sessions(hash, user_id, csrf, created_at, last_seen)"
				   " VALUES (?1, ?2, ?3, ?4, ?4)");
	bt(s, 1, hash);
	bt(s, 2, ss->user_id);
	bt(s, 3, ss->csrf);
	bi(s, 4, ss->created_at);
	return run(st, s, NULL, "session");
}

int store_session_get(struct store *st, const char *hash, struct session *out)
{
	sqlite3_stmt *s = stmt(st, "SELECT user_id, csrf, created_at, last_seen FROM sessions WHERE hash = ?1");
	bt(s, 1, hash);
	int rc = one(st, s);
	if (rc)
		return rc;
	memset(out, 0, sizeof *out);
	cpy(s, 0, out->user_id, sizeof out->user_id);
	cpy(s, 1, out->csrf, sizeof out->csrf);
	out->created_at = ci(s, 2);
	out->last_seen = ci(s, 3);
	sqlite3_reset(s);
	return 0;
}

int store_session_touch(struct store *st, const char *hash, int64_t now)
{
	sqlite3_stmt *s = stmt(st, "UPDATE sessions SET last_seen = ?2 WHERE hash = ?1");
	bt(s, 1, hash);
	bi(s, 2, now);
	return run(st, s, NULL, "session");
}

int store_session_delete(struct store *st, const char *hash)
{
	sqlite3_stmt *s = stmt(st, "DELETE FROM sessions WHERE hash = ?1");
	bt(s, 1, hash);
	return run(st, s, NULL, "session");
}

int store_credentials_revoke(struct store *st, const char *user_id, const char *keep)
{
	sqlite3_stmt *s = stmt(st, "DELETE FROM sessions WHERE user_id = ?1 AND hash IS NOT ?2");
	bt(s, 1, user_id);
	bt(s, 2, keep);
	int rc = run(st, s, NULL, "session");
	if (rc || keep)
		return rc;
	s = stmt(st, "DELETE FROM tokens WHERE user_id = ?1");
	bt(s, 1, user_id);
	return run(st, s, NULL, "token");
}

int store_token_insert(struct store *st, const char *hash, const char *user_id, const struct token *t)
{
	sqlite3_stmt *s = stmt(st, "INSERT INTO tokens(id, hash, user_id, name, created_at, expires_at)"
				   " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	bt(s, 1, t->id);
	bt(s, 2, hash);
	bt(s, 3, user_id);
	bt(s, 4, t->name);
	bi(s, 5, t->created_at);
	bi(s, 6, t->expires_at);
	return run(st, s, NULL, "token");
}

int store_token_get(struct store *st, const char *hash, struct session *out)
{
	sqlite3_stmt *s = stmt(st, "SELECT user_id, id, created_at, expires_at FROM tokens WHERE hash = ?1");
	bt(s, 1, hash);
	int rc = one(st, s);
	if (rc)
		return rc;
	memset(out, 0, sizeof *out);
	cpy(s, 0, out->user_id, sizeof out->user_id);
	cpy(s, 1, out->token_id, sizeof out->token_id);
	out->created_at = ci(s, 2);
	out->expires_at = ci(s, 3);
	out->is_token = 1;
	sqlite3_reset(s);
	return 0;
}

int store_token_list(struct store *st, const char *user_id, struct token **out, size_t *n)
{
	sqlite3_stmt *s = stmt(st, "SELECT id, name, created_at, expires_at FROM tokens WHERE user_id = ?1"
				   " ORDER BY created_at DESC, id");
	bt(s, 1, user_id);
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap)
			*out = xreallocarray(*out, cap = cap ? cap * 2 : 8, sizeof **out);
		struct token *t = &(*out)[(*n)++];
		cpy(s, 0, t->id, sizeof t->id);
		cpy(s, 1, t->name, sizeof t->name);
		t->created_at = ci(s, 2);
		t->expires_at = ci(s, 3);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return 0;
	free(*out); /* a failed list leaves nothing for the caller to free */
	*out = NULL;
	*n = 0;
	return fail(st, rc, NULL, "token list");
}

int store_token_delete(struct store *st, const char *user_id, const char *id)
{
	sqlite3_stmt *s = stmt(st, "DELETE FROM tokens WHERE id = ?1 AND user_id = ?2");
	bt(s, 1, id);
	bt(s, 2, user_id);
	int rc = run(st, s, NULL, "token");
	if (!rc && sqlite3_changes(st->db) == 0)
		return -HV_ENOTFOUND;
	return rc;
}

int store_expired_delete(struct store *st, int64_t idle_before, int64_t created_before, int64_t now)
{
	sqlite3_stmt *s = stmt(st, "DELETE FROM sessions WHERE last_seen < ?1 OR created_at < ?2");
	bi(s, 1, idle_before);
	bi(s, 2, created_before);
	int rc = run(st, s, NULL, "session");
	if (rc)
		return rc;
	s = stmt(st, "DELETE FROM tokens WHERE expires_at <= ?1");
	bi(s, 1, now);
	return run(st, s, NULL, "token");
}

/* ---- records ----------------------------------------------------------------------------- */

#define REC_COLS "r.id, r.display_id, r.type, r.status, r.risk_level, r.owner_id, r.agency_id," \
		 " r.created_by, r.version, r.created_at, r.updated_at, r.deleted, r.data, r.stage," \
		 " r.name_hidden, r.form_versions"
#define REC_NCOLS 16

static void record_row(sqlite3_stmt *s, struct record *r)
{
	memset(r, 0, sizeof *r);
	cpy(s, 0, r->id, sizeof r->id);
	cpy(s, 1, r->display_id, sizeof r->display_id);
	cpy(s, 2, r->type, sizeof r->type);
	cpy(s, 3, r->status, sizeof r->status);
	cpy(s, 4, r->risk_level, sizeof r->risk_level);
	cpy(s, 5, r->owner_id, sizeof r->owner_id);
	cpy(s, 6, r->agency_id, sizeof r->agency_id);
	cpy(s, 7, r->created_by, sizeof r->created_by);
	r->version = ci(s, 8);
	r->created_at = ci(s, 9);
	r->updated_at = ci(s, 10);
	r->deleted = (int)ci(s, 11);
	r->data = dup(s, 12);
	cpy(s, 13, r->stage, sizeof r->stage);
	r->name_hidden = (int)ci(s, 14);
	r->form_versions = dup(s, 15);
}

void record_release(struct record *r)
{
	free(r->data);
	free(r->search_key);
	free(r->hidden_key);
	free(r->sort_name);
	free(r->form_versions);
	r->data = r->search_key = r->hidden_key = r->sort_name = r->form_versions = NULL;
}

void record_list_release(struct record_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		record_release(&l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

/* Replaces a record's entries in both search indexes (the hidden one only holds the names
 * of name_hidden records). */
static int search_key_set(struct store *st, const struct record *r, struct err *e)
{
	static const char *const del[] = {
		"DELETE FROM record_search WHERE rowid = (SELECT seq FROM records WHERE id = ?1)",
		"DELETE FROM record_search_hidden WHERE rowid = (SELECT seq FROM records WHERE id = ?1)"};
	static const char *const ins[] = {
		"INSERT INTO record_search(rowid, key) SELECT seq, ?2 FROM records WHERE id = ?1",
		"INSERT INTO record_search_hidden(rowid, key) SELECT seq, ?2 FROM records WHERE id = ?1"};
	const char *keys[] = {r->search_key, r->hidden_key};
	int rc = 0;
	for (int i = 0; !rc && i < 2; i++) {
		sqlite3_stmt *s = stmt(st, del[i]);
		bt(s, 1, r->id);
		rc = run(st, s, e, "search entry");
		if (rc || !keys[i] || !*keys[i])
			continue;
		s = stmt(st, ins[i]);
		bt(s, 1, r->id);
		bt(s, 2, keys[i]);
		rc = run(st, s, e, "search entry");
	}
	return rc;
}

int store_record_insert(struct store *st, const struct record *r, struct err *e)
{
	sqlite3_stmt *s = stmt(st, "INSERT INTO records(id, display_id, type, status, risk_level, owner_id,"
				   " agency_id, created_by, version, created_at, updated_at, deleted, sort_name, data,"
				   " stage, name_hidden, form_versions)"
				   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 0, ?12, ?13, ?14, ?15, ?16)");
	bt(s, 1, r->id);
	bt(s, 2, r->display_id);
	bt(s, 3, r->type);
	bt(s, 4, r->status);
	bt(s, 5, r->risk_level);
	bt(s, 6, r->owner_id);
	bt(s, 7, r->agency_id);
	bt(s, 8, r->created_by);
	bi(s, 9, r->version);
	bi(s, 10, r->created_at);
	bi(s, 11, r->updated_at);
	bt(s, 12, r->sort_name ? r->sort_name : "");
	bt(s, 13, r->data);
	bt(s, 14, r->stage);
	bi(s, 15, r->name_hidden);
	bt(s, 16, r->form_versions ? r->form_versions : "{}");
	int rc = run(st, s, e, "a record with this id");
	return rc ? rc : search_key_set(st, r, e);
}

int store_record_get(struct store *st, const char *id, struct record *out)
{
	sqlite3_stmt *s = stmt(st, "SELECT " REC_COLS " FROM records r WHERE r.id = ?1");
	bt(s, 1, id);
	int rc = one(st, s);
	if (!rc) {
		record_row(s, out);
		sqlite3_reset(s);
	}
	return rc;
}

int store_record_each(struct store *st, const char *type, int (*fn)(const struct record *, void *), void *ctx)
{
	sqlite3_stmt *s = stmt(st, "SELECT " REC_COLS " FROM records r WHERE r.type = ?1 AND r.deleted = 0 ORDER BY r.seq");
	bt(s, 1, type);
	int rc, stop = 0;
	struct record rec;
	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		record_row(s, &rec);
		stop = fn(&rec, ctx);
		record_release(&rec);
	}
	sqlite3_reset(s);
	return stop || rc == SQLITE_DONE ? 0 : fail(st, rc, NULL, "record scan");
}

int store_record_stamp(struct store *st, const char *type, int64_t *stamp)
{
	/* Every write of a record raises its version; an insert adds a row; a delete is a write. */
	sqlite3_stmt *s = stmt(st, "SELECT count(*) * 1000003 + coalesce(sum(version), 0) FROM records WHERE type = ?1");
	bt(s, 1, type);
	int rc = one(st, s);
	if (!rc) {
		*stamp = ci(s, 0);
		sqlite3_reset(s);
	}
	return rc;
}

int store_record_by_display_id(struct store *st, const char *display_id, struct record *out)
{
	sqlite3_stmt *s = stmt(st, "SELECT " REC_COLS " FROM records r WHERE r.display_id = ?1");
	bt(s, 1, display_id);
	int rc = one(st, s);
	if (!rc) {
		record_row(s, out);
		sqlite3_reset(s);
	}
	return rc;
}

int store_record_update(struct store *st, const struct record *r, int64_t expected, struct err *e)
{
	/* sort_name NULL: not re-derived by this change (assign, delete), keep the stored one. */
	sqlite3_stmt *s = stmt(st, "UPDATE records SET status = ?2, risk_level = ?3, owner_id = ?4, version = ?5,"
				   " updated_at = ?6, deleted = ?7, sort_name = coalesce(?8, sort_name), data = ?9,"
				   " stage = ?11, name_hidden = ?12, form_versions = coalesce(?13, form_versions), agency_id = ?14"
				   " WHERE id = ?1 AND version = ?10");
	bt(s, 1, r->id);
	bt(s, 2, r->status);
	bt(s, 3, r->risk_level);
	bt(s, 4, r->owner_id);
	bi(s, 5, r->version);
	bi(s, 6, r->updated_at);
	bi(s, 7, r->deleted);
	bt(s, 8, r->sort_name);
	bt(s, 9, r->data);
	bi(s, 10, expected);
	bt(s, 11, r->stage);
	bi(s, 12, r->name_hidden);
	bt(s, 13, r->form_versions);
	bt(s, 14, r->agency_id);
	int rc = run(st, s, e, "record");
	if (rc)
		return rc;
	if (sqlite3_changes(st->db) == 0)
		return err_set(e, HV_ESTALE, NULL, "the record was changed by someone else (version %lld is not current)",
			       (long long)expected);
	return r->search_key ? search_key_set(st, r, e) : 0;
}

/* The visibility predicate for a scope over alias r; parameters ?1 user, ?2 agency, ?3 since. */
static const char *scope_sql(enum scope_kind k)
{
	static const char *sql[] = {
		[SCOPE_NONE] = "0",
		[SCOPE_OWN] = "(r.agency_id = ?2 AND r.created_by = ?1 AND r.created_at > ?3)",
		[SCOPE_ASSIGNED] = ("(r.agency_id = ?2 AND (r.owner_id = ?1 OR EXISTS (SELECT 1 FROM record_assignees x"
				    " WHERE x.record_id = r.id AND x.user_id = ?1)))"),
		[SCOPE_AGENCY] = "r.agency_id = ?2",
		[SCOPE_ALL] = "1",
	};
	return sql[k];
}

static void scope_bind(sqlite3_stmt *s, const struct scope *sc)
{
	bt(s, 1, sc->user_id ? sc->user_id : "");
	bt(s, 2, sc->agency_id ? sc->agency_id : "");
	bi(s, 3, sc->created_after);
}

int store_record_visible(struct store *st, const char *id, const struct scope *sc)
{
	char sql[512];
	snprintf(sql, sizeof sql, "SELECT 1 FROM records r WHERE r.id = ?4 AND r.deleted = 0 AND %s",
		 scope_sql(sc->kind));
	sqlite3_stmt *s = stmt(st, sql);
	scope_bind(s, sc);
	bt(s, 4, id);
	int rc = one(st, s);
	if (!rc)
		sqlite3_reset(s);
	return rc;
}

static const char *sort_sql(const char *sort)
{
	static const struct {
		const char *key, *sql;
	} sorts[] = {
		{"updated_at", "r.updated_at, r.seq"},
		{"-updated_at", "r.updated_at DESC, r.seq DESC"},
		{"created_at", "r.created_at, r.seq"},
		{"-created_at", "r.created_at DESC, r.seq DESC"},
		{"display_id", "r.display_id"},
		{"-display_id", "r.display_id DESC"},
		{"name", "r.sort_name, r.seq"},
		{"-name", "r.sort_name DESC, r.seq DESC"},
	};
	for (size_t i = 0; i < sizeof sorts / sizeof *sorts; i++)
		if (sort && !strcmp(sort, sorts[i].key))
			return sorts[i].sql;
	return sorts[1].sql;
}

/* Builds the WHERE clause shared by the count and the page query; parameters ?1..?3 scope,
 * ?4 type, ?5 status, ?6 risk (?7, the text pattern, is bound in from_sql's subquery). */
static void where_sql(struct buf *b, const struct record_query *q)
{
	buf_addf(b, " WHERE r.deleted = 0 AND r.type = ?4 AND %s", scope_sql(q->scope.kind));
	if (q->status)
		buf_adds(b, " AND r.status = ?5");
	if (q->stage)
		buf_adds(b, " AND r.stage = ?10");
	if (q->risk_level)
		buf_adds(b, " AND r.risk_level = ?6");
	if (q->mine)
		buf_addf(b, " AND %s", scope_sql(SCOPE_ASSIGNED));
}

/* The FROM clause: with a text query, the matching search rows drive the join (CROSS JOIN
 * keeps SQLite from walking the whole agency first). Three or more characters use the
 * trigram index (a phrase query is a substring match); one or two scan word prefixes. */
static void from_sql(struct buf *b, const struct record_query *q)
{
	if (!q->q) {
		buf_adds(b, " FROM records r");
		return;
	}
	int phrase = text_codepoints(q->q) >= 3;
	buf_addf(b, " FROM (SELECT rowid AS seq FROM record_search WHERE %s", phrase ? "record_search MATCH ?7" : "key LIKE ?7 ESCAPE '\\'");
	if (q->hidden_names)
		buf_addf(b, " UNION SELECT rowid FROM record_search_hidden WHERE %s",
			 phrase ? "record_search_hidden MATCH ?7" : "key LIKE ?7 ESCAPE '\\'");
	buf_adds(b, ") m CROSS JOIN records r ON r.seq = m.seq");
}

static void query_bind(sqlite3_stmt *s, const struct record_query *q, const char *pattern)
{
	scope_bind(s, &q->scope);
	bt(s, 4, q->type);
	bt(s, 5, q->status);
	bt(s, 6, q->risk_level);
	bt(s, 7, pattern);
	bt(s, 10, q->stage);
}

/* The text pattern for the folded query: a quoted FTS5 phrase (quotes doubled) for three or
 * more characters; for one or two, a LIKE word-prefix pattern (the key starts with a space and
 * separates words with spaces) with LIKE's wildcards escaped. Such short queries scan the
 * search table either way, so ESCAPE (which stops SQLite using the trigram index) costs
 * nothing there. */
static void text_pattern(struct buf *p, const char *q)
{
	int phrase = text_codepoints(q) >= 3;
	buf_adds(p, phrase ? "\"" : "% ");
	for (const char *c = q; *c; c++) {
		if (phrase && *c == '"')
			buf_addch(p, '"');
		if (!phrase && (*c == '%' || *c == '_' || *c == '\\'))
			buf_addch(p, '\\');
		buf_addch(p, *c);
	}
	buf_adds(p, phrase ? "\"" : "%");
}

/* One pass: the inner query sorts only (seq, sort key) of every match and counts them with a
 * window function; the outer one reads the full rows of the page alone. A page past the end
 * has no row to carry the count, so only then is it counted separately. */
int store_record_query(struct store *st, const struct record_query *q, struct record_list *out)
{
	struct buf from = BUF_INIT, where = BUF_INIT, sql = BUF_INIT, pat = BUF_INIT;
	const char *order = sort_sql(q->sort);
	memset(out, 0, sizeof *out);
	if (q->q)
		text_pattern(&pat, q->q);
	from_sql(&from, q);
	where_sql(&where, q);
	buf_addf(&sql, "SELECT " REC_COLS ", p.total FROM (SELECT r.seq, count(*) OVER () AS total%s%s ORDER BY %s"
		       " LIMIT ?8 OFFSET ?9) p CROSS JOIN records r ON r.seq = p.seq ORDER BY %s",
		 from.p, where.p, order, order);
	sqlite3_stmt *s = stmt(st, sql.p);
	query_bind(s, q, q->q ? pat.p : NULL);
	bi(s, 8, q->per);
	bi(s, 9, (int64_t)(q->page - 1) * q->per);
	out->items = xcalloc((size_t)q->per, sizeof *out->items);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && out->n < (size_t)q->per) {
		record_row(s, &out->items[out->n++]);
		out->total = ci(s, REC_NCOLS);
	}
	sqlite3_reset(s);
	rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : fail(st, rc, NULL, "record list");
	if (!rc && !out->n && q->page > 1) {
		buf_reset(&sql);
		buf_addf(&sql, "SELECT count(*)%s%s", from.p, where.p);
		s = stmt(st, sql.p);
		query_bind(s, q, q->q ? pat.p : NULL);
		rc = one(st, s);
		if (!rc) {
			out->total = ci(s, 0);
			sqlite3_reset(s);
		}
	}
	buf_release(&from);
	buf_release(&where);
	buf_release(&sql);
	buf_release(&pat);
	if (rc)
		record_list_release(out);
	return rc == -HV_ENOTFOUND ? -HV_EIO : rc;
}

int store_record_purge(struct store *st, const char *id)
{
	static const char *const sql[] = {
		"DELETE FROM record_search WHERE rowid = (SELECT seq FROM records WHERE id = ?1)",
		"DELETE FROM record_search_hidden WHERE rowid = (SELECT seq FROM records WHERE id = ?1)",
		"DELETE FROM tasks WHERE record_id = ?1",
		"DELETE FROM attachments WHERE record_id = ?1",
		"DELETE FROM screenings WHERE record_id = ?1",
		"DELETE FROM consent_uses WHERE consent_id IN (SELECT id FROM consents WHERE record_id = ?1)",
		"DELETE FROM consents WHERE record_id = ?1",
		"DELETE FROM referrals WHERE record_id = ?1",
		"DELETE FROM transfers WHERE record_id = ?1",
		"DELETE FROM record_links WHERE from_id = ?1 OR to_id = ?1",
		"DELETE FROM tracing_matches WHERE request_id = ?1 OR case_id = ?1",
		"DELETE FROM merges WHERE kept_id = ?1 OR merged_id = ?1",
		"DELETE FROM duplicate_queue WHERE a_id = ?1 OR b_id = ?1",
		"DELETE FROM approvals WHERE record_id = ?1",
		"DELETE FROM history WHERE record_id = ?1",
		"DELETE FROM notes WHERE record_id = ?1",
		"DELETE FROM record_assignees WHERE record_id = ?1",
		"DELETE FROM records WHERE id = ?1",
	};
	for (size_t i = 0; i < sizeof sql / sizeof *sql; i++) {
		sqlite3_stmt *s = stmt(st, sql[i]);
		bt(s, 1, id);
		int rc = run(st, s, NULL, "purge");
		if (rc)
			return rc;
		if (i == sizeof sql / sizeof *sql - 1 && sqlite3_changes(st->db) == 0)
			return -HV_ENOTFOUND;
	}
	/* Merge the trigram indexes so no segment keeps the erased name's tokens. */
	int rc = exec(st, "INSERT INTO record_search(record_search) VALUES ('optimize')", NULL);
	return rc ? rc : exec(st, "INSERT INTO record_search_hidden(record_search_hidden) VALUES ('optimize')", NULL);
}

/* ---- assignment, history, notes ---------------------------------------------------------- */

static void userref_row(sqlite3_stmt *s, int col, struct userref *u)
{
	cpy(s, col, u->id, sizeof u->id);
	cpy(s, col + 1, u->username, sizeof u->username);
	cpy(s, col + 2, u->full_name, sizeof u->full_name);
}

int store_userref_get(struct store *st, const char *user_id, struct userref *out)
{
	sqlite3_stmt *s = stmt(st, "SELECT id, username, full_name FROM users WHERE id = ?1");
	bt(s, 1, user_id);
	int rc = one(st, s);
	if (!rc) {
		userref_row(s, 0, out);
		sqlite3_reset(s);
	}
	return rc;
}

int store_assignees_get(struct store *st, const char *record_id, struct userref **out, size_t *n)
{
	sqlite3_stmt *s = stmt(st, "SELECT u.id, u.username, u.full_name FROM record_assignees x"
				   " JOIN users u ON u.id = x.user_id WHERE x.record_id = ?1 ORDER BY u.username");
	bt(s, 1, record_id);
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap)
			*out = xreallocarray(*out, cap = cap ? cap * 2 : 4, sizeof **out);
		userref_row(s, 0, &(*out)[(*n)++]);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return 0;
	free(*out); /* a failed list leaves nothing for the caller to free */
	*out = NULL;
	*n = 0;
	return fail(st, rc, NULL, "assignees");
}

int store_assignees_set(struct store *st, const char *record_id, const char *const *ids, size_t n)
{
	sqlite3_stmt *s = stmt(st, "DELETE FROM record_assignees WHERE record_id = ?1");
	bt(s, 1, record_id);
	int rc = run(st, s, NULL, "assignees");
	for (size_t i = 0; !rc && i < n; i++) {
		s = stmt(st, "INSERT OR IGNORE INTO record_assignees(record_id, user_id) VALUES (?1, ?2)");
		bt(s, 1, record_id);
		bt(s, 2, ids[i]);
		rc = run(st, s, NULL, "assignees");
	}
	return rc;
}

int store_history_insert(struct store *st, const char *record_id, int64_t at, const char *user_id,
			 const char *action, const char *field, const char *old_v, const char *new_v)
{
	sqlite3_stmt *s = stmt(st, "INSERT INTO history(record_id, at, user_id, action, field, old_value, new_value)"
				   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	bt(s, 1, record_id);
	bi(s, 2, at);
	bt(s, 3, user_id);
	bt(s, 4, action);
	bt(s, 5, field ? field : "");
	bt(s, 6, old_v);
	bt(s, 7, new_v);
	return run(st, s, NULL, "history");
}

int store_history_list(struct store *st, const char *record_id, struct history_entry **out, size_t *n)
{
	sqlite3_stmt *s = stmt(st, "SELECT h.at, h.user_id, coalesce(u.username, ''), h.action, h.field,"
				   " h.old_value, h.new_value FROM history h LEFT JOIN users u ON u.id = h.user_id"
				   " WHERE h.record_id = ?1 ORDER BY h.id DESC");
	bt(s, 1, record_id);
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap)
			*out = xreallocarray(*out, cap = cap ? cap * 2 : 16, sizeof **out);
		struct history_entry *h = &(*out)[(*n)++];
		h->at = ci(s, 0);
		cpy(s, 1, h->user_id, sizeof h->user_id);
		cpy(s, 2, h->username, sizeof h->username);
		cpy(s, 3, h->action, sizeof h->action);
		cpy(s, 4, h->field, sizeof h->field);
		h->old_value = dup(s, 5);
		h->new_value = dup(s, 6);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return 0;
	history_list_free(*out, *n); /* a failed list leaves nothing for the caller to free */
	*out = NULL;
	*n = 0;
	return fail(st, rc, NULL, "history");
}

void history_list_free(struct history_entry *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(h[i].old_value);
		free(h[i].new_value);
	}
	free(h);
}

int store_note_insert(struct store *st, const struct note *nt)
{
	sqlite3_stmt *s = stmt(st, "INSERT INTO notes(id, record_id, author_id, note_date, text, created_at)"
				   " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	bt(s, 1, nt->id);
	bt(s, 2, nt->record_id);
	bt(s, 3, nt->author_id);
	bt(s, 4, nt->date);
	bt(s, 5, nt->text);
	bi(s, 6, nt->created_at);
	return run(st, s, NULL, "note");
}

int store_note_list(struct store *st, const char *record_id, struct note **out, size_t *n)
{
	sqlite3_stmt *s = stmt(st, "SELECT n.id, n.record_id, n.author_id, n.note_date, n.text, n.created_at,"
				   " u.id, u.username, u.full_name FROM notes n JOIN users u ON u.id = n.author_id"
				   " WHERE n.record_id = ?1 ORDER BY n.note_date DESC, n.created_at DESC, n.id");
	bt(s, 1, record_id);
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap)
			*out = xreallocarray(*out, cap = cap ? cap * 2 : 8, sizeof **out);
		struct note *nt = &(*out)[(*n)++];
		cpy(s, 0, nt->id, sizeof nt->id);
		cpy(s, 1, nt->record_id, sizeof nt->record_id);
		cpy(s, 2, nt->author_id, sizeof nt->author_id);
		cpy(s, 3, nt->date, sizeof nt->date);
		nt->text = dup(s, 4);
		nt->created_at = ci(s, 5);
		userref_row(s, 6, &nt->author);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return 0;
	note_list_free(*out, *n); /* a failed list leaves nothing for the caller to free */
	*out = NULL;
	*n = 0;
	return fail(st, rc, NULL, "notes");
}

void note_list_free(struct note *nt, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(nt[i].text);
	free(nt);
}

/* ---- audit ------------------------------------------------------------------------------- */

#define AUDIT_COLS "seq, at_ms, user_id, actor_hash, client, action, record_type, record_ids, reason," \
		   " prev_hash, hash"

/* A text column that dup() would read whole: text (or NULL) with no NUL inside. */
static int whole_text(sqlite3_stmt *s, int col)
{
	int type = sqlite3_column_type(s, col);
	if (type == SQLITE_NULL)
		return 1;
	const char *v = (const char *)sqlite3_column_text(s, col);
	return type == SQLITE_TEXT && strlen(v) == (size_t)sqlite3_column_bytes(s, col);
}

static void audit_row(sqlite3_stmt *s, struct audit_entry *a)
{
	int cut = 0;
	a->seq = ci(s, 0);
	a->at_ms = ci(s, 1);
	cut |= cpy(s, 2, a->user_id, sizeof a->user_id);
	cut |= cpy(s, 3, a->actor_hash, sizeof a->actor_hash);
	cut |= cpy(s, 4, a->client, sizeof a->client);
	cut |= cpy(s, 5, a->action, sizeof a->action);
	cut |= cpy(s, 6, a->record_type, sizeof a->record_type);
	a->record_ids = dup(s, 7);
	a->reason = dup(s, 8);
	cut |= cpy(s, 9, a->prev_hash, sizeof a->prev_hash);
	cut |= cpy(s, 10, a->hash, sizeof a->hash);
	for (int col = 0; col < 11; col++)
		if (col > 1 && !whole_text(s, col))
			cut = 1;
	if (sqlite3_column_type(s, 0) != SQLITE_INTEGER || sqlite3_column_type(s, 1) != SQLITE_INTEGER)
		cut = 1;
	/* Verification hashes what it read: a value that did not fit is an altered entry. */
	a->malformed = cut;
}

void audit_entry_release(struct audit_entry *a)
{
	free(a->record_ids);
	free(a->reason);
	a->record_ids = a->reason = NULL;
}

void audit_list_free(struct audit_entry *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		audit_entry_release(&a[i]);
	free(a);
}

int store_audit_head(struct store *st, int64_t *seq, char hash[65])
{
	sqlite3_stmt *s = stmt(st, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
	int rc = one(st, s);
	if (rc == -HV_ENOTFOUND) {
		*seq = 0;
		hash[0] = '\0';
		return 0;
	}
	if (rc)
		return rc;
	*seq = ci(s, 0);
	cpy(s, 1, hash, 65);
	sqlite3_reset(s);
	return 0;
}

int store_audit_insert(struct store *st, const struct audit_entry *a)
{
	sqlite3_stmt *s = stmt(st, "INSERT INTO audit(" AUDIT_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
	bi(s, 1, a->seq);
	bi(s, 2, a->at_ms);
	bt(s, 3, a->user_id);
	bt(s, 4, a->actor_hash);
	bt(s, 5, a->client);
	bt(s, 6, a->action);
	bt(s, 7, a->record_type);
	bt(s, 8, a->record_ids);
	bt(s, 9, a->reason);
	bt(s, 10, a->prev_hash);
	bt(s, 11, a->hash);
	int rc = run(st, s, NULL, "audit");
	/* Index each named record id for "who saw this record" queries. */
	for (const char *p = a->record_ids; !rc && p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		s = stmt(st, "INSERT INTO audit_pending(record_id, seq) VALUES (?1, ?2)");
		sqlite3_bind_text(s, 1, p, (int)len, SQLITE_TRANSIENT);
		bi(s, 2, a->seq);
		rc = run(st, s, NULL, "audit");
		p = end ? end + 1 : p + len;
	}
	return rc;
}

int store_audit_query(struct store *st, const struct audit_query *q, struct audit_entry **out, size_t *n,
		      int64_t *total)
{
	static const char *where =
		" FROM audit a WHERE (?1 IS NULL OR a.seq IN (SELECT seq FROM audit_records WHERE record_id = ?1)"
		"  OR a.seq IN (SELECT seq FROM audit_pending WHERE record_id = ?1))"
		" AND (?2 IS NULL OR a.user_id = ?2) AND a.at_ms >= ?3"
		" AND (?4 IS NULL OR a.user_id IN (SELECT id FROM users WHERE agency_id = ?4)"
		"  OR a.seq IN (SELECT ar.seq FROM records r JOIN audit_records ar ON ar.record_id = r.id"
		"   WHERE r.agency_id = ?4)"
		"  OR a.seq IN (SELECT ap.seq FROM audit_pending ap JOIN records r ON r.id = ap.record_id"
		"   WHERE r.agency_id = ?4)) AND (?7 IS NULL OR a.action = ?7)";
	char sql[2048];
	snprintf(sql, sizeof sql, "SELECT count(*)%s", where);
	sqlite3_stmt *s = stmt(st, sql);
	bt(s, 1, q->record_id);
	bt(s, 2, q->user_id);
	bi(s, 3, q->since_ms);
	bt(s, 4, q->agency_id);
	bt(s, 7, q->action);
	int rc = one(st, s);
	if (rc)
		return rc;
	*total = ci(s, 0);
	sqlite3_reset(s);
	snprintf(sql, sizeof sql, "SELECT " AUDIT_COLS "%s ORDER BY a.seq DESC LIMIT ?5 OFFSET ?6", where);
	s = stmt(st, sql);
	bt(s, 1, q->record_id);
	bt(s, 2, q->user_id);
	bi(s, 3, q->since_ms);
	bt(s, 4, q->agency_id);
	bi(s, 5, q->per);
	bi(s, 6, (int64_t)(q->page - 1) * q->per);
	bt(s, 7, q->action);
	*out = xcalloc((size_t)q->per, sizeof **out);
	*n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && *n < (size_t)q->per)
		audit_row(s, &(*out)[(*n)++]);
	sqlite3_reset(s);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : fail(st, rc, NULL, "audit");
}

int store_audit_each(struct store *st, int (*fn)(const struct audit_entry *, void *), void *ctx)
{
	sqlite3_stmt *s = NULL;
	/* Not cached: the walk may interleave with other statements of the caller. */
	if (sqlite3_prepare_v2(st->db, "SELECT " AUDIT_COLS " FROM audit ORDER BY seq", -1, &s, NULL) != SQLITE_OK)
		return fail(st, SQLITE_ERROR, NULL, "audit");
	int rc, out = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct audit_entry a = {0};
		audit_row(s, &a);
		out = fn(&a, ctx);
		audit_entry_release(&a);
		if (out)
			break;
	}
	sqlite3_finalize(s);
	if (out)
		return out;
	return rc == SQLITE_DONE ? 0 : -HV_EIO;
}

int store_audit_index(struct store *st)
{
	static const char *const sql[] = {
		"INSERT OR IGNORE INTO audit_records(record_id, seq)"
		" SELECT record_id, seq FROM audit_pending ORDER BY record_id, seq",
		"DELETE FROM audit_pending",
	};
	for (size_t i = 0; i < sizeof sql / sizeof *sql; i++) {
		int rc = run(st, stmt(st, sql[i]), NULL, "audit index");
		if (rc)
			return rc;
	}
	return 0;
}

int store_seal_insert(struct store *st, const struct audit_seal *a)
{
	sqlite3_stmt *s = stmt(st, "INSERT OR REPLACE INTO audit_seals(seq, hash, sig, at_ms) VALUES (?1, ?2, ?3, ?4)");
	bi(s, 1, a->seq);
	bt(s, 2, a->hash);
	bt(s, 3, a->sig);
	bi(s, 4, a->at_ms);
	return run(st, s, NULL, "audit seal");
}

int store_seal_latest(struct store *st, struct audit_seal *out)
{
	sqlite3_stmt *s = stmt(st, "SELECT seq, hash, sig, at_ms FROM audit_seals ORDER BY seq DESC LIMIT 1");
	int rc = one(st, s);
	if (rc)
		return rc;
	out->seq = ci(s, 0);
	cpy(s, 1, out->hash, sizeof out->hash);
	cpy(s, 2, out->sig, sizeof out->sig);
	out->at_ms = ci(s, 3);
	sqlite3_reset(s);
	return 0;
}

/* ---- maintenance ------------------------------------------------------------------------- */

int store_backup(struct store *st, const char *dest, struct err *e)
{
	sqlite3 *dst = NULL;
	if (sqlite3_open_v2(dest, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		sqlite3_close(dst);
		return err_set(e, HV_EIO, NULL, "cannot create %s", dest);
	}
	/* The online backup API copies a consistent snapshot while the server keeps writing. */
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", st->db, "main");
	int rc = b ? sqlite3_backup_step(b, -1) : SQLITE_ERROR;
	sqlite3_backup_finish(b);
	if (rc == SQLITE_DONE)
		rc = sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
	sqlite3_close(dst);
	return rc == SQLITE_OK || rc == SQLITE_DONE ? 0 : err_set(e, HV_EIO, NULL, "backup failed");
}

int store_checkpoint(struct store *st, int truncate)
{
	int mode = truncate ? SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE;
	int rc = sqlite3_wal_checkpoint_v2(st->db, NULL, mode, NULL, NULL);
	return rc == SQLITE_OK ? 0 : -HV_EIO;
}

void store_autocheckpoint(struct store *st, int on)
{
	sqlite3_wal_autocheckpoint(st->db, on ? 1000 : 0 /* SQLite's default: 1000 pages */);
}

/* ---- lists ------------------------------------------------------------------------------- */

/* Steps s to the end, appending one element of size sz per row through row(); on failure the
 * partial list is freed through release() and nothing is left for the caller. */
static int collect(struct store *st, sqlite3_stmt *s, void **out, size_t *n, size_t sz,
		   void (*row)(sqlite3_stmt *, void *), void (*release)(void *, size_t), const char *what)
{
	size_t cap = 0;
	int rc;
	*out = NULL;
	*n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap)
			*out = xreallocarray(*out, cap = cap ? cap * 2 : 8, sz);
		row(s, (char *)*out + sz * (*n)++);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return 0;
	release(*out, *n);
	*out = NULL;
	*n = 0;
	return fail(st, rc, NULL, what);
}

/* ---- configuration ----------------------------------------------------------------------- */

#define CONFIG_COLS "kind, name, version, body, shipped, updated_at, updated_by"

static void config_row(sqlite3_stmt *s, void *p)
{
	struct config_doc *d = p;
	memset(d, 0, sizeof *d);
	cpy(s, 0, d->kind, sizeof d->kind);
	cpy(s, 1, d->name, sizeof d->name);
	d->version = ci(s, 2);
	d->body = dup(s, 3);
	d->shipped = dup(s, 4);
	d->updated_at = ci(s, 5);
	cpy(s, 6, d->updated_by, sizeof d->updated_by);
}

void config_doc_release(struct config_doc *d)
{
	free(d->body);
	free(d->shipped);
	d->body = d->shipped = NULL;
}

void config_list_free(struct config_doc *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		config_doc_release(&d[i]);
	free(d);
}

static void config_list_free_v(void *d, size_t n)
{
	config_list_free(d, n);
}

int store_config_list(struct store *st, struct config_doc **out, size_t *n)
{
	sqlite3_stmt *s = stmt(st, "SELECT " CONFIG_COLS " FROM config ORDER BY kind, name");
	return collect(st, s, (void **)out, n, sizeof **out, config_row, config_list_free_v, "config list");
}

int store_config_get(struct store *st, const char *kind, const char *name, struct config_doc *out)
{
	sqlite3_stmt *s = stmt(st, "SELECT " CONFIG_COLS " FROM config WHERE kind = ?1 AND name = ?2");
	bt(s, 1, kind);
	bt(s, 2, name);
	int rc = one(st, s);
	if (!rc) {
		config_row(s, out);
		sqlite3_reset(s);
	}
	return rc;
}

int store_config_put(struct store *st, const struct config_doc *d, int64_t expected, struct err *e)
{
	/* A document deleted and made again goes on from its last version, so the versions
	 * records name stay unique. */
	int64_t version = expected + 1;
	sqlite3_stmt *s;
	if (expected == 0) {
		s = stmt(st, "SELECT coalesce(max(version), 0) + 1 FROM config_versions WHERE kind = ?1 AND name = ?2");
		bt(s, 1, d->kind);
		bt(s, 2, d->name);
		if (one(st, s))
			return err_set(e, HV_EIO, NULL, "storage error");
		version = ci(s, 0);
		sqlite3_reset(s);
		s = stmt(st, "INSERT INTO config(" CONFIG_COLS ") VALUES (?1, ?2, ?7, ?3, ?4, ?5, ?6)");
	} else {
		s = stmt(st, "UPDATE config SET version = ?7, body = ?3, shipped = ?4, updated_at = ?5,"
			     " updated_by = ?6 WHERE kind = ?1 AND name = ?2 AND version = ?8");
	}
	bt(s, 1, d->kind);
	bt(s, 2, d->name);
	bt(s, 3, d->body);
	bt(s, 4, d->shipped ? d->shipped : "");
	bi(s, 5, d->updated_at);
	bt(s, 6, d->updated_by);
	bi(s, 7, version);
	if (expected)
		bi(s, 8, expected);
	int rc = run(st, s, e, "a configuration document with this name");
	if (!rc && sqlite3_changes(st->db) == 0)
		return err_set(e, HV_ESTALE, NULL, "%s %s was changed by someone else since version %lld", d->kind, d->name,
			       (long long)expected);
	if (rc)
		return rc;
	s = stmt(st, "INSERT INTO config_versions(kind, name, version, body, created_at, created_by)"
		     " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	bt(s, 1, d->kind);
	bt(s, 2, d->name);
	bi(s, 3, version);
	bt(s, 4, d->body);
	bi(s, 5, d->updated_at);
	bt(s, 6, d->updated_by);
	return run(st, s, e, "configuration version");
}

int64_t store_config_generation(struct store *st)
{
	sqlite3_stmt *s = stmt(st, "SELECT coalesce(max(seq), 0) FROM config_versions");
	if (one(st, s))
		return -1;
	int64_t g = ci(s, 0);
	sqlite3_reset(s);
	return g;
}

/* ---- locations --------------------------------------------------------------------------- */

static void location_row(sqlite3_stmt *s, void *p)
{
	struct location *l = p;
	memset(l, 0, sizeof *l);
	cpy(s, 0, l->pcode, sizeof l->pcode);
	l->level = (int)ci(s, 1);
	cpy(s, 2, l->parent, sizeof l->parent);
	l->names = dup(s, 3);
}

void location_list_free(struct location *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i].names);
	free(l);
}

static void location_list_free_v(void *l, size_t n)
{
	location_list_free(l, n);
}

int store_location_put(struct store *st, const struct location *l)
{
	sqlite3_stmt *s = stmt(st, "INSERT INTO locations(pcode, level, parent, names) VALUES (?1, ?2, ?3, ?4)"
				   " ON CONFLICT(pcode) DO UPDATE SET level = ?2, parent = ?3, names = ?4");
	bt(s, 1, l->pcode);
	bi(s, 2, l->level);
	bt(s, 3, l->parent);
	bt(s, 4, l->names);
	return run(st, s, NULL, "location");
}

int store_location_get(struct store *st, const char *pcode, struct location *out)
{
	sqlite3_stmt *s = stmt(st, "SELECT pcode, level, parent, names FROM locations WHERE pcode = ?1");
	bt(s, 1, pcode);
	int rc = one(st, s);
	if (!rc) {
		location_row(s, out);
		sqlite3_reset(s);
	}
	return rc;
}

int store_location_chain(struct store *st, const char *pcode, struct location **out, size_t *n)
{
	sqlite3_stmt *s = stmt(st, "WITH RECURSIVE up(pcode, level, parent, names, depth) AS ("
				   " SELECT pcode, level, parent, names, 0 FROM locations WHERE pcode = ?1"
				   " UNION ALL SELECT l.pcode, l.level, l.parent, l.names, up.depth + 1 FROM locations l"
				   " JOIN up ON l.pcode = up.parent WHERE up.depth < 16)"
				   " SELECT pcode, level, parent, names FROM up ORDER BY depth");
	bt(s, 1, pcode);
	return collect(st, s, (void **)out, n, sizeof **out, location_row, location_list_free_v, "location chain");
}

int store_location_list(struct store *st, const char *parent, struct location **out, size_t *n)
{
	sqlite3_stmt *s = stmt(st, parent ? "SELECT pcode, level, parent, names FROM locations WHERE parent = ?1 ORDER BY pcode"
					  : "SELECT pcode, level, parent, names FROM locations ORDER BY level, pcode");
	if (parent)
		bt(s, 1, parent);
	return collect(st, s, (void **)out, n, sizeof **out, location_row, location_list_free_v, "location list");
}

/* ---- tasks ------------------------------------------------------------------------------- */

#define TASK_COLS "t.id, t.record_id, r.display_id, r.type, t.rule, t.ref, t.title, t.due_on, t.status," \
		  " t.created_at, coalesce(t.done_at, 0), coalesce(t.done_by, '')"

static void task_row(sqlite3_stmt *s, void *p)
{
	struct task *t = p;
	memset(t, 0, sizeof *t);
	cpy(s, 0, t->id, sizeof t->id);
	cpy(s, 1, t->record_id, sizeof t->record_id);
	cpy(s, 2, t->display_id, sizeof t->display_id);
	cpy(s, 3, t->record_type, sizeof t->record_type);
	cpy(s, 4, t->rule, sizeof t->rule);
	cpy(s, 5, t->ref, sizeof t->ref);
	t->title = dup(s, 6);
	cpy(s, 7, t->due_on, sizeof t->due_on);
	cpy(s, 8, t->status, sizeof t->status);
	t->created_at = ci(s, 9);
	t->done_at = ci(s, 10);
	cpy(s, 11, t->done_by, sizeof t->done_by);
}

void task_list_free(struct task *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(t[i].title);
	free(t);
}

static void task_list_free_v(void *t, size_t n)
{
	task_list_free(t, n);
}

int store_task_put(struct store *st, const struct task *t, int refresh)
{
	sqlite3_stmt *s = stmt(st, refresh ? "INSERT INTO tasks(id, record_id, rule, ref, title, due_on, status, created_at)"
					     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(record_id, rule, ref)"
					     " DO UPDATE SET title = ?5, due_on = ?6, status = ?7,"
					     " done_at = CASE WHEN ?7 = 'open' THEN NULL ELSE coalesce(done_at, ?8) END"
					     " WHERE title IS NOT ?5 OR due_on IS NOT ?6 OR status IS NOT ?7"
					   : "INSERT INTO tasks(id, record_id, rule, ref, title, due_on, status, created_at)"
					     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(record_id, rule, ref) DO NOTHING");
	bt(s, 1, t->id);
	bt(s, 2, t->record_id);
	bt(s, 3, t->rule);
	bt(s, 4, t->ref);
	bt(s, 5, t->title ? t->title : "");
	bt(s, 6, t->due_on);
	bt(s, 7, t->status);
	bi(s, 8, t->created_at);
	return run(st, s, NULL, "task");
}

int store_task_get(struct store *st, const char *id, struct task *out)
{
	sqlite3_stmt *s = stmt(st, "SELECT " TASK_COLS " FROM tasks t JOIN records r ON r.id = t.record_id WHERE t.id = ?1");
	bt(s, 1, id);
	int rc = one(st, s);
	if (!rc) {
		task_row(s, out);
		sqlite3_reset(s);
	}
	return rc;
}

int store_task_set_status(struct store *st, const char *id, const char *status, int64_t at, const char *user_id)
{
	sqlite3_stmt *s = stmt(st, "UPDATE tasks SET status = ?2, done_at = CASE WHEN ?2 = 'open' THEN NULL ELSE ?3 END,"
				   " done_by = CASE WHEN ?2 = 'open' THEN NULL ELSE ?4 END WHERE id = ?1");
	bt(s, 1, id);
	bt(s, 2, status);
	bi(s, 3, at);
	bt(s, 4, user_id);
	return run(st, s, NULL, "task");
}

int store_task_close_rule(struct store *st, const char *record_id, const char *rule, const char *ref, const char *status,
			  int64_t at, const char *user_id)
{
	sqlite3_stmt *s = stmt(st, "UPDATE tasks SET status = ?3, done_at = ?4, done_by = ?5"
				   " WHERE record_id = ?1 AND (?2 IS NULL OR rule = ?2) AND (?6 IS NULL OR ref = ?6) AND status = 'open'");
	bt(s, 1, record_id);
	bt(s, 2, rule);
	bt(s, 3, status);
	bi(s, 4, at);
	bt(s, 5, user_id);
	bt(s, 6, ref);
	return run(st, s, NULL, "task");
}

int store_task_prune(struct store *st, const char *record_id, const char *rule, char (*refs)[24], size_t n)
{
	/* The wanted refs go in as one JSON array, so the statement stays the same. */
	struct buf list = BUF_INIT;
	buf_addch(&list, '[');
	for (size_t i = 0; i < n; i++)
		buf_addf(&list, "%s\"%s\"", i ? "," : "", refs[i]); /* refs are rowN: no quoting needed */
	buf_addch(&list, ']');
	sqlite3_stmt *s = stmt(st, "DELETE FROM tasks WHERE record_id = ?1 AND rule = ?2"
				   " AND ref NOT IN (SELECT value FROM json_each(?3))");
	bt(s, 1, record_id);
	bt(s, 2, rule);
	bt(s, 3, list.p);
	int rc = run(st, s, NULL, "task");
	buf_release(&list);
	return rc;
}

int store_task_query(struct store *st, const struct task_query *q, struct task **out, size_t *n, int64_t *total)
{
	struct buf where = BUF_INIT, sql = BUF_INIT;
	buf_addf(&where, " FROM tasks t JOIN records r ON r.id = t.record_id WHERE r.deleted = 0 AND %s"
			 " AND (?4 IS NULL OR t.status = ?4) AND (?5 IS NULL OR t.due_on < ?5)"
			 " AND (?6 IS NULL OR t.record_id = ?6)",
		 scope_sql(q->scope.kind));
	buf_addf(&sql, "SELECT " TASK_COLS "%s ORDER BY t.due_on, t.rowid LIMIT ?7 OFFSET ?8", where.p);
	sqlite3_stmt *s = stmt(st, sql.p);
	scope_bind(s, &q->scope);
	bt(s, 4, q->status);
	bt(s, 5, q->due_before);
	bt(s, 6, q->record_id);
	bi(s, 7, q->per);
	bi(s, 8, (int64_t)(q->page - 1) * q->per);
	int rc = collect(st, s, (void **)out, n, sizeof **out, task_row, task_list_free_v, "task list");
	if (!rc) {
		buf_reset(&sql);
		buf_addf(&sql, "SELECT count(*)%s", where.p);
		s = stmt(st, sql.p);
		scope_bind(s, &q->scope);
		bt(s, 4, q->status);
		bt(s, 5, q->due_before);
		bt(s, 6, q->record_id);
		rc = one(st, s);
		if (!rc) {
			*total = ci(s, 0);
			sqlite3_reset(s);
		} else {
			task_list_free(*out, *n);
			*out = NULL;
			*n = 0;
			rc = -HV_EIO;
		}
	}
	buf_release(&where);
	buf_release(&sql);
	return rc;
}

/* ---- approvals --------------------------------------------------------------------------- */

#define APPROVAL_COLS "id, record_id, kind, to_stage, status, requested_by, requested_at," \
		      " coalesce(decided_by, ''), coalesce(decided_at, 0), comment"

static void approval_row(sqlite3_stmt *s, void *p)
{
	struct approval *a = p;
	memset(a, 0, sizeof *a);
	cpy(s, 0, a->id, sizeof a->id);
	cpy(s, 1, a->record_id, sizeof a->record_id);
	cpy(s, 2, a->kind, sizeof a->kind);
	cpy(s, 3, a->to_stage, sizeof a->to_stage);
	cpy(s, 4, a->status, sizeof a->status);
	cpy(s, 5, a->requested_by, sizeof a->requested_by);
	a->requested_at = ci(s, 6);
	cpy(s, 7, a->decided_by, sizeof a->decided_by);
	a->decided_at = ci(s, 8);
	a->comment = dup(s, 9);
}

void approval_list_free(struct approval *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(a[i].comment);
	free(a);
}

static void approval_list_free_v(void *a, size_t n)
{
	approval_list_free(a, n);
}

int store_approval_insert(struct store *st, const struct approval *a)
{
	sqlite3_stmt *s = stmt(st, "INSERT INTO approvals(id, record_id, kind, to_stage, status, requested_by,"
				   " requested_at, comment) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	bt(s, 1, a->id);
	bt(s, 2, a->record_id);
	bt(s, 3, a->kind);
	bt(s, 4, a->to_stage);
	bt(s, 5, a->status);
	bt(s, 6, a->requested_by);
	bi(s, 7, a->requested_at);
	bt(s, 8, a->comment ? a->comment : "");
	return run(st, s, NULL, "approval");
}

int store_approval_pending(struct store *st, const char *record_id, const char *kind, struct approval *out)
{
	sqlite3_stmt *s = stmt(st, "SELECT " APPROVAL_COLS " FROM approvals WHERE record_id = ?1 AND kind = ?2"
				   " AND status = 'pending' ORDER BY requested_at DESC LIMIT 1");
	bt(s, 1, record_id);
	bt(s, 2, kind);
	int rc = one(st, s);
	if (!rc) {
		approval_row(s, out);
		sqlite3_reset(s);
	}
	return rc;
}

int store_approval_decide(struct store *st, const struct approval *a)
{
	/* The decision's comment, or the request's when the decider gave none. */
	sqlite3_stmt *s = stmt(st, "UPDATE approvals SET status = ?2, decided_by = ?3, decided_at = ?4,"
				   " comment = CASE WHEN ?5 = '' THEN comment ELSE ?5 END WHERE id = ?1 AND status = 'pending'");
	bt(s, 1, a->id);
	bt(s, 2, a->status);
	bt(s, 3, a->decided_by);
	bi(s, 4, a->decided_at);
	bt(s, 5, a->comment ? a->comment : "");
	int rc = run(st, s, NULL, "approval");
	return !rc && sqlite3_changes(st->db) == 0 ? -HV_ECONFLICT : rc;
}

int store_approval_list(struct store *st, const char *record_id, struct approval **out, size_t *n)
{
	sqlite3_stmt *s = stmt(st, "SELECT " APPROVAL_COLS " FROM approvals WHERE record_id = ?1 ORDER BY requested_at, rowid");
	bt(s, 1, record_id);
	return collect(st, s, (void **)out, n, sizeof **out, approval_row, approval_list_free_v, "approval list");
}

/* ---- attachments ------------------------------------------------------------------------- */

int store_attachment_insert(struct store *st, const struct attachment *a)
{
	sqlite3_stmt *s = stmt(st, "INSERT INTO attachments(id, record_id, field, content_type, size, sha256, data,"
				   " created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
	bt(s, 1, a->id);
	bt(s, 2, a->record_id);
	bt(s, 3, a->field);
	bt(s, 4, a->content_type);
	bi(s, 5, a->size);
	bt(s, 6, a->sha256);
	sqlite3_bind_blob64(s, 7, a->data, (sqlite3_uint64)a->size, SQLITE_STATIC);
	bt(s, 8, a->created_by);
	bi(s, 9, a->created_at);
	return run(st, s, NULL, "attachment");
}

int store_attachment_get(struct store *st, const char *id, struct attachment *out, int with_data)
{
	sqlite3_stmt *s = stmt(st, with_data ? "SELECT id, record_id, field, content_type, size, sha256, created_by, created_at,"
					       " data FROM attachments WHERE id = ?1"
					     : "SELECT id, record_id, field, content_type, size, sha256, created_by, created_at"
					       " FROM attachments WHERE id = ?1");
	bt(s, 1, id);
	int rc = one(st, s);
	if (rc)
		return rc;
	memset(out, 0, sizeof *out);
	cpy(s, 0, out->id, sizeof out->id);
	cpy(s, 1, out->record_id, sizeof out->record_id);
	cpy(s, 2, out->field, sizeof out->field);
	cpy(s, 3, out->content_type, sizeof out->content_type);
	out->size = ci(s, 4);
	cpy(s, 5, out->sha256, sizeof out->sha256);
	cpy(s, 6, out->created_by, sizeof out->created_by);
	out->created_at = ci(s, 7);
	if (with_data) {
		size_t n = (size_t)sqlite3_column_bytes(s, 8);
		out->data = xmalloc(n + 1);
		memcpy(out->data, sqlite3_column_blob(s, 8), n);
		out->size = (int64_t)n;
	}
	sqlite3_reset(s);
	return 0;
}

void attachment_release(struct attachment *a)
{
	free(a->data);
	a->data = NULL;
}

/* ---- record links ------------------------------------------------------------------------ */

int store_links_set(struct store *st, const char *from_id, const struct record_link *links, size_t n)
{
	sqlite3_stmt *s = stmt(st, "DELETE FROM record_links WHERE from_id = ?1");
	bt(s, 1, from_id);
	int rc = run(st, s, NULL, "record link");
	for (size_t i = 0; !rc && i < n; i++) {
		s = stmt(st, "INSERT OR IGNORE INTO record_links(from_id, field, to_id) VALUES (?1, ?2, ?3)");
		bt(s, 1, from_id);
		bt(s, 2, links[i].field);
		bt(s, 3, links[i].id);
		rc = run(st, s, NULL, "record link");
	}
	return rc;
}

static void link_row(sqlite3_stmt *s, void *p)
{
	struct record_link *l = p;
	memset(l, 0, sizeof *l);
	cpy(s, 0, l->id, sizeof l->id);
	cpy(s, 1, l->display_id, sizeof l->display_id);
	cpy(s, 2, l->type, sizeof l->type);
	cpy(s, 3, l->field, sizeof l->field);
}

static void link_list_free_v(void *l, size_t n)
{
	(void)n;
	free(l);
}

int store_links_list(struct store *st, const char *id, int incoming, struct record_link **out, size_t *n)
{
	sqlite3_stmt *s = stmt(st, incoming ? "SELECT r.id, r.display_id, r.type, l.field FROM record_links l"
					      " JOIN records r ON r.id = l.from_id WHERE l.to_id = ?1 AND r.deleted = 0"
					      " ORDER BY r.display_id"
					    : "SELECT r.id, r.display_id, r.type, l.field FROM record_links l"
					      " JOIN records r ON r.id = l.to_id WHERE l.from_id = ?1 AND r.deleted = 0"
					      " ORDER BY r.display_id");
	bt(s, 1, id);
	return collect(st, s, (void **)out, n, sizeof **out, link_row, link_list_free_v, "record links");
}

int store_link_exists(struct store *st, const char *from_id, const char *display_id)
{
	sqlite3_stmt *s = stmt(st, "SELECT 1 FROM record_links l JOIN records r ON r.id = l.to_id"
				   " WHERE l.from_id = ?1 AND r.display_id = ?2");
	bt(s, 1, from_id);
	bt(s, 2, display_id);
	int rc = one(st, s);
	if (!rc)
		sqlite3_reset(s);
	return rc == 0;
}

/* ---- screenings -------------------------------------------------------------------------- */

#define SCREENING_COLS "id, tool, tool_version, coalesce(record_id, ''), agency_id, created_by, created_at, answers, assent, result"

static void screening_row(sqlite3_stmt *s, void *p)
{
	struct screening *x = p;
	memset(x, 0, sizeof *x);
	cpy(s, 0, x->id, sizeof x->id);
	cpy(s, 1, x->tool, sizeof x->tool);
	x->tool_version = ci(s, 2);
	cpy(s, 3, x->record_id, sizeof x->record_id);
	cpy(s, 4, x->agency_id, sizeof x->agency_id);
	cpy(s, 5, x->created_by, sizeof x->created_by);
	x->created_at = ci(s, 6);
	x->answers = dup(s, 7);
	x->assent = dup(s, 8);
	x->result = dup(s, 9);
}

void screening_release(struct screening *x)
{
	free(x->answers);
	free(x->assent);
	free(x->result);
	x->answers = x->assent = x->result = NULL;
}

void screening_list_free(struct screening *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		screening_release(&x[i]);
	free(x);
}

static void screening_list_free_v(void *x, size_t n)
{
	screening_list_free(x, n);
}

int store_screening_insert(struct store *st, const struct screening *x)
{
	sqlite3_stmt *s = stmt(st, "INSERT INTO screenings(id, tool, tool_version, record_id, agency_id, created_by, created_at,"
				   " answers, assent, result) VALUES (?1, ?2, ?3, nullif(?4, ''), ?5, ?6, ?7, ?8, ?9, ?10)");
	bt(s, 1, x->id);
	bt(s, 2, x->tool);
	bi(s, 3, x->tool_version);
	bt(s, 4, x->record_id);
	bt(s, 5, x->agency_id);
	bt(s, 6, x->created_by);
	bi(s, 7, x->created_at);
	bt(s, 8, x->answers);
	bt(s, 9, x->assent);
	bt(s, 10, x->result);
	return run(st, s, NULL, "screening");
}

int store_screening_get(struct store *st, const char *id, struct screening *out)
{
	sqlite3_stmt *s = stmt(st, "SELECT " SCREENING_COLS " FROM screenings WHERE id = ?1");
	bt(s, 1, id);
	int rc = one(st, s);
	if (!rc) {
		screening_row(s, out);
		sqlite3_reset(s);
	}
	return rc;
}

int store_screening_list(struct store *st, const char *record_id, struct screening **out, size_t *n)
{
	sqlite3_stmt *s = stmt(st, "SELECT " SCREENING_COLS " FROM screenings WHERE record_id = ?1 ORDER BY created_at, rowid");
	bt(s, 1, record_id);
	return collect(st, s, (void **)out, n, sizeof **out, screening_row, screening_list_free_v, "screening list");
}

/* ---- services directory ------------------------------------------------------------------- */

#define SERVICE_COLS "s.id, s.agency_id, s.name, s.type, s.pcode, s.languages, s.data, s.active, s.version," \
		     " s.created_at, s.updated_at"

static void service_row(sqlite3_stmt *s, void *p)
{
	struct service *x = p;
	memset(x, 0, sizeof *x);
	cpy(s, 0, x->id, sizeof x->id);
	cpy(s, 1, x->agency_id, sizeof x->agency_id);
	cpy(s, 2, x->name, sizeof x->name);
	cpy(s, 3, x->type, sizeof x->type);
	cpy(s, 4, x->pcode, sizeof x->pcode);
	x->languages = dup(s, 5);
	x->data = dup(s, 6);
	x->active = (int)ci(s, 7);
	x->version = ci(s, 8);
	x->created_at = ci(s, 9);
	x->updated_at = ci(s, 10);
	x->rank = sqlite3_column_count(s) > 11 ? (int)ci(s, 11) : 0;
}

void service_release(struct service *x)
{
	free(x->languages);
	free(x->data);
	x->languages = x->data = NULL;
}

void service_list_free(struct service *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		service_release(&x[i]);
	free(x);
}

static void service_list_free_v(void *x, size_t n)
{
	service_list_free(x, n);
}

int store_service_put(struct store *st, const struct service *x, int64_t expected, struct err *e)
{
	sqlite3_stmt *s = stmt(st, expected ? "UPDATE services SET agency_id = ?2, name = ?3, type = ?4, pcode = ?5, languages = ?6,"
					      " data = ?7, active = ?8, version = ?9, updated_at = ?11 WHERE id = ?1 AND version = ?12"
					    : "INSERT INTO services(id, agency_id, name, type, pcode, languages, data, active, version,"
					      " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
	bt(s, 1, x->id);
	bt(s, 2, x->agency_id);
	bt(s, 3, x->name);
	bt(s, 4, x->type);
	bt(s, 5, x->pcode);
	bt(s, 6, x->languages);
	bt(s, 7, x->data);
	bi(s, 8, x->active);
	bi(s, 9, expected + 1);
	bi(s, 10, x->created_at);
	bi(s, 11, x->updated_at);
	if (expected)
		bi(s, 12, expected);
	int rc = run(st, s, e, "a service with this id");
	if (!rc && expected && sqlite3_changes(st->db) == 0)
		return err_set(e, HV_ESTALE, NULL, "the service was changed by someone else since version %lld", (long long)expected);
	if (!rc) {
		s = stmt(st, "DELETE FROM service_areas WHERE service_id = ?1");
		bt(s, 1, x->id);
		rc = run(st, s, e, "service areas");
	}
	if (!rc && x->active) {
		/* The service's area and every area above it, as store_location_chain walks them. */
		s = stmt(st, "INSERT INTO service_areas(type, pcode, service_id, depth, name, languages)"
			     " WITH RECURSIVE up(pcode, parent, depth) AS ("
			     " SELECT pcode, parent, 0 FROM locations WHERE pcode = ?3"
			     " UNION ALL SELECT l.pcode, l.parent, up.depth + 1 FROM locations l"
			     " JOIN up ON l.pcode = up.parent WHERE up.depth < 16)"
			     " SELECT ?2, pcode, ?1, depth, ?4, ?5 FROM up");
		bt(s, 1, x->id);
		bt(s, 2, x->type);
		bt(s, 3, x->pcode);
		bt(s, 4, x->name);
		bt(s, 5, x->languages);
		rc = run(st, s, e, "service areas");
	}
	return rc;
}

int store_service_get(struct store *st, const char *id, struct service *out)
{
	sqlite3_stmt *s = stmt(st, "SELECT " SERVICE_COLS " FROM services s WHERE s.id = ?1");
	bt(s, 1, id);
	int rc = one(st, s);
	if (!rc) {
		service_row(s, out);
		sqlite3_reset(s);
	}
	return rc;
}

/* With a place: the services of the type whose area (or an area above theirs) is in the
 * place's chain, ranked by the first link of the chain they share — the place itself, its
 * parent, the grandparent. The chain is bound link by link (?10...), so the rank is a CASE, not
 * a JSON parse per row. Without a place: every active service, by name. */
#define CHAIN_MAX 8
int store_service_search(struct store *st, const struct service_query *q, struct service **out, size_t *n,
			 int64_t *total)
{
	const char *lang = " AND (?3 IS NULL OR EXISTS (SELECT 1 FROM json_each(s.languages) l WHERE l.value = ?3))";
	struct buf where = BUF_INIT, sql = BUF_INIT, rank = BUF_INIT, in = BUF_INIT;
	const char *const *links = q->chain;
	size_t nlinks = q->nchain < CHAIN_MAX ? q->nchain : CHAIN_MAX, i;
	buf_adds(&rank, "CASE a.pcode");
	for (i = 0; i < nlinks; i++) {
		buf_addf(&rank, " WHEN ?%zu THEN %zu", 10 + i, i);
		buf_addf(&in, "%s?%zu", i ? ", " : "", 10 + i);
	}
	buf_adds(&rank, " END");
	/* With a place, the page is ranked from service_areas alone (it holds the name and the
	 * languages); only the page's services are read. */
	if (nlinks)
		buf_addf(&where, " FROM service_areas a WHERE a.type = ?1 AND a.pcode IN (%s) AND ?2 IS NOT NULL"
				 " AND (?3 IS NULL OR EXISTS (SELECT 1 FROM json_each(a.languages) l WHERE l.value = ?3))",
			 in.p);
	else
		buf_addf(&where, " FROM services s WHERE (?1 IS NULL OR s.type = ?1) AND s.active = 1 AND ?2 IS NULL%s", lang);
	if (nlinks)
		buf_addf(&sql, "SELECT " SERVICE_COLS ", p.rank FROM (SELECT a.service_id, min(%s) AS rank, a.name%s"
			       " GROUP BY a.service_id ORDER BY rank, a.name, a.service_id LIMIT ?4 OFFSET ?5) p"
			       " CROSS JOIN services s ON s.id = p.service_id ORDER BY p.rank, s.name, s.id",
			 rank.p, where.p);
	else
		buf_addf(&sql, "SELECT " SERVICE_COLS ", 0%s ORDER BY s.name, s.id LIMIT ?4 OFFSET ?5", where.p);
	int rc = 0;
	for (int pass = 0; !rc && pass < 2; pass++) {
		if (pass) {
			buf_reset(&sql);
			buf_addf(&sql, "SELECT count(DISTINCT %s)%s", nlinks ? "a.service_id" : "s.id", where.p);
		}
		sqlite3_stmt *s = stmt(st, sql.p);
		bt(s, 1, q->type);
		bt(s, 2, nlinks ? "chain" : NULL);
		bt(s, 3, q->language);
		if (!pass) {
			bi(s, 4, q->per);
			bi(s, 5, (int64_t)(q->page - 1) * q->per);
		}
		for (i = 0; i < nlinks; i++)
			bt(s, (int)(10 + i), links[i]);
		if (!pass) {
			rc = collect(st, s, (void **)out, n, sizeof **out, service_row, service_list_free_v, "service search");
		} else if (!(rc = one(st, s))) {
			*total = ci(s, 0);
			sqlite3_reset(s);
		} else {
			service_list_free(*out, *n);
			*out = NULL;
			*n = 0;
			rc = -HV_EIO;
		}
	}
	buf_release(&where);
	buf_release(&sql);
	buf_release(&rank);
	buf_release(&in);
	return rc;
}

/* ---- consents, referrals, transfers ------------------------------------------------------- */

#define CONSENT_COLS "id, record_id, giver, decision, method, given_on, purposes, agencies, withdrawn, data," \
		     " withdrawn_at, withdrawn_by, created_by, created_at"

static void consent_row(sqlite3_stmt *s, void *p)
{
	struct consent *x = p;
	memset(x, 0, sizeof *x);
	cpy(s, 0, x->id, sizeof x->id);
	cpy(s, 1, x->record_id, sizeof x->record_id);
	cpy(s, 2, x->giver, sizeof x->giver);
	cpy(s, 3, x->decision, sizeof x->decision);
	cpy(s, 4, x->method, sizeof x->method);
	cpy(s, 5, x->given_on, sizeof x->given_on);
	x->purposes = dup(s, 6);
	x->agencies = dup(s, 7);
	x->withdrawn = dup(s, 8);
	x->data = dup(s, 9);
	x->withdrawn_at = ci(s, 10);
	cpy(s, 11, x->withdrawn_by, sizeof x->withdrawn_by);
	cpy(s, 12, x->created_by, sizeof x->created_by);
	x->created_at = ci(s, 13);
}

void consent_release(struct consent *x)
{
	free(x->purposes);
	free(x->agencies);
	free(x->withdrawn);
	free(x->data);
	x->purposes = x->agencies = x->withdrawn = x->data = NULL;
}

void consent_list_free(struct consent *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		consent_release(&x[i]);
	free(x);
}

static void consent_list_free_v(void *x, size_t n)
{
	consent_list_free(x, n);
}

int store_consent_insert(struct store *st, const struct consent *x)
{
	sqlite3_stmt *s = stmt(st, "INSERT INTO consents(id, record_id, giver, decision, method, given_on, purposes, agencies,"
				   " withdrawn, data, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, '[]', ?9, ?10, ?11)");
	bt(s, 1, x->id);
	bt(s, 2, x->record_id);
	bt(s, 3, x->giver);
	bt(s, 4, x->decision);
	bt(s, 5, x->method);
	bt(s, 6, x->given_on);
	bt(s, 7, x->purposes);
	bt(s, 8, x->agencies);
	bt(s, 9, x->data);
	bt(s, 10, x->created_by);
	bi(s, 11, x->created_at);
	return run(st, s, NULL, "consent");
}

int store_consent_get(struct store *st, const char *id, struct consent *out)
{
	sqlite3_stmt *s = stmt(st, "SELECT " CONSENT_COLS " FROM consents WHERE id = ?1");
	bt(s, 1, id);
	int rc = one(st, s);
	if (!rc) {
		consent_row(s, out);
		sqlite3_reset(s);
	}
	return rc;
}

int store_consent_list(struct store *st, const char *record_id, struct consent **out, size_t *n)
{
	sqlite3_stmt *s = stmt(st, "SELECT " CONSENT_COLS " FROM consents WHERE record_id = ?1 ORDER BY created_at, rowid");
	bt(s, 1, record_id);
	return collect(st, s, (void **)out, n, sizeof **out, consent_row, consent_list_free_v, "consent list");
}

int store_consent_withdraw(struct store *st, const struct consent *x)
{
	sqlite3_stmt *s = stmt(st, "UPDATE consents SET withdrawn = ?2, data = ?3, withdrawn_at = ?4, withdrawn_by = ?5 WHERE id = ?1");
	bt(s, 1, x->id);
	bt(s, 2, x->withdrawn);
	bt(s, 3, x->data);
	bi(s, 4, x->withdrawn_at);
	bt(s, 5, x->withdrawn_by);
	return run(st, s, NULL, "consent");
}

int store_consent_use(struct store *st, const char *consent_id, const char *kind, const char *use_id)
{
	sqlite3_stmt *s = stmt(st, "INSERT OR IGNORE INTO consent_uses(consent_id, kind, use_id) VALUES (?1, ?2, ?3)");
	bt(s, 1, consent_id);
	bt(s, 2, kind);
	bt(s, 3, use_id);
	return run(st, s, NULL, "consent use");
}

static void id_row(sqlite3_stmt *s, void *p)
{
	cpy(s, 0, p, ID_LEN);
}

static void id_list_free(void *p, size_t n)
{
	(void)n;
	free(p);
}

int store_consent_cut(struct store *st, const char *consent_id, int64_t at, char (**pending)[ID_LEN], size_t *n)
{
	sqlite3_stmt *s = stmt(st, "UPDATE transfers SET status = 'cancelled', version = version + 1, updated_at = ?2,"
				   " data = json_set(data, '$.cancelled_because', 'consent_withdrawn')"
				   " WHERE id IN (SELECT use_id FROM consent_uses WHERE consent_id = ?1 AND kind = 'transfer')"
				   " AND status = 'pending'");
	bt(s, 1, consent_id);
	bi(s, 2, at);
	int rc = run(st, s, NULL, "consent withdrawal");
	if (rc)
		return rc;
	/* The referrals still waiting for an answer come back: their waiting tasks end too. */
	s = stmt(st, "SELECT id FROM referrals WHERE id IN (SELECT use_id FROM consent_uses WHERE consent_id = ?1"
		     " AND kind = 'referral') AND status = 'pending'");
	bt(s, 1, consent_id);
	if ((rc = collect(st, s, (void **)pending, n, ID_LEN, id_row, id_list_free, "consent withdrawal")))
		return rc;
	s = stmt(st, "UPDATE referrals SET status = 'consent_withdrawn', version = version + 1, updated_at = ?2"
		     " WHERE id IN (SELECT use_id FROM consent_uses WHERE consent_id = ?1 AND kind = 'referral')"
		     " AND status IN ('pending', 'accepted', 'completed')");
	bt(s, 1, consent_id);
	bi(s, 2, at);
	if ((rc = run(st, s, NULL, "consent withdrawal"))) {
		free(*pending);
		*pending = NULL;
		*n = 0;
	}
	return rc;
}

#define REFERRAL_COLS "x.id, x.record_id, r.display_id, x.service_id, s.name, x.to_agency_id, x.from_agency_id," \
		      " x.referred_by, x.referrer_role, x.status, x.respond_by, x.share, x.data, x.version," \
		      " x.created_at, x.updated_at"
#define REFERRAL_FROM " FROM referrals x JOIN records r ON r.id = x.record_id JOIN services s ON s.id = x.service_id"

static void referral_row(sqlite3_stmt *s, void *p)
{
	struct referral *x = p;
	memset(x, 0, sizeof *x);
	cpy(s, 0, x->id, sizeof x->id);
	cpy(s, 1, x->record_id, sizeof x->record_id);
	cpy(s, 2, x->display_id, sizeof x->display_id);
	cpy(s, 3, x->service_id, sizeof x->service_id);
	cpy(s, 4, x->service_name, sizeof x->service_name);
	cpy(s, 5, x->to_agency_id, sizeof x->to_agency_id);
	cpy(s, 6, x->from_agency_id, sizeof x->from_agency_id);
	cpy(s, 7, x->referred_by, sizeof x->referred_by);
	cpy(s, 8, x->referrer_role, sizeof x->referrer_role);
	cpy(s, 9, x->status, sizeof x->status);
	cpy(s, 10, x->respond_by, sizeof x->respond_by);
	x->share = dup(s, 11);
	x->data = dup(s, 12);
	x->version = ci(s, 13);
	x->created_at = ci(s, 14);
	x->updated_at = ci(s, 15);
}

void referral_release(struct referral *x)
{
	free(x->share);
	free(x->data);
	x->share = x->data = NULL;
}

void referral_list_free(struct referral *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		referral_release(&x[i]);
	free(x);
}

static void referral_list_free_v(void *x, size_t n)
{
	referral_list_free(x, n);
}

int store_referral_insert(struct store *st, const struct referral *x)
{
	sqlite3_stmt *s = stmt(st, "INSERT INTO referrals(id, record_id, service_id, to_agency_id, from_agency_id, referred_by,"
				   " referrer_role, share, data, status, respond_by, version, created_at, updated_at)"
				   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)");
	bt(s, 1, x->id);
	bt(s, 2, x->record_id);
	bt(s, 3, x->service_id);
	bt(s, 4, x->to_agency_id);
	bt(s, 5, x->from_agency_id);
	bt(s, 6, x->referred_by);
	bt(s, 7, x->referrer_role);
	bt(s, 8, x->share);
	bt(s, 9, x->data);
	bt(s, 10, x->status);
	bt(s, 11, x->respond_by);
	bi(s, 12, x->version);
	bi(s, 13, x->created_at);
	return run(st, s, NULL, "referral");
}

int store_referral_get(struct store *st, const char *id, struct referral *out)
{
	sqlite3_stmt *s = stmt(st, "SELECT " REFERRAL_COLS REFERRAL_FROM " WHERE x.id = ?1");
	bt(s, 1, id);
	int rc = one(st, s);
	if (!rc) {
		referral_row(s, out);
		sqlite3_reset(s);
	}
	return rc;
}

int store_referral_update(struct store *st, const struct referral *x, int64_t expected)
{
	sqlite3_stmt *s = stmt(st, "UPDATE referrals SET status = ?2, data = ?3, version = ?4, updated_at = ?5 WHERE id = ?1 AND version = ?6");
	bt(s, 1, x->id);
	bt(s, 2, x->status);
	bt(s, 3, x->data);
	bi(s, 4, expected + 1);
	bi(s, 5, x->updated_at);
	bi(s, 6, expected);
	int rc = run(st, s, NULL, "referral");
	return !rc && sqlite3_changes(st->db) == 0 ? -HV_ESTALE : rc;
}

#define REFERRAL_WHERE                                                                                \
	" WHERE r.deleted = 0 AND (?1 IS NULL OR x.record_id = ?1) AND (?2 IS NULL OR x.to_agency_id = ?2)"   \
	" AND (?3 IS NULL OR x.from_agency_id = ?3) AND (?4 IS NULL OR x.referred_by = ?4)"                    \
	" AND (?5 IS NULL OR x.status = ?5)"

static void referral_bind(sqlite3_stmt *s, const struct referral_query *q)
{
	bt(s, 1, q->record_id);
	bt(s, 2, q->to_agency_id);
	bt(s, 3, q->from_agency_id);
	bt(s, 4, q->referred_by);
	bt(s, 5, q->status);
}

int store_referral_query(struct store *st, const struct referral_query *q, struct referral **out, size_t *n,
			 int64_t *total)
{
	sqlite3_stmt *s = stmt(st, "SELECT " REFERRAL_COLS REFERRAL_FROM REFERRAL_WHERE " ORDER BY x.created_at DESC, x.rowid DESC LIMIT ?6 OFFSET ?7");
	referral_bind(s, q);
	bi(s, 6, q->per);
	bi(s, 7, (int64_t)(q->page - 1) * q->per);
	int rc = collect(st, s, (void **)out, n, sizeof **out, referral_row, referral_list_free_v, "referral list");
	if (rc)
		return rc;
	s = stmt(st, "SELECT count(*)" REFERRAL_FROM REFERRAL_WHERE);
	referral_bind(s, q);
	if ((rc = one(st, s))) {
		referral_list_free(*out, *n);
		*out = NULL;
		*n = 0;
		return rc;
	}
	*total = ci(s, 0);
	sqlite3_reset(s);
	return 0;
}

#define TRANSFER_COLS "x.id, x.record_id, r.display_id, x.kind, x.from_agency_id, x.proposed_by, x.to_agency_id," \
		      " x.to_user_id, x.status, x.data, x.version, x.created_at, x.updated_at"
#define TRANSFER_FROM " FROM transfers x JOIN records r ON r.id = x.record_id"
#define TRANSFER_WHERE                                                                                         \
	" WHERE r.deleted = 0 AND (?6 IS NULL OR x.status = ?6) AND (?5 IS NULL OR x.record_id = ?5)"          \
	" AND (?4 IS NULL OR x.proposed_by = ?4) AND (?1 IS NULL OR"                                             \
	" (x.kind = 'transfer' AND (x.to_user_id = ?1 OR x.to_agency_id = ?2))"                                 \
	" OR (x.kind = 'request' AND (r.owner_id = ?1 OR r.agency_id = ?3)))"

static void transfer_row(sqlite3_stmt *s, void *p)
{
	struct transfer *x = p;
	memset(x, 0, sizeof *x);
	cpy(s, 0, x->id, sizeof x->id);
	cpy(s, 1, x->record_id, sizeof x->record_id);
	cpy(s, 2, x->display_id, sizeof x->display_id);
	cpy(s, 3, x->kind, sizeof x->kind);
	cpy(s, 4, x->from_agency_id, sizeof x->from_agency_id);
	cpy(s, 5, x->proposed_by, sizeof x->proposed_by);
	cpy(s, 6, x->to_agency_id, sizeof x->to_agency_id);
	cpy(s, 7, x->to_user_id, sizeof x->to_user_id);
	cpy(s, 8, x->status, sizeof x->status);
	x->data = dup(s, 9);
	x->version = ci(s, 10);
	x->created_at = ci(s, 11);
	x->updated_at = ci(s, 12);
}

void transfer_release(struct transfer *x)
{
	free(x->data);
	x->data = NULL;
}

void transfer_list_free(struct transfer *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		transfer_release(&x[i]);
	free(x);
}

static void transfer_list_free_v(void *x, size_t n)
{
	transfer_list_free(x, n);
}

int store_transfer_insert(struct store *st, const struct transfer *x)
{
	sqlite3_stmt *s = stmt(st, "INSERT INTO transfers(id, record_id, kind, from_agency_id, proposed_by, to_agency_id,"
				   " to_user_id, data, status, version, created_at, updated_at)"
				   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)");
	bt(s, 1, x->id);
	bt(s, 2, x->record_id);
	bt(s, 3, x->kind);
	bt(s, 4, x->from_agency_id);
	bt(s, 5, x->proposed_by);
	bt(s, 6, x->to_agency_id);
	bt(s, 7, x->to_user_id);
	bt(s, 8, x->data);
	bt(s, 9, x->status);
	bi(s, 10, x->version);
	bi(s, 11, x->created_at);
	return run(st, s, NULL, "transfer"); /* -HV_ECONFLICT: one is already pending */
}

int store_transfer_get(struct store *st, const char *id, struct transfer *out)
{
	sqlite3_stmt *s = stmt(st, "SELECT " TRANSFER_COLS TRANSFER_FROM " WHERE x.id = ?1");
	bt(s, 1, id);
	int rc = one(st, s);
	if (!rc) {
		transfer_row(s, out);
		sqlite3_reset(s);
	}
	return rc;
}

int store_transfer_update(struct store *st, const struct transfer *x, int64_t expected)
{
	sqlite3_stmt *s = stmt(st, "UPDATE transfers SET status = ?2, data = ?3, version = ?4, updated_at = ?5 WHERE id = ?1 AND version = ?6");
	bt(s, 1, x->id);
	bt(s, 2, x->status);
	bt(s, 3, x->data);
	bi(s, 4, expected + 1);
	bi(s, 5, x->updated_at);
	bi(s, 6, expected);
	int rc = run(st, s, NULL, "transfer");
	return !rc && sqlite3_changes(st->db) == 0 ? -HV_ESTALE : rc;
}

static void transfer_bind(sqlite3_stmt *s, const struct transfer_query *q)
{
	bt(s, 1, q->user_id);
	bt(s, 2, q->receive_agency);
	bt(s, 3, q->decide_agency);
	bt(s, 4, q->proposed_by);
	bt(s, 5, q->record_id);
	bt(s, 6, q->status);
}

int store_transfer_query(struct store *st, const struct transfer_query *q, struct transfer **out, size_t *n,
			 int64_t *total)
{
	sqlite3_stmt *s = stmt(st, "SELECT " TRANSFER_COLS TRANSFER_FROM TRANSFER_WHERE
				   " ORDER BY x.created_at DESC, x.rowid DESC LIMIT ?7 OFFSET ?8");
	transfer_bind(s, q);
	bi(s, 7, q->per);
	bi(s, 8, (int64_t)(q->page - 1) * q->per);
	int rc = collect(st, s, (void **)out, n, sizeof **out, transfer_row, transfer_list_free_v, "transfer list");
	if (rc)
		return rc;
	s = stmt(st, "SELECT count(*)" TRANSFER_FROM TRANSFER_WHERE);
	transfer_bind(s, q);
	if ((rc = one(st, s))) {
		transfer_list_free(*out, *n);
		*out = NULL;
		*n = 0;
		return rc;
	}
	*total = ci(s, 0);
	sqlite3_reset(s);
	return 0;
}

/* ---- tracing match decisions ------------------------------------------------------------ */

#define TMATCH_COLS "id, request_id, child, case_id, status, probability, note, decided_by, decided_at"

int store_tracing_match_put(struct store *st, const struct tracing_match *m)
{
	sqlite3_stmt *s = stmt(st, "INSERT INTO tracing_matches(" TMATCH_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
				   " ON CONFLICT(request_id, child, case_id) DO UPDATE SET status = excluded.status,"
				   " probability = excluded.probability, note = excluded.note, decided_by = excluded.decided_by,"
				   " decided_at = excluded.decided_at");
	bt(s, 1, m->id);
	bt(s, 2, m->request_id);
	bi(s, 3, m->child);
	bt(s, 4, m->case_id);
	bt(s, 5, m->status);
	sqlite3_bind_double(s, 6, m->probability);
	bt(s, 7, m->note ? m->note : "");
	bt(s, 8, m->decided_by);
	bi(s, 9, m->decided_at);
	return run(st, s, NULL, "tracing match");
}

static void tmatch_row(sqlite3_stmt *s, void *p)
{
	struct tracing_match *m = p;
	memset(m, 0, sizeof *m);
	cpy(s, 0, m->id, sizeof m->id);
	cpy(s, 1, m->request_id, sizeof m->request_id);
	m->child = (int)ci(s, 2);
	cpy(s, 3, m->case_id, sizeof m->case_id);
	cpy(s, 4, m->status, sizeof m->status);
	m->probability = sqlite3_column_double(s, 5);
	m->note = dup(s, 6);
	cpy(s, 7, m->decided_by, sizeof m->decided_by);
	m->decided_at = ci(s, 8);
}

void tracing_match_list_free(struct tracing_match *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(m[i].note);
	free(m);
}

static void tmatch_list_free_v(void *p, size_t n)
{
	tracing_match_list_free(p, n);
}

int store_tracing_match_list(struct store *st, const char *request_id, const char *case_id, struct tracing_match **out,
			     size_t *n)
{
	sqlite3_stmt *s = stmt(st, request_id ? "SELECT " TMATCH_COLS " FROM tracing_matches WHERE request_id = ?1 ORDER BY decided_at"
					      : "SELECT " TMATCH_COLS " FROM tracing_matches WHERE case_id = ?1 ORDER BY decided_at");
	bt(s, 1, request_id ? request_id : case_id);
	return collect(st, s, (void **)out, n, sizeof **out, tmatch_row, tmatch_list_free_v, "tracing match list");
}

/* ---- merges of two cases ----------------------------------------------------------------- */

#define MERGE_COLS "id, kept_id, merged_id, set_values, before_values, conflicts, kept_version, merged_by, merged_at," \
		   " undone_by, undone_at"

int store_merge_insert(struct store *st, const struct merge *m)
{
	sqlite3_stmt *s = stmt(st, "INSERT INTO merges(" MERGE_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, '', 0)");
	bt(s, 1, m->id);
	bt(s, 2, m->kept_id);
	bt(s, 3, m->merged_id);
	bt(s, 4, m->set_values);
	bt(s, 5, m->before_values);
	bt(s, 6, m->conflicts);
	bi(s, 7, m->kept_version);
	bt(s, 8, m->merged_by);
	bi(s, 9, m->merged_at);
	return run(st, s, NULL, "merge");
}

int store_merge_get(struct store *st, const char *id, struct merge *out)
{
	sqlite3_stmt *s = stmt(st, "SELECT " MERGE_COLS " FROM merges WHERE id = ?1");
	bt(s, 1, id);
	int rc = one(st, s);
	if (!rc) {
		memset(out, 0, sizeof *out);
		cpy(s, 0, out->id, sizeof out->id);
		cpy(s, 1, out->kept_id, sizeof out->kept_id);
		cpy(s, 2, out->merged_id, sizeof out->merged_id);
		out->set_values = dup(s, 3);
		out->before_values = dup(s, 4);
		out->conflicts = dup(s, 5);
		out->kept_version = ci(s, 6);
		cpy(s, 7, out->merged_by, sizeof out->merged_by);
		out->merged_at = ci(s, 8);
		cpy(s, 9, out->undone_by, sizeof out->undone_by);
		out->undone_at = ci(s, 10);
		sqlite3_reset(s);
	}
	return rc;
}

int store_merge_undone(struct store *st, const char *id, const char *user_id, int64_t at)
{
	sqlite3_stmt *s = stmt(st, "UPDATE merges SET undone_by = ?2, undone_at = ?3 WHERE id = ?1 AND undone_at = 0");
	bt(s, 1, id);
	bt(s, 2, user_id);
	bi(s, 3, at);
	int rc = run(st, s, NULL, "merge undo");
	return rc ? rc : sqlite3_changes(st->db) ? 0 : -HV_ECONFLICT;
}

void merge_release(struct merge *m)
{
	free(m->set_values);
	free(m->before_values);
	free(m->conflicts);
	m->set_values = m->before_values = m->conflicts = NULL;
}

/* ---- the duplicate review queue ---------------------------------------------------------- */

#define DUP_COLS "id, a_id, b_id, probability, found_at, status, decided_by, decided_at"

int store_dup_put(struct store *st, const struct dup_pair *p)
{
	sqlite3_stmt *s = stmt(st, "INSERT INTO duplicate_queue(id, a_id, b_id, probability, found_at) VALUES (?1, ?2, ?3, ?4, ?5)"
				   " ON CONFLICT(a_id, b_id) DO UPDATE SET probability = excluded.probability,"
				   " found_at = excluded.found_at WHERE status = 'open'");
	bt(s, 1, p->id);
	bt(s, 2, p->a_id);
	bt(s, 3, p->b_id);
	sqlite3_bind_double(s, 4, p->probability);
	bi(s, 5, p->found_at);
	return run(st, s, NULL, "duplicate pair");
}

static void dup_row(sqlite3_stmt *s, void *v)
{
	struct dup_pair *p = v;
	memset(p, 0, sizeof *p);
	cpy(s, 0, p->id, sizeof p->id);
	cpy(s, 1, p->a_id, sizeof p->a_id);
	cpy(s, 2, p->b_id, sizeof p->b_id);
	p->probability = sqlite3_column_double(s, 3);
	p->found_at = ci(s, 4);
	cpy(s, 5, p->status, sizeof p->status);
	cpy(s, 6, p->decided_by, sizeof p->decided_by);
	p->decided_at = ci(s, 7);
}

static void dup_list_free_v(void *p, size_t n)
{
	(void)n;
	free(p);
}

int store_dup_list(struct store *st, const char *status, struct dup_pair **out, size_t *n)
{
	sqlite3_stmt *s = stmt(st, "SELECT " DUP_COLS " FROM duplicate_queue WHERE status = ?1 ORDER BY probability DESC, id");
	bt(s, 1, status);
	return collect(st, s, (void **)out, n, sizeof **out, dup_row, dup_list_free_v, "duplicate list");
}

int store_dup_get(struct store *st, const char *id, struct dup_pair *out)
{
	sqlite3_stmt *s = stmt(st, "SELECT " DUP_COLS " FROM duplicate_queue WHERE id = ?1");
	bt(s, 1, id);
	int rc = one(st, s);
	if (!rc) {
		dup_row(s, out);
		sqlite3_reset(s);
	}
	return rc;
}

int store_dup_decide(struct store *st, const char *a_id, const char *b_id, const char *status, const char *user_id,
		     int64_t at)
{
	sqlite3_stmt *s = stmt(st, "UPDATE duplicate_queue SET status = ?3, decided_by = ?4, decided_at = ?5"
				   " WHERE status = CASE ?3 WHEN 'open' THEN 'merged' ELSE 'open' END"
				   " AND ((a_id = ?1 AND b_id = ?2) OR (a_id = ?2 AND b_id = ?1))");
	bt(s, 1, a_id);
	bt(s, 2, b_id);
	bt(s, 3, status);
	bt(s, 4, user_id);
	bi(s, 5, at);
	return run(st, s, NULL, "duplicate decision");
}
