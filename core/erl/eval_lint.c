/* eval_lint: erl_lint's checks of variables and guards (OTP 25), for the
 * shell and for modules.
 *
 * The shell runs them on each top-level expression just before it is
 * evaluated, against the bindings of that moment (shell:exprs/7 ->
 * erl_eval:check_command/2), and keeps the first error (ev__lint). A
 * module's function gets all of them, errors and warnings, as
 * erl_lint:module/3 reports them (ev__lint_function): unbound and unsafe
 * variables, unused ones (function arguments too; `_X` is exempt),
 * variables a fun head or a generator shadows, exported variables
 * matched again, the stack variable of a catch clause, what a guard may
 * not hold, and the sizes of a binary pattern's segments (guard
 * expressions over what is bound before the pattern and what the
 * segments before them bind). A record's defaults are checked once, at
 * the record (ev__lint_default); where an expression puts one in, it
 * gives no warning again.
 *
 * The model is erl_lint's variable table (erl_lint's vtupdate, vtmerge,
 * vtnew, vtold, ...): for each variable its state (bound, exported from a
 * case / if / receive, unsafe in some construct, or a catch clause's stack
 * variable while its guard is checked), whether it has been used, and the
 * places that bind it (one per clause that binds it). Each expression
 * yields the table of the variables it touched, bound or used, which the
 * caller folds into what the next expression sees. Errors do not stop the
 * walk: a failing variable counts as bound and used from there on, so each
 * is reported once, as erl_lint does.
 *
 * Invariants: a table is sorted by atom, each name at most once; a set of
 * places is sorted by (line, column), one entry per place, and never
 * changed once made (tables share them; they live in the lint's arena);
 * every table a function makes is freed before it returns, except the
 * one it fills for its caller. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/erl/eval_ast.h"
#include "core/term/xalloc.h"

/* ---- pointer sets (the facts) ---- */

void ev__ptrs_add(ev_ptrs *s, const void *p)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = p;
}

bool ev__ptrs_has(const ev_ptrs *s, const void *p)
{
    for (uint32_t i = 0; i < s->n; i++)
        if (s->v[i] == p)
            return true;
    return false;
}

void ev__facts_free(ev_lint_facts *f)
{
    free(f->unused.v);
    free(f->fresh.v);
    memset(f, 0, sizeof *f);
}

/* ---- variable tables ---- */

typedef struct lplace {
    int line, col;
    const ev_node *at;       /* the binding occurrence (an N_VAR, or the
                              * N_FUN of a named fun) */
} lplace;

typedef struct lplaces {
    uint32_t n;
    lplace p[];
} lplaces;

enum { LV_BOUND, LV_EXPORT, LV_UNSAFE, LV_STACK };

typedef struct lvar {
    atom_t name;
    uint8_t state;
    bool used;
    const char *what;        /* LV_EXPORT, LV_UNSAFE: 'case', 'try', ... */
    int line, col;           /* where that construct starts */
    const lplaces *at;       /* where it is bound; NULL: nowhere known */
} lvar;

typedef struct lvt {
    lvar *v;
    uint32_t n, cap;
} lvt;

static const lvt none;        /* the empty table */

typedef struct lint_ctx {
    const ev_module *mod;    /* the function's module, or NULL */
    bool shell;              /* a shell command (ev__lint) */
    const ev_sink *sink;     /* every message (a module's), or NULL */
    ev_lint_facts *facts;    /* or NULL */
    ev_error *err;           /* the first error and its reason (the shell) */
    term **reason;
    bool failed;
    uint32_t bitsize;        /* > 0: in the size of a binary pattern's
                              * segment (erl_lint's bin_seg_size context) */
    uint32_t quiet;          /* > 0: in a record default an expression
                              * put in (its record was checked: no
                              * warnings again) */
    bool recdef_top;         /* in a record's default, outside its funs
                              * and comprehensions: no variable may be
                              * bound (erl_lint's recdef_top) */
    ev_arena arena;          /* the sets of places */
} lint_ctx;

static const lvar *lvt_find(const lvt *t, atom_t name)
{
    uint32_t lo = 0, hi = t->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (t->v[mid].name == name)
            return &t->v[mid];
        if (t->v[mid].name < name)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* The entry of name, made (zeroed but for the name) if missing. */
static lvar *lvt_slot(lvt *t, atom_t name, bool *made)
{
    uint32_t lo = 0, hi = t->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (t->v[mid].name == name) {
            *made = false;
            return &t->v[mid];
        }
        if (t->v[mid].name < name)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 8;
        t->v = xrealloc(t->v, t->cap * sizeof *t->v);
    }
    memmove(&t->v[lo + 1], &t->v[lo], (t->n - lo) * sizeof *t->v);
    t->n++;
    memset(&t->v[lo], 0, sizeof t->v[lo]);
    t->v[lo].name = name;
    *made = true;
    return &t->v[lo];
}

static void lvt_free(lvt *t)
{
    free(t->v);
    memset(t, 0, sizeof *t);
}

/* Adds v, replacing any entry of its name. */
static void lvt_set(lvt *t, const lvar *v)
{
    bool made;
    *lvt_slot(t, v->name, &made) = *v;
}

static int place_cmp(const lplace *a, const lplace *b)
{
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    return a->col < b->col ? -1 : a->col > b->col;
}

/* The union of two sets of places (merge_annos). */
static const lplaces *places_union(lint_ctx *L, const lplaces *a,
                                   const lplaces *b)
{
    if (!a || a == b)
        return b ? b : a;
    if (!b)
        return a;
    lplaces *u = ev__arena_alloc(&L->arena,
                                 sizeof *u + (a->n + b->n) * sizeof u->p[0]);
    uint32_t i = 0, j = 0;
    while (i < a->n || j < b->n) {
        int c = i == a->n ? 1 : j == b->n ? -1 : place_cmp(&a->p[i], &b->p[j]);
        u->p[u->n++] = c <= 0 ? a->p[i] : b->p[j];
        i += c <= 0;
        j += c >= 0;
    }
    if (u->n == a->n)
        return a;
    return u->n == b->n ? b : u;
}

static const lplaces *place_of(lint_ctx *L, const ev_node *n)
{
    lplaces *p = ev__arena_alloc(&L->arena, sizeof *p + sizeof p->p[0]);
    p->n = 1;
    p->p[0] = (lplace){ n->line, n->col, n };
    return p;
}

static int state_rank(const lvar *v)
{
    return v->state == LV_UNSAFE ? 2 : v->state == LV_EXPORT ? 1 : 0;
}

/* How lvt_fold combines the two entries of one name. */
enum {
    J_SRC,                   /* src's state: dst = vtupdate(src, dst) */
    J_DST,                   /* dst's state: dst = vtupdate(dst, src) */
    J_MERGE,                 /* merge_state: dst = vtmerge(dst, src) */
    J_PAT                    /* the same, and used: vtmerge_pat(dst, src) */
};

/* Folds src into dst: a name only in src is copied; for a name in both,
 * the state as `how` says, used if either is, the places of both. */
static void lvt_fold(lint_ctx *L, lvt *dst, const lvt *src, int how)
{
    for (uint32_t i = 0; i < src->n; i++) {
        const lvar *s = &src->v[i];
        bool made;
        lvar *d = lvt_slot(dst, s->name, &made);
        if (made) {
            *d = *s;
            continue;
        }
        lvar r = *d;
        if (how == J_SRC || ((how == J_MERGE || how == J_PAT)
                             && state_rank(s) > state_rank(d)))
            r = *s;
        r.used = d->used || s->used || how == J_PAT;
        r.at = places_union(L, d->at, s->at);
        *d = r;
    }
}

static void lvt_copy(lvt *dst, const lvt *src)
{
    dst->n = 0;
    for (uint32_t i = 0; i < src->n; i++)
        lvt_set(dst, &src->v[i]);
}

/* out gets the entries of t whose name is in `other` (in: vtold) or is
 * not (vtnew, vtsubtract); other may be NULL, the empty table. */
static void lvt_select(lvt *out, const lvt *t, const lvt *other, bool in)
{
    for (uint32_t i = 0; i < t->n; i++)
        if ((other && lvt_find(other, t->v[i].name)) == in)
            lvt_set(out, &t->v[i]);
}

/* dst = vtupdate(vtsubtract(dst, upd), upd): upd's entries replace
 * those of their names whole (a new binding shadows). */
static void lvt_shadow(lvt *dst, const lvt *upd)
{
    for (uint32_t i = 0; i < upd->n; i++)
        lvt_set(dst, &upd->v[i]);
}

/* vtunsafe: the entries of upd that vt does not know, unsafe in the
 * construct `what` at `at`, folded into out over its own. */
static void lvt_unsafe(lint_ctx *L, lvt *out, const lvt *upd, const lvt *vt,
                       const char *what, const ev_node *at)
{
    lvt u = { 0 };
    lvt_select(&u, upd, vt, false);
    for (uint32_t i = 0; i < u.n; i++) {
        u.v[i].state = LV_UNSAFE;
        u.v[i].what = what;
        u.v[i].line = at->line;
        u.v[i].col = at->col;
    }
    lvt_fold(L, out, &u, J_SRC);
    lvt_free(&u);
}

/* ---- messages ---- */

static void put_var(strbuf *b, const char *pre, atom_t v, const char *post)
{
    sb_puts(b, pre);
    term_print_atom(b, v);
    sb_puts(b, post);
}

/* An error at `at`: every one to the sink, the first one (with its reason,
 * whose ownership is taken) to the shell's err. */
static void lint_error(lint_ctx *L, const ev_node *at, strbuf *msg,
                       term *reason)
{
    if (L->sink)
        L->sink->put(L->sink->ctx, false, at->line, at->col, msg->s);
    if (L->err && !L->failed) {
        L->failed = true;
        L->err->line = at->line;
        L->err->col = at->col;
        snprintf(L->err->msg, sizeof L->err->msg, "%s", msg->s);
        *L->reason = reason;
        reason = NULL;
    }
    term_unref(reason);
    sb_fini(msg);
}

static void lint_warning(lint_ctx *L, int line, int col, strbuf *msg)
{
    if (L->sink && !L->quiet)
        L->sink->put(L->sink->ctx, true, line, col, msg->s);
    sb_fini(msg);
}

/* v is an N_VAR, or `_` (N_WILD) used as a value. */
static void err_unbound(lint_ctx *L, const ev_node *v)
{
    atom_t name = v->kind == N_WILD ? atom_intern("_") : v->name;
    strbuf b;
    sb_init(&b);
    put_var(&b, "variable ", name, " is unbound");
    lint_error(L, v, &b, term_tuplev(2, term_atom_s("unbound"),
                                     term_atom(name)));
}

static void err_unsafe(lint_ctx *L, const ev_node *at, const lvar *v)
{
    strbuf b;
    sb_init(&b);
    put_var(&b, "variable ", v->name, "");
    sb_printf(&b, " unsafe in '%s' (line %d, column %d)", v->what, v->line,
              v->col);
    lint_error(L, at, &b, term_tuplev(
        3, term_atom_s("unsafe_var"), term_atom(v->name),
        term_tuplev(2, term_atom_s(v->what),
                    term_tuplev(2, term_int(v->line), term_int(v->col)))));
}

/* {stacktrace_bound, V} and {stacktrace_guard, V}. */
static void err_stack(lint_ctx *L, const ev_node *v, bool guard)
{
    strbuf b;
    sb_init(&b);
    put_var(&b, "stacktrace variable ", v->name,
            guard ? " must not be used in a guard"
                  : " must not be previously bound");
    lint_error(L, v, &b, term_tuplev(2, term_atom_s(guard ? "stacktrace_guard"
                                                          : "stacktrace_bound"),
                                     term_atom(v->name)));
}

static void err_text(lint_ctx *L, const ev_node *at, const char *text,
                     const char *reason)
{
    strbuf b;
    sb_init(&b);
    sb_puts(&b, text);
    lint_error(L, at, &b, term_atom_s(reason));
}

/* shadow_vars: a warning for each variable of `fresh` that vt binds
 * (safely), at the first place that binds it anew. */
static void lint_shadow(lint_ctx *L, const lvt *fresh, const lvt *vt,
                        const char *in)
{
    for (uint32_t i = 0; i < fresh->n; i++) {
        const lvar *o = lvt_find(vt, fresh->v[i].name);
        if (!o || o->state == LV_UNSAFE || !fresh->v[i].at)
            continue;
        strbuf b;
        sb_init(&b);
        put_var(&b, "variable ", fresh->v[i].name, " shadowed in ");
        sb_puts(&b, in);
        lint_warning(L, fresh->v[i].at->p[0].line, fresh->v[i].at->p[0].col,
                     &b);
    }
}

/* check_unused_vars (in false) and check_old_unused_vars (in true): the
 * entries of t never used whose name `other` holds (in) or does not
 * (NULL: the empty table) get a warning at each place that binds them,
 * unless the name starts with '_'; the facts record them all. */
static void lint_unused(lint_ctx *L, const lvt *t, const lvt *other, bool in)
{
    for (uint32_t i = 0; i < t->n; i++) {
        const lvar *v = &t->v[i];
        if (v->used || !v->at || (other && lvt_find(other, v->name)) != in)
            continue;
        bool quiet = atom_text(v->name)[0] == '_';
        for (uint32_t k = 0; k < v->at->n; k++) {
            if (L->facts)
                ev__ptrs_add(&L->facts->unused, v->at->p[k].at);
            if (quiet)
                continue;
            strbuf b;
            sb_init(&b);
            put_var(&b, "variable ", v->name, " is unused");
            lint_warning(L, v->at->p[k].line, v->at->p[k].col, &b);
        }
    }
}

/* ---- expressions ---- */

static void lexpr(lint_ctx *L, const ev_node *n, const lvt *vt, lvt *out);
static void lgexpr(lint_ctx *L, const ev_node *n, const lvt *vt, lvt *out);

/* expr_var: a use of variable n. */
static void use_var(lint_ctx *L, const ev_node *n, const lvt *vt, lvt *out)
{
    const lvar *v = lvt_find(vt, n->name);
    lvar u = { .name = n->name, .state = LV_BOUND, .used = true };
    if (!v) {
        err_unbound(L, n);
        u.at = place_of(L, n);
    } else {
        u.at = v->at;
        if (v->state == LV_UNSAFE)
            err_unsafe(L, n, v);
        else if (v->state == LV_STACK)
            err_stack(L, n, true);
        else if (v->state == LV_EXPORT)
            u = (lvar){ n->name, LV_EXPORT, true, v->what, v->line, v->col,
                        v->at };
    }
    lvt tmp = { &u, 1, 1 };
    lvt_fold(L, out, &tmp, J_PAT);
}

/* expr_list / gexpr_list: the kids from `from` on, each against the same
 * vt (siblings do not see each other's bindings). */
static void llist(lint_ctx *L, const ev_node *n, uint32_t from, const lvt *vt,
                  lvt *out, bool guard)
{
    for (uint32_t i = from; i < n->n; i++) {
        if (!n->kid[i])
            continue;
        lvt e = { 0 };
        (guard ? lgexpr : lexpr)(L, n->kid[i], vt, &e);
        lvt_fold(L, out, &e, J_PAT);
        lvt_free(&e);
    }
}

/* exprs: each expression sees what the ones before it bound; the table
 * of the sequence keeps a name's earliest state. */
static void lseq(lint_ctx *L, const ev_node *seq, const lvt *vt, lvt *out)
{
    lvt cur = { 0 };
    lvt_copy(&cur, vt);
    for (uint32_t i = 0; i < seq->n; i++) {
        lvt e = { 0 };
        lexpr(L, seq->kid[i], &cur, &e);
        lvt_fold(L, &cur, &e, J_SRC);
        lvt_fold(L, out, &e, J_DST);
        lvt_free(&e);
    }
    lvt_free(&cur);
}

/* pattern/4: the variables of pattern p. Those `old` binds are uses
 * (into upd, used from now on); the others are new (into fresh); map keys
 * are guard expressions over vt. An exported variable matched again is
 * erl_lint's {exported_var, ...} warning. */
static void lpat(lint_ctx *L, const ev_node *p, const lvt *vt, const lvt *old,
                 lvt *upd, lvt *fresh)
{
    switch ((ev_kind)p->kind) {
    case N_VAR: {
        const lvar *o = old ? lvt_find(old, p->name) : NULL;
        lvar v = { .name = p->name, .state = LV_BOUND };
        lvt one = { &v, 1, 1 };
        if (!o) {
            if (L->recdef_top && !lvt_find(fresh, p->name)) {
                strbuf b;
                sb_init(&b);
                put_var(&b, "variable ", p->name, " in record definition");
                lint_error(L, p, &b, term_tuplev(
                    2, term_atom_s("variable_in_record_def"),
                    term_atom(p->name)));
            }
            v.at = place_of(L, p);
            lvt_fold(L, fresh, &one, J_PAT);
            return;
        }
        if (o->state == LV_UNSAFE) {
            err_unsafe(L, p, o);
        } else if (o->state == LV_EXPORT) {
            strbuf b;
            sb_init(&b);
            put_var(&b, "variable ", p->name, "");
            sb_printf(&b, " exported from '%s' (line %d, column %d)", o->what,
                      o->line, o->col);
            lint_warning(L, p->line, p->col, &b);
        }
        v.used = true;
        v.at = o->at;
        lvt_fold(L, upd, &one, J_PAT);
        return;
    }
    case N_TUPLE:
    case N_CONS:
    case N_MATCH:
        for (uint32_t i = 0; i < p->n; i++)
            lpat(L, p->kid[i], vt, old, upd, fresh);
        return;
    case N_BIN: {
        /* pattern_bin: a segment's size is a guard expression over vt
         * and what the segments before it bound (not the rest of the
         * pattern); the variables it names are used */
        lvt bnew = { 0 };
        for (uint32_t i = 0; i < p->n; i++) {
            const ev_node *seg = p->kid[i];
            if (seg->n > 1) {
                lvt seen = { 0 }, e = { 0 };
                lvt_copy(&seen, vt);
                lvt_fold(L, &seen, &bnew, J_SRC);
                L->bitsize++;
                lgexpr(L, seg->kid[1], &seen, &e);
                L->bitsize--;
                for (uint32_t k = 0; k < e.n; k++) {
                    lvt one = { &e.v[k], 1, 1 };
                    lvt_fold(L, lvt_find(&bnew, e.v[k].name) ? &bnew : upd,
                             &one, J_PAT);
                }
                lvt_free(&seen);
                lvt_free(&e);
            }
            lpat(L, seg->kid[0], vt, old, upd, &bnew);
        }
        lvt_fold(L, fresh, &bnew, J_PAT);
        lvt_free(&bnew);
        return;
    }
    case N_MAP:
        for (uint32_t i = 0; i < p->n; i++) {
            lvt k = { 0 };
            lgexpr(L, p->kid[i]->kid[0], vt, &k);
            lvt_fold(L, upd, &k, J_PAT);
            lvt_free(&k);
            lpat(L, p->kid[i]->kid[1], vt, old, upd, fresh);
        }
        return;
    default:
        return;
    }
}

/* guard: the tests in order, each seeing what the ones before used. */
static void lguard(lint_ctx *L, const ev_node *g, const lvt *vt, lvt *out)
{
    if (!g)
        return;
    lvt cur = { 0 };
    lvt_copy(&cur, vt);
    for (uint32_t i = 0; i < g->n; i++)
        for (uint32_t k = 0; k < g->kid[i]->n; k++) {
            lvt e = { 0 };
            lgexpr(L, g->kid[i]->kid[k], &cur, &e);
            lvt_fold(L, &cur, &e, J_SRC);
            lvt_fold(L, out, &e, J_DST);
            lvt_free(&e);
        }
    lvt_free(&cur);
}

/* illegal_guard_expr, or in a segment's size illegal_bitsize. */
static void err_illegal(lint_ctx *L, const ev_node *at)
{
    if (L->bitsize)
        err_text(L, at, "illegal bit size", "illegal_bitsize");
    else
        err_text(L, at, "illegal guard expression", "illegal_guard_expr");
}

/* gexpr: an expression of a guard or of a binary pattern's segment size
 * (ev__gexpr_kind says what erl_lint allows). A call of a local or
 * imported function that is no guard BIF is illegal_guard_local_call
 * (illegal_bitsize_local_call), any other call of no guard BIF
 * illegal_guard_expr (illegal_bitsize); both after their arguments are
 * checked. */
static void lgexpr(lint_ctx *L, const ev_node *n, const lvt *vt, lvt *out)
{
    ev_gkind k = ev__gexpr_kind(n);
    if (k == EV_GK_WILD) {
        err_unbound(L, n);
        return;
    }
    if (k == EV_GK_ILLEGAL) {
        err_illegal(L, n);
        return;
    }
    if (n->kind == N_VAR) {
        use_var(L, n, vt, out);
        return;
    }
    if (k == EV_GK_ASSOC)
        err_text(L, n, "only association operators '=>' are allowed in map "
                       "construction", "illegal_map_construction");
    llist(L, n, n->kind == N_CALL ? 2 : 0, vt, out, true);
    if (k == EV_GK_BAD_OP) {
        err_illegal(L, n);
    } else if (k == EV_GK_BAD_CALL) {
        atom_t f = n->kid[1]->lit->u.atom;
        uint32_t argc = n->n - 2;
        if (!n->kid[0] && L->mod && (ev__mod_find(L->mod, f, argc) >= 0
                                     || ev__mod_import(L->mod, f, argc))) {
            strbuf b;
            sb_init(&b);
            sb_puts(&b, "call to local/imported function ");
            term_print_atom(&b, f);
            sb_printf(&b, "/%u is illegal in %s", argc, L->bitsize
                      ? "a size expression for a binary segment" : "guard");
            lint_error(L, n, &b, term_atom_s(L->bitsize
                                             ? "illegal_bitsize_local_call"
                                             : "illegal_guard_local_call"));
        } else {
            err_illegal(L, n);
        }
    }
}

/* icrt_clause (catch_clause when `stack` is the clause's stack
 * variable): the clause's table in out, its head matched against vt. */
static void lclause(lint_ctx *L, const ev_node *c, const lvt *vt, lvt *out,
                    const ev_node *stack)
{
    lvt hvt = { 0 }, vt1 = { 0 }, gvt = { 0 }, tmp = { 0 }, bvt = { 0 };
    if (c->kid[0]) {
        lpat(L, c->kid[0], vt, vt, &hvt, &vt1);
        if (L->facts && c->kid[0]->kind == N_VAR
            && lvt_find(&vt1, c->kid[0]->name))
            ev__ptrs_add(&L->facts->fresh, c);
    }
    lvt_fold(L, &vt1, &hvt, J_SRC);
    lvt_copy(&tmp, vt);
    lvt_fold(L, &tmp, &vt1, J_SRC);
    if (stack && stack->kind == N_VAR) {     /* taint_stack_var */
        const lvar *s = lvt_find(&tmp, stack->name);
        if (s && s->used)
            err_stack(L, stack, false);
        lvar t = { .name = stack->name, .state = LV_STACK,
                   .at = place_of(L, stack) };
        lvt one = { &t, 1, 1 };
        lvt_fold(L, &tmp, &one, J_SRC);
    }
    lguard(L, c->kid[1], &tmp, &gvt);
    lvt_fold(L, &vt1, &gvt, J_SRC);
    lvt_copy(&tmp, vt);
    lvt_fold(L, &tmp, &vt1, J_SRC);
    lseq(L, c->kid[2], &tmp, &bvt);
    lvt_fold(L, &vt1, &bvt, J_SRC);
    lvt_fold(L, out, &vt1, J_SRC);
    lvt_free(&hvt);
    lvt_free(&vt1);
    lvt_free(&gvt);
    lvt_free(&tmp);
    lvt_free(&bvt);
}

/* icrt_export: what the k clause tables of a case / if / receive / try
 * (at `at`) leave after it. A variable bound before is bound and used;
 * one new in every clause is exported from the construct (unsafe if it
 * was unsafe in one clause); one new in only some is unsafe in it. It is
 * unused at the places of the clauses that do not use it. */
static void lexport(lint_ctx *L, const lvt *sets, uint32_t k, const lvt *vt,
                    const char *what, const ev_node *at, lvt *out)
{
    lvt names = { 0 };
    for (uint32_t s = 0; s < k; s++)
        lvt_fold(L, &names, &sets[s], J_DST);
    for (uint32_t i = 0; i < names.n; i++) {
        atom_t name = names.v[i].name;
        const lvar *o = lvt_find(vt, name);
        lvar r = { .name = name };
        uint32_t count = 0, nunsafe = 0;
        bool any_bound = false;
        const lvar *unsafe1 = NULL;
        for (uint32_t s = 0; s < k; s++) {
            const lvar *e = lvt_find(&sets[s], name);
            if (!e)
                continue;
            count++;
            any_bound |= e->state == LV_BOUND || e->state == LV_STACK;
            if (e->state == LV_UNSAFE && !nunsafe++)
                unsafe1 = e;
            if (!e->used)
                r.at = places_union(L, r.at, e->at);
        }
        if (o) {
            r = *o;
            r.used = true;
            if (o->state != LV_EXPORT || any_bound) {
                r.state = LV_BOUND;
                r.what = NULL;
            }
        } else if (nunsafe == 1 && count == k) {
            r.state = LV_UNSAFE;
            r.what = unsafe1->what;
            r.line = unsafe1->line;
            r.col = unsafe1->col;
            r.used = !r.at;
        } else {
            r.state = count < k || nunsafe ? LV_UNSAFE : LV_EXPORT;
            r.what = what;
            r.line = at->line;
            r.col = at->col;
            r.used = !r.at;
        }
        lvt_set(out, &r);
    }
    lvt_free(&names);
}

/* icrt_clauses: clauses [first, first+nc) of n against vt, with `pre`
 * (a receive's after body) as one more set, exported as icrt_export. */
static void lclauses(lint_ctx *L, const ev_node *n, uint32_t first,
                     uint32_t nc, const lvt *vt, const lvt *pre,
                     const char *what, lvt *out)
{
    uint32_t k = nc + (pre ? 1 : 0);
    lvt *sets = xcalloc(k ? k : 1, sizeof *sets);
    if (pre)
        lvt_copy(&sets[nc], pre);
    for (uint32_t i = 0; i < nc; i++)
        lclause(L, n->kid[first + i], vt, &sets[i], NULL);
    lexport(L, sets, k, vt, what, n, out);
    for (uint32_t i = 0; i < k; i++)
        lvt_free(&sets[i]);
    free(sets);
}

/* fun_clause: the head's variables are new (they shadow), the body sees
 * vt0 too; the variables the clause binds die at its end. Its table
 * holds vt0's variables only. */
static void lfun_clause(lint_ctx *L, const ev_node *c, const lvt *vt0,
                        lvt *out)
{
    lvt hvt = { 0 }, hnew = { 0 }, vt1 = { 0 }, vt2 = { 0 }, e = { 0 },
        svt = { 0 }, vt4 = { 0 };
    lpat(L, c->kid[0], vt0, NULL, &hvt, &hnew);
    lvt_copy(&vt1, vt0);
    lvt_fold(L, &vt1, &hvt, J_SRC);
    lint_shadow(L, &hnew, vt0, "'fun'");
    lvt_copy(&vt2, &vt1);
    lvt_shadow(&vt2, &hnew);
    lguard(L, c->kid[1], &vt2, &e);
    lvt_fold(L, &vt2, &e, J_SRC);
    lvt_free(&e);
    lseq(L, c->kid[2], &vt2, &e);
    lvt_fold(L, &vt2, &e, J_SRC);            /* Cvt */
    lint_unused(L, &vt2, vt0, false);
    lvt_select(&svt, &vt1, &hnew, true);
    lint_unused(L, &vt2, &svt, true);
    lvt_copy(&vt4, &svt);
    lvt tmp = { 0 };
    lvt_select(&tmp, &vt2, &svt, false);
    lvt_fold(L, &vt4, &tmp, J_MERGE);
    lvt_select(out, &vt4, vt0, true);
    lvt_free(&tmp);
    lvt_free(&hvt);
    lvt_free(&hnew);
    lvt_free(&vt1);
    lvt_free(&vt2);
    lvt_free(&e);
    lvt_free(&svt);
    lvt_free(&vt4);
}

/* out = vt_no_unsafe(vt_no_unused(t)). */
static void lvt_live(lvt *out, const lvt *t)
{
    for (uint32_t i = 0; i < t->n; i++)
        if (t->v[i].used && t->v[i].state != LV_UNSAFE)
            lvt_set(out, &t->v[i]);
}

/* fun_clauses, and a named fun's name (bound at the fun, erl_lint's
 * named_fun): a fun exports nothing; its table holds the variables of vt
 * it uses. */
static void lfun(lint_ctx *L, const ev_node *n, const lvt *vt, lvt *out)
{
    lvt nvt = { 0 }, bvt = { 0 }, self = { 0 };
    lvt_copy(&nvt, vt);
    if (n->name) {
        lvar s = { .name = n->name, .state = LV_BOUND, .at = place_of(L, n) };
        lvt_set(&self, &s);
        lint_shadow(L, &self, vt, "'named fun'");
        lvt_shadow(&nvt, &self);
    }
    for (uint32_t i = 0; i < n->n; i++) {
        lvt cvt = { 0 };
        lfun_clause(L, n->kid[i], &nvt, &cvt);
        lvt_fold(L, &cvt, &bvt, J_MERGE);
        lvt_free(&bvt);
        bvt = cvt;
    }
    lvt old = { 0 }, csvt = { 0 };
    lvt_select(&old, &bvt, &nvt, true);
    lvt_live(&csvt, &old);
    if (n->name) {
        lvt_fold(L, &self, &csvt, J_SRC);
        lint_unused(L, &self, NULL, false);
    }
    lvt_select(out, &csvt, vt, true);
    lvt_free(&nvt);
    lvt_free(&bvt);
    lvt_free(&self);
    lvt_free(&old);
    lvt_free(&csvt);
}

/* handle_comprehension with lc_quals and handle_generator: a generator's
 * pattern binds new variables (shadowing, erl_lint's "shadowed in
 * generate"); each qualifier sees the ones before it; the template sees
 * them all; nothing is visible after. Its table holds the variables of
 * vt0 it uses. */
static void llc(lint_ctx *L, const ev_node *n, const lvt *vt0, lvt *out)
{
    lvt cur = { 0 }, uvt = { 0 };
    lvt_copy(&cur, vt0);
    for (uint32_t i = 1; i < n->n; i++) {
        const ev_node *q = n->kid[i];
        lvt e = { 0 }, t = { 0 };
        if (q->kind != N_GEN) {
            if (q->flag)
                lgexpr(L, q->kid[0]->kid[0]->kid[0], &cur, &e);
            else
                lexpr(L, q->kid[0], &cur, &e);
            lvt_fold(L, &cur, &e, J_SRC);
            lvt_free(&e);
            continue;
        }
        lvt pvt = { 0 }, pnew = { 0 }, svt = { 0 };
        lexpr(L, q->kid[1], &cur, &e);
        lvt_select(&t, &e, &cur, true);
        lvt_fold(L, &cur, &t, J_SRC);        /* Vt1 */
        lint_unused(L, &e, &cur, false);
        lpat(L, q->kid[0], &cur, NULL, &pvt, &pnew);
        lvt_fold(L, &cur, &pvt, J_SRC);      /* Vt2 */
        lint_shadow(L, &pnew, &cur, "generate");
        lvt_select(&svt, &cur, &pnew, true);
        lint_unused(L, &svt, &uvt, true);
        lvt_free(&t);
        lvt_select(&t, &svt, &uvt, false);
        lvt_fold(L, &uvt, &t, J_SRC);
        lvt_shadow(&cur, &pnew);             /* Vt3 */
        lvt_free(&e);
        lvt_free(&t);
        lvt_free(&pvt);
        lvt_free(&pnew);
        lvt_free(&svt);
    }
    lvt e = { 0 }, vt3 = { 0 }, vt4 = { 0 };
    lexpr(L, n->kid[0], &cur, &e);
    lvt_fold(L, &cur, &e, J_SRC);            /* Vt2 */
    lint_unused(L, &cur, &uvt, true);
    lint_unused(L, &uvt, vt0, false);
    lint_unused(L, &cur, vt0, false);
    lvt_select(&vt3, &cur, &uvt, false);
    lvt_fold(L, &vt3, &uvt, J_MERGE);
    lvt_select(&vt4, &vt3, vt0, true);
    lvt_live(out, &vt4);
    lvt_free(&cur);
    lvt_free(&uvt);
    lvt_free(&e);
    lvt_free(&vt3);
    lvt_free(&vt4);
}

/* try as OTP 25's erl_lint has it: the of clauses see what the body
 * bound, the catch clauses see it as unsafe; whatever the try binds, in
 * its body, its clauses or its after body, is unsafe after it. */
static void ltry(lint_ctx *L, const ev_node *n, const lvt *vt, lvt *out)
{
    uint32_t nof = EV_TRY_NOF(n->flag), ncatch = EV_TRY_NCATCH(n->flag);
    lvt evt = { 0 }, uvt = { 0 }, vtb = { 0 }, vtc = { 0 }, sccs = { 0 },
        tmp = { 0 }, avt = { 0 };
    lseq(L, n->kid[0], vt, &evt);
    lvt_unsafe(L, &uvt, &evt, vt, "try", n);
    lvt_copy(&vtb, vt);
    lvt_fold(L, &vtb, &evt, J_SRC);
    lvt_copy(&vtc, &vtb);
    lvt_fold(L, &vtc, &uvt, J_SRC);
    lvt *sets = xcalloc(nof + ncatch + 1, sizeof *sets);
    for (uint32_t i = 0; i < nof + ncatch; i++) {
        const ev_node *c = n->kid[1 + i];
        lclause(L, c, i < nof ? &vtb : &vtc, &sets[i],
                i < nof ? NULL : c->kid[0]->kid[2]);
    }
    lexport(L, sets, nof + ncatch, &vtb, "try", n, &sccs);
    for (uint32_t i = 0; i < nof + ncatch; i++)
        lvt_free(&sets[i]);
    free(sets);
    lvt_fold(L, &evt, &uvt, J_SRC);          /* Evt1 */
    lvt_copy(&tmp, &sccs);
    lvt_unsafe(L, &tmp, &sccs, vt, "try", n);
    lvt_fold(L, &evt, &tmp, J_MERGE);        /* Evt2 */
    if (EV_TRY_AFTER(n->flag)) {
        lvt_copy(&vtb, vt);
        lvt_fold(L, &vtb, &evt, J_SRC);
        lseq(L, n->kid[n->n - 1], &vtb, &avt);
        lvt_free(&tmp);
        lvt_copy(&tmp, &avt);
        lvt_unsafe(L, &tmp, &avt, vt, "try", n);
        lvt_fold(L, &evt, &tmp, J_MERGE);
    }
    lvt_fold(L, out, &evt, J_SRC);
    lvt_free(&evt);
    lvt_free(&uvt);
    lvt_free(&vtb);
    lvt_free(&vtc);
    lvt_free(&sccs);
    lvt_free(&tmp);
    lvt_free(&avt);
}

/* expr: the table of what n binds and uses, against vt. */
static void lexpr(lint_ctx *L, const ev_node *n, const lvt *vt, lvt *out)
{
    switch ((ev_kind)n->kind) {
    case N_LIT:
        return;
    case N_WILD:
        err_unbound(L, n);
        return;
    case N_VAR:
        use_var(L, n, vt, out);
        return;
    case N_TUPLE:
    case N_CONS:
    case N_MAP:
    case N_FIELD:
    case N_BIN:
    case N_BINSEG:
    case N_SEND:
    case N_OP2:
    case N_OP1:
        llist(L, n, 0, vt, out, false);
        return;
    case N_MAPUPD: {
        lvt s = { 0 };
        llist(L, n, 1, vt, out, false);
        lexpr(L, n->kid[0], vt, &s);
        lvt_fold(L, out, &s, J_SRC);
        lvt_free(&s);
        return;
    }
    case N_CALL:
        if (L->shell && !n->kid[0] && n->kid[1]->kind == N_LIT
            && term_is_atom(n->kid[1]->lit, atom_intern("f")) && n->n == 3
            && n->kid[2]->kind == N_VAR)
            return;               /* shell:prep_check/1 turns f(X) into ok */
        llist(L, n, 0, vt, out, false);
        return;
    case N_MATCH: {
        lvt evt = { 0 }, vt1 = { 0 }, pvt = { 0 }, pnew = { 0 };
        lexpr(L, n->kid[1], vt, &evt);
        lvt_copy(&vt1, vt);
        lvt_fold(L, &vt1, &evt, J_SRC);
        lpat(L, n->kid[0], &vt1, &vt1, &pvt, &pnew);
        lvt_fold(L, out, &evt, J_MERGE);
        lvt_fold(L, out, &pvt, J_MERGE);
        lvt_fold(L, out, &pnew, J_SRC);
        lvt_free(&evt);
        lvt_free(&vt1);
        lvt_free(&pvt);
        lvt_free(&pnew);
        return;
    }
    case N_SEQ:
        L->quiet += n->flag == EV_SEQ_INIT;
        lseq(L, n, vt, out);
        L->quiet -= n->flag == EV_SEQ_INIT;
        return;
    case N_CASE: {
        lvt evt = { 0 }, vt1 = { 0 }, cvt = { 0 };
        lexpr(L, n->kid[0], vt, &evt);
        lvt_copy(&vt1, vt);
        lvt_fold(L, &vt1, &evt, J_SRC);
        lclauses(L, n, 1, n->n - 1, &vt1, NULL, "case", &cvt);
        lvt_fold(L, out, &evt, J_MERGE);
        lvt_fold(L, out, &cvt, J_MERGE);
        lvt_free(&evt);
        lvt_free(&vt1);
        lvt_free(&cvt);
        return;
    }
    case N_IF:
        lclauses(L, n, 0, n->n, vt, NULL, "if", out);
        return;
    case N_RECEIVE: {
        if (!n->flag) {
            lclauses(L, n, 0, n->n, vt, NULL, "receive", out);
            return;
        }
        uint32_t nc = n->n - 2;
        lvt tvt = { 0 }, tevt = { 0 };
        lexpr(L, n->kid[nc], vt, &tvt);
        lseq(L, n->kid[nc + 1], vt, &tevt);
        lclauses(L, n, 0, nc, vt, &tevt, "receive", out);
        lvt_fold(L, out, &tvt, J_MERGE);
        lvt_free(&tvt);
        lvt_free(&tevt);
        return;
    }
    case N_CATCH: {
        lvt evt = { 0 };
        lexpr(L, n->kid[0], vt, &evt);
        lvt_fold(L, out, &evt, J_SRC);
        lvt_unsafe(L, out, &evt, vt, "catch", n);
        lvt_free(&evt);
        return;
    }
    case N_FUN:
    case N_LC: {
        bool top = L->recdef_top;
        L->recdef_top = false;
        (n->kind == N_FUN ? lfun : llc)(L, n, vt, out);
        L->recdef_top = top;
        return;
    }
    case N_TRY:
        ltry(L, n, vt, out);
        return;
    case N_ANDALSO:
    case N_ORELSE: {
        lvt evt1 = { 0 }, vt1 = { 0 }, evt2 = { 0 };
        lexpr(L, n->kid[0], vt, &evt1);
        lvt_copy(&vt1, vt);
        lvt_fold(L, &vt1, &evt1, J_SRC);
        lexpr(L, n->kid[1], &vt1, &evt2);
        lvt_unsafe(L, &evt2, &evt2, &vt1,
                   n->kind == N_ANDALSO ? "andalso" : "orelse", n);
        lvt_fold(L, out, &evt1, J_SRC);
        lvt_fold(L, out, &evt2, J_MERGE);
        lvt_free(&evt1);
        lvt_free(&vt1);
        lvt_free(&evt2);
        return;
    }
    default:
        return;
    }
}

/* ---- entry points ---- */

/* The shell's check of one top-level expression against env; see
 * eval_ast.h. */
bool ev__lint(const ev_node *expr, const ev_env *env, ev_error *err,
              term **reason)
{
    lint_ctx L = { .shell = true, .err = err, .reason = reason };
    lvt vt = { 0 }, out = { 0 };
    for (uint32_t i = 0; i < ev__env_count(env); i++) {
        lvar v = { .name = ev__env_name_at(env, i), .state = LV_BOUND,
                   .used = true };
        lvt_set(&vt, &v);
    }
    lexpr(&L, expr, &vt, &out);
    lvt_free(&vt);
    lvt_free(&out);
    ev__arena_free(&L.arena);
    return !L.failed;
}

/* erl_lint's clause/2 for each clause of a module's function; see
 * eval_ast.h. */
void ev__lint_function(const ev_module *m, const ev_node *fun,
                       const ev_sink *sink, ev_lint_facts *facts)
{
    lint_ctx L = { .mod = m, .sink = sink, .facts = facts };
    for (uint32_t i = 0; i < fun->n; i++) {
        const ev_node *c = fun->kid[i];
        lvt hvt = { 0 }, vt = { 0 }, e = { 0 };
        lpat(&L, c->kid[0], &none, NULL, &hvt, &vt);
        lvt_fold(&L, &vt, &hvt, J_SRC);
        lguard(&L, c->kid[1], &vt, &e);
        lvt_fold(&L, &vt, &e, J_SRC);
        lvt_free(&e);
        lseq(&L, c->kid[2], &vt, &e);
        lvt_fold(&L, &vt, &e, J_SRC);
        lint_unused(&L, &vt, NULL, false);
        lvt_free(&hvt);
        lvt_free(&vt);
        lvt_free(&e);
    }
    ev__arena_free(&L.arena);
}

/* erl_lint's check of a record field's default (def_fields: expr/3
 * against no variables); see eval_ast.h. */
void ev__lint_default(const ev_node *expr, const ev_sink *sink)
{
    lint_ctx L = { .sink = sink, .recdef_top = true };
    lvt out = { 0 };
    lexpr(&L, expr, &none, &out);
    lvt_free(&out);
    ev__arena_free(&L.arena);
}
