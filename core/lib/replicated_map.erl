%% replicated_map: the AP key-value table that autoheal, static_master and pause_if_all_down keep on every member, with Mnesia's inconsistent_database event and the reconnect loop they share.
%%
%% A model of one Mnesia table replicated on every member, as those
%% strategies run on it (RabbitMQ <= 4.2 keeps its metadata in Mnesia).
%% One gen_server per node, registered locally under the strategy's name
%% (the Name argument), holds the map:
%%
%% - write: apply locally, then cast the pair to the map of every member
%%   this node is connected to; the caller gets ok once the local apply
%%   is done (the book's dist_kv, with an acknowledgement). read: the
%%   local copy. cas: compare and set on the local copy, then cast.
%% - stop/1 stops the map and returns its content (the disc copy). A
%%   stopped map is not registered: a client's call exits noproc, which
%%   read/3, write/4 and cas/5 return as {fail, paused}.
%% - start/2 starts it again. With load_from, it loads the table from the
%%   first of those nodes whose map answers, as Mnesia loads a table from
%%   a node that has it active (or from a master node, Mnesia's
%%   set_master_nodes/1): each value it held that the load replaces or
%%   removes is a clustersim:discard event, each key loaded a
%%   clustersim:replica event. Without a node that answers it keeps its
%%   disc copy (mnesia:force_load_table/1).
%%
%% Mnesia's partition signal (Mnesia User's Guide, "Recovery from
%% Communication Failure"): when two nodes that each logged mnesia_down
%% for the other get back in contact, both raise the system event
%% {inconsistent_database, running_partitioned_network, Node}. Here the
%% map remembers the members it saw go down (nodedown); at each nodeup
%% it tells the peer's map whether it saw the peer go down, and when both
%% did, it sends {mnesia_system_event, {inconsistent_database,
%% running_partitioned_network, Peer}} to the subscriber (the strategy's
%% node monitor, a registered name). A map that starts tells every map it
%% reaches that it saw nothing: a restarted Mnesia loads its tables from
%% the others and is consistent with them.
%%
%% Erlang never reconnects by itself, so the node monitors run
%% start_pinger/2: every Interval ms it pings each member it is not
%% connected to, one process per member (an unreachable one takes
%% net_setuptime to answer pang, and must not hold up the others), as
%% rabbit_node_monitor pings the members every second while one is down
%% (handle_info(ping_down_nodes, ...), ping_all/0).
-module(replicated_map).
-behaviour(gen_server).

-export([start/2, stop/1, read/3, write/4, cas/5, start_pinger/2]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

-record(map, {name, members, subscriber, data = #{}, down_seen = []}).

%% Start the map Name on this node. Opts: members (required), subscriber
%% (a registered name, or undefined), disc (the content it held, default
%% #{}), load_from (nodes, default []), why (the reason of its discard
%% events, default reload).
start(Name, Opts) ->
    gen_server:start({local, Name}, ?MODULE, {Name, Opts}, []).

%% Stop the map Name; {ok, Data} with its content, or {ok, #{}} when it
%% was not running.
stop(Name) ->
    try gen_server:call(Name, stop)
    catch exit:_ -> {ok, #{}}
    end.

read(Name, Key, Timeout) ->
    call(Name, {read, Key}, Timeout, fail).

write(Name, Key, Value, Timeout) ->
    call(Name, {write, Key, Value}, Timeout, info).

cas(Name, Key, Old, New, Timeout) ->
    call(Name, {cas, Key, Old, New}, Timeout, info).

%% A stopped map (noproc) refused for certain; any other exit is a fail
%% for a read and may have taken effect for a write (Unsure = info).
call(Name, Request, Timeout, Unsure) ->
    try gen_server:call(Name, Request, Timeout)
    catch
        exit:{noproc, _} -> {fail, paused};
        exit:{timeout, _} when Unsure =:= fail -> {fail, timeout};
        exit:{timeout, _} -> {Unsure, timeout};
        exit:{Reason, _} -> {Unsure, Reason}
    end.

%% The reconnect loop, linked to the caller.
start_pinger(Members, Interval) ->
    spawn_link(fun() -> self() ! tick, pinger(Members, Interval, []) end).

%% Pinging: [{MonitorRef, Node}] of the pings not yet answered.
pinger(Members, Interval, Pinging) ->
    receive
        tick ->
            Missing = [N || N <- Members, N =/= node(),
                            not lists:member(N, nodes()),
                            not lists:keymember(N, 2, Pinging)],
            New = [{element(2, spawn_monitor(fun() -> net_adm:ping(N) end)), N}
                   || N <- Missing],
            erlang:send_after(Interval, self(), tick),
            pinger(Members, Interval, New ++ Pinging);
        {'DOWN', Ref, process, _, _} ->
            pinger(Members, Interval, lists:keydelete(Ref, 1, Pinging))
    end.

%% ---- the server ------------------------------------------------------

init({Name, Opts}) ->
    ok = net_kernel:monitor_nodes(true),
    Members = maps:get(members, Opts),
    Disc = maps:get(disc, Opts, #{}),
    Data = load(Name, maps:get(load_from, Opts, []), Disc,
                maps:get(why, Opts, reload)),
    [{Name, N} ! {mnesia_down_seen, node(), false} || N <- connected(Members)],
    {ok, #map{name = Name, members = Members, data = Data,
              subscriber = maps:get(subscriber, Opts, undefined)}}.

%% Load from the first node whose map answers, reporting what changes.
load(_Name, [], Disc, _Why) ->
    Disc;
load(Name, [Node | Rest], Disc, Why) ->
    try gen_server:call({Name, Node}, dump, 5000) of
        Data ->
            [discarded(K, Old, maps:get(K, Data, undefined), Why)
             || {K, Old} <- lists:sort(maps:to_list(Disc))],
            [clustersim:replica(K, V)
             || {K, V} <- lists:sort(maps:to_list(Data))],
            Data
    catch exit:_ ->
        load(Name, Rest, Disc, Why)
    end.

discarded(_Key, Value, Value, _Why) -> ok;
discarded(Key, Old, New, Why) -> clustersim:discard(Key, Old, New, Why).

handle_call({read, Key}, _From, S) ->
    {reply, {ok, maps:get(Key, S#map.data, undefined)}, S};
handle_call({write, Key, Value}, _From, S) ->
    {reply, ok, replicate(Key, Value, S)};
handle_call({cas, Key, Old, New}, _From, S) ->
    case maps:get(Key, S#map.data, undefined) of
        Old -> {reply, ok, replicate(Key, New, S)};
        _ -> {reply, {fail, cas_failed}, S}
    end;
handle_call(dump, _From, S) ->
    {reply, S#map.data, S};
handle_call(stop, _From, S) ->
    {stop, normal, {ok, S#map.data}, S}.

handle_cast({replicated, Key, Value}, S) ->
    {noreply, apply_write(Key, Value, S)}.

handle_info({nodedown, Node}, S) ->
    case lists:member(Node, S#map.members) of
        true -> Seen = lists:usort([Node | S#map.down_seen]),
                {noreply, S#map{down_seen = Seen}};
        false -> {noreply, S}
    end;
handle_info({nodeup, Node}, S) ->
    case lists:member(Node, S#map.members) of
        true ->
            {S#map.name, Node} ! {mnesia_down_seen, node(),
                                  lists:member(Node, S#map.down_seen)};
        false ->
            ok
    end,
    {noreply, S};
handle_info({mnesia_down_seen, Node, SawMeDown}, S) ->
    case SawMeDown andalso lists:member(Node, S#map.down_seen) of
        true -> inconsistent(Node, S#map.subscriber);
        false -> ok
    end,
    {noreply, S#map{down_seen = S#map.down_seen -- [Node]}}.

inconsistent(_Node, undefined) ->
    ok;
inconsistent(Node, Subscriber) ->
    Subscriber ! {mnesia_system_event,
                  {inconsistent_database, running_partitioned_network, Node}}.

replicate(Key, Value, S) ->
    S1 = apply_write(Key, Value, S),
    [gen_server:cast({S#map.name, N}, {replicated, Key, Value})
     || N <- connected(S#map.members)],
    S1.

apply_write(Key, Value, S = #map{data = Data}) ->
    case maps:find(Key, Data) of
        {ok, Value} -> S;
        _ -> clustersim:replica(Key, Value),
             S#map{data = Data#{Key => Value}}
    end.

%% The members this node is connected to (nodes() never holds node()).
connected(Members) ->
    [N || N <- Members, lists:member(N, nodes())].
