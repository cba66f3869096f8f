/* link: probabilistic record linkage, Fellegi–Sunter as Splink does it (docs/linkage.md).
 *
 * A spec (parsed from a JSON config) names the columns and what they hold, the comparisons (an
 * ordered list of levels per comparison, the first that holds wins), the blocking rules that
 * choose candidate pairs, the rules and settings for training, and the threshold. The data are
 * the records, each value reduced once (names transliterated, dates parsed) and interned. m, u
 * and λ are never configured: lk_train estimates them from the data, without labels, and
 * writes what it found. Scoring a pair gives a match weight and probability, and each
 * comparison's part of the weight, so a person can see why two records were paired.
 *
 * Pure computation: no files, no store. One struct lk_data is built by one thread; after
 * lk_data_finish it is read-only and lk_predict may share it among threads. */
#ifndef HV_LINK_H
#define HV_LINK_H
#include "base/buf.h"
#include "intern.h"
#include "names.h"
#include <stddef.h>
#include <stdint.h>

#define LK_MAX_COLS 32
#define LK_MAX_CMPS 15   /* a comparison vector packs into 64 bits, four bits each */
#define LK_MAX_LEVELS 12
#define LK_MAX_PARTS 4
#define LK_MAX_RULES 24

enum lk_type { LK_NAME, LK_TEXT, LK_DATE };
enum lk_test { LK_EXACT, LK_JW, LK_OSA, LK_SKELETON, LK_PHONETIC, LK_NICKNAME, LK_SWAPPED, LK_TOKENS,
	       LK_DAYS, LK_DMSWAP, LK_YEARS, LK_PREFIX };
enum lk_xf { LK_XF_VALUE, LK_XF_PHONETIC, LK_XF_SKELETON, LK_XF_YEAR, LK_XF_INITIAL, LK_XF_NICK, LK_XF_WORD1, LK_XF_PREFIX };

struct lk_column {
	char *name;
	enum lk_type type;
	int age, at;             /* a date column: when empty, estimated from these columns (or -1) */
	char placeholder[4][6];  /* a date column: "MM-DD"s that mean only the year is known */
	int nplaceholder;
	int tf;                  /* a level adjusts for this column's term frequencies */
	int from[LK_MAX_PARTS];  /* a name column made of the words of these columns, in a fixed order */
	int nfrom;               /* (so "Hassan Mohammed" and "Mohammed Hassan" are one value); 0 = read */
	int unless;              /* empty when it holds what this column does (a father's name that is */
};                               /* the child's surname, as in patronymic naming, says nothing more), or -1 */

struct lk_level {
	enum lk_test test;
	int col, with;           /* with: the other column of a swapped-columns level */
	double min;              /* jw and tokens: the least similarity */
	int max;                 /* osa, days and years: the largest difference; prefix: its length */
	double tf;               /* weight of the term-frequency adjustment, 0 = none */
	int fixed;               /* the weight is given (fixed_w), not trained: e.g. 0 for evidence */
	double fixed_w;          /* another comparison already counts */
	char label[64];
	double m, u, w;          /* trained; w = log2(m / u) */
	double log_uref;         /* trained: log2 of the u a term-frequency adjustment is against */
};

struct lk_cmp {
	char name[48];
	int col;
	int nlev;                /* levels, strongest first; the else level is implicit, last */
	struct lk_level lev[LK_MAX_LEVELS + 1];
	int tf_ref;              /* the exact level whose u a term-frequency adjustment uses, or -1 */
};

struct lk_rule {
	int n;
	struct { int col; enum lk_xf xf; int len; } part[LK_MAX_PARTS]; /* len: of a prefix */
	char text[160];
};

struct lk_spec {
	char *id;                /* the id column: an opaque label, never compared */
	struct lk_column col[LK_MAX_COLS];
	int ncol;
	struct lk_cmp cmp[LK_MAX_CMPS];
	int ncmp;
	struct lk_rule block[LK_MAX_RULES], det[LK_MAX_RULES], em[LK_MAX_RULES];
	int nblock, ndet, nem;
	double recall;           /* the assumed recall of the deterministic rules, for λ */
	double u_pairs;          /* random pairs for u */
	int max_iter;
	double converge;
	uint64_t seed;
	double threshold;        /* the operating point: pairs at or above this probability */
	double cluster;          /* when set, pairs joined by a chain of links at or above it too */
	int cluster_max;         /* the most records one chain may join */
	double lambda;           /* trained: the probability that two random records match */
	int nicknames;           /* a level uses the nickname table */
};

/* Parses a config; 0, or -1 with the reason in why. lk_spec_free releases it. */
int lk_spec_parse(struct lk_spec *sp, const char *json, size_t len, struct buf *why);
void lk_spec_free(struct lk_spec *sp);
/* The column index of name, or -1. */
int lk_spec_column(const struct lk_spec *sp, const char *name);

/* A distinct reduced value, shared by all columns (so a swapped-columns test compares ids). */
struct lk_value {
	uint32_t skel, phon;     /* ids of its keys in lk_data.keys, 0 = none */
	uint32_t word1;          /* id of its first word */
	uint32_t groups[NAMES_MAX_GROUPS];
	int32_t days;            /* a date: days since 1970-01-01 */
	int16_t year;
	uint8_t month, day;
	uint8_t prec;            /* a date: 0 none, 1 the year only, 2 a full date */
	uint8_t estimated;       /* a date: worked out from a stated age */
};

struct lk_index {            /* one blocking rule's keys of the indexed records, by key */
	uint64_t *slot_key;
	uint32_t *slot_start, *slot_len;
	uint32_t nslot;          /* a power of two */
	uint32_t *member;        /* record numbers, ascending within a key */
};

struct lk_data {
	const struct lk_spec *sp;
	struct names names;
	struct intern raw, vals; /* raw: column + input text → rawval; vals: reduced text */
	struct intern keys;      /* skeletons and phonetic codes */
	uint32_t *rawval;
	struct lk_value *val;
	size_t valcap;
	size_t n, cap;
	uint32_t *v;             /* n × ncol value ids, 0 = empty */
	struct intern ids;
	uint32_t *id;            /* by record: its id in ids */
	uint8_t *src;            /* by record: 0 the first input, 1 the second */
	uint32_t nonnull[LK_MAX_COLS];
	uint32_t *count[LK_MAX_COLS]; /* tf columns: records holding each value id */
	float *logtf[LK_MAX_COLS];    /* tf columns: log2 of each value's share, -inf when unseen */
	uint32_t ncounted;       /* value ids below this have counts */
	uint64_t *key;           /* n × nblock blocking keys, 0 = no key */
	struct lk_index index[LK_MAX_RULES];
	size_t nindexed;         /* records 0..nindexed-1 are in the index */
	int finished;
};

/* Value i of record r, as the spec orders the columns. */
#define LK_V(d, r, c) ((d)->v[(size_t)(r) * (size_t)(d)->sp->ncol + (size_t)(c)])

int lk_data_init(struct lk_data *d, const struct lk_spec *sp, struct buf *why);
void lk_data_free(struct lk_data *d);
/* Adds a record: its id and the text of each spec column (NULL or "" = empty; ignored for a
 * column made of others' words), from input src.
 * Returns the record number, or -1 with why when a name is not valid UTF-8. */
long lk_data_add(struct lk_data *d, const char *id, const char *const *field, int src, struct buf *why);
/* Counts term frequencies and computes the blocking keys; the records from input src_indexed
 * (or every record when it is -1) go into the blocking index. */
void lk_data_finish(struct lk_data *d, int src_indexed);
/* Reduces and keys one more record after finish (a query); it is not indexed. lk_data_pop
 * removes it again (the last record added). */
long lk_data_add_query(struct lk_data *d, const char *id, const char *const *field, struct buf *why);
void lk_data_pop(struct lk_data *d);
static inline const char *lk_id(const struct lk_data *d, size_t r) { return intern_str(&d->ids, d->id[r]); }

/* After training or loading a model, before scoring: term frequencies shrunk toward the
 * model's average share, so a small register's chance repeats do not weigh (data.c). */
void lk_data_shrink_tf(struct lk_data *d, const struct lk_spec *sp);
/* How many records' worth of the average share is added for a register of that many. */
double lk_tf_prior(size_t records);
/* Takes m, u and λ trained before (the JSON haven link --model writes) instead of training:
 * for data too small to train on. λ is rescaled from the records the model was trained on to
 * records. 0, or -1 with why when it does not fit the config. */
int lk_model_load(struct lk_spec *sp, const char *json, size_t len, size_t records, struct buf *why);
/* Trains m, u and λ in sp from d; writes a readable account into report. Returns 0, or -1
 * with why when the data cannot train the model (no pairs in a training rule). */
int lk_train(struct lk_spec *sp, const struct lk_data *d, int threads, struct buf *report, struct buf *why);

/* The level each comparison reaches for records a and b: -1 when null, else the index of the
 * level in cmp->lev, nlev for the else level. */
void lk_gamma(const struct lk_spec *sp, const struct lk_data *d, size_t a, size_t b, int8_t *g);
/* The match weight of a pair (log2 of the Bayes factor plus the prior). */
double lk_weight(const struct lk_spec *sp, const struct lk_data *d, size_t a, size_t b, const int8_t *g);
double lk_probability(double weight);
/* Each comparison's part of the weight (the prior's is sp->lambda's log-odds). */
struct lk_part {
	const char *comparison, *level;
	double weight;
};
void lk_explain(const struct lk_spec *sp, const struct lk_data *d, size_t a, size_t b, struct lk_part *parts);

struct lk_pair {
	uint32_t l, r;
	float p, w;
};
struct lk_result {
	struct lk_pair *pair;
	size_t n, cap;
	uint64_t candidates;     /* pairs scored */
	uint64_t by_rule[LK_MAX_RULES];
};
/* Scores every candidate pair (dedup: among all records; link: each record of input 1 with
 * the indexed records of input 0) and keeps those at or above threshold, ordered by (l, r). */
void lk_predict(const struct lk_spec *sp, const struct lk_data *d, int link, double threshold, int threads,
		struct lk_result *res);
/* Candidates of one record q (not indexed) against the index, scored, best first. */
void lk_query(const struct lk_spec *sp, const struct lk_data *d, size_t q, double threshold, struct lk_result *res);
void lk_result_free(struct lk_result *res);
void lk_result_push(struct lk_result *res, struct lk_pair p);
/* Joins records into groups through links at or above threshold, strongest first, groups of
 * at most max_size; every pair inside a group is then in res, its probability the larger of its
 * own and the weakest link of the strongest chain joining it (see cluster.c). When linking, src
 * gives each record's input and only pairs across the inputs are added. */
void lk_cluster(struct lk_result *res, size_t nrec, const uint8_t *src, double threshold, size_t max_size);

/* Shared inside the engine. lk_parallel runs fn(arg) on up to threads threads (this one
 * among them) and waits for all; fn shares out the work through arg. */
void lk_parallel(void *(*fn)(void *), void *arg, int threads);
uint64_t lk_rule_key(const struct lk_data *d, const struct lk_rule *r, size_t i);
void lk_index_build(struct lk_index *ix, const struct lk_data *d, int rule, size_t nrecords);
void lk_index_build_rule(struct lk_index *ix, const struct lk_data *d, const struct lk_rule *r, size_t nrecords);
const uint32_t *lk_index_find(const struct lk_index *ix, uint64_t key, uint32_t *len);
void lk_index_free(struct lk_index *ix);
double lk_logtf(const struct lk_data *d, int c, uint32_t v);

#endif
