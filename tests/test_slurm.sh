#!/bin/sh
# `make test-slurm`: the Slurm recipe of docs/sweeps.md end to end, on a
# one-node Slurm started here (tests/slurm/cluster.sh, in a temporary
# folder, stopped by a trap whatever happens). docs/slurm/sweep.sbatch
# runs as a 4-task array, docs/slurm/merge.sbatch as the job that depends
# on it; the merged results must equal a single-machine sweep's once the
# wall_ms fields are removed. One scenario fails under some seeds, so the
# tasks exit 1 (Slurm must record it) and the merge must run all the same
# (afterany).
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
seeds=1..40
tasks=4

tmp=$(mktemp -d "${TMPDIR:-/tmp}/clustersim-slurm.XXXXXX") || exit 1
# coin.json fails under about three seeds in four.
cat >"$tmp/coin.json" <<'JSON'
{
  "name": "coin",
  "until": "1s",
  "nodes": ["alice"],
  "timeline": [
    {"at": "0s", "on": "alice", "eval": "rand:uniform(4).", "expect": "1"}
  ]
}
JSON
files="scenarios/book/monitor_nodes.json scenarios/book/dist_kv.json $tmp/coin.json"
# Whatever happens (a failure, ^C, a TERM), the daemons stop and the
# folder goes. The long waits run in the background so that a signal
# interrupts `wait` at once (sh runs a trap only between commands).
waiting=
trap '[ -n "$waiting" ] && kill "$waiting" 2>/dev/null
      sh tests/slurm/cluster.sh stop "$tmp"; rm -rf "$tmp"' EXIT
trap 'echo "test-slurm: interrupted"; exit 1' INT TERM HUP

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
# shellcheck disable=SC2086 # $files: names without spaces
jid=$(sbatch --parsable --array=0-$((tasks - 1)) --output="$tmp/%x-%A_%a.out" \
        docs/slurm/sweep.sbatch $files --seeds $seeds) ||
    fail "sbatch of docs/slurm/sweep.sbatch refused"
jid=${jid%%;*}
echo "test-slurm: array job $jid, $tasks tasks, seeds $seeds"
# --wait returns the merge job's exit code; timeout in case a job hangs.
timeout 100 sbatch --wait --dependency=afterany:"$jid" --output="$tmp/%x-%j.out" \
        docs/slurm/merge.sbatch $tasks >/dev/null &
waiting=$!
wait "$waiting"
rc=$?
waiting=
outs() {
    for f in "$tmp"/clustersim-*.out; do
        [ -s "$f" ] && { echo "--- $(basename "$f")"; cat "$f"; }
    done
}
[ "$rc" = 0 ] || { outs; fail "the merge job exited $rc (timeout: 124)"; }
squeue -h -j "$jid" 2>/dev/null | grep -q . && { outs; fail "array job $jid still queued"; }
sed 's/^/test-slurm: merge job: /' "$tmp"/clustersim-merge-*.out
# The tasks' exit codes, as Slurm recorded them (no accounting here:
# slurmctld keeps finished jobs for MinJobAge, 300 s by default).
codes=$(scontrol show job "$jid" 2>/dev/null | sed -n 's/.* ExitCode=\([0-9]*\):.*/\1/p' | sort | uniq -c |
        awk '{printf "%s%d exited %s", sep, $1, $2; sep = ", "}')
echo "test-slurm: array tasks: $codes"
case $codes in
*"exited 1"*) ;;
*) outs; fail "no array task exited 1, though coin.json fails under some seeds" ;;
esac

# shellcheck disable=SC2086
"$bin" sweep $files --seeds $seeds --jobs 1 --results "$tmp/single.jsonl" >/dev/null 2>"$tmp/single.err"
single=$?
[ "$single" -le 1 ] || { cat "$tmp/single.err"; fail "the single-machine sweep exited $single"; }
strip() { sed -E 's/,? *"wall_ms": *[0-9.]+//' "$1"; }
strip "$tmp/single.jsonl" >"$tmp/single.cmp"
strip "$tmp/results/all.jsonl" >"$tmp/all.cmp"
[ -s "$tmp/single.cmp" ] || fail "the single-machine sweep wrote no results"
[ "$(grep -c '"outcome":"failed"' "$tmp/single.cmp")" -gt 0 ] ||
    fail "coin.json failed under none of the seeds $seeds"
if ! cmp -s "$tmp/single.cmp" "$tmp/all.cmp"; then
    diff "$tmp/single.cmp" "$tmp/all.cmp" | head -20
    fail "merged Slurm results differ from the single-machine sweep"
fi
echo "test-slurm: passed ($tasks array tasks + merge job, $(($(wc -l <"$tmp/all.cmp") - 1)) runs equal to one machine's, $(($(date +%s) - start)) s)"
