%% static_master: Mnesia's master nodes: both sides serve during a partition; when it ends, every node but the masters reloads the table from a master, even from a master on the smaller side.
%%
%% The rules, from Mnesia's reference manual (mnesia:set_master_nodes/1,2)
%% and User's Guide ("Recovery from Communication Failure"):
%%
%% - During a partition nothing happens: every node serves its copy of
%%   the table (replicated_map: a write applies locally and casts to the
%%   running members it sees; a read is local). Reconnected, the sides
%%   stay apart (Mnesia does not replicate between partitioned nodes)
%%   until a restart.
%% - The master node setting acts only at a table load: "the table is
%%   loaded from one of the master nodes defined for the table,
%%   regardless of when and if Mnesia terminated on other nodes". So the
%%   application must restart Mnesia itself; "determining what data to
%%   keep after a communication failure is outside the scope of Mnesia".
%%   The recipe: on {inconsistent_database, running_partitioned_network,
%%   Node} (raised once the reconnect loop, every reconnect_interval ms,
%%   has connected the sides again), a node that is not one of the
%%   masters stops its store (clustersim:pause(master_reload)) and starts
%%   it again loading from the first master it reaches; each value of its
%%   own that the master's copy replaces or lacks is a discard event. A
%%   master keeps its table. Each event is a decision event:
%%   #{inconsistent_with, masters, action => reload | keep}.
%% - The master wins whatever the sizes: a master alone on the smaller
%%   side overwrites the bigger side's writes.
%% - Params master: a node or a list of nodes (any master reached
%%   suffices): the masters it is connected to first, then the others,
%%   which the load's call connects to (the event may come from a node
%%   of the other side before the master's connection is up). With no
%%   master answering the node keeps its own copy, as
%%   mnesia:force_load_table/1 would.
-module(static_master).
-behaviour(strategy).
-behaviour(gen_server).

-export([start_link/1, read/2, write/3, cas/4]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

-record(st, {members, masters}).

start_link(Params) ->
    gen_server:start_link({local, static_master_monitor}, ?MODULE, Params, []).

read(Key, Timeout) -> replicated_map:read(?MODULE, Key, Timeout).
write(Key, Value, Timeout) -> replicated_map:write(?MODULE, Key, Value, Timeout).
cas(Key, Old, New, Timeout) -> replicated_map:cas(?MODULE, Key, Old, New, Timeout).

%% The node monitor: the store, the reconnect loop, the reload.
init(Params) ->
    Members = maps:get(members, Params),
    {ok, _} = start_store(Members, #{}, []),
    replicated_map:start_pinger(Members, maps:get(reconnect_interval, Params, 1000)),
    {ok, #st{members = Members, masters = masters(maps:get(master, Params))}}.

masters(Master) when is_atom(Master) -> [Master];
masters(Masters) -> Masters.

handle_call(Request, _From, S) ->
    {reply, {error, {unknown_call, Request}}, S}.

handle_cast(_Request, S) ->
    {noreply, S}.

handle_info({mnesia_system_event,
             {inconsistent_database, running_partitioned_network, Node}},
            S = #st{masters = Masters}) ->
    Master = lists:member(node(), Masters),
    clustersim:decision(#{inconsistent_with => Node, masters => Masters,
                          action => case Master of
                                        true -> keep;
                                        false -> reload
                                    end}),
    case Master of
        true -> ok;
        false -> reload(S)
    end,
    {noreply, S};
handle_info(_Info, S) ->
    {noreply, S}.

%% Stop the store and start it again from a master. The other events
%% of this reconnection, already in the mailbox, came from the store
%% that was stopped: the new one is consistent with the master.
reload(#st{members = Members, masters = Masters}) ->
    clustersim:pause(master_reload),
    {ok, Disc} = replicated_map:stop(?MODULE),
    flush_events(),
    Connected = [M || M <- Masters, lists:member(M, nodes())],
    {ok, _} = start_store(Members, Disc, Connected ++ (Masters -- Connected)),
    clustersim:unpause(master_reload).

start_store(Members, Disc, LoadFrom) ->
    replicated_map:start(?MODULE, #{members => Members,
                                    subscriber => static_master_monitor,
                                    disc => Disc, load_from => LoadFrom,
                                    why => master_nodes}).

flush_events() ->
    receive
        {mnesia_system_event, _} -> flush_events()
    after 0 ->
        ok
    end.
