/* purge: erases one case completely — document, field history, notes, assignments and search
 * entries — with secure_delete on and the WAL checkpointed, so no copy of the child's data
 * stays in the file. Audit entries name only the record id, so the chain still verifies. */
#include "cmd.h"
#include "sec/audit.h"
#include "sec/token.h"
#include <stdio.h>

static const char usage[] = "usage: haven purge --db PATH --case ID\n"
			    "  ID is the case id (UUID) or display id. This cannot be undone.\n";

int cmd_purge(int argc, char **argv)
{
	struct opts o = {argc, argv, usage};
	static const char *const values[] = {"--db", "--case", "--audit-key", NULL};
	static const char *const flags[] = {"--help", "-h", NULL};
	if (!opt_help(&o))
		return 0;
	if (opt_check(&o, values, flags))
		return 2;
	const char *db = cmd_db_path(&o), *id = opt_str(&o, "--case", NULL);
	if (!db || !id)
		return cmd_fail("give --db PATH and --case ID");
	struct store *st;
	if (cmd_open(&o, db, &st, 0))
		return 1;
	struct record rec = {0};
	int rc = token_is_uuid(id) ? store_record_get(st, id, &rec) : store_record_by_display_id(st, id, &rec);
	if (rc) {
		store_close(st);
		return cmd_fail("no such case %s", id);
	}
	char rid[ID_LEN];
	snprintf(rid, sizeof rid, "%s", rec.id);
	record_release(&rec);
	rc = store_begin(st, 1);
	rc = rc ? rc : store_record_purge(st, rid);
	if (cmd_commit(st, rc, "case.purge", "case", rid)) {
		store_close(st);
		return cmd_fail("purge failed; nothing was erased");
	}
	rc = store_checkpoint(st, 1);
	store_close(st);
	if (rc)
		return cmd_fail("case erased, but the WAL checkpoint did not complete (is the server busy?); run purge "
				"again later to finish");
	printf("purged case %s\n", rid);
	return 0;
}
