/* names: how a name is reduced before it is compared, whatever its script. A name becomes
 * lower-case ASCII words (ICU: NFKC, Any-Latin, Latin-ASCII), so محمد, Мухаммед and Mohammed
 * can meet; then two coarser keys: a consonant skeleton, which is what an Arabic spelling keeps
 * of a name (abjad: mhmd = Muhammad = Mohamed), and a phonetic code (Soundex classes, not cut
 * short). Nicknames and spelling variants come from a table of groups (William, Bill, Will). */
#ifndef HV_LINK_NAMES_H
#define HV_LINK_NAMES_H
#include "base/buf.h"
#include "intern.h"
#include <stddef.h>
#include <stdint.h>

#define NAMES_MAX_GROUPS 4 /* nickname groups one name may belong to */

struct names {
	void *trans;           /* the ICU transliterator (UTransliterator), opened once */
	struct intern nick;    /* names in the nickname table */
	uint32_t (*groups)[NAMES_MAX_GROUPS]; /* by nick id: the groups, 0-terminated */
	uint32_t ngroups, gcap;
};

/* 0, or -1 with the reason in why when ICU cannot build the transliterator. Not thread-safe:
 * one struct names per thread. */
int names_open(struct names *nm, struct buf *why);
void names_close(struct names *nm);
/* Adds a nickname table: CSV lines of names that are the same given name (the first is the
 * usual form); '#' starts a comment line. Returns 0 or -1 with the line in why. */
int names_add_groups(struct names *nm, const char *csv, size_t len, struct buf *why);

/* Appends the lower-case ASCII form of the UTF-8 name s: letters and digits, words separated
 * by one space, apostrophes dropped, other marks a word break. Returns 0, or -1 when s is not
 * valid UTF-8. */
int names_latin(struct names *nm, const char *s, size_t n, struct buf *out);
/* Keys of a name already in names_latin form; both append nothing for a name without consonants. */
void names_skeleton(const char *latin, size_t n, struct buf *out);
void names_phonetic(const char *latin, size_t n, struct buf *out);
/* The nickname groups of a latin name into out (0-terminated, at most NAMES_MAX_GROUPS). */
void names_groups(const struct names *nm, const char *latin, size_t n, uint32_t out[NAMES_MAX_GROUPS]);

#endif
