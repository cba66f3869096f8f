/* init: creates a new database with its schema, its audit key, an administrator and,
 * with --demo, the demo agency, users and synthetic cases. Never touches an existing one. */
#include "cmd.h"
#include "base/clock.h"
#include "core/id.h"
#include "sec/audit.h"
#include "sec/password.h"
#include "sec/token.h"
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int demo_seed(struct store *st, const char *admin_agency_id, int with_admin);
int cmd_user_insert(struct store *st, const char *username, const char *password, const char *role,
		    const char *agency_id, const char *full_name, int must_change);

static const char usage[] =
	"usage: haven init --db PATH [--admin-user NAME --admin-password-file FILE] [--demo]\n"
	"  Creates a new database and its audit signing key (audit.key beside it, or --audit-key).\n"
	"  Refuses to touch an existing database: use 'haven migrate' for that.\n"
	"  --demo   adds a demo agency, one user of each role (password haven-demo) and 50\n"
	"           synthetic cases; without --admin-user it also adds admin/haven-demo.\n";

int agency_create(struct store *st, const char *name, const char *type, const char *code, char id[ID_LEN]);

int agency_create(struct store *st, const char *name, const char *type, const char *code, char id[ID_LEN])
{
	struct agency a = {0};
	token_uuid(a.id);
	snprintf(a.name, sizeof a.name, "%s", name);
	snprintf(a.type, sizeof a.type, "%s", type);
	snprintf(a.code, sizeof a.code, "%s", code);
	a.created_at = clock_now();
	memcpy(id, a.id, ID_LEN);
	return store_agency_insert(st, &a, NULL);
}

int cmd_init(int argc, char **argv)
{
	struct opts o = {argc, argv, usage};
	static const char *const values[] = {"--db", "--admin-user", "--admin-password-file", "--audit-key", NULL};
	static const char *const flags[] = {"--demo", "--help", "-h", NULL};
	if (!opt_help(&o))
		return 0;
	if (opt_check(&o, values, flags))
		return 2;
	const char *db = cmd_db_path(&o);
	const char *admin = opt_str(&o, "--admin-user", NULL), *pwfile = opt_str(&o, "--admin-password-file", NULL);
	int demo = opt_flag(&o, "--demo");
	struct stat sb;
	if (!db)
		return 2;
	if (stat(db, &sb) == 0)
		return cmd_fail("%s already exists; init never overwrites a database (use 'haven migrate')", db);
	if (!!admin != !!pwfile)
		return cmd_fail("--admin-user and --admin-password-file go together");
	char pw[1100] = "";
	if (pwfile && cmd_read_password(pwfile, pw, sizeof pw))
		return 1;
	struct err e;
	err_init(&e);
	if (pwfile && password_policy(pw, admin, "admin password", &e)) {
		cmd_fail("%s", e.msg.p);
		return 1;
	}
	const char *fast = getenv("HAVEN_TEST_KDF");
	password_init(fast && !strcmp(fast, "fast"));
	struct store *st = NULL;
	int from, to;
	char key[4096];
	cmd_key_path(&o, db, key, sizeof key);
	int rc = store_open(&st, db, 1, &e);
	if (!rc)
		rc = store_migrate(st, &from, &to, &e);
	if (!rc)
		rc = audit_key_load(key, 1, &e);
	if (rc) {
		cmd_fail("%s", e.msg.p);
		if (st)
			store_close(st);
		unlink(db);
		return 1;
	}
	char admin_agency[ID_LEN];
	rc = store_begin(st, 1);
	if (!rc)
		rc = config_sync(st, NULL, &e);
	if (!rc)
		rc = agency_create(st, "Haven Administration", "other", "ADM", admin_agency);
	if (!rc && admin)
		rc = cmd_user_insert(st, admin, pw, "admin", admin_agency, "Administrator", 0);
	if (!rc && demo)
		rc = demo_seed(st, admin_agency, !admin);
	if (cmd_commit(st, rc, "db.init", NULL, NULL)) {
		store_close(st);
		unlink(db);
		return cmd_fail("could not create %s%s%s", db, e.msg.len ? ": " : "", e.msg.p);
	}
	store_close(st);
	printf("created %s (schema %d), audit key %s\n", db, to, key);
	if (demo)
		printf("demo logins, password haven-demo: %ssupervisor, caseworker, caseworker2, screener, analyst, "
		       "provider\n", admin ? "" : "admin, ");
	return 0;
}
