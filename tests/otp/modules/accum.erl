%% accum: accumulators: several results gathered in one pass.
%% call: accum:split([1, 2, 3, 4, 5, 6, 7]).
%% call: accum:stats([3, 1, 4, 1, 5, 9, 2, 6]).
%% call: accum:stats([]).
%% call: accum:runs("aaabccdddd").
-module(accum).
-export([split/1, stats/1, runs/1]).

%% Odd and even numbers, each in their original order.
split(L) -> split(L, [], []).

split([], Odd, Even) -> {lists:reverse(Odd), lists:reverse(Even)};
split([H | T], Odd, Even) when H rem 2 =:= 1 -> split(T, [H | Odd], Even);
split([H | T], Odd, Even) -> split(T, Odd, [H | Even]).

%% {Count, Sum, Min, Max}.
stats([H | T]) -> stats(T, 1, H, H, H).

stats([], N, Sum, Min, Max) -> {N, Sum, Min, Max};
stats([H | T], N, Sum, Min, Max) ->
    stats(T, N + 1, Sum + H, min(H, Min), max(H, Max)).

%% Run-length encoding: [{Char, Count}].
runs([]) -> [];
runs([C | T]) -> runs(T, C, 1, []).

runs([C | T], C, N, Acc) -> runs(T, C, N + 1, Acc);
runs([D | T], C, N, Acc) -> runs(T, D, 1, [{C, N} | Acc]);
runs([], C, N, Acc) -> lists:reverse([{C, N} | Acc]).
