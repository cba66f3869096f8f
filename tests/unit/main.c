/* main: runs every unit-test suite and prints the closing "N passed, N failed" line. */
#include "harness.h"
#include "sec/password.h"

int t_failed_checks;

#define SUITES(X) X(buf) X(text) X(id) X(record) X(perm) X(json) X(cond) X(form) X(screen) X(consent) X(store) X(audit) X(password) X(link)
#define DECL(name) extern const struct test suite_##name[];
SUITES(DECL)
#undef DECL

int main(int argc, char **argv)
{
	static const struct test *suites[] = {
#define ROW(name) suite_##name,
		SUITES(ROW)
#undef ROW
	};
	int passed = 0, failed = 0;
	password_init(1);
	for (size_t s = 0; s < sizeof suites / sizeof *suites; s++)
		for (const struct test *t = suites[s]; t->name; t++) {
			if (argc > 1 && !strstr(t->name, argv[1]))
				continue;
			int before = t_failed_checks;
			t->fn();
			if (t_failed_checks == before) {
				passed++;
			} else {
				failed++;
				fprintf(stderr, "FAIL %s\n", t->name);
			}
		}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
