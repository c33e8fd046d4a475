%% quorum: a majority register (ABD, multi-writer): every read and write waits for a majority of the members, so a partition's minority side cannot serve; no cas.
%%
%% The algorithm is ABD (H. Attiya, A. Bar-Noy, D. Dolev, "Sharing
%% memory robustly in message-passing systems", JACM 42(1):124-142,
%% 1995), in its multi-writer form.
%%
%% Replicas. Every member runs a replica, registered locally as quorum,
%% that holds #{Key => {Tag, Value}}. A tag is {Seq, WriterNode, Id},
%% compared lexicographically (Erlang's term order on tuples): first the
%% sequence number, then the writer's node. Id, an integer unique on the
%% writer's node (erlang:unique_integer/1), keeps two writes from ever
%% sharing a tag: without it, a writer whose earlier write reached only
%% one replica could pick the same {Seq, WriterNode} again for another
%% value. A replica answers a query with its {Tag, Value} of the key, and
%% adopts an incoming {Tag, Value} if and only if Tag is greater than its
%% own; it acknowledges either way. The state lives in memory only, so a
%% restarted replica comes back empty: it answers no query until it has
%% learned the state of enough other members (see "recovering" below).
%%
%% Operations run in the calling (client) process, in two phases, each
%% sending to every member and waiting for the first replies of a
%% quorum; the whole operation has one deadline, Timeout ms after the
%% call.
%%   write(K, V): phase 1 asks the members for their tag of K and waits
%%     for R replies; Seq is the greatest sequence number among them.
%%     Phase 2 sends {V, {Seq + 1, node(), Id}} to every member and waits
%%     for W acknowledgements.
%%   read(K): phase 1 asks for {Tag, Value} and waits for R replies; it
%%     takes the value with the greatest tag. Phase 2 writes that pair
%%     back and waits for W acknowledgements ("a read must write"), so
%%     that no later read can return an older value; then it returns.
%% R and W default to a majority, floor(N/2) + 1 of the N members (down
%% ones included). Any R replies then meet any W acknowledgements
%% (R + W > N: a read sees the last completed write) and two write
%% quorums meet (2W > N); start_link refuses R and W that break either.
%% The register is linearizable and tolerates fewer than N/2 members
%% lost.
%%
%% Results. A read that misses its deadline is {fail, timeout} (reads
%% are idempotent, Jepsen records a crashed read as a failure). A write
%% that misses it in phase 1 is {fail, timeout} too: only queries left
%% the node, no replica saw its value. A write that misses it in phase 2
%% is {info, timeout}: its value may have reached some replicas, and a
%% later read whose quorum includes one of them will find it and write
%% it back (the textbook indeterminate write). With fail_fast => true an
%% operation first counts the members in [node() | nodes()]; when fewer
%% than max(R, W) are there it answers {fail, no_quorum} at once, before
%% sending anything (Maelstrom's temporarily-unavailable error).
%%
%% No cas/4. A register like this one has consensus number 1 (M.
%% Herlihy, "Wait-free synchronization", TOPLAS 13(1), 1991) and
%% compare-and-set needs consensus, so no quorum of reads and writes can
%% implement it: use the raft strategy for cas.
%%
%% Partitions. The majority side keeps its quorums and serves; the
%% minority side times out (or fails fast). Sending to a member across a
%% cut link does not block: the message waits for the connection, as in
%% Erlang. Nothing merges at the heal, there is nothing to reconcile: a
%% minority replica stays stale until a write or a read's write-back
%% reaches it, and every read still returns the newest value because its
%% quorum includes a majority replica. (Updates sent while Erlang was
%% still trying to connect across the cut, within net_setuptime of the
%% heal, arrive once the connection is made: often that is what brings
%% the minority's replicas up to date.) Erlang does not reconnect by
%% itself, so a reconnect loop pings the members missing from nodes()
%% every reconnect_interval ms (1000), as RabbitMQ's node monitor does
%% (rabbit_node_monitor, handle_info(ping_down_nodes, ...)).
%%
%% Params: members, r, w, fail_fast (false), reconnect_interval (1000).
%% The client's node must run a replica (operations read the members
%% and quorums from it); elsewhere they exit noproc.
-module(quorum).
-behaviour(strategy).
-behaviour(gen_server).

-export([start_link/1, read/2, write/3]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

%% The tag of a key no one has written: below every written tag.
-define(NO_TAG, {0, none, 0}).

-record(config, {members, r, w, fail_fast}).

%% ---- starting -------------------------------------------------------

start_link(Params) ->
    Members = maps:get(members, Params, [node() | nodes()]),
    Majority = length(Members) div 2 + 1,
    R = maps:get(r, Params, Majority),
    W = maps:get(w, Params, Majority),
    case check_quorums(length(Members), R, W) of
        ok ->
            Config = #config{members = Members, r = R, w = W,
                             fail_fast = maps:get(fail_fast, Params, false)},
            Interval = maps:get(reconnect_interval, Params, 1000),
            gen_server:start_link({local, ?MODULE}, ?MODULE,
                                  {Config, Interval}, []);
        Error ->
            Error
    end.

%% R + W > N: a read quorum meets every write quorum; 2W > N: two write
%% quorums meet.
check_quorums(N, R, W) when is_integer(R), is_integer(W), R >= 1, W >= 1,
                            R =< N, W =< N, R + W > N, 2 * W > N ->
    ok;
check_quorums(N, R, W) ->
    {error, {bad_quorums, [{n, N}, {r, R}, {w, W}]}}.

%% ---- operations (in the client's process) ---------------------------

read(Key, Timeout) ->
    Deadline = deadline(Timeout),
    Config = config(),
    case refuse(Config) of
        true ->
            {fail, no_quorum};
        false ->
            Result = read_phases(Config, Key, Deadline),
            flush(),
            Result
    end.

read_phases(#config{members = Ms, r = R, w = W}, Key, Deadline) ->
    case query(Ms, Key, R, Deadline) of
        {ok, {Tag, Value}} ->
            case update(Ms, Key, Tag, Value, W, Deadline) of
                ok -> {ok, Value};
                timeout -> {fail, timeout}
            end;
        timeout ->
            {fail, timeout}
    end.

write(Key, Value, Timeout) ->
    Deadline = deadline(Timeout),
    Config = config(),
    case refuse(Config) of
        true ->
            {fail, no_quorum};
        false ->
            Result = write_phases(Config, Key, Value, Deadline),
            flush(),
            Result
    end.

write_phases(#config{members = Ms, r = R, w = W}, Key, Value, Deadline) ->
    case query(Ms, Key, R, Deadline) of
        {ok, {{Seq, _, _}, _}} ->
            Tag = {Seq + 1, node(), erlang:unique_integer([positive])},
            case update(Ms, Key, Tag, Value, W, Deadline) of
                ok -> ok;
                timeout -> {info, timeout}
            end;
        timeout ->
            %% only queries left: no replica has seen Value
            {fail, timeout}
    end.

%% The local replica's configuration; exit noproc when this node runs no
%% replica (the workload counts that as a failure).
config() ->
    gen_server:call(?MODULE, config).

%% fail_fast: refuse before sending when the members this node sees
%% cannot make both quorums an operation needs.
refuse(#config{fail_fast = false}) ->
    false;
refuse(#config{members = Ms, r = R, w = W}) ->
    Seen = [N || N <- Ms, lists:member(N, [node() | nodes()])],
    Need = max(R, W),
    case length(Seen) < Need of
        true ->
            clustersim:decision({no_quorum, [{seen, Seen}, {need, Need}]}),
            true;
        false ->
            false
    end.

%% Phase 1: the greatest {Tag, Value} among the first Need replies.
query(Members, Key, Need, Deadline) ->
    Ref = make_ref(),
    cast(Members, {query, self(), Ref, Key}),
    case collect(Ref, Need, [], Deadline) of
        {ok, Replies} -> {ok, lists:max(Replies)};
        timeout -> timeout
    end.

%% Phase 2: Need acknowledgements of {Tag, Value}.
update(Members, Key, Tag, Value, Need, Deadline) ->
    Ref = make_ref(),
    cast(Members, {update, self(), Ref, Key, Tag, Value}),
    case collect(Ref, Need, [], Deadline) of
        {ok, _} -> ok;
        timeout -> timeout
    end.

cast(Members, Msg) ->
    [{?MODULE, N} ! Msg || N <- Members],
    ok.

%% Replies carry the phase's reference: replies to an earlier phase or
%% operation never count.
collect(_Ref, 0, Replies, _Deadline) ->
    {ok, Replies};
collect(Ref, Need, Replies, Deadline) ->
    receive
        {?MODULE, Ref, Reply} ->
            collect(Ref, Need - 1, [Reply | Replies], Deadline)
    after remaining(Deadline) ->
        timeout
    end.

%% Drop the replies that came after their quorum was complete.
flush() ->
    receive
        {?MODULE, _, _} -> flush()
    after 0 ->
        ok
    end.

deadline(Timeout) ->
    erlang:monotonic_time(millisecond) + Timeout.

remaining(Deadline) ->
    max(0, Deadline - erlang:monotonic_time(millisecond)).

%% ---- the replica (gen_server) ----------------------------------------

%% A replica starts recovering: it holds nothing yet, and a quorum that
%% counted it could miss a completed write (the node may have held it
%% before a restart: the state lives in memory only). So it asks the
%% other members for their state, adopts what is newer, and answers
%% queries only once enough of them have answered. It applies and
%% acknowledges updates meanwhile (an ack only says "I hold this tag or
%% a greater one"). A write completed by W replicas survives on at
%% least W - 1 others, so it is in the state of any N - W + 1 others
%% (capped at N - 1): that many must answer, and they must be replicas
%% that have recovered themselves, except at a cold start, when enough
%% others answer and none has recovered (every member starts empty).
%% This is Viewstamped Replication's rule for a replica without stable
%% storage (B. Liskov, J. Cowling, "Viewstamped Replication Revisited",
%% MIT-CSAIL-TR-2012-021, section 4.3: a recovering replica takes no
%% part in requests until it has heard from a quorum); ABD itself
%% (crash-stop) has no restarts.
-record(replica, {config, store = #{}, interval,
                  recovering = true, sync, need, active = [], answered = []}).

init({Config, Interval}) ->
    #config{members = Members, w = W} = Config,
    spawn_link(fun() -> reconnect_loop(Members, Interval) end),
    N = length(Members),
    State = #replica{config = Config, interval = Interval, sync = make_ref(),
                     need = min(N - W + 1, N - 1)},
    {ok, ask_state(recovered(State))}.

handle_call(config, _From, #replica{config = Config} = State) ->
    {reply, Config, State}.

handle_cast(_Msg, State) ->
    {noreply, State}.

handle_info({query, From, Ref, Key}, #replica{recovering = false} = State) ->
    From ! {?MODULE, Ref, lookup(Key, State#replica.store)},
    {noreply, State};
handle_info({query, _, _, _}, State) ->
    %% recovering: no vote yet
    {noreply, State};
handle_info({update, From, Ref, Key, Tag, Value}, #replica{store = S} = State) ->
    From ! {?MODULE, Ref, ack},
    {noreply, State#replica{store = adopt(Key, Tag, Value, S)}};
handle_info({state_of, From, Ref}, #replica{store = S} = State) ->
    From ! {?MODULE, Ref, {state, node(), not State#replica.recovering, S}},
    {noreply, State};
handle_info({?MODULE, Ref, {state, Node, Recovered, Theirs}},
            #replica{sync = Ref, recovering = true} = State) ->
    {noreply, recovered(learn(Node, Recovered, Theirs, State))};
handle_info({ask_again, Ref}, #replica{sync = Ref, recovering = true} = State) ->
    {noreply, ask_state(State)};
handle_info(_Msg, State) ->
    {noreply, State}.

%% Ask the members that have not answered as recovered replicas, and
%% again every Interval ms while recovering (a member across a cut link
%% or not started yet never gets the first request).
ask_state(#replica{recovering = false} = State) ->
    State;
ask_state(#replica{config = #config{members = Ms}, sync = Ref,
                   active = Active, interval = Interval} = State) ->
    [{?MODULE, N} ! {state_of, self(), Ref}
     || N <- Ms, N =/= node(), not lists:member(N, Active)],
    erlang:send_after(Interval, self(), {ask_again, Ref}),
    State.

learn(Node, Recovered, Theirs, #replica{store = S0} = State) ->
    S = lists:foldl(fun({Key, {Tag, Value}}, Acc) -> adopt(Key, Tag, Value, Acc) end,
                    S0, lists:sort(maps:to_list(Theirs))),
    Answered = lists:usort([Node | State#replica.answered]),
    Active = case Recovered of
                 true -> lists:usort([Node | State#replica.active]);
                 false -> State#replica.active
             end,
    State#replica{store = S, answered = Answered, active = Active}.

recovered(#replica{need = Need, active = Active, answered = Answered} = State) ->
    Done = length(Active) >= Need
        orelse (Active =:= [] andalso length(Answered) >= Need),
    case State#replica.recovering andalso Done of
        true ->
            clustersim:decision({recovered, [{active, Active},
                                             {answered, Answered}]}),
            State#replica{recovering = false};
        false ->
            State
    end.

lookup(Key, Store) ->
    maps:get(Key, Store, {?NO_TAG, undefined}).

%% ABD's replica rule: keep the pair with the greater tag.
adopt(Key, Tag, Value, Store) ->
    {Mine, _} = lookup(Key, Store),
    case Tag > Mine of
        true ->
            clustersim:replica(Key, Value),
            Store#{Key => {Tag, Value}};
        false ->
            Store
    end.

%% ---- reconnecting after a heal ----------------------------------------

%% Ping the members this node does not see, all at once (a ping across
%% a cut link waits for net_setuptime); when every ping has answered,
%% wait Interval ms and start again, as RabbitMQ's node monitor pings in
%% a process of its own and re-arms its timer after (rabbit_node_monitor,
%% handle_info(ping_down_nodes, ...)). The first round, at start, also
%% connects the members for the first time.
reconnect_loop(Members, Interval) ->
    Missing = [N || N <- Members, not lists:member(N, [node() | nodes()])],
    Self = self(),
    Refs = [ping(Self, N) || N <- Missing],
    [receive {pinged, Ref} -> ok end || Ref <- Refs],
    receive after Interval -> ok end,
    reconnect_loop(Members, Interval).

ping(Parent, Node) ->
    Ref = make_ref(),
    spawn_link(fun() -> net_adm:ping(Node), Parent ! {pinged, Ref} end),
    Ref.
