#!/bin/sh
# Prints "SEED trace hash: H" for the chaos scenarios FIRST..LAST run by
# BIN, so two builds (before and after a change that must not change
# behaviour) can be compared with cmp.
# usage: tests/chaos_hashes.sh GEN BIN FIRST LAST   (GEN: build/chaos_gen)
gen=$1 bin=$2 first=$3 last=$4
export LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
seed=$first
while [ "$seed" -le "$last" ]; do
    "$gen" "$seed" >"$tmp/s.json"
    echo "$seed $("$bin" run "$tmp/s.json" --quiet 2>/dev/null | grep '^trace hash:')"
    seed=$((seed + 1))
done
