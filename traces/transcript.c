/* transcript: the shell-session view of a run, as a learner reads it.
 *
 * Shell events print their text as is (`eval` carries the prompt and the
 * source, `result` what the shell prints back, `output` a process's
 * io:format output, `log` a logger report). Notes and network faults
 * print as Erlang comments with their virtual time, so a transcript stays
 * readable as an Erlang session: `%% [10s] partition: ...`. */
#include "traces/trace.h"

#include <stdlib.h>
#include <string.h>

struct trace_transcript {
    FILE *out;
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
    free(t);
}

static bool is_shell(const char *k)
{
    return !strcmp(k, "eval") || !strcmp(k, "result") ||
           !strcmp(k, "output") || !strcmp(k, "log");
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

static void transcript_emit(void *ctx, const sim_obs_event *ev)
{
    trace_transcript *t = ctx;
    if (!ev->text)
        return;
    if (is_shell(ev->kind)) {
        fputs(ev->text, t->out);
        fputc('\n', t->out);
    } else if (is_comment(ev->kind) ||
               (!strcmp(ev->kind, "expect") && ev->reason &&
                !strcmp(ev->reason, "fail"))) {
        char ts[40];
        short_time(ts, ev->t);
        if (!strcmp(ev->kind, "note"))
            fprintf(t->out, "%%%% [%s] %s\n", ts, ev->text);
        else
            fprintf(t->out, "%%%% [%s] %s: %s\n", ts, ev->kind, ev->text);
    }
}

sim_observer trace_transcript_observer(trace_transcript *t)
{
    sim_observer o = {transcript_emit, t};
    return o;
}
