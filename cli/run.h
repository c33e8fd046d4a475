/* run: one scenario run as `clustersim run FILE` does it, with its
 * outputs (--text, --trace, --html), SIGINT and SIGTERM, and the outcome
 * lines (cli/run.c); and a stored run printed back as text. */
#ifndef CS_CLI_RUN_H
#define CS_CLI_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "scenarios/plan.h"
#include "scenarios/run.h"
#include "sim/observe.h"
#include "traces/history.h"

#define CLUSTERSIM_VERSION "0.1.0"

typedef struct cli_run_job {
    const char *file, *text, *db, *html;
    const char *strategy;      /* --strategy, or NULL */
    const char *hist_edn, *hist_json;  /* --history-edn, --history-json */
    history *keep;             /* non-NULL: receives the workload's history */
    uint64_t seed, max_events, max_reductions, max_terms;
    uint64_t max_memory;       /* 0: three quarters of the physical memory */
    bool has_seed, quiet;
    bool swarm;                /* --swarm: the seed also draws the knobs */
    bool silent;               /* print no outcome lines (regress) */
    scn_run_result r;          /* out: the run's result */
} cli_run_job;

/* Loads FILE ("-": standard input, named <stdin> in messages, read at
 * most once; its relative module paths name files from the current
 * directory, since "<stdin>" has no folder). Returns 0 and the plan in *p
 * (the caller frees it), or 2 after a message. */
int cli_load_plan(const char *file, scn_plan **p);
/* Runs a->file. Returns its exit code (0 passed, 1 failed, 2 invalid or
 * an output failed, 3 a limit); a->r holds the result. SIGINT or SIGTERM
 * during a run with outputs exits the process with 128 + the signal,
 * leaving the outputs as .partial and the stored run interrupted. */
int cli_run_one(cli_run_job *a);

/* A stored run back as canonical text (trace show, regress). */
typedef struct cli_show_ctx {
    char *line;
    size_t cap;
    uint64_t hash;
    FILE *out;
    bool failed;
} cli_show_ctx;
/* A trace_store_read callback: the line of ev to c->out, hashed. */
void cli_show_emit(void *ctx, const sim_obs_event *ev);

#endif
