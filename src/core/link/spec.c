/* spec: the linkage config, JSON → struct lk_spec (see link.h and docs/linkage.md). */
#include "link.h"
#include "base/alloc.h"
#include "base/json.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const TYPES[] = {[LK_NAME] = "name", [LK_TEXT] = "text", [LK_DATE] = "date"};
static const char *const TESTS[] = {
	[LK_EXACT] = "exact",         [LK_JW] = "jaro_winkler", [LK_OSA] = "osa",
	[LK_SKELETON] = "skeleton",   [LK_PHONETIC] = "phonetic", [LK_NICKNAME] = "nickname",
	[LK_SWAPPED] = "swapped",     [LK_TOKENS] = "tokens",   [LK_DAYS] = "days",
	[LK_DMSWAP] = "day_month_swapped", [LK_YEARS] = "years", [LK_PREFIX] = "prefix",
};
static const char *const XFS[] = {[LK_XF_VALUE] = "", [LK_XF_PHONETIC] = "phonetic", [LK_XF_SKELETON] = "skeleton",
				  [LK_XF_YEAR] = "year", [LK_XF_INITIAL] = "initial", [LK_XF_NICK] = "nickname",
				  [LK_XF_WORD1] = "first_word"};
#define NTESTS (sizeof TESTS / sizeof *TESTS)
#define NXFS (sizeof XFS / sizeof *XFS)

static int lookup(const char *const *table, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(table[i], s))
			return (int)i;
	return -1;
}

static int fail(struct buf *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct buf *why, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(why, fmt, ap);
	va_end(ap);
	return -1;
}

static int only_keys(const json_t *obj, const char *const *allowed, const char *where, struct buf *why)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)obj, key, v) {
		int ok = 0;
		for (const char *const *a = allowed; *a && !ok; a++)
			ok = !strcmp(*a, key);
		if (!ok) {
			buf_addf(why, "%s: unknown member \"%s\"", where, key);
			return -1;
		}
	}
	return 0;
}

int lk_spec_column(const struct lk_spec *sp, const char *name)
{
	for (int i = 0; name && i < sp->ncol; i++)
		if (!strcmp(sp->col[i].name, name))
			return i;
	return -1;
}

static int need_column(const struct lk_spec *sp, const char *name, const char *where, struct buf *why)
{
	int c = lk_spec_column(sp, name);
	if (c < 0)
		buf_addf(why, "%s: \"%s\" is not one of the columns", where, name ? name : "(missing)");
	return c;
}

static int parse_words_of(struct lk_spec *sp, int i, const json_t *list, struct buf *why)
{
	struct lk_column *col = &sp->col[i];
	size_t k;
	json_t *v;
	if (!list)
		return 0;
	if (col->type != LK_NAME || !json_is_array(list) || json_array_size(list) < 2 || json_array_size(list) > LK_MAX_PARTS)
		return fail(why, "columns.%s: words_of lists 2 to 4 name columns", col->name);
	json_array_foreach(list, k, v) {
		int c = need_column(sp, json_string_value(v), col->name, why);
		if (c < 0)
			return -1;
		if (sp->col[c].type != LK_NAME || sp->col[c].nfrom || c == i)
			return fail(why, "columns.%s: words_of lists columns of names that are read", col->name);
		col->from[col->nfrom++] = c;
	}
	return 0;
}

static int parse_columns(struct lk_spec *sp, const json_t *cols, struct buf *why)
{
	static const char *const keys[] = {"type", "age", "at", "placeholders", "words_of", "unless_same_as", NULL};
	const char *name;
	json_t *c;
	if (!json_is_object(cols) || !json_object_size(cols))
		return fail(why, "columns: an object naming at least one column");
	json_object_foreach((json_t *)cols, name, c) {
		if (sp->ncol == LK_MAX_COLS)
			return fail(why, "columns: at most 32");
		if (!strcmp(name, sp->id))
			return fail(why, "columns: the id column \"%s\" is a label, never compared", name);
		struct lk_column *col = &sp->col[sp->ncol++];
		col->name = xstrdup(name);
		col->age = col->at = col->unless = -1;
		if (!json_is_object(c) || only_keys(c, keys, name, why))
			return why->len ? -1 : fail(why, "columns.%s: an object such as {\"type\": \"name\"}", name);
		int t = lookup(TYPES, 3, json_get_str(c, "type"));
		if (t < 0)
			return fail(why, "columns.%s: type is name, text or date", name);
		col->type = (enum lk_type)t;
		json_t *ph = json_object_get(c, "placeholders");
		size_t i;
		json_t *p;
		json_array_foreach(ph, i, p) {
			const char *s = json_string_value(p);
			if (!s || strlen(s) != 5 || s[2] != '-' || col->nplaceholder == 4)
				return fail(why, "columns.%s: placeholders are at most four \"MM-DD\"", name);
			memcpy(col->placeholder[col->nplaceholder++], s, 6);
		}
	}
	/* A second pass: age, at and words_of may name columns declared later. */
	for (int i = 0; i < sp->ncol; i++) {
		const json_t *cj = json_object_get(cols, sp->col[i].name);
		if (parse_words_of(sp, i, json_object_get(cj, "words_of"), why))
			return -1;
		const char *same = json_get_str(cj, "unless_same_as");
		if (same && ((sp->col[i].unless = need_column(sp, same, sp->col[i].name, why)) < 0 ||
			     sp->col[sp->col[i].unless].nfrom || sp->col[i].nfrom || sp->col[i].unless == i))
			return why->len ? -1 : fail(why, "columns.%s: unless_same_as names another column that is read", sp->col[i].name);
		const char *age = json_get_str(cj, "age"), *at = json_get_str(cj, "at");
		if (!age && !at)
			continue;
		if (sp->col[i].type != LK_DATE || !age || !at)
			return fail(why, "columns.%s: age and at go together, on a date column", sp->col[i].name);
		if ((sp->col[i].age = need_column(sp, age, sp->col[i].name, why)) < 0 ||
		    (sp->col[i].at = need_column(sp, at, sp->col[i].name, why)) < 0)
			return -1;
	}
	return 0;
}

/* Which column types a test applies to: names' keys need names, calendar tests need dates. */
static int test_fits(enum lk_test t, enum lk_type type)
{
	switch (t) {
	case LK_SKELETON: case LK_PHONETIC: case LK_NICKNAME: case LK_TOKENS:
		return type == LK_NAME;
	case LK_DAYS: case LK_DMSWAP: case LK_YEARS:
		return type == LK_DATE;
	default:
		return 1;
	}
}

static void default_label(struct lk_level *l, const struct lk_spec *sp)
{
	switch (l->test) {
	case LK_JW: case LK_TOKENS:
		snprintf(l->label, sizeof l->label, "%s >= %.2f", TESTS[l->test], l->min);
		break;
	case LK_PREFIX:
		snprintf(l->label, sizeof l->label, "first %d characters", l->max);
		break;
	case LK_OSA: case LK_DAYS: case LK_YEARS:
		snprintf(l->label, sizeof l->label, "%s <= %d", TESTS[l->test], l->max);
		break;
	case LK_SWAPPED:
		snprintf(l->label, sizeof l->label, "swapped with %s", sp->col[l->with].name);
		break;
	default:
		snprintf(l->label, sizeof l->label, "%s", TESTS[l->test]);
	}
}

static int parse_level(struct lk_spec *sp, struct lk_cmp *cmp, struct lk_level *l, const json_t *j, struct buf *why)
{
	static const char *const keys[] = {"test", "column", "with", "min", "max", "tf", "label", "weight", NULL};
	if (!json_is_object(j) || only_keys(j, keys, cmp->name, why))
		return why->len ? -1 : fail(why, "comparison %s: a level is an object such as {\"test\": \"exact\"}", cmp->name);
	int t = lookup(TESTS, NTESTS, json_get_str(j, "test"));
	if (t < 0)
		return fail(why, "comparison %s: test is exact, jaro_winkler, osa, skeleton, phonetic, nickname, swapped, "
				 "tokens, days, day_month_swapped, years or prefix", cmp->name);
	l->test = (enum lk_test)t;
	const char *col = json_get_str(j, "column");
	l->col = col ? need_column(sp, col, cmp->name, why) : cmp->col;
	if (l->col < 0)
		return -1;
	if (!test_fits(l->test, sp->col[l->col].type))
		return fail(why, "comparison %s: this test does not fit the column's type", cmp->name);
	json_t *min = json_object_get(j, "min"), *max = json_object_get(j, "max"), *tf = json_object_get(j, "tf");
	l->min = min ? json_number_value(min) : 1.0;
	json_int_t mx = json_integer_value(max); /* 0 when absent; out of range: refused below, not truncated */
	l->max = mx >= 0 && mx <= 100000 ? (int)mx : -1;
	if ((l->test == LK_JW || l->test == LK_TOKENS) && (!json_is_number(min) || l->min <= 0 || l->min > 1))
		return fail(why, "comparison %s: jaro_winkler and tokens need a min between 0 and 1", cmp->name);
	if ((l->test == LK_OSA || l->test == LK_DAYS || l->test == LK_YEARS || l->test == LK_PREFIX) &&
	    (!json_is_integer(max) || l->max < (l->test == LK_PREFIX) || l->max > 100000))
		return fail(why, "comparison %s: osa, days, years and prefix need a whole max", cmp->name);
	if (l->test == LK_SWAPPED) {
		if ((l->with = need_column(sp, json_get_str(j, "with"), cmp->name, why)) < 0)
			return -1;
		if (min && (!json_is_number(min) || l->min <= 0 || l->min > 1))
			return fail(why, "comparison %s: a swapped level's min is between 0 and 1", cmp->name);
	}
	if (tf) {
		l->tf = json_number_value(tf);
		if (!json_is_number(tf) || l->tf < 0 || l->tf > 1)
			return fail(why, "comparison %s: tf is a weight between 0 and 1", cmp->name);
		if (l->test == LK_EXACT && cmp->tf_ref < 0 && l->col == cmp->col)
			cmp->tf_ref = (int)(l - cmp->lev);
		else if (cmp->tf_ref < 0)
			return fail(why, "comparison %s: a tf level needs an exact tf level on the column before it", cmp->name);
		sp->col[l->col].tf = 1;
	}
	json_t *w = json_object_get(j, "weight");
	if (w) {
		l->fixed = 1;
		l->fixed_w = json_number_value(w);
		if (!json_is_number(w) || fabs(l->fixed_w) > 50 || l->tf > 0)
			return fail(why, "comparison %s: a given weight is a number of bits, without tf", cmp->name);
	}
	sp->nicknames |= l->test == LK_NICKNAME;
	const char *label = json_get_str(j, "label");
	if (label)
		snprintf(l->label, sizeof l->label, "%s", label);
	else
		default_label(l, sp);
	return 0;
}

static int parse_comparisons(struct lk_spec *sp, const json_t *list, struct buf *why)
{
	static const char *const keys[] = {"name", "column", "levels", NULL};
	size_t i, k;
	json_t *c, *lv;
	if (!json_is_array(list) || !json_array_size(list) || json_array_size(list) > LK_MAX_CMPS)
		return fail(why, "comparisons: a list of 1 to 15");
	json_array_foreach(list, i, c) {
		struct lk_cmp *cmp = &sp->cmp[sp->ncmp++];
		const char *name = json_get_str(c, "name"), *col = json_get_str(c, "column");
		snprintf(cmp->name, sizeof cmp->name, "%s", name ? name : col ? col : "?");
		cmp->tf_ref = -1;
		if (!json_is_object(c) || only_keys(c, keys, cmp->name, why))
			return why->len ? -1 : fail(why, "comparisons: each an object with a column and levels");
		if ((cmp->col = need_column(sp, col, cmp->name, why)) < 0)
			return -1;
		json_t *levels = json_object_get(c, "levels");
		if (!json_is_array(levels) || !json_array_size(levels) || json_array_size(levels) > LK_MAX_LEVELS)
			return fail(why, "comparison %s: levels is a list of 1 to 12", cmp->name);
		json_array_foreach(levels, k, lv) {
			if (parse_level(sp, cmp, &cmp->lev[cmp->nlev++], lv, why))
				return -1;
		}
		snprintf(cmp->lev[cmp->nlev].label, sizeof cmp->lev[0].label, "else");
	}
	return 0;
}

/* A rule is text: keys joined by '&', each a column or transform(column), e.g.
 * "phonetic(first_name) & year(dob)". */
static int parse_rule(struct lk_spec *sp, const char *text, struct lk_rule *r, struct buf *why)
{
	if (!text || strlen(text) >= sizeof r->text)
		return fail(why, "rules: each is text such as \"surname & year(dob)\"");
	snprintf(r->text, sizeof r->text, "%s", text);
	char tmp[sizeof r->text], *save = NULL;
	snprintf(tmp, sizeof tmp, "%s", text);
	for (char *tok = strtok_r(tmp, "&", &save); tok; tok = strtok_r(NULL, "&", &save)) {
		while (*tok == ' ')
			tok++;
		char *end = tok + strlen(tok);
		while (end > tok && end[-1] == ' ')
			*--end = '\0';
		if (r->n == LK_MAX_PARTS)
			return fail(why, "rule %s: at most four keys", text);
		char *open = strchr(tok, '('), *col = tok;
		int xf = LK_XF_VALUE;
		if (open) {
			if (end[-1] != ')')
				return fail(why, "rule %s: a transform is written name(column)", text);
			end[-1] = '\0';
			*open = '\0';
			col = open + 1;
			char *digits = NULL;
			long len = 0;
			if (!strncmp(tok, "prefix", 6) && (len = strtol(tok + 6, &digits, 10)) > 0 && len < 64 && !*digits)
				xf = LK_XF_PREFIX;
			else if ((xf = lookup(XFS, NXFS, tok)) <= 0)
				return fail(why, "rule %s: transforms are phonetic, skeleton, nickname, first_word, year, initial "
						 "and prefixN (the first N characters)", text);
			r->part[r->n].len = (int)len;
		}
		int c = lk_spec_column(sp, col);
		if (c < 0)
			return fail(why, "rule %s: names a column that is not declared", text);
		if ((xf == LK_XF_YEAR && sp->col[c].type != LK_DATE) ||
		    ((xf == LK_XF_PHONETIC || xf == LK_XF_SKELETON || xf == LK_XF_NICK || xf == LK_XF_WORD1) &&
		     sp->col[c].type != LK_NAME))
			return fail(why, "rule %s: the transform does not fit the column's type", text);
		sp->nicknames |= xf == LK_XF_NICK;
		r->part[r->n].col = c;
		r->part[r->n++].xf = (enum lk_xf)xf;
	}
	return r->n ? 0 : fail(why, "rule %s: no keys", text);
}

static int parse_rules(struct lk_spec *sp, const json_t *list, struct lk_rule *out, int *n, const char *what,
		       struct buf *why)
{
	size_t i;
	json_t *r;
	if (!json_is_array(list) || !json_array_size(list) || json_array_size(list) > LK_MAX_RULES) {
		buf_addf(why, "%s: a list of 1 to 24 rules", what);
		return -1;
	}
	json_array_foreach(list, i, r) {
		if (parse_rule(sp, json_string_value(r), &out[(*n)++], why))
			return -1;
	}
	return 0;
}

static double num(const json_t *obj, const char *key, double dflt)
{
	json_t *v = json_object_get(obj, key);
	return json_is_number(v) ? json_number_value(v) : v ? NAN : dflt;
}

static int parse_training(struct lk_spec *sp, const json_t *t, struct buf *why)
{
	static const char *const keys[] = {"deterministic", "recall", "u_pairs", "em", "max_iterations", "convergence",
					   "seed", NULL};
	if (!json_is_object(t) || only_keys(t, keys, "training", why))
		return why->len ? -1 : fail(why, "training: an object with deterministic and em rules");
	if (parse_rules(sp, json_object_get(t, "deterministic"), sp->det, &sp->ndet, "training.deterministic", why) ||
	    parse_rules(sp, json_object_get(t, "em"), sp->em, &sp->nem, "training.em", why))
		return -1;
	sp->recall = num(t, "recall", 0.8);
	sp->u_pairs = num(t, "u_pairs", 1e7);
	double iter = num(t, "max_iterations", 25), seed = num(t, "seed", 1);
	sp->converge = num(t, "convergence", 1e-4);
	if (!(sp->recall > 0 && sp->recall <= 1) || !(sp->u_pairs >= 1e3 && sp->u_pairs <= 1e10) ||
	    !(iter >= 1 && iter <= 1000) || !(sp->converge > 0 && sp->converge < 1))
		return fail(why, "training: recall in (0, 1], u_pairs 1e3 to 1e10, max_iterations 1 to 1000, "
				 "convergence in (0, 1)");
	if (!(seed >= 0 && seed < 0x1p64)) /* converted only when in range: anything else is undefined */
		return fail(why, "training: seed is a whole number from 0");
	sp->max_iter = (int)iter;
	sp->seed = (uint64_t)seed;
	return 0;
}

/* "cluster": {"threshold": 0.95, "max_size": 1000}: links at or above the threshold join
 * records into groups, and pairs inside a group are reported as linked (cluster.c). */
static int parse_cluster(struct lk_spec *sp, const json_t *c, struct buf *why)
{
	static const char *const keys[] = {"threshold", "max_size", NULL};
	if (!c)
		return 0;
	if (!json_is_object(c) || only_keys(c, keys, "cluster", why))
		return why->len ? -1 : fail(why, "cluster: an object with a threshold");
	sp->cluster = num(c, "threshold", NAN);
	double max = num(c, "max_size", 1000);
	if (!(sp->cluster >= sp->threshold && sp->cluster < 1) || !(max >= 2 && max <= 1e6))
		return fail(why, "cluster: a threshold from the pairs' threshold to 1, and max_size 2 to 1000000");
	sp->cluster_max = (int)max;
	return 0;
}

int lk_spec_parse(struct lk_spec *sp, const char *text, size_t len, struct buf *why)
{
	static const char *const keys[] = {"id", "columns", "comparisons", "blocking", "training", "threshold",
					   "cluster", "description", NULL};
	memset(sp, 0, sizeof *sp);
	json_error_t je;
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	int rc = -1;
	if (!j) {
		buf_addf(why, "not JSON (line %d: %s)", je.line, je.text);
		return -1;
	}
	const char *id = json_get_str(j, "id");
	if (!json_is_object(j) || only_keys(j, keys, "config", why)) {
		if (!why->len)
			buf_adds(why, "the config is an object");
	} else if (!id) {
		buf_adds(why, "id: the name of the id column");
	} else {
		sp->id = xstrdup(id);
		json_t *thr = json_object_get(j, "threshold");
		sp->threshold = json_number_value(thr);
		if (!parse_columns(sp, json_object_get(j, "columns"), why) &&
		    !parse_comparisons(sp, json_object_get(j, "comparisons"), why) &&
		    !parse_rules(sp, json_object_get(j, "blocking"), sp->block, &sp->nblock, "blocking", why) &&
		    !parse_training(sp, json_object_get(j, "training"), why)) {
			if (!json_is_number(thr) || sp->threshold <= 0 || sp->threshold >= 1)
				buf_adds(why, "threshold: a probability between 0 and 1");
			else if (parse_cluster(sp, json_object_get(j, "cluster"), why) == 0)
				rc = 0;
		}
	}
	json_decref(j);
	return rc;
}

void lk_spec_free(struct lk_spec *sp)
{
	free(sp->id);
	for (int i = 0; i < sp->ncol; i++)
		free(sp->col[i].name);
	memset(sp, 0, sizeof *sp);
}

/* Parameters trained before (haven link --model): each comparison and level found by name and
 * label, so a config changed since cannot silently take another level's weight. */
int lk_model_load(struct lk_spec *sp, const char *text, size_t len, size_t records, struct buf *why)
{
	json_error_t je;
	json_t *j = json_loadb(text, len, 0, &je), *cmps = json_object_get(j, "comparisons");
	int rc = -1;
	if (!json_is_number(json_object_get(j, "lambda")) || json_array_size(cmps) != (size_t)sp->ncmp) {
		buf_adds(why, "the model does not fit the config: retrain it");
		goto out;
	}
	sp->lambda = json_number_value(json_object_get(j, "lambda"));
	for (int c = 0; c < sp->ncmp; c++) {
		struct lk_cmp *cmp = &sp->cmp[c];
		const json_t *mc = json_array_get(cmps, (size_t)c), *levels = json_object_get(mc, "levels");
		const char *name = json_get_str(mc, "name");
		if (!name || strcmp(name, cmp->name) || json_array_size(levels) != (size_t)cmp->nlev + 1) {
			buf_addf(why, "the model's comparison %d is not \"%s\": retrain it", c + 1, cmp->name);
			goto out;
		}
		for (int k = 0; k <= cmp->nlev; k++) {
			struct lk_level *l = &cmp->lev[k];
			const json_t *ml = json_array_get(levels, (size_t)k);
			const char *label = json_get_str(ml, "label");
			if (!label || strcmp(label, l->label)) {
				buf_addf(why, "the model's level \"%s\" of %s does not fit the config: retrain it", label ? label : "?",
					 cmp->name);
				goto out;
			}
			l->m = json_number_value(json_object_get(ml, "m"));
			l->u = json_number_value(json_object_get(ml, "u"));
			l->w = json_number_value(json_object_get(ml, "weight"));
			l->log_uref = json_number_value(json_object_get(ml, "log2_u_ref"));
		}
	}
	/* A person has about as many duplicates in a small register as in a large one, so the
	 * chance that two records match scales as one over the number of records. */
	double trained_on = json_number_value(json_object_get(j, "records"));
	if (trained_on > 0 && records > 0)
		sp->lambda = fmin(0.5, sp->lambda * trained_on / (double)records);
	rc = sp->lambda > 0 && sp->lambda < 1 ? 0 : (buf_adds(why, "the model's lambda is not a probability"), -1);
out:
	json_decref(j);
	return rc;
}
