/* Unit tests for core/link, the record-linkage engine, and base/csv, the reader its input comes
 * through: Jaro-Winkler and OSA against textbook values and a naive reference; names reduced
 * across scripts and the nickname table; the level each comparison test reaches for a pair;
 * configs refused with a reason; training on a seeded synthetic population with known error
 * rates (λ, m, recall and precision), a query and an explanation; clustering; CSV edge cases. */
#include "harness.h"
#include "base/buf.h"
#include "base/csv.h"
#include "core/link/link.h"
#include "core/link/names.h"
#include "core/link/strsim.h"
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A failed check that says what was got and wanted (CHECK prints only the expression). */
#define NEAR(got, want, tol)                                                                           \
	do {                                                                                           \
		double g_ = (got), w_ = (want);                                                        \
		if (!(fabs(g_ - w_) <= (tol))) {                                                       \
			fprintf(stderr, "    %s:%d: %s = %.6f, wanted %.6f ± %g\n", __FILE__, __LINE__, #got, g_, \
				w_, (double)(tol));                                                    \
			t_failed_checks++;                                                             \
		}                                                                                      \
	} while (0)

/* splitmix64: every random input here is seeded, so a failure reproduces. */
static uint64_t rng;
static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}
static int below(int n)
{
	return (int)(rnd() % (uint64_t)n);
}
static double uniform(void)
{
	return (double)(rnd() >> 11) * 0x1.0p-53;
}

static double jw(const char *a, const char *b)
{
	return jaro_winkler(a, strlen(a), b, strlen(b));
}

static int osa(const char *a, const char *b, int max)
{
	return osa_distance(a, strlen(a), b, strlen(b), max);
}

/* ---- Jaro-Winkler ---- */

/* The definition, without the engine's bit masks: a byte of a matches the first unmatched equal
 * byte of b within max(la, lb) / 2 − 1 positions; t is the matched bytes that differ when both
 * sides' matches are read in order; Jaro = (m/la + m/lb + (m − ⌊t/2⌋)/m) / 3; above 0.7 it is
 * raised by 0.1 × (common prefix, at most 4) × (1 − Jaro). Read from a, not from the shorter
 * string as the engine does: the result must not depend on the order. */
static double ref_jw(const char *a, size_t la, const char *b, size_t lb)
{
	if (!la && !lb)
		return 1.0;
	if (!la || !lb)
		return 0.0;
	size_t longer = la > lb ? la : lb, win = longer / 2 >= 1 ? longer / 2 - 1 : 0, m = 0, t = 0;
	char am[256] = {0}, bm[256] = {0};
	for (size_t i = 0; i < la; i++)
		for (size_t j = i > win ? i - win : 0; j <= i + win && j < lb; j++)
			if (!bm[j] && a[i] == b[j]) {
				am[i] = bm[j] = 1;
				m++;
				break;
			}
	if (!m)
		return 0.0;
	for (size_t i = 0, j = 0; i < la; i++) {
		if (!am[i])
			continue;
		while (!bm[j])
			j++;
		t += a[i] != b[j++];
	}
	double md = (double)m, jaro = (md / (double)la + md / (double)lb + (md - (double)(t / 2)) / md) / 3;
	if (jaro <= 0.7)
		return jaro;
	size_t p = 0;
	while (p < 4 && p < la && p < lb && a[p] == b[p])
		p++;
	return jaro + (double)p * 0.1 * (1 - jaro);
}

static void link_jaro_winkler_known_values(void)
{
	/* MARTHA/MARHTA: m 6, t 2 → Jaro 0.9444, prefix 3 → 0.9611. */
	NEAR(jw("MARTHA", "MARHTA"), 0.961111, 1e-6);
	/* DWAYNE/DUANE: m 4 (D A N E), t 0 → 0.8222, prefix 1 → 0.84. */
	NEAR(jw("DWAYNE", "DUANE"), 0.84, 1e-6);
	/* DIXON/DICKSONX: window 3, the X is too far; m 4 → 0.7667, prefix 2 → 0.8133. */
	NEAR(jw("DIXON", "DICKSONX"), 0.813333, 1e-6);
	/* Splink's example: m 6 (the second a is outside the window) → 0.8333, prefix 1 → 0.85. */
	NEAR(jw("muhammad", "mohammed"), 0.85, 1e-6);
	NEAR(jw("mohammed", "muhammad"), 0.85, 1e-6);
	CHECK(jw("abc", "abc") == 1.0);
	CHECK(jw("", "") == 1.0);
	CHECK(jw("", "abc") == 0.0 && jw("abc", "") == 0.0);
	CHECK(jw("abc", "xyz") == 0.0);
	/* abcd/abdc: the window is 1, m 4, t 2 → Jaro (1 + 1 + 0.75) / 3, prefix 2 → 0.9333. And
	 * ab/ba: a window of 0 allows no match out of place at all. */
	NEAR(jw("abcd", "abdc"), 0.933333, 1e-6);
	CHECK(jw("ab", "ba") == 0.0);
	/* abcdef/abcxyz: Jaro (0.5 + 0.5 + 1) / 3 = 0.6667 ≤ 0.7, so the prefix of 3 adds nothing. */
	NEAR(jw("abcdef", "abcxyz"), 2.0 / 3, 1e-9);
	/* The prefix counts at most 4: abcdefgh/abcdefgx is Jaro 0.9167 + 0.4 × 0.0833. */
	NEAR(jw("abcdefgh", "abcdefgx"), 0.916667 + 0.4 * 0.083333, 1e-5);
}

/* Strings from a small alphabet match a lot and out of order; half the pairs are an edit or two
 * of each other, so the high, boosted range is well covered too. */
static void random_string(char *s, size_t len, const char *alphabet)
{
	size_t k = strlen(alphabet);
	for (size_t i = 0; i < len; i++)
		s[i] = alphabet[below((int)k)];
	s[len] = '\0';
}

static void mutate(char *s, const char *alphabet)
{
	size_t n = strlen(s);
	if (!n)
		return;
	size_t i = (size_t)below((int)n);
	switch (below(3)) {
	case 0:
		s[i] = alphabet[below((int)strlen(alphabet))];
		break;
	case 1:
		if (i + 1 < n) {
			char t = s[i];
			s[i] = s[i + 1];
			s[i + 1] = t;
		}
		break;
	default:
		memmove(s + i, s + i + 1, n - i);
	}
}

static int jw_agrees(const char *a, const char *b)
{
	double got = jw(a, b), want = ref_jw(a, strlen(a), b, strlen(b));
	if (fabs(got - want) > 1e-12) {
		fprintf(stderr, "    jaro_winkler(\"%s\", \"%s\") = %.15f, the definition gives %.15f\n", a, b, got, want);
		return 0;
	}
	return 1;
}

static void link_jaro_winkler_matches_the_definition(void)
{
	char a[256], b[256];
	int bad = 0;
	rng = 1;
	for (int k = 0; k < 4000 && bad < 5; k++) { /* the one-word path: both at most 64 bytes */
		random_string(a, (size_t)below(21), k % 2 ? "abcd" : "ab");
		if (k % 4 < 2) {
			random_string(b, (size_t)below(21), k % 2 ? "abcd" : "ab");
		} else {
			memcpy(b, a, sizeof a);
			for (int e = below(3); e >= 0; e--)
				mutate(b, "abcd");
		}
		bad += !jw_agrees(a, b) + !jw_agrees(b, a);
	}
	for (int k = 0; k < 200 && bad < 5; k++) { /* around and past 64 bytes: the general path */
		random_string(a, (size_t)(40 + below(160)), "abcde");
		memcpy(b, a, sizeof a);
		for (int e = below(10); e >= 0; e--)
			mutate(b, "abcde");
		if (k % 3 == 0)
			random_string(b, (size_t)(60 + below(10)), "abcde"); /* 60..69: one side either path */
		bad += !jw_agrees(a, b) + !jw_agrees(b, a);
	}
	CHECK(bad == 0);
}

/* ---- Optimal string alignment ---- */

/* The whole dynamic programme, no cut-off: edits of one byte, or a swap of neighbours, and no
 * substring edited twice. */
static int ref_osa(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int d[40][40];
	for (size_t i = 0; i <= la; i++)
		for (size_t j = 0; j <= lb; j++) {
			if (!i || !j) {
				d[i][j] = (int)(i + j);
				continue;
			}
			int v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			v = d[i - 1][j] + 1 < v ? d[i - 1][j] + 1 : v;
			v = d[i][j - 1] + 1 < v ? d[i][j - 1] + 1 : v;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

static void link_osa_known_values(void)
{
	CHECK(osa("kitten", "sitting", 5) == 3);
	CHECK(osa("abc", "abd", 3) == 1);  /* substitution */
	CHECK(osa("abc", "abxc", 3) == 1); /* insertion */
	CHECK(osa("abxc", "abc", 3) == 1); /* deletion */
	CHECK(osa("abcd", "abdc", 3) == 1); /* neighbours swapped: one edit, not two */
	CHECK(osa("19560409", "19650409", 3) == 1);
	CHECK(osa("", "", 2) == 0 && osa("", "ab", 2) == 2 && osa("abc", "", 5) == 3);
	/* ca → abc: true Damerau-Levenshtein says 2 (swap, then insert between the two), but OSA
	 * edits no substring twice: 3. */
	CHECK(osa("ca", "abc", 5) == 3);
	/* Past max the answer is max + 1, whatever the distance. */
	CHECK(osa("abcdef", "uvwxyz", 2) == 3);
	CHECK(osa("a", "abcdefgh", 2) == 3); /* from the lengths alone */
	CHECK(osa("abc", "abd", 0) == 1 && osa("abc", "abc", 0) == 0);
	CHECK(osa("ab", "ba", 1) == 1 && osa("abc", "cba", 1) == 2);
}

static void link_osa_cut_off_agrees_with_the_full_distance(void)
{
	char a[16], b[16];
	int bad = 0;
	rng = 2;
	for (int k = 0; k < 5000 && bad < 5; k++) {
		random_string(a, (size_t)below(9), "abc");
		if (k % 2) {
			random_string(b, (size_t)below(9), "abc");
		} else { /* one or two edits away: where max 1 has to decide */
			memcpy(b, a, sizeof a);
			for (int e = below(2); e >= 0; e--)
				mutate(b, "abc");
			if (k % 6 == 0 && strlen(b) < 8) /* and an insertion, which mutate does not make */
				memmove(b + 1, b, strlen(b) + 1), b[0] = 'c';
		}
		int full = ref_osa(a, b);
		for (int max = 0; max <= 4; max++) {
			int got = osa(a, b, max), want = full > max ? max + 1 : full;
			if (got != want) {
				fprintf(stderr, "    osa(\"%s\", \"%s\", %d) = %d, wanted %d\n", a, b, max, got, want);
				bad++;
			}
		}
		/* max 1 has its own one-pass test: it must say ≤ 1 exactly when the DP does. */
		int one = osa(a, b, 1), dp = osa(a, b, 5);
		bad += (one <= 1) != (dp <= 1) || one != (dp < 2 ? dp : 2);
	}
	CHECK(bad == 0);
}

/* ---- Names ---- */

/* The lower-case ASCII form of s (what = 0), its skeleton (1) or phonetic code (2); "(invalid)"
 * when s is not UTF-8. */
static const char *key(struct names *nm, const char *s, int what, char *out, size_t cap)
{
	struct buf l = BUF_INIT, k = BUF_INIT;
	if (names_latin(nm, s, strlen(s), &l)) {
		snprintf(out, cap, "(invalid)");
	} else {
		if (what == 1)
			names_skeleton(l.p, l.len, &k);
		else if (what == 2)
			names_phonetic(l.p, l.len, &k);
		snprintf(out, cap, "%s", what ? k.p : l.p);
	}
	buf_release(&l);
	buf_release(&k);
	return out;
}
#define LATIN(s) key(&nm, s, 0, t1, sizeof t1)
#define SKEL(s) key(&nm, s, 1, t1, sizeof t1)
#define PHON(s) key(&nm, s, 2, t1, sizeof t1)

static void link_names_meet_across_scripts(void)
{
	struct names nm;
	struct buf why = BUF_INIT;
	char t1[128], t2[128];
	CHECK(names_open(&nm, &why) == 0);
	/* Arabic, Cyrillic and three Latin spellings of one name: one consonant skeleton. */
	CHECK_STR(SKEL("محمد"), "mhmd");
	CHECK_STR(SKEL("Мухаммед"), "mhmd");
	CHECK_STR(SKEL("Mohammed"), "mhmd");
	CHECK_STR(SKEL("Muhammad"), "mhmd");
	CHECK_STR(SKEL("Mohamed"), "mhmd");
	/* Taa marbuta is Fatima's final -a, not a t. */
	CHECK_STR(SKEL("فاطمة"), "ftm");
	CHECK_STR(SKEL("Fatima"), "ftm");
	/* A y or w after the first letter is a vowel in these spellings. */
	CHECK_STR(SKEL("يوسف"), "ysf");
	CHECK_STR(SKEL("Yusuf"), "ysf");
	/* x is ks: Alexander meets Aleksandr and Александр. */
	CHECK_STR(SKEL("Александр"), "lksndr");
	CHECK_STR(SKEL("Aleksandr"), "lksndr");
	CHECK_STR(SKEL("Alexander"), "lksndr");
	CHECK_STR(LATIN("ሙሉጌታ"), "mulugeta"); /* Ethiopic: ǝ, which Latin-ASCII keeps, is e */
	CHECK_STR(LATIN("O'Brien"), "obrien");    /* apostrophes joined */
	CHECK_STR(LATIN("Jean-Luc"), "jean luc"); /* other marks break words */
	CHECK_STR(LATIN("  Anna   MARIA "), "anna maria");
	CHECK_STR(LATIN("José Ørsted"), "jose orsted");
	CHECK_STR(LATIN("Ｍｏｈａｍｍｅｄ"), "mohammed"); /* full-width forms, by NFKC */
	CHECK_STR(LATIN("-"), "");
	/* Vowel marks (harakat), right-to-left marks and tatweel change nothing the skeleton keeps:
	 * the marks only spell out vowels (مُحَمَّد is "muhamad", محمد "mhmd"). */
	snprintf(t2, sizeof t2, "%s", SKEL("محمد"));
	CHECK_STR(SKEL("مُحَمَّد"), t2);
	CHECK_STR(SKEL("\u200fمحمد\u200f"), t2);
	CHECK_STR(SKEL("مـحـمـد"), t2);
	snprintf(t2, sizeof t2, "%s", SKEL("فاطمة"));
	CHECK_STR(SKEL("فَاطِمَة"), t2);
	/* Not UTF-8: refused, whether the bad byte is alone, truncated or an overlong form. */
	CHECK_STR(LATIN("\xff"), "(invalid)");
	CHECK_STR(LATIN("Jos\xc3"), "(invalid)");
	CHECK_STR(LATIN("\xc0\xaf"), "(invalid)");
	CHECK_STR(LATIN("\xed\xa0\x80"), "(invalid)"); /* a UTF-16 surrogate */
	/* Text that transliteration lengthens past the first buffer (ﷺ is a whole phrase). */
	CHECK(strlen(LATIN("ﷺﷺﷺﷺﷺﷺﷺﷺ")) > 8 * 15);
	/* Phonetic codes: one sound spelt two ways meets, different names do not. */
	snprintf(t2, sizeof t2, "%s", PHON("Katherine"));
	CHECK_STR(PHON("Catherine"), t2);
	snprintf(t2, sizeof t2, "%s", PHON("Steven"));
	CHECK_STR(PHON("Stephen"), t2);
	snprintf(t2, sizeof t2, "%s", PHON("Filip"));
	CHECK_STR(PHON("Phillip"), t2);
	snprintf(t2, sizeof t2, "%s", PHON("Ahmed"));
	CHECK(strcmp(PHON("Mohammed"), t2) != 0);
	CHECK_STR(PHON(""), "");
	names_close(&nm);
	buf_release(&why);
}

static void link_nickname_groups_from_a_table(void)
{
	struct names nm;
	struct buf why = BUF_INIT;
	CHECK(names_open(&nm, &why) == 0);
	static const char table[] = "# given names\n"
				    "william,bill,will\n"
				    "\n"
				    "alexander,alex\r\n"
				    "alexandra,alex,sandra\n"
				    "Иван,vanya\n";
	CHECK(names_add_groups(&nm, table, sizeof table - 1, &why) == 0);
	uint32_t w[NAMES_MAX_GROUPS], b[NAMES_MAX_GROUPS], x[NAMES_MAX_GROUPS], y[NAMES_MAX_GROUPS];
	names_groups(&nm, "william", 7, w);
	names_groups(&nm, "bill", 4, b);
	CHECK(w[0] && w[0] == b[0] && !w[1] && !b[1]);
	/* Alex is in two groups and reports both, each shared with its own long form. */
	names_groups(&nm, "alex", 4, x);
	CHECK(x[0] && x[1] && x[0] != x[1] && !x[2]);
	names_groups(&nm, "alexander", 9, y);
	CHECK(y[0] == x[0] && !y[1]);
	names_groups(&nm, "alexandra", 9, y);
	CHECK(y[0] == x[1] && y[0] != w[0]);
	names_groups(&nm, "ivan", 4, y); /* a name written in Cyrillic is stored in Latin form */
	names_groups(&nm, "vanya", 5, x);
	CHECK(y[0] && y[0] == x[0]);
	names_groups(&nm, "robert", 6, y);
	CHECK(!y[0]);
	names_groups(&nm, "will", 3, y); /* a lookup of the whole text, not a prefix */
	CHECK(!y[0]);
	/* A line with an empty name is refused, and the reason gives its line. */
	static const char bad[] = "john,jack\n"
				  "mary,,molly\n";
	buf_reset(&why);
	CHECK(names_add_groups(&nm, bad, sizeof bad - 1, &why) == -1);
	CHECK(strstr(why.p, "line 2") != NULL);
	names_close(&nm);
	buf_release(&why);
}

/* ---- Comparisons through the public API ---- */

struct fx {
	struct lk_spec sp;
	struct lk_data d;
	int ok;
};

static void fx_open(struct fx *f, const char *json)
{
	struct buf why = BUF_INIT;
	memset(f, 0, sizeof *f);
	f->ok = lk_spec_parse(&f->sp, json, strlen(json), &why) == 0 && lk_data_init(&f->d, &f->sp, &why) == 0;
	if (!f->ok)
		fprintf(stderr, "    config refused: %s\n", why.p);
	CHECK(f->ok);
	buf_release(&why);
}

static void fx_close(struct fx *f)
{
	lk_data_free(&f->d);
	lk_spec_free(&f->sp);
}

/* Adds a record from input src: column, value pairs ending with NULL. */
static long vrec(struct fx *f, int src, const char *id, va_list ap)
{
	const char *field[LK_MAX_COLS] = {0};
	for (const char *col; (col = va_arg(ap, const char *));) {
		const char *v = va_arg(ap, const char *);
		int c = lk_spec_column(&f->sp, col);
		CHECK(c >= 0);
		if (c >= 0)
			field[c] = v;
	}
	struct buf why = BUF_INIT;
	long r = f->ok ? lk_data_add(&f->d, id, field, src, &why) : -1;
	buf_release(&why);
	return r;
}

static long rec(struct fx *f, const char *id, ...)
{
	va_list ap;
	va_start(ap, id);
	long r = vrec(f, 0, id, ap);
	va_end(ap);
	return r;
}

/* The level comparison c reaches for records a and b (and for b and a: tests are symmetric). */
static void level_is(struct fx *f, long a, long b, int c, int want, int line)
{
	int8_t g[LK_MAX_CMPS], h[LK_MAX_CMPS];
	if (!f->ok || a < 0 || b < 0) {
		t_failed_checks++;
		return;
	}
	lk_gamma(&f->sp, &f->d, (size_t)a, (size_t)b, g);
	lk_gamma(&f->sp, &f->d, (size_t)b, (size_t)a, h);
	if (g[c] != want || h[c] != want) {
		fprintf(stderr, "    %s:%d: comparison \"%s\" of records %ld and %ld: level %d (reversed %d), wanted %d\n",
			__FILE__, line, f->sp.cmp[c].name, a, b, g[c], h[c], want);
		t_failed_checks++;
	}
}
#define LEVEL(a, b, c, want) level_is(&f, a, b, c, want, __LINE__)
enum { HOLDS = 0, FAILS = 1, NONE = -1 }; /* each comparison below has one level, then else */

/* One comparison per test, each with a single level, so the level a pair reaches says whether
 * that test holds. Columns cover what a record can derive: a father's name that is the surname
 * (unless_same_as), a date of birth from an age (age, at), year-only placeholders, and a name
 * made of the words of two others (words_of). */
static const char CMP_CONFIG[] =
	"{\"id\": \"id\","
	" \"columns\": {"
	"  \"first\": {\"type\": \"name\"}, \"last\": {\"type\": \"name\"},"
	"  \"father\": {\"type\": \"name\", \"unless_same_as\": \"last\"},"
	"  \"dob\": {\"type\": \"date\", \"age\": \"age\", \"at\": \"at\", \"placeholders\": [\"01-01\"]},"
	"  \"age\": {\"type\": \"text\"}, \"at\": {\"type\": \"date\"},"
	"  \"place\": {\"type\": \"text\"}, \"code\": {\"type\": \"text\"},"
	"  \"names\": {\"type\": \"name\", \"words_of\": [\"first\", \"last\"]}},"
	" \"comparisons\": ["
	"  {\"name\": \"exact\", \"column\": \"first\", \"levels\": [{\"test\": \"exact\"}]},"
	"  {\"name\": \"jw\", \"column\": \"first\", \"levels\": [{\"test\": \"jaro_winkler\", \"min\": 0.9}]},"
	"  {\"name\": \"osa\", \"column\": \"code\", \"levels\": [{\"test\": \"osa\", \"max\": 1}]},"
	"  {\"name\": \"skeleton\", \"column\": \"first\", \"levels\": [{\"test\": \"skeleton\"}]},"
	"  {\"name\": \"phonetic\", \"column\": \"first\", \"levels\": [{\"test\": \"phonetic\"}]},"
	"  {\"name\": \"nickname\", \"column\": \"first\", \"levels\": [{\"test\": \"nickname\"}]},"
	"  {\"name\": \"swapped\", \"column\": \"first\", \"levels\": [{\"test\": \"swapped\", \"with\": \"last\"}]},"
	"  {\"name\": \"swapped fuzzy\", \"column\": \"first\","
	"   \"levels\": [{\"test\": \"swapped\", \"with\": \"last\", \"min\": 0.88}]},"
	"  {\"name\": \"tokens\", \"column\": \"last\", \"levels\": [{\"test\": \"tokens\", \"min\": 1}]},"
	"  {\"name\": \"days\", \"column\": \"dob\", \"levels\": [{\"test\": \"days\", \"max\": 31}]},"
	"  {\"name\": \"dm swapped\", \"column\": \"dob\", \"levels\": [{\"test\": \"day_month_swapped\"}]},"
	"  {\"name\": \"years\", \"column\": \"dob\", \"levels\": [{\"test\": \"years\", \"max\": 1}]},"
	"  {\"name\": \"prefix\", \"column\": \"place\", \"levels\": [{\"test\": \"prefix\", \"max\": 4}]},"
	"  {\"name\": \"dob exact\", \"column\": \"dob\", \"levels\": [{\"test\": \"exact\"}]},"
	"  {\"name\": \"father\", \"column\": \"father\", \"levels\": [{\"test\": \"exact\"}]}],"
	" \"blocking\": [\"first\"],"
	" \"training\": {\"deterministic\": [\"first & last\"], \"em\": [\"dob\"]},"
	" \"threshold\": 0.5}";
enum { EXACT, JW, OSA, SKELETON, PHONETIC, NICKNAME, SWAPPED, SWAPPED_FUZZY, TOKENS, DAYS, DMSWAP, YEARS, PREFIX,
       DOB_EXACT, FATHER };

static void link_name_tests_reach_their_levels(void)
{
	struct fx f;
	fx_open(&f, CMP_CONFIG);
	long moh = rec(&f, "1", "first", "Mohammed", "last", "Hassan", NULL);
	long lower = rec(&f, "2", "first", " mohammed ", NULL);
	long one_m = rec(&f, "3", "first", "Mohamed", NULL);
	long arabic = rec(&f, "4", "first", "محمد", NULL);
	long cyrillic = rec(&f, "5", "first", "Мухаммед", NULL);
	long cath = rec(&f, "6", "first", "Catherine", NULL), kath = rec(&f, "7", "first", "Katherine", NULL);
	long will = rec(&f, "8", "first", "William", NULL), bill = rec(&f, "9", "first", "Bill", NULL);
	long martha = rec(&f, "10", "first", "Martha", NULL), marhta = rec(&f, "11", "first", "Marhta", NULL);
	long dwayne = rec(&f, "12", "first", "Dwayne", NULL), duane = rec(&f, "13", "first", "Duane", NULL);
	long empty = rec(&f, "14", "first", "", "last", "Hassan", NULL);
	long blank = rec(&f, "15", "first", " \t ", NULL);
	long dash = rec(&f, "16", "first", "-", NULL); /* reduces to nothing */
	LEVEL(moh, lower, EXACT, HOLDS); /* case and spaces are not part of a name */
	LEVEL(moh, one_m, EXACT, FAILS);
	LEVEL(moh, one_m, JW, HOLDS);
	LEVEL(martha, marhta, JW, HOLDS); /* 0.961 */
	LEVEL(dwayne, duane, JW, FAILS);  /* 0.84 */
	LEVEL(moh, arabic, SKELETON, HOLDS);
	LEVEL(moh, arabic, EXACT, FAILS);
	LEVEL(cyrillic, arabic, SKELETON, HOLDS);
	LEVEL(cath, kath, PHONETIC, HOLDS);
	LEVEL(cath, kath, SKELETON, FAILS);
	LEVEL(moh, cath, PHONETIC, FAILS);
	/* The shipped table (config/link/nicknames.csv, embedded) is loaded for a nickname level. */
	LEVEL(will, bill, NICKNAME, HOLDS);
	LEVEL(cath, kath, NICKNAME, HOLDS);
	LEVEL(will, moh, NICKNAME, FAILS);
	LEVEL(will, bill, JW, FAILS);
	/* An empty field, in either record, makes the comparison null, not a disagreement. */
	for (int c = EXACT; c <= NICKNAME; c++)
		if (c != OSA) {
			LEVEL(moh, empty, c, NONE);
			LEVEL(moh, blank, c, NONE);
			LEVEL(moh, dash, c, NONE);
		}
	fx_close(&f);
}

static void link_swapped_and_token_tests_reach_their_levels(void)
{
	struct fx f;
	fx_open(&f, CMP_CONFIG);
	long js = rec(&f, "1", "first", "John", "last", "Smith", NULL);
	long sj = rec(&f, "2", "first", "Smith", "last", "John", NULL);
	long sj2 = rec(&f, "3", "first", "Smyth", "last", "Jon", NULL);  /* jw 0.893 and 0.933 */
	long bj = rec(&f, "4", "first", "Brown", "last", "Jon", NULL);   /* one side only */
	long jn = rec(&f, "5", "first", "John", NULL);                   /* no surname */
	LEVEL(js, sj, SWAPPED, HOLDS);
	LEVEL(js, sj, EXACT, FAILS);
	LEVEL(js, sj, SWAPPED_FUZZY, HOLDS);
	LEVEL(js, sj2, SWAPPED, FAILS);
	LEVEL(js, sj2, SWAPPED_FUZZY, HOLDS);
	LEVEL(js, bj, SWAPPED_FUZZY, FAILS);
	LEVEL(js, jn, SWAPPED, FAILS); /* the other column empty: the test cannot hold */
	LEVEL(js, js, SWAPPED, FAILS); /* the same order is not swapped (unless first = last) */
	/* Tokens: the share of the shorter name's words found in the longer one. */
	long ww = rec(&f, "6", "last", "Whitehead Watts", NULL);
	long w = rec(&f, "7", "last", "Watts", NULL);
	long wn = rec(&f, "8", "last", "Watson Whitehead", NULL);
	LEVEL(ww, w, TOKENS, HOLDS);
	LEVEL(w, wn, TOKENS, FAILS);
	LEVEL(ww, wn, TOKENS, FAILS); /* one word of two */
	fx_close(&f);
}

static void link_date_and_code_tests_reach_their_levels(void)
{
	struct fx f;
	fx_open(&f, CMP_CONFIG);
	long d0 = rec(&f, "1", "dob", "2015-03-04", "code", "12345", "place", "SY0102", NULL);
	long d16 = rec(&f, "2", "dob", "2015/03/20", "code", "12354", "place", "SY0107", NULL);
	long feb = rec(&f, "3", "dob", "20150211", "code", "13254", "place", "SY0201", NULL);
	long nov = rec(&f, "4", "dob", "2015-11-02", "code", "1234", "place", "SY", NULL);
	long y16 = rec(&f, "5", "dob", "2016-12-31", "place", "SY", NULL);
	long y17 = rec(&f, "6", "dob", "2017-06-01", NULL);
	long y18 = rec(&f, "7", "dob", "2018-06-01", NULL);
	long bad = rec(&f, "8", "dob", "2015-02-30", NULL); /* not a date: empty */
	LEVEL(d0, d16, DAYS, HOLDS);
	LEVEL(d0, d16, DOB_EXACT, FAILS);
	LEVEL(d0, d16, DMSWAP, FAILS);
	LEVEL(feb, nov, DMSWAP, HOLDS);
	LEVEL(feb, nov, DAYS, FAILS);
	LEVEL(d0, y16, YEARS, HOLDS);
	LEVEL(d0, y17, YEARS, FAILS);
	LEVEL(d0, bad, YEARS, NONE);
	/* OSA on text: a swap or a deletion is one edit, two swaps are two. */
	LEVEL(d0, d16, OSA, HOLDS);
	LEVEL(d0, nov, OSA, HOLDS);
	LEVEL(d0, feb, OSA, FAILS);
	/* Prefix: the first four characters, and both values must have them. */
	LEVEL(d0, d16, PREFIX, HOLDS);
	LEVEL(d0, feb, PREFIX, FAILS);
	LEVEL(nov, y16, PREFIX, FAILS);
	/* 01-01 is a placeholder: only the year is known, so two such dates are never an exact
	 * match, but the year still counts; and day-based tests need a full date. */
	long p1 = rec(&f, "9", "dob", "2015-01-01", NULL), p2 = rec(&f, "10", "dob", "2015-01-01", NULL);
	long j2a = rec(&f, "11", "dob", "2015-01-02", NULL), j2b = rec(&f, "12", "dob", "2015-01-02", NULL);
	LEVEL(p1, p2, DOB_EXACT, FAILS);
	LEVEL(p1, p2, YEARS, HOLDS);
	LEVEL(p1, p2, DAYS, FAILS);
	LEVEL(j2a, j2b, DOB_EXACT, HOLDS);
	/* No date of birth, but an age on a date: the year is estimated (2023 − 8 = 2015) and, since
	 * the birthday may not have come yet, years allows one more: 2017 is within max 1 + 1 of
	 * the estimate but not of a stated 2015. */
	long est = rec(&f, "13", "age", "8", "at", "2023-05-01", NULL);
	long est2 = rec(&f, "14", "age", "8", "at", "2023-07-01", NULL);
	LEVEL(est, y17, YEARS, HOLDS);
	LEVEL(d0, y17, YEARS, FAILS);
	LEVEL(est, y18, YEARS, FAILS);
	LEVEL(est, est2, YEARS, HOLDS);
	LEVEL(est, est2, DOB_EXACT, FAILS); /* an estimate is a year, never an exact date */
	LEVEL(est, d0, DAYS, FAILS);
	/* A stated date wins over an age; an age that is not a small number estimates nothing (the
	 * long one once overflowed while being read). */
	long both = rec(&f, "15", "dob", "2015-03-04", "age", "30", "at", "2023-05-01", NULL);
	long huge = rec(&f, "16", "age", "99999999999", "at", "2023-05-01", NULL);
	long words = rec(&f, "17", "age", "8 years", "at", "2023-05-01", NULL);
	long noat = rec(&f, "18", "age", "8", NULL);
	LEVEL(d0, both, DOB_EXACT, HOLDS);
	LEVEL(d0, huge, YEARS, NONE);
	LEVEL(d0, words, YEARS, NONE);
	LEVEL(d0, noat, YEARS, NONE);
	fx_close(&f);
}

static void link_derived_columns(void)
{
	struct fx f;
	fx_open(&f, CMP_CONFIG);
	int father = lk_spec_column(&f.sp, "father"), names = lk_spec_column(&f.sp, "names");
	/* A father's name that is the child's surname (patronymic naming) says nothing more: it
	 * becomes empty, and the comparison null, even against the same father's name. */
	long h1 = rec(&f, "1", "first", "Ali", "last", "Hassan", "father", "Hassan", NULL);
	long h2 = rec(&f, "2", "first", "Ali", "last", "Omar", "father", "Hassan", NULL);
	long h3 = rec(&f, "3", "first", "Sara", "last", "Omar", "father", "HASSAN", NULL);
	CHECK(LK_V(&f.d, h1, father) == 0);
	LEVEL(h1, h2, FATHER, NONE);
	LEVEL(h2, h3, FATHER, HOLDS);
	/* words_of: the words of first and last name in a fixed order, so the order they were
	 * written in does not matter. */
	long a = rec(&f, "4", "first", "Hassan", "last", "Mohammed", NULL);
	long b = rec(&f, "5", "first", "Mohammed", "last", "Hassan", NULL);
	long c = rec(&f, "6", "first", "Hassan Mohammed", NULL);
	long d = rec(&f, "7", "first", "Hassan", "last", "Ali", NULL);
	CHECK(LK_V(&f.d, a, names) != 0);
	CHECK(LK_V(&f.d, a, names) == LK_V(&f.d, b, names));
	CHECK(LK_V(&f.d, a, names) == LK_V(&f.d, c, names));
	CHECK(LK_V(&f.d, a, names) != LK_V(&f.d, d, names));
	CHECK(LK_V(&f.d, a, lk_spec_column(&f.sp, "first")) != LK_V(&f.d, b, lk_spec_column(&f.sp, "first")));
	/* A name that is not UTF-8 is refused with the column named. */
	const char *field[LK_MAX_COLS] = {"Jos\xe9"};
	struct buf why = BUF_INIT;
	CHECK(lk_spec_column(&f.sp, "first") == 0);
	CHECK(lk_data_add(&f.d, "8", field, 0, &why) == -1);
	CHECK(strstr(why.p, "first") != NULL);
	buf_reset(&why); /* and again: a text refused once is not remembered as empty */
	CHECK(lk_data_add(&f.d, "9", field, 0, &why) == -1);
	CHECK(strstr(why.p, "first") != NULL);
	buf_release(&why);
	fx_close(&f);
}

/* A level may test another column than its comparison's: each Jaro-Winkler level is computed on
 * its own column (a cached similarity of the comparison's column is no answer for another). */
static void link_a_level_tests_its_own_column(void)
{
	struct fx f;
	fx_open(&f, "{\"id\": \"id\", \"columns\": {\"first\": {\"type\": \"name\"}, \"last\": {\"type\": \"name\"}},"
		    " \"comparisons\": [{\"column\": \"first\", \"levels\": ["
		    "  {\"test\": \"jaro_winkler\", \"min\": 0.95},"
		    "  {\"test\": \"jaro_winkler\", \"column\": \"last\", \"min\": 0.9}]}],"
		    " \"blocking\": [\"first\"], \"training\": {\"deterministic\": [\"first\"], \"em\": [\"last\"]},"
		    " \"threshold\": 0.5}");
	long a = rec(&f, "1", "first", "Anna", "last", "Whitehead", NULL);
	long b = rec(&f, "2", "first", "Zoe", "last", "Whitehead", NULL);
	long c = rec(&f, "3", "first", "Zoe", "last", "Brown", NULL);
	LEVEL(a, b, 0, 1);
	LEVEL(a, c, 0, 2);
	LEVEL(b, c, 0, 0);
	fx_close(&f);
}

/* ---- Spec errors ---- */

#define COLS "\"id\": \"id\", \"columns\": {\"first\": {\"type\": \"name\"}, \"dob\": {\"type\": \"date\"}}"
#define CMPS_(levels) "\"comparisons\": [{\"column\": \"first\", \"levels\": [" levels "]}]"
#define CMPS CMPS_("{\"test\": \"exact\"}")
#define BLOCK "\"blocking\": [\"first\"]"
#define TRAIN_(more) "\"training\": {\"deterministic\": [\"first & dob\"], \"em\": [\"dob\"]" more "}"
#define TRAIN TRAIN_("")
#define THR "\"threshold\": 0.5"
#define CONFIG(cols, cmps, block, train, thr) "{" cols ", " cmps ", " block ", " train ", " thr "}"

static void refused(const char *json, const char *reason, int line)
{
	struct lk_spec sp;
	struct buf why = BUF_INIT;
	int rc = lk_spec_parse(&sp, json, strlen(json), &why);
	if (rc != -1 || !why.len || !strstr(why.p, reason)) {
		fprintf(stderr, "    %s:%d: parse gave %d, \"%s\"; wanted -1 and \"%s\"\n", __FILE__, line, rc, why.p,
			reason);
		t_failed_checks++;
	}
	lk_spec_free(&sp); /* safe after a failure, whatever was allocated before it */
	lk_spec_free(&sp); /* and twice */
	buf_release(&why);
}
#define REFUSED(json, reason) refused(json, reason, __LINE__)

static void link_spec_errors_have_reasons(void)
{
	struct lk_spec sp;
	struct buf why = BUF_INIT;
	static const char ok[] = CONFIG(COLS, CMPS, BLOCK, TRAIN, THR);
	CHECK(lk_spec_parse(&sp, ok, strlen(ok), &why) == 0 && !why.len);
	CHECK(sp.ncol == 2 && sp.ncmp == 1 && sp.cmp[0].nlev == 1 && sp.nblock == 1 && sp.threshold == 0.5);
	CHECK(sp.recall == 0.8 && sp.max_iter == 25 && sp.seed == 1); /* the defaults */
	lk_spec_free(&sp);
	buf_release(&why);
	REFUSED("{", "not JSON");
	REFUSED("[1]", "object");
	REFUSED("{" COLS ", " CMPS ", " BLOCK ", " TRAIN ", " THR ", \"colour\": 1}", "unknown member \"colour\"");
	REFUSED(CONFIG(COLS, CMPS_("{\"test\": \"exact\", \"mn\": 1}"), BLOCK, TRAIN, THR), "unknown member \"mn\"");
	REFUSED(CONFIG(COLS, CMPS, BLOCK, TRAIN_(", \"rate\": 1"), THR), "unknown member \"rate\"");
	REFUSED(CONFIG("\"id\": \"id\", \"columns\": {\"first\": {\"type\": \"name\", \"kind\": 1}}", CMPS, BLOCK, TRAIN,
		       THR), "unknown member \"kind\"");
	REFUSED(CONFIG(COLS, CMPS_("{\"test\": \"soundex\"}"), BLOCK, TRAIN, THR), "test is exact");
	REFUSED(CONFIG(COLS, CMPS_("{\"test\": \"jaro_winkler\"}"), BLOCK, TRAIN, THR), "need a min");
	REFUSED(CONFIG(COLS, CMPS_("{\"test\": \"jaro_winkler\", \"min\": 1.5}"), BLOCK, TRAIN, THR), "need a min");
	REFUSED(CONFIG(COLS, CMPS_("{\"test\": \"osa\", \"max\": 1.5}"), BLOCK, TRAIN, THR), "whole max");
	REFUSED(CONFIG(COLS, CMPS_("{\"test\": \"osa\", \"max\": 4294967297}"), BLOCK, TRAIN, THR), "whole max");
	REFUSED(CONFIG(COLS, CMPS_("{\"test\": \"prefix\", \"max\": 0}"), BLOCK, TRAIN, THR), "whole max");
	REFUSED(CONFIG(COLS, CMPS_("{\"test\": \"days\", \"max\": 3}"), BLOCK, TRAIN, THR), "does not fit");
	REFUSED(CONFIG(COLS, CMPS_("{\"test\": \"swapped\", \"with\": \"nobody\"}"), BLOCK, TRAIN, THR),
		"not one of the columns");
	/* A term-frequency level needs an exact tf level on the column before it. */
	REFUSED(CONFIG(COLS, CMPS_("{\"test\": \"jaro_winkler\", \"min\": 0.9, \"tf\": 1}"), BLOCK, TRAIN, THR),
		"exact tf level");
	REFUSED(CONFIG(COLS, CMPS_("{\"test\": \"exact\"}, {\"test\": \"jaro_winkler\", \"min\": 0.9, \"tf\": 1}"), BLOCK,
		       TRAIN, THR), "exact tf level");
	REFUSED(CONFIG(COLS, CMPS_("{\"test\": \"exact\", \"tf\": 2}"), BLOCK, TRAIN, THR), "tf is a weight");
	REFUSED(CONFIG(COLS, CMPS_("{\"test\": \"exact\", \"weight\": 99}"), BLOCK, TRAIN, THR), "given weight");
	REFUSED(CONFIG(COLS, "\"comparisons\": [{\"column\": \"nobody\", \"levels\": [{\"test\": \"exact\"}]}]", BLOCK,
		       TRAIN, THR), "not one of the columns");
	REFUSED(CONFIG(COLS, "\"comparisons\": []", BLOCK, TRAIN, THR), "comparisons");
	/* Rules: every column declared, every transform known and fitting the column. */
	REFUSED(CONFIG(COLS, CMPS, "\"blocking\": [\"surname\"]", TRAIN, THR), "not declared");
	REFUSED(CONFIG(COLS, CMPS, "\"blocking\": [\"first & \"]", TRAIN, THR), "not declared");
	REFUSED(CONFIG(COLS, CMPS, "\"blocking\": [\"soundex(first)\"]", TRAIN, THR), "transforms are");
	REFUSED(CONFIG(COLS, CMPS, "\"blocking\": [\"prefix0(first)\"]", TRAIN, THR), "transforms are");
	REFUSED(CONFIG(COLS, CMPS, "\"blocking\": [\"prefix64(first)\"]", TRAIN, THR), "transforms are");
	REFUSED(CONFIG(COLS, CMPS, "\"blocking\": [\"phonetic(first\"]", TRAIN, THR), "written name(column)");
	REFUSED(CONFIG(COLS, CMPS, "\"blocking\": [\"year(first)\"]", TRAIN, THR), "does not fit");
	REFUSED(CONFIG(COLS, CMPS, "\"blocking\": [\"first & dob & first & dob & first\"]", TRAIN, THR), "at most four");
	REFUSED(CONFIG(COLS, CMPS, "\"blocking\": []", TRAIN, THR), "blocking");
	REFUSED(CONFIG(COLS, CMPS, BLOCK, "\"training\": {\"deterministic\": [\"first\"]}", THR), "training.em");
	/* Numbers in range, and numbers at all (a seed of -1 or 1e30 has no 64-bit value). */
	REFUSED(CONFIG(COLS, CMPS, BLOCK, TRAIN_(", \"recall\": 0"), THR), "recall");
	REFUSED(CONFIG(COLS, CMPS, BLOCK, TRAIN_(", \"u_pairs\": 10"), THR), "u_pairs");
	REFUSED(CONFIG(COLS, CMPS, BLOCK, TRAIN_(", \"max_iterations\": 1e30"), THR), "max_iterations");
	REFUSED(CONFIG(COLS, CMPS, BLOCK, TRAIN_(", \"seed\": -1"), THR), "seed");
	REFUSED(CONFIG(COLS, CMPS, BLOCK, TRAIN_(", \"seed\": 1e30"), THR), "seed");
	REFUSED(CONFIG(COLS, CMPS, BLOCK, TRAIN_(", \"seed\": \"x\""), THR), "seed");
	REFUSED(CONFIG(COLS, CMPS, BLOCK, TRAIN, "\"threshold\": 1.5"), "threshold");
	REFUSED(CONFIG(COLS, CMPS, BLOCK, TRAIN, "\"threshold\": 0"), "threshold");
	REFUSED(CONFIG(COLS, CMPS, BLOCK, TRAIN, "\"threshold\": \"0.5\""), "threshold");
	/* The cluster threshold is at least the pairs' threshold: pairs below it are not there. */
	REFUSED(CONFIG(COLS, CMPS, BLOCK, TRAIN, "\"threshold\": 0.9, \"cluster\": {\"threshold\": 0.5}"), "cluster");
	REFUSED(CONFIG(COLS, CMPS, BLOCK, TRAIN, THR ", \"cluster\": {\"threshold\": 0.9, \"max_size\": 1e30}"),
		"max_size");
	/* Columns: the id is not one; derived columns name columns that are read. */
	REFUSED(CONFIG("\"id\": \"first\", \"columns\": {\"first\": {\"type\": \"name\"}}", CMPS, BLOCK, TRAIN, THR),
		"id column");
	REFUSED(CONFIG("\"id\": \"id\", \"columns\": {\"first\": {\"type\": \"nom\"}}", CMPS, BLOCK, TRAIN, THR),
		"type is");
	REFUSED(CONFIG("\"id\": \"id\", \"columns\": {\"first\": {\"type\": \"name\", \"words_of\": [\"x\", \"first\"]}}",
		       CMPS, BLOCK, TRAIN, THR), "not one of the columns");
	REFUSED(CONFIG("\"id\": \"id\", \"columns\": {\"first\": {\"type\": \"date\", \"age\": \"first\"}}", CMPS, BLOCK,
		       TRAIN, THR), "age and at go together");
	REFUSED(CONFIG("\"id\": \"id\", \"columns\": {\"first\": {\"type\": \"name\", \"unless_same_as\": \"first\"}}",
		       CMPS, BLOCK, TRAIN, THR), "unless_same_as");
	REFUSED(CONFIG("\"id\": \"id\", \"columns\": {\"first\": {\"type\": \"date\", \"placeholders\": [\"1-1\"]}}",
		       CMPS, BLOCK, TRAIN, THR), "placeholders");
}

/* ---- Training on a synthetic population ---- */

/* 2,000 people with 1 to 3 records each, every record an independent noisy copy: the first name
 * has a typo in 20% of records, the surname in 10%, the date of birth a wrong day in 10%, the
 * city is another in 15% and missing in 5%. Names are made of syllables, so some are shared by
 * chance, as real ones are. */
#define PEOPLE 2000
struct person {
	char first[16], last[24], dob[11], city[8];
};
struct synth {
	struct fx f;
	int *who; /* by record: the person */
	size_t n;
	struct person *truth;
};

static const char *const SYL[] = {"ka", "ri", "mo", "sa", "le", "na", "to", "vi", "da", "pe",
				  "lu", "zo", "ha", "be", "fi", "go", "ja", "mi", "no", "ru"};

static void syllables(char *out, size_t cap, int n)
{
	out[0] = '\0';
	for (int i = 0; i < n; i++)
		snprintf(out + strlen(out), cap - strlen(out), "%s", SYL[below(20)]);
}

static void typo(char *s)
{
	size_t n = strlen(s), i = 1 + (size_t)below((int)n - 1); /* the first letter is usually right */
	switch (below(3)) {
	case 0:
		s[i] = s[i] == 'x' ? 'q' : 'x';
		break;
	case 1:
		if (i + 1 < n && s[i] != s[i + 1]) {
			char t = s[i];
			s[i] = s[i + 1];
			s[i + 1] = t;
		} else {
			s[i] = 'y';
		}
		break;
	default:
		memmove(s + i, s + i + 1, n - i);
	}
}

static void noisy_copy(const struct person *p, struct person *r)
{
	*r = *p;
	if (uniform() < 0.2)
		typo(r->first);
	if (uniform() < 0.1)
		typo(r->last);
	if (uniform() < 0.1) { /* another day of the same month */
		int day = (r->dob[8] - '0') * 10 + r->dob[9] - '0', other;
		while ((other = 1 + below(28)) == day)
			;
		r->dob[8] = (char)('0' + other / 10);
		r->dob[9] = (char)('0' + other % 10);
	}
	double u = uniform();
	if (u < 0.15)
		snprintf(r->city, sizeof r->city, "c%02d", below(40));
	else if (u < 0.2)
		r->city[0] = '\0';
}

static const char EM_CONFIG[] =
	"{\"id\": \"id\","
	" \"columns\": {\"first\": {\"type\": \"name\"}, \"last\": {\"type\": \"name\"}, \"dob\": {\"type\": \"date\"},"
	"  \"city\": {\"type\": \"text\"}},"
	" \"comparisons\": ["
	"  {\"name\": \"first\", \"column\": \"first\", \"levels\": [{\"test\": \"exact\", \"tf\": 1},"
	"   {\"test\": \"jaro_winkler\", \"min\": 0.88}, {\"test\": \"jaro_winkler\", \"min\": 0.7}]},"
	"  {\"name\": \"last\", \"column\": \"last\", \"levels\": [{\"test\": \"exact\", \"tf\": 1},"
	"   {\"test\": \"jaro_winkler\", \"min\": 0.88}, {\"test\": \"jaro_winkler\", \"min\": 0.7}]},"
	"  {\"name\": \"dob\", \"column\": \"dob\", \"levels\": [{\"test\": \"exact\"}, {\"test\": \"days\", \"max\": 31},"
	"   {\"test\": \"years\", \"max\": 2}]},"
	"  {\"name\": \"city\", \"column\": \"city\", \"levels\": [{\"test\": \"exact\"}]}],"
	" \"blocking\": [\"first & last\", \"dob\", \"last & year(dob)\", \"first & year(dob)\"],"
	" \"training\": {\"deterministic\": [\"first & last & dob\"], \"recall\": 0.6, \"u_pairs\": 1e5,"
	"  \"em\": [\"dob\", \"first & last\"], \"seed\": 7},"
	" \"threshold\": 0.5}";

static long add_person(struct synth *s, const struct person *r, int query)
{
	char id[16];
	snprintf(id, sizeof id, "r%zu", s->n);
	const char *field[LK_MAX_COLS] = {0};
	field[lk_spec_column(&s->f.sp, "first")] = r->first;
	field[lk_spec_column(&s->f.sp, "last")] = r->last;
	field[lk_spec_column(&s->f.sp, "dob")] = r->dob;
	field[lk_spec_column(&s->f.sp, "city")] = r->city;
	struct buf why = BUF_INIT;
	long k = query ? lk_data_add_query(&s->f.d, id, field, &why) : lk_data_add(&s->f.d, id, field, 0, &why);
	buf_release(&why);
	return k;
}

static void synth_build(struct synth *s)
{
	static char firsts[300][16], lasts[1500][24];
	memset(s, 0, sizeof *s);
	rng = 3;
	for (int i = 0; i < 300; i++)
		syllables(firsts[i], sizeof firsts[i], 2 + below(2));
	for (int i = 0; i < 1500; i++)
		syllables(lasts[i], sizeof lasts[i], 3 + below(2));
	s->truth = calloc(PEOPLE, sizeof *s->truth);
	s->who = calloc(PEOPLE * 3 + 1, sizeof *s->who);
	fx_open(&s->f, EM_CONFIG);
	for (int p = 0; p < PEOPLE && s->f.ok; p++) {
		struct person *t = &s->truth[p];
		snprintf(t->first, sizeof t->first, "%s", firsts[below(300)]);
		snprintf(t->last, sizeof t->last, "%s", lasts[below(1500)]);
		snprintf(t->dob, sizeof t->dob, "%04d-%02d-%02d", 1950 + below(66), 1 + below(12), 1 + below(28));
		snprintf(t->city, sizeof t->city, "c%02d", below(40));
		for (int k = 1 + below(3); k > 0; k--) {
			struct person r;
			noisy_copy(t, &r);
			if (add_person(s, &r, 0) == (long)s->n)
				s->who[s->n++] = p;
		}
	}
	lk_data_finish(&s->f.d, -1);
}

static void synth_free(struct synth *s)
{
	fx_close(&s->f);
	free(s->truth);
	free(s->who);
}

static const struct lk_level *level(const struct lk_spec *sp, const char *cmp, int k)
{
	for (int c = 0; c < sp->ncmp; c++)
		if (!strcmp(sp->cmp[c].name, cmp))
			return &sp->cmp[c].lev[k];
	return NULL;
}

static void link_training_recovers_the_population(void)
{
	struct synth s;
	synth_build(&s);
	struct lk_spec *sp = &s.f.sp;
	const struct lk_data *d = &s.f.d;
	/* The truth: every pair of one person's records, and the share of them whose dates of
	 * birth are equal (about 0.9², each record's date being wrong apart). */
	size_t true_pairs = 0, same_dob = 0;
	int dob = lk_spec_column(sp, "dob");
	for (size_t i = 0; i < s.n; i++)
		for (size_t j = i + 1; j < s.n && s.who[j] == s.who[i]; j++) {
			true_pairs++;
			same_dob += LK_V(d, i, dob) == LK_V(d, j, dob);
		}
	double lambda = (double)true_pairs / ((double)s.n * (double)(s.n - 1) / 2);
	struct buf report = BUF_INIT, why = BUF_INIT;
	CHECK(lk_train(sp, d, 1, &report, &why) == 0);
	CHECK(strstr(report.p, "lambda") != NULL);
	/* λ from the deterministic rule and an assumed recall: the right order of magnitude. */
	CHECK(sp->lambda > lambda / 3 && sp->lambda < lambda * 3);
	/* An exact first name is far likelier between matches than between random records. */
	const struct lk_level *fx = level(sp, "first", 0), *dx = level(sp, "dob", 0);
	CHECK(fx && fx->m > 0.5 && fx->m > 20 * fx->u);
	NEAR(dx->m, (double)same_dob / (double)true_pairs, 0.05);
	CHECK(dx->u < 0.01 && dx->w > 5);
	/* Scoring: most true pairs found, and few false ones. */
	struct lk_result res;
	lk_predict(sp, d, 0, 0.5, 2, &res);
	size_t hit = 0;
	for (size_t k = 0; k < res.n; k++) {
		hit += s.who[res.pair[k].l] == s.who[res.pair[k].r];
		CHECK(res.pair[k].l < res.pair[k].r && res.pair[k].p >= 0.5);
	}
	double recall = (double)hit / (double)true_pairs, precision = res.n ? (double)hit / (double)res.n : 0;
	if (recall < 0.95 || precision < 0.95) {
		fprintf(stderr, "    %zu true pairs, %zu found, %zu right: recall %.3f, precision %.3f\n%s", true_pairs,
			res.n, hit, recall, precision, report.p);
		t_failed_checks++;
	}
	/* An explanation's parts and the prior add up to the pair's weight. */
	if (res.n) {
		const struct lk_pair *pr = &res.pair[res.n / 2];
		struct lk_part parts[LK_MAX_CMPS];
		int8_t g[LK_MAX_CMPS];
		lk_explain(sp, d, pr->l, pr->r, parts);
		lk_gamma(sp, d, pr->l, pr->r, g);
		double sum = log2(sp->lambda / (1 - sp->lambda)), w = lk_weight(sp, d, pr->l, pr->r, g);
		for (int c = 0; c < sp->ncmp; c++) {
			sum += parts[c].weight;
			CHECK_STR(parts[c].comparison, sp->cmp[c].name);
			CHECK_STR(parts[c].level, g[c] < 0 ? "missing" : sp->cmp[c].lev[g[c]].label);
		}
		NEAR(sum, w, 1e-9);
		NEAR(pr->w, w, 1e-4 * fabs(w) + 1e-4); /* stored as a float */
		NEAR(pr->p, lk_probability(w), 1e-6);
	}
	lk_result_free(&res);
	/* A new record, not indexed, finds its person first. Person 17's name with a typo, and the
	 * rest right. */
	struct person q = s.truth[17];
	typo(q.first);
	long qi = add_person(&s, &q, 1);
	CHECK(qi == (long)s.n);
	lk_query(sp, d, (size_t)qi, 0.5, &res);
	CHECK(res.n >= 1 && res.pair[0].r == (uint32_t)qi && s.who[res.pair[0].l] == 17);
	for (size_t k = 1; k < res.n; k++)
		CHECK(res.pair[k].w <= res.pair[k - 1].w); /* best first */
	lk_result_free(&res);
	buf_release(&report);
	buf_release(&why);
	synth_free(&s);
}

/* A training rule that finds no pairs cannot train m: refused with the rule named. */
static void link_training_needs_pairs(void)
{
	struct fx f;
	fx_open(&f, CONFIG(COLS, CMPS, BLOCK, TRAIN, THR));
	rec(&f, "1", "first", "Anna", "dob", "2001-02-03", NULL);
	rec(&f, "2", "first", "Zoe", "dob", "2004-05-06", NULL);
	lk_data_finish(&f.d, -1);
	struct buf report = BUF_INIT, why = BUF_INIT;
	CHECK(f.ok && lk_train(&f.sp, &f.d, 1, &report, &why) == -1);
	CHECK(strstr(why.p, "\"dob\"") != NULL);
	buf_release(&report);
	buf_release(&why);
	fx_close(&f);
}

/* ---- Clustering ---- */

static struct lk_pair link_of(uint32_t l, uint32_t r, double p)
{
	return (struct lk_pair){l, r, (float)p, (float)log2(p / (1 - p))};
}

static const struct lk_pair *find_pair(const struct lk_result *res, uint32_t l, uint32_t r)
{
	for (size_t k = 0; k < res->n; k++)
		if (res->pair[k].l == l && res->pair[k].r == r)
			return &res->pair[k];
	return NULL;
}

static void link_clusters_join_through_the_weakest_link(void)
{
	/* A–B and B–C strong, A–C never scored: A–C follows, as strong as the weaker link. */
	struct lk_result res = {0};
	lk_result_push(&res, link_of(1, 2, 0.97));
	lk_result_push(&res, link_of(0, 1, 0.99));
	lk_cluster(&res, 3, NULL, 0.95, 10);
	const struct lk_pair *ac = find_pair(&res, 0, 2);
	CHECK(res.n == 3 && ac && fabs(ac->p - 0.97) < 1e-6);
	CHECK(res.pair[0].l == 0 && res.pair[0].r == 1 && res.pair[2].l == 1); /* ordered by (l, r) */
	lk_result_free(&res);
	/* A–C scored weakly on its own: raised to the chain's strength. Links below the cluster
	 * threshold join nothing but stay. */
	lk_result_push(&res, link_of(0, 1, 0.99));
	lk_result_push(&res, link_of(1, 2, 0.97));
	lk_result_push(&res, link_of(0, 2, 0.6));
	lk_result_push(&res, link_of(2, 3, 0.9));
	lk_cluster(&res, 4, NULL, 0.95, 10);
	ac = find_pair(&res, 0, 2);
	CHECK(res.n == 4 && ac && fabs(ac->p - 0.97) < 1e-6);
	CHECK(!find_pair(&res, 0, 3) && !find_pair(&res, 1, 3));
	lk_result_free(&res);
	/* A chain 0–1–2–3: max_size 3 stops it before the fourth record. */
	lk_result_push(&res, link_of(0, 1, 0.99));
	lk_result_push(&res, link_of(1, 2, 0.98));
	lk_result_push(&res, link_of(2, 3, 0.97));
	lk_cluster(&res, 4, NULL, 0.95, 3);
	CHECK(res.n == 4 && find_pair(&res, 0, 2) && !find_pair(&res, 0, 3) && !find_pair(&res, 1, 3));
	lk_result_free(&res);
	lk_result_push(&res, link_of(0, 1, 0.99));
	lk_result_push(&res, link_of(1, 2, 0.98));
	lk_result_push(&res, link_of(2, 3, 0.97));
	lk_cluster(&res, 4, NULL, 0.95, 2);
	CHECK(res.n == 3);
	lk_result_free(&res);
	/* Linking: A and C come from the same input, so their pair is not added; D from the other
	 * input joins through C and is paired with A. */
	static const uint8_t src[] = {0, 1, 0, 1};
	lk_result_push(&res, link_of(0, 1, 0.99));
	lk_result_push(&res, link_of(1, 2, 0.98));
	lk_result_push(&res, link_of(2, 3, 0.97));
	lk_cluster(&res, 4, src, 0.95, 10);
	CHECK(!find_pair(&res, 0, 2) && !find_pair(&res, 1, 3));
	const struct lk_pair *ad = find_pair(&res, 0, 3);
	CHECK(res.n == 4 && ad && fabs(ad->p - 0.97) < 1e-6);
	lk_result_free(&res);
	/* Nothing to join. */
	lk_cluster(&res, 0, NULL, 0.95, 10);
	CHECK(res.n == 0);
	lk_result_free(&res);
}

/* ---- CSV ---- */

/* Reads all of data (copied to exactly len + 1 bytes, so ASan sees any read past the end) into
 * out: fields joined by '|', records ending with '\n', and at most 16 records, so a reader that
 * stops advancing fails rather than hangs. Returns the last csv_next result. */
static int read_all(const char *data, size_t len, char *out, size_t cap, size_t *lines)
{
	char *copy = malloc(len + 1);
	memcpy(copy, data, len);
	copy[len] = '\0';
	struct csv c;
	csv_init(&c, copy, len);
	int r, k = 0;
	out[0] = '\0';
	while ((r = csv_next(&c)) > 0 && k < 16) {
		for (size_t i = 0; i < c.n; i++)
			snprintf(out + strlen(out), cap - strlen(out), "%s%s", i ? "|" : "", csv_field(&c, i));
		snprintf(out + strlen(out), cap - strlen(out), "\n");
		if (lines)
			lines[k] = c.line;
		k++;
	}
	if (k == 16)
		r = 99;
	csv_release(&c);
	free(copy);
	return r;
}
#define READ(lit) read_all(lit, sizeof lit - 1, out, sizeof out, lines)

static void link_csv_reads_rfc4180(void)
{
	char out[512];
	size_t lines[16];
	/* Quoted commas, doubled quotes, empty fields quoted or not; a field past the last is "". */
	CHECK(READ("a,\"b,c\",\"d\"\"e\",,\"\"\n") == 0);
	CHECK_STR(out, "a|b,c|d\"e||\n");
	struct csv c;
	csv_init(&c, "x,y", 3);
	CHECK(csv_next(&c) == 1 && c.n == 2 && !strcmp(csv_field(&c, 1), "y") && !strcmp(csv_field(&c, 2), ""));
	CHECK(csv_next(&c) == 0 && csv_next(&c) == 0);
	csv_release(&c);
	/* A quoted newline is part of the field; line is where each record starts. CRLF ends a
	 * record like LF; the last line needs no line end. */
	CHECK(READ("\"x\ny\",z\r\nnext,1\r\n\"p\r\nq\"\nlast") == 0);
	CHECK_STR(out, "x\ny|z\nnext|1\np\r\nq\nlast\n");
	CHECK(lines[0] == 1 && lines[1] == 3 && lines[2] == 4 && lines[3] == 6);
	/* A byte-order mark at the start is skipped, nowhere else. */
	CHECK(READ("\xEF\xBB\xBFid,name\n\xEF\xBB\xBFx\n") == 0);
	CHECK_STR(out, "id|name\n\xEF\xBB\xBFx\n");
	/* Empty lines are records of one empty field; a trailing comma is an empty last field. */
	CHECK(READ(",\n\nx,\n") == 0);
	CHECK_STR(out, "|\n\nx|\n");
	CHECK(lines[2] == 3);
	CHECK(READ("") == 0 && !out[0]);
	CHECK(READ("\xEF\xBB\xBF") == 0 && !out[0]);
	CHECK(READ("\"\"") == 0);
	CHECK_STR(out, "\n");
	CHECK(READ("\"a\"\"\"") == 0); /* ends on a doubled quote then the closing one */
	CHECK_STR(out, "a\"\n");
}

static void link_csv_refuses_malformed_input(void)
{
	char out[512];
	size_t lines[16];
	CHECK(READ("\"abc") == -1);           /* a quote left open */
	CHECK(READ("a\n\"b\nc\nd") == -1);    /* ... over several lines */
	CHECK(lines[0] == 1);
	CHECK(READ("\"ab\"c,d\n") == -1);     /* text after a closing quote */
	CHECK(READ("\"ab\" ,d\n") == -1);
	CHECK(READ("a,\"b\"\"") == -1);       /* the last quote doubled: still open */
	/* CSV_MAX_FIELDS fields are read; one more is refused. */
	char many[2 * CSV_MAX_FIELDS + 2];
	for (int n = CSV_MAX_FIELDS; n <= CSV_MAX_FIELDS + 1; n++) {
		size_t len = 0;
		for (int i = 0; i < n; i++)
			many[len++] = 'x', many[len++] = ',';
		many[len - 1] = '\n';
		struct csv c;
		char *copy = malloc(len + 1);
		memcpy(copy, many, len);
		copy[len] = '\0';
		csv_init(&c, copy, len);
		int r = csv_next(&c);
		CHECK(n == CSV_MAX_FIELDS ? r == 1 && c.n == CSV_MAX_FIELDS : r == -1);
		csv_release(&c);
		free(copy);
	}
}

/* A NUL byte is data, quoted or not (csv_field shows a field up to it): the reader goes on past
 * it to the end, and never reads beyond len. */
static void link_csv_embedded_nul(void)
{
	char out[512];
	size_t lines[16];
	CHECK(read_all("ab\0cd,e\nf\n", 10, out, sizeof out, lines) == 0);
	CHECK_STR(out, "ab|e\nf\n");
	CHECK(read_all("\"a\0b\",c\n", 8, out, sizeof out, lines) == 0);
	CHECK_STR(out, "a|c\n");
	CHECK(read_all("a\0", 2, out, sizeof out, lines) == 0);
	CHECK_STR(out, "a\n");
	CHECK(read_all("\0\0\0,x", 5, out, sizeof out, lines) == 0);
	CHECK_STR(out, "|x\n");
}

SUITE(link) = {TEST_ROW(link_jaro_winkler_known_values),
	       TEST_ROW(link_jaro_winkler_matches_the_definition),
	       TEST_ROW(link_osa_known_values),
	       TEST_ROW(link_osa_cut_off_agrees_with_the_full_distance),
	       TEST_ROW(link_names_meet_across_scripts),
	       TEST_ROW(link_nickname_groups_from_a_table),
	       TEST_ROW(link_name_tests_reach_their_levels),
	       TEST_ROW(link_swapped_and_token_tests_reach_their_levels),
	       TEST_ROW(link_date_and_code_tests_reach_their_levels),
	       TEST_ROW(link_derived_columns),
	       TEST_ROW(link_a_level_tests_its_own_column),
	       TEST_ROW(link_spec_errors_have_reasons),
	       TEST_ROW(link_training_recovers_the_population),
	       TEST_ROW(link_training_needs_pairs),
	       TEST_ROW(link_clusters_join_through_the_weakest_link),
	       TEST_ROW(link_csv_reads_rfc4180),
	       TEST_ROW(link_csv_refuses_malformed_input),
	       TEST_ROW(link_csv_embedded_nul),
	       {0}};
