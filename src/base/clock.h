/* clock: Haven's one source of wall-clock time. Test builds (HAVEN_TESTING) can move it
 * forward, so expiry, throttling and the 24-hour rules are tested without sleeping. */
#ifndef HV_CLOCK_H
#define HV_CLOCK_H
#include <stddef.h>
#include <stdint.h>

int64_t clock_now(void);           /* seconds since the epoch, UTC */
int64_t clock_now_ms(void);
void clock_advance(int64_t seconds); /* test builds only; no-op otherwise */
/* Formats t as 2026-11-29T04:21:11Z into out (at least 21 bytes). */
void clock_iso(int64_t t, char *out, size_t n);
/* Parses YYYY-MM-DD (strictly, a real calendar date) into a day number; returns 0 on success. */
int clock_parse_date(const char *s, int *y, int *m, int *d);
void clock_today(int *y, int *m, int *d);
void clock_today_iso(char out[11]); /* YYYY-MM-DD, UTC */
/* Writes the date days after date (YYYY-MM-DD) into out; -1 when date is not a date. */
int clock_date_add(const char *date, int days, char out[11]);
/* Checks that s (NULL when the value is not text) is a real date, not in the future; 0, or
 * -HV_EVALID with a message naming field in e. */
struct err;
int clock_check_date(const char *s, const char *field, struct err *e);

#endif
