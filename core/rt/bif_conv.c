/* bif_conv: erlang's conversion BIFs (auto-imported), registered as the
 * rows of rt__conv_bifs (bif.h): between atoms, lists, integers,
 * floats, tuples and binaries, setelement/3, the external term format
 * (term_to_binary/1, binary_to_term/1) and erlang:fun_info/2. None of
 * them is a guard BIF (erl_internal:guard_bif/2), so none is in
 * core/erl/eval_ops.c.
 *
 * Errors are erl 25.2.3's, with its "*** argument N:" lines. Integers
 * are int64 (clustersim has no bignums): a text whose value would not
 * fit raises error:system_limit, as the arithmetic does.
 *
 * Atoms are kept as UTF-8 text. term_to_binary/1 writes what OTP 25
 * writes by default: ATOM_EXT (latin-1 bytes) for an atom whose
 * characters are all latin-1, SMALL_ATOM_UTF8_EXT otherwise; small maps
 * in key order (a map of more than 32 keys is written in that order
 * too, where OTP would use its hash order). Pids, refs and funs with a
 * body raise badarg (the node's creation and the fun's code are not
 * encoded); fun M:F/A is EXPORT_EXT. */
#include "core/rt/bif.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/term/xalloc.h"

static atom_t A(const char *s) { return atom_intern(s); }

/* ---- atoms and character lists ---- */

/* A proper list of characters as UTF-8 into b (false: not one). */
static bool chars_utf8(const term *l, strbuf *b, size_t *nchars)
{
    *nchars = 0;
    for (; l->tag == T_CONS; l = l->u.cons.tail, (*nchars)++) {
        const term *h = l->u.cons.head;
        if (h->tag != T_INT || h->u.i < 0 || h->u.i > 0x10FFFF
            || (h->u.i >= 0xD800 && h->u.i <= 0xDFFF))
            return false;
        sb_put_utf8(b, (uint32_t)h->u.i);
    }
    return l->tag == T_NIL;
}

/* The atom of UTF-8 text s[0..n) of nchars characters: error:system_limit
 * beyond 255 characters. */
static ev_status make_atom(bif_call_ctx *c, const char *s, size_t n,
                           size_t nchars)
{
    if (nchars > 255)
        return bif_raise(c, "error", term_atom_s("system_limit"));
    return bif_return(c, term_atom(atom_intern_n(s ? s : "", n)));
}

static ev_status b_list_to_atom(bif_call_ctx *c)
{
    if (!term_is_proper_list(c->args[0]))
        return bif_badarg(c, 1, "not a list");
    strbuf b;
    sb_init(&b);
    size_t nc;
    if (!chars_utf8(c->args[0], &b, &nc)) {
        sb_fini(&b);
        return bif_badarg(c, 1, "not a list of characters");
    }
    ev_status st = make_atom(c, b.s, b.len, nc);
    sb_fini(&b);
    return st;
}

/* The encoding argument of atom_to_binary/2, binary_to_atom/2: 1 latin1,
 * 2 utf8 (or unicode), 0 none. */
static int encoding(const term *t)
{
    if (term_is_atom(t, A("latin1")))
        return 1;
    if (term_is_atom(t, A("utf8")) || term_is_atom(t, A("unicode")))
        return 2;
    return 0;
}

static ev_status atom_to_bin(bif_call_ctx *c, int enc)
{
    if (c->args[0]->tag != T_ATOM)
        return bif_badarg(c, 1, "not an atom");
    if (!enc)
        return bif_badarg(c, 2, "is an invalid encoding option");
    atom_t a = c->args[0]->u.atom;
    const unsigned char *s = (const unsigned char *)atom_text(a);
    size_t n = atom_len(a);
    if (enc == 2)
        return bif_return(c, term_binary(s, n));
    unsigned char *out = xmalloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t l = term_utf8_decode(s + i, n - i, &cp);
        if (!l || cp > 255) {
            free(out);
            return bif_badarg(c, 1,
                              "contains a character not expressible in latin1");
        }
        out[k++] = (unsigned char)cp;
        i += l;
    }
    term *r = term_binary(out, k);
    free(out);
    return bif_return(c, r);
}

static ev_status b_atom_to_binary1(bif_call_ctx *c) { return atom_to_bin(c, 2); }
static ev_status b_atom_to_binary2(bif_call_ctx *c)
{
    return atom_to_bin(c, encoding(c->args[1]));
}

static ev_status bin_to_atom(bif_call_ctx *c, int enc)
{
    const term *b = c->args[0];
    if (!term_is_binary(b))
        return bif_badarg(c, 1, "not a binary");
    if (!enc)
        return bif_badarg(c, 2, "not one of the atoms: latin1, utf8, or unicode");
    strbuf sb;
    sb_init(&sb);
    size_t nc = 0;
    const unsigned char *s = b->u.bin.bytes;
    for (size_t i = 0; i < b->u.bin.n; nc++) {
        uint32_t cp = s[i];
        size_t l = 1;
        if (enc == 2 && !(l = term_utf8_decode(s + i, b->u.bin.n - i, &cp))) {
            sb_fini(&sb);
            return bif_badarg(c, 1, "invalid UTF8 encoding");
        }
        sb_put_utf8(&sb, cp);
        i += l;
    }
    ev_status st = make_atom(c, sb.s, sb.len, nc);
    sb_fini(&sb);
    return st;
}

static ev_status b_binary_to_atom1(bif_call_ctx *c) { return bin_to_atom(c, 2); }
static ev_status b_binary_to_atom2(bif_call_ctx *c)
{
    return bin_to_atom(c, encoding(c->args[1]));
}

/* ---- integers ---- */

static bool base_ok(const term *t)
{
    return t->tag == T_INT && t->u.i >= 2 && t->u.i <= 36;
}

static void int_text(strbuf *b, int64_t v, int base)
{
    char buf[72];
    int k = sizeof buf;
    uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
    do {
        int d = (int)(u % (uint64_t)base);
        buf[--k] = (char)(d < 10 ? '0' + d : 'A' + d - 10);
        u /= (uint64_t)base;
    } while (u);
    if (v < 0)
        buf[--k] = '-';
    sb_putn(b, buf + k, sizeof buf - (size_t)k);
}

/* integer_to_list/2, integer_to_binary/1,2. */
static ev_status int_to(bif_call_ctx *c, int base, bool bin)
{
    if (c->args[0]->tag != T_INT)
        return bif_badarg(c, 1, "not an integer");
    if (c->argc == 2 && !base_ok(c->args[1]))
        return bif_badarg(c, 2, "not an integer in the range 2 through 36");
    strbuf b;
    sb_init(&b);
    int_text(&b, c->args[0]->u.i, c->argc == 2 ? (int)c->args[1]->u.i : base);
    sb_putc(&b, 0);
    term *r = bin ? term_binary(b.s, b.len - 1) : term_string(b.s);
    sb_fini(&b);
    return bif_return(c, r);
}

static ev_status b_integer_to_list2(bif_call_ctx *c) { return int_to(c, 10, false); }
static ev_status b_integer_to_binary(bif_call_ctx *c) { return int_to(c, 10, true); }

/* Parses [+-]digits in base: 1 ok, 0 not an integer's text, -1 beyond
 * int64. */
static int parse_int(const unsigned char *s, size_t n, int base, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (n && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        i = 1;
    }
    if (i == n)
        return 0;
    uint64_t u = 0;
    bool big = false;
    for (; i < n; i++) {
        int d = s[i] >= '0' && s[i] <= '9' ? s[i] - '0'
              : s[i] >= 'a' && s[i] <= 'z' ? s[i] - 'a' + 10
              : s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 10 : 99;
        if (d >= base)
            return 0;
        if (u > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
            big = true;
        else
            u = u * (uint64_t)base + (uint64_t)d;
    }
    if (big || u > (uint64_t)INT64_MAX + (neg ? 1 : 0))
        return -1;
    *out = neg ? (int64_t)(0 - u) : (int64_t)u;
    return 1;
}

/* A list's bytes when it is a list of characters below 256 (else the
 * text cannot be a number: returns false). */
static bool list_bytes(const term *l, strbuf *b)
{
    for (; l->tag == T_CONS; l = l->u.cons.tail) {
        const term *h = l->u.cons.head;
        if (h->tag != T_INT || h->u.i < 0 || h->u.i > 255)
            return false;
        sb_putc(b, (char)h->u.i);
    }
    return true;
}

static ev_status text_to_int(bif_call_ctx *c, const unsigned char *s,
                             size_t n, bool ok)
{
    int base = c->argc == 2 ? (int)c->args[1]->u.i : 10;
    int64_t v = 0;
    int r = ok ? parse_int(s, n, base, &v) : 0;
    if (r == 0)
        return bif_badarg(c, 1, "not a textual representation of an integer");
    if (r < 0)
        return bif_raise(c, "error", term_atom_s("system_limit"));
    return bif_return(c, term_int(v));
}

static ev_status b_list_to_integer(bif_call_ctx *c)
{
    if (!term_is_proper_list(c->args[0]))
        return bif_badarg(c, 1, "not a list");
    if (c->argc == 2 && !base_ok(c->args[1]))
        return bif_badarg(c, 2, "not an integer in the range 2 through 36");
    strbuf b;
    sb_init(&b);
    bool ok = list_bytes(c->args[0], &b);
    ev_status st = text_to_int(c, (const unsigned char *)b.s, b.len, ok);
    sb_fini(&b);
    return st;
}

static ev_status b_binary_to_integer(bif_call_ctx *c)
{
    if (!term_is_binary(c->args[0]))
        return bif_badarg(c, 1, "not a binary");
    if (c->argc == 2 && !base_ok(c->args[1]))
        return bif_badarg(c, 2, "not an integer in the range 2 through 36");
    return text_to_int(c, c->args[0]->u.bin.bytes, c->args[0]->u.bin.n, true);
}

/* ---- floats ---- */

static ev_status b_float_to_list(bif_call_ctx *c)
{
    if (c->args[0]->tag != T_FLOAT)
        return bif_badarg(c, 1, "not a float");
    char buf[64];
    term_snprintf_c(buf, sizeof buf, "%.20e", c->args[0]->u.f);  /* erl's [scientific, 20] */
    return bif_return(c, term_string(buf));
}

/* Erlang's float text: [+-]Digits.Digits[(e|E)[+-]Digits]. */
static bool float_syntax(const char *s)
{
    size_t i = 0, k;
    if (s[i] == '+' || s[i] == '-')
        i++;
    for (k = i; s[i] >= '0' && s[i] <= '9'; i++) {}
    if (i == k || s[i++] != '.')
        return false;
    for (k = i; s[i] >= '0' && s[i] <= '9'; i++) {}
    if (i == k)
        return false;
    if (s[i] == 'e' || s[i] == 'E') {
        i++;
        if (s[i] == '+' || s[i] == '-')
            i++;
        for (k = i; s[i] >= '0' && s[i] <= '9'; i++) {}
        if (i == k)
            return false;
    }
    return s[i] == 0;
}

static ev_status b_list_to_float(bif_call_ctx *c)
{
    if (!term_is_proper_list(c->args[0]))
        return bif_badarg(c, 1, "not a list");
    strbuf b;
    sb_init(&b);
    bool ok = list_bytes(c->args[0], &b);
    sb_putc(&b, 0);
    ok = ok && strlen(b.s) == b.len - 1 && float_syntax(b.s);
    double d = 0;
    if (ok) {
        errno = 0;
        d = term_strtod_c(b.s, NULL);
        ok = isfinite(d);
    }
    sb_fini(&b);
    if (!ok)
        return bif_badarg(c, 1, "not a textual representation of a float");
    return bif_return(c, term_float(d));
}

/* ---- tuples ---- */

static ev_status b_tuple_to_list(bif_call_ctx *c)
{
    const term *t = c->args[0];
    if (t->tag != T_TUPLE)
        return bif_badarg(c, 1, "not a tuple");
    for (uint32_t i = 0; i < t->u.tuple.n; i++)
        term_ref(t->u.tuple.el[i]);
    return bif_return(c, term_list(t->u.tuple.n, t->u.tuple.el, NULL));
}

static ev_status b_list_to_tuple(bif_call_ctx *c)
{
    const term *l = c->args[0];
    if (!term_is_proper_list(l))
        return bif_badarg(c, 1, "not a list");
    size_t n = term_list_length(l), i = 0;
    term **el = xcalloc(n + 1, sizeof *el);
    for (; l->tag == T_CONS; l = l->u.cons.tail)
        el[i++] = term_ref(l->u.cons.head);
    term *t = term_tuple((uint32_t)n, el);
    free(el);
    return bif_return(c, t);
}

static ev_status b_setelement(bif_call_ctx *c)
{
    const term *i = c->args[0], *t = c->args[1];
    if (i->tag != T_INT)
        return bif_badarg(c, 1, "not an integer");
    if (t->tag != T_TUPLE)
        return bif_badarg(c, 2, "not a tuple");
    if (i->u.i < 1 || i->u.i > (int64_t)t->u.tuple.n)
        return bif_badarg(c, 1, "out of range");
    uint32_t n = t->u.tuple.n;
    term **el = xcalloc(n, sizeof *el);
    for (uint32_t k = 0; k < n; k++)
        el[k] = term_ref(k == i->u.i - 1 ? c->args[2] : t->u.tuple.el[k]);
    term *r = term_tuple(n, el);
    free(el);
    return bif_return(c, r);
}

/* ---- binaries ---- */

/* An iolist's bytes into b: false when it is none. */
static bool iolist(const term *t, strbuf *b, int depth)
{
    if (depth > 10000)
        return false;
    for (; t->tag == T_CONS; t = t->u.cons.tail) {
        const term *h = t->u.cons.head;
        if (h->tag == T_INT) {
            if (h->u.i < 0 || h->u.i > 255)
                return false;
            sb_putc(b, (char)h->u.i);
        } else if (term_is_binary(h)) {
            sb_putn(b, (const char *)h->u.bin.bytes, h->u.bin.n);
        } else if (h->tag == T_CONS || h->tag == T_NIL) {
            if (!iolist(h, b, depth + 1))
                return false;
        } else {
            return false;
        }
    }
    if (term_is_binary(t)) {
        sb_putn(b, (const char *)t->u.bin.bytes, t->u.bin.n);
        return true;
    }
    return t->tag == T_NIL;
}

static ev_status b_list_to_binary(bif_call_ctx *c)
{
    const term *l = c->args[0];
    strbuf b;
    sb_init(&b);
    bool ok = (l->tag == T_CONS || l->tag == T_NIL) && iolist(l, &b, 0);
    term *r = ok ? term_binary(b.s ? b.s : "", b.len) : NULL;
    sb_fini(&b);
    if (!ok)
        return bif_badarg(c, 1, "not an iolist term");
    return bif_return(c, r);
}

static ev_status b_binary_to_list(bif_call_ctx *c)
{
    const term *b = c->args[0];
    if (!term_is_binary(b))
        return bif_badarg(c, 1, "not a binary");
    term *l = term_nil();
    for (size_t i = b->u.bin.n; i-- > 0;)
        l = term_cons(term_int(b->u.bin.bytes[i]), l);
    return bif_return(c, l);
}

/* ---- the external term format ---- */

static void put32(strbuf *b, uint32_t v)
{
    sb_putc(b, (char)(v >> 24));
    sb_putc(b, (char)(v >> 16));
    sb_putc(b, (char)(v >> 8));
    sb_putc(b, (char)v);
}

static void enc_atom(strbuf *b, atom_t a)
{
    const unsigned char *s = (const unsigned char *)atom_text(a);
    size_t n = atom_len(a);
    strbuf l1;
    sb_init(&l1);
    bool latin1 = true;
    for (size_t i = 0; i < n && latin1;) {
        uint32_t cp;
        size_t l = term_utf8_decode(s + i, n - i, &cp);
        latin1 = l && cp < 256;
        if (latin1)
            sb_putc(&l1, (char)cp);
        i += l ? l : 1;
    }
    if (latin1) {
        sb_putc(b, 100);                     /* ATOM_EXT */
        sb_putc(b, (char)(l1.len >> 8));
        sb_putc(b, (char)l1.len);
        sb_putn(b, l1.s ? l1.s : "", l1.len);
    } else if (n < 256) {
        sb_putc(b, 119);                     /* SMALL_ATOM_UTF8_EXT */
        sb_putc(b, (char)n);
        sb_putn(b, (const char *)s, n);
    } else {
        sb_putc(b, 118);                     /* ATOM_UTF8_EXT */
        sb_putc(b, (char)(n >> 8));
        sb_putc(b, (char)n);
        sb_putn(b, (const char *)s, n);
    }
    sb_fini(&l1);
}

/* Whether l is a proper list of at most 65535 bytes (STRING_EXT). */
static bool byte_string(const term *l)
{
    size_t n = 0;
    for (; l->tag == T_CONS; l = l->u.cons.tail, n++) {
        const term *h = l->u.cons.head;
        if (h->tag != T_INT || h->u.i < 0 || h->u.i > 255 || n >= 65535)
            return false;
    }
    return l->tag == T_NIL;
}

/* Appends t's encoding; false at a term it does not encode. */
static bool enc(strbuf *b, const term *t, int depth)
{
    if (depth > 10000)
        return false;
    switch ((term_tag)t->tag) {
    case T_INT: {
        int64_t v = t->u.i;
        if (v >= 0 && v <= 255) {
            sb_putc(b, 97);                  /* SMALL_INTEGER_EXT */
            sb_putc(b, (char)v);
        } else if (v >= INT32_MIN && v <= INT32_MAX) {
            sb_putc(b, 98);                  /* INTEGER_EXT */
            put32(b, (uint32_t)v);
        } else {
            uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
            unsigned char d[8];
            int n = 0;
            for (; u; u >>= 8)
                d[n++] = (unsigned char)u;
            sb_putc(b, 110);                 /* SMALL_BIG_EXT */
            sb_putc(b, (char)n);
            sb_putc(b, v < 0);
            sb_putn(b, (const char *)d, (size_t)n);
        }
        return true;
    }
    case T_FLOAT: {
        uint64_t u;
        memcpy(&u, &t->u.f, 8);
        sb_putc(b, 70);                      /* NEW_FLOAT_EXT */
        put32(b, (uint32_t)(u >> 32));
        put32(b, (uint32_t)u);
        return true;
    }
    case T_ATOM:
        enc_atom(b, t->u.atom);
        return true;
    case T_TUPLE:
        if (t->u.tuple.n < 256) {
            sb_putc(b, 104);                 /* SMALL_TUPLE_EXT */
            sb_putc(b, (char)t->u.tuple.n);
        } else {
            sb_putc(b, 105);                 /* LARGE_TUPLE_EXT */
            put32(b, t->u.tuple.n);
        }
        for (uint32_t i = 0; i < t->u.tuple.n; i++)
            if (!enc(b, t->u.tuple.el[i], depth + 1))
                return false;
        return true;
    case T_NIL:
        sb_putc(b, 106);                     /* NIL_EXT */
        return true;
    case T_CONS: {
        if (byte_string(t)) {
            size_t n = term_list_length(t);
            sb_putc(b, 107);                 /* STRING_EXT */
            sb_putc(b, (char)(n >> 8));
            sb_putc(b, (char)n);
            for (; t->tag == T_CONS; t = t->u.cons.tail)
                sb_putc(b, (char)t->u.cons.head->u.i);
            return true;
        }
        uint32_t n = 0;
        const term *x = t;
        for (; x->tag == T_CONS; x = x->u.cons.tail)
            n++;
        sb_putc(b, 108);                     /* LIST_EXT */
        put32(b, n);
        for (x = t; x->tag == T_CONS; x = x->u.cons.tail)
            if (!enc(b, x->u.cons.head, depth + 1))
                return false;
        return enc(b, x, depth + 1);
    }
    case T_BIN:
        if (t->u.bin.tail) {
            sb_putc(b, 77);                  /* BIT_BINARY_EXT */
            put32(b, (uint32_t)t->u.bin.n);
            sb_putc(b, (char)t->u.bin.tail);
        } else {
            sb_putc(b, 109);                 /* BINARY_EXT */
            put32(b, (uint32_t)t->u.bin.n);
        }
        sb_putn(b, (const char *)t->u.bin.bytes, t->u.bin.n);
        return true;
    case T_MAP:
        sb_putc(b, 116);                     /* MAP_EXT */
        put32(b, t->u.map.n);
        for (uint32_t i = 0; i < t->u.map.n; i++)
            if (!enc(b, t->u.map.keys[i], depth + 1)
                || !enc(b, t->u.map.vals[i], depth + 1))
                return false;
        return true;
    case T_FUN:
        if (t->u.fun.clo)
            return false;
        sb_putc(b, 113);                     /* EXPORT_EXT */
        enc_atom(b, t->u.fun.mod);
        enc_atom(b, t->u.fun.fun);
        sb_putc(b, 97);
        sb_putc(b, (char)t->u.fun.arity);
        return true;
    case T_PID:
    case T_REF:
        return false;
    }
    return false;
}

static ev_status b_term_to_binary(bif_call_ctx *c)
{
    strbuf b;
    sb_init(&b);
    sb_putc(&b, (char)131);
    bool ok = enc(&b, c->args[0], 0);
    term *r = ok ? term_binary(b.s, b.len) : NULL;
    sb_fini(&b);
    if (!ok)   /* clustersim does not encode pids, refs, funs with a body */
        return bif_badarg(c, 1, "not encodable by clustersim (a pid, reference or fun)");
    return bif_return(c, r);
}

typedef struct dec {
    const unsigned char *s;
    size_t n, i;
} dec;

static bool need(dec *d, size_t k) { return d->n - d->i >= k; }
static uint32_t get32(dec *d)
{
    const unsigned char *p = d->s + d->i;
    d->i += 4;
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* An atom of latin-1 (utf8 false) or UTF-8 bytes. */
static term *dec_atom_text(dec *d, size_t len, bool utf8)
{
    if (!need(d, len))
        return NULL;
    strbuf sb;
    sb_init(&sb);
    size_t nc = 0;
    for (size_t i = 0; i < len; nc++) {
        uint32_t cp = d->s[d->i + i];
        size_t l = 1;
        if (utf8 && !(l = term_utf8_decode(d->s + d->i + i, len - i, &cp))) {
            sb_fini(&sb);
            return NULL;
        }
        sb_put_utf8(&sb, cp);
        i += l;
    }
    d->i += len;
    term *a = nc > 255 ? NULL : term_atom(atom_intern_n(sb.s ? sb.s : "", sb.len));
    sb_fini(&sb);
    return a;
}

static term *dec_term(dec *d, int depth)
{
    if (depth > 10000 || !need(d, 1))
        return NULL;
    int tag = d->s[d->i++];
    switch (tag) {
    case 97:
        return need(d, 1) ? term_int(d->s[d->i++]) : NULL;
    case 98:
        return need(d, 4) ? term_int((int32_t)get32(d)) : NULL;
    case 110:
    case 111: {
        size_t len;
        if (tag == 110) {
            if (!need(d, 1))
                return NULL;
            len = d->s[d->i++];
        } else {
            if (!need(d, 4))
                return NULL;
            len = get32(d);
        }
        if (!need(d, 1 + len))
            return NULL;
        int sign = d->s[d->i++];
        uint64_t u = 0;
        for (size_t k = 0; k < len; k++) {
            unsigned char byte = d->s[d->i + k];
            if (k >= 8 && byte)
                return NULL;      /* beyond int64: clustersim has no bignums */
            if (k < 8)
                u |= (uint64_t)byte << (8 * k);
        }
        d->i += len;
        if (u > (uint64_t)INT64_MAX + (sign ? 1 : 0))
            return NULL;
        return term_int(sign ? (int64_t)(0 - u) : (int64_t)u);
    }
    case 70: {
        if (!need(d, 8))
            return NULL;
        uint64_t u = (uint64_t)get32(d) << 32;
        u |= get32(d);
        double f;
        memcpy(&f, &u, 8);
        return isfinite(f) ? term_float(f) : NULL;
    }
    case 100:
    case 118: {
        if (!need(d, 2))
            return NULL;
        size_t len = (size_t)d->s[d->i] << 8 | d->s[d->i + 1];
        d->i += 2;
        return dec_atom_text(d, len, tag == 118);
    }
    case 115:
    case 119: {
        if (!need(d, 1))
            return NULL;
        size_t len = d->s[d->i++];
        return dec_atom_text(d, len, tag == 119);
    }
    case 104:
    case 105: {
        uint32_t n;
        if (tag == 104) {
            if (!need(d, 1))
                return NULL;
            n = d->s[d->i++];
        } else {
            if (!need(d, 4))
                return NULL;
            n = get32(d);
        }
        if (!need(d, n))
            return NULL;
        term **el = xcalloc(n + 1, sizeof *el);
        for (uint32_t k = 0; k < n; k++)
            if (!(el[k] = dec_term(d, depth + 1))) {
                for (uint32_t j = 0; j < k; j++)
                    term_unref(el[j]);
                free(el);
                return NULL;
            }
        term *t = term_tuple(n, el);
        free(el);
        return t;
    }
    case 106:
        return term_nil();
    case 107: {
        if (!need(d, 2))
            return NULL;
        size_t len = (size_t)d->s[d->i] << 8 | d->s[d->i + 1];
        d->i += 2;
        if (!need(d, len))
            return NULL;
        term *l = term_nil();
        for (size_t k = len; k-- > 0;)
            l = term_cons(term_int(d->s[d->i + k]), l);
        d->i += len;
        return l;
    }
    case 108: {
        if (!need(d, 4))
            return NULL;
        uint32_t n = get32(d);
        if (!need(d, n))
            return NULL;
        term **el = xcalloc(n + 1, sizeof *el);
        term *tail = NULL;
        uint32_t k = 0;
        for (; k < n; k++)
            if (!(el[k] = dec_term(d, depth + 1)))
                break;
        if (k == n)
            tail = dec_term(d, depth + 1);
        if (!tail) {
            for (uint32_t j = 0; j < k; j++)
                term_unref(el[j]);
            free(el);
            return NULL;
        }
        term *l = term_list(n, el, tail);
        free(el);
        return l;
    }
    case 109:
    case 77: {
        if (!need(d, tag == 77 ? 5 : 4))
            return NULL;
        uint32_t n = get32(d);
        int bits = 8;
        if (tag == 77) {
            bits = d->s[d->i++];
            if (bits < 1 || bits > 8 || n == 0)
                return NULL;
        }
        if (!need(d, n))
            return NULL;
        term *b = bits == 8 ? term_binary(d->s + d->i, n)
                : term_bitstring(d->s + d->i, (uint64_t)(n - 1) * 8 + (uint64_t)bits);
        d->i += n;
        return b;
    }
    case 116: {
        if (!need(d, 4))
            return NULL;
        uint32_t n = get32(d);
        if (!need(d, n))
            return NULL;
        term **ks = xcalloc(n + 1, sizeof *ks), **vs = xcalloc(n + 1, sizeof *vs);
        uint32_t k = 0;
        bool ok = true;
        for (; k < n && ok; k++) {
            ks[k] = dec_term(d, depth + 1);
            vs[k] = ks[k] ? dec_term(d, depth + 1) : NULL;
            ok = ks[k] && vs[k];
        }
        term *m = NULL;
        if (ok) {
            m = term_map(n, ks, vs);
        } else {
            for (uint32_t j = 0; j < k; j++) {
                term_unref(ks[j]);
                term_unref(vs[j]);
            }
        }
        free(ks);
        free(vs);
        return m;
    }
    case 113: {
        term *m = dec_term(d, depth + 1);
        term *f = m ? dec_term(d, depth + 1) : NULL;
        term *a = f ? dec_term(d, depth + 1) : NULL;
        term *r = NULL;
        if (a && m->tag == T_ATOM && f->tag == T_ATOM && a->tag == T_INT
            && a->u.i >= 0 && a->u.i <= 255)
            r = term_fun(m->u.atom, f->u.atom, (uint32_t)a->u.i);
        term_unref(m);
        term_unref(f);
        term_unref(a);
        return r;
    }
    default:
        return NULL;     /* pids, refs, local funs, compressed: not here */
    }
}

static ev_status b_binary_to_term(bif_call_ctx *c)
{
    const term *b = c->args[0];
    if (!term_is_binary(b))
        return bif_badarg(c, 1, "not a binary");
    dec d = { b->u.bin.bytes, b->u.bin.n, 0 };
    term *t = NULL;
    if (need(&d, 1) && d.s[d.i++] == 131)
        t = dec_term(&d, 0);      /* bytes after the term are ignored, as erl does */
    if (!t)
        return bif_badarg(c, 1, "invalid external representation of a term");
    return bif_return(c, t);
}

/* ---- erlang:fun_info/2 ---- */

/* The name of a fun: fun M:F/A's F, a module fun's '-f/1-fun-0-', and
 * for a shell fun erl_eval 25's own ('-expr/6-fun-N-', N = arity + 2;
 * a named one '-expr/6-RF/A-N-'), checked against erl 25 for arities 0
 * to 2. */
static term *fun_name(const term *f)
{
    if (f->u.fun.fun)
        return term_atom(f->u.fun.fun);
    char buf[64];
    const term_closure *clo = f->u.fun.clo;
    bool named = clo && clo->index == 20 - f->u.fun.arity;
    if (named)
        snprintf(buf, sizeof buf, "-expr/6-RF/%u-%u-", f->u.fun.arity,
                 f->u.fun.arity + 2);
    else
        snprintf(buf, sizeof buf, "-expr/6-fun-%u-", f->u.fun.arity + 2);
    return term_atom_s(buf);
}

static ev_status b_fun_info(bif_call_ctx *c)
{
    const term *f = c->args[0], *item = c->args[1];
    if (f->tag != T_FUN)
        return bif_badarg(c, 1, "not a fun");
    term *v = NULL;
    if (term_is_atom(item, A("arity")))
        v = term_int(f->u.fun.arity);
    else if (term_is_atom(item, A("module")))
        v = term_atom(f->u.fun.mod);
    else if (term_is_atom(item, A("name")))
        v = fun_name(f);
    else if (term_is_atom(item, A("type")))
        v = term_atom_s(f->u.fun.clo ? "local" : "external");
    else   /* env, index, uniq, pid...: not kept by clustersim */
        return bif_badarg(c, 2, "invalid item");
    return bif_return(c, term_tuplev(2, term_ref((term *)item), v));
}

const bif_reg rt__conv_bifs[] = {
    {"erlang", "list_to_atom", 1, b_list_to_atom, BIF_AUTO},
    {"erlang", "list_to_integer", 1, b_list_to_integer, BIF_AUTO},
    {"erlang", "list_to_integer", 2, b_list_to_integer, BIF_AUTO},
    {"erlang", "integer_to_list", 2, b_integer_to_list2, BIF_AUTO},
    {"erlang", "list_to_float", 1, b_list_to_float, BIF_AUTO},
    {"erlang", "float_to_list", 1, b_float_to_list, BIF_AUTO},
    {"erlang", "list_to_tuple", 1, b_list_to_tuple, BIF_AUTO},
    {"erlang", "tuple_to_list", 1, b_tuple_to_list, BIF_AUTO},
    {"erlang", "setelement", 3, b_setelement, BIF_AUTO},
    {"erlang", "list_to_binary", 1, b_list_to_binary, BIF_AUTO},
    {"erlang", "binary_to_list", 1, b_binary_to_list, BIF_AUTO},
    {"erlang", "atom_to_binary", 1, b_atom_to_binary1, BIF_AUTO},
    {"erlang", "atom_to_binary", 2, b_atom_to_binary2, BIF_AUTO},
    {"erlang", "binary_to_atom", 1, b_binary_to_atom1, BIF_AUTO},
    {"erlang", "binary_to_atom", 2, b_binary_to_atom2, BIF_AUTO},
    {"erlang", "integer_to_binary", 1, b_integer_to_binary, BIF_AUTO},
    {"erlang", "integer_to_binary", 2, b_integer_to_binary, BIF_AUTO},
    {"erlang", "binary_to_integer", 1, b_binary_to_integer, BIF_AUTO},
    {"erlang", "binary_to_integer", 2, b_binary_to_integer, BIF_AUTO},
    {"erlang", "term_to_binary", 1, b_term_to_binary, BIF_AUTO},
    {"erlang", "binary_to_term", 1, b_binary_to_term, BIF_AUTO},
    {"erlang", "fun_info", 2, b_fun_info, BIF_QUALIFIED},
    {NULL, NULL, 0, NULL, BIF_QUALIFIED},
};
