/* bif_io: io:format/1,2 (the rows of rt__io_bifs) and its control
 * sequences (io_lib:format/2), the subset the shell demos use: ~p ~w ~s
 * ~n ~c ~B ~f ~e ~~ and the `t` modifier (~tp, ~ts). ~p lays terms out
 * as io_lib_pretty does (from the column where it starts, 80 wide); ~w
 * never prints lists as strings. An unknown control, or arguments that
 * do not match, is badarg, as in OTP ("format string invalid"). */
#include "core/rt/bif.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>


/* ~e: io_lib_format writes the exponent with as few digits as it needs
 * (1.50000e+0, 1.00000e-5, 1.00000e+100), where C pads it to two. */
static void put_e(strbuf *b, double f)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.5e", f);
    char *e = strchr(buf, 'e');
    if (!e || (e[1] != '+' && e[1] != '-')) {
        sb_puts(b, buf);  /* inf or nan: not an Erlang float */
        return;
    }
    char *d = e + 2;
    while (d[0] == '0' && d[1] != '\0')
        d++;
    sb_printf(b, "%.*s%s", (int)(e + 2 - buf), buf, d);
}

/* Appends an iolist / string / binary / atom for ~s as UTF-8 text (the
 * transcript is UTF-8, as erl's output on a UTF-8 terminal is); -1 if it
 * is none. `max` is the largest character code allowed in a list: 255
 * for ~s, 0x10FFFF for ~ts and for the format itself. A binary is latin-1
 * text for ~s (each byte one character) and UTF-8 for ~ts. */
static int put_chars(strbuf *b, const term *t, uint32_t max, int depth)
{
    if (depth > 100)
        return -1;
    switch (t->tag) {
    case T_ATOM:
        if (depth)
            return -1;
        sb_puts(b, atom_text(t->u.atom));
        return 0;
    case T_BIN:
        if (t->u.bin.tail)          /* a bitstring is no text */
            return -1;
        if (max > 255) {
            sb_putn(b, (const char *)t->u.bin.bytes, t->u.bin.n);
        } else {
            for (size_t i = 0; i < t->u.bin.n; i++)
                sb_put_utf8(b, t->u.bin.bytes[i]);
        }
        return 0;
    case T_NIL:
        return 0;
    case T_CONS:
        for (; t->tag == T_CONS; t = t->u.cons.tail) {
            const term *h = t->u.cons.head;
            if (h->tag == T_INT) {
                if (h->u.i < 0 || h->u.i > (int64_t)max ||
                    (h->u.i >= 0xD800 && h->u.i <= 0xDFFF))
                    return -1;
                sb_put_utf8(b, (uint32_t)h->u.i);
            } else if (put_chars(b, h, max, depth + 1) < 0) {
                return -1;
            }
        }
        return t->tag == T_NIL || term_is_binary(t) ? put_chars(b, t, max, depth + 1) : -1;
    default:
        return -1;
    }
}

/* Is t chardata, what ~s takes (io_lib_format's type check): an atom, a
 * binary, or a list of character codes, binaries and such lists? */
static bool is_chardata(const term *t, int depth)
{
    if (depth > 100)
        return false;
    if (t->tag == T_ATOM)
        return depth == 0;
    if (term_is_binary(t) || t->tag == T_NIL)
        return true;
    if (t->tag != T_CONS)
        return false;
    for (; t->tag == T_CONS; t = t->u.cons.tail) {
        const term *h = t->u.cons.head;
        if (h->tag == T_INT ? h->u.i < 0 : !is_chardata(h, depth + 1))
            return false;
    }
    return t->tag == T_NIL || term_is_binary(t);
}

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

/* io_lib:format's checks before it formats, in erl 25's order
 * (erl_stdlib_errors:format_io_error): a format that is not text, args
 * that are not a list, an unknown control, the number of arguments, then
 * each argument's type. `f` is the format's text. */
static int check_format(const strbuf *f, const term *args, bif_fmt_error *err)
{
    if (!term_is_proper_list(args))
        return fail(err, 2, "not a list");
    size_t need = 0;
    for (size_t i = 0; i < f->len; i++) {
        if (f->s[i] != '~')
            continue;
        if (++i < f->len && (f->s[i] == 't' || f->s[i] == 'l'))
            i++;
        if (i >= f->len)
            return fail(err, 1, "format string invalid");
        char ch = f->s[i];
        if (ch >= '0' && ch <= '9')
            return fail(err, 1, "format string invalid"); /* widths: not yet */
        if (!strchr("cfegswpWPBX#bx+in~", ch))
            return fail(err, 1, "format string invalid (invalid control ~%c)", ch);
        need += strchr("n~", ch) ? 0 : strchr("WPX#x+", ch) ? 2 : 1;
    }
    if (need != term_list_length(args))
        return fail(err, 1, "wrong number of arguments");
    const term *a = args;
    int el = 1;
    for (size_t i = 0; i < f->len; i++) {
        if (f->s[i] != '~')
            continue;
        if (f->s[++i] == 't' || f->s[i] == 'l')
            i++;
        char ch = f->s[i];
        if (strchr("n~", ch))
            continue;
        const term *x = a->u.cons.head;
        const char *type = strchr("cBbXx#+", ch) ? (x->tag == T_INT ? NULL : "integer")
                         : strchr("feg", ch) ? (x->tag == T_FLOAT ? NULL : "float")
                         : ch == 's' ? (is_chardata(x, 0) ? NULL : "string")
                         : NULL;
        if (type)
            return fail(err, 2, "element %d must be of type %s", el, type);
        int n = strchr("WPX#x+", ch) ? 2 : 1;
        for (int k = 0; k < n; k++, el++)
            a = a->u.cons.tail;
    }
    return 0;
}

int bif_format(world *w, int node, strbuf *b, const term *fmt, const term *args,
               bif_fmt_error *err)
{
    strbuf f;
    sb_init(&f);
    if (put_chars(&f, fmt, 0x10FFFF, 0) < 0) {
        sb_fini(&f);
        return fail(err, 1, "not a valid format string");
    }
    if (check_format(&f, args, err) < 0) {
        sb_fini(&f);
        return -1;
    }
    term_view v = rt_view(w, node);
    const term *a = args;
    int rc = 0;
    for (size_t i = 0; i < f.len && rc == 0; i++) {
        char ch = f.s[i];
        if (ch != '~') {
            sb_putc(b, ch);
            continue;
        }
        bool unicode = f.s[++i] == 't';
        if (unicode)
            i++;
        ch = f.s[i];
        if (ch == 'n') {
            sb_putc(b, '\n');
            continue;
        }
        if (ch == '~') {
            sb_putc(b, '~');
            continue;
        }
        const term *x = a->u.cons.head;
        a = a->u.cons.tail;
        switch (ch) {
        case 'p': {
            /* io_lib_pretty from the current column (io_lib:format) */
            size_t col = 0;
            while (col < b->len && b->s[b->len - 1 - col] != '\n')
                col++;
            term_pp_opts o = {1 + (int)col, 80, -1, -1};
            term_print_pp(b, x, &v, &o);
            break;
        }
        case 'w': term_write(b, x, &v); break;
        case 's':
            if (put_chars(b, x, unicode ? 0x10FFFF : 255, 0) < 0)
                rc = fail(err, 1, "failed to format string");
            break;
        case 'c':
            if (x->u.i < 0 || x->u.i > (unicode ? 0x10FFFF : 255))
                rc = fail(err, 1, "format string invalid");
            else
                sb_put_utf8(b, (uint32_t)x->u.i);
            break;
        case 'B': sb_printf(b, "%lld", (long long)x->u.i); break;
        case 'f': sb_printf(b, "%.6f", x->u.f); break;
        case 'e': put_e(b, x->u.f); break;
        default:
            /* a control OTP has and this subset does not (~g ~W ~P ~b ~X
             * ~x ~# ~+ ~i, the `l` modifier): not yet */
            rc = fail(err, 1, "format string invalid");
        }
    }
    sb_fini(&f);
    return rc;
}

static ev_status b_format(bif_call_ctx *c)
{
    term *empty = term_nil();
    const term *args = c->argc == 2 ? c->args[1] : empty;
    strbuf b;
    sb_init(&b);
    bif_fmt_error err;
    int rc = bif_format(c->w, c->self->node, &b, c->args[0], args, &err);
    term_unref(empty);
    if (rc < 0) {
        sb_fini(&b);
        return bif_badarg(c, err.arg, err.detail);
    }
    if (b.len)
        rt_output(c->w, c->self->leader, b.s);
    sb_fini(&b);
    return bif_return(c, term_atom_s("ok"));
}

const bif_reg rt__io_bifs[] = {
    {"io", "format", 1, b_format, BIF_QUALIFIED},
    {"io", "format", 2, b_format, BIF_QUALIFIED},
    {NULL, NULL, 0, NULL, BIF_QUALIFIED},
};
