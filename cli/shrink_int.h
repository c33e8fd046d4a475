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
#include "scenarios/run.h"

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

/* ---- the search (cli/shrink_search.c) ---- */

typedef struct shr_cache_ent {
    uint64_t hash;
    char *text;
    bool fails;
} shr_cache_ent;

/* The search's state. The command (cli/shrink.c) sets the inputs, the
 * target and doc, and frees doc, own_config and the cache. */
typedef struct shr {
    const char *file;          /* FILE: candidates are loaded as it */
    uint64_t seed;
    uint64_t max_runs, max_events, max_reductions;
    uint64_t runs, rejected, cached;
    bool exhausted;            /* max_runs reached */
    char target[600];          /* the failure's identity (shr__identity) */
    cJSON *doc;                /* the smallest failing scenario so far */
    cJSON *own_config;         /* --swarm: FILE's own config (or NULL) */
    shr_cache_ent *cache;
    int ncache, capcache;
} shr;

/* What a run's failures got, as far as their identity goes. For an
 * expectation, "got a value" for any value (the value itself moves with
 * pids and timings), else "got " and the reason there was none ("no
 * result by the end of the run", "never evaluated (...)"), which is
 * another failure: a run cut short before the call returns must not pass
 * for the bug. For a check, "counted N". One entry per failure, in the
 * order failure_emit (scenarios/run.c) records them. */
typedef struct shr_got {
    char got[SCN_MAX_FAILURES][96];
    int n;
} shr_got;

/* A failure's identity, into out: its `what` without a check's index
 * ("checks[K]: ", which moves when checks go), then " | " and its got
 * entry for an expectation or for a check that counted too few. */
void shr__identity(const char *what, const char *got, char *out, size_t n);
/* Runs plan p for s->seed (swarm: as run --swarm) within s's limits.
 * Returns the outcome; r and g hold the result. */
scn_outcome shr__run_plan(const shr *s, const scn_plan *p, bool swarm,
                          scn_run_result *r, shr_got *g);
/* Whether plan p's run fails the same way (s->target). */
bool shr__run_fails(shr *s, const scn_plan *p);
/* Whether tree d, loaded as s->file, fails the same way (cached; after
 * s->max_runs runs, false with s->exhausted set). */
bool shr__test_doc(shr *s, const cJSON *d);
/* The plan of s->doc (it loaded before). Caller frees. */
scn_plan *shr__cur_plan(shr *s);
/* The size of root's array member key (0 when there is none). */
int shr__array_size(const cJSON *root, const char *key);

/* The phases of a round; each returns whether it changed s->doc. */
bool shr__phase_checks(shr *s, int target_check);  /* the others go */
bool shr__phase_knobs(shr *s);       /* swarm's knobs back to FILE's */
bool shr__phase_units(shr *s, bool try_empty);     /* ddmin, timeline */
bool shr__phase_clients(shr *s);     /* ddmin, workload clients */
bool shr__phase_nodes(shr *s);       /* ddmin, nodes */
bool shr__phase_settings(shr *s);    /* ddmin, links, config, node keys */
bool shr__phase_until(shr *s);       /* until, by binary search */
bool shr__phase_durations(shr *s);   /* each fault's undoing steps */
bool shr__phase_wl_times(shr *s);    /* the workload's to, final_reads */

#endif
