/* bif: the built-in functions the shell's evaluator calls (the host side
 * of core/eval.h): erlang's process BIFs, the shell commands (flush/0,
 * f/0), io:format, timer:sleep and a few lists functions. Distribution
 * BIFs live in dist_bif.c and are found through dist_bif().
 *
 * Errors are raised as erl 25 raises them, with the extended error info
 * line where OTP gives one (checked against erl 25.2.3, e.g.
 * `register(foo, self())` twice: "*** argument 2: this process or port
 * already has a name"). */
#include "core/rt/rt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/term/xalloc.h"

static atom_t A(const char *s) { return atom_intern(s); }

static term *args_list(const bif_call_ctx *c)
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
    x->args = args_list(c);
    return EV_RAISED;
}

ev_status bif_badarg(bif_call_ctx *c, int argi, const char *detail)
{
    bif_raise(c, "error", term_atom_s("badarg"));
    c->exc->arg_index = argi;
    c->exc->arg_detail = detail;
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

void rt_raise(ev_exception *exc, const char *cls, term *reason)
{
    memset(exc, 0, sizeof *exc);
    exc->cls = A(cls);
    exc->reason = reason;
}

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

static ev_status b_nodes0(bif_call_ctx *c)
{
    return bif_return(c, dist_nodes(c->w, self_node(c), "visible"));
}

static ev_status b_nodes1(bif_call_ctx *c)
{
    const term *a = c->args[0];
    const char *which[] = {"visible", "hidden", "connected", "this", "known"};
    term *acc = NULL;
    /* nodes(Arg) takes an atom or a list of them (erlang:nodes/1). */
    const term *l = a;
    if (is_atom(a))
        l = NULL;
    else if (!term_is_proper_list(a))
        return bif_badarg(c, 1, "not a valid node type");
    for (const term *it = l ? l : a;; it = it->u.cons.tail) {
        const term *k = l ? (it->tag == T_CONS ? it->u.cons.head : NULL) : a;
        if (!k)
            break;
        int found = -1;
        for (int i = 0; i < 5; i++)
            if (is_atom(k) && !strcmp(atom_text(k->u.atom), which[i]))
                found = i;
        if (found < 0) {
            term_unref(acc);
            return bif_badarg(c, 1, "not a valid node type");
        }
        term *part = dist_nodes(c->w, self_node(c), which[found]);
        if (!acc) {
            acc = part;
        } else {
            /* append part's new members to acc, keeping order */
            size_t n = term_list_length(acc) + term_list_length(part);
            term **el = xcalloc(n + 1, sizeof *el);
            size_t k2 = 0;
            for (term *x = acc; x->tag == T_CONS; x = x->u.cons.tail)
                el[k2++] = term_ref(x->u.cons.head);
            for (term *x = part; x->tag == T_CONS; x = x->u.cons.tail) {
                bool dup = false;
                for (size_t j = 0; j < k2; j++)
                    dup |= term_equal(el[j], x->u.cons.head);
                if (!dup)
                    el[k2++] = term_ref(x->u.cons.head);
            }
            term_unref(acc);
            term_unref(part);
            acc = term_list((uint32_t)k2, el, NULL);
            free(el);
        }
        if (!l)
            break;
    }
    return bif_return(c, acc ? acc : term_nil());
}

/* Local spawn, or a remote one through dist_spawn. */
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
        return dist_spawn(c, k, m->u.atom, f->u.atom, (term *)a, opt);
    }
    world *w = c->w;
    const behaviour *b = rt_behaviour(m->u.atom, f->u.atom,
                                      (uint32_t)term_list_length(a));
    term *args;
    if (b) {
        args = term_ref((term *)a);
    } else {
        b = &rt_undef_behaviour;
        term *el[3] = {term_ref((term *)m), term_ref((term *)f), term_ref((term *)a)};
        args = term_list(3, el, NULL);
    }
    term_pid pid;
    proc *p = rt_spawn(w, target, b, args, c->self->leader, &pid);
    term_unref(args);
    if (opt == A("link"))
        rt_link(w, c->self, pid);
    if (opt == A("monitor")) {
        term *obj = term_pid_new(pid);
        term *ref = rt_monitor(w, c->self, &pid, obj);
        term_unref(obj);
        return bif_return(c, term_tuplev(2, term_pid_new(pid), ref));
    }
    (void)p;
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

static ev_status b_register(bif_call_ctx *c)
{
    const term *name = c->args[0], *pid = c->args[1];
    if (!is_atom(name))
        return bif_badarg(c, 1, "not an atom");
    if (name->u.atom == A("undefined"))
        return bif_badarg(c, 1, "undefined is not a permitted name");
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
        c->exc->arg_index = 1;
        c->exc->arg_detail = "the pid does not refer to an existing process";
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
    /* A monitor by name reports {Name, Node} (otp_facts.md 12). */
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
        dist_monitor(w, c->self->pid, k, NULL, name, ref, obj);
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
                proc *p = c->self;
                for (uint32_t i = 0; i < p->mlen; i++) {
                    term *m = p->mbox[i];
                    if (m->tag == T_TUPLE && m->u.tuple.n == 5 &&
                        term_is_atom(m->u.tuple.el[0], A("DOWN")) &&
                        term_equal(m->u.tuple.el[1], c->args[0])) {
                        memmove(p->mbox + i, p->mbox + i + 1,
                                (p->mlen - i - 1) * sizeof *p->mbox);
                        p->mlen--;
                        term_unref(m);
                        break;
                    }
                }
            }
    }
    return bif_return(c, term_atom_s("true"));
}

/* The first argument must be a pid of this node (otp_facts.md 10:
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
                           "trap_exit", "links"};
    int item = -1;
    for (int i = 0; i < 5; i++)
        if (term_is_atom(c->args[1], A(items[i])))
            item = i;
    if (item < 0)
        return bif_badarg(c, 2, "not a valid item");
    proc *p = rt_find(c->w, t->u.pid);
    if (!p)
        return bif_return(c, term_atom_s("undefined"));
    term *v;
    switch (item) {
    case 0:
        v = term_nil();
        for (uint32_t i = p->mlen; i-- > 0;)
            v = term_cons(term_ref(p->mbox[i]), v);
        break;
    case 1: v = term_int(p->mlen); break;
    case 2:
        if (!p->reg)
            return bif_return(c, term_nil());
        v = term_atom(p->reg);
        break;
    case 3: v = term_bool(p->trap_exit); break;
    default:
        v = term_nil();
        for (uint32_t i = p->nlinks; i-- > 0;)
            v = term_cons(term_pid_new(p->links[i]), v);
    }
    return bif_return(c, term_tuplev(2, term_atom_s(items[item]), v));
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
    for (uint32_t i = 0; i < p->mlen; i++) {
        term *args = term_cons(p->mbox[i], term_nil());
        bif_format(c->w, p->node, &b, fmt, args);
        term_unref(args);
    }
    term_unref(fmt);
    p->mlen = 0;
    if (b.len)
        rt_output(c->w, p->leader, b.s);
    sb_fini(&b);
    return bif_return(c, term_atom_s("ok"));
}

/* ---- io, timer, lists, misc ---- */

static ev_status b_format(bif_call_ctx *c)
{
    term *empty = term_nil();
    const term *args = c->argc == 2 ? c->args[1] : empty;
    strbuf b;
    sb_init(&b);
    int rc = bif_format(c->w, self_node(c), &b, c->args[0], args);
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
    wt.timeout_us = t->u.i * 1000;
    return bif_block(c, wt);
}

static ev_status b_atom_to_list(bif_call_ctx *c)
{
    if (!is_atom(c->args[0]))
        return bif_badarg(c, 1, "not an atom");
    return bif_return(c, term_string(atom_text(c->args[0]->u.atom)));
}

static ev_status b_integer_to_list(bif_call_ctx *c)
{
    if (c->args[0]->tag != T_INT)
        return bif_badarg(c, 1, "not an integer");
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)c->args[0]->u.i);
    return bif_return(c, term_string(buf));
}

static int cmp_terms(const void *a, const void *b)
{
    return term_compare(*(term *const *)a, *(term *const *)b, false);
}

static term **list_array(const term *l, size_t *n)
{
    *n = term_list_length(l);
    term **el = xcalloc(*n + 1, sizeof *el);
    size_t i = 0;
    for (const term *x = l; x->tag == T_CONS; x = x->u.cons.tail)
        el[i++] = term_ref(x->u.cons.head);
    return el;
}

static ev_status b_sort(bif_call_ctx *c)
{
    if (!term_is_proper_list(c->args[0]))
        return bif_raise(c, "error", term_atom_s("function_clause"));
    size_t n;
    term **el = list_array(c->args[0], &n);
    /* DETERMINISM: a stable merge is what lists:sort does; qsort is not
     * stable, but equal (=:=) terms are indistinguishable, and the
     * comparator is total (it uses exact order, 1 before 1.0). */
    qsort(el, n, sizeof *el, cmp_terms);
    term *l = term_list((uint32_t)n, el, NULL);
    free(el);
    return bif_return(c, l);
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

static ev_status b_member(bif_call_ctx *c)
{
    if (!term_is_proper_list(c->args[1]))
        return bif_raise(c, "error", term_atom_s("function_clause"));
    for (const term *x = c->args[1]; x->tag == T_CONS; x = x->u.cons.tail)
        if (term_equal(x->u.cons.head, c->args[0]))
            return bif_return(c, term_atom_s("true"));
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

static ev_status b_send(bif_call_ctx *c)
{
    ev_status st = bif_send(c->w, c->self, c->args[0], c->args[1], c->exc);
    if (st == EV_DONE)
        *c->result = term_ref(c->args[1]);
    return st;
}

typedef struct entry {
    const char *mod, *fun;
    uint32_t arity;
    bif_fn fn;
    bool auto_import;   /* callable without module (erlang's auto-imports) */
} entry;

static const entry table[] = {
    {"erlang", "self", 0, b_self, true},
    {"erlang", "node", 0, b_node0, true},
    {"erlang", "node", 1, b_node1, true},
    {"erlang", "nodes", 0, b_nodes0, true},
    {"erlang", "nodes", 1, b_nodes1, true},
    {"erlang", "spawn", 3, b_spawn3, true},
    {"erlang", "spawn", 4, b_spawn4, true},
    {"erlang", "spawn_link", 3, b_spawn_link3, true},
    {"erlang", "spawn_link", 4, b_spawn_link4, true},
    {"erlang", "spawn_monitor", 3, b_spawn_monitor3, true},
    {"erlang", "spawn_monitor", 4, b_spawn_monitor4, true},
    {"erlang", "register", 2, b_register, true},
    {"erlang", "unregister", 1, b_unregister, true},
    {"erlang", "whereis", 1, b_whereis, true},
    {"erlang", "registered", 0, b_registered, true},
    {"erlang", "exit", 2, b_exit2, true},
    {"erlang", "link", 1, b_link, true},
    {"erlang", "unlink", 1, b_unlink, true},
    {"erlang", "process_flag", 2, b_process_flag, true},
    {"erlang", "make_ref", 0, b_make_ref, true},
    {"erlang", "monitor", 2, b_monitor, true},
    {"erlang", "demonitor", 1, b_demonitor, true},
    {"erlang", "demonitor", 2, b_demonitor, true},
    {"erlang", "is_process_alive", 1, b_is_process_alive, true},
    {"erlang", "process_info", 2, b_process_info, true},
    {"erlang", "atom_to_list", 1, b_atom_to_list, true},
    {"erlang", "integer_to_list", 1, b_integer_to_list, true},
    {"erlang", "send", 2, b_send, false},
    {"shell_default", "flush", 0, b_flush, true},
    {"io", "format", 1, b_format, false},
    {"io", "format", 2, b_format, false},
    {"timer", "sleep", 1, b_sleep, false},
    {"lists", "sort", 1, b_sort, false},
    {"lists", "reverse", 1, b_reverse, false},
    {"lists", "member", 2, b_member, false},
    {"lists", "seq", 2, b_seq, false},
};

ev_status bif_call(world *w, proc *self, ev_vm *vm, atom_t mod, atom_t fun,
                   uint32_t argc, term **args, term **result,
                   ev_exception *exc)
{
    bif_call_ctx c = {w, self, vm, mod, fun, argc, args, result, exc};
    const char *m = atom_text(mod), *f = atom_text(fun);
    bool unqualified = !*m;
    for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
        const entry *e = &table[i];
        if (e->arity != argc || strcmp(e->fun, f))
            continue;
        if (unqualified ? e->auto_import : !strcmp(e->mod, m)) {
            if (unqualified && strcmp(e->mod, "shell_default"))
                c.mod = A(e->mod);
            return e->fn(&c);
        }
    }
    bif_fn fn = unqualified ? NULL : dist_bif(mod, fun, argc);
    if (!fn && !unqualified && !strcmp(m, "global"))
        fn = glob_bif(fun, argc);
    if (!fn && !unqualified)
        fn = app_bif(mod, fun, argc);
    if (fn)
        return fn(&c);
    /* erl: "** exception error: undefined function foo:bar/0", or for a
     * local call in the shell "undefined shell command foo/0". */
    if (unqualified) {
        /* shell.erl: {shell_undef, F, Arity, []}, printed as "undefined
         * shell command foo/1", with no frame */
        rt_raise(exc, "error", term_tuplev(4, term_atom_s("shell_undef"),
                                           term_atom(fun), term_int(argc),
                                           term_nil()));
        return EV_RAISED;
    }
    return bif_raise(&c, "error", term_atom_s("undef"));
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
            /* Only the bare-atom form raises (otp_facts.md 8). */
            rt_raise(exc, "error", term_atom_s("badarg"));
            exc->mod = A("erlang");
            exc->fun = A("!");
            exc->arity = 2;
            exc->is_operator = true;
            exc->args = term_list(2, (term *[]){term_ref(dest), term_ref(msg)}, NULL);
            return EV_RAISED;
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
                rt_emit(w, me, "drop", NULL, NULL, atom_text(name), NULL, ms,
                        "noproc", NULL);
                free(ms);
            }
            return EV_DONE;
        }
        dist_send_named(w, me, name, rt_node_index(w, nd), msg);
        return EV_DONE;
    }
    rt_raise(exc, "error", term_atom_s("badarg"));
    exc->mod = A("erlang");
    exc->fun = A("!");
    exc->arity = 2;
    exc->is_operator = true;
    exc->args = term_list(2, (term *[]){term_ref(dest), term_ref(msg)}, NULL);
    return EV_RAISED;
}
