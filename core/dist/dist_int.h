/* dist_int: what the files of core/dist/ share, and no one else: the
 * packets that cross the network, dist's state in a world, and the small
 * interfaces the files offer each other (dist__ names). Each file owns
 * its part of the state, opaque to the others:
 *   conn.c   the connections (each node's view of each peer, the
 *            handshake, what waits for a connection): the only file that
 *            knows a connection's struct; the others ask dist__conn_*
 *            and send with dist__send*;
 *   tick.c   failure detection, told by conn.c of writes, arrivals, ups
 *            and downs (dist__tick_*);
 *   nodes.c  who hears of nodeup/nodedown (monitor_nodes subscribers and
 *            the hooks of the layers above) and nodes() (dist__nodes_*);
 *   sig.c    the signals on a connection, given what arrives on an up
 *            connection and what never got one (dist__sig_*);
 *   bif.c    the BIFs, remote spawn, rpc:call and rex;
 *   dist.c   the wiring: dist_install and rt's hooks.
 * core/dist/dist.h holds the layer's interface to global/ and lib/. */
#ifndef CS_DIST_INT_H
#define CS_DIST_INT_H

#include <stdlib.h>
#include "core/dist/dist.h"
#include "core/rt/bif.h"
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
    uint64_t msg_id;      /* PK_MSG, PK_MSG_NAMED: the trace's message id */
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

/* ---- dist's state in a world ---- */

typedef struct conn_node conn_node;
typedef struct tick_node tick_node;
typedef struct sub_list sub_list;
typedef struct sig_node sig_node;

struct dist_world {
    uint64_t next_conn;    /* conn.c: connection ids, shared by both ends */
    conn_node *conn;       /* by node: conn.c */
    tick_node *tick;       /* by node: tick.c */
    sub_list *subs;        /* by node: nodes.c */
    sig_node *sig;         /* by node: sig.c */
    dist_hooks *hooks;     /* the layers above (nodes.c) */
    int nhooks;
    /* the references of rpc calls that timed out: their late answers
     * are dropped (bif.c; observed with erl 25) */
    term **abandoned;
    uint32_t nabandoned, capabandoned;
};

static inline term *node_atom(const world *w, int k)
{
    return term_atom(w->nodes[k].atom);
}

static inline uint64_t pair_arg(int x, int y)
{
    return ((uint64_t)(uint32_t)x << 32) | (uint32_t)y;
}

/* Each part's state for every node of w, and its end. */
void dist__conn_init(world *w);
void dist__conn_fini(world *w);
void dist__tick_init(world *w);
void dist__tick_fini(world *w);
void dist__nodes_init(world *w);
void dist__nodes_fini(world *w);
void dist__sig_init(world *w);
void dist__sig_fini(world *w);

/* ---- conn.c: the connections ---- */

/* True if x's view of its connection to y is up. */
bool dist__conn_up(const world *w, int x, int y);
/* The id of x's latest connection (or attempt) to y, up or not; 0 if it
 * never had one. Both ends of one connection share its id. */
uint64_t dist__conn_id(const world *w, int x, int y);
/* True if x's connection to y is up or ever was (nodes(known)). */
bool dist__conn_known(const world *w, int x, int y);
/* x's up connections matching `mode` (0 visible, 1 hidden, 2 both), in
 * connection order (erl 25's nodes() is not sorted): fills out (size w->n),
 * returns the count. */
int dist__conn_up_list(const world *w, int x, int mode, int *out);

/* Sends pk (ownership taken) from x to y over their connection: at once
 * when it is up, else queued behind an automatic connection attempt as
 * dist_auto_connect allows (observed with erl 25), else it fails at once
 * (dist__sig_failed). `explicit_connect` is for net_kernel:connect_node,
 * which ignores dist_auto_connect. */
void dist__send(world *w, int x, int y, packet *pk, bool explicit_connect);
/* Sends pk on x's up connection to y; if it is not up, frees pk and
 * returns false. */
bool dist__send_up(world *w, int x, int y, packet *pk);
/* Tells pid {'$connect', Ref, true|false} once x's connection to y is up
 * or cannot come (starting it as dist__send would). */
void dist__wait_connect(world *w, int x, int y, term_pid pid, term *ref,
                        bool explicit_connect);
/* x's connection to y goes down with `reason`; `close` sends y the FIN. */
void dist__teardown(world *w, int x, int y, const char *reason, bool close);
/* net_kernel:allow/1 (node indices; -1 ignored); erlang:set_cookie. */
void dist__set_allow(world *w, int x, const int *nodes, int n);
void dist__set_cookie(world *w, int x, int y, const char *cookie);

/* The network's payloads (world_set_payloads; ctx is the world). */
void dist__deliver(void *ctx, int from, int to, void *payload);
void dist__drop(void *ctx, int from, int to, void *payload);
/* Node x halted: every connection closes, nothing survives. */
void dist__conn_halted(world *w, int x);
/* Node y runs again: set-up timers that fell due fire, what arrived
 * while it was frozen is read, in arrival order. */
void dist__conn_resumed(world *w, int y);

/* ---- tick.c: failure detection ---- */

/* x wrote to y now (for need_to_tick). */
void dist__tick_wrote(world *w, int x, int y);
/* Something arrived from y at x: reads reset x's watchdog on y. */
void dist__tick_arrival(world *w, int x, int y);
/* x's connection to y just came up: the last read is now. */
void dist__tick_up(world *w, int x, int y);
/* x's connection to y went down: its watchdog and expected tick go. */
void dist__tick_disarm(world *w, int x, int y);
/* Node x halted: as disarm, and what it wrote is forgotten too. */
void dist__tick_forget(world *w, int x, int y);
/* rt's hooks (world_hooks) for failure detection. */
void dist__tick_booted(world *w, int x);
/* net_kernel:set_net_ticktime(T, TransitionPeriod) and get_net_ticktime()
 * on x (seconds): their return values (new references). */
term *dist__set_ticktime(world *w, int x, int64_t t_s, int64_t tp_s);
term *dist__get_ticktime(const world *w, int x);
void dist__tick_frozen(world *w, int y);
void dist__tick_resumed(world *w, int y);
void dist__tick_link_cut(world *w, int from, int to);
void dist__tick_link_healed(world *w, int from, int to, int64_t cut_at);

/* ---- nodes.c: nodeup, nodedown, nodes() ---- */

/* x's connection to y came up: monitor_nodes subscribers, then the
 * hooks of the layers above, hear it. */
void dist__nodes_up(world *w, int x, int y, bool hidden);
/* x's attempt to connect to y failed: the hooks hear it. */
void dist__nodes_connect_failed(world *w, int x, int y);
/* ... went down with `reason`: the hooks, then the subscribers. */
void dist__nodes_down(world *w, int x, int y, const char *reason,
                      bool hidden);
/* net_kernel:monitor_nodes; type 0 visible, 1 hidden, 2 all. Off
 * removes every subscription of pid with these options. */
void dist__monitor_nodes(world *w, int x, term_pid pid, bool on, bool reason,
                         int type, bool type_given);
/* Node x halted: its subscriptions are gone. */
void dist__nodes_halted(world *w, int x);
/* An rpc call gave up waiting for ref (held): its answer is dropped. */
void dist__abandon(world *w, term *ref);
/* True (and forgotten) if ref's call gave up: drop its answer. */
bool dist__abandoned(world *w, const term *ref);
/* erlang:monitor_node(Y, true | false) for pid on x: on adds one
 * watch (each gives one {nodedown, Y}), off removes one. */
void dist__monitor_node(world *w, int x, term_pid pid, int y, bool on);
/* nodes(Which) as seen from `node`: which is "visible", "hidden",
 * "connected", "this" or "known". A new list. */
term *dist__nodes(world *w, int node, const char *which);

/* ---- sig.c: signals ---- */

/* Acts on a signal that arrived on x's up connection from y (pk
 * borrowed). */
void dist__sig_arrived(world *w, int x, int y, packet *pk);
/* What pk (borrowed), sent from x, means to its sender when no
 * connection to y (-1: no such node) could carry it: noconnection,
 * '$dist_failed', a dropped message. */
void dist__sig_failed(world *w, int x, int y, packet *pk);
/* x's connection to y went down: every link and monitor between their
 * processes fires with noconnection, and calls in flight fail. */
void dist__sig_noconnection(world *w, int x, int y);
/* Node x halted: its calls in flight are forgotten. */
void dist__sig_halted(world *w, int x);
/* How rt/ reaches other nodes (world_set_remote). */
extern const rt_remote dist__remote;

/* Requests that want an answer from another node. The caller gets
 * {'$spawn_reply'|'$pong'|'$rpc_reply', Ref, Result}, or
 * {'$dist_failed', Ref, Node} when no connection could be made (or it
 * went down: {'$rpc_reply', Ref, {badrpc, nodedown}}). */
typedef enum dist_req { DIST_REQ_SPAWN, DIST_REQ_PING, DIST_REQ_RPC } dist_req;
void dist__request(world *w, int x, int y, dist_req kind, term_pid from,
                   term *ref, term *msg, bool explicit_connect);
/* The answer to x's spawn request (DIST_REQ_SPAWN) or rpc
 * (DIST_REQ_RPC), sent back by y (result borrowed); dropped if the
 * connection is down (the caller learns it from the connection). With
 * `with_monitor` (spawn_monitor), the caller's side of the monitor is set up
 * when the reply arrives, before anything sent after it, as erts's
 * spawn_request does: a DOWN of a process that died at once follows. */
void dist__reply(world *w, int y, int x, dist_req kind, term_pid to,
                 term *ref, term *result, bool with_monitor);

/* ---- bif.c ---- */

/* On y: a spawn request from `caller` on node x arrived; msg is {M, F,
 * Args, Opt}. Replies with dist__reply. */
void dist__spawn_arrived(world *w, int y, int x, term_pid caller, term *ref,
                         term *msg);
/* The remote spawn of rt_remote (bif.c). */
ev_status dist__spawn(bif_call_ctx *c, int target, atom_t mod, atom_t fun,
                      term *args, atom_t opt);
/* On y: rpc:call's {M, F, Args} from `caller` on node x arrived: it is
 * evaluated as rex would, and the answer goes back with dist__reply
 * (or straight to the caller when x == y). */
void dist__rpc_arrived(world *w, int y, int x, term_pid caller, term *ref,
                       term *mfa);
/* Node x booted: its rex process starts. */
void dist__rpc_booted(world *w, int x);
/* The BIF rows. */
extern const bif_reg dist__bifs[];

#endif
