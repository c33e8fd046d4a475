#!/bin/sh
# Instructions per one-way message of the language and runtime, counted by
# callgrind (repeatable, unlike wall time): each workload runs at two
# sizes and the difference is divided by the difference in messages, so
# start-up, loading (and compiling the modules) and teardown cancel.
#   ping-pong:          two processes on one node, M round trips (2M messages);
#   two-node ping-pong: the same with pong on a second node, over the
#                       simulated network (1 ms links);
#   ring:               N processes in a ring with the caller, K rounds of a
#                       token (K * (N + 1) messages).
# Each is measured twice: as the modules bench/pingpong.erl and
# bench/ring.erl (config.modules, called from the shell), and as named
# funs typed at the shell, as the first figures were. Both cost what a
# user's code costs, tracing included: the run's canonical trace hash is
# computed as always.
# usage: bench/messages.sh BIN
bin=${1:-./bin/clustersim}
here=$(dirname "$0")
export LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The scenarios name their modules relative to their own folder.
cp "$here/pingpong.erl" "$here/ring.erl" "$tmp/"

# scenario NAME CONFIG NODES EVAL: one eval on a that must give done;
# CONFIG is '' or '"config": {...}, '
scenario() {
    cat <<J
{"name": "$1", "until": "100000s", $2"nodes": $3, "timeline": [
 {"at": "0s", "on": "a", "eval": "$4", "expect": "done"}
]}
J
}
# The modules' workloads.
MODS='"config": {"modules": ["pingpong.erl", "ring.erl"]}, '
mod_pingpong() { scenario bench_pingpong "$MODS" '["a"]' "pingpong:start($1)."; }
mod_pingpong2() { scenario bench_pingpong2 "$MODS" '["a", "b"]' "pingpong:start($1, 'b@sim')."; }
mod_ring() { scenario bench_ring "$MODS" '["a"]' "ring:start($1, $2)."; }
# The same as named funs in the shell, with no config (the scenarios of
# the first figures, byte for byte but for the name: even an empty
# "config": {} moves the figures by up to 0.5 % through the heap's layout).
PONG="fun P() -> receive {ping, F} -> F ! pong, P(); stop -> ok end end"
PING="fun L(0) -> Pong ! stop, done; L(N) -> Pong ! {ping, self()}, receive pong -> L(N - 1) end end"
fun_pingpong() { scenario bench_fun_pingpong '' '["a"]' "Pong = spawn($PONG), Ping = $PING, Ping($1)."; }
fun_pingpong2() { scenario bench_fun_pingpong2 '' '["a", "b"]' "Pong = spawn('b@sim', $PONG), Ping = $PING, Ping($1)."; }
fun_ring() { scenario bench_fun_ring '' '["a"]' "Self = self(), Build = fun B(0, Next) -> Next; B(I, Next) -> B(I - 1, spawn(fun W() -> receive T -> Next ! T, W() end end)) end, First = Build($1, Self), Loop = fun L(0) -> done; L(K) -> First ! token, receive token -> L(K - 1) end end, Loop($2)."; }

# instructions FILE: what callgrind counted for one run (which must pass)
instructions() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" run "$1" --quiet \
        2>"$tmp/cg" >"$tmp/out" || { cat "$tmp/out" "$tmp/cg" >&2; exit 1; }
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/cg"
}
# per_message NAME WORKLOAD "SMALL ARGS" "LARGE ARGS" MESSAGES_DIFFERENCE
per_message() {
    # shellcheck disable=SC2086  # the sizes are meant to split into arguments
    { $2 $3 >"$tmp/small.json"; $2 $4 >"$tmp/large.json"; }
    a=$(instructions "$tmp/small.json") || exit 1
    b=$(instructions "$tmp/large.json") || exit 1
    echo "$1: $(( (b - a) / $5 )) instructions per one-way message ($a -> $b instructions for $5 more messages)"
}
echo "modules (bench/pingpong.erl, bench/ring.erl):"
per_message "  ping-pong (2 processes, 1 node)" mod_pingpong 1000 5000 8000
per_message "  ping-pong (2 processes, 2 nodes)" mod_pingpong2 1000 5000 8000
per_message "  ring (100 processes)" mod_ring "100 20" "100 100" $((80 * 101))
echo "shell funs (named funs in one eval):"
per_message "  ping-pong (2 processes, 1 node)" fun_pingpong 1000 5000 8000
per_message "  ping-pong (2 processes, 2 nodes)" fun_pingpong2 1000 5000 8000
per_message "  ring (100 processes)" fun_ring "100 20" "100 100" $((80 * 101))
# The peers, as measured with the same method on this kind of machine
# (bench/README.md); `make bench-instr` (bench/instr.sh) measures them again.
echo "peer, SimGrid 3.32 ping-pong (2 actors): 17071 instructions per message (Constant network model), 27728 (LV08, its default)"
echo "peer, SimGrid 3.32 all-to-all shift (K=100): 13780 instructions per message (Constant)"
