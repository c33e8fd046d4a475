/* bif_otp: the C glue that the Erlang behaviours of core/lib/
 * (gen_server.erl, gen.erl, proc_lib.erl, supervisor.erl) need and the
 * VM cannot do itself: printing logger reports, formatting an
 * exception as a crash report shows it, and erlang:function_exported/3.
 * Registered by apps_install (apps.c) with otp_install.
 *
 * Reports go where OTP 25's logger prints them: on the console of the
 * node of the reporting process's group leader (logger forwards an
 * event whose group leader is remote to that node; checked with two erl
 * 25 nodes: a gen_server started on b by rpc from a crashes and the
 * reports appear on a only), with pids as that node prints them. The
 * header is rt_log's, in virtual time: "=ERROR REPORT==== 1.500000s ===".
 * The level is not filtered: what reaches here is what logger prints at
 * its default level (notice), so the callers never send info or
 * progress reports. */
#include "core/lib/apps.h"

#include <stdlib.h>
#include <string.h>
#include "core/rt/bif.h"
#include "core/term/xalloc.h"

static atom_t A(const char *s) { return atom_intern(s); }

/* Formats Fmt with Args (io_lib:format) as the group leader's node sees
 * them and prints it as a report titled `title` there. Raises badarg as
 * io_lib:format does. */
static ev_status report(bif_call_ctx *c, const char *title, const term *fmt,
                        const term *args)
{
    int gl = c->self->leader;
    strbuf b;
    sb_init(&b);
    bif_fmt_error err = {0};
    if (bif_format(c->w, gl, &b, fmt, args, &err) < 0) {
        sb_fini(&b);
        return bif_badarg(c, err.arg, err.detail[0] ? err.detail : NULL);
    }
    /* logger ends the report with its own newline */
    if (b.len && b.s[b.len - 1] == '\n')
        b.s[--b.len] = '\0';
    rt_log(c->w, gl, title, b.s ? b.s : "");
    sb_fini(&b);
    return bif_return(c, term_atom_s("ok"));
}

/* error_logger:error_msg/1,2 and warning_msg/1,2: an ERROR (WARNING)
 * REPORT of io_lib:format(Fmt, Args). */
static ev_status b_error_msg(bif_call_ctx *c)
{
    term *none = term_nil();
    ev_status st = report(c, "error", c->args[0], c->argc == 2 ? c->args[1] : none);
    term_unref(none);
    return st;
}

static ev_status b_warning_msg(bif_call_ctx *c)
{
    term *none = term_nil();
    ev_status st = report(c, "warning", c->args[0], c->argc == 2 ? c->args[1] : none);
    term_unref(none);
    return st;
}

/* error_logger:'$report'(Title, Fmt, Args): a report with its own title
 * ("crash" gives "=CRASH REPORT====", "supervisor" "=SUPERVISOR
 * REPORT===="), as logger_formatter titles proc_lib's and supervisor's
 * reports. */
static ev_status b_report(bif_call_ctx *c)
{
    if (c->args[0]->tag != T_ATOM)
        return bif_badarg(c, 1, "not an atom");
    return report(c, atom_text(c->args[0]->u.atom), c->args[1], c->args[2]);
}

/* error_logger:'$format_exception'(Class, Reason, Stack): the exception
 * as proc_lib's crash report prints it (erl_error:format_exception with
 * an indentation of 4): "exception error: ..." then the "in function" /
 * "called as" / "in call from" lines, the trailing proc_lib frames left
 * out as proc_lib's report leaves them. The "*** argument N:" lines of
 * a BIF's error are not there: the VM's stack frames do not keep
 * error_info (a known divergence). Returns a string. */
static ev_status b_format_exception(bif_call_ctx *c)
{
    const term *cls = c->args[0], *stack = c->args[2];
    if (cls->tag != T_ATOM)
        return bif_badarg(c, 1, "not an atom");
    if (!term_is_proper_list(stack))
        return bif_badarg(c, 3, "not a list");
    /* the frames that count: up to the first of proc_lib's own */
    uint32_t keep = 0;
    for (const term *l = stack; l->tag == T_CONS; l = l->u.cons.tail, keep++) {
        const term *f = l->u.cons.head;
        if (f->tag == T_TUPLE && f->u.tuple.n == 4 &&
            term_is_atom(f->u.tuple.el[0], A("proc_lib")))
            break;
    }
    term **el = xcalloc((size_t)keep + 1, sizeof *el);
    const term *l = stack;
    for (uint32_t i = 0; i < keep; i++, l = l->u.cons.tail)
        el[i] = term_ref(l->u.cons.head);
    term *frames = term_list(keep, el, NULL);
    free(el);
    ev_exception x;
    ev_exception_from_stack(&x, cls->u.atom, c->args[1], frames);
    term_unref(frames);
    term_view view = rt_view(c->w, c->self->leader);
    strbuf b;
    sb_init(&b);
    ev_format_exception(&b, &x, &view);
    ev_exception_fini(&x);
    /* "** exception ..." then lines indented 5: the report's are 4 and 6 */
    strbuf o;
    sb_init(&o);
    const char *s = b.s ? b.s : "";
    if (!strncmp(s, "** ", 3)) {
        sb_puts(&o, "    ");
        s += 3;
    }
    for (; *s; s++) {
        sb_putc(&o, *s);
        if (*s == '\n')
            sb_putc(&o, ' ');
    }
    sb_fini(&b);
    term *r = term_string(o.s ? o.s : "");
    sb_fini(&o);
    return bif_return(c, r);
}

/* erlang:function_exported(M, F, A): true when module M is loaded on this
 * node and exports F/A (the C BIFs of a module do not count, as erts's
 * BIFs in erlang do not). */
static ev_status b_function_exported(bif_call_ctx *c)
{
    const term *m = c->args[0], *f = c->args[1], *a = c->args[2];
    if (m->tag != T_ATOM)
        return bif_badarg(c, 1, "not an atom");
    if (f->tag != T_ATOM)
        return bif_badarg(c, 2, "not an atom");
    if (a->tag != T_INT || a->u.i < 0)
        return bif_badarg(c, 3, "not a small integer");
    const ev_module *mod = rt_module(&c->w->nodes[c->self->node], m->u.atom);
    bool yes = mod && ev_module_export(mod, f->u.atom, (uint32_t)a->u.i);
    return bif_return(c, term_bool(yes));
}

static const bif_reg otp_bifs[] = {
    {"error_logger", "error_msg", 1, b_error_msg, BIF_QUALIFIED},
    {"error_logger", "error_msg", 2, b_error_msg, BIF_QUALIFIED},
    {"error_logger", "warning_msg", 1, b_warning_msg, BIF_QUALIFIED},
    {"error_logger", "warning_msg", 2, b_warning_msg, BIF_QUALIFIED},
    {"error_logger", "$report", 3, b_report, BIF_QUALIFIED},
    {"error_logger", "$format_exception", 3, b_format_exception, BIF_QUALIFIED},
    {"erlang", "function_exported", 3, b_function_exported, BIF_QUALIFIED},
    {NULL, NULL, 0, NULL, BIF_QUALIFIED},
};

void otp_install(world *w)
{
    bif_register(w, otp_bifs);
}
