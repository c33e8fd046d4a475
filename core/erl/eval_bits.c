/* eval_bits: the bit syntax's segments, written and read bit by bit as
 * OTP's eval_bits does for erl_eval (eval_exp_field/6, get_value/6) and
 * the BEAM's bs_create_bin and bs_get_* instructions do for compiled
 * code, and the exceptions erl 25 raises when a segment cannot be built
 * (erl_erts_errors:format_bs_fail's texts).
 *
 * Invariants: bits are numbered from the most significant bit of byte 0
 * (Erlang's order); the bits of a builder's buffer past nbits are 0, so
 * the bitstring it makes keeps term.h's invariant; nothing here writes
 * more than EV_BITS_MAX bits for one segment (a larger size fails with
 * EV_BS_TOOBIG before anything is allocated). Integers are int64: a
 * segment wider than 64 bits is written sign-extended, and reading one
 * whose value needs more than 64 bits fails (the pattern does not
 * match) where erl would make a bignum. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/erl/eval_ast.h"
#include "core/term/xalloc.h"

/* ---- the builder ---- */

void ev__bits_fini(ev_bitbuf *w)
{
    free(w->b);
    memset(w, 0, sizeof *w);
}

/* Room for `extra` more bits, the new bytes zeroed. */
static void reserve(ev_bitbuf *w, uint64_t extra)
{
    uint64_t need = (w->nbits + extra + 7) / 8;
    if (need <= w->cap)
        return;
    size_t cap = w->cap ? w->cap : 16;
    while (cap < need)
        cap *= 2;
    w->b = xrealloc(w->b, cap);
    memset(w->b + w->cap, 0, cap - w->cap);
    w->cap = cap;
}

/* The n (1..8) bits of s at bit pos, as the low bits of the result. */
static unsigned rd_small(const uint8_t *s, uint64_t pos, unsigned n)
{
    size_t i = (size_t)(pos / 8);
    unsigned off = (unsigned)(pos % 8);
    unsigned v = (unsigned)s[i] << 8;
    if (off + n > 8)
        v |= s[i + 1];
    return v >> (16 - off - n) & ((1u << n) - 1);
}

/* Appends the low n (1..8) bits of v; room reserved. */
static void wr_small(ev_bitbuf *w, unsigned v, unsigned n)
{
    size_t i = (size_t)(w->nbits / 8);
    unsigned off = (unsigned)(w->nbits % 8);
    unsigned x = (v & ((1u << n) - 1)) << (16 - off - n);
    w->b[i] |= (uint8_t)(x >> 8);
    if (off + n > 8)
        w->b[i + 1] |= (uint8_t)x;
    w->nbits += n;
}

void ev__bits_append(ev_bitbuf *w, const uint8_t *s, uint64_t from,
                     uint64_t nbits)
{
    reserve(w, nbits);
    if (w->nbits % 8 == 0 && from % 8 == 0 && nbits >= 8) {
        size_t whole = (size_t)(nbits / 8);
        memcpy(w->b + w->nbits / 8, s + from / 8, whole);
        w->nbits += (uint64_t)whole * 8;
        from += (uint64_t)whole * 8;
        nbits -= (uint64_t)whole * 8;
    }
    while (nbits > 0) {
        unsigned k = nbits < 8 ? (unsigned)nbits : 8;
        wr_small(w, rd_small(s, from, k), k);
        from += k;
        nbits -= k;
    }
}

term *ev__bits_take(ev_bitbuf *w)
{
    term *t = term_bitstring(w->b ? w->b : (const uint8_t *)"", w->nbits);
    ev__bits_fini(w);
    return t;
}

/* ---- integers ---- */

/* Byte j (0: the least significant) of v's two's complement, extended
 * with its sign beyond the 8 bytes. */
static unsigned int_byte(int64_t v, uint64_t j)
{
    if (j >= 8)
        return v < 0 ? 0xff : 0;
    return (unsigned)((uint64_t)v >> (8 * j)) & 0xff;
}

/* Writes v in n bits (truncated, or sign-extended): big-endian, or, as
 * the BEAM does, little-endian whole bytes first and then the n mod 8
 * most significant bits (<<16#123:12/little>> is <<16#23,1:4>>). */
static void put_int(ev_bitbuf *w, int64_t v, uint64_t n, bool little)
{
    uint64_t k = n / 8;
    unsigned r = (unsigned)(n % 8);
    reserve(w, n);
    if (!little && r)
        wr_small(w, int_byte(v, k), r);
    for (uint64_t i = 0; i < k; i++)
        wr_small(w, int_byte(v, little ? i : k - 1 - i), 8);
    if (little && r)
        wr_small(w, int_byte(v, k), r);
}

/* Reads the n-bit integer at bit pos (laid out as put_int writes it),
 * sign-extended when `sign`: *out gets its low 64 bits; returns whether
 * its value fits int64. */
static bool get_int(const uint8_t *s, uint64_t pos, uint64_t n, bool sign,
                    bool little, uint64_t *out)
{
    uint64_t k = n / 8;
    unsigned r = (unsigned)(n % 8);
    *out = 0;
    if (n == 0)
        return true;
    /* the chunks from the most significant: (at, width) */
    uint64_t top = little ? (r ? pos + 8 * k : pos + 8 * (k - 1)) : pos;
    uint64_t fill = sign && rd_small(s, top, 1) ? UINT64_MAX : 0;
    uint64_t acc = fill;
    bool fits = true;
    for (uint64_t c = 0; c < k + (r ? 1 : 0) && fits; c++) {
        uint64_t at;
        unsigned width = 8;
        if (r && c == 0) {
            width = r;
            at = little ? pos + 8 * k : pos;
        } else {
            uint64_t byte = r ? c - 1 : c;        /* 0: the most significant */
            at = little ? pos + 8 * (k - 1 - byte) : pos + (r ? r : 0) + 8 * byte;
        }
        if (acc >> (64 - width) != fill >> (64 - width))
            fits = false;           /* a bit beyond the 64 differs from the sign */
        acc = acc << width | rd_small(s, at, width);
    }
    *out = acc;
    return fits && acc >> 63 == fill >> 63;
}

/* ---- floats ---- */

/* IEEE half precision from a double, rounded to nearest even; beyond
 * the range infinity (erl: <<65520.0:16/float>> is <<124,0>>). */
static uint16_t half_of(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    uint16_t sign = (uint16_t)(u >> 48 & 0x8000);
    int e = (int)(u >> 52 & 0x7ff) - 1023 + 15;
    uint64_t man = u & (((uint64_t)1 << 52) - 1);
    uint64_t h, rem, half;
    if (e <= 0) {                            /* subnormal, or 0 */
        if (e < -10)
            return sign;
        man |= (uint64_t)1 << 52;
        unsigned shift = (unsigned)(43 - e);
        h = man >> shift;
        rem = man & (((uint64_t)1 << shift) - 1);
        half = (uint64_t)1 << (shift - 1);
    } else {
        h = (uint64_t)(e > 31 ? 31 : e) << 10 | man >> 42;
        rem = man & (((uint64_t)1 << 42) - 1);
        half = (uint64_t)1 << 41;
    }
    if (rem > half || (rem == half && (h & 1)))
        h++;
    return (uint16_t)(sign | (h >= 0x7c00 ? 0x7c00 : h));
}

/* The bits of v (integer or float) as a float of n (16, 32, 64) bits. */
static uint64_t float_bits(const term *v, unsigned n)
{
    double d = v->tag == T_INT ? (double)v->u.i : v->u.f;
    if (n == 16)
        return half_of(d);
    if (n == 32) {
        uint32_t u;
        /* beyond FLT_MAX (and its rounding) erl writes infinity */
        if (fabs(d) >= 0x1.ffffffp127) {
            u = d < 0 ? 0xff800000u : 0x7f800000u;
        } else {
            float f = (float)d;
            memcpy(&u, &f, sizeof u);
        }
        return u;
    }
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

/* The float of n bits b, or false for an infinity or NaN (which no
 * float segment matches). */
static bool float_of(uint64_t b, unsigned n, double *d)
{
    if (n == 16) {
        unsigned e = (unsigned)(b >> 10 & 0x1f), m = (unsigned)(b & 0x3ff);
        if (e == 31)
            return false;
        *d = e ? ldexp(1024 + m, (int)e - 25) : ldexp(m, -24);
        if (b & 0x8000)
            *d = -*d;
        return true;
    }
    if (n == 32) {
        uint32_t u = (uint32_t)b;
        float f;
        memcpy(&f, &u, sizeof f);
        *d = f;
    } else {
        memcpy(d, &b, sizeof *d);
    }
    return isfinite(*d);
}

/* ---- characters ---- */

static bool is_char(const term *v)
{
    return v->tag == T_INT && v->u.i >= 0 && v->u.i <= 0x10FFFF
        && !(v->u.i >= 0xD800 && v->u.i <= 0xDFFF);
}

static void put_char(ev_bitbuf *w, ev_bstype ty, uint32_t c, bool little)
{
    if (ty == EV_BS_UTF32) {
        put_int(w, c, 32, little);
    } else if (ty == EV_BS_UTF16) {
        if (c >= 0x10000) {
            put_int(w, 0xD800 + ((c - 0x10000) >> 10), 16, little);
            c = 0xDC00 + ((c - 0x10000) & 0x3ff);
        }
        put_int(w, c, 16, little);
    } else {
        strbuf sb;
        sb_init(&sb);
        sb_put_utf8(&sb, c);
        ev__bits_append(w, (const uint8_t *)sb.s, 0, (uint64_t)sb.len * 8);
        sb_fini(&sb);
    }
}

/* The character at bit pos (end: the bits there are), its end in *next;
 * false when there is none valid. */
static bool get_char(ev_bstype ty, const uint8_t *s, uint64_t pos,
                     uint64_t end, bool little, uint32_t *c, uint64_t *next)
{
    uint64_t u, u2;
    if (ty == EV_BS_UTF8) {
        unsigned char buf[4];
        size_t n = 0;
        while (n < 4 && pos + 8 * (n + 1) <= end) {
            buf[n] = (unsigned char)rd_small(s, pos + 8 * n, 8);
            n++;
        }
        size_t l = term_utf8_decode(buf, n, c);
        *next = pos + 8 * l;
        return l > 0;
    }
    unsigned width = ty == EV_BS_UTF16 ? 16 : 32;
    if (end - pos < width)
        return false;
    get_int(s, pos, width, false, little, &u);
    *next = pos + width;
    if (ty == EV_BS_UTF16 && u >= 0xD800 && u <= 0xDBFF) {
        if (end - *next < 16)
            return false;
        get_int(s, *next, 16, false, little, &u2);
        if (u2 < 0xDC00 || u2 > 0xDFFF)
            return false;
        u = 0x10000 + ((u - 0xD800) << 10) + (u2 - 0xDC00);
        *next += 16;
    }
    *c = (uint32_t)u;
    return u <= 0x10FFFF && !(u >= 0xD800 && u <= 0xDFFF);
}

/* ---- segments ---- */

/* One value of segment seg (a string literal's character, or its whole
 * value) appended to w; see ev__bits_put. */
static ev_bsfail put_one(ev_bitbuf *w, const ev_node *seg, const term *v,
                         const term *size, const term **bad)
{
    ev_bstype ty = EV_BS_TYPE(seg->flag);
    uint64_t unit = EV_BS_UNIT(seg->flag);
    bool little = (seg->flag & EV_BS_LITTLE) != 0;
    uint64_t bits = 0;
    *bad = size;
    if (size) {
        if (size->tag != T_INT || size->u.i < 0)
            return EV_BS_BADSIZE;
        if ((uint64_t)size->u.i > EV_BITS_MAX / unit)
            return EV_BS_TOOBIG;
        bits = (uint64_t)size->u.i * unit;
    }
    if (ty == EV_BS_FLOAT && bits != 16 && bits != 32 && bits != 64)
        return EV_BS_FLOATSIZE;
    *bad = v;
    switch (ty) {
    case EV_BS_INTEGER:
        if (v->tag != T_INT)
            return EV_BS_BADTYPE;
        put_int(w, v->u.i, bits, little);
        return EV_BS_OK;
    case EV_BS_FLOAT:
        if (v->tag != T_INT && v->tag != T_FLOAT)
            return EV_BS_BADTYPE;
    {
        uint64_t fb = float_bits(v, (unsigned)bits);
        int64_t i;
        memcpy(&i, &fb, sizeof i);
        put_int(w, i, bits, little);
        return EV_BS_OK;
    }
    case EV_BS_BINARY: {
        if (v->tag != T_BIN)
            return EV_BS_BADTYPE;
        uint64_t have = term_bit_size(v);
        if (!size && have % unit)
            return EV_BS_UNIT;
        if (size && bits > have)
            return EV_BS_SHORT;
        ev__bits_append(w, v->u.bin.bytes, 0, size ? bits : have);
        return EV_BS_OK;
    }
    default:
        if (!is_char(v))
            return EV_BS_BADTYPE;
        put_char(w, ty, (uint32_t)v->u.i, little);
        return EV_BS_OK;
    }
}

ev_bsfail ev__bits_put(ev_bitbuf *w, const ev_node *seg, const term *v,
                       const term *size, const term **bad)
{
    if (!(seg->flag & EV_BS_STRING))
        return put_one(w, seg, v, size, bad);
    for (; v->tag == T_CONS; v = v->u.cons.tail) {
        ev_bsfail f = put_one(w, seg, v->u.cons.head, size, bad);
        if (f != EV_BS_OK)
            return f;
    }
    return EV_BS_OK;
}

term *ev__bits_get(const ev_node *seg, const uint8_t *s, uint64_t pos,
                   uint64_t end, int64_t bits, uint64_t *next)
{
    ev_bstype ty = EV_BS_TYPE(seg->flag);
    uint64_t unit = EV_BS_UNIT(seg->flag), avail = end - pos, u;
    bool little = (seg->flag & EV_BS_LITTLE) != 0;
    if (ty >= EV_BS_UTF8) {
        uint32_t c;
        return get_char(ty, s, pos, end, little, &c, next) ? term_int(c) : NULL;
    }
    if (bits < 0 && ty == EV_BS_BINARY) {
        if (avail % unit)
            return NULL;
        bits = (int64_t)avail;
    }
    if (bits < 0 || (uint64_t)bits > avail)
        return NULL;
    *next = pos + (uint64_t)bits;
    if (ty == EV_BS_INTEGER) {
        bool sign = (seg->flag & EV_BS_SIGNED) != 0;
        if (!get_int(s, pos, (uint64_t)bits, sign, little, &u))
            return NULL;
        int64_t i;
        memcpy(&i, &u, sizeof i);
        return term_int(i);
    }
    if (ty == EV_BS_FLOAT) {
        double d;
        if (bits != 16 && bits != 32 && bits != 64)
            return NULL;
        get_int(s, pos, (uint64_t)bits, false, little, &u);
        return float_of(u, (unsigned)bits, &d) ? term_float(d) : NULL;
    }
    if (pos % 8 == 0)
        return term_bitstring(s + pos / 8, (uint64_t)bits);
    ev_bitbuf w = { 0 };
    ev__bits_append(&w, s, pos, (uint64_t)bits);
    return ev__bits_take(&w);
}

/* ---- errors ---- */

static const char *type_name(ev_bstype ty)
{
    static const char *const names[] = {
        "integer", "float", "binary", "utf8", "utf16", "utf32",
    };
    return names[ty];
}

/* size * unit in decimal (a bignum in erl when beyond int64). */
static void put_product(strbuf *b, int64_t size, unsigned unit)
{
    char digits[32], out[40];
    snprintf(digits, sizeof digits, "%llu",
             size < 0 ? 0ull - (unsigned long long)size
                      : (unsigned long long)size);
    size_t n = strlen(digits), k = sizeof out;
    unsigned carry = 0;
    out[--k] = '\0';
    for (size_t i = n; i-- > 0;) {
        unsigned d = (unsigned)(digits[i] - '0') * unit + carry;
        out[--k] = (char)('0' + d % 10);
        carry = d / 10;
    }
    for (; carry; carry /= 10)
        out[--k] = (char)('0' + carry % 10);
    while (out[k] == '0' && out[k + 1])
        k++;
    if (size < 0 && strcmp(out + k, "0") != 0)
        sb_putc(b, '-');
    sb_puts(b, out + k);
}

/* erl_erts_errors:possibly_truncated/1: a bitstring of 16 bytes or more
 * as its first 8 and last 2, else ~P with depth 20. */
static void put_value(strbuf *b, const term *v)
{
    if (v->tag == T_BIN && v->u.bin.n >= 16) {
        size_t n = v->u.bin.n;
        term *pre = term_binary(v->u.bin.bytes, 8);
        term *suf = term_bitstring(v->u.bin.bytes + n - 2,
                                   term_bit_size(v) - 8 * (n - 2));
        strbuf p;
        sb_init(&p);
        term_write(&p, pre, NULL);
        sb_putn(b, p.s, p.len - 2);
        sb_puts(b, "...,");
        sb_fini(&p);
        term_write(&p, suf, NULL);
        sb_puts(b, p.s + 2);
        sb_fini(&p);
        term_unref(pre);
        term_unref(suf);
        return;
    }
    term_pp_opts o = { .column = 1, .line_length = 80, .depth = 20,
                       .line_max_chars = -1 };
    term_print_pp(b, v, NULL, &o);
}

/* erl_erts_errors' do_format_bs_fail text for f. */
static void put_cause(strbuf *b, ev_bsfail f, const ev_node *seg,
                      const term *bad)
{
    ev_bstype ty = EV_BS_TYPE(seg->flag);
    unsigned unit = EV_BS_UNIT(seg->flag);
    switch (f) {
    case EV_BS_BADSIZE:
        sb_puts(b, "expected a non-negative integer as size but got: ");
        if (bad->tag == T_INT)
            put_product(b, bad->u.i, unit);
        else
            put_value(b, bad);
        return;
    case EV_BS_TOOBIG:
        sb_puts(b, "the size ");
        put_product(b, bad->u.i, unit);
        sb_puts(b, " is too large");
        return;
    case EV_BS_FLOATSIZE:
        sb_puts(b, "expected one of the supported sizes 16, 32, or 64 but "
                   "got: ");
        put_product(b, bad->u.i, unit);
        return;
    case EV_BS_SHORT:
        sb_puts(b, "the value ");
        put_value(b, bad);
        sb_puts(b, " is shorter than the size of the segment");
        return;
    case EV_BS_UNIT:
        sb_puts(b, "the size of the value ");
        put_value(b, bad);
        sb_puts(b, " is not a multiple of the unit for the segment");
        return;
    default:
        sb_puts(b, ty == EV_BS_BINARY ? "expected a binary"
                 : ty == EV_BS_FLOAT ? "expected a float or an integer"
                 : ty == EV_BS_INTEGER ? "expected an integer"
                 : "expected a non-negative integer encodable as ");
        if (ty >= EV_BS_UTF8)
            sb_puts(b, type_name(ty));
        sb_puts(b, " but got: ");
        put_value(b, bad);
        return;
    }
}

/* The line of eval_bits:eval_exp_field/6 (OTP 25.2.3's eval_bits.erl,
 * observed) that fails for segments like seg: a clause per type,
 * endianness and (integers) signedness. */
static int exp_field_line(const ev_node *seg)
{
    static const int line[][3] = {      /* little, native, big */
        [EV_BS_INTEGER] = { 133, 137, 141 },    /* signed; unsigned + 2 */
        [EV_BS_FLOAT] = { 159, 161, 163 },
        [EV_BS_BINARY] = { 172, 172, 172 },
        [EV_BS_UTF8] = { 145, 145, 145 },
        [EV_BS_UTF16] = { 149, 151, 147 },
        [EV_BS_UTF32] = { 155, 157, 153 },
    };
    uint64_t f = seg->flag;
    int endian = f & EV_BS_NATIVE ? 1 : f & EV_BS_LITTLE ? 0 : 2;
    int unsigned_int = EV_BS_TYPE(f) == EV_BS_INTEGER && !(f & EV_BS_SIGNED);
    return line[EV_BS_TYPE(f)][endian] + 2 * unsigned_int;
}

static term *frame(const char *fun, uint32_t arity, int line)
{
    term *loc = term_list(2, (term *[]){
        term_tuplev(2, term_atom_s("file"), term_string("eval_bits.erl")),
        term_tuplev(2, term_atom_s("line"), term_int(line)) }, NULL);
    return term_tuplev(4, term_atom_s("eval_bits"), term_atom_s(fun),
                       term_int(arity), loc);
}

/* erl_eval's frames under the failing one, down to where erl's shell
 * trims its own: eval_exp_field1/9 when `field1` (it computes the size
 * and calls bit_size/1), the comprehension eval_field/5 runs over a
 * string's characters, create_binary/2 and expr_grp/5. */
static term *shell_callers(const ev_node *seg, bool field1)
{
    term *fr[5];
    uint32_t n = 0;
    if (field1)
        fr[n++] = frame("eval_exp_field1", 9, 114);
    if (seg->flag & EV_BS_STRING) {
        fr[n++] = frame("-eval_field/5-lbc$^4/2-0-", 10, 93);
        fr[n++] = frame("-eval_field/5-fun-5-", 9, 93);
    }
    fr[n++] = frame("create_binary", 2, 77);
    fr[n++] = frame("expr_grp", 5, 68);
    return term_list(n, fr, NULL);
}

void ev__bits_fail(ev_exception *x, ev_bsfail f, uint32_t segno,
                   const ev_node *seg, const term *bad, bool shell)
{
    unsigned unit = EV_BS_UNIT(seg->flag);
    bool sized = seg->n > 1;
    if (shell && f == EV_BS_BADSIZE && bad->tag != T_INT) {
        /* eval_exp_field1 multiplies it by the unit: "bad argument / in
         * operator  * /2 / called as a * 8" */
        term *u = term_int(unit);
        ev__exc_op(x, "error", term_atom_s("badarg"), OP_MUL, bad, u);
        term_unref(u);
        x->callers = shell_callers(seg, true);
        x->traced = true;
        return;
    }
    ev__exc_set(x, "error", term_atom_s(f == EV_BS_TOOBIG ? "system_limit"
                                                          : "badarg"));
    if (shell && f == EV_BS_BADTYPE && EV_BS_TYPE(seg->flag) == EV_BS_BINARY
        && !sized) {
        /* eval_exp_field1 asks bit_size(V) for the size */
        x->mod = atom_intern("erlang");
        x->fun = atom_intern("bit_size");
        x->arity = 1;
        x->args = term_list(1, (term *[]){ term_ref((term *)bad) }, NULL);
        ev_exception_detail(x, 1, "not a bitstring");
        x->callers = shell_callers(seg, true);
        x->traced = true;
        return;
    }
    if (shell) {
        x->mod = atom_intern("eval_bits");
        x->fun = atom_intern("eval_exp_field");
        x->arity = 6;
        x->file = "eval_bits.erl";
        x->line = f == EV_BS_UNIT ? 169 : exp_field_line(seg);
        x->callers = shell_callers(seg, false);
        x->traced = true;
        if (f == EV_BS_UNIT)
            return;         /* erl: a plain "bad argument" */
    } else {
        /* erlc sees that a literal value or size cannot be built: it
         * warns, and the code raises a plain badarg */
        const ev_node *at = f == EV_BS_BADSIZE ? seg->kid[1]
                          : f == EV_BS_BADTYPE || f == EV_BS_SHORT
                            || f == EV_BS_UNIT ? seg->kid[0] : NULL;
        if (at && at->kind == N_LIT)
            return;
    }
    strbuf b;
    sb_init(&b);
    sb_printf(&b, "segment %u of type '%s': ", (unsigned)segno,
              type_name(EV_BS_TYPE(seg->flag)));
    put_cause(&b, f, seg, bad);
    ev_exception_detail(x, EV_ARG_SEGMENT, b.s);
    sb_fini(&b);
}

void ev__bits_fail_template(ev_exception *x)
{
    ev__exc_set(x, "error", term_atom_s("badarg"));
    ev_exception_detail(x, EV_ARG_SEGMENT, "");
}
