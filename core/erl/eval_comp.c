/* eval_comp: compiling the syntax tree to the VM's bytecode, and the
 * ev_compile / ev_compile_pattern entry points. The variable checks the
 * shell runs before each expression (I_LINT) are erl_lint's, in
 * eval_lint.c.
 *
 * Bytecode invariants: every compiled expression leaves exactly one value
 * on the VM's stack; a case / if / receive keeps its clause bodies'
 * entry points in code->labels[a .. a+b) (receive: the after body last);
 * patterns and guards stay trees (eval_match.c). */
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
        if (c->mod && m && argc == 2 && m->lit->u.atom == atom_intern("maps")
            && f->lit->u.atom == atom_intern("get")) {
            /* erlc compiles maps:get/2 as the BIF erlang:map_get/2, which
             * is what a failing call names ("in function  map_get/2") */
            ev_node *call = ev__node(c, N_CALL, n->line, n->col, n->n);
            memcpy(call->kid, n->kid, n->n * sizeof *n->kid);
            call->kid[0] = ev__node(c, N_LIT, m->line, m->col, 0);
            call->kid[0]->lit = ev__pool(c, term_atom_s("erlang"));
            call->kid[1] = ev__node(c, N_LIT, f->line, f->col, 0);
            call->kid[1]->lit = ev__pool(c, term_atom_s("map_get"));
            n = call;
        }
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
