/* gamma: which level of each comparison a pair reaches, and what that weighs (see link.h). */
#include "link.h"
#include "strsim.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static double jw_ids(const struct lk_data *d, uint32_t a, uint32_t b)
{
	return jaro_winkler(intern_str(&d->vals, a), intern_len(&d->vals, a), intern_str(&d->vals, b),
			    intern_len(&d->vals, b));
}

static int osa_ids(const struct lk_data *d, uint32_t a, uint32_t b, int max)
{
	return osa_distance(intern_str(&d->vals, a), intern_len(&d->vals, a), intern_str(&d->vals, b),
			    intern_len(&d->vals, b), max);
}

/* The share of the shorter name's words that the other has (William Watts in William Whitehead
 * Watts: 1). */
static double token_overlap(const struct lk_data *d, uint32_t a, uint32_t b)
{
	const char *s = intern_str(&d->vals, a), *t = intern_str(&d->vals, b);
	if (intern_len(&d->vals, a) > intern_len(&d->vals, b)) {
		const char *x = s;
		s = t;
		t = x;
	}
	int words = 0, found = 0;
	size_t tl = strlen(t);
	for (const char *w = s; *w;) {
		size_t n = strcspn(w, " ");
		words++;
		for (const char *u = t; u < t + tl;) {
			size_t m = strcspn(u, " ");
			if (m == n && !memcmp(u, w, n)) {
				found++;
				break;
			}
			u += m + (u[m] == ' ');
		}
		w += n + (w[n] == ' ');
	}
	return words ? (double)found / words : 0;
}

static int groups_meet(const struct lk_value *x, const struct lk_value *y)
{
	for (int i = 0; i < NAMES_MAX_GROUPS && x->groups[i]; i++)
		for (int k = 0; k < NAMES_MAX_GROUPS && y->groups[k]; k++)
			if (x->groups[i] == y->groups[k])
				return 1;
	return 0;
}

static int holds(const struct lk_data *d, const struct lk_level *l, const uint32_t *va, const uint32_t *vb, double *jw)
{
	uint32_t a = va[l->col], b = vb[l->col];
	if (!a || !b)
		return 0;
	const struct lk_value *x = &d->val[a], *y = &d->val[b];
	switch (l->test) {
	case LK_EXACT:
		return a == b && x->prec != 1;
	case LK_JW:
		if (*jw < 0)
			*jw = jw_ids(d, a, b);
		return *jw >= l->min;
	case LK_OSA: /* on dates, full dates only: a year-only value is not a date to misspell */
		return (x->prec | y->prec) ? x->prec == 2 && y->prec == 2 && osa_ids(d, a, b, l->max) <= l->max
					   : osa_ids(d, a, b, l->max) <= l->max;
	case LK_SKELETON:
		return x->skel && x->skel == y->skel;
	case LK_PHONETIC:
		return x->phon && x->phon == y->phon;
	case LK_NICKNAME:
		return groups_meet(x, y);
	case LK_SWAPPED: {
		uint32_t a2 = va[l->with], b2 = vb[l->with];
		if (!a2 || !b2)
			return 0;
		if (l->min >= 1)
			return a == b2 && a2 == b;
		return jw_ids(d, a, b2) >= l->min && jw_ids(d, a2, b) >= l->min;
	}
	case LK_TOKENS:
		return token_overlap(d, a, b) >= l->min;
	case LK_DAYS:
		return x->prec == 2 && y->prec == 2 && abs(x->days - y->days) <= l->max;
	case LK_DMSWAP:
		return x->prec == 2 && y->prec == 2 && x->year == y->year && x->month == y->day && x->day == y->month;
	case LK_PREFIX:
		return !(x->prec | y->prec) && intern_len(&d->vals, a) >= (uint32_t)l->max && intern_len(&d->vals, b) >= (uint32_t)l->max &&
		       !memcmp(intern_str(&d->vals, a), intern_str(&d->vals, b), (size_t)l->max);
	case LK_YEARS:
		return x->prec && y->prec && abs(x->year - y->year) <= l->max + (x->estimated || y->estimated);
	}
	return 0;
}

void lk_gamma(const struct lk_spec *sp, const struct lk_data *d, size_t a, size_t b, int8_t *g)
{
	const uint32_t *va = &LK_V(d, a, 0), *vb = &LK_V(d, b, 0);
	for (int c = 0; c < sp->ncmp; c++) {
		const struct lk_cmp *cmp = &sp->cmp[c];
		if (!va[cmp->col] || !vb[cmp->col]) {
			g[c] = -1;
			continue;
		}
		double jw = -1; /* computed at most once per comparison, for its own column */
		int k = 0;
		while (k < cmp->nlev) {
			double own = -1; /* a level on another column has a similarity of its own */
			if (holds(d, &cmp->lev[k], va, vb, cmp->lev[k].col == cmp->col ? &jw : &own))
				break;
			k++;
		}
		g[c] = (int8_t)k;
	}
}

double lk_probability(double w)
{
	double bf = exp2(w);
	return isinf(bf) ? 1.0 : bf / (1.0 + bf);
}

static double tf_adjust(const struct lk_data *d, const struct lk_level *l, size_t a, size_t b)
{
	double ta = lk_logtf(d, l->col, LK_V(d, a, l->col)), tb = lk_logtf(d, l->col, LK_V(d, b, l->col));
	double t = ta > tb ? ta : tb;
	return t > -INFINITY ? l->tf * (l->log_uref - t) : 0;
}

static double part(const struct lk_spec *sp, const struct lk_data *d, int c, int k, size_t a, size_t b)
{
	const struct lk_cmp *cmp = &sp->cmp[c];
	if (k < 0)
		return 0;
	const struct lk_level *l = &cmp->lev[k];
	return l->w + (l->tf > 0 ? tf_adjust(d, l, a, b) : 0);
}

double lk_weight(const struct lk_spec *sp, const struct lk_data *d, size_t a, size_t b, const int8_t *g)
{
	double w = log2(sp->lambda / (1 - sp->lambda));
	for (int c = 0; c < sp->ncmp; c++)
		w += part(sp, d, c, g[c], a, b);
	return w;
}

void lk_explain(const struct lk_spec *sp, const struct lk_data *d, size_t a, size_t b, struct lk_part *parts)
{
	int8_t g[LK_MAX_CMPS];
	lk_gamma(sp, d, a, b, g);
	for (int c = 0; c < sp->ncmp; c++) {
		parts[c].comparison = sp->cmp[c].name;
		parts[c].level = g[c] < 0 ? "missing" : sp->cmp[c].lev[g[c]].label;
		parts[c].weight = part(sp, d, c, g[c], a, b);
	}
}
