%% ignore: RabbitMQ's default partition handling (nothing happens), as the strategy behaviour over the book's dist_kv, unchanged.
%%
%% The rule. RabbitMQ <= 4.2, rabbit_node_monitor:handle_dead_node/2:
%% `{ok, ignore} -> State`, the default cluster_partition_handling
%% (deps/rabbit/Makefile). Nothing pauses, nothing merges: "the split will
%% continue even after network connectivity is restored" (RabbitMQ's
%% partitions guide, 3.13).
%%
%% The store is the book's dist_kv: a put casts to [node() | nodes()], a
%% get reads the local copy. So during a partition each side accepts
%% writes and reads its own values; after the heal nothing reconnects (the
%% book's store has no reconnect loop, and Erlang does not reconnect by
%% itself) and nothing merges. dist_kv reports no replica events: the
%% checkers judge this strategy on its final reads alone.
%%
%% cas is what a dist_kv user would write, a get then a put, not atomic:
%% two clients may both see Old and both put. A get that sees another
%% value makes it {fail, cas_failed}.
-module(ignore).
-behaviour(strategy).

-export([start_link/1, read/2, write/3, cas/4]).

start_link(_Params) ->
    dist_kv:start_link().

read(Key, _Timeout) ->
    {ok, dist_kv:get(Key)}.

write(Key, Value, _Timeout) ->
    dist_kv:put(Key, Value).

cas(Key, Old, New, _Timeout) ->
    case dist_kv:get(Key) of
        Old -> dist_kv:put(Key, New);
        _ -> {fail, cas_failed}
    end.
