/* consent: consent as records. Which purposes a case's consents cover now, the values the
 * case's consent fields take from them, and which consent allows a disclosure to an agency.
 * Pure: it takes the consents (store/store.h's struct consent) and gives decisions. */
#ifndef HV_CONSENT_H
#define HV_CONSENT_H
#include <jansson.h>
#include <stddef.h>
#include "store/store.h"

/* The purposes a consent can name, and the case field each derives (NULL-terminated). */
extern const char *const consent_purposes[];
extern const char *const consent_fields[];

/* Whether c is a given consent that still covers purpose (not withdrawn for it). */
int consent_active(const struct consent *c, const char *purpose);
/* The case fields derived from consents: "yes" while an active consent covers the purpose,
 * "no" when only refusals or withdrawals name it; a purpose nobody was asked about is left out
 * (a value typed before consent records existed stays until one names it). A new object. */
json_t *consent_derive(const struct consent *c, size_t n);
/* The index of an active consent covering purpose — for disclosure to agency_id, one whose
 * agencies list is empty or names it (agency_id NULL: to any agency) — or -1. */
long consent_find(const struct consent *c, size_t n, const char *purpose, const char *agency_id);

#endif
