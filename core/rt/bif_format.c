/* bif_format: io_lib:format/2, the formatter of io:format (OTP 25's
 * io_lib_format:fwrite/2).
 *
 * A control sequence is ~[Width][.Precision[.Pad]][t|l]C: Width is digits
 * or `*` (an integer argument; negative, or a leading `-`, adjusts left),
 * Precision digits or `*`, Pad any character or `*` (an argument); C one
 * of ~p ~P ~w ~W ~s ~e ~f ~g ~b ~B ~x ~X ~# ~+ ~c ~i ~n ~~. `t` reads
 * ~s's binaries as UTF-8 and lets ~c take any code point; `l` prints no
 * list or binary as a string (~lp). Floats (~f ~e ~g) are rounded half
 * up from the 21 digits float_to_list/1 gives, as io_lib_format does.
 *
 * The result is built as io_lib_format builds it, a deep list: the
 * format's own characters and the output of every "small" control
 * (everything but p P w W s) appear flattened, each "big" control's
 * output is one element, shaped as io_lib:write/2 and io_lib_format's
 * chars/2, adjust/3 and string/5 shape it (`io_lib:format("~6w", [abc])`
 * is ["   ",97,98,99] with the padding a list of its own). A ~p whose
 * text is not what ~w writes (a string, a term broken over lines) is one
 * flat string: LIMIT, io_lib_pretty's own nesting is not reproduced.
 *
 * Errors follow erl 25's erl_stdlib_errors:format_io_error/2: a format
 * that is not text, arguments that are not a list, a truncated sequence
 * or an unknown control, the number of arguments, each argument's type
 * in order, then "failed to format string" for what only formatting
 * finds (~.0f, ~-6p, a precision above the width of ~s, a base out of
 * 2..36, ~s of a character above 255). io_lib:format/2 itself raises a
 * bare badarg; io:format/1,2,3 adds the `*** argument N:` line.
 *
 * Nothing recurses on a list's length: lists are walked in loops, and
 * only nesting (bounded by TERM_MAX_DEPTH) and chars/2's halving
 * recurse. LIMIT: a width or precision above FIELD_MAX is badarg. */
#include "core/rt/bif.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/term/xalloc.h"

#define FIELD_MAX 10000000

/* ---- deep lists of characters ---- */

typedef struct tvec {
    term **el;
    size_t n, cap;
} tvec;

static void tv_push(tvec *v, term *t)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? 2 * v->cap : 16;
        v->el = xrealloc(v->el, v->cap * sizeof *v->el);
    }
    v->el[v->n++] = t;
}

static void tv_free(tvec *v)
{
    for (size_t i = 0; i < v->n; i++)
        term_unref(v->el[i]);
    free(v->el);
    v->el = NULL;
    v->n = v->cap = 0;
}

/* The vector as a list (its terms moved into it) ending in tail (NULL:
 * []); v is left empty. */
static term *tv_list(tvec *v, term *tail)
{
    term *l = term_list((uint32_t)v->n, v->el, tail);
    free(v->el);
    v->el = NULL;
    v->n = v->cap = 0;
    return l;
}

/* A flat string of UTF-8 text, one integer a character. */
static term *str_n(const char *s, size_t n)
{
    tvec v = {0};
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = term_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (k == 0) {
            cp = (unsigned char)s[i];
            k = 1;
        }
        tv_push(&v, term_int(cp));
        i += k;
    }
    return tv_list(&v, NULL);
}

static term *str(const char *s)
{
    return str_n(s, strlen(s));
}

/* The number of characters of a deep list (lists:flatlength/1). */
static size_t flatlen(const term *t)
{
    size_t n = 0;
    for (; t->tag == T_CONS; t = t->u.cons.tail)
        n += t->u.cons.head->tag == T_INT ? 1 : flatlen(t->u.cons.head);
    return n;
}

/* Appends the characters of deep list t to out (as integers). */
static void flat_into(tvec *out, const term *t)
{
    for (; t->tag == T_CONS; t = t->u.cons.tail) {
        if (t->u.cons.head->tag == T_INT)
            tv_push(out, term_ref(t->u.cons.head));
        else
            flat_into(out, t->u.cons.head);
    }
}

/* Appends deep list t as UTF-8 to b. */
static void flat_text(strbuf *b, const term *t)
{
    for (; t->tag == T_CONS; t = t->u.cons.tail) {
        const term *h = t->u.cons.head;
        if (h->tag == T_INT)
            sb_put_utf8(b, (uint32_t)h->u.i);
        else
            flat_text(b, h);
    }
}

/* io_lib_format:chars(C, N): N copies of C, halved and shared as
 * io_lib_format nests them ([S|S], [C,S|S]). */
static term *chars(int64_t c, int64_t n)
{
    if (n <= 0)
        return term_nil();
    if (n <= 3) {
        term *l = term_nil();
        for (int64_t i = 0; i < n; i++)
            l = term_cons(term_int(c), l);
        return l;
    }
    term *s = chars(c, n >> 1);
    term *l = term_cons(term_ref(s), s);
    if (n & 1)
        l = term_cons(term_int(c), l);
    return l;
}

/* io_lib_format:adjust(Data, Pad, Adj) (ownership of both taken). */
static term *adjust(term *data, term *pad, bool left)
{
    if (pad->tag == T_NIL) {
        term_unref(pad);
        return data;
    }
    return left ? term_cons(data, pad) : term_cons(pad, data);
}

/* The first n characters of deep list t, flat (flat_trunc/2). */
static term *flat_trunc(const term *t, size_t n)
{
    tvec v = {0};
    flat_into(&v, t);
    while (v.n > n)
        term_unref(v.el[--v.n]);
    return tv_list(&v, NULL);
}

/* io_lib_format:term(T, F, Adj, P, Pad): T in a field of width f (-1
 * none), cut to stars when it does not fit. Takes t. */
static term *field(term *t, int64_t f, bool left, int64_t p0, int64_t pad)
{
    if (f < 0 && p0 < 0)
        return t;
    if (f < 0)
        f = p0;
    int64_t l = (int64_t)flatlen(t);
    int64_t p = p0 < 0 ? f : (p0 < f ? p0 : f);
    if (l < p)
        p = l;
    if (l > p) {
        term_unref(t);
        return adjust(chars('*', p), chars(pad, f - p), left);
    }
    return adjust(t, chars(pad, f - l), left);
}

/* string_field/5 of io_lib_format. Takes s. */
static term *string_field(term *s, int64_t f, bool left, int64_t n,
                          int64_t pad)
{
    if (n > f) {
        term *r = flat_trunc(s, (size_t)f);
        term_unref(s);
        return r;
    }
    if (n < f)
        return adjust(s, chars(pad, f - n), left);
    return s;
}

/* io_lib_format:string(S, F, Adj, P, Pad); NULL when F < P (badarg).
 * Takes s. */
static term *string_(term *s, int64_t f, bool left, int64_t p, int64_t pad)
{
    int64_t n = (int64_t)flatlen(s);
    if (f < 0 && p < 0)
        return s;
    if (p < 0)
        return string_field(s, f, left, n, pad);
    if (f < 0)
        return string_field(s, p, true, n, pad);
    if (f < p) {
        term_unref(s);
        return NULL;
    }
    if (f == p)
        return string_field(s, f, left, n, pad);
    if (n > p) {
        term *r = flat_trunc(s, (size_t)p);
        term_unref(s);
        return adjust(r, chars(pad, f - p), left);
    }
    if (n < p)
        s = term_cons(s, chars(pad, p - n));
    return adjust(s, chars(pad, f - p), left);
}

/* ---- io_lib:write/2: the deep list of ~w and ~W ---- */

static term *wrx(const term *t, int64_t d, const term_view *v, int pretty);

static term *wr(const term *t, int64_t d, const term_view *v)
{
    return wrx(t, d, v, 0);
}

static term *wr_leaf(const term *t, const term_view *v)
{
    strbuf b;
    sb_init(&b);
    term_write(&b, t, v);
    term *r = str_n(b.s ? b.s : "", b.len);
    sb_fini(&b);
    return r;
}

/* [Open, Inner | Close]: the brackets around a body. */
static term *wrap(const char *open, term *inner, const char *close)
{
    tvec o = {0};
    for (const char *p = open; *p; p++)
        tv_push(&o, term_int(*p));
    tv_push(&o, inner);
    for (const char *p = close; *p; p++)
        tv_push(&o, term_int(*p));
    return tv_list(&o, NULL);
}

static void push_s(tvec *o, const char *s)
{
    for (; *s; s++)
        tv_push(o, term_int(*s));
}

/* Could t be printed as a string (a proper list of latin-1 codes)? A
 * quick test before asking the printer. */
static bool maybe_string(const term *t)
{
    for (; t->tag == T_CONS; t = t->u.cons.tail) {
        const term *h = t->u.cons.head;
        if (h->tag != T_INT || h->u.i < 0 || h->u.i > 255)
            return false;
    }
    return t->tag == T_NIL;
}

/* t's one-line ~p text as a flat string when it starts with `lead` (a
 * string, a printable binary), less `cut` characters at each end; else
 * NULL. The printer's own string test decides, so ~p's text and its
 * list agree. */
static term *pp_text(const term *t, const term_view *v, const char *lead,
                     size_t cut)
{
    strbuf b;
    sb_init(&b);
    term_print(&b, t, v);
    term *r = NULL;
    size_t n = strlen(lead);
    if (b.len >= n + 2 * cut && !memcmp(b.s, lead, n))
        r = str_n(b.s + cut, b.len - 2 * cut);
    sb_fini(&b);
    return r;
}

/* io_lib:write/2 (OTP 25): "..." at depth 0, [...] and {...} at 1, each
 * element of a list or tuple one level less than the one before it
 * (write_tail/3, write_tuple/3), maps' keys and values at depth - 1. */
static term *wrx(const term *t, int64_t d, const term_view *v, int pretty)
{
    if (d == 0)
        return str("...");
    switch ((term_tag)t->tag) {
    case T_NIL:
        return str("[]");
    case T_CONS: {
        if (d == 1)
            return str("[...]");
        if (pretty == 1 && maybe_string(t)) {
            term *q = pp_text(t, v, "\"", 0);
            if (q)
                return q;
        }
        tvec o = {0};
        tv_push(&o, wrx(t->u.cons.head, d - 1, v, pretty));
        int64_t dt = d - 1;
        for (t = t->u.cons.tail;; t = t->u.cons.tail, dt--) {
            if (t->tag == T_NIL)
                break;
            if (dt == 1) {
                push_s(&o, "|...");
                break;
            }
            if (t->tag != T_CONS) {
                tv_push(&o, term_int('|'));
                term *w = wrx(t, dt - 1, v, pretty);
                if (pretty) {
                    /* io_lib_pretty splices the tail's text: [$| | W] */
                    for (const term *x = w; x->tag == T_CONS; x = x->u.cons.tail)
                        tv_push(&o, term_ref(x->u.cons.head));
                    term_unref(w);
                } else {
                    tv_push(&o, w);
                }
                break;
            }
            tv_push(&o, term_int(','));
            tv_push(&o, wrx(t->u.cons.head, dt - 1, v, pretty));
        }
        return wrap("[", tv_list(&o, NULL), "]");
    }
    case T_TUPLE: {
        if (t->u.tuple.n == 0)
            return str("{}");
        if (d == 1)
            return str("{...}");
        tvec o = {0};
        tv_push(&o, wrx(t->u.tuple.el[0], d - 1, v, pretty));
        int64_t dt = d - 1;
        for (uint32_t i = 1; i < t->u.tuple.n; i++, dt--) {
            if (dt == 1) {
                push_s(&o, ",...");
                break;
            }
            tv_push(&o, term_int(','));
            tv_push(&o, wrx(t->u.tuple.el[i], dt - 1, v, pretty));
        }
        return wrap("{", tv_list(&o, NULL), "}");
    }
    case T_MAP: {
        if (t->u.map.n == 0)
            return str("#{}");
        /* write_map/2: every key and value at depth d - 1; the body's
         * counter stops at 1 with ",...", even after the last key */
        int64_t d0 = d - 1;
        tvec o = {0};
        int64_t dt = d0;
        for (uint32_t i = 0; i < t->u.map.n; i++) {
            if (i > 0) {
                if (dt == 1) {
                    push_s(&o, ",...");
                    break;
                }
                tv_push(&o, term_int(','));
                dt--;
            }
            tvec a = {0};
            tv_push(&a, wrx(t->u.map.keys[i], d0, v, pretty));
            tv_push(&a, str(" => "));
            tv_push(&a, wrx(t->u.map.vals[i], d0, v, pretty));
            tv_push(&o, tv_list(&a, NULL));
            if (i + 1 == t->u.map.n && dt == 1)
                push_s(&o, ",...");
        }
        return wrap("#{", tv_list(&o, NULL), "}");
    }
    case T_BIN: {
        if (pretty == 1 && !t->u.bin.tail) {
            /* a printable binary: <<, its quoted text, >> */
            term *q = pp_text(t, v, "<<\"", 2);
            if (q)
                return wrap("<<", q, ">>");
        }
        /* write_binary_body/4 */
        tvec o = {0};
        size_t n = t->u.bin.n;
        bool bits = t->u.bin.tail != 0;
        size_t whole = bits ? n - 1 : n;
        int64_t dt = d;
        char buf[24];
        for (size_t i = 0; i < n; i++, dt--) {
            if (dt == 1) {
                tv_push(&o, str("..."));
                break;
            }
            if (i == whole) {
                unsigned nb = t->u.bin.tail;
                unsigned x = (unsigned)t->u.bin.bytes[i] >> (8 - nb);
                snprintf(buf, sizeof buf, "%u", x);
                tv_push(&o, str(buf));
                tv_push(&o, term_int(':'));
                snprintf(buf, sizeof buf, "%u", nb);
                tv_push(&o, str(buf));
                break;
            }
            snprintf(buf, sizeof buf, "%u", (unsigned)t->u.bin.bytes[i]);
            tv_push(&o, str(buf));
            if (i + 1 < n)
                tv_push(&o, term_int(','));
        }
        return wrap("<<", tv_list(&o, NULL), ">>");
    }
    default:
        return wr_leaf(t, v);
    }
}

/* ---- numbers ---- */

/* The 21 significant digits of |x| that float_to_list/1 gives ("%.20e",
 * as io_lib_format:float_data/1 reads them) and the exponent: |x| is
 * d0.d1d2... * 10^e. */
static void float_digits(double x, char ds[22], int *e)
{
    char buf[64];
    term_snprintf_c(buf, sizeof buf, "%.20e", fabs(x));
    int k = 0;
    for (const char *p = buf; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9')
            ds[k++] = *p;
    ds[k] = '\0';
    const char *ep = strchr(buf, 'e');
    *e = ep ? atoi(ep + 1) : 0;
}

/* Adds one at digit index i of ds[0..n) (a decimal carry); returns true
 * when it carried out of the first digit. */
static bool carry_up(char *ds, int i)
{
    for (; i >= 0; i--) {
        if (ds[i] == '9') {
            ds[i] = '0';
        } else {
            ds[i]++;
            return false;
        }
    }
    return true;
}

/* io_lib_format:float_e/2: p significant digits, rounded half up from
 * float_to_list's digits, exponent as short as it goes (1.5e+0). */
static void float_e(strbuf *b, double x, int64_t p)
{
    char ds[22];
    int e;
    float_digits(x, ds, &e);
    char m[512];
    int64_t n = p < 500 ? p : 500;
    for (int64_t i = 0; i < n; i++)
        m[i] = i < 21 ? ds[i] : '0';
    if (n < 21 && ds[n] >= '5' && carry_up(m, (int)n - 1)) {
        m[0] = '1';
        for (int64_t i = 1; i < n; i++)
            m[i] = '0';
        e++;
    }
    if (x < 0 || (x == 0 && signbit(x)))
        sb_putc(b, '-');
    sb_putc(b, m[0]);
    sb_putc(b, '.');
    sb_putn(b, m + 1, (size_t)(n - 1));
    sb_printf(b, "e%s%d", e < 0 ? "-" : "+", e < 0 ? -e : e);
}

/* io_lib_format:float_f/3: p decimals, rounded half up from
 * float_to_list's digits. */
static void float_f(strbuf *b, double x, int64_t p)
{
    char ds[22];
    int e;
    float_digits(x, ds, &e);
    if (p > 400)
        p = 400;
    int top = e > 0 ? e : 0;            /* highest position written */
    int64_t len = top + 1 + p;          /* positions top .. -p */
    char *d = xmalloc((size_t)len + 2);
    d[0] = '0';                         /* room for a carry */
    for (int64_t k = 0; k < len; k++) {
        int64_t idx = e - (top - k);    /* ds index of position top-k */
        d[k + 1] = idx >= 0 && idx < 21 ? ds[idx] : '0';
    }
    int64_t ri = e + p + 1;             /* the digit just past the last */
    if (ri >= 0 && ri < 21 && ds[ri] >= '5')
        carry_up(d, (int)len);
    if (x < 0 || (x == 0 && signbit(x)))
        sb_putc(b, '-');
    int64_t ip = top + 2;               /* chars of d before the point */
    int64_t s = 0;
    while (s < ip - 1 && d[s] == '0')
        s++;
    sb_putn(b, d + s, (size_t)(ip - s));
    sb_putc(b, '.');
    sb_putn(b, d + ip, (size_t)p);
    free(d);
}

/* integer_to_list(I, Base), lower-case letters when lower. */
static void int_base(strbuf *b, int64_t i, int base, bool lower)
{
    char buf[80];
    int k = 0;
    uint64_t u = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
    do {
        int dg = (int)(u % (uint64_t)base);
        buf[k++] = (char)(dg < 10 ? '0' + dg : (lower ? 'a' : 'A') + dg - 10);
        u /= (uint64_t)base;
    } while (u);
    if (i < 0)
        sb_putc(b, '-');
    while (k)
        sb_putc(b, buf[--k]);
}

/* ---- the controls ---- */

typedef struct fspec {
    int64_t width;      /* -1: none */
    bool left;
    int64_t prec;       /* -1: none */
    const term *pad;    /* NULL: a space */
    bool unicode, no_strings;
    uint32_t cc;
    const term *a, *b;  /* the control's arguments */
    size_t end;         /* the index of the control character */
} fspec;

/* Records why (argument `arg`, a printf-style detail) and returns -1. */
static int fail(bif_fmt_error *err, int arg, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(bif_fmt_error *err, int arg, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->arg = arg;
        vsnprintf(err->detail, sizeof err->detail, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Appends the characters of chardata t (io_lib_format's ~s argument:
 * an atom at the top, a binary, a list of characters, binaries and such
 * lists) to out; max is 255 for ~s, 0x10FFFF for ~ts, whose binaries
 * are UTF-8 (~s reads a binary's bytes as latin-1). 0, -1 when t is not
 * chardata, -2 when a character is above max. */
static int cdata(tvec *out, const term *t, uint32_t max, int depth)
{
    if (depth > 100)
        return -1;
    switch (t->tag) {
    case T_ATOM: {
        if (depth)
            return -1;
        term *s = str(atom_text(t->u.atom));
        flat_into(out, s);
        term_unref(s);
        return 0;
    }
    case T_BIN:
        if (t->u.bin.tail)
            return -1;
        if (max > 255) {
            const unsigned char *p = t->u.bin.bytes;
            for (size_t i = 0; i < t->u.bin.n;) {
                uint32_t cp;
                size_t k = term_utf8_decode(p + i, t->u.bin.n - i, &cp);
                if (k == 0)
                    return -2;
                tv_push(out, term_int(cp));
                i += k;
            }
        } else {
            for (size_t i = 0; i < t->u.bin.n; i++)
                tv_push(out, term_int(t->u.bin.bytes[i]));
        }
        return 0;
    case T_NIL:
        return 0;
    case T_CONS: {
        int bad = 0;
        for (; t->tag == T_CONS; t = t->u.cons.tail) {
            const term *h = t->u.cons.head;
            if (h->tag == T_INT) {
                if (h->u.i < 0)
                    return -1;
                if (h->u.i > (int64_t)max ||
                    (h->u.i >= 0xD800 && h->u.i <= 0xDFFF))
                    bad = -2;
                else
                    tv_push(out, term_ref((term *)h));
            } else {
                int r = cdata(out, h, max, depth + 1);
                if (r == -1)
                    return -1;
                if (r == -2)
                    bad = -2;
            }
        }
        if (t->tag == T_NIL)
            return bad;
        if (!term_is_binary(t))
            return -1;
        int r = cdata(out, t, max, depth + 1);
        return r < 0 ? r : bad;
    }
    default:
        return -1;
    }
}

/* iolist_to_chars/1 of io_lib_format for ~s: the characters of t in
 * its own nesting, each binary a flat list of its bytes; NULL when t is
 * not latin-1 chardata. */
static term *latin1_tree(const term *t, int depth)
{
    if (depth > 100)
        return NULL;
    if (term_is_binary(t)) {
        tvec o = {0};
        for (size_t i = 0; i < t->u.bin.n; i++)
            tv_push(&o, term_int(t->u.bin.bytes[i]));
        return tv_list(&o, NULL);
    }
    tvec o = {0};
    for (; t->tag == T_CONS; t = t->u.cons.tail) {
        const term *h = t->u.cons.head;
        term *e = NULL;
        if (h->tag == T_INT) {
            if (h->u.i >= 0 && h->u.i <= 255)
                e = term_ref((term *)h);
        } else if (h->tag == T_CONS || h->tag == T_NIL || term_is_binary(h)) {
            e = latin1_tree(h, depth + 1);
        }
        if (!e) {
            tv_free(&o);
            return NULL;
        }
        tv_push(&o, e);
    }
    term *tail = NULL;
    if (t->tag != T_NIL) {
        if (!term_is_binary(t) || !(tail = latin1_tree(t, depth + 1))) {
            tv_free(&o);
            return NULL;
        }
    }
    return tv_list(&o, tail);
}

/* Is t a character list for the prefix of ~x (io_lib:deep_char_list/1),
 * or an atom? Appends its characters to out when it is. */
static bool prefix_chars(tvec *out, const term *t)
{
    if (t->tag == T_ATOM)
        return cdata(out, t, 0x10FFFF, 0) == 0;
    if (t->tag != T_NIL && t->tag != T_CONS)
        return false;
    for (; t->tag == T_CONS; t = t->u.cons.tail) {
        const term *h = t->u.cons.head;
        if (h->tag == T_INT) {
            if (h->u.i < 0 || h->u.i > 0x10FFFF)
                return false;
            tv_push(out, term_ref((term *)h));
        } else if (!prefix_chars(out, h) || h->tag == T_ATOM) {
            return false;
        }
    }
    return t->tag == T_NIL;
}

/* A text of ASCII (a number's digits) as a flat string term. */
static term *sb_term(strbuf *b)
{
    term *t = str_n(b->s ? b->s : "", b->len);
    sb_fini(b);
    return t;
}

/* The output of one control: a deep list, or NULL when formatting
 * fails (badarg: "failed to format string"). `col` is the column where
 * it starts (0-based), for ~p. */
static term *control(const fspec *s, int64_t col, const term_view *v)
{
    int64_t f = s->width, p = s->prec, pad = ' ';
    bool left = s->left;
    if (p == -2)
        return NULL;
    /* LIMIT: a field or precision past FIELD_MAX is refused (badarg)
     * rather than built: erl would build it, a simulation would run out
     * of memory before the heap limit is checked */
    if (f > FIELD_MAX || p > FIELD_MAX)
        return NULL;
    if (s->pad) {
        if (s->pad->tag != T_INT || s->pad->u.i < 0)
            return NULL;
        pad = s->pad->u.i;
    }
    strbuf b;
    sb_init(&b);
    switch (s->cc) {
    case 'w':
    case 'W':
        return field(wr(s->a, s->cc == 'W' ? s->b->u.i : -1, v), f, left, p,
                     pad);
    case 'p':
    case 'P': {
        /* io_lib_format:print/11 matches only right adjustment and no
         * precision; the width is the line length */
        if (left || p >= 0)
            return NULL;
        int64_t depth = s->cc == 'P' ? s->b->u.i : -1;
        term_pp_opts o = {(int)col + 1, f < 0 ? 80 : (int)f,
                          (int)(depth < -1 ? -1 : depth > INT32_MAX ? -1 : depth),
                          -1, s->no_strings};
        term_print_pp(&b, s->a, v, &o);
        term *w = wrx(s->a, depth, v, depth == -1 ? (s->no_strings ? 2 : 1) : 0);
        strbuf wt;
        sb_init(&wt);
        flat_text(&wt, w);
        bool same = wt.len == b.len && (b.len == 0 || !memcmp(wt.s, b.s, b.len));
        sb_fini(&wt);
        if (same) {
            sb_fini(&b);
            return w;
        }
        term_unref(w);
        return sb_term(&b);
    }
    case 's': {
        if (!s->unicode && s->a->tag != T_ATOM) {
            /* io_lib_format's iolist_to_chars/1 keeps the nesting */
            term *l = latin1_tree(s->a, 0);
            return l ? string_(l, f, left, p, pad) : NULL;
        }
        tvec o = {0};
        if (cdata(&o, s->a, s->unicode ? 0x10FFFF : 255, 0) < 0) {
            tv_free(&o);
            return NULL;
        }
        return string_(tv_list(&o, NULL), f, left, p, pad);
    }
    case 'e':
        if (p < 0)
            p = 6;
        if (p < 2)
            return NULL;
        float_e(&b, s->a->u.f, p);
        return field(sb_term(&b), f, left, f, pad);
    case 'f':
        if (p < 0)
            p = 6;
        if (p < 1)
            return NULL;
        float_f(&b, s->a->u.f, p);
        return field(sb_term(&b), f, left, f, pad);
    case 'g': {
        /* io_lib_format:fwrite_g/5 */
        if (p < 0)
            p = 6;
        if (p < 1)
            return NULL;
        double a = fabs(s->a->u.f);
        int64_t e = a < 1.0e-1 ? -2 : a < 1.0e0 ? -1 : a < 1.0e1 ? 0
                  : a < 1.0e2 ? 1 : a < 1.0e3 ? 2 : a < 1.0e4 ? 3 : INT64_MAX;
        if (e != INT64_MAX && ((p <= 1 && e == -1) || (p - 1 > e && e >= -1)))
            float_f(&b, s->a->u.f, p - 1 - e);
        else
            float_e(&b, s->a->u.f, p <= 1 ? 2 : p);
        return field(sb_term(&b), f, left, f, pad);
    }
    case 'b':
    case 'B':
        if (p < 0)
            p = 10;
        if (p < 2 || p > 36)
            return NULL;
        int_base(&b, s->a->u.i, (int)p, s->cc == 'b');
        return field(sb_term(&b), f, left, -1, pad);
    case 'x':
    case 'X':
    case '#':
    case '+': {
        if (p < 0)
            p = 10;
        if (p < 2 || p > 36)
            return NULL;
        tvec pre = {0};
        if (s->cc == 'x' || s->cc == 'X') {
            if (!prefix_chars(&pre, s->b)) {
                tv_free(&pre);
                return NULL;
            }
        } else {
            char buf[8];
            snprintf(buf, sizeof buf, "%d#", (int)p);
            term *t = str(buf);
            flat_into(&pre, t);
            term_unref(t);
        }
        bool lower = s->cc == 'x' || s->cc == '+';
        tvec o = {0};
        if (s->a->u.i < 0)
            tv_push(&o, term_int('-'));
        for (size_t i = 0; i < pre.n; i++)
            tv_push(&o, term_ref(pre.el[i]));
        tv_free(&pre);
        /* the digits of |A|: int_base's text less its sign */
        int_base(&b, s->a->u.i, (int)p, lower);
        for (size_t i = s->a->u.i < 0 ? 1 : 0; i < b.len; i++)
            tv_push(&o, term_int(b.s[i]));
        sb_fini(&b);
        return field(tv_list(&o, NULL), f, left, -1, pad);
    }
    case 'c':
    case '~': {
        /* io_lib_format:char/5; ~c of latin-1 takes the code band 255 */
        int64_t ch = s->cc == '~' ? '~'
                   : s->unicode ? s->a->u.i : (s->a->u.i & 255);
        if (f < 0 && p < 0)
            return chars(ch, 1);
        if (p < 0)
            return chars(ch, f);
        if (f < 0)
            return chars(ch, p);
        if (f < p)
            return NULL;
        return adjust(chars(ch, p), chars(pad, f - p), left);
    }
    case 'n':
        if (f < 0)
            return str("\n");
        if (left)
            return NULL;
        return chars('\n', f);
    case 'i':
        return term_nil();
    default:
        return NULL;
    }
}

/* The format's characters (its text decoded), or -1 if it is not text. */
static int fmt_chars(tvec *out, const term *fmt)
{
    if (fmt->tag == T_ATOM)
        return cdata(out, fmt, 0x10FFFF, 0);
    if (fmt->tag == T_BIN) {
        /* io_lib_format:scan/2: binary_to_list */
        return cdata(out, fmt, 255, 0);
    }
    return cdata(out, fmt, 0x10FFFF, 0) == 0 ? 0 : -1;
}

/* erl_stdlib_errors's type check of ~s is shallow: a list, a binary or
 * an atom; what is inside is only found bad when formatting. */
static bool cdata_ok(const term *t)
{
    return t->tag == T_ATOM || t->tag == T_NIL || t->tag == T_CONS ||
           term_is_binary(t);
}

static bool prefix_ok(const term *t)
{
    tvec o = {0};
    bool ok = prefix_chars(&o, t);
    tv_free(&o);
    return ok;
}

static bool is_digit(const term *c)
{
    return c->u.i >= '0' && c->u.i <= '9';
}

/* Past a field width or precision at cs[i]: `*` (one more argument,
 * counted in *need) or digits. */
static size_t skip_field(const tvec *cs, size_t i, size_t *need)
{
    if (i < cs->n && cs->el[i]->u.i == '*') {
        (*need)++;
        return i + 1;
    }
    while (i < cs->n && is_digit(cs->el[i]))
        i++;
    return i;
}

/* Parses the control sequences of fmt (its characters in cs), taking
 * their arguments from args: the specs in *specs (one per `~`, in
 * order, NULL-free), or -1 with erl's reason. */
static int parse(const tvec *cs, const term *args, fspec **specs, size_t *nspec,
                 bif_fmt_error *err)
{
    /* pass 1: the syntax, and how many arguments it takes */
    size_t need = 0, nsp = 0;
    for (size_t i = 0; i < cs->n; i++) {
        if (cs->el[i]->u.i != '~')
            continue;
        nsp++;
        i++;
        if (i < cs->n && cs->el[i]->u.i == '-')
            i++;
        i = skip_field(cs, i, &need);
        if (i < cs->n && cs->el[i]->u.i == '.') {
            i = skip_field(cs, i + 1, &need);
            if (i < cs->n && cs->el[i]->u.i == '.') {
                i++;
                if (i < cs->n && cs->el[i]->u.i == '*')
                    need++;
                i++;
            }
        }
        while (i < cs->n && (cs->el[i]->u.i == 't' || cs->el[i]->u.i == 'l'))
            i++;
        if (i >= cs->n)
            return fail(err, 1, "format string invalid (truncated)");
        int64_t c = cs->el[i]->u.i;
        if (c > 127 || !strchr("wpWPsefgbBxX+#cni~", (int)c)) {
            strbuf b;
            sb_init(&b);
            sb_put_utf8(&b, (uint32_t)c);
            fail(err, 1, "format string invalid (invalid control ~%s)", b.s);
            sb_fini(&b);
            return -1;
        }
        need += strchr("n~", (int)c) ? 0 : strchr("WPxX", (int)c) ? 2 : 1;
    }
    if (need != term_list_length(args))
        return fail(err, 1, "wrong number of arguments");

    /* pass 2: the specs, with each argument's type checked in order */
    fspec *sp = xcalloc(nsp ? nsp : 1, sizeof *sp);
    const term *a = args;
    int el = 1;
#define NEXT(x) ((x) = a->u.cons.head, a = a->u.cons.tail, el++)
#define NEED_INT(x) do { if ((x)->tag != T_INT) { free(sp); \
        return fail(err, 2, "element %d must be of type integer", el - 1); } } while (0)
    size_t k = 0;
    for (size_t i = 0; i < cs->n; i++) {
        if (cs->el[i]->u.i != '~')
            continue;
        fspec *s = &sp[k++];
        s->width = s->prec = -1;
        i++;
        bool minus = false, have = false;
        int64_t wv = 0;
        if (cs->el[i]->u.i == '-') {
            minus = true;
            i++;
        }
        if (cs->el[i]->u.i == '*') {
            const term *x;
            NEXT(x);
            NEED_INT(x);
            wv = x->u.i;
            have = true;
            i++;
        } else if (is_digit(cs->el[i])) {
            have = true;
            while (is_digit(cs->el[i]))
                wv = wv * 10 + (cs->el[i++]->u.i - '0');
        }
        if (minus && !have)
            s->prec = -2;        /* -none: a badarith in io_lib_format */
        if (have) {
            if (minus)
                wv = -wv;
            if (wv < 0) {
                s->left = true;
                wv = -wv;
            }
            s->width = wv;
        }
        bool bad = s->prec == -2;
        if (cs->el[i]->u.i == '.') {
            i++;
            if (cs->el[i]->u.i == '*') {
                const term *x;
                NEXT(x);
                NEED_INT(x);
                s->prec = x->u.i < 0 ? -2 : x->u.i;
                bad = bad || x->u.i < 0;
                i++;
            } else if (is_digit(cs->el[i])) {
                s->prec = 0;
                while (is_digit(cs->el[i]))
                    s->prec = s->prec * 10 + (cs->el[i++]->u.i - '0');
            }
            if (cs->el[i]->u.i == '.') {
                i++;
                if (cs->el[i]->u.i == '*') {
                    NEXT(s->pad);
                } else {
                    s->pad = cs->el[i];
                }
                i++;
            }
        }
        if (bad)
            s->prec = -2;
        while (cs->el[i]->u.i == 't' || cs->el[i]->u.i == 'l') {
            if (cs->el[i]->u.i == 't')
                s->unicode = true;
            else
                s->no_strings = true;
            i++;
        }
        s->cc = (uint32_t)cs->el[i]->u.i;
        s->end = i;
        const char *cc = strchr("n~", (int)s->cc) ? "" : NULL;
        if (!cc) {
            NEXT(s->a);
            const term *x = s->a;
            const char *type =
                strchr("cbBxX#+", (int)s->cc) ? (x->tag == T_INT ? NULL : "integer")
              : strchr("feg", (int)s->cc) ? (x->tag == T_FLOAT ? NULL : "float")
              : s->cc == 's' ? (cdata_ok(x) ? NULL : "string")
              : NULL;
            if (type) {
                free(sp);
                return fail(err, 2, "element %d must be of type %s", el - 1, type);
            }
            if (strchr("WPxX", (int)s->cc)) {
                NEXT(s->b);
                if (s->cc == 'W' || s->cc == 'P') {
                    NEED_INT(s->b);
                } else if (!prefix_ok(s->b)) {
                    free(sp);
                    return fail(err, 2, "element %d must be of type string", el - 1);
                }
            }
        }
    }
#undef NEXT
#undef NEED_INT
    *specs = sp;
    *nspec = nsp;
    return 0;
}

/* The column after deep list t, from col (io_lib_format:indentation/2:
 * a newline goes back to 0, a tab to the next multiple of 8). */
static int64_t after(const term *t, int64_t col)
{
    for (; t->tag == T_CONS; t = t->u.cons.tail) {
        const term *h = t->u.cons.head;
        if (h->tag != T_INT)
            col = after(h, col);
        else if (h->u.i == '\n')
            col = 0;
        else if (h->u.i == '\t')
            col = ((col + 8) / 8) * 8;
        else
            col++;
    }
    return col;
}

term *bif_format_list(world *w, int node, const term *fmt, const term *args,
                      int col0, bif_fmt_error *err)
{
    tvec cs = {0};
    if (fmt_chars(&cs, fmt) < 0) {
        tv_free(&cs);
        fail(err, 1, "not a valid format string");
        return NULL;
    }
    if (!term_is_proper_list(args)) {
        tv_free(&cs);
        fail(err, 2, "not a list");
        return NULL;
    }
    fspec *sp = NULL;
    size_t nsp = 0;
    if (parse(&cs, args, &sp, &nsp, err) < 0) {
        tv_free(&cs);
        return NULL;
    }
    term_view v = rt_view(w, node);
    tvec out = {0};
    int64_t col = col0;
    size_t k = 0;
    for (size_t i = 0; i < cs.n; i++) {
        int64_t c = cs.el[i]->u.i;
        if (c != '~') {
            tv_push(&out, term_ref(cs.el[i]));
            col = c == '\n' ? 0 : c == '\t' ? ((col + 8) / 8) * 8 : col + 1;
            continue;
        }
        const fspec *s = &sp[k++];
        i = s->end;
        term *r = control(s, col, &v);
        if (!r) {
            fail(err, 1, "failed to format string");
            tv_free(&out);
            tv_free(&cs);
            free(sp);
            return NULL;
        }
        col = after(r, col);
        /* control_small/7 takes ~s of an atom too */
        if (strchr("pPwWs", (int)s->cc) &&
            !(s->cc == 's' && s->a->tag == T_ATOM)) {
            tv_push(&out, r);
        } else {
            /* build_small/1: a small control's output is flattened */
            flat_into(&out, r);
            term_unref(r);
        }
    }
    tv_free(&cs);
    free(sp);
    return tv_list(&out, NULL);
}

int bif_format(world *w, int node, strbuf *b, const term *fmt, const term *args,
               bif_fmt_error *err)
{
    int col = 0;
    while ((size_t)col < b->len && b->s[b->len - 1 - (size_t)col] != '\n')
        col++;
    term *l = bif_format_list(w, node, fmt, args, col, err);
    if (!l)
        return -1;
    flat_text(b, l);
    term_unref(l);
    return 0;
}
