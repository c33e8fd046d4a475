/* sweep_int: what the sweep's files share (cli/sweep.c the command and
 * its parent process, cli/sweep_work.c one run of a seed and the worker
 * processes, cli/sweep_merge.c the merge of result files). No other
 * folder includes it. */
#ifndef CS_CLI_SWEEP_INT_H
#define CS_CLI_SWEEP_INT_H

#include <stdbool.h>
#include <stdint.h>
#include "core/term/term.h"
#include "scenarios/plan.h"

/* What one sweep does, fixed before any run. */
typedef struct sweep_cfg {
    const char **files;        /* as given on the command line */
    scn_plan **plans;          /* loaded once, before any run */
    int nfiles;
    uint64_t first, last;      /* --seeds first..last, inclusive */
    uint64_t shard_i, shard_n; /* this shard: seeds with (s - first) % n == i */
    uint64_t nseeds;           /* the shard's seeds per file */
    int jobs;
    const char *results;       /* --results, or NULL */
    const char *trace;         /* --trace, or NULL */
    bool swarm;
    double check_pct;          /* --check-determinism; < 0: off */
    uint64_t max_events, max_reductions, max_terms, max_memory;
    char self[4096];           /* this binary, for the fresh-process check */
} sweep_cfg;

/* The seed of the shard's k-th seed (k < nseeds). */
static inline uint64_t sweep__seed(const sweep_cfg *c, uint64_t k)
{
    return c->first + c->shard_i + k * c->shard_n;
}

/* How a run's determinism was checked. */
enum { SWEEP_DET_NONE, SWEEP_DET_RERUN, SWEEP_DET_FRESH };

/* One run's result, as the parent needs it. */
typedef struct sweep_res {
    uint64_t item;             /* file * nseeds + k */
    int outcome;               /* scn_outcome: 0, 1, 3 */
    uint64_t hash;
    int det;                   /* SWEEP_DET_*: how it was checked */
    bool mismatch;             /* and the second run gave another hash */
    bool fatal;                /* the worker stopped: `report` says why */
    strbuf line;               /* the result line, without its newline */
    strbuf first;              /* the first failure ("where: what") or limit */
    strbuf report;             /* a mismatch's report, or a fatal stop's */
} sweep_res;

void sweep__res_init(sweep_res *r);
void sweep__res_fini(sweep_res *r);

/* A runner of seeds: one per worker process, or the sweep's own with
 * --jobs 1. It owns its part of --trace (TRACE.wK.partial) and its
 * scratch folder for the determinism check. */
typedef struct sweep_runner sweep_runner;

/* The runner of worker k. Returns NULL after a message on stderr. */
sweep_runner *sweep__runner_new(const sweep_cfg *c, int k);
/* Runs item `item` (file item / nseeds, seed k = item % nseeds) into *r
 * (initialised; its strings are reset). */
void sweep__runner_run(sweep_runner *w, uint64_t item, sweep_res *r);
/* Closes the runner's trace part and scratch folder. Returns 0, or 2
 * after a message. NULL is fine. */
int sweep__runner_free(sweep_runner *w);
/* The path of worker k's part of --trace, into buf. */
void sweep__part_path(const sweep_cfg *c, int k, char *buf, size_t n);

/* A worker process's loop: reads items from in_fd, writes results to
 * out_fd, until in_fd ends; never returns (_exit). */
void sweep__worker_main(const sweep_cfg *c, int k, int in_fd, int out_fd)
    __attribute__((noreturn));
/* Writes r to fd as one message; reads one from fd into r. Return 0, or
 * -1 (a closed pipe, a short read). */
int sweep__res_send(int fd, const sweep_res *r);
int sweep__res_recv(int fd, sweep_res *r);

/* Appends s as a JSON string (quoted, escaped). */
void sweep__json_str(strbuf *b, const char *s);
/* The header line of a results file (no newline): what it covers, as
 * parts (a sweep's one, or a merge's), and its files. A merge of every
 * shard writes the header of the sweep that ran them all at once. */
typedef struct sweep_part {
    uint64_t first, last, i, n;  /* seeds first..last, shard i/n */
} sweep_part;
typedef struct sweep_hfile {
    const char *file, *scenario, *sha256;
} sweep_hfile;
void sweep__header(strbuf *b, const char *version, const sweep_part *parts,
                   int nparts, bool swarm, const sweep_hfile *files,
                   int nfiles);

/* clustersim sweep merge OUT IN...: argv after "merge". */
int sweep__merge_main(int argc, char **argv);

#endif
