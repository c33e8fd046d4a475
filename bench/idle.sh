#!/bin/sh
# Memory per idle process: a shell spawns P processes of idle:loop/0
# (each waits in a receive with no timeout), for P = 10,000 and 100,000;
# the peak RSS difference over the difference in processes is what one
# idle process costs, its share of the allocator's overhead included.
# usage: bench/idle.sh BIN
bin=${1:-./bin/clustersim}
export LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -x /usr/bin/time ] || { echo "bench/idle.sh: /usr/bin/time missing (Debian time)" >&2; exit 1; }
scenario() {
    cat <<J
{"name": "idle$1", "until": "10s", "nodes": ["a"], "timeline": [
 {"at": "0s", "on": "a", "eval": "L = fun F(0) -> done; F(K) -> spawn(idle, loop, []), F(K - 1) end, L($1).", "expect": "done"}
]}
J
}
# rss P: peak RSS in KiB of a run with P idle processes
rss() {
    scenario "$1" >"$tmp/s.json"
    /usr/bin/time -f '%M' -o "$tmp/t" "$bin" run "$tmp/s.json" --quiet >/dev/null ||
        { echo "bench/idle.sh: the run of $1 processes failed" >&2; exit 1; }
    cat "$tmp/t"
}
a=$(rss 10000) || exit 1
b=$(rss 100000) || exit 1
echo "idle processes: $(( (b - a) * 1024 / 90000 )) bytes each (peak RSS $a KiB at 10,000, $b KiB at 100,000; target <= 1024)"
