/* throttle: exponential backoff after failed sign-ins, per account and per client address.
 * After a few free failures each further failure doubles the wait, up to a cap, so guessing
 * slows down but nobody can lock an account out for long. State is in memory (bounded);
 * a restart forgets it, which only ever shortens a wait. */
#ifndef HV_THROTTLE_H
#define HV_THROTTLE_H
#include <stdint.h>

/* Seconds the key must still wait (0 = go ahead). */
int64_t throttle_wait(const char *key, int per_ip);
void throttle_fail(const char *key, int per_ip);
void throttle_success(const char *key);

#endif
