%% The chapter's globally registered server: started on one node with
%% gen_server:start_link({global, my_server}, ...), called by that name
%% from any node of the cluster. It counts the calls it has answered.
-module(my_server).
-behaviour(gen_server).

-export([start_link/0, hello/0]).
-export([init/1, handle_call/3, handle_cast/2]).

start_link() ->
    gen_server:start_link({global, my_server}, ?MODULE, [], []).

hello() ->
    gen_server:call({global, my_server}, hello).

init([]) ->
    {ok, 0}.

handle_call(hello, {From, _Tag}, Count) ->
    {reply, {hello, node(From), from, node(), Count + 1}, Count + 1}.

handle_cast(_Msg, Count) ->
    {noreply, Count}.
