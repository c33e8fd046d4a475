#!/bin/sh
# The cap table's wall time: `clustersim cap` over the canonical split
# (scenarios/cap/split5.json: 5 nodes, 5 clients at 20/s for 49 s, one
# partition and heal) under every strategy of its compare list, each row
# a whole run with its checkers. Median and range of 3; the wall clock is
# read here only, and no test asserts on it.
# usage: bench/cap.sh BIN
bin=${1:-./bin/clustersim}
export LC_ALL=C
f=scenarios/cap/split5.json
t=""
for i in 1 2 3; do
    s=$(date +%s.%N)
    "$bin" cap "$f" >/dev/null || { echo "bench/cap.sh: cap $f failed"; exit 1; }
    e=$(date +%s.%N)
    t="$t $(awk -v a="$s" -v b="$e" 'BEGIN { print b - a }')"
done
rows=$("$bin" cap "$f" | grep -c '^[a-z_]* ')
set -- $(printf '%s\n' $t | sort -n)
printf 'cap table: %s, %d strategies: median %.2f s (range %.2f-%.2f s, 3 runs)\n' \
    "$f" $((rows - 1)) "$2" "$1" "$3"
