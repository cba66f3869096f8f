/* asset: files embedded in the binary at build time by tools/embed.c — the browser UI
 * (gzipped), the SQL migrations and the default configuration (raw). */
#ifndef HV_ASSET_H
#define HV_ASSET_H
#include <stddef.h>

struct asset {
	const char *name;          /* e.g. "web/app.js", "sql/sqlite/0001_init.sql" */
	const unsigned char *data; /* NUL-terminated for convenience */
	size_t len;                /* bytes in data */
	size_t raw_len;            /* uncompressed size */
	int gzip;
};

extern const struct asset assets[]; /* ends with a row whose name is NULL */

const struct asset *asset_find(const char *name);

#endif
