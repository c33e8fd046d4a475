/* bif_lists: lists functions that take no fun, as C BIFs (the rows of
 * rt__lists_bifs, bif.h; the rest are in bif_lists_more.c); those that
 * take a fun are Erlang in core/erl/eval_lib.c.
 *
 * Results and errors are OTP 25.2.3's, checked against erl: where
 * lists.erl fails a clause, the exception is its function_clause with
 * the arguments of the clause that failed (lists:nth(3, [a]) is "no
 * function clause matching lists:nth(2,[])") and lists.erl's line; where
 * an operator fails inside (lists:sum([a]): `0 + a`), the operator's
 * frame and lists.erl's as its caller. sort/1 orders by the standard
 * term order (1 == 1.0) and puts equal elements where lists.erl's
 * natural merge sort puts them (otp_sort below); usort keeps the first
 * of each run of equal ones.
 *
 * Every loop is bounded by the size of its input and none recurses on
 * a list's length or depth (flatten keeps its own stack on the heap).
 * Integers have no bignums: a sum past int64 raises system_limit, and a
 * list longer than LIST_MAX that a call would build raises system_limit
 * too (lists:duplicate(N, X), lists:seq/3). */
#include "core/rt/bif.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "core/term/i128.h"
#include "core/term/xalloc.h"

#define LIST_MAX 10000000

static atom_t A(const char *s) { return atom_intern(s); }

static term *ref(const term *t) { return term_ref((term *)t); }


static ev_status fc(bif_call_ctx *c, const char *fun, int line, uint32_t n,
                    term **args)
{
    return bif_function_clause_at(c, "lists", fun, "lists.erl", line, NULL, n, args);
}

/* error:badarith in lists:Fun/Arity at lists.erl's line (no args). */
static ev_status badarith_in(bif_call_ctx *c, const char *fun, int arity,
                             int line)
{
    ev_exception *x = c->exc;
    memset(x, 0, sizeof *x);
    x->cls = A("error");
    x->reason = term_atom_s("badarith");
    x->mod = A("lists");
    x->fun = A(fun);
    x->arity = (uint32_t)arity;
    x->file = "lists.erl";
    x->line = line;
    return EV_RAISED;
}

/* Reason in operator Op/2 called as L Op R, from lists:Fun/Arity. */
static ev_status op_error(bif_call_ctx *c, const char *reason, const char *op,
                          const term *l, const term *r, const char *fun,
                          int arity, int line)
{
    ev_exception *x = c->exc;
    memset(x, 0, sizeof *x);
    x->cls = A("error");
    x->reason = term_atom_s(reason);
    x->mod = A("erlang");
    x->fun = A(op);
    x->arity = 2;
    x->is_operator = true;
    x->args = term_list(2, (term *[]){ ref(l), ref(r) }, NULL);
    x->callers = term_list(1, (term *[]){
        bif_frame("lists", fun, arity, "lists.erl", line) }, NULL);
    x->traced = true;
    return EV_RAISED;
}

static bool is_num(const term *t) { return t->tag == T_INT || t->tag == T_FLOAT; }

/* Standard order, 1 == 1.0. */
static int cmp(const term *a, const term *b) { return term_compare(a, b, true); }

/* N - 1 for the number N. */
static term *dec(const term *n)
{
    return n->tag == T_INT ? term_int(n->u.i - 1) : term_float(n->u.f - 1.0);
}


/* ---- lists ---- */

/* nth(1, [H|_]) -> H; nth(N, [_|T]) when N > 1 -> nth(N - 1, T). */
static ev_status b_nth(bif_call_ctx *c)
{
    term *n = ref(c->args[0]);
    const term *l = c->args[1];
    for (;;) {
        if (l->tag == T_CONS && n->tag == T_INT && n->u.i == 1) {
            term_unref(n);
            return bif_return(c, ref(l->u.cons.head));
        }
        term *one = term_int(1);
        bool gt = cmp(n, one) > 0;
        term_unref(one);
        if (l->tag != T_CONS || !gt)
            return fc(c, "nth", 198, 2, (term *[]){ n, ref(l) });
        if (!is_num(n)) {
            term_unref(n);
            return badarith_in(c, "nth", 2, 200);
        }
        term *m = dec(n);
        term_unref(n);
        n = m;
        l = l->u.cons.tail;
    }
}

/* nthtail(1, [_|T]) -> T; nthtail(N, [_|T]) when N > 1 -> nthtail(N - 1,
 * T); nthtail(0, L) when is_list(L) -> L. */
static ev_status b_nthtail(bif_call_ctx *c)
{
    term *n = ref(c->args[0]);
    const term *l = c->args[1];
    for (;;) {
        if (n->tag == T_INT && n->u.i == 1 && l->tag == T_CONS) {
            term_unref(n);
            return bif_return(c, ref(l->u.cons.tail));
        }
        if (n->tag == T_INT && n->u.i == 0 && (l->tag == T_CONS || l->tag == T_NIL)) {
            term_unref(n);
            return bif_return(c, ref(l));
        }
        term *one = term_int(1);
        bool gt = cmp(n, one) > 0;
        term_unref(one);
        if (l->tag != T_CONS || !gt)
            return fc(c, "nthtail", 208, 2, (term *[]){ n, ref(l) });
        if (!is_num(n)) {
            term_unref(n);
            return badarith_in(c, "nthtail", 2, 210);
        }
        term *m = dec(n);
        term_unref(n);
        n = m;
        l = l->u.cons.tail;
    }
}

/* last([E|Es]) -> last(E, Es); last(_, [E|Es]) -> last(E, Es);
 * last(E, []) -> E. */
static ev_status b_last(bif_call_ctx *c)
{
    const term *l = c->args[0];
    if (l->tag != T_CONS)
        return fc(c, "last", 256, 1, (term *[]){ ref(l) });
    const term *e = l->u.cons.head;
    for (l = l->u.cons.tail; l->tag == T_CONS; l = l->u.cons.tail)
        e = l->u.cons.head;
    if (l->tag != T_NIL)
        return fc(c, "last", 258, 2, (term *[]){ ref(e), ref(l) });
    return bif_return(c, ref(e));
}

/* sum(L) -> sum(L, 0); sum([H|T], Sum) -> sum(T, Sum + H). */
static ev_status b_sum(bif_call_ctx *c)
{
    term *acc = term_int(0);
    const term *l = c->args[0];
    for (; l->tag == T_CONS; l = l->u.cons.tail) {
        const term *h = l->u.cons.head;
        if (!is_num(h)) {
            ev_status st = op_error(c, "badarith", "+", acc, h, "sum", 2, 319);
            term_unref(acc);
            return st;
        }
        term *r;
        if (acc->tag == T_INT && h->tag == T_INT) {
            int64_t s;
            if (__builtin_add_overflow(acc->u.i, h->u.i, &s)) {
                ev_status st = op_error(c, "system_limit", "+", acc, h, "sum", 2, 319);
                term_unref(acc);
                return st;
            }
            r = term_int(s);
        } else {
            double a = acc->tag == T_INT ? (double)acc->u.i : acc->u.f;
            double b = h->tag == T_INT ? (double)h->u.i : h->u.f;
            r = term_float(a + b);
        }
        term_unref(acc);
        acc = r;
    }
    if (l->tag != T_NIL)
        return fc(c, "sum", 319, 2, (term *[]){ ref(l), acc });
    return bif_return(c, acc);
}

/* max/min: the first of the greatest (least), as lists.erl's
 * max(T, H) when H > Max. */
static ev_status extreme(bif_call_ctx *c, const char *fun, int sign,
                         int line1, int line2)
{
    const term *l = c->args[0];
    if (l->tag != T_CONS)
        return fc(c, fun, line1, 1, (term *[]){ ref(l) });
    const term *m = l->u.cons.head;
    for (l = l->u.cons.tail; l->tag == T_CONS; l = l->u.cons.tail)
        if (cmp(l->u.cons.head, m) * sign > 0)
            m = l->u.cons.head;
    if (l->tag != T_NIL)
        return fc(c, fun, line2, 2, (term *[]){ ref(l), ref(m) });
    return bif_return(c, ref(m));
}

static ev_status b_max(bif_call_ctx *c) { return extreme(c, "max", 1, 356, 358); }
static ev_status b_min(bif_call_ctx *c) { return extreme(c, "min", -1, 343, 345); }

/* A stable bottom-up merge of el[0..n) by the standard order. */
static void merge_sort(const term **el, size_t n)
{
    const term **tmp = xcalloc(n + 1, sizeof *tmp);
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n;
            size_t hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = cmp(el[j], el[i]) < 0 ? el[j++] : el[i++];
            while (i < mid)
                tmp[k++] = el[i++];
            while (j < hi)
                tmp[k++] = el[j++];
        }
        memcpy(el, tmp, n * sizeof *el);
    }
    free(tmp);
}

/* ---- lists:sort/1's order of equal elements ----
 *
 * lists:sort/1 (lists.erl: sort/1, sort_1/3, split_1/5, split_1_1/6,
 * split_2/5, split_2_1/6, then mergel/2 and rmergel/2) is a natural
 * merge sort: it cuts the list into runs, then merges them two and three
 * at a time. Its merges are stable, always with the same priority among
 * the runs: in an ascending split (split_1) the older run's elements go
 * first among equal ones, in a descending split (split_2) the newer
 * run's. The result is therefore a stable sort of the runs laid end to
 * end in that priority order, each run in its own (ascending) order; so
 * this code reproduces the split exactly and lets merge_sort do the
 * rest. Equal elements (1 == 1.0) then come out in OTP's order:
 * lists:sort([3,1,2,1.0,2.0,3.0]) is [1.0,1,2.0,2,3.0,3]. */

typedef struct run_set {
    const term **out;      /* the runs end to end, in creation order */
    size_t n;
    size_t *start;         /* where each run starts in out */
    size_t nruns;
} run_set;

static void rs_put(run_set *rs, const term *t) { rs->out[rs->n++] = t; }
static void rs_open(run_set *rs) { rs->start[rs->nruns++] = rs->n; }

/* Closes the open run of split_1: its ascending order is rev(R) ++ [X, Y],
 * where out already holds rev(R) (the pushes, in order). */
static void close_asc(run_set *rs, const term *x, const term *y)
{
    rs_put(rs, x);
    rs_put(rs, y);
}

/* Closes the open run of split_2: its ascending order is [Y, X | R]:
 * the pushes in reverse after Y and X. */
static void close_desc(run_set *rs, const term *x, const term *y)
{
    size_t b = rs->start[rs->nruns - 1], e = rs->n;
    for (size_t i = b, j = e; i + 1 < j; i++, j--) {
        const term *t = rs->out[i];
        rs->out[i] = rs->out[j - 1];
        rs->out[j - 1] = t;
    }
    rs_put(rs, NULL);
    rs_put(rs, NULL);
    memmove(rs->out + b + 2, rs->out + b, (e - b) * sizeof *rs->out);
    rs->out[b] = y;
    rs->out[b + 1] = x;
}

/* split_1 (asc) or split_2 (!asc) from state X, Y over el[i..n), the
 * open run's R already pushed. */
static void split(run_set *rs, bool asc, const term *x, const term *y,
                  const term **el, size_t i, size_t n)
{
    /* ge(A, B): A >= B ascending, A =< B descending: A extends a run */
    #define EXT(a, b) (asc ? cmp(a, b) >= 0 : cmp(a, b) <= 0)
    const term *s = NULL;      /* split_1_1/split_2_1's held element */
    for (; i < n; i++) {
        const term *z = el[i];
        if (EXT(z, y)) {
            rs_put(rs, x);
            x = y;
            y = z;
        } else if (EXT(z, x)) {
            rs_put(rs, x);
            x = z;
        } else if (!s && rs->n == rs->start[rs->nruns - 1]) {
            rs_put(rs, z);                 /* R = [Z] */
        } else if (!s) {
            s = z;
        } else {
            /* close the run; S and Z open the next one */
            (asc ? close_asc : close_desc)(rs, x, y);
            rs_open(rs);
            bool s_first = asc ? cmp(s, z) <= 0 : cmp(s, z) > 0;
            x = s_first ? s : z;
            y = s_first ? z : s;
            s = NULL;
        }
    }
    (asc ? close_asc : close_desc)(rs, x, y);
    if (s) {
        rs_open(rs);
        rs_put(rs, s);
    }
    #undef EXT
}

/* el[0..n) in lists:sort/1's order. */
static void otp_sort(const term **el, size_t n)
{
    if (n < 2)
        return;
    const term *x = el[0], *y = el[1];
    if (n == 3) {
        const term *z = el[2];
        const term *r[3];
        if (cmp(x, y) <= 0) {
            if (cmp(y, z) <= 0)      { r[0] = x; r[1] = y; r[2] = z; }
            else if (cmp(x, z) <= 0) { r[0] = x; r[1] = z; r[2] = y; }
            else                     { r[0] = z; r[1] = x; r[2] = y; }
        } else {
            if (cmp(x, z) <= 0)      { r[0] = y; r[1] = x; r[2] = z; }
            else if (cmp(y, z) <= 0) { r[0] = y; r[1] = z; r[2] = x; }
            else                     { r[0] = z; r[1] = y; r[2] = x; }
        }
        memcpy(el, r, sizeof r);
        return;
    }
    if (n == 2) {
        if (cmp(x, y) > 0) {
            el[0] = y;
            el[1] = x;
        }
        return;
    }
    run_set rs = { xcalloc(n + 2, sizeof *rs.out), 0,
                   xcalloc(n + 1, sizeof *rs.start), 0 };
    rs_open(&rs);
    bool asc;
    size_t i = 2;
    if (cmp(x, y) <= 0 && cmp(x, y) == 0) {
        /* sort_1/3: a run of equal elements first, its R in input order */
        rs_put(&rs, x);
        x = y;
        while (i < n && cmp(x, el[i]) == 0) {
            rs_put(&rs, x);
            x = el[i++];
        }
        if (i == n) {                      /* all equal: as they were */
            free(rs.out);
            free(rs.start);
            return;
        }
        y = el[i++];
        asc = cmp(x, y) < 0;
    } else {
        asc = cmp(x, y) <= 0;
    }
    split(&rs, asc, x, y, el, i, n);
    /* lay the runs end to end in priority order */
    size_t k = 0;
    for (size_t r = 0; r < rs.nruns; r++) {
        size_t ri = asc ? r : rs.nruns - 1 - r;
        size_t b = rs.start[ri], e = ri + 1 < rs.nruns ? rs.start[ri + 1] : rs.n;
        for (size_t j = b; j < e; j++)
            el[k++] = rs.out[j];
    }
    assert(k == n);
    free(rs.out);
    free(rs.start);
    merge_sort(el, n);
}

static ev_status sort_common(bif_call_ctx *c, bool unique)
{
    if (!term_is_proper_list(c->args[0]))
        return fc(c, unique ? "usort" : "sort", unique ? 1112 : 512, 1,
                  (term *[]){ ref(c->args[0]) });
    size_t n;
    const term **el = bif_list_elems(c->args[0], &n);
    if (unique)
        merge_sort(el, n);
    else
        otp_sort(el, n);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!unique || k == 0 || cmp(el[k - 1], el[i]) != 0)
            el[k++] = el[i];
    term *l = bif_list_from(el, k, NULL);
    free(el);
    return bif_return(c, l);
}

static ev_status b_sort(bif_call_ctx *c) { return sort_common(c, false); }
static ev_status b_usort(bif_call_ctx *c) { return sort_common(c, true); }

/* keysort(N, L) when is_integer(N), N > 0: stable by element N. */

static ev_status keysort_common(bif_call_ctx *c, bool unique)
{
    const term *n = c->args[0], *l = c->args[1];
    if (n->tag != T_INT || n->u.i < 1)
        return fc(c, "keysort", 784, 2, (term *[]){ ref(n), ref(l) });
    if (!term_is_proper_list(l)) {
        bif_raise(c, "error", term_tuplev(2, term_atom_s("case_clause"), ref(l)));
        term_unref(c->exc->args);
        c->exc->args = NULL;
        c->exc->file = "lists.erl";
        c->exc->line = 785;
        return EV_RAISED;
    }
    size_t len;
    const term **el = bif_list_elems(l, &len);
    for (size_t i = 0; len > 1 && i < len; i++) {
        const term *t = el[i];
        if (t->tag == T_TUPLE && (int64_t)t->u.tuple.n >= n->u.i)
            continue;
        free(el);
        ev_exception *x = c->exc;
        memset(x, 0, sizeof *x);
        x->cls = A("error");
        x->reason = term_atom_s("badarg");
        x->mod = A("erlang");
        x->fun = A("element");
        x->arity = 2;
        x->args = term_list(2, (term *[]){ ref(n), ref(t) }, NULL);
        if (t->tag == T_TUPLE)
            ev_exception_detail(x, 1, "out of range");
        else
            ev_exception_detail(x, 2, "not a tuple");
        x->callers = term_list(1, (term *[]){
            bif_frame("lists", "keysort", 2, "lists.erl", 789) }, NULL);
        x->traced = true;
        return EV_RAISED;
    }
    /* the stable merge of merge_sort, on the tuples' N-th elements */
    const term **tmp = xcalloc(len + 1, sizeof *tmp);
    size_t k = (size_t)n->u.i - 1;
    for (size_t w = 1; w < len; w *= 2) {
        for (size_t lo = 0; lo < len; lo += 2 * w) {
            size_t mid = lo + w < len ? lo + w : len;
            size_t hi = lo + 2 * w < len ? lo + 2 * w : len;
            size_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi)
                tmp[o++] = cmp(el[j]->u.tuple.el[k], el[i]->u.tuple.el[k]) < 0
                         ? el[j++] : el[i++];
            while (i < mid)
                tmp[o++] = el[i++];
            while (j < hi)
                tmp[o++] = el[j++];
        }
        memcpy(el, tmp, len * sizeof *el);
    }
    free(tmp);
    if (unique) {
        /* ukeysort/2: the first of each run of equal keys */
        size_t u = 0;
        for (size_t i = 0; i < len; i++)
            if (u == 0 || cmp(el[u - 1]->u.tuple.el[k], el[i]->u.tuple.el[k]) != 0)
                el[u++] = el[i];
        len = u;
    }
    term *r = bif_list_from(el, len, NULL);
    free(el);
    return bif_return(c, r);
}

static ev_status b_keysort(bif_call_ctx *c) { return keysort_common(c, false); }
static ev_status b_ukeysort(bif_call_ctx *c) { return keysort_common(c, true); }

/* duplicate(N, X) when is_integer(N), N >= 0. */
static ev_status b_duplicate(bif_call_ctx *c)
{
    const term *n = c->args[0];
    if (n->tag != T_INT || n->u.i < 0)
        return fc(c, "duplicate", 331, 2, (term *[]){ ref(n), ref(c->args[1]) });
    if (n->u.i > LIST_MAX)
        return bif_raise(c, "error", term_atom_s("system_limit"));
    term *l = term_nil();
    for (int64_t i = 0; i < n->u.i; i++)
        l = term_cons(ref(c->args[1]), l);
    return bif_return(c, l);
}

/* zip([X|Xs], [Y|Ys]) -> [{X, Y}|zip(Xs, Ys)]; zip([], []) -> []. */
static ev_status b_zip(bif_call_ctx *c)
{
    const term *a = c->args[0], *b = c->args[1];
    size_t n = 0;
    while (a->tag == T_CONS && b->tag == T_CONS) {
        a = a->u.cons.tail;
        b = b->u.cons.tail;
        n++;
    }
    if (a->tag != T_NIL || b->tag != T_NIL)
        return bif_function_clause_at(c, "lists", "zip", "lists.erl", 419,
                     n ? bif_frame("lists", "zip", 2, "lists.erl", 419) : NULL,
                     2, (term *[]){ ref(a), ref(b) });
    term **el = xcalloc(n + 1, sizeof *el);
    a = c->args[0];
    b = c->args[1];
    for (size_t i = 0; i < n; i++) {
        el[i] = term_tuplev(2, ref(a->u.cons.head), ref(b->u.cons.head));
        a = a->u.cons.tail;
        b = b->u.cons.tail;
    }
    term *l = term_list((uint32_t)n, el, NULL);
    free(el);
    return bif_return(c, l);
}

/* flatten(L) when is_list(L): depth first with a stack of the lists
 * being walked, on the heap. An improper tail is lists:do_flatten's
 * function_clause. */
static ev_status b_flatten(bif_call_ctx *c)
{
    const term *l = c->args[0];
    if (l->tag != T_CONS && l->tag != T_NIL)
        return fc(c, "flatten", 648, 1, (term *[]){ ref(l) });
    size_t cap = 16, sp = 0, n = 0, ecap = 16;
    const term **st = xcalloc(cap, sizeof *st);
    const term **out = xcalloc(ecap, sizeof *out);
    st[sp++] = l;
    while (sp > 0) {
        const term *x = st[--sp];
        if (x->tag == T_NIL)
            continue;
        if (x->tag != T_CONS) {
            free(st);
            free(out);
            return bif_function_clause_at(c, "lists", "do_flatten", "lists.erl", 659,
                         bif_frame("lists", "do_flatten", 2, "lists.erl", 662),
                         2, (term *[]){ ref(x), term_nil() });
        }
        if (sp + 2 > cap) {
            cap *= 2;
            st = xrealloc(st, cap * sizeof *st);
        }
        st[sp++] = x->u.cons.tail;
        const term *h = x->u.cons.head;
        if (h->tag == T_CONS || h->tag == T_NIL) {
            st[sp++] = h;
        } else {
            if (n == ecap) {
                ecap *= 2;
                out = xrealloc(out, ecap * sizeof *out);
            }
            out[n++] = h;
        }
    }
    free(st);
    term *r = bif_list_from(out, n, NULL);
    free(out);
    return bif_return(c, r);
}

/* A ++ B, raised as erlang:'++'/2 from lists:Fun/2 at Line. */
static ev_status plusplus(bif_call_ctx *c, const char *fun, int line)
{
    const term *a = c->args[0], *b = c->args[1];
    if (!term_is_proper_list(a))
        return op_error(c, "badarg", "++", a, b, fun, 2, line);
    size_t n;
    const term **el = bif_list_elems(a, &n);
    term *l = bif_list_from(el, n, ref(b));
    free(el);
    return bif_return(c, l);
}

static ev_status b_append(bif_call_ctx *c) { return plusplus(c, "append", 144); }

/* A -- B: each element of B removes the first =:= one of A. */
static ev_status b_subtract(bif_call_ctx *c)
{
    const term *a = c->args[0], *b = c->args[1];
    if (!term_is_proper_list(a) || !term_is_proper_list(b))
        return op_error(c, "badarg", "--", a, b, "subtract", 2, 166);
    size_t n;
    const term **el = bif_list_elems(a, &n);
    bool *gone = xcalloc(n + 1, sizeof *gone);
    for (const term *y = b; y->tag == T_CONS; y = y->u.cons.tail)
        for (size_t i = 0; i < n; i++)
            if (!gone[i] && term_equal(el[i], y->u.cons.head)) {
                gone[i] = true;
                break;
            }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!gone[i])
            el[k++] = el[i];
    free(gone);
    term *l = bif_list_from(el, k, NULL);
    free(el);
    return bif_return(c, l);
}

/* reverse(L, T): a BIF in OTP. */
static ev_status b_reverse2(bif_call_ctx *c)
{
    const term *x = c->args[0];
    if (!term_is_proper_list(x))
        return bif_badarg(c, 1, x->tag == T_CONS ? "not a proper list" : "not a list");
    term *l = ref(c->args[1]);
    for (; x->tag == T_CONS; x = x->u.cons.tail)
        l = term_cons(ref(x->u.cons.head), l);
    return bif_return(c, l);
}

/* Whether t is a tuple of at least n elements whose n-th == key. */
static bool key_at(const term *t, int64_t n, const term *key)
{
    return t->tag == T_TUPLE && (int64_t)t->u.tuple.n >= n
        && cmp(t->u.tuple.el[n - 1], key) == 0;
}

/* keyfind/3: a BIF in OTP. */
static ev_status b_keyfind(bif_call_ctx *c)
{
    const term *k = c->args[0], *n = c->args[1], *l = c->args[2];
    if (n->tag != T_INT)
        return bif_badarg(c, 2, "not an integer");
    if (n->u.i < 1)
        return bif_badarg(c, 2, "out of range");
    const term *x = l;
    for (; x->tag == T_CONS; x = x->u.cons.tail)
        if (key_at(x->u.cons.head, n->u.i, k))
            return bif_return(c, ref(x->u.cons.head));
    if (x->tag != T_NIL)
        return bif_badarg(c, 3, x == l ? "not a list" : "not a proper list");
    return bif_return(c, term_atom_s("false"));
}

/* keystore(K, N, L, New) when is_integer(N), N > 0, is_tuple(New);
 * keydelete(K, N, L) when is_integer(N), N > 0: the first match
 * replaced (deleted), else New appended (L as it is). */
static ev_status key_replace(bif_call_ctx *c, bool store)
{
    const term *k = c->args[0], *n = c->args[1], *l = c->args[2];
    const term *nw = store ? c->args[3] : NULL;
    if (n->tag != T_INT || n->u.i < 1 || (store && nw->tag != T_TUPLE)) {
        if (store)
            return fc(c, "keystore", 768, 4,
                      (term *[]){ ref(k), ref(n), ref(l), ref(nw) });
        return fc(c, "keydelete", 719, 3, (term *[]){ ref(k), ref(n), ref(l) });
    }
    size_t i = 0;
    const term *x = l;
    for (; x->tag == T_CONS; x = x->u.cons.tail, i++)
        if (key_at(x->u.cons.head, n->u.i, k))
            break;
    if (x->tag != T_CONS && x->tag != T_NIL) {
        /* a caller's frame when keystore2/keydelete3 recursed */
        if (store)
            return bif_function_clause_at(c, "lists", "keystore2", "lists.erl", 771,
                         i ? bif_frame("lists", "keystore2", 4, "lists.erl", 774) : NULL,
                         4, (term *[]){ ref(k), ref(n), ref(x), ref(nw) });
        return bif_function_clause_at(c, "lists", "keydelete3", "lists.erl", 722,
                     i ? bif_frame("lists", "keydelete3", 3, "lists.erl", 724) : NULL,
                     3, (term *[]){ ref(k), ref(n), ref(x) });
    }
    term *tail;
    if (x->tag == T_CONS)
        tail = store ? term_cons(ref(nw), ref(x->u.cons.tail)) : ref(x->u.cons.tail);
    else
        tail = store ? term_cons(ref(nw), term_nil()) : term_nil();
    const term **el = xcalloc(i + 1, sizeof *el);
    size_t j = 0;
    for (const term *y = l; j < i; y = y->u.cons.tail)
        el[j++] = y->u.cons.head;
    term *r = bif_list_from(el, i, tail);
    free(el);
    return bif_return(c, r);
}

static ev_status b_keystore(bif_call_ctx *c) { return key_replace(c, true); }
static ev_status b_keydelete(bif_call_ctx *c) { return key_replace(c, false); }

/* seq(First, Last, Inc), with OTP 25's error info. */
static ev_status b_seq3(bif_call_ctx *c)
{
    for (int i = 0; i < 3; i++)
        if (c->args[i]->tag != T_INT)
            return bif_badarg(c, i + 1, "not an integer");
    int64_t f = c->args[0]->u.i, l = c->args[1]->u.i, inc = c->args[2]->u.i;
    /* in 128 bits so that no step overflows (i128.h) */
    i128 F = i128_of(f), L = i128_of(l), I = i128_of(inc), FI = i128_sub(F, I);
    bool ok = (inc > 0 && !i128_lt(L, FI)) || (inc < 0 && !i128_lt(FI, L)) ||
              (inc == 0 && f == l);
    if (!ok)
        return bif_badarg(c, 3, l > f ? "not a positive increment"
                                      : "not a negative increment");
    /* n = (L - F + I) / I, at least 0 and at most 2^64 */
    int64_t n = 1;
    i128 num = i128_add(i128_sub(L, F), I);
    if (inc > 0 && !i128_div(num, (uint64_t)inc, false, &n))
        n = INT64_MAX;
    if (inc < 0 && !i128_div(i128_neg(num), 0 - (uint64_t)inc, false, &n))
        n = INT64_MAX;
    if (n > LIST_MAX)
        return bif_raise(c, "error", term_atom_s("system_limit"));
    term *r = term_nil();
    /* F + k * I stays between F and L: exact in uint64's wrap-around */
    for (int64_t k = n; k-- > 0;)
        r = term_cons(term_int((int64_t)((uint64_t)f + (uint64_t)k * (uint64_t)inc)), r);
    return bif_return(c, r);
}

/* sublist(L, Len) -> sublist_2(L, Len): the first Len elements, fewer
 * when L is shorter. */
static ev_status sublist_from(bif_call_ctx *c, const term *l, const term *len)
{
    if (len->tag != T_INT || len->u.i < 0)
        return fc(c, "sublist_2", 388, 2, (term *[]){ ref(l), ref(len) });
    int64_t n = len->u.i, k = 0;
    const term *x = l;
    while (k < n && x->tag == T_CONS) {
        x = x->u.cons.tail;
        k++;
    }
    if (k < n && x->tag != T_NIL)
        return bif_function_clause_at(c, "lists", "sublist_2", "lists.erl", 388,
                     k ? bif_frame("lists", "sublist_2", 2, "lists.erl", 389) : NULL,
                     2, (term *[]){ ref(x), term_int(n - k) });
    const term **el = xcalloc((size_t)k + 1, sizeof *el);
    x = l;
    for (int64_t i = 0; i < k; i++, x = x->u.cons.tail)
        el[i] = x->u.cons.head;
    term *r = bif_list_from(el, (size_t)k, NULL);
    free(el);
    return bif_return(c, r);
}

/* sublist(List, L) when is_integer(L), is_list(List) -> sublist_2(List, L). */
static ev_status b_sublist2(bif_call_ctx *c)
{
    const term *l = c->args[0], *len = c->args[1];
    if (len->tag != T_INT || (l->tag != T_CONS && l->tag != T_NIL))
        return fc(c, "sublist", 385, 2, (term *[]){ ref(l), ref(len) });
    return sublist_from(c, c->args[0], c->args[1]);
}

/* sublist(List, 1, L) when is_list(List), is_integer(L), L >= 0 ->
 * sublist(List, L); sublist([], S, _) when is_integer(S), S >= 2 -> [];
 * sublist([_|T], S, L) when is_integer(S), S >= 2 -> sublist(T, S-1, L). */
static ev_status b_sublist3(bif_call_ctx *c)
{
    const term *l = c->args[0], *s = c->args[1], *len = c->args[2];
    int64_t start = s->tag == T_INT ? s->u.i : 0;
    for (;;) {
        if (start == 1 && (l->tag == T_CONS || l->tag == T_NIL)
            && len->tag == T_INT && len->u.i >= 0)
            return sublist_from(c, l, len);
        if (start >= 2 && l->tag == T_NIL)
            return bif_return(c, term_nil());
        if (start >= 2 && l->tag == T_CONS) {
            l = l->u.cons.tail;
            start--;
            continue;
        }
        term *sv = s->tag == T_INT ? term_int(start) : ref(s);
        return fc(c, "sublist", 372, 3, (term *[]){ ref(l), sv, ref(len) });
    }
}

/* delete(X, L): L without its first =:= X. */
static ev_status b_delete(bif_call_ctx *c)
{
    const term *l = c->args[1];
    size_t i = 0;
    const term *x = l;
    for (; x->tag == T_CONS; x = x->u.cons.tail, i++)
        if (term_equal(x->u.cons.head, c->args[0]))
            break;
    if (x->tag != T_CONS && x->tag != T_NIL)
        return bif_function_clause_at(c, "lists", "delete", "lists.erl", 404,
                     i ? bif_frame("lists", "delete", 2, "lists.erl", 406) : NULL,
                     2, (term *[]){ ref(c->args[0]), ref(x) });
    const term **el = xcalloc(i + 1, sizeof *el);
    size_t j = 0;
    for (const term *y = l; j < i; y = y->u.cons.tail)
        el[j++] = y->u.cons.head;
    term *r = bif_list_from(el, i, x->tag == T_CONS ? ref(x->u.cons.tail) : term_nil());
    free(el);
    return bif_return(c, r);
}

const bif_reg rt__lists_bifs[] = {
    {"lists", "nth", 2, b_nth, BIF_QUALIFIED},
    {"lists", "nthtail", 2, b_nthtail, BIF_QUALIFIED},
    {"lists", "last", 1, b_last, BIF_QUALIFIED},
    {"lists", "sum", 1, b_sum, BIF_QUALIFIED},
    {"lists", "max", 1, b_max, BIF_QUALIFIED},
    {"lists", "min", 1, b_min, BIF_QUALIFIED},
    {"lists", "sort", 1, b_sort, BIF_QUALIFIED},
    {"lists", "usort", 1, b_usort, BIF_QUALIFIED},
    {"lists", "keysort", 2, b_keysort, BIF_QUALIFIED},
    {"lists", "ukeysort", 2, b_ukeysort, BIF_QUALIFIED},
    {"lists", "duplicate", 2, b_duplicate, BIF_QUALIFIED},
    {"lists", "zip", 2, b_zip, BIF_QUALIFIED},
    {"lists", "flatten", 1, b_flatten, BIF_QUALIFIED},
    {"lists", "append", 2, b_append, BIF_QUALIFIED},
    {"lists", "subtract", 2, b_subtract, BIF_QUALIFIED},
    {"lists", "reverse", 2, b_reverse2, BIF_QUALIFIED},
    {"lists", "keyfind", 3, b_keyfind, BIF_QUALIFIED},
    {"lists", "keystore", 4, b_keystore, BIF_QUALIFIED},
    {"lists", "keydelete", 3, b_keydelete, BIF_QUALIFIED},
    {"lists", "seq", 3, b_seq3, BIF_QUALIFIED},
    {"lists", "sublist", 2, b_sublist2, BIF_QUALIFIED},
    {"lists", "sublist", 3, b_sublist3, BIF_QUALIFIED},
    {"lists", "delete", 2, b_delete, BIF_QUALIFIED},
    {NULL, NULL, 0, NULL, BIF_QUALIFIED},
};
