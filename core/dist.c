/* dist: distribution between virtual nodes (placeholder until the
 * net_kernel model lands: no connections, everything remote is dropped). */
#include "core/rt.h"

#include <stdlib.h>

void dist_init(world *w, int node) { (void)w, (void)node; }
void dist_fini(world *w, int node) { (void)w, (void)node; }
void dist_node_halted(world *w, int node) { (void)w, (void)node; }
void dist_node_frozen(world *w, int node) { (void)w, (void)node; }
void dist_node_resumed(world *w, int node) { (void)w, (void)node; }
void dist_deliver(world *w, int from, int to, void *payload);
void dist_drop(world *w, int from, int to, void *payload);
void dist_deliver(world *w, int from, int to, void *payload) { (void)w, (void)from, (void)to, (void)payload; }
void dist_drop(world *w, int from, int to, void *payload) { (void)w, (void)from, (void)to, (void)payload; }
void dist_send(world *w, int from_node, term_pid to, term *msg) { (void)w, (void)from_node, (void)to, (void)msg; }
void dist_send_named(world *w, int from_node, atom_t name, int to_node, term *msg) { (void)w, (void)from_node, (void)name, (void)to_node, (void)msg; }
void dist_exit(world *w, term_pid from, term_pid to, term *reason, bool linked) { (void)w, (void)from, (void)to, (void)reason, (void)linked; }
void dist_link(world *w, term_pid from, term_pid to) { (void)w, (void)from, (void)to; }
void dist_unlink(world *w, term_pid from, term_pid to) { (void)w, (void)from, (void)to; }
void dist_monitor(world *w, term_pid from, int to_node, const term_pid *to, atom_t name, term *ref, term *object) { (void)w, (void)from, (void)to_node, (void)to, (void)name, (void)ref, (void)object; }
void dist_demonitor(world *w, term_pid from, term_pid to, term *ref) { (void)w, (void)from, (void)to, (void)ref; }
void dist_down(world *w, term_pid dead, term_pid watcher, term *ref, term *object, term *reason) { (void)w, (void)dead, (void)watcher, (void)ref, (void)object, (void)reason; }
bool dist_connected(const world *w, int node, int peer) { (void)w, (void)node, (void)peer; return false; }
term *dist_nodes(world *w, int node, const char *which) { (void)w, (void)node, (void)which; return term_nil(); }
bif_fn dist_bif(atom_t mod, atom_t fun, uint32_t arity) { (void)mod, (void)fun, (void)arity; return NULL; }
ev_status dist_spawn(bif_call_ctx *c, int target, atom_t mod, atom_t fun, term *args, atom_t opt)
{
    (void)target, (void)mod, (void)fun, (void)args, (void)opt;
    return bif_raise(c, "error", term_atom_s("notsup"));
}
const behaviour *app_behaviour(atom_t mod, atom_t fun, uint32_t arity) { (void)mod, (void)fun, (void)arity; return NULL; }
