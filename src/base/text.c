/* text: UTF-8 validation and search folding with ICU (see text.h). */
#include "text.h"
#include "alloc.h"
#include "err.h"
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

int text_valid_utf8(const char *s, size_t n)
{
	int32_t i = 0, len = (int32_t)n;
	if (n > INT32_MAX)
		return 0;
	while (i < len) {
		UChar32 c;
		U8_NEXT(s, i, len, c);
		if (c < 0 || c == 0)
			return 0;
	}
	return 1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int text_percent_decode(const char *s, struct buf *out)
{
	for (; *s; s++) {
		char c = *s;
		if (c == '%') {
			int hi = hexval(s[1]), lo = hi < 0 ? -1 : hexval(s[2]);
			if (lo < 0)
				return -HV_EINVAL;
			c = (char)(hi * 16 + lo);
			s += 2;
		}
		if (buf_addch(out, c))
			return -HV_ETOOBIG;
	}
	return text_valid_utf8(out->p, out->len) ? 0 : -HV_EINVAL;
}

size_t text_codepoints(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Marks on these scripts are accents or (Arabic, Hebrew) vowel points: drop them. Elsewhere
 * (Khmer, Devanagari, ...) dependent vowels are marks too, and dropping them would merge
 * different names. */
static int strips_marks(UScriptCode sc)
{
	switch (sc) {
	case USCRIPT_LATIN: case USCRIPT_GREEK: case USCRIPT_CYRILLIC:
	case USCRIPT_ARABIC: case USCRIPT_HEBREW: case USCRIPT_COMMON: case USCRIPT_INHERITED:
		return 1;
	default:
		return 0;
	}
}

static int to_utf16(const char *s, UChar **out, int32_t *outlen)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t n = 0;
	u_strFromUTF8(NULL, 0, &n, s, -1, &st);
	if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
		return -HV_EINVAL;
	st = U_ZERO_ERROR;
	*out = xcalloc((size_t)n + 1, sizeof(UChar));
	u_strFromUTF8(*out, n + 1, outlen, s, -1, &st);
	if (U_FAILURE(st)) {
		free(*out);
		return -HV_EINVAL;
	}
	return 0;
}

static int normalize(const UNormalizer2 *nf, const UChar *in, int32_t inlen, UChar **out, int32_t *outlen)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t cap = inlen * 4 + 16;
	*out = xcalloc((size_t)cap, sizeof(UChar));
	*outlen = unorm2_normalize(nf, in, inlen, *out, cap, &st);
	if (st == U_BUFFER_OVERFLOW_ERROR) {
		free(*out);
		cap = *outlen + 1;
		*out = xcalloc((size_t)cap, sizeof(UChar));
		st = U_ZERO_ERROR;
		*outlen = unorm2_normalize(nf, in, inlen, *out, cap, &st);
	}
	if (U_FAILURE(st)) {
		free(*out);
		return -HV_EINVAL;
	}
	return 0;
}

int text_fold(const char *s, struct buf *out)
{
	if (!text_valid_utf8(s, strlen(s)))
		return -HV_EINVAL;
	UErrorCode st = U_ZERO_ERROR;
	const UNormalizer2 *nfkd = unorm2_getNFKDInstance(&st);
	const UNormalizer2 *nfc = unorm2_getNFCInstance(&st);
	if (U_FAILURE(st))
		return -HV_EINTERNAL;
	UChar *u16 = NULL, *dec = NULL, *comp = NULL;
	int32_t n16 = 0, ndec = 0, ncomp = 0;
	int rc = to_utf16(s, &u16, &n16);
	if (!rc)
		rc = normalize(nfkd, u16, n16, &dec, &ndec);
	if (rc) {
		free(u16);
		return rc;
	}
	/* Drop marks after bases of mark-stripping scripts, drop tatweel, fold case. Folding can
	 * expand (ß -> ss), so the output holds up to 3 UTF-16 units per code point. */
	UChar *kept = xcalloc((size_t)ndec * 3 + 4, sizeof(UChar));
	int32_t nk = 0;
	UScriptCode base = USCRIPT_COMMON;
	for (int32_t i = 0; i < ndec;) {
		UChar32 c;
		U16_NEXT(dec, i, ndec, c);
		int8_t type = u_charType(c);
		if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK) {
			if (strips_marks(base))
				continue;
		} else {
			UErrorCode se = U_ZERO_ERROR;
			base = uscript_getScript(c, &se);
		}
		if (c == 0x0640) /* Arabic tatweel: a stretching stroke, not a letter */
			continue;
		UChar one[2], folded[8];
		int32_t n1 = 0, nf;
		UBool bad = 0;
		U16_APPEND(one, n1, 2, c, bad);
		(void)bad;
		UErrorCode fe = U_ZERO_ERROR;
		nf = u_strFoldCase(folded, 8, one, n1, U_FOLD_CASE_DEFAULT, &fe);
		if (U_FAILURE(fe))
			continue;
		for (int32_t k = 0; k < nf; k++)
			kept[nk++] = folded[k];
	}
	rc = normalize(nfc, kept, nk, &comp, &ncomp);
	if (!rc) {
		char *u8 = xmalloc((size_t)ncomp * 4 + 1);
		int32_t n8 = 0;
		st = U_ZERO_ERROR;
		u_strToUTF8(u8, ncomp * 4 + 1, &n8, comp, ncomp, &st);
		rc = U_FAILURE(st) ? -HV_EINTERNAL : buf_add(out, u8, (size_t)n8);
		free(u8);
		free(comp);
	}
	free(u16);
	free(dec);
	free(kept);
	return rc;
}
