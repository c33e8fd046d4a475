/* apps: the applications a node's config lists ("apps"), started when
 * the node boots. An application is a loaded module, the library's
 * (core/lib/NAME.erl) or the user's; the loader has checked that it
 * exists and exports start_link/0 or start/0. */
#include "core/lib/apps.h"

#include <stdio.h>
#include "core/rt/rt.h"

/* An application that is a loaded module: Mod:start_link() if it
 * exports it, else Mod:start(), run by a process of the node's own (as
 * application_master runs an application's start), whose output goes to
 * the node's console. What it returns is dropped; an exception is
 * reported as a crashing process's. */
static void start_app(world *w, int node, const char *name)
{
    const ev_module *m = rt_module(&w->nodes[node], atom_intern(name));
    if (!m)
        return;
    bool link = ev_module_export(m, atom_intern("start_link"), 0) != NULL;
    char src[300];
    snprintf(src, sizeof src, "%s:%s().", name, link ? "start_link" : "start");
    shell_eval_detached(w, node, node, src, ev_env_new(), NULL, NULL);
}

/* A booting node starts the applications its config lists, in order. */
static void on_booted(world *w, int node)
{
    vnode *nd = &w->nodes[node];
    for (int i = 0; i < nd->cfg.napps; i++)
        start_app(w, node, nd->cfg.apps[i]);
}

void apps_install(world *w)
{
    world_hooks h = {0};
    h.booted = on_booted;
    world_add_hooks(w, &h);
    otp_install(w);
}
