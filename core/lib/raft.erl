%% raft: the CP reference, a key-value store replicated by Raft on every member (as Ra does for RabbitMQ 4.x quorum queues).
%%
%% The rules are those of Ongaro and Ousterhout, "In Search of an
%% Understandable Consensus Algorithm" (USENIX ATC 2014), Figure 2; the
%% comments below cite it as "Fig. 2" and its sections as "§5.2". Two
%% additions come from Ongaro's thesis ("Consensus: Bridging Theory and
%% Practice", 2014), as Ra has them too: pre-vote (§9.6; ra_server's
%% handle_pre_vote/2) and check-quorum (§6.2).
%%
%% In plain words:
%% - Every member node runs one server, registered locally as raft. A
%%   server is a follower, a pre-candidate, a candidate or the leader,
%%   in a numbered term. At most one leader is elected per term.
%% - A follower that hears nothing from a leader for an election timeout
%%   (drawn uniformly in election_timeout {Min, Max} ms) first asks the
%%   others whether they would vote for it (pre-vote: nobody changes
%%   state, so a node cut off in a minority does not inflate its term
%%   and disrupt the majority when it comes back). With a majority of
%%   yes, it becomes a candidate: a new term, a vote for itself and a
%%   RequestVote to the others. A server grants one vote per term, and
%%   only to a candidate whose log is at least as up-to-date as its own.
%%   A majority of votes makes the leader.
%% - The leader appends every client operation (read, write and cas
%%   alike) to its log and replicates the log with AppendEntries, also
%%   sent empty as a heartbeat. An entry of the current term is
%%   committed once a majority of the servers store it; every server
%%   applies the committed entries in log order to its map
%%   #{Key => Value}. The leader answers the client when the entry is
%%   applied, so every answer is linearizable: a read is an entry too
%%   (with read => consistent, the default; see Params), and a leader cut off from a majority can commit nothing, so it
%%   answers nothing (the client times out).
%% - A client calls its local server. A follower forwards the call to
%%   the leader it knows; with none (an election is under way, or the
%%   leader is not connected) it answers {fail, no_leader} at once,
%%   having sent nothing. A read that times out is {fail, timeout}; a
%%   write or cas is {info, timeout}, since its entry may still commit.
%% - Check-quorum: a leader that has not heard from a majority during an
%%   election timeout steps down, so the clients of a minority learn
%%   quickly that there is no leader.
%% - Members are fixed (no reconfiguration). Nothing is persisted, where
%%   Fig. 2 keeps currentTerm, votedFor and the log on stable storage: a
%%   node that halts and restarts comes back empty, having forgotten its
%%   votes and its log, and the guarantees hold only if it catches up
%%   before another member fails.
%% - Erlang does not reconnect by itself: a loop per peer pings it every
%%   reconnect_interval ms while it is not in nodes(). The servers send
%%   only over existing connections.
%%
%% Params (beside members and clients): election_timeout {Min, Max}
%% (default {150, 300}); heartbeat_interval (default Min div 3);
%% reconnect_interval (1000); check_quorum (true); and read, one of Ra's
%% three strengths: consistent (the default) puts the read in the log as
%% above, where ra:consistent_query/2 confirms the leadership with a
%% heartbeat round instead (the same guarantee, one more mechanism);
%% leader answers from the leader's map at once (ra:leader_query/2),
%% stale when a newer leader was elected behind its back; local answers
%% from the local server's map (ra:local_query/2), stale on a follower
%% that lags or is cut off, but available in a minority.
%%
%% White-box events: clustersim:replica(Key, Value) on every server that
%% applies a write or a successful cas; clustersim:decision({leader, Term})
%% on the node elected, and {step_down, Term, no_quorum} on a leader that
%% check-quorum removes.
-module(raft).
-behaviour(strategy).
-behaviour(gen_server).

-export([start_link/1, read/2, write/3, cas/4, status/0]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

%% At most this many entries in one AppendEntries.
-define(MAX_ENTRIES, 100).

%% The RPCs of Fig. 2. A pre-vote (thesis §9.6) is a RequestVote with
%% pre = true, for the term the candidate would start.
-record(request_vote, {term, candidate, last_index, last_term, pre}).
-record(vote, {term, from, granted, pre}).
-record(append_entries, {term, leader, prev_index, prev_term, entries,
                         commit}).
%% index: on success, the last index now known to match the leader's;
%% on failure, where the leader should look next (see append_entries/2).
-record(append_reply, {term, from, success, index}).

-record(state, {
    %% configuration
    peers, majority, election_timeout, heartbeat, check_quorum, read,
    %% persistent state on all servers (Fig. 2), kept in memory here
    term = 0, voted_for, log = #{}, last_index = 0,
    %% volatile state on all servers (Fig. 2)
    commit = 0, applied = 0, kv = #{},
    role = follower, leader, timer, last_heard, votes = [],
    %% volatile state on leaders (Fig. 2), with the clients waiting for
    %% their entry (Index => {From, Command}) and the peers heard from
    %% since the last check-quorum
    next = #{}, match = #{}, pending = #{}, heard = []}).

%%% ---------------------------------------------------------------
%%% The store interface (strategy.erl)
%%% ---------------------------------------------------------------

start_link(Params) ->
    gen_server:start_link({local, ?MODULE}, ?MODULE, Params, []).

read(Key, Timeout) ->
    call({read, Key}, Timeout, fail).

write(Key, Value, Timeout) ->
    call({write, Key, Value}, Timeout, info).

cas(Key, Old, New, Timeout) ->
    call({cas, Key, Old, New}, Timeout, info).

%% This node's server as a map, for a look from the shell.
status() ->
    gen_server:call(?MODULE, status).

%% A read that timed out had no effect; a write or cas may still commit.
call(Command, Timeout, OnTimeout) ->
    try
        gen_server:call(?MODULE, {command, Command}, Timeout)
    catch
        exit:{timeout, _} -> {OnTimeout, timeout};
        exit:{noproc, _} -> {fail, noproc}
    end.

%%% ---------------------------------------------------------------
%%% gen_server callbacks
%%% ---------------------------------------------------------------

init(Params) ->
    Members = maps:get(members, Params, [node()]),
    {Min, Max} = maps:get(election_timeout, Params, {150, 300}),
    Peers = Members -- [node()],
    Interval = maps:get(reconnect_interval, Params, 1000),
    [spawn_link(fun() -> reconnect(Peer, Interval) end) || Peer <- Peers],
    S = #state{peers = Peers,
               majority = length(Members) div 2 + 1,
               election_timeout = {Min, Max},
               heartbeat = maps:get(heartbeat_interval, Params,
                                    max(1, Min div 3)),
               check_quorum = maps:get(check_quorum, Params, true),
               read = maps:get(read, Params, consistent),
               last_heard = now_ms() - Max},
    {ok, reset_election_timer(S)}.

handle_call({command, Command}, From, S) ->
    {noreply, client_command(From, Command, S)};
handle_call(status, _From, S) ->
    {reply, #{role => S#state.role, term => S#state.term,
              leader => S#state.leader, last_index => S#state.last_index,
              commit => S#state.commit, kv => S#state.kv}, S}.

handle_cast(_Request, S) ->
    {noreply, S}.

handle_info(Msg, S) ->
    {noreply, handle(Msg, observe_term(Msg, S))}.

%%% ---------------------------------------------------------------
%%% Clients
%%% ---------------------------------------------------------------

%% The leader handles the call; a follower forwards it to the leader it
%% knows, if it is connected to it, else refuses before anything was
%% sent. A local read is answered here, whatever the role.
client_command(From, {read, Key}, S = #state{read = local}) ->
    answer_read(From, Key, S);
client_command(From, Command, S = #state{role = leader}) ->
    leader_command(From, Command, S);
client_command(From, Command, S = #state{leader = Leader}) ->
    case lists:member(Leader, nodes()) of
        true ->
            send(Leader, {forward, From, Command}),
            S;
        false ->
            gen_server:reply(From, {fail, no_leader}),
            S
    end.

%% A leader read is answered from the leader's state machine at once
%% (ra:leader_query/2); everything else goes through the log.
leader_command(From, {read, Key}, S = #state{read = leader}) ->
    answer_read(From, Key, S);
leader_command(From, Command, S) ->
    append_command(From, Command, S).

answer_read(From, Key, S) ->
    gen_server:reply(From, {ok, maps:get(Key, S#state.kv, undefined)}),
    S.

%% Fig. 2, Rules for Servers, Leaders: "If command received from client:
%% append entry to local log, respond after entry applied to state
%% machine".
append_command(From, Command, S = #state{last_index = Last}) ->
    Index = Last + 1,
    S1 = S#state{log = (S#state.log)#{Index => {S#state.term, Command}},
                 last_index = Index,
                 pending = (S#state.pending)#{Index => {From, Command}}},
    advance_commit(replicate(S1)).

%% A leader that loses its office cannot tell whether its entries will
%% commit under the next leader: a waiting write or cas is indefinite, a
%% read certainly had no effect.
abandon_pending(S = #state{pending = Pending}) ->
    [gen_server:reply(From, outcome_unknown(Command))
     || {From, Command} <- maps:values(Pending)],
    S#state{pending = #{}}.

outcome_unknown({read, _}) -> {fail, not_leader};
outcome_unknown(_) -> {info, not_leader}.

%%% ---------------------------------------------------------------
%%% Terms (Fig. 2, Rules for Servers, All Servers)
%%% ---------------------------------------------------------------

%% "If RPC request or response contains term T > currentTerm: set
%% currentTerm = T, convert to follower (§5.1)". A pre-vote request
%% carries the term its sender would start, not its own: it changes
%% nothing (thesis §9.6).
observe_term(#request_vote{pre = true}, S) ->
    S;
observe_term(Msg, S = #state{term = Term}) ->
    case rpc_term(Msg) of
        T when is_integer(T), T > Term ->
            step_down(S#state{term = T, voted_for = undefined});
        _ ->
            S
    end.

rpc_term(#request_vote{term = T}) -> T;
rpc_term(#vote{term = T}) -> T;
rpc_term(#append_entries{term = T}) -> T;
rpc_term(#append_reply{term = T}) -> T;
rpc_term(_) -> none.

%% Become a follower with no known leader. A leader needs an election
%% timer again, and answers the clients it kept waiting.
step_down(S = #state{role = leader}) ->
    reset_election_timer(abandon_pending(S#state{role = follower,
                                                 leader = undefined}));
step_down(S) ->
    S#state{role = follower, leader = undefined}.

%%% ---------------------------------------------------------------
%%% Messages and timers
%%% ---------------------------------------------------------------

%% Fig. 2, Followers: "If election timeout elapses without receiving
%% AppendEntries RPC from current leader or granting vote to candidate:
%% convert to candidate", here through a pre-vote first.
handle({timeout, Ref, election}, S = #state{timer = Ref}) ->
    start_pre_vote(S);
handle(#request_vote{pre = true} = RV, S) ->
    pre_vote(RV, S);
handle(#request_vote{} = RV, S) ->
    request_vote(RV, S);
handle(#vote{} = V, S) ->
    count_vote(V, S);
handle(#append_entries{} = AE, S) ->
    append_entries(AE, S);
handle(#append_reply{} = R, S) ->
    append_reply(R, S);
handle({forward, From, Command}, S = #state{role = leader}) ->
    leader_command(From, Command, S);
handle({forward, From, _Command}, S) ->
    %% only one hop: this server was the leader its sender knew
    gen_server:reply(From, {fail, not_leader}),
    S;
%% Fig. 2, Leaders: "repeat during idle periods to prevent election
%% timeouts (§5.2)".
handle({heartbeat, Term}, S = #state{role = leader, term = Term}) ->
    erlang:send_after(S#state.heartbeat, self(), {heartbeat, Term}),
    replicate(S);
handle({check_quorum, Term}, S = #state{role = leader, term = Term}) ->
    check_quorum(S);
handle(_Stale, S) ->
    %% a timer of an earlier role or term, or a reply that came too late
    S.

%%% ---------------------------------------------------------------
%%% Elections (§5.2, §5.4.1)
%%% ---------------------------------------------------------------

%% Thesis §9.6: before it starts an election, a server asks whether it
%% could win one, for the term it would start, keeping its own term.
start_pre_vote(S) ->
    S1 = reset_election_timer(S#state{role = precandidate,
                                      leader = undefined,
                                      votes = [node()]}),
    ask_votes(S1#state.term + 1, true, S1),
    maybe_won(S1).

%% Fig. 2, Candidates: "On conversion to candidate, start election:
%% increment currentTerm, vote for self, reset election timer, send
%% RequestVote RPCs to all other servers".
start_election(S) ->
    S1 = reset_election_timer(S#state{role = candidate,
                                      term = S#state.term + 1,
                                      voted_for = node(),
                                      votes = [node()]}),
    ask_votes(S1#state.term, false, S1),
    maybe_won(S1).

ask_votes(Term, Pre, S) ->
    RV = #request_vote{term = Term, candidate = node(),
                       last_index = S#state.last_index,
                       last_term = term_at(S#state.last_index, S),
                       pre = Pre},
    [send(Peer, RV) || Peer <- S#state.peers].

%% Thesis §9.6: grant a pre-vote only if the candidate's log is
%% up-to-date and this server has not heard from a leader for at least
%% the minimum election timeout. Nothing changes here.
pre_vote(RV = #request_vote{term = T, candidate = C}, S) ->
    {Min, _} = S#state.election_timeout,
    Grant = T > S#state.term andalso S#state.role =/= leader
        andalso now_ms() - S#state.last_heard >= Min
        andalso up_to_date(RV, S),
    send(C, #vote{term = S#state.term, from = node(), granted = Grant,
                  pre = true}),
    S.

%% Fig. 2, RequestVote RPC, receiver: "1. Reply false if term <
%% currentTerm (§5.1). 2. If votedFor is null or candidateId, and
%% candidate's log is at least as up-to-date as receiver's log, grant
%% vote (§5.2, §5.4)". Granting a vote resets the election timer.
request_vote(RV = #request_vote{term = T, candidate = C}, S) ->
    Grant = T =:= S#state.term
        andalso lists:member(S#state.voted_for, [undefined, C])
        andalso up_to_date(RV, S),
    send(C, #vote{term = S#state.term, from = node(), granted = Grant,
                  pre = false}),
    case Grant of
        true -> reset_election_timer(S#state{voted_for = C});
        false -> S
    end.

%% §5.4.1: "If the logs have last entries with different terms, then the
%% log with the later term is more up-to-date. If the logs end with the
%% same term, then whichever log is longer is more up-to-date."
up_to_date(#request_vote{last_index = I, last_term = T}, S) ->
    MyTerm = term_at(S#state.last_index, S),
    T > MyTerm orelse (T =:= MyTerm andalso I >= S#state.last_index).

count_vote(#vote{pre = true, granted = true, from = F},
           S = #state{role = precandidate}) ->
    maybe_won(add_vote(F, S));
count_vote(#vote{pre = false, granted = true, from = F, term = T},
           S = #state{role = candidate, term = T}) ->
    maybe_won(add_vote(F, S));
count_vote(_Vote, S) ->
    S.

add_vote(From, S = #state{votes = Votes}) ->
    S#state{votes = lists:usort([From | Votes])}.

%% Fig. 2, Candidates: "If votes received from majority of servers:
%% become leader". A majority of pre-votes starts the real election.
maybe_won(S = #state{votes = Votes, majority = M}) when length(Votes) < M ->
    S;
maybe_won(S = #state{role = precandidate}) ->
    start_election(S);
maybe_won(S = #state{role = candidate}) ->
    become_leader(S);
maybe_won(S) ->
    S.

%% Fig. 2, volatile state on leaders, "reinitialized after election":
%% nextIndex = leader last log index + 1, matchIndex = 0. §8: the leader
%% commits a blank no-op entry at the start of its term, the only way to
%% learn which entries of earlier terms are committed.
become_leader(S = #state{term = Term, peers = Peers}) ->
    clustersim:decision({leader, Term}),
    cancel_timer(S#state.timer),
    erlang:send_after(S#state.heartbeat, self(), {heartbeat, Term}),
    schedule_check_quorum(S),
    S1 = S#state{role = leader, leader = node(), timer = undefined,
                 next = maps:from_list([{P, S#state.last_index + 1}
                                        || P <- Peers]),
                 match = maps:from_list([{P, 0} || P <- Peers]),
                 pending = #{}, heard = []},
    S2 = S1#state{log = (S1#state.log)#{S1#state.last_index + 1 =>
                                            {Term, noop}},
                  last_index = S1#state.last_index + 1},
    advance_commit(replicate(S2)).

%% Thesis §6.2: a leader steps down if an election timeout elapses
%% without a round of replies from a majority.
schedule_check_quorum(#state{check_quorum = false}) ->
    ok;
schedule_check_quorum(S = #state{election_timeout = {_, Max}}) ->
    erlang:send_after(Max, self(), {check_quorum, S#state.term}).

check_quorum(S = #state{heard = Heard, majority = M})
  when length(Heard) + 1 >= M ->
    schedule_check_quorum(S),
    S#state{heard = []};
check_quorum(S) ->
    clustersim:decision({step_down, S#state.term, no_quorum}),
    step_down(S).

%%% ---------------------------------------------------------------
%%% Log replication (§5.3)
%%% ---------------------------------------------------------------

%% Fig. 2, Leaders: "If last log index >= nextIndex for a follower: send
%% AppendEntries RPC with log entries starting at nextIndex"; with none,
%% the same RPC is the heartbeat.
replicate(S) ->
    [send_append(Peer, S) || Peer <- S#state.peers],
    S.

send_append(Peer, S = #state{last_index = Last}) ->
    Next = maps:get(Peer, S#state.next),
    Entries = [maps:get(I, S#state.log)
               || I <- lists:seq(Next, min(Last, Next + ?MAX_ENTRIES - 1))],
    send(Peer, #append_entries{term = S#state.term, leader = node(),
                               prev_index = Next - 1,
                               prev_term = term_at(Next - 1, S),
                               entries = Entries,
                               commit = S#state.commit}).

%% Fig. 2, AppendEntries RPC, receiver:
%% "1. Reply false if term < currentTerm (§5.1)".
append_entries(#append_entries{term = T, leader = L}, S = #state{term = Term})
  when T < Term ->
    send(L, #append_reply{term = Term, from = node(), success = false,
                          index = S#state.last_index}),
    S;
%% Same term: L is this term's only leader (Election Safety), so a
%% candidate "If AppendEntries RPC received from new leader: convert to
%% follower".
append_entries(#append_entries{leader = L, prev_index = PrevIndex,
                               prev_term = PrevTerm, entries = Entries,
                               commit = LeaderCommit}, S0) ->
    S = reset_election_timer(S0#state{role = follower, leader = L,
                                      last_heard = now_ms()}),
    case term_at(PrevIndex, S) of
        PrevTerm ->
            S1 = store_entries(PrevIndex + 1, Entries, S),
            Match = PrevIndex + length(Entries),
            reply_append(L, true, Match, S1),
            %% "5. If leaderCommit > commitIndex, set commitIndex =
            %% min(leaderCommit, index of last new entry)"
            commit_to(min(LeaderCommit, Match), S1);
        _ when PrevIndex > S#state.last_index ->
            %% "2. Reply false if log doesn't contain an entry at
            %% prevLogIndex whose term matches prevLogTerm": here the
            %% log is too short, so the leader goes back to its end
            reply_append(L, false, S#state.last_index, S),
            S;
        _ ->
            %% a conflicting entry: the committed prefix matches every
            %% leader's log (Leader Completeness), so the leader goes
            %% back there, in one step rather than one entry at a time
            reply_append(L, false, S#state.commit, S),
            S
    end.

reply_append(Leader, Success, Index, S) ->
    send(Leader, #append_reply{term = S#state.term, from = node(),
                               success = Success, index = Index}).

%% "3. If an existing entry conflicts with a new one (same index but
%% different terms), delete the existing entry and all that follow it
%% (§5.3). 4. Append any new entries not already in the log."
store_entries(_Index, [], S) ->
    S;
store_entries(Index, [{T, _} = Entry | Entries], S = #state{log = Log}) ->
    case term_at(Index, S) of
        T ->
            store_entries(Index + 1, Entries, S);
        none ->
            store_entries(Index + 1, Entries,
                          S#state{log = Log#{Index => Entry},
                                  last_index = Index});
        _Conflict ->
            Kept = maps:without(lists:seq(Index, S#state.last_index), Log),
            store_entries(Index + 1, Entries,
                          S#state{log = Kept#{Index => Entry},
                                  last_index = Index})
    end.

%% Fig. 2, Leaders: "If successful: update nextIndex and matchIndex for
%% follower (§5.3). If AppendEntries fails because of log inconsistency:
%% decrement nextIndex and retry (§5.3)", to the index the follower
%% suggests.
append_reply(#append_reply{term = T, from = F, success = Success,
                           index = Index},
             S = #state{role = leader, term = T}) ->
    S1 = S#state{heard = lists:usort([F | S#state.heard])},
    Next = maps:get(F, S1#state.next),
    Match = maps:get(F, S1#state.match),
    case Success of
        true ->
            S2 = S1#state{next = (S1#state.next)#{F => max(Next, Index + 1)},
                          match = (S1#state.match)#{F => max(Match, Index)}},
            advance_commit(S2);
        false ->
            %% Next goes down at every failure, so the retry loop ends
            %% (at worst at index 1). A follower that restarted empty
            %% (nothing is persisted) stores less than its old
            %% matchIndex: forget that, as a lower matchIndex can only
            %% delay a commit.
            Back = max(1, min(Next - 1, Index + 1)),
            S2 = S1#state{next = (S1#state.next)#{F => Back},
                          match = (S1#state.match)#{F => min(Match, Index)}},
            send_append(F, S2),
            S2
    end;
append_reply(_Reply, S) ->
    S.

%% Fig. 2, Leaders: "If there exists an N such that N > commitIndex, a
%% majority of matchIndex[i] >= N, and log[N].term == currentTerm: set
%% commitIndex = N (§5.3, §5.4)". N is the highest index a majority
%% stores (the leader counts its own log).
advance_commit(S = #state{last_index = Last, majority = M}) ->
    Stored = lists:reverse(lists:sort([Last | maps:values(S#state.match)])),
    N = lists:nth(M, Stored),
    case N > S#state.commit andalso term_at(N, S) =:= S#state.term of
        true -> commit_to(N, S);
        false -> S
    end.

commit_to(N, S = #state{commit = Commit}) when N > Commit ->
    apply_committed(S#state{commit = N});
commit_to(_N, S) ->
    S.

%% Fig. 2, All Servers: "If commitIndex > lastApplied: increment
%% lastApplied, apply log[lastApplied] to state machine (§5.3)". The
%% leader answers the client that waits for the entry.
apply_committed(S = #state{applied = A, commit = C}) when A < C ->
    Index = A + 1,
    {_Term, Command} = maps:get(Index, S#state.log),
    {Result, KV} = apply_command(Command, S#state.kv),
    S1 = S#state{applied = Index, kv = KV},
    case maps:take(Index, S1#state.pending) of
        {{From, _}, Pending} ->
            gen_server:reply(From, Result),
            apply_committed(S1#state{pending = Pending});
        error ->
            apply_committed(S1)
    end;
apply_committed(S) ->
    S.

%% The state machine: a map, read and written only in log order.
apply_command({read, Key}, KV) ->
    {{ok, maps:get(Key, KV, undefined)}, KV};
apply_command({write, Key, Value}, KV) ->
    clustersim:replica(Key, Value),
    {ok, KV#{Key => Value}};
apply_command({cas, Key, Old, New}, KV) ->
    case maps:get(Key, KV, undefined) of
        Old ->
            clustersim:replica(Key, New),
            {ok, KV#{Key => New}};
        _ ->
            {{fail, cas_failed}, KV}
    end;
apply_command(noop, KV) ->
    {ok, KV}.

%%% ---------------------------------------------------------------
%%% Helpers
%%% ---------------------------------------------------------------

%% The term of the entry at Index; 0 before the first entry, none past
%% the end of the log.
term_at(0, _S) ->
    0;
term_at(Index, #state{last_index = Last}) when Index > Last ->
    none;
term_at(Index, #state{log = Log}) ->
    element(1, maps:get(Index, Log)).

%% Over existing connections only: the reconnect loop makes them.
send(Node, Msg) ->
    case lists:member(Node, nodes()) of
        true -> erlang:send({?MODULE, Node}, Msg);
        false -> ok
    end.

reset_election_timer(S = #state{election_timeout = {Min, Max}}) ->
    cancel_timer(S#state.timer),
    Timeout = Min - 1 + rand:uniform(Max - Min + 1),
    S#state{timer = erlang:start_timer(Timeout, self(), election)}.

cancel_timer(undefined) -> ok;
cancel_timer(Ref) -> erlang:cancel_timer(Ref).

now_ms() ->
    erlang:monotonic_time(millisecond).

%% As rabbit_node_monitor pings the members it misses every second
%% (handle_info(ping_down_nodes, ...)): Erlang never reconnects by itself.
reconnect(Node, Interval) ->
    case lists:member(Node, nodes()) of
        true -> ok;
        false -> net_adm:ping(Node)
    end,
    receive after Interval -> reconnect(Node, Interval) end.
