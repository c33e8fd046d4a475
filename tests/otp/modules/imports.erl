%% imports: -import of library functions, called without their module.
%% call: imports:doubled([1, 2, 3]).
%% call: imports:total([1, 2, 3, 4]).
%% call: imports:sorted_unique([3, 1, 3, 2]).
-module(imports).
-export([doubled/1, total/1, sorted_unique/1]).
-import(lists, [map/2, foldl/3, usort/1]).

doubled(L) -> map(fun(X) -> 2 * X end, L).

total(L) -> foldl(fun(X, Sum) -> X + Sum end, 0, L).

sorted_unique(L) -> usort(L).
