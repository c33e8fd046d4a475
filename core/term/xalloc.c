/* xalloc.c: allocation wrappers that abort instead of returning NULL.
 *
 * Invariant: no function here returns NULL. This is the one file in core/
 * that writes to stderr, and only on the way to abort(). */
#include "core/term/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(const char *what, size_t n)
{
    fprintf(stderr, "clustersim: out of memory (%s of %zu bytes)\n", what, n);
    abort();
}

/* malloc that aborts on failure (contract in xalloc.h). */
void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom("malloc", n);
    return p;
}

/* calloc that aborts on failure or overflow (xalloc.h). */
void *xcalloc(size_t count, size_t size)
{
    if (size && count > (size_t)-1 / size)
        oom("calloc", (size_t)-1);
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        oom("calloc", count * size);
    return p;
}

/* realloc that aborts on failure (xalloc.h). */
void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom("realloc", n);
    return q;
}

/* strdup that aborts on failure (xalloc.h). */
char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = xmalloc(n);
    memcpy(p, s, n);
    return p;
}
