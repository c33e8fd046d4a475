/* net: the simulated network between virtual nodes. Nodes are small
 * integers; payloads are opaque.
 *
 * Model, per directed link from -> to:
 * - a latency distribution (a link override, else the sending node's
 *   default) and a loss probability (the sender's);
 * - FIFO per flow (a TCP connection, named by the caller): a payload is
 *   never delivered before one sent earlier in the same flow, whatever
 *   the sampled delays; different flows are independent;
 * - loss is TCP's: a lost packet is retransmitted after an RTO of 200 ms,
 *   doubling while the retransmission is lost too, and everything behind
 *   it waits (scenarios/README.md, config.loss);
 * - a cut link eats packets silently: payloads sent while it is cut, or
 *   in flight when it is cut, are held as TCP would keep retransmitting
 *   them, and arrive after a heal at the sender's next retransmission
 *   (RTO doubling from 200 ms up to 60 s). The network never loses a
 *   payload by itself; the receiver decides what a payload of a dead
 *   connection is worth.
 *
 * Storage is sparse: only links that differ from the default, are cut,
 * or carry traffic cost memory. Randomness comes from one "net" stream. */
#ifndef CS_NET_H
#define CS_NET_H

#include <stdbool.h>
#include <stdint.h>
#include "net_model/latency.h"
#include "sim/sim.h"

typedef struct net net;

/* Called when a payload arrives (at the delivery time), or is discarded
 * by net_free. The payload is handed back to its owner either way. */
typedef struct net_handlers {
    void (*deliver)(void *ctx, int from, int to, void *payload);
    void (*drop)(void *ctx, int from, int to, void *payload);
    void *ctx;
} net_handlers;

/* A network of `nnodes` nodes on simulation `s`, randomness from
 * rng_stream(seed, "net", 0). Every link starts up with latency 1 ms and
 * no loss. Caller frees; net_free drops undelivered payloads through
 * the drop handler. */
net *net_new(sim *s, int nnodes, uint64_t seed, net_handlers h);
void net_free(net *n);

/* A node's defaults for its outgoing links. */
void net_set_node(net *n, int node, lat_dist latency, double loss);
/* Overrides the latency of the directed link from -> to. */
void net_set_latency(net *n, int from, int to, lat_dist latency);

/* Cuts / heals the directed link from -> to. Healing an uncut link is
 * a no-op. Held payloads are rescheduled on heal. */
void net_cut(net *n, int from, int to);
void net_heal(net *n, int from, int to);
/* Heals every cut link, in (from, to) order. */
void net_heal_all(net *n);
bool net_is_cut(const net *n, int from, int to);
/* When the link was cut, or -1 if it is not. */
int64_t net_cut_since(const net *n, int from, int to);

/* Sends `payload` on the link from -> to (from != to) in flow `flow`.
 * It will reach the deliver handler later (the drop handler only if the
 * network is freed first). */
void net_send(net *n, int from, int to, uint64_t flow, void *payload);

/* The sender closed connection `flow` while from -> to is cut: what the
 * link holds of it is given up (TCP discards a closed socket's unsent
 * data), each payload through the drop handler, in send order. Nothing
 * happens when the link is up: what is in flight still arrives. */
void net_drop_held(net *n, int from, int to, uint64_t flow);

/* Payloads in flight or held on from -> to (for tests and ticks). */
uint64_t net_inflight(const net *n, int from, int to);

/* When the last payload queued in `flow` on from -> to is due to arrive
 * (-1 if none is queued, or if the link is cut and it is held). */
int64_t net_last_due(const net *n, int from, int to, uint64_t flow);

/* A fresh latency sample for from -> to, for traffic the model does not
 * carry as payloads (net_kernel's ticks). */
int64_t net_sample(net *n, int from, int to);

/* When a payload written at `sent` on a link cut since then would
 * arrive if the link healed now: TCP's next retransmission plus
 * latency (the model used for held payloads). */
int64_t net_arrival_after_heal(net *n, int from, int to, int64_t sent);

#endif
