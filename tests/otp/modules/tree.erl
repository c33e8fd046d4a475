%% tree: an unbalanced binary search tree of nested tuples:
%% insert, lookup, in-order traversal, depth.
%% call: tree:to_list(tree:from_list([5, 3, 8, 1, 4, 7, 9])).
%% call: tree:lookup(4, tree:from_list([5, 3, 8, 1, 4])).
%% call: tree:lookup(6, tree:from_list([5, 3, 8, 1, 4])).
%% call: tree:depth(tree:from_list([1, 2, 3, 4, 5])).
%% call: tree:from_list([2, 1, 3]).
-module(tree).
-export([from_list/1, insert/2, lookup/2, to_list/1, depth/1]).

from_list(L) -> lists:foldl(fun insert/2, nil, L).

insert(K, nil) -> {node, nil, K, nil};
insert(K, {node, L, K2, R}) when K < K2 -> {node, insert(K, L), K2, R};
insert(K, {node, L, K2, R}) when K > K2 -> {node, L, K2, insert(K, R)};
insert(_, T) -> T.

lookup(_, nil) -> not_found;
lookup(K, {node, _, K, _}) -> {found, K};
lookup(K, {node, L, K2, _}) when K < K2 -> lookup(K, L);
lookup(K, {node, _, _, R}) -> lookup(K, R).

to_list(nil) -> [];
to_list({node, L, K, R}) -> to_list(L) ++ [K] ++ to_list(R).

depth(nil) -> 0;
depth({node, L, _, R}) -> 1 + max(depth(L), depth(R)).
