/* proc: processes on a node: spawning, mailboxes and the run loop,
 * registered names, links, monitors and exit signals.
 *
 * Semantics follow erlang(3) and the ERTS signal model:
 * - an exit signal with reason `kill` sent by exit/2 cannot be trapped
 *   and kills with reason `killed`; a process dying with reason `kill`
 *   sends `killed` along its links (erts: link exit signals never carry
 *   `kill`);
 * - `normal` exit signals are ignored unless trapped, or unless a
 *   process sends one to itself (erlang:exit/2: "If Pid is the calling
 *   process, ... terminated with reason normal");
 * - trap_exit turns exit signals into {'EXIT', From, Reason} messages;
 * - a monitor fires once with {'DOWN', Ref, process, Object, Reason};
 *   monitoring a dead process gives `noproc` at once.
 * Invariants: a process is in its node's table from spawn until rt_exit
 * starts; link entries are symmetric between live local processes; a
 * run event is pending iff p->scheduled. Signals to processes on other
 * nodes leave through the world's rt_remote (dist/ carries them). */
#include "core/rt/rt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/term/xalloc.h"

static atom_t A(const char *s) { return atom_intern(s); }

static char *pid_str(const world *w, int node, term_pid pid)
{
    term *t = term_pid_new(pid);
    char *s = rt_str(w, node, t);
    term_unref(t);
    return s;
}

proc *rt_find(const world *w, term_pid pid)
{
    int k = rt_node_index(w, pid.node);
    if (k < 0)
        return NULL;
    const vnode *nd = &w->nodes[k];
    if (nd->state == NODE_DOWN || pid.creation != nd->creation ||
        pid.number >= nd->nprocs)
        return NULL;
    proc *p = nd->procs[pid.number];
    return p && !p->exiting ? p : NULL;
}

static void run_proc(sim *s, void *ctx, uint64_t arg);

/* The process an engine event names ((node << 32) | number), or NULL. */
static proc *proc_of_arg(const world *w, uint64_t arg)
{
    const vnode *nd = &w->nodes[arg >> 32];
    uint32_t num = (uint32_t)arg;
    return num < nd->nprocs ? nd->procs[num] : NULL;
}

static void schedule(world *w, proc *p);
static void start_now(world *w, proc *p);

/* The process's receive or call timed out. What its behaviour waits for
 * may change with it, so the mailbox is scanned from the oldest again. */
static void fire_timeout(world *w, proc *p)
{
    mbox_rewind(&p->mq);
    if (p->beh->timeout)
        p->beh->timeout(w, p);
}

void rt_wake(world *w, proc *p)
{
    if (!p->started && w->nodes[p->node].state == NODE_UP) {
        term_pid pid = p->pid;
        start_now(w, p);
        if (rt_find(w, pid) != p)
            return;
    }
    schedule(w, p);
    if (p->timeout_due && w->nodes[p->node].state == NODE_UP) {
        p->timeout_due = false;
        fire_timeout(w, p);
    }
}

static void schedule(world *w, proc *p)
{
    if (p->scheduled || w->nodes[p->node].state != NODE_UP)
        return;
    p->scheduled = true;
    uint64_t arg = ((uint64_t)(uint32_t)p->node << 32) | p->pid.number;
    sim_after(w->s, 0, run_proc, w, arg);
}

static void run_proc(sim *s, void *ctx, uint64_t arg)
{
    (void)s;
    world *w = ctx;
    vnode *nd = &w->nodes[arg >> 32];
    proc *p = proc_of_arg(w, arg);
    if (!p)
        return;
    term_pid pid = p->pid;
    p->scheduled = false;
    if (nd->state != NODE_UP)
        return;  /* frozen: rt_wake schedules it again on resume */
    if (!p->started)
        return;  /* start_proc runs the mailbox after init */
    /* Offer what the waiting receive has not tried yet, oldest first. */
    mbox_msg **at = mbox_cursor(&p->mq);
    while (*at && p->beh->message) {
        /* Take the message out before offering it: a callback that takes
         * it runs code that may read the mailbox (flush(), a nested
         * receive). One that does not take it leaves the mailbox alone,
         * so `at` still holds the place to put it back. */
        term *m = mbox_take(&p->mq, at);
        if (p->beh->message(w, p, m)) {
            term_unref(m);
            if (rt_find(w, pid) != p || w->nodes[p->node].state != NODE_UP)
                return;
            /* the next receive starts from the oldest message, or from
             * where the code the callback ran left its own scan */
            at = mbox_cursor(&p->mq);
        } else {
            mbox_put_back(&p->mq, at, m);
            at = &(*at)->next;
            mbox_save(&p->mq, at);
        }
    }
}

void rt_deliver(world *w, proc *p, term *msg)
{
    mbox_push(&p->mq, msg);
    schedule(w, p);
}

static void on_timeout(sim *s, void *ctx, uint64_t arg)
{
    (void)s;
    world *w = ctx;
    vnode *nd = &w->nodes[arg >> 32];
    proc *p = proc_of_arg(w, arg);
    if (!p)
        return;
    p->timer = (sim_timer){0, 0};
    if (nd->state == NODE_FROZEN) {
        p->timeout_due = true;  /* a stopped OS process sees it late */
        return;
    }
    fire_timeout(w, p);
}

void rt_set_timeout(world *w, proc *p, int64_t us)
{
    sim_cancel(w->s, p->timer);
    p->timer = (sim_timer){0, 0};
    p->timeout_due = false;
    if (us >= 0 && us <= INT64_MAX - sim_now(w->s)) {
        uint64_t arg = ((uint64_t)(uint32_t)p->node << 32) | p->pid.number;
        p->timer = sim_after(w->s, us, on_timeout, w, arg);
    }
}

int64_t rt_ms_to_us(int64_t ms)
{
    return ms > INT64_MAX / 1000 ? INT64_MAX : ms * 1000;
}

/* The start event: a new process runs its init when first scheduled,
 * as an Erlang process starts after spawn returns. */
static void start_now(world *w, proc *p)
{
    term *args = p->start_args;
    p->start_args = NULL;
    p->started = true;
    term_pid pid = p->pid;
    p->beh->init(w, p, args);
    term_unref(args);
    if (rt_find(w, pid) == p && p->mq.len)
        schedule(w, p);
}

static void start_proc(sim *s, void *ctx, uint64_t arg)
{
    (void)s;
    world *w = ctx;
    proc *p = proc_of_arg(w, arg);
    /* a frozen node starts it when it resumes (rt_wake), which may come
     * before this event: it starts once */
    if (p && !p->started && w->nodes[p->node].state == NODE_UP)
        start_now(w, p);
}

proc *rt_spawn(world *w, int node_id, const behaviour *b, term *args,
               int leader, term_pid *pid)
{
    vnode *nd = &w->nodes[node_id];
    proc *p = xcalloc(1, sizeof *p);
    mbox_init(&p->mq);
    p->pid.node = nd->atom;
    p->pid.number = nd->next_pid++;
    p->pid.serial = 0;
    p->pid.creation = nd->creation;
    p->node = node_id;
    p->beh = b;
    p->leader = leader;
    if (p->pid.number >= nd->nprocs) {
        uint32_t n = nd->nprocs ? nd->nprocs : 128;
        while (n <= p->pid.number)
            n *= 2;
        nd->procs = xrealloc(nd->procs, n * sizeof *nd->procs);
        memset(nd->procs + nd->nprocs, 0, (n - nd->nprocs) * sizeof *nd->procs);
        nd->nprocs = n;
    }
    nd->procs[p->pid.number] = p;
    *pid = p->pid;
    char *ps = pid_str(w, node_id, p->pid);
    char mfa[256];
    if (b == &shell_apply_behaviour && term_list_length(args) == 3) {
        /* spawn(M, F, Args) of Erlang code: its initial call is M:F/A,
         * as process_info(P, initial_call) says */
        const term *m = args->u.cons.head, *f = args->u.cons.tail->u.cons.head;
        snprintf(mfa, sizeof mfa, "%s:%s/%ld", atom_text(m->u.atom),
                 atom_text(f->u.atom),
                 (long)term_list_length(args->u.cons.tail->u.cons.tail->u.cons.head));
    } else {
        snprintf(mfa, sizeof mfa, "%s:%s/%u", b->mod, b->fun, b->arity);
    }
    rt_emit(w, node_id, "spawn", NULL, ps, NULL, NULL, NULL, NULL, mfa);
    free(ps);
    if (b->init) {
        p->start_args = term_ref(args);
        uint64_t arg = ((uint64_t)(uint32_t)node_id << 32) | p->pid.number;
        sim_after(w->s, 0, start_proc, w, arg);
    } else {
        p->started = true;
    }
    return p;
}

/* ---- registered names ---- */

static int reg_pos(const vnode *nd, atom_t name, bool *found)
{
    /* DETERMINISM: names are kept sorted by text, the order registered/0
     * reports. */
    return (int)atom_search(nd->regs, nd->nregs, sizeof *nd->regs, name, found);
}

proc *rt_whereis(const world *w, int node_id, atom_t name)
{
    const vnode *nd = &w->nodes[node_id];
    bool found;
    int i = reg_pos(nd, name, &found);
    return found ? nd->regs[i].p : NULL;
}

int rt_register(world *w, proc *p, atom_t name)
{
    vnode *nd = &w->nodes[p->node];
    bool found;
    int i = reg_pos(nd, name, &found);
    if (found || p->reg || name == A("undefined"))
        return -1;
    if (nd->nregs == nd->capregs) {
        nd->capregs = nd->capregs ? 2 * nd->capregs : 8;
        nd->regs = xrealloc(nd->regs, nd->capregs * sizeof *nd->regs);
    }
    memmove(nd->regs + i + 1, nd->regs + i, (nd->nregs - (uint32_t)i) * sizeof *nd->regs);
    nd->regs[i].name = name;
    nd->regs[i].p = p;
    nd->nregs++;
    p->reg = name;
    char *ps = pid_str(w, p->node, p->pid);
    rt_emit(w, p->node, "register", NULL, ps, NULL, atom_text(name), NULL,
            NULL, NULL);
    free(ps);
    return 0;
}

void rt_unregister(world *w, int node_id, atom_t name)
{
    vnode *nd = &w->nodes[node_id];
    bool found;
    int i = reg_pos(nd, name, &found);
    if (!found)
        return;
    proc *p = nd->regs[i].p;
    p->reg = 0;
    memmove(nd->regs + i, nd->regs + i + 1, (nd->nregs - (uint32_t)i - 1) * sizeof *nd->regs);
    nd->nregs--;
    char *ps = pid_str(w, node_id, p->pid);
    rt_emit(w, node_id, "unregister", NULL, ps, NULL, atom_text(name), NULL,
            NULL, NULL);
    free(ps);
}

/* ---- sending ---- */

void rt_send(world *w, int from_node, const term_pid *from, term_pid to,
             term *msg)
{
    (void)from;
    int k = rt_node_index(w, to.node);
    if (k == from_node) {
        proc *p = rt_find(w, to);
        char *ts = pid_str(w, from_node, to);
        char *ms = rt_str(w, from_node, msg);
        if (p) {
            rt_emit_msg(w, from_node, "deliver", NULL, ts, ms, NULL, rt_msg_id(w));
            rt_deliver(w, p, msg);
        } else {
            rt_emit_msg(w, from_node, "drop", NULL, ts, ms, "noproc", rt_msg_id(w));
        }
        free(ts);
        free(ms);
        return;
    }
    w->remote->send(w, from_node, to, msg);
}

/* ---- links ---- */

static bool same_pid(term_pid a, term_pid b)
{
    return a.node == b.node && a.number == b.number && a.serial == b.serial &&
           a.creation == b.creation;
}

void rt_link_add(proc *p, term_pid other)
{
    for (uint32_t i = 0; i < p->nlinks; i++)
        if (same_pid(p->links[i], other))
            return;
    if (p->nlinks == p->caplinks) {
        p->caplinks = p->caplinks ? 2 * p->caplinks : 4;
        p->links = xrealloc(p->links, p->caplinks * sizeof *p->links);
    }
    p->links[p->nlinks++] = other;
}

bool rt_link_remove(proc *p, term_pid other)
{
    for (uint32_t i = 0; i < p->nlinks; i++)
        if (same_pid(p->links[i], other)) {
            memmove(p->links + i, p->links + i + 1, (p->nlinks - i - 1) * sizeof *p->links);
            p->nlinks--;
            return true;
        }
    return false;
}

static void emit_pair(world *w, proc *p, const char *kind, term_pid other,
                      const char *reason)
{
    char *a = pid_str(w, p->node, p->pid), *b = pid_str(w, p->node, other);
    rt_emit(w, p->node, kind, NULL, a, b, NULL, NULL, reason, NULL);
    free(a);
    free(b);
}

int rt_link(world *w, proc *p, term_pid other)
{
    if (same_pid(p->pid, other))
        return 0;
    int k = rt_node_index(w, other.node);
    if (k == p->node) {
        proc *o = rt_find(w, other);
        if (!o)
            return -1;
        rt_link_add(p, other);
        rt_link_add(o, p->pid);
        emit_pair(w, p, "link", other, NULL);
        return 0;
    }
    rt_link_add(p, other);
    emit_pair(w, p, "link", other, NULL);
    w->remote->link(w, p->pid, other);
    return 0;
}

void rt_unlink(world *w, proc *p, term_pid other)
{
    if (!rt_link_remove(p, other))
        return;
    int k = rt_node_index(w, other.node);
    if (k == p->node) {
        proc *o = rt_find(w, other);
        if (o)
            rt_link_remove(o, p->pid);
    } else {
        w->remote->unlink(w, p->pid, other);
    }
}

/* ---- monitors ---- */

void rt_monitor_add(proc *p, term *ref, term_pid other, term *object,
                    bool watching)
{
    if (p->nmons == p->capmons) {
        p->capmons = p->capmons ? 2 * p->capmons : 4;
        p->mons = xrealloc(p->mons, p->capmons * sizeof *p->mons);
    }
    monitor *m = &p->mons[p->nmons++];
    m->ref = term_ref(ref);
    m->other = other;
    m->object = term_ref(object);
    m->watching = watching;
}

bool rt_monitor_remove(proc *p, const term *ref, monitor *out)
{
    for (uint32_t i = 0; i < p->nmons; i++)
        if (term_equal(p->mons[i].ref, ref)) {
            monitor m = p->mons[i];
            memmove(p->mons + i, p->mons + i + 1, (p->nmons - i - 1) * sizeof *p->mons);
            p->nmons--;
            if (out) {
                *out = m;
            } else {
                term_unref(m.ref);
                term_unref(m.object);
            }
            return true;
        }
    return false;
}

void rt_down(world *w, proc *p, term *ref, term *object, term *reason)
{
    term *msg = term_tuplev(5, term_atom_s("DOWN"), term_ref(ref),
                            term_atom_s("process"), term_ref(object),
                            term_ref(reason));
    char *ps = pid_str(w, p->node, p->pid), *rs = rt_str(w, p->node, reason);
    char *os = rt_str(w, p->node, object);
    rt_emit(w, p->node, "down", NULL, ps, os, NULL, NULL, rs, NULL);
    free(ps);
    free(rs);
    free(os);
    rt_deliver(w, p, msg);
    term_unref(msg);
}

term *rt_monitor(world *w, proc *p, const term_pid *target, term *object)
{
    term *ref = rt_make_ref(w, p->node);
    char *ps = pid_str(w, p->node, p->pid), *os = rt_str(w, p->node, object);
    rt_emit(w, p->node, "monitor", NULL, ps, os, NULL, NULL, NULL, NULL);
    free(ps);
    free(os);
    if (!target) {
        term *r = term_atom_s("noproc");
        rt_down(w, p, ref, object, r);
        term_unref(r);
        return ref;
    }
    int k = rt_node_index(w, target->node);
    if (k == p->node) {
        proc *o = rt_find(w, *target);
        if (!o) {
            term *r = term_atom_s("noproc");
            rt_down(w, p, ref, object, r);
            term_unref(r);
            return ref;
        }
        rt_monitor_add(p, ref, *target, object, true);
        rt_monitor_add(o, ref, p->pid, object, false);
        return ref;
    }
    rt_monitor_add(p, ref, *target, object, true);
    w->remote->monitor(w, p->pid, k, target, 0, ref, object);
    return ref;
}

bool rt_demonitor(world *w, proc *p, const term *ref)
{
    monitor m;
    if (!rt_monitor_remove(p, ref, &m))
        return false;
    int k = rt_node_index(w, m.other.node);
    if (k == p->node) {
        proc *o = rt_find(w, m.other);
        if (o)
            rt_monitor_remove(o, ref, NULL);
    } else {
        w->remote->demonitor(w, p->pid, m.other, m.ref);
    }
    term_unref(m.ref);
    term_unref(m.object);
    return true;
}

term *rt_make_ref(world *w, int node_id)
{
    vnode *nd = &w->nodes[node_id];
    uint64_t n = ++nd->next_ref;
    term_refv r;
    r.node = nd->atom;
    r.creation = nd->creation;
    /* Looks like erl's #Ref<0.3423822511.1760034817.219389>, but counts
     * deterministically from a per-node base. */
    r.w[0] = (uint32_t)(rng_mix64(w->seed ^ (uint64_t)node_id) >> 34) + 1000000000u;
    r.w[1] = 1760034817u + nd->creation;
    r.w[2] = (uint32_t)n;
    return term_ref_new(r);
}

/* ---- exits ---- */

static bool is(const term *t, const char *a) { return term_is_atom(t, A(a)); }

void rt_exit_arrived(world *w, proc *p, term_pid from, term *reason,
                     bool linked)
{
    if (linked)
        rt_link_remove(p, from);
    if (!linked && is(reason, "kill")) {
        term *k = term_atom_s("killed");
        rt_exit(w, p, k);
        term_unref(k);
        return;
    }
    if (p->trap_exit) {
        term *msg = term_tuplev(3, term_atom_s("EXIT"), term_pid_new(from),
                                term_ref(reason));
        rt_deliver(w, p, msg);
        term_unref(msg);
        return;
    }
    if (is(reason, "normal") && !same_pid(from, p->pid))
        return;
    rt_exit(w, p, reason);
}

void rt_signal_exit(world *w, term_pid from, term_pid to, term *reason,
                    bool linked)
{
    int k = rt_node_index(w, to.node), fk = rt_node_index(w, from.node);
    if (k == fk) {
        proc *o = rt_find(w, to);
        if (o)
            rt_exit_arrived(w, o, from, reason, linked);
        return;
    }
    w->remote->exit(w, from, to, reason, linked);
}

void rt_exit(world *w, proc *p, term *reason)
{
    if (p->exiting)
        return;
    p->exiting = true;
    vnode *nd = &w->nodes[p->node];
    term *why = term_ref(reason);
    sim_cancel(w->s, p->timer);
    if (p->beh->terminate)
        p->beh->terminate(w, p, why);
    char *ps = pid_str(w, p->node, p->pid), *rs = rt_str(w, p->node, why);
    rt_emit(w, p->node, "exit", NULL, ps, NULL, NULL, NULL, rs, NULL);
    free(ps);
    free(rs);
    if (p->reg)
        rt_unregister(w, p->node, p->reg);
    nd->procs[p->pid.number] = NULL;
    for (int i = 0; i < w->nhooks; i++)
        if (w->hooks[i].proc_exit)
            w->hooks[i].proc_exit(w, p);

    /* Links: a process dying with `kill` signals `killed` (erts). */
    term *link_reason = is(why, "kill") ? term_atom_s("killed") : term_ref(why);
    while (p->nlinks) {
        term_pid o = p->links[--p->nlinks];
        int k = rt_node_index(w, o.node);
        if (k == p->node) {
            proc *op = rt_find(w, o);
            if (op)
                rt_exit_arrived(w, op, p->pid, link_reason, true);
        } else if (nd->state == NODE_UP || nd->state == NODE_FROZEN) {
            w->remote->exit(w, p->pid, o, link_reason, true);
        }
    }
    term_unref(link_reason);
    while (p->nmons) {
        monitor m = p->mons[--p->nmons];
        int k = rt_node_index(w, m.other.node);
        if (k == p->node) {
            proc *op = rt_find(w, m.other);
            if (op) {
                rt_monitor_remove(op, m.ref, NULL);
                if (!m.watching)
                    rt_down(w, op, m.ref, m.object, why);
            }
        } else if (nd->state != NODE_DOWN) {
            if (m.watching)
                w->remote->demonitor(w, p->pid, m.other, m.ref);
            else
                w->remote->down(w, p->pid, m.other, m.ref, m.object, why);
        }
        term_unref(m.ref);
        term_unref(m.object);
    }
    mbox_fini(&p->mq);
    term_unref(p->dict);
    p->dict = NULL;
    term_unref(p->start_args);
    free(p->links);
    free(p->mons);
    term_unref(why);
    free(p);
}

void rt_kill_node(world *w, int node_id)
{
    vnode *nd = &w->nodes[node_id];
    term *r = term_atom_s("killed");
    /* DETERMINISM: by pid number. Local links and monitors still fire
     * (they die together); nothing crosses the network. */
    for (uint32_t i = 0; i < nd->nprocs; i++) {
        proc *p = nd->procs[i];
        if (!p)
            continue;
        p->nlinks = 0;
        for (uint32_t k = 0; k < p->nmons; k++) {
            term_unref(p->mons[k].ref);
            term_unref(p->mons[k].object);
        }
        p->nmons = 0;
        rt_exit(w, p, r);
    }
    term_unref(r);
    nd->nregs = 0;
}

void rt_crash(world *w, proc *p, term *reason)
{
    char *ps = pid_str(w, p->node, p->pid), *rs = rt_str(w, p->node, reason);
    size_t n = strlen(ps) + strlen(rs) + strlen(w->nodes[p->node].name) + 64;
    char *text = xmalloc(n);
    snprintf(text, n, "Error in process %s on node %s with exit value:\n%s",
             ps, w->nodes[p->node].name, rs);
    rt_log(w, p->node, "error", text);
    if (p->leader != p->node) {
        free(ps);
        free(rs);
        ps = pid_str(w, p->leader, p->pid);
        rs = rt_str(w, p->leader, reason);
        snprintf(text, n, "Error in process %s on node %s with exit value:\n%s",
                 ps, w->nodes[p->node].name, rs);
        rt_log(w, p->leader, "error", text);
    }
    free(text);
    free(ps);
    free(rs);
    rt_exit(w, p, reason);
}

struct later_sig {
    later_sig *next;      /* the world's list of pending ones */
    term_pid from, to;
    term *reason;
    bool linked;
};

static void later_unlink(world *w, later_sig *l)
{
    for (later_sig **pp = &w->laters; *pp; pp = &(*pp)->next)
        if (*pp == l) {
            *pp = l->next;
            return;
        }
}

static void later_fire(sim *s, void *ctx, uint64_t arg)
{
    (void)s;
    world *w = ctx;
    later_sig *l = (later_sig *)(uintptr_t)arg;
    later_unlink(w, l);
    rt_signal_exit(w, l->from, l->to, l->reason, l->linked);
    term_unref(l->reason);
    free(l);
}

void rt_signal_exit_later(world *w, term_pid from, term_pid to, term *reason,
                          bool linked)
{
    later_sig *l = xmalloc(sizeof *l);
    l->from = from;
    l->to = to;
    l->reason = term_ref(reason);
    l->linked = linked;
    l->next = w->laters;
    w->laters = l;
    sim_after(w->s, 0, later_fire, w, (uint64_t)(uintptr_t)l);
}

void rt_free_laters(world *w)
{
    while (w->laters) {
        later_sig *l = w->laters;
        w->laters = l->next;
        term_unref(l->reason);
        free(l);
    }
}
