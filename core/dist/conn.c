/* conn: the connections between nodes, net_kernel's and dist_util's
 * part of distribution (core/README.md): EPMD lookup, the
 * handshake with its cookie challenge, net_kernel:allow/1, TLS,
 * nodeup/nodedown with their reasons and who hears them
 * (monitor_nodes, dist_add_hooks), sending with the automatic
 * connection dist_auto_connect allows, and what a node holds while it is
 * frozen. This file is the one owner of the connection state: tick.c
 * (failure detection) and sig.c (signals) reach it through the
 * dist__conn_* / dist__send* functions of dist_int.h.
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
 * Invariant: a view is C_UP at X iff X emitted nodeup for it and no
 * nodedown since; every up view has a unique id. */
#include "core/dist/dist_int.h"
#include "core/term/imap.h"

#include <stdio.h>
#include <string.h>

typedef enum cstate { C_NONE, C_PENDING, C_UP } cstate;

typedef struct waiter {
    term_pid pid;
    term *ref;
} waiter;

/* One node's view of its connection to one peer. */
typedef struct conn {
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
    char *cookie;          /* erlang:set_cookie(Node, C), or NULL */
    bool allowed;          /* named by net_kernel:allow/1 */
} conn;

struct conn_node {
    imap peers;            /* conn *, by node index: the peers met so far
                              (a node costs nothing for the others) */
    int *up;               /* peers whose view is C_UP, in connection order
                              (erl 25's nodes() is not sorted) */
    bool *up_hidden;       /* up_hidden[i]: up[i]'s connection is hidden */
    int nup, capup;
    /* upbits: bit y set iff y is in up (allocated at the first up, so
     * an idle node costs nothing); version counts the changes of up */
    uint64_t *upbits;
    uint64_t version;
    int nvisible;          /* the entries of up that are not hidden */
    bool allow_set;        /* the allowed peers have conn.allowed */
    packet **frozen;       /* arrivals while frozen, with their sender */
    int *frozen_from;
    uint32_t nfrozen, capfrozen;
};

static conn_node *cn(const world *w, int k) { return &w->dist->conn[k]; }


static conn *pr(world *w, int x, int y)
{
    void **s = imap_slot(&cn(w, x)->peers, y);
    if (!*s)
        *s = xcalloc(1, sizeof(conn));
    return *s;
}

static conn *pr_find(const world *w, int x, int y)
{
    return imap_find(&cn(w, x)->peers, y);
}

void dist__conn_init(world *w)
{
    w->dist->conn = xcalloc((size_t)w->n, sizeof *w->dist->conn);
}

static void peer_clear_pending(conn *p)
{
    for (uint32_t i = 0; i < p->nwaiters; i++)
        term_unref(p->waiters[i].ref);
    p->nwaiters = 0;
    for (uint32_t i = 0; i < p->nqueue; i++)
        pk_free(p->queue[i]);
    p->nqueue = 0;
}

static void node_free(conn_node *d)
{
    for (uint32_t i = 0; i < d->peers.n; i++) {
        conn *p = imap_find(&d->peers, d->peers.keys[i]);
        peer_clear_pending(p);
        free(p->waiters);
        free(p->queue);
        free(p->cookie);
        free(p);
    }
    for (uint32_t i = 0; i < d->nfrozen; i++)
        pk_free(d->frozen[i]);
    free(d->frozen);
    free(d->frozen_from);
    free(d->up);
    free(d->up_hidden);
    free(d->upbits);
    imap_fini(&d->peers);
}

void dist__conn_fini(world *w)
{
    for (int k = 0; k < w->n; k++)
        node_free(cn(w, k));
    free(w->dist->conn);
}

/* ---- events and logs ---- */

static void emit(world *w, int k, const char *kind, int peer_k,
                 const char *reason, const char *text)
{
    rt_emit(w, k, kind, peer_k >= 0 ? w->nodes[peer_k].name : NULL, NULL,
            NULL, NULL, NULL, reason, text);
}

/* ---- sending packets ---- */

/* Sends pk from x to y on their connection's flow (pk->conn set). */
static void xmit(world *w, int x, int y, packet *pk)
{
    pk->from_node = x;
    dist__tick_wrote(w, x, y);
    net_send(w->net, x, y, pk->conn, pk);
}

/* ---- node down ---- */

static void fail_pending(world *w, int x, int y);

void dist__teardown(world *w, int x, int y, const char *reason, bool close)
{
    conn *p = pr(w, x, y);
    if (p->st != C_UP)
        return;
    uint64_t id = p->id;
    bool hidden = p->hidden;
    p->st = C_NONE;
    conn_node *d = cn(w, x);
    for (int i = 0; i < d->nup; i++)
        if (d->up[i] == y) {
            memmove(d->up + i, d->up + i + 1, (size_t)(d->nup - i - 1) * sizeof *d->up);
            memmove(d->up_hidden + i, d->up_hidden + i + 1,
                    (size_t)(d->nup - i - 1) * sizeof *d->up_hidden);
            d->nup--;
            break;
        }
    d->upbits[y / 64] &= ~((uint64_t)1 << (y % 64));
    d->version++;
    if (!hidden)
        d->nvisible--;
    dist__tick_disarm(w, x, y);
    emit(w, x, "nodedown", y, reason, NULL);
    net_drop_held(w->net, x, y, id);
    if (close) {
        packet *pk = pk_new(PK_CLOSE, x);
        pk->conn = id;
        xmit(w, x, y, pk);
    }
    /* The links' and monitors' noconnection first, as erts sends them
     * when the connection goes (its net exits), then nodedown to those
     * who monitor nodes: a monitored remote process's 'DOWN' arrives
     * before monitor_nodes' nodedown (checked with erl 25). */
    dist__sig_noconnection(w, x, y);
    dist__nodes_down(w, x, y, reason, hidden);
}

/* ---- connection set-up ---- */

static void on_setup_timeout(sim *s, void *ctx, uint64_t arg);

static const char *cookie_for(world *w, int x, int y)
{
    conn *p = pr_find(w, x, y);
    return p && p->cookie ? p->cookie : w->nodes[x].cfg.cookie;
}

static bool allowed(world *w, int x, int y)
{
    const conn *p = pr_find(w, x, y);
    return !cn(w, x)->allow_set || (p && p->allowed);
}

/* Tells everyone waiting for the connection p whether it came. */
static void tell_waiters(world *w, conn *p, bool ok)
{
    for (uint32_t i = 0; i < p->nwaiters; i++) {
        proc *q = rt_find(w, p->waiters[i].pid);
        const term *r = p->waiters[i].ref;
        if (r->tag == T_TUPLE) {
            /* erlang:monitor_node's connection attempt: {'$monitor_node',
             * X, Y}; a failure is its {nodedown, Node} */
            if (!ok && q) {
                int x = (int)r->u.tuple.el[1]->u.i, y = (int)r->u.tuple.el[2]->u.i;
                dist__monitor_node(w, x, p->waiters[i].pid, y, false);
                term *m = term_tuplev(2, term_atom_s("nodedown"),
                                      term_atom(w->nodes[y].atom));
                rt_deliver(w, q, m);
                term_unref(m);
            }
            term_unref(p->waiters[i].ref);
            continue;
        }
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

static void fail_pending(world *w, int x, int y)
{
    conn *p = pr(w, x, y);
    sim_cancel(w->s, p->setup_timer);
    p->setup_due = false;
    p->st = C_NONE;
    tell_waiters(w, p, false);
    /* DETERMINISM: queued packets fail in the order they were sent. */
    uint32_t n = p->nqueue;
    packet **q = p->queue;
    p->queue = NULL;
    p->nqueue = p->capqueue = 0;
    for (uint32_t i = 0; i < n; i++) {
        dist__sig_failed(w, x, y, q[i]);
        pk_free(q[i]);
    }
    free(q);
    dist__nodes_connect_failed(w, x, y);
}

static void connect_failed(world *w, int x, int y, const char *why)
{
    conn *p = pr(w, x, y);
    if (p->st != C_PENDING)
        return;
    emit(w, x, "handshake_fail", y, why, NULL);
    fail_pending(w, x, y);
}

/* (Re)starts x's set-up timer for its attempt with y: net_setuptime
 * bounds each step of the handshake, not the whole of it, because
 * dist_util:reset_timer/1 restarts the timer before each network step
 * (inet_tcp_dist:do_setup_connect/11 after the EPMD lookup,
 * dist_util:handshake_we_started/1 after the challenge reply,
 * dist_util:mark_pending/1 and handshake_other_started/1 on the
 * accepting side; observed with erl 25). */
static void reset_setup_timer(world *w, int x, int y)
{
    conn *p = pr(w, x, y);
    sim_cancel(w->s, p->setup_timer);
    p->setup_due = false;
    p->setup_timer = sim_after(w->s, w->nodes[x].cfg.net_setuptime,
                               on_setup_timeout, w, pair_arg(x, y));
}

/* Starts connecting x to y (no-op unless x has no view of y). */
static void start_connect(world *w, int x, int y)
{
    conn *p = pr(w, x, y);
    if (p->st != C_NONE)
        return;
    p->st = C_PENDING;
    p->initiator = true;
    p->epmd_done = false;
    p->id = ++w->dist->next_conn;
    emit(w, x, "connect", y, NULL, NULL);
    reset_setup_timer(w, x, y);  /* dist_util:start_timer/1 */
    if (!allowed(w, x, y)) {
        /* net_kernel:setup_check/2's error_msg */
        char text[256];
        snprintf(text, sizeof text, "** Connection attempt with disallowed node %s ** ",
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
    conn *p = pr(w, x, y);
    p->setup_timer = (sim_timer){0, 0};
    if (p->st == C_PENDING) {
        if (w->nodes[x].state != NODE_UP) {
            p->setup_due = true;  /* frozen: it gives up when it runs again */
            return;
        }
        connect_failed(w, x, y, "setup_timeout");
    }
}

/* x runs again: set-up timers that fell due meanwhile fire now. */
static void resume_timers(world *w, int x)
{
    /* DETERMINISM: in node order. What fires may meet new peers
     * (imap_slot moves the map's entries), so the peers are listed
     * first. */
    const imap *m = &cn(w, x)->peers;
    int *due = xcalloc(m->n + 1, sizeof *due), ndue = 0;
    for (uint32_t i = 0; i < m->n; i++)
        if (((conn *)imap_find(m, m->keys[i]))->setup_due)
            due[ndue++] = m->keys[i];
    for (int i = 0; i < ndue; i++) {
        conn *p = pr(w, x, due[i]);
        if (p->setup_due) {
            p->setup_due = false;
            if (p->st == C_PENDING)
                connect_failed(w, x, due[i], "setup_timeout");
        }
    }
    free(due);
}

static void node_up(world *w, int x, int y, uint64_t id, bool hidden)
{
    conn *p = pr(w, x, y);
    sim_cancel(w->s, p->setup_timer);
    p->st = C_UP;
    p->id = id;
    p->hidden = hidden;
    p->ever_up = true;
    conn_node *d = cn(w, x);
    if (d->nup == d->capup) {
        d->capup = d->capup ? 2 * d->capup : 4;
        d->up = xrealloc(d->up, (size_t)d->capup * sizeof *d->up);
        d->up_hidden = xrealloc(d->up_hidden, (size_t)d->capup * sizeof *d->up_hidden);
    }
    d->up_hidden[d->nup] = hidden;
    d->up[d->nup++] = y;
    if (!d->upbits)
        d->upbits = xcalloc(dist_bits_words(w), sizeof *d->upbits);
    d->upbits[y / 64] |= (uint64_t)1 << (y % 64);
    d->version++;
    if (!hidden)
        d->nvisible++;
    dist__tick_up(w, x, y);
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
    dist__nodes_up(w, x, y, hidden);
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
    conn *p = pr(w, b, a);
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
         * dropped us, so the old connection is gone. net_kernel's
         * handle_info({accept_pending, ...}) answers up_pending for a
         * connection that is up; dist_util:mark_pending/1 then asks the
         * other side (do_alive/1) and waits while net_kernel kills the
         * old connection (handle_info({wait_pending, Node})). */
        dist__teardown(w, b, a, "connection_closed", false);
    }
    if (p->st == C_PENDING && p->initiator) {
        /* Simultaneous connect, as net_kernel's handle_info({AcceptPid,
         * {accept_pending, MyNode, Node, ...}}) resolves it: when our
         * name sorts higher (MyNode > Node), the incoming attempt gets
         * nok_pending and ours goes on; else ours is killed (remarked)
         * and theirs takes over. The higher-named node's attempt wins
         * (net_kernel:handle_info/2, {accept_pending, ...}). Names
         * compare as atoms do, by their text. */
        if (strcmp(w->nodes[b].name, w->nodes[a].name) > 0) {
            hs_fail(w, b, a, pk->conn, FAIL_NOK);
            return;
        }
        p->initiator = false;  /* ours is abandoned; waiters stay */
    }
    /* the accepting process's own timer (dist_util:start_timer/1 in
     * inet_tcp_dist:accept_connection), restarted after its status and
     * challenge (dist_util:mark_pending/1, handshake_other_started/1) */
    reset_setup_timer(w, b, a);
    p->st = C_PENDING;
    p->initiator = false;
    p->id = pk->conn;
    packet *c = pk_new(PK_HS_CHALLENGE, b);
    c->conn = pk->conn;
    net_send(w->net, b, a, c->conn, c);
}

static void on_hs_reply(world *w, int b, int a, packet *pk)
{
    conn *p = pr(w, b, a);
    if (p->st != C_PENDING || p->initiator || p->id != pk->conn)
        return;
    if (strcmp(pk->text, cookie_for(w, b, a))) {
        /* Only the accepting node logs (dist_util:recv_challenge_reply/3). */
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
    conn *p = pr(w, a, b);
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

void dist__deliver(void *ctx, int from, int to, void *payload)
{
    world *w = ctx;
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
        conn_node *d = cn(w, to);
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
void dist__drop(void *ctx, int from, int to, void *payload)
{
    world *w = ctx;
    packet *pk = payload;
    if (pk->kind == PK_MSG || pk->kind == PK_MSG_NAMED) {
        char *ms = rt_str(w, from, pk->msg), *ts = NULL;
        if (pk->kind == PK_MSG) {
            term *tp = term_pid_new(pk->to);
            ts = rt_str(w, from, tp);
            term_unref(tp);
        }
        rt_emit_msg(w, from, "drop", w->nodes[to].name,
                    ts ? ts : atom_text(pk->name), ms, "connection_closed",
                    pk->msg_id);
        free(ts);
        free(ms);
    }
    pk_free(pk);
}

/* Handles a packet that arrived at running node x from y (takes it). */
static void deliver_now(world *w, int x, int y, packet *pk)
{
    conn *p = pr(w, x, y);
    switch (pk->kind) {
    case PK_EPMD_PORT:
        if (p->st == C_PENDING && p->initiator && p->id == pk->conn && !p->epmd_done) {
            p->epmd_done = true;
            reset_setup_timer(w, x, y);  /* inet_tcp_dist:do_setup_connect */
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
            /* dist_util:handshake_we_started/1 resets it after the reply */
            reset_setup_timer(w, x, y);
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
            dist__teardown(w, x, y, "connection_closed", false);
        break;
    default:
        if (p->st != C_UP || p->id != pk->conn)
            break;  /* from a connection that is gone */
        dist__tick_arrival(w, x, y);
        dist__sig_arrived(w, x, y, pk);
    }
    pk_free(pk);
}

void dist__conn_halted(world *w, int x)
{
    /* The OS closes every socket: peers see connection_closed (when the
     * network lets the close through). Nothing else survives. */
    conn_node *d = cn(w, x);
    /* DETERMINISM: in node order (the map's key order); nothing here
     * meets a new peer */
    for (uint32_t i = 0; i < d->peers.n; i++) {
        conn *p = imap_find(&d->peers, d->peers.keys[i]);
        int y = d->peers.keys[i];
        p->allowed = false;
        if (p->st == C_UP) {
            packet *pk = pk_new(PK_CLOSE, x);
            pk->conn = p->id;
            net_send(w->net, x, y, pk->conn, pk);
        }
        sim_cancel(w->s, p->setup_timer);
        dist__tick_forget(w, x, y);
        peer_clear_pending(p);
        p->st = C_NONE;
        p->ever_up = false;
        free(p->cookie);
        p->cookie = NULL;
    }
    d->nup = 0;
    d->nvisible = 0;
    if (d->upbits)
        memset(d->upbits, 0, dist_bits_words(w) * sizeof *d->upbits);
    d->version++;
    for (uint32_t i = 0; i < d->nfrozen; i++)
        pk_free(d->frozen[i]);
    d->nfrozen = 0;
    d->allow_set = false;
}

void dist__conn_resumed(world *w, int y)
{
    conn_node *d = cn(w, y);
    resume_timers(w, y);
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

/* ---- sending ---- */

/* Whether x may open a connection to y by itself: always for
 * net_kernel:connect_node (explicit), else as dist_auto_connect says
 * (observed with erl 25). */
static bool may_connect(world *w, int x, const conn *p, bool explicit_connect)
{
    world_autoconnect ac = w->nodes[x].cfg.autoconnect;
    return explicit_connect || ac == WORLD_AUTOCONNECT_ALWAYS ||
           (ac == WORLD_AUTOCONNECT_ONCE && !p->ever_up);
}

void dist__send(world *w, int x, int y, packet *pk, bool explicit_connect)
{
    conn *p = pr(w, x, y);
    if (p->st == C_UP) {
        pk->conn = p->id;
        xmit(w, x, y, pk);
        return;
    }
    if (!may_connect(w, x, p, explicit_connect)) {
        dist__sig_failed(w, x, y, pk);
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

bool dist__send_up(world *w, int x, int y, packet *pk)
{
    conn *p = pr(w, x, y);
    if (p->st != C_UP) {
        pk_free(pk);
        return false;
    }
    pk->conn = p->id;
    xmit(w, x, y, pk);
    return true;
}

void dist__wait_connect(world *w, int x, int y, term_pid pid, term *ref,
                        bool explicit_connect)
{
    conn *p = pr(w, x, y);
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
    bool may = may_connect(w, x, p, explicit_connect);
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

bool dist__conn_up(const world *w, int x, int y)
{
    return dist_connected(w, x, y);
}

uint64_t dist__conn_id(const world *w, int x, int y)
{
    const conn *p = pr_find(w, x, y);
    return p ? p->id : 0;
}

bool dist__conn_known(const world *w, int x, int y)
{
    const conn *p = pr_find(w, x, y);
    return p && (p->ever_up || p->st == C_UP);
}

bool dist_connected(const world *w, int x, int y)
{
    const uint64_t *b = cn(w, x)->upbits;
    return b && (b[y / 64] >> (y % 64) & 1);
}

size_t dist_bits_words(const world *w) { return ((size_t)w->n + 63) / 64; }

const uint64_t *dist_up_bits(const world *w, int x)
{
    return cn(w, x)->upbits;
}

uint64_t dist_up_version(const world *w, int x)
{
    return cn(w, x)->version;
}

int dist_visible_count(const world *w, int x)
{
    return cn(w, x)->nvisible;
}

bool dist_is_hidden(const world *w, int x, int y)
{
    const conn *p = pr_find(w, x, y);
    return p && p->hidden;
}

int dist__conn_up_list(const world *w, int x, int mode, int *out)
{
    const conn_node *d = cn(w, x);
    int n = 0;
    for (int i = 0; i < d->nup; i++) {
        if ((mode == 0 && d->up_hidden[i]) || (mode == 1 && !d->up_hidden[i]))
            continue;
        out[n++] = d->up[i];
    }
    return n;
}

void dist_connect(world *w, int x, int y)
{
    if (x != y && pr(w, x, y)->st == C_NONE)
        start_connect(w, x, y);
}

void dist_disconnect(world *w, int x, int y, const char *reason)
{
    dist__teardown(w, x, y, reason, true);
}

/* net_kernel's handle_call({allow, Nodes}) appends Nodes to its allowed
 * list, and only a non-empty list restricts (setup_check/2: `false when
 * Allowed =/= []`): allow([]) lifts nothing and restricts nothing
 * (observed with erl 25). A name of no node (-1) still counts in the list. */
void dist__set_allow(world *w, int x, const int *ks, int n)
{
    conn_node *d = cn(w, x);
    if (n > 0)
        d->allow_set = true;
    for (int i = 0; i < n; i++)
        if (ks[i] >= 0)
            pr(w, x, ks[i])->allowed = true;
}

void dist__set_cookie(world *w, int x, int y, const char *cookie)
{
    if (x == y) {
        free((char *)w->nodes[x].cfg.cookie);
        w->nodes[x].cfg.cookie = xstrdup(cookie);
        return;
    }
    conn *p = pr(w, x, y);
    free(p->cookie);
    p->cookie = xstrdup(cookie);
}
