/* dist_tick: failure detection by net_ticktime (net_kernel ticker + dist_util:con_loop/send_tick):
 * every node ticks each T/4 at its own phase; at a tick, a connection
 * that read nothing since 4 ticks ago is "not responding"; a node that
 * wrote nothing during a tick interval sends a tick. While traffic flows
 * nothing is simulated per tick. When the flow from Y to X stops (Y
 * freezes, the link Y->X is cut) X computes the last arrival `a` from Y
 * (real packets, in flight ones included, or Y's last tick, sent only if
 * Y wrote nothing in that tick interval) and arms one watchdog at the
 * first X tick after `a`, plus T: the instant a per-tick model detects
 * it, so detection lands in (0.75T, 1.25T] after the silence began. An
 * arrival after `a` (a held packet after a heal, Y's first tick after a
 * resume, at TCP's retransmission time) disarms it.
 */
#include "core/dist/dist_int.h"

#include <stdio.h>
#include <string.h>

/* ---- ticks ---- */

static int64_t tick_period(const world *w, int k)
{
    int64_t p = w->nodes[k].cfg.net_ticktime / 4;
    return p > 0 ? p : 1;
}

/* Index of the tick interval (phase + (i-1)P, phase + iP] holding t. */
static int64_t interval_of(const world *w, int k, int64_t t)
{
    int64_t P = tick_period(w, k), ph = w->nodes[k].dn->phase;
    int64_t x = t - ph;
    if (x <= 0)
        return -((-x) / P);
    return (x + P - 1) / P;
}

static int64_t tick_time(const world *w, int k, int64_t i)
{
    return w->nodes[k].dn->phase + i * tick_period(w, k);
}

/* Records that x wrote to y now (for need_to_tick). */
void dist__note_write(world *w, int x, int y)
{
    peer *p = pr(w, x, y);
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
    const peer *p = pr_find(w, x, y);
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
    peer *p = pr(w, x, y);
    if (p->silence_a >= 0)
        return;  /* already silent: the earlier computation stands */
    int64_t j = interval_of(w, x, a);
    int64_t tj = tick_time(w, x, j);
    if (tj <= a)
        tj = tick_time(w, x, j + 1);
    int64_t d = tj + 4 * tick_period(w, x);
    int64_t now = sim_now(w->s);
    while (d <= now)
        d += tick_period(w, x);
    p->silence_a = a;
    p->watchdog = sim_at(w->s, d, on_watchdog, w, pair_arg(x, y));
}

void dist__disarm(world *w, peer *p)
{
    sim_cancel(w->s, p->watchdog);
    sim_cancel(w->s, p->virt);
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
    peer *p = pr_find(w, x, y), *q = pr_find(w, y, x);
    if (!p || p->st != C_UP || !q || q->st != C_UP || q->id != p->id)
        return;
    int64_t now = sim_now(w->s), lat = net_sample(w->net, y, x);
    int64_t a = p->last_rx;
    if (cut) {
        int64_t t = last_tick_arrival(w, x, y, now - lat, lat);
        if (t > a)
            a = t;
    } else {
        int64_t due = net_last_due(w->net, y, x, p->id);
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
void dist__arrival(world *w, int x, int y)
{
    peer *p = pr_find(w, x, y);
    if (!p || p->st != C_UP)
        return;
    int64_t now = sim_now(w->s);
    p->last_rx = now;
    if (p->silence_a >= 0 && now > p->silence_a) {
        dist__disarm(w, p);
        /* Still cut or frozen: silence starts again from this arrival. */
        if (w->nodes[y].state == NODE_FROZEN || net_is_cut(w->net, y, x))
            arm_watchdog(w, x, y, now);
    }
}

static void expect_virtual_arrival(world *w, int x, int y, int64_t t)
{
    peer *p = pr(w, x, y);
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
    peer *p = pr_find(w, x, y), *q = pr_find(w, y, x);
    if (!p || !q || q->st != C_UP || q->id != p->id ||
        w->nodes[y].state != NODE_UP || net_is_cut(w->net, y, x))
        return;
    p->virt = (sim_timer){0, 0};
    dist__arrival(w, x, y);
}

static void on_watchdog(sim *s, void *ctx, uint64_t arg)
{
    (void)s;
    world *w = ctx;
    int x = (int)(arg >> 32), y = (int)(uint32_t)arg;
    peer *p = pr(w, x, y);
    p->watchdog = (sim_timer){0, 0};
    if (p->st != C_UP)
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

void dist_node_booted(world *w, int x)
{
    dist_node *d = dn(w, x);
    rng *r = &w->nodes[x].r;
    d->phase = (int64_t)rng_below(r, (uint64_t)tick_period(w, x));
}

void dist_node_frozen(world *w, int y)
{
    for (int x = 0; x < w->n; x++)
        if (x != y && !net_is_cut(w->net, y, x))
            silence_begins(w, x, y, false);
}

void dist_node_resumed(world *w, int y)
{
    dist_node *d = dn(w, y);
    int64_t now = sim_now(w->s);
    /* Its ticker runs again: peers get its next tick; its own watchdogs
     * restart from what it reads now. */
    for (int x = 0; x < w->n; x++) {
        peer *q = d->peers[x];
        if (!q || q->st != C_UP)
            continue;
        peer *p = pr_find(w, x, y);
        if (p && p->st == C_UP && p->id == q->id && !net_is_cut(w->net, y, x)) {
            int64_t i = interval_of(w, y, now);
            int64_t t = tick_time(w, y, i);
            if (t < now)
                t = tick_time(w, y, i + 1);
            expect_virtual_arrival(w, x, y, t + net_sample(w->net, y, x));
        }
        dist__disarm(w, q);
        q->last_rx = now;
        if (net_is_cut(w->net, x, y))
            arm_watchdog(w, y, x, now);
    }
    dist__resume_timers(w, y);
    /* What the kernel buffered, in arrival order. */
    uint32_t n = d->nfrozen;
    packet **pks = d->frozen;
    int *from = d->frozen_from;
    d->frozen = NULL;
    d->frozen_from = NULL;
    d->nfrozen = d->capfrozen = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (w->nodes[y].state == NODE_UP)
            dist__deliver_now(w, y, from[i], pks[i]);
        else
            pk_free(pks[i]);
    }
    free(pks);
    free(from);
}

void dist_link_cut(world *w, int from, int to)
{
    if (w->nodes[from].state == NODE_UP)
        silence_begins(w, to, from, true);
}

void dist_link_healed(world *w, int from, int to, int64_t cut_at)
{
    peer *p = pr_find(w, to, from), *q = pr_find(w, from, to);
    if (!p || !q || p->st != C_UP || q->st != C_UP || p->id != q->id ||
        w->nodes[from].state != NODE_UP)
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
