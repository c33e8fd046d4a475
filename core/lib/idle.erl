%% idle: a process that waits for stop, something to link to, monitor
%% or register.
-module(idle).
-export([loop/0]).

loop() ->
    receive
        stop ->
            ok
    end.
