/* xalloc.c: allocation wrappers that never return NULL, and the memory
 * bound they keep (xalloc.h).
 *
 * Invariants: no function here returns NULL; xalloc__over never goes
 * back to false until xalloc_set_limit; the fatal handler runs at most
 * once (per xalloc_set_fatal).
 * This is the one file in core/ that writes to stderr (the default fatal
 * handler) and reads the process's state (its memory): the bound is the
 * machine's, and nothing it measures reaches a trace, only whether a run
 * stops. The state below is the process's, as the memory is. */
#include "core/term/xalloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#if defined(__SANITIZE_ADDRESS__)
#define XALLOC_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define XALLOC_ASAN 1
#endif
#endif
#ifdef XALLOC_ASAN
/* the sanitizers' allocator (sanitizer/allocator_interface.h, which gcc
 * does not install) */
size_t __sanitizer_get_current_allocated_bytes(void);
#endif

static uint64_t limit;          /* 0: none */
static char limit_text[32];
static uint64_t since;          /* bytes requested since the last measure */
static uint64_t measured;
bool xalloc__over;
static const char *over_what;
static xalloc_fatal_fn fatal_fn;
static void *fatal_ctx;
static bool in_fatal;
static const char *gauge_what;
static uint64_t (*gauge)(void);

/* What a file allocates, for the messages: the first prefix of `file`
 * that matches. */
static const struct site {
    const char *prefix, *what;
} sites[] = {
    {"core/term/term.c", "the term heap"},
    {"core/term/term.h", "the term heap"},
    {"core/term/term_", "a term's printed text"},
    {"core/term/imap", "a node's table of peers"},
    {"core/erl/eval_vm", "a process's stack"},
    {"core/erl/eval_env", "variable bindings"},
    {"core/erl/", "compiled Erlang code"},
    {"core/rt/world", "the node table"},
    {"core/rt/proc", "the process table"},
    {"core/rt/mbox", "a mailbox"},
    {"core/rt/shell", "a shell"},
    {"core/rt/emit", "a trace event"},
    {"core/rt/bif_format", "formatted text (io_lib:format)"},
    {"core/rt/", "a BIF's result"},
    {"core/dist/", "the connections (net_kernel)"},
    {"core/global/", "the global registry"},
    {"core/lib/", "the library's modules"},
    {"scenarios/", "the scenario"},
    {"traces/", "the trace"},
    {"main.c", "the command line"},
};

static const char *what_of(const char *file)
{
    for (size_t i = 0; i < sizeof sites / sizeof *sites; i++)
        if (!strncmp(file, sites[i].prefix, strlen(sites[i].prefix)))
            return sites[i].what;
    return file;
}

/* What was being allocated when a measure passed the limit, during a
 * request from `file`: the gauge's part when it holds half the memory or
 * more (the term heap, where a runaway Erlang program grows), else what
 * `file` allocates. */
static const char *over_what_of(const char *file)
{
    if (gauge && gauge() >= measured / 2)
        return gauge_what;
    return what_of(file);
}

/* The hard stop: `what` was being allocated, in a request of n bytes (0:
 * in many small ones). */
static void fatal(const char *what, size_t n, const char *why)
{
    char msg[256], size[48] = "";
    if (n)
        snprintf(size, sizeof size, ": %zu bytes", n);
    if (limit)
        snprintf(msg, sizeof msg, "max_memory=%s (allocating %s%s; %s)",
                 limit_text, what, size, why);
    else
        snprintf(msg, sizeof msg, "out of memory (allocating %s%s; %s)",
                 what, size, why);
    if (fatal_fn && !in_fatal) {
        in_fatal = true;
        fatal_fn(fatal_ctx, msg);
    }
    fprintf(stderr, "clustersim: internal limit reached: %s\n", msg);
    exit(3);
}

static uint64_t measure(void)
{
#ifdef XALLOC_ASAN
    return (uint64_t)__sanitizer_get_current_allocated_bytes();
#else
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru))
        return 0;
    return (uint64_t)ru.ru_maxrss * 1024;   /* kilobytes on Linux */
#endif
}

/* Before a request of n bytes from `file`: measures once per
 * XALLOC_SAMPLE bytes, and before every big request. */
static void account(size_t n, const char *file)
{
    since += n;
    if (since < XALLOC_SAMPLE && n < XALLOC_SAMPLE)
        return;
    if (!limit)
        return;
    since = 0;
    measured = measure();
    /* a big request counts before it is made; a small one is noise */
    uint64_t need = measured + (n >= XALLOC_SAMPLE ? n : 0);
    if (need < measured)
        need = UINT64_MAX;
    if (need <= limit)
        return;
    if (!xalloc__over) {
        xalloc__over = true;
        over_what = n >= XALLOC_SAMPLE ? what_of(file) : over_what_of(file);
    }
    uint64_t slack = limit / 8 > XALLOC_SAMPLE ? limit / 8 : XALLOC_SAMPLE;
    if (need - limit > slack)
        fatal(n >= XALLOC_SAMPLE ? what_of(file) : over_what_of(file),
              n >= XALLOC_SAMPLE ? n : 0, "stopped at once");
}

void *xalloc__malloc(size_t n, const char *file)
{
    account(n, file);
    void *p = malloc(n ? n : 1);
    if (!p)
        fatal(what_of(file), n, "malloc failed");
    return p;
}

void *xalloc__calloc(size_t count, size_t size, const char *file)
{
    if (size && count > (size_t)-1 / size)
        fatal(what_of(file), (size_t)-1, "the size overflows");
    account(count * size, file);
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        fatal(what_of(file), count * size, "calloc failed");
    return p;
}

void *xalloc__realloc(void *p, size_t n, const char *file)
{
    account(n, file);
    void *q = realloc(p, n ? n : 1);
    if (!q)
        fatal(what_of(file), n, "realloc failed");
    return q;
}

char *xalloc__strdup(const char *s, const char *file)
{
    size_t n = strlen(s) + 1;
    char *p = xalloc__malloc(n, file);
    memcpy(p, s, n);
    return p;
}

void xalloc_set_limit(uint64_t bytes)
{
    limit = bytes;
    xalloc__over = false;
    over_what = NULL;
    since = 0;
    static const char units[] = "KMGT";
    int u = -1;
    uint64_t v = bytes;
    while (u < 3 && v && v % 1024 == 0) {
        v /= 1024;
        u++;
    }
    if (u < 0)
        snprintf(limit_text, sizeof limit_text, "%" PRIu64, bytes);
    else
        snprintf(limit_text, sizeof limit_text, "%" PRIu64 "%c", v, units[u]);
}

uint64_t xalloc_limit(void)
{
    return limit;
}

const char *xalloc_limit_text(void)
{
    return limit_text;
}

const char *xalloc_over_what(void)
{
    return over_what;
}

uint64_t xalloc_measured(void)
{
    return measured;
}

void xalloc_set_gauge(const char *what, uint64_t (*bytes)(void))
{
    gauge_what = what;
    gauge = bytes;
}

void xalloc_set_fatal(xalloc_fatal_fn fn, void *ctx)
{
    fatal_fn = fn;
    fatal_ctx = ctx;
    in_fatal = false;
}
