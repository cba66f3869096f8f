/* buf: the one growable string builder. A buf is never NULL-valued: p always points at a
 * NUL-terminated string (a shared empty string until the first append). A buf fed from the
 * network carries a limit; appends past it fail with -HV_ETOOBIG and leave the buf unchanged. */
#ifndef HV_BUF_H
#define HV_BUF_H
#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *p;
	size_t len, cap;
	size_t limit; /* 0 = unlimited */
};

#define BUF_INIT {buf_empty, 0, 0, 0}
extern char buf_empty[1];

void buf_init(struct buf *b, size_t limit);
void buf_release(struct buf *b);           /* frees memory, back to BUF_INIT state */
void buf_reset(struct buf *b);             /* len = 0, keeps memory */
char *buf_detach(struct buf *b);           /* caller frees the returned string */
int buf_add(struct buf *b, const void *data, size_t n);
int buf_adds(struct buf *b, const char *s);
int buf_addch(struct buf *b, char c);
int buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void buf_truncate(struct buf *b, size_t len);
int buf_add_hex(struct buf *b, const unsigned char *data, size_t n);

#endif
