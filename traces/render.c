/* render: the renderer's public entry points (render.h) and its first
 * phase, feeding: events in, a compact model out (render_int.h).
 *
 * Two phases. Feeding (trace_render_add) keeps the model: lanes in
 * first-seen order, one arrow per remote message, connection arrows
 * (connect -> the peer's nodeup), lane marks, lane states (halted,
 * frozen), bands of time while some link is cut, and the transcript.
 * Writing (trace_render_write) closes what is still open, lays the model
 * out (render_layout.c) and prints it (render_html.c). The cut links and
 * their bands are render_bands.c's, the u64 map render_imap.c's.
 *
 * Pairing messages. A trace has no message ids: `send` is at the sender
 * (node A, peer B), `deliver`/`drop` at the receiver (node B, peer A),
 * and pids in the term are renumbered on the way (<0.87.0> at A is
 * <1.87.0> at B). Each connection is FIFO, so the k-th message A sends
 * to B is the k-th one B gets from A -- unless some were lost on the
 * way: a cut link or a connection torn down eats messages silently. So
 * a receive pairs with the first pending send from A to B whose term,
 * with the node part of pids and refs ignored, is the same, preferring
 * one sent since the link last changed state (its "epoch"); the sends
 * it overtakes were lost. With no such term it falls back to the FIFO
 * head and counts a mismatch. A `drop` with reason noconnection (a
 * message queued for a connection that never came) or connection_closed
 * (given up with the connection while a cut link held it) is the
 * sender's: one arrow from the sender, ending where the message died.
 *
 * Invariants. Memory is bounded by the number of events, not by their
 * size: every kept string is cut (terms to TERM_MAX, and only for the
 * first max_arrows * TERMS_KEPT_PER_ARROW arrows; transcript entries to
 * TEXT_MAX, the first and last halves of max_lines; names to SHORT_MAX)
 * and lives in the arena until trace_render_free. Lanes, arrows, marks
 * and lines are kept in trace order, and nothing depends on addresses,
 * hash-table order or the clock. */
#include "traces/render.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "core/term/xalloc.h"
#include "traces/render_int.h"
#include "traces/trace.h"

enum {
    TEXT_MAX = 600,          /* bytes of a transcript entry kept */
    SCAN = 4096,             /* pending sends examined per receive */
    TERMS_KEPT_PER_ARROW = 8 /* terms kept: max_arrows times this */
};

/* ---- hashes of names and terms ---- */

static uint64_t fnv(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* FNV of a term with the node part of pids, ports and refs left out: the
 * digits right after '<' (<0.87.0> at the sender is <1.87.0> at the
 * receiver, #Ref<0.1.2.3> is #Ref<2.1.2.3>). */
static uint64_t term_key(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    if (!s)
        return h;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
        if (*s == '<')
            while (s[1] >= '0' && s[1] <= '9')
                s++;
    }
    return h;
}

/* ---- the model's own parts (the rest is in render_int.h) ---- */

/* The directed pair a->b: its pending sends and its link epoch. */
struct pair {
    int *q;
    size_t head, n, cap;
    uint32_t epoch;
    int connect;             /* arrow of a pending connect, or -1 */
};

/* ---- string arena: every kept string lives here until free ---- */

struct chunk {
    chunk *next;
    size_t used, cap;
    char data[];
};

char *trace_render__arena_alloc(trace_render *r, size_t n)
{
    chunk *c = r->arena;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        c = xmalloc(sizeof *c + cap);
        c->next = r->arena;
        c->used = 0;
        c->cap = cap;
        r->arena = c;
    }
    char *p = c->data + c->used;
    c->used += n;
    return p;
}

/* Length of s cut to at most max bytes on a UTF-8 boundary. */
static size_t cut_len(const char *s, size_t max, bool *cut)
{
    size_t n = strlen(s);
    *cut = n > max;
    if (*cut) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
    }
    return n;
}

/* A copy of s cut to at most max bytes (plus an ellipsis), in the arena
 * when arena is true, else malloc'd. NULL stays NULL. */
static char *copy_cut(trace_render *r, const char *s, size_t max, bool arena)
{
    if (!s)
        return NULL;
    bool cut;
    size_t n = cut_len(s, max, &cut);
    size_t sz = n + (cut ? 4 : 1);
    char *d = arena ? trace_render__arena_alloc(r, sz) : xmalloc(sz);
    memcpy(d, s, n);
    if (cut) {
        memcpy(d + n, "\xe2\x80\xa6", 3);
        n += 3;
    }
    d[n] = '\0';
    return d;
}

const char *trace_render__keep(trace_render *r, const char *s, size_t max)
{
    return copy_cut(r, s, max, true);
}

/* One kept copy per distinct short string (names, reasons, pids). */
static const char *intern(trace_render *r, const char *s)
{
    if (!s)
        return NULL;
    if (strlen(s) > SHORT_MAX)
        return trace_render__keep(r, s, SHORT_MAX);
    for (uint64_t k = fnv(s);; k++) {
        bool fresh;
        int *v = trace_render__imap_slot(&r->strix, k, &fresh);
        if (fresh) {
            GROW(r->strs, r->nstrs, r->capstrs);
            *v = (int)r->nstrs;
            r->strs[r->nstrs] = trace_render__keep(r, s, SHORT_MAX);
            return r->strs[r->nstrs++];
        }
        if (!strcmp(r->strs[*v], s))
            return r->strs[*v];
    }
}

/* ---- new, free ---- */

trace_render *trace_render_new(const trace_render_opts *o)
{
    trace_render *r = xcalloc(1, sizeof *r);
    if (o)
        r->o = *o;
    r->title = xstrdup(r->o.title ? r->o.title : "clustersim trace");
    r->subtitle = r->o.subtitle ? xstrdup(r->o.subtitle) : NULL;
    r->o.title = r->o.subtitle = NULL;
    if (r->o.max_arrows <= 0)
        r->o.max_arrows = 3000;
    if (r->o.max_marks <= 0)
        r->o.max_marks = 3000;
    if (r->o.max_lines <= 1)
        r->o.max_lines = r->o.max_lines == 1 ? 2 : 2000;
    if (r->o.max_height <= 0)
        r->o.max_height = 24000;
    if (r->o.max_height < TOP + BOTTOM + 100)
        r->o.max_height = TOP + BOTTOM + 100;
    r->tailcap = (size_t)(r->o.max_lines - r->o.max_lines / 2);
    r->tail = xcalloc(r->tailcap, sizeof *r->tail);
    return r;
}

void trace_render_free(trace_render *r)
{
    if (!r)
        return;
    while (r->arena) {
        chunk *next = r->arena->next;
        free(r->arena);
        r->arena = next;
    }
    for (size_t i = 0; i < r->npairs; i++)
        free(r->pairs[i].q);
    for (size_t i = 0; i < r->nlines; i++)
        free((char *)r->lines[i].text);
    for (size_t i = 0; i < r->ntail; i++)
        free((char *)r->tail[(r->tailhead + i) % r->tailcap].text);
    for (size_t i = 0; i < r->nbands; i++)
        free(r->bands[i].side);
    free(r->cur.side);
    trace_render__imap_free(&r->strix);
    trace_render__imap_free(&r->pairix);
    trace_render__imap_free(&r->cuts);
    free(r->strs);
    free(r->lanes);
    free(r->ltab);
    free(r->arrows);
    free(r->pairs);
    free(r->marks);
    free(r->spans);
    free(r->bands);
    free(r->cds);
    free(r->lines);
    free(r->tail);
    free(r->others);
    free(r->title);
    free(r->subtitle);
    free(r);
}

/* ---- lanes, pairs and messages ---- */

/* The lane of node `name`, added in first-seen order. */
int trace_render__lane_of(trace_render *r, const char *name)
{
    if (2 * (r->nlanes + 1) > r->ltabcap) {
        free(r->ltab);
        r->ltabcap = r->ltabcap ? 2 * r->ltabcap : 64;
        r->ltab = xmalloc(r->ltabcap * sizeof *r->ltab);
        for (size_t i = 0; i < r->ltabcap; i++)
            r->ltab[i] = -1;
        for (size_t l = 0; l < r->nlanes; l++) {
            size_t i = fnv(r->lanes[l].name) & (r->ltabcap - 1);
            while (r->ltab[i] >= 0)
                i = (i + 1) & (r->ltabcap - 1);
            r->ltab[i] = (int)l;
        }
    }
    size_t i = fnv(name) & (r->ltabcap - 1);
    for (; r->ltab[i] >= 0; i = (i + 1) & (r->ltabcap - 1))
        if (!strcmp(r->lanes[r->ltab[i]].name, name))
            return r->ltab[i];
    GROW(r->lanes, r->nlanes, r->caplanes);
    lane_info *l = &r->lanes[r->nlanes];
    l->name = trace_render__keep(r, name, SHORT_MAX);
    l->halted = l->frozen = -1;
    r->ltab[i] = (int)r->nlanes;
    return (int)r->nlanes++;
}

static pair *pair_find(trace_render *r, int a, int b)
{
    int i = trace_render__imap_get(&r->pairix, trace_render__pkey(a, b), -1);
    return i < 0 ? NULL : &r->pairs[i];
}

static pair *pair_get(trace_render *r, int a, int b)
{
    bool fresh;
    int *v = trace_render__imap_slot(&r->pairix, trace_render__pkey(a, b),
                                     &fresh);
    if (fresh) {
        GROW(r->pairs, r->npairs, r->cappairs);
        *v = (int)r->npairs;
        memset(&r->pairs[r->npairs], 0, sizeof r->pairs[0]);
        r->pairs[r->npairs].connect = -1;
        r->npairs++;
    }
    return &r->pairs[*v];
}

/* The link a->b changed state: what was in flight on it is suspect. */
void trace_render__bump(trace_render *r, int a, int b)
{
    pair *p = pair_find(r, a, b);
    if (p)
        p->epoch++;
}

static void bump_node(trace_render *r, int x)
{
    for (size_t a = 0; a < r->nlanes; a++) {
        trace_render__bump(r, (int)a, x);
        trace_render__bump(r, x, (int)a);
    }
}

static arrow *new_arrow(trace_render *r, int64_t t, int a, int b, int kind)
{
    GROW(r->arrows, r->narrows, r->caparrows);
    arrow *w = &r->arrows[r->narrows++];
    memset(w, 0, sizeof *w);
    w->t0 = t;
    w->t1 = -1;
    w->a = a;
    w->b = b;
    w->kind = (uint8_t)kind;
    return w;
}

/* Terms are kept for the first arrows only, so memory stays bounded by
 * the number of messages, not by their size. */
static const char *keep_term(trace_render *r, const char *term)
{
    if (!term || r->terms_kept >= (uint64_t)r->o.max_arrows * TERMS_KEPT_PER_ARROW)
        return NULL;
    r->terms_kept++;
    return trace_render__keep(r, term, TERM_MAX);
}

static void msg_send(trace_render *r, const sim_obs_event *ev, int a, int b)
{
    pair *p = pair_get(r, a, b);
    arrow *w = new_arrow(r, ev->t, a, b, D_LOST);
    w->epoch = p->epoch;
    w->key = term_key(ev->term);
    w->term = keep_term(r, ev->term);
    w->to = intern(r, ev->to);
    GROW(p->q, p->n, p->cap);
    p->q[p->n++] = (int)(w - r->arrows);
}

/* The pending send from a to b that a receive of term key `key` pairs
 * with (see the file comment), or -1. Sends it overtakes stay lost. */
static int msg_take(trace_render *r, int a, int b, uint64_t key, bool use_epoch)
{
    pair *p = pair_find(r, a, b);
    size_t avail = p ? p->n - p->head : 0;
    size_t lim = avail < SCAN ? avail : SCAN;
    size_t pick = lim;
    for (size_t i = 0; use_epoch && i < lim && pick == lim; i++) {
        const arrow *w = &r->arrows[p->q[p->head + i]];
        if (w->key == key && w->epoch == p->epoch)
            pick = i;
    }
    for (size_t i = 0; i < lim && pick == lim; i++)
        if (r->arrows[p->q[p->head + i]].key == key)
            pick = i;
    if (pick == lim) {
        if (!avail)
            return -1;
        pick = 0;
        r->mismatched++;
    }
    int idx = p->q[p->head + pick];
    p->head += pick + 1;
    if (p->head == p->n) {
        p->head = p->n = 0;
    } else if (p->head > 64 && p->head > p->n / 2) {
        memmove(p->q, p->q + p->head, (p->n - p->head) * sizeof *p->q);
        p->n -= p->head;
        p->head = 0;
    }
    return idx;
}

/* A deliver or drop at lane b of a message from lane a. */
static void msg_recv(trace_render *r, const sim_obs_event *ev, int a, int b,
                     int kind, bool at_sender)
{
    int from = at_sender ? b : a, to = at_sender ? a : b;
    uint64_t key = term_key(ev->term);
    int idx = msg_take(r, from, to, key, !at_sender);
    arrow *w;
    if (idx < 0) {
        r->unmatched++;
        w = new_arrow(r, ev->t, from, to, kind);
        w->orphan = true;
        w->term = keep_term(r, ev->term);
        w->to = intern(r, ev->to);
    } else {
        w = &r->arrows[idx];
        w->kind = (uint8_t)kind;
    }
    w->t1 = ev->t;
    w->at_sender = at_sender;
    if (kind == D_DROP)
        w->reason = intern(r, ev->reason);
}

static void add_mark(trace_render *r, int64_t t, int lane, int peer, int kind,
                     const char *s1, const char *s2, const char *s3)
{
    GROW(r->marks, r->nmarks, r->capmarks);
    mark *m = &r->marks[r->nmarks++];
    m->t = t;
    m->lane = lane;
    m->peer = peer;
    m->kind = (uint8_t)kind;
    m->s1 = s1;
    m->s2 = s2;
    m->s3 = s3;
}

static void add_line(trace_render *r, int64_t t, int lane, int kind, int level,
                     const char *text)
{
    tline l = {t, lane, (uint8_t)kind, (uint8_t)level,
               copy_cut(r, text, TEXT_MAX, false)};
    /* a final newline would show as an empty line under pre-wrap */
    char *e = (char *)l.text + strlen(l.text);
    while (e > l.text && e[-1] == '\n')
        *--e = '\0';
    size_t half = (size_t)(r->o.max_lines / 2);
    if (r->nlines < half) {
        GROW(r->lines, r->nlines, r->caplines);
        r->lines[r->nlines++] = l;
    } else if (r->ntail < r->tailcap) {
        r->tail[(r->tailhead + r->ntail++) % r->tailcap] = l;
    } else {
        free((char *)r->tail[r->tailhead].text);
        r->tail[r->tailhead] = l;
        r->tailhead = (r->tailhead + 1) % r->tailcap;
        r->lines_skipped++;
    }
}

/* A transcript comment, "%% [10s] partition: ...", as the CLI prints. */
static void add_comment(trace_render *r, const sim_obs_event *ev, int lane,
                        int level)
{
    char ts[40];
    trace_format_short_time(ts, ev->t);
    const char *text = ev->text ? ev->text : "";
    bool note = !strcmp(ev->kind, "note");
    size_t n = strlen(ts) + strlen(ev->kind) + strlen(text) + 16;
    char *buf = xmalloc(n);
    if (note)
        snprintf(buf, n, "%%%% [%s] %s", ts, text);
    else
        snprintf(buf, n, "%%%% [%s] %s: %s", ts, ev->kind, text);
    add_line(r, ev->t, lane, D_NOTE, level, buf);
    free(buf);
}

/* ---- feeding ---- */

static void count_other(trace_render *r, const char *kind)
{
    for (size_t i = 0; i < r->nothers; i++)
        if (!strcmp(r->others[i].kind, kind)) {
            r->others[i].n++;
            return;
        }
    GROW(r->others, r->nothers, r->capothers);
    r->others[r->nothers].kind = intern(r, kind);
    r->others[r->nothers++].n = 1;
}

static void close_span(trace_render *r, int lane, int kind, int64_t t)
{
    int64_t *since = kind == D_HALT ? &r->lanes[lane].halted
                                    : &r->lanes[lane].frozen;
    if (*since < 0)
        return;
    GROW(r->spans, r->nspans, r->capspans);
    lane_span *s = &r->spans[r->nspans++];
    s->t0 = *since;
    s->t1 = t;
    s->lane = lane;
    s->kind = (uint8_t)kind;
    *since = -1;
}

static bool is(const char *a, const char *b)
{
    return a && !strcmp(a, b);
}

/* A connection attempt from a to b ends (at b, or at a when the peer
 * never answered). */
static void connect_done(trace_render *r, int a, int b, int64_t t,
                         bool failed, bool at_peer)
{
    pair *p = pair_find(r, a, b);
    if (!p || p->connect < 0)
        return;
    arrow *w = &r->arrows[p->connect];
    w->t1 = t;
    w->failed = failed;
    w->at_sender = !at_peer;
    p->connect = -1;
}

void trace_render_add(void *ctx, const sim_obs_event *ev)
{
    trace_render *r = ctx;
    const char *k = ev->kind ? ev->kind : "";
    if (!r->events++ || ev->t < r->t_min)
        r->t_min = ev->t;
    if (r->events == 1 || ev->t > r->t_max)
        r->t_max = ev->t;
    int node = ev->node ? trace_render__lane_of(r, ev->node) : -1;
    int peer = ev->peer ? trace_render__lane_of(r, ev->peer) : -1;
    int64_t t = ev->t;

    if (is(k, "send") && node >= 0 && peer >= 0) {
        msg_send(r, ev, node, peer);
    } else if (is(k, "deliver") && node >= 0 && peer >= 0) {
        msg_recv(r, ev, peer, node, D_DELIVER, false);
    } else if (is(k, "drop") && node >= 0 && peer >= 0) {
        /* noconnection and connection_closed are the sender's drops (the
         * message never left: traces/README.md); noproc the receiver's */
        msg_recv(r, ev, peer, node, D_DROP, is(ev->reason, "noconnection") ||
                 is(ev->reason, "connection_closed"));
    } else if (is(k, "drop") && node >= 0) {
        add_mark(r, t, node, -1, D_DROP, intern(r, ev->to),
                 intern(r, ev->reason), keep_term(r, ev->term));
    } else if (is(k, "connect") && node >= 0 && peer >= 0) {
        pair *p = pair_get(r, node, peer);
        arrow *w = new_arrow(r, t, node, peer, D_CONNECT);
        p->connect = (int)(w - r->arrows);
    } else if ((is(k, "nodeup") || is(k, "handshake_fail")) && node >= 0 &&
               peer >= 0) {
        bool up = is(k, "nodeup");
        connect_done(r, peer, node, t, !up, true);
        connect_done(r, node, peer, t, !up, false);
        add_mark(r, t, node, peer, up ? D_NODEUP : D_HSFAIL,
                 intern(r, up ? ev->text : ev->reason), NULL, NULL);
    } else if (is(k, "nodedown") && node >= 0 && peer >= 0) {
        trace_render__bump(r, node, peer);
        trace_render__bump(r, peer, node);
        add_mark(r, t, node, peer, D_NODEDOWN, intern(r, ev->reason), NULL,
                 NULL);
    } else if ((is(k, "halt") || is(k, "restart")) && node >= 0) {
        bool halt = is(k, "halt");
        close_span(r, node, D_FREEZE, t);
        if (halt) {
            if (r->lanes[node].halted < 0)
                r->lanes[node].halted = t;
        } else {
            close_span(r, node, D_HALT, t);
        }
        bump_node(r, node);
        add_mark(r, t, node, -1, halt ? D_HALT : D_RESTART,
                 intern(r, ev->text), NULL, NULL);
        add_comment(r, ev, node, 0);
    } else if ((is(k, "freeze") || is(k, "resume")) && node >= 0) {
        if (is(k, "freeze")) {
            if (r->lanes[node].frozen < 0)
                r->lanes[node].frozen = t;
        } else {
            close_span(r, node, D_FREEZE, t);
        }
        add_mark(r, t, node, -1, is(k, "freeze") ? D_FREEZE : D_RESUME,
                 intern(r, ev->text), NULL, NULL);
        add_comment(r, ev, node, 0);
    } else if ((is(k, "global_register") || is(k, "global_unregister") ||
                is(k, "global_conflict")) && node >= 0) {
        int kind = is(k, "global_register") ? D_GREG
                 : is(k, "global_unregister") ? D_GUNREG : D_GCONF;
        add_mark(r, t, node, -1, kind, intern(r, ev->name),
                 intern(r, ev->pid ? ev->pid : ev->to), intern(r, ev->reason));
    } else if (is(k, "partition")) {
        trace_render__partition(r, ev);
        add_comment(r, ev, -1, 0);
    } else if (is(k, "cut") && node >= 0 && peer >= 0) {
        trace_render__cut(r, ev, node, peer);
        add_comment(r, ev, node, 0);
    } else if (is(k, "heal")) {
        trace_render__heal(r, t, node, peer);
        add_comment(r, ev, node, 0);
    } else if (is(k, "latency") || is(k, "note")) {
        add_comment(r, ev, node, 0);
    } else if (is(k, "eval") && ev->text) {
        add_line(r, t, node, D_EVAL, 0, ev->text);
        if (node >= 0)
            add_mark(r, t, node, -1, D_EVAL, trace_render__keep(r, ev->text, TERM_MAX),
                     NULL, NULL);
    } else if ((is(k, "result") || is(k, "output")) && ev->text) {
        add_line(r, t, node, is(k, "result") ? D_RESULT : D_OUTPUT, 0,
                 ev->text);
    } else if (is(k, "log") && ev->text) {
        /* as the transcript: reports below notice are not shown */
        if (is(ev->reason, "info") || is(ev->reason, "debug"))
            count_other(r, k);
        else
            add_line(r, t, node, D_LOG,
                     is(ev->reason, "error") ? 2
                     : is(ev->reason, "warning") ? 1 : 0, ev->text);
    } else if ((is(k, "expect") || is(k, "check")) && is(ev->reason, "fail") &&
               ev->text) {
        add_comment(r, ev, node, 1);
    } else if (is(k, "deliver")) {
        count_other(r, "local message");
    } else {
        count_other(r, k);
    }
}

sim_observer trace_render_observer(trace_render *r)
{
    sim_observer o = {trace_render_add, r};
    return o;
}

/* ---- writing ---- */

const tline *trace_render__line_at(const trace_render *r, size_t i)
{
    return i < r->nlines ? &r->lines[i]
                         : &r->tail[(r->tailhead + i - r->nlines) % r->tailcap];
}

/* Closes what is still open when the trace ends. */
static void finish(trace_render *r)
{
    if (r->finished)
        return;
    r->finished = true;
    for (size_t i = 0; i < r->nlanes; i++) {
        close_span(r, (int)i, D_HALT, r->t_max);
        close_span(r, (int)i, D_FREEZE, r->t_max);
    }
    trace_render__bands_end(r);
}

int trace_render_write(trace_render *r, FILE *f, trace_render_stats *st)
{
    finish(r);
    page p;
    trace_render__page_init(&p, r);
    if (st)
        *st = p.st;
    int rc = trace_render__put_page(f, r, &p);
    trace_render__page_fini(&p);
    return rc;
}

int trace_render_html(const sim_obs_event *evs, size_t n,
                      const trace_render_opts *o, FILE *out,
                      trace_render_stats *stats)
{
    trace_render *r = trace_render_new(o);
    for (size_t i = 0; i < n; i++)
        trace_render_add(r, &evs[i]);
    int rc = trace_render_write(r, out, stats);
    trace_render_free(r);
    return rc;
}
