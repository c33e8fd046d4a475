%% err_unbound: does not compile: a variable used before it is bound,
%% and one bound only in some branches of a case (unsafe).
-module(err_unbound).
-export([f/1, g/1]).

f(X) ->
    Y = X + Z,
    Y.

g(X) ->
    case X of
        1 -> A = one;
        _ -> ok
    end,
    A.
