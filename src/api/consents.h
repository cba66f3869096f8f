/* consents: what the consent API (consents.c) shares with referrals and transfers: finding
 * the consents that allow a disclosure, and re-reading a record inside a write transaction. */
#ifndef HV_CONSENTS_H
#define HV_CONSENTS_H
#include "api.h"

/* Checks that rec may be disclosed to agency_id (and, with services set, the child referred
 * to services): the consents that allow it go into ids (n, at most 2). Without them, a 422
 * naming "consent" — unless override (a reason, non-empty, or NULL) comes from a user with
 * case.refer_override on rec (else 403), where may_override; an override where consent exists
 * is a 422. In the caller's transaction, so a withdrawal cannot slip in between. */
int consents_require(struct req *r, const struct record *rec, const char *agency_id, int services,
		     const char *override, int may_override, char ids[2][ID_LEN], size_t *n);

#endif
