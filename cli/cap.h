/* cap: `clustersim cap FILE... [--strategies LIST] [--markdown]
 * [--html OUT]` (cli/cap.c): one workload and one fault schedule run
 * under each strategy, the strategy the only variable, and one table of
 * what the checkers found (scenarios/cap/README.md explains its rows). */
#ifndef CS_CLI_CAP_H
#define CS_CLI_CAP_H

#include <stdbool.h>
#include <stddef.h>
#include "scenarios/run.h"
#include "traces/history.h"

/* One row: a strategy's run of a scenario. */
typedef struct cli_cap_row {
    const char *file;          /* borrowed */
    char scenario[128];
    char strategy[64];
    uint64_t seed;
    int exit_code;             /* the run's: 0, 1, 3 */
    scn_wl_result wl;
    history h;                 /* the run's history */
} cli_cap_row;

typedef struct cli_cap_opts {
    const char *strategies;    /* "a,b,c", or NULL: each file's compare list */
    bool markdown;
    const char *html;          /* OUT, or NULL */
} cli_cap_opts;

/* The table's columns: their heads, and the cells of a row (a limit
 * row reads "limit"), as `clustersim cap` prints them and the page
 * shows them. */
#define CLI_CAP_NCOLS 10
extern const char *const cli_cap_heads[CLI_CAP_NCOLS];
void cli_cap_cells(const cli_cap_row *r, char c[CLI_CAP_NCOLS][64]);

/* Runs the table. Returns 0 (every run completed), 2 (bad input, a
 * message printed) or 3 (a run hit a limit). */
int cli_cap(const char *const *files, int nfiles, const cli_cap_opts *o);

/* The page of the rows (cli/cap_html.c): self-contained HTML into f.
 * Returns 0, or -1 when a write failed. */
int cli_cap_html(FILE *f, const cli_cap_row *rows, size_t n);

#endif
