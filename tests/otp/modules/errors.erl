%% errors: run-time errors inside module code, as the shell reports
%% them: the function, its file and line, and the calls below it.
%% call: errors:divide(1, 0).
%% call: errors:nested(a).
%% call: errors:bad_match(2).
%% call: errors:undef_call().
%% call: errors:bad_element().
%% call: errors:thrown().
%% call: errors:exited().
-module(errors).
-export([divide/2, nested/1, bad_match/1, undef_call/0, bad_element/0,
         thrown/0, exited/0]).

divide(A, B) -> A div B.

nested(X) -> {ok, outer(X)}.

outer(X) -> inner(X) + 1.

inner(X) -> X + 1.

bad_match(X) ->
    1 = X,
    ok.

undef_call() -> no_such_module:f(1).

bad_element() -> element(3, {a, b}).

thrown() -> throw({not_caught, 1}).

exited() -> exit(going_away).
