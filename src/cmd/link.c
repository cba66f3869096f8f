/* link: record linkage of CSV files from the command line (docs/linkage.md). Deduplicates one
 * file, or links a second to the first; trains the model on the data, prints what it learnt,
 * and writes the pairs at or above the threshold. The id column is carried, never compared;
 * any column the config does not name (a ground-truth column, say) is never read. */
#include "cmd.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/csv.h"
#include "core/link/link.h"
#include <jansson.h>
#include <math.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char link_usage[] =
	"usage: haven link --input A.csv [--with B.csv] --config CONFIG.json --out PAIRS.csv\n"
	"                  [--threshold P] [--threads N] [--no-cluster]\n"
	"                  [--prepared FILE] [--model FILE] [--latency]\n"
	"  Deduplicates A.csv, or links B.csv to A.csv, with the Fellegi-Sunter model the config\n"
	"  describes. m, u and the prior are trained on the data without labels and printed on\n"
	"  stderr with counts and timings. Writes id_l,id_r,match_probability,match_weight for every\n"
	"  pair at or above the threshold (the config's, or P). When the config clusters, pairs\n"
	"  joined through a chain of strong links are written too, unless --no-cluster is given.\n"
	"  Files are RFC 4180 CSV in UTF-8. For benchmarks and other engines: --prepared writes the\n"
	"  records as reduced for comparison, with their blocking keys; --model writes the trained\n"
	"  weights as JSON; --latency times each record of B.csv matched alone against A.csv.\n";

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int slurp(const char *path, struct buf *out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return cmd_fail("%s: %s", path, strerror(errno));
	char chunk[1 << 16];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(out, chunk, n);
	int bad = ferror(f);
	fclose(f);
	return bad ? cmd_fail("%s: read error", path) : 0;
}

static void trim_name(char *s)
{
	size_t n = strlen(s), i = 0;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	memmove(s, s + i, n - i + 1);
}

/* Reads one CSV file into d: the header names the columns; the spec's columns and the id are
 * found by name (surrounding spaces ignored, as in the FEBRL files). */
static int load(struct lk_data *d, const struct lk_spec *sp, const char *path, int src)
{
	struct buf text = BUF_INIT, why = BUF_INIT;
	if (slurp(path, &text))
		return -1;
	struct csv c;
	csv_init(&c, text.p, text.len);
	int rc = -1, r = csv_next(&c), map[LK_MAX_COLS], idcol = -1;
	if (r <= 0) {
		cmd_fail("%s: %s", path, r < 0 ? "the header is not valid CSV" : "empty file");
		goto out;
	}
	for (int k = 0; k < sp->ncol; k++)
		map[k] = -1;
	for (size_t f = 0; f < c.n; f++) {
		char *name = c.text.p + c.off[f];
		trim_name(name);
		int k = lk_spec_column(sp, name);
		if (k >= 0)
			map[k] = (int)f;
		if (!strcmp(name, sp->id))
			idcol = (int)f;
	}
	if (idcol < 0) {
		cmd_fail("%s: no id column \"%s\"", path, sp->id);
		goto out;
	}
	for (int k = 0; k < sp->ncol; k++)
		if (map[k] < 0 && !sp->col[k].nfrom) {
			cmd_fail("%s: no column \"%s\"", path, sp->col[k].name);
			goto out;
		}
	const char *field[LK_MAX_COLS];
	while ((r = csv_next(&c)) > 0) {
		if (c.n == 1 && !csv_field(&c, 0)[0])
			continue; /* a blank line */
		for (int k = 0; k < sp->ncol; k++)
			field[k] = map[k] < 0 ? NULL : csv_field(&c, (size_t)map[k]);
		if (lk_data_add(d, csv_field(&c, (size_t)idcol), field, src, &why) < 0) {
			cmd_fail("%s, line %zu: %s", path, c.line, why.p);
			goto out;
		}
	}
	if (r < 0)
		cmd_fail("%s, line %zu: not valid CSV (an unclosed quote, or text after a closing quote)", path, c.line);
	else
		rc = 0;
out:
	csv_release(&c);
	buf_release(&text);
	buf_release(&why);
	return rc;
}

static void put_field(FILE *f, const char *s)
{
	if (!s[strcspn(s, ",\"\r\n")]) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static int write_pairs(const char *path, const struct lk_data *d, const struct lk_result *res)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return cmd_fail("%s: %s", path, strerror(errno));
	fputs("id_l,id_r,match_probability,match_weight\n", f);
	for (size_t i = 0; i < res->n; i++) {
		const struct lk_pair *p = &res->pair[i];
		put_field(f, lk_id(d, p->l));
		fputc(',', f);
		put_field(f, lk_id(d, p->r));
		fprintf(f, ",%.6f,%.4f\n", p->p, p->w);
	}
	int bad = ferror(f);
	bad |= fclose(f) != 0;
	return bad ? cmd_fail("%s: write error", path) : 0;
}

/* The records as the engine compares them: per column the reduced value (a date as YYYY-MM-DD,
 * or YYYY when only the year is known), and for names the skeleton and phonetic keys, for dates
 * the year, the day number and whether the year was worked out from an age; then each blocking
 * rule's key (empty when the record has none). Columns: id, then <column>[__key], block_<k>. */
static int write_prepared(const char *path, const struct lk_spec *sp, const struct lk_data *d)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return cmd_fail("%s: %s", path, strerror(errno));
	fputs("id", f);
	for (int c = 0; c < sp->ncol; c++) {
		fprintf(f, ",%s", sp->col[c].name);
		if (sp->col[c].type == LK_NAME)
			fprintf(f, ",%s__skeleton,%s__phonetic", sp->col[c].name, sp->col[c].name);
		if (sp->col[c].type == LK_DATE)
			fprintf(f, ",%s__year,%s__days,%s__estimated", sp->col[c].name, sp->col[c].name, sp->col[c].name);
	}
	for (int r = 0; r < sp->nblock; r++)
		fprintf(f, ",block_%d", r + 1);
	fputc('\n', f);
	for (size_t i = 0; i < d->n; i++) {
		put_field(f, lk_id(d, i));
		for (int c = 0; c < sp->ncol; c++) {
			uint32_t v = LK_V(d, i, c);
			const struct lk_value *x = &d->val[v];
			const char *s = v ? intern_str(&d->vals, v) : "";
			fputc(',', f);
			if (sp->col[c].type == LK_DATE) {
				if (x->prec == 2)
					fprintf(f, "%04d-%02d-%02d,%d,%d,%d", x->year, x->month, x->day, x->year, x->days, x->estimated);
				else if (x->prec == 1)
					fprintf(f, "%04d,%d,,%d", x->year, x->year, x->estimated);
				else
					fputs(",,,", f);
				continue;
			}
			put_field(f, s);
			if (sp->col[c].type == LK_NAME)
				fprintf(f, ",%s,%s", x->skel ? intern_str(&d->keys, x->skel) : "",
					x->phon ? intern_str(&d->keys, x->phon) : "");
		}
		for (int r = 0; r < sp->nblock; r++) {
			uint64_t k = d->key[i * (size_t)sp->nblock + (size_t)r];
			if (k)
				fprintf(f, ",%llu", (unsigned long long)k);
			else
				fputc(',', f);
		}
		fputc('\n', f);
	}
	int bad = ferror(f);
	bad |= fclose(f) != 0;
	return bad ? cmd_fail("%s: write error", path) : 0;
}

static int write_model(const char *path, const struct lk_spec *sp, size_t records)
{
	json_t *cmps = json_array();
	for (int c = 0; c < sp->ncmp; c++) {
		const struct lk_cmp *cmp = &sp->cmp[c];
		json_t *levels = json_array();
		for (int k = 0; k <= cmp->nlev; k++) {
			const struct lk_level *l = &cmp->lev[k];
			json_array_append_new(levels, json_pack("{s:s, s:f, s:f, s:f, s:f, s:f}", "label", l->label, "m", l->m,
								"u", l->u, "weight", l->w, "tf", l->tf, "log2_u_ref", l->log_uref));
		}
		json_array_append_new(cmps, json_pack("{s:s, s:s, s:o}", "name", cmp->name, "column",
						      sp->col[cmp->col].name, "levels", levels));
	}
	json_t *model = json_pack("{s:f, s:f, s:I, s:f, s:o}", "lambda", sp->lambda, "prior_weight",
				  log2(sp->lambda / (1 - sp->lambda)), "records", (json_int_t)records, "tf_prior",
				  lk_tf_prior(records), "comparisons", cmps);
	int rc = json_dump_file(model, path, JSON_INDENT(1)) ? cmd_fail("%s: cannot write", path) : 0;
	json_decref(model);
	return rc;
}

struct link_opts {
	const char *in, *with, *out, *prepared, *model;
	double threshold;
	int threads, cluster, latency;
};

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return a < b ? -1 : a > b;
}

/* One new record against everything indexed, as a registration's duplicate check does it. */
static void time_queries(const struct lk_spec *sp, const struct lk_data *d, double threshold)
{
	size_t n = d->n - d->nindexed, k = 0;
	double *ms = xcalloc(n ? n : 1, sizeof *ms);
	uint64_t candidates = 0;
	for (size_t q = d->nindexed; q < d->n; q++) {
		struct lk_result r;
		double t = now();
		lk_query(sp, d, q, threshold, &r);
		ms[k++] = (now() - t) * 1e3;
		candidates += r.candidates;
		lk_result_free(&r);
	}
	qsort(ms, k, sizeof *ms, cmp_double);
	if (k)
		fprintf(stderr, "one record against %zu: %zu queries, %.1f candidates each, p50 %.3f ms, p99 %.3f ms, max %.3f ms\n",
			d->nindexed, k, (double)candidates / (double)k, ms[k / 2], ms[k * 99 / 100], ms[k - 1]);
	free(ms);
}

static int run(struct lk_spec *sp, const struct link_opts *o)
{
	const char *in = o->in, *with = o->with, *out = o->out;
	double threshold = o->threshold;
	int threads = o->threads;
	struct lk_data d;
	struct buf why = BUF_INIT, report = BUF_INIT;
	double t0 = now(), t1, t2, t3;
	int rc = 1;
	if (lk_data_init(&d, sp, &why)) {
		rc = cmd_fail("%s", why.p);
		goto done;
	}
	if (load(&d, sp, in, 0) || (with && load(&d, sp, with, 1)))
		goto done;
	lk_data_finish(&d, with ? 0 : -1);
	t1 = now();
	fprintf(stderr, "read %zu records (%zu to index), %u distinct values, in %.2f s\n", d.n, d.nindexed, d.vals.n,
		t1 - t0);
	if (lk_train(sp, &d, threads, &report, &why)) {
		rc = cmd_fail("%s", why.p);
		goto done;
	}
	lk_data_shrink_tf(&d, sp);
	fprintf(stderr, "%strained in %.2f s\n", report.p, now() - t1);
	if ((o->prepared && write_prepared(o->prepared, sp, &d)) || (o->model && write_model(o->model, sp, d.n)))
		goto done;
	if (o->latency && with)
		time_queries(sp, &d, threshold);
	t2 = now();
	struct lk_result res;
	lk_predict(sp, &d, with != NULL, threshold, threads, &res);
	size_t scored = res.n;
	if (o->cluster && sp->cluster > 0)
		lk_cluster(&res, d.n, with ? d.src : NULL, sp->cluster, (size_t)sp->cluster_max);
	t3 = now();
	fprintf(stderr, "blocking: %llu candidate pairs scored in %.2f s on %d threads (%.2f M pairs/s)\n",
		(unsigned long long)res.candidates, t3 - t2, threads, (double)res.candidates / (t3 - t2) / 1e6);
	for (int r = 0; r < sp->nblock; r++)
		fprintf(stderr, "  %-48s %12llu\n", sp->block[r].text, (unsigned long long)res.by_rule[r]);
	fprintf(stderr, "%zu pairs at or above %.4g", scored, threshold);
	if (res.n > scored)
		fprintf(stderr, ", and %zu more joined through chains of links at or above %.4g", res.n - scored, sp->cluster);
	fputc('\n', stderr);
	rc = write_pairs(out, &d, &res);
	lk_result_free(&res);
	fprintf(stderr, "total %.2f s\n", now() - t0);
done:
	lk_data_free(&d);
	buf_release(&why);
	buf_release(&report);
	return rc;
}

int cmd_link(int argc, char **argv)
{
	struct opts o = {argc, argv, link_usage};
	static const char *const values[] = {"--input", "--with", "--config", "--out", "--threshold", "--threads",
					     "--prepared", "--model", NULL};
	static const char *const flags[] = {"--help", "-h", "--no-cluster", "--latency", NULL};
	if (!opt_help(&o))
		return 0;
	if (opt_check(&o, values, flags))
		return 2;
	const char *in = opt_str(&o, "--input", NULL), *with = opt_str(&o, "--with", NULL),
		   *conf = opt_str(&o, "--config", NULL), *out = opt_str(&o, "--out", NULL),
		   *thr = opt_str(&o, "--threshold", NULL), *thn = opt_str(&o, "--threads", NULL);
	if (!in || !conf || !out)
		return cmd_usage(&o, "give --input, --config and --out");
	char *end = NULL;
	double threshold = thr ? strtod(thr, &end) : 0;
	if (thr && (*end || !(threshold >= 0 && threshold <= 1)))
		return cmd_usage(&o, "--threshold is a probability from 0 to 1");
	long threads = thn ? strtol(thn, &end, 10) : sysconf(_SC_NPROCESSORS_ONLN);
	if (thn && (*end || threads < 1 || threads > 64))
		return cmd_usage(&o, "--threads is 1 to 64");
	struct buf text = BUF_INIT, why = BUF_INIT;
	struct lk_spec sp;
	memset(&sp, 0, sizeof sp);
	int rc = slurp(conf, &text);
	if (!rc && lk_spec_parse(&sp, text.p, text.len, &why))
		rc = cmd_fail("%s: %s", conf, why.p);
	else if (!rc)
		rc = run(&sp, &(struct link_opts){in, with, out, opt_str(&o, "--prepared", NULL), opt_str(&o, "--model", NULL),
						   thr ? threshold : sp.threshold, (int)threads, !opt_flag(&o, "--no-cluster"),
						   opt_flag(&o, "--latency")});
	lk_spec_free(&sp);
	buf_release(&text);
	buf_release(&why);
	return rc;
}
