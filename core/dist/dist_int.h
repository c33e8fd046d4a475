/* dist_int: what the distribution module's files (dist.c connections,
 * dist_tick.c failure detection, dist_sig.c signals) share, and no one
 * else: the packets that cross the network, each node's view of its
 * peers, and the functions one file calls in another (dist__ names).
 * core/rt.h holds the module's interface to the rest of the runtime. */
#ifndef CS_DIST_INT_H
#define CS_DIST_INT_H

#include <stdlib.h>
#include "core/rt/rt.h"
#include "core/term/xalloc.h"

/* ---- packets ---- */

typedef enum pk_kind {
    PK_EPMD_REQ, PK_EPMD_PORT, PK_EPMD_NO,
    PK_HS_NAME, PK_HS_CHALLENGE, PK_HS_REPLY, PK_HS_ACK, PK_HS_FAIL,
    PK_CLOSE,
    PK_MSG, PK_MSG_NAMED, PK_EXIT, PK_LINK, PK_UNLINK, PK_MONITOR,
    PK_DEMONITOR, PK_DOWN, PK_SPAWN_REQ, PK_SPAWN_REPLY, PK_PING, PK_PONG,
    PK_RPC_REQ, PK_RPC_REPLY, PK_APP
} pk_kind;

typedef struct packet {
    pk_kind kind;
    uint64_t conn;
    int from_node;
    term_pid from, to;
    atom_t name;
    term *msg, *ref, *reason, *extra;
    bool flag;
    int code;             /* HS_FAIL: who logs what */
    char *text;           /* HS_REPLY: the cookie the initiator used */
    dist_app_fn app;      /* PK_APP: handler on arrival */
} packet;

static inline packet *pk_new(pk_kind k, int from_node)
{
    packet *p = xcalloc(1, sizeof *p);
    p->kind = k;
    p->from_node = from_node;
    return p;
}

static inline void pk_free(packet *p)
{
    if (!p)
        return;
    term_unref(p->msg);
    term_unref(p->ref);
    term_unref(p->reason);
    term_unref(p->extra);
    free(p->text);
    free(p);
}

/* ---- per node state ---- */

typedef enum cstate { C_NONE, C_PENDING, C_UP } cstate;

typedef struct waiter {
    term_pid pid;
    term *ref;
} waiter;

typedef struct peer {
    cstate st;
    bool initiator;        /* pending: we started this attempt */
    bool epmd_done;
    uint64_t id;
    bool hidden;
    bool ever_up;          /* for dist_auto_connect once */
    sim_timer setup_timer;
    bool setup_due;        /* the setup timer fired while we were frozen */
    waiter *waiters;       /* told {'$connect', Ref, true|false} */
    uint32_t nwaiters, capwaiters;
    packet **queue;        /* sent before the connection was up */
    uint32_t nqueue, capqueue;
    /* failure detection */
    int64_t last_rx;       /* last arrival from the peer */
    int64_t silence_a;     /* the watchdog's last arrival; -1 when unarmed */
    sim_timer watchdog;
    sim_timer virt;        /* an expected virtual tick arrival */
    /* need_to_tick: intervals (of our own ticker) in which we wrote */
    uint64_t wmask;
    int64_t wbase;         /* interval index of bit 0 */
    char *cookie;          /* erlang:set_cookie(Node, C), or NULL */
} peer;

typedef struct subscriber {
    term_pid pid;
    bool reason;
    int type;              /* 0 visible, 1 hidden, 2 all */
    bool type_given;
} subscriber;

typedef struct rpc_wait {
    term_pid caller;
    term *ref;
    int peer;
} rpc_wait;

struct dist_node {
    peer **peers;
    int *up;               /* peers whose view is C_UP, in connection order
                              (nodes() is not sorted: otp_facts.md 5) */
    int nup;
    int64_t phase;         /* ticker phase in [0, T/4) */
    bool allow_set;
    bool *allowed;         /* by node index */
    subscriber *subs;
    uint32_t nsubs, capsubs;
    packet **frozen;       /* arrivals while frozen, with their sender */
    int *frozen_from;
    uint32_t nfrozen, capfrozen;
    rpc_wait *rpcs;
    uint32_t nrpcs, caprpcs;
};

static inline dist_node *dn(world *w, int k) { return w->nodes[k].dn; }

static inline peer *pr(world *w, int x, int y)
{
    dist_node *d = dn(w, x);
    if (!d->peers[y]) {
        peer *p = xcalloc(1, sizeof *p);
        p->silence_a = -1;
        d->peers[y] = p;
    }
    return d->peers[y];
}

static inline peer *pr_find(const world *w, int x, int y)
{
    return w->nodes[x].dn->peers[y];
}

static inline term *node_atom(const world *w, int k)
{
    return term_atom(w->nodes[k].atom);
}

static inline uint64_t pair_arg(int x, int y)
{
    return ((uint64_t)(uint32_t)x << 32) | (uint32_t)y;
}

/* ---- dist.c: connections ---- */

/* Sends pk from x to y on their connection's flow (pk->conn set). */
void dist__xmit(world *w, int x, int y, packet *pk);
/* Starts connecting x to y (no-op unless x has no view of y). */
void dist__start_connect(world *w, int x, int y);
/* x's connection to y goes down with `reason`; `close` sends y the FIN. */
void dist__teardown(world *w, int x, int y, const char *reason, bool close);
/* Tells everyone waiting for x's connection to y whether it came. */
void dist__tell_waiters(world *w, peer *p, bool ok);
/* What a packet that never got a connection means to its sender. */
void dist__queued_failed(world *w, int x, int y, packet *pk);
/* Handles a packet that arrived at running node x from y (takes it). */
void dist__deliver_now(world *w, int x, int y, packet *pk);
/* x runs again: set-up timers that fell due meanwhile fire now. */
void dist__resume_timers(world *w, int x);

/* ---- dist_tick.c: failure detection ---- */

/* x wrote to y now (for need_to_tick). */
void dist__note_write(world *w, int x, int y);
/* Something arrived from y at x: reads reset x's watchdog on y. */
void dist__arrival(world *w, int x, int y);
/* Cancels x's watchdog and expected tick for the peer view p. */
void dist__disarm(world *w, peer *p);

/* ---- dist_sig.c: signals ---- */

/* Acts on a signal that arrived on x's up connection from y. */
void dist__deliver_conn_packet(world *w, int x, int y, packet *pk);

#endif
