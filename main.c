/* main: the command line only. Parses argv against each command's table
 * of options and dispatches to the commands (cli/: options, output
 * files, a run, regress); with cli/, the only place that touches files by
 * name, stdout and stderr. Exit codes as in scenarios/README.md: 0
 * passed, 1 an expectation or check failed, 2 invalid input (scenario or
 * usage), 3 an internal limit was reached. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/opts.h"
#include "cli/out.h"
#include "cli/regress.h"
#include "cli/cap.h"
#include "cli/run.h"
#include "cli/shrink.h"
#include "cli/sweep.h"
#include "core/lib/lib.h"
#include "traces/diff.h"
#include "traces/history.h"
#include "traces/render.h"
#include "traces/store.h"
#include "traces/trace.h"

/* ---- the commands' help ---- */

enum {
    RUN_SEED, RUN_TEXT, RUN_TRACE, RUN_HTML, RUN_QUIET, RUN_MAX_EVENTS,
    RUN_MAX_REDUCTIONS, RUN_MAX_TERMS, RUN_MAX_MEMORY, RUN_STRATEGY,
    RUN_HIST_EDN, RUN_HIST_JSON, RUN_SWARM, RUN_HELP, RUN_NOPTS
};
static const cli_opt run_opts[RUN_NOPTS] = {
    [RUN_SEED] = {"--seed", NULL, "N",
                  "override the scenario's seed (unsigned 64-bit)"},
    [RUN_TEXT] = {"--text", NULL, "FILE",
                  "write the canonical text trace to FILE"},
    [RUN_TRACE] = {"--trace", NULL, "DB",
                   "append the run to the SQLite trace database DB\n"
                   "(created if missing; marked complete only when\n"
                   "the run finished)"},
    [RUN_HTML] = {"--html", NULL, "FILE",
                  "write the run as an HTML sequence diagram to FILE"},
    [RUN_QUIET] = {"--quiet", "-q", NULL,
                   "print no transcript, only the outcome"},
    [RUN_MAX_EVENTS] = {"--max-events", NULL, "N",
                        "stop with exit code 3 after N engine events\n"
                        "(default 1000000000)"},
    [RUN_MAX_REDUCTIONS] = {"--max-reductions", NULL, "N",
                            "stop with exit code 3 when the Erlang code of\n"
                            "all processes has made N calls (default\n"
                            "1000000000)"},
    [RUN_MAX_TERMS] = {"--max-terms", NULL, "N",
                       "stop with exit code 3 when more than N term cells\n"
                       "are alive: a runaway heap (default 20000000,\n"
                       "about 1 GB)"},
    [RUN_MAX_MEMORY] = {"--max-memory", NULL, "SIZE",
                        "stop with exit code 3 when the process's memory\n"
                        "passes SIZE bytes (K, M, G, T: powers of 1024;\n"
                        "default: three quarters of the physical memory)"},
    [RUN_STRATEGY] = {"--strategy", NULL, "NAME",
                      "run the workload under strategy NAME instead of\n"
                      "the scenario's (one of its \"compare\" list, or a\n"
                      "library strategy with its defaults)"},
    [RUN_HIST_EDN] = {"--history-edn", NULL, "FILE",
                      "write the workload's history as Jepsen EDN to FILE"},
    [RUN_HIST_JSON] = {"--history-json", NULL, "FILE",
                       "write the workload's history as JSON lines to FILE"},
    [RUN_SWARM] = {"--swarm", NULL, NULL,
                   "swarm mode: the seed also draws the fault kinds\n"
                   "banned and the knobs latency, loss and net_ticktime\n"
                   "(scenarios/README.md, \"Swarm\")"},
    [RUN_HELP] = {"--help", "-h", NULL, "this help"},
};

static const char run_about[] =
    "usage: clustersim run FILE... [options]\n"
    "\n"
    "Runs each scenario: prints its shell transcript, checks its\n"
    "expectations, prints the trace hash. FILE - reads the scenario from\n"
    "standard input; its relative module paths then name files from the\n"
    "current directory (a FILE's, from its folder). With several\n"
    "FILEs a summary ends the output (passed or failed per file) and the\n"
    "exit code is the highest of theirs; --text and --html take one FILE.\n"
    "\n"
    "Outputs: a regular file (or a new one) is written as OUT.partial and\n"
    "renamed to OUT when the run completed; a FIFO, a terminal or\n"
    "/dev/stdout is written in place as the run goes; a directory or\n"
    "another device is an error (exit 2). Interrupted (SIGINT, SIGTERM),\n"
    "a run leaves OUT.partial, marks its stored run interrupted and exits\n"
    "130 (SIGINT) or 143 (SIGTERM).\n"
    "\n"
    "options:\n";

static const cli_opt validate_opts[] = {{"--help", "-h", NULL, "this help"}};
static const char validate_about[] =
    "usage: clustersim validate FILE...\n"
    "\n"
    "Parses and checks scenarios, runs nothing; FILE - reads standard\n"
    "input. Exit 0 when all are valid, 2 otherwise.\n"
    "\n"
    "options:\n";

static const cli_opt show_opts[] = {
    {"--run", NULL, "ID", "the run to print (default: the newest)"},
    {"--help", "-h", NULL, "this help"}};
static const char trace_about[] =
    "usage: clustersim trace show DB [--run ID]\n"
    "       clustersim trace diff A B\n"
    "       clustersim trace merge OUT.db IN.db...   (see trace merge --help)\n"
    "\n"
    "show prints a stored run as the canonical text trace, byte for byte\n"
    "as --text. diff compares two traces and prints the first differing\n"
    "line with context; exit 0 equal, 1 different, 2 unreadable (also a\n"
    "binary file, or a line longer than 64 MiB). A trace is a text trace\n"
    "file ('#' lines ignored), a trace database (its newest run), or DB#ID\n"
    "(run ID of database DB).\n"
    "\n"
    "options of show:\n";

static const cli_opt render_opts[] = {
    {"--run", NULL, "ID", "the run to draw (default: the newest)"},
    {"-o", NULL, "OUT.html",
     "the page to write (as --html writes: see run --help)"},
    {"--help", "-h", NULL, "this help"}};
static const char render_about[] =
    "usage: clustersim render DB [--run ID] -o OUT.html\n"
    "\n"
    "Draws a stored run as a self-contained HTML sequence diagram.\n"
    "\n"
    "options:\n";

static const cli_opt lib_opts[] = {
    {"--functions", NULL, NULL, "list every function the nodes can call and\n"
     "what implements it"},
    {"--help", "-h", NULL, "this help"}};
static const char lib_about[] =
    "usage: clustersim lib [NAME | --functions]\n"
    "\n"
    "The Erlang modules that ship with clustersim and are loaded on every\n"
    "node: lists them, or prints the source of NAME.\n"
    "\n"
    "options:\n";

enum { REG_GOLDEN, REG_UPDATE, REG_HELP, REG_NOPTS };
static const cli_opt regress_opts[REG_NOPTS] = {
    [REG_GOLDEN] = {"--golden", NULL, "GDIR",
                    "the folder of the golden traces (required)"},
    [REG_UPDATE] = {"--update", NULL, NULL,
                    "rewrite every golden from this binary, and\n"
                    "delete goldens whose scenario is gone"},
    [REG_HELP] = {"--help", "-h", NULL, "this help"},
};
static const char regress_about[] =
    "usage: clustersim regress DIR --golden GDIR [--update]\n"
    "\n"
    "Golden-trace regression of every scenario under DIR (*.json, at any\n"
    "depth). The golden of DIR/a/b.json is GDIR/a_b.trace: its '#' header\n"
    "records the seed and the trace hash, the rest is the canonical text\n"
    "trace. Each scenario is run with the golden's seed, twice (the hashes\n"
    "must agree), stored in a database (trace show must give back the\n"
    "text) and compared with the golden; the first difference is shown.\n"
    "A missing golden, or one whose scenario is gone, fails. --update\n"
    "writes the goldens instead (review them like code). Exit 0 all\n"
    "passed, 1 some failed, 2 bad usage.\n"
    "\n"
    "options:\n";

enum { HIS_MODEL, HIS_BUDGET, HIS_HELP, HIS_NOPTS };
static const cli_opt history_opts[HIS_NOPTS] = {
    [HIS_MODEL] = {"--model", NULL, "M",
                   "register (read, write) or cas-register (read,\n"
                   "write, cas; the default)"},
    [HIS_BUDGET] = {"--budget", NULL, "STATES",
                    "the most states the search explores per key\n"
                    "before it gives up with unknown (default 1000000)"},
    [HIS_HELP] = {"--help", "-h", NULL, "this help"},
};
static const char history_about[] =
    "usage: clustersim history check FILE [--model register|cas-register]\n"
    "                                [--budget STATES]\n"
    "\n"
    "Checks that a history of register operations is linearizable, key by\n"
    "key (Wing & Gong's search with memoisation, as Knossos and Porcupine\n"
    "do). FILE holds one event a line, as JSON ({\"index\", \"type\", \"f\",\n"
    "\"key\", \"value\", \"process\", \"time\"}) or Jepsen EDN ({:type :invoke,\n"
    ":f :write, :value [k v], :process 0, ...}); formats in traces/README.md.\n"
    "ok operations took effect, fail ones did not, info ones (and those\n"
    "never completed) may have, at any time after their invocation. Exit 0\n"
    "linearizable, 1 not (the key and the failing window are printed), 2\n"
    "unreadable input or bad usage, 3 unknown: the budget ran out.\n"
    "\n"
    "options:\n";

enum { CAP_STRATEGIES, CAP_MARKDOWN, CAP_HTML, CAP_HELP, CAP_NOPTS };
static const cli_opt cap_opts[CAP_NOPTS] = {
    [CAP_STRATEGIES] = {"--strategies", NULL, "LIST",
                        "the strategies to compare, by name, comma-\n"
                        "separated (default: the workload's \"compare\"\n"
                        "list)"},
    [CAP_MARKDOWN] = {"--markdown", NULL, NULL, "print the table as Markdown"},
    [CAP_HTML] = {"--html", NULL, "OUT",
                  "also draw the runs as one HTML page: availability\n"
                  "over time, the histories, the failing window"},
    [CAP_HELP] = {"--help", "-h", NULL, "this help"},
};
static const char cap_about[] =
    "usage: clustersim cap FILE... [--strategies LIST] [--markdown] [--html OUT]\n"
    "\n"
    "Runs each scenario's workload once per strategy, with the same seed,\n"
    "arrivals and faults, the strategy the only variable, and prints one\n"
    "table: availability during the partition per side (ok / invoked,\n"
    "the detection window in brackets), stale reads, acknowledged writes\n"
    "lost, linearizable, converged (final reads / replicas), the time to\n"
    "converge after the heal, and the seed. A row is the run that\n"
    "`clustersim run FILE --strategy NAME` makes. scenarios/cap/README.md\n"
    "explains the rows. Exit 0, 2 bad input, 3 a run hit a limit.\n"
    "\n"
    "options:\n";

#define NOPTS(t) ((int)(sizeof t / sizeof t[0]))

static int cmd_help(const char *about, const cli_opt *tab, int n)
{
    fputs(about, stdout);
    cli_print_opts(stdout, tab, n);
    return 0;
}

static void usage(FILE *f)
{
    fputs("usage: clustersim <command> [options]\n"
          "\n"
          "commands:\n"
          "  run FILE... [options]\n"
          "                      run scenarios: print the shell transcript, check\n"
          "                      the expectations, print the trace hash\n"
          "  validate FILE...    parse and check scenarios, run nothing\n"
          "  trace show DB [--run ID]\n"
          "                      print a stored run (default: the newest) as the\n"
          "                      canonical text trace, byte for byte as --text\n"
          "  trace diff A B      compare two traces; print the first differing\n"
          "                      line with context; exit 0 equal, 1 different,\n"
          "                      2 unreadable\n"
          "  trace merge OUT.db IN.db...\n"
          "                      copy the runs of IN.db into OUT.db, each kept once\n"
          "  render DB [--run ID] -o OUT.html\n"
          "                      draw a stored run (default: the newest) as a\n"
          "                      self-contained HTML sequence diagram\n"
          "  regress DIR --golden GDIR [--update]\n"
          "                      golden-trace regression of the scenarios of DIR\n"
          "  sweep FILE... --seeds A..B [--jobs N] [--shard I/N] [--results OUT]\n"
          "                      run many seeds, on worker processes, into one\n"
          "                      result line per run; sweep merge OUT IN...\n"
          "                      combines the results of shards\n"
          "  cap FILE... [--strategies LIST] [--markdown] [--html OUT]\n"
          "                      run a workload under each strategy and print\n"
          "                      one table of what the checkers found\n"
          "  history check FILE [--model register|cas-register] [--budget STATES]\n"
          "                      check that a history (JSON lines or Jepsen EDN)\n"
          "                      is linearizable: exit 0 yes, 1 no, 3 unknown\n"
          "  materialize FILE [--seed S] [--swarm] [-o OUT.json]\n"
          "                      write FILE with the faults and knobs the seed\n"
          "                      draws (nemesis, --swarm) as explicit steps\n"
          "  shrink FILE [--seed S] [--swarm] [-o MIN.json]\n"
          "                      reduce a failing seed to a small scenario that\n"
          "                      still fails the same way\n"
          "  lib [NAME | --functions]\n"
          "                      the Erlang modules that ship with clustersim and\n"
          "                      are loaded on every node: list them, print the\n"
          "                      source of NAME, or list every function the nodes\n"
          "                      can call and what implements it\n"
          "\n"
          "clustersim COMMAND --help prints a command's help. FILE - is standard\n"
          "input. A value follows its option (--seed 5) or an '=' (--seed=5).\n"
          "\n"
          "options of run:\n", f);
    cli_print_opts(f, run_opts, RUN_HELP);
    fputs("\n"
          "  -h, --help           this help\n"
          "  --version            the program's version\n"
          "\n"
          "exit codes: 0 passed, 1 an expectation or check failed, 2 invalid\n"
          "scenario or usage (or an output that cannot be written), 3 an\n"
          "internal limit was reached, 4 a determinism mismatch (sweep), 130\n"
          "and 143 interrupted (SIGINT, SIGTERM)\n", f);
}

static int cmd_validate(int argc, char **argv)
{
    cli_optparse op = {argc, argv, 0, false};
    const char *v;
    int k, nfiles = 0, bad = 0;
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    if (!files)
        abort();
    while ((k = cli_opt_next(&op, validate_opts, NOPTS(validate_opts),
                             &v)) != CLI_OPT_END) {
        if (k == CLI_OPT_OPERAND) {
            files[nfiles++] = v;
            continue;
        }
        free(files);
        return k == CLI_OPT_ERROR ? 2
            : cmd_help(validate_about, validate_opts, NOPTS(validate_opts));
    }
    if (nfiles < 1) {
        free(files);
        return cli_usage_error("%s", "validate needs at least one FILE");
    }
    for (int i = 0; i < nfiles; i++) {
        scn_plan *p = NULL;
        if (cli_load_plan(files[i], &p)) {
            bad = 1;
        } else {
            if (p->warnings)
                fputs(p->warnings, stderr);
            printf("%s: ok (%s, %d nodes, %d steps, %d checks)\n",
                   strcmp(files[i], "-") ? files[i] : "<stdin>",
                   p->name, p->nnodes, p->nsteps, p->nchecks);
        }
        scn_plan_free(p);
    }
    free(files);
    return bad ? 2 : 0;
}

static int run_many(cli_run_job *a, const char **files, int nfiles);

static int cmd_run(int argc, char **argv)
{
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    if (!files)
        abort();
    cli_run_job a;
    memset(&a, 0, sizeof a);
    cli_optparse op = {argc, argv, 0, false};
    const char *v;
    int k, nfiles = 0, rc = -1;
    while (rc < 0 &&
           (k = cli_opt_next(&op, run_opts, RUN_NOPTS, &v)) != CLI_OPT_END) {
        switch (k) {
        case CLI_OPT_ERROR:
            rc = 2;
            break;
        case CLI_OPT_OPERAND:
            files[nfiles++] = v;
            break;
        case RUN_SEED:
            if (cli_parse_u64(v, &a.seed))
                rc = cli_usage_error("--seed: not an unsigned 64-bit integer: %s",
                    v);
            a.has_seed = true;
            break;
        case RUN_TEXT:
            a.text = v;
            break;
        case RUN_TRACE:
            a.db = v;
            break;
        case RUN_HTML:
            a.html = v;
            break;
        case RUN_QUIET:
            a.quiet = true;
            break;
        case RUN_MAX_EVENTS:
            if (cli_parse_u64(v, &a.max_events) || !a.max_events)
                rc = cli_usage_error("--max-events: not a positive integer: %s", v);
            break;
        case RUN_MAX_REDUCTIONS:
            if (cli_parse_u64(v, &a.max_reductions) || !a.max_reductions)
                rc = cli_usage_error("--max-reductions: not a positive "
                                   "integer: %s", v);
            break;
        case RUN_MAX_TERMS:
            if (cli_parse_u64(v, &a.max_terms) || !a.max_terms)
                rc = cli_usage_error("--max-terms: not a positive integer: %s", v);
            break;
        case RUN_MAX_MEMORY:
            if (cli_parse_size(v, &a.max_memory))
                rc = cli_usage_error("--max-memory: not a positive size (bytes, "
                                     "or a number with K, M, G or T): %s", v);
            break;
        case RUN_STRATEGY:
            a.strategy = v;
            break;
        case RUN_HIST_EDN:
            a.hist_edn = v;
            break;
        case RUN_HIST_JSON:
            a.hist_json = v;
            break;
        case RUN_SWARM:
            a.swarm = true;
            break;
        case RUN_HELP:
            rc = cmd_help(run_about, run_opts, RUN_NOPTS);
            break;
        }
    }
    if (rc < 0)
        rc = run_many(&a, files, nfiles);
    free(files);
    return rc;
}

/* run FILE...: one, or several and a summary. */
static int run_many(cli_run_job *ap, const char **files, int nfiles)
{
    cli_run_job a = *ap;
    if (!nfiles)
        return cli_usage_error("%s", "run needs a scenario FILE");
    if (nfiles > 1 && (a.text || a.html || a.hist_edn || a.hist_json))
        return cli_usage_error("%s writes one run: give one FILE",
                           a.text ? "--text" : a.html ? "--html"
                           : a.hist_edn ? "--history-edn" : "--history-json");
    if (nfiles == 1) {
        a.file = files[0];
        return cli_run_one(&a);
    }
    int worst = 0, npass = 0;
    int *codes = calloc((size_t)nfiles, sizeof *codes);
    if (!codes)
        abort();
    for (int i = 0; i < nfiles; i++) {
        a.file = files[i];
        codes[i] = cli_run_one(&a);
        if (codes[i] > worst)
            worst = codes[i];
        npass += codes[i] == 0;
    }
    printf("%%%% summary: %d scenarios, %d passed, %d failed\n", nfiles, npass,
           nfiles - npass);
    for (int i = 0; i < nfiles; i++)
        printf("%%%%   %s: %s\n", strcmp(files[i], "-") ? files[i] : "<stdin>",
               codes[i] == 0 ? "passed" : codes[i] == 1 ? "FAILED (exit 1)"
               : codes[i] == 3 ? "INCOMPLETE (exit 3)" : "INVALID (exit 2)");
    free(codes);
    return worst;
}

/* Resolves "DB", "DB#ID" and --run ID to a stored run: fills path and
 * info and returns 0, or says why not on stderr and returns the exit
 * code (2). */
static int resolve_run(const char *spec, const char *run, char *path,
                       size_t n, trace_run_info *info)
{
    char err[1024];
    int64_t run_id;
    bool is_db;
    if (trace_spec_parse(spec, path, n, &run_id, &is_db, err, sizeof err)) {
        fprintf(stderr, "clustersim: %s\n", err);
        return 2;
    }
    if (!is_db) {
        fprintf(stderr, "clustersim: %s: not a trace database (not an SQLite "
                "file)\n", path);
        return 2;
    }
    if (run) {
        uint64_t v;
        if (cli_parse_u64(run, &v) || !v || v > INT64_MAX)
            return cli_usage_error("--run: not a run id: %s", run);
        if (run_id >= 0 && run_id != (int64_t)v)
            return cli_usage_error("--run %s contradicts the #RUN in the DB "
                               "argument", run);
        run_id = (int64_t)v;
    }
    if (trace_store_run_info(path, run_id, info, err, sizeof err)) {
        fprintf(stderr, "clustersim: %s\n", err);
        return 2;
    }
    return 0;
}

static int cmd_trace_show(int argc, char **argv)
{
    const char *spec = NULL, *run = NULL, *v;
    cli_optparse op = {argc, argv, 0, false};
    int k;
    while ((k = cli_opt_next(&op, show_opts, NOPTS(show_opts),
                             &v)) != CLI_OPT_END) {
        if (k == CLI_OPT_ERROR)
            return 2;
        if (k == 0) {
            run = v;
        } else if (k == 1) {
            return cmd_help(trace_about, show_opts, NOPTS(show_opts));
        } else if (spec) {
            return cli_usage_error("trace show takes one DB; extra argument: %s",
                v);
        } else {
            spec = v;
        }
    }
    if (!spec)
        return cli_usage_error("%s", "trace show needs a DB");
    char path[4096], err[1024];
    trace_run_info info;
    int rc0 = resolve_run(spec, run, path, sizeof path, &info);
    if (rc0)
        return rc0;
    cli_show_ctx c = {NULL, 0, 0xcbf29ce484222325ULL, stdout, false};
    int rc = trace_store_read(path, info.id, cli_show_emit, &c, NULL, err,
                              sizeof err);
    free(c.line);
    if (fflush(stdout) || c.failed) {
        fprintf(stderr, "clustersim: write error on standard output: %s\n",
                strerror(errno));
        return 2;
    }
    if (rc) {
        fprintf(stderr, "clustersim: %s\n", err);
        return 2;
    }
    char hex[32];
    snprintf(hex, sizeof hex, "%016" PRIx64, c.hash);
    if (!info.complete) {
        fprintf(stderr, "clustersim: warning: %s#%" PRId64 " is incomplete "
                "(%s): a prefix of the run\n", path, info.id,
                info.outcome[0] ? info.outcome : "never ended");
    } else if (strcmp(hex, info.hash)) {
        fprintf(stderr, "clustersim: %s#%" PRId64 ": the events hash to %s "
                "but the run recorded %s: the database was altered\n", path,
                info.id, hex, info.hash);
        return 2;
    }
    return 0;
}

/* render DB [--run ID] -o OUT.html: a stored run as an HTML page. */
static int cmd_render(int argc, char **argv)
{
    const char *spec = NULL, *run = NULL, *outp = NULL, *v;
    cli_optparse op = {argc, argv, 0, false};
    int k;
    while ((k = cli_opt_next(&op, render_opts, NOPTS(render_opts),
                             &v)) != CLI_OPT_END) {
        if (k == CLI_OPT_ERROR)
            return 2;
        if (k == 0)
            run = v;
        else if (k == 1)
            outp = v;
        else if (k == 2)
            return cmd_help(render_about, render_opts, NOPTS(render_opts));
        else if (spec)
            return cli_usage_error("render takes one DB; extra argument: %s", v);
        else
            spec = v;
    }
    if (!spec)
        return cli_usage_error("%s", "render needs a DB");
    if (!outp)
        return cli_usage_error("%s", "render needs -o OUT.html");
    char path[4096], err[1024];
    trace_run_info info;
    int rc0 = resolve_run(spec, run, path, sizeof path, &info);
    if (rc0)
        return rc0;
    cli_out of;
    if (cli_out_open(&of, "-o", outp))
        return 2;
    char sub[sizeof path + sizeof info.file + 128];
    snprintf(sub, sizeof sub, "%s#%" PRId64 " \xc2\xb7 %s \xc2\xb7 seed %"
             PRIu64 " \xc2\xb7 %s", path, info.id, info.file, info.seed,
             info.complete ? info.outcome : "incomplete run");
    trace_render_opts ro = {0};
    ro.title = info.scenario;
    ro.subtitle = sub;
    trace_render *h = trace_render_new(&ro);
    int rc = trace_store_read(path, info.id, trace_render_add, h, NULL, err,
                              sizeof err);
    if (rc) {
        fprintf(stderr, "clustersim: %s\n", err);
        cli_out_abandon(&of);
        trace_render_free(h);
        return 2;
    }
    rc = cli_out_html(h, &of, true);
    trace_render_free(h);
    return rc;
}

static int cmd_trace(int argc, char **argv)
{
    if (argc < 1)
        return cli_usage_error("%s", "trace needs a subcommand: show, diff or merge");
    if (!strcmp(argv[0], "merge"))
        return cli_trace_merge_main(argc - 1, argv + 1);
    if (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h") ||
        (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))))
        return cmd_help(trace_about, show_opts, NOPTS(show_opts));
    if (!strcmp(argv[0], "show"))
        return cmd_trace_show(argc - 1, argv + 1);
    if (!strcmp(argv[0], "diff")) {
        if (argc != 3)
            return cli_usage_error("%s", "trace diff takes two traces: A B");
        char err[1024];
        int rc = trace_diff(argv[1], argv[2], 3, stdout, err, sizeof err);
        if (rc < 0) {
            fprintf(stderr, "clustersim: %s\n", err);
            return 2;
        }
        return rc;
    }
    return cli_usage_error("unknown trace subcommand: %s (show, diff or merge)",
                           argv[0]);
}

static int cmd_regress(int argc, char **argv)
{
    const char *dir = NULL, *gdir = NULL, *v;
    bool update = false;
    cli_optparse op = {argc, argv, 0, false};
    int k;
    while ((k = cli_opt_next(&op, regress_opts, REG_NOPTS, &v)) !=
           CLI_OPT_END) {
        switch (k) {
        case CLI_OPT_ERROR:
            return 2;
        case REG_GOLDEN:
            gdir = v;
            break;
        case REG_UPDATE:
            update = true;
            break;
        case REG_HELP:
            return cmd_help(regress_about, regress_opts, REG_NOPTS);
        default:
            if (dir)
                return cli_usage_error("regress takes one DIR; extra argument: %s",
                    v);
            dir = v;
        }
    }
    if (!dir)
        return cli_usage_error("%s", "regress needs a DIR of scenarios");
    if (!gdir)
        return cli_usage_error("%s", "regress needs --golden GDIR");
    return cli_regress(dir, gdir, update);
}

/* What a library module is for: the first sentence of its opening
 * comment, less its "%% name: " (every module of core/lib/ starts so). */
static void print_summary(const lib_source *src)
{
    strbuf b;
    sb_init(&b);
    const char *t = src->text;
    while (*t == '%') {
        while (*t == '%' || *t == ' ')
            t++;
        size_t n = strcspn(t, "\n");
        const char *stop = NULL;
        for (const char *q = t; q < t + n; q++)
            if (*q == '.' && (q + 1 == t + n || q[1] == ' ')) {
                stop = q + 1;
                break;
            }
        if (b.len)
            sb_putc(&b, ' ');
        sb_putn(&b, t, stop ? (size_t)(stop - t) : n);
        t += n + (t[n] == '\n');
        if (stop)
            break;
    }
    const char *s = b.s ? b.s : "";
    size_t n = strlen(src->name);
    if (!strncmp(s, src->name, n) && s[n] == ':')
        s += n + 1 + (s[n + 1] == ' ');
    printf("  %-14s %s\n", src->name, s);
    sb_fini(&b);
}

static void print_val(hist_val v)
{
    if (v.nil)
        fputs("nil (never written)", stdout);
    else
        printf("%" PRId64, v.v);
}

static int cmd_history_check(int argc, char **argv)
{
    cli_optparse p = {argc, argv, 0, false};
    const char *v, *file = NULL, *model_s = "cas-register";
    uint64_t budget = HISTORY_DEFAULT_BUDGET;
    int o;
    while ((o = cli_opt_next(&p, history_opts, HIS_NOPTS, &v)) != CLI_OPT_END) {
        switch (o) {
        case CLI_OPT_ERROR:
            return 2;
        case HIS_MODEL:
            model_s = v;
            break;
        case HIS_BUDGET:
            if (cli_parse_u64(v, &budget) || budget == 0)
                return cli_usage_error("--budget: not a positive integer: %s", v);
            break;
        case HIS_HELP:
            return cmd_help(history_about, history_opts, HIS_NOPTS);
        default:
            if (file)
                return cli_usage_error("history check takes one FILE; extra argument: %s", v);
            file = v;
        }
    }
    if (!file)
        return cli_usage_error("%s", "history check needs a FILE");
    hist_model model;
    if (!strcmp(model_s, "register"))
        model = HIST_REGISTER;
    else if (!strcmp(model_s, "cas-register"))
        model = HIST_CAS_REGISTER;
    else
        return cli_usage_error("--model: register or cas-register, not %s", model_s);
    history h;
    history_init(&h);
    char err[512];
    if (history_read_file(file, &h, err, sizeof err)) {
        fprintf(stderr, "clustersim: %s\n", err);
        history_fini(&h);
        return 2;
    }
    hist_result r;
    if (history_check(&h, model, budget, &r, err, sizeof err)) {
        fprintf(stderr, "clustersim: %s: %s\n", strcmp(file, "-") ? file : "<stdin>", err);
        history_fini(&h);
        return 2;
    }
    int rc = 0;
    char line[512];
    if (r.verdict == HIST_LINEARIZABLE) {
        printf("linearizable: %zu operations, %zu keys, %" PRIu64 " states explored "
               "(model %s)\n", h.n, r.keys, r.states, model_s);
    } else if (r.verdict == HIST_UNKNOWN) {
        printf("unknown: the search on key %" PRId64 " ran out of its budget of %" PRIu64
               " states (--budget); no key is known not linearizable\n", r.key, budget);
        rc = 3;
    } else {
        rc = 1;
        printf("not linearizable: key %" PRId64 " (model %s)\n", r.key, model_s);
        printf("  furthest the search got: %zu of the key's %zu operations took effect,"
               " leaving the register at ", r.done, r.nkey_ops);
        print_val(r.state);
        fputs("\n", stdout);
        if (r.last != SIZE_MAX) {
            history_op_describe(&h.ops[r.last], line, sizeof line);
            printf("  the last to take effect: %s\n", line);
        }
        history_op_describe(&h.ops[r.failing], line, sizeof line);
        printf("  then this one cannot complete: %s\n", line);
        printf("  the window (the operations overlapping it, and the last writes "
               "before it, %zu):\n", r.nwindow);
        for (size_t i = 0; i < r.nwindow; i++) {
            history_op_describe(&h.ops[r.window[i]], line, sizeof line);
            printf("    %s\n", line);
        }
        printf("  no order of the operations open there is legal from that state\n");
    }
    history_result_fini(&r);
    history_fini(&h);
    return rc;
}

static int cmd_cap(int argc, char **argv)
{
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    if (!files)
        abort();
    cli_cap_opts o = {0};
    cli_optparse p = {argc, argv, 0, false};
    const char *v;
    int k, n = 0, rc = -1;
    while (rc < 0 && (k = cli_opt_next(&p, cap_opts, CAP_NOPTS, &v)) != CLI_OPT_END) {
        switch (k) {
        case CLI_OPT_ERROR: rc = 2; break;
        case CLI_OPT_OPERAND: files[n++] = v; break;
        case CAP_STRATEGIES: o.strategies = v; break;
        case CAP_MARKDOWN: o.markdown = true; break;
        case CAP_HTML: o.html = v; break;
        case CAP_HELP: rc = cmd_help(cap_about, cap_opts, CAP_NOPTS); break;
        }
    }
    if (rc < 0 && !n)
        rc = cli_usage_error("%s", "cap needs a scenario FILE with a workload");
    if (rc < 0)
        rc = cli_cap(files, n, &o);
    free(files);
    return rc;
}

static int cmd_history(int argc, char **argv)
{
    if (argc < 1)
        return cli_usage_error("%s", "history needs a subcommand: check");
    if (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))
        return cmd_help(history_about, history_opts, HIS_NOPTS);
    if (!strcmp(argv[0], "check"))
        return cmd_history_check(argc - 1, argv + 1);
    return cli_usage_error("unknown history subcommand: %s (check)", argv[0]);
}

static int cmd_lib(int argc, char **argv)
{
    if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h")))
        return cmd_help(lib_about, lib_opts, NOPTS(lib_opts));
    if (argc > 1)
        return cli_usage_error("lib takes one NAME or --functions; extra argument: %s",
                           argv[1]);
    if (argc == 0) {
        printf("The Erlang modules loaded on every node (clustersim lib NAME prints one):\n");
        for (int i = 0; i < lib_nsources(); i++)
            print_summary(lib_source_at(i));
        return 0;
    }
    if (!strcmp(argv[0], "--functions")) {
        strbuf b;
        sb_init(&b);
        lib_functions(&b);
        fputs(b.s, stdout);
        sb_fini(&b);
        return 0;
    }
    if (argv[0][0] == '-')
        return cli_usage_error("unknown option: %s", argv[0]);
    const lib_source *src = lib_source_find(argv[0]);
    if (!src) {
        fprintf(stderr, "clustersim: no library module %s; these are:", argv[0]);
        for (int i = 0; i < lib_nsources(); i++)
            fprintf(stderr, " %s", lib_source_at(i)->name);
        fputs("\n", stderr);
        return 2;
    }
    fputs(src->text, stdout);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "help")) {      /* help COMMAND: that command's help */
        if (argc < 3) {
            usage(stdout);
            return 0;
        }
        char *av[] = {argv[0], argv[2], (char *)"--help", NULL};
        return main(3, av);
    }
    if (!strcmp(cmd, "--version")) {
        printf("clustersim %s\n", CLUSTERSIM_VERSION);
        return 0;
    }
    int rc;
    if (!strcmp(cmd, "run"))
        rc = cmd_run(argc - 2, argv + 2);
    else if (!strcmp(cmd, "validate"))
        rc = cmd_validate(argc - 2, argv + 2);
    else if (!strcmp(cmd, "trace"))
        rc = cmd_trace(argc - 2, argv + 2);
    else if (!strcmp(cmd, "render"))
        rc = cmd_render(argc - 2, argv + 2);
    else if (!strcmp(cmd, "regress"))
        rc = cmd_regress(argc - 2, argv + 2);
    else if (!strcmp(cmd, "cap"))
        rc = cmd_cap(argc - 2, argv + 2);
    else if (!strcmp(cmd, "lib"))
        rc = cmd_lib(argc - 2, argv + 2);
    else if (!strcmp(cmd, "history"))
        rc = cmd_history(argc - 2, argv + 2);
    else if (!strcmp(cmd, "sweep"))
        rc = cli_sweep_main(argc - 2, argv + 2);
    else if (!strcmp(cmd, "materialize"))
        rc = cli_materialize_main(argc - 2, argv + 2);
    else if (!strcmp(cmd, "shrink"))
        rc = cli_shrink_main(argc - 2, argv + 2);
    else
        return cli_usage_error("unknown command: %s", cmd);
    /* What went to standard output must have arrived (a full disk, or
     * >/dev/full): say so, with the reason, and fail. */
    int e = fflush(stdout) ? errno : 0;
    if (e || ferror(stdout)) {
        fprintf(stderr, "clustersim: write error on standard output: %s\n",
                e ? strerror(e) : "unknown error");
        return rc > 2 ? rc : 2;
    }
    return rc;
}
