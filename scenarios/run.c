/* run: the timeline driver. Converts the plan's nodes into the world's
 * configuration, schedules one engine event per boot and per step (boots
 * first, then steps in plan order, so that at equal times boots come
 * first and steps keep file order: the engine breaks ties by insertion
 * order), runs to `until`, then judges expectations and checks. */
#include "scenarios/run.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/lib/lib.h"
#include "core/term/xalloc.h"
#include "scenarios/checks.h"
#include "scenarios/loader.h"
#include "scenarios/workload.h"
#include "sim/sim.h"
#include "traces/trace.h"

typedef struct driver {
    const scn_plan *p;
    world *w;
} driver;

/* An observer that stops the run once the process's memory passed
 * --max-memory (xalloc.h): after the event that was being traced. */
static void memory_watch(void *ctx, const sim_obs_event *ev)
{
    (void)ev;
    if (xalloc_over())
        sim_halt(ctx);
}

/* The failures sink: each failed `expect` and `check` event, into
 * r->failures (run.h), identified so that a shrunk scenario can be asked
 * for the same failure. */
typedef struct failure_sink {
    const scn_plan *p;
    scn_run_result *r;
} failure_sink;

static void failure_emit(void *ctx, const sim_obs_event *ev)
{
    failure_sink *f = ctx;
    scn_run_result *r = f->r;
    bool expect = !strcmp(ev->kind, "expect");
    if ((!expect && strcmp(ev->kind, "check")) || !ev->reason ||
        strcmp(ev->reason, "fail") || !ev->name || r->nfailures >= SCN_MAX_FAILURES)
        return;
    scn_failure *x = &r->failures[r->nfailures++];
    snprintf(x->where, sizeof x->where, "%s", ev->name);
    int index = -1;
    if (expect && sscanf(ev->name, "timeline[%d]", &index) == 1) {
        for (int i = 0; i < f->p->nsteps; i++) {
            const scn_step *st = &f->p->steps[i];
            if (st->index == index) {
                snprintf(x->what, sizeof x->what, "expect on %s: %s => %s",
                         f->p->nodes[st->node].name, st->eval,
                         st->expect ? st->expect : "_");
                return;
            }
        }
    }
    if (!expect && sscanf(ev->name, "checks[%d]", &index) == 1 && ev->text) {
        /* "checks[K]: SELECTOR: expected WANT, counted N" */
        const char *counted = strstr(ev->text, ", counted ");
        unsigned long long n = 0;
        for (int i = 0; counted && i < f->p->nchecks; i++) {
            const scn_check *k = &f->p->checks[i];
            if (k->index != index ||
                sscanf(counted, ", counted %llu", &n) != 1)
                continue;
            int sel = (int)(counted - ev->text);
            const char *e = strstr(ev->text, ": expected ");
            if (e && e < counted)
                sel = (int)(e - ev->text);
            snprintf(x->what, sizeof x->what, "%.*s: %s", sel, ev->text,
                     n < (unsigned long long)k->min ? "too few" : "too many");
            return;
        }
    }
    snprintf(x->what, sizeof x->what, "%s", ev->text ? ev->text : ev->name);
}

static void on_boot(sim *s, void *ctx, uint64_t arg)
{
    (void)s;
    driver *d = ctx;
    world_boot(d->w, (int)arg);
}

static void on_step(sim *s, void *ctx, uint64_t arg)
{
    (void)s;
    driver *d = ctx;
    const scn_step *st = &d->p->steps[arg];
    world *w = d->w;
    char where[32];
    switch (st->kind) {
    case STEP_EVAL:
        snprintf(where, sizeof where, "timeline[%d]", st->index);
        world_eval(w, st->node, st->eval, st->code, st->expect, st->pattern,
                   where);
        break;
    case STEP_NOTE:
        world_note(w, st->note);
        break;
    case STEP_PARTITION:
        world_partition(w, st->group);
        break;
    case STEP_CUT:
    case STEP_CUT_ONEWAY:
        for (int i = 0; i < st->npairs; i++)
            world_cut(w, st->pairs[i][0], st->pairs[i][1],
                      st->kind == STEP_CUT);
        break;
    case STEP_HEAL:
        if (st->heal_all)
            world_heal_all(w);
        for (int i = 0; i < st->npairs; i++)
            world_heal(w, st->pairs[i][0], st->pairs[i][1]);
        break;
    case STEP_LATENCY:
        world_set_latency(w, st->pairs[0][0], st->pairs[0][1], st->both_ways,
                          st->latency, true);
        break;
    case STEP_HALT: world_halt(w, st->node); break;
    case STEP_FREEZE: world_freeze(w, st->node); break;
    case STEP_RESUME: world_resume(w, st->node); break;
    case STEP_RESTART: world_restart(w, st->node); break;
    }
}

/* world_source_reader: `file` in the folder of the scenario file (the
 * plan), NUL-terminated; NULL when it cannot be read or holds a NUL. */
static char *read_beside(void *ctx, const char *file)
{
    const scn_plan *p = ctx;
    char *path = scn_path_beside(p->file, file);
    size_t len;
    char *text = scn_read_file(path, &len);
    free(path);
    if (text && strlen(text) != len) {
        free(text);
        return NULL;
    }
    return text;
}

/* A step without `expect` still blocked (or still queued behind a
 * blocked one) when the run ends: a warning on the report stream at the
 * step's `{`, counted in r->unfinished. It does not fail the run: such a
 * step asserts nothing about its result (scenarios/README.md, "The
 * verdict"). */
typedef struct unfinished_ctx {
    const scn_plan *p;
    FILE *report;
    int n;
} unfinished_ctx;

static void on_unfinished(void *ctx, const char *where, const char *node,
                          bool running)
{
    unfinished_ctx *u = ctx;
    u->n++;
    int index;
    if (!u->report || sscanf(where, "timeline[%d]", &index) != 1)
        return;
    for (int i = 0; i < u->p->nsteps; i++) {
        const scn_step *st = &u->p->steps[i];
        if (st->index == index) {
            fprintf(u->report, "%s:%d:%d: warning: %s on %s %s\n", u->p->file,
                    st->line, st->col, where, node,
                    running ? "never returned (still blocked at the end of the run)"
                            : "was never evaluated (the shell was still busy)");
            return;
        }
    }
}

static world_node_cfg node_cfg(const scn_node *n)
{
    const scn_config *c = &n->cfg;
    world_node_cfg w = {0};
    w.name = n->name;
    w.cookie = c->cookie;
    w.hidden = c->hidden;
    w.net_ticktime = c->net_ticktime;
    w.net_setuptime = c->net_setuptime;
    w.connect_all = c->connect_all;
    w.autoconnect = c->dist_auto_connect == AUTOCONNECT_ONCE ? WORLD_AUTOCONNECT_ONCE
                  : c->dist_auto_connect == AUTOCONNECT_NEVER ? WORLD_AUTOCONNECT_NEVER
                  : WORLD_AUTOCONNECT_ALWAYS;
    w.prevent_overlapping_partitions = c->prevent_overlapping_partitions;
    w.clock_offset = c->clock_offset;
    w.clock_drift_ppm = c->clock_drift_ppm;
    w.latency = c->latency;
    w.loss = c->loss;
    w.apps = (const char *const *)c->apps;
    w.napps = c->napps;
    w.modules = (ev_module *const *)c->modules;
    w.nmodules = c->nmodules;
    w.tls = c->tls.on;
    w.tls_ca = c->tls.ca;
    w.tls_cert_ca = c->tls.cert_ca ? c->tls.cert_ca : c->tls.ca;
    w.tls_verify_peer = c->tls.verify_peer;
    return w;
}

void scn_run(const scn_plan *p, const scn_run_opts *o, scn_run_result *r)
{
    memset(r, 0, sizeof *r);
    r->seed = o->has_seed ? o->seed : p->seed;
    uint64_t max_events = o->max_events ? o->max_events : SCN_DEFAULT_MAX_EVENTS;

    sim *s = sim_new();
    trace_tee *tee = trace_tee_new();
    trace_text *hash = trace_text_new(NULL);
    scn_checks *checks = scn_checks_new(p, o->report);
    trace_transcript *tr = o->transcript ? trace_transcript_new(o->transcript) : NULL;
    trace_tee_add(tee, trace_text_observer(hash));
    trace_tee_add(tee, scn_checks_observer(checks));
    if (tr)
        trace_tee_add(tee, trace_transcript_observer(tr));
    if (o->extra)
        trace_tee_add(tee, *o->extra);
    trace_tee_add(tee, (sim_observer){memory_watch, s});
    failure_sink fails = {p, r};
    trace_tee_add(tee, (sim_observer){failure_emit, &fails});
    sim_observer obs = trace_tee_observer(tee);
    sim_set_observer(s, &obs);

    world_node_cfg *cfg = calloc((size_t)p->nnodes, sizeof *cfg);
    if (!cfg)
        abort();
    char **boot = xcalloc((size_t)p->nnodes + 1, sizeof *boot);
    for (int i = 0; i < p->nnodes; i++) {
        cfg[i] = node_cfg(&p->nodes[i]);
        cfg[i].boot_eval = boot[i] = scn_wl_boot_eval(p, i);
    }
    world *w = lib_world_new(s, r->seed, p->nnodes, cfg);
    for (int i = 0; i < p->nnodes; i++)
        free(boot[i]);
    free(boot);
    free(cfg);
    scn_wl *wl = scn_wl_new(p, s, w, r->seed);
    sim_observer wl_obs = wl ? scn_wl_observer(wl) : (sim_observer){0};
    if (wl)
        trace_tee_add(tee, wl_obs);
    for (int i = 0; i < p->nlinks; i++) {
        const scn_link *l = &p->links[i];
        world_set_latency(w, l->from, l->to, false, l->latency, false);
    }

    driver d = {p, w};
    for (int i = 0; i < p->nnodes; i++)
        sim_at(s, p->nodes[i].cfg.start, on_boot, &d, (uint64_t)i);
    for (int i = 0; i < p->nsteps; i++)
        sim_at(s, p->steps[i].at, on_step, &d, (uint64_t)i);

    if (o->max_reductions)
        world_set_max_reductions(w, o->max_reductions);
    if (o->max_terms)
        world_set_max_terms(w, o->max_terms);
    /* the shell's c(Mod) reads Mod.erl beside the scenario */
    world_set_source_reader(w, read_beside, (void *)p);
    /* making the world may have passed --max-memory already */
    sim_stop stop = xalloc_over() ? SIM_HALTED : sim_run(s, p->until, max_events);
    if (stop == SIM_HALTED && !world_limit(w) && xalloc_over()) {
        r->outcome = SCN_LIMIT;
        snprintf(r->limit, sizeof r->limit, "max_memory=%s (allocating %s)",
                 xalloc_limit_text(), xalloc_over_what());
    } else if (stop == SIM_BUDGET) {
        r->outcome = SCN_LIMIT;
        snprintf(r->limit, sizeof r->limit, "max_events=%" PRIu64, max_events);
    } else if (stop == SIM_HALTED && world_limit(w)) {
        r->outcome = SCN_LIMIT;
        snprintf(r->limit, sizeof r->limit, "%s", world_limit(w));
    } else {
        unfinished_ctx u = {p, o->report, 0};
        world_finish(w, on_unfinished, &u);
        r->unfinished = u.n;
        if (wl) {
            scn_wl_finish(wl, o->report, &r->wl);
            if (o->history_edn)
                r->history_werr = history_write_edn(o->history_edn, scn_wl_history(wl));
            if (o->history_json && !r->history_werr)
                r->history_werr = history_write_json(o->history_json, scn_wl_history(wl));
            if (o->keep)
                scn_wl_take_history(wl, o->keep);
        }
        r->failed_expects = world_failures(w);
        r->failed_checks = scn_checks_finish(checks, s);
        r->outcome = r->failed_expects || r->failed_checks ? SCN_FAILED : SCN_PASSED;
    }
    r->hash = trace_text_hash(hash);
    r->events = trace_text_count(hash);
    r->sim_events = sim_events_run(s);
    r->virtual_us = sim_now(s);

    /* Tearing the world down is not part of the run: nothing observes it. */
    sim_set_observer(s, NULL);
    scn_wl_free(wl);
    world_free(w);
    sim_free(s);
    trace_transcript_free(tr);
    scn_checks_free(checks);
    trace_text_free(hash);
    trace_tee_free(tee);
}
