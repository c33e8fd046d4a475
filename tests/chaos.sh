#!/bin/sh
# Chaos: random scenarios (tests/chaos/gen.c: every fault kind mixed with
# shell steps) run by a sanitizer build and a plain build. A run may fail
# no expectation (there are none) but must not crash, leak or trip UBSan,
# and both builds must give the same trace hash.
# After the range come the seeds that once found a bug, every time
# (REGRESSION_SEEDS: 422 665 1046 1120 1153 crashed a process started
# twice, by its start event and by a resume at the same instant).
# usage: tests/chaos.sh GEN PLAIN_BIN SANITIZED_BIN [FIRST LAST]
gen=$1 plain=$2 san=$3 first=${4:-1} last=${5:-30}
REGRESSION_SEEDS="422 665 1046 1120 1153"
export LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
seeds=$(seq "$first" "$last")
for seed in $seeds $REGRESSION_SEEDS; do
    "$gen" "$seed" > "$tmp/s.json"
    ASAN_OPTIONS=detect_leaks=1:exitcode=99 "$san" run "$tmp/s.json" --quiet \
        > "$tmp/a" 2> "$tmp/err"
    rc=$?
    "$plain" run "$tmp/s.json" --quiet > "$tmp/b" 2> /dev/null
    ha=$(grep '^trace hash:' "$tmp/a") hb=$(grep '^trace hash:' "$tmp/b")
    if [ "$rc" -gt 1 ] || grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error' "$tmp/err"; then
        echo "FAIL chaos seed $seed: exit $rc"; head -20 "$tmp/err"; fail=$((fail + 1))
    elif [ -z "$ha" ] || [ "$ha" != "$hb" ]; then
        echo "FAIL chaos seed $seed: builds differ ($ha vs $hb)"; fail=$((fail + 1))
    else
        pass=$((pass + 1))
    fi
done
echo "chaos: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
