/* strsim: Jaro-Winkler and optimal string alignment (see strsim.h). */
#include "strsim.h"
#include <stdint.h>
#include <string.h>

#define LK_MAXLEN 255 /* longer values are compared on their first 255 bytes */

static double jaro_score(size_t m, size_t t, size_t la, size_t lb)
{
	double md = (double)m;
	return m ? (md / (double)la + md / (double)lb + (md - (double)(t / 2)) / md) / 3.0 : 0.0;
}

/* Names fit in a machine word: where each byte occurs in b is a bit mask, so finding the first
 * unmatched occurrence inside the window is a few instructions (la <= lb <= 64). */
static double jaro_short(const char *a, size_t la, const char *b, size_t lb)
{
	uint64_t pos[256], bfree = lb == 64 ? ~0ULL : (1ULL << lb) - 1, amatch = 0;
	for (size_t i = 0; i < la; i++) /* only the entries read are cleared */
		pos[(unsigned char)a[i]] = 0;
	for (size_t j = 0; j < lb; j++)
		pos[(unsigned char)b[j]] = 0;
	for (size_t j = 0; j < lb; j++)
		pos[(unsigned char)b[j]] |= 1ULL << j;
	size_t win = lb / 2 > 0 ? lb / 2 - 1 : 0, m = 0;
	for (size_t i = 0; i < la; i++) {
		size_t lo = i > win ? i - win : 0, hi = i + win + 1 < lb ? i + win + 1 : lb;
		uint64_t span = (hi - lo == 64 ? ~0ULL : ((1ULL << (hi - lo)) - 1) << lo);
		uint64_t hit = pos[(unsigned char)a[i]] & bfree & span;
		if (hit) {
			bfree &= ~(hit & -hit); /* the first free occurrence is taken */
			amatch |= 1ULL << i;
			m++;
		}
	}
	if (!m)
		return 0.0;
	/* Transpositions: the matched bytes of a and of b, in order, compared. */
	uint64_t bmatch = ~bfree & (lb == 64 ? ~0ULL : (1ULL << lb) - 1);
	size_t t = 0;
	while (amatch) {
		size_t i = (size_t)__builtin_ctzll(amatch), j = (size_t)__builtin_ctzll(bmatch);
		t += a[i] != b[j];
		amatch &= amatch - 1;
		bmatch &= bmatch - 1;
	}
	return jaro_score(m, t, la, lb);
}

static double jaro(const char *a, size_t la, const char *b, size_t lb)
{
	la = la > LK_MAXLEN ? LK_MAXLEN : la;
	lb = lb > LK_MAXLEN ? LK_MAXLEN : lb;
	if (la > lb) {
		const char *t = a;
		a = b;
		b = t;
		size_t tl = la;
		la = lb;
		lb = tl;
	}
	if (la == 0)
		return lb == 0 ? 1.0 : 0.0;
	if (lb <= 64)
		return jaro_short(a, la, b, lb);
	size_t win = lb / 2 > 0 ? lb / 2 - 1 : 0;
	unsigned char amatch[LK_MAXLEN], bmatch[LK_MAXLEN];
	memset(amatch, 0, la);
	memset(bmatch, 0, lb);
	size_t m = 0;
	for (size_t i = 0; i < la; i++) {
		size_t lo = i > win ? i - win : 0, hi = i + win + 1 < lb ? i + win + 1 : lb;
		for (size_t j = lo; j < hi; j++)
			if (!bmatch[j] && a[i] == b[j]) {
				amatch[i] = bmatch[j] = 1;
				m++;
				break;
			}
	}
	if (m == 0)
		return 0.0;
	size_t t = 0, j = 0;
	for (size_t i = 0; i < la; i++) {
		if (!amatch[i])
			continue;
		while (!bmatch[j])
			j++;
		t += a[i] != b[j];
		j++;
	}
	return jaro_score(m, t, la, lb);
}

double jaro_winkler(const char *a, size_t la, const char *b, size_t lb)
{
	if (la == lb && !memcmp(a, b, la))
		return 1.0;
	double j = jaro(a, la, b, lb);
	if (j <= 0.7)
		return j;
	size_t p = 0;
	while (p < 4 && p < la && p < lb && a[p] == b[p])
		p++;
	return j + (double)p * 0.1 * (1.0 - j);
}

/* max 1, the commonest question (a digit off in a date, one letter in a code), in one pass:
 * 0 or 1 when within one substitution, insertion, deletion or swap of neighbours, else 2. */
static int osa_one(const char *a, size_t la, const char *b, size_t lb)
{
	if (la > lb) {
		const char *t = a;
		a = b;
		b = t;
		size_t tl = la;
		la = lb;
		lb = tl;
	}
	if (lb - la > 1)
		return 2;
	size_t i = 0;
	while (i < la && a[i] == b[i])
		i++;
	if (i == la)
		return lb > la; /* equal, or b is a with one byte more at the end */
	if (la == lb) {
		if (!memcmp(a + i + 1, b + i + 1, la - i - 1))
			return 1; /* one substitution */
		return i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] && !memcmp(a + i + 2, b + i + 2, la - i - 2) ? 1 : 2;
	}
	return !memcmp(a + i, b + i + 1, la - i) ? 1 : 2; /* one byte inserted in b */
}

int osa_distance(const char *a, size_t la, const char *b, size_t lb, int max)
{
	if (max == 1 && la <= LK_MAXLEN && lb <= LK_MAXLEN)
		return osa_one(a, la, b, lb);
	la = la > LK_MAXLEN ? LK_MAXLEN : la;
	lb = lb > LK_MAXLEN ? LK_MAXLEN : lb;
	if (la > lb ? la - lb > (size_t)max : lb - la > (size_t)max)
		return max + 1;
	/* Three rolling rows of the dynamic programme. */
	int rows[3][LK_MAXLEN + 1];
	int *pp = rows[0], *p = rows[1], *c = rows[2];
	for (size_t j = 0; j <= lb; j++)
		p[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		c[0] = (int)i;
		int best = c[0];
		for (size_t j = 1; j <= lb; j++) {
			int cost = a[i - 1] != b[j - 1];
			int v = p[j - 1] + cost;
			if (p[j] + 1 < v)
				v = p[j] + 1;
			if (c[j - 1] + 1 < v)
				v = c[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			c[j] = v;
			if (v < best)
				best = v;
		}
		if (best > max) /* a row's minimum never falls again */
			return max + 1;
		int *t = pp;
		pp = p;
		p = c;
		c = t;
	}
	return p[lb] > max ? max + 1 : p[lb];
}
