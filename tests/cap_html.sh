#!/bin/sh
# The page of `clustersim cap --html`, end to end: runs the two strategies
# of tests/cap/cap_small.json's compare list, ignore and the user module
# tests/cap/majority_store.erl (named with --strategies: the list also
# brings in every library strategy that needs no parameter, which this
# test does not depend on), checks the page's bytes are
# deterministic, then checks the DOM headless Chromium built (the table,
# one availability chart per row with the partition band, one bar per
# operation of the histories, the failing window outlined, the window's
# shell lines and the partition notes, nothing raw that could reorder the
# text) and takes screenshots into build/cap_html/*.png (CI artifacts).
# Chromium (Debian's `chromium`) is installed with apt-get when missing;
# when it cannot be, the test fails, saying why (as tests/render.sh).
# usage: tests/cap_html.sh [BIN]
bin=${1:-./bin/clustersim}
out=build/cap_html
export LC_ALL=C
mkdir -p "$out"
rm -f "$out"/*.png "$out"/*.html "$out"/*.dom "$out"/*.trace "$out"/*.txt \
    "$out"/*.json "$out"/*.erl

what=cap-html-test
. tests/browser.sh
# count_re FILE ERE: occurrences of an extended regular expression
count_re() { grep -o -E -- "$2" "$1" | wc -l | tr -d ' '; }
shot() {  # shot NAME.html PNG [URL suffix] [HEIGHT]: build/cap_html/PNG.png
    chrome --window-size=1400,${4:-1300} --screenshot="$out/$2.png" \
        "file://$PWD/$out/$1$3" >/dev/null
    size=$(wc -c <"$out/$2.png" 2>/dev/null || echo 0)
    [ "$size" -gt 20000 ] && ok || bad "$2: no screenshot ($size bytes)"
}

# ---- the page, twice ----
scn=tests/cap/cap_small.json
two=ignore,majority_store
"$bin" cap "$scn" --strategies $two --html "$out/cap.html" >"$out/table.txt" \
    || bad "cap $scn --html: exit $?"
"$bin" cap "$scn" --strategies $two --html "$out/cap2.html" >/dev/null
cmp -s "$out/cap.html" "$out/cap2.html" && ok || bad "two runs, different pages"
size=$(wc -c <"$out/cap.html")
[ "$size" -gt 10000 ] && ok || bad "page of $size bytes"

# What the runs say the page must show: the table's rows, each strategy's
# operations (its trace's invoke events) and linearizability.
strategies=$(awk 'NR > 3 && NF { print $1 }' "$out/table.txt")
rows=0 ops=0 nonlin=0
for s in $strategies; do
    rows=$((rows + 1))
    "$bin" run "$scn" --strategy "$s" --quiet --text "$out/$s.trace" \
        >"$out/$s.txt" 2>&1
    ops=$((ops + $(grep -c ' invoke pid=' "$out/$s.trace")))
    grep -q '^%% checker linearizable: fail: no' "$out/$s.txt" \
        && nonlin=$((nonlin + 1))
done
check "strategies in the table" "$(echo $strategies | tr ' ' ',')" \
    "ignore,majority_store"
[ "$ops" -gt 100 ] && ok || bad "only $ops operations in the runs"
# the majority store serves the minority until it sees the partition: a
# stale read there, so the checker finds a failing window to draw
grep -q '^%% checker linearizable: fail: no' "$out/majority_store.txt" && ok \
    || bad "majority_store: linearizable, no window to draw"

chrome --dump-dom "file://$PWD/$out/cap.html" >"$out/cap.dom"
d="$out/cap.dom"
check "page script ran" "$(count "$d" '<html lang="en" class="js">')" 1
check "table rows" "$(count "$d" '<td><a href="#row-')" "$rows"
check "sections" "$(count "$d" '<section class="row" id="row-')" "$rows"
check "availability charts" "$(count "$d" '<svg class="avail"')" "$rows"
check "partition bands" "$(count "$d" '<rect class="band"')" "$rows"
check "band labels" "$(count "$d" '>partition 10s to 25s</text>')" "$rows"
check "majority lines" "$(count "$d" '<path class="line maj"')" "$rows"
check "minority lines" "$(count "$d" '<path class="line min"')" "$rows"
check "history bars = operations" "$(count "$d" '<rect class="op ')" "$ops"
check "history lanes of key 0 and 1" "$(count_re "$d" '<svg class="hist" data-key="[01]"')" \
    $((2 * rows))
# the failing window: one failing operation, its window's band and
# outlined bars, its shell lines and notes, per non-linearizable row
check "non-linearizable sections" "$(count "$d" 'data-lin="no"')" "$nonlin"
check "failing operations" "$(count_re "$d" '<rect class="op [a-z ]*failing"')" "$nonlin"
check "failing window bands" "$(count "$d" '<rect class="winband"')" "$nonlin"
win=$(count_re "$d" '<rect class="op [a-z ]*win[ "]')
[ "$win" -ge "$nonlin" ] && ok || bad "window bars: $win"
check "shell windows" "$(count "$d" '<div class="shell">')" "$nonlin"
cmds=$(count "$d" '<div class="l cmd')
check "shell lines: one outcome per call" "$(count "$d" '<div class="l res')" "$cmds"
[ "$cmds" -ge "$win" ] && ok || bad "shell lines: $cmds for $win window operations"
[ "$(count_re "$d" '\)[0-9]+&gt; majority_store:(read\([0-9]+\)|write\([0-9]+, [0-9]+\))\.</div>')" -ge 1 ] \
    && ok || bad "no majority_store shell line"
check "failing shell line" "$(count "$d" '<div class="l cmd failing"')" "$nonlin"
check "partition notes" "$(count "$d" '%% [10s] partition: [a@sim,b@sim] | [c@sim]</div>')" "$nonlin"
check "heal notes" "$(count "$d" '%% [25s] heal</div>')" "$nonlin"
shot cap.html cap '' 2400
i=0
for s in $strategies; do
    shot cap.html "row_$s" "#only=$i" 1300
    i=$((i + 1))
done

# ---- escaping: a file name with markup and a bidi override ----
rlo=$(printf '\342\200\256')
odd="$out/x<b>&'\"${rlo}gpj.json"
cp "$scn" "$odd"
cp tests/cap/majority_store.erl "$out/"
"$bin" cap "$odd" --strategies majority_store --html "$out/odd.html" \
    >/dev/null || bad "cap (odd file name) --html"
chrome --dump-dom "file://$PWD/$out/odd.html" >"$out/odd.dom"
d="$out/odd.dom"
check "odd: sections" "$(count "$d" '<section class="row"')" 1
check "odd: U+202E raw in the page" "$(count "$out/odd.html" "$rlo")" 0
check "odd: a <b> element from the name" "$(count "$d" '<b>&amp;')" 0
[ "$(count "$d" 'x&lt;b&gt;&amp;')" -ge 1 ] && ok || bad "odd: the name not escaped"
[ "$(count "$d" '\x{202e}gpj.json')" -ge 1 ] && ok || bad "odd: the override not shown as its code"

echo "cap-html-test: $pass passed, $fail failed; screenshots:" \
    $(ls "$out"/*.png | tr '\n' ' ')
[ "$fail" -eq 0 ]
