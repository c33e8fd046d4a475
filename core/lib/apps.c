/* apps: processes every node runs, and the built-in applications.
 *
 * - rex: rpc's server (registered as rex, as in OTP); rpc:call runs the
 *   requested BIF with rex as the calling process.
 * - a minimal gen_server in C: '$gen_call' {From, Req} gets a reply
 *   {Tag, Reply} to From = {Pid, Tag}, '$gen_cast' and other messages
 *   are handled without one (gen_server.erl's loop).
 * - dist_kv, the chapter's replicated store, exactly as the book builds
 *   it: put/2 casts {put, K, V} to {dist_kv, N} for every N in
 *   [node() | nodes()], get/1 calls the local server, and nothing ever
 *   merges (otp_facts.md 22). get/1 answers {ok, V} or not_found.
 *
 * System processes take pids below the shell's <0.87.0>, as OTP's
 * kernel processes do. */
#include "core/rt/rt.h"

#include <stdlib.h>
#include <string.h>
#include "core/term/xalloc.h"

#define FIRST_SYSTEM_PID 80
#define FIRST_USER_PID 87

static atom_t A(const char *s) { return atom_intern(s); }

/* ---- rex ---- */

static const behaviour rex_behaviour = {"rpc", "rex", 0, NULL, NULL, NULL, NULL};

proc *apps_rex(world *w, int node)
{
    return rt_whereis(w, node, A("rex"));
}

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
    ev_status st = dist_bif(A("gen_server"), A("call"), 2)(&cc);
    term_unref(dest);
    term_unref(req);
    return st;
}

bif_fn app_bif(atom_t mod, atom_t fun, uint32_t arity)
{
    if (strcmp(atom_text(mod), "dist_kv"))
        return NULL;
    const char *f = atom_text(fun);
    if (!strcmp(f, "start_link") && arity == 0)
        return b_kv_start_link;
    if (!strcmp(f, "put") && arity == 2)
        return b_kv_put;
    if (!strcmp(f, "get") && arity == 1)
        return b_kv_get;
    return NULL;
}

const behaviour *app_behaviour(atom_t mod, atom_t fun, uint32_t arity)
{
    (void)mod, (void)fun, (void)arity;
    return NULL;
}

void apps_boot(world *w, int node)
{
    vnode *nd = &w->nodes[node];
    nd->next_pid = FIRST_SYSTEM_PID;
    term *args = term_nil();
    term_pid pid;
    proc *rex = rt_spawn(w, node, &rex_behaviour, args, node, &pid);
    term_unref(args);
    rt_register(w, rex, A("rex"));
    for (int i = 0; i < nd->cfg.napps; i++) {
        if (!strcmp(nd->cfg.apps[i], "dist_kv")) {
            bool already;
            kv_start(w, node, node, &already);
        }
    }
    if (nd->next_pid < FIRST_USER_PID)
        nd->next_pid = FIRST_USER_PID;
}
