/* emit: the bottom of rt/, which every other file of the runtime and of
 * the subsystems above uses: trace events (what leaves the world for the
 * engine's observer), how a node prints pids, and the output and logger
 * reports that become events.
 *
 * Invariants: node k's pids print as <k+1.N.S> on every other node and
 * as <0.N.S> on k itself (as erl 25: a per-observer number, never 0
 * for a remote pid); an event goes to the observer during the call,
 * so callers free its strings after it. */
#include "core/rt/rt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/term/xalloc.h"

int rt_node_index(const world *w, atom_t name)
{
    return name < w->natoms ? w->atom2node[name] : -1;
}

static uint32_t node_number(void *ctx, atom_t node_atom)
{
    const world *w = ctx;
    int k = rt_node_index(w, node_atom);
    /* A node outside the scenario (a pid from a ping to nowhere) gets a
     * number past every real node. */
    return k >= 0 ? (uint32_t)k + 1 : (uint32_t)w->n + 1;
}

term_view rt_view(const world *w, int node_id)
{
    term_view v;
    v.self_node = node_id >= 0 ? w->nodes[node_id].atom : 0;
    v.node_number = node_number;
    v.ctx = (void *)w;
    return v;
}

char *rt_str(const world *w, int node_id, const term *t)
{
    term_view v = rt_view(w, node_id);
    return term_to_string(t, &v);
}

/* The name of node k as events write it; NULL for no node. */
static const char *node_name(const world *w, int k)
{
    return k >= 0 ? w->nodes[k].name : NULL;
}

void rt_emit(world *w, int node_id, const char *kind, const char *peer,
             const char *pid, const char *to, const char *name,
             const char *term_text, const char *reason, const char *text)
{
    sim_obs_event ev = {.node = node_name(w, node_id), .kind = kind,
                        .peer = peer, .pid = pid, .to = to, .name = name,
                        .term = term_text, .reason = reason, .text = text};
    sim_emit(w->s, &ev);
}

void rt_emit_msg(world *w, int node_id, const char *kind, const char *peer,
                 const char *to, const char *term_text, const char *reason,
                 uint64_t msg)
{
    sim_obs_event ev = {.node = node_name(w, node_id), .kind = kind,
                        .peer = peer, .to = to, .term = term_text,
                        .reason = reason, .msg = msg};
    sim_emit(w->s, &ev);
}

uint64_t rt_msg_id(world *w)
{
    return ++w->next_msg;
}

void rt_output(world *w, int leader, const char *text)
{
    rt_emit(w, leader, "output", NULL, NULL, NULL, NULL, NULL, NULL, text);
}

void rt_log(world *w, int node_id, const char *level, const char *text)
{
    char up[16], ts[32];
    size_t i;
    for (i = 0; level[i] && i < sizeof up - 1; i++)
        up[i] = (char)(level[i] >= 'a' && level[i] <= 'z' ? level[i] - 32 : level[i]);
    up[i] = '\0';
    int64_t t = sim_now(w->s);
    snprintf(ts, sizeof ts, "%lld.%06llds", (long long)(t / 1000000),
             (long long)(t % 1000000));
    size_t n = strlen(text) + 64;
    char *s = xmalloc(n);
    snprintf(s, n, "=%s REPORT==== %s ===\n%s", up, ts, text);
    rt_emit(w, node_id, "log", NULL, NULL, NULL, NULL, NULL, level, s);
    free(s);
}
