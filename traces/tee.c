/* tee: fans events out to several sinks in the order they were added
 * (DETERMINISM: sink order is registration order, never anything else). */
#include "traces/trace.h"

#include <stdlib.h>

struct trace_tee {
    sim_observer *sinks;
    size_t n, cap;
};

trace_tee *trace_tee_new(void)
{
    trace_tee *t = calloc(1, sizeof *t);
    if (!t)
        abort();
    return t;
}

void trace_tee_free(trace_tee *t)
{
    if (!t)
        return;
    free(t->sinks);
    free(t);
}

void trace_tee_add(trace_tee *t, sim_observer obs)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 4;
        t->sinks = realloc(t->sinks, t->cap * sizeof *t->sinks);
        if (!t->sinks)
            abort();
    }
    t->sinks[t->n++] = obs;
}

static void tee_emit(void *ctx, const sim_obs_event *ev)
{
    trace_tee *t = ctx;
    for (size_t i = 0; i < t->n; i++)
        t->sinks[i].emit(t->sinks[i].ctx, ev);
}

sim_observer trace_tee_observer(trace_tee *t)
{
    sim_observer o = {tee_emit, t};
    return o;
}
