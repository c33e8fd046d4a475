/* run: executes a plan. Builds the engine, the world and the trace sinks,
 * schedules the timeline, runs to `until`, evaluates the checks, and
 * reports the outcome (scenarios/README.md, "Exit codes"). */
#ifndef CS_RUN_H
#define CS_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "scenarios/plan.h"
#include "scenarios/workload.h"
#include "sim/observe.h"

typedef struct scn_run_opts {
    uint64_t seed;             /* used when has_seed, else plan->seed */
    bool has_seed;
    FILE *transcript;          /* shell transcript, or NULL */
    FILE *report;              /* failed expectations and checks (stderr), or NULL */
    sim_observer *extra;       /* another sink (text file, database), or NULL */
    uint64_t max_events;       /* internal limit; 0: the default */
    uint64_t max_reductions;   /* internal limit; 0: the default
                                * (WORLD_DEFAULT_MAX_REDUCTIONS) */
    uint64_t max_terms;        /* internal limit; 0: the default
                                * (WORLD_DEFAULT_MAX_TERMS) */
    FILE *history_edn, *history_json; /* the workload's history, or NULL */
    history *keep;             /* non-NULL (initialised): the history moves here */
} scn_run_opts;

typedef enum scn_outcome {
    SCN_PASSED = 0,            /* every expectation and check held */
    SCN_FAILED = 1,            /* some did not */
    SCN_LIMIT = 3              /* an internal limit stopped the run */
} scn_outcome;

/* One failed expectation or check, in the order the run found them
 * (expectations as they failed, then the checks). `where` is as the
 * report names it ("timeline[3]", "checks[0]"); `what` identifies the
 * failure independently of where the step sits in the file, so that a
 * shrunk scenario can be asked for the same failure: "expect on NODE:
 * EVAL => PATTERN" or "checks[K]: SELECTOR: too few|too many". */
typedef struct scn_failure {
    char where[32];
    char what[480];
} scn_failure;

#define SCN_MAX_FAILURES 8

typedef struct scn_run_result {
    scn_outcome outcome;
    uint64_t hash;             /* FNV-1a 64 of the canonical trace */
    uint64_t events;           /* trace events */
    uint64_t sim_events;       /* engine events run */
    uint64_t seed;
    int failed_expects, failed_checks;
    scn_failure failures[SCN_MAX_FAILURES]; /* the first of them */
    int nfailures;             /* min(failed_expects + failed_checks, MAX) */
    int64_t virtual_us;        /* the virtual time the run reached */
    int unfinished;            /* steps without expect still blocked or
                                * queued at the end (warnings) */
    char limit[256];           /* SCN_LIMIT: "max_events=..." or
                                * "max_reductions=N (who)" */
    scn_wl_result wl;          /* the workload's checkers (wl.present) */
    int history_werr;          /* writing a history failed (-1) */
} scn_run_result;

#define SCN_DEFAULT_MAX_EVENTS 1000000000ULL

/* Runs `p`. Never fails for a valid plan: problems are outcomes. */
void scn_run(const scn_plan *p, const scn_run_opts *o, scn_run_result *r);

#endif
