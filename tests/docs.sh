#!/bin/sh
# The user docs (part of `make check-docs`):
# 1. They point at nothing a user who clones the repository lacks: no
#    ../shared, /work/..., SCENARIO_FORMAT.md, otp_facts, DESIGN.md or
#    "the contract" (an internal document).
# 2. scenarios/README.md, the scenario format reference, names every key
#    and every value name the loader knows, as `word` or "word". The lists
#    come from the loader itself: a probe with an unknown word makes it
#    print what it expects ("unknown key "zqzqzqzq" (expected a, b or c)").
# 3. Its ```json blocks load: a whole scenario ({ ... }) must run and pass;
#    a fragment ("key": ...) is wrapped in a small scenario and validated.
# Prints "docs: N checked, M failed"; exits 1 if any failed.
# usage: tests/docs.sh BIN
bin=${1:-./bin/clustersim}
export LC_ALL=C
ref=scenarios/README.md
fail=0
n=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bad() { echo "FAIL $*"; fail=$((fail + 1)); }

# 1. references to files users do not have
docs="README.md $ref scenarios/cap/README.md traces/README.md tests/otp/README.md bench/README.md core/README.md"
for f in $docs docs/*.md; do
    n=$((n + 1))
    [ -f "$f" ] || { bad "$f: missing"; continue; }
    if grep -n -E '\.\./shared|/work/|SCENARIO_FORMAT|otp_facts|DESIGN\.md|[Tt]he contract' "$f" \
        >"$tmp/hits"; then
        bad "$f points outside the repository:"; sed 's/^/    /' "$tmp/hits"
    fi
done

# 2. every key and value name of the loader is in the reference
W=zqzqzqzq
S='"name":"p","until":"1s","nodes":["a"]'
probe() {   # probe WHAT JSON: the words of the loader's "(expected ...)"
    printf '%s\n' "$2" | "$bin" validate - >/dev/null 2>"$tmp/err"
    words=$(sed -n 's/.*(\(expected\|use\) \(.*\))$/\2/p' "$tmp/err" |
            sed 's/, / /g; s/ or / /g')
    if [ -z "$words" ]; then
        bad "probe $1 gave no list: $(cat "$tmp/err")"; return
    fi
    for w in $words; do
        n=$((n + 1))
        grep -q -e "\`$w\`" -e "\"$w\"" "$ref" ||
            bad "$ref does not name $1 \`$w\`"
    done
}
probe "top-level key" "{$S,\"$W\":1}"
probe "config key" "{$S,\"config\":{\"$W\":1}}"
probe "node key" "{\"name\":\"p\",\"until\":\"1s\",\"nodes\":[{\"name\":\"a\",\"$W\":1}]}"
probe "tls key" "{$S,\"config\":{\"tls\":{\"$W\":1}}}"
probe "verify mode" "{$S,\"config\":{\"tls\":{\"ca\":\"c\",\"verify\":\"$W\"}}}"
probe "dist_auto_connect value" "{$S,\"config\":{\"dist_auto_connect\":\"$W\"}}"
probe "latency key" "{$S,\"config\":{\"latency\":{\"$W\":1}}}"
probe "distribution" "{$S,\"config\":{\"latency\":{\"dist\":\"$W\"}}}"
probe "modules entry key" "{$S,\"config\":{\"modules\":[{\"$W\":1}]}}"
probe "duration unit" "{\"name\":\"p\",\"until\":\"1$W\",\"nodes\":[\"a\"]}"
probe "link key" "{$S,\"links\":[{\"$W\":1}]}"
probe "step key" "{$S,\"timeline\":[{\"at\":\"0s\",\"$W\":1}]}"
probe "cut_oneway key" "{$S,\"timeline\":[{\"at\":\"0s\",\"cut_oneway\":{\"$W\":1}}]}"
probe "latency step key" "{$S,\"timeline\":[{\"at\":\"0s\",\"latency\":{\"$W\":1}}]}"
probe "check key" "{$S,\"checks\":[{\"$W\":1}]}"
probe "count key" "{$S,\"checks\":[{\"event\":\"boot\",\"count\":{\"$W\":1}}]}"
probe "trace kind" "{$S,\"checks\":[{\"event\":\"$W\",\"count\":1}]}"
WL0='"workload":{"clients":["a"],"rate":"1/s"'
WL="$WL0"',"strategy":"ignore"'
probe "workload key" "{$S,$WL,\"$W\":1}}"
probe "strategy" "{$S,$WL0,\"strategy\":\"$W\"}}"
probe "mix key" "{$S,$WL,\"mix\":{\"$W\":1}}}"
probe "checker" "{$S,$WL,\"checkers\":[\"$W\"]}}"

# 3. the JSON examples of the reference
awk -v dir="$tmp" '
    /^```json$/ { k++; f = sprintf("%s/ex%02d.json", dir, k); inb = 1; next }
    /^```$/ && inb { inb = 0; close(f); next }
    inb { print > f }' "$ref"
for f in "$tmp"/ex*.json; do
    [ -f "$f" ] || { bad "$ref has no json examples"; break; }
    n=$((n + 1))
    if head -c 1 "$f" | grep -q '{'; then
        "$bin" run -q "$f" >"$tmp/out" 2>&1 ||
            { bad "$ref: a whole scenario does not pass:"; cat "$f" "$tmp/out"; }
        continue
    fi
    if head -n 1 "$f" | grep -q '^"nodes"'; then
        pre='{"name":"doc_example","until":"2min",'
    else
        pre='{"name":"doc_example","until":"2min","nodes":["alice","bob","carol"],'
    fi
    { printf '%s\n' "$pre"; cat "$f"; printf '}\n'; } >"$tmp/wrapped.json"
    "$bin" validate "$tmp/wrapped.json" >"$tmp/out" 2>&1 ||
        { bad "$ref: an example does not load:"; cat "$f" "$tmp/out"; }
done

echo "docs: $n checked, $fail failed"
[ "$fail" -eq 0 ]
