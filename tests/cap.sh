#!/bin/sh
# The CAP table's shape: `clustersim cap` over the canonical scenarios
# must show what each strategy is known to do (scenarios/cap/README.md
# says why). Each assertion reads one cell of the Markdown table.
# Prints "cap: N passed, M failed"; exits 1 if any failed.
# usage: tests/cap.sh BIN
bin=${1:-./bin/clustersim}
export LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

# table FILE: the Markdown table of FILE under its compare list
table() {
    "$bin" cap "$1" --markdown >"$tmp/t" 2>"$tmp/err" ||
        { echo "FAIL cap $1: exit $?"; cat "$tmp/err"; fail=$((fail + 1)); }
}
# cell STRATEGY COLUMN: the cell (columns numbered from 1 = strategy)
cell() {
    awk -F '|' -v s="$1" -v c="$2" '
        { gsub(/^ +| +$/, "", $2) }
        $2 == s { x = $(c + 1); gsub(/^ +| +$/, "", x); print x; exit }' "$tmp/t"
}
# expect WHAT STRATEGY COLUMN PATTERN: the cell matches the ERE PATTERN
expect() {
    got=$(cell "$2" "$3")
    if printf '%s\n' "$got" | grep -Eq "^($4)\$"; then
        pass=$((pass + 1))
    else
        echo "FAIL $file: $2: $1: got \"$got\", expected /$4/"
        fail=$((fail + 1))
    fi
}
MAJ=2 MIN=3 STALE=4 LOST=5 DISC=6 LIN=7 CONV=8 HEAL=9

file=scenarios/cap/split5.json
table "$file"
# the CP rows: linearizable, the minority unavailable
for s in quorum raft; do
    expect "linearizable" $s $LIN yes
    expect "no stale read" $s $STALE 0
    expect "no lost write" $s $LOST 0
    expect "majority available" $s $MAJ '(9[0-9]|100)% \[.*\]'
    expect "minority unavailable" $s $MIN '0% \[.*\]'
    expect "converged" $s $CONV 'yes / yes'
done
# ignore: available everywhere, never converges
expect "majority available" ignore $MAJ '100% \[100%\]'
expect "minority available" ignore $MIN '100% \[100%\]'
expect "not linearizable" ignore $LIN no
expect "final reads differ" ignore $CONV 'no / .*'
expect "never converges" ignore $HEAL never
# pause_minority: the minority refuses only after detection
expect "minority serves in the detection window" pause_minority $MIN '[0-9]+% \[(9[0-9]|100)%\]'
expect "minority refuses after detection" pause_minority $MIN '[0-9]% \[.*\]'
expect "majority available" pause_minority $MAJ '100% \[100%\]'
expect "converges" pause_minority $CONV 'yes / yes'
# autoheal and static_master: available, converge, the losers' writes dropped
for s in autoheal static_master; do
    expect "minority available" $s $MIN '100% \[100%\]'
    expect "converges" $s $CONV 'yes / yes'
    expect "values discarded" $s $DISC '[1-9][0-9]*'
    expect "converged after the heal" $s $HEAL '[0-9.]+ s'
done
# lww with perfect clocks: converges, loses no acknowledged write
expect "converges" lww $CONV 'yes / yes'
expect "no lost write without skew" lww $LOST 0
expect "not linearizable" lww $LIN no

file=scenarios/cap/lww_skew.json
table "$file"
expect "lost writes with a skewed clock" lww $LOST '[1-9][0-9]*'
expect "converges" lww $CONV 'yes / yes'

file=scenarios/cap/master_minority.json
table "$file"
expect "the majority's writes lost" static_master $LOST '[1-9][0-9]*'
expect "converges" static_master $CONV 'yes / yes'

file=scenarios/cap/split221.json
table "$file"
for s in quorum raft pause_minority; do
    expect "no majority anywhere: unavailable" $s $MIN '[0-9]% \[.*\]'
done

# every outcome mapping, and a 2 | 2 split without a majority side
if "$bin" run scenarios/cap/outcomes.json --quiet >"$tmp/o" 2>&1; then
    pass=$((pass + 1))
else
    echo "FAIL scenarios/cap/outcomes.json:"; tail -5 "$tmp/o"; fail=$((fail + 1))
fi

# scenarios/cap/README.md shows the canonical table as `cap` prints it
"$bin" cap scenarios/cap/split5.json --markdown | sed -n '3,$p' >"$tmp/want"
n=$(wc -l <"$tmp/want")
grep -A $((n - 1)) -F "$(head -1 "$tmp/want")" scenarios/cap/README.md | head -n "$n" >"$tmp/got"
if cmp -s "$tmp/want" "$tmp/got"; then
    pass=$((pass + 1))
else
    echo "FAIL scenarios/cap/README.md: its table is not what clustersim cap scenarios/cap/split5.json --markdown prints:"
    diff "$tmp/got" "$tmp/want" | head -20
    fail=$((fail + 1))
fi

echo "cap: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
