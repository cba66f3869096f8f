/* intern: a string table giving each distinct byte string a small integer id (1, 2, ...; 0 is
 * never used, so it can mean "no value"), and a table from 64-bit keys to ids. Both are open
 * addressing with linear probing; the strings live in one growing buffer. */
#ifndef HV_LINK_INTERN_H
#define HV_LINK_INTERN_H
#include <stddef.h>
#include <stdint.h>

struct intern {
	char *bytes;            /* every string, NUL-terminated, back to back */
	size_t used, cap;
	uint32_t *off, *len;    /* by id; off[0] unused */
	uint32_t n, idcap;      /* ids in use are 1..n */
	uint32_t *slot;         /* hash slots holding ids, 0 = empty */
	uint32_t nslot;         /* a power of two */
};

void intern_init(struct intern *t);
void intern_release(struct intern *t);
/* The id of s[0..n), added when add is set; 0 when absent and not added. */
uint32_t intern_id(struct intern *t, const char *s, size_t n, int add);
static inline const char *intern_str(const struct intern *t, uint32_t id) { return t->bytes + t->off[id]; }
static inline uint32_t intern_len(const struct intern *t, uint32_t id) { return t->len[id]; }

uint64_t hash_bytes(const void *p, size_t n, uint64_t seed);
static inline uint64_t hash_mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 29);
}

#endif
