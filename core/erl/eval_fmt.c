/* eval_fmt: the shell's report of an uncaught exception, as OTP 25's
 * erl_error:format_exception/7 writes it for the shell (column 4, the
 * shell's frames trimmed), checked against erl 25.2.3:
 *
 *   ** exception error: an error occurred when evaluating an arithmetic expression
 *        in operator  '/'/2
 *           called as 1 / 0
 *
 * (the second line starts with 5 spaces, the third with 8). The single
 * frame of an ev_exception stands for the top of erl's stack trace: an
 * operator or function with its arguments ("called as"), or with only
 * its arity, then followed by its source location when this file knows
 * it (erl prints a trailing space when it does not, and so do we).
 * Terms print on one line (term_print); erl would break a very long
 * term over several lines at 80 columns. */
#include <stdio.h>
#include <string.h>

#include "core/erl/eval_ast.h"

static atom_t A(const char *s)
{
    return atom_intern(s);
}

/* erl_internal:bif/2: the auto-imported BIFs, printed without erlang:. */
static const struct { const char *name; uint32_t arity; } autoimported[] = {
    {"abs",1}, {"apply",2}, {"apply",3}, {"atom_to_binary",1},
    {"atom_to_binary",2}, {"atom_to_list",1}, {"binary_part",2},
    {"binary_part",3}, {"binary_to_atom",1}, {"binary_to_atom",2},
    {"binary_to_integer",1}, {"binary_to_integer",2},
    {"binary_to_list",1}, {"binary_to_term",1}, {"bit_size",1},
    {"byte_size",1}, {"ceil",1}, {"demonitor",1}, {"demonitor",2},
    {"disconnect_node",1}, {"element",2}, {"erase",0}, {"erase",1},
    {"error",1}, {"error",2}, {"error",3}, {"exit",1}, {"exit",2},
    {"float",1}, {"float_to_list",1}, {"floor",1}, {"get",0}, {"get",1},
    {"group_leader",0},
    {"halt",0}, {"halt",1}, {"hd",1}, {"integer_to_binary",1},
    {"integer_to_binary",2}, {"integer_to_list",1},
    {"integer_to_list",2}, {"is_alive",0}, {"is_atom",1}, {"is_binary",1},
    {"is_boolean",1}, {"is_float",1}, {"is_function",1},
    {"is_function",2}, {"is_integer",1}, {"is_list",1}, {"is_map",1},
    {"is_map_key",2}, {"is_number",1}, {"is_pid",1}, {"is_port",1},
    {"is_process_alive",1}, {"is_record",2}, {"is_record",3},
    {"is_reference",1}, {"is_tuple",1},
    {"length",1}, {"link",1}, {"list_to_atom",1}, {"list_to_binary",1},
    {"list_to_float",1}, {"list_to_integer",1}, {"list_to_integer",2},
    {"list_to_pid",1}, {"list_to_tuple",1}, {"make_ref",0}, {"map_get",2},
    {"map_size",1}, {"max",2}, {"min",2}, {"monitor",2}, {"monitor",3},
    {"monitor_node",2}, {"node",0}, {"node",1}, {"nodes",0}, {"nodes",1},
    {"nodes",2}, {"pid_to_list",1}, {"process_flag",2},
    {"process_flag",3}, {"process_info",1}, {"process_info",2},
    {"processes",0}, {"put",2}, {"register",2}, {"registered",0},
    {"round",1}, {"self",0}, {"setelement",3}, {"size",1}, {"spawn",1},
    {"spawn",2}, {"spawn",3}, {"spawn",4}, {"spawn_link",1},
    {"spawn_link",2}, {"spawn_link",3}, {"spawn_link",4},
    {"spawn_monitor",1}, {"spawn_monitor",2}, {"spawn_monitor",3},
    {"spawn_monitor",4}, {"spawn_opt",2}, {"spawn_opt",3},
    {"spawn_opt",4}, {"spawn_opt",5}, {"term_to_binary",1}, {"throw",1},
    {"tl",1}, {"trunc",1}, {"tuple_size",1}, {"tuple_to_list",1},
    {"unlink",1}, {"unregister",1}, {"whereis",1},
};

/* Where OTP 25.2.3 raises the exceptions the simulated BIFs reproduce
 * (the location erl prints after an arity-only frame). */
static const struct {
    const char *mod, *fun;
    uint32_t arity;
    const char *file;
    int line;
} locations[] = {
    { "gen_server", "call", 2, "gen_server.erl", 370 },
    { "gen_server", "call", 3, "gen_server.erl", 385 },
    { "global", "send", 2, "global.erl", 252 },
    { "lists", "all", 2, "lists.erl", 1265 },
    { "lists", "any", 2, "lists.erl", 1288 },
    { "lists", "dropwhile", 2, "lists.erl", 1512 },
    { "lists", "filter", 2, "lists.erl", 1382 },
    { "lists", "filtermap", 2, "lists.erl", 1413 },
    { "lists", "flatmap", 2, "lists.erl", 1331 },
    { "lists", "foldl", 3, "lists.erl", 1348 },
    { "lists", "foldr", 3, "lists.erl", 1368 },
    { "lists", "foreach", 2, "lists.erl", 1438 },
    { "lists", "map", 2, "lists.erl", 1313 },
    { "lists", "mapfoldl", 3, "lists.erl", 1458 },
    { "lists", "mapfoldr", 3, "lists.erl", 1479 },
    { "lists", "partition", 2, "lists.erl", 1395 },
    { "lists", "reverse", 1, "lists.erl", 175 },
    { "lists", "seq", 2, "lists.erl", 271 },
    { "lists", "sort", 1, "lists.erl", 512 },
    { "lists", "sort", 2, "lists.erl", 1017 },
    { "lists", "splitwith", 2, "lists.erl", 1546 },
    { "lists", "takewhile", 2, "lists.erl", 1495 },
    { "lists", "usort", 2, "lists.erl", 1057 },
    { "lists", "zipwith", 3, "lists.erl", 483 },
    { "timer", "sleep", 1, "timer.erl", 219 },
};

static bool is_bif(atom_t mod, atom_t fun, uint32_t arity)
{
    if (mod != A("erlang") && mod != A(""))
        return false;
    const char *f = atom_text(fun);
    for (size_t i = 0; i < sizeof autoimported / sizeof autoimported[0]; i++)
        if (autoimported[i].arity == arity && strcmp(autoimported[i].name, f) == 0)
            return true;
    return false;
}

/* erl_internal:op_type/2 knows it: an operator of that arity. */
static bool is_op(atom_t mod, atom_t fun, uint32_t arity)
{
    static const char *const ops2[] = {
        "+", "-", "*", "/", "div", "rem", "band", "bor", "bxor", "bsl",
        "bsr", "and", "or", "xor", "==", "/=", "=:=", "=/=", "<", ">",
        "=<", ">=", "++", "--", "!",
    };
    static const char *const ops1[] = { "+", "-", "not", "bnot" };
    if (mod != A("erlang"))
        return false;
    const char *f = atom_text(fun);
    const char *const *t = arity == 2 ? ops2 : ops1;
    size_t n = arity == 2 ? sizeof ops2 / sizeof *ops2
             : arity == 1 ? sizeof ops1 / sizeof *ops1 : 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i], f) == 0)
            return true;
    return false;
}

static bool frame_is_op(const ev_exception *x)
{
    return x->is_operator || is_op(x->mod, x->fun, x->arity);
}

/* mf_to_string: `element`, `'/'` / `+`, or `lists:sort`. */
static void put_mf(strbuf *b, atom_t mod, atom_t fun, uint32_t arity, bool op)
{
    if (op) {
        if (strcmp(atom_text(fun), "/") == 0)
            term_print_atom(b, fun);        /* ~w: '/' */
        else
            sb_puts(b, atom_text(fun));
    } else if (is_bif(mod, fun, arity) || mod == A("")) {
        term_print_atom(b, fun);
    } else {
        term_print_atom(b, mod);
        sb_putc(b, ':');
        term_print_atom(b, fun);
    }
}

static uint32_t list_len(const term *l)
{
    uint32_t n = 0;
    for (; l && l->tag == T_CONS; l = l->u.cons.tail)
        n++;
    return n;
}

/* format_call: `1 / 0`, `- a` or `lists:sort(a)`. */
static void put_call(strbuf *b, const ev_exception *x, const term_view *v)
{
    const term *args = x->args;
    uint32_t n = list_len(args);
    if (frame_is_op(x) && (n == 1 || n == 2)) {
        if (n == 1) {
            sb_printf(b, "%s ", atom_text(x->fun));
            term_print(b, args->u.cons.head, v);
        } else {
            term_print(b, args->u.cons.head, v);
            sb_printf(b, " %s ", atom_text(x->fun));
            term_print(b, args->u.cons.tail->u.cons.head, v);
        }
        return;
    }
    put_mf(b, x->mod, x->fun, n, false);
    sb_putc(b, '(');
    for (const term *t = args; t && t->tag == T_CONS; t = t->u.cons.tail) {
        if (t != args)
            sb_putc(b, ',');
        term_print(b, t->u.cons.head, v);
    }
    sb_putc(b, ')');
}

static void put_location(strbuf *b, atom_t mod, atom_t fun, uint32_t arity)
{
    for (size_t i = 0; i < sizeof locations / sizeof locations[0]; i++) {
        if (locations[i].arity == arity && mod == A(locations[i].mod)
            && fun == A(locations[i].fun)) {
            sb_printf(b, "(%s, line %d)", locations[i].file, locations[i].line);
            return;
        }
    }
}

/* "(file, line L)" of x's own frame: a module's, or one of OTP's. */
static void put_frame_location(strbuf *b, const ev_exception *x, uint32_t arity)
{
    if (x->file)
        sb_printf(b, "(%s, line %d)", x->file, x->line);
    else
        put_location(b, x->mod, x->fun, arity);
}

/* erl_error's "in call from M:F/A (file, line L)" for each caller; the
 * first is "in function" when the explanation used up the exception's
 * own frame (undef, function_clause), as erl_error prints the stack
 * from the frame after it. */
static void put_callers(strbuf *b, const ev_exception *x, bool first_is_function)
{
    for (const term *l = x->callers; l && l->tag == T_CONS; l = l->u.cons.tail) {
        const term *f = l->u.cons.head;
        if (f->tag != T_TUPLE || f->u.tuple.n != 4)
            continue;
        term *const *e = f->u.tuple.el;
        uint32_t arity = e[2]->tag == T_INT ? (uint32_t)e[2]->u.i : list_len(e[2]);
        sb_puts(b, first_is_function ? "\n     in function  "
                                     : "\n     in call from ");
        first_is_function = false;
        put_mf(b, e[0]->u.atom, e[1]->u.atom, arity, false);
        sb_printf(b, "/%u", arity);
        /* {file, F} and {line, L}, found by key: a stack trace made by
         * erlang:raise/3 may hold anything */
        const term *file = NULL, *line = NULL;
        for (const term *o = e[3]; o->tag == T_CONS; o = o->u.cons.tail) {
            const term *kv = o->u.cons.head;
            if (kv->tag != T_TUPLE || kv->u.tuple.n != 2)
                continue;
            if (term_is_atom(kv->u.tuple.el[0], A("file")) &&
                term_is_proper_list(kv->u.tuple.el[1]))
                file = kv->u.tuple.el[1];
            else if (term_is_atom(kv->u.tuple.el[0], A("line")) &&
                     kv->u.tuple.el[1]->tag == T_INT)
                line = kv->u.tuple.el[1];
        }
        if (file && line) {
            sb_puts(b, " (");
            for (const term *c = file; c->tag == T_CONS; c = c->u.cons.tail)
                if (c->u.cons.head->tag == T_INT)
                    sb_put_utf8(b, (uint32_t)c->u.cons.head->u.i);
            sb_printf(b, ", line %lld)", (long long)line->u.i);
        } else {
            sb_putc(b, ' ');  /* erl_error's "M:F/A " and no location */
        }
    }
}

static void put_arg_error(strbuf *b, const ev_exception *x)
{
    if (x->arg_index > 0 && x->arg_detail[0])
        sb_printf(b, "\n        *** argument %d: %s", x->arg_index,
                  x->arg_detail);
    else if (x->arg_index == EV_ARG_SEGMENT && x->arg_detail[0])
        sb_printf(b, "\n        *** %s", x->arg_detail);
}

static const char *argss(uint32_t n, char *buf, size_t size)
{
    static const char *const words[] = {
        "no arguments", "one argument", "two arguments",
    };
    if (n < 3)
        return words[n];
    snprintf(buf, size, "%u arguments", n);
    return buf;
}

/* {Tag, V} with tag `tag`: V, else NULL. */
static const term *tagged(const term *r, const char *tag, uint32_t size)
{
    if (r->tag != T_TUPLE || r->u.tuple.n != size
        || !term_is_atom(r->u.tuple.el[0], A(tag)))
        return NULL;
    return r->u.tuple.el[1];
}

/* explain_reason for class error; returns true when it used the frame
 * (undef, function_clause), which then prints no "in function" line. */
static bool explain_error(strbuf *b, const ev_exception *x, const term_view *v)
{
    const term *r = x->reason, *t;
    static const struct { const char *atom, *text; } plain[] = {
        { "badarg", "bad argument" },
        { "badarith", "an error occurred when evaluating an arithmetic "
                      "expression" },
        { "if_clause", "no true branch found when evaluating an if "
                       "expression" },
        { "noproc", "no such process or port" },
        { "notalive", "the node cannot be part of a distributed system" },
        { "system_limit", "a system limit has been reached" },
        { "timeout_value", "bad receive timeout value" },
    };
    static const struct { const char *tag, *text; } with_value[] = {
        { "badarg", "bad argument: " },
        { "badkey", "bad key: " },
        { "badmap", "bad map: " },
        { "badfun", "bad function " },
        { "badmatch", "no match of right hand side value " },
        { "case_clause", "no case clause matching " },
        { "try_clause", "no try clause matching " },
        { "bad_generator", "bad generator " },
        { "bad_filter", "bad filter " },
    };
    if (term_is_atom(r, A("undef")) && x->fun) {
        uint32_t n = x->args ? list_len(x->args) : x->arity;
        if (x->mod == A("shell_default") || x->mod == A("")) {
            sb_puts(b, "undefined shell command ");
            term_print_atom(b, x->fun);
            sb_printf(b, "/%u", n);
        } else {
            sb_puts(b, "undefined function ");
            put_mf(b, x->mod, x->fun, n, is_op(x->mod, x->fun, n));
            sb_printf(b, "/%u", n);
        }
        return true;
    }
    if (term_is_atom(r, A("function_clause")) && x->fun && x->args) {
        /* erl_error:format_call: the call goes on a line of its own,
         * indented by 20, when even two short arguments after the
         * function's name would not fit in 80 columns (as for
         * erl_eval:'-inside-an-interpreted-fun-'(2)) */
        static const char text[] = "no function clause matching ";
        sb_puts(b, text);
        strbuf mf;
        sb_init(&mf);
        put_mf(&mf, x->mod, x->fun, list_len(x->args), false);
        if (20 + sizeof text - 1 + mf.len + strlen("(a2345,b2345)") > 80)
            sb_puts(b, "\n                    ");
        sb_fini(&mf);
        put_call(b, x, v);
        sb_putc(b, ' ');
        put_frame_location(b, x, list_len(x->args));
        return true;
    }
    if (x->arg_index == EV_ARG_SEGMENT) {
        /* erl_erts_errors:format_bs_fail's general text */
        sb_puts(b, "construction of binary failed");
        return false;
    }
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        if (term_is_atom(r, A(plain[i].atom))) {
            sb_puts(b, plain[i].text);
            return false;
        }
    }
    for (size_t i = 0; i < sizeof with_value / sizeof with_value[0]; i++) {
        if ((t = tagged(r, with_value[i].tag, 2))) {
            sb_puts(b, with_value[i].text);
            term_print(b, t, v);
            return false;
        }
    }
    if ((t = tagged(r, "unbound", 2))) {
        sb_puts(b, "variable ");
        term_print(b, t, v);
        sb_puts(b, " is unbound");
        return false;
    }
    if ((t = tagged(r, "shell_undef", 4)) && t->tag == T_ATOM) {
        const term *a = r->u.tuple.el[2];
        sb_puts(b, "undefined shell command ");
        term_print_atom(b, t->u.atom);
        sb_printf(b, "/%u", a->tag == T_INT ? (unsigned)a->u.i : list_len(a));
        return false;
    }
    if ((t = tagged(r, "badarity", 2)) && t->tag == T_TUPLE && t->u.tuple.n == 2
        && t->u.tuple.el[0]->tag == T_FUN) {
        /* erl_error:format_fun: a shell fun is "interpreted function
         * with arity N" */
        const term *f = t->u.tuple.el[0];
        char buf[32];
        if (f->u.fun.clo && !f->u.fun.fun) {
            sb_printf(b, "interpreted function with arity %u",
                      f->u.fun.arity);
        } else {
            put_mf(b, f->u.fun.mod, f->u.fun.fun, f->u.fun.arity, false);
            sb_printf(b, "/%u", f->u.fun.arity);
        }
        sb_printf(b, " called with %s",
                  argss(list_len(t->u.tuple.el[1]), buf, sizeof buf));
        return false;
    }
    term_print(b, r, v);
    return false;
}

/* The shell's report of an exception; see eval.h. */
void ev_format_exception(strbuf *b, const ev_exception *x, const term_view *view)
{
    bool used_frame = false;
    sb_printf(b, "** exception %s: ", atom_text(x->cls));
    if (x->cls == A("error"))
        used_frame = explain_error(b, x, view);
    else if (x->cls == A("exit") && term_is_atom(x->reason, A("calling_self")))
        sb_puts(b, "the current process attempted to call itself");
    else
        term_print(b, x->reason, view);
    if (!x->fun || used_frame) {
        put_callers(b, x, used_frame);
        return;
    }
    bool op = frame_is_op(x);
    uint32_t arity = x->args ? list_len(x->args) : x->arity;
    sb_printf(b, "\n     in %s ", op ? "operator " : "function ");
    put_mf(b, x->mod, x->fun, arity, op);
    sb_printf(b, "/%u", arity);
    if (x->args) {
        sb_puts(b, "\n        called as ");
        put_call(b, x, view);
    } else {
        sb_putc(b, ' ');
        put_frame_location(b, x, arity);
    }
    put_arg_error(b, x);
    put_callers(b, x, false);
}
