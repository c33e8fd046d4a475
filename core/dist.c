/* dist: Erlang distribution between the virtual nodes: net_kernel's
 * connections (EPMD lookup, the handshake with its cookie challenge,
 * net_kernel:allow/1, TLS), nodeup/nodedown with their reasons, failure
 * detection by net_ticktime, and every signal that crosses a connection
 * (messages, links, monitors, exits, remote spawn).
 *
 * Connections. Each node keeps its own view of each peer (none, pending,
 * up), as each real node has its own dist entry; the two views change at
 * different instants because every handshake step crosses the network:
 *   initiator A                       acceptor B
 *   EPMD_REQ  ----------------------> (B's host answers even if B is
 *             <---------------------- EPMD_PORT | EPMD_NO   frozen)
 *   HS_NAME   ----------------------> checks allow list, TLS, clashes
 *             <---------------------- HS_CHALLENGE | HS_FAIL
 *   HS_REPLY  ----------------------> checks the cookie: B is up (nodeup)
 *             <---------------------- HS_ACK | HS_FAIL
 *   A is up (nodeup)
 * (as dist_util:handshake_we_started/handshake_other_started). A packet
 * carries its connection's id; one from an older connection is ignored,
 * so nothing sent on a dead connection is ever delivered on a new one.
 *
 * Failure detection (net_kernel ticker + dist_util:con_loop/send_tick):
 * every node ticks each T/4 at its own phase; at a tick, a connection
 * that read nothing since 4 ticks ago is "not responding"; a node that
 * wrote nothing during a tick interval sends a tick. While traffic flows
 * nothing is simulated per tick. When the flow from Y to X stops (Y
 * freezes, the link Y->X is cut) X computes the last arrival `a` from Y
 * (real packets, in flight ones included, or Y's last tick, sent only if
 * Y wrote nothing in that tick interval) and arms one watchdog at the
 * first X tick after `a`, plus T: the instant a per-tick model detects
 * it, so detection lands in (0.75T, 1.25T] after the silence began. An
 * arrival after `a` (a held packet after a heal, Y's first tick after a
 * resume, at TCP's retransmission time) disarms it.
 *
 * Invariant: a peer view is C_UP at X iff X emitted nodeup for it and
 * no nodedown since; every up view has a unique id. */
#include "core/rt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/xalloc.h"


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
    char *text;           /* HS_NAME: the cookie used */
    dist_app_fn app;      /* PK_APP: handler on arrival */
} packet;

static packet *pk_new(pk_kind k, int from_node)
{
    packet *p = xcalloc(1, sizeof *p);
    p->kind = k;
    p->from_node = from_node;
    return p;
}

static void pk_free(packet *p)
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
    uint64_t order;        /* connection order, for nodes() */
    sim_timer setup_timer;
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
    uint64_t order;
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

static dist_node *dn(world *w, int k) { return w->nodes[k].dn; }

static peer *pr(world *w, int x, int y)
{
    dist_node *d = dn(w, x);
    if (!d->peers[y]) {
        peer *p = xcalloc(1, sizeof *p);
        p->silence_a = -1;
        d->peers[y] = p;
    }
    return d->peers[y];
}

static peer *pr_find(const world *w, int x, int y)
{
    return w->nodes[x].dn->peers[y];
}

void dist_init(world *w, int k)
{
    dist_node *d = xcalloc(1, sizeof *d);
    d->peers = xcalloc((size_t)w->n, sizeof *d->peers);
    d->allowed = xcalloc((size_t)w->n, sizeof *d->allowed);
    w->nodes[k].dn = d;
}

static void peer_clear_pending(peer *p)
{
    for (uint32_t i = 0; i < p->nwaiters; i++)
        term_unref(p->waiters[i].ref);
    p->nwaiters = 0;
    for (uint32_t i = 0; i < p->nqueue; i++)
        pk_free(p->queue[i]);
    p->nqueue = 0;
}

void dist_fini(world *w, int k)
{
    dist_node *d = dn(w, k);
    if (!d)
        return;
    for (int i = 0; i < w->n; i++) {
        peer *p = d->peers[i];
        if (!p)
            continue;
        peer_clear_pending(p);
        free(p->waiters);
        free(p->queue);
        free(p->cookie);
        free(p);
    }
    for (uint32_t i = 0; i < d->nfrozen; i++)
        pk_free(d->frozen[i]);
    for (uint32_t i = 0; i < d->nrpcs; i++)
        term_unref(d->rpcs[i].ref);
    free(d->rpcs);
    free(d->frozen);
    free(d->frozen_from);
    free(d->subs);
    free(d->allowed);
    free(d->peers);
    free(d);
    w->nodes[k].dn = NULL;
}

/* ---- ticks ---- */

static int64_t tick_period(const world *w, int k)
{
    int64_t p = w->nodes[k].cfg.net_ticktime / 4;
    return p > 0 ? p : 1;
}

/* Index of the tick interval (phase + (i-1)P, phase + iP] holding t. */
static int64_t interval_of(const world *w, int k, int64_t t)
{
    int64_t P = tick_period(w, k), ph = w->nodes[k].dn->phase;
    int64_t x = t - ph;
    if (x <= 0)
        return -((-x) / P);
    return (x + P - 1) / P;
}

static int64_t tick_time(const world *w, int k, int64_t i)
{
    return w->nodes[k].dn->phase + i * tick_period(w, k);
}

/* Records that x wrote to y now (for need_to_tick). */
static void note_write(world *w, int x, int y)
{
    peer *p = pr(w, x, y);
    int64_t i = interval_of(w, x, sim_now(w->s));
    if (i - p->wbase >= 64 || p->wbase == 0) {
        int64_t shift = i - 63 - p->wbase;
        if (p->wbase == 0 || shift >= 64)
            p->wmask = 0;
        else if (shift > 0)
            p->wmask >>= shift;
        if (p->wbase == 0 || shift > 0)
            p->wbase = i - 63;
    }
    if (i >= p->wbase)
        p->wmask |= (uint64_t)1 << (i - p->wbase);
}

static bool wrote_in(const world *w, int x, int y, int64_t i)
{
    const peer *p = pr_find(w, x, y);
    if (!p || i < p->wbase || i - p->wbase >= 64)
        return false;
    return (p->wmask >> (i - p->wbase)) & 1;
}

static void on_watchdog(sim *s, void *ctx, uint64_t arg);
static void on_virtual_arrival(sim *s, void *ctx, uint64_t arg);

static uint64_t pair_arg(int x, int y)
{
    return ((uint64_t)(uint32_t)x << 32) | (uint32_t)y;
}

/* Arms x's watchdog on y from last arrival a: first x tick after a,
 * plus T (dist_util:send_tick: 4 ticks without a read). */
static void arm_watchdog(world *w, int x, int y, int64_t a)
{
    peer *p = pr(w, x, y);
    if (p->silence_a >= 0)
        return;  /* already silent: the earlier computation stands */
    int64_t j = interval_of(w, x, a);
    int64_t tj = tick_time(w, x, j);
    if (tj <= a)
        tj = tick_time(w, x, j + 1);
    int64_t d = tj + 4 * tick_period(w, x);
    int64_t now = sim_now(w->s);
    while (d <= now)
        d += tick_period(w, x);
    p->silence_a = a;
    p->watchdog = sim_at(w->s, d, on_watchdog, w, pair_arg(x, y));
}

static void disarm(world *w, peer *p)
{
    sim_cancel(w->s, p->watchdog);
    sim_cancel(w->s, p->virt);
    p->silence_a = -1;
}

/* The last moment y's last tick before `cutoff` could arrive at x:
 * y's tick at the last tick time K <= cutoff, sent only if y wrote
 * nothing to x in the interval ending at K. Returns -1 if not sent. */
static int64_t last_tick_arrival(world *w, int x, int y, int64_t cutoff,
                                 int64_t lat)
{
    int64_t i = interval_of(w, y, cutoff);
    int64_t K = tick_time(w, y, i);
    if (K > cutoff)
        K = tick_time(w, y, --i);
    if (wrote_in(w, y, x, i))
        return -1;
    return K + lat;
}

/* The flow y -> x just stopped (freeze of y, cut of y->x). */
static void silence_begins(world *w, int x, int y, bool cut)
{
    peer *p = pr_find(w, x, y), *q = pr_find(w, y, x);
    if (!p || p->st != C_UP || !q || q->st != C_UP || q->id != p->id)
        return;
    int64_t now = sim_now(w->s), lat = net_sample(w->net, y, x);
    int64_t a = p->last_rx;
    if (cut) {
        int64_t t = last_tick_arrival(w, x, y, now - lat, lat);
        if (t > a)
            a = t;
    } else {
        int64_t due = net_last_due(w->net, y, x, p->id);
        if (due > a)
            a = due;
        int64_t t = last_tick_arrival(w, x, y, now, lat);
        if (t > a)
            a = t;
    }
    sim_cancel(w->s, p->virt);
    arm_watchdog(w, x, y, a);
}

/* Something arrived from y at x (a packet, or a tick we model). */
static void arrival(world *w, int x, int y)
{
    peer *p = pr_find(w, x, y);
    if (!p || p->st != C_UP)
        return;
    int64_t now = sim_now(w->s);
    p->last_rx = now;
    if (p->silence_a >= 0 && now > p->silence_a) {
        disarm(w, p);
        /* Still cut or frozen: silence starts again from this arrival. */
        if (w->nodes[y].state == NODE_FROZEN || net_is_cut(w->net, y, x))
            arm_watchdog(w, x, y, now);
    }
}

static void expect_virtual_arrival(world *w, int x, int y, int64_t t)
{
    peer *p = pr(w, x, y);
    sim_cancel(w->s, p->virt);
    if (t < sim_now(w->s))
        t = sim_now(w->s);
    p->virt = sim_at(w->s, t, on_virtual_arrival, w, pair_arg(x, y));
}

static void on_virtual_arrival(sim *s, void *ctx, uint64_t arg)
{
    (void)s;
    world *w = ctx;
    int x = (int)(arg >> 32), y = (int)(uint32_t)arg;
    peer *p = pr_find(w, x, y), *q = pr_find(w, y, x);
    if (!p || !q || q->st != C_UP || q->id != p->id ||
        w->nodes[y].state != NODE_UP || net_is_cut(w->net, y, x))
        return;
    p->virt = (sim_timer){0, 0};
    arrival(w, x, y);
}

/* ---- events and logs ---- */

static void emit(world *w, int k, const char *kind, int peer_k,
                 const char *reason, const char *text)
{
    rt_emit(w, k, kind, peer_k >= 0 ? w->nodes[peer_k].name : NULL, NULL,
            NULL, NULL, NULL, reason, text);
}

/* ---- sending packets ---- */

static void xmit(world *w, int x, int y, packet *pk)
{
    pk->from_node = x;
    note_write(w, x, y);
    net_send(w->net, x, y, pk->conn, pk);
}

/* ---- node down ---- */

static void teardown(world *w, int x, int y, const char *reason, bool close);

static term *node_atom(const world *w, int k)
{
    return term_atom(w->nodes[k].atom);
}

static void notify_subscribers(world *w, int x, int y, bool up,
                               const char *reason, bool hidden)
{
    dist_node *d = dn(w, x);
    for (uint32_t i = 0; i < d->nsubs;) {
        subscriber *s = &d->subs[i];
        proc *p = rt_find(w, s->pid);
        if (!p) {
            memmove(d->subs + i, d->subs + i + 1, (d->nsubs - i - 1) * sizeof *d->subs);
            d->nsubs--;
            continue;
        }
        i++;
        if ((s->type == 0 && hidden) || (s->type == 1 && !hidden))
            continue;
        term *m;
        term *tag = term_atom_s(up ? "nodeup" : "nodedown");
        if (!s->reason && !s->type_given) {
            m = term_tuplev(2, tag, node_atom(w, y));
        } else {
            /* Reason first, then type; nodeup never has a reason
             * (otp_facts.md 13). */
            term *items[2];
            uint32_t n = 0;
            if (!up && s->reason)
                items[n++] = term_tuplev(2, term_atom_s("nodedown_reason"),
                                         term_atom_s(reason));
            if (s->type_given)
                items[n++] = term_tuplev(2, term_atom_s("node_type"),
                                         term_atom_s(hidden ? "hidden" : "visible"));
            m = term_tuplev(3, tag, node_atom(w, y), term_list(n, items, NULL));
        }
        rt_deliver(w, p, m);
        term_unref(m);
    }
}

/* Every link and monitor between x's processes and y's fires with
 * noconnection (otp_facts.md 12), in pid order. */
static void fire_noconnection(world *w, int x, int y)
{
    vnode *nd = &w->nodes[x];
    atom_t ya = w->nodes[y].atom;
    term *nc = term_atom_s("noconnection");
    for (uint32_t i = 0; i < nd->nprocs; i++) {
        proc *p = nd->procs[i];
        if (!p)
            continue;
        term_pid me = p->pid;
        for (uint32_t k = 0; k < p->nmons && rt_find(w, me) == p;) {
            monitor *m = &p->mons[k];
            if (m->other.node != ya) {
                k++;
                continue;
            }
            monitor mm;
            rt_monitor_remove(p, m->ref, &mm);
            if (mm.watching)
                rt_down(w, p, mm.ref, mm.object, nc);
            term_unref(mm.ref);
            term_unref(mm.object);
        }
        for (uint32_t k = 0; k < p->nlinks && rt_find(w, me) == p;) {
            if (p->links[k].node != ya) {
                k++;
                continue;
            }
            term_pid o = p->links[k];
            rt_exit_arrived(w, p, o, nc, true);
        }
    }
    term_unref(nc);
    /* Calls in flight to y learn it at once. */
    dist_node *d = dn(w, x);
    for (uint32_t i = 0; i < d->nrpcs;) {
        rpc_wait r = d->rpcs[i];
        if (r.peer != y) {
            i++;
            continue;
        }
        memmove(d->rpcs + i, d->rpcs + i + 1, (d->nrpcs - i - 1) * sizeof *d->rpcs);
        d->nrpcs--;
        proc *p = rt_find(w, r.caller);
        if (p) {
            term *m = term_tuplev(3, term_atom_s("$rpc_reply"), term_ref(r.ref),
                                  term_tuplev(2, term_atom_s("badrpc"),
                                              term_atom_s("nodedown")));
            rt_deliver(w, p, m);
            term_unref(m);
        }
        term_unref(r.ref);
    }
}

static void fail_pending(world *w, int x, int y);

static void teardown(world *w, int x, int y, const char *reason, bool close)
{
    peer *p = pr(w, x, y);
    if (p->st != C_UP)
        return;
    uint64_t id = p->id;
    bool hidden = p->hidden;
    p->st = C_NONE;
    disarm(w, p);
    emit(w, x, "nodedown", y, reason, NULL);
    net_drop_held(w->net, x, y, id);
    if (close) {
        packet *pk = pk_new(PK_CLOSE, x);
        pk->conn = id;
        xmit(w, x, y, pk);
    }
    glob_nodedown(w, x, y, hidden);
    notify_subscribers(w, x, y, false, reason, hidden);
    fire_noconnection(w, x, y);
}

/* ---- connection set-up ---- */

static void on_setup_timeout(sim *s, void *ctx, uint64_t arg);

static const char *cookie_for(world *w, int x, int y)
{
    peer *p = pr_find(w, x, y);
    return p && p->cookie ? p->cookie : w->nodes[x].cfg.cookie;
}

static bool allowed(world *w, int x, int y)
{
    dist_node *d = dn(w, x);
    return !d->allow_set || d->allowed[y];
}

static void tell_waiters(world *w, peer *p, bool ok)
{
    for (uint32_t i = 0; i < p->nwaiters; i++) {
        proc *q = rt_find(w, p->waiters[i].pid);
        if (q) {
            term *m = term_tuplev(3, term_atom_s("$connect"),
                                  term_ref(p->waiters[i].ref), term_bool(ok));
            rt_deliver(w, q, m);
            term_unref(m);
        }
        term_unref(p->waiters[i].ref);
    }
    p->nwaiters = 0;
}

/* What a queued packet means when its connection never came. */
static void queued_failed(world *w, int x, int y, packet *pk)
{
    term *nc = term_atom_s("noconnection");
    switch (pk->kind) {
    case PK_LINK: {
        /* the linker gets noconnection (otp_facts.md 11) */
        proc *p = rt_find(w, pk->from);
        if (p)
            rt_exit_arrived(w, p, pk->to, nc, true);
        break;
    }
    case PK_MONITOR: {
        proc *p = rt_find(w, pk->from);
        monitor m;
        if (p && rt_monitor_remove(p, pk->ref, &m)) {
            rt_down(w, p, m.ref, m.object, nc);
            term_unref(m.ref);
            term_unref(m.object);
        }
        break;
    }
    case PK_SPAWN_REQ:
    case PK_PING:
    case PK_RPC_REQ: {
        proc *p = rt_find(w, pk->from);
        if (p) {
            term *m = term_tuplev(3, term_atom_s("$dist_failed"),
                                  term_ref(pk->ref), node_atom(w, y));
            rt_deliver(w, p, m);
            term_unref(m);
        }
        break;
    }
    case PK_MSG:
    case PK_MSG_NAMED: {
        char *ms = rt_str(w, x, pk->msg);
        rt_emit(w, x, "drop", w->nodes[y].name, NULL, NULL, NULL, ms,
                "noconnection", NULL);
        free(ms);
        break;
    }
    default:
        break;
    }
    term_unref(nc);
}

static void fail_pending(world *w, int x, int y)
{
    peer *p = pr(w, x, y);
    sim_cancel(w->s, p->setup_timer);
    p->st = C_NONE;
    tell_waiters(w, p, false);
    /* DETERMINISM: queued packets fail in the order they were sent. */
    uint32_t n = p->nqueue;
    packet **q = p->queue;
    p->queue = NULL;
    p->nqueue = p->capqueue = 0;
    for (uint32_t i = 0; i < n; i++) {
        queued_failed(w, x, y, q[i]);
        pk_free(q[i]);
    }
    free(q);
}

static void connect_failed(world *w, int x, int y, const char *why)
{
    peer *p = pr(w, x, y);
    if (p->st != C_PENDING)
        return;
    emit(w, x, "handshake_fail", y, why, NULL);
    fail_pending(w, x, y);
}

static void start_connect(world *w, int x, int y)
{
    peer *p = pr(w, x, y);
    if (p->st != C_NONE)
        return;
    p->st = C_PENDING;
    p->initiator = true;
    p->epmd_done = false;
    p->id = ++w->next_conn;
    emit(w, x, "connect", y, NULL, NULL);
    p->setup_timer = sim_after(w->s, w->nodes[x].cfg.net_setuptime,
                               on_setup_timeout, w, pair_arg(x, y));
    if (!allowed(w, x, y)) {
        char text[256];
        snprintf(text, sizeof text, "** Connection attempt to disallowed node %s **",
                 w->nodes[y].name);
        rt_log(w, x, "error", text);
        connect_failed(w, x, y, "not_allowed");
        return;
    }
    packet *pk = pk_new(PK_EPMD_REQ, x);
    pk->conn = p->id;
    net_send(w->net, x, y, pk->conn, pk);  /* to y's host: not the connection */
}

static void on_setup_timeout(sim *s, void *ctx, uint64_t arg)
{
    (void)s;
    world *w = ctx;
    int x = (int)(arg >> 32), y = (int)(uint32_t)arg;
    peer *p = pr(w, x, y);
    p->setup_timer = (sim_timer){0, 0};
    if (p->st == C_PENDING) {
        if (w->nodes[x].state != NODE_UP) {
            /* frozen: it gives up when it runs again */
            p->setup_timer = sim_after(w->s, 1, on_setup_timeout, w, arg);
            return;
        }
        connect_failed(w, x, y, "setup_timeout");
    }
}

static void node_up(world *w, int x, int y, uint64_t id, bool hidden)
{
    peer *p = pr(w, x, y);
    sim_cancel(w->s, p->setup_timer);
    p->st = C_UP;
    p->id = id;
    p->hidden = hidden;
    p->ever_up = true;
    p->order = ++dn(w, x)->order;
    p->last_rx = sim_now(w->s);
    p->silence_a = -1;
    emit(w, x, "nodeup", y, NULL, hidden ? "hidden" : "visible");
    /* Flush what waited for the connection, in send order. */
    uint32_t n = p->nqueue;
    packet **q = p->queue;
    p->queue = NULL;
    p->nqueue = p->capqueue = 0;
    for (uint32_t i = 0; i < n; i++) {
        q[i]->conn = id;
        xmit(w, x, y, q[i]);
    }
    free(q);
    tell_waiters(w, p, true);
    notify_subscribers(w, x, y, true, NULL, hidden);
    glob_nodeup(w, x, y, hidden);
}

static bool is_hidden(const world *w, int k) { return w->nodes[k].cfg.hidden; }

/* TLS compatibility (inet_tls_dist): codes for HS_FAIL. */
enum { FAIL_NOK = 1, FAIL_COOKIE, FAIL_ALLOW, FAIL_TLS_PLAIN_CLIENT,
       FAIL_TLS_PLAIN_SERVER, FAIL_TLS_CLIENT_CA, FAIL_TLS_SERVER_CA };

static int tls_check(const world *w, int a, int b)
{
    const world_node_cfg *ca = &w->nodes[a].cfg, *cb = &w->nodes[b].cfg;
    if (ca->tls != cb->tls)
        return ca->tls ? FAIL_TLS_PLAIN_CLIENT : FAIL_TLS_PLAIN_SERVER;
    if (!ca->tls)
        return 0;
    /* each side that verifies checks the other's certificate issuer */
    if (ca->tls_verify_peer && strcmp(cb->tls_cert_ca, ca->tls_ca))
        return FAIL_TLS_CLIENT_CA;
    if (cb->tls_verify_peer && strcmp(ca->tls_cert_ca, cb->tls_ca))
        return FAIL_TLS_SERVER_CA;
    return 0;
}

static void log_tls(world *w, int k, const char *role, const char *state,
                    const char *alert)
{
    char text[256];
    snprintf(text, sizeof text,
             "TLS %s: In state %s generated %s ALERT: Fatal - %s",
             role, state, !strcmp(role, "client") ? "CLIENT" : "SERVER", alert);
    rt_log(w, k, "notice", text);
}

static void hs_fail(world *w, int b, int a, uint64_t id, int code)
{
    packet *f = pk_new(PK_HS_FAIL, b);
    f->conn = id;
    f->code = code;
    net_send(w->net, b, a, f->conn, f);
}

static void on_hs_name(world *w, int b, int a, packet *pk)
{
    peer *p = pr(w, b, a);
    int tls = tls_check(w, a, b);
    if (tls == FAIL_TLS_PLAIN_SERVER || tls == FAIL_TLS_SERVER_CA) {
        log_tls(w, b, "server", tls == FAIL_TLS_SERVER_CA ? "certify" : "hello",
                tls == FAIL_TLS_SERVER_CA ? "Unknown CA" : "Unexpected Message");
        hs_fail(w, b, a, pk->conn, tls);
        return;
    }
    if (tls) {
        hs_fail(w, b, a, pk->conn, tls);
        return;
    }
    if (!allowed(w, b, a)) {
        char text[256];
        snprintf(text, sizeof text, "** Connection attempt from disallowed node %s ** ",
                 w->nodes[a].name);
        rt_log(w, b, "error", text);
        hs_fail(w, b, a, pk->conn, FAIL_ALLOW);
        return;
    }
    if (p->st == C_UP) {
        /* A new attempt from a node we think is up: it restarted or
         * dropped us; the old connection is gone (dist_util's
         * "pending, up" case). */
        teardown(w, b, a, "connection_closed", false);
    }
    if (p->st == C_PENDING && p->initiator) {
        /* Simultaneous connect: the attempt of the node whose name
         * sorts lower goes on (dist_util resolves it by name). */
        if (strcmp(w->nodes[a].name, w->nodes[b].name) > 0) {
            hs_fail(w, b, a, pk->conn, FAIL_NOK);
            return;
        }
        p->initiator = false;  /* ours is abandoned; waiters stay */
    }
    if (p->st == C_NONE) {
        p->setup_timer = sim_after(w->s, w->nodes[b].cfg.net_setuptime,
                                   on_setup_timeout, w, pair_arg(b, a));
    }
    p->st = C_PENDING;
    p->initiator = false;
    p->id = pk->conn;
    packet *c = pk_new(PK_HS_CHALLENGE, b);
    c->conn = pk->conn;
    net_send(w->net, b, a, c->conn, c);
}

static void on_hs_reply(world *w, int b, int a, packet *pk)
{
    peer *p = pr(w, b, a);
    if (p->st != C_PENDING || p->initiator || p->id != pk->conn)
        return;
    if (strcmp(pk->text, cookie_for(w, b, a))) {
        /* Only the accepting node logs (otp_facts.md 3). */
        char text[256];
        snprintf(text, sizeof text,
                 "** Connection attempt from node %s rejected. Invalid challenge reply. **",
                 w->nodes[a].name);
        rt_log(w, b, "error", text);
        emit(w, b, "handshake_fail", a, "bad_cookie", NULL);
        hs_fail(w, b, a, pk->conn, FAIL_COOKIE);
        fail_pending(w, b, a);
        return;
    }
    bool hidden = is_hidden(w, a) || is_hidden(w, b);
    packet *ack = pk_new(PK_HS_ACK, b);
    ack->conn = pk->conn;
    net_send(w->net, b, a, ack->conn, ack);
    node_up(w, b, a, pk->conn, hidden);
}

static void on_hs_fail(world *w, int a, int b, packet *pk)
{
    peer *p = pr(w, a, b);
    if (p->st != C_PENDING || p->id != pk->conn)
        return;
    switch (pk->code) {
    case FAIL_NOK:
        /* the other side's attempt wins; ours waits for it */
        p->initiator = false;
        return;
    case FAIL_TLS_PLAIN_CLIENT:
        log_tls(w, a, "client", "hello", "Unexpected Message");
        connect_failed(w, a, b, "tls_mismatch");
        return;
    case FAIL_TLS_CLIENT_CA:
        log_tls(w, a, "client", "certify", "Unknown CA");
        connect_failed(w, a, b, "tls_unknown_ca");
        return;
    case FAIL_TLS_PLAIN_SERVER:
        connect_failed(w, a, b, "tls_mismatch");
        return;
    case FAIL_TLS_SERVER_CA:
        connect_failed(w, a, b, "tls_unknown_ca");
        return;
    case FAIL_ALLOW:
        connect_failed(w, a, b, "not_allowed");
        return;
    default:
        connect_failed(w, a, b, "bad_cookie");
    }
}

/* ---- arrivals ---- */

static void deliver_now(world *w, int x, int y, packet *pk);

void dist_deliver(world *w, int from, int to, void *payload)
{
    packet *pk = payload;
    vnode *nd = &w->nodes[to];
    /* EPMD runs beside the node: it answers even when the node is
     * frozen, and says "no such name" when it is not running. */
    if (pk->kind == PK_EPMD_REQ) {
        packet *r = pk_new(nd->state == NODE_DOWN ? PK_EPMD_NO : PK_EPMD_PORT, to);
        r->conn = pk->conn;
        net_send(w->net, to, from, r->conn, r);
        pk_free(pk);
        return;
    }
    if (nd->state == NODE_DOWN) {
        if (pk->kind == PK_HS_NAME) {
            /* connection refused */
            hs_fail(w, to, from, pk->conn, FAIL_NOK + 100);
        }
        pk_free(pk);
        return;
    }
    if (nd->state == NODE_FROZEN) {
        /* The kernel buffers it; the node reads it when it runs again. */
        dist_node *d = dn(w, to);
        if (d->nfrozen == d->capfrozen) {
            d->capfrozen = d->capfrozen ? 2 * d->capfrozen : 16;
            d->frozen = xrealloc(d->frozen, d->capfrozen * sizeof *d->frozen);
            d->frozen_from = xrealloc(d->frozen_from, d->capfrozen * sizeof *d->frozen_from);
        }
        d->frozen[d->nfrozen] = pk;
        d->frozen_from[d->nfrozen++] = from;
        return;
    }
    deliver_now(w, to, from, pk);
}

/* The network gave up a payload: the sender closed the connection while
 * the link held it. A message in it is lost for good: say so. */
void dist_drop(world *w, int from, int to, void *payload)
{
    packet *pk = payload;
    if (pk->kind == PK_MSG || pk->kind == PK_MSG_NAMED) {
        char *ms = rt_str(w, from, pk->msg), *ts = NULL;
        if (pk->kind == PK_MSG) {
            term *tp = term_pid_new(pk->to);
            ts = rt_str(w, from, tp);
            term_unref(tp);
        }
        rt_emit(w, from, "drop", w->nodes[to].name, NULL,
                ts ? ts : atom_text(pk->name), NULL, ms, "connection_closed", NULL);
        free(ts);
        free(ms);
    }
    pk_free(pk);
}

static void deliver_conn_packet(world *w, int x, int y, packet *pk);

static void deliver_now(world *w, int x, int y, packet *pk)
{
    peer *p = pr(w, x, y);
    switch (pk->kind) {
    case PK_EPMD_PORT:
        if (p->st == C_PENDING && p->initiator && p->id == pk->conn && !p->epmd_done) {
            p->epmd_done = true;
            packet *n = pk_new(PK_HS_NAME, x);
            n->conn = p->id;
            net_send(w->net, x, y, n->conn, n);
        }
        break;
    case PK_EPMD_NO:
        if (p->st == C_PENDING && p->initiator && p->id == pk->conn)
            connect_failed(w, x, y, "not_running");
        break;
    case PK_HS_NAME:
        on_hs_name(w, x, y, pk);
        break;
    case PK_HS_CHALLENGE:
        if (p->st == C_PENDING && p->id == pk->conn) {
            packet *r = pk_new(PK_HS_REPLY, x);
            r->conn = p->id;
            r->text = xstrdup(cookie_for(w, x, y));
            net_send(w->net, x, y, r->conn, r);
        }
        break;
    case PK_HS_REPLY:
        on_hs_reply(w, x, y, pk);
        break;
    case PK_HS_ACK:
        if (p->st == C_PENDING && p->id == pk->conn)
            node_up(w, x, y, pk->conn, is_hidden(w, x) || is_hidden(w, y));
        break;
    case PK_HS_FAIL:
        if (pk->code == FAIL_NOK + 100) {
            if (p->st == C_PENDING && p->id == pk->conn)
                connect_failed(w, x, y, "econnrefused");
        } else {
            on_hs_fail(w, x, y, pk);
        }
        break;
    case PK_CLOSE:
        if (p->st == C_UP && p->id == pk->conn)
            teardown(w, x, y, "connection_closed", false);
        break;
    default:
        if (p->st != C_UP || p->id != pk->conn)
            break;  /* from a connection that is gone */
        arrival(w, x, y);
        deliver_conn_packet(w, x, y, pk);
    }
    pk_free(pk);
}

/* ---- signals across a connection ---- */

static void deliver_conn_packet(world *w, int x, int y, packet *pk)
{
    switch (pk->kind) {
    case PK_MSG: {
        proc *p = rt_find(w, pk->to);
        term *tp = term_pid_new(pk->to);
        char *ts = rt_str(w, x, tp);
        char *ms = rt_str(w, x, pk->msg);
        term_unref(tp);
        if (p) {
            rt_emit(w, x, "deliver", w->nodes[y].name, NULL, ts, NULL, ms, NULL, NULL);
            rt_deliver(w, p, pk->msg);
        } else {
            rt_emit(w, x, "drop", w->nodes[y].name, NULL, ts, NULL, ms, "noproc", NULL);
        }
        free(ts);
        free(ms);
        break;
    }
    case PK_MSG_NAMED: {
        /* {Name, Node} ! Msg to an unregistered name: silently dropped
         * (otp_facts.md 8). */
        proc *p = rt_whereis(w, x, pk->name);
        char *ms = rt_str(w, x, pk->msg);
        if (p) {
            rt_emit(w, x, "deliver", w->nodes[y].name, NULL, atom_text(pk->name),
                    NULL, ms, NULL, NULL);
            rt_deliver(w, p, pk->msg);
        } else {
            rt_emit(w, x, "drop", w->nodes[y].name, NULL, atom_text(pk->name),
                    NULL, ms, "noproc", NULL);
        }
        free(ms);
        break;
    }
    case PK_EXIT: {
        proc *p = rt_find(w, pk->to);
        if (p)
            rt_exit_arrived(w, p, pk->from, pk->reason, pk->flag);
        break;
    }
    case PK_LINK: {
        proc *p = rt_find(w, pk->to);
        if (p) {
            rt_link_add(p, pk->from);
        } else {
            /* linking a dead process: the linker gets noproc */
            packet *e = pk_new(PK_EXIT, x);
            e->conn = pk->conn;
            e->from = pk->to;
            e->to = pk->from;
            e->reason = term_atom_s("noproc");
            e->flag = true;
            xmit(w, x, y, e);
        }
        break;
    }
    case PK_UNLINK: {
        proc *p = rt_find(w, pk->to);
        if (p)
            rt_link_remove(p, pk->from);
        break;
    }
    case PK_MONITOR: {
        proc *p = pk->name ? rt_whereis(w, x, pk->name) : rt_find(w, pk->to);
        if (p) {
            rt_monitor_add(p, pk->ref, pk->from, pk->extra, false);
        } else {
            packet *d = pk_new(PK_DOWN, x);
            d->conn = pk->conn;
            d->to = pk->from;
            d->ref = term_ref(pk->ref);
            d->extra = term_ref(pk->extra);
            d->reason = term_atom_s("noproc");
            xmit(w, x, y, d);
        }
        break;
    }
    case PK_DEMONITOR: {
        proc *p = rt_find(w, pk->to);
        if (p)
            rt_monitor_remove(p, pk->ref, NULL);
        break;
    }
    case PK_DOWN: {
        proc *p = rt_find(w, pk->to);
        monitor m;
        if (p && rt_monitor_remove(p, pk->ref, &m)) {
            rt_down(w, p, m.ref, m.object, pk->reason);
            term_unref(m.ref);
            term_unref(m.object);
        }
        break;
    }
    case PK_SPAWN_REQ:
        dist_spawn_arrived(w, x, y, pk->from, pk->ref, pk->msg, pk->name);
        break;
    case PK_SPAWN_REPLY:
    case PK_PONG:
    case PK_RPC_REPLY: {
        proc *p = rt_find(w, pk->to);
        if (p) {
            const char *tag = pk->kind == PK_SPAWN_REPLY ? "$spawn_reply"
                            : pk->kind == PK_PONG ? "$pong" : "$rpc_reply";
            term *m = term_tuplev(3, term_atom_s(tag), term_ref(pk->ref),
                                  term_ref(pk->msg));
            rt_deliver(w, p, m);
            term_unref(m);
        }
        if (pk->kind != PK_SPAWN_REPLY) {
            dist_node *d = dn(w, x);
            for (uint32_t i = 0; i < d->nrpcs; i++)
                if (term_equal(d->rpcs[i].ref, pk->ref)) {
                    term_unref(d->rpcs[i].ref);
                    d->rpcs[i] = d->rpcs[--d->nrpcs];
                    break;
                }
        }
        break;
    }
    case PK_PING: {
        packet *r = pk_new(PK_PONG, x);
        r->conn = pk->conn;
        r->to = pk->from;
        r->ref = term_ref(pk->ref);
        r->msg = term_atom_s("yes");
        xmit(w, x, y, r);
        break;
    }
    case PK_RPC_REQ:
        dist_rpc_arrived(w, x, y, pk->from, pk->ref, pk->msg);
        break;
    case PK_APP:
        pk->app(w, x, y, pk->msg);
        break;
    default:
        break;
    }
}

/* Sends pk from x to y over their connection: at once when it is up,
 * else queued behind an automatic connection attempt as
 * dist_auto_connect allows (otp_facts.md 6, 8), else it fails.
 * `explicit_connect` is for net_kernel:connect_node, which ignores
 * dist_auto_connect. */
static void send_on_conn(world *w, int x, int y, packet *pk, bool explicit_connect)
{
    peer *p = pr(w, x, y);
    if (p->st == C_UP) {
        pk->conn = p->id;
        xmit(w, x, y, pk);
        return;
    }
    world_autoconnect ac = w->nodes[x].cfg.autoconnect;
    bool may = explicit_connect || ac == WORLD_AUTOCONNECT_ALWAYS ||
               (ac == WORLD_AUTOCONNECT_ONCE && !p->ever_up);
    if (!may) {
        queued_failed(w, x, y, pk);
        pk_free(pk);
        return;
    }
    if (p->nqueue == p->capqueue) {
        p->capqueue = p->capqueue ? 2 * p->capqueue : 4;
        p->queue = xrealloc(p->queue, p->capqueue * sizeof *p->queue);
    }
    p->queue[p->nqueue++] = pk;
    start_connect(w, x, y);
}

static int node_of(const world *w, term_pid pid)
{
    return rt_node_index(w, pid.node);
}

void dist_send(world *w, int from_node, term_pid to, term *msg)
{
    int y = node_of(w, to);
    char *ms = rt_str(w, from_node, msg);
    term *tp = term_pid_new(to);
    char *ts = rt_str(w, from_node, tp);
    term_unref(tp);
    if (y < 0) {
        rt_emit(w, from_node, "drop", NULL, NULL, ts, NULL, ms, "nonode", NULL);
    } else {
        rt_emit(w, from_node, "send", w->nodes[y].name, NULL, ts, NULL, ms, NULL, NULL);
        packet *pk = pk_new(PK_MSG, from_node);
        pk->to = to;
        pk->msg = term_ref(msg);
        send_on_conn(w, from_node, y, pk, false);
    }
    free(ms);
    free(ts);
}

void dist_send_named(world *w, int from_node, atom_t name, int to_node,
                     term *msg)
{
    char *ms = rt_str(w, from_node, msg);
    if (to_node < 0) {
        /* a node nobody runs: the connection attempt fails, silently */
        rt_emit(w, from_node, "drop", NULL, NULL, atom_text(name), NULL, ms,
                "nonode", NULL);
        free(ms);
        return;
    }
    rt_emit(w, from_node, "send", w->nodes[to_node].name, NULL,
            atom_text(name), NULL, ms, NULL, NULL);
    free(ms);
    packet *pk = pk_new(PK_MSG_NAMED, from_node);
    pk->name = name;
    pk->msg = term_ref(msg);
    send_on_conn(w, from_node, to_node, pk, false);
}

void dist_exit(world *w, term_pid from, term_pid to, term *reason, bool linked)
{
    int x = node_of(w, from), y = node_of(w, to);
    if (y < 0 || x < 0)
        return;
    packet *pk = pk_new(PK_EXIT, x);
    pk->from = from;
    pk->to = to;
    pk->reason = term_ref(reason);
    pk->flag = linked;
    /* exit signals on a link need the connection that carried the link */
    peer *p = pr(w, x, y);
    if (linked && p->st != C_UP) {
        pk_free(pk);
        return;
    }
    send_on_conn(w, x, y, pk, false);
}

void dist_link(world *w, term_pid from, term_pid to)
{
    int x = node_of(w, from), y = node_of(w, to);
    packet *pk = pk_new(PK_LINK, x);
    pk->from = from;
    pk->to = to;
    if (y < 0) {
        queued_failed(w, x, y, pk);
        pk_free(pk);
        return;
    }
    send_on_conn(w, x, y, pk, false);
}

void dist_unlink(world *w, term_pid from, term_pid to)
{
    int x = node_of(w, from), y = node_of(w, to);
    if (y < 0 || pr(w, x, y)->st != C_UP)
        return;
    packet *pk = pk_new(PK_UNLINK, x);
    pk->from = from;
    pk->to = to;
    send_on_conn(w, x, y, pk, false);
}

void dist_monitor(world *w, term_pid from, int to_node, const term_pid *to,
                  atom_t name, term *ref, term *object)
{
    int x = node_of(w, from);
    packet *pk = pk_new(PK_MONITOR, x);
    pk->from = from;
    if (to)
        pk->to = *to;
    pk->name = name;
    pk->ref = term_ref(ref);
    pk->extra = term_ref(object);
    if (to_node < 0) {
        /* a node that does not exist: noconnection at once (otp_facts 12) */
        queued_failed(w, x, to_node, pk);
        pk_free(pk);
        return;
    }
    send_on_conn(w, x, to_node, pk, false);
}

void dist_demonitor(world *w, term_pid from, term_pid to, term *ref)
{
    int x = node_of(w, from), y = node_of(w, to);
    if (y < 0 || pr(w, x, y)->st != C_UP)
        return;
    packet *pk = pk_new(PK_DEMONITOR, x);
    pk->from = from;
    pk->to = to;
    pk->ref = term_ref(ref);
    send_on_conn(w, x, y, pk, false);
}

void dist_down(world *w, term_pid dead, term_pid watcher, term *ref,
               term *object, term *reason)
{
    int x = node_of(w, dead), y = node_of(w, watcher);
    if (y < 0 || pr(w, x, y)->st != C_UP)
        return;
    packet *pk = pk_new(PK_DOWN, x);
    pk->from = dead;
    pk->to = watcher;
    pk->ref = term_ref(ref);
    pk->extra = term_ref(object);
    pk->reason = term_ref(reason);
    send_on_conn(w, x, y, pk, false);
}

void dist_send_app(world *w, int x, int y, dist_app_fn fn, term *msg)
{
    peer *p = pr(w, x, y);
    if (p->st != C_UP)
        return;
    packet *pk = pk_new(PK_APP, x);
    pk->app = fn;
    pk->msg = term_ref(msg);
    pk->conn = p->id;
    xmit(w, x, y, pk);
}

/* A request that needs an answer from y: sent with auto-connect; the
 * caller gets {'$dist_failed', Ref, Node} if no connection comes. */
void dist_request(world *w, int x, int y, dist_req kind, term_pid from,
                  term *ref, term *msg, atom_t name, bool explicit_connect)
{
    pk_kind k = kind == DIST_REQ_SPAWN ? PK_SPAWN_REQ
              : kind == DIST_REQ_PING ? PK_PING : PK_RPC_REQ;
    packet *pk = pk_new(k, x);
    pk->from = from;
    pk->ref = term_ref(ref);
    pk->msg = term_ref(msg);
    pk->name = name;
    if (k == PK_RPC_REQ || k == PK_PING) {
        /* answered by {badrpc, nodedown} if the connection goes down */
        dist_node *d = dn(w, x);
        if (d->nrpcs == d->caprpcs) {
            d->caprpcs = d->caprpcs ? 2 * d->caprpcs : 4;
            d->rpcs = xrealloc(d->rpcs, d->caprpcs * sizeof *d->rpcs);
        }
        d->rpcs[d->nrpcs].caller = from;
        d->rpcs[d->nrpcs].ref = term_ref(ref);
        d->rpcs[d->nrpcs++].peer = y;
    }
    if (y < 0) {
        queued_failed(w, x, y, pk);
        pk_free(pk);
        return;
    }
    send_on_conn(w, x, y, pk, explicit_connect);
}

void dist_spawn_reply(world *w, int x, int y, term_pid to, term *ref,
                      term *result)
{
    peer *p = pr(w, x, y);
    if (p->st != C_UP)
        return;
    packet *pk = pk_new(PK_SPAWN_REPLY, x);
    pk->to = to;
    pk->ref = term_ref(ref);
    pk->msg = term_ref(result);
    pk->conn = p->id;
    xmit(w, x, y, pk);
}

void dist_rpc_reply(world *w, int y, int x, term_pid to, term *ref,
                    term *result)
{
    peer *p = pr(w, y, x);
    if (p->st != C_UP)
        return;  /* the caller learns nodedown from the connection */
    packet *pk = pk_new(PK_RPC_REPLY, y);
    pk->to = to;
    pk->ref = term_ref(ref);
    pk->msg = term_ref(result);
    pk->conn = p->id;
    xmit(w, y, x, pk);
}

void dist_wait_connect(world *w, int x, int y, term_pid pid, term *ref,
                       bool explicit_connect)
{
    peer *p = pr(w, x, y);
    if (p->st == C_UP || y == x) {
        proc *q = rt_find(w, pid);
        if (q) {
            term *m = term_tuplev(3, term_atom_s("$connect"), term_ref(ref),
                                  term_atom_s("true"));
            rt_deliver(w, q, m);
            term_unref(m);
        }
        return;
    }
    world_autoconnect ac = w->nodes[x].cfg.autoconnect;
    bool may = explicit_connect || ac == WORLD_AUTOCONNECT_ALWAYS ||
               (ac == WORLD_AUTOCONNECT_ONCE && !p->ever_up);
    if (p->nwaiters == p->capwaiters) {
        p->capwaiters = p->capwaiters ? 2 * p->capwaiters : 4;
        p->waiters = xrealloc(p->waiters, p->capwaiters * sizeof *p->waiters);
    }
    p->waiters[p->nwaiters].pid = pid;
    p->waiters[p->nwaiters++].ref = term_ref(ref);
    if (!may) {
        tell_waiters(w, p, false);
        return;
    }
    start_connect(w, x, y);
}

/* ---- queries and control ---- */

bool dist_connected(const world *w, int x, int y)
{
    const peer *p = pr_find(w, x, y);
    return p && p->st == C_UP;
}

bool dist_is_hidden(const world *w, int x, int y)
{
    const peer *p = pr_find(w, x, y);
    return p && p->hidden;
}

typedef struct ord {
    uint64_t order;
    int k;
} ord;

static int cmp_ord(const void *a, const void *b)
{
    const ord *x = a, *y = b;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Up connections of x matching `hidden_mode` (0 visible, 1 hidden, 2
 * both), in connection order (otp_facts.md 5: not sorted). */
static int up_list(const world *w, int x, int mode, int *out)
{
    ord *o = xcalloc((size_t)w->n + 1, sizeof *o);
    int n = 0;
    for (int k = 0; k < w->n; k++) {
        const peer *p = pr_find(w, x, k);
        if (!p || p->st != C_UP)
            continue;
        if ((mode == 0 && p->hidden) || (mode == 1 && !p->hidden))
            continue;
        o[n].order = p->order;
        o[n++].k = k;
    }
    qsort(o, (size_t)n, sizeof *o, cmp_ord);
    for (int i = 0; i < n; i++)
        out[i] = o[i].k;
    free(o);
    return n;
}

int dist_visible(const world *w, int x, int *out)
{
    return up_list(w, x, 0, out);
}

term *dist_nodes(world *w, int x, const char *which)
{
    int *ks = xcalloc((size_t)w->n + 1, sizeof *ks);
    int n = 0;
    if (!strcmp(which, "this")) {
        ks[n++] = x;
    } else if (!strcmp(which, "known")) {
        ks[n++] = x;
        for (int k = 0; k < w->n; k++) {
            const peer *p = pr_find(w, x, k);
            if (p && (p->ever_up || p->st == C_UP))
                ks[n++] = k;
        }
    } else {
        int mode = !strcmp(which, "visible") ? 0 : !strcmp(which, "hidden") ? 1 : 2;
        n = up_list(w, x, mode, ks);
    }
    term *l = term_nil();
    for (int i = n; i-- > 0;)
        l = term_cons(node_atom(w, ks[i]), l);
    free(ks);
    return l;
}

void dist_connect(world *w, int x, int y)
{
    if (x != y && pr(w, x, y)->st == C_NONE)
        start_connect(w, x, y);
}

void dist_disconnect(world *w, int x, int y, const char *reason)
{
    teardown(w, x, y, reason, true);
}

void dist_set_allow(world *w, int x, const int *ks, int n)
{
    dist_node *d = dn(w, x);
    d->allow_set = true;
    for (int i = 0; i < n; i++)
        if (ks[i] >= 0)
            d->allowed[ks[i]] = true;
}

void dist_set_cookie(world *w, int x, int y, const char *cookie)
{
    if (x == y) {
        free((char *)w->nodes[x].cfg.cookie);
        w->nodes[x].cfg.cookie = xstrdup(cookie);
        return;
    }
    peer *p = pr(w, x, y);
    free(p->cookie);
    p->cookie = xstrdup(cookie);
}

int dist_monitor_nodes(world *w, int x, term_pid pid, bool on, bool reason,
                       int type, bool type_given)
{
    dist_node *d = dn(w, x);
    if (on) {
        if (d->nsubs == d->capsubs) {
            d->capsubs = d->capsubs ? 2 * d->capsubs : 4;
            d->subs = xrealloc(d->subs, d->capsubs * sizeof *d->subs);
        }
        subscriber s = {pid, reason, type, type_given};
        d->subs[d->nsubs++] = s;
        return 0;
    }
    for (uint32_t i = 0; i < d->nsubs; i++) {
        subscriber *s = &d->subs[i];
        if (s->pid.number == pid.number && s->pid.creation == pid.creation &&
            s->reason == reason && s->type == type && s->type_given == type_given) {
            memmove(d->subs + i, d->subs + i + 1, (d->nsubs - i - 1) * sizeof *d->subs);
            d->nsubs--;
            return 0;
        }
    }
    return -1;
}

/* ---- node life cycle ---- */

static void on_watchdog(sim *s, void *ctx, uint64_t arg)
{
    (void)s;
    world *w = ctx;
    int x = (int)(arg >> 32), y = (int)(uint32_t)arg;
    peer *p = pr(w, x, y);
    p->watchdog = (sim_timer){0, 0};
    if (p->st != C_UP)
        return;
    if (w->nodes[x].state != NODE_UP) {
        /* x's ticker is stopped too; it checks again when x runs */
        p->silence_a = -1;
        return;
    }
    char text[256];
    snprintf(text, sizeof text,
             "** Node %s not responding **\n** Removing (timedout) connection **",
             w->nodes[y].name);
    rt_log(w, x, "error", text);
    teardown(w, x, y, "net_tick_timeout", true);
}

void dist_node_booted(world *w, int x)
{
    dist_node *d = dn(w, x);
    rng *r = &w->nodes[x].r;
    d->phase = (int64_t)rng_below(r, (uint64_t)tick_period(w, x));
}

void dist_node_halted(world *w, int x)
{
    /* The OS closes every socket: peers see connection_closed (when the
     * network lets the close through). Nothing else survives. */
    dist_node *d = dn(w, x);
    for (int y = 0; y < w->n; y++) {
        peer *p = d->peers[y];
        if (!p)
            continue;
        if (p->st == C_UP) {
            packet *pk = pk_new(PK_CLOSE, x);
            pk->conn = p->id;
            net_send(w->net, x, y, pk->conn, pk);
        }
        sim_cancel(w->s, p->setup_timer);
        disarm(w, p);
        peer_clear_pending(p);
        p->st = C_NONE;
        p->ever_up = false;
        free(p->cookie);
        p->cookie = NULL;
        p->wmask = 0;
        p->wbase = 0;
    }
    for (uint32_t i = 0; i < d->nfrozen; i++)
        pk_free(d->frozen[i]);
    d->nfrozen = 0;
    for (uint32_t i = 0; i < d->nrpcs; i++)
        term_unref(d->rpcs[i].ref);
    d->nrpcs = 0;
    d->nsubs = 0;
    d->allow_set = false;
    memset(d->allowed, 0, (size_t)w->n * sizeof *d->allowed);
    glob_node_halted(w, x);
}

void dist_node_frozen(world *w, int y)
{
    for (int x = 0; x < w->n; x++)
        if (x != y && !net_is_cut(w->net, y, x))
            silence_begins(w, x, y, false);
}

void dist_node_resumed(world *w, int y)
{
    dist_node *d = dn(w, y);
    int64_t now = sim_now(w->s);
    /* Its ticker runs again: peers get its next tick; its own watchdogs
     * restart from what it reads now. */
    for (int x = 0; x < w->n; x++) {
        peer *q = d->peers[x];
        if (!q || q->st != C_UP)
            continue;
        peer *p = pr_find(w, x, y);
        if (p && p->st == C_UP && p->id == q->id && !net_is_cut(w->net, y, x)) {
            int64_t i = interval_of(w, y, now);
            int64_t t = tick_time(w, y, i);
            if (t < now)
                t = tick_time(w, y, i + 1);
            expect_virtual_arrival(w, x, y, t + net_sample(w->net, y, x));
        }
        disarm(w, q);
        q->last_rx = now;
        if (net_is_cut(w->net, x, y))
            arm_watchdog(w, y, x, now);
    }
    /* What the kernel buffered, in arrival order. */
    uint32_t n = d->nfrozen;
    packet **pks = d->frozen;
    int *from = d->frozen_from;
    d->frozen = NULL;
    d->frozen_from = NULL;
    d->nfrozen = d->capfrozen = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (w->nodes[y].state == NODE_UP)
            deliver_now(w, y, from[i], pks[i]);
        else
            pk_free(pks[i]);
    }
    free(pks);
    free(from);
}

void dist_link_cut(world *w, int from, int to)
{
    if (w->nodes[from].state == NODE_UP)
        silence_begins(w, to, from, true);
}

void dist_link_healed(world *w, int from, int to, int64_t cut_at)
{
    peer *p = pr_find(w, to, from), *q = pr_find(w, from, to);
    if (!p || !q || p->st != C_UP || q->st != C_UP || p->id != q->id ||
        w->nodes[from].state != NODE_UP)
        return;
    /* The first thing `from` wrote after the cut (its next tick at the
     * latest) reaches `to` at TCP's next retransmission. */
    int64_t i = interval_of(w, from, cut_at);
    int64_t t = tick_time(w, from, i);
    if (t <= cut_at)
        t = tick_time(w, from, i + 1);
    if (t > sim_now(w->s))
        t = sim_now(w->s);
    expect_virtual_arrival(w, to, from, net_arrival_after_heal(w->net, from, to, t));
}
