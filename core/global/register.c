/* register: registration in global's name table, as global.erl does it:
 * register_name/unregister_name take the cluster lock ({global, ...},
 * global:trans/set_lock) on every visible node, apply the change
 * everywhere, wait for every node to acknowledge, then release the lock:
 * the name is visible on all connected visible nodes when the call
 * returns (otp_facts.md 17), and the call waits while a peer does not
 * answer until that peer is declared down. A refused lock releases what
 * it got and retries after a random back-off (global's random_sleep), so
 * two concurrent registrations of one name give exactly one `yes`. The
 * BIFs (register_name/2,3, whereis_name/1, send/2, ...) are the rows of
 * glob__bifs; a registering shell blocks until its request finishes. */
#include "core/global/global_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/term/xalloc.h"

static atom_t A(const char *s) { return atom_intern(s); }

void glob__req_free(greq *r)
{
    if (!r)
        return;
    term_unref(r->ref);
    free(r->pending);
    free(r->asked);
    free(r);
}

static bool pid_alive_or_remote(world *w, int k, term_pid pid)
{
    return rt_node_index(w, pid.node) != k || rt_find(w, pid) != NULL;
}

static void reply_caller(world *w, int x, greq *r, term *result)
{
    proc *p = rt_find(w, r->caller);
    if (p) {
        term *m = tag3("$global_reply", term_ref(r->ref), result);
        rt_deliver(w, p, m);
        term_unref(m);
    } else {
        term_unref(result);
    }
    (void)x;
}

static void broadcast(world *w, int x, const bool *to, term *msg)
{
    for (int k = 0; k < w->n; k++)
        if (to[k] && k != x)
            glob__send(w, x, k, msg);
}

static void unlock_all(world *w, int x, greq *r)
{
    term *m = term_tuplev(2, term_atom_s("unlock"), term_int((int64_t)r->id));
    broadcast(w, x, r->asked, m);
    term_unref(m);
    glob_node *g = gn(w, x);
    if (g->locked && g->lock_id == r->id)
        g->locked = false;
}

static void start_round(world *w, int x);

static void on_retry(sim *s, void *ctx, uint64_t arg)
{
    (void)s;
    world *w = ctx;
    int x = (int)arg;
    greq *r = gn(w, x)->req;
    if (r) {
        r->retry = (sim_timer){0, 0};
        if (w->nodes[x].state == NODE_FROZEN)
            gn(w, x)->retry_due = true;
        else
            start_round(w, x);
    }
}

static void finish(world *w, int x)
{
    glob_node *g = gn(w, x);
    greq *r = g->req;
    unlock_all(w, x, r);
    term *result;
    if (r->kind == GR_UNREGISTER)
        result = term_atom_s("ok");
    else
        result = term_atom_s(r->result ? "yes" : "no");
    g->req = NULL;
    reply_caller(w, x, r, result);
    glob__req_free(r);
}

static void apply_update(world *w, int k, greq_kind kind, atom_t name,
                         term_pid pid, atom_t method)
{
    if (kind == GR_UNREGISTER) {
        glob__del_name(w, k, name, "unregister");
        return;
    }
    glob__put_name(w, k, name, pid, method);
    /* a dead pid's name vanishes at once (otp_facts.md 17) */
    if (!pid_alive_or_remote(w, k, pid))
        glob__del_name(w, k, name, "noproc");
}

static term *update_msg(greq *r)
{
    return term_tuplev(6, term_atom_s("update"), term_int((int64_t)r->id),
                       term_int(r->kind), term_atom(r->name),
                       term_pid_new(r->pid), term_atom(r->method));
}

/* Every lock is held: check and apply the change everywhere. */
static void update_phase(world *w, int x)
{
    glob_node *g = gn(w, x);
    greq *r = g->req;
    r->phase = 1;
    if (r->kind == GR_REGISTER) {
        gname *e = glob__lookup(g, r->name);
        if (e) {
            r->result = false;
            finish(w, x);
            return;
        }
        /* one pid, one name (otp_facts.md 17) */
        for (uint32_t i = 0; i < g->n; i++)
            if (same_pid(g->names[i].pid, r->pid)) {
                term *p = term_pid_new(r->pid);
                char *ps = rt_str(w, x, p);
                term_unref(p);
                char text[512];
                snprintf(text, sizeof text,
                         "global: %s registered under several names: [%s,%s]",
                         ps, atom_text(r->name), atom_text(g->names[i].name));
                free(ps);
                rt_log(w, x, "error", text);
                r->result = false;
                finish(w, x);
                return;
            }
    }
    if (r->kind == GR_UNREGISTER && !glob__lookup(g, r->name)) {
        finish(w, x);
        return;
    }
    r->result = true;
    apply_update(w, x, r->kind, r->name, r->pid, r->method);
    r->npending = 0;
    for (int k = 0; k < w->n; k++) {
        r->pending[k] = r->asked[k] && k != x && dist_connected(w, x, k);
        r->npending += r->pending[k];
    }
    term *m = update_msg(r);
    broadcast(w, x, r->pending, m);
    term_unref(m);
    if (!r->npending)
        finish(w, x);
}

static void start_round(world *w, int x)
{
    glob_node *g = gn(w, x);
    greq *r = g->req;
    r->id = ((uint64_t)x << 40) | ++g->next_id;
    r->phase = 0;
    r->denied = false;
    memset(r->asked, 0, (size_t)w->n * sizeof *r->asked);
    memset(r->pending, 0, (size_t)w->n * sizeof *r->pending);
    r->npending = 0;
    if (g->locked) {
        r->denied = true;
    } else {
        g->locked = true;
        g->lock_id = r->id;
        g->lock_node = x;
    }
    int *ks = xcalloc((size_t)w->n + 1, sizeof *ks);
    int n = visible(w, x, ks);
    for (int i = 0; i < n; i++) {
        r->asked[ks[i]] = r->pending[ks[i]] = true;
        r->npending++;
    }
    free(ks);
    term *m = term_tuplev(2, term_atom_s("lock"), term_int((int64_t)r->id));
    if (!r->denied)
        broadcast(w, x, r->asked, m);
    term_unref(m);
    if (r->denied || !r->npending) {
        if (r->denied) {
            r->npending = 0;
            memset(r->pending, 0, (size_t)w->n * sizeof *r->pending);
            goto backoff;
        }
        update_phase(w, x);
    }
    return;
backoff:
    unlock_all(w, x, r);
    {
        /* global:random_sleep: a random pause, longer after each try */
        int t = r->tries < 4 ? r->tries : 4;
        r->tries++;
        int64_t d = 1000 + (int64_t)rng_below(&w->nodes[x].r, (uint64_t)(100000 << t));
        r->retry = sim_after(w->s, d, on_retry, w, (uint64_t)x);
    }
}

/* An answer from y about the current round (or y went down). */
static void answered(world *w, int x, int y, bool ok)
{
    glob_node *g = gn(w, x);
    greq *r = g->req;
    if (!r || !r->pending[y])
        return;
    r->pending[y] = false;
    r->npending--;
    if (!ok)
        r->denied = true;
    if (r->npending)
        return;
    if (r->phase == 1) {
        finish(w, x);
        return;
    }
    if (!r->denied) {
        update_phase(w, x);
        return;
    }
    unlock_all(w, x, r);
    int t = r->tries < 4 ? r->tries : 4;
    r->tries++;
    int64_t d = 1000 + (int64_t)rng_below(&w->nodes[x].r, (uint64_t)(100000 << t));
    r->retry = sim_after(w->s, d, on_retry, w, (uint64_t)x);
}

/* ---- messages, node life ---- */

bool glob__reg_recv(world *w, int to, int from, const char *t, term *msg)
{
    glob_node *g = gn(w, to);
    if (!strcmp(t, "lock")) {
        uint64_t id = (uint64_t)msg->u.tuple.el[1]->u.i;
        bool ok = !g->locked || g->lock_id == id;
        if (ok) {
            g->locked = true;
            g->lock_id = id;
            g->lock_node = from;
        }
        term *m = tag3("lock_answer", term_int((int64_t)id), term_bool(ok));
        glob__send(w, to, from, m);
        term_unref(m);
    } else if (!strcmp(t, "lock_answer")) {
        greq *r = g->req;
        if (r && r->phase == 0 && (uint64_t)msg->u.tuple.el[1]->u.i == r->id)
            answered(w, to, from, term_is_atom(msg->u.tuple.el[2], A("true")));
    } else if (!strcmp(t, "unlock")) {
        if (g->locked && g->lock_id == (uint64_t)msg->u.tuple.el[1]->u.i)
            g->locked = false;
    } else if (!strcmp(t, "update")) {
        apply_update(w, to, (greq_kind)msg->u.tuple.el[2]->u.i,
                     msg->u.tuple.el[3]->u.atom, msg->u.tuple.el[4]->u.pid,
                     msg->u.tuple.el[5]->u.atom);
        term *m = term_tuplev(2, term_atom_s("update_ok"), term_ref(msg->u.tuple.el[1]));
        glob__send(w, to, from, m);
        term_unref(m);
    } else if (!strcmp(t, "update_ok")) {
        greq *r = g->req;
        if (r && r->phase == 1 && (uint64_t)msg->u.tuple.el[1]->u.i == r->id)
            answered(w, to, from, true);
    } else {
        return false;
    }
    return true;
}

void glob__reg_nodedown(world *w, int x, int y)
{
    glob_node *g = gn(w, x);
    if (g->locked && g->lock_node == y)
        g->locked = false;
    if (g->req)
        answered(w, x, y, true);
}

void glob__reg_resumed(world *w, int x)
{
    glob_node *g = gn(w, x);
    if (g->retry_due) {
        g->retry_due = false;
        if (g->req)
            start_round(w, x);
    }
}

void glob__reg_halted(world *w, int x)
{
    glob_node *g = gn(w, x);
    if (g->req)
        sim_cancel(w->s, g->req->retry);
    glob__req_free(g->req);
    g->req = NULL;
    g->retry_due = false;
    g->locked = false;
}

/* ---- BIFs ---- */

static bool reply_match(world *w, void *d, const term *m, term **res,
                        ev_exception *x, bool *raised)
{
    (void)w, (void)x, (void)raised;
    term *ref = d;
    if (m->tag != T_TUPLE || m->u.tuple.n != 3 ||
        !term_is_atom(m->u.tuple.el[0], A("$global_reply")) ||
        !term_equal(m->u.tuple.el[1], ref))
        return false;
    *res = term_ref(m->u.tuple.el[2]);
    return true;
}

static void unref_data(void *d) { term_unref(d); }

static ev_status start_req(bif_call_ctx *c, greq_kind kind, atom_t name,
                           term_pid pid, atom_t method)
{
    world *w = c->w;
    int x = c->self->node;
    glob_node *g = gn(w, x);
    if (g->req)  /* one request at a time per node: the caller waits */
        return bif_raise(c, "error", term_atom_s("busy"));
    if (!shell_is_evaluator(c->self))
        return bif_raise(c, "error", term_atom_s("notsup"));
    greq *r = xcalloc(1, sizeof *r);
    r->kind = kind;
    r->name = name;
    r->pid = pid;
    r->method = method;
    r->caller = c->self->pid;
    r->ref = rt_make_ref(w, x);
    r->pending = xcalloc((size_t)w->n, sizeof *r->pending);
    r->asked = xcalloc((size_t)w->n, sizeof *r->asked);
    g->req = r;
    shell_wait wt = {reply_match, NULL, unref_data, term_ref(r->ref), -1};
    ev_status st = bif_block(c, wt);
    start_round(w, x);
    return st;
}

static atom_t method_of(const term *f, bool *ok)
{
    *ok = true;
    if (f->tag != T_FUN || f->u.fun.arity != 3) {
        *ok = false;
        return 0;
    }
    const char *m = atom_text(f->u.fun.mod), *fn = atom_text(f->u.fun.fun);
    if (!strcmp(m, "global") && (!strcmp(fn, "random_exit_name") ||
                                 !strcmp(fn, "random_notify_name") ||
                                 !strcmp(fn, "notify_all_name")))
        return f->u.fun.fun;
    if (!strcmp(m, "clustersim") && !strcmp(fn, "none_name"))
        return A("none_name");
    *ok = false;
    return 0;
}

/* register_name/2,3 and re_register_name/2,3. */
static ev_status register_as(bif_call_ctx *c, greq_kind kind)
{
    if (c->args[0]->tag != T_ATOM || c->args[1]->tag != T_PID)
        return bif_badarg(c, 0, NULL);
    atom_t method = A("random_exit_name");
    if (c->argc == 3) {
        bool ok;
        method = method_of(c->args[2], &ok);
        if (!ok)
            return bif_badarg(c, 3, "not a known resolve function");
    }
    return start_req(c, kind, c->args[0]->u.atom, c->args[1]->u.pid, method);
}

static ev_status b_register(bif_call_ctx *c)
{
    return register_as(c, GR_REGISTER);
}

static ev_status b_re_register(bif_call_ctx *c)
{
    return register_as(c, GR_REREGISTER);
}

static ev_status b_unregister(bif_call_ctx *c)
{
    if (c->args[0]->tag != T_ATOM)
        return bif_badarg(c, 1, NULL);
    term_pid none = {0, 0, 0, 0};
    return start_req(c, GR_UNREGISTER, c->args[0]->u.atom, none, 0);
}

static ev_status b_whereis(bif_call_ctx *c)
{
    if (c->args[0]->tag != T_ATOM)
        return bif_badarg(c, 1, NULL);
    const term_pid *p = glob_whereis(c->w, c->self->node, c->args[0]->u.atom);
    return bif_return(c, p ? term_pid_new(*p) : term_atom_s("undefined"));
}

static ev_status b_send(bif_call_ctx *c)
{
    const term_pid *p = c->args[0]->tag == T_ATOM
        ? glob_whereis(c->w, c->self->node, c->args[0]->u.atom) : NULL;
    if (!p) {
        /* exit({badarg, {Name, Msg}}) (otp_facts.md 17), shown "in
         * function  global:send/2 (global.erl, line 252)" */
        bif_raise(c, "exit", term_tuplev(2, term_atom_s("badarg"),
                  term_tuplev(2, term_ref(c->args[0]), term_ref(c->args[1]))));
        term_unref(c->exc->args);
        c->exc->args = NULL;
        return EV_RAISED;
    }
    term_pid pid = *p;
    rt_send(c->w, c->self->node, &c->self->pid, pid, c->args[1]);
    return bif_return(c, term_pid_new(pid));
}

static ev_status b_registered_names(bif_call_ctx *c)
{
    glob_node *g = gn(c->w, c->self->node);
    term *l = term_nil();
    for (uint32_t i = g->n; i-- > 0;)
        l = term_cons(term_atom(g->names[i].name), l);
    return bif_return(c, l);
}

static bool gsync_match(world *w, void *d, const term *m, term **res,
                        ev_exception *x, bool *raised)
{
    (void)w, (void)x, (void)raised;
    const term *ref = d;
    if (m->tag != T_TUPLE || m->u.tuple.n != 2 ||
        !term_is_atom(m->u.tuple.el[0], atom_intern("$gsync")) ||
        !term_equal(m->u.tuple.el[1], ref))
        return false;
    *res = term_atom_s("ok");
    return true;
}

static void gsync_free(void *d) { term_unref(d); }

/* global:sync/0 (otp_facts 30): ok once the name exchange with every
 * connected visible node is done (global.erl sync/0). */
static ev_status b_sync(bif_call_ctx *c)
{
    term *ref = rt_make_ref(c->w, c->self->node);
    if (glob__sync_wait(c->w, c->self->node, c->self->pid, ref)) {
        term_unref(ref);
        return bif_return(c, term_atom_s("ok"));
    }
    shell_wait wt = {gsync_match, NULL, gsync_free, ref, -1};
    return bif_block(c, wt);
}

const bif_reg glob__bifs[] = {
    {"global", "sync", 0, b_sync, BIF_QUALIFIED},
    {"global", "register_name", 2, b_register, BIF_QUALIFIED},
    {"global", "register_name", 3, b_register, BIF_QUALIFIED},
    {"global", "re_register_name", 2, b_re_register, BIF_QUALIFIED},
    {"global", "re_register_name", 3, b_re_register, BIF_QUALIFIED},
    {"global", "unregister_name", 1, b_unregister, BIF_QUALIFIED},
    {"global", "whereis_name", 1, b_whereis, BIF_QUALIFIED},
    {"global", "send", 2, b_send, BIF_QUALIFIED},
    {"global", "registered_names", 0, b_registered_names, BIF_QUALIFIED},
    {NULL, NULL, 0, NULL, BIF_QUALIFIED},
};

