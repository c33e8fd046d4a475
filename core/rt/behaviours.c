/* behaviours: the built-in process code that spawn(M, F, Args) can name
 * (SCENARIO_FORMAT.md, "Built-in behaviours"), each the C state machine
 * of a small Erlang loop, quoted in the comment above it, the table
 * that finds them, and rt_spawn_mfa, which spawns one by name. A
 * function that is not here starts a process that crashes with undef,
 * logged as erts logs it. */
#include "core/rt/rt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/term/xalloc.h"

static atom_t A(const char *s) { return atom_intern(s); }

static bool is_tuple(const term *t, uint32_t n)
{
    return t->tag == T_TUPLE && t->u.tuple.n == n;
}

/* loop() -> receive {From, Msg} -> From ! {echo, Msg}, loop();
 *                    stop -> ok end. */
static bool echo_message(world *w, proc *p, term *msg)
{
    if (term_is_atom(msg, A("stop"))) {
        term *r = term_atom_s("normal");
        rt_exit(w, p, r);
        term_unref(r);
        return true;
    }
    if (!is_tuple(msg, 2) || msg->u.tuple.el[0]->tag != T_PID)
        return false;
    term *reply = term_tuplev(2, term_atom_s("echo"), term_ref(msg->u.tuple.el[1]));
    rt_send(w, p->node, &p->pid, msg->u.tuple.el[0]->u.pid, reply);
    term_unref(reply);
    return true;
}

/* loop() -> receive {work, From, Work} -> From ! {result, Work}, loop();
 *                    stop -> ok end. */
static bool worker_message(world *w, proc *p, term *msg)
{
    if (term_is_atom(msg, A("stop")))
        return echo_message(w, p, msg);
    if (!is_tuple(msg, 3) || !term_is_atom(msg->u.tuple.el[0], A("work")) ||
        msg->u.tuple.el[1]->tag != T_PID)
        return false;
    term *reply = term_tuplev(2, term_atom_s("result"), term_ref(msg->u.tuple.el[2]));
    rt_send(w, p->node, &p->pid, msg->u.tuple.el[1]->u.pid, reply);
    term_unref(reply);
    return true;
}

/* loop() -> receive stop -> ok end. */
static bool idle_message(world *w, proc *p, term *msg)
{
    if (!term_is_atom(msg, A("stop")))
        return false;
    return echo_message(w, p, msg);
}

/* run() -> io:format("I'm running on ~p!~n", [node()]).
 * The output goes to the group leader's node (otp_facts.md 11). */
static void hello_init(world *w, proc *p, term *args)
{
    (void)args;
    char text[512];
    term *n = term_atom(w->nodes[p->node].atom);
    char *s = rt_str(w, p->leader, n);
    snprintf(text, sizeof text, "I'm running on %s!\n", s);
    free(s);
    term_unref(n);
    rt_output(w, p->leader, text);
    term *r = term_atom_s("normal");
    rt_exit(w, p, r);
    term_unref(r);
}

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

static const behaviour table[] = {
    {"echo", "loop", 0, NULL, echo_message, NULL, NULL},
    {"worker", "loop", 0, NULL, worker_message, NULL, NULL},
    {"idle", "loop", 0, NULL, idle_message, NULL, NULL},
    {"hello", "run", 0, hello_init, NULL, NULL, NULL},
};

/* The behaviour spawned for M:F/A on `node`, or NULL (undef). A module
 * loaded on the node runs on the VM (erlang:apply/3), and replaces a
 * built-in one of the same name. */
static const behaviour *find(const vnode *node, atom_t mod, atom_t fun,
                             uint32_t arity)
{
    if (!strcmp(atom_text(mod), "erlang") && !strcmp(atom_text(fun), "apply")
        && arity == 2)
        return &shell_apply_behaviour;
    if (rt_module(node, mod))
        return &shell_apply_behaviour;
    for (size_t i = 0; i < sizeof table / sizeof *table; i++)
        if (!strcmp(atom_text(mod), table[i].mod) &&
            !strcmp(atom_text(fun), table[i].fun) && arity == table[i].arity)
            return &table[i];
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
