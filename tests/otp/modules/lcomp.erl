%% lcomp: list comprehensions: quicksort, filters, several generators,
%% pattern generators, permutations, and a binary generator.
%% call: lcomp:qsort([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]).
%% call: lcomp:triples(20).
%% call: lcomp:perms("abc").
%% call: lcomp:values([{a, 1}, bad, {b, 2}, {c, x}]).
%% call: lcomp:bytes(<<1, 2, 3, 250>>).
%% call: lcomp:matrix(3).
-module(lcomp).
-export([qsort/1, triples/1, perms/1, values/1, bytes/1, matrix/1]).

qsort([]) -> [];
qsort([P | T]) ->
    qsort([X || X <- T, X < P]) ++ [P] ++ qsort([X || X <- T, X >= P]).

triples(N) ->
    [{A, B, C} || A <- lists:seq(1, N), B <- lists:seq(A, N),
                  C <- lists:seq(B, N), A * A + B * B =:= C * C].

perms([]) -> [[]];
perms(L) -> [[H | T] || H <- L, T <- perms(L -- [H])].

%% Only well-formed pairs with integer values.
values(Pairs) -> [V || {_, V} <- Pairs, is_integer(V)].

bytes(Bin) -> [B * 2 || <<B>> <= Bin].

matrix(N) -> [[R * C || C <- lists:seq(1, N)] || R <- lists:seq(1, N)].
