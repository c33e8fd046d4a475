# compare.awk: the verdict of the differential test (tests/otp_diff.sh).
# usage: awk -v ran="exprs modules gen" [-v verbose=1] -f compare.awk \
#            KNOWN WANT GOT [FRESH]
# WANT holds real OTP's blocks (the committed tests/otp/expected/*.out,
# plus the generated cases' blocks when erl ran), GOT clustersim's, both
# as "%%% ID REST" headers each followed by the case's output lines;
# REST is the expression (or a module's checksum), so a corpus changed
# since its expected output was made shows up as a header that differs.
# FRESH, when erl is installed, is what real OTP prints now for the
# committed cases: any difference from WANT means expected/ is stale.
# KNOWN is tests/otp/known.txt: "ID REASON" lines, '#' comments.
# A case fails when it differs and is not known, or is known and no
# longer differs, or clustersim did not finish it normally (exit code
# other than 0 or 2, known or not); a known entry for a kind of case
# that ran must name a case that exists. Prints each failure, then the closing line
# "otp_diff: N passed, M failed (K known divergences)"; exits 1 on any
# failure.
FNR == 1 { for (file = 1; ARGV[file] != FILENAME; file++) ; }
file == 1 {
    if ($0 ~ /^[ \t]*(#|$)/)
        next
    kid = $1
    reason = $0
    sub(/^[^ \t]+[ \t]*/, "", reason)
    if (reason == "") {
        printf "FAIL known.txt:%d: %s has no reason\n", FNR, kid
        failed++
    }
    if (kid in known) {
        printf "FAIL known.txt:%d: %s is listed twice\n", FNR, kid
        failed++
    }
    known[kid] = reason
    kline[kid] = FNR
    korder[++nk] = kid
    next
}
/^%%% / {
    id = $2
    rest = $0
    sub(/^%%% [^ ]+ ?/, "", rest)
    if (file == 3)
        order[++n] = id
    # DETERMINISM: reports follow file order, never awk's hash order.
    seq[file, ++cnt[file]] = id
    head[file, id] = rest
    text[file, id] = ""
    has[file, id] = 1
    next
}
{ text[file, id] = text[file, id] $0 "\n" }

function indent(s,    out, m, i, l) {
    out = ""
    m = split(s, l, "\n")
    for (i = 1; i < m; i++)
        out = out "    " l[i] "\n"
    return out == "" ? "    (nothing)\n" : out
}
function show(tag, id, note) {
    printf "%s %s%s: %s\n  erl 25:\n%s  clustersim:\n%s", tag, id, note,
        head[3, id], indent(text[2, id]), indent(text[3, id])
}
function kind_of(id,    k) {
    k = id
    sub(/:.*/, "", k)
    return k
}
END {
    split(ran, r, " ")
    for (i in r)
        ran_kind[r[i]] = 1
    for (i = 1; i <= n; i++) {
        id = order[i]
        if (!has[2, id]) {
            printf "FAIL %s: no expected output from real OTP (run make otp-expected): %s\n", id, head[3, id]
            failed++
        } else if (head[2, id] != head[3, id]) {
            printf "FAIL %s: tests/otp/expected is stale: it was made for \"%s\", the case is now \"%s\" (run make otp-expected)\n", id, head[2, id], head[3, id]
            failed++
        } else if (text[3, id] ~ /(^|\n)%% clustersim exited with /) {
            # A crash or a limit is never a known divergence.
            show("FAIL", id, " (clustersim did not finish normally)")
            failed++
        } else if (text[2, id] == text[3, id]) {
            if (id in known) {
                printf "FIXED %s: it no longer differs; delete known.txt:%d:\n  %s %s\n", id, kline[id], id, known[id]
                failed++
            } else {
                passed++
            }
        } else if (id in known) {
            if (verbose)
                show("KNOWN", id, " (" known[id] ")")
            nknown++
        } else {
            show("FAIL", id, "")
            failed++
        }
    }
    for (i = 1; i <= cnt[2]; i++) {
        id = seq[2, i]
        if (!has[3, id] && (kind_of(id) in ran_kind)) {
            printf "FAIL %s: expected output for a case that no longer exists (run make otp-expected)\n", id
            failed++
        }
    }
    for (i = 1; i <= cnt[4]; i++) {
        id = seq[4, i]
        if (has[2, id] && (head[2, id] != head[4, id] || text[2, id] != text[4, id])) {
            printf "FAIL %s: tests/otp/expected is stale: real OTP now prints\n%s  (run make otp-expected)\n", id, indent(text[4, id])
            failed++
        }
    }
    for (i = 1; i <= nk; i++) {
        id = korder[i]
        if ((kind_of(id) in ran_kind) && !has[3, id]) {
            printf "FAIL known.txt:%d: %s names no case\n", kline[id], id
            failed++
        }
    }
    printf "otp_diff: %d passed, %d failed (%d known divergences)\n", passed, failed, nknown
    exit failed > 0
}
