/* Unit tests of store/ through the backend-neutral interface only (so they run unchanged on
 * every backend), of the audit chain over a real store, and of password hashing. */
#include "harness.h"
#include "base/clock.h"
#include "core/perm.h"
#include "sec/audit.h"
#include "sec/password.h"
#include "sec/token.h"
#include "store/store.h"
#include <stdlib.h>
#include <unistd.h>

static char dir[64];

static struct store *fresh(void)
{
	static int n;
	char path[128];
	struct store *st;
	int from, to;
	if (!dir[0]) {
		snprintf(dir, sizeof dir, "/tmp/haven-unit-XXXXXX");
		if (!mkdtemp(dir))
			abort();
	}
	snprintf(path, sizeof path, "%s/t%d.db", dir, n++);
	if (store_open(&st, path, 1, NULL) || store_migrate(st, &from, &to, NULL))
		abort();
	return st;
}

static void seed(struct store *st, struct agency *a, struct user *u)
{
	memset(a, 0, sizeof *a);
	memset(u, 0, sizeof *u);
	token_uuid(a->id);
	snprintf(a->name, sizeof a->name, "Agency %s", a->id);
	snprintf(a->type, sizeof a->type, "ngo");
	snprintf(a->code, sizeof a->code, "T%.3s", a->id);
	for (char *c = a->code; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 32);
	token_uuid(u->id);
	snprintf(u->username, sizeof u->username, "u%.8s", u->id);
	snprintf(u->role, sizeof u->role, "caseworker");
	memcpy(u->agency_id, a->id, ID_LEN);
	u->pw_hash = "x";
	CHECK(store_begin(st, 1) == 0);
	CHECK(store_agency_insert(st, a, NULL) == 0);
	CHECK(store_user_insert(st, u, NULL) == 0);
	CHECK(store_commit(st) == 0);
	u->pw_hash = NULL;
}

static void insert_case(struct store *st, const struct user *u, const char *key, struct record *r)
{
	memset(r, 0, sizeof *r);
	token_uuid(r->id);
	snprintf(r->display_id, sizeof r->display_id, "T-%.7s", r->id);
	snprintf(r->type, sizeof r->type, "case");
	snprintf(r->status, sizeof r->status, "open");
	memcpy(r->owner_id, u->id, ID_LEN);
	memcpy(r->created_by, u->id, ID_LEN);
	memcpy(r->agency_id, u->agency_id, ID_LEN);
	r->version = 1;
	r->created_at = r->updated_at = clock_now();
	r->data = "{}";
	r->search_key = (char *)key;
	CHECK(store_begin(st, 1) == 0);
	CHECK(store_record_insert(st, r, NULL) == 0);
	CHECK(store_commit(st) == 0);
	r->data = r->search_key = NULL;
}

static void store_unique_and_rollback(void)
{
	struct store *st = fresh();
	struct agency a;
	struct user u;
	seed(st, &a, &u);
	struct err e;
	err_init(&e);
	CHECK(store_begin(st, 1) == 0);
	CHECK(store_agency_insert(st, &a, &e) == -HV_ECONFLICT);
	store_rollback(st);
	/* A rolled-back write leaves nothing behind. */
	struct agency b = a;
	token_uuid(b.id);
	snprintf(b.name, sizeof b.name, "Rolled back");
	snprintf(b.code, sizeof b.code, "RB");
	CHECK(store_begin(st, 1) == 0);
	CHECK(store_agency_insert(st, &b, NULL) == 0);
	store_rollback(st);
	struct agency got;
	CHECK(store_agency_get(st, b.id, &got) == -HV_ENOTFOUND);
	err_release(&e);
	store_close(st);
}

static void store_version_check(void)
{
	struct store *st = fresh();
	struct agency a;
	struct user u;
	struct record r, got;
	seed(st, &a, &u);
	insert_case(st, &u, " amal", &r);
	CHECK(store_record_get(st, r.id, &got) == 0 && got.version == 1);
	got.version = 2;
	CHECK(store_begin(st, 1) == 0);
	CHECK(store_record_update(st, &got, 1, NULL) == 0);
	CHECK(store_record_update(st, &got, 1, NULL) == -HV_ESTALE);
	store_commit(st);
	record_release(&got);
	store_close(st);
}

static void store_scopes_and_search(void)
{
	struct store *st = fresh();
	struct agency a1, a2;
	struct user u1, u2;
	struct record r1, r2;
	seed(st, &a1, &u1);
	seed(st, &a2, &u2);
	insert_case(st, &u1, " amal haddad", &r1);
	insert_case(st, &u2, " amir haddad", &r2);
	struct record_query q = {.type = "case", .page = 1, .per = 10};
	struct record_list l;
	q.scope = (struct scope){SCOPE_AGENCY, u1.id, a1.id, 0};
	q.q = "hadd";
	CHECK(store_record_query(st, &q, &l) == 0 && l.total == 1 && !strcmp(l.items[0].id, r1.id));
	record_list_release(&l);
	q.scope.kind = SCOPE_ALL;
	CHECK(store_record_query(st, &q, &l) == 0 && l.total == 2);
	record_list_release(&l);
	q.q = "am"; /* two letters: word prefix */
	CHECK(store_record_query(st, &q, &l) == 0 && l.total == 2);
	record_list_release(&l);
	q.q = "ma"; /* not a word prefix */
	CHECK(store_record_query(st, &q, &l) == 0 && l.total == 0);
	record_list_release(&l);
	q.q = "50%_"; /* LIKE wildcards are literal */
	CHECK(store_record_query(st, &q, &l) == 0 && l.total == 0);
	record_list_release(&l);
	/* An assignee sees the record; one in (or moved to) another agency does not. */
	struct scope mate = {SCOPE_ASSIGNED, u2.id, a1.id, 0}, other = {SCOPE_ASSIGNED, u2.id, a2.id, 0};
	CHECK(store_record_visible(st, r1.id, &mate) == -HV_ENOTFOUND);
	const char *ids[] = {u2.id};
	store_begin(st, 1);
	CHECK(store_assignees_set(st, r1.id, ids, 1) == 0);
	store_commit(st);
	CHECK(store_record_visible(st, r1.id, &mate) == 0);
	CHECK(store_record_visible(st, r1.id, &other) == -HV_ENOTFOUND);
	/* The in-memory predicate (core/perm) agrees with the store's SQL one for every scope. */
	struct record got;
	CHECK(store_record_get(st, r1.id, &got) == 0);
	const char *as[] = {u2.id};
	for (int k = SCOPE_NONE; k <= SCOPE_ALL; k++)
		for (int who = 0; who < 3; who++) {
			struct scope sc = {(enum scope_kind)k, who ? u2.id : u1.id, who == 1 ? a2.id : a1.id, 0};
			CHECK(perm_covers(&sc, &got, as, 1) == (store_record_visible(st, r1.id, &sc) == 0));
		}
	record_release(&got);
	/* Purge removes the record and its search entry. */
	store_begin(st, 1);
	CHECK(store_record_purge(st, r1.id) == 0);
	store_commit(st);
	q.q = "amal";
	CHECK(store_record_query(st, &q, &l) == 0 && l.total == 0);
	record_list_release(&l);
	store_close(st);
}

SUITE(store) = {TEST_ROW(store_unique_and_rollback), TEST_ROW(store_version_check),
		TEST_ROW(store_scopes_and_search), {0}};

static void append(struct store *st, const char *action)
{
	struct audit_event ev = {.action = action, .client = "test", .record_ids = "a,b"};
	struct audit_tx *tx = NULL;
	store_begin(st, 1);
	CHECK(audit_append(st, &ev, &tx) == 0);
	CHECK(store_commit(st) == 0);
	audit_tx_end(tx, 1);
}

static void audit_chain_detects_tampering(void)
{
	struct store *st = fresh();
	char key[128];
	snprintf(key, sizeof key, "%s/audit.key", dir);
	unlink(key);
	CHECK(audit_key_load(key, 1, NULL) == 0);
	for (int i = 0; i < 5; i++)
		append(st, "test.write");
	CHECK(audit_seal(st) == 0);
	struct err e;
	err_init(&e);
	int64_t n;
	CHECK(audit_verify(st, &n, &e) == 0 && n == 5);
	/* A rolled-back append must not leave a gap: its pending entries are requeued. */
	struct audit_event ev = {.action = "test.rolledback"};
	struct audit_tx *tx = NULL;
	store_begin(st, 1);
	audit_append(st, &ev, &tx);
	store_rollback(st);
	audit_tx_end(tx, 0);
	CHECK(audit_verify(st, &n, &e) == 0 && n == 5);
	/* "Who saw record b": found while the index entries are pending, and after the bulk move. */
	struct audit_query q = {.record_id = "b", .page = 1, .per = 10};
	struct audit_entry *list;
	size_t got;
	int64_t total;
	CHECK(store_audit_query(st, &q, &list, &got, &total) == 0 && total == 5 && got == 5);
	audit_list_free(list, got);
	store_begin(st, 1);
	CHECK(store_audit_index(st) == 0);
	CHECK(store_commit(st) == 0);
	CHECK(store_audit_query(st, &q, &list, &got, &total) == 0 && total == 5);
	audit_list_free(list, got);
	q.record_id = "c";
	CHECK(store_audit_query(st, &q, &list, &got, &total) == 0 && total == 0);
	audit_list_free(list, got);
	err_release(&e);
	store_close(st);
}

SUITE(audit) = {TEST_ROW(audit_chain_detects_tampering), {0}};

static void password_round_trip(void)
{
	char h[PASSWORD_HASH_MAX];
	CHECK(password_hash("correct horse battery", h) == 0);
	CHECK(strncmp(h, "$argon2id$", 10) == 0);
	CHECK(password_verify(h, "correct horse battery") == 0);
	CHECK(password_verify(h, "wrong horse battery") == -HV_EUNAUTH);
	CHECK(password_verify(NULL, "anything") == -HV_EUNAUTH);
	struct err e;
	err_init(&e);
	CHECK(password_policy("short", "u", "password", &e) == -HV_EVALID);
	err_clear(&e);
	CHECK(password_policy("ownusername", "ownusername", "password", &e) == -HV_EVALID);
	err_clear(&e);
	CHECK(password_policy("لكلمة سر طويلة", "u", "password", &e) == 0);
	err_release(&e);
}

SUITE(password) = {TEST_ROW(password_round_trip), {0}};
