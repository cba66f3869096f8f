/* consents: what the consent API (consents.c) shares with referrals and transfers: finding
 * the consents that allow a disclosure, and re-reading a record inside a write transaction. */
#ifndef HV_CONSENTS_H
#define HV_CONSENTS_H
#include "api.h"

/* The consents that allow disclosing record_id to agency_id — and, with services set,
 * referring the child to services — as their ids (n of them, at most 2): 0 when they exist, 1
 * when they do not, or an API error. */
int consents_allowing(struct req *r, const char *record_id, const char *agency_id, int services, char ids[2][ID_LEN],
		      size_t *n);
/* Reads rec again (inside a write transaction, so the write that follows sees its latest
 * version). */
int consents_reload(struct req *r, struct record *rec);

#endif
