/* shrink_search: the predicate (a candidate fails the same way), ddmin,
 * the binary searches and the phases of a round (shrink_int.h). The
 * search's state is a shr (cli/shrink.c fills and frees it).
 *
 * Invariants: s->doc only ever becomes a tree that failed the same way;
 * subsets and values are tried in a fixed order, and a candidate's
 * result is cached by its text, so the same input takes the same path. */
#include "cli/shrink_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "core/term/xalloc.h"
#include "scenarios/loader.h"
#include "scenarios/nemesis.h"
#include "scenarios/run.h"

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

static void got_emit(void *ctx, const sim_obs_event *ev)
{
    shr_got *g = ctx;
    bool expect = !strcmp(ev->kind, "expect");
    if ((!expect && strcmp(ev->kind, "check")) || !ev->reason ||
        strcmp(ev->reason, "fail") || !ev->name || g->n >= SCN_MAX_FAILURES)
        return;
    char *out = g->got[g->n++];
    out[0] = '\0';
    if (!ev->text)
        return;
    if (!expect) {
        /* "checks[K]: SELECTOR: expected WANT, counted N" */
        const char *c = strstr(ev->text, ", counted ");
        if (c)
            snprintf(out, sizeof g->got[0], "%s", c + 2);
        return;
    }
    if (!ev->term)
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
        !strncmp(got, "no evaluation", 13)) {
        snprintf(out, sizeof g->got[0], "got %s", got);
    } else if (!strncmp(got, "{exception,", 11)) {
        /* the class and the reason's first word: {exception,error,
         * {badmatch,3}} is "error badmatch", and an undef (a module
         * gone) is not the badrpc it replaced */
        const char *c = got + 11, *r = strchr(c, ',');
        int nc = r ? (int)(r - c) : 0, nr = 0;
        r = r ? r + 1 + (r[1] == '{') : "";
        while (r[nr] && !strchr(",}", r[nr]))
            nr++;
        snprintf(out, sizeof g->got[0], "got an exception %.*s %.*s", nc, c,
                 nr > 40 ? 40 : nr, r);
    } else {
        snprintf(out, sizeof g->got[0], "got a value");
    }
}

/* Contract in shrink_int.h. */
void shr__identity(const char *what, const char *got, char *out, size_t n)
{
    char id[480];
    failure_id(what, id, sizeof id);
    size_t len = strlen(id);
    /* a check that counted too few must count as many: fewer is what
     * removing anything gives, and would shrink every such failure to an
     * empty run */
    bool few = len >= 9 && !strcmp(id + len - 9, ": too few");
    if (got[0] && (!strncmp(id, "expect on ", 10) || few))
        snprintf(out, n, "%s | %s", id, got);
    else
        snprintf(out, n, "%s", id);
}

/* Contract in shrink_int.h. */
scn_outcome shr__run_plan(const shr *s, const scn_plan *p, bool swarm,
                            scn_run_result *r, shr_got *g)
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

/* Contract in shrink_int.h. */
bool shr__run_fails(shr *s, const scn_plan *p)
{
    scn_run_result r;
    shr_got g;
    if (shr__run_plan(s, p, false, &r, &g) != SCN_FAILED)
        return false;
    for (int i = 0; i < r.nfailures; i++) {
        char id[sizeof s->target];
        shr__identity(r.failures[i].what, i < g.n ? g.got[i] : "", id,
                      sizeof id);
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
        fails = shr__run_fails(s, p);
    } else {
        s->rejected++;
    }
    scn_plan_free(p);
    if (s->ncache == s->capcache) {
        s->capcache = s->capcache ? 2 * s->capcache : 64;
        s->cache = xrealloc(s->cache, (size_t)s->capcache * sizeof *s->cache);
    }
    s->cache[s->ncache++] = (shr_cache_ent){h, xstrdup(text), fails};
    return fails;
}

/* Contract in shrink_int.h. */
bool shr__test_doc(shr *s, const cJSON *d)
{
    strbuf b;
    sb_init(&b);
    shr__compact(&b, d);
    bool f = test_text(s, b.s);
    sb_fini(&b);
    return f;
}

/* Contract in shrink_int.h. */
scn_plan *shr__cur_plan(shr *s)
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

/* Contract in shrink_int.h. */
int shr__array_size(const cJSON *root, const char *key)
{
    return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, key));
}

/* ---- ddmin ---- */

/* Makes the candidate that keeps the items i with keep[i] (of n). */
typedef cJSON *(*dd_make)(shr *s, void *ctx, const bool *keep);

static bool dd_try(shr *s, dd_make mk, void *ctx, const bool *keep)
{
    cJSON *d = mk(s, ctx, keep);
    bool f = shr__test_doc(s, d);
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

/* Contract in shrink_int.h. */
bool shr__phase_checks(shr *s, int target_check)
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
    if (shr__test_doc(s, d)) {
        set_doc(s, d);
        return true;
    }
    cJSON_Delete(d);
    return false;
}

/* Contract in shrink_int.h. */
bool shr__phase_units(shr *s, bool try_empty)
{
    scn_plan *p = shr__cur_plan(s);
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

/* Contract in shrink_int.h. */
bool shr__phase_clients(shr *s)
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

/* The settings' ddmin: the members of one container of the tree (the
 * root's "links" or "config", or the object of nodes[node]); a node's
 * "name" is never an item. */
typedef struct members_ctx {
    const char *key;   /* "links", "config", or NULL for nodes[node] */
    int node;
    int *item;         /* item k is member item[k] of the container */
    int nitems;
} members_ctx;

static cJSON *container(cJSON *d, const members_ctx *m)
{
    if (m->key)
        return cJSON_GetObjectItemCaseSensitive(d, m->key);
    return cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(d, "nodes"),
                              m->node);
}

static cJSON *mk_members(shr *s, void *ctx, const bool *keep)
{
    members_ctx *m = ctx;
    cJSON *d = cJSON_Duplicate(s->doc, 1);
    cJSON *c = container(d, m);
    for (int k = m->nitems - 1; k >= 0; k--)
        if (!keep[k])
            cJSON_DeleteItemFromArray(c, m->item[k]);
    if (m->key && !cJSON_GetArraySize(c)) {
        cJSON_DeleteItemFromObjectCaseSensitive(d, m->key);
    } else if (!m->key && cJSON_GetArraySize(c) == 1) {
        /* {"name": "b"} is "b" */
        cJSON *name = cJSON_GetObjectItemCaseSensitive(c, "name");
        if (cJSON_IsString(name))
            cJSON_ReplaceItemInArray(cJSON_GetObjectItemCaseSensitive(d,
                                     "nodes"), m->node,
                                     cJSON_CreateString(name->valuestring));
    }
    return d;
}

static bool members_ddmin(shr *s, members_ctx *m)
{
    cJSON *c = container(s->doc, m);
    if (!cJSON_IsObject(c) && !(m->key && cJSON_IsArray(c)))
        return false;
    int n = cJSON_GetArraySize(c), i = 0;
    m->item = xcalloc((size_t)n + 1, sizeof *m->item);
    m->nitems = 0;
    for (const cJSON *x = c->child; x; x = x->next, i++)
        if (m->key || strcmp(x->string, "name"))
            m->item[m->nitems++] = i;
    bool changed = false;
    if (m->nitems > 0) {
        bool *keep = xcalloc((size_t)m->nitems, sizeof *keep);
        for (int k = 0; k < m->nitems; k++)
            keep[k] = true;
        changed = ddmin(s, m->nitems, keep, mk_members, m, true);
        if (changed)
            set_doc(s, mk_members(s, m, keep));
        free(keep);
    }
    free(m->item);
    return changed;
}

/* Contract in shrink_int.h. */
bool shr__phase_settings(shr *s)
{
    bool changed = false;
    members_ctx links = {"links", -1, NULL, 0};
    members_ctx config = {"config", -1, NULL, 0};
    changed |= members_ddmin(s, &links);
    changed |= members_ddmin(s, &config);
    int n = shr__array_size(s->doc, "nodes");
    for (int i = 0; i < n && !s->exhausted; i++) {
        members_ctx node = {NULL, i, NULL, 0};
        changed |= members_ddmin(s, &node);
    }
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
            (!s->target[len] || !strncmp(s->target + len, " | ", 3)) &&
            (st->node == i || strstr(st->eval, p->nodes[i].name) ||
             (st->expect && strstr(st->expect, p->nodes[i].name))))
            return true;
    }
    return false;
}

/* Contract in shrink_int.h. */
bool shr__phase_nodes(shr *s)
{
    scn_plan *p = shr__cur_plan(s);
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
    bool f = shr__test_doc(s, d);
    cJSON_Delete(d);
    if (f)
        return lo;
    while (hi - lo > 1000 && !s->exhausted) {
        int64_t step = (hi - lo) / 2000 * 1000;
        int64_t mid = lo + (step < 1000 ? 1000 : step);
        if (mid >= hi)
            break;
        d = mk(s, ctx, mid);
        f = shr__test_doc(s, d);
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

/* Contract in shrink_int.h. */
bool shr__phase_until(shr *s)
{
    scn_plan *p = shr__cur_plan(s);
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

/* Contract in shrink_int.h. */
bool shr__phase_durations(shr *s)
{
    scn_plan *p = shr__cur_plan(s);
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

/* ctx: the workload's key, "to" or "final_reads". */
static cJSON *mk_wl_time(shr *s, void *ctx, int64_t v)
{
    cJSON *d = cJSON_Duplicate(s->doc, 1);
    shr__set_duration(cJSON_GetObjectItemCaseSensitive(d, "workload"), ctx, v);
    return d;
}

/* The workload's `to` (after `from`), then its `final_reads` (not before
 * `to`). */
bool shr__phase_wl_times(shr *s)
{
    scn_plan *p = shr__cur_plan(s);
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
    p = shr__cur_plan(s);
    lo = p->workload.to;
    hi = p->workload.final_reads;
    scn_plan_free(p);
    if (hi >= 0) {
        v = bsearch_min(s, lo, hi, mk_wl_time, "final_reads");
        if (v < hi) {
            set_doc(s, mk_wl_time(s, "final_reads", v));
            changed = true;
        }
    }
    return changed;
}

/* The knobs swarm draws, each tried back at the scenario's own value
 * (its config's, or the default when it sets none): a failure that needs
 * no drawn knob is easier to read. */
bool shr__phase_knobs(shr *s)
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
        if (shr__test_doc(s, d)) {
            set_doc(s, d);
            changed = true;
        } else {
            cJSON_Delete(d);
        }
    }
    return changed;
}

