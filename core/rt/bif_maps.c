/* bif_maps: the maps module's functions that take no fun, registered as
 * the rows of rt__maps_bifs (bif.h).
 *
 * A map's keys are kept sorted by term_compare (core/term), which is
 * OTP's order for a flatmap (at most 32 keys): keys/1, values/1,
 * to_list/1 give that order, as erl 25 does for small maps. A larger
 * map is a HAMT in OTP and lists in hash order, which clustersim does not
 * reproduce (it keeps term order).
 *
 * Errors are erl 25.2.3's: {badmap, V} with "*** argument N: not a map",
 * {badkey, K} with "*** argument 1: not present in map" (maps:update/3
 * says "argument 3: not a map" for a missing key, as erl 25 does). */
#include "core/rt/bif.h"

#include <stdlib.h>
#include <string.h>
#include "core/term/xalloc.h"

static bool is_map(const term *t) { return t->tag == T_MAP; }

/* error:{badmap, V} for argument argi. */
static ev_status badmap(bif_call_ctx *c, int argi)
{
    bif_raise(c, "error", term_tuplev(2, term_atom_s("badmap"),
                                      term_ref(c->args[argi - 1])));
    ev_exception_detail(c->exc, argi, "not a map");
    return EV_RAISED;
}

/* error:{badkey, K} with "*** argument argi: detail". */
static ev_status badkey(bif_call_ctx *c, const term *k, int argi,
                        const char *detail)
{
    bif_raise(c, "error", term_tuplev(2, term_atom_s("badkey"),
                                      term_ref((term *)k)));
    ev_exception_detail(c->exc, argi, detail);
    return EV_RAISED;
}

/* A new map of m's pairs (refs taken) with key k set to v (owned) or,
 * when v is NULL, without k. */
static term *map_with(const term *m, const term *k, term *v)
{
    if (v) {
        term *key = term_ref((term *)k);
        return term_map_put(m, 1, &key, &v);
    }
    uint32_t n = m->u.map.n;
    term **ks = xcalloc(n + 1, sizeof *ks), **vs = xcalloc(n + 1, sizeof *vs);
    uint32_t j = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (term_compare(m->u.map.keys[i], k, false) == 0)
            continue;
        ks[j] = term_ref(m->u.map.keys[i]);
        vs[j++] = term_ref(m->u.map.vals[i]);
    }
    if (v) {
        ks[j] = term_ref((term *)k);
        vs[j++] = v;
    }
    term *r = term_map(j, ks, vs);
    free(ks);
    free(vs);
    return r;
}

static ev_status b_get2(bif_call_ctx *c)
{
    if (!is_map(c->args[1]))
        return badmap(c, 2);
    term *v = term_map_get(c->args[1], c->args[0]);
    if (!v)
        return badkey(c, c->args[0], 1, "not present in map");
    return bif_return(c, term_ref(v));
}

static ev_status b_get3(bif_call_ctx *c)
{
    if (!is_map(c->args[1]))
        return badmap(c, 2);
    term *v = term_map_get(c->args[1], c->args[0]);
    return bif_return(c, term_ref(v ? v : c->args[2]));
}

static ev_status b_find(bif_call_ctx *c)
{
    if (!is_map(c->args[1]))
        return badmap(c, 2);
    term *v = term_map_get(c->args[1], c->args[0]);
    if (!v)
        return bif_return(c, term_atom_s("error"));
    return bif_return(c, term_tuplev(2, term_atom_s("ok"), term_ref(v)));
}

static ev_status b_is_key(bif_call_ctx *c)
{
    if (!is_map(c->args[1]))
        return badmap(c, 2);
    return bif_return(c, term_bool(term_map_get(c->args[1], c->args[0])));
}

static ev_status b_put(bif_call_ctx *c)
{
    if (!is_map(c->args[2]))
        return badmap(c, 3);
    return bif_return(c, map_with(c->args[2], c->args[0],
                                  term_ref(c->args[1])));
}

static ev_status b_update(bif_call_ctx *c)
{
    if (!is_map(c->args[2]))
        return badmap(c, 3);
    if (!term_map_get(c->args[2], c->args[0]))
        return badkey(c, c->args[0], 3, "not a map");   /* erl 25's text */
    return bif_return(c, map_with(c->args[2], c->args[0],
                                  term_ref(c->args[1])));
}

static ev_status b_remove(bif_call_ctx *c)
{
    if (!is_map(c->args[1]))
        return badmap(c, 2);
    return bif_return(c, map_with(c->args[1], c->args[0], NULL));
}

static ev_status b_take(bif_call_ctx *c)
{
    if (!is_map(c->args[1]))
        return badmap(c, 2);
    term *v = term_map_get(c->args[1], c->args[0]);
    if (!v)
        return bif_return(c, term_atom_s("error"));
    return bif_return(c, term_tuplev(2, term_ref(v),
                                     map_with(c->args[1], c->args[0], NULL)));
}

static ev_status b_new(bif_call_ctx *c)
{
    return bif_return(c, term_map(0, NULL, NULL));
}

static ev_status b_size(bif_call_ctx *c)
{
    if (!is_map(c->args[0]))
        return badmap(c, 1);
    return bif_return(c, term_int(c->args[0]->u.map.n));
}

/* keys/1, values/1, to_list/1: a list of the map's entries, in its
 * order. */
static ev_status entries(bif_call_ctx *c, int what)
{
    const term *m = c->args[0];
    if (!is_map(m))
        return badmap(c, 1);
    term *l = term_nil();
    for (uint32_t i = m->u.map.n; i-- > 0;) {
        term *k = m->u.map.keys[i], *v = m->u.map.vals[i];
        term *e = what == 0 ? term_ref(k) : what == 1 ? term_ref(v)
                : term_tuplev(2, term_ref(k), term_ref(v));
        l = term_cons(e, l);
    }
    return bif_return(c, l);
}

static ev_status b_keys(bif_call_ctx *c) { return entries(c, 0); }
static ev_status b_values(bif_call_ctx *c) { return entries(c, 1); }
static ev_status b_to_list(bif_call_ctx *c) { return entries(c, 2); }

static ev_status b_from_list(bif_call_ctx *c)
{
    const term *l = c->args[0];
    if (l->tag != T_CONS && l->tag != T_NIL)
        return bif_badarg(c, 1, "not a list");
    if (!term_is_proper_list(l))
        return bif_badarg(c, 1, "not a proper list");
    for (const term *x = l; x->tag == T_CONS; x = x->u.cons.tail) {
        const term *e = x->u.cons.head;
        if (e->tag != T_TUPLE || e->u.tuple.n != 2)
            return bif_badarg(c, 0, NULL);
    }
    size_t n = term_list_length(l);
    term **ks = xcalloc(n + 1, sizeof *ks), **vs = xcalloc(n + 1, sizeof *vs);
    size_t i = 0;
    for (const term *x = l; x->tag == T_CONS; x = x->u.cons.tail, i++) {
        ks[i] = term_ref(x->u.cons.head->u.tuple.el[0]);
        vs[i] = term_ref(x->u.cons.head->u.tuple.el[1]);
    }
    term *m = term_map((uint32_t)n, ks, vs);  /* a later key wins */
    free(ks);
    free(vs);
    return bif_return(c, m);
}

static ev_status b_merge(bif_call_ctx *c)
{
    const term *a = c->args[0], *b = c->args[1];
    if (!is_map(a))
        return badmap(c, 1);
    if (!is_map(b))
        return badmap(c, 2);
    uint32_t n = a->u.map.n + b->u.map.n, j = 0;
    term **ks = xcalloc(n + 1, sizeof *ks), **vs = xcalloc(n + 1, sizeof *vs);
    for (uint32_t i = 0; i < a->u.map.n; i++, j++) {
        ks[j] = term_ref(a->u.map.keys[i]);
        vs[j] = term_ref(a->u.map.vals[i]);
    }
    for (uint32_t i = 0; i < b->u.map.n; i++, j++) {   /* b's win */
        ks[j] = term_ref(b->u.map.keys[i]);
        vs[j] = term_ref(b->u.map.vals[i]);
    }
    term *m = term_map(n, ks, vs);
    free(ks);
    free(vs);
    return bif_return(c, m);
}

/* with/2 (keep) and without/2 (drop) the keys of a list. */
static ev_status select_keys(bif_call_ctx *c, bool keep)
{
    const term *l = c->args[0], *m = c->args[1];
    if (!term_is_proper_list(l))
        return bif_badarg(c, 1, "not a list");
    if (!is_map(m))
        return badmap(c, 2);
    uint32_t n = m->u.map.n, j = 0;
    term **ks = xcalloc(n + 1, sizeof *ks), **vs = xcalloc(n + 1, sizeof *vs);
    for (uint32_t i = 0; i < n; i++) {
        bool in = false;
        for (const term *x = l; x->tag == T_CONS && !in; x = x->u.cons.tail)
            in = term_compare(x->u.cons.head, m->u.map.keys[i], false) == 0;
        if (in != keep)
            continue;
        ks[j] = term_ref(m->u.map.keys[i]);
        vs[j++] = term_ref(m->u.map.vals[i]);
    }
    term *r = term_map(j, ks, vs);
    free(ks);
    free(vs);
    return bif_return(c, r);
}

static ev_status b_with(bif_call_ctx *c) { return select_keys(c, true); }
static ev_status b_without(bif_call_ctx *c) { return select_keys(c, false); }

const bif_reg rt__maps_bifs[] = {
    {"maps", "get", 2, b_get2, BIF_QUALIFIED},
    {"maps", "get", 3, b_get3, BIF_QUALIFIED},
    {"maps", "find", 2, b_find, BIF_QUALIFIED},
    {"maps", "put", 3, b_put, BIF_QUALIFIED},
    {"maps", "update", 3, b_update, BIF_QUALIFIED},
    {"maps", "remove", 2, b_remove, BIF_QUALIFIED},
    {"maps", "take", 2, b_take, BIF_QUALIFIED},
    {"maps", "is_key", 2, b_is_key, BIF_QUALIFIED},
    {"maps", "keys", 1, b_keys, BIF_QUALIFIED},
    {"maps", "values", 1, b_values, BIF_QUALIFIED},
    {"maps", "to_list", 1, b_to_list, BIF_QUALIFIED},
    {"maps", "from_list", 1, b_from_list, BIF_QUALIFIED},
    {"maps", "size", 1, b_size, BIF_QUALIFIED},
    {"maps", "merge", 2, b_merge, BIF_QUALIFIED},
    {"maps", "new", 0, b_new, BIF_QUALIFIED},
    {"maps", "with", 2, b_with, BIF_QUALIFIED},
    {"maps", "without", 2, b_without, BIF_QUALIFIED},
    {NULL, NULL, 0, NULL, BIF_QUALIFIED},
};
