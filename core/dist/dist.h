/* dist: Erlang distribution between the virtual nodes, what net_kernel,
 * dist_util, EPMD and rpc's server do: connections and their handshake,
 * failure detection by net_ticktime, the signals that cross a connection
 * (messages, links, monitors, exits, remote spawn, rpc, ping), and the
 * distribution BIFs (net_adm, net_kernel, rpc, nodes(), ...).
 *
 * This is core/dist/'s interface to the layers above it (global/, lib/).
 * It uses rt/ and below, and reaches the layers above only through the
 * nodeup/nodedown hooks they register here (dist_add_hooks) and the
 * handlers carried by their own packets (dist_send_app). */
#ifndef CS_DIST_H
#define CS_DIST_H

#include <stdbool.h>
#include "core/rt/rt.h"

/* Installs distribution on a new world (lib_world_new does it, in layer
 * order): its per-node state, rt's hooks and remote signals, the
 * network's payloads, the rex process at boot, and its BIFs. */
void dist_install(world *w);

/* What a subsystem above dist/ hears when node x's connection to y comes
 * up or goes down (hidden: a hidden connection), registered when the
 * world is made; called in registration order. Either may be NULL. */
typedef struct dist_hooks {
    /* after x's waiters and net_kernel subscribers are told */
    void (*nodeup)(world *w, int x, int y, bool hidden);
    /* after the nodedown event, before the subscribers are told and
     * links and monitors fire with noconnection */
    void (*nodedown)(world *w, int x, int y, bool hidden);
    /* x's attempt to connect to y failed (refused, timed out, or the
     * attempt it waited on failed): what erlang:monitor_node/2 reports
     * as {nodedown, Y} to a caller waiting for the connection */
    void (*connect_failed)(world *w, int x, int y);
} dist_hooks;
void dist_add_hooks(world *w, const dist_hooks *h);

/* {Name, Node} ! Msg from a process of from_node to node to_node (-1: a
 * node nobody runs; msg borrowed), with the automatic connection
 * dist_auto_connect allows. */
void dist_send_named(world *w, int from_node, atom_t name, int to_node,
                     term *msg);
/* Monitors `to` (a pid) or `name` on node to_node for watcher `from`,
 * whose own entry the caller has made (ref and object borrowed); a
 * 'DOWN' with noproc or noconnection comes back if it fails. */
void dist_monitor(world *w, term_pid from, int to_node, const term_pid *to,
                  atom_t name, term *ref, term *object);

/* True if `node` is connected to `peer` (connection up). */
bool dist_connected(const world *w, int node, int peer);
/* x's up connections as a bitmap of w->n bits (bit y of word y / 64,
 * dist_bits_words words), or NULL while x has never had one; valid
 * until x's connections change. */
size_t dist_bits_words(const world *w);
const uint64_t *dist_up_bits(const world *w, int x);
/* A counter of the changes of x's up connections: equal values, the
 * same connections in the same order (for caches of nodes() lists). */
uint64_t dist_up_version(const world *w, int x);
/* True if x's connection to y is (or was, last) a hidden one. */
bool dist_is_hidden(const world *w, int x, int y);
/* Visible, up connections of x in connection order: fills out (size
 * w->n), returns the count. */
int dist_visible(const world *w, int x, int *out);
/* How many dist_visible would give, in O(1). */
int dist_visible_count(const world *w, int x);

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

/* The node's rex process (rpc's server), or NULL. */
proc *dist_rex(world *w, int node);

#endif
