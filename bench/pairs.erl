%% Many ping-pong pairs at once: P pairs, each making M one-way messages
%% (M/2 round trips), pong on Node; the caller waits for every ping.
%% P * M one-way messages of the workload, plus P "done" replies.
%%   pairs:start(P, M)        every process on this node
%%   pairs:start(P, M, Node)  each pong on Node, pings here
-module(pairs).
-export([start/2, start/3]).

start(P, M) ->
    start(P, M, node()).

start(P, M, Node) ->
    Self = self(),
    spawn_pairs(P, M div 2, Node, Self),
    wait(P).

spawn_pairs(0, _R, _Node, _Self) ->
    ok;
spawn_pairs(I, R, Node, Self) ->
    Pong = spawn(Node, fun() -> pong() end),
    spawn(fun() -> ping(R, Pong, Self) end),
    spawn_pairs(I - 1, R, Node, Self).

wait(0) ->
    done;
wait(I) ->
    receive
        pair_done -> wait(I - 1)
    end.

ping(0, Pong, Self) ->
    Pong ! stop,
    Self ! pair_done;
ping(N, Pong, Self) ->
    Pong ! {ping, self()},
    receive
        pong -> ping(N - 1, Pong, Self)
    end.

pong() ->
    receive
        {ping, From} ->
            From ! pong,
            pong();
        stop ->
            ok
    end.
