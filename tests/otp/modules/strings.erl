%% strings: text with the string and io_lib modules: tokens, case,
%% padding, formatting to a string, and characters as integers.
%% call: strings:words("  the quick  brown fox ").
%% call: strings:shout("hello").
%% call: strings:format_row(apples, 3, 1.5).
%% call: strings:caesar("abc xyz", 3).
%% call: strings:is_palindrome("racecar").
%% call: strings:is_palindrome("erlang").
%% call: strings:join_ints([1, 2, 3]).
-module(strings).
-export([words/1, shout/1, format_row/3, caesar/2, is_palindrome/1,
         join_ints/1]).

words(S) -> string:tokens(S, " ").

shout(S) -> string:uppercase(S) ++ "!".

format_row(Name, Count, Price) ->
    lists:flatten(io_lib:format("~-8s|~3w|~6.2f", [atom_to_list(Name), Count, Price])).

caesar(S, K) -> [shift(C, K) || C <- S].

shift(C, K) when C >= $a, C =< $z -> $a + (C - $a + K) rem 26;
shift(C, _) -> C.

is_palindrome(S) -> S =:= lists:reverse(S).

join_ints(L) -> string:join([integer_to_list(I) || I <- L], ",").
