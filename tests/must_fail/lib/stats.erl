-module(stats).
-export([mean/1]).

mean(L) ->
    Sum = lists:foldl(fun(X, A) -> X + A end, 0, L),
    Sum / Stat.
