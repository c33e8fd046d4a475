/* bif_string: the string module (the rows of rt__string_bifs, bif.h),
 * OTP 25's string.erl as C BIFs: the chardata functions (length, trim,
 * split, find, pad, replace, slice, lexemes, ...) take strings, binaries
 * and deep lists of them and answer in the input's form as string.erl
 * does (a binary for a binary; pad and replace give erl's deep lists);
 * the classic functions (str, chr, substr, left, right, centre, strip,
 * words, copies, ...) take flat strings and fail, where string.erl's
 * clauses fail, with its function_clause and line. Case mapping covers
 * ASCII and Latin-1; a grapheme is a character, except "\r\n". */
#include "core/rt/bif.h"

#include <stdlib.h>
#include <string.h>

#include "core/term/xalloc.h"

static atom_t A(const char *s) { return atom_intern(s); }

static term *ref(const term *t) { return term_ref((term *)t); }



/* ---- string ---- */

/* The characters of chardata t (a string, a binary in UTF-8, or a deep
 * list of them) appended to *out; false if t is not chardata. */
typedef struct cps {
    uint32_t *v;
    size_t n, cap;
} cps;

static void cp_push(cps *s, uint32_t c)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = c;
}

static bool bin_cps(cps *s, const term *b)
{
    const unsigned char *p = (const unsigned char *)b->u.bin.bytes;
    size_t n = b->u.bin.n, i = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = term_utf8_decode(p + i, n - i, &cp);
        if (!k)
            return false;
        cp_push(s, cp);
        i += k;
    }
    return true;
}

static bool chardata(cps *s, const term *t)
{
    if (t->tag == T_INT)        /* a character alone is no chardata */
        return false;
    size_t cap = 16, sp = 0;
    const term **st = xcalloc(cap, sizeof *st);
    st[sp++] = t;
    bool ok = true;
    while (ok && sp > 0) {
        const term *x = st[--sp];
        if (term_is_binary(x)) {
            ok = bin_cps(s, x);
        } else if (x->tag == T_INT) {
            ok = x->u.i >= 0 && x->u.i <= 0x10FFFF;
            if (ok)
                cp_push(s, (uint32_t)x->u.i);
        } else if (x->tag == T_CONS) {
            if (sp + 2 > cap) {
                cap *= 2;
                st = xrealloc(st, cap * sizeof *st);
            }
            st[sp++] = x->u.cons.tail;
            st[sp++] = x->u.cons.head;
        } else {
            ok = x->tag == T_NIL;
        }
    }
    free(st);
    return ok;
}

static term *cps_list(const uint32_t *v, size_t n)
{
    term *l = term_nil();
    for (size_t i = n; i-- > 0;)
        l = term_cons(term_int(v[i]), l);
    return l;
}

static term *cps_binary(const uint32_t *v, size_t n)
{
    strbuf b;
    sb_init(&b);
    for (size_t i = 0; i < n; i++)
        sb_put_utf8(&b, v[i]);
    term *r = term_binary(b.s, b.len);
    sb_fini(&b);
    return r;
}

/* The result in the input's form: a binary for a binary, else a list. */
static term *cps_like(const term *in, const uint32_t *v, size_t n)
{
    return term_is_binary(in) ? cps_binary(v, n) : cps_list(v, n);
}

/* Unicode case mapping of ASCII and Latin-1 (what the corpus uses). */
static uint32_t up(uint32_t c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 0xE0 && c <= 0xFE && c != 0xF7))
        return c - 32;
    if (c == 0xFF)
        return 0x178;
    return c;
}

static uint32_t low(uint32_t c)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7))
        return c + 32;
    if (c == 0x178)
        return 0xFF;
    return c;
}

static ev_status string_badarg(bif_call_ctx *c)
{
    return bif_raise(c, "error", term_tuplev(2, term_atom_s("badarg"),
                                             ref(c->args[0])));
}

/* string:length/1: graphemes; "\r\n" is one. */
static ev_status b_slength(bif_call_ctx *c)
{
    cps s = {0};
    if (!chardata(&s, c->args[0])) {
        free(s.v);
        return string_badarg(c);
    }
    int64_t n = 0;
    for (size_t i = 0; i < s.n; i++, n++)
        if (s.v[i] == '\r' && i + 1 < s.n && s.v[i + 1] == '\n')
            i++;
    free(s.v);
    return bif_return(c, term_int(n));
}

static ev_status recase(bif_call_ctx *c, uint32_t (*f)(uint32_t))
{
    cps s = {0};
    if (!chardata(&s, c->args[0])) {
        free(s.v);
        return string_badarg(c);
    }
    for (size_t i = 0; i < s.n; i++)
        s.v[i] = f(s.v[i]);
    term *r = cps_like(c->args[0], s.v, s.n);
    free(s.v);
    return bif_return(c, r);
}

static ev_status b_uppercase(bif_call_ctx *c) { return recase(c, up); }
static ev_status b_lowercase(bif_call_ctx *c) { return recase(c, low); }

/* to_upper/to_lower: a character or a flat string, Latin-1. */
static ev_status old_case(bif_call_ctx *c, const char *fun, int line,
                          uint32_t (*f)(uint32_t))
{
    const term *t = c->args[0];
    if (t->tag == T_INT && t->u.i >= 0 && t->u.i <= 255) {
        uint32_t v = f((uint32_t)t->u.i);
        return bif_return(c, term_int(v <= 255 ? v : t->u.i));
    }
    bool ok = term_is_proper_list(t);
    for (const term *x = t; ok && x->tag == T_CONS; x = x->u.cons.tail)
        ok = x->u.cons.head->tag == T_INT;
    if (!ok)
        return bif_function_clause_at(c, "string", fun, "string.erl", line, NULL, 1,
                     (term *[]){ ref(t) });
    term *l = term_nil();
    size_t n;
    const term **el = bif_list_elems(t, &n);
    for (size_t i = n; i-- > 0;) {
        int64_t v = el[i]->u.i;
        if (v >= 0 && v <= 255 && f((uint32_t)v) <= 255)
            v = f((uint32_t)v);
        l = term_cons(term_int(v), l);
    }
    free(el);
    return bif_return(c, l);
}

static ev_status b_to_upper(bif_call_ctx *c) { return old_case(c, "to_upper", 2231, up); }
static ev_status b_to_lower(bif_call_ctx *c) { return old_case(c, "to_lower", 2223, low); }

static bool is_ws(uint32_t c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85 || c == 0x200E
        || c == 0x200F || c == 0x2028 || c == 0x2029;
}

/* string:trim/1: whitespace off both ends. */
static ev_status b_trim(bif_call_ctx *c)
{
    cps s = {0};
    if (!chardata(&s, c->args[0])) {
        free(s.v);
        return string_badarg(c);
    }
    size_t a = 0, b = s.n;
    while (a < b && is_ws(s.v[a]))
        a++;
    while (b > a && is_ws(s.v[b - 1]))
        b--;
    term *r = cps_like(c->args[0], s.v + a, b - a);
    free(s.v);
    return bif_return(c, r);
}

/* A flat list of characters as cps; false if not one. */
static bool flat_string(cps *s, const term *t)
{
    if (!term_is_proper_list(t))
        return false;
    for (const term *x = t; x->tag == T_CONS; x = x->u.cons.tail) {
        if (x->u.cons.head->tag != T_INT)
            return false;
        cp_push(s, (uint32_t)x->u.cons.head->u.i);
    }
    return true;
}

/* string:tokens(S, Seps): the non-empty runs between separators. */
static ev_status b_tokens(bif_call_ctx *c)
{
    cps s = {0}, sep = {0};
    if (!flat_string(&s, c->args[0]) || !flat_string(&sep, c->args[1])) {
        free(s.v);
        free(sep.v);
        if (!term_is_proper_list(c->args[0]))
            return bif_function_clause_at(c, "lists", "reverse", "lists.erl", 175,
                         bif_frame("string", "tokens", 2, "string.erl", 1934), 1,
                         (term *[]){ ref(c->args[0]) });
        return bif_raise(c, "error", term_atom_s("badarg"));
    }
    term **el = xcalloc(s.n + 1, sizeof *el);
    size_t n = 0, i = 0;
    while (i < s.n) {
        bool is_sep = false;
        for (size_t k = 0; k < sep.n && !is_sep; k++)
            is_sep = s.v[i] == sep.v[k];
        if (is_sep) {
            i++;
            continue;
        }
        size_t j = i;
        for (; j < s.n; j++) {
            bool sp = false;
            for (size_t k = 0; k < sep.n && !sp; k++)
                sp = s.v[j] == sep.v[k];
            if (sp)
                break;
        }
        el[n++] = cps_list(s.v + i, j - i);
        i = j;
    }
    term *r = term_list((uint32_t)n, el, NULL);
    free(el);
    free(s.v);
    free(sep.v);
    return bif_return(c, r);
}

/* The first index of pat in s at or after 0, or s->n; an empty pat
 * matches nowhere (string:split/find return the input). */
static size_t find_at(const cps *s, const cps *pat)
{
    if (pat->n == 0 || pat->n > s->n)
        return s->n;
    for (size_t i = 0; i + pat->n <= s->n; i++)
        if (!memcmp(s->v + i, pat->v, pat->n * sizeof *pat->v))
            return i;
    return s->n;
}

/* string:split(S, Pat): [Before, After] around the first Pat, or [S]. */
static ev_status b_split(bif_call_ctx *c)
{
    cps s = {0}, pat = {0};
    if (!chardata(&s, c->args[0]) || !chardata(&pat, c->args[1])) {
        free(s.v);
        free(pat.v);
        return string_badarg(c);
    }
    size_t at = find_at(&s, &pat);
    term *r;
    if (at == s.n) {
        r = term_cons(ref(c->args[0]), term_nil());
    } else {
        term *before = cps_like(c->args[0], s.v, at);
        term *after = cps_like(c->args[0], s.v + at + pat.n, s.n - at - pat.n);
        r = term_list(2, (term *[]){ before, after }, NULL);
    }
    free(s.v);
    free(pat.v);
    return bif_return(c, r);
}

/* string:find(S, Pat): S from the first Pat, or nomatch. */
static ev_status b_find(bif_call_ctx *c)
{
    cps s = {0}, pat = {0};
    if (!chardata(&s, c->args[0]) || !chardata(&pat, c->args[1])) {
        free(s.v);
        free(pat.v);
        return string_badarg(c);
    }
    term *r;
    if (pat.n == 0) {
        r = ref(c->args[0]);
    } else {
        size_t at = find_at(&s, &pat);
        r = at == s.n ? term_atom_s("nomatch")
                      : cps_like(c->args[0], s.v + at, s.n - at);
    }
    free(s.v);
    free(pat.v);
    return bif_return(c, r);
}

/* string:join(Strings, Sep): the strings with Sep between them. */
static ev_status b_join(bif_call_ctx *c)
{
    const term *l = c->args[0], *sep = c->args[1];
    if (!term_is_proper_list(l) || !term_is_proper_list(sep))
        return bif_function_clause_at(c, "string", "join", "string.erl", 2241, NULL, 2,
                     (term *[]){ ref(l), ref(sep) });
    size_t n;
    const term **el = bif_list_elems(l, &n);
    for (size_t i = 0; i < n; i++)
        if (!term_is_proper_list(el[i])) {
            free(el);
            return bif_raise(c, "error", term_atom_s("badarg"));
        }
    size_t ns;
    const term **se = bif_list_elems(sep, &ns);
    term *r = term_nil();
    for (size_t i = n; i-- > 0;) {
        size_t m;
        const term **e = bif_list_elems(el[i], &m);
        r = bif_list_from(e, m, r);
        free(e);
        if (i > 0)
            r = bif_list_from(se, ns, r);
    }
    free(se);
    free(el);
    return bif_return(c, r);
}


/* ---- string.erl's chardata functions (OTP 25) ---- */

/* The characters of argument i as chardata, or false (the caller
 * raises). */
static bool arg_cd(bif_call_ctx *c, uint32_t i, cps *s)
{
    if (chardata(s, c->args[i]))
        return true;
    free(s->v);
    s->v = NULL;
    return false;
}

static ev_status cd_badarg(bif_call_ctx *c, cps *a, cps *b)
{
    if (a)
        free(a->v);
    if (b)
        free(b->v);
    return string_badarg(c);
}

/* Grapheme boundaries: "\r\n" is one grapheme, every other character
 * one. g[k] is where grapheme k starts; returns the count (g has room
 * for s->n + 1 entries, g[count] = s->n). */
static size_t graphemes(const cps *s, size_t *g)
{
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) {
        g[k++] = i;
        if (s->v[i] == '\r' && i + 1 < s->n && s->v[i + 1] == '\n')
            i++;
    }
    g[k] = s->n;
    return k;
}

/* string:reverse/1: the graphemes in reverse, as a list. */
static ev_status b_sreverse(bif_call_ctx *c)
{
    cps s = {0};
    if (!arg_cd(c, 0, &s))
        return string_badarg(c);
    size_t *g = xcalloc(s.n + 1, sizeof *g);
    size_t k = graphemes(&s, g);
    term *r = term_nil();
    for (size_t i = 0; i < k; i++) {
        size_t len = g[i + 1] - g[i];
        term *e = len == 1 ? term_int(s.v[g[i]]) : cps_list(s.v + g[i], len);
        r = term_cons(e, r);
    }
    free(g);
    free(s.v);
    return bif_return(c, r);
}

/* string:equal/2: the same characters. */
static ev_status b_equal(bif_call_ctx *c)
{
    cps a = {0}, b = {0};
    if (!arg_cd(c, 0, &a) || !arg_cd(c, 1, &b))
        return cd_badarg(c, &a, &b);
    bool eq = a.n == b.n && (a.n == 0 || !memcmp(a.v, b.v, a.n * sizeof *a.v));
    free(a.v);
    free(b.v);
    return bif_return(c, term_bool(eq));
}

/* string:is_empty/1 */
static ev_status b_is_empty(bif_call_ctx *c)
{
    cps s = {0};
    if (!arg_cd(c, 0, &s))
        return string_badarg(c);
    bool e = s.n == 0;
    free(s.v);
    return bif_return(c, term_bool(e));
}

/* string:slice/2,3: Len graphemes from grapheme Start (0-based). */
static ev_status b_slice(bif_call_ctx *c)
{
    cps s = {0};
    const term *st = c->args[1];
    const term *ln = c->argc == 3 ? c->args[2] : NULL;
    if (st->tag != T_INT || st->u.i < 0 ||
        (ln && !term_is_atom(ln, A("infinity")) &&
         (ln->tag != T_INT || ln->u.i < 0)) || !arg_cd(c, 0, &s))
        return cd_badarg(c, &s, NULL);
    size_t *g = xcalloc(s.n + 1, sizeof *g);
    size_t k = graphemes(&s, g);
    size_t a = (uint64_t)st->u.i < k ? (size_t)st->u.i : k;
    size_t b = k;
    if (ln && ln->tag == T_INT && (uint64_t)ln->u.i < k - a)
        b = a + (size_t)ln->u.i;
    term *r = cps_like(c->args[0], s.v + g[a], g[b] - g[a]);
    free(g);
    free(s.v);
    return bif_return(c, r);
}

/* N copies of character ch, a flat list ending in tail (taken). */
static term *dup_char(int64_t ch, int64_t n, term *tail)
{
    for (int64_t i = 0; i < n; i++)
        tail = term_cons(term_int(ch), tail);
    return tail;
}

/* string:pad/2,3,4: [S | Pad] trailing, [Pad, S] leading, [L, S, R]
 * both (string.erl builds these lists). */
static ev_status b_pad(bif_call_ctx *c)
{
    cps s = {0};
    const term *n = c->args[1];
    const term *dir = c->argc >= 3 ? c->args[2] : NULL;
    int64_t ch = ' ';
    if (c->argc == 4) {
        if (c->args[3]->tag != T_INT)
            return string_badarg(c);
        ch = c->args[3]->u.i;
    }
    int mode = !dir || term_is_atom(dir, A("trailing")) ? 0
             : term_is_atom(dir, A("leading")) ? 1
             : term_is_atom(dir, A("both")) ? 2 : -1;
    if (n->tag != T_INT || mode < 0 || !arg_cd(c, 0, &s))
        return cd_badarg(c, &s, NULL);
    size_t *g = xcalloc(s.n + 1, sizeof *g);
    int64_t len = (int64_t)graphemes(&s, g);
    free(g);
    free(s.v);
    term *in = ref(c->args[0]);
    int64_t d = n->u.i - len;
    if (d <= 0)
        return bif_return(c, term_cons(in, term_nil()));
    term *r;
    if (mode == 0) {
        r = term_cons(in, dup_char(ch, d, term_nil()));
    } else if (mode == 1) {
        r = term_list(2, (term *[]){ dup_char(ch, d, term_nil()), in }, NULL);
    } else {
        int64_t l = d / 2;
        r = term_list(3, (term *[]){ dup_char(ch, l, term_nil()), in,
                                     dup_char(ch, d - l, term_nil()) }, NULL);
    }
    return bif_return(c, r);
}

/* Where Pat occurs in s, all of them (left to right, not overlapping),
 * or only the first (leading) or last (trailing): the starts in *at
 * (room for s->n + 1), their count returned. */
static size_t occurrences(const cps *s, const cps *pat, int where, size_t *at)
{
    size_t k = 0;
    if (pat->n == 0 || pat->n > s->n)
        return 0;
    for (size_t i = 0; i + pat->n <= s->n;) {
        if (!memcmp(s->v + i, pat->v, pat->n * sizeof *pat->v)) {
            at[k++] = i;
            i += pat->n;
        } else {
            i++;
        }
    }
    if (k == 0)
        return 0;
    if (where == 1)          /* leading */
        return 1;
    if (where == 2) {        /* trailing: the last match from the right */
        size_t last = s->n - pat->n;
        for (size_t i = last + 1; i-- > 0;)
            if (!memcmp(s->v + i, pat->v, pat->n * sizeof *pat->v)) {
                at[0] = i;
                return 1;
            }
    }
    return k;
}

static int where_arg(const term *t)
{
    return term_is_atom(t, A("leading")) ? 1 : term_is_atom(t, A("trailing")) ? 2
         : term_is_atom(t, A("all")) ? 0 : -1;
}

/* The pieces of s between the occurrences of pat (string:split/3). */
static term **pieces(bif_call_ctx *c, const cps *s, const cps *pat, int where,
                     size_t *np)
{
    size_t *at = xcalloc(s->n + 1, sizeof *at);
    size_t k = occurrences(s, pat, where, at);
    term **el = xcalloc(k + 1, sizeof *el);
    size_t from = 0;
    for (size_t i = 0; i < k; i++) {
        el[i] = cps_like(c->args[0], s->v + from, at[i] - from);
        from = at[i] + pat->n;
    }
    el[k] = k ? cps_like(c->args[0], s->v + from, s->n - from) : ref(c->args[0]);
    free(at);
    *np = k + 1;
    return el;
}

/* string:split/3 */
static ev_status b_split3(bif_call_ctx *c)
{
    cps s = {0}, pat = {0};
    int where = where_arg(c->args[2]);
    if (where < 0 || !arg_cd(c, 0, &s) || !arg_cd(c, 1, &pat))
        return cd_badarg(c, &s, &pat);
    size_t n;
    term **el = pieces(c, &s, &pat, where, &n);
    term *r = term_list((uint32_t)n, el, NULL);
    free(el);
    free(s.v);
    free(pat.v);
    return bif_return(c, r);
}

/* string:replace/3,4: the pieces of split with Replacement between. */
static ev_status b_replace(bif_call_ctx *c)
{
    cps s = {0}, pat = {0};
    int where = c->argc == 4 ? where_arg(c->args[3]) : 1;
    if (where < 0 || !arg_cd(c, 0, &s) || !arg_cd(c, 1, &pat))
        return cd_badarg(c, &s, &pat);
    size_t n;
    term **el = pieces(c, &s, &pat, where, &n);
    term **out = xcalloc(2 * n, sizeof *out);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (i)
            out[k++] = ref(c->args[2]);
        out[k++] = el[i];
    }
    term *r = term_list((uint32_t)k, out, NULL);
    free(out);
    free(el);
    free(s.v);
    free(pat.v);
    return bif_return(c, r);
}

/* string:find/3 */
static ev_status b_find3(bif_call_ctx *c)
{
    cps s = {0}, pat = {0};
    int where = where_arg(c->args[2]);
    if (where < 1 || !arg_cd(c, 0, &s) || !arg_cd(c, 1, &pat))
        return cd_badarg(c, &s, &pat);
    term *r;
    if (pat.n == 0) {
        r = ref(c->args[0]);
    } else {
        size_t *at = xcalloc(s.n + 1, sizeof *at);
        size_t k = occurrences(&s, &pat, where, at);
        r = k == 0 ? term_atom_s("nomatch")
                   : cps_like(c->args[0], s.v + at[0], s.n - at[0]);
        free(at);
    }
    free(s.v);
    free(pat.v);
    return bif_return(c, r);
}

/* string:lexemes/2: the non-empty pieces between separator characters. */
static ev_status b_lexemes(bif_call_ctx *c)
{
    cps s = {0}, sep = {0};
    if (!arg_cd(c, 0, &s) || !arg_cd(c, 1, &sep))
        return cd_badarg(c, &s, &sep);
    term **el = xcalloc(s.n + 1, sizeof *el);
    size_t n = 0, i = 0;
    while (i < s.n) {
        size_t j = i;
        for (; j < s.n; j++) {
            bool is = false;
            for (size_t k = 0; k < sep.n && !is; k++)
                is = s.v[j] == sep.v[k];
            if (is)
                break;
        }
        if (j > i)
            el[n++] = cps_like(c->args[0], s.v + i, j - i);
        i = j + 1;
    }
    term *r = term_list((uint32_t)n, el, NULL);
    free(el);
    free(s.v);
    free(sep.v);
    return bif_return(c, r);
}

/* string:prefix/2: the rest after Prefix, or nomatch. */
static ev_status b_prefix(bif_call_ctx *c)
{
    cps s = {0}, p = {0};
    if (!arg_cd(c, 0, &s) || !arg_cd(c, 1, &p))
        return cd_badarg(c, &s, &p);
    term *r = p.n <= s.n && (p.n == 0 || !memcmp(s.v, p.v, p.n * sizeof *p.v))
            ? cps_like(c->args[0], s.v + p.n, s.n - p.n)
            : term_atom_s("nomatch");
    free(s.v);
    free(p.v);
    return bif_return(c, r);
}

/* string:titlecase/1: the first character upper-cased. */
static ev_status b_titlecase(bif_call_ctx *c)
{
    cps s = {0};
    if (!arg_cd(c, 0, &s))
        return string_badarg(c);
    if (s.n)
        s.v[0] = up(s.v[0]);
    term *r = cps_like(c->args[0], s.v, s.n);
    free(s.v);
    return bif_return(c, r);
}

static ev_status b_casefold(bif_call_ctx *c) { return recase(c, low); }

/* Is ch one of set's characters (whitespace when set is NULL)? */
static bool in_set(uint32_t ch, const cps *set)
{
    if (!set)
        return is_ws(ch);
    for (size_t k = 0; k < set->n; k++)
        if (set->v[k] == ch)
            return true;
    return false;
}

/* string:trim/2,3 */
static ev_status b_trim23(bif_call_ctx *c)
{
    cps s = {0}, set = {0};
    const term *dir = c->args[1];
    int mode = term_is_atom(dir, A("leading")) ? 1
             : term_is_atom(dir, A("trailing")) ? 2
             : term_is_atom(dir, A("both")) ? 3 : 0;
    if (!mode || !arg_cd(c, 0, &s) || (c->argc == 3 && !arg_cd(c, 2, &set)))
        return cd_badarg(c, &s, &set);
    const cps *sp = c->argc == 3 ? &set : NULL;
    size_t a = 0, b = s.n;
    if (mode & 1)
        while (a < b && in_set(s.v[a], sp))
            a++;
    if (mode & 2)
        while (b > a && in_set(s.v[b - 1], sp))
            b--;
    term *r = cps_like(c->args[0], s.v + a, b - a);
    free(s.v);
    free(set.v);
    return bif_return(c, r);
}

/* string:next_grapheme/1: [G | Rest], or [] at the end. */
static ev_status b_next_grapheme(bif_call_ctx *c)
{
    cps s = {0};
    if (!arg_cd(c, 0, &s))
        return string_badarg(c);
    term *r;
    if (s.n == 0) {
        r = term_nil();
    } else {
        size_t len = s.v[0] == '\r' && s.n > 1 && s.v[1] == '\n' ? 2 : 1;
        term *g = len == 1 ? term_int(s.v[0]) : cps_list(s.v, 2);
        r = term_cons(g, cps_like(c->args[0], s.v + len, s.n - len));
    }
    free(s.v);
    return bif_return(c, r);
}

/* The chardata argument of to_integer/to_float as code points in *s;
 * false for what is not chardata (they answer {error, badarg}). */
static bool number_text(bif_call_ctx *c, cps *s)
{
    const term *in = c->args[0];
    return (in->tag == T_NIL || in->tag == T_CONS || term_is_binary(in)) &&
           arg_cd(c, 0, s);
}

/* string:to_integer/1: {Int, Rest} from an optional sign and digits,
 * {error, no_integer}, or {error, badarg} for what is not chardata. */
static ev_status b_to_integer(bif_call_ctx *c)
{
    cps s = {0};
    if (!number_text(c, &s))
        return bif_return(c, term_tuplev(2, term_atom_s("error"),
                                         term_atom_s("badarg")));
    size_t i = 0;
    bool neg = false;
    if (i < s.n && (s.v[i] == '+' || s.v[i] == '-'))
        neg = s.v[i++] == '-';
    size_t d0 = i;
    uint64_t v = 0;
    bool big = false;
    for (; i < s.n && s.v[i] >= '0' && s.v[i] <= '9'; i++) {
        uint64_t dg = s.v[i] - '0';
        if (v > (UINT64_C(9223372036854775808) - dg) / 10)
            big = true;
        else
            v = v * 10 + dg;
    }
    term *r;
    if (i == d0) {
        r = term_tuplev(2, term_atom_s("error"), term_atom_s("no_integer"));
    } else if (big || (!neg && v > INT64_MAX)) {
        free(s.v);
        return bif_raise(c, "error", term_atom_s("system_limit"));
    } else {
        int64_t x = neg ? (int64_t)(0 - v) : (int64_t)v;
        r = term_tuplev(2, term_int(x), cps_like(c->args[0], s.v + i, s.n - i));
    }
    free(s.v);
    return bif_return(c, r);
}

/* string:to_float/1: {Float, Rest} from [sign] digits "." digits
 * [e [sign] digits], or {error, no_float}. */
static ev_status b_to_float(bif_call_ctx *c)
{
    cps s = {0};
    if (!number_text(c, &s))
        return bif_return(c, term_tuplev(2, term_atom_s("error"),
                                         term_atom_s("badarg")));
    size_t i = 0;
#define DIG(k) ((k) < s.n && s.v[k] >= '0' && s.v[k] <= '9')
    if (i < s.n && (s.v[i] == '+' || s.v[i] == '-'))
        i++;
    size_t d = i;
    while (DIG(i))
        i++;
    term *r = NULL;
    if (i > d && i < s.n && s.v[i] == '.' && DIG(i + 1)) {
        i++;
        while (DIG(i))
            i++;
        if (i < s.n && (s.v[i] == 'e' || s.v[i] == 'E')) {
            size_t e = i + 1;
            if (e < s.n && (s.v[e] == '+' || s.v[e] == '-'))
                e++;
            if (DIG(e)) {
                while (DIG(e))
                    e++;
                i = e;
            }
        }
        char *buf = xmalloc(i + 1);
        for (size_t k = 0; k < i; k++)
            buf[k] = (char)s.v[k];
        buf[i] = '\0';
        double f = term_strtod_c(buf, NULL);
        free(buf);
        r = term_tuplev(2, term_float(f), cps_like(c->args[0], s.v + i, s.n - i));
    }
#undef DIG
    if (!r)
        r = term_tuplev(2, term_atom_s("error"), term_atom_s("no_float"));
    free(s.v);
    return bif_return(c, r);
}

/* ---- string.erl's classic functions: flat strings ---- */

/* Argument i as a flat string, else string.erl's function_clause for
 * Fun(Args) at `line`. */
#define FLAT(i, s, fun, line) do { if (!flat_string(&(s), c->args[i])) { \
        free((s).v); return fclause(c, fun, line); } } while (0)

static ev_status fclause(bif_call_ctx *c, const char *fun, int line)
{
    term **a = xcalloc(c->argc + 1, sizeof *a);
    for (uint32_t i = 0; i < c->argc; i++)
        a[i] = ref(c->args[i]);
    ev_status st = bif_function_clause_at(c, "string", fun, "string.erl", line, NULL, c->argc, a);
    free(a);
    return st;
}

static size_t find_from(const cps *s, const cps *p, bool last)
{
    size_t r = 0;
    if (p->n == 0 || p->n > s->n)
        return 0;
    for (size_t i = 0; i + p->n <= s->n; i++)
        if (!memcmp(s->v + i, p->v, p->n * sizeof *p->v)) {
            r = i + 1;
            if (!last)
                break;
        }
    return r;
}

/* string:str/2, rstr/2: the 1-based index of Sub, or 0. */
static ev_status str_common(bif_call_ctx *c, bool last)
{
    cps s = {0}, p = {0};
    if (!flat_string(&s, c->args[0]) || !flat_string(&p, c->args[1])) {
        free(s.v);
        free(p.v);
        if (last)
            return fclause(c, "rstr", 1851);
        /* string:str/2 is str(S, Sub, 1) */
        return bif_function_clause_at(c, "string", "str", "string.erl", 1831, NULL, 3,
                     (term *[]){ ref(c->args[0]), ref(c->args[1]),
                                 term_int(1) });
    }
    size_t r = find_from(&s, &p, last);
    free(s.v);
    free(p.v);
    return bif_return(c, term_int((int64_t)r));
}
static ev_status b_str(bif_call_ctx *c) { return str_common(c, false); }
static ev_status b_rstr(bif_call_ctx *c) { return str_common(c, true); }

/* string:chr/2, rchr/2 */
static ev_status chr_common(bif_call_ctx *c, bool last)
{
    cps s = {0};
    FLAT(0, s, last ? "rchr" : "chr", last ? 1815 : 1800);
    size_t r = 0;
    for (size_t i = 0; i < s.n; i++)
        if (c->args[1]->tag == T_INT && s.v[i] == c->args[1]->u.i) {
            r = i + 1;
            if (!last)
                break;
        }
    free(s.v);
    return bif_return(c, term_int((int64_t)r));
}
static ev_status b_chr(bif_call_ctx *c) { return chr_common(c, false); }
static ev_status b_rchr(bif_call_ctx *c) { return chr_common(c, true); }

/* string:substr/2,3 and sub_string/2,3 (Stop, not Len). */
static ev_status substr_common(bif_call_ctx *c, bool stop)
{
    cps s = {0};
    const term *st = c->args[1];
    const term *ln = c->argc == 3 ? c->args[2] : NULL;
    const char *fun = stop ? "sub_string" : "substr";
    if (st->tag != T_INT || st->u.i < 1 || (ln && ln->tag != T_INT))
        return fclause(c, fun, ln ? 1909 : 1898);
    FLAT(0, s, fun, ln ? 1909 : 1898);
    int64_t len = !ln ? INT64_MAX : stop ? ln->u.i - st->u.i + 1 : ln->u.i;
    if (len < 0 || (uint64_t)st->u.i > s.n + 1) {
        free(s.v);
        return fclause(c, fun, ln ? 1909 : 1898);
    }
    size_t a = (size_t)st->u.i - 1;
    size_t n = (uint64_t)len < s.n - a ? (size_t)len : s.n - a;
    term *r = cps_list(s.v + a, n);
    free(s.v);
    return bif_return(c, r);
}
static ev_status b_substr(bif_call_ctx *c) { return substr_common(c, false); }
static ev_status b_sub_string(bif_call_ctx *c) { return substr_common(c, true); }

/* string:left/2,3, right/2,3, centre/2,3 */
static ev_status align(bif_call_ctx *c, int how)
{
    static const char *const fn[] = { "left", "right", "centre" };
    cps s = {0};
    const term *n = c->args[1];
    int64_t ch = ' ';
    if (c->argc == 3) {
        if (c->args[2]->tag != T_INT)
            return fclause(c, fn[how], 1950);
        ch = c->args[2]->u.i;
    }
    if (how == 0 && n->tag == T_INT && n->u.i < 0)
        /* left/3 ends in substr(S, 1, N) */
        return bif_function_clause_at(c, "string", "substr", "string.erl", 1909, NULL, 3,
                     (term *[]){ ref(c->args[0]), term_int(1), ref(n) });
    if (n->tag != T_INT || n->u.i < 0)
        return fclause(c, fn[how], 1950);
    FLAT(0, s, fn[how], 1950);
    int64_t l = (int64_t)s.n, w = n->u.i;
    term *r;
    if (l >= w) {
        size_t from = how == 0 ? 0 : how == 1 ? (size_t)(l - w)
                    : (size_t)((l - w) / 2);
        r = cps_list(s.v + from, (size_t)w);
    } else {
        int64_t left = how == 0 ? 0 : how == 1 ? w - l : (w - l) / 2;
        term *tail = dup_char(ch, w - l - left, term_nil());
        for (size_t i = s.n; i-- > 0;)
            tail = term_cons(term_int(s.v[i]), tail);
        r = dup_char(ch, left, tail);
    }
    free(s.v);
    return bif_return(c, r);
}
static ev_status b_left(bif_call_ctx *c) { return align(c, 0); }
static ev_status b_right(bif_call_ctx *c) { return align(c, 1); }
static ev_status b_centre(bif_call_ctx *c) { return align(c, 2); }

/* string:copies/2 */
static ev_status b_copies(bif_call_ctx *c)
{
    cps s = {0};
    const term *n = c->args[1];
    if (n->tag != T_INT || n->u.i < 0)
        return fclause(c, "copies", 1996);
    FLAT(0, s, "copies", 1996);
    if (s.n && (uint64_t)n->u.i > 10000000 / s.n) {
        free(s.v);
        return bif_raise(c, "error", term_atom_s("system_limit"));
    }
    term *r = term_nil();
    for (int64_t k = 0; k < n->u.i; k++)
        for (size_t i = s.n; i-- > 0;)
            r = term_cons(term_int(s.v[i]), r);
    free(s.v);
    return bif_return(c, r);
}

/* The words of s split at ch: their starts and ends. */
static size_t words_of(const cps *s, uint32_t ch, size_t *b, size_t *e)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n;) {
        while (i < s->n && s->v[i] == ch)
            i++;
        if (i == s->n)
            break;
        b[n] = i;
        while (i < s->n && s->v[i] != ch)
            i++;
        e[n++] = i;
    }
    return n;
}

/* string:words/1,2 */
static ev_status b_words(bif_call_ctx *c)
{
    cps s = {0};
    if (c->argc == 2 && c->args[1]->tag != T_INT)
        return fclause(c, "words", 1750);
    FLAT(0, s, "words", 1750);
    uint32_t ch = c->argc == 2 ? (uint32_t)c->args[1]->u.i : ' ';
    size_t *b = xcalloc(s.n + 1, sizeof *b), *e = xcalloc(s.n + 1, sizeof *e);
    size_t n = words_of(&s, ch, b, e);
    free(b);
    free(e);
    free(s.v);
    return bif_return(c, term_int((int64_t)n));
}

/* string:sub_word/2,3: the Nth word, or "". */
static ev_status b_sub_word(bif_call_ctx *c)
{
    cps s = {0};
    const term *n = c->args[1];
    if (n->tag != T_INT || n->u.i < 1 ||
        (c->argc == 3 && c->args[2]->tag != T_INT))
        return fclause(c, "sub_word", 1770);
    FLAT(0, s, "sub_word", 1770);
    uint32_t ch = c->argc == 3 ? (uint32_t)c->args[2]->u.i : ' ';
    size_t *b = xcalloc(s.n + 1, sizeof *b), *e = xcalloc(s.n + 1, sizeof *e);
    size_t k = words_of(&s, ch, b, e);
    term *r = (uint64_t)n->u.i <= k
            ? cps_list(s.v + b[n->u.i - 1], e[n->u.i - 1] - b[n->u.i - 1])
            : term_nil();
    free(b);
    free(e);
    free(s.v);
    return bif_return(c, r);
}

/* string:concat/2 */
static ev_status b_concat(bif_call_ctx *c)
{
    cps a = {0}, b = {0};
    FLAT(0, a, "concat", 1786);
    if (!flat_string(&b, c->args[1])) {
        free(a.v);
        free(b.v);
        return fclause(c, "concat", 1786);
    }
    for (size_t i = 0; i < b.n; i++)
        cp_push(&a, b.v[i]);
    term *r = cps_list(a.v, a.n);
    free(a.v);
    free(b.v);
    return bif_return(c, r);
}

/* string:strip/1,2,3: one character (a space) off either end. */
static ev_status b_strip(bif_call_ctx *c)
{
    cps s = {0};
    int mode = 3;
    if (c->argc >= 2)
        mode = term_is_atom(c->args[1], A("left")) ? 1
             : term_is_atom(c->args[1], A("right")) ? 2
             : term_is_atom(c->args[1], A("both")) ? 3 : 0;
    if (!mode || (c->argc == 3 && c->args[2]->tag != T_INT))
        return fclause(c, "strip", 2032);
    FLAT(0, s, "strip", 2032);
    uint32_t ch = c->argc == 3 ? (uint32_t)c->args[2]->u.i : ' ';
    size_t a = 0, b = s.n;
    if (mode & 1)
        while (a < b && s.v[a] == ch)
            a++;
    if (mode & 2)
        while (b > a && s.v[b - 1] == ch)
            b--;
    term *r = cps_list(s.v + a, b - a);
    free(s.v);
    return bif_return(c, r);
}

/* string:len/1 */
static ev_status b_len(bif_call_ctx *c)
{
    cps s = {0};
    FLAT(0, s, "len", 1725);
    free(s.v);
    return bif_return(c, term_int((int64_t)s.n));
}
#undef FLAT

const bif_reg rt__string_bifs[] = {
    {"string", "length", 1, b_slength, BIF_QUALIFIED},
    {"string", "uppercase", 1, b_uppercase, BIF_QUALIFIED},
    {"string", "lowercase", 1, b_lowercase, BIF_QUALIFIED},
    {"string", "to_upper", 1, b_to_upper, BIF_QUALIFIED},
    {"string", "to_lower", 1, b_to_lower, BIF_QUALIFIED},
    {"string", "trim", 1, b_trim, BIF_QUALIFIED},
    {"string", "tokens", 2, b_tokens, BIF_QUALIFIED},
    {"string", "split", 2, b_split, BIF_QUALIFIED},
    {"string", "find", 2, b_find, BIF_QUALIFIED},
    {"string", "join", 2, b_join, BIF_QUALIFIED},
    {"string", "reverse", 1, b_sreverse, BIF_QUALIFIED},
    {"string", "equal", 2, b_equal, BIF_QUALIFIED},
    {"string", "is_empty", 1, b_is_empty, BIF_QUALIFIED},
    {"string", "slice", 2, b_slice, BIF_QUALIFIED},
    {"string", "slice", 3, b_slice, BIF_QUALIFIED},
    {"string", "pad", 2, b_pad, BIF_QUALIFIED},
    {"string", "pad", 3, b_pad, BIF_QUALIFIED},
    {"string", "pad", 4, b_pad, BIF_QUALIFIED},
    {"string", "split", 3, b_split3, BIF_QUALIFIED},
    {"string", "replace", 3, b_replace, BIF_QUALIFIED},
    {"string", "replace", 4, b_replace, BIF_QUALIFIED},
    {"string", "find", 3, b_find3, BIF_QUALIFIED},
    {"string", "lexemes", 2, b_lexemes, BIF_QUALIFIED},
    {"string", "prefix", 2, b_prefix, BIF_QUALIFIED},
    {"string", "titlecase", 1, b_titlecase, BIF_QUALIFIED},
    {"string", "casefold", 1, b_casefold, BIF_QUALIFIED},
    {"string", "trim", 2, b_trim23, BIF_QUALIFIED},
    {"string", "trim", 3, b_trim23, BIF_QUALIFIED},
    {"string", "next_grapheme", 1, b_next_grapheme, BIF_QUALIFIED},
    {"string", "to_integer", 1, b_to_integer, BIF_QUALIFIED},
    {"string", "to_float", 1, b_to_float, BIF_QUALIFIED},
    {"string", "str", 2, b_str, BIF_QUALIFIED},
    {"string", "rstr", 2, b_rstr, BIF_QUALIFIED},
    {"string", "chr", 2, b_chr, BIF_QUALIFIED},
    {"string", "rchr", 2, b_rchr, BIF_QUALIFIED},
    {"string", "substr", 2, b_substr, BIF_QUALIFIED},
    {"string", "substr", 3, b_substr, BIF_QUALIFIED},
    {"string", "sub_string", 2, b_sub_string, BIF_QUALIFIED},
    {"string", "sub_string", 3, b_sub_string, BIF_QUALIFIED},
    {"string", "left", 2, b_left, BIF_QUALIFIED},
    {"string", "left", 3, b_left, BIF_QUALIFIED},
    {"string", "right", 2, b_right, BIF_QUALIFIED},
    {"string", "right", 3, b_right, BIF_QUALIFIED},
    {"string", "centre", 2, b_centre, BIF_QUALIFIED},
    {"string", "centre", 3, b_centre, BIF_QUALIFIED},
    {"string", "copies", 2, b_copies, BIF_QUALIFIED},
    {"string", "words", 1, b_words, BIF_QUALIFIED},
    {"string", "words", 2, b_words, BIF_QUALIFIED},
    {"string", "sub_word", 2, b_sub_word, BIF_QUALIFIED},
    {"string", "sub_word", 3, b_sub_word, BIF_QUALIFIED},
    {"string", "concat", 2, b_concat, BIF_QUALIFIED},
    {"string", "strip", 1, b_strip, BIF_QUALIFIED},
    {"string", "strip", 2, b_strip, BIF_QUALIFIED},
    {"string", "strip", 3, b_strip, BIF_QUALIFIED},
    {"string", "len", 1, b_len, BIF_QUALIFIED},
    {NULL, NULL, 0, NULL, BIF_QUALIFIED},
};
