%% err_syntax: does not compile: a missing comma, then a clause that
%% ends with ';' and nothing after it.
-module(err_syntax).
-export([f/1, g/1]).

f(X) ->
    Y = X + 1
    Y * 2.

g(0) -> zero;
