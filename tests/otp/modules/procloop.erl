%% procloop: a process loop without gen_server: a counter server that
%% spawn/receive runs, replying to its caller with a tagged message, a
%% timeout, and two processes playing ping-pong. Every call returns
%% plain values (a pid would print differently on a real node).
%% call: procloop:demo().
%% call: procloop:ping_pong(5).
%% call: procloop:timeout_demo().
%% call: procloop:linked_exit().
-module(procloop).
-export([demo/0, ping_pong/1, timeout_demo/0, linked_exit/0]).
-export([counter/1, pong/0]).

start() -> spawn(?MODULE, counter, [0]).

counter(N) ->
    receive
        {From, Tag, incr} ->
            From ! {Tag, ok},
            counter(N + 1);
        {From, Tag, get} ->
            From ! {Tag, N},
            counter(N);
        {From, Tag, stop} ->
            From ! {Tag, stopped}
    end.

call(Pid, Req) ->
    Tag = make_ref(),
    Pid ! {self(), Tag, Req},
    receive
        {Tag, Reply} -> Reply
    after 100 -> timeout
    end.

demo() ->
    Pid = start(),
    ok = call(Pid, incr),
    ok = call(Pid, incr),
    ok = call(Pid, incr),
    N = call(Pid, get),
    stopped = call(Pid, stop),
    {N, call(Pid, get)}.

pong() ->
    receive
        {ping, From, K} ->
            From ! {pong, K},
            pong();
        stop -> ok
    end.

ping_pong(N) ->
    Pong = spawn(?MODULE, pong, []),
    Count = ping(Pong, N, 0),
    Pong ! stop,
    Count.

ping(_, 0, Acc) -> Acc;
ping(Pong, N, Acc) ->
    Pong ! {ping, self(), N},
    receive {pong, N} -> ping(Pong, N - 1, Acc + 1) end.

timeout_demo() ->
    receive never -> got_it after 50 -> timed_out end.

linked_exit() ->
    process_flag(trap_exit, true),
    Pid = spawn_link(fun() -> exit(worker_done) end),
    Reason = receive {'EXIT', Pid, R} -> R after 1000 -> no_exit end,
    process_flag(trap_exit, false),
    Reason.
