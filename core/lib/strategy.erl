%% strategy: the store interface a split-brain strategy implements, for the workload of a scenario (scenarios/README.md, "Workload").
%%
%% A strategy is a module. The workload's "strategy" names it: one of the
%% library's (ignore, pause_minority, pause_if_all_down, autoheal,
%% static_master, quorum, lww, raft; `clustersim lib NAME` prints each)
%% or the user's own, loaded with config.modules. This module holds no
%% code: it documents the callbacks (-behaviour(strategy) makes erlc
%% check them) and the white-box BIFs a strategy may call.
%%
%% Starting. On every node of the strategy's members, when the node
%% boots and again at each restart, before the shell takes its first
%% step, a process of the node evaluates Mod:start_link(Params), as
%% config.apps starts an application. That process ends once the call
%% returns, so the store must not trap exits in the process it links to
%% it (or must start unlinked). Params is a map:
%%   members => [node()]   the configured membership, in the scenario's
%%                         order (default: every node of the scenario);
%%                         nodes that are down are members too
%%   clients => [node()]   the nodes the workload's clients run on
%% and the strategy's own parameters from the scenario, converted:
%% durations to whole milliseconds, node names to atoms ('a@sim'), a
%% list of nodes to a list of atoms, a choice ("autoheal") to an atom,
%% true/false to booleans, a range "150ms..300ms" to {150, 300}. The
%% loader fills every default of a library strategy, so its module finds
%% every key; a user's module gets its parameters converted the same way
%% (strings that are not durations or nodes as binaries).
%%
%% Operations. The workload's clients call, in a fresh process on the
%% client's node, one operation at a time:
%%   read(Key, Timeout)            -> {ok, Value}   (undefined: never written)
%%   write(Key, Value, Timeout)    -> ok
%%   cas(Key, Old, New, Timeout)   -> ok
%% Keys are the integers 0 .. keys-1, values integers unique per key.
%% Timeout is the workload's, in milliseconds: the call should return by
%% then. Besides its result, an operation may return
%%   {fail, Reason}   it certainly had no effect: the store refused
%%                    before any replica message left, or a cas found
%%                    another value (Reason cas_failed);
%%   {info, Reason}   it may or may not have taken effect.
%% An exception counts as the client's outcome mapping says
%% (scenarios/README.md, "Outcomes"): exit noproc (no store running on
%% the node) is fail; a timeout, nodedown or any other exception is fail
%% for a read and info for a write or cas. A strategy without cas/4
%% refuses a mix with cas at load.
%%
%% White-box truth: trace events only a strategy knows, which the
%% checkers' tests compare with what the histories show.
%%   clustersim:replica(Key, Value)          this node's replica of Key now
%%                                           holds Value (event replica)
%%   clustersim:discard(Key, Value, By, Why) this node's replica dropped an
%%                                           acknowledged Value of Key, replaced by
%%                                           By (undefined: none), because
%%                                           Why (event discard)
%%   clustersim:pause(Why)                   the store stops serving (event pause)
%%   clustersim:unpause(Why)                 it serves again (event unpause)
%%   clustersim:decision(Term)               a decision and its inputs, e.g.
%%                                           autoheal's winner (event decision)
%% Each returns ok. A strategy that reports its replicas with replica/2
%% lets the convergence checker say when they agreed after the heal; one
%% that does not is judged on its final reads alone.
-module(strategy).

-callback start_link(Params :: map()) -> {ok, pid()} | ignore | {error, term()}.
-callback read(Key :: non_neg_integer(), Timeout :: non_neg_integer()) ->
    {ok, Value :: integer() | undefined} | {fail, term()} | {info, term()}.
-callback write(Key :: non_neg_integer(), Value :: integer(),
                Timeout :: non_neg_integer()) ->
    ok | {fail, term()} | {info, term()}.
-callback cas(Key :: non_neg_integer(), Old :: integer() | undefined,
              New :: integer(), Timeout :: non_neg_integer()) ->
    ok | {fail, term()} | {info, term()}.
-optional_callbacks([cas/4]).
