/* run: one scenario with its outputs (run.h).
 *
 * Invariants: the outputs are opened before the run, so a bad OUT costs
 * no run; a complete run's files are renamed at the end and an
 * incomplete one's stay .partial; the signal handler only records the
 * signal, and the run stops at its next trace event. */
#include "cli/run.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/out.h"
#include "core/term/term.h"
#include "core/term/xalloc.h"
#include "scenarios/loader.h"
#include "scenarios/nemesis.h"
#include "traces/render.h"
#include "traces/store.h"
#include "traces/trace.h"

static bool stdin_taken;

/* Contract in run.h. */
int cli_load_plan(const char *file, scn_plan **p)
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
    cli_out text, html;
    cli_out hedn, hjson;       /* written at the end only */
    trace_text *tt;
    trace_render *page;
    trace_store *store;
    const char *db;
    int64_t run_id;
} run_outputs;

/* The werr of cli_out_close for the text trace: its first failed
 * write's errno, -1 if that is unknown, 0 if none failed. */
static int text_werr(const trace_text *tt)
{
    if (!trace_text_failed(tt))
        return 0;
    return trace_text_errno(tt) ? trace_text_errno(tt) : -1;
}

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
        cli_out_close(&o->text, text_werr(o->tt), false, "trace");
    if (o->html.f)
        cli_out_html(o->page, &o->html, false);
    cli_out_abandon(&o->hedn);
    cli_out_abandon(&o->hjson);
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

/* --max-memory passed inside one step of the run, which cannot finish
 * it (xalloc.h: the hard stop): as for a limit that stops a run, the
 * text trace stays .partial and the stored run is marked incomplete; no
 * page is written; then exit 3 at once. */
typedef struct memory_stop {
    const char *file, *name;
    uint64_t seed;
    run_outputs *out;      /* NULL until the outputs exist */
} memory_stop;

static void on_memory_stop(void *ctx, const char *msg)
{
    memory_stop *m = ctx;
    run_outputs *o = m->out;
    fflush(stdout);
    if (o && o->text.f)
        cli_out_close(&o->text, text_werr(o->tt), false, "trace");
    if (o && o->html.f)
        cli_out_abandon(&o->html);
    if (o) {
        cli_out_abandon(&o->hedn);
        cli_out_abandon(&o->hjson);
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
    fprintf(stderr, "clustersim: %s: internal limit reached: %s\n", m->file,
            msg);
    if (m->name)
        printf("%%%% %s: INCOMPLETE (seed %" PRIu64 ", stopped at once)\n",
               m->name, m->seed);
    fflush(stdout);
    exit(3);
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

static int run_one(cli_run_job *a, memory_stop *ms);

/* Contract in run.h. The memory bound holds while the run does. */
int cli_run_one(cli_run_job *a)
{
    memory_stop ms = {a->file, NULL, 0, NULL};
    xalloc_set_limit(a->max_memory ? a->max_memory : default_max_memory());
    xalloc_set_fatal(on_memory_stop, &ms);
    int rc = run_one(a, &ms);
    xalloc_set_limit(0);  /* the run is over: what is left is bounded by it */
    xalloc_set_fatal(NULL, NULL);
    return rc;
}

static int run_one(cli_run_job *a, memory_stop *ms)
{
    memset(&a->r, 0, sizeof a->r);
    scn_plan *p = NULL;
    int rc = cli_load_plan(a->file, &p);
    if (rc)
        return rc;
    if (p->warnings && !a->silent)   /* erlc's warnings do not stop the run */
        fputs(p->warnings, stderr);
    ms->name = p->name;
    ms->seed = a->has_seed ? a->seed : p->seed;
    char serr[1024];
    if (a->strategy && scn_plan_use_strategy(p, a->strategy, serr, sizeof serr)) {
        fprintf(stderr, "clustersim: --strategy: %s\n", serr);
        scn_plan_free(p);
        return 2;
    }
    if ((a->hist_edn || a->hist_json) && !p->workload.present) {
        fprintf(stderr, "clustersim: %s: %s has no workload, so no history\n",
                a->hist_edn ? "--history-edn" : "--history-json", p->file);
        scn_plan_free(p);
        return 2;
    }

    run_outputs out = {0};
    ms->out = &out;
    char dberr[1024];
    if (a->db && cli_check_db_path(a->db)) {
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
    if ((a->text && cli_out_open(&out.text, "--text", a->text)) ||
        (a->html && cli_out_open(&out.html, "--html", a->html)) ||
        (a->hist_edn && cli_out_open(&out.hedn, "--history-edn", a->hist_edn)) ||
        (a->hist_json && cli_out_open(&out.hjson, "--history-json", a->hist_json))) {
        cli_out_abandon(&out.text);
        cli_out_abandon(&out.html);
        cli_out_abandon(&out.hedn);
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
                            CLUSTERSIM_VERSION, names, p->nnodes, p->sha256,
                            a->swarm};
        out.db = a->db;
        rc = trace_store_begin_run(out.store, &m, &out.run_id, dberr,
                                   sizeof dberr);
        free(names);
        if (rc) {
            fprintf(stderr, "clustersim: %s\n", dberr);
            trace_tee_free(tee);
            trace_store_close(out.store);
            cli_out_abandon(&out.text);
            cli_out_abandon(&out.html);
            cli_out_abandon(&out.hedn);
            cli_out_abandon(&out.hjson);
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

    if (!a->quiet && p->description) {
        printf("%%%% %s: ", p->name);
        trace_fputs_safe(p->description, stdout);   /* no raw ESC */
        putchar('\n');
    }
    scn_run_opts o = {0};
    o.seed = a->seed;
    o.has_seed = a->has_seed;
    o.transcript = a->quiet ? NULL : stdout;
    o.report = a->silent ? NULL : stderr;
    o.extra = any ? &extra : NULL;
    o.max_events = a->max_events;
    o.max_reductions = a->max_reductions;
    o.max_terms = a->max_terms;
    o.history_edn = out.hedn.f;
    o.history_json = out.hjson.f;
    o.keep = a->keep;
    scn_run_result *r = &a->r;
    /* The seed's nemesis faults and swarm knobs (scenarios/nemesis.h). */
    scn_variant var;
    scn_variant_make(p, a->has_seed ? a->seed : p->seed, a->swarm, &var);
    scn_run(&var.plan, &o, r);
    scn_variant_fini(&var);
    if (any)
        catch_signals(false);
    int stdout_err = fflush(stdout) ? errno : 0;
    trace_tee_free(tee);

    bool complete = r->outcome != SCN_LIMIT;
    int exit_code = (int)r->outcome;
    if (out.text.f) {
        int werr = text_werr(out.tt);
        if (!werr && out.text.f == stdout)
            werr = stdout_err;
        trace_text_free(out.tt);
        if (cli_out_close(&out.text, werr, complete, "trace"))
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
    cli_out *hist[2] = {&out.hedn, &out.hjson};
    for (int i = 0; i < 2; i++)
        if (hist[i]->f && cli_out_close(hist[i], r->history_werr ? -1 : 0, complete,
                                        "history"))
            exit_code = 2;
    if (out.page) {
        if (cli_out_html(out.page, &out.html, complete))
            exit_code = 2;
        trace_render_free(out.page);
    }
    if (!complete)
        fprintf(stderr, "clustersim: %s: internal limit reached: %s\n",
                p->file, r->limit);
    if (!a->silent) {
        char warn[64] = "";
        if (r->unfinished)
            snprintf(warn, sizeof warn, ", %d step%s unfinished",
                     r->unfinished, r->unfinished == 1 ? "" : "s");
        printf("%%%% %s: %s (seed %" PRIu64 ", %" PRIu64 " events%s)\n",
               p->name, r->outcome == SCN_PASSED ? "passed"
               : r->outcome == SCN_FAILED ? "FAILED" : "INCOMPLETE",
               r->seed, r->events, warn);
        /* A run stopped by a limit hashes only the events up to the stop:
         * the hash is of a partial trace, and says so. */
        if (!complete)
            printf("trace hash: %016" PRIx64 " (partial: stopped by %s)\n",
                   r->hash, r->limit);
        else
            printf("trace hash: %016" PRIx64 "\n", r->hash);
        if (out.store && !rc)
            printf("trace stored: %s#%" PRId64 "%s\n", a->db, out.run_id,
                   !complete ? " (incomplete)" : "");
    }
    scn_plan_free(p);
    return exit_code;
}

/* Contract in run.h. */
void cli_show_emit(void *ctx, const sim_obs_event *ev)
{
    cli_show_ctx *c = ctx;
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
