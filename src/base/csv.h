/* csv: a reader for RFC 4180 comma-separated text (quoted fields, doubled quotes, CRLF or LF
 * line ends, a UTF-8 byte-order mark skipped), one record at a time. Used for administrative
 * areas now and for record-linkage input later. */
#ifndef HV_CSV_H
#define HV_CSV_H
#include <stddef.h>
#include "buf.h"

#define CSV_MAX_FIELDS 256

struct csv {
	const char *p, *end;
	size_t line;                    /* the line the current record starts on, from 1 */
	struct buf text;                /* the fields' bytes, each NUL-terminated */
	size_t off[CSV_MAX_FIELDS];     /* start of each field in text */
	size_t n;                       /* fields in the current record */
};

/* data[len] must be a NUL byte (buf and embedded assets are). */
void csv_init(struct csv *c, const char *data, size_t len);
void csv_release(struct csv *c);
/* Reads the next record: 1 with c->n fields, 0 at the end, -1 on malformed input (a quote
 * left open, text after a closing quote, more than CSV_MAX_FIELDS fields). */
int csv_next(struct csv *c);
const char *csv_field(const struct csv *c, size_t i); /* "" past the last field */

#endif
