/* rt: the runtime's internals, shared by core/'s files and no one else.
 *
 * The world holds nodes; a node holds processes, its registered names,
 * its shell and its distribution state. Processes are C state machines
 * (a behaviour vtable), not threads (DESIGN.md, "The runtime").
 *
 * Signals and messages between local processes take effect at once, in
 * send order (a message is enqueued, and the receiver runs from an engine
 * event at the same virtual time); signals to other nodes travel through
 * dist.c and the network. Invariant: a dead process is never reachable
 * from its node's table; a pid names a live process only while its
 * node's creation matches. */
#ifndef CS_RT_H
#define CS_RT_H

#include <stdbool.h>
#include <stdint.h>
#include "core/erl/eval.h"
#include "core/term/term.h"
#include "core/rt/world.h"
#include "net_model/net.h"
#include "sim/rng.h"
#include "sim/sim.h"

typedef struct proc proc;
typedef struct vnode vnode;
typedef struct shell shell;
typedef struct dist_node dist_node;
typedef struct glob_node glob_node;
typedef struct later_sig later_sig;

/* A process's code. Every callback may be NULL. */
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
    term **mbox;
    uint32_t mlen, mcap;
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
    term *start_args;    /* spawn's Args until init runs */
    bool timeout_due;    /* the timer fired while the node was frozen */
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
    dist_node *dn;
    glob_node *gn;
    rng r;
    uint32_t *seen_num;   /* per other node: the number its pids print with */
};

struct world {
    sim *s;
    net *net;
    int n;
    vnode *nodes;
    uint64_t seed;
    int failures;
    int *atom2node;       /* node index by name atom, -1: not a node */
    uint32_t natoms;
    uint64_t next_conn;   /* connection ids, shared by both ends */
    later_sig *laters;    /* rt_signal_exit_later's pending signals */
};

/* ---- trace events ---- */

/* A trace event on `node` (-1: none); fields may be NULL. */
void rt_emit(world *w, int node, const char *kind, const char *peer,
             const char *pid, const char *to, const char *name,
             const char *term_text, const char *reason, const char *text);
/* How `node` prints pids: its own as 0, node k's as k + 1. */
term_view rt_view(const world *w, int node);
/* The text of t as seen from `node`; caller frees. */
char *rt_str(const world *w, int node, const term *t);
/* Node index of a node-name atom, or -1. */
int rt_node_index(const world *w, atom_t name);

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
term *rt_pid_term(term_pid pid);

/* Arms p's timer `ms` from now (cancelling any), or cancels it (ms < 0). */
void rt_set_timeout(world *w, proc *p, int64_t us);

/* Kills every process of a node (halt/restart): no signals are sent to
 * other nodes (the connections close instead). */
void rt_kill_node(world *w, int node);

/* Output from a process whose group leader is on `leader`. */
void rt_output(world *w, int leader, const char *text);
/* A logger report on `node`, e.g. rt_log(w, n, "error", "..."): the
 * event carries the level as its reason and the text as logger prints
 * it ("=ERROR REPORT==== 1.500000s ===" and the body). */
void rt_log(world *w, int node, const char *level, const char *text);
/* The process crashes with an error: erts logs "Error in process ...
 * with exit value:" (on its node and its group leader's), then it exits
 * with `reason` (borrowed). */
void rt_crash(world *w, proc *p, term *reason);

/* ---- built-in behaviours (behaviours.c) ---- */

/* The behaviour spawned for M:F/A, or NULL (undef). */
const behaviour *rt_behaviour(atom_t mod, atom_t fun, uint32_t arity);
/* The process that crashes at once with undef: what spawning an unknown
 * function starts; its args are [M, F, Args]. */
extern const behaviour rt_undef_behaviour;
/* Behaviours of the built-in applications (apps.c), or NULL. */
const behaviour *app_behaviour(atom_t mod, atom_t fun, uint32_t arity);

/* An exit signal delivered from an engine event at the current time,
 * for code that must not kill a process in the middle of its own step. */
void rt_signal_exit_later(world *w, term_pid from, term_pid to, term *reason,
                          bool linked);
/* Frees the signals still pending when the world ends. */
void rt_free_laters(world *w);
/* Runs p's mailbox soon (after a freeze, or when a behaviour changed
 * what it accepts). */
void rt_wake(world *w, proc *p);

/* ---- the shell (shell.c) ---- */

/* What a blocking BIF waits for. `match` is offered each new message
 * (borrowed) and returns true when it is the awaited one, having set
 * *result, or filled *exc and set *raised. `timeout` (may be NULL) is
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

shell *shell_new(world *w, int node);
void shell_free(shell *sh);
/* Starts the node's shell evaluator process (boot, restart). */
void shell_boot(world *w, int node);
void shell_queue(world *w, int node, const char *src, const char *expect,
                 const char *where);
void shell_finish(world *w, int node);
/* The node runs again after a freeze: queued steps start. */
void shell_resumed(world *w, int node);
/* The node is gone: drop the evaluation in progress (halt). */
void shell_node_down(world *w, int node);

/* ---- BIFs (bif.c): the evaluator's host calls ---- */
ev_status bif_call(world *w, proc *self, ev_vm *vm, atom_t mod, atom_t fun,
                   uint32_t argc, term **args, term **result,
                   ev_exception *exc);
ev_status bif_send(world *w, proc *self, term *dest, term *msg,
                   ev_exception *exc);
/* io_lib:format(Fmt, Args) into b, as seen from `node`; -1 on badarg. */
int bif_format(world *w, int node, strbuf *b, const term *fmt, const term *args);

/* Fills exc with error:Reason (reason ownership taken). */
void rt_raise(ev_exception *exc, const char *cls, term *reason);

#endif

/* ---- distribution (dist.c): signals to processes on other nodes ---- */
void dist_init(world *w, int node);
void dist_fini(world *w, int node);
/* The node halted, froze, resumed or restarted. */
void dist_node_halted(world *w, int node);
void dist_node_frozen(world *w, int node);
void dist_node_resumed(world *w, int node);
/* A message to a process on another node (msg borrowed). */
void dist_send(world *w, int from_node, term_pid to, term *msg);
/* {Name, Node} ! Msg for a remote node. */
void dist_send_named(world *w, int from_node, atom_t name, int to_node,
                     term *msg);
/* Exit signal / link / unlink to a remote process. */
void dist_exit(world *w, term_pid from, term_pid to, term *reason, bool linked);
void dist_link(world *w, term_pid from, term_pid to);
void dist_unlink(world *w, term_pid from, term_pid to);
/* Monitor `to` (pid) or `name` on node `to_node` for watcher `from`. */
void dist_monitor(world *w, term_pid from, int to_node, const term_pid *to,
                  atom_t name, term *ref, term *object);
void dist_demonitor(world *w, term_pid from, term_pid to, term *ref);
/* A 'DOWN' for a remote watcher. */
void dist_down(world *w, term_pid dead, term_pid watcher, term *ref,
               term *object, term *reason);
/* True if `node` is connected to `peer` (connection up). */
bool dist_connected(const world *w, int node, int peer);

/* A protocol message of global or an application between nodes x and y
 * over their connection, handled on arrival by fn(w, y, x, msg). Sent
 * only if the connection is up at x (else dropped); msg borrowed. */
typedef void (*dist_app_fn)(world *w, int to, int from, term *msg);
void dist_send_app(world *w, int x, int y, dist_app_fn fn, term *msg);
/* Starts connecting x to y if not connected (global's connect_all). */
void dist_connect(world *w, int x, int y);
/* Tears down x's connection to y with `reason` (global's
 * prevent_overlapping_partitions; erlang:disconnect_node). */
void dist_disconnect(world *w, int x, int y, const char *reason);
/* Visible, up connections of x in connection order: fills out (size
 * w->n), returns the count. */
int dist_visible(const world *w, int x, int *out);
bool dist_is_hidden(const world *w, int x, int y);

/* ---- applications (apps.c) ---- */
/* Starts a booting node's system processes (rex) and its config apps. */
void apps_boot(world *w, int node);
/* The node's rex process (rpc's server), or NULL. */
proc *apps_rex(world *w, int node);

/* ---- global (global.c) ---- */
void glob_init(world *w, int node);
void glob_fini(world *w, int node);
void glob_node_halted(world *w, int node);
/* The node runs again: global's timers that fell due meanwhile fire. */
void glob_node_resumed(world *w, int node);
void glob_nodeup(world *w, int x, int y, bool hidden);
void glob_nodedown(world *w, int x, int y, bool hidden);
/* A process died: its global names go (called by rt_exit). */
void glob_proc_exit(world *w, proc *p);
/* The pid registered globally as name, as x sees it, or NULL. */
const term_pid *glob_whereis(const world *w, int x, atom_t name);

/* Network glue (world.c -> dist.c). */
void dist_deliver(world *w, int from, int to, void *payload);
void dist_drop(world *w, int from, int to, void *payload);
void dist_node_booted(world *w, int node);
/* The link from -> to was just cut / healed (cut since `cut_at`). */
void dist_link_cut(world *w, int from, int to);
void dist_link_healed(world *w, int from, int to, int64_t cut_at);

/* Requests that want an answer from another node. The caller gets
 * {'$spawn_reply'|'$pong'|'$rpc_reply', Ref, Result}, or
 * {'$dist_failed', Ref, Node} when no connection could be made (or it
 * went down: {'$rpc_reply', Ref, {badrpc, nodedown}}). */
typedef enum dist_req { DIST_REQ_SPAWN, DIST_REQ_PING, DIST_REQ_RPC } dist_req;
void dist_request(world *w, int x, int y, dist_req kind, term_pid from,
                  term *ref, term *msg, atom_t name, bool explicit_connect);
/* Waits for a connection from x to y: {'$connect', Ref, true|false}. */
void dist_wait_connect(world *w, int x, int y, term_pid pid, term *ref,
                       bool explicit_connect);
/* On y (the spawning node): a spawn request from node x arrived;
 * msg is {M, F, Args, Opt}. Replies with dist_spawn_reply. */
void dist_spawn_arrived(world *w, int y, int x, term_pid caller, term *ref,
                        term *msg, atom_t unused);
void dist_spawn_reply(world *w, int x, int y, term_pid to, term *ref,
                      term *result);
/* On y: rpc:call's {M, F, Args} from `caller` on node x arrived: it is
 * evaluated as rex would, and the answer goes back with dist_rpc_reply
 * (or straight to the caller when x == y). */
void dist_rpc_arrived(world *w, int y, int x, term_pid caller, term *ref,
                      term *mfa);
void dist_rpc_reply(world *w, int y, int x, term_pid to, term *ref,
                    term *result);
void dist_set_allow(world *w, int x, const int *nodes, int n);
void dist_set_cookie(world *w, int x, int y, const char *cookie);
/* net_kernel:monitor_nodes; type 0 visible, 1 hidden, 2 all. Returns
 * -1 when turning off a subscription that does not exist. */
int dist_monitor_nodes(world *w, int x, term_pid pid, bool on, bool reason,
                       int type, bool type_given);

/* nodes(Which) as seen from `node`: which is "visible", "hidden",
 * "connected", "this" or "known". A new list. */
term *dist_nodes(world *w, int node, const char *which);

/* ---- distribution BIFs (dist_bif.c), all may block the shell ---- */
/* Each returns EV_DONE / EV_RAISED / EV_BLOCKED like a host call. */
typedef struct bif_call_ctx {
    world *w;
    proc *self;
    ev_vm *vm;
    atom_t mod, fun;
    uint32_t argc;
    term **args;
    term **result;
    ev_exception *exc;
} bif_call_ctx;

typedef ev_status (*bif_fn)(bif_call_ctx *c);

/* Looks up a distribution BIF (net_adm, net_kernel, rpc, global,
 * gen_server, erlang:disconnect_node, ...), or NULL. */
bif_fn dist_bif(atom_t mod, atom_t fun, uint32_t arity);
/* global's BIFs (global.c), or NULL. */
bif_fn glob_bif(atom_t fun, uint32_t arity);
/* Application BIFs (dist_kv:...; apps.c), or NULL. */
bif_fn app_bif(atom_t mod, atom_t fun, uint32_t arity);

/* Raises error:badarg for the call in c, with extended info for
 * argument `argi` (1-based; 0: none). */
ev_status bif_badarg(bif_call_ctx *c, int argi, const char *detail);
/* Blocks the calling shell on wt, or raises error:notsup when the
 * caller cannot block (rpc's server running a BIF). */
ev_status bif_block(bif_call_ctx *c, shell_wait wt);
/* Raises Class:Reason for the call in c (reason ownership taken). */
ev_status bif_raise(bif_call_ctx *c, const char *cls, term *reason);
/* Returns v (ownership taken) as the call's value. */
ev_status bif_return(bif_call_ctx *c, term *v);

/* spawn/spawn_link/spawn_monitor on node `target` for the caller;
 * `opt` is 0, 'link' or 'monitor'. Local targets answer at once. */
ev_status dist_spawn(bif_call_ctx *c, int target, atom_t mod, atom_t fun,
                     term *args, atom_t opt);
