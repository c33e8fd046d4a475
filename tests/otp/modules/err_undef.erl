%% err_undef: does not compile: calls a local function that does not
%% exist, with the wrong arity of one that does.
-module(err_undef).
-export([f/1]).

f(X) -> g(X) + missing(X).

g(X, Y) -> X + Y.
