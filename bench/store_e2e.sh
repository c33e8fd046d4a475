#!/bin/sh
# The SQLite trace store end to end: the same scenario run by
# `clustersim run -q` without and with `--trace DB` (a fresh database each
# time), as a whole process timed here. Events are the run's own count
# (as `run -q` prints it). Per scenario it prints, as median (min-max)
# of RUNS runs:
#   without, with:  wall seconds;
#   end to end:     events / (wall with --trace), events/s;
#   store:          events / (median with - median without), events/s:
#                   what the store adds to a run.
# Scenarios: bench/pairs.erl's ping-pong pairs, 5,000 pairs of 200
# one-way messages (about 1 M events on one node, 2 M on two). The wall
# clock is read here only; no test asserts on it.
# usage: bench/store_e2e.sh BIN   (RUNS=3 by default)
bin=${1:-./bin/clustersim}
runs=${RUNS:-3}
here=$(cd "$(dirname "$0")" && pwd)
export LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
cp "$here/pairs.erl" "$tmp/"

# scenario NAME NODES EVAL
scenario() {
    cat >"$tmp/$1.json" <<J
{"name": "$1", "until": "1000000s", "config": {"modules": ["pairs.erl"]}, "nodes": $2, "timeline": [
 {"at": "0s", "on": "a", "eval": "$3", "expect": "done"}
]}
J
}
now() { date +%s.%N; }
# once FILE [--trace DB]: seconds of one run
once() {
    f=$1; shift
    s=$(now)
    "$bin" run "$f" -q "$@" >"$tmp/out" 2>&1 ||
        { cat "$tmp/out" >&2; echo "bench/store_e2e.sh: $f failed" >&2; exit 1; }
    e=$(now)
    awk -v a="$s" -v b="$e" 'BEGIN { print b - a }'
}
# med < lines: "median min max"
med() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)], a[1], a[NR] }'; }
fmt() { awk -v v="$1" 'BEGIN { if (v >= 1e6) printf "%.2fM", v / 1e6; else printf "%.0fk", v / 1e3 }'; }

row() {  # row LABEL NAME NODES EVAL
    scenario "$2" "$3" "$4"
    : >"$tmp/without"; : >"$tmp/with"
    i=0
    while [ "$i" -lt "$runs" ]; do
        once "$tmp/$2.json" >>"$tmp/without" || exit 1
        rm -f "$tmp/t.db"
        once "$tmp/$2.json" --trace "$tmp/t.db" >>"$tmp/with" || exit 1
        i=$((i + 1))
    done
    # the run's count, as `run` prints it ("passed (seed 1, N events)")
    n=$(sed -n 's/.*passed (seed [0-9]*, \([0-9]*\) events).*/\1/p' "$tmp/out" | head -1)
    [ -n "$n" ] || { cat "$tmp/out" >&2; echo "bench/store_e2e.sh: no event count" >&2; exit 1; }
    set -- $(med <"$tmp/without") $(med <"$tmp/with")
    e2e=$(awk -v n="$n" -v t="$4" 'BEGIN { print n / t }')
    e2elo=$(awk -v n="$n" -v t="$6" 'BEGIN { print n / t }')
    e2ehi=$(awk -v n="$n" -v t="$5" 'BEGIN { print n / t }')
    st=$(awk -v n="$n" -v a="$1" -v b="$4" 'BEGIN { d = b - a; print (d > 0 ? n / d : 0) }')
    printf '| %s | %s | %.2f (%.2f-%.2f) | %.2f (%.2f-%.2f) | %s (%s-%s) | %s |\n' \
        "$label" "$n" "$1" "$2" "$3" "$4" "$5" "$6" \
        "$(fmt "$e2e")" "$(fmt "$e2elo")" "$(fmt "$e2ehi")" "$(fmt "$st")"
}

echo "SQLite trace store end to end ($runs runs each; wall s: median (min-max))"
echo "| scenario | events | without --trace | with --trace | end to end, events/s | store alone, events/s |"
echo "|---|---|---|---|---|---|"
label="ping-pong pairs, 2 nodes, 5,000 x 200"
row "$label" e2e_pairs2 '["a", "b"]' "pairs:start(5000, 200, 'b@sim')." || exit 1
label="ping-pong pairs, 1 node, 5,000 x 200"
row "$label" e2e_pairs1 '["a"]' "pairs:start(5000, 200)." || exit 1
