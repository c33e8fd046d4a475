%% pause_minority: RabbitMQ <= 4.2's pause_minority: a node that sees no strict majority of the members stops its store until a majority is back, then reloads it from the majority.
%%
%% The rules, from rabbit_node_monitor.erl (RabbitMQ <= 4.2; 4.3 removed
%% Mnesia and with it every partition handling mode):
%%
%% - Only a nodedown triggers it (handle_dead_node/2): on {nodedown, Node}
%%   the node asks majority([Node]): are the members it still sees, Node
%%   excluded, more than half of the configured members (majority/1:
%%   length(AliveNodes) / length(Nodes) > 0.5)? The members are the
%%   configured list, down nodes included, never nodes(). Nothing is
%%   checked at start-up: "nodes will not enter the paused state at
%%   startup, even if they are in a minority then" (RabbitMQ's partitions
%%   guide, 3.13). Between the cut and the nodedown (net_ticktime) the
%%   minority still serves: writes it accepts then are lost later.
%% - Pausing (await_cluster_recovery/1): a process outside the
%%   application stops the application (rabbit:stop(): here the store and
%%   the node monitor), then loops (wait_for_cluster_recovery/1):
%%   ping_all(), and if majority() holds again, start the application,
%%   else sleep 1 s (check_interval) and loop. While paused the node
%%   refuses every call: {fail, paused}, or noproc if the call races the
%%   stop. RabbitMQ's channels also hold back confirms once nodes()
%%   changed and majority() is false (pause_partition_guard/0); here the
%%   store stops at the nodedown itself, so it needs no such guard.
%% - Partial partitions: on nodedown of X, the node asks the members it
%%   still sees whether they still see X; if one does, the node pauses
%%   until all members are up, not just a majority (the casts
%%   check_partial_partition and partial_partition). OTP 25's global
%%   (prevent_overlapping_partitions, on by default) turns most partial
%%   partitions into full ones first.
%% - Restarting reloads the data from a running member, as Mnesia loads a
%%   table at start-up from a node that holds it active (Mnesia user's
%%   guide, "Loading Tables at Startup"): what this node held is replaced,
%%   and each value that the reload replaces or drops is reported with
%%   clustersim:discard(Key, Held, Loaded, reload). Such a value may be
%%   one the majority overwrote meanwhile (nothing lost) or a write this
%%   node accepted in the detection window (lost): the trace tells them
%%   apart, the store cannot.
%% - While some member is down, the node monitor pings all members every
%%   1 s (?RABBIT_DOWN_PING_INTERVAL, handle_info(ping_down_nodes, ...);
%%   here reconnect_interval), in a process of its own since a ping of an
%%   unreachable node blocks (up to net_setuptime per node: ping_all/0
%%   pings the members one after the other). That is what reconnects the
%%   sides after a heal. The node monitor also starts it at boot, as
%%   RabbitMQ's boot joins the cluster.
%%
%% The data is a replicated map, like the book's dist_kv: a write applies
%% locally, casts the pair to the stores of the members this node is
%% connected to, then answers ok; a read answers the local copy; cas
%% compares and writes inside the local store (atomic on this node only).
%%
%% Processes on each member: the store (registered pause_minority), the
%% node monitor (pause_minority_monitor), and while paused the recovery
%% loop (pause_minority_recovery).
%%
%% Params: members (default [node() | nodes()]), check_interval (ms,
%% default 1000: the pause loop), reconnect_interval (ms, default 1000:
%% the ping of down members).
-module(pause_minority).
-behaviour(strategy).
-behaviour(gen_server).

-export([start_link/1, read/2, write/3, cas/4]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

-define(MONITOR, pause_minority_monitor).
-define(RECOVERY, pause_minority_recovery).
-define(LOAD_TIMEOUT, 5000).

-record(store, {params, map = #{}}).
-record(monitor, {params, ping_timer = undefined, pausing = false}).

%%% The strategy interface

%% The store starts first (its data), then the node monitor, both linked
%% to the caller, as an application's processes start at boot.
start_link(Params) ->
    {ok, _} = gen_server:start_link({local, ?MODULE}, ?MODULE,
                                    {store, Params, fresh}, []),
    gen_server:start_link({local, ?MONITOR}, ?MODULE, {monitor, Params}, []).

read(Key, Timeout) ->
    call({read, Key}, Timeout).

write(Key, Value, Timeout) ->
    call({write, Key, Value}, Timeout).

cas(Key, Old, New, Timeout) ->
    call({cas, Key, Old, New}, Timeout).

%% A paused node has no store: it refuses at once, a definite failure.
call(Request, Timeout) ->
    case whereis(?MODULE) of
        undefined -> {fail, paused};
        _ -> gen_server:call(?MODULE, Request, Timeout)
    end.

%%% gen_server callbacks: the store and the node monitor

init({store, Params, fresh}) ->
    {ok, #store{params = Params}};
init({store, Params, {reload, Held}}) ->
    {ok, #store{params = Params, map = reload(members(Params), Held)}};
init({monitor, Params}) ->
    ok = net_kernel:monitor_nodes(true),
    {ok, ensure_ping_timer(#monitor{params = Params})}.

handle_call({read, Key}, _From, S = #store{map = Map}) ->
    {reply, {ok, maps:get(Key, Map, undefined)}, S};
handle_call({write, Key, Value}, _From, S) ->
    {reply, ok, apply_write(Key, Value, S)};
handle_call({cas, Key, Old, New}, _From, S = #store{map = Map}) ->
    case maps:get(Key, Map, undefined) of
        Old -> {reply, ok, apply_write(Key, New, S)};
        _ -> {reply, {fail, cas_failed}, S}
    end;
handle_call(dump, _From, S = #store{map = Map}) ->
    {reply, Map, S};
handle_call(stop, _From, S = #store{map = Map}) ->
    {stop, normal, Map, S}.

handle_cast({replicate, Key, Value}, S = #store{map = Map}) ->
    clustersim:replica(Key, Value),
    {noreply, S#store{map = Map#{Key => Value}}};
handle_cast({check_partial_partition, Node, Reporter}, S = #monitor{}) ->
    check_partial_partition(Node, Reporter),
    {noreply, S};
handle_cast({partial_partition, NotReallyDown, Proxy}, S = #monitor{}) ->
    {noreply, handle_partial_partition(NotReallyDown, Proxy, S)}.

handle_info({nodedown, Node}, S = #monitor{params = Params}) ->
    case lists:member(Node, members(Params)) of
        true ->
            ask_partial_partition(Node, members(Params)),
            {noreply, ensure_ping_timer(handle_dead_node(Node, S))};
        false -> {noreply, S}
    end;
handle_info(ping_down_nodes, S = #monitor{params = Params}) ->
    Monitor = self(),
    Members = members(Params),
    spawn_link(fun () ->
                       ping_all(Members),
                       case all_nodes_up(Members) of
                           true -> ok;
                           false -> Monitor ! ping_down_nodes_again
                       end
               end),
    {noreply, S#monitor{ping_timer = undefined}};
handle_info(ping_down_nodes_again, S = #monitor{}) ->
    {noreply, ensure_ping_timer(S)};
handle_info(_Other, S) ->
    {noreply, S}.

%%% The store

apply_write(Key, Value, S = #store{params = Params, map = Map}) ->
    clustersim:replica(Key, Value),
    [gen_server:cast({?MODULE, N}, {replicate, Key, Value})
     || N <- alive_nodes(members(Params)), N =/= node()],
    S#store{map = Map#{Key => Value}}.

%% Load the map from the first running member that answers (the store is
%% registered already, so writes cast to it from now on wait in its
%% mailbox). If none answers, keep what this node held.
reload(Members, Held) ->
    case fetch([N || N <- alive_nodes(Members), N =/= node()]) of
        {ok, Source, Loaded} ->
            clustersim:decision({reload_from, Source}),
            report_reload(Held, Loaded),
            Loaded;
        none ->
            clustersim:decision({reload_from, none}),
            Held
    end.

fetch([Node | Nodes]) ->
    case catch gen_server:call({?MODULE, Node}, dump, ?LOAD_TIMEOUT) of
        Map when is_map(Map) -> {ok, Node, Map};
        _ -> fetch(Nodes)
    end;
fetch([]) ->
    none.

report_reload(Held, Loaded) ->
    [clustersim:discard(Key, Old, maps:get(Key, Loaded, undefined), reload)
     || {Key, Old} <- lists:sort(maps:to_list(Held)),
        maps:get(Key, Loaded, undefined) =/= Old],
    [clustersim:replica(Key, Value)
     || {Key, Value} <- lists:sort(maps:to_list(Loaded))],
    ok.

%%% The node monitor (rabbit_node_monitor)

handle_dead_node(_Node, S = #monitor{pausing = true}) ->
    S;
handle_dead_node(Node, S = #monitor{params = Params}) ->
    Members = members(Params),
    case majority(Members, [Node]) of
        true -> S;
        false ->
            await_cluster_recovery({nodedown, Node},
                                   alive_nodes(Members) -- [Node],
                                   majority, Params),
            S#monitor{pausing = true}
    end.

%% Partial partitions (handle_info({nodedown, ...}) and the casts
%% check_partial_partition and partial_partition): on nodedown of Node,
%% ask every member still seen whether it still sees Node. One that does,
%% and whose rpc to Node gets an answer, tells the reporter, which pauses
%% "until the *entire* cluster recovers" (await_cluster_recovery(fun
%% all_nodes_up/0)): pausing in a minority only would bring it back at
%% once, still partitioned. RabbitMQ tags these messages with a GUID per
%% start of each node; here the answer goes to the reporter's monitor
%% pid, so a monitor restarted since never takes an old answer.
ask_partial_partition(Node, Members) ->
    [gen_server:cast({?MONITOR, N}, {check_partial_partition, Node, self()})
     || N <- alive_nodes(Members) -- [node(), Node]],
    ok.

%% Any answer of the rpc proves the link works, even from a paused node
%% (RabbitMQ's rpc:call(Node, rabbit, is_running, []) counts false as an
%% answer); the rpc may block, so it runs in a process of its own.
check_partial_partition(Node, Reporter) ->
    case lists:member(Node, nodes()) of
        true ->
            spawn_link(fun () ->
                               case rpc:call(Node, erlang, whereis, [?MODULE]) of
                                   {badrpc, _} -> ok;
                                   _ -> gen_server:cast(Reporter,
                                                        {partial_partition,
                                                         Node, node()})
                               end
                       end);
        false -> ok
    end.

handle_partial_partition(_NotReallyDown, _Proxy, S = #monitor{pausing = true}) ->
    S;
handle_partial_partition(NotReallyDown, Proxy, S = #monitor{params = Params}) ->
    await_cluster_recovery({partial_partition, NotReallyDown, {seen_by, Proxy}},
                           alive_nodes(members(Params)), all_nodes_up, Params),
    S#monitor{pausing = true}.

ensure_ping_timer(S = #monitor{params = Params, ping_timer = undefined}) ->
    case all_nodes_up(members(Params)) of
        true -> S;
        false ->
            Interval = maps:get(reconnect_interval, Params, 1000),
            S#monitor{ping_timer = erlang:send_after(Interval, self(),
                                                     ping_down_nodes)}
    end;
ensure_ping_timer(S) ->
    S.

%%% Pausing: the process outside the application

%% Condition: majority, or all_nodes_up after a partial partition.
await_cluster_recovery(Why, Alive, Condition, Params) ->
    clustersim:decision({pause, Why, {alive, Alive},
                         {members, members(Params)}}),
    spawn(fun () -> recover(Condition, Params) end),
    ok.

%% One recovery process at a time: the monitor that spawned it ignores
%% later nodedowns (RabbitMQ: register_outside_app_process/2 lets a
%% second one end at once).
recover(Condition, Params) ->
    true = register(?RECOVERY, self()),
    Held = gen_server:call(?MODULE, stop),
    ok = gen_server:stop(?MONITOR),
    clustersim:pause(pause_reason(Condition)),
    wait_for_cluster_recovery(Condition, Params, Held).

wait_for_cluster_recovery(Condition, Params, Held) ->
    Members = members(Params),
    ping_all(Members),
    case recovered(Condition, Members) of
        true -> restart(Condition, Params, Held);
        false ->
            timer:sleep(maps:get(check_interval, Params, 1000)),
            wait_for_cluster_recovery(Condition, Params, Held)
    end.

recovered(majority, Members) -> majority(Members, []);
recovered(all_nodes_up, Members) -> all_nodes_up(Members).

pause_reason(majority) -> minority;
pause_reason(all_nodes_up) -> partial_partition.

%% rabbit:start(): the store (which reloads), then the node monitor.
restart(Condition, Params, Held) ->
    {ok, _} = gen_server:start({local, ?MODULE}, ?MODULE,
                               {store, Params, {reload, Held}}, []),
    true = unregister(?RECOVERY),
    {ok, _} = gen_server:start({local, ?MONITOR}, ?MODULE,
                               {monitor, Params}, []),
    clustersim:unpause(Condition).

%%% Membership (rabbit_node_monitor's internal utils)

members(Params) ->
    maps:get(members, Params, [node() | nodes()]).

majority(Members, NodesDown) ->
    Alive = alive_nodes(Members) -- NodesDown,
    length(Alive) / length(Members) > 0.5.

all_nodes_up(Members) ->
    length(alive_nodes(Members)) =:= length(Members).

alive_nodes(Members) ->
    [N || N <- Members, lists:member(N, [node() | nodes()])].

ping_all(Members) ->
    [net_adm:ping(N) || N <- Members],
    ok.
