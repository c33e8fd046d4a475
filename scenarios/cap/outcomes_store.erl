%% outcomes_store: a store that answers each key its own way, to show how
%% a workload records an operation's outcome (store_client:op/5):
%% key 0 has no store process (exit noproc: fail), key 1 never answers in
%% time (a timeout: fail for a read, info for a write), key 2's writes say
%% {info, maybe} and its reads the initial undefined, key 3's writes are
%% refused ({fail, refused}) and its reads return what is no result. Every
%% cas finds another value.
-module(outcomes_store).
-behaviour(strategy).

-export([start_link/1, read/2, write/3, cas/4]).

start_link(_Params) ->
    ignore.

read(0, Timeout) -> gen_server:call(outcomes_store, read, Timeout);
read(1, Timeout) -> never(Timeout);
read(2, _) -> {ok, undefined};
read(3, _) -> banana.

write(0, V, Timeout) -> gen_server:call(outcomes_store, {write, V}, Timeout);
write(1, _, Timeout) -> never(Timeout);
write(2, _, _) -> {info, maybe};
write(3, _, _) -> {fail, refused}.

cas(_, _, _, _) ->
    {fail, cas_failed}.

%% What gen_server:call raises when no reply comes in time.
never(Timeout) ->
    receive after Timeout -> exit({timeout, {gen_server, call, [nobody]}}) end.
