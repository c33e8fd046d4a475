%% hello: says where it runs. Its output goes to the console of its
%% group leader, which for spawn(Node, hello, run, []) is the node that
%% called spawn, not Node.
-module(hello).
-export([run/0]).

run() ->
    io:format("I'm running on ~p!~n", [node()]).
