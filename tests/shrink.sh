#!/bin/sh
# shrink: clustersim shrink end to end with the real binary (issue 15):
#   - tests/shrink/many.json (six nodes, 21 steps, one partition that b
#     notices): the result keeps the fault, its heal and the steps that
#     make the failure (2 nodes, 5 steps), and fails as the original did;
#   - the same input twice gives the same bytes;
#   - a passing seed: "nothing to shrink: seed 7 passes", exit 2;
#   - a result written to another folder loads its modules from there and
#     runs from any directory;
#   - a latency spike restored per direction is one unit with both restores;
#   - a nemesis seed: the drawn faults made explicit, then shrunk to the
#     one that matters (no "nemesis" key left), with and without --swarm;
#   - a check's failure (one that counted too few must count as many), a
#     workload's, --max-runs, bad usage.
# Prints "shrink: N passed, M failed". usage: tests/shrink.sh BIN
bin=${1:-./bin/clustersim}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
export LC_ALL=C
top=$(pwd)
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2

ok() { pass=$((pass + 1)); }
bad() {
    echo "FAIL $1"
    [ -s err ] && sed 's/^/    /' err | head -10
    fail=$((fail + 1))
}
# expect CODE NAME: the last command's exit code ($rc) must be CODE
expect() { if [ "$rc" = "$1" ]; then ok; else bad "$2: exit $rc, expected $1"; fi; }
# has TEXT FILE NAME: FILE contains TEXT
has() { if grep -qF -- "$1" "$2"; then ok; else bad "$3: no '$1' in $2"; fi; }
hasnt() { if grep -qF -- "$1" "$2"; then bad "$3: '$1' in $2"; else ok; fi; }

# The showcase: what matters is kept, the rest goes.
cp "$top"/tests/shrink/many.json many.json
"$bin" run many.json -q >/dev/null 2>orig.err; rc=$?
expect 1 "many.json fails"
"$bin" shrink many.json -o min.json 2>err; rc=$?
expect 0 "shrink many.json"
has "21 -> 5 timeline steps, 6 -> 2 nodes" err "the summary"
"$bin" validate min.json >val 2>err; rc=$?
expect 0 "min.json is valid"
has "(shrink_many, 2 nodes, 5 steps, 0 checks)" val "min.json's size"
has '"partition": [["a"], ["b"]]' min.json "the fault is kept"
has '"heal": "all"' min.json "its heal is kept"
has 'net_kernel:monitor_nodes(true)' min.json "the monitor is kept"
has '"seed": 7' min.json "the seed"
has 'Shrunk by clustersim shrink from many.json seed 7 (failure: expect on b@sim:' \
    min.json "the description"
"$bin" run min.json -q >/dev/null 2>err; rc=$?
expect 1 "min.json fails"
has "on b@sim: expected none, got nodedown_seen" err "the same failure"

# Determinism: the same bytes twice, and on standard output.
"$bin" shrink many.json -o min2.json 2>/dev/null; rc=$?
expect 0 "shrink many.json again"
if cmp -s min.json min2.json; then ok; else bad "two shrinks differ"; fi
"$bin" shrink many.json >min3.json 2>/dev/null; rc=$?
expect 0 "shrink many.json to stdout"
if cmp -s min.json min3.json; then ok; else bad "stdout differs from -o"; fi

# A latency spike restored one direction at a time is one unit; freeze
# and resume, halt and restart of a bystander go.
"$bin" shrink "$top"/tests/shrink/units.json -o units.json 2>err; rc=$?
expect 0 "shrink units.json"
"$bin" validate units.json >val 2>err
has "2 nodes, 4 steps" val "the spike, its two restores, the rpc"
has '"latency": {"between": ["a", "b"], "value": "3s"}' units.json "the spike"
hasnt '"freeze"' units.json "the freeze went"
hasnt '"restart"' units.json "the restart went"
"$bin" run units.json -q >/dev/null 2>err; rc=$?
expect 1 "units.json fails"
has "expected b@sim, got {badrpc,timeout}" err "as the rpc did"

# A passing seed.
"$bin" shrink "$top"/scenarios/book/echo.json --seed 7 -o none.json 2>err; rc=$?
expect 2 "a passing seed"
has "nothing to shrink: seed 7 passes" err "its message"
if [ -e none.json ]; then bad "a passing seed wrote its output"; else ok; fi

# Module paths: written to another folder, run from a third.
mkdir -p other third
"$bin" shrink "$top"/tests/shrink/modules.json -o other/min.json 2>err; rc=$?
expect 0 "shrink modules.json"
hasnt '"modules": ["shrink_mod.erl"]' other/min.json "the module path rebased"
(cd other && "$bin" run min.json -q >/dev/null 2>../err); rc=$?
expect 1 "run from its folder"
has "on a@sim: expected b@sim, got {badrpc,timeout}" err "the same failure there"
(cd third && "$bin" run ../other/min.json -q >/dev/null 2>../err); rc=$?
expect 1 "run from another folder"
has "expected b@sim, got {badrpc,timeout}" err "the same failure from elsewhere"

# A nemesis seed (scenarios/faults/rpc_under_faults.json fails on seed 4):
# the drawn faults made explicit, and one kept.
rpc=$top/scenarios/faults/rpc_under_faults.json
"$bin" shrink "$rpc" --seed 4 -o rpc.json 2>err; rc=$?
expect 0 "shrink a nemesis seed"
hasnt '"nemesis"' rpc.json "no nemesis key left"
"$bin" validate rpc.json >val 2>err; rc=$?
has "2 nodes, 3 steps" val "the rpc, the fault and its heal"
"$bin" run rpc.json -q >/dev/null 2>err; rc=$?
expect 1 "the shrunk nemesis seed fails"
has "expected 'bob@sim', got {badrpc," err "as the rpc did"
"$bin" shrink "$rpc" --seed 7 --swarm -o sw1.json 2>/dev/null; rc=$?
expect 0 "shrink a swarm seed"
"$bin" shrink "$rpc" --seed 7 --swarm -o sw2.json 2>/dev/null
if cmp -s sw1.json sw2.json; then ok; else bad "two swarm shrinks differ"; fi
hasnt '"loss"' sw1.json "swarm's drawn loss gone"
hasnt '"exponential"' sw1.json "swarm's drawn latency gone"
"$bin" run sw1.json -q >/dev/null 2>err; rc=$?
expect 1 "the shrunk swarm seed fails"

# A failed check is kept, the other checks go.
"$bin" shrink "$top"/tests/must_fail/range_min_max.json -o chk.json 2>err; rc=$?
expect 0 "shrink a failed check"
has "5 -> 1 checks" err "one check left"
"$bin" run chk.json -q >/dev/null 2>err; rc=$?
expect 1 "the check still fails"

# A check that counted too few must count as many: not shrunk to nothing.
"$bin" shrink "$top"/tests/must_fail/count_too_low.json -o low.json 2>err; rc=$?
expect 0 "shrink a check that counted too few"
"$bin" validate low.json >val 2>err
has "2 nodes, 1 steps, 1 checks" val "the ping that makes the one nodeup stays"
"$bin" run low.json -q >/dev/null 2>err; rc=$?
has "expected 2, counted 1" err "it counts as many"

# A workload's verdict.
"$bin" shrink "$top"/tests/must_fail/workload_verdict.json -o wl.json 2>err; rc=$?
expect 0 "shrink a workload"
"$bin" run wl.json -q >/dev/null 2>err; rc=$?
expect 1 "the workload still fails"

# --max-runs: the best so far, saying so.
"$bin" shrink many.json --max-runs 5 -o five.json 2>err; rc=$?
expect 0 "--max-runs 5"
has "stopped at --max-runs 5" err "stderr says so"
has "Stopped at --max-runs 5" five.json "the description says so"
"$bin" run five.json -q >/dev/null 2>err; rc=$?
expect 1 "the best so far fails"

# The seed's own run stopped by a limit: nothing judged, nothing to keep.
"$bin" shrink many.json --max-events 10 -o lim.json 2>err; rc=$?
expect 3 "the seed's run hits a limit"
has "cannot shrink: seed 7 hit an internal limit (max_events=10)" err "its message"
if [ -e lim.json ] || [ -e lim.json.partial ]; then bad "a limit wrote output"; else ok; fi

# Bad usage and input.
"$bin" shrink 2>err; rc=$?
expect 2 "no FILE"
"$bin" shrink many.json --max-runs 0 2>err; rc=$?
expect 2 "--max-runs 0"
"$bin" shrink nosuch.json 2>err; rc=$?
expect 2 "a missing FILE"
has "nosuch.json: cannot read" err "its message"
"$bin" shrink - <many.json 2>err; rc=$?
expect 2 "standard input"
mkdir -p adir
"$bin" shrink many.json -o adir 2>err; rc=$?
expect 2 "-o a directory"
has "is a directory" err "its message"
if grep -q "clustersim: shrink:" err; then bad "-o a directory still ran"; else ok; fi

echo "shrink: $pass passed, $fail failed"
[ "$fail" = 0 ]
