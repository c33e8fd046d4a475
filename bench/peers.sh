#!/bin/sh
# clustersim side by side with its peers, one workload per row, in one
# run: SimGrid 3.32 (bench/simgrid/sg_bench.cpp, s4u, Constant network
# model) and real Erlang/OTP (erl -noshell) running the same Erlang
# modules as clustersim (bench/pairs.erl, bench/alltoall.erl,
# bench/ring.erl). Messages/s is the workload's known count of one-way
# messages over the wall time; the wall clock is read here (and in the
# peers' own programs) only, and no test asserts on it.
#   clustersim: the whole `clustersim run --quiet` process, timed here,
#               less the median start-up of a scenario that loads the
#               same modules and evaluates `done.` (compiling them);
#   SimGrid:    Engine::run() timed inside sg_bench (set-up excluded);
#   Erlang:     the workload's call timed inside the node (VM start-up
#               excluded); two-node rows on 127.0.0.1 (-name, epmd).
# Peak RSS is the whole process's (GNU time's %M; for SimGrid its own
# getrusage, the same figure). Each cell: median (min-max) of RUNS runs.
# usage: bench/peers.sh BIN SG_BENCH   (RUNS=3 by default)
bin=${1:-./bin/clustersim}
sg=${2:-build/bench_simgrid}
runs=${RUNS:-3}
here=$(cd "$(dirname "$0")" && pwd)
export LC_ALL=C
tmp=$(mktemp -d)
bnode=""
cleanup() {
    [ -n "$bnode" ] && kill "$bnode" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
cp "$here/pairs.erl" "$here/alltoall.erl" "$here/ring.erl" "$tmp/"
erlc -o "$tmp" "$tmp/pairs.erl" "$tmp/alltoall.erl" "$tmp/ring.erl" || exit 1
COOKIE=clustersim_bench
BNAME=clustersim_bench_b@127.0.0.1

# scenario NODES EVAL: a scenario that loads the modules and must give done
scenario() {
    cat <<J
{"name": "bench_peers", "until": "1000000s", "config": {"modules": ["pairs.erl", "alltoall.erl", "ring.erl"]}, "nodes": $1, "timeline": [
 {"at": "0s", "on": "a", "eval": "$2", "expect": "done"}
]}
J
}
now() { date +%s.%N; }
# cs_once NODES EVAL: "seconds rss_kib" of one clustersim run
cs_once() {
    scenario "$1" "$2" >"$tmp/s.json"
    s=$(now)
    /usr/bin/time -f %M -o "$tmp/rss" "$bin" run "$tmp/s.json" --quiet >"$tmp/out" 2>&1 ||
        { cat "$tmp/out" >&2; echo "bench/peers.sh: clustersim failed on $2" >&2; exit 1; }
    e=$(now)
    echo "$(awk -v a="$s" -v b="$e" 'BEGIN { print b - a }') $(tail -1 "$tmp/rss")"
}
# sg_once ARGS...: "seconds rss_kib" of one sg_bench run
sg_once() {
    env MALLOC_MMAP_MAX_=1000000 "$sg" "$@" --cfg=network/model:"${SG_MODEL:-Constant}" \
        --cfg=contexts/guard-size:0 --log=root.thres:critical >"$tmp/out" 2>&1 ||
        { cat "$tmp/out" >&2; echo "bench/peers.sh: sg_bench $* failed" >&2; exit 1; }
    sed -n 's/.*run_s=\([0-9.]*\) .*peak_rss_kib=\([0-9]*\).*/\1 \2/p' "$tmp/out"
}
# erl_once EXPR [2]: "seconds rss_kib" of EXPR (which gives done) in a fresh node
erl_once() {
    if [ "${2:-1}" = 2 ]; then
        dist="-name clustersim_bench_a@127.0.0.1 -setcookie $COOKIE"
        pre="Up = fun W(0) -> pang; W(I) -> case net_adm:ping('$BNAME') of
            pong -> pong; pang -> timer:sleep(100), W(I - 1) end end, pong = Up(50),"
    else
        dist=""
        pre=""
    fi
    # shellcheck disable=SC2086  # dist is meant to split into arguments
    (cd "$tmp" && /usr/bin/time -f %M -o "$tmp/rss" erl -noshell $dist -pa "$tmp" -eval "$pre
        T0 = erlang:monotonic_time(), done = $1, T1 = erlang:monotonic_time(),
        io:format(\"~p~n\", [erlang:convert_time_unit(T1 - T0, native, microsecond)]), halt()." \
        >"$tmp/out" 2>&1) || { cat "$tmp/out" >&2; echo "bench/peers.sh: erl failed on $1" >&2; exit 1; }
    echo "$(awk '{ print $1 / 1e6 }' "$tmp/out") $(tail -1 "$tmp/rss")"
}
# repeat N CMD...: N lines "seconds rss_kib"
repeat() {
    n=$1; shift
    i=0
    while [ $i -lt "$n" ]; do "$@" || exit 1; i=$((i + 1)); done
}
# stats MSGS MINUS_SECONDS < lines: "median min max rss_median" in msgs/s, MiB
stats() {
    awk -v m="$1" -v z="$2" '{ t = $1 - z; if (t <= 0) t = 1e-9; printf "%.0f %s\n", m / t, $2 }' >"$tmp/st"
    k=$(awk '{ print $2 }' "$tmp/st" | sort -n | awk '{ a[NR] = $1 } END { printf "%.0f", a[int((NR + 1) / 2)] / 1024 }')
    awk '{ print $1 }' "$tmp/st" | sort -n |
        awk -v k="$k" '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)], a[1], a[NR], k }'
}
# The start-up to subtract from clustersim's wall times.
startup() { repeat "$runs" cs_once "$1" "done." | awk '{ print $1 }' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
z1=$(startup '["a"]') || exit 1
z2=$(startup '["a", "b"]') || exit 1

# A second node for the two-node Erlang rows; gone when the script ends.
erl -noshell -name "$BNAME" -setcookie "$COOKIE" -pa "$tmp" >/dev/null 2>&1 &
bnode=$!

fmt() { awk -v v="$1" 'BEGIN { if (v >= 1e6) printf "%.2fM", v / 1e6; else printf "%.0fk", v / 1e3 }'; }
cell() { echo "$(fmt "$1") ($(fmt "$2")-$(fmt "$3"))"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

printf 'clustersim and its peers, one-way messages/s, median (min-max) of %s runs; peak RSS MiB (median)\n' "$runs"
printf 'start-up subtracted from clustersim: %.3f s (1 node), %.3f s (2 nodes)\n' "$z1" "$z2"
printf '| workload | messages | clustersim | SimGrid 3.32 Constant | Erlang/OTP 25 | cs/SimGrid | cs/Erlang | RSS cs / SG / Erl |\n'
printf '|---|---|---|---|---|---|---|---|\n'
# row NAME MSGS NODES EVAL SG_ARGS ERL_NODES
row() {
    if [ "$3" = 2 ]; then nodes='["a", "b"]'; z=$z2; ev=$(echo "$4" | sed "s/NODE/'b@sim'/"); ee=$(echo "$4" | sed "s/NODE/'$BNAME'/")
    else nodes='["a"]'; z=$z1; ev=$4; ee=$4; fi
    ee=${ee%.}
    c=$(repeat "$runs" cs_once "$nodes" "$ev" | stats "$2" "$z") || exit 1
    # shellcheck disable=SC2086  # the SimGrid arguments are meant to split
    s=$(repeat "$runs" sg_once $5 | stats "$2" 0) || exit 1
    e=$(repeat "$runs" erl_once "$ee" "$6" | stats "$2" 0) || exit 1
    [ -n "$c" ] && [ -n "$s" ] && [ -n "$e" ] || exit 1
    # shellcheck disable=SC2086  # four figures each, meant to split
    set -- "$1" "$2" $c $s $e
    printf '| %s | %s | %s | %s | %s | %s | %s | %s / %s / %s |\n' "$1" "$2" \
        "$(cell "$3" "$4" "$5")" "$(cell "$7" "$8" "$9")" "$(cell "${11}" "${12}" "${13}")" \
        "$(ratio "$3" "$7")" "$(ratio "$3" "${11}")" "$6" "${10}" "${14}"
}
row "ping-pong, 1 node, 2 processes" 100000 1 "pairs:start(1, 100000)." "pingpong 1 100000 1" 1
row "ping-pong, 1 node, 1e3 processes" 100000 1 "pairs:start(500, 200)." "pingpong 500 200 1" 1
row "ping-pong, 1 node, 1e4 processes" 100000 1 "pairs:start(5000, 20)." "pingpong 5000 20 1" 1
row "ping-pong, 1 node, 1e5 processes" 100000 1 "pairs:start(50000, 2)." "pingpong 50000 2 1" 1
row "ping-pong, 2 nodes, 2 processes" 20000 2 "pairs:start(1, 20000, NODE)." "pingpong 1 20000 2" 2
row "ping-pong, 2 nodes, 1e3 processes" 20000 2 "pairs:start(500, 40, NODE)." "pingpong 500 40 2" 2
row "ping-pong, 2 nodes, 1e4 processes" 20000 2 "pairs:start(5000, 4, NODE)." "pingpong 5000 4 2" 2
row "ping-pong, 2 nodes, 1e5 processes" 100000 2 "pairs:start(50000, 2, NODE)." "pingpong 50000 2 2" 2
row "all-to-all, K=100, 10 rounds" 99000 1 "alltoall:start(100, 10)." "alltoall 100 10" 1
row "all-to-all, K=1000, 1 round" 999000 1 "alltoall:start(1000, 1)." "alltoall 1000 1" 1
row "ring, 1e5 processes, 2 rounds" 200002 1 "ring:start(100000, 2)." "ring 100000 2" 1
erl -noshell -name clustersim_bench_c@127.0.0.1 -setcookie "$COOKIE" \
    -eval "rpc:call('$BNAME', init, stop, []), halt()." >/dev/null 2>&1
wait "$bnode" 2>/dev/null
bnode=""
# SimGrid's default network model on two hosts, for the two-node rows
s=$(SG_MODEL=LV08 repeat "$runs" sg_once pingpong 1 20000 2 | stats 20000 0) || exit 1
# shellcheck disable=SC2086  # four figures, meant to split
set -- $s
printf 'SimGrid LV08 (its default model; star zone, private 10 Gb/s 50 us links), ping-pong, 2 hosts, 2 actors: %s msgs/s, %s MiB\n' \
    "$(cell "$1" "$2" "$3")" "$4"
