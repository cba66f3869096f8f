/* record: the rules every record document follows whatever its forms — a JSON merge patch
 * (RFC 7396), the stated-age rule, the values derived on output (current age), the folded
 * search key. Fields and their values are the forms' business (core/form). Pure: no store,
 * no HTTP. */
#ifndef HV_RECORD_H
#define HV_RECORD_H
#include <jansson.h>
#include "base/buf.h"
#include "base/err.h"

/* Applies patch to doc (RFC 7396) and the stated-age rule; doc is modified in place. */
void record_apply(json_t *doc, const json_t *patch);
/* Adds the derived output fields (age) to doc, which becomes the client's view; returns doc. */
json_t *record_output(json_t *doc);
/* Folded search key (" first last aliases display_id") and sort name of a record of type: a
 * case's child or a family's name; a tracing request's inquirer and every child it seeks
 * (sorted by the inquirer). Appended to key and sort. */
int record_type_search_key(const char *type, const json_t *doc, const char *display_id, struct buf *key,
			   struct buf *sort);
/* The same for a case (or a family). */
int record_search_key(const json_t *doc, const char *display_id, struct buf *key, struct buf *sort);
/* Fills a record's derived columns (document text, risk level, search keys, sort name) from
 * its document. With name_hidden the names go to the hidden index only (see store.h). */
struct record;
void record_derive(struct record *rec, const json_t *doc, int name_hidden);

/* Merging case other into case kept (two records of one child): each field kept lacks (absent,
 * null, "" or an empty list) takes other's value; a list of rows (a subform) gains other's rows
 * it does not already hold; any other difference is a conflict, and kept's value stays. Fields
 * in skip (derived ones) are left alone. *set gets the values to write into kept, *before what
 * those fields held (null: absent), *conflicts other's values that were not taken. */
void record_merge(const json_t *kept, const json_t *other, const char *const *skip, json_t **set, json_t **before,
		  json_t **conflicts);

#endif
