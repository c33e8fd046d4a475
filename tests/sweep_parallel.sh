#!/bin/sh
# The GNU parallel recipes of docs/sweeps.md, run as written (part of
# `make test`): each ```sh block that follows a "tests/sweep_parallel.sh
# runs this block" comment is taken from the page, given this test's
# binary, two small scenarios, a small seed range and, for the ssh
# recipe, this machine as its two hosts (-S 2/:, so --basefile and
# --return do nothing), then run by sh in a temporary folder. Each must
# exit 0 and leave an all.jsonl equal to a single `--jobs 1` sweep's once
# the wall_ms fields are removed, and exit 0 (the merge's code). Then
# both once more on a scenario that fails under some seeds: the ssh
# recipe must run each shard once (no retry of exit code 1); the merged
# results must still equal a single sweep's, failed runs included.
# usage: tests/sweep_parallel.sh BIN      (needs GNU parallel)
set -u
bin=${1:?usage: sweep_parallel.sh BIN}
export LC_ALL=C
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
doc=docs/sweeps.md
root=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "sweep-parallel: FAILED: $*"; exit 1; }
parallel --version 2>/dev/null | grep -q "GNU parallel" ||
    fail "GNU parallel missing (apt-get install parallel; moreutils' parallel is another program)"

# The scenarios are copied in, so that the recipes' relative names work
# from their folder; dist_kv.json loads dist_kv.erl beside it. coin.json
# fails under about three seeds in four.
mkdir "$tmp/scn"
cp scenarios/book/monitor_nodes.json scenarios/book/dist_kv.json scenarios/book/dist_kv.erl "$tmp/scn/"
cat >"$tmp/scn/coin.json" <<'JSON'
{
  "name": "coin",
  "until": "1s",
  "nodes": ["alice"],
  "timeline": [
    {"at": "0s", "on": "alice", "eval": "rand:uniform(4).", "expect": "1"}
  ]
}
JSON
seeds=1..120
strip() { sed -E 's/,? *"wall_ms": *[0-9.]+//' "$1"; }

# The blocks: the lines between the ```sh after each marker and its ```.
awk -v dir="$tmp" '
    /tests\/sweep_parallel\.sh runs this block/ { want = 1; next }
    want && /^```sh$/ { n++; f = dir "/block" n ".sh"; inside = 1; want = 0; next }
    inside && /^```$/ { inside = 0; close(f); next }
    inside { print > f }
    END { print n + 0 > (dir "/blocks") }' "$doc"
blocks=$(cat "$tmp/blocks")
[ "$blocks" = 2 ] || fail "$doc: $blocks marked blocks, expected 2 (the local and the ssh recipe)"

# run_block I FILES: run block I on FILES in a fresh folder run.I.FILES;
# it must exit 0 (the merge's code: the shards agree), leave 8 parts and
# one joblog line per shard (no retries), and an all.jsonl equal to a
# single sweep's.
run_block() {
    b=$tmp/block$1.sh
    d=$tmp/run.$1.$(echo "$2" | tr ' ' _)
    grep -q 'scenario\.json' "$b" && grep -q -- '--seeds 1\.\.10000' "$b" &&
        grep -q 'sweep merge' "$b" ||
        fail "$doc: block $1 does not sweep scenario.json over 1..10000 and merge"
    basefiles=$(for f in $2 dist_kv.erl; do printf -- '--basefile %s ' "$f"; done)
    sed -e "s|--basefile scenario\.json|$basefiles|" \
        -e "s|scenario\.json|$2|g" \
        -e "s|--seeds 1\.\.10000|--seeds $seeds|g" \
        -e "s|-S host1,host2|-S 2/:|" \
        -e "s|clustersim |'$bin' |g" "$b" >"$d.sh"
    mkdir "$d"
    cp "$tmp"/scn/* "$d/"
    # shellcheck disable=SC2086 # $2: names without spaces
    (cd "$d" && "$bin" sweep $2 --seeds $seeds --jobs 1 --results single.jsonl >/dev/null 2>"$d.single.err")
    want=$?
    [ -s "$d/single.jsonl" ] || fail "the single-machine sweep of $2 wrote no results"
    failed=$(grep -c '"outcome":"failed"' "$d/single.jsonl")
    # As typed at a prompt: a non-zero parallel does not stop the merge.
    (cd "$d" && sh "$d.sh") </dev/null >"$d.out" 2>&1
    got=$?
    [ "$got" = 0 ] || { cat "$d.out"; fail "$doc: block $1 on $2 exited $got"; }
    shards=$(ls "$d"/part-*.jsonl 2>/dev/null | wc -l)
    [ "$shards" = 8 ] || fail "$doc: block $1 on $2 left $shards part files, expected 8"
    jobs=$(($(wc -l <"$d/sweep.joblog") - 1))
    [ "$jobs" = 8 ] || fail "$doc: block $1 on $2 ran $jobs jobs, expected 8 (one per shard, no retry)"
    strip "$d/single.jsonl" >"$d.single"
    strip "$d/all.jsonl" >"$d.all"
    cmp -s "$d.single" "$d.all" || {
        diff "$d.single" "$d.all" | head -20
        fail "$doc: block $1's merged results on $2 differ from a single --jobs 1 sweep's"
    }
    [ "$(grep -c '"outcome":"failed"' "$d/all.jsonl")" = "$failed" ] ||
        fail "$doc: block $1 on $2: the failed runs are not counted as a single sweep's"
    case $want in 0) [ "$failed" = 0 ] ;; 1) [ "$failed" -gt 0 ] ;; *) false ;; esac ||
        fail "the single sweep of $2 exited $want with $failed failed runs"
    results=$((results + $(wc -l <"$d.all") - 1))
    failures=$((failures + failed))
}

results=0
failures=0
for i in 1 2; do
    run_block $i "monitor_nodes.json dist_kv.json"
    run_block $i coin.json
done
[ "$failures" -gt 0 ] || fail "coin.json failed under none of the seeds $seeds"
echo "sweep-parallel: ok (the $blocks recipes of $doc, 8 shards each, also on failing seeds, none retried; merged equal to single sweeps: $results runs, $failures failed)"
