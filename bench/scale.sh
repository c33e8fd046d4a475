#!/bin/sh
# The full-mesh scenario (bench/mesh.sh: n0 pings every other node, global
# meshes them, a global name, a partition into halves at 60 s, a heal at
# 3000 s of a one-hour run) at growing N, with global's
# prevent_overlapping_partitions off and on. Per row: the wall time of the
# whole `clustersim run -q` process (GNU time's %e), its peak RSS (%M),
# the trace's event count and hash (as the run prints them) and events/s.
# The wall clock is read here only, and no test asserts on it. After each
# option's rows: the fitted growth exponent, the least-squares slope of
# log(wall s) and of log(events) on log(N). Each wall cell: median
# (min-max) of RUNS runs; RSS the median.
# A run longer than BUDGET seconds is stopped (timeout): its row says so,
# and the larger N of that option are skipped.
# usage: bench/scale.sh BIN   (SIZES="50 100 200 300 500 1000" RUNS=3 BUDGET=120)
bin=${1:-./bin/clustersim}
sizes=${SIZES:-50 100 200 300 500 1000}
runs=${RUNS:-3}
budget=${BUDGET:-120}
here=$(cd "$(dirname "$0")" && pwd)
export LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
for t in /usr/bin/time timeout; do
    command -v "$t" >/dev/null 2>&1 || { echo "bench/scale.sh: $t missing" >&2; exit 1; }
done

# gen N OPT: the scenario (bench/mesh.sh), the option on or off
gen() {
    sh "$here/mesh.sh" "$1" "$2" >"$tmp/s.json" || exit 1
}
# once: "seconds rss_kib events hash" of one run, or "over" past the budget
once() {
    timeout "$budget" /usr/bin/time -f '%e %M' -o "$tmp/time" \
        "$bin" run "$tmp/s.json" -q >"$tmp/out" 2>&1
    rc=$?
    [ $rc = 124 ] && { echo over; return 0; }
    [ $rc = 0 ] || { cat "$tmp/out" >&2; echo "bench/scale.sh: clustersim failed ($rc)" >&2; exit 1; }
    ev=$(sed -n 's/.*passed (seed [0-9]*, \([0-9]*\) events).*/\1/p' "$tmp/out")
    h=$(sed -n 's/^trace hash: *//p' "$tmp/out")
    if [ -z "$ev" ] || [ -z "$h" ]; then
        cat "$tmp/out" >&2; echo "bench/scale.sh: no events or hash" >&2; exit 1
    fi
    echo "$(tail -1 "$tmp/time") $ev $h"
}

printf 'mesh scenario (bench/mesh.sh), wall s median (min-max) of %s runs, peak RSS MiB (median); budget %s s a run\n' "$runs" "$budget"
printf '| N | prevent_overlapping_partitions | wall s | peak RSS MiB | trace events | events/s | trace hash |\n'
printf '|---|---|---|---|---|---|---|\n'
for opt in off on; do
    : >"$tmp/fit"
    over=""
    for n in $sizes; do
        if [ -n "$over" ]; then
            printf '| %s | %s | skipped (N = %s was over budget) | | | | |\n' "$n" "$opt" "$over"
            continue
        fi
        gen "$n" "$opt"
        : >"$tmp/rows"
        i=0
        while [ $i -lt "$runs" ]; do
            r=$(once) || exit 1
            [ "$r" = over ] && { over=$n; break; }
            echo "$r" >>"$tmp/rows"
            i=$((i + 1))
        done
        if [ -n "$over" ]; then
            printf '| %s | %s | over budget (> %ss) | | | | |\n' "$n" "$opt" "$budget"
            continue
        fi
        # every run of one size must give one trace (determinism)
        [ "$(awk '{ print $3, $4 }' "$tmp/rows" | sort -u | wc -l)" = 1 ] ||
            { echo "bench/scale.sh: N=$n $opt: runs differ in their traces" >&2; exit 1; }
        # shellcheck disable=SC2046  # two figures, meant to split
        set -- $(awk '{ print $3, $4 }' "$tmp/rows" | head -1)
        ev=$1 h=$2
        # shellcheck disable=SC2046  # three figures, meant to split
        set -- $(awk '{ print $1 }' "$tmp/rows" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)], a[1], a[NR] }')
        med=$1 lo=$2 hi=$3
        rss=$(awk '{ print $2 }' "$tmp/rows" | sort -n | awk '{ a[NR] = $1 } END { printf "%.0f", a[int((NR + 1) / 2)] / 1024 }')
        eps=$(awk -v e="$ev" -v t="$med" 'BEGIN { if (t > 0) printf "%.0f", e / t; else print "-" }')
        printf '| %s | %s | %.2f (%.2f-%.2f) | %s | %s | %s | %s |\n' "$n" "$opt" "$med" "$lo" "$hi" "$rss" "$ev" "$eps" "$h"
        echo "$n $med $ev" >>"$tmp/fit"
    done
    # least-squares slope of log(y) on log(N); wall times under 0.05 s are noise
    awk -v opt="$opt" '
        function slope(k, sx, sy, sxx, sxy,   d) {
            d = k * sxx - sx * sx
            return (k < 2 || d == 0) ? "-" : sprintf("%.2f", (k * sxy - sx * sy) / d)
        }
        {
            x = log($1)
            if ($2 >= 0.05) { tk++; tx += x; ty += log($2); txx += x * x; txy += x * log($2) }
            else noise = noise " " $1
            ek++; ex += x; ey += log($3); exx += x * x; exy += x * log($3)
        }
        END {
            printf "| fit | %s | wall ~ N^%s (%d sizes%s) | | events ~ N^%s (%d sizes) | | |\n", opt,
                slope(tk, tx, ty, txx, txy), tk, noise == "" ? "" : "; N =" noise " under 0.05 s, left out",
                slope(ek, ex, ey, exx, exy), ek
        }' "$tmp/fit"
done
