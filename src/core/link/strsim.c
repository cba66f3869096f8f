/* strsim: Jaro-Winkler and optimal string alignment (see strsim.h). */
#include "strsim.h"
#include <stdint.h>
#include <string.h>

#define LK_MAXLEN 255 /* longer values are compared on their first 255 bytes */

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
	double md = (double)m;
	return (md / (double)la + md / (double)lb + (md - (double)(t / 2)) / md) / 3.0;
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

int osa_distance(const char *a, size_t la, const char *b, size_t lb, int max)
{
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
