#!/bin/sh
# A one-node Slurm cluster on localhost, for tests/test_slurm.sh: munged,
# slurmctld and slurmd, everything (key, configuration, state, spool,
# logs, pid files) in DIR, nothing in /etc or /var.
#
#   tests/slurm/cluster.sh start DIR   exit 0: the node is idle and takes
#                                      jobs (SLURM_CONF=DIR/slurm.conf);
#                                      1: a daemon did not start, the
#                                      reason on the last line of stderr
#   tests/slurm/cluster.sh stop DIR    stops the daemons started in DIR
#                                      (by the pids in DIR/run), if any
#
# As root only (SlurmUser=root). stop is safe to call twice or after a
# start that failed half way: a trap can always call it.
set -u
cmd=${1:?usage: cluster.sh start|stop DIR}
dir=${2:?usage: cluster.sh start|stop DIR}
here=$(cd "$(dirname "$0")" && pwd)

fail() { echo "cluster.sh: $*" >&2; exit 1; }

# free PORT: exit 0 when nothing listens on 127.0.0.1:PORT
free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pick N: a port from N upwards that nothing listens on
pick() {
    p=$1
    while ! free "$p"; do p=$((p + 1)); done
    echo "$p"
}

# stop_pid FILE: TERM the daemon whose pid FILE holds, wait up to 10 s,
# then KILL it
stop_pid() {
    [ -f "$1" ] || return 0
    pid=$(cat "$1")
    [ -n "$pid" ] || return 0
    kill "$pid" 2>/dev/null || { rm -f "$1"; return 0; }
    t=0
    while kill -0 "$pid" 2>/dev/null && [ "$t" -lt 100 ]; do
        sleep 0.1; t=$((t + 1))
    done
    kill -9 "$pid" 2>/dev/null
    rm -f "$1"
}

case $cmd in
stop)
    stop_pid "$dir/run/slurmd.pid"
    stop_pid "$dir/run/slurmctld.pid"
    stop_pid "$dir/run/munged.pid"
    exit 0 ;;
start) ;;
*) fail "unknown command $cmd" ;;
esac

[ "$(id -u)" = 0 ] || fail "not root (the daemons run as root)"
for c in munged mungekey slurmctld slurmd sbatch sinfo; do
    command -v "$c" >/dev/null 2>&1 || fail "$c not installed (apt-get install slurm-wlm munge)"
done
mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/run" "$dir/log" || fail "cannot create $dir"
chmod 755 "$dir/munge"

# munge: a generated key, a private socket; --force because the key and
# the folders belong to root, not to a munge user.
mungekey --create --keyfile="$dir/munge/munge.key" >/dev/null 2>&1 ||
    dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 2>/dev/null ||
    fail "cannot create a munge key"
chmod 600 "$dir/munge/munge.key"
munged --force --socket="$dir/munge/munge.socket" \
    --key-file="$dir/munge/munge.key" --pid-file="$dir/run/munged.pid" \
    --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munged.seed" \
    >"$dir/log/munged.out" 2>&1 ||
    fail "munged did not start: $(tail -n 1 "$dir/log/munged.out")"
munge -S "$dir/munge/munge.socket" -n 2>/dev/null |
    unmunge -S "$dir/munge/munge.socket" >/dev/null 2>&1 ||
    fail "munge does not work: $(tail -n 1 "$dir/log/munged.log")"

ctld_port=$(pick 6817)
slurmd_port=$(pick $((ctld_port + 1)))
sed -e "s|@DIR@|$dir|g" -e "s|@CPUS@|$(nproc)|g" \
    -e "s|@CTLD_PORT@|$ctld_port|g" -e "s|@SLURMD_PORT@|$slurmd_port|g" \
    "$here/slurm.conf.in" >"$dir/slurm.conf"
export SLURM_CONF="$dir/slurm.conf"

slurmctld -f "$SLURM_CONF" >"$dir/log/slurmctld.out" 2>&1 ||
    fail "slurmctld did not start: $(tail -n 1 "$dir/log/slurmctld.out")"
slurmd -f "$SLURM_CONF" -N localhost >"$dir/log/slurmd.out" 2>&1 ||
    fail "slurmd did not start: $(tail -n 1 "$dir/log/slurmd.out")"

# The node registers within a second or two; 30 s means it will not.
t=0
while [ "$t" -lt 60 ]; do
    state=$(sinfo -h -n localhost -o %T 2>/dev/null)
    case $state in idle*|mixed*|allocated*) exit 0 ;; esac
    sleep 0.5; t=$((t + 1))
done
for f in slurmctld slurmd; do
    echo "--- $dir/log/$f.log" >&2; tail -n 5 "$dir/log/$f.log" >&2
done
fail "the node did not become idle (state: ${state:-none})"
