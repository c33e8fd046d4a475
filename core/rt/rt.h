/* rt: the runtime, core/rt/'s interface to itself and to the subsystems
 * above it (dist/, global/, lib/), which build on processes and nodes.
 *
 * The world holds nodes; a node holds processes, its registered names
 * and its shell. Processes are C state machines (a behaviour vtable), not
 * threads.
 *
 * Signals and messages between local processes take effect at once, in
 * send order (a message is enqueued, and the receiver runs from an engine
 * event at the same virtual time); signals to other nodes leave through
 * the handlers that the distribution layer registers (rt_remote, below),
 * and what happens to a node (boot, halt, freeze, ...) reaches the layers
 * above through the hooks they register (world_hooks). rt/ uses erl/,
 * term/, net_model/ and sim/, and calls nothing above it
 * (core/README.md). Invariant: a dead process is never reachable from
 * its node's table; a pid names a live process only while its node's
 * creation matches. */
#ifndef CS_RT_H
#define CS_RT_H

#include <stdbool.h>
#include <stdint.h>
#include "core/erl/eval.h"
#include "core/term/term.h"
#include "core/rt/mbox.h"
#include "core/rt/world.h"
#include "net_model/net.h"
#include "sim/rng.h"
#include "sim/sim.h"

typedef struct proc proc;
typedef struct vnode vnode;
typedef struct shell shell;
typedef struct later_sig later_sig;
typedef struct world_hooks world_hooks;
typedef struct rt_remote rt_remote;
typedef struct bif_entry bif_entry;
typedef struct bif_call_ctx bif_call_ctx;
/* The state of the subsystems above rt/, opaque here: each makes its own
 * when it is installed on a world and frees it in its fini hook. */
typedef struct dist_world dist_world;
typedef struct glob_world glob_world;

typedef struct behaviour {
    const char *mod, *fun;   /* what spawn(M, F, Args) names */
    uint32_t arity;
    /* Starts the process; `args` (borrowed) is the proper list given to
     * spawn. May call rt_exit on p. */
    void (*init)(world *w, proc *p, term *args);
    /* Offered the mailbox's messages in arrival order (borrowed); returns
     * true if it took the message, false to leave it where it is. */
    bool (*message)(world *w, proc *p, term *msg);
    /* The timer set with rt_set_timeout fired. */
    void (*timeout)(world *w, proc *p);
    /* The process is dying with `reason` (borrowed): free p->state. */
    void (*terminate)(world *w, proc *p, term *reason);
} behaviour;

typedef struct monitor {
    term *ref;           /* the monitor reference */
    term_pid other;      /* the other end */
    term *object;        /* what the watcher named: a pid or {Name, Node} */
    bool watching;       /* true: this process watches `other` */
} monitor;

struct proc {
    term_pid pid;
    int node;
    const behaviour *beh;
    void *state;
    mbox mq;             /* the mailbox (mbox.h) */
    term_pid *links;
    uint32_t nlinks, caplinks;
    monitor *mons;
    uint32_t nmons, capmons;
    atom_t reg;          /* registered name, 0 if none */
    int leader;          /* node whose console shows this process's output */
    bool trap_exit;
    bool scheduled;      /* a run event is pending */
    bool exiting;
    bool started;        /* init has run (start_proc) */
    bool timeout_due;    /* the timer fired while the node was frozen */
    term *start_args;    /* spawn's Args until init runs */
    term *dict;          /* the process dictionary: [{Key, Value}], oldest
                            key first (bif_erlang.c), or NULL */
    sim_timer timer;
};

typedef enum node_state { NODE_DOWN, NODE_UP, NODE_FROZEN } node_state;

typedef struct regname {
    atom_t name;
    proc *p;
} regname;

struct vnode {
    int id;
    char *name;
    atom_t atom;
    world_node_cfg cfg;   /* strings owned by the node */
    node_state state;
    bool ever_booted;
    uint32_t creation;
    uint32_t next_pid, next_serial;
    uint64_t next_ref;
    proc **procs;         /* by pid number; NULL: free */
    uint32_t nprocs;
    regname *regs;        /* sorted by name text (registered() order) */
    uint32_t nregs, capregs;
    shell *sh;
    rng r;
    uint32_t *seen_num;   /* per other node: the number its pids print with */
    ev_module **mods;     /* loaded modules, held, sorted by name text */
    uint32_t nmods, capmods;
    /* erlang:unique_integer/0,1's counter, and rand's stream (bif_time.c) */
    uint64_t next_unique;
    rng rand_r;
};

/* ---- loaded modules (world.c) ---- */
/* Loads m on the node (held), replacing a module of the same name. */
void rt_load_module(vnode *nd, ev_module *m);
void rt_unload_all(vnode *nd);
/* The module loaded under `name`, or NULL. */
const ev_module *rt_module(const vnode *nd, atom_t name);
/* The world's last compiled version of each module (bif_code.c): m is
 * held; a module of the same name is replaced. */
void rt_remember_module(world *w, ev_module *m);
ev_module *rt_compiled_module(const world *w, atom_t name);

struct world {
    sim *s;
    net *net;
    int n;
    vnode *nodes;
    uint64_t seed;
    int failures;
    int *atom2node;       /* node index by name atom, -1: not a node */
    uint32_t natoms;
    later_sig *laters;    /* rt_signal_exit_later's pending signals */
    bif_entry *bifs;      /* the BIF table, sorted by key (bif.c) */
    uint32_t nbifs, capbifs;
    world_hooks *hooks;   /* in registration order (world_add_hooks) */
    int nhooks;
    const rt_remote *remote;  /* signals to other nodes (world_set_remote) */
    net_handlers payloads;    /* who receives the network's payloads */
    dist_world *dist;
    glob_world *glob;
    /* Reductions run by every evaluation so far, and the run's budget
     * (world_set_max_reductions); `limit` says who used it up. */
    uint64_t reductions, max_reductions;
    uint64_t max_terms;       /* world_set_max_terms */
    char limit[256];
    /* apply(F, A) and apply(M, F, A), compiled once for every process
     * spawned to run a fun or a module's function (shell.c) */
    ev_code *apply_code[2];
    /* the last version compiled of each module (bif_code.c), and how c/1
     * reads sources (world_set_source_reader) */
    ev_module **compiled;
    uint32_t ncompiled;
    /* world_set_library's modules, held, sorted by name text */
    ev_module **library;
    int nlibrary;
    world_source_reader read_source;
    void *read_ctx;
    /* erlang:send_after/start_timer's and timer's pending timers, in
     * the order they were set (bif_time.c) */
    struct rt_etimer **etimers;
    uint32_t netimers, capetimers;
    uint64_t next_etimer;
    uint64_t next_msg;        /* rt_msg_id's last */
};

/* ---- trace events and how a node prints (emit.c, the bottom of rt/) ---- */

/* A trace event on `node` (-1: none); fields may be NULL. */
void rt_emit(world *w, int node, const char *kind, const char *peer,
             const char *pid, const char *to, const char *name,
             const char *term_text, const char *reason, const char *text);
/* A send, deliver or drop event of message `msg` (rt_msg_id). */
void rt_emit_msg(world *w, int node, const char *kind, const char *peer,
                 const char *to, const char *term_text, const char *reason,
                 uint64_t msg);
/* A new message id: 1, 2, ... per run, in the order messages are sent. */
uint64_t rt_msg_id(world *w);
/* How `node` prints pids: its own as 0, node k's as k + 1. */
term_view rt_view(const world *w, int node);
/* The text of t as seen from `node`; caller frees. */
char *rt_str(const world *w, int node, const term *t);
/* Node index of a node-name atom, or -1. */
int rt_node_index(const world *w, atom_t name);
/* Output from a process whose group leader is on `leader`. */
void rt_output(world *w, int leader, const char *text);
/* A logger report on `node`, e.g. rt_log(w, n, "error", "..."): the
 * event carries the level as its reason and the text as logger prints
 * it ("=ERROR REPORT==== 1.500000s ===" and the body). */
void rt_log(world *w, int node, const char *level, const char *text);

/* ---- processes (proc.c) ---- */

/* Spawns a process running `b` on `node` (which must be up); `args`
 * borrowed. `leader` is the node whose console gets its output. The
 * process exists at once (link or monitor it now); its init runs from an
 * engine event at the same virtual time, as an Erlang process starts
 * after spawn returns. Never NULL; *pid is set. */
proc *rt_spawn(world *w, int node, const behaviour *b, term *args,
               int leader, term_pid *pid);
/* The live local process with this pid, or NULL. */
proc *rt_find(const world *w, term_pid pid);
/* The process registered as `name` on `node`, or NULL. */
proc *rt_whereis(const world *w, int node, atom_t name);
/* register/2: 0, or -1 if the name is taken or the process already
 * has a name (badarg). */
int rt_register(world *w, proc *p, atom_t name);
void rt_unregister(world *w, int node, atom_t name);

/* Sends msg (borrowed) to the process `to`, local or remote, from
 * `from` (may be NULL for the runtime). Never fails: a message to a dead
 * process vanishes, as in Erlang. */
void rt_send(world *w, int from_node, const term_pid *from, term_pid to,
             term *msg);
/* Puts msg (borrowed) in a local process's mailbox and schedules it. */
void rt_deliver(world *w, proc *p, term *msg);

/* The process exits with `reason` (borrowed): links and monitors fire,
 * its name is released, it is freed. */
void rt_exit(world *w, proc *p, term *reason);
/* An exit signal from `from` to `to` (local or remote) with `reason`
 * (borrowed); `linked` is true for a signal caused by a link. */
void rt_signal_exit(world *w, term_pid from, term_pid to, term *reason,
                    bool linked);
/* Handles an exit signal that has arrived at local process `p`. */
void rt_exit_arrived(world *w, proc *p, term_pid from, term *reason,
                     bool linked);

/* link/1 from p to `other`: 0, or -1 when other is a dead local pid
 * (the caller raises noproc or sends the exit signal itself). */
int rt_link(world *w, proc *p, term_pid other);
void rt_unlink(world *w, proc *p, term_pid other);
/* Adds the link entry on a local process only (no signal). */
void rt_link_add(proc *p, term_pid other);
bool rt_link_remove(proc *p, term_pid other);

/* monitor(process, Target) from p: returns the new reference (caller
 * owns it). `object` (borrowed) is what 'DOWN' reports as the object;
 * `target` the pid, or NULL when a name did not resolve (noproc at once). */
term *rt_monitor(world *w, proc *p, const term_pid *target, term *object);
/* Adds a monitor entry on a local process (no signal); ref/object borrowed. */
void rt_monitor_add(proc *p, term *ref, term_pid other, term *object,
                    bool watching);
/* Removes the entry for ref; returns true if there was one. */
bool rt_monitor_remove(proc *p, const term *ref, monitor *out);
bool rt_demonitor(world *w, proc *p, const term *ref);
/* Delivers {'DOWN', Ref, process, Object, Reason} to p. */
void rt_down(world *w, proc *p, term *ref, term *object, term *reason);

/* A new reference made on `node`. */
term *rt_make_ref(world *w, int node);

/* Arms p's timer `us` microseconds from now (cancelling any), or cancels
 * it (us < 0). A time past the end of the clock (INT64_MAX) never
 * comes: the timer is not armed. */
void rt_set_timeout(world *w, proc *p, int64_t us);
/* A count of milliseconds >= 0 as microseconds, saturating at INT64_MAX
 * (about 292,000 years, never reached) where ms * 1000 would overflow:
 * timer:sleep(9223372036854775807) sleeps for ever, as in erl. */
int64_t rt_ms_to_us(int64_t ms);

/* Kills every process of a node (halt/restart): no signals are sent to
 * other nodes (the connections close instead). */
void rt_kill_node(world *w, int node);

/* The process crashes with an error: erts logs "Error in process ...
 * with exit value:" (on its node and its group leader's), then it exits
 * with `reason` (borrowed). */
void rt_crash(world *w, proc *p, term *reason);

/* An exit signal delivered from an engine event at the current time,
 * for code that must not kill a process in the middle of its own step. */
void rt_signal_exit_later(world *w, term_pid from, term_pid to, term *reason,
                          bool linked);
/* Frees the signals still pending when the world ends. */
void rt_free_laters(world *w);
/* Runs p's mailbox soon (after a freeze, or when a behaviour changed
 * what it accepts). */
void rt_wake(world *w, proc *p);

/* ---- built-in behaviours (behaviours.c) ---- */

/* Spawns M:F(A) on `node` as spawn/3 does (m and f atoms, a a proper
 * list, all borrowed): the built-in behaviour of that name, or for an
 * unknown function a process that crashes at once with undef, as erts
 * logs it. Otherwise as rt_spawn. */
proc *rt_spawn_mfa(world *w, int node, term *m, term *f, term *a,
                   int leader, term_pid *pid);

/* ---- the shell (shell.c) ---- */

/* What a blocking BIF waits for. `match` is offered each new message
 * (borrowed) and returns true when it is the awaited one, having set
 * *result, or filled *exc and set *raised; true with neither takes the
 * message out of the mailbox and waits on (a call that gathers several
 * replies). `timeout` (may be NULL) is
 * called when `timeout_us` (>= 0) passes first. `free` releases data. */
typedef struct shell_wait {
    bool (*match)(world *w, void *data, const term *msg, term **result,
                  ev_exception *exc, bool *raised);
    void (*timeout)(world *w, void *data, term **result, ev_exception *exc,
                    bool *raised);
    void (*free)(void *data);
    void *data;
    int64_t timeout_us;
} shell_wait;

/* Called by a BIF that returns EV_BLOCKED: the evaluation waits. */
void shell_block(world *w, proc *self, shell_wait wt);
/* Evaluates src with bindings env (ownership taken) in a new evaluator
 * process on `node` whose group leader is `leader`, as rpc's server
 * does: done(w, ctx, value, NULL) or done(w, ctx, NULL, exception) is
 * called once, then the evaluator exits. */
typedef void (*shell_done_fn)(world *w, void *ctx, term *value,
                              const ev_exception *x);
void shell_eval_detached(world *w, int node, int leader, const char *src,
                         ev_env *env, shell_done_fn done, void *ctx);
/* True if p is a shell evaluator, the only process that can block. */
bool shell_is_evaluator(const proc *p);
/* The stack of the Erlang code p runs (ev_vm_stacktrace), a new list; []
 * when p is between evaluations; NULL when p runs no Erlang (a built-in
 * C behaviour). */
term *shell_stacktrace(const proc *p);
/* h(): the shell's last commands with their values, as erl lists them
 * ("N: Expr" then "-> Value"), for the shell whose evaluator is p. */
void shell_history(world *w, const proc *p, strbuf *b);
/* erlang:apply/2 as a process (spawn/1,2 of a fun): the VM applies the
 * fun in a process of its own (rt_spawn_mfa). */
extern const behaviour shell_apply_behaviour;

shell *shell_new(world *w, int node);
void shell_free(shell *sh);
/* Starts the node's shell evaluator process (boot, restart). */
void shell_boot(world *w, int node);
void shell_queue(world *w, int node, const char *src, ev_code *code,
                 const char *expect, ev_code *pattern, const char *where);
void shell_finish(world *w, int node, world_unfinished_fn unfinished,
                  void *ctx);
/* Holds the node's shell: its queued steps wait until as many
 * shell_release calls have come (a node's applications start before its
 * shell takes input, as init runs the boot script's applications before
 * the shell starts). A halt or restart drops every hold. */
void shell_hold(world *w, int node);
void shell_release(world *w, int node);
/* The node runs again after a freeze: queued steps start. */
void shell_resumed(world *w, int node);
/* The node is gone: drop the evaluation in progress (halt). */
void shell_node_down(world *w, int node);

/* ---- hooks: what the subsystems above rt/ hear (world.c) ---- */

/* What a subsystem above rt/ wants to hear of a node's life and of the
 * network, registered with world_add_hooks when the world is made (dist/
 * then global/ then lib/: lib_world_new). Every member may be NULL. Each
 * event calls the hooks in registration order, that is in layer order,
 * at the point where the comment says. */
struct world_hooks {
    /* boot or restart: after the boot event, before the shell starts
     * (system processes spawned here take pids below the shell's) */
    void (*booted)(world *w, int node);
    /* halt or restart: the shell's evaluation is dropped, the node's
     * processes still exist (they are killed next) */
    void (*halted)(world *w, int node);
    void (*frozen)(world *w, int node);
    /* before the node's processes and shell run again */
    void (*resumed)(world *w, int node);
    /* the network link from -> to was just cut / healed (cut since
     * `cut_at`) */
    void (*link_cut)(world *w, int from, int to);
    void (*link_healed)(world *w, int from, int to, int64_t cut_at);
    /* p is dying: its links and monitors have not fired yet */
    void (*proc_exit)(world *w, proc *p);
    /* world_free: free the subsystem's state */
    void (*fini)(world *w);
};
/* Adds a subsystem's hooks (copied). */
void world_add_hooks(world *w, const world_hooks *h);
/* The network's payloads belong to the subsystem that sends them (dist/):
 * h says who receives them, at arrival or (drop) when the world ends
 * with the network still holding them. */
void world_set_payloads(world *w, net_handlers h);

/* ---- signals to other nodes, carried by dist/ ---- */

/* How rt/ reaches a process on another node: the distribution layer
 * registers one with world_set_remote. Terms are borrowed. */
struct rt_remote {
    /* A message to a process on another node. */
    void (*send)(world *w, int from_node, term_pid to, term *msg);
    /* {Name, Node} ! Msg for another node (to_node -1: no such node). */
    void (*send_named)(world *w, int from_node, atom_t name, int to_node,
                       term *msg);
    /* Exit signal / link / unlink to a remote process. */
    void (*exit)(world *w, term_pid from, term_pid to, term *reason,
                 bool linked);
    void (*link)(world *w, term_pid from, term_pid to);
    void (*unlink)(world *w, term_pid from, term_pid to);
    /* Monitor `to` (a pid) or `name` on node to_node for watcher `from`. */
    void (*monitor)(world *w, term_pid from, int to_node, const term_pid *to,
                    atom_t name, term *ref, term *object);
    void (*demonitor)(world *w, term_pid from, term_pid to, term *ref);
    /* A 'DOWN' for a remote watcher. */
    void (*down)(world *w, term_pid dead, term_pid watcher, term *ref,
                 term *object, term *reason);
    /* spawn/spawn_link/spawn_monitor of M:F(Args) on node `target` (-1:
     * no such node) for the BIF call c; opt is 0, 'link' or 'monitor'.
     * Returns like a BIF (it may block the shell). */
    ev_status (*spawn)(bif_call_ctx *c, int target, atom_t mod, atom_t fun,
                       term *args, atom_t opt);
};
/* Sets how signals reach other nodes (r must outlive the world). */
void world_set_remote(world *w, const rt_remote *r);

#endif
