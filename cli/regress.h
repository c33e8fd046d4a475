/* regress: golden-trace regression of a folder of scenarios, `clustersim
 * regress DIR --golden GDIR [--update]` (cli/regress.c; the rules in
 * traces/README.md, "Golden traces"). */
#ifndef CS_CLI_REGRESS_H
#define CS_CLI_REGRESS_H

#include <stdbool.h>

/* Compares every scenario under dir (any depth) with its golden in gdir
 * (update: writes the goldens, removes stale ones). Prints one FAIL line
 * per failure and a "regress: N passed, M failed" line on stdout.
 * Returns 0, 1 if any failed, 2 when dir or gdir cannot be used. */
int cli_regress(const char *dir, const char *gdir, bool update);

#endif
