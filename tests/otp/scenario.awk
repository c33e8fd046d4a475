# scenario.awk: the clustersim scenarios of the differential test.
# usage: awk -v dir=DIR -f scenario.awk ITEMS          one per case
#        awk -v dir=DIR -v module=NAME -f scenario.awk CALLS
# ITEMS/CALLS hold "ID<TAB>EXPR" lines. Without `module`, the case on
# line K becomes DIR/K.json: one node, its expression evaluated at 1s.
# With it, DIR/NAME.json loads NAME.erl from its folder, as
# config.modules says (scenarios/README.md, "Modules"), and
# evaluates every call in turn. The scenario is named otp_diff: cs.awk
# finds the end of the transcript by its outcome line.
function json(s,    out, i, c) {
    out = ""
    for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        if (c == "\\" || c == "\"")
            out = out "\\" c
        else if (c == "\t")
            out = out "\\t"
        else
            out = out c
    }
    return "\"" out "\""
}
function step(expr) {
    sub(/^[^\t]*\t/, "", expr)
    return "{\"at\": \"1s\", \"on\": \"a\", \"eval\": " json(expr) "}"
}
module == "" {
    f = dir "/" NR ".json"
    print "{\"name\": \"otp_diff\", \"until\": \"10s\", \"nodes\": [\"a\"],\n" \
          " \"timeline\": [" step($0) "]}" > f
    close(f)
}
module != "" { steps = steps (NR > 1 ? ",\n  " : "  ") step($0) }
END {
    if (module == "")
        exit
    f = dir "/" module ".json"
    print "{\"name\": \"otp_diff\", \"until\": \"60s\",\n" \
          " \"config\": {\"modules\": [" json(module ".erl") "]},\n" \
          " \"nodes\": [\"a\"],\n \"timeline\": [\n" steps "\n ]}" > f
    close(f)
}
