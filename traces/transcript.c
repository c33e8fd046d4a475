/* transcript: the shell-session view of a run, as a learner reads it.
 *
 * Shell events print their text as is (`eval` carries the prompt and the
 * source, `result` what the shell prints back, `output` a process's
 * io:format output, `log` a logger report). As in erl, output without a
 * final newline runs into what follows (`io:format("abc")` shows
 * `abcok`), and reports below the default logger level (notice) are not
 * shown. Notes and network faults print as Erlang comments with their
 * virtual time, so a transcript stays readable as an Erlang session:
 * `%% [10s] partition: ...`. */
#include "traces/trace.h"

#include <stdlib.h>
#include <string.h>

/* The prompt line of an evaluation still waiting for its result. */
typedef struct pending {
    char *node, *line;
} pending;

struct trace_transcript {
    FILE *out;
    bool mid_line;   /* output without a final newline was printed */
    char *last_eval_node;  /* whose console printed last (prompt or log) */
    pending *p;
    size_t np, cap;
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
    for (size_t i = 0; i < t->np; i++) {
        free(t->p[i].node);
        free(t->p[i].line);
    }
    free(t->p);
    free(t->last_eval_node);
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

static pending *find_pending(trace_transcript *t, const char *node)
{
    for (size_t i = 0; i < t->np; i++)
        if (!strcmp(t->p[i].node, node))
            return &t->p[i];
    return NULL;
}

/* Remembers node's prompt line until its result comes. */
static void set_pending(trace_transcript *t, const char *node, const char *line)
{
    pending *p = find_pending(t, node);
    if (!p) {
        if (t->np == t->cap) {
            t->cap = t->cap ? 2 * t->cap : 8;
            t->p = realloc(t->p, t->cap * sizeof *t->p);
            if (!t->p)
                abort();
        }
        p = &t->p[t->np++];
        p->node = dup(node);
        p->line = NULL;
    }
    free(p->line);
    p->line = dup(line);
    free(t->last_eval_node);
    t->last_eval_node = dup(node);
}

static void line_start(trace_transcript *t)
{
    if (t->mid_line)
        fputc('\n', t->out);
    t->mid_line = false;
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

static void transcript_emit(void *ctx, const sim_obs_event *ev)
{
    trace_transcript *t = ctx;
    if (!ev->text)
        return;
    if (!strcmp(ev->kind, "output")) {
        fputs(ev->text, t->out);
        size_t n = strlen(ev->text);
        t->mid_line = n > 0 && ev->text[n - 1] != '\n';
    } else if (!strcmp(ev->kind, "result")) {
        /* Another shell printed a prompt meanwhile: show whose answer
         * this is by repeating its prompt line, as if switching back to
         * that terminal. */
        pending *p = ev->node ? find_pending(t, ev->node) : NULL;
        if (p && p->line && t->last_eval_node &&
            strcmp(t->last_eval_node, ev->node)) {
            line_start(t);
            fprintf(t->out, "%s\n", p->line);
            free(t->last_eval_node);
            t->last_eval_node = dup(ev->node);
        }
        fprintf(t->out, "%s\n", ev->text);
        t->mid_line = false;
    } else if (!strcmp(ev->kind, "eval")) {
        line_start(t);
        fprintf(t->out, "%s\n", ev->text);
        if (ev->node)
            set_pending(t, ev->node, ev->text);
    } else if (!strcmp(ev->kind, "log")) {
        if (shown_level(ev->reason)) {
            line_start(t);
            /* Every node's console is merged here: say whose this is
             * unless it is the shell that printed the last prompt. */
            if (ev->node && (!t->last_eval_node || strcmp(t->last_eval_node, ev->node))) {
                fprintf(t->out, "%%%% on %s:\n", ev->node);
                free(t->last_eval_node);
                t->last_eval_node = dup(ev->node);
            }
            fprintf(t->out, "%s\n\n", ev->text);
        }
    } else if (is_comment(ev->kind) ||
               (!strcmp(ev->kind, "expect") && ev->reason &&
                !strcmp(ev->reason, "fail"))) {
        char ts[40];
        line_start(t);
        trace_format_short_time(ts, ev->t);
        if (!strcmp(ev->kind, "note"))
            fprintf(t->out, "%%%% [%s] %s\n", ts, ev->text);
        else if (!strcmp(ev->kind, "restart") && ev->node)
            /* the event's text is "creation N": say whose */
            fprintf(t->out, "%%%% [%s] restart: %s (%s)\n", ts, ev->node, ev->text);
        else
            fprintf(t->out, "%%%% [%s] %s: %s\n", ts, ev->kind, ev->text);
    }
}

sim_observer trace_transcript_observer(trace_transcript *t)
{
    sim_observer o = {transcript_emit, t};
    return o;
}
