/* account: the rules of a user account's names — usernames and interface locales — shared by
 * the API and the command line so both accept the same accounts. */
#ifndef HV_ACCOUNT_H
#define HV_ACCOUNT_H

/* 2-64 lower-case ASCII letters, digits, '.', '_', '-' or '@'. */
int account_username_valid(const char *s);
/* A BCP 47 language with an optional region (en, ckb, fr-CA). */
int account_locale_valid(const char *s);

#endif
