/* load_timeline: the sections of a scenario that say what happens while
 * it runs and what is checked afterwards: "timeline", "checks" and
 * (loader_int.h). loader.c calls them from the top level once
 * config, nodes and links are read; the values they are made of are read
 * by load_values.c.
 *
 * Invariants:
 * - The nodes are complete before any of this runs, so every node
 *   reference resolves (scn__want_node) and c->p->until is set: no step,
 *   and no workload start or end, is after "until".
 * - Steps and checks keep their file index and their line:col (walked
 *   once, in increasing order, with scn__linecol); steps are then sorted
 *   by (at, index), the one order the run loop follows.
 * - As in loader.c, whatever is allocated hangs off the plan (or
 *   c->scratch) at once, so a failed load is freed by scn_plan_free. */
#include "scenarios/loader_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/erl/eval.h"
#include "core/term/xalloc.h"
#include "scenarios/jsonpos.h"

/* ---- points in time ------------------------------------------------- */

/* A duration from the start at the current path, no later than "until". */
int scn__want_moment(ctx *c, const cJSON *v, int64_t *out)
{
    if (scn__want_duration(c, v, false, out) < 0)
        return -1;
    if (*out > c->p->until)
        return scn__fail(c, "%s is after \"until\" (%s)",
                         scn__qs(c, v->valuestring),
                         scn__qs(c, c->until_text));
    return 0;
}

/* ---- timeline --------------------------------------------------------- */

static const char *const step_keys[] = {
    "at", "on", "eval", "expect", "note", "partition", "cut", "cut_oneway",
    "heal", "latency", "halt", "freeze", "resume", "restart"
};
enum { S_AT, S_ON, S_EVAL, S_EXPECT, S_NOTE, S_PARTITION, S_CUT,
       S_CUT_ONEWAY, S_HEAL, S_LATENCY, S_HALT, S_FREEZE, S_RESUME,
       S_RESTART, S_N };

static bool is_action(int k)
{
    return k == S_EVAL || k >= S_NOTE;
}

/* A non-empty list of node pairs into st->pairs. */
static int want_pairs(ctx *c, const cJSON *v, scn_step *st)
{
    if (scn__want_list(c, v, "a list of node pairs, e.g. [[\"alice\", "
                       "\"bob\"]]") < 0)
        return -1;
    int n = cJSON_GetArraySize(v), i = 0;
    if (n == 0)
        return scn__fail(c, "expected at least one pair of nodes");
    st->pairs = xcalloc((size_t)n, sizeof *st->pairs);
    st->npairs = n;
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        scn__push_idx(c, i);
        if (scn__want_pair(c, e, st->pairs[i]) < 0)
            return -1;
        scn__pop(c);
    }
    return 0;
}

static int want_partition(ctx *c, const cJSON *v, scn_step *st)
{
    const scn_plan *p = c->p;
    if (scn__want_list(c, v, "a list of groups, e.g. [[\"alice\"], [\"bob\", "
                       "\"carol\"]]") < 0)
        return -1;
    if (cJSON_GetArraySize(v) < 2)
        return scn__fail(c, "a partition needs at least two groups");
    st->group = xmalloc((size_t)p->nnodes * sizeof *st->group);
    for (int k = 0; k < p->nnodes; k++)
        st->group[k] = -1;
    int g = 0;
    for (const cJSON *grp = v->child; grp != NULL; grp = grp->next, g++) {
        scn__push_idx(c, g);
        if (scn__want_list(c, grp, "a group: a list of nodes") < 0)
            return -1;
        if (grp->child == NULL)
            return scn__fail(c, "empty group");
        int k = 0;
        for (const cJSON *e = grp->child; e != NULL; e = e->next, k++) {
            int nd = -1;
            scn__push_idx(c, k);
            if (scn__want_node(c, e, &nd) < 0)
                return -1;
            if (st->group[nd] == g)
                return scn__fail(c, "%s is listed twice in this group",
                                 p->nodes[nd].name);
            if (st->group[nd] >= 0)
                return scn__fail(c, "%s is in two groups (also in "
                                 "partition[%d])", p->nodes[nd].name,
                                 st->group[nd]);
            st->group[nd] = g;
            scn__pop(c);
        }
        scn__pop(c);
    }
    return 0;
}

static int want_oneway(ctx *c, const cJSON *v, scn_step *st)
{
    field m[L_N];
    bool both;
    if (scn__want_object(c, v, "{\"from\": A, \"to\": B}") < 0 ||
        scn__members(c, v, scn__link_keys, L_TO + 1, m) < 0)
        return -1;
    if (m[L_BETWEEN].v != NULL) {
        scn__enter(c, scn__link_keys, m, L_BETWEEN);
        return scn__fail_key(c, "a one-way cut takes \"from\" and \"to\"; for "
                             "both ways use \"cut\"");
    }
    st->pairs = xcalloc(1, sizeof *st->pairs);
    st->npairs = 1;
    return scn__want_direction(c, m, st->pairs[0], &both);
}

static const char *const latstep_keys[] = {"between", "from", "to", "value"};

static int want_latency_step(ctx *c, const cJSON *v, scn_step *st)
{
    field m[L_N];
    if (scn__want_object(c, v, "{\"between\": [A, B], \"value\": \"300ms\"} or "
                         "{\"from\": A, \"to\": B, \"value\": ...}") < 0 ||
        scn__members(c, v, latstep_keys, L_N, m) < 0)
        return -1;
    st->pairs = xcalloc(1, sizeof *st->pairs);
    st->npairs = 1;
    if (scn__want_direction(c, m, st->pairs[0], &st->both_ways) < 0 ||
        scn__need(c, &m[L_LATENCY], "value", "") < 0)
        return -1;
    scn__enter(c, latstep_keys, m, L_LATENCY);
    if (scn__want_latency(c, m[L_LATENCY].v, &st->latency) < 0)
        return -1;
    scn__pop(c);
    return 0;
}

static int want_text(ctx *c, const cJSON *v, const char *what, char **out)
{
    const char *s = NULL, *t;
    if (scn__want_string(c, v, false, &s) < 0)
        return -1;
    for (t = s; *t == ' ' || *t == '\t' || *t == '\n' || *t == '\r'; t++)
        ;
    if (*t == '\0')
        return scn__fail(c, "empty %s", what);
    *out = xstrdup(s);
    return 0;
}

/* The text of an eval (or an expect pattern) must be Erlang the shell
 * understands: a syntax error is the scenario's error, with its place in
 * the text, e.g. `timeline[3].eval: 1:12: syntax error before: ')'`. The
 * code compiled here is the one the shell runs (*out, held by the plan). */
static int want_erlang(ctx *c, const char *text, bool pattern, ev_code **out)
{
    ev_error e;
    ev_code *code = pattern ? ev_compile_pattern(text, &e)
                            : ev_compile(text, &e);
    if (code) {
        *out = code;
        return 0;
    }
    return scn__fail(c, "%d:%d: %s", e.line, e.col, e.msg);
}

/* One timeline step; `off` is where its object starts in the text. */
static int load_step(ctx *c, const cJSON *v, scn_step *st, size_t off)
{
    field m[S_N];
    int act = -1;
    if (scn__want_object(c, v, "a step like {\"at\": \"1s\", \"halt\": "
                         "\"bob\"}") < 0 ||
        scn__members(c, v, step_keys, S_N, m) < 0 ||
        scn__need(c, &m[S_AT], "at", "") < 0)
        return -1;
    scn__linecol(c, off, &st->line, &st->col);
    scn__enter(c, step_keys, m, S_AT);
    if (scn__want_moment(c, m[S_AT].v, &st->at) < 0)
        return -1;
    scn__pop(c);
    /* The first action in file order is the step's; a second is the
     * error, reported where it stands. */
    int second = -1;
    for (int k = 0; k < S_N; k++) {
        if (!is_action(k) || m[k].v == NULL)
            continue;
        if (act < 0 || m[k].n < m[act].n) {
            second = act;
            act = k;
        } else if (second < 0 || m[k].n < m[second].n) {
            second = k;
        }
    }
    if (second >= 0) {
        scn__enter(c, step_keys, m, second);
        return scn__fail_key(c, "a step has exactly one action, and this one "
                             "also has %s", scn__qs(c, step_keys[act]));
    }
    if (act < 0)
        return scn__fail(c, "a step needs one action: eval, note, partition, "
                         "cut, cut_oneway, heal, latency, halt, freeze, "
                         "resume or restart");
    static const int eval_only[] = {S_ON, S_EXPECT};
    for (int i = 0; i < 2; i++) {
        int k = eval_only[i];
        if (m[k].v != NULL && act != S_EVAL) {
            scn__enter(c, step_keys, m, k);
            return scn__fail_key(c, "%s goes with \"eval\" only",
                                 scn__qs(c, step_keys[k]));
        }
    }
    const cJSON *a = m[act].v;
    if (act == S_EVAL && scn__need(c, &m[S_ON], "on", " (the node whose shell "
                                   "evaluates \"eval\")") < 0)
        return -1;
    scn__enter(c, step_keys, m, act);
    switch (act) {
    case S_EVAL:
        st->kind = STEP_EVAL;
        if (want_text(c, a, "expression", &st->eval) < 0 ||
            want_erlang(c, st->eval, false, &st->code) < 0)
            return -1;
        scn__pop(c);
        scn__enter(c, step_keys, m, S_ON);
        if (scn__want_node(c, m[S_ON].v, &st->node) < 0)
            return -1;
        if (m[S_EXPECT].v != NULL) {
            scn__pop(c);
            scn__enter(c, step_keys, m, S_EXPECT);
            if (want_text(c, m[S_EXPECT].v, "pattern", &st->expect) < 0 ||
                want_erlang(c, st->expect, true, &st->pattern) < 0)
                return -1;
            scn__linecol(c, scn__here(c), &st->expect_line, &st->expect_col);
        }
        break;
    case S_NOTE:
        st->kind = STEP_NOTE;
        if (want_text(c, a, "note", &st->note) < 0)
            return -1;
        break;
    case S_PARTITION:
        st->kind = STEP_PARTITION;
        if (want_partition(c, a, st) < 0)
            return -1;
        break;
    case S_CUT:
        st->kind = STEP_CUT;
        if (want_pairs(c, a, st) < 0)
            return -1;
        break;
    case S_CUT_ONEWAY:
        st->kind = STEP_CUT_ONEWAY;
        if (want_oneway(c, a, st) < 0)
            return -1;
        break;
    case S_HEAL:
        st->kind = STEP_HEAL;
        if (cJSON_IsString(a) && strcmp(a->valuestring, "all") == 0)
            st->heal_all = true;
        else if (!cJSON_IsArray(a))
            return scn__fail(c, "expected \"all\" or a list of node pairs, "
                             "got %s", scn__shown(c, a));
        else if (want_pairs(c, a, st) < 0)
            return -1;
        break;
    case S_LATENCY:
        st->kind = STEP_LATENCY;
        if (want_latency_step(c, a, st) < 0)
            return -1;
        break;
    default:
        st->kind = act == S_HALT ? STEP_HALT : act == S_FREEZE ? STEP_FREEZE
                 : act == S_RESUME ? STEP_RESUME : STEP_RESTART;
        if (scn__want_node(c, a, &st->node) < 0)
            return -1;
        break;
    }
    scn__pop(c);
    return 0;
}

/* DETERMINISM: run order is (at, file order). */
static int by_time(const void *a, const void *b)
{
    const scn_step *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

int scn__load_timeline(ctx *c, const cJSON *v)
{
    scn_plan *p = c->p;
    if (scn__want_list(c, v, "a list of steps") < 0)
        return -1;
    int n = cJSON_GetArraySize(v), i = 0;
    p->steps = xcalloc((size_t)n, sizeof *p->steps);
    p->nsteps = p->ntimeline = n;
    size_t off = jp_elem_first(c->text, c->len, scn__here(c));
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        scn_step *st = &p->steps[i];
        st->index = i;
        st->node = -1;
        scn__push_idx(c, i);
        if (load_step(c, e, st, off) < 0)
            return -1;
        scn__pop(c);
        off = jp_elem_next(c->text, c->len, off);
    }
    qsort(p->steps, (size_t)n, sizeof *p->steps, by_time);
    return 0;
}

/* ---- checks ----------------------------------------------------------- */

/* Trace kinds (traces/README.md). */
static const char *const trace_kinds[] = {
    "boot", "halt", "spawn", "exit", "send", "deliver", "drop", "register",
    "unregister", "link", "monitor", "down", "connect", "handshake_fail",
    "nodeup", "nodedown", "partition", "cut", "heal", "latency", "freeze",
    "resume", "restart", "global_register", "global_unregister",
    "global_conflict", "eval", "result", "output", "log", "expect", "note",
    "check", "invoke", "ok", "fail", "info", "checker", "availability",
    "replica", "discard", "pause", "unpause", "decision"
};

/* event, count and between, then the trace fields usable as filters. */
static const char *const check_keys[] = {
    "event", "count", "between",
    "node", "peer", "pid", "to", "name", "term", "reason", "text"
};
enum { K_EVENT, K_COUNT, K_BETWEEN, K_NODE, K_PEER, K_N = 11 };

static const char *const count_keys[] = {"min", "max"};

#define COUNT_MAX 1e15
#define COUNT_WHAT "a count: a whole number >= 0, or {\"min\": N, \"max\": M}"

static int want_count(ctx *c, const cJSON *v, scn_check *ck)
{
    field m[2];
    if (cJSON_IsNumber(v)) {
        if (scn__want_int(c, v, 0, COUNT_MAX, &ck->min, COUNT_WHAT) < 0)
            return -1;
        ck->max = ck->min;
        return 0;
    }
    if (!cJSON_IsObject(v))
        return scn__fail(c, "expected %s, got %s", COUNT_WHAT,
                         scn__shown(c, v));
    if (scn__members(c, v, count_keys, 2, m) < 0)
        return -1;
    if (m[0].v == NULL && m[1].v == NULL)
        return scn__fail(c, "a count range needs \"min\", \"max\" or both");
    ck->min = 0;
    ck->max = -1;
    for (int k = 0; k < 2; k++) {
        int64_t x = 0;
        if (m[k].v == NULL)
            continue;
        scn__enter(c, count_keys, m, k);
        if (scn__want_int(c, m[k].v, 0, COUNT_MAX, &x,
                          "a whole number >= 0") < 0)
            return -1;
        if (k == 0)
            ck->min = x;
        else if (x < ck->min)
            return scn__fail(c, "max (%lld) is below min (%lld)", (long long)x,
                             (long long)ck->min);
        else
            ck->max = x;
        scn__pop(c);
    }
    return 0;
}

/* ["55s", "85s"]: an inclusive window, start <= end. */
static int want_window(ctx *c, const cJSON *v, int64_t *t0, int64_t *t1)
{
    if (!cJSON_IsArray(v))
        return scn__fail(c, "expected a window of two durations, e.g. "
                         "[\"55s\", \"85s\"], got %s", scn__tname(v));
    if (cJSON_GetArraySize(v) != 2)
        return scn__fail(c, "a window has two durations, this list has %d",
                         cJSON_GetArraySize(v));
    /* a window past "until" would count events the run never has */
    scn__push_idx(c, 0);
    if (scn__want_moment(c, v->child, t0) < 0)
        return -1;
    scn__pop(c);
    scn__push_idx(c, 1);
    if (scn__want_moment(c, v->child->next, t1) < 0)
        return -1;
    if (*t1 < *t0)
        return scn__fail(c, "the window ends (%s) before it starts (%s)",
                         scn__qs(c, v->child->next->valuestring),
                         scn__qs(c, v->child->valuestring));
    scn__pop(c);
    return 0;
}

/* The filter fields each trace kind has (traces/README.md, "Event kinds
 * and their fields"), "node" being the NODE column: a filter naming a
 * field the kind never has would match nothing, so `count: 0` would pass
 * whatever the run does. */
static const struct { const char *kind, *fields; } kind_fields[] = {
    {"boot", "node, text"}, {"halt", "node, text"},
    {"spawn", "node, pid, text"}, {"exit", "node, pid, reason"},
    {"send", "node, peer, to, term"}, {"deliver", "node, peer, to, term"},
    {"drop", "node, peer, to, term, reason"}, {"register", "node, pid, name"},
    {"unregister", "node, pid, name"}, {"link", "node, pid, to"},
    {"monitor", "node, pid, to"}, {"down", "node, pid, to, reason"},
    {"connect", "node, peer"}, {"handshake_fail", "node, peer, reason"},
    {"nodeup", "node, peer, text"}, {"nodedown", "node, peer, reason"},
    {"partition", "text"}, {"cut", "node, peer, text"},
    {"heal", "node, peer, text"}, {"latency", "node, peer, text"},
    {"freeze", "node, text"}, {"resume", "node, text"},
    {"restart", "node, text"}, {"global_register", "node, pid, name"},
    {"global_unregister", "node, pid, name, reason"},
    {"global_conflict", "node, pid, to, name, reason"},
    {"eval", "node, name, text"}, {"result", "node, term, reason, text"},
    {"output", "node, text"}, {"log", "node, reason, text"},
    {"expect", "node, name, term, reason, text"}, {"note", "text"},
    {"check", "name, reason, text"},
    {"invoke", "node, pid, name, term, text"}, {"ok", "node, name, term, text"},
    {"fail", "node, name, term, reason, text"},
    {"info", "node, name, term, reason, text"},
    {"checker", "name, reason, text"}, {"availability", "name, term, reason"},
    {"replica", "node, pid, name, term"},
    {"discard", "node, pid, name, term, reason, text"},
    {"pause", "node, pid, reason"}, {"unpause", "node, pid, reason"},
    {"decision", "node, pid, term"},
};

/* The fields of `kind` ("node, peer, text"), or NULL: every field. */
static const char *fields_of(const char *kind)
{
    for (size_t i = 0; i < sizeof kind_fields / sizeof kind_fields[0]; i++)
        if (!strcmp(kind_fields[i].kind, kind))
            return kind_fields[i].fields;
    return NULL;
}

static bool has_field(const char *fields, const char *key)
{
    size_t n = strlen(key);
    for (const char *f = fields; *f; ) {
        size_t len = strcspn(f, ",");
        if (len == n && !strncmp(f, key, n))
            return true;
        f += len;
        f += strspn(f, ", ");
    }
    return false;
}

static int load_check(ctx *c, const cJSON *v, scn_check *ck, size_t off)
{
    field m[K_N];
    int kind = 0, nf = 0;
    if (scn__want_object(c, v, "a check like {\"event\": \"nodedown\", "
                         "\"count\": 1}") < 0 ||
        scn__members(c, v, check_keys, K_N, m) < 0 ||
        scn__need(c, &m[K_EVENT], "event", "") < 0 ||
        scn__need(c, &m[K_COUNT], "count", "") < 0)
        return -1;
    scn__linecol(c, off, &ck->line, &ck->col);
    scn__enter(c, check_keys, m, K_EVENT);
    if (scn__want_enum(c, m[K_EVENT].v, "trace kind", trace_kinds,
                       (int)(sizeof trace_kinds / sizeof trace_kinds[0]), &kind)
        < 0)
        return -1;
    ck->event = xstrdup(trace_kinds[kind]);
    scn__pop(c);
    scn__enter(c, check_keys, m, K_COUNT);
    if (want_count(c, m[K_COUNT].v, ck) < 0)
        return -1;
    scn__pop(c);
    if (m[K_BETWEEN].v != NULL) {
        scn__enter(c, check_keys, m, K_BETWEEN);
        if (want_window(c, m[K_BETWEEN].v, &ck->t0, &ck->t1) < 0)
            return -1;
        ck->has_between = true;
        scn__pop(c);
    }
    const char *fields = fields_of(ck->event);
    for (int k = K_NODE; k < K_N; k++) {
        if (m[k].v != NULL && fields && !has_field(fields, check_keys[k])) {
            scn__enter(c, check_keys, m, k);
            return scn__fail_key(c, "a %s event has no field \"%s\", so this "
                                 "filter would match nothing (its fields: %s)",
                                 ck->event, check_keys[k], fields);
        }
        nf += m[k].v != NULL;
    }
    ck->keys = xcalloc((size_t)nf, sizeof *ck->keys);
    ck->values = xcalloc((size_t)nf, sizeof *ck->values);
    ck->nfilters = nf;
    nf = 0;
    for (int k = K_NODE; k < K_N; k++) {
        const char *s = NULL;
        int nd = -1;
        if (m[k].v == NULL)
            continue;
        scn__enter(c, check_keys, m, k);
        if (k == K_NODE || k == K_PEER) {
            if (scn__want_node(c, m[k].v, &nd) < 0)
                return -1;
            s = c->p->nodes[nd].name;
        } else if (scn__want_string(c, m[k].v, false, &s) < 0) {
            return -1;
        }
        ck->keys[nf] = xstrdup(check_keys[k]);
        ck->values[nf++] = xstrdup(s);
        scn__pop(c);
    }
    return 0;
}

int scn__load_checks(ctx *c, const cJSON *v)
{
    scn_plan *p = c->p;
    if (scn__want_list(c, v, "a list of checks") < 0)
        return -1;
    int n = cJSON_GetArraySize(v), i = 0;
    p->checks = xcalloc((size_t)n, sizeof *p->checks);
    p->nchecks = n;
    size_t off = jp_elem_first(c->text, c->len, scn__here(c));
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        p->checks[i].index = i;
        scn__push_idx(c, i);
        if (load_check(c, e, &p->checks[i], off) < 0)
            return -1;
        scn__pop(c);
        off = jp_elem_next(c->text, c->len, off);
    }
    return 0;
}


