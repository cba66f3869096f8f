/* block: candidate pairs through an index of blocking keys, and scoring them on every core
 * (see link.h). A pair found by an earlier rule is skipped by the later ones, so each pair is
 * scored once, as Splink does. */
#include "link.h"
#include "base/alloc.h"
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	uint64_t key;
	uint32_t rec;
};

static int by_key(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;
	return a->key < b->key ? -1 : a->key > b->key ? 1 : a->rec < b->rec ? -1 : a->rec > b->rec;
}

static void build(struct lk_index *ix, struct entry *e, size_t n)
{
	memset(ix, 0, sizeof *ix);
	qsort(e, n, sizeof *e, by_key);
	size_t keys = 0;
	for (size_t i = 0; i < n; i++)
		keys += i == 0 || e[i].key != e[i - 1].key;
	ix->nslot = 16;
	while (ix->nslot < keys * 2)
		ix->nslot *= 2;
	ix->slot_key = xcalloc(ix->nslot, sizeof *ix->slot_key);
	ix->slot_start = xcalloc(ix->nslot, sizeof *ix->slot_start);
	ix->slot_len = xcalloc(ix->nslot, sizeof *ix->slot_len);
	ix->member = xcalloc(n ? n : 1, sizeof *ix->member);
	uint32_t mask = ix->nslot - 1, s = 0;
	for (size_t i = 0; i < n; i++) {
		ix->member[i] = e[i].rec;
		if (i > 0 && e[i].key == e[i - 1].key) {
			ix->slot_len[s]++;
			continue;
		}
		for (s = (uint32_t)e[i].key & mask; ix->slot_key[s]; s = (s + 1) & mask)
			;
		ix->slot_key[s] = e[i].key;
		ix->slot_start[s] = (uint32_t)i;
		ix->slot_len[s] = 1;
	}
	free(e);
}

void lk_index_build(struct lk_index *ix, const struct lk_data *d, int rule, size_t nrecords)
{
	struct entry *e = xcalloc(nrecords ? nrecords : 1, sizeof *e);
	size_t n = 0, nb = (size_t)d->sp->nblock;
	for (size_t i = 0; i < nrecords; i++)
		if (d->key[i * nb + (size_t)rule])
			e[n++] = (struct entry){d->key[i * nb + (size_t)rule], (uint32_t)i};
	build(ix, e, n);
}

void lk_index_build_rule(struct lk_index *ix, const struct lk_data *d, const struct lk_rule *r, size_t nrecords)
{
	struct entry *e = xcalloc(nrecords ? nrecords : 1, sizeof *e);
	size_t n = 0;
	for (size_t i = 0; i < nrecords; i++) {
		uint64_t k = lk_rule_key(d, r, i);
		if (k)
			e[n++] = (struct entry){k, (uint32_t)i};
	}
	build(ix, e, n);
}

const uint32_t *lk_index_find(const struct lk_index *ix, uint64_t key, uint32_t *len)
{
	*len = 0;
	if (!ix->nslot || !key)
		return NULL;
	uint32_t mask = ix->nslot - 1;
	for (uint32_t s = (uint32_t)key & mask; ix->slot_key[s]; s = (s + 1) & mask)
		if (ix->slot_key[s] == key) {
			*len = ix->slot_len[s];
			return ix->member + ix->slot_start[s];
		}
	return NULL;
}

void lk_index_free(struct lk_index *ix)
{
	free(ix->slot_key);
	free(ix->slot_start);
	free(ix->slot_len);
	free(ix->member);
	memset(ix, 0, sizeof *ix);
}

void lk_result_push(struct lk_result *res, struct lk_pair p)
{
	if (res->n == res->cap) {
		res->cap = res->cap ? res->cap * 2 : 1024;
		res->pair = xreallocarray(res->pair, res->cap, sizeof *res->pair);
	}
	res->pair[res->n++] = p;
}

static void push(struct lk_result *res, uint32_t l, uint32_t r, double p, double w)
{
	lk_result_push(res, (struct lk_pair){l, r, (float)p, (float)w});
}

#define PREFETCH 8

/* Scores record i against the indexed records its keys meet: those before it when
 * deduplicating, all of them when linking or querying. */
static void probe(const struct lk_spec *sp, const struct lk_data *d, size_t i, int all, double threshold,
		  struct lk_result *res)
{
	/* Compared as weights: the probability is worked out only for the pairs kept. */
	double least = threshold <= 0 ? -INFINITY : threshold >= 1 ? INFINITY : log2(threshold / (1 - threshold));
	size_t nb = (size_t)sp->nblock;
	const uint64_t *ki = &d->key[i * nb];
	int8_t g[LK_MAX_CMPS];
	for (size_t r = 0; r < nb; r++) {
		uint32_t len;
		const uint32_t *m = lk_index_find(&d->index[r], ki[r], &len);
		for (uint32_t t = 0; t < len; t++) {
			uint32_t j = m[t];
			if (!all && j >= i)
				break;
			if (t + PREFETCH < len) { /* members are scattered: ask for them before they are needed */
				__builtin_prefetch(&d->key[(size_t)m[t + PREFETCH] * nb]);
				__builtin_prefetch(&LK_V(d, m[t + PREFETCH], 0));
			}
			const uint64_t *kj = &d->key[(size_t)j * nb];
			size_t q = 0;
			while (q < r && (!ki[q] || ki[q] != kj[q]))
				q++;
			if (q < r)
				continue;
			res->candidates++;
			res->by_rule[r]++;
			lk_gamma(sp, d, j, i, g);
			double w = lk_weight(sp, d, j, i, g);
			if (w >= least && lk_probability(w) >= threshold)
				push(res, j, (uint32_t)i, lk_probability(w), w);
		}
	}
}

void lk_parallel(void *(*fn)(void *), void *arg, int threads)
{
	pthread_t tid[64];
	int started = 0;
	for (int t = 1; t < threads && t < 64; t++)
		started += !pthread_create(&tid[started], NULL, fn, arg);
	fn(arg); /* this thread works too; one that could not start leaves its share to the others */
	for (int t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
}

struct job {
	const struct lk_spec *sp;
	const struct lk_data *d;
	int link;
	double threshold;
	size_t next, end; /* the next chunk of records to probe, shared */
	pthread_mutex_t lock;
	struct lk_result part;
};

#define CHUNK 2048

static void *worker(void *arg)
{
	struct job *job = arg;
	struct lk_result mine = {0};
	for (;;) {
		pthread_mutex_lock(&job->lock);
		size_t from = job->next, to = from + CHUNK < job->end ? from + CHUNK : job->end;
		job->next = to;
		pthread_mutex_unlock(&job->lock);
		if (from >= to)
			break;
		for (size_t i = from; i < to; i++)
			probe(job->sp, job->d, i, job->link, job->threshold, &mine);
	}
	pthread_mutex_lock(&job->lock);
	for (size_t k = 0; k < mine.n; k++)
		push(&job->part, mine.pair[k].l, mine.pair[k].r, mine.pair[k].p, mine.pair[k].w);
	job->part.candidates += mine.candidates;
	for (int r = 0; r < LK_MAX_RULES; r++)
		job->part.by_rule[r] += mine.by_rule[r];
	pthread_mutex_unlock(&job->lock);
	lk_result_free(&mine);
	return NULL;
}

static int by_pair(const void *x, const void *y)
{
	const struct lk_pair *a = x, *b = y;
	return a->l != b->l ? (a->l < b->l ? -1 : 1) : a->r < b->r ? -1 : a->r > b->r;
}

void lk_predict(const struct lk_spec *sp, const struct lk_data *d, int link, double threshold, int threads,
		struct lk_result *res)
{
	struct job job = {.sp = sp, .d = d, .link = link, .threshold = threshold};
	job.next = link ? d->nindexed : 0;
	job.end = d->n;
	pthread_mutex_init(&job.lock, NULL);
	lk_parallel(worker, &job, threads);
	pthread_mutex_destroy(&job.lock);
	if (job.part.n) /* an empty result's pair is NULL, which qsort must not be given */
		qsort(job.part.pair, job.part.n, sizeof *job.part.pair, by_pair);
	*res = job.part;
}

static int by_weight(const void *x, const void *y)
{
	const struct lk_pair *a = x, *b = y;
	return a->w > b->w ? -1 : a->w < b->w;
}

void lk_query(const struct lk_spec *sp, const struct lk_data *d, size_t q, double threshold, struct lk_result *res)
{
	memset(res, 0, sizeof *res);
	probe(sp, d, q, 1, threshold, res);
	if (res->n)
		qsort(res->pair, res->n, sizeof *res->pair, by_weight);
}

void lk_result_free(struct lk_result *res)
{
	free(res->pair);
	memset(res, 0, sizeof *res);
}
