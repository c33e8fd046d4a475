/* sweep: clustersim sweep FILE... --seeds A..B: many seeds of scenarios,
 * in this process or on long-lived worker processes, into one result
 * line per run, a progress line on stderr and a summary on stdout
 * (sweep.h). One run of a seed is cli/sweep_work.c's; the merge of
 * result files is cli/sweep_merge.c's.
 *
 * Invariants: every FILE is loaded and every option checked before any
 * run; the results are written in the order (file as given, seed)
 * whatever --jobs and the timing, so two sweeps of the same seeds write
 * the same lines but for "wall_ms"; each worker is forked once and runs
 * many seeds, dealt one or two at a time as it finishes them; the
 * outputs stay .partial until the sweep completes. */
#include "cli/sweep.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cli/opts.h"
#include "cli/out.h"
#include "cli/run.h"
#include "cli/sweep_int.h"
#include "core/term/xalloc.h"
#include "traces/store.h"

enum {
    SW_SEEDS, SW_JOBS, SW_SHARD, SW_SHARDS, SW_RESULTS, SW_TRACE, SW_SWARM,
    SW_CHECK, SW_MAX_EVENTS, SW_MAX_REDUCTIONS, SW_MAX_TERMS, SW_MAX_MEMORY,
    SW_HELP, SW_NOPTS
};
static const cli_opt sweep_opts[SW_NOPTS] = {
    [SW_SEEDS] = {"--seeds", NULL, "A..B",
                  "the seeds to run, A to B inclusive (unsigned 64-bit);\n"
                  "one number N means N..N (required)"},
    [SW_JOBS] = {"--jobs", "-j", "N",
                 "run on N worker processes, each forked once (default 1:\n"
                 "in this process)"},
    [SW_SHARD] = {"--shard", NULL, "I/N",
                  "run only shard I of N (0 <= I < N): the seeds S with\n"
                  "(S - A) mod N = I. Default: from SLURM_ARRAY_TASK_ID\n"
                  "and SLURM_ARRAY_TASK_COUNT, else JOB_COMPLETION_INDEX\n"
                  "with --shards, else 0/1"},
    [SW_SHARDS] = {"--shards", NULL, "N",
                   "the shard count when the index comes from\n"
                   "JOB_COMPLETION_INDEX (a Kubernetes Indexed Job)"},
    [SW_RESULTS] = {"--results", NULL, "OUT.jsonl",
                    "write a header line and one JSON line per run to\n"
                    "OUT.jsonl (as OUT.jsonl.partial until the end)"},
    [SW_TRACE] = {"--trace", NULL, "DB",
                  "store every run in the trace database DB (each worker\n"
                  "writes DB.wK.partial; merged into DB at the end)"},
    [SW_SWARM] = {"--swarm", NULL, NULL,
                  "swarm mode: each seed also draws the fault kinds\n"
                  "banned and the knobs (as run --swarm)"},
    [SW_CHECK] = {"--check-determinism", NULL, "PCT",
                  "rerun PCT% of the seeds (0..100, chosen by a hash of\n"
                  "the seed) in a fresh world, one in four of them also\n"
                  "in a fresh process, and compare the trace hashes;\n"
                  "any difference is exit 4"},
    [SW_MAX_EVENTS] = {"--max-events", NULL, "N",
                       "a run stops (limit) after N engine events"},
    [SW_MAX_REDUCTIONS] = {"--max-reductions", NULL, "N",
                           "a run stops (limit) after N Erlang calls"},
    [SW_MAX_TERMS] = {"--max-terms", NULL, "N",
                      "a run stops (limit) past N live term cells"},
    [SW_MAX_MEMORY] = {"--max-memory", NULL, "SIZE",
                       "the sweep stops when a process passes SIZE bytes\n"
                       "(K, M, G, T; default: three quarters of memory)"},
    [SW_HELP] = {"--help", "-h", NULL, "this help"},
};

static const char sweep_about[] =
    "usage: clustersim sweep FILE... --seeds A..B [options]\n"
    "       clustersim sweep merge OUT.jsonl IN.jsonl...\n"
    "\n"
    "Runs each scenario once per seed of A..B (of this shard), and prints a\n"
    "summary: per scenario the runs passed, failed and stopped by a limit,\n"
    "the first failing seeds with the command that reproduces each, and\n"
    "the number of distinct trace hashes. Progress goes to stderr. With\n"
    "--results, one JSON line per run, sorted by (FILE as given, seed),\n"
    "the same whatever --jobs but for its \"wall_ms\".\n"
    "\n"
    "merge combines the results of shards into OUT.jsonl, sorted the same\n"
    "way: a run found twice is kept once when both agree; different trace\n"
    "hashes for one run are a determinism mismatch (exit 4). Shards that\n"
    "overlap, or results of a scenario changed between them, are exit 2.\n"
    "The merge of every shard is the results file of one sweep of them all.\n"
    "\n"
    "The results file: a header line {\"clustersim_sweep\": 1, \"version\",\n"
    "\"seeds\": \"A..B\", \"shard\": [I, N], \"swarm\", \"files\": [{\"file\",\n"
    "\"scenario\", \"scenario_sha256\"}...]} (a merge of some shards only\n"
    "lists them as \"parts\": [{\"seeds\", \"shard\"}...]), then per run:\n"
    "  file, scenario, scenario_sha256   the scenario as given and loaded\n"
    "  seed, swarm                       the seed; swarm's draws, or null\n"
    "  version                           clustersim's\n"
    "  outcome                           passed, failed or limit\n"
    "  failures                          [{where, what}]: the first failed\n"
    "                                    expectations and checks\n"
    "  limit                             which limit stopped the run\n"
    "  checkers                          the workload's verdicts, if any\n"
    "  trace_hash, events, virtual_us    the run's trace hash (as run\n"
    "                                    prints it), events and end time\n"
    "  determinism                       rerun or fresh_process, when the\n"
    "                                    seed was checked\n"
    "  wall_ms                           the run's wall time: the only\n"
    "                                    field that differs between two\n"
    "                                    sweeps of the same seeds\n"
    "A run is keyed by (scenario_sha256, swarm, seed, version).\n"
    "\n"
    "Exit codes: 0 all passed, 1 some failed, 2 invalid input, 3 some run\n"
    "hit a limit, 4 a determinism mismatch.\n"
    "\n"
    "options:\n";

/* ---- the seeds and the shard ---- */

/* "A..B" or "N" into *c; 0, or 2 after a message. */
static int parse_seeds(const char *v, sweep_cfg *c)
{
    const char *dots = strstr(v, "..");
    char a[32], b[32];
    if (!*v)
        return cli_usage_error("--seeds: empty; write A..B, e.g. 1..1000%s",
                               "");
    if (!dots) {
        if (cli_parse_u64(v, &c->first))
            return cli_usage_error("--seeds %s: not A..B or N (unsigned "
                                   "64-bit integers)", v);
        c->last = c->first;
        return 0;
    }
    size_t na = (size_t)(dots - v), nb = strlen(dots + 2);
    if (!na || !nb)
        return cli_usage_error("--seeds %s: the range needs both ends; "
                               "write A..B", v);
    if (na >= sizeof a || nb >= sizeof b)
        return cli_usage_error("--seeds %s: not A..B (unsigned 64-bit "
                               "integers)", v);
    memcpy(a, v, na);
    a[na] = 0;
    memcpy(b, dots + 2, nb + 1);
    if (cli_parse_u64(a, &c->first) || cli_parse_u64(b, &c->last))
        return cli_usage_error("--seeds %s: not A..B (unsigned 64-bit "
                               "integers)", v);
    if (c->first > c->last) {
        fprintf(stderr, "clustersim: --seeds %s: the range is reversed; "
                "write %s..%s\n(see clustersim --help)\n", v, b, a);
        return 2;
    }
    return 0;
}

/* "I/N" into *i, *n; 0, or -1. */
static int parse_shard(const char *v, uint64_t *i, uint64_t *n)
{
    const char *sl = strchr(v, '/');
    char a[32];
    if (!sl || (size_t)(sl - v) >= sizeof a)
        return -1;
    memcpy(a, v, (size_t)(sl - v));
    a[sl - v] = 0;
    return cli_parse_u64(a, i) || cli_parse_u64(sl + 1, n) ? -1 : 0;
}

/* An environment variable as an unsigned integer: 1 and *v; 0 when
 * unset; -1 after a message naming it. */
static int env_u64(const char *name, uint64_t *v)
{
    const char *s = getenv(name);
    if (!s)
        return 0;
    if (cli_parse_u64(s, v)) {
        fprintf(stderr, "clustersim: sweep: %s=%s: not an unsigned "
                "integer\n", name, s);
        return -1;
    }
    return 1;
}

/* Which shard this process runs (the brief's order: --shard, then
 * Slurm's array variables, then a Kubernetes Indexed Job's index with
 * --shards, then 0/1), saying on stderr where it came from. 0, or 2. */
static int pick_shard(sweep_cfg *c, const char *shard, const char *shards)
{
    uint64_t i = 0, n = 1, k_n = 0;
    if (shards && (cli_parse_u64(shards, &k_n) || !k_n))
        return cli_usage_error("--shards %s: not a positive integer", shards);
    if (shard && shards)
        return cli_usage_error("%s", "--shard and --shards: give one (--shards "
                               "is for JOB_COMPLETION_INDEX)");
    if (shard) {
        if (parse_shard(shard, &i, &n))
            return cli_usage_error("--shard %s: not I/N (e.g. 0/4)", shard);
        if (!n)
            return cli_usage_error("--shard %s: N must be at least 1", shard);
        if (i >= n)
            return cli_usage_error("--shard %s: I must be below N (shards "
                                   "are numbered from 0)", shard);
        c->shard_i = i;
        c->shard_n = n;
        return 0;
    }
    uint64_t id, count, min = 0, step = 1;
    int r1 = env_u64("SLURM_ARRAY_TASK_ID", &id);
    int r2 = env_u64("SLURM_ARRAY_TASK_COUNT", &count);
    if (r1 < 0 || r2 < 0)
        return 2;
    const char *from;
    if (r1 && r2) {
        /* An array need not start at 0 (--array=1-10) nor step by 1. */
        if (env_u64("SLURM_ARRAY_TASK_MIN", &min) < 0 ||
            env_u64("SLURM_ARRAY_TASK_STEP", &step) < 0)
            return 2;
        if (!count) {
            fprintf(stderr, "clustersim: sweep: SLURM_ARRAY_TASK_COUNT=0: "
                    "no shards\n");
            return 2;
        }
        if (!step || id < min || (id - min) % step ||
            (id - min) / step >= count) {
            fprintf(stderr, "clustersim: sweep: SLURM_ARRAY_TASK_ID=%" PRIu64
                    " is not one of the %" PRIu64 " tasks from "
                    "SLURM_ARRAY_TASK_MIN=%" PRIu64 " by SLURM_ARRAY_TASK_STEP"
                    "=%" PRIu64 "\n", id, count, min, step);
            return 2;
        }
        i = (id - min) / step;
        n = count;
        if (k_n && k_n != n) {
            fprintf(stderr, "clustersim: sweep: --shards %" PRIu64 " but "
                    "SLURM_ARRAY_TASK_COUNT=%" PRIu64 "\n", k_n, n);
            return 2;
        }
        from = min || step != 1
            ? "SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT (less "
              "SLURM_ARRAY_TASK_MIN, by SLURM_ARRAY_TASK_STEP)"
            : "SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT";
    } else {
        int r3 = env_u64("JOB_COMPLETION_INDEX", &id);
        if (r3 < 0)
            return 2;
        if (r3 && !k_n) {
            fprintf(stderr, "clustersim: sweep: JOB_COMPLETION_INDEX=%" PRIu64
                    " is set but the shard count is not: give --shards N (the "
                    "job's completions) or --shard I/N\n", id);
            return 2;
        }
        if (!r3 && k_n) {
            fprintf(stderr, "clustersim: sweep: --shards %" PRIu64 " needs "
                    "JOB_COMPLETION_INDEX (a Kubernetes Indexed Job); "
                    "elsewhere give --shard I/N\n", k_n);
            return 2;
        }
        if (!r3) {
            c->shard_i = 0;
            c->shard_n = 1;
            return 0;
        }
        if (id >= k_n) {
            fprintf(stderr, "clustersim: sweep: JOB_COMPLETION_INDEX=%" PRIu64
                    " is not below --shards %" PRIu64 "\n", id, k_n);
            return 2;
        }
        i = id;
        n = k_n;
        from = "JOB_COMPLETION_INDEX and --shards";
    }
    c->shard_i = i;
    c->shard_n = n;
    fprintf(stderr, "clustersim: sweep: shard %" PRIu64 "/%" PRIu64 " from "
            "%s\n", i, n, from);
    return 0;
}

/* ---- what the parent keeps of the runs ---- */

#define SWEEP_SHOW 5           /* failing seeds shown per scenario */

typedef struct file_stats {
    uint64_t passed, failed, limit;
    uint64_t *hashes;
    size_t nhashes, cap;
    uint64_t shown_seed[SWEEP_SHOW];
    int shown_outcome[SWEEP_SHOW];
    char *shown_text[SWEEP_SHOW];
    int nshown;
} file_stats;

typedef struct sweep_state {
    const sweep_cfg *c;
    uint64_t total, done;      /* runs */
    file_stats *fs;
    uint64_t nfailed, nlimit, rerun, fresh, mismatch;
    strbuf mismatches;         /* their reports, in (file, seed) order */
    cli_out out;
    bool have_out;
    int werr;
    /* the runs done but not yet written: a ring over items
     * [next_write, next_write + cap), grown as needed */
    sweep_res *ring;
    bool *filled;
    uint64_t cap, next_write;
    /* progress */
    bool tty;
    int64_t t0, last_draw;
    int last_decile;
    char fatal[1100];          /* a worker's hard stop, or "" */
} sweep_state;

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static const char *unit(const sweep_state *s)
{
    return s->c->nfiles == 1 ? "seeds" : "runs";
}

static void fmt_eta(char *buf, size_t n, double secs)
{
    uint64_t t = secs < 0 ? 0 : (uint64_t)(secs + 0.5);
    if (t >= 3600)
        snprintf(buf, n, "%" PRIu64 ":%02" PRIu64 ":%02" PRIu64, t / 3600,
                 t / 60 % 60, t % 60);
    else
        snprintf(buf, n, "%" PRIu64 ":%02" PRIu64, t / 60, t % 60);
}

/* On a terminal a bar redrawn in place (at most ten times a second);
 * elsewhere one line per tenth of the runs. */
static void progress(sweep_state *s, bool final)
{
    if (!s->total)
        return;
    int64_t now = now_us();
    double el = (double)(now - s->t0) / 1e6;
    double rate = el > 0 ? (double)s->done / el : 0;
    char eta[32];
    fmt_eta(eta, sizeof eta, rate > 0 ? (double)(s->total - s->done) / rate
                                      : 0);
    uint64_t bad = s->nfailed;
    if (s->tty) {
        if (!final && now - s->last_draw < 100000)
            return;
        s->last_draw = now;
        int w = 24, fill = (int)((double)w * (double)s->done /
                                 (double)s->total);
        char bar[32];
        for (int i = 0; i < w; i++)
            bar[i] = i < fill ? '#' : '.';
        bar[w] = 0;
        fprintf(stderr, "\r\033[K[%s] %" PRIu64 "/%" PRIu64 " %s  %.1f %s/s  "
                "%" PRIu64 " failed  ETA %s", bar, s->done, s->total,
                unit(s), rate, unit(s), bad, eta);
        if (final)
            fputc('\n', stderr);
        fflush(stderr);
        return;
    }
    int decile = (int)(s->done * 10 / s->total);
    if (decile <= s->last_decile)
        return;
    s->last_decile = decile;
    fprintf(stderr, "clustersim: sweep: %d%% (%" PRIu64 "/%" PRIu64 " %s, "
            "%.1f %s/s, %" PRIu64 " failed, ETA %s)\n",
            (int)(s->done * 100 / s->total), s->done,
            s->total, unit(s), rate, unit(s), bad, eta);
}

static void add_hash(file_stats *f, uint64_t h)
{
    if (f->nhashes == f->cap) {
        f->cap = f->cap ? 2 * f->cap : 64;
        f->hashes = xrealloc(f->hashes, f->cap * sizeof *f->hashes);
    }
    f->hashes[f->nhashes++] = h;
}

/* A run in (file, seed) order: counted, written, shown. */
static void take(sweep_state *s, const sweep_res *r)
{
    const sweep_cfg *c = s->c;
    file_stats *f = &s->fs[r->item / c->nseeds];
    uint64_t seed = sweep__seed(c, r->item % c->nseeds);
    if (r->outcome == 0)
        f->passed++;
    else if (r->outcome == 1)
        f->failed++, s->nfailed++;
    else
        f->limit++, s->nlimit++;
    add_hash(f, r->hash);
    if (r->outcome && f->nshown < SWEEP_SHOW) {
        f->shown_seed[f->nshown] = seed;
        f->shown_outcome[f->nshown] = r->outcome;
        f->shown_text[f->nshown++] = xstrdup(r->first.s ? r->first.s : "");
    }
    if (r->det == SWEEP_DET_RERUN)
        s->rerun++;
    else if (r->det == SWEEP_DET_FRESH)
        s->fresh++;
    if (r->mismatch) {
        s->mismatch++;
        if (r->report.len)
            sb_puts(&s->mismatches, r->report.s);
    }
    if (s->have_out && !s->werr) {
        if (fwrite(r->line.s, 1, r->line.len, s->out.f) != r->line.len ||
            putc('\n', s->out.f) == EOF)
            s->werr = errno ? errno : -1;
    }
    s->done++;
    progress(s, false);
}

/* A run done, perhaps out of order: kept until the runs before it are. */
static void arrive(sweep_state *s, sweep_res *r, uint64_t next_dispatch)
{
    if (next_dispatch - s->next_write > s->cap) {
        uint64_t ncap = s->cap * 2;
        while (next_dispatch - s->next_write > ncap)
            ncap *= 2;
        sweep_res *ring = xcalloc(ncap, sizeof *ring);
        bool *filled = xcalloc(ncap, sizeof *filled);
        for (uint64_t i = 0; i < ncap; i++)
            sweep__res_init(&ring[i]);
        for (uint64_t it = s->next_write; it < s->next_write + s->cap; it++) {
            sweep_res tmp = ring[it % ncap];
            ring[it % ncap] = s->ring[it % s->cap];
            s->ring[it % s->cap] = tmp;
            filled[it % ncap] = s->filled[it % s->cap];
        }
        for (uint64_t i = 0; i < s->cap; i++)
            sweep__res_fini(&s->ring[i]);
        free(s->ring);
        free(s->filled);
        s->ring = ring;
        s->filled = filled;
        s->cap = ncap;
    }
    uint64_t slot = r->item % s->cap;
    sweep_res tmp = s->ring[slot];    /* swap the buffers in */
    s->ring[slot] = *r;
    *r = tmp;
    s->filled[slot] = true;
    while (s->filled[s->next_write % s->cap]) {
        slot = s->next_write % s->cap;
        take(s, &s->ring[slot]);
        s->filled[slot] = false;
        s->next_write++;
    }
}

/* ---- the runs: in this process, or on workers ---- */

static int run_inprocess(sweep_state *s)
{
    sweep_runner *w = sweep__runner_new(s->c, 0);
    if (!w)
        return 2;
    sweep_res r;
    sweep__res_init(&r);
    for (uint64_t it = 0; it < s->total; it++) {
        sweep__runner_run(w, it, &r);
        take(s, &r);
    }
    sweep__res_fini(&r);
    return sweep__runner_free(w);
}

#define SWEEP_AHEAD 2          /* items given to a worker at a time */

typedef struct worker {
    pid_t pid;
    int to, from;              /* items to it, results from it */
    int inflight;
    uint64_t items[SWEEP_AHEAD]; /* in flight, oldest first */
} worker;

static int send_item(worker *wk, uint64_t item)
{
    const char *p = (const char *)&item;
    size_t n = sizeof item;
    while (n) {
        ssize_t k = write(wk->to, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    wk->items[wk->inflight++] = item;
    return 0;
}

static void kill_workers(worker *wk, int n)
{
    for (int i = 0; i < n; i++)
        if (wk[i].pid > 0) {
            kill(wk[i].pid, SIGTERM);
            waitpid(wk[i].pid, NULL, 0);
            wk[i].pid = 0;
        }
}

static int run_workers(sweep_state *s, int jobs)
{
    const sweep_cfg *c = s->c;
    worker *wk = xcalloc((size_t)jobs, sizeof *wk);
    struct pollfd *pf = xcalloc((size_t)jobs, sizeof *pf);
    int rc = 0;
    void (*old_pipe)(int) = signal(SIGPIPE, SIG_IGN);
    fflush(NULL);   /* nothing buffered is written twice by a child */
    for (int k = 0; k < jobs; k++) {
        int a[2], b[2];
        if (pipe(a) || pipe(b)) {
            fprintf(stderr, "clustersim: sweep: pipe: %s\n", strerror(errno));
            kill_workers(wk, k);
            free(wk);
            free(pf);
            return 2;
        }
        pid_t pid = fork();
        if (pid < 0) {
            fprintf(stderr, "clustersim: sweep: fork: %s\n", strerror(errno));
            kill_workers(wk, k);
            free(wk);
            free(pf);
            return 2;
        }
        if (pid == 0) {
            close(a[1]);
            close(b[0]);
            for (int j = 0; j < k; j++) {   /* the others' pipes */
                close(wk[j].to);
                close(wk[j].from);
            }
            sweep__worker_main(c, k, a[0], b[1]);
        }
        close(a[0]);
        close(b[1]);
        wk[k].pid = pid;
        wk[k].to = a[1];
        wk[k].from = b[0];
    }
    uint64_t next = 0;
    for (int k = 0; k < jobs; k++)
        for (int j = 0; j < SWEEP_AHEAD && next < s->total; j++)
            if (send_item(&wk[k], next) == 0)
                next++;
    sweep_res r;
    sweep__res_init(&r);
    while (s->done < s->total && !s->fatal[0] && !rc) {
        for (int k = 0; k < jobs; k++) {
            pf[k].fd = wk[k].inflight ? wk[k].from : -1;
            pf[k].events = POLLIN;
            pf[k].revents = 0;
        }
        if (poll(pf, (nfds_t)jobs, -1) < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "clustersim: sweep: poll: %s\n", strerror(errno));
            rc = 2;
            break;
        }
        for (int k = 0; k < jobs && !rc && !s->fatal[0]; k++) {
            if (!pf[k].revents)
                continue;
            if (sweep__res_recv(wk[k].from, &r)) {
                uint64_t it = wk[k].items[0];
                const char *file = c->files[it / c->nseeds];
                uint64_t seed = sweep__seed(c, it % c->nseeds);
                int st = 0;
                waitpid(wk[k].pid, &st, 0);
                wk[k].pid = 0;
                fprintf(stderr, "clustersim: sweep: worker %d died (%s %d) "
                        "running %s seed %" PRIu64 "; reproduce with: "
                        "clustersim run %s --seed %" PRIu64 "%s\n", k,
                        WIFSIGNALED(st) ? "signal" : "exit code",
                        WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st),
                        file, seed, file, seed, c->swarm ? " --swarm" : "");
                rc = 2;
                break;
            }
            wk[k].inflight--;
            memmove(wk[k].items, wk[k].items + 1,
                    (size_t)wk[k].inflight * sizeof wk[k].items[0]);
            if (r.fatal) {
                snprintf(s->fatal, sizeof s->fatal, "%s",
                         r.report.s ? r.report.s : "a worker stopped");
                break;
            }
            if (next < s->total && send_item(&wk[k], next) == 0)
                next++;
            arrive(s, &r, next);
        }
    }
    sweep__res_fini(&r);
    for (int k = 0; k < jobs; k++)
        close(wk[k].to);            /* the end of the items: workers exit */
    if (rc || s->fatal[0]) {
        kill_workers(wk, jobs);
    } else {
        for (int k = 0; k < jobs; k++) {
            int st = 0;
            if (waitpid(wk[k].pid, &st, 0) < 0 || !WIFEXITED(st) ||
                WEXITSTATUS(st)) {
                fprintf(stderr, "clustersim: sweep: worker %d ended with "
                        "%s %d\n", k, WIFSIGNALED(st) ? "signal" : "exit code",
                        WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
                rc = 2;
            }
        }
    }
    for (int k = 0; k < jobs; k++)
        close(wk[k].from);
    signal(SIGPIPE, old_pipe);
    free(wk);
    free(pf);
    return rc;
}

/* ---- the summary ---- */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* FILE as a shell word. */
static void put_word(const char *s)
{
    if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "0123456789_./-+=:,@%") == strlen(s)) {
        fputs(s, stdout);
        return;
    }
    putchar('\'');
    for (; *s; s++)
        if (*s == '\'')
            fputs("'\\''", stdout);
        else
            putchar(*s);
    putchar('\'');
}

static void summary(sweep_state *s)
{
    const sweep_cfg *c = s->c;
    printf("%%%% sweep: seeds %" PRIu64 "..%" PRIu64 ", shard %" PRIu64 "/%"
           PRIu64 ": %" PRIu64 " seeds x %d scenario%s = %" PRIu64 " runs%s\n",
           c->first, c->last, c->shard_i, c->shard_n, c->nseeds, c->nfiles,
           c->nfiles == 1 ? "" : "s", s->total, c->swarm ? " (swarm)" : "");
    for (int i = 0; i < c->nfiles; i++) {
        file_stats *f = &s->fs[i];
        if (f->nhashes)
            qsort(f->hashes, f->nhashes, sizeof *f->hashes, cmp_u64);
        size_t distinct = 0;
        for (size_t k = 0; k < f->nhashes; k++)
            if (!k || f->hashes[k] != f->hashes[k - 1])
                distinct++;
        printf("%s (%s): %" PRIu64 " passed, %" PRIu64 " failed, %" PRIu64
               " limit; %zu distinct trace hash%s\n", c->plans[i]->name,
               c->files[i], f->passed, f->failed, f->limit, distinct,
               distinct == 1 ? "" : "es");
        for (int k = 0; k < f->nshown; k++) {
            printf("  seed %" PRIu64 " %s: %s\n    clustersim run ",
                   f->shown_seed[k], f->shown_outcome[k] == 1 ? "failed"
                   : "limit", f->shown_text[k]);
            put_word(c->files[i]);
            printf(" --seed %" PRIu64 "%s\n", f->shown_seed[k],
                   c->swarm ? " --swarm" : "");
        }
        uint64_t bad = f->failed + f->limit;
        if (bad > (uint64_t)f->nshown)
            printf("  ... and %" PRIu64 " more\n", bad - (uint64_t)f->nshown);
    }
    if (c->check_pct >= 0) {
        uint64_t n = s->rerun + s->fresh;
        const char *u = c->nfiles == 1 ? "seed" : "run";
        if (!s->mismatch)
            printf("determinism: %" PRIu64 " %s%s rerun (%" PRIu64 " in a "
                   "fresh process), all identical\n", n, u, n == 1 ? "" : "s",
                   s->fresh);
        else
            printf("determinism: %" PRIu64 " %s%s rerun (%" PRIu64 " in a "
                   "fresh process), %" PRIu64 " MISMATCH%s:\n%s", n, u,
                   n == 1 ? "" : "s", s->fresh, s->mismatch,
                   s->mismatch == 1 ? "" : "ES",
                   s->mismatches.s ? s->mismatches.s : "");
    }
}

/* ---- the command ---- */

static int sweep_main(int argc, char **argv)
{
    sweep_cfg c;
    memset(&c, 0, sizeof c);
    c.jobs = 1;
    c.check_pct = -1;
    const char **files = xcalloc((size_t)argc + 1, sizeof *files);
    const char *seeds = NULL, *shard = NULL, *shards = NULL, *v;
    cli_optparse op = {argc, argv, 0, false};
    int k, nfiles = 0, rc = -1;
    uint64_t u;
    while (rc < 0 && (k = cli_opt_next(&op, sweep_opts, SW_NOPTS, &v)) !=
           CLI_OPT_END) {
        switch (k) {
        case CLI_OPT_ERROR: rc = 2; break;
        case CLI_OPT_OPERAND: files[nfiles++] = v; break;
        case SW_SEEDS: seeds = v; break;
        case SW_JOBS:
            if (cli_parse_u64(v, &u) || !u || u > 1024)
                rc = cli_usage_error("--jobs %s: not a number of workers "
                                     "from 1 to 1024", v);
            else
                c.jobs = (int)u;
            break;
        case SW_SHARD: shard = v; break;
        case SW_SHARDS: shards = v; break;
        case SW_RESULTS: c.results = v; break;
        case SW_TRACE: c.trace = v; break;
        case SW_SWARM: c.swarm = true; break;
        case SW_CHECK: {
            char *end;
            double d = strtod(v, &end);
            if (!*v || *end || !isfinite(d) || d < 0 || d > 100)
                rc = cli_usage_error("--check-determinism %s: a percentage "
                                     "from 0 to 100", v);
            else
                c.check_pct = d;
            break;
        }
        case SW_MAX_EVENTS: case SW_MAX_REDUCTIONS: case SW_MAX_TERMS:
            if (cli_parse_u64(v, &u) || !u) {
                rc = cli_usage_error(k == SW_MAX_EVENTS
                    ? "--max-events: not a positive integer: %s"
                    : k == SW_MAX_REDUCTIONS
                    ? "--max-reductions: not a positive integer: %s"
                    : "--max-terms: not a positive integer: %s", v);
                break;
            }
            if (k == SW_MAX_EVENTS)
                c.max_events = u;
            else if (k == SW_MAX_REDUCTIONS)
                c.max_reductions = u;
            else
                c.max_terms = u;
            break;
        case SW_MAX_MEMORY:
            if (cli_parse_size(v, &c.max_memory))
                rc = cli_usage_error("--max-memory: not a size (4G, 512M, "
                                     "bytes): %s", v);
            break;
        case SW_HELP:
            fputs(sweep_about, stdout);
            cli_print_opts(stdout, sweep_opts, SW_NOPTS);
            rc = 0;
            break;
        }
    }
    if (rc < 0 && !nfiles)
        rc = cli_usage_error("%s", "sweep needs at least one scenario FILE");
    for (int i = 0; rc < 0 && i < nfiles; i++)
        for (int j = 0; j < i; j++)
            if (!strcmp(files[i], files[j])) {
                rc = cli_usage_error("sweep: %s is given twice", files[i]);
                break;
            }
    if (rc < 0 && !seeds)
        rc = cli_usage_error("%s", "sweep needs --seeds A..B");
    if (rc < 0 && !(rc = parse_seeds(seeds, &c)) &&
        !(rc = pick_shard(&c, shard, shards)))
        rc = -1;                  /* valid: go on */
    if (rc >= 0) {                /* an error, or --help (0) */
        free(files);
        return rc;
    }
    c.files = files;
    c.nfiles = nfiles;
    c.plans = xcalloc((size_t)nfiles, sizeof *c.plans);
    int bad = 0;
    for (int i = 0; i < nfiles; i++) {
        if (cli_load_plan(files[i], &c.plans[i]))
            bad = 1;
        else if (c.plans[i]->warnings)
            fputs(c.plans[i]->warnings, stderr);
    }
    c.nseeds = c.shard_i > c.last - c.first ? 0
        : (c.last - c.first - c.shard_i) / c.shard_n + 1;
    if (!bad && c.nseeds > UINT64_MAX / (uint64_t)nfiles) {
        fprintf(stderr, "clustersim: sweep: %" PRIu64 " seeds of %d files "
                "are too many runs\n", c.nseeds, nfiles);
        bad = 1;
    }
    ssize_t sn = readlink("/proc/self/exe", c.self, sizeof c.self - 1);
    if (sn <= 0)
        snprintf(c.self, sizeof c.self, "clustersim");
    else
        c.self[sn] = 0;

    sweep_state s;
    memset(&s, 0, sizeof s);
    s.c = &c;
    s.total = c.nseeds * (uint64_t)nfiles;
    if (!bad && c.trace && cli_check_db_path(c.trace))
        bad = 1;
    if (!bad && c.results) {
        if (cli_out_open(&s.out, "--results", c.results))
            bad = 1;
        else
            s.have_out = true;
    }
    if (bad) {
        for (int i = 0; i < nfiles; i++)
            scn_plan_free(c.plans[i]);
        free(c.plans);
        free(files);
        return 2;
    }
    if (!c.nseeds)
        fprintf(stderr, "clustersim: sweep: shard %" PRIu64 "/%" PRIu64
                " has no seeds of %" PRIu64 "..%" PRIu64 "\n", c.shard_i,
                c.shard_n, c.first, c.last);

    s.fs = xcalloc((size_t)nfiles, sizeof *s.fs);
    sb_init(&s.mismatches);
    s.cap = 64;
    s.ring = xcalloc(s.cap, sizeof *s.ring);
    s.filled = xcalloc(s.cap, sizeof *s.filled);
    for (uint64_t i = 0; i < s.cap; i++)
        sweep__res_init(&s.ring[i]);
    s.tty = isatty(2);
    s.t0 = now_us();
    s.last_draw = 0;
    s.last_decile = 0;
    if (s.have_out) {
        sweep_hfile *hf = xcalloc((size_t)nfiles, sizeof *hf);
        for (int i = 0; i < nfiles; i++) {
            hf[i].file = files[i];
            hf[i].scenario = c.plans[i]->name;
            hf[i].sha256 = c.plans[i]->sha256;
        }
        sweep_part part = {c.first, c.last, c.shard_i, c.shard_n};
        strbuf h;
        sb_init(&h);
        sweep__header(&h, CLUSTERSIM_VERSION, &part, 1, c.swarm, hf, nfiles);
        if (fprintf(s.out.f, "%s\n", h.s) < 0)
            s.werr = errno ? errno : -1;
        sb_fini(&h);
        free(hf);
    }

    int jobs = c.jobs;
    if ((uint64_t)jobs > s.total)
        jobs = (int)s.total;
    int run_rc = 0;
    if (jobs <= 1 && s.total)
        run_rc = c.jobs == 1 ? run_inprocess(&s) : run_workers(&s, 1);
    else if (s.total)
        run_rc = run_workers(&s, jobs);
    bool complete = !run_rc && !s.fatal[0] && s.done == s.total;
    progress(&s, true);
    if (s.fatal[0])
        fprintf(stderr, "clustersim: %s\n", s.fatal);

    int out_rc = 0;
    if (s.have_out && cli_out_close(&s.out, s.werr, complete, "results"))
        out_rc = 2;
    /* The workers' parts of --trace, merged into DB and removed. */
    if (c.trace && complete) {
        int nparts = s.total ? (jobs < 1 ? 1 : jobs) : 1;
        char **parts = xcalloc((size_t)nparts, sizeof *parts);
        for (int i = 0; i < nparts; i++) {
            parts[i] = xmalloc(4200);
            sweep__part_path(&c, i, parts[i], 4200);
        }
        if (!s.total) {           /* no runs: an empty part all the same */
            sweep_runner *w = sweep__runner_new(&c, 0);
            if (!w || sweep__runner_free(w))
                out_rc = 2;
        }
        char err[2048];
        int mrc = out_rc ? 2 : trace_store_merge(c.trace,
                                                 (const char *const *)parts,
                                                 nparts, err, sizeof err);
        if (mrc) {
            fprintf(stderr, "clustersim: --trace %s: %s (the runs stay in "
                    "%s.w*.partial)\n", c.trace, err, c.trace);
            out_rc = mrc == 4 ? 4 : 2;
        } else {
            for (int i = 0; i < nparts; i++)
                unlink(parts[i]);
        }
        for (int i = 0; i < nparts; i++)
            free(parts[i]);
        free(parts);
    }
    summary(&s);

    rc = s.mismatch ? 4 : s.nfailed ? 1 : s.nlimit ? 3 : 0;
    if (s.fatal[0])
        rc = s.mismatch ? 4 : 3;
    if (run_rc)
        rc = 2;
    if (out_rc == 4 || (out_rc && rc != 4))
        rc = out_rc;

    for (uint64_t i = 0; i < s.cap; i++)
        sweep__res_fini(&s.ring[i]);
    free(s.ring);
    free(s.filled);
    for (int i = 0; i < nfiles; i++) {
        free(s.fs[i].hashes);
        for (int j = 0; j < s.fs[i].nshown; j++)
            free(s.fs[i].shown_text[j]);
        scn_plan_free(c.plans[i]);
    }
    free(s.fs);
    sb_fini(&s.mismatches);
    free(c.plans);
    free(files);
    return rc;
}

/* Contract in sweep.h. */
int cli_sweep_main(int argc, char **argv)
{
    if (argc >= 1 && !strcmp(argv[0], "merge"))
        return sweep__merge_main(argc - 1, argv + 1);
    return sweep_main(argc, argv);
}
