/* eval_pp: the preprocessor, OTP 25's epp (epp:scan_erl_form/1, form by
 * form as compile:file/2 runs it), as a pass over a module's tokens.
 *
 * In: what ev__lex_forms gives, forms each ending with its TK_DOT then
 * TK_EOF (a last form without its TK_DOT is treated as a form and passed
 * on, for the parser to report). Out, in place: the forms that remain,
 * macros expanded, then TK_EOF. Removed, TK_DOT included: -define,
 * -undef, -ifdef, -ifndef, -else, -elif, -endif, -error, -warning, and
 * every form of a branch not taken (never expanded: a -define there
 * defines nothing). Every other form passes with its macros expanded.
 *
 * Semantics, checked against erlc 25 (tests/test_eval_pp.c quotes it):
 * - Forms are independent: a macro's arguments never run past its form.
 *   Directives are recognized on the raw tokens ("-" then the atom);
 *   -module(Name) is read after expansion and defines ?MODULE and
 *   ?MODULE_STRING for the forms after it (before it: "undefined macro
 *   'MODULE'").
 * - Expansion is epp:expand_macros/2's textual substitution: arguments
 *   are split at top-level commas (epp:macro_arg/3 nests () [] {} << >>
 *   and begin/if/case/receive/try/cond/fun ... end) and substituted
 *   unexpanded; a macro with parameters is then rescanned together with
 *   the rest of the form, a constant one (-define(N, B)) is expanded on
 *   its own first and then rescanned with the rest. ?N(Args) of a name
 *   whose only definition is the constant one is that constant followed
 *   by (Args); otherwise the definition of that arity, or "argument
 *   mismatch". Overloads by arity coexist; -undef removes them all.
 * - Positions (epp:expand_macro/4): every token of an expansion carries
 *   the position of the macro's name (the token after '?'), except the
 *   tokens of an argument, which keep their own; a body token after an
 *   argument takes the position of that argument's last token. ?LINE is
 *   the line of its name token, so inside a macro body it is the line of
 *   the outermost use.
 * - ??Arg (epp:stringify/2): a string of the argument's tokens joined by
 *   one space each, however they were written ("X * 2", "foo ( 1 , 2 )"),
 *   each as epp:token_src/1 writes it (punctuation and names bare, atoms
 *   quoted where needed, strings and $chars with io_lib:write_string/1's
 *   escapes). In a body, ??V of a V that is no parameter is just V.
 * - Predefined: ?FILE (the `file` argument), ?LINE, ?MODULE,
 *   ?MODULE_STRING, ?MACHINE ('BEAM'), ?BEAM (true), ?OTP_RELEASE (25),
 *   ?FEATURE_AVAILABLE(F), ?FEATURE_ENABLED(F) (maybe_expr is available,
 *   none enabled), ?FUNCTION_NAME and ?FUNCTION_ARITY: read from the head
 *   of the form once its other macros are expanded (epp:update_fun_name/2,
 *   whose arity count this keeps exactly: f([]) has arity 0 for it).
 * - Circular macros: epp:check_uses/4's test of the uses recorded when
 *   each macro was defined, before each expansion; the same first cycle
 *   is reported ("circular macro 'A'"), searched with memory of what was
 *   found clean since the last -define or -undef, so it stays linear.
 * - Errors are epp:format_error/1's texts at epp's positions: the first
 *   error stops the pass (erlc would go on and report them all).
 *   Unterminated conditionals are reported at the end of the text.
 *
 * Bounds (no OTP counterpart: epp would loop or run out of memory): one
 * module's expansions may make at most PP_MAX_TOKENS tokens and
 * PP_MAX_CHARS characters of strings, and scan at most PP_MAX_STEPS
 * tokens; beyond, "macro expansion too large" at the use being expanded.
 * Nothing here recurses on the input: expansion works on an explicit
 * stack, the circularity test is an iterative depth-first search, and
 * -error's term reader stops at EV_MAX_NEST levels.
 *
 * Not done: -include and -include_lib (clustersim has no include path:
 * an error at the file name), -if and the -elif that would be evaluated
 * (an error: use -ifdef), -file (passed on unchanged, not renumbering
 * lines), -feature (passed on), -warning (removed: there is no channel
 * for warnings). -error(Term) reads numbers, atoms, strings, tuples and
 * lists; a map or binary there is "badly formed 'error'". */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/erl/eval_ast.h"
#include "core/term/xalloc.h"

#define PP_MAX_TOKENS (1u << 19)
#define PP_MAX_CHARS (1u << 22)
#define PP_MAX_STEPS (1u << 23)
#define PP_OTP_RELEASE 25
#define NONE (-1)                 /* the arity of ?NAME without parentheses */

/* ---- token vectors: each token owns its string ---- */

typedef struct tokvec {
    ev_token *t;
    size_t n, cap;
} tokvec;

static void tv_push(tokvec *v, ev_token t)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 16;
        v->t = xrealloc(v->t, v->cap * sizeof *v->t);
    }
    v->t[v->n++] = t;
}

static void tv_free(tokvec *v)
{
    for (size_t i = 0; i < v->n; i++)
        free(v->t[i].s);
    free(v->t);
    memset(v, 0, sizeof *v);
}

/* A copy of t with its own string. */
static ev_token tok_copy(const ev_token *t)
{
    ev_token c = *t;
    if (t->kind == TK_STRING) {
        c.s = xmalloc((t->slen ? t->slen : 1) * sizeof *c.s);
        if (t->slen)
            memcpy(c.s, t->s, t->slen * sizeof *c.s);
    }
    return c;
}

/* t itself, its string now the result's. */
static ev_token tok_take(ev_token *t)
{
    ev_token r = *t;
    t->s = NULL;
    t->slen = 0;
    return r;
}

static bool is_sym(const ev_token *t, ev_sym s)
{
    return t && t->kind == TK_SYM && t->sym == s;
}

static bool is_name(const ev_token *t)
{
    return t && (t->kind == TK_ATOM || t->kind == TK_VAR);
}

static bool is_atom(const ev_token *t, const char *text)
{
    return t && t->kind == TK_ATOM && strcmp(atom_text(t->a), text) == 0;
}

/* ---- a map from 64-bit keys to indexes (open addressing) ---- */

typedef struct pp_map {
    uint64_t *key;
    uint32_t *val;              /* index + 1; 0: empty slot */
    size_t cap, n;
} pp_map;

static size_t map_hash(uint64_t k, size_t cap)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    return (size_t)k & (cap - 1);
}

static uint32_t map_get(const pp_map *m, uint64_t key)
{
    if (!m->cap)
        return UINT32_MAX;
    for (size_t i = map_hash(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
        if (!m->val[i])
            return UINT32_MAX;
        if (m->key[i] == key)
            return m->val[i] - 1;
    }
}

static void map_put(pp_map *m, uint64_t key, uint32_t val);

static void map_grow(pp_map *m)
{
    pp_map old = *m;
    m->cap = old.cap ? old.cap * 2 : 64;
    m->key = xcalloc(m->cap, sizeof *m->key);
    m->val = xcalloc(m->cap, sizeof *m->val);
    m->n = 0;
    for (size_t i = 0; i < old.cap; i++)
        if (old.val[i])
            map_put(m, old.key[i], old.val[i] - 1);
    free(old.key);
    free(old.val);
}

/* Adds a key that is not there yet. */
static void map_put(pp_map *m, uint64_t key, uint32_t val)
{
    if (2 * (m->n + 1) > m->cap)
        map_grow(m);
    size_t i = map_hash(key, m->cap);
    while (m->val[i])
        i = (i + 1) & (m->cap - 1);
    m->key[i] = key;
    m->val[i] = val + 1;
    m->n++;
}

static void map_free(pp_map *m)
{
    free(m->key);
    free(m->val);
}

/* ---- the macros ---- */

/* A use of a macro in a body: NAME and the arity of the use (epp's
 * macro_ref/1). */
typedef struct pp_use {
    atom_t name;
    int arity;
} pp_use;

/* One definition, -define(NAME, Body) (arity NONE) or
 * -define(NAME(P1, ...), Body). */
typedef struct pp_def {
    int arity;
    atom_t *par;
    tokvec body;
    pp_use *uses;               /* sorted and unique, as lists:usort */
    size_t nuses;
    bool builtin;               /* FEATURE_*: epp records no uses for them */
} pp_def;

typedef enum pp_kind {
    M_NONE,      /* no macro (removed by -undef) */
    M_UNDEF,     /* predefined without a value (epp's `undefined`) */
    M_VALUE,     /* predefined: one token */
    M_USER       /* defined: one pp_def per arity */
} pp_kind;

typedef struct pp_macro {
    atom_t name;
    pp_kind kind;
    ev_token value;             /* M_VALUE */
    pp_def *defs;               /* M_USER */
    size_t ndefs, capdefs;
} pp_macro;

/* What the circularity search remembers of a use NAME/arity. */
typedef struct pp_mark {
    uint32_t path;              /* == pp.gen: on the current search path */
    uint32_t clean;             /* == pp.version: no cycle reachable */
} pp_mark;

typedef struct pp {
    pp_macro *mac;
    size_t nmac, capmac;
    pp_map mac_index;           /* atom -> mac */
    pp_mark *mark;
    size_t nmark, capmark;
    pp_map mark_index;          /* (atom, arity) -> mark */
    uint32_t version, gen;
    size_t made, chars, steps;  /* the bounds' counters */
    int use_line, use_col;      /* the use being expanded, for them */
    ev_sym *close;              /* macro_arg's stack of closing tokens */
    size_t capclose;
    ev_error *err;
} pp;

static int pp_error(pp *P, const ev_token *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int pp_error(pp *P, const ev_token *at, const char *fmt, ...)
{
    va_list ap;
    P->err->line = at->line;
    P->err->col = at->col;
    va_start(ap, fmt);
    vsnprintf(P->err->msg, sizeof P->err->msg, fmt, ap);
    va_end(ap);
    return -1;
}

/* "NAME" or "NAME/2", as epp's messages name a macro. */
static const char *macro_label(char *buf, size_t size, atom_t name, int arity)
{
    if (arity == NONE)
        snprintf(buf, size, "%s", atom_text(name));
    else
        snprintf(buf, size, "%s/%d", atom_text(name), arity);
    return buf;
}

static pp_macro *macro_find(pp *P, atom_t name)
{
    uint32_t i = map_get(&P->mac_index, name);
    return i == UINT32_MAX || P->mac[i].kind == M_NONE ? NULL : &P->mac[i];
}

/* The entry of `name`, made (M_NONE) when there is none. */
static pp_macro *macro_entry(pp *P, atom_t name)
{
    uint32_t i = map_get(&P->mac_index, name);
    if (i != UINT32_MAX)
        return &P->mac[i];
    if (P->nmac == P->capmac) {
        P->capmac = P->capmac ? P->capmac * 2 : 32;
        P->mac = xrealloc(P->mac, P->capmac * sizeof *P->mac);
    }
    pp_macro *m = &P->mac[P->nmac];
    memset(m, 0, sizeof *m);
    m->name = name;
    map_put(&P->mac_index, name, (uint32_t)P->nmac++);
    return m;
}

static void def_free(pp_def *d)
{
    free(d->par);
    tv_free(&d->body);
    free(d->uses);
}

/* Forgets every definition of m (-undef, and the end). */
static void macro_clear(pp_macro *m)
{
    for (size_t i = 0; i < m->ndefs; i++)
        def_free(&m->defs[i]);
    free(m->defs);
    free(m->value.s);
    m->defs = NULL;
    m->ndefs = m->capdefs = 0;
    m->value.s = NULL;
    m->kind = M_NONE;
}

/* Makes m a predefined macro whose value is t (ownership taken). */
static void macro_set_value(pp_macro *m, ev_token t)
{
    macro_clear(m);
    m->kind = M_VALUE;
    m->value = t;
}

static void macro_add_def(pp_macro *m, pp_def d)
{
    if (m->ndefs == m->capdefs) {
        m->capdefs = m->capdefs ? m->capdefs * 2 : 2;
        m->defs = xrealloc(m->defs, m->capdefs * sizeof *m->defs);
    }
    m->defs[m->ndefs++] = d;
    m->kind = M_USER;
}

static pp_def *def_of_arity(pp_macro *m, int arity)
{
    for (size_t i = 0; i < m->ndefs; i++)
        if (m->defs[i].arity == arity)
            return &m->defs[i];
    return NULL;
}

static ev_token mk_token(ev_tokkind kind, int line, int col)
{
    ev_token t;
    memset(&t, 0, sizeof t);
    t.kind = kind;
    t.line = line;
    t.col = col;
    return t;
}

/* A string token of the characters of UTF-8 text s[0..n). */
static ev_token mk_string(const char *s, size_t n, int line, int col)
{
    ev_token t = mk_token(TK_STRING, line, col);
    t.s = xmalloc((n ? n : 1) * sizeof *t.s);
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i++];
        uint32_t u = c;
        int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
        if (more)
            u = c & (0x3F >> more);
        for (; more > 0 && i < n; more--)
            u = (u << 6) | ((unsigned char)s[i++] & 0x3F);
        t.s[t.slen++] = u;
    }
    return t;
}

/* FEATURE_AVAILABLE(X) and FEATURE_ENABLED(X), as epp:ftr_macro/1 makes
 * them for OTP 25 (maybe_expr available, nothing enabled). */
static void predef_feature(pp *P, const char *name, const char *body)
{
    ev_tokens bt;
    ev_error e;
    if (ev__lex(body, &bt, &e) < 0)
        abort();                 /* a constant text above */
    pp_def d;
    memset(&d, 0, sizeof d);
    d.arity = 1;
    d.builtin = true;
    d.par = xmalloc(sizeof *d.par);
    d.par[0] = atom_intern("X");
    for (size_t i = 0; i + 2 < bt.n; i++)   /* without TK_DOT, TK_EOF */
        tv_push(&d.body, tok_take(&bt.t[i]));
    ev__tokens_free(&bt);
    macro_add_def(macro_entry(P, atom_intern(name)), d);
}

/* epp:predef_macros/2. */
static void predef(pp *P, const char *file)
{
    static const char *const undefined[] = {
        "FUNCTION_NAME", "FUNCTION_ARITY", "MODULE", "MODULE_STRING",
        "BASE_MODULE", "BASE_MODULE_STRING",
    };
    for (size_t i = 0; i < sizeof undefined / sizeof undefined[0]; i++)
        macro_entry(P, atom_intern(undefined[i]))->kind = M_UNDEF;
    macro_set_value(macro_entry(P, atom_intern("FILE")),
                    mk_string(file, strlen(file), 1, 1));
    ev_token t = mk_token(TK_INT, 1, 1);
    t.i = 1;
    macro_set_value(macro_entry(P, atom_intern("LINE")), t);
    t = mk_token(TK_ATOM, 1, 1);
    t.a = atom_intern("BEAM");
    macro_set_value(macro_entry(P, atom_intern("MACHINE")), t);
    t.a = atom_intern("true");
    macro_set_value(macro_entry(P, atom_intern("BEAM")), t);
    t = mk_token(TK_INT, 1, 1);
    t.i = PP_OTP_RELEASE;
    macro_set_value(macro_entry(P, atom_intern("OTP_RELEASE")), t);
    predef_feature(P, "FEATURE_AVAILABLE", "((X) == maybe_expr)");
    predef_feature(P, "FEATURE_ENABLED", "false");
}

static void pp_free(pp *P)
{
    for (size_t i = 0; i < P->nmac; i++)
        macro_clear(&P->mac[i]);
    free(P->mac);
    map_free(&P->mac_index);
    free(P->mark);
    map_free(&P->mark_index);
    free(P->close);
}

/* ---- the bounds ---- */

/* Beyond a bound: an error at the use whose expansion was going on. */
static int too_large(pp *P)
{
    ev_token at_tok = mk_token(TK_EOF, P->use_line, P->use_col);
    if (P->steps > PP_MAX_STEPS)
        return pp_error(P, &at_tok, "macro expansion too long (more than "
                        "%u tokens scanned)", PP_MAX_STEPS);
    if (P->chars > PP_MAX_CHARS)
        return pp_error(P, &at_tok, "macro expansion too large (more than "
                        "%u characters of strings)", PP_MAX_CHARS);
    return pp_error(P, &at_tok, "macro expansion too large (more than %u "
                    "tokens)", PP_MAX_TOKENS);
}

/* One more token looked at. */
static int step(pp *P)
{
    return ++P->steps > PP_MAX_STEPS ? too_large(P) : 0;
}

/* Appends a token made by an expansion. */
static int made(pp *P, tokvec *v, ev_token t)
{
    P->made++;
    P->chars += t.kind == TK_STRING ? t.slen : 0;
    tv_push(v, t);
    if (P->made > PP_MAX_TOKENS || P->chars > PP_MAX_CHARS)
        return too_large(P);
    return 0;
}

/* ---- reading macro calls ---- */

/* Tokens in the order they come: an array (a macro body), or the
 * expansion's input stack read from its top. A barrier (TK_EOF) ends
 * the view, as its end does. */
typedef struct tview {
    const ev_token *t;
    size_t n;
    bool stack;
} tview;

static const ev_token *at(const tview *v, size_t k)
{
    if (k >= v->n)
        return NULL;
    const ev_token *t = v->stack ? &v->t[v->n - 1 - k] : &v->t[k];
    return t->kind == TK_EOF ? NULL : t;
}

/* The closing token a token opens, for epp:macro_arg/3; S__COUNT: none. */
static ev_sym opener(const tview *v, size_t k)
{
    const ev_token *t = at(v, k);
    if (!t || t->kind != TK_SYM)
        return S__COUNT;
    switch (t->sym) {
    case S_LPAREN: return S_RPAREN;
    case S_LTLT: return S_GTGT;
    case S_LBRACK: return S_RBRACK;
    case S_LBRACE: return S_RBRACE;
    case K_BEGIN: case K_IF: case K_CASE: case K_RECEIVE: case K_TRY:
    case K_COND:
        return K_END;
    case K_FUN:
        /* fun (...) ... end and fun Name(...) ... end; not fun m:f/1 */
        if (is_sym(at(v, k + 1), S_LPAREN)
            || (at(v, k + 1) && at(v, k + 1)->kind == TK_VAR
                && is_sym(at(v, k + 2), S_LPAREN)))
            return K_END;
        return S__COUNT;
    default:
        return S__COUNT;
    }
}

/* epp:macro_arg/3: from position k, the tokens of one argument; *end is
 * where it stops, at a top-level ',' or ')' or the end of the view. */
static int macro_arg(pp *P, const tview *v, size_t k, size_t *end)
{
    size_t depth = 0;
    for (;; k++) {
        const ev_token *t = at(v, k);
        if (!t)
            break;
        if (step(P) < 0)
            return -1;
        if (depth == 0 && (is_sym(t, S_COMMA) || is_sym(t, S_RPAREN)))
            break;
        ev_sym close = opener(v, k);
        if (close != S__COUNT) {
            if (depth == P->capclose) {
                P->capclose = P->capclose ? P->capclose * 2 : 32;
                P->close = xrealloc(P->close, P->capclose * sizeof *P->close);
            }
            P->close[depth++] = close;
            if (is_sym(t, K_FUN) && at(v, k + 1)->kind == TK_VAR)
                k++;             /* fun Name( */
        } else if (depth > 0 && t->kind == TK_SYM
                   && t->sym == P->close[depth - 1]) {
            depth--;
        }
    }
    *end = k;
    return 0;
}

static int arg_error(pp *P, const ev_token *name)
{
    return pp_error(P, name, "badly formed argument for macro '%s'",
                    atom_text(name->a));
}

/* epp:count_args/3: how many arguments follow the macro name (the view
 * starts just after it): NONE when no '(' follows. */
static int count_args(pp *P, const tview *v, const ev_token *name, int *arity)
{
    if (!is_sym(at(v, 0), S_LPAREN)) {
        *arity = NONE;
        return 0;
    }
    if (is_sym(at(v, 1), S_RPAREN)) {
        *arity = 0;
        return 0;
    }
    if (is_sym(at(v, 1), S_COMMA))
        return arg_error(P, name);
    size_t k;
    if (macro_arg(P, v, 1, &k) < 0)
        return -1;
    for (int n = 1;; n++) {
        const ev_token *t = at(v, k);
        if (!t)
            return arg_error(P, name);
        if (is_sym(t, S_RPAREN)) {
            *arity = n;
            return 0;
        }
        /* a ',' */
        if (is_sym(at(v, k + 1), S_RPAREN))
            return arg_error(P, name);
        if (macro_arg(P, v, k + 1, &k) < 0)
            return -1;
    }
}

/* ---- circular macros ---- */

static uint64_t use_key(atom_t name, int arity)
{
    return (uint64_t)name << 32 | (uint32_t)(arity + 1);
}

static uint32_t mark_of(pp *P, atom_t name, int arity)
{
    uint64_t key = use_key(name, arity);
    uint32_t i = map_get(&P->mark_index, key);
    if (i != UINT32_MAX)
        return i;
    if (P->nmark == P->capmark) {
        P->capmark = P->capmark ? P->capmark * 2 : 64;
        P->mark = xrealloc(P->mark, P->capmark * sizeof *P->mark);
    }
    P->mark[P->nmark] = (pp_mark){0, 0};
    map_put(&P->mark_index, key, (uint32_t)P->nmark);
    return (uint32_t)P->nmark++;
}

/* epp:get_macro_uses/2: the uses recorded by the definition of that
 * arity, else by the constant one, else none. */
static void uses_of(pp *P, atom_t name, int arity, const pp_use **u,
                    size_t *n)
{
    *u = NULL;
    *n = 0;
    pp_macro *m = macro_find(P, name);
    if (!m || m->kind != M_USER)
        return;
    const pp_def *d = NULL;
    for (size_t i = 0; i < m->ndefs && !d; i++)
        if (!m->defs[i].builtin && m->defs[i].arity == arity)
            d = &m->defs[i];
    for (size_t i = 0; i < m->ndefs && !d; i++)
        if (!m->defs[i].builtin && m->defs[i].arity == NONE)
            d = &m->defs[i];
    if (d) {
        *u = d->uses;
        *n = d->nuses;
    }
}

typedef struct frame {
    uint32_t mark;
    const pp_use *u;
    size_t n, i;
} frame;

/* epp:check_uses/4 from NAME/arity: the uses, depth first in their
 * order, must not come back to one on the current path. A use whose
 * search ended clean is not searched again until a -define or -undef. */
static int check_uses(pp *P, atom_t name, int arity, const ev_token *at_tok)
{
    frame *st = NULL;
    size_t n = 0, cap = 0;
    uint32_t gen = ++P->gen;
    pp_use next = {name, arity};
    bool pending = true;
    int rc = 0;
    for (;;) {
        if (pending) {
            pending = false;
            uint32_t m = mark_of(P, next.name, next.arity);
            if (P->mark[m].path == gen) {
                char buf[160];
                rc = pp_error(P, at_tok, "circular macro '%s'",
                              macro_label(buf, sizeof buf, next.name,
                                          next.arity));
                break;
            }
            if (P->mark[m].clean != P->version) {
                P->mark[m].path = gen;
                if (n == cap) {
                    cap = cap ? cap * 2 : 16;
                    st = xrealloc(st, cap * sizeof *st);
                }
                st[n] = (frame){m, NULL, 0, 0};
                uses_of(P, next.name, next.arity, &st[n].u, &st[n].n);
                n++;
            }
        }
        if (n == 0)
            break;
        frame *f = &st[n - 1];
        if (f->i < f->n) {
            next = f->u[f->i++];
            pending = true;
        } else {
            P->mark[f->mark].path = 0;
            P->mark[f->mark].clean = P->version;
            n--;
        }
    }
    free(st);
    return rc;
}

/* ---- -define ---- */

static int param_index(const pp_def *d, atom_t v)
{
    for (int i = 0; i < d->arity; i++)
        if (d->par[i] == v)
            return i;
    return -1;
}

static int use_cmp(const void *a, const void *b)
{
    const pp_use *x = a, *y = b;
    if (x->name != y->name) {
        size_t lx = atom_len(x->name), ly = atom_len(y->name);
        int c = memcmp(atom_text(x->name), atom_text(y->name),
                       lx < ly ? lx : ly);
        if (c)
            return c;
        return lx < ly ? -1 : 1;
    }
    /* numbers sort before the atom none */
    if (x->arity == y->arity)
        return 0;
    if (x->arity == NONE)
        return 1;
    if (y->arity == NONE)
        return -1;
    return x->arity < y->arity ? -1 : 1;
}

/* epp:macro_uses/1: the macros a body uses, with the arity of each use
 * (errors in a use's arguments are the definition's errors). */
static int macro_uses(pp *P, pp_def *d)
{
    tokvec *b = &d->body;
    size_t cap = 0;
    for (size_t i = 0; i + 1 < b->n; i++) {
        if (!is_sym(&b->t[i], S_QUEST))
            continue;
        if (is_sym(&b->t[i + 1], S_QUEST)) {
            i++;
            continue;
        }
        if (!is_name(&b->t[i + 1]))
            continue;
        tview v = {b->t + i + 2, b->n - i - 2, false};
        int arity;
        if (count_args(P, &v, &b->t[i + 1], &arity) < 0)
            return -1;
        if (d->nuses == cap) {
            cap = cap ? cap * 2 : 4;
            d->uses = xrealloc(d->uses, cap * sizeof *d->uses);
        }
        d->uses[d->nuses++] = (pp_use){b->t[i + 1].a, arity};
        i++;
    }
    if (d->nuses) {
        qsort(d->uses, d->nuses, sizeof *d->uses, use_cmp);
        size_t k = 1;
        for (size_t i = 1; i < d->nuses; i++)
            if (use_cmp(&d->uses[i], &d->uses[k - 1]) != 0)
                d->uses[k++] = d->uses[i];
        d->nuses = k;
    }
    return 0;
}

/* The first token of ts[0..n), else t0 (epp:no_match/2). */
static const ev_token *no_match(const ev_token *ts, size_t n,
                                const ev_token *t0)
{
    return n ? &ts[0] : t0;
}

/* epp:find_mismatch/3: NULL when ts[0..n) is exactly `tags`, else the
 * token to blame. Tags: ( ) , as themselves, n an atom or variable,
 * s a string (adjacent strings count as one, as epp:coalesce_strings/1
 * makes them), . the final dot. */
static const ev_token *mismatch(const ev_token *ts, size_t n,
                                const char *tags, const ev_token *t0)
{
    size_t k = 0;
    for (; *tags && k < n; tags++) {
        const ev_token *t = &ts[k];
        bool ok;
        switch (*tags) {
        case '(': ok = is_sym(t, S_LPAREN); break;
        case ')': ok = is_sym(t, S_RPAREN); break;
        case ',': ok = is_sym(t, S_COMMA); break;
        case 'n': ok = is_name(t); break;
        case 's': ok = t->kind == TK_STRING; break;
        default: ok = t->kind == TK_DOT; break;
        }
        if (!ok)
            break;
        t0 = t;
        k++;
        if (*tags == 's')
            while (k < n && ts[k].kind == TK_STRING)
                k++;
    }
    if (!*tags && k == n)
        return NULL;
    return no_match(ts + k, n - k, t0);
}

/* epp:macro_expansion/2: the body, up to the final ") .". */
static int macro_body(pp *P, const ev_token *ts, size_t n, const ev_token *t0,
                      pp_def *d)
{
    for (size_t k = 0;; k++) {
        if (k == n)
            return pp_error(P, t0, "premature end");
        if (k + 2 == n && is_sym(&ts[k], S_RPAREN) && ts[k + 1].kind == TK_DOT)
            break;
        if (k + 1 == n && ts[k].kind == TK_DOT)
            return pp_error(P, &ts[k], "badly formed define: missing "
                            "closing right parenthesis");
        t0 = &ts[k];
    }
    for (size_t k = 0; k + 2 < n; k++)
        tv_push(&d->body, tok_copy(&ts[k]));
    return 0;
}

static int bad(pp *P, const ev_token *at_tok, const char *what)
{
    return pp_error(P, at_tok, "badly formed '%s'", what);
}

/* epp:macro_pars/3 then the body: ts starts after the '(' (t0). */
static int macro_params(pp *P, const ev_token *ts, size_t n,
                        const ev_token *t0, pp_def *d)
{
    size_t k = 0, cap = 0;
    while (!(k < n && is_sym(&ts[k], S_RPAREN))) {
        if (d->arity > 0) {      /* after a parameter: ", Var" */
            if (!(k + 1 < n && is_sym(&ts[k], S_COMMA)
                  && ts[k + 1].kind == TK_VAR))
                return bad(P, no_match(ts + k, n - k, t0), "define");
            k++;
        } else if (!(k < n && ts[k].kind == TK_VAR)) {
            return bad(P, no_match(ts + k, n - k, t0), "define");
        }
        const ev_token *v = &ts[k++];
        if (param_index(d, v->a) >= 0)
            return pp_error(P, v, "argument '%s' already used",
                            atom_text(v->a));
        if ((size_t)d->arity == cap) {
            cap = cap ? cap * 2 : 4;
            d->par = xrealloc(d->par, cap * sizeof *d->par);
        }
        d->par[d->arity++] = v->a;
        t0 = v;
    }
    const ev_token *rp = &ts[k++];
    if (!(k < n && is_sym(&ts[k], S_COMMA)))
        return pp_error(P, no_match(ts + k, n - k, rp),
                        "badly formed define: missing comma");
    return macro_body(P, ts + k + 1, n - k - 1, &ts[k], d);
}

/* epp:scan_define/4: f[0..n) is the form, "- define ...". */
static int pp_define(pp *P, const ev_token *f, size_t n)
{
    const ev_token *r = f + 2;
    size_t nr = n - 2;
    if (!(nr >= 2 && is_sym(&r[0], S_LPAREN) && is_name(&r[1])))
        return bad(P, mismatch(r, nr, "(n", &f[1]), "define");
    const ev_token *mac = &r[1];
    pp_def d;
    memset(&d, 0, sizeof d);
    int rc;
    if (nr > 2 && is_sym(&r[2], S_COMMA)) {
        d.arity = NONE;
        rc = macro_body(P, r + 3, nr - 3, &r[2], &d);
    } else if (nr > 2 && is_sym(&r[2], S_LPAREN)) {
        rc = macro_params(P, r + 3, nr - 3, &r[2], &d);
    } else {
        rc = bad(P, no_match(r + 2, nr - 2, &f[1]), "define");
    }
    if (rc == 0) {
        pp_macro *m = macro_find(P, mac->a);
        if (m && m->kind == M_USER && def_of_arity(m, d.arity))
            rc = pp_error(P, mac, "redefining macro '%s'", atom_text(mac->a));
        else if (m && m->kind != M_USER)
            rc = pp_error(P, mac, "redefining predefined macro '%s'",
                          atom_text(mac->a));
        else {
            P->use_line = mac->line;   /* where a bound would stop it */
            P->use_col = mac->col;
            rc = macro_uses(P, &d);
        }
    }
    if (rc < 0) {
        def_free(&d);
        return -1;
    }
    macro_add_def(macro_entry(P, mac->a), d);
    P->version++;
    return 0;
}

/* ---- expansion ---- */

/* One form's expansion, epp:expand_macros/2 on an explicit stack. */
typedef struct xp {
    pp *P;
    tokvec in;        /* what is still to scan: the next token is the last */
    tokvec out;
    /* A constant macro's body is expanded on its own: a barrier (a
     * TK_EOF token in `in`) ends it, and bar holds the length `out` had
     * when it began; at the barrier, what was made since goes back on
     * `in`, to be scanned again with the rest (epp: Toks1 ++ Toks). */
    size_t *bar;
    size_t nbar, capbar;
    bool inner;       /* finding the function's name: leave ?FUNCTION_* */
    const ev_token *form;   /* the raw form, for ?FUNCTION_NAME */
    size_t nform;
    bool fn_known;
    atom_t fn_name;
    int fn_arity;
} xp;

static void xp_free(xp *X)
{
    tv_free(&X->in);
    tv_free(&X->out);
    free(X->bar);
}

static tview xp_view(const xp *X)
{
    return (tview){X->in.t, X->in.n, true};
}

/* Pushes e's tokens on the input, e[0] on top; e is left empty. */
static void push_all(xp *X, tokvec *e)
{
    for (size_t i = e->n; i-- > 0;)
        tv_push(&X->in, e->t[i]);
    free(e->t);
    memset(e, 0, sizeof *e);
}

/* Appends code points of ASCII or UTF-8 text. */
typedef struct codes {
    uint32_t *c;
    size_t n, cap;
} codes;

static void cput(codes *s, uint32_t c)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 32;
        s->c = xrealloc(s->c, s->cap * sizeof *s->c);
    }
    s->c[s->n++] = c;
}

static void cputs(codes *s, const char *text)
{
    ev_token t = mk_string(text, strlen(text), 0, 0);
    for (size_t i = 0; i < t.slen; i++)
        cput(s, t.s[i]);
    free(t.s);
}

/* io_lib's string_char/4 for unicode_as_unicode; q the quote, or -1. */
static void put_string_char(codes *s, uint32_t c, int64_t q)
{
    static const struct { uint32_t c; char e; } esc[] = {
        {'\n', 'n'}, {'\r', 'r'}, {'\t', 't'}, {'\v', 'v'}, {'\b', 'b'},
        {'\f', 'f'}, {27, 'e'}, {127, 'd'},
    };
    if ((int64_t)c == q || c == '\\') {
        cput(s, '\\');
        cput(s, c);
        return;
    }
    if ((c >= ' ' && c <= '~') || c >= 160) {
        cput(s, c);
        return;
    }
    for (size_t i = 0; i < sizeof esc / sizeof esc[0]; i++) {
        if (esc[i].c == c) {
            cput(s, '\\');
            cput(s, (uint32_t)esc[i].e);
            return;
        }
    }
    cput(s, '\\');
    cput(s, '0' + (c >> 6));
    cput(s, '0' + ((c >> 3) & 7));
    cput(s, '0' + (c & 7));
}

/* epp:token_src/1. */
static void token_src(codes *s, const ev_token *t)
{
    strbuf b;
    sb_init(&b);
    switch (t->kind) {
    case TK_DOT: sb_puts(&b, "."); break;
    case TK_SYM: sb_puts(&b, ev__sym_text(t->sym)); break;
    case TK_VAR: sb_puts(&b, atom_text(t->a)); break;
    case TK_ATOM: {              /* ~w: quoted as needed, \x{..} past latin-1 */
        term_print_atom(&b, t->a);
        ev_token q = mk_string(b.s, b.len, 0, 0);
        for (size_t i = 0; i < q.slen; i++) {
            if (q.s[i] < 256) {
                cput(s, q.s[i]);
            } else {
                char hex[16];
                snprintf(hex, sizeof hex, "\\x{%X}", (unsigned)q.s[i]);
                cputs(s, hex);
            }
        }
        free(q.s);
        sb_fini(&b);
        return;
    }
    case TK_INT: sb_printf(&b, "%lld", (long long)t->i); break;
    case TK_FLOAT: {
        term *x = term_float(t->f);
        term_print(&b, x, NULL);
        term_unref(x);
        break;
    }
    case TK_CHAR:                /* io_lib:write_char/1 */
        if (t->i == ' ') {
            sb_puts(&b, "$\\s");
        } else {
            cput(s, '$');
            put_string_char(s, (uint32_t)t->i, -1);
        }
        break;
    case TK_STRING:              /* io_lib:write_string/1 */
        cput(s, '"');
        for (size_t i = 0; i < t->slen; i++)
            put_string_char(s, t->s[i], '"');
        cput(s, '"');
        break;
    case TK_EOF: break;
    }
    if (b.len)
        cputs(s, b.s);
    sb_fini(&b);
}

/* epp:stringify/2: one string token of the tokens a[0..n). */
static ev_token stringify(const tokvec *a, int line, int col)
{
    codes s = {0};
    for (size_t i = 0; i < a->n; i++) {
        if (i)
            cput(&s, ' ');
        token_src(&s, &a->t[i]);
    }
    ev_token t = mk_token(TK_STRING, line, col);
    t.s = s.c ? s.c : xmalloc(sizeof *t.s);
    t.slen = s.n;
    return t;
}

/* epp:expand_macro/4: the body of d with the arguments (NULL for a
 * constant) in place of the parameters, positioned as the file comment
 * says, pushed on the input. */
static int substitute(xp *X, const pp_def *d, const tokvec *args,
                      const ev_token *name)
{
    pp *P = X->P;
    const tokvec *b = &d->body;
    tokvec e = {0};
    int line = name->line, col = name->col;
    for (size_t i = 0; i < b->n;) {
        const ev_token *t = &b->t[i];
        int j = -1;
        ev_token c;
        if (t->kind == TK_VAR) {
            j = args ? param_index(d, t->a) : -1;
            i++;
            if (j >= 0) {
                for (size_t k = 0; k < args[j].n; k++)
                    if (made(P, &e, tok_copy(&args[j].t[k])) < 0)
                        goto fail;
                if (args[j].n) {
                    line = args[j].t[args[j].n - 1].line;
                    col = args[j].t[args[j].n - 1].col;
                }
                continue;
            }
            c = *t;
        } else if (is_sym(t, S_QUEST) && i + 2 < b->n
                   && is_sym(&b->t[i + 1], S_QUEST)
                   && b->t[i + 2].kind == TK_VAR) {
            t = &b->t[i + 2];
            j = args ? param_index(d, t->a) : -1;
            i += 3;
            if (j >= 0) {
                if (made(P, &e, stringify(&args[j], line, col)) < 0)
                    goto fail;
                continue;
            }
            c = *t;              /* ??V of no parameter: V */
        } else {
            c = tok_copy(t);
            i++;
        }
        c.line = line;
        c.col = col;
        if (made(P, &e, c) < 0)
            goto fail;
    }
    push_all(X, &e);
    return 0;
fail:
    tv_free(&e);
    return -1;
}

/* Takes the top k tokens of the input into v, in order. */
static void take_top(xp *X, size_t k, tokvec *v)
{
    for (size_t i = 0; i < k; i++)
        tv_push(v, X->in.t[--X->in.n]);
}

static void drop_top(xp *X)
{
    X->in.n--;
    free(X->in.t[X->in.n].s);
}

/* epp:bind_args/5: takes "(A1, ..., An)" off the input into args. */
static int bind_args(xp *X, const pp_def *d, const ev_token *name,
                     tokvec *args)
{
    pp *P = X->P;
    drop_top(X);                 /* ( */
    for (int j = 0; j < d->arity; j++) {
        tview v = xp_view(X);
        size_t k;
        if (macro_arg(P, &v, 0, &k) < 0)
            return -1;
        if (k == 0)
            return pp_error(P, name, "argument mismatch for macro '%s'",
                            atom_text(name->a));
        take_top(X, k, &args[j]);
        v = xp_view(X);
        const ev_token *t = at(&v, 0);
        if (!t)
            return arg_error(P, name);
        if (!is_sym(t, j + 1 < d->arity ? S_COMMA : S_RPAREN))
            return pp_error(P, name, "argument mismatch for macro '%s'",
                            atom_text(name->a));
        drop_top(X);
    }
    if (d->arity == 0)
        drop_top(X);             /* ) */
    return 0;
}

/* epp:expand_macros/4 for the use ?NAME (the name just taken off the
 * input). */
static int expand_use(xp *X, const ev_token *name)
{
    pp *P = X->P;
    P->use_line = name->line;
    P->use_col = name->col;
    tview v = xp_view(X);
    int arity;
    char buf[160];
    if (count_args(P, &v, name, &arity) < 0)
        return -1;
    pp_macro *m = macro_find(P, name->a);
    const pp_def *d = NULL;
    if (!m || m->kind == M_UNDEF)
        return pp_error(P, name, "undefined macro '%s'",
                        macro_label(buf, sizeof buf, name->a, arity));
    if (m->kind == M_USER) {
        d = m->ndefs == 1 && m->defs[0].arity == NONE ? &m->defs[0]
                                                      : def_of_arity(m, arity);
        if (!d)
            return pp_error(P, name, "argument mismatch for macro '%s'",
                            atom_text(name->a));
    }
    if (check_uses(P, name->a, d ? d->arity : NONE, name) < 0)
        return -1;
    if (!d || d->arity == NONE) {
        if (X->nbar == X->capbar) {
            X->capbar = X->capbar ? X->capbar * 2 : 8;
            X->bar = xrealloc(X->bar, X->capbar * sizeof *X->bar);
        }
        X->bar[X->nbar++] = X->out.n;
        tv_push(&X->in, mk_token(TK_EOF, name->line, name->col));
        if (d)
            return substitute(X, d, NULL, name);
        ev_token c = tok_copy(&m->value);
        c.line = name->line;
        c.col = name->col;
        tokvec e = {0};
        if (made(P, &e, c) < 0) {
            tv_free(&e);
            return -1;
        }
        push_all(X, &e);
        return 0;
    }
    tokvec *args = xcalloc((size_t)d->arity + 1, sizeof *args);
    int rc = bind_args(X, d, name, args);
    if (rc == 0)
        rc = substitute(X, d, args, name);
    for (int j = 0; j < d->arity; j++)
        tv_free(&args[j]);
    free(args);
    return rc;
}

static int xp_run(xp *X);

/* epp:update_fun_name_1/4: the arity of a head "f(" ... */
static int head_arity(const ev_token *t, size_t n)
{
    int level = 1, arity = 0;
    for (size_t i = 0; i < n; i++) {
        bool sym = t[i].kind == TK_SYM;
        ev_sym s = t[i].sym;
        if (sym && s == S_COMMA) {
            if (level == 1)
                arity++;
        } else if (sym && (s == S_LPAREN || s == S_LBRACE || s == S_LBRACK
                           || s == S_LTLT)) {
            level++;
        } else if (sym && (s == S_RPAREN || s == S_RBRACE || s == S_RBRACK
                           || s == S_GTGT)) {
            if (level == 1)
                return arity;
            level--;
        } else if (arity == 0) {
            arity = 1;
        }
    }
    return arity;
}

/* epp:update_fun_name/2: the name and arity of the function this form
 * defines, from the form with its other macros expanded. */
static int function_name(xp *X, const ev_token *use)
{
    pp *P = X->P;
    if (X->fn_known)
        return 0;
    xp in = {.P = P, .inner = true};
    for (size_t i = X->nform; i-- > 0;)
        tv_push(&in.in, tok_copy(&X->form[i]));
    ev_error saved = *P->err;
    int irc = xp_run(&in), rc = 0;
    *P->err = saved;
    const tokvec *o = &in.out;
    X->fn_known = true;
    if (irc < 0) {               /* the form's own error comes later */
        X->fn_name = atom_intern("_");
        X->fn_arity = 0;
    } else if (o->n >= 2 && o->t[0].kind == TK_ATOM
               && is_sym(&o->t[1], S_LPAREN)) {
        X->fn_name = o->t[0].a;
        X->fn_arity = head_arity(o->t + 2, o->n - 2);
    } else if (o->n >= 1 && is_sym(&o->t[0], S_QUEST)) {
        rc = pp_error(P, use, "?%s must not begin a form", atom_text(use->a));
    } else {
        rc = pp_error(P, use, "?%s can only be used within a function",
                      atom_text(use->a));
    }
    xp_free(&in);
    return rc;
}

/* Scans X->in to the end, expanding every macro into X->out. */
static int xp_run(xp *X)
{
    pp *P = X->P;
    atom_t a_line = atom_intern("LINE");
    atom_t a_fname = atom_intern("FUNCTION_NAME");
    atom_t a_farity = atom_intern("FUNCTION_ARITY");
    while (X->in.n > 0) {
        ev_token t = X->in.t[--X->in.n];
        if (step(P) < 0) {
            free(t.s);
            return -1;
        }
        if (t.kind == TK_EOF) {  /* a constant's body is done */
            size_t b = X->bar[--X->nbar];
            for (size_t i = X->out.n; i-- > b;)
                tv_push(&X->in, X->out.t[i]);
            X->out.n = b;
            continue;
        }
        tview v = xp_view(X);
        const ev_token *nt = at(&v, 0);
        if (!is_sym(&t, S_QUEST) || !nt) {
            tv_push(&X->out, t);
            continue;
        }
        if (!is_name(nt)) {      /* epp: {call, [$? | ~tp of the symbol]} */
            strbuf b;
            sb_init(&b);
            if (nt->kind == TK_DOT) {
                sb_puts(&b, "dot");
            } else if (nt->kind == TK_SYM) {
                term_print_atom(&b, atom_intern(ev__sym_text(nt->sym)));
            } else if (nt->kind == TK_STRING) {
                term *l = term_nil();
                for (size_t i = nt->slen; i-- > 0;)
                    l = term_cons(term_int(nt->s[i]), l);
                term_print(&b, l, NULL);
                term_unref(l);
            } else if (nt->kind == TK_FLOAT) {
                term *x = term_float(nt->f);
                term_print(&b, x, NULL);
                term_unref(x);
            } else {
                sb_printf(&b, "%lld", (long long)nt->i);
            }
            pp_error(P, nt, "illegal macro call '?%s'", b.s);
            sb_fini(&b);
            return -1;
        }
        ev_token name = X->in.t[--X->in.n];
        if (name.kind == TK_VAR && name.a == a_line) {
            ev_token l = mk_token(TK_INT, name.line, name.col);
            l.i = name.line;
            tv_push(&X->out, l);
        } else if (name.kind == TK_VAR
                   && (name.a == a_fname || name.a == a_farity)) {
            if (X->inner) {
                tv_push(&X->out, t);
                tv_push(&X->out, name);
                continue;
            }
            if (function_name(X, &name) < 0)
                return -1;
            ev_token r = mk_token(name.a == a_fname ? TK_ATOM : TK_INT,
                                  name.line, name.col);
            r.a = X->fn_name;
            r.i = X->fn_arity;
            tv_push(&X->out, r);
        } else if (expand_use(X, &name) < 0) {
            return -1;
        }
    }
    return 0;
}

/* ---- -error and -warning: erl_parse:parse_term/1 of literals ---- */

static term *read_term(const ev_token *t, size_t n, size_t *k, unsigned depth);

/* Terms separated by ',' up to `close` (already past the opener); the
 * tail after '|' when `tail` is given. NULL on a syntax error. */
static term **read_seq(const ev_token *t, size_t n, size_t *k, unsigned depth,
                       ev_sym close, term **tail, uint32_t *count)
{
    term **el = NULL;
    uint32_t m = 0, cap = 0;
    if (*k < n && is_sym(&t[*k], close)) {
        (*k)++;
        *count = 0;
        return xmalloc(sizeof *el);
    }
    for (;;) {
        term *x = read_term(t, n, k, depth);
        if (!x)
            goto fail;
        if (m == cap) {
            cap = cap ? cap * 2 : 4;
            el = xrealloc(el, cap * sizeof *el);
        }
        el[m++] = x;
        if (*k < n && is_sym(&t[*k], S_COMMA)) {
            (*k)++;
            continue;
        }
        if (tail && *k < n && is_sym(&t[*k], S_BAR)) {
            (*k)++;
            if (!(*tail = read_term(t, n, k, depth)))
                goto fail;
        }
        if (*k < n && is_sym(&t[*k], close)) {
            (*k)++;
            *count = m;
            return el;
        }
        goto fail;
    }
fail:
    for (uint32_t i = 0; i < m; i++)
        term_unref(el[i]);
    free(el);
    if (tail && *tail) {
        term_unref(*tail);
        *tail = NULL;
    }
    return NULL;
}

static term *read_term(const ev_token *t, size_t n, size_t *k, unsigned depth)
{
    if (*k >= n || depth > EV_MAX_NEST)
        return NULL;
    const ev_token *x = &t[(*k)++];
    switch (x->kind) {
    case TK_INT: case TK_CHAR: return term_int(x->i);
    case TK_FLOAT: return term_float(x->f);
    case TK_ATOM: return term_atom(x->a);
    case TK_STRING: {            /* adjacent strings are one */
        size_t e = *k;
        while (e < n && t[e].kind == TK_STRING)
            e++;
        term *l = term_nil();
        for (size_t j = e; j-- > *k - 1;)
            for (size_t i = t[j].slen; i-- > 0;)
                l = term_cons(term_int(t[j].s[i]), l);
        *k = e;
        return l;
    }
    case TK_SYM: break;
    default: return NULL;
    }
    uint32_t m;
    term **el, *tail = NULL, *r;
    switch (x->sym) {
    case S_MINUS: case S_PLUS: {
        const ev_token *y = *k < n ? &t[*k] : NULL;
        if (!y || (y->kind != TK_INT && y->kind != TK_CHAR
                   && y->kind != TK_FLOAT))
            return NULL;
        (*k)++;
        bool neg = x->sym == S_MINUS;
        if (y->kind == TK_FLOAT)
            return term_float(neg ? -y->f : y->f);
        if (neg && y->i == INT64_MIN)
            return NULL;
        return term_int(neg ? -y->i : y->i);
    }
    case S_LPAREN:
        r = read_term(t, n, k, depth + 1);
        if (r && *k < n && is_sym(&t[*k], S_RPAREN)) {
            (*k)++;
            return r;
        }
        term_unref(r);
        return NULL;
    case S_LBRACE:
        if (!(el = read_seq(t, n, k, depth + 1, S_RBRACE, NULL, &m)))
            return NULL;
        r = term_tuple(m, el);
        free(el);
        return r;
    case S_LBRACK:
        if (!(el = read_seq(t, n, k, depth + 1, S_RBRACK, &tail, &m)))
            return NULL;
        r = term_list(m, el, tail);
        free(el);
        return r;
    default:
        return NULL;
    }
}

/* epp:scan_err_warn/4: -error(Term). is an error, -warning(Term). is
 * dropped (no warnings here), once Term reads. */
static int pp_err_warn(pp *P, const ev_token *f, size_t n)
{
    const char *what = atom_text(f[1].a);
    if (!(n > 2 && is_sym(&f[2], S_LPAREN)))
        return bad(P, no_match(f + 2, n - 2, &f[1]), what);
    xp X = {.P = P};             /* no function around: ?FUNCTION_NAME fails */
    for (size_t i = n; i-- > 2;)
        tv_push(&X.in, tok_copy(&f[i]));
    ev_error saved = *P->err;
    int rc = xp_run(&X);
    *P->err = saved;
    term *x = NULL;
    size_t k = 0;
    if (rc == 0)
        x = read_term(X.out.t, X.out.n, &k, 0);
    bool ok = x && k + 1 == X.out.n && X.out.t[k].kind == TK_DOT;
    xp_free(&X);
    if (!ok) {
        term_unref(x);
        return bad(P, &f[1], what);
    }
    if (strcmp(what, "warning") == 0) {
        term_unref(x);
        return 0;
    }
    strbuf b;
    sb_init(&b);
    sb_puts(&b, "-error(");
    term_pp_opts o = {8, 80, -1, -1, false};   /* ~tp after "-error(" */
    term_print_pp(&b, x, NULL, &o);
    sb_puts(&b, ").");
    term_unref(x);
    pp_error(P, &f[1], "%s", b.s);
    sb_fini(&b);
    return -1;
}

/* ---- conditionals ---- */

typedef enum cond { C_IFDEF, C_IFNDEF, C_IF, C_ELSE, C_ELIF } cond;
static const char *const cond_name[] = {"ifdef", "ifndef", "if", "else",
                                        "elif"};

typedef struct cstack {
    uint8_t *c;
    size_t n, cap;
} cstack;

static void cs_push(cstack *s, cond c)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->c = xrealloc(s->c, s->cap);
    }
    s->c[s->n++] = (uint8_t)c;
}

static bool defined(pp *P, atom_t name)
{
    pp_macro *m = macro_find(P, name);
    return m && m->kind != M_UNDEF;
}

/* ---- forms ---- */

/* epp:scan_module/2: -module(Name) defines ?MODULE and ?MODULE_STRING. */
static void scan_module(pp *P, const ev_token *t, size_t n)
{
    if (n >= 5 && is_sym(&t[0], S_MINUS) && is_atom(&t[1], "module")
        && is_sym(&t[2], S_LPAREN) && t[3].kind == TK_ATOM
        && (is_sym(&t[4], S_RPAREN) || is_sym(&t[4], S_COMMA))) {
        macro_set_value(macro_entry(P, atom_intern("MODULE")), t[3]);
        macro_set_value(macro_entry(P, atom_intern("MODULE_STRING")),
                        mk_string(atom_text(t[3].a), atom_len(t[3].a),
                                  t[3].line, t[3].col));
        P->version++;
    }
}

/* A form that is no directive: expanded, onto out. */
static int pp_plain(pp *P, ev_token *f, size_t n, tokvec *out)
{
    size_t start = out->n;
    bool any = false;
    for (size_t i = 0; i < n && !any; i++)
        any = is_sym(&f[i], S_QUEST);
    if (!any) {
        for (size_t i = 0; i < n; i++)
            tv_push(out, tok_take(&f[i]));
    } else {
        xp X = {.P = P, .form = f, .nform = n};
        P->use_line = f[0].line;
        P->use_col = f[0].col;
        for (size_t i = n; i-- > 0;)
            tv_push(&X.in, tok_copy(&f[i]));
        if (xp_run(&X) < 0) {
            xp_free(&X);
            return -1;
        }
        for (size_t i = 0; i < X.out.n; i++)
            tv_push(out, tok_take(&X.out.t[i]));
        xp_free(&X);
    }
    scan_module(P, out->t + start, out->n - start);
    return 0;
}

static const char *directive(const ev_token *f, size_t n)
{
    if (n < 2 || !is_sym(&f[0], S_MINUS))
        return NULL;
    if (is_sym(&f[1], K_IF))
        return "if";
    return f[1].kind == TK_ATOM ? atom_text(f[1].a) : NULL;
}

typedef struct pass {
    pp P;
    cstack istk;      /* the conditionals being taken (epp's istk) */
    cstack skip;      /* while skipping: the conditionals skipped (Sis) */
    tokvec out;
} pass;

static int unsupported_if(pp *P, const ev_token *f, size_t n, const char *d)
{
    if (!(n > 2 && is_sym(&f[2], S_LPAREN)))
        return bad(P, no_match(f + 2, n - 2, &f[1]), "if");
    return pp_error(P, &f[1],
                    "-%s is not supported (use -ifdef or -ifndef)", d);
}

/* A form of a branch not taken (epp:skip_toks/3). */
static int skip_form(pass *S, const ev_token *f, size_t n)
{
    const char *d = directive(f, n);
    cstack *k = &S->skip;
    if (!d)
        return 0;
    if (!strcmp(d, "ifdef")) {
        cs_push(k, C_IFDEF);
    } else if (!strcmp(d, "ifndef")) {
        cs_push(k, C_IFNDEF);
    } else if (!strcmp(d, "if")) {
        cs_push(k, C_IF);
    } else if (!strcmp(d, "else")) {
        if (k->c[k->n - 1] == C_ELSE)
            return pp_error(&S->P, &f[1], "repeated '-else'");
        if (k->c[k->n - 1] == C_ELIF) {
            k->c[k->n - 1] = C_ELSE;
        } else if (k->n == 1) {
            k->n = 0;
            cs_push(&S->istk, C_ELSE);
        }
    } else if (!strcmp(d, "elif")) {
        if (k->c[k->n - 1] == C_ELSE)
            return pp_error(&S->P, &f[1], "'elif' following 'else'");
        if (k->n == 1)
            return unsupported_if(&S->P, f, n, "elif");
    } else if (!strcmp(d, "endif")) {
        k->n--;
    }
    return 0;
}

/* A form while taking a branch (epp:scan_toks/3). */
static int scan_form(pass *S, ev_token *f, size_t n)
{
    pp *P = &S->P;
    const char *d = directive(f, n);
    const ev_token *r = f + 2;
    size_t nr = n >= 2 ? n - 2 : 0;
    const ev_token *bad_at;
    if (!d)
        return pp_plain(P, f, n, &S->out);
    if (!strcmp(d, "define"))
        return pp_define(P, f, n);
    if (!strcmp(d, "undef")) {
        if ((bad_at = mismatch(r, nr, "(n).", &f[1])))
            return bad(P, bad_at, "undef");
        pp_macro *m = macro_find(P, r[1].a);
        if (m)
            macro_clear(m);
        P->version++;
        return 0;
    }
    if (!strcmp(d, "include") || !strcmp(d, "include_lib")) {
        if ((bad_at = mismatch(r, nr, "(s).", &f[1])))
            return bad(P, bad_at, d);
        return pp_error(P, &r[1], "-%s is not supported (put the "
                        "definitions in the module)", d);
    }
    if (!strcmp(d, "ifdef") || !strcmp(d, "ifndef")) {
        if ((bad_at = mismatch(r, nr, "(n).", &f[1])))
            return bad(P, bad_at, d);
        bool ifdef = !strcmp(d, "ifdef");
        if (defined(P, r[1].a) == ifdef)
            cs_push(&S->istk, ifdef ? C_IFDEF : C_IFNDEF);
        else
            cs_push(&S->skip, ifdef ? C_IFDEF : C_IFNDEF);
        return 0;
    }
    if (!strcmp(d, "else") || !strcmp(d, "endif")) {
        if (!(nr == 1 && r[0].kind == TK_DOT))
            return bad(P, no_match(r, nr, &f[1]), d);
        cstack *k = &S->istk;
        if (k->n == 0)
            return pp_error(P, &f[1], "unbalanced '-%s'", d);
        if (!strcmp(d, "endif")) {
            k->n--;
        } else if (k->c[k->n - 1] == C_ELSE) {
            return pp_error(P, &f[1], "repeated '-else'");
        } else {
            k->n--;
            cs_push(&S->skip, C_ELSE);
        }
        return 0;
    }
    if (!strcmp(d, "if"))
        return unsupported_if(P, f, n, "if");
    if (!strcmp(d, "elif")) {
        cstack *k = &S->istk;
        if (k->n == 0 || k->c[k->n - 1] == C_ELSE)
            return pp_error(P, &f[1], "unbalanced '-elif'");
        k->n--;
        cs_push(&S->skip, C_ELIF);
        return 0;
    }
    if (!strcmp(d, "error") || !strcmp(d, "warning"))
        return pp_err_warn(P, f, n);
    return pp_plain(P, f, n, &S->out);
}

int ev__pp(ev_tokens *toks, const char *file, ev_error *err)
{
    pass S;
    memset(&S, 0, sizeof S);
    memset(err, 0, sizeof *err);
    S.P.err = err;
    S.P.version = 1;
    predef(&S.P, file ? file : "");
    int rc = 0;
    size_t i = 0;
    while (rc == 0 && toks->t[i].kind != TK_EOF) {
        size_t j = i;
        while (toks->t[j].kind != TK_DOT && toks->t[j].kind != TK_EOF)
            j++;
        size_t end = toks->t[j].kind == TK_DOT ? j + 1 : j;
        if (S.skip.n)
            rc = skip_form(&S, toks->t + i, end - i);
        else
            rc = scan_form(&S, toks->t + i, end - i);
        for (size_t k = i; k < end; k++) {
            free(toks->t[k].s);
            toks->t[k].s = NULL;
        }
        i = end;
    }
    const ev_token *eof = &toks->t[i];
    if (rc == 0 && (S.skip.n || S.istk.n)) {
        cstack *k = S.skip.n ? &S.skip : &S.istk;
        rc = pp_error(&S.P, eof, "unterminated '-%s'",
                      cond_name[k->c[k->n - 1]]);
    }
    if (rc == 0)
        tv_push(&S.out, *eof);
    pp_free(&S.P);
    free(S.istk.c);
    free(S.skip.c);
    ev__tokens_free(toks);
    if (rc < 0) {
        tv_free(&S.out);
        return -1;
    }
    toks->t = S.out.t;
    toks->n = S.out.n;
    return 0;
}
