/* workload: the clients of a scenario's workload and the checkers of
 * their history (scenarios/README.md, "Workload").
 *
 * Each client is a sequence of operations on its node, one at a time,
 * drawn from the workload's own random stream: Poisson arrivals at
 * `rate` (an arrival while the client is busy waits for it), the
 * read/write/cas mix, keys 0..keys-1, values unique per key. An
 * operation is store_client:op/5 (core/lib/store_client.erl) in a fresh
 * process on the node; its invocation and completion are trace events
 * (invoke, ok, fail, info) and operations of a history (traces/history.h).
 * After the run the checkers judge that history and emit their verdicts
 * as `checker` events, before the scenario's checks are judged, so
 * checks can assert them. */
#ifndef CS_WORKLOAD_H
#define CS_WORKLOAD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "core/rt/world.h"
#include "scenarios/plan.h"
#include "sim/observe.h"
#include "traces/cap.h"
#include "traces/history.h"

typedef struct scn_wl scn_wl;

#define SCN_WL_MAX_NODES 1024

/* What the checkers found: a row of `clustersim cap`. */
typedef struct scn_wl_result {
    bool present;              /* the plan has a workload */
    char strategy[64];
    uint64_t invoked, ok, fail, info;
    hist_verdict lin;          /* linearizable */
    char lin_text[512];        /* its summary line */
    cap_result cap;            /* the other checkers */
    int64_t partition_at, heal_at, detect_us[CAP_NSIDES]; /* us; -1 none */
    size_t discards;           /* white-box discard events */
    /* the first partition as its event wrote it ("[a@sim,b@sim] |
     * [c@sim]"; "" none), and each node's side in it (-1: none; nodes
     * past SCN_WL_MAX_NODES are -1) */
    char partition_text[512];
    signed char side[SCN_WL_MAX_NODES];
    int nnodes;
} scn_wl_result;

/* The store's start expression on a member node (world_node_cfg's
 * boot_eval), malloc'd; NULL for a node that is not a member. */
char *scn_wl_boot_eval(const scn_plan *p, int node);

/* The workload of p on w, its clients scheduled on s from their first
 * arrival; NULL when p has none. */
scn_wl *scn_wl_new(const scn_plan *p, sim *s, world *w, uint64_t seed);
/* The sink that sees the nodedowns, the faults and the white-box events
 * the checkers use; add it to the run's tee. */
sim_observer scn_wl_observer(scn_wl *wl);
/* After the run: judges the history, emits the `checker` events and
 * prints one line per checker on `report` (may be NULL); fills *r. */
void scn_wl_finish(scn_wl *wl, FILE *report, scn_wl_result *r);
/* The history so far (borrowed). */
const history *scn_wl_history(const scn_wl *wl);
/* Moves the history into *out (initialised; its old contents freed). */
void scn_wl_take_history(scn_wl *wl, history *out);
void scn_wl_free(scn_wl *wl);

#endif
