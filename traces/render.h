/* render: a run's events as a self-contained HTML page (inline SVG, CSS
 * and a few lines of JS; nothing fetched from the network).
 *
 * The page is a sequence diagram: one lane per node, virtual time going
 * down, an arrow per message (send -> deliver or drop), shaded bands
 * while links are cut, marks for nodeup/nodedown, halt/restart,
 * freeze/resume and global names, and the shell transcript beside it;
 * checkboxes filter by node and by kind. Large traces are summarised
 * (runs of messages collapse into one arrow, caps on everything drawn),
 * so the file size stays bounded whatever the trace length.
 *
 * The renderer is a sink: feed it events in trace order (as a
 * sim_observer during a run, or as the callback of trace_store_read),
 * then write. Output depends only on the events and the options: the
 * same events give the same bytes. */
#ifndef CS_RENDER_H
#define CS_RENDER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "sim/observe.h"

typedef struct trace_render trace_render;

/* Options; a zero field takes its default. Strings are copied. */
typedef struct trace_render_opts {
    const char *title;       /* page heading (default "clustersim trace") */
    const char *subtitle;    /* a line under it, e.g. the description */
    int max_arrows;          /* arrows drawn, bundles included (3000) */
    int max_marks;           /* lane marks drawn (3000) */
    int max_lines;           /* transcript lines shown (2000) */
    int max_height;          /* diagram height in px (24000) */
} trace_render_opts;

/* What a render drew, for tests and for the CLI's summary. */
typedef struct trace_render_stats {
    uint64_t events;         /* events fed */
    int lanes;               /* nodes drawn */
    uint64_t messages;       /* remote sends and receives paired or not */
    uint64_t delivered, dropped, lost;  /* messages by fate */
    uint64_t unmatched;      /* receives with no send to pair with */
    uint64_t mismatched;     /* pairs whose terms differ (FIFO guess) */
    int arrows;              /* arrow elements drawn (bundles count 1) */
    int marks;               /* mark elements drawn */
    int lines;               /* transcript lines shown */
    uint64_t not_drawn;      /* events folded into bundles or cut off */
} trace_render_stats;

/* A renderer with options o (NULL: defaults). Free with
 * trace_render_free. Never fails (out of memory aborts). */
trace_render *trace_render_new(const trace_render_opts *o);
void trace_render_free(trace_render *r);

/* Feeds one event (ctx is the trace_render). Its strings are copied,
 * long ones truncated. Usable as trace_store_read's callback. */
void trace_render_add(void *ctx, const sim_obs_event *ev);
sim_observer trace_render_observer(trace_render *r);

/* Writes the page for every event fed so far to out. May be called
 * once. Returns 0, or -1 if a write to out failed. stats (may be NULL)
 * receives what was drawn. */
int trace_render_write(trace_render *r, FILE *out, trace_render_stats *stats);

/* Renders the n events of evs in one call (new, add each, write, free). */
int trace_render_html(const sim_obs_event *evs, size_t n,
                      const trace_render_opts *o, FILE *out,
                      trace_render_stats *stats);

#endif
