/* xalloc: the one allocation wrapper (STYLE.md 10).
 *
 * Every allocation in clustersim goes through these. They never return
 * NULL: when the C library cannot satisfy a request they print one line to
 * stderr and abort, so callers carry no untested out-of-memory branches. */
#ifndef CS_XALLOC_H
#define CS_XALLOC_H

#include <stddef.h>

/* malloc(n); a zero-byte request returns a unique non-NULL pointer. Aborts
 * on failure. Free with free(). */
void *xmalloc(size_t n);
/* calloc(count, size), zeroed; aborts on failure or on count * size
 * overflowing. */
void *xcalloc(size_t count, size_t size);
/* realloc(p, n); p may be NULL. Aborts on failure (p is then lost, which
 * does not matter since the program ends). */
void *xrealloc(void *p, size_t n);
/* A malloc'd copy of the NUL-terminated string s. Aborts on failure. */
char *xstrdup(const char *s);

#endif
