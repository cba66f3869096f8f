/* Unit tests of base/: buf limits, JSON strictness, and Unicode folding for search. */
#include "harness.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/json.h"
#include "base/text.h"
#include <stdlib.h>

static void buf_grows_and_limits(void)
{
	struct buf b = BUF_INIT;
	CHECK_STR(b.p, "");
	for (int i = 0; i < 1000; i++)
		buf_addf(&b, "%d,", i);
	CHECK(b.len > 2000 && b.p[b.len] == '\0');
	buf_release(&b);
	struct buf lim;
	buf_init(&lim, 8);
	CHECK(buf_adds(&lim, "12345678") == 0);
	CHECK(buf_adds(&lim, "9") == -HV_ETOOBIG);
	CHECK_STR(lim.p, "12345678");
	buf_release(&lim);
}

static void buf_hex_and_detach(void)
{
	struct buf b = BUF_INIT;
	unsigned char d[] = {0x00, 0xab, 0xff};
	buf_add_hex(&b, d, 3);
	char *s = buf_detach(&b);
	CHECK_STR(s, "00abff");
	CHECK_STR(b.p, "");
	free(s);
}

SUITE(buf) = {TEST_ROW(buf_grows_and_limits), TEST_ROW(buf_hex_and_detach), {0}};

static void json_rejects_duplicates_and_garbage(void)
{
	struct err e;
	err_init(&e);
	json_t *v = NULL;
	CHECK(json_parse_object("{\"a\":1,\"a\":2}", 13, &v, &e) == -HV_EINVAL);
	CHECK(strstr(e.msg.p, "duplicate") != NULL);
	err_clear(&e);
	CHECK(json_parse_object("{\"a\":1} x", 9, &v, &e) == -HV_EINVAL);
	err_clear(&e);
	CHECK(json_parse_object("[1]", 3, &v, &e) == -HV_EINVAL);
	err_clear(&e);
	CHECK(json_parse_object("{\"a\":\"\\u0000\"}", 14, &v, &e) == -HV_EINVAL);
	err_clear(&e);
	CHECK(json_parse_object("{\"a\":[1,2]}", 11, &v, &e) == 0);
	json_decref(v);
	err_release(&e);
}

static void json_only_known_keys(void)
{
	struct err e;
	err_init(&e);
	json_t *v = json_pack("{s:i,s:i}", "a", 1, "zz", 2);
	static const char *const ok[] = {"a", NULL};
	CHECK(json_only_keys(v, ok, &e) == -HV_EVALID);
	CHECK_STR(e.field.p, "zz");
	json_decref(v);
	err_release(&e);
}

SUITE(json) = {TEST_ROW(json_rejects_duplicates_and_garbage), TEST_ROW(json_only_known_keys), {0}};

static char *fold(const char *s)
{
	struct buf b = BUF_INIT;
	if (text_fold(s, &b))
		return NULL;
	return buf_detach(&b);
}

static void fold_case(const char *a, const char *b)
{
	char *fa = fold(a), *fb = fold(b);
	CHECK_STR(fa, fb);
	free(fa);
	free(fb);
}

static void fold_latin_accents_and_nfd(void)
{
	fold_case("José", "jose");
	fold_case("Jose\xcc\x81", "José"); /* NFD e + combining acute */
	fold_case("LEFÈVRE", "lefevre");
	fold_case("Straße", "strasse");
	fold_case("Zoë", "zoe");
}

static void fold_cyrillic_and_greek_case(void)
{
	fold_case("ОЛЕГ", "олег");
	fold_case("Йосиф", "иосиф"); /* й is и + breve: accent-insensitive within the script */
	fold_case("ΣΟΦΙΑ", "σοφια");
}

static void fold_arabic_marks_and_tatweel(void)
{
	fold_case("مُحَمَّد", "محمد");
	fold_case("مـحـمـد", "محمد"); /* tatweel */
	fold_case("أحمد", "احمد");     /* hamza above is a mark */
}

static void fold_keeps_khmer_vowels(void)
{
	/* Khmer dependent vowels are marks but letters' vowels: they must survive folding. */
	char *a = fold("សុខា"), *b = fold("សខា");
	CHECK(a && b && strcmp(a, b) != 0);
	free(a);
	free(b);
}

static void fold_rejects_invalid_utf8(void)
{
	struct buf b = BUF_INIT;
	CHECK(text_fold("\xff\xfe", &b) == -HV_EINVAL);
	CHECK(!text_valid_utf8("a\0b", 3));
	CHECK(text_codepoints("محمد") == 4);
	buf_release(&b);
}

static void percent_decoding(void)
{
	struct buf b = BUF_INIT;
	CHECK(text_percent_decode("%D8%B7%D9%84%D8%A8 court order 12", &b) == 0);
	CHECK_STR(b.p, "طلب court order 12");
	buf_reset(&b);
	CHECK(text_percent_decode("bad %G1", &b) == -HV_EINVAL);
	buf_reset(&b);
	CHECK(text_percent_decode("%FF%FE", &b) == -HV_EINVAL); /* not UTF-8 */
	buf_reset(&b);
	CHECK(text_percent_decode("%00", &b) == -HV_EINVAL);
	buf_release(&b);
}

SUITE(text) = {TEST_ROW(percent_decoding), TEST_ROW(fold_latin_accents_and_nfd), TEST_ROW(fold_cyrillic_and_greek_case),
	       TEST_ROW(fold_arabic_marks_and_tatweel), TEST_ROW(fold_keeps_khmer_vowels),
	       TEST_ROW(fold_rejects_invalid_utf8), {0}};
