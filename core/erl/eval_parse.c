/* eval_parse: tokens -> syntax tree for the shell's Erlang subset.
 *
 * Precedence climbing over OTP 25's grammar (erl_parse.yrl), whose
 * operator table is: catch (prefix, 0) < = ! (right, 100) < orelse
 * (right, 150) < andalso (right, 160) < comparison (non-assoc, 200) <
 * ++ -- (right, 300) < + - bor bxor bsl bsr or xor (left, 400) < * /
 * div rem band and (left, 500) < prefix + - bnot not (600) < # (700) <
 * : (800). So `1 + catch 2 + 3` is 1 + (catch (2 + 3)) and `X = catch
 * 1/0` needs no parentheses, as in erl.
 *
 * Errors stop at the first one, at the token where the parser could not
 * go on, with erl_parse's text ("syntax error before: ')'"). Constructs
 * of Erlang outside the subset (local funs, `<=` generators,
 * records, macros, bit syntax beyond /binary) give a message saying so.
 * Invariants of the tree: every node lives in the code's arena, every
 * literal term is held by the code's pool, the left side of every `=`
 * and every clause head has passed ev__pattern, every guard
 * ev__guard_check (in a module's form, erl_lint checks them instead:
 * ev__lint_function, and ev_form.lint). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/erl/eval_ast.h"
#include "core/term/xalloc.h"

/* ---- arena ---- */

struct ev_ablk {
    ev_ablk *next;
    size_t used, size;
    _Alignas(16) unsigned char mem[];
};

/* Zeroed memory living until ev__arena_free. */
void *ev__arena_alloc(ev_arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (!a->head || a->head->size - a->head->used < n) {
        size_t size = n > 4096 ? n : 4096;
        ev_ablk *b = xmalloc(sizeof *b + size);
        b->next = a->head;
        b->used = 0;
        b->size = size;
        a->head = b;
    }
    void *p = a->head->mem + a->head->used;
    a->head->used += n;
    memset(p, 0, n);
    return p;
}

/* Frees every block; the arena is empty afterwards. */
void ev__arena_free(ev_arena *a)
{
    while (a->head) {
        ev_ablk *next = a->head->next;
        free(a->head);
        a->head = next;
    }
}

/* Records t in the code's pool (ownership taken) and returns it. */
term *ev__pool(ev_code *c, term *t)
{
    if (c->npool == c->cappool) {
        c->cappool = c->cappool ? c->cappool * 2 : 16;
        c->pool = xrealloc(c->pool, c->cappool * sizeof *c->pool);
    }
    c->pool[c->npool++] = t;
    return t;
}

/* A new node with room for nkids kids (all NULL). */
ev_node *ev__node(ev_code *c, ev_kind kind, int line, int col, uint32_t nkids)
{
    ev_node *n = ev__arena_alloc(&c->arena, sizeof *n);
    n->kind = (uint8_t)kind;
    n->line = line;
    n->col = col;
    n->n = nkids;
    if (nkids)
        n->kid = ev__arena_alloc(&c->arena, nkids * sizeof *n->kid);
    return n;
}

/* ---- parser ---- */

typedef struct parser {
    ev_code *c;
    const ev_token *t;   /* the lookahead */
    ev_error *err;
    bool no_remote;      /* a catch clause's pattern: ':' is not M:F */
    bool module;         /* a module's form: `fun f/1` is a local fun,
                          * guards and patterns are erl_lint's to check */
    ev_errs *lint;       /* a module's form: its illegal patterns */
    uint32_t depth;      /* parse_expr / parse_unary calls in progress */
} parser;

/* A growable list of nodes, copied into the arena when complete. */
typedef struct nvec {
    ev_node **v;
    uint32_t n, cap;
} nvec;

static void nv_push(nvec *v, ev_node *n)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 8;
        v->v = xrealloc(v->v, v->cap * sizeof *v->v);
    }
    v->v[v->n++] = n;
}

/* A node of `kind` whose kids are `pre` (may be NULL) then the vector's. */
static ev_node *nv_node(parser *P, ev_kind kind, int line, int col,
                        ev_node *pre, nvec *v)
{
    uint32_t k = pre ? 1 : 0;
    ev_node *n = ev__node(P->c, kind, line, col, v->n + k);
    if (pre)
        n->kid[0] = pre;
    for (uint32_t i = 0; i < v->n; i++)
        n->kid[i + k] = v->v[i];
    free(v->v);
    v->v = NULL;
    v->n = v->cap = 0;
    return n;
}

static ev_node *fail_at(parser *P, const ev_token *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static ev_node *fail_at(parser *P, const ev_token *t, const char *fmt, ...)
{
    va_list ap;
    P->err->line = t->line;
    P->err->col = t->col;
    va_start(ap, fmt);
    vsnprintf(P->err->msg, sizeof P->err->msg, fmt, ap);
    va_end(ap);
    return NULL;
}

static ev_node *syntax_error(parser *P)
{
    strbuf b;
    sb_init(&b);
    ev__token_text(&b, P->t);
    fail_at(P, P->t, "syntax error before: %s", b.s ? b.s : "");
    sb_fini(&b);
    return NULL;
}

static bool is_sym(const parser *P, ev_sym s)
{
    return P->t->kind == TK_SYM && P->t->sym == s;
}

static bool accept(parser *P, ev_sym s)
{
    if (!is_sym(P, s))
        return false;
    P->t++;
    return true;
}

static bool expect(parser *P, ev_sym s)
{
    if (accept(P, s))
        return true;
    syntax_error(P);
    return false;
}

static ev_node *lit(parser *P, const ev_token *at, term *t)
{
    ev_node *n = ev__node(P->c, N_LIT, at->line, at->col, 0);
    n->lit = ev__pool(P->c, t);
    return n;
}

static term *codes_to_list(const uint32_t *s, size_t n)
{
    term *l = term_nil();
    for (size_t i = n; i-- > 0;)
        l = term_cons(term_int(s[i]), l);
    return l;
}

static ev_node *parse_expr(parser *P, int minprec);
static ev_node *parse_expr1(parser *P, int minprec);
static ev_node *parse_exprs(parser *P, ev_kind kind);
static ev_node *parse_guard(parser *P);
static ev_node *parse_clauses(parser *P, bool with_pattern, nvec *out);

typedef struct binop {
    int prec;
    char assoc;          /* 'L', 'R' or 'N' */
    ev_kind kind;
    ev_op op;
} binop;

static bool binop_of(const ev_token *t, binop *b)
{
    if (t->kind != TK_SYM)
        return false;
    static const struct { ev_sym s; binop b; } table[] = {
        { S_EQ, { 100, 'R', N_MATCH, OP_NONE } },
        { S_BANG, { 100, 'R', N_SEND, OP_NONE } },
        { K_ORELSE, { 150, 'R', N_ORELSE, OP_NONE } },
        { K_ANDALSO, { 160, 'R', N_ANDALSO, OP_NONE } },
        { S_EQEQ, { 200, 'N', N_OP2, OP_EQ } },
        { S_NE, { 200, 'N', N_OP2, OP_NE } },
        { S_EXEQ, { 200, 'N', N_OP2, OP_EXEQ } },
        { S_EXNE, { 200, 'N', N_OP2, OP_EXNE } },
        { S_LT, { 200, 'N', N_OP2, OP_LT } },
        { S_GT, { 200, 'N', N_OP2, OP_GT } },
        { S_LE, { 200, 'N', N_OP2, OP_LE } },
        { S_GE, { 200, 'N', N_OP2, OP_GE } },
        { S_PLUSPLUS, { 300, 'R', N_OP2, OP_APPEND } },
        { S_MINUSMINUS, { 300, 'R', N_OP2, OP_SUBTRACT } },
        { S_PLUS, { 400, 'L', N_OP2, OP_ADD } },
        { S_MINUS, { 400, 'L', N_OP2, OP_SUB } },
        { K_BOR, { 400, 'L', N_OP2, OP_BOR } },
        { K_BXOR, { 400, 'L', N_OP2, OP_BXOR } },
        { K_BSL, { 400, 'L', N_OP2, OP_BSL } },
        { K_BSR, { 400, 'L', N_OP2, OP_BSR } },
        { K_OR, { 400, 'L', N_OP2, OP_OR } },
        { K_XOR, { 400, 'L', N_OP2, OP_XOR } },
        { S_STAR, { 500, 'L', N_OP2, OP_MUL } },
        { S_SLASH, { 500, 'L', N_OP2, OP_FDIV } },
        { K_DIV, { 500, 'L', N_OP2, OP_DIV } },
        { K_REM, { 500, 'L', N_OP2, OP_REM } },
        { K_BAND, { 500, 'L', N_OP2, OP_BAND } },
        { K_AND, { 500, 'L', N_OP2, OP_AND } },
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (table[i].s == t->sym) {
            *b = table[i].b;
            return true;
        }
    }
    return false;
}

/* [expr {',' expr}] close: the elements of a call or a tuple, into
 * out. Returns false (out freed) on a syntax error. */
static bool parse_until(parser *P, ev_sym close, nvec *out)
{
    if (!is_sym(P, close)) {
        do {
            ev_node *x = parse_expr(P, 0);
            if (!x) {
                free(out->v);
                return false;
            }
            nv_push(out, x);
        } while (accept(P, S_COMMA));
    }
    if (!expect(P, close)) {
        free(out->v);
        return false;
    }
    return true;
}

/* '(' [expr {',' expr}] ')' after a function expression. */
static ev_node *parse_call(parser *P, ev_node *mod, ev_node *fun,
                           int line, int col)
{
    nvec args = { 0 };
    P->t++;                                  /* '(' */
    if (!parse_until(P, S_RPAREN, &args))
        return NULL;
    ev_node *n = ev__node(P->c, N_CALL, line, col, args.n + 2);
    n->kid[0] = mod;
    n->kid[1] = fun;
    for (uint32_t i = 0; i < args.n; i++)
        n->kid[i + 2] = args.v[i];
    free(args.v);
    return n;
}

/* '#' '{' [field {',' field}] '}' where field is K => V or K := V.
 * `base` NULL for a new map, else the map being updated. */
static ev_node *parse_map(parser *P, ev_node *base, const ev_token *hash)
{
    nvec fields = { 0 };
    P->t++;                                  /* '#' */
    if (!is_sym(P, S_LBRACE)) {
        if (P->t->kind == TK_ATOM)
            return fail_at(P, hash, "records are not supported");
        return syntax_error(P);
    }
    P->t++;
    if (!is_sym(P, S_RBRACE)) {
        do {
            ev_node *k = parse_expr(P, 0);
            if (!k)
                goto fail;
            const ev_token *optok = P->t;
            bool exact = accept(P, S_ASSIGN);
            if (!exact && !accept(P, S_DARROW)) {
                syntax_error(P);
                goto fail;
            }
            ev_node *v = parse_expr(P, 0);
            if (!v)
                goto fail;
            ev_node *f = ev__node(P->c, N_FIELD, optok->line, optok->col, 2);
            f->kid[0] = k;
            f->kid[1] = v;
            f->flag = exact;
            nv_push(&fields, f);
        } while (accept(P, S_COMMA));
    }
    if (!expect(P, S_RBRACE))
        goto fail;
    return nv_node(P, base ? N_MAPUPD : N_MAP, hash->line, hash->col,
                   base, &fields);
fail:
    free(fields.v);
    return NULL;
}

static ev_node *parse_max(parser *P);
static ev_node *parse_lc(parser *P, const ev_token *open, ev_node *tmpl,
                         bool binary);

/* bit_expr: [prefix_op] expr_max (so `<<X:8>>` is not a remote call). */
static ev_node *parse_bit_expr(parser *P)
{
    const ev_token *t = P->t;
    ev_op op = is_sym(P, S_MINUS) ? OP_NEG : is_sym(P, S_PLUS) ? OP_PLUS
             : is_sym(P, K_BNOT) ? OP_BNOT : is_sym(P, K_NOT) ? OP_NOT
             : OP_NONE;
    if (op == OP_NONE)
        return parse_max(P);
    P->t++;
    ev_node *e = parse_max(P);
    if (!e)
        return NULL;
    ev_node *n = ev__node(P->c, N_OP1, t->line, t->col, 1);
    n->op = (uint8_t)op;
    n->kid[0] = e;
    return n;
}

/* '<<' [segment {',' segment}] '>>'; a segment is a value with an
 * optional /binary type. */
static ev_node *parse_binary(parser *P)
{
    const ev_token *open = P->t++;
    nvec segs = { 0 };
    uint64_t isbin = 0;
    if (!is_sym(P, S_GTGT)) {
        do {
            ev_node *v = parse_bit_expr(P);
            if (!v)
                goto fail;
            if (segs.n == 0 && is_sym(P, S_BARBAR))
                return parse_lc(P, open, v, true);
            if (is_sym(P, S_COLON)) {
                fail_at(P, P->t, "bit syntax sizes are not supported");
                goto fail;
            }
            if (accept(P, S_SLASH)) {
                if (P->t->kind == TK_ATOM && strcmp(atom_text(P->t->a), "binary") == 0) {
                    if (segs.n < 64)
                        isbin |= (uint64_t)1 << segs.n;
                    P->t++;
                } else {
                    fail_at(P, P->t, "bit syntax types other than /binary "
                                     "are not supported");
                    goto fail;
                }
            }
            if (segs.n >= 64) {
                fail_at(P, P->t, "too many binary segments (at most 64)");
                goto fail;
            }
            nv_push(&segs, v);
        } while (accept(P, S_COMMA));
    }
    if (!expect(P, S_GTGT))
        goto fail;
    ev_node *n = nv_node(P, N_BIN, open->line, open->col, NULL, &segs);
    n->flag = isbin;
    return n;
fail:
    free(segs.v);
    return NULL;
}

/* The qualifiers of a list comprehension after its template, up to ']'
 * (or '>>' for a binary comprehension, erl_parse's binary_comprehension,
 * whose template is a bit expression; flag 1) (erl_parse's lc_exprs): `Pattern <- Expr` generators (N_GEN: kid[0]
 * the pattern, kid[1] the list) and filters (N_FILTER: kid[0] the
 * expression, or an N_GUARD around it when it is a guard test, which
 * erl_eval evaluates as a guard: erl_lint:is_guard_test/1). */
static ev_node *parse_lc(parser *P, const ev_token *open, ev_node *tmpl,
                         bool binary)
{
    nvec q = { 0 };
    P->t++;                                     /* the '||' */
    do {
        const ev_token *at = P->t;
        ev_node *e = parse_expr(P, 0);
        if (!e)
            goto fail;
        ev_node *qn;
        if (is_sym(P, S_LARROW)) {
            const ev_token *arrow = P->t++;
            ev_node *src = parse_expr(P, 0);
            if (!src || ev__pattern(P->c, &e, P->err, P->lint) < 0)
                goto fail;
            qn = ev__node(P->c, N_GEN, arrow->line, arrow->col, 2);
            qn->kid[0] = e;
            qn->kid[1] = src;
        } else if (is_sym(P, S_LEQ)) {
            fail_at(P, P->t, "binary generators are not supported");
            goto fail;
        } else {
            qn = ev__node(P->c, N_FILTER, at->line, at->col, 1);
            ev_node *conj = ev__node(P->c, N_SEQ, at->line, at->col, 1);
            ev_node *g = ev__node(P->c, N_GUARD, at->line, at->col, 1);
            ev_error scratch;
            conj->kid[0] = e;
            g->kid[0] = conj;
            qn->flag = ev__guard_check(g, &scratch) == 0;
            qn->kid[0] = qn->flag ? g : e;
        }
        if (q.n == EV_MAX_NEST) {
            fail_at(P, at, "too many qualifiers (at most %u)", EV_MAX_NEST);
            goto fail;
        }
        nv_push(&q, qn);
    } while (accept(P, S_COMMA));
    if (!expect(P, binary ? S_GTGT : S_RBRACK))
        goto fail;
    ev_node *lc = nv_node(P, N_LC, open->line, open->col, tmpl, &q);
    lc->flag = binary;
    return lc;
fail:
    free(q.v);
    return NULL;
}

/* '[' ... ']' after the '['. */
static ev_node *parse_list(parser *P, const ev_token *open)
{
    if (accept(P, S_RBRACK))
        return lit(P, open, term_nil());
    nvec el = { 0 };
    ev_node *tail = NULL;
    for (;;) {
        ev_node *e = parse_expr(P, 0);
        if (!e)
            goto fail;
        nv_push(&el, e);
        if (el.n == 1 && is_sym(P, S_BARBAR)) {
            free(el.v);
            return parse_lc(P, open, e, false);
        }
        if (accept(P, S_COMMA))
            continue;
        if (accept(P, S_BAR)) {
            tail = parse_expr(P, 0);
            if (!tail)
                goto fail;
        }
        break;
    }
    if (!expect(P, S_RBRACK))
        goto fail;
    if (!tail)
        tail = lit(P, P->t - 1, term_nil());
    /* constant elements in front of a constant tail fold into one
     * literal (flag EV_LIT_LIST: not a string), so a long list of data
     * is no deep tree; the conses left are bounded like any nesting */
    uint32_t conses = 0;
    for (uint32_t i = el.n; i-- > 0;) {
        const ev_token *at = i == 0 ? open : NULL;
        ev_node *c;
        if (el.v[i]->kind == N_LIT && tail->kind == N_LIT) {
            c = lit(P, at ? at : P->t, term_cons(term_ref(el.v[i]->lit),
                                                 term_ref(tail->lit)));
            c->line = at ? at->line : el.v[i]->line;
            c->col = at ? at->col : el.v[i]->col;
            c->flag = EV_LIT_LIST;
        } else {
            if (++conses > EV_MAX_NEST) {
                fail_at(P, open, "list too long (at most %u elements that "
                                 "are not constants)", EV_MAX_NEST);
                goto fail;
            }
            c = ev__node(P->c, N_CONS, el.v[i]->line, el.v[i]->col, 2);
            if (at) {
                c->line = at->line;
                c->col = at->col;
            }
            c->kid[0] = el.v[i];
            c->kid[1] = tail;
        }
        tail = c;
    }
    free(el.v);
    return tail;
fail:
    free(el.v);
    return NULL;
}

/* The rest of a clause after its head (a checked pattern, or NULL in
 * an if): [when Guard] -> Body, as an N_CLAUSE at `at`. */
static ev_node *parse_clause_rest(parser *P, const ev_token *at,
                                  ev_node *head)
{
    ev_node *guard = NULL, *body;
    if (head && accept(P, K_WHEN) && !(guard = parse_guard(P)))
        return NULL;
    if (!head && !(guard = parse_guard(P)))
        return NULL;
    if (!expect(P, S_ARROW) || !(body = parse_exprs(P, N_SEQ)))
        return NULL;
    ev_node *c = ev__node(P->c, N_CLAUSE, at->line, at->col, 3);
    c->kid[0] = head;
    c->kid[1] = guard;
    c->kid[2] = body;
    return c;
}

/* One clause of a fun after its name (if any): '(' Patterns ')' [when
 * Guard] -> Body, as an N_CLAUSE whose kid[0] is an N_TUPLE of the
 * argument patterns. */
static ev_node *parse_fun_clause(parser *P, const ev_token *at)
{
    nvec args = { 0 };
    if (!expect(P, S_LPAREN) || !parse_until(P, S_RPAREN, &args))
        return NULL;
    ev_node *head = nv_node(P, N_TUPLE, at->line, at->col, NULL, &args);
    for (uint32_t i = 0; i < head->n; i++)
        if (ev__pattern(P->c, &head->kid[i], P->err, P->lint) < 0)
            return NULL;
    return parse_clause_rest(P, at, head);
}

/* fun M:F/A, or a fun with a body: `fun (Ps) -> ... ; (Ps) -> ... end`
 * or the named `fun Name(Ps) -> ... ; Name(Ps) -> ... end` (erl_parse's
 * fun_expr). Every clause must have the same arity and, when named, the
 * same name: erl_parse's "head mismatch" at the clause otherwise. */
static ev_node *parse_fun(parser *P)
{
    const ev_token *kw = P->t++;
    if (is_sym(P, S_LPAREN) || P->t->kind == TK_VAR) {
        atom_t name = P->t->kind == TK_VAR ? P->t->a : 0;
        nvec cl = { 0 };
        do {
            const ev_token *at = P->t;
            if (name ? at->kind != TK_VAR || at->a != name
                     : !is_sym(P, S_LPAREN)) {
                if (cl.n && (at->kind == TK_VAR || is_sym(P, S_LPAREN))) {
                    free(cl.v);
                    return fail_at(P, at, "head mismatch");
                }
                free(cl.v);
                return syntax_error(P);
            }
            if (name)
                P->t++;
            ev_node *c = parse_fun_clause(P, at);
            if (!c) {
                free(cl.v);
                return NULL;
            }
            if (cl.n && c->kid[0]->n != cl.v[0]->kid[0]->n) {
                free(cl.v);
                return fail_at(P, at, "head mismatch");
            }
            nv_push(&cl, c);
        } while (accept(P, S_SEMI));
        if (!expect(P, K_END)) {
            free(cl.v);
            return NULL;
        }
        ev_node *f = nv_node(P, N_FUN, kw->line, kw->col, NULL, &cl);
        f->name = name;
        f->flag = f->kid[0]->kid[0]->n;
        if (f->flag > 20)   /* erl_eval's funs stop at 20 arguments */
            return fail_at(P, kw, "limit of number of arguments to "
                                  "interpreted function exceeded");
        return f;
    }
    if (P->t->kind != TK_ATOM)
        return syntax_error(P);
    atom_t m = P->t->a, f;
    P->t++;
    if (is_sym(P, S_SLASH)) {
        if (!P->module)
            return fail_at(P, kw, "local funs (fun F/A) are only for "
                                  "modules (in the shell: fun "
                                  "Module:Function/Arity or a fun with a "
                                  "body)");
        P->t++;
        if (P->t->kind != TK_INT)
            return syntax_error(P);
        if (P->t->i < 0 || P->t->i > 255)
            return fail_at(P, P->t, "illegal arity");
        uint32_t arity = (uint32_t)P->t->i;
        P->t++;
        /* module "" marks a local fun, resolved by the compiler */
        return lit(P, kw, term_fun(atom_intern(""), m, arity));
    }
    if (!expect(P, S_COLON))
        return NULL;
    if (P->t->kind != TK_ATOM)
        return syntax_error(P);
    f = P->t->a;
    P->t++;
    if (!expect(P, S_SLASH))
        return NULL;
    if (P->t->kind != TK_INT)
        return syntax_error(P);
    if (P->t->i < 0 || P->t->i > 255)
        return fail_at(P, P->t, "illegal arity");
    uint32_t arity = (uint32_t)P->t->i;
    P->t++;
    return lit(P, kw, term_fun(m, f, arity));
}

static ev_node *parse_case(parser *P)
{
    const ev_token *kw = P->t++;
    ev_node *e = parse_expr(P, 0);
    if (!e || !expect(P, K_OF))
        return NULL;
    nvec cl = { 0 };
    if (!parse_clauses(P, true, &cl) || !expect(P, K_END)) {
        free(cl.v);
        return NULL;
    }
    return nv_node(P, N_CASE, kw->line, kw->col, e, &cl);
}

static ev_node *parse_if(parser *P)
{
    const ev_token *kw = P->t++;
    nvec cl = { 0 };
    if (!parse_clauses(P, false, &cl) || !expect(P, K_END)) {
        free(cl.v);
        return NULL;
    }
    return nv_node(P, N_IF, kw->line, kw->col, NULL, &cl);
}

static ev_node *parse_receive(parser *P)
{
    const ev_token *kw = P->t++;
    nvec cl = { 0 };
    bool after = false;
    if (!is_sym(P, K_AFTER) && !parse_clauses(P, true, &cl))
        goto fail;
    if (accept(P, K_AFTER)) {
        after = true;
        ev_node *t = parse_expr(P, 0);
        if (!t || !expect(P, S_ARROW))
            goto fail;
        ev_node *body = parse_exprs(P, N_SEQ);
        if (!body)
            goto fail;
        nv_push(&cl, t);
        nv_push(&cl, body);
    }
    if (!expect(P, K_END))
        goto fail;
    ev_node *n = nv_node(P, N_RECEIVE, kw->line, kw->col, NULL, &cl);
    n->flag = after;
    return n;
fail:
    free(cl.v);
    return NULL;
}

/* One catch clause (erl_parse's try_clause): [Class ':'] Reason [':'
 * Stack] [when Guard] -> Body, as an N_CLAUSE whose pattern is the
 * N_TUPLE {Class, Reason, Stack}; the class defaults to throw and the
 * stack to `_`. */
static ev_node *parse_catch_clause(parser *P)
{
    const ev_token *t = P->t;
    ev_node *cls = NULL, *reason, *stack = NULL;
    if ((t->kind == TK_ATOM || t->kind == TK_VAR) && t[1].kind == TK_SYM
        && t[1].sym == S_COLON) {
        cls = parse_max(P);
        P->t++;
    }
    P->no_remote = true;
    reason = parse_expr(P, 0);
    P->no_remote = false;
    if (!reason || ev__pattern(P->c, &reason, P->err, P->lint) < 0)
        return NULL;
    if (cls && accept(P, S_COLON)) {
        if (P->t->kind != TK_VAR)
            return syntax_error(P);
        stack = parse_max(P);
    }
    if (!cls)
        cls = lit(P, t, term_atom_s("throw"));
    if (!stack)
        stack = ev__node(P->c, N_WILD, t->line, t->col, 0);
    ev_node *head = ev__node(P->c, N_TUPLE, t->line, t->col, 3);
    head->kid[0] = cls;
    head->kid[1] = reason;
    head->kid[2] = stack;
    return parse_clause_rest(P, t, head);
}

/* try Body [of Clauses] [catch CatchClauses] [after Body] end, with a
 * catch or an after (erl_parse's try_expr). The node's kids: the body,
 * the of clauses, the catch clauses, then the after body if any; see
 * EV_TRY_* for how `flag` counts them. */
static ev_node *parse_try(parser *P)
{
    const ev_token *kw = P->t++;
    nvec k = { 0 };
    uint64_t nof = 0, ncatch = 0, after = 0;
    ev_node *body = parse_exprs(P, N_SEQ);
    if (!body)
        goto fail;
    nv_push(&k, body);
    if (accept(P, K_OF)) {
        if (!parse_clauses(P, true, &k))
            goto fail;
        nof = k.n - 1;
    }
    if (accept(P, K_CATCH)) {
        do {
            ev_node *c = parse_catch_clause(P);
            if (!c)
                goto fail;
            nv_push(&k, c);
            ncatch++;
        } while (accept(P, S_SEMI));
    }
    if (accept(P, K_AFTER)) {
        ev_node *a = parse_exprs(P, N_SEQ);
        if (!a)
            goto fail;
        nv_push(&k, a);
        after = 1;
    }
    if ((!ncatch && !after) || !expect(P, K_END)) {
        if (!ncatch && !after)
            syntax_error(P);
        goto fail;
    }
    ev_node *n = nv_node(P, N_TRY, kw->line, kw->col, NULL, &k);
    n->flag = EV_TRY_FLAG(nof, ncatch, after);
    return n;
fail:
    free(k.v);
    return NULL;
}

/* expr_max: literals, variables, brackets, begin/case/if/receive/fun. */
static ev_node *parse_max(parser *P)
{
    const ev_token *t = P->t;
    switch (t->kind) {
    case TK_INT:
    case TK_CHAR:
        P->t++;
        return lit(P, t, term_int(t->i));
    case TK_FLOAT:
        P->t++;
        return lit(P, t, term_float(t->f));
    case TK_ATOM:
        P->t++;
        return lit(P, t, term_atom(t->a));
    case TK_VAR: {
        P->t++;
        if (strcmp(atom_text(t->a), "_") == 0)
            return ev__node(P->c, N_WILD, t->line, t->col, 0);
        ev_node *e = ev__node(P->c, N_VAR, t->line, t->col, 0);
        e->name = t->a;
        return e;
    }
    case TK_STRING: {
        /* adjacent strings concatenate, as in erl_parse */
        size_t n = 0;
        const ev_token *s;
        for (s = t; s->kind == TK_STRING; s++)
            n += s->slen;
        uint32_t *all = xmalloc((n ? n : 1) * sizeof *all);
        n = 0;
        for (s = t; s->kind == TK_STRING; s++) {
            if (s->slen)
                memcpy(all + n, s->s, s->slen * sizeof *all);
            n += s->slen;
        }
        P->t = s;
        ev_node *e = lit(P, t, codes_to_list(all, n));
        free(all);
        return e;
    }
    case TK_SYM:
        break;
    default:
        return syntax_error(P);
    }
    switch (t->sym) {
    case S_LPAREN: {
        P->t++;
        ev_node *e = parse_expr(P, 0);
        if (!e || !expect(P, S_RPAREN))
            return NULL;
        return e;
    }
    case S_LBRACE: {
        P->t++;
        nvec el = { 0 };
        if (!parse_until(P, S_RBRACE, &el))
            return NULL;
        return nv_node(P, N_TUPLE, t->line, t->col, NULL, &el);
    }
    case S_LBRACK:
        P->t++;
        return parse_list(P, t);
    case S_LTLT:
        return parse_binary(P);
    case K_BEGIN: {
        P->t++;
        ev_node *e = parse_exprs(P, N_SEQ);
        if (!e || !expect(P, K_END))
            return NULL;
        return e;
    }
    case K_CASE:
        return parse_case(P);
    case K_IF:
        return parse_if(P);
    case K_RECEIVE:
        return parse_receive(P);
    case K_FUN:
        return parse_fun(P);
    case K_TRY:
        return parse_try(P);
    case S_QUEST:
        return fail_at(P, t, "macros are not supported");
    default:
        return syntax_error(P);
    }
}

/* expr_max with what may follow it: map updates (map_expr), a remote
 * M:F and a call. */
static ev_node *parse_postfix(parser *P)
{
    const ev_token *start = P->t;
    ev_node *e;
    if (is_sym(P, S_HASH)) {
        e = parse_map(P, NULL, P->t);
    } else {
        e = parse_max(P);
        if (e && is_sym(P, S_HASH))
            e = parse_map(P, e, P->t);
        else if (e) {
            ev_node *mod = NULL;
            if (!P->no_remote && accept(P, S_COLON)) {
                mod = e;
                e = parse_max(P);
                if (!e)
                    return NULL;
                if (is_sym(P, S_COLON))
                    return syntax_error(P);
                if (!is_sym(P, S_LPAREN))
                    return fail_at(P, start, "illegal expression");
            }
            if (is_sym(P, S_LPAREN))
                return parse_call(P, mod, e, start->line, start->col);
            return e;
        }
    }
    while (e && is_sym(P, S_HASH))
        e = parse_map(P, e, P->t);
    return e;
}

/* Prefix operators and catch, then postfix forms. */
static ev_node *parse_unary(parser *P)
{
    const ev_token *t = P->t;
    if (accept(P, K_CATCH)) {
        ev_node *e = parse_expr(P, 0);
        if (!e)
            return NULL;
        ev_node *n = ev__node(P->c, N_CATCH, t->line, t->col, 1);
        n->kid[0] = e;
        return n;
    }
    ev_op op = OP_NONE;
    if (is_sym(P, S_MINUS))
        op = OP_NEG;
    else if (is_sym(P, S_PLUS))
        op = OP_PLUS;
    else if (is_sym(P, K_NOT))
        op = OP_NOT;
    else if (is_sym(P, K_BNOT))
        op = OP_BNOT;
    if (op == OP_NONE)
        return parse_postfix(P);
    P->t++;
    if (P->depth >= EV_MAX_NEST)
        return fail_at(P, P->t, "expression nested too deeply (at most %u "
                                "levels)", EV_MAX_NEST);
    P->depth++;
    ev_node *e = parse_unary(P);
    P->depth--;
    if (!e)
        return NULL;
    ev_node *n = ev__node(P->c, N_OP1, t->line, t->col, 1);
    n->op = (uint8_t)op;
    n->kid[0] = e;
    return n;
}

/* Binary operators of precedence >= minprec (see the file comment). */
static ev_node *parse_expr(parser *P, int minprec)
{
    if (P->depth >= EV_MAX_NEST)
        return fail_at(P, P->t, "expression nested too deeply (at most %u "
                                "levels)", EV_MAX_NEST);
    P->depth++;
    ev_node *left = parse_expr1(P, minprec);
    P->depth--;
    return left;
}

static ev_node *parse_expr1(parser *P, int minprec)
{
    ev_node *left = parse_unary(P);
    int nonassoc = -1;
    uint32_t chain = 0;  /* each operator makes the left side one deeper */
    binop b;
    while (left && binop_of(P->t, &b) && b.prec >= minprec) {
        if (b.assoc == 'N' && nonassoc == b.prec)
            return syntax_error(P);
        if (P->depth + ++chain > EV_MAX_NEST)
            return fail_at(P, P->t, "expression nested too deeply (at most "
                                    "%u levels)", EV_MAX_NEST);
        const ev_token *optok = P->t++;
        ev_node *right = parse_expr(P, b.assoc == 'R' ? b.prec : b.prec + 1);
        if (!right)
            return NULL;
        ev_node *n;
        if (b.kind == N_MATCH) {
            if (ev__pattern(P->c, &left, P->err, P->lint) < 0)
                return NULL;
            n = ev__node(P->c, N_MATCH, left->line, left->col, 2);
        } else {
            n = ev__node(P->c, b.kind, optok->line, optok->col, 2);
        }
        n->op = (uint8_t)b.op;
        n->kid[0] = left;
        n->kid[1] = right;
        left = n;
        if (b.assoc == 'N')
            nonassoc = b.prec;
    }
    return left;
}

/* expr {',' expr} as a node of `kind` (N_SEQ, or an N_SEQ used as a
 * guard conjunction). */
static ev_node *parse_exprs(parser *P, ev_kind kind)
{
    const ev_token *t = P->t;
    nvec el = { 0 };
    do {
        ev_node *e = parse_expr(P, 0);
        if (!e) {
            free(el.v);
            return NULL;
        }
        nv_push(&el, e);
    } while (accept(P, S_COMMA));
    return nv_node(P, kind, t->line, t->col, NULL, &el);
}

/* guard: exprs {';' exprs}. */
static ev_node *parse_guard(parser *P)
{
    const ev_token *t = P->t;
    nvec alts = { 0 };
    do {
        ev_node *g = parse_exprs(P, N_SEQ);
        if (!g) {
            free(alts.v);
            return NULL;
        }
        nv_push(&alts, g);
    } while (accept(P, S_SEMI));
    ev_node *n = nv_node(P, N_GUARD, t->line, t->col, NULL, &alts);
    if (!P->module && ev__guard_check(n, P->err) < 0)
        return NULL;
    return n;
}

/* Clauses separated by ';' into `out`: [Pattern] [when Guard] -> Body
 * (if clauses have no pattern). Returns the first clause, NULL on error. */
static ev_node *parse_clauses(parser *P, bool with_pattern, nvec *out)
{
    do {
        const ev_token *t = P->t;
        ev_node *pat = NULL, *c;
        if (with_pattern) {
            pat = parse_expr(P, 0);
            if (!pat || ev__pattern(P->c, &pat, P->err, P->lint) < 0)
                return NULL;
        }
        if (!(c = parse_clause_rest(P, t, pat)))
            return NULL;
        nv_push(out, c);
    } while (accept(P, S_SEMI));
    return out->v[0];
}

/* Parses a whole text into c->root; see eval_ast.h. */
int ev__parse(ev_code *c, const ev_tokens *toks, bool pattern, ev_error *err)
{
    parser P = { .c = c, .t = toks->t, .err = err };
    ev_node *root;
    if (pattern) {
        root = parse_expr(&P, 0);
        if (root && ev__pattern(c, &root, err, NULL) < 0)
            root = NULL;
    } else {
        root = parse_exprs(&P, N_SEQ);
    }
    if (!root)
        return -1;
    if (P.t->kind != TK_DOT) {
        syntax_error(&P);
        return -1;
    }
    c->root = root;
    return 0;
}

/* ---- module forms (erl_parse's parse_form) ---- */

/* Attributes whose argument is parsed as expressions; others (-spec,
 * -type, -callback, ... with their type syntax) are skipped to the '.'. */
static bool parsed_attribute(atom_t name)
{
    static const char *const known[] = {
        "module", "export", "import", "compile", "behaviour", "behavior",
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (!strcmp(atom_text(name), known[i]))
            return true;
    return false;
}

/* A function: Name(Ps) [when G] -> Body; Name(Ps) ... as an N_FUN
 * (name 0, flag the arity). erl_parse's build_function: every clause has
 * the function's name and arity, "head mismatch" otherwise. */
static ev_node *parse_function(parser *P)
{
    const ev_token *first = P->t;
    nvec cl = { 0 };
    do {
        const ev_token *at = P->t;
        if (at->kind != TK_ATOM) {
            free(cl.v);
            return syntax_error(P);
        }
        P->t++;
        if (!is_sym(P, S_LPAREN)) {
            free(cl.v);
            return syntax_error(P);
        }
        ev_node *c = parse_fun_clause(P, at);
        if (!c) {
            free(cl.v);
            return NULL;
        }
        if (at->a != first->a
            || (cl.n && c->kid[0]->n != cl.v[0]->kid[0]->n)) {
            free(cl.v);
            return fail_at(P, at, "head mismatch");
        }
        nv_push(&cl, c);
    } while (accept(P, S_SEMI));
    ev_node *f = nv_node(P, N_FUN, first->line, first->col, NULL, &cl);
    f->flag = f->kid[0]->kid[0]->n;
    return f;
}

/* Parses the form at *tp; see eval_ast.h. */
int ev__parse_form(ev_code *c, const ev_token **tp, ev_form *f, ev_error *err)
{
    memset(f, 0, sizeof *f);
    parser P = { .c = c, .t = *tp, .err = err, .module = true,
                 .lint = &f->lint };
    memset(err, 0, sizeof *err);
    const ev_token *start = P.t;
    f->line = start->line;
    f->col = start->col;
    if (is_sym(&P, S_MINUS)) {
        P.t++;
        if (P.t->kind != TK_ATOM) {
            syntax_error(&P);
            goto fail;
        }
        f->kind = EV_FORM_ATTR;
        f->name = P.t->a;
        f->line = P.t->line;
        f->col = P.t->col;
        P.t++;
        if (!parsed_attribute(f->name)) {
            f->kind = EV_FORM_IGNORED;
            while (P.t->kind != TK_DOT && P.t->kind != TK_EOF)
                P.t++;
        } else {
            nvec args = { 0 };
            if (!expect(&P, S_LPAREN) || !parse_until(&P, S_RPAREN, &args))
                goto fail;
            f->arg = nv_node(&P, N_TUPLE, f->line, f->col, NULL, &args);
        }
    } else {
        f->kind = EV_FORM_FUNCTION;
        if (!(f->fun = parse_function(&P)))
            goto fail;
        f->name = start->a;
    }
    if (P.t->kind != TK_DOT) {
        syntax_error(&P);
        goto fail;
    }
    *tp = P.t + 1;
    return 0;
fail:
    ev__errs_free(&f->lint);
    if (P.t->kind == TK_EOF && P.t > start) {
        /* erl_parse at the end of the text: "before" nothing, at the
         * last token */
        err->line = P.t[-1].line;
        err->col = P.t[-1].col;
    }
    /* on to the next form, as epp:parse_file does */
    while (P.t->kind != TK_DOT && P.t->kind != TK_EOF)
        P.t++;
    *tp = P.t->kind == TK_DOT ? P.t + 1 : P.t;
    return -1;
}
