/* eval_comp: compiling the syntax tree to the VM's bytecode, the
 * variable checks the shell runs before each expression (erl_lint's
 * rules), and the ev_compile / ev_compile_pattern entry points.
 *
 * Bytecode invariants: every compiled expression leaves exactly one value
 * on the VM's stack; a case / if / receive keeps its clause bodies'
 * entry points in code->labels[a .. a+b) (receive: the after body last);
 * patterns and guards stay trees (eval_match.c).
 *
 * The variable checks follow erl_lint (OTP 25) as the shell applies them:
 * shell:exprs/7 checks each top-level expression of a command against
 * the bindings it has *at that moment*, just before evaluating it, and
 * stops the command with "* 1:13: variable 'A' is unbound" when one fails
 * (so `A = 5, f(), A.` fails at its third expression, after f() ran). In
 * one expression, siblings (tuple elements, operands, arguments) do not
 * see each other's bindings; a variable bound in only some clauses of a
 * case / if / receive, inside a catch, or in the right operand of
 * andalso / orelse is unsafe after it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/erl/eval_ast.h"
#include "core/term/xalloc.h"

/* ---- emitting ---- */

static uint32_t emit(ev_code *c, ev_opcode op, uint32_t a, uint32_t b,
                     const ev_node *n)
{
    if (c->nins == c->capins) {
        c->capins = c->capins ? c->capins * 2 : 64;
        c->ins = xrealloc(c->ins, c->capins * sizeof *c->ins);
    }
    c->ins[c->nins] = (ev_ins){ (uint8_t)op, a, b, n };
    return c->nins++;
}

static uint32_t new_labels(ev_code *c, uint32_t n)
{
    if (c->nlabels + n > c->caplabels) {
        while (c->nlabels + n > c->caplabels)
            c->caplabels = c->caplabels ? c->caplabels * 2 : 16;
        c->labels = xrealloc(c->labels, c->caplabels * sizeof *c->labels);
    }
    uint32_t at = c->nlabels;
    c->nlabels += n;
    return at;
}

static int comp_error(ev_error *err, const ev_node *n, const char *msg)
{
    err->line = n->line;
    err->col = n->col;
    snprintf(err->msg, sizeof err->msg, "%s", msg);
    return -1;
}

static int comp(ev_code *c, const ev_node *n, ev_error *err);

static int comp_kids(ev_code *c, const ev_node *n, uint32_t from, ev_error *err)
{
    for (uint32_t i = from; i < n->n; i++)
        if (comp(c, n->kid[i], err) < 0)
            return -1;
    return 0;
}

static int comp_seq(ev_code *c, const ev_node *n, bool top, ev_error *err)
{
    for (uint32_t i = 0; i < n->n; i++) {
        if (i > 0)
            emit(c, I_POP, 0, 0, NULL);
        if (top)
            emit(c, I_LINT, 0, 0, n->kid[i]);
        if (comp(c, n->kid[i], err) < 0)
            return -1;
    }
    return 0;
}

/* Clause bodies of case / if / receive: labels then jumps to the end.
 * `extra` is the after body of a receive, or NULL. */
static int comp_bodies(ev_code *c, const ev_node *n, uint32_t first,
                       uint32_t nclauses, const ev_node *extra,
                       uint32_t labels, ev_error *err)
{
    uint32_t total = nclauses + (extra ? 1 : 0);
    uint32_t *jumps = xcalloc(total ? total : 1, sizeof *jumps);
    for (uint32_t i = 0; i < total; i++) {
        const ev_node *body = i < nclauses ? n->kid[first + i]->kid[2] : extra;
        c->labels[labels + i] = c->nins;
        if (comp_seq(c, body, false, err) < 0) {
            free(jumps);
            return -1;
        }
        jumps[i] = emit(c, I_JMP, 0, 0, NULL);
    }
    for (uint32_t i = 0; i < total; i++)
        c->ins[jumps[i]].a = c->nins;
    free(jumps);
    return 0;
}

static bool is_atom_lit(const ev_node *n)
{
    return n && n->kind == N_LIT && n->lit->tag == T_ATOM;
}

/* F(Args) in a module, as erl_lint resolves it: the module's own
 * function, else an imported one, else an auto-imported BIF (called as
 * erlang:F, so no shell command answers it). */
static int comp_local_call(ev_code *c, const ev_node *n, ev_error *err)
{
    atom_t f = n->kid[1]->lit->u.atom;
    uint32_t argc = n->n - 2;
    int idx = ev__mod_find(c->mod, f, argc);
    if (comp_kids(c, n, 2, err) < 0)
        return -1;
    if (idx >= 0) {
        emit(c, I_LCALL, (uint32_t)idx, argc, n);
        return 0;
    }
    atom_t m = ev__mod_import(c->mod, f, argc);
    if (!m && ev__auto_bif(f, argc))
        m = atom_intern("erlang");
    if (!m) {
        char msg[160];
        snprintf(msg, sizeof msg, "function %s/%u undefined", atom_text(f), argc);
        return comp_error(err, n, msg);
    }
    ev_node *call = ev__node(c, N_CALL, n->line, n->col, n->n);
    memcpy(call->kid, n->kid, n->n * sizeof *n->kid);
    call->kid[0] = ev__node(c, N_LIT, n->line, n->col, 0);
    call->kid[0]->lit = ev__pool(c, term_atom(m));
    emit(c, I_CALL, argc, 0, call);
    return 0;
}

static int comp_call(ev_code *c, const ev_node *n, ev_error *err)
{
    const ev_node *m = n->kid[0], *f = n->kid[1];
    uint32_t argc = n->n - 2;
    if (c->mod && !m && is_atom_lit(f))
        return comp_local_call(c, n, err);
    if (!m && is_atom_lit(f) && strcmp(atom_text(f->lit->u.atom), "f") == 0
        && (argc == 0 || (argc == 1 && n->kid[2]->kind == N_VAR))) {
        /* the shell's f() and f(X) (shell:local_func/7): they change the
         * bindings, which only the VM holds */
        ev_node *ok = ev__node(c, N_LIT, n->line, n->col, 0);
        ok->lit = ev__pool(c, term_atom_s("ok"));
        emit(c, argc ? I_FORGET : I_FORGET_ALL, 0, 0, argc ? n->kid[2] : NULL);
        emit(c, I_CONST, 0, 0, ok);
        return 0;
    }
    if ((!m || is_atom_lit(m)) && is_atom_lit(f)) {
        if (comp_kids(c, n, 2, err) < 0)
            return -1;
        emit(c, I_CALL, argc, 0, n);
        return 0;
    }
    if (m && comp(c, m, err) < 0)
        return -1;
    if (comp(c, f, err) < 0 || comp_kids(c, n, 2, err) < 0)
        return -1;
    emit(c, I_CALLDYN, argc, m != NULL, n);
    return 0;
}

/* `fun f/1` in a module: the function's value. */
static int comp_local_fun(ev_code *c, const ev_node *n, ev_error *err)
{
    int idx = ev__mod_find(c->mod, n->lit->u.fun.fun, n->lit->u.fun.arity);
    if (idx < 0) {
        char msg[160];
        snprintf(msg, sizeof msg, "function %s/%u undefined",
                 atom_text(n->lit->u.fun.fun), n->lit->u.fun.arity);
        return comp_error(err, n, msg);
    }
    ev_node *v = ev__node(c, N_LIT, n->line, n->col, 0);
    v->lit = ev__pool(c, term_ref(c->mod->fn[idx].value));
    emit(c, I_CONST, 0, 0, v);
    return 0;
}

#define NO_LOOP UINT32_MAX
static int comp_quals(ev_code *c, const ev_node *n, uint32_t i,
                      uint32_t gens, uint32_t loop, ev_error *err);
static int comp_try(ev_code *c, const ev_node *n, ev_error *err);
static ev_node *nil_node(ev_code *c, const ev_node *at);
static ev_node *zero_node(ev_code *c, const ev_node *at);

static int comp(ev_code *c, const ev_node *n, ev_error *err)
{
    switch ((ev_kind)n->kind) {
    case N_LIT:
        if (n->lit->tag == T_FUN && !n->lit->u.fun.clo && c->mod
            && n->lit->u.fun.mod == atom_intern(""))
            return comp_local_fun(c, n, err);
        emit(c, I_CONST, 0, 0, n);
        return 0;
    case N_VAR:
        emit(c, I_VAR, 0, 0, n);
        return 0;
    case N_WILD:
        return comp_error(err, n, "variable '_' is unbound");
    case N_TUPLE:
        if (comp_kids(c, n, 0, err) < 0)
            return -1;
        emit(c, I_TUPLE, n->n, 0, n);
        return 0;
    case N_CONS:
        if (comp_kids(c, n, 0, err) < 0)
            return -1;
        emit(c, I_CONS, 0, 0, n);
        return 0;
    case N_MAP:
    case N_MAPUPD: {
        uint32_t from = n->kind == N_MAPUPD;
        if (from && comp(c, n->kid[0], err) < 0)
            return -1;
        for (uint32_t i = from; i < n->n; i++) {
            const ev_node *fl = n->kid[i];
            if (fl->flag && n->kind == N_MAP)
                return comp_error(err, fl, "only association operators '=>' "
                                           "are allowed in map construction");
            if (comp_kids(c, fl, 0, err) < 0)
                return -1;
        }
        emit(c, n->kind == N_MAP ? I_MAP : I_MAPUPD, n->n - from, 0, n);
        return 0;
    }
    case N_BIN:
        /* eval_bits:expr_grp: each segment's value and size, then its
         * bits (or its error), before the next segment's */
        for (uint32_t i = 0; i < n->n; i++) {
            if (comp_kids(c, n->kid[i], 0, err) < 0)
                return -1;
            emit(c, I_BINSEG, i + 1, 0, n->kid[i]);
        }
        emit(c, I_BIN, n->n, 0, n);
        return 0;
    case N_MATCH:
        if (comp(c, n->kid[1], err) < 0)
            return -1;
        emit(c, I_MATCH, 0, 0, n->kid[0]);
        return 0;
    case N_SEND:
        if (comp_kids(c, n, 0, err) < 0)
            return -1;
        emit(c, I_SEND, 0, 0, n);
        return 0;
    case N_CALL:
        return comp_call(c, n, err);
    case N_OP2:
    case N_OP1:
        if (comp_kids(c, n, 0, err) < 0)
            return -1;
        emit(c, n->kind == N_OP2 ? I_OP2 : I_OP1, n->op, 0, n);
        return 0;
    case N_ANDALSO:
    case N_ORELSE: {
        if (comp(c, n->kid[0], err) < 0)
            return -1;
        uint32_t test = emit(c, n->kind == N_ANDALSO ? I_ANDALSO : I_ORELSE,
                             0, 0, n);
        /* erl_eval drops what the right operand binds */
        emit(c, I_SCOPE_PUSH, 0, 0, NULL);
        if (comp(c, n->kid[1], err) < 0)
            return -1;
        emit(c, I_SCOPE_POP, 0, 0, NULL);
        c->ins[test].a = c->nins;
        return 0;
    }
    case N_CATCH: {
        uint32_t at = emit(c, I_CATCH, 0, 0, n);
        if (comp(c, n->kid[0], err) < 0)
            return -1;
        emit(c, I_CATCH_END, 0, 0, NULL);
        c->ins[at].a = c->nins;
        return 0;
    }
    case N_CASE: {
        uint32_t nc = n->n - 1, labels = new_labels(c, nc);
        if (comp(c, n->kid[0], err) < 0)
            return -1;
        emit(c, I_CASE, labels, nc, n);
        return comp_bodies(c, n, 1, nc, NULL, labels, err);
    }
    case N_IF: {
        uint32_t labels = new_labels(c, n->n);
        emit(c, I_IF, labels, n->n, n);
        return comp_bodies(c, n, 0, n->n, NULL, labels, err);
    }
    case N_RECEIVE: {
        bool after = n->flag != 0;
        uint32_t nc = n->n - (after ? 2 : 0);
        uint32_t labels = new_labels(c, nc + (after ? 1 : 0));
        if (after && comp(c, n->kid[nc], err) < 0)
            return -1;
        emit(c, I_RECV, labels, nc, n);
        return comp_bodies(c, n, 0, nc, after ? n->kid[nc + 1] : NULL,
                           labels, err);
    }
    case N_SEQ:
        return comp_seq(c, n, false, err);
    case N_LC:
        /* what the comprehension binds is dropped after it */
        emit(c, I_SCOPE_PUSH, 0, 0, NULL);
        emit(c, I_CONST, 0, 0, nil_node(c, n));
        if (comp_quals(c, n, 1, 0, NO_LOOP, err) < 0)
            return -1;
        emit(c, I_LC_END, (uint32_t)n->flag, 0, NULL);
        emit(c, I_SCOPE_POP, 0, 0, NULL);
        return 0;
    case N_TRY:
        return comp_try(c, n, err);
    case N_FUN: {
        /* the closure, then its clause bodies out of line, each ending
         * in I_RETURN (a call just before it is a tail call) */
        uint32_t labels = new_labels(c, n->n);
        emit(c, I_FUN, labels, n->n, n);
        uint32_t skip = emit(c, I_JMP, 0, 0, NULL);
        for (uint32_t i = 0; i < n->n; i++) {
            c->labels[labels + i] = c->nins;
            if (comp_seq(c, n->kid[i]->kid[2], false, err) < 0)
                return -1;
            emit(c, I_RETURN, 0, 0, NULL);
        }
        c->ins[skip].a = c->nins;
        return 0;
    }
    default:
        return comp_error(err, n, "illegal expression");
    }
}

static ev_node *lit_node(ev_code *c, const ev_node *at, term *t)
{
    ev_node *l = ev__node(c, N_LIT, at->line, at->col, 0);
    l->lit = ev__pool(c, t);
    return l;
}

static ev_node *nil_node(ev_code *c, const ev_node *at)
{
    return lit_node(c, at, term_nil());
}

static ev_node *zero_node(ev_code *c, const ev_node *at)
{
    return lit_node(c, at, term_int(0));
}

/* Qualifiers i.. of comprehension n, then its template, with `gens`
 * generator lists on the stack above the accumulator. `loop` is the
 * I_GEN of the innermost generator, where a false filter goes on with
 * the next element (NO_LOOP: none, the filter skips to the end), as
 * erl_eval's eval_lc1. */
static int comp_quals(ev_code *c, const ev_node *n, uint32_t i,
                      uint32_t gens, uint32_t loop, ev_error *err)
{
    if (i == n->n) {
        if (comp(c, n->kid[0], err) < 0)
            return -1;
        emit(c, I_LC_PUT, gens, (uint32_t)n->flag, NULL);
        return 0;
    }
    const ev_node *q = n->kid[i];
    if (q->kind == N_GEN) {
        /* a binary generator also keeps its position (from 0) */
        uint32_t slots = q->flag ? 2 : 1;
        if (comp(c, q->kid[1], err) < 0)
            return -1;
        if (q->flag)
            emit(c, I_CONST, 0, 0, zero_node(c, q));
        emit(c, I_SCOPE_PUSH, 0, 0, NULL);
        uint32_t gen = emit(c, I_GEN, 0, 0, q);
        if (comp_quals(c, n, i + 1, gens + slots, gen, err) < 0)
            return -1;
        emit(c, I_JMP, gen, 0, NULL);
        c->ins[gen].a = c->nins;
        return 0;
    }
    uint32_t test;
    if (q->flag) {
        test = emit(c, I_GFILTER, 0, 0, q->kid[0]);
    } else {
        if (comp(c, q->kid[0], err) < 0)
            return -1;
        test = emit(c, I_FILTER, 0, 0, q);
    }
    if (comp_quals(c, n, i + 1, gens, loop, err) < 0)
        return -1;
    c->ins[test].a = loop != NO_LOOP ? loop : c->nins;
    return 0;
}

/* try: the body under a handler (I_TRY) whose catch clauses run with the
 * bindings of before the try; the of clauses after the handler is gone
 * (an exception in them is not caught); with an after body, the whole
 * under a second handler that runs it, then raises again, and the after
 * body on the way out otherwise, its value dropped (erl_eval's try). */
static int comp_try(ev_code *c, const ev_node *n, ev_error *err)
{
    uint32_t nof = EV_TRY_NOF(n->flag), ncatch = EV_TRY_NCATCH(n->flag);
    const ev_node *after = EV_TRY_AFTER(n->flag) ? n->kid[n->n - 1] : NULL;
    uint32_t hafter = 0, hcatch = 0, join = 0;
    if (after)
        hafter = emit(c, I_TRY, 0, 0, n);
    if (ncatch)
        hcatch = emit(c, I_TRY, 0, 0, n);
    if (comp_seq(c, n->kid[0], false, err) < 0)
        return -1;
    if (ncatch)
        emit(c, I_CATCH_END, 0, 0, NULL);
    if (nof) {
        uint32_t labels = new_labels(c, nof);
        emit(c, I_CASE, labels, nof, n);
        if (comp_bodies(c, n, 1, nof, NULL, labels, err) < 0)
            return -1;
    }
    if (ncatch) {
        join = emit(c, I_JMP, 0, 0, NULL);
        c->ins[hcatch].a = c->nins;
        uint32_t labels = new_labels(c, ncatch);
        emit(c, I_TRY_CATCH, labels, ncatch, n);
        if (comp_bodies(c, n, 1 + nof, ncatch, NULL, labels, err) < 0)
            return -1;
        c->ins[join].a = c->nins;
    }
    if (after) {
        emit(c, I_CATCH_END, 0, 0, NULL);
        if (comp_seq(c, after, false, err) < 0)
            return -1;
        emit(c, I_POP, 0, 0, NULL);
        uint32_t out = emit(c, I_JMP, 0, 0, NULL);
        c->ins[hafter].a = c->nins;
        emit(c, I_POP, 0, 0, NULL);
        if (comp_seq(c, after, false, err) < 0)
            return -1;
        emit(c, I_POP, 0, 0, NULL);
        emit(c, I_RERAISE, 0, 0, NULL);
        c->ins[out].a = c->nins;
    }
    return 0;
}

/* ---- entry points ---- */

static ev_code *compile(const char *src, bool pattern, ev_error *err)
{
    ev_tokens toks;
    memset(err, 0, sizeof *err);
    if (ev__lex(src, &toks, err) < 0)
        return NULL;
    ev_code *c = xcalloc(1, sizeof *c);
    c->rc = 1;
    c->is_pattern = pattern;
    int rc = ev__parse(c, &toks, pattern, err);
    ev__tokens_free(&toks);
    if (rc == 0 && !pattern) {
        rc = comp_seq(c, c->root, true, err);
        if (rc == 0)
            emit(c, I_RET, 0, 0, NULL);
    }
    if (rc < 0) {
        ev_code_free(c);
        return NULL;
    }
    return c;
}

/* Compiles every function of c->mod; see eval_ast.h. Each function's
 * clause bodies end in I_RETURN, as a fun's. */
int ev__comp_module(ev_code *c, ev_error *err)
{
    for (uint32_t k = 0; k < c->mod->nfn; k++) {
        const ev_node *n = c->mod->fn[k].fun;
        uint32_t labels = new_labels(c, n->n);
        term_closure *clo = c->mod->fn[k].value->u.fun.clo;
        clo->entry = labels;
        for (uint32_t i = 0; i < n->n; i++) {
            c->labels[labels + i] = c->nins;
            if (comp_seq(c, n->kid[i]->kid[2], false, err) < 0)
                return -1;
            emit(c, I_RETURN, 0, 0, NULL);
        }
    }
    return 0;
}

/* Compiles an expression sequence; see eval.h. */
ev_code *ev_compile(const char *src, ev_error *err)
{
    return compile(src, false, err);
}

/* Compiles a pattern; see eval.h. */
ev_code *ev_compile_pattern(const char *src, ev_error *err)
{
    return compile(src, true, err);
}

ev_code *ev_code_hold(ev_code *c)
{
    ev__code_hold(c);
    return c;
}

/* One more hold (a fun made from c keeps it alive); see eval_ast.h. */
void ev__code_hold(const ev_code *c)
{
    ((ev_code *)c)->rc++;    /* the count is not part of the code's value */
}

/* Drops a hold; the last frees the code and every term it holds. NULL is
 * fine. */
void ev_code_free(ev_code *c)
{
    if (!c || --c->rc > 0)
        return;
    for (size_t i = 0; i < c->npool; i++)
        term_unref(c->pool[i]);
    free(c->pool);
    free(c->ins);
    free(c->labels);
    ev__arena_free(&c->arena);
    free(c);
}

/* ---- variable checks ---- */

typedef struct lvar {
    atom_t name;
    bool unsafe;
    const char *what;    /* unsafe in 'case', 'catch', ... */
    int line, col;       /* where that construct starts */
} lvar;

typedef struct lvt {
    lvar *v;
    uint32_t n, cap;
} lvt;

typedef struct lint_ctx {
    ev_error *err;
    term **reason;
    bool failed;
    bool module;         /* a module's function: f(X) is no shell command */
    const lvt *outer;    /* while a head of fresh variables (fun,
                          * generator) is checked: what its binary
                          * segments' sizes may use */
} lint_ctx;

static lvar *lvt_find(const lvt *t, atom_t name)
{
    for (uint32_t i = 0; i < t->n; i++)
        if (t->v[i].name == name)
            return &t->v[i];
    return NULL;
}

/* Adds or replaces; an unsafe state is never replaced by a bound one
 * (erl_lint's merge_state). */
static void lvt_put(lvt *t, const lvar *v)
{
    lvar *old = lvt_find(t, v->name);
    if (old) {
        if (!old->unsafe)
            *old = *v;
        return;
    }
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 8;
        t->v = xrealloc(t->v, t->cap * sizeof *t->v);
    }
    t->v[t->n++] = *v;
}

static void lvt_merge(lvt *dst, const lvt *src)
{
    for (uint32_t i = 0; i < src->n; i++)
        lvt_put(dst, &src->v[i]);
}

/* dst = a, then b's entries over it (erl_lint's vtupdate). */
static void lvt_update(lvt *dst, const lvt *a, const lvt *b)
{
    dst->n = 0;
    lvt_merge(dst, a);
    for (uint32_t i = 0; i < b->n; i++) {
        lvar *old = lvt_find(dst, b->v[i].name);
        if (old)
            *old = b->v[i];
        else
            lvt_put(dst, &b->v[i]);
    }
}

static void lvt_free(lvt *t)
{
    free(t->v);
    memset(t, 0, sizeof *t);
}

static bool lint_fail(lint_ctx *L, const ev_node *at, const lvar *unsafe)
{
    strbuf b;
    sb_init(&b);
    sb_puts(&b, "variable ");
    term_print_atom(&b, at->name);
    if (unsafe) {
        sb_printf(&b, " unsafe in '%s' (line %d, column %d)", unsafe->what,
                  unsafe->line, unsafe->col);
        *L->reason = term_tuplev(
            3, term_atom_s("unsafe_var"), term_atom(at->name),
            term_tuplev(2, term_atom_s(unsafe->what),
                        term_tuplev(2, term_int(unsafe->line),
                                    term_int(unsafe->col))));
    } else {
        sb_puts(&b, " is unbound");
        *L->reason = term_tuplev(2, term_atom_s("unbound"), term_atom(at->name));
    }
    L->err->line = at->line;
    L->err->col = at->col;
    snprintf(L->err->msg, sizeof L->err->msg, "%s", b.s);
    sb_fini(&b);
    L->failed = true;
    return false;
}

static bool lint(lint_ctx *L, const ev_node *n, const lvt *vt, lvt *out);

static bool use_var(lint_ctx *L, const ev_node *n, const lvt *vt)
{
    const lvar *v = lvt_find(vt, n->name);
    if (!v)
        return lint_fail(L, n, NULL);
    if (v->unsafe)
        return lint_fail(L, n, v);
    return true;
}

/* Variables of pattern p: known ones are uses, others go to pnew. */
static bool lint_pattern(lint_ctx *L, const ev_node *p, const lvt *vt, lvt *pnew)
{
    switch ((ev_kind)p->kind) {
    case N_VAR: {
        if (lvt_find(pnew, p->name))
            return true;
        const lvar *v = lvt_find(vt, p->name);
        if (v)
            return v->unsafe ? lint_fail(L, p, v) : true;
        lvar nv = { p->name, false, NULL, 0, 0 };
        lvt_put(pnew, &nv);
        return true;
    }
    case N_TUPLE:
    case N_CONS:
    case N_MATCH:
        for (uint32_t i = 0; i < p->n; i++)
            if (!lint_pattern(L, p->kid[i], vt, pnew))
                return false;
        return true;
    case N_MAP:
        for (uint32_t i = 0; i < p->n; i++) {
            lvt ignore = { 0 };
            bool ok = lint(L, p->kid[i]->kid[0], vt, &ignore);
            lvt_free(&ignore);
            if (!ok || !lint_pattern(L, p->kid[i]->kid[1], vt, pnew))
                return false;
        }
        return true;
    case N_BIN: {
        /* erl_lint's pattern_bin: a size uses what was bound before the
         * pattern and what the segments before it bind */
        lvt seen = { 0 };
        lvt_merge(&seen, L->outer ? L->outer : vt);
        bool ok = true;
        for (uint32_t i = 0; ok && i < p->n; i++) {
            const ev_node *seg = p->kid[i], *v = seg->kid[0];
            if (seg->n > 1) {
                lvt ignore = { 0 };
                ok = lint(L, seg->kid[1], &seen, &ignore);
                lvt_free(&ignore);
            }
            ok = ok && lint_pattern(L, v, vt, pnew);
            if (ok && v->kind == N_VAR && !lvt_find(&seen, v->name)) {
                lvar nv = { v->name, false, NULL, 0, 0 };
                lvt_put(&seen, &nv);
            }
        }
        lvt_free(&seen);
        return ok;
    }
    default:
        return true;
    }
}

/* Each kid against the same vt; their bindings merged (expr_list). */
static bool lint_list(lint_ctx *L, const ev_node *n, uint32_t from,
                      const lvt *vt, lvt *out)
{
    for (uint32_t i = from; i < n->n; i++) {
        if (!n->kid[i])
            continue;
        lvt e = { 0 };
        bool ok = lint(L, n->kid[i], vt, &e);
        lvt_merge(out, &e);
        lvt_free(&e);
        if (!ok)
            return false;
    }
    return true;
}

static bool lint_seq(lint_ctx *L, const ev_node *n, const lvt *vt, lvt *out)
{
    lvt cur = { 0 }, tmp = { 0 };
    lvt_merge(&cur, vt);
    bool ok = true;
    for (uint32_t i = 0; ok && i < n->n; i++) {
        lvt e = { 0 };
        ok = lint(L, n->kid[i], &cur, &e);
        lvt_update(&tmp, &cur, &e);
        lvt swap = cur;
        cur = tmp;
        tmp = swap;
        lvt_merge(out, &e);
        lvt_free(&e);
    }
    lvt_free(&cur);
    lvt_free(&tmp);
    return ok;
}

/* One clause: head, guard, body; its new variables into out. */
static bool lint_clause(lint_ctx *L, const ev_node *c, const lvt *vt, lvt *out)
{
    lvt vt1 = { 0 };
    bool ok = true;
    if (c->kid[0])
        ok = lint_pattern(L, c->kid[0], vt, out);
    lvt_update(&vt1, vt, out);
    if (ok && c->kid[1]) {
        for (uint32_t i = 0; ok && i < c->kid[1]->n; i++) {
            lvt ignore = { 0 };
            ok = lint_list(L, c->kid[1]->kid[i], 0, &vt1, &ignore);
            lvt_free(&ignore);
        }
    }
    if (ok)
        ok = lint_seq(L, c->kid[2], &vt1, out);
    lvt_free(&vt1);
    return ok;
}

/* icrt_export: a variable new in every one of the k sets is bound after
 * the construct, one new in only some is unsafe in it. */
static void lint_export(lvt *sets, uint32_t k, const ev_node *at,
                        const char *what, lvt *out)
{
    for (uint32_t s = 0; s < k; s++) {
        for (uint32_t i = 0; i < sets[s].n; i++) {
            lvar v = sets[s].v[i];
            uint32_t count = 0;
            for (uint32_t t = 0; t < k; t++) {
                const lvar *w = lvt_find(&sets[t], v.name);
                if (w) {
                    count++;
                    if (w->unsafe && !v.unsafe)
                        v = *w;
                }
            }
            if (count < k) {
                v.unsafe = true;
                v.what = what;
                v.line = at->line;
                v.col = at->col;
            }
            lvt_put(out, &v);
        }
    }
}

static bool lint_clauses(lint_ctx *L, const ev_node *n, uint32_t first,
                         uint32_t nc, const lvt *vt, lvt *pre, uint32_t npre,
                         const char *what, lvt *out)
{
    uint32_t k = npre + nc;
    lvt *sets = xcalloc(k ? k : 1, sizeof *sets);
    for (uint32_t i = 0; i < npre; i++)
        sets[i] = pre[i];
    bool ok = true;
    for (uint32_t i = 0; ok && i < nc; i++)
        ok = lint_clause(L, n->kid[first + i], vt, &sets[npre + i]);
    if (ok)
        lint_export(sets, k, n, what, out);
    for (uint32_t i = npre; i < k; i++)
        lvt_free(&sets[i]);
    free(sets);
    return ok;
}

/* Marks the variables of `e` that vt does not know as unsafe. */
static void lint_unsafe(lvt *e, const lvt *vt, const ev_node *at,
                        const char *what, lvt *out)
{
    for (uint32_t i = 0; i < e->n; i++) {
        lvar v = e->v[i];
        if (lvt_find(vt, v.name))
            continue;
        v.unsafe = true;
        v.what = what;
        v.line = at->line;
        v.col = at->col;
        lvt_put(out, &v);
    }
}

/* A fun: its body sees the outer variables, its name and its head's
 * variables (fresh: they shadow outer ones, as erl_lint's fun_clauses);
 * nothing it binds is visible after it. */
static bool lint_fun(lint_ctx *L, const ev_node *n, const lvt *vt)
{
    bool ok = true;
    for (uint32_t i = 0; ok && i < n->n; i++) {
        const ev_node *cl = n->kid[i];
        lvt vt1 = { 0 }, head = { 0 }, none = { 0 }, vt2 = { 0 }, ignore = { 0 };
        lvt_merge(&vt1, vt);
        if (n->name) {
            lvar self = { n->name, false, NULL, 0, 0 };
            lvt_update(&vt2, &vt1, &(lvt){ &self, 1, 1 });
            lvt_free(&vt1);
            vt1 = vt2;
            vt2 = (lvt){ 0 };
        }
        L->outer = &vt1;
        ok = lint_pattern(L, cl->kid[0], &none, &head);
        L->outer = NULL;
        lvt_update(&vt2, &vt1, &head);
        for (uint32_t g = 0; ok && cl->kid[1] && g < cl->kid[1]->n; g++)
            ok = lint_list(L, cl->kid[1]->kid[g], 0, &vt2, &ignore);
        if (ok)
            ok = lint_seq(L, cl->kid[2], &vt2, &ignore);
        lvt_free(&vt1);
        lvt_free(&head);
        lvt_free(&vt2);
        lvt_free(&ignore);
    }
    return ok;
}

static bool lint_lc(lint_ctx *L, const ev_node *n, const lvt *vt);
static bool lint_try(lint_ctx *L, const ev_node *n, const lvt *vt, lvt *out);

static bool lint(lint_ctx *L, const ev_node *n, const lvt *vt, lvt *out)
{
    switch ((ev_kind)n->kind) {
    case N_LIT:
    case N_WILD:
        return true;
    case N_VAR:
        return use_var(L, n, vt);
    case N_TUPLE:
    case N_CONS:
    case N_MAP:
    case N_MAPUPD:
    case N_FIELD:
    case N_BIN:
    case N_BINSEG:
    case N_SEND:
    case N_OP2:
    case N_OP1:
        return lint_list(L, n, 0, vt, out);
    case N_CALL:
        if (!L->module && !n->kid[0] && is_atom_lit(n->kid[1]) && n->n == 3
            && n->kid[2]->kind == N_VAR
            && strcmp(atom_text(n->kid[1]->lit->u.atom), "f") == 0)
            return true;          /* shell:prep_check/1 turns f(X) into ok */
        return lint_list(L, n, 0, vt, out);
    case N_MATCH: {
        lvt evt = { 0 }, vt1 = { 0 };
        bool ok = lint(L, n->kid[1], vt, &evt);
        lvt_update(&vt1, vt, &evt);
        lvt_merge(out, &evt);
        if (ok)
            ok = lint_pattern(L, n->kid[0], &vt1, out);
        lvt_free(&evt);
        lvt_free(&vt1);
        return ok;
    }
    case N_SEQ:
        return lint_seq(L, n, vt, out);
    case N_CASE: {
        lvt evt = { 0 }, vt1 = { 0 };
        bool ok = lint(L, n->kid[0], vt, &evt);
        lvt_update(&vt1, vt, &evt);
        lvt_merge(out, &evt);
        if (ok)
            ok = lint_clauses(L, n, 1, n->n - 1, &vt1, NULL, 0, "case", out);
        lvt_free(&evt);
        lvt_free(&vt1);
        return ok;
    }
    case N_IF:
        return lint_clauses(L, n, 0, n->n, vt, NULL, 0, "if", out);
    case N_RECEIVE: {
        if (!n->flag)
            return lint_clauses(L, n, 0, n->n, vt, NULL, 0, "receive", out);
        uint32_t nc = n->n - 2;
        lvt tvt = { 0 }, tevt = { 0 };
        bool ok = lint(L, n->kid[nc], vt, &tvt)
            && lint_seq(L, n->kid[nc + 1], vt, &tevt);
        if (ok) {
            lvt_merge(out, &tvt);
            lvt rvt = { 0 };
            ok = lint_clauses(L, n, 0, nc, vt, &tevt, 1, "receive", &rvt);
            lvt_merge(out, &rvt);
            lvt_free(&rvt);
        }
        lvt_free(&tvt);
        lvt_free(&tevt);
        return ok;
    }
    case N_CATCH: {
        lvt evt = { 0 };
        bool ok = lint(L, n->kid[0], vt, &evt);
        lint_unsafe(&evt, vt, n, "catch", out);
        lvt_free(&evt);
        return ok;
    }
    case N_FUN:
        return lint_fun(L, n, vt);
    case N_LC:
        return lint_lc(L, n, vt);
    case N_TRY:
        return lint_try(L, n, vt, out);
    case N_ANDALSO:
    case N_ORELSE: {
        lvt evt1 = { 0 }, vt1 = { 0 }, evt2 = { 0 };
        bool ok = lint(L, n->kid[0], vt, &evt1);
        lvt_update(&vt1, vt, &evt1);
        if (ok)
            ok = lint(L, n->kid[1], &vt1, &evt2);
        lvt_merge(out, &evt1);
        lint_unsafe(&evt2, &vt1, n,
                    n->kind == N_ANDALSO ? "andalso" : "orelse", out);
        lvt_free(&evt1);
        lvt_free(&vt1);
        lvt_free(&evt2);
        return ok;
    }
    default:
        return true;
    }
}

/* A comprehension (erl_lint's lc_quals): each qualifier sees what the
 * ones before it bound, a generator's pattern variables are fresh; the
 * template sees them all; nothing is visible after it. */
static bool lint_lc(lint_ctx *L, const ev_node *n, const lvt *vt)
{
    lvt cur = { 0 }, tmp = { 0 };
    lvt_merge(&cur, vt);
    bool ok = true;
    for (uint32_t i = 1; ok && i <= n->n; i++) {
        const ev_node *q = i < n->n ? n->kid[i] : n->kid[0];
        lvt e = { 0 }, none = { 0 }, ignore = { 0 };
        if (q->kind == N_GEN) {
            ok = lint(L, q->kid[1], &cur, &ignore);
            L->outer = &cur;
            ok = ok && lint_pattern(L, q->kid[0], &none, &e);
            L->outer = NULL;
        } else if (q->kind == N_FILTER) {
            ok = lint(L, q->flag ? q->kid[0]->kid[0]->kid[0] : q->kid[0],
                      &cur, &e);
        } else {
            ok = lint(L, q, &cur, &ignore);
        }
        lvt_update(&tmp, &cur, &e);
        lvt swap = cur;
        cur = tmp;
        tmp = swap;
        lvt_free(&e);
        lvt_free(&ignore);
    }
    lvt_free(&cur);
    lvt_free(&tmp);
    return ok;
}

/* erl_lint's {stacktrace_bound, V}: the Stack of Class:Reason:Stack
 * must be a new variable. */
static bool lint_stack_bound(lint_ctx *L, const ev_node *v)
{
    strbuf b;
    sb_init(&b);
    sb_puts(&b, "stacktrace variable ");
    term_print_atom(&b, v->name);
    sb_puts(&b, " must not be previously bound");
    *L->reason = term_tuplev(2, term_atom_s("stacktrace_bound"),
                             term_atom(v->name));
    L->err->line = v->line;
    L->err->col = v->col;
    snprintf(L->err->msg, sizeof L->err->msg, "%s", b.s);
    sb_fini(&b);
    L->failed = true;
    return false;
}

/* try (erl_lint's try rules, simplified): the of clauses see what the
 * body bound; the catch clauses and the after body see only what was
 * bound before the try; whatever the try binds is unsafe after it. */
static bool lint_try(lint_ctx *L, const ev_node *n, const lvt *vt, lvt *out)
{
    uint32_t nof = EV_TRY_NOF(n->flag), ncatch = EV_TRY_NCATCH(n->flag);
    lvt evt = { 0 }, vt1 = { 0 }, all = { 0 };
    bool ok = lint_seq(L, n->kid[0], vt, &evt);
    lvt_update(&vt1, vt, &evt);
    lvt_merge(&all, &evt);
    for (uint32_t i = 0; ok && i < nof + ncatch; i++) {
        const ev_node *stack = i < nof ? NULL : n->kid[1 + i]->kid[0]->kid[2];
        if (stack && stack->kind == N_VAR && lvt_find(vt, stack->name))
            ok = lint_stack_bound(L, stack);
        else
            ok = lint_clause(L, n->kid[1 + i], i < nof ? &vt1 : vt, &all);
    }
    if (ok && EV_TRY_AFTER(n->flag))
        ok = lint_seq(L, n->kid[n->n - 1], vt, &all);
    if (ok)
        lint_unsafe(&all, vt, n, "try", out);
    lvt_free(&evt);
    lvt_free(&vt1);
    lvt_free(&all);
    return ok;
}

/* Checks the variables of one top-level expression against env; see
 * eval_ast.h. On failure fills err ("variable 'X' is unbound") and
 * *reason (a new {unbound,'X'} or {unsafe_var,...}). */
bool ev__lint(const ev_node *expr, const ev_env *env, ev_error *err,
              term **reason)
{
    lvt vt = { 0 }, out = { 0 };
    for (uint32_t i = 0; i < ev__env_count(env); i++) {
        lvar v = { ev__env_name_at(env, i), false, NULL, 0, 0 };
        lvt_put(&vt, &v);
    }
    lint_ctx L = { err, reason, false, false, NULL };
    bool ok = lint(&L, expr, &vt, &out);
    lvt_free(&vt);
    lvt_free(&out);
    return ok;
}

/* The variables of a module's function (N_FUN); see eval_ast.h. */
bool ev__lint_function(const ev_node *fun, ev_error *err)
{
    lvt none = { 0 };
    term *reason = NULL;
    lint_ctx L = { err, &reason, false, true, NULL };
    bool ok = lint_fun(&L, fun, &none);
    term_unref(reason);
    return ok;
}
