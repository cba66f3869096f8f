/* password: argon2id password hashing (libsodium). At most two hashes run at once; a third
 * caller gets -HV_ERATE rather than queueing, so sign-in floods cannot exhaust memory.
 * Parameters are stored in each hash, so cheaper test parameters verify like any other. */
#ifndef HV_PASSWORD_H
#define HV_PASSWORD_H
#include <sodium.h>
#include "base/err.h"

#define PASSWORD_HASH_MAX crypto_pwhash_STRBYTES

/* fast != 0 selects the minimum cost (test builds only; ignored otherwise). */
int password_init(int fast);
/* Writes an encoded argon2id hash of pw into out. */
int password_hash(const char *pw, char out[PASSWORD_HASH_MAX]);
/* 0 when pw matches hash; -HV_EUNAUTH otherwise. A NULL hash verifies against a dummy hash,
 * so an unknown user costs the same time as a known one. */
int password_verify(const char *hash, const char *pw);
/* Checks the password policy; returns 0 or -HV_EVALID with a message in e. */
int password_policy(const char *pw, const char *username, const char *field, struct err *e);

#endif
