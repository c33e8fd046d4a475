/* mesh: what global does when two nodes meet or lose each other.
 *
 * On nodeup between two visible nodes, after global's locker delay
 * (200 ms when the node knew nobody, else min(1000 + 100 * known, 3000)
 * ms; the earlier side's timer runs the exchange), the two sides
 * exchange their node lists (each connects to the nodes it lacks: the
 * transitive mesh, global:sync_others/1) and their name tables;
 * a name bound to different pids is resolved on the node whose name
 * sorts lower, by its entry's resolve method (global:exchange_names/4,
 * resolve_it/4): random_exit_name keeps the pid on the node whose name
 * sorts lower and kills the other (random_exit_name/3, minmax/2),
 * random_notify_name keeps the same one and tells the loser,
 * notify_all_name unregisters and tells both, clustersim:none_name/3
 * stands for a resolver returning none.
 *
 * With prevent_overlapping_partitions a node that loses a connection
 * tells its other visible nodes, which pass it on; each of them still
 * connected to the lost node asks it to disconnect them (global.erl's
 * lost_connection / remove_connection). Disconnects
 * made on such a request are expected on both ends and tell no one. */
#include "core/global/global_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/term/xalloc.h"

static atom_t A(const char *s) { return atom_intern(s); }

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

/* k's visible nodes in connection order (*n of them), kept per version
 * of k's connections (dist_up_version) with, made when first asked for,
 * the node set its sync messages carry: in a mesh every exchange
 * carries the whole set and every lost connection is told to every
 * node, so making them for each message would cost N per message and
 * N^3 in all. Valid until k's connections change (sending changes
 * none). */
static const int *visible_nodes(world *w, int k, int *n)
{
    glob_node *g = gn(w, k);
    uint64_t ver = dist_up_version(w, k);
    if (!g->nodes_ks || g->nodes_ver != ver) {
        if (!g->nodes_ks)
            g->nodes_ks = xcalloc((size_t)w->n + 1, sizeof *g->nodes_ks);
        g->nodes_n = visible(w, k, g->nodes_ks);
        term_unref(g->nodes_set);
        g->nodes_set = NULL;
        g->nodes_ver = ver;
    }
    *n = g->nodes_n;
    return g->nodes_ks;
}

/* k's visible nodes as the sync messages carry them (a new reference):
 * global.erl sends the list of its known nodes; here that list is a
 * binary of the nodes as a bitmap (dist_bits_words uint64s, laid out as
 * dist_up_bits) then their indices in connection order (int32s), so
 * that the receiver checks it against its own connections a word at a
 * time (connect_missing). Only the two ends of the exchange read it; no
 * trace shows it. */
static term *nodes_term(world *w, int k)
{
    int n;
    const int *ks = visible_nodes(w, k, &n);
    glob_node *g = gn(w, k);
    if (!g->nodes_set) {
        size_t words = dist_bits_words(w), size = words * 8 + (size_t)n * 4;
        uint64_t *buf = xcalloc(words + ((size_t)n + 1) / 2 + 1, sizeof *buf);
        for (int i = 0; i < n; i++) {
            int32_t v = ks[i];
            buf[v / 64] |= (uint64_t)1 << (v % 64);
            memcpy((uint8_t *)buf + words * 8 + (size_t)i * 4, &v, 4);
        }
        g->nodes_set = term_binary(buf, size);
        free(buf);
    }
    return term_ref(g->nodes_set);
}

/* global.erl sync_others/1: x connects to each node of the other
 * side's set (nodes_term) it is not connected to, in the order of the
 * set's list (sync_other/2's erlang:monitor_node(Node, true,
 * [allow_passive_connect])); a failure comes back through
 * glob__mesh_connect_failed. Only the two nodes of the exchange
 * connect: OTP's new_nodes/6, which has the nodes they knew connect
 * too, is left out (the mesh ends the same). */
static void connect_missing(world *w, int x, const term *set)
{
    if (!w->nodes[x].cfg.connect_all)
        return;
    const uint8_t *bytes = set->u.bin.bytes;
    const uint64_t *up = dist_up_bits(w, x);
    size_t words = dist_bits_words(w);
    bool missing = false;
    for (size_t i = 0; i < words && !missing; i++) {
        uint64_t want;
        memcpy(&want, bytes + i * 8, 8);
        if (i == (size_t)x / 64)
            want &= ~((uint64_t)1 << (x % 64));
        missing = (want & ~(up ? up[i] : 0)) != 0;
    }
    if (!missing)
        return;  /* the common case, found in N / 64 word operations */
    size_t n = (set->u.bin.n - words * 8) / 4;
    for (size_t i = 0; i < n; i++) {
        int32_t k;
        memcpy(&k, bytes + words * 8 + i * 4, 4);
        if (k != x && !dist_connected(w, x, k)) {
            glob__peer(gn(w, x), k)->connecting = true;
            dist_connect(w, x, k);
        }
    }
}

/* ---- global:sync/0 ---- */

/* Whether x's exchange with each visible peer is done (global:sync/0
 * returns once it is: its sync_loop/2 waits for every node's
 * {synced, ...}). A peer global does not exchange with
 * (connect_all false) counts as done. */
static bool all_synced(world *w, int x)
{
    int *ks = xcalloc((size_t)w->n + 1, sizeof *ks);
    int n = visible(w, x, ks);
    bool ok = true;
    for (int i = 0; i < n && ok; i++) {
        int y = ks[i];
        if (y == x || !w->nodes[x].cfg.connect_all || !w->nodes[y].cfg.connect_all)
            continue;
        ok = glob__peer(gn(w, x), y)->synced;
    }
    free(ks);
    return ok;
}

/* Tells x's global:sync callers when every exchange is done. */
static void sync_check(world *w, int x)
{
    glob_node *g = gn(w, x);
    if (!g->nsync_waiters || !all_synced(w, x))
        return;
    for (uint32_t i = 0; i < g->nsync_waiters; i++) {
        proc *p = rt_find(w, g->sync_waiters[i]);
        if (p) {
            term *m = term_tuplev(2, term_atom_s("$gsync"), term_ref(g->sync_refs[i]));
            rt_deliver(w, p, m);
            term_unref(m);
        }
        term_unref(g->sync_refs[i]);
    }
    g->nsync_waiters = 0;
}

bool glob__sync_wait(world *w, int x, term_pid pid, term *ref)
{
    if (all_synced(w, x))
        return true;
    glob_node *g = gn(w, x);
    if (g->nsync_waiters == g->capsync_waiters) {
        g->capsync_waiters = g->capsync_waiters ? 2 * g->capsync_waiters : 4;
        g->sync_waiters = xrealloc(g->sync_waiters,
                                   g->capsync_waiters * sizeof *g->sync_waiters);
        g->sync_refs = xrealloc(g->sync_refs, g->capsync_waiters * sizeof *g->sync_refs);
    }
    g->sync_waiters[g->nsync_waiters] = pid;
    g->sync_refs[g->nsync_waiters++] = term_ref(ref);
    return false;
}

/* ---- the exchange on nodeup ---- */

static void on_sync_timer(sim *s, void *ctx, uint64_t arg);

void glob__mesh_nodeup(world *w, int x, int y, bool hidden)
{
    const world_node_cfg *cx = &w->nodes[x].cfg, *cy = &w->nodes[y].cfg;
    glob__peer(gn(w, x), y)->connecting = false;
    if (hidden || !cx->connect_all || !cy->connect_all)
        return;
    /* global's locker: 200 ms when this node knew nobody, else
     * min(1000 + 100 * known, 3000) ms (loop_the_locker/1). */
    int known = dist_visible_count(w, x) - 1;
    int64_t delay = known <= 0 ? 200000
                  : (1000 + 100 * known < 3000 ? 1000 + 100 * known : 3000) * 1000LL;
    glob_node *g = gn(w, x);
    sim_cancel(w->s, glob__peer(g, y)->sync);
    glob__peer(g, y)->sync_sent = false;
    glob__peer(g, y)->synced = false;
    glob__peer(g, y)->sync = sim_after(w->s, delay, on_sync_timer, w,
                           ((uint64_t)(uint32_t)x << 32) | (uint32_t)y);
}

/* Whether global's own attempt to reach y is under way (a lookup that
 * meets no peer of its own). */
static bool connecting(glob_node *g, int y)
{
    gpeer *p = imap_find(&g->peers, y);
    return p && p->connecting;
}

/* Whether g asked y to disconnect it, or y asked g, and the nodedown
 * has not come yet: global.erl's handle_nodedown(Node, S,
 * remove_connection) has then taken y out of its known nodes (it marks
 * {removing, Node}), so no multicast goes to y and another report on y
 * asks nothing of it (is_node_potentially_known/2 is false). */
static bool removing(glob_node *g, int y)
{
    gpeer *p = imap_find(&g->peers, y);
    return p && p->expect_down;
}

/* The exchange always runs into the node whose name sorts lower, which
 * resolves the clashes: global:exchange_names/4 calls the resolve
 * functions "from the smaller node", so all of them run in the same
 * partition. The larger node sends its table; the smaller one asks it
 * to (sync_req) when its own timer fires first. */
static void send_sync(world *w, int x, int y)
{
    glob_node *g = gn(w, x);
    if (glob__peer(g, y)->sync_sent)
        return;
    glob__peer(g, y)->sync_sent = true;
    term *m;
    if (strcmp(w->nodes[x].name, w->nodes[y].name) > 0)
        m = tag3("sync", nodes_term(w, x), names_term(w, x));
    else
        m = term_tuplev(1, term_atom_s("sync_req"));
    glob__send(w, x, y, m);
    term_unref(m);
}

static void on_sync_timer(sim *s, void *ctx, uint64_t arg)
{
    (void)s;
    world *w = ctx;
    int x = (int)(arg >> 32), y = (int)(uint32_t)arg;
    glob__peer(gn(w, x), y)->sync = (sim_timer){0, 0};
    if (w->nodes[x].state == NODE_FROZEN) {
        glob__peer(gn(w, x), y)->sync_due = true;  /* a stopped node's timers fire late */
        return;
    }
    if (!dist_connected(w, x, y) || w->nodes[x].state != NODE_UP)
        return;
    send_sync(w, x, y);
}

/* Resolves a clash on node k: `mine` is k's entry, `theirs` the other
 * side's pid. Returns the winner's pid (has_winner false: the name goes). */
static bool resolve_clash(world *w, int k, const gname *mine, term_pid theirs,
                          term_pid *winner)
{
    term_pid a = mine->pid, b = theirs;
    /* the pid on the node whose name sorts lower survives (the
     * "random" resolvers are not random: minmax/2 compares nodes) */
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
        gname *mine = glob__lookup(gn(w, k), name);
        if (!mine) {
            glob__put_name(w, k, name, pid, method);
            continue;
        }
        if (same_pid(mine->pid, pid) || !resolve)
            continue;
        term_pid win;
        gname copy = *mine;
        if (resolve_clash(w, k, &copy, pid, &win)) {
            if (!same_pid(win, copy.pid))
                glob__put_name(w, k, name, win, copy.method);
        } else {
            glob__del_name(w, k, name, "conflict");
            if (gone)
                *gone = term_cons(term_atom(name), *gone);
        }
    }
}

static void on_sync(world *w, int y, int x, term *msg)
{
    glob_node *g = gn(w, y);
    sim_cancel(w->s, glob__peer(g, x)->sync);
    glob__peer(g, x)->sync = (sim_timer){0, 0};
    glob__peer(g, x)->sync_sent = true;
    term *gone = term_nil();
    merge(w, y, msg->u.tuple.el[2], true, &gone);
    term *reply = term_tuplev(4, term_atom_s("sync_reply"), nodes_term(w, y),
                              names_term(w, y), gone);
    glob__send(w, y, x, reply);
    term_unref(reply);
    connect_missing(w, y, msg->u.tuple.el[1]);
    glob__peer(g, x)->synced = true;
    sync_check(w, y);
}

static void on_sync_reply(world *w, int x, int y, term *msg)
{
    /* The other side resolved the clashes: take its table. */
    for (const term *l = msg->u.tuple.el[3]; l->tag == T_CONS; l = l->u.cons.tail)
        glob__del_name(w, x, l->u.cons.head->u.atom, "conflict");
    for (const term *l = msg->u.tuple.el[2]; l->tag == T_CONS; l = l->u.cons.tail) {
        const term *e = l->u.cons.head;
        atom_t name = e->u.tuple.el[0]->u.atom;
        term_pid pid = e->u.tuple.el[1]->u.pid;
        gname *mine = glob__lookup(gn(w, x), name);
        if (!mine || !same_pid(mine->pid, pid))
            glob__put_name(w, x, name, pid, e->u.tuple.el[2]->u.atom);
    }
    connect_missing(w, x, msg->u.tuple.el[1]);
    glob__peer(gn(w, x), y)->synced = true;
    sync_check(w, x);
}

/* ---- lost connections ---- */

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
    int n;
    const int *ks = visible_nodes(w, z, &n);
    /* gns_volatile_multicast/5: the known nodes but NodeA */
    for (int k = 0; k < n; k++)
        if (ks[k] != a && !removing(g, ks[k]))
            glob__send(w, z, ks[k], msg);
    int rm = z == b ? a : b;
    /* is_node_potentially_known/2: a node global is connecting to
     * counts (its request to disconnect is then dropped, and the failed
     * attempt tells no one) */
    bool known = removing(g, rm)        ? false
               : dist_connected(w, z, rm) ? !dist_is_hidden(w, z, rm)
                                          : connecting(g, rm);
    if (rm == z || !known)
        return;
    char text[512];
    snprintf(text, sizeof text,
             "'global' at node %s requested disconnect from node %s in "
             "order to prevent overlapping partitions",
             w->nodes[z].name, w->nodes[rm].name);
    rt_log(w, z, "warning", text);
    glob__peer(g, rm)->expect_down = true;
    term *m = term_tuplev(1, term_atom_s("disconnect_me"));
    glob__send(w, z, rm, m);
    term_unref(m);
}

void glob__mesh_lost(world *w, int x, int y)
{
    glob_node *g = gn(w, x);
    bool expected = glob__peer(g, y)->expect_down;
    glob__peer(g, y)->expect_down = false;
    if (expected || !w->nodes[x].cfg.prevent_overlapping_partitions ||
        w->nodes[x].state != NODE_UP)
        return;
    int n;
    const int *ks = visible_nodes(w, x, &n);
    term *m = term_tuplev(4, term_atom_s("lost"), term_atom(w->nodes[x].atom),
                          term_atom(w->nodes[y].atom),
                          term_int((int64_t)++g->lost_op));
    for (int i = 0; i < n; i++)  /* inform_connection_loss/2: the known nodes */
        if (!removing(g, ks[i]))
            glob__send(w, x, ks[i], m);
    term_unref(m);
}

/* global.erl sync_other/2: when the connection global asked for does
 * not come (erlang:monitor_node/3 answers {nodedown, Node}; OTP 25's
 * global_connect_retries is 0), it logs a warning and sends
 * {extra_nodedown, Node} to the server, whose handle_nodedown/3 treats
 * it as a lost connection (inform_connection_loss/2), unless the node
 * was being removed on request (its {removing, Node} mark): so with
 * prevent_overlapping_partitions the nodes that see both sides
 * disconnect, and no non-transitive visible mesh survives. */
void glob__mesh_connect_failed(world *w, int x, int y)
{
    glob_node *g = gn(w, x);
    if (!connecting(g, y))
        return;
    glob__peer(g, y)->connecting = false;
    if (w->nodes[x].state != NODE_UP || dist_connected(w, x, y))
        return;
    char text[512];
    snprintf(text, sizeof text, "'global' at %s failed to connect to %s",
             w->nodes[x].name, w->nodes[y].name);
    rt_log(w, x, "warning", text);
    glob__mesh_lost(w, x, y);
}

/* ---- messages, node life ---- */

bool glob__mesh_recv(world *w, int to, int from, const char *t, term *msg)
{
    glob_node *g = gn(w, to);
    if (!strcmp(t, "sync")) {
        on_sync(w, to, from, msg);
    } else if (!strcmp(t, "sync_req")) {
        sim_cancel(w->s, glob__peer(g, from)->sync);
        glob__peer(g, from)->sync = (sim_timer){0, 0};
        send_sync(w, to, from);
    } else if (!strcmp(t, "sync_reply")) {
        on_sync_reply(w, to, from, msg);
    } else if (!strcmp(t, "lost")) {
        on_lost(w, to, msg);
    } else if (!strcmp(t, "disconnect_me")) {
        char text[512];
        snprintf(text, sizeof text,
                 "'global' at node %s disconnected node %s in order to prevent "
                 "overlapping partitions",
                 w->nodes[to].name, w->nodes[from].name);
        rt_log(w, to, "warning", text);
        glob__peer(g, from)->expect_down = true;
        dist_disconnect(w, to, from, "disconnect");
    } else {
        return false;
    }
    return true;
}

void glob__mesh_nodedown(world *w, int x, int y)
{
    glob_node *g = gn(w, x);
    sim_cancel(w->s, glob__peer(g, y)->sync);
    glob__peer(g, y)->sync = (sim_timer){0, 0};
    glob__peer(g, y)->sync_sent = false;
    glob__peer(g, y)->synced = false;
    sync_check(w, x);
}

void glob__mesh_resumed(world *w, int x)
{
    glob_node *g = gn(w, x);
    /* DETERMINISM: timers that fell due during the freeze, in node order */
    int *due = xcalloc(g->peers.n + 1, sizeof *due), ndue = 0;
    for (uint32_t i = 0; i < g->peers.n; i++)
        if (((gpeer *)imap_find(&g->peers, g->peers.keys[i]))->sync_due)
            due[ndue++] = g->peers.keys[i];
    for (int i = 0; i < ndue; i++) {
        int y = due[i];
        if (glob__peer(g, y)->sync_due) {
            glob__peer(g, y)->sync_due = false;
            if (dist_connected(w, x, y))
                send_sync(w, x, y);
        }
    }
    free(due);
}

void glob__mesh_halted(world *w, int x)
{
    glob_node *g = gn(w, x);
    for (uint32_t i = 0; i < g->peers.n; i++) {
        gpeer *p = imap_find(&g->peers, g->peers.keys[i]);
        sim_cancel(w->s, p->sync);
        p->sync = (sim_timer){0, 0};
        p->sync_due = false;
        p->expect_down = false;
        p->synced = false;
        p->connecting = false;
    }
    for (uint32_t i = 0; i < g->nsync_waiters; i++)
        term_unref(g->sync_refs[i]);
    g->nsync_waiters = 0;
}
