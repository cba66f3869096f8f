/* match: record linkage inside Haven (match.c). What the command line uses of it. */
#ifndef HV_MATCH_H
#define HV_MATCH_H
#include "base/buf.h"
#include "store/store.h"

/* Deduplicates every case (haven match --dedup): each pair of cases at or above threshold goes
 * to fn with its probability (a_id < b_id). 0, or -1 with why. */
int match_dedup_cases(struct store *st, double threshold, int threads,
		      int (*fn)(const char *a_id, const char *b_id, double p, void *ctx), void *ctx, struct buf *why);

#endif
