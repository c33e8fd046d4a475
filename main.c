/* main: the command line only. Parses argv and dispatches to the
 * subcommands' modules; the only place that touches files by name,
 * stdout and stderr. Exit codes as in SCENARIO_FORMAT.md: 0 passed,
 * 1 an expectation or check failed, 2 invalid input (scenario or usage),
 * 3 an internal limit was reached. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/lib/lib.h"
#include "core/term/xalloc.h"
#include "scenarios/loader.h"
#include "scenarios/run.h"
#include "traces/diff.h"
#include "traces/render.h"
#include "traces/store.h"
#include "traces/trace.h"

#define CLUSTERSIM_VERSION "0.1.0"

static const char usage[] =
    "usage: clustersim <command> [options]\n"
    "\n"
    "commands:\n"
    "  run FILE [--seed N] [--text OUT.trace] [--trace OUT.db] [--quiet]\n"
    "           [--html OUT.html] [--max-events N] [--max-reductions N]\n"
    "           [--max-terms N] [--max-memory SIZE]\n"
    "                      run a scenario: print its shell transcript, check\n"
    "                      its expectations, print the trace hash\n"
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
    "  lib [NAME | --functions]\n"
    "                      the Erlang modules that ship with clustersim and\n"
    "                      are loaded on every node: list them, print the\n"
    "                      source of NAME, or list every function the nodes\n"
    "                      can call and what implements it\n"
    "\n"
    "a trace A or B is a text trace file ('#' lines ignored), a trace\n"
    "database (its newest run), or DB#ID (run ID of database DB)\n"
    "\n"
    "options:\n"
    "  --seed N            override the scenario's seed (unsigned 64-bit)\n"
    "  --text FILE         write the canonical text trace to FILE\n"
    "  --trace DB          append the run to the SQLite trace database DB\n"
    "                      (created if missing; marked complete only when\n"
    "                      the run finished)\n"
    "  --html FILE         write the run as an HTML sequence diagram to FILE\n"
    "  --quiet             print no transcript, only the outcome\n"
    "  --max-events N      stop with exit code 3 after N engine events\n"
    "                      (default 1000000000)\n"
    "  --max-reductions N  stop with exit code 3 when the Erlang code of all\n"
    "                      processes has made N calls (default 1000000000)\n"
    "  --max-terms N       stop with exit code 3 when more than N term cells\n"
    "                      are alive: a runaway heap (default 20000000,\n"
    "                      about 1 GB)\n"
    "  --max-memory SIZE   stop with exit code 3 when the process's memory\n"
    "                      passes SIZE bytes (K, M, G, T: powers of 1024;\n"
    "                      default: three quarters of the physical memory)\n"
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

/* --max-memory SIZE: a positive number of bytes, or one with a unit K,
 * M, G or T (powers of 1024; either case): 4G, 512M. */
static int parse_size(const char *s, uint64_t *out)
{
    static const char units[] = "KMGT";
    size_t n = strlen(s);
    unsigned shift = 0;
    char num[32];
    const char *u = n ? strchr(units, s[n - 1] & ~0x20) : NULL;
    if (u && *u) {
        shift = 10 * (unsigned)(u - units + 1);
        n--;
    }
    if (!n || n >= sizeof num)
        return -1;
    memcpy(num, s, n);
    num[n] = 0;
    uint64_t v;
    if (parse_u64(num, &v) || !v || v > (UINT64_MAX >> shift))
        return -1;
    *out = v << shift;
    return 0;
}

/* The default of --max-memory: three quarters of the physical memory,
 * in whole MiB (16G when the system does not say). */
static uint64_t default_max_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || size <= 0)
        return (uint64_t)16 << 30;
    uint64_t m = (uint64_t)pages / 4 * 3 * (uint64_t)size;
    return m >> 20 << 20;
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
            if (p->warnings)
                fputs(p->warnings, stderr);
            printf("%s: ok (%s, %d nodes, %d steps, %d checks)\n", argv[i],
                   p->name, p->nnodes, p->nsteps, p->nchecks);
        }
        scn_plan_free(p);
    }
    return bad ? 2 : 0;
}

typedef struct run_args {
    const char *file, *text, *db, *html;
    uint64_t seed, max_events, max_reductions, max_terms, max_memory;
    bool has_seed, quiet;
} run_args;

static int parse_run(int argc, char **argv, run_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 0; i < argc; i++) {
        const char *o = argv[i];
        bool has_val = i + 1 < argc;
        if (!strcmp(o, "--seed") || !strcmp(o, "--text") ||
            !strcmp(o, "--trace") || !strcmp(o, "--html") ||
            !strcmp(o, "--max-events") || !strcmp(o, "--max-reductions") ||
            !strcmp(o, "--max-terms") || !strcmp(o, "--max-memory")) {
            if (!has_val)
                return usage_error("%s needs a value", o);
            const char *v = argv[++i];
            if (!strcmp(o, "--text"))
                a->text = v;
            else if (!strcmp(o, "--trace"))
                a->db = v;
            else if (!strcmp(o, "--html"))
                a->html = v;
            else if (!strcmp(o, "--seed")) {
                if (parse_u64(v, &a->seed))
                    return usage_error("--seed: not an unsigned 64-bit integer: %s", v);
                a->has_seed = true;
            } else if (!strcmp(o, "--max-memory")) {
                if (parse_size(v, &a->max_memory))
                    return usage_error("--max-memory: not a positive size "
                                       "(bytes, or a number with K, M, G or "
                                       "T): %s", v);
            } else if (!strcmp(o, "--max-terms")) {
                if (parse_u64(v, &a->max_terms) || !a->max_terms)
                    return usage_error("--max-terms: not a positive "
                                       "integer: %s", v);
            } else if (!strcmp(o, "--max-reductions")) {
                if (parse_u64(v, &a->max_reductions) || !a->max_reductions)
                    return usage_error("--max-reductions: not a positive "
                                       "integer: %s", v);
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

/* Ctrl-C during a run: the handler only sets a flag (and restores the
 * default action, so a second Ctrl-C kills at once); the next trace event
 * sees it in interrupt_emit, which marks the stored run interrupted
 * (complete stays 0), leaves the text trace as .partial and exits 130. */
static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

typedef struct run_outputs {
    FILE *text;
    const char *text_tmp;
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
    if (o->store) {
        char err[512];
        if (trace_store_stop_run(o->store, "interrupted", err, sizeof err))
            fprintf(stderr, "clustersim: %s\n", err);
        else
            fprintf(stderr, "clustersim: interrupted: %s#%" PRId64
                    " is marked incomplete\n", o->db, o->run_id);
        trace_store_close(o->store);
    }
    if (o->text) {
        fclose(o->text);
        fprintf(stderr, "clustersim: interrupted: incomplete trace left in "
                "%s\n", o->text_tmp);
    }
    exit(130);
}

/* --max-memory passed inside one step of the run, which cannot finish
 * it (xalloc.h: the hard stop): as a limit that stops a run, the text
 * trace stays .partial, the stored run is marked incomplete, no page is
 * written; then exit 3 at once. */
typedef struct memory_stop {
    const char *file, *name;
    uint64_t seed;
    run_outputs *out;
} memory_stop;

static void on_memory_stop(void *ctx, const char *msg)
{
    memory_stop *m = ctx;
    run_outputs *o = m->out;
    fflush(stdout);
    if (o && o->text) {
        fclose(o->text);
        fprintf(stderr, "clustersim: incomplete trace left in %s\n", o->text_tmp);
    }
    if (o && o->store) {
        char err[512];
        if (trace_store_stop_run(o->store, "limit", err, sizeof err))
            fprintf(stderr, "clustersim: %s\n", err);
        else
            fprintf(stderr, "clustersim: %s#%" PRId64 " is marked incomplete\n",
                    o->db, o->run_id);
        trace_store_close(o->store);
    }
    fprintf(stderr, "clustersim: %s: internal limit reached: %s\n", m->file, msg);
    if (m->name)
        printf("%%%% %s: INCOMPLETE (seed %" PRIu64 ", stopped at once)\n",
               m->name, m->seed);
    fflush(stdout);
    exit(3);
}

/* Writes the page of h to path, through path.partial renamed when the
 * run is complete (an incomplete run's page stays path.partial, as its
 * text trace does). Returns 0, or 2 after a message. */
static int write_html(trace_render *h, const char *path, bool complete)
{
    char tmp[4096];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.partial", path) >= sizeof tmp) {
        fprintf(stderr, "clustersim: %s: path too long\n", path);
        return 2;
    }
    FILE *f = fopen(tmp, "w");
    if (!f) {
        fprintf(stderr, "clustersim: %s: cannot write: %s\n", tmp,
                strerror(errno));
        return 2;
    }
    bool bad = trace_render_write(h, f, NULL) != 0;
    bad |= fclose(f) != 0;
    if (bad) {
        fprintf(stderr, "clustersim: %s: write failed\n", tmp);
        remove(tmp);
        return 2;
    }
    if (!complete) {
        fprintf(stderr, "clustersim: incomplete page left in %s\n", tmp);
        return 0;
    }
    if (rename(tmp, path) != 0) {
        fprintf(stderr, "clustersim: %s: cannot rename to %s: %s\n", tmp,
                path, strerror(errno));
        return 2;
    }
    return 0;
}

static int cmd_run(int argc, char **argv)
{
    run_args a;
    int rc = parse_run(argc, argv, &a);
    if (rc)
        return rc;
    run_outputs out = {0};
    memory_stop mstop = {a.file, NULL, 0, &out};
    xalloc_set_limit(a.max_memory ? a.max_memory : default_max_memory());
    xalloc_set_fatal(on_memory_stop, &mstop);
    scn_plan *p = NULL;
    scn_error err;
    if (scn_load_file(a.file, &p, &err) != SCN_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    if (p->warnings)         /* erlc's warnings do not stop the run */
        fputs(p->warnings, stderr);

    mstop.name = p->name;
    mstop.seed = a.has_seed ? a.seed : p->seed;
    char dberr[1024];
    if (a.db && trace_store_open(a.db, &out.store, dberr, sizeof dberr)) {
        fprintf(stderr, "clustersim: %s\n", dberr);
        scn_plan_free(p);
        return 2;
    }

    /* The text trace goes to a temporary name and is renamed only when the
     * run completed, so an interrupted run never looks complete. */
    char tmp[4096];
    trace_text *tt = NULL;
    if (a.text) {
        if ((size_t)snprintf(tmp, sizeof tmp, "%s.partial", a.text) >= sizeof tmp) {
            trace_store_close(out.store);
            scn_plan_free(p);
            return usage_error("--text: path too long: %s", a.text);
        }
        if (!(out.text = fopen(tmp, "w"))) {
            fprintf(stderr, "clustersim: %s: cannot write: %s\n", tmp,
                    strerror(errno));
            trace_store_close(out.store);
            scn_plan_free(p);
            return 2;
        }
        out.text_tmp = tmp;
        tt = trace_text_new(out.text);
    }

    trace_tee *tee = trace_tee_new();
    if (tt)
        trace_tee_add(tee, trace_text_observer(tt));
    if (out.store) {
        const char **names = calloc((size_t)p->nnodes + 1, sizeof *names);
        if (!names)
            abort();
        for (int i = 0; i < p->nnodes; i++)
            names[i] = p->nodes[i].name;
        trace_run_meta m = {p->name, a.file, a.has_seed ? a.seed : p->seed,
                            CLUSTERSIM_VERSION, names, p->nnodes};
        out.db = a.db;
        rc = trace_store_begin_run(out.store, &m, &out.run_id, dberr,
                                   sizeof dberr);
        free(names);
        if (rc) {
            fprintf(stderr, "clustersim: %s\n", dberr);
            trace_tee_free(tee);
            trace_store_close(out.store);
            if (out.text) {
                fclose(out.text);
                remove(tmp);
            }
            trace_text_free(tt);
            scn_plan_free(p);
            return 2;
        }
        trace_tee_add(tee, trace_store_observer(out.store));
    }
    trace_render *html = NULL;
    if (a.html) {
        trace_render_opts ro = {0};
        ro.title = p->name;
        ro.subtitle = p->description;
        html = trace_render_new(&ro);
        trace_tee_add(tee, trace_render_observer(html));
    }
    if (tt || out.store) {
        sim_observer poll = {interrupt_emit, &out};
        trace_tee_add(tee, poll);
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_sigint;
        sa.sa_flags = SA_RESETHAND;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
    }
    sim_observer extra = trace_tee_observer(tee);

    if (!a.quiet && p->description)
        printf("%%%% %s: %s\n", p->name, p->description);
    scn_run_opts o = {0};
    o.seed = a.seed;
    o.has_seed = a.has_seed;
    o.transcript = a.quiet ? NULL : stdout;
    o.report = stderr;
    o.extra = tt || out.store || html ? &extra : NULL;
    o.max_events = a.max_events;
    o.max_reductions = a.max_reductions;
    o.max_terms = a.max_terms;
    scn_run_result r;
    scn_run(p, &o, &r);
    xalloc_set_limit(0);     /* the run is over: what is left is bounded by it */
    signal(SIGINT, SIG_DFL);
    fflush(stdout);
    trace_tee_free(tee);

    int exit_code = (int)r.outcome;
    if (out.text) {
        bool close_failed = fclose(out.text) != 0;
        bool bad = trace_text_failed(tt) || close_failed;
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
    if (out.store) {
        /* A run stopped by a limit is kept, marked incomplete. */
        rc = r.outcome == SCN_LIMIT
            ? trace_store_stop_run(out.store, "limit", dberr, sizeof dberr)
            : trace_store_end_run(out.store, r.hash,
                                  r.outcome == SCN_PASSED ? "passed" : "failed",
                                  dberr, sizeof dberr);
        trace_store_close(out.store);
        if (rc) {
            fprintf(stderr, "clustersim: %s\n", dberr);
            exit_code = 2;
        } else if (r.outcome == SCN_LIMIT) {
            fprintf(stderr, "clustersim: %s#%" PRId64 " is marked "
                    "incomplete\n", a.db, out.run_id);
        }
    }
    if (html) {
        if (write_html(html, a.html, r.outcome != SCN_LIMIT))
            exit_code = 2;
        trace_render_free(html);
    }
    if (r.outcome == SCN_LIMIT)
        fprintf(stderr, "clustersim: %s: internal limit reached: %s\n",
                a.file, r.limit);
    printf("%%%% %s: %s (seed %" PRIu64 ", %" PRIu64 " events)\n", p->name,
           r.outcome == SCN_PASSED ? "passed"
           : r.outcome == SCN_FAILED ? "FAILED" : "INCOMPLETE",
           r.seed, r.events);
    printf("trace hash: %016" PRIx64 "\n", r.hash);
    if (out.store && !rc)
        printf("trace stored: %s#%" PRId64 "%s\n", a.db, out.run_id,
               r.outcome == SCN_LIMIT ? " (incomplete)" : "");
    scn_plan_free(p);
    return exit_code;
}

/* trace show DB [--run ID]: the stored run as the canonical text trace. */
typedef struct show_ctx {
    char *line;
    size_t cap;
    uint64_t hash;
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
    if (fwrite(c->line, 1, n, stdout) != n)
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
    const char *spec = NULL, *run = NULL;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--run")) {
            if (i + 1 >= argc)
                return usage_error("%s", "--run needs a value");
            run = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return usage_error("unknown option: %s", argv[i]);
        } else if (spec) {
            return usage_error("trace show takes one DB; extra argument: %s",
                               argv[i]);
        } else {
            spec = argv[i];
        }
    }
    if (!spec)
        return usage_error("%s", "trace show needs a DB");
    char path[4096], err[1024];
    trace_run_info info;
    int rc0 = resolve_run(spec, run, path, sizeof path, &info);
    if (rc0)
        return rc0;
    show_ctx c = {NULL, 0, 0xcbf29ce484222325ULL, false};
    int rc = trace_store_read(path, info.id, show_emit, &c, NULL, err,
                              sizeof err);
    free(c.line);
    if (fflush(stdout) || c.failed) {
        fprintf(stderr, "clustersim: write error on standard output\n");
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
    const char *spec = NULL, *run = NULL, *outp = NULL;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--run") || !strcmp(argv[i], "-o")) {
            if (i + 1 >= argc)
                return usage_error("%s needs a value", argv[i]);
            if (!strcmp(argv[i], "-o"))
                outp = argv[++i];
            else
                run = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return usage_error("unknown option: %s", argv[i]);
        } else if (spec) {
            return usage_error("render takes one DB; extra argument: %s",
                               argv[i]);
        } else {
            spec = argv[i];
        }
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
        trace_render_free(h);
        return 2;
    }
    rc = write_html(h, outp, true);
    trace_render_free(h);
    return rc;
}

static int cmd_trace(int argc, char **argv)
{
    if (argc < 1)
        return usage_error("%s", "trace needs a subcommand: show or diff");
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
    if (!strcmp(cmd, "trace"))
        return cmd_trace(argc - 2, argv + 2);
    if (!strcmp(cmd, "render"))
        return cmd_render(argc - 2, argv + 2);
    if (!strcmp(cmd, "lib"))
        return cmd_lib(argc - 2, argv + 2);
    return usage_error("unknown command: %s", cmd);
}
