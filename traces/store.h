/* store: the SQLite trace store (--trace out.db). One database holds many
 * runs; each run's events go in with prepared statements, batched in
 * transactions. A run is marked complete only by trace_store_end_run, so
 * a run that stopped early stays marked incomplete.
 * The schema is documented in traces/README.md and versioned with
 * PRAGMA user_version. SQLite is used only in traces/ (STYLE.md 16). */
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

#endif
