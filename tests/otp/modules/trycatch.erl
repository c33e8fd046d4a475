%% trycatch: try ... of ... catch ... after, every class, the
%% stacktrace, rethrowing, and old-style catch.
%% call: trycatch:safe_div(10, 2).
%% call: trycatch:safe_div(1, 0).
%% call: trycatch:classify(fun() -> throw(ball) end).
%% call: trycatch:classify(fun() -> exit(bye) end).
%% call: trycatch:classify(fun() -> error(oops) end).
%% call: trycatch:classify(fun() -> fine end).
%% call: trycatch:with_after(ok).
%% call: trycatch:with_after(crash).
%% call: trycatch:rethrow().
%% call: trycatch:old_catch().
%% call: trycatch:top_frame().
-module(trycatch).
-export([safe_div/2, classify/1, with_after/1, rethrow/0, old_catch/0,
         top_frame/0]).

safe_div(A, B) ->
    try A div B of
        Q -> {ok, Q}
    catch
        error:badarith -> {error, division_by_zero}
    end.

classify(F) ->
    try F() of
        V -> {value, V}
    catch
        throw:T -> {thrown, T};
        exit:R -> {exited, R};
        error:E -> {error, E}
    end.

with_after(What) ->
    Result = (catch try
                  case What of
                      ok -> done;
                      crash -> error(crashed)
                  end
              after
                  self() ! cleaned
              end),
    Cleaned = receive cleaned -> true after 0 -> false end,
    {strip(Result), Cleaned}.

strip({'EXIT', {Reason, _Stack}}) -> {'EXIT', Reason};
strip(Other) -> Other.

rethrow() ->
    try
        try throw(inner)
        catch throw:X -> throw({rethrown, X})
        end
    catch
        throw:Y -> Y
    end.

old_catch() ->
    {catch 1, catch throw(t), element(1, catch exit(e))}.

top_frame() ->
    try
        erlang:error(deliberate)
    catch
        error:deliberate:Stack ->
            [{M, F, A, _} | _] = Stack,
            {M, F, A}
    end.
