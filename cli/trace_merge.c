/* trace merge: clustersim trace merge OUT.db IN.db... (sweep.h), the
 * command over trace_store_merge (traces/store.h; the rules in
 * traces/README.md, "Merging databases"). Exit 0 merged, 2 bad usage or
 * input, 4 a conflict. */
#include "cli/sweep.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli/opts.h"
#include "traces/store.h"

static const cli_opt merge_opts[] = {
    {"--help", "-h", NULL, "this help"}};

static const char merge_about[] =
    "usage: clustersim trace merge OUT.db IN.db...\n"
    "\n"
    "Copies every run of the trace databases IN.db into OUT.db (created if\n"
    "missing), with new run ids, in one canonical order: merging the same\n"
    "runs, however split across databases, gives the same database. A run\n"
    "already there (same scenario SHA-256, swarm, seed and version) is kept\n"
    "once if its hash and outcome agree, and is a conflict otherwise: then\n"
    "nothing is written. Exit 0 merged, 2 bad input, 4 a conflict.\n"
    "\n"
    "options:\n";

int cli_trace_merge_main(int argc, char **argv)
{
    cli_optparse op = {argc, argv, 0, false};
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    if (!files)
        abort();
    int k, n = 0;
    const char *v;
    while ((k = cli_opt_next(&op, merge_opts, 1, &v)) != CLI_OPT_END) {
        if (k == CLI_OPT_OPERAND) {
            files[n++] = v;
            continue;
        }
        free(files);
        if (k == CLI_OPT_ERROR)
            return 2;
        fputs(merge_about, stdout);
        cli_print_opts(stdout, merge_opts, 1);
        return 0;
    }
    if (n < 2) {
        free(files);
        return cli_usage_error("%s", n ? "trace merge needs at least one IN.db"
                               " after OUT.db" : "trace merge needs OUT.db and"
                               " at least one IN.db");
    }
    const char *out = files[0];
    struct stat so, si;
    bool have_out = stat(out, &so) == 0;
    for (int i = 1; i < n; i++) {
        if (!strcmp(files[i], out) ||
            (have_out && stat(files[i], &si) == 0 &&
             so.st_dev == si.st_dev && so.st_ino == si.st_ino)) {
            free(files);
            return cli_usage_error("trace merge: the output database %s is "
                                   "also an input", out);
        }
    }
    char err[2048] = "";
    trace_merge_stats st;
    int rc = trace_store_merge_stats(out, files + 1, n - 1, &st, err,
                                     sizeof err);
    if (rc) {
        fprintf(stderr, "clustersim: %s\n", err);
        free(files);
        return rc == 4 ? 4 : 2;
    }
    printf("merged %" PRId64 " run%s from %d database%s into %s (%" PRId64
           " duplicate%s kept once", st.added, st.added == 1 ? "" : "s",
           n - 1, n == 2 ? "" : "s", out, st.duplicates,
           st.duplicates == 1 ? "" : "s");
    if (st.incomplete)
        printf(", %" PRId64 " incomplete", st.incomplete);
    printf(")\n");
    free(files);
    return 0;
}
