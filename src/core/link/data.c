/* data: records for linkage, each value reduced once and interned (see link.h). */
#include "link.h"
#include "base/alloc.h"
#include "base/asset.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lk_data_init(struct lk_data *d, const struct lk_spec *sp, struct buf *why)
{
	memset(d, 0, sizeof *d);
	d->sp = sp;
	if (names_open(&d->names, why))
		return -1;
	if (sp->nicknames) {
		const struct asset *a = asset_find("config/link/nicknames.csv");
		if (!a || names_add_groups(&d->names, (const char *)a->data, a->len, why)) {
			if (!why->len)
				buf_adds(why, "the nickname table is missing");
			names_close(&d->names);
			return -1;
		}
	}
	intern_init(&d->raw);
	intern_init(&d->vals);
	intern_init(&d->keys);
	intern_init(&d->ids);
	d->valcap = 1024;
	d->val = xcalloc(d->valcap, sizeof *d->val);
	d->rawval = xcalloc(1024, sizeof *d->rawval);
	return 0;
}

void lk_data_free(struct lk_data *d)
{
	if (!d->sp)
		return;
	names_close(&d->names);
	intern_release(&d->raw);
	intern_release(&d->vals);
	intern_release(&d->keys);
	intern_release(&d->ids);
	free(d->rawval);
	free(d->val);
	free(d->v);
	free(d->id);
	free(d->src);
	free(d->key);
	for (int c = 0; c < LK_MAX_COLS; c++) {
		free(d->count[c]);
		free(d->logtf[c]);
	}
	for (int r = 0; r < LK_MAX_RULES; r++)
		lk_index_free(&d->index[r]);
	memset(d, 0, sizeof *d);
}

static int days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : dm[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int32_t civil_days(int y, int m, int dd)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400, doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + s[i] - '0';
	}
	return v;
}

/* YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD, a real calendar date in years 1 to 9999; else 0. */
static int parse_date(const char *s, size_t n, int *y, int *m, int *dd)
{
	if (n == 10 && (s[4] == '-' || s[4] == '/') && s[7] == s[4]) {
		*y = digits(s, 4), *m = digits(s + 5, 2), *dd = digits(s + 8, 2);
	} else if (n == 8) {
		*y = digits(s, 4), *m = digits(s + 4, 2), *dd = digits(s + 6, 2);
	} else {
		return 0;
	}
	return *y >= 1 && *m >= 1 && *m <= 12 && *dd >= 1 && *dd <= days_in_month(*y, *m);
}

static struct lk_value *value_slot(struct lk_data *d, uint32_t id)
{
	if (id >= d->valcap) {
		d->val = xreallocarray(d->val, d->valcap * 2, sizeof *d->val);
		memset(d->val + d->valcap, 0, d->valcap * sizeof *d->val);
		d->valcap *= 2;
	}
	return &d->val[id];
}

/* Interns a reduced text; a new name or text value gets its keys. The keys are interned apart
 * (d->keys), so a value is never mistaken for a key that happens to have the same letters. */
static uint32_t value_id(struct lk_data *d, const char *s, size_t n, int keyed)
{
	if (!n)
		return 0;
	uint32_t before = d->vals.n, id = intern_id(&d->vals, s, n, 1);
	struct lk_value *v = value_slot(d, id);
	if (id <= before || !keyed)
		return id;
	struct buf k = BUF_INIT;
	names_skeleton(s, n, &k);
	v->skel = k.len ? intern_id(&d->keys, k.p, k.len, 1) : 0;
	buf_reset(&k);
	names_phonetic(s, n, &k);
	v->phon = k.len ? intern_id(&d->keys, k.p, k.len, 1) : 0;
	buf_release(&k);
	if (d->sp->nicknames)
		names_groups(&d->names, s, n, v->groups);
	const char *gap = memchr(s, ' ', n);
	uint32_t word1 = gap ? value_id(d, s, (size_t)(gap - s), 1) : id;
	d->val[id].word1 = word1; /* value_slot may have moved d->val */
	return id;
}

/* Dates are interned with a capital letter first, which no reduced name or text has: D for a
 * full date (D19560409), Y when only the year is known, E for a year worked out from an age. */
static uint32_t date_value(struct lk_data *d, const struct lk_column *col, const char *s, size_t n)
{
	int y, m, dd;
	if (!parse_date(s, n, &y, &m, &dd))
		return 0;
	char md[6], text[16];
	snprintf(md, sizeof md, "%02d-%02d", m, dd);
	int year_only = 0;
	for (int i = 0; i < col->nplaceholder; i++)
		year_only |= !strcmp(md, col->placeholder[i]);
	int len = year_only ? snprintf(text, sizeof text, "Y%04d", y) : snprintf(text, sizeof text, "D%04d%02d%02d", y, m, dd);
	uint32_t id = value_id(d, text, (size_t)len, 0);
	struct lk_value *v = &d->val[id];
	v->year = (int16_t)y;
	v->prec = year_only ? 1 : 2;
	if (!year_only) {
		v->month = (uint8_t)m;
		v->day = (uint8_t)dd;
		v->days = civil_days(y, m, dd);
	}
	return id;
}

static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t'))
		(*s)++, (*n)--;
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* The reduced value of one field, through a cache of the column's raw texts seen before. */
static int reduce(struct lk_data *d, int c, const char *s, uint32_t *out, struct buf *why)
{
	size_t n = s ? strlen(s) : 0;
	trim(&s, &n);
	*out = 0;
	if (!n)
		return 0;
	char head[1] = {(char)c};
	struct buf key = BUF_INIT;
	buf_add(&key, head, 1);
	buf_add(&key, s, n);
	uint32_t before = d->raw.n, rid = intern_id(&d->raw, key.p, key.len, 1);
	buf_release(&key);
	if (rid <= before) { /* seen before: its value, or UINT32_MAX when it was refused (so again) */
		if (d->rawval[rid] != UINT32_MAX) {
			*out = d->rawval[rid];
			return 0;
		}
		buf_addf(why, "column %s: not valid UTF-8", d->sp->col[c].name);
		return -1;
	}
	if ((rid & (rid - 1)) == 0 && rid >= 1024) /* a power of two: double the map */
		d->rawval = xreallocarray(d->rawval, (size_t)rid * 2, sizeof *d->rawval);
	const struct lk_column *col = &d->sp->col[c];
	struct buf r = BUF_INIT;
	int rc = 0;
	if (col->type == LK_DATE) {
		*out = date_value(d, col, s, n);
	} else if (names_latin(&d->names, s, n, &r)) {
		buf_addf(why, "column %s: not valid UTF-8", col->name);
		rc = -1;
	} else {
		*out = value_id(d, r.p, r.len, 1);
	}
	buf_release(&r);
	d->rawval[rid] = rc ? UINT32_MAX : *out;
	return rc;
}

/* A date not given, estimated from an age stated on a known date: the year only, marked so
 * comparisons allow for the birthday not yet reached. */
static uint32_t estimated_date(struct lk_data *d, const uint32_t *v, const struct lk_column *col)
{
	if (col->age < 0 || !v[col->age] || !v[col->at])
		return 0;
	const char *age = intern_str(&d->vals, v[col->age]);
	size_t alen = strlen(age);
	int a = alen <= 3 ? digits(age, (int)alen) : -1; /* the length first: many digits overflow an int */
	const struct lk_value *at = &d->val[v[col->at]];
	if (a < 0 || a > 120 || !at->prec)
		return 0;
	char text[16];
	int len = snprintf(text, sizeof text, "E%04d", at->year - a);
	uint32_t id = value_id(d, text, (size_t)len, 0);
	d->val[id].year = (int16_t)(at->year - a);
	d->val[id].prec = 1;
	d->val[id].estimated = 1;
	return id;
}

struct word {
	const char *s;
	size_t n;
	uint32_t skel;
};

static int word_order(const void *x, const void *y)
{
	const struct word *a = x, *b = y;
	if (a->skel != b->skel) /* the skeleton first: the same whatever the script */
		return a->skel < b->skel ? -1 : 1;
	int c = memcmp(a->s, b->s, a->n < b->n ? a->n : b->n);
	return c ? c : (a->n > b->n) - (a->n < b->n);
}

/* The words of the source columns' values, ordered by skeleton, as one value. */
static uint32_t words_value(struct lk_data *d, const struct lk_column *col, const uint32_t *v)
{
	struct word w[64];
	size_t nw = 0;
	struct buf k = BUF_INIT, out = BUF_INIT;
	for (int f = 0; f < col->nfrom; f++) {
		uint32_t id = v[col->from[f]];
		const char *s = id ? intern_str(&d->vals, id) : "";
		while (*s && nw < 64) {
			size_t n = strcspn(s, " ");
			buf_reset(&k);
			names_skeleton(s, n, &k);
			w[nw++] = (struct word){s, n, k.len ? intern_id(&d->keys, k.p, k.len, 1) : 0};
			s += n + (s[n] == ' ');
		}
	}
	qsort(w, nw, sizeof *w, word_order);
	for (size_t i = 0; i < nw; i++) {
		if (i)
			buf_addch(&out, ' ');
		buf_add(&out, w[i].s, w[i].n);
	}
	uint32_t id = value_id(d, out.p, out.len, 1);
	buf_release(&k);
	buf_release(&out);
	return id;
}

long lk_data_add(struct lk_data *d, const char *id, const char *const *field, int src, struct buf *why)
{
	const struct lk_spec *sp = d->sp;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 1024;
		d->v = xreallocarray(d->v, d->cap, (size_t)sp->ncol * sizeof *d->v);
		d->id = xreallocarray(d->id, d->cap, sizeof *d->id);
		d->src = xreallocarray(d->src, d->cap, sizeof *d->src);
		if (d->finished)
			d->key = xreallocarray(d->key, d->cap, (size_t)sp->nblock * sizeof *d->key);
	}
	uint32_t *v = &d->v[d->n * (size_t)sp->ncol];
	for (int c = 0; c < sp->ncol; c++)
		if (!sp->col[c].nfrom && reduce(d, c, field[c], &v[c], why))
			return -1;
	for (int c = 0; c < sp->ncol; c++)
		if (sp->col[c].unless >= 0 && v[c] == v[sp->col[c].unless])
			v[c] = 0;
	for (int c = 0; c < sp->ncol; c++)
		if (sp->col[c].nfrom)
			v[c] = words_value(d, &sp->col[c], v);
	for (int c = 0; c < sp->ncol; c++)
		if (!v[c] && sp->col[c].type == LK_DATE)
			v[c] = estimated_date(d, v, &sp->col[c]);
	d->id[d->n] = intern_id(&d->ids, id ? id : "", id ? strlen(id) : 0, 1);
	d->src[d->n] = (uint8_t)src;
	return (long)d->n++;
}

/* The key of record i under rule r: a hash of its parts' values, 0 when a part is empty. */
uint64_t lk_rule_key(const struct lk_data *d, const struct lk_rule *r, size_t i)
{
	uint64_t h = 0x84222325cbf29ce4ULL;
	for (int p = 0; p < r->n; p++) {
		uint32_t v = LK_V(d, i, r->part[p].col);
		if (!v)
			return 0;
		const struct lk_value *x = &d->val[v];
		uint64_t k = v;
		switch (r->part[p].xf) {
		case LK_XF_PHONETIC: k = x->phon; break;
		case LK_XF_SKELETON: k = x->skel; break;
		case LK_XF_YEAR: k = x->prec ? (uint64_t)(uint16_t)x->year : 0; break;
		case LK_XF_INITIAL: k = (unsigned char)intern_str(&d->vals, v)[0]; break;
		case LK_XF_NICK: k = x->groups[0] ? x->groups[0] | 1ULL << 32 : v; break;
		case LK_XF_WORD1: k = x->word1; break;
		case LK_XF_PREFIX:
			k = intern_len(&d->vals, v) >= (uint32_t)r->part[p].len
				    ? hash_bytes(intern_str(&d->vals, v), (size_t)r->part[p].len, 7) | 1
				    : 0;
			break;
		case LK_XF_VALUE: break;
		}
		if (!k)
			return 0;
		h = hash_mix(h, k * 64 + (uint64_t)p);
	}
	return h ? h : 1;
}

static void keys_of(struct lk_data *d, size_t i)
{
	for (int r = 0; r < d->sp->nblock; r++)
		d->key[i * (size_t)d->sp->nblock + (size_t)r] = lk_rule_key(d, &d->sp->block[r], i);
}

void lk_data_finish(struct lk_data *d, int src_indexed)
{
	const struct lk_spec *sp = d->sp;
	for (int c = 0; c < sp->ncol; c++) {
		if (!sp->col[c].tf)
			continue;
		d->count[c] = xcalloc((size_t)d->vals.n + 1, sizeof *d->count[c]);
		d->logtf[c] = xcalloc((size_t)d->vals.n + 1, sizeof *d->logtf[c]);
		d->ncounted = d->vals.n + 1;
		for (size_t i = 0; i < d->n; i++) {
			uint32_t v = LK_V(d, i, c);
			d->count[c][v]++;
			d->nonnull[c] += v != 0;
		}
		for (uint32_t v = 1; v < d->ncounted; v++) /* log2 of the share, once, for scoring */
			d->logtf[c][v] = d->count[c][v] ? (float)log2((double)d->count[c][v] / d->nonnull[c]) : -INFINITY;
	}
	d->key = xreallocarray(d->key, d->cap ? d->cap : 1, (size_t)sp->nblock * sizeof *d->key);
	for (size_t i = 0; i < d->n; i++)
		keys_of(d, i);
	/* Indexed records come first in record order for lk_index_build; linking indexes input 0. */
	d->nindexed = d->n;
	if (src_indexed >= 0)
		while (d->nindexed && d->src[d->nindexed - 1] != src_indexed)
			d->nindexed--;
	for (int r = 0; r < sp->nblock; r++)
		lk_index_build(&d->index[r], d, r, d->nindexed);
	d->finished = 1;
}

void lk_data_pop(struct lk_data *d)
{
	if (d->n > d->nindexed)
		d->n--;
}

long lk_data_add_query(struct lk_data *d, const char *id, const char *const *field, struct buf *why)
{
	long q = lk_data_add(d, id, field, 1, why);
	if (q >= 0)
		keys_of(d, (size_t)q);
	return q;
}

/* A register of fifty children where three share a surname says little about how common the
 * surname is. Shares are shrunk toward the model's average (the u of the exact level the
 * adjustment is against), as if K more records had the average share, where K is about
 * TF_PRIOR for a register of a few hundred and fades as it grows (K = TF_PRIOR² / (n +
 * TF_PRIOR): one record at a million), so a large register weighs its own shares, as Splink's
 * do. lk_tf_prior gives K. */
#define TF_PRIOR 1000.0

double lk_tf_prior(size_t records)
{
	return TF_PRIOR * TF_PRIOR / ((double)records + TF_PRIOR);
}

void lk_data_shrink_tf(struct lk_data *d, const struct lk_spec *sp)
{
	for (int c = 0; c < sp->ncol; c++) {
		double u = 0;
		for (int k = 0; k < sp->ncmp && !u; k++)
			if (sp->cmp[k].tf_ref >= 0 && sp->cmp[k].col == c)
				u = sp->cmp[k].lev[sp->cmp[k].tf_ref].u;
		if (!d->logtf[c] || !(u > 0))
			continue;
		double k = lk_tf_prior(d->n);
		for (uint32_t v = 1; v < d->ncounted; v++)
			d->logtf[c][v] = (float)log2((d->count[c][v] + k * u) / (d->nonnull[c] + k));
	}
}

double lk_logtf(const struct lk_data *d, int c, uint32_t v)
{
	return v && v < d->ncounted ? d->logtf[c][v] : -INFINITY;
}
