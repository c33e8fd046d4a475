%% funs: funs as values: closures over bound variables, fun f/1 and
%% fun m:f/1, funs returned and applied, a named fun, and composition.
%% (A call never returns a fun itself: #Fun<funs.0.N> prints a hash of
%% the module's code, which no reimplementation reproduces.)
%% call: funs:adder_test(10).
%% call: funs:apply_twice(3).
%% call: funs:compose_test(5).
%% call: funs:local_ref([3, 1, 2]).
%% call: funs:remote_ref([1, -2, 3]).
%% call: funs:counter_test().
%% call: funs:fact(10).
%% call: funs:arity_error().
-module(funs).
-export([adder_test/1, apply_twice/1, compose_test/1, local_ref/1,
         remote_ref/1, counter_test/0, fact/1, arity_error/0]).

adder(N) -> fun(X) -> X + N end.

adder_test(N) ->
    Add = adder(N),
    {Add(1), Add(2), (adder(100))(N)}.

twice(F) -> fun(X) -> F(F(X)) end.

apply_twice(X) -> (twice(fun(Y) -> Y * Y end))(X).

compose(F, G) -> fun(X) -> F(G(X)) end.

compose_test(X) ->
    Inc = fun(Y) -> Y + 1 end,
    Dbl = fun(Y) -> Y * 2 end,
    {(compose(Inc, Dbl))(X), (compose(Dbl, Inc))(X)}.

neg(X) -> -X.

local_ref(L) -> lists:map(fun neg/1, lists:sort(L)).

remote_ref(L) -> lists:map(fun erlang:abs/1, L).

%% A fun that carries its state in its closure.
counter_test() ->
    Next = fun(N) -> {N, N + 1} end,
    {A, S1} = Next(0),
    {B, S2} = Next(S1),
    {A, B, S2}.

fact(N) ->
    F = fun Fact(0) -> 1; Fact(K) -> K * Fact(K - 1) end,
    F(N).

arity_error() ->
    F = fun(X, Y) -> X + Y end,
    F(1).
