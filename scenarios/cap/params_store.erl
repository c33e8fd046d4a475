%% params_store: a store of one's own that prints the parameters it was
%% started with: a user's strategy gets them converted by the loader's
%% generic rule (a duration as milliseconds, a node's name as its atom,
%% any other string as a binary), under keys that may be Erlang's
%% reserved words.
-module(params_store).
-export([start_link/1, read/2, write/3]).

start_link(#{'end' := End, 'when' := When, peer := Peer, members := Members}) ->
    io:format("end ~p when ~p peer ~p members ~p~n", [End, When, Peer, Members]),
    ignore.

read(_, _) -> {ok, undefined}.

write(_, _, _) -> ok.
