/* cluster: the same person, recorded three times, is three pairs; linkage finds the strong
 * ones, and the weak one (A and C share little) follows through B. Records are joined in order
 * of the strongest link first (Kruskal's order, single linkage) while links reach the cluster
 * threshold; when two groups join through a link of probability p, every pair across them is
 * linked by a chain whose weakest link is p: a pair's probability becomes the larger of its own
 * and its chain's. Groups stop growing at max_size records, so one bad link cannot chain thousands. */
#include "link.h"
#include "base/alloc.h"
#include <stdlib.h>
#include <string.h>

static int by_strength(const void *x, const void *y)
{
	const struct lk_pair *a = x, *b = y;
	return a->w > b->w ? -1 : a->w < b->w ? 1 : a->l != b->l ? (a->l < b->l ? -1 : 1) : (a->r > b->r) - (a->r < b->r);
}

static int by_ids(const void *x, const void *y)
{
	const struct lk_pair *a = x, *b = y;
	return a->l != b->l ? (a->l < b->l ? -1 : 1) : (a->r > b->r) - (a->r < b->r);
}

static uint32_t root(uint32_t *parent, uint32_t x)
{
	while (parent[x] != x)
		x = parent[x] = parent[parent[x]];
	return x;
}

void lk_cluster(struct lk_result *res, size_t nrec, const uint8_t *src, double threshold, size_t max_size)
{
	if (!res->n) /* nothing to join (and qsort and memcpy must not be given res->pair, NULL) */
		return;
	uint32_t *parent = xcalloc(nrec ? nrec : 1, sizeof *parent), *size = xcalloc(nrec ? nrec : 1, sizeof *size);
	uint32_t *next = xcalloc(nrec ? nrec : 1, sizeof *next), *last = xcalloc(nrec ? nrec : 1, sizeof *last);
	for (uint32_t i = 0; i < nrec; i++) {
		parent[i] = last[i] = i;
		size[i] = 1;
		next[i] = UINT32_MAX; /* members of a group: a list from the root through next */
	}
	qsort(res->pair, res->n, sizeof *res->pair, by_ids);
	size_t scored = res->n;
	struct lk_pair *edges = xcalloc(scored ? scored : 1, sizeof *edges);
	memcpy(edges, res->pair, scored * sizeof *edges);
	qsort(edges, scored, sizeof *edges, by_strength);
	for (size_t e = 0; e < scored && edges[e].p >= threshold; e++) {
		uint32_t a = root(parent, edges[e].l), b = root(parent, edges[e].r);
		if (a == b || size[a] + size[b] > max_size)
			continue;
		for (uint32_t x = a; x != UINT32_MAX; x = next[x])
			for (uint32_t y = b; y != UINT32_MAX; y = next[y]) {
				if (src && src[x] == src[y])
					continue; /* linking: pairs across the two inputs only */
				struct lk_pair key = {x < y ? x : y, x < y ? y : x, edges[e].p, edges[e].w};
				struct lk_pair *own = bsearch(&key, res->pair, scored, sizeof key, by_ids);
				if (!own)
					lk_result_push(res, key);
				else if (own->w < key.w)
					*own = key;
			}
		if (size[a] < size[b]) { /* the larger group keeps its root */
			uint32_t t = a;
			a = b;
			b = t;
		}
		parent[b] = a;
		size[a] += size[b];
		next[last[a]] = b;
		last[a] = last[b];
	}
	qsort(res->pair, res->n, sizeof *res->pair, by_ids);
	free(edges);
	free(parent);
	free(size);
	free(next);
	free(last);
}
