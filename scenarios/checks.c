/* checks: the verdict sink. Counts the events each check selects, then
 * judges the counts; reports every failed expectation as it happens.
 * A check selects an event when the kind is equal, every field filter is
 * equal to the event's field (absent fields never match) and, with
 * `between`, the time is inside the inclusive window. Failures go to the
 * report stream as `file:line:col: ...`, the location of the check or of
 * the step's `expect`, so an editor jumps to it. */
#include "scenarios/checks.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "traces/trace.h"

struct scn_checks {
    const scn_plan *p;
    FILE *report;
    uint64_t *count;
    bool finishing;
};

scn_checks *scn_checks_new(const scn_plan *p, FILE *report)
{
    scn_checks *c = calloc(1, sizeof *c);
    if (!c || !(c->count = calloc((size_t)p->nchecks + 1, sizeof *c->count)))
        abort();
    c->p = p;
    c->report = report;
    return c;
}

void scn_checks_free(scn_checks *c)
{
    if (!c)
        return;
    free(c->count);
    free(c);
}

static const char *field(const sim_obs_event *ev, const char *key)
{
    if (!strcmp(key, "node")) return ev->node;
    if (!strcmp(key, "peer")) return ev->peer;
    if (!strcmp(key, "pid")) return ev->pid;
    if (!strcmp(key, "to")) return ev->to;
    if (!strcmp(key, "name")) return ev->name;
    if (!strcmp(key, "term")) return ev->term;
    if (!strcmp(key, "reason")) return ev->reason;
    if (!strcmp(key, "text")) return ev->text;
    return NULL;
}

static bool selects(const scn_check *k, const sim_obs_event *ev)
{
    if (strcmp(k->event, ev->kind))
        return false;
    if (k->has_between && (ev->t < k->t0 || ev->t > k->t1))
        return false;
    for (int i = 0; i < k->nfilters; i++) {
        const char *v = field(ev, k->keys[i]);
        if (!v || strcmp(v, k->values[i]))
            return false;
    }
    return true;
}

/* A failed `expect` event names its step as "timeline[N]": reports it at
 * the step's expect text. */
static void report_expect(const scn_checks *c, const sim_obs_event *ev)
{
    int index;
    if (!c->report || !ev->name || sscanf(ev->name, "timeline[%d]", &index) != 1)
        return;
    for (int i = 0; i < c->p->nsteps; i++) {
        const scn_step *st = &c->p->steps[i];
        if (st->index == index) {
            fprintf(c->report, "%s:%d:%d: expectation failed: ", c->p->file,
                    st->expect_line, st->expect_col);
            trace_fputs_safe(ev->text, c->report);
            fputc('\n', c->report);
            return;
        }
    }
}

static void checks_emit(void *ctx, const sim_obs_event *ev)
{
    scn_checks *c = ctx;
    if (c->finishing)
        return;
    if (!strcmp(ev->kind, "expect") && ev->reason && !strcmp(ev->reason, "fail"))
        report_expect(c, ev);
    for (int i = 0; i < c->p->nchecks; i++)
        if (selects(&c->p->checks[i], ev))
            c->count[i]++;
}

sim_observer scn_checks_observer(scn_checks *c)
{
    sim_observer o = {checks_emit, c};
    return o;
}

/* Writes the check's selector as the user wrote it, for messages. */
static void describe(char *buf, size_t n, const scn_check *k)
{
    size_t len = (size_t)snprintf(buf, n, "event=%s", k->event);
    for (int i = 0; i < k->nfilters && len < n; i++)
        len += (size_t)snprintf(buf + len, n - len, " %s=%s", k->keys[i],
                                k->values[i]);
    if (k->has_between && len < n) {
        char a[32], b[32];
        trace_format_time(a, k->t0);
        trace_format_time(b, k->t1);
        snprintf(buf + len, n - len, " between=[%ss,%ss]", a, b);
    }
}

int scn_checks_finish(scn_checks *c, sim *s)
{
    FILE *report = c->report;
    int failed = 0;
    c->finishing = true;
    for (int i = 0; i < c->p->nchecks; i++) {
        const scn_check *k = &c->p->checks[i];
        uint64_t n = c->count[i];
        bool ok = n >= (uint64_t)k->min && (k->max < 0 || n <= (uint64_t)k->max);
        char want[64], sel[512], got[32], where[32];
        if (k->max == k->min)
            snprintf(want, sizeof want, "%" PRId64, k->min);
        else if (k->max < 0)
            snprintf(want, sizeof want, "at least %" PRId64, k->min);
        else
            snprintf(want, sizeof want, "%" PRId64 "..%" PRId64, k->min, k->max);
        describe(sel, sizeof sel, k);
        snprintf(got, sizeof got, "%" PRIu64, n);
        snprintf(where, sizeof where, "checks[%d]", k->index);
        char text[768];
        snprintf(text, sizeof text, "%s: %s: expected %s, counted %s", where,
                 sel, want, got);
        sim_obs_event ev = {0};
        ev.kind = "check";
        ev.name = where;
        ev.reason = ok ? "pass" : "fail";
        ev.text = text;
        sim_emit(s, &ev);
        if (!ok) {
            failed++;
            if (report) {
                fprintf(report, "%s:%d:%d: check failed: ", c->p->file,
                        k->line, k->col);
                trace_fputs_safe(text, report);
                fputc('\n', report);
            }
        }
    }
    return failed;
}
