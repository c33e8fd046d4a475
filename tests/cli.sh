#!/bin/sh
# cli: the command line's conventions and its output files, end to end
# with the real binary (issue 12):
#   - outputs: only a regular file is replaced (through OUT.partial); a
#     FIFO, /dev/stdout and /dev/null are written in place; a directory or a device
#     is exit 2 and left as it was; a failed write names its reason;
#   - SIGTERM, like SIGINT: exit 143, OUT.partial left, the stored run
#     marked interrupted;
#   - trace diff: a binary file or /dev/zero is exit 2, with a message;
#   - --opt=VALUE, - for standard input, run A B... and its summary,
#     per-command --help, -q listed;
#   - clustersim regress DIR --golden GDIR [--update] on scenarios outside
#     the repository.
# Prints "cli: N passed, M failed". usage: tests/cli.sh BIN
bin=${1:-./bin/clustersim}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
export LC_ALL=C
top=$(pwd)
echo_json=$top/scenarios/book/echo.json
failing=$top/tests/must_fail/count_too_high.json
endless=$top/tests/cli/endless.json
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
# expect CODE NAME: the last command's exit code ($rc) must be CODE
expect() { if [ "$rc" = "$1" ]; then ok; else bad "$2: exit $rc, expected $1"; fi; }
# has TEXT FILE NAME: FILE contains TEXT
has() { if grep -qF -- "$1" "$2"; then ok; else bad "$3: no '$1' in $2"; fi; }

# The reference: a regular file, renamed from .partial at the end.
"$bin" run "$echo_json" -q --text ref.trace >out 2>err; rc=$?
expect 0 "run --text ref.trace"
[ -f ref.trace ] && [ ! -e ref.trace.partial ] && ok || bad "ref.trace not renamed"
hash=$(sed -n 's/^trace hash: //p' out)

# ---- outputs ----
mkdir adir
for opt in --text --html --trace; do
    "$bin" run "$echo_json" -q $opt adir >out 2>err; rc=$?
    expect 2 "$opt adir"
    has "adir: is a directory" err "$opt adir"
    [ -d adir ] && [ ! -e adir.partial ] && ok || bad "$opt adir: the directory was touched"
done
for opt in --text --html --trace; do
    "$bin" run "$echo_json" -q $opt /dev/full >out 2>err; rc=$?
    expect 2 "$opt /dev/full"
    has "/dev/full: is " err "$opt /dev/full"
    [ -c /dev/full ] && ok || bad "$opt /dev/full: /dev/full is no longer a device"
done
# a run stopped by a limit leaves OUT.partial, never OUT
"$bin" run "$echo_json" -q --max-events 10 --text lim.trace --html lim.html >out 2>err; rc=$?
expect 3 "--max-events 10 --text lim.trace"
[ -s lim.trace.partial ] && [ ! -e lim.trace ] && [ -s lim.html.partial ] && [ ! -e lim.html ] && ok ||
    bad "--max-events: an incomplete run's outputs renamed"
has "incomplete trace left in lim.trace.partial" err "--max-events"
# a refused output costs no run, and leaves no other output behind
"$bin" run "$echo_json" -q --text first.trace --html adir >out 2>err; rc=$?
expect 2 "--text OK --html adir"
[ ! -e first.trace ] && [ ! -e first.trace.partial ] && ok || bad "--html adir: first.trace left behind"
grep -q "write failed" err && bad "--html adir: a write failure reported" || ok
[ -s out ] && bad "--html adir: the scenario ran" || ok
# /dev/null is written in place: discarded, and still the null device
"$bin" run "$echo_json" -q --text /dev/null --html /dev/null >out 2>err; rc=$?
expect 0 "--text /dev/null --html /dev/null"
[ -c /dev/null ] && [ ! -e /dev/null.partial ] && ok || bad "--text /dev/null: replaced"
# a FIFO is written in place, as the run goes
mkfifo fifo
cat fifo >fifo.out &
reader=$!
"$bin" run "$echo_json" -q --text fifo >out 2>err; rc=$?
wait $reader
expect 0 "--text fifo"
[ -p fifo ] && [ ! -e fifo.partial ] && ok || bad "--text fifo: the FIFO was replaced"
cmp -s fifo.out ref.trace && ok || bad "--text fifo: not the trace"
# /dev/stdout: in place, in order with the outcome lines
"$bin" run "$echo_json" -q --text /dev/stdout >stdout.out 2>err; rc=$?
expect 0 "--text /dev/stdout"
grep -v '^%%\|^trace hash:' stdout.out | cmp -s - ref.trace && ok ||
    bad "--text /dev/stdout: not the trace"
# a failed write names its reason
"$bin" run "$echo_json" -q --text /dev/stdout >/dev/full 2>err; rc=$?
expect 2 "--text /dev/stdout >/dev/full"
has "write failed: No space left on device" err "--text /dev/stdout >/dev/full"
"$bin" run "$echo_json" -q --text nodir/x.trace >out 2>err; rc=$?
expect 2 "--text nodir/x.trace"
has "nodir/x.trace.partial: cannot write: No such file or directory" err "--text nodir/x.trace"
# a symbolic link is written through, and stays a link
: >target.trace
ln -s target.trace link.trace
"$bin" run "$echo_json" -q --text link.trace >out 2>err; rc=$?
expect 0 "--text link.trace"
[ -L link.trace ] && cmp -s target.trace ref.trace && ok ||
    bad "--text link.trace: the link was replaced or the target not written"

# ---- SIGTERM (as SIGINT): exit 143, .partial left, run interrupted ----
"$bin" run "$endless" -q --text sig.trace --trace sig.db >out 2>err &
pid=$!
n=0
while [ ! -s sig.trace.partial ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n + 1)); done
kill -TERM $pid
wait $pid; rc=$?
expect 143 "SIGTERM"
has "interrupted (SIGTERM)" err "SIGTERM"
has "incomplete trace left in sig.trace.partial" err "SIGTERM"
[ -s sig.trace.partial ] && [ ! -e sig.trace ] && ok || bad "SIGTERM: no .partial left, or a complete-looking trace"
"$bin" trace show sig.db >/dev/null 2>err; rc=$?
expect 0 "trace show of the interrupted run"
has "is incomplete (interrupted)" err "SIGTERM: the stored run is not marked interrupted"

"$bin" render sig.db -o adir >out 2>err; rc=$?
expect 2 "render -o adir"
has "-o adir: is a directory" err "render -o adir"
"$bin" render sig.db -o /dev/full >out 2>err; rc=$?
expect 2 "render -o /dev/full"
[ -c /dev/full ] && ok || bad "render -o /dev/full: /dev/full is no longer a device"

# ---- trace diff on what is not a trace ----
"$bin" trace diff "$bin" ref.trace >out 2>err; rc=$?
expect 2 "trace diff BINARY"
has "a binary file, not a text trace" err "trace diff BINARY"
"$bin" trace diff /dev/zero ref.trace >out 2>err; rc=$?
expect 2 "trace diff /dev/zero"
has "/dev/zero: line 1: byte 0x00: a binary file" err "trace diff /dev/zero"

# ---- conventions ----
"$bin" run "$echo_json" --seed=5 -q >a 2>err; rc=$?
expect 0 "--seed=5"
"$bin" run "$echo_json" --seed 5 -q >b 2>err
cmp -s a b && grep -q '(seed 5,' a && ok || bad "--seed=5 differs from --seed 5"
"$bin" run "$echo_json" -q --text=eq.trace >out 2>err; rc=$?
expect 0 "--text=eq.trace"
cmp -s eq.trace ref.trace && ok || bad "--text=FILE: not the trace"
"$bin" run "$echo_json" --quiet=yes >out 2>err; rc=$?
expect 2 "--quiet=yes"
has "--quiet takes no value" err "--quiet=yes"
"$bin" run "$echo_json" --seed >out 2>err; rc=$?
expect 2 "--seed without a value"
has "--seed needs a value" err "--seed without a value"
# standard input
"$bin" run - -q <"$echo_json" >out 2>err; rc=$?
expect 0 "run -"
grep -qx "trace hash: $hash" out && ok || bad "run -: another trace than the file's"
"$bin" validate - <"$echo_json" >out 2>err; rc=$?
expect 0 "validate -"
has "<stdin>: ok (echo," out "validate -"
# relative module paths of - name files from the current directory
(cd "$top/scenarios/book" && "$bin" run - -q <send_work_module.json) >out 2>err; rc=$?
expect 0 "run - with modules, from their folder"
"$bin" run - -q <"$top/scenarios/book/send_work_module.json" >out 2>err; rc=$?
expect 2 "run - with modules, from elsewhere"
has "work.erl" err "run - with modules, from elsewhere"
"$bin" run - - -q <"$echo_json" >out 2>err; rc=$?
has "give - only once" err "run - -"
# several scenarios: a summary, and the worst exit code
"$bin" run "$echo_json" "$failing" -q >out 2>err; rc=$?
expect 1 "run PASSING FAILING"
has "%% summary: 2 scenarios, 1 passed, 1 failed" out "run A B: summary"
has "%%   $echo_json: passed" out "run A B: summary"
has "%%   $failing: FAILED (exit 1)" out "run A B: summary"
echo '{' >broken.json
"$bin" run "$echo_json" broken.json "$failing" -q >out 2>err; rc=$?
expect 2 "run with an invalid scenario among them"
has "%%   broken.json: INVALID (exit 2)" out "run A B C: summary"
"$bin" run "$echo_json" "$echo_json" --text x.trace >out 2>err; rc=$?
expect 2 "--text with two FILEs"
# help
for c in run validate trace render regress lib; do
    "$bin" $c --help >out 2>err; rc=$?
    expect 0 "$c --help"
    has "usage: clustersim $c" out "$c --help"
    "$bin" help $c >out2 2>err
    cmp -s out out2 && ok || bad "help $c differs from $c --help"
done
"$bin" trace show --help >out 2>err; rc=$?
expect 0 "trace show --help"
has "--run ID" out "trace show --help"
"$bin" --help >out 2>err
has "-q, --quiet" out "--help lists -q"
"$bin" run --help >out 2>err
has "-q, --quiet" out "run --help lists -q"

# ---- regress outside the repository ----
mkdir -p sc/book sc/other g
cp "$echo_json" sc/book/echo.json
cp "$top/scenarios/book/cap.json" sc/other/cap.json 2>/dev/null ||
    cp "$echo_json" sc/other/cap.json
"$bin" regress sc --golden g --update >out 2>err; rc=$?
expect 0 "regress --update"
[ -f g/book_echo.trace ] && [ -f g/other_cap.trace ] && ok || bad "regress --update: goldens not written"
has "# seed: 1" g/book_echo.trace "regress --update: header"
grep -v '^#' g/book_echo.trace | cmp -s - ref.trace && ok || bad "regress --update: not the trace"
"$bin" regress sc --golden g >out 2>err; rc=$?
expect 0 "regress"
has "regress: 2 passed, 0 failed" out "regress"
# a changed event: exit 1 and the first difference
sed 's/^\(7\.000000 alice@sim result term=\)true/\1false/' g/book_echo.trace >g/x && mv g/x g/book_echo.trace
"$bin" regress sc --golden g >out 2>err; rc=$?
expect 1 "regress, a golden changed"
has "FAIL sc/book/echo.json (seed 1): trace differs from g/book_echo.trace" out "regress, a golden changed"
has "first difference at event" out "regress, a golden changed"
# a missing golden, a stale one
rm g/book_echo.trace
echo '# seed: 1' >g/gone.trace
"$bin" regress sc --golden g >out 2>err; rc=$?
expect 1 "regress, missing and stale goldens"
has "no golden trace g/book_echo.trace" out "regress, missing golden"
has "FAIL g/gone.trace: stale golden" out "regress, stale golden"
"$bin" regress sc --golden g --update >out 2>err; rc=$?
expect 0 "regress --update again"
[ ! -e g/gone.trace ] && [ -f g/book_echo.trace ] && ok || bad "regress --update: stale golden kept or missing one not written"
"$bin" regress sc >out 2>err; rc=$?
expect 2 "regress without --golden"
"$bin" regress nosuchdir --golden g >out 2>err; rc=$?
expect 2 "regress of a missing DIR"

echo "cli: $pass passed, $fail failed"
[ "$pass" -gt 0 ] && [ "$fail" -eq 0 ]
