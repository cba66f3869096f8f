/* migrate: brings a database to the current schema (numbered migrations, each in its own
 * transaction), and 'version' prints the program and schema versions. */
#include "cmd.h"
#include "version.h"
#include "sec/audit.h"
#include <stdio.h>

static const char usage[] = "usage: haven migrate --db PATH\n"
			    "  Applies the schema migrations the database does not have yet.\n";

int cmd_migrate(int argc, char **argv)
{
	struct opts o = {argc, argv, usage};
	static const char *const values[] = {"--db", "--audit-key", NULL};
	static const char *const flags[] = {"--help", "-h", NULL};
	if (!opt_help(&o))
		return 0;
	if (opt_check(&o, values, flags))
		return 2;
	const char *db = cmd_db_path(&o);
	struct store *st;
	struct err e;
	err_init(&e);
	int from, to;
	if (!db)
		return 2;
	if (store_open(&st, db, 0, &e) || !store_is_initialised(st))
		return cmd_fail("%s is not a Haven database (create one with haven init)", db);
	if (store_migrate(st, &from, &to, &e)) {
		store_close(st);
		return cmd_fail("%s", e.msg.p);
	}
	printf(from == to ? "schema is current (version %d)\n" : "migrated from version %d to %d\n", from, to);
	/* Then the shipped configuration: new forms and fields in, an administrator's edits kept. */
	char key[4096];
	cmd_key_path(&o, db, key, sizeof key);
	int rc = audit_key_load(key, 0, &e);
	if (!rc)
		rc = store_begin(st, 1);
	if (!rc)
		rc = config_sync(st, stdout, &e);
	if (cmd_commit(st, rc, "config.sync", NULL, NULL))
		rc = cmd_fail("configuration: %s", e.msg.len ? e.msg.p : "could not save");
	store_close(st);
	err_release(&e);
	return rc ? 1 : 0;
}

int cmd_version(int argc, char **argv)
{
	struct opts o = {argc, argv, "usage: haven version\n  Prints the version of this binary.\n"};
	if (!opt_help(&o))
		return 0;
	printf("haven %s\n", HAVEN_VERSION);
	return 0;
}
