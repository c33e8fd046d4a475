# modules.awk: real OTP's side of each module, as a block.
# usage: awk -v dir=DIR -f modules.awk MODULE_ITEMS CALL_BLOCKS
# MODULE_ITEMS holds "modules:NAME<TAB>CKSUM<TAB>NAME" lines; DIR holds
# NAME.erlc (what `erlc NAME.erl` printed) and NAME.rc (its exit code);
# CALL_BLOCKS is shell.awk's output for the calls of the modules that
# compiled, with IDs modules:NAME:K. Output, per module:
#   %%% modules:NAME CKSUM
#   %% compile: ok            (or error: erlc failed, no call is made)
#   erlc's messages
#   %% call: CALL             then what the shell printed, for each call
FNR == 1 { for (file = 1; ARGV[file] != FILENAME; file++) ; }
file == 1 { split($0, f, "\t"); n++; id[n] = f[1]; sum[n] = f[2]; name[n] = f[3]; next }
/^%%% / {
    cid = $2
    m = cid
    sub(/^modules:/, "", m)
    sub(/:[0-9]+$/, "", m)
    call = $0
    sub(/^%%% [^ ]+ /, "", call)
    calls[m] = calls[m] "%% call: " call "\n"
    next
}
{ calls[m] = calls[m] $0 "\n" }
function slurp(path,    s, l) {
    s = ""
    while ((getline l < path) > 0)
        s = s l "\n"
    close(path)
    return s
}
END {
    for (i = 1; i <= n; i++) {
        rc = slurp(dir "/" name[i] ".rc") + 0
        printf "%%%%%% %s %s\n%%%% compile: %s\n%s%s", id[i], sum[i],
            rc == 0 ? "ok" : "error", slurp(dir "/" name[i] ".erlc"), calls[name[i]]
    }
}
