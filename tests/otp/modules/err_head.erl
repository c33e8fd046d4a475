%% err_head: does not compile: clauses of one function with different
%% names, an illegal guard, and a bad pattern.
-module(err_head).
-export([f/1, g/1, h/1]).

f(0) -> zero;
ff(N) -> N.

g(X) when length(X) > foo(X) -> long;
g(_) -> short.

h(X + 1) -> X.

foo(X) -> X.
