/* apps: the applications a node's config lists ("apps"), started when
 * the node boots. An application is a loaded module, the library's
 * (core/lib/NAME.erl) or the user's; the loader has checked that it
 * exists and exports start_link/0 or start/0. */
#include "core/lib/apps.h"

#include <stdint.h>
#include <stdio.h>
#include "core/rt/rt.h"

/* The applications start one after the other, each once the one before
 * has returned from its start (application:start/1 of each, in order),
 * by a process of the node's own (as application_master runs an
 * application's start) whose output goes to the node's console:
 * Mod:start_link() if the module exports it, else Mod:start(). What it
 * returns is dropped; an exception is reported as a crashing process's.
 * Then the node's boot_eval, the same way (a workload's store). The
 * node's shell takes no step until the last has returned. */
static void start_app(world *w, int node, int i);

static void app_started(world *w, void *ctx, term *value, const ev_exception *x)
{
    (void)value, (void)x;
    uintptr_t k = (uintptr_t)ctx;
    start_app(w, (int)(k >> 16), (int)(k & 0xffff) + 1);
}

static void start_app(world *w, int node, int i)
{
    vnode *nd = &w->nodes[node];
    uintptr_t k = ((uintptr_t)node << 16) | (uintptr_t)i;
    if (i == nd->cfg.napps && nd->cfg.boot_eval) {
        shell_eval_detached(w, node, node, nd->cfg.boot_eval, ev_env_new(),
                            app_started, (void *)k);
        return;
    }
    if (i >= nd->cfg.napps) {
        shell_release(w, node);
        return;
    }
    const char *name = nd->cfg.apps[i];
    const ev_module *m = rt_module(nd, atom_intern(name));
    bool link = m && ev_module_export(m, atom_intern("start_link"), 0) != NULL;
    char src[300];
    snprintf(src, sizeof src, "%s:%s().", name, link ? "start_link" : "start");
    shell_eval_detached(w, node, node, src, ev_env_new(), app_started, (void *)k);
}

/* A booting node starts the applications its config lists, in order. */
static void on_booted(world *w, int node)
{
    if (w->nodes[node].cfg.napps == 0 && !w->nodes[node].cfg.boot_eval)
        return;
    shell_hold(w, node);
    start_app(w, node, 0);
}

void apps_install(world *w)
{
    world_hooks h = {0};
    h.booted = on_booted;
    world_add_hooks(w, &h);
    otp_install(w);
    store_install(w);
}
