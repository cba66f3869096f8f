/* clock: wall clock with a test-only offset (see clock.h). */
#include "clock.h"
#include "err.h"
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static _Atomic int64_t offset;

int64_t clock_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + atomic_load(&offset) * 1000;
}

int64_t clock_now(void)
{
	return clock_now_ms() / 1000;
}

void clock_advance(int64_t seconds)
{
#ifdef HAVEN_TESTING
	atomic_fetch_add(&offset, seconds);
#else
	(void)seconds;
#endif
}

void clock_iso(int64_t t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 ? 28 + leap : dm[m - 1];
}

int clock_parse_date(const char *s, int *y, int *m, int *d)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*d = (s[8] - '0') * 10 + (s[9] - '0');
	if (*y < 1900 || *m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m))
		return -1;
	return 0;
}

void clock_today(int *y, int *m, int *d)
{
	time_t tt = (time_t)clock_now();
	struct tm tm;
	gmtime_r(&tt, &tm);
	*y = tm.tm_year + 1900;
	*m = tm.tm_mon + 1;
	*d = tm.tm_mday;
}

int clock_check_date(const char *s, const char *field, struct err *e)
{
	int y, m, d, ty, tm, td;
	if (!s || clock_parse_date(s, &y, &m, &d))
		return err_set(e, HV_EVALID, field, "must be a real date as YYYY-MM-DD, from 1900 on");
	clock_today(&ty, &tm, &td);
	if (y * 10000 + m * 100 + d > ty * 10000 + tm * 100 + td)
		return err_set(e, HV_EVALID, field, "must not be in the future");
	return 0;
}

/* Years 0..9999 fit YYYY-MM-DD; the wider buffer keeps the compiler sure of it. */
static void format_date(char out[11], int y, int m, int d)
{
	char buf[40];
	snprintf(buf, sizeof buf, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
	memcpy(out, buf, 11);
}

int clock_date_add(const char *date, int days, char out[11])
{
	int y, m, d;
	if (clock_parse_date(date, &y, &m, &d))
		return -1;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d + days, .tm_hour = 12};
	time_t t = timegm(&tm);
	gmtime_r(&t, &tm);
	format_date(out, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	return 0;
}

void clock_today_iso(char out[11])
{
	int y, m, d;
	clock_today(&y, &m, &d);
	format_date(out, y, m, d);
}
