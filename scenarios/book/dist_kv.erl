%% The chapter's dist_kv, as the book writes it: on every node a process
%% registered as dist_kv holds a map; put/2 sends the pair to the store
%% of every node this one is connected to, itself included, and get/1
%% asks the local store, which answers the value or undefined.
%% Loaded with config.modules it replaces the built-in dist_kv (a
%% gen_server) on the nodes that load it; each node starts its own store
%% with dist_kv:start().
-module(dist_kv).
-export([start/0, put/2, get/1]).

start() ->
    register(dist_kv, spawn(fun() -> loop(#{}) end)).

put(Key, Value) ->
    [{dist_kv, N} ! {put, Key, Value} || N <- [node() | nodes()]],
    ok.

get(Key) ->
    dist_kv ! {get, self(), Key},
    receive
        {dist_kv, Key, Value} -> Value
    end.

loop(Store) ->
    receive
        {put, Key, Value} ->
            loop(Store#{Key => Value});
        {get, From, Key} ->
            From ! {dist_kv, Key, lookup(Key, Store)},
            loop(Store)
    end.

lookup(Key, Store) ->
    case Store of
        #{Key := Value} -> Value;
        _ -> undefined
    end.
