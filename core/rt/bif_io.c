/* bif_io: the rows of rt__io_bifs: io:format/1,2,3, io:fwrite/1,2,3 and
 * io_lib:format/2, over the formatter of bif_format.c. */
#include "core/rt/bif.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>


/* Sends the formatted text b to the caller's console. The console's
 * text is a C string (events, traces and the transcript carry it so),
 * so a NUL character, which erl writes as a raw byte, is written as the
 * four characters \x00, the transcript's notation for a control
 * character (docs/library.md); the text after it is kept. */
static void output(bif_call_ctx *c, const strbuf *b)
{
    if (!memchr(b->s, 0, b->len)) {
        rt_output(c->w, c->self->leader, b->s);
        return;
    }
    strbuf e;
    sb_init(&e);
    for (size_t i = 0; i < b->len; i++) {
        if (b->s[i])
            sb_putc(&e, b->s[i]);
        else
            sb_puts(&e, "\\x00");
    }
    rt_output(c->w, c->self->leader, e.s);
    sb_fini(&e);
}

/* io:format/1,2,3 and io:fwrite/1,2,3: the text to the caller's group
 * leader; /3 takes standard_io or user (standard_error and other devices
 * are not modelled: badarg). */
static ev_status b_format(bif_call_ctx *c)
{
    term *empty = term_nil();
    uint32_t at = c->argc == 3 ? 1 : 0;
    if (c->argc == 3 && !term_is_atom(c->args[0], atom_intern("standard_io")) &&
        !term_is_atom(c->args[0], atom_intern("user"))) {
        term_unref(empty);
        return bif_badarg(c, 1, "the device does not exist");
    }
    const term *args = c->argc >= 2 ? c->args[at + 1] : empty;
    strbuf b;
    sb_init(&b);
    bif_fmt_error err;
    int rc = bif_format(c->w, c->self->node, &b, c->args[at], args, &err);
    term_unref(empty);
    if (rc < 0) {
        sb_fini(&b);
        return bif_badarg(c, err.arg + (int)at, err.detail);
    }
    if (b.len)
        output(c, &b);
    sb_fini(&b);
    return bif_return(c, term_atom_s("ok"));
}

/* io_lib:format/2 (io_lib:fwrite/2): the deep list of characters; a
 * bad format or bad arguments raise a bare badarg, as io_lib does. */
static ev_status b_lib_format(bif_call_ctx *c)
{
    term *l = bif_format_list(c->w, c->self->node, c->args[0], c->args[1], 0,
                              NULL);
    if (!l)
        return bif_badarg(c, 0, NULL);
    return bif_return(c, l);
}

const bif_reg rt__io_bifs[] = {
    {"io", "format", 1, b_format, BIF_QUALIFIED},
    {"io", "format", 2, b_format, BIF_QUALIFIED},
    {"io", "format", 3, b_format, BIF_QUALIFIED},
    {"io", "fwrite", 1, b_format, BIF_QUALIFIED},
    {"io", "fwrite", 2, b_format, BIF_QUALIFIED},
    {"io", "fwrite", 3, b_format, BIF_QUALIFIED},
    {"io_lib", "format", 2, b_lib_format, BIF_QUALIFIED},
    {"io_lib", "fwrite", 2, b_lib_format, BIF_QUALIFIED},
    {NULL, NULL, 0, NULL, BIF_QUALIFIED},
};
