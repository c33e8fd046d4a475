%% wl_text: io_lib:format with characters beyond ASCII in the format
%% string, and the atom length limit (255 characters, OTP's
%% MAX_ATOM_CHARACTERS): a literal at the limit, and list_to_atom/1,
%% binary_to_atom/1,2 and binary_to_term/1 one past it (system_limit,
%% badarg).
%% call: wl_text:fmt("h\x{e9}llo ~p", [x]).
%% call: wl_text:fmt("\x{1F600} ~s ~w", ["ab", y]).
%% call: wl_text:fmt("~ts~n", ["\x{1F600}\x{e9}"]).
%% call: wl_text:fmt("\x{e9}~c\x{263A}", [$z]).
%% call: io_lib:format("\x{1F600}~p", [z]).
%% call: wl_text:fmt_err("~s", ["\x{1F600}"]).
%% call: wl_text:fmt_err("~ts", ["\x{1F600}"]).
%% call: wl_text:fmt_err("~s", [[256]]).
%% call: wl_text:fmt_err("~c", [16#1F600]).
%% call: wl_text:fmt_err("~tc", [16#1F600]).
%% call: wl_text:fmt_err("\x{1F600}~s\x{e9}", [[0, 255]]).
%% call: length(atom_to_list(wl_text:longest())).
%% call: wl_text:too_long(255).
%% call: wl_text:too_long(256).
%% call: wl_text:too_long_utf8(255).
%% call: wl_text:too_long_utf8(256).
-module(wl_text).
-export([fmt/2, fmt_err/2, longest/0, too_long/1, too_long_utf8/1]).

fmt(F, A) ->
    lists:flatten(io_lib:format(F, A)).

fmt_err(F, A) ->
    try fmt(F, A) catch error:R -> R end.

longest() ->
    'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'.

try_all(L) ->
    [try F() of
         A -> length(atom_to_list(A))
     catch
         C:R -> {C, R}
     end || F <- L].

too_long(N) ->
    S = lists:duplicate(N, $a),
    B = list_to_binary(S),
    try_all([fun() -> list_to_atom(S) end,
             fun() -> binary_to_atom(B) end,
             fun() -> binary_to_atom(B, latin1) end]).

too_long_utf8(N) ->
    S = lists:duplicate(N, 16#e9),
    B = unicode:characters_to_binary(S),
    try_all([fun() -> list_to_atom(S) end,
             fun() -> binary_to_atom(B, utf8) end]).
