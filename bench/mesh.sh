#!/bin/sh
# Writes a full-mesh scenario of N nodes to stdout: n0 pings every other
# node at 0 s (global meshes them), n1 registers a global name at 30 s, a
# partition splits the nodes in halves at 60 s, and everything heals at
# 3000 s of a one-hour run. For scale measurements, e.g.
#   sh bench/mesh.sh 100 > mesh100.json
#   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
#       ./bin/clustersim run mesh100.json -q 2>&1 | grep Collected
# usage: bench/mesh.sh N   (N >= 2)
n=${1:?usage: bench/mesh.sh N}
half=$((n / 2))
list() {  # list FIRST LAST: "nFIRST", ..., "nLAST"
    i=$1
    while [ "$i" -le "$2" ]; do
        printf '"n%d"' "$i"
        [ "$i" -lt "$2" ] && printf ', '
        i=$((i + 1))
    done
}
echo "{\"name\": \"mesh$n\", \"until\": \"3600s\", \"nodes\": [$(list 0 $((n - 1)))],"
echo ' "timeline": ['
i=1
while [ "$i" -lt "$n" ]; do
    echo "  {\"at\": \"0s\", \"on\": \"n0\", \"eval\": \"net_adm:ping('n$i@sim').\"},"
    i=$((i + 1))
done
echo '  {"at": "30s", "on": "n1", "eval": "global:register_name(g, self())."},'
echo "  {\"at\": \"60s\", \"partition\": [[$(list 0 $((half - 1)))], [$(list $half $((n - 1)))]]},"
echo '  {"at": "3000s", "heal": "all"}'
echo ' ]}'
