/* dist_sig: the signals that cross a connection (messages, exits,
 * links, monitors, remote spawn, rpc, ping), sending with the automatic
 * connection dist_auto_connect allows, and what nodes() and friends
 * report. The order of signals between two processes is the connection's
 * (FIFO per flow, net_model/net.h). */
#include "core/dist/dist_int.h"

#include <stdio.h>
#include <string.h>

/* ---- signals across a connection ---- */

void dist__deliver_conn_packet(world *w, int x, int y, packet *pk)
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
            dist__xmit(w, x, y, e);
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
            dist__xmit(w, x, y, d);
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
        dist__xmit(w, x, y, r);
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
        dist__xmit(w, x, y, pk);
        return;
    }
    world_autoconnect ac = w->nodes[x].cfg.autoconnect;
    bool may = explicit_connect || ac == WORLD_AUTOCONNECT_ALWAYS ||
               (ac == WORLD_AUTOCONNECT_ONCE && !p->ever_up);
    if (!may) {
        dist__queued_failed(w, x, y, pk);
        pk_free(pk);
        return;
    }
    if (p->nqueue == p->capqueue) {
        p->capqueue = p->capqueue ? 2 * p->capqueue : 4;
        p->queue = xrealloc(p->queue, p->capqueue * sizeof *p->queue);
    }
    p->queue[p->nqueue++] = pk;
    dist__start_connect(w, x, y);
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
        dist__queued_failed(w, x, y, pk);
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
        dist__queued_failed(w, x, to_node, pk);
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
    dist__xmit(w, x, y, pk);
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
        dist__queued_failed(w, x, y, pk);
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
    dist__xmit(w, x, y, pk);
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
    dist__xmit(w, y, x, pk);
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
        dist__tell_waiters(w, p, false);
        return;
    }
    dist__start_connect(w, x, y);
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

/* Up connections of x matching `mode` (0 visible, 1 hidden, 2 both), in
 * connection order (otp_facts.md 5: not sorted). */
static int up_list(const world *w, int x, int mode, int *out)
{
    const dist_node *d = w->nodes[x].dn;
    int n = 0;
    for (int i = 0; i < d->nup; i++) {
        const peer *p = pr_find(w, x, d->up[i]);
        if ((mode == 0 && p->hidden) || (mode == 1 && !p->hidden))
            continue;
        out[n++] = d->up[i];
    }
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
        dist__start_connect(w, x, y);
}

void dist_disconnect(world *w, int x, int y, const char *reason)
{
    dist__teardown(w, x, y, reason, true);
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
