/* throttle: failed sign-in backoff table (see throttle.h). */
#include "throttle.h"
#include "base/clock.h"
#include <pthread.h>
#include <sodium.h>
#include <string.h>

#define SLOTS 4096

static const struct policy {
	int free_failures;
	int64_t cap;
} policies[2] = {
	{5, 60},   /* per account: a one-minute cap keeps it a slowdown, never a lockout */
	{20, 300}, /* per client address: wider room for shared offices, longer cap */
};

static struct slot {
	unsigned char key[16];
	int failures;
	int64_t until, last;
} table[SLOTS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static unsigned char slot_secret[crypto_generichash_KEYBYTES];

static void make_secret(void)
{
	randombytes_buf(slot_secret, sizeof slot_secret);
}

static struct slot *find(const char *key, int create)
{
	/* Keyed with a per-process secret, so nobody can pick names that evict another's slot. */
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, make_secret);
	unsigned char h[16];
	crypto_generichash(h, sizeof h, (const unsigned char *)key, strlen(key), slot_secret, sizeof slot_secret);
	size_t start = ((size_t)h[0] << 8 | h[1]) % SLOTS;
	struct slot *oldest = NULL;
	for (size_t i = 0; i < 8; i++) {
		struct slot *s = &table[(start + i) % SLOTS];
		if (!memcmp(s->key, h, sizeof h))
			return s;
		if (!oldest || s->last < oldest->last)
			oldest = s;
	}
	if (!create)
		return NULL;
	memset(oldest, 0, sizeof *oldest);
	memcpy(oldest->key, h, sizeof h);
	return oldest;
}

int64_t throttle_wait(const char *key, int per_ip)
{
	(void)per_ip;
	pthread_mutex_lock(&mu);
	struct slot *s = find(key, 0);
	int64_t w = s ? s->until - clock_now() : 0;
	pthread_mutex_unlock(&mu);
	return w > 0 ? w : 0;
}

void throttle_fail(const char *key, int per_ip)
{
	const struct policy *p = &policies[per_ip ? 1 : 0];
	pthread_mutex_lock(&mu);
	struct slot *s = find(key, 1);
	int64_t now = clock_now();
	if (s->last && now - s->last > 3600) /* an hour without failures starts afresh */
		s->failures = 0;
	s->failures++;
	s->last = now;
	if (s->failures > p->free_failures) {
		int shift = s->failures - p->free_failures - 1;
		int64_t wait = shift > 20 ? p->cap : (int64_t)1 << shift;
		s->until = now + (wait < p->cap ? wait : p->cap);
	}
	pthread_mutex_unlock(&mu);
}

void throttle_success(const char *key)
{
	pthread_mutex_lock(&mu);
	struct slot *s = find(key, 0);
	if (s)
		memset(s, 0, sizeof *s);
	pthread_mutex_unlock(&mu);
}
