/* intern: string interning (see intern.h). */
#include "intern.h"
#include "base/alloc.h"
#include <stdlib.h>
#include <string.h>

uint64_t hash_bytes(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ULL ^ seed;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return hash_mix(h, n);
}

void intern_init(struct intern *t)
{
	memset(t, 0, sizeof *t);
	t->nslot = 1024;
	t->slot = xcalloc(t->nslot, sizeof *t->slot);
	t->idcap = 1024;
	t->off = xcalloc(t->idcap, sizeof *t->off);
	t->len = xcalloc(t->idcap, sizeof *t->len);
}

void intern_release(struct intern *t)
{
	free(t->bytes);
	free(t->off);
	free(t->len);
	free(t->slot);
	memset(t, 0, sizeof *t);
}

static void grow_slots(struct intern *t)
{
	uint32_t ns = t->nslot * 2, mask = ns - 1;
	uint32_t *slot = xcalloc(ns, sizeof *slot);
	for (uint32_t id = 1; id <= t->n; id++) {
		uint64_t h = hash_bytes(t->bytes + t->off[id], t->len[id], 0);
		uint32_t i = (uint32_t)h & mask;
		while (slot[i])
			i = (i + 1) & mask;
		slot[i] = id;
	}
	free(t->slot);
	t->slot = slot;
	t->nslot = ns;
}

uint32_t intern_id(struct intern *t, const char *s, size_t n, int add)
{
	uint32_t mask = t->nslot - 1, i = (uint32_t)hash_bytes(s, n, 0) & mask;
	for (; t->slot[i]; i = (i + 1) & mask) {
		uint32_t id = t->slot[i];
		if (t->len[id] == n && !memcmp(t->bytes + t->off[id], s, n))
			return id;
	}
	if (!add)
		return 0;
	if (t->n + 2 > t->idcap) {
		t->idcap *= 2;
		t->off = xreallocarray(t->off, t->idcap, sizeof *t->off);
		t->len = xreallocarray(t->len, t->idcap, sizeof *t->len);
	}
	if (t->used + n + 1 > t->cap) {
		t->cap = (t->used + n + 1) * 2;
		t->bytes = xrealloc(t->bytes, t->cap);
	}
	uint32_t id = ++t->n;
	t->off[id] = (uint32_t)t->used;
	t->len[id] = (uint32_t)n;
	memcpy(t->bytes + t->used, s, n);
	t->bytes[t->used + n] = '\0';
	t->used += n + 1;
	t->slot[i] = id;
	if ((uint64_t)t->n * 2 > t->nslot)
		grow_slots(t);
	return id;
}
