/* eval_match: patterns and guards, both at compile time (checking and
 * folding, as erl_lint and the compiler do) and at run time (matching
 * and evaluation, walking the tree: neither can block, so neither needs
 * the VM).
 *
 * Invariants: matching never binds anything outside the ev_binds it is
 * given (the caller commits them on success or drops them); a variable
 * is bound at most once per ev_binds, so `{X, X}` requires equal
 * elements; equality in patterns is exact (=:=), so 1 does not match
 * 1.0, as in Erlang. A guard that raises is false. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/erl/eval_ast.h"
#include "core/term/xalloc.h"

static int node_error(ev_error *err, const ev_node *n, const char *msg)
{
    err->line = n->line;
    err->col = n->col;
    snprintf(err->msg, sizeof err->msg, "%s", msg);
    return -1;
}

static bool is_number_lit(const ev_node *n)
{
    return n->kind == N_LIT && (n->lit->tag == T_INT || n->lit->tag == T_FLOAT);
}

static int check_gexpr(const ev_node *n, ev_error *err);

void ev__errs_add(ev_errs *e, const ev_error *x)
{
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 4;
        e->v = xrealloc(e->v, e->cap * sizeof *e->v);
    }
    e->v[e->n++] = *x;
}

void ev__errs_free(ev_errs *e)
{
    free(e->v);
    memset(e, 0, sizeof *e);
}

/* erl_lint's is_pattern_expr for an operator: numbers under + - and
 * the arithmetic operators only (their value is then the pattern). */
static bool number_expr(const ev_node *n)
{
    if (is_number_lit(n))
        return true;
    if (n->kind == N_OP1)
        return (n->op == OP_NEG || n->op == OP_PLUS)
            && number_expr(n->kid[0]);
    return n->kind == N_OP2 && n->op >= OP_ADD && n->op <= OP_BSR
        && number_expr(n->kid[0]) && number_expr(n->kid[1]);
}

/* An illegal part of a pattern, at `at`: the error in err; with `more`
 * (erl_lint goes on) also added there, and *np becomes `_`. */
static int bad_pattern(ev_code *c, ev_node **np, const ev_node *at,
                       const char *msg, ev_error *err, ev_errs *more)
{
    node_error(err, at, msg);
    if (!more)
        return -1;
    ev__errs_add(more, err);
    *np = ev__node(c, N_WILD, (*np)->line, (*np)->col, 0);
    return 0;
}

/* An error of erl_lint's in a pattern that leaves it as it is: with
 * `more` added there (0), else -1 and err. */
static int lint_error(ev_error *err, const ev_node *at, const char *msg,
                      ev_errs *more)
{
    node_error(err, at, msg);
    if (!more)
        return -1;
    ev__errs_add(more, err);
    return 0;
}

/* Checks and folds a pattern in place; see eval_ast.h. */
int ev__pattern(ev_code *c, ev_node **np, ev_error *err, ev_errs *more)
{
    ev_node *n = *np;
    switch ((ev_kind)n->kind) {
    case N_LIT:
    case N_VAR:
    case N_WILD:
        return 0;
    case N_TUPLE:
        n->flag |= EV_TUPLE_PATTERN;      /* for erl_lint's pattern-only
                                           * record errors (eval_parse.c) */
        /* fall through */
    case N_CONS:
    case N_MATCH:
        for (uint32_t i = 0; i < n->n; i++)
            if (ev__pattern(c, &n->kid[i], err, more) < 0)
                return -1;
        return 0;
    case N_SEQ:
        if (n->flag != EV_SEQ_INIT)
            return bad_pattern(c, np, n, "illegal pattern", err, more);
        /* a record field left out matches anything (erl_expand_records'
         * pattern_fields) */
        *np = ev__node(c, N_WILD, n->line, n->col, 0);
        return 0;
    case N_MAP:
        for (uint32_t i = 0; i < n->n; i++) {
            ev_node *f = n->kid[i];
            if (!f->flag)
                return bad_pattern(c, np, f, "illegal pattern", err, more);
            if (f->kid[0]->kind == N_WILD || check_gexpr(f->kid[0], err) < 0)
                return bad_pattern(c, np, f->kid[0],
                                   "illegal map key in pattern", err, more);
            if (ev__pattern(c, &f->kid[1], err, more) < 0)
                return -1;
        }
        return 0;
    case N_BIN:
        /* erl_lint's pattern_bin: a segment's value is a variable, _ or
         * a literal (a string only untyped or utf), its size a guard
         * expression (in a module the lint checks it: ev__lint_function),
         * and an unsized binary comes last */
        n->flag |= EV_BIN_PATTERN;
        for (uint32_t i = 0; i < n->n; i++) {
            ev_node *seg = n->kid[i];
            if (ev__pattern(c, &seg->kid[0], err, more) < 0)
                return -1;
            const ev_node *v = seg->kid[0];
            if ((seg->flag & EV_BS_STRING)
                && ((seg->flag & EV_BS_SIZED) || ((seg->flag & EV_BS_TYPED)
                    && EV_BS_TYPE(seg->flag) < EV_BS_UTF8))
                && lint_error(err, seg, "a literal string in a binary "
                              "pattern must not have a type or a size",
                              more) < 0)
                return -1;
            if (v->kind != N_VAR && v->kind != N_WILD && v->kind != N_LIT
                && bad_pattern(c, &seg->kid[0], v, "illegal pattern", err,
                               more) < 0)
                return -1;
            if (!more && seg->n > 1 && check_gexpr(seg->kid[1], err) < 0)
                return node_error(err, seg->kid[1], "illegal bit size");
            if (EV_BS_TYPE(seg->flag) == EV_BS_BINARY && seg->n == 1
                && i + 1 < n->n
                && lint_error(err, seg, "a binary field without size is "
                              "only allowed at the end of a binary pattern",
                              more) < 0)
                return -1;
        }
        return 0;
    case N_OP1:
        if (more && !number_expr(n))
            return bad_pattern(c, np, n, "illegal pattern", err, more);
        if (ev__pattern(c, &n->kid[0], err, more) < 0)
            return -1;
        if ((n->op == OP_NEG || n->op == OP_PLUS) && is_number_lit(n->kid[0])) {
            term *r = NULL;
            ev_exception x = { 0 };
            if (ev__op1((ev_op)n->op, n->kid[0]->lit, &r, &x) != EV_DONE) {
                ev_exception_fini(&x);
                return bad_pattern(c, np, n, "illegal pattern", err, more);
            }
            ev_node *l = ev__node(c, N_LIT, n->line, n->col, 0);
            l->lit = ev__pool(c, r);
            *np = l;
            return 0;
        }
        return bad_pattern(c, np, n, "illegal pattern", err, more);
    case N_OP2:
        if (more && n->op != OP_APPEND && !number_expr(n))
            return bad_pattern(c, np, n, "illegal pattern", err, more);
        if (n->op == OP_APPEND) {
            /* "abc" ++ T: a cons chain ending in T */
            const ev_node *l = n->kid[0];
            if (l->kind != N_LIT || !term_is_proper_list(l->lit))
                return bad_pattern(c, np, n, "illegal pattern", err, more);
            if (ev__pattern(c, &n->kid[1], err, more) < 0)
                return -1;
            ev_node *tail = n->kid[1];
            size_t len = term_list_length(l->lit);
            term **el = xmalloc((len ? len : 1) * sizeof *el);
            size_t k = 0;
            for (const term *t = l->lit; t->tag == T_CONS; t = t->u.cons.tail)
                el[k++] = t->u.cons.head;
            for (size_t i = len; i-- > 0;) {
                ev_node *h = ev__node(c, N_LIT, l->line, l->col, 0);
                h->lit = ev__pool(c, term_ref(el[i]));
                ev_node *cn = ev__node(c, N_CONS, l->line, l->col, 2);
                cn->kid[0] = h;
                cn->kid[1] = tail;
                tail = cn;
            }
            free(el);
            *np = tail;
            return 0;
        }
        for (int i = 0; i < 2; i++)
            if (ev__pattern(c, &n->kid[i], err, more) < 0)
                return -1;
        if (is_number_lit(n->kid[0]) && is_number_lit(n->kid[1])
            && n->op >= OP_ADD && n->op <= OP_BSR) {
            term *r = NULL;
            ev_exception x = { 0 };
            if (ev__op2((ev_op)n->op, n->kid[0]->lit, n->kid[1]->lit, &r, &x)
                != EV_DONE) {
                ev_exception_fini(&x);
                return bad_pattern(c, np, n, "illegal pattern", err, more);
            }
            ev_node *l = ev__node(c, N_LIT, n->line, n->col, 0);
            l->lit = ev__pool(c, r);
            *np = l;
            return 0;
        }
        return bad_pattern(c, np, n, "illegal pattern", err, more);
    default:
        return bad_pattern(c, np, n, "illegal pattern", err, more);
    }
}

/* erl_lint's gexpr for one node; see eval_ast.h. The guard BIFs are the
 * ones the evaluator runs (ev__bif_find), self() and node(). */
ev_gkind ev__gexpr_kind(const ev_node *n)
{
    switch ((ev_kind)n->kind) {
    case N_LIT:
        return n->lit->tag == T_FUN ? EV_GK_ILLEGAL : EV_GK_OK;
    case N_VAR:
    case N_TUPLE:
    case N_CONS:
    case N_MAP:
    case N_BIN:
    case N_BINSEG:
    case N_OP1:
    case N_ANDALSO:
    case N_ORELSE:
        return EV_GK_OK;
    case N_WILD:
        return EV_GK_WILD;
    case N_OP2:
        return n->op == OP_APPEND || n->op == OP_SUBTRACT ? EV_GK_BAD_OP
                                                          : EV_GK_OK;
    case N_SEND:                 /* an operator to erl_lint */
        return EV_GK_BAD_OP;
    case N_SEQ:                  /* a record field's default, in a guard */
        return n->flag == EV_SEQ_INIT ? EV_GK_OK : EV_GK_ILLEGAL;
    case N_FIELD:
        return n->flag ? EV_GK_ASSOC : EV_GK_OK;
    case N_CALL: {
        const ev_node *m = n->kid[0], *f = n->kid[1];
        atom_t mod = atom_intern("");
        if (m) {
            if (m->kind != N_LIT || !term_is_atom(m->lit, atom_intern("erlang")))
                return EV_GK_ILLEGAL;
            mod = atom_intern("erlang");
        }
        if (f->kind != N_LIT || f->lit->tag != T_ATOM)
            return EV_GK_ILLEGAL;
        const char *name = atom_text(f->lit->u.atom);
        uint32_t argc = n->n - 2;
        bool hostcall = (strcmp(name, "self") == 0 && argc == 0)
            || (strcmp(name, "node") == 0 && argc <= 1);
        if (!hostcall && ev__bif_find(mod, f->lit->u.atom, argc, true) < 0)
            return EV_GK_BAD_CALL;
        return EV_GK_OK;
    }
    default:
        return EV_GK_ILLEGAL;
    }
}

/* Is `n` an expression allowed in a guard? The first error, as the
 * shell's parser reports it. */
static int check_gexpr(const ev_node *n, ev_error *err)
{
    switch (ev__gexpr_kind(n)) {
    case EV_GK_OK:
        break;
    case EV_GK_WILD:
        return node_error(err, n, "variable '_' is unbound");
    case EV_GK_ASSOC:
        return node_error(err, n, "only association operators '=>' are "
                                  "allowed in map construction");
    default:
        return node_error(err, n, "illegal guard expression");
    }
    for (uint32_t i = n->kind == N_CALL ? 2 : 0; i < n->n; i++)
        if (check_gexpr(n->kid[i], err) < 0)
            return -1;
    return 0;
}

/* Checks a guard sequence; see eval_ast.h. */
int ev__guard_check(const ev_node *g, ev_error *err)
{
    for (uint32_t i = 0; i < g->n; i++)
        for (uint32_t k = 0; k < g->kid[i]->n; k++)
            if (check_gexpr(g->kid[i]->kid[k], err) < 0)
                return -1;
    return 0;
}

/* ---- run time ---- */

/* Drops the tentative bindings, keeping the arrays. */
void ev__binds_reset(ev_binds *b)
{
    for (uint32_t i = 0; i < b->n; i++)
        term_unref(b->val[i]);
    b->n = 0;
}

/* Drops the bindings and frees the arrays. */
void ev__binds_fini(ev_binds *b)
{
    ev__binds_reset(b);
    free(b->name);
    free(b->val);
    memset(b, 0, sizeof *b);
}

static term *binds_find(const ev_binds *b, atom_t name)
{
    for (uint32_t i = 0; b && i < b->n; i++)
        if (b->name[i] == name)
            return b->val[i];
    return NULL;
}

static void binds_add(ev_binds *b, atom_t name, term *v)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 8;
        b->name = xrealloc(b->name, b->cap * sizeof *b->name);
        b->val = xrealloc(b->val, b->cap * sizeof *b->val);
    }
    b->name[b->n] = name;
    b->val[b->n++] = v;
}

static term *lookup(atom_t name, const ev_env *env, const ev_binds *b)
{
    term *v = binds_find(b, name);
    if (!v && env)
        v = ev__env_find(env, name);
    return v;
}

/* Evaluates a guard expression: a new reference, or NULL if it raised. */
static term *geval(const ev_node *n, const ev_env *env, const ev_binds *b,
                   const ev_guard_host *gh)
{
    ev_exception x = { 0 };
    term *r = NULL;
    switch ((ev_kind)n->kind) {
    case N_LIT:
        return term_ref(n->lit);
    case N_VAR:
        return term_ref(lookup(n->name, env, b));
    case N_SEQ:              /* EV_SEQ_INIT: check_gexpr admits no other */
        return geval(n->kid[0], env, b, gh);
    case N_TUPLE: {
        term **el = xcalloc(n->n ? n->n : 1, sizeof *el);
        for (uint32_t i = 0; i < n->n; i++) {
            if (!(el[i] = geval(n->kid[i], env, b, gh))) {
                for (uint32_t k = 0; k < i; k++)
                    term_unref(el[k]);
                free(el);
                return NULL;
            }
        }
        r = term_tuple(n->n, el);
        free(el);
        return r;
    }
    case N_CONS: {
        term *h = geval(n->kid[0], env, b, gh);
        term *t = h ? geval(n->kid[1], env, b, gh) : NULL;
        if (!t) {
            term_unref(h);
            return NULL;
        }
        return term_cons(h, t);
    }
    case N_OP1: {
        term *a = geval(n->kid[0], env, b, gh);
        if (!a)
            return NULL;
        if (ev__op1((ev_op)n->op, a, &r, &x) != EV_DONE)
            r = NULL;
        term_unref(a);
        ev_exception_fini(&x);
        return r;
    }
    case N_OP2: {
        term *a = geval(n->kid[0], env, b, gh);
        term *c = a ? geval(n->kid[1], env, b, gh) : NULL;
        if (c && ev__op2((ev_op)n->op, a, c, &r, &x) != EV_DONE)
            r = NULL;
        term_unref(a);
        term_unref(c);
        ev_exception_fini(&x);
        return r;
    }
    case N_ANDALSO:
    case N_ORELSE: {
        term *a = geval(n->kid[0], env, b, gh);
        atom_t t = atom_intern("true"), f = atom_intern("false");
        if (!a || (!term_is_atom(a, t) && !term_is_atom(a, f))) {
            term_unref(a);
            return NULL;
        }
        bool short_circuit = term_is_atom(a, n->kind == N_ANDALSO ? f : t);
        if (short_circuit)
            return a;
        term_unref(a);
        return geval(n->kid[1], env, b, gh);
    }
    case N_CALL: {
        uint32_t argc = n->n - 2;
        atom_t fun = n->kid[1]->lit->u.atom;
        term **args = xcalloc(argc ? argc : 1, sizeof *args);
        uint32_t got = 0;
        while (got < argc && (args[got] = geval(n->kid[2 + got], env, b, gh)))
            got++;
        if (got == argc) {
            int bif = ev__bif_find(atom_intern(""), fun, argc, true);
            ev_status s = EV_RAISED;
            if (bif >= 0) {
                s = ev__bif_call(bif, argc, args, &r, &x);
            } else if (gh && gh->host && gh->host->call) {
                /* self() and node(): the host must answer at once */
                s = gh->host->call(gh->host->ctx, gh->vm, atom_intern(""), fun,
                                   argc, args, &r, &x);
            }
            if (s != EV_DONE) {
                term_unref(r);     /* the host sets it only on EV_DONE */
                r = NULL;
            }
        }
        for (uint32_t i = 0; i < got; i++)
            term_unref(args[i]);
        free(args);
        ev_exception_fini(&x);
        return r;
    }
    case N_MAP: {
        term **k = xcalloc(n->n ? n->n : 1, sizeof *k);
        term **v = xcalloc(n->n ? n->n : 1, sizeof *v);
        uint32_t i;
        for (i = 0; i < n->n; i++) {
            k[i] = geval(n->kid[i]->kid[0], env, b, gh);
            v[i] = k[i] ? geval(n->kid[i]->kid[1], env, b, gh) : NULL;
            if (!v[i])
                break;
        }
        if (i == n->n) {
            r = term_map(n->n, k, v);
        } else {
            for (uint32_t j = 0; j <= i; j++) {
                term_unref(k[j]);
                term_unref(v[j]);
            }
        }
        free(k);
        free(v);
        return r;
    }
    case N_BIN: {
        ev_bitbuf w = { 0 };
        for (uint32_t i = 0; i < n->n; i++) {
            const ev_node *seg = n->kid[i];
            const term *bad;
            term *v = geval(seg->kid[0], env, b, gh);
            term *size = v && seg->n > 1 ? geval(seg->kid[1], env, b, gh) : NULL;
            bool ok = v && (seg->n == 1 || size)
                && ev__bits_put(&w, seg, v, size, &bad) == EV_BS_OK
                && w.nbits <= EV_BITS_MAX;
            term_unref(v);
            term_unref(size);
            if (!ok) {
                ev__bits_fini(&w);
                return NULL;
            }
        }
        return ev__bits_take(&w);
    }
    default:
        return NULL;           /* check_gexpr admits nothing else */
    }
}

/* ---- binary patterns ---- */

/* How the segments of a binary pattern fared (eval_bits:bin_gen/6). */
enum { BM_DONE = -1, BM_NOMATCH = 0, BM_MATCH = 1 };

/* Segment seg's value got against the segment's value pattern; an
 * integer literal in a float segment is a float (eval_bits'
 * coerce_to_float: <<1/float>> matches <<1.0/float>>). */
static bool match_value(const ev_node *seg, const term *got,
                        const ev_env *env, ev_binds *b,
                        const ev_guard_host *gh)
{
    const ev_node *p = seg->kid[0];
    if (p->kind == N_LIT && p->lit->tag == T_INT
        && EV_BS_TYPE(seg->flag) == EV_BS_FLOAT)
        return got->u.f == (double)p->lit->u.i;
    return ev__match(p, got, env, b, gh);
}

/* Matches the segments of binary pattern p in order from bit *pos of
 * bitstring v (moving *pos past what they took), as eval_bits does: a
 * size is a guard expression over what the pattern bound before it and
 * the bindings outside (env, or b->outer for fresh variables); each
 * value is read (ev__bits_get) then matched. BM_DONE when a segment
 * does not fit; BM_NOMATCH when a value differs: `all` goes on (a
 * generator skips what the segments take), else it stops there. */
static int match_segments(const ev_node *p, const term *v, uint64_t *pos,
                          const ev_env *env, ev_binds *b,
                          const ev_guard_host *gh, bool all)
{
    const ev_env *outer = env ? env : b->outer;
    uint64_t end = term_bit_size(v);
    int r = BM_MATCH;
    for (uint32_t i = 0; i < p->n && (all || r == BM_MATCH); i++) {
        const ev_node *seg = p->kid[i];
        int64_t bits = -1;
        if (seg->n > 1) {
            term *size = geval(seg->kid[1], outer, b, gh);
            bool ok = size && size->tag == T_INT && size->u.i >= 0;
            uint64_t unit = EV_BS_UNIT(seg->flag);
            if (ok)     /* more than there is when it overflows */
                bits = (uint64_t)size->u.i > (uint64_t)INT64_MAX / unit
                     ? INT64_MAX : size->u.i * (int64_t)unit;
            term_unref(size);
            if (!ok)
                return BM_DONE;
        }
        if (seg->flag & EV_BS_STRING) {
            /* each character a segment of the type */
            for (const term *c = seg->kid[0]->lit; c->tag == T_CONS;
                 c = c->u.cons.tail) {
                term *got = ev__bits_get(seg, v->u.bin.bytes, *pos, end,
                                         bits, pos);
                if (!got)
                    return BM_DONE;
                if (!term_equal(got, c->u.cons.head))
                    r = BM_NOMATCH;
                term_unref(got);
            }
            continue;
        }
        term *got = ev__bits_get(seg, v->u.bin.bytes, *pos, end, bits, pos);
        if (!got)
            return BM_DONE;
        if (!match_value(seg, got, env, b, gh))
            r = BM_NOMATCH;
        term_unref(got);
    }
    return r;
}

/* A binary generator's step; see eval_ast.h. A pattern that takes no
 * bits (<<>>, or sizes of 0) ends the generator, where erl would loop
 * forever. */
int ev__match_bin_gen(const ev_node *p, const term *v, uint64_t *pos,
                      ev_binds *b, const ev_guard_host *gh)
{
    uint64_t from = *pos;
    int r = match_segments(p, v, pos, NULL, b, gh, true);
    return *pos == from ? BM_DONE : r;
}

/* Runs a guard sequence; see eval_ast.h. */
bool ev__guard(const ev_node *g, const ev_env *env, const ev_binds *b,
               const ev_guard_host *gh)
{
    if (!g)
        return true;
    atom_t t = atom_intern("true");
    for (uint32_t i = 0; i < g->n; i++) {
        const ev_node *conj = g->kid[i];
        bool ok = true;
        for (uint32_t k = 0; ok && k < conj->n; k++) {
            term *v = geval(conj->kid[k], env, b, gh);
            ok = v && term_is_atom(v, t);
            term_unref(v);
        }
        if (ok)
            return true;
    }
    return false;
}

/* Matches a pattern; see eval_ast.h. */
bool ev__match(const ev_node *p, const term *v, const ev_env *env,
               ev_binds *b, const ev_guard_host *gh)
{
    switch ((ev_kind)p->kind) {
    case N_LIT:
        return term_equal(p->lit, v);
    case N_WILD:
        return true;
    case N_VAR: {
        const term *old = lookup(p->name, env, b);
        if (old)
            return term_equal(old, v);
        binds_add(b, p->name, term_ref((term *)v));
        return true;
    }
    case N_TUPLE:
        if (v->tag != T_TUPLE || v->u.tuple.n != p->n)
            return false;
        for (uint32_t i = 0; i < p->n; i++)
            if (!ev__match(p->kid[i], v->u.tuple.el[i], env, b, gh))
                return false;
        return true;
    case N_CONS:
        return v->tag == T_CONS
            && ev__match(p->kid[0], v->u.cons.head, env, b, gh)
            && ev__match(p->kid[1], v->u.cons.tail, env, b, gh);
    case N_MATCH:
        return ev__match(p->kid[0], v, env, b, gh)
            && ev__match(p->kid[1], v, env, b, gh);
    case N_BIN: {
        uint64_t pos = 0;
        return v->tag == T_BIN
            && match_segments(p, v, &pos, env, b, gh, false) == BM_MATCH
            && pos == term_bit_size(v);
    }
    case N_MAP:
        if (v->tag != T_MAP)
            return false;
        for (uint32_t i = 0; i < p->n; i++) {
            const ev_node *f = p->kid[i];
            /* keys are guard expressions over variables bound before
             * this pattern, never by it */
            term *k = geval(f->kid[0], env, NULL, gh);
            const term *mv = k ? term_map_get(v, k) : NULL;
            term_unref(k);
            if (!mv || !ev__match(f->kid[1], mv, env, b, gh))
                return false;
        }
        return true;
    default:
        return false;
    }
}

/* Matches for `expect`: see eval.h. Bindings made while matching are
 * only used to make repeated variables agree, then dropped. */
bool ev_match_pattern(const ev_code *pat, const term *value, const ev_env *env)
{
    ev_binds b = { 0 };
    bool ok = ev__match(pat->root, value, env, &b, NULL);
    ev__binds_fini(&b);
    return ok;
}
