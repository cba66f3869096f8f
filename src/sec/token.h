/* token: random secrets (session ids, CSRF and API tokens) and the one-way hashes under which
 * the store keeps them. A secret itself is never stored or logged. */
#ifndef HV_TOKEN_H
#define HV_TOKEN_H
#include <stddef.h>

#define TOKEN_LEN 44  /* 32 random bytes, base64url, NUL */
#define TOKEN_HASH_LEN 65

void token_new(char out[TOKEN_LEN]);
/* SHA-256 of the secret as hex. Lookups compare hashes, so timing reveals nothing useful. */
void token_hash(const char *secret, char out[TOKEN_HASH_LEN]);
/* A UUID v4 string (37 bytes with NUL). */
void token_uuid(char out[37]);
int token_is_uuid(const char *s);

#endif
