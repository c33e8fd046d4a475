%% wd_rpc: rpc:call/4,5 on the caller's own node, as rpc.erl answers
%% it: an exception becomes {badrpc, {'EXIT', ...}} with the stack kept
%% (undef's [{M, F, Args, []}] included), a value {'EXIT', X} is wrapped
%% in badrpc, a throw is the thrown value.
%% call: rpc:call(node(), nomod, nofun, []).
%% call: rpc:call(node(), nomod, nofun, [], 1000).
%% call: rpc:call(node(), wd_rpc, exit_value, []).
%% call: rpc:call(node(), erlang, list_to_tuple, [['EXIT', x]]).
%% call: rpc:call(node(), erlang, throw, [t]).
%% call: rpc:call(node(), erlang, throw, [{'EXIT', t}]).
%% call: rpc:call(node(), erlang, exit, [bye]).
%% call: rpc:call(node(), erlang, error, [e]).
%% call: rpc:call(node(), lists, nth, [5, []]).
%% call: rpc:call(node(), wd_rpc, crash, [1]).
%% call: rpc:call(node(), wd_rpc, exit_value, [], 1000).
-module(wd_rpc).
-export([exit_value/0, crash/1]).

exit_value() -> {'EXIT', x}.

crash(X) -> {ok, _} = X.
