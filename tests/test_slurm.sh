#!/bin/sh
# `make test-slurm`: the Slurm recipe of docs/sweeps.md end to end, on a
# one-node Slurm started here (tests/slurm/cluster.sh, in a temporary
# folder, stopped by a trap whatever happens). docs/slurm/sweep.sbatch
# runs as a 4-task array, docs/slurm/merge.sbatch as the job that depends
# on it; the merged results must equal a single-machine sweep's once the
# wall_ms fields are removed.
#
# usage: tests/test_slurm.sh BIN [--when-possible]
# Exit 0 passed; 1 failed. When the daemons cannot start (not root, Slurm
# not installed, a daemon refused) it prints "test-slurm: SKIPPED: REASON"
# and exits 0 with --when-possible (CI), 1 without. Once they run, any
# failure fails.
set -u
bin=${1:?usage: test_slurm.sh BIN [--when-possible]}
when_possible=${2:-}
export LC_ALL=C
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
files="scenarios/book/monitor_nodes.json scenarios/book/dist_kv.json"
seeds=1..40
tasks=4

tmp=$(mktemp -d "${TMPDIR:-/tmp}/clustersim-slurm.XXXXXX") || exit 1
trap 'sh tests/slurm/cluster.sh stop "$tmp"; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

skip() {
    echo "test-slurm: SKIPPED: $*"
    [ "$when_possible" = --when-possible ] && exit 0
    echo "test-slurm: (make test-slurm WHEN_POSSIBLE=1 skips instead of failing)"
    exit 1
}
fail() { echo "test-slurm: FAILED: $*"; exit 1; }

start=$(date +%s)
if ! sh tests/slurm/cluster.sh start "$tmp" 2>"$tmp/start.err"; then
    cat "$tmp/start.err"
    skip "$(tail -n 1 "$tmp/start.err" | sed 's/^cluster.sh: //')"
fi
export SLURM_CONF="$tmp/slurm.conf"
echo "test-slurm: one-node $(sinfo -V) up in $tmp"

# The recipe of docs/sweeps.md, "Slurm", with the test's binary and folders.
export CLUSTERSIM="$bin" RESULTS="$tmp/results"
# shellcheck disable=SC2086 # $files: two names without spaces
jid=$(sbatch --parsable --array=0-$((tasks - 1)) --output="$tmp/%x-%A_%a.out" \
        docs/slurm/sweep.sbatch $files --seeds $seeds) ||
    fail "sbatch of docs/slurm/sweep.sbatch refused"
jid=${jid%%;*}
echo "test-slurm: array job $jid, $tasks tasks, seeds $seeds"
# --wait returns the merge job's exit code; timeout in case a job hangs.
timeout 100 sbatch --wait --dependency=afterany:"$jid" --output="$tmp/%x-%j.out" \
        docs/slurm/merge.sbatch $tasks >/dev/null
rc=$?
for f in "$tmp"/clustersim-*.out; do
    [ -s "$f" ] && { echo "--- $(basename "$f")"; cat "$f"; }
done
[ "$rc" = 0 ] || fail "the merge job exited $rc (timeout: 124)"
squeue -h -j "$jid" 2>/dev/null | grep -q . && fail "array job $jid still queued"

# shellcheck disable=SC2086
"$bin" sweep $files --seeds $seeds --jobs 1 --results "$tmp/single.jsonl" >/dev/null ||
    fail "the single-machine sweep exited $?"
strip() { sed -E 's/,? *"wall_ms": *[0-9.]+//' "$1"; }
strip "$tmp/single.jsonl" >"$tmp/single.cmp"
strip "$tmp/results/all.jsonl" >"$tmp/all.cmp"
[ -s "$tmp/single.cmp" ] || fail "the single-machine sweep wrote no results"
if ! cmp -s "$tmp/single.cmp" "$tmp/all.cmp"; then
    diff "$tmp/single.cmp" "$tmp/all.cmp" | head -20
    fail "merged Slurm results differ from the single-machine sweep"
fi
echo "test-slurm: passed ($tasks array tasks + merge job, $(wc -l <"$tmp/all.cmp") results equal to one machine's, $(($(date +%s) - start)) s)"
