%% Ping-pong, as a book writes it: pong serves in a tail-recursive
%% receive loop until told to stop; ping sends M pings, waiting for each
%% pong, then stops pong. 2M one-way messages.
%%   pingpong:start(M)        both processes on this node
%%   pingpong:start(M, Node)  pong on Node, ping here
-module(pingpong).
-export([start/1, start/2]).

start(M) ->
    Pong = spawn(fun() -> pong() end),
    ping(M, Pong).

start(M, Node) ->
    Pong = spawn(Node, fun() -> pong() end),
    ping(M, Pong).

ping(0, Pong) ->
    Pong ! stop,
    done;
ping(N, Pong) ->
    Pong ! {ping, self()},
    receive
        pong -> ping(N - 1, Pong)
    end.

pong() ->
    receive
        {ping, From} ->
            From ! pong,
            pong();
        stop ->
            ok
    end.
