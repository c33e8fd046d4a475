/* bench/sweep_base: the baseline of `clustersim sweep --jobs 1`: one
 * scenario loaded once, then scn_run for each seed of A..B back to back
 * in one process, each on its variant (scenarios/nemesis.h), with no
 * outputs at all. bench/sweep.sh times this next to the sweep of the
 * same seeds; the difference is what the sweep adds (result lines, the
 * ordering, the summary). Prints the runs, the seconds and runs/s, and
 * the number of distinct trace hashes as a check that the runs are the
 * sweep's. Wall clock is read here only.
 * usage: build/bench_sweep_base FILE A B [--swarm] */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli/opts.h"
#include "scenarios/loader.h"
#include "scenarios/nemesis.h"
#include "scenarios/run.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    uint64_t a, b;
    if (argc < 4 || cli_parse_u64(argv[2], &a) || cli_parse_u64(argv[3], &b) ||
        a > b) {
        fprintf(stderr, "usage: %s FILE A B [--swarm]\n", argv[0]);
        return 2;
    }
    bool swarm = argc > 4 && !strcmp(argv[4], "--swarm");
    scn_plan *p;
    scn_error err;
    if (scn_load_file(argv[1], &p, &err) != SCN_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    uint64_t n = b - a + 1;
    uint64_t *hashes = malloc(n * sizeof *hashes);
    if (!hashes)
        abort();
    double t0 = now_s();
    for (uint64_t s = a; s <= b; s++) {
        scn_run_opts o = {0};
        o.seed = s;
        o.has_seed = true;
        scn_run_result r;
        scn_variant v;
        scn_variant_make(p, s, swarm, &v);
        scn_run(&v.plan, &o, &r);
        scn_variant_fini(&v);
        hashes[s - a] = r.hash;
        if (s == UINT64_MAX)
            break;
    }
    double el = now_s() - t0;
    qsort(hashes, n, sizeof *hashes, cmp_u64);
    uint64_t distinct = 0;
    for (uint64_t i = 0; i < n; i++)
        distinct += !i || hashes[i] != hashes[i - 1];
    printf("%" PRIu64 " runs in %.3f s: %.1f runs/s, %" PRIu64
           " distinct trace hashes\n", n, el, (double)n / el, distinct);
    free(hashes);
    scn_plan_free(p);
    return 0;
}
