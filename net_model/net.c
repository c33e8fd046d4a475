/* net: directed links with latency, TCP-like loss and FIFO, cuts that
 * hold traffic, and resets that drop it (see net.h for the model).
 *
 * A link carries flows (one per TCP connection, named by the caller);
 * each flow keeps its payloads in a FIFO queue. Because delivery is FIFO
 * within a flow, only a flow's head needs a pending engine event, so a
 * busy connection costs one event at a time however many payloads it
 * carries, and a new connection never waits behind an old one's
 * retransmissions.
 * Invariants:
 * - a flow's entries are in send order and their `due` times never
 *   decrease;
 * - a flow has a pending event iff its link is not cut and its queue is
 *   not empty, and that event is for the head's due time;
 * - flows are kept in creation order and removed when empty;
 * - links are found through a dense from * nnodes + to index when the
 *   world is small enough (DENSE_MAX nodes: one uint32 per pair), else
 *   an open-addressing table keyed by (from, to); either is only ever
 *   probed, never iterated (DETERMINISM). */
#include "net_model/net.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define RTO_MIN 200000       /* 200 ms, Linux's TCP_RTO_MIN */
#define RTO_MAX 60000000     /* 60 s: retransmissions back off to this */
/* Up to this many nodes the links are indexed densely (16 MiB at most,
 * touched only where links exist): a 1,000-node mesh has 10^6 links, and
 * a hash probe into them was a cache miss per packet. */
#define DENSE_MAX 2048

typedef struct pkt {
    struct pkt *next;
    void *payload;
    int64_t sent, due;
} pkt;

typedef struct flow {
    uint64_t id;
    pkt *head, *tail;
    uint64_t nq;
    sim_timer ev;
} flow;

typedef struct link {
    int from, to;
    bool has_lat, cut;
    int64_t cut_at;
    lat_dist lat;
    flow *flows;
    uint32_t nflows, capflows;
} link;

typedef struct nodecfg {
    lat_dist lat;
    double loss;
} nodecfg;

struct net {
    sim *s;
    int nnodes;
    net_handlers h;
    rng r;
    nodecfg *nodes;
    link *links;
    uint32_t nlinks, caplinks;
    uint32_t *table;     /* link index + 1, 0 = empty */
    uint32_t tcap;       /* power of two */
    uint32_t *dense;     /* or by from * nnodes + to: link index + 1 */
    pkt *free_pkts;
};

static void *xre(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p && n)
        abort();
    return p;
}

net *net_new(sim *s, int nnodes, uint64_t seed, net_handlers h)
{
    net *n = calloc(1, sizeof *n);
    if (!n)
        abort();
    n->s = s;
    n->nnodes = nnodes;
    n->h = h;
    n->r = rng_stream(seed, "net", 0);
    n->nodes = xre(NULL, (size_t)(nnodes > 0 ? nnodes : 1) * sizeof *n->nodes);
    for (int i = 0; i < nnodes; i++) {
        n->nodes[i].lat = lat_constant(1000);
        n->nodes[i].loss = 0.0;
    }
    if (nnodes <= DENSE_MAX) {
        n->dense = calloc((size_t)nnodes * (size_t)nnodes + 1, sizeof *n->dense);
        if (!n->dense)
            abort();
        return n;
    }
    n->tcap = 64;
    n->table = calloc(n->tcap, sizeof *n->table);
    if (!n->table)
        abort();
    return n;
}

static void drop_flow(net *n, link *l, flow *f)
{
    sim_cancel(n->s, f->ev);
    f->ev = (sim_timer){0, 0};
    while (f->head) {
        pkt *p = f->head;
        f->head = p->next;
        n->h.drop(n->h.ctx, l->from, l->to, p->payload);
        p->next = n->free_pkts;
        n->free_pkts = p;
    }
    f->tail = NULL;
    f->nq = 0;
}

void net_free(net *n)
{
    if (!n)
        return;
    for (uint32_t i = 0; i < n->nlinks; i++) {
        link *l = &n->links[i];
        for (uint32_t k = 0; k < l->nflows; k++)
            drop_flow(n, l, &l->flows[k]);
        free(l->flows);
    }
    while (n->free_pkts) {
        pkt *p = n->free_pkts;
        n->free_pkts = p->next;
        free(p);
    }
    free(n->links);
    free(n->table);
    free(n->dense);
    free(n->nodes);
    free(n);
}

static uint32_t hash_pair(int from, int to)
{
    uint64_t k = ((uint64_t)(uint32_t)from << 32) | (uint32_t)to;
    return (uint32_t)(rng_mix64(k) >> 32);
}

static link *find(const net *n, int from, int to)
{
    if (n->dense) {
        uint32_t v = n->dense[(size_t)from * (size_t)n->nnodes + (size_t)to];
        return v ? &n->links[v - 1] : NULL;
    }
    uint32_t mask = n->tcap - 1;
    for (uint32_t i = hash_pair(from, to) & mask;; i = (i + 1) & mask) {
        uint32_t v = n->table[i];
        if (!v)
            return NULL;
        link *l = &n->links[v - 1];
        if (l->from == from && l->to == to)
            return l;
    }
}

static void table_put(net *n, uint32_t idx)
{
    if (n->dense) {
        const link *l = &n->links[idx];
        n->dense[(size_t)l->from * (size_t)n->nnodes + (size_t)l->to] = idx + 1;
        return;
    }
    uint32_t mask = n->tcap - 1;
    uint32_t i = hash_pair(n->links[idx].from, n->links[idx].to) & mask;
    while (n->table[i])
        i = (i + 1) & mask;
    n->table[i] = idx + 1;
}

/* Returns the link from -> to, creating it. Pointers into links move
 * when it grows: callers re-fetch after any call that may create. */
static link *get(net *n, int from, int to)
{
    assert(from >= 0 && from < n->nnodes && to >= 0 && to < n->nnodes);
    link *l = find(n, from, to);
    if (l)
        return l;
    if (n->nlinks == n->caplinks) {
        n->caplinks = n->caplinks ? 2 * n->caplinks : 16;
        n->links = xre(n->links, n->caplinks * sizeof *n->links);
    }
    if (!n->dense && 2 * (n->nlinks + 1) > n->tcap) {
        n->tcap *= 2;
        free(n->table);
        n->table = calloc(n->tcap, sizeof *n->table);
        if (!n->table)
            abort();
        for (uint32_t i = 0; i < n->nlinks; i++)
            table_put(n, i);
    }
    l = &n->links[n->nlinks];
    memset(l, 0, sizeof *l);
    l->from = from;
    l->to = to;
    table_put(n, n->nlinks++);
    return l;
}

void net_set_node(net *n, int node, lat_dist latency, double loss)
{
    assert(node >= 0 && node < n->nnodes);
    n->nodes[node].lat = latency;
    n->nodes[node].loss = loss;
}

void net_set_latency(net *n, int from, int to, lat_dist latency)
{
    link *l = get(n, from, to);
    l->has_lat = true;
    l->lat = latency;
}

static int64_t sample(net *n, const link *l)
{
    const lat_dist *d = l->has_lat ? &l->lat : &n->nodes[l->from].lat;
    return lat_sample(d, &n->r);
}

static void on_due(sim *s, void *ctx, uint64_t arg);

static void arm(net *n, link *l, uint32_t k)
{
    flow *f = &l->flows[k];
    if (!l->cut && f->head && !sim_pending(n->s, f->ev))
        f->ev = sim_at(n->s, f->head->due, on_due, n,
                       ((uint64_t)(l - n->links) << 32) | k);
}

static flow *get_flow(link *l, uint64_t id, uint32_t *k)
{
    for (uint32_t i = 0; i < l->nflows; i++)
        if (l->flows[i].id == id) {
            *k = i;
            return &l->flows[i];
        }
    if (l->nflows == l->capflows) {
        l->capflows = l->capflows ? 2 * l->capflows : 2;
        l->flows = xre(l->flows, l->capflows * sizeof *l->flows);
    }
    flow *f = &l->flows[l->nflows];
    memset(f, 0, sizeof *f);
    f->id = id;
    *k = l->nflows++;
    return f;
}

/* Removes empty flows, keeping the others' order; re-arms the moved
 * ones, since their events name their slot. */
static void compact(net *n, link *l)
{
    uint32_t j = 0;
    for (uint32_t i = 0; i < l->nflows; i++) {
        if (!l->flows[i].head)
            continue;
        if (i != j) {
            bool armed = sim_cancel(n->s, l->flows[i].ev);
            l->flows[j] = l->flows[i];
            l->flows[j].ev = (sim_timer){0, 0};
            if (armed)
                arm(n, l, j);
        }
        j++;
    }
    l->nflows = j;
}

static void on_due(sim *s, void *ctx, uint64_t arg)
{
    net *n = ctx;
    (void)s;
    link *l = &n->links[arg >> 32];
    uint32_t k = (uint32_t)arg;
    flow *f = &l->flows[k];
    pkt *p = f->head;
    f->head = p->next;
    if (!f->head)
        f->tail = NULL;
    f->nq--;
    f->ev = (sim_timer){0, 0};
    int from = l->from, to = l->to;
    void *payload = p->payload;
    p->next = n->free_pkts;
    n->free_pkts = p;
    /* Arm the next one before delivering: the handler may send on this
     * very flow, and must find the invariant intact. */
    if (f->head)
        arm(n, l, k);
    else
        compact(n, l);
    n->h.deliver(n->h.ctx, from, to, payload);
}

void net_send(net *n, int from, int to, uint64_t flow_id, void *payload)
{
    assert(from != to);
    link *l = get(n, from, to);
    int64_t now = sim_now(n->s);
    pkt *p = n->free_pkts;
    if (p)
        n->free_pkts = p->next;
    else if (!(p = malloc(sizeof *p)))
        abort();
    p->next = NULL;
    p->payload = payload;
    p->sent = now;
    p->due = now;
    uint32_t k;
    flow *f = get_flow(l, flow_id, &k);
    if (!l->cut) {
        /* TCP loss: each lost transmission costs one RTO, doubling. */
        int64_t extra = 0, rto = RTO_MIN;
        double loss = n->nodes[from].loss;
        while (loss > 0.0 && rng_unit(&n->r) < loss) {
            extra += rto;
            if (rto < RTO_MAX)
                rto *= 2;
        }
        p->due = now + extra + sample(n, l);
        if (f->tail && p->due < f->tail->due)
            p->due = f->tail->due;  /* FIFO */
    }
    if (f->tail)
        f->tail->next = p;
    else
        f->head = p;
    f->tail = p;
    f->nq++;
    arm(n, l, k);
}

void net_cut(net *n, int from, int to)
{
    link *l = get(n, from, to);
    if (l->cut)
        return;
    l->cut = true;
    l->cut_at = sim_now(n->s);
    for (uint32_t k = 0; k < l->nflows; k++) {
        sim_cancel(n->s, l->flows[k].ev);
        l->flows[k].ev = (sim_timer){0, 0};
    }
}

/* First retransmission of a packet sent at `sent` at or after `now`:
 * retransmits happen at sent + RTO_MIN * (2^k - 1), RTO capped. */
static int64_t next_retransmit(int64_t sent, int64_t now)
{
    int64_t t = sent, rto = RTO_MIN;
    while (t < now) {
        t += rto;
        if (rto < RTO_MAX)
            rto *= 2;
    }
    return t;
}

void net_heal(net *n, int from, int to)
{
    link *l = find(n, from, to);
    if (!l || !l->cut)
        return;
    l->cut = false;
    int64_t now = sim_now(n->s);
    for (uint32_t k = 0; k < l->nflows; k++) {
        int64_t prev = now;
        for (pkt *p = l->flows[k].head; p; p = p->next) {
            p->due = next_retransmit(p->sent, now) + sample(n, l);
            if (p->due < prev)
                p->due = prev;
            prev = p->due;
        }
        arm(n, l, k);
    }
}

static int cmp_link(const void *a, const void *b)
{
    const link *x = *(link *const *)a, *y = *(link *const *)b;
    if (x->from != y->from)
        return x->from < y->from ? -1 : 1;
    return x->to < y->to ? -1 : x->to > y->to;
}

void net_heal_all(net *n)
{
    /* DETERMINISM: heal in (from, to) order, so rng draws are stable. */
    link **cut = xre(NULL, (n->nlinks + 1) * sizeof *cut);
    uint32_t k = 0;
    for (uint32_t i = 0; i < n->nlinks; i++)
        if (n->links[i].cut)
            cut[k++] = &n->links[i];
    qsort(cut, k, sizeof *cut, cmp_link);
    for (uint32_t i = 0; i < k; i++)
        net_heal(n, cut[i]->from, cut[i]->to);
    free(cut);
}

int64_t net_cut_since(const net *n, int from, int to)
{
    const link *l = find(n, from, to);
    return l && l->cut ? l->cut_at : -1;
}

bool net_is_cut(const net *n, int from, int to)
{
    const link *l = find(n, from, to);
    return l && l->cut;
}

void net_drop_held(net *n, int from, int to, uint64_t flow_id)
{
    link *l = find(n, from, to);
    if (!l || !l->cut)
        return;
    for (uint32_t k = 0; k < l->nflows; k++)
        if (l->flows[k].id == flow_id) {
            drop_flow(n, l, &l->flows[k]);
            compact(n, l);
            return;
        }
}

uint64_t net_inflight(const net *n, int from, int to)
{
    const link *l = find(n, from, to);
    uint64_t q = 0;
    for (uint32_t k = 0; l && k < l->nflows; k++)
        q += l->flows[k].nq;
    return q;
}

int64_t net_last_due(const net *n, int from, int to, uint64_t flow_id)
{
    const link *l = find(n, from, to);
    if (!l || l->cut)
        return -1;
    for (uint32_t k = 0; k < l->nflows; k++)
        if (l->flows[k].id == flow_id && l->flows[k].tail)
            return l->flows[k].tail->due;
    return -1;
}

int64_t net_sample(net *n, int from, int to)
{
    const link *l = find(n, from, to);
    const lat_dist *d = l && l->has_lat ? &l->lat : &n->nodes[from].lat;
    return lat_sample(d, &n->r);
}

int64_t net_arrival_after_heal(net *n, int from, int to, int64_t sent)
{
    return next_retransmit(sent, sim_now(n->s)) + net_sample(n, from, to);
}
