/* backup and restore: an online, consistent copy of a live database (SQLite's backup API
 * reads one snapshot while the server keeps writing), and putting such a copy back in place
 * atomically while the server is stopped. The audit key is not in the backup: keep it apart. */
#include "cmd.h"
#include "sec/audit.h"
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char backup_usage[] =
	"usage: haven backup --db PATH --out FILE\n"
	"  Writes a consistent copy of the database to FILE (which must not exist), also while the\n"
	"  server runs. The audit key (audit.key) is not part of the backup: keep a copy of it apart.\n";
static const char restore_usage[] =
	"usage: haven restore --from FILE --db PATH [--force]\n"
	"  Stop the server first. Checks FILE, then puts it in place of PATH atomically; an existing\n"
	"  PATH is replaced only with --force. The restore is audited and the audit head re-sealed.\n";

int cmd_backup(int argc, char **argv)
{
	struct opts o = {argc, argv, backup_usage};
	static const char *const values[] = {"--db", "--out", "--audit-key", NULL};
	static const char *const flags[] = {"--help", "-h", NULL};
	if (!opt_help(&o))
		return 0;
	if (opt_check(&o, values, flags))
		return 2;
	const char *db = cmd_db_path(&o), *out = opt_str(&o, "--out", NULL);
	struct stat sb;
	if (!db || !out)
		return cmd_fail("give --db PATH and --out FILE");
	if (stat(out, &sb) == 0)
		return cmd_fail("%s already exists; choose a new file", out);
	struct store *st;
	if (cmd_open(&o, db, &st, 0))
		return 1;
	struct err e;
	err_init(&e);
	int rc = cmd_commit(st, store_begin(st, 1), "db.backup", NULL, NULL);
	rc = rc ? rc : store_backup(st, out, &e);
	store_close(st);
	if (rc) {
		unlink(out);
		return cmd_fail("%s", e.msg.p);
	}
	printf("backup written to %s\n", out);
	return 0;
}

static int copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	char buf[65536];
	ssize_t n = 0;
	int ok = in >= 0 && out >= 0;
	while (ok && (n = read(in, buf, sizeof buf)) > 0)
		ok = write(out, buf, (size_t)n) == n;
	ok = ok && n == 0 && fsync(out) == 0;
	if (in >= 0)
		close(in);
	if (out >= 0)
		ok = close(out) == 0 && ok;
	return ok ? 0 : -1;
}

int cmd_restore(int argc, char **argv)
{
	struct opts o = {argc, argv, restore_usage};
	static const char *const values[] = {"--db", "--from", "--audit-key", NULL};
	static const char *const flags[] = {"--force", "--help", "-h", NULL};
	if (!opt_help(&o))
		return 0;
	if (opt_check(&o, values, flags))
		return 2;
	const char *db = cmd_db_path(&o), *from = opt_str(&o, "--from", NULL);
	struct stat sb;
	if (!db || !from)
		return cmd_fail("give --from FILE and --db PATH");
	if (stat(db, &sb) == 0 && !opt_flag(&o, "--force"))
		return cmd_fail("%s exists; add --force to replace it (stop the server first)", db);
	/* Check the backup before anything is replaced. */
	struct store *st;
	struct err e;
	err_init(&e);
	if (store_open(&st, from, 0, &e) || !store_is_initialised(st))
		return cmd_fail("%s is not a Haven database", from);
	store_close(st);
	char key[4096];
	cmd_key_path(&o, db, key, sizeof key);
	if (access(key, R_OK))
		return cmd_fail("the audit key %s is missing: restore it first (it is not part of a backup)", key);
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.restore-tmp", db);
	if (copy_file(from, tmp))
		return cmd_fail("cannot copy %s: %s", from, strerror(errno));
	char wal[4200], shm[4200];
	snprintf(wal, sizeof wal, "%s-wal", db);
	snprintf(shm, sizeof shm, "%s-shm", db);
	unlink(wal);
	unlink(shm);
	if (rename(tmp, db))
		return cmd_fail("cannot put the backup in place: %s", strerror(errno));
	if (cmd_open(&o, db, &st, 0))
		return 1;
	/* Sessions and tokens revoked since the backup would come back to life: end them all,
	 * everyone signs in again. The witness file still names the newer head; the restore
	 * entry and seal replace it. */
	int rc = store_begin(st, 1);
	rc = rc ? rc : store_expired_delete(st, INT64_MAX, INT64_MAX, INT64_MAX);
	if (cmd_commit(st, rc, "db.restore", NULL, NULL)) {
		store_close(st);
		return cmd_fail("restored %s, but could not end its sessions and tokens: run restore again", db);
	}
	store_close(st);
	printf("restored %s from %s\n", db, from);
	return 0;
}
