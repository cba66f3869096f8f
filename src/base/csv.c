/* csv: RFC 4180 reader (see csv.h). */
#include "csv.h"
#include <string.h>

void csv_init(struct csv *c, const char *data, size_t len)
{
	memset(c, 0, sizeof *c);
	c->p = data;
	c->end = data + len;
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		c->p += 3;
	buf_init(&c->text, 0);
}

void csv_release(struct csv *c)
{
	buf_release(&c->text);
}

const char *csv_field(const struct csv *c, size_t i)
{
	return i < c->n ? c->text.p + c->off[i] : "";
}

int csv_next(struct csv *c)
{
	/* The record before may have spanned lines: its quoted fields hold the newlines. */
	for (const char *s = c->text.p, *e = s + c->text.len; (s = memchr(s, '\n', (size_t)(e - s))); s++)
		c->line++;
	buf_reset(&c->text);
	c->n = 0;
	if (c->p >= c->end)
		return 0;
	c->line++;
	for (;;) {
		if (c->n == CSV_MAX_FIELDS)
			return -1;
		c->off[c->n++] = c->text.len;
		if (c->p < c->end && *c->p == '"') {
			for (c->p++;; c->p++) {
				if (c->p >= c->end)
					return -1;
				if (*c->p == '"') {
					if (c->p + 1 < c->end && c->p[1] == '"') {
						buf_addch(&c->text, '"');
						c->p++;
						continue;
					}
					c->p++;
					break;
				}
				buf_addch(&c->text, *c->p);
			}
			if (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r')
				return -1;
		} else {
			size_t k = strcspn(c->p, ",\r\n"); /* the data is NUL-terminated or ends in a newline */
			while (c->p + k < c->end && !c->p[k]) /* a NUL inside is data, not the end */
				k += 1 + strcspn(c->p + k + 1, ",\r\n");
			if (c->p + k > c->end)
				k = (size_t)(c->end - c->p);
			buf_add(&c->text, c->p, k);
			c->p += k;
		}
		buf_addch(&c->text, '\0');
		if (c->p >= c->end)
			return 1;
		if (*c->p == ',') {
			c->p++;
			continue;
		}
		if (*c->p == '\r')
			c->p++;
		if (c->p < c->end && *c->p == '\n')
			c->p++;
		return 1;
	}
}
