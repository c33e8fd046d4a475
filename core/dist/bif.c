/* bif: the distribution BIFs a shell can call, registered as the rows of
 * dist__bifs: net_adm:ping/1, net_kernel:connect_node/1, allow/1,
 * monitor_nodes/1,2, erlang:nodes/0,1, disconnect_node/1, get_cookie/0,
 * set_cookie/1,2, rpc:call/4,5, rpc:cast/4, rpc:multicall/3,4,5,
 * erpc:call/4,5, erpc:cast/4, erpc:multicall/4,5 with rex, rpc's server,
 * and the net_kernel process; erlang:monitor_node/2,3, is_alive/0,
 * net_kernel:set_net_ticktime/1,2 and get_net_ticktime/0; and remote
 * spawn, rt's rt_remote spawn (dist__spawn).
 *
 * Those that wait for another node block the shell (shell_wait) until a
 * reply message arrives; the replies are runtime messages tagged
 * '$pong', '$connect', '$spawn_reply', '$rpc_reply' or '$dist_failed'
 * with the request's reference, and are never visible to user code
 * (nothing else matches the fresh reference). */
#include "core/dist/dist_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static atom_t A(const char *s) { return atom_intern(s); }
static int me(const bif_call_ctx *c) { return c->self->node; }

static bool is_tagged(const term *m, const char *tag, const term *ref)
{
    return m->tag == T_TUPLE && m->u.tuple.n == 3 &&
           term_is_atom(m->u.tuple.el[0], A(tag)) &&
           term_equal(m->u.tuple.el[1], ref);
}

/* A reply wait: the reference, and what to make of the answers. */
typedef struct rwait {
    term *ref;
    atom_t node;      /* spawn: the target node */
    term *extra;      /* spawn: {M, F, Args} */
    atom_t opt;       /* spawn: 0, link or monitor */
    term_pid self;
} rwait;

static void rwait_free(void *d)
{
    rwait *r = d;
    term_unref(r->ref);
    term_unref(r->extra);
    free(r);
}

static rwait *rwait_new(bif_call_ctx *c, term *ref)
{
    rwait *r = xcalloc(1, sizeof *r);
    r->ref = ref;
    r->self = c->self->pid;
    return r;
}

static ev_status wait_for(bif_call_ctx *c, rwait *r,
                          bool (*match)(world *, void *, const term *, term **,
                                        ev_exception *, bool *),
                          int64_t timeout_us,
                          void (*timeout)(world *, void *, term **,
                                          ev_exception *, bool *))
{
    shell_wait wt = {match, timeout, rwait_free, r, timeout_us};
    return bif_block(c, wt);
}

/* ---- net_adm:ping/1, net_kernel:connect_node/1 ---- */

static bool ping_match(world *w, void *d, const term *m, term **res,
                       ev_exception *x, bool *raised)
{
    (void)w, (void)x, (void)raised;
    rwait *r = d;
    if (is_tagged(m, "$pong", r->ref)) {
        /* {ok, yes} is pong; anything else pang (net_adm:ping/1) */
        *res = term_atom_s(term_is_atom(m->u.tuple.el[2], A("yes")) ? "pong" : "pang");
        return true;
    }
    if (is_tagged(m, "$dist_failed", r->ref) || is_tagged(m, "$rpc_reply", r->ref)) {
        *res = term_atom_s("pang");
        return true;
    }
    return false;
}

/* net_adm:ping/1 is gen:call({net_kernel, N}, {is_auth, node()},
 * infinity) caught: it connects as a send would (dist_auto_connect
 * applies) and waits for the answer or for the connection to die. */
static ev_status b_ping(bif_call_ctx *c)
{
    const term *n = c->args[0];
    if (n->tag != T_ATOM)
        return bif_raise(c, "error", term_atom_s("function_clause"));
    int x = me(c), y = rt_node_index(c->w, n->u.atom);
    if (y == x)
        return bif_return(c, term_atom_s("pong"));
    if (y < 0)  /* nobody runs it: EPMD says no at once (erl 25) */
        return bif_return(c, term_atom_s("pang"));
    term *ref = rt_make_ref(c->w, x);
    term *none = term_nil();
    dist__request(c->w, x, y, DIST_REQ_PING, c->self->pid, ref, none, false);
    term_unref(none);
    return wait_for(c, rwait_new(c, ref), ping_match, -1, NULL);
}

static bool connect_match(world *w, void *d, const term *m, term **res,
                          ev_exception *x, bool *raised)
{
    (void)w, (void)x, (void)raised;
    rwait *r = d;
    if (!is_tagged(m, "$connect", r->ref))
        return false;
    *res = term_ref(m->u.tuple.el[2]);
    return true;
}

static ev_status b_connect_node(bif_call_ctx *c)
{
    const term *n = c->args[0];
    if (n->tag != T_ATOM)
        return bif_raise(c, "error", term_atom_s("function_clause"));
    int x = me(c), y = rt_node_index(c->w, n->u.atom);
    if (y == x)
        return bif_return(c, term_atom_s("true"));
    if (y < 0)
        return bif_return(c, term_atom_s("false"));
    term *ref = rt_make_ref(c->w, x);
    dist__wait_connect(c->w, x, y, c->self->pid, ref, true);
    return wait_for(c, rwait_new(c, ref), connect_match, -1, NULL);
}

static ev_status b_disconnect_node(bif_call_ctx *c)
{
    const term *n = c->args[0];
    if (n->tag != T_ATOM)
        return bif_badarg(c, 1, "not an atom");
    int x = me(c), y = rt_node_index(c->w, n->u.atom);
    if (y < 0 || y == x || !dist_connected(c->w, x, y))
        return bif_return(c, term_atom_s("false"));
    /* The caller's side reports disconnect, the peer connection_closed
     * (observed with erl 25). */
    dist_disconnect(c->w, x, y, "disconnect");
    return bif_return(c, term_atom_s("true"));
}

static ev_status b_allow(bif_call_ctx *c)
{
    const term *l = c->args[0];
    if (!term_is_proper_list(l))
        return bif_raise(c, "error", term_atom_s("function_clause"));
    int n = 0, *ks = xcalloc(term_list_length(l) + 1, sizeof *ks);
    for (; l->tag == T_CONS; l = l->u.cons.tail) {
        if (l->u.cons.head->tag != T_ATOM) {
            free(ks);
            return bif_return(c, term_atom_s("error"));
        }
        ks[n++] = rt_node_index(c->w, l->u.cons.head->u.atom);
    }
    dist__set_allow(c->w, me(c), ks, n);
    free(ks);
    return bif_return(c, term_atom_s("ok"));
}

/* ---- nodes/0,1, monitor_nodes, allow, cookies ---- */

static bool is_atom(const term *t) { return t->tag == T_ATOM; }

static ev_status b_nodes0(bif_call_ctx *c)
{
    return bif_return(c, dist__nodes(c->w, me(c), "visible"));
}

/* Appends the members of part (taken) that acc lacks. */
static term *append_new(term *acc, term *part)
{
    size_t n = term_list_length(acc) + term_list_length(part), k = 0;
    term **el = xcalloc(n + 1, sizeof *el);
    for (term *x = acc; x->tag == T_CONS; x = x->u.cons.tail)
        el[k++] = term_ref(x->u.cons.head);
    for (term *x = part; x->tag == T_CONS; x = x->u.cons.tail) {
        bool dup = false;
        for (size_t j = 0; j < k; j++)
            dup |= term_equal(el[j], x->u.cons.head);
        if (!dup)
            el[k++] = term_ref(x->u.cons.head);
    }
    term_unref(acc);
    term_unref(part);
    term *r = term_list((uint32_t)k, el, NULL);
    free(el);
    return r;
}

/* nodes(Arg) (erlang:nodes/1): an atom, or a list of them. A list gives
 * the hidden nodes, then the visible ones, then this node, then the
 * rest of the known ones, whatever the list's order (observed with
 * erl 25: erts' nodes/1 walks its tables in that order). */
static ev_status b_nodes1(bif_call_ctx *c)
{
    const term *a = c->args[0];
    const char *which[] = {"visible", "hidden", "connected", "this", "known"};
    enum { W_VISIBLE = 1, W_HIDDEN = 2, W_CONNECTED = 4, W_THIS = 8, W_KNOWN = 16 };
    if (is_atom(a)) {
        for (int i = 0; i < 5; i++)
            if (!strcmp(atom_text(a->u.atom), which[i]))
                return bif_return(c, dist__nodes(c->w, me(c), which[i]));
        return bif_badarg(c, 1, "not a valid node type");
    }
    if (a->tag != T_CONS && a->tag != T_NIL)
        return bif_badarg(c, 1, "not a valid node type or list of valid node types");
    if (!term_is_proper_list(a))
        return bif_badarg(c, 1, "not a list of valid node types");
    unsigned want = 0;
    for (const term *it = a; it->tag == T_CONS; it = it->u.cons.tail) {
        const term *k = it->u.cons.head;
        int found = -1;
        for (int i = 0; i < 5; i++)
            if (is_atom(k) && !strcmp(atom_text(k->u.atom), which[i]))
                found = i;
        if (found < 0)
            return bif_badarg(c, 1, "not a list of valid node types");
        want |= 1u << found;
    }
    term *acc = term_nil();
    if (want & (W_HIDDEN | W_CONNECTED))
        acc = append_new(acc, dist__nodes(c->w, me(c), "hidden"));
    if (want & (W_VISIBLE | W_CONNECTED))
        acc = append_new(acc, dist__nodes(c->w, me(c), "visible"));
    if (want & W_THIS)
        acc = append_new(acc, dist__nodes(c->w, me(c), "this"));
    if (want & W_KNOWN)
        acc = append_new(acc, dist__nodes(c->w, me(c), "known"));
    return bif_return(c, acc);
}

/* net_kernel:set_net_ticktime/1,2 (as erl 25; the transition
 * period defaults to 60 s): integers, T > 0, else function_clause. */
static ev_status b_set_net_ticktime(bif_call_ctx *c)
{
    const term *t = c->args[0];
    const term *tp = c->argc == 2 ? c->args[1] : NULL;
    if (t->tag != T_INT || t->u.i <= 0 || t->u.i > 1000000000 ||
        (tp && (tp->tag != T_INT || tp->u.i < 0 || tp->u.i > 1000000000))) {
        /* set_net_ticktime/1 calls /2 with 60: erl reports that clause */
        bif_raise(c, "error", term_atom_s("function_clause"));
        term_unref(c->exc->args);
        c->exc->args = term_list(2, (term *[]){term_ref((term *)t),
                                               tp ? term_ref((term *)tp) : term_int(60)},
                                 NULL);
        c->exc->arity = 2;
        c->exc->file = "net_kernel.erl";
        c->exc->line = 258;
        return EV_RAISED;
    }
    return bif_return(c, dist__set_ticktime(c->w, me(c), t->u.i, tp ? tp->u.i : 60));
}

static ev_status b_get_net_ticktime(bif_call_ctx *c)
{
    return bif_return(c, dist__get_ticktime(c->w, me(c)));
}

/* is_alive/0: every simulated node is a named one (true in erl 25). */
static ev_status b_is_alive(bif_call_ctx *c)
{
    return bif_return(c, term_atom_s("true"));
}

/* erlang:monitor_node/2,3 (as erl 25): true; {nodedown, Node} when
 * the connection goes, or at once when it cannot be made (a node that
 * does not exist; a refused attempt), as erts' monitor_node, which
 * connects first. false removes one such monitor. */
static ev_status b_monitor_node(bif_call_ctx *c)
{
    const term *n = c->args[0], *flag = c->args[1];
    if (n->tag != T_ATOM)
        return bif_badarg(c, 1, "not an atom");
    if (!term_is_atom(flag, A("true")) && !term_is_atom(flag, A("false")))
        return bif_badarg(c, 2, "not a boolean ('true' or 'false')");
    if (c->argc == 3) {
        const term *l = c->args[2];
        if (!term_is_proper_list(l))
            return bif_badarg(c, 3, "not a list");
        for (; l->tag == T_CONS; l = l->u.cons.tail)
            if (!term_is_atom(l->u.cons.head, A("allow_passive_connect")))
                return bif_badarg(c, 3, "invalid option in list");
    }
    world *w = c->w;
    int x = me(c), y = rt_node_index(w, n->u.atom);
    bool on = term_is_atom(flag, A("true"));
    if (y == x)
        return bif_return(c, term_atom_s("true"));
    if (!on) {
        if (y >= 0)
            dist__monitor_node(w, x, c->self->pid, y, false);
        return bif_return(c, term_atom_s("true"));
    }
    if (y < 0) {
        term *m = term_tuplev(2, term_atom_s("nodedown"), term_ref((term *)n));
        rt_deliver(w, c->self, m);
        term_unref(m);
        return bif_return(c, term_atom_s("true"));
    }
    dist__monitor_node(w, x, c->self->pid, y, true);
    if (!dist__conn_up(w, x, y)) {
        term *tag = term_tuplev(3, term_atom_s("$monitor_node"), term_int(x),
                                term_int(y));
        dist__wait_connect(w, x, y, c->self->pid, tag, false);
        term_unref(tag);
    }
    return bif_return(c, term_atom_s("true"));
}

/* net_kernel:monitor_nodes(Flag[, Options]), with erl 25's errors. */
static ev_status b_monitor_nodes(bif_call_ctx *c)
{
    const term *flag = c->args[0];
    bool on;
    if (term_is_atom(flag, A("true")))
        on = true;
    else if (term_is_atom(flag, A("false")))
        on = false;
    else
        return bif_return(c, term_atom_s("error"));
    bool reason = false, type_given = false;
    int type = 0;
    if (c->argc == 2) {
        const term *o = c->args[1];
        if (!term_is_proper_list(o))
            return bif_return(c, term_atom_s("error"));
        term *unknown = term_nil();
        for (; o->tag == T_CONS; o = o->u.cons.tail) {
            const term *h = o->u.cons.head;
            if (term_is_atom(h, A("nodedown_reason"))) {
                reason = true;
            } else if (h->tag == T_TUPLE && h->u.tuple.n == 2 &&
                       term_is_atom(h->u.tuple.el[0], A("node_type"))) {
                const term *v = h->u.tuple.el[1];
                type_given = true;
                if (term_is_atom(v, A("visible")))
                    type = 0;
                else if (term_is_atom(v, A("hidden")))
                    type = 1;
                else if (term_is_atom(v, A("all")))
                    type = 2;
                else {
                    term_unref(unknown);
                    return bif_return(c, term_tuplev(2, term_atom_s("error"),
                        term_tuplev(2, term_atom_s("bad_option_value"),
                                    term_ref((term *)h))));
                }
            } else {
                unknown = term_cons(term_ref((term *)h), unknown);
            }
        }
        if (unknown->tag != T_NIL)
            return bif_return(c, term_tuplev(2, term_atom_s("error"),
                              term_tuplev(2, term_atom_s("unknown_options"), unknown)));
        term_unref(unknown);
    }
    dist__monitor_nodes(c->w, me(c), c->self->pid, on, reason, type, type_given);
    return bif_return(c, term_atom_s("ok"));
}

static ev_status b_get_cookie(bif_call_ctx *c)
{
    return bif_return(c, term_atom_s(c->w->nodes[me(c)].cfg.cookie));
}

static ev_status b_set_cookie(bif_call_ctx *c)
{
    const term *n = c->argc == 2 ? c->args[0] : NULL;
    const term *k = c->args[c->argc - 1];
    if (n && n->tag != T_ATOM)
        return bif_badarg(c, 1, "not an atom");
    if (k->tag != T_ATOM)
        return bif_badarg(c, (int)c->argc, "not an atom");
    int x = me(c), y = n ? rt_node_index(c->w, n->u.atom) : x;
    if (y >= 0)
        dist__set_cookie(c->w, x, y, atom_text(k->u.atom));
    return bif_return(c, term_atom_s("true"));
}

/* ---- rex, rpc:call/4,5 ---- */

/* rex: rpc's server (registered as rex, as in OTP); rpc:call runs the
 * requested BIF with rex as the calling process. */
/* rex is a gen_server (rpc.erl) whose handle_info drops what it does
 * not know: `rex ! M` is taken and ignored. */
static bool rex_message(world *w, proc *p, term *msg)
{
    (void)w, (void)p, (void)msg;
    return true;
}

static const behaviour rex_behaviour = {"rpc", "rex", 0, NULL, rex_message, NULL, NULL};

/* net_kernel's process: the connections are the distribution layer's
 * own state (conn.c), so this one stands for net_kernel's registered
 * gen_server, and answers an unknown message as net_kernel.erl's
 * handle_info does: "Net kernel got ~tw" at error level. */
static bool net_kernel_message(world *w, proc *p, term *msg)
{
    char *t = rt_str(w, p->node, msg);
    strbuf b;
    sb_init(&b);
    sb_printf(&b, "Net kernel got %s", t);
    rt_log(w, p->node, "error", b.s);
    sb_fini(&b);
    free(t);
    return true;
}

static const behaviour net_kernel_behaviour = {"net_kernel", "init", 1, NULL,
                                               net_kernel_message, NULL, NULL};

proc *dist_rex(world *w, int node)
{
    return rt_whereis(w, node, A("rex"));
}

void dist__rpc_booted(world *w, int node)
{
    term *args = term_nil();
    term_pid pid;
    proc *rex = rt_spawn(w, node, &rex_behaviour, args, node, &pid);
    rt_register(w, rex, A("rex"));
    proc *nk = rt_spawn(w, node, &net_kernel_behaviour, args, node, &pid);
    rt_register(w, nk, A("net_kernel"));
    term_unref(args);
}

void dist__abandon(world *w, term *ref)
{
    dist_world *d = w->dist;
    if (d->nabandoned == d->capabandoned) {
        d->capabandoned = d->capabandoned ? 2 * d->capabandoned : 8;
        d->abandoned = xrealloc(d->abandoned, d->capabandoned * sizeof *d->abandoned);
    }
    d->abandoned[d->nabandoned++] = term_ref(ref);
}

bool dist__abandoned(world *w, const term *ref)
{
    dist_world *d = w->dist;
    for (uint32_t i = 0; i < d->nabandoned; i++)
        if (term_equal(d->abandoned[i], ref)) {
            term_unref(d->abandoned[i]);
            d->abandoned[i] = d->abandoned[--d->nabandoned];
            return true;
        }
    return false;
}

static bool rpc_match(world *w, void *d, const term *m, term **res,
                      ev_exception *x, bool *raised)
{
    (void)w, (void)x, (void)raised;
    rwait *r = d;
    if (is_tagged(m, "$rpc_reply", r->ref)) {
        *res = term_ref(m->u.tuple.el[2]);
        return true;
    }
    if (is_tagged(m, "$dist_failed", r->ref)) {
        *res = term_tuplev(2, term_atom_s("badrpc"), term_atom_s("nodedown"));
        return true;
    }
    return false;
}

static void rpc_timeout(world *w, void *d, term **res, ev_exception *x,
                        bool *raised)
{
    (void)x, (void)raised;
    dist__abandon(w, ((rwait *)d)->ref);
    *res = term_tuplev(2, term_atom_s("badrpc"), term_atom_s("timeout"));
}

/* What the caller wants back: rpc:call's value, erpc's {ok, V} or
 * {raised, Class, Reason, Stack}, or nothing (a cast). The request's
 * {M, F, A} carries it as a fourth element, erpc or cast. */
typedef enum rpc_kind { RPC_CALL, RPC_ERPC, RPC_CAST } rpc_kind;

typedef struct rpc_ctx {
    int y, x;
    term_pid caller;
    term *ref;
    rpc_kind kind;
    term *mfa;        /* erpc: what was applied, for an empty stack */
} rpc_ctx;

/* The answer of an rpc evaluation: the value, or what rpc:call makes
 * of an exception: {badrpc, {'EXIT', Reason}} (with {Reason, Stack} for
 * errors, rpc.erl). */
static void rpc_done(world *w, void *ctx, term *value, const ev_exception *x)
{
    rpc_ctx *r = ctx;
    term *result;
    if (r->kind == RPC_CAST) {
        term_unref(r->ref);
        term_unref(r->mfa);
        free(r);
        return;
    }
    if (r->kind == RPC_ERPC) {
        /* erpc:execute_call: the value, or the class, reason and stack;
         * a BIF applied directly (erlang:error/1) is the stack's frame,
         * {M, F, Args, []}, as erts puts it there */
        term *stack = value ? NULL : ev_exception_stack(x);
        if (stack && stack->tag == T_NIL && r->mfa) {
            term_unref(stack);
            stack = term_cons(term_tuplev(4, term_ref(r->mfa->u.tuple.el[0]),
                                          term_ref(r->mfa->u.tuple.el[1]),
                                          term_ref(r->mfa->u.tuple.el[2]), term_nil()),
                              term_nil());
        }
        result = value ? term_tuplev(2, term_atom_s("ok"), term_ref(value))
            : term_tuplev(4, term_atom_s("raised"), term_atom(x->cls),
                          term_ref(x->reason), stack);
    } else if (value) {
        /* rpc:call/5 (OTP 25): a value {'EXIT', _} is wrapped in badrpc */
        bool is_exit = value->tag == T_TUPLE && value->u.tuple.n == 2 &&
                       term_is_atom(value->u.tuple.el[0], A("EXIT"));
        result = is_exit ? term_tuplev(2, term_atom_s("badrpc"), term_ref(value))
                         : term_ref(value);
    } else {
        /* rpcify_exception: an error keeps its stack (an undef on the
         * target: [{M, F, Args, []}], as erts puts it there) */
        term *stack = NULL;
        if (x->cls == A("error")) {
            stack = ev_exception_stack(x);
            if (stack->tag == T_NIL && r->mfa) {
                term_unref(stack);
                stack = term_cons(term_tuplev(4, term_ref(r->mfa->u.tuple.el[0]),
                                              term_ref(r->mfa->u.tuple.el[1]),
                                              term_ref(r->mfa->u.tuple.el[2]),
                                              term_nil()), term_nil());
            }
        }
        term *why = stack ? term_tuplev(2, term_ref(x->reason), stack)
                          : term_ref(x->reason);
        bool thrown_exit = x->cls == A("throw") && why->tag == T_TUPLE &&
            why->u.tuple.n == 2 && term_is_atom(why->u.tuple.el[0], A("EXIT"));
        result = x->cls == A("throw") && !thrown_exit ? why
            : thrown_exit ? term_tuplev(2, term_atom_s("badrpc"), why)
            : term_tuplev(2, term_atom_s("badrpc"),
                          term_tuplev(2, term_atom_s("EXIT"), why));
    }
    if (r->x == r->y) {
        proc *p = dist__abandoned(w, r->ref) ? NULL : rt_find(w, r->caller);
        if (p) {
            term *m = term_tuplev(3, term_atom_s("$rpc_reply"), term_ref(r->ref),
                                  term_ref(result));
            rt_deliver(w, p, m);
            term_unref(m);
        }
    } else {
        dist__reply(w, r->y, r->x, DIST_REQ_RPC, r->caller, r->ref, result, false);
    }
    term_unref(result);
    term_unref(r->ref);
    term_unref(r->mfa);
    free(r);
}

void dist__rpc_arrived(world *w, int y, int x, term_pid caller, term *ref,
                       term *mfa)
{
    term *m = mfa->u.tuple.el[0], *f = mfa->u.tuple.el[1], *a = mfa->u.tuple.el[2];
    rpc_ctx *r = xcalloc(1, sizeof *r);
    r->y = y;
    r->x = x;
    r->caller = caller;
    r->ref = term_ref(ref);
    if (mfa->u.tuple.n == 4)
        r->kind = term_is_atom(mfa->u.tuple.el[3], A("erpc")) ? RPC_ERPC : RPC_CAST;
    if (r->kind != RPC_CAST)
        r->mfa = term_ref(mfa);
    if (m->tag != T_ATOM || f->tag != T_ATOM || !term_is_proper_list(a)) {
        ev_exception bad = { .cls = A("error"), .reason = term_atom_s("badarg") };
        rpc_done(w, r, NULL, &bad);
        ev_exception_fini(&bad);
        return;
    }
    /* M:F(A1, ..., An) with the arguments bound as variables: rex's
     * apply, run by an evaluator that may block like any process. */
    strbuf src;
    sb_init(&src);
    term_print_atom(&src, m->u.atom);
    sb_putc(&src, ':');
    term_print_atom(&src, f->u.atom);
    sb_putc(&src, '(');
    ev_env *env = ev_env_new();
    int i = 0;
    for (term *l = a; l->tag == T_CONS; l = l->u.cons.tail, i++) {
        char var[32];
        snprintf(var, sizeof var, "RpcArg%d", i + 1);
        ev_env_set(env, var, term_ref(l->u.cons.head));
        sb_printf(&src, "%s%s", i ? ", " : "", var);
    }
    sb_puts(&src, ").");
    shell_eval_detached(w, y, x, src.s, env, rpc_done, r);
    sb_fini(&src);
}

static ev_status b_rpc_call(bif_call_ctx *c)
{
    const term *n = c->args[0];
    if (n->tag != T_ATOM)
        return bif_raise(c, "error", term_atom_s("function_clause"));
    int64_t timeout = -1;
    if (c->argc == 5) {
        const term *t = c->args[4];
        if (t->tag == T_INT && t->u.i >= 0)
            timeout = rt_ms_to_us(t->u.i);
        else if (!term_is_atom(t, A("infinity")))
            return bif_raise(c, "error", term_atom_s("function_clause"));
    }
    int x = me(c), y = rt_node_index(c->w, n->u.atom);
    if (y < 0)
        return bif_return(c, term_tuplev(2, term_atom_s("badrpc"),
                                         term_atom_s("nodedown")));
    term *ref = rt_make_ref(c->w, x);
    term *mfa = term_tuplev(3, term_ref(c->args[1]), term_ref(c->args[2]),
                            term_ref(c->args[3]));
    if (y == x)
        dist__rpc_arrived(c->w, x, x, c->self->pid, ref, mfa);
    else
        dist__request(c->w, x, y, DIST_REQ_RPC, c->self->pid, ref, mfa, false);
    term_unref(mfa);
    return wait_for(c, rwait_new(c, ref), rpc_match, timeout, rpc_timeout);
}

/* Sends the request M:F(A) of `kind` to node y (-1: no such node)
 * with reference ref (borrowed). */
static void rpc_send(bif_call_ctx *c, int y, term *ref, rpc_kind kind)
{
    int x = me(c);
    term *mfa = kind == RPC_CALL
        ? term_tuplev(3, term_ref(c->args[1]), term_ref(c->args[2]),
                      term_ref(c->args[3]))
        : term_tuplev(4, term_ref(c->args[1]), term_ref(c->args[2]),
                      term_ref(c->args[3]),
                      term_atom_s(kind == RPC_ERPC ? "erpc" : "cast"));
    if (y == x)
        dist__rpc_arrived(c->w, x, x, c->self->pid, ref, mfa);
    else
        dist__request(c->w, x, y, DIST_REQ_RPC, c->self->pid, ref, mfa, false);
    term_unref(mfa);
}

/* rpc:cast/4: true at once; the call runs on Node and its answer is
 * dropped (rpc.erl: a process on the other side applies it). */
static ev_status b_rpc_cast(bif_call_ctx *c)
{
    const term *n = c->args[0];
    if (n->tag != T_ATOM)
        return bif_raise(c, "error", term_atom_s("function_clause"));
    int y = rt_node_index(c->w, n->u.atom);
    if (y >= 0) {
        term *ref = rt_make_ref(c->w, me(c));
        rpc_send(c, y, ref, RPC_CAST);
        term_unref(ref);
    }
    return bif_return(c, term_atom_s("true"));
}

/* ---- erpc ---- */

/* Raises as erpc:call/5 does, in its frame (erpc.erl's line in OTP 25). */
static void erpc_raise(ev_exception *x, const char *cls, term *reason, int line)
{
    bif_exception(x, cls, reason);
    x->mod = A("erpc");
    x->fun = A("call");
    x->arity = 5;
    x->file = "erpc.erl";
    x->line = line;
}

/* erpc:call's answer: the value; error:{exception, R, Stack} for a
 * remote error, exit:{exception, R} for an exit, the thrown value for a
 * throw (erpc:call/5). */
static bool erpc_result(const term *v, term **res, ev_exception *x, bool *raised)
{
    if (v->tag == T_TUPLE && v->u.tuple.n == 2) {
        *res = term_ref(v->u.tuple.el[1]);
        return true;
    }
    atom_t cls = v->u.tuple.el[1]->u.atom;
    term *r = v->u.tuple.el[2], *stack = v->u.tuple.el[3];
    if (cls == A("throw")) {
        /* erl: the throw comes out of erpc:execute_call/3, called from
         * erpc:call/5 */
        erpc_raise(x, "throw", term_ref(r), 607);
        x->fun = A("execute_call");
        x->arity = 3;
        term *loc = term_list(2, (term *[]){
            term_tuplev(2, term_atom_s("file"), term_string("erpc.erl")),
            term_tuplev(2, term_atom_s("line"), term_int(126))}, NULL);
        x->callers = term_cons(term_tuplev(4, term_atom_s("erpc"), term_atom_s("call"),
                                           term_int(5), loc), term_nil());
    }
    else if (cls == A("exit"))
        erpc_raise(x, "exit", term_tuplev(2, term_atom_s("exception"), term_ref(r)), 130);
    else
        erpc_raise(x, "error", term_tuplev(3, term_atom_s("exception"), term_ref(r),
                                          term_ref(stack)), 137);
    *raised = true;
    return true;
}

static term *erpc_error(const char *what)
{
    return term_tuplev(2, term_atom_s("erpc"), term_atom_s(what));
}

static bool erpc_match(world *w, void *d, const term *m, term **res,
                       ev_exception *x, bool *raised)
{
    (void)w;
    rwait *r = d;
    if (is_tagged(m, "$rpc_reply", r->ref))
        return erpc_result(m->u.tuple.el[2], res, x, raised);
    if (is_tagged(m, "$dist_failed", r->ref)) {
        erpc_raise(x, "error", erpc_error("noconnection"), 710);
        *raised = true;
        return true;
    }
    return false;
}

static void erpc_timeout(world *w, void *d, term **res, ev_exception *x,
                         bool *raised)
{
    (void)res;
    dist__abandon(w, ((rwait *)d)->ref);
    erpc_raise(x, "error", erpc_error("timeout"), 714);
    *raised = true;
}

/* A timeout argument: ms >= 0 or infinity (-1); false if neither. */
static bool timeout_arg(const term *t, int64_t *us)
{
    if (t->tag == T_INT && t->u.i >= 0) {
        *us = rt_ms_to_us(t->u.i);
        return true;
    }
    *us = -1;
    return term_is_atom(t, A("infinity"));
}

/* erpc:call/4,5 */
static ev_status b_erpc_call(bif_call_ctx *c)
{
    const term *n = c->args[0];
    int64_t timeout = -1;
    if (n->tag != T_ATOM || c->args[1]->tag != T_ATOM ||
        c->args[2]->tag != T_ATOM || !term_is_proper_list(c->args[3]) ||
        (c->argc == 5 && !timeout_arg(c->args[4], &timeout))) {
        erpc_raise(c->exc, "error", erpc_error("badarg"), 1283);
        return EV_RAISED;
    }
    int y = rt_node_index(c->w, n->u.atom);
    if (y < 0) {
        erpc_raise(c->exc, "error", erpc_error("noconnection"), 710);
        return EV_RAISED;
    }
    term *ref = rt_make_ref(c->w, me(c));
    rpc_send(c, y, ref, RPC_ERPC);
    return wait_for(c, rwait_new(c, ref), erpc_match, timeout, erpc_timeout);
}

/* erpc:cast/4: ok; the answer is dropped. */
static ev_status b_erpc_cast(bif_call_ctx *c)
{
    if (c->args[0]->tag != T_ATOM || c->args[1]->tag != T_ATOM ||
        c->args[2]->tag != T_ATOM || !term_is_proper_list(c->args[3]))
        return bif_raise(c, "error", term_atom_s("badarg"));
    int y = rt_node_index(c->w, c->args[0]->u.atom);
    if (y >= 0) {
        term *ref = rt_make_ref(c->w, me(c));
        rpc_send(c, y, ref, RPC_CAST);
        term_unref(ref);
    }
    return bif_return(c, term_atom_s("ok"));
}

/* ---- rpc:multicall and erpc:multicall ---- */

typedef enum mc_state { MC_WAIT, MC_DONE, MC_BAD } mc_state;

/* The replies gathered so far, one slot per node asked. */
typedef struct mwait {
    uint32_t n, left;
    bool erpc;
    term **refs;
    term **nodes;
    term **res;       /* MC_DONE: the reply; erpc MC_BAD: the error */
    mc_state *st;
} mwait;

static void mwait_free(void *d)
{
    mwait *m = d;
    for (uint32_t i = 0; i < m->n; i++) {
        term_unref(m->refs[i]);
        term_unref(m->nodes[i]);
        term_unref(m->res[i]);
    }
    free(m->refs);
    free(m->nodes);
    free(m->res);
    free(m->st);
    free(m);
}

/* One answer of erpc:multicall's list (erpc.erl): {ok, V}, {throw, V},
 * {exit, {exception, R}}, {error, {exception, R, S}}. */
static term *erpc_entry(const term *v)
{
    if (v->tag == T_TUPLE && v->u.tuple.n == 2)
        return term_ref((term *)v);
    atom_t cls = v->u.tuple.el[1]->u.atom;
    term *r = term_ref(v->u.tuple.el[2]);
    term *why = cls == A("throw") ? r
        : cls == A("exit") ? term_tuplev(2, term_atom_s("exception"), r)
        : term_tuplev(3, term_atom_s("exception"), r, term_ref(v->u.tuple.el[3]));
    return term_tuplev(2, term_atom(cls), why);
}

/* rpc:multicall's {Results, BadNodes} (in the order the nodes were
 * given), or erpc:multicall's list of answers. */
static term *mwait_result(mwait *m)
{
    term **good = xcalloc(m->n + 1, sizeof *good), **bad = xcalloc(m->n + 1, sizeof *bad);
    uint32_t ng = 0, nb = 0;
    for (uint32_t i = 0; i < m->n; i++) {
        if (m->erpc)
            good[ng++] = m->st[i] == MC_DONE ? erpc_entry(m->res[i])
                : term_tuplev(2, term_atom_s("error"), term_ref(m->res[i]));
        else if (m->st[i] == MC_DONE)
            good[ng++] = term_ref(m->res[i]);
        else
            bad[nb++] = term_ref(m->nodes[i]);
    }
    term *r = m->erpc ? term_list(ng, good, NULL)
        : term_tuplev(2, term_list(ng, good, NULL), term_list(nb, bad, NULL));
    free(good);
    free(bad);
    return r;
}

static bool mc_match(world *w, void *d, const term *msg, term **res,
                     ev_exception *x, bool *raised)
{
    (void)w, (void)x, (void)raised;
    mwait *m = d;
    for (uint32_t i = 0; i < m->n; i++) {
        if (m->st[i] != MC_WAIT)
            continue;
        bool ok = is_tagged(msg, "$rpc_reply", m->refs[i]);
        if (!ok && !is_tagged(msg, "$dist_failed", m->refs[i]))
            continue;
        m->st[i] = ok ? MC_DONE : MC_BAD;
        m->res[i] = ok ? term_ref(msg->u.tuple.el[2]) : erpc_error("noconnection");
        if (--m->left == 0)
            *res = mwait_result(m);
        return true;
    }
    return false;
}

static void mc_timeout(world *w, void *d, term **res, ev_exception *x,
                       bool *raised)
{
    (void)x, (void)raised;
    mwait *m = d;
    for (uint32_t i = 0; i < m->n; i++)
        if (m->st[i] == MC_WAIT) {
            dist__abandon(w, m->refs[i]);
            m->st[i] = MC_BAD;
            m->res[i] = erpc_error("timeout");
        }
    *res = mwait_result(m);
}

/* Asks every node of the list `nodes` (borrowed) at once, then waits. */
static ev_status multicall(bif_call_ctx *c, const term *nodes, int64_t timeout,
                           bool erpc)
{
    mwait *m = xcalloc(1, sizeof *m);
    m->erpc = erpc;
    size_t n = term_list_length(nodes);
    m->refs = xcalloc(n + 1, sizeof *m->refs);
    m->nodes = xcalloc(n + 1, sizeof *m->nodes);
    m->res = xcalloc(n + 1, sizeof *m->res);
    m->st = xcalloc(n + 1, sizeof *m->st);
    for (const term *l = nodes; l->tag == T_CONS; l = l->u.cons.tail) {
        uint32_t i = m->n++;
        m->nodes[i] = term_ref(l->u.cons.head);
        int y = rt_node_index(c->w, l->u.cons.head->u.atom);
        if (y < 0) {
            m->st[i] = MC_BAD;
            m->res[i] = erpc_error("noconnection");
            continue;
        }
        m->refs[i] = rt_make_ref(c->w, me(c));
        m->left++;
        rpc_send(c, y, m->refs[i], erpc ? RPC_ERPC : RPC_CALL);
    }
    if (m->left == 0) {
        term *r = mwait_result(m);
        mwait_free(m);
        return bif_return(c, r);
    }
    shell_wait wt = {mc_match, mc_timeout, mwait_free, m, timeout};
    return bif_block(c, wt);
}

static bool atom_list(const term *l)
{
    if (!term_is_proper_list(l))
        return false;
    for (; l->tag == T_CONS; l = l->u.cons.tail)
        if (l->u.cons.head->tag != T_ATOM)
            return false;
    return true;
}

/* rpc:multicall/3,4,5 (rule 27): {Results, BadNodes}; without a node
 * list, [node() | nodes()]. A crash on a node is a result there
 * ({badrpc, {'EXIT', ...}}); a node down or too slow is a bad node. */
static ev_status b_rpc_multicall(bif_call_ctx *c)
{
    bool listed = c->argc == 5 || (c->argc == 4 && c->args[0]->tag != T_ATOM);
    int off = listed ? 1 : 0;
    int64_t timeout = -1;
    if ((listed && !atom_list(c->args[0])) ||
        (c->argc == 4 + (uint32_t)off && !timeout_arg(c->args[3 + off], &timeout)) ||
        c->args[off]->tag != T_ATOM || c->args[off + 1]->tag != T_ATOM ||
        !term_is_proper_list(c->args[off + 2]))
        return bif_raise(c, "error", term_atom_s("function_clause"));
    term *nodes = listed ? term_ref(c->args[0])
        : term_cons(term_atom(c->w->nodes[me(c)].atom),
                    dist__nodes(c->w, me(c), "visible"));
    /* rpc_send reads M, F, A from args[1..3] */
    term *save[4];
    term **args = c->args;
    term *shifted[4] = {NULL, args[off], args[off + 1], args[off + 2]};
    memcpy(save, shifted, sizeof save);
    c->args = save;
    ev_status st = multicall(c, nodes, timeout, false);
    c->args = args;
    term_unref(nodes);
    return st;
}

/* erpc:multicall/4,5: one answer per node, in the list's order. */
static ev_status b_erpc_multicall(bif_call_ctx *c)
{
    int64_t timeout = -1;
    if (!atom_list(c->args[0]) || c->args[1]->tag != T_ATOM ||
        c->args[2]->tag != T_ATOM || !term_is_proper_list(c->args[3]) ||
        (c->argc == 5 && !timeout_arg(c->args[4], &timeout))) {
        erpc_raise(c->exc, "error", erpc_error("badarg"), 1283);
        c->exc->fun = A("multicall");
        return EV_RAISED;
    }
    return multicall(c, c->args[0], timeout, true);
}

/* ---- remote spawn ---- */

static const char *opt_note(atom_t opt)
{
    return opt == A("link") ? " ([link])" : opt == A("monitor") ? " ([monitor])" : "";
}

/* spawn to a node that cannot be reached: a local pid that is already
 * dead, a WARNING, and noconnection for a link or a monitor
 * (erlang:crasher/6). */
static term *spawn_failed(world *w, term_pid self, term *ref, atom_t node,
                          const term *mfa, atom_t opt)
{
    int x = rt_node_index(w, self.node);
    vnode *nd = &w->nodes[x];
    term_pid dead = {nd->atom, nd->next_pid++, 0, nd->creation};
    term_view v = rt_view(w, x);
    strbuf b;
    sb_init(&b);
    sb_puts(&b, "** Can not start ");
    term_print(&b, mfa->u.tuple.el[0], &v);
    sb_putc(&b, ':');
    term_print(&b, mfa->u.tuple.el[1], &v);
    sb_putc(&b, ',');
    term_print(&b, mfa->u.tuple.el[2], &v);
    sb_puts(&b, " on ");
    term_print_atom(&b, node);
    sb_printf(&b, "%s **", opt_note(opt));
    rt_log(w, x, "warning", b.s);
    sb_fini(&b);
    term *nc = term_atom_s("noconnection");
    if (opt == A("link"))
        rt_signal_exit_later(w, dead, self, nc, true);
    term *pid = term_pid_new(dead);
    term *result;
    if (opt == A("monitor")) {
        proc *p = rt_find(w, self);
        if (p)
            rt_down(w, p, ref, pid, nc);
        result = term_tuplev(2, pid, term_ref(ref));
    } else {
        result = pid;
    }
    term_unref(nc);
    return result;
}

static bool spawn_match(world *w, void *d, const term *m, term **res,
                        ev_exception *x, bool *raised)
{
    (void)x, (void)raised;
    rwait *r = d;
    if (is_tagged(m, "$dist_failed", r->ref)) {
        *res = spawn_failed(w, r->self, r->ref, r->node, r->extra, r->opt);
        return true;
    }
    if (!is_tagged(m, "$spawn_reply", r->ref))
        return false;
    term *pid = m->u.tuple.el[2];
    proc *p = rt_find(w, r->self);
    if (p && r->opt == A("link"))
        rt_link_add(p, pid->u.pid);
    if (p && r->opt == A("monitor")) {
        /* the monitor itself was set up when the reply arrived (sig.c) */
        *res = term_tuplev(2, term_ref(pid), term_ref(r->ref));
    } else {
        *res = term_ref(pid);
    }
    return true;
}

ev_status dist__spawn(bif_call_ctx *c, int target, atom_t mod, atom_t fun,
                      term *args, atom_t opt)
{
    int x = me(c);
    term *ref = rt_make_ref(c->w, x);
    term *mfa = term_tuplev(3, term_atom(mod), term_atom(fun), term_ref(args));
    atom_t node = c->argc == 4 ? c->args[0]->u.atom : 0;
    if (target < 0) {
        term *r = spawn_failed(c->w, c->self->pid, ref, node, mfa, opt);
        term_unref(mfa);
        term_unref(ref);
        return bif_return(c, r);
    }
    term *req = term_tuplev(4, term_atom(mod), term_atom(fun), term_ref(args),
                            term_atom(opt ? opt : A("none")));
    dist__request(c->w, x, target, DIST_REQ_SPAWN, c->self->pid, ref, req, false);
    term_unref(req);
    rwait *r = rwait_new(c, ref);
    r->node = node;
    r->extra = mfa;
    r->opt = opt;
    return wait_for(c, r, spawn_match, -1, NULL);
}

void dist__spawn_arrived(world *w, int y, int x, term_pid caller, term *ref,
                         term *msg)
{
    term *m = msg->u.tuple.el[0], *f = msg->u.tuple.el[1], *a = msg->u.tuple.el[2];
    atom_t opt = msg->u.tuple.el[3]->u.atom;
    term_pid pid;
    /* The group leader stays on the caller's node (observed with erl 25). */
    proc *p = rt_spawn_mfa(w, y, m, f, a, x, &pid);
    term *pt = term_pid_new(pid);
    if (opt == A("link"))
        rt_link_add(p, caller);
    if (opt == A("monitor"))
        rt_monitor_add(p, ref, caller, pt, false);
    dist__reply(w, y, x, DIST_REQ_SPAWN, caller, ref, pt, opt == A("monitor"));
    term_unref(pt);
}

/* shell_default:nl(Mod), c:nl/1: the last compiled version of Mod
 * loaded here and on every visible connected node, as
 * rpc:eval_everywhere(code, load_binary, ...) does; here it is loaded on
 * them at once, where OTP's abcast arrives after the network's delay.
 * abcast, or error when Mod was never compiled. */
static ev_status b_nl(bif_call_ctx *c)
{
    const term *t = c->args[0];
    if (t->tag != T_ATOM)
        return bif_raise(c, "error", term_atom_s("badarg"));
    ev_module *m = rt_compiled_module(c->w, t->u.atom);
    if (!m)
        return bif_return(c, term_atom_s("error"));
    rt_load_module(&c->w->nodes[me(c)], m);
    term *peers = dist__nodes(c->w, me(c), "visible");
    for (const term *l = peers; l->tag == T_CONS; l = l->u.cons.tail) {
        int k = rt_node_index(c->w, l->u.cons.head->u.atom);
        if (k >= 0 && c->w->nodes[k].state == NODE_UP)
            rt_load_module(&c->w->nodes[k], m);
    }
    term_unref(peers);
    return bif_return(c, term_atom_s("abcast"));
}

const bif_reg dist__bifs[] = {
    {"shell_default", "nl", 1, b_nl, BIF_SHELL},
    {"erlang", "nodes", 0, b_nodes0, BIF_AUTO},
    {"erlang", "nodes", 1, b_nodes1, BIF_AUTO},
    {"net_adm", "ping", 1, b_ping, BIF_QUALIFIED},
    {"net_kernel", "connect_node", 1, b_connect_node, BIF_QUALIFIED},
    {"net_kernel", "allow", 1, b_allow, BIF_QUALIFIED},
    {"net_kernel", "monitor_nodes", 1, b_monitor_nodes, BIF_QUALIFIED},
    {"net_kernel", "monitor_nodes", 2, b_monitor_nodes, BIF_QUALIFIED},
    {"erlang", "disconnect_node", 1, b_disconnect_node, BIF_QUALIFIED},
    {"erlang", "get_cookie", 0, b_get_cookie, BIF_QUALIFIED},
    {"erlang", "set_cookie", 1, b_set_cookie, BIF_QUALIFIED},
    {"erlang", "set_cookie", 2, b_set_cookie, BIF_QUALIFIED},
    {"rpc", "call", 4, b_rpc_call, BIF_QUALIFIED},
    {"rpc", "call", 5, b_rpc_call, BIF_QUALIFIED},
    {"rpc", "cast", 4, b_rpc_cast, BIF_QUALIFIED},
    {"erlang", "is_alive", 0, b_is_alive, BIF_AUTO},
    {"net_kernel", "set_net_ticktime", 1, b_set_net_ticktime, BIF_QUALIFIED},
    {"net_kernel", "set_net_ticktime", 2, b_set_net_ticktime, BIF_QUALIFIED},
    {"net_kernel", "get_net_ticktime", 0, b_get_net_ticktime, BIF_QUALIFIED},
    {"erlang", "monitor_node", 2, b_monitor_node, BIF_AUTO},
    {"erlang", "monitor_node", 3, b_monitor_node, BIF_QUALIFIED},
    {"rpc", "multicall", 3, b_rpc_multicall, BIF_QUALIFIED},
    {"rpc", "multicall", 4, b_rpc_multicall, BIF_QUALIFIED},
    {"rpc", "multicall", 5, b_rpc_multicall, BIF_QUALIFIED},
    {"erpc", "call", 4, b_erpc_call, BIF_QUALIFIED},
    {"erpc", "call", 5, b_erpc_call, BIF_QUALIFIED},
    {"erpc", "cast", 4, b_erpc_cast, BIF_QUALIFIED},
    {"erpc", "multicall", 4, b_erpc_multicall, BIF_QUALIFIED},
    {"erpc", "multicall", 5, b_erpc_multicall, BIF_QUALIFIED},
    {NULL, NULL, 0, NULL, BIF_QUALIFIED},
};
