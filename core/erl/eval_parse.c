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
 * of Erlang outside the subset (local funs in the shell) give a message
 * saying so. Records are rewritten as they are parsed, as
 * erl_expand_records would after erl_lint (see eval_ast.h): erl_lint's
 * record errors do not stop the parse; the shell, which has no records,
 * reports the first. The checks erl_lint makes of bit syntax type
 * specifiers (erl_bits:set_bit_type/2) are made here, with its texts.
 * Invariants of the tree: every node lives in the code's arena, every
 * literal term is held by the code's pool, the left side of every `=`
 * and every clause head has passed ev__pattern, every guard
 * ev__guard_check (in a module's form, erl_lint checks them instead:
 * ev__lint_function, and ev_form.lint); no record syntax is left (only
 * tuples, cases and calls), and a record default put into an expression
 * is an N_SEQ with flag EV_SEQ_INIT, whose copies keep the tree within
 * EV_MAX_NEST levels and EV_MAX_REC_COPY nodes. */
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
    ev_records *rs;      /* the records known (none in the shell) */
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

/* fail_at for an error that erl_lint reports at a node. */
static ev_node *fail_node(parser *P, const ev_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static ev_node *fail_node(parser *P, const ev_node *n, const char *fmt, ...)
{
    va_list ap;
    P->err->line = n->line;
    P->err->col = n->col;
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

/* '{' [field {',' field}] '}' after a '#', where field is K => V or
 * K := V. `base` NULL for a new map, else the map being updated. */
static ev_node *parse_map(parser *P, ev_node *base, const ev_token *hash)
{
    nvec fields = { 0 };
    P->t++;                                  /* '{' */
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

/* ---- records: erl_expand_records at parse time (see eval_ast.h) ----
 * The checks are erl_lint's (check_record, check_fields, record_def),
 * with its texts; an error is kept in P->rs->err, and the expression it
 * is in becomes 'undefined', so the form goes on being parsed. */

/* An atom as erl_lint's ~tw prints it (quoted when it must be). */
typedef struct qatom {
    char s[256];
} qatom;

static qatom q(atom_t a)
{
    qatom r;
    strbuf b;
    sb_init(&b);
    term_print_atom(&b, a);
    snprintf(r.s, sizeof r.s, "%s", b.s ? b.s : "");
    sb_fini(&b);
    return r;
}

static ev_error *rec_push(ev_records *rs)
{
    if (rs->nerr == rs->caperr) {
        rs->caperr = rs->caperr ? rs->caperr * 2 : 8;
        rs->err = xrealloc(rs->err, rs->caperr * sizeof *rs->err);
    }
    return &rs->err[rs->nerr++];
}

static void rec_error(parser *P, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void rec_error(parser *P, int line, int col, const char *fmt, ...)
{
    ev_error *e = rec_push(P->rs);
    va_list ap;
    e->line = line;
    e->col = col;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
}

/* Ends a form's records: the pattern-only errors whose tuple is in a
 * pattern join the others. */
static void rec_settle(ev_records *rs)
{
    for (uint32_t i = 0; i < rs->npend; i++)
        if (rs->pend[i].tuple->flag & EV_TUPLE_PATTERN)
            *rec_push(rs) = rs->pend[i].err;
    rs->npend = 0;
}

/* A node n of `kind` at `at` with these kids. */
static ev_node *mk(parser *P, ev_kind kind, const ev_token *at, uint32_t n,
                   ev_node *const *kids)
{
    ev_node *e = ev__node(P->c, kind, at->line, at->col, n);
    for (uint32_t i = 0; i < n; i++)
        e->kid[i] = kids[i];
    return e;
}

/* What a record expression with an error becomes: 'undefined', or
 * with `keep` (what erl_lint still checks of it: the record of an update
 * or a field access, is_record's term) the tuple {keep}, so that its
 * variables are used (the form does not compile either way). */
static ev_node *rec_none(parser *P, const ev_token *at, ev_node *keep)
{
    if (keep)
        return mk(P, N_TUPLE, at, 1, &keep);
    return lit(P, at, term_atom_s("undefined"));
}

/* Notes that the form (or the field default) being parsed uses record
 * r, once per scope (erl_lint's used_record). */
static void rec_use(parser *P, uint32_t r)
{
    ev_records *rs = P->rs;
    if (rs->r[r].stamp == rs->scope)
        return;
    rs->r[r].stamp = rs->scope;
    if (rs->nuse == rs->capuse) {
        rs->capuse = rs->capuse ? rs->capuse * 2 : 8;
        rs->use = xrealloc(rs->use, rs->capuse * sizeof *rs->use);
    }
    rs->use[rs->nuse++] = r;
}

/* The record `name`, noted as used; -1 and "record r undefined" at
 * `at` when there is none. */
static int rec_lookup(parser *P, const ev_token *at, atom_t name)
{
    for (uint32_t i = 0; i < P->rs->n; i++) {
        if (P->rs->r[i].name == name) {
            rec_use(P, i);
            return (int)i;
        }
    }
    rec_error(P, at->line, at->col, "record %s undefined", q(name).s);
    return -1;
}

/* The index of field f in r, or -1. */
static int rec_field(const ev_record *r, atom_t f)
{
    uint32_t lo = 0, hi = r->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        atom_t m = r->field[r->byname[mid]];
        if (m == f)
            return (int)r->byname[mid];
        if (m < f)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

typedef struct named {
    atom_t name;
    uint32_t at;
} named;

static int by_atom(const void *a, const void *b)
{
    const named *x = a, *y = b;
    if (x->name != y->name)
        return x->name < y->name ? -1 : 1;
    return x->at < y->at ? -1 : x->at > y->at;
}

/* dup[i]: name[i] (0: none) is also name[j] for some j < i (erl_lint's
 * redefine_field, for the second and later): sorted by name then
 * position, each run's first is the first given. */
static void mark_dups(const atom_t *name, uint32_t n, bool *dup)
{
    named *v = xcalloc(n ? n : 1, sizeof *v);
    for (uint32_t i = 0; i < n; i++)
        v[i] = (named){ name[i], i };
    qsort(v, n, sizeof *v, by_atom);
    for (uint32_t i = 0; i < n; i++)
        dup[v[i].at] = i > 0 && v[i].name && v[i].name == v[i - 1].name;
    free(v);
}

static bool is_atom_lit(const ev_node *n)
{
    return n && n->kind == N_LIT && n->lit->tag == T_ATOM;
}

/* A variable of its own, which no Erlang text can name (erl_expand_
 * records' new_var): rec0, rec1, ... in each form. */
static atom_t fresh_var(parser *P)
{
    char buf[32];
    snprintf(buf, sizeof buf, "rec%u", P->rs->nvar++);
    return atom_intern(buf);
}

static ev_node *var(parser *P, int line, int col, atom_t name)
{
    ev_node *v = ev__node(P->c, N_VAR, line, col, 0);
    v->name = name;
    return v;
}

/* A copy of default n placed at `at`: erl_expand_records gives the
 * defaults it puts in the position of the record expression, so a
 * run-time error in one names that line. Fails (P->err) rather than
 * nest beyond EV_MAX_NEST or copy more than EV_MAX_REC_COPY nodes. */
static bool copy_tree(parser *P, const ev_node *n, const ev_token *at,
                      uint32_t level, ev_node **out)
{
    *out = NULL;
    if (!n)
        return true;
    if (P->depth + level >= EV_MAX_NEST) {
        fail_at(P, at, "expression nested too deeply (at most %u levels)",
                EV_MAX_NEST);
        return false;
    }
    if (++P->rs->copied > EV_MAX_REC_COPY) {
        fail_at(P, at, "records expand too far (at most %u nodes of "
                       "defaults in a module)", EV_MAX_REC_COPY);
        return false;
    }
    ev_node *c = ev__node(P->c, (ev_kind)n->kind, at->line, at->col, n->n);
    c->op = n->op;
    c->name = n->name;
    c->lit = n->lit;
    c->flag = n->flag;
    for (uint32_t i = 0; i < n->n; i++)
        if (!copy_tree(P, n->kid[i], at, level + 1, &c->kid[i]))
            return false;
    *out = c;
    return true;
}

/* Field i's default for a record expression at `at`, with the records
 * it uses; NULL on failure. Constants are shared, others copied. */
static ev_node *rec_init(parser *P, uint32_t ri, uint32_t i,
                         const ev_token *at)
{
    const ev_record *r = &P->rs->r[ri];
    for (uint32_t k = r->dep_at[i]; k < r->dep_at[i + 1]; k++)
        rec_use(P, r->dep[k]);
    ev_node *init = r->init[i], *c;
    if (init->kid[0]->kind == N_LIT)
        return init;
    return copy_tree(P, init, at, 0, &c) ? c : NULL;
}

/* The fields fs (N_FIELD: name, value) of a record expression for r
 * into slot[] by index (at[], if any, their names), as erl_lint's
 * check_fields:
 * a name that is no field, one given twice, a variable other than `_`,
 * and `_` twice (or in an update) are errors, their values dropped.
 * *wild is the `_` value, *wild_at its field. `pre` (an update): values
 * that are not constants or variables are bound first, in the order
 * given (erl_expand_records' record_exprs), their slots the variables. */
static void rec_fields(parser *P, const ev_record *r, const nvec *fs,
                       ev_node **slot, const ev_node **at, ev_node **wild,
                       const ev_node **wild_at, nvec *pre)
{
    atom_t *names = xcalloc(fs->n ? fs->n : 1, sizeof *names);
    bool *dup = xcalloc(fs->n ? fs->n : 1, sizeof *dup);
    for (uint32_t i = 0; i < fs->n; i++) {
        const ev_node *k = fs->v[i]->kid[0];
        names[i] = k->kind == N_LIT ? k->lit->u.atom : 0;
    }
    mark_dups(names, fs->n, dup);
    free(names);
    *wild = NULL;
    *wild_at = NULL;
    for (uint32_t i = 0; i < fs->n; i++) {
        const ev_node *k = fs->v[i]->kid[0];
        ev_node *val = fs->v[i]->kid[1];
        if (k->kind == N_WILD) {
            if (pre)
                rec_error(P, k->line, k->col, "meaningless use of _ in "
                          "update of record %s", q(r->name).s);
            else if (*wild)
                rec_error(P, k->line, k->col,
                          "'_' initializes no omitted fields");
            else {
                *wild = val;
                *wild_at = k;
            }
            continue;
        }
        if (k->kind == N_VAR) {
            rec_error(P, k->line, k->col, "field %s is not an atom or _ in "
                      "record %s", q(k->name).s, q(r->name).s);
            continue;
        }
        atom_t f = k->lit->u.atom;
        int fi = rec_field(r, f);
        if (dup[i] || fi < 0) {
            rec_error(P, k->line, k->col, dup[i] ? "field %s already defined "
                      "in record %s" : "field %s undefined in record %s",
                      q(f).s, q(r->name).s);
            continue;
        }
        if (pre && val->kind != N_LIT && val->kind != N_VAR) {
            ev_node *tmp = var(P, val->line, val->col, fresh_var(P));
            ev_node *bind = ev__node(P->c, N_MATCH, tmp->line, tmp->col, 2);
            bind->kid[0] = tmp;
            bind->kid[1] = val;
            nv_push(pre, bind);
            val = var(P, val->line, val->col, tmp->name);
        }
        slot[fi] = val;
        if (at)
            at[fi] = k;
    }
    free(dup);
}

/* #r{f = E, ...} (erl_expand_records' record_inits): the tuple, a field
 * left out getting the `_` value, else its default. In a pattern the
 * defaults become `_` (ev__pattern), and erl_lint's
 * check_multi_field_init applies. */
static ev_node *rec_new(parser *P, const ev_token *hash, atom_t name,
                        const nvec *fs)
{
    int ri = rec_lookup(P, hash, name);
    if (ri < 0)
        return rec_none(P, hash, NULL);
    const ev_record *r = &P->rs->r[ri];
    ev_node **slot = xcalloc(r->n + 1, sizeof *slot);
    ev_node *wild;
    const ev_node *wild_at;
    rec_fields(P, r, fs, slot, NULL, &wild, &wild_at, NULL);
    ev_node *t = ev__node(P->c, N_TUPLE, hash->line, hash->col, r->n + 1);
    t->kid[0] = lit(P, hash, term_atom(name));
    bool omitted = false;
    for (uint32_t i = 0; i < r->n; i++) {
        omitted |= !slot[i];
        t->kid[i + 1] = slot[i] ? slot[i] : wild ? wild
                      : rec_init(P, (uint32_t)ri, i, hash);
        if (!t->kid[i + 1]) {
            free(slot);
            return NULL;
        }
    }
    free(slot);
    if (wild && !omitted) {      /* a pattern's error, known at the end */
        ev_records *rs = P->rs;
        if (rs->npend == rs->cappend) {
            rs->cappend = rs->cappend ? rs->cappend * 2 : 4;
            rs->pend = xrealloc(rs->pend, rs->cappend * sizeof *rs->pend);
        }
        rs->pend[rs->npend].tuple = t;
        rs->pend[rs->npend].err = (ev_error){ wild_at->line, wild_at->col,
            "'_' initializes no omitted fields" };
        rs->npend++;
    }
    return t;
}

/* Expr#r{f = E, ...} (erl_expand_records' record_update): the values
 * that are not constants bound first, then
 *   case Expr of {r, K1, _, K3} -> {r, K1, E, K3};
 *                Rec -> erlang:error({badrecord, Rec}) end
 * A guard cannot hold it: "illegal guard expression" at the '#'. The
 * error names the line erl's does: with no more fields updated than
 * kept, record_update's record_setel puts it at the updated field that
 * comes first in the record; otherwise record_match, at the line where
 * Expr starts (`first`). */
static ev_node *rec_update(parser *P, ev_node *base, const ev_token *hash,
                           atom_t name, const nvec *fs, const ev_token *first)
{
    int ri = rec_lookup(P, hash, name);
    if (ri < 0)
        return rec_none(P, hash, base);
    const ev_record *r = &P->rs->r[ri];
    ev_node **slot = xcalloc(r->n + 1, sizeof *slot);
    const ev_node **at = xcalloc(r->n + 1, sizeof *at), *setel = NULL;
    ev_node *wild;
    const ev_node *wild_at;
    nvec pre = { 0 };
    rec_fields(P, r, fs, slot, at, &wild, &wild_at, &pre);
    uint32_t nu = 0;
    for (uint32_t i = r->n; i-- > 0;) {
        if (at[i]) {
            nu++;
            setel = at[i];
        }
    }
    free(at);
    const ev_token where = nu && nu <= r->n - nu
        ? (ev_token){ .line = setel->line, .col = setel->col } : *first;
    ev_node *pat = ev__node(P->c, N_TUPLE, hash->line, hash->col, r->n + 1);
    ev_node *out = ev__node(P->c, N_TUPLE, hash->line, hash->col, r->n + 1);
    pat->kid[0] = lit(P, hash, term_atom(name));
    out->kid[0] = lit(P, hash, term_atom(name));
    for (uint32_t i = 0; i < r->n; i++) {
        if (slot[i]) {
            pat->kid[i + 1] = ev__node(P->c, N_WILD, hash->line, hash->col, 0);
            out->kid[i + 1] = slot[i];
        } else {
            atom_t k = fresh_var(P);
            pat->kid[i + 1] = var(P, hash->line, hash->col, k);
            out->kid[i + 1] = var(P, hash->line, hash->col, k);
        }
    }
    free(slot);
    atom_t rec = fresh_var(P);
    ev_node *reason = mk(P, N_TUPLE, &where, 2, (ev_node *[]){
        lit(P, &where, term_atom_s("badrecord")),
        var(P, where.line, where.col, rec) });
    ev_node *raise = mk(P, N_CALL, &where, 3, (ev_node *[]){
        lit(P, &where, term_atom_s("erlang")),
        lit(P, &where, term_atom_s("error")), reason });
    ev_node *ok = mk(P, N_CLAUSE, hash, 3, (ev_node *[]){
        pat, NULL, mk(P, N_SEQ, hash, 1, &out) });
    ev_node *bad = mk(P, N_CLAUSE, hash, 3, (ev_node *[]){
        var(P, hash->line, hash->col, rec), NULL,
        mk(P, N_SEQ, hash, 1, &raise) });
    ev_node *c = mk(P, N_CASE, hash, 3, (ev_node *[]){ base, ok, bad });
    if (!pre.n) {
        free(pre.v);
        return c;
    }
    nv_push(&pre, c);
    return nv_node(P, N_SEQ, hash->line, hash->col, NULL, &pre);
}

/* '#' Name then '{' Fields '}' (a creation, or with `base` an update)
 * or '.' Field (an index, or with `base` an access), as erl_parse's
 * record_expr. `first` is where the expression `base` starts. */
static ev_node *parse_record(parser *P, ev_node *base, const ev_token *hash,
                             const ev_token *first)
{
    atom_t name = P->t->a;
    P->t++;
    if (accept(P, S_PERIOD)) {
        if (P->t->kind != TK_ATOM)
            return syntax_error(P);
        const ev_token *f = P->t++;
        int ri = rec_lookup(P, hash, name);
        if (ri < 0)
            return rec_none(P, hash, base);
        const ev_record *r = &P->rs->r[ri];
        int fi = rec_field(r, f->a);
        if (fi < 0) {
            rec_error(P, f->line, f->col, "field %s undefined in record %s",
                      q(f->a).s, q(name).s);
            return rec_none(P, hash, base);
        }
        if (!base)               /* #r.f: the field's index */
            return lit(P, hash, term_int(fi + 2));
        /* E#r.f: '$record_field'(E, r, Size, I) (eval_ops.c), at the
         * line where E starts, as erl's badrecord error names it */
        return mk(P, N_CALL, first, 6, (ev_node *[]){
            lit(P, first, term_atom_s("erlang")),
            lit(P, first, term_atom_s("$record_field")), base,
            lit(P, first, term_atom(name)), lit(P, first, term_int(r->n + 1)),
            lit(P, first, term_int(fi + 2)) });
    }
    if (!is_sym(P, S_LBRACE))
        return syntax_error(P);
    P->t++;
    nvec fs = { 0 };
    if (!is_sym(P, S_RBRACE)) {
        do {
            const ev_token *at = P->t;
            if (at->kind != TK_ATOM && at->kind != TK_VAR) {
                free(fs.v);
                return syntax_error(P);
            }
            ev_node *k = parse_max(P), *v;
            if (!expect(P, S_EQ) || !(v = parse_expr(P, 0))) {
                free(fs.v);
                return NULL;
            }
            nv_push(&fs, mk(P, N_FIELD, at, 2, (ev_node *[]){ k, v }));
        } while (accept(P, S_COMMA));
    }
    if (!expect(P, S_RBRACE)) {
        free(fs.v);
        return NULL;
    }
    ev_node *e = base ? rec_update(P, base, hash, name, &fs, first)
                      : rec_new(P, hash, name, &fs);
    free(fs.v);
    return e;
}

/* record_info(fields | size, r) and is_record(X, r) (erl_expand_records
 * turns the latter into is_record(X, r, Size)); other calls unchanged. */
static ev_node *rec_call(parser *P, ev_node *n)
{
    if (!n || n->n != 4 || !is_atom_lit(n->kid[1]))
        return n;
    const char *f = atom_text(n->kid[1]->lit->u.atom);
    ev_node *a = n->kid[2], *b = n->kid[3];
    const ev_token at = { .line = n->line, .col = n->col };
    if (!n->kid[0] && !strcmp(f, "record_info")) {
        const char *what = is_atom_lit(a) ? atom_text(a->lit->u.atom) : "";
        bool fields = !strcmp(what, "fields");
        if (!fields && strcmp(what, "size"))
            rec_error(P, a->line, a->col, "illegal record info");
        else if (!is_atom_lit(b))
            rec_error(P, n->line, n->col, "illegal record info");
        else {
            int ri = rec_lookup(P, &at, b->lit->u.atom);
            if (ri >= 0) {
                const ev_record *r = &P->rs->r[ri];
                if (!fields)
                    return lit(P, &at, term_int(r->n + 1));
                term *l = term_nil();
                for (uint32_t i = r->n; i-- > 0;)
                    l = term_cons(term_atom(r->field[i]), l);
                ev_node *e = lit(P, &at, l);
                e->flag = EV_LIT_LIST;
                return e;
            }
        }
        return rec_none(P, &at, NULL);
    }
    if (strcmp(f, "is_record") || !is_atom_lit(b)
        || (n->kid[0] && !(is_atom_lit(n->kid[0])
                           && n->kid[0]->lit->u.atom == atom_intern("erlang"))))
        return n;
    const ev_token bat = { .line = b->line, .col = b->col };
    int ri = rec_lookup(P, &bat, b->lit->u.atom);
    if (ri < 0)
        return rec_none(P, &at, a);
    ev_node *size = lit(P, &at, term_int(P->rs->r[ri].n + 1));
    return mk(P, N_CALL, &at, 5, (ev_node *[]){ n->kid[0], n->kid[1], a, b,
                                                 size });
}

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

/* A segment's type specifiers while they are read: erl_bits' #bittype{}
 * (0: not given). */
typedef struct bittype {
    int type;            /* 1 + ev_bstype */
    int endian;          /* 1 big, 2 little, 3 native */
    int sign;            /* 1 unsigned, 2 signed */
    int unit;            /* 1..256 */
} bittype;

/* erl_bits:merge_field/3: a specifier given twice must agree; "conflict
 * in type specification for bit field: 'binary' and 'integer'" names
 * the later one first. */
static bool merge_spec(parser *P, const ev_node *at, int *field, int v,
                       const char *what, const char *const *names)
{
    if (*field && *field != v) {
        char nv[16], old[16];
        if (names) {
            snprintf(nv, sizeof nv, "%s", names[v - 1]);
            snprintf(old, sizeof old, "%s", names[*field - 1]);
        } else {
            snprintf(nv, sizeof nv, "%d", v);
            snprintf(old, sizeof old, "%d", *field);
        }
        fail_node(P, at, "conflict in %s specification for bit field: "
                  "'%s' and '%s'", what, nv, old);
        return false;
    }
    *field = v;
    return true;
}

/* One bit_type (erl_bits:type_to_record/1) merged into bt; errors at
 * the segment `at`, as erl_lint reports them. */
static bool parse_bit_type(parser *P, const ev_node *at, bittype *bt)
{
    static const char *const types[] = {
        "integer", "float", "binary", "utf8", "utf16", "utf32",
    };
    static const char *const endians[] = { "big", "little", "native" };
    static const char *const signs[] = { "unsigned", "signed" };
    if (P->t->kind != TK_ATOM) {
        syntax_error(P);
        return false;
    }
    atom_t name = P->t->a;
    const char *txt = atom_text(name);
    P->t++;
    if (accept(P, S_COLON)) {
        if (P->t->kind != TK_INT) {
            syntax_error(P);
            return false;
        }
        int64_t v = P->t++->i;
        if (strcmp(txt, "unit") == 0 && v >= 1 && v <= 256)
            return merge_spec(P, at, &bt->unit, (int)v, "unit", NULL);
        strbuf b;
        sb_init(&b);
        sb_puts(&b, "bit type {");
        term_print_atom(&b, name);
        sb_printf(&b, ",%lld} undefined", (long long)v);
        fail_node(P, at, "%s", b.s);
        sb_fini(&b);
        return false;
    }
    for (int i = 0; i < 6; i++)
        if (strcmp(txt, types[i]) == 0)
            return merge_spec(P, at, &bt->type, 1 + i, "type", types);
    if (strcmp(txt, "bytes") == 0 || strcmp(txt, "bits") == 0
        || strcmp(txt, "bitstring") == 0)
        return merge_spec(P, at, &bt->type, 1 + EV_BS_BINARY, "type", types)
            && merge_spec(P, at, &bt->unit, strcmp(txt, "bytes") == 0 ? 8 : 1,
                          "unit", NULL);
    for (int i = 0; i < 3; i++)
        if (strcmp(txt, endians[i]) == 0)
            return merge_spec(P, at, &bt->endian, 1 + i, "endianness", endians);
    for (int i = 0; i < 2; i++)
        if (strcmp(txt, signs[i]) == 0)
            return merge_spec(P, at, &bt->sign, 1 + i, "sign", signs);
    strbuf b;
    sb_init(&b);
    sb_puts(&b, "bit type ");
    term_print_atom(&b, name);
    sb_puts(&b, " undefined");
    fail_node(P, at, "%s", b.s);
    sb_fini(&b);
    return false;
}

/* The rest of a bin_element after its value v (erl_parse: [':'
 * bit_size_expr] ['/' bit_type {'-' bit_type}]), with erl_bits'
 * set_bit_type/2 defaults and erl_lint's checks of them: an N_BINSEG
 * (eval_ast.h). `str`: v is a string literal. */
static ev_node *parse_bin_element(parser *P, ev_node *v, bool str)
{
    bittype bt = { 0 };
    ev_node *size = NULL;
    bool typed = false;
    if (accept(P, S_COLON) && !(size = parse_max(P)))
        return NULL;
    if (accept(P, S_SLASH)) {
        typed = true;
        do {
            if (!parse_bit_type(P, v, &bt))
                return NULL;
        } while (accept(P, S_MINUS));
    }
    ev_bstype type = bt.type ? (ev_bstype)(bt.type - 1) : EV_BS_INTEGER;
    bool sized = size != NULL;
    if (type >= EV_BS_UTF8 && (size || bt.unit))
        return fail_node(P, v, "neither size nor unit must be given for "
                               "segments of type utf8/utf16/utf32");
    if ((type == EV_BS_INTEGER || type == EV_BS_FLOAT) && !size && bt.unit)
        return fail_node(P, v, "a bit unit size must not be specified "
                               "unless a size is specified too");
    if (!size && (type == EV_BS_INTEGER || type == EV_BS_FLOAT)) {
        /* the default size: 8, or 64 for a float */
        size = ev__node(P->c, N_LIT, v->line, v->col, 0);
        size->lit = ev__pool(P->c, term_int(type == EV_BS_FLOAT ? 64 : 8));
    }
    ev_node *seg = ev__node(P->c, N_BINSEG, v->line, v->col, size ? 2 : 1);
    seg->kid[0] = v;
    if (size)
        seg->kid[1] = size;
    /* the default unit: 8 for a binary, else 1 */
    int unit = bt.unit ? bt.unit : type == EV_BS_BINARY ? 8 : 1;
    seg->flag = EV_BS_FLAG(type, unit)
        | (bt.sign == 2 ? EV_BS_SIGNED : 0)
        | (bt.endian >= 2 ? EV_BS_LITTLE : 0)
        | (bt.endian == 3 ? EV_BS_NATIVE : 0)
        | (typed ? EV_BS_TYPED : 0)
        | (sized ? EV_BS_SIZED : 0)
        | (str ? EV_BS_STRING : 0);
    return seg;
}

/* '<<' [bin_element {',' bin_element}] '>>', or a binary comprehension
 * (whose template is the first bit_expr). Each is one level of nesting:
 * `<< << ... >> >>` reaches no parse_expr. */
static ev_node *parse_binary1(parser *P);
static ev_node *parse_binary(parser *P)
{
    if (P->depth >= EV_MAX_NEST)
        return fail_at(P, P->t, "expression nested too deeply (at most %u "
                                "levels)", EV_MAX_NEST);
    P->depth++;
    ev_node *n = parse_binary1(P);
    P->depth--;
    return n;
}

static ev_node *parse_binary1(parser *P)
{
    const ev_token *open = P->t++;
    nvec segs = { 0 };
    if (!is_sym(P, S_GTGT)) {
        do {
            bool str = P->t->kind == TK_STRING;
            ev_node *v = parse_bit_expr(P);
            if (!v)
                goto fail;
            if (segs.n == 0 && is_sym(P, S_BARBAR))
                return parse_lc(P, open, v, true);
            ev_node *seg = parse_bin_element(P, v, str);
            if (!seg)
                goto fail;
            nv_push(&segs, seg);
        } while (accept(P, S_COMMA));
    }
    if (!expect(P, S_GTGT))
        goto fail;
    return nv_node(P, N_BIN, open->line, open->col, NULL, &segs);
fail:
    free(segs.v);
    return NULL;
}

/* The qualifiers of a list comprehension after its template, up to ']'
 * (or '>>' for a binary comprehension, erl_parse's binary_comprehension,
 * whose template is a bit expression; flag 1) (erl_parse's lc_exprs):
 * `Pattern <- Expr` generators (N_GEN: kid[0] the pattern, kid[1] the
 * list), `<<Segments>> <= Expr` binary generators (N_GEN with flag 1;
 * every binary segment of the pattern sized, as erl_lint wants) and
 * filters (N_FILTER: kid[0] the expression, or an N_GUARD around it
 * when it is a guard test, which erl_eval evaluates as a guard:
 * erl_lint:is_guard_test/1). */
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
            /* erl_parse's b_generate: binary '<=' expr */
            if (e->kind != N_BIN) {
                syntax_error(P);
                goto fail;
            }
            const ev_token *arrow = P->t++;
            ev_node *src = parse_expr(P, 0);
            if (!src || ev__pattern(P->c, &e, P->err, P->lint) < 0)
                goto fail;
            for (uint32_t i = 0; i < e->n; i++) {
                const ev_node *seg = e->kid[i];
                if (EV_BS_TYPE(seg->flag) == EV_BS_BINARY && seg->n == 1) {
                    fail_node(P, seg, "binary fields without size are not "
                                      "allowed in patterns of bit string "
                                      "generators");
                    if (!P->lint)
                        goto fail;
                    ev__errs_add(P->lint, P->err);   /* erl_lint's */
                }
            }
            qn = ev__node(P->c, N_GEN, arrow->line, arrow->col, 2);
            qn->kid[0] = e;
            qn->kid[1] = src;
            qn->flag = 1;
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

/* The arity of `fun M:F/A` (after the '/'), and the fun. */
static ev_node *fun_ref(parser *P, const ev_token *kw, atom_t m, atom_t f)
{
    if (P->t->kind != TK_INT)
        return syntax_error(P);
    if (P->t->i < 0 || P->t->i > 255)
        return fail_at(P, P->t, "illegal arity");
    uint32_t arity = (uint32_t)P->t->i;
    P->t++;
    return lit(P, kw, term_fun(m, f, arity));
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
        /* module "" marks a local fun, resolved by the compiler */
        P->t++;
        return fun_ref(P, kw, atom_intern(""), m);
    }
    if (!expect(P, S_COLON))
        return NULL;
    if (P->t->kind != TK_ATOM)
        return syntax_error(P);
    f = P->t->a;
    P->t++;
    if (!expect(P, S_SLASH))
        return NULL;
    return fun_ref(P, kw, m, f);
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

/* '#' then a map (map_expr) or a record expression (record_expr)
 * after `base` (NULL: none), which starts at `start`. */
static ev_node *parse_hash(parser *P, ev_node *base, const ev_token *start)
{
    const ev_token *hash = P->t++;
    if (is_sym(P, S_LBRACE))
        return parse_map(P, base, hash);
    if (P->t->kind != TK_ATOM)
        return syntax_error(P);
    while (start->kind == TK_SYM && start->sym == S_LPAREN)
        start++;             /* erl_parse:first_anno/1 sees no brackets */
    return parse_record(P, base, hash, start);
}

/* expr_max with what may follow it: map and record expressions, each
 * '#' one level deeper, a remote M:F and a call. */
static ev_node *parse_postfix(parser *P)
{
    const ev_token *start = P->t;
    ev_node *e;
    if (is_sym(P, S_HASH)) {
        e = parse_hash(P, NULL, start);
    } else {
        e = parse_max(P);
        if (e && !is_sym(P, S_HASH)) {
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
                return rec_call(P, parse_call(P, mod, e, start->line,
                                              start->col));
            return e;
        }
    }
    for (uint32_t chain = 0; e && is_sym(P, S_HASH);) {
        if (P->depth + ++chain > EV_MAX_NEST)
            return fail_at(P, P->t, "expression nested too deeply (at most "
                                    "%u levels)", EV_MAX_NEST);
        e = parse_hash(P, e, start);
    }
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
    ev_records rs = { .scope = 1 };      /* the shell has no records */
    parser P = { .c = c, .t = toks->t, .err = err, .rs = &rs };
    ev_node *root;
    int rc = -1;
    if (pattern) {
        root = parse_expr(&P, 0);
        if (root && ev__pattern(c, &root, err, NULL) < 0)
            root = NULL;
    } else {
        root = parse_exprs(&P, N_SEQ);
    }
    if (!root)
        goto out;
    if (P.t->kind != TK_DOT) {
        syntax_error(&P);
        goto out;
    }
    rec_settle(&rs);
    if (rs.nerr) {               /* erl_lint's first: `record r undefined` */
        const ev_error *first = &rs.err[0], *e;
        for (e = first + 1; e < rs.err + rs.nerr; e++)
            if (e->line < first->line
                || (e->line == first->line && e->col < first->col))
                first = e;
        *err = *first;
        goto out;
    }
    c->root = root;
    rc = 0;
out:
    ev__records_fini(&rs);
    return rc;
}

/* ---- record definitions and the records' life ---- */

/* Skips a type after '::' (any type syntax: unions, ranges, funs, maps,
 * remote types, binaries) to the ',' or '}' that ends it. */
static bool skip_type(parser *P)
{
    uint32_t depth = 0;
    for (const ev_token *start = P->t;; P->t++) {
        const ev_token *t = P->t;
        if (t->kind == TK_DOT || t->kind == TK_EOF) {
            syntax_error(P);
            return false;
        }
        if (t->kind != TK_SYM)
            continue;
        switch (t->sym) {
        case S_LPAREN: case S_LBRACE: case S_LBRACK: case S_LTLT:
            depth++;
            break;
        case S_RPAREN: case S_RBRACE: case S_RBRACK: case S_GTGT:
            if (depth == 0) {
                if (t->sym == S_RBRACE && t != start)
                    return true;
                syntax_error(P);
                return false;
            }
            depth--;
            break;
        case S_COMMA:
            if (depth == 0 && t != start)
                return true;
            break;
        case S_EQ:           /* `F :: T = D`: the default goes first */
            if (depth == 0) {
                syntax_error(P);
                return false;
            }
            break;
        default:
            break;
        }
    }
}

/* The lint's messages about a default: errors as the record's, the
 * warnings kept for the form. */
static void default_msg(void *ctx, bool warning, int line, int col,
                        const char *msg)
{
    parser *P = ctx;
    if (!warning) {
        rec_error(P, line, col, "%s", msg);
        return;
    }
    ev_error w = { line, col, "" };
    snprintf(w.msg, sizeof w.msg, "%s", msg);
    ev__errs_add(&P->rs->warn, &w);
}

/* A field's default as erl_lint's record_def checks it (its variables
 * must be bound, and none are; its funs' warnings); an error makes it
 * 'undefined', so the record expressions that copy it do not report it
 * again. */
static ev_node *rec_default(parser *P, ev_node *d)
{
    if (d->kind == N_LIT)
        return d;
    uint32_t nerr = P->rs->nerr;
    ev_sink sink = { P, default_msg };
    ev__lint_default(d, &sink);
    if (P->rs->nerr == nerr)
        return d;
    const ev_token at = { .line = d->line, .col = d->col };
    return rec_none(P, &at, NULL);
}

static void rec_free(ev_record *r)
{
    free(r->field);
    free(r->byname);
    free(r->init);
    free(r->dep);
    free(r->dep_at);
    memset(r, 0, sizeof *r);
}

/* A field of a -record form: `F` or `F = Default` (the name's node and
 * the default, or NULL when it is neither: erl_parse's "bad record
 * field"). */
static const ev_node *def_field(const ev_node *e, ev_node **dflt)
{
    *dflt = NULL;
    if (e->kind == N_MATCH && is_atom_lit(e->kid[0])) {
        *dflt = e->kid[1];
        e = e->kid[0];
    }
    return is_atom_lit(e) ? e : NULL;
}

/* erl_lint's record_def of record `name` with the fields of `fields`
 * (an N_TUPLE of def_field forms), from[i] the start of field i's uses
 * in rs->use: *def, unless the record is defined already. */
static void rec_define(parser *P, const ev_form *f, atom_t name,
                       const ev_node *fields, const uint32_t *from,
                       ev_record *def)
{
    ev_records *rs = P->rs;
    for (uint32_t i = 0; i < rs->n; i++) {
        if (rs->r[i].name == name) {
            rs->nerr = rs->warn.n = 0;   /* erl_lint looks no further */
            rec_error(P, f->line, f->col, "record %s already defined",
                      q(name).s);
            return;
        }
    }
    uint32_t n = fields->n;
    atom_t *names = xcalloc(n + 1, sizeof *names);
    bool *dup = xcalloc(n + 1, sizeof *dup);
    ev_node *dflt;
    for (uint32_t i = 0; i < n; i++)
        names[i] = def_field(fields->kid[i], &dflt)->lit->u.atom;
    mark_dups(names, n, dup);
    def->name = name;
    def->line = f->line;
    def->col = f->col;
    def->field = xcalloc(n + 1, sizeof *def->field);
    def->init = xcalloc(n + 1, sizeof *def->init);
    def->dep_at = xcalloc(n + 1, sizeof *def->dep_at);
    def->dep = xcalloc(rs->nuse + 1, sizeof *def->dep);
    for (uint32_t i = 0; i < n; i++) {
        const ev_node *at = def_field(fields->kid[i], &dflt);
        if (dup[i]) {
            rec_error(P, at->line, at->col, "field %s already defined in "
                      "record %s", q(names[i]).s, q(name).s);
            continue;
        }
        uint32_t k = def->n++, d = def->dep_at[k];
        uint32_t end = i + 1 < n ? from[i + 1] : rs->nuse;
        const ev_token tok = { .line = at->line, .col = at->col };
        ev_node *init = ev__node(P->c, N_SEQ, at->line, at->col, 1);
        init->flag = EV_SEQ_INIT;
        init->kid[0] = dflt ? rec_default(P, dflt) : rec_none(P, &tok, NULL);
        def->field[k] = names[i];
        def->init[k] = init;
        for (uint32_t u = from[i]; u < end; u++)
            def->dep[d++] = rs->use[u];
        def->dep_at[k + 1] = d;
    }
    named *v = xcalloc(def->n + 1, sizeof *v);
    for (uint32_t i = 0; i < def->n; i++)
        v[i] = (named){ def->field[i], i };
    qsort(v, def->n, sizeof *v, by_atom);
    def->byname = xcalloc(def->n + 1, sizeof *def->byname);
    for (uint32_t i = 0; i < def->n; i++)
        def->byname[i] = v[i].at;
    free(v);
    free(names);
    free(dup);
}

/* -record(Name, {F, F = Default, F :: Type, F = Default :: Type, ...})
 * after the attribute's name: erl_parse's forms of it and
 * build_attribute's checks ("bad record declaration", "bad record
 * field", syntax errors: the form fails), then rec_define. The types
 * are skipped; the defaults' calls are checked with the module's
 * (eval_mod.c). */
static int parse_record_def(parser *P, const ev_form *f, ev_record *def)
{
    ev_records *rs = P->rs;
    nvec args = { 0 }, fl = { 0 };
    uint32_t *from = NULL;   /* each field's first use in rs->use */
    ev_node *fields = NULL, *dflt;
    int rc = -1;
    if (!expect(P, S_LPAREN))
        return -1;
    do {
        ev_node *e;
        if (args.n == 1 && is_sym(P, S_LBRACE)) {
            const ev_token *open = P->t++;
            if (!is_sym(P, S_RBRACE)) {
                do {
                    rs->scope++;
                    from = xrealloc(from, (fl.n + 1) * sizeof *from);
                    from[fl.n] = rs->nuse;
                    if (!(e = parse_expr(P, 0))
                        || (accept(P, S_COLCOL) && !skip_type(P)))
                        goto out;
                    nv_push(&fl, e);
                } while (accept(P, S_COMMA));
            }
            if (!expect(P, S_RBRACE))
                goto out;
            e = fields = nv_node(P, N_TUPLE, open->line, open->col, NULL, &fl);
        } else if (!(e = parse_expr(P, 0))) {
            goto out;
        }
        nv_push(&args, e);
    } while (accept(P, S_COMMA));
    if (!expect(P, S_RPAREN))
        goto out;
    if (args.n != 2 || !is_atom_lit(args.v[0])) {
        fail_node(P, args.v[0], "bad record declaration");
        goto out;
    }
    if (args.v[1] != fields) {
        fail_node(P, args.v[1], "bad record declaration");
        goto out;
    }
    for (uint32_t i = 0; i < fields->n; i++) {
        if (!def_field(fields->kid[i], &dflt)) {
            fail_node(P, fields->kid[i], "bad record field");
            goto out;
        }
    }
    rec_define(P, f, args.v[0]->lit->u.atom, fields, from, def);
    rc = 0;
out:
    free(args.v);
    free(fl.v);
    free(from);
    return rc;
}

void ev__records_fini(ev_records *rs)
{
    for (uint32_t i = 0; i < rs->n; i++)
        rec_free(&rs->r[i]);
    free(rs->r);
    free(rs->err);
    ev__errs_free(&rs->warn);
    free(rs->pend);
    free(rs->use);
    memset(rs, 0, sizeof *rs);
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
int ev__parse_form(ev_code *c, ev_records *rs, const ev_token **tp,
                   ev_form *f, ev_error *err)
{
    ev_record def = { 0 };
    memset(f, 0, sizeof *f);
    parser P = { .c = c, .t = *tp, .err = err, .module = true,
                 .lint = &f->lint, .rs = rs };
    memset(err, 0, sizeof *err);
    rs->scope++;
    rs->nuse = rs->nerr = rs->npend = rs->nvar = rs->warn.n = 0;
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
        if (!strcmp(atom_text(f->name), "record")) {
            f->kind = EV_FORM_RECORD;
            if (parse_record_def(&P, f, &def) < 0)
                goto fail;
        } else if (!parsed_attribute(f->name)) {
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
    rec_settle(rs);
    if (def.name) {
        if (rs->n == rs->cap) {
            rs->cap = rs->cap ? rs->cap * 2 : 8;
            rs->r = xrealloc(rs->r, rs->cap * sizeof *rs->r);
        }
        rs->r[rs->n++] = def;
    } else if (f->kind == EV_FORM_FUNCTION) {
        for (uint32_t i = 0; i < rs->nuse; i++)
            rs->r[rs->use[i]].used = true;
    }
    *tp = P.t + 1;
    return 0;
fail:
    rec_free(&def);
    rs->nerr = rs->npend = rs->warn.n = 0;
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
