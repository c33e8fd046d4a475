/* harness: runs a scenario inside a test and keeps what it produced (every
 * trace event, the transcript, the outcome) for assertions; makes and
 * removes the temporary files some tests need. */
#ifndef CS_HARNESS_H
#define CS_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include "scenarios/run.h"

typedef struct hev {
    int64_t t;
    char *node, *kind, *peer, *pid, *to, *name, *term, *reason, *text;
} hev;

typedef struct hrun {
    hev *ev;
    size_t n, cap;
    char *transcript;      /* what `run` prints as the shell session */
    char *report;          /* what `run` prints on stderr (failures) */
    scn_run_result r;
} hrun;

/* Loads `path` (asserting it is valid) and runs it with `seed` (0: the
 * scenario's own). Caller frees with h_free. */
hrun *h_run(const char *path, uint64_t seed);
void h_free(hrun *h);

/* Events of `kind` whose given fields equal the arguments (NULL: any). */
size_t h_count(const hrun *h, const char *kind, const char *node,
               const char *peer, const char *reason);
/* The n-th (0-based) such event, or NULL. */
const hev *h_find(const hrun *h, const char *kind, const char *node,
                  const char *peer, const char *reason, size_t n);

/* Files for tests that need them. h_tmpdir fills dir with a fresh, empty
 * directory under /tmp (asserting it could be made); h_rmtree removes it
 * and everything in it; h_write_file creates or truncates path and writes
 * text into it (asserting it could be opened). */
void h_tmpdir(char dir[64]);
void h_rmtree(const char *dir);
void h_write_file(const char *path, const char *text);
/* The whole of a file, NUL-terminated, its length in *len (may be NULL);
 * NULL when it cannot be opened. h_read asserts that it can. The caller
 * frees either. */
char *h_slurp(const char *path, size_t *len);
char *h_read(const char *path);

/* A scenario run kept in a trace store, and its canonical text trace. */
typedef struct h_stored {
    int64_t run_id;
    scn_run_result r;
    char *text;        /* as --text writes it; caller frees */
    size_t textlen;
} h_stored;

/* Runs scenario `path` as `clustersim run --trace db --text` does: opens
 * the store, begins the run, tees text + store (+ `also`, may be NULL),
 * ends the run as complete or, on a limit (max_events, 0: none), stops it
 * incomplete. */
void h_store_scenario(const char *db, const char *path, uint64_t max_events,
                      const sim_observer *also, h_stored *out);

/* Runs one expression at 1s on node a of a one-node scenario and returns
 * the transcript's output (the prompt line dropped, no trailing
 * newline); the caller frees it. */
char *h_eval1(const char *expr);

#endif
