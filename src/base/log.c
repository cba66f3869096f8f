/* log: key=value event lines (see log.h). */
#include "log.h"
#include "buf.h"
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static enum log_level min_level = LOG_INFO;
static int buffered;
static const char *names[] = {"debug", "info", "warn", "error"};

void log_set_level(enum log_level lvl)
{
	min_level = lvl;
}

void log_event(enum log_level lvl, const char *event, const char *fmt, ...)
{
	if (lvl < min_level)
		return;
	char ts[32];
	struct timespec now;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
	struct buf line = BUF_INIT;
	buf_addf(&line, "ts=%s.%03ldZ level=%s event=%s", ts, now.tv_nsec / 1000000, names[lvl], event);
	if (fmt && *fmt) {
		va_list ap;
		va_start(ap, fmt);
		buf_addch(&line, ' ');
		buf_vaddf(&line, fmt, ap);
		va_end(ap);
	}
	buf_addch(&line, '\n');
	fwrite(line.p, 1, line.len, stderr);
	if (lvl >= LOG_WARN || !buffered)
		fflush(stderr);
	buf_release(&line);
}

void log_buffered(int on)
{
	/* A busy server writes one line per request: buffered, they cost one write a flush
	 * instead of one each. Warnings and errors are flushed at once. */
	static char space[1 << 16];
	setvbuf(stderr, on ? space : NULL, on ? _IOFBF : _IONBF, on ? sizeof space : 0);
	buffered = on;
}

void log_flush(void)
{
	fflush(stderr);
}
