/* register: registration in global's name table, as global.erl does it.
 * register_name/unregister_name/re_register_name hand a fun to the
 * node's registrar (handle_call({registrar, Fun}, ...)), one process
 * that serves one request at a time in arrival order
 * (loop_the_registrar/0): a second request issued meanwhile waits its
 * turn. The registrar runs trans_all_known/1:
 *   - set_lock_known/2 takes the lock {global, Registrar} first on the
 *     boss alone (the_boss/1: the highest-named of this node and the
 *     nodes it knows), then on all of them (lock_on_known_nodes/3; a
 *     node that is down counts as granted, as gen_server:multi_call
 *     leaves it out of the replies). A refusal releases what it got
 *     (check_replies/3, then del_lock(Id, [Boss])) and tries again
 *     after random_sleep(Times): a uniform 1 .. 125 * 2^Times ms, Times
 *     counting from 0, and 8 s from Times 6 on;
 *   - the fun checks the name (where/1, check_dupname/2) and
 *     multi_calls the change to every node of the lock;
 *   - delete_global_lock/2 releases the lock on the other nodes, then
 *     on the boss, each a multi_call that is waited for;
 * then the caller gets its answer: the name is on all connected visible
 * nodes when the call returns (register_name/3's multi_call), and the
 * call waits while a peer does not answer until that peer is declared
 * down. Each node that inserts a name monitors its pid
 * (insert_global_name/6), so a dead pid's name goes on every node
 * (handle_info({'DOWN', ...}), del_name/2). The BIFs
 * (register_name/2,3, whereis_name/1, send/2, ...) are the rows of
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
    free(r->granted);
    free(r);
}

void glob__reqs_free(greq *r)
{
    while (r) {
        greq *next = r->next;
        glob__req_free(r);
        r = next;
    }
}

static void reply_caller(world *w, greq *r, term *result)
{
    proc *p = rt_find(w, r->caller);
    if (p) {
        term *m = tag3("$global_reply", term_ref(r->ref), result);
        rt_deliver(w, p, m);
        term_unref(m);
    } else {
        term_unref(result);
    }
}

/* ---- the lock on one node (handle_set_lock/3, handle_del_lock/3) ---- */

/* Node k grants the lock to node req's registrar unless another holds
 * it (can_set_lock/1). */
static bool lock_take(world *w, int k, int req)
{
    glob_node *g = gn(w, k);
    if (g->locked && g->lock_node != req)
        return false;
    g->locked = true;
    g->lock_node = req;
    return true;
}

static void lock_drop(world *w, int k, int req)
{
    glob_node *g = gn(w, k);
    if (g->locked && g->lock_node == req)
        g->locked = false;
}

/* ---- the registrar's round ---- */

static void start_round(world *w, int x);
static void all_phase(world *w, int x);
static void all_phase_done(world *w, int x);

/* Sends {tag, Id} to the nodes of `to` but x, waiting for each. */
static void call_set(world *w, int x, greq *r, const bool *to, const char *tag)
{
    memset(r->pending, 0, (size_t)w->n * sizeof *r->pending);
    r->npending = 0;
    term *m = term_tuplev(2, term_atom_s(tag), term_int((int64_t)r->id));
    for (int k = 0; k < w->n; k++)
        if (to[k] && k != x && dist_connected(w, x, k)) {
            r->pending[k] = true;
            r->npending++;
            glob__send(w, x, k, m);
        }
    term_unref(m);
}

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

/* global.erl random_sleep/1: Tmax = 8000 ms when Times > 5, else
 * (1 bsl Times) * 1000 div 8 ms; the pause is rand:uniform(Tmax) ms. */
int64_t glob__random_sleep_max_ms(int times)
{
    return times > 5 ? 8000 : (1000LL << times) / 8;
}

static void sleep_and_retry(world *w, int x)
{
    greq *r = gn(w, x)->req;
    int64_t tmax = glob__random_sleep_max_ms(r->tries);
    r->tries++;
    int64_t ms = 1 + (int64_t)rng_below(&w->nodes[x].r, (uint64_t)tmax);
    r->retry = sim_after(w->s, ms * 1000, on_retry, w, (uint64_t)x);
}

static void finish(world *w, int x)
{
    glob_node *g = gn(w, x);
    greq *r = g->req;
    term *result;
    if (r->kind == GR_UNREGISTER)
        result = term_atom_s("ok");
    else
        result = term_atom_s(r->result ? "yes" : "no");
    g->req = r->next;
    if (!g->req)
        g->req_last = NULL;
    reply_caller(w, r, result);
    glob__req_free(r);
    /* loop_the_registrar/0 takes the next request at once */
    if (g->req)
        start_round(w, x);
}

/* The locks are released: the answer, or another try. */
static void unlocked(world *w, int x)
{
    greq *r = gn(w, x)->req;
    if (r->then == GT_FINISH)
        finish(w, x);
    else
        sleep_and_retry(w, x);
}

/* del_lock(Id, [Boss]) (the second half of delete_global_lock/2, or
 * set_lock_known/2 after a refusal). */
static void unlock_boss(world *w, int x)
{
    greq *r = gn(w, x)->req;
    r->phase = GP_UNLOCK_BOSS;
    if (r->boss == x) {
        lock_drop(w, x, x);
        unlocked(w, x);
        return;
    }
    bool *to = xcalloc((size_t)w->n, sizeof *to);
    to[r->boss] = true;
    call_set(w, x, r, to, "unlock");
    free(to);
    if (!r->npending)
        unlocked(w, x);
}

/* del_lock(Id, Nodes) on the nodes of `set` (the local one at once),
 * then, if boss, on the boss; then `then`. */
static void start_unlock(world *w, int x, const bool *set, bool boss,
                         greq_then then)
{
    greq *r = gn(w, x)->req;
    r->phase = GP_UNLOCK;
    r->then = then;
    r->unlock_boss = boss;
    if (set && set[x])
        lock_drop(w, x, x);
    if (set)
        call_set(w, x, r, set, "unlock");
    else
        r->npending = 0;
    if (r->npending)
        return;
    if (boss)
        unlock_boss(w, x);
    else
        unlocked(w, x);
}

/* delete_global_lock/2: the other nodes first, then the boss. */
static void release_all(world *w, int x, greq_then then)
{
    greq *r = gn(w, x)->req;
    bool *set = xcalloc((size_t)w->n, sizeof *set);
    memcpy(set, r->asked, (size_t)w->n * sizeof *set);
    set[r->boss] = false;
    start_unlock(w, x, set, true, then);
    free(set);
}

static void apply_update(world *w, int k, greq_kind kind, atom_t name,
                         term_pid pid, atom_t method)
{
    if (kind == GR_UNREGISTER) {
        glob__del_name(w, k, name, "unregister");
        return;
    }
    glob__put_name(w, k, name, pid, method);
    /* insert_global_name/6: erlang:monitor(process, Pid) on every node.
     * A dead local pid's 'DOWN' (noproc) comes at once; a remote one's
     * comes back from the pid's node (its {died, ...}), or at once with
     * noconnection when that node is not connected. */
    int j = rt_node_index(w, pid.node);
    if (j == k) {
        if (!rt_find(w, pid))
            glob__del_name(w, k, name, "noproc");
    } else if (j < 0 || !dist_connected(w, k, j)) {
        glob__del_name(w, k, name, "noconnection");
    } else {
        term *m = tag3("monitor", term_atom(name), term_pid_new(pid));
        glob__send(w, k, j, m);
        term_unref(m);
    }
}

static term *update_msg(greq *r)
{
    return term_tuplev(6, term_atom_s("update"), term_int((int64_t)r->id),
                       term_int(r->kind), term_atom(r->name),
                       term_pid_new(r->pid), term_atom(r->method));
}

/* Every lock is held: the registrar's fun checks the name and
 * multi_calls the change to every node of the lock. */
static void update_phase(world *w, int x)
{
    glob_node *g = gn(w, x);
    greq *r = g->req;
    r->phase = GP_UPDATE;
    r->result = true;
    if (r->kind == GR_REGISTER) {
        gname *e = glob__lookup(g, r->name);
        if (e) {
            r->result = false;
            release_all(w, x, GT_FINISH);
            return;
        }
        /* check_dupname/2: one pid, one name */
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
                release_all(w, x, GT_FINISH);
                return;
            }
    }
    apply_update(w, x, r->kind, r->name, r->pid, r->method);
    memset(r->pending, 0, (size_t)w->n * sizeof *r->pending);
    r->npending = 0;
    term *m = update_msg(r);
    for (int k = 0; k < w->n; k++)
        if (r->asked[k] && k != x && dist_connected(w, x, k)) {
            r->pending[k] = true;
            r->npending++;
            glob__send(w, x, k, m);
        }
    term_unref(m);
    if (!r->npending)
        release_all(w, x, GT_FINISH);
}

/* A new round of set_lock_known/2: Nodes is this node and the visible
 * nodes it knows; the lock is asked of the boss first. */
static void start_round(world *w, int x)
{
    glob_node *g = gn(w, x);
    greq *r = g->req;
    r->id = ((uint64_t)x << 40) | ++g->next_id;
    r->denied = false;
    memset(r->asked, 0, (size_t)w->n * sizeof *r->asked);
    int *ks = xcalloc((size_t)w->n + 1, sizeof *ks);
    int n = visible(w, x, ks);
    r->asked[x] = true;
    r->boss = x;
    for (int i = 0; i < n; i++) {
        r->asked[ks[i]] = true;
        if (strcmp(w->nodes[ks[i]].name, w->nodes[r->boss].name) > 0)
            r->boss = ks[i];
    }
    free(ks);
    r->phase = GP_BOSS;
    if (r->boss == x) {
        if (lock_take(w, x, x))
            all_phase(w, x);
        else
            sleep_and_retry(w, x);
        return;
    }
    bool *to = xcalloc((size_t)w->n, sizeof *to);
    to[r->boss] = true;
    call_set(w, x, r, to, "lock");
    free(to);
    if (!r->npending)
        all_phase(w, x);  /* the boss went down: no replies, true */
}

/* lock_on_known_nodes/3: the lock on every node of Nodes (the local one
 * first: local_lock_check/2), then a check that no node joined. */
static void all_phase(world *w, int x)
{
    glob_node *g = gn(w, x);
    greq *r = g->req;
    r->phase = GP_ALL;
    r->nreplies = 0;
    memset(r->granted, 0, (size_t)w->n * sizeof *r->granted);
    int nodes = 0;
    for (int k = 0; k < w->n; k++)
        nodes += r->asked[k];
    if (nodes > 1 && g->locked && g->lock_node != x) {
        /* refused here: nothing was asked, only the boss is released */
        start_unlock(w, x, NULL, true, GT_RETRY);
        return;
    }
    lock_take(w, x, x);
    r->granted[x] = true;
    r->nreplies = 1;
    call_set(w, x, r, r->asked, "lock");
    if (!r->npending)
        all_phase_done(w, x);
}

/* check_replies/3 and set_lock_known/2: every node granted the lock and
 * none joined meanwhile, or the round is given up. */
static void all_phase_done(world *w, int x)
{
    greq *r = gn(w, x)->req;
    if (r->denied) {
        /* the nodes that said true release it (unless the only reply
         * was the refusal), then the boss */
        start_unlock(w, x, r->nreplies > 1 ? r->granted : NULL, true, GT_RETRY);
        return;
    }
    int *ks = xcalloc((size_t)w->n + 1, sizeof *ks);
    int n = visible(w, x, ks);
    bool joined = false;
    for (int i = 0; i < n; i++)
        joined |= !r->asked[ks[i]];
    free(ks);
    if (joined) {
        /* get_known() -- Known =/= []: del_lock(Id, [Boss]), again */
        start_unlock(w, x, NULL, true, GT_RETRY);
        return;
    }
    update_phase(w, x);
}

/* An answer from y about the current round (reply false: y went down,
 * which gen_server:multi_call leaves out of the replies). */
static void answered(world *w, int x, int y, bool ok, bool reply)
{
    glob_node *g = gn(w, x);
    greq *r = g->req;
    if (!r || !r->pending[y])
        return;
    r->pending[y] = false;
    r->npending--;
    if (reply && r->phase == GP_ALL) {
        r->nreplies++;
        r->granted[y] = ok;
    }
    if (reply && !ok)
        r->denied = true;
    if (r->npending)
        return;
    switch (r->phase) {
    case GP_BOSS:
        if (r->denied)
            sleep_and_retry(w, x);
        else
            all_phase(w, x);
        break;
    case GP_ALL:
        all_phase_done(w, x);
        break;
    case GP_UPDATE:
        release_all(w, x, GT_FINISH);
        break;
    case GP_UNLOCK:
        if (r->unlock_boss)
            unlock_boss(w, x);
        else
            unlocked(w, x);
        break;
    case GP_UNLOCK_BOSS:
        unlocked(w, x);
        break;
    }
}

/* ---- messages, node life ---- */

static uint64_t msg_id(const term *msg)
{
    return (uint64_t)msg->u.tuple.el[1]->u.i;
}

static void answer(world *w, int to, int from, const char *tag, term *id,
                   term *v)
{
    term *m = v ? tag3(tag, id, v) : term_tuplev(2, term_atom_s(tag), id);
    glob__send(w, to, from, m);
    term_unref(m);
}

bool glob__reg_recv(world *w, int to, int from, const char *t, term *msg)
{
    glob_node *g = gn(w, to);
    greq *r = g->req;
    if (!strcmp(t, "lock")) {
        bool ok = lock_take(w, to, from);
        answer(w, to, from, "lock_answer", term_ref(msg->u.tuple.el[1]), term_bool(ok));
    } else if (!strcmp(t, "lock_answer")) {
        if (r && (r->phase == GP_BOSS || r->phase == GP_ALL) && msg_id(msg) == r->id)
            answered(w, to, from, term_is_atom(msg->u.tuple.el[2], A("true")), true);
    } else if (!strcmp(t, "unlock")) {
        lock_drop(w, to, from);
        answer(w, to, from, "unlock_ok", term_ref(msg->u.tuple.el[1]), NULL);
    } else if (!strcmp(t, "unlock_ok")) {
        if (r && (r->phase == GP_UNLOCK || r->phase == GP_UNLOCK_BOSS) &&
            msg_id(msg) == r->id)
            answered(w, to, from, true, true);
    } else if (!strcmp(t, "update")) {
        apply_update(w, to, (greq_kind)msg->u.tuple.el[2]->u.i,
                     msg->u.tuple.el[3]->u.atom, msg->u.tuple.el[4]->u.pid,
                     msg->u.tuple.el[5]->u.atom);
        answer(w, to, from, "update_ok", term_ref(msg->u.tuple.el[1]), NULL);
    } else if (!strcmp(t, "update_ok")) {
        if (r && r->phase == GP_UPDATE && msg_id(msg) == r->id)
            answered(w, to, from, true, true);
    } else if (!strcmp(t, "monitor")) {
        /* another node's monitor of a pid here: a dead one's 'DOWN'
         * (noproc) goes back at once; a live one's when it dies
         * (global.c on_proc_exit) */
        if (!rt_find(w, msg->u.tuple.el[2]->u.pid)) {
            term *m = tag3("died", term_ref(msg->u.tuple.el[1]),
                           term_ref(msg->u.tuple.el[2]));
            glob__send(w, to, from, m);
            term_unref(m);
        }
    } else {
        return false;
    }
    return true;
}

void glob__reg_nodedown(world *w, int x, int y)
{
    glob_node *g = gn(w, x);
    /* the lock's monitor of y's registrar fires (delete_lock/2) */
    lock_drop(w, x, y);
    if (g->req)
        answered(w, x, y, true, false);
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
    glob__reqs_free(g->req);
    g->req = g->req_last = NULL;
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

/* handle_call({registrar, Fun}, ...): the request joins the node's
 * registrar queue; the caller blocks until its answer
 * (gen_server:call(global_name_server, {registrar, Fun}, infinity)). */
static ev_status start_req(bif_call_ctx *c, greq_kind kind, atom_t name,
                           term_pid pid, atom_t method)
{
    world *w = c->w;
    int x = c->self->node;
    glob_node *g = gn(w, x);
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
    r->granted = xcalloc((size_t)w->n, sizeof *r->granted);
    shell_wait wt = {reply_match, NULL, unref_data, term_ref(r->ref), -1};
    ev_status st = bif_block(c, wt);
    if (g->req_last) {
        g->req_last->next = r;  /* behind the running one: it waits */
        g->req_last = r;
    } else {
        g->req = g->req_last = r;
        start_round(w, x);
    }
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
    /* unregister_name/1: a name where/1 does not know is ok at once */
    if (!glob_whereis(c->w, c->self->node, c->args[0]->u.atom))
        return bif_return(c, term_atom_s("ok"));
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
        /* exit({badarg, {Name, Msg}}), which erl 25 shows "in
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

/* global:sync/0: ok once the name exchange with every
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

