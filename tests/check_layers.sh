#!/bin/sh
# check_layers: dependencies point down (STYLE.md 3, core/README.md).
#
# The layers, lowest first; a file may use its own layer and those below:
#   sim  net_model  core/term  core/erl  core/rt  core/dist  core/global
#   core/lib  traces  scenarios  cli  main.c
# A subsystem reaches the one above it only through handlers that the
# upper one registers (rt's hooks, dist's nodeup/nodedown, the BIF table).
# Two libraries are confined: cJSON to scenarios/, cli/ and main.c, SQLite to
# traces/. tests/ and bench/ may use anything.
#
# Two checks, so that a call through an extern declaration without an
# include is caught too:
#   - every #include "..." line of the sources;
#   - every symbol an object leaves undefined (nm -u) that another of our
#     objects defines: the defining object's layer must not be above.
#
#   tests/check_layers.sh BUILD      check the sources against the objects
#                                    in BUILD (make check-layers); prints
#                                    each violation, exits 1 if any
#   tests/check_layers.sh --graph    the include graph between folders:
#                                    "from -> to  (count)" (make layers-graph)
# Run from the top of the source tree.
export LC_ALL=C
LAYERS="sim net_model core/term core/erl core/rt core/dist core/global core/lib traces scenarios cli main.c"

# The checked sources, one path a line.
sources() {
    find sim net_model core traces scenarios cli -name '*.[ch]' | sort
    echo main.c
}

# awk helpers shared by both modes: the layer of a path and its rank.
AWK_LAYER='
function layer(p) {
    if (p == "main.c") return "main.c"
    if (p ~ /^core\//) { q = substr(p, 6); sub(/\/.*/, "", q); return "core/" q }
    sub(/\/.*/, "", p); return p
}
BEGIN { n = split(layers, L, " "); for (i = 1; i <= n; i++) rank[L[i]] = i }
'

# "file:line: path" for every quoted include.
includes() {
    sources | while read -r f; do
        grep -n '^#include "' "$f" | sed "s|^\([0-9]*\):#include \"\([^\"]*\)\".*|$f:\1: \2|"
    done
}

if [ "${1:-}" = --graph ]; then
    includes | awk -v layers="$LAYERS" "$AWK_LAYER"'
        { split($1, a, ":"); from = layer(a[1]); to = layer($2)
          if (from != to) count[from " -> " to]++ }
        END { for (e in count) { split(e, x, " -> ")
                  printf "%02d %02d %s  (%d)\n", rank[x[1]], rank[x[2]], e, count[e] } }' |
        sort | cut -c7-
    exit 0
fi

if [ $# -ne 1 ]; then
    echo "usage: tests/check_layers.sh BUILD | --graph" >&2
    exit 2
fi
build=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. Includes: never a layer above; cJSON and SQLite only where allowed.
includes | awk -v layers="$LAYERS" "$AWK_LAYER"'
    { split($1, a, ":"); from = layer(a[1]); to = layer($2)
      if (!(from in rank) || !(to in rank))
          printf "%s includes %s (%s or %s is in no layer)\n", $1, $2, from, to
      else if (rank[to] > rank[from])
          printf "%s includes %s (%s is above %s)\n", $1, $2, to, from }' >"$tmp/bad"
sources | while read -r f; do
    case $f in
    scenarios/*|cli/*|main.c) ;;
    *) grep -n '^#include <cJSON.h>' "$f" | sed "s|^\([0-9]*\):.*|$f:\1: includes cJSON (only scenarios/, cli/ and main.c may)|" ;;
    esac
    case $f in
    traces/*) ;;
    *) grep -n '^#include <sqlite3.h>' "$f" | sed "s|^\([0-9]*\):.*|$f:\1: includes SQLite (only traces/ may)|" ;;
    esac
done >>"$tmp/bad"

# 2. Calls: who defines each symbol, then who uses it.
sources | grep '\.c$' | while read -r f; do
    o=$build/${f%.c}.o
    if [ ! -f "$o" ]; then
        echo "check-layers: $o missing (build first)" >&2
        exit 2
    fi
    nm -g --defined-only "$o" | awk -v f="$f" '$2 ~ /[TDRBC]/ { print $3, f }'
done | sort >"$tmp/defs" || exit 2
sources | grep '\.c$' | while read -r f; do
    nm -u "$build/${f%.c}.o" | awk -v f="$f" '{ print $2, f }'
done | sort >"$tmp/uses"
join "$tmp/uses" "$tmp/defs" | awk -v layers="$LAYERS" "$AWK_LAYER"'
    { from = layer($2); to = layer($3)
      if (rank[to] > rank[from])
          printf "%s calls %s in %s (%s is above %s)\n", $2, $1, $3, to, from }' >>"$tmp/bad"
awk -v layers="$LAYERS" "$AWK_LAYER"'
    $1 ~ /^cJSON_/ && layer($2) != "scenarios" && layer($2) != "cli" && layer($2) != "main.c" {
        printf "%s calls %s (only scenarios/, cli/ and main.c may use cJSON)\n", $2, $1 }
    $1 ~ /^sqlite3_/ && layer($2) != "traces" {
        printf "%s calls %s (only traces/ may use SQLite)\n", $2, $1 }' "$tmp/uses" >>"$tmp/bad"

if [ -s "$tmp/bad" ]; then
    echo "check-layers: dependencies pointing up:"
    sort -u "$tmp/bad" | sed 's/^/  /'
    exit 1
fi
echo "check-layers: ok ($(sources | wc -l | tr -d ' ') sources, $(wc -l <"$tmp/uses" | tr -d ' ') undefined symbols looked up)"
