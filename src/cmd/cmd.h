/* cmd: the command-line front end. main.c dispatches argv[1] through the table in main.c to
 * one cmd_<name> per file; these helpers parse options and open the database consistently.
 * Only cmd_* functions and main may exit. */
#ifndef HV_CMD_H
#define HV_CMD_H
#include "store/store.h"
#include <stdio.h>

struct opts {
	int argc;
	char **argv;
	const char *usage;
};

/* Value of --name VALUE or --name=VALUE, else env (may be NULL), else NULL. */
const char *opt_str(struct opts *o, const char *name, const char *env);
int opt_flag(struct opts *o, const char *name);
/* Prints usage and returns 0 when --help was given; returns -1 otherwise. */
int opt_help(struct opts *o);
/* Fails with usage when an argument is not one of the NULL-terminated known options. */
int opt_check(struct opts *o, const char *const *known_values, const char *const *known_flags);
/* Prints "haven: message" to stderr and returns 1 (a failed operation). */
int cmd_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the message and the command's usage to stderr and returns 2 (a usage error). */
int cmd_usage(struct opts *o, const char *msg);

/* --db or HAVEN_DB; prints an error and returns NULL when missing. */
const char *cmd_db_path(struct opts *o);
/* The audit key: --audit-key, HAVEN_AUDIT_KEY, or audit.key beside the database. */
void cmd_key_path(struct opts *o, const char *db, char *out, size_t n);
/* Opens an initialised database (migrated to the current schema) with its audit key. */
int cmd_open(struct opts *o, const char *db, struct store **st, int create_key);
/* Reads the first line of a password file (trailing newline removed). */
int cmd_read_password(const char *path, char *out, size_t n);
/* Ends a CLI write begun with store_begin(st, 1): when rc is 0, appends the audit entry for
 * the action in the same transaction, commits and seals the head; otherwise rolls back.
 * Returns the outcome. */
int cmd_commit(struct store *st, int rc, const char *action, const char *type, const char *ids);
/* Installs or merges the shipped configuration (config.c) inside the caller's write
 * transaction, describing each change on report (may be NULL); checks the result builds. */
int config_sync(struct store *st, FILE *report, struct err *e);

#define CMD_LIST(X)                                                                                \
	X(serve, "run the web server and API")                                                     \
	X(init, "create a database (optionally with demo data)")                                   \
	X(migrate, "bring a database to the current schema")                                        \
	X(user, "add a user, set a password, disable a user")                                      \
	X(forms, "export or import the forms, lookups and workflows")                                \
	X(backup, "write a consistent copy of a live database")                                     \
	X(restore, "put a backup in place of a database")                                            \
	X(purge, "erase a case completely")                                                          \
	X(audit, "verify the audit trail")                                                             \
	X(link, "find the same person in CSV files (record linkage)")                                 \
	X(match, "queue the cases that are likely one child, for review")                           \
	X(version, "print the version")
#define CMD_DECL(name, help) int cmd_##name(int argc, char **argv);
CMD_LIST(CMD_DECL)
#undef CMD_DECL

#endif
