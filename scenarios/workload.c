/* workload: the clients and the checkers of a scenario's workload
 * (workload.h; scenarios/README.md, "Workload").
 *
 * Invariants:
 * - the random draws of client i come from rng_stream(seed, "workload",
 *   i) only, in the client's own order (arrival gap, then the
 *   operation), so a client's sequence does not depend on the others;
 * - a client has at most one operation in flight; the history's
 *   operations are in the order of their invocations, and each event's
 *   ordinal is its rank among the workload's events;
 * - Jepsen's process of client i is i + k * nclients after its k-th
 *   info (a crashed process never invokes again). */
#include "scenarios/workload.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/rt/rt.h"
#include "core/term/xalloc.h"
#include "sim/rng.h"
#include "traces/trace.h"

typedef struct client {
    struct scn_wl *wl;
    int index, node;
    rng r;
    int64_t process;
    bool busy, due;            /* an operation in flight; an arrival waits */
    size_t op;                 /* the operation in flight (history index) */
    int final_key;             /* next key of the final reads; -1 none due */
    const struct pending *pending;  /* during world_call: what it invokes */
} client;

struct scn_wl {
    const scn_plan *p;
    const scn_workload *wd;
    sim *s;
    world *w;
    ev_code *code;             /* store_client:op(Mod, F, Key, Arg, Timeout) */
    client *clients;
    int64_t *next_value;       /* per key: the last value handed out */
    term **last_value;         /* per key: the generator's guess of its value */
    history h;
    uint64_t ordinal;
    /* what the observer saw */
    int *group;                /* per node: its group in the first partition, -1 */
    int *side;                 /* per node: CAP_MAJORITY, CAP_MINORITY, -1 */
    int64_t partition_at, heal_at;      /* us, -1 */
    int64_t *detected;         /* per node, us, -1 */
    cap_replica *replicas;
    size_t nreplicas, capreplicas;
    size_t discards;
    char *partition_text;
};

static const char *const f_names[] = {"read", "write", "cas"};

/* ---- the store on the members ------------------------------------------- */

char *scn_wl_boot_eval(const scn_plan *p, int node)
{
    const scn_workload *wd = &p->workload;
    const scn_strategy *st = &wd->strategy;
    bool member = false;
    for (int i = 0; i < st->nmembers && !member; i++)
        member = st->members[i] == node;
    if (!wd->present || !member)
        return NULL;
    strbuf b;
    sb_init(&b);
    sb_printf(&b, "'%s':start_link(#{members => [", st->name);
    for (int i = 0; i < st->nmembers; i++)
        sb_printf(&b, "%s'%s'", i ? ", " : "", p->nodes[st->members[i]].name);
    sb_puts(&b, "], clients => [");
    for (int i = 0; i < wd->nclients; i++)
        sb_printf(&b, "%s'%s'", i ? ", " : "", p->nodes[wd->clients[i]].name);
    sb_printf(&b, "]%s%s}).", st->params[0] ? ", " : "", st->params);
    return b.s;
}

/* ---- events ----------------------------------------------------------------- */

static void emit(scn_wl *wl, int node, const char *kind, const char *pid,
                 const char *name, const char *term_text, const char *reason,
                 const char *text)
{
    sim_obs_event ev = {.node = node >= 0 ? world_node_name(wl->w, node) : NULL,
                        .kind = kind, .pid = pid, .name = name,
                        .term = term_text, .reason = reason, .text = text};
    sim_emit(wl->s, &ev);
}

/* A register value as the history keeps it: an integer, or nil for
 * undefined; anything else is a value no write wrote (INT64_MIN). */
static hist_val to_val(const term *t)
{
    if (t->tag == T_INT)
        return (hist_val){.v = t->u.i};
    if (term_is_atom(t, atom_intern("undefined")))
        return (hist_val){.nil = true};
    return (hist_val){.v = INT64_MIN};
}

/* ---- clients -------------------------------------------------------------- */

static void issue(client *c, hist_f f, int key);

/* What an issue() is invoking, for on_started (which world_call calls
 * before the process runs). */
typedef struct pending {
    hist_f f;
    int key;
    term *arg;
} pending;

/* The value an operation's events show (`term`): a write's "17", a
 * cas's "[16,17]" (its old value "undefined" before the first write);
 * NULL for a read, whose invocation has none. */
static const char *op_value(const hist_op *op, char buf[64])
{
    if (op->f == HIST_WRITE)
        snprintf(buf, 64, "%" PRId64, op->a.v);
    else if (op->f == HIST_CAS && op->a.nil)
        snprintf(buf, 64, "[undefined,%" PRId64 "]", op->b.v);
    else if (op->f == HIST_CAS)
        snprintf(buf, 64, "[%" PRId64 ",%" PRId64 "]", op->a.v, op->b.v);
    return op->f == HIST_READ ? NULL : buf;
}

/* The events' `text`: "process 3, key 1". */
static void op_text(const hist_op *op, char buf[64])
{
    snprintf(buf, 64, "process %" PRId64 ", key %" PRId64, op->process, op->key);
}

/* world_call's started: the invocation. */
static void on_started(void *ctx, const char *pid)
{
    client *c = ctx;
    const pending *pd = c->pending;
    scn_wl *wl = c->wl;
    hist_op op = {.f = pd->f, .type = HIST_INFO, .key = pd->key,
                  .process = c->process, .call = wl->ordinal,
                  .ret = HIST_OPEN, .ret_index = -1,
                  .call_time = sim_now(wl->s) * 1000, .ret_time = -1,
                  .call_index = (int64_t)wl->ordinal, .node = c->node,
                  .ended = HIST_OPEN};
    wl->ordinal++;
    if (pd->f == HIST_WRITE) {
        op.a = to_val(pd->arg);
    } else if (pd->f == HIST_CAS) {
        op.a = to_val(pd->arg->u.cons.head);
        op.b = to_val(pd->arg->u.cons.tail->u.cons.head);
    }
    if (wl->h.n == wl->h.cap) {
        wl->h.cap = wl->h.cap ? 2 * wl->h.cap : 256;
        wl->h.ops = xrealloc(wl->h.ops, wl->h.cap * sizeof *wl->h.ops);
    }
    c->op = wl->h.n;
    wl->h.ops[wl->h.n++] = op;
    wl->h.events++;
    c->busy = true;
    char text[64], value[64];
    op_text(&op, text);
    emit(wl, c->node, "invoke", pid, f_names[op.f], op_value(&op, value), NULL, text);
}

static void on_next(sim *s, void *ctx, uint64_t arg);

/* world_call's done: the completion. */
static void on_done(void *ctx, const term *value, const ev_exception *x)
{
    client *c = ctx;
    scn_wl *wl = c->wl;
    if (!c->busy)
        return;
    hist_op *op = &wl->h.ops[c->op];
    const char *kind = "info";
    char *reason = NULL, *val = NULL;
    const term *result = NULL;
    if (x) {
        /* store_client itself raised: unsure, as its own rule says */
        kind = op->f == HIST_READ ? "fail" : "info";
        reason = rt_str(wl->w, c->node, x->reason);
    } else if (value->tag == T_TUPLE && value->u.tuple.n == 2 &&
               value->u.tuple.el[0]->tag == T_ATOM) {
        const char *tag = atom_text(value->u.tuple.el[0]->u.atom);
        result = value->u.tuple.el[1];
        if (!strcmp(tag, "ok") || !strcmp(tag, "fail") || !strcmp(tag, "info"))
            kind = tag;
        if (strcmp(kind, "ok"))
            reason = rt_str(wl->w, c->node, result);
    } else {
        kind = op->f == HIST_READ ? "fail" : "info";
        reason = rt_str(wl->w, c->node, value);
    }
    op->ret_index = (int64_t)wl->ordinal;
    op->ended = wl->ordinal;
    op->ret = wl->ordinal++;
    op->ret_time = sim_now(wl->s) * 1000;
    wl->h.events++;
    if (!strcmp(kind, "ok")) {
        op->type = HIST_OK;
        if (op->f == HIST_READ) {
            op->a = to_val(result);
            val = rt_str(wl->w, c->node, result);
        }
    } else {
        op->type = !strcmp(kind, "fail") ? HIST_FAIL : HIST_INFO;
    }
    if (op->type == HIST_INFO)
        op->ret = HIST_OPEN;   /* it may take effect at any time after: open */
    char text[64], shown[64];
    op_text(op, text);
    if (op->f != HIST_READ)
        val = xstrdup(op_value(op, shown));
    emit(wl, c->node, kind, NULL, f_names[op->f], val, reason, text);
    free(val);
    free(reason);
    c->busy = false;
    if (op->type == HIST_INFO)
        c->process += wl->wd->nclients;
    /* the next one in an event of its own: no recursion through the VM */
    sim_after(wl->s, 0, on_next, wl, (uint64_t)c->index);
}

/* The next operation a free client owes: a final read, or a random one
 * whose arrival came while it was busy. */
static void next_op(client *c)
{
    scn_wl *wl = c->wl;
    if (c->final_key >= 0) {
        int k = c->final_key++;
        if (c->final_key >= wl->wd->keys)
            c->final_key = -1;
        issue(c, HIST_READ, k);
    } else if (c->due && sim_now(wl->s) < wl->wd->to) {
        c->due = false;
        double u = rng_unit(&c->r);
        hist_f f = u < wl->wd->mix_read ? HIST_READ
                 : u < wl->wd->mix_read + wl->wd->mix_write ? HIST_WRITE : HIST_CAS;
        int key = (int)rng_below(&c->r, (uint64_t)wl->wd->keys);
        issue(c, f, key);
    } else {
        c->due = false;
    }
}

static void issue(client *c, hist_f f, int key)
{
    scn_wl *wl = c->wl;
    term *arg;
    if (f == HIST_READ) {
        arg = term_atom_s("undefined");
    } else {
        int64_t v = ++wl->next_value[key];
        term *nv = term_int(v);
        if (f == HIST_WRITE)
            arg = term_ref(nv);
        else
            arg = term_list(2, (term *[]){term_ref(wl->last_value[key]), term_ref(nv)},
                            NULL);
        term_unref(wl->last_value[key]);
        wl->last_value[key] = nv;
    }
    static const char *const names[] = {"Mod", "F", "Key", "Arg", "Timeout"};
    term *vals[5] = {term_atom_s(wl->wd->strategy.name), term_atom_s(f_names[f]),
                     term_int(key), arg, term_int(wl->wd->timeout / 1000)};
    pending pd = {f, key, arg};
    /* on a node that is down or frozen the operation is never invoked */
    c->pending = &pd;
    world_call(wl->w, c->node, wl->code, names, vals, 5, on_started, on_done, c);
    c->pending = NULL;
    for (int i = 0; i < 5; i++)
        term_unref(vals[i]);
}

static void on_next(sim *s, void *ctx, uint64_t arg)
{
    (void)s;
    scn_wl *wl = ctx;
    client *c = &wl->clients[arg];
    if (!c->busy)
        next_op(c);
}

/* The gap to the next arrival: exponential with mean 1/rate. */
static int64_t gap(client *c)
{
    double u = rng_unit(&c->r);
    double us = -log1p(-u) / c->wl->wd->rate * 1e6;
    return us < 1 ? 1 : us > 1e15 ? (int64_t)1e15 : (int64_t)us;
}

static void on_arrival(sim *s, void *ctx, uint64_t arg)
{
    scn_wl *wl = ctx;
    client *c = &wl->clients[arg];
    c->due = true;
    if (!c->busy)
        next_op(c);
    int64_t t = sim_now(s) + gap(c);
    if (t < wl->wd->to)
        sim_at(s, t, on_arrival, wl, arg);
}

static void on_final(sim *s, void *ctx, uint64_t arg)
{
    (void)s;
    scn_wl *wl = ctx;
    client *c = &wl->clients[arg];
    c->due = false;
    c->final_key = 0;
    if (!c->busy)
        next_op(c);
}

/* ---- what the observer sees ------------------------------------------------ */

static void wl_observe(void *ctx, const sim_obs_event *ev)
{
    scn_wl *wl = ctx;
    int64_t t = ev->t;
    int node = ev->node ? scn_plan_find_node(wl->p, ev->node) : -1;
    if (!strcmp(ev->kind, "nodedown") && node >= 0 && wl->partition_at >= 0 &&
        t >= wl->partition_at && wl->detected[node] < 0) {
        int peer = ev->peer ? scn_plan_find_node(wl->p, ev->peer) : -1;
        if (peer >= 0 && (wl->group[node] < 0 || wl->group[node] != wl->group[peer]))
            wl->detected[node] = t;
    } else if (!strcmp(ev->kind, "replica") && node >= 0 && ev->name && ev->term) {
        if (wl->nreplicas == wl->capreplicas) {
            wl->capreplicas = wl->capreplicas ? 2 * wl->capreplicas : 256;
            wl->replicas = xrealloc(wl->replicas, wl->capreplicas * sizeof *wl->replicas);
        }
        cap_replica *r = &wl->replicas[wl->nreplicas++];
        r->t = t * 1000;
        r->node = node;
        r->key = strtoll(ev->name, NULL, 10);
        char *end;
        long long v = strtoll(ev->term, &end, 10);
        r->v = !strcmp(ev->term, "undefined") ? (hist_val){.nil = true}
             : *end == '\0' && end != ev->term ? (hist_val){.v = v}
                                               : (hist_val){.v = INT64_MIN};
    } else if (!strcmp(ev->kind, "partition") && ev->text && !wl->partition_text) {
        wl->partition_text = xstrdup(ev->text);
    } else if (!strcmp(ev->kind, "discard")) {
        wl->discards++;
    } else if (!strcmp(ev->kind, "halt") && node >= 0) {
        /* its processes are gone: an operation in flight stays open
         * (info), and the client goes on as a new process */
        for (int i = 0; i < wl->wd->nclients; i++) {
            client *c = &wl->clients[i];
            if (c->node == node && c->busy) {
                c->busy = false;
                c->process += wl->wd->nclients;
            }
        }
    }
}

sim_observer scn_wl_observer(scn_wl *wl)
{
    return (sim_observer){wl_observe, wl};
}

/* ---- making it --------------------------------------------------------------- */

/* The fault schedule the checkers split the run by: the first partition
 * (or cut) step, its groups and sides, and the last heal after it. */
static void faults(scn_wl *wl)
{
    const scn_plan *p = wl->p;
    const scn_strategy *st = &wl->wd->strategy;
    for (int i = 0; i < p->nnodes; i++)
        wl->group[i] = wl->side[i] = -1, wl->detected[i] = -1;
    wl->partition_at = wl->heal_at = -1;
    for (int i = 0; i < p->nsteps; i++) {
        const scn_step *sp = &p->steps[i];
        bool cut = sp->kind == STEP_PARTITION || sp->kind == STEP_CUT ||
                   sp->kind == STEP_CUT_ONEWAY;
        if (cut && wl->partition_at < 0) {
            wl->partition_at = sp->at;
            if (sp->kind == STEP_PARTITION)
                for (int k = 0; k < p->nnodes; k++)
                    wl->group[k] = sp->group[k];
        } else if (sp->kind == STEP_HEAL && wl->partition_at >= 0) {
            wl->heal_at = sp->at;
        }
    }
    for (int k = 0; k < p->nnodes; k++) {
        if (wl->group[k] < 0)
            continue;
        int in = 0;
        for (int m = 0; m < st->nmembers; m++)
            in += wl->group[st->members[m]] == wl->group[k];
        wl->side[k] = 2 * in > st->nmembers ? CAP_MAJORITY : CAP_MINORITY;
    }
}

scn_wl *scn_wl_new(const scn_plan *p, sim *s, world *w, uint64_t seed)
{
    const scn_workload *wd = &p->workload;
    if (!wd->present)
        return NULL;
    scn_wl *wl = xcalloc(1, sizeof *wl);
    wl->p = p;
    wl->wd = wd;
    wl->s = s;
    wl->w = w;
    ev_error err;
    wl->code = ev_compile("store_client:op(Mod, F, Key, Arg, Timeout).", &err);
    history_init(&wl->h);
    for (int i = 0; i < p->nnodes; i++)
        history_node(&wl->h, p->nodes[i].name);   /* ids are node indexes */
    wl->next_value = xcalloc((size_t)wd->keys, sizeof *wl->next_value);
    wl->last_value = xcalloc((size_t)wd->keys, sizeof *wl->last_value);
    for (int k = 0; k < wd->keys; k++)
        wl->last_value[k] = term_atom_s("undefined");
    wl->group = xcalloc((size_t)p->nnodes, sizeof *wl->group);
    wl->side = xcalloc((size_t)p->nnodes, sizeof *wl->side);
    wl->detected = xcalloc((size_t)p->nnodes, sizeof *wl->detected);
    faults(wl);
    wl->clients = xcalloc((size_t)wd->nclients, sizeof *wl->clients);
    for (int i = 0; i < wd->nclients; i++) {
        client *c = &wl->clients[i];
        c->wl = wl;
        c->index = i;
        c->node = wd->clients[i];
        c->r = rng_stream(seed, "workload", (uint64_t)i);
        c->process = i;
        c->final_key = -1;
        int64_t t = wd->from + gap(c);
        if (t < wd->to)
            sim_at(s, t, on_arrival, wl, (uint64_t)i);
        if (wd->final_reads >= 0)
            sim_at(s, wd->final_reads, on_final, wl, (uint64_t)i);
    }
    return wl;
}

const history *scn_wl_history(const scn_wl *wl)
{
    return &wl->h;
}

void scn_wl_take_history(scn_wl *wl, history *out)
{
    history_fini(out);
    *out = wl->h;
    history_init(&wl->h);
}

void scn_wl_free(scn_wl *wl)
{
    if (!wl)
        return;
    ev_code_free(wl->code);
    history_fini(&wl->h);
    for (int k = 0; k < wl->wd->keys; k++)
        term_unref(wl->last_value[k]);
    free(wl->last_value);
    free(wl->next_value);
    free(wl->clients);
    free(wl->group);
    free(wl->side);
    free(wl->detected);
    free(wl->replicas);
    free(wl->partition_text);
    free(wl);
}

/* ---- the checkers ---------------------------------------------------------------- */

/* One operation as the report prints it: "12.500000 a@sim process 3:
 * write(1, 17) -> ok". */
static void op_line(const scn_wl *wl, const hist_op *op, char *buf, size_t n)
{
    char t[32], args[64], res[48];
    trace_format_time(t, op->call_time / 1000);
    if (op->f == HIST_READ)
        snprintf(args, sizeof args, "%" PRId64, op->key);
    else if (op->f == HIST_WRITE)
        snprintf(args, sizeof args, "%" PRId64 ", %" PRId64, op->key, op->a.v);
    else if (op->a.nil)
        snprintf(args, sizeof args, "%" PRId64 ", undefined, %" PRId64, op->key, op->b.v);
    else
        snprintf(args, sizeof args, "%" PRId64 ", %" PRId64 ", %" PRId64, op->key,
                 op->a.v, op->b.v);
    if (op->type == HIST_OK && op->f == HIST_READ && op->a.nil)
        snprintf(res, sizeof res, "undefined");
    else if (op->type == HIST_OK && op->f == HIST_READ)
        snprintf(res, sizeof res, "%" PRId64, op->a.v);
    else
        snprintf(res, sizeof res, "%s", op->type == HIST_OK ? "ok"
                 : op->type == HIST_FAIL ? "fail" : "info (open to the end)");
    if (op->type == HIST_OK) {
        char e[32];
        trace_format_time(e, op->ret_time / 1000);
        snprintf(res + strlen(res), sizeof res - strlen(res), " at %s", e);
    }
    snprintf(buf, n, "%s %s process %" PRId64 ": %s(%s) -> %s", t,
             world_node_name(wl->w, op->node), op->process, f_names[op->f], args, res);
}

static bool wants(const scn_workload *wd, const char *checker)
{
    for (int i = 0; i < wd->ncheckers; i++)
        if (!strcmp(wd->checkers[i], checker))
            return true;
    return false;
}

static void checker(scn_wl *wl, FILE *report, const char *name,
                    const char *verdict, const char *text)
{
    emit(wl, -1, "checker", NULL, name, NULL, verdict, text);
    if (report)
        fprintf(report, "%%%% checker %s: %s: %s\n", name, verdict, text);
}

static void pct(char *buf, size_t n, uint64_t ok, uint64_t inv)
{
    if (inv == 0)
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%" PRIu64 "%% of %" PRIu64, (ok * 100 + inv / 2) / inv, inv);
}

static void secs(char *buf, size_t n, int64_t ns)
{
    snprintf(buf, n, "%.3f s", (double)ns / 1e9);
}

void scn_wl_finish(scn_wl *wl, FILE *report, scn_wl_result *r)
{
    memset(r, 0, sizeof *r);
    const scn_workload *wd = wl->wd;
    history *h = &wl->h;
    r->present = true;
    snprintf(r->strategy, sizeof r->strategy, "%s", wd->strategy.name);
    bool any_cas = false;
    for (size_t i = 0; i < h->n; i++) {
        hist_op *op = &h->ops[i];
        /* a read still open at the end read nothing anyone saw */
        if (op->f == HIST_READ && op->ret == HIST_OPEN)
            op->type = HIST_FAIL;
        any_cas = any_cas || op->f == HIST_CAS;
        r->invoked++;
        r->ok += op->type == HIST_OK;
        r->fail += op->type == HIST_FAIL;
        r->info += op->type == HIST_INFO;
    }
    if (report)
        fprintf(report, "%%%% workload: strategy %s, %" PRIu64 " operations: %"
                PRIu64 " ok, %" PRIu64 " fail, %" PRIu64 " info\n",
                wd->strategy.name, r->invoked, r->ok, r->fail, r->info);
    r->partition_at = wl->partition_at;
    r->heal_at = wl->heal_at;
    r->discards = wl->discards;
    snprintf(r->partition_text, sizeof r->partition_text, "%s",
             wl->partition_text ? wl->partition_text : "");
    r->nnodes = wl->p->nnodes;
    for (int i = 0; i < SCN_WL_MAX_NODES; i++)
        r->side[i] = (signed char)(i < wl->p->nnodes ? wl->side[i] : -1);

    /* linearizable */
    hist_result lr;
    char err[256];
    size_t *window = NULL, nwindow = 0;
    r->lin = HIST_UNKNOWN;
    if (history_check(h, any_cas ? HIST_CAS_REGISTER : HIST_REGISTER,
                      HISTORY_DEFAULT_BUDGET, &lr, err, sizeof err) == 0) {
        r->lin = lr.verdict;
        if (lr.verdict == HIST_LINEARIZABLE) {
            snprintf(r->lin_text, sizeof r->lin_text, "yes (%zu key%s, %" PRIu64
                     " states explored)", lr.keys, lr.keys == 1 ? "" : "s", lr.states);
        } else if (lr.verdict == HIST_NOT_LINEARIZABLE) {
            char d[200];
            op_line(wl, &h->ops[lr.failing], d, sizeof d);
            snprintf(r->lin_text, sizeof r->lin_text, "no: key %" PRId64
                     " cannot take %s (a window of %zu operations)", lr.key, d,
                     lr.nwindow);
            window = lr.window;
            nwindow = lr.nwindow;
            lr.window = NULL;
        } else {
            snprintf(r->lin_text, sizeof r->lin_text, "unknown: key %" PRId64
                     " ran out of the budget of %d states", lr.key,
                     HISTORY_DEFAULT_BUDGET);
        }
        history_result_fini(&lr);
    } else {
        snprintf(r->lin_text, sizeof r->lin_text, "unknown: %s", err);
    }
    if (wants(wd, "linearizable"))
        checker(wl, report, "linearizable",
                r->lin == HIST_LINEARIZABLE ? "pass"
                : r->lin == HIST_NOT_LINEARIZABLE ? "fail" : "unknown",
                r->lin_text);
    for (size_t i = 0; report && i < nwindow && i < 16; i++) {
        char d[200];
        op_line(wl, &h->ops[window[i]], d, sizeof d);
        fprintf(report, "%%%%   %s\n", d);
    }
    if (report && nwindow > 16)
        fprintf(report, "%%%%   ... and %zu more\n", nwindow - 16);
    free(window);

    /* the others */
    const scn_plan *p = wl->p;
    int64_t *det = xcalloc((size_t)p->nnodes, sizeof *det);
    for (int i = 0; i < p->nnodes; i++)
        det[i] = wl->detected[i] < 0 ? -1 : wl->detected[i] * 1000;
    cap_run cr = {
        .h = h, .side = wl->side,
        .partition_at = wl->partition_at < 0 ? -1 : wl->partition_at * 1000,
        .heal_at = wl->heal_at < 0 ? -1 : wl->heal_at * 1000,
        .detected_at = det,
        .final_at = wd->final_reads < 0 ? -1 : wd->final_reads * 1000,
        .end_at = sim_now(wl->s) * 1000,
        .replicas = wl->replicas, .nreplicas = wl->nreplicas,
        .replicas_reported = wl->nreplicas > 0,
        .nreplica_nodes = wd->strategy.nmembers,
        .replica_nodes = (const int32_t *)wd->strategy.members,
    };
    cap_check(&cr, &r->cap);
    for (int sd = 0; sd < CAP_NSIDES; sd++) {
        r->detect_us[sd] = -1;
        for (int i = 0; i < p->nnodes; i++)
            if (wl->side[i] == sd && wl->detected[i] >= 0 &&
                (r->detect_us[sd] < 0 || wl->detected[i] - wl->partition_at < r->detect_us[sd]))
                r->detect_us[sd] = wl->detected[i] - wl->partition_at;
    }
    free(det);
    const cap_result *c = &r->cap;
    char text[512], a[64], b[64];
    if (wants(wd, "stale_reads")) {
        secs(a, sizeof a, c->worst_stale_ns);
        snprintf(text, sizeof text, "%zu stale read%s (worst %s), %zu invalid read%s",
                 c->stale, c->stale == 1 ? "" : "s", a, c->invalid_reads,
                 c->invalid_reads == 1 ? "" : "s");
        checker(wl, report, "stale_reads", c->stale || c->invalid_reads ? "fail" : "pass",
                text);
    }
    if (wants(wd, "lost_writes")) {
        if (wd->final_reads < 0) {
            checker(wl, report, "lost_writes", "unknown",
                    "no final reads (give the workload \"final_reads\")");
        } else {
            size_t n = 0;
            n = (size_t)snprintf(text, sizeof text, "%zu acknowledged write%s lost",
                                 c->lost, c->lost == 1 ? "" : "s");
            if (c->lost && c->first_lost < h->n) {
                char d[200];
                op_line(wl, &h->ops[c->first_lost], d, sizeof d);
                snprintf(text + n, sizeof text - n, " (first: %s)", d);
            }
            checker(wl, report, "lost_writes", c->lost ? "fail" : "pass", text);
        }
    }
    if (wants(wd, "convergence")) {
        const char *rep = c->replicas_agree > 0 ? "replicas agree"
                        : c->replicas_agree == 0 ? "replicas differ"
                                                 : "replicas not reported";
        if (c->converged_at >= 0 && wl->heal_at >= 0)
            secs(a, sizeof a, c->converged_at - wl->heal_at * 1000);
        snprintf(text, sizeof text, "%s, final reads %s; %s%s", rep,
                 wd->final_reads < 0 ? "not made"
                 : c->final_reads_agree ? "agree" : "differ",
                 c->converged_at < 0 ? "never converged"
                 : wl->heal_at < 0 ? "converged" : "converged ",
                 c->converged_at >= 0 && wl->heal_at >= 0 ? a : "");
        if (c->converged_at >= 0 && wl->heal_at >= 0)
            snprintf(text + strlen(text), sizeof text - strlen(text), " after the heal");
        bool ok = c->converged_at >= 0 && c->replicas_agree != 0 &&
                  (wd->final_reads < 0 || c->final_reads_agree);
        checker(wl, report, "convergence", ok ? "pass" : "fail", text);
    }
    if (wants(wd, "availability")) {
        static const char *const phases[] = {"before", "detect", "during",
                                             "recover", "after"};
        static const char *const sides[] = {"majority", "minority"};
        for (int ph = 0; ph < CAP_NPHASES; ph++)
            for (int sd = 0; sd < CAP_NSIDES; sd++) {
                if (!c->invoked[ph][sd])
                    continue;
                char cell[48];
                snprintf(cell, sizeof cell, "%" PRIu64 "/%" PRIu64, c->ok[ph][sd],
                         c->invoked[ph][sd]);
                emit(wl, -1, "availability", NULL, phases[ph], cell, sides[sd], NULL);
            }
        pct(a, sizeof a, c->ok[CAP_DURING][CAP_MAJORITY], c->invoked[CAP_DURING][CAP_MAJORITY]);
        pct(b, sizeof b, c->ok[CAP_DURING][CAP_MINORITY], c->invoked[CAP_DURING][CAP_MINORITY]);
        char da[64], db[64];
        pct(da, sizeof da, c->ok[CAP_DETECT][CAP_MAJORITY], c->invoked[CAP_DETECT][CAP_MAJORITY]);
        pct(db, sizeof db, c->ok[CAP_DETECT][CAP_MINORITY], c->invoked[CAP_DETECT][CAP_MINORITY]);
        snprintf(text, sizeof text, "during the partition: majority %s [detect %s], "
                 "minority %s [detect %s]", a, da, b, db);
        checker(wl, report, "availability", "measured", text);
    }
}
