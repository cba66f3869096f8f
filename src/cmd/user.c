/* user: 'haven user add|passwd|disable' — account administration from the shell, for the
 * first administrator and for scripted deployments. Each change is audited. */
#include "cmd.h"
#include "base/clock.h"
#include "core/account.h"
#include "core/perm.h"
#include "sec/audit.h"
#include "sec/password.h"
#include "sec/token.h"
#include "base/asset.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_user_insert(struct store *st, const char *username, const char *password, const char *role,
		    const char *agency_id, const char *full_name, int must_change);

static const char usage[] =
	"usage: haven user add --db PATH --username NAME --role ROLE --agency NAME --password-file FILE\n"
	"                      [--full-name TEXT]\n"
	"       haven user passwd --db PATH --username NAME --password-file FILE [--temporary]\n"
	"       haven user disable --db PATH --username NAME\n"
	"  passwd --temporary makes the user change the password at next sign-in.\n"
	"  passwd and disable end the user's sessions and API tokens.\n";

int cmd_user_insert(struct store *st, const char *username, const char *password, const char *role,
		    const char *agency_id, const char *full_name, int must_change)
{
	struct user u = {0};
	char hash[PASSWORD_HASH_MAX];
	if (password_hash(password, hash))
		return -HV_EINTERNAL;
	token_uuid(u.id);
	snprintf(u.username, sizeof u.username, "%s", username);
	snprintf(u.full_name, sizeof u.full_name, "%s", full_name ? full_name : "");
	snprintf(u.role, sizeof u.role, "%s", role);
	snprintf(u.agency_id, sizeof u.agency_id, "%s", agency_id);
	snprintf(u.locale, sizeof u.locale, "en");
	u.pw_hash = hash;
	u.must_change_pw = must_change;
	u.created_at = u.updated_at = clock_now();
	int rc = store_user_insert(st, &u, NULL);
	sodium_memzero(hash, sizeof hash);
	return rc;
}

/* Commits the change with its audit entry (or rolls it back) and closes the store. */
static int finish(struct store *st, int rc, const char *action, const char *id, const char *what)
{
	rc = cmd_commit(st, rc, action, "user", id);
	store_close(st);
	return rc ? cmd_fail("%s", what) : 0;
}

static int user_add(struct opts *o, struct store *st, const char *username, const char *pw)
{
	const char *role = opt_str(o, "--role", NULL), *agency = opt_str(o, "--agency", NULL);
	struct agency a;
	struct user u = {0};
	int rc = store_begin(st, 1);
	if (!rc && (!role || !perm_role_exists(role)))
		rc = cmd_fail("--role must be one of %s", perm_roles());
	if (!rc && (!agency || store_agency_by_name(st, agency, &a)))
		rc = cmd_fail("--agency must name an existing agency");
	if (rc) {
		store_rollback(st);
		store_close(st);
		return 1;
	}
	rc = cmd_user_insert(st, username, pw, role, a.id, opt_str(o, "--full-name", NULL), 0);
	if (!rc)
		rc = store_user_by_name(st, username, &u, 0);
	return finish(st, rc, "user.create", u.id, "could not add the user (is the username taken?)");
}

/* passwd (pw set) or disable (pw NULL); either ends the user's sessions and tokens. */
static int user_change(struct opts *o, struct store *st, const char *username, const char *pw)
{
	struct user u = {0};
	char hash[PASSWORD_HASH_MAX];
	int rc = store_begin(st, 1);
	if (rc || store_user_by_name(st, username, &u, 0)) {
		store_rollback(st);
		store_close(st);
		return cmd_fail("no such user %s", username);
	}
	if (pw) {
		rc = password_hash(pw, hash);
		u.pw_hash = hash;
		u.must_change_pw = opt_flag(o, "--temporary");
	} else {
		u.disabled = 1;
	}
	u.updated_at = clock_now();
	rc = rc ? rc : store_user_update(st, &u, pw != NULL, NULL);
	rc = rc ? rc : store_credentials_revoke(st, u.id, NULL);
	sodium_memzero(hash, sizeof hash);
	return finish(st, rc, pw ? "user.reset" : "user.disable", u.id, "could not update the user");
}

int cmd_user(int argc, char **argv)
{
	struct opts o = {argc - 1, argv + 1, usage};
	static const char *const values[] = {"--db", "--username", "--role", "--agency", "--password-file",
					     "--full-name", "--audit-key", NULL};
	static const char *const flags[] = {"--temporary", "--help", "-h", NULL};
	const char *sub = argc > 1 ? argv[1] : "";
	if (!strcmp(sub, "--help") || !strcmp(sub, "-h") || !opt_help(&o)) {
		fputs(usage, stdout);
		return 0;
	}
	int add = !strcmp(sub, "add"), disable = !strcmp(sub, "disable");
	if (!add && !disable && strcmp(sub, "passwd"))
		return cmd_usage(&o, "user needs add, passwd or disable");
	if (opt_check(&o, values, flags))
		return 2;
	const char *db = cmd_db_path(&o), *username = opt_str(&o, "--username", NULL);
	const char *pwfile = opt_str(&o, "--password-file", NULL);
	if (!db || !username)
		return cmd_usage(&o, "give --db and --username");
	if (add && !account_username_valid(username))
		return cmd_fail("--username: use 2-64 lower-case letters, digits, '.', '_', '-' or '@'");
	char pw[1100] = "";
	struct err e;
	err_init(&e);
	if (!disable) {
		if (!pwfile)
			return cmd_usage(&o, "give --password-file FILE");
		if (cmd_read_password(pwfile, pw, sizeof pw))
			return 1;
		if (password_policy(pw, username, "password", &e))
			return cmd_fail("%s", e.msg.p);
	}
	const char *fast = getenv("HAVEN_TEST_KDF");
	password_init(fast && !strcmp(fast, "fast"));
	struct store *st;
	if (cmd_open(&o, db, &st, 0))
		return 1;
	perm_load((const char *)asset_find("config/roles.json")->data, &e);
	err_release(&e);
	if (add)
		return user_add(&o, st, username, pw);
	return user_change(&o, st, username, disable ? NULL : pw);
}
