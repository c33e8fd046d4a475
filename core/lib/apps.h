/* apps: the built-in applications (gen_server, dist_kv), core/lib/'s C
 * part until they ship as Erlang sources. */
#ifndef CS_APPS_H
#define CS_APPS_H

#include "core/rt/rt.h"

/* Installs the applications on a new world: their BIFs, and the
 * applications a node's config lists started at its boot. */
void apps_install(world *w);

/* The BIFs of the Erlang behaviours' C glue (bif_otp.c): error_logger's
 * reports, the crash report's exception text, function_exported/3. */
void otp_install(world *w);

#endif
