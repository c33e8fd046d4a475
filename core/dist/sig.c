/* sig: the signals that cross a connection (messages, exits, links,
 * monitors, remote spawn, rpc, ping), what each means when no connection
 * could carry it or the connection goes down (noconnection), and the
 * calls in flight that a lost connection answers with {badrpc,
 * nodedown}. The order of signals between two processes is the
 * connection's (FIFO per flow, net_model/net.h). These are rt's remote
 * signals (dist__remote); packets go out through conn.c's dist__send*. */
#include "core/dist/dist_int.h"

#include <stdio.h>
#include <string.h>

/* A ping or rpc:call waiting for its answer from `peer`. */
typedef struct rpc_wait {
    term_pid caller;
    term *ref;
    int peer;
} rpc_wait;

struct sig_node {
    rpc_wait *rpcs;
    uint32_t nrpcs, caprpcs;
};

static sig_node *sn(const world *w, int k) { return &w->dist->sig[k]; }

void dist__sig_init(world *w)
{
    w->dist->sig = xcalloc((size_t)w->n, sizeof *w->dist->sig);
}

void dist__sig_halted(world *w, int x)
{
    sig_node *d = sn(w, x);
    for (uint32_t i = 0; i < d->nrpcs; i++)
        term_unref(d->rpcs[i].ref);
    d->nrpcs = 0;
}

void dist__sig_fini(world *w)
{
    for (int k = 0; k < w->n; k++) {
        dist__sig_halted(w, k);
        free(sn(w, k)->rpcs);
    }
    free(w->dist->sig);
}

/* ---- signals across a connection ---- */

/* The call with reference ref that x waits on is answered: it no longer
 * learns nodedown from a teardown. */
static void forget_rpc(world *w, int x, const term *ref)
{
    sig_node *d = sn(w, x);
    for (uint32_t i = 0; i < d->nrpcs; i++)
        if (term_equal(d->rpcs[i].ref, ref)) {
            term_unref(d->rpcs[i].ref);
            d->rpcs[i] = d->rpcs[--d->nrpcs];
            return;
        }
}

void dist__sig_arrived(world *w, int x, int y, packet *pk)
{
    switch (pk->kind) {
    case PK_MSG: {
        proc *p = rt_find(w, pk->to);
        term *tp = term_pid_new(pk->to);
        char *ts = rt_str(w, x, tp);
        char *ms = rt_str(w, x, pk->msg);
        term_unref(tp);
        if (p) {
            rt_emit_msg(w, x, "deliver", w->nodes[y].name, ts, ms, NULL, pk->msg_id);
            rt_deliver(w, p, pk->msg);
        } else {
            rt_emit_msg(w, x, "drop", w->nodes[y].name, ts, ms, "noproc", pk->msg_id);
        }
        free(ts);
        free(ms);
        break;
    }
    case PK_MSG_NAMED: {
        /* {Name, Node} ! Msg to an unregistered name: silently dropped
         * (observed with erl 25). */
        proc *p = rt_whereis(w, x, pk->name);
        char *ms = rt_str(w, x, pk->msg);
        if (p) {
            rt_emit_msg(w, x, "deliver", w->nodes[y].name, atom_text(pk->name),
                        ms, NULL, pk->msg_id);
            rt_deliver(w, p, pk->msg);
        } else {
            rt_emit_msg(w, x, "drop", w->nodes[y].name, atom_text(pk->name),
                        ms, "noproc", pk->msg_id);
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
            e->from = pk->to;
            e->to = pk->from;
            e->reason = term_atom_s("noproc");
            e->flag = true;
            dist__send_up(w, x, y, e);
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
            d->to = pk->from;
            d->ref = term_ref(pk->ref);
            d->extra = term_ref(pk->extra);
            d->reason = term_atom_s("noproc");
            dist__send_up(w, x, y, d);
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
        dist__spawn_arrived(w, x, y, pk->from, pk->ref, pk->msg);
        break;
    case PK_SPAWN_REPLY:
    case PK_PONG:
    case PK_RPC_REPLY: {
        proc *p = rt_find(w, pk->to);
        if (pk->kind == PK_PONG && p && !term_is_atom(pk->msg, atom_intern("yes"))) {
            /* net_adm:ping/1: a call that did not answer yes gives pang
             * after erlang:disconnect_node(Node). The wait is taken off
             * first, so that the teardown does not answer it too. */
            forget_rpc(w, x, pk->ref);
            dist_disconnect(w, x, y, "disconnect");
            p = rt_find(w, pk->to);
        }
        if (pk->kind == PK_RPC_REPLY && dist__abandoned(w, pk->ref))
            p = NULL;   /* the call timed out: rpc:call/5 drops it */
        if (p && pk->flag)  /* spawn_monitor: see dist__reply */
            rt_monitor_add(p, pk->ref, pk->msg->u.pid, pk->msg, true);
        if (p) {
            const char *tag = pk->kind == PK_SPAWN_REPLY ? "$spawn_reply"
                            : pk->kind == PK_PONG ? "$pong" : "$rpc_reply";
            term *m = term_tuplev(3, term_atom_s(tag), term_ref(pk->ref),
                                  term_ref(pk->msg));
            rt_deliver(w, p, m);
            term_unref(m);
        }
        if (pk->kind != PK_SPAWN_REPLY)
            forget_rpc(w, x, pk->ref);
        break;
    }
    case PK_PING: {
        /* gen:call({net_kernel, Node}, {is_auth, _}): net_kernel answers
         * yes (handle_call({is_auth, _}, ...)); with no net_kernel
         * registered the call's monitor says noproc */
        packet *r = pk_new(PK_PONG, x);
        r->to = pk->from;
        r->ref = term_ref(pk->ref);
        r->msg = term_atom_s(rt_whereis(w, x, atom_intern("net_kernel")) ? "yes"
                                                                          : "noproc");
        dist__send_up(w, x, y, r);
        break;
    }
    case PK_RPC_REQ:
        dist__rpc_arrived(w, x, y, pk->from, pk->ref, pk->msg);
        break;
    case PK_APP:
        pk->app(w, x, y, pk->msg);
        break;
    default:
        break;
    }
}

static int node_of(const world *w, term_pid pid)
{
    return rt_node_index(w, pid.node);
}

static void send_msg(world *w, int from_node, term_pid to, term *msg)
{
    int y = node_of(w, to);
    char *ms = rt_str(w, from_node, msg);
    term *tp = term_pid_new(to);
    char *ts = rt_str(w, from_node, tp);
    term_unref(tp);
    if (y < 0) {
        rt_emit_msg(w, from_node, "drop", NULL, ts, ms, "nonode", rt_msg_id(w));
    } else {
        uint64_t id = rt_msg_id(w);
        rt_emit_msg(w, from_node, "send", w->nodes[y].name, ts, ms, NULL, id);
        packet *pk = pk_new(PK_MSG, from_node);
        pk->msg_id = id;
        pk->to = to;
        pk->msg = term_ref(msg);
        dist__send(w, from_node, y, pk, false);
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
        rt_emit_msg(w, from_node, "drop", NULL, atom_text(name), ms, "nonode",
                    rt_msg_id(w));
        free(ms);
        return;
    }
    uint64_t id = rt_msg_id(w);
    rt_emit_msg(w, from_node, "send", w->nodes[to_node].name, atom_text(name),
                ms, NULL, id);
    free(ms);
    packet *pk = pk_new(PK_MSG_NAMED, from_node);
    pk->msg_id = id;
    pk->name = name;
    pk->msg = term_ref(msg);
    dist__send(w, from_node, to_node, pk, false);
}

static void send_exit(world *w, term_pid from, term_pid to, term *reason,
                      bool linked)
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
    if (linked)
        dist__send_up(w, x, y, pk);
    else
        dist__send(w, x, y, pk, false);
}

static void send_link(world *w, term_pid from, term_pid to)
{
    int x = node_of(w, from), y = node_of(w, to);
    packet *pk = pk_new(PK_LINK, x);
    pk->from = from;
    pk->to = to;
    if (y < 0) {
        dist__sig_failed(w, x, y, pk);
        pk_free(pk);
        return;
    }
    dist__send(w, x, y, pk, false);
}

static void send_unlink(world *w, term_pid from, term_pid to)
{
    int x = node_of(w, from), y = node_of(w, to);
    if (y < 0)
        return;
    packet *pk = pk_new(PK_UNLINK, x);
    pk->from = from;
    pk->to = to;
    dist__send_up(w, x, y, pk);
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
        /* a node that does not exist: noconnection at once (erl 25) */
        dist__sig_failed(w, x, to_node, pk);
        pk_free(pk);
        return;
    }
    dist__send(w, x, to_node, pk, false);
}

static void send_demonitor(world *w, term_pid from, term_pid to, term *ref)
{
    int x = node_of(w, from), y = node_of(w, to);
    if (y < 0)
        return;
    packet *pk = pk_new(PK_DEMONITOR, x);
    pk->from = from;
    pk->to = to;
    pk->ref = term_ref(ref);
    dist__send_up(w, x, y, pk);
}

static void send_down(world *w, term_pid dead, term_pid watcher, term *ref,
                      term *object, term *reason)
{
    int x = node_of(w, dead), y = node_of(w, watcher);
    if (y < 0)
        return;
    packet *pk = pk_new(PK_DOWN, x);
    pk->from = dead;
    pk->to = watcher;
    pk->ref = term_ref(ref);
    pk->extra = term_ref(object);
    pk->reason = term_ref(reason);
    dist__send_up(w, x, y, pk);
}

void dist_send_app(world *w, int x, int y, dist_app_fn fn, term *msg)
{
    packet *pk = pk_new(PK_APP, x);
    pk->app = fn;
    pk->msg = term_ref(msg);
    dist__send_up(w, x, y, pk);
}

/* A request that needs an answer from y: sent with auto-connect; the
 * caller gets {'$dist_failed', Ref, Node} if no connection comes. */
void dist__request(world *w, int x, int y, dist_req kind, term_pid from,
                   term *ref, term *msg, bool explicit_connect)
{
    pk_kind k = kind == DIST_REQ_SPAWN ? PK_SPAWN_REQ
              : kind == DIST_REQ_PING ? PK_PING : PK_RPC_REQ;
    packet *pk = pk_new(k, x);
    pk->from = from;
    pk->ref = term_ref(ref);
    pk->msg = term_ref(msg);
    if (k == PK_RPC_REQ || k == PK_PING) {
        /* answered by {badrpc, nodedown} if the connection goes down */
        sig_node *d = sn(w, x);
        if (d->nrpcs == d->caprpcs) {
            d->caprpcs = d->caprpcs ? 2 * d->caprpcs : 4;
            d->rpcs = xrealloc(d->rpcs, d->caprpcs * sizeof *d->rpcs);
        }
        d->rpcs[d->nrpcs].caller = from;
        d->rpcs[d->nrpcs].ref = term_ref(ref);
        d->rpcs[d->nrpcs++].peer = y;
    }
    if (y < 0) {
        dist__sig_failed(w, x, y, pk);
        pk_free(pk);
        return;
    }
    dist__send(w, x, y, pk, explicit_connect);
}

void dist__reply(world *w, int y, int x, dist_req kind, term_pid to,
                 term *ref, term *result, bool with_monitor)
{
    pk_kind k = kind == DIST_REQ_SPAWN ? PK_SPAWN_REPLY : PK_RPC_REPLY;
    packet *pk = pk_new(k, y);
    pk->to = to;
    pk->ref = term_ref(ref);
    pk->msg = term_ref(result);
    pk->flag = with_monitor;
    /* if it is down, the caller learns nodedown from the connection */
    dist__send_up(w, y, x, pk);
}

/* ---- when the connection is missing or lost ---- */

/* Every link and monitor between x's processes and y's fires with
 * noconnection (observed with erl 25), in pid order; then the calls waiting
 * on y. It runs before the nodedown messages (dist__teardown). */
void dist__sig_noconnection(world *w, int x, int y)
{
    vnode *nd = &w->nodes[x];
    atom_t ya = w->nodes[y].atom;
    term *nc = term_atom_s("noconnection");
    for (uint32_t i = 0; i < nd->nprocs; i++) {
        proc *p = nd->procs[i];
        if (!p)
            continue;
        term_pid me = p->pid;
        /* rt_find first: an exit or a DOWN below may end p. The links
         * first, then the monitors, as erts sends them (erl 25: a
         * process with both gets the 'EXIT' first). */
        for (uint32_t k = 0; rt_find(w, me) && k < p->nlinks;) {
            if (p->links[k].node != ya) {
                k++;
                continue;
            }
            term_pid o = p->links[k];
            rt_exit_arrived(w, p, o, nc, true);
        }
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
    }
    term_unref(nc);
    /* Calls in flight to y learn it at once. */
    sig_node *d = sn(w, x);
    for (uint32_t i = 0; i < d->nrpcs;) {
        rpc_wait r = d->rpcs[i];
        if (r.peer != y) {
            i++;
            continue;
        }
        memmove(d->rpcs + i, d->rpcs + i + 1, (d->nrpcs - i - 1) * sizeof *d->rpcs);
        d->nrpcs--;
        proc *p = dist__abandoned(w, r.ref) ? NULL : rt_find(w, r.caller);
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

void dist__sig_failed(world *w, int x, int y, packet *pk)
{
    term *nc = term_atom_s("noconnection");
    switch (pk->kind) {
    case PK_LINK: {
        /* the linker gets noconnection (observed with erl 25) */
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
        rt_emit_msg(w, x, "drop", w->nodes[y].name, NULL, ms, "noconnection",
                    pk->msg_id);
        free(ms);
        break;
    }
    default:
        break;
    }
    term_unref(nc);
}

const rt_remote dist__remote = {
    send_msg, dist_send_named, send_exit, send_link, send_unlink,
    dist_monitor, send_demonitor, send_down, dist__spawn,
};
