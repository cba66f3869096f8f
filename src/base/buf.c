/* buf: string builder implementation (see buf.h). */
#include "buf.h"
#include "alloc.h"
#include "err.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char buf_empty[1];

void buf_init(struct buf *b, size_t limit)
{
	b->p = buf_empty;
	b->len = b->cap = 0;
	b->limit = limit;
}

void buf_release(struct buf *b)
{
	if (b->cap)
		free(b->p);
	buf_init(b, b->limit);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->cap)
		b->p[0] = '\0';
}

char *buf_detach(struct buf *b)
{
	char *s = b->cap ? b->p : xstrdup("");
	buf_init(b, b->limit);
	return s;
}

static int grow(struct buf *b, size_t extra)
{
	if (extra > (size_t)-1 - b->len - 1)
		return -HV_ETOOBIG;
	size_t need = b->len + extra + 1;
	if (b->limit && need > b->limit + 1)
		return -HV_ETOOBIG;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > (size_t)-1 / 2 ? need : cap * 2;
	if (b->cap) {
		b->p = xrealloc(b->p, cap);
	} else {
		b->p = xmalloc(cap);
		b->p[0] = '\0';
	}
	b->cap = cap;
	return 0;
}

int buf_add(struct buf *b, const void *data, size_t n)
{
	int rc = grow(b, n);
	if (rc)
		return rc;
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_addch(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return -HV_EINTERNAL;
	int rc = grow(b, (size_t)n);
	if (rc)
		return rc;
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void buf_truncate(struct buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->p[len] = '\0';
	}
}

int buf_add_hex(struct buf *b, const unsigned char *data, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	int rc = grow(b, n * 2);
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++) {
		b->p[b->len++] = hex[data[i] >> 4];
		b->p[b->len++] = hex[data[i] & 15];
	}
	b->p[b->len] = '\0';
	return 0;
}
