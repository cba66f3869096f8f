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
				if (*c->p == '\n')
					c->line++;
				buf_addch(&c->text, *c->p);
			}
			if (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r')
				return -1;
		} else {
			size_t k = strcspn(c->p, ",\r\n"); /* the data is NUL-terminated or ends in a newline */
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
