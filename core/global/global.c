/* global: OTP's global name registry on the virtual nodes, and the
 * transitive mesh it builds (connect_all).
 *
 * Each node keeps its own replica of the name table. As in global.erl:
 * - register_name/unregister_name take the cluster lock ({global, ...},
 *   global:trans/set_lock) on every visible node, apply the change
 *   everywhere, wait for every node to acknowledge, then release the
 *   lock: the name is visible on all connected visible nodes when the
 *   call returns (otp_facts.md 17), and the call waits while a peer does
 *   not answer until that peer is declared down. A refused lock releases
 *   what it got and retries after a random back-off (global's
 *   random_sleep), so two concurrent registrations of one name give
 *   exactly one `yes`.
 * - on nodeup between two visible nodes, after global's locker delay
 *   (200 ms when the node knew nobody, else min(1000 + 100 * known,
 *   3000) ms; the earlier side's timer runs the exchange), the two sides
 *   exchange their node lists (each connects to the nodes it lacks: the
 *   transitive mesh, otp_facts.md 4) and their name tables; a name bound
 *   to different pids is resolved on the node whose name sorts lower, by
 *   its entry's resolve method (global:exchange_names/4, resolve_it/4):
 *   random_exit_name keeps the pid on the node whose name sorts lower
 *   and kills the other (otp_facts.md 19), random_notify_name keeps the
 *   same one and tells the loser, notify_all_name unregisters and tells
 *   both, clustersim:none_name/3 stands for a resolver returning none.
 * - names go when their process dies (every node learns it through its
 *   connection) and when the owner's node goes down (otp_facts.md 18).
 * - prevent_overlapping_partitions: a node that loses a connection tells
 *   its other visible nodes, which pass it on; each of them still
 *   connected to the lost node asks it to disconnect them (otp_facts.md
 *   20; global.erl's lost_connection / remove_connection). Disconnects
 *   made on such a request are expected on both ends and tell no one.
 * Hidden connections are invisible to global. */
#include "core/global/global.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/dist/dist.h"
#include "core/rt/bif.h"
#include "core/term/xalloc.h"

static atom_t A(const char *s) { return atom_intern(s); }

typedef struct gname {
    atom_t name;
    term_pid pid;
    atom_t method;
} gname;

typedef enum greq_kind { GR_REGISTER, GR_UNREGISTER, GR_REREGISTER } greq_kind;

typedef struct greq {
    greq_kind kind;
    atom_t name;
    term_pid pid;
    atom_t method;
    uint64_t id;
    term_pid caller;
    term *ref;
    int phase;            /* 0 locking, 1 updating */
    bool *pending;        /* by node: an answer is awaited */
    int npending;
    bool *asked;          /* nodes in this round */
    bool denied;
    int tries;
    bool result;
    sim_timer retry;
} greq;

typedef struct lost_entry {
    uint64_t key, op;
} lost_entry;

typedef struct glob_node {
    gname *names;
    uint32_t n, cap;
    bool locked;
    uint64_t lock_id;
    int lock_node;
    greq *req;
    sim_timer *sync;      /* per peer: the locker's exchange timer */
    bool *sync_sent;      /* per peer: our exchange is under way */
    bool *sync_due;       /* per peer: the timer fired while we were frozen */
    bool retry_due;       /* the lock retry fell due while we were frozen */
    bool *expect_down;    /* per peer: a disconnect global asked for */
    uint64_t next_id;
    uint64_t lost_op;     /* our lost_connection reports, counted */
    /* lost_connection reports handled: "a lost b" up to op, in an
     * open-addressing table keyed by (a, b) (only ever probed) */
    lost_entry *lost_seen;    /* key 0: empty */
    uint32_t nlost, caplost;  /* caplost: a power of two, or 0 */
} glob_node;

struct glob_world {
    glob_node *node;      /* by node */
};

static glob_node *gn(const world *w, int k) { return &w->glob->node[k]; }

static void node_init(world *w, int k)
{
    glob_node *g = gn(w, k);
    g->sync = xcalloc((size_t)w->n, sizeof *g->sync);
    g->sync_sent = xcalloc((size_t)w->n, sizeof *g->sync_sent);
    g->sync_due = xcalloc((size_t)w->n, sizeof *g->sync_due);
    g->expect_down = xcalloc((size_t)w->n, sizeof *g->expect_down);
}

static void req_free(greq *r)
{
    if (!r)
        return;
    term_unref(r->ref);
    free(r->pending);
    free(r->asked);
    free(r);
}

static void on_fini(world *w)
{
    for (int k = 0; k < w->n; k++) {
        glob_node *g = gn(w, k);
        req_free(g->req);
        free(g->names);
        free(g->sync);
        free(g->sync_sent);
        free(g->sync_due);
        free(g->expect_down);
        free(g->lost_seen);
    }
    free(w->glob->node);
    free(w->glob);
    w->glob = NULL;
}

/* ---- the table (sorted by name text: registered_names/0 order) ---- */

static int find_pos(const glob_node *g, atom_t name, bool *found)
{
    return (int)atom_search(g->names, g->n, sizeof *g->names, name, found);
}

static gname *lookup(const glob_node *g, atom_t name)
{
    bool found;
    int i = find_pos(g, name, &found);
    return found ? &g->names[i] : NULL;
}

static bool same_pid(term_pid a, term_pid b)
{
    return a.node == b.node && a.number == b.number && a.creation == b.creation;
}

static void emit_name(world *w, int k, const char *kind, atom_t name,
                      term_pid pid, const char *reason)
{
    term *p = term_pid_new(pid);
    char *ps = rt_str(w, k, p);
    term_unref(p);
    rt_emit(w, k, kind, NULL, ps, NULL, atom_text(name), NULL, reason, NULL);
    free(ps);
}

static void put_name(world *w, int k, atom_t name, term_pid pid, atom_t method)
{
    glob_node *g = gn(w, k);
    bool found;
    int i = find_pos(g, name, &found);
    if (found) {
        g->names[i].pid = pid;
        g->names[i].method = method;
    } else {
        if (g->n == g->cap) {
            g->cap = g->cap ? 2 * g->cap : 8;
            g->names = xrealloc(g->names, g->cap * sizeof *g->names);
        }
        memmove(g->names + i + 1, g->names + i, (g->n - (uint32_t)i) * sizeof *g->names);
        g->names[i].name = name;
        g->names[i].pid = pid;
        g->names[i].method = method;
        g->n++;
    }
    emit_name(w, k, "global_register", name, pid, NULL);
}

static void del_name(world *w, int k, atom_t name, const char *why)
{
    glob_node *g = gn(w, k);
    bool found;
    int i = find_pos(g, name, &found);
    if (!found)
        return;
    term_pid pid = g->names[i].pid;
    memmove(g->names + i, g->names + i + 1, (g->n - (uint32_t)i - 1) * sizeof *g->names);
    g->n--;
    emit_name(w, k, "global_unregister", name, pid, why);
}

const term_pid *glob_whereis(const world *w, int x, atom_t name)
{
    const gname *e = lookup(gn(w, x), name);
    return e ? &e->pid : NULL;
}

/* ---- messages between global servers ---- */

static void glob_recv(world *w, int to, int from, term *msg);

static void send_to(world *w, int x, int y, term *msg)
{
    dist_send_app(w, x, y, glob_recv, msg);
}

/* The visible peers global talks to (hidden connections excluded). */
static int visible(const world *w, int x, int *out)
{
    return dist_visible(w, x, out);
}

static term *names_term(world *w, int k)
{
    glob_node *g = gn(w, k);
    term *l = term_nil();
    for (uint32_t i = g->n; i-- > 0;)
        l = term_cons(term_tuplev(3, term_atom(g->names[i].name),
                                  term_pid_new(g->names[i].pid),
                                  term_atom(g->names[i].method)), l);
    return l;
}

static term *nodes_term(world *w, int k)
{
    int *ks = xcalloc((size_t)w->n + 1, sizeof *ks);
    int n = visible(w, k, ks);
    term *l = term_nil();
    for (int i = n; i-- > 0;)
        l = term_cons(term_atom(w->nodes[ks[i]].atom), l);
    free(ks);
    return l;
}

static term *tag3(const char *tag, term *a, term *b)
{
    return term_tuplev(3, term_atom_s(tag), a, b);
}

/* ---- the exchange on nodeup ---- */

static void on_sync_timer(sim *s, void *ctx, uint64_t arg);

static void on_nodeup(world *w, int x, int y, bool hidden)
{
    const world_node_cfg *cx = &w->nodes[x].cfg, *cy = &w->nodes[y].cfg;
    if (hidden || !cx->connect_all || !cy->connect_all)
        return;
    /* global's locker: 200 ms when this node knew nobody, else
     * min(1000 + 100 * known, 3000) ms (otp_facts.md 4). */
    int *ks = xcalloc((size_t)w->n + 1, sizeof *ks);
    int known = visible(w, x, ks) - 1;
    free(ks);
    int64_t delay = known <= 0 ? 200000
                  : (1000 + 100 * known < 3000 ? 1000 + 100 * known : 3000) * 1000LL;
    glob_node *g = gn(w, x);
    sim_cancel(w->s, g->sync[y]);
    g->sync_sent[y] = false;
    g->sync[y] = sim_after(w->s, delay, on_sync_timer, w,
                           ((uint64_t)(uint32_t)x << 32) | (uint32_t)y);
}

static void connect_missing(world *w, int x, const term *nodes)
{
    if (!w->nodes[x].cfg.connect_all)
        return;
    for (const term *l = nodes; l->tag == T_CONS; l = l->u.cons.tail) {
        int k = rt_node_index(w, l->u.cons.head->u.atom);
        if (k >= 0 && k != x && !dist_connected(w, x, k))
            dist_connect(w, x, k);
    }
}

/* The exchange always runs into the node whose name sorts lower, which
 * resolves the clashes: global:exchange_names/4 calls the resolve
 * functions "from the smaller node", so all of them run in the same
 * partition. The larger node sends its table; the smaller one asks it
 * to (sync_req) when its own timer fires first. */
static void send_sync(world *w, int x, int y)
{
    glob_node *g = gn(w, x);
    if (g->sync_sent[y])
        return;
    g->sync_sent[y] = true;
    term *m;
    if (strcmp(w->nodes[x].name, w->nodes[y].name) > 0)
        m = tag3("sync", nodes_term(w, x), names_term(w, x));
    else
        m = term_tuplev(1, term_atom_s("sync_req"));
    send_to(w, x, y, m);
    term_unref(m);
}

static void on_sync_timer(sim *s, void *ctx, uint64_t arg)
{
    (void)s;
    world *w = ctx;
    int x = (int)(arg >> 32), y = (int)(uint32_t)arg;
    gn(w, x)->sync[y] = (sim_timer){0, 0};
    if (w->nodes[x].state == NODE_FROZEN) {
        gn(w, x)->sync_due[y] = true;  /* a stopped node's timers fire late */
        return;
    }
    if (!dist_connected(w, x, y) || w->nodes[x].state != NODE_UP)
        return;
    send_sync(w, x, y);
}

static bool pid_alive_or_remote(world *w, int k, term_pid pid)
{
    return rt_node_index(w, pid.node) != k || rt_find(w, pid) != NULL;
}

/* Resolves a clash on node k: `mine` is k's entry, `theirs` the other
 * side's pid. Returns the winner's pid (has_winner false: the name goes). */
static bool resolve_clash(world *w, int k, const gname *mine, term_pid theirs,
                          term_pid *winner)
{
    term_pid a = mine->pid, b = theirs;
    /* the pid on the node whose name sorts lower survives (OTP 25's
     * "random" resolvers are not random: otp_facts.md 19) */
    bool a_wins = strcmp(atom_text(a.node), atom_text(b.node)) <= 0;
    term_pid win = a_wins ? a : b, lose = a_wins ? b : a;
    atom_t method = mine->method, name = mine->name;
    term *wp = term_pid_new(win), *lp = term_pid_new(lose);
    char *ws = rt_str(w, k, wp), *ls = rt_str(w, k, lp);
    bool keep = true;
    if (method == A("random_notify_name")) {
        term *m = term_tuplev(2, term_atom_s("global_name_conflict"), term_atom(name));
        rt_send(w, k, NULL, lose, m);
        term_unref(m);
    } else if (method == A("notify_all_name")) {
        term *m1 = term_tuplev(3, term_atom_s("global_name_conflict"), term_atom(name), term_ref(lp));
        term *m2 = term_tuplev(3, term_atom_s("global_name_conflict"), term_atom(name), term_ref(wp));
        rt_send(w, k, NULL, win, m1);
        rt_send(w, k, NULL, lose, m2);
        term_unref(m1);
        term_unref(m2);
        keep = false;
    } else if (method == A("none_name")) {
        keep = false;
    } else {
        /* random_exit_name: exit(Loser, kill), logged at INFO only */
        /* resolve_it runs on the node of the resolving side's pid */
        int at = rt_node_index(w, a.node);
        if (at < 0 || w->nodes[at].state != NODE_UP)
            at = k;
        term *lp2 = term_pid_new(lose);
        char *ls2 = rt_str(w, at, lp2);
        term_unref(lp2);
        char text[512];
        snprintf(text, sizeof text, "global: Name conflict terminating {%s,%s}",
                 atom_text(name), ls2);
        free(ls2);
        rt_log(w, at, "info", text);
        proc *srv = dist_rex(w, k);
        term *kill = term_atom_s("kill");
        if (srv)
            rt_signal_exit(w, srv->pid, lose, kill, false);
        term_unref(kill);
    }
    rt_emit(w, k, "global_conflict", NULL, keep ? ws : NULL, ls, atom_text(name),
            NULL, atom_text(method), NULL);
    free(ws);
    free(ls);
    term_unref(wp);
    term_unref(lp);
    *winner = win;
    return keep;
}

/* Merges the other side's table into k's; clashes are resolved here
 * when `resolve` is true (the receiving side), and recorded in *gone. */
static void merge(world *w, int k, const term *names, bool resolve, term **gone)
{
    for (const term *l = names; l->tag == T_CONS; l = l->u.cons.tail) {
        const term *e = l->u.cons.head;
        atom_t name = e->u.tuple.el[0]->u.atom;
        term_pid pid = e->u.tuple.el[1]->u.pid;
        atom_t method = e->u.tuple.el[2]->u.atom;
        gname *mine = lookup(gn(w, k), name);
        if (!mine) {
            put_name(w, k, name, pid, method);
            continue;
        }
        if (same_pid(mine->pid, pid) || !resolve)
            continue;
        term_pid win;
        gname copy = *mine;
        if (resolve_clash(w, k, &copy, pid, &win)) {
            if (!same_pid(win, copy.pid))
                put_name(w, k, name, win, copy.method);
        } else {
            del_name(w, k, name, "conflict");
            if (gone)
                *gone = term_cons(term_atom(name), *gone);
        }
    }
}

static void on_sync(world *w, int y, int x, term *msg)
{
    glob_node *g = gn(w, y);
    sim_cancel(w->s, g->sync[x]);
    g->sync[x] = (sim_timer){0, 0};
    g->sync_sent[x] = true;
    term *gone = term_nil();
    merge(w, y, msg->u.tuple.el[2], true, &gone);
    term *reply = term_tuplev(4, term_atom_s("sync_reply"), nodes_term(w, y),
                              names_term(w, y), gone);
    send_to(w, y, x, reply);
    term_unref(reply);
    connect_missing(w, y, msg->u.tuple.el[1]);
}

static void on_sync_reply(world *w, int x, int y, term *msg)
{
    (void)y;
    /* The other side resolved the clashes: take its table. */
    for (const term *l = msg->u.tuple.el[3]; l->tag == T_CONS; l = l->u.cons.tail)
        del_name(w, x, l->u.cons.head->u.atom, "conflict");
    for (const term *l = msg->u.tuple.el[2]; l->tag == T_CONS; l = l->u.cons.tail) {
        const term *e = l->u.cons.head;
        atom_t name = e->u.tuple.el[0]->u.atom;
        term_pid pid = e->u.tuple.el[1]->u.pid;
        gname *mine = lookup(gn(w, x), name);
        if (!mine || !same_pid(mine->pid, pid))
            put_name(w, x, name, pid, e->u.tuple.el[2]->u.atom);
    }
    connect_missing(w, x, msg->u.tuple.el[1]);
}

/* ---- registration: lock, update, unlock ---- */

static void reply_caller(world *w, int x, greq *r, term *result)
{
    proc *p = rt_find(w, r->caller);
    if (p) {
        term *m = tag3("$global_reply", term_ref(r->ref), result);
        rt_deliver(w, p, m);
        term_unref(m);
    } else {
        term_unref(result);
    }
    (void)x;
}

static void broadcast(world *w, int x, const bool *to, term *msg)
{
    for (int k = 0; k < w->n; k++)
        if (to[k] && k != x)
            send_to(w, x, k, msg);
}

static void unlock_all(world *w, int x, greq *r)
{
    term *m = term_tuplev(2, term_atom_s("unlock"), term_int((int64_t)r->id));
    broadcast(w, x, r->asked, m);
    term_unref(m);
    glob_node *g = gn(w, x);
    if (g->locked && g->lock_id == r->id)
        g->locked = false;
}

static void start_round(world *w, int x);

static void on_retry(sim *s, void *ctx, uint64_t arg)
{
    (void)s;
    world *w = ctx;
    int x = (int)arg;
    greq *r = gn(w, x)->req;
    if (r) {
        r->retry = (sim_timer){0, 0};
        if (w->nodes[x].state == NODE_FROZEN)
            gn(w, x)->retry_due = true;
        else
            start_round(w, x);
    }
}

static void on_resumed(world *w, int x)
{
    glob_node *g = gn(w, x);
    /* DETERMINISM: timers that fell due during the freeze, in node order */
    for (int y = 0; y < w->n; y++)
        if (g->sync_due[y]) {
            g->sync_due[y] = false;
            if (dist_connected(w, x, y))
                send_sync(w, x, y);
        }
    if (g->retry_due) {
        g->retry_due = false;
        if (g->req)
            start_round(w, x);
    }
}

static void finish(world *w, int x)
{
    glob_node *g = gn(w, x);
    greq *r = g->req;
    unlock_all(w, x, r);
    term *result;
    if (r->kind == GR_UNREGISTER)
        result = term_atom_s("ok");
    else
        result = term_atom_s(r->result ? "yes" : "no");
    g->req = NULL;
    reply_caller(w, x, r, result);
    req_free(r);
}

static void apply_update(world *w, int k, greq_kind kind, atom_t name,
                         term_pid pid, atom_t method)
{
    if (kind == GR_UNREGISTER) {
        del_name(w, k, name, "unregister");
        return;
    }
    put_name(w, k, name, pid, method);
    /* a dead pid's name vanishes at once (otp_facts.md 17) */
    if (!pid_alive_or_remote(w, k, pid))
        del_name(w, k, name, "noproc");
}

static term *update_msg(greq *r)
{
    return term_tuplev(6, term_atom_s("update"), term_int((int64_t)r->id),
                       term_int(r->kind), term_atom(r->name),
                       term_pid_new(r->pid), term_atom(r->method));
}

/* Every lock is held: check and apply the change everywhere. */
static void update_phase(world *w, int x)
{
    glob_node *g = gn(w, x);
    greq *r = g->req;
    r->phase = 1;
    if (r->kind == GR_REGISTER) {
        gname *e = lookup(g, r->name);
        if (e) {
            r->result = false;
            finish(w, x);
            return;
        }
        /* one pid, one name (otp_facts.md 17) */
        for (uint32_t i = 0; i < g->n; i++)
            if (same_pid(g->names[i].pid, r->pid)) {
                term *p = term_pid_new(r->pid);
                char *ps = rt_str(w, x, p);
                term_unref(p);
                char text[512];
                snprintf(text, sizeof text,
                         "global: %s registered under several names: [%s,%s]",
                         ps, atom_text(r->name), atom_text(g->names[i].name));
                free(ps);
                rt_log(w, x, "error", text);
                r->result = false;
                finish(w, x);
                return;
            }
    }
    if (r->kind == GR_UNREGISTER && !lookup(g, r->name)) {
        finish(w, x);
        return;
    }
    r->result = true;
    apply_update(w, x, r->kind, r->name, r->pid, r->method);
    r->npending = 0;
    for (int k = 0; k < w->n; k++) {
        r->pending[k] = r->asked[k] && k != x && dist_connected(w, x, k);
        r->npending += r->pending[k];
    }
    term *m = update_msg(r);
    broadcast(w, x, r->pending, m);
    term_unref(m);
    if (!r->npending)
        finish(w, x);
}

static void start_round(world *w, int x)
{
    glob_node *g = gn(w, x);
    greq *r = g->req;
    r->id = ((uint64_t)x << 40) | ++g->next_id;
    r->phase = 0;
    r->denied = false;
    memset(r->asked, 0, (size_t)w->n * sizeof *r->asked);
    memset(r->pending, 0, (size_t)w->n * sizeof *r->pending);
    r->npending = 0;
    if (g->locked) {
        r->denied = true;
    } else {
        g->locked = true;
        g->lock_id = r->id;
        g->lock_node = x;
    }
    int *ks = xcalloc((size_t)w->n + 1, sizeof *ks);
    int n = visible(w, x, ks);
    for (int i = 0; i < n; i++) {
        r->asked[ks[i]] = r->pending[ks[i]] = true;
        r->npending++;
    }
    free(ks);
    term *m = term_tuplev(2, term_atom_s("lock"), term_int((int64_t)r->id));
    if (!r->denied)
        broadcast(w, x, r->asked, m);
    term_unref(m);
    if (r->denied || !r->npending) {
        if (r->denied) {
            r->npending = 0;
            memset(r->pending, 0, (size_t)w->n * sizeof *r->pending);
            goto backoff;
        }
        update_phase(w, x);
    }
    return;
backoff:
    unlock_all(w, x, r);
    {
        /* global:random_sleep: a random pause, longer after each try */
        int t = r->tries < 4 ? r->tries : 4;
        r->tries++;
        int64_t d = 1000 + (int64_t)rng_below(&w->nodes[x].r, (uint64_t)(100000 << t));
        r->retry = sim_after(w->s, d, on_retry, w, (uint64_t)x);
    }
}

/* An answer from y about the current round (or y went down). */
static void answered(world *w, int x, int y, bool ok)
{
    glob_node *g = gn(w, x);
    greq *r = g->req;
    if (!r || !r->pending[y])
        return;
    r->pending[y] = false;
    r->npending--;
    if (!ok)
        r->denied = true;
    if (r->npending)
        return;
    if (r->phase == 1) {
        finish(w, x);
        return;
    }
    if (!r->denied) {
        update_phase(w, x);
        return;
    }
    unlock_all(w, x, r);
    int t = r->tries < 4 ? r->tries : 4;
    r->tries++;
    int64_t d = 1000 + (int64_t)rng_below(&w->nodes[x].r, (uint64_t)(100000 << t));
    r->retry = sim_after(w->s, d, on_retry, w, (uint64_t)x);
}

/* The op counter of key in g's table of handled reports, added at 0. */
static uint64_t *lost_slot(glob_node *g, uint64_t key)
{
    if (2 * (g->nlost + 1) > g->caplost) {
        uint32_t oldcap = g->caplost, cap = oldcap ? 2 * oldcap : 64;
        lost_entry *old = g->lost_seen;
        g->lost_seen = xcalloc(cap, sizeof *g->lost_seen);
        g->caplost = cap;
        for (uint32_t i = 0; i < oldcap; i++)
            if (old[i].key) {
                uint32_t j = (uint32_t)rng_mix64(old[i].key) & (cap - 1);
                while (g->lost_seen[j].key)
                    j = (j + 1) & (cap - 1);
                g->lost_seen[j] = old[i];
            }
        free(old);
    }
    uint32_t j = (uint32_t)rng_mix64(key) & (g->caplost - 1);
    while (g->lost_seen[j].key && g->lost_seen[j].key != key)
        j = (j + 1) & (g->caplost - 1);
    if (!g->lost_seen[j].key) {
        g->lost_seen[j].key = key;
        g->nlost++;
    }
    return &g->lost_seen[j].op;
}

/* {lost, A, B, OpId}: node A lost its connection to B (global.erl's
 * lost_connection). As OTP does, pass it on to every other node we see
 * (so all learn it even if A drops meanwhile), then ask the node we
 * should no longer see (B, or A when we are B) to disconnect us. */
static void on_lost(world *w, int z, term *msg)
{
    glob_node *g = gn(w, z);
    int a = rt_node_index(w, msg->u.tuple.el[1]->u.atom);
    int b = rt_node_index(w, msg->u.tuple.el[2]->u.atom);
    uint64_t op = (uint64_t)msg->u.tuple.el[3]->u.i;
    if (a < 0 || b < 0 || !w->nodes[z].cfg.prevent_overlapping_partitions)
        return;
    uint64_t *seen = lost_slot(g, ((uint64_t)(uint32_t)a << 32 | (uint32_t)b) + 1);
    if (op <= *seen)
        return;
    *seen = op;
    int *ks = xcalloc((size_t)w->n + 1, sizeof *ks);
    int n = visible(w, z, ks);
    for (int k = 0; k < n; k++)
        if (ks[k] != a)
            send_to(w, z, ks[k], msg);
    free(ks);
    int rm = z == b ? a : b;
    if (rm == z || !dist_connected(w, z, rm) || dist_is_hidden(w, z, rm))
        return;
    char text[512];
    snprintf(text, sizeof text,
             "'global' at node %s requested disconnect from node %s in "
             "order to prevent overlapping partitions",
             w->nodes[z].name, w->nodes[rm].name);
    rt_log(w, z, "warning", text);
    g->expect_down[rm] = true;
    term *m = term_tuplev(1, term_atom_s("disconnect_me"));
    send_to(w, z, rm, m);
    term_unref(m);
}

static void glob_recv(world *w, int to, int from, term *msg)
{
    atom_t tag = msg->u.tuple.el[0]->u.atom;
    glob_node *g = gn(w, to);
    const char *t = atom_text(tag);
    if (!strcmp(t, "sync")) {
        on_sync(w, to, from, msg);
    } else if (!strcmp(t, "sync_req")) {
        sim_cancel(w->s, g->sync[from]);
        g->sync[from] = (sim_timer){0, 0};
        send_sync(w, to, from);
    } else if (!strcmp(t, "sync_reply")) {
        on_sync_reply(w, to, from, msg);
    } else if (!strcmp(t, "lock")) {
        uint64_t id = (uint64_t)msg->u.tuple.el[1]->u.i;
        bool ok = !g->locked || g->lock_id == id;
        if (ok) {
            g->locked = true;
            g->lock_id = id;
            g->lock_node = from;
        }
        term *m = tag3("lock_answer", term_int((int64_t)id), term_bool(ok));
        send_to(w, to, from, m);
        term_unref(m);
    } else if (!strcmp(t, "lock_answer")) {
        greq *r = g->req;
        if (r && r->phase == 0 && (uint64_t)msg->u.tuple.el[1]->u.i == r->id)
            answered(w, to, from, term_is_atom(msg->u.tuple.el[2], A("true")));
    } else if (!strcmp(t, "unlock")) {
        if (g->locked && g->lock_id == (uint64_t)msg->u.tuple.el[1]->u.i)
            g->locked = false;
    } else if (!strcmp(t, "update")) {
        apply_update(w, to, (greq_kind)msg->u.tuple.el[2]->u.i,
                     msg->u.tuple.el[3]->u.atom, msg->u.tuple.el[4]->u.pid,
                     msg->u.tuple.el[5]->u.atom);
        term *m = term_tuplev(2, term_atom_s("update_ok"), term_ref(msg->u.tuple.el[1]));
        send_to(w, to, from, m);
        term_unref(m);
    } else if (!strcmp(t, "update_ok")) {
        greq *r = g->req;
        if (r && r->phase == 1 && (uint64_t)msg->u.tuple.el[1]->u.i == r->id)
            answered(w, to, from, true);
    } else if (!strcmp(t, "died")) {
        atom_t name = msg->u.tuple.el[1]->u.atom;
        gname *e = lookup(g, name);
        if (e && same_pid(e->pid, msg->u.tuple.el[2]->u.pid))
            del_name(w, to, name, "exit");
    } else if (!strcmp(t, "lost")) {
        on_lost(w, to, msg);
    } else if (!strcmp(t, "disconnect_me")) {
        char text[512];
        snprintf(text, sizeof text,
                 "'global' at node %s disconnected node %s in order to prevent "
                 "overlapping partitions",
                 w->nodes[to].name, w->nodes[from].name);
        rt_log(w, to, "warning", text);
        g->expect_down[from] = true;
        dist_disconnect(w, to, from, "disconnect");
    }
}

static void on_nodedown(world *w, int x, int y, bool hidden)
{
    glob_node *g = gn(w, x);
    sim_cancel(w->s, g->sync[y]);
    g->sync[y] = (sim_timer){0, 0};
    g->sync_sent[y] = false;
    if (hidden)
        return;
    /* names of the lost node's processes go (otp_facts.md 18) */
    for (uint32_t i = g->n; i-- > 0;)
        if (rt_node_index(w, g->names[i].pid.node) == y)
            del_name(w, x, g->names[i].name, "nodedown");
    if (g->locked && g->lock_node == y)
        g->locked = false;
    if (g->req)
        answered(w, x, y, true);
    bool expected = g->expect_down[y];
    g->expect_down[y] = false;
    if (expected || !w->nodes[x].cfg.prevent_overlapping_partitions ||
        w->nodes[x].state != NODE_UP)
        return;
    int *ks = xcalloc((size_t)w->n + 1, sizeof *ks);
    int n = visible(w, x, ks);
    term *m = term_tuplev(4, term_atom_s("lost"), term_atom(w->nodes[x].atom),
                          term_atom(w->nodes[y].atom),
                          term_int((int64_t)++g->lost_op));
    for (int i = 0; i < n; i++)
        send_to(w, x, ks[i], m);
    term_unref(m);
    free(ks);
}

static void on_halted(world *w, int x)
{
    glob_node *g = gn(w, x);
    for (int k = 0; k < w->n; k++) {
        sim_cancel(w->s, g->sync[k]);
        g->sync[k] = (sim_timer){0, 0};
        g->sync_due[k] = false;
        g->expect_down[k] = false;
    }
    if (g->req)
        sim_cancel(w->s, g->req->retry);
    req_free(g->req);
    g->req = NULL;
    g->retry_due = false;
    g->n = 0;
    g->locked = false;
}

static void on_proc_exit(world *w, proc *p)
{
    int k = p->node;
    glob_node *g = gn(w, k);
    if (!g->n || w->nodes[k].state == NODE_DOWN)
        return;
    for (uint32_t i = g->n; i-- > 0;) {
        if (!same_pid(g->names[i].pid, p->pid))
            continue;
        atom_t name = g->names[i].name;
        del_name(w, k, name, "exit");
        /* every connected node learns it from its monitor */
        int *ks = xcalloc((size_t)w->n + 1, sizeof *ks);
        int n = visible(w, k, ks);
        term *m = tag3("died", term_atom(name), term_pid_new(p->pid));
        for (int j = 0; j < n; j++)
            send_to(w, k, ks[j], m);
        term_unref(m);
        free(ks);
    }
}

/* ---- BIFs ---- */

static bool reply_match(world *w, void *d, const term *m, term **res,
                        ev_exception *x, bool *raised)
{
    (void)w, (void)x, (void)raised;
    term *ref = d;
    if (m->tag != T_TUPLE || m->u.tuple.n != 3 ||
        !term_is_atom(m->u.tuple.el[0], A("$global_reply")) ||
        !term_equal(m->u.tuple.el[1], ref))
        return false;
    *res = term_ref(m->u.tuple.el[2]);
    return true;
}

static void unref_data(void *d) { term_unref(d); }

static ev_status start_req(bif_call_ctx *c, greq_kind kind, atom_t name,
                           term_pid pid, atom_t method)
{
    world *w = c->w;
    int x = c->self->node;
    glob_node *g = gn(w, x);
    if (g->req)  /* one request at a time per node: the caller waits */
        return bif_raise(c, "error", term_atom_s("busy"));
    if (!shell_is_evaluator(c->self))
        return bif_raise(c, "error", term_atom_s("notsup"));
    greq *r = xcalloc(1, sizeof *r);
    r->kind = kind;
    r->name = name;
    r->pid = pid;
    r->method = method;
    r->caller = c->self->pid;
    r->ref = rt_make_ref(w, x);
    r->pending = xcalloc((size_t)w->n, sizeof *r->pending);
    r->asked = xcalloc((size_t)w->n, sizeof *r->asked);
    g->req = r;
    shell_wait wt = {reply_match, NULL, unref_data, term_ref(r->ref), -1};
    ev_status st = bif_block(c, wt);
    start_round(w, x);
    return st;
}

static atom_t method_of(const term *f, bool *ok)
{
    *ok = true;
    if (f->tag != T_FUN || f->u.fun.arity != 3) {
        *ok = false;
        return 0;
    }
    const char *m = atom_text(f->u.fun.mod), *fn = atom_text(f->u.fun.fun);
    if (!strcmp(m, "global") && (!strcmp(fn, "random_exit_name") ||
                                 !strcmp(fn, "random_notify_name") ||
                                 !strcmp(fn, "notify_all_name")))
        return f->u.fun.fun;
    if (!strcmp(m, "clustersim") && !strcmp(fn, "none_name"))
        return A("none_name");
    *ok = false;
    return 0;
}

/* register_name/2,3 and re_register_name/2,3. */
static ev_status register_as(bif_call_ctx *c, greq_kind kind)
{
    if (c->args[0]->tag != T_ATOM || c->args[1]->tag != T_PID)
        return bif_badarg(c, 0, NULL);
    atom_t method = A("random_exit_name");
    if (c->argc == 3) {
        bool ok;
        method = method_of(c->args[2], &ok);
        if (!ok)
            return bif_badarg(c, 3, "not a known resolve function");
    }
    return start_req(c, kind, c->args[0]->u.atom, c->args[1]->u.pid, method);
}

static ev_status b_register(bif_call_ctx *c)
{
    return register_as(c, GR_REGISTER);
}

static ev_status b_re_register(bif_call_ctx *c)
{
    return register_as(c, GR_REREGISTER);
}

static ev_status b_unregister(bif_call_ctx *c)
{
    if (c->args[0]->tag != T_ATOM)
        return bif_badarg(c, 1, NULL);
    term_pid none = {0, 0, 0, 0};
    return start_req(c, GR_UNREGISTER, c->args[0]->u.atom, none, 0);
}

static ev_status b_whereis(bif_call_ctx *c)
{
    if (c->args[0]->tag != T_ATOM)
        return bif_badarg(c, 1, NULL);
    const term_pid *p = glob_whereis(c->w, c->self->node, c->args[0]->u.atom);
    return bif_return(c, p ? term_pid_new(*p) : term_atom_s("undefined"));
}

static ev_status b_send(bif_call_ctx *c)
{
    const term_pid *p = c->args[0]->tag == T_ATOM
        ? glob_whereis(c->w, c->self->node, c->args[0]->u.atom) : NULL;
    if (!p) {
        /* exit({badarg, {Name, Msg}}) (otp_facts.md 17), shown "in
         * function  global:send/2 (global.erl, line 252)" */
        bif_raise(c, "exit", term_tuplev(2, term_atom_s("badarg"),
                  term_tuplev(2, term_ref(c->args[0]), term_ref(c->args[1]))));
        term_unref(c->exc->args);
        c->exc->args = NULL;
        return EV_RAISED;
    }
    term_pid pid = *p;
    rt_send(c->w, c->self->node, &c->self->pid, pid, c->args[1]);
    return bif_return(c, term_pid_new(pid));
}

static ev_status b_registered_names(bif_call_ctx *c)
{
    glob_node *g = gn(c->w, c->self->node);
    term *l = term_nil();
    for (uint32_t i = g->n; i-- > 0;)
        l = term_cons(term_atom(g->names[i].name), l);
    return bif_return(c, l);
}

static const bif_reg bifs[] = {
    {"global", "register_name", 2, b_register, BIF_QUALIFIED},
    {"global", "register_name", 3, b_register, BIF_QUALIFIED},
    {"global", "re_register_name", 2, b_re_register, BIF_QUALIFIED},
    {"global", "re_register_name", 3, b_re_register, BIF_QUALIFIED},
    {"global", "unregister_name", 1, b_unregister, BIF_QUALIFIED},
    {"global", "whereis_name", 1, b_whereis, BIF_QUALIFIED},
    {"global", "send", 2, b_send, BIF_QUALIFIED},
    {"global", "registered_names", 0, b_registered_names, BIF_QUALIFIED},
    {NULL, NULL, 0, NULL, BIF_QUALIFIED},
};

/* ---- installed on a world ---- */

void glob_install(world *w)
{
    w->glob = xcalloc(1, sizeof *w->glob);
    w->glob->node = xcalloc((size_t)w->n, sizeof *w->glob->node);
    for (int k = 0; k < w->n; k++)
        node_init(w, k);
    world_hooks h = {0};
    h.halted = on_halted;
    h.resumed = on_resumed;
    h.proc_exit = on_proc_exit;
    h.fini = on_fini;
    world_add_hooks(w, &h);
    dist_hooks dh = {on_nodeup, on_nodedown};
    dist_add_hooks(w, &dh);
    bif_register(w, bifs);
}
