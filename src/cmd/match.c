/* match: the batch duplicate check (docs/linkage.md). Deduplicates every case with Haven's
 * linkage config and puts each likely pair in the review queue, where a supervisor merges the
 * two cases or dismisses the pair (GET /api/v1/duplicates). Pairs already decided stay decided. */
#include "cmd.h"
#include "api/match.h"
#include "base/clock.h"
#include "sec/token.h"
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char usage[] =
	"usage: haven match --db PATH --dedup [--threshold P] [--threads N]\n"
	"  Finds the cases that are likely the same child (probability at or above P, default 0.5)\n"
	"  and adds each pair to the review queue that supervisors work through in Haven. Safe to\n"
	"  run again: a pair decided before is not proposed again.\n";

struct queue {
	struct store *st;
	int64_t now;
	size_t pairs;
};

static int enqueue(const char *a, const char *b, double p, void *ctx)
{
	struct queue *q = ctx;
	struct dup_pair d = {.probability = p, .found_at = q->now};
	token_uuid(d.id);
	snprintf(d.a_id, sizeof d.a_id, "%s", a);
	snprintf(d.b_id, sizeof d.b_id, "%s", b);
	q->pairs++;
	return store_dup_put(q->st, &d);
}

int cmd_match(int argc, char **argv)
{
	struct opts o = {argc, argv, usage};
	static const char *const values[] = {"--db", "--threshold", "--threads", "--audit-key", NULL};
	static const char *const flags[] = {"--help", "-h", "--dedup", NULL};
	if (!opt_help(&o))
		return 0;
	if (opt_check(&o, values, flags))
		return 2;
	const char *db = cmd_db_path(&o), *thr = opt_str(&o, "--threshold", NULL), *thn = opt_str(&o, "--threads", NULL);
	if (!db)
		return 2;
	if (!opt_flag(&o, "--dedup"))
		return cmd_usage(&o, "give --dedup (the one batch run there is)");
	char *end = NULL;
	double threshold = thr ? strtod(thr, &end) : 0.5;
	if (thr && (*end || !(threshold > 0 && threshold < 1)))
		return cmd_usage(&o, "--threshold is a probability between 0 and 1");
	long threads = thn ? strtol(thn, &end, 10) : sysconf(_SC_NPROCESSORS_ONLN);
	if (thn && (*end || threads < 1 || threads > 64))
		return cmd_usage(&o, "--threads is 1 to 64");
	struct store *st;
	if (cmd_open(&o, db, &st, 0))
		return 1;
	struct queue q = {st, clock_now(), 0};
	struct buf why = BUF_INIT;
	int rc = store_begin(st, 1);
	if (!rc && match_dedup_cases(st, threshold, (int)threads, enqueue, &q, &why))
		rc = -1;
	rc = cmd_commit(st, rc, "case.duplicate_scan", "case", NULL);
	store_close(st);
	if (rc) {
		cmd_fail("the duplicate check failed%s%s; nothing was queued", why.len ? ": " : "", why.p);
		buf_release(&why);
		return 1;
	}
	buf_release(&why);
	printf("%zu likely pairs of cases at or above %.2f are in the review queue\n", q.pairs, threshold);
	return 0;
}
