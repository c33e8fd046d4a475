/* render_svg: the diagram's arrows and marks, as SVG elements of the
 * page render_html.c writes: messages and connection attempts from their
 * start to their end with an arrowhead (its tooltip saying what became
 * of them), labels placed where they do not overprint another, and the
 * lane marks (nodeup, halt, global names, ...) with their shapes and
 * tooltips. Bundled arrows and marks (render_layout.c) print as one
 * element with a count.
 *
 * Invariants: as render_html.c's: the same page gives the same bytes;
 * every string from the trace goes through html_esc. */
#include "traces/render_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/term/term.h"
#include "traces/trace.h"

/* Describes arrow w for its tooltip. */
static void arrow_title(const trace_render *r, const arrow *w, html_buf *b)
{
    const char *na = r->lanes[w->a].name, *nb = r->lanes[w->b].name;
    char t0[40], t1[40];
    trace_format_short_time(t0, w->t0);
    trace_format_short_time(t1, w->t1 >= 0 ? w->t1 : w->t0);
    if (w->kind == D_CONNECT) {
        html_printf(b, "%s connects to %s at %s\n", na, nb, t0);
        if (w->t1 < 0)
            html_printf(b, "no answer before the trace ended");
        else if (w->failed)
            html_printf(b, "the handshake failed at %s (%s)", w->at_sender ? na : nb, t1);
        else
            html_printf(b, "nodeup at %s: %s", nb, t1);
        return;
    }
    html_printf(b, "%s \xe2\x86\x92 %s%s%s\n", na, nb, w->to ? "  to " : "",
              w->to ? w->to : "");
    if (w->orphan)
        html_printf(b, "received at %s; no matching send in the trace", t1);
    else if (w->t1 < 0)
        html_printf(b, "sent %s, never delivered: lost (link cut or "
                  "connection gone)", t0);
    else if (w->at_sender)
        html_printf(b, "sent %s, dropped at the sender %s: %s", t0, t1,
                  w->reason ? w->reason : "?");
    else if (w->kind == D_DROP)
        html_printf(b, "sent %s, arrived %s and dropped: %s", t0, t1,
                  w->reason ? w->reason : "?");
    else
        html_printf(b, "sent %s, delivered %s", t0, t1);
    if (w->term)
        html_printf(b, "\n%s", w->term);
}

static void arrow_label(const trace_render *r, const arrow *w, char *buf,
                        size_t n)
{
    (void)r;
    if (w->kind == D_CONNECT)
        snprintf(buf, n, "%s", w->failed ? "connect (failed)" : "connect");
    else
        snprintf(buf, n, "%s", w->term ? w->term : "");
}

/* Characters (code points) in s. */
static size_t utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

/* Label boxes already placed, so that labels do not overprint. */
typedef struct box {
    int x, y, w, h;
} box;

typedef struct boxes {
    box *b;
    size_t n, cap;
} boxes;

/* Places bx unless it overlaps a placed box; returns whether it did. */
static bool place(boxes *bs, const box *bx)
{
    for (size_t i = 0; i < bs->n; i++) {
        const box *o = &bs->b[i];
        if (bx->x < o->x + o->w && o->x < bx->x + bx->w &&
            bx->y < o->y + o->h && o->y < bx->y + bx->h)
            return false;
    }
    GROW(bs->b, bs->n, bs->cap);
    bs->b[bs->n++] = *bx;
    return true;
}

static void put_head(FILE *f, const geo *g)
{
    /* sqrt is correctly rounded (IEEE 754), so this prints the same
     * bytes everywhere. */
    double dx = g->x1 - g->x0, dy = g->y1 - g->y0;
    double len = sqrt(dx * dx + dy * dy);
    if (len < 1)
        return;
    double ux = dx / len, uy = dy / len;
    double bx = g->x1 - 9 * ux, by = g->y1 - 9 * uy;
    char buf[256];   /* %.1f in the C locale, whatever setlocale said */
    term_snprintf_c(buf, sizeof buf,
                    "<path class=\"h\" d=\"M%d %dL%.1f %.1fL%.1f %.1fZ\"/>",
                    g->x1, g->y1, bx - 3.6 * uy, by + 3.6 * ux, bx + 3.6 * uy,
                    by - 3.6 * ux);
    fputs(buf, f);
}

static void put_arrow(FILE *f, const trace_render *r, const layout *L,
                      const drawn *d, bool labels, boxes *placed, html_buf *b)
{
    const arrow *w = &r->arrows[d->first];
    geo g;
    trace_render__arrow_geo(L, w, &g);
    bool bad = w->kind != D_DELIVER && w->kind != D_CONNECT;
    int kind = trace_render__arrow_kind(w);
    fprintf(f, "<g class=\"msg c%d%s%s\" data-k=\"%s\" data-n=\"%d %d\"><title>",
            w->a % NCOLORS, bad ? " bad" : "", w->t1 < 0 ? " lost" : "",
            trace_render__kinds[kind].name, w->a, w->b);
    html_reset(b);
    if (d->count > 1) {
        char t0[40], t1[40];
        trace_format_short_time(t0, w->t0);
        trace_format_short_time(t1, d->tlast);
        html_printf(b, "%u messages %s \xe2\x86\x92 %s (%s), sent %s \xe2\x80\xa6 "
                  "%s; the first:\n", d->count, r->lanes[w->a].name,
                  r->lanes[w->b].name, trace_render__kinds[kind].name, t0, t1);
    }
    arrow_title(r, w, b);
    html_esc(f, b->s, 0);
    fputs("</title><path class=\"s\"", f);
    if (d->count > 1)  /* a bundle: thicker with the log of its size */
        fprintf(f, " style=\"stroke-width:%d\"",
                2 + trace_render__lg8(d->count) / 8);
    fprintf(f, " d=\"M%d %dL%d %d\"/>", g.x0, g.y0, g.x1, g.y1);
    if (g.head)
        put_head(f, &g);
    if (g.cross)
        fprintf(f, "<path class=\"x\" d=\"M%d %dl8 8m0 -8l-8 8\"/>", g.x1 - 4,
                g.y1 - 4);
    int dx = g.x1 - g.x0, dy = g.y1 - g.y0;
    int span = dx > 0 ? dx : -dx;
    char label[TERM_MAX + 16];
    size_t max = 40;
    if (d->count > 1) {
        snprintf(label, sizeof label, "\xc3\x97%u", d->count);
    } else if (labels && span > 40) {
        arrow_label(r, w, label, sizeof label);
        max = (size_t)(span - 16) * 10 / 63;
        if (max > 40)
            max = 40;
    } else {
        label[0] = '\0';
    }
    /* Try the middle of the arrow, then nearer its end, then nearer its
     * start; give up (the title still tells) if all collide. */
    size_t chars = utf8_len(label) < max ? utf8_len(label) : max;
    int wpx = (int)chars * 63 / 10 + 4;
    static const int at[3] = {50, 72, 30};
    for (int i = 0; label[0] && i < 3; i++) {
        box bx = {g.x0 + dx * at[i] / 100 - wpx / 2,
                  g.y0 + dy * at[i] / 100 - 15, wpx, 13};
        if (!place(placed, &bx))
            continue;
        fprintf(f, "<text%s x=\"%d\" y=\"%d\" text-anchor=\"middle\">",
                d->count > 1 ? " class=\"n\"" : "", bx.x + wpx / 2, bx.y + 10);
        html_esc(f, label, max);
        fputs("</text>", f);
        break;
    }
    fputs("</g>\n", f);
}

/* A mark's one-line description, for its tooltip. */
static void mark_line(const trace_render *r, const mark *m, html_buf *b)
{
    char ts[40];
    trace_format_short_time(ts, m->t);
    const char *node = r->lanes[m->lane].name;
    const char *peer = m->peer >= 0 ? r->lanes[m->peer].name : "?";
    html_printf(b, "%s  %s: ", ts, node);
    switch (m->kind) {
    case D_NODEUP:
        html_printf(b, "nodeup %s%s%s%s", peer, m->s1 ? " (" : "",
                  m->s1 ? m->s1 : "", m->s1 ? ")" : "");
        break;
    case D_NODEDOWN:
        html_printf(b, "nodedown %s, reason %s", peer, m->s1 ? m->s1 : "?");
        break;
    case D_HSFAIL:
        html_printf(b, "handshake with %s failed: %s", peer, m->s1 ? m->s1 : "?");
        break;
    case D_HALT: html_printf(b, "halted"); break;
    case D_RESTART:
        html_printf(b, "restarted%s%s%s", m->s1 ? " (" : "", m->s1 ? m->s1 : "",
                  m->s1 ? ")" : "");
        break;
    case D_FREEZE: html_printf(b, "frozen: silent, not dead"); break;
    case D_RESUME: html_printf(b, "resumed"); break;
    case D_GREG:
        html_printf(b, "global name %s registered to %s", m->s1 ? m->s1 : "?",
                  m->s2 ? m->s2 : "?");
        break;
    case D_GUNREG:
        html_printf(b, "global name %s unregistered%s%s", m->s1 ? m->s1 : "?",
                  m->s3 ? ", reason " : "", m->s3 ? m->s3 : "");
        break;
    case D_GCONF:
        html_printf(b, "global name clash on %s (other pid %s), resolved by %s",
                  m->s1 ? m->s1 : "?", m->s2 ? m->s2 : "?",
                  m->s3 ? m->s3 : "?");
        break;
    case D_DROP:
        html_printf(b, "message to %s dropped: %s%s%s", m->s1 ? m->s1 : "?",
                  m->s2 ? m->s2 : "?", m->s3 ? "\n" : "", m->s3 ? m->s3 : "");
        break;
    case D_EVAL: html_printf(b, "%s", m->s1 ? m->s1 : ""); break;
    default: break;
    }
}

/* The text drawn beside a mark: a peer's short name, a global name. */
static void mark_label(const trace_render *r, const mark *m, char *buf,
                       size_t n)
{
    buf[0] = '\0';
    switch (m->kind) {
    case D_NODEUP: case D_NODEDOWN: case D_HSFAIL:
        if (m->peer >= 0)
            trace_render__short_name(buf, n, r->lanes[m->peer].name);
        break;
    case D_GREG: case D_GUNREG: case D_GCONF:
        snprintf(buf, n, "%s", m->s1 ? m->s1 : "");
        break;
    case D_HALT: snprintf(buf, n, "halt"); break;
    case D_RESTART: snprintf(buf, n, "restart"); break;
    case D_FREEZE: snprintf(buf, n, "freeze"); break;
    case D_RESUME: snprintf(buf, n, "resume"); break;
    case D_DROP: snprintf(buf, n, "%s", m->s1 ? m->s1 : ""); break;
    default: break;
    }
}

/* The shape of a mark of kind k centred on x, y. */
static void put_shape(FILE *f, int k, int x, int y)
{
    const char *c = trace_render__kinds[k].color;
    switch (k) {
    case D_NODEUP:
        fprintf(f, "<path fill=\"%s\" d=\"M%d %dl6 9h-12z\"/>", c, x, y - 5);
        break;
    case D_NODEDOWN:
        fprintf(f, "<path fill=\"%s\" d=\"M%d %dl6 -9h-12z\"/>", c, x, y + 5);
        break;
    case D_HSFAIL: case D_DROP:
        fprintf(f, "<path stroke=\"%s\" stroke-width=\"2.4\" d=\"M%d %dl8 8m0 "
                "-8l-8 8\"/>", c, x - 4, y - 4);
        break;
    case D_HALT:
        fprintf(f, "<rect fill=\"%s\" x=\"%d\" y=\"%d\" width=\"10\" "
                "height=\"10\" rx=\"1\"/>", c, x - 5, y - 5);
        break;
    case D_RESTART:
        fprintf(f, "<circle fill=\"#fff\" stroke=\"%s\" stroke-width=\"2.5\" "
                "cx=\"%d\" cy=\"%d\" r=\"5\"/>", c, x, y);
        break;
    case D_FREEZE:
        fprintf(f, "<rect fill=\"#e0f2fe\" stroke=\"%s\" stroke-width=\"2\" "
                "x=\"%d\" y=\"%d\" width=\"10\" height=\"10\"/>", c, x - 5, y - 5);
        break;
    case D_RESUME:
        fprintf(f, "<path fill=\"%s\" d=\"M%d %dl9 5l-9 5z\"/>", c, x - 4, y - 5);
        break;
    case D_GREG: case D_GUNREG: case D_GCONF:
        fprintf(f, "<path fill=\"%s\" stroke=\"%s\" stroke-width=\"1.6\" "
                "d=\"M%d %dl6 6l-6 6l-6 -6z\"/>",
                k == D_GUNREG ? "#fff" : c, c, x, y - 6);
        break;
    case D_EVAL:
        fprintf(f, "<circle fill=\"#fff\" stroke=\"%s\" stroke-width=\"1.5\" "
                "cx=\"%d\" cy=\"%d\" r=\"3\"/>", c, x, y);
        break;
    default: break;
    }
}

static void put_mark(FILE *f, const trace_render *r, const layout *L,
                     const drawn *d, imap *offs, html_buf *b)
{
    const mark *m = &r->marks[d->first];
    int x = trace_render__lane_x(L, m->lane), y = trace_render__y(L, m->t);
    bool fresh;
    int *off = trace_render__imap_slot(offs, trace_render__pkey(m->lane, y),
                                       &fresh);
    x += *off;
    /* the label: the members' labels, distinct, three at most */
    char label[160] = "", one[64];
    int shown = 0;
    uint32_t nmem = d->count < MEMBERS ? d->count : MEMBERS;
    for (uint32_t i = 0; i < nmem; i++) {
        mark_label(r, &r->marks[d->mem[i]], one, sizeof one);
        if (!one[0] || strstr(label, one))
            continue;
        if (shown++ < 3)
            snprintf(label + strlen(label), sizeof label - strlen(label),
                     "%s%s", label[0] ? ", " : "", one);
    }
    if (d->count > 1 && m->kind != D_EVAL &&
        (shown > 3 || d->count > nmem || !label[0]))
        snprintf(label + strlen(label), sizeof label - strlen(label),
                 " \xc3\x97%u", d->count);
    fprintf(f, "<g class=\"mark\" data-k=\"%s\" data-n=\"%d",
            trace_render__kinds[m->kind].name, m->lane);
    if (m->peer >= 0 && m->peer != m->lane)
        fprintf(f, " %d", m->peer);
    fputs("\"><title>", f);
    html_reset(b);
    for (uint32_t i = 0; i < nmem; i++) {
        if (i)
            html_printf(b, "\n");
        mark_line(r, &r->marks[d->mem[i]], b);
    }
    if (d->count > nmem)
        html_printf(b, "\n\xe2\x80\xa6 and %u more", d->count - nmem);
    html_esc(f, b->s, 0);
    fputs("</title>", f);
    put_shape(f, m->kind, x, y);
    size_t maxc = (size_t)(L->lw / 2 - 10) * 10 / 62;
    if (label[0]) {
        fprintf(f, "<text x=\"%d\" y=\"%d\" fill=\"%s\">", x + 9, y + 4,
                trace_render__kinds[m->kind].color);
        html_esc(f, label, maxc < 4 ? 4 : maxc);
        fputs("</text>", f);
    }
    fputs("</g>\n", f);
    size_t chars = strlen(label) < maxc ? strlen(label) : maxc;
    *off += 16 + (label[0] ? (int)chars * 6 + 6 : 0);
}

void trace_render__put_arrows(FILE *f, const trace_render *r, const page *p,
                              html_buf *b)
{
    bool labels = p->A.n <= 400;
    boxes bxs = {0};
    for (size_t i = 0; i < p->A.n; i++)
        put_arrow(f, r, &p->L, &p->A.d[i], labels, &bxs, b);
    free(bxs.b);
}

void trace_render__put_marks(FILE *f, const trace_render *r, const page *p,
                             html_buf *b)
{
    imap offs = {0};
    for (size_t i = 0; i < p->M.n; i++)
        put_mark(f, r, &p->L, &p->M.d[i], &offs, b);
    trace_render__imap_free(&offs);
}
