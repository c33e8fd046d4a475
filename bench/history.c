/* bench/history: the linearizability checker's speed (`history check`,
 * traces/lincheck.c) on generated histories shaped like the ones whose
 * Porcupine times are quoted in bench/README.md: 10,000 operations on 5
 * keys by 10 processes (linearizable, and with one stale read), one key
 * with 20 % of its writes timed out (info), and small histories with
 * many info writes and one stale read. Each history is generated from a
 * fixed seed (sim/rng.h) by clients of a real register: every operation
 * takes effect at a random moment between its invocation and its
 * completion, a timed-out one maybe never. Only the check is timed
 * (median of 3); the wall clock is read here only, and no test asserts
 * on it. usage: bench_history */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "sim/rng.h"
#include "traces/history.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void add(history *h, long *line, const char *text)
{
    char err[256];
    if (history_add_line(h, "gen", ++*line, text, strlen(text), err, sizeof err)) {
        fprintf(stderr, "bench_history: %s\n%s\n", err, text);
        exit(2);
    }
}

static void ev(history *h, long *line, const char *type, int f, int64_t key,
               int64_t a, int64_t b, bool anil, int64_t proc)
{
    char buf[256], av[32];
    if (anil)
        snprintf(av, sizeof av, "nil");
    else
        snprintf(av, sizeof av, "%" PRId64, a);
    if (f == HIST_CAS)
        snprintf(buf, sizeof buf, "{:type :%s, :f :cas, :value [%" PRId64 " [%s %" PRId64
                 "]], :process %" PRId64 "}", type, key, av, b, proc);
    else
        snprintf(buf, sizeof buf, "{:type :%s, :f :%s, :value [%" PRId64 " %s], :process %"
                 PRId64 "}", type, f == HIST_READ ? "read" : "write", key, av, proc);
    add(h, line, buf);
}

#define MAXP 64

/* nops operations on nkeys keys by nproc processes; a write times out
 * (info) with probability info_pct %; stale: then one write and a read of
 * the value before it, in sequence (not linearizable). */
static void gen(history *h, uint64_t seed, int nops, int nkeys, int nproc, int info_pct,
                bool stale)
{
    rng r = rng_stream(seed, "bench-history", 0);
    struct { int st, f; int64_t key, a, b, res; bool anil, rnil, took, info; int64_t pid; } p[MAXP];
    memset(p, 0, sizeof p);
    int64_t next_pid = 0;
    for (int i = 0; i < nproc; i++)
        p[i].pid = next_pid++;
    int64_t reg[16], next_val[16];
    bool regnil[16];
    for (int k = 0; k < nkeys; k++) {
        regnil[k] = true;
        reg[k] = 0;
        next_val[k] = 1;
    }
    long line = 0;
    int started = 0, running = 0;
    while (started < nops || running) {
        int i = (int)rng_below(&r, (uint64_t)nproc);
        if (p[i].st == 0) {
            if (started == nops)
                continue;
            started++;
            running++;
            int64_t k = (int64_t)rng_below(&r, (uint64_t)nkeys);
            uint64_t x = rng_below(&r, 10);
            p[i].key = k;
            p[i].f = x < 5 ? HIST_READ : x < 9 ? HIST_WRITE : HIST_CAS;
            p[i].anil = false;
            if (p[i].f == HIST_READ) {
                p[i].anil = true;
            } else if (p[i].f == HIST_WRITE) {
                p[i].a = next_val[k]++;
            } else {
                p[i].anil = regnil[k];
                p[i].a = reg[k];          /* usually still current */
                p[i].b = next_val[k]++;
            }
            p[i].took = false;
            p[i].info = p[i].f != HIST_READ && (int)rng_below(&r, 100) < info_pct;
            ev(h, &line, "invoke", p[i].f, k, p[i].a, p[i].b, p[i].anil, p[i].pid);
            p[i].st = 1;
        } else if (p[i].st == 1) {
            int64_t k = p[i].key;
            if (!p[i].info || rng_below(&r, 2)) {
                if (p[i].f == HIST_READ) {
                    p[i].res = reg[k];
                    p[i].rnil = regnil[k];
                    p[i].took = true;
                } else if (p[i].f == HIST_WRITE) {
                    reg[k] = p[i].a;
                    regnil[k] = false;
                    p[i].took = true;
                } else if (regnil[k] == p[i].anil && (p[i].anil || reg[k] == p[i].a)) {
                    reg[k] = p[i].b;
                    regnil[k] = false;
                    p[i].took = true;
                }
            }
            p[i].st = 2;
        } else {
            const char *t = p[i].info ? "info" : p[i].took ? "ok" : "fail";
            if (p[i].f == HIST_READ)
                ev(h, &line, t, HIST_READ, p[i].key, p[i].res, 0, p[i].rnil, p[i].pid);
            else
                ev(h, &line, t, p[i].f, p[i].key, p[i].a, p[i].b, p[i].anil, p[i].pid);
            if (p[i].info)
                p[i].pid = next_pid++;
            p[i].st = 0;
            running--;
        }
    }
    if (stale) {
        int64_t k = 0, old = reg[k];
        bool oldnil = regnil[k];
        ev(h, &line, "invoke", HIST_WRITE, k, next_val[k], 0, false, next_pid);
        ev(h, &line, "ok", HIST_WRITE, k, next_val[k], 0, false, next_pid);
        ev(h, &line, "invoke", HIST_READ, k, 0, 0, true, next_pid);
        ev(h, &line, "ok", HIST_READ, k, old, 0, oldnil, next_pid);
    }
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Porcupine's time on a history of the same shape (bench/README.md:
 * commit 55508eb, Go 1.19, one core, median of 3, measured on this
 * machine class; not the same files), printed beside ours. */
static void bench(const char *what, int nops, int nkeys, int nproc, int info_pct, bool stale,
                  const char *porcupine)
{
    history h;
    history_init(&h);
    gen(&h, 13, nops, nkeys, nproc, info_pct, stale);
    size_t ninfo = 0;
    for (size_t i = 0; i < h.n; i++)
        ninfo += h.ops[i].type == HIST_INFO;
    double t[3];
    hist_result r;
    char err[256];
    for (int k = 0; k < 3; k++) {
        double t0 = now_s();
        if (history_check(&h, HIST_CAS_REGISTER, HISTORY_DEFAULT_BUDGET, &r, err, sizeof err)) {
            fprintf(stderr, "bench_history: %s\n", err);
            exit(2);
        }
        t[k] = now_s() - t0;
        if (k < 2)
            history_result_fini(&r);
    }
    qsort(t, 3, sizeof t[0], cmp_d);
    static const char *const v[] = {"linearizable", "not linearizable", "unknown"};
    printf("  %-44s %6zu ops %4zu info  %-16s %9" PRIu64 " states  %9.3f ms  %s\n", what,
           h.n, ninfo, v[r.verdict], r.states, t[1] * 1e3, porcupine);
    history_result_fini(&r);
    history_fini(&h);
}

int main(void)
{
    printf("history check (cas-register, budget %d states per key, median of 3),\n"
           "beside Porcupine on a history of the same shape:\n"
           "  %-44s %6s     %4s       %-16s %9s          %9s     %s\n", HISTORY_DEFAULT_BUDGET,
           "history", "", "", "verdict", "", "clustersim", "Porcupine");
    bench("10,000 ops, 5 keys, 10 processes, no info", 10000, 5, 10, 0, false,
          "7-9 ms");
    bench("the same with one stale read", 10000, 5, 10, 0, true, "5-6 ms");
    bench("1,000 ops, 1 key, 20% of writes info", 1000, 1, 10, 20, false,
          "0.35-259 ms (100-10,000 ops, 10-30% info)");
    bench("10,000 ops, 1 key, 20% of writes info", 10000, 1, 10, 20, false,
          "0.35-259 ms (100-10,000 ops, 10-30% info)");
    bench("100 ops, 1 key, 30% info, one stale read", 100, 1, 10, 30, true,
          "0.2 s (16 info)");
    bench("200 ops, 1 key, 20% info, one stale read", 200, 1, 10, 20, true,
          "4.6 s (18 info)");
    bench("400 ops, 1 key, 15% info, one stale read", 400, 1, 10, 15, true,
          "more than 30 s, no verdict (31 info)");
    bench("1,000 ops, 1 key, 10% info, one stale read", 1000, 1, 10, 10, true,
          "more than 30 s, no verdict (33+ info)");
    bench("10,000 ops, 5 keys, 10% info, one stale read", 10000, 5, 10, 10, true,
          "not measured");
    return 0;
}
