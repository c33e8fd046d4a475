#!/bin/sh
# The sweep's speed (issue 15): seeds/s of `clustersim sweep` on a book
# scenario with --jobs 1, 2 and nproc, and what `sweep --jobs 1` adds over
# the same runs back to back in one process with no outputs
# (build/bench_sweep_base; the target: at most 5%). Medians of 5 (the
# wall clock is read here only; no test asserts on it). SEEDS seeds
# (default 10000; at about 4,500 runs/s on one core that is a few seconds
# a sweep).
# usage: bench/sweep.sh BIN BASE [FILE]
bin=${1:-./bin/clustersim}
base=${2:-build/bench_sweep_base}
f=${3:-scenarios/book/cap.json}
n=${SEEDS:-10000}
export LC_ALL=C
unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_COUNT JOB_COMPLETION_INDEX
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# median CMD...: the median wall time of 5 runs of CMD, in seconds
median() {
    t=""
    for i in 1 2 3 4 5; do
        s=$(date +%s.%N)
        "$@" >/dev/null 2>&1
        rc=$?
        e=$(date +%s.%N)
        [ $rc -le 1 ] || { echo "bench/sweep.sh: $* exited $rc" >&2; exit 1; }
        t="$t $(awk -v a="$s" -v b="$e" 'BEGIN { print b - a }')"
    done
    printf '%s\n' $t | sort -n | sed -n 3p
}

echo "sweep: $f, seeds 1..$n"
jobs="1 2 $(nproc)"
[ "$(nproc)" -le 2 ] && jobs="1 2"
for j in $jobs; do
    t=$(median "$bin" sweep "$f" --seeds 1..$n --jobs $j)
    awk -v t="$t" -v n="$n" -v j="$j" \
        'BEGIN { printf "  --jobs %-3d %7.3f s  %9.1f seeds/s\n", j, t, n / t }'
done
tb=$(median "$base" "$f" 1 $n)
t1=$(median "$bin" sweep "$f" --seeds 1..$n --jobs 1)
tr=$(median "$bin" sweep "$f" --seeds 1..$n --jobs 1 --results "$tmp/r.jsonl")
awk -v b="$tb" -v s="$t1" -v r="$tr" -v n="$n" 'BEGIN {
    printf "  back to back (bench_sweep_base): %.3f s  %.1f runs/s\n", b, n / b
    printf "  sweep --jobs 1: %.3f s, %+.1f%% over back to back (target <= 5%%)\n", s, (s / b - 1) * 100
    printf "  sweep --jobs 1 --results: %.3f s, %+.1f%%\n", r, (r / b - 1) * 100
}'
