#!/bin/sh
# history: `clustersim history check` end to end with the real binary
# (issue 13): exit 0 linearizable, 1 not (the key and the window
# printed), 3 unknown (naming --budget), 2 unreadable input (file, line
# and field named) or bad usage; JSON lines and EDN; --model; --help;
# a workload's history written by run --history-edn/--history-json.
# Prints "history: N passed, M failed". usage: tests/history.sh BIN
bin=${1:-./bin/clustersim}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
export LC_ALL=C
pass=0
fail=0
root=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2

ok() { pass=$((pass + 1)); }
bad() {
    echo "FAIL $1"
    [ -s out ] && sed 's/^/    out: /' out | head -10
    [ -s err ] && sed 's/^/    err: /' err | head -10
    fail=$((fail + 1))
}
expect() { if [ "$rc" = "$1" ]; then ok; else bad "$2: exit $rc, expected $1"; fi; }
has() { if grep -qF -- "$1" "$2"; then ok; else bad "$3: no '$1' in $2"; fi; }
check() { "$bin" history check "$@" >out 2>err; rc=$?; }

# a linearizable JSON-lines history: two keys, a cas, a concurrent write
cat >good.jsonl <<'H'
{"index":0,"type":"invoke","f":"write","key":1,"value":1,"process":0,"time":1000}
{"index":1,"type":"invoke","f":"write","key":1,"value":2,"process":1,"time":1500}
{"index":2,"type":"ok","f":"write","key":1,"value":1,"process":0,"time":2000}
{"index":3,"type":"ok","f":"write","key":1,"value":2,"process":1,"time":2500}
{"index":4,"type":"invoke","f":"cas","key":1,"value":[1,3],"process":0,"time":3000}
{"index":5,"type":"ok","f":"cas","key":1,"value":[1,3],"process":0,"time":3500}
{"index":6,"type":"invoke","f":"read","key":2,"value":null,"process":1,"time":4000}
{"index":7,"type":"ok","f":"read","key":2,"value":null,"process":1,"time":4500}
H
check good.jsonl
expect 0 "linearizable JSON lines"
has "linearizable: 4 operations, 2 keys" out "linearizable summary"
"$bin" history check - <good.jsonl >out 2>err; rc=$?
expect 0 "standard input"
check good.jsonl --model register
expect 2 "cas under --model register"
has "good.jsonl: line 5: a cas in a register history: use --model cas-register" err "register refuses cas"

# a stale read in EDN, with a nemesis and an info write
cat >stale.edn <<'H'
{:index 0, :type :invoke, :f :write, :value [7 1], :process 0, :time 1000}
{:index 1, :type :ok, :f :write, :value [7 1], :process 0, :time 2000}
{:index 2, :type :info, :f :start-partition, :value nil, :process :nemesis, :time 2500}
{:index 3, :type :invoke, :f :write, :value [7 9], :process 2, :time 2600}
{:index 4, :type :info, :f :write, :value [7 9], :process 2, :time 2700, :error :timeout}
{:index 5, :type :invoke, :f :write, :value [7 2], :process 0, :time 3000}
{:index 6, :type :ok, :f :write, :value [7 2], :process 0, :time 4000}
{:index 7, :type :invoke, :f :read, :value [7 nil], :process 1, :time 5000}
{:index 8, :type :ok, :f :read, :value [7 1], :process 1, :time 6000}
H
check stale.edn
expect 1 "stale read"
has "not linearizable: key 7" out "the failing key"
has "then this one cannot complete: index 7, process 1, read -> 1" out "the failing op"
has "    index 5, process 0, write 2: invoked line 6 at 3000 ns, ok line 7 at 4000 ns" out "the last write in the window"
has "leaving the register at 2" out "the state"

# the budget: ten concurrent writes and a concurrent impossible read
: >hard.edn
for p in 0 1 2 3 4 5 6 7 8 9; do
    echo "{:type :invoke, :f :write, :value [1 $p], :process $p}" >>hard.edn
done
echo "{:type :invoke, :f :read, :value [1 nil], :process 20}" >>hard.edn
for p in 0 1 2 3 4 5 6 7 8 9; do
    echo "{:type :ok, :f :write, :value [1 $p], :process $p}" >>hard.edn
done
echo "{:type :ok, :f :read, :value [1 77], :process 20}" >>hard.edn
check hard.edn --budget 100
expect 3 "budget runs out"
has "unknown: the search on key 1 ran out of its budget of 100 states (--budget)" out "unknown names the limit"
check hard.edn --budget=100
cp out out1
check hard.edn --budget=100
cmp -s out out1 && ok || bad "unknown is reproducible"
check hard.edn
expect 1 "the default budget decides it"

# unreadable input: exit 2 with file, line, field
printf '%s\n' '{"type":"invoke","f":"write","key":1,"value":1,"process":0}' \
    '{"type":"done","f":"write","key":1,"value":1,"process":0}' >bad.jsonl
check bad.jsonl
expect 2 "malformed type"
has 'bad.jsonl:2: field "type": expected invoke, ok, fail or info, got "done"' err "names line and field"
check nosuch.edn
expect 2 "missing file"
has "nosuch.edn: No such file or directory" err "missing file named"
printf '{:type :invoke\0}\n' >nul.edn
check nul.edn
expect 2 "a binary file"
head -c 70000 /dev/zero | tr '\0' ' ' >long.edn
check long.edn
expect 2 "a line too long"
has "long.edn:1: line longer than 65536 bytes" err "line bound named"

# a workload's history, written by run --history-edn / --history-json
# (traces/history_write.c), reads back: the same verdict and summary from
# both formats, one line per event, the client's node on every event
"$bin" run "$root/scenarios/cap/split5.json" --quiet --history-edn w.edn \
    --history-json w.jsonl >out 2>err; rc=$?
expect 0 "run --history-edn --history-json"
check w.edn
cp out w.edn.out
check w.jsonl
if cmp -s out w.edn.out && [ -s out ]; then ok; else bad "EDN and JSON lines judged alike"; fi
if [ "$(wc -l <w.edn)" = "$(wc -l <w.jsonl)" ] && [ -s w.edn ]; then ok
else bad "EDN and JSON lines: one line per event"; fi
if grep -v -q ':node "' w.edn; then bad "an EDN event without its node"; else ok; fi
if head -1 w.edn | grep -q '^{:index 0, :type :invoke, '; then ok; else bad "EDN starts at index 0"; fi

# usage
check
expect 2 "no FILE"
check good.jsonl --model nosuch
expect 2 "unknown model"
check good.jsonl --budget 0
expect 2 "budget 0"
check good.jsonl other.edn
expect 2 "two files"
"$bin" history check --help >out 2>err; rc=$?
expect 0 "--help"
has "--budget STATES" out "--help lists --budget"
"$bin" history >out 2>err; rc=$?
expect 2 "history without a subcommand"
"$bin" --help >out 2>err
has "history check FILE" out "the command list names history check"

echo "history: $pass passed, $fail failed"
[ "$fail" = 0 ]
