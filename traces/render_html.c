/* render_html: the renderer's last phase, a laid-out page (from
 * render_layout.c) printed as one self-contained HTML file: inline SVG
 * for the diagram, CSS, a transcript aside and a few lines of JS for the
 * filters (#off=...) and the time links (#t=...); nothing is fetched
 * from the network.
 *
 * The page: a header (title, subtitle, counts, a note when the trace was
 * summarised), the filter checkboxes (nodes, and every kind drawn at
 * least once), the sticky lane heads, then the diagram in layers -- the
 * time axis, cut bands, lanes, halted or frozen spans, arrows, marks --
 * beside the shell transcript, and a footer on how to read it. Every
 * element carries data-k (its kind) and data-n (its lanes), which is
 * all the filters look at. The arrows and marks are render_svg.c's, the
 * escaping html.c's.
 *
 * Invariants. Output depends only on the model and the page: the same
 * events give the same bytes. Numbers print as integers, or with %.1f
 * from correctly rounded arithmetic (arrowheads), in the C locale.
 * Every string from the trace is HTML-escaped, invalid UTF-8 replaced,
 * so a term cannot break the page. */
#include "traces/render_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "traces/trace.h"

const dk_style trace_render__kinds[D_NKINDS] = {
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
const char *const trace_render__lane_colors[NCOLORS] = {
    "#2563eb", "#db2777", "#059669", "#d97706", "#7c3aed",
    "#0891b2", "#4d7c0f", "#92400e", "#c026d3", "#475569",
};

/* Colours of the sides of a partition. */
static const char *const side_colors[] = {
    "#f59e0b", "#8b5cf6", "#10b981", "#ec4899", "#0ea5e9", "#84cc16",
};
#define NSIDES ((int)(sizeof side_colors / sizeof side_colors[0]))

void trace_render__short_name(char *buf, size_t n, const char *name)
{
    size_t k = strcspn(name, "@");
    if (k >= n)
        k = n - 1;
    memcpy(buf, name, k);
    buf[k] = '\0';
}

/* ---- the page's style and script ---- */

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

/* ---- the rest of the page ---- */

static void put_controls(FILE *f, const trace_render *r, const uint64_t *cnt)
{
    fputs("<div class=\"ctl\"><div class=\"g\"><b>Nodes</b>", f);
    for (size_t i = 0; i < r->nlanes; i++) {
        char sn[128];
        trace_render__short_name(sn, sizeof sn, r->lanes[i].name);
        fprintf(f, "<label title=\"");
        html_esc(f, r->lanes[i].name, 0);
        fprintf(f, "\"><input type=\"checkbox\" name=\"n\" value=\"%zu\" "
                "data-label=\"", i);
        html_esc(f, r->lanes[i].name, 0);
        fprintf(f, "\" checked><i style=\"background:%s\"></i>",
                trace_render__lane_colors[i % NCOLORS]);
        html_esc(f, sn, 24);
        fputs("</label>", f);
    }
    fputs("</div><div class=\"g\"><b>Show</b>", f);
    for (int k = 0; k < D_NKINDS; k++)
        if (cnt[k])
            fprintf(f, "<label><input type=\"checkbox\" name=\"k\" value=\"%s\" "
                    "checked><i style=\"background:%s\"></i>%s <small>%" PRIu64
                    "</small></label>", trace_render__kinds[k].name,
                    trace_render__kinds[k].color, trace_render__kinds[k].label,
                    cnt[k]);
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
        trace_format_short_time(ts, L->rows[i]);
        fprintf(f, "<line class=\"grid\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
                "<text class=\"ax\" x=\"%d\" y=\"%d\" text-anchor=\"end\" "
                "data-t=\"%" PRId64 "\" data-at=\"%d\">%s</text>\n",
                ax, y, L->width, y, ax - 6, y + 4, L->rows[i], y, ts);
    }
}

static void put_bands(FILE *f, const trace_render *r, const layout *L, html_buf *b)
{
    for (size_t i = 0; i < r->nbands && i < MAX_BANDS; i++) {
        const band *bd = &r->bands[i];
        int y0 = trace_render__y(L, bd->t0), y1 = trace_render__y(L, bd->t1);
        if (y1 < y0 + 4)
            y1 = y0 + 4;
        char t0[40], t1[40];
        trace_format_short_time(t0, bd->t0);
        trace_format_short_time(t1, bd->t1);
        html_reset(b);
        html_printf(b, "%s\n%s \xe2\x80\x93 %s%s", bd->label, t0, t1,
                  bd->open_end ? " (still cut when the trace ends)" : "");
        fputs("<g class=\"band\" data-k=\"cut\"><title>", f);
        html_esc(f, b->s, 0);
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
        html_esc(f, bd->label, (size_t)(L->width - AXIS_W) / 7);
        fputs("</text></g>\n", f);
        for (int l = 0; l < bd->nside; l++) {
            int x = trace_render__lane_x(L, l);
            fprintf(f, "<line data-k=\"cut\" data-n=\"%d\" x1=\"%d\" y1=\"%d\" "
                    "x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"8\" "
                    "stroke-opacity=\".35\" stroke-linecap=\"round\"/>\n", l,
                    x, y0 + 18, x, y1 - 4, side_colors[bd->side[l] % NSIDES]);
        }
    }
}

static void put_spans(FILE *f, const trace_render *r, const layout *L, html_buf *b)
{
    for (size_t i = 0; i < r->nspans && i < MAX_BANDS; i++) {
        const lane_span *s = &r->spans[i];
        int x = trace_render__lane_x(L, s->lane);
        int y0 = trace_render__y(L, s->t0), y1 = trace_render__y(L, s->t1);
        char t0[40], t1[40];
        trace_format_short_time(t0, s->t0);
        trace_format_short_time(t1, s->t1);
        html_reset(b);
        html_printf(b, "%s %s %s \xe2\x80\x93 %s", r->lanes[s->lane].name,
                  s->kind == D_HALT ? "down (halted)" : "frozen", t0, t1);
        fprintf(f, "<g data-k=\"%s\" data-n=\"%d\"><title>",
                trace_render__kinds[s->kind].name, s->lane);
        html_esc(f, b->s, 0);
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
        trace_render__short_name(sn, sizeof sn, name);
        int x = trace_render__lane_x(L, (int)i);
        size_t room = (size_t)L->lw / 8;
        fprintf(f, "<g data-k=\"lane\" data-n=\"%zu\"><title>", i);
        html_esc(f, name, 0);
        fprintf(f, "</title><text class=\"lh\" x=\"%d\" y=\"24\" "
                "text-anchor=\"middle\" fill=\"%s\">", x,
                trace_render__lane_colors[i % NCOLORS]);
        html_esc(f, sn, room);
        if (strlen(name) > strlen(sn) && strlen(name) <= room) {
            fputs("<tspan>", f);
            html_esc(f, name + strlen(sn), 0);
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
    trace_format_short_time(ts, l->t);
    const char *cls = l->kind == D_LOG && l->level == 2 ? " e"
                    : l->kind == D_NOTE && l->level == 1 ? " f" : "";
    fprintf(f, "<div class=\"l%s", cls);
    if (l->lane >= 0)
        fprintf(f, " b%d", l->lane % NCOLORS);
    fprintf(f, "\" data-k=\"%s\"", trace_render__kinds[l->kind].name);
    if (l->lane >= 0)
        fprintf(f, " data-n=\"%d\"", l->lane);
    fprintf(f, " data-y=\"%d\"><span class=\"t\">%s</span><span class=\"x\">",
            trace_render__y(L, l->t), ts);
    if (l->kind == D_LOG && l->lane >= 0) {
        fputs("%% on ", f);
        html_esc(f, r->lanes[l->lane].name, 0);
        fputs(":\n", f);
    }
    html_esc(f, l->text, 0);
    fputs("</span></div>\n", f);
}


/* The page, top to bottom (render_int.h). */
int trace_render__put_page(FILE *f, const trace_render *r, const page *p)
{
    const layout *L = &p->L;
    const trace_render_stats *s = &p->st;
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
          "<meta name=\"generator\" content=\"clustersim render\"><title>", f);
    html_esc(f, r->title, 0);
    fputs("</title>\n<style>", f);
    fputs(css, f);
    for (int i = 0; i < NCOLORS; i++)
        fprintf(f, ".c%d{--c:%s}.b%d{border-left-color:%s}", i,
                trace_render__lane_colors[i], i, trace_render__lane_colors[i]);
    fputs("</style></head>\n<body>\n<header><h1>", f);
    html_esc(f, r->title, 0);
    fputs("</h1>", f);
    if (r->subtitle) {
        fputs("<p>", f);
        html_esc(f, r->subtitle, 600);
        fputs("</p>", f);
    }
    char t0[40], t1[40];
    trace_format_short_time(t0, r->events ? r->t_min : 0);
    trace_format_short_time(t1, r->events ? r->t_max : 0);
    fprintf(f, "<p class=\"stats\">%zu node%s \xc2\xb7 %" PRIu64 " events \xc2\xb7 "
            "virtual time %s \xe2\x80\x93 %s \xc2\xb7 %" PRIu64 " message%s: %"
            PRIu64 " delivered, %" PRIu64 " dropped, %" PRIu64 " lost",
            r->nlanes, r->nlanes == 1 ? "" : "s", r->events, t0, t1, p->msgs,
            p->msgs == 1 ? "" : "s", s->delivered, s->dropped, s->lost);
    if (r->unmatched)
        fprintf(f, " \xc2\xb7 %" PRIu64 " received without a matching send",
                r->unmatched);
    fputs("</p>\n", f);
    if (s->not_drawn || L->scaled) {
        /* DETERMINISM: all of these are counts of the events fed. */
        fputs("<p><span class=\"warn\">Large trace, summarised:", f);
        if (p->folded_a)
            fprintf(f, " %" PRIu64 " messages in %zu arrows (runs between the "
                    "same two nodes bundled, \xc3\x97N)%s;", p->msgs, p->A.n,
                    p->acut ? ", the rest cut" : "");
        if (p->folded_m)
            fprintf(f, " %zu marks in %zu;", r->nmarks, p->M.n);
        if (r->lines_skipped)
            fprintf(f, " %" PRIu64 " transcript lines not shown;",
                    r->lines_skipped);
        if (p->over)
            fprintf(f, " %" PRIu64 " cut or halted intervals not drawn;",
                    p->over);
        if (L->scaled)
            fputs(" time squeezed to fit;", f);
        fprintf(f, " %" PRIu64 " events not drawn one by one.</span></p>\n",
                s->not_drawn);
    }
    fputs("</header>\n", f);
    put_controls(f, r, p->cnt);

    fputs("<main><div id=\"dia\">\n", f);
    put_lanes_head(f, r, L);
    fprintf(f, "<svg id=\"sd\" width=\"%d\" "
            "height=\"%d\" viewBox=\"0 0 %d %d\"><defs><pattern id=\"hatch\" "
            "width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
            "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" "
            "fill=\"#f3f4f6\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" "
            "stroke=\"#6b7280\" stroke-width=\"2.5\"/></pattern></defs>\n",
            L->width, L->height, L->width, L->height);
    put_axis(f, L);
    html_buf b = {0};
    put_bands(f, r, L, &b);
    for (size_t i = 0; i < r->nlanes; i++) {
        int x = trace_render__lane_x(L, (int)i);
        fprintf(f, "<g class=\"lane\" data-k=\"lane\" data-n=\"%zu\"><line "
                "x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\"/></g>\n", i,
                x, TOP - 10, x, L->height - BOTTOM + 10,
                trace_render__lane_colors[i % NCOLORS]);
    }
    put_spans(f, r, L, &b);
    trace_render__put_arrows(f, r, p, &b);
    trace_render__put_marks(f, r, p, &b);
    fprintf(f, "<line id=\"cur\" class=\"cur off\" x1=\"%d\" y1=\"0\" x2=\"%d\" "
            "y2=\"0\"/>\n</svg></div>\n", AXIS_W - 14, L->width);

    fputs("<aside id=\"tr\"><h2>Shell transcript \xc2\xb7 click a line to find "
          "it in the diagram</h2>\n", f);
    for (size_t i = 0; i < r->nlines; i++)
        put_line(f, r, L, &r->lines[i]);
    if (r->lines_skipped)
        fprintf(f, "<div class=\"l gap\">\xe2\x80\xa6 %" PRIu64 " lines not shown "
                "\xe2\x80\xa6</div>\n", r->lines_skipped);
    for (size_t i = r->nlines; i < p->nl; i++)
        put_line(f, r, L, trace_render__line_at(r, i));
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
            html_esc(f, r->others[i].kind, 40);
        }
        fputc('.', f);
    }
    fputs("</footer>\n<script>", f);
    fputs(js, f);
    fputs("</script>\n</body></html>\n", f);

    free(b.s);
    return ferror(f) ? -1 : 0;
}
