/* dist: Erlang distribution between the virtual nodes: net_kernel's
 * connections (EPMD lookup, the handshake with its cookie challenge,
 * net_kernel:allow/1, TLS), nodeup/nodedown with their reasons, failure
 * detection by net_ticktime, and every signal that crosses a connection
 * (messages, links, monitors, exits, remote spawn). This file holds the
 * connections; dist_tick.c the failure detection, dist_sig.c the
 * signals and queries.
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
 *
 * Invariant: a peer view is C_UP at X iff X emitted nodeup for it and
 * no nodedown since; every up view has a unique id. */
#include "core/dist/dist_int.h"

#include <stdio.h>
#include <string.h>

void dist_init(world *w, int k)
{
    dist_node *d = xcalloc(1, sizeof *d);
    d->peers = xcalloc((size_t)w->n, sizeof *d->peers);
    d->allowed = xcalloc((size_t)w->n, sizeof *d->allowed);
    d->up = xcalloc((size_t)w->n, sizeof *d->up);
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
    free(d->up);
    free(d->peers);
    free(d);
    w->nodes[k].dn = NULL;
}

/* ---- events and logs ---- */

static void emit(world *w, int k, const char *kind, int peer_k,
                 const char *reason, const char *text)
{
    rt_emit(w, k, kind, peer_k >= 0 ? w->nodes[peer_k].name : NULL, NULL,
            NULL, NULL, NULL, reason, text);
}

/* ---- sending packets ---- */

void dist__xmit(world *w, int x, int y, packet *pk)
{
    pk->from_node = x;
    dist__note_write(w, x, y);
    net_send(w->net, x, y, pk->conn, pk);
}

/* ---- node down ---- */

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
        /* rt_find first: a DOWN or an exit below may end p */
        for (uint32_t k = 0; rt_find(w, me) && k < p->nmons;) {
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
        for (uint32_t k = 0; rt_find(w, me) && k < p->nlinks;) {
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

void dist__teardown(world *w, int x, int y, const char *reason, bool close)
{
    peer *p = pr(w, x, y);
    if (p->st != C_UP)
        return;
    uint64_t id = p->id;
    bool hidden = p->hidden;
    p->st = C_NONE;
    dist_node *d = dn(w, x);
    for (int i = 0; i < d->nup; i++)
        if (d->up[i] == y) {
            memmove(d->up + i, d->up + i + 1, (size_t)(d->nup - i - 1) * sizeof *d->up);
            d->nup--;
            break;
        }
    dist__disarm(w, p);
    emit(w, x, "nodedown", y, reason, NULL);
    net_drop_held(w->net, x, y, id);
    if (close) {
        packet *pk = pk_new(PK_CLOSE, x);
        pk->conn = id;
        dist__xmit(w, x, y, pk);
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

void dist__tell_waiters(world *w, peer *p, bool ok)
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
void dist__queued_failed(world *w, int x, int y, packet *pk)
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
    p->setup_due = false;
    p->st = C_NONE;
    dist__tell_waiters(w, p, false);
    /* DETERMINISM: queued packets fail in the order they were sent. */
    uint32_t n = p->nqueue;
    packet **q = p->queue;
    p->queue = NULL;
    p->nqueue = p->capqueue = 0;
    for (uint32_t i = 0; i < n; i++) {
        dist__queued_failed(w, x, y, q[i]);
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

void dist__start_connect(world *w, int x, int y)
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
            p->setup_due = true;  /* frozen: it gives up when it runs again */
            return;
        }
        connect_failed(w, x, y, "setup_timeout");
    }
}

void dist__resume_timers(world *w, int x)
{
    /* DETERMINISM: in node order */
    for (int y = 0; y < w->n; y++) {
        peer *p = pr_find(w, x, y);
        if (p && p->setup_due) {
            p->setup_due = false;
            if (p->st == C_PENDING)
                connect_failed(w, x, y, "setup_timeout");
        }
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
    dist_node *d = dn(w, x);
    d->up[d->nup++] = y;
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
        dist__xmit(w, x, y, q[i]);
    }
    free(q);
    dist__tell_waiters(w, p, true);
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
        dist__teardown(w, b, a, "connection_closed", false);
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

void dist__deliver_now(world *w, int x, int y, packet *pk);

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
    dist__deliver_now(w, to, from, pk);
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


void dist__deliver_now(world *w, int x, int y, packet *pk)
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
            dist__teardown(w, x, y, "connection_closed", false);
        break;
    default:
        if (p->st != C_UP || p->id != pk->conn)
            break;  /* from a connection that is gone */
        dist__arrival(w, x, y);
        dist__deliver_conn_packet(w, x, y, pk);
    }
    pk_free(pk);
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
        dist__disarm(w, p);
        peer_clear_pending(p);
        p->st = C_NONE;
        p->ever_up = false;
        free(p->cookie);
        p->cookie = NULL;
        p->wmask = 0;
        p->wbase = 0;
    }
    d->nup = 0;
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
