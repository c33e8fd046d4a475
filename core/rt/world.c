/* world: the nodes of one simulation, their life cycle (boot, halt,
 * freeze, resume, restart) and the network faults, told to the
 * subsystems above through the hooks they registered (world_hooks), in
 * registration order.
 *
 * Invariants: a node's state changes only here, at the current virtual
 * time; a booting node's system processes (spawned by the booted hooks)
 * take pids from FIRST_SYSTEM_PID up, below the shell's <0.87.0>, as
 * OTP's kernel processes do. */
#include "core/rt/bif.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/term/xalloc.h"

#define FIRST_SYSTEM_PID 80
#define FIRST_USER_PID 87

/* Every hook h->fn of w, in registration order, with the arguments that
 * follow. */
#define EACH_HOOK(w, fn, ...)                                   \
    for (int hk_ = 0; hk_ < (w)->nhooks; hk_++)                 \
        if ((w)->hooks[hk_].fn)                                 \
            (w)->hooks[hk_].fn(__VA_ARGS__)

static void copy_cfg(world_node_cfg *dst, const world_node_cfg *src,
                     char **name)
{
    *dst = *src;
    *name = xstrdup(src->name);
    dst->name = *name;
    dst->cookie = xstrdup(src->cookie ? src->cookie : "nocookie");
    dst->tls_ca = src->tls_ca ? xstrdup(src->tls_ca) : NULL;
    dst->tls_cert_ca = src->tls_cert_ca ? xstrdup(src->tls_cert_ca)
                       : src->tls_ca ? xstrdup(src->tls_ca) : NULL;
    dst->boot_eval = src->boot_eval ? xstrdup(src->boot_eval) : NULL;
    char **apps = xcalloc((size_t)src->napps + 1, sizeof *apps);
    for (int i = 0; i < src->napps; i++)
        apps[i] = xstrdup(src->apps[i]);
    dst->apps = (const char *const *)apps;
    ev_module **mods = xcalloc((size_t)src->nmodules + 1, sizeof *mods);
    for (int i = 0; i < src->nmodules; i++)
        mods[i] = ev_module_hold(src->modules[i]);
    dst->modules = mods;
}

static void free_cfg(world_node_cfg *c)
{
    free((char *)c->cookie);
    free((char *)c->tls_ca);
    free((char *)c->tls_cert_ca);
    free((char *)c->boot_eval);
    for (int i = 0; i < c->napps; i++)
        free((char *)c->apps[i]);
    free((void *)c->apps);
    for (int i = 0; i < c->nmodules; i++)
        ev_module_free(c->modules[i]);
    free((void *)c->modules);
}

static void on_deliver(void *ctx, int from, int to, void *payload);
static void on_drop(void *ctx, int from, int to, void *payload);

world *world_new(sim *s, uint64_t seed, int n, const world_node_cfg *cfg)
{
    world *w = xcalloc(1, sizeof *w);
    w->s = s;
    w->n = n;
    w->seed = seed;
    w->max_reductions = WORLD_DEFAULT_MAX_REDUCTIONS;
    world_set_max_terms(w, WORLD_DEFAULT_MAX_TERMS);
    w->nodes = xcalloc((size_t)n, sizeof *w->nodes);
    net_handlers h = {on_deliver, on_drop, w};
    w->net = net_new(s, n, seed, h);
    for (int i = 0; i < n; i++) {
        vnode *nd = &w->nodes[i];
        nd->id = i;
        copy_cfg(&nd->cfg, &cfg[i], &nd->name);
        nd->atom = atom_intern(nd->name);
        nd->r = rng_stream(seed, "node", (uint64_t)i);
        nd->rand_r = rng_stream(seed, "rand", (uint64_t)i);
        net_set_node(w->net, i, cfg[i].latency, cfg[i].loss);
        if (nd->atom >= w->natoms) {
            uint32_t na = nd->atom + 64;
            w->atom2node = xrealloc(w->atom2node, na * sizeof *w->atom2node);
            for (uint32_t k = w->natoms; k < na; k++)
                w->atom2node[k] = -1;
            w->natoms = na;
        }
        w->atom2node[nd->atom] = i;
    }
    for (int i = 0; i < n; i++)
        w->nodes[i].sh = shell_new(w, i);
    bif_register(w, rt__erlang_bifs);
    bif_register(w, rt__lists_bifs);
    bif_register(w, rt__lists_more_bifs);
    bif_register(w, rt__string_bifs);
    bif_register(w, rt__proplists_bifs);
    bif_register(w, rt__code_bifs);
    bif_register(w, rt__maps_bifs);
    bif_register(w, rt__conv_bifs);
    bif_register(w, rt__time_bifs);
    for (int i = 0; i < n; i++)
        for (int k = 0; k < cfg[i].nmodules; k++)
            rt_remember_module(w, cfg[i].modules[k]);
    bif_register(w, rt__io_bifs);
    return w;
}

void world_add_hooks(world *w, const world_hooks *h)
{
    w->hooks = xrealloc(w->hooks, (size_t)(w->nhooks + 1) * sizeof *w->hooks);
    w->hooks[w->nhooks++] = *h;
}

void world_set_payloads(world *w, net_handlers h)
{
    w->payloads = h;
}

void world_set_remote(world *w, const rt_remote *r)
{
    w->remote = r;
}

void world_free(world *w)
{
    if (!w)
        return;
    for (int i = 0; i < w->n; i++)
        if (w->nodes[i].state != NODE_DOWN) {
            shell_node_down(w, i);
            rt_kill_node(w, i);
        }
    net_free(w->net);
    rt_free_laters(w);
    rt__timers_free(w);
    EACH_HOOK(w, fini, w);
    for (int i = 0; i < w->n; i++) {
        vnode *nd = &w->nodes[i];
        shell_free(nd->sh);
        free(nd->procs);
        free(nd->regs);
        rt_unload_all(nd);
        free(nd->mods);
        free_cfg(&nd->cfg);
        free(nd->name);
    }
    for (uint32_t i = 0; i < w->ncompiled; i++)
        ev_module_free(w->compiled[i]);
    free(w->compiled);
    for (int i = 0; i < w->nlibrary; i++)
        ev_module_free(w->library[i]);
    free(w->library);
    ev_code_free(w->apply_code[0]);
    ev_code_free(w->apply_code[1]);
    free(w->atom2node);
    free(w->bifs);
    free(w->hooks);
    free(w->nodes);
    free(w);
}

const char *world_node_name(const world *w, int node_id)
{
    return w->nodes[node_id].name;
}

/* ---- the network's payloads go to their owner (world_set_payloads) ---- */

static void on_deliver(void *ctx, int from, int to, void *payload)
{
    world *w = ctx;
    w->payloads.deliver(w->payloads.ctx, from, to, payload);
}

static void on_drop(void *ctx, int from, int to, void *payload)
{
    world *w = ctx;
    w->payloads.drop(w->payloads.ctx, from, to, payload);
}

/* ---- life cycle ---- */

static void start_node(world *w, int node_id, const char *kind)
{
    vnode *nd = &w->nodes[node_id];
    nd->state = NODE_UP;
    nd->ever_booted = true;
    nd->next_pid = FIRST_SYSTEM_PID;
    nd->next_ref = 0;
    /* a node boots with the library, then the modules of its config, as
     * code:load_file of each at start-up; what the shell loaded since is
     * gone */
    rt_unload_all(nd);
    for (int i = 0; i < w->nlibrary; i++)
        rt_load_module(nd, w->library[i]);
    for (int i = 0; i < nd->cfg.nmodules; i++)
        rt_load_module(nd, nd->cfg.modules[i]);
    char text[64];
    snprintf(text, sizeof text, "creation %u", nd->creation);
    rt_emit(w, node_id, kind, NULL, NULL, NULL, NULL, NULL, NULL, text);
    EACH_HOOK(w, booted, w, node_id);
    if (nd->next_pid < FIRST_USER_PID)
        nd->next_pid = FIRST_USER_PID;
    shell_boot(w, node_id);
}

void world_boot(world *w, int node_id)
{
    vnode *nd = &w->nodes[node_id];
    if (nd->ever_booted)
        return;
    nd->creation = 1;
    start_node(w, node_id, "boot");
}

void world_eval(world *w, int node_id, const char *src, ev_code *code,
                const char *expect, ev_code *pattern, const char *where)
{
    shell_queue(w, node_id, src, code, expect, pattern, where);
}

void world_note(world *w, const char *text)
{
    rt_emit(w, -1, "note", NULL, NULL, NULL, NULL, NULL, NULL, text);
}

static void cut_link(world *w, int from, int to)
{
    if (net_is_cut(w->net, from, to))
        return;
    net_cut(w->net, from, to);
    EACH_HOOK(w, link_cut, w, from, to);
}

static void heal_link(world *w, int from, int to)
{
    int64_t since = net_cut_since(w->net, from, to);
    if (since < 0)
        return;
    net_heal(w->net, from, to);
    EACH_HOOK(w, link_healed, w, from, to, since);
}

void world_partition(world *w, const int *group)
{
    strbuf b;
    sb_init(&b);
    int ngroups = 0;
    for (int i = 0; i < w->n; i++)
        if (group[i] + 1 > ngroups)
            ngroups = group[i] + 1;
    for (int g = 0; g < ngroups; g++) {
        sb_puts(&b, g ? " | [" : "[");
        bool first = true;
        for (int i = 0; i < w->n; i++)
            if (group[i] == g) {
                if (!first)
                    sb_putc(&b, ',');
                sb_puts(&b, w->nodes[i].name);
                first = false;
            }
        sb_putc(&b, ']');
    }
    for (int a = 0; a < w->n; a++)
        for (int c = 0; c < w->n; c++)
            if (a != c && group[a] >= 0 && group[c] >= 0 && group[a] != group[c])
                cut_link(w, a, c);
    rt_emit(w, -1, "partition", NULL, NULL, NULL, NULL, NULL, NULL, b.s);
    sb_fini(&b);
}

void world_cut(world *w, int from, int to, bool both_ways)
{
    char text[512];
    snprintf(text, sizeof text, "%s %s %s", w->nodes[from].name,
             both_ways ? "<->" : "->", w->nodes[to].name);
    cut_link(w, from, to);
    if (both_ways)
        cut_link(w, to, from);
    rt_emit(w, from, "cut", w->nodes[to].name, NULL, NULL, NULL, NULL, NULL,
            text);
}

void world_heal(world *w, int a, int b)
{
    char text[512];
    snprintf(text, sizeof text, "%s <-> %s", w->nodes[a].name,
             w->nodes[b].name);
    heal_link(w, a, b);
    heal_link(w, b, a);
    rt_emit(w, a, "heal", w->nodes[b].name, NULL, NULL, NULL, NULL, NULL, text);
}

void world_heal_all(world *w)
{
    /* DETERMINISM: in (from, to) order. */
    for (int a = 0; a < w->n; a++)
        for (int b = 0; b < w->n; b++)
            if (a != b)
                heal_link(w, a, b);
    rt_emit(w, -1, "heal", NULL, NULL, NULL, NULL, NULL, NULL, "all links");
}

void world_set_latency(world *w, int from, int to, bool both_ways,
                       lat_dist latency, bool traced)
{
    net_set_latency(w->net, from, to, latency);
    if (both_ways)
        net_set_latency(w->net, to, from, latency);
    if (!traced)
        return;
    char text[512];
    if (latency.kind == LAT_CONSTANT)
        snprintf(text, sizeof text, "%s %s %s: %lldus", w->nodes[from].name,
                 both_ways ? "<->" : "->", w->nodes[to].name,
                 (long long)latency.a);
    else
        snprintf(text, sizeof text, "%s %s %s: %s", w->nodes[from].name,
                 both_ways ? "<->" : "->", w->nodes[to].name,
                 lat_kind_name(latency.kind));
    rt_emit(w, from, "latency", w->nodes[to].name, NULL, NULL, NULL, NULL,
            NULL, text);
}

void world_halt(world *w, int node_id)
{
    vnode *nd = &w->nodes[node_id];
    if (nd->state == NODE_DOWN)
        return;
    rt_emit(w, node_id, "halt", NULL, NULL, NULL, NULL, NULL, NULL, nd->name);
    shell_node_down(w, node_id);
    EACH_HOOK(w, halted, w, node_id);
    rt_kill_node(w, node_id);
    nd->state = NODE_DOWN;
}

void world_freeze(world *w, int node_id)
{
    vnode *nd = &w->nodes[node_id];
    if (nd->state != NODE_UP)
        return;
    nd->state = NODE_FROZEN;
    rt_emit(w, node_id, "freeze", NULL, NULL, NULL, NULL, NULL, NULL, nd->name);
    EACH_HOOK(w, frozen, w, node_id);
}

void world_resume(world *w, int node_id)
{
    vnode *nd = &w->nodes[node_id];
    if (nd->state != NODE_FROZEN)
        return;
    nd->state = NODE_UP;
    rt_emit(w, node_id, "resume", NULL, NULL, NULL, NULL, NULL, NULL, nd->name);
    EACH_HOOK(w, resumed, w, node_id);
    /* Processes with mail or a timeout that came meanwhile run again,
     * DETERMINISM: in pid order. */
    for (uint32_t i = 0; i < nd->nprocs; i++) {
        proc *p = nd->procs[i];
        if (p && (p->mq.len || p->timeout_due || !p->started))
            rt_wake(w, p);
    }
    shell_resumed(w, node_id);
}

void world_restart(world *w, int node_id)
{
    vnode *nd = &w->nodes[node_id];
    if (nd->state != NODE_DOWN)
        world_halt(w, node_id);
    nd->creation++;
    start_node(w, node_id, "restart");
}

void world_finish(world *w, world_unfinished_fn unfinished, void *ctx)
{
    for (int i = 0; i < w->n; i++)
        shell_finish(w, i, unfinished, ctx);
}

void world_set_source_reader(world *w, world_source_reader read, void *ctx)
{
    w->read_source = read;
    w->read_ctx = ctx;
}

/* The term heap's share of the memory, for --max-memory's message: a
 * cell with its allocator's header is about 48 bytes (world.h). */
static uint64_t term_heap_bytes(void)
{
    return term_live_cells() * 48;
}

void world_set_max_terms(world *w, uint64_t n)
{
    w->max_terms = n;
    term_set_cell_limit(n);
    xalloc_set_gauge("the term heap", term_heap_bytes);
}

void world_set_max_reductions(world *w, uint64_t n)
{
    w->max_reductions = n;
}

const char *world_limit(const world *w)
{
    return w->limit[0] ? w->limit : NULL;
}

int world_failures(const world *w)
{
    return w->failures;
}

/* ---- loaded modules ---- */

void world_set_library(world *w, ev_module *const *mods, int n)
{
    w->library = xcalloc((size_t)(n ? n : 1), sizeof *w->library);
    for (int i = 0; i < n; i++)
        w->library[i] = ev_module_hold(mods[i]);
    w->nlibrary = n;
}

void rt_unload_all(vnode *nd)
{
    for (uint32_t i = 0; i < nd->nmods; i++)
        ev_module_free(nd->mods[i]);
    nd->nmods = 0;
}

/* Keeps nd->mods sorted by name text, so m() lists them in order. */
void rt_load_module(vnode *nd, ev_module *m)
{
    uint32_t i = 0;
    while (i < nd->nmods
           && strcmp(atom_text(ev_module_name(nd->mods[i])),
                     atom_text(ev_module_name(m))) < 0)
        i++;
    ev_module_hold(m);
    if (i < nd->nmods && ev_module_name(nd->mods[i]) == ev_module_name(m)) {
        ev_module_free(nd->mods[i]);       /* a new version replaces it */
        nd->mods[i] = m;
        return;
    }
    if (nd->nmods == nd->capmods) {
        nd->capmods = nd->capmods ? nd->capmods * 2 : 8;
        nd->mods = xrealloc(nd->mods, nd->capmods * sizeof *nd->mods);
    }
    memmove(nd->mods + i + 1, nd->mods + i, (nd->nmods - i) * sizeof *nd->mods);
    nd->mods[i] = m;
    nd->nmods++;
}

const ev_module *rt_module(const vnode *nd, atom_t name)
{
    uint32_t lo = 0, hi = nd->nmods;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = strcmp(atom_text(ev_module_name(nd->mods[mid])), atom_text(name));
        if (c == 0)
            return nd->mods[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
