#!/bin/sh
# trace_merge: clustersim trace merge OUT.db IN.db... end to end with the
# real binary (issue 15): runs of a few seeds stored in two databases
# that overlap, merged; every merged run read back by trace show as the
# run's own --text, byte for byte, with the hash `run` printed; A+B and
# B+A give the same database (sqlite3 .dump); merging again changes
# nothing; a conflict is exit 4 and leaves OUT as it was; bad usage and
# bad inputs are exit 2. Prints "trace_merge: N passed, M failed".
# usage: tests/trace_merge.sh BIN
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
expect() { if [ "$rc" = "$1" ]; then ok; else bad "$2: exit $rc, expected $1"; fi; }
has() { if grep -qF -- "$1" "$2"; then ok; else bad "$3: no '$1' in $2"; fi; }

# Two scenarios (echo's trace does not depend on the seed, monitors'
# does), seeds 1..3 into a.db and 3..4 into b.db: seed 3 is in both.
for scn in echo monitors; do
    for seed in 1 2 3 4; do
        dbs=
        [ "$seed" -le 3 ] && dbs="a.db"
        [ "$seed" -ge 3 ] && dbs="$dbs b.db"
        for db in $dbs; do
            "$bin" run "$top/scenarios/book/$scn.json" -q --seed "$seed" \
                --trace "$db" --text "$scn.$seed.trace" >out 2>err; rc=$?
            expect 0 "run $scn --seed $seed --trace $db"
            sed -n 's/^trace hash: //p' out >"$scn.$seed.hash"
        done
    done
done

"$bin" trace merge m.db a.db b.db >out 2>err; rc=$?
expect 0 "trace merge m.db a.db b.db"
has "merged 8 runs from 2 databases into m.db (2 duplicates kept once)" out "merge summary"
[ ! -e m.db.partial ] && ok || bad "m.db.partial left behind"

# Every merged run: trace show gives back its --text, and diff agrees.
for id in 1 2 3 4 5 6 7 8; do
    "$bin" trace show "m.db#$id" >show.out 2>err; rc=$?
    expect 0 "trace show m.db#$id"
    found=
    for f in *.trace; do
        cmp -s show.out "$f" && found=$f && break
    done
    [ -n "$found" ] && ok || bad "m.db#$id: no run's --text matches"
done
if command -v sqlite3 >/dev/null 2>&1; then
    # ids in canonical order (scenario, file, seed, ...), the hashes run printed
    for scn in echo monitors; do
        for seed in 1 2 3 4; do
            row=$(sqlite3 m.db "SELECT id || ' ' || hash FROM runs WHERE scenario = '$scn' AND seed = $seed")
            want=$(cat "$scn.$seed.hash")
            case $scn in echo) id=$seed ;; *) id=$((seed + 4)) ;; esac
            [ "$row" = "$id $want" ] && ok || bad "$scn seed $seed: row '$row', expected '$id $want'"
            "$bin" trace diff "m.db#$id" "$scn.$seed.trace" >out 2>err; rc=$?
            expect 0 "trace diff m.db#$id $scn.$seed.trace"
        done
    done
    [ "$(sqlite3 m.db 'SELECT count(DISTINCT scenario_sha256) FROM runs WHERE length(scenario_sha256) = 64')" = 2 ] &&
        ok || bad "the runs' scenario_sha256"

    # B+A, and the same runs split otherwise: the same database
    "$bin" trace merge m2.db b.db a.db >out 2>err; rc=$?
    expect 0 "trace merge m2.db b.db a.db"
    sqlite3 m.db .dump >m.dump
    sqlite3 m2.db .dump >m2.dump
    cmp -s m.dump m2.dump && ok || bad "A+B and B+A differ (sqlite3 .dump)"
    "$bin" trace merge m3.db b.db >out 2>err && "$bin" trace merge m3.db a.db b.db >out 2>err; rc=$?
    expect 0 "trace merge m3.db b.db, then a.db b.db"
    has "merged 4 runs from 2 databases into m3.db (6 duplicates kept once)" out "merge into an existing OUT"

    # again: nothing added, the same rows, the file untouched
    cp m.db m.bytes
    "$bin" trace merge m.db b.db a.db >out 2>err; rc=$?
    expect 0 "trace merge m.db again"
    has "merged 0 runs from 2 databases into m.db (10 duplicates kept once)" out "merge again"
    sqlite3 m.db .dump | cmp -s - m.dump && ok || bad "merging again changed m.db"
    cmp -s m.db m.bytes && ok || bad "merging again rewrote m.db"

    # the same seed in swarm mode is another run
    "$bin" run "$top/scenarios/book/monitors.json" -q --seed 1 --swarm --trace s.db >out 2>err; rc=$?
    expect 0 "run --swarm"
    cp m.db ms.db
    "$bin" trace merge ms.db s.db >out 2>err; rc=$?
    expect 0 "trace merge of a --swarm run"
    has "merged 1 run from 1 database into ms.db (0 duplicates kept once)" out "a --swarm run"
    [ "$(sqlite3 ms.db 'SELECT id, seed, swarm FROM runs WHERE swarm = 1')" = "9|1|1" ] &&
        ok || bad "the --swarm run's row"

    # a conflict: seed 3 of monitors with another hash
    cp b.db c.db
    sqlite3 c.db "UPDATE runs SET hash = 'deadbeefdeadbeef' WHERE scenario = 'monitors' AND seed = 3"
    cp m.db m.before
    "$bin" trace merge m.db c.db >out 2>err; rc=$?
    expect 4 "trace merge of a conflicting run"
    has "scenario monitors, seed 3" err "conflict: the key"
    has "deadbeefdeadbeef" err "conflict: the other hash"
    has "$(cat monitors.3.hash)" err "conflict: the hash in m.db"
    has "m.db" err "conflict: out's name"
    has "c.db" err "conflict: the input's name"
    cmp -s m.db m.before && ok || bad "a conflict changed m.db"
    [ ! -e m.db.partial ] && ok || bad "a conflict left m.db.partial"
    "$bin" trace merge new.db a.db c.db >out 2>err; rc=$?
    expect 4 "trace merge a.db c.db into a new OUT"
    [ ! -e new.db ] && ok || bad "a conflict created new.db"
else
    echo "trace_merge: sqlite3 not installed: .dump, hash and conflict checks skipped"
    fail=$((fail + 1))
fi

# bad usage, bad inputs
echo text >notdb.db
"$bin" trace merge m.db notdb.db >out 2>err; rc=$?
expect 2 "trace merge of a text file"
has "notdb.db: not a trace database" err "a text file"
"$bin" trace merge m.db missing.db >out 2>err; rc=$?
expect 2 "trace merge of a missing file"
has "missing.db: no such file" err "a missing file"
"$bin" trace merge m.db a.db m.db >out 2>err; rc=$?
expect 2 "OUT among the INs"
has "also an input" err "OUT among the INs"
"$bin" trace merge m.db >out 2>err; rc=$?
expect 2 "trace merge without IN"
"$bin" trace merge >out 2>err; rc=$?
expect 2 "trace merge without arguments"
"$bin" trace merge --bogus m.db a.db >out 2>err; rc=$?
expect 2 "trace merge --bogus"
"$bin" trace merge --help >out 2>err; rc=$?
expect 0 "trace merge --help"
has "usage: clustersim trace merge OUT.db IN.db..." out "trace merge --help"
"$bin" trace --help >out 2>err; rc=$?
has "trace merge OUT.db IN.db" out "trace --help lists merge"
"$bin" --help >out 2>err; rc=$?
has "trace merge OUT.db IN.db" out "--help lists trace merge"

echo "trace_merge: $pass passed, $fail failed"
[ "$pass" -gt 0 ] && [ "$fail" -eq 0 ]
