/* lib: the whole system on a new world. The order of installation is the
 * order of the layers, which is the order every hook runs in: dist/
 * before global/ before the applications (core/README.md). */
#include "core/lib/lib.h"

#include <stdlib.h>
#include "core/dist/dist.h"
#include "core/global/global.h"
#include "core/lib/apps.h"
#include "core/lib/lib_int.h"
#include "core/rt/rt.h"
#include "core/term/xalloc.h"

world *lib_world_new(sim *s, uint64_t seed, int n, const world_node_cfg *cfg)
{
    world *w = world_new(s, seed, n, cfg);
    dist_install(w);
    glob_install(w);
    apps_install(w);
    int k = lib_nsources();
    ev_module **mods = xcalloc((size_t)(k ? k : 1), sizeof *mods);
    for (int i = 0; i < k; i++)
        mods[i] = lib_module(lib_source_at(i)->name);
    world_set_library(w, mods, k);
    free(mods);
    return w;
}
