/* behaviours: rt_spawn_mfa, which spawns M:F(Args) by name. The code
 * spawn/3 can name is Erlang: a module loaded on the node (the library's
 * own, core/lib/NAME.erl, such as echo:loop/0, or the user's), run on the
 * VM. A function that no loaded module has starts a process that
 * crashes with undef, logged as erts logs it. */
#include "core/rt/rt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/term/xalloc.h"

/* An unknown M:F/A: the process exits at once with
 * {undef, [{M, F, Args, []}]}, and erts logs
 * "Error in process <0.89.0> on node a@vm with exit value:" (checked
 * against erl 25); args is [M, F, Args]. */
static void undef_init(world *w, proc *p, term *args)
{
    term *m = args->u.cons.head;
    term *f = args->u.cons.tail->u.cons.head;
    term *a = args->u.cons.tail->u.cons.tail->u.cons.head;
    term *frame = term_tuplev(4, term_ref(m), term_ref(f), term_ref(a), term_nil());
    term *reason = term_tuplev(2, term_atom_s("undef"),
                               term_cons(frame, term_nil()));
    rt_crash(w, p, reason);
    term_unref(reason);
}

static const behaviour undef_behaviour = {
    "erlang", "undef", 3, undef_init, NULL, NULL, NULL,
};

/* The behaviour spawned for M:F/A on `node`, or NULL (undef): a module
 * loaded on the node (the library's or the user's) runs on the VM, as
 * erlang:apply/3 (which raises undef for a function it does not
 * export), and so does erlang:apply/2. */
static const behaviour *find(const vnode *node, atom_t mod, atom_t fun,
                             uint32_t arity)
{
    if (!strcmp(atom_text(mod), "erlang") && !strcmp(atom_text(fun), "apply")
        && arity == 2)
        return &shell_apply_behaviour;
    if (rt_module(node, mod))
        return &shell_apply_behaviour;
    return NULL;
}

proc *rt_spawn_mfa(world *w, int node, term *m, term *f, term *a,
                   int leader, term_pid *pid)
{
    uint32_t arity = (uint32_t)term_list_length(a);
    const behaviour *b = find(&w->nodes[node], m->u.atom, f->u.atom, arity);
    term *args;
    if (b == &shell_apply_behaviour && m->u.atom != atom_intern("erlang")) {
        term *el[3] = {term_ref(m), term_ref(f), term_ref(a)};
        args = term_list(3, el, NULL);
    } else if (b) {
        args = term_ref(a);
    } else {
        b = &undef_behaviour;
        term *el[3] = {term_ref(m), term_ref(f), term_ref(a)};
        args = term_list(3, el, NULL);
    }
    proc *p = rt_spawn(w, node, b, args, leader, pid);
    term_unref(args);
    return p;
}
