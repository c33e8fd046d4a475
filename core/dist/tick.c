/* tick: failure detection by net_ticktime (net_kernel's ticker and
 * dist_util:con_loop/send_tick): every node ticks each T/4 at its own
 * phase; at a tick, a connection that read nothing since 4 ticks ago is
 * "not responding"; a node that wrote nothing during a tick interval
 * sends a tick. While traffic flows nothing is simulated per tick. When
 * the flow from Y to X stops (Y freezes, the link Y->X is cut) X computes
 * the last arrival `a` from Y (real packets, in flight ones included, or
 * Y's last tick, sent only if Y wrote nothing in that tick interval) and
 * arms one watchdog at the first X tick after `a`, plus T: the instant a
 * per-tick model detects it, so detection lands in (0.75T, 1.25T] after
 * the silence began. An arrival after `a` (a held packet after a heal,
 * Y's first tick after a resume, at TCP's retransmission time) disarms
 * it.
 *
 * This file owns the detection state of each node's view of each peer;
 * it learns of connections from conn.c (writes, arrivals, up, down) and
 * asks it through dist__conn_up/dist__conn_id, never touching the
 * connection itself. */
#include "core/dist/dist_int.h"
#include "core/term/imap.h"

#include <stdio.h>
#include <string.h>

/* What x knows of the traffic on its connection to y. */
typedef struct tick_peer {
    int64_t last_rx;       /* last arrival from the peer */
    int64_t silence_a;     /* the watchdog's last arrival; -1 when unarmed */
    sim_timer watchdog;
    sim_timer virt;        /* an expected virtual tick arrival */
    /* need_to_tick: intervals (of our own ticker) in which we wrote */
    uint64_t wmask;
    int64_t wbase;         /* interval index of bit 0 */
} tick_peer;

struct tick_node {
    int64_t phase;         /* ticker phase in [0, T/4) */
    imap peers;            /* by node index, the peers met so far */
    /* net_kernel:set_net_ticktime: the ticktime in force (0: the
     * config's), and during a transition the one it changes to, the
     * transition's minimum traffic interval and its end */
    int64_t ticktime, change_to, mtti;
    sim_timer transition;
};

static tick_node *tn(const world *w, int k) { return &w->dist->tick[k]; }

static tick_peer *pr(world *w, int x, int y)
{
    void **s = imap_slot(&tn(w, x)->peers, y);
    if (!*s) {
        tick_peer *p = xcalloc(1, sizeof *p);
        p->silence_a = -1;
        *s = p;
    }
    return *s;
}

static tick_peer *pr_find(const world *w, int x, int y)
{
    return imap_find(&tn(w, x)->peers, y);
}

void dist__tick_init(world *w)
{
    w->dist->tick = xcalloc((size_t)w->n, sizeof *w->dist->tick);
}

void dist__tick_fini(world *w)
{
    for (int k = 0; k < w->n; k++) {
        imap *m = &tn(w, k)->peers;
        for (uint32_t i = 0; i < m->n; i++)
            free(imap_find(m, m->keys[i]));
        imap_fini(m);
    }
    free(w->dist->tick);
}

/* Both ends' views of the connection between x and y are up, and are one
 * connection. */
static bool up_both(const world *w, int x, int y)
{
    return dist__conn_up(w, x, y) && dist__conn_up(w, y, x) &&
           dist__conn_id(w, x, y) == dist__conn_id(w, y, x);
}

/* ---- ticks ---- */

/* The net_ticktime in force on k, in microseconds. */
static int64_t ticktime(const world *w, int k)
{
    const tick_node *d = &w->dist->tick[k];
    return d->ticktime ? d->ticktime : w->nodes[k].cfg.net_ticktime;
}

/* The ticker's period: T/4, or during a transition its minimum traffic
 * interval (net_kernel.erl: MTTI, min(T, PreviousT)/4). */
static int64_t tick_period(const world *w, int k)
{
    const tick_node *d = &w->dist->tick[k];
    int64_t p = d->change_to ? d->mtti : ticktime(w, k) / 4;
    return p > 0 ? p : 1;
}

/* Index of the tick interval (phase + (i-1)P, phase + iP] holding t. */
static int64_t interval_of(const world *w, int k, int64_t t)
{
    int64_t P = tick_period(w, k), ph = tn(w, k)->phase;
    int64_t x = t - ph;
    if (x <= 0)
        return -((-x) / P);
    return (x + P - 1) / P;
}

static int64_t tick_time(const world *w, int k, int64_t i)
{
    return tn(w, k)->phase + i * tick_period(w, k);
}

void dist__tick_wrote(world *w, int x, int y)
{
    tick_peer *p = pr(w, x, y);
    int64_t i = interval_of(w, x, sim_now(w->s));
    if (i - p->wbase >= 64 || p->wbase == 0) {
        int64_t shift = i - 63 - p->wbase;
        if (p->wbase == 0 || shift >= 64)
            p->wmask = 0;
        else if (shift > 0)
            p->wmask >>= shift;
        if (p->wbase == 0 || shift > 0)
            p->wbase = i - 63;
    }
    if (i >= p->wbase)
        p->wmask |= (uint64_t)1 << (i - p->wbase);
}

static bool wrote_in(const world *w, int x, int y, int64_t i)
{
    const tick_peer *p = pr_find(w, x, y);
    if (!p || i < p->wbase || i - p->wbase >= 64)
        return false;
    return (p->wmask >> (i - p->wbase)) & 1;
}

static void on_watchdog(sim *s, void *ctx, uint64_t arg);
static void on_virtual_arrival(sim *s, void *ctx, uint64_t arg);

/* Arms x's watchdog on y from last arrival a: first x tick after a,
 * plus T (dist_util:send_tick: 4 ticks without a read). */
static void arm_watchdog(world *w, int x, int y, int64_t a)
{
    tick_peer *p = pr(w, x, y);
    if (p->silence_a >= 0)
        return;  /* already silent: the earlier computation stands */
    int64_t j = interval_of(w, x, a);
    int64_t tj = tick_time(w, x, j);
    if (tj <= a)
        tj = tick_time(w, x, j + 1);
    int64_t d = tj + (tn(w, x)->change_to ? ticktime(w, x) : 4 * tick_period(w, x));
    int64_t now = sim_now(w->s);
    while (d <= now)
        d += tick_period(w, x);
    p->silence_a = a;
    p->watchdog = sim_at(w->s, d, on_watchdog, w, pair_arg(x, y));
}

static void disarm(world *w, tick_peer *p)
{
    sim_cancel(w->s, p->watchdog);
    sim_cancel(w->s, p->virt);
    p->silence_a = -1;
}

void dist__tick_disarm(world *w, int x, int y)
{
    disarm(w, pr(w, x, y));
}

void dist__tick_forget(world *w, int x, int y)
{
    tick_peer *p = pr_find(w, x, y);
    if (!p)
        return;
    disarm(w, p);
    p->wmask = 0;
    p->wbase = 0;
}

void dist__tick_up(world *w, int x, int y)
{
    tick_peer *p = pr(w, x, y);
    p->last_rx = sim_now(w->s);
    p->silence_a = -1;
}

/* The last moment y's last tick before `cutoff` could arrive at x:
 * y's tick at the last tick time K <= cutoff, sent only if y wrote
 * nothing to x in the interval ending at K. Returns -1 if not sent. */
static int64_t last_tick_arrival(world *w, int x, int y, int64_t cutoff,
                                 int64_t lat)
{
    int64_t i = interval_of(w, y, cutoff);
    int64_t K = tick_time(w, y, i);
    if (K > cutoff)
        K = tick_time(w, y, --i);
    if (wrote_in(w, y, x, i))
        return -1;
    return K + lat;
}

/* The flow y -> x just stopped (freeze of y, cut of y->x). */
static void silence_begins(world *w, int x, int y, bool cut)
{
    if (!up_both(w, x, y))
        return;
    tick_peer *p = pr(w, x, y);
    int64_t now = sim_now(w->s), lat = net_sample(w->net, y, x);
    int64_t a = p->last_rx;
    if (cut) {
        int64_t t = last_tick_arrival(w, x, y, now - lat, lat);
        if (t > a)
            a = t;
    } else {
        int64_t due = net_last_due(w->net, y, x, dist__conn_id(w, x, y));
        if (due > a)
            a = due;
        int64_t t = last_tick_arrival(w, x, y, now, lat);
        if (t > a)
            a = t;
    }
    sim_cancel(w->s, p->virt);
    arm_watchdog(w, x, y, a);
}

/* Something arrived from y at x (a packet, or a tick we model). */
void dist__tick_arrival(world *w, int x, int y)
{
    if (!dist__conn_up(w, x, y))
        return;
    tick_peer *p = pr(w, x, y);
    int64_t now = sim_now(w->s);
    p->last_rx = now;
    if (p->silence_a >= 0 && now > p->silence_a) {
        disarm(w, p);
        /* Still cut or frozen: silence starts again from this arrival. */
        if (w->nodes[y].state == NODE_FROZEN || net_is_cut(w->net, y, x))
            arm_watchdog(w, x, y, now);
    }
}

static void expect_virtual_arrival(world *w, int x, int y, int64_t t)
{
    tick_peer *p = pr(w, x, y);
    sim_cancel(w->s, p->virt);
    if (t < sim_now(w->s))
        t = sim_now(w->s);
    p->virt = sim_at(w->s, t, on_virtual_arrival, w, pair_arg(x, y));
}

static void on_virtual_arrival(sim *s, void *ctx, uint64_t arg)
{
    (void)s;
    world *w = ctx;
    int x = (int)(arg >> 32), y = (int)(uint32_t)arg;
    /* y's view must be up with the same id as x's (x's may be down) */
    if (!dist__conn_up(w, y, x) ||
        dist__conn_id(w, y, x) != dist__conn_id(w, x, y) ||
        w->nodes[y].state != NODE_UP || net_is_cut(w->net, y, x))
        return;
    pr(w, x, y)->virt = (sim_timer){0, 0};
    dist__tick_arrival(w, x, y);
}

static void on_watchdog(sim *s, void *ctx, uint64_t arg)
{
    (void)s;
    world *w = ctx;
    int x = (int)(arg >> 32), y = (int)(uint32_t)arg;
    tick_peer *p = pr(w, x, y);
    p->watchdog = (sim_timer){0, 0};
    if (!dist__conn_up(w, x, y))
        return;
    if (w->nodes[x].state != NODE_UP) {
        /* x's ticker is stopped too; it checks again when x runs */
        p->silence_a = -1;
        return;
    }
    char text[256];
    snprintf(text, sizeof text,
             "** Node %s not responding **\n** Removing (timedout) connection **",
             w->nodes[y].name);
    rt_log(w, x, "error", text);
    dist__teardown(w, x, y, "net_tick_timeout", true);
}

void dist__tick_booted(world *w, int x)
{
    rng *r = &w->nodes[x].r;
    tick_node *d = tn(w, x);
    sim_cancel(w->s, d->transition);
    d->ticktime = d->change_to = d->mtti = 0;
    tn(w, x)->phase = (int64_t)rng_below(r, (uint64_t)tick_period(w, x));
}

void dist__tick_frozen(world *w, int y)
{
    for (int x = 0; x < w->n; x++)
        if (x != y && !net_is_cut(w->net, y, x))
            silence_begins(w, x, y, false);
}

void dist__tick_resumed(world *w, int y)
{
    int64_t now = sim_now(w->s);
    /* Its ticker runs again: peers get its next tick; its own watchdogs
     * restart from what it reads now. */
    for (int x = 0; x < w->n; x++) {
        if (!dist__conn_up(w, y, x))
            continue;
        tick_peer *q = pr(w, y, x);
        if (up_both(w, x, y) && !net_is_cut(w->net, y, x)) {
            int64_t i = interval_of(w, y, now);
            int64_t t = tick_time(w, y, i);
            if (t < now)
                t = tick_time(w, y, i + 1);
            expect_virtual_arrival(w, x, y, t + net_sample(w->net, y, x));
        }
        disarm(w, q);
        q->last_rx = now;
        if (net_is_cut(w->net, x, y))
            arm_watchdog(w, y, x, now);
    }
}

void dist__tick_link_cut(world *w, int from, int to)
{
    if (w->nodes[from].state == NODE_UP)
        silence_begins(w, to, from, true);
}

void dist__tick_link_healed(world *w, int from, int to, int64_t cut_at)
{
    if (!up_both(w, to, from) || w->nodes[from].state != NODE_UP)
        return;
    /* The first thing `from` wrote after the cut (its next tick at the
     * latest) reaches `to` at TCP's next retransmission. */
    int64_t i = interval_of(w, from, cut_at);
    int64_t t = tick_time(w, from, i);
    if (t <= cut_at)
        t = tick_time(w, from, i + 1);
    if (t > sim_now(w->s))
        t = sim_now(w->s);
    expect_virtual_arrival(w, to, from, net_arrival_after_heal(w->net, from, to, t));
}

/* ---- net_kernel:set_net_ticktime/1,2 and get_net_ticktime/0 ---- */

static void transition_over(sim *s, void *ctx, uint64_t arg)
{
    (void)s;
    world *w = ctx;
    tick_node *d = tn(w, (int)arg);
    d->ticktime = d->change_to;   /* a shorter ticktime starts at the end */
    d->change_to = d->mtti = 0;
}

/* net_kernel.erl: a new ticktime T (s) with a transition of tp seconds:
 * "unchanged" when it is the one in force, {ongoing_change_to, T'}
 * during a transition, else change_initiated. The transition lasts the
 * fewest MTTIs (min(T, old)/4) that cover tp; during it ticks go out
 * every MTTI; a longer ticktime takes effect at its start, a shorter one
 * at its end. */
term *dist__set_ticktime(world *w, int x, int64_t t_s, int64_t tp_s)
{
    tick_node *d = tn(w, x);
    if (d->change_to)
        return term_tuplev(2, term_atom_s("ongoing_change_to"),
                           term_int(d->change_to / 1000000));
    int64_t old = ticktime(w, x), t = t_s * 1000000;
    if (t == old)
        return term_atom_s("unchanged");
    int64_t mtti_ms = (t < old ? t : old) / 1000 / 4;
    if (mtti_ms < 1)
        mtti_ms = 1;
    int64_t n = (tp_s * 1000 + mtti_ms - 1) / mtti_ms;
    int64_t period_us = n * mtti_ms * 1000;
    if (t > old)
        d->ticktime = t;
    d->change_to = t;
    d->mtti = mtti_ms * 1000;
    if (period_us == 0) {
        transition_over(w->s, w, (uint64_t)x);
        return term_atom_s("change_initiated");
    }
    d->transition = sim_after(w->s, period_us, transition_over, w, (uint64_t)x);
    return term_atom_s("change_initiated");
}

term *dist__get_ticktime(const world *w, int x)
{
    const tick_node *d = &w->dist->tick[x];
    if (d->change_to)
        return term_tuplev(2, term_atom_s("ongoing_change_to"),
                           term_int(d->change_to / 1000000));
    return term_int(ticktime(w, x) / 1000000);
}
