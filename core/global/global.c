/* global: OTP's global name registry on the virtual nodes, and the
 * transitive mesh it builds (connect_all). Each node keeps its own
 * replica of the name table, as global.erl does; names go when their
 * process dies (each node that holds the name monitors the pid:
 * insert_global_name/6, and its handle_info({'DOWN', ...}) deletes it;
 * here the pid's node tells the others with {died, Name, Pid}) and when
 * the owner's node goes down (observed with erl 25). Hidden connections are
 * invisible to global.
 *
 * This file holds the table, the dispatcher of global's protocol
 * messages, global's hooks and glob_install; mesh.c the exchange on
 * nodeup (the mesh, clash resolution) and lost connections
 * (prevent_overlapping_partitions); register.c registration under the
 * cluster lock and the BIFs (global_int.h).
 *
 * Invariant: a node's table is sorted by name text (the order of
 * registered_names/0) and holds one entry per name. */
#include "core/global/global_int.h"

#include <stdlib.h>
#include <string.h>
#include "core/term/xalloc.h"

gpeer *glob__peer(glob_node *g, int y)
{
    void **s = imap_slot(&g->peers, y);
    if (!*s)
        *s = xcalloc(1, sizeof(gpeer));
    return *s;
}

static void on_fini(world *w)
{
    for (int k = 0; k < w->n; k++) {
        glob_node *g = gn(w, k);
        glob__reqs_free(g->req);
        free(g->names);
        for (uint32_t i = 0; i < g->peers.n; i++)
            free(imap_find(&g->peers, g->peers.keys[i]));
        imap_fini(&g->peers);
        for (uint32_t i = 0; i < g->nsync_waiters; i++)
            term_unref(g->sync_refs[i]);
        free(g->sync_waiters);
        free(g->sync_refs);
        free(g->lost_seen);
        term_unref(g->nodes_set);
        free(g->nodes_ks);
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

gname *glob__lookup(const glob_node *g, atom_t name)
{
    bool found;
    int i = find_pos(g, name, &found);
    return found ? &g->names[i] : NULL;
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

void glob__put_name(world *w, int k, atom_t name, term_pid pid, atom_t method)
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

void glob__del_name(world *w, int k, atom_t name, const char *why)
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
    const gname *e = glob__lookup(gn(w, x), name);
    return e ? &e->pid : NULL;
}

/* ---- messages between global servers ---- */

static void glob_recv(world *w, int to, int from, term *msg);

void glob__send(world *w, int x, int y, term *msg)
{
    dist_send_app(w, x, y, glob_recv, msg);
}

static void glob_recv(world *w, int to, int from, term *msg)
{
    const char *t = atom_text(msg->u.tuple.el[0]->u.atom);
    if (glob__mesh_recv(w, to, from, t, msg) || glob__reg_recv(w, to, from, t, msg))
        return;
    if (!strcmp(t, "died")) {
        glob_node *g = gn(w, to);
        atom_t name = msg->u.tuple.el[1]->u.atom;
        gname *e = glob__lookup(g, name);
        if (e && same_pid(e->pid, msg->u.tuple.el[2]->u.pid))
            glob__del_name(w, to, name, "exit");
    }
}

/* ---- hooks ---- */

static void on_nodedown(world *w, int x, int y, bool hidden)
{
    glob_node *g = gn(w, x);
    glob__mesh_nodedown(w, x, y);
    if (hidden)
        return;
    /* names of the lost node's processes go (observed with erl 25) */
    for (uint32_t i = g->n; i-- > 0;)
        if (rt_node_index(w, g->names[i].pid.node) == y)
            glob__del_name(w, x, g->names[i].name, "nodedown");
    glob__reg_nodedown(w, x, y);
    glob__mesh_lost(w, x, y);
}

static void on_halted(world *w, int x)
{
    glob__mesh_halted(w, x);
    glob__reg_halted(w, x);
    gn(w, x)->n = 0;
}

static void on_resumed(world *w, int x)
{
    glob__mesh_resumed(w, x);
    glob__reg_resumed(w, x);
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
        glob__del_name(w, k, name, "exit");
        /* every connected node's monitor of the pid fires: its 'DOWN' */
        int *ks = xcalloc((size_t)w->n + 1, sizeof *ks);
        int n = visible(w, k, ks);
        term *m = tag3("died", term_atom(name), term_pid_new(p->pid));
        for (int j = 0; j < n; j++)
            glob__send(w, k, ks[j], m);
        term_unref(m);
        free(ks);
    }
}

/* ---- the global_name_server process ---- */

/* The registry is global/'s own state (a replica per node); this
 * process stands for global's registered gen_server and answers an
 * unknown message as global.erl's handle_info does, with a warning. */
static bool gns_message(world *w, proc *p, term *msg)
{
    char *t = rt_str(w, p->node, msg);
    strbuf b;
    sb_init(&b);
    sb_printf(&b, "The global_name_server received an unexpected message:\n"
              "handle_info(%s, _)", t);
    rt_log(w, p->node, "warning", b.s);
    sb_fini(&b);
    free(t);
    return true;
}

static const behaviour gns_behaviour = {"global", "init", 1, NULL, gns_message,
                                        NULL, NULL};

static void on_booted(world *w, int node)
{
    term *args = term_nil();
    term_pid pid;
    proc *p = rt_spawn(w, node, &gns_behaviour, args, node, &pid);
    term_unref(args);
    rt_register(w, p, atom_intern("global_name_server"));
}

/* ---- installed on a world ---- */

void glob_install(world *w)
{
    w->glob = xcalloc(1, sizeof *w->glob);
    w->glob->node = xcalloc((size_t)w->n, sizeof *w->glob->node);
    world_hooks h = {0};
    h.booted = on_booted;
    h.halted = on_halted;
    h.resumed = on_resumed;
    h.proc_exit = on_proc_exit;
    h.fini = on_fini;
    world_add_hooks(w, &h);
    dist_hooks dh = {glob__mesh_nodeup, on_nodedown, glob__mesh_connect_failed};
    dist_add_hooks(w, &dh);
    bif_register(w, glob__bifs);
}
