/* password: argon2id hashing with a concurrency cap (see password.h). */
#include "password.h"
#include "base/err.h"
#include "base/text.h"
#include <semaphore.h>
#include <string.h>

static unsigned long long opslimit = 2;
static size_t memlimit = 19u * 1024 * 1024; /* OWASP's argon2id floor: m=19 MiB, t=2, p=1 */
static sem_t slots;
static char dummy[PASSWORD_HASH_MAX];

int password_init(int fast)
{
	if (sodium_init() < 0)
		return -HV_EINTERNAL;
#ifdef HAVEN_TESTING
	if (fast) {
		opslimit = crypto_pwhash_OPSLIMIT_MIN;
		memlimit = crypto_pwhash_MEMLIMIT_MIN;
	}
#else
	(void)fast;
#endif
	sem_init(&slots, 0, 2);
	if (crypto_pwhash_str_alg(dummy, "dummy password for unknown users", 32, opslimit, memlimit,
				  crypto_pwhash_ALG_ARGON2ID13))
		return -HV_EINTERNAL;
	return 0;
}

static int acquire(void)
{
	return sem_trywait(&slots) ? -HV_ERATE : 0;
}

int password_hash(const char *pw, char out[PASSWORD_HASH_MAX])
{
	int rc = acquire();
	if (rc)
		return rc;
	rc = crypto_pwhash_str_alg(out, pw, strlen(pw), opslimit, memlimit, crypto_pwhash_ALG_ARGON2ID13);
	sem_post(&slots);
	return rc ? -HV_EINTERNAL : 0;
}

int password_verify(const char *hash, const char *pw)
{
	int rc = acquire();
	if (rc)
		return rc;
	int ok = crypto_pwhash_str_verify(hash ? hash : dummy, pw, strlen(pw)) == 0;
	sem_post(&slots);
	return ok && hash ? 0 : -HV_EUNAUTH;
}

int password_policy(const char *pw, const char *username, const char *field, struct err *e)
{
	size_t n = text_codepoints(pw);
	if (n < 10)
		return err_set(e, HV_EVALID, field, "must be at least 10 characters long");
	if (strlen(pw) > 1024)
		return err_set(e, HV_EVALID, field, "must be at most 1024 bytes long");
	if (username && !strcmp(pw, username))
		return err_set(e, HV_EVALID, field, "must not be the username");
	return 0;
}
