/* global: OTP's global name registry on the virtual nodes, and the
 * transitive mesh it builds (connect_all, prevent_overlapping_partitions).
 *
 * This is core/global/'s interface to the layers above (lib/). It uses
 * dist/ (its protocol messages travel on the connections, it hears of
 * nodeup/nodedown through dist's hooks) and rt/. */
#ifndef CS_GLOBAL_H
#define CS_GLOBAL_H

#include "core/rt/rt.h"

/* Installs global on a new world (lib_world_new, after dist/): each
 * node's replica of the name table, its hooks and its BIFs. */
void glob_install(world *w);
/* The pid registered globally as name, as node x sees it, or NULL. */
const term_pid *glob_whereis(const world *w, int x, atom_t name);

#endif
