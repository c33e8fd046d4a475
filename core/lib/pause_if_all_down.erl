%% pause_if_all_down: RabbitMQ's pause_if_all_down (<= 4.2): a node that reaches none of the preferred nodes stops serving until one is back, then reloads; recover autoheal heals a split of the preferred nodes as autoheal does.
%%
%% The rules, from RabbitMQ's rabbit_node_monitor.erl (the last versions
%% with Mnesia, before 4.3 removed it) and its partitions guide:
%%
%% - The store is the AP table of replicated_map (a write applies locally
%%   and casts to the running members it sees; a read is local; sides
%%   that were partitioned stay apart until one restarts, as Mnesia's).
%% - On nodedown of a member (handle_dead_node/2), the node checks
%%   in_preferred_partition/2: the preferred nodes that are members,
%%   less the one that went down, must include one this node sees
%%   (itself included). If none is left it pauses: it stops its store
%%   (clustersim:pause(preferred_unreachable)), so clients fail. With no
%%   preferred node among the members it never pauses. Nothing is
%%   checked at start, only on nodedown.
%% - Paused, it checks every second whether a preferred node is back
%%   (wait_for_cluster_recovery/1, ?RABBIT_DOWN_PING_INTERVAL); the
%%   reconnect loop (every reconnect_interval ms, one ping per member not
%%   seen, in parallel rather than RabbitMQ's ping_all/0 one after the
%%   other) makes the connections. Then it starts its store again,
%%   loading the table from a running node of the preferred side (a
%%   preferred node first): what it wrote meanwhile, alone, is discarded
%%   (clustersim:unpause(preferred_reachable)).
%% - The preferred nodes may be split across both sides; then no node
%%   pauses, both sides serve, and Params recover says what happens when
%%   the partition ends: ignore (nothing; the sides stay apart) or
%%   autoheal (cluster_partition_handling = {pause_if_all_down, Nodes,
%%   autoheal}: Mnesia's inconsistent_database starts autoheal's heal,
%%   run by autoheal's own functions, autoheal:heal_new/1 and
%%   autoheal:heal_info/2). A paused node takes no part in a heal: its
%%   node monitor stops with RabbitMQ's application, so it answers no
%%   status request.
%%
%% Left out: the partial-partition handling (OTP's
%% prevent_overlapping_partitions makes partitions full) and
%% pause_if_all_down_guard/0, which holds publisher confirms.
%%
%% Params: members, clients, preferred (a list of nodes), recover
%% (ignore or autoheal, default ignore), reconnect_interval (default
%% 1000), check_interval (default 1000), transition_timeout (autoheal's,
%% default 60000).
-module(pause_if_all_down).
-behaviour(strategy).
-behaviour(gen_server).

-export([start_link/1, read/2, write/3, cas/4]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

%% paused: false, or the content of the stopped store (its disc copy);
%% heal: autoheal's state with recover autoheal, else undefined; fresh:
%% that state as it starts, which an unpause brings back (RabbitMQ's node
%% monitor starts afresh with the application).
-record(st, {members, preferred, check_interval, paused = false, heal, fresh}).

start_link(Params) ->
    gen_server:start_link({local, pause_if_all_down_monitor}, ?MODULE, Params, []).

read(Key, Timeout) -> replicated_map:read(?MODULE, Key, Timeout).
write(Key, Value, Timeout) -> replicated_map:write(?MODULE, Key, Value, Timeout).
cas(Key, Old, New, Timeout) -> replicated_map:cas(?MODULE, Key, Old, New, Timeout).

%% The node monitor: the store, the reconnect loop, the pause and the
%% heal.
init(Params) ->
    Members = maps:get(members, Params),
    ok = net_kernel:monitor_nodes(true),
    {ok, _} = start_store(Members, #{}, []),
    replicated_map:start_pinger(Members, maps:get(reconnect_interval, Params, 1000)),
    Heal = case maps:get(recover, Params, ignore) of
               autoheal ->
                   autoheal:heal_new(Params#{store => ?MODULE,
                                             monitor => pause_if_all_down_monitor});
               ignore -> undefined
           end,
    {ok, #st{members = Members,
             preferred = [N || N <- maps:get(preferred, Params),
                               lists:member(N, Members)],
             check_interval = maps:get(check_interval, Params, 1000),
             heal = Heal, fresh = Heal}}.

handle_call(Request, _From, S) ->
    {reply, {error, {unknown_call, Request}}, S}.

handle_cast(_Request, S) ->
    {noreply, S}.

handle_info({nodedown, Node} = Info, S = #st{paused = false}) ->
    case in_preferred_partition(S#st.preferred, [Node]) of
        true -> {noreply, heal(Info, S)};
        false -> {noreply, pause(heal(Info, S))}
    end;
handle_info(check_recovery, S = #st{paused = Disc}) when is_map(Disc) ->
    case in_preferred_partition(S#st.preferred, []) of
        true -> {noreply, unpause(Disc, S)};
        false -> erlang:send_after(S#st.check_interval, self(), check_recovery),
                 {noreply, S}
    end;
handle_info(Info, S = #st{paused = false}) ->
    {noreply, heal(Info, S)};
handle_info(_Info, S) ->
    {noreply, S}.                        % paused: no part in a heal

in_preferred_partition([], _Down) ->
    true;
in_preferred_partition(Preferred, Down) ->
    Alive = [N || N <- Preferred, N =:= node() orelse lists:member(N, nodes())],
    Alive -- Down =/= [].

pause(S = #st{check_interval = Interval}) ->
    clustersim:pause(preferred_unreachable),
    {ok, Disc} = replicated_map:stop(?MODULE),
    erlang:send_after(Interval, self(), check_recovery),
    S#st{paused = Disc}.

%% Load from a preferred node the node sees, else from any member it
%% sees (a paused one's store is not running and does not answer).
unpause(Disc, S = #st{members = Members, preferred = Preferred}) ->
    Seen = [N || N <- Members, lists:member(N, nodes())],
    LoadFrom = [N || N <- Preferred, lists:member(N, Seen)] ++ (Seen -- Preferred),
    {ok, _} = start_store(Members, Disc, LoadFrom),
    clustersim:unpause(preferred_reachable),
    S#st{paused = false, heal = S#st.fresh}.

heal(_Info, S = #st{heal = undefined}) ->
    S;
heal(Info, S = #st{heal = Heal}) ->
    S#st{heal = autoheal:heal_info(Info, Heal)}.

start_store(Members, Disc, LoadFrom) ->
    replicated_map:start(?MODULE, #{members => Members,
                                    subscriber => pause_if_all_down_monitor,
                                    disc => Disc, load_from => LoadFrom,
                                    why => pause_if_all_down}).
