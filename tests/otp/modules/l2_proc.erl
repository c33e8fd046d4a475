%% l2_proc: the process dictionary, spawn_opt, rpc/erpc on the local node, nodes/1 (bif_erlang.c, dist/bif.c).
%% call: l2_proc:dict().
%% call: get().
%% call: put(k, 1).
%% call: put(k, 2).
%% call: erase(k).
%% call: l2_proc:spawn_opts().
%% call: l2_proc:opt_bad().
%% call: l2_proc:multicall().
%% call: l2_proc:erpc().
%% call: l2_proc:nodes_forms().
%% call: nodes(foo).
%% call: nodes([this, foo]).
%% call: nodes({a}).
%% call: nodes([]).
%% call: rpc:cast(node(), erlang, node, []).
%% call: erpc:cast(node(), erlang, node, []).
%% call: erpc:call(node(), erlang, exit, [y]).
%% call: erpc:call(node(), erlang, throw, [z]).
%% call: erpc:call(node(), timer, sleep, [100], 10).
%% call: erpc:call(node(), lists, reverse, [[1, 2, 3]]).
-module(l2_proc).
-export([dict/0, spawn_opts/0, opt_bad/0, multicall/0, erpc/0, nodes_forms/0]).

dict() ->
    A = get(),
    undefined = put(a, 1),
    undefined = put(b, 2),
    1 = put(a, 3),
    B = lists:sort(get()),
    K = lists:sort(get_keys()),
    K2 = get_keys(2),
    V = get(a),
    U = get(nope),
    E = erase(a),
    E2 = erase(zz),
    All = erase(),
    {A, B, K, K2, V, U, E, E2, All, get()}.

spawn_opts() ->
    Me = self(),
    {P, R} = spawn_opt(fun() -> Me ! {hi, self()} end, [monitor, link, {priority, high}]),
    Got = receive {hi, P} -> hi after 1000 -> none end,
    Down = receive {'DOWN', R, process, P, Why} -> Why after 1000 -> none end,
    P2 = spawn_opt(l2_proc, dict, [], [{fullsweep_after, 10}]),
    {Got, Down, is_pid(P2)}.

opt_bad() ->
    [e(fun() -> spawn_opt(fun() -> ok end, [foo]) end),
     e(fun() -> spawn_opt(fun() -> ok end, foo) end),
     e(fun() -> spawn_opt(lists, seq, [1, 2], [bar]) end)].

multicall() ->
    {R, Bad} = rpc:multicall(erlang, is_atom, [a]),
    {R2, Bad2} = rpc:multicall([node()], erlang, length, [[1, 2]]),
    {R3, Bad3} = rpc:multicall([node()], timer, sleep, [100], 10),
    {R4, _} = rpc:multicall([node()], erlang, error, [oops]),
    {R, Bad, R2, Bad2, R3, length(Bad3), length(R4)}.

erpc() ->
    [e(fun() -> erpc:call(node(), erlang, error, [x]) end),
     e(fun() -> erpc:call(node(), erlang, exit, [y]) end),
     e(fun() -> erpc:call(node(), erlang, throw, [z]) end),
     e(fun() -> erpc:call(node(), timer, sleep, [100], 10) end),
     erpc:call(node(), erlang, abs, [-3]),
     erpc:multicall([node()], erlang, abs, [-4]),
     erpc:multicall([node()], erlang, throw, [t])].

nodes_forms() ->
    {nodes(), nodes(visible), nodes(hidden), nodes(connected), length(nodes(this)),
     length(nodes([this])), nodes([]), length(nodes(known)), length(nodes([known, this])),
     nodes([visible, hidden]), e(fun() -> nodes([this | x]) end)}.

e(F) -> try F() catch C:R -> {C, R} end.
