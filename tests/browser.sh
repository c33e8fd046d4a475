# browser: what the HTML tests (tests/render.sh, tests/cap_html.sh) share,
# sourced after they set $out (their output folder) and $what (their name
# in messages): headless Chromium (Debian's `chromium`, installed with
# apt-get when missing and root; when it cannot be, the test fails, saying
# why: never a silent pass), chrome ARGS... to run it, and the counters
# ok, bad, check and count.
browser=$(command -v chromium || command -v chromium-browser)
if [ -z "$browser" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "$what: installing chromium"
        apt-get update -qq >/dev/null 2>&1
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
            >"$out/apt.log" 2>&1
        browser=$(command -v chromium || command -v chromium-browser)
    fi
    if [ -z "$browser" ]; then
        echo "$what: FAILED: chromium is not installed and cannot be"
        echo "  (needs root and apt-get: apt-get install -y chromium)"
        [ -s "$out/apt.log" ] && tail -3 "$out/apt.log"
        exit 1
    fi
fi

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
# check DESCRIPTION ACTUAL EXPECTED
check() { if [ "$2" = "$3" ]; then ok; else bad "$1: $2, expected $3"; fi; }
# count FILE STRING: occurrences of a fixed string
count() { grep -o -F -- "$2" "$1" | wc -l | tr -d ' '; }

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chrome() {
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu \
        --disable-background-networking --no-first-run \
        --disable-component-update --disable-sync --hide-scrollbars \
        --user-data-dir="$profile" "$@" 2>>"$out/chromium.log"
}
