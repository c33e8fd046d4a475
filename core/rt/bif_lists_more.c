/* bif_lists_more: the rest of lists' functions that take no fun (the
 * rows of rt__lists_more_bifs, bif.h): the key functions keymember,
 * keysearch, keyreplace, keytake, keymerge; concat, append/1, join,
 * flatten/2, flatlength, prefix, suffix, droplast, split, unzip, unzip3,
 * zip3, merge/1,2, uniq/1, enumerate/1,2.
 *
 * Results and errors are OTP 25's lists.erl, checked against erl: the
 * BIFs' badarg with erl's `*** argument N:` line (keymember, keysearch),
 * lists.erl's function_clause with its line for a clause that fails, a
 * bare badarg for split/2. Loops are bounded by their input and none
 * recurses on a list's length (flatlength keeps its stack on the heap). */
#include "core/rt/bif.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/term/xalloc.h"

static term *ref(const term *t) { return term_ref((term *)t); }

static int cmp(const term *a, const term *b) { return term_compare(a, b, true); }

/* error:function_clause in lists:Fun(Args) at lists.erl's line (args
 * taken). */
static ev_status fc(bif_call_ctx *c, const char *fun, int line, uint32_t n,
                    term **args)
{
    return bif_function_clause_at(c, "lists", fun, "lists.erl", line, NULL,
                                  n, args);
}

/* All of the call's arguments, for fc (new references). */
static ev_status fc_args(bif_call_ctx *c, const char *fun, int line)
{
    term *a[4];
    for (uint32_t i = 0; i < c->argc; i++)
        a[i] = ref(c->args[i]);
    return fc(c, fun, line, c->argc, a);
}

/* Element n (1-based) of t equals key (==, as keyfind compares)? */
static bool key_at(const term *t, int64_t n, const term *key)
{
    return t->tag == T_TUPLE && (uint64_t)n <= t->u.tuple.n &&
           cmp(t->u.tuple.el[n - 1], key) == 0;
}

/* A vector of terms that becomes a list. */
typedef struct tv {
    term **el;
    size_t n, cap;
} tv;

static void push(tv *v, term *t)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? 2 * v->cap : 16;
        v->el = xrealloc(v->el, v->cap * sizeof *v->el);
    }
    v->el[v->n++] = t;
}

static term *tv_list(tv *v, term *tail)
{
    term *l = term_list((uint32_t)v->n, v->el, tail);
    free(v->el);
    v->el = NULL;
    v->n = v->cap = 0;
    return l;
}

/* Drops v's terms and its storage (an error part way). */
static void tv_drop(tv *v)
{
    for (size_t i = 0; i < v->n; i++)
        term_unref(v->el[i]);
    free(v->el);
}

/* ---- keys ---- */

/* keymember/3 and keysearch/3, BIFs: the first tuple whose element N is
 * == Key. */
static ev_status key_find(bif_call_ctx *c, bool search)
{
    const term *k = c->args[0], *n = c->args[1], *l = c->args[2];
    if (n->tag != T_INT)
        return bif_badarg(c, 2, "not an integer");
    if (n->u.i < 1)
        return bif_badarg(c, 2, "out of range");
    const term *x = l;
    for (; x->tag == T_CONS; x = x->u.cons.tail)
        if (key_at(x->u.cons.head, n->u.i, k))
            return bif_return(c, search
                ? term_tuplev(2, term_atom_s("value"), ref(x->u.cons.head))
                : term_bool(true));
    if (x->tag != T_NIL)
        return bif_badarg(c, 3, x == l ? "not a list" : "not a proper list");
    return bif_return(c, term_bool(false));
}
static ev_status b_keymember(bif_call_ctx *c) { return key_find(c, false); }
static ev_status b_keysearch(bif_call_ctx *c) { return key_find(c, true); }

/* keyreplace(K, N, L, New) when is_integer(N), N > 0, is_tuple(New);
 * keytake(K, N, L) when is_integer(N), N > 0. */
static ev_status key_change(bif_call_ctx *c, bool take)
{
    const term *k = c->args[0], *n = c->args[1], *l = c->args[2];
    if (n->tag != T_INT || n->u.i < 1 ||
        (!take && c->args[3]->tag != T_TUPLE))
        return fc_args(c, take ? "keytake" : "keyreplace", take ? 751 : 735);
    tv pre = {0};
    const term *x = l;
    for (; x->tag == T_CONS; x = x->u.cons.tail) {
        if (key_at(x->u.cons.head, n->u.i, k))
            break;
        push(&pre, ref(x->u.cons.head));
    }
    if (x->tag != T_CONS) {
        bool bad = x->tag != T_NIL;
        term *r = take ? term_atom_s("false") : tv_list(&pre, NULL);
        if (take) {
            for (size_t i = 0; i < pre.n; i++)
                term_unref(pre.el[i]);
            free(pre.el);
        }
        if (bad) {
            term_unref(r);
            return fc(c, take ? "keytake" : "keyreplace3", take ? 754 : 738,
                      3, (term *[]){ ref(k), ref(n), ref(x) });
        }
        return bif_return(c, r);
    }
    if (take) {
        term *rest = tv_list(&pre, ref(x->u.cons.tail));
        return bif_return(c, term_tuplev(3, term_atom_s("value"),
                                         ref(x->u.cons.head), rest));
    }
    return bif_return(c, tv_list(&pre, term_cons(ref(c->args[3]),
                                                 ref(x->u.cons.tail))));
}
static ev_status b_keyreplace(bif_call_ctx *c) { return key_change(c, false); }
static ev_status b_keytake(bif_call_ctx *c) { return key_change(c, true); }

/* Stable merge of two sorted lists (the first's elements first among
 * equal ones, lists:merge/2's merge2_1), by element n of tuples when
 * n > 0. NULL when an argument is not a proper list. */
static term *merge2(const term *a, const term *b, int64_t n)
{
    if (!term_is_proper_list(a) || !term_is_proper_list(b))
        return NULL;
    tv o = {0};
    while (a->tag == T_CONS && b->tag == T_CONS) {
        const term *x = a->u.cons.head, *y = b->u.cons.head;
        const term *kx = x, *ky = y;
        if (n > 0) {
            kx = x->u.tuple.el[n - 1];
            ky = y->u.tuple.el[n - 1];
        }
        if (cmp(kx, ky) <= 0) {
            push(&o, ref(x));
            a = a->u.cons.tail;
        } else {
            push(&o, ref(y));
            b = b->u.cons.tail;
        }
    }
    return tv_list(&o, ref(a->tag == T_CONS ? a : b));
}

static bool all_tuples_with(const term *l, int64_t n)
{
    for (; l->tag == T_CONS; l = l->u.cons.tail) {
        const term *t = l->u.cons.head;
        if (t->tag != T_TUPLE || (uint64_t)n > t->u.tuple.n)
            return false;
    }
    return true;
}

/* keymerge(N, L1, L2) when is_integer(N), N > 0 */
static ev_status b_keymerge(bif_call_ctx *c)
{
    const term *n = c->args[0];
    if (n->tag != T_INT || n->u.i < 1 || !all_tuples_with(c->args[1], n->u.i) ||
        !all_tuples_with(c->args[2], n->u.i))
        return fc_args(c, "keymerge", 1028);
    term *r = merge2(c->args[1], c->args[2], n->u.i);
    if (!r)
        return fc_args(c, "keymerge", 1028);
    return bif_return(c, r);
}

/* merge(L1, L2) */
static ev_status b_merge2(bif_call_ctx *c)
{
    term *r = merge2(c->args[0], c->args[1], 0);
    if (!r)
        return fc_args(c, "merge", 610);
    return bif_return(c, r);
}

/* merge(ListOfLists): merged left to right, the earlier list's
 * elements first among equal ones (as mergel/2 gives). */
static ev_status b_merge1(bif_call_ctx *c)
{
    const term *ls = c->args[0];
    if (!term_is_proper_list(ls))
        return fc_args(c, "merge", 588);
    term *acc = term_nil();
    for (; ls->tag == T_CONS; ls = ls->u.cons.tail) {
        term *m = merge2(acc, ls->u.cons.head, 0);
        term_unref(acc);
        if (!m)
            return fc_args(c, "merge", 588);
        acc = m;
    }
    return bif_return(c, acc);
}

/* ---- building and taking apart ---- */

/* concat(Things): atoms, integers, floats and strings, as text. */
static ev_status b_concat(bif_call_ctx *c)
{
    const term *l = c->args[0];
    if (!term_is_proper_list(l))
        return fc_args(c, "concat", 630);
    tv o = {0};
    for (; l->tag == T_CONS; l = l->u.cons.tail) {
        const term *x = l->u.cons.head;
        if (x->tag == T_CONS || x->tag == T_NIL) {
            if (!term_is_proper_list(x))
                goto bad;
            for (const term *y = x; y->tag == T_CONS; y = y->u.cons.tail)
                push(&o, ref(y->u.cons.head));
            continue;
        }
        char buf[64];
        const char *s = buf;
        if (x->tag == T_INT)
            snprintf(buf, sizeof buf, "%lld", (long long)x->u.i);
        else if (x->tag == T_FLOAT)
            term_snprintf_c(buf, sizeof buf, "%.20e", x->u.f); /* float_to_list/1 */
        else if (x->tag == T_ATOM)
            s = atom_text(x->u.atom);
        else
            goto bad;
        term *t = term_string(s);
        for (const term *y = t; y->tag == T_CONS; y = y->u.cons.tail)
            push(&o, ref(y->u.cons.head));
        term_unref(t);
        continue;
    bad:
        tv_drop(&o);
        return fc(c, "thing_to_list", 635, 1, (term *[]){ ref(x) });
    }
    return bif_return(c, tv_list(&o, NULL));
}

/* append(ListOfLists) */
static ev_status b_append1(bif_call_ctx *c)
{
    const term *ls = c->args[0];
    if (!term_is_proper_list(ls))
        return fc_args(c, "append", 154);
    tv o = {0};
    term *tail = term_nil();
    for (; ls->tag == T_CONS; ls = ls->u.cons.tail) {
        const term *x = ls->u.cons.head;
        if (ls->u.cons.tail->tag == T_NIL) {   /* append([E]) -> E */
            term_unref(tail);
            tail = ref(x);
            break;
        }
        if (!term_is_proper_list(x)) {
            tv_drop(&o);
            term_unref(tail);
            return bif_raise(c, "error", term_atom_s("badarg"));
        }
        for (const term *y = x; y->tag == T_CONS; y = y->u.cons.tail)
            push(&o, ref(y->u.cons.head));
    }
    return bif_return(c, tv_list(&o, tail));
}

/* join(Sep, List): Sep between the elements. */
static ev_status b_join(bif_call_ctx *c)
{
    const term *l = c->args[1];
    if (!term_is_proper_list(l))
        return fc_args(c, "join", 1586);
    tv o = {0};
    for (; l->tag == T_CONS; l = l->u.cons.tail) {
        if (o.n)
            push(&o, ref(c->args[0]));
        push(&o, ref(l->u.cons.head));
    }
    return bif_return(c, tv_list(&o, NULL));
}

/* flatten(L, Tail) when is_list(L), is_list(Tail): L's leaves before
 * Tail, walked with a stack on the heap. */
static ev_status b_flatten2(bif_call_ctx *c)
{
    const term *l = c->args[0], *tail = c->args[1];
    if ((l->tag != T_CONS && l->tag != T_NIL) ||
        (tail->tag != T_CONS && tail->tag != T_NIL))
        return fc_args(c, "flatten", 656);
    tv o = {0};
    size_t cap = 16, sp = 0;
    const term **st = xcalloc(cap, sizeof *st);
    st[sp++] = l;
    while (sp) {
        const term *x = st[--sp];
        if (x->tag == T_NIL)
            continue;
        if (x->tag != T_CONS) {
            tv_drop(&o);
            free(st);
            return fc(c, "do_flatten", 659, 2, (term *[]){ ref(x), ref(tail) });
        }
        const term *h = x->u.cons.head;
        if (sp + 2 > cap) {
            cap *= 2;
            st = xrealloc(st, cap * sizeof *st);
        }
        st[sp++] = x->u.cons.tail;
        if (h->tag == T_CONS || h->tag == T_NIL)
            st[sp++] = h;
        else
            push(&o, ref(h));
    }
    free(st);
    return bif_return(c, tv_list(&o, ref(tail)));
}

/* flatlength(L) */
static ev_status b_flatlength(bif_call_ctx *c)
{
    const term *l = c->args[0];
    int64_t n = 0;
    size_t cap = 16, sp = 0;
    const term **st = xcalloc(cap, sizeof *st);
    st[sp++] = l;
    while (sp) {
        const term *x = st[--sp];
        if (x->tag == T_NIL)
            continue;
        if (x->tag != T_CONS) {
            free(st);
            return fc(c, "flatlength", 675, 2, (term *[]){ ref(x), term_int(n) });
        }
        if (sp + 2 > cap) {
            cap *= 2;
            st = xrealloc(st, cap * sizeof *st);
        }
        st[sp++] = x->u.cons.tail;
        const term *h = x->u.cons.head;
        if (h->tag == T_CONS || h->tag == T_NIL)
            st[sp++] = h;
        else
            n++;
    }
    free(st);
    return bif_return(c, term_int(n));
}

/* prefix(P, L): is P a prefix of L (=:=)? */
static ev_status b_prefix(bif_call_ctx *c)
{
    const term *p = c->args[0], *l = c->args[1];
    while (p->tag == T_CONS && l->tag == T_CONS &&
           term_compare(p->u.cons.head, l->u.cons.head, false) == 0) {
        p = p->u.cons.tail;
        l = l->u.cons.tail;
    }
    if (p->tag == T_NIL && (l->tag == T_NIL || l->tag == T_CONS))
        return bif_return(c, term_bool(true));
    if (p->tag == T_CONS && (l->tag == T_NIL || l->tag == T_CONS))
        return bif_return(c, term_bool(false));
    return fc(c, "prefix", 220, 2, (term *[]){ ref(p), ref(l) });
}

/* suffix(S, L): length(L) - length(S) >= 0 andalso nthtail(...) =:= S. */
static ev_status b_suffix(bif_call_ctx *c)
{
    const term *s = c->args[0], *l = c->args[1];
    if (!term_is_proper_list(l))
        return bif_badarg(c, 0, NULL);
    if (!term_is_proper_list(s))
        return bif_badarg(c, 0, NULL);
    size_t ns = term_list_length(s), nl = term_list_length(l);
    if (ns > nl)
        return bif_return(c, term_bool(false));
    for (size_t i = 0; i < nl - ns; i++)
        l = l->u.cons.tail;
    return bif_return(c, term_bool(term_compare(l, s, false) == 0));
}

/* droplast([_|_] = L): all but the last. */
static ev_status b_droplast(bif_call_ctx *c)
{
    const term *l = c->args[0];
    if (l->tag != T_CONS || !term_is_proper_list(l))
        return fc_args(c, "droplast", 246);
    tv o = {0};
    for (; l->u.cons.tail->tag == T_CONS; l = l->u.cons.tail)
        push(&o, ref(l->u.cons.head));
    return bif_return(c, tv_list(&o, NULL));
}

/* split(N, L) when is_integer(N), N >= 0, is_list(L): {First N, Rest};
 * badarg when L is shorter. */
static ev_status b_split(bif_call_ctx *c)
{
    const term *n = c->args[0], *l = c->args[1];
    if (n->tag != T_INT || n->u.i < 0 || (l->tag != T_CONS && l->tag != T_NIL))
        return bif_badarg(c, 0, NULL);
    tv o = {0};
    int64_t k = 0;
    for (; k < n->u.i && l->tag == T_CONS; k++, l = l->u.cons.tail)
        push(&o, ref(l->u.cons.head));
    if (k < n->u.i) {
        tv_drop(&o);
        return bif_badarg(c, 0, NULL);
    }
    term *first = tv_list(&o, NULL);
    return bif_return(c, term_tuplev(2, first, ref(l)));
}

/* unzip/1, unzip3/1: a list of pairs (triples) into lists. */
static ev_status unzip(bif_call_ctx *c, uint32_t w)
{
    const term *l = c->args[0];
    for (const term *x = l; ; x = x->u.cons.tail) {
        if (x->tag == T_NIL)
            break;
        if (x->tag != T_CONS || x->u.cons.head->tag != T_TUPLE ||
            x->u.cons.head->u.tuple.n != w) {
            /* unzip/3's clause fails on what is left, with the
             * accumulators of the entries before it (reversed) */
            term *a[4];
            tv acc[3] = {{0}};
            for (const term *y = l; y != x; y = y->u.cons.tail)
                for (uint32_t i = 0; i < w; i++)
                    push(&acc[i], ref(y->u.cons.head->u.tuple.el[i]));
            a[0] = ref(x);
            for (uint32_t i = 0; i < w; i++) {
                term *r = term_nil();
                for (size_t j = 0; j < acc[i].n; j++)
                    r = term_cons(acc[i].el[j], r);
                free(acc[i].el);
                a[i + 1] = r;
            }
            return fc(c, w == 2 ? "unzip" : "unzip3", w == 2 ? 434 : 466,
                      w + 1, a);
        }
    }
    tv o[3] = {{0}};
    for (; l->tag == T_CONS; l = l->u.cons.tail)
        for (uint32_t i = 0; i < w; i++)
            push(&o[i], ref(l->u.cons.head->u.tuple.el[i]));
    term *el[3];
    for (uint32_t i = 0; i < w; i++)
        el[i] = tv_list(&o[i], NULL);
    return bif_return(c, term_tuple(w, el));
}
static ev_status b_unzip(bif_call_ctx *c) { return unzip(c, 2); }
static ev_status b_unzip3(bif_call_ctx *c) { return unzip(c, 3); }

/* zip3(L1, L2, L3): triples; lists of one length. */
static ev_status b_zip3(bif_call_ctx *c)
{
    const term *a = c->args[0], *b = c->args[1], *d = c->args[2];
    tv o = {0};
    while (a->tag == T_CONS && b->tag == T_CONS && d->tag == T_CONS) {
        push(&o, term_tuplev(3, ref(a->u.cons.head), ref(b->u.cons.head),
                             ref(d->u.cons.head)));
        a = a->u.cons.tail;
        b = b->u.cons.tail;
        d = d->u.cons.tail;
    }
    if (a->tag != T_NIL || b->tag != T_NIL || d->tag != T_NIL) {
        tv_drop(&o);
        return fc(c, "zip3", 449, 3, (term *[]){ ref(a), ref(b), ref(d) });
    }
    return bif_return(c, tv_list(&o, NULL));
}

/* uniq(L): the first of each =:= element, in order. */
static ev_status b_uniq(bif_call_ctx *c)
{
    const term *l = c->args[0];
    if (!term_is_proper_list(l)) {
        term *m = term_map(0, NULL, NULL);
        return fc(c, "uniq_1", 2988, 2, (term *[]){ ref(l), m });
    }
    size_t n = term_list_length(l), k = 0;
    const term **seen = xcalloc(n + 1, sizeof *seen);
    tv o = {0};
    for (; l->tag == T_CONS; l = l->u.cons.tail) {
        const term *x = l->u.cons.head;
        bool dup = false;
        for (size_t i = 0; i < k && !dup; i++)
            dup = term_compare(seen[i], x, false) == 0;
        if (dup)
            continue;
        seen[k++] = x;
        push(&o, ref(x));
    }
    free(seen);
    return bif_return(c, tv_list(&o, NULL));
}

/* enumerate(L), enumerate(Index, L): {I, Elem} from 1 (or Index). */
static ev_status b_enumerate(bif_call_ctx *c)
{
    const term *l = c->argc == 2 ? c->args[1] : c->args[0];
    const term *i0 = c->argc == 2 ? c->args[0] : NULL;
    if ((i0 && i0->tag != T_INT) || !term_is_proper_list(l))
        return fc_args(c, "enumerate", 993);
    int64_t i = i0 ? i0->u.i : 1;
    tv o = {0};
    for (; l->tag == T_CONS; l = l->u.cons.tail, i++)
        push(&o, term_tuplev(2, term_int(i), ref(l->u.cons.head)));
    return bif_return(c, tv_list(&o, NULL));
}

const bif_reg rt__lists_more_bifs[] = {
    {"lists", "keymember", 3, b_keymember, BIF_QUALIFIED},
    {"lists", "keysearch", 3, b_keysearch, BIF_QUALIFIED},
    {"lists", "keyreplace", 4, b_keyreplace, BIF_QUALIFIED},
    {"lists", "keytake", 3, b_keytake, BIF_QUALIFIED},
    {"lists", "keymerge", 3, b_keymerge, BIF_QUALIFIED},
    {"lists", "merge", 1, b_merge1, BIF_QUALIFIED},
    {"lists", "merge", 2, b_merge2, BIF_QUALIFIED},
    {"lists", "concat", 1, b_concat, BIF_QUALIFIED},
    {"lists", "append", 1, b_append1, BIF_QUALIFIED},
    {"lists", "join", 2, b_join, BIF_QUALIFIED},
    {"lists", "flatten", 2, b_flatten2, BIF_QUALIFIED},
    {"lists", "flatlength", 1, b_flatlength, BIF_QUALIFIED},
    {"lists", "prefix", 2, b_prefix, BIF_QUALIFIED},
    {"lists", "suffix", 2, b_suffix, BIF_QUALIFIED},
    {"lists", "droplast", 1, b_droplast, BIF_QUALIFIED},
    {"lists", "split", 2, b_split, BIF_QUALIFIED},
    {"lists", "unzip", 1, b_unzip, BIF_QUALIFIED},
    {"lists", "unzip3", 1, b_unzip3, BIF_QUALIFIED},
    {"lists", "zip3", 3, b_zip3, BIF_QUALIFIED},
    {"lists", "uniq", 1, b_uniq, BIF_QUALIFIED},
    {"lists", "enumerate", 1, b_enumerate, BIF_QUALIFIED},
    {"lists", "enumerate", 2, b_enumerate, BIF_QUALIFIED},
    {NULL, NULL, 0, NULL, BIF_QUALIFIED},
};
