/* bench/store: the rate of writing trace events into the SQLite store
 * (traces/README.md's target: at least 1 million events per second). Writes N
 * synthetic events shaped like a real run's (sends, delivers, nodeups,
 * shell evals with text) through trace_store_observer into a fresh
 * database, from begin_run to end_run's commit, and prints events/s.
 * The wall clock is read here only.
 * usage: bench_store [N [DB]]   (default 2000000 events, bench_store.db) */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "traces/store.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char *const nodes[] = {"alice@sim", "bob@sim", "carol@sim",
                                    "dave@sim"};

/* A pool of distinct synthetic events, built before the clock starts so
 * that only the store is timed; the run cycles through it. */
#define POOL 4096

typedef struct pooled {
    sim_obs_event ev;
    char pid[32], to[32], term[96];
} pooled;

static void make_event(uint64_t i, pooled *p)
{
    const char *node = nodes[i % 4], *peer = nodes[(i + 1) % 4];
    sim_obs_event *ev = &p->ev;
    *ev = (sim_obs_event){0};
    ev->node = node;
    snprintf(p->pid, sizeof p->pid, "<0.%" PRIu64 ".0>", 80 + i % 1000);
    snprintf(p->to, sizeof p->to, "<%d.%" PRIu64 ".0>", (int)(i % 3),
             80 + (i * 7) % 1000);
    snprintf(p->term, sizeof p->term, "{req,%" PRIu64 ",{get,key_%" PRIu64
             "}}", i, i % 100);
    switch (i % 8) {
    case 0: case 1: case 2:
        ev->kind = "send"; ev->peer = peer; ev->to = p->to;
        ev->term = p->term;
        break;
    case 3: case 4: case 5:
        ev->kind = "deliver"; ev->peer = peer; ev->to = p->to;
        ev->term = p->term;
        break;
    case 6:
        ev->kind = "spawn"; ev->pid = p->pid; ev->text = "echo:loop/0";
        break;
    default:
        ev->kind = "eval"; ev->name = "timeline[3]";
        ev->text = "(alice@sim)4> gen_server:call({dist_kv, 'bob@sim'}, "
                   "{get, color}).";
    }
}

int main(int argc, char **argv)
{
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 2000000;
    const char *path = argc > 2 ? argv[2] : "bench_store.db";
    char err[512];
    unlink(path);
    trace_store *s;
    if (trace_store_open(path, &s, err, sizeof err)) {
        fprintf(stderr, "bench_store: %s\n", err);
        return 2;
    }
    pooled *pool = calloc(POOL, sizeof *pool);
    if (!pool)
        abort();
    for (uint64_t i = 0; i < POOL; i++)
        make_event(i, &pool[i]);
    trace_run_meta m = {"bench", "bench/store.c", 1, "bench", nodes, 4, NULL, false};
    int64_t id;
    double t0 = now_s();
    if (trace_store_begin_run(s, &m, &id, err, sizeof err)) {
        fprintf(stderr, "bench_store: %s\n", err);
        trace_store_close(s);
        free(pool);
        return 2;
    }
    sim_observer obs = trace_store_observer(s);
    for (uint64_t i = 0; i < n; i++) {
        sim_obs_event *ev = &pool[i % POOL].ev;
        ev->t = (int64_t)(i * 250);
        obs.emit(obs.ctx, ev);
    }
    int rc = trace_store_end_run(s, 0, "passed", err, sizeof err);
    double dt = now_s() - t0;
    trace_store_close(s);
    free(pool);
    if (rc) {
        fprintf(stderr, "bench_store: %s\n", err);
        return 2;
    }
    unlink(path);
    printf("store: %" PRIu64 " events into SQLite in %.3f s: %.0f events/s "
           "(target >= 1000000)\n", n, dt, (double)n / dt);
    return 0;
}
