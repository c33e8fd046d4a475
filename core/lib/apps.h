/* apps: core/lib/'s C part: starting a node's applications, and the C
 * glue of the library's Erlang behaviours (bif_otp.c). */
#ifndef CS_APPS_H
#define CS_APPS_H

#include "core/rt/rt.h"

/* Installs on a new world the start of the applications a node's
 * config lists, at its boot, and the behaviours' BIFs. */
void apps_install(world *w);

/* The BIFs of the Erlang behaviours' C glue (bif_otp.c): error_logger's
 * reports, the crash report's exception text, function_exported/3. */
void otp_install(world *w);

/* The white-box BIFs of the workload's strategies (bif_store.c):
 * clustersim:replica/2, discard/4, pause/1, unpause/1, decision/1. */
void store_install(world *w);

#endif
