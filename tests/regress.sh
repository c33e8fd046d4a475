#!/bin/sh
# regress: golden-trace regression (traces/README.md, "Golden traces").
#
# Every scenario under scenarios/ is under regression. Its golden trace is
# traces/golden/NAME.trace, NAME being the scenario's path below scenarios/
# without .json, '/' replaced by '_' (scenarios/book/echo.json ->
# book_echo.trace). A golden starts with '#' comment lines recording the
# scenario, the seed and the exact command that made it; `trace diff`
# ignores them.
#
#   tests/regress.sh BIN            replay each scenario with its recorded
#                                   seed, compare with `BIN trace diff`;
#                                   on a difference print the scenario and
#                                   the first differing line in context;
#                                   also store each replay with --trace and
#                                   require `trace show` == --text, byte
#                                   for byte
#   tests/regress.sh --golden BIN   rewrite every golden (make golden), and
#                                   delete goldens whose scenario is gone
#
# Prints "regress: N passed, M failed (BIN)"; exits 1 if any failed, 2 on
# bad usage. Run from the top of the source tree.
export LC_ALL=C
mode=compare
if [ "${1:-}" = --golden ]; then
    mode=golden
    shift
fi
if [ $# -ne 1 ]; then
    echo "usage: tests/regress.sh [--golden] BIN" >&2
    exit 2
fi
bin=$1
if [ ! -x "$bin" ]; then
    echo "regress: $bin: not an executable (build it first)" >&2
    exit 2
fi
gdir=traces/golden
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
mkdir -p "$gdir"
: >"$tmp/names"

for f in $(find scenarios -name '*.json' | sort); do
    rel=${f#scenarios/}
    name=$(printf '%s' "${rel%.json}" | tr / _)
    golden=$gdir/$name.trace
    out=$tmp/$name.trace
    echo "$name.trace" >>"$tmp/names"

    if [ $mode = golden ]; then
        # The scenario's own seed, then the recorded command, run as written.
        "$bin" run "$f" --quiet >"$tmp/out" 2>"$tmp/err"
        seed=$(sed -n 's/^%% .*(seed \([0-9][0-9]*\), .*/\1/p' "$tmp/out")
        if [ -z "$seed" ]; then
            echo "FAIL $f: cannot learn its seed"
            sed 's/^/    /' "$tmp/err" | head -20
            fail=$((fail + 1))
            continue
        fi
    else
        if [ ! -f "$golden" ]; then
            echo "FAIL $f: no golden trace $golden (make golden writes it)"
            fail=$((fail + 1))
            continue
        fi
        seed=$(sed -n 's/^# seed: \([0-9][0-9]*\)$/\1/p' "$golden" | head -1)
        if [ -z "$seed" ]; then
            echo "FAIL $f: $golden has no '# seed: N' header line"
            fail=$((fail + 1))
            continue
        fi
    fi

    # Replays also go into a database: `trace show` of the stored run must
    # give back the text trace byte for byte.
    if [ $mode = golden ]; then
        "$bin" run "$f" --seed "$seed" --quiet --text "$out" >"$tmp/out" 2>"$tmp/err"
    else
        "$bin" run "$f" --seed "$seed" --quiet --text "$out" --trace "$tmp/runs.db" \
            >"$tmp/out" 2>"$tmp/err"
    fi
    rc=$?
    # 0 and 1 both leave a complete trace (1: an expectation failed,
    # which tests/scenarios.sh reports); 2 and 3 do not.
    if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
        echo "FAIL $f: run exited $rc, no complete trace"
        sed 's/^/    /' "$tmp/err" | head -20
        fail=$((fail + 1))
        continue
    fi

    if [ $mode = golden ]; then
        hash=$(sed -n 's/^trace hash: //p' "$tmp/out")
        {
            echo "# clustersim golden trace of $f"
            echo "# seed: $seed"
            echo "# command: clustersim run $f --seed $seed --quiet --text OUT"
            echo "# trace hash: $hash ($(wc -l <"$out" | tr -d ' ') events)"
            echo "# written by make golden (tests/regress.sh --golden);" \
                 "'#' lines are not compared"
            cat "$out"
        } >"$golden"
        echo "wrote $golden"
        pass=$((pass + 1))
        continue
    fi

    run=$(sed -n 's/^trace stored: .*#\([0-9][0-9]*\)$/\1/p' "$tmp/out")
    if [ -z "$run" ] || ! "$bin" trace show "$tmp/runs.db#$run" >"$tmp/show" 2>"$tmp/err" ||
        ! cmp -s "$out" "$tmp/show"; then
        echo "FAIL $f: trace show of the stored run differs from --text"
        sed 's/^/    /' "$tmp/err" | head -20
        cmp "$out" "$tmp/show" 2>&1 | sed 's/^/    /'
        fail=$((fail + 1))
        continue
    fi

    "$bin" trace diff "$golden" "$out" >"$tmp/diff" 2>&1
    rc=$?
    # `trace diff` shows where; the verdict does not rest on it alone: the
    # run's hash must be the one the golden recorded, and the golden's
    # events the run's bytes (cmp).
    want_hash=$(sed -n 's/^# trace hash: \([0-9a-f]*\).*/\1/p' "$golden")
    got_hash=$(sed -n 's/^trace hash: //p' "$tmp/out")
    if [ $rc -eq 0 ] && [ "$want_hash" != "$got_hash" ]; then
        echo "FAIL $f (seed $seed): trace hash $got_hash, golden says $want_hash"
        fail=$((fail + 1))
    elif [ $rc -eq 0 ] && ! grep -v '^#' "$golden" | cmp -s - "$out"; then
        echo "FAIL $f (seed $seed): trace diff says equal, but the bytes differ from $golden"
        grep -v '^#' "$golden" | cmp - "$out" 2>&1 | sed 's/^/    /'
        fail=$((fail + 1))
    elif [ $rc -eq 0 ]; then
        pass=$((pass + 1))
    else
        if [ $rc -eq 1 ]; then
            echo "FAIL $f (seed $seed): trace differs from $golden"
        else
            echo "FAIL $f: cannot compare with $golden"
        fi
        sed 's/^/    /' "$tmp/diff"
        fail=$((fail + 1))
    fi
done

# A golden whose scenario is gone is stale: reported, or removed by --golden.
for g in "$gdir"/*.trace; do
    [ -e "$g" ] || continue
    if ! grep -qx "$(basename "$g")" "$tmp/names"; then
        if [ $mode = golden ]; then
            rm -f "$g"
            echo "removed stale $g"
        else
            echo "FAIL $g: stale golden, no scenario of that name"
            fail=$((fail + 1))
        fi
    fi
done

echo "regress: $pass passed, $fail failed ($bin)"
[ "$fail" -eq 0 ]
