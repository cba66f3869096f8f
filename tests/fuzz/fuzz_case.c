/* fuzz_case: libFuzzer harness for the untrusted-input parsers of a case write — strict JSON
 * parsing, the case document checks, merge patch, search folding — and of form conditions
 * (configuration an administrator edits). Build: make fuzz. */
#include "base/buf.h"
#include "base/json.h"
#include "base/text.h"
#include "core/cond.h"
#include "core/form.h"
#include "core/screen.h"
#include "core/record.h"
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e;
	err_init(&e);
	json_t *v = NULL;
	if (!json_parse_object((const char *)data, size, &v, &e)) {
		/* The input as a show-if condition over itself. */
		cond_check(v, &e);
		err_clear(&e);
		cond_eval(v, v);
		/* The input as a form definition, and as a write checked against it. */
		struct form *f = NULL;
		if (!form_load(v, &f, &e)) {
			struct formset fs = {.forms = &f, .n = 1};
			form_check_write(&fs, v, v, v, &e);
			form_free(f);
		}
		err_clear(&e);
		/* The input as a screening tool, and as answers to it. */
		struct screen *sc = NULL;
		if (!screen_load(v, &sc, &e)) {
			json_t *out = NULL;
			if (!screen_evaluate(sc, v, &out, &e))
				json_decref(out);
			screen_free(sc);
		}
		err_clear(&e);
		json_t *doc = json_object();
		{ /* the API applies a patch before the forms check it */
			record_apply(doc, v);
			json_t *out = record_output(json_deep_copy(doc));
			struct buf key = BUF_INIT, sort = BUF_INIT;
			record_search_key(doc, "DSS-0000000", &key, &sort);
			buf_release(&key);
			buf_release(&sort);
			json_decref(out);
		}
		json_decref(doc);
		json_decref(v);
	}
	struct buf f = BUF_INIT;
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	text_fold(s, &f);
	free(s);
	buf_release(&f);
	err_release(&e);
	return 0;
}
