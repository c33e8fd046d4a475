#!/bin/sh
# The HTML render, end to end: draws the book's CAP demo (live with --html
# and from a trace database with `render`), a crash-and-restart demo and
# a generated trace of thousands of messages; checks the bytes are
# deterministic, takes screenshots with headless Chromium and checks the
# DOM Chromium built (lanes, arrows, marks, filters, the page's script
# ran). Screenshots stay in build/render/NAME.png as CI artifacts.
# Chromium (Debian's `chromium`) is installed with apt-get when missing;
# when it cannot be, the test fails, saying why.
# usage: tests/render.sh [BIN]
bin=${1:-./bin/clustersim}
out=build/render
export LC_ALL=C
mkdir -p "$out"
rm -f "$out"/*.png "$out"/*.html "$out"/*.db "$out"/*.dom "$out"/*.trace

what=render-test
. tests/browser.sh
shot() {  # shot NAME.html [URL suffix]: build/render/NAME.png
    chrome --window-size=1400,1300 --screenshot="$out/${1%.html}.png" \
        "file://$PWD/$out/$1$2" >/dev/null
    size=$(wc -c <"$out/${1%.html}.png" 2>/dev/null || echo 0)
    [ "$size" -gt 20000 ] && ok || bad "$1: no screenshot ($size bytes)"
}
dom() {  # dom NAME.html [URL suffix] > DOM as Chromium built it
    chrome --dump-dom "file://$PWD/$out/$1$2"
}

# ---- the CAP demo: live, from the database, twice ----
demo=scenarios/book/cap.json
"$bin" run "$demo" --quiet --text "$out/cap.trace" --trace "$out/cap.db" \
    --html "$out/cap.html" >/dev/null || bad "run $demo --html"
"$bin" run "$demo" --quiet --html "$out/cap2.html" >/dev/null
cmp -s "$out/cap.html" "$out/cap2.html" && ok || bad "cap: two runs, different pages"
"$bin" render "$out/cap.db" -o "$out/cap_db.html" || bad "render cap.db"
"$bin" render "$out/cap.db" --run 1 -o "$out/cap_db2.html"
cmp -s "$out/cap_db.html" "$out/cap_db2.html" && ok || bad "render: not deterministic"
# the database page differs from the live one only in its subtitle
check "cap: live vs database page, lines differing" \
    "$(diff "$out/cap.html" "$out/cap_db.html" | grep -c '^[<>]')" 2

# What the trace says the page must show.
t="$out/cap.trace"
lanes=$(awk '$3 == "boot" { print $2 }' "$t" | sort -u | wc -l | tr -d ' ')
delivered=$(grep -c ' deliver peer=' "$t")
sends=$(grep -c ' send peer=' "$t")
connects=$(grep -c ' connect peer=' "$t")
partitions=$(grep -c ' - partition ' "$t")
nodedowns=$(grep -c ' nodedown peer=' "$t")

dom cap.html >"$out/cap.dom"
d="$out/cap.dom"
check "cap: page script ran" "$(count "$d" '<html lang="en" class="js">')" 1
check "cap: lanes" "$(count "$d" '<g class="lane" data-k="lane"')" "$lanes"
check "cap: message and connect arrows" "$(count "$d" '<g class="msg')" \
    $((sends + connects))
check "cap: delivered arrows" "$(count "$d" 'data-k="deliver" data-n=')" "$delivered"
check "cap: connect arrows" "$(count "$d" 'data-k="connect" data-n=')" "$connects"
check "cap: partition bands" "$(count "$d" '<g class="band" data-k="cut">')" "$partitions"
[ "$(count "$d" '<g class="mark" data-k="nodedown"')" -ge 1 ] && ok || bad "cap: no nodedown mark"
[ "$nodedowns" -ge 1 ] && ok || bad "cap: the trace has no nodedown"
[ "$(count "$d" '<div class="l ')" -ge 10 ] && ok || bad "cap: transcript lines"
grep -q '%% \[5s\] partition' "$d" && ok || bad "cap: transcript misses the partition"
shot cap.html

# Filters from the URL: hide bob and the nodeup marks.
dom cap.html '#off=bob@sim,nodeup' >"$out/cap_off.dom"
d="$out/cap_off.dom"
check "filter: bob's lane hidden" "$(count "$d" '<g class="lane off" data-k="lane" data-n="1"')" 1
check "filter: other lanes shown" "$(count "$d" '<g class="lane" data-k="lane"')" $((lanes - 1))
check "filter: nodeup marks shown" "$(count "$d" '<g class="mark" data-k="nodeup"')" 0
[ "$(count "$d" '<g class="mark off" data-k="nodeup"')" -ge 1 ] && ok || bad "filter: no hidden nodeup"
# Jump to a time: the page scrolls and shows the cursor.
dom cap.html '#t=31' >"$out/cap_t.dom"
grep -q 'id="cur" class="cur"' "$out/cap_t.dom" && ok || bad "#t=31: no cursor"
shot cap.html '#t=13'
mv "$out/cap.png" "$out/cap_at_13s.png"
shot cap.html

# ---- a crash and a restart; a send to a dead name ----
for name in global/node_death book/remote_echo book/cookie; do
    base=$(basename "$name")
    "$bin" run "scenarios/$name.json" --quiet --text "$out/$base.trace" \
        --html "$out/$base.html" >/dev/null || bad "run $name --html"
    dom "$base.html" >"$out/$base.dom"
    check "$base: lanes" "$(count "$out/$base.dom" '<g class="lane" data-k="lane"')" \
        "$(awk '$3 == "boot" { print $2 }' "$out/$base.trace" | sort -u | wc -l | tr -d ' ')"
    shot "$base.html"
done
check "node_death: halt mark" "$(count "$out/node_death.dom" 'data-k="halt" data-n=')" 2  # mark + span
check "remote_echo: dropped arrow" "$(count "$out/remote_echo.dom" 'data-k="drop" data-n=')" 1
check "cookie: handshake failures" "$(count "$out/cookie.dom" '<g class="mark" data-k="handshake_fail"')" 2

# ---- a message given up by its sender in a partition: one arrow ----
# alice's message to bob waits on the cut link and dies with the
# connection (drop at alice, connection_closed): one arrow from alice,
# no phantom from bob, nothing "received without a matching send".
lp=scenarios/net/lost_in_partition.json
"$bin" run "$lp" --quiet --text "$out/lost.trace" --html "$out/lost.html" \
    >/dev/null || bad "run $lp --html"
check "lost: the trace has the sender's drop" \
    "$(grep -c ' alice@sim drop peer=bob@sim .*reason=connection_closed' "$out/lost.trace")" 1
dom lost.html >"$out/lost.dom"
d="$out/lost.dom"
check "lost: page script ran" "$(count "$d" '<html lang="en" class="js">')" 1
check "lost: arrows (connect + the message)" "$(count "$d" '<g class="msg')" 2
check "lost: the drop arrow, from alice" "$(count "$d" 'data-k="drop" data-n="0 1"')" 1
check "lost: no arrow from bob" \
    "$(grep -o '<g class="msg[^>]*data-n="1 0"' "$d" | wc -l | tr -d ' ')" 0
check "lost: no phantom receive" "$(count "$d" 'without a matching send')" 0
grep -q 'dropped at the sender [0-9.]*s: connection_closed' "$d" && ok \
    || bad "lost: no 'dropped at the sender' title"
shot lost.html

# ---- bidi and control characters from the scenario: shown as codes ----
# An U+202E override in the description, a note and an eval would show
# "gpj.exe" reversed; ESC would reach the terminal. Neither may reach the
# page raw (nor the terminal: the transcript is checked too).
cat >"$out/bidi.json" <<'JSON'
{"name": "bidi", "description": "photo \u202egpj.exe \u001b[2J",
 "until": "1s", "nodes": ["alice"],
 "timeline": [
  {"at": "0s", "note": "note \u202egpj.exe \u2066x\u2069"},
  {"at": "0s", "on": "alice", "eval": "\"\u202egpj.exe\"."}
 ]}
JSON
"$bin" run "$out/bidi.json" --html "$out/bidi.html" >"$out/bidi.txt" \
    || bad "run bidi --html"
dom bidi.html >"$out/bidi.dom"
d="$out/bidi.dom"
check "bidi: page script ran" "$(count "$d" '<html lang="en" class="js">')" 1
rlo=$(printf '\342\200\256')
check "bidi: U+202E raw in the page" "$(count "$d" "$rlo")" 0
check "bidi: U+202E raw in the transcript" "$(count "$out/bidi.txt" "$rlo")" 0
check "bidi: ESC raw in the transcript" "$(count "$out/bidi.txt" "$(printf '\033')")" 0
[ "$(count "$d" '\x{202e}gpj.exe')" -ge 3 ] && ok || bad "bidi: the override is not shown as its code"
grep -q 'note \\x{202e}gpj.exe \\x{2066}x\\x{2069}' "$d" && ok || bad "bidi: the note's codes"
grep -q '^%% bidi: photo \\x{202e}gpj.exe \\x1b\[2J$' "$out/bidi.txt" && ok \
    || bad "bidi: the description in the transcript"
shot bidi.html

# ---- a large generated trace: summarised, bounded ----
gen() {  # gen N: N echo requests among four nodes, partitioned a while
    n=$1
    echo '{"name": "render_large", "description": "'"$n"' echo requests among four nodes, a partition and a heal: the page summarises.",'
    echo ' "until": "'$((n / 100 + 40))'s", "config": {"net_ticktime": "8s"},'
    echo ' "nodes": ["n1", "n2", "n3", "n4"], "timeline": ['
    for k in 1 2 3 4; do
        echo '  {"at": "0s", "on": "n'$k'", "eval": "register(echo, spawn(echo, loop, []))."},'
    done
    echo '  {"at": "'$((n / 300))'s", "partition": [["n1", "n2"], ["n3", "n4"]]},'
    echo '  {"at": "'$((n / 150))'s", "heal": "all"},'
    awk -v n="$n" 'BEGIN {
        for (i = 0; i < n; i++) {
            from = i % 4 + 1; to = (int(i / 4) + i) % 4 + 1
            if (to == from) to = to % 4 + 1
            printf "  {\"at\": \"%dms\", \"on\": \"n%d\", \"eval\": \"{echo, '"'"'n%d@sim'"'"'} ! {self(), %d}.\"}%s\n",
                1000 + 10 * i, from, to, i, i + 1 < n ? "," : ""
        } }'
    echo ' ]}'
}
gen 4000 >"$out/large.json"
"$bin" run "$out/large.json" --quiet --text "$out/large.trace" \
    --html "$out/large.html" >/dev/null || bad "run large --html"
size=$(wc -c <"$out/large.html")
[ "$size" -lt 4000000 ] && ok || bad "large: page of $size bytes"
grep -q 'Large trace, summarised' "$out/large.html" && ok || bad "large: no summary note"
dom large.html >"$out/large.dom"
arrows=$(count "$out/large.dom" '<g class="msg')
[ "$arrows" -gt 100 ] && [ "$arrows" -le 3000 ] && ok || bad "large: $arrows arrows"
check "large: lanes" "$(count "$out/large.dom" '<g class="lane" data-k="lane"')" 4
# messages given up with the partitioned connections are the senders'
# drops (connection_closed), drawn from the sender: no phantom receives
[ "$(grep -c 'reason=connection_closed' "$out/large.trace")" -ge 1 ] && ok \
    || bad "large: the partition gave up no message"
[ "$(count "$out/large.dom" 'data-k="drop" data-n=')" -ge 1 ] && ok || bad "large: no dropped message"
check "large: receives without a send" "$(count "$out/large.dom" 'received without a matching send')" 0
check "large: page script ran" "$(count "$out/large.dom" '<html lang="en" class="js">')" 1
shot large.html '#t=13.3'

echo "render-test: $pass passed, $fail failed; screenshots:" \
    $(ls "$out"/*.png | tr '\n' ' ')
[ "$fail" -eq 0 ]
