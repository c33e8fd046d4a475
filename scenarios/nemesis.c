/* nemesis: the drawn faults and swarm knobs of a seed (nemesis.h).
 *
 * Invariants:
 * - Every draw comes from rng_stream(seed, purpose, index): fault i's
 *   kind ("nemesis.kind", i), length ("nemesis.length", i) and targets
 *   ("nemesis.target", i); swarm's bans ("swarm.ban", kind) and knobs
 *   ("swarm.latency", "swarm.loss", "swarm.ticktime"). No draw depends on
 *   another fault's, nor on the bans: a banned shape's fault is left out,
 *   the others stay as they are (swarm "shrinks open").
 * - A fault lasts at most `every` and ends by `until`, so one fault's heal
 *   comes before the next fault (in file order when they share a time).
 * - The drawn steps get the indexes after the file's timeline, in the
 *   order they are drawn, which is their time order; materialize appends
 *   them to the timeline in that order, so the file it writes runs the
 *   same steps in the same order.
 * - A heal undoes exactly what its fault did: the pairs cut, the node
 *   frozen or halted, the latency of the link as it was configured. */
#define _XOPEN_SOURCE 700   /* realpath */
#include "scenarios/nemesis.h"

#include <cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/term/xalloc.h"
#include "sim/rng.h"

const char *const scn_fault_names[FAULT_NKINDS] = {
    "partition_halves", "isolate_one", "bridge", "ring", "flap", "freeze",
    "halt_restart", "latency_spike"};

/* ---- swarm ------------------------------------------------------------ */

/* The ranges swarm draws from (scenarios/README.md, "Swarm"), in us. */
#define SW_LAT_MIN 100
#define SW_LAT_MAX 50000
#define SW_UNIFORM_MIN_MAX 10000
#define SW_UNIFORM_SPREAD 100000
#define SW_LOSS_STEPS 500            /* loss k / 10000, k in 0..500 */
#define SW_TICK_MIN_S 4
#define SW_TICK_MAX_S 60

/* A multiple of 100 us in [lo, hi]. */
static int64_t draw_us(rng *r, int64_t lo, int64_t hi)
{
    return lo + 100 * (int64_t)rng_below(r, (uint64_t)((hi - lo) / 100 + 1));
}

static scn_swarm draw_swarm(const scn_plan *p, uint64_t seed)
{
    scn_swarm s = {0};
    s.on = true;
    unsigned listed = p->nemesis.kinds;
    for (int k = 0; k < FAULT_NKINDS; k++) {
        rng r = rng_stream(seed, "swarm.ban", (uint64_t)k);
        if ((listed & (1u << k)) && rng_below(&r, 2))
            s.banned |= 1u << k;
    }
    if (listed && (s.banned & listed) == listed) {
        /* every kind banned: one, drawn, stays enabled */
        rng r = rng_stream(seed, "swarm.keep", 0);
        uint64_t pick = rng_below(&r, (uint64_t)__builtin_popcount(listed));
        for (int k = 0; k < FAULT_NKINDS; k++)
            if ((listed & (1u << k)) && pick-- == 0)
                s.banned &= ~(1u << k);
    }
    rng r = rng_stream(seed, "swarm.latency", 0);
    switch (rng_below(&r, 3)) {
    case 0:
        s.latency = lat_constant(draw_us(&r, SW_LAT_MIN, SW_LAT_MAX));
        break;
    case 1:
        s.latency.kind = LAT_UNIFORM;
        s.latency.a = draw_us(&r, SW_LAT_MIN, SW_UNIFORM_MIN_MAX);
        s.latency.b = s.latency.a + draw_us(&r, 0, SW_UNIFORM_SPREAD);
        break;
    default:
        s.latency.kind = LAT_EXPONENTIAL;
        s.latency.a = draw_us(&r, SW_LAT_MIN, SW_LAT_MAX);
        break;
    }
    r = rng_stream(seed, "swarm.loss", 0);
    s.loss = rng_below(&r, 2) ? (double)rng_below(&r, SW_LOSS_STEPS + 1) / 10000.0
                              : 0.0;
    r = rng_stream(seed, "swarm.ticktime", 0);
    s.net_ticktime = 1000000LL * (SW_TICK_MIN_S +
        (int64_t)rng_below(&r, SW_TICK_MAX_S - SW_TICK_MIN_S + 1));
    return s;
}

/* ---- the drawn steps ----------------------------------------------------- */

typedef struct gen {
    const scn_plan *p;       /* the view: swarm's knobs already in */
    const scn_plan *base;
    scn_step *steps;
    int n, cap;
    char **notes;            /* owned texts of the notes, freed with steps */
} gen;

static scn_step *add(gen *g, scn_step_kind kind, int64_t at)
{
    if (g->n == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 16;
        g->steps = xrealloc(g->steps, (size_t)g->cap * sizeof *g->steps);
    }
    scn_step *st = &g->steps[g->n];
    memset(st, 0, sizeof *st);
    st->index = g->base->ntimeline + g->n++;
    st->line = g->base->nemesis.line;
    st->col = g->base->nemesis.col;
    st->at = at;
    st->kind = kind;
    st->node = -1;
    return st;
}

static void add_pairs(scn_step *st, const int (*pairs)[2], int n)
{
    st->pairs = xcalloc((size_t)n + 1, sizeof *st->pairs);
    memcpy(st->pairs, pairs, (size_t)n * sizeof *pairs);
    st->npairs = n;
}

/* The fault cuts `pairs` at `at` and heals them at `end`. */
static void cut_for(gen *g, const int (*pairs)[2], int n, int64_t at, int64_t end)
{
    add_pairs(add(g, STEP_CUT, at), pairs, n);
    add_pairs(add(g, STEP_HEAL, end), pairs, n);
}

/* A partition of the nodes in side[] (0 or 1; -1 unlisted, a bridge):
 * the partition step, then the heal of the pairs it cut. */
static void partition_for(gen *g, const int *side, int64_t at, int64_t end)
{
    int nn = g->p->nnodes;
    scn_step *st = add(g, STEP_PARTITION, at);
    st->group = xmalloc((size_t)nn * sizeof *st->group);
    memcpy(st->group, side, (size_t)nn * sizeof *side);
    int (*pairs)[2] = xcalloc((size_t)nn * (size_t)nn / 4 + 1, sizeof *pairs);
    int np = 0;
    for (int a = 0; a < nn; a++)
        for (int b = a + 1; b < nn; b++)
            if (side[a] >= 0 && side[b] >= 0 && side[a] != side[b]) {
                pairs[np][0] = a;
                pairs[np++][1] = b;
            }
    add_pairs(add(g, STEP_HEAL, end), pairs, np);
    free(pairs);
}

/* The latency of from -> to as the run starts: the last link that sets
 * it, else the sender's config (run.c sets them so). */
static lat_dist base_latency(const scn_plan *p, int from, int to)
{
    lat_dist d = p->nodes[from].cfg.latency;
    for (int i = 0; i < p->nlinks; i++)
        if (p->links[i].from == from && p->links[i].to == to)
            d = p->links[i].latency;
    return d;
}

static bool same_latency(lat_dist x, lat_dist y)
{
    return x.kind == y.kind && x.a == y.a && x.b == y.b && x.shape == y.shape;
}

static void latency_step(gen *g, int64_t at, int from, int to, bool both,
                         lat_dist d)
{
    scn_step *st = add(g, STEP_LATENCY, at);
    int pair[1][2] = {{from, to}};
    add_pairs(st, pair, 1);
    st->both_ways = both;
    st->latency = d;
}

/* One fault of kind k on the shuffled targets t[0..nt), from at to end. */
static void draw_fault(gen *g, int k, const int *t, int nt, int64_t at,
                       int64_t end, rng *r)
{
    int nn = g->p->nnodes;
    int *side = xmalloc((size_t)nn * sizeof *side);
    for (int i = 0; i < nn; i++)
        side[i] = -1;
    int (*pairs)[2] = xcalloc((size_t)nt * (size_t)nt + 1, sizeof *pairs);
    int np = 0;
    switch ((scn_fault_kind)k) {
    case FAULT_PARTITION_HALVES:
        for (int i = 0; i < nt; i++)
            side[t[i]] = i < nt / 2 ? 0 : 1;
        partition_for(g, side, at, end);
        break;
    case FAULT_ISOLATE_ONE:
        for (int i = 0; i < nt; i++)
            side[t[i]] = i == 0 ? 0 : 1;
        partition_for(g, side, at, end);
        break;
    case FAULT_BRIDGE:
        /* t[0] stays unlisted: it keeps its links to both sides */
        for (int i = 1; i < nt; i++)
            side[t[i]] = i <= (nt - 1) / 2 ? 0 : 1;
        partition_for(g, side, at, end);
        break;
    case FAULT_RING:
        /* t is the ring's order: every pair not adjacent in it is cut */
        for (int i = 0; i < nt; i++)
            for (int j = i + 2; j < nt; j++)
                if (!(i == 0 && j == nt - 1)) {
                    pairs[np][0] = t[i] < t[j] ? t[i] : t[j];
                    pairs[np++][1] = t[i] < t[j] ? t[j] : t[i];
                }
        cut_for(g, pairs, np, at, end);
        break;
    case FAULT_FLAP: {
        /* the link t[0] - t[1] is cut for the first half of each of 2..5
         * periods, and healed for the second */
        int periods = 2 + (int)rng_below(r, 4);
        int64_t len = (end - at) / periods;
        pairs[0][0] = t[0] < t[1] ? t[0] : t[1];
        pairs[0][1] = t[0] < t[1] ? t[1] : t[0];
        for (int i = 0; i < periods; i++)
            cut_for(g, pairs, 1, at + i * len, at + i * len + len / 2);
        break;
    }
    case FAULT_FREEZE:
        add(g, STEP_FREEZE, at)->node = t[0];
        add(g, STEP_RESUME, end)->node = t[0];
        break;
    case FAULT_HALT_RESTART:
        add(g, STEP_HALT, at)->node = t[0];
        add(g, STEP_RESTART, end)->node = t[0];
        break;
    case FAULT_LATENCY_SPIKE: {
        /* the link t[0] - t[1], both ways, 100 ms to 10 s, then each
         * direction back to what it was */
        lat_dist spike = lat_constant(1000 * (100 + (int64_t)rng_below(r, 9901)));
        latency_step(g, at, t[0], t[1], true, spike);
        lat_dist ab = base_latency(g->p, t[0], t[1]);
        lat_dist ba = base_latency(g->p, t[1], t[0]);
        if (same_latency(ab, ba)) {
            latency_step(g, end, t[0], t[1], true, ab);
        } else {
            latency_step(g, end, t[0], t[1], false, ab);
            latency_step(g, end, t[1], t[0], false, ba);
        }
        break;
    }
    case FAULT_NKINDS:
        break;
    }
    free(pairs);
    free(side);
}

static void fmt_duration(char *buf, size_t n, int64_t us)
{
    if (us % 1000000 == 0)
        snprintf(buf, n, "%" PRId64 "s", us / 1000000);
    else if (us % 1000 == 0)
        snprintf(buf, n, "%" PRId64 "ms", us / 1000);
    else
        snprintf(buf, n, "%" PRId64 "us", us);
}

static void draw_schedule(gen *g, uint64_t seed, unsigned banned)
{
    const scn_nemesis *nm = &g->base->nemesis;
    int nlisted = __builtin_popcount(nm->kinds);
    int nt = nm->nnodes ? nm->nnodes : g->p->nnodes;
    int *t = xmalloc((size_t)nt * sizeof *t);
    for (int64_t i = 0;; i++) {
        int64_t at = nm->from + i * nm->every;
        if (at >= nm->to)
            break;
        /* the shape among all the listed ones: a banned one leaves its
         * slot empty, so lifting a ban only brings its faults back */
        rng r = rng_stream(seed, "nemesis.kind", (uint64_t)i);
        int pick = (int)rng_below(&r, (uint64_t)nlisted), k = 0;
        for (; k < FAULT_NKINDS; k++)
            if ((nm->kinds & (1u << k)) && pick-- == 0)
                break;
        if (banned & (1u << k))
            continue;
        /* the length, in whole ms when the range allows it */
        r = rng_stream(seed, "nemesis.length", (uint64_t)i);
        int64_t span = nm->dmax - nm->dmin, len = nm->dmin;
        len += span >= 1000 ? 1000 * (int64_t)rng_below(&r, (uint64_t)(span / 1000 + 1))
                            : (int64_t)rng_below(&r, (uint64_t)span + 1);
        if (len > nm->every)
            len = nm->every;
        if (len > g->p->until - at)
            len = g->p->until - at;
        /* the targets, shuffled (Fisher-Yates) */
        r = rng_stream(seed, "nemesis.target", (uint64_t)i);
        for (int j = 0; j < nt; j++)
            t[j] = nm->nnodes ? nm->nodes[j] : j;
        for (int j = nt - 1; j > 0; j--) {
            int x = (int)rng_below(&r, (uint64_t)j + 1), tmp = t[j];
            t[j] = t[x];
            t[x] = tmp;
        }
        char d[32], text[128];
        fmt_duration(d, sizeof d, len);
        snprintf(text, sizeof text, "nemesis: %s for %s", scn_fault_names[k], d);
        add(g, STEP_NOTE, at)->note = xstrdup(text);
        draw_fault(g, k, t, nt, at, at + len, &r);
    }
    free(t);
}

/* DETERMINISM: run order is (at, index), as the loader sorts. */
static int by_time(const void *a, const void *b)
{
    const scn_step *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

void scn_variant_make(const scn_plan *base, uint64_t seed, bool swarm,
                      scn_variant *v)
{
    memset(v, 0, sizeof *v);
    v->plan = *base;
    v->plan.seed = seed;
    v->base = base;
    if (swarm) {
        v->swarm = draw_swarm(base, seed);
        v->nodes = xcalloc((size_t)base->nnodes + 1, sizeof *v->nodes);
        for (int i = 0; i < base->nnodes; i++) {
            scn_node *nd = &v->nodes[i];
            *nd = base->nodes[i];
            if (!(nd->own & SCN_OWN_LATENCY))
                nd->cfg.latency = v->swarm.latency;
            if (!(nd->own & SCN_OWN_LOSS))
                nd->cfg.loss = v->swarm.loss;
            if (!(nd->own & SCN_OWN_TICKTIME))
                nd->cfg.net_ticktime = v->swarm.net_ticktime;
        }
        v->plan.nodes = v->nodes;
        v->plan.config.latency = v->swarm.latency;
        v->plan.config.loss = v->swarm.loss;
        v->plan.config.net_ticktime = v->swarm.net_ticktime;
    }
    if (!base->nemesis.present)
        return;
    gen g = {&v->plan, base, NULL, 0, 0, NULL};
    draw_schedule(&g, seed, v->swarm.banned);
    for (int i = 0; i < g.n; i++)
        v->nfaults += g.steps[i].kind == STEP_NOTE;
    v->ngenerated = g.n;
    v->steps = xcalloc((size_t)(base->nsteps + g.n) + 1, sizeof *v->steps);
    memcpy(v->steps, base->steps, (size_t)base->nsteps * sizeof *v->steps);
    if (g.n)
        memcpy(v->steps + base->nsteps, g.steps, (size_t)g.n * sizeof *g.steps);
    free(g.steps);
    qsort(v->steps, (size_t)(base->nsteps + g.n), sizeof *v->steps, by_time);
    v->plan.steps = v->steps;
    v->plan.nsteps = base->nsteps + g.n;
    v->plan.ntimeline = base->ntimeline + g.n;
}

void scn_variant_fini(scn_variant *v)
{
    for (int i = 0; v->steps && i < v->plan.nsteps; i++) {
        scn_step *st = &v->steps[i];
        if (st->index < v->base->ntimeline)
            continue;               /* the base's: borrowed */
        free(st->note);
        free(st->group);
        free(st->pairs);
    }
    free(v->steps);
    free(v->nodes);
    memset(v, 0, sizeof *v);
}

/* ---- JSON ------------------------------------------------------------- */

static cJSON *duration_json(int64_t us)
{
    char b[32];
    fmt_duration(b, sizeof b, us);
    return cJSON_CreateString(b);
}

static cJSON *latency_json(lat_dist d)
{
    if (d.kind == LAT_CONSTANT)
        return duration_json(d.a);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "dist", lat_kind_name(d.kind));
    static const char *const first[] = {"value", "min", "mean", "mean", "scale"};
    cJSON_AddItemToObject(o, first[d.kind], duration_json(d.a));
    if (d.kind == LAT_UNIFORM)
        cJSON_AddItemToObject(o, "max", duration_json(d.b));
    else if (d.kind == LAT_NORMAL)
        cJSON_AddItemToObject(o, "stddev", duration_json(d.b));
    else if (d.kind == LAT_PARETO)
        cJSON_AddNumberToObject(o, "shape", d.shape);
    return o;
}

void scn_swarm_json(const scn_swarm *s, strbuf *out)
{
    if (!s->on) {
        sb_puts(out, "null");
        return;
    }
    cJSON *o = cJSON_CreateObject(), *b = cJSON_CreateArray();
    for (int k = 0; k < FAULT_NKINDS; k++)
        if (s->banned & (1u << k))
            cJSON_AddItemToArray(b, cJSON_CreateString(scn_fault_names[k]));
    cJSON_AddItemToObject(o, "banned", b);
    cJSON_AddItemToObject(o, "latency", latency_json(s->latency));
    cJSON_AddNumberToObject(o, "loss", s->loss);
    cJSON_AddItemToObject(o, "net_ticktime", duration_json(s->net_ticktime));
    char *t = cJSON_PrintUnformatted(o);
    sb_puts(out, t);
    free(t);
    cJSON_Delete(o);
}

/* A node as JSON names it: the short name when it resolves to the node
 * (its host is the scenario's), else the full name. */
static cJSON *node_json(const scn_plan *p, int i)
{
    const scn_node *nd = &p->nodes[i];
    return cJSON_CreateString(strcmp(nd->cfg.host, p->config.host)
                                  ? nd->name : nd->short_name);
}

static cJSON *pairs_json(const scn_plan *p, const scn_step *st)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < st->npairs; i++) {
        cJSON *pr = cJSON_CreateArray();
        cJSON_AddItemToArray(pr, node_json(p, st->pairs[i][0]));
        cJSON_AddItemToArray(pr, node_json(p, st->pairs[i][1]));
        cJSON_AddItemToArray(a, pr);
    }
    return a;
}

/* A drawn step as the timeline writes it. */
static cJSON *step_json(const scn_plan *p, const scn_step *st)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "at", duration_json(st->at));
    switch (st->kind) {
    case STEP_NOTE:
        cJSON_AddStringToObject(o, "note", st->note);
        break;
    case STEP_PARTITION: {
        cJSON *gs = cJSON_CreateArray();
        for (int side = 0; side < 2; side++) {
            cJSON *grp = cJSON_CreateArray();
            for (int i = 0; i < p->nnodes; i++)
                if (st->group[i] == side)
                    cJSON_AddItemToArray(grp, node_json(p, i));
            cJSON_AddItemToArray(gs, grp);
        }
        cJSON_AddItemToObject(o, "partition", gs);
        break;
    }
    case STEP_CUT:
        cJSON_AddItemToObject(o, "cut", pairs_json(p, st));
        break;
    case STEP_HEAL:
        cJSON_AddItemToObject(o, "heal", pairs_json(p, st));
        break;
    case STEP_LATENCY: {
        cJSON *l = cJSON_CreateObject();
        if (st->both_ways) {
            cJSON *pr = cJSON_CreateArray();
            cJSON_AddItemToArray(pr, node_json(p, st->pairs[0][0]));
            cJSON_AddItemToArray(pr, node_json(p, st->pairs[0][1]));
            cJSON_AddItemToObject(l, "between", pr);
        } else {
            cJSON_AddItemToObject(l, "from", node_json(p, st->pairs[0][0]));
            cJSON_AddItemToObject(l, "to", node_json(p, st->pairs[0][1]));
        }
        cJSON_AddItemToObject(l, "value", latency_json(st->latency));
        cJSON_AddItemToObject(o, "latency", l);
        break;
    }
    case STEP_FREEZE:
    case STEP_RESUME:
    case STEP_HALT:
    case STEP_RESTART: {
        static const char *const name[] = {
            [STEP_FREEZE] = "freeze", [STEP_RESUME] = "resume",
            [STEP_HALT] = "halt", [STEP_RESTART] = "restart"};
        cJSON_AddItemToObject(o, name[st->kind], node_json(p, st->node));
        break;
    }
    default:
        break;
    }
    return o;
}

/* The folder of `path`, made absolute ("." for a bare name). Caller
 * frees; NULL when it does not exist. */
static char *abs_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? xstrdup(path) : xstrdup(".");
    if (slash)
        dir[slash == path ? 1 : slash - path] = '\0';
    char *r = realpath(dir, NULL);
    free(dir);
    return r;
}

/* `rel` (relative to folder `from`, absolute) as named from folder `to`
 * (absolute). Caller frees. */
static char *rebase(const char *from, const char *rel, const char *to)
{
    size_t n = strlen(from) + strlen(rel) + 2;
    char *target = xmalloc(n);
    snprintf(target, n, "%s/%s", from, rel);
    char *real = realpath(target, NULL);   /* also drops the ./ and ../ */
    if (real) {
        free(target);
        target = real;
    }
    /* the longest common prefix ending at a folder boundary */
    size_t common = 0;
    for (size_t i = 0;; i++) {
        bool end_to = to[i] == '\0', end_t = target[i] == '\0';
        if ((end_to || to[i] == '/') && (target[i] == '/' || end_t))
            common = i;
        if (end_to || end_t || to[i] != target[i])
            break;
    }
    if (strcmp(to, "/") == 0)
        common = 0;
    strbuf b;
    sb_init(&b);
    for (const char *q = to + common; *q; q++)
        if (*q == '/')
            sb_puts(&b, "../");
    const char *rest = target + common + (target[common] == '/');
    sb_puts(&b, *rest ? rest : ".");
    free(target);
    char *r = xstrdup(b.s);
    sb_fini(&b);
    return r;
}

static void rebase_modules(cJSON *modules, const char *from, const char *to)
{
    for (cJSON *e = modules ? modules->child : NULL; e; e = e->next) {
        if (!cJSON_IsString(e) || e->valuestring[0] == '/')
            continue;
        char *r = rebase(from, e->valuestring, to);
        cJSON_SetValuestring(e, r);
        free(r);
    }
}

static void set_member(cJSON *obj, const char *key, cJSON *v)
{
    if (cJSON_GetObjectItemCaseSensitive(obj, key))
        cJSON_ReplaceItemInObjectCaseSensitive(obj, key, v);
    else
        cJSON_AddItemToObject(obj, key, v);
}

int scn_materialize(const char *file, const char *text, size_t len,
                    const scn_variant *v, const char *out_file, strbuf *out,
                    char *err, size_t errlen)
{
    char *copy = xmalloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    cJSON *root = cJSON_Parse(copy);
    free(copy);
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        snprintf(err, errlen, "%s: not a scenario object", file);
        return -1;
    }
    const scn_plan *p = &v->plan;
    cJSON_DeleteItemFromObjectCaseSensitive(root, "nemesis");
    char seed[32];
    snprintf(seed, sizeof seed, "%" PRIu64, p->seed);
    set_member(root, "seed", cJSON_CreateRaw(seed));
    cJSON *desc = cJSON_GetObjectItemCaseSensitive(root, "description");
    strbuf d;
    sb_init(&d);
    if (cJSON_IsString(desc) && desc->valuestring[0]) {
        sb_puts(&d, desc->valuestring);
        sb_puts(&d, " ");
    }
    char line[256 + 4096];
    snprintf(line, sizeof line, "(Materialized by clustersim from %s, seed %s%s: "
             "%d faults drawn.)", strcmp(file, "-") ? file : "<stdin>", seed,
             v->swarm.on ? ", swarm" : "", v->nfaults);
    sb_puts(&d, line);
    set_member(root, "description", cJSON_CreateString(d.s));
    sb_fini(&d);
    cJSON *cfg = cJSON_GetObjectItemCaseSensitive(root, "config");
    if (v->swarm.on) {
        if (!cfg) {
            cfg = cJSON_CreateObject();
            cJSON_AddItemToObject(root, "config", cfg);
        }
        set_member(cfg, "latency", latency_json(v->swarm.latency));
        set_member(cfg, "loss", cJSON_CreateNumber(v->swarm.loss));
        set_member(cfg, "net_ticktime", duration_json(v->swarm.net_ticktime));
    }
    if (v->ngenerated) {
        cJSON *tl = cJSON_GetObjectItemCaseSensitive(root, "timeline");
        if (!tl) {
            tl = cJSON_CreateArray();
            cJSON_AddItemToObject(root, "timeline", tl);
        }
        for (int i = 0; i < p->nsteps; i++)
            if (p->steps[i].index >= v->base->ntimeline)
                cJSON_AddItemToArray(tl, step_json(p, &p->steps[i]));
    }
    if (out_file) {
        char *from = strcmp(file, "-") ? abs_dir(file) : realpath(".", NULL);
        char *to = abs_dir(out_file);
        if (!from || !to) {
            snprintf(err, errlen, "%s: %s", !to ? out_file : file,
                     strerror(errno));
            free(from);
            free(to);
            cJSON_Delete(root);
            return -1;
        }
        if (strcmp(from, to)) {
            rebase_modules(cJSON_GetObjectItemCaseSensitive(cfg, "modules"), from, to);
            cJSON *nodes = cJSON_GetObjectItemCaseSensitive(root, "nodes");
            for (cJSON *n = nodes ? nodes->child : NULL; n; n = n->next)
                rebase_modules(cJSON_GetObjectItemCaseSensitive(n, "modules"),
                               from, to);
        }
        free(from);
        free(to);
    }
    char *t = cJSON_Print(root);
    cJSON_Delete(root);
    sb_puts(out, t);
    sb_putc(out, '\n');
    free(t);
    return 0;
}
