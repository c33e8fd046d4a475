/* nemesis: what a seed draws beyond the scenario's own timeline
 * (scenarios/README.md, "Nemesis" and "Swarm").
 *
 * - The nemesis: a fault schedule, each fault a shape (a partition in
 *   halves, one node isolated, a bridge, a ring, a flapping link, a
 *   frozen node, a halt and restart, a latency spike) turned into plain
 *   timeline steps, its fault and then its heal.
 * - Swarm mode: per seed, which fault kinds are banned, and the knobs
 *   latency, loss and net_ticktime, within documented ranges.
 *
 * Every draw comes from a stream keyed by (seed, purpose, index)
 * (sim/rng.h), never from one shared sequence: fault i's kind, time,
 * length and targets depend on i alone, so deleting one fault from a
 * materialized schedule leaves the others as they were.
 *
 * A variant is a view of a loaded plan for one seed: the plan's steps
 * with the drawn ones merged in run order, and the nodes' knobs as
 * swarm drew them. The base plan is untouched (a sweep loads a scenario
 * once and makes one variant per seed); the variant borrows everything
 * else from it and must not outlive it. */
#ifndef CS_NEMESIS_H
#define CS_NEMESIS_H

#include <stdbool.h>
#include <stdint.h>
#include "core/term/term.h"
#include "scenarios/plan.h"

/* The shapes' names as scenarios write them, indexed by scn_fault_kind. */
extern const char *const scn_fault_names[FAULT_NKINDS];

/* What swarm mode drew for a seed. */
typedef struct scn_swarm {
    bool on;
    unsigned banned;     /* bit (1u << kind): fault kinds not drawn */
    lat_dist latency;    /* config.latency */
    double loss;         /* config.loss */
    int64_t net_ticktime;/* config.net_ticktime, microseconds */
} scn_swarm;

typedef struct scn_variant {
    scn_plan plan;       /* run this with scn_run; never scn_plan_free it */
    const scn_plan *base;
    scn_swarm swarm;
    int ngenerated;      /* steps drawn by the nemesis */
    int nfaults;         /* faults drawn (each one or more steps) */
    /* owned: */
    scn_step *steps;     /* plan.steps: the base's (shallow) and the drawn */
    scn_node *nodes;     /* plan.nodes when swarm changed a knob, else NULL */
} scn_variant;

/* The variant of `base` for `seed` (swarm mode when `swarm`). With no
 * nemesis and no swarm it is the base plan with its seed replaced. */
void scn_variant_make(const scn_plan *base, uint64_t seed, bool swarm,
                      scn_variant *v);
void scn_variant_fini(scn_variant *v);

/* The swarm draws as one JSON object (for a sweep's result line), or
 * "null" when swarm mode is off. */
void scn_swarm_json(const scn_swarm *s, strbuf *out);

/* The scenario `text` (file `file`, loaded as `base`) rewritten with the
 * variant's draws made explicit: the nemesis key removed, the drawn
 * steps appended to the timeline in run order, the seed set and, with
 * swarm, the drawn knobs written into config. Running the result gives
 * the same trace as running the variant. Relative module paths are
 * rewritten to be relative to the folder of `out_file` (NULL: unchanged).
 * Returns 0 and the JSON text in *out, or -1 with a message in err. */
int scn_materialize(const char *file, const char *text, size_t len,
                    const scn_variant *v, const char *out_file, strbuf *out,
                    char *err, size_t errlen);

#endif
