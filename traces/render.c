/* render: the HTML sequence diagram of a run (see render.h).
 *
 * Two phases. Feeding (trace_render_add) keeps a compact model: lanes in
 * first-seen order, one arrow per remote message, connection arrows
 * (connect -> the peer's nodeup), lane marks, lane states (halted,
 * frozen), bands of time while some link is cut, and the transcript.
 * Writing lays the model out and prints it.
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
 * head and counts a mismatch. A `drop` with reason noconnection is the
 * sender's (a message queued for a connection that never came).
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
 * max_lines; bands; terms kept), so the page size is bounded.
 *
 * Determinism: nothing depends on addresses, hash-table order or the
 * clock; numbers print in the C locale. Every string from the trace is
 * HTML-escaped, invalid UTF-8 replaced, so a term cannot break the page. */
#include "traces/render.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "core/xalloc.h"
#include "traces/trace.h"

#define GROW(a, n, cap)                                         \
    do {                                                        \
        if ((n) == (cap)) {                                     \
            (cap) = (cap) ? 2 * (cap) : 16;                     \
            (a) = xrealloc((a), (cap) * sizeof *(a));           \
        }                                                       \
    } while (0)

enum {
    TERM_MAX = 240,          /* bytes of a term kept for titles */
    TEXT_MAX = 600,          /* bytes of a transcript entry kept */
    SHORT_MAX = 120,         /* bytes of names, reasons, destinations */
    TOP = 28, BOTTOM = 36,   /* diagram margins, px */
    AXIS_W = 92,             /* width of the time axis column, px */
    SCAN = 4096,             /* pending sends examined per receive */
    TERMS_KEPT_PER_ARROW = 8, /* terms kept: max_arrows times this */
    MAX_BANDS = 400,         /* cut bands drawn, and lane spans */
    MEMBERS = 5              /* bundled marks described in a title */
};

/* What gets drawn, by the kind shown in the page's filters (data-k). */
enum dk {
    D_DELIVER, D_DROP, D_LOST, D_CONNECT, D_NODEUP, D_NODEDOWN, D_HSFAIL,
    D_HALT, D_RESTART, D_FREEZE, D_RESUME, D_GREG, D_GUNREG, D_GCONF,
    D_CUT, D_EVAL, D_RESULT, D_OUTPUT, D_LOG, D_NOTE, D_NKINDS
};

static const struct {
    const char *name, *label, *color;
} kinds[D_NKINDS] = {
    {"deliver", "messages", "#334155"},
    {"drop", "dropped", "#dc2626"},
    {"lost", "lost", "#dc2626"},
    {"connect", "connects", "#94a3b8"},
    {"nodeup", "nodeup", "#16a34a"},
    {"nodedown", "nodedown", "#dc2626"},
    {"handshake_fail", "handshake fail", "#ea580c"},
    {"halt", "halt", "#111827"},
    {"restart", "restart", "#16a34a"},
    {"freeze", "freeze", "#0284c7"},
    {"resume", "resume", "#0284c7"},
    {"global_register", "global register", "#7c3aed"},
    {"global_unregister", "global unregister", "#7c3aed"},
    {"global_conflict", "global conflict", "#d97706"},
    {"cut", "cut links", "#fca5a5"},
    {"eval", "shell input", "#64748b"},
    {"result", "results", "#cbd5e1"},
    {"output", "output", "#6ee7b7"},
    {"log", "logs", "#fcd34d"},
    {"note", "notes", "#94a3b8"},
};

/* Lane colours: distinct, none of them the red of failures. */
static const char *const lane_colors[] = {
    "#2563eb", "#db2777", "#059669", "#d97706", "#7c3aed",
    "#0891b2", "#4d7c0f", "#92400e", "#c026d3", "#475569",
};
#define NCOLORS ((int)(sizeof lane_colors / sizeof lane_colors[0]))

/* Colours of the sides of a partition. */
static const char *const side_colors[] = {
    "#f59e0b", "#8b5cf6", "#10b981", "#ec4899", "#0ea5e9", "#84cc16",
};
#define NSIDES ((int)(sizeof side_colors / sizeof side_colors[0]))

/* ---- string arena: every kept string lives here until free ---- */

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    char data[];
} chunk;

/* ---- u64 -> int map, open addressing; never iterated where order shows ---- */

typedef struct imap {
    uint64_t *keys;  /* key + 1; 0 marks a free slot */
    int *vals;
    size_t cap, n;
} imap;

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
}

static void imap_free(imap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static void imap_clear(imap *m)
{
    if (m->keys)
        memset(m->keys, 0, m->cap * sizeof *m->keys);
    m->n = 0;
}

/* The value slot of key; *fresh tells if it was just added (value 0). */
static int *imap_slot(imap *m, uint64_t key, bool *fresh)
{
    if (2 * (m->n + 1) > m->cap) {
        imap old = *m;
        m->cap = old.cap ? 2 * old.cap : 64;
        m->keys = xcalloc(m->cap, sizeof *m->keys);
        m->vals = xcalloc(m->cap, sizeof *m->vals);
        m->n = 0;
        for (size_t i = 0; i < old.cap; i++)
            if (old.keys[i]) {
                bool f;
                *imap_slot(m, old.keys[i] - 1, &f) = old.vals[i];
            }
        free(old.keys);
        free(old.vals);
    }
    size_t mask = m->cap - 1;
    for (size_t i = mix64(key) & mask;; i = (i + 1) & mask) {
        if (m->keys[i] == key + 1) {
            *fresh = false;
            return &m->vals[i];
        }
        if (!m->keys[i]) {
            m->keys[i] = key + 1;
            m->vals[i] = 0;
            m->n++;
            *fresh = true;
            return &m->vals[i];
        }
    }
}

static int imap_get(const imap *m, uint64_t key, int missing)
{
    if (!m->cap)
        return missing;
    size_t mask = m->cap - 1;
    for (size_t i = mix64(key) & mask; m->keys[i]; i = (i + 1) & mask)
        if (m->keys[i] == key + 1)
            return m->vals[i];
    return missing;
}

static void imap_del(imap *m, uint64_t key)
{
    /* Backward-shift deletion keeps probe chains intact. */
    if (!m->cap)
        return;
    size_t mask = m->cap - 1, i = mix64(key) & mask;
    while (m->keys[i] && m->keys[i] != key + 1)
        i = (i + 1) & mask;
    if (!m->keys[i])
        return;
    m->keys[i] = 0;
    m->n--;
    for (size_t j = (i + 1) & mask; m->keys[j]; j = (j + 1) & mask) {
        size_t home = mix64(m->keys[j] - 1) & mask;
        if (((j - home) & mask) >= ((j - i) & mask)) {
            m->keys[i] = m->keys[j];
            m->vals[i] = m->vals[j];
            m->keys[j] = 0;
            i = j;
        }
    }
}

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

/* ---- the model ---- */

typedef struct lane_info {
    const char *name;
    int64_t halted, frozen;  /* since when, or -1 */
} lane_info;

/* A message or a connection attempt. t1 < 0: never arrived. */
typedef struct arrow {
    int64_t t0, t1;
    int a, b;                /* from lane, to lane */
    uint32_t epoch;          /* the pair's epoch when sent */
    uint8_t kind;            /* D_DELIVER, D_DROP, D_LOST, D_CONNECT */
    bool at_sender;          /* dropped before leaving (noconnection) */
    bool orphan;             /* a receive no send was found for */
    bool failed;             /* D_CONNECT: the handshake failed */
    uint64_t key;            /* term_key of the term */
    const char *term, *to, *reason;
} arrow;

/* The directed pair a->b: its pending sends and its link epoch. */
typedef struct pair {
    int *q;
    size_t head, n, cap;
    uint32_t epoch;
    int connect;             /* arrow of a pending connect, or -1 */
} pair;

typedef struct mark {
    int64_t t;
    int lane, peer;          /* peer lane or -1 */
    uint8_t kind;
    const char *s1, *s2, *s3;  /* kind-specific: name, pid, reason... */
} mark;

typedef struct lane_span {        /* a lane state: halted or frozen */
    int64_t t0, t1;
    int lane;
    uint8_t kind;            /* D_HALT or D_FREEZE */
} lane_span;

typedef struct band {        /* a time interval with some link cut */
    int64_t t0, t1;
    const char *label;
    bool open_end;           /* never healed before the trace ended */
    uint8_t *side;           /* per lane side number, or NULL */
    int nside;               /* lanes covered by side[] */
} band;

typedef struct tline {
    int64_t t;
    int lane;                /* -1: not a node's */
    uint8_t kind;            /* D_EVAL .. D_NOTE */
    uint8_t level;           /* D_LOG: 2 error, 1 warning, 0 other;
                                D_NOTE: 1 for a failed expectation */
    const char *text;
} tline;

typedef struct cutdesc {     /* what cut links: a partition or cut event */
    const char *label;
    int refs;                /* links it still holds cut */
} cutdesc;

typedef struct other {       /* an event kind not drawn, and its count */
    const char *kind;
    uint64_t n;
} other;

struct trace_render {
    trace_render_opts o;
    char *title, *subtitle;
    chunk *arena;
    imap strix;              /* interned short strings: FNV -> strs index */
    const char **strs;
    size_t nstrs, capstrs;
    lane_info *lanes;
    size_t nlanes, caplanes;
    int *ltab;               /* lane name hash table, -1 free */
    size_t ltabcap;
    arrow *arrows;
    size_t narrows, caparrows;
    pair *pairs;
    size_t npairs, cappairs;
    imap pairix;             /* (a, b) -> pairs index */
    mark *marks;
    size_t nmarks, capmarks;
    lane_span *spans;
    size_t nspans, capspans;
    band *bands;
    size_t nbands, capbands;
    band cur;                /* the band open since cur.t0, if band_open */
    bool band_open;
    imap cuts;               /* cut link (a, b) -> cds index */
    cutdesc *cds;
    size_t ncds, capcds;
    tline *lines;            /* the first lines, up to max_lines / 2 */
    size_t nlines, caplines;
    tline *tail;             /* ring of the last max_lines - max_lines / 2 */
    size_t ntail, tailhead, tailcap;
    uint64_t lines_skipped;
    other *others;
    size_t nothers, capothers;
    uint64_t events, terms_kept, unmatched, mismatched;
    int64_t t_min, t_max;
    bool finished;
};

static uint64_t pkey(int a, int b)
{
    return (uint64_t)(uint32_t)a << 32 | (uint32_t)b;
}

static char *arena_alloc(trace_render *r, size_t n)
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
    char *d = arena ? arena_alloc(r, sz) : xmalloc(sz);
    memcpy(d, s, n);
    if (cut) {
        memcpy(d + n, "\xe2\x80\xa6", 3);
        n += 3;
    }
    d[n] = '\0';
    return d;
}

static const char *keep(trace_render *r, const char *s, size_t max)
{
    return copy_cut(r, s, max, true);
}

/* One kept copy per distinct short string (names, reasons, pids). */
static const char *intern(trace_render *r, const char *s)
{
    if (!s)
        return NULL;
    if (strlen(s) > SHORT_MAX)
        return keep(r, s, SHORT_MAX);
    for (uint64_t k = fnv(s);; k++) {
        bool fresh;
        int *v = imap_slot(&r->strix, k, &fresh);
        if (fresh) {
            GROW(r->strs, r->nstrs, r->capstrs);
            *v = (int)r->nstrs;
            r->strs[r->nstrs] = keep(r, s, SHORT_MAX);
            return r->strs[r->nstrs++];
        }
        if (!strcmp(r->strs[*v], s))
            return r->strs[*v];
    }
}

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
    imap_free(&r->strix);
    imap_free(&r->pairix);
    imap_free(&r->cuts);
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

/* The lane of node `name`, added in first-seen order. */
static int lane_of(trace_render *r, const char *name)
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
    l->name = keep(r, name, SHORT_MAX);
    l->halted = l->frozen = -1;
    r->ltab[i] = (int)r->nlanes;
    return (int)r->nlanes++;
}

static pair *pair_find(trace_render *r, int a, int b)
{
    int i = imap_get(&r->pairix, pkey(a, b), -1);
    return i < 0 ? NULL : &r->pairs[i];
}

static pair *pair_get(trace_render *r, int a, int b)
{
    bool fresh;
    int *v = imap_slot(&r->pairix, pkey(a, b), &fresh);
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
static void bump(trace_render *r, int a, int b)
{
    pair *p = pair_find(r, a, b);
    if (p)
        p->epoch++;
}

static void bump_node(trace_render *r, int x)
{
    for (size_t a = 0; a < r->nlanes; a++) {
        bump(r, (int)a, x);
        bump(r, x, (int)a);
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
    return keep(r, term, TERM_MAX);
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

/* "10s", "1.5s", "0.00025s": seconds without trailing zeros, as the
 * transcript writes them. */
static void short_time(char buf[40], int64_t us)
{
    char t[32];
    trace_format_time(t, us);
    size_t n = strlen(t);
    while (n > 0 && t[n - 1] == '0')
        n--;
    if (n > 0 && t[n - 1] == '.')
        n--;
    t[n] = '\0';
    snprintf(buf, 40, "%ss", t);
}

/* A transcript comment, "%% [10s] partition: ...", as the CLI prints. */
static void add_comment(trace_render *r, const sim_obs_event *ev, int lane,
                        int level)
{
    char ts[40];
    short_time(ts, ev->t);
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

/* ---- cut links and the bands they shade ---- */

static int cut_find(const trace_render *r, int a, int b)
{
    return imap_get(&r->cuts, pkey(a, b), -1);
}

static void link_cut(trace_render *r, int a, int b, int cd)
{
    bool fresh;
    int *v = imap_slot(&r->cuts, pkey(a, b), &fresh);
    if (!fresh)
        r->cds[*v].refs--;
    *v = cd;
    r->cds[cd].refs++;
    bump(r, a, b);
}

static void link_heal(trace_render *r, int a, int b)
{
    int v = cut_find(r, a, b);
    if (v < 0)
        return;
    r->cds[v].refs--;
    imap_del(&r->cuts, pkey(a, b));
    bump(r, a, b);
}

static void heal_all(trace_render *r)
{
    /* DETERMINISM: bumps commute, so slot order does not show. */
    for (size_t i = 0; i < r->cuts.cap; i++)
        if (r->cuts.keys[i]) {
            uint64_t k = r->cuts.keys[i] - 1;
            bump(r, (int)(k >> 32), (int)(uint32_t)k);
        }
    imap_clear(&r->cuts);
    for (size_t i = 0; i < r->ncds; i++)
        r->cds[i].refs = 0;
}

static int new_cutdesc(trace_render *r, const char *label)
{
    GROW(r->cds, r->ncds, r->capcds);
    r->cds[r->ncds].label = keep(r, label, SHORT_MAX * 4);
    r->cds[r->ncds].refs = 0;
    return (int)r->ncds++;
}

/* Sides of the cluster while links are cut: connected components of the
 * lanes over links up both ways. NULL when it is still one piece (or too
 * many lanes to be worth the n^2). */
static uint8_t *compute_sides(trace_render *r, int *nside)
{
    int n = (int)r->nlanes;
    *nside = 0;
    if (n < 2 || n > 64)
        return NULL;
    int parent[64];
    for (int i = 0; i < n; i++)
        parent[i] = i;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (cut_find(r, i, j) < 0 && cut_find(r, j, i) < 0) {
                int x = i, y = j;
                while (parent[x] != x)
                    x = parent[x];
                while (parent[y] != y)
                    y = parent[y];
                if (x != y)
                    parent[x > y ? x : y] = x < y ? x : y;
            }
    /* DETERMINISM: sides numbered by their lowest lane. */
    uint8_t *side = xmalloc((size_t)n);
    int count = 0, id[64];
    for (int i = 0; i < n; i++) {
        int x = i;
        while (parent[x] != x)
            x = parent[x];
        if (x == i)
            id[i] = count++;
        side[i] = (uint8_t)id[x];
    }
    if (count < 2) {
        free(side);
        return NULL;
    }
    *nside = n;
    return side;
}

/* Closes the open band at t and opens the next if links are still cut. */
static void bands_changed(trace_render *r, int64_t t)
{
    if (r->band_open) {
        r->band_open = false;
        if (t > r->cur.t0) {
            r->cur.t1 = t;
            GROW(r->bands, r->nbands, r->capbands);
            r->bands[r->nbands++] = r->cur;
        } else {
            free(r->cur.side);
        }
        r->cur.side = NULL;
    }
    if (!r->cuts.n)
        return;
    size_t len = 0;
    for (size_t i = 0; i < r->ncds; i++)
        if (r->cds[i].refs > 0)
            len += strlen(r->cds[i].label) + 2;
    char *label = arena_alloc(r, len + 1);
    label[0] = '\0';
    for (size_t i = 0; i < r->ncds; i++)
        if (r->cds[i].refs > 0) {
            if (label[0])
                strcat(label, "; ");
            strcat(label, r->cds[i].label);
        }
    r->cur.t0 = t;
    r->cur.t1 = -1;
    r->cur.label = label;
    r->cur.open_end = false;
    r->cur.side = compute_sides(r, &r->cur.nside);
    r->band_open = true;
}

/* "[a@h,b@h] | [c@h]": cuts every link between two groups. */
static void on_partition(trace_render *r, const sim_obs_event *ev)
{
    const char *s = ev->text ? ev->text : "";
    int *group = xmalloc((strlen(s) + 1) * sizeof *group);
    int *who = xmalloc((strlen(s) + 1) * sizeof *who);
    int n = 0, g = -1;
    char name[256];
    for (const char *p = s; *p;) {
        if (*p == '[') {
            g++;
            p++;
        } else if (*p == ']' || *p == ',' || *p == '|' || *p == ' ') {
            p++;
        } else {
            size_t k = strcspn(p, "[],| ");
            if (g >= 0 && k < sizeof name) {
                memcpy(name, p, k);
                name[k] = '\0';
                who[n] = lane_of(r, name);
                group[n++] = g;
            }
            p += k;
        }
    }
    char label[SHORT_MAX * 4];
    snprintf(label, sizeof label, "partition %s", s);
    int cd = new_cutdesc(r, label);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            if (group[i] != group[j])
                link_cut(r, who[i], who[j], cd);
    free(group);
    free(who);
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
    int node = ev->node ? lane_of(r, ev->node) : -1;
    int peer = ev->peer ? lane_of(r, ev->peer) : -1;
    int64_t t = ev->t;

    if (is(k, "send") && node >= 0 && peer >= 0) {
        msg_send(r, ev, node, peer);
    } else if (is(k, "deliver") && node >= 0 && peer >= 0) {
        msg_recv(r, ev, peer, node, D_DELIVER, false);
    } else if (is(k, "drop") && node >= 0 && peer >= 0) {
        msg_recv(r, ev, peer, node, D_DROP, is(ev->reason, "noconnection"));
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
        bump(r, node, peer);
        bump(r, peer, node);
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
        on_partition(r, ev);
        bands_changed(r, t);
        add_comment(r, ev, -1, 0);
    } else if (is(k, "cut") && node >= 0 && peer >= 0) {
        char label[SHORT_MAX * 4];
        snprintf(label, sizeof label, "cut %s", ev->text ? ev->text : "");
        int cd = new_cutdesc(r, label);
        link_cut(r, node, peer, cd);
        if (ev->text && strstr(ev->text, "<->"))
            link_cut(r, peer, node, cd);
        bands_changed(r, t);
        add_comment(r, ev, node, 0);
    } else if (is(k, "heal")) {
        if (node >= 0 && peer >= 0) {
            link_heal(r, node, peer);
            link_heal(r, peer, node);
        } else {
            heal_all(r);
        }
        bands_changed(r, t);
        add_comment(r, ev, node, 0);
    } else if (is(k, "latency") || is(k, "note")) {
        add_comment(r, ev, node, 0);
    } else if (is(k, "eval") && ev->text) {
        add_line(r, t, node, D_EVAL, 0, ev->text);
        if (node >= 0)
            add_mark(r, t, node, -1, D_EVAL, keep(r, ev->text, TERM_MAX),
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

/* ---- layout ---- */

typedef struct layout {
    int64_t *rows;           /* distinct times, ascending */
    int *ys;                 /* their y */
    size_t nrows;
    int lw, width, height;
    bool scaled;             /* gaps shrunk to fit max_height */
} layout;

/* 8 * log2(x) with three bits of fraction, in integers (x >= 1). */
static int lg8(uint64_t x)
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
    return 13 + lg8(1 + (uint64_t)dt / 1000) * 7 / 16;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int Y(const layout *L, int64_t t)
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

static int lane_x(const layout *L, int lane)
{
    return AXIS_W + L->lw * lane + L->lw / 2;
}

static void add_row(int64_t **v, size_t *n, size_t *cap, int64_t t)
{
    GROW(*v, *n, *cap);
    (*v)[(*n)++] = t;
}

static const tline *line_at(const trace_render *r, size_t i)
{
    return i < r->nlines ? &r->lines[i]
                         : &r->tail[(r->tailhead + i - r->nlines) % r->tailcap];
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
        add_row(&v, &n, &cap, line_at(r, i)->t);
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

typedef struct drawn {
    int first;               /* arrow or mark index */
    uint32_t count;
    int64_t tlast;
    int variant, a, b, yb0, yb1;
    int mem[MEMBERS];        /* the first members (marks' labels) */
} drawn;

typedef struct bundler {
    imap ix;
    drawn *d;
    size_t n, cap;
} bundler;

/* The bundle of probe's fields; *fresh if it was just opened.
 * DETERMINISM: bundles are drawn in the order they were opened, which is
 * trace order; the hash only finds them. */
static drawn *bundle(bundler *B, const drawn *probe, bool *fresh)
{
    uint64_t h = mix64((uint64_t)(uint32_t)probe->variant << 40 ^
                       (uint64_t)(uint32_t)probe->a << 20 ^
                       (uint64_t)(uint32_t)probe->b) ^
                 mix64((uint64_t)(uint32_t)probe->yb0 << 32 |
                       (uint32_t)probe->yb1);
    for (;; h++) {
        int *v = imap_slot(&B->ix, h, fresh);
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

typedef struct geo {
    int x0, y0, x1, y1;
    bool head, cross;        /* an arrowhead / a cross at the end */
} geo;

static void arrow_geo(const layout *L, const arrow *w, geo *g)
{
    int xa = lane_x(L, w->a), xb = lane_x(L, w->b);
    g->x0 = xa;
    g->y0 = Y(L, w->t0);
    g->x1 = xb;
    g->y1 = w->t1 >= 0 ? Y(L, w->t1) : g->y0;
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
        imap_clear(&B->ix);
        B->n = 0;
        for (size_t i = 0; i < r->narrows; i++) {
            const arrow *w = &r->arrows[i];
            geo g;
            arrow_geo(L, w, &g);
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
        imap_clear(&B->ix);
        B->n = 0;
        for (size_t i = 0; i < r->nmarks; i++) {
            const mark *m = &r->marks[i];
            drawn probe = {(int)i, 1, m->t, m->kind, m->lane, 0,
                           Y(L, m->t) / bucket, 0, {0}};
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

/* ---- output ---- */

typedef struct sb {
    char *s;
    size_t n, cap;
} sb;

static void sb_printf(sb *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void sb_printf(sb *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0)
        return;
    if (b->n + (size_t)k + 1 > b->cap) {
        b->cap = 2 * (b->n + (size_t)k + 1);
        b->s = xrealloc(b->s, b->cap);
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->n, (size_t)k + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)k;
}

static void sb_reset(sb *b)
{
    b->n = 0;
    if (b->s)
        b->s[0] = '\0';
}

/* Writes s HTML-escaped (text or attribute: & < > " ' all escaped),
 * at most max characters (0: all) with an ellipsis when cut. Invalid
 * UTF-8 becomes U+FFFD; control characters but \n and \t print as \xNN. */
static void esc(FILE *f, const char *s, size_t max)
{
    size_t chars = 0;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        if (max && chars == max) {
            fputs("\xe2\x80\xa6", f);
            return;
        }
        chars++;
        unsigned c = *p;
        switch (c) {
        case '&': fputs("&amp;", f); p++; continue;
        case '<': fputs("&lt;", f); p++; continue;
        case '>': fputs("&gt;", f); p++; continue;
        case '"': fputs("&quot;", f); p++; continue;
        case '\'': fputs("&#39;", f); p++; continue;
        default: break;
        }
        if (c < 0x80) {
            if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
                fprintf(f, "\\x%02x", c);
            else
                fputc((int)c, f);
            p++;
            continue;
        }
        /* the length of a well-formed sequence (RFC 3629), or 0 */
        int n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
              : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
        unsigned lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
        unsigned hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;
        for (int i = 1; i < n; i++) {
            unsigned d = p[i];
            if (d < (i == 1 ? lo : 0x80) || d > (i == 1 ? hi : 0xbf)) {
                n = 0;
                break;
            }
        }
        if (!n) {
            fputs("\xef\xbf\xbd", f);
            p++;
        } else {
            fwrite(p, 1, (size_t)n, f);
            p += n;
        }
    }
}

/* The part of a node name before '@'. */
static void short_name(char *buf, size_t n, const char *name)
{
    size_t k = strcspn(name, "@");
    if (k >= n)
        k = n - 1;
    memcpy(buf, name, k);
    buf[k] = '\0';
}

static const char css[] =
    ":root{color-scheme:light}*{box-sizing:border-box}"
    "body{margin:0;height:100vh;display:flex;flex-direction:column;"
    "font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',"
    "Arial,sans-serif;color:#0f172a;background:#f8fafc}"
    "header{padding:10px 16px 6px;background:#fff}"
    "h1{font-size:19px;margin:0;font-weight:650}"
    "header p{margin:2px 0;color:#475569;font-size:13px}"
    "header .stats{color:#334155}"
    "header .warn{display:inline-block;color:#92400e;background:#fef3c7;"
    "border:1px solid #fde68a;border-radius:4px;padding:1px 7px}"
    ".ctl{display:flex;flex-wrap:wrap;gap:4px 18px;padding:5px 16px 7px;"
    "background:#fff;border-bottom:1px solid #e2e8f0;font-size:12px;"
    "max-height:30vh;overflow:auto}"
    ".ctl .g{display:flex;flex-wrap:wrap;gap:2px 10px;align-items:center}"
    ".ctl b{color:#64748b;font-weight:600;text-transform:uppercase;"
    "font-size:10.5px;letter-spacing:.04em}"
    ".ctl label{white-space:nowrap;cursor:pointer;color:#334155}"
    ".ctl input{margin:0 3px 0 0;vertical-align:-2px}"
    ".ctl i{display:inline-block;width:10px;height:10px;border-radius:2px;"
    "margin-right:4px;vertical-align:-1px}"
    ".ctl small{color:#94a3b8}"
    "main{flex:1;display:flex;min-height:0}"
    "#dia{flex:1 1 auto;overflow:auto;background:#fff;position:relative}"
    "#sd{cursor:crosshair}"
    ".head{position:sticky;top:0;z-index:2;background:#fff;"
    "border-bottom:1px solid #e2e8f0;width:max-content;min-width:100%}"
    "svg{display:block}"
    "#tr{flex:0 0 36%;max-width:600px;overflow:auto;position:relative;background:#0f172a;"
    "color:#e2e8f0;font:12.5px/1.45 ui-monospace,'DejaVu Sans Mono',Menlo,"
    "Consolas,monospace;padding:0 0 12px}"
    "#tr h2{position:sticky;top:0;margin:0;padding:8px 12px 6px;"
    "background:#0f172a;font:600 11px system-ui,sans-serif;color:#94a3b8;"
    "text-transform:uppercase;letter-spacing:.05em;"
    "border-bottom:1px solid #1e293b}"
    ".l{display:flex;gap:10px;padding:1px 12px 1px 7px;"
    "border-left:3px solid transparent;cursor:pointer}"
    ".l:hover{background:#1e293b}.l.sel{background:#334155}"
    ".l .t{flex:0 0 64px;text-align:right;color:#64748b}"
    ".l .x{flex:1;white-space:pre-wrap;word-break:break-word}"
    ".l[data-k=eval]{margin-top:5px}.l[data-k=eval] .x{color:#93c5fd}"
    ".l[data-k=output] .x{color:#86efac}"
    ".l[data-k=log] .x{color:#fde68a}.l.e .x{color:#fca5a5}"
    ".l[data-k=note] .x{color:#94a3b8;font-style:italic}"
    ".l.f .x{color:#f87171;font-weight:700;font-style:normal}"
    ".l.gap{color:#64748b;justify-content:center;cursor:default}"
    "footer{padding:5px 16px;font-size:11.5px;color:#64748b;background:#fff;"
    "border-top:1px solid #e2e8f0}"
    ".off{display:none}"
    ".ax{font:10.5px system-ui,sans-serif;fill:#64748b}"
    ".grid{stroke:#f1f5f9}.axl{stroke:#cbd5e1}"
    ".brk{stroke:#94a3b8;stroke-width:1.2}"
    ".lane line{stroke-width:2;stroke-opacity:.4}"
    ".lh{font:600 13px system-ui,sans-serif}"
    ".lh tspan{font-weight:400;fill:#94a3b8;font-size:11px}"
    ".band rect{fill:#fee2e2;fill-opacity:.6}"
    ".band line{stroke:#f87171;stroke-dasharray:6 4}"
    ".band text{font:600 11px system-ui,sans-serif;fill:#b91c1c}"
    ".band text.heal{fill:#15803d;font-weight:500}"
    ".msg{--c:#334155}"
    ".msg path{fill:none;stroke:var(--c);stroke-width:1.5}"
    ".msg .h{fill:var(--c);stroke:none}"
    ".msg .x{stroke:#dc2626;stroke-width:2.2}"
    ".msg.bad{--c:#dc2626}.msg.lost .s{stroke-dasharray:5 4}"
    ".msg[data-k=connect]{--c:#94a3b8}.msg[data-k=connect] .s"
    "{stroke-dasharray:3 3}"
    ".msg text{font:10.5px ui-monospace,'DejaVu Sans Mono',monospace;"
    "fill:var(--c);paint-order:stroke;stroke:#fff;stroke-width:3px;"
    "stroke-linejoin:round}"
    ".msg text.n{font:700 11px system-ui,sans-serif}"
    ".msg:hover path{stroke-width:2.8}.msg:hover .h{stroke-width:0}"
    ".mark text{font:600 10.5px system-ui,sans-serif;paint-order:stroke;"
    "stroke:#fff;stroke-width:3px;stroke-linejoin:round}"
    ".mark:hover{filter:brightness(1.3)}"
    ".cur{stroke:#f59e0b;stroke-width:2;stroke-dasharray:4 3}";

static const char js[] =
    "(function(){var d=document,dia=d.getElementById('dia'),"
    "cur=d.getElementById('cur'),sel=null;"
    "d.documentElement.classList.add('js');"
    "var boxes=d.querySelectorAll('.ctl input');"
    "function apply(){var off={};"
    "boxes.forEach(function(c){if(!c.checked)off[c.name+':'+c.value]=1;});"
    "d.querySelectorAll('[data-k]').forEach(function(e){"
    "var h=off['k:'+e.getAttribute('data-k')];"
    "(e.getAttribute('data-n')||'').split(' ').forEach(function(n){"
    "if(n&&off['n:'+n])h=1;});e.classList.toggle('off',!!h);});}"
    "boxes.forEach(function(c){c.addEventListener('change',apply);});"
    "var m=/[#&]off=([^&]*)/.exec(location.hash);"
    "if(m)decodeURIComponent(m[1]).split(',').forEach(function(v){"
    "boxes.forEach(function(c){if(c.value===v||c.getAttribute('data-label')"
    "===v)c.checked=false;});});apply();"
    "var tr=d.getElementById('tr'),lines=tr.querySelectorAll('[data-y]');"
    "function pick(e){if(sel)sel.classList.remove('sel');sel=e;"
    "if(e)e.classList.add('sel');}"
    "function go(y,how){cur.setAttribute('y1',y);cur.setAttribute('y2',y);"
    "cur.classList.remove('off');"
    "dia.scrollTo({top:Math.max(0,y-dia.clientHeight/3),behavior:how});}"
    /* the transcript line at or just before diagram row y */
    "function near(y){var b=null;lines.forEach(function(e){"
    "if(!e.classList.contains('off')&&+e.getAttribute('data-y')<=y)b=e;});"
    "return b;}"
    "function show(e){if(e){pick(e);tr.scrollTo({top:Math.max(0,"
    "e.offsetTop-tr.clientHeight/3),behavior:'smooth'});}}"
    "tr.addEventListener('click',function(ev){"
    "var e=ev.target.closest('[data-y]');if(!e)return;"
    "go(+e.getAttribute('data-y'),'smooth');pick(e);});"
    "d.getElementById('sd').addEventListener('click',function(ev){"
    "var y=ev.clientY-this.getBoundingClientRect().top;go(y,'smooth');"
    "show(near(y+2));});"
    "var t=/[#&]t=([0-9.]+)/.exec(location.hash);"
    "if(t){var us=parseFloat(t[1])*1e6,y=0;"
    "d.querySelectorAll('text[data-t]').forEach(function(e){"
    "if(+e.getAttribute('data-t')<=us)y=+e.getAttribute('data-at');});"
    "go(y,'auto');var e=near(y);if(e){pick(e);"
    "tr.scrollTop=Math.max(0,e.offsetTop-tr.clientHeight/3);}}"
    "})();";

/* Describes arrow w for its tooltip. */
static void arrow_title(const trace_render *r, const arrow *w, sb *b)
{
    const char *na = r->lanes[w->a].name, *nb = r->lanes[w->b].name;
    char t0[40], t1[40];
    short_time(t0, w->t0);
    short_time(t1, w->t1 >= 0 ? w->t1 : w->t0);
    if (w->kind == D_CONNECT) {
        sb_printf(b, "%s connects to %s at %s\n", na, nb, t0);
        if (w->t1 < 0)
            sb_printf(b, "no answer before the trace ended");
        else if (w->failed)
            sb_printf(b, "the handshake failed at %s (%s)", w->at_sender ? na : nb, t1);
        else
            sb_printf(b, "nodeup at %s: %s", nb, t1);
        return;
    }
    sb_printf(b, "%s \xe2\x86\x92 %s%s%s\n", na, nb, w->to ? "  to " : "",
              w->to ? w->to : "");
    if (w->orphan)
        sb_printf(b, "received at %s; no matching send in the trace", t1);
    else if (w->t1 < 0)
        sb_printf(b, "sent %s, never delivered: lost (link cut or "
                  "connection gone)", t0);
    else if (w->at_sender)
        sb_printf(b, "sent %s, dropped at the sender %s: %s", t0, t1,
                  w->reason ? w->reason : "?");
    else if (w->kind == D_DROP)
        sb_printf(b, "sent %s, arrived %s and dropped: %s", t0, t1,
                  w->reason ? w->reason : "?");
    else
        sb_printf(b, "sent %s, delivered %s", t0, t1);
    if (w->term)
        sb_printf(b, "\n%s", w->term);
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
    fprintf(f, "<path class=\"h\" d=\"M%d %dL%.1f %.1fL%.1f %.1fZ\"/>", g->x1,
            g->y1, bx - 3.6 * uy, by + 3.6 * ux, bx + 3.6 * uy, by - 3.6 * ux);
}

static void put_arrow(FILE *f, const trace_render *r, const layout *L,
                      const drawn *d, bool labels, boxes *placed, sb *b)
{
    const arrow *w = &r->arrows[d->first];
    geo g;
    arrow_geo(L, w, &g);
    bool bad = w->kind != D_DELIVER && w->kind != D_CONNECT;
    int kind = w->kind == D_CONNECT || w->orphan || w->t1 >= 0 ? w->kind
                                                               : D_LOST;
    fprintf(f, "<g class=\"msg c%d%s%s\" data-k=\"%s\" data-n=\"%d %d\"><title>",
            w->a % NCOLORS, bad ? " bad" : "", w->t1 < 0 ? " lost" : "",
            kinds[kind].name, w->a, w->b);
    sb_reset(b);
    if (d->count > 1) {
        char t0[40], t1[40];
        short_time(t0, w->t0);
        short_time(t1, d->tlast);
        sb_printf(b, "%u messages %s \xe2\x86\x92 %s (%s), sent %s \xe2\x80\xa6 "
                  "%s; the first:\n", d->count, r->lanes[w->a].name,
                  r->lanes[w->b].name, kinds[kind].name, t0, t1);
    }
    arrow_title(r, w, b);
    esc(f, b->s, 0);
    fputs("</title><path class=\"s\"", f);
    if (d->count > 1)  /* a bundle: thicker with the log of its size */
        fprintf(f, " style=\"stroke-width:%d\"", 2 + lg8(d->count) / 8);
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
        esc(f, label, max);
        fputs("</text>", f);
        break;
    }
    fputs("</g>\n", f);
}

/* A mark's one-line description, for its tooltip. */
static void mark_line(const trace_render *r, const mark *m, sb *b)
{
    char ts[40];
    short_time(ts, m->t);
    const char *node = r->lanes[m->lane].name;
    const char *peer = m->peer >= 0 ? r->lanes[m->peer].name : "?";
    sb_printf(b, "%s  %s: ", ts, node);
    switch (m->kind) {
    case D_NODEUP:
        sb_printf(b, "nodeup %s%s%s%s", peer, m->s1 ? " (" : "",
                  m->s1 ? m->s1 : "", m->s1 ? ")" : "");
        break;
    case D_NODEDOWN:
        sb_printf(b, "nodedown %s, reason %s", peer, m->s1 ? m->s1 : "?");
        break;
    case D_HSFAIL:
        sb_printf(b, "handshake with %s failed: %s", peer, m->s1 ? m->s1 : "?");
        break;
    case D_HALT: sb_printf(b, "halted"); break;
    case D_RESTART:
        sb_printf(b, "restarted%s%s%s", m->s1 ? " (" : "", m->s1 ? m->s1 : "",
                  m->s1 ? ")" : "");
        break;
    case D_FREEZE: sb_printf(b, "frozen: silent, not dead"); break;
    case D_RESUME: sb_printf(b, "resumed"); break;
    case D_GREG:
        sb_printf(b, "global name %s registered to %s", m->s1 ? m->s1 : "?",
                  m->s2 ? m->s2 : "?");
        break;
    case D_GUNREG:
        sb_printf(b, "global name %s unregistered%s%s", m->s1 ? m->s1 : "?",
                  m->s3 ? ", reason " : "", m->s3 ? m->s3 : "");
        break;
    case D_GCONF:
        sb_printf(b, "global name clash on %s (other pid %s), resolved by %s",
                  m->s1 ? m->s1 : "?", m->s2 ? m->s2 : "?",
                  m->s3 ? m->s3 : "?");
        break;
    case D_DROP:
        sb_printf(b, "message to %s dropped: %s%s%s", m->s1 ? m->s1 : "?",
                  m->s2 ? m->s2 : "?", m->s3 ? "\n" : "", m->s3 ? m->s3 : "");
        break;
    case D_EVAL: sb_printf(b, "%s", m->s1 ? m->s1 : ""); break;
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
            short_name(buf, n, r->lanes[m->peer].name);
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
    const char *c = kinds[k].color;
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
                     const drawn *d, imap *offs, sb *b)
{
    const mark *m = &r->marks[d->first];
    int x = lane_x(L, m->lane), y = Y(L, m->t);
    bool fresh;
    int *off = imap_slot(offs, pkey(m->lane, y), &fresh);
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
    fprintf(f, "<g class=\"mark\" data-k=\"%s\" data-n=\"%d", kinds[m->kind].name,
            m->lane);
    if (m->peer >= 0 && m->peer != m->lane)
        fprintf(f, " %d", m->peer);
    fputs("\"><title>", f);
    sb_reset(b);
    for (uint32_t i = 0; i < nmem; i++) {
        if (i)
            sb_printf(b, "\n");
        mark_line(r, &r->marks[d->mem[i]], b);
    }
    if (d->count > nmem)
        sb_printf(b, "\n\xe2\x80\xa6 and %u more", d->count - nmem);
    esc(f, b->s, 0);
    fputs("</title>", f);
    put_shape(f, m->kind, x, y);
    size_t maxc = (size_t)(L->lw / 2 - 10) * 10 / 62;
    if (label[0]) {
        fprintf(f, "<text x=\"%d\" y=\"%d\" fill=\"%s\">", x + 9, y + 4,
                kinds[m->kind].color);
        esc(f, label, maxc < 4 ? 4 : maxc);
        fputs("</text>", f);
    }
    fputs("</g>\n", f);
    size_t chars = strlen(label) < maxc ? strlen(label) : maxc;
    *off += 16 + (label[0] ? (int)chars * 6 + 6 : 0);
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
    if (r->band_open) {
        r->band_open = false;
        r->cur.t1 = r->t_max;
        r->cur.open_end = true;
        GROW(r->bands, r->nbands, r->capbands);
        r->bands[r->nbands++] = r->cur;
        r->cur.side = NULL;
    }
}

static int arrow_kind(const arrow *w)
{
    return w->kind == D_CONNECT || w->orphan || w->t1 >= 0 ? w->kind : D_LOST;
}

static void put_controls(FILE *f, const trace_render *r, const uint64_t *cnt)
{
    fputs("<div class=\"ctl\"><div class=\"g\"><b>Nodes</b>", f);
    for (size_t i = 0; i < r->nlanes; i++) {
        char sn[128];
        short_name(sn, sizeof sn, r->lanes[i].name);
        fprintf(f, "<label title=\"");
        esc(f, r->lanes[i].name, 0);
        fprintf(f, "\"><input type=\"checkbox\" name=\"n\" value=\"%zu\" "
                "data-label=\"", i);
        esc(f, r->lanes[i].name, 0);
        fprintf(f, "\" checked><i style=\"background:%s\"></i>",
                lane_colors[i % NCOLORS]);
        esc(f, sn, 24);
        fputs("</label>", f);
    }
    fputs("</div><div class=\"g\"><b>Show</b>", f);
    for (int k = 0; k < D_NKINDS; k++)
        if (cnt[k])
            fprintf(f, "<label><input type=\"checkbox\" name=\"k\" value=\"%s\" "
                    "checked><i style=\"background:%s\"></i>%s <small>%" PRIu64
                    "</small></label>", kinds[k].name, kinds[k].color,
                    kinds[k].label, cnt[k]);
    fputs("</div></div>\n", f);
}

static void put_axis(FILE *f, const layout *L)
{
    int ax = AXIS_W - 14;
    fprintf(f, "<line class=\"axl\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n",
            ax, TOP - 10, ax, L->height - BOTTOM + 10);
    int last = -1000;
    for (size_t i = 0; i < L->nrows; i++) {
        int y = L->ys[i];
        if (i && L->rows[i] - L->rows[i - 1] >= 2000000 &&
            y - L->ys[i - 1] >= 14) {
            /* a long quiet stretch, drawn short: break the axis */
            int ym = (y + L->ys[i - 1]) / 2;
            fprintf(f, "<rect fill=\"#fff\" x=\"%d\" y=\"%d\" width=\"10\" "
                    "height=\"6\"/><path class=\"brk\" d=\"M%d %dl10 -4M%d %dl10 "
                    "-4\"/>\n", ax - 5, ym - 3, ax - 5, ym - 1, ax - 5, ym + 4);
        }
        if (y - last < 18)
            continue;
        last = y;
        char ts[40];
        short_time(ts, L->rows[i]);
        fprintf(f, "<line class=\"grid\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
                "<text class=\"ax\" x=\"%d\" y=\"%d\" text-anchor=\"end\" "
                "data-t=\"%" PRId64 "\" data-at=\"%d\">%s</text>\n",
                ax, y, L->width, y, ax - 6, y + 4, L->rows[i], y, ts);
    }
}

static void put_bands(FILE *f, const trace_render *r, const layout *L, sb *b)
{
    for (size_t i = 0; i < r->nbands && i < MAX_BANDS; i++) {
        const band *bd = &r->bands[i];
        int y0 = Y(L, bd->t0), y1 = Y(L, bd->t1);
        if (y1 < y0 + 4)
            y1 = y0 + 4;
        char t0[40], t1[40];
        short_time(t0, bd->t0);
        short_time(t1, bd->t1);
        sb_reset(b);
        sb_printf(b, "%s\n%s \xe2\x80\x93 %s%s", bd->label, t0, t1,
                  bd->open_end ? " (still cut when the trace ends)" : "");
        fputs("<g class=\"band\" data-k=\"cut\"><title>", f);
        esc(f, b->s, 0);
        fprintf(f, "</title><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>"
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>",
                AXIS_W - 14, y0, L->width - AXIS_W + 14, y1 - y0,
                AXIS_W - 14, y0, L->width, y0);
        if (!bd->open_end)
            fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
                    "<text class=\"heal\" x=\"%d\" y=\"%d\">%s</text>",
                    AXIS_W - 14, y1, L->width, y1, AXIS_W - 8, y1 - 5,
                    i + 1 < r->nbands && r->bands[i + 1].t0 == bd->t1
                        ? "changed" : "healed");
        fprintf(f, "<text x=\"%d\" y=\"%d\">", AXIS_W - 8, y0 + 13);
        esc(f, bd->label, (size_t)(L->width - AXIS_W) / 7);
        fputs("</text></g>\n", f);
        for (int l = 0; l < bd->nside; l++)
            fprintf(f, "<line data-k=\"cut\" data-n=\"%d\" x1=\"%d\" y1=\"%d\" "
                    "x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"8\" "
                    "stroke-opacity=\".35\" stroke-linecap=\"round\"/>\n", l,
                    lane_x(L, l), y0 + 18, lane_x(L, l), y1 - 4,
                    side_colors[bd->side[l] % NSIDES]);
    }
}

static void put_spans(FILE *f, const trace_render *r, const layout *L, sb *b)
{
    for (size_t i = 0; i < r->nspans && i < MAX_BANDS; i++) {
        const lane_span *s = &r->spans[i];
        int x = lane_x(L, s->lane), y0 = Y(L, s->t0), y1 = Y(L, s->t1);
        char t0[40], t1[40];
        short_time(t0, s->t0);
        short_time(t1, s->t1);
        sb_reset(b);
        sb_printf(b, "%s %s %s \xe2\x80\x93 %s", r->lanes[s->lane].name,
                  s->kind == D_HALT ? "down (halted)" : "frozen", t0, t1);
        fprintf(f, "<g data-k=\"%s\" data-n=\"%d\"><title>", kinds[s->kind].name,
                s->lane);
        esc(f, b->s, 0);
        if (s->kind == D_HALT)
            fprintf(f, "</title><rect x=\"%d\" y=\"%d\" width=\"12\" height=\"%d\" "
                    "fill=\"url(#hatch)\"/></g>\n", x - 6, y0, y1 - y0);
        else
            fprintf(f, "</title><rect x=\"%d\" y=\"%d\" width=\"10\" height=\"%d\" "
                    "fill=\"#e0f2fe\" stroke=\"#0284c7\" stroke-dasharray=\"3 2\"/>"
                    "</g>\n", x - 5, y0, y1 - y0);
    }
}

static void put_lanes_head(FILE *f, const trace_render *r, const layout *L)
{
    fprintf(f, "<div class=\"head\"><svg width=\"%d\" height=\"38\">"
            "<text class=\"ax\" x=\"%d\" y=\"24\" text-anchor=\"end\">virtual "
            "time</text>\n", L->width, AXIS_W - 20);
    for (size_t i = 0; i < r->nlanes; i++) {
        const char *name = r->lanes[i].name;
        char sn[128];
        short_name(sn, sizeof sn, name);
        int x = lane_x(L, (int)i);
        size_t room = (size_t)L->lw / 8;
        fprintf(f, "<g data-k=\"lane\" data-n=\"%zu\"><title>", i);
        esc(f, name, 0);
        fprintf(f, "</title><text class=\"lh\" x=\"%d\" y=\"24\" "
                "text-anchor=\"middle\" fill=\"%s\">", x, lane_colors[i % NCOLORS]);
        esc(f, sn, room);
        if (strlen(name) > strlen(sn) && strlen(name) <= room) {
            fputs("<tspan>", f);
            esc(f, name + strlen(sn), 0);
            fputs("</tspan>", f);
        }
        fputs("</text></g>\n", f);
    }
    fputs("</svg></div>\n", f);
}

static void put_line(FILE *f, const trace_render *r, const layout *L,
                     const tline *l)
{
    char ts[40];
    short_time(ts, l->t);
    const char *cls = l->kind == D_LOG && l->level == 2 ? " e"
                    : l->kind == D_NOTE && l->level == 1 ? " f" : "";
    fprintf(f, "<div class=\"l%s", cls);
    if (l->lane >= 0)
        fprintf(f, " b%d", l->lane % NCOLORS);
    fprintf(f, "\" data-k=\"%s\"", kinds[l->kind].name);
    if (l->lane >= 0)
        fprintf(f, " data-n=\"%d\"", l->lane);
    fprintf(f, " data-y=\"%d\"><span class=\"t\">%s</span><span class=\"x\">",
            Y(L, l->t), ts);
    if (l->kind == D_LOG && l->lane >= 0) {
        fputs("%% on ", f);
        esc(f, r->lanes[l->lane].name, 0);
        fputs(":\n", f);
    }
    esc(f, l->text, 0);
    fputs("</span></div>\n", f);
}

int trace_render_write(trace_render *r, FILE *f, trace_render_stats *st)
{
    finish(r);
    layout L = {0};
    lay_out(r, &L);
    bundler A = {0}, M = {0};
    uint64_t acut, mcut;
    int abucket = bundle_arrows(r, &L, &A, &acut);
    int mbucket = bundle_marks(r, &L, &M, &mcut);

    uint64_t cnt[D_NKINDS] = {0}, msgs = 0;
    for (size_t i = 0; i < r->narrows; i++) {
        cnt[arrow_kind(&r->arrows[i])]++;
        msgs += r->arrows[i].kind != D_CONNECT;
    }
    for (size_t i = 0; i < r->nmarks; i++)
        cnt[r->marks[i].kind]++;
    cnt[D_CUT] = r->nbands;
    size_t nl = r->nlines + r->ntail;
    for (size_t i = 0; i < nl; i++)
        cnt[line_at(r, i)->kind]++;
    uint64_t folded_a = acut, folded_m = mcut;
    /* What shares a pixel row is drawn together; only what a coarser
     * bucket folded counts as summarised. */
    for (size_t i = 0; abucket > 1 && i < A.n; i++)
        folded_a += A.d[i].count - 1;
    for (size_t i = 0; mbucket > 1 && i < M.n; i++)
        folded_m += M.d[i].count - 1;
    trace_render_stats s = {0};
    s.events = r->events;
    s.lanes = (int)r->nlanes;
    s.messages = msgs;
    s.delivered = cnt[D_DELIVER];
    s.dropped = cnt[D_DROP];
    s.lost = cnt[D_LOST];
    for (size_t i = 0; i < r->nmarks; i++)
        s.dropped -= r->marks[i].kind == D_DROP;
    s.unmatched = r->unmatched;
    s.mismatched = r->mismatched;
    s.arrows = (int)A.n;
    s.marks = (int)M.n;
    s.lines = (int)nl;
    uint64_t over = (r->nbands > MAX_BANDS ? r->nbands - MAX_BANDS : 0) +
                    (r->nspans > MAX_BANDS ? r->nspans - MAX_BANDS : 0);
    s.not_drawn = folded_a + folded_m + r->lines_skipped + over;
    if (st)
        *st = s;

    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
          "<meta name=\"generator\" content=\"clustersim render\"><title>", f);
    esc(f, r->title, 0);
    fputs("</title>\n<style>", f);
    fputs(css, f);
    for (int i = 0; i < NCOLORS; i++)
        fprintf(f, ".c%d{--c:%s}.b%d{border-left-color:%s}", i, lane_colors[i],
                i, lane_colors[i]);
    fputs("</style></head>\n<body>\n<header><h1>", f);
    esc(f, r->title, 0);
    fputs("</h1>", f);
    if (r->subtitle) {
        fputs("<p>", f);
        esc(f, r->subtitle, 600);
        fputs("</p>", f);
    }
    char t0[40], t1[40];
    short_time(t0, r->events ? r->t_min : 0);
    short_time(t1, r->events ? r->t_max : 0);
    fprintf(f, "<p class=\"stats\">%zu node%s \xc2\xb7 %" PRIu64 " events \xc2\xb7 "
            "virtual time %s \xe2\x80\x93 %s \xc2\xb7 %" PRIu64 " message%s: %"
            PRIu64 " delivered, %" PRIu64 " dropped, %" PRIu64 " lost",
            r->nlanes, r->nlanes == 1 ? "" : "s", r->events, t0, t1, msgs,
            msgs == 1 ? "" : "s", s.delivered, s.dropped, s.lost);
    if (r->unmatched)
        fprintf(f, " \xc2\xb7 %" PRIu64 " received without a matching send",
                r->unmatched);
    fputs("</p>\n", f);
    if (s.not_drawn || L.scaled) {
        /* DETERMINISM: all of these are counts of the events fed. */
        fputs("<p><span class=\"warn\">Large trace, summarised:", f);
        if (folded_a)
            fprintf(f, " %" PRIu64 " messages in %zu arrows (runs between the "
                    "same two nodes bundled, \xc3\x97N)%s;", msgs, A.n,
                    acut ? ", the rest cut" : "");
        if (folded_m)
            fprintf(f, " %zu marks in %zu;", r->nmarks, M.n);
        if (r->lines_skipped)
            fprintf(f, " %" PRIu64 " transcript lines not shown;",
                    r->lines_skipped);
        if (over)
            fprintf(f, " %" PRIu64 " cut or halted intervals not drawn;", over);
        if (L.scaled)
            fputs(" time squeezed to fit;", f);
        fprintf(f, " %" PRIu64 " events not drawn one by one.</span></p>\n",
                s.not_drawn);
    }
    fputs("</header>\n", f);
    put_controls(f, r, cnt);

    fputs("<main><div id=\"dia\">\n", f);
    put_lanes_head(f, r, &L);
    fprintf(f, "<svg id=\"sd\" width=\"%d\" "
            "height=\"%d\" viewBox=\"0 0 %d %d\"><defs><pattern id=\"hatch\" "
            "width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
            "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" "
            "fill=\"#f3f4f6\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" "
            "stroke=\"#6b7280\" stroke-width=\"2.5\"/></pattern></defs>\n",
            L.width, L.height, L.width, L.height);
    put_axis(f, &L);
    sb b = {0};
    put_bands(f, r, &L, &b);
    for (size_t i = 0; i < r->nlanes; i++)
        fprintf(f, "<g class=\"lane\" data-k=\"lane\" data-n=\"%zu\"><line "
                "x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\"/></g>\n", i,
                lane_x(&L, (int)i), TOP - 10, lane_x(&L, (int)i),
                L.height - BOTTOM + 10, lane_colors[i % NCOLORS]);
    put_spans(f, r, &L, &b);
    bool labels = A.n <= 400;
    boxes bxs = {0};
    for (size_t i = 0; i < A.n; i++)
        put_arrow(f, r, &L, &A.d[i], labels, &bxs, &b);
    free(bxs.b);
    imap offs = {0};
    for (size_t i = 0; i < M.n; i++)
        put_mark(f, r, &L, &M.d[i], &offs, &b);
    imap_free(&offs);
    fprintf(f, "<line id=\"cur\" class=\"cur off\" x1=\"%d\" y1=\"0\" x2=\"%d\" "
            "y2=\"0\"/>\n</svg></div>\n", AXIS_W - 14, L.width);

    fputs("<aside id=\"tr\"><h2>Shell transcript \xc2\xb7 click a line to find "
          "it in the diagram</h2>\n", f);
    for (size_t i = 0; i < r->nlines; i++)
        put_line(f, r, &L, &r->lines[i]);
    if (r->lines_skipped)
        fprintf(f, "<div class=\"l gap\">\xe2\x80\xa6 %" PRIu64 " lines not shown "
                "\xe2\x80\xa6</div>\n", r->lines_skipped);
    for (size_t i = r->nlines; i < nl; i++)
        put_line(f, r, &L, line_at(r, i));
    fputs("</aside></main>\n<footer>Time runs down, not to scale: the step "
          "between two rows grows with the log of the virtual time between "
          "them; the axis gives the time. Arrows go from send to arrival, in "
          "the sender's colour; \xe2\x9c\x95 dropped, dashed \xe2\x9c\x95 lost "
          "in flight. Red bands: links cut. Hover anything for details; click "
          "the diagram or a transcript line to find the other. Links: "
          "#t=SECONDS jumps to a time, #off=NODE,KIND hides.", f);
    if (r->nothers) {
        fputs(" Not drawn (see the text trace):", f);
        for (size_t i = 0; i < r->nothers; i++) {
            fprintf(f, "%s %" PRIu64 " ", i ? "," : "", r->others[i].n);
            esc(f, r->others[i].kind, 40);
        }
        fputc('.', f);
    }
    fputs("</footer>\n<script>", f);
    fputs(js, f);
    fputs("</script>\n</body></html>\n", f);

    free(b.s);
    imap_free(&A.ix);
    imap_free(&M.ix);
    free(A.d);
    free(M.d);
    free(L.rows);
    free(L.ys);
    return ferror(f) ? -1 : 0;
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
