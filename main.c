/* main: the command line only. Parses argv and dispatches to the
 * subcommands' modules; the only place that touches files by name,
 * stdout and stderr. Exit codes as in SCENARIO_FORMAT.md: 0 passed,
 * 1 an expectation or check failed, 2 invalid input (scenario or usage),
 * 3 an internal limit was reached. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/lib/lib.h"
#include "scenarios/loader.h"
#include "scenarios/run.h"
#include "traces/diff.h"
#include "traces/render.h"
#include "traces/store.h"
#include "traces/trace.h"

#define CLUSTERSIM_VERSION "0.1.0"

/* ---- options: one table per command ----
 *
 * Every option with a value takes it as the next argument or after '='
 * (GNU: `--seed 5`, `--seed=5`); "--" ends the options; "-" is an
 * operand (standard input). A command's --help is made from its table. */
typedef struct optdef {
    const char *name;          /* "--seed" */
    const char *alias;         /* "-q", or NULL */
    const char *arg;           /* "N": takes a value; NULL: a flag */
    const char *help;          /* lines separated by '\n' */
} optdef;

enum { OPT_END = -1, OPT_OPERAND = -2, OPT_ERROR = -3 };

typedef struct optparse {
    int argc;
    char **argv;
    int i;
    bool operands_only;        /* after "--" */
} optparse;

static int usage_error(const char *fmt, const char *arg)
{
    fputs("clustersim: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n(see clustersim --help)\n", stderr);
    return 2;
}

/* The next option (its index in tab; *val its value or NULL), an operand
 * (OPT_OPERAND, *val), OPT_END, or OPT_ERROR after a message. */
static int opt_next(optparse *p, const optdef *tab, int n, const char **val)
{
    *val = NULL;
    if (p->i >= p->argc)
        return OPT_END;
    const char *a = p->argv[p->i++];
    if (p->operands_only || a[0] != '-' || !a[1]) {
        *val = a;
        return OPT_OPERAND;
    }
    if (!strcmp(a, "--")) {
        p->operands_only = true;
        return opt_next(p, tab, n, val);
    }
    const char *eq = a[1] == '-' ? strchr(a, '=') : NULL;
    size_t len = eq ? (size_t)(eq - a) : strlen(a);
    for (int k = 0; k < n; k++) {
        const optdef *o = &tab[k];
        bool hit = (strlen(o->name) == len && !strncmp(a, o->name, len)) ||
                   (o->alias && !eq && !strcmp(a, o->alias));
        if (!hit)
            continue;
        if (!o->arg) {
            if (eq) {
                usage_error("%s takes no value", o->name);
                return OPT_ERROR;
            }
            return k;
        }
        if (eq) {
            *val = eq + 1;
        } else if (p->i < p->argc) {
            *val = p->argv[p->i++];
        } else {
            usage_error("%s needs a value", o->name);
            return OPT_ERROR;
        }
        return k;
    }
    usage_error("unknown option: %s", a);
    return OPT_ERROR;
}

static void print_opts(FILE *f, const optdef *tab, int n)
{
    for (int k = 0; k < n; k++) {
        char head[64];
        snprintf(head, sizeof head, "%s%s%s%s%s", tab[k].alias ? tab[k].alias : "",
                 tab[k].alias ? ", " : "", tab[k].name, tab[k].arg ? " " : "",
                 tab[k].arg ? tab[k].arg : "");
        const char *h = tab[k].help;
        bool first = true;
        while (*h) {
            size_t m = strcspn(h, "\n");
            if (first && strlen(head) < 20)
                fprintf(f, "  %-20s %.*s\n", head, (int)m, h);
            else if (first)
                fprintf(f, "  %s\n  %-20s %.*s\n", head, "", (int)m, h);
            else
                fprintf(f, "  %-20s %.*s\n", "", (int)m, h);
            first = false;
            h += m + (h[m] == '\n');
        }
    }
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

/* ---- the commands' help ---- */

enum {
    RUN_SEED, RUN_TEXT, RUN_TRACE, RUN_HTML, RUN_QUIET, RUN_MAX_EVENTS,
    RUN_MAX_REDUCTIONS, RUN_MAX_TERMS, RUN_HELP, RUN_NOPTS
};
static const optdef run_opts[RUN_NOPTS] = {
    [RUN_SEED] = {"--seed", NULL, "N", "override the scenario's seed (unsigned 64-bit)"},
    [RUN_TEXT] = {"--text", NULL, "FILE", "write the canonical text trace to FILE"},
    [RUN_TRACE] = {"--trace", NULL, "DB", "append the run to the SQLite trace database DB\n"
                   "(created if missing; marked complete only when\n"
                   "the run finished)"},
    [RUN_HTML] = {"--html", NULL, "FILE", "write the run as an HTML sequence diagram to FILE"},
    [RUN_QUIET] = {"--quiet", "-q", NULL, "print no transcript, only the outcome"},
    [RUN_MAX_EVENTS] = {"--max-events", NULL, "N", "stop with exit code 3 after N engine events\n"
                        "(default 1000000000)"},
    [RUN_MAX_REDUCTIONS] = {"--max-reductions", NULL, "N",
                            "stop with exit code 3 when the Erlang code of all\n"
                            "processes has made N calls (default 1000000000)"},
    [RUN_MAX_TERMS] = {"--max-terms", NULL, "N",
                       "stop with exit code 3 when more than N term cells\n"
                       "are alive: a runaway heap (default 20000000,\n"
                       "about 1 GB)"},
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

static const optdef validate_opts[] = {{"--help", "-h", NULL, "this help"}};
static const char validate_about[] =
    "usage: clustersim validate FILE...\n"
    "\n"
    "Parses and checks scenarios, runs nothing; FILE - reads standard\n"
    "input. Exit 0 when all are valid, 2 otherwise.\n"
    "\n"
    "options:\n";

static const optdef show_opts[] = {
    {"--run", NULL, "ID", "the run to print (default: the newest)"},
    {"--help", "-h", NULL, "this help"}};
static const char trace_about[] =
    "usage: clustersim trace show DB [--run ID]\n"
    "       clustersim trace diff A B\n"
    "\n"
    "show prints a stored run as the canonical text trace, byte for byte\n"
    "as --text. diff compares two traces and prints the first differing\n"
    "line with context; exit 0 equal, 1 different, 2 unreadable (also a\n"
    "binary file, or a line longer than 64 MiB). A trace is a text trace\n"
    "file ('#' lines ignored), a trace database (its newest run), or DB#ID\n"
    "(run ID of database DB).\n"
    "\n"
    "options of show:\n";

static const optdef render_opts[] = {
    {"--run", NULL, "ID", "the run to draw (default: the newest)"},
    {"-o", NULL, "OUT.html", "the page to write (as --text writes: see run --help)"},
    {"--help", "-h", NULL, "this help"}};
static const char render_about[] =
    "usage: clustersim render DB [--run ID] -o OUT.html\n"
    "\n"
    "Draws a stored run as a self-contained HTML sequence diagram.\n"
    "\n"
    "options:\n";

static const optdef lib_opts[] = {
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
static const optdef regress_opts[REG_NOPTS] = {
    [REG_GOLDEN] = {"--golden", NULL, "GDIR", "the folder of the golden traces (required)"},
    [REG_UPDATE] = {"--update", NULL, NULL, "rewrite every golden from this binary, and\n"
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

#define NOPTS(t) ((int)(sizeof t / sizeof t[0]))

static int cmd_help(const char *about, const optdef *tab, int n)
{
    fputs(about, stdout);
    print_opts(stdout, tab, n);
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
          "  render DB [--run ID] -o OUT.html\n"
          "                      draw a stored run (default: the newest) as a\n"
          "                      self-contained HTML sequence diagram\n"
          "  regress DIR --golden GDIR [--update]\n"
          "                      golden-trace regression of the scenarios of DIR\n"
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
    print_opts(f, run_opts, RUN_HELP);
    fputs("\n"
          "  -h, --help           this help\n"
          "  --version            the program's version\n"
          "\n"
          "exit codes: 0 passed, 1 an expectation or check failed, 2 invalid\n"
          "scenario or usage, 3 an internal limit was reached\n", f);
}

/* ---- scenarios from files or standard input ---- */

static bool stdin_taken;

/* Loads FILE ("-": standard input, named <stdin> in messages; its
 * relative module paths name files from the current directory, since
 * "<stdin>" has no folder). Returns 0, or 2 after a message. */
static int load_plan(const char *file, scn_plan **p)
{
    scn_error err;
    *p = NULL;
    if (strcmp(file, "-")) {
        if (scn_load_file(file, p, &err) != SCN_OK) {
            fprintf(stderr, "%s\n", err.msg);
            return 2;
        }
        return 0;
    }
    if (stdin_taken) {
        fprintf(stderr, "clustersim: -: standard input is read once; give - "
                "only once\n");
        return 2;
    }
    stdin_taken = true;
    strbuf b;
    sb_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
        sb_putn(&b, chunk, n);
    if (ferror(stdin)) {
        fprintf(stderr, "clustersim: <stdin>: cannot read: %s\n",
                strerror(errno));
        sb_fini(&b);
        return 2;
    }
    sb_putc(&b, 0);
    scn_status st = scn_load_text("<stdin>", b.s, b.len - 1, p, &err);
    sb_fini(&b);
    if (st != SCN_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    return 0;
}

static int cmd_validate(int argc, char **argv)
{
    optparse op = {argc, argv, 0, false};
    const char *v;
    int k, nfiles = 0, bad = 0;
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    if (!files)
        abort();
    while ((k = opt_next(&op, validate_opts, NOPTS(validate_opts), &v)) != OPT_END) {
        if (k == OPT_OPERAND) {
            files[nfiles++] = v;
            continue;
        }
        free(files);
        return k == OPT_ERROR ? 2
            : cmd_help(validate_about, validate_opts, NOPTS(validate_opts));
    }
    if (nfiles < 1) {
        free(files);
        return usage_error("%s", "validate needs at least one FILE");
    }
    for (int i = 0; i < nfiles; i++) {
        scn_plan *p = NULL;
        if (load_plan(files[i], &p)) {
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

/* ---- output files ----
 *
 * Only a regular file is ever replaced: a new or regular OUT is written
 * as OUT.partial and renamed over OUT when complete. A FIFO, a terminal,
 * standard output or error, or a regular file reached through a symbolic
 * link is written in place as it goes. A directory or any other device is
 * an error, and so is an OUT.partial that is not a regular file. */
typedef struct outfile {
    const char *opt, *path;
    char tmp[4096];            /* OUT.partial, or "" when in place */
    FILE *f;
    bool borrowed;             /* f is stdout or stderr: not closed */
} outfile;

static bool same_file(const struct stat *a, int fd)
{
    struct stat b;
    return fstat(fd, &b) == 0 && a->st_dev == b.st_dev && a->st_ino == b.st_ino;
}

/* A terminal, told without opening the device: the terminal of one of
 * our standard streams, or a name of one. */
static bool is_terminal(const char *path, const struct stat *st)
{
    for (int fd = 0; fd <= 2; fd++) {
        struct stat b;
        if (isatty(fd) && fstat(fd, &b) == 0 && b.st_rdev == st->st_rdev)
            return true;
    }
    return !strcmp(path, "/dev/tty") || !strcmp(path, "/dev/console") ||
           !strncmp(path, "/dev/pts/", 9) ||
           (!strncmp(path, "/dev/tty", 8) && path[8] >= '0' && path[8] <= '9');
}

/* Opens o for `path`, given as option `opt`. Returns 0, or 2 after a
 * message. */
static int out_open(outfile *o, const char *opt, const char *path)
{
    memset(o, 0, sizeof *o);
    o->opt = opt;
    o->path = path;
    struct stat st, lst;
    if (!*path) {
        fprintf(stderr, "clustersim: %s: empty path\n", opt);
        return 2;
    }
    if (stat(path, &st) == 0) {
        if (same_file(&st, 1) || same_file(&st, 2)) {
            o->f = same_file(&st, 1) ? stdout : stderr;
            o->borrowed = true;
            return 0;
        }
        const char *what = S_ISDIR(st.st_mode) ? "a directory"
            : S_ISCHR(st.st_mode) && !is_terminal(path, &st) ? "a device"
            : S_ISBLK(st.st_mode) ? "a device"
            : S_ISSOCK(st.st_mode) ? "a socket" : NULL;
        if (what) {
            fprintf(stderr, "clustersim: %s %s: is %s; give a file (a FIFO, a "
                    "terminal or /dev/stdout is written in place)\n", opt,
                    path, what);
            return 2;
        }
        bool in_place = !S_ISREG(st.st_mode) ||
                        (lstat(path, &lst) == 0 && !S_ISREG(lst.st_mode));
        if (in_place) {
            if (!(o->f = fopen(path, "w"))) {
                fprintf(stderr, "clustersim: %s %s: cannot write: %s\n", opt,
                        path, strerror(errno));
                return 2;
            }
            return 0;
        }
    } else if (errno != ENOENT) {
        fprintf(stderr, "clustersim: %s %s: %s\n", opt, path, strerror(errno));
        return 2;
    }
    if ((size_t)snprintf(o->tmp, sizeof o->tmp, "%s.partial", path) >=
        sizeof o->tmp) {
        fprintf(stderr, "clustersim: %s %s: path too long\n", opt, path);
        return 2;
    }
    if (lstat(o->tmp, &lst) == 0 && !S_ISREG(lst.st_mode)) {
        fprintf(stderr, "clustersim: %s %s: %s exists and is not a regular "
                "file\n", opt, path, o->tmp);
        return 2;
    }
    if (!(o->f = fopen(o->tmp, "w"))) {
        fprintf(stderr, "clustersim: %s %s: cannot write: %s\n", opt,
                o->tmp, strerror(errno));
        return 2;
    }
    return 0;
}

/* Closes o when the run did not happen: its OUT.partial is removed. */
static void out_abandon(outfile *o)
{
    if (!o->f)
        return;
    if (!o->borrowed)
        fclose(o->f);
    else
        fflush(o->f);
    o->f = NULL;
    if (o->tmp[0])
        remove(o->tmp);
}

/* Where o's bytes are. */
static const char *out_where(const outfile *o)
{
    return o->tmp[0] ? o->tmp : o->path;
}

/* Closes o. `werr`: an earlier write failed (its errno, or -1 unknown),
 * else 0. Complete: OUT.partial is renamed over OUT; incomplete: it is
 * left, saying so. A failed write removes OUT.partial. Returns 0, or 2
 * after a message naming the reason. */
static int out_close(outfile *o, int werr, bool complete, const char *what)
{
    if (!o->f)
        return 0;
    int e = werr;
    if (o->borrowed) {
        if (fflush(o->f) && !e)
            e = errno;
        if (ferror(o->f) && !e)
            e = -1;
    } else {
        if (ferror(o->f) && !e)
            e = -1;
        if (fclose(o->f) && (!e || e == -1))
            e = errno;
    }
    o->f = NULL;
    if (e) {
        fprintf(stderr, "clustersim: %s %s: write failed: %s\n", o->opt,
                out_where(o), e > 0 ? strerror(e) : "unknown error");
        if (o->tmp[0])
            remove(o->tmp);
        return 2;
    }
    if (!o->tmp[0]) {
        if (!complete)
            fprintf(stderr, "clustersim: incomplete %s written to %s\n", what,
                    o->path);
        return 0;
    }
    if (!complete) {
        fprintf(stderr, "clustersim: incomplete %s left in %s\n", what, o->tmp);
        return 0;
    }
    if (rename(o->tmp, o->path) != 0) {
        fprintf(stderr, "clustersim: %s: cannot rename to %s: %s\n", o->tmp,
                o->path, strerror(errno));
        return 2;
    }
    return 0;
}

/* Writes the page of h into o and closes it. Returns 0, or 2 after a
 * message. */
static int write_html(trace_render *h, outfile *o, bool complete)
{
    errno = 0;
    int werr = trace_render_write(h, o->f, NULL) ? (errno ? errno : -1) : 0;
    return out_close(o, werr, complete, "page");
}

/* A trace database is a file: SQLite writes beside it (DB-journal), so a
 * device or a FIFO is refused before SQLite sees it. */
static int check_db_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        fprintf(stderr, "clustersim: --trace %s: is %s; a trace database "
                "must be a regular file\n", path,
                S_ISDIR(st.st_mode) ? "a directory" : "not a regular file");
        return 2;
    }
    return 0;
}

/* ---- run ---- */

typedef struct run_job {
    const char *file, *text, *db, *html;
    uint64_t seed, max_events, max_reductions, max_terms;
    bool has_seed, quiet;
    bool silent;               /* print no outcome lines (regress) */
    scn_run_result r;          /* out: the run's result */
} run_job;

/* SIGINT or SIGTERM during a run: the handler only records the signal
 * (and restores the default action, so a second one kills at once); the
 * next trace event sees it in interrupt_emit, which marks the stored run
 * interrupted (complete stays 0), leaves the text trace and the page as
 * .partial and exits 128 + the signal (130, 143). */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    interrupted = sig;
}

typedef struct run_outputs {
    outfile text, html;
    trace_text *tt;
    trace_render *page;
    trace_store *store;
    const char *db;
    int64_t run_id;
} run_outputs;

static void interrupt_emit(void *ctx, const sim_obs_event *ev)
{
    (void)ev;
    if (!interrupted)
        return;
    run_outputs *o = ctx;
    fflush(stdout);
    fprintf(stderr, "clustersim: interrupted (%s)\n",
            interrupted == SIGTERM ? "SIGTERM" : "SIGINT");
    if (o->store) {
        char err[512];
        if (trace_store_stop_run(o->store, "interrupted", err, sizeof err))
            fprintf(stderr, "clustersim: %s\n", err);
        else
            fprintf(stderr, "clustersim: interrupted: %s#%" PRId64
                    " is marked incomplete\n", o->db, o->run_id);
        trace_store_close(o->store);
    }
    if (o->text.f)
        out_close(&o->text, trace_text_failed(o->tt)
                  ? (trace_text_errno(o->tt) ? trace_text_errno(o->tt) : -1) : 0,
                  false, "trace");
    if (o->html.f)
        write_html(o->page, &o->html, false);
    exit(128 + interrupted);
}

static void catch_signals(bool on)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on ? on_signal : SIG_DFL;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* Runs one scenario as `clustersim run` does. Returns its exit code. */
static int run_one(run_job *a)
{
    memset(&a->r, 0, sizeof a->r);
    scn_plan *p = NULL;
    int rc = load_plan(a->file, &p);
    if (rc)
        return rc;
    if (p->warnings && !a->silent)   /* erlc's warnings do not stop the run */
        fputs(p->warnings, stderr);

    run_outputs out = {0};
    char dberr[1024];
    if (a->db && check_db_path(a->db)) {
        scn_plan_free(p);
        return 2;
    }
    if (a->db && trace_store_open(a->db, &out.store, dberr, sizeof dberr)) {
        fprintf(stderr, "clustersim: %s\n", dberr);
        scn_plan_free(p);
        return 2;
    }
    /* Outputs are checked and opened before the run, so that a bad OUT
     * costs no run; a complete run's files are renamed at the end. */
    if ((a->text && out_open(&out.text, "--text", a->text)) ||
        (a->html && out_open(&out.html, "--html", a->html))) {
        out_abandon(&out.text);
        trace_store_close(out.store);
        scn_plan_free(p);
        return 2;
    }
    if (out.text.f)
        out.tt = trace_text_new(out.text.f);

    trace_tee *tee = trace_tee_new();
    if (out.tt)
        trace_tee_add(tee, trace_text_observer(out.tt));
    if (out.store) {
        const char **names = calloc((size_t)p->nnodes + 1, sizeof *names);
        if (!names)
            abort();
        for (int i = 0; i < p->nnodes; i++)
            names[i] = p->nodes[i].name;
        trace_run_meta m = {p->name, p->file, a->has_seed ? a->seed : p->seed,
                            CLUSTERSIM_VERSION, names, p->nnodes};
        out.db = a->db;
        rc = trace_store_begin_run(out.store, &m, &out.run_id, dberr,
                                   sizeof dberr);
        free(names);
        if (rc) {
            fprintf(stderr, "clustersim: %s\n", dberr);
            trace_tee_free(tee);
            trace_store_close(out.store);
            out_abandon(&out.text);
            out_abandon(&out.html);
            trace_text_free(out.tt);
            scn_plan_free(p);
            return 2;
        }
        trace_tee_add(tee, trace_store_observer(out.store));
    }
    if (out.html.f) {
        trace_render_opts ro = {0};
        ro.title = p->name;
        ro.subtitle = p->description;
        out.page = trace_render_new(&ro);
        trace_tee_add(tee, trace_render_observer(out.page));
    }
    bool any = out.tt || out.store || out.page;
    if (any) {
        sim_observer poll = {interrupt_emit, &out};
        trace_tee_add(tee, poll);
        catch_signals(true);
    }
    sim_observer extra = trace_tee_observer(tee);

    if (!a->quiet && p->description)
        printf("%%%% %s: %s\n", p->name, p->description);
    scn_run_opts o = {0};
    o.seed = a->seed;
    o.has_seed = a->has_seed;
    o.transcript = a->quiet ? NULL : stdout;
    o.report = a->silent ? NULL : stderr;
    o.extra = any ? &extra : NULL;
    o.max_events = a->max_events;
    o.max_reductions = a->max_reductions;
    o.max_terms = a->max_terms;
    scn_run_result *r = &a->r;
    scn_run(p, &o, r);
    if (any)
        catch_signals(false);
    int stdout_err = fflush(stdout) ? errno : 0;
    trace_tee_free(tee);

    bool complete = r->outcome != SCN_LIMIT;
    int exit_code = (int)r->outcome;
    if (out.text.f) {
        int werr = trace_text_failed(out.tt)
            ? (trace_text_errno(out.tt) ? trace_text_errno(out.tt) : -1) : 0;
        if (!werr && out.text.f == stdout)
            werr = stdout_err;
        trace_text_free(out.tt);
        if (out_close(&out.text, werr, complete, "trace"))
            exit_code = 2;
    }
    if (out.store) {
        /* A run stopped by a limit is kept, marked incomplete. */
        rc = !complete
            ? trace_store_stop_run(out.store, "limit", dberr, sizeof dberr)
            : trace_store_end_run(out.store, r->hash,
                                  r->outcome == SCN_PASSED ? "passed" : "failed",
                                  dberr, sizeof dberr);
        trace_store_close(out.store);
        if (rc) {
            fprintf(stderr, "clustersim: %s\n", dberr);
            exit_code = 2;
        } else if (!complete) {
            fprintf(stderr, "clustersim: %s#%" PRId64 " is marked "
                    "incomplete\n", a->db, out.run_id);
        }
    }
    if (out.page) {
        if (write_html(out.page, &out.html, complete))
            exit_code = 2;
        trace_render_free(out.page);
    }
    if (!complete)
        fprintf(stderr, "clustersim: %s: internal limit reached: %s\n",
                p->file, r->limit);
    if (!a->silent) {
        printf("%%%% %s: %s (seed %" PRIu64 ", %" PRIu64 " events)\n", p->name,
               r->outcome == SCN_PASSED ? "passed"
               : r->outcome == SCN_FAILED ? "FAILED" : "INCOMPLETE",
               r->seed, r->events);
        printf("trace hash: %016" PRIx64 "\n", r->hash);
        if (out.store && !rc)
            printf("trace stored: %s#%" PRId64 "%s\n", a->db, out.run_id,
                   !complete ? " (incomplete)" : "");
    }
    scn_plan_free(p);
    return exit_code;
}

static int run_many(run_job *a, const char **files, int nfiles);

static int cmd_run(int argc, char **argv)
{
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    if (!files)
        abort();
    run_job a;
    memset(&a, 0, sizeof a);
    optparse op = {argc, argv, 0, false};
    const char *v;
    int k, nfiles = 0, rc = -1;
    while (rc < 0 && (k = opt_next(&op, run_opts, RUN_NOPTS, &v)) != OPT_END) {
        switch (k) {
        case OPT_ERROR:
            rc = 2;
            break;
        case OPT_OPERAND:
            files[nfiles++] = v;
            break;
        case RUN_SEED:
            if (parse_u64(v, &a.seed))
                rc = usage_error("--seed: not an unsigned 64-bit integer: %s", v);
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
            if (parse_u64(v, &a.max_events) || !a.max_events)
                rc = usage_error("--max-events: not a positive integer: %s", v);
            break;
        case RUN_MAX_REDUCTIONS:
            if (parse_u64(v, &a.max_reductions) || !a.max_reductions)
                rc = usage_error("--max-reductions: not a positive "
                                   "integer: %s", v);
            break;
        case RUN_MAX_TERMS:
            if (parse_u64(v, &a.max_terms) || !a.max_terms)
                rc = usage_error("--max-terms: not a positive integer: %s", v);
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
static int run_many(run_job *ap, const char **files, int nfiles)
{
    run_job a = *ap;
    if (!nfiles)
        return usage_error("%s", "run needs a scenario FILE");
    if (nfiles > 1 && (a.text || a.html))
        return usage_error("%s writes one run: give one FILE",
                           a.text ? "--text" : "--html");
    if (nfiles == 1) {
        a.file = files[0];
        return run_one(&a);
    }
    int worst = 0, npass = 0;
    int *codes = calloc((size_t)nfiles, sizeof *codes);
    if (!codes)
        abort();
    for (int i = 0; i < nfiles; i++) {
        a.file = files[i];
        codes[i] = run_one(&a);
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

/* trace show DB [--run ID]: the stored run as the canonical text trace. */
typedef struct show_ctx {
    char *line;
    size_t cap;
    uint64_t hash;
    FILE *out;
    bool failed;
} show_ctx;

static void show_emit(void *ctx, const sim_obs_event *ev)
{
    show_ctx *c = ctx;
    size_t n = trace_format_line(c->line, c->cap, ev) + 2;
    if (n > c->cap) {
        c->cap = 2 * n;
        c->line = realloc(c->line, c->cap);
        if (!c->line)
            abort();
        trace_format_line(c->line, c->cap, ev);
    }
    n -= 2;
    c->line[n++] = '\n';
    for (size_t i = 0; i < n; i++) {
        c->hash ^= (unsigned char)c->line[i];
        c->hash *= 0x100000001b3ULL;
    }
    if (fwrite(c->line, 1, n, c->out) != n)
        c->failed = true;
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
        if (parse_u64(run, &v) || !v || v > INT64_MAX)
            return usage_error("--run: not a run id: %s", run);
        if (run_id >= 0 && run_id != (int64_t)v)
            return usage_error("--run %s contradicts the #RUN in the DB "
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
    optparse op = {argc, argv, 0, false};
    int k;
    while ((k = opt_next(&op, show_opts, NOPTS(show_opts), &v)) != OPT_END) {
        if (k == OPT_ERROR)
            return 2;
        if (k == 0) {
            run = v;
        } else if (k == 1) {
            return cmd_help(trace_about, show_opts, NOPTS(show_opts));
        } else if (spec) {
            return usage_error("trace show takes one DB; extra argument: %s", v);
        } else {
            spec = v;
        }
    }
    if (!spec)
        return usage_error("%s", "trace show needs a DB");
    char path[4096], err[1024];
    trace_run_info info;
    int rc0 = resolve_run(spec, run, path, sizeof path, &info);
    if (rc0)
        return rc0;
    show_ctx c = {NULL, 0, 0xcbf29ce484222325ULL, stdout, false};
    int rc = trace_store_read(path, info.id, show_emit, &c, NULL, err,
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
    optparse op = {argc, argv, 0, false};
    int k;
    while ((k = opt_next(&op, render_opts, NOPTS(render_opts), &v)) != OPT_END) {
        if (k == OPT_ERROR)
            return 2;
        if (k == 0)
            run = v;
        else if (k == 1)
            outp = v;
        else if (k == 2)
            return cmd_help(render_about, render_opts, NOPTS(render_opts));
        else if (spec)
            return usage_error("render takes one DB; extra argument: %s", v);
        else
            spec = v;
    }
    if (!spec)
        return usage_error("%s", "render needs a DB");
    if (!outp)
        return usage_error("%s", "render needs -o OUT.html");
    char path[4096], err[1024];
    trace_run_info info;
    int rc0 = resolve_run(spec, run, path, sizeof path, &info);
    if (rc0)
        return rc0;
    outfile of;
    if (out_open(&of, "-o", outp))
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
        out_abandon(&of);
        trace_render_free(h);
        return 2;
    }
    rc = write_html(h, &of, true);
    trace_render_free(h);
    return rc;
}

static int cmd_trace(int argc, char **argv)
{
    if (argc < 1)
        return usage_error("%s", "trace needs a subcommand: show or diff");
    if (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h") ||
        (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))))
        return cmd_help(trace_about, show_opts, NOPTS(show_opts));
    if (!strcmp(argv[0], "show"))
        return cmd_trace_show(argc - 1, argv + 1);
    if (!strcmp(argv[0], "diff")) {
        if (argc != 3)
            return usage_error("%s", "trace diff takes two traces: A B");
        char err[1024];
        int rc = trace_diff(argv[1], argv[2], 3, stdout, err, sizeof err);
        if (rc < 0) {
            fprintf(stderr, "clustersim: %s\n", err);
            return 2;
        }
        return rc;
    }
    return usage_error("unknown trace subcommand: %s (show or diff)", argv[0]);
}

/* ---- regress DIR --golden GDIR [--update] ---- */

typedef struct pathlist {
    char **v;
    int n, cap;
} pathlist;

static void pl_add(pathlist *l, char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = realloc(l->v, (size_t)l->cap * sizeof *l->v);
        if (!l->v)
            abort();
    }
    l->v[l->n++] = s;
}

static void pl_free(pathlist *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *path_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    if (!p)
        abort();
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

/* Every file under dir (any depth) whose name ends with `suffix`;
 * `recurse` 0 for one level. Returns -1 if dir cannot be read. */
static int find_files(const char *dir, const char *suffix, bool recurse,
                      pathlist *out)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    struct dirent *e;
    size_t ls = strlen(suffix);
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *p = path_join(dir, e->d_name);
        struct stat st;
        size_t n = strlen(e->d_name);
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode) && recurse) {
            find_files(p, suffix, true, out);
            free(p);
        } else if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && n > ls &&
                   !strcmp(e->d_name + n - ls, suffix)) {
            pl_add(out, p);
        } else {
            free(p);
        }
    }
    closedir(d);
    return 0;
}

/* The events of a golden (its lines less the '#' ones), its seed and its
 * recorded hash. Returns 0, or -1 with a reason in why. */
static int read_golden(const char *path, strbuf *events, uint64_t *seed,
                       char hash[32], char *why, size_t n)
{
    size_t len;
    char *text = scn_read_file(path, &len);
    if (!text) {
        snprintf(why, n, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    bool has_seed = false;
    hash[0] = 0;
    for (char *l = text; *l;) {
        char *nl = strchr(l, '\n');
        size_t m = nl ? (size_t)(nl - l) + 1 : strlen(l);
        if (l[0] != '#') {
            sb_putn(events, l, m);
        } else if (!has_seed && !strncmp(l, "# seed: ", 8)) {
            char num[32];
            size_t k = m - 8 - (nl != NULL);
            if (k < sizeof num) {
                memcpy(num, l + 8, k);
                num[k] = 0;
                has_seed = parse_u64(num, seed) == 0;
            }
        } else if (!hash[0] && !strncmp(l, "# trace hash: ", 14)) {
            size_t k = strspn(l + 14, "0123456789abcdef");
            if (k < 32) {
                memcpy(hash, l + 14, k);
                hash[k] = 0;
            }
        }
        l += m;
    }
    free(text);
    if (!has_seed) {
        snprintf(why, n, "%s has no '# seed: N' header line", path);
        return -1;
    }
    return 0;
}

static int cmd_regress(int argc, char **argv)
{
    const char *dir = NULL, *gdir = NULL, *v;
    bool update = false;
    optparse op = {argc, argv, 0, false};
    int k;
    while ((k = opt_next(&op, regress_opts, REG_NOPTS, &v)) != OPT_END) {
        switch (k) {
        case OPT_ERROR:
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
                return usage_error("regress takes one DIR; extra argument: %s", v);
            dir = v;
        }
    }
    if (!dir)
        return usage_error("%s", "regress needs a DIR of scenarios");
    if (!gdir)
        return usage_error("%s", "regress needs --golden GDIR");
    pathlist files = {0}, goldens = {0}, names = {0};
    if (find_files(dir, ".json", true, &files)) {
        fprintf(stderr, "clustersim: %s: cannot read: %s\n", dir, strerror(errno));
        return 2;
    }
    struct stat st;
    if (stat(gdir, &st) != 0 && update && mkdir(gdir, 0777) != 0) {
        fprintf(stderr, "clustersim: %s: cannot create: %s\n", gdir, strerror(errno));
        pl_free(&files);
        return 2;
    }
    if (stat(gdir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "clustersim: --golden %s: not a directory\n", gdir);
        pl_free(&files);
        return 2;
    }
    qsort(files.v, (size_t)files.n, sizeof *files.v, cmp_str);
    const char *tmpenv = getenv("TMPDIR");
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s/clustersim-regress-XXXXXX",
             tmpenv && *tmpenv ? tmpenv : "/tmp");
    if (!mkdtemp(tmp)) {
        fprintf(stderr, "clustersim: %s: cannot create: %s\n", tmp, strerror(errno));
        pl_free(&files);
        return 2;
    }
    char *out = path_join(tmp, "run.trace"), *db = path_join(tmp, "runs.db");
    int pass = 0, fail = 0;
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/')
        dl--;
    for (int i = 0; i < files.n; i++) {
        const char *f = files.v[i];
        const char *rel = f + dl + 1;
        size_t rl = strlen(rel) - 5;
        char *name = malloc(rl + 7);
        if (!name)
            abort();
        for (size_t j = 0; j < rl; j++)
            name[j] = rel[j] == '/' ? '_' : rel[j];
        strcpy(name + rl, ".trace");
        pl_add(&names, name);
        char *golden = path_join(gdir, name);
        strbuf want;
        sb_init(&want);
        uint64_t seed = 0;
        char want_hash[32] = "", why[4600];
        run_job a;
        memset(&a, 0, sizeof a);
        a.file = f;
        a.quiet = a.silent = true;
        a.text = out;
        if (!update) {
            if (stat(golden, &st) != 0) {
                printf("FAIL %s: no golden trace %s (--update writes it)\n", f, golden);
                goto failed;
            }
            if (read_golden(golden, &want, &seed, want_hash, why, sizeof why)) {
                printf("FAIL %s: %s\n", f, why);
                goto failed;
            }
            a.seed = seed;
            a.has_seed = true;
            a.db = db;
            remove(db);
        }
        int rc = run_one(&a);
        /* 0 and 1 both leave a complete trace (1: an expectation failed,
         * which `run` reports); 2 and 3 do not. */
        if (rc != 0 && rc != 1) {
            printf("FAIL %s: run exited %d, no complete trace\n", f, rc);
            goto failed;
        }
        uint64_t hash = a.r.hash, events = a.r.events;
        seed = a.r.seed;
        run_job again = a;
        again.text = again.db = NULL;
        run_one(&again);
        if (again.r.hash != hash) {
            printf("FAIL %s (seed %" PRIu64 "): not deterministic: trace hash "
                   "%016" PRIx64 ", then %016" PRIx64 "\n", f, seed, hash,
                   again.r.hash);
            goto failed;
        }
        size_t glen;
        char *got = scn_read_file(out, &glen);
        if (!got) {
            printf("FAIL %s: cannot read its trace %s: %s\n", f, out, strerror(errno));
            goto failed;
        }
        if (update) {
            FILE *g = fopen(golden, "w");
            bool bad = !g;
            if (g) {
                fprintf(g, "# clustersim golden trace of %s\n"
                        "# seed: %" PRIu64 "\n"
                        "# command: clustersim run %s --seed %" PRIu64
                        " --quiet --text OUT\n"
                        "# trace hash: %016" PRIx64 " (%" PRIu64 " events)\n"
                        "# written by clustersim regress --update; "
                        "'#' lines are not compared\n", f, seed, f, seed, hash,
                        events);
                bad = fwrite(got, 1, glen, g) != glen;
                bad |= fclose(g) != 0;
            }
            free(got);
            if (bad) {
                printf("FAIL %s: cannot write %s: %s\n", f, golden, strerror(errno));
                goto failed;
            }
            printf("wrote %s\n", golden);
            pass++;
            goto next;
        }
        /* The stored run, formatted back, is the text byte for byte. */
        {
            char err[1024] = "";
            FILE *sf = tmpfile();
            show_ctx c = {NULL, 0, 0xcbf29ce484222325ULL, sf, false};
            int src = sf ? trace_store_read(db, -1, show_emit, &c, NULL, err,
                                            sizeof err) : -1;
            free(c.line);
            size_t sl = 0;
            char *s2 = NULL;
            if (sf && !src) {
                rewind(sf);
                s2 = malloc(glen + 2);
                if (!s2)
                    abort();
                sl = fread(s2, 1, glen + 1, sf);
            }
            if (sf)
                fclose(sf);
            bool same = s2 && sl == glen && !memcmp(s2, got, glen);
            free(s2);
            if (!same) {
                printf("FAIL %s: trace show of the stored run differs from --text%s%s\n",
                       f, src ? ": " : "", src ? err : "");
                free(got);
                goto failed;
            }
        }
        {
            char err[1024];
            /* trace diff shows where; the verdict does not rest on it
             * alone: the hash must be the golden's, and the events its
             * bytes. */
            int drc = trace_diff(golden, out, 3, stdout, err, sizeof err);
            char hex[32];
            snprintf(hex, sizeof hex, "%016" PRIx64, hash);
            bool bytes = want.len == glen && !memcmp(want.s ? want.s : "", got, glen);
            free(got);
            if (drc < 0) {
                printf("FAIL %s: cannot compare with %s: %s\n", f, golden, err);
                goto failed;
            }
            if (drc == 1) {
                printf("FAIL %s (seed %" PRIu64 "): trace differs from %s\n", f,
                       seed, golden);
                goto failed;
            }
            if (strcmp(hex, want_hash)) {
                printf("FAIL %s (seed %" PRIu64 "): trace hash %s, golden says %s\n",
                       f, seed, hex, want_hash[0] ? want_hash : "nothing");
                goto failed;
            }
            if (!bytes) {
                printf("FAIL %s (seed %" PRIu64 "): trace diff says equal, but "
                       "the bytes differ from %s\n", f, seed, golden);
                goto failed;
            }
        }
        pass++;
        goto next;
    failed:
        fail++;
    next:
        sb_fini(&want);
        free(golden);
    }
    /* A golden whose scenario is gone is stale: a failure, or removed by
     * --update. */
    find_files(gdir, ".trace", false, &goldens);
    qsort(goldens.v, (size_t)goldens.n, sizeof *goldens.v, cmp_str);
    for (int i = 0; i < goldens.n; i++) {
        const char *base = strrchr(goldens.v[i], '/') + 1;
        bool known = false;
        for (int j = 0; j < names.n && !known; j++)
            known = !strcmp(names.v[j], base);
        if (known)
            continue;
        if (update) {
            remove(goldens.v[i]);
            printf("removed stale %s\n", goldens.v[i]);
        } else {
            printf("FAIL %s: stale golden, no scenario of that name in %s\n",
                   goldens.v[i], dir);
            fail++;
        }
    }
    remove(out);
    remove(db);
    rmdir(tmp);
    free(out);
    free(db);
    pl_free(&files);
    pl_free(&goldens);
    pl_free(&names);
    printf("regress: %d passed, %d failed (%s against %s)\n", pass, fail, dir, gdir);
    return fail ? 1 : 0;
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

static int cmd_lib(int argc, char **argv)
{
    if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h")))
        return cmd_help(lib_about, lib_opts, NOPTS(lib_opts));
    if (argc > 1)
        return usage_error("lib takes one NAME or --functions; extra argument: %s",
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
        return usage_error("unknown option: %s", argv[0]);
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
    else if (!strcmp(cmd, "lib"))
        rc = cmd_lib(argc - 2, argv + 2);
    else
        return usage_error("unknown command: %s", cmd);
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
