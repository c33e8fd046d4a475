/* apps: the built-in applications (gen_server, dist_kv), core/lib/'s C
 * part until they ship as Erlang sources. */
#ifndef CS_APPS_H
#define CS_APPS_H

#include "core/rt/rt.h"

/* Installs the applications on a new world: their BIFs, and the
 * applications a node's config lists started at its boot. */
void apps_install(world *w);

#endif
