/* xalloc: the one allocation wrapper (STYLE.md 10), and the memory bound
 * (--max-memory).
 *
 * Every allocation in clustersim goes through these. They never return
 * NULL, so callers carry no untested out-of-memory branches.
 *
 * The bound. The process's memory is measured (its peak resident set;
 * under AddressSanitizer the bytes its allocator holds) once per
 * XALLOC_SAMPLE bytes requested here, and before any single request of
 * that size or more (counting the request itself, so a huge calloc is
 * refused before it is made). When the measure passes the limit:
 *   - xalloc_over() becomes true and xalloc_over_what() names what was
 *     being allocated ("the term heap"): the run stops cleanly at its
 *     next step (the shell's evaluator, the driver's observer), as for
 *     the other limits;
 *   - if memory goes on growing past the limit by an eighth (at least
 *     XALLOC_SAMPLE) before the run could stop, as in one C loop that
 *     never returns to the VM, or if the C library itself cannot give
 *     the memory, the fatal handler runs (xalloc_set_fatal), which must
 *     not return; without one, the message goes to stderr and the
 *     process exits with status 3.
 * What was being allocated is told by the file that asked: the macros
 * below pass __FILE__, mapped to a name in xalloc.c.
 *
 * The measure and the limit belong to the process, not to a world:
 * memory is the machine's. */
#ifndef CS_XALLOC_H
#define CS_XALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* malloc(n); a zero-byte request returns a unique non-NULL pointer. Free
 * with free(). */
#define xmalloc(n) xalloc__malloc((n), __FILE__)
/* calloc(count, size), zeroed; count * size overflowing is a request
 * too large for any limit. */
#define xcalloc(count, size) xalloc__calloc((count), (size), __FILE__)
/* realloc(p, n); p may be NULL. */
#define xrealloc(p, n) xalloc__realloc((p), (n), __FILE__)
/* A malloc'd copy of the NUL-terminated string s. */
#define xstrdup(s) xalloc__strdup((s), __FILE__)

void *xalloc__malloc(size_t n, const char *file);
void *xalloc__calloc(size_t count, size_t size, const char *file);
void *xalloc__realloc(void *p, size_t n, const char *file);
char *xalloc__strdup(const char *s, const char *file);

/* How many bytes requested between two measures. */
#define XALLOC_SAMPLE ((uint64_t)1 << 20)

/* Sets the bound in bytes (0: none, the initial state) and forgets
 * that it was passed. */
void xalloc_set_limit(uint64_t bytes);
uint64_t xalloc_limit(void);
/* The limit as the messages write it: "64M", "18078M", "1000000" (K, M,
 * G, T are powers of 1024). A static buffer. */
const char *xalloc_limit_text(void);
/* True once the measure passed the limit (inline: the VM asks between
 * steps). */
extern bool xalloc__over;
static inline bool xalloc_over(void)
{
    return xalloc__over;
}
/* What was being allocated when it was: "the term heap"; NULL before. */
const char *xalloc_over_what(void);
/* The last measure, in bytes (0 before the first). */
uint64_t xalloc_measured(void);

/* A part of the memory that can say how much it holds (the term heap):
 * when a measure passes the limit and the part holds at least half of
 * it, the part is named as what was being allocated; otherwise what the
 * file of the request that made the measure allocates is. One gauge;
 * NULL removes it. */
void xalloc_set_gauge(const char *what, uint64_t (*bytes)(void));

/* The handler of the hard stop: `msg` says what happened, e.g.
 * "max_memory=64M (allocating the term heap; stopped at once)", or with
 * the size of the one request that would pass the bound, or of the one
 * the C library refused ("...: 1048576 bytes; malloc failed"). It must
 * not return (it exits). NULL restores the default
 * (the message on stderr, exit status 3). */
typedef void (*xalloc_fatal_fn)(void *ctx, const char *msg);
void xalloc_set_fatal(xalloc_fatal_fn fn, void *ctx);

#endif
