/* shell: one Erlang shell per node, evaluating the scenario's steps.
 *
 * Like erl, the shell has an evaluator process (its pid is what self()
 * returns in eval text); it evaluates queued steps one at a time, in
 * order. A step that blocks (receive, a blocking BIF) holds the ones
 * behind it in virtual time. As in shell.erl, an exception kills the
 * evaluator with the exception's reason (links fire, its mailbox is
 * lost) and a new evaluator with a new pid takes over, keeping the
 * variable bindings; the prompt number counts every evaluation,
 * exceptions included (checked against erl 25: `(sh@vm)2> 1/0.` is
 * followed by prompt 3).
 *
 * Invariants: at most one evaluation is in progress (sh->vm); while it
 * waits, `waiting` says for what; steps are taken from the queue in
 * order and each produces exactly one `eval` and one `result` event
 * (or an `expect` failure if it never finishes by the end of the run). */
#include "core/rt/bif.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/term/xalloc.h"

typedef struct step {
    char *src, *expect, *where;
    ev_code *code, *pattern;   /* compiled by the loader (held), or NULL */
} step;

/* How many commands h() lists (shell:history/1's default, 20). */
#define HISTORY 20

typedef enum waiting { W_NONE, W_RECEIVE, W_CALL, W_YIELD } waiting;

struct shell {
    world *w;
    int node;
    int leader;          /* group leader's node for the evaluator */
    /* A detached evaluation (rpc's): no prompt, no events; `done` gets
     * the value or the exception, then the evaluator exits. */
    bool detached;
    bool in_run;         /* inside run(): the evaluator's death is deferred */
    bool has_pid;
    bool busy;
    waiting wait;
    shell_done_fn done;
    void *done_ctx;
    world_call_fn call_done;  /* world_call's, with its ctx */
    void *call_ctx;
    shell *next;         /* the node shell's list of detached ones */
    shell *prev;         /* in that list: the one before (the node's shell
                            for the first); NULL when not in it */
    ev_host host;
    term *killed;        /* exit reason of an evaluator killed during run() */
    step *q;
    uint32_t qhead, qlen, qcap;
    int prompt;
    int nhist;
    int holds;           /* shell_hold's count: no step starts while > 0 */
    ev_env *env;
    term_pid pid;
    step cur;
    ev_code *code;
    ev_vm *vm;
    shell_wait call;
    /* the last HISTORY commands and their values, for h() */
    struct hist { int n; char *src; term *v; } *hist;  /* HISTORY, made at
                                                            the first command */
};

static atom_t A(const char *s) { return atom_intern(s); }

static ev_status host_call(void *ctx, ev_vm *vm, atom_t mod, atom_t fun,
                           uint32_t argc, term **args, term **result,
                           ev_exception *exc);
static ev_status host_send(void *ctx, term *dest, term *msg,
                           ev_exception *exc);

/* The module loaded on the evaluator's node (ev_host.module). */
static const ev_module *host_module(void *ctx, atom_t name)
{
    shell *sh = ctx;
    return rt_module(&sh->w->nodes[sh->node], name);
}

shell *shell_new(world *w, int node_id)
{
    shell *sh = xcalloc(1, sizeof *sh);
    sh->w = w;
    sh->node = node_id;
    sh->leader = node_id;
    sh->host.ctx = sh;
    sh->host.call = host_call;
    sh->host.send = host_send;
    sh->host.module = host_module;
    sh->env = ev_env_new();
    sh->prompt = 1;
    return sh;
}

static void step_free(step *s)
{
    free(s->src);
    free(s->expect);
    free(s->where);
    ev_code_free(s->code);
    ev_code_free(s->pattern);
    memset(s, 0, sizeof *s);
}

static void clear_call(shell *sh)
{
    if (sh->call.free)
        sh->call.free(sh->call.data);
    memset(&sh->call, 0, sizeof sh->call);
}

static void end_eval(shell *sh)
{
    ev_vm_free(sh->vm);
    ev_code_free(sh->code);
    sh->vm = NULL;
    sh->code = NULL;
    sh->wait = W_NONE;
    clear_call(sh);
    step_free(&sh->cur);
    sh->busy = false;
}

void shell_free(shell *sh)
{
    if (!sh)
        return;
    end_eval(sh);
    term_unref(sh->killed);
    for (uint32_t i = 0; i < sh->qlen; i++)
        step_free(&sh->q[(sh->qhead + i) % sh->qcap]);
    free(sh->q);
    ev_env_free(sh->env);
    for (int i = 0; i < sh->nhist; i++) {
        free(sh->hist[i].src);
        term_unref(sh->hist[i].v);
    }
    free(sh->hist);
    free(sh);
}

/* Remembers the command being finished and its value (v taken). */
static void remember(shell *sh, term *v)
{
    if (!sh->hist)
        sh->hist = xcalloc(HISTORY, sizeof *sh->hist);
    if (sh->nhist == HISTORY) {
        free(sh->hist[0].src);
        term_unref(sh->hist[0].v);
        memmove(sh->hist, sh->hist + 1, (HISTORY - 1) * sizeof *sh->hist);
        sh->nhist--;
    }
    const char *src = sh->cur.src;
    size_t n = strlen(src);
    while (n > 0 && strchr(" \t\n.", src[n - 1]))
        n--;
    char *text = xmalloc(n + 1);
    memcpy(text, src, n);
    text[n] = '\0';
    sh->hist[sh->nhist++] = (struct hist){ sh->prompt - 1, text, v };
}

void shell_history(world *w, const proc *p, strbuf *b)
{
    if (!shell_is_evaluator(p) || !p->state)
        return;
    const shell *sh = p->state;
    term_view view = rt_view(w, sh->node);
    for (int i = 0; i < sh->nhist; i++) {
        sb_printf(b, "%d: %s\n-> ", sh->hist[i].n, sh->hist[i].src);
        term_print_pretty(b, sh->hist[i].v, &view, 4);
        sb_putc(b, '\n');
    }
}

static proc *evaluator(world *w, shell *sh)
{
    return sh->has_pid ? rt_find(w, sh->pid) : NULL;
}

static ev_status host_call(void *ctx, ev_vm *vm, atom_t mod, atom_t fun,
                           uint32_t argc, term **args, term **result,
                           ev_exception *exc)
{
    shell *sh = ctx;
    return bif_call(sh->w, evaluator(sh->w, sh), vm, mod, fun, argc, args,
                    result, exc);
}

static ev_status host_send(void *ctx, term *dest, term *msg,
                           ev_exception *exc)
{
    shell *sh = ctx;
    return bif_send(sh->w, evaluator(sh->w, sh), dest, msg, exc);
}

/* ---- expectations ---- */

static void expect_failed(world *w, int node_id, const step *st,
                          const char *got)
{
    char *text;
    size_t n = strlen(st->where) + strlen(st->expect) + strlen(got) + 128;
    text = xmalloc(n);
    snprintf(text, n, "%s on %s: expected %s, got %s", st->where,
             w->nodes[node_id].name, st->expect, got);
    w->failures++;
    rt_emit(w, node_id, "expect", NULL, NULL, NULL, st->where, st->expect,
            "fail", text);
    free(text);
}

static void check_expect(world *w, shell *sh, const term *value,
                         const char *printed)
{
    const step *st = &sh->cur;
    if (!st->expect)
        return;
    ev_error err;
    ev_code *pat = st->pattern ? ev_code_hold(st->pattern)
                               : ev_compile_pattern(st->expect, &err);
    if (!pat) {
        char got[512];
        snprintf(got, sizeof got, "a pattern that does not parse (%d:%d: %s)",
                 err.line, err.col, err.msg);
        expect_failed(w, sh->node, st, got);
        return;
    }
    if (ev_match_pattern(pat, value, sh->env))
        rt_emit(w, sh->node, "expect", NULL, NULL, NULL, st->where, st->expect,
                "pass", NULL);
    else
        expect_failed(w, sh->node, st, printed);
    ev_code_free(pat);
}

/* ---- evaluation ---- */

static const behaviour shell_behaviour;
const behaviour shell_apply_behaviour;
static void start_next(world *w, shell *sh);
static void run(world *w, shell *sh);

static void spawn_evaluator(world *w, shell *sh)
{
    term *args = term_nil();
    sh->has_pid = false;
    proc *p = rt_spawn(w, sh->node, &shell_behaviour, args, sh->leader, &sh->pid);
    term_unref(args);
    if (p) {
        p->state = sh;
        sh->has_pid = true;
    }
}

static void finish_value(world *w, shell *sh, term *v)
{
    if (sh->detached) {
        if (sh->done)
            sh->done(w, sh->done_ctx, v, NULL);
        end_eval(sh);
        return;
    }
    term_view view = rt_view(w, sh->node);
    char *printed = term_to_string(v, &view);
    /* the shell's own layout (shell:pp/4: depth 30, 80 columns) for the
     * transcript; the trace keeps the whole term on one line */
    strbuf pretty;
    sb_init(&pretty);
    term_print_pretty(&pretty, v, &view, 1);
    rt_emit(w, sh->node, "result", NULL, NULL, NULL, NULL, printed, NULL,
            pretty.s);
    sb_fini(&pretty);
    remember(sh, term_ref(v));
    check_expect(w, sh, v, printed);
    free(printed);
    end_eval(sh);
}

/* Class and reason as Erlang's shell reports them, and the evaluator's
 * exit reason (shell.erl: error -> {Reason, Stack}; throw -> nocatch). */
static void finish_exception(world *w, shell *sh, const ev_exception *x)
{
    if (sh->detached && sh->done) {
        sh->done(w, sh->done_ctx, NULL, x);
        end_eval(sh);
        return;
    }
    if (sh->detached) {
        /* a spawned fun: the process ends as erts ends it, with an error
         * report for error and throw ({Reason, Stack}, {{nocatch, V},
         * Stack}); retire finds it gone */
        proc *p = evaluator(w, sh);
        term *stack = ev_exception_stack(x);
        term *why = x->cls == A("exit") ? term_ref(x->reason)
            : x->cls == A("throw")
            ? term_tuplev(2, term_tuplev(2, term_atom_s("nocatch"),
                                         term_ref(x->reason)), term_ref(stack))
            : term_tuplev(2, term_ref(x->reason), term_ref(stack));
        end_eval(sh);
        sh->has_pid = false;
        if (p) {
            p->state = NULL;
            if (x->cls == A("exit"))
                rt_exit(w, p, why);
            else
                rt_crash(w, p, why);
        }
        term_unref(why);
        term_unref(stack);
        return;
    }
    term_view view = rt_view(w, sh->node);
    strbuf b;
    sb_init(&b);
    ev_format_exception(&b, x, &view);
    char *reason = term_to_string(x->reason, &view);
    rt_emit(w, sh->node, "result", NULL, NULL, NULL, NULL, NULL, reason, b.s);
    /* h() shows what `catch` would have given */
    term *stk = ev_exception_stack(x);
    remember(sh, x->cls == A("throw") ? term_ref(x->reason)
                 : term_tuplev(2, term_atom_s("EXIT"),
                               x->cls == A("exit") ? term_ref(x->reason)
                               : term_tuplev(2, term_ref(x->reason),
                                             term_ref(stk))));
    term_unref(stk);
    term *as_value = term_tuplev(3, term_atom_s("exception"), term_atom(x->cls),
                                 term_ref(x->reason));
    if (sh->cur.expect) {
        char *printed = term_to_string(as_value, &view);
        check_expect(w, sh, as_value, printed);
        free(printed);
    }
    term_unref(as_value);
    free(reason);
    sb_fini(&b);

    term *exit_reason;
    if (x->cls == A("error"))
        exit_reason = term_tuplev(2, term_ref(x->reason), term_nil());
    else if (x->cls == A("throw"))
        exit_reason = term_tuplev(2, term_tuplev(2, term_atom_s("nocatch"),
                                                 term_ref(x->reason)),
                                  term_nil());
    else
        exit_reason = term_ref(x->reason);
    end_eval(sh);
    proc *p = evaluator(w, sh);
    if (p) {
        sh->has_pid = false;  /* so terminate knows it is expected */
        rt_exit(w, p, exit_reason);
    }
    term_unref(exit_reason);
    spawn_evaluator(w, sh);
}

/* Offers the evaluator's whole mailbox to a receive or call that has just
 * begun waiting, oldest first. Returns true if one was taken; otherwise
 * saves the end as the scan position, so that a later wake-up offers only
 * what arrives after (rt/proc.c's run_proc). */
static bool scan_mailbox(world *w, shell *sh, proc *p)
{
    mbox_msg **at = &p->mq.head;
    while (*at) {
        term *m = (*at)->msg;
        bool took = false, raised = false;
        term *result = NULL;
        ev_exception exc = {0};
        if (sh->wait == W_RECEIVE)
            took = ev_vm_offer(sh->vm, m);
        else if (sh->call.match)
            took = sh->call.match(w, sh->call.data, m, &result, &exc, &raised);
        if (!took) {
            at = &(*at)->next;
            continue;
        }
        term_unref(mbox_take(&p->mq, at));   /* *at: the next message */
        if (sh->wait == W_CALL && !raised && !result)
            continue;   /* taken, and the call waits on (rpc:multicall) */
        if (sh->wait == W_CALL) {
            if (raised)
                ev_vm_resume_raise(sh->vm, &exc);
            else
                ev_vm_resume(sh->vm, result);
        }
        return true;
    }
    mbox_save(&p->mq, at);
    return false;
}

/* Puts detached sh first in its node's list, and takes it out, in O(1):
 * a node may run tens of thousands of them (spawned processes). */
static void link_detached(shell *owner, shell *sh)
{
    sh->next = owner->next;
    sh->prev = owner;
    if (owner->next)
        owner->next->prev = sh;
    owner->next = sh;
}

static void unlink_detached(shell *sh)
{
    if (!sh->prev)
        return;
    sh->prev->next = sh->next;
    if (sh->next)
        sh->next->prev = sh->prev;
    sh->next = sh->prev = NULL;
}

/* A detached evaluation is over: its evaluator exits and it is freed. */
static void retire(world *w, shell *sh)
{
    unlink_detached(sh);
    proc *p = evaluator(w, sh);
    sh->has_pid = false;
    if (p) {
        p->state = NULL;
        term *normal = term_atom_s("normal");
        rt_exit(w, p, normal);
        term_unref(normal);
    }
    shell_free(sh);
}

/* The run's budget of reductions or of term cells is used up: the run
 * stops, saying which and who was running (world_limit). */
static void limit_reached(world *w, shell *sh, proc *p, const char *what,
                          uint64_t n)
{
    if (!w->limit[0]) {
        term *pid = term_pid_new(p->pid);
        char *ps = rt_str(w, p->node, pid), where[128];
        snprintf(w->limit, sizeof w->limit, "%s=%llu (%s on %s, in %s)", what,
                 (unsigned long long)n, ps, w->nodes[p->node].name,
                 ev_vm_where(sh->vm, where, sizeof where));
        free(ps);
        term_unref(pid);
    }
    sim_halt(w->s);
}

/* The process's memory passed --max-memory: the run stops, saying what
 * was being allocated and who was running (world_limit). */
static void memory_limit_reached(world *w, shell *sh, proc *p)
{
    if (!w->limit[0]) {
        term *pid = term_pid_new(p->pid);
        char *ps = rt_str(w, p->node, pid), where[128];
        snprintf(w->limit, sizeof w->limit,
                 "max_memory=%s (allocating %s; %s on %s, in %s)",
                 xalloc_limit_text(), xalloc_over_what(), ps,
                 w->nodes[p->node].name, ev_vm_where(sh->vm, where, sizeof where));
        free(ps);
        term_unref(pid);
    }
    sim_halt(w->s);
}

/* Runs the evaluation until it finishes or waits, at most
 * WORLD_SLICE_REDUCTIONS at a time, charged to the run's budget. */
static void run(world *w, shell *sh)
{
    for (;;) {
        sh->wait = W_NONE;
        sh->in_run = true;
        uint64_t left = w->max_reductions - w->reductions;
        ev_vm_set_slice(sh->vm, left < WORLD_SLICE_REDUCTIONS
                                    ? left : WORLD_SLICE_REDUCTIONS);
        uint64_t before = ev_vm_reductions(sh->vm);
        ev_status st = left ? ev_vm_run(sh->vm) : EV_YIELD;
        w->reductions += ev_vm_reductions(sh->vm) - before;
        sh->in_run = false;
        proc *p = evaluator(w, sh);
        if (sh->killed && sh->detached && !sh->done) {
            /* a spawned fun killed its own process: it is already gone */
            term_unref(sh->killed);
            sh->killed = NULL;
            end_eval(sh);
            break;
        }
        if (sh->killed) {
            /* The evaluation killed its own evaluator (exit(self(), kill),
             * a linked crash): erl reports it like an exception. */
            ev_exception x = { .cls = A("exit"), .reason = sh->killed };
            sh->killed = NULL;
            finish_exception(w, sh, &x);
            ev_exception_fini(&x);
            break;
        }
        if (st == EV_DONE) {
            finish_value(w, sh, ev_vm_value(sh->vm));
            break;
        }
        if (st == EV_YIELD || st == EV_BLOCKED || st == EV_RECEIVE) {
            if (xalloc_over()) {
                memory_limit_reached(w, sh, p);
                return;
            }
            if (term_cells_over()) {
                limit_reached(w, sh, p, "max_terms", w->max_terms);
                return;
            }
        }
        if (st == EV_YIELD) {
            if (w->reductions >= w->max_reductions) {
                limit_reached(w, sh, p, "max_reductions", w->max_reductions);
                return;
            }
            sh->wait = W_YIELD;      /* sh_timeout goes on */
            rt_set_timeout(w, p, 0);
            return;
        }
        ev_error cerr;
        if (st == EV_RAISED && !sh->detached && ev_vm_command_error(sh->vm, &cerr)) {
            /* erl_lint's complaint (`* 1:13: variable 'A' is unbound`):
             * printed, not raised; the evaluator lives on. */
            char msg[320];
            snprintf(msg, sizeof msg, "* %d:%d: %s", cerr.line, cerr.col, cerr.msg);
            const ev_exception *x = ev_vm_exception(sh->vm);
            char *rs = rt_str(w, sh->node, x->reason);
            rt_emit(w, sh->node, "result", NULL, NULL, NULL, NULL, NULL, rs, msg);
            free(rs);
            if (sh->cur.expect) {
                term *v = term_tuplev(3, term_atom_s("exception"), term_atom(x->cls),
                                      term_ref(x->reason));
                char *printed = rt_str(w, sh->node, v);
                check_expect(w, sh, v, printed);
                free(printed);
                term_unref(v);
            }
            end_eval(sh);
            break;
        }
        if (st == EV_RAISED) {
            ev_exception x = ev_exception_copy(ev_vm_exception(sh->vm));
            finish_exception(w, sh, &x);
            ev_exception_fini(&x);
            break;
        }
        if (st == EV_RECEIVE) {
            sh->wait = W_RECEIVE;
            if (scan_mailbox(w, sh, p)) {
                rt_set_timeout(w, p, -1);
                continue;
            }
            int64_t ms = ev_vm_receive_timeout(sh->vm);
            if (ms == 0) {
                ev_vm_timeout(sh->vm);
                continue;
            }
            rt_set_timeout(w, p, ms < 0 ? -1 : rt_ms_to_us(ms));
            return;
        }
        /* EV_BLOCKED: the BIF called shell_block. */
        sh->wait = W_CALL;
        if (scan_mailbox(w, sh, p)) {
            clear_call(sh);
            rt_set_timeout(w, p, -1);
            continue;
        }
        rt_set_timeout(w, p, sh->call.timeout_us);
        return;
    }
    if (sh->detached)
        retire(w, sh);
    else
        start_next(w, sh);
}

void shell_block(world *w, proc *self, shell_wait wt)
{
    (void)w;
    shell *sh = self->state;
    clear_call(sh);
    sh->call = wt;
}

bool shell_is_evaluator(const proc *p)
{
    return p && (p->beh == &shell_behaviour || p->beh == &shell_apply_behaviour);
}

term *shell_stacktrace(const proc *p)
{
    if (!shell_is_evaluator(p) || !p->state)
        return NULL;
    const shell *sh = p->state;
    return sh->vm ? ev_vm_stacktrace(sh->vm) : term_nil();
}


static void begin(world *w, shell *sh)
{
    step *st = &sh->cur;
    size_t n = strlen(st->src);
    while (n > 0 && (st->src[n - 1] == ' ' || st->src[n - 1] == '\n'))
        n--;
    bool dot = n > 0 && st->src[n - 1] == '.';
    char *line = xmalloc(strlen(w->nodes[sh->node].name) + n + 32);
    sprintf(line, "(%s)%d> %.*s%s", w->nodes[sh->node].name, sh->prompt,
            (int)n, st->src, dot ? "" : ".");
    rt_emit(w, sh->node, "eval", NULL, NULL, NULL, st->where, NULL, NULL, line);
    free(line);
    sh->prompt++;
    ev_error err;
    sh->code = st->code ? ev_code_hold(st->code) : ev_compile(st->src, &err);
    if (!sh->code) {
        /* The loader rejects steps that do not parse; this is a backstop
         * with erl's own wording: `* 1:5: syntax error before: '.'`. */
        char msg[400];
        snprintf(msg, sizeof msg, "* %d:%d: %s", err.line, err.col, err.msg);
        sh->prompt--;
        rt_emit(w, sh->node, "result", NULL, NULL, NULL, NULL, NULL,
                "syntax_error", msg);
        if (st->expect)
            expect_failed(w, sh->node, st, msg);
        end_eval(sh);
        return;
    }
    sh->vm = ev_vm_new(sh->code, sh->env, &sh->host);
    run(w, sh);
}

static void start_next(world *w, shell *sh)
{
    while (!sh->holds && !sh->busy && sh->qlen && w->nodes[sh->node].state == NODE_UP &&
           evaluator(w, sh)) {
        sh->cur = sh->q[sh->qhead];
        sh->qhead = (sh->qhead + 1) % sh->qcap;
        sh->qlen--;
        sh->busy = true;
        begin(w, sh);
    }
}

void shell_queue(world *w, int node_id, const char *src, ev_code *code,
                 const char *expect, ev_code *pattern, const char *where)
{
    shell *sh = w->nodes[node_id].sh;
    step st = {xstrdup(src), expect ? xstrdup(expect) : NULL, xstrdup(where),
               code ? ev_code_hold(code) : NULL,
               pattern ? ev_code_hold(pattern) : NULL};
    if (w->nodes[node_id].state == NODE_DOWN) {
        char text[256];
        snprintf(text, sizeof text, "%s: %s is not running; step skipped",
                 where, w->nodes[node_id].name);
        rt_log(w, node_id, "error", text);
        if (st.expect)
            expect_failed(w, node_id, &st, "no evaluation (the node is not running)");
        step_free(&st);
        return;
    }
    if (sh->qlen == sh->qcap) {
        uint32_t nc = sh->qcap ? 2 * sh->qcap : 8;
        step *nq = xcalloc(nc, sizeof *nq);
        for (uint32_t i = 0; i < sh->qlen; i++)
            nq[i] = sh->q[(sh->qhead + i) % sh->qcap];
        free(sh->q);
        sh->q = nq;
        sh->qhead = 0;
        sh->qcap = nc;
    }
    sh->q[(sh->qhead + sh->qlen) % sh->qcap] = st;
    sh->qlen++;
    start_next(w, sh);
}

/* ---- the evaluator process's behaviour ---- */

static bool sh_message(world *w, proc *p, term *msg)
{
    shell *sh = p->state;
    if (!sh || !sh->busy)
        return false;
    bool took = false, raised = false;
    term *result = NULL;
    ev_exception exc = {0};
    if (sh->wait == W_RECEIVE) {
        took = ev_vm_offer(sh->vm, msg);
    } else if (sh->wait == W_CALL && sh->call.match) {
        took = sh->call.match(w, sh->call.data, msg, &result, &exc, &raised);
        if (took && !raised && !result)
            return true;   /* taken, and the call waits on (rpc:multicall) */
        if (took) {
            clear_call(sh);
            if (raised)
                ev_vm_resume_raise(sh->vm, &exc);
            else
                ev_vm_resume(sh->vm, result);
        }
    }
    if (took) {
        rt_set_timeout(w, p, -1);
        run(w, sh);
    }
    return took;
}

static void sh_timeout(world *w, proc *p)
{
    shell *sh = p->state;
    if (!sh || !sh->busy)
        return;
    if (sh->wait == W_YIELD) {
        /* nothing to do: run() goes on where the slice ended */
    } else if (sh->wait == W_RECEIVE) {
        ev_vm_timeout(sh->vm);
    } else if (sh->wait == W_CALL) {
        term *result = NULL;
        bool raised = false;
        ev_exception exc = {0};
        if (sh->call.timeout)
            sh->call.timeout(w, sh->call.data, &result, &exc, &raised);
        else
            result = term_atom_s("ok");
        clear_call(sh);
        if (raised)
            ev_vm_resume_raise(sh->vm, &exc);
        else
            ev_vm_resume(sh->vm, result);
    } else {
        return;
    }
    run(w, sh);
}

static void free_later(sim *s, void *ctx, uint64_t arg)
{
    (void)s, (void)arg;
    shell *sh = ctx;
    unlink_detached(sh);
    shell_free(sh);
}

static void respawn(sim *s, void *ctx, uint64_t node_id)
{
    (void)s;
    world *w = ctx;
    shell *sh = w->nodes[node_id].sh;
    if (w->nodes[node_id].state == NODE_UP && !sh->has_pid) {
        spawn_evaluator(w, sh);
        start_next(w, sh);
    }
}

/* The exception a shell reports when a link or exit/2 kills its
 * evaluator: an exit reason {R, Stack} is R raised at Stack when Stack
 * is a stack trace (a crashed gen_server's {badkey, [...]}), any other
 * reason is Reason whole. The class depends on what the shell was
 * doing: during an evaluation shell:shell_rep reports it as exit; while
 * it waits for the next command, shell:get_command1 reports it as
 * error, so an idle shell killed by a link to a node that went away
 * prints "** exception error: noconnection" (observed with erl 25). */
static void killed_by(ev_exception *x, term *reason, bool busy)
{
    atom_t cls = A(busy ? "exit" : "error");
    if (reason->tag == T_TUPLE && reason->u.tuple.n == 2 &&
        ev_exception_from_stack(x, cls, reason->u.tuple.el[0],
                                reason->u.tuple.el[1]))
        return;
    if (reason->tag == T_TUPLE && reason->u.tuple.n == 2)
        ev_exception_fini(x);
    *x = (ev_exception){ .cls = cls, .reason = term_ref(reason) };
}

static void sh_terminate(world *w, proc *p, term *reason)
{
    shell *sh = p->state;
    if (!sh || !sh->has_pid || w->nodes[sh->node].state != NODE_UP)
        return;  /* expected: an exception, a halt or a restart */
    if (sh->detached) {
        /* killed while evaluating for rpc: report it as an exit */
        if (sh->in_run) {
            sh->killed = term_ref(reason);
            return;
        }
        sh->has_pid = false;
        ev_exception x = { .cls = A("exit"), .reason = term_ref(reason) };
        if (sh->done)
            sh->done(w, sh->done_ctx, NULL, &x);
        ev_exception_fini(&x);
        p->state = NULL;
        sim_after(w->s, 0, free_later, sh, 0);
        return;
    }
    if (sh->in_run) {
        /* The evaluation in progress did it; run() reports it. */
        sh->killed = term_ref(reason);
        return;
    }
    /* Killed from outside (a link, exit/2): erl prints the reason and
     * starts a new evaluator; an evaluation in progress is lost. */
    sh->has_pid = false;
    ev_exception x;
    killed_by(&x, reason, sh->busy);
    term_view view = rt_view(w, sh->node);
    strbuf b;
    sb_init(&b);
    ev_format_exception(&b, &x, &view);
    ev_exception_fini(&x);
    if (sh->busy) {
        char *rs = rt_str(w, sh->node, reason);
        rt_emit(w, sh->node, "result", NULL, NULL, NULL, NULL, NULL, rs, b.s);
        if (sh->cur.expect) {
            term *v = term_tuplev(3, term_atom_s("exception"),
                                  term_atom_s("exit"), term_ref(reason));
            char *printed = rt_str(w, sh->node, v);
            check_expect(w, sh, v, printed);
            free(printed);
            term_unref(v);
        }
        free(rs);
        end_eval(sh);
    } else {
        /* an idle shell prints the report as a line of its own */
        sb_putc(&b, '\n');
        rt_output(w, sh->node, b.s);
    }
    sb_fini(&b);
    /* A fresh evaluator once the dying one is gone. */
    sim_after(w->s, 0, respawn, w, (uint64_t)sh->node);
}

static const behaviour shell_behaviour = {
    "shell", "evaluator", 0, NULL, sh_message, sh_timeout, sh_terminate,
};

/* A detached evaluator on node_id running `code` (taken; NULL: it did
 * not compile, the evaluation raises badarg) with env (taken). */
static shell *eval_detached(world *w, int node_id, int leader, ev_code *code,
                            ev_env *env, shell_done_fn done, void *ctx)
{
    shell *owner = w->nodes[node_id].sh;
    shell *sh = shell_new(w, node_id);
    ev_env_free(sh->env);
    sh->env = env;
    sh->leader = leader;
    sh->detached = true;
    sh->done = done;
    sh->done_ctx = ctx;
    link_detached(owner, sh);
    spawn_evaluator(w, sh);
    sh->code = code;
    sh->busy = true;
    if (!sh->code) {
        ev_exception x = { .cls = A("error"), .reason = term_atom_s("badarg") };
        finish_exception(w, sh, &x);
        ev_exception_fini(&x);
        retire(w, sh);
        return NULL;
    }
    sh->vm = ev_vm_new(sh->code, sh->env, &sh->host);
    return sh;
}

void shell_eval_detached(world *w, int node_id, int leader, const char *src,
                         ev_env *env, shell_done_fn done, void *ctx)
{
    ev_error err;
    shell *sh = eval_detached(w, node_id, leader, ev_compile(src, &err), env,
                              done, ctx);
    if (sh)
        run(w, sh);
}

/* world_call's done, through shell_done_fn: ctx is the shell, alive
 * until its done has returned. */
static void call_done(world *w, void *ctx, term *value, const ev_exception *x)
{
    (void)w;
    shell *sh = ctx;
    sh->call_done(sh->call_ctx, value, x);
}

bool world_call(world *w, int node, ev_code *code, const char *const *names,
                term *const *values, int n, world_started_fn started,
                world_call_fn done, void *ctx)
{
    if (w->nodes[node].state != NODE_UP)
        return false;
    ev_env *env = ev_env_new();
    for (int i = 0; i < n; i++)
        ev_env_set(env, names[i], term_ref(values[i]));
    shell *sh = eval_detached(w, node, node, ev_code_hold(code), env, NULL, NULL);
    if (sh) {
        sh->done = call_done;
        sh->done_ctx = sh;
        sh->call_done = done;
        sh->call_ctx = ctx;
    }
    if (sh && started) {
        term *pid = term_pid_new(sh->pid);
        char *text = rt_str(w, node, pid);
        term_unref(pid);
        started(ctx, text);
        free(text);
    }
    if (sh)
        run(w, sh);
    return true;
}

/* spawn(Fun), spawn(erlang, apply, [Fun, Args]) and spawn(M, F, Args)
 * of a loaded module: the new process applies the fun (args [Fun, Args])
 * or M:F (args [M, F, Args]) on the VM, as a detached evaluation without
 * a `done` (it ends normally, or as finish_exception says). The code
 * that applies is compiled once per world. */
static void apply_init(world *w, proc *p, term *args)
{
    static const char *const names[3] = {"SpawnMod", "SpawnFun", "SpawnArgs"};
    bool mfa = term_list_length(args) == 3;
    shell *owner = w->nodes[p->node].sh;
    shell *sh = shell_new(w, p->node);
    sh->leader = p->leader;
    sh->detached = true;
    link_detached(owner, sh);
    sh->pid = p->pid;
    sh->has_pid = true;
    p->state = sh;
    int i = mfa ? 0 : 1;
    for (const term *l = args; l->tag == T_CONS; l = l->u.cons.tail)
        ev_env_set(sh->env, names[i++], term_ref(l->u.cons.head));
    ev_code **cache = &w->apply_code[mfa];
    if (!*cache) {
        ev_error err;
        *cache = ev_compile(mfa ? "apply(SpawnMod, SpawnFun, SpawnArgs)."
                                : "apply(SpawnFun, SpawnArgs).", &err);
    }
    sh->code = ev_code_hold(*cache);
    sh->busy = true;
    sh->vm = ev_vm_new(sh->code, sh->env, &sh->host);
    run(w, sh);
}

const behaviour shell_apply_behaviour = {
    "erlang", "apply", 2, apply_init, sh_message, sh_timeout, sh_terminate,
};

void shell_boot(world *w, int node_id)
{
    shell *sh = w->nodes[node_id].sh;
    end_eval(sh);
    spawn_evaluator(w, sh);
    start_next(w, sh);
}

/* Reports the step in progress and the queued ones as never finished
 * (expectations fail; a step without one goes to `unfinished`, when
 * given), and forgets them. */
static void abandon(world *w, shell *sh, const char *why_cur,
                    const char *why_queued, world_unfinished_fn unfinished,
                    void *ctx)
{
    const char *name = w->nodes[sh->node].name;
    if (sh->busy && sh->cur.expect)
        expect_failed(w, sh->node, &sh->cur, why_cur);
    else if (sh->busy && unfinished)
        unfinished(ctx, sh->cur.where, name, true);
    end_eval(sh);
    while (sh->qlen) {
        step *st = &sh->q[sh->qhead];
        if (st->expect)
            expect_failed(w, sh->node, st, why_queued);
        else if (unfinished)
            unfinished(ctx, st->where, name, false);
        step_free(st);
        sh->qhead = (sh->qhead + 1) % sh->qcap;
        sh->qlen--;
    }
}

void shell_resumed(world *w, int node_id)
{
    /* steps typed while the node was stopped run now, in order */
    start_next(w, w->nodes[node_id].sh);
}

void shell_hold(world *w, int node_id)
{
    w->nodes[node_id].sh->holds++;
}

void shell_release(world *w, int node_id)
{
    shell *sh = w->nodes[node_id].sh;
    if (sh->holds > 0 && --sh->holds == 0)
        start_next(w, sh);
}

void shell_node_down(world *w, int node_id)
{
    shell *sh = w->nodes[node_id].sh;
    sh->holds = 0;
    while (sh->next) {
        shell *d = sh->next;
        unlink_detached(d);
        proc *p = evaluator(w, d);
        if (p)
            p->state = NULL;
        shell_free(d);
    }
    sh->has_pid = false;
    abandon(w, sh, "no result (the node went down)",
            "never evaluated (the node went down)", NULL, NULL);
}

void shell_finish(world *w, int node_id, world_unfinished_fn unfinished,
                  void *ctx)
{
    abandon(w, w->nodes[node_id].sh, "no result by the end of the run",
            "never evaluated (the shell was still busy)", unfinished, ctx);
}
