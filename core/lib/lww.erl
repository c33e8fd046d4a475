%% lww: last-writer-wins: each write carries its node's wall-clock stamp, every replica keeps the value with the highest stamp, and the sides exchange their maps when they meet again.
%%
%% The rule is syn's default conflict resolution (ostinelli/syn,
%% syn_event_handler: it "keeps track of the time when a registration
%% takes place with erlang:system_time/0 ... Keeps the one with the higher
%% value", and warns that "this is a very simple mechanism that can be
%% imprecise, as system clocks are not perfectly aligned"), and Riak's
%% last_write_wins: the newest stamp wins, whatever the vector clocks say.
%%
%% - A write is stamped {erlang:system_time(microsecond), node()}: the
%%   node's wall clock, which a scenario skews with the node keys
%%   clock_offset and clock_drift_ppm. Stamps compare as tuples: time
%%   first, then the node name. A node never stamps two writes alike: a
%%   stamp's time is at least the node's last one plus 1 us.
%% - The write is applied locally by the rule below, cast to the stores of
%%   nodes() (the book's dist_kv casts to [node() | nodes()]), and
%%   answered ok. A replica adopts an incoming value iff its stamp is
%%   greater than the one it holds.
%% - Anti-entropy: on nodeup (net_kernel:monitor_nodes) each side sends
%%   its whole map, stamps included, to the new peer, which merges it key
%%   by key by the same rule. So the replicas converge after a heal.
%% - Erlang does not reconnect by itself: a reconnect loop pings every
%%   reconnect_interval ms each member not in nodes(), one process per
%%   ping, since a ping of an unreachable node blocks.
%% - cas reads the local replica, compares, and writes if equal: atomic
%%   on this node only, so two sides of a partition can both succeed from
%%   the same value (an AP store has no better cas).
%%
%% What it costs: with perfect clocks the last write in real time wins,
%% and only the reads during a partition are stale. With skewed clocks a
%% write later in real time may carry a smaller stamp and lose, although
%% it was acknowledged (the Riak finding: aphyr.com, "Call me maybe:
%% Riak").
%%
%% White-box events. clustersim:replica(Key, Value) at each change.
%% clustersim:discard reports each value a replica drops, without judging
%% it (the replica cannot know real time; the trace can):
%%   discard(Key, Held, Incoming, lww)        anti-entropy replaced the
%%                                            value held by a higher stamp;
%%   discard(Key, Incoming, Held, older_stamp) a write (local or
%%                                            replicated) arrived with a
%%                                            stamp below the one held.
%%
%% Params: members (default [node() | nodes()]), reconnect_interval (ms,
%% default 1000).
-module(lww).
-behaviour(strategy).
-behaviour(gen_server).

-export([start_link/1, read/2, write/3, cas/4]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

%% map: Key => {Value, Stamp}; last: the time of this node's last stamp;
%% pinging: the members a ping process is trying to reach.
-record(state, {members, interval, map = #{}, last = 0, pinging = []}).

%%% The strategy interface

start_link(Params) ->
    gen_server:start_link({local, ?MODULE}, ?MODULE, Params, []).

read(Key, Timeout) ->
    gen_server:call(?MODULE, {read, Key}, Timeout).

write(Key, Value, Timeout) ->
    gen_server:call(?MODULE, {write, Key, Value}, Timeout).

cas(Key, Old, New, Timeout) ->
    gen_server:call(?MODULE, {cas, Key, Old, New}, Timeout).

%%% gen_server callbacks

init(Params) ->
    ok = net_kernel:monitor_nodes(true),
    Interval = maps:get(reconnect_interval, Params, 1000),
    erlang:send_after(Interval, self(), reconnect),
    {ok, #state{members = maps:get(members, Params, [node() | nodes()]),
                interval = Interval}}.

handle_call({read, Key}, _From, S = #state{map = Map}) ->
    {reply, {ok, value(Key, Map)}, S};
handle_call({write, Key, Value}, _From, S) ->
    {reply, ok, write_local(Key, Value, S)};
handle_call({cas, Key, Old, New}, _From, S = #state{map = Map}) ->
    case value(Key, Map) of
        Old -> {reply, ok, write_local(Key, New, S)};
        _ -> {reply, {fail, cas_failed}, S}
    end.

handle_cast({replicate, Key, Entry}, S = #state{map = Map}) ->
    {noreply, S#state{map = replicate(Key, Entry, Map)}};
handle_cast({sync, _From, Theirs}, S = #state{map = Map}) ->
    Merged = lists:foldl(fun ({Key, Entry}, M) -> merge(Key, Entry, M) end,
                         Map, lists:sort(maps:to_list(Theirs))),
    {noreply, S#state{map = Merged}}.

handle_info({nodeup, Node}, S = #state{members = Members, map = Map}) ->
    case lists:member(Node, Members) of
        true -> gen_server:cast({?MODULE, Node}, {sync, node(), Map});
        false -> ok
    end,
    {noreply, S};
handle_info(reconnect, S) ->
    erlang:send_after(S#state.interval, self(), reconnect),
    {noreply, ping_missing(S)};
handle_info({pinged, Node}, S = #state{pinging = Pinging}) ->
    {noreply, S#state{pinging = lists:delete(Node, Pinging)}};
handle_info(_Other, S) ->
    {noreply, S}.

%%% Writes and the rule

write_local(Key, Value, S = #state{map = Map, last = Last}) ->
    Time = max(erlang:system_time(microsecond), Last + 1),
    Entry = {Value, {Time, node()}},
    [gen_server:cast({?MODULE, N}, {replicate, Key, Entry}) || N <- nodes()],
    S#state{map = replicate(Key, Entry, Map), last = Time}.

%% A write, local or replicated: adopted iff its stamp is above the one
%% held; otherwise it is the incoming value that is dropped. The same
%% write again (anti-entropy brought it first) changes nothing.
replicate(Key, {Value, Stamp} = Entry, Map) ->
    case maps:find(Key, Map) of
        {ok, {_, Stamp}} ->
            Map;
        {ok, {Held, HeldStamp}} when HeldStamp > Stamp ->
            clustersim:discard(Key, Value, Held, older_stamp),
            Map;
        _ ->
            clustersim:replica(Key, Value),
            Map#{Key => Entry}
    end.

%% An entry from the peer's map at anti-entropy: adopted iff its stamp is
%% above the one held, dropping the value held. The same entry (equal
%% stamps) or an older one changes nothing here: the peer adopts ours
%% from our own map.
merge(Key, {Value, Stamp} = Entry, Map) ->
    case maps:find(Key, Map) of
        {ok, {_, HeldStamp}} when HeldStamp >= Stamp ->
            Map;
        {ok, {Held, _}} ->
            clustersim:discard(Key, Held, Value, lww),
            clustersim:replica(Key, Value),
            Map#{Key => Entry};
        error ->
            clustersim:replica(Key, Value),
            Map#{Key => Entry}
    end.

value(Key, Map) ->
    case maps:find(Key, Map) of
        {ok, {Value, _Stamp}} -> Value;
        error -> undefined
    end.

%%% The reconnect loop

ping_missing(S = #state{members = Members, pinging = Pinging}) ->
    Server = self(),
    Missing = [N || N <- Members, not lists:member(N, [node() | nodes()]),
                    not lists:member(N, Pinging)],
    [spawn_link(fun () -> net_adm:ping(N), Server ! {pinged, N} end)
     || N <- Missing],
    S#state{pinging = Pinging ++ Missing}.
