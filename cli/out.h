/* out: the files a run writes, --text, --html, `render -o` (cli/out.c).
 *
 * Only a regular file is ever replaced: a new or regular OUT is written
 * as OUT.partial and renamed over OUT when complete. A FIFO, a terminal,
 * standard output or error, /dev/null, or a regular file reached through a
 * symbolic link is written in place as it goes. A directory or any other
 * device is an error (exit 2), and so is an OUT.partial that is not a regular file.
 * Every failure is one line on stderr naming the reason (strerror). */
#ifndef CS_CLI_OUT_H
#define CS_CLI_OUT_H

#include <stdbool.h>
#include <stdio.h>
#include "traces/render.h"

typedef struct cli_out {
    const char *opt, *path;
    char tmp[4096];            /* OUT.partial, or "" when in place */
    FILE *f;
    bool borrowed;             /* f is stdout or stderr: not closed */
} cli_out;

/* Opens o for `path`, given as option `opt` (for messages). Returns 0, or
 * 2 after a message. */
int cli_out_open(cli_out *o, const char *opt, const char *path);
/* Closes o when the run did not happen: its OUT.partial is removed. */
void cli_out_abandon(cli_out *o);
/* Closes o. `werr`: an earlier write failed (its errno, or -1 unknown),
 * else 0. Complete: OUT.partial is renamed over OUT; incomplete: it is
 * left, saying so (`what`: "trace", "page"). A failed write removes
 * OUT.partial. Returns 0, or 2 after a message naming the reason. */
int cli_out_close(cli_out *o, int werr, bool complete, const char *what);
/* Writes the page of h into o and closes it (cli_out_close). */
int cli_out_html(trace_render *h, cli_out *o, bool complete);
/* A trace database must be a regular file, or not exist yet: SQLite
 * writes beside it (DB-journal), so a device or a FIFO is refused before
 * SQLite sees it. Returns 0, or 2 after a message. */
int cli_check_db_path(const char *path);

#endif
