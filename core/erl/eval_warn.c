/* eval_warn: the warnings erlc 25 prints by default from its optimisation
 * passes after a clean erl_lint, as sys_core_fold finds them in the Core
 * Erlang that v3_core makes of a function:
 * - a value computed and dropped: "a term is constructed, but never
 *   used" for a term built (a literal other than an atom or [] too), "the
 *   result of evaluating operator '*'/2 is ignored (...)" and "the result
 *   of calling length/1 is ignored (...)" for a pure BIF, "use of operator
 *   '==' has no effect" and "the call to self/0 has no effect" for a BIF
 *   that can neither fail nor act (erl_bifs:is_pure/3 and is_safe/3);
 * - an operator or a pure BIF whose arguments are constants and that
 *   fails: "evaluation of operator '+'/2 will fail with a 'badarith'
 *   exception", "the call to element/2 will fail with a 'badarg'
 *   exception" (sys_core_fold evaluates it at compile time);
 * - clauses that cannot match: after one that matches anything ("this
 *   clause for f/1 cannot match because a previous clause at line 4
 *   always matches"; sys_core_fold:clauses/6), and one whose guard is
 *   false.
 *
 * A value is dropped where Core's is: every expression of a body but
 * the last (the last too when the body's own value is dropped: a case in
 * such a place passes it on to its clauses' bodies, andalso / orelse to
 * their right operand, a comprehension to its template), the value bound
 * to a variable no one uses (V = E, the lint's facts), and the elements
 * of a dropped term (make_effect_seq, but for the simple ones: variables,
 * literals, safe tests of them). `_ = E` and `_V = E` drop E's value
 * silently. A fun dropped is not looked into; catch and try keep their
 * values.
 *
 * What erlc would also see and this does not (tests/test_eval_lint.c
 * shows some): constants propagated through variables (X = 2, X + a), a
 * match of a tuple against a tuple split element by element ({ok, Z} =
 * {ok, X * 2}), a clause that a tuple pattern makes always match, a
 * clause after one with the same literal patterns (v3_kernel's), a guard
 * that fails on constants, and BIFs the evaluator does not run (not
 * folded, but setelement/3).
 *
 * Invariants: the walk returns the value of each expression it can fold
 * (a new reference) or NULL; each node is walked at most once, so each
 * warning is given once; clauses after one that always matches are not
 * walked (sys_core_fold drops them). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/erl/eval_ast.h"
#include "core/term/xalloc.h"

/* erl_bifs of OTP 25 beyond the operators: is_safe/3 (no side effect,
 * cannot fail), then is_pure/3 but not safe (no side effect). */
static const char safe_bifs[] =
    " erlang:date/0 erlang:get/0 erlang:get/1 erlang:get_cookie/0"
    " erlang:get_keys/1 erlang:group_leader/0 erlang:is_alive/0"
    " erlang:is_atom/1 erlang:is_binary/1 erlang:is_bitstring/1"
    " erlang:is_boolean/1 erlang:is_float/1 erlang:is_function/1"
    " erlang:is_integer/1 erlang:is_list/1 erlang:is_map/1 erlang:is_number/1"
    " erlang:is_pid/1 erlang:is_port/1 erlang:is_reference/1 erlang:is_tuple/1"
    " erlang:make_ref/0 erlang:max/2 erlang:min/2 erlang:node/0 erlang:nodes/0"
    " erlang:ports/0 erlang:pre_loaded/0 erlang:processes/0"
    " erlang:registered/0 erlang:self/0 erlang:term_to_binary/1 erlang:time/0 ";
static const char pure_bifs[] =
    " erlang:abs/1 erlang:atom_to_binary/1 erlang:atom_to_binary/2"
    " erlang:atom_to_list/1 erlang:binary_part/2 erlang:binary_part/3"
    " erlang:binary_to_atom/1 erlang:binary_to_atom/2 erlang:binary_to_float/1"
    " erlang:binary_to_integer/1 erlang:binary_to_list/1"
    " erlang:binary_to_list/3 erlang:bit_size/1 erlang:byte_size/1"
    " erlang:ceil/1 erlang:element/2 erlang:float/1 erlang:float_to_binary/1"
    " erlang:float_to_list/1 erlang:floor/1 erlang:hd/1"
    " erlang:integer_to_binary/1 erlang:integer_to_list/1"
    " erlang:is_function/2 erlang:is_map_key/2 erlang:is_record/2"
    " erlang:is_record/3 erlang:length/1 erlang:list_to_atom/1"
    " erlang:list_to_binary/1 erlang:list_to_float/1 erlang:list_to_integer/1"
    " erlang:list_to_integer/2 erlang:list_to_pid/1 erlang:list_to_tuple/1"
    " erlang:make_fun/3 erlang:map_get/2 erlang:pid_to_list/1 erlang:round/1"
    " erlang:setelement/3 erlang:size/1 erlang:split_binary/2 erlang:tl/1"
    " erlang:trunc/1 erlang:tuple_size/1 erlang:tuple_to_list/1 math:acos/1"
    " math:acosh/1 math:asin/1 math:asinh/1 math:atan/1 math:atan2/2"
    " math:atanh/1 math:ceil/1 math:cos/1 math:cosh/1 math:erf/1 math:erfc/1"
    " math:exp/1 math:floor/1 math:fmod/2 math:log/1 math:log10/1 math:log2/1"
    " math:pi/0 math:pow/2 math:sin/1 math:sinh/1 math:sqrt/1 math:tan/1"
    " math:tanh/1 lists:append/2 lists:subtract/2 maps:get/2 maps:is_key/2"
    " maps:new/0 ";

static bool in_table(const char *table, atom_t mod, atom_t fun, uint32_t arity)
{
    char key[200];
    int n = snprintf(key, sizeof key, " %s:%s/%u ", atom_text(mod),
                     atom_text(fun), arity);
    return n > 0 && (size_t)n < sizeof key && strstr(table, key);
}

/* Where the value of an expression goes. */
typedef enum wmode {
    W_VALUE,                 /* used */
    W_EFFECT,                /* dropped */
    W_ELEM,                  /* dropped after the compiler has folded it
                              * for its value (an element of a dropped
                              * term, the value of an unused variable):
                              * what folded to a constant, or failed, is
                              * no longer there to warn of */
    W_DATA                   /* as W_ELEM, bound to a variable that was the
                              * value of a dropped body (V = E last):
                              * sys_core_fold's maybe_suppress_warnings
                              * silences its tuples and lists */
} wmode;

static bool folded_first(wmode m)
{
    return m == W_ELEM || m == W_DATA;
}

enum { CK_FUNCTION, CK_FUN, CK_CASE, CK_IF, CK_CATCH };

typedef struct wctx {
    const ev_module *m;
    const ev_func *fn;
    const ev_lint_facts *facts;
    const ev_sink *sink;
    int quiet;               /* inside `_ = E`: no warning about values */
} wctx;

static void put(wctx *W, const ev_node *at, strbuf *b)
{
    W->sink->put(W->sink->ctx, true, at->line, at->col, b->s);
    sb_fini(b);
}

/* A warning about a value (dropped, or failing), unless quiet. */
static void value_warning(wctx *W, const ev_node *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void value_warning(wctx *W, const ev_node *at, const char *fmt, ...)
{
    if (W->quiet)
        return;
    char buf[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    W->sink->put(W->sink->ctx, true, at->line, at->col, buf);
}

static void constructed(wctx *W, const ev_node *at)
{
    value_warning(W, at, "a term is constructed, but never used");
}

static bool is_atom_node(const ev_node *n)
{
    return n->kind == N_LIT && n->lit->tag == T_ATOM;
}

/* The erlang or library function a call names, as the compiler resolves
 * it: not the module's own functions; false when unknown. */
static bool call_target(const wctx *W, const ev_node *n, atom_t *mod,
                        atom_t *fun)
{
    const ev_node *m = n->kid[0], *f = n->kid[1];
    uint32_t argc = n->n - 2;
    if (!is_atom_node(f) || (m && !is_atom_node(m)))
        return false;
    *fun = f->lit->u.atom;
    if (m) {
        *mod = m->lit->u.atom;
        return true;
    }
    if (ev__mod_find(W->m, *fun, argc) >= 0)
        return false;
    *mod = ev__mod_import(W->m, *fun, argc);
    if (!*mod && ev__auto_bif(*fun, argc))
        *mod = atom_intern("erlang");
    return *mod != 0;
}

/* "element/2" for an auto-imported BIF, "math:sqrt/1" otherwise. */
static void put_mfa(strbuf *b, atom_t mod, atom_t fun, uint32_t arity)
{
    if (mod != atom_intern("erlang") || !ev__auto_bif(fun, arity)) {
        term_print_atom(b, mod);
        sb_putc(b, ':');
    }
    term_print_atom(b, fun);
    sb_printf(b, "/%u", arity);
}

static bool is_comparison(ev_op op)
{
    return op >= OP_EQ && op <= OP_GE;
}

static bool is_bool_lit(const ev_node *n)
{
    return n->kind == N_LIT && (term_is_atom(n->lit, atom_intern("true"))
                                || term_is_atom(n->lit, atom_intern("false")));
}

/* sys_core_fold's is_safe_simple: what a dropped term's element may be
 * to be dropped without a word. */
static bool safe_simple(const wctx *W, const ev_node *n)
{
    switch ((ev_kind)n->kind) {
    case N_VAR:
        return true;
    case N_LIT:              /* a local `fun f/1` is no literal in Core */
        return n->lit->tag != T_FUN || n->lit->u.fun.mod != atom_intern("");
    case N_TUPLE:
    case N_CONS:
        for (uint32_t i = 0; i < n->n; i++)
            if (!safe_simple(W, n->kid[i]))
                return false;
        return true;
    case N_OP1:
        return n->op == OP_NOT && is_bool_lit(n->kid[0]);
    case N_OP2:
        if (n->op == OP_AND || n->op == OP_OR || n->op == OP_XOR)
            return is_bool_lit(n->kid[0]) && is_bool_lit(n->kid[1]);
        return is_comparison((ev_op)n->op) && safe_simple(W, n->kid[0])
            && safe_simple(W, n->kid[1]);
    case N_CALL: {
        atom_t mod, fun;
        if (!call_target(W, n, &mod, &fun) || mod != atom_intern("erlang")
            || !in_table(safe_bifs, mod, fun, n->n - 2))
            return false;
        for (uint32_t i = 2; i < n->n; i++)
            if (!safe_simple(W, n->kid[i]))
                return false;
        return true;
    }
    default:
        return false;
    }
}

/* A term of constants only (a literal in Core). */
static bool is_literal(const ev_node *n)
{
    if (n->kind == N_LIT)
        return n->lit->tag != T_FUN || n->lit->u.fun.mod != atom_intern("");
    if (n->kind != N_TUPLE && n->kind != N_CONS)
        return false;
    for (uint32_t i = 0; i < n->n; i++)
        if (!is_literal(n->kid[i]))
            return false;
    return true;
}

static term *walk(wctx *W, const ev_node *n, wmode mode);
static void walk_seq(wctx *W, const ev_node *seq, wmode last);
static void walk_clauses(wctx *W, const ev_node *n, uint32_t first,
                         uint32_t nc, wmode mode, int kind, bool literal);

/* The arguments of a safe call or a comparison whose value is dropped:
 * each one's value is dropped too, unless it is simple. */
static void walk_dropped_args(wctx *W, const ev_node *n, uint32_t from)
{
    for (uint32_t i = from; i < n->n; i++)
        term_unref(walk(W, n->kid[i],
                        safe_simple(W, n->kid[i]) ? W_VALUE : W_EFFECT));
}

/* A tuple or a list cell; a constant one is one literal. */
static term *walk_build(wctx *W, const ev_node *n, wmode mode)
{
    term *v[2] = { NULL, NULL }, **vs = n->kind == N_TUPLE && n->n > 2
        ? xcalloc(n->n, sizeof *vs) : v;
    bool all = true;
    for (uint32_t i = 0; i < n->n; i++) {
        const ev_node *k = n->kid[i];
        wmode km = mode == W_VALUE || safe_simple(W, k) ? W_VALUE
            : mode == W_DATA && (k->kind == N_TUPLE || k->kind == N_CONS)
            ? W_DATA : W_ELEM;
        vs[i] = walk(W, k, km);
        all = all && vs[i];
    }
    term *r = NULL;
    if (all)
        r = n->kind == N_TUPLE ? term_tuple(n->n, vs) : term_cons(vs[0], vs[1]);
    else
        for (uint32_t i = 0; i < n->n; i++)
            term_unref(vs[i]);
    if (vs != v)
        free(vs);
    if (mode == W_EFFECT || (mode == W_ELEM && !r))
        constructed(W, n);
    return r;
}

/* Folds an operator of constants; a failure (but system_limit, which
 * is clustersim's int64 where erl has bignums) is a warning. */
static term *fold_op(wctx *W, const ev_node *n, term **a, bool *failed)
{
    term *r = NULL;
    ev_exception x = { 0 };
    ev_status s = n->kind == N_OP2 ? ev__op2((ev_op)n->op, a[0], a[1], &r, &x)
                                   : ev__op1((ev_op)n->op, a[0], &r, &x);
    if (s == EV_DONE)
        return r;
    if (x.cls == atom_intern("error") && x.reason->tag == T_ATOM
        && x.reason->u.atom != atom_intern("system_limit")) {
        strbuf b;
        sb_init(&b);
        term_print_atom(&b, atom_intern(ev__op_name((ev_op)n->op)));
        value_warning(W, n, "evaluation of operator %s/%u will fail with a "
                      "'%s' exception", b.s, n->n, atom_text(x.reason->u.atom));
        sb_fini(&b);
        *failed = true;
    }
    ev_exception_fini(&x);
    return NULL;
}

/* "the result of evaluating operator ... is ignored" or, for a
 * comparison, "use of operator ... has no effect". */
static void dropped_op(wctx *W, const ev_node *n)
{
    strbuf b;
    sb_init(&b);
    term_print_atom(&b, atom_intern(ev__op_name((ev_op)n->op)));
    if (n->kind == N_OP2 && is_comparison((ev_op)n->op))
        value_warning(W, n, "use of operator %s has no effect", b.s);
    else
        value_warning(W, n, "the result of evaluating operator %s/%u is "
                      "ignored (suppress the warning by assigning the "
                      "expression to the _ variable)", b.s, n->n);
    sb_fini(&b);
}

static term *walk_op(wctx *W, const ev_node *n, wmode mode)
{
    bool safe = n->kind == N_OP2 && is_comparison((ev_op)n->op);
    if (mode == W_EFFECT) {
        dropped_op(W, n);
        if (safe) {              /* useless_call: only the operands are left */
            walk_dropped_args(W, n, 0);
            return NULL;
        }
    }
    term *a[2] = { NULL, NULL };
    bool all = true, failed = false;
    for (uint32_t i = 0; i < n->n; i++) {
        a[i] = walk(W, n->kid[i], W_VALUE);
        all = all && a[i];
    }
    term *r = all ? fold_op(W, n, a, &failed) : NULL;
    if (folded_first(mode) && !r && !failed)
        dropped_op(W, n);
    term_unref(a[0]);
    term_unref(a[1]);
    return r;
}

/* setelement/3, which the evaluator does not run, on constants. */
static ev_status fold_setelement(term **a, term **out)
{
    const term *t = a[1];
    if (a[0]->tag != T_INT || t->tag != T_TUPLE || a[0]->u.i < 1
        || (uint64_t)a[0]->u.i > t->u.tuple.n)
        return EV_RAISED;
    uint32_t n = t->u.tuple.n;
    term **el = xcalloc(n, sizeof *el);
    for (uint32_t i = 0; i < n; i++)
        el[i] = term_ref(i + 1 == a[0]->u.i ? a[2] : t->u.tuple.el[i]);
    *out = term_tuple(n, el);
    free(el);
    return EV_DONE;
}

/* Folds erlang:fun(args) of constants, as sys_core_fold's eval_call;
 * a failure is a warning. */
static term *fold_call(wctx *W, const ev_node *n, atom_t fun, term **args,
                       bool *failed)
{
    uint32_t argc = n->n - 2;
    atom_t erlang = atom_intern("erlang");
    term *r = NULL;
    ev_exception x = { 0 };
    ev_status s;
    if (fun == atom_intern("setelement") && argc == 3) {
        s = fold_setelement(args, &r);
        if (s == EV_RAISED)
            ev__exc_set(&x, "error", term_atom_s("badarg"));
    } else {
        int idx = ev__bif_find(erlang, fun, argc, true);
        if (idx < 0)
            return NULL;
        s = ev__bif_call(idx, argc, args, &r, &x);
    }
    if (s == EV_DONE)
        return r;
    if (x.cls == atom_intern("error") && x.reason->tag == T_ATOM
        && x.reason->u.atom != atom_intern("system_limit")) {
        strbuf b;
        sb_init(&b);
        put_mfa(&b, erlang, fun, argc);
        value_warning(W, n, "the call to %s will fail with a '%s' exception",
                      b.s, atom_text(x.reason->u.atom));
        sb_fini(&b);
        *failed = true;
    }
    ev_exception_fini(&x);
    return NULL;
}

/* "the call to F/A has no effect" (safe) or "the result of calling F/A
 * is ignored" (pure). */
static void dropped_call(wctx *W, const ev_node *n, atom_t mod, atom_t fun,
                         bool safe)
{
    strbuf b;
    sb_init(&b);
    put_mfa(&b, mod, fun, n->n - 2);
    if (safe)
        value_warning(W, n, "the call to %s has no effect", b.s);
    else
        value_warning(W, n, "the result of calling %s is ignored (suppress "
                      "the warning by assigning the expression to the _ "
                      "variable)", b.s);
    sb_fini(&b);
}

static term *walk_call(wctx *W, const ev_node *n, wmode mode)
{
    atom_t mod = 0, fun = 0;
    uint32_t argc = n->n - 2;
    bool known = call_target(W, n, &mod, &fun);
    bool safe = known && in_table(safe_bifs, mod, fun, argc);
    bool pure = known && !safe && in_table(pure_bifs, mod, fun, argc);
    for (uint32_t i = 0; i < 2; i++)
        if (n->kid[i])
            term_unref(walk(W, n->kid[i], W_VALUE));
    if (mode == W_EFFECT && (safe || pure)) {
        dropped_call(W, n, mod, fun, safe);
        if (safe) {
            walk_dropped_args(W, n, 2);
            return NULL;
        }
    }
    term **args = xcalloc(argc + 1, sizeof *args);
    bool all = true, failed = false;
    for (uint32_t i = 0; i < argc; i++) {
        args[i] = walk(W, n->kid[2 + i], W_VALUE);
        all = all && args[i];
    }
    term *r = NULL;
    if (all && (safe || pure) && mod == atom_intern("erlang"))
        r = fold_call(W, n, fun, args, &failed);
    if (folded_first(mode) && !r && !failed && (safe || pure))
        dropped_call(W, n, mod, fun, safe);
    for (uint32_t i = 0; i < argc; i++)
        term_unref(args[i]);
    free(args);
    return r;
}

/* V = E: when V is a variable no one uses (or `_`), E's value is
 * dropped once the compiler has folded it (a constant is substituted
 * for V, and is gone), silently for `_` and `_V` (sys_core_fold's
 * maybe_suppress_warnings); `last`: the match was the value of a body
 * whose value is dropped (W_DATA). */
static term *walk_match(wctx *W, const ev_node *n, wmode mode, bool last)
{
    const ev_node *p = n->kid[0];
    bool unused = p->kind == N_WILD
        || (p->kind == N_VAR && ev__ptrs_has(&W->facts->unused, p));
    if (mode == W_VALUE || !unused)
        return walk(W, n->kid[1], W_VALUE);
    bool quiet = p->kind == N_WILD || atom_text(p->name)[0] == '_';
    W->quiet += quiet;
    term_unref(walk(W, n->kid[1], last ? W_DATA : W_ELEM));
    W->quiet -= quiet;
    return NULL;
}

/* A map (or map update); a map of constants is one literal. */
static term *walk_map(wctx *W, const ev_node *n, wmode mode)
{
    uint32_t from = n->kind == N_MAPUPD;
    bool literal = !from;
    for (uint32_t i = from; literal && i < n->n; i++)
        literal = is_literal(n->kid[i]->kid[0])
            && is_literal(n->kid[i]->kid[1]);
    if (mode == W_EFFECT || (folded_first(mode) && !literal))
        constructed(W, n);
    if (from)
        term_unref(walk(W, n->kid[0], W_VALUE));
    for (uint32_t i = from; i < n->n; i++)
        for (uint32_t k = 0; k < 2; k++) {
            const ev_node *e = n->kid[i]->kid[k];
            term_unref(walk(W, e, mode == W_VALUE || safe_simple(W, e)
                                  ? W_VALUE : W_ELEM));
        }
    return NULL;
}

static term *walk(wctx *W, const ev_node *n, wmode mode)
{
    switch ((ev_kind)n->kind) {
    case N_LIT:              /* (bound to a variable, it is substituted) */
        if (mode == W_EFFECT && n->lit->tag != T_ATOM && n->lit->tag != T_NIL)
            constructed(W, n);
        return n->lit->tag == T_FUN ? NULL : term_ref(n->lit);
    case N_TUPLE:
    case N_CONS:
        return walk_build(W, n, mode);
    case N_MAP:
    case N_MAPUPD:
        return walk_map(W, n, mode);
    case N_BIN: {            /* a constant when its segments' values
                              * and sizes fold to constants */
        bool literal = true;
        for (uint32_t i = 0; i < n->n; i++)
            for (uint32_t k = 0; k < n->kid[i]->n; k++) {
                term *v = walk(W, n->kid[i]->kid[k], W_VALUE);
                literal = literal && v;
                term_unref(v);
            }
        if (mode == W_EFFECT || (folded_first(mode) && !literal))
            constructed(W, n);
        return NULL;
    }
    case N_FUN:
        if (mode != W_VALUE)
            constructed(W, n);
        if (mode != W_EFFECT)    /* a fun dropped is gone */
            walk_clauses(W, n, 0, n->n, W_VALUE, CK_FUN, false);
        return NULL;
    case N_OP1:
    case N_OP2:
        return walk_op(W, n, mode);
    case N_CALL:
        return walk_call(W, n, mode);
    case N_MATCH:
        return walk_match(W, n, mode, false);
    case N_SEND:
        for (uint32_t i = 0; i < n->n; i++)
            term_unref(walk(W, n->kid[i], W_VALUE));
        return NULL;
    case N_ANDALSO:
    case N_ORELSE:
        term_unref(walk(W, n->kid[0], W_VALUE));
        term_unref(walk(W, n->kid[1], mode == W_VALUE ? W_VALUE : W_EFFECT));
        return NULL;
    case N_SEQ:
        walk_seq(W, n, mode);
        return NULL;
    case N_CASE: {
        term *subject = walk(W, n->kid[0], W_VALUE);
        walk_clauses(W, n, 1, n->n - 1, mode, CK_CASE, subject != NULL);
        term_unref(subject);
        return NULL;
    }
    case N_IF:
        walk_clauses(W, n, 0, n->n, mode, CK_IF, false);
        return NULL;
    case N_RECEIVE: {
        uint32_t nc = n->flag ? n->n - 2 : n->n;
        walk_clauses(W, n, 0, nc, mode, CK_CASE, false);
        if (n->flag) {
            term_unref(walk(W, n->kid[nc], W_VALUE));
            walk_seq(W, n->kid[nc + 1], mode);
        }
        return NULL;
    }
    case N_CATCH:
        term_unref(walk(W, n->kid[0], W_VALUE));
        return NULL;
    case N_TRY: {
        uint32_t nof = EV_TRY_NOF(n->flag), ncatch = EV_TRY_NCATCH(n->flag);
        walk_seq(W, n->kid[0], W_VALUE);
        walk_clauses(W, n, 1, nof, W_VALUE, CK_CASE, false);
        walk_clauses(W, n, 1 + nof, ncatch, W_VALUE, CK_CATCH, false);
        if (EV_TRY_AFTER(n->flag))
            walk_seq(W, n->kid[n->n - 1], W_VALUE);
        return NULL;
    }
    case N_LC:
        for (uint32_t i = 1; i < n->n; i++) {
            const ev_node *q = n->kid[i];
            const ev_node *e = q->kind == N_GEN ? q->kid[1]
                : q->flag ? q->kid[0]->kid[0]->kid[0] : q->kid[0];
            term_unref(walk(W, e, W_VALUE));
        }
        term_unref(walk(W, n->kid[0],
                        mode != W_VALUE && !n->flag ? W_EFFECT : W_VALUE));
        return NULL;
    default:
        return NULL;
    }
}

/* A body: every expression's value is dropped but the last one's, which
 * goes where the body's goes. */
static void walk_seq(wctx *W, const ev_node *seq, wmode last)
{
    for (uint32_t i = 0; i < seq->n; i++) {
        const ev_node *e = seq->kid[i];
        if (i + 1 < seq->n)
            term_unref(walk(W, e, W_EFFECT));
        else if (last == W_VALUE)
            term_unref(walk(W, e, W_VALUE));
        else if (e->kind == N_MATCH)
            term_unref(walk_match(W, e, W_EFFECT, true));
        else
            term_unref(walk(W, e, W_EFFECT));
    }
}

/* A guard's value when the compiler knows it: 1 true, 0 false, -1 not
 * known. A test that is a constant other than true fails its
 * conjunction. */
static int walk_guard(wctx *W, const ev_node *g)
{
    if (!g)
        return 1;
    int any = 0;
    for (uint32_t i = 0; i < g->n; i++) {
        int conj = 1;
        for (uint32_t k = 0; k < g->kid[i]->n; k++) {
            term *v = walk(W, g->kid[i]->kid[k], W_VALUE);
            if (!v)
                conj = conj == 0 ? 0 : -1;
            else if (!term_is_atom(v, atom_intern("true")))
                conj = 0;
            term_unref(v);
        }
        if (conj == 1)
            any = 1;
        else if (conj == -1 && any == 0)
            any = -1;
    }
    return any;
}

/* Does clause c match whatever it is given? Its patterns are `_` or
 * new variables (for a function or a fun, distinct ones); an if clause
 * has none. */
static bool matches_all(const wctx *W, const ev_node *c, int kind)
{
    const ev_node *h = c->kid[0];
    if (kind == CK_IF)
        return true;
    if (kind == CK_CASE)
        return h->kind == N_WILD || ev__ptrs_has(&W->facts->fresh, c);
    for (uint32_t i = 0; i < h->n; i++) {
        if (h->kid[i]->kind == N_WILD)
            continue;
        if (h->kid[i]->kind != N_VAR)
            return false;
        for (uint32_t j = 0; j < i; j++)
            if (h->kid[j]->kind == N_VAR && h->kid[j]->name == h->kid[i]->name)
                return false;
    }
    return true;
}

/* sys_core_fold:clauses/6 over clauses [first, first+nc) of n: each one
 * walked, then a clause whose guard is false is dropped with a warning,
 * and one that matches everything ends the list: the ones after it get
 * the shadow warning (unless the case's subject is a literal) and are
 * not walked. */
static void walk_clauses(wctx *W, const ev_node *n, uint32_t first,
                         uint32_t nc, wmode mode, int kind, bool literal)
{
    for (uint32_t i = 0; i < nc; i++) {
        const ev_node *c = n->kid[first + i];
        int g = walk_guard(W, c->kid[1]);
        walk_seq(W, c->kid[2], mode);
        if (kind == CK_CATCH)
            continue;
        if (g == 0) {
            strbuf b;
            sb_init(&b);
            sb_puts(&b, "this clause cannot match because its guard "
                        "evaluates to 'false'");
            put(W, c, &b);
            continue;
        }
        if (g != 1 || !matches_all(W, c, kind))
            continue;
        for (uint32_t j = i + 1; !literal && j < nc; j++) {
            strbuf b;
            sb_init(&b);
            sb_puts(&b, "this clause ");
            if (kind == CK_FUNCTION) {
                sb_puts(&b, "for ");
                term_print_atom(&b, W->fn->name);
                sb_printf(&b, "/%u ", W->fn->arity);
            }
            sb_printf(&b, "cannot match because a previous clause at line %d "
                          "always matches", c->line);
            put(W, n->kid[first + j], &b);
        }
        return;
    }
}

/* The compiler's warnings for function f; see eval_ast.h. */
void ev__warn_function(const ev_module *m, const ev_func *f,
                       const ev_lint_facts *facts, const ev_sink *sink)
{
    wctx W = { m, f, facts, sink, 0 };
    walk_clauses(&W, f->fun, 0, f->fun->n, W_VALUE, CK_FUNCTION, false);
}
