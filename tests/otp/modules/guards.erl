%% guards: guard sequences in function heads: type tests, arithmetic
%% and comparisons, guard BIFs, ';' and ',' and the failure of a guard
%% that raises.
%% call: guards:kind(1).
%% call: guards:kind(1.5).
%% call: guards:kind(atom).
%% call: guards:kind("str").
%% call: guards:kind({a, b}).
%% call: guards:kind(#{}).
%% call: guards:kind(<<>>).
%% call: guards:small(5).
%% call: guards:small(500).
%% call: guards:first([x, y]).
%% call: guards:first(not_a_list).
%% call: guards:pair({1, 2}).
%% call: guards:pair({1, 2, 3}).
-module(guards).
-export([kind/1, small/1, first/1, pair/1]).

kind(X) when is_integer(X) -> integer;
kind(X) when is_float(X) -> float;
kind(X) when is_atom(X) -> atom;
kind(X) when is_list(X), length(X) > 0 -> nonempty_list;
kind(X) when is_tuple(X), tuple_size(X) =:= 2 -> pair;
kind(X) when is_map(X); is_binary(X) -> map_or_binary.

small(X) when X >= 0, X < 10 -> {small, X};
small(X) when X rem 100 =:= 0 -> {round_hundred, X div 100};
small(_) -> big.

%% hd/1 of a non-list makes the guard fail, not raise.
first(L) when hd(L) =/= [] -> {first, hd(L)};
first(_) -> none.

pair({A, B}) when A < B -> ordered;
pair(T) when element(1, T) > 0 -> positive_first.
