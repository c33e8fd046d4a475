#!/bin/sh
# The Kubernetes recipe of docs/sweeps.md, as far as it can be checked
# without a cluster (part of `make test`):
# 1. docs/k8s/sweep-job.yaml and merge-job.yaml are valid YAML;
# 2. the sweep Job is an Indexed Job (kind Job, completionMode Indexed,
#    restartPolicy Never), its completions equal the --shards N of its
#    command and the merge job's n, and its podFailurePolicy fails the
#    index (FailIndex) on exit codes 1 and 4, with backoffLimitPerIndex set;
# 3. the containers' scripts, run here by sh with the volumes as
#    folders, JOB_COMPLETION_INDEX 0..N-1 in turn and a small seed range,
#    merge into what a single-machine sweep writes (wall_ms removed).
# No Kubernetes API is involved: the scheduling, the podFailurePolicy and
# the volumes are not tested.
# Needs python3 with PyYAML (Debian's python3-yaml; `make test` installs it).
# usage: tests/k8s_manifest.sh BIN
set -u
bin=${1:?usage: k8s_manifest.sh BIN}
export LC_ALL=C
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
py=${PYTHON:-python3}
[ -x /usr/bin/python3 ] && py=${PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "k8s-manifest: FAILED: $*"; exit 1; }

# 1 and 2: the checks, and the two scripts written out
"$py" - docs/k8s/sweep-job.yaml docs/k8s/merge-job.yaml "$tmp" <<'PY' || exit 1
import re, sys
import yaml

sweep_file, merge_file, out = sys.argv[1:4]
errors = []
def check(ok, what):
    if not ok:
        errors.append(what)

def load(path):
    try:
        with open(path) as f:
            return [d for d in yaml.safe_load_all(f) if d is not None]
    except yaml.YAMLError as e:
        print(f"k8s-manifest: FAILED: {path}: not valid YAML: {e}")
        sys.exit(1)

def job(path, docs):
    jobs = [d for d in docs if d.get("kind") == "Job"]
    if len(jobs) != 1:
        print(f"k8s-manifest: FAILED: {path}: {len(jobs)} documents of kind Job, expected 1")
        sys.exit(1)
    return jobs[0]

def script(path, j):
    c = j["spec"]["template"]["spec"]["containers"][0]
    text = " ".join(c.get("command", []) + c.get("args", []))
    if c.get("command", [])[:2] != ["sh", "-c"] or len(c.get("args", [])) != 1:
        errors.append(f"{path}: the container is not [sh, -c] with one script")
        return text, ""
    return text, c["args"][0]

sweep = job(sweep_file, load(sweep_file))
spec = sweep.get("spec", {})
check(sweep.get("apiVersion") == "batch/v1", f"{sweep_file}: apiVersion is not batch/v1")
check(spec.get("completionMode") == "Indexed", f"{sweep_file}: completionMode is not Indexed")
completions = spec.get("completions")
check(isinstance(completions, int) and completions > 0, f"{sweep_file}: completions is not a positive integer")
check(isinstance(spec.get("parallelism"), int), f"{sweep_file}: no parallelism")
check(isinstance(spec.get("backoffLimitPerIndex"), int),
      f"{sweep_file}: no backoffLimitPerIndex (FailIndex needs it)")
check(spec.get("template", {}).get("spec", {}).get("restartPolicy") == "Never",
      f"{sweep_file}: restartPolicy is not Never (podFailurePolicy needs it)")
text, sweep_sh = script(sweep_file, sweep)
m = re.findall(r"--shards\s+(\d+)", text)
check(len(m) == 1, f"{sweep_file}: the command has {len(m)} --shards N, expected 1")
if m:
    check(int(m[0]) == completions, f"{sweep_file}: --shards {m[0]} but completions {completions}")
check("JOB_COMPLETION_INDEX" in text, f"{sweep_file}: the results do not name JOB_COMPLETION_INDEX")
failindex = set()
for r in spec.get("podFailurePolicy", {}).get("rules", []):
    oe = r.get("onExitCodes")
    if r.get("action") == "FailIndex" and oe and oe.get("operator") == "In":
        failindex |= set(oe.get("values", []))
check({1, 4} <= failindex, f"{sweep_file}: podFailurePolicy fails the index on exit codes "
      f"{sorted(failindex)}, expected 1 and 4 among them")
check(not failindex & {0}, f"{sweep_file}: FailIndex on exit code 0")

merge = job(merge_file, load(merge_file))
mtext, merge_sh = script(merge_file, merge)
check("sweep merge" in mtext, f"{merge_file}: no clustersim sweep merge")
n = re.findall(r"\bn=(\d+)", mtext)
check(n == [str(completions)], f"{merge_file}: n={n} but the sweep's completions are {completions}")

if errors:
    for e in errors:
        print(f"k8s-manifest: FAILED: {e}")
    sys.exit(1)
open(f"{out}/sweep.sh", "w").write(sweep_sh)
open(f"{out}/merge.sh", "w").write(merge_sh)
open(f"{out}/n", "w").write(f"{completions}\n")
PY

# 3: the scripts with the volumes as folders
n=$(cat "$tmp/n")
mkdir -p "$tmp/results"
files="scenarios/book/monitor_nodes.json"
seeds=1..60
for s in sweep merge; do
    sed -e "s|/results/|$tmp/results/|g" \
        -e "s|/scenarios/scenario.json|$files|g" \
        -e "s|--seeds 1\.\.10000|--seeds $seeds|" \
        -e "s|clustersim |\"$bin\" |g" "$tmp/$s.sh" >"$tmp/$s.run"
done
grep -q -- "--seeds $seeds" "$tmp/sweep.run" || fail "the sweep's script has no --seeds 1..10000 to replace"
i=0
while [ "$i" -lt "$n" ]; do
    JOB_COMPLETION_INDEX=$i sh "$tmp/sweep.run" >/dev/null 2>"$tmp/err" ||
        fail "index $i exited $?: $(cat "$tmp/err")"
    i=$((i + 1))
done
sh "$tmp/merge.run" >/dev/null 2>"$tmp/err" || fail "the merge script exited $?: $(cat "$tmp/err")"
"$bin" sweep $files --seeds $seeds --jobs 1 --results "$tmp/single.jsonl" >/dev/null 2>"$tmp/single.err" ||
    fail "the single-machine sweep exited $?"
strip() { sed -E 's/,? *"wall_ms": *[0-9.]+//' "$1"; }
strip "$tmp/single.jsonl" >"$tmp/single.cmp"
strip "$tmp/results/all.jsonl" >"$tmp/all.cmp"
[ -s "$tmp/single.cmp" ] || fail "the single-machine sweep wrote no results"
cmp -s "$tmp/single.cmp" "$tmp/all.cmp" || {
    diff "$tmp/single.cmp" "$tmp/all.cmp" | head -20
    fail "the $n indexes' merged results differ from the single-machine sweep"
}
echo "k8s-manifest: ok (valid YAML, Indexed Job of $n with FailIndex on 1 and 4; its scripts run here merge to a single sweep's $(($(wc -l <"$tmp/all.cmp") - 1)) runs)"
