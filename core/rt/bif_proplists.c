/* bif_proplists: the proplists module (the rows of rt__proplists_bifs,
 * bif.h), OTP 25's proplists.erl as C BIFs.
 *
 * A property list's entries are atoms (A stands for {A, true}) and
 * tuples whose first element is the key; anything else is skipped, as
 * proplists.erl skips it. Keys match with =:= (1 and 1.0 are different
 * keys). A list argument that is not a proper list fails with
 * proplists.erl's function_clause. get_keys/1 is sorted (OTP 25 collects
 * the keys in a map-based set: sorted up to 32 keys; LIMIT: beyond that
 * OTP's order is the map's internal hash order). */
#include "core/rt/bif.h"

#include <stdlib.h>
#include <string.h>

#include "core/term/xalloc.h"

static term *ref(const term *t) { return term_ref((term *)t); }

/* error:function_clause in proplists:Fun(Args) at proplists.erl's line. */
static ev_status fclause(bif_call_ctx *c, const char *fun, int line,
                         uint32_t n, term **args)
{
    return bif_function_clause_at(c, "proplists", fun, "proplists.erl", line,
                                  NULL, n, args);
}

/* Is entry p the key's (an atom =:= key, or a tuple whose first element
 * is)? */
static bool is_key(const term *p, const term *key)
{
    if (p->tag == T_ATOM)
        return term_equal(p, key) && key->tag == T_ATOM;
    return p->tag == T_TUPLE && p->u.tuple.n >= 1 &&
           term_compare(p->u.tuple.el[0], key, false) == 0;
}

/* The entry as {Key, true} for an atom, else itself (a new reference). */
static term *as_tuple(const term *p)
{
    if (p->tag == T_ATOM)
        return term_tuplev(2, ref(p), term_atom_s("true"));
    return ref(p);
}

/* proplists:get_value/2,3 */
static ev_status b_get_value(bif_call_ctx *c)
{
    const term *key = c->args[0], *l = c->args[1];
    term *def = c->argc == 3 ? ref(c->args[2]) : term_atom_s("undefined");
    for (; l->tag == T_CONS; l = l->u.cons.tail) {
        const term *p = l->u.cons.head;
        if (!is_key(p, key))
            continue;
        if (p->tag == T_ATOM) {
            term_unref(def);
            return bif_return(c, term_atom_s("true"));
        }
        if (p->u.tuple.n == 2) {
            term_unref(def);
            return bif_return(c, ref(p->u.tuple.el[1]));
        }
        return bif_return(c, def);
    }
    if (l->tag != T_NIL)
        return fclause(c, "get_value", 216, 3,
                       (term *[]){ ref(key), ref(l), def });
    return bif_return(c, def);
}

/* proplists:get_all_values/2 */
static ev_status b_get_all_values(bif_call_ctx *c)
{
    const term *key = c->args[0], *l = c->args[1];
    if (!term_is_proper_list(l))
        return fclause(c, "get_all_values", 261, 2,
                       (term *[]){ ref(key), ref(l) });
    size_t n = term_list_length(l), k = 0;
    term **el = xcalloc(n + 1, sizeof *el);
    for (; l->tag == T_CONS; l = l->u.cons.tail) {
        const term *p = l->u.cons.head;
        if (!is_key(p, key))
            continue;
        if (p->tag == T_ATOM)
            el[k++] = term_atom_s("true");
        else if (p->u.tuple.n == 2)
            el[k++] = ref(p->u.tuple.el[1]);
    }
    term *r = term_list((uint32_t)k, el, NULL);
    free(el);
    return bif_return(c, r);
}

/* proplists:append_values/2: the values, each list's elements spliced. */
static ev_status b_append_values(bif_call_ctx *c)
{
    const term *key = c->args[0], *l = c->args[1];
    if (!term_is_proper_list(l))
        return fclause(c, "append_values", 283, 2,
                       (term *[]){ ref(key), ref(l) });
    size_t cap = 16, k = 0;
    term **el = xcalloc(cap, sizeof *el);
    for (; l->tag == T_CONS; l = l->u.cons.tail) {
        const term *p = l->u.cons.head;
        if (!is_key(p, key) || (p->tag == T_TUPLE && p->u.tuple.n != 2))
            continue;
        const term *v = p->tag == T_ATOM ? NULL : p->u.tuple.el[1];
        size_t add = v && term_is_proper_list(v) ? term_list_length(v) : 1;
        while (k + add >= cap) {
            cap *= 2;
            el = xrealloc(el, cap * sizeof *el);
        }
        if (!v)
            el[k++] = term_atom_s("true");
        else if (term_is_proper_list(v))
            for (const term *x = v; x->tag == T_CONS; x = x->u.cons.tail)
                el[k++] = ref(x->u.cons.head);
        else
            el[k++] = ref(v);
    }
    term *r = term_list((uint32_t)k, el, NULL);
    free(el);
    return bif_return(c, r);
}

/* proplists:get_bool/2: true only for {Key, true} (or the atom). */
static ev_status b_get_bool(bif_call_ctx *c)
{
    const term *key = c->args[0], *l = c->args[1];
    for (; l->tag == T_CONS; l = l->u.cons.tail) {
        const term *p = l->u.cons.head;
        if (!is_key(p, key))
            continue;
        bool t = p->tag == T_ATOM ||
                 (p->u.tuple.n == 2 &&
                  term_is_atom(p->u.tuple.el[1], atom_intern("true")));
        return bif_return(c, term_bool(t));
    }
    if (l->tag != T_NIL)
        return fclause(c, "lookup", 186, 2, (term *[]){ ref(key), ref(l) });
    return bif_return(c, term_bool(false));
}

/* proplists:lookup/2: the first entry, or none. */
static ev_status b_lookup(bif_call_ctx *c)
{
    const term *key = c->args[0], *l = c->args[1];
    for (; l->tag == T_CONS; l = l->u.cons.tail)
        if (is_key(l->u.cons.head, key))
            return bif_return(c, as_tuple(l->u.cons.head));
    if (l->tag != T_NIL)
        return fclause(c, "lookup", 186, 2, (term *[]){ ref(key), ref(l) });
    return bif_return(c, term_atom_s("none"));
}

/* proplists:lookup_all/2, delete/2: the key's entries, or the others. */
static ev_status filter(bif_call_ctx *c, bool keep, const char *fun, int line)
{
    const term *key = c->args[0], *l = c->args[1];
    if (!term_is_proper_list(l))
        return fclause(c, fun, line, 2, (term *[]){ ref(key), ref(l) });
    size_t n = term_list_length(l), k = 0;
    term **el = xcalloc(n + 1, sizeof *el);
    for (; l->tag == T_CONS; l = l->u.cons.tail) {
        const term *p = l->u.cons.head;
        if (is_key(p, key) == keep)
            el[k++] = keep ? as_tuple(p) : ref(p);
    }
    term *r = term_list((uint32_t)k, el, NULL);
    free(el);
    return bif_return(c, r);
}
static ev_status b_lookup_all(bif_call_ctx *c) { return filter(c, true, "lookup_all", 203); }
static ev_status b_delete(bif_call_ctx *c) { return filter(c, false, "delete", 330); }

/* proplists:is_defined/2 */
static ev_status b_is_defined(bif_call_ctx *c)
{
    const term *key = c->args[0], *l = c->args[1];
    for (; l->tag == T_CONS; l = l->u.cons.tail)
        if (is_key(l->u.cons.head, key))
            return bif_return(c, term_bool(true));
    if (l->tag != T_NIL)
        return fclause(c, "is_defined", 228, 2, (term *[]){ ref(key), ref(l) });
    return bif_return(c, term_bool(false));
}

/* proplists:property/1: {A, true} is A; anything else itself. */
static term *property(const term *p)
{
    if (p->tag == T_TUPLE && p->u.tuple.n == 2 &&
        p->u.tuple.el[0]->tag == T_ATOM &&
        term_is_atom(p->u.tuple.el[1], atom_intern("true")))
        return ref(p->u.tuple.el[0]);
    return ref(p);
}

static ev_status b_property1(bif_call_ctx *c)
{
    return bif_return(c, property(c->args[0]));
}

/* proplists:property/2: property({Key, Value}). */
static ev_status b_property2(bif_call_ctx *c)
{
    term *t = term_tuplev(2, ref(c->args[0]), ref(c->args[1]));
    term *r = property(t);
    term_unref(t);
    return bif_return(c, r);
}

/* proplists:compact/1, unfold/1: every entry through property/1, or
 * every atom as {A, true}. */
static ev_status map_entries(bif_call_ctx *c, bool compact)
{
    const term *l = c->args[0];
    if (!term_is_proper_list(l))
        return fclause(c, compact ? "compact" : "unfold", compact ? 174 : 155,
                       1, (term *[]){ ref(l) });
    size_t n = term_list_length(l), k = 0;
    term **el = xcalloc(n + 1, sizeof *el);
    for (; l->tag == T_CONS; l = l->u.cons.tail)
        el[k++] = compact ? property(l->u.cons.head)
                          : as_tuple(l->u.cons.head);
    term *r = term_list((uint32_t)k, el, NULL);
    free(el);
    return bif_return(c, r);
}
static ev_status b_compact(bif_call_ctx *c) { return map_entries(c, true); }
static ev_status b_unfold(bif_call_ctx *c) { return map_entries(c, false); }

/* proplists:from_map/1: the map's pairs in its key order. */
static ev_status b_from_map(bif_call_ctx *c)
{
    const term *m = c->args[0];
    if (m->tag != T_MAP)
        return fclause(c, "from_map", 711, 1, (term *[]){ ref(m) });
    term **el = xcalloc(m->u.map.n + 1, sizeof *el);
    for (uint32_t i = 0; i < m->u.map.n; i++)
        el[i] = term_tuplev(2, ref(m->u.map.keys[i]), ref(m->u.map.vals[i]));
    term *r = term_list(m->u.map.n, el, NULL);
    free(el);
    return bif_return(c, r);
}

/* proplists:to_map/1: {K, V} and atoms; the first of a key wins. */
static ev_status b_to_map(bif_call_ctx *c)
{
    const term *l = c->args[0];
    if (!term_is_proper_list(l))
        return fclause(c, "to_map", 687, 1, (term *[]){ ref(l) });
    size_t n = term_list_length(l), k = 0;
    term **ks = xcalloc(n + 1, sizeof *ks), **vs = xcalloc(n + 1, sizeof *vs);
    for (; l->tag == T_CONS; l = l->u.cons.tail) {
        const term *p = l->u.cons.head;
        const term *key, *val = NULL;
        if (p->tag == T_ATOM)
            key = p;
        else if (p->tag == T_TUPLE && p->u.tuple.n == 2)
            key = p->u.tuple.el[0], val = p->u.tuple.el[1];
        else
            continue;
        bool seen = false;
        for (size_t i = 0; i < k && !seen; i++)
            seen = term_compare(ks[i], key, false) == 0;
        if (seen)
            continue;
        ks[k] = ref(key);
        vs[k++] = val ? ref(val) : term_atom_s("true");
    }
    term *r = term_map((uint32_t)k, ks, vs);
    free(ks);
    free(vs);
    return bif_return(c, r);
}

static int key_cmp(const void *a, const void *b)
{
    return term_compare(*(term *const *)a, *(term *const *)b, false);
}

/* proplists:get_keys/1: each key once, sorted. */
static ev_status b_get_keys(bif_call_ctx *c)
{
    const term *l = c->args[0];
    if (!term_is_proper_list(l))
        return fclause(c, "get_keys", 244, 1, (term *[]){ ref(l) });
    size_t n = term_list_length(l), k = 0;
    term **ks = xcalloc(n + 1, sizeof *ks);
    for (; l->tag == T_CONS; l = l->u.cons.tail) {
        const term *p = l->u.cons.head;
        if (p->tag == T_ATOM)
            ks[k++] = ref(p);
        else if (p->tag == T_TUPLE && p->u.tuple.n >= 1)
            ks[k++] = ref(p->u.tuple.el[0]);
    }
    /* DETERMINISM: sorted by the term order (exact: 1 and 1.0 differ) */
    qsort(ks, k, sizeof *ks, key_cmp);
    size_t u = 0;
    for (size_t i = 0; i < k; i++) {
        if (u && term_compare(ks[u - 1], ks[i], false) == 0)
            term_unref(ks[i]);
        else
            ks[u++] = ks[i];
    }
    term *r = term_list((uint32_t)u, ks, NULL);
    free(ks);
    return bif_return(c, r);
}

/* proplists:substitute_aliases/2: keys renamed by {Old, New} pairs. */
static ev_status b_substitute_aliases(bif_call_ctx *c)
{
    const term *as = c->args[0], *l = c->args[1];
    if (!term_is_proper_list(as) || !term_is_proper_list(l))
        return fclause(c, "substitute_aliases", 420, 2,
                       (term *[]){ ref(as), ref(l) });
    size_t n = term_list_length(l), k = 0;
    term **el = xcalloc(n + 1, sizeof *el);
    for (; l->tag == T_CONS; l = l->u.cons.tail) {
        const term *p = l->u.cons.head;
        term *out = ref(p);
        for (const term *a = as; a->tag == T_CONS; a = a->u.cons.tail) {
            const term *pr = a->u.cons.head;
            if (pr->tag != T_TUPLE || pr->u.tuple.n != 2 ||
                !is_key(p, pr->u.tuple.el[0]))
                continue;
            term_unref(out);
            const term *nk = pr->u.tuple.el[1];
            if (p->tag == T_ATOM) {
                term *t = term_tuplev(2, ref(nk), term_atom_s("true"));
                out = property(t);
                term_unref(t);
            } else {
                term **e = xcalloc(p->u.tuple.n, sizeof *e);
                e[0] = ref(nk);
                for (uint32_t i = 1; i < p->u.tuple.n; i++)
                    e[i] = ref(p->u.tuple.el[i]);
                out = term_tuple(p->u.tuple.n, e);
                free(e);
            }
            break;
        }
        el[k++] = out;
    }
    term *r = term_list((uint32_t)k, el, NULL);
    free(el);
    return bif_return(c, r);
}

/* proplists:split/2: {[Entries of each key, in Keys' order], Rest}; an
 * entry goes to the first key it has. */
static ev_status b_split(bif_call_ctx *c)
{
    const term *l = c->args[0], *keys = c->args[1];
    if (!term_is_proper_list(l) || !term_is_proper_list(keys))
        return fclause(c, "split", 609, 2, (term *[]){ ref(l), ref(keys) });
    size_t nk = term_list_length(keys), n = term_list_length(l);
    const term **kv = xcalloc(nk + 1, sizeof *kv);
    size_t i = 0;
    for (const term *k = keys; k->tag == T_CONS; k = k->u.cons.tail)
        kv[i++] = k->u.cons.head;
    term ***bucket = xcalloc(nk + 1, sizeof *bucket);
    size_t *bn = xcalloc(nk + 1, sizeof *bn);
    for (i = 0; i <= nk; i++)
        bucket[i] = xcalloc(n + 1, sizeof **bucket);
    for (; l->tag == T_CONS; l = l->u.cons.tail) {
        const term *p = l->u.cons.head;
        size_t b = nk;
        for (size_t k = 0; k < nk && b == nk; k++)
            if (is_key(p, kv[k]))
                b = k;
        bucket[b][bn[b]++] = ref(p);
    }
    term **lists = xcalloc(nk + 1, sizeof *lists);
    for (i = 0; i < nk; i++)
        lists[i] = term_list((uint32_t)bn[i], bucket[i], NULL);
    term *rest = term_list((uint32_t)bn[nk], bucket[nk], NULL);
    term *r = term_tuplev(2, term_list((uint32_t)nk, lists, NULL), rest);
    for (i = 0; i <= nk; i++)
        free(bucket[i]);
    free(bucket);
    free(bn);
    free(lists);
    free(kv);
    return bif_return(c, r);
}

const bif_reg rt__proplists_bifs[] = {
    {"proplists", "split", 2, b_split, BIF_QUALIFIED},
    {"proplists", "get_value", 2, b_get_value, BIF_QUALIFIED},
    {"proplists", "get_value", 3, b_get_value, BIF_QUALIFIED},
    {"proplists", "get_all_values", 2, b_get_all_values, BIF_QUALIFIED},
    {"proplists", "append_values", 2, b_append_values, BIF_QUALIFIED},
    {"proplists", "get_bool", 2, b_get_bool, BIF_QUALIFIED},
    {"proplists", "lookup", 2, b_lookup, BIF_QUALIFIED},
    {"proplists", "lookup_all", 2, b_lookup_all, BIF_QUALIFIED},
    {"proplists", "is_defined", 2, b_is_defined, BIF_QUALIFIED},
    {"proplists", "delete", 2, b_delete, BIF_QUALIFIED},
    {"proplists", "property", 1, b_property1, BIF_QUALIFIED},
    {"proplists", "property", 2, b_property2, BIF_QUALIFIED},
    {"proplists", "compact", 1, b_compact, BIF_QUALIFIED},
    {"proplists", "unfold", 1, b_unfold, BIF_QUALIFIED},
    {"proplists", "from_map", 1, b_from_map, BIF_QUALIFIED},
    {"proplists", "to_map", 1, b_to_map, BIF_QUALIFIED},
    {"proplists", "get_keys", 1, b_get_keys, BIF_QUALIFIED},
    {"proplists", "substitute_aliases", 2, b_substitute_aliases, BIF_QUALIFIED},
    {NULL, NULL, 0, NULL, BIF_QUALIFIED},
};
