#!/bin/sh
# `make bench-instr`: callgrind instructions per one-way message, which
# are repeatable on a noisy machine, for clustersim and for SimGrid 3.32
# by the same method: each workload at two sizes, the difference in
# instructions over the difference in messages, so that start-up
# (compiling the modules, building SimGrid's platform) and teardown cancel.
#   clustersim: bench/messages.sh (ping-pong on one node and across two,
#               a ring of 100), and all-to-all K=100 (bench/alltoall.erl,
#               1 and 2 rounds: 9,900 messages differenced);
#   SimGrid:    bench/simgrid/sg_bench.cpp, ping-pong of 2 actors (one
#               host, Constant; two hosts, Constant and LV08; 2,000 and
#               10,000 messages) and all-to-all shift K=100 (1 and 2 rounds).
# usage: bench/instr.sh BIN SG_BENCH
bin=${1:-./bin/clustersim}
sg=${2:-build/bench_simgrid}
here=$(cd "$(dirname "$0")" && pwd)
export LC_ALL=C
sh "$here/messages.sh" "$bin" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$here/alltoall.erl" "$tmp/"
# collected CMD...: the instructions callgrind counted for CMD (which must pass)
collected() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" >"$tmp/out" 2>"$tmp/cg" ||
        { cat "$tmp/out" "$tmp/cg" >&2; exit 1; }
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/cg"
}
a2a() {
    cat >"$tmp/a2a$1.json" <<J
{"name": "bench_alltoall", "until": "100000s", "config": {"modules": ["alltoall.erl"]}, "nodes": ["a"], "timeline": [
 {"at": "0s", "on": "a", "eval": "alltoall:start(100, $1).", "expect": "done"}
]}
J
    collected "$bin" run "$tmp/a2a$1.json" --quiet
}
a=$(a2a 1) || exit 1
b=$(a2a 2) || exit 1
echo "  all-to-all (K=100, bench/alltoall.erl): $(( (b - a) / 9900 )) instructions per one-way message ($a -> $b instructions for 9900 more messages)"
# sg NAME "SMALL ARGS" "LARGE ARGS" MESSAGES_DIFFERENCE [--cfg=...]
sg() {
    # shellcheck disable=SC2086  # the arguments are meant to split
    a=$(collected "$sg" $2 $5 --log=root.thres:critical) || exit 1
    # shellcheck disable=SC2086
    b=$(collected "$sg" $3 $5 --log=root.thres:critical) || exit 1
    echo "$1: $(( (b - a) / $4 )) instructions per one-way message ($a -> $b instructions for $4 more messages)"
}
C=--cfg=network/model:Constant
echo "SimGrid 3.32 (bench/simgrid/sg_bench.cpp, raw contexts):"
sg "  ping-pong (2 actors, 1 host, Constant)" "pingpong 1 2000 1" "pingpong 1 10000 1" 8000 $C
sg "  ping-pong (2 actors, 2 hosts, Constant)" "pingpong 1 2000 2" "pingpong 1 10000 2" 8000 $C
sg "  ping-pong (2 actors, 2 hosts, LV08)" "pingpong 1 2000 2" "pingpong 1 10000 2" 8000 --cfg=network/model:LV08
sg "  all-to-all shift (K=100, Constant)" "alltoall 100 1" "alltoall 100 2" 9900 $C
