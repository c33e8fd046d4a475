#!/bin/sh
# The differential test against real OTP 25 (tests/otp/README.md): the
# expressions of tests/otp/exprs.txt, the modules of tests/otp/modules/
# and OTP_DIFF_SEEDS generated expressions (tests/otp/gen.c), run by
# clustersim and compared with what real erl and erlc print. The
# committed tests/otp/expected/*.out hold real OTP's side of the corpus;
# when erl is installed it also runs now, so a stale expected/ fails, and
# the generated cases (which have no committed side) run too. A case
# that differs must be listed in tests/otp/known.txt with its reason;
# one listed there must still differ. Closing line:
#   otp_diff: N passed, M failed (K known divergences)
# usage: tests/otp_diff.sh BIN [GEN]      compare (from the repository root)
#        tests/otp_diff.sh --expected     rewrite tests/otp/expected/ with erl
# OTP_DIFF_SEEDS (default 200) generated cases; OTP_DIFF_VERBOSE=1 shows
# the known divergences too.
export LC_ALL=C
unset ERL_FLAGS ERL_AFLAGS ERL_ZFLAGS ERL_LIBS

otp=tests/otp
mode=compare
if [ "${1:-}" = --expected ]; then
    mode=expected
elif [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: tests/otp_diff.sh BIN [GEN] | --expected" >&2
    exit 2
fi
here=$PWD
absolute() { case $1 in /*) echo "$1" ;; *) echo "$here/$1" ;; esac; }
bin=$(absolute "${1:-}") gen=$(absolute "${2:-build/otp_gen}")
seeds=${OTP_DIFF_SEEDS:-200}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

have_erl=no
command -v erl >/dev/null 2>&1 && command -v erlc >/dev/null 2>&1 && have_erl=yes
if [ "$mode" = expected ] && [ "$have_erl" = no ]; then
    echo "otp_diff: --expected needs erl and erlc (apt-get install -y erlang-base)" >&2
    exit 2
fi

# ---- the cases: "ID<TAB>EXPR" lines ----
# exprs.txt: every line that is not blank or a % comment; ID exprs:LINE.
awk '!/^%/ && !/^[ \t]*$/ { printf "exprs:%d\t%s\n", FNR, $0 }' \
    "$otp/exprs.txt" > "$tmp/exprs.items"
# modules: "modules:NAME<TAB>CKSUM<TAB>NAME", and each module's calls
# (its "%% call: " lines) as "modules:NAME:K<TAB>CALL".
: > "$tmp/modules.items"
: > "$tmp/calls.items"
for f in "$otp"/modules/*.erl; do
    name=${f##*/}
    name=${name%.erl}
    sum=$(cksum < "$f" | awk '{ print $1 "-" $2 }')
    printf 'modules:%s\t%s\t%s\n' "$name" "$sum" "$name" >> "$tmp/modules.items"
    sed -n 's/^%% call: //p' "$f" |
        awk -v m="$name" '{ printf "modules:%s:%d\t%s\n", m, NR, $0 }' >> "$tmp/calls.items"
done

# ---- real OTP ----
# real_shell ITEMS BLOCKS [CODE_DIR]: one erl for all of ITEMS, each
# case's line preceded by "f()." so no case sees another's bindings.
# Fed by a pipe, erl's standard_io is latin1: it would read the UTF-8
# of the corpus as two characters each and print latin1 bytes. The
# -eval gives it the unicode encoding a UTF-8 terminal has, which is
# what clustersim's scenarios (JSON, UTF-8) and transcripts are.
real_shell() {
    awk '{ sub(/^[^\t]*\t/, ""); print "f()."; print }' "$1" > "$tmp/in"
    mkdir -p "$tmp/home"
    (cd "$tmp/home" && HOME=$tmp/home erl ${3:+-pa "$3"} \
        -eval 'ok = io:setopts([{encoding, unicode}])' < "$tmp/in" > "$tmp/raw" 2>&1)
    awk -f "$otp/shell.awk" "$1" "$tmp/raw" > "$2"
}

# real_modules BLOCKS: erlc each module (in its folder, so messages name
# NAME.erl), then the calls of those that compiled in one erl.
real_modules() {
    rm -rf "$tmp/realm"
    mkdir -p "$tmp/realm"
    cp "$otp"/modules/*.erl "$tmp/realm/"
    while IFS="$(printf '\t')" read -r id sum name; do
        (cd "$tmp/realm" && erlc "$name.erl" > "$name.erlc" 2>&1; echo $? > "$name.rc")
    done < "$tmp/modules.items"
    awk -v dir="$tmp/realm" '{
        m = $1; sub(/^modules:/, "", m); sub(/:.*/, "", m)
        getline rc < (dir "/" m ".rc"); close(dir "/" m ".rc")
        if (rc == 0) print }' "$tmp/calls.items" > "$tmp/calls.ok"
    real_shell "$tmp/calls.ok" "$tmp/calls.real" "$tmp/realm"
    awk -v dir="$tmp/realm" -f "$otp/modules.awk" "$tmp/modules.items" "$tmp/calls.real" > "$1"
}

if [ "$mode" = expected ]; then
    real_shell "$tmp/exprs.items" "$tmp/exprs.out" || exit 1
    real_modules "$tmp/modules.out" || exit 1
    cp "$tmp/exprs.out" "$tmp/modules.out" "$otp/expected/"
    echo "otp_diff: wrote $otp/expected/exprs.out ($(grep -c '^%%% ' "$otp/expected/exprs.out") cases)" \
         "and $otp/expected/modules.out ($(grep -c '^%%% ' "$otp/expected/modules.out") modules)"
    exit 0
fi

[ -x "$bin" ] || { echo "otp_diff: $bin: no such program" >&2; exit 2; }
ran="exprs modules"
if [ "$have_erl" = yes ]; then
    [ -x "$gen" ] || { echo "otp_diff: $gen: no such program" >&2; exit 2; }
    "$gen" 1 "$seeds" | awk '{ printf "gen:%d\t%s\n", NR, $0 }' > "$tmp/gen.items"
    ran="$ran gen"
else
    : > "$tmp/gen.items"
    echo "otp_diff: erl is not installed: comparing with the committed expected" \
         "outputs only; not checked whether they are stale, no generated cases" \
         "(make otp-diff installs erlang-base)"
fi

# ---- clustersim: one scenario per expression, one per module ----
# cs_exprs ITEMS DIR BLOCKS
cs_exprs() {
    mkdir -p "$2"
    awk -v dir="$2" -f "$otp/scenario.awk" "$1"
    n=$(wc -l < "$1")
    (cd "$2" && i=1 && while [ "$i" -le "$n" ]; do
        "$bin" run "$i.json" > "$i.out" 2> "$i.err"
        echo $? > "$i.rc"
        i=$((i + 1))
    done)
    awk -v dir="$2" -v kind=exprs -f "$otp/cs.awk" "$1" > "$3"
}
cs_exprs "$tmp/exprs.items" "$tmp/cs_exprs" "$tmp/exprs.cs"
cs_exprs "$tmp/gen.items" "$tmp/cs_gen" "$tmp/gen.cs"
while IFS="$(printf '\t')" read -r id sum name; do
    d=$tmp/cs_modules/$name
    mkdir -p "$d"
    cp "$otp/modules/$name.erl" "$d/"
    grep "^modules:$name:" "$tmp/calls.items" |
        awk -v dir="$d" -v module="$name" -f "$otp/scenario.awk"
    (cd "$d" && "$bin" run "$name.json" > out 2> err; echo $? > rc)
done < "$tmp/modules.items"
awk -v dir="$tmp/cs_modules" -v kind=modules -f "$otp/cs.awk" "$tmp/modules.items" > "$tmp/modules.cs"

# ---- real OTP now: the generated cases, and expected/ re-made ----
fresh=
if [ "$have_erl" = yes ]; then
    real_shell "$tmp/gen.items" "$tmp/gen.real" || exit 1
    real_shell "$tmp/exprs.items" "$tmp/exprs.fresh" || exit 1
    real_modules "$tmp/modules.fresh" || exit 1
    cat "$tmp/exprs.fresh" "$tmp/modules.fresh" > "$tmp/fresh"
    fresh=$tmp/fresh
else
    : > "$tmp/gen.real"
fi

cat "$otp/expected/exprs.out" "$otp/expected/modules.out" "$tmp/gen.real" > "$tmp/want"
cat "$tmp/exprs.cs" "$tmp/modules.cs" "$tmp/gen.cs" > "$tmp/got"
awk -v ran="$ran" -v verbose="${OTP_DIFF_VERBOSE:-0}" -f "$otp/compare.awk" \
    "$otp/known.txt" "$tmp/want" "$tmp/got" $fresh
