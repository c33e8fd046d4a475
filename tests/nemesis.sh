#!/bin/sh
# nemesis: clustersim materialize and run --swarm end to end with the real
# binary (issue 15):
#   - a materialized scenario runs to the trace hash of the seed it was
#     drawn from, with and without --swarm, and keeps no nemesis key;
#   - written into another folder, its module paths still name the files;
#   - materializing twice gives the same bytes; different seeds differ;
#   - bad input: no FILE, a bad seed, an invalid scenario: exit 2.
# Prints "nemesis: N passed, M failed". usage: tests/nemesis.sh BIN
bin=${1:-./bin/clustersim}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
export LC_ALL=C
top=$(pwd)
mesh=$top/scenarios/faults/nemesis_mesh.json
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
expect() { if [ "$rc" = "$1" ]; then ok; else bad "$2: exit $rc, expected $1"; fi; }
same() { if [ "$1" = "$2" ]; then ok; else bad "$3: '$1' != '$2'"; fi; }
hash() { "$bin" run "$@" -q 2>/dev/null | sed -n 's/^trace hash: //p'; }

for seed in 3 8; do
    for swarm in "" --swarm; do
        "$bin" materialize "$mesh" --seed $seed $swarm -o m.json 2>err; rc=$?
        expect 0 "materialize seed $seed $swarm"
        same "$(hash m.json)" "$(hash "$mesh" --seed $seed $swarm)" \
            "materialized seed $seed $swarm runs as the seed"
        if grep -q '"nemesis"' m.json; then bad "seed $seed: nemesis key kept"; else ok; fi
    done
done
"$bin" materialize "$mesh" --seed 5 >a.json 2>err; rc=$?
expect 0 "materialize to standard output"
"$bin" materialize "$mesh" --seed 5 -o b.json 2>err
if cmp -s a.json b.json; then ok; else bad "materialize twice: different bytes"; fi
"$bin" materialize "$mesh" --seed 6 -o c.json 2>err
if cmp -s a.json c.json; then bad "seeds 5 and 6 drew the same faults"; else ok; fi
n=$(grep -c '"nemesis: ' a.json)
if [ "$n" -ge 5 ]; then ok; else bad "seed 5: $n fault notes, expected >= 5"; fi

# module paths, from another folder
mkdir -p deep/er
"$bin" materialize "$top/scenarios/book/global_server.json" -o deep/er/g.json 2>err; rc=$?
expect 0 "materialize a scenario with modules"
same "$(hash deep/er/g.json)" "$(hash "$top/scenarios/book/global_server.json")" \
    "materialized into another folder, its modules still load"
(cd "$top/scenarios/book" && "$bin" materialize global_server.json -o "$tmp/g2.json") 2>err
same "$(hash g2.json)" "$(hash "$top/scenarios/book/global_server.json")" \
    "materialized from a relative path"

"$bin" materialize 2>err; rc=$?
expect 2 "materialize without FILE"
"$bin" materialize "$mesh" --seed x 2>err; rc=$?
expect 2 "materialize --seed x"
"$bin" materialize "$top/tests/bad/nemesis_ring_small.json" 2>err; rc=$?
expect 2 "materialize of an invalid scenario"
if grep -q 'nemesis.faults: "ring" needs at least 4 nodes' err; then ok
else bad "the loader's message"; fi
"$bin" run "$mesh" --swarm -q >out 2>err; rc=$?
expect 0 "run --swarm"

echo "nemesis: $pass passed, $fail failed"
[ "$fail" = 0 ]
