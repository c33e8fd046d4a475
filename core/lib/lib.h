/* lib: the library that ships with clustersim, and the whole system on
 * a world. core/lib/ is the top of core/: it may use every subsystem
 * below (global/, dist/, rt/, erl/, term/), and the timeline driver
 * (scenarios/) makes its worlds here.
 *
 * The library's Erlang modules are the files core/lib/NAME.erl, built into
 * the binary (core/lib/embed.sh), compiled once per program the first
 * time they are needed, and loaded on every node at each boot before
 * the node's config.modules, which replace a library module of the same
 * name. */
#ifndef CS_LIB_H
#define CS_LIB_H

#include <stdint.h>
#include "core/erl/eval.h"
#include "core/rt/world.h"
#include "sim/sim.h"

/* A world of `n` nodes (none booted) on `s`, as world_new makes it, with
 * every subsystem installed in layer order: dist/, global/, then lib/'s
 * applications, each registering its hooks and BIFs, and the library's
 * modules. Free with world_free, before freeing `s`. */
world *lib_world_new(sim *s, uint64_t seed, int n, const world_node_cfg *cfg);

/* One module of the library: its name ("dist_kv"), file ("dist_kv.erl")
 * and source text. */
typedef struct lib_source {
    const char *name, *file, *text;
} lib_source;

/* The library's modules, in the order of their names: how many, and the
 * i-th (i < lib_nsources()). */
int lib_nsources(void);
const lib_source *lib_source_at(int i);
/* The module named `name`, or NULL. */
const lib_source *lib_source_find(const char *name);
/* The module compiled (borrowed: it lives as long as the program), or
 * NULL when there is no such module. The library compiles without
 * errors or warnings; a unit test holds it to that. */
ev_module *lib_module(const char *name);

/* Appends the reference of every function the nodes can call, as a
 * Markdown table (`clustersim lib --functions`, docs/functions.md): one
 * row per Mod:Fun/Arity in order, saying where it is implemented: run by
 * the VM, a C BIF of the registry, or an Erlang module of the library
 * (which replaces any other function of its module's name). */
void lib_functions(strbuf *out);

#endif
