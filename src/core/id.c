/* id: display ids with a check symbol (see id.h). */
#include "id.h"
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; /* Crockford base 32 */

static int symbol_value(char c)
{
	c = (char)toupper((unsigned char)c);
	if (c == 'O')
		c = '0';
	if (c == 'I' || c == 'L')
		c = '1';
	const char *p = strchr(alphabet, c);
	return p && c ? (int)(p - alphabet) : -1;
}

/* Luhn mod N over the symbol values, N = 32. */
static int check_value(const int *v, size_t n)
{
	int factor = 2, sum = 0;
	for (size_t i = n; i-- > 0;) {
		int add = factor * v[i];
		factor = factor == 2 ? 1 : 2;
		sum += add / 32 + add % 32;
	}
	return (32 - sum % 32) % 32;
}

void id_display_new(const char *code, char out[DISPLAY_ID_MAX])
{
	int v[6];
	char sym[8];
	for (int i = 0; i < 6; i++) {
		v[i] = (int)randombytes_uniform(32);
		sym[i] = alphabet[v[i]];
	}
	sym[6] = alphabet[check_value(v, 6)];
	sym[7] = '\0';
	snprintf(out, DISPLAY_ID_MAX, "%s-%s", code, sym);
}

int id_display_valid(const char *s)
{
	const char *dash = strrchr(s, '-');
	const char *p = dash ? dash + 1 : s;
	int v[6];
	if (strlen(p) != 7)
		return 0;
	for (int i = 0; i < 7; i++) {
		int x = symbol_value(p[i]);
		if (x < 0)
			return 0;
		if (i < 6)
			v[i] = x;
		else
			return x == check_value(v, 6);
	}
	return 0;
}

void id_agency_code(const char *name, char out[8])
{
	size_t n = 0;
	int start = 1;
	for (const char *p = name; *p && n < 4; p++) {
		unsigned char c = (unsigned char)*p;
		if (isalnum(c) && c < 128) {
			if (start)
				out[n++] = (char)toupper(c);
			start = 0;
		} else {
			start = 1;
		}
	}
	/* Too few initials (one word, or a non-Latin name): pad from the letters A.. */
	for (const char *p = name; n < 2 && *p; p++)
		if (isalnum((unsigned char)*p) && (unsigned char)*p < 128 && (n == 0 || out[n - 1] != toupper(*p)))
			out[n++] = (char)toupper((unsigned char)*p);
	while (n < 2)
		out[n++] = 'X';
	out[n] = '\0';
}

int id_agency_code_valid(const char *code)
{
	size_t n = strlen(code);
	if (n < 2 || n > 4)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(isdigit((unsigned char)code[i]) || (code[i] >= 'A' && code[i] <= 'Z')))
			return 0;
	return 1;
}

void id_agency_code_variant(const char *base, int n, char out[8])
{
	size_t len = strlen(base);
	snprintf(out, 8, "%.*s%d", (int)(len < 4 ? len : 3), base, n);
}
