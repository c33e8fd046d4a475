/* The nemesis and swarm mode (scenarios/nemesis.h): what a seed draws,
 * that each fault's draws are its own, that a heal undoes its fault, and
 * that a materialized scenario runs exactly as the variant it writes. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scenarios/loader.h"
#include "scenarios/nemesis.h"
#include "scenarios/run.h"

static scn_plan *load(const char *json)
{
    scn_plan *p = NULL;
    scn_error err;
    cr_assert_eq(scn_load_text("t.json", json, strlen(json), &p, &err), SCN_OK,
                 "%s", err.msg);
    return p;
}

#define MESH(nemesis) \
    "{\"name\": \"n\", \"until\": \"100s\", \"config\": {\"net_ticktime\": \"8s\"}," \
    " \"nodes\": [\"a\", \"b\", \"c\", \"d\", \"e\", {\"name\": \"f\", \"loss\": 0.25}]," \
    " \"links\": [{\"from\": \"a\", \"to\": \"b\", \"latency\": \"40ms\"}]," \
    " \"timeline\": [{\"at\": \"1s\", \"on\": \"a\", \"eval\": \"net_adm:ping('b@sim').\"}]," \
    " \"nemesis\": " nemesis "}"

#define ALL "\"faults\": [\"partition_halves\", \"isolate_one\", \"bridge\", \"ring\"," \
    " \"flap\", \"freeze\", \"halt_restart\", \"latency_spike\"]"

static uint64_t run_hash(const scn_plan *p)
{
    scn_run_opts o = {0};
    scn_run_result r;
    scn_run(p, &o, &r);
    return r.hash;
}

/* The generated steps of v, as text, one a line. */
static void describe(const scn_variant *v, char *buf, size_t n, int64_t before)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < v->plan.nsteps; i++) {
        const scn_step *st = &v->plan.steps[i];
        if (st->index < v->base->ntimeline || st->at >= before)
            continue;
        len += (size_t)snprintf(buf + len, n - len, "%lld %d %d %d|",
                                (long long)st->at, (int)st->kind, st->node,
                                st->npairs);
        cr_assert_lt(len, n);
    }
}

Test(nemesis, each_fault_draws_alone)
{
    /* the same schedule cut short: its faults are the first ones of the
     * long schedule, step for step */
    scn_plan *lg = load(MESH("{" ALL ", \"every\": \"10s\", \"duration\": "
                             "{\"min\": \"1s\", \"max\": \"9s\"}, \"to\": \"90s\"}"));
    scn_plan *sh = load(MESH("{" ALL ", \"every\": \"10s\", \"duration\": "
                             "{\"min\": \"1s\", \"max\": \"9s\"}, \"to\": \"45s\"}"));
    static char a[65536], b[65536];
    for (uint64_t seed = 1; seed <= 20; seed++) {
        scn_variant x, y;
        scn_variant_make(lg, seed, false, &x);
        scn_variant_make(sh, seed, false, &y);
        cr_expect_eq(x.nfaults, 8);
        cr_expect_eq(y.nfaults, 4);
        describe(&x, a, sizeof a, 50000000);
        describe(&y, b, sizeof b, 50000000);
        cr_expect_str_eq(a, b, "seed %llu", (unsigned long long)seed);
        scn_variant_fini(&x);
        scn_variant_fini(&y);
    }
    scn_plan_free(lg);
    scn_plan_free(sh);
}

Test(nemesis, every_shape_is_drawn_and_healed)
{
    scn_plan *p = load(MESH("{" ALL ", \"every\": \"10s\", \"duration\": \"4s\"}"));
    unsigned seen = 0;
    for (uint64_t seed = 1; seed <= 30; seed++) {
        scn_variant v;
        scn_variant_make(p, seed, false, &v);
        /* per fault: the pairs cut equal the pairs healed; a frozen or
         * halted node comes back */
        int cut = 0, healed = 0, down = 0, up = 0;
        for (int i = 0; i < v.plan.nsteps; i++) {
            const scn_step *st = &v.plan.steps[i];
            if (st->index < p->ntimeline)
                continue;
            if (st->kind == STEP_NOTE)
                for (int k = 0; k < FAULT_NKINDS; k++)
                    if (strstr(st->note, scn_fault_names[k]) &&
                        st->note[9 + strlen(scn_fault_names[k])] == ' ')
                        seen |= 1u << k;
            if (st->kind == STEP_CUT)
                cut += st->npairs;
            if (st->kind == STEP_PARTITION)
                for (int a = 0; a < p->nnodes; a++)
                    for (int b = a + 1; b < p->nnodes; b++)
                        cut += st->group[a] >= 0 && st->group[b] >= 0 &&
                               st->group[a] != st->group[b];
            if (st->kind == STEP_HEAL)
                healed += st->npairs;
            down += st->kind == STEP_FREEZE || st->kind == STEP_HALT;
            up += st->kind == STEP_RESUME || st->kind == STEP_RESTART;
            cr_expect_leq(st->at, p->until);
        }
        cr_expect_eq(cut, healed, "seed %llu", (unsigned long long)seed);
        cr_expect_eq(down, up, "seed %llu", (unsigned long long)seed);
        scn_variant_fini(&v);
    }
    cr_expect_eq(seen, (1u << FAULT_NKINDS) - 1, "shapes seen: %#x", seen);
    scn_plan_free(p);
}

Test(nemesis, a_spike_restores_each_direction)
{
    scn_plan *p = load(MESH("{\"faults\": [\"latency_spike\"], \"every\": \"10s\", "
                            "\"duration\": \"3s\", \"nodes\": [\"a\", \"b\"]}"));
    scn_variant v;
    scn_variant_make(p, 7, false, &v);
    int restores = 0;
    for (int i = 0; i < v.plan.nsteps; i++) {
        const scn_step *st = &v.plan.steps[i];
        if (st->kind != STEP_LATENCY || st->both_ways)
            continue;
        /* a -> b has its link's 40 ms, b -> a the default 1 ms */
        int64_t want = st->pairs[0][0] == 0 ? 40000 : 1000;
        cr_expect_eq(st->latency.a, want);
        restores++;
    }
    cr_expect_eq(restores, 2 * v.nfaults);
    scn_variant_fini(&v);
    scn_plan_free(p);
}

Test(nemesis, swarm_bans_and_knobs_stay_in_their_ranges)
{
    scn_plan *p = load(MESH("{\"faults\": [\"freeze\", \"halt_restart\"], "
                            "\"every\": \"10s\", \"duration\": \"3s\"}"));
    int banned_any = 0;
    for (uint64_t seed = 1; seed <= 200; seed++) {
        scn_variant v;
        scn_variant_make(p, seed, true, &v);
        cr_assert(v.swarm.on);
        cr_expect_neq(v.swarm.banned & p->nemesis.kinds, p->nemesis.kinds,
                      "every kind banned at seed %llu", (unsigned long long)seed);
        banned_any += v.swarm.banned != 0;
        for (int i = 0; i < v.plan.nsteps; i++) {
            const scn_step *st = &v.plan.steps[i];
            if (st->kind == STEP_FREEZE)
                cr_expect(!(v.swarm.banned & (1u << FAULT_FREEZE)));
            if (st->kind == STEP_HALT)
                cr_expect(!(v.swarm.banned & (1u << FAULT_HALT_RESTART)));
        }
        cr_expect(v.swarm.loss >= 0 && v.swarm.loss <= 0.05);
        cr_expect(v.swarm.net_ticktime >= 4000000 && v.swarm.net_ticktime <= 60000000);
        cr_expect(v.swarm.latency.a >= 100 && v.swarm.latency.a <= 50000);
        /* f sets its own loss */
        cr_expect_eq(v.plan.nodes[5].cfg.loss, 0.25);
        cr_expect_eq(v.plan.nodes[0].cfg.loss, v.swarm.loss);
        cr_expect_eq(v.plan.nodes[0].cfg.net_ticktime, v.swarm.net_ticktime);
        scn_variant_fini(&v);
    }
    cr_expect_gt(banned_any, 100);
    cr_expect_lt(banned_any, 200);
    scn_plan_free(p);
}

/* Swarm "shrinks open": its faults are the unbanned ones of the schedule
 * without swarm, each as it was there. */
Test(nemesis, a_ban_only_leaves_faults_out)
{
    scn_plan *p = load(MESH("{" ALL ", \"every\": \"5s\", \"duration\": "
                            "{\"min\": \"1s\", \"max\": \"4s\"}}"));
    static char a[65536], b[65536];
    for (uint64_t seed = 1; seed <= 20; seed++) {
        scn_variant all, sw;
        scn_variant_make(p, seed, false, &all);
        scn_variant_make(p, seed, true, &sw);
        cr_expect_leq(sw.nfaults, all.nfaults);
        describe(&all, a, sizeof a, INT64_MAX);
        describe(&sw, b, sizeof b, INT64_MAX);
        /* b's steps are a subsequence of a's */
        const char *x = a;
        for (char *y = strtok(b, "|"); y; y = strtok(NULL, "|")) {
            const char *f = strstr(x, y);
            cr_expect(f != NULL, "seed %llu: swarm step %s not in the full schedule",
                      (unsigned long long)seed, y);
            if (f)
                x = f + strlen(y);
        }
        scn_variant_fini(&all);
        scn_variant_fini(&sw);
    }
    scn_plan_free(p);
}

Test(nemesis, materialized_runs_as_the_variant)
{
    const char *json = MESH("{" ALL ", \"every\": \"10s\", \"duration\": "
                            "{\"min\": \"1s\", \"max\": \"9s\"}}");
    scn_plan *p = load(json);
    for (uint64_t seed = 1; seed <= 4; seed++) {
        for (int swarm = 0; swarm < 2; swarm++) {
            scn_variant v;
            scn_variant_make(p, seed, swarm, &v);
            strbuf out;
            sb_init(&out);
            char err[512];
            cr_assert_eq(scn_materialize("t.json", json, strlen(json), &v, NULL,
                                         &out, err, sizeof err), 0, "%s", err);
            scn_plan *m = load(out.s);
            cr_expect(!m->nemesis.present);
            cr_expect_eq(m->seed, seed);
            cr_expect_eq(m->nsteps, v.plan.nsteps);
            cr_expect_eq(run_hash(m), run_hash(&v.plan), "seed %llu swarm %d",
                         (unsigned long long)seed, swarm);
            scn_plan_free(m);
            sb_fini(&out);
            scn_variant_fini(&v);
        }
    }
    scn_plan_free(p);
}

Test(nemesis, no_nemesis_no_swarm_is_the_plan)
{
    scn_plan *p = load("{\"name\": \"n\", \"until\": \"5s\", \"nodes\": [\"a\"]}");
    scn_variant v;
    scn_variant_make(p, 9, false, &v);
    cr_expect_eq(v.plan.steps, p->steps);
    cr_expect_eq(v.plan.nodes, p->nodes);
    cr_expect_eq(v.plan.seed, 9);
    cr_expect_eq(v.ngenerated, 0);
    strbuf b;
    sb_init(&b);
    scn_swarm_json(&v.swarm, &b);
    cr_expect_str_eq(b.s, "null");
    sb_fini(&b);
    scn_variant_fini(&v);
    scn_plan_free(p);
}
