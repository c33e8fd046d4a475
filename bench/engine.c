/* bench/engine: the engine's hold model (every event schedules one more
 * at a random future time, so the queue stays at N pending events) next
 * to a bare 4-ary heap of (time, seq) doing the same pops and pushes
 * with the same delays, in one binary. Prints events/s for both and the
 * ratio (the target: the engine within 2x of the bare loop). Wall
 * clock is read here only, never inside the simulation. */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "sim/rng.h"
#include "sim/sim.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct hold {
    rng r;
    uint64_t left;
} hold;

static void noop(sim *s, void *ctx, uint64_t arg)
{
    hold *h = ctx;
    if (h->left) {
        h->left--;
        sim_after(s, 1 + (int64_t)(rng_next(&h->r) & 0xfffff), noop, h, arg);
    }
}

static double bench_engine(uint64_t pending, uint64_t events)
{
    sim *s = sim_new();
    hold h = {rng_stream(1, "bench", 0), events};
    for (uint64_t i = 0; i < pending; i++)
        sim_at(s, (int64_t)(rng_next(&h.r) & 0xfffff), noop, &h, i);
    double t0 = now_s();
    uint64_t before = sim_events_run(s);
    sim_run(s, INT64_MAX, pending + events);
    double dt = now_s() - t0;
    uint64_t ran = sim_events_run(s) - before;
    sim_free(s);
    return (double)ran / dt;
}

/* The bare loop: a 4-ary heap of (time, seq) keys, nothing else. */
typedef struct key {
    int64_t t;
    uint64_t seq;
} key;

static inline int lt(const key *a, const key *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static double bench_bare(uint64_t pending, uint64_t events)
{
    key *h = malloc((pending + 1) * sizeof *h);
    rng r = rng_stream(1, "bench", 0);
    uint64_t n = 0, seq = 0;
    for (uint64_t i = 0; i < pending; i++) {
        key k = {(int64_t)(rng_next(&r) & 0xfffff), seq++};
        uint64_t j = n++;
        while (j > 0 && lt(&k, &h[(j - 1) / 4])) {
            h[j] = h[(j - 1) / 4];
            j = (j - 1) / 4;
        }
        h[j] = k;
    }
    double t0 = now_s();
    uint64_t ran = 0;
    int64_t sink = 0;
    while (n > 0 && ran < pending + events) {
        key top = h[0];
        ran++;
        sink += top.t;
        /* replace the root with either a new key or the last one */
        key k;
        if (ran <= events)
            k = (key){top.t + 1 + (int64_t)(rng_next(&r) & 0xfffff), seq++};
        else
            k = h[--n];
        uint64_t j = 0;
        for (;;) {
            uint64_t c = 4 * j + 1, best = c;
            if (c >= n)
                break;
            uint64_t end = c + 4 < n ? c + 4 : n;
            for (uint64_t m = c + 1; m < end; m++)
                if (lt(&h[m], &h[best]))
                    best = m;
            if (!lt(&h[best], &k))
                break;
            h[j] = h[best];
            j = best;
        }
        if (n)
            h[j] = k;
    }
    double dt = now_s() - t0;
    free(h);
    if (sink == 42)
        puts("");
    return (double)ran / dt;
}

int main(void)
{
    static const uint64_t sizes[] = {1000, 100000, 1000000};
    printf("engine: hold model, events/s (higher is better)\n");
    printf("%10s %14s %14s %8s\n", "pending", "engine", "bare 4-heap", "ratio");
    for (int i = 0; i < 3; i++) {
        uint64_t p = sizes[i], ev = 3000000;
        double e = bench_engine(p, ev), b = bench_bare(p, ev);
        printf("%10" PRIu64 " %14.0f %14.0f %7.2fx\n", p, e, b, b / e);
    }
    printf("ratio = bare / engine: time the engine takes per event relative to "
           "the bare heap (target <= 2x)\n");
    return 0;
}
