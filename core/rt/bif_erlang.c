/* bif_erlang: rt/'s own BIFs: erlang's process BIFs (with spawn_opt,
 * the process dictionary, send/3, halt/0,1), the shell commands
 * (flush/0), timer:sleep, a few lists functions and
 * unicode:characters_to_binary/1, registered as the
 * rows of rt__erlang_bifs (bif.h). A spawn on another node leaves
 * through the world's rt_remote; nodes() and the distribution BIFs are
 * dist/'s (core/dist/bif.c).
 *
 * Errors are raised as erl 25 raises them, with the extended error info
 * line where OTP gives one (checked against erl 25.2.3, e.g.
 * `register(foo, self())` twice: "*** argument 2: this process or port
 * already has a name"). */
#include "core/rt/bif.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/term/xalloc.h"

static atom_t A(const char *s) { return atom_intern(s); }

static bool is_atom(const term *t) { return t->tag == T_ATOM; }
static bool is_pid(const term *t) { return t->tag == T_PID; }
static int self_node(const bif_call_ctx *c) { return c->self->node; }

/* ---- processes ---- */

static ev_status b_self(bif_call_ctx *c)
{
    return bif_return(c, term_pid_new(c->self->pid));
}

static ev_status b_node0(bif_call_ctx *c)
{
    return bif_return(c, term_atom(c->w->nodes[self_node(c)].atom));
}

static ev_status b_node1(bif_call_ctx *c)
{
    const term *t = c->args[0];
    if (t->tag == T_PID)
        return bif_return(c, term_atom(t->u.pid.node));
    if (t->tag == T_REF)
        return bif_return(c, term_atom(t->u.ref.node));
    return bif_badarg(c, 1, "not a pid, port or reference");
}

/* Local spawn, or a remote one through the world's rt_remote. */
static ev_status do_spawn(bif_call_ctx *c, const term *node, const term *m,
                          const term *f, const term *a, atom_t opt)
{
    int off = node ? 1 : 0;
    if (node && !is_atom(node))
        return bif_badarg(c, 1, "not an atom");
    if (!is_atom(m))
        return bif_badarg(c, 1 + off, "not an atom");
    if (!is_atom(f))
        return bif_badarg(c, 2 + off, "not an atom");
    if (!term_is_proper_list(a))
        return bif_badarg(c, 3 + off, "not a list");
    int target = self_node(c);
    if (node && node->u.atom != c->w->nodes[target].atom) {
        int k = rt_node_index(c->w, node->u.atom);
        return c->w->remote->spawn(c, k, m->u.atom, f->u.atom, (term *)a, opt);
    }
    world *w = c->w;
    term_pid pid;
    rt_spawn_mfa(w, target, (term *)m, (term *)f, (term *)a, c->self->leader,
                 &pid);
    if (opt == A("link"))
        rt_link(w, c->self, pid);
    if (opt == A("monitor")) {
        term *obj = term_pid_new(pid);
        term *ref = rt_monitor(w, c->self, &pid, obj);
        term_unref(obj);
        return bif_return(c, term_tuplev(2, term_pid_new(pid), ref));
    }
    return bif_return(c, term_pid_new(pid));
}

static ev_status b_spawn3(bif_call_ctx *c)
{
    return do_spawn(c, NULL, c->args[0], c->args[1], c->args[2], 0);
}
static ev_status b_spawn4(bif_call_ctx *c)
{
    return do_spawn(c, c->args[0], c->args[1], c->args[2], c->args[3], 0);
}
static ev_status b_spawn_link3(bif_call_ctx *c)
{
    return do_spawn(c, NULL, c->args[0], c->args[1], c->args[2], A("link"));
}
static ev_status b_spawn_link4(bif_call_ctx *c)
{
    return do_spawn(c, c->args[0], c->args[1], c->args[2], c->args[3], A("link"));
}
static ev_status b_spawn_monitor3(bif_call_ctx *c)
{
    return do_spawn(c, NULL, c->args[0], c->args[1], c->args[2], A("monitor"));
}
static ev_status b_spawn_monitor4(bif_call_ctx *c)
{
    return do_spawn(c, c->args[0], c->args[1], c->args[2], c->args[3], A("monitor"));
}

/* spawn/1,2 and their link and monitor forms: spawn(erlang, apply,
 * [Fun, []]), as erlang.erl defines them; the fun travels to the other
 * node as a term. */
static ev_status spawn_fun(bif_call_ctx *c, const term *node, const term *f,
                           atom_t opt)
{
    if (f->tag != T_FUN)
        return bif_badarg(c, node ? 2 : 1, "not a fun");
    term *m = term_atom_s("erlang"), *fn = term_atom_s("apply");
    term *a = term_list(2, (term *[]){ term_ref((term *)f), term_nil() }, NULL);
    ev_status st = do_spawn(c, node, m, fn, a, opt);
    term_unref(a);
    return st;
}

static ev_status b_spawn1(bif_call_ctx *c)
{
    return spawn_fun(c, NULL, c->args[0], 0);
}
static ev_status b_spawn2(bif_call_ctx *c)
{
    return spawn_fun(c, c->args[0], c->args[1], 0);
}
static ev_status b_spawn_link1(bif_call_ctx *c)
{
    return spawn_fun(c, NULL, c->args[0], A("link"));
}
static ev_status b_spawn_link2(bif_call_ctx *c)
{
    return spawn_fun(c, c->args[0], c->args[1], A("link"));
}
static ev_status b_spawn_monitor1(bif_call_ctx *c)
{
    return spawn_fun(c, NULL, c->args[0], A("monitor"));
}

static ev_status b_register(bif_call_ctx *c)
{
    const term *name = c->args[0], *pid = c->args[1];
    if (!is_atom(name))
        return bif_badarg(c, 1, "not an atom");
    if (name->u.atom == A("undefined"))
        return bif_badarg(c, 1, "'undefined' is not a valid name");
    if (!is_pid(pid))
        return bif_badarg(c, 2, "not a pid or port");
    if (rt_node_index(c->w, pid->u.pid.node) != self_node(c))
        return bif_badarg(c, 2, "not a local pid or port");
    proc *p = rt_find(c->w, pid->u.pid);
    if (!p)
        return bif_badarg(c, 2, "not an existing process or port");
    if (rt_whereis(c->w, self_node(c), name->u.atom))
        return bif_badarg(c, 1, "name is in use");
    if (p->reg)
        return bif_badarg(c, 2, "this process or port already has a name");
    rt_register(c->w, p, name->u.atom);
    return bif_return(c, term_atom_s("true"));
}

static ev_status b_unregister(bif_call_ctx *c)
{
    const term *name = c->args[0];
    if (!is_atom(name))
        return bif_badarg(c, 1, "not an atom");
    if (!rt_whereis(c->w, self_node(c), name->u.atom))
        /* sic: erl 25 says "not a pid" here (erl_erts_errors) */
        return bif_badarg(c, 1, "not a pid");
    rt_unregister(c->w, self_node(c), name->u.atom);
    return bif_return(c, term_atom_s("true"));
}

static ev_status b_whereis(bif_call_ctx *c)
{
    if (!is_atom(c->args[0]))
        return bif_badarg(c, 1, "not an atom");
    proc *p = rt_whereis(c->w, self_node(c), c->args[0]->u.atom);
    return bif_return(c, p ? term_pid_new(p->pid) : term_atom_s("undefined"));
}

static ev_status b_registered(bif_call_ctx *c)
{
    const vnode *nd = &c->w->nodes[self_node(c)];
    term *l = term_nil();
    for (uint32_t i = nd->nregs; i-- > 0;)
        l = term_cons(term_atom(nd->regs[i].name), l);
    return bif_return(c, l);
}

static ev_status b_exit2(bif_call_ctx *c)
{
    if (!is_pid(c->args[0]))
        return bif_badarg(c, 1, "not a pid");
    term_pid self = c->self->pid;
    rt_signal_exit(c->w, self, c->args[0]->u.pid, c->args[1], false);
    return bif_return(c, term_atom_s("true"));
}

static ev_status b_link(bif_call_ctx *c)
{
    if (!is_pid(c->args[0]))
        return bif_badarg(c, 1, "not a pid");
    if (rt_link(c->w, c->self, c->args[0]->u.pid) < 0) {
        bif_raise(c, "error", term_atom_s("noproc"));
        ev_exception_detail(c->exc, 1, "the pid does not refer to an existing process");
        return EV_RAISED;
    }
    return bif_return(c, term_atom_s("true"));
}

static ev_status b_unlink(bif_call_ctx *c)
{
    if (!is_pid(c->args[0]))
        return bif_badarg(c, 1, "not a pid");
    rt_unlink(c->w, c->self, c->args[0]->u.pid);
    return bif_return(c, term_atom_s("true"));
}

static ev_status b_process_flag(bif_call_ctx *c)
{
    if (!term_is_atom(c->args[0], A("trap_exit")))
        return bif_badarg(c, 1, "invalid process flag");
    bool v;
    if (term_is_atom(c->args[1], A("true")))
        v = true;
    else if (term_is_atom(c->args[1], A("false")))
        v = false;
    else
        return bif_badarg(c, 2, "invalid value for process flag trap_exit");
    bool old = c->self->trap_exit;
    c->self->trap_exit = v;
    return bif_return(c, term_bool(old));
}

static ev_status b_make_ref(bif_call_ctx *c)
{
    return bif_return(c, rt_make_ref(c->w, self_node(c)));
}

static ev_status b_monitor(bif_call_ctx *c)
{
    if (!term_is_atom(c->args[0], A("process")))
        return bif_badarg(c, 1, "invalid monitor type");
    world *w = c->w;
    const term *t = c->args[1];
    int me = self_node(c);
    if (is_pid(t)) {
        term *ref = rt_monitor(w, c->self, &t->u.pid, (term *)t);
        return bif_return(c, ref);
    }
    atom_t name, node_atom;
    if (is_atom(t)) {
        name = t->u.atom;
        node_atom = w->nodes[me].atom;
    } else if (t->tag == T_TUPLE && t->u.tuple.n == 2 &&
               is_atom(t->u.tuple.el[0]) && is_atom(t->u.tuple.el[1])) {
        name = t->u.tuple.el[0]->u.atom;
        node_atom = t->u.tuple.el[1]->u.atom;
    } else {
        return bif_badarg(c, 2, "invalid monitor target");
    }
    /* A monitor by name reports {Name, Node} (observed with erl 25). */
    term *obj = term_tuplev(2, term_atom(name), term_atom(node_atom));
    int k = rt_node_index(w, node_atom);
    term *ref;
    if (k == me) {
        proc *p = rt_whereis(w, me, name);
        ref = rt_monitor(w, c->self, p ? &p->pid : NULL, obj);
    } else {
        ref = rt_make_ref(w, me);
        term_pid none = {node_atom, 0, 0, 0};
        rt_monitor_add(c->self, ref, none, obj, true);
        w->remote->monitor(w, c->self->pid, k, NULL, name, ref, obj);
    }
    term_unref(obj);
    return bif_return(c, ref);
}

static ev_status b_demonitor(bif_call_ctx *c)
{
    if (c->args[0]->tag != T_REF)
        return bif_badarg(c, 1, "not a reference");
    rt_demonitor(c->w, c->self, c->args[0]);
    if (c->argc == 2 && term_is_proper_list(c->args[1])) {
        /* [flush]: drop a 'DOWN' already delivered for this ref. */
        for (const term *o = c->args[1]; o->tag == T_CONS; o = o->u.cons.tail)
            if (term_is_atom(o->u.cons.head, A("flush"))) {
                mbox *q = &c->self->mq;
                for (mbox_msg **at = &q->head; *at; at = &(*at)->next) {
                    term *m = (*at)->msg;
                    if (m->tag == T_TUPLE && m->u.tuple.n == 5 &&
                        term_is_atom(m->u.tuple.el[0], A("DOWN")) &&
                        term_equal(m->u.tuple.el[1], c->args[0])) {
                        term_unref(mbox_take(q, at));
                        break;
                    }
                }
            }
    }
    return bif_return(c, term_atom_s("true"));
}

/* The first argument must be a pid of this node (erl 25:
 * is_process_alive on a remote pid is badarg). 0, or EV_RAISED. */
static int local_pid_arg(bif_call_ctx *c)
{
    const term *t = c->args[0];
    if (!is_pid(t))
        return bif_badarg(c, 1, "not a pid");
    if (rt_node_index(c->w, t->u.pid.node) != self_node(c))
        return bif_badarg(c, 1, "not a local pid");
    return 0;
}

static ev_status b_is_process_alive(bif_call_ctx *c)
{
    if (local_pid_arg(c))
        return EV_RAISED;
    return bif_return(c, term_bool(rt_find(c->w, c->args[0]->u.pid) != NULL));
}

static ev_status b_process_info(bif_call_ctx *c)
{
    const term *t = c->args[0];
    if (local_pid_arg(c))
        return EV_RAISED;
    const char *items[] = {"messages", "message_queue_len", "registered_name",
                           "trap_exit", "links", "dictionary", "status",
                           "current_stacktrace"};
    int item = -1;
    for (int i = 0; i < 8; i++)
        if (term_is_atom(c->args[1], A(items[i])))
            item = i;
    if (item < 0)
        return bif_badarg(c, 2, "not a valid item");
    proc *p = rt_find(c->w, t->u.pid);
    if (!p)
        return bif_return(c, term_atom_s("undefined"));
    term *v;
    switch (item) {
    case 0: {
        term **el = xcalloc(p->mq.len + 1, sizeof *el);
        uint32_t n = 0;
        for (const mbox_msg *m = p->mq.head; m; m = m->next)
            el[n++] = term_ref(m->msg);
        v = term_list(n, el, NULL);
        free(el);
        break;
    }
    case 1: v = term_int(p->mq.len); break;
    case 2:
        if (!p->reg)
            return bif_return(c, term_nil());
        v = term_atom(p->reg);
        break;
    case 3: v = term_bool(p->trap_exit); break;
    case 5: v = p->dict ? term_ref(p->dict) : term_nil(); break;
    /* the asker is running; any other process is waiting to run or in
     * a receive: erts says running / runnable / waiting */
    case 6: v = term_atom_s(p == c->self ? "running" : "waiting"); break;
    case 7:
        v = shell_stacktrace(p);
        if (!v)
            v = term_nil();
        break;
    default:
        v = term_nil();
        for (uint32_t i = p->nlinks; i-- > 0;)
            v = term_cons(term_pid_new(p->links[i]), v);
    }
    return bif_return(c, term_tuplev(2, term_atom_s(items[item]), v));
}

/* ---- the process dictionary (erlang:put/2, get/0,1, erase/0,1,
 * get_keys/0,1) ----
 * Kept as a list of {Key, Value} in the order the keys were first put;
 * OTP lists them in its hash table's order, which this does not
 * reproduce (erl 25 lists [{a,3},{b,2}] after put(a,1), put(b,2),
 * put(a,3), as this does). */

static term **dict_find(proc *p, const term *key)
{
    if (!p->dict)
        return NULL;
    for (term *l = p->dict; l->tag == T_CONS; l = l->u.cons.tail)
        if (term_equal(l->u.cons.head->u.tuple.el[0], key))
            return &l->u.cons.head;
    return NULL;
}

/* p's dictionary without key (a new list). */
static term *dict_without(proc *p, const term *key)
{
    size_t n = p->dict ? term_list_length(p->dict) : 0, k = 0;
    term **el = xcalloc(n + 1, sizeof *el);
    for (term *l = p->dict; l && l->tag == T_CONS; l = l->u.cons.tail)
        if (!term_equal(l->u.cons.head->u.tuple.el[0], key))
            el[k++] = term_ref(l->u.cons.head);
    term *r = term_list((uint32_t)k, el, NULL);
    free(el);
    return r;
}

static ev_status b_put(bif_call_ctx *c)
{
    proc *p = c->self;
    term **slot = dict_find(p, c->args[0]);
    term *pair = term_tuplev(2, term_ref(c->args[0]), term_ref(c->args[1]));
    if (slot) {
        term *old = term_ref((*slot)->u.tuple.el[1]);
        /* the key keeps its place */
        size_t n = term_list_length(p->dict), k = 0;
        term **el = xcalloc(n + 1, sizeof *el);
        for (term *l = p->dict; l->tag == T_CONS; l = l->u.cons.tail)
            el[k++] = term_equal(l->u.cons.head->u.tuple.el[0], c->args[0])
                ? term_ref(pair) : term_ref(l->u.cons.head);
        term_unref(p->dict);
        p->dict = term_list((uint32_t)k, el, NULL);
        free(el);
        term_unref(pair);
        return bif_return(c, old);
    }
    size_t n = p->dict ? term_list_length(p->dict) : 0, k = 0;
    term **el = xcalloc(n + 2, sizeof *el);
    for (term *l = p->dict; l && l->tag == T_CONS; l = l->u.cons.tail)
        el[k++] = term_ref(l->u.cons.head);
    el[k++] = pair;
    term_unref(p->dict);
    p->dict = term_list((uint32_t)k, el, NULL);
    free(el);
    return bif_return(c, term_atom_s("undefined"));
}

static ev_status b_get0(bif_call_ctx *c)
{
    return bif_return(c, c->self->dict ? term_ref(c->self->dict) : term_nil());
}

static ev_status b_get1(bif_call_ctx *c)
{
    term **slot = dict_find(c->self, c->args[0]);
    return bif_return(c, slot ? term_ref((*slot)->u.tuple.el[1])
                              : term_atom_s("undefined"));
}

static ev_status b_erase0(bif_call_ctx *c)
{
    term *d = c->self->dict ? c->self->dict : term_nil();
    c->self->dict = NULL;
    return bif_return(c, d);
}

static ev_status b_erase1(bif_call_ctx *c)
{
    proc *p = c->self;
    term **slot = dict_find(p, c->args[0]);
    if (!slot)
        return bif_return(c, term_atom_s("undefined"));
    term *old = term_ref((*slot)->u.tuple.el[1]);
    term *rest = dict_without(p, c->args[0]);
    term_unref(p->dict);
    p->dict = rest;
    return bif_return(c, old);
}

/* get_keys/0, get_keys/1 (the keys whose value is Val) */
static ev_status b_get_keys(bif_call_ctx *c)
{
    size_t n = c->self->dict ? term_list_length(c->self->dict) : 0, k = 0;
    term **el = xcalloc(n + 1, sizeof *el);
    for (term *l = c->self->dict; l && l->tag == T_CONS; l = l->u.cons.tail)
        if (c->argc == 0 || term_equal(l->u.cons.head->u.tuple.el[1], c->args[0]))
            el[k++] = term_ref(l->u.cons.head->u.tuple.el[0]);
    term *r = term_list((uint32_t)k, el, NULL);
    free(el);
    return bif_return(c, r);
}

/* ---- spawn_opt/2,3,4,5 ---- */

/* The options of spawn_opt (erlang:spawn_opt/4): link, monitor and the
 * tuning options, which change nothing here. 0, or EV_RAISED. */
static int spawn_opts(bif_call_ctx *c, int argi, bool *link, bool *mon)
{
    const term *l = c->args[argi - 1];
    *link = *mon = false;
    if (!term_is_proper_list(l))
        return bif_badarg(c, argi, "not a list");
    static const char *tuning[] = {"priority", "fullsweep_after", "min_heap_size",
                                   "min_bin_vheap_size", "max_heap_size",
                                   "message_queue_data", "monitor"};
    for (; l->tag == T_CONS; l = l->u.cons.tail) {
        const term *o = l->u.cons.head;
        if (term_is_atom(o, A("link"))) {
            *link = true;
            continue;
        }
        if (term_is_atom(o, A("monitor"))) {
            *mon = true;
            continue;
        }
        bool ok = false;
        if (o->tag == T_TUPLE && o->u.tuple.n == 2 && is_atom(o->u.tuple.el[0]))
            for (size_t i = 0; i < sizeof tuning / sizeof tuning[0]; i++)
                ok |= o->u.tuple.el[0]->u.atom == A(tuning[i]);
        if (!ok)
            return bif_badarg(c, argi, "invalid spawn option");
        if (o->u.tuple.el[0]->u.atom == A("monitor"))
            *mon = true;
    }
    return 0;
}

/* erlang:spawn_opt/2,3,4,5: a fun or M, F, A, on this node or Node;
 * {Pid, Ref} with monitor. */
static ev_status b_spawn_opt(bif_call_ctx *c)
{
    bool link, mon;
    if (spawn_opts(c, (int)c->argc, &link, &mon))
        return EV_RAISED;
    bool has_node = c->argc == 3 || c->argc == 5;
    const term *node = has_node ? c->args[0] : NULL;
    bool remote = node && is_atom(node) &&
                  node->u.atom != c->w->nodes[self_node(c)].atom;
    atom_t opt = mon ? A("monitor") : link ? A("link") : 0;
    ev_status st = c->argc <= 3
        ? spawn_fun(c, node, c->args[has_node ? 1 : 0], opt)
        : do_spawn(c, node, c->args[has_node], c->args[has_node + 1],
                   c->args[has_node + 2], opt);
    /* monitor and link both: link the new local process too */
    if (st == EV_DONE && mon && link && !remote) {
        const term *r = *c->result;
        rt_link(c->w, c->self, r->u.tuple.el[0]->u.pid);
    }
    return st;
}

/* ---- erlang:send/3, halt/0,1 ---- */

/* erlang:send/3: Dest ! Msg, with the options noconnect and nosuspend,
 * which change nothing here (a send never suspends, and a connection is
 * made as by `!`): ok. */
static ev_status b_send3(bif_call_ctx *c)
{
    const term *l = c->args[2];
    if (!term_is_proper_list(l))
        return bif_badarg(c, 3, "not a list");
    for (; l->tag == T_CONS; l = l->u.cons.tail)
        if (!term_is_atom(l->u.cons.head, A("noconnect")) &&
            !term_is_atom(l->u.cons.head, A("nosuspend")))
            return bif_badarg(c, 3, "invalid option in list");
    ev_exception x = {0};
    ev_status st = bif_send(c->w, c->self, c->args[0], c->args[1], &x);
    if (st == EV_DONE)
        return bif_return(c, term_atom_s("ok"));
    ev_exception_fini(&x);
    return bif_badarg(c, 1, "invalid destination");
}

static void halt_now(sim *s, void *ctx, uint64_t arg)
{
    (void)s;
    world *w = ctx;
    int node = (int)(uint32_t)arg;
    if (w->nodes[node].creation == (uint32_t)(arg >> 32))
        world_halt(w, node);
}

/* halt/0,1 (erlang:halt/1): the node stops, as the scenario's halt
 * step stops it, once the calling step is over (at the same virtual
 * time); the caller waits for it. Status: a non-negative integer,
 * abort, or a string. */
static ev_status b_halt(bif_call_ctx *c)
{
    if (c->argc == 1) {
        const term *t = c->args[0];
        bool ok = (t->tag == T_INT && t->u.i >= 0) || term_is_atom(t, A("abort")) ||
                  t->tag == T_NIL;
        if (t->tag == T_CONS && term_is_proper_list(t)) {
            ok = true;
            for (const term *l = t; l->tag == T_CONS; l = l->u.cons.tail)
                ok &= l->u.cons.head->tag == T_INT && l->u.cons.head->u.i >= 0;
        }
        if (!ok)
            return bif_badarg(c, 1, "invalid status");
    }
    int node = self_node(c);
    sim_after(c->w->s, 0, halt_now, c->w,
              ((uint64_t)c->w->nodes[node].creation << 32) | (uint32_t)node);
    shell_wait wt = {0};
    wt.timeout_us = -1;
    return bif_block(c, wt);
}

/* ---- shell commands ---- */

/* flush(): "Shell got X" for every message, then ok (shell_default). */
static ev_status b_flush(bif_call_ctx *c)
{
    proc *p = c->self;
    strbuf b;
    sb_init(&b);
    /* shell_default:flush/0 is io:format("Shell got ~p~n", [X]) */
    term *fmt = term_string("Shell got ~p~n");
    for (const mbox_msg *m = p->mq.head; m; m = m->next) {
        term *args = term_cons(term_ref(m->msg), term_nil());
        bif_format(c->w, p->node, &b, fmt, args, NULL);
        term_unref(args);
    }
    term_unref(fmt);
    mbox_fini(&p->mq);
    if (b.len)
        rt_output(c->w, p->leader, b.s);
    sb_fini(&b);
    return bif_return(c, term_atom_s("ok"));
}

/* ---- timer, lists, misc ---- */

static ev_status b_sleep(bif_call_ctx *c)
{
    const term *t = c->args[0];
    if (t->tag != T_INT || t->u.i < 0) {
        /* erl: "bad receive timeout value", frame timer:sleep/1 */
        bif_raise(c, "error", term_atom_s("timeout_value"));
        term_unref(c->exc->args);
        c->exc->args = NULL;
        return EV_RAISED;
    }
    shell_wait wt = {0};
    wt.timeout_us = rt_ms_to_us(t->u.i);
    return bif_block(c, wt);
}

static ev_status b_atom_to_list(bif_call_ctx *c)
{
    if (!is_atom(c->args[0]))
        return bif_badarg(c, 1, "not an atom");
    /* an atom's text is UTF-8: the list is of its characters */
    atom_t a = c->args[0]->u.atom;
    const unsigned char *s = (const unsigned char *)atom_text(a);
    size_t n = atom_len(a), k = 0;
    term **el = xcalloc(n + 1, sizeof *el);
    for (size_t i = 0; i < n; k++) {
        uint32_t cp = s[i];
        size_t l = term_utf8_decode(s + i, n - i, &cp);
        el[k] = term_int(cp);
        i += l ? l : 1;
    }
    term *r = term_list((uint32_t)k, el, NULL);
    free(el);
    return bif_return(c, r);
}

static ev_status b_integer_to_list(bif_call_ctx *c)
{
    if (c->args[0]->tag != T_INT)
        return bif_badarg(c, 1, "not an integer");
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)c->args[0]->u.i);
    return bif_return(c, term_string(buf));
}

static ev_status b_reverse(bif_call_ctx *c)
{
    if (!term_is_proper_list(c->args[0]))
        return bif_raise(c, "error", term_atom_s("function_clause"));
    term *l = term_nil();
    for (const term *x = c->args[0]; x->tag == T_CONS; x = x->u.cons.tail)
        l = term_cons(term_ref(x->u.cons.head), l);
    return bif_return(c, l);
}

/* lists:member/2 is a BIF in OTP (erl_bif_lists.c): it walks the list
 * until it finds the element, so an improper tail past a match is never
 * seen, and a bad list is badarg, not function_clause. */
static ev_status b_member(bif_call_ctx *c)
{
    const term *x = c->args[1];
    for (; x->tag == T_CONS; x = x->u.cons.tail)
        if (term_equal(x->u.cons.head, c->args[0]))
            return bif_return(c, term_atom_s("true"));
    if (x->tag != T_NIL)
        return bif_badarg(c, 2, x == c->args[1] ? "not a list" : "not a proper list");
    return bif_return(c, term_atom_s("false"));
}

static ev_status b_seq(bif_call_ctx *c)
{
    const term *a = c->args[0], *b = c->args[1];
    if (a->tag != T_INT || b->tag != T_INT || b->u.i < a->u.i - 1 ||
        b->u.i - a->u.i > 10000000)
        return bif_raise(c, "error", term_atom_s("function_clause"));
    term *l = term_nil();
    for (int64_t i = b->u.i; i >= a->u.i; i--)
        l = term_cons(term_int(i), l);
    return bif_return(c, l);
}

/* ---- unicode:characters_to_binary/1 ---- */

/* Whether t is chardata: a binary, or a list of integers, binaries and
 * such lists, ending in [] or a binary (what it takes without badarg). */
static bool is_chardata(const term *t, int depth)
{
    if (term_is_binary(t))
        return true;
    if (depth > 100)
        return false;
    for (; t->tag == T_CONS; t = t->u.cons.tail)
        if (t->u.cons.head->tag != T_INT && !is_chardata(t->u.cons.head, depth + 1))
            return false;
    return t->tag == T_NIL || term_is_binary(t);
}

/* The UTF-8 of the characters so far, and the bytes of a character that
 * a binary left unfinished (the next binary may finish it). */
typedef struct utf8_conv {
    strbuf out;
    unsigned char carry[4];
    size_t ncarry;
} utf8_conv;

/* Converts t into c->out; false at the first character that cannot be,
 * with *rest what is left from there, as unicode.erl gives it: a
 * list's rest is [the failing element's rest | the elements after]. */
static bool conv_chars(utf8_conv *c, const term *t, term **rest)
{
    if (t->tag == T_BIN) {
        size_t n = c->ncarry + t->u.bin.n, i = 0;
        unsigned char *s = xmalloc(n + 1);
        memcpy(s, c->carry, c->ncarry);
        memcpy(s + c->ncarry, t->u.bin.bytes, t->u.bin.n);
        while (i < n) {
            uint32_t cp;
            size_t l = term_utf8_decode(s + i, n - i, &cp);
            if (!l)
                break;
            sb_putn(&c->out, (const char *)s + i, l);
            i += l;
        }
        /* a character cut at the end: a longer input would complete it */
        size_t left = n - i, need = s[i] >= 0xF0 ? 4 : s[i] >= 0xE0 ? 3 : 2;
        bool cut = left > 0 && left < need && s[i] >= 0xC2 && s[i] <= 0xF4;
        for (size_t k = i + 1; cut && k < n; k++)
            cut = (s[k] & 0xC0) == 0x80;
        c->ncarry = 0;
        if (cut) {
            memcpy(c->carry, s + i, left);
            c->ncarry = left;
        } else if (left) {
            size_t from = i >= c->ncarry ? i - (n - t->u.bin.n) : 0;
            *rest = term_binary(t->u.bin.bytes + from, t->u.bin.n - from);
        }
        free(s);
        return cut || !left;
    }
    if (t->tag == T_INT) {
        if (c->ncarry || t->u.i < 0 || t->u.i > 0x10FFFF
            || (t->u.i >= 0xD800 && t->u.i <= 0xDFFF)) {
            *rest = term_ref((term *)t);
            return false;
        }
        sb_put_utf8(&c->out, (uint32_t)t->u.i);
        return true;
    }
    for (; t->tag == T_CONS; t = t->u.cons.tail) {
        term *r = NULL;
        if (!conv_chars(c, t->u.cons.head, &r)) {
            /* erl: a binary's rest alone when nothing follows it */
            bool alone = t->u.cons.head->tag == T_BIN
                && t->u.cons.tail->tag == T_NIL;
            *rest = alone ? r : term_cons(r, term_ref(t->u.cons.tail));
            return false;
        }
    }
    return t->tag == T_NIL || conv_chars(c, t, rest);
}

/* unicode:characters_to_binary/1: the UTF-8 binary of chardata, else
 * {error, Converted, Rest} at a character that is none, or {incomplete,
 * Converted, Bytes} when the input ends inside one. */
static ev_status b_characters_to_binary(bif_call_ctx *c)
{
    if (!is_chardata(c->args[0], 0))
        return bif_badarg(c, 1, "not valid character data (an iodata term)");
    utf8_conv cv = { 0 };
    term *rest = NULL;
    bool ok = conv_chars(&cv, c->args[0], &rest);
    term *bin = term_binary(cv.out.s ? cv.out.s : "", cv.out.len);
    sb_fini(&cv.out);
    if (!ok)
        return bif_return(c, term_tuplev(3, term_atom_s("error"), bin, rest));
    if (cv.ncarry)
        return bif_return(c, term_tuplev(3, term_atom_s("incomplete"), bin,
                                         term_binary(cv.carry, cv.ncarry)));
    return bif_return(c, bin);
}

/* erlang:send/2 is `!` as a function: a bad destination is reported in
 * the function's frame, as erl 25 does ("in function  erlang:send/2",
 * "*** argument 1: invalid destination"), not in the operator's. */
static ev_status b_send(bif_call_ctx *c)
{
    ev_exception x = {0};
    ev_status st = bif_send(c->w, c->self, c->args[0], c->args[1], &x);
    if (st == EV_DONE) {
        *c->result = term_ref(c->args[1]);
        return st;
    }
    bool badarg = term_is_atom(x.reason, A("badarg"));
    if (!badarg) {
        *c->exc = x;
        return st;
    }
    ev_exception_fini(&x);
    return bif_badarg(c, 1, "invalid destination");
}

const bif_reg rt__erlang_bifs[] = {
    {"erlang", "self", 0, b_self, BIF_AUTO},
    {"erlang", "node", 0, b_node0, BIF_AUTO},
    {"erlang", "node", 1, b_node1, BIF_AUTO},
    {"erlang", "spawn", 1, b_spawn1, BIF_AUTO},
    {"erlang", "spawn", 2, b_spawn2, BIF_AUTO},
    {"erlang", "spawn_link", 1, b_spawn_link1, BIF_AUTO},
    {"erlang", "spawn_link", 2, b_spawn_link2, BIF_AUTO},
    {"erlang", "spawn_monitor", 1, b_spawn_monitor1, BIF_AUTO},
    {"erlang", "spawn", 3, b_spawn3, BIF_AUTO},
    {"erlang", "spawn", 4, b_spawn4, BIF_AUTO},
    {"erlang", "spawn_link", 3, b_spawn_link3, BIF_AUTO},
    {"erlang", "spawn_link", 4, b_spawn_link4, BIF_AUTO},
    {"erlang", "spawn_monitor", 3, b_spawn_monitor3, BIF_AUTO},
    {"erlang", "spawn_monitor", 4, b_spawn_monitor4, BIF_AUTO},
    {"erlang", "register", 2, b_register, BIF_AUTO},
    {"erlang", "unregister", 1, b_unregister, BIF_AUTO},
    {"erlang", "whereis", 1, b_whereis, BIF_AUTO},
    {"erlang", "registered", 0, b_registered, BIF_AUTO},
    {"erlang", "exit", 2, b_exit2, BIF_AUTO},
    {"erlang", "link", 1, b_link, BIF_AUTO},
    {"erlang", "unlink", 1, b_unlink, BIF_AUTO},
    {"erlang", "process_flag", 2, b_process_flag, BIF_AUTO},
    {"erlang", "make_ref", 0, b_make_ref, BIF_AUTO},
    {"erlang", "monitor", 2, b_monitor, BIF_AUTO},
    {"erlang", "demonitor", 1, b_demonitor, BIF_AUTO},
    {"erlang", "demonitor", 2, b_demonitor, BIF_AUTO},
    {"erlang", "is_process_alive", 1, b_is_process_alive, BIF_AUTO},
    {"erlang", "process_info", 2, b_process_info, BIF_AUTO},
    {"erlang", "atom_to_list", 1, b_atom_to_list, BIF_AUTO},
    {"erlang", "integer_to_list", 1, b_integer_to_list, BIF_AUTO},
    {"erlang", "send", 2, b_send, BIF_QUALIFIED},
    {"erlang", "send", 3, b_send3, BIF_QUALIFIED},
    {"erlang", "halt", 0, b_halt, BIF_AUTO},
    {"erlang", "halt", 1, b_halt, BIF_AUTO},
    {"erlang", "put", 2, b_put, BIF_AUTO},
    {"erlang", "get", 0, b_get0, BIF_AUTO},
    {"erlang", "get", 1, b_get1, BIF_AUTO},
    {"erlang", "erase", 0, b_erase0, BIF_AUTO},
    {"erlang", "erase", 1, b_erase1, BIF_AUTO},
    {"erlang", "get_keys", 0, b_get_keys, BIF_AUTO},
    {"erlang", "get_keys", 1, b_get_keys, BIF_AUTO},
    {"erlang", "spawn_opt", 2, b_spawn_opt, BIF_AUTO},
    {"erlang", "spawn_opt", 3, b_spawn_opt, BIF_AUTO},
    {"erlang", "spawn_opt", 4, b_spawn_opt, BIF_AUTO},
    {"erlang", "spawn_opt", 5, b_spawn_opt, BIF_AUTO},
    {"shell_default", "flush", 0, b_flush, BIF_SHELL},
    {"timer", "sleep", 1, b_sleep, BIF_QUALIFIED},
    {"lists", "reverse", 1, b_reverse, BIF_QUALIFIED},
    {"lists", "member", 2, b_member, BIF_QUALIFIED},
    {"lists", "seq", 2, b_seq, BIF_QUALIFIED},
    {"unicode", "characters_to_binary", 1, b_characters_to_binary,
     BIF_QUALIFIED},
    {NULL, NULL, 0, NULL, BIF_QUALIFIED},
};
