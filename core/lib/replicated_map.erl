%% replicated_map: the AP key-value table that autoheal, static_master and pause_if_all_down keep on every member, with Mnesia's inconsistent_database event and the reconnect loop they share.
%%
%% A model of one Mnesia table replicated on every member, as those
%% strategies run on it (RabbitMQ <= 4.2 keeps its metadata in Mnesia).
%% One gen_server per node, registered locally under the strategy's name
%% (the Name argument), holds the map:
%%
%% - write: apply locally, then cast the write to the map of every
%%   running member (below); the caller gets ok once the local apply is
%%   done, as the book's dist_kv with an acknowledgement. read: the local
%%   copy. cas: compare and set on the local copy, then cast.
%% - Each write carries a Lamport stamp {Counter, Node}, and a replica
%%   keeps the write with the greatest stamp. Mnesia commits writes in
%%   transactions, so its replicas agree on their order; with bare casts
%%   (dist_kv) two concurrent writes could arrive in different orders and
%%   connected copies would drift apart for good.
%% - stop/1 stops the map and returns its content (the disc copy). A
%%   stopped map is not registered: a client's call exits noproc, which
%%   read/3, write/4 and cas/5 return as {fail, paused}.
%% - start/2 starts it again. It first tells the maps it is connected to
%%   that it runs, and waits for their answers (or a DOWN, at most 5 s):
%%   from then on they cast their writes to it. Then, with load_from, it
%%   loads the table from the first of those nodes whose map answers, as
%%   Mnesia loads a table from a node that has it active (or from a master
%%   node, mnesia:set_master_nodes/1): each value it held that the load
%%   replaces or removes is a clustersim:discard event, each key loaded a
%%   clustersim:replica event. A write sent before the announcement
%%   reached the source before the load did. Without a node that answers
%%   it keeps its disc copy (mnesia:force_load_table/1). A map that
%%   starts alone and empty (every map at boot, a node that restarts)
%%   takes the table from the first running map it meets.
%%
%% Mnesia's partition signal (Mnesia User's Guide, "Recovery from
%% Communication Failure"): when two nodes that each logged mnesia_down
%% for the other get back in contact, both raise the system event
%% {inconsistent_database, running_partitioned_network, Node}, and they
%% stay apart: neither replicates to the other until one restarts. Here
%% the map remembers the members it saw go down (nodedown); at each
%% nodeup it tells the peer's map whether it saw the peer go down. When
%% both did, each sends {mnesia_system_event, {inconsistent_database,
%% running_partitioned_network, Peer}} to the subscriber (the strategy's
%% node monitor, a registered name) and the pair stays partitioned;
%% otherwise the peer is running. A map that starts is running for every
%% map it reaches: a restarted Mnesia loads its tables from the others and
%% is consistent with them.
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

%% data: Key => {Value, Stamp}; clock: the greatest stamp counter seen;
%% running: the members this map replicates to; down_seen: the members
%% it saw go down and has not met again; empty: started alone with
%% nothing to load, it takes the table from the first map it meets.
-record(map, {name, members, subscriber, data = #{}, clock = 0,
              running = [], down_seen = [], empty = false}).

%% rabbit_node_monitor's ?NODE_REPLY_TIMEOUT, for every wait here
-define(REPLY_TIMEOUT, 5000).

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
    Running = announce(Name, connected(Members)),
    Data = load(Name, maps:get(load_from, Opts, []), maps:get(disc, Opts, #{}),
                maps:get(why, Opts, reload)),
    Clock = lists:max([0 | [C || {_, {C, _}} <- maps:values(Data)]]),
    {ok, #map{name = Name, members = Members, data = Data, clock = Clock,
              running = Running, empty = Running =:= [] andalso Data =:= #{},
              subscriber = maps:get(subscriber, Opts, undefined)}}.

%% Tell the maps of Peers that this one runs; the peers that answered
%% (a map starting at the same time answers from its own wait).
announce(Name, Peers) ->
    Refs = [{erlang:monitor(process, {Name, P}), P} || P <- Peers],
    [{Name, P} ! {mnesia_hello, node(), self(), false, start} || P <- Peers],
    TRef = erlang:start_timer(?REPLY_TIMEOUT, self(), announce),
    Answered = await(Refs, TRef, []),
    erlang:cancel_timer(TRef),
    [erlang:demonitor(Ref, [flush]) || {Ref, _} <- Refs],
    lists:usort(Answered).

await([], _TRef, Answered) ->
    Answered;
await(Refs, TRef, Answered) ->
    receive
        {mnesia_running, P} ->
            await(lists:keydelete(P, 2, Refs), TRef, [P | Answered]);
        {mnesia_hello, P, Pid, _, start} ->
            Pid ! {mnesia_running, node()},
            await(Refs, TRef, [P | Answered]);
        {'DOWN', Ref, process, _, _} ->
            await(lists:keydelete(Ref, 1, Refs), TRef, Answered);
        {timeout, TRef, announce} ->
            Answered
    end.

%% Load from the first node whose map answers, reporting what changes.
load(_Name, [], Disc, _Why) ->
    Disc;
load(Name, [Node | Rest], Disc, Why) ->
    try gen_server:call({Name, Node}, dump, ?REPLY_TIMEOUT) of
        Data ->
            [discarded(K, Old, value(K, Data), Why)
             || {K, {Old, _}} <- lists:sort(maps:to_list(Disc))],
            [clustersim:replica(K, V)
             || {K, {V, _}} <- lists:sort(maps:to_list(Data))],
            Data
    catch exit:_ ->
        load(Name, Rest, Disc, Why)
    end.

discarded(_Key, Value, Value, _Why) -> ok;
discarded(Key, Old, New, Why) -> clustersim:discard(Key, Old, New, Why).

handle_call({read, Key}, _From, S) ->
    {reply, {ok, value(Key, S#map.data)}, S};
handle_call({write, Key, Value}, _From, S) ->
    {reply, ok, write_local(Key, Value, S)};
handle_call({cas, Key, Old, New}, _From, S) ->
    case value(Key, S#map.data) of
        Old -> {reply, ok, write_local(Key, New, S)};
        _ -> {reply, {fail, cas_failed}, S}
    end;
handle_call(dump, _From, S) ->
    {reply, S#map.data, S};
handle_call(stop, _From, S) ->
    {stop, normal, {ok, S#map.data}, S}.

handle_cast({replicated, Key, Value, Stamp}, S) ->
    {noreply, apply_write(Key, Value, Stamp, S)}.

handle_info({nodedown, Node}, S = #map{members = Members}) ->
    case lists:member(Node, Members) of
        true -> {noreply, S#map{running = S#map.running -- [Node],
                                down_seen = lists:usort([Node | S#map.down_seen])}};
        false -> {noreply, S}
    end;
handle_info({nodeup, Node}, S = #map{name = Name, members = Members}) ->
    case lists:member(Node, Members) of
        true -> {Name, Node} ! {mnesia_hello, node(), self(),
                                lists:member(Node, S#map.down_seen), nodeup};
        false -> ok
    end,
    {noreply, S};
handle_info({mnesia_hello, Node, _, SawMeDown, nodeup}, S) ->
    case SawMeDown andalso lists:member(Node, S#map.down_seen) of
        true -> inconsistent(Node, S#map.subscriber),
                {noreply, S#map{down_seen = S#map.down_seen -- [Node]}};
        false -> {noreply, running(Node, S)}
    end;
handle_info({mnesia_hello, Node, Pid, _, start}, S) ->
    Pid ! {mnesia_running, node()},
    {noreply, running(Node, S)};
handle_info({mnesia_dump_request, Pid}, S) ->
    Pid ! {mnesia_dump, S#map.data},
    {noreply, S};
handle_info({mnesia_dump, Data}, S) ->
    {noreply, lists:foldl(fun({K, {V, Stamp}}, Acc) -> apply_write(K, V, Stamp, Acc) end,
                          S, lists:sort(maps:to_list(Data)))}.

%% A map that booted alone (a node that restarts; all of them at the
%% start of a run) asks the first running map it meets for the table, as
%% Mnesia loads it from a node that has it active.
running(Node, S = #map{running = Running, down_seen = Seen, empty = Empty}) ->
    case Empty of
        true -> {S#map.name, Node} ! {mnesia_dump_request, self()};
        false -> ok
    end,
    S#map{running = lists:usort([Node | Running]), down_seen = Seen -- [Node],
          empty = false}.

inconsistent(_Node, undefined) ->
    ok;
inconsistent(Node, Subscriber) ->
    Subscriber ! {mnesia_system_event,
                  {inconsistent_database, running_partitioned_network, Node}}.

%% A write of this node: stamped above every stamp seen, then cast.
write_local(Key, Value, S = #map{name = Name, clock = Clock}) ->
    Stamp = {Clock + 1, node()},
    [gen_server:cast({Name, N}, {replicated, Key, Value, Stamp})
     || N <- S#map.running, lists:member(N, nodes())],
    apply_write(Key, Value, Stamp, S).

apply_write(Key, Value, Stamp = {Counter, _}, S = #map{data = Data}) ->
    S1 = S#map{clock = max(Counter, S#map.clock)},
    case maps:find(Key, Data) of
        {ok, {_, Held}} when Held >= Stamp ->
            S1;
        {ok, {Value, _}} ->
            S1#map{data = Data#{Key => {Value, Stamp}}};
        _ ->
            clustersim:replica(Key, Value),
            S1#map{data = Data#{Key => {Value, Stamp}}}
    end.

value(Key, Data) ->
    case maps:find(Key, Data) of
        {ok, {Value, _}} -> Value;
        error -> undefined
    end.

%% The members this node is connected to (nodes() never holds node()).
connected(Members) ->
    [N || N <- Members, lists:member(N, nodes())].
