/* eval_vm: the stack machine that runs compiled evaluations one step at
 * a time, so an evaluation can stop in the middle of any expression (a
 * blocking host call, a receive) and continue later.
 *
 * Invariants:
 * - The value stack holds owned references; each instruction leaves it
 *   as eval_comp.c's comment says. Every catch pushes a handler (its
 *   continuation, the stack depth and a copy of the bindings), removed by
 *   I_CATCH_END or by the exception it catches, which restores the
 *   bindings to what they were at `catch` (erl_eval returns Bs0).
 * - An evaluation binds into its own copy of the shell's bindings (work)
 *   and writes them back to the shell's env only when it ends with
 *   EV_DONE: as in erl, `X = 1, 1 = 2.` leaves X unbound.
 * - State machine: RUN -> (BLOCKED -> RUN)* / (RECEIVE -> RUN)* ->
 *   DONE | RAISED. ev_vm_run in BLOCKED or RECEIVE returns that status
 *   again until the host resumes, offers a matching message or fires
 *   the timeout. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/erl/eval_ast.h"
#include "core/term/xalloc.h"

/* ---- the machine ---- */

typedef enum vstate { VS_RUN, VS_BLOCKED, VS_RECEIVE, VS_DONE, VS_RAISED } vstate;

typedef struct handler {
    uint32_t pc, sp, save;   /* continuation, stack depth, bindings copy */
    uint32_t nfr;            /* call depth at the catch */
    uint32_t ncaught;        /* caught exceptions held at the catch */
    bool is_try;             /* try: keeps the exception (vm->caught) */
} handler;

/* A caller waiting for a fun to return: what the running activation
 * (code, fun, work) was, and where it goes on. */
typedef struct frame {
    const ev_code *code;
    term *fun;               /* owned; NULL for the top-level code */
    ev_env work;
    uint32_t pc, sp;
} frame;

struct ev_vm {
    const ev_code *code;     /* the running activation's code */
    term *fun;               /* its fun (owned; keeps code alive), or NULL */
    ev_env *env;             /* the shell's, written back at EV_DONE */
    ev_env work;             /* the running activation's bindings */
    const ev_host *host;
    frame *fr;               /* the callers, innermost last */
    uint32_t nfr, capfr, maxfr;
    uint64_t reds;           /* reductions so far (ev_vm_reductions) */
    uint64_t slice;          /* reductions per ev_vm_run; 0: no limit */
    term **lib;              /* eval_lib.c's funs (EV__NLIB, made at the
                              * first such call: an idle process pays
                              * nothing), compiled when first called */
    term **stk;
    uint32_t sp, capstk;
    handler *hs;
    uint32_t nh, caph;
    ev_env *saves;           /* bindings saved by catch and andalso/orelse */
    uint32_t nsaves, capsaves;
    ev_exception *caught;    /* exceptions a try caught, innermost last,
                              * until a catch clause takes one or
                              * I_RERAISE raises it again */
    uint32_t ncaught, capcaught;
    uint32_t pc;
    vstate st;
    term *value;             /* VS_DONE */
    ev_exception *exc;       /* VS_RAISED (NULL before) */
    ev_exception *pend;      /* raised by ev_vm_resume_raise, not yet
                              * thrown; NULL: none (exceptions are rare:
                              * an idle process does not carry one) */
    const ev_node *recv;     /* VS_RECEIVE: the receive and its labels */
    uint32_t recv_labels, recv_n;
    int64_t recv_timeout;
    ev_binds binds;          /* tentative bindings of the match in progress */
    ev_error *cmd_err;       /* the shell's variable check failed; or NULL */
};

static atom_t A(const char *s)
{
    return atom_intern(s);
}

static void push(ev_vm *vm, term *t)
{
    if (vm->sp == vm->capstk) {
        vm->capstk = vm->capstk ? vm->capstk * 2 : 32;
        vm->stk = xrealloc(vm->stk, vm->capstk * sizeof *vm->stk);
    }
    vm->stk[vm->sp++] = t;
}

static term *pop(ev_vm *vm)
{
    assert(vm->sp > 0);
    return vm->stk[--vm->sp];
}

static void drop(ev_vm *vm, uint32_t n)
{
    while (n-- > 0)
        term_unref(pop(vm));
}

static void save_push(ev_vm *vm)
{
    if (vm->nsaves == vm->capsaves) {
        vm->capsaves = vm->capsaves ? vm->capsaves * 2 : 4;
        vm->saves = xrealloc(vm->saves, vm->capsaves * sizeof *vm->saves);
    }
    ev_env *s = &vm->saves[vm->nsaves++];
    ev__env_init(s);
    ev__env_copy(s, &vm->work);
}

/* Drops saves down to `depth`; restores the bindings from the save at
 * `depth` first when `restore`. */
static void save_unwind(ev_vm *vm, uint32_t depth, bool restore)
{
    if (restore && depth < vm->nsaves) {
        ev__env_fini(&vm->work);
        vm->work = vm->saves[depth];
        ev__env_init(&vm->saves[depth]);
    }
    while (vm->nsaves > depth)
        ev__env_fini(&vm->saves[--vm->nsaves]);
}

/* What `catch` makes of an exception (erl_eval's catch clauses): throw
 * gives the value, exit {'EXIT',R}, error {'EXIT',{R,Stack}} where Stack
 * is [{M,F,ArgsOrArity,[]}] when the raiser is known, else []. */
static term *caught_value(const ev_exception *x)
{
    if (x->cls == A("throw"))
        return term_ref(x->reason);
    if (x->cls == A("exit"))
        return term_tuplev(2, term_atom_s("EXIT"), term_ref(x->reason));
    return term_tuplev(2, term_atom_s("EXIT"),
                       term_tuplev(2, term_ref(x->reason),
                                   ev_exception_stack(x)));
}

/* What a handler of x gets: catch's caught_value, or for try's catch
 * clauses {Class, Reason, Stack}. */
static term *handler_value(const ev_exception *x, bool is_try)
{
    if (!is_try)
        return caught_value(x);
    return term_tuplev(3, term_atom(x->cls), term_ref(x->reason),
                       ev_exception_stack(x));
}

/* The stack trace of x; see eval.h. */
term *ev_exception_stack(const ev_exception *x)
{
    term *stack = x->callers ? term_ref(x->callers) : term_nil();
    if (x->fun) {
        term *how = x->args ? term_ref(x->args) : term_int(x->arity);
        term *loc = term_nil();
        if (x->file)
            loc = term_list(2, (term *[]){
                term_tuplev(2, term_atom_s("file"), term_string(x->file)),
                term_tuplev(2, term_atom_s("line"), term_int(x->line)) }, NULL);
        stack = term_cons(term_tuplev(4, term_atom(x->mod), term_atom(x->fun),
                                      how, loc), stack);
    }
    return stack;
}

/* Drops the caught exceptions above `depth`. */
static void caught_unwind(ev_vm *vm, uint32_t depth)
{
    while (vm->ncaught > depth)
        ev_exception_fini(&vm->caught[--vm->ncaught]);
}

/* Returns to the caller at depth `depth`, dropping the activations
 * above it. */
static void unwind_frames(ev_vm *vm, uint32_t depth)
{
    while (vm->nfr > depth) {
        frame *f = &vm->fr[--vm->nfr];
        ev__env_fini(&vm->work);
        vm->work = f->work;
        term_unref(vm->fun);
        vm->fun = f->fun;
        vm->code = f->code;
        vm->pc = f->pc;
    }
}

/* Raises x (its terms' ownership taken): to the innermost catch, or out
 * of the evaluation. */
/* The module function an activation runs (its fun), or NULL: a shell
 * fun, the top level, or a fun made in a module (not named yet). */
static const term *module_fn(const term *fun)
{
    if (!fun || !fun->u.fun.fun || !fun->u.fun.clo)
        return NULL;
    const ev_code *c = fun->u.fun.clo->code;
    return c->mod ? fun : NULL;
}

/* The line an activation is at: the instruction before pc. */
static int line_at(const ev_code *c, uint32_t pc)
{
    for (uint32_t i = pc; i-- > 0;)
        if (c->ins[i].n)
            return c->ins[i].n->line;
    return 0;
}

/* {M, F, Arity, [{file, File}, {line, L}]}: a frame of a module's
 * function. */
static term *frame_term(const term *fn, int line)
{
    const ev_code *c = fn->u.fun.clo->code;
    term *file = term_string(ev_module_file(c->mod));
    term *loc = term_list(2, (term *[]){
        term_tuplev(2, term_atom_s("file"), file),
        term_tuplev(2, term_atom_s("line"), term_int(line)) }, NULL);
    return term_tuplev(4, term_atom(fn->u.fun.mod), term_atom(fn->u.fun.fun),
                       term_int(fn->u.fun.arity), loc);
}

/* How many frames a stack trace keeps (erlang:system_flag/2's
 * backtrace_depth, 8 by default). */
#define BACKTRACE_DEPTH 8

/* Fills x's frames from the module functions running, as the BEAM's
 * stack trace has them: the running function (where x names none, the
 * frame of the exception itself, at the line being run), then each
 * caller waiting for a body call, innermost first, up to the first that
 * is not a module's function (the shell's code, whose erl_eval frames
 * erl does not print). `skip`: the exception comes from a call in tail
 * position, whose caller's frame is already gone. */
static void trace_exception(ev_vm *vm, ev_exception *x, bool skip)
{
    if (x->traced)
        return;
    x->traced = true;
    uint32_t depth = x->fun ? 1 : 0;
    term *callers[BACKTRACE_DEPTH];
    uint32_t nc = 0;
    const term *fn = module_fn(vm->fun);
    if (fn && !skip) {
        int line = line_at(vm->code, vm->pc);
        if (!x->fun) {
            x->mod = fn->u.fun.mod;
            x->fun = fn->u.fun.fun;
            x->arity = fn->u.fun.arity;
            x->file = ev_module_file(vm->code->mod);
            x->line = line;
            depth = 1;
        } else {
            callers[nc++] = frame_term(fn, line);
        }
    }
    if (!fn && !x->fun)
        return;
    for (uint32_t i = vm->nfr; i-- > 0 && depth + nc < BACKTRACE_DEPTH;) {
        const term *f = module_fn(vm->fr[i].fun);
        if (!f)
            break;
        callers[nc++] = frame_term(f, line_at(vm->fr[i].code, vm->fr[i].pc));
    }
    if (nc)
        x->callers = term_list(nc, callers, NULL);
}

static void vm_raise(ev_vm *vm, ev_exception *x)
{
    trace_exception(vm, x, false);
    if (vm->nh == 0) {
        if (vm->exc)
            ev_exception_fini(vm->exc);
        else
            vm->exc = xmalloc(sizeof *vm->exc);
        *vm->exc = *x;
        vm->st = VS_RAISED;
        return;
    }
    handler h = vm->hs[--vm->nh];
    term *v = handler_value(x, h.is_try);
    if (v->depth > TERM_MAX_DEPTH) {
        /* what the handler would see nests deeper than a term may
         * (push_built): it catches error:system_limit instead, raised
         * where x was, so that no loop of catches ({'EXIT', {R, _}}, or
         * try's {badmatch, R}) can build an unbounded term */
        term_unref(v);
        ev_exception_fini(x);
        ev__exc_set(x, "error", term_atom_s("system_limit"));
        trace_exception(vm, x, false);
        v = handler_value(x, h.is_try);
    }
    unwind_frames(vm, h.nfr);
    drop(vm, vm->sp - h.sp);
    save_unwind(vm, h.save, true);
    caught_unwind(vm, h.ncaught);
    vm->pc = h.pc;
    push(vm, v);
    if (!h.is_try) {
        ev_exception_fini(x);
        return;
    }
    /* try: the exception itself is kept, to be raised again unchanged */
    if (vm->ncaught == vm->capcaught) {
        vm->capcaught = vm->capcaught ? vm->capcaught * 2 : 4;
        vm->caught = xrealloc(vm->caught, vm->capcaught * sizeof *vm->caught);
    }
    vm->caught[vm->ncaught++] = *x;
}

/* Raises the innermost caught exception again. */
static void reraise(ev_vm *vm)
{
    assert(vm->ncaught > 0);
    ev_exception x = vm->caught[--vm->ncaught];
    vm_raise(vm, &x);
}

static void raise_error(ev_vm *vm, term *reason)
{
    ev_exception x;
    ev__exc_set(&x, "error", reason);
    vm_raise(vm, &x);
}

/* Pushes a term just built, or raises system_limit when it nests deeper
 * than TERM_MAX_DEPTH (t dropped): what the evaluator makes stays within
 * what printing, comparing and freeing can recurse through. */
static void push_built(ev_vm *vm, term *t)
{
    if (t->depth <= TERM_MAX_DEPTH) {
        push(vm, t);
        return;
    }
    term_unref(t);
    raise_error(vm, term_atom_s("system_limit"));
}

static void commit_binds(ev_vm *vm)
{
    for (uint32_t i = 0; i < vm->binds.n; i++)
        ev__env_bind(&vm->work, vm->binds.name[i], term_ref(vm->binds.val[i]));
    ev__binds_reset(&vm->binds);
}

/* Tries clause c (pattern may be absent, as in if) against v. */
static bool try_clause(ev_vm *vm, const ev_node *c, const term *v)
{
    ev_guard_host gh = { vm->host, vm };
    ev__binds_reset(&vm->binds);
    if (c->kid[0] && !ev__match(c->kid[0], v, &vm->work, &vm->binds, &gh)) {
        ev__binds_reset(&vm->binds);
        return false;
    }
    if (!ev__guard(c->kid[1], &vm->work, &vm->binds, &gh)) {
        ev__binds_reset(&vm->binds);
        return false;
    }
    commit_binds(vm);
    return true;
}

static void do_call(ev_vm *vm, atom_t mod, atom_t fun, uint32_t argc,
                    uint32_t extra);

/* The first of the in->b clauses of in->n from kid[first] that takes v:
 * binds, jumps to its body (labels from in->a) and returns true. */
static bool select_clause(ev_vm *vm, const ev_ins *in, uint32_t first,
                          const term *v)
{
    for (uint32_t i = 0; i < in->b; i++) {
        if (try_clause(vm, in->n->kid[first + i], v)) {
            vm->pc = vm->code->labels[in->a + i];
            return true;
        }
    }
    return false;
}

/* The bindings a fun captured ([{Name, Value}], sorted) into e (empty). */
static void env_of_closure(ev_env *e, const term_closure *clo)
{
    for (const term *l = clo->env; l->tag == T_CONS; l = l->u.cons.tail) {
        term *const *kv = l->u.cons.head->u.tuple.el;
        ev__env_bind(e, kv[0]->u.atom, term_ref(kv[1]));
    }
}

/* The bindings of `e` as a fun captures them: [{Name, Value}] in e's
 * order (by name). */
static term *env_to_list(const ev_env *e)
{
    term *l = term_nil();
    for (uint32_t i = e->n; i-- > 0;)
        l = term_cons(term_tuplev(2, term_atom(e->name[i]), term_ref(e->val[i])),
                      l);
    return l;
}

static void code_release(void *code)
{
    ev_code_free(code);
}

/* A fun's index in erl_eval 25's make_fun (what #Fun<erl_eval.N.M>
 * prints): 43 - arity for a plain fun, 20 - arity for a named one,
 * checked against erl 25 for arities 0 to 20. */
static term *make_closure(ev_vm *vm, const ev_ins *in)
{
    const ev_node *n = in->n;
    uint32_t arity = (uint32_t)n->flag;
    term_closure *clo = xcalloc(1, sizeof *clo);
    ev__code_hold(vm->code);
    clo->code = (void *)vm->code;
    clo->node = n;
    clo->entry = in->a;
    clo->release = code_release;
    clo->env = env_to_list(&vm->work);
    clo->line = (uint32_t)n->line;
    clo->col = (uint32_t)n->col;
    clo->index = n->name ? 20 - arity : 43 - arity;
    clo->uniq = 3316493;     /* erl_eval's, in OTP 25.2.3 */
    if (!vm->code->mod)
        return term_closure_new(A("erl_eval"), arity, clo);
    term *f = term_closure_new(ev_module_name(vm->code->mod), arity, clo);
    f->u.fun.fun = n->fname;       /* '-f/1-fun-0-' */
    return f;
}

/* Whether the instruction at pc returns from the fun (through jumps):
 * a call just before it is a tail call. */
static bool returns_at(const ev_code *c, uint32_t pc)
{
    while (c->ins[pc].op == I_JMP)
        pc = c->ins[pc].a;
    return c->ins[pc].op == I_RETURN;
}

/* Whether the call just made (its arguments dropped) is in tail
 * position: its value is the running fun's. */
static bool in_tail(const ev_vm *vm)
{
    return vm->nfr > 0 && vm->sp == vm->fr[vm->nfr - 1].sp
        && returns_at(vm->code, vm->pc);
}

/* Applies the fun with a body `f` to the argc values on top of the
 * stack (then drops them and `extra` slots below), as erl_eval's
 * eval_fun: the first clause whose head matches (its variables fresh)
 * and whose guard holds runs with the captured bindings, the fun's own
 * name (named funs) and the head's variables. A call in tail position
 * replaces the caller's activation, so a loop runs in constant space. */
static void apply_fun(ev_vm *vm, term *f, uint32_t argc, uint32_t extra)
{
    const term_closure *clo = f->u.fun.clo;
    const ev_node *n = clo->node;
    const ev_code *code = clo->code;
    term **args = vm->stk + vm->sp - argc;
    ev_guard_host gh = { vm->host, vm };
    ev_env e;
    vm->reds++;
    ev__env_init(&e);
    env_of_closure(&e, clo);
    if (n->name)
        ev__env_bind(&e, n->name, term_ref(f));
    uint32_t i;
    for (i = 0; i < n->n; i++) {
        const ev_node *cl = n->kid[i];
        bool ok = true;
        ev__binds_reset(&vm->binds);
        vm->binds.outer = &e;       /* for binary segments' sizes */
        for (uint32_t k = 0; ok && k < argc; k++)
            ok = ev__match(cl->kid[0]->kid[k], args[k], NULL, &vm->binds, &gh);
        vm->binds.outer = NULL;
        if (ok && ev__guard(cl->kid[1], &e, &vm->binds, &gh))
            break;
    }
    if (i == n->n) {
        ev__binds_reset(&vm->binds);
        ev__env_fini(&e);
        ev_exception x;
        ev__exc_set(&x, "error", term_atom_s("function_clause"));
        /* a library fun names itself (eval_lib.c); a shell fun is
         * erl_eval's */
        x.mod = f->u.fun.fun ? f->u.fun.mod : A("erl_eval");
        x.fun = f->u.fun.fun ? f->u.fun.fun : A("-inside-an-interpreted-fun-");
        x.arity = argc;
        for (uint32_t k = 0; k < argc; k++)
            term_ref(args[k]);
        x.args = term_list(argc, args, NULL);
        if (code->mod) {         /* at the function's first clause */
            x.file = ev_module_file(code->mod);
            x.line = n->line;
        }
        drop(vm, argc + extra);
        trace_exception(vm, &x, in_tail(vm));
        vm_raise(vm, &x);
        return;
    }
    for (uint32_t k = 0; k < vm->binds.n; k++)
        ev__env_bind(&e, vm->binds.name[k], term_ref(vm->binds.val[k]));
    ev__binds_reset(&vm->binds);
    term_ref(f);
    drop(vm, argc + extra);
    if (!in_tail(vm)) {
        if (vm->nfr == EV_MAX_DEPTH) {
            term_unref(f);
            ev__env_fini(&e);
            raise_error(vm, term_atom_s("system_limit"));
            return;
        }
        if (vm->nfr == vm->capfr) {
            vm->capfr = vm->capfr ? vm->capfr * 2 : 1;
            vm->fr = xrealloc(vm->fr, vm->capfr * sizeof *vm->fr);
        }
        vm->fr[vm->nfr++] = (frame){ vm->code, vm->fun, vm->work, vm->pc,
                                     vm->sp };
        if (vm->nfr > vm->maxfr)
            vm->maxfr = vm->nfr;
    } else {
        ev__env_fini(&vm->work);
        term_unref(vm->fun);
    }
    vm->work = e;
    vm->fun = f;
    vm->code = code;
    vm->pc = code->labels[clo->entry + i];
}

/* Whether fun f (with a body) can run here: a fun made in a module
 * needs the module loaded on the evaluation's node; when it is not, the
 * call raises error:undef with the stack [{Fun, Args, []}], as the BEAM
 * does for a fun whose module is not loaded (erlang:apply/2 on an
 * unknown fun calls error_handler:undefined_lambda/3). The argc
 * arguments are on top of the stack; on false they and `extra` slots
 * below are dropped and the exception raised. */
static bool fun_loaded(ev_vm *vm, term *f, uint32_t argc, uint32_t extra)
{
    const ev_code *code = f->u.fun.clo->code;
    /* a fun of the module running now needs no lookup: it is loaded */
    if (!code->mod || code == vm->code || !vm->host || !vm->host->module
        || vm->host->module(vm->host->ctx, ev_module_name(code->mod)))
        return true;
    term *args = term_list(argc, vm->stk + vm->sp - argc, NULL);
    for (uint32_t i = 0; i < argc; i++)
        vm->stk[vm->sp - argc + i] = NULL;
    vm->sp -= argc;
    drop(vm, extra);
    ev_exception x;
    ev__exc_set(&x, "error", term_atom_s("undef"));
    x.traced = true;
    x.callers = term_cons(term_tuplev(3, term_ref(f), args, term_nil()),
                          term_nil());
    vm_raise(vm, &x);
    return false;
}

/* apply(F, Args) and apply(M, F, Args): the call they name, with Args
 * spread on the stack; erl's badarg otherwise. */
static void do_apply(ev_vm *vm, uint32_t argc, uint32_t extra)
{
    term **a = vm->stk + vm->sp - argc;
    term *args = a[argc - 1];
    term *f = a[argc - 2], *m = argc == 3 ? a[0] : NULL;
    int bad = 0;
    const char *why = NULL;
    if (m && m->tag != T_ATOM) {
        bad = 1;
        why = "not an atom";
    } else if (m && f->tag != T_ATOM) {
        bad = 2;
        why = "not an atom";
    } else if (!term_is_proper_list(args)) {
        bad = (int)argc;
        why = "not a list";
    } else if (!m && (f->tag != T_FUN && f->tag != T_ATOM)) {
        term *r = term_tuplev(2, term_atom_s("badfun"), term_ref(f));
        drop(vm, argc + extra);
        raise_error(vm, r);
        return;
    } else if (!m && f->tag == T_FUN
               && f->u.fun.arity != term_list_length(args)) {
        term *r = term_tuplev(2, term_atom_s("badarity"),
                              term_tuplev(2, term_ref(f), term_ref(args)));
        drop(vm, argc + extra);
        raise_error(vm, r);
        return;
    }
    if (bad) {
        ev_exception x;
        ev__exc_set(&x, "error", term_atom_s("badarg"));
        x.mod = A("erlang");
        x.fun = A("apply");
        x.arity = argc;
        for (uint32_t i = 0; i < argc; i++)
            term_ref(a[i]);
        x.args = term_list(argc, a, NULL);
        ev_exception_detail(&x, bad, why);
        drop(vm, argc + extra);
        vm_raise(vm, &x);
        return;
    }
    atom_t cm, cf;
    uint32_t n = (uint32_t)term_list_length(args);
    if (!m && f->tag == T_FUN && f->u.fun.clo) {
        for (const term *t = args; t->tag == T_CONS; t = t->u.cons.tail)
            push(vm, term_ref(t->u.cons.head));
        if (fun_loaded(vm, f, n, argc + extra))
            apply_fun(vm, f, n, argc + extra);
        return;
    }
    if (m) {
        cm = m->u.atom;
        cf = f->u.atom;
    } else if (f->tag == T_FUN) {
        cm = f->u.fun.mod;
        cf = f->u.fun.fun;
    } else {
        cm = A("");
        cf = f->u.atom;
    }
    /* keep the apply's values below the spread arguments until the call */
    for (const term *t = args; t->tag == T_CONS; t = t->u.cons.tail)
        push(vm, term_ref(t->u.cons.head));
    do_call(vm, cm, cf, n, argc + extra);
}

/* Calls mod:fun on the argc values on top of the stack, then drops them
 * and `extra` slots below them. */
static void do_call(ev_vm *vm, atom_t mod, atom_t fun, uint32_t argc,
                    uint32_t extra)
{
    if ((argc == 2 || argc == 3) && fun == A("apply")
        && (mod == A("") || mod == A("erlang"))) {
        do_apply(vm, argc, extra);
        return;
    }
    term **args = vm->stk + vm->sp - argc;
    term *res = NULL;
    ev_exception x = { 0 };
    ev_status s;
    if (mod != A("") && vm->host && vm->host->module) {
        const ev_module *m = vm->host->module(vm->host->ctx, mod);
        if (m) {
            term *f = ev_module_export(m, fun, argc);
            if (f) {
                apply_fun(vm, f, argc, extra);
                return;
            }
            term *info = argc == 1 && fun == A("module_info")
                ? ev_module_info(m, args[0]) : NULL;
            if (info) {
                vm->reds++;
                drop(vm, argc + extra);
                push(vm, info);
                return;
            }
            vm->reds++;
            ev__exc_set(&x, "error", term_atom_s("undef"));
            x.mod = mod;
            x.fun = fun;
            for (uint32_t i = 0; i < argc; i++)
                term_ref(args[i]);
            x.args = term_list(argc, args, NULL);
            drop(vm, argc + extra);
            trace_exception(vm, &x, in_tail(vm));
            vm_raise(vm, &x);
            return;
        }
    }
    vm->reds++;
    int lib = ev__lib_find(mod, fun, argc);
    if (lib >= 0) {
        if (!vm->lib)
            vm->lib = xcalloc(EV__NLIB, sizeof *vm->lib);
        if (!vm->lib[lib])
            vm->lib[lib] = ev__lib_fun(lib);
        vm->reds--;          /* apply_fun counts this call */
        apply_fun(vm, vm->lib[lib], argc, extra);
        return;
    }
    int bif = ev__bif_find(mod, fun, argc, false);
    if (bif >= 0) {
        s = ev__bif_call(bif, argc, args, &res, &x);
    } else if (vm->host && vm->host->call) {
        s = vm->host->call(vm->host->ctx, vm, mod, fun, argc, args, &res, &x);
    } else {
        ev__exc_set(&x, "error", term_atom_s("undef"));
        x.mod = mod;
        x.fun = fun;
        x.arity = argc;
        for (uint32_t i = 0; i < argc; i++)
            term_ref(args[i]);
        x.args = term_list(argc, args, NULL);
        s = EV_RAISED;
    }
    drop(vm, argc + extra);
    switch (s) {
    case EV_DONE:
        push_built(vm, res);
        break;
    case EV_RAISED:
        if (term_is_atom(x.reason, A("undef")) && x.mod == mod && x.fun == fun)
            trace_exception(vm, &x, in_tail(vm));
        vm_raise(vm, &x);
        break;
    default:                 /* EV_BLOCKED: ev_vm_resume* continues */
        vm->st = VS_BLOCKED;
        break;
    }
}

/* M:F(Args) or F(Args) with computed M, F (b: a module is on the stack). */
static void call_dyn(ev_vm *vm, uint32_t argc, bool has_mod)
{
    term *f = vm->stk[vm->sp - argc - 1];
    term *m = has_mod ? vm->stk[vm->sp - argc - 2] : NULL;
    if (has_mod) {
        if (m->tag == T_ATOM && f->tag == T_ATOM) {
            do_call(vm, m->u.atom, f->u.atom, argc, 2);
            return;
        }
        /* erl_eval applies it: apply(1,b,[]) raises badarg */
        term *l = term_list(argc, vm->stk + vm->sp - argc, NULL);
        vm->sp -= argc;
        ev_exception x;
        ev__exc_set(&x, "error", term_atom_s("badarg"));
        x.mod = A("erlang");
        x.fun = A("apply");
        x.arity = 3;
        x.args = term_list(3, (term *[]){ term_ref(m), term_ref(f), l }, NULL);
        ev_exception_detail(&x, m->tag != T_ATOM ? 1 : 2, "not an atom");
        drop(vm, 2);
        vm_raise(vm, &x);
        return;
    }
    if (f->tag == T_FUN && f->u.fun.arity == argc) {
        if (!f->u.fun.clo)
            do_call(vm, f->u.fun.mod, f->u.fun.fun, argc, 1);
        else if (fun_loaded(vm, f, argc, 1))
            apply_fun(vm, f, argc, 1);
        return;
    }
    if (f->tag == T_ATOM) {
        do_call(vm, A(""), f->u.atom, argc, 1);
        return;
    }
    term *l = term_list(argc, vm->stk + vm->sp - argc, NULL);
    vm->sp -= argc;
    term *reason = f->tag == T_FUN
        ? term_tuplev(2, term_atom_s("badarity"),
                      term_tuplev(2, term_ref(f), l))
        : term_tuplev(2, term_atom_s("badfun"), term_ref(f));
    if (f->tag != T_FUN)
        term_unref(l);
    drop(vm, 1);
    raise_error(vm, reason);
}

static void do_send(ev_vm *vm)
{
    term *msg = vm->stk[vm->sp - 1], *dest = vm->stk[vm->sp - 2];
    ev_exception x = { 0 };
    ev_status s = EV_RAISED;
    if (vm->host && vm->host->send) {
        s = vm->host->send(vm->host->ctx, dest, msg, &x);
    } else {
        ev__exc_set(&x, "error", term_atom_s("badarg"));
        x.mod = A("erlang");
        x.fun = A("!");
        x.arity = 2;
        x.args = term_list(2, (term *[]){ term_ref(dest), term_ref(msg) }, NULL);
        x.is_operator = true;
    }
    if (s == EV_DONE) {
        term *m = pop(vm);
        drop(vm, 1);
        push(vm, m);
        return;
    }
    drop(vm, 2);
    vm_raise(vm, &x);
}

static void build_map(ev_vm *vm, const ev_node *n, uint32_t nf, bool update)
{
    term *base = update ? vm->stk[vm->sp - 2 * nf - 1] : NULL;
    term **pairs = vm->stk + vm->sp - 2 * nf;
    if (update) {
        if (base->tag != T_MAP) {
            term *r = term_tuplev(2, term_atom_s("badmap"), term_ref(base));
            drop(vm, 2 * nf + 1);
            raise_error(vm, r);
            return;
        }
        for (uint32_t i = 0; i < nf; i++) {
            if (n->kid[1 + i]->flag && !term_map_get(base, pairs[2 * i])) {
                term *r = term_tuplev(2, term_atom_s("badkey"),
                                      term_ref(pairs[2 * i]));
                drop(vm, 2 * nf + 1);
                raise_error(vm, r);
                return;
            }
        }
    }
    term **k = xmalloc((nf ? nf : 1) * sizeof *k);
    term **v = xmalloc((nf ? nf : 1) * sizeof *v);
    for (uint32_t i = 0; i < nf; i++) {
        k[i] = pairs[2 * i];
        v[i] = pairs[2 * i + 1];
    }
    vm->sp -= 2 * nf;
    term *r = update ? term_map_put(base, nf, k, v) : term_map(nf, k, v);
    if (update)
        drop(vm, 1);
    push_built(vm, r);
    free(k);
    free(v);
}

/* I_BINSEG: segment number `segno` (its N_BINSEG seg) built from its
 * value and size on the stack, or its error (eval_bits:eval_field/5). */
static void build_segment(ev_vm *vm, const ev_node *seg, uint32_t segno)
{
    term *size = seg->n > 1 ? pop(vm) : NULL, *v = pop(vm);
    ev_bitbuf w = { 0 };
    const term *bad = NULL;
    ev_bsfail f = ev__bits_put(&w, seg, v, size, &bad);
    if (f == EV_BS_OK) {
        push(vm, ev__bits_take(&w));
    } else {
        ev_exception x;
        ev__bits_fail(&x, f, segno, seg, bad, vm->code->mod == NULL);
        ev__bits_fini(&w);
        vm_raise(vm, &x);
    }
    term_unref(v);
    term_unref(size);
}

/* The n bitstrings seg[0..n) joined (a new term), or NULL when that
 * would be more than EV_BITS_MAX bits. */
static term *join_bits(term *const *seg, uint32_t n)
{
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; i++)
        total += term_bit_size(seg[i]);
    if (total > EV_BITS_MAX)
        return NULL;
    ev_bitbuf w = { 0 };
    for (uint32_t i = 0; i < n; i++)
        ev__bits_append(&w, seg[i]->u.bin.bytes, 0, term_bit_size(seg[i]));
    return ev__bits_take(&w);
}

/* Pushes r, or raises system_limit when it is NULL (join_bits). */
static void push_joined(ev_vm *vm, term *r)
{
    if (r)
        push(vm, r);
    else
        raise_error(vm, term_atom_s("system_limit"));
}

static void do_receive(ev_vm *vm, const ev_ins *in)
{
    const ev_node *n = in->n;
    int64_t ms = -1;
    if (n->flag) {
        term *t = pop(vm);
        bool ok = true;
        /* OTP 25 takes 0..16#ffffffff ms (erl: `receive after
         * 4294967296` is timeout_value, in compiled code and in
         * prim_eval:'receive'/2 alike) */
        if (t->tag == T_INT && t->u.i >= 0 && t->u.i <= 0xffffffffLL)
            ms = t->u.i;
        else if (!term_is_atom(t, A("infinity")))
            ok = false;
        term_unref(t);
        if (!ok) {
            /* erl: "bad receive timeout value" in prim_eval:'receive'/2 */
            ev_exception x;
            ev__exc_set(&x, "error", term_atom_s("timeout_value"));
            x.mod = A("prim_eval");
            x.fun = A("receive");
            x.arity = 2;
            vm_raise(vm, &x);
            return;
        }
    }
    vm->recv = n;
    vm->recv_labels = in->a;
    vm->recv_n = in->b;
    vm->recv_timeout = ms;
    vm->st = VS_RECEIVE;
}

/* A binary generator's next element (erl_eval's eval_b_generate): the
 * bitstring and the position reached are on top; segments that fit but
 * do not match are skipped; the end, or what does not fit, ends it. */
static void lc_next_bin(ev_vm *vm, const ev_ins *in)
{
    const term *bin = vm->stk[vm->sp - 2];
    if (bin->tag != T_BIN) {
        drop(vm, 1);
        raise_error(vm, term_tuplev(2, term_atom_s("bad_generator"), pop(vm)));
        return;
    }
    uint64_t pos = (uint64_t)vm->stk[vm->sp - 1]->u.i;
    ev_guard_host gh = { vm->host, vm };
    int r;
    vm->binds.outer = &vm->saves[vm->nsaves - 1];
    do {
        vm->reds++;
        ev__binds_reset(&vm->binds);
        r = ev__match_bin_gen(in->n->kid[0], bin, &pos, &vm->binds, &gh);
    } while (r == 0);
    vm->binds.outer = NULL;
    if (r < 0) {
        ev__binds_reset(&vm->binds);
        drop(vm, 2);
        save_unwind(vm, vm->nsaves - 1, false);
        vm->pc = in->a;
        return;
    }
    term_unref(vm->stk[vm->sp - 1]);
    vm->stk[vm->sp - 1] = term_int((int64_t)pos);
    commit_binds(vm);
}

/* A generator's next element (erl_eval's eval_generate): the bindings
 * are those of before the generator, its pattern's variables fresh
 * (they shadow outer ones); an element that does not match is skipped;
 * one reduction per element. */
static void lc_next(ev_vm *vm, const ev_ins *in)
{
    if (in->n->flag) {
        ev__env_copy(&vm->work, &vm->saves[vm->nsaves - 1]);
        lc_next_bin(vm, in);
        return;
    }
    for (;;) {
        term *l = vm->stk[vm->sp - 1];
        ev__env_copy(&vm->work, &vm->saves[vm->nsaves - 1]);
        if (l->tag == T_NIL) {
            drop(vm, 1);
            save_unwind(vm, vm->nsaves - 1, false);
            vm->pc = in->a;
            return;
        }
        if (l->tag != T_CONS) {
            raise_error(vm, term_tuplev(2, term_atom_s("bad_generator"),
                                        pop(vm)));
            return;
        }
        vm->reds++;
        term *h = term_ref(l->u.cons.head);
        vm->stk[vm->sp - 1] = term_ref(l->u.cons.tail);
        term_unref(l);
        ev_guard_host gh = { vm->host, vm };
        ev__binds_reset(&vm->binds);
        vm->binds.outer = &vm->saves[vm->nsaves - 1];
        bool ok = ev__match(in->n->kid[0], h, NULL, &vm->binds, &gh);
        vm->binds.outer = NULL;
        term_unref(h);
        if (ok) {
            commit_binds(vm);
            return;
        }
        ev__binds_reset(&vm->binds);
    }
}

/* The accumulated elements (last first) in order: a list, or for a
 * binary comprehension their bits joined. */
static void lc_end(ev_vm *vm, bool binary)
{
    term *acc = pop(vm), *r = term_nil();
    uint32_t n = 0;
    for (const term *t = acc; t->tag == T_CONS; t = t->u.cons.tail, n++)
        r = term_cons(term_ref(t->u.cons.head), r);
    term_unref(acc);
    if (binary) {
        term **seg = xmalloc((n ? n : 1) * sizeof *seg);
        uint32_t i = 0;
        for (const term *t = r; t->tag == T_CONS; t = t->u.cons.tail)
            seg[i++] = t->u.cons.head;
        term *bits = join_bits(seg, n);
        free(seg);
        term_unref(r);
        push_joined(vm, bits);
        return;
    }
    push(vm, r);
}

static void lint_step(ev_vm *vm, const ev_node *n)
{
    term *reason = NULL;
    ev_error err;
    if (ev__lint(n, &vm->work, &err, &reason))
        return;
    free(vm->cmd_err);
    vm->cmd_err = xmalloc(sizeof *vm->cmd_err);
    *vm->cmd_err = err;
    raise_error(vm, reason);
}

/* Executes one instruction. */
static void step(ev_vm *vm)
{
    const ev_ins *in = &vm->code->ins[vm->pc++];
    const ev_node *n = in->n;
    switch ((ev_opcode)in->op) {
    case I_CONST:
        push(vm, term_ref(n->lit));
        break;
    case I_VAR: {
        term *v = ev__env_find(&vm->work, n->name);
        if (v)
            push(vm, term_ref(v));
        else        /* f() ran, or a binding was dropped: erl_eval's error */
            raise_error(vm, term_tuplev(2, term_atom_s("unbound"),
                                        term_atom(n->name)));
        break;
    }
    case I_POP:
        drop(vm, 1);
        break;
    case I_TUPLE: {
        term *t = term_tuple(in->a, vm->stk + vm->sp - in->a);
        vm->sp -= in->a;
        push_built(vm, t);
        break;
    }
    case I_CONS: {
        term *tail = pop(vm), *head = pop(vm);
        push_built(vm, term_cons(head, tail));
        break;
    }
    case I_MAP:
    case I_MAPUPD:
        build_map(vm, n, in->a, in->op == I_MAPUPD);
        break;
    case I_BINSEG:
        build_segment(vm, n, in->a);
        break;
    case I_BIN: {
        term *r = join_bits(vm->stk + vm->sp - in->a, in->a);
        drop(vm, in->a);
        push_joined(vm, r);
        break;
    }
    case I_MATCH: {
        term *v = pop(vm);
        ev_guard_host gh = { vm->host, vm };
        ev__binds_reset(&vm->binds);
        if (ev__match(n, v, &vm->work, &vm->binds, &gh)) {
            commit_binds(vm);
            push(vm, v);
        } else {
            ev__binds_reset(&vm->binds);
            raise_error(vm, term_tuplev(2, term_atom_s("badmatch"), v));
        }
        break;
    }
    case I_SEND:
        do_send(vm);
        break;
    case I_CALL:
        do_call(vm, n->kid[0] ? n->kid[0]->lit->u.atom : A(""),
                n->kid[1]->lit->u.atom, in->a, 0);
        break;
    case I_LCALL:
        apply_fun(vm, vm->code->mod->fn[in->a].value, in->b, 0);
        break;
    case I_CALLDYN:
        call_dyn(vm, in->a, in->b != 0);
        break;
    case I_OP2:
    case I_OP1: {
        bool two = in->op == I_OP2;
        term *b = two ? pop(vm) : NULL, *a = pop(vm), *r = NULL;
        ev_exception x = { 0 };
        ev_status s = two ? ev__op2((ev_op)in->a, a, b, &r, &x)
                          : ev__op1((ev_op)in->a, a, &r, &x);
        term_unref(a);
        term_unref(b);
        if (s == EV_DONE) {
            push(vm, r);
            break;
        }
        if (vm->code->mod && two && x.fun
            && (n->kid[0]->kind == N_LIT || n->kid[1]->kind == N_LIT)) {
            /* compiled code (erlc 25, observed): `X + 1` failing names
             * the function it is in, `A + B` the operator */
            term_unref(x.args);
            x.args = NULL;
            x.mod = x.fun = 0;
            x.is_operator = false;
            x.arg_index = 0;
        }
        vm_raise(vm, &x);
        break;
    }
    case I_JMP:
        vm->pc = in->a;
        break;
    case I_ANDALSO:
    case I_ORELSE: {
        term *v = vm->stk[vm->sp - 1];
        bool t = term_is_atom(v, A("true")), f = term_is_atom(v, A("false"));
        if (!t && !f) {
            /* erl_eval: error {badarg, V} ("bad argument: V") */
            raise_error(vm, term_tuplev(2, term_atom_s("badarg"), pop(vm)));
        } else if (t == (in->op == I_ORELSE)) {
            vm->pc = in->a;                 /* decided: keep the value */
        } else {
            drop(vm, 1);
        }
        break;
    }
    case I_SCOPE_PUSH:
        save_push(vm);
        break;
    case I_SCOPE_POP:
        save_unwind(vm, vm->nsaves - 1, true);
        break;
    case I_CASE:
    case I_IF: {
        bool is_case = in->op == I_CASE, is_try = n->kind == N_TRY;
        term *v = is_case ? pop(vm) : NULL;
        if (select_clause(vm, in, is_case ? 1 : 0, v)) {
            term_unref(v);
            return;
        }
        raise_error(vm, is_case ? term_tuplev(2, term_atom_s(is_try
                                                  ? "try_clause"
                                                  : "case_clause"), v)
                                : term_atom_s("if_clause"));
        break;
    }
    case I_RECV:
        do_receive(vm, in);
        break;
    case I_CATCH:
    case I_TRY:
        if (vm->nh == vm->caph) {
            vm->caph = vm->caph ? vm->caph * 2 : 4;
            vm->hs = xrealloc(vm->hs, vm->caph * sizeof *vm->hs);
        }
        vm->hs[vm->nh++] = (handler){ in->a, vm->sp, vm->nsaves, vm->nfr,
                                      vm->ncaught, in->op == I_TRY };
        save_push(vm);
        break;
    case I_TRY_CATCH: {
        term *v = pop(vm);
        bool ok = select_clause(vm, in, 1 + EV_TRY_NOF(n->flag), v);
        term_unref(v);
        if (ok)
            caught_unwind(vm, vm->ncaught - 1);
        else
            reraise(vm);
        break;
    }
    case I_RERAISE:
        reraise(vm);
        break;
    case I_GEN:
        lc_next(vm, in);
        break;
    case I_FILTER: {
        term *v = pop(vm);
        if (term_is_atom(v, A("true"))) {
            term_unref(v);
        } else if (term_is_atom(v, A("false"))) {
            term_unref(v);
            vm->pc = in->a;
        } else {
            raise_error(vm, term_tuplev(2, term_atom_s("bad_filter"), v));
        }
        break;
    }
    case I_GFILTER: {
        ev_guard_host gh = { vm->host, vm };
        if (!ev__guard(n, &vm->work, NULL, &gh))
            vm->pc = in->a;
        break;
    }
    case I_LC_PUT: {
        term *v = pop(vm);
        if (in->b && v->tag != T_BIN) {
            ev_exception x;
            term_unref(v);
            ev__bits_fail_template(&x);
            vm_raise(vm, &x);
            break;
        }
        term **acc = &vm->stk[vm->sp - 1 - in->a];
        *acc = term_cons(v, *acc);
        if ((*acc)->depth > TERM_MAX_DEPTH)
            raise_error(vm, term_atom_s("system_limit"));
        break;
    }
    case I_LC_END:
        lc_end(vm, in->a != 0);
        break;
    case I_CATCH_END:
        assert(vm->nh > 0);
        save_unwind(vm, vm->hs[--vm->nh].save, false);
        break;
    case I_LINT:
        lint_step(vm, n);
        break;
    case I_FORGET:
        ev__env_remove(&vm->work, n->name);
        break;
    case I_FORGET_ALL:
        ev__env_fini(&vm->work);
        break;
    case I_FUN:
        push_built(vm, make_closure(vm, in));
        break;
    case I_RETURN: {
        term *v = pop(vm);
        assert(vm->nfr > 0 && vm->sp == vm->fr[vm->nfr - 1].sp);
        unwind_frames(vm, vm->nfr - 1);
        push(vm, v);
        break;
    }
    case I_RET:
        vm->value = pop(vm);
        assert(vm->sp == 0 && vm->nh == 0 && vm->nsaves == 0 && vm->nfr == 0
               && vm->ncaught == 0);
        ev__env_copy(vm->env, &vm->work);
        vm->st = VS_DONE;
        break;
    }
}

/* Starts an evaluation; see eval.h. */
ev_vm *ev_vm_new(const ev_code *code, ev_env *env, const ev_host *host)
{
    assert(code && !code->is_pattern && env);
    ev_vm *vm = xcalloc(1, sizeof *vm);
    vm->code = code;
    vm->env = env;
    vm->host = host;
    /* never NULL: `stk + sp - argc` with argc 0 must point somewhere */
    vm->capstk = 8;
    vm->stk = xmalloc(vm->capstk * sizeof *vm->stk);
    ev__env_copy(&vm->work, env);
    return vm;
}

/* Frees the evaluation and everything it holds; NULL is fine. */
void ev_vm_free(ev_vm *vm)
{
    if (!vm)
        return;
    drop(vm, vm->sp);
    unwind_frames(vm, 0);
    free(vm->fr);
    term_unref(vm->fun);
    for (int i = 0; vm->lib && i < EV__NLIB; i++)
        term_unref(vm->lib[i]);
    free(vm->lib);
    free(vm->stk);
    free(vm->hs);
    save_unwind(vm, 0, false);
    free(vm->saves);
    caught_unwind(vm, 0);
    free(vm->caught);
    ev__env_fini(&vm->work);
    term_unref(vm->value);
    if (vm->exc)
        ev_exception_fini(vm->exc);
    free(vm->exc);
    if (vm->pend)
        ev_exception_fini(vm->pend);
    free(vm->pend);
    free(vm->cmd_err);
    ev__binds_fini(&vm->binds);
    free(vm);
}

static ev_status status_of(vstate s)
{
    switch (s) {
    case VS_BLOCKED: return EV_BLOCKED;
    case VS_RECEIVE: return EV_RECEIVE;
    case VS_DONE: return EV_DONE;
    default: return EV_RAISED;
    }
}

/* Runs until done, raised, blocked or waiting in receive; see eval.h. */
ev_status ev_vm_run(ev_vm *vm)
{
    if (vm->st == VS_RUN && vm->pend) {
        ev_exception x = *vm->pend;
        free(vm->pend);
        vm->pend = NULL;
        vm_raise(vm, &x);
    }
    uint64_t end = vm->slice ? vm->reds + vm->slice : UINT64_MAX;
    while (vm->st == VS_RUN) {
        /* out of reductions, or of term cells (the host says which) */
        if (vm->reds >= end || term_cells_over())
            return EV_YIELD;
        step(vm);
    }
    return status_of(vm->st);
}

const ev_env *ev_vm_bindings(const ev_vm *vm)
{
    return &vm->work;
}

/* Sets the reductions per ev_vm_run; see eval.h. */
void ev_vm_set_slice(ev_vm *vm, uint64_t n)
{
    vm->slice = n;
}

/* The reductions used so far. */
uint64_t ev_vm_reductions(const ev_vm *vm)
{
    return vm->reds;
}

/* Where the running activation is; see eval.h. */
const char *ev_vm_where(const ev_vm *vm, char *buf, size_t size)
{
    const term *f = vm->fun;
    if (!f)
        return "the top level";
    if (f->u.fun.fun)
        snprintf(buf, size, "%s:%s/%u", atom_text(f->u.fun.mod),
                 atom_text(f->u.fun.fun), (unsigned)f->u.fun.arity);
    else
        snprintf(buf, size, "a fun (%u:%u)", (unsigned)f->u.fun.clo->line,
                 (unsigned)f->u.fun.clo->col);
    return buf;
}

/* The frames of the module functions running now, innermost first, as
 * process_info(P, current_stacktrace) lists them; see eval.h. */
term *ev_vm_stacktrace(const ev_vm *vm)
{
    term *frames[BACKTRACE_DEPTH];
    uint32_t n = 0;
    const term *fn = module_fn(vm->fun);
    if (!fn)
        return term_nil();
    frames[n++] = frame_term(fn, line_at(vm->code, vm->pc));
    for (uint32_t i = vm->nfr; i-- > 0 && n < BACKTRACE_DEPTH;) {
        const term *f = module_fn(vm->fr[i].fun);
        if (!f)
            break;
        frames[n++] = frame_term(f, line_at(vm->fr[i].code, vm->fr[i].pc));
    }
    return term_list(n, frames, NULL);
}

/* The most callers that were ever waiting at once; see eval.h. */
uint32_t ev_vm_max_depth(const ev_vm *vm)
{
    return vm->maxfr;
}

/* The value after EV_DONE (borrowed), else NULL. */
term *ev_vm_value(const ev_vm *vm)
{
    return vm->st == VS_DONE ? vm->value : NULL;
}

/* The exception after EV_RAISED (borrowed), else NULL. */
const ev_exception *ev_vm_exception(const ev_vm *vm)
{
    return vm->st == VS_RAISED ? vm->exc : NULL;
}

/* True after EV_RAISED from the shell's variable check; see eval.h. */
bool ev_vm_command_error(const ev_vm *vm, ev_error *err)
{
    if (vm->st != VS_RAISED || !vm->cmd_err)
        return false;
    if (err)
        *err = *vm->cmd_err;
    return true;
}

/* The blocked call returned `result` (ownership taken). */
void ev_vm_resume(ev_vm *vm, term *result)
{
    assert(vm->st == VS_BLOCKED);
    vm->st = VS_RUN;
    push_built(vm, result);
}

/* The blocked call raised (ownership of exc's terms taken). */
void ev_vm_resume_raise(ev_vm *vm, ev_exception *exc)
{
    assert(vm->st == VS_BLOCKED);
    if (vm->pend)
        ev_exception_fini(vm->pend);
    else
        vm->pend = xmalloc(sizeof *vm->pend);
    *vm->pend = *exc;
    vm->st = VS_RUN;
}

/* The after timeout in ms while waiting in receive; -1: none. */
int64_t ev_vm_receive_timeout(const ev_vm *vm)
{
    return vm->st == VS_RECEIVE ? vm->recv_timeout : -1;
}

/* Offers a message to the waiting receive; see eval.h. */
bool ev_vm_offer(ev_vm *vm, const term *msg)
{
    if (vm->st != VS_RECEIVE)
        return false;
    for (uint32_t i = 0; i < vm->recv_n; i++) {
        if (try_clause(vm, vm->recv->kid[i], msg)) {
            vm->pc = vm->code->labels[vm->recv_labels + i];
            vm->st = VS_RUN;
            if (msg->depth > TERM_MAX_DEPTH)
                /* a signal the runtime built around a reason as deep as
                 * a term may be ({'EXIT', Pid, R}): taken, but the
                 * receiver stops, so no chain of exits grows it */
                raise_error(vm, term_atom_s("system_limit"));
            return true;
        }
    }
    return false;
}

/* The after timeout fired: continue with the after body. A receive
 * without after ignores it. */
void ev_vm_timeout(ev_vm *vm)
{
    if (vm->st != VS_RECEIVE || !vm->recv->flag)
        return;
    vm->pc = vm->code->labels[vm->recv_labels + vm->recv_n];
    vm->st = VS_RUN;
}
