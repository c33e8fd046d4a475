/* lib_int.h: what core/lib/'s files share, and the table that
 * core/lib/embed.sh generates from core/lib/NAME.erl (lib_sources.c in the
 * build tree). No other folder includes it. */
#ifndef CS_LIB_INT_H
#define CS_LIB_INT_H

#include "core/lib/lib.h"

/* In the order of the file names, which is the order of the module
 * names; ends with a row of NULLs. */
extern const lib_source lib__sources[];
extern const int lib__nsources;

#endif
