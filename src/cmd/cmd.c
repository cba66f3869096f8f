/* cmd: option parsing and database opening shared by the subcommands (see cmd.h). */
#include "cmd.h"
#include "base/alloc.h"
#include "base/asset.h"
#include "base/clock.h"
#include "sec/audit.h"
#include "sec/password.h"
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *opt_str(struct opts *o, const char *name, const char *env)
{
	size_t n = strlen(name);
	for (int i = 1; i < o->argc; i++) {
		if (!strcmp(o->argv[i], name) && i + 1 < o->argc)
			return o->argv[i + 1];
		if (!strncmp(o->argv[i], name, n) && o->argv[i][n] == '=')
			return o->argv[i] + n + 1;
	}
	return env ? getenv(env) : NULL;
}

int opt_flag(struct opts *o, const char *name)
{
	for (int i = 1; i < o->argc; i++)
		if (!strcmp(o->argv[i], name))
			return 1;
	return 0;
}

int opt_help(struct opts *o)
{
	if (!opt_flag(o, "--help") && !opt_flag(o, "-h"))
		return -1;
	fputs(o->usage, stdout);
	return 0;
}

static int listed(const char *a, const char *const *list, size_t *n)
{
	for (; list && *list; list++) {
		*n = strlen(*list);
		if (!strcmp(a, *list) || (!strncmp(a, *list, *n) && a[*n] == '='))
			return 1;
	}
	return 0;
}

int opt_check(struct opts *o, const char *const *values, const char *const *flags)
{
	size_t n;
	for (int i = 1; i < o->argc; i++) {
		const char *a = o->argv[i];
		if (listed(a, values, &n)) {
			if (a[n] != '=' && ++i >= o->argc)
				return cmd_fail("%s needs a value\n%s", a, o->usage);
		} else if (!listed(a, flags, &n) || a[n] == '=') {
			return cmd_fail("unknown argument %s\n%s", a, o->usage);
		}
	}
	return 0;
}

int cmd_fail(const char *fmt, ...)
{
	va_list ap;
	fputs("haven: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int cmd_usage(struct opts *o, const char *msg)
{
	fprintf(stderr, "haven: %s\n%s", msg, o->usage);
	return 2;
}

const char *cmd_db_path(struct opts *o)
{
	const char *db = opt_str(o, "--db", "HAVEN_DB");
	if (!db || !*db)
		cmd_fail("give the database with --db PATH (or HAVEN_DB)");
	return db;
}

void cmd_key_path(struct opts *o, const char *db, char *out, size_t n)
{
	const char *k = opt_str(o, "--audit-key", "HAVEN_AUDIT_KEY");
	if (k && *k) {
		snprintf(out, n, "%s", k);
		return;
	}
	char *copy = xstrdup(db);
	snprintf(out, n, "%s/audit.key", dirname(copy));
	free(copy);
}

int cmd_open(struct opts *o, const char *db, struct store **st, int create_key)
{
	struct err e;
	err_init(&e);
	char key[4096];
	int from, to;
	int rc = store_open(st, db, 0, &e);
	if (!rc && !store_is_initialised(*st))
		rc = err_set(&e, HV_ENOTFOUND, NULL, "%s is not a Haven database (run haven init)", db);
	if (!rc)
		rc = store_migrate(*st, &from, &to, &e);
	cmd_key_path(o, db, key, sizeof key);
	/* A new key only for a trail that was never sealed: a sealed trail whose key went
	 * missing must not quietly start over under a key an attacker could have made. */
	struct audit_seal seal;
	if (!rc && create_key && store_seal_latest(*st, &seal) == 0)
		create_key = 0;
	if (!rc)
		rc = audit_key_load(key, create_key, &e);
	/* A database made before forms were configuration gets the shipped ones on first open. */
	if (!rc && store_config_generation(*st) == 0 && !(rc = store_begin(*st, 1)))
		rc = cmd_commit(*st, config_sync(*st, NULL, &e), "config.sync", NULL, NULL);
	if (rc) {
		cmd_fail("%s", e.msg.p);
		store_close(*st);
		*st = NULL;
	}
	err_release(&e);
	return rc ? 1 : 0;
}

int cmd_read_password(const char *path, char *out, size_t n)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return cmd_fail("cannot read password file %s", path);
	if (!fgets(out, (int)n, f))
		out[0] = '\0';
	fclose(f);
	out[strcspn(out, "\r\n")] = '\0';
	return 0;
}

int cmd_commit(struct store *st, int rc, const char *action, const char *type, const char *ids)
{
	struct audit_event ev = {.client = "cli", .action = action, .record_type = type, .record_ids = ids};
	struct audit_tx *tx = NULL;
	if (!rc)
		rc = audit_append(st, &ev, &tx);
	if (!rc)
		rc = store_commit(st);
	if (rc)
		store_rollback(st);
	audit_tx_end(tx, rc == 0);
	return rc ? rc : audit_seal(st);
}
