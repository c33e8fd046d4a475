%% shapes: tagged tuples, case and if, and the function_clause,
%% case_clause and if_clause a bad shape raises (with the module's
%% file and line in the shell's report).
%% call: shapes:area({square, 3}).
%% call: shapes:area({circle, 1.0}).
%% call: shapes:area({rect, 2, 5}).
%% call: shapes:area({triangle, 1, 2, 3}).
%% call: shapes:describe({square, 3}).
%% call: shapes:describe({blob, 1}).
%% call: shapes:size_class({rect, 10, 10}).
%% call: shapes:size_class({square, -1}).
-module(shapes).
-export([area/1, describe/1, size_class/1]).

area({square, S}) -> S * S;
area({circle, R}) -> 3.14159 * R * R;
area({rect, W, H}) -> W * H.

describe(Shape) ->
    case Shape of
        {square, _} -> "four equal sides";
        {circle, _} -> "round";
        {rect, _, _} -> "four sides"
    end.

size_class(Shape) ->
    A = area(Shape),
    if
        A > 50 -> large;
        A > 0 -> small
    end.
