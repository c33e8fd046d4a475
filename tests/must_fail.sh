#!/bin/sh
# Scenarios that must fail (tests/must_fail/): each NAME.json runs with the
# real binary and must give exactly what NAME.want says. The first line of
# NAME.want is "exit N" (optionally followed by extra `run` options); the
# rest is the exact stderr (failed expectations and checks, or the limit).
# The outcome line on stdout must say FAILED (exit 1) or INCOMPLETE
# (exit 3); the trace hash line of a run stopped by a limit says
# `(partial: stopped by LIMIT)`. Prints "must_fail: N passed, M failed".
# usage: tests/must_fail.sh BIN
bin=${1:-./bin/clustersim}
export LC_ALL=C
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in tests/must_fail/*.json; do
    want=${f%.json}.want
    if [ ! -f "$want" ]; then
        echo "FAIL $f: no $want"; fail=$((fail + 1)); continue
    fi
    set -- $(head -n 1 "$want")
    if [ "$1" != exit ] || [ -z "$2" ]; then
        echo "FAIL $want: first line must be 'exit N [OPTIONS]'"
        fail=$((fail + 1)); continue
    fi
    code=$2; shift 2
    "$bin" run "$f" --quiet "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    tail -n +2 "$want" >"$tmp/want"
    # exit 2 (the scenario does not load) prints no outcome line
    case $code in 1) word=FAILED ;; 3) word=INCOMPLETE ;; 2) word= ;; *) word=passed ;; esac
    if [ "$rc" != "$code" ]; then
        echo "FAIL $f: exit $rc, expected $code"
        sed 's/^/    /' "$tmp/err" | head -20
        fail=$((fail + 1))
    elif [ -z "$word" ] && [ -s "$tmp/out" ]; then
        echo "FAIL $f: a scenario that does not load printed a transcript"
        fail=$((fail + 1))
    elif ! cmp -s "$tmp/err" "$tmp/want"; then
        echo "FAIL $f: stderr differs from $want"
        diff "$tmp/want" "$tmp/err" | sed 's/^/    /' | head -20
        fail=$((fail + 1))
    elif [ -n "$word" ] && ! grep -q "^%% [^ ]*: $word " "$tmp/out"; then
        echo "FAIL $f: stdout does not say $word"
        sed 's/^/    /' "$tmp/out" | head -5
        fail=$((fail + 1))
    elif [ "$code" = 3 ] && ! grep -q '^trace hash: [0-9a-f]* (partial: stopped by ' "$tmp/out"; then
        echo "FAIL $f: a run stopped by a limit must print its hash as partial"
        grep '^trace hash' "$tmp/out" | sed 's/^/    /'
        fail=$((fail + 1))
    elif [ -n "$word" ] && [ "$code" != 3 ] && ! grep -q '^trace hash: [0-9a-f]*$' "$tmp/out"; then
        echo "FAIL $f: a complete run prints its bare trace hash"
        fail=$((fail + 1))
    else
        pass=$((pass + 1))
    fi
done
echo "must_fail: $pass passed, $fail failed"
[ "$pass" -gt 0 ] && [ "$fail" -eq 0 ]
