# shell.awk: cuts real erl's shell transcript into one block per case.
# usage: awk -f shell.awk ITEMS RAW > BLOCKS
# ITEMS has one case a line, "ID<TAB>EXPR"; RAW is what `erl` printed
# when fed, for each case, the line "f()." and then the case's line
# (otp_diff.sh real_shell). Every prompt "N> " starts a new chunk (N is
# the previous prompt's number or the next one: a syntax error does not
# count); what follows the prompt up to the next prompt is that input's
# output. The chunks of the f(). lines must be "ok", and the last one
# erl's goodbye, or the transcript is out of step: then it says so on
# stderr and exits 1 rather than pair outputs with the wrong cases.
# Output: for each case "%%% ID EXPR", then its output lines.
FNR == 1 { for (file = 1; ARGV[file] != FILENAME; file++) ; }
file == 1 {
    n++
    id[n] = $0; sub(/\t.*/, "", id[n])
    ex[n] = $0; sub(/^[^\t]*\t/, "", ex[n])
    next
}
!started { if ($0 ~ /^Eshell V/) started = 1; next }
{
    line = $0
    if (match(line, /^[0-9]+> /)) {
        p = substr(line, 1, RLENGTH - 2) + 0
        if (p == cur || p == cur + 1) {
            cur = p
            c++
            body[c] = ""
            line = substr(line, RLENGTH + 1)
        }
    }
    if (c > 0)
        body[c] = body[c] line "\n"
}
END {
    bad = ""
    if (!started)
        bad = "no Eshell banner"
    else if (c != 2 * n + 1)
        bad = c " prompts for " n " cases (" 2 * n + 1 " expected)"
    else if (body[c] != "*** Terminating erlang (nonode@nohost)\n")
        bad = "the last prompt is not erl's goodbye"
    for (i = 1; bad == "" && i <= n; i++)
        if (body[2 * i - 1] != "ok\n")
            bad = "f(). before " id[i] " printed " body[2 * i - 1]
    if (bad != "") {
        print "otp_diff: erl's transcript is out of step: " bad > "/dev/stderr"
        exit 1
    }
    for (i = 1; i <= n; i++)
        printf "%%%%%% %s %s\n%s", id[i], ex[i], body[2 * i]
}
