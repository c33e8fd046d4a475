%% macros: constants, macros with arguments, ?MODULE, ?LINE,
%% ??Arg stringification, and a macro that expands to a guard.
%% call: macros:area(3).
%% call: macros:max3(4, 9, 2).
%% call: macros:where().
%% call: macros:show(1 + 2).
%% call: macros:classify(7).
%% call: macros:classify(-7).
-module(macros).
-export([area/1, max3/3, where/0, show/1, classify/1]).

-define(PI, 3.14159).
-define(SQUARE(X), ((X) * (X))).
-define(MAX(A, B), (case (A) > (B) of true -> (A); false -> (B) end)).
-define(IS_POS(X), (is_integer(X) andalso X > 0)).
-define(SHOW(E), {??E, E}).

area(R) -> ?PI * ?SQUARE(R).

max3(A, B, C) -> ?MAX(?MAX(A, B), C).

where() -> {?MODULE, ?LINE}.

show(X) -> ?SHOW(X * 2).

classify(X) when ?IS_POS(X) -> positive;
classify(_) -> other.
