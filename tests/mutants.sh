#!/bin/bash
# Mutation check of the suite (`make mutants`): applies each deliberate bug
# of tests/mutants/list to a scratch copy of the tree, rebuilds only what
# the bug touches (the copy starts from this tree's build/), runs that
# mutant's tests and requires at least one of them to fail. A mutant that
# survives, no longer applies or does not build fails the target, named.
# Mutants run JOBS at a time; each test command has a time limit, and a
# mutant whose test hangs past it counts as killed (a hang is a failure).
# usage: tests/mutants.sh [-j JOBS] [NAME...]   (from the repository root,
#        after `make bin/clustersim build/unit`); MUTANT_KEEP=1 keeps the
#        killed mutants' copies and logs in build/mutants/NAME/
set -u
export LC_ALL=C
jobs=2
if [ "${1:-}" = -j ]; then jobs=$2; shift 2; fi
list=tests/mutants/list
root=build/mutants
limit=${MUTANT_TIMEOUT:-300}

# one_mutant NAME FILE TESTS SED: prints "killed NAME by TEST", or a line
# starting with SURVIVED / BROKEN; the exit status says which (0 killed).
one_mutant() {
    name=$1 file=$2 tests=$3 script=$4
    dir=$root/$name
    rm -rf "$dir" && mkdir -p "$dir/build"
    # the sources, then this tree's objects with their times, so that make
    # rebuilds only the mutated file and the links
    tar --exclude=./build --exclude=./bin --exclude=./.git -cf - . | tar -xf - -C "$dir"
    tar -C build --exclude=./mutants --exclude=./asan --exclude=./O0 \
        --exclude=./clang --exclude=./fuzz --exclude=./render -cf - . |
        tar -xf - -C "$dir/build"
    mkdir -p "$dir/bin" && cp -p bin/clustersim "$dir/bin/"
    if [ ! -f "$dir/$file" ]; then
        echo "BROKEN $name: no file $file"; return 2
    fi
    sed -i -e "$script" "$dir/$file"
    if cmp -s "$file" "$dir/$file"; then
        echo "BROKEN $name: the sed script no longer changes $file"; return 2
    fi
    touch "$dir/$file"
    if ! make -C "$dir" --no-print-directory bin/clustersim build/unit \
        >"$dir/build.log" 2>&1; then
        echo "BROKEN $name: does not build (see $dir/build.log)"; return 2
    fi
    set -f  # a filter such as unit:* is Criterion's glob, not the shell's
    for t in $(echo "$tests" | tr ',' ' '); do
        case $t in
        unit:*) cmd="build/unit --jobs 1 --filter ${t#unit:}" ;;
        mustfail) cmd="sh tests/must_fail.sh bin/clustersim" ;;
        cli) cmd="sh tests/cli.sh bin/clustersim" ;;
        cap) cmd="sh tests/cap.sh bin/clustersim" ;;
        scenarios) cmd="env FAILFAST=1 sh tests/scenarios.sh bin/clustersim" ;;
        regress) cmd="bin/clustersim regress scenarios --golden traces/golden" ;;
        otpdiff) cmd="sh tests/otp_diff.sh bin/clustersim build/otp_gen" ;;
        *) echo "BROKEN $name: unknown test kind $t"; return 2 ;;
        esac
        (cd "$dir" && CLUSTERSIM_BIN=bin/clustersim timeout "$limit" $cmd) \
            >"$dir/test.log" 2>&1
        rc=$?
        if [ $rc -ne 0 ]; then
            [ $rc -eq 124 ] && t="$t (time limit)"
            echo "killed $name by $t"
            [ -n "${MUTANT_KEEP:-}" ] || rm -rf "$dir"
            return 0
        fi
    done
    echo "SURVIVED $name: $tests all pass"
    return 1
}
export -f one_mutant
export root limit

[ -x bin/clustersim ] && [ -x build/unit ] ||
    { echo "mutants: build first (make bin/clustersim build/unit)"; exit 2; }
mkdir -p "$root"
grep -v -e '^#' -e '^[[:space:]]*$' "$list" >"$root/all"
if [ $# -gt 0 ]; then
    : >"$root/chosen"
    for n in "$@"; do
        grep -E "^$n[[:space:]]" "$root/all" >>"$root/chosen" ||
            { echo "mutants: no mutant named $n"; exit 2; }
    done
else
    cp "$root/all" "$root/chosen"
fi
total=$(wc -l <"$root/all")
if [ $# -eq 0 ] && [ "$total" -lt 25 ]; then
    echo "mutants: only $total mutants listed (at least 25)"; exit 1
fi
# each line: NAME FILE TESTS SED...; the sed script is the rest of the line
while read -r name file tests script; do
    printf '%s\0%s\0%s\0%s\0' "$name" "$file" "$tests" "$script"
done <"$root/chosen" |
    xargs -0 -n 4 -P "$jobs" bash -c 'one_mutant "$@"' _ >"$root/results"
sort "$root/results"
killed=$(grep -c '^killed ' "$root/results")
n=$(wc -l <"$root/chosen")
echo "mutants: $killed killed, $((n - killed)) not killed (of $n)"
[ "$killed" -eq "$n" ]
