#!/bin/sh
# Writes a full-mesh scenario of N nodes to stdout: n0 pings every other
# node at 0 s (global meshes them), n1 registers a global name at 30 s, a
# partition splits the nodes in halves at 60 s, everything heals at 3000 s
# and n0 pings the other half's last node at 3010 s (global re-meshes the
# halves and resolves the name), in a one-hour run. The second argument
# sets prevent_overlapping_partitions (default on, OTP 25's default).
# scenarios/scale/mesh100.json is `sh bench/mesh.sh 100` with a
# description and two expects. For scale measurements, e.g.
#   sh bench/mesh.sh 100 off > mesh100.json
#   ./bin/clustersim run mesh100.json -q
# usage: bench/mesh.sh N [on|off]   (N >= 2)
n=${1:?usage: bench/mesh.sh N [on|off]}
case ${2:-on} in
on) pop=true ;;
off) pop=false ;;
*) echo "usage: bench/mesh.sh N [on|off]" >&2; exit 2 ;;
esac
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
echo " \"config\": {\"prevent_overlapping_partitions\": $pop},"
echo ' "timeline": ['
i=1
while [ "$i" -lt "$n" ]; do
    echo "  {\"at\": \"0s\", \"on\": \"n0\", \"eval\": \"net_adm:ping('n$i@sim').\"},"
    i=$((i + 1))
done
echo '  {"at": "30s", "on": "n1", "eval": "global:register_name(g, self())."},'
echo "  {\"at\": \"60s\", \"partition\": [[$(list 0 $((half - 1)))], [$(list $half $((n - 1)))]]},"
echo '  {"at": "3000s", "heal": "all"},'
echo "  {\"at\": \"3010s\", \"on\": \"n0\", \"eval\": \"net_adm:ping('n$((n - 1))@sim').\"}"
echo ' ]}'
