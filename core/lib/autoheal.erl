%% autoheal: RabbitMQ's autoheal (<= 4.2): both sides serve during a partition; when it ends, the partition with the most clients wins and every other node restarts and reloads from the winner.
%%
%% The rules, from RabbitMQ's rabbit_autoheal.erl and rabbit_node_monitor.erl
%% (the last versions with Mnesia, before 4.3 removed it):
%%
%% - During a partition nothing happens: every node keeps serving its copy
%%   of the table (replicated_map: a write applies locally and casts to
%%   the running members it sees; a read is local). "It takes effect when
%%   a partition ends, rather than when one starts" (RabbitMQ's partitions
%%   guide). Once reconnected, the two sides still do not replicate to
%%   each other (Mnesia keeps partitioned nodes apart) until the heal has
%%   restarted the losers.
%% - The trigger is Mnesia's {inconsistent_database,
%%   running_partitioned_network, Node} once the network is back and the
%%   reconnect loop (every reconnect_interval ms) has connected the sides.
%%   The node monitor adds Node to its partitions and, if every member is
%%   up (rabbit_node_monitor:maybe_autoheal/1), sends {request_start,
%%   node()} to the leader, the first of lists:usort(members)
%%   (rabbit_autoheal:leader/0).
%% - The leader asks every other member for its status: the nodes it has
%%   been partitioned from and the members it sees. It denies the request
%%   if one does not answer in 5 s or one does not see every member
%%   (check_other_nodes/1); else it splits the members into partitions
%%   with each node's list (all_partitions/2). A leader with no
%%   partitions of its own ignores the request. A denial is a decision
%%   event #{autoheal => denied, why}. Not in RabbitMQ: the lists are
%%   made symmetric and a split that puts apart two nodes neither of
%%   which reports the other is denied too (symmetric/1), since an event
%%   still in flight would otherwise cut a side in two.
%% - The winner partition has the most clients, then the most nodes, then
%%   the greatest node list in Erlang term order (make_decision/1,
%%   partition_value/1; RabbitMQ counts the AMQP connections of each
%%   node, here the workload's clients: Params clients, one per entry).
%%   The winner is its first node; the nodes of the other partitions are
%%   the losers. The leader reports it: clustersim:decision(#{partitions,
%%   clients (per partition), winner, losers}).
%% - Leader -> {become_winner, Losers} -> winner -> {winner_is, Winner} ->
%%   each loser. A loser stops its store (clustersim:pause(autoheal_loser))
%%   and waits for autoheal_safe_to_start, for the winner's node monitor
%%   to go down, or for transition_timeout ms (rabbit_autoheal:
%%   restart_loser/2, autoheal_state_transition_timeout, default 60000),
%%   then starts its store again, reloading the table from the winner:
%%   each value it held that the winner's replaces or lacks is a discard
%%   event (clustersim:unpause says which of the three started it). The
%%   winner waits for every loser's store to stop, then sends
%%   autoheal_safe_to_start to the losers and {autoheal_finished, Winner}
%%   to the leader, which then accepts requests again.
%% - Requests that reach the leader while it heals are ignored. A member
%%   that goes down mid-heal aborts it: the winner tells the losers to
%%   start anyway (abort/2, a decision event #{autoheal => aborted});
%%   a leader whose winner goes down gives up waiting.
%% - A leader that is also a loser keeps its leader_waiting state across
%%   the restart and asks the winner for a report (report_autoheal_status).
%%
%% Left out: RabbitMQ's check that every loser still runs before the
%% winner tells them (a loser whose store is down counts as stopped), the
%% wait for Mnesia to stop on the losers (stopping the store is that
%% wait), and partial partitions (OTP's prevent_overlapping_partitions
%% makes them full ones). A restarted loser forgets its partitions; the
%% other nodes forget a partitioned node once its store has stopped.
%%
%% The heal is exported for other node monitors that offer it
%% (pause_if_all_down with recover autoheal): heal_new/1 makes its state
%% for a store name and a monitor name, heal_info/2 takes every message
%% the monitor receives, and the monitor must be subscribed to
%% net_kernel:monitor_nodes and be the subscriber of the store's
%% inconsistent_database events.
-module(autoheal).
-behaviour(strategy).
-behaviour(gen_server).

-export([start_link/1, read/2, write/3, cas/4]).
-export([heal_new/1, heal_info/2]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

%% rabbit_node_monitor's ?NODE_REPLY_TIMEOUT
-define(STATUS_TIMEOUT, 5000).

%% ---- the strategy ----------------------------------------------------

start_link(Params) ->
    gen_server:start_link({local, autoheal_monitor}, ?MODULE, Params, []).

read(Key, Timeout) -> replicated_map:read(?MODULE, Key, Timeout).
write(Key, Value, Timeout) -> replicated_map:write(?MODULE, Key, Value, Timeout).
cas(Key, Old, New, Timeout) -> replicated_map:cas(?MODULE, Key, Old, New, Timeout).

%% The node monitor: the store, the reconnect loop and the heal.
init(Params) ->
    Members = maps:get(members, Params),
    ok = net_kernel:monitor_nodes(true),
    {ok, _} = replicated_map:start(?MODULE, #{members => Members,
                                             subscriber => autoheal_monitor}),
    replicated_map:start_pinger(Members, maps:get(reconnect_interval, Params, 1000)),
    {ok, heal_new(Params#{store => ?MODULE, monitor => autoheal_monitor})}.

handle_call(Request, _From, Heal) ->
    {reply, {error, {unknown_call, Request}}, Heal}.

handle_cast(_Request, Heal) ->
    {noreply, Heal}.

handle_info(Info, Heal) ->
    {noreply, heal_info(Info, Heal)}.

%% ---- the heal --------------------------------------------------------

%% Params: store and monitor (registered names on every member), members,
%% clients, transition_timeout (default 60000).
heal_new(Params) ->
    #{store => maps:get(store, Params), monitor => maps:get(monitor, Params),
      members => maps:get(members, Params),
      clients => maps:get(clients, Params, []),
      transition_timeout => maps:get(transition_timeout, Params, 60000),
      state => not_healing, partitions => []}.

%% The states, as rabbit_autoheal's: not_healing; {leader_waiting, Winner,
%% Losers}; {winner_waiting, OutstandingStops, Notify}; {restarting,
%% Next, Winner, MonitorRef, TimerRef, Disc}.
heal_info({mnesia_system_event,
           {inconsistent_database, running_partitioned_network, Node}},
          H = #{store := Store, partitions := Partitions}) ->
    erlang:monitor(process, {Store, Node}),
    maybe_autoheal(H#{partitions := lists:usort([Node | Partitions])});
heal_info({nodedown, Node}, H) ->
    node_down(Node, H);
heal_info({'DOWN', Ref, process, _, _},
          H = #{state := {restarting, _, _, Ref, _, _}}) ->
    start_loser(not_healing, winner_down, H);
heal_info({'DOWN', _, process, {Store, Node}, _}, H = #{store := Store}) ->
    store_down(Node, H);
heal_info(autoheal_safe_to_start, H = #{state := {restarting, Next, _, _, _, _}}) ->
    start_loser(Next, safe_to_start, H);
heal_info({timeout, TRef, autoheal_transition_timeout},
          H = #{state := {restarting, _, _, _, TRef, _}}) ->
    start_loser(not_healing, transition_timeout, H);
heal_info({autoheal_msg, Msg}, H) ->
    handle_msg(Msg, H);
heal_info({autoheal_status, From, Ref}, H = #{partitions := Partitions}) ->
    From ! {autoheal_status, Ref, node(), Partitions, alive(H)},
    H;
heal_info(_Other, H) ->
    H.

maybe_autoheal(H = #{partitions := []}) ->
    H;
maybe_autoheal(H = #{state := not_healing, members := Members}) ->
    case alive(H) =:= Members of
        true -> send(leader(H), {request_start, node()}, H);
        false -> ok
    end,
    H;
maybe_autoheal(H) ->
    H.

handle_msg({request_start, _}, H = #{state := not_healing, partitions := []}) ->
    H;
handle_msg({request_start, Node}, H = #{state := not_healing, clients := Clients}) ->
    case check_other_nodes(H) of
        {error, Why} ->
            clustersim:decision(#{autoheal => denied, request_from => Node,
                                  why => Why}),
            H;
        {ok, AllPartitions} ->
            {Winner, Losers} = make_decision(AllPartitions, Clients),
            clustersim:decision(#{partitions => AllPartitions,
                                  clients => [clients_in(P, Clients)
                                              || P <- AllPartitions],
                                  winner => Winner, losers => Losers}),
            case Winner =:= node() of
                true -> handle_msg({become_winner, Losers}, H);
                false -> send(Winner, {become_winner, Losers}, H),
                         H#{state := {leader_waiting, Winner, Losers}}
            end
    end;
handle_msg({request_start, _}, H) ->
    H;                                   % healing already: ignored
handle_msg({become_winner, Losers}, H = #{state := not_healing}) ->
    stop_partition(Losers, H);
handle_msg({become_winner, Losers}, H = #{state := {winner_waiting, _, Losers}}) ->
    stop_partition(Losers, H);           % the same heal, asked again
handle_msg({become_winner, _}, H = #{state := {winner_waiting, _, Losers}}) ->
    winner_finish(Losers, H);            % the partitions changed: give up
handle_msg({winner_is, Winner}, H = #{state := not_healing}) ->
    restart_loser(not_healing, Winner, H);
handle_msg({winner_is, Winner}, H = #{state := S = {leader_waiting, Winner, _}}) ->
    restart_loser(S, Winner, H);
handle_msg({winner_is, Winner}, H = #{state := {winner_waiting, _, _}}) ->
    restart_loser(not_healing, Winner, H);
handle_msg(report_autoheal_status, H = #{state := not_healing}) ->
    send(leader(H), {autoheal_finished, node()}, H),
    H;
handle_msg({autoheal_finished, Winner}, H = #{state := {leader_waiting, Winner, _}}) ->
    H#{state := not_healing};
handle_msg(_Msg, H) ->
    %% restarting: "we can contribute no further"; a report or an
    %% autoheal_finished that the state already accounts for
    H.

%% ---- the leader ------------------------------------------------------

leader(#{members := Members}) ->
    hd(lists:usort(Members)).

%% The other members' partitions, or why not (check_other_nodes/1).
check_other_nodes(#{members := Members, monitor := Monitor,
                    partitions := Partitions}) ->
    Others = Members -- [node()],
    Ref = make_ref(),
    [{Monitor, N} ! {autoheal_status, self(), Ref} || N <- Others],
    TRef = erlang:start_timer(?STATUS_TIMEOUT, self(), Ref),
    Replies = collect(Others, Ref, TRef, []),
    erlang:cancel_timer(TRef),
    Status = [R || N <- Others, R <- [lists:keyfind(N, 1, Replies)], R =/= false],
    Bad = [N || N <- Others, not lists:keymember(N, 1, Status)],
    RemoteDown = [{N, Members -- Seen} || {N, _, Seen} <- Status,
                                         Members -- Seen =/= []],
    case {Bad, RemoteDown} of
        {[], []} ->
            Lists = symmetric([{node(), Partitions}
                               | [{N, P} || {N, P, _} <- Status]]),
            All = all_partitions(Lists, [Members]),
            case unreported(All, Lists) of
                [] -> {ok, All};
                Pairs -> {error, {unreported, Pairs}}
            end;
        {[], _} -> {error, {remote_down, RemoteDown}};
        _ -> {error, {nodes_down, Bad}}
    end.

%% Mnesia raises inconsistent_database on both nodes of a pair, but not
%% at the same instant, and a list may still lack a peer whose event is
%% in flight; all_partitions/2 would then split a side in two, and its
%% nodes would lose for nothing. RabbitMQ takes the lists as they come;
%% here Y counts as partitioned from X when either reports the other,
%% and a request whose partitions hold two nodes in different partitions
%% that neither reports is denied: the event still in flight will ask
%% again.
symmetric(Lists) ->
    [{N, lists:usort(P ++ [M || {M, PM} <- Lists, lists:member(N, PM)])}
     || {N, P} <- Lists].

unreported(AllPartitions, Lists) ->
    [{X, Y} || P <- AllPartitions, Q <- AllPartitions, P < Q,
               X <- P, Y <- Q,
               not lists:member(Y, proplists:get_value(X, Lists, []))].

collect([], _Ref, _TRef, Replies) ->
    Replies;
collect(Waiting, Ref, TRef, Replies) ->
    receive
        {autoheal_status, Ref, N, Partitions, Seen} ->
            collect(Waiting -- [N], Ref, TRef, [{N, Partitions, Seen} | Replies]);
        {timeout, TRef, Ref} ->
            Replies
    end.

%% Split the partition holding each node by the nodes it cannot see.
all_partitions([], Partitions) ->
    Partitions;
all_partitions([{Node, CantSee} | Rest], Partitions) ->
    {[Containing], Others} =
        lists:partition(fun(P) -> lists:member(Node, P) end, Partitions),
    A = Containing -- CantSee,
    B = Containing -- A,
    case A =:= [] orelse B =:= [] of
        true -> all_partitions(Rest, Partitions);
        false -> all_partitions(Rest, [A, B | Others])
    end.

make_decision(AllPartitions, Clients) ->
    Sorted = lists:sort([{partition_value(P, Clients), P} || P <- AllPartitions]),
    [[Winner | _] | Rest] = lists:reverse([P || {_, P} <- Sorted]),
    {Winner, lists:append(Rest)}.

partition_value(Partition, Clients) ->
    {clients_in(Partition, Clients), length(Partition)}.

clients_in(Partition, Clients) ->
    length([C || C <- Clients, lists:member(C, Partition)]).

%% ---- the winner ------------------------------------------------------

stop_partition([], H) ->
    winner_finish([], H);
stop_partition(Losers, H = #{store := Store}) ->
    [erlang:monitor(process, {Store, L}) || L <- Losers],
    [send(L, {winner_is, node()}, H) || L <- Losers],
    H#{state := {winner_waiting, Losers, Losers}}.

%% A store stopped: a partitioned node is forgotten; the winner counts
%% its losers (rabbit_autoheal:rabbit_down/2).
store_down(Node, H = #{partitions := Partitions, state := State}) ->
    H1 = H#{partitions := Partitions -- [Node]},
    case State of
        {winner_waiting, WaitFor, Notify} ->
            case WaitFor -- [Node] of
                [] -> winner_finish(Notify, H1);
                Rest -> H1#{state := {winner_waiting, Rest, Notify}}
            end;
        _ ->
            H1
    end.

node_down(Node, H = #{state := {winner_waiting, _, Notify}}) ->
    abort([Node], Notify, H);
node_down(Node, H = #{state := {leader_waiting, Node, _}}) ->
    clustersim:decision(#{autoheal => aborted, down => [Node]}),
    H#{state := not_healing};
node_down(_Node, H) ->
    H.

abort(Down, Notify, H) ->
    clustersim:decision(#{autoheal => aborted, down => Down}),
    winner_finish(Notify -- [node()], H).

winner_finish(Notify, H = #{monitor := Monitor}) ->
    [{Monitor, N} ! autoheal_safe_to_start || N <- Notify],
    send(leader(H), {autoheal_finished, node()}, H),
    H#{state := not_healing}.

%% ---- a loser ---------------------------------------------------------

restart_loser(Next, Winner, H = #{store := Store, monitor := Monitor,
                                  transition_timeout := Timeout}) ->
    clustersim:pause(autoheal_loser),
    {ok, Disc} = replicated_map:stop(Store),
    MRef = erlang:monitor(process, {Monitor, Winner}),
    TRef = erlang:start_timer(Timeout, self(), autoheal_transition_timeout),
    H#{state := {restarting, Next, Winner, MRef, TRef, Disc}}.

start_loser(Next, Why, H = #{store := Store, monitor := Monitor, members := Members,
                             state := {restarting, _, Winner, MRef, TRef, Disc}}) ->
    erlang:demonitor(MRef, [flush]),
    erlang:cancel_timer(TRef),
    {ok, _} = replicated_map:start(Store, #{members => Members, subscriber => Monitor,
                                           disc => Disc, load_from => [Winner],
                                           why => autoheal}),
    clustersim:unpause(Why),
    case Next of
        {leader_waiting, W, _} -> send(W, report_autoheal_status, H);
        not_healing -> ok
    end,
    H#{state := Next, partitions := []}.

%% ---- helpers ---------------------------------------------------------

send(Node, Msg, #{monitor := Monitor}) ->
    {Monitor, Node} ! {autoheal_msg, Msg}.

%% The members this node sees, itself included, in member order.
alive(#{members := Members}) ->
    [N || N <- Members, N =:= node() orelse lists:member(N, nodes())].
