/* cap: the strategies side by side (cli/cap.h). Each row is a complete
 * run of the same scenario with only its workload's strategy changed
 * (clustersim run FILE --strategy NAME gives the same run, trace and
 * hash), so the same seed draws the same arrivals and the same faults. */
#include "cli/cap.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/out.h"
#include "cli/run.h"
#include "core/term/xalloc.h"

enum { COL_STRATEGY, COL_MAJ, COL_MIN, COL_STALE, COL_LOST, COL_DISCARD,
       COL_LIN, COL_CONV, COL_HEAL, COL_SEED, NCOLS };
_Static_assert(NCOLS == CLI_CAP_NCOLS, "cli/cap.h counts the columns");

const char *const cli_cap_heads[NCOLS] = {
    "strategy", "available, majority [detect]", "available, minority [detect]",
    "stale reads", "lost writes", "values discarded", "linearizable",
    "converged (reads / replicas)", "converged after heal", "seed"
};

/* "97%" of a cell, "-" when nothing was invoked in it. */
static void share(char *b, size_t n, uint64_t ok, uint64_t inv)
{
    if (!inv)
        snprintf(b, n, "-");
    else
        snprintf(b, n, "%" PRIu64 "%%", (ok * 100 + inv / 2) / inv);
}

static void side_cell(char *b, size_t n, const cap_result *c, int side)
{
    char d[16], x[16];
    share(d, sizeof d, c->ok[CAP_DURING][side], c->invoked[CAP_DURING][side]);
    share(x, sizeof x, c->ok[CAP_DETECT][side], c->invoked[CAP_DETECT][side]);
    snprintf(b, n, "%s [%s]", d, x);
}

void cli_cap_cells(const cli_cap_row *r, char c[NCOLS][64])
{
    const scn_wl_result *w = &r->wl;
    const cap_result *k = &w->cap;
    snprintf(c[COL_STRATEGY], 64, "%s", r->strategy);
    if (r->exit_code == 3) {
        for (int i = 1; i < NCOLS; i++)
            snprintf(c[i], 64, "%s", i == COL_SEED ? "" : "limit");
        snprintf(c[COL_SEED], 64, "%" PRIu64, r->seed);
        return;
    }
    side_cell(c[COL_MAJ], 64, k, CAP_MAJORITY);
    side_cell(c[COL_MIN], 64, k, CAP_MINORITY);
    snprintf(c[COL_STALE], 64, "%zu", k->stale);
    snprintf(c[COL_LOST], 64, "%zu", k->lost);
    snprintf(c[COL_DISCARD], 64, "%zu", w->discards);
    snprintf(c[COL_LIN], 64, "%s", w->lin == HIST_LINEARIZABLE ? "yes"
             : w->lin == HIST_NOT_LINEARIZABLE ? "no" : "unknown");
    snprintf(c[COL_CONV], 64, "%s / %s", k->final_reads_agree ? "yes" : "no",
             k->replicas_agree > 0 ? "yes" : k->replicas_agree == 0 ? "no" : "-");
    if (k->converged_at < 0)
        snprintf(c[COL_HEAL], 64, "never");
    else if (w->heal_at < 0)
        snprintf(c[COL_HEAL], 64, "-");
    else
        snprintf(c[COL_HEAL], 64, "%.2f s",
                 (double)(k->converged_at - w->heal_at * 1000) / 1e9);
    snprintf(c[COL_SEED], 64, "%" PRIu64, r->seed);
}

static void print_table(const cli_cap_row *rows, size_t n, bool markdown)
{
    char (*c)[NCOLS][64] = xcalloc(n ? n : 1, sizeof *c);
    size_t width[NCOLS];
    for (int j = 0; j < NCOLS; j++)
        width[j] = strlen(cli_cap_heads[j]);
    for (size_t i = 0; i < n; i++) {
        cli_cap_cells(&rows[i], c[i]);
        for (int j = 0; j < NCOLS; j++)
            if (strlen(c[i][j]) > width[j])
                width[j] = strlen(c[i][j]);
    }
    const char *file = NULL;
    for (size_t i = 0; i <= n; i++) {
        bool head = i == n ? false : (!file || strcmp(file, rows[i].file));
        if (head) {
            file = rows[i].file;
            printf("%s%s (%s)\n\n", i ? "\n" : "", rows[i].scenario, file);
            for (int j = 0; j < NCOLS; j++) {
                if (markdown)
                    printf("| %s ", cli_cap_heads[j]);
                else
                    printf("%-*s%s", j + 1 < NCOLS ? (int)width[j] : 0, cli_cap_heads[j],
                           j + 1 < NCOLS ? "  " : "");
            }
            printf(markdown ? "|\n" : "\n");
            for (int j = 0; j < NCOLS && markdown; j++)
                printf("|---");
            printf(markdown ? "|\n" : "");
        }
        if (i == n)
            break;
        for (int j = 0; j < NCOLS; j++) {
            if (markdown)
                printf("| %s ", c[i][j]);
            else
                printf("%-*s%s", j + 1 < NCOLS ? (int)width[j] : 0, c[i][j],
                       j + 1 < NCOLS ? "  " : "");
        }
        printf(markdown ? "|\n" : "\n");
    }
    free(c);
}

/* The names of --strategies, or of the plan's compare list. */
static char **strategy_list(const scn_plan *p, const char *list, int *n)
{
    char **v;
    *n = 0;
    if (!list) {
        /* the scenario's own strategy first when the list lacks it */
        const scn_workload *w = &p->workload;
        bool listed = false;
        for (int i = 0; i < w->ncompare; i++)
            listed = listed || !strcmp(w->compare[i].name, w->strategy.name);
        v = xcalloc((size_t)w->ncompare + 2, sizeof *v);
        if (!listed)
            v[(*n)++] = xstrdup(w->strategy.name);
        for (int i = 0; i < w->ncompare; i++)
            v[(*n)++] = xstrdup(w->compare[i].name);
        return v;
    }
    v = xcalloc(strlen(list) + 2, sizeof *v);
    for (const char *s = list; *s;) {
        size_t k = strcspn(s, ",");
        if (k) {
            v[*n] = xcalloc(k + 1, 1);
            memcpy(v[(*n)++], s, k);
        }
        s += k + (s[k] == ',');
    }
    return v;
}

int cli_cap(const char *const *files, int nfiles, const cli_cap_opts *o)
{
    cli_cap_row *rows = NULL;
    size_t nrows = 0, cap = 0;
    int rc = 0;
    cli_out html = {0};
    if (o->html && cli_out_open(&html, "--html", o->html))
        return 2;
    for (int f = 0; f < nfiles && rc != 2; f++) {
        scn_plan *p = NULL;
        if (cli_load_plan(files[f], &p)) {
            rc = 2;
            break;
        }
        if (!p->workload.present) {
            fprintf(stderr, "clustersim: cap: %s has no workload to compare "
                    "strategies in\n", files[f]);
            scn_plan_free(p);
            rc = 2;
            break;
        }
        int ns;
        char **names = strategy_list(p, o->strategies, &ns);
        if (ns == 0) {
            fprintf(stderr, "clustersim: cap: --strategies names none\n");
            rc = 2;
        }
        for (int s = 0; s < ns && rc != 2; s++) {
            char err[1024];
            if (scn_plan_use_strategy(p, names[s], err, sizeof err)) {
                fprintf(stderr, "clustersim: cap: %s\n", err);
                rc = 2;
                break;
            }
            if (nrows == cap) {
                cap = cap ? 2 * cap : 16;
                rows = xrealloc(rows, cap * sizeof *rows);
            }
            cli_cap_row *r = &rows[nrows++];
            memset(r, 0, sizeof *r);
            history_init(&r->h);
            r->file = files[f];
            snprintf(r->scenario, sizeof r->scenario, "%s", p->name);
            snprintf(r->strategy, sizeof r->strategy, "%s", names[s]);
            cli_run_job a = {0};
            a.file = files[f];
            a.strategy = names[s];
            a.quiet = a.silent = true;
            a.keep = &r->h;
            r->exit_code = cli_run_one(&a);
            r->seed = a.r.seed;
            r->wl = a.r.wl;
            if (r->exit_code == 2)
                rc = 2;
            else if (r->exit_code == 3 && rc == 0)
                rc = 3;
        }
        for (int s = 0; s < ns; s++)
            free(names[s]);
        free(names);
        scn_plan_free(p);
    }
    if (rc != 2)
        print_table(rows, nrows, o->markdown);
    if (html.f) {
        int werr = rc == 2 ? 0 : cli_cap_html(html.f, rows, nrows);
        if (rc == 2)
            cli_out_abandon(&html);
        else if (cli_out_close(&html, werr, true, "page"))
            rc = 2;
    }
    for (size_t i = 0; i < nrows; i++)
        history_fini(&rows[i].h);
    free(rows);
    return rc;
}
