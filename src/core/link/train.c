/* train: m, u and λ from the data alone (see link.h; the method is Splink's, docs/linkage.md):
 * λ from pairs that strict rules match and an assumed recall; u from random pairs, nearly all
 * non-matches; m by expectation maximisation over the pairs of each training rule, collapsed
 * to counts of agreement patterns, with u fixed; a comparison's m is the median over the
 * sessions that estimated it. */
#include "link.h"
#include "base/alloc.h"
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A level never seen among random pairs gets a u of FLOOR, and m counts half a pair more at each
 * level than EM finds: a level no match reached in training weighs little either way rather
 * than vetoing every pair that reaches it later. */
#define FLOOR 1e-6
#define PSEUDO 0.5

struct pats {                 /* agreement patterns: γ vectors packed four bits a comparison */
	uint64_t *key;
	uint64_t *count;
	uint32_t n, cap;          /* cap: a power of two */
};

static uint64_t pack(const int8_t *g, int n)
{
	uint64_t k = 0;
	for (int c = 0; c < n; c++)
		k |= (uint64_t)(g[c] + 1) << (4 * c);
	return k | 1ULL << 63; /* never 0: 0 marks an empty slot */
}

static void pats_add(struct pats *p, uint64_t key, uint64_t count)
{
	if ((p->n + 1) * 2 > p->cap) {
		struct pats q = {xcalloc(p->cap ? p->cap * 2 : 256, 8), xcalloc(p->cap ? p->cap * 2 : 256, 8), 0,
				 p->cap ? p->cap * 2 : 256};
		for (uint32_t i = 0; i < p->cap; i++)
			if (p->key[i])
				pats_add(&q, p->key[i], p->count[i]);
		free(p->key);
		free(p->count);
		*p = q;
	}
	uint32_t s = (uint32_t)hash_mix(0, key) & (p->cap - 1);
	while (p->key[s] && p->key[s] != key)
		s = (s + 1) & (p->cap - 1);
	p->n += !p->key[s];
	p->key[s] = key;
	p->count[s] += count;
}

static void pats_free(struct pats *p)
{
	free(p->key);
	free(p->count);
	memset(p, 0, sizeof *p);
}

static int gamma_of(uint64_t key, int c)
{
	return (int)((key >> (4 * c)) & 15) - 1;
}

/* xorshift64*: a seeded generator, so training is repeatable. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static int linking(const struct lk_data *d)
{
	return d->nindexed < d->n;
}

/* How many pairs rule k of list finds that no rule before it does (dedup: within the index;
 * link: across the inputs). */
static uint64_t count_pairs(const struct lk_data *d, const struct lk_rule *list, int k)
{
	struct lk_index ix;
	lk_index_build_rule(&ix, d, &list[k], d->nindexed);
	uint64_t n = 0;
	if (k == 0 && !linking(d)) { /* from the blocks' sizes alone */
		for (uint32_t s = 0; s < ix.nslot; s++)
			n += (uint64_t)ix.slot_len[s] * (ix.slot_len[s] - (ix.slot_len[s] > 0)) / 2;
		lk_index_free(&ix);
		return n;
	}
	for (size_t i = linking(d) ? d->nindexed : 0; i < d->n; i++) {
		uint32_t len;
		const uint32_t *m = lk_index_find(&ix, lk_rule_key(d, &list[k], i), &len);
		for (uint32_t t = 0; t < len; t++) {
			size_t j = m[t];
			if (!linking(d) && j >= i)
				break;
			int q = 0;
			while (q < k && !(lk_rule_key(d, &list[q], i) && lk_rule_key(d, &list[q], i) == lk_rule_key(d, &list[q], j)))
				q++;
			n += q == k;
		}
	}
	lk_index_free(&ix);
	return n;
}

static double total_pairs(const struct lk_data *d)
{
	double a = (double)d->nindexed, b = (double)(d->n - d->nindexed);
	return linking(d) ? a * b : a * (a - 1) / 2;
}

static double train_lambda(const struct lk_spec *sp, const struct lk_data *d, struct buf *report)
{
	uint64_t found = 0;
	for (int k = 0; k < sp->ndet; k++)
		found += count_pairs(d, sp->det, k);
	double lambda = (double)found / sp->recall / total_pairs(d);
	if (!(lambda > 1e-12))
		lambda = 1e-12;
	if (lambda > 0.5)
		lambda = 0.5;
	buf_addf(report, "prior: %llu pairs match the deterministic rules, assumed recall %.2f, of %.0f pairs: "
			 "lambda = %.3g\n", (unsigned long long)found, sp->recall, total_pairs(d), lambda);
	return lambda;
}

/* Records taken at random (a partial shuffle): how many of them, from [from, to). */
static size_t *sample(size_t from, size_t to, size_t want, uint64_t *seed)
{
	size_t n = to - from;
	size_t *idx = xcalloc(n ? n : 1, sizeof *idx);
	for (size_t i = 0; i < n; i++)
		idx[i] = from + i;
	for (size_t i = 0; i < want && i < n; i++) {
		size_t j = i + (size_t)(rnd(seed) % (n - i)), t = idx[i];
		idx[i] = idx[j];
		idx[j] = t;
	}
	return idx;
}

/* Random pairs, shared among threads a row of the sample at a time. */
struct usample {
	const struct lk_spec *sp;
	const struct lk_data *d;
	const size_t *a, *b;
	size_t na, nb, next;
	pthread_mutex_t lock;
	uint64_t cnt[LK_MAX_CMPS][LK_MAX_LEVELS + 1], nonnull[LK_MAX_CMPS], pairs;
};

static void *u_worker(void *arg)
{
	struct usample *job = arg;
	const struct lk_spec *sp = job->sp;
	uint64_t cnt[LK_MAX_CMPS][LK_MAX_LEVELS + 1] = {{0}}, nonnull[LK_MAX_CMPS] = {0}, pairs = 0;
	int8_t g[LK_MAX_CMPS];
	for (;;) {
		pthread_mutex_lock(&job->lock);
		size_t i = job->next++;
		pthread_mutex_unlock(&job->lock);
		if (i >= job->na)
			break;
		for (size_t j = linking(job->d) ? 0 : i + 1; j < job->nb; j++) {
			lk_gamma(sp, job->d, job->a[i], job->b[j], g);
			pairs++;
			for (int c = 0; c < sp->ncmp; c++)
				if (g[c] >= 0) {
					cnt[c][g[c]]++;
					nonnull[c]++;
				}
		}
	}
	pthread_mutex_lock(&job->lock);
	for (int c = 0; c < sp->ncmp; c++) {
		for (int k = 0; k <= sp->cmp[c].nlev; k++)
			job->cnt[c][k] += cnt[c][k];
		job->nonnull[c] += nonnull[c];
	}
	job->pairs += pairs;
	pthread_mutex_unlock(&job->lock);
	return NULL;
}

static void train_u(struct lk_spec *sp, const struct lk_data *d, int threads, struct buf *report)
{
	uint64_t seed = sp->seed * 0x9E3779B97F4A7C15ULL + 1;
	size_t na, nb, *a, *b;
	if (linking(d)) {
		double f = sqrt(sp->u_pairs / total_pairs(d));
		na = (size_t)fmin((double)d->nindexed, ceil(f * (double)d->nindexed));
		nb = (size_t)fmin((double)(d->n - d->nindexed), ceil(f * (double)(d->n - d->nindexed)));
		a = sample(0, d->nindexed, na, &seed);
		b = sample(d->nindexed, d->n, nb, &seed);
	} else {
		na = nb = (size_t)fmin((double)d->n, ceil(sqrt(2 * sp->u_pairs)));
		a = b = sample(0, d->n, na, &seed);
	}
	struct usample job = {sp, d, a, b, na, nb, 0, PTHREAD_MUTEX_INITIALIZER, {{0}}, {0}, 0};
	lk_parallel(u_worker, &job, threads);
	uint64_t pairs = job.pairs, (*cnt)[LK_MAX_LEVELS + 1] = job.cnt, *nonnull = job.nonnull;
	for (int c = 0; c < sp->ncmp; c++)
		for (int k = 0; k <= sp->cmp[c].nlev; k++) {
			double u = nonnull[c] ? (double)cnt[c][k] / (double)nonnull[c] : 0;
			sp->cmp[c].lev[k].u = u > FLOOR ? u : FLOOR;
		}
	buf_addf(report, "u: from %llu random pairs among %zu x %zu records\n", (unsigned long long)pairs, na, nb);
	if (b != a)
		free(b);
	free(a);
}

struct session {
	const struct lk_spec *sp;
	const struct lk_data *d;
	struct pats pats;
};

/* The pairs of one training rule, scored into agreement-pattern counts on every thread. */
struct sjob {
	const struct lk_spec *sp;
	const struct lk_data *d;
	const struct lk_rule *rule;
	const struct lk_index *ix;
	const uint8_t *keep;
	size_t next;
	pthread_mutex_t lock;
	struct pats *pats;
	uint64_t pairs;
};

static void *s_worker(void *arg)
{
	struct sjob *job = arg;
	const struct lk_data *d = job->d;
	struct pats mine = {0};
	uint64_t pairs = 0;
	int8_t g[LK_MAX_CMPS];
	size_t from = linking(d) ? d->nindexed : 0;
	for (;;) {
		pthread_mutex_lock(&job->lock);
		size_t lo = job->next;
		job->next += 4096;
		pthread_mutex_unlock(&job->lock);
		if (from + lo >= d->n)
			break;
		for (size_t i = from + lo; i < from + lo + 4096 && i < d->n; i++) {
			if (job->keep && !job->keep[i])
				continue;
			uint32_t len;
			const uint32_t *m = lk_index_find(job->ix, lk_rule_key(d, job->rule, i), &len);
			for (uint32_t t = 0; t < len; t++) {
				size_t j = m[t];
				if (!linking(d) && j >= i)
					break;
				if (job->keep && !job->keep[j])
					continue;
				lk_gamma(job->sp, d, j, i, g);
				pats_add(&mine, pack(g, job->sp->ncmp), 1);
				pairs++;
			}
		}
	}
	pthread_mutex_lock(&job->lock);
	for (uint32_t s = 0; s < mine.cap; s++)
		if (mine.key[s])
			pats_add(job->pats, mine.key[s], mine.count[s]);
	job->pairs += pairs;
	pthread_mutex_unlock(&job->lock);
	pats_free(&mine);
	return NULL;
}

static uint64_t session_pairs(struct session *s, const struct lk_rule *rule, const uint8_t *keep, int threads)
{
	struct lk_index ix;
	lk_index_build_rule(&ix, s->d, rule, s->d->nindexed);
	struct sjob job = {s->sp, s->d, rule, &ix, keep, 0, PTHREAD_MUTEX_INITIALIZER, &s->pats, 0};
	lk_parallel(s_worker, &job, threads);
	lk_index_free(&ix);
	return job.pairs;
}

/* A comparison on a column of the training rule is constant inside its blocks: it says
 * nothing there and is not estimated. */
static int fixed_in(const struct lk_cmp *cmp, const struct lk_rule *r)
{
	for (int p = 0; p < r->n; p++)
		if (r->part[p].col == cmp->col)
			return 1;
	return 0;
}

/* The expected share of matches among the session's pairs, from λ and the levels the rule
 * fixes (their commonest level in the session), as Splink starts a session. */
static double factor(const struct lk_level *l);
static double session_lambda(const struct lk_spec *sp, const struct session *s, const uint8_t *fixed)
{
	double odds = sp->lambda / (1 - sp->lambda);
	for (int c = 0; c < sp->ncmp; c++) {
		if (!fixed[c])
			continue;
		uint64_t best = 0, by[LK_MAX_LEVELS + 2] = {0};
		int mode = -1;
		for (uint32_t i = 0; i < s->pats.cap; i++)
			if (s->pats.key[i])
				by[gamma_of(s->pats.key[i], c) + 1] += s->pats.count[i];
		for (int k = 0; k <= sp->cmp[c].nlev; k++)
			if (by[k + 1] > best)
				best = by[k + 1], mode = k;
		if (mode >= 0)
			odds *= factor(&sp->cmp[c].lev[mode]);
	}
	double l = odds / (1 + odds);
	return l < 1e-6 ? 1e-6 : l > 0.999 ? 0.999 : l;
}

static double factor(const struct lk_level *l)
{
	return l->fixed ? exp2(l->fixed_w) : l->m / l->u;
}

/* EM with u fixed; m of the estimated comparisons is updated in place. Returns iterations. */
static int em(struct lk_spec *sp, const struct session *s, const uint8_t *fixed, double *lambda_s)
{
	int it;
	for (it = 1; it <= sp->max_iter; it++) {
		double num[LK_MAX_CMPS][LK_MAX_LEVELS + 1] = {{0}}, den[LK_MAX_CMPS] = {0}, sump = 0, all = 0;
		for (uint32_t i = 0; i < s->pats.cap; i++) {
			uint64_t key = s->pats.key[i];
			if (!key)
				continue;
			double odds = *lambda_s / (1 - *lambda_s), n = (double)s->pats.count[i];
			for (int c = 0; c < sp->ncmp; c++) {
				int gc = gamma_of(key, c);
				if (!fixed[c] && gc >= 0)
					odds *= factor(&sp->cmp[c].lev[gc]);
			}
			double p = isinf(odds) ? 1 : odds / (1 + odds);
			for (int c = 0; c < sp->ncmp; c++) {
				int gc = gamma_of(key, c);
				if (!fixed[c] && gc >= 0) {
					num[c][gc] += p * n;
					den[c] += p * n;
				}
			}
			sump += p * n;
			all += n;
		}
		double change = fabs(sump / all - *lambda_s);
		*lambda_s = sump / all;
		for (int c = 0; c < sp->ncmp; c++) {
			if (fixed[c] || den[c] <= 0)
				continue;
			for (int k = 0; k <= sp->cmp[c].nlev; k++) {
				double m = (num[c][k] + PSEUDO) / (den[c] + PSEUDO * (sp->cmp[c].nlev + 1));
				change = fmax(change, fabs(m - sp->cmp[c].lev[k].m));
				sp->cmp[c].lev[k].m = m;
			}
		}
		if (change < sp->converge)
			break;
	}
	return it > sp->max_iter ? sp->max_iter : it;
}

/* Starting m: most matches at the strongest level, fewer at each weaker one. */
static void initial_m(struct lk_spec *sp)
{
	for (int c = 0; c < sp->ncmp; c++) {
		struct lk_cmp *cmp = &sp->cmp[c];
		double sum = 0;
		for (int k = 0; k <= cmp->nlev; k++)
			sum += cmp->lev[k].m = k == cmp->nlev ? 0.05 : exp2(-(double)k);
		for (int k = 0; k <= cmp->nlev; k++)
			cmp->lev[k].m /= sum;
	}
}

static int by_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return a < b ? -1 : a > b;
}

static uint8_t *subset(const struct lk_data *d, double share, uint64_t seed)
{
	uint8_t *keep = xcalloc(d->n ? d->n : 1, 1);
	for (size_t i = 0; i < d->n; i++)
		keep[i] = (double)(rnd(&seed) >> 11) * 0x1.0p-53 < share;
	return keep;
}

#define EM_PAIRS 5e6 /* a session over more pairs than this uses a random share of the records */

static int train_m(struct lk_spec *sp, const struct lk_data *d, int threads, struct buf *report, struct buf *why)
{
	double(*est)[LK_MAX_CMPS][LK_MAX_LEVELS + 1] = xcalloc(LK_MAX_RULES, sizeof *est);
	uint8_t used[LK_MAX_RULES][LK_MAX_CMPS] = {{0}};
	initial_m(sp);
	for (int e = 0; e < sp->nem; e++) {
		struct session s = {sp, d, {0}};
		/* Sessions are independent: each sees every pair of its rule. */
		uint64_t pairs = count_pairs(d, &sp->em[e], 0);
		uint8_t *keep = NULL;
		if (pairs > EM_PAIRS)
			keep = subset(d, sqrt(EM_PAIRS / (double)pairs), sp->seed + (uint64_t)e);
		uint64_t used_pairs = session_pairs(&s, &sp->em[e], keep, threads);
		free(keep);
		if (!used_pairs) {
			buf_addf(why, "training rule \"%s\" finds no pairs", sp->em[e].text);
			pats_free(&s.pats);
			free(est);
			return -1;
		}
		uint8_t fixed[LK_MAX_CMPS];
		for (int c = 0; c < sp->ncmp; c++)
			fixed[c] = (uint8_t)fixed_in(&sp->cmp[c], &sp->em[e]);
		double ls = session_lambda(sp, &s, fixed);
		int it = em(sp, &s, fixed, &ls);
		buf_addf(report, "m: session \"%s\": %llu pairs (%llu in the rule), %u patterns, %d iterations, "
				 "share of matches %.4f\n", sp->em[e].text, (unsigned long long)used_pairs,
			 (unsigned long long)pairs, s.pats.n, it, ls);
		for (int c = 0; c < sp->ncmp; c++) {
			used[e][c] = !fixed[c];
			for (int k = 0; k <= sp->cmp[c].nlev; k++)
				est[e][c][k] = sp->cmp[c].lev[k].m;
		}
		pats_free(&s.pats);
	}
	for (int c = 0; c < sp->ncmp; c++) {
		struct lk_cmp *cmp = &sp->cmp[c];
		double v[LK_MAX_RULES];
		int n = 0;
		for (int k = 0; k <= cmp->nlev; k++) {
			n = 0;
			for (int e = 0; e < sp->nem; e++)
				if (used[e][c])
					v[n++] = est[e][c][k];
			if (!n)
				break;
			qsort(v, (size_t)n, sizeof *v, by_double);
			cmp->lev[k].m = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
		}
		if (!n)
			buf_addf(report, "warning: comparison \"%s\" is on a column of every training rule; its m "
					 "values are the starting guesses\n", cmp->name);
	}
	free(est);
	return 0;
}

int lk_train(struct lk_spec *sp, const struct lk_data *d, int threads, struct buf *report, struct buf *why)
{
	sp->lambda = train_lambda(sp, d, report);
	train_u(sp, d, threads, report);
	if (train_m(sp, d, threads, report, why))
		return -1;
	buf_addf(report, "%-24s %-28s %10s %10s %8s\n", "comparison", "level", "m", "u", "weight");
	for (int c = 0; c < sp->ncmp; c++) {
		struct lk_cmp *cmp = &sp->cmp[c];
		for (int k = 0; k <= cmp->nlev; k++) {
			struct lk_level *l = &cmp->lev[k];
			l->w = l->fixed ? l->fixed_w : log2(l->m / l->u);
			l->log_uref = cmp->tf_ref >= 0 ? log2(cmp->lev[cmp->tf_ref].u) : 0;
			buf_addf(report, "%-24s %-28s %10.3g %10.3g %8.2f%s\n", k ? "" : cmp->name, l->label, l->m, l->u,
				 l->w, l->tf > 0 ? " tf" : l->fixed ? " given" : "");
		}
	}
	return 0;
}
