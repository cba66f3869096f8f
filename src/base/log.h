/* log: one key=value line per event on stderr, tagged with the request id when there is one.
 * Never pass a secret or a child's personal data: log ids, counts, statuses and timings only. */
#ifndef HV_LOG_H
#define HV_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level lvl);
/* Buffers info lines (the server); log_flush writes them out. Call before other threads start. */
void log_buffered(int on);
void log_flush(void);
void log_event(enum log_level lvl, const char *event, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
