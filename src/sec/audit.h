/* audit: the tamper-evident audit trail. Each entry is chained by SHA-256 over the previous
 * entry's hash; the chain head is signed with Ed25519 (a key kept in a file outside the
 * database) at most once a second, at shutdown and after CLI writes, and the last signed head
 * is also written to a witness file beside the key, so an edited, deleted or cut-off entry is
 * caught by audit_verify.
 *
 * Reads are audited through an in-memory queue that a background thread appends in batches
 * (group commit every few milliseconds): a crash can lose at most the entries of the last
 * unflushed batch. A write appends its own entry inside its own transaction, first taking
 * every pending read entry, so the chain's order is the commit order. */
#ifndef HV_AUDIT_H
#define HV_AUDIT_H
#include <stdint.h>
#include "store/store.h"

struct audit_event {
	const char *user_id;     /* NULL/empty when not signed in */
	const char *actor_hash;  /* keyed hash of an unknown username typed at sign-in */
	const char *client;      /* client address */
	const char *action;      /* e.g. case.read, case.update, session.create */
	const char *record_type; /* "case", "user", ... or NULL */
	const char *record_ids;  /* comma-separated, or NULL */
	const char *reason;      /* break-glass reason, or NULL */
};

/* Loads (or, when create is set, creates) the signing key. Without a key file, entries are
 * still chained but not sealed, and verify reports the missing key. */
int audit_key_load(const char *key_path, int create, struct err *e);
/* Keyed hash (hex) of a typed-in username, so failed sign-ins by unknown names can be
 * correlated without storing what was typed. */
void audit_actor_hash(const char *username, char out[65]);

/* Starts the background batch writer over its own store handle. */
int audit_start(const char *db_path, struct err *e);
/* Flushes pending entries, seals the head and stops the writer. */
void audit_stop(void);
/* Queues a read entry (copied). */
void audit_read(const struct audit_event *ev);
/* Flushes queued read entries now (used before listing or verifying). */
int audit_flush(void);

/* Inside a write transaction on st: appends pending read entries, then ev. Call
 * audit_tx_end after commit or rollback so a rolled-back batch is queued again. */
struct audit_tx;
int audit_append(struct store *st, const struct audit_event *ev, struct audit_tx **tx);
void audit_tx_end(struct audit_tx *tx, int committed);
/* Signs the current head and records the seal (own transaction on st). */
int audit_seal(struct store *st);

/* Verifies the whole chain, the latest seal and the witness file. Returns 0 when intact;
 * otherwise -HV_ECONFLICT with the first broken entry described in e. */
int audit_verify(struct store *st, int64_t *entries, struct err *e);

#endif
