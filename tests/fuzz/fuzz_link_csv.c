/* fuzz_link_csv: libFuzzer harness for record-linkage input — the CSV reader, linkage configs
 * (which an administrator edits), nickname tables, and records taken through reduction (ICU
 * transliteration, dates, derived columns), training, scoring, clustering, queries and
 * explanations. The input is read whole as CSV; then it is split at its first NUL byte, if it
 * has one, into a config and the CSV of the records (without one, the whole input is both). A
 * config that does not parse is replaced by a built-in one that uses every test and transform,
 * so the records of every input are linked. At most 50 records, so each input stays quick.
 * Build: make fuzz. */
#include "base/buf.h"
#include "base/csv.h"
#include "core/link/link.h"
#include "core/link/names.h"
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RECORDS 50

static const char FALLBACK[] =
	"{\"id\": \"id\", \"columns\": {"
	" \"first\": {\"type\": \"name\"}, \"last\": {\"type\": \"name\"},"
	" \"father\": {\"type\": \"name\", \"unless_same_as\": \"last\"},"
	" \"dob\": {\"type\": \"date\", \"age\": \"age\", \"at\": \"at\", \"placeholders\": [\"01-01\", \"07-01\"]},"
	" \"age\": {\"type\": \"text\"}, \"at\": {\"type\": \"date\"}, \"place\": {\"type\": \"text\"},"
	" \"names\": {\"type\": \"name\", \"words_of\": [\"first\", \"last\", \"father\"]}},"
	"\"comparisons\": ["
	" {\"name\": \"first\", \"column\": \"first\", \"levels\": [{\"test\": \"exact\", \"tf\": 1},"
	"  {\"test\": \"nickname\", \"tf\": 0.5}, {\"test\": \"swapped\", \"with\": \"last\", \"tf\": 1},"
	"  {\"test\": \"swapped\", \"with\": \"last\", \"min\": 0.8}, {\"test\": \"jaro_winkler\", \"min\": 0.9},"
	"  {\"test\": \"skeleton\", \"tf\": 1}, {\"test\": \"phonetic\"}, {\"test\": \"tokens\", \"min\": 0.5},"
	"  {\"test\": \"jaro_winkler\", \"column\": \"last\", \"min\": 0.7}]},"
	" {\"name\": \"last\", \"column\": \"last\", \"levels\": [{\"test\": \"exact\", \"tf\": 1},"
	"  {\"test\": \"swapped\", \"with\": \"first\", \"min\": 0.88, \"weight\": 0},"
	"  {\"test\": \"osa\", \"max\": 2}, {\"test\": \"prefix\", \"max\": 3}]},"
	" {\"name\": \"father\", \"column\": \"father\", \"levels\": [{\"test\": \"exact\"}, {\"test\": \"skeleton\"}]},"
	" {\"name\": \"dob\", \"column\": \"dob\", \"levels\": [{\"test\": \"exact\"}, {\"test\": \"osa\", \"max\": 1},"
	"  {\"test\": \"day_month_swapped\"}, {\"test\": \"days\", \"max\": 62}, {\"test\": \"years\", \"max\": 1},"
	"  {\"test\": \"years\", \"max\": 5}]},"
	" {\"name\": \"place\", \"column\": \"place\", \"levels\": [{\"test\": \"exact\", \"tf\": 1},"
	"  {\"test\": \"prefix\", \"max\": 4}]},"
	" {\"name\": \"names\", \"column\": \"names\", \"levels\": [{\"test\": \"exact\"},"
	"  {\"test\": \"tokens\", \"min\": 0.6}]}],"
	"\"blocking\": [\"first & last\", \"skeleton(names) & year(dob)\", \"nickname(first) & prefix2(place)\","
	" \"first_word(names) & initial(last)\", \"phonetic(first) & dob\", \"place\"],"
	"\"training\": {\"deterministic\": [\"first & last & dob\", \"skeleton(names) & place\"], \"recall\": 0.7,"
	" \"u_pairs\": 1e3, \"em\": [\"dob\", \"first & last\", \"place\"], \"max_iterations\": 20, \"seed\": 3},"
	"\"threshold\": 0.3, \"cluster\": {\"threshold\": 0.6, \"max_size\": 5}}";

/* The text as CSV to its end or first error; a reader that stops advancing is a crash, not a
 * hang (every record takes at least a byte). */
static void read_csv(const char *text, size_t len)
{
	struct csv c;
	size_t records = 0, bytes = 0;
	csv_init(&c, text, len);
	while (csv_next(&c) > 0) {
		if (++records > len + 1 || c.n < 1 || c.n > CSV_MAX_FIELDS)
			abort();
		for (size_t i = 0; i <= c.n; i++) /* and one past the last, which is "" */
			bytes += strlen(csv_field(&c, i));
	}
	if (bytes > len) /* every byte of a field is a byte of the input */
		abort();
	csv_release(&c);
}

/* The text as a nickname table, then its names looked up. */
static void nicknames(const char *text, size_t len)
{
	struct names nm;
	struct buf why = BUF_INIT, latin = BUF_INIT;
	if (names_open(&nm, &why))
		abort();
	if (!names_add_groups(&nm, text, len, &why)) {
		struct csv c;
		csv_init(&c, text, len);
		for (int k = 0; k < 8 && csv_next(&c) > 0; k++) {
			const char *v = csv_field(&c, 0);
			uint32_t g[NAMES_MAX_GROUPS];
			buf_reset(&latin);
			if (!names_latin(&nm, v, strlen(v), &latin))
				names_groups(&nm, latin.p, latin.len, g);
		}
		csv_release(&c);
	}
	names_close(&nm);
	buf_release(&why);
	buf_release(&latin);
}

/* Rows of the CSV as records (field k is column k), linked: two inputs of half the rows each
 * when link is set, else one deduplicated. The last row is then asked as a query. */
static void link_rows(struct lk_spec *sp, const char *rows, size_t len, int link)
{
	struct lk_data d;
	struct buf why = BUF_INIT, report = BUF_INIT;
	struct csv c;
	size_t nrows = 0;
	csv_init(&c, rows, len);
	while (nrows < MAX_RECORDS && csv_next(&c) > 0)
		nrows++;
	csv_release(&c);
	if (sp->max_iter > 20)
		sp->max_iter = 20;
	if (lk_data_init(&d, sp, &why)) {
		buf_release(&why);
		return;
	}
	const char *field[LK_MAX_COLS] = {0};
	char id[24];
	csv_init(&c, rows, len);
	for (size_t i = 0; i < nrows && csv_next(&c) > 0; i++) {
		for (int k = 0; k < sp->ncol; k++)
			field[k] = csv_field(&c, (size_t)k);
		snprintf(id, sizeof id, "%zu", i);
		buf_reset(&why);
		lk_data_add(&d, id, field, link && i >= nrows / 2, &why); /* -1 (not UTF-8) skips the row */
	}
	lk_data_finish(&d, link ? 0 : -1);
	/* Scored even when training fails (a rule with no pairs): the weights are then the prior. */
	lk_train(sp, &d, 1, &report, &why);
	struct lk_result res;
	lk_predict(sp, &d, link, sp->threshold, 1, &res);
	if (res.n) {
		struct lk_part parts[LK_MAX_CMPS];
		lk_explain(sp, &d, res.pair[0].l, res.pair[0].r, parts);
	}
	if (sp->cluster > 0)
		lk_cluster(&res, d.n, link ? d.src : NULL, sp->cluster, (size_t)sp->cluster_max);
	lk_result_free(&res);
	if (nrows) { /* field still holds the last row: csv_next has not been called since */
		long q = lk_data_add_query(&d, "query", field, &why);
		if (q >= 0) {
			lk_query(sp, &d, (size_t)q, sp->threshold, &res);
			lk_result_free(&res);
		}
	}
	csv_release(&c);
	lk_data_free(&d);
	buf_release(&why);
	buf_release(&report);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1); /* the reader needs a NUL after the data, as its callers give it */
	memcpy(text, data, size);
	text[size] = '\0';
	read_csv(text, size);
	const char *nul = memchr(text, '\0', size);
	size_t clen = nul ? (size_t)(nul - text) : size;
	const char *rows = nul ? nul + 1 : text;
	size_t rlen = nul ? size - clen - 1 : size;
	nicknames(rows, rlen);
	struct lk_spec sp;
	struct buf why = BUF_INIT;
	if (lk_spec_parse(&sp, text, clen, &why)) {
		lk_spec_free(&sp);
		buf_reset(&why);
		if (lk_spec_parse(&sp, FALLBACK, sizeof FALLBACK - 1, &why)) {
			fprintf(stderr, "the built-in config: %s\n", why.p);
			abort();
		}
	}
	link_rows(&sp, rows, rlen, size && (data[0] & 1));
	lk_spec_free(&sp);
	buf_release(&why);
	free(text);
	return 0;
}
