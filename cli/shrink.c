/* shrink: a failing seed reduced to a small scenario that still fails the
 * same way (shrink.h; `clustersim shrink --help` is the user's reference).
 *
 * The search. FILE is run for the seed (with --swarm, as `run --swarm`
 * does); its first failure is the target. The seed's draws are made
 * explicit (scn_materialize), so that the search works on plain JSON: a
 * cJSON tree, the smallest failing scenario found so far. A candidate is
 * that tree with something taken away or shortened; it "fails the same
 * way" when it loads, its run fails, and one of its failures has the
 * target's identity (identity(): scn_failure.what, without a check's
 * index "checks[K]: ", which moves when checks go; for an expectation,
 * also whether it got a value or which reason it got none). A candidate
 * the loader rejects, or whose run hits a limit, does not. Each round:
 *   1. (first round) the checks other than the target's go: they do not
 *      change the run; with --swarm, the drawn knobs go back to FILE's;
 *   2. ddmin (Zeller and Hildebrandt 2002) over the timeline's units: a
 *      fault with the steps that undo it (partition, cut and cut_oneway
 *      with their heals, freeze with resume, halt with restart, a latency
 *      step with the next one on the same direction), every other step a
 *      unit of its own; a heal shared by several faults stays while one
 *      of them does;
 *   3. ddmin over the workload's clients, then over the nodes (a node
 *      goes with its steps, links, pairs, groups, checks and places),
 *      except those the target expectation names;
 *   4. until, each fault's duration (its one undoing step moved earlier)
 *      and the workload's `to`, each by binary search at 1 ms.
 * Rounds repeat while one changed the tree (at most MAX_ROUNDS).
 *
 * Invariants: the result depends only on FILE's bytes, the module files,
 * the seed and the options: subsets are tried in a fixed order, results
 * are cached by the candidate's text, and nothing reads the clock but the
 * elapsed time on stderr. The tree is always one that failed the same
 * way, so stopping anywhere (--max-runs) leaves a valid answer. */
#include "cli/shrink.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli/opts.h"
#include "cli/out.h"
#include "cli/shrink_int.h"
#include "core/term/xalloc.h"
#include "scenarios/loader.h"
#include "scenarios/nemesis.h"
#include "scenarios/run.h"

#define MAX_ROUNDS 8
#define DEFAULT_MAX_RUNS 2000

enum {
    SHR_SEED, SHR_SWARM, SHR_OUT, SHR_MAX_RUNS, SHR_MAX_EVENTS,
    SHR_MAX_REDUCTIONS, SHR_HELP, SHR_NOPTS
};
static const cli_opt shr_opts[SHR_NOPTS] = {
    [SHR_SEED] = {"--seed", NULL, "S",
                  "the failing seed (default: the scenario's)"},
    [SHR_SWARM] = {"--swarm", NULL, NULL,
                   "the seed draws the swarm knobs too, as run --swarm"},
    [SHR_OUT] = {"--output", "-o", "MIN.json",
                 "write the result to MIN.json (default: standard output)"},
    [SHR_MAX_RUNS] = {"--max-runs", NULL, "N",
                      "run at most N candidates, then write the smallest\n"
                      "failing scenario found so far (default 2000)"},
    [SHR_MAX_EVENTS] = {"--max-events", NULL, "N",
                        "the engine events a run may take (the seed's own\n"
                        "run too); a candidate that needs more does not\n"
                        "fail the same way (default: ten times the seed's\n"
                        "run, plus 1000000)"},
    [SHR_MAX_REDUCTIONS] = {"--max-reductions", NULL, "N",
                            "the calls the Erlang code of a run may make, as\n"
                            "run --max-reductions (default 1000000000)"},
    [SHR_HELP] = {"--help", "-h", NULL, "this help"},
};
static const char shr_about[] =
    "usage: clustersim shrink FILE [--seed S] [--swarm] [-o MIN.json]\n"
    "\n"
    "Runs FILE with seed S (as run --seed S [--swarm] does) and reduces the\n"
    "failing run to a small scenario that fails the same way. First the\n"
    "seed's draws are made explicit (as materialize does); then, in rounds\n"
    "while something changes: the checks but the failing one go (first\n"
    "round), swarm's knobs go back to the scenario's own, ddmin removes\n"
    "timeline steps (a fault and the steps that undo it go together: a\n"
    "partition or cut with its heals, freeze with resume, halt with\n"
    "restart, a latency step with the one that restores it), the\n"
    "workload's clients and the nodes (with their steps, links and\n"
    "checks), and binary searches at 1 ms shorten `until`, each fault (its\n"
    "heal moved earlier) and the workload's `to`.\n"
    "\n"
    "Fails the same way: the candidate loads, its run fails, and one of its\n"
    "failures is the seed's first: the same expectation (node, eval and\n"
    "pattern) getting a value (any value) or getting none for the same\n"
    "reason (\"no result by the end of the run\", ...), or the same check\n"
    "(selector, too few or too many). A run that hits a limit does not.\n"
    "The nodes the failing expectation names stay.\n"
    "\n"
    "The result is JSON, with \"seed\" S and a description of what was\n"
    "done, the timeline in run order. Its relative module paths name the\n"
    "same files from MIN.json's folder (on standard output, from the\n"
    "current directory); a c(Mod) in an eval still reads Mod.erl beside\n"
    "the scenario. Before it is written, it is run once more as written.\n"
    "The same FILE, seed and options give the same bytes. A summary (runs,\n"
    "sizes before and after, the time taken) goes to stderr.\n"
    "\n"
    "Exit 0 written (also when --max-runs stopped the search: stderr and\n"
    "the description say so), 2 nothing to shrink (\"nothing to shrink:\n"
    "seed S passes\"), a bad scenario or usage, or an output that cannot\n"
    "be written, 3 the seed's own run hit an internal limit (nothing was\n"
    "judged, so there is no failure to keep).\n"
    "\n"
    "options:\n";

typedef struct cache_ent {
    uint64_t hash;
    char *text;
    bool fails;
} cache_ent;

typedef struct shr {
    const char *file;
    uint64_t seed;
    uint64_t max_runs, max_events, max_reductions;
    uint64_t runs, rejected, cached;
    bool exhausted;            /* max_runs reached */
    char target[600];          /* the failure's identity (identity()) */
    cJSON *doc;                /* the smallest failing scenario so far */
    cJSON *own_config;         /* --swarm: FILE's own config (or NULL) */
    cache_ent *cache;
    int ncache, capcache;
} shr;

/* A failure's identity without a check's index, which moves when the
 * checks before it go. */
static void failure_id(const char *what, char *out, size_t n)
{
    int k = 0;
    if (!strncmp(what, "checks[", 7)) {
        const char *p = what + 7;
        while (*p >= '0' && *p <= '9')
            p++;
        if (*p == ']' && p[1] == ':' && p[2] == ' ')
            k = (int)(p + 3 - what);
    }
    snprintf(out, n, "%s", what + k);
}

static uint64_t fnv(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* What a failed expectation got, as far as its identity goes: "a value"
 * for any value (the value itself moves with pids and timings), else the
 * reason there was none ("no result by the end of the run", "never
 * evaluated (...)"), which is another failure: a run cut short before
 * the call returns must not pass for the bug. Failures are seen in the
 * order failure_emit (scenarios/run.c) records them. */
typedef struct got_sink {
    char got[SCN_MAX_FAILURES][96];
    int n;
} got_sink;

static void got_emit(void *ctx, const sim_obs_event *ev)
{
    got_sink *g = ctx;
    bool expect = !strcmp(ev->kind, "expect");
    if ((!expect && strcmp(ev->kind, "check")) || !ev->reason ||
        strcmp(ev->reason, "fail") || !ev->name || g->n >= SCN_MAX_FAILURES)
        return;
    char *out = g->got[g->n++];
    out[0] = '\0';
    if (!expect || !ev->text || !ev->term)
        return;
    strbuf needle;
    sb_init(&needle);
    sb_printf(&needle, ": expected ");
    sb_puts(&needle, ev->term);
    sb_puts(&needle, ", got ");
    const char *at = strstr(ev->text, needle.s);
    const char *got = at ? at + needle.len : "";
    sb_fini(&needle);
    if (!strncmp(got, "no result", 9) || !strncmp(got, "never evaluated", 15) ||
        !strncmp(got, "no evaluation", 13))
        snprintf(out, sizeof g->got[0], "%s", got);
    else
        snprintf(out, sizeof g->got[0], "a value");
}

/* A failure's identity: failure_id, then " | got " and got_emit's kind
 * for an expectation. */
static void identity(const char *what, const char *got, char *out, size_t n)
{
    char id[480];
    failure_id(what, id, sizeof id);
    if (got[0])
        snprintf(out, n, "%s | got %s", id, got);
    else
        snprintf(out, n, "%s", id);
}

/* Runs plan p for the seed (swarm: as run --swarm). Returns the outcome;
 * r and g hold the result. */
static scn_outcome run_plan(const shr *s, const scn_plan *p, bool swarm,
                            scn_run_result *r, got_sink *g)
{
    scn_run_opts o = {0};
    o.seed = s->seed;
    o.has_seed = true;
    o.max_events = s->max_events;
    o.max_reductions = s->max_reductions;
    memset(g, 0, sizeof *g);
    sim_observer obs = {got_emit, g};
    o.extra = &obs;
    scn_variant v;
    scn_variant_make(p, s->seed, swarm, &v);
    scn_run(&v.plan, &o, r);
    scn_variant_fini(&v);
    return r->outcome;
}

/* Runs plan p for the seed; whether it failed the same way. */
static bool run_fails(shr *s, const scn_plan *p)
{
    scn_run_result r;
    got_sink g;
    if (run_plan(s, p, false, &r, &g) != SCN_FAILED)
        return false;
    for (int i = 0; i < r.nfailures; i++) {
        char id[sizeof s->target];
        identity(r.failures[i].what, i < g.n ? g.got[i] : "", id, sizeof id);
        if (!strcmp(id, s->target))
            return true;
    }
    return false;
}

/* Whether the scenario `text` fails the same way: from the cache, else
 * loaded (as FILE, so its module paths resolve) and run. After max_runs
 * runs, a new candidate is taken as not failing, and s->exhausted set. */
static bool test_text(shr *s, const char *text)
{
    uint64_t h = fnv(text);
    for (int i = 0; i < s->ncache; i++)
        if (s->cache[i].hash == h && !strcmp(s->cache[i].text, text)) {
            s->cached++;
            return s->cache[i].fails;
        }
    if (s->runs >= s->max_runs) {
        s->exhausted = true;
        return false;
    }
    scn_plan *p = NULL;
    scn_error err;
    bool fails = false;
    if (scn_load_text(s->file, text, strlen(text), &p, &err) == SCN_OK) {
        s->runs++;
        fails = run_fails(s, p);
    } else {
        s->rejected++;
    }
    scn_plan_free(p);
    if (s->ncache == s->capcache) {
        s->capcache = s->capcache ? 2 * s->capcache : 64;
        s->cache = xrealloc(s->cache, (size_t)s->capcache * sizeof *s->cache);
    }
    s->cache[s->ncache++] = (cache_ent){h, xstrdup(text), fails};
    return fails;
}

static bool test_doc(shr *s, const cJSON *d)
{
    strbuf b;
    sb_init(&b);
    shr__compact(&b, d);
    bool f = test_text(s, b.s);
    sb_fini(&b);
    return f;
}

/* The plan of the current tree (it loaded before: it failed). */
static scn_plan *cur_plan(shr *s)
{
    strbuf b;
    sb_init(&b);
    shr__compact(&b, s->doc);
    scn_plan *p = NULL;
    scn_error err;
    if (scn_load_text(s->file, b.s, b.len, &p, &err) != SCN_OK) {
        fprintf(stderr, "clustersim: shrink: internal error: %s\n", err.msg);
        abort();
    }
    sb_fini(&b);
    return p;
}

static void set_doc(shr *s, cJSON *d)
{
    cJSON_Delete(s->doc);
    s->doc = d;
}

static int array_size(const cJSON *root, const char *key)
{
    return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, key));
}

/* ---- ddmin ---- */

/* Makes the candidate that keeps the items i with keep[i] (of n). */
typedef cJSON *(*dd_make)(shr *s, void *ctx, const bool *keep);

static bool dd_try(shr *s, dd_make mk, void *ctx, const bool *keep)
{
    cJSON *d = mk(s, ctx, keep);
    bool f = test_doc(s, d);
    cJSON_Delete(d);
    return f;
}

/* ddmin over n items (Zeller and Hildebrandt, "Simplifying and Isolating
 * Failure-Inducing Input", 2002): the kept items split into gran parts,
 * each part tried alone, then each complement, else gran doubles; the
 * result is 1-minimal (no single item can go). keep: in, the items to
 * start from; out, those of the result. With try_empty the empty set is
 * tried first. Returns whether the set shrank. */
static bool ddmin(shr *s, int n, bool *keep, dd_make mk, void *ctx,
                  bool try_empty)
{
    if (n <= 0)
        return false;
    int *c = xcalloc((size_t)n + 1, sizeof *c), m = 0;
    bool *mask = xcalloc((size_t)n + 1, sizeof *mask);
    for (int i = 0; i < n; i++)
        if (keep[i])
            c[m++] = i;
    int m0 = m;
    if (try_empty && m > 0 && dd_try(s, mk, ctx, mask))
        m = 0;
    int gran = 2;
    /* DETERMINISM: parts are contiguous runs of c, tried in order */
    while (m >= 2 && !s->exhausted) {
        if (gran > m)
            gran = m;
        bool found = false;
        for (int k = 0; k < gran && !found; k++) {
            int lo = k * m / gran, hi = (k + 1) * m / gran;
            memset(mask, 0, (size_t)n * sizeof *mask);
            for (int i = lo; i < hi; i++)
                mask[c[i]] = true;
            if (dd_try(s, mk, ctx, mask)) {
                memmove(c, c + lo, (size_t)(hi - lo) * sizeof *c);
                m = hi - lo;
                gran = 2;
                found = true;
            }
        }
        /* with two parts, each complement is the other part */
        for (int k = 0; k < gran && !found && gran > 2; k++) {
            int lo = k * m / gran, hi = (k + 1) * m / gran;
            memset(mask, 0, (size_t)n * sizeof *mask);
            for (int i = 0; i < m; i++)
                mask[c[i]] = i < lo || i >= hi;
            if (dd_try(s, mk, ctx, mask)) {
                memmove(c + lo, c + hi, (size_t)(m - hi) * sizeof *c);
                m -= hi - lo;
                gran = gran - 1 > 2 ? gran - 1 : 2;
                found = true;
            }
        }
        if (found)
            continue;
        if (gran >= m)
            break;
        gran = 2 * gran < m ? 2 * gran : m;
    }
    memset(keep, 0, (size_t)n * sizeof *keep);
    for (int i = 0; i < m; i++)
        keep[c[i]] = true;
    free(c);
    free(mask);
    return m < m0;
}

/* ---- the timeline's units ---- */

/* The tree without the timeline steps that keep[] drops (per index). */
static cJSON *without_steps(const cJSON *doc, const bool *keep_step, int n)
{
    cJSON *d = cJSON_Duplicate(doc, 1);
    cJSON *tl = cJSON_GetObjectItemCaseSensitive(d, "timeline");
    for (int i = cJSON_GetArraySize(tl) - 1; i >= 0; i--)
        if (i >= n || !keep_step[i])
            cJSON_DeleteItemFromArray(tl, i);
    return d;
}

static cJSON *mk_units(shr *s, void *ctx, const bool *keep)
{
    shr_units *us = ctx;
    bool *ks = xcalloc((size_t)us->ntimeline + 1, sizeof *ks);
    for (int i = 0; i < us->n; i++)
        if (keep[i])
            for (int k = 0; k < us->u[i].n; k++)
                ks[us->u[i].steps[k]] = true;
    cJSON *d = without_steps(s->doc, ks, us->ntimeline);
    free(ks);
    return d;
}

/* ---- the phases ---- */

/* Each returns whether it changed the tree. */

static bool phase_checks(shr *s, int target_check)
{
    cJSON *checks = cJSON_GetObjectItemCaseSensitive(s->doc, "checks");
    int n = cJSON_GetArraySize(checks);
    if (n == 0 || (n == 1 && target_check == 0))
        return false;
    cJSON *d = cJSON_Duplicate(s->doc, 1);
    cJSON *dc = cJSON_GetObjectItemCaseSensitive(d, "checks");
    for (int i = n - 1; i >= 0; i--)
        if (i != target_check)
            cJSON_DeleteItemFromArray(dc, i);
    if (!cJSON_GetArraySize(dc))
        cJSON_DeleteItemFromObjectCaseSensitive(d, "checks");
    if (test_doc(s, d)) {
        set_doc(s, d);
        return true;
    }
    cJSON_Delete(d);
    return false;
}

static bool phase_units(shr *s, bool try_empty)
{
    scn_plan *p = cur_plan(s);
    shr_units us;
    shr__units_make(p, &us);
    scn_plan_free(p);
    bool *keep = xcalloc((size_t)us.n + 1, sizeof *keep);
    for (int i = 0; i < us.n; i++)
        keep[i] = true;
    bool changed = us.n > 0 && ddmin(s, us.n, keep, mk_units, &us, try_empty);
    if (changed)
        set_doc(s, mk_units(s, &us, keep));
    free(keep);
    shr__units_fini(&us);
    return changed;
}

static cJSON *mk_clients(shr *s, void *ctx, const bool *keep)
{
    (void)ctx;
    cJSON *d = cJSON_Duplicate(s->doc, 1);
    cJSON *c = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(d, "workload"), "clients");
    for (int i = cJSON_GetArraySize(c) - 1; i >= 0; i--)
        if (!keep[i])
            cJSON_DeleteItemFromArray(c, i);
    return d;
}

static bool phase_clients(shr *s)
{
    cJSON *c = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(s->doc, "workload"), "clients");
    int n = cJSON_GetArraySize(c);
    if (n < 2)
        return false;
    bool *keep = xcalloc((size_t)n, sizeof *keep);
    for (int i = 0; i < n; i++)
        keep[i] = true;
    bool changed = ddmin(s, n, keep, mk_clients, NULL, false);
    if (changed)
        set_doc(s, mk_clients(s, NULL, keep));
    free(keep);
    return changed;
}

/* The nodes' ddmin: its items are the nodes that may go. */
typedef struct nodes_ctx {
    const scn_plan *p;
    int *item;         /* item k is node item[k] */
    int nitems;
} nodes_ctx;

static cJSON *mk_nodes(shr *s, void *ctx, const bool *keep)
{
    nodes_ctx *nc = ctx;
    bool *kn = xcalloc((size_t)nc->p->nnodes, sizeof *kn);
    for (int i = 0; i < nc->p->nnodes; i++)
        kn[i] = true;
    for (int k = 0; k < nc->nitems; k++)
        kn[nc->item[k]] = keep[k];
    cJSON *d = cJSON_Duplicate(s->doc, 1);
    shr__remove_nodes(d, nc->p, kn);
    free(kn);
    return d;
}

/* Whether node i is the one the target expectation runs on (without it
 * the step goes), or one it names in its eval or its pattern (as an
 * atom: its full name): without that one, the expectation would fail
 * for another reason (nodedown, noconnection), another bug. */
static bool named_by_target(const shr *s, const scn_plan *p, int i)
{
    if (strncmp(s->target, "expect on ", 10))
        return false;
    for (int k = 0; k < p->nsteps; k++) {
        const scn_step *st = &p->steps[k];
        if (st->kind != STEP_EVAL)
            continue;
        char id[sizeof s->target];
        snprintf(id, sizeof id, "expect on %s: %s => %s",
                 p->nodes[st->node].name, st->eval,
                 st->expect ? st->expect : "_");
        size_t len = strlen(id);
        if (!strncmp(id, s->target, len) &&
            (!s->target[len] || !strncmp(s->target + len, " | got ", 7)) &&
            (st->node == i || strstr(st->eval, p->nodes[i].name) ||
             (st->expect && strstr(st->expect, p->nodes[i].name))))
            return true;
    }
    return false;
}

static bool phase_nodes(shr *s)
{
    scn_plan *p = cur_plan(s);
    nodes_ctx nc = {p, xcalloc((size_t)p->nnodes, sizeof(int)), 0};
    for (int i = 0; i < p->nnodes; i++)
        if (!named_by_target(s, p, i))
            nc.item[nc.nitems++] = i;
    bool changed = false;
    if (nc.nitems >= 1) {
        bool *keep = xcalloc((size_t)nc.nitems, sizeof *keep);
        for (int i = 0; i < nc.nitems; i++)
            keep[i] = true;
        /* the empty set too: every node that may go, gone */
        changed = ddmin(s, nc.nitems, keep, mk_nodes, &nc,
                        nc.nitems < p->nnodes);
        if (changed)
            set_doc(s, mk_nodes(s, &nc, keep));
        free(keep);
    }
    free(nc.item);
    scn_plan_free(p);
    return changed;
}

/* Makes the candidate with value v. */
typedef cJSON *(*bs_make)(shr *s, void *ctx, int64_t v);

/* The smallest v in [lo, hi], at 1 ms, whose candidate fails the same way
 * (hi is the current value, which does); the failure is taken to persist
 * above a value that has it. */
static int64_t bsearch_min(shr *s, int64_t lo, int64_t hi, bs_make mk,
                           void *ctx)
{
    if (lo >= hi)
        return hi;
    cJSON *d = mk(s, ctx, lo);
    bool f = test_doc(s, d);
    cJSON_Delete(d);
    if (f)
        return lo;
    while (hi - lo > 1000 && !s->exhausted) {
        int64_t step = (hi - lo) / 2000 * 1000;
        int64_t mid = lo + (step < 1000 ? 1000 : step);
        if (mid >= hi)
            break;
        d = mk(s, ctx, mid);
        f = test_doc(s, d);
        cJSON_Delete(d);
        if (f)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

static cJSON *mk_until(shr *s, void *ctx, int64_t v)
{
    (void)ctx;
    cJSON *d = cJSON_Duplicate(s->doc, 1);
    shr__set_duration(d, "until", v);
    return d;
}

static bool phase_until(shr *s)
{
    scn_plan *p = cur_plan(s);
    int64_t lo = 0, hi = p->until;
    for (int i = 0; i < p->nsteps; i++)
        if (p->steps[i].at > lo)
            lo = p->steps[i].at;
    scn_plan_free(p);
    int64_t v = bsearch_min(s, lo, hi, mk_until, NULL);
    if (v < hi)
        set_doc(s, mk_until(s, NULL, v));
    return v < hi;
}

static cJSON *mk_at(shr *s, void *ctx, int64_t v)
{
    int idx = *(int *)ctx;
    cJSON *d = cJSON_Duplicate(s->doc, 1);
    shr__set_duration(cJSON_GetArrayItem(
        cJSON_GetObjectItemCaseSensitive(d, "timeline"), idx), "at", v);
    return d;
}

static bool phase_durations(shr *s)
{
    scn_plan *p = cur_plan(s);
    shr_units us;
    shr__units_make(p, &us);
    int64_t *at = xcalloc((size_t)p->ntimeline + 1, sizeof *at);
    for (int i = 0; i < p->nsteps; i++)
        at[p->steps[i].index] = p->steps[i].at;
    scn_plan_free(p);
    bool changed = false;
    for (int i = 0; i < us.n && !s->exhausted; i++) {
        int lead = us.u[i].steps[0];
        /* each undoing step this fault alone has, in turn */
        for (int k = 1; k < us.u[i].n && !s->exhausted; k++) {
            int c = us.u[i].steps[k];
            if (us.owners[c] != 1)
                continue;
            /* a heal written before its fault must come at a later time */
            int64_t lo = at[lead] + (c > lead ? 0 : 1000);
            int64_t v = bsearch_min(s, lo, at[c], mk_at, &c);
            if (v < at[c]) {
                set_doc(s, mk_at(s, &c, v));
                changed = true;
            }
        }
    }
    free(at);
    shr__units_fini(&us);
    return changed;
}

static cJSON *mk_wl_time(shr *s, void *ctx, int64_t v)
{
    cJSON *d = cJSON_Duplicate(s->doc, 1);
    shr__set_duration(cJSON_GetObjectItemCaseSensitive(d, "workload"), ctx, v);
    return d;
}

/* The workload's `to` (after `from`), then its `final_reads` (not before
 * `to`). */
static bool phase_wl_times(shr *s)
{
    scn_plan *p = cur_plan(s);
    bool has = p->workload.present;
    int64_t lo = p->workload.from + 1000, hi = p->workload.to;
    scn_plan_free(p);
    if (!has)
        return false;
    bool changed = false;
    int64_t v = bsearch_min(s, lo, hi, mk_wl_time, "to");
    if (v < hi) {
        set_doc(s, mk_wl_time(s, "to", v));
        changed = true;
    }
    p = cur_plan(s);
    lo = p->workload.to;
    hi = p->workload.final_reads;
    scn_plan_free(p);
    if (hi >= 0 && (v = bsearch_min(s, lo, hi, mk_wl_time, "final_reads")) < hi) {
        set_doc(s, mk_wl_time(s, "final_reads", v));
        changed = true;
    }
    return changed;
}

/* The knobs swarm draws, each tried back at the scenario's own value
 * (its config's, or the default when it sets none): a failure that needs
 * no drawn knob is easier to read. */
static bool phase_knobs(shr *s)
{
    static const char *const knobs[] = {"latency", "loss", "net_ticktime"};
    bool changed = false;
    for (size_t k = 0; k < sizeof knobs / sizeof knobs[0] && !s->exhausted;
         k++) {
        cJSON *cfg = cJSON_GetObjectItemCaseSensitive(s->doc, "config");
        const cJSON *now = cJSON_GetObjectItemCaseSensitive(cfg, knobs[k]);
        const cJSON *own = cJSON_GetObjectItemCaseSensitive(s->own_config,
                                                            knobs[k]);
        if (!now || (own && cJSON_Compare(now, own, 1)))
            continue;
        cJSON *d = cJSON_Duplicate(s->doc, 1);
        cJSON *dc = cJSON_GetObjectItemCaseSensitive(d, "config");
        if (own)
            cJSON_ReplaceItemInObjectCaseSensitive(dc, knobs[k],
                                                   cJSON_Duplicate(own, 1));
        else
            cJSON_DeleteItemFromObjectCaseSensitive(dc, knobs[k]);
        if (!cJSON_GetArraySize(dc))
            cJSON_DeleteItemFromObjectCaseSensitive(d, "config");
        if (test_doc(s, d)) {
            set_doc(s, d);
            changed = true;
        } else {
            cJSON_Delete(d);
        }
    }
    return changed;
}

/* ---- the command ---- */

typedef struct sizes {
    int steps, nodes, clients, checks;
    int64_t until;
} sizes;

static sizes measure(shr *s)
{
    scn_plan *p = cur_plan(s);
    sizes z = {array_size(s->doc, "timeline"), p->nnodes,
               p->workload.present ? p->workload.nclients : 0, p->nchecks,
               p->until};
    scn_plan_free(p);
    return z;
}

static void sizes_text(strbuf *b, sizes a, sizes z, const shr *s)
{
    char u0[32], u1[32];
    shr__duration(u0, sizeof u0, a.until);
    shr__duration(u1, sizeof u1, z.until);
    sb_printf(b, "%d -> %d timeline steps, %d -> %d nodes, ", a.steps, z.steps,
              a.nodes, z.nodes);
    if (a.clients)
        sb_printf(b, "%d -> %d clients, ", a.clients, z.clients);
    if (a.checks)
        sb_printf(b, "%d -> %d checks, ", a.checks, z.checks);
    sb_printf(b, "until %s -> %s, %" PRIu64 " runs", u0, u1, s->runs);
}

static double elapsed(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) +
           (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Sets description to text, right after name, where scenarios have it
 * (materialize appends one when FILE has none). */
static void set_description(cJSON *root, const char *text)
{
    cJSON *v = cJSON_CreateString(text);
    cJSON_DeleteItemFromObjectCaseSensitive(root, "description");
    int at = 0, i = 0;
    for (cJSON *c = root->child; c; c = c->next, i++)
        if (!strcmp(c->string, "name"))
            at = i + 1;
    shr__insert_member(root, "description", v, at);
}

typedef struct shr_args {
    const char *file, *out;
    uint64_t seed, max_runs, max_events, max_reductions;
    bool has_seed, swarm, has_max_events;
} shr_args;

static int shrink(const shr_args *a);

/* Contract in shrink.h. */
int cli_shrink_main(int argc, char **argv)
{
    shr_args a = {0};
    a.max_runs = DEFAULT_MAX_RUNS;
    cli_optparse op = {argc, argv, 0, false};
    const char *v;
    int k;
    while ((k = cli_opt_next(&op, shr_opts, SHR_NOPTS, &v)) != CLI_OPT_END) {
        switch (k) {
        case CLI_OPT_ERROR:
            return 2;
        case CLI_OPT_OPERAND:
            if (a.file)
                return cli_usage_error("shrink takes one FILE; extra "
                                       "argument: %s", v);
            a.file = v;
            break;
        case SHR_SEED:
            if (cli_parse_u64(v, &a.seed))
                return cli_usage_error("--seed: not an unsigned 64-bit "
                                       "integer: %s", v);
            a.has_seed = true;
            break;
        case SHR_SWARM:
            a.swarm = true;
            break;
        case SHR_OUT:
            a.out = v;
            break;
        case SHR_MAX_RUNS:
            if (cli_parse_u64(v, &a.max_runs) || !a.max_runs)
                return cli_usage_error("--max-runs: not a positive integer: "
                                       "%s", v);
            break;
        case SHR_MAX_EVENTS:
            if (cli_parse_u64(v, &a.max_events) || !a.max_events)
                return cli_usage_error("--max-events: not a positive "
                                       "integer: %s", v);
            a.has_max_events = true;
            break;
        case SHR_MAX_REDUCTIONS:
            if (cli_parse_u64(v, &a.max_reductions) || !a.max_reductions)
                return cli_usage_error("--max-reductions: not a positive "
                                       "integer: %s", v);
            break;
        case SHR_HELP:
            fputs(shr_about, stdout);
            cli_print_opts(stdout, shr_opts, SHR_NOPTS);
            return 0;
        }
    }
    if (!a.file)
        return cli_usage_error("%s", "shrink needs a scenario FILE");
    if (!strcmp(a.file, "-"))
        return cli_usage_error("%s", "shrink reads a FILE, not standard "
                               "input: its candidates are loaded as FILE");
    return shrink(&a);
}

/* The seed's own run: the target failure, or the exit code. */
static int first_run(shr *s, const scn_plan *p, bool swarm, uint64_t *events,
                     char *what, size_t n)
{
    scn_run_result r;
    got_sink g;
    run_plan(s, p, swarm, &r, &g);
    s->runs++;
    if (r.outcome == SCN_LIMIT) {
        fprintf(stderr, "clustersim: %s: cannot shrink: seed %" PRIu64 " hit "
                "an internal limit (%s), so nothing was judged\n", s->file,
                s->seed, r.limit);
        return 3;
    }
    if (r.outcome == SCN_PASSED || r.nfailures == 0) {
        fprintf(stderr, "clustersim: %s: nothing to shrink: seed %" PRIu64
                " passes\n", s->file, s->seed);
        return 2;
    }
    snprintf(what, n, "%s", r.failures[0].what);
    identity(r.failures[0].what, g.n ? g.got[0] : "", s->target,
             sizeof s->target);
    *events = r.sim_events;
    return 0;
}

/* The scenario with the seed's draws explicit, as a tree, or NULL after a
 * message. */
static cJSON *explicit_tree(shr *s, const scn_plan *p, bool swarm,
                            const char *text, size_t len)
{
    scn_variant v;
    scn_variant_make(p, s->seed, swarm, &v);
    strbuf m;
    sb_init(&m);
    char err[512];
    cJSON *doc = NULL;
    if (!scn_materialize(s->file, text, len, &v, NULL, &m, err, sizeof err)) {
        doc = cJSON_ParseWithLength(m.s, m.len);
    } else if (!p->nemesis.present && !swarm) {
        /* nothing drawn: the file is its own explicit form */
        doc = cJSON_ParseWithLength(text, len);
    } else {
        fprintf(stderr, "clustersim: %s: cannot make seed %" PRIu64 "'s "
                "faults explicit: %s\n", s->file, s->seed, err);
    }
    scn_variant_fini(&v);
    sb_fini(&m);
    if (doc)
        shr__fix_numbers(doc, s->seed);
    if (doc && swarm) {
        cJSON *own = cJSON_ParseWithLength(text, len);
        cJSON *cfg = cJSON_DetachItemFromObjectCaseSensitive(own, "config");
        s->own_config = cfg ? cfg : cJSON_CreateObject();
        if (cfg)
            shr__fix_ints(s->own_config);
        cJSON_Delete(own);
    }
    return doc;
}

/* Writes text to o (opened), or to standard output when o is NULL.
 * Returns 0 or 2. */
static int write_out(cli_out *o, const char *text)
{
    if (!o) {
        fputs(text, stdout);
        return 0;
    }
    int werr = fputs(text, o->f) < 0 ? -1 : 0;
    return cli_out_close(o, werr, true, "scenario");
}

static int shrink(const shr_args *a)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    shr s = {0};
    s.file = a->file;
    s.max_runs = a->max_runs;
    s.max_events = a->max_events;
    s.max_reductions = a->max_reductions;
    size_t len;
    char *text = scn_read_file(a->file, &len);
    if (!text) {
        fprintf(stderr, "%s: cannot read: %s\n", a->file, strerror(errno));
        return 2;
    }
    scn_plan *p = NULL;
    scn_error err;
    if (scn_load_text(a->file, text, len, &p, &err) != SCN_OK) {
        fprintf(stderr, "%s\n", err.msg);
        free(text);
        return 2;
    }
    /* opened before the search, so that a bad OUT costs no run */
    cli_out out;
    if (a->out && cli_out_open(&out, "-o", a->out)) {
        scn_plan_free(p);
        free(text);
        return 2;
    }
    if (p->warnings)
        fputs(p->warnings, stderr);
    s.seed = a->has_seed ? a->seed : p->seed;
    char what[480];
    uint64_t events = 0;
    int rc = first_run(&s, p, a->swarm, &events, what, sizeof what);
    if (!rc && !a->has_max_events)
        s.max_events = 10 * events + 1000000;
    if (!rc && !(s.doc = explicit_tree(&s, p, a->swarm, text, len)))
        rc = 2;
    scn_plan_free(p);
    free(text);
    if (!rc && !test_doc(&s, s.doc)) {
        fprintf(stderr, "clustersim: %s: seed %" PRIu64 ": the scenario with "
                "its faults made explicit does not fail the same way, so it "
                "cannot be shrunk (a bug in materialize)\n", a->file, s.seed);
        rc = 2;
    }
    if (rc) {
        if (a->out)
            cli_out_abandon(&out);
        cJSON_Delete(s.doc);
        cJSON_Delete(s.own_config);
        return rc;
    }
    /* the checks' index, when the target is one */
    int target_check = -1;
    (void)sscanf(what, "checks[%d]", &target_check);

    sizes before = measure(&s);
    int round = 0;
    for (bool changed = true; changed && round < MAX_ROUNDS && !s.exhausted;) {
        round++;
        strbuf was;
        sb_init(&was);
        shr__compact(&was, s.doc);
        if (round == 1)
            phase_checks(&s, target_check);
        if (a->swarm)
            phase_knobs(&s);   /* every round: cheap, and cached */
        phase_units(&s, target_check >= 0);
        phase_clients(&s);
        phase_nodes(&s);
        phase_until(&s);
        phase_durations(&s);
        phase_wl_times(&s);
        strbuf now;
        sb_init(&now);
        shr__compact(&now, s.doc);
        changed = strcmp(was.s, now.s) != 0;
        sb_fini(&was);
        sb_fini(&now);
    }
    sizes after = measure(&s);

    strbuf d;
    sb_init(&d);
    sb_printf(&d, "Shrunk by clustersim shrink from %s seed %" PRIu64 "%s "
              "(failure: ", a->file, s.seed, a->swarm ? " --swarm" : "");
    sb_puts(&d, what);
    sb_puts(&d, "): ");
    sizes_text(&d, before, after, &s);
    sb_puts(&d, ".");
    if (s.exhausted)
        sb_printf(&d, " Stopped at --max-runs %" PRIu64 ": it may shrink "
                  "further.", a->max_runs);
    cJSON *final = cJSON_Duplicate(s.doc, 1);
    set_description(final, d.s);
    shr__order_top(final);
    shr__sort_timeline(final);
    if (shr__move_modules(final, a->file, a->out))
        fprintf(stderr, "clustersim: shrink: warning: cannot resolve the "
                "folders of %s and %s: module paths left as they were\n",
                a->file, a->out ? a->out : ".");
    strbuf outb;
    sb_init(&outb);
    shr__pretty(&outb, final);
    cJSON_Delete(final);

    /* The result as written must load from where it is written and fail
     * the same way. */
    scn_plan *fp = NULL;
    const char *where = a->out ? a->out : "<stdout>";
    bool ok = scn_load_text(where, outb.s, outb.len, &fp, &err) == SCN_OK;
    if (ok)
        ok = run_fails(&s, fp);
    scn_plan_free(fp);
    if (!ok) {
        fprintf(stderr, "clustersim: shrink: internal error: the result, "
                "read as %s, does not fail the same way\n", where);
        if (a->out)
            cli_out_abandon(&out);
        rc = 2;
    } else {
        rc = write_out(a->out ? &out : NULL, outb.s);
    }
    if (!rc) {
        strbuf sum;
        sb_init(&sum);
        sizes_text(&sum, before, after, &s);
        fprintf(stderr, "clustersim: shrink: %s seed %" PRIu64 ": %s "
                "(and one more to check the result; %" PRIu64 " candidates "
                "rejected by the loader, %" PRIu64 " answered from the "
                "cache, %d rounds) in %.1f s%s%s\n",
                a->file, s.seed, sum.s, s.rejected, s.cached, round,
                elapsed(&t0), a->out ? "; wrote " : "", a->out ? a->out : "");
        if (s.exhausted)
            fprintf(stderr, "clustersim: shrink: stopped at --max-runs %"
                    PRIu64 ": the result may shrink further\n", a->max_runs);
        sb_fini(&sum);
    }
    sb_fini(&outb);
    sb_fini(&d);
    cJSON_Delete(s.doc);
    cJSON_Delete(s.own_config);
    for (int i = 0; i < s.ncache; i++)
        free(s.cache[i].text);
    free(s.cache);
    return rc;
}
