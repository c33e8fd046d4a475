/* sim: event pool + 4-ary min-heap keyed by (time, seq), and the run loop.
 *
 * Cancelling leaves the heap entry where it is, as a tombstone: an entry
 * is live iff its gen is its slot's gen (a slot's gen moves on when it
 * fires or is cancelled), and the
 * run loop drops dead entries when they reach the top. So moving an
 * entry in the heap never writes to the pool (a cache miss per level in
 * a large heap); when tombstones outnumber the live entries the heap is
 * rebuilt without them. The order events run in is the total order
 * (t, seq) whatever the heap's shape, so none of this can reach a trace.
 *
 * Invariants:
 * - heap[i] holds (t, seq, slot, gen); a queued slot has exactly one
 *   live entry, and ndead counts the others.
 * - seq increases at every insertion, so (t, seq) is a total order and
 *   equal times run in schedule order (as libuv's timers do).
 * - A slot's gen is bumped when it fires or is cancelled, so stale
 *   handles never match (STYLE.md 4). Generation 0 is never used.
 * - now only moves forward, and only here. */
#include "sim/sim.h"

#include <assert.h>
#include <stdlib.h>

#define NO_SLOT UINT32_MAX     /* the end of the free list */

typedef struct hent {
    int64_t t;
    uint64_t seq;
    uint32_t slot, gen;
} hent;

typedef struct pent {
    sim_fn fn;
    void *ctx;
    uint64_t arg;
    int64_t t;         /* when it fires, while queued */
    uint32_t gen;
    uint32_t next_free;
} pent;

struct sim {
    int64_t now;
    uint64_t seq;
    uint64_t events_run;
    hent *heap;
    size_t n, cap;
    size_t ndead;      /* tombstones among the n entries */
    pent *pool;
    uint32_t npool, free_head;
    bool halted;
    const sim_observer *obs;
};

static void *grow(void *p, size_t elem, size_t *cap, size_t need)
{
    if (need <= *cap)
        return p;
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    p = realloc(p, c * elem);
    if (!p) {
        abort(); /* out of memory: the engine does no I/O */
    }
    *cap = c;
    return p;
}

sim *sim_new(void)
{
    sim *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->free_head = NO_SLOT;
    return s;
}

void sim_free(sim *s)
{
    if (!s)
        return;
    free(s->heap);
    free(s->pool);
    free(s);
}

int64_t sim_now(const sim *s) { return s->now; }
size_t sim_queued(const sim *s) { return s->n - s->ndead; }
uint64_t sim_events_run(const sim *s) { return s->events_run; }

static inline bool before(const hent *a, const hent *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void sift_up(sim *s, size_t i, hent e)
{
    while (i > 0) {
        size_t p = (i - 1) / 4;
        if (!before(&e, &s->heap[p]))
            break;
        s->heap[i] = s->heap[p];
        i = p;
    }
    s->heap[i] = e;
}

static void sift_down(sim *s, size_t i, hent e)
{
    for (;;) {
        size_t c = 4 * i + 1;
        if (c >= s->n)
            break;
        size_t end = c + 4 < s->n ? c + 4 : s->n, best = c;
        for (size_t k = c + 1; k < end; k++)
            if (before(&s->heap[k], &s->heap[best]))
                best = k;
        if (!before(&s->heap[best], &e))
            break;
        s->heap[i] = s->heap[best];
        i = best;
    }
    s->heap[i] = e;
}

/* Removes the top entry, keeping the heap property. */
static void heap_pop(sim *s)
{
    hent last = s->heap[--s->n];
    if (s->n)
        sift_down(s, 0, last);
}

static uint32_t slot_alloc(sim *s)
{
    if (s->free_head == NO_SLOT) {
        uint32_t c = s->npool, nc = c ? c * 2 : 64;
        s->pool = realloc(s->pool, (size_t)nc * sizeof(pent));
        if (!s->pool)
            abort();
        for (uint32_t k = c; k < nc; k++) {
            s->pool[k].gen = 1;
            s->pool[k].next_free = k + 1 < nc ? k + 1 : NO_SLOT;
        }
        s->free_head = c;
        s->npool = nc;
    }
    uint32_t k = s->free_head;
    s->free_head = s->pool[k].next_free;
    return k;
}

static void slot_release(sim *s, uint32_t k)
{
    pent *p = &s->pool[k];
    p->gen = p->gen + 1 ? p->gen + 1 : 1;
    p->next_free = s->free_head;
    s->free_head = k;
}

sim_timer sim_at(sim *s, int64_t t, sim_fn fn, void *ctx, uint64_t arg)
{
    assert(t >= s->now && "scheduling in the past");
    uint32_t k = slot_alloc(s);
    pent *p = &s->pool[k];
    p->fn = fn;
    p->ctx = ctx;
    p->arg = arg;
    p->t = t;
    s->heap = grow(s->heap, sizeof(hent), &s->cap, s->n + 1);
    hent e = {t, s->seq++, k, p->gen};
    s->n++;
    sift_up(s, s->n - 1, e);
    sim_timer h = {k, p->gen};
    return h;
}

sim_timer sim_after(sim *s, int64_t dt, sim_fn fn, void *ctx, uint64_t arg)
{
    assert(dt >= 0);
    return sim_at(s, s->now + dt, fn, ctx, arg);
}

static const pent *live(const sim *s, sim_timer t)
{
    if (t.gen == 0 || t.slot >= s->npool)
        return NULL;
    const pent *p = &s->pool[t.slot];
    return p->gen == t.gen ? p : NULL;  /* fired or cancelled: gen moved on */
}

bool sim_pending(const sim *s, sim_timer t) { return live(s, t) != NULL; }

int64_t sim_due(const sim *s, sim_timer t)
{
    const pent *p = live(s, t);
    return p ? p->t : -1;
}

static bool entry_live(const sim *s, const hent *e)
{
    return s->pool[e->slot].gen == e->gen;
}

/* Rebuilds the heap from its live entries (Floyd's heapify). */
static void drop_dead(sim *s)
{
    size_t j = 0;
    for (size_t i = 0; i < s->n; i++)
        if (entry_live(s, &s->heap[i]))
            s->heap[j++] = s->heap[i];
    s->n = j;
    s->ndead = 0;
    for (size_t i = j > 1 ? (j - 2) / 4 + 1 : 0; i-- > 0;)  /* the parents */
        sift_down(s, i, s->heap[i]);
}

/* Pops the dead entries off the top, so that heap[0] (if any) is live. */
static void skim(sim *s)
{
    while (s->n && !entry_live(s, &s->heap[0])) {
        heap_pop(s);
        s->ndead--;
    }
}

bool sim_cancel(sim *s, sim_timer t)
{
    const pent *p = live(s, t);
    if (!p)
        return false;
    slot_release(s, t.slot);
    s->ndead++;
    if (s->ndead > 64 && 2 * s->ndead > s->n)
        drop_dead(s);
    return true;
}

void sim_halt(sim *s) { s->halted = true; }

sim_stop sim_run(sim *s, int64_t until, uint64_t budget)
{
    uint64_t ran = 0;
    s->halted = false;
    for (;;) {
        skim(s);
        if (s->n == 0) {
            if (until > s->now && until != INT64_MAX)
                s->now = until;
            return SIM_EMPTY;
        }
        if (s->heap[0].t > until) {
            if (until > s->now)
                s->now = until;
            return SIM_UNTIL;
        }
        if (budget && ran == budget)
            return SIM_BUDGET;
        hent top = s->heap[0];
        heap_pop(s);
        pent p = s->pool[top.slot];
        slot_release(s, top.slot);
        s->now = top.t;
        ran++;
        s->events_run++;
        p.fn(s, p.ctx, p.arg);
        if (s->halted)
            return SIM_HALTED;
    }
}

void sim_set_observer(sim *s, const sim_observer *obs) { s->obs = obs; }

void sim_emit(sim *s, sim_obs_event *ev)
{
    ev->t = s->now;
    if (s->obs)
        s->obs->emit(s->obs->ctx, ev);
}
