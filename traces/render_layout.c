/* render_layout: the renderer's second phase, from the model (fed by
 * render.c) to a page (render_int.h): where every row, lane and arrow
 * goes, what is bundled, and the counts the page and the stats report.
 * render_html.c prints the page.
 *
 * Layout. Time runs down. Each distinct time is a row; a row is placed
 * below the previous one by a gap that grows with the log of the time
 * between them (integer arithmetic only), so bursts stay readable and
 * quiet minutes do not take pages. If the total exceeds max_height, all
 * gaps shrink in proportion and rows share pixels. Arrows that leave
 * and reach the same pixel buckets between the same lanes with the same
 * fate collapse into one bundle ("x N"); the bucket doubles until the
 * count fits max_arrows. Marks are bundled the same way. Every other
 * element has a cap too (transcript lines: the first and last halves of
 * max_lines, kept by render.c; bands and lane spans: MAX_BANDS), so the
 * page size is bounded.
 *
 * Invariants. The model is only read. Positions are integers, computed
 * from times alone; bundles keep trace order (the first element of a
 * bundle is drawn for it), so the same events give the same page. */
#include "traces/render_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- rows and the time axis ---- */

/* 8 * log2(x) with three bits of fraction, in integers (x >= 1). */
int trace_render__lg8(uint64_t x)
{
    int b = 0;
    while ((x >> b) > 1)
        b++;
    uint64_t frac = b >= 3 ? (x >> (b - 3)) & 7 : (x << (3 - b)) & 7;
    return 8 * b + (int)frac;
}

/* The natural gap between rows dt microseconds apart: 13 px, plus 3.5 px
 * per doubling of the milliseconds (1 ms 16 px, 1 s 47, 100 s 70). */
static int gap_px(int64_t dt)
{
    return 13 + trace_render__lg8(1 + (uint64_t)dt / 1000) * 7 / 16;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int trace_render__y(const layout *L, int64_t t)
{
    size_t lo = 0, hi = L->nrows;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (L->rows[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return L->ys[lo];
}

int trace_render__lane_x(const layout *L, int lane)
{
    return AXIS_W + L->lw * lane + L->lw / 2;
}

static void add_row(int64_t **v, size_t *n, size_t *cap, int64_t t)
{
    GROW(*v, *n, *cap);
    (*v)[(*n)++] = t;
}

static void lay_out(const trace_render *r, layout *L)
{
    int64_t *v = NULL;
    size_t n = 0, cap = 0;
    add_row(&v, &n, &cap, r->t_min);
    add_row(&v, &n, &cap, r->t_max);
    for (size_t i = 0; i < r->narrows; i++) {
        add_row(&v, &n, &cap, r->arrows[i].t0);
        if (r->arrows[i].t1 >= 0)
            add_row(&v, &n, &cap, r->arrows[i].t1);
    }
    for (size_t i = 0; i < r->nmarks; i++)
        add_row(&v, &n, &cap, r->marks[i].t);
    for (size_t i = 0; i < r->nspans; i++) {
        add_row(&v, &n, &cap, r->spans[i].t0);
        add_row(&v, &n, &cap, r->spans[i].t1);
    }
    for (size_t i = 0; i < r->nbands; i++) {
        add_row(&v, &n, &cap, r->bands[i].t0);
        add_row(&v, &n, &cap, r->bands[i].t1);
    }
    for (size_t i = 0; i < r->nlines + r->ntail; i++)
        add_row(&v, &n, &cap, trace_render__line_at(r, i)->t);
    /* DETERMINISM: sorted by value alone; equal times are one row. */
    qsort(v, n, sizeof *v, cmp_i64);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!m || v[i] != v[m - 1])
            v[m++] = v[i];
    L->rows = v;
    L->nrows = m;
    L->ys = xmalloc(m * sizeof *L->ys);
    int64_t y = 0;
    int64_t *acc = xmalloc(m * sizeof *acc);
    for (size_t i = 0; i < m; i++) {
        if (i)
            y += gap_px(v[i] - v[i - 1]);
        acc[i] = y;
    }
    int64_t room = r->o.max_height - TOP - BOTTOM;
    L->scaled = y > room;
    for (size_t i = 0; i < m; i++)
        L->ys[i] = TOP + (int)(L->scaled ? acc[i] * room / y : acc[i]);
    free(acc);
    L->height = L->ys[m - 1] + BOTTOM;
    int nl = (int)r->nlanes;
    L->lw = nl <= 2 ? 260 : 720 / nl < 56 ? 56 : 720 / nl;
    L->width = AXIS_W + L->lw * (nl ? nl : 1) + 48;
}

/* ---- bundling: arrows or marks in the same pixel bucket fold ---- */

/* The bundle of probe's fields; *fresh if it was just opened.
 * DETERMINISM: bundles are drawn in the order they were opened, which is
 * trace order; the hash only finds them. */
static drawn *bundle(bundler *B, const drawn *probe, bool *fresh)
{
    uint64_t h =
        trace_render__mix64((uint64_t)(uint32_t)probe->variant << 40 ^
                            (uint64_t)(uint32_t)probe->a << 20 ^
                            (uint64_t)(uint32_t)probe->b) ^
        trace_render__mix64((uint64_t)(uint32_t)probe->yb0 << 32 |
                            (uint32_t)probe->yb1);
    for (;; h++) {
        int *v = trace_render__imap_slot(&B->ix, h, fresh);
        if (*fresh) {
            GROW(B->d, B->n, B->cap);
            *v = (int)B->n;
            B->d[B->n] = *probe;
            return &B->d[B->n++];
        }
        drawn *x = &B->d[*v];
        if (x->variant == probe->variant && x->a == probe->a &&
            x->b == probe->b && x->yb0 == probe->yb0 && x->yb1 == probe->yb1)
            return x;
    }
}

void trace_render__arrow_geo(const layout *L, const arrow *w, geo *g)
{
    int xa = trace_render__lane_x(L, w->a);
    int xb = trace_render__lane_x(L, w->b);
    g->x0 = xa;
    g->y0 = trace_render__y(L, w->t0);
    g->x1 = xb;
    g->y1 = w->t1 >= 0 ? trace_render__y(L, w->t1) : g->y0;
    g->head = g->cross = false;
    if (w->orphan) {
        g->y0 = g->y1 - 16 < 4 ? 4 : g->y1 - 16;
        g->head = w->kind == D_DELIVER;
        g->cross = !g->head;
    } else if (w->t1 < 0) {                   /* lost, or never answered */
        g->x1 = xa + (xb - xa) / 2;
        g->y1 = g->y0 + 18;
        g->cross = true;
    } else if (w->at_sender) {                /* failed before leaving */
        g->x1 = xa + (xb - xa) / 4;
        if (g->y1 < g->y0 + 12)
            g->y1 = g->y0 + 12;
        g->cross = true;
    } else if (w->kind == D_CONNECT) {
        /* ends short of the peer's nodeup or handshake_fail mark */
        g->x1 += xb > xa ? -9 : 9;
        g->head = !w->failed;
    } else if (w->kind == D_DROP) {
        g->cross = true;
    } else {
        g->head = true;
    }
}

int trace_render__arrow_kind(const arrow *w)
{
    return w->kind == D_CONNECT || w->orphan || w->t1 >= 0 ? w->kind : D_LOST;
}

static int arrow_variant(const arrow *w)
{
    return w->kind * 16 + w->at_sender * 8 + w->orphan * 4 + w->failed * 2 +
           (w->t1 < 0);
}

/* Bundles arrows with the smallest bucket (1, 2, 4 ... px) that fits
 * max_arrows; *cut receives how many arrows did not fit at all. Returns
 * the bucket. */
static int bundle_arrows(const trace_render *r, const layout *L, bundler *B,
                          uint64_t *cut)
{
    *cut = 0;
    int bucket = 1;
    for (;; bucket *= 2) {
        trace_render__imap_clear(&B->ix);
        B->n = 0;
        for (size_t i = 0; i < r->narrows; i++) {
            const arrow *w = &r->arrows[i];
            geo g;
            trace_render__arrow_geo(L, w, &g);
            drawn probe = {(int)i, 1, w->t0, arrow_variant(w), w->a, w->b,
                           g.y0 / bucket, g.y1 / bucket, {0}};
            bool fresh;
            drawn *x = bundle(B, &probe, &fresh);
            if (!fresh) {
                x->count++;
                x->tlast = w->t0;
            }
        }
        if (B->n <= (size_t)r->o.max_arrows || bucket > L->height)
            break;
    }
    if (B->n > (size_t)r->o.max_arrows) {
        for (size_t i = (size_t)r->o.max_arrows; i < B->n; i++)
            *cut += B->d[i].count;
        B->n = (size_t)r->o.max_arrows;
    }
    return bucket;
}

static int bundle_marks(const trace_render *r, const layout *L, bundler *B,
                         uint64_t *cut)
{
    *cut = 0;
    int bucket = 1;
    for (;; bucket *= 2) {
        trace_render__imap_clear(&B->ix);
        B->n = 0;
        for (size_t i = 0; i < r->nmarks; i++) {
            const mark *m = &r->marks[i];
            drawn probe = {(int)i, 1, m->t, m->kind, m->lane, 0,
                           trace_render__y(L, m->t) / bucket, 0, {0}};
            probe.mem[0] = (int)i;
            bool fresh;
            drawn *x = bundle(B, &probe, &fresh);
            if (!fresh) {
                if (x->count < MEMBERS)
                    x->mem[x->count] = (int)i;
                x->count++;
                x->tlast = m->t;
            }
        }
        if (B->n <= (size_t)r->o.max_marks || bucket > L->height)
            break;
    }
    if (B->n > (size_t)r->o.max_marks) {
        for (size_t i = (size_t)r->o.max_marks; i < B->n; i++)
            *cut += B->d[i].count;
        B->n = (size_t)r->o.max_marks;
    }
    return bucket;
}

/* ---- the page ---- */

void trace_render__page_init(page *p, const trace_render *r)
{
    memset(p, 0, sizeof *p);
    layout *L = &p->L;
    lay_out(r, L);
    uint64_t mcut;
    int abucket = bundle_arrows(r, L, &p->A, &p->acut);
    int mbucket = bundle_marks(r, L, &p->M, &mcut);

    uint64_t *cnt = p->cnt;
    for (size_t i = 0; i < r->narrows; i++) {
        cnt[trace_render__arrow_kind(&r->arrows[i])]++;
        p->msgs += r->arrows[i].kind != D_CONNECT;
    }
    for (size_t i = 0; i < r->nmarks; i++)
        cnt[r->marks[i].kind]++;
    cnt[D_CUT] = r->nbands;
    p->nl = r->nlines + r->ntail;
    for (size_t i = 0; i < p->nl; i++)
        cnt[trace_render__line_at(r, i)->kind]++;
    p->folded_a = p->acut;
    p->folded_m = mcut;
    /* What shares a pixel row is drawn together; only what a coarser
     * bucket folded counts as summarised. */
    for (size_t i = 0; abucket > 1 && i < p->A.n; i++)
        p->folded_a += p->A.d[i].count - 1;
    for (size_t i = 0; mbucket > 1 && i < p->M.n; i++)
        p->folded_m += p->M.d[i].count - 1;
    trace_render_stats *s = &p->st;
    s->events = r->events;
    s->lanes = (int)r->nlanes;
    s->messages = p->msgs;
    s->delivered = cnt[D_DELIVER];
    s->dropped = cnt[D_DROP];
    s->lost = cnt[D_LOST];
    for (size_t i = 0; i < r->nmarks; i++)
        s->dropped -= r->marks[i].kind == D_DROP;
    s->unmatched = r->unmatched;
    s->mismatched = r->mismatched;
    s->arrows = (int)p->A.n;
    s->marks = (int)p->M.n;
    s->lines = (int)p->nl;
    p->over = (r->nbands > MAX_BANDS ? r->nbands - MAX_BANDS : 0) +
              (r->nspans > MAX_BANDS ? r->nspans - MAX_BANDS : 0);
    s->not_drawn = p->folded_a + p->folded_m + r->lines_skipped + p->over;
}

void trace_render__page_fini(page *p)
{
    trace_render__imap_free(&p->A.ix);
    trace_render__imap_free(&p->M.ix);
    free(p->A.d);
    free(p->M.d);
    free(p->L.rows);
    free(p->L.ys);
}
