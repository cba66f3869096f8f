/* storage_ceiling: the SQLite work of POST /api/v1/cases with nothing else around it - the
 * storage ceiling of the benchmark. Single-threaded, prepared statements, one
 * BEGIN IMMEDIATE ... COMMIT per case with Haven's durability settings (WAL,
 * synchronous=FULL, foreign_keys, secure_delete), on a fresh database built from Haven's own
 * migrations (every src/store/sql/sqlite file, concatenated by run.sh). A case is what
 * store_record_insert, history_diff, the task upkeep and audit_append write in the API:
 *   INSERT records; DELETE + INSERT record_search (trigram FTS5); DELETE record_search_hidden;
 *   one INSERT history per field of the stored document (13 for these cases); INSERT the
 *   first task (the assessment due in 3 days) and the plan-task prune; SELECT the audit head;
 *   INSERT audit; INSERT audit_pending (the record-id index entry; Haven moves it into
 *   audit_records in bulk).
 * Before timing, the database is prefilled with PREFILL cases (1,000 per transaction, not
 * timed) so its indexes are as deep as the benchmark database's.
 *
 * usage: storage_ceiling DB MIGRATIONS.sql SECONDS PREFILL
 * prints: storage_ceiling tps=<transactions/s> n=<transactions> seconds=<elapsed> */
#define _POSIX_C_SOURCE 200809L
#include "synth.h"
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static sqlite3 *db;

static void check(int rc, const char *what)
{
	if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
		fprintf(stderr, "storage_ceiling: %s: %s\n", what, sqlite3_errmsg(db));
		exit(1);
	}
}

static void exec(const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "storage_ceiling: %s: %s\n", sql, msg ? msg : "");
		exit(1);
	}
}

static sqlite3_stmt *prep(const char *sql)
{
	sqlite3_stmt *s;
	check(sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL), sql);
	return s;
}

static void step(sqlite3_stmt *s, const char *what)
{
	check(sqlite3_step(s), what);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void hex(uint64_t *r, char *out, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		out[i] = "0123456789abcdef"[syn_rand(r) % 16];
	out[n - 1] = '\0';
}

static void uuid(uint64_t *r, char out[37])
{
	hex(r, out, 37);
	out[8] = out[13] = out[18] = out[23] = '-';
	out[14] = '4';
}

static sqlite3_stmt *s_rec, *s_sdel, *s_sins, *s_hdel, *s_hist, *s_task, *s_tprune, *s_head, *s_audit, *s_arec;
static const char *agency_id = "a0000000-0000-4000-8000-000000000001";
static const char *user_id = "b0000000-0000-4000-8000-000000000001";
static int64_t audit_seq;

/* One case: the statements Haven runs between BEGIN IMMEDIATE and COMMIT. */
static void one_case(uint64_t *r, int64_t at)
{
	char id[37], disp[16], last[64], dob[16], hash[65];
	const char *first = syn_firsts[syn_rand(r) % SYN_NFIRST];
	syn_last(r, last, sizeof last);
	uuid(r, id);
	snprintf(disp, sizeof disp, "DSS-");
	for (int i = 4; i < 11; i++)
		disp[i] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"[syn_rand(r) % 32];
	disp[11] = '\0';
	snprintf(dob, sizeof dob, "\"%d-11-29\"", 2026 - (int)(3 + syn_rand(r) % 15));
	/* The stored document's fields with their canonical JSON values (history rows). */
	char v_first[96], v_last[96], v_sex[32], v_nat[32], v_conc[96], v_risk[32], v_loc[64];
	snprintf(v_first, sizeof v_first, "\"%s\"", first);
	snprintf(v_last, sizeof v_last, "\"%s\"", last);
	snprintf(v_sex, sizeof v_sex, "\"%s\"", syn_sexes[syn_rand(r) % 5]);
	snprintf(v_nat, sizeof v_nat, "[\"%s\"]", syn_nats[syn_rand(r) % 8]);
	snprintf(v_conc, sizeof v_conc, "[\"%s\",\"%s\"]", syn_concerns[syn_rand(r) % 6], syn_concerns[syn_rand(r) % 6]);
	const char *risk = syn_risks[syn_rand(r) % 3];
	snprintf(v_risk, sizeof v_risk, "\"%s\"", risk);
	snprintf(v_loc, sizeof v_loc, "\"%s\"", syn_places[syn_rand(r) % 5]);
	const char *fields[][2] = {
		{"name_first", v_first}, {"name_last", v_last}, {"sex", v_sex}, {"nationality", v_nat},
		{"languages", "[\"ar\",\"en\"]"}, {"protection_concerns", v_conc}, {"risk_level", v_risk},
		{"consent_for_services", "\"yes\""}, {"consent_for_tracing", "\"unknown\""},
		{"location_current", v_loc}, {"age_stated_on", "\"2026-11-29\""}, {"date_of_birth", dob},
		{"date_of_birth_estimated", "true"},
	};
	char data[1024];
	size_t len = 0;
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
		len += (size_t)snprintf(data + len, sizeof data - len, "%c\"%s\":%s", i ? ',' : '{', fields[i][0],
				       fields[i][1]);
	snprintf(data + len, sizeof data - len, "}");
	char key[256], sort[160];
	snprintf(key, sizeof key, " %s %s %s", first, last, disp);
	snprintf(sort, sizeof sort, "%s %s", last, first);
	for (char *c = key; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c += 32;
	for (char *c = sort; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c += 32;

	sqlite3_bind_text(s_rec, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s_rec, 2, disp, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s_rec, 3, "case", -1, SQLITE_STATIC);
	sqlite3_bind_text(s_rec, 4, "open", -1, SQLITE_STATIC);
	sqlite3_bind_text(s_rec, 5, risk, -1, SQLITE_STATIC);
	sqlite3_bind_text(s_rec, 6, user_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s_rec, 7, agency_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s_rec, 8, user_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s_rec, 9, 1);
	sqlite3_bind_int64(s_rec, 10, at);
	sqlite3_bind_int64(s_rec, 11, at);
	sqlite3_bind_text(s_rec, 12, sort, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s_rec, 13, data, -1, SQLITE_TRANSIENT);
	step(s_rec, "insert record");
	sqlite3_bind_text(s_sdel, 1, id, -1, SQLITE_TRANSIENT);
	step(s_sdel, "delete search");
	sqlite3_bind_text(s_sins, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s_sins, 2, key, -1, SQLITE_TRANSIENT);
	step(s_sins, "insert search");
	sqlite3_bind_text(s_hdel, 1, id, -1, SQLITE_TRANSIENT);
	step(s_hdel, "delete hidden search");
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
		sqlite3_bind_text(s_hist, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(s_hist, 2, at);
		sqlite3_bind_text(s_hist, 3, user_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(s_hist, 4, "create", -1, SQLITE_STATIC);
		sqlite3_bind_text(s_hist, 5, fields[i][0], -1, SQLITE_TRANSIENT);
		sqlite3_bind_null(s_hist, 6);
		sqlite3_bind_text(s_hist, 7, fields[i][1], -1, SQLITE_TRANSIENT);
		step(s_hist, "insert history");
	}
	sqlite3_bind_text(s_task, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s_task, 2, at);
	step(s_task, "insert task");
	sqlite3_bind_text(s_tprune, 1, id, -1, SQLITE_TRANSIENT);
	step(s_tprune, "prune tasks");
	/* The audit head, then the chained entry and its record index row. */
	check(sqlite3_step(s_head), "audit head");
	sqlite3_reset(s_head);
	hex(r, hash, sizeof hash);
	audit_seq++;
	sqlite3_bind_int64(s_audit, 1, audit_seq);
	sqlite3_bind_int64(s_audit, 2, at * 1000);
	sqlite3_bind_text(s_audit, 3, user_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s_audit, 4, "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s_audit, 5, "127.0.0.1", -1, SQLITE_STATIC);
	sqlite3_bind_text(s_audit, 6, "case.create", -1, SQLITE_STATIC);
	sqlite3_bind_text(s_audit, 7, "case", -1, SQLITE_STATIC);
	sqlite3_bind_text(s_audit, 8, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_null(s_audit, 9);
	sqlite3_bind_text(s_audit, 10, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s_audit, 11, hash, -1, SQLITE_TRANSIENT);
	step(s_audit, "insert audit");
	sqlite3_bind_text(s_arec, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s_arec, 2, audit_seq);
	step(s_arec, "insert audit_pending");
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: storage_ceiling DB MIGRATION.sql SECONDS PREFILL\n");
		return 2;
	}
	double seconds = strtod(argv[3], NULL);
	long prefill = strtol(argv[4], NULL, 10);
	FILE *f = fopen(argv[2], "r");
	if (!f) {
		perror(argv[2]);
		return 1;
	}
	static char schema[1 << 16];
	size_t n = fread(schema, 1, sizeof schema - 1, f);
	fclose(f);
	schema[n] = '\0';
	remove(argv[1]);
	check(sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL),
	      "open");
	sqlite3_busy_timeout(db, 10000);
	exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
	     "PRAGMA secure_delete=ON; PRAGMA trusted_schema=OFF;");
	exec("BEGIN IMMEDIATE");
	exec(schema);
	exec("INSERT INTO agencies VALUES ('a0000000-0000-4000-8000-000000000001', 'Demo Social Services',"
	     " 'social_services', 'DSS', 0);"
	     "INSERT INTO users(id, username, full_name, role, agency_id, pw_hash, created_at, updated_at) VALUES"
	     " ('b0000000-0000-4000-8000-000000000001', 'supervisor', 'Amina Supervisor', 'supervisor',"
	     " 'a0000000-0000-4000-8000-000000000001', 'x', 0, 0);");
	exec("COMMIT");
	s_rec = prep("INSERT INTO records(id, display_id, type, status, risk_level, owner_id,"
		     " agency_id, created_by, version, created_at, updated_at, deleted, sort_name, data,"
		     " stage, name_hidden, form_versions)"
		     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 0, ?12, ?13, 'registration', 0,"
		     " '{\"registration\":1,\"closure\":1}')");
	s_hdel = prep("DELETE FROM record_search_hidden WHERE rowid = (SELECT seq FROM records WHERE id = ?1)");
	s_task = prep("INSERT INTO tasks(id, record_id, rule, ref, title, due_on, status, created_at)"
		      " VALUES (?1 || '-t', ?1, 'assessment', '2026-11-29#1', '', '2026-12-02', 'open', ?2)"
		      " ON CONFLICT(record_id, rule, ref) DO NOTHING");
	s_tprune = prep("DELETE FROM tasks WHERE record_id = ?1 AND rule = 'plan_action'"
			" AND ref NOT IN (SELECT value FROM json_each('[]'))");
	s_sdel = prep("DELETE FROM record_search WHERE rowid = (SELECT seq FROM records WHERE id = ?1)");
	s_sins = prep("INSERT INTO record_search(rowid, key) SELECT seq, ?2 FROM records WHERE id = ?1");
	s_hist = prep("INSERT INTO history(record_id, at, user_id, action, field, old_value, new_value)"
		      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	s_head = prep("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
	s_audit = prep("INSERT INTO audit(seq, at_ms, user_id, actor_hash, client, action, record_type, record_ids,"
		       " reason, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
	s_arec = prep("INSERT INTO audit_pending(record_id, seq) VALUES (?1, ?2)");
	uint64_t r = 42;
	int64_t t0 = (int64_t)time(NULL) - 2 * 365 * 86400LL;
	for (long i = 0; i < prefill; i++) {
		if (i % 1000 == 0)
			exec("BEGIN IMMEDIATE");
		one_case(&r, t0 + i * 600);
		if (i % 1000 == 999 || i == prefill - 1)
			exec("COMMIT");
	}
	exec("PRAGMA wal_checkpoint(TRUNCATE)");
	long done = 0;
	double start = now_s(), el = 0;
	while (el < seconds) {
		exec("BEGIN IMMEDIATE");
		one_case(&r, (int64_t)time(NULL));
		exec("COMMIT");
		done++;
		if (done % 16 == 0)
			el = now_s() - start;
	}
	el = now_s() - start;
	printf("storage_ceiling tps=%.1f n=%ld seconds=%.2f\n", (double)done / el, done, el);
	sqlite3_close(db);
	return 0;
}
