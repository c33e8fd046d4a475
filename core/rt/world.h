/* world: the virtual nodes of one simulation, the Erlang code running on
 * them, and the network between them. This is core/'s face to the
 * timeline driver: the driver (scenarios/) makes a world with every
 * subsystem installed (lib_world_new, core/lib/lib.h) and turns a plan
 * into calls here, at the virtual times the plan says; everything
 * observable leaves as trace events through the engine's observer.
 *
 * Nodes are numbered 0..n-1 in the scenario's order. */
#ifndef CS_WORLD_H
#define CS_WORLD_H

#include <stdbool.h>
#include <stdint.h>
#include "net_model/latency.h"
#include "sim/sim.h"

typedef enum world_autoconnect {
    WORLD_AUTOCONNECT_ALWAYS,
    WORLD_AUTOCONNECT_ONCE,
    WORLD_AUTOCONNECT_NEVER
} world_autoconnect;

/* One node's kernel parameters (scenarios/README.md, config). Strings are
 * copied by world_new. */
typedef struct ev_module ev_module;
typedef struct ev_code ev_code;

typedef struct world_node_cfg {
    const char *name;              /* full name, "alice@sim" */
    const char *cookie;
    bool hidden;
    int64_t net_ticktime;          /* microseconds */
    int64_t net_setuptime;
    bool connect_all;
    world_autoconnect autoconnect;
    bool prevent_overlapping_partitions;
    lat_dist latency;              /* outgoing links' default */
    double loss;
    const char *const *apps;
    int napps;
    /* Compiled modules (core/erl/eval.h), loaded when the node boots and
     * again at each restart; world_new holds each. */
    ev_module *const *modules;
    int nmodules;
    bool tls;                      /* TLS distribution */
    const char *tls_ca;            /* trusted CA */
    const char *tls_cert_ca;       /* CA that signed this node's certificate */
    bool tls_verify_peer;
    /* the node's wall clock (erlang:system_time): its offset from the
     * virtual epoch in microseconds, and its drift in parts per million */
    int64_t clock_offset;
    int64_t clock_drift_ppm;
    /* An expression evaluated at each boot, once the apps have started
     * and before the shell's first step, as they are (a workload's
     * store: "pause_minority:start_link(#{...})."), or NULL. */
    const char *boot_eval;
} world_node_cfg;

typedef struct world world;

/* A world of `n` nodes (none booted) on `s`, randomness derived from
 * `seed`, with rt/'s own BIFs and nothing of the layers above (see
 * lib_world_new). Caller frees, before freeing `s`. */
world *world_new(sim *s, uint64_t seed, int n, const world_node_cfg *cfg);
void world_free(world *w);

const char *world_node_name(const world *w, int node);

/* ---- timeline actions, applied at the current virtual time ---- */

/* Boots a node that never ran (start time). */
void world_boot(world *w, int node);

/* Queues `src` for the node's shell, with an optional `expect` pattern
 * (NULL: none). `where` names the step in messages ("timeline[3]"). The
 * shell evaluates queued steps in order; a blocking one holds the rest.
 * `code` and `pattern` are src and expect already compiled (each may be
 * NULL: then the shell compiles the text), held by the shell while it
 * needs them: a scenario's steps are compiled once, by its loader. */
void world_eval(world *w, int node, const char *src, ev_code *code,
                const char *expect, ev_code *pattern, const char *where);

/* Evaluates `code` (held while it runs) with the bindings names[i] =
 * values[i] (references taken) in a new process of `node` whose output
 * goes to the node's console, as rpc's server evaluates a call.
 * started(ctx, pid) is called once the process exists, before it runs,
 * with its pid as the node prints it ("<0.93.0>"; may be NULL); then
 * done(ctx, value, NULL) or done(ctx, NULL, exception) once it returns
 * (both borrowed), never if the node halts first. A node that is not
 * up runs nothing: world_call returns false. */
struct term;
struct ev_exception;
typedef void (*world_started_fn)(void *ctx, const char *pid);
typedef void (*world_call_fn)(void *ctx, const struct term *value,
                              const struct ev_exception *x);
bool world_call(world *w, int node, ev_code *code, const char *const *names,
                struct term *const *values, int n, world_started_fn started,
                world_call_fn done, void *ctx);

/* Prints a note in the transcript. */
void world_note(world *w, const char *text);

/* Cuts every link between nodes of different groups (group[i] < 0: node
 * i keeps all its links). */
void world_partition(world *w, const int *group);
void world_cut(world *w, int from, int to, bool both_ways);
void world_heal(world *w, int a, int b);
void world_heal_all(world *w);
/* Sets a link's latency; `traced` (a timeline step, not the scenario's
 * links) also records it as a `latency` trace event. */
void world_set_latency(world *w, int from, int to, bool both_ways,
                       lat_dist latency, bool traced);
void world_halt(world *w, int node);
void world_freeze(world *w, int node);
void world_resume(world *w, int node);
void world_restart(world *w, int node);

/* Ends the run at the current time: shells still busy are reported.
 * A step with an `expect` fails it; a step without one is passed to
 * `unfinished` (may be NULL): `where` ("timeline[3]"), its node's name,
 * and whether it was running (blocked) or still queued behind one. */
typedef void (*world_unfinished_fn)(void *ctx, const char *where,
                                    const char *node, bool running);
void world_finish(world *w, world_unfinished_fn unfinished, void *ctx);

/* The run's budget of reductions (every process's Erlang code counts
 * one per function or fun call): when it is used up, the run stops at
 * once (sim_halt) and world_limit says so. Default
 * WORLD_DEFAULT_MAX_REDUCTIONS. A process runs at most
 * WORLD_SLICE_REDUCTIONS per engine event, then yields: it goes on in a
 * new event at the same virtual time, after the events already due, as
 * BEAM's scheduler moves a process that used its reductions to the back
 * of the run queue. */
#define WORLD_DEFAULT_MAX_REDUCTIONS 1000000000ULL
#define WORLD_SLICE_REDUCTIONS 4000
void world_set_max_reductions(world *w, uint64_t n);
/* The run's heap: when more than `n` term cells are alive (every
 * process's data, messages in flight, the scenario's constants), the run
 * stops at the next step of Erlang code, as for reductions, with
 * world_limit "max_terms=N (...)", where erl would grow until the
 * machine's memory ran out. Default WORLD_DEFAULT_MAX_TERMS (a cell is
 * about 48 bytes: about 1 GB). */
#define WORLD_DEFAULT_MAX_TERMS 20000000ULL
void world_set_max_terms(world *w, uint64_t n);
/* NULL, or the limit that stopped the run:
 * "max_reductions=N (<0.84.0> on alice@sim, in a fun (1:10))". */
const char *world_limit(const world *w);

/* How the shell's c(Mod) gets the text of Mod.erl: core/ does no I/O,
 * so the driver reads it (from the scenario's folder). The reader
 * returns a malloc'd NUL-terminated text, or NULL when there is no such
 * file. None set: c/1 finds no file. */
typedef char *(*world_source_reader)(void *ctx, const char *file);
void world_set_source_reader(world *w, world_source_reader read, void *ctx);

/* The library: modules loaded on every node at each boot, before the
 * node's own config.modules (which replace one of the same name). Each
 * is held by the world; `mods` sorted by name text. Set once, before
 * the first boot (lib_world_new does). */
void world_set_library(world *w, ev_module *const *mods, int n);

/* Expectations that failed so far. */
int world_failures(const world *w);

#endif
