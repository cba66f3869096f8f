/* strsim: the string metrics the linkage comparisons use, on byte strings (names are reduced to
 * lower-case ASCII before they get here, see names.h). */
#ifndef HV_LINK_STRSIM_H
#define HV_LINK_STRSIM_H
#include <stddef.h>

/* Jaro-Winkler similarity in [0, 1] as DuckDB and Splink compute it: transpositions counted as
 * floor(half-matched-out-of-order), a prefix of at most 4 bytes scaled by 0.1, the boost applied
 * only when the Jaro similarity exceeds 0.7. Two empty strings are 1. */
double jaro_winkler(const char *a, size_t la, const char *b, size_t lb);
/* Optimal string alignment distance (Levenshtein plus adjacent transpositions, each substring
 * edited once), or max + 1 when it exceeds max: the cut-off keeps it cheap. */
int osa_distance(const char *a, size_t la, const char *b, size_t lb, int max);

#endif
