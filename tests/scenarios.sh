#!/bin/sh
# Runs every scenario under scenarios/ with the real binary: each must
# pass its expectations and checks (exit 0), and a second run must give
# the same trace hash (determinism). Prints "N passed, M failed".
# With ONCE=1 each runs once (the sanitizer pass: the plain pass already
# checked determinism); with FAILFAST=1 it stops at the first failure
# (tests/mutants.sh: one failure kills a mutant).
# usage: tests/scenarios.sh BIN
bin=${1:-./bin/clustersim}
export LC_ALL=C
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in $(find scenarios -name '*.json' | sort); do
    "$bin" run "$f" --quiet >"$tmp/a" 2>"$tmp/err"
    rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "FAIL $f (exit $rc)"
        sed 's/^/    /' "$tmp/err" | head -20
        fail=$((fail + 1))
        [ "${FAILFAST:-0}" = 1 ] && break
        continue
    fi
    if [ "${ONCE:-0}" = 1 ]; then
        pass=$((pass + 1))
        continue
    fi
    "$bin" run "$f" --quiet >"$tmp/b" 2>/dev/null
    ha=$(grep '^trace hash:' "$tmp/a")
    hb=$(grep '^trace hash:' "$tmp/b")
    if [ -z "$ha" ] || [ "$ha" != "$hb" ]; then
        echo "FAIL $f: not deterministic ($ha vs $hb)"
        fail=$((fail + 1))
        [ "${FAILFAST:-0}" = 1 ] && break
        continue
    fi
    pass=$((pass + 1))
done
echo "scenarios: $pass passed, $fail failed"
[ "$pass" -gt 0 ] && [ "$fail" -eq 0 ]
