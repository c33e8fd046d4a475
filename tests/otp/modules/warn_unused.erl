%% warn_unused: compiles, with erlc's warnings: an unused variable, an
%% unused function, a variable that shadows in a fun, a term built and
%% thrown away. The calls still run.
%% call: warn_unused:f(1, 2).
%% call: warn_unused:g([1, 2]).
-module(warn_unused).
-export([f/2, g/1]).

f(X, Y) ->
    Z = X * 2,
    X + 1.

g(L) ->
    X = 1,
    F = fun(X) -> X + 1 end,
    {ok, L},
    lists:map(F, L).

helper() -> never_called.
