/* account: username and locale rules (see account.h). */
#include "account.h"
#include <string.h>

int account_username_valid(const char *s)
{
	size_t n = strlen(s);
	return n >= 2 && n <= 64 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._-@") == n;
}

int account_locale_valid(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz");
	if (n < 2 || n > 3)
		return 0;
	if (!s[n])
		return 1;
	return s[n] == '-' && strlen(s + n + 1) == 2 && strspn(s + n + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 2;
}
