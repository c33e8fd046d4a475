/* bif_code: the shell's code commands (shell_default, which calls c.erl):
 * c(Mod) compiles Mod.erl from the scenario's folder and loads it on the
 * node, l(Mod) loads the last compiled version of Mod, m() lists the
 * node's loaded modules, b() the shell's bindings. nl/1 needs the node's
 * connections and lives in dist/ (core/dist/bif.c).
 *
 * The world keeps the last version compiled of every module (the
 * scenario's config.modules, then what c/1 compiled, on any node): that
 * is what l/1 and nl/1 load, as they load the .beam file a compile
 * wrote. Outputs are erl 25's:
 *   c(m)       {ok,m}, or erlc's messages then error; {error,non_existing}
 *              when there is no m.erl
 *   l(m)       {module,m}, or {error,nofile}
 *   m()        "Module                File" then one line per module
 *   b()        "X = 1" per binding of the moment, in the order of their
 *              names
 *   h()        "N: Expr" and "-> Value" for the last 20 commands */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rt/bif.h"
#include "core/term/xalloc.h"

static atom_t A(const char *s) { return atom_intern(s); }

void rt_remember_module(world *w, ev_module *m)
{
    for (uint32_t i = 0; i < w->ncompiled; i++) {
        if (ev_module_name(w->compiled[i]) == ev_module_name(m)) {
            ev_module_hold(m);
            ev_module_free(w->compiled[i]);
            w->compiled[i] = m;
            return;
        }
    }
    w->compiled = xrealloc(w->compiled, (w->ncompiled + 1) * sizeof *w->compiled);
    w->compiled[w->ncompiled++] = ev_module_hold(m);
}

ev_module *rt_compiled_module(const world *w, atom_t name)
{
    for (uint32_t i = 0; i < w->ncompiled; i++)
        if (ev_module_name(w->compiled[i]) == name)
            return w->compiled[i];
    return NULL;
}

/* A module name as c/1 and l/1 take it: an atom (or a string). */
static bool module_arg(const term *t, char *buf, size_t n)
{
    if (t->tag == T_ATOM) {
        snprintf(buf, n, "%s", atom_text(t->u.atom));
        return true;
    }
    size_t k = 0;
    for (; t->tag == T_CONS && k + 1 < n; t = t->u.cons.tail) {
        const term *c = t->u.cons.head;
        if (c->tag != T_INT || c->u.i <= 0 || c->u.i > 127)
            return false;
        buf[k++] = (char)c->u.i;
    }
    buf[k] = '\0';
    return t->tag == T_NIL && k > 0;
}

static ev_status b_c(bif_call_ctx *c)
{
    char name[256];
    if (!module_arg(c->args[0], name, sizeof name - 4))
        return bif_raise(c, "error", term_atom_s("badarg"));
    strcat(name, ".erl");
    char *src = c->w->read_source ? c->w->read_source(c->w->read_ctx, name)
                                  : NULL;
    if (!src)
        return bif_return(c, term_tuplev(2, term_atom_s("error"),
                                         term_atom_s("non_existing")));
    strbuf msgs;
    sb_init(&msgs);
    ev_module *m = ev_module_compile(src, name, &msgs);
    free(src);
    int leader = c->self->leader;
    if (msgs.len)
        rt_output(c->w, leader, msgs.s);
    sb_fini(&msgs);
    if (!m)
        return bif_return(c, term_atom_s("error"));
    rt_remember_module(c->w, m);
    rt_load_module(&c->w->nodes[c->self->node], m);
    atom_t mod = ev_module_name(m);
    ev_module_free(m);
    return bif_return(c, term_tuplev(2, term_atom_s("ok"), term_atom(mod)));
}

static ev_status b_l(bif_call_ctx *c)
{
    char name[256];
    if (!module_arg(c->args[0], name, sizeof name))
        return bif_raise(c, "error", term_atom_s("badarg"));
    ev_module *m = rt_compiled_module(c->w, A(name));
    if (!m)
        return bif_return(c, term_tuplev(2, term_atom_s("error"),
                                         term_atom_s("nofile")));
    rt_load_module(&c->w->nodes[c->self->node], m);
    return bif_return(c, term_tuplev(2, term_atom_s("module"),
                                     term_atom(ev_module_name(m))));
}

/* c:m/0's table: the name in 20 columns (cut there), two spaces, the
 * file. */
static ev_status b_m(bif_call_ctx *c)
{
    const vnode *nd = &c->w->nodes[c->self->node];
    strbuf b;
    sb_init(&b);
    sb_puts(&b, "Module                File\n");
    for (uint32_t i = 0; i < nd->nmods; i++)
        sb_printf(&b, "%-20.20s  %s\n", atom_text(ev_module_name(nd->mods[i])),
                  ev_module_file(nd->mods[i]));
    rt_output(c->w, c->self->leader, b.s);
    sb_fini(&b);
    return bif_return(c, term_atom_s("ok"));
}

static ev_status b_b(bif_call_ctx *c)
{
    const ev_env *env = c->vm ? ev_vm_bindings(c->vm) : NULL;
    strbuf b;
    sb_init(&b);
    term_view v = rt_view(c->w, c->self->node);
    for (uint32_t i = 0; env && i < ev_env_size(env); i++) {
        sb_printf(&b, "%s = ", ev_env_name(env, i));
        term_print(&b, ev_env_value(env, i), &v);
        sb_putc(&b, '\n');
    }
    if (b.len)
        rt_output(c->w, c->self->leader, b.s);
    sb_fini(&b);
    return bif_return(c, term_atom_s("ok"));
}

/* c:h/0: the commands as typed (erl prints them again with erl_pp,
 * spaced its own way). */
static ev_status b_h(bif_call_ctx *c)
{
    strbuf b;
    sb_init(&b);
    shell_history(c->w, c->self, &b);
    if (b.len)
        rt_output(c->w, c->self->leader, b.s);
    sb_fini(&b);
    return bif_return(c, term_atom_s("ok"));
}

const bif_reg rt__code_bifs[] = {
    {"shell_default", "h", 0, b_h, BIF_SHELL},
    {"shell_default", "c", 1, b_c, BIF_SHELL},
    {"shell_default", "l", 1, b_l, BIF_SHELL},
    {"shell_default", "m", 0, b_m, BIF_SHELL},
    {"shell_default", "b", 0, b_b, BIF_SHELL},
    {NULL, NULL, 0, NULL, BIF_QUALIFIED},
};
