%% A ring, as a book writes it: N processes, each forwarding what it
%% receives to the next in a tail-recursive receive loop, closed by the
%% caller, which sends a token around K times. K * (N + 1) one-way
%% messages.
%%   ring:start(N, K)
-module(ring).
-export([start/2]).

start(N, K) ->
    First = build(N, self()),
    rounds(K, First).

%% Spawned last to first: each new process forwards to the one before.
build(0, Next) ->
    Next;
build(I, Next) ->
    build(I - 1, spawn(fun() -> loop(Next) end)).

loop(Next) ->
    receive
        Token ->
            Next ! Token,
            loop(Next)
    end.

rounds(0, _First) ->
    done;
rounds(K, First) ->
    First ! token,
    receive
        token -> rounds(K - 1, First)
    end.
