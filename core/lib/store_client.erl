%% store_client: one operation of a workload's client against the strategy's store, with its outcome as Jepsen records it.
%%
%% The workload (scenarios/README.md, "Workload") runs op/5 in a fresh
%% process on the client's node for every operation and records what it
%% returns: {ok, Value} (the operation happened; Value is what a read
%% read, ok for a write or cas), {fail, Reason} (it certainly did not)
%% or {info, Reason} (it may have). The mapping follows Jepsen's client
%% rule (an operation is ok if it happened, fail if it did not, info if
%% unsure) and Maelstrom's: a definite error only when the conditions
%% are definite. So
%%   - the strategy's own {fail, R} and {info, R} stand;
%%   - no store on the node (exit noproc: a paused or restarting store)
%%     is fail: nothing was sent;
%%   - any other exception (a timeout, a nodedown) is fail for a read,
%%     which is idempotent, and info for a write or a cas;
%%   - a result that is not the interface's counts as that exception.
-module(store_client).

-export([op/5]).

op(Mod, read, Key, _, Timeout) ->
    outcome(read, fun() -> Mod:read(Key, Timeout) end);
op(Mod, write, Key, Value, Timeout) ->
    outcome(write, fun() -> Mod:write(Key, Value, Timeout) end);
op(Mod, cas, Key, [Old, New], Timeout) ->
    outcome(cas, fun() -> Mod:cas(Key, Old, New, Timeout) end).

outcome(F, Call) ->
    try Call() of
        {ok, Value} when F =:= read -> {ok, Value};
        ok when F =/= read -> {ok, ok};
        {fail, Reason} -> {fail, Reason};
        {info, Reason} -> {info, Reason};
        Other -> unsure(F, {bad_return, Other})
    catch
        exit:{noproc, _} -> {fail, noproc};
        exit:noproc -> {fail, noproc};
        exit:{timeout, _} -> unsure(F, timeout);
        exit:{{nodedown, _}, _} -> unsure(F, nodedown);
        _:Reason -> unsure(F, Reason)
    end.

unsure(read, Reason) -> {fail, Reason};
unsure(_, Reason) -> {info, Reason}.
