/* cap_truth: the black-box checkers against the white-box truth.
 *
 * The checkers (traces/cap.c) see only the history; the strategies also
 * tell what really happened to each replica (clustersim:replica/2 and
 * discard/4 events). For the CAP scenarios under every strategy that
 * reports its replicas, each run is judged twice here:
 * - the test recounts stale reads and lost writes from their definitions
 *   (traces/cap.h) by brute force and must find the checker's counts;
 * - every lost write the checker counts must have its cause in the
 *   truth: the node whose final read lost it either never held the value,
 *   or dropped it (a discard event), or had it replaced by an older value;
 * - every stale read must have been served: some replica held the value
 *   read while the read ran;
 * - a process that had an info never invokes again.
 * So a checker never reports what the white-box truth says did not
 * happen. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "scenarios/loader.h"
#include "scenarios/run.h"
#include "traces/cap.h"

typedef struct truth_ev {
    int64_t t;           /* ns */
    int node;
    int64_t key;
    hist_val v;
    bool discard;        /* else a replica event */
} truth_ev;

typedef struct truth {
    const scn_plan *p;
    truth_ev *ev;
    size_t n, cap;
} truth;

static hist_val parse_val(const char *s)
{
    if (!s || !strcmp(s, "undefined"))
        return (hist_val){.nil = true};
    return (hist_val){.v = strtoll(s, NULL, 10)};
}

static void observe(void *ctx, const sim_obs_event *ev)
{
    truth *t = ctx;
    bool rep = !strcmp(ev->kind, "replica"), dis = !strcmp(ev->kind, "discard");
    if (!(rep || dis) || !ev->node || !ev->name)
        return;
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 256;
        t->ev = realloc(t->ev, t->cap * sizeof *t->ev);
        cr_assert(t->ev);
    }
    t->ev[t->n++] = (truth_ev){ev->t * 1000, scn_plan_find_node(t->p, ev->node),
                               strtoll(ev->name, NULL, 10), parse_val(ev->term), dis};
}

static bool same(hist_val a, hist_val b)
{
    return a.nil == b.nil && (a.nil || a.v == b.v);
}

/* Did a node's replica of key hold v at some instant of [t0, t1]? */
static bool held_during(const truth *t, int node, int64_t key, hist_val v,
                        int64_t t0, int64_t t1)
{
    hist_val cur = {.nil = true};
    for (size_t i = 0; i < t->n; i++) {
        const truth_ev *e = &t->ev[i];
        if (e->discard || e->node != node || e->key != key)
            continue;
        if (e->t > t1)
            break;
        if (e->t <= t0)
            cur = e->v;
        else if (same(e->v, v))
            return true;
    }
    return same(cur, v);
}

/* The write (or cas) that wrote v on key, or NULL. */
static const hist_op *writer_of(const history *h, int64_t key, hist_val v)
{
    for (size_t i = 0; i < h->n; i++) {
        const hist_op *w = &h->ops[i];
        if (w->key != key || w->f == HIST_READ || w->type == HIST_FAIL)
            continue;
        if (same(w->f == HIST_CAS ? w->b : w->a, v))
            return w;
    }
    return NULL;
}

static bool rt_before(const hist_op *a, const hist_op *b)
{
    return a->type != HIST_INFO && a->ret != HIST_OPEN && a->ret < b->call;
}

static void judge(const char *file, const char *strategy)
{
    scn_plan *p = NULL;
    scn_error err;
    cr_assert_eq(scn_load_file(file, &p, &err), SCN_OK, "%s", err.msg);
    char e[512];
    cr_assert_eq(scn_plan_use_strategy(p, strategy, e, sizeof e), 0, "%s", e);
    truth t = {p, NULL, 0, 0};
    sim_observer obs = {observe, &t};
    history h;
    history_init(&h);
    scn_run_opts o = {0};
    o.extra = &obs;
    o.keep = &h;
    scn_run_result r;
    scn_run(p, &o, &r);
    cr_assert_eq(r.outcome, SCN_PASSED, "%s under %s", file, strategy);
    int64_t final_at = p->workload.final_reads * 1000;

    /* a process that had an info never invokes again (Jepsen's rule) */
    for (size_t i = 0; i < h.n; i++)
        for (size_t j = i + 1; j < h.n && h.ops[i].type == HIST_INFO; j++)
            cr_expect_neq(h.ops[j].process, h.ops[i].process, "%s under %s: "
                          "process %lld invokes again after an info", file, strategy,
                          (long long)h.ops[i].process);

    /* stale reads, by brute force, and each one served by a replica */
    size_t stale = 0;
    for (size_t i = 0; i < h.n; i++) {
        const hist_op *rd = &h.ops[i];
        if (rd->f != HIST_READ || rd->type != HIST_OK)
            continue;
        const hist_op *w = rd->a.nil ? NULL : writer_of(&h, rd->key, rd->a);
        if (!rd->a.nil && (!w || w->call > rd->ret))
            continue;   /* invalid, not stale */
        bool is_stale = false;
        for (size_t j = 0; j < h.n && !is_stale; j++) {
            const hist_op *w2 = &h.ops[j];
            is_stale = w2->key == rd->key && w2->f != HIST_READ &&
                       w2->type == HIST_OK && (!w || rt_before(w, w2)) &&
                       rt_before(w2, rd);
        }
        if (!is_stale)
            continue;
        stale++;
        if (t.n == 0)
            continue;   /* replicas not reported */
        bool served = false;
        for (int k = 0; k < p->workload.strategy.nmembers && !served; k++)
            served = held_during(&t, p->workload.strategy.members[k], rd->key, rd->a,
                                 rd->call_time, rd->ret_time);
        cr_expect(served, "%s under %s: stale read of %lld (key %lld, process %lld "
                  "at %lld ns) that no replica held", file, strategy,
                  (long long)rd->a.v, (long long)rd->key, (long long)rd->process,
                  (long long)rd->call_time);
    }
    cr_expect_eq(stale, r.wl.cap.stale, "%s under %s: %zu stale reads, the checker "
                 "says %zu", file, strategy, stale, r.wl.cap.stale);

    /* lost writes, by brute force, each with its cause in the truth */
    size_t lost = 0;
    for (size_t i = 0; i < h.n; i++) {
        const hist_op *w = &h.ops[i];
        if (w->f == HIST_READ || w->type != HIST_OK)
            continue;
        bool is_lost = false;
        for (size_t j = 0; j < h.n; j++) {
            const hist_op *fr = &h.ops[j];
            if (fr->f != HIST_READ || fr->type != HIST_OK || fr->call_time < final_at ||
                fr->key != w->key || !rt_before(w, fr))
                continue;
            const hist_op *wf = fr->a.nil ? NULL : writer_of(&h, fr->key, fr->a);
            if (!fr->a.nil && (!wf || wf->call > fr->ret))
                continue;   /* an invalid final read loses nothing */
            if (wf && !rt_before(wf, w))
                continue;
            is_lost = true;
            if (t.n == 0)
                continue;
            /* the cause: fr's node never held w's value, dropped it, or
             * had it replaced by a value written before w */
            hist_val wv = w->f == HIST_CAS ? w->b : w->a;
            bool held = false, caused = false;
            for (size_t k = 0; k < t.n && !caused; k++) {
                const truth_ev *te = &t.ev[k];
                if (te->node != fr->node || te->key != w->key || te->t > fr->ret_time)
                    continue;
                if (same(te->v, wv)) {
                    held = true;
                    caused = te->discard;
                } else if (held && !te->discard) {
                    const hist_op *by = te->v.nil ? NULL : writer_of(&h, te->key, te->v);
                    caused = !by || rt_before(by, w);
                }
            }
            cr_expect(!held || caused, "%s under %s: write of %lld (key %lld, process "
                      "%lld) lost at node %d, whose replica held it and never lost it",
                      file, strategy, (long long)wv.v, (long long)w->key,
                      (long long)w->process, fr->node);
        }
        lost += is_lost;
    }
    cr_expect_eq(lost, r.wl.cap.lost, "%s under %s: %zu lost writes, the checker "
                 "says %zu", file, strategy, lost, r.wl.cap.lost);
    history_fini(&h);
    free(t.ev);
    scn_plan_free(p);
}

static const char *const strategies[] = {
    "ignore", "pause_minority", "pause_if_all_down", "autoheal", "static_master",
    "quorum", "lww", "raft"
};

Test(cap_truth, split5_every_strategy, .timeout = 300)
{
    for (size_t i = 0; i < sizeof strategies / sizeof *strategies; i++)
        judge("scenarios/cap/split5.json", strategies[i]);
}

Test(cap_truth, skewed_lww_and_master_on_the_minority, .timeout = 300)
{
    judge("scenarios/cap/lww_skew.json", "lww");
    judge("scenarios/cap/master_minority.json", "static_master");
}
