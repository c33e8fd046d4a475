/* main: the command line only. Parses argv and dispatches to the
 * subcommands' modules; the only place that touches files by name,
 * stdout and stderr. Exit codes as in SCENARIO_FORMAT.md: 0 passed,
 * 1 an expectation or check failed, 2 invalid input (scenario or usage),
 * 3 an internal limit was reached. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scenarios/loader.h"
#include "scenarios/run.h"
#include "traces/trace.h"

#define CLUSTERSIM_VERSION "0.1.0"

static const char usage[] =
    "usage: clustersim <command> [options]\n"
    "\n"
    "commands:\n"
    "  run FILE [--seed N] [--text OUT.trace] [--quiet] [--max-events N]\n"
    "                      run a scenario: print its shell transcript, check\n"
    "                      its expectations, print the trace hash\n"
    "  validate FILE...    parse and check scenarios, run nothing\n"
    "\n"
    "options:\n"
    "  --seed N            override the scenario's seed (unsigned 64-bit)\n"
    "  --text FILE         write the canonical text trace to FILE\n"
    "  --quiet             print no transcript, only the outcome\n"
    "  --max-events N      stop with exit code 3 after N engine events\n"
    "                      (default 1000000000)\n"
    "  -h, --help          this help\n"
    "  --version           the program's version\n"
    "\n"
    "exit codes: 0 passed, 1 an expectation or check failed, 2 invalid\n"
    "scenario or usage, 3 an internal limit was reached\n";

static int usage_error(const char *fmt, const char *arg)
{
    fputs("clustersim: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n(see clustersim --help)\n", stderr);
    return 2;
}

static int parse_u64(const char *s, uint64_t *out)
{
    if (!*s || *s == '-' || *s == '+')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

static int cmd_validate(int argc, char **argv)
{
    if (argc < 1)
        return usage_error("%s", "validate needs at least one FILE");
    int bad = 0;
    for (int i = 0; i < argc; i++) {
        scn_plan *p = NULL;
        scn_error err;
        if (scn_load_file(argv[i], &p, &err) != SCN_OK) {
            fprintf(stderr, "%s\n", err.msg);
            bad = 1;
        } else {
            printf("%s: ok (%s, %d nodes, %d steps, %d checks)\n", argv[i],
                   p->name, p->nnodes, p->nsteps, p->nchecks);
        }
        scn_plan_free(p);
    }
    return bad ? 2 : 0;
}

typedef struct run_args {
    const char *file, *text;
    uint64_t seed, max_events;
    bool has_seed, quiet;
} run_args;

static int parse_run(int argc, char **argv, run_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 0; i < argc; i++) {
        const char *o = argv[i];
        bool has_val = i + 1 < argc;
        if (!strcmp(o, "--seed") || !strcmp(o, "--text") ||
            !strcmp(o, "--max-events")) {
            if (!has_val)
                return usage_error("%s needs a value", o);
            const char *v = argv[++i];
            if (!strcmp(o, "--text"))
                a->text = v;
            else if (!strcmp(o, "--seed")) {
                if (parse_u64(v, &a->seed))
                    return usage_error("--seed: not an unsigned 64-bit integer: %s", v);
                a->has_seed = true;
            } else if (parse_u64(v, &a->max_events) || !a->max_events)
                return usage_error("--max-events: not a positive integer: %s", v);
        } else if (!strcmp(o, "--quiet") || !strcmp(o, "-q")) {
            a->quiet = true;
        } else if (o[0] == '-' && o[1]) {
            return usage_error("unknown option: %s", o);
        } else if (a->file) {
            return usage_error("run takes one FILE; extra argument: %s", o);
        } else {
            a->file = o;
        }
    }
    if (!a->file)
        return usage_error("%s", "run needs a scenario FILE");
    return 0;
}

static int cmd_run(int argc, char **argv)
{
    run_args a;
    int rc = parse_run(argc, argv, &a);
    if (rc)
        return rc;
    scn_plan *p = NULL;
    scn_error err;
    if (scn_load_file(a.file, &p, &err) != SCN_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }

    /* The text trace goes to a temporary name and is renamed only when the
     * run completed, so an interrupted run never looks complete. */
    FILE *text = NULL;
    char tmp[4096];
    trace_text *tt = NULL;
    sim_observer extra;
    if (a.text) {
        if ((size_t)snprintf(tmp, sizeof tmp, "%s.partial", a.text) >= sizeof tmp) {
            scn_plan_free(p);
            return usage_error("--text: path too long: %s", a.text);
        }
        if (!(text = fopen(tmp, "w"))) {
            fprintf(stderr, "clustersim: %s: cannot write: %s\n", tmp,
                    strerror(errno));
            scn_plan_free(p);
            return 2;
        }
        tt = trace_text_new(text);
        extra = trace_text_observer(tt);
    }

    if (!a.quiet && p->description)
        printf("%%%% %s: %s\n", p->name, p->description);
    scn_run_opts o = {0};
    o.seed = a.seed;
    o.has_seed = a.has_seed;
    o.transcript = a.quiet ? NULL : stdout;
    o.report = stderr;
    o.extra = tt ? &extra : NULL;
    o.max_events = a.max_events;
    scn_run_result r;
    scn_run(p, &o, &r);
    fflush(stdout);

    int exit_code = (int)r.outcome;
    if (text) {
        bool bad = trace_text_failed(tt) | (fclose(text) != 0);
        trace_text_free(tt);
        if (bad) {
            fprintf(stderr, "clustersim: %s: write failed\n", tmp);
            exit_code = 2;
        } else if (r.outcome == SCN_LIMIT) {
            fprintf(stderr, "clustersim: incomplete trace left in %s\n", tmp);
        } else if (rename(tmp, a.text) != 0) {
            fprintf(stderr, "clustersim: %s: cannot rename to %s: %s\n", tmp,
                    a.text, strerror(errno));
            exit_code = 2;
        }
    }
    if (r.outcome == SCN_LIMIT)
        fprintf(stderr, "clustersim: %s: internal limit reached: %s\n",
                a.file, r.limit);
    printf("%%%% %s: %s (seed %" PRIu64 ", %" PRIu64 " events)\n", p->name,
           r.outcome == SCN_PASSED ? "passed"
           : r.outcome == SCN_FAILED ? "FAILED" : "INCOMPLETE",
           r.seed, r.events);
    printf("trace hash: %016" PRIx64 "\n", r.hash);
    scn_plan_free(p);
    return exit_code;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        fputs(usage, stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("clustersim %s\n", CLUSTERSIM_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "run"))
        return cmd_run(argc - 2, argv + 2);
    if (!strcmp(cmd, "validate"))
        return cmd_validate(argc - 2, argv + 2);
    return usage_error("unknown command: %s", cmd);
}
