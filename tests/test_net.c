/* Network model tests: FIFO under random latencies, cuts that hold
 * traffic, one-way cuts, resets, loss, and the latency samplers. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include "net_model/latency.h"
#include "net_model/net.h"
#include "sim/sim.h"

typedef struct rec {
    sim *s;
    int n, dropped;
    int from[8192], to[8192];
    uintptr_t id[8192];
    int64_t t[8192];
} rec;

static void deliver(void *ctx, int from, int to, void *payload)
{
    rec *r = ctx;
    r->from[r->n] = from;
    r->to[r->n] = to;
    r->id[r->n] = (uintptr_t)payload;
    r->t[r->n++] = sim_now(r->s);
}

static void drop(void *ctx, int from, int to, void *payload)
{
    (void)from, (void)to, (void)payload;
    ((rec *)ctx)->dropped++;
}

static net *mk(sim *s, rec *r, int nodes, uint64_t seed)
{
    r->s = s;
    net_handlers h = {deliver, drop, r};
    return net_new(s, nodes, seed, h);
}

typedef struct sender {
    net *n;
    int from, to;
} sender;

static void send_ev(sim *s, void *ctx, uint64_t arg)
{
    (void)s;
    sender *x = ctx;
    net_send(x->n, x->from, x->to, 1, (void *)(uintptr_t)arg);
}

Test(net, fifo_under_random_latencies)
{
    sim *s = sim_new();
    rec *r = calloc(1, sizeof *r);
    net *n = mk(s, r, 3, 11);
    lat_dist wide = {LAT_UNIFORM, 100, 50000, 0};
    net_set_node(n, 0, wide, 0.0);
    lat_dist expo = {LAT_EXPONENTIAL, 5000, 0, 0};
    net_set_node(n, 1, expo, 0.0);
    sender a = {n, 0, 2}, b = {n, 1, 2};
    for (uint64_t i = 1; i <= 3000; i++) {
        sim_at(s, (int64_t)i * 10, send_ev, &a, i);
        sim_at(s, (int64_t)i * 10 + 5, send_ev, &b, 100000 + i);
    }
    sim_run(s, INT64_MAX, 0);
    cr_assert_eq(r->n, 6000);
    uintptr_t last_a = 0, last_b = 0;
    int interleaved = 0;
    for (int i = 0; i < r->n; i++) {
        if (r->from[i] == 0) {
            cr_assert(r->id[i] > last_a, "link 0->2 reordered");
            last_a = r->id[i];
        } else {
            cr_assert(r->id[i] > last_b, "link 1->2 reordered");
            last_b = r->id[i];
        }
        if (i && r->from[i] != r->from[i - 1])
            interleaved++;
    }
    cr_assert(interleaved > 10, "two senders interleave arbitrarily");
    net_free(n);
    sim_free(s);
    free(r);
}

Test(net, cut_holds_traffic_until_heal)
{
    sim *s = sim_new();
    rec *r = calloc(1, sizeof *r);
    net *n = mk(s, r, 2, 1);
    net_cut(n, 0, 1);
    cr_assert(net_is_cut(n, 0, 1));
    cr_assert_not(net_is_cut(n, 1, 0), "a one-way cut leaves the other way up");
    net_send(n, 0, 1, 1, (void *)1);
    net_send(n, 1, 0, 1, (void *)2);
    sim_run(s, 1000000, 0);
    cr_assert_eq(r->n, 1);
    cr_assert_eq(r->id[0], 2);
    cr_assert_eq(net_inflight(n, 0, 1), 1);
    /* heal at 1 s: sent at 0, retransmits at 0.2, 0.6, 1.4 s: arrives
     * at the first retransmission after the heal plus 1 ms. */
    net_heal(n, 0, 1);
    sim_run(s, INT64_MAX, 0);
    cr_assert_eq(r->n, 2);
    cr_assert_eq(r->id[1], 1);
    cr_assert_eq(r->t[1], 1400000 + 1000);
    net_free(n);
    sim_free(s);
    free(r);
}

Test(net, in_flight_traffic_is_held_by_a_cut)
{
    sim *s = sim_new();
    rec *r = calloc(1, sizeof *r);
    net *n = mk(s, r, 2, 1);
    net_set_latency(n, 0, 1, lat_constant(50000));
    net_send(n, 0, 1, 1, (void *)1);
    sim_run(s, 10000, 0);
    net_cut(n, 0, 1);
    sim_run(s, 100000, 0);
    cr_assert_eq(r->n, 0, "in flight when cut: not delivered");
    net_heal(n, 0, 1);
    sim_run(s, INT64_MAX, 0);
    cr_assert_eq(r->n, 1);
    cr_assert_eq(r->t[0], 200000 + 50000);
    net_free(n);
    sim_free(s);
    free(r);
}

Test(net, a_new_flow_does_not_wait_behind_an_old_one)
{
    sim *s = sim_new();
    rec *r = calloc(1, sizeof *r);
    net *n = mk(s, r, 2, 1);
    net_cut(n, 0, 1);
    net_send(n, 0, 1, 1, (void *)1);   /* held: an old connection's data */
    sim_run(s, 5000000, 0);
    net_heal(n, 0, 1);                 /* retransmitted at 6.2 s */
    net_send(n, 0, 1, 2, (void *)2);   /* a new connection */
    sim_run(s, INT64_MAX, 0);
    cr_assert_eq(r->n, 2);
    cr_assert_eq(r->id[0], 2, "the new flow goes first");
    cr_assert_eq(r->t[0], 5000000 + 1000);
    cr_assert_eq(r->id[1], 1);
    cr_assert_eq(r->t[1], 6200000 + 1000);
    cr_assert_eq(r->dropped, 0);
    net_free(n);
    sim_free(s);
    free(r);
}

Test(net, closing_a_flow_on_a_cut_link_drops_what_it_held)
{
    sim *s = sim_new();
    rec *r = calloc(1, sizeof *r);
    net *n = mk(s, r, 2, 1);
    net_send(n, 0, 1, 1, (void *)1);
    net_drop_held(n, 0, 1, 1);         /* link up: in flight, kept */
    cr_assert_eq(r->dropped, 0);
    net_cut(n, 0, 1);
    net_send(n, 0, 1, 1, (void *)2);
    net_send(n, 0, 1, 2, (void *)3);
    net_drop_held(n, 0, 1, 1);
    cr_assert_eq(r->dropped, 2, "flow 1's two payloads");
    net_heal(n, 0, 1);
    sim_run(s, INT64_MAX, 0);
    cr_assert_eq(r->n, 1);
    cr_assert_eq(r->id[0], 3);
    net_free(n);
    sim_free(s);
    free(r);
}

Test(net, loss_delays_but_never_loses_and_keeps_fifo)
{
    sim *s = sim_new();
    rec *r = calloc(1, sizeof *r);
    net *n = mk(s, r, 2, 5);
    net_set_node(n, 0, lat_constant(1000), 0.3);
    sender a = {n, 0, 1};
    for (uint64_t i = 1; i <= 1000; i++)
        sim_at(s, (int64_t)i * 1000, send_ev, &a, i);
    sim_run(s, INT64_MAX, 0);
    cr_assert_eq(r->n, 1000);
    int delayed = 0;
    for (int i = 0; i < r->n; i++) {
        cr_assert_eq(r->id[i], (uintptr_t)i + 1);
        if (r->t[i] - (int64_t)(i + 1) * 1000 >= 200000)
            delayed++;
    }
    cr_assert(delayed > 100, "retransmissions delay messages (%d)", delayed);
    net_free(n);
    sim_free(s);
    free(r);
}

Test(net, same_seed_same_delays)
{
    int64_t first[2][100];
    for (int k = 0; k < 2; k++) {
        sim *s = sim_new();
        rec *r = calloc(1, sizeof *r);
        net *n = mk(s, r, 2, 77);
        lat_dist d = {LAT_NORMAL, 5000, 2000, 0};
        net_set_node(n, 0, d, 0.0);
        sender a = {n, 0, 1};
        for (uint64_t i = 0; i < 100; i++)
            sim_at(s, (int64_t)i * 100000, send_ev, &a, i);
        sim_run(s, INT64_MAX, 0);
        for (int i = 0; i < 100; i++)
            first[k][i] = r->t[i];
        net_free(n);
        sim_free(s);
        free(r);
    }
    for (int i = 0; i < 100; i++)
        cr_assert_eq(first[0][i], first[1][i]);
}

Test(latency, log_and_exp_are_accurate)
{
    double xs[] = {1e-9, 0.001, 0.5, 0.999, 1.0, 2.0, 10.0, 12345.678};
    for (size_t i = 0; i < sizeof xs / sizeof *xs; i++) {
        double l = lat_log(xs[i]);
        double back = lat_exp(l);
        cr_assert(back / xs[i] > 1 - 1e-13 && back / xs[i] < 1 + 1e-13,
                  "exp(log(%g)) = %.17g", xs[i], back);
    }
    cr_assert(lat_log(1.0) == 0.0);
    cr_assert(lat_exp(0.0) == 1.0);
    double e = lat_exp(1.0);
    cr_assert(e > 2.718281828459044 && e < 2.718281828459046);
}

static double mean_of(lat_dist d, int n, int64_t *minv, int64_t *maxv)
{
    rng r = rng_stream(1, "test", 0);
    double sum = 0;
    *minv = INT64_MAX;
    *maxv = INT64_MIN;
    for (int i = 0; i < n; i++) {
        int64_t v = lat_sample(&d, &r);
        sum += (double)v;
        if (v < *minv) *minv = v;
        if (v > *maxv) *maxv = v;
    }
    return sum / n;
}

Test(latency, distributions_have_their_shape)
{
    int64_t lo, hi;
    lat_dist u = {LAT_UNIFORM, 1000, 9000, 0};
    double m = mean_of(u, 100000, &lo, &hi);
    cr_assert(lo >= 1000 && hi <= 9000 && m > 4950 && m < 5050, "uniform %f", m);
    lat_dist nrm = {LAT_NORMAL, 5000, 1000, 0};
    m = mean_of(nrm, 100000, &lo, &hi);
    cr_assert(lo >= 0 && m > 4980 && m < 5020, "normal %f", m);
    lat_dist nz = {LAT_NORMAL, 100, 1000, 0};
    mean_of(nz, 10000, &lo, &hi);
    cr_assert_eq(lo, 0, "normal is clamped at 0");
    lat_dist ex = {LAT_EXPONENTIAL, 2000, 0, 0};
    m = mean_of(ex, 100000, &lo, &hi);
    cr_assert(lo >= 0 && m > 1970 && m < 2030, "exponential %f", m);
    lat_dist par = {LAT_PARETO, 1000, 0, 3.0};
    m = mean_of(par, 100000, &lo, &hi);
    /* mean of Pareto(scale, shape) = scale * shape / (shape - 1) */
    cr_assert(lo >= 1000 && m > 1450 && m < 1550, "pareto %f", m);
    lat_dist c = lat_constant(1234);
    m = mean_of(c, 10, &lo, &hi);
    cr_assert(lo == 1234 && hi == 1234);
}

/* Past 2048 nodes the links are found by hash, not by a dense index:
 * the same deliveries either way, the table growing through many links. */
static void many_links(int nodes, rec *r)
{
    sim *s = sim_new();
    net *n = mk(s, r, nodes, 5);
    lat_dist wide = {LAT_UNIFORM, 100, 5000, 0};
    for (int i = 0; i < 40; i++)
        net_set_node(n, i, wide, 0.0);
    for (int i = 0; i < 40; i++)
        for (int j = 0; j < 40; j++)
            if (i != j)
                net_send(n, i, j, 1, (void *)(uintptr_t)(i * 40 + j + 1));
    net_cut(n, 3, 4);
    cr_assert(net_is_cut(n, 3, 4));
    cr_assert(!net_is_cut(n, 4, 3));
    cr_assert(!net_is_cut(n, nodes - 1, 0));
    sim_run(s, INT64_MAX, 0);
    net_free(n);
    sim_free(s);
}

Test(net, hashed_links_match_dense)
{
    rec *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
    many_links(100, a);
    many_links(3000, b);
    cr_assert_eq(a->n, 40 * 39 - 1);  /* 3 -> 4 is held by the cut */
    cr_assert_eq(b->n, a->n);
    for (int i = 0; i < a->n; i++) {
        cr_assert_eq(a->id[i], b->id[i]);
        cr_assert_eq(a->t[i], b->t[i]);
    }
    free(a);
    free(b);
}
