/* seed: loads N synthetic cases into a Haven database through Haven's own store API (linked
 * against the release build's objects), with the same derived columns and rows as
 * POST /api/v1/cases: record_apply + record_derive (stored document, search key, sort name,
 * risk level), the record_search trigram row, one history row per field, and a chained
 * case.create audit entry with its record-id index row. Cases are committed 1,000 per
 * transaction (the API commits one per request) - that is the only difference, and it is
 * what makes 100,000 cases load in seconds instead of minutes.
 *
 * usage: seed DB AUDIT_KEY N OUTDIR
 * Writes OUTDIR/ids.txt (every case id, one a line) and OUTDIR/queries.txt (64 four-letter
 * name substrings for the search load). */
#include "base/clock.h"
#include "base/json.h"
#include "core/id.h"
#include "core/record.h"
#include "sec/audit.h"
#include "sec/token.h"
#include "store/store.h"
#include "synth.h"
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 1000

static int die(const char *what)
{
	fprintf(stderr, "seed: %s\n", what);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 5)
		return die("usage: seed DB AUDIT_KEY N OUTDIR");
	long n = strtol(argv[3], NULL, 10);
	struct err e;
	err_init(&e);
	struct store *st;
	if (store_open(&st, argv[1], 0, &e) || audit_key_load(argv[2], 0, &e))
		return die(e.msg.len ? e.msg.p : "cannot open");
	/* Owners: the supervisor and the two caseworkers of the demo agency, in turn. */
	static const char *const owners[] = {"supervisor", "caseworker", "caseworker2"};
	struct user u[3];
	for (int i = 0; i < 3; i++)
		if (store_user_by_name(st, owners[i], &u[i], 0))
			return die("run 'haven init --demo' first");
	struct agency ag;
	if (store_agency_get(st, u[0].agency_id, &ag))
		return die("no agency");
	char path[4096];
	snprintf(path, sizeof path, "%s/ids.txt", argv[4]);
	FILE *ids = fopen(path, "w");
	snprintf(path, sizeof path, "%s/queries.txt", argv[4]);
	FILE *qf = fopen(path, "w");
	if (!ids || !qf)
		return die("cannot write to OUTDIR");
	uint64_t rng = 20260101, qrng = 7;
	int64_t now = clock_now();
	char text[1024];
	int nq = 0;
	struct audit_tx *tx = NULL;
	for (long i = 0; i < n; i++) {
		if (i % BATCH == 0 && store_begin(st, 1))
			return die("begin failed");
		const struct user *owner = &u[i % 3];
		syn_case_json(&rng, text, sizeof text);
		json_t *data = json_loads(text, 0, NULL), *doc = json_object();
		record_apply(doc, data);
		struct record rec = {0};
		token_uuid(rec.id);
		snprintf(rec.type, sizeof rec.type, "case");
		snprintf(rec.status, sizeof rec.status, "%s", i % 10 == 9 ? "closed" : "open");
		snprintf(rec.stage, sizeof rec.stage, "%s", i % 10 == 9 ? "closed" : "registration");
		snprintf(rec.owner_id, sizeof rec.owner_id, "%s", owner->id);
		snprintf(rec.created_by, sizeof rec.created_by, "%s", owner->id);
		snprintf(rec.agency_id, sizeof rec.agency_id, "%s", ag.id);
		rec.version = 1;
		/* Spread over the last two years, oldest first, so list order looks like real use. */
		rec.created_at = rec.updated_at = now - 2 * 365 * 86400LL + (int64_t)i * (2 * 365 * 86400LL) / n;
		int rc;
		for (int tries = 0;; tries++) {
			id_display_new(ag.code, rec.display_id);
			record_derive(&rec, doc, 0);
			rc = store_record_insert(st, &rec, NULL);
			if (rc != -HV_ECONFLICT || tries == 4)
				break;
		}
		const char *k;
		json_t *v;
		json_object_foreach(doc, k, v) {
			char *c = json_canonical(v);
			if (!rc)
				rc = store_history_insert(st, rec.id, rec.created_at, owner->id, "create", k, NULL, c);
			free(c);
		}
		struct audit_event ev = {.user_id = owner->id, .client = "127.0.0.1", .action = "case.create",
					 .record_type = "case", .record_ids = rec.id};
		if (!rc)
			rc = audit_append(st, &ev, &tx);
		if (rc)
			return die("insert failed");
		fprintf(ids, "%s\n", rec.id);
		/* Every 1,500th case gives a search query: four letters from the middle of its last name. */
		if (i % 1500 == 7 && nq < 64) {
			const char *last = json_string_value(json_object_get(doc, "name_last"));
			size_t len = strlen(last), off = 1 + syn_rand(&qrng) % (len - 4);
			for (size_t j = 0; j < 4; j++)
				fputc(tolower((unsigned char)last[off + j]), qf);
			fputc('\n', qf);
			nq++;
		}
		record_release(&rec);
		json_decref(doc);
		json_decref(data);
		if (i % BATCH == BATCH - 1 || i == n - 1) {
			if (store_commit(st))
				return die("commit failed");
			audit_tx_end(tx, 1);
			tx = NULL;
		}
	}
	fclose(ids);
	fclose(qf);
	/* Seal the chain head, as the CLI does after its writes, so 'haven audit verify' passes. */
	if (audit_seal(st) || store_checkpoint(st, 1))
		return die("seal/checkpoint failed");
	store_close(st);
	printf("seeded %ld cases\n", n);
	return 0;
}
