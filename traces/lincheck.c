/* lincheck: the linearizability checker of history.h.
 *
 * Per key (ascending), the key's operations become a doubly linked list
 * of entries in history order: a call entry for every operation kept (ok
 * ones, info writes and cas; fail ones and reads with no result are
 * dropped: they constrain nothing), a return entry for ok ones only, so
 * an info operation's return is at infinity. The search (Wing & Gong,
 * with Lowe's memoisation; Porcupine checker.go checkSingle, Knossos
 * wgl.clj) walks from the head: at a call entry whose operation the
 * model accepts in the current state, and whose (linearized set, new
 * state) was not seen before, it linearizes it (lifts its entries out of
 * the list, pushes it) and restarts from the head; at a return entry
 * (its call was not linearized, so it cannot be) it backtracks. The
 * history is linearizable as soon as every ok operation is linearized:
 * the open ones left may simply never have taken effect (Knossos's
 * rule for :info). Each new cache entry is one explored state; past the
 * budget the key is unknown.
 *
 * DETERMINISM: the cache is a hash set used for membership only; the
 * search order is the list's order, so verdicts, counts and windows are
 * the same on every machine. */
#include "traces/history.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/term/xalloc.h"

typedef struct entry {
    int op;                    /* index into the key's ops */
    bool call;
    int prev, next;            /* entries; -1 none; entry 0 is the head */
    int match;                 /* a call's return entry, or -1 */
} entry;

typedef struct kop {
    size_t h;                  /* index into history ops */
    hist_f f;
    bool ok;
    hist_val a, b;
} kop;

typedef struct cache {
    size_t words;
    uint64_t *bits;            /* states x words */
    hist_val *state;
    uint64_t *hash;            /* each state's hash_of */
    uint32_t *slots;           /* index + 1; 0 empty */
    size_t n, cap, nslots;
} cache;

static uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

/* The hash of a linearized set is the XOR of its operations' op_hash,
 * kept up to date as operations are linearized and undone, so a state
 * costs O(1) to hash however many operations the key has; equal hashes
 * still compare the whole set. */
static uint64_t op_hash(int op)
{
    return mix((uint64_t)op + UINT64_C(0x632be59bd9b4e019));
}

static uint64_t hash_of(uint64_t set_hash, hist_val s)
{
    return mix(set_hash ^ mix((uint64_t)s.v ^ (s.nil ? UINT64_C(0x9e3779b97f4a7c15) : 0)));
}

static bool same_val(hist_val x, hist_val y)
{
    return x.nil == y.nil && (x.nil || x.v == y.v);
}

/* Adds (b, s) to c, bh being b's set hash; false if it was there. */
static bool cache_add(cache *c, const uint64_t *b, uint64_t bh, hist_val s)
{
    if ((c->n + 1) * 2 > c->nslots) {
        size_t ns = c->nslots ? c->nslots * 2 : 1024;
        free(c->slots);
        c->slots = xcalloc(ns, sizeof *c->slots);
        c->nslots = ns;
        for (size_t i = 0; i < c->n; i++) {
            size_t j = (size_t)c->hash[i] & (ns - 1);
            while (c->slots[j])
                j = (j + 1) & (ns - 1);
            c->slots[j] = (uint32_t)(i + 1);
        }
    }
    size_t m = c->nslots - 1;
    uint64_t hv = hash_of(bh, s);
    size_t j = (size_t)hv & m;
    for (; c->slots[j]; j = (j + 1) & m) {
        size_t i = c->slots[j] - 1;
        if (c->hash[i] == hv && same_val(c->state[i], s)
            && !memcmp(c->bits + i * c->words, b, c->words * sizeof *b))
            return false;
    }
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 1024;
        c->bits = xrealloc(c->bits, c->cap * c->words * sizeof *c->bits);
        c->state = xrealloc(c->state, c->cap * sizeof *c->state);
        c->hash = xrealloc(c->hash, c->cap * sizeof *c->hash);
    }
    c->hash[c->n] = hv;
    memcpy(c->bits + c->n * c->words, b, c->words * sizeof *b);
    c->state[c->n] = s;
    c->slots[j] = (uint32_t)(++c->n);
    return true;
}

/* The model's step: whether op may take effect in state s, and the state
 * after. An ok cas needs s == old; an info cas whose old differs would
 * have failed without effect, which is the same as not taking effect. */
static bool step(const kop *op, hist_val s, hist_val *out)
{
    switch (op->f) {
    case HIST_READ:
        *out = s;
        return same_val(s, op->a);
    case HIST_WRITE:
        *out = op->a;
        return true;
    default:
        if (!same_val(s, op->a))
            return false;
        *out = op->b;
        return true;
    }
}

typedef struct frame {
    int entry;
    hist_val state;
} frame;

/* Checks one key's ops (nk of them). Returns the verdict; fills r's
 * window fields when not linearizable. */
static hist_verdict check_key(const history *h, const kop *ops, int nk, uint64_t budget,
                              hist_result *r)
{
    /* entries in history order: positions are the events' ordinals */
    int ne = 1;
    for (int i = 0; i < nk; i++)
        ne += ops[i].ok ? 2 : 1;
    entry *e = xcalloc((size_t)ne, sizeof *e);
    typedef struct { uint64_t pos; int op; bool call; } ev;
    ev *evs = xmalloc((size_t)ne * sizeof *evs);
    int k = 0;
    for (int i = 0; i < nk; i++) {
        const hist_op *o = &h->ops[ops[i].h];
        evs[k++] = (ev){o->call, i, true};
        if (ops[i].ok)
            evs[k++] = (ev){o->ret, i, false};
    }
    /* merge: calls are in call order already; sort all by position
     * (ordinals are unique, so no tie-break is needed) */
    for (int i = 1; i < k; i++) {   /* insertion sort on nearly sorted data */
        ev x = evs[i];
        int j = i - 1;
        while (j >= 0 && evs[j].pos > x.pos) {
            evs[j + 1] = evs[j];
            j--;
        }
        evs[j + 1] = x;
    }
    int *call_of = xmalloc((size_t)nk * sizeof *call_of);
    e[0] = (entry){.op = -1, .prev = -1, .next = k ? 1 : -1, .match = -1};
    for (int i = 0; i < k; i++) {
        entry *x = &e[i + 1];
        *x = (entry){.op = evs[i].op, .call = evs[i].call, .prev = i,
                     .next = i + 1 < k ? i + 2 : -1, .match = -1};
        if (x->call)
            call_of[x->op] = i + 1;
        else
            e[call_of[x->op]].match = i + 1;
    }
    free(evs);
    int nok = 0;
    for (int i = 0; i < nk; i++)
        nok += ops[i].ok;

    /* the cache's slots hold 32-bit indexes: a larger budget would not
     * fit in memory anyway */
    if (budget > UINT32_MAX / 2)
        budget = UINT32_MAX / 2;
    cache c = {.words = ((size_t)nk + 63) / 64};
    uint64_t *bits = xcalloc(c.words, sizeof *bits);
    uint64_t *best_bits = xcalloc(c.words, sizeof *best_bits);
    frame *stack = xmalloc(((size_t)nk + 1) * sizeof *stack);
    int depth = 0, done_ok = 0, best = -1, best_fail = -1, best_last = -1;
    hist_val state = {.nil = true}, best_state = state;
    hist_verdict v = HIST_NOT_LINEARIZABLE;
    uint64_t explored = 0, bh = 0;
    int cur = e[0].next;
    for (;;) {
        if (done_ok == nok) {
            v = HIST_LINEARIZABLE;
            break;
        }
        if (cur >= 0 && e[cur].call) {
            const kop *op = &ops[e[cur].op];
            hist_val ns;
            uint64_t bit = UINT64_C(1) << (e[cur].op % 64);
            size_t w = (size_t)e[cur].op / 64;
            if (step(op, state, &ns)) {
                bits[w] |= bit;
                uint64_t nbh = bh ^ op_hash(e[cur].op);
                if (cache_add(&c, bits, nbh, ns)) {
                    if (++explored > budget) {
                        v = HIST_UNKNOWN;
                        break;
                    }
                    stack[depth++] = (frame){cur, state};
                    state = ns;
                    bh = nbh;
                    done_ok += op->ok;
                    /* lift the call and its return */
                    entry *x = &e[cur];
                    e[x->prev].next = x->next;
                    if (x->next >= 0)
                        e[x->next].prev = x->prev;
                    if (x->match >= 0) {
                        entry *y = &e[x->match];
                        e[y->prev].next = y->next;
                        if (y->next >= 0)
                            e[y->next].prev = y->prev;
                    }
                    cur = e[0].next;
                    continue;
                }
                bits[w] &= ~bit;
            }
            cur = e[cur].next;
            continue;
        }
        /* a return entry (or the end): backtrack */
        if (cur >= 0 && depth > best) {
            best = depth;
            best_fail = e[cur].op;
            best_last = depth ? e[stack[depth - 1].entry].op : -1;
            best_state = state;
            memcpy(best_bits, bits, c.words * sizeof *bits);
        }
        if (depth == 0)
            break;
        frame f = stack[--depth];
        entry *x = &e[f.entry];
        if (x->match >= 0) {
            entry *y = &e[x->match];
            e[y->prev].next = x->match;
            if (y->next >= 0)
                e[y->next].prev = x->match;
        }
        e[x->prev].next = f.entry;
        if (x->next >= 0)
            e[x->next].prev = f.entry;
        state = f.state;
        done_ok -= ops[x->op].ok;
        bits[(size_t)x->op / 64] &= ~(UINT64_C(1) << (x->op % 64));
        bh ^= op_hash(x->op);
        cur = x->next;
    }
    r->states += explored;
    if (v == HIST_NOT_LINEARIZABLE && best_fail >= 0) {
        const hist_op *fo = &h->ops[ops[best_fail].h];
        r->state = best_state;
        r->done = (size_t)best;
        r->nkey_ops = (size_t)nk;
        r->last = best_last >= 0 ? ops[best_last].h : SIZE_MAX;
        r->failing = ops[best_fail].h;
        /* the window: the failing operation, every one overlapping it
         * (info ones are open to the end), the last to take effect at the
         * furthest point, and the last write or cas to complete before
         * the failing one was invoked; in history order */
        int prior = -1;
        for (int i = 0; i < nk; i++) {
            const hist_op *o = &h->ops[ops[i].h];
            if (ops[i].ok && ops[i].f != HIST_READ && o->ret < fo->call
                && (prior < 0 || o->ret > h->ops[ops[prior].h].ret))
                prior = i;
        }
        r->window = xmalloc((size_t)nk * sizeof *r->window);
        r->nwindow = 0;
        for (int i = 0; i < nk; i++) {
            const hist_op *o = &h->ops[ops[i].h];
            bool overlaps = o->call < fo->ret && (!ops[i].ok || o->ret > fo->call);
            if (overlaps || i == best_fail || i == best_last || i == prior)
                r->window[r->nwindow++] = ops[i].h;
        }
    }
    free(c.bits);
    free(c.state);
    free(c.hash);
    free(c.slots);
    free(bits);
    free(best_bits);
    free(stack);
    free(call_of);
    free(e);
    return v;
}

/* A set of register values, for membership only (DETERMINISM: nothing
 * iterates it). */
typedef struct vset {
    hist_val *v;
    bool *used;
    size_t n, cap;
} vset;

static bool vset_has(const vset *s, hist_val x)
{
    size_t m = s->cap - 1;
    for (size_t i = (size_t)mix((uint64_t)x.v ^ x.nil) & m; s->used[i]; i = (i + 1) & m)
        if (same_val(s->v[i], x))
            return true;
    return false;
}

static void vset_add(vset *s, hist_val x)
{
    if (vset_has(s, x))
        return;
    size_t m = s->cap - 1, i = (size_t)mix((uint64_t)x.v ^ x.nil) & m;
    while (s->used[i])
        i = (i + 1) & m;
    s->used[i] = true;
    s->v[i] = x;
    s->n++;
}

/* Drops the open (info) writes and cas whose new value nothing needs:
 * no ok read reads it and no ok cas, nor any kept open cas, expects it.
 * Sound: in any linearization, such an operation can be removed (it is
 * optional), since every operation between it and the next change of
 * the register would have needed its value. It is what makes histories
 * with many timed-out writes cheap, where the search would otherwise
 * try every subset of them. Returns the new count; the order is kept. */
static int prune_open(kop *ops, int nk)
{
    int nopen = 0;
    for (int i = 0; i < nk; i++)
        nopen += !ops[i].ok;
    if (nopen == 0)
        return nk;
    vset need = {.cap = 16};
    while (need.cap < (size_t)nk * 2 + 2)
        need.cap *= 2;
    need.v = xmalloc(need.cap * sizeof *need.v);
    need.used = xcalloc(need.cap, sizeof *need.used);
    for (int i = 0; i < nk; i++)
        if (ops[i].ok && ops[i].f != HIST_WRITE)
            vset_add(&need, ops[i].a);   /* a read's value, a cas's old */
    bool *keep = xcalloc((size_t)nk, sizeof *keep);
    for (bool changed = true; changed;) {
        changed = false;
        for (int i = 0; i < nk; i++) {
            if (ops[i].ok || keep[i])
                continue;
            hist_val nv = ops[i].f == HIST_WRITE ? ops[i].a : ops[i].b;
            if (vset_has(&need, nv)) {
                keep[i] = true;
                changed = true;
                if (ops[i].f == HIST_CAS)
                    vset_add(&need, ops[i].a);
            }
        }
    }
    int n = 0;
    for (int i = 0; i < nk; i++)
        if (ops[i].ok || keep[i])
            ops[n++] = ops[i];
    free(keep);
    free(need.v);
    free(need.used);
    return n;
}

static int cmp_key(const void *a, const void *b)
{
    /* DETERMINISM: by key, then by invocation (the ops' order) */
    const int64_t *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    return x[1] < y[1] ? -1 : x[1] > y[1];
}

int history_check(const history *h, hist_model model, uint64_t budget,
                  hist_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->verdict = HIST_LINEARIZABLE;
    r->last = r->failing = SIZE_MAX;
    if (model == HIST_REGISTER) {
        for (size_t i = 0; i < h->n; i++)
            if (h->ops[i].f == HIST_CAS) {
                snprintf(err, errlen, "line %ld: a cas in a register history: use "
                         "--model cas-register", h->ops[i].call_line);
                return -1;
            }
    }
    /* (key, op) pairs of the ops kept, sorted by key */
    int64_t (*ko)[2] = xmalloc((h->n ? h->n : 1) * sizeof *ko);
    size_t n = 0;
    for (size_t i = 0; i < h->n; i++) {
        const hist_op *o = &h->ops[i];
        if (o->type == HIST_FAIL || (o->f == HIST_READ && o->type != HIST_OK))
            continue;
        ko[n][0] = o->key;
        ko[n][1] = (int64_t)i;
        n++;
    }
    qsort(ko, n, sizeof *ko, cmp_key);
    kop *ops = xmalloc((n ? n : 1) * sizeof *ops);
    bool unknown = false;
    int64_t unknown_key = 0;
    for (size_t s = 0; s < n;) {
        size_t t = s;
        while (t < n && ko[t][0] == ko[s][0])
            t++;
        if (t - s > (size_t)INT32_MAX / 4) {
            snprintf(err, errlen, "key %" PRId64 ": more than %d operations", ko[s][0],
                     INT32_MAX / 4);
            free(ko);
            free(ops);
            return -1;
        }
        int nk = 0;
        for (size_t i = s; i < t; i++) {
            const hist_op *o = &h->ops[ko[i][1]];
            ops[nk++] = (kop){.h = (size_t)ko[i][1], .f = o->f, .ok = o->type == HIST_OK,
                              .a = o->a, .b = o->b};
        }
        nk = prune_open(ops, nk);
        r->keys++;
        hist_verdict v = check_key(h, ops, nk, budget, r);
        if (v == HIST_NOT_LINEARIZABLE) {
            r->verdict = v;
            r->key = ko[s][0];
            break;
        }
        if (v == HIST_UNKNOWN && !unknown) {
            unknown = true;
            unknown_key = ko[s][0];
        }
        s = t;
    }
    if (r->verdict == HIST_LINEARIZABLE && unknown) {
        r->verdict = HIST_UNKNOWN;
        r->key = unknown_key;
    }
    free(ko);
    free(ops);
    return 0;
}

void history_result_fini(hist_result *r)
{
    if (!r)
        return;
    free(r->window);
    r->window = NULL;
    r->nwindow = 0;
}
