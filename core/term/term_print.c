/* term_print.c: writing terms as the Erlang shell (OTP 25) prints them,
 * the io_lib half of the printer.
 *
 * This file holds what every printer shares and what needs no layout:
 * characters (UTF-8 in and out, string escapes), atoms as
 * io_lib:write_atom/1 writes them, floats as float_to_list(F, [short]),
 * the atomic leaves (integers, floats, atoms, pids, refs, funs),
 * term_write (io_lib:write/1, ~w), and the one-line entry points
 * term_print and term_to_string. The port of io_lib_pretty (the tree of
 * widths, term_print_pp and term_print_pretty) is in term_pretty.c, its
 * line breaking in term_break.c; term_print is term_print_pp with no
 * line length and no depth limit. The files share the term__ functions
 * declared in core/term/term_int.h and nothing else.
 *
 * Choices, each as the shell with a UTF-8 terminal does them:
 * - Encoding unicode (io:getopts() says {encoding,unicode}) with the
 *   default printable range latin1: a list is a string only when every
 *   element is in 32..126, 160..255 or one of \n \r \t \v \b \f \e
 *   (io_lib:printable_latin1_list/1); [] is "[]".
 * - Output is UTF-8. Widths count characters (code points), not bytes.
 * - Atom text is taken as UTF-8 (bytes that are not valid UTF-8 stand for
 *   themselves, as Latin-1).
 * - Floats are the shortest text that reads back as the same double, laid
 *   out as erts' float_to_list(F, [short]) does (fmt_float below).
 *
 * Invariants: nothing printed depends on pointers, hash order or locale;
 * every function here only appends to the caller's strbuf and frees
 * whatever else it allocates before it returns. */
#include "core/term/term.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/term/term_int.h"
#include "core/term/xalloc.h"

/* ---- characters ---- */


/* Decodes one UTF-8 character as Erlang's <<C/utf8>> matches it (no
 * overlong forms, no surrogates, at most 0x10FFFF). Returns its length in
 * bytes, or 0 when s does not start with a valid character. */
size_t term_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (n == 0)
        return 0;
    unsigned char c = s[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2, v = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, v = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

/* io_lib_pretty:printable_char/2 with the latin1 range, which is also
 * io_lib:printable_latin1_list/1 per element. */
bool term__printable_latin1(int64_t c)
{
    return (c >= 32 && c <= 126) || (c >= 160 && c <= 255) || c == '\n'
        || c == '\r' || c == '\t' || c == '\v' || c == '\b' || c == '\f'
        || c == 27;
}

/* io_lib:string_char(unicode_as_unicode, C, Q, _): one character of a
 * quoted string or atom. */
void term__string_char(strbuf *b, uint32_t c, char q)
{
    if (c == (uint32_t)q || c == '\\') {
        sb_putc(b, '\\');
        sb_putc(b, (char)c);
    } else if (c >= 32 && c <= 126) {
        sb_putc(b, (char)c);
    } else if (c >= 160) {
        sb_put_utf8(b, c);
    } else {
        const char *e = NULL;
        switch (c) {
        case '\n': e = "\\n"; break;
        case '\r': e = "\\r"; break;
        case '\t': e = "\\t"; break;
        case '\v': e = "\\v"; break;
        case '\b': e = "\\b"; break;
        case '\f': e = "\\f"; break;
        case 27:   e = "\\e"; break;
        case 127:  e = "\\d"; break;
        }
        if (e)
            sb_puts(b, e);
        else
            sb_printf(b, "\\%c%c%c", '0' + (c >> 6), '0' + ((c >> 3) & 7),
                      '0' + (c & 7));
    }
}

/* The code points of an atom's text: UTF-8 where valid, else bytes. */
static uint32_t *atom_chars(atom_t a, size_t *np)
{
    const unsigned char *s = (const unsigned char *)atom_text(a);
    size_t n = atom_len(a), k = 0;
    uint32_t *cp = xmalloc((n + 1) * sizeof *cp);
    for (size_t i = 0; i < n;) {
        size_t l = term_utf8_decode(s + i, n - i, &cp[k]);
        if (l == 0) {
            cp[k] = s[i];
            l = 1;
        }
        i += l;
        k++;
    }
    *np = k;
    return cp;
}

static bool reserved_word(const char *s)
{
    /* erl_scan:f_reserved_word/1; OTP 25 enables no feature keywords by
     * default, so 'maybe' and 'else' print unquoted. */
    static const char *const words[] = {
        "after", "begin", "case", "try", "cond", "catch", "andalso",
        "orelse", "end", "fun", "if", "let", "of", "receive", "when",
        "bnot", "not", "div", "rem", "band", "and", "bor", "bxor", "bsl",
        "bsr", "or", "xor",
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(s, words[i]) == 0)
            return true;
    return false;
}

/* io_lib:name_char/1 */
static bool name_char(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 223 && c <= 255 && c != 247)
        || (c >= 'A' && c <= 'Z') || (c >= 192 && c <= 222 && c != 215)
        || (c >= '0' && c <= '9') || c == '_' || c == '@';
}

/* io_lib:quote_atom/2 */
static bool atom_needs_quotes(atom_t a, const uint32_t *cp, size_t n)
{
    if (reserved_word(atom_text(a)))
        return true;
    if (n == 0)
        return true;
    uint32_t c = cp[0];
    if (!((c >= 'a' && c <= 'z') || (c >= 223 && c <= 255 && c != 247)))
        return true;
    for (size_t i = 1; i < n; i++)
        if (!name_char(cp[i]))
            return true;
    return false;
}

/* Appends an atom as io_lib:write_atom/1 writes it: bare when it is a
 * lowercase-led name that is not a reserved word, else in single quotes
 * with \' \\ and control characters escaped. */
void term_print_atom(strbuf *b, atom_t a)
{
    char **printed = term__atom_printed(a);
    if (!*printed) {          /* made once per atom, kept with it */
        strbuf t;
        sb_init(&t);
        size_t n;
        uint32_t *cp = atom_chars(a, &n);
        if (atom_needs_quotes(a, cp, n)) {
            sb_putc(&t, '\'');
            for (size_t i = 0; i < n; i++)
                term__string_char(&t, cp[i], '\'');
            sb_putc(&t, '\'');
        } else {
            for (size_t i = 0; i < n; i++)
                sb_put_utf8(&t, cp[i]);
        }
        free(cp);
        *printed = t.s ? sb_take(&t) : xstrdup("");
    }
    sb_puts(b, *printed);
}

/* ---- floats ---- */

/* Shortest decimal digits that read back as f (f finite, non-zero,
 * positive): digits into d (NUL-terminated), value = d * 10^*exp10.
 * Tries 1..17 significant digits with the correctly rounded %.*e; when
 * the rounded value misses but a neighbour one unit away in the last
 * digit reads back (possible at a power of two, where the interval of
 * doubles that read back is lopsided), that neighbour is taken, as Ryu's
 * shortest output would. Deterministic: glibc's %e and strtod are exact, and both run in the
 * C locale (cnum.c). */
static void shortest_digits(double f, char *d, int *exp10)
{
    char buf[64];
    for (int p = 1; p <= 17; p++) {
        term_snprintf_c(buf, sizeof buf, "%.*e", p - 1, f);
        char *e = strchr(buf, 'e');
        assert(e);
        int x = atoi(e + 1);
        uint64_t m = 0;
        for (char *s = buf; s < e; s++)
            if (*s >= '0' && *s <= '9')
                m = m * 10 + (uint64_t)(*s - '0');
        int ex = x - (p - 1);   /* f ~ m * 10^ex */
        uint64_t cand[3] = { m, m + 1, m - 1 };
        int ok = -1;
        for (int i = 0; i < 3 && ok < 0; i++) {
            if (cand[i] == 0)
                continue;
            char t[64];
            snprintf(t, sizeof t, "%llue%d", (unsigned long long)cand[i], ex);
            if (term_strtod_c(t, NULL) == f)
                ok = i;
        }
        if (ok < 0 && p < 17)
            continue;
        if (ok < 0)
            ok = 0;     /* 17 digits always read back; not reached */
        m = cand[ok];
        /* a carry (9.99 -> 10.00) or trailing zeros: drop the zeros */
        while (m % 10 == 0 && m != 0) {
            m /= 10;
            ex++;
        }
        snprintf(d, 24, "%llu", (unsigned long long)m);
        *exp10 = ex;
        return;
    }
}

/* Appends a float as erts' float_to_list(F, [short]) (OTP 25), which is
 * what io_lib:write/1 and ~p use: the shortest round-trip digits D (n of
 * them) times 10^E, printed in fixed notation ("0.001", "100.0",
 * "123456789.0") when E is in [lo, hi] and in scientific ("1.0e3",
 * "1.23e-4", "1.2345678901234568e16") otherwise, where
 *   n == 1:                lo = -4,      hi = 2
 *   n > 1, E + n - 1 >= 10: lo = -(n+2), hi = 2
 *   otherwise:             lo = -(n+2), hi = 1
 * and, within that range, values whose integer part reaches 2^53 are
 * scientific anyway (they may have lost precision). */
static void fmt_float(strbuf *b, double f)
{
    if (f == 0) {
        sb_puts(b, signbit(f) ? "-0.0" : "0.0");
        return;
    }
    if (f < 0) {
        sb_putc(b, '-');
        f = -f;
    }
    char d[24];
    int e;
    shortest_digits(f, d, &e);
    int n = (int)strlen(d);
    int sci = e + n - 1;
    int lo, hi;
    if (n == 1)
        lo = -4, hi = 2;
    else if (sci >= 10)
        lo = -(n + 2), hi = 2;
    else
        lo = -(n + 2), hi = 1;
    bool fixed = lo <= e && e <= hi;
    if (fixed) {
        uint64_t m = strtoull(d, NULL, 10);
        if ((m >= (1ull << 53) && e == 0)
            || (m > (1ull << 52) / 5 && e == 1)
            || (m > (1ull << 51) / 25 && e == 2))
            fixed = false;
    }
    if (fixed) {
        int whole = n + e;
        if (e >= 0) {
            sb_puts(b, d);
            for (int i = 0; i < e; i++)
                sb_putc(b, '0');
            sb_puts(b, ".0");
        } else if (whole > 0) {
            sb_putn(b, d, (size_t)whole);
            sb_putc(b, '.');
            sb_puts(b, d + whole);
        } else {
            sb_puts(b, "0.");
            for (int i = 0; i < -whole; i++)
                sb_putc(b, '0');
            sb_puts(b, d);
        }
        return;
    }
    sb_putc(b, d[0]);
    sb_putc(b, '.');
    sb_puts(b, n > 1 ? d + 1 : "0");
    sb_printf(b, "e%d", sci);
}

/* ---- leaves (io_lib:write/1 of atomic terms) ---- */

static uint32_t view_node(const term_view *view, atom_t node)
{
    if (!view || node == view->self_node || !view->node_number)
        return 0;
    uint32_t n = view->node_number(view->ctx, node);
    assert(n > 0);
    return n;
}

/* Appends v in decimal (what "%lld" gives, without printf's cost on
 * the path of every traced message). */
static void put_int(strbuf *b, int64_t v)
{
    char buf[24], *p = buf + sizeof buf;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    sb_putn(b, p, (size_t)(buf + sizeof buf - p));
}

/* Appends an atomic term (integer, float, atom, pid, ref, fun) as
 * io_lib:write/1 writes it; every printer's leaves come from here. */
void term__write_atomic(strbuf *b, const term *t, const term_view *view)
{
    switch ((term_tag)t->tag) {
    case T_INT:
        put_int(b, t->u.i);
        break;
    case T_FLOAT:
        fmt_float(b, t->u.f);
        break;
    case T_ATOM:
        term_print_atom(b, t->u.atom);
        break;
    case T_PID:
        sb_putc(b, '<');
        put_int(b, view_node(view, t->u.pid.node));
        sb_putc(b, '.');
        put_int(b, t->u.pid.number);
        sb_putc(b, '.');
        put_int(b, t->u.pid.serial);
        sb_putc(b, '>');
        break;
    case T_REF:
        sb_printf(b, "#Ref<%u.%u.%u.%u>",
                  (unsigned)view_node(view, t->u.ref.node),
                  (unsigned)t->u.ref.w[0], (unsigned)t->u.ref.w[1],
                  (unsigned)t->u.ref.w[2]);
        break;
    case T_FUN:
        if (t->u.fun.clo) {
            sb_puts(b, "#Fun<");
            term_print_atom(b, t->u.fun.mod);
            sb_printf(b, ".%u.%u>", (unsigned)t->u.fun.clo->index,
                      (unsigned)t->u.fun.clo->uniq);
            break;
        }
        sb_puts(b, "fun ");
        term_print_atom(b, t->u.fun.mod);
        sb_putc(b, ':');
        term_print_atom(b, t->u.fun.fun);
        sb_printf(b, "/%u", (unsigned)t->u.fun.arity);
        break;
    default:
        assert(!"not atomic");
    }
}

/* ---- entry points ---- */

/* Whether t is built of atomic terms, [] and tuples only (at most 64
 * deep): then ~p on one line writes it as ~w does, with nothing to
 * detect (no list that may be a string, no map, no binary). */
static bool plain(const term *t, int depth)
{
    if (t->tag != T_TUPLE)
        return t->tag != T_CONS && t->tag != T_MAP && t->tag != T_BIN;
    if (depth == 64)
        return false;
    for (uint32_t i = 0; i < t->u.tuple.n; i++)
        if (!plain(t->u.tuple.el[i], depth + 1))
            return false;
    return true;
}

/* Appends t on one line with no depth limit: io_lib_pretty's write/1 of
 * its print_length/6 (strings detected, maps as #{k => v,...}), which is
 * term_print_pp (term_pretty.c) with no line length; a plain term (the
 * most messages: {ping, <0.88.0>}) is written directly, the same text. */
void term_print(strbuf *b, const term *t, const term_view *view)
{
    if (plain(t, 0)) {
        term_write(b, t, view);
        return;
    }
    term_pp_opts o = { .column = 1, .line_length = 0, .depth = -1,
                       .line_max_chars = -1 };
    term_print_pp(b, t, view, &o);
}

/* Appends t as io_lib:write/1 (io:format's ~w) writes it: like
 * term_print but no list is shown as a string and every binary as bytes
 * (<<97,98,99>>, [104,105]). */
void term_write(strbuf *b, const term *t, const term_view *view)
{
    switch ((term_tag)t->tag) {
    case T_NIL:
        sb_puts(b, "[]");
        return;
    case T_CONS:
        sb_putc(b, '[');
        for (;;) {
            term_write(b, t->u.cons.head, view);
            t = t->u.cons.tail;
            if (t->tag == T_CONS) {
                sb_putc(b, ',');
                continue;
            }
            if (t->tag != T_NIL) {
                sb_putc(b, '|');
                term_write(b, t, view);
            }
            break;
        }
        sb_putc(b, ']');
        return;
    case T_TUPLE:
        sb_putc(b, '{');
        for (uint32_t i = 0; i < t->u.tuple.n; i++) {
            if (i)
                sb_putc(b, ',');
            term_write(b, t->u.tuple.el[i], view);
        }
        sb_putc(b, '}');
        return;
    case T_MAP:
        sb_puts(b, "#{");
        for (uint32_t i = 0; i < t->u.map.n; i++) {
            if (i)
                sb_putc(b, ',');
            term_write(b, t->u.map.keys[i], view);
            sb_puts(b, " => ");
            term_write(b, t->u.map.vals[i], view);
        }
        sb_putc(b, '}');
        return;
    case T_BIN:
        sb_puts(b, "<<");
        for (size_t i = 0; i < t->u.bin.n; i++) {
            unsigned byte = t->u.bin.bytes[i], tail = t->u.bin.tail;
            if (i)
                sb_putc(b, ',');
            if (i + 1 == t->u.bin.n && tail)    /* <<1,2:3>> */
                sb_printf(b, "%u:%u", byte >> (8 - tail), tail);
            else
                sb_printf(b, "%u", byte);
        }
        sb_puts(b, ">>");
        return;
    default:
        term__write_atomic(b, t, view);
    }
}

/* The text of term_print as a malloc'd string; the caller frees it. */
char *term_to_string(const term *t, const term_view *view)
{
    strbuf b;
    sb_init(&b);
    term_print(&b, t, view);
    return sb_take(&b);
}
