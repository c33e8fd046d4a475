%% echo: the chapter's echo server as a module. Each {From, Msg} is
%% answered with {echo, Msg}; stop ends the loop.
%%   Pid = spawn(echo, loop, []), Pid ! {self(), hello}.
-module(echo).
-export([loop/0]).

loop() ->
    receive
        {From, Msg} when is_pid(From) ->
            From ! {echo, Msg},
            loop();
        stop ->
            ok
    end.
