/* global_int: what the files of core/global/ share, and no one else:
 * each node's replica of the name table with the state of its
 * registrations and exchanges, and the functions one file calls in
 * another (glob__ names).
 *   global.c    the table, the protocol's dispatcher, the hooks,
 *               glob_install;
 *   mesh.c      the exchange on nodeup (the transitive mesh, clashes)
 *               and prevent_overlapping_partitions;
 *   register.c  registration: the node's registrar queue, the lock
 *               {global, Registrar} (boss first, random_sleep/1), the
 *               BIFs.
 * core/global/global.h holds the layer's interface to lib/. */
#ifndef CS_GLOBAL_INT_H
#define CS_GLOBAL_INT_H

#include <stdbool.h>
#include <stdint.h>
#include "core/dist/dist.h"
#include "core/global/global.h"
#include "core/rt/bif.h"
#include "core/term/imap.h"

typedef struct gname {
    atom_t name;
    term_pid pid;
    atom_t method;
} gname;

typedef enum greq_kind { GR_REGISTER, GR_UNREGISTER, GR_REREGISTER } greq_kind;

/* Where a registration is in global.erl's registrar
 * (trans_all_known/1, set_lock_known/2, delete_global_lock/2). */
typedef enum greq_phase {
    GP_BOSS,          /* set_lock_on_nodes(Id, [Boss]) */
    GP_ALL,           /* lock_on_known_nodes: the lock on every node */
    GP_UPDATE,        /* Fun(Nodes): the multi_call of the change */
    GP_UNLOCK,        /* del_lock on a set of nodes */
    GP_UNLOCK_BOSS    /* then del_lock(Id, [Boss]) */
} greq_phase;

/* What comes once the locks are released: the caller's answer, or
 * random_sleep/1 and another try. */
typedef enum greq_then { GT_FINISH, GT_RETRY } greq_then;

typedef struct greq {
    greq_kind kind;
    atom_t name;
    term_pid pid;
    atom_t method;
    uint64_t id;          /* this round's, to match its answers */
    term_pid caller;
    term *ref;
    greq_phase phase;
    greq_then then;
    bool unlock_boss;     /* GP_UNLOCK goes on to GP_UNLOCK_BOSS */
    bool *pending;        /* by node: an answer is awaited */
    int npending;
    bool *asked;          /* Nodes: this node and the ones it knew at
                             the round's start */
    bool *granted;        /* by node: answered true in GP_ALL */
    int nreplies;         /* answers (not nodedowns) in GP_ALL */
    int boss;             /* the_boss/1: the highest-named of Nodes */
    bool denied;
    int tries;            /* random_sleep/1's Times, from 0 */
    bool result;
    sim_timer retry;
    struct greq *next;    /* the registrar's queue */
} greq;

typedef struct lost_entry {
    uint64_t key, op;
} lost_entry;

/* A node's exchange with one peer (mesh.c). */
typedef struct gpeer {
    sim_timer sync;       /* the locker's exchange timer */
    bool sync_sent;       /* our exchange is under way */
    bool sync_due;        /* the timer fired while we were frozen */
    bool expect_down;     /* a disconnect global asked for */
    bool synced;          /* the name exchange since nodeup is done */
    bool connecting;      /* global's own connection attempt
                             (global.erl sync_other/2) is under way */
} gpeer;

typedef struct glob_node {
    gname *names;
    uint32_t n, cap;
    /* the lock {global, Registrar}: held by node lock_node's registrar
     * (can_set_lock/1: the same requester may take it again) */
    bool locked;
    int lock_node;
    /* the registrar's queue (loop_the_registrar/0 serves one request
     * at a time, in arrival order): req runs, req_last is the tail */
    greq *req, *req_last;
    /* gpeer *, by node index: the peers met so far (a node costs
     * nothing for the others) */
    imap peers;
    bool retry_due;       /* the lock retry fell due while we were frozen */
    /* global:sync/0's callers, told {'$gsync', Ref} when every visible
     * peer is synced */
    term_pid *sync_waiters;
    term **sync_refs;
    uint32_t nsync_waiters, capsync_waiters;
    uint64_t next_id;
    uint64_t lost_op;     /* our lost_connection reports, counted */
    /* lost_connection reports handled: "a lost b" up to op, in an
     * open-addressing table keyed by (a, b) (only ever probed) */
    lost_entry *lost_seen;    /* key 0: empty */
    uint32_t nlost, caplost;  /* caplost: a power of two, or 0 */
    /* the visible nodes at version nodes_ver of the node's connections
     * (dist_up_version), in connection order, and the set its sync
     * messages carry (NULL until asked for): mesh.c visible_nodes,
     * nodes_term; nodes_ks NULL: none yet */
    int *nodes_ks;
    int nodes_n;
    term *nodes_set;
    uint64_t nodes_ver;
} glob_node;

struct glob_world {
    glob_node *node;      /* by node */
};


/* global:sync/0 on x: true if every exchange is done; else pid is told
 * {'$gsync', Ref} (ref held) when they are (mesh.c). */
bool glob__sync_wait(world *w, int x, term_pid pid, term *ref);

static inline glob_node *gn(const world *w, int k) { return &w->glob->node[k]; }

static inline bool same_pid(term_pid a, term_pid b)
{
    return a.node == b.node && a.number == b.number && a.creation == b.creation;
}

/* The visible peers global talks to (hidden connections excluded). */
static inline int visible(const world *w, int x, int *out)
{
    return dist_visible(w, x, out);
}

static inline term *tag3(const char *tag, term *a, term *b)
{
    return term_tuplev(3, term_atom_s(tag), a, b);
}

/* ---- global.c: the table, messages ---- */

/* g's exchange with peer y, made (zeroed) when first asked for. */
gpeer *glob__peer(glob_node *g, int y);

/* k's entry for name, or NULL. */
gname *glob__lookup(const glob_node *g, atom_t name);
/* Binds name to pid on node k (replacing a binding), with its event. */
void glob__put_name(world *w, int k, atom_t name, term_pid pid, atom_t method);
/* Removes name on node k, if bound, with its event and reason `why`. */
void glob__del_name(world *w, int k, atom_t name, const char *why);
/* Sends a global protocol message from x to y (dropped if they are not
 * connected); msg borrowed. */
void glob__send(world *w, int x, int y, term *msg);

/* ---- mesh.c: the exchange on nodeup, lost connections ---- */

void glob__mesh_nodeup(world *w, int x, int y, bool hidden);
/* x lost y: the exchange with y is off. */
void glob__mesh_nodedown(world *w, int x, int y);
/* x lost y unexpectedly: with prevent_overlapping_partitions, x tells
 * its other visible nodes. */
void glob__mesh_lost(world *w, int x, int y);
/* x's attempt to connect to y failed (dist's connect_failed hook): if
 * global made it, a lost connection (global.erl sync_other/2). */
void glob__mesh_connect_failed(world *w, int x, int y);
/* The exchange timers that fell due while x was frozen fire now. */
void glob__mesh_resumed(world *w, int x);
void glob__mesh_halted(world *w, int x);
/* Handles the exchange's messages (sync, sync_req, sync_reply, lost,
 * disconnect_me); false for any other tag. */
bool glob__mesh_recv(world *w, int to, int from, const char *tag, term *msg);

/* ---- register.c: registration, BIFs ---- */

/* x lost y: a lock y held is released, y's answer is no longer awaited. */
void glob__reg_nodedown(world *w, int x, int y);
/* A lock retry that fell due while x was frozen runs now. */
void glob__reg_resumed(world *w, int x);
/* x halted: its request and lock are gone. */
void glob__reg_halted(world *w, int x);
/* Handles the lock protocol's messages (lock, lock_answer, unlock,
 * update, update_ok); false for any other tag. */
bool glob__reg_recv(world *w, int to, int from, const char *tag, term *msg);
/* random_sleep/1's Tmax in ms for Times (the pause is uniform in
 * 1 .. Tmax). */
int64_t glob__random_sleep_max_ms(int times);
/* Frees a registration request (NULL ok). */
void glob__req_free(greq *r);
/* Frees a queue of requests, r and the ones after it (NULL ok). */
void glob__reqs_free(greq *r);
extern const bif_reg glob__bifs[];

#endif
