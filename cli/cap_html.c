/* cap_html: the page of `clustersim cap FILE... --html OUT` (cli/cap.h).
 *
 * One self-contained HTML page (inline CSS and SVG, one line of script,
 * nothing fetched): the table `clustersim cap` prints, then one section
 * per row (a strategy's run) with
 *   - availability over time: ok / invoked per 1 s bin of invocation
 *     time, a line per side of the partition, the partition band
 *     [partition_at, heal_at) shaded and each side's detection marked;
 *   - the history as Porcupine draws it (porcupine/visualization.go):
 *     per key, one lane per process, each operation a bar from its call
 *     to its return (an open one runs to the end, faded and dashed),
 *     coloured by outcome, with a hover title; for a history that is not
 *     linearizable, the window history_check() reports outlined and its
 *     failing operation marked;
 *   - that window replayed as Erlang shell lines, in invocation order,
 *     each followed by its outcome, with per-node prompt counters and the
 *     partition notes at their virtual times.
 * Invariants: the bytes depend on the rows alone (no clock, no pointer,
 * no locale: coordinates and times are printed from integers), and every
 * text from the run is written through html_esc (& < > " ' escaped, bidi
 * and control characters shown as their codes). */
#include "cli/cap.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "core/term/xalloc.h"
#include "traces/html.h"
#include "traces/trace.h"

#define NS_PER_S 1000000000LL
#define PLOT_W 960     /* px of the time axis, both charts */
#define LEFT 96        /* px left of the time axis (labels) */
#define AV_TOP 22
#define AV_H 150
#define AV_BOTTOM 26
#define HIST_TOP 20    /* px above the first lane (the time axis) */

/* A lane's height and its bars': roomy for a few processes, compact for
 * many (each info gives the client a new process, as Jepsen numbers
 * them). */
typedef struct lane_geom {
    int h, bar;
} lane_geom;

static void esc(FILE *f, const char *s)
{
    html_esc(f, s, 0);
}

/* Node i of the history's nodes (the workload interns the scenario's
 * nodes first, so i is also the scenario's node index); "?" unknown. */
static const char *node_name(const cli_cap_row *r, int32_t i)
{
    return i >= 0 && (size_t)i < r->h.nnodes ? r->h.nodes[i] : "?";
}

/* "12.345s": ns as seconds to the millisecond, from integers. */
static void secs(char b[32], int64_t ns)
{
    int64_t ms = (ns < 0 ? 0 : ns) / 1000000;
    snprintf(b, 32, "%" PRId64 ".%03" PRId64 "s", ms / 1000, ms % 1000);
}

/* A coordinate in tenths of a pixel, printed as "12.3". */
static void pt(FILE *f, int64_t t)
{
    if (t < 0) {
        fputc('-', f);
        t = -t;
    }
    fprintf(f, "%" PRId64 ".%" PRId64, t / 10, t % 10);
}

/* x of time ns, in tenths of a pixel. */
static int64_t xt(int64_t ns, int64_t end)
{
    if (ns < 0)
        ns = 0;
    if (ns > end)
        ns = end;
    return (int64_t)LEFT * 10 + ns * PLOT_W * 10 / end;
}

/* When side sd detected the partition, us (detect_us is the delay after
 * partition_at); -1 never. */
static int64_t detected_at(const scn_wl_result *w, int sd)
{
    if (w->partition_at < 0 || w->detect_us[sd] < 0)
        return -1;
    return w->partition_at + w->detect_us[sd];
}

/* The end of the time axis, ns: the last time the row knows (operations,
 * partition, heal, detection) rounded up to a whole second, at least 1 s. */
static int64_t row_end(const cli_cap_row *r)
{
    int64_t e = 0;
    for (size_t i = 0; i < r->h.n; i++) {
        const hist_op *op = &r->h.ops[i];
        if (op->call_time > e)
            e = op->call_time;
        if (op->ret_time > e)
            e = op->ret_time;
    }
    int64_t us[2 + CAP_NSIDES] = {r->wl.partition_at, r->wl.heal_at, -1, -1};
    for (int sd = 0; sd < CAP_NSIDES; sd++)
        us[2 + sd] = detected_at(&r->wl, sd);
    for (int k = 0; k < 2 + CAP_NSIDES; k++)
        if (us[k] >= 0 && us[k] * 1000 > e)
            e = us[k] * 1000;
    e = (e + NS_PER_S - 1) / NS_PER_S * NS_PER_S;
    return e > 0 ? e : NS_PER_S;
}

/* Seconds between ticks: at most about 12 ticks on the axis. */
static int64_t tick_step(int64_t end)
{
    static const int64_t steps[] = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600,
                                    1800, 3600, 7200, 21600, 86400};
    int64_t s = end / NS_PER_S;
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
        if (s / steps[i] <= 12)
            return steps[i];
    return s / 12 + 1;
}

static void time_axis(FILE *f, int64_t end, int64_t y0, int64_t y1)
{
    int64_t step = tick_step(end);
    fputs("<g class=\"axis\">", f);
    for (int64_t s = 0; s * NS_PER_S <= end; s += step) {
        int64_t x = xt(s * NS_PER_S, end);
        fputs("<line class=\"tick\" x1=\"", f);
        pt(f, x);
        fputs("\" x2=\"", f);
        pt(f, x);
        fprintf(f, "\" y1=\"%" PRId64 "\" y2=\"%" PRId64 "\"/>", y0, y1);
        fputs("<text class=\"tl\" x=\"", f);
        pt(f, x);
        fprintf(f, "\" y=\"%" PRId64 "\">%" PRId64 "s</text>", y0 - 6, s);
    }
    fputs("</g>\n", f);
}

static const char *const side_names[CAP_NSIDES] = {"majority", "minority"};
static const char *const side_class[CAP_NSIDES] = {"maj", "min"};

/* ---- the header: the table ---------------------------------------------- */

static void table(FILE *f, const cli_cap_row *rows, size_t n)
{
    const char *file = NULL;
    char c[CLI_CAP_NCOLS][64];
    for (size_t i = 0; i < n; i++) {
        if (!file || strcmp(file, rows[i].file)) {
            if (file)
                fputs("</table>\n", f);
            file = rows[i].file;
            fputs("<h2>", f);
            esc(f, rows[i].scenario);
            fputs(" <span class=\"file\">(", f);
            esc(f, file);
            fputs(")</span></h2>\n<table class=\"cap\"><tr>", f);
            for (int j = 0; j < CLI_CAP_NCOLS; j++) {
                fputs("<th>", f);
                esc(f, cli_cap_heads[j]);
                fputs("</th>", f);
            }
            fputs("</tr>\n", f);
        }
        cli_cap_cells(&rows[i], c);
        fputs("<tr>", f);
        for (int j = 0; j < CLI_CAP_NCOLS; j++) {
            fputs("<td>", f);
            if (j == 0)
                fprintf(f, "<a href=\"#row-%zu\">", i);
            esc(f, c[j]);
            fputs(j == 0 ? "</a></td>" : "</td>", f);
        }
        fputs("</tr>\n", f);
    }
    if (file)
        fputs("</table>\n", f);
}

/* ---- availability over time --------------------------------------------- */

static void availability(FILE *f, const cli_cap_row *r, int64_t end)
{
    const scn_wl_result *w = &r->wl;
    size_t nbins = (size_t)(end / NS_PER_S);
    uint64_t *ok = xcalloc(2 * nbins, sizeof *ok);
    uint64_t *inv = xcalloc(2 * nbins, sizeof *inv);
    for (size_t i = 0; i < r->h.n; i++) {
        const hist_op *op = &r->h.ops[i];
        if (op->node < 0 || op->node >= w->nnodes || op->node >= SCN_WL_MAX_NODES)
            continue;
        int sd = w->side[op->node];
        if (sd < 0 || sd >= CAP_NSIDES || op->call_time < 0)
            continue;
        size_t b = (size_t)(op->call_time / NS_PER_S);
        if (b >= nbins)
            b = nbins - 1;
        inv[(size_t)sd * nbins + b]++;
        ok[(size_t)sd * nbins + b] += op->type == HIST_OK;
    }
    int64_t wpx = LEFT + PLOT_W + 16, hpx = AV_TOP + AV_H + AV_BOTTOM;
    int64_t y0 = AV_TOP, y1 = AV_TOP + AV_H;
    fprintf(f, "<svg class=\"avail\" width=\"%" PRId64 "\" height=\"%" PRId64
            "\" viewBox=\"0 0 %" PRId64 " %" PRId64 "\">"
            "<title>availability of ", wpx, hpx, wpx, hpx);
    esc(f, r->strategy);
    fputs(": ok / invoked per second of invocation</title>\n", f);
    if (w->partition_at >= 0) {
        int64_t a = w->partition_at * 1000;
        int64_t b = w->heal_at >= 0 ? w->heal_at * 1000 : end;
        char ta[40], tb[40];
        trace_format_short_time(ta, w->partition_at);
        if (w->heal_at >= 0)
            trace_format_short_time(tb, w->heal_at);
        else
            snprintf(tb, sizeof tb, "the end");
        fputs("<g class=\"band\"><rect class=\"band\" x=\"", f);
        pt(f, xt(a, end));
        fputs("\" width=\"", f);
        pt(f, xt(b, end) - xt(a, end));
        fprintf(f, "\" y=\"%" PRId64 "\" height=\"%d\"><title>partition from "
                "%s to %s: ", y0, AV_H, ta, tb);
        esc(f, w->partition_text);
        fputs("</title></rect><text class=\"bandlabel\" x=\"", f);
        pt(f, xt(a, end) + 30);
        fprintf(f, "\" y=\"%" PRId64 "\">partition %s to %s</text></g>\n",
                y0 + 12, ta, tb);
    }
    time_axis(f, end, y0, y1);
    for (int p = 0; p <= 100; p += 50) {
        int64_t y = y1 - (int64_t)p * AV_H / 100;
        fprintf(f, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%" PRId64
                "\" y2=\"%" PRId64 "\"/><text class=\"yl\" x=\"%d\" y=\"%"
                PRId64 "\">%d%%</text>", LEFT, LEFT + PLOT_W, y, y, LEFT - 4,
                y + 4, p);
    }
    fputs("\n", f);
    for (int sd = 0; sd < CAP_NSIDES; sd++) {
        int64_t at = detected_at(w, sd);
        if (at < 0)
            continue;
        int64_t x = xt(at * 1000, end);
        char t[40], d[40];
        trace_format_short_time(t, at);
        trace_format_short_time(d, w->detect_us[sd]);
        fprintf(f, "<line class=\"detect %s\" x1=\"", side_class[sd]);
        pt(f, x);
        fputs("\" x2=\"", f);
        pt(f, x);
        fprintf(f, "\" y1=\"%" PRId64 "\" y2=\"%" PRId64 "\"><title>the %s "
                "detects the partition at %s (%s after it)</title></line>\n",
                y0, y1, side_names[sd], t, d);
    }
    for (int sd = 0; sd < CAP_NSIDES; sd++) {
        const uint64_t *o = ok + (size_t)sd * nbins, *v = inv + (size_t)sd * nbins;
        fprintf(f, "<path class=\"line %s\" d=\"", side_class[sd]);
        bool pen = false;
        for (size_t b = 0; b < nbins; b++) {
            if (!v[b]) {
                pen = false;
                continue;
            }
            fputs(pen ? " L" : " M", f);
            pt(f, xt((int64_t)b * NS_PER_S + NS_PER_S / 2, end));
            fputc(' ', f);
            pt(f, y1 * 10 - (int64_t)(o[b] * AV_H * 10 / v[b]));
            pen = true;
        }
        fputs("\"/>\n", f);
        for (size_t b = 0; b < nbins; b++) {
            if (!v[b])
                continue;
            fprintf(f, "<circle class=\"pt %s\" r=\"2.5\" cx=\"", side_class[sd]);
            pt(f, xt((int64_t)b * NS_PER_S + NS_PER_S / 2, end));
            fputs("\" cy=\"", f);
            pt(f, y1 * 10 - (int64_t)(o[b] * AV_H * 10 / v[b]));
            fprintf(f, "\"><title>%s, %zus to %zus: %" PRIu64 " of %" PRIu64
                    " ok</title></circle>", side_names[sd], b, b + 1, o[b], v[b]);
        }
        fputs("\n", f);
    }
    for (int sd = 0; sd < CAP_NSIDES; sd++)
        fprintf(f, "<text class=\"legend %s\" x=\"%d\" y=\"%d\">%s</text>",
                side_class[sd], 4, AV_TOP + 40 + 16 * sd,
                side_names[sd]);
    fputs("</svg>\n", f);
    free(ok);
    free(inv);
}

/* ---- the history, as Porcupine draws it --------------------------------- */

static const char *const type_names[] = {"invoke", "ok", "fail", "info"};

static void val(char b[32], hist_val v)
{
    if (v.nil)
        snprintf(b, 32, "undefined");
    else
        snprintf(b, 32, "%" PRId64, v.v);
}

/* "write(1, 101)", "read(1)", "cas(1, 101, 102)". */
static void call_text(char *b, size_t n, const hist_op *op)
{
    char x[32], y[32];
    val(x, op->a);
    val(y, op->b);
    if (op->f == HIST_READ)
        snprintf(b, n, "read(%" PRId64 ")", op->key);
    else if (op->f == HIST_WRITE)
        snprintf(b, n, "write(%" PRId64 ", %s)", op->key, x);
    else
        snprintf(b, n, "cas(%" PRId64 ", %s, %s)", op->key, x, y);
}

/* The outcome as the shell shows it: the value read, ok, fail or info. */
static void outcome_text(char b[32], const hist_op *op)
{
    if (op->type == HIST_OK && op->f == HIST_READ)
        val(b, op->a);
    else
        snprintf(b, 32, "%s", type_names[op->type]);
}

/* An operation's place in the drawing: its key's chart, its process's
 * lane. */
typedef struct lane_op {
    int64_t key, process;
    size_t i;                  /* index into h->ops */
} lane_op;

/* DETERMINISM: keys, then processes, ascending; in a lane, invocation
 * order (the index). */
static int cmp_lane(const void *a, const void *b)
{
    const lane_op *x = a, *y = b;
    if (x->key != y->key)
        return (x->key > y->key) - (x->key < y->key);
    if (x->process != y->process)
        return (x->process > y->process) - (x->process < y->process);
    return (x->i > y->i) - (x->i < y->i);
}

typedef struct win_mark {
    const hist_result *res;    /* NULL: no window */
    bool *in;                  /* per op: in the window */
} win_mark;

/* The chart of one key: v[0..n) its operations, by process then index. */
static void key_lanes(FILE *f, const cli_cap_row *r, const lane_op *v,
                      size_t n, int64_t end, const win_mark *m)
{
    const history *h = &r->h;
    int64_t key = v[0].key;
    size_t np = 0, nops = n;
    for (size_t k = 0; k < n; k++)
        np += !k || v[k].process != v[k - 1].process;
    lane_geom lh = np <= 24 ? (lane_geom){16, 10} : (lane_geom){10, 7};
    int64_t wpx = LEFT + PLOT_W + 16, hpx = HIST_TOP + (int64_t)np * lh.h + 6;
    bool failing_key = m->res && m->res->key == key;
    fprintf(f, "<h4>key %" PRId64 " <span class=\"sub\">(%zu operations, "
            "%zu processes)</span></h4>\n", key, nops, np);
    fprintf(f, "<svg class=\"hist\" data-key=\"%" PRId64 "\" width=\"%" PRId64
            "\" height=\"%" PRId64 "\" viewBox=\"0 0 %" PRId64 " %" PRId64
            "\"><title>key %" PRId64 ": one lane per process</title>\n",
            key, wpx, hpx, wpx, hpx, key);
    if (r->wl.partition_at >= 0) {
        int64_t a = r->wl.partition_at * 1000;
        int64_t b = r->wl.heal_at >= 0 ? r->wl.heal_at * 1000 : end;
        fputs("<rect class=\"hband\" x=\"", f);
        pt(f, xt(a, end));
        fputs("\" width=\"", f);
        pt(f, xt(b, end) - xt(a, end));
        fprintf(f, "\" y=\"%d\" height=\"%" PRId64 "\"/>", HIST_TOP - 4,
                hpx - HIST_TOP + 4);
    }
    time_axis(f, end, HIST_TOP - 4, hpx);
    if (failing_key) {
        /* the window's span, across every lane */
        int64_t a = end, b = 0;
        for (size_t k = 0; k < m->res->nwindow; k++) {
            const hist_op *op = &h->ops[m->res->window[k]];
            int64_t ret = op->ret_time < 0 ? end : op->ret_time;
            a = op->call_time < a ? op->call_time : a;
            b = ret > b ? ret : b;
        }
        int64_t xa = xt(a, end) - 30, xb = xt(b, end) + 30;
        fputs("<rect class=\"winband\" x=\"", f);
        pt(f, xa);
        fputs("\" width=\"", f);
        pt(f, xb - xa);
        fprintf(f, "\" y=\"%d\" height=\"%" PRId64 "\"><title>the failing "
                "window: %zu operations</title></rect>\n", HIST_TOP - 4,
                hpx - HIST_TOP + 4, m->res->nwindow);
    }
    for (size_t k = 0, p = 0; k < n; p++) {
        size_t k1 = k;
        while (k1 < n && v[k1].process == v[k].process)
            k1++;
        int64_t y = HIST_TOP + (int64_t)p * lh.h;
        fprintf(f, "<g class=\"lane\" data-process=\"%" PRId64 "\">"
                "<line class=\"ln\" x1=\"%d\" x2=\"%d\" y1=\"%" PRId64
                "\" y2=\"%" PRId64 "\"/><text class=\"pl\" x=\"4\" y=\"%"
                PRId64 "\">p%" PRId64 " ", v[k].process, LEFT, LEFT + PLOT_W,
                y + lh.h / 2, y + lh.h / 2, y + lh.h / 2 + 3, v[k].process);
        esc(f, node_name(r, h->ops[v[k].i].node));
        fputs("</text>\n", f);
        for (; k < k1; k++) {
            size_t i = v[k].i;
            const hist_op *op = &h->ops[i];
            /* an info operation may take effect until the end (the
             * checker's rule): drawn to the end, faded, with its info
             * event's time solid inside */
            bool open = op->type == HIST_INFO || op->ret == HIST_OPEN ||
                        op->ret_time < 0;
            int64_t x0 = xt(op->call_time, end);
            int64_t x1 = xt(open ? end : op->ret_time, end);
            if (x1 - x0 < 20)
                x1 = x0 + 20;   /* an instant operation stays visible */
            if (open && op->ret_time >= 0) {
                int64_t xs = xt(op->ret_time, end);
                fputs("<rect class=\"seen\" x=\"", f);
                pt(f, x0);
                fputs("\" width=\"", f);
                pt(f, xs - x0 < 20 ? 20 : xs - x0);
                fprintf(f, "\" y=\"%" PRId64 "\" height=\"%d\"/>", y + 3,
                        lh.bar);
            }
            fprintf(f, "<rect class=\"op %s%s%s%s\" data-op=\"%zu\" x=\"",
                    type_names[op->type], open ? " open" : "",
                    m->in && m->in[i] ? " win" : "",
                    m->res && m->res->failing == i ? " failing" : "", i);
            pt(f, x0);
            fputs("\" width=\"", f);
            pt(f, x1 - x0);
            char c[160], o[32], t0[32], t1[32];
            call_text(c, sizeof c, op);
            outcome_text(o, op);
            secs(t0, op->call_time);
            secs(t1, op->ret_time);
            fprintf(f, "\" y=\"%" PRId64 "\" height=\"%d\"><title>", y + 3,
                    lh.bar);
            esc(f, c);
            fputs(" -&gt; ", f);
            esc(f, o);
            fprintf(f, "\nprocess %" PRId64 " on ", op->process);
            esc(f, node_name(r, op->node));
            if (!open)
                fprintf(f, "\ncalled %s, returned %s", t0, t1);
            else if (op->ret_time >= 0)
                fprintf(f, "\ncalled %s, %s at %s: open to the end", t0,
                        type_names[op->type], t1);
            else
                fprintf(f, "\ncalled %s, never returned: open to the end", t0);
            fprintf(f, "%s</title></rect>\n", m->res && m->res->failing == i
                    ? "\ncannot be linearized here" : "");
        }
        fputs("</g>\n", f);
    }
    fputs("</svg>\n", f);
}

/* ---- the failing window as shell lines ---------------------------------- */

typedef struct call_order {
    const history *h;
    size_t i;
} call_order;

static int cmp_call(const void *a, const void *b)
{
    const call_order *x = a, *y = b;
    int64_t tx = x->h->ops[x->i].call_time, ty = y->h->ops[y->i].call_time;
    if (tx != ty)
        return (tx > ty) - (tx < ty);
    return (x->i > y->i) - (x->i < y->i);   /* DETERMINISM: index tie-break */
}

static void note_line(FILE *f, int64_t us, const char *what, const char *text)
{
    char t[40];
    trace_format_short_time(t, us);
    fprintf(f, "<div class=\"l note\"><span class=\"t\"></span>%%%% [%s] %s",
            t, what);
    if (text && *text) {
        fputs(": ", f);
        esc(f, text);
    }
    fputs("</div>\n", f);
}

static void shell(FILE *f, const cli_cap_row *r, const hist_result *res)
{
    const history *h = &r->h;
    size_t n = res->nwindow;
    call_order *v = xcalloc(n ? n : 1, sizeof *v);
    int32_t maxnode = 0;
    for (size_t k = 0; k < n; k++) {
        v[k].h = h;
        v[k].i = res->window[k];
        if (h->ops[v[k].i].node > maxnode)
            maxnode = h->ops[v[k].i].node;
    }
    qsort(v, n, sizeof *v, cmp_call);
    unsigned *prompt = xcalloc((size_t)maxnode + 1, sizeof *prompt);
    int64_t notes[2] = {r->wl.partition_at, r->wl.heal_at};
    int next = 0;
    fputs("<div class=\"shell\">\n", f);
    for (size_t k = 0; k <= n; k++) {
        int64_t at = k < n ? h->ops[v[k].i].call_time : INT64_MAX;
        /* the notes at their times; at a tie, before the operation */
        while (next < 2 && (notes[next] < 0 || notes[next] * 1000 <= at)) {
            if (notes[next] >= 0)
                note_line(f, notes[next], next ? "heal" : "partition",
                          next ? "" : r->wl.partition_text);
            next++;
        }
        if (k == n)
            break;
        const hist_op *op = &h->ops[v[k].i];
        bool failing = v[k].i == res->failing;
        char c[160], o[32], t0[32], t1[32];
        call_text(c, sizeof c, op);
        outcome_text(o, op);
        secs(t0, op->call_time);
        secs(t1, op->ret_time);
        unsigned no = op->node >= 0 ? ++prompt[op->node] : 1;
        fprintf(f, "<div class=\"l cmd%s\" data-op=\"%zu\"><span class=\"t\">"
                "%s</span>(", failing ? " failing" : "", v[k].i, t0);
        esc(f, node_name(r, op->node));
        fprintf(f, ")%u&gt; ", no);
        esc(f, r->strategy);
        fputc(':', f);
        esc(f, c);
        fputs(".</div>\n", f);
        fprintf(f, "<div class=\"l res %s%s\"><span class=\"t\">%s</span>",
                type_names[op->type], failing ? " failing" : "",
                op->ret_time < 0 ? "open" : t1);
        esc(f, o);
        fputs("</div>\n", f);
        if (failing) {
            char s[32];
            val(s, res->state);
            fprintf(f, "<div class=\"l why\"><span class=\"t\"></span>%%%% ^ "
                    "cannot be linearized: with %zu of the key's %zu "
                    "operations taken effect, the register holds %s</div>\n",
                    res->done, res->nkey_ops, s);
        }
    }
    fputs("</div>\n", f);
    free(prompt);
    free(v);
}

/* ---- a row ---------------------------------------------------------------- */

static void row(FILE *f, const cli_cap_row *r, size_t idx)
{
    const history *h = &r->h;
    const scn_wl_result *w = &r->wl;
    int64_t end = row_end(r);
    hist_model model = HIST_REGISTER;
    for (size_t i = 0; i < h->n; i++)
        if (h->ops[i].f == HIST_CAS)
            model = HIST_CAS_REGISTER;
    hist_result res;
    memset(&res, 0, sizeof res);
    char err[256] = "";
    bool checked = history_check(h, model, HISTORY_DEFAULT_BUDGET, &res, err,
                                 sizeof err) == 0;
    win_mark m = {NULL, NULL};
    if (checked && res.verdict == HIST_NOT_LINEARIZABLE) {
        m.res = &res;
        m.in = xcalloc(h->n ? h->n : 1, sizeof *m.in);
        for (size_t k = 0; k < res.nwindow; k++)
            if (res.window[k] < h->n)
                m.in[res.window[k]] = true;
    }
    const char *lin = w->lin == HIST_LINEARIZABLE ? "yes"
                    : w->lin == HIST_NOT_LINEARIZABLE ? "no" : "unknown";
    fprintf(f, "<section class=\"row\" id=\"row-%zu\" data-strategy=\"", idx);
    esc(f, r->strategy);
    fprintf(f, "\" data-lin=\"%s\">\n<h2>", lin);
    esc(f, r->strategy);
    fputs(" <span class=\"sub\">", f);
    esc(f, r->scenario);
    fprintf(f, ", seed %" PRIu64 "</span></h2>\n<p class=\"facts\">", r->seed);
    fprintf(f, "%" PRIu64 " operations: %" PRIu64 " ok, %" PRIu64 " fail, %"
            PRIu64 " info. ", w->invoked, w->ok, w->fail, w->info);
    if (r->exit_code == 3)
        fputs("<b>The run hit a limit: the history is partial.</b> ", f);
    if (*w->partition_text) {
        fputs("Partition: ", f);
        esc(f, w->partition_text);
        fputs(".", f);
    }
    fputs("</p>\n<p class=\"lin\">linearizable: ", f);
    esc(f, *w->lin_text ? w->lin_text : lin);
    fputs("</p>\n<h3>Availability</h3>\n", f);
    availability(f, r, end);
    fputs("<h3>History</h3>\n<p class=\"key\"><span class=\"sw ok\"></span>ok "
          "<span class=\"sw fail\"></span>fail <span class=\"sw info\"></span>"
          "info <span class=\"sw open\"></span>open to the end "
          "<span class=\"sw win\"></span>failing window "
          "<span class=\"sw failing\"></span>failing operation</p>\n"
          "<div class=\"scroll\">\n", f);
    lane_op *lanes = xcalloc(h->n ? h->n : 1, sizeof *lanes);
    for (size_t i = 0; i < h->n; i++)
        lanes[i] = (lane_op){h->ops[i].key, h->ops[i].process, i};
    qsort(lanes, h->n, sizeof *lanes, cmp_lane);
    for (size_t k = 0; k < h->n;) {
        size_t k1 = k;
        while (k1 < h->n && lanes[k1].key == lanes[k].key)
            k1++;
        key_lanes(f, r, lanes + k, k1 - k, end, &m);
        k = k1;
    }
    if (!h->n)
        fputs("<p>No operations.</p>\n", f);
    fputs("</div>\n<h3>The failing window</h3>\n", f);
    if (!checked) {
        fputs("<p>The history could not be checked: ", f);
        esc(f, err);
        fputs("</p>\n", f);
    } else if (res.verdict == HIST_NOT_LINEARIZABLE) {
        fprintf(f, "<p>Key %" PRId64 ": %zu operations, replayed as shell "
                "lines in the order of their invocation (the time left of "
                "each line: its call, then its return).</p>\n", res.key,
                res.nwindow);
        shell(f, r, &res);
    } else if (res.verdict == HIST_UNKNOWN) {
        fprintf(f, "<p>Unknown: the search ran out of its budget on key %"
                PRId64 ".</p>\n", res.key);
    } else {
        fputs("<p>None: the history is linearizable.</p>\n", f);
    }
    fputs("</section>\n", f);
    free(lanes);
    free(m.in);
    if (checked)
        history_result_fini(&res);
}

static const char css[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:16px 24px;color:#222}"
    "h1{font-size:20px}h2{font-size:17px;margin:18px 0 6px}"
    "h3{font-size:15px;margin:12px 0 4px}h4{font-size:13px;margin:6px 0 2px}"
    ".sub,.file{color:#666;font-weight:normal}"
    "table.cap{border-collapse:collapse;font-size:13px}"
    "table.cap th,table.cap td{border:1px solid #ccc;padding:3px 8px;"
    "text-align:left}table.cap th{background:#f3f3f3}"
    "section.row{border-top:2px solid #999;margin-top:24px}"
    ".scroll{overflow-x:auto}"
    "svg text{font:11px system-ui,sans-serif;fill:#444}"
    "svg .tl{text-anchor:middle}svg .yl{text-anchor:end}"
    ".tick{stroke:#eee}.grid{stroke:#ddd}.ln{stroke:#eee}svg text.pl{font-size:9px}"
    "rect.band{fill:#f6c9c9;fill-opacity:.55}.bandlabel{fill:#a33!important}"
    "rect.hband{fill:#f6c9c9;fill-opacity:.3}"
    ".detect{stroke-dasharray:4 3;stroke-width:1.5}"
    ".line{fill:none;stroke-width:2}.maj{stroke:#2b6cb0;fill:#2b6cb0}"
    ".min{stroke:#dd7a00;fill:#dd7a00}path.line{fill:none}"
    "path.line.min{stroke-dasharray:6 3}text.legend{stroke:none}"
    "rect.op{stroke:#333;stroke-width:.5}rect.op.ok{fill:#5bb35b}"
    "rect.op.fail{fill:#d9534f}rect.op.info{fill:#e5c04a}"
    "rect.op.open{fill-opacity:.3;stroke-dasharray:3 2}"
    "rect.seen{fill:#e5c04a;pointer-events:none}"
    "rect.op.win{stroke:#1a237e;stroke-width:2}"
    "rect.op.failing{stroke:#c00;stroke-width:3}"
    "rect.winband{fill:#c5cae9;fill-opacity:.45;stroke:#1a237e;"
    "stroke-dasharray:5 3}"
    "rect.op:hover{stroke:#000;stroke-width:2}"
    ".key .sw{display:inline-block;width:14px;height:9px;margin:0 3px 0 10px;"
    "border:1px solid #333}.sw.ok{background:#5bb35b}.sw.fail{background:"
    "#d9534f}.sw.info{background:#e5c04a}.sw.open{background:#e5c04a;"
    "opacity:.4;border-style:dashed}.sw.win{border:2px solid #1a237e}"
    ".sw.failing{border:3px solid #c00}"
    ".shell{font:13px/1.45 ui-monospace,monospace;background:#fafafa;"
    "border:1px solid #ddd;padding:6px 10px}.shell .l{white-space:pre}"
    ".shell .t{display:inline-block;width:7em;color:#999}"
    ".shell .note,.shell .why{color:#777}.shell .res.fail{color:#c00}"
    ".shell .res.info{color:#a70}.shell .failing{background:#fde2e2}";

int cli_cap_html(FILE *f, const cli_cap_row *rows, size_t n)
{
    fputs("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<title>clustersim cap", f);
    for (size_t i = 0; i < n; i++)
        if (!i || strcmp(rows[i].scenario, rows[i - 1].scenario)) {
            fputs(i ? ", " : ": ", f);
            esc(f, rows[i].scenario);
        }
    fprintf(f, "</title>\n<style>%s</style>\n</head><body>\n"
            "<h1>clustersim cap</h1>\n<p>Each row runs the same scenario, "
            "seed and fault schedule with only the strategy changed "
            "(<code>clustersim run FILE --strategy NAME</code> gives the same "
            "run).</p>\n", css);
    table(f, rows, n);
    for (size_t i = 0; i < n; i++)
        row(f, &rows[i], i);
    /* the one script: #only=N shows row N alone (a screenshot of it) */
    fputs("<script>document.documentElement.className='js';"
          "var m=/^#only=(\\d+)$/.exec(location.hash);"
          "if(m)document.querySelectorAll('section.row').forEach(function(s)"
          "{if(s.id!=='row-'+m[1])s.style.display='none';});</script>\n"
          "</body></html>\n", f);
    return ferror(f) ? -1 : 0;
}
