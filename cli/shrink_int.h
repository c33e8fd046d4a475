/* shrink's internals shared by cli/shrink.c (the search) and
 * cli/shrink_json.c (the edits of the scenario's JSON tree). No other
 * file includes this. */
#ifndef CS_CLI_SHRINK_INT_H
#define CS_CLI_SHRINK_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <cJSON.h>
#include "core/term/term.h"
#include "scenarios/plan.h"

/* The tree as one line of JSON ("{"a": 1, "b": [2]}"), appended to b. */
void shr__compact(strbuf *b, const cJSON *x);
/* The tree as the output file writes it: 2-space indentation, a value on
 * one line when it fits in 100 columns (so a timeline step is a line). */
void shr__pretty(strbuf *b, const cJSON *x);

/* Puts the top-level members in the order scenarios are written: name,
 * description, seed, until, config, nodes, links, timeline, checks,
 * workload, then any other in its order. */
void shr__order_top(cJSON *root);

/* Adds member key = v (taking v) as the at-th member of obj. */
void shr__insert_member(cJSON *obj, const char *key, cJSON *v, int at);

/* Makes every whole number of the tree below 2^53 a raw integer (so that
 * cJSON never prints 1e+15), and sets "seed" to `seed` (raw: a double
 * would lose bits above 2^53). */
void shr__fix_numbers(cJSON *root, uint64_t seed);
/* The first half of that alone: whole numbers made raw integers. */
void shr__fix_ints(cJSON *x);

/* A duration as scenarios write it: "31s", "1500ms", "250us". */
void shr__duration(char *buf, size_t n, int64_t us);
/* Sets the string member `key` of object `obj` to the duration `us`. */
void shr__set_duration(cJSON *obj, const char *key, int64_t us);

/* Sorts the timeline by "at", keeping the file order of steps at the
 * same time: the run order, so the run is unchanged. */
void shr__sort_timeline(cJSON *root);

/* Removes from the tree every node i with !keep[i] (p is the tree's own
 * plan, for resolving names): the entry of "nodes", its links, the steps
 * on it (eval, halt, freeze, resume, restart, cut_oneway, latency), its
 * pairs of cut and heal and its place in partition groups (a step left
 * with nothing to do goes), the checks naming it, its place among the
 * workload's clients and in the strategies' node lists. What the loader
 * would still reject (a strategy parameter naming it) is left: the
 * candidate is then rejected. */
void shr__remove_nodes(cJSON *root, const scn_plan *p, const bool *keep);

/* Rewrites the relative paths of "modules" (config's and each node's),
 * written relative to the folder of `from_file`, to be relative to the
 * folder of `to_file` (NULL: the current directory). Returns 0, or -1
 * when a folder cannot be resolved (the paths are then left). */
int shr__move_modules(cJSON *root, const char *from_file, const char *to_file);

/* A unit of the timeline: a fault and the steps that undo it (a
 * partition, cut or cut_oneway and the first later heal of each link it
 * cut; freeze and the next resume of the node; halt and the next restart;
 * a latency step and, per direction it set, the next latency step there
 * that no earlier one took), or any other step alone. */
typedef struct shr_unit {
    int *steps;        /* timeline indexes: the lead first, then the
                        * steps that undo it */
    int n;
} shr_unit;

typedef struct shr_units {
    shr_unit *u;       /* in run order of their leads */
    int n;
    int ntimeline;
    int *owners;       /* per timeline index: how many units hold it */
} shr_units;

/* The units of plan p, into *us (freed with shr__units_fini). */
void shr__units_make(const scn_plan *p, shr_units *us);
void shr__units_fini(shr_units *us);

#endif
