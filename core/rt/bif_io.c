/* bif_io: io:format/1,2 (the rows of rt__io_bifs) and its control
 * sequences (io_lib:format/2), the subset the shell demos use: ~p ~w ~s
 * ~n ~c ~B ~f ~e ~~ and the `t` modifier (~tp, ~ts). ~p lays terms out
 * as io_lib_pretty does (from the column where it starts, 80 wide); ~w
 * never prints lists as strings. An unknown control, or arguments that
 * do not match, is badarg, as in OTP ("format string invalid"). */
#include "core/rt/bif.h"

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

/* Appends an iolist / string / binary / atom for ~s; -1 if it is none. */
static int put_chars(strbuf *b, const term *t, int depth)
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
        sb_putn(b, (const char *)t->u.bin.bytes, t->u.bin.n);
        return 0;
    case T_NIL:
        return 0;
    case T_CONS:
        for (; t->tag == T_CONS; t = t->u.cons.tail) {
            const term *h = t->u.cons.head;
            if (h->tag == T_INT) {
                if (h->u.i < 0 || h->u.i > 255)
                    return -1;
                sb_putc(b, (char)h->u.i);
            } else if (put_chars(b, h, depth + 1) < 0) {
                return -1;
            }
        }
        return t->tag == T_NIL || t->tag == T_BIN ? put_chars(b, t, depth + 1) : -1;
    default:
        return -1;
    }
}

int bif_format(world *w, int node, strbuf *b, const term *fmt, const term *args)
{
    strbuf f;
    sb_init(&f);
    if (put_chars(&f, fmt, 0) < 0 || !term_is_proper_list(args)) {
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
        if (++i < f.len && f.s[i] == 't')
            i++;
        if (i >= f.len) {
            rc = -1;
            break;
        }
        ch = f.s[i];
        if (ch == 'n') {
            sb_putc(b, '\n');
            continue;
        }
        if (ch == '~') {
            sb_putc(b, '~');
            continue;
        }
        if (a->tag != T_CONS) {
            rc = -1;
            break;
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
        case 's': rc = put_chars(b, x, 0); break;
        case 'c':
            if (x->tag != T_INT || x->u.i < 0 || x->u.i > 255)
                rc = -1;
            else
                sb_putc(b, (char)x->u.i);
            break;
        case 'B':
            if (x->tag != T_INT)
                rc = -1;
            else
                sb_printf(b, "%lld", (long long)x->u.i);
            break;
        case 'f':
            if (x->tag != T_FLOAT)
                rc = -1;
            else
                sb_printf(b, "%.6f", x->u.f);
            break;
        case 'e':
            if (x->tag != T_FLOAT)
                rc = -1;
            else
                put_e(b, x->u.f);
            break;
        default:
            rc = -1;
        }
    }
    if (rc == 0 && a->tag != T_NIL)
        rc = -1;  /* too many arguments */
    sb_fini(&f);
    return rc;
}

static ev_status b_format(bif_call_ctx *c)
{
    term *empty = term_nil();
    const term *args = c->argc == 2 ? c->args[1] : empty;
    strbuf b;
    sb_init(&b);
    int rc = bif_format(c->w, c->self->node, &b, c->args[0], args);
    term_unref(empty);
    if (rc < 0) {
        sb_fini(&b);
        return bif_badarg(c, 1, "format string invalid");
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
