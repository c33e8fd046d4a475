%% send_work/2, as a chapter on distribution writes it: spawn the work on
%% another node, have it send its result back, and wait for that message,
%% giving up after five seconds. Work is a fun of no arguments; it runs
%% on Node, so node() there is Node.
-module(work).
-export([send_work/2, square/1]).

send_work(Node, Work) ->
    Parent = self(),
    Ref = make_ref(),
    spawn(Node, fun() -> Parent ! {Ref, node(), Work()} end),
    receive
        {Ref, Where, Result} -> {Where, Result}
    after 5000 ->
        timeout
    end.

square(X) ->
    X * X.
