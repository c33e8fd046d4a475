%% worker: does the work it is sent and sends the result back.
%%   Pid = spawn(Node, worker, loop, []), Pid ! {work, self(), 42}.
%% answers {result, 42}; stop ends the loop.
-module(worker).
-export([loop/0]).

loop() ->
    receive
        {work, From, Work} when is_pid(From) ->
            From ! {result, Work},
            loop();
        stop ->
            ok
    end.
