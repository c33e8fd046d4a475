/* plan: the immutable, validated form of a scenario file.
 *
 * scn_load (scenarios/loader.h) builds a plan from JSON; everything after
 * it (the timeline driver, the checks) reads only this. All strings are
 * owned by the plan and freed by scn_plan_free. Nodes are referred to by
 * index into plan->nodes everywhere; names are always the full form
 * ("alice@sim"). Times are virtual microseconds. */
#ifndef CS_PLAN_H
#define CS_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "net_model/latency.h"

typedef struct ev_module ev_module;

typedef enum scn_autoconnect {
    AUTOCONNECT_ALWAYS,
    AUTOCONNECT_ONCE,
    AUTOCONNECT_NEVER
} scn_autoconnect;

typedef struct scn_tls {
    bool on;          /* false: plain TCP distribution */
    char *ca;         /* the CA this node trusts */
    char *cert_ca;    /* the CA that signed this node's certificate (= ca by default) */
    bool verify_peer; /* "verify": "verify_peer" (true) or "verify_none" */
} scn_tls;

/* Kernel parameters: config defaults with per-node overrides applied. */
typedef struct scn_config {
    char *host;                  /* default "sim" */
    char *cookie;                /* default "nocookie" */
    bool hidden;                 /* default false */
    int64_t net_ticktime;        /* default 60 s */
    int64_t net_setuptime;       /* default 7 s */
    bool connect_all;            /* default true */
    scn_autoconnect dist_auto_connect; /* default always */
    bool prevent_overlapping_partitions; /* default true */
    int64_t clock_offset;        /* the wall clock's offset, default 0 */
    int64_t clock_drift_ppm;     /* its drift in ppm, default 0 */
    lat_dist latency;            /* default constant 1 ms */
    double loss;                 /* default 0, in [0, 1) */
    char **apps;                 /* default none */
    int napps;
    ev_module **modules;  /* default none; compiled, held */
    int nmodules;
    scn_tls tls;                 /* default off */
    int64_t start;               /* default 0 */
} scn_config;

/* Bits of scn_node.own: the knobs a node sets itself (swarm mode draws
 * only the others). */
enum { SCN_OWN_LATENCY = 1, SCN_OWN_LOSS = 2, SCN_OWN_TICKTIME = 4 };

typedef struct scn_node {
    char *name;        /* full name, "alice@sim" */
    char *short_name;  /* part before '@', "alice" */
    scn_config cfg;
    unsigned own;      /* SCN_OWN_* bits */
} scn_node;

/* A per-direction link override: from -> to gets `latency`. */
typedef struct scn_link {
    int from, to;
    lat_dist latency;
} scn_link;

typedef enum scn_step_kind {
    STEP_EVAL,       /* node, eval, expect (may be NULL) */
    STEP_NOTE,       /* note */
    STEP_PARTITION,  /* group[] */
    STEP_CUT,        /* pairs (both directions) */
    STEP_CUT_ONEWAY, /* pairs (npairs == 1, from -> to only) */
    STEP_HEAL,       /* heal_all, or pairs (both directions) */
    STEP_LATENCY,    /* pairs (npairs == 1), both_ways, latency */
    STEP_HALT,       /* node */
    STEP_FREEZE,     /* node */
    STEP_RESUME,     /* node */
    STEP_RESTART     /* node */
} scn_step_kind;

typedef struct scn_step {
    int index;           /* position in the file's timeline array */
    int line, col;       /* where the step's object starts in the file */
    int64_t at;
    scn_step_kind kind;
    int node;            /* eval / halt / freeze / resume / restart */
    char *eval;          /* eval source text, as written */
    char *expect;        /* pattern text or NULL */
    struct ev_code *code, *pattern;  /* eval and expect compiled (held) */
    int expect_line, expect_col; /* where "expect"'s value starts */
    char *note;
    int *group;          /* partition: group number per node, -1 if unlisted */
    int (*pairs)[2];     /* cut / heal / latency / cut_oneway: node pairs */
    int npairs;
    bool heal_all;
    bool both_ways;      /* latency: "between" (true) or "from"/"to" */
    lat_dist latency;    /* latency step */
} scn_step;

typedef struct scn_check {
    int index, line, col;
    char *event;         /* trace kind, e.g. "nodedown" */
    /* Field filters (NULL = any). Keys are trace field names
     * (traces/README.md); node names are stored in full form. */
    char **keys, **values;
    int nfilters;
    int64_t min, max;    /* count bounds; exact count: min == max; max -1 = no bound */
    bool has_between;
    int64_t t0, t1;      /* inclusive window */
} scn_check;

typedef enum scn_op { OP_READ, OP_WRITE, OP_CAS } scn_op;

/* A workload's store: a strategy module and its parameters. */
typedef struct scn_strategy {
    char *name;          /* the module: "pause_minority", or the user's */
    bool library;        /* one of the library's strategies */
    bool cas;            /* it implements cas/4 */
    int *members;        /* node indexes: where the store runs */
    int nmembers;
    /* The strategy's own parameters as the associations of an Erlang
     * map, converted (scenarios/README.md, "Workload"): "" or
     * "check_interval => 1000, reconnect_interval => 1000". */
    char *params;
} scn_strategy;

typedef struct scn_workload {
    bool present;
    scn_strategy strategy;
    /* the strategies `clustersim cap` compares (key "compare"; default:
     * every library strategy that needs no parameter) */
    scn_strategy *compare;
    int ncompare;
    int *clients;        /* node indexes */
    int nclients;
    int keys;            /* >= 1 */
    double rate;         /* operations per second per client, > 0 */
    double mix_read, mix_write, mix_cas; /* sum to 1 */
    int64_t timeout, from, to;
    int64_t final_reads; /* -1: none */
    char **checkers;     /* "linearizable", "stale_reads", "lost_writes", "convergence", "availability" */
    int ncheckers;
} scn_workload;

/* The nemesis's fault shapes (scenarios/README.md, "Nemesis"), in the
 * order of scn_fault_names (nemesis.h). */
typedef enum scn_fault_kind {
    FAULT_PARTITION_HALVES, FAULT_ISOLATE_ONE, FAULT_BRIDGE, FAULT_RING,
    FAULT_FLAP, FAULT_FREEZE, FAULT_HALT_RESTART, FAULT_LATENCY_SPIKE,
    FAULT_NKINDS
} scn_fault_kind;

/* A generated fault schedule: one fault every `every` from `from` while
 * before `to`, of a kind drawn from `kinds`, lasting a duration drawn
 * from [dmin, dmax] (at most `every`). */
typedef struct scn_nemesis {
    bool present;
    unsigned kinds;      /* bit (1u << kind) per listed kind */
    int64_t every, dmin, dmax, from, to;
    int *nodes;          /* the nodes faults are drawn among (NULL: all) */
    int nnodes;
    int line, col;       /* where "nemesis" starts in the file */
} scn_nemesis;

typedef struct scn_plan {
    char *file;          /* path as given to scn_load */
    char *name;
    char *description;   /* may be NULL */
    char *warnings;      /* erlc's warnings for the modules, or NULL */
    uint64_t seed;       /* default 1 */
    /* SHA-256 of the scenario's text followed by each module file it
     * names (its path, then its bytes, in file order): what a sweep's
     * results are keyed by */
    char sha256[65];
    int64_t until;
    scn_config config;   /* the top-level defaults */
    scn_node *nodes;
    int nnodes;
    scn_link *links;     /* already split into directions, in file order */
    int nlinks;
    scn_step *steps;     /* sorted by (at, file order): the run order */
    int nsteps;
    scn_check *checks;
    int nchecks;
    scn_workload workload;
    scn_nemesis nemesis;
    int ntimeline;       /* elements of the file's timeline array */
} scn_plan;

/* Frees a plan and everything it owns; NULL is fine. */
void scn_plan_free(scn_plan *p);

/* Frees what a strategy owns (not s itself). */
void scn_strategy_fini(scn_strategy *s);

/* Makes the plan's workload run strategy `name` (clustersim run
 * --strategy, clustersim cap): its own strategy if that is the one, else
 * the entry of its compare list of that name. Returns 0, or -1
 * with a message in err (no such strategy; one whose parameters have
 * no default; a mix with cas for a strategy without cas). */
int scn_plan_use_strategy(scn_plan *p, const char *name, char *err, size_t n);

/* Index of the node named `name` (short or full form), or -1. */
int scn_plan_find_node(const scn_plan *p, const char *name);

#endif
