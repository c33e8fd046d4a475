/* transcript: the shell-session view of a run, as a learner reads it.
 *
 * Shell events print their text as is (`eval` carries the prompt and the
 * source, `result` what the shell prints back, `output` a process's
 * io:format output, `log` a logger report). As in erl, output without a
 * final newline runs into what follows (`io:format("abc")` shows
 * `abcok`), and reports below the default logger level (notice) are not
 * shown. Notes and network faults print as Erlang comments with their
 * virtual time, so a transcript stays readable as an Erlang session:
 * `%% [10s] partition: ...`. Every node's console is merged: a line from
 * another console than the line above is labelled `%% on NODE:` (see
 * transcript_emit). */
#include "traces/trace.h"

#include <stdlib.h>
#include <string.h>

struct trace_transcript {
    FILE *out;
    bool mid_line;   /* output without a final newline was printed */
    /* whose console the last line printed belongs to: a prompt, a result,
     * an output or a report of that node; NULL at the start and after a
     * comment (a note or a fault belongs to no console) */
    char *console;
};

trace_transcript *trace_transcript_new(FILE *out)
{
    trace_transcript *t = calloc(1, sizeof *t);
    if (!t)
        abort();
    t->out = out;
    return t;
}

void trace_transcript_free(trace_transcript *t)
{
    if (!t)
        return;
    if (t->mid_line)
        fputc('\n', t->out);   /* what follows the run starts a line */
    free(t->console);
    free(t);
}

static char *dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (!d)
        abort();
    memcpy(d, s, n);
    return d;
}

static void set_console(trace_transcript *t, const char *node)
{
    free(t->console);
    t->console = node ? dup(node) : NULL;
}

static void line_start(trace_transcript *t)
{
    if (t->mid_line)
        fputc('\n', t->out);
    t->mid_line = false;
}

/* Before a line of node's console: `%% on node:` unless the line above
 * is already that console's. */
static void label(trace_transcript *t, const char *node)
{
    if (!node || (t->console && !strcmp(t->console, node)))
        return;
    line_start(t);
    fprintf(t->out, "%%%% on %s:\n", node);
    set_console(t, node);
}

/* Contract in trace.h. */
unsigned trace_utf8_at(const unsigned char *p, int *n)
{
    unsigned c = p[0];
    int k = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
          : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    unsigned lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
    unsigned hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;
    unsigned cp = k == 2 ? c & 0x1f : k == 3 ? c & 0x0f : c & 0x07;
    for (int i = 1; i < k; i++) {
        unsigned d = p[i];
        if (d < (i == 1 ? lo : 0x80) || d > (i == 1 ? hi : 0xbf)) {
            *n = 1;
            return 0;
        }
        cp = cp << 6 | (d & 0x3f);
    }
    *n = k ? k : 1;
    return k ? cp : 0;
}

bool trace_is_bidi_control(unsigned cp)
{
    return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

void trace_fputs_safe(const char *s, FILE *f)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        unsigned c = *p;
        if (c < 0x80) {
            if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
                fprintf(f, "\\x%02x", c);
            else
                fputc((int)c, f);
            p++;
            continue;
        }
        int n;
        unsigned cp = trace_utf8_at(p, &n);
        if (!cp)
            fprintf(f, "\\x%02x", c);     /* not UTF-8: a lone 0x9b is CSI too */
        else if (cp >= 0x80 && cp <= 0x9f)
            fprintf(f, "\\x{%x}", cp);       /* C1 controls: CSI is 0x9b */
        else if (trace_is_bidi_control(cp))
            fprintf(f, "\\x{%x}", cp);
        else
            fwrite(p, 1, (size_t)n, f);
        p += n;
    }
}

static bool shown_level(const char *level)
{
    return !level || (strcmp(level, "info") && strcmp(level, "debug"));
}

static bool is_comment(const char *k)
{
    static const char *const kinds[] = {
        "note", "partition", "cut", "heal", "latency", "halt",
        "freeze", "resume", "restart", NULL};
    for (int i = 0; kinds[i]; i++)
        if (!strcmp(k, kinds[i]))
            return true;
    return false;
}

/* "10s", "1.5s", "0.000250s": seconds without trailing zeros. */
void trace_format_short_time(char buf[40], int64_t us)
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

/* One prompt per evaluation, and every line attributable: a line from a
 * console other than the one of the line above (a prompt, a result, an
 * output or a report) is preceded by `%% on NODE:`. A shell evaluates one
 * step at a time, so a result under `%% on alice@sim:` is the answer to
 * alice's last prompt. Comments belong to no console: after one, the
 * next console line is labelled. Text the scenario wrote (eval source,
 * notes, expectations) is printed with trace_fputs_safe. */
static void transcript_emit(void *ctx, const sim_obs_event *ev)
{
    trace_transcript *t = ctx;
    if (!ev->text)
        return;
    if (!strcmp(ev->kind, "output")) {
        /* output without a newline runs into what follows, as in erl,
         * unless what follows is another console's */
        label(t, ev->node);
        fputs(ev->text, t->out);
        size_t n = strlen(ev->text);
        t->mid_line = n > 0 && ev->text[n - 1] != '\n';
    } else if (!strcmp(ev->kind, "result")) {
        label(t, ev->node);
        fprintf(t->out, "%s\n", ev->text);
        t->mid_line = false;
    } else if (!strcmp(ev->kind, "eval")) {
        line_start(t);
        trace_fputs_safe(ev->text, t->out);
        fputc('\n', t->out);
        set_console(t, ev->node);
    } else if (!strcmp(ev->kind, "log")) {
        if (shown_level(ev->reason)) {
            label(t, ev->node);
            line_start(t);
            fprintf(t->out, "%s\n\n", ev->text);
        }
    } else if (is_comment(ev->kind) ||
               (!strcmp(ev->kind, "expect") && ev->reason &&
                !strcmp(ev->reason, "fail"))) {
        char ts[40];
        line_start(t);
        trace_format_short_time(ts, ev->t);
        if (!strcmp(ev->kind, "note"))
            fprintf(t->out, "%%%% [%s] ", ts);
        else if (!strcmp(ev->kind, "restart") && ev->node)
            /* the event's text is "creation N": say whose */
            fprintf(t->out, "%%%% [%s] restart: %s (", ts, ev->node);
        else
            fprintf(t->out, "%%%% [%s] %s: ", ts, ev->kind);
        trace_fputs_safe(ev->text, t->out);
        fputs(!strcmp(ev->kind, "restart") && ev->node ? ")\n" : "\n", t->out);
        set_console(t, NULL);
    }
}

sim_observer trace_transcript_observer(trace_transcript *t)
{
    sim_observer o = {transcript_emit, t};
    return o;
}
