/* alloc: allocation wrappers that abort on out-of-memory and check size overflow.
 * Every heap allocation in Haven goes through these; callers never test for NULL. */
#ifndef HV_ALLOC_H
#define HV_ALLOC_H
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t count, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
