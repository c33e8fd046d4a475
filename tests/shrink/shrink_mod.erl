%% A module for tests/shrink/modules.json: its shrunk form, written to
%% another folder, must still find this file.
-module(shrink_mod).
-export([ask/1]).

ask(Node) ->
    rpc:call(Node, erlang, node, [], 1000).
