%% counter: a server loop in a module, started by name with spawn/3.
-module(counter).
-export([start/0, loop/1, get/1, bump/1]).

start() -> spawn(counter, loop, [0]).

loop(N) ->
    receive
        {bump, From} -> From ! {self(), N + 1}, loop(N + 1);
        {get, From} -> From ! {self(), N}, loop(N)
    end.

get(Pid) -> call(Pid, get).

bump(Pid) -> call(Pid, bump).

call(Pid, What) ->
    Pid ! {What, self()},
    receive {Pid, N} -> N after 1000 -> timeout end.
