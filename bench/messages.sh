#!/bin/sh
# Instructions per one-way message of the language and runtime, counted by
# callgrind (repeatable, unlike wall time): each workload runs at two
# sizes and the difference is divided by the difference in messages, so
# start-up, loading and teardown cancel.
#   ping-pong: two processes on one node, M round trips (2M messages);
#   ring:      N processes in a ring with the shell, K rounds of a token
#              (K * (N + 1) messages).
# Both are written as named funs in the shell (the workloads of a book's
# chapter), so they cost what a user's code costs, tracing included: the
# run's canonical trace hash is computed as always.
# usage: bench/messages.sh BIN
bin=${1:-./bin/clustersim}
export LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pingpong() {  # pingpong M: a scenario of M round trips
    cat <<J
{"name": "bench_pingpong", "until": "100000s", "nodes": ["a"], "timeline": [
 {"at": "0s", "on": "a", "eval": "Pong = spawn(fun P() -> receive {ping, F} -> F ! pong, P(); stop -> ok end end), Ping = fun L(0) -> Pong ! stop, done; L(N) -> Pong ! {ping, self()}, receive pong -> L(N - 1) end end, Ping($1).", "expect": "done"}
]}
J
}
ring() {  # ring N K
    cat <<J
{"name": "bench_ring", "until": "100000s", "nodes": ["a"], "timeline": [
 {"at": "0s", "on": "a", "eval": "Self = self(), Build = fun B(0, Next) -> Next; B(I, Next) -> B(I - 1, spawn(fun W() -> receive T -> Next ! T, W() end end)) end, First = Build($1, Self), Loop = fun L(0) -> done; L(K) -> First ! token, receive token -> L(K - 1) end end, Loop($2).", "expect": "done"}
]}
J
}
# instructions FILE: what callgrind counted for one run
instructions() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" run "$1" --quiet \
        2>"$tmp/cg" >"$tmp/out" || { cat "$tmp/out" "$tmp/cg"; exit 1; }
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/cg"
}
per_message() {  # per_message NAME SMALL.json LARGE.json MESSAGES_DIFFERENCE
    a=$(instructions "$2") b=$(instructions "$3")
    echo "$1: $(( (b - a) / $4 )) instructions per one-way message ($a -> $b instructions for $4 more messages)"
}
pingpong 1000 >"$tmp/pp1.json"; pingpong 5000 >"$tmp/pp2.json"
per_message "ping-pong (2 processes)" "$tmp/pp1.json" "$tmp/pp2.json" 8000
ring 100 20 >"$tmp/r1.json"; ring 100 100 >"$tmp/r2.json"
per_message "ring (100 processes)" "$tmp/r1.json" "$tmp/r2.json" $((80 * 101))
# The peers, as measured with the same method on this kind of machine
# (bench/README.md); `make bench` does not re-run them yet.
echo "peer, SimGrid 3.32 ping-pong (2 actors): 17071 instructions per message (Constant network model), 27728 (LV08, its default)"
echo "peer, SimGrid 3.32 all-to-all shift (K=100): 13780 instructions per message (Constant)"
