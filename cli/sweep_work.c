/* sweep_work: one seed of a sweep run into its result line, the
 * determinism self-check, and the worker processes' loop (sweep_int.h).
 *
 * Invariants: a result line is a function of the run alone (file, plan,
 * seed, swarm, version, the run's result) except for its "wall_ms", so
 * the same sweep gives the same lines whatever --jobs and the timing; a
 * runner loads nothing (the plans were loaded before the fork) and
 * makes one variant per seed; a worker writes only to its own pipe and
 * its own part of --trace. */
#include "cli/sweep_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cli/run.h"
#include "core/term/xalloc.h"
#include "scenarios/nemesis.h"
#include "scenarios/run.h"
#include "sim/rng.h"
#include "traces/diff.h"
#include "traces/store.h"
#include "traces/trace.h"

static void sb_reset(strbuf *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = 0;
}

/* Contract in sweep_int.h. */
void sweep__res_init(sweep_res *r)
{
    memset(r, 0, sizeof *r);
    sb_init(&r->line);
    sb_init(&r->first);
    sb_init(&r->report);
}

/* Contract in sweep_int.h. */
void sweep__res_fini(sweep_res *r)
{
    sb_fini(&r->line);
    sb_fini(&r->first);
    sb_fini(&r->report);
}

/* Contract in sweep_int.h. */
void sweep__json_str(strbuf *b, const char *s)
{
    sb_putc(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            sb_putc(b, '\\');
            sb_putc(b, (char)c);
        } else if (c == '\n') {
            sb_puts(b, "\\n");
        } else if (c == '\t') {
            sb_puts(b, "\\t");
        } else if (c < 0x20 || c == 0x7f) {
            sb_printf(b, "\\u%04x", c);
        } else {
            sb_putc(b, (char)c);
        }
    }
    sb_putc(b, '"');
}

/* Contract in sweep_int.h. */
void sweep__header(strbuf *b, const char *version, const sweep_part *parts,
                   int nparts, bool swarm, const sweep_hfile *files,
                   int nfiles)
{
    sb_puts(b, "{\"clustersim_sweep\":1,\"version\":");
    sweep__json_str(b, version);
    if (nparts == 1) {
        sb_printf(b, ",\"seeds\":\"%" PRIu64 "..%" PRIu64 "\",\"shard\":[%"
                  PRIu64 ",%" PRIu64 "]", parts[0].first, parts[0].last,
                  parts[0].i, parts[0].n);
    } else {
        sb_puts(b, ",\"parts\":[");
        for (int k = 0; k < nparts; k++)
            sb_printf(b, "%s{\"seeds\":\"%" PRIu64 "..%" PRIu64 "\",\"shard\":"
                      "[%" PRIu64 ",%" PRIu64 "]}", k ? "," : "",
                      parts[k].first, parts[k].last, parts[k].i, parts[k].n);
        sb_putc(b, ']');
    }
    sb_printf(b, ",\"swarm\":%s,\"files\":[", swarm ? "true" : "false");
    for (int k = 0; k < nfiles; k++) {
        sb_puts(b, k ? ",{\"file\":" : "{\"file\":");
        sweep__json_str(b, files[k].file);
        sb_puts(b, ",\"scenario\":");
        sweep__json_str(b, files[k].scenario);
        sb_puts(b, ",\"scenario_sha256\":");
        sweep__json_str(b, files[k].sha256);
        sb_putc(b, '}');
    }
    sb_puts(b, "]}");
}

/* ---- the runner ---- */

struct sweep_runner {
    const sweep_cfg *c;
    int k;
    trace_store *store;
    char part[4096];
    char tmp[1024];            /* the scratch folder ("" until needed) */
    bool keep_tmp;             /* a mismatch's traces are in it */
    /* the run in progress, for the hard memory stop */
    uint64_t item, seed;
    int out_fd;                /* a worker's pipe, or -1 in-process */
};

/* Contract in sweep_int.h. */
void sweep__part_path(const sweep_cfg *c, int k, char *buf, size_t n)
{
    snprintf(buf, n, "%s.w%d.partial", c->trace, k);
}

/* Contract in sweep_int.h. */
sweep_runner *sweep__runner_new(const sweep_cfg *c, int k)
{
    sweep_runner *w = xcalloc(1, sizeof *w);
    w->c = c;
    w->k = k;
    w->out_fd = -1;
    if (c->trace) {
        char err[1024];
        sweep__part_path(c, k, w->part, sizeof w->part);
        unlink(w->part);     /* an interrupted sweep's: ours, and stale */
        if (trace_store_open(w->part, &w->store, err, sizeof err)) {
            fprintf(stderr, "clustersim: %s\n", err);
            free(w);
            return NULL;
        }
    }
    return w;
}

/* The scratch folder for the determinism check's traces, made on first
 * use under $TMPDIR (or /tmp). Returns 0, or -1 after a message. */
static int need_tmp(sweep_runner *w)
{
    if (w->tmp[0])
        return 0;
    const char *d = getenv("TMPDIR");
    snprintf(w->tmp, sizeof w->tmp, "%s/clustersim-sweep.XXXXXX",
             d && *d ? d : "/tmp");
    if (!mkdtemp(w->tmp)) {
        fprintf(stderr, "clustersim: sweep: cannot make a folder %s: %s\n",
                w->tmp, strerror(errno));
        w->tmp[0] = 0;
        return -1;
    }
    return 0;
}

static void rm_tmp_file(const char *path)
{
    if (unlink(path) && errno != ENOENT)
        fprintf(stderr, "clustersim: cannot remove %s: %s\n", path,
                strerror(errno));
}

/* Contract in sweep_int.h. */
int sweep__runner_free(sweep_runner *w)
{
    if (!w)
        return 0;
    trace_store_close(w->store);
    if (w->tmp[0] && !w->keep_tmp)
        rmdir(w->tmp);
    free(w);
    return 0;
}

static uint64_t system_max_memory(void);

/* --max-memory passed inside one step of a run (xalloc.h: the hard
 * stop), which cannot finish it: the sweep stops. A worker tells the
 * parent over its pipe (a fatal result; no allocation here) and exits;
 * in-process, the message goes to stderr and the process exits 3, the
 * outputs left .partial. */
static void on_memory_stop(void *ctx, const char *msg)
{
    sweep_runner *w = ctx;
    const sweep_cfg *c = w->c;
    const char *file = c->files[w->item / c->nseeds];
    char text[1024];
    snprintf(text, sizeof text, "%s: seed %" PRIu64 ": internal limit "
             "reached: %s; the sweep stops", file, w->seed, msg);
    if (w->out_fd >= 0) {
        sweep_res r;
        memset(&r, 0, sizeof r);
        r.item = w->item;
        r.outcome = 3;
        r.fatal = true;
        r.report.s = text;
        r.report.len = strlen(text);
        sweep__res_send(w->out_fd, &r);
        _exit(3);
    }
    fflush(stdout);
    fprintf(stderr, "clustersim: %s\n", text);
    exit(3);
}

/* Three quarters of the physical memory (as run's default), asked of
 * the system once. */
static uint64_t default_max_memory(void)
{
    static uint64_t m;
    if (!m)
        m = system_max_memory();
    return m;
}

static uint64_t system_max_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || size <= 0)
        return (uint64_t)16 << 30;
    uint64_t m = (uint64_t)pages / 4 * 3 * (uint64_t)size;
    return m >> 20 << 20;
}

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* One run of plan p for seed, its canonical text to `text` (NULL: none)
 * and, when `store`, into the runner's part of --trace. */
static void run_seed(sweep_runner *w, const scn_plan *p, uint64_t seed,
                     FILE *text, bool store, scn_run_result *r,
                     scn_variant *var)
{
    const sweep_cfg *c = w->c;
    trace_tee *tee = trace_tee_new();
    trace_text *tt = NULL;
    if (text) {
        tt = trace_text_new(text);
        trace_tee_add(tee, trace_text_observer(tt));
    }
    int64_t run_id = 0;
    char err[1024];
    bool stored = false;
    if (store && w->store) {
        const char **names = xcalloc((size_t)p->nnodes + 1, sizeof *names);
        for (int i = 0; i < p->nnodes; i++)
            names[i] = p->nodes[i].name;
        trace_run_meta m = {p->name, p->file, seed, CLUSTERSIM_VERSION, names,
                            p->nnodes, p->sha256, c->swarm};
        if (trace_store_begin_run(w->store, &m, &run_id, err, sizeof err))
            fprintf(stderr, "clustersim: %s\n", err);
        else
            stored = true;
        free(names);
        if (stored)
            trace_tee_add(tee, trace_store_observer(w->store));
    }
    sim_observer extra = trace_tee_observer(tee);
    scn_run_opts o = {0};
    o.seed = seed;
    o.has_seed = true;
    o.extra = tt || stored ? &extra : NULL;
    o.max_events = c->max_events;
    o.max_reductions = c->max_reductions;
    o.max_terms = c->max_terms;
    scn_variant_make(p, seed, c->swarm, var);
    xalloc_set_limit(c->max_memory ? c->max_memory : default_max_memory());
    xalloc_set_fatal(on_memory_stop, w);
    scn_run(&var->plan, &o, r);
    xalloc_set_limit(0);
    xalloc_set_fatal(NULL, NULL);
    trace_tee_free(tee);
    trace_text_free(tt);
    if (stored) {
        int rc = r->outcome == SCN_LIMIT
            ? trace_store_stop_run(w->store, "limit", err, sizeof err)
            : trace_store_end_run(w->store, r->hash,
                                  r->outcome == SCN_PASSED ? "passed"
                                  : "failed", err, sizeof err);
        if (rc)
            fprintf(stderr, "clustersim: %s\n", err);
    }
}

/* Which seeds the determinism check reruns: a hash of the seed alone
 * (not of the shard or the worker), below pct%; one in four of those,
 * by another hash, also in a fresh process. */
static int det_mode(double pct, uint64_t seed)
{
    if (pct < 0)
        return SWEEP_DET_NONE;
    uint64_t h = rng_mix64(seed ^ 0x5357454550ULL);   /* "SWEEP" */
    double u = (double)(h >> 11) * (1.0 / 9007199254740992.0);
    if (!(u * 100.0 < pct))
        return SWEEP_DET_NONE;
    return (rng_mix64(h) & 3) == 0 ? SWEEP_DET_FRESH : SWEEP_DET_RERUN;
}

/* FNV-1a 64 of the file at path, as the text trace hashes its bytes.
 * Returns 0, or -1 if it cannot be read. */
static int hash_file(const char *path, uint64_t *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    uint64_t h = 0xcbf29ce484222325ULL;
    int ch;
    while ((ch = getc(f)) != EOF) {
        h ^= (unsigned char)ch;
        h *= 0x100000001b3ULL;
    }
    int bad = ferror(f);
    fclose(f);
    *out = h;
    return bad ? -1 : 0;
}

/* The test-only hook: CLUSTERSIM_SWEEP_PERTURB=rerun or =fresh makes that
 * second run use another seed, so that tests/sweep.sh can see a mismatch
 * caught. Not a user option. */
static bool perturbed(int mode)
{
    const char *e = getenv("CLUSTERSIM_SWEEP_PERTURB");
    if (!e)
        return false;
    return (mode == SWEEP_DET_RERUN && !strcmp(e, "rerun")) ||
           (mode == SWEEP_DET_FRESH && !strcmp(e, "fresh"));
}

/* The fresh-process rerun: this binary as `run FILE --seed S [--swarm]
 * --quiet --text TEXT` with the sweep's limits. Returns 0 and the hash of
 * the text it wrote, or -1 with a message in err. */
static int fresh_run(sweep_runner *w, const char *file, uint64_t seed,
                     const char *text, uint64_t *hash, char *err, size_t n)
{
    const sweep_cfg *c = w->c;
    char seedbuf[32], nums[8][32];
    snprintf(seedbuf, sizeof seedbuf, "%" PRIu64, seed);
    char *argv[24];
    int na = 0;
    argv[na++] = (char *)c->self;
    argv[na++] = (char *)"run";
    argv[na++] = (char *)file;
    argv[na++] = (char *)"--seed";
    argv[na++] = seedbuf;
    if (c->swarm)
        argv[na++] = (char *)"--swarm";
    argv[na++] = (char *)"--quiet";
    argv[na++] = (char *)"--text";
    argv[na++] = (char *)text;
    int nb = 0;
    uint64_t lim[4] = {c->max_events, c->max_reductions, c->max_terms,
                       c->max_memory};
    const char *names[4] = {"--max-events", "--max-reductions",
                            "--max-terms", "--max-memory"};
    for (int i = 0; i < 4; i++) {
        if (!lim[i])
            continue;
        snprintf(nums[nb], sizeof nums[nb], "%" PRIu64, lim[i]);
        argv[na++] = (char *)names[i];
        argv[na++] = nums[nb++];
    }
    argv[na] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, n, "cannot fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        int fd = open("/dev/null", O_RDWR);
        if (fd >= 0) {
            dup2(fd, 0);
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execv(c->self, argv);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) {
            snprintf(err, n, "waitpid: %s", strerror(errno));
            return -1;
        }
    if (!WIFEXITED(st) || (WEXITSTATUS(st) != 0 && WEXITSTATUS(st) != 1 &&
                           WEXITSTATUS(st) != 3)) {
        snprintf(err, n, "`%s run %s --seed %s%s` ended with %s %d", c->self,
                 file, seedbuf, c->swarm ? " --swarm" : "",
                 WIFEXITED(st) ? "exit code" : "signal",
                 WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
        return -1;
    }
    /* A run stopped by a limit leaves its text as TEXT.partial. */
    char partial[1300];
    snprintf(partial, sizeof partial, "%s.partial", text);
    if (access(text, F_OK) && !access(partial, F_OK) &&
        rename(partial, text)) {
        snprintf(err, n, "cannot rename %s: %s", partial, strerror(errno));
        return -1;
    }
    if (hash_file(text, hash)) {
        snprintf(err, n, "cannot read %s: %s", text, strerror(errno));
        return -1;
    }
    return 0;
}

/* The mismatch's report: the file, the seed, both hashes and the first
 * differing event (trace_diff of the two text traces, kept). */
static void mismatch_report(sweep_runner *w, strbuf *b, const char *file,
                            uint64_t seed, int mode, uint64_t h1, uint64_t h2,
                            const char *t1, const char *t2)
{
    sb_printf(b, "determinism mismatch: %s seed %" PRIu64 "%s: the run hashed "
              "%016" PRIx64 ", its rerun %s %016" PRIx64 "\n", file, seed,
              w->c->swarm ? " (swarm)" : "", h1,
              mode == SWEEP_DET_FRESH ? "in a fresh process"
              : "in a fresh world", h2);
    char *dt = NULL;
    size_t dn = 0;
    FILE *m = open_memstream(&dt, &dn);
    char err[1024];
    int rc = m ? trace_diff(t1, t2, 3, m, err, sizeof err) : -1;
    if (m)
        fclose(m);
    if (rc < 0)
        sb_printf(b, "  (no diff: %s)\n", m ? err : "open_memstream failed");
    else if (dt)
        sb_puts(b, dt);
    free(dt);
    sb_printf(b, "  the two traces: %s %s\n", t1, t2);
    w->keep_tmp = true;
}

/* The result line's "checkers": the workload's verdicts. */
static void put_checkers(strbuf *b, const scn_plan *p, const scn_wl_result *wl)
{
    sb_puts(b, "{\"strategy\":");
    sweep__json_str(b, wl->strategy);
    sb_printf(b, ",\"invoked\":%" PRIu64 ",\"ok\":%" PRIu64 ",\"fail\":%"
              PRIu64 ",\"info\":%" PRIu64, wl->invoked, wl->ok, wl->fail,
              wl->info);
    for (int i = 0; i < p->workload.ncheckers; i++) {
        const char *k = p->workload.checkers[i];
        if (!strcmp(k, "linearizable"))
            sb_printf(b, ",\"linearizable\":\"%s\"",
                      wl->lin == HIST_LINEARIZABLE ? "yes"
                      : wl->lin == HIST_NOT_LINEARIZABLE ? "no" : "unknown");
        else if (!strcmp(k, "stale_reads"))
            sb_printf(b, ",\"stale_reads\":%zu", wl->cap.stale);
        else if (!strcmp(k, "lost_writes"))
            sb_printf(b, ",\"lost_writes\":%zu", wl->cap.lost);
        else if (!strcmp(k, "convergence"))
            sb_printf(b, ",\"converged\":%s",
                      wl->cap.final_reads_agree && wl->cap.replicas_agree != 0
                      ? "true" : "false");
    }
    sb_putc(b, '}');
}

/* Contract in sweep_int.h. */
void sweep__runner_run(sweep_runner *w, uint64_t item, sweep_res *res)
{
    const sweep_cfg *c = w->c;
    int fi = (int)(item / c->nseeds);
    uint64_t seed = sweep__seed(c, item % c->nseeds);
    const scn_plan *p = c->plans[fi];
    const char *file = c->files[fi];
    w->item = item;
    w->seed = seed;
    res->item = item;
    res->fatal = false;
    sb_reset(&res->line);
    sb_reset(&res->first);
    sb_reset(&res->report);

    int mode = det_mode(c->check_pct, seed);
    if (mode == SWEEP_DET_FRESH && !strcmp(file, "-"))
        mode = SWEEP_DET_RERUN;      /* standard input is read once */
    char t1[1200] = "", t2[1200] = "";
    FILE *f1 = NULL;
    if (mode != SWEEP_DET_NONE && need_tmp(w) == 0) {
        snprintf(t1, sizeof t1, "%s/s%" PRIu64 ".f%d.a.trace", w->tmp, seed,
                 fi);
        snprintf(t2, sizeof t2, "%s/s%" PRIu64 ".f%d.b.trace", w->tmp, seed,
                 fi);
        f1 = fopen(t1, "w");
        if (!f1)
            fprintf(stderr, "clustersim: cannot write %s: %s\n", t1,
                    strerror(errno));
    }
    if (!f1)
        mode = SWEEP_DET_NONE;

    scn_run_result r;
    scn_variant var;
    int64_t t0 = now_us();
    run_seed(w, p, seed, f1, true, &r, &var);
    int64_t wall = now_us() - t0;
    strbuf swarm;
    sb_init(&swarm);
    scn_swarm_json(&var.swarm, &swarm);
    scn_variant_fini(&var);

    /* The check: a second run in a fresh world, its hash compared with
     * the first's; for one in four, a third in a fresh process. */
    uint64_t h2 = r.hash;
    int which = mode;             /* the check that differed */
    if (mode != SWEEP_DET_NONE) {
        fclose(f1);
        FILE *f2 = fopen(t2, "w");
        scn_run_result r2;
        scn_variant v2;
        run_seed(w, p, perturbed(SWEEP_DET_RERUN) ? seed + 1 : seed, f2,
                 false, &r2, &v2);
        scn_variant_fini(&v2);
        if (f2)
            fclose(f2);
        h2 = r2.hash;
        which = SWEEP_DET_RERUN;
        char err[9000];
        uint64_t h3;
        if (h2 == r.hash && mode == SWEEP_DET_FRESH) {
            if (fresh_run(w, file, perturbed(SWEEP_DET_FRESH) ? seed + 1
                          : seed, t2, &h3, err, sizeof err)) {
                fprintf(stderr, "clustersim: determinism check of %s seed %"
                        PRIu64 " in a fresh process: %s\n", file, seed, err);
                mode = SWEEP_DET_RERUN;  /* checked in this process only */
            } else {
                h2 = h3;
                which = SWEEP_DET_FRESH;
            }
        }
        if (h2 != r.hash)
            mismatch_report(w, &res->report, file, seed, which, r.hash, h2,
                            t1, t2);
        else {
            rm_tmp_file(t1);
            rm_tmp_file(t2);
        }
    }

    res->outcome = (int)r.outcome;
    res->hash = r.hash;
    res->det = mode;
    res->mismatch = h2 != r.hash;
    if (r.outcome == SCN_LIMIT)
        sb_printf(&res->first, "internal limit reached: %s", r.limit);
    else if (r.nfailures)
        sb_printf(&res->first, "%s: %s", r.failures[0].where,
                  r.failures[0].what);

    strbuf *b = &res->line;
    sb_puts(b, "{\"file\":");
    sweep__json_str(b, file);
    sb_puts(b, ",\"scenario\":");
    sweep__json_str(b, p->name);
    sb_printf(b, ",\"scenario_sha256\":\"%s\",\"seed\":%" PRIu64
              ",\"swarm\":%s,\"version\":\"%s\",\"outcome\":\"%s\","
              "\"failures\":[", p->sha256, seed, swarm.s ? swarm.s : "null",
              CLUSTERSIM_VERSION, r.outcome == SCN_PASSED ? "passed"
              : r.outcome == SCN_FAILED ? "failed" : "limit");
    sb_fini(&swarm);
    for (int i = 0; i < r.nfailures; i++) {
        sb_puts(b, i ? ",{\"where\":" : "{\"where\":");
        sweep__json_str(b, r.failures[i].where);
        sb_puts(b, ",\"what\":");
        sweep__json_str(b, r.failures[i].what);
        sb_putc(b, '}');
    }
    sb_putc(b, ']');
    if (r.outcome == SCN_LIMIT) {
        sb_puts(b, ",\"limit\":");
        sweep__json_str(b, r.limit);
    }
    if (r.wl.present) {
        sb_puts(b, ",\"checkers\":");
        put_checkers(b, p, &r.wl);
    }
    sb_printf(b, ",\"trace_hash\":\"%016" PRIx64 "\",\"events\":%" PRIu64
              ",\"virtual_us\":%" PRId64, r.hash, r.events, r.virtual_us);
    if (mode != SWEEP_DET_NONE)
        sb_printf(b, ",\"determinism\":\"%s\"",
                  mode == SWEEP_DET_FRESH ? "fresh_process" : "rerun");
    if (h2 != r.hash)
        sb_printf(b, ",\"determinism_mismatch\":\"%016" PRIx64 "\"", h2);
    sb_printf(b, ",\"wall_ms\":%" PRId64 ".%03d}", wall / 1000,
              (int)(wall % 1000));
}

/* ---- the pipe between a worker and the parent ---- */

typedef struct msg_head {
    uint64_t item, hash;
    int32_t outcome, det, mismatch, fatal;
    uint32_t len[3];
} msg_head;

static int write_full(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

static int read_full(int fd, void *buf, size_t n)
{
    char *p = buf;
    while (n) {
        ssize_t k = read(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Contract in sweep_int.h. */
int sweep__res_send(int fd, const sweep_res *r)
{
    msg_head h;
    memset(&h, 0, sizeof h);
    h.item = r->item;
    h.hash = r->hash;
    h.outcome = r->outcome;
    h.det = r->det;
    h.mismatch = r->mismatch;
    h.fatal = r->fatal;
    const strbuf *s[3] = {&r->line, &r->first, &r->report};
    for (int i = 0; i < 3; i++)
        h.len[i] = (uint32_t)s[i]->len;
    if (write_full(fd, &h, sizeof h))
        return -1;
    for (int i = 0; i < 3; i++)
        if (s[i]->len && write_full(fd, s[i]->s, s[i]->len))
            return -1;
    return 0;
}

/* Contract in sweep_int.h. */
int sweep__res_recv(int fd, sweep_res *r)
{
    msg_head h;
    if (read_full(fd, &h, sizeof h))
        return -1;
    r->item = h.item;
    r->hash = h.hash;
    r->outcome = h.outcome;
    r->det = h.det;
    r->mismatch = h.mismatch;
    r->fatal = h.fatal;
    strbuf *s[3] = {&r->line, &r->first, &r->report};
    for (int i = 0; i < 3; i++) {
        sb_reset(s[i]);
        char chunk[4096];
        uint32_t left = h.len[i];
        while (left) {
            uint32_t m = left < sizeof chunk ? left : (uint32_t)sizeof chunk;
            if (read_full(fd, chunk, m))
                return -1;
            sb_putn(s[i], chunk, m);
            left -= m;
        }
    }
    return 0;
}

/* Contract in sweep_int.h. */
void sweep__worker_main(const sweep_cfg *c, int k, int in_fd, int out_fd)
{
    /* The parent handles SIGINT and SIGTERM for the sweep; a worker dies
     * of them as the default says, or sees its pipe close. */
    signal(SIGPIPE, SIG_DFL);
    sweep_runner *w = sweep__runner_new(c, k);
    if (!w)
        _exit(2);
    w->out_fd = out_fd;
    sweep_res r;
    sweep__res_init(&r);
    uint64_t item;
    int rc = 0;
    while (read_full(in_fd, &item, sizeof item) == 0) {
        sweep__runner_run(w, item, &r);
        if (sweep__res_send(out_fd, &r)) {
            rc = 2;
            break;
        }
    }
    sweep__res_fini(&r);
    if (sweep__runner_free(w))
        rc = 2;
    fflush(stderr);
    _exit(rc);
}
