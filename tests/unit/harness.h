/* harness: a minimal unit-test harness. Each test file defines TEST(name) functions and lists
 * them in its suite table; main.c runs every suite and prints "N passed, N failed". */
#ifndef HV_HARNESS_H
#define HV_HARNESS_H
#include <stdio.h>
#include <string.h>

extern int t_failed_checks;

#define CHECK(cond)                                                                              \
	do {                                                                                     \
		if (!(cond)) {                                                                   \
			fprintf(stderr, "    %s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
			t_failed_checks++;                                                       \
		}                                                                                \
	} while (0)
#define CHECK_STR(a, b)                                                                              \
	do {                                                                                         \
		const char *a_ = (a), *b_ = (b);                                                     \
		if (!a_ || !b_ || strcmp(a_, b_)) {                                                  \
			fprintf(stderr, "    %s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, a_ ? a_ : "(null)", \
				b_ ? b_ : "(null)");                                                 \
			t_failed_checks++;                                                           \
		}                                                                                    \
	} while (0)

struct test {
	const char *name;
	void (*fn)(void);
};

#define SUITE(name) const struct test suite_##name[]
#define TEST_ROW(fn) {#fn, fn}

#endif
