/* referrals: what the referral API (referrals.c) offers the consent API: ending the task that
 * waits for a referral's answer when the referral ends without one. */
#ifndef HV_REFERRALS_H
#define HV_REFERRALS_H
#include "api.h"

/* Closes (with status) the open task of record_id waiting for referral_id's answer. */
int referrals_end_wait(struct req *r, const char *record_id, const char *referral_id, const char *status);

#endif
