# cs.awk: clustersim's side of each case, as a block (tests/otp_diff.sh).
# usage: awk -v dir=DIR -v kind=exprs|modules -f cs.awk ITEMS > BLOCKS
# kind=exprs: ITEMS holds "ID<TAB>EXPR" lines; the case on line K ran as
# DIR/K.json, its stdout, stderr and exit code in DIR/K.out, K.err, K.rc.
# kind=modules: ITEMS holds "ID<TAB>HEADER<TAB>NAME" lines; the module's
# scenario ran in DIR/NAME/, with DIR/NAME/out, err and rc.
# The text of a case is what erl would print for it:
# - an expression whose scenario did not load (exit 2): the loader's
#   message without its "FILE:LINE:COL: " (erl never prints one);
# - otherwise the transcript less the prompt line "(a@sim)N> EXPR", up
#   to the run's outcome line ("%% otp_diff: passed ..."); anything
#   printed before the first prompt is kept too (nothing is, today);
# - a module: "%% compile: ok" (or "error" when the scenario did not
#   load), the messages on stderr (erlc's errors and warnings, less the
#   "(from config.modules[N])" lines clustersim adds after an error),
#   then for each prompt "%% call: EXPR" and what followed it;
# - an exit code other than 0 or 2 is added at the end, with stderr.
function lines(path, strip,    s, l) {
    s = ""
    while ((getline l < path) > 0) {
        if (strip == "loc")
            sub(/^[^:]*\.json:[0-9]+:[0-9]+: /, "", l)
        else if (strip == "from" && l ~ /^\(from config\.modules\[[0-9]+\]\)$/)
            continue
        s = s l "\n"
    }
    close(path)
    return s
}
function transcript(path, calls,    s, l, prompts) {
    s = ""
    prompts = 0
    while ((getline l < path) > 0) {
        if (l ~ /^%% otp_diff: (passed|FAILED|INCOMPLETE) /)
            break
        if (l ~ /^\(a@sim\)[0-9]+> /) {
            # An expression's one prompt goes; a second one (a prompt
            # repeated) stays in the text, as a difference.
            if (!calls && prompts++ == 0)
                continue
            sub(/^\(a@sim\)[0-9]+> /, "", l)
            l = "%% call: " l
        }
        s = s l "\n"
    }
    close(path)
    return s
}
{
    split($0, f, "\t")
    if (kind == "exprs") {
        base = dir "/" NR "."
        rc = lines(base "rc") + 0
        if (rc == 2)
            text = lines(base "err", "loc")
        else
            text = transcript(base "out", 0)
    } else {
        base = dir "/" f[3] "/"
        rc = lines(base "rc") + 0
        text = "%% compile: " (rc == 2 ? "error" : "ok") "\n" lines(base "err", "from")
        if (rc != 2)
            text = text transcript(base "out", 1)
    }
    if (rc != 0 && rc != 2)
        text = text "%% clustersim exited with " rc "\n" \
            (kind == "exprs" ? lines(base "err") : "")
    printf "%%%%%% %s %s\n%s", f[1], f[2], text
}
