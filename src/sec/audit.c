/* audit: hash chain, group-committed read entries, seals and verification (see audit.h). */
#include "audit.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FLUSH_MS 5
#define SEAL_MS 1000
#define QUEUE_MAX 1000 /* past this, readers take turns flushing small batches */

struct pending {
	struct audit_entry e;
	struct pending *next;
};

struct head {
	int64_t seq;
	char hash[65];
};

struct audit_tx {
	struct pending *taken;
	struct head head;
};

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct pending *head, *tail;
	size_t queued;
	pthread_t thread;
	int running, stop;
	struct store *st;
	int have_key;
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	unsigned char pepper[32];
	char witness[4096];
	int64_t last_seal_ms, last_sealed_seq;
} A = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

/* ---- key ---------------------------------------------------------------------------------- */

static int read_key(const char *path, unsigned char seed[32])
{
	char hex[80] = {0};
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, hex, sizeof hex - 1);
	close(fd);
	size_t got = 0;
	if (n < 64 || sodium_hex2bin(seed, 32, hex, (size_t)n, " \n", &got, NULL) || got != 32)
		return -2;
	return 0;
}

static int write_key(const char *path, const unsigned char seed[32])
{
	char hex[65];
	sodium_bin2hex(hex, sizeof hex, seed, 32);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return -1;
	int ok = write(fd, hex, 64) == 64 && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
	close(fd);
	return ok ? 0 : -1;
}

int audit_key_load(const char *path, int create, struct err *e)
{
	unsigned char seed[32];
	int rc = read_key(path, seed);
	A.last_sealed_seq = 0;
	if (rc == -1 && errno == ENOENT && create) {
		randombytes_buf(seed, sizeof seed);
		if (write_key(path, seed))
			return err_set(e, HV_EIO, NULL, "cannot write audit key %s", path);
		rc = 0;
	}
	if (rc == -2)
		return err_set(e, HV_EINVAL, NULL, "audit key %s is malformed", path);
	if (rc)
		return err_set(e, HV_ENOTFOUND, NULL, "audit key %s is missing", path);
	crypto_sign_seed_keypair(A.pk, A.sk, seed);
	crypto_generichash(A.pepper, sizeof A.pepper, (const unsigned char *)"haven-actor-pepper", 18, seed, 32);
	sodium_memzero(seed, sizeof seed);
	snprintf(A.witness, sizeof A.witness, "%s.head", path);
	A.have_key = 1;
	return 0;
}

void audit_actor_hash(const char *username, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)username, strlen(username), A.pepper, sizeof A.pepper);
	sodium_bin2hex(out, 65, h, sizeof h);
}

/* ---- chain -------------------------------------------------------------------------------- */

static void field(crypto_hash_sha256_state *h, const char *s)
{
	char len[24];
	s = s ? s : "";
	int n = snprintf(len, sizeof len, "%zu:", strlen(s));
	crypto_hash_sha256_update(h, (const unsigned char *)len, (unsigned long long)n);
	crypto_hash_sha256_update(h, (const unsigned char *)s, strlen(s));
}

/* hash = SHA-256 over the previous hash and every field, each length-prefixed. */
static void entry_hash(const struct audit_entry *a, char out[65])
{
	crypto_hash_sha256_state h;
	char num[48];
	unsigned char d[32];
	crypto_hash_sha256_init(&h);
	field(&h, a->prev_hash);
	snprintf(num, sizeof num, "%lld/%lld", (long long)a->seq, (long long)a->at_ms);
	field(&h, num);
	field(&h, a->user_id);
	field(&h, a->actor_hash);
	field(&h, a->client);
	field(&h, a->action);
	field(&h, a->record_type);
	field(&h, a->record_ids);
	field(&h, a->reason);
	crypto_hash_sha256_final(&h, d);
	sodium_bin2hex(out, 65, d, sizeof d);
}

static void entry_from_event(struct audit_entry *a, const struct audit_event *ev)
{
	memset(a, 0, sizeof *a);
	a->at_ms = clock_now_ms();
	snprintf(a->user_id, sizeof a->user_id, "%s", ev->user_id ? ev->user_id : "");
	snprintf(a->actor_hash, sizeof a->actor_hash, "%s", ev->actor_hash ? ev->actor_hash : "");
	snprintf(a->client, sizeof a->client, "%s", ev->client ? ev->client : "");
	snprintf(a->action, sizeof a->action, "%s", ev->action);
	snprintf(a->record_type, sizeof a->record_type, "%s", ev->record_type ? ev->record_type : "");
	a->record_ids = ev->record_ids && *ev->record_ids ? xstrdup(ev->record_ids) : NULL;
	a->reason = ev->reason && *ev->reason ? xstrdup(ev->reason) : NULL;
}

/* The chain head as seen inside one write transaction (struct head): read once, then
 * advanced in memory as entries are linked, so a batch of n entries costs one lookup. */
static int head_read(struct store *st, struct head *h)
{
	int rc = store_audit_head(st, &h->seq, h->hash);
	if (!rc && !h->seq)
		snprintf(h->hash, sizeof h->hash, "genesis");
	return rc;
}

/* Links a after head h and inserts it (caller holds the write transaction). */
static int chain_insert(struct store *st, struct head *h, struct audit_entry *a)
{
	a->seq = h->seq + 1;
	snprintf(a->prev_hash, sizeof a->prev_hash, "%s", h->hash);
	entry_hash(a, a->hash);
	int rc = store_audit_insert(st, a);
	if (!rc) {
		h->seq = a->seq;
		memcpy(h->hash, a->hash, sizeof h->hash);
	}
	return rc;
}

static struct pending *take_all(void)
{
	pthread_mutex_lock(&A.mu);
	struct pending *p = A.head;
	A.head = A.tail = NULL;
	A.queued = 0;
	pthread_mutex_unlock(&A.mu);
	return p;
}

/* Puts a batch back at the front of the queue after a rollback. */
static void requeue(struct pending *p)
{
	if (!p)
		return;
	struct pending *last = p;
	size_t n = 1;
	for (; last->next; n++)
		last = last->next;
	pthread_mutex_lock(&A.mu);
	A.queued += n;
	last->next = A.head;
	A.head = p;
	if (!A.tail)
		A.tail = last;
	pthread_mutex_unlock(&A.mu);
}

static void free_batch(struct pending *p)
{
	while (p) {
		struct pending *n = p->next;
		audit_entry_release(&p->e);
		free(p);
		p = n;
	}
}

static int insert_batch(struct store *st, struct head *h, struct pending *p)
{
	int rc = 0;
	for (; p && !rc; p = p->next)
		rc = chain_insert(st, h, &p->e);
	return rc;
}

void audit_read(const struct audit_event *ev)
{
	struct pending *p = xcalloc(1, sizeof *p);
	entry_from_event(&p->e, ev);
	pthread_mutex_lock(&A.mu);
	if (A.tail)
		A.tail->next = p;
	else
		A.head = p;
	A.tail = p;
	size_t queued = ++A.queued;
	pthread_cond_signal(&A.cv);
	pthread_mutex_unlock(&A.mu);
	/* Backpressure: when the writer falls behind, readers help flush instead of letting the
	 * queue (and what a crash could lose) grow without bound. */
	if (queued > QUEUE_MAX)
		audit_flush();
}

int audit_append(struct store *st, const struct audit_event *ev, struct audit_tx **txp)
{
	struct audit_tx *tx = *txp;
	if (!tx) {
		tx = *txp = xcalloc(1, sizeof *tx);
		tx->taken = take_all();
		int rc = head_read(st, &tx->head);
		if (!rc)
			rc = insert_batch(st, &tx->head, tx->taken);
		if (rc)
			return rc;
	}
	struct audit_entry a;
	entry_from_event(&a, ev);
	int rc = chain_insert(st, &tx->head, &a);
	audit_entry_release(&a);
	return rc;
}

void audit_tx_end(struct audit_tx *tx, int committed)
{
	if (!tx)
		return;
	if (committed)
		free_batch(tx->taken);
	else
		requeue(tx->taken); /* the entries get new sequence numbers at the next append */
	free(tx);
}

/* ---- seals -------------------------------------------------------------------------------- */

static void seal_message(int64_t seq, const char *hash, char *msg, size_t n)
{
	snprintf(msg, n, "haven-audit-head:%lld:%s", (long long)seq, hash);
}

static void write_witness(const struct audit_seal *s)
{
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.%ld.tmp", A.witness, (long)getpid());
	FILE *f = fopen(tmp, "w");
	if (!f) {
		log_event(LOG_ERROR, "audit_witness_failed", "seq=%lld", (long long)s->seq);
		return;
	}
	fprintf(f, "%lld %s %s\n", (long long)s->seq, s->hash, s->sig);
	int ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, A.witness)) {
		unlink(tmp);
		log_event(LOG_ERROR, "audit_witness_failed", "seq=%lld", (long long)s->seq);
	}
}

int audit_seal(struct store *st)
{
	if (!A.have_key)
		return 0;
	struct audit_seal s = {0};
	char msg[128];
	unsigned char sig[crypto_sign_BYTES];
	int rc = store_begin(st, 1);
	if (rc)
		return rc;
	rc = store_audit_head(st, &s.seq, s.hash);
	if (rc || s.seq == 0 || s.seq == A.last_sealed_seq) { /* nothing new to seal */
		store_rollback(st);
		A.last_seal_ms = clock_now_ms();
		return rc;
	}
	seal_message(s.seq, s.hash, msg, sizeof msg);
	crypto_sign_detached(sig, NULL, (const unsigned char *)msg, strlen(msg), A.sk);
	sodium_bin2hex(s.sig, sizeof s.sig, sig, sizeof sig);
	s.at_ms = clock_now_ms();
	rc = store_seal_insert(st, &s);
	rc = rc ? rc : store_commit(st);
	if (rc) {
		store_rollback(st);
		return rc;
	}
	write_witness(&s);
	A.last_seal_ms = s.at_ms;
	A.last_sealed_seq = s.seq;
	return 0;
}

/* ---- the batch writer --------------------------------------------------------------------- */

/* Takes the queue only once the write lock is held, so no write can commit entries queued
 * after these before them; a batch that fails before COMMIT is requeued before the lock is
 * released. */
static int flush_once(void)
{
	pthread_mutex_lock(&A.mu);
	int empty = !A.head;
	pthread_mutex_unlock(&A.mu);
	if (empty)
		return 0;
	struct head h;
	struct pending *p = NULL;
	int rc = store_begin(A.st, 1);
	if (!rc)
		rc = head_read(A.st, &h);
	if (!rc)
		rc = insert_batch(A.st, &h, p = take_all());
	if (!rc)
		rc = store_commit(A.st); /* a failed COMMIT has already rolled back: requeue after */
	if (rc) {
		requeue(p);
		store_rollback(A.st);
		log_event(LOG_ERROR, "audit_flush_failed", "rc=%d", rc);
		return rc;
	}
	free_batch(p);
	return 0;
}

static pthread_mutex_t flush_mu = PTHREAD_MUTEX_INITIALIZER;

int audit_flush(void)
{
	if (!A.running)
		return 0;
	pthread_mutex_lock(&flush_mu);
	int rc = flush_once();
	pthread_mutex_unlock(&flush_mu);
	return rc;
}

/* Moves appended record-id entries into the sorted index (see store_audit_index). */
static void index_pending(struct store *st)
{
	if (store_begin(st, 1))
		return;
	if (store_audit_index(st) || store_commit(st))
		store_rollback(st);
}

static void *writer(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&A.mu);
		while (!A.head && !A.stop) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 1;
			if (pthread_cond_timedwait(&A.cv, &A.mu, &ts) == ETIMEDOUT)
				break;
		}
		int stop = A.stop;
		pthread_mutex_unlock(&A.mu);
		if (stop)
			break;
		/* Let a batch gather: entries arriving within FLUSH_MS share one commit. */
		usleep(FLUSH_MS * 1000);
		audit_flush();
		if (clock_now_ms() - A.last_seal_ms >= SEAL_MS) {
			pthread_mutex_lock(&flush_mu);
			index_pending(A.st);
			audit_seal(A.st);
			/* Request handles never checkpoint (store_autocheckpoint off): this thread keeps
			 * the write-ahead log short, off every request's path. */
			store_checkpoint(A.st, 0);
			pthread_mutex_unlock(&flush_mu);
		}
	}
	return NULL;
}

int audit_start(const char *db_path, struct err *e)
{
	int rc = store_open(&A.st, db_path, 0, e);
	if (rc)
		return rc;
	A.stop = 0;
	A.running = 1;
	A.last_seal_ms = clock_now_ms();
	if (pthread_create(&A.thread, NULL, writer, NULL)) {
		A.running = 0;
		return err_set(e, HV_EINTERNAL, NULL, "cannot start the audit writer");
	}
	return 0;
}

void audit_stop(void)
{
	if (!A.running)
		return;
	pthread_mutex_lock(&A.mu);
	A.stop = 1;
	pthread_cond_signal(&A.cv);
	pthread_mutex_unlock(&A.mu);
	pthread_join(A.thread, NULL);
	audit_flush();
	index_pending(A.st);
	audit_seal(A.st);
	A.running = 0;
	store_close(A.st);
	A.st = NULL;
}

/* ---- verification ------------------------------------------------------------------------- */

struct walk {
	int64_t expect_seq;
	char prev[65];
	struct err *e;
	int64_t seal_seq;
	const char *seal_hash;
	int seal_seen;
	int64_t wit_seq;
	char wit_hash[65];
	int wit_seen;
};

static int check_entry(const struct audit_entry *a, void *ctx)
{
	struct walk *w = ctx;
	char h[65];
	if (a->malformed)
		return err_set(w->e, HV_ECONFLICT, NULL, "entry %lld was altered (a stored value is malformed)",
			       (long long)a->seq);
	if (a->seq != w->expect_seq)
		return err_set(w->e, HV_ECONFLICT, NULL, "entry %lld is missing (found %lld next)",
			       (long long)w->expect_seq, (long long)a->seq);
	if (strcmp(a->prev_hash, w->prev))
		return err_set(w->e, HV_ECONFLICT, NULL, "entry %lld does not link to entry %lld", (long long)a->seq,
			       (long long)a->seq - 1);
	entry_hash(a, h);
	if (strcmp(h, a->hash))
		return err_set(w->e, HV_ECONFLICT, NULL, "entry %lld was altered (its hash does not match)",
			       (long long)a->seq);
	if (a->seq == w->seal_seq)
		w->seal_seen = !strcmp(a->hash, w->seal_hash) ? 1 : -1;
	if (a->seq == w->wit_seq)
		w->wit_seen = !strcmp(a->hash, w->wit_hash) ? 1 : -1;
	snprintf(w->prev, sizeof w->prev, "%s", a->hash);
	w->expect_seq++;
	return 0;
}

static int sig_ok(int64_t seq, const char *hash, const char *sighex)
{
	unsigned char sig[crypto_sign_BYTES];
	size_t n = 0;
	char msg[128];
	if (sodium_hex2bin(sig, sizeof sig, sighex, strlen(sighex), NULL, &n, NULL) || n != sizeof sig)
		return 0;
	seal_message(seq, hash, msg, sizeof msg);
	return crypto_sign_verify_detached(sig, (const unsigned char *)msg, strlen(msg), A.pk) == 0;
}

static int read_witness(struct walk *w, char *sig, size_t n)
{
	FILE *f = fopen(A.witness, "r");
	if (!f)
		return -1;
	long long seq = 0;
	(void)n; /* sig holds 160 bytes: 128 hex digits and room to spare */
	int got = fscanf(f, "%lld %64s %159s", &seq, w->wit_hash, sig);
	fclose(f);
	if (got != 3)
		return -2;
	w->wit_seq = seq;
	return 0;
}

int audit_verify(struct store *st, int64_t *entries, struct err *e)
{
	struct walk w = {.expect_seq = 1, .e = e, .seal_seq = -1, .wit_seq = -1};
	snprintf(w.prev, sizeof w.prev, "genesis");
	if (!A.have_key)
		return err_set(e, HV_ENOTFOUND, NULL, "audit key not loaded: cannot check seals");
	struct audit_seal seal = {0};
	int have_seal = store_seal_latest(st, &seal) == 0;
	if (have_seal) {
		if (!sig_ok(seal.seq, seal.hash, seal.sig))
			return err_set(e, HV_ECONFLICT, NULL, "the seal of entry %lld has a bad signature",
				       (long long)seal.seq);
		w.seal_seq = seal.seq;
		w.seal_hash = seal.hash;
	}
	char wsig[160];
	int wit = read_witness(&w, wsig, sizeof wsig);
	if (wit == -1 && have_seal)
		return err_set(e, HV_ECONFLICT, NULL, "the witness file %s is missing", A.witness);
	if (wit == -2 || (wit == 0 && !sig_ok(w.wit_seq, w.wit_hash, wsig)))
		return err_set(e, HV_ECONFLICT, NULL, "the witness file %s is damaged or forged", A.witness);
	int rc = store_audit_each(st, check_entry, &w);
	*entries = w.expect_seq - 1;
	if (rc)
		return rc;
	if (have_seal && w.seal_seen != 1)
		return err_set(e, HV_ECONFLICT, NULL,
			       w.seal_seen ? "entry %lld differs from its signed seal"
					   : "entries from %lld on are missing: the trail was cut off",
			       (long long)(w.seal_seen ? seal.seq : w.expect_seq));
	if (wit == 0 && w.wit_seen != 1)
		return err_set(e, HV_ECONFLICT, NULL,
			       w.wit_seen ? "entry %lld differs from the signed head in the witness file"
					  : "entries from %lld on are missing: the trail was cut off",
			       (long long)(w.wit_seen ? w.wit_seq : w.expect_seq));
	return 0;
}
