/* dist: distribution installed on a world. dist_install makes dist's
 * state (one part per file, dist_int.h) and tells rt/ what it wants to
 * hear: a node's life cycle and the network's faults (world_hooks), the
 * network's payloads, how signals reach other nodes (rt_remote), and the
 * BIF rows. This file is the one place where those arrive; each hook
 * hands the event to the files that own the state, in the order that
 * keeps the traces as they are. */
#include "core/dist/dist_int.h"

static void on_booted(world *w, int node)
{
    dist__tick_booted(w, node);
    dist__rpc_booted(w, node);
}

static void on_halted(world *w, int node)
{
    dist__conn_halted(w, node);
    dist__nodes_halted(w, node);
    dist__sig_halted(w, node);
}

static void on_resumed(world *w, int node)
{
    dist__tick_resumed(w, node);
    dist__conn_resumed(w, node);
}

static void on_fini(world *w)
{
    dist__sig_fini(w);
    dist__nodes_fini(w);
    dist__tick_fini(w);
    dist__conn_fini(w);
    for (uint32_t i = 0; i < w->dist->nabandoned; i++)
        term_unref(w->dist->abandoned[i]);
    free(w->dist->abandoned);
    free(w->dist);
    w->dist = NULL;
}

void dist_install(world *w)
{
    w->dist = xcalloc(1, sizeof *w->dist);
    dist__conn_init(w);
    dist__tick_init(w);
    dist__nodes_init(w);
    dist__sig_init(w);
    world_hooks h = {0};
    h.booted = on_booted;
    h.halted = on_halted;
    h.frozen = dist__tick_frozen;
    h.resumed = on_resumed;
    h.link_cut = dist__tick_link_cut;
    h.link_healed = dist__tick_link_healed;
    h.fini = on_fini;
    world_add_hooks(w, &h);
    world_set_payloads(w, (net_handlers){dist__deliver, dist__drop, w});
    world_set_remote(w, &dist__remote);
    bif_register(w, dist__bifs);
}
