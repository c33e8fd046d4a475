/* cap: the stale-read, lost-write, convergence and availability checkers
 * (cap.h, which states the definitions).
 *
 * How: the writes (ok and info, write and cas) are sorted by (key, value,
 * call) so a read finds the writes of its value by binary search; the ok
 * writes are sorted by (key, call) with, per key, the suffix minimum of
 * their completions, so "is there an ok write invoked after w completed
 * and completed before r was invoked" is one binary search and one
 * lookup. Of several writes of one value, the one completing last (info:
 * never) is taken, the most lenient reading. Replica states are replayed
 * in the given time order over a (key, replica node) table, keeping the
 * count of keys whose replicas differ.
 * Invariant: nothing depends on memory addresses or hash order; every
 * comparator ends with the op index. */
#include "traces/cap.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/term/xalloc.h"

/* ---- the writes ---- */

typedef struct wr {
    int64_t key;
    hist_val v;
    int64_t call, done;        /* ordinals; done INT64_MAX: never (info) */
    size_t op;
} wr;

typedef struct okw {
    int64_t key, call, ret, ret_time;
    size_t op;
    size_t sufmin;             /* index in the array of the min ret among
                                  this and the later entries of its key */
} okw;

static int val_cmp(hist_val a, hist_val b)
{
    if (a.nil != b.nil)
        return a.nil ? -1 : 1;
    if (a.nil)
        return 0;
    return a.v < b.v ? -1 : a.v > b.v;
}

static bool val_eq(hist_val a, hist_val b)
{
    return val_cmp(a, b) == 0;
}

static int cmp64(int64_t a, int64_t b)
{
    return a < b ? -1 : a > b;
}

static int wr_cmp(const void *x, const void *y)
{
    const wr *a = x, *b = y;
    int c = cmp64(a->key, b->key);
    if (!c)
        c = val_cmp(a->v, b->v);
    if (!c)
        c = cmp64(a->call, b->call);
    /* DETERMINISM: the op index ends every comparison */
    return c ? c : (a->op > b->op) - (a->op < b->op);
}

static int okw_cmp(const void *x, const void *y)
{
    const okw *a = x, *b = y;
    int c = cmp64(a->key, b->key);
    if (!c)
        c = cmp64(a->call, b->call);
    /* DETERMINISM: the op index ends every comparison */
    return c ? c : (a->op > b->op) - (a->op < b->op);
}

typedef struct tables {
    wr *w;
    size_t nw;
    okw *o;
    size_t no;
} tables;

static bool is_write(const hist_op *o)
{
    return o->f == HIST_WRITE || o->f == HIST_CAS;
}

static hist_val written(const hist_op *o)
{
    return o->f == HIST_CAS ? o->b : o->a;
}

static void tables_build(const history *h, tables *t)
{
    t->w = xmalloc((h->n + 1) * sizeof *t->w);
    t->o = xmalloc((h->n + 1) * sizeof *t->o);
    t->nw = t->no = 0;
    for (size_t i = 0; i < h->n; i++) {
        const hist_op *o = &h->ops[i];
        if (!is_write(o) || o->type == HIST_FAIL)
            continue;
        bool ok = o->type == HIST_OK;
        t->w[t->nw++] = (wr){o->key, written(o), (int64_t)o->call,
                             ok ? (int64_t)o->ret : INT64_MAX, i};
        if (ok)
            t->o[t->no++] = (okw){o->key, (int64_t)o->call, (int64_t)o->ret, o->ret_time,
                                  i, 0};
    }
    qsort(t->w, t->nw, sizeof *t->w, wr_cmp);
    qsort(t->o, t->no, sizeof *t->o, okw_cmp);
    for (size_t i = t->no; i-- > 0;) {
        size_t m = i;
        if (i + 1 < t->no && t->o[i + 1].key == t->o[i].key
            && t->o[t->o[i + 1].sufmin].ret < t->o[i].ret)
            m = t->o[i + 1].sufmin;
        t->o[i].sufmin = m;
    }
}

static void tables_free(tables *t)
{
    free(t->w);
    free(t->o);
}

/* The first ok write of key invoked after ordinal `after`, or no. */
static size_t okw_first_after(const tables *t, int64_t key, int64_t after)
{
    size_t lo = 0, hi = t->no;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const okw *m = &t->o[mid];
        if (m->key < key || (m->key == key && m->call <= after))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < t->no && t->o[lo].key == key ? lo : t->no;
}

/* What read r read from: the completion ordinal of the write of its value
 * completing last among those invoked before r completed (-1: the initial
 * nil, before everything; INT64_MAX: an info write). False: an invalid
 * read. */
static bool read_source(const tables *t, const hist_op *r, int64_t *after)
{
    bool found = r->a.nil;
    *after = -1;
    size_t lo = 0, hi = t->nw;
    wr probe = {r->key, r->a, INT64_MIN, 0, 0};
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const wr *m = &t->w[mid];
        int c = cmp64(m->key, probe.key);
        if (!c)
            c = val_cmp(m->v, probe.v);
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < t->nw && t->w[i].key == r->key && val_eq(t->w[i].v, r->a); i++) {
        if (t->w[i].call >= (int64_t)r->ret)
            break;             /* sorted by call: the rest are later too */
        if (!found || t->w[i].done > *after)
            *after = t->w[i].done;
        found = true;
    }
    return found;
}

/* ---- replicas ---- */

static int key_cmp(const void *x, const void *y)
{
    return cmp64(*(const int64_t *)x, *(const int64_t *)y);
}

static size_t key_slot(const int64_t *keys, size_t n, int64_t k)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (keys[mid] < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Replays the replica events to end_at: *agree at the end, *since the
 * instant from which they agreed to the end (INT64_MIN: from the start). */
static void replay(const cap_run *r, bool *agree, int64_t *since)
{
    size_t nn = r->h->nnodes;
    int32_t nrep = r->nreplica_nodes;
    int *slot = xmalloc((nn + 1) * sizeof *slot);
    for (size_t i = 0; i < nn; i++)
        slot[i] = -1;
    for (int32_t i = 0; i < nrep; i++)
        if (r->replica_nodes[i] >= 0 && (size_t)r->replica_nodes[i] < nn)
            slot[r->replica_nodes[i]] = i;
    int64_t *keys = xmalloc((r->nreplicas + 1) * sizeof *keys);
    size_t nk = 0;
    for (size_t i = 0; i < r->nreplicas; i++)
        keys[nk++] = r->replicas[i].key;
    qsort(keys, nk, sizeof *keys, key_cmp);
    size_t u = 0;
    for (size_t i = 0; i < nk; i++)
        if (u == 0 || keys[u - 1] != keys[i])
            keys[u++] = keys[i];
    nk = u;
    size_t cells = nk * (size_t)(nrep > 0 ? nrep : 1);
    hist_val *st = xmalloc((cells + 1) * sizeof *st);
    for (size_t i = 0; i < cells; i++)
        st[i] = (hist_val){0, true};
    bool *differ = xcalloc(nk + 1, sizeof *differ);
    size_t ndiffer = 0;
    *since = INT64_MIN;
    size_t i = 0;
    while (i < r->nreplicas && r->replicas[i].t <= r->end_at) {
        int64_t t = r->replicas[i].t;
        for (; i < r->nreplicas && r->replicas[i].t == t; i++) {
            const cap_replica *e = &r->replicas[i];
            if (e->node < 0 || (size_t)e->node >= nn || slot[e->node] < 0)
                continue;
            size_t k = key_slot(keys, nk, e->key);
            hist_val *row = &st[k * (size_t)nrep];
            row[slot[e->node]] = e->v;
            bool d = false;
            for (int32_t j = 1; j < nrep && !d; j++)
                d = !val_eq(row[j], row[0]);
            if (d != differ[k]) {
                differ[k] = d;
                ndiffer += d ? 1 : (size_t)-1;
            }
        }
        /* the state of instant t: after all its events */
        if (ndiffer)
            *since = INT64_MAX;
        else if (*since == INT64_MAX)
            *since = t;
    }
    *agree = ndiffer == 0;
    free(slot);
    free(keys);
    free(st);
    free(differ);
}

/* ---- the run ---- */

int cap_phase(const cap_run *r, int32_t node, int64_t t, int64_t converged_at)
{
    if (r->partition_at < 0 || t < r->partition_at)
        return CAP_BEFORE;
    if (r->heal_at < 0 || t < r->heal_at) {
        int64_t det = r->detected_at && node >= 0 && (size_t)node < r->h->nnodes
                      ? r->detected_at[node] : -1;
        return det < 0 || t < det ? CAP_DETECT : CAP_DURING;
    }
    return converged_at < 0 || t < converged_at ? CAP_RECOVER : CAP_AFTER;
}

static bool in_final(const cap_run *r, const hist_op *o)
{
    return r->final_at >= 0 && o->call_time >= r->final_at;
}

typedef struct fread {
    int64_t key;
    hist_val v;
    size_t op;
} fread_;

static int fread_cmp(const void *x, const void *y)
{
    const fread_ *a = x, *b = y;
    int c = cmp64(a->key, b->key);
    /* DETERMINISM: the op index ends every comparison */
    return c ? c : (a->op > b->op) - (a->op < b->op);
}

void cap_check(const cap_run *r, cap_result *out)
{
    const history *h = r->h;
    memset(out, 0, sizeof *out);
    out->first_stale = out->first_invalid = out->first_lost = SIZE_MAX;
    out->heal_at = r->heal_at;
    out->partitioned = r->partition_at >= 0;
    tables t;
    tables_build(h, &t);
    bool *lost = xcalloc(h->n + 1, sizeof *lost);
    fread_ *fr = xmalloc((h->n + 1) * sizeof *fr);
    size_t nfr = 0;
    for (size_t i = 0; i < h->n; i++) {
        const hist_op *o = &h->ops[i];
        if (o->f != HIST_READ || o->type != HIST_OK)
            continue;
        bool final = in_final(r, o);
        if (final)
            fr[nfr++] = (fread_){o->key, o->a, i};
        int64_t after;
        if (!read_source(&t, o, &after)) {
            out->invalid_reads++;
            if (out->first_invalid == SIZE_MAX)
                out->first_invalid = i;
            continue;
        }
        size_t f = okw_first_after(&t, o->key, after);
        if (f < t.no) {
            const okw *m = &t.o[t.o[f].sufmin];
            if (m->ret < (int64_t)o->call) {
                out->stale++;
                if (out->first_stale == SIZE_MAX)
                    out->first_stale = i;
                int64_t s = o->call_time - m->ret_time;
                if (s > out->worst_stale_ns)
                    out->worst_stale_ns = s;
            }
        }
        if (!final)
            continue;
        /* every ok write invoked after the source completed and completed
         * before this read was invoked is lost here */
        for (size_t j = f; j < t.no && t.o[j].key == o->key; j++)
            if (t.o[j].ret < (int64_t)o->call)
                lost[t.o[j].op] = true;
    }
    for (size_t i = 0; i < h->n; i++)
        if (lost[i]) {
            out->lost++;
            if (out->first_lost == SIZE_MAX)
                out->first_lost = i;
        }
    out->final_reads = nfr;
    qsort(fr, nfr, sizeof *fr, fread_cmp);
    out->final_reads_agree = true;
    for (size_t i = 1; i < nfr; i++)
        if (fr[i].key == fr[i - 1].key && !val_eq(fr[i].v, fr[i - 1].v))
            out->final_reads_agree = false;
    int64_t base = r->heal_at >= 0 ? r->heal_at : r->partition_at >= 0 ? r->partition_at : 0;
    if (r->replicas_reported) {
        bool agree;
        int64_t since;
        replay(r, &agree, &since);
        out->replicas_agree = agree;
        out->converged_at = agree ? (since > base ? since : base) : -1;
    } else {
        out->replicas_agree = -1;
        out->converged_at = nfr && out->final_reads_agree
                            ? (r->final_at > base ? r->final_at : base) : -1;
    }
    for (size_t i = 0; i < h->n; i++) {
        const hist_op *o = &h->ops[i];
        if (in_final(r, o))
            continue;
        int ph = cap_phase(r, o->node, o->call_time, out->converged_at);
        bool ok = o->type == HIST_OK;
        out->invoked_all[ph]++;
        out->ok_all[ph] += ok;
        int side = r->side && o->node >= 0 && (size_t)o->node < h->nnodes
                   ? r->side[o->node] : -1;
        if (side == CAP_MAJORITY || side == CAP_MINORITY) {
            out->invoked[ph][side]++;
            out->ok[ph][side] += ok;
        }
    }
    free(lost);
    free(fr);
    tables_free(&t);
}

/* ---- names, verdicts, summaries ---- */

const char *cap_checker_name(int which)
{
    static const char *const n[] = {"stale_reads", "lost_writes", "convergence",
                                    "availability"};
    return which >= 0 && which < CAP_NCHECKERS ? n[which] : "?";
}

const char *cap_phase_name(int phase)
{
    static const char *const n[] = {"before", "detect", "during", "recover", "after"};
    return phase >= 0 && phase < CAP_NPHASES ? n[phase] : "?";
}

const char *cap_side_name(int side)
{
    return side == CAP_MAJORITY ? "majority" : side == CAP_MINORITY ? "minority" : "?";
}

const char *cap_verdict(const cap_result *res, int which)
{
    switch (which) {
    case CAP_STALE_READS:
        return res->stale || res->invalid_reads ? "fail" : "pass";
    case CAP_LOST_WRITES:
        return res->lost ? "fail" : res->final_reads ? "pass" : "unknown";
    case CAP_CONVERGENCE:
        if (res->replicas_agree < 0 && !res->final_reads)
            return "unknown";
        return res->converged_at >= 0 ? "pass" : "fail";
    case CAP_AVAILABILITY: {
        uint64_t n = 0;
        for (int p = 0; p < CAP_NPHASES; p++)
            n += res->invoked_all[p];
        return n ? "pass" : "unknown";
    }
    default:
        return "unknown";
    }
}

/* A duration in ns as "3.2 s", "250 ms", "40 us" (rounded down). */
static void fmt_dur(char *b, size_t n, int64_t ns)
{
    if (ns < 0)
        snprintf(b, n, "-");
    else if (ns >= 1000000000)
        snprintf(b, n, "%" PRId64 ".%" PRId64 " s", ns / 1000000000,
                 ns / 100000000 % 10);
    else if (ns >= 1000000)
        snprintf(b, n, "%" PRId64 " ms", ns / 1000000);
    else if (ns >= 1000 || ns == 0)
        snprintf(b, n, "%" PRId64 " %s", ns / 1000, ns ? "us" : "s");
    else
        snprintf(b, n, "%" PRId64 " ns", ns);
}

static void fmt_val(char *b, size_t n, hist_val v)
{
    if (v.nil)
        snprintf(b, n, "nil");
    else
        snprintf(b, n, "%" PRId64, v.v);
}

/* "process 2 write 17 at 12.5 s" */
static void fmt_op(char *b, size_t n, const history *h, size_t i)
{
    const hist_op *o = &h->ops[i];
    char a[24], c[24], at[32];
    fmt_val(a, sizeof a, o->a);
    fmt_val(c, sizeof c, o->b);
    fmt_dur(at, sizeof at, o->call_time);
    if (o->f == HIST_CAS)
        snprintf(b, n, "process %" PRId64 " cas %s -> %s on key %" PRId64 " at %s",
                 o->process, a, c, o->key, at);
    else
        snprintf(b, n, "process %" PRId64 " %s %s on key %" PRId64 " at %s", o->process,
                 o->f == HIST_READ ? "read" : "write", a, o->key, at);
}

/* "100% (45/45)"-less form: "100%", or "n/a" with nothing invoked. */
static void fmt_pct(char *b, size_t n, uint64_t ok, uint64_t inv)
{
    if (!inv)
        snprintf(b, n, "n/a");
    else
        snprintf(b, n, "%" PRIu64 "%%", ok * 100 / inv);   /* 100% only if all ok */
}

void cap_describe(const cap_result *res, const history *h, int which, char *buf,
                  size_t n)
{
    char x[200], y[160];
    switch (which) {
    case CAP_STALE_READS: {
        int k;
        if (!res->stale) {
            k = snprintf(buf, n, "stale_reads: 0");
        } else {
            fmt_dur(x, sizeof x, res->worst_stale_ns);
            fmt_op(y, sizeof y, h, res->first_stale);
            k = snprintf(buf, n, "stale_reads: %zu (worst %s; first: %s)", res->stale, x, y);
        }
        if (k < 0 || (size_t)k >= n)
            return;
        if (res->invalid_reads) {
            fmt_op(y, sizeof y, h, res->first_invalid);
            snprintf(buf + k, n - (size_t)k, ", invalid reads: %zu (first: %s)",
                     res->invalid_reads, y);
        } else {
            snprintf(buf + k, n - (size_t)k, ", invalid reads: 0");
        }
        return;
    }
    case CAP_LOST_WRITES:
        if (!res->final_reads) {
            snprintf(buf, n, "lost_writes: unknown (no final reads)");
        } else if (!res->lost) {
            snprintf(buf, n, "lost_writes: 0 (%zu final reads)", res->final_reads);
        } else {
            fmt_op(y, sizeof y, h, res->first_lost);
            snprintf(buf, n, "lost_writes: %zu (first: %s)", res->lost, y);
        }
        return;
    case CAP_CONVERGENCE:
        if (res->replicas_agree < 0)
            snprintf(x, sizeof x, "replicas not reported");
        else if (res->converged_at < 0)
            snprintf(x, sizeof x, "replicas never converge (they differ at the end)");
        else if (res->partitioned && res->heal_at >= 0) {
            fmt_dur(y, sizeof y, res->converged_at - res->heal_at);
            snprintf(x, sizeof x, "replicas agree %s after the heal", y);
        } else {
            fmt_dur(y, sizeof y, res->converged_at);
            snprintf(x, sizeof x, "replicas agree from %s", y);
        }
        snprintf(buf, n, "convergence: %s, %s", x,
                 !res->final_reads ? "no final reads"
                 : res->final_reads_agree ? "final reads agree" : "final reads disagree");
        return;
    case CAP_AVAILABILITY: {
        uint64_t ok = 0, inv = 0;
        for (int p = 0; p < CAP_NPHASES; p++) {
            ok += res->ok_all[p];
            inv += res->invoked_all[p];
        }
        char all[32];
        fmt_pct(all, sizeof all, ok, inv);
        if (!res->partitioned) {
            snprintf(buf, n, "availability: %s (%" PRIu64 "/%" PRIu64 "), no partition",
                     all, ok, inv);
            return;
        }
        char d[2][32], t[2][32];
        for (int s = 0; s < CAP_NSIDES; s++) {
            fmt_pct(d[s], sizeof d[s], res->ok[CAP_DURING][s], res->invoked[CAP_DURING][s]);
            fmt_pct(t[s], sizeof t[s], res->ok[CAP_DETECT][s], res->invoked[CAP_DETECT][s]);
        }
        snprintf(buf, n, "availability: majority %s (detect %s) minority %s (detect %s), "
                 "overall %s (%" PRIu64 "/%" PRIu64 ")", d[0], t[0], d[1], t[1], all, ok,
                 inv);
        return;
    }
    default:
        snprintf(buf, n, "?");
    }
}
