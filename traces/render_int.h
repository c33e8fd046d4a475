/* render_int: what the renderer's files share, and no one else: the
 * model that feeding builds (render.c), the page layout computed from it
 * (render_layout.c) and the functions one file calls in another
 * (trace_render__ names). render.h is the interface to the rest of
 * clustersim.
 *
 * The model belongs to the trace_render: every kept string lives in its
 * arena until trace_render_free, so the pointers below stay valid for
 * its whole life. Once writing starts (trace_render_write) the model is
 * only read; a page (render_layout.c) borrows it and owns only its own
 * arrays. */
#ifndef CS_RENDER_INT_H
#define CS_RENDER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "core/term/xalloc.h"
#include "traces/html.h"
#include "traces/render.h"

/* Makes room for one more element in the growing array a of n of cap. */
#define GROW(a, n, cap)                                         \
    do {                                                        \
        if ((n) == (cap)) {                                     \
            (cap) = (cap) ? 2 * (cap) : 16;                     \
            (a) = xrealloc((a), (cap) * sizeof *(a));           \
        }                                                       \
    } while (0)

enum {
    TERM_MAX = 240,          /* bytes of a term kept for titles */
    SHORT_MAX = 120,         /* bytes of names, reasons, destinations */
    TOP = 28, BOTTOM = 36,   /* diagram margins, px */
    AXIS_W = 92,             /* width of the time axis column, px */
    MAX_BANDS = 400,         /* cut bands drawn, and lane spans */
    MEMBERS = 5              /* bundled marks described in a title */
};

/* What gets drawn, by the kind shown in the page's filters (data-k). */
enum dk {
    D_DELIVER, D_DROP, D_LOST, D_CONNECT, D_NODEUP, D_NODEDOWN, D_HSFAIL,
    D_HALT, D_RESTART, D_FREEZE, D_RESUME, D_GREG, D_GUNREG, D_GCONF,
    D_CUT, D_EVAL, D_RESULT, D_OUTPUT, D_LOG, D_NOTE, D_NKINDS
};

/* ---- u64 -> int map, open addressing; never iterated where order shows
 * (render_imap.c) ---- */

typedef struct imap {
    uint64_t *keys;  /* key + 1; 0 marks a free slot */
    int *vals;
    size_t cap, n;
} imap;

/* A 64-bit mixer (murmur3's finaliser): the map's hash, and bundles'. */
uint64_t trace_render__mix64(uint64_t x);
/* Frees m's arrays and empties it; m itself is the caller's. */
void trace_render__imap_free(imap *m);
/* Empties m, keeping its arrays. */
void trace_render__imap_clear(imap *m);
/* The value slot of key, added with value 0 if missing (*fresh tells
 * which). The pointer is valid until the next insertion. */
int *trace_render__imap_slot(imap *m, uint64_t key, bool *fresh);
/* The value of key, or missing. */
int trace_render__imap_get(const imap *m, uint64_t key, int missing);
/* Removes key if present. */
void trace_render__imap_del(imap *m, uint64_t key);

/* The map key of the lane pair (a, b), or of (lane, y). */
static inline uint64_t trace_render__pkey(int a, int b)
{
    return (uint64_t)(uint32_t)a << 32 | (uint32_t)b;
}

/* ---- the model (built by render.c) ---- */

typedef struct chunk chunk;      /* the string arena's; render.c */
typedef struct pair pair;        /* pending sends a->b; render.c */
typedef struct cutdesc cutdesc;  /* what cut a link; render.c */

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
    bool at_sender;          /* dropped before leaving (noconnection,
                              * connection_closed) */
    bool orphan;             /* a receive no send was found for */
    bool failed;             /* D_CONNECT: the handshake failed */
    uint64_t key;            /* term_key of the term */
    const char *term, *to, *reason;
} arrow;

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

/* The i-th transcript line kept, i < nlines + ntail: the first ones,
 * then the ring of the last ones. */
const tline *trace_render__line_at(const trace_render *r, size_t i);

/* ---- feeding's helpers (render.c) ---- */

/* n bytes in r's string arena, alive until trace_render_free. */
char *trace_render__arena_alloc(trace_render *r, size_t n);
/* A copy of s cut to max bytes, in r's arena. */
const char *trace_render__keep(trace_render *r, const char *s, size_t max);
/* The lane of a node name, made on first sight (trace order). */
int trace_render__lane_of(trace_render *r, const char *name);
/* The link a -> b changed state: its messages start a new epoch. */
void trace_render__bump(trace_render *r, int a, int b);

/* ---- cut links and bands (render_bands.c) ---- */

/* A partition, cut or heal event: the links it changes, and the bands. */
void trace_render__partition(trace_render *r, const sim_obs_event *ev);
void trace_render__cut(trace_render *r, const sim_obs_event *ev, int a, int b);
/* heal of a <-> b, or of every link when a or b is -1, at t. */
void trace_render__heal(trace_render *r, int64_t t, int a, int b);
/* The trace ended: a band still open ends at its last event. */
void trace_render__bands_end(trace_render *r);

/* ---- the page: rows, bundles and counts (render_layout.c) ---- */

typedef struct layout {
    int64_t *rows;           /* distinct times, ascending */
    int *ys;                 /* their y */
    size_t nrows;
    int lw, width, height;
    bool scaled;             /* gaps shrunk to fit max_height */
} layout;

/* One element drawn: an arrow or a mark, or a bundle of them. */
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

/* Where an arrow is drawn, and what its end shows. */
typedef struct geo {
    int x0, y0, x1, y1;
    bool head, cross;        /* an arrowhead / a cross at the end */
} geo;

/* Everything the page shows, laid out and summarised. */
typedef struct page {
    layout L;
    bundler A, M;            /* arrows and marks to draw, in trace order */
    uint64_t acut;           /* arrows that did not fit max_arrows at all */
    uint64_t cnt[D_NKINDS];  /* elements by kind, for the filters */
    uint64_t msgs;           /* arrows that are messages (not connects) */
    uint64_t folded_a, folded_m;  /* arrows, marks folded into bundles */
    uint64_t over;           /* bands and spans past MAX_BANDS */
    size_t nl;               /* transcript lines kept */
    trace_render_stats st;   /* what trace_render_write reports */
} page;

/* Lays out the model of r, which must be finished (no band or lane
 * state still open), into p; p owns arrays until trace_render__page_fini.
 * Never fails (out of memory aborts). */
void trace_render__page_init(page *p, const trace_render *r);
void trace_render__page_fini(page *p);

/* 8 * log2(x) with three bits of fraction, in integers (x >= 1). */
int trace_render__lg8(uint64_t x);
/* The y of time t: the row at or before t. */
int trace_render__y(const layout *L, int64_t t);
/* The x of a lane's line. */
int trace_render__lane_x(const layout *L, int lane);
/* Where arrow w goes, for drawing and for bundling. */
void trace_render__arrow_geo(const layout *L, const arrow *w, geo *g);
/* The kind w is counted and filtered as: D_LOST if it never arrived. */
int trace_render__arrow_kind(const arrow *w);

/* ---- output (render_html.c) ---- */

/* Writes the page p of r to f. Returns 0, or -1 if a write failed. */
int trace_render__put_page(FILE *f, const trace_render *r, const page *p);

/* Each kind's name in the filters (data-k), its checkbox label and its
 * colour, by enum dk; the lanes' colours (render_html.c). */
typedef struct dk_style {
    const char *name, *label, *color;
} dk_style;
extern const dk_style trace_render__kinds[D_NKINDS];
enum { NCOLORS = 10 };
extern const char *const trace_render__lane_colors[NCOLORS];
/* The part of a node name before '@', cut to n - 1 bytes. */
void trace_render__short_name(char *buf, size_t n, const char *name);

/* ---- the diagram's arrows and marks (render_svg.c) ---- */

/* Prints the page's arrows / marks; b is scratch space for titles. */
void trace_render__put_arrows(FILE *f, const trace_render *r, const page *p,
                              html_buf *b);
void trace_render__put_marks(FILE *f, const trace_render *r, const page *p,
                             html_buf *b);

#endif
