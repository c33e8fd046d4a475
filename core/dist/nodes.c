/* nodes: who hears that a connection came up or went down, and the node
 * lists of nodes(): net_kernel's monitor_nodes subscribers (their
 * {nodeup, Node, Info} / {nodedown, Node, Info} messages) and the hooks
 * of the layers above (global's, dist_add_hooks).
 *
 * Order, which the traces keep: on nodeup the subscribers hear it before
 * the hooks; on nodedown the node monitors first, then the hooks, then
 * the monitor_nodes subscribers. The node lists read the connection
 * table through dist__conn_*. */
#include "core/dist/dist_int.h"

#include <string.h>

typedef struct subscriber {
    term_pid pid;
    bool reason;
    int type;              /* 0 visible, 1 hidden, 2 all */
    bool type_given;
    int watch;             /* erlang:monitor_node's node, -1: monitor_nodes */
} subscriber;

struct sub_list {
    subscriber *subs;      /* in subscription order */
    uint32_t nsubs, capsubs;
};

void dist__nodes_init(world *w)
{
    w->dist->subs = xcalloc((size_t)w->n, sizeof *w->dist->subs);
}

void dist__nodes_fini(world *w)
{
    for (int k = 0; k < w->n; k++)
        free(w->dist->subs[k].subs);
    free(w->dist->subs);
    free(w->dist->hooks);
}

void dist_add_hooks(world *w, const dist_hooks *h)
{
    dist_world *dw = w->dist;
    dw->hooks = xrealloc(dw->hooks, (size_t)(dw->nhooks + 1) * sizeof *dw->hooks);
    dw->hooks[dw->nhooks++] = *h;
}

/* ---- nodeup, nodedown ---- */

/* Tells x's subscribers that y came up or went down: the node monitors
 * of erlang:monitor_node/2 (node_monitors) or else net_kernel's
 * monitor_nodes subscribers; subscribers that died
 * meanwhile are dropped. */
static void notify_subscribers(world *w, int x, int y, bool up,
                               const char *reason, bool hidden,
                               bool node_monitors)
{
    sub_list *d = &w->dist->subs[x];
    for (uint32_t i = 0; i < d->nsubs;) {
        subscriber *s = &d->subs[i];
        proc *p = rt_find(w, s->pid);
        if (!p) {
            memmove(d->subs + i, d->subs + i + 1, (d->nsubs - i - 1) * sizeof *d->subs);
            d->nsubs--;
            continue;
        }
        if ((s->watch >= 0) != node_monitors) {
            i++;
            continue;
        }
        if (s->watch >= 0) {
            /* erlang:monitor_node/2: one {nodedown, Node}, then it is gone */
            if (up || s->watch != y) {
                i++;
                continue;
            }
            term *m = term_tuplev(2, term_atom_s("nodedown"), node_atom(w, y));
            memmove(d->subs + i, d->subs + i + 1, (d->nsubs - i - 1) * sizeof *d->subs);
            d->nsubs--;
            rt_deliver(w, p, m);
            term_unref(m);
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
             * (observed with erl 25). */
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

/* Every nodeup or nodedown hook of the world (dist_add_hooks). */
static void tell_hooks(world *w, int x, int y, bool up, bool hidden)
{
    dist_world *dw = w->dist;
    for (int i = 0; i < dw->nhooks; i++) {
        void (*fn)(world *, int, int, bool) =
            up ? dw->hooks[i].nodeup : dw->hooks[i].nodedown;
        if (fn)
            fn(w, x, y, hidden);
    }
}

void dist__nodes_connect_failed(world *w, int x, int y)
{
    dist_world *dw = w->dist;
    for (int i = 0; i < dw->nhooks; i++)
        if (dw->hooks[i].connect_failed)
            dw->hooks[i].connect_failed(w, x, y);
}

void dist__nodes_up(world *w, int x, int y, bool hidden)
{
    notify_subscribers(w, x, y, true, NULL, hidden, false);
    tell_hooks(w, x, y, true, hidden);
}

void dist__nodes_down(world *w, int x, int y, const char *reason, bool hidden)
{
    /* erts sends the node monitors' {nodedown, Node} itself, with the
     * links' and monitors' signals (dist__sig_noconnection, which runs
     * first); the monitor_nodes messages come from net_kernel, once it
     * has handled the connection's exit (net_kernel:nodedown/4), so they
     * come last: global hears it as a subscriber, then the others
     * (observed with erl 25). A simplification: erts mixes a process's node
     * monitors with its process monitors in the order they were made
     * (erl 25), while here they all come after the 'DOWN's. */
    notify_subscribers(w, x, y, false, reason, hidden, true);
    tell_hooks(w, x, y, false, hidden);
    notify_subscribers(w, x, y, false, reason, hidden, false);
}

/* net_kernel:monitor_nodes/2: on adds one subscription (two calls give
 * two messages per event); off removes every subscription of pid with
 * these options at once, and is ok when there is none (net_kernel.erl
 * handle_call({monitor_nodes, false, ...}) deletes them all; checked
 * with erl 25). */
void dist__monitor_nodes(world *w, int x, term_pid pid, bool on, bool reason,
                         int type, bool type_given)
{
    sub_list *d = &w->dist->subs[x];
    if (on) {
        if (d->nsubs == d->capsubs) {
            d->capsubs = d->capsubs ? 2 * d->capsubs : 4;
            d->subs = xrealloc(d->subs, d->capsubs * sizeof *d->subs);
        }
        subscriber s = {pid, reason, type, type_given, -1};
        d->subs[d->nsubs++] = s;
        return;
    }
    uint32_t keep = 0;
    for (uint32_t i = 0; i < d->nsubs; i++) {
        subscriber *s = &d->subs[i];
        if (!(s->watch < 0 && s->pid.number == pid.number &&
              s->pid.creation == pid.creation && s->reason == reason &&
              s->type == type && s->type_given == type_given))
            d->subs[keep++] = *s;
    }
    d->nsubs = keep;
}

void dist__monitor_node(world *w, int x, term_pid pid, int y, bool on)
{
    sub_list *d = &w->dist->subs[x];
    if (on) {
        if (d->nsubs == d->capsubs) {
            d->capsubs = d->capsubs ? 2 * d->capsubs : 4;
            d->subs = xrealloc(d->subs, d->capsubs * sizeof *d->subs);
        }
        subscriber s = {pid, false, 2, false, y};
        d->subs[d->nsubs++] = s;
        return;
    }
    for (uint32_t i = 0; i < d->nsubs; i++) {
        subscriber *s = &d->subs[i];
        if (s->watch == y && s->pid.number == pid.number &&
            s->pid.creation == pid.creation) {
            memmove(d->subs + i, d->subs + i + 1, (d->nsubs - i - 1) * sizeof *d->subs);
            d->nsubs--;
            return;
        }
    }
}

void dist__nodes_halted(world *w, int x)
{
    w->dist->subs[x].nsubs = 0;
}

/* ---- nodes() ---- */

int dist_visible(const world *w, int x, int *out)
{
    return dist__conn_up_list(w, x, 0, out);
}

term *dist__nodes(world *w, int x, const char *which)
{
    int *ks = xcalloc((size_t)w->n + 1, sizeof *ks);
    int n = 0;
    if (!strcmp(which, "this")) {
        ks[n++] = x;
    } else if (!strcmp(which, "known")) {
        ks[n++] = x;
        for (int k = 0; k < w->n; k++)
            if (dist__conn_known(w, x, k))
                ks[n++] = k;
    } else {
        int mode = !strcmp(which, "visible") ? 0 : !strcmp(which, "hidden") ? 1 : 2;
        n = dist__conn_up_list(w, x, mode, ks);
    }
    term *l = term_nil();
    for (int i = n; i-- > 0;)
        l = term_cons(node_atom(w, ks[i]), l);
    free(ks);
    return l;
}
