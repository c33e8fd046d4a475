%% dist_kv: the chapter's replicated key-value store, a gen_server on
%% every node, registered locally as dist_kv.
%%
%% put/2 casts the pair to the store of every node this one is connected
%% to, itself included; get/1 asks the local store, which answers the
%% value or undefined. Nothing ever merges: what is written during a
%% partition stays different on each side, and after a heal only new
%% writes replicate, to the nodes the writer is connected to then.
-module(dist_kv).
-behaviour(gen_server).

-export([start_link/0, put/2, get/1]).
-export([init/1, handle_call/3, handle_cast/2]).

start_link() ->
    gen_server:start_link({local, ?MODULE}, ?MODULE, [], []).

put(Key, Value) ->
    [gen_server:cast({?MODULE, Node}, {put, Key, Value})
     || Node <- [node() | nodes()]],
    ok.

get(Key) ->
    gen_server:call(?MODULE, {get, Key}).

init([]) ->
    {ok, #{}}.

handle_call({get, Key}, _From, State) ->
    {reply, maps:get(Key, State, undefined), State}.

handle_cast({put, Key, Value}, State) ->
    {noreply, State#{Key => Value}}.
