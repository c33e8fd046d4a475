%% majority_store: a test store for tests/cap_html.sh: dist_kv's
%% replication (a write casts to every connected member, reads are
%% local) behind a majority rule: a node that sees at most half of the
%% members (itself included) refuses with {fail, paused}, as RabbitMQ's
%% pause_minority refuses on the minority side
%% (rabbit_node_monitor:majority/0), but without pausing anything.
%% It connects to the members itself (dist_kv relies on the shell).
-module(majority_store).
-behaviour(gen_server).

-export([start_link/1, read/2, write/3]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

start_link(#{members := Members}) ->
    gen_server:start_link({local, ?MODULE}, ?MODULE, Members, []).

read(Key, Timeout) ->
    gen_server:call(?MODULE, {read, Key}, Timeout).

write(Key, Value, Timeout) ->
    gen_server:call(?MODULE, {write, Key, Value}, Timeout).

%% Distribution connects lazily: a ticker process of the store's own
%% connects to the members every second (in a process of its own, so a
%% connection attempt across a partition never blocks the store).
init(Members) ->
    timer:send_interval(1000, connect),
    {ok, {Members, #{}}}.

handle_call(Op, _From, {Members, Data} = State) ->
    Up = [N || N <- Members, N =:= node() orelse lists:member(N, nodes())],
    case 2 * length(Up) > length(Members) of
        false ->
            {reply, {fail, paused}, State};
        true ->
            {reply, serve(Op, Up, Data), State}
    end.

serve({read, Key}, _Up, Data) ->
    {ok, maps:get(Key, Data, undefined)};
serve({write, Key, Value}, Up, _Data) ->
    [gen_server:cast({?MODULE, N}, {put, Key, Value}) || N <- Up],
    ok.

handle_cast({put, Key, Value}, {Members, Data}) ->
    clustersim:replica(Key, Value),
    {noreply, {Members, Data#{Key => Value}}}.

handle_info(connect, {Members, _} = State) ->
    spawn(fun() -> [net_kernel:connect_node(N) || N <- Members, N =/= node()] end),
    {noreply, State}.
