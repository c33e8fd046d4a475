/* bif: the BIF table of a world, the dispatcher that finds a call in it,
 * the `!` operator, and the helpers every BIF uses to answer.
 *
 * The table holds one entry per Mod:Fun/Arity that some subsystem
 * registered (bif.h), plus one keyed by module "" for each that may be
 * called unqualified, so that one lookup serves both forms. The
 * dispatcher includes no subsystem's header: what is not in the table is
 * undef.
 *
 * Errors are raised as erl 25 raises them, with the extended error info
 * line where OTP gives one (checked against erl 25.2.3, e.g.
 * `register(foo, self())` twice: "*** argument 2: this process or port
 * already has a name").
 *
 * Invariant: the entries are sorted by (mod, fun, arity) compared as
 * atom indices, and no key appears twice. */
#include "core/rt/bif.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "core/term/xalloc.h"

struct bif_entry {
    atom_t mod, fun;      /* the key; mod "" for the unqualified form */
    uint32_t arity;
    atom_t as;            /* the module the call reports (c->mod) */
    bif_fn fn;
};

static atom_t A(const char *s) { return atom_intern(s); }

/* DETERMINISM: atom indices depend on the order atoms were interned, but
 * the table is only searched for an exact key, never walked in order. */
static int key_cmp(const void *elem, const void *key)
{
    const bif_entry *e = elem, *k = key;
    if (e->mod != k->mod)
        return e->mod < k->mod ? -1 : 1;
    if (e->fun != k->fun)
        return e->fun < k->fun ? -1 : 1;
    if (e->arity != k->arity)
        return e->arity < k->arity ? -1 : 1;
    return 0;
}

/* Where the key is in w's table (*found) or would go. */
static uint32_t bif_pos(const world *w, atom_t mod, atom_t fun,
                        uint32_t arity, bool *found)
{
    bif_entry k = {mod, fun, arity, 0, NULL};
    return (uint32_t)term_bsearch(w->bifs, w->nbifs, sizeof *w->bifs, key_cmp,
                                  &k, found);
}

static void bif_add(world *w, atom_t mod, atom_t fun, uint32_t arity,
                    atom_t as, bif_fn fn)
{
    bool found;
    uint32_t i = bif_pos(w, mod, fun, arity, &found);
    assert(!found && "a BIF registered twice");
    if (w->nbifs == w->capbifs) {
        w->capbifs = w->capbifs ? 2 * w->capbifs : 64;
        w->bifs = xrealloc(w->bifs, w->capbifs * sizeof *w->bifs);
    }
    memmove(w->bifs + i + 1, w->bifs + i, (w->nbifs - i) * sizeof *w->bifs);
    w->bifs[i] = (bif_entry){mod, fun, arity, as, fn};
    w->nbifs++;
}

void bif_register(world *w, const bif_reg *rows)
{
    atom_t none = A("");
    for (; rows->fn; rows++) {
        atom_t m = A(rows->mod), f = A(rows->fun);
        bif_add(w, m, f, rows->arity, m, rows->fn);
        if (rows->scope != BIF_QUALIFIED)
            bif_add(w, none, f, rows->arity,
                    rows->scope == BIF_AUTO ? m : none, rows->fn);
    }
}

void bif_each(const world *w, bif_visit visit, void *ctx)
{
    atom_t none = A("");
    for (uint32_t i = 0; i < w->nbifs; i++) {
        const bif_entry *e = &w->bifs[i];
        if (e->mod == none)
            continue;
        bool found;
        uint32_t j = bif_pos(w, none, e->fun, e->arity, &found);
        bif_scope scope = !found || w->bifs[j].fn != e->fn ? BIF_QUALIFIED
                          : w->bifs[j].as == none ? BIF_SHELL : BIF_AUTO;
        visit(ctx, e->mod, e->fun, e->arity, scope);
    }
}

/* ---- answering ---- */

term *bif_args(const bif_call_ctx *c)
{
    term *l = term_nil();
    for (uint32_t i = c->argc; i-- > 0;)
        l = term_cons(term_ref(c->args[i]), l);
    return l;
}

ev_status bif_raise(bif_call_ctx *c, const char *cls, term *reason)
{
    ev_exception *x = c->exc;
    memset(x, 0, sizeof *x);
    x->cls = A(cls);
    x->reason = reason;
    x->mod = c->mod;
    x->fun = c->fun;
    x->arity = c->argc;
    x->args = bif_args(c);
    return EV_RAISED;
}

const term **bif_list_elems(const term *l, size_t *n)
{
    size_t k = 0;
    for (const term *x = l; x->tag == T_CONS; x = x->u.cons.tail)
        k++;
    const term **el = xcalloc(k + 1, sizeof *el);
    k = 0;
    for (const term *x = l; x->tag == T_CONS; x = x->u.cons.tail)
        el[k++] = x->u.cons.head;
    *n = k;
    return el;
}

term *bif_list_from(const term **el, size_t n, term *tail)
{
    term *l = tail ? tail : term_nil();
    for (size_t i = n; i-- > 0;)
        l = term_cons(term_ref((term *)el[i]), l);
    return l;
}

term *bif_frame(const char *mod, const char *fun, int arity, const char *file,
                int line)
{
    term *loc = term_list(2, (term *[]){
        term_tuplev(2, term_atom_s("file"), term_string(file)),
        term_tuplev(2, term_atom_s("line"), term_int(line)) }, NULL);
    return term_tuplev(4, term_atom_s(mod), term_atom_s(fun),
                       term_int(arity), loc);
}

ev_status bif_function_clause_at(bif_call_ctx *c, const char *mod,
                                 const char *fun, const char *file, int line,
                                 term *caller, uint32_t n, term **args)
{
    ev_exception *x = c->exc;
    memset(x, 0, sizeof *x);
    x->cls = A("error");
    x->reason = term_atom_s("function_clause");
    x->mod = A(mod);
    x->fun = A(fun);
    x->arity = n;
    x->args = term_list(n, args, NULL);
    x->file = file;
    x->line = line;
    if (caller) {
        x->callers = term_list(1, &caller, NULL);
        x->traced = true;
    }
    return EV_RAISED;
}

ev_status bif_badarg(bif_call_ctx *c, int argi, const char *detail)
{
    bif_raise(c, "error", term_atom_s("badarg"));
    ev_exception_detail(c->exc, argi, detail);
    return EV_RAISED;
}

ev_status bif_block(bif_call_ctx *c, shell_wait wt)
{
    if (!shell_is_evaluator(c->self)) {
        if (wt.free)
            wt.free(wt.data);
        return bif_raise(c, "error", term_atom_s("notsup"));
    }
    shell_block(c->w, c->self, wt);
    return EV_BLOCKED;
}

ev_status bif_return(bif_call_ctx *c, term *v)
{
    *c->result = v;
    return EV_DONE;
}

void bif_exception(ev_exception *exc, const char *cls, term *reason)
{
    memset(exc, 0, sizeof *exc);
    exc->cls = A(cls);
    exc->reason = reason;
}

/* ---- the dispatcher ---- */

ev_status bif_call(world *w, proc *self, ev_vm *vm, atom_t mod, atom_t fun,
                   uint32_t argc, term **args, term **result,
                   ev_exception *exc)
{
    bif_call_ctx c = {w, self, vm, mod, fun, argc, args, result, exc};
    bool found;
    uint32_t i = bif_pos(w, mod, fun, argc, &found);
    if (found) {
        c.mod = w->bifs[i].as;
        return w->bifs[i].fn(&c);
    }
    /* erl: "** exception error: undefined function foo:bar/0", or for a
     * local call in the shell "undefined shell command foo/0". */
    if (!*atom_text(mod)) {
        /* shell.erl: {shell_undef, F, Arity, []}, printed as "undefined
         * shell command foo/1", with no frame */
        bif_exception(exc, "error", term_tuplev(4, term_atom_s("shell_undef"),
                                                term_atom(fun), term_int(argc),
                                                term_nil()));
        return EV_RAISED;
    }
    return bif_raise(&c, "error", term_atom_s("undef"));
}

/* error:badarg "in operator  !/2 called as Dest ! Msg". */
static ev_status send_badarg(ev_exception *exc, term *dest, term *msg)
{
    bif_exception(exc, "error", term_atom_s("badarg"));
    exc->mod = A("erlang");
    exc->fun = A("!");
    exc->arity = 2;
    exc->is_operator = true;
    exc->args = term_list(2, (term *[]){term_ref(dest), term_ref(msg)}, NULL);
    return EV_RAISED;
}

/* Dest ! Msg (erlang:send/2). */
ev_status bif_send(world *w, proc *self, term *dest, term *msg,
                   ev_exception *exc)
{
    int me = self->node;
    if (dest->tag == T_PID) {
        rt_send(w, me, &self->pid, dest->u.pid, msg);
        return EV_DONE;
    }
    if (dest->tag == T_ATOM) {
        proc *p = rt_whereis(w, me, dest->u.atom);
        if (!p) {
            /* Only the bare-atom form raises (observed with erl 25). */
            return send_badarg(exc, dest, msg);
        }
        rt_send(w, me, &self->pid, p->pid, msg);
        return EV_DONE;
    }
    if (dest->tag == T_TUPLE && dest->u.tuple.n == 2 &&
        dest->u.tuple.el[0]->tag == T_ATOM && dest->u.tuple.el[1]->tag == T_ATOM) {
        atom_t name = dest->u.tuple.el[0]->u.atom, nd = dest->u.tuple.el[1]->u.atom;
        if (nd == w->nodes[me].atom) {
            proc *p = rt_whereis(w, me, name);
            if (p)
                rt_send(w, me, &self->pid, p->pid, msg);
            else {
                char *ms = rt_str(w, me, msg);
                rt_emit_msg(w, me, "drop", NULL, atom_text(name), ms, "noproc",
                            rt_msg_id(w));
                free(ms);
            }
            return EV_DONE;
        }
        w->remote->send_named(w, me, name, rt_node_index(w, nd), msg);
        return EV_DONE;
    }
    return send_badarg(exc, dest, msg);
}
