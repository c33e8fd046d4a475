/* store: the SQLite trace store (--trace out.db). One database holds many
 * runs; each run's events go in with prepared statements, batched in
 * transactions, written by a thread of the store's own while the run
 * goes on (store.c). A run is marked complete only by trace_store_end_run, so
 * a run that stopped early stays marked incomplete.
 * The schema is documented in traces/README.md and versioned with
 * PRAGMA user_version. SQLite is used only in traces/ (STYLE.md 16).
 * A store or a cursor belongs to one thread at a time (its connection is
 * opened without SQLite's mutex). */
#ifndef CS_STORE_H
#define CS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sim/observe.h"

typedef struct trace_store trace_store;

/* What identifies a run. Strings are copied. */
typedef struct trace_run_meta {
    const char *scenario;      /* scenario name */
    const char *file;          /* scenario path as given */
    uint64_t seed;
    const char *version;       /* program version */
    const char *const *nodes;  /* full node names, in scenario order */
    int nnodes;
    const char *sha256;        /* the scenario's SHA-256 (plan.h), or NULL */
    bool swarm;                /* run in swarm mode */
} trace_run_meta;

/* Opens (creating if needed) the database at path for writing. Returns 0,
 * or -1 with a message naming the path in err (never crashes on a bad
 * path, a directory, a read-only file or a database of another schema). */
int trace_store_open(const char *path, trace_store **out, char *err,
                     size_t errlen);
/* Starts a run (marked incomplete); *run_id receives its id. */
int trace_store_begin_run(trace_store *s, const trace_run_meta *m,
                          int64_t *run_id, char *err, size_t errlen);
/* The sink that records the current run's events. */
sim_observer trace_store_observer(trace_store *s);
/* Marks the run complete with its hash and outcome ("passed", "failed")
 * and commits. */
int trace_store_end_run(trace_store *s, uint64_t hash, const char *outcome,
                        char *err, size_t errlen);
/* Commits what was written and closes; a run not ended stays incomplete
 * (outcome NULL, complete 0). NULL is fine. */
void trace_store_close(trace_store *s);

/* Reads the events of run `run_id` (-1: the newest run) in seq order,
 * calling fn for each (ev valid only during the call). *run_id_out (may
 * be NULL) receives the run read. Returns 0, or -1 with err. */
int trace_store_read(const char *path, int64_t run_id,
                     void (*fn)(void *ctx, const sim_obs_event *ev),
                     void *ctx, int64_t *run_id_out, char *err, size_t errlen);

/* ---- additions: run metadata, pull reading, early stops ---- */

/* The schema version this code writes and reads (PRAGMA user_version),
 * and the PRAGMA application_id that marks a clustersim trace database. */
#define TRACE_STORE_SCHEMA 4
#define TRACE_STORE_APP_ID 0x43537472 /* "CStr" */

/* Events per transaction while a run is written: a crash loses at most
 * this many events, never the run row (inserted and committed first). */
#define TRACE_STORE_BATCH 10000

/* What the runs table says about one run. Fixed buffers, truncated if
 * longer; no ownership. hash and outcome are "" while the run is open. */
typedef struct trace_run_info {
    int64_t id;
    char scenario[256];
    char file[1024];
    uint64_t seed;
    char version[64];
    char hash[32];       /* 16 lowercase hex digits, as `run` prints it */
    char outcome[32];    /* passed, failed, limit, interrupted, or "" */
    bool complete;
    int64_t events;      /* events committed so far (all of them if complete) */
} trace_run_info;

/* Ends the current run WITHOUT marking it complete: records `outcome`
 * ("limit", "interrupted", ...) and the events written, and commits, so
 * an early stop is visible as such. Returns 0, or -1 with err. */
int trace_store_stop_run(trace_store *s, const char *outcome, char *err,
                         size_t errlen);

/* A pull reader over one run's events, in seq order, for readers that
 * walk two traces side by side (trace diff). */
typedef struct trace_store_cursor trace_store_cursor;

/* Opens the database at path read-only-in-spirit (it never writes; SQLite
 * may roll back a crashed writer's journal) and selects run `run_id` (-1:
 * the newest). *info (may be NULL) receives the run's row. Returns 0, or
 * -1 with a message naming the path in err (missing file, not a
 * database, another schema, no such run); *out is then NULL. */
int trace_store_cursor_open(const char *path, int64_t run_id,
                            trace_store_cursor **out, trace_run_info *info,
                            char *err, size_t errlen);
/* Fills *ev with the next event (strings valid until the next call or
 * close). Returns 1, 0 at the end, or -1 with err. */
int trace_store_cursor_next(trace_store_cursor *c, sim_obs_event *ev,
                            char *err, size_t errlen);
/* Closes the cursor. NULL is fine. */
void trace_store_cursor_close(trace_store_cursor *c);

/* Reads run `run_id`'s row (-1: the newest run) into *info. Returns 0,
 * or -1 with err. */
int trace_store_run_info(const char *path, int64_t run_id,
                         trace_run_info *info, char *err, size_t errlen);

/* Merges the runs of the databases in[0..nin) into the database `out`
 * (created if missing): clustersim trace merge. A run already in `out`
 * or in an earlier input under the same key (scenario SHA-256, swarm,
 * seed, version) is kept once when the two agree (hash and outcome) and
 * is a conflict when they do not. Returns 0; 4 on a conflict (nothing is
 * written, and err names the key, both hashes and both files); 2 with err
 * on any other failure (nothing is written either). Runs without a
 * SHA-256 are keyed by (scenario, file, swarm, seed, version); incomplete
 * runs also by outcome and event count, and never conflict. The runs
 * added get ids after out's in a canonical order, so the same runs give
 * the same rows however split; the inputs are only read (schemas 1 to
 * TRACE_STORE_SCHEMA); the merge is built in OUT.partial and renamed over
 * out (traces/README.md, "Merging databases"). */
int trace_store_merge(const char *out, const char *const *in, int nin,
                      char *err, size_t errlen);

/* What a merge did: runs read from the inputs, runs added to out (of
 * them incomplete), and runs of the inputs already there (in out or an
 * earlier input: kept once). */
typedef struct trace_merge_stats {
    int64_t runs_read, added, incomplete, duplicates;
} trace_merge_stats;

/* trace_store_merge, and what it did in *stats (may be NULL; zero on a
 * failure). */
int trace_store_merge_stats(const char *out, const char *const *in, int nin,
                            trace_merge_stats *stats, char *err,
                            size_t errlen);

/* True if the file at path starts with the SQLite header (so a trace
 * argument names a database rather than a text trace). */
bool trace_store_is_db(const char *path);

#endif
