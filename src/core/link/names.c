/* names: transliteration and name keys (see names.h). */
#include "names.h"
#include "base/alloc.h"
#include "base/csv.h"
#include <stdlib.h>
#include <string.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

/* Arabic's taa marbuta is the final -a of Fatima (فاطمة), not a t; the other rules are ICU's.
 * Latin-ASCII leaves a few letters (ǝ from Ethiopic, ʿ ʾ from Arabic): the filter after takes
 * care of those. */
static const char RULES[] = "::NFKC; \\u0629 > ; ::Any-Latin; ::Latin-ASCII; ::Lower; \\u01DD > e;";

int names_open(struct names *nm, struct buf *why)
{
	memset(nm, 0, sizeof *nm);
	intern_init(&nm->nick);
	nm->gcap = 1024;
	nm->groups = xcalloc(nm->gcap, sizeof *nm->groups);
	UChar rules[sizeof RULES], id[] = {'H', 'a', 'v', 'e', 'n', '-', 'N', 'a', 'm', 'e', 's', 0};
	u_uastrcpy(rules, RULES);
	UParseError pe;
	UErrorCode st = U_ZERO_ERROR;
	nm->trans = utrans_openU(id, -1, UTRANS_FORWARD, rules, -1, &pe, &st);
	if (U_FAILURE(st)) {
		buf_addf(why, "ICU transliterator: %s", u_errorName(st));
		names_close(nm);
		return -1;
	}
	return 0;
}

void names_close(struct names *nm)
{
	if (nm->trans)
		utrans_close(nm->trans);
	intern_release(&nm->nick);
	free(nm->groups);
	memset(nm, 0, sizeof *nm);
}

/* Keeps [a-z0-9], drops apostrophes, turns anything else into one word break. */
static void ascii_words(const char *s, size_t n, struct buf *out)
{
	int gap = 0;
	size_t start = out->len;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (gap && out->len > start)
				buf_addch(out, ' ');
			gap = 0;
			buf_addch(out, (char)c);
		} else if (c != '\'' && c != '`') {
			gap = 1;
		}
	}
}

int names_latin(struct names *nm, const char *s, size_t n, struct buf *out)
{
	size_t i = 0;
	while (i < n && (unsigned char)s[i] < 0x80)
		i++;
	if (i == n) {
		ascii_words(s, n, out);
		return 0;
	}
	UErrorCode st = U_ZERO_ERROR;
	int32_t len = 0, cap = (int32_t)n * 4 + 16;
	UChar *u = xmalloc((size_t)cap * sizeof *u);
	u_strFromUTF8(u, cap, &len, s, (int32_t)n, &st);
	int32_t limit = len;
	if (U_SUCCESS(st))
		utrans_transUChars(nm->trans, u, &len, cap, 0, &limit, &st);
	if (st == U_BUFFER_OVERFLOW_ERROR) { /* transliteration can lengthen the text */
		cap = len + 16;
		u = xrealloc(u, (size_t)cap * sizeof *u);
		st = U_ZERO_ERROR;
		u_strFromUTF8(u, cap, &len, s, (int32_t)n, &st);
		limit = len;
		utrans_transUChars(nm->trans, u, &len, cap, 0, &limit, &st);
	}
	int rc = -1;
	if (U_SUCCESS(st)) {
		char *utf8 = xmalloc((size_t)len * 4 + 1);
		int32_t blen = 0;
		u_strToUTF8(utf8, len * 4 + 1, &blen, u, len, &st);
		if (U_SUCCESS(st)) {
			ascii_words(utf8, (size_t)blen, out);
			rc = 0;
		}
		free(utf8);
	}
	free(u);
	return rc;
}

static int vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

void names_skeleton(const char *s, size_t n, struct buf *out)
{
	char last = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == ' ' || vowel(c) || ((c == 'w' || c == 'y') && i > 0))
			continue;
		if (c == 'x') { /* Alexander, Aleksandr */
			if (last != 'k')
				buf_addch(out, 'k');
			c = 's';
		}
		if (c != last)
			buf_addch(out, c);
		last = c;
	}
}

/* Soundex's classes: letters that sound alike in many languages' Latin spellings. */
static char sound_class(char c)
{
	static const char *const cls[] = {"bfpv", "cgjkqsxz", "dt", "l", "mn", "r"};
	for (int k = 0; k < 6; k++)
		if (strchr(cls[k], c))
			return (char)('1' + k);
	return 0;
}

/* The first letter is kept, with the spellings of one sound made one (Catherine, Katherine;
 * Phillip, Filip; any initial vowel); the rest is class digits with repeats collapsed. */
void names_phonetic(const char *s, size_t n, struct buf *out)
{
	size_t i = 0;
	while (i < n && s[i] == ' ')
		i++;
	if (i == n)
		return;
	char first = s[i], prev;
	if (first == 'p' && i + 1 < n && s[i + 1] == 'h') {
		first = 'f';
		i++;
	}
	first = vowel(first) || first == 'y' ? 'a' : first == 'c' || first == 'q' ? 'k' : first == 'z' ? 's' : first == 'v' ? 'f' : first;
	buf_addch(out, first);
	prev = sound_class(first);
	for (i++; i < n; i++) {
		char d = sound_class(s[i]);
		if (s[i] == 'h' || s[i] == 'w')
			continue; /* as in Soundex, h and w do not separate two of a class */
		if (d && d != prev)
			buf_addch(out, d);
		prev = d;
	}
}

static void group_add(struct names *nm, uint32_t name, uint32_t group)
{
	uint32_t *g = nm->groups[name];
	for (int k = 0; k < NAMES_MAX_GROUPS; k++) {
		if (g[k] == group)
			return;
		if (!g[k]) {
			g[k] = group;
			return;
		}
	}
}

int names_add_groups(struct names *nm, const char *csv, size_t len, struct buf *why)
{
	struct csv c;
	struct buf latin = BUF_INIT;
	int r, rc = 0;
	csv_init(&c, csv, len);
	while ((r = csv_next(&c)) > 0) {
		if (csv_field(&c, 0)[0] == '#' || (c.n == 1 && !csv_field(&c, 0)[0]))
			continue;
		uint32_t group = ++nm->ngroups;
		for (size_t f = 0; f < c.n; f++) {
			buf_reset(&latin);
			const char *v = csv_field(&c, f);
			if (names_latin(nm, v, strlen(v), &latin) || !latin.len) {
				r = -1;
				break;
			}
			uint32_t id = intern_id(&nm->nick, latin.p, latin.len, 1);
			if (id >= nm->gcap) {
				nm->groups = xreallocarray(nm->groups, nm->gcap * 2, sizeof *nm->groups);
				memset(nm->groups + nm->gcap, 0, nm->gcap * sizeof *nm->groups);
				nm->gcap *= 2;
			}
			group_add(nm, id, group);
		}
		if (r < 0)
			break;
	}
	if (r < 0) {
		buf_addf(why, "nickname table, line %zu: not a list of names", c.line);
		rc = -1;
	}
	buf_release(&latin);
	csv_release(&c);
	return rc;
}

void names_groups(const struct names *nm, const char *latin, size_t n, uint32_t out[NAMES_MAX_GROUPS])
{
	uint32_t id = intern_id((struct intern *)&nm->nick, latin, n, 0); /* a lookup: nothing added */
	memset(out, 0, NAMES_MAX_GROUPS * sizeof *out);
	if (id)
		memcpy(out, nm->groups[id], NAMES_MAX_GROUPS * sizeof *out);
}
