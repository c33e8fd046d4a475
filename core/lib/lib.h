/* lib: the library that ships with clustersim, and the whole system on
 * a world. core/lib/ is the top of core/: it may use every subsystem
 * below (global/, dist/, rt/, erl/, term/), and the timeline driver
 * (scenarios/) makes its worlds here. */
#ifndef CS_LIB_H
#define CS_LIB_H

#include <stdint.h>
#include "core/rt/world.h"
#include "sim/sim.h"

/* A world of `n` nodes (none booted) on `s`, as world_new makes it, with
 * every subsystem installed in layer order: dist/, global/, then lib/'s
 * applications, each registering its hooks and BIFs. Free with
 * world_free, before freeing `s`. */
world *lib_world_new(sim *s, uint64_t seed, int n, const world_node_cfg *cfg);

#endif
