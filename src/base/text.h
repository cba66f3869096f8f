/* text: UTF-8 checks and the search folding of names. Folding is NFKD, combining marks
 * stripped (for scripts where marks are accents or Arabic vowel signs, not where they are
 * letters' vowels, as in Khmer), tatweel removed, full case folding, then NFC. The store
 * keeps the folded key beside each record and folds queries the same way. */
#ifndef HV_TEXT_H
#define HV_TEXT_H
#include <stddef.h>
#include "buf.h"

int text_valid_utf8(const char *s, size_t n);
/* Appends the folded form of s to out; returns 0, or -HV_EINVAL on invalid UTF-8. */
int text_fold(const char *s, struct buf *out);
/* Decodes %XX escapes (for UTF-8 text carried in an HTTP header) into out; returns 0, or
 * -HV_EINVAL on a malformed escape or a result that is not valid UTF-8. */
int text_percent_decode(const char *s, struct buf *out);
/* Number of Unicode code points in a valid UTF-8 string. */
size_t text_codepoints(const char *s);

#endif
