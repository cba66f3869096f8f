/* id: display ids for records — an agency prefix, six random Crockford base-32 symbols and a
 * Luhn mod 32 check symbol (DSS-7K3M9QX). Random, never sequential, never derived from a
 * child's name or date of birth; the check symbol catches a mistyped or swapped symbol. */
#ifndef HV_ID_H
#define HV_ID_H
#include <stddef.h>

#define DISPLAY_ID_MAX 24

void id_display_new(const char *agency_code, char out[DISPLAY_ID_MAX]);
/* 1 when s has a valid check symbol (case-insensitive; O/I/L read as 0/1/1). */
int id_display_valid(const char *s);
/* An agency code (2–4 letters/digits) made from its name: initials, upper-case ASCII. */
void id_agency_code(const char *name, char out[8]);
int id_agency_code_valid(const char *code);
/* The n-th variant (2..9) of a taken code: a digit appended, or replacing the last symbol
 * of a four-symbol code (NVS -> NVS2, ABCD -> ABC2). */
void id_agency_code_variant(const char *base, int n, char out[8]);

#endif
