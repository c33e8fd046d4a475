/* apps: the built-in applications, in C until the next issue brings
 * them as Erlang sources.
 *
 * - a minimal gen_server: the process side, where '$gen_call' {From,
 *   Req} gets a reply {Tag, Reply} to From = {Pid, Tag}, '$gen_cast' and
 *   other messages are handled without one (gen_server.erl's loop); and
 *   the caller side, gen_server:call/2,3 and cast/2, which resolve a
 *   pid, a local name, {Name, Node}, {global, Name} or {via, global,
 *   Name} as gen:call does;
 * - dist_kv, the chapter's replicated store, exactly as the book builds
 *   it: put/2 casts {put, K, V} to {dist_kv, N} for every N in
 *   [node() | nodes()], get/1 calls the local server, and nothing ever
 *   merges (otp_facts.md 22). get/1 answers {ok, V} or not_found. A node
 *   whose config lists dist_kv starts it at boot.
 *
 * A gen_server:call blocks the shell (shell_wait) until the reply or a
 * 'DOWN' of its monitor arrives. */
#include "core/lib/apps.h"

#include <stdlib.h>
#include <string.h>
#include "core/dist/dist.h"
#include "core/global/global.h"
#include "core/rt/bif.h"
#include <stdio.h>

#include "core/term/xalloc.h"

static atom_t A(const char *s) { return atom_intern(s); }
static int me(const bif_call_ctx *c) { return c->self->node; }

/* ---- a gen_server in C ---- */

typedef struct gs_callbacks {
    /* Returns the reply (new reference) to a call. */
    term *(*call)(world *w, proc *p, term *req);
    void (*cast)(world *w, proc *p, term *req);
} gs_callbacks;

typedef struct gs_state {
    const gs_callbacks *cb;
    term *data;
} gs_state;

static bool gs_message(world *w, proc *p, term *msg)
{
    gs_state *s = p->state;
    if (msg->tag == T_TUPLE && msg->u.tuple.n == 3 &&
        term_is_atom(msg->u.tuple.el[0], A("$gen_call"))) {
        term *from = msg->u.tuple.el[1];
        term *reply = s->cb->call(w, p, msg->u.tuple.el[2]);
        if (from->tag == T_TUPLE && from->u.tuple.n == 2 &&
            from->u.tuple.el[0]->tag == T_PID) {
            term *r = term_tuplev(2, term_ref(from->u.tuple.el[1]), reply);
            rt_send(w, p->node, &p->pid, from->u.tuple.el[0]->u.pid, r);
            term_unref(r);
        } else {
            term_unref(reply);
        }
    } else if (msg->tag == T_TUPLE && msg->u.tuple.n == 2 &&
               term_is_atom(msg->u.tuple.el[0], A("$gen_cast"))) {
        s->cb->cast(w, p, msg->u.tuple.el[1]);
    }
    /* gen_server takes every message; unknown info is dropped. */
    return true;
}

static void gs_terminate(world *w, proc *p, term *reason)
{
    (void)w, (void)reason;
    gs_state *s = p->state;
    if (s) {
        term_unref(s->data);
        free(s);
        p->state = NULL;
    }
}

/* ---- gen_server:call/2,3 and cast/2 ---- */

/* Resolves a gen_server destination as gen:call does: a pid, a local
 * name, {Name, Node}, {global, Name} or {via, global, Name}. Sets *pid,
 * or *name and *node for a remote name. Returns false for noproc. */
static bool resolve(bif_call_ctx *c, const term *d, term_pid *pid,
                    atom_t *name, int *node, bool *bad)
{
    world *w = c->w;
    int x = me(c);
    *bad = false;
    *name = 0;
    *node = x;
    if (d->tag == T_PID) {
        *pid = d->u.pid;
        *node = rt_node_index(w, d->u.pid.node);
        return true;
    }
    if (d->tag == T_ATOM) {
        proc *p = rt_whereis(w, x, d->u.atom);
        if (!p)
            return false;
        *pid = p->pid;
        return true;
    }
    if (d->tag == T_TUPLE && d->u.tuple.n == 2 &&
        d->u.tuple.el[0]->tag == T_ATOM && d->u.tuple.el[1]->tag == T_ATOM) {
        atom_t a = d->u.tuple.el[0]->u.atom, b = d->u.tuple.el[1]->u.atom;
        if (a == A("global")) {
            const term_pid *g = glob_whereis(w, x, b);
            if (!g)
                return false;
            *pid = *g;
            *node = rt_node_index(w, g->node);
            return true;
        }
        int k = rt_node_index(w, b);
        if (k == x) {
            proc *p = rt_whereis(w, x, a);
            if (!p)
                return false;
            *pid = p->pid;
            return true;
        }
        *name = a;
        *node = k;
        return true;
    }
    if (d->tag == T_TUPLE && d->u.tuple.n == 3 &&
        term_is_atom(d->u.tuple.el[0], A("via")) &&
        term_is_atom(d->u.tuple.el[1], A("global")) &&
        d->u.tuple.el[2]->tag == T_ATOM) {
        const term_pid *g = glob_whereis(w, x, d->u.tuple.el[2]->u.atom);
        if (!g)
            return false;
        *pid = *g;
        *node = rt_node_index(w, g->node);
        return true;
    }
    *bad = true;
    return false;
}

/* A gen_server:call waiting for its reply: the monitor's reference,
 * Args (for exit reasons), the target's node, the caller. */
typedef struct call_wait {
    term *ref;
    term *args;
    atom_t node;
    term_pid self;
} call_wait;

static void call_wait_free(void *d)
{
    call_wait *r = d;
    term_unref(r->ref);
    term_unref(r->args);
    free(r);
}

static term *call_exit(const call_wait *r, term *why)
{
    return term_tuplev(2, why, term_tuplev(3, term_atom_s("gen_server"),
                                           term_atom_s("call"),
                                           term_ref(r->args)));
}

/* erl shows gen_server:call's exits "in function  gen_server:call/2
 * (gen_server.erl, line 370)": a frame with the arity, no arguments. */
static void call_frame(ev_exception *x, const call_wait *r)
{
    x->mod = A("gen_server");
    x->fun = A("call");
    x->arity = (uint32_t)term_list_length(r->args);
}

static bool call_match(world *w, void *d, const term *m, term **res,
                       ev_exception *x, bool *raised)
{
    call_wait *r = d;
    proc *self = rt_find(w, r->self);
    if (m->tag == T_TUPLE && m->u.tuple.n == 2 && term_equal(m->u.tuple.el[0], r->ref)) {
        if (self)
            rt_demonitor(w, self, r->ref);
        *res = term_ref(m->u.tuple.el[1]);
        return true;
    }
    if (m->tag == T_TUPLE && m->u.tuple.n == 5 &&
        term_is_atom(m->u.tuple.el[0], A("DOWN")) &&
        term_equal(m->u.tuple.el[1], r->ref)) {
        term *why = m->u.tuple.el[4];
        term *reason;
        /* otp_facts.md 21: a lost connection is {nodedown, Node} */
        if (term_is_atom(why, A("noconnection")))
            reason = term_tuplev(2, term_atom_s("nodedown"), term_atom(r->node));
        else
            reason = term_ref(why);
        bif_exception(x, "exit", call_exit(r, reason));
        call_frame(x, r);
        *raised = true;
        return true;
    }
    return false;
}

static void call_timeout(world *w, void *d, term **res, ev_exception *x,
                         bool *raised)
{
    (void)res;
    call_wait *r = d;
    proc *self = rt_find(w, r->self);
    if (self)
        rt_demonitor(w, self, r->ref);
    bif_exception(x, "exit", call_exit(r, term_atom_s("timeout")));
    call_frame(x, r);
    *raised = true;
}

static ev_status b_call(bif_call_ctx *c)
{
    world *w = c->w;
    int64_t timeout = 5000 * 1000;
    if (c->argc == 3) {
        const term *t = c->args[2];
        if (t->tag == T_INT && t->u.i >= 0)
            timeout = t->u.i * 1000;
        else if (term_is_atom(t, A("infinity")))
            timeout = -1;
        else
            return bif_raise(c, "error", term_atom_s("function_clause"));
    }
    term_pid pid;
    atom_t name;
    int node;
    bool bad;
    if (!resolve(c, c->args[0], &pid, &name, &node, &bad)) {
        if (bad)
            return bif_raise(c, "error", term_atom_s("function_clause"));
        call_wait tmp = {0};
        tmp.args = bif_args(c);
        ev_status st = bif_raise(c, "exit", call_exit(&tmp, term_atom_s("noproc")));
        term_unref(c->exc->args);
        c->exc->args = NULL;
        term_unref(tmp.args);
        return st;
    }
    proc *self = c->self;
    term *obj, *ref;
    if (name) {
        obj = term_tuplev(2, term_atom(name), term_ref(c->args[0]->u.tuple.el[1]));
        ref = rt_make_ref(w, me(c));
        term_pid none = {c->args[0]->u.tuple.el[1]->u.atom, 0, 0, 0};
        rt_monitor_add(self, ref, none, obj, true);
        dist_monitor(w, self->pid, node, NULL, name, ref, obj);
    } else {
        obj = term_pid_new(pid);
        ref = rt_monitor(w, self, &pid, obj);
    }
    term_unref(obj);
    term *from = term_tuplev(2, term_pid_new(self->pid), term_ref(ref));
    term *msg = term_tuplev(3, term_atom_s("$gen_call"), from, term_ref(c->args[1]));
    if (name)
        dist_send_named(w, me(c), name, node, msg);
    else
        rt_send(w, me(c), &self->pid, pid, msg);
    term_unref(msg);
    call_wait *r = xcalloc(1, sizeof *r);
    r->ref = ref;
    r->self = self->pid;
    r->args = bif_args(c);
    r->node = node >= 0 ? w->nodes[node].atom
                        : c->args[0]->tag == T_TUPLE ? c->args[0]->u.tuple.el[1]->u.atom : 0;
    shell_wait wt = {call_match, call_timeout, call_wait_free, r, timeout};
    return bif_block(c, wt);
}

static ev_status b_cast(bif_call_ctx *c)
{
    term_pid pid;
    atom_t name;
    int node;
    bool bad;
    if (resolve(c, c->args[0], &pid, &name, &node, &bad)) {
        term *msg = term_tuplev(2, term_atom_s("$gen_cast"), term_ref(c->args[1]));
        if (name)
            dist_send_named(c->w, me(c), name, node, msg);
        else
            rt_send(c->w, me(c), &c->self->pid, pid, msg);
        term_unref(msg);
    } else if (bad) {
        return bif_raise(c, "error", term_atom_s("function_clause"));
    }
    /* gen_server:cast never fails */
    return bif_return(c, term_atom_s("ok"));
}

/* ---- dist_kv ---- */

static term *kv_call(world *w, proc *p, term *req)
{
    (void)w;
    gs_state *s = p->state;
    if (req->tag == T_TUPLE && req->u.tuple.n == 2 &&
        term_is_atom(req->u.tuple.el[0], A("get"))) {
        term *v = term_map_get(s->data, req->u.tuple.el[1]);
        return v ? term_tuplev(2, term_atom_s("ok"), term_ref(v))
                 : term_atom_s("not_found");
    }
    return term_tuplev(2, term_atom_s("error"), term_atom_s("unknown_call"));
}

/* Maps are immutable terms: a put builds the next version. */
static term *map_put(term *map, term *k, term *v)
{
    uint32_t n = map->u.map.n;
    term **ks = xcalloc((size_t)n + 1, sizeof *ks), **vs = xcalloc((size_t)n + 1, sizeof *vs);
    for (uint32_t i = 0; i < n; i++) {
        ks[i] = term_ref(map->u.map.keys[i]);
        vs[i] = term_ref(map->u.map.vals[i]);
    }
    ks[n] = term_ref(k);
    vs[n] = term_ref(v);
    term *m = term_map(n + 1, ks, vs);
    free(ks);
    free(vs);
    return m;
}

static void kv_cast(world *w, proc *p, term *req)
{
    gs_state *s = p->state;
    if (req->tag == T_TUPLE && req->u.tuple.n == 3 &&
        term_is_atom(req->u.tuple.el[0], A("put"))) {
        term *m = map_put(s->data, req->u.tuple.el[1], req->u.tuple.el[2]);
        term_unref(s->data);
        s->data = m;
        char *ks = rt_str(w, p->node, req->u.tuple.el[1]);
        char *vs = rt_str(w, p->node, req->u.tuple.el[2]);
        rt_emit(w, p->node, "op", NULL, NULL, NULL, ks, vs, "stored", "dist_kv put");
        free(ks);
        free(vs);
    }
}

static const gs_callbacks kv_callbacks = {kv_call, kv_cast};

static const behaviour kv_behaviour = {
    "dist_kv", "init", 1, NULL, gs_message, NULL, gs_terminate,
};

static proc *kv_start(world *w, int node, int leader, bool *already)
{
    proc *old = rt_whereis(w, node, A("dist_kv"));
    if (old) {
        *already = true;
        return old;
    }
    *already = false;
    term *args = term_nil();
    term_pid pid;
    proc *p = rt_spawn(w, node, &kv_behaviour, args, leader, &pid);
    term_unref(args);
    gs_state *s = xcalloc(1, sizeof *s);
    s->cb = &kv_callbacks;
    s->data = term_map(0, NULL, NULL);
    p->state = s;
    rt_register(w, p, A("dist_kv"));
    return p;
}

/* dist_kv:start_link() -> {ok, Pid} | {error, {already_started, Pid}} */
static ev_status b_kv_start_link(bif_call_ctx *c)
{
    bool already;
    proc *p = kv_start(c->w, c->self->node, c->self->leader, &already);
    if (already)
        return bif_return(c, term_tuplev(2, term_atom_s("error"),
                          term_tuplev(2, term_atom_s("already_started"),
                                      term_pid_new(p->pid))));
    rt_link(c->w, c->self, p->pid);
    return bif_return(c, term_tuplev(2, term_atom_s("ok"), term_pid_new(p->pid)));
}

/* put(K, V) -> [gen_server:cast({dist_kv, N}, {put, K, V}) || N <- [node() | nodes()]], ok. */
static ev_status b_kv_put(bif_call_ctx *c)
{
    world *w = c->w;
    int x = c->self->node;
    int *ks = xcalloc((size_t)w->n + 1, sizeof *ks);
    int n = dist_visible(w, x, ks + 1);
    ks[0] = x;
    term *req = term_tuplev(3, term_atom_s("put"), term_ref(c->args[0]),
                            term_ref(c->args[1]));
    term *msg = term_tuplev(2, term_atom_s("$gen_cast"), req);
    for (int i = 0; i <= n; i++) {
        if (ks[i] == x) {
            proc *p = rt_whereis(w, x, A("dist_kv"));
            if (p)
                rt_send(w, x, &c->self->pid, p->pid, msg);
        } else {
            dist_send_named(w, x, A("dist_kv"), ks[i], msg);
        }
    }
    term_unref(msg);
    free(ks);
    return bif_return(c, term_atom_s("ok"));
}

/* get(K) -> gen_server:call(dist_kv, {get, K}). */
static ev_status b_kv_get(bif_call_ctx *c)
{
    term *dest = term_atom_s("dist_kv");
    term *req = term_tuplev(2, term_atom_s("get"), term_ref(c->args[0]));
    term *args[2] = {dest, req};
    bif_call_ctx cc = *c;
    cc.mod = A("gen_server");
    cc.fun = A("call");
    cc.argc = 2;
    cc.args = args;
    ev_status st = b_call(&cc);
    term_unref(dest);
    term_unref(req);
    return st;
}

static const bif_reg bifs[] = {
    {"gen_server", "call", 2, b_call, BIF_QUALIFIED},
    {"gen_server", "call", 3, b_call, BIF_QUALIFIED},
    {"gen_server", "cast", 2, b_cast, BIF_QUALIFIED},
    {"dist_kv", "start_link", 0, b_kv_start_link, BIF_QUALIFIED},
    {"dist_kv", "put", 2, b_kv_put, BIF_QUALIFIED},
    {"dist_kv", "get", 1, b_kv_get, BIF_QUALIFIED},
    {NULL, NULL, 0, NULL, BIF_QUALIFIED},
};

/* An application that is a loaded module: Mod:start_link() if it
 * exports it, else Mod:start(), run by a process of the node's own (as
 * application_master runs an application's start), whose output goes to
 * the node's console. What it returns is dropped; an exception is
 * reported as a crashing process's. */
static bool start_user_app(world *w, int node, const char *name)
{
    const ev_module *m = rt_module(&w->nodes[node], atom_intern(name));
    if (!m)
        return false;
    bool link = ev_module_export(m, atom_intern("start_link"), 0) != NULL;
    char src[300];
    snprintf(src, sizeof src, "%s:%s().", name, link ? "start_link" : "start");
    shell_eval_detached(w, node, node, src, ev_env_new(), NULL, NULL);
    return true;
}

/* A booting node starts the applications its config lists: a loaded
 * module of that name replaces the built-in one. */
static void on_booted(world *w, int node)
{
    vnode *nd = &w->nodes[node];
    for (int i = 0; i < nd->cfg.napps; i++) {
        if (start_user_app(w, node, nd->cfg.apps[i]))
            continue;
        if (!strcmp(nd->cfg.apps[i], "dist_kv")) {
            bool already;
            kv_start(w, node, node, &already);
        }
    }
}

void apps_install(world *w)
{
    world_hooks h = {0};
    h.booted = on_booted;
    world_add_hooks(w, &h);
    bif_register(w, bifs);
    otp_install(w);
}
