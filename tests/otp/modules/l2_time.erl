%% l2_time: erlang's time units, unique_integer, timers, timer and rand (bif_time.c).
%% call: l2_time:units().
%% call: l2_time:convert(1, second, native).
%% call: l2_time:convert(1, second, perf_counter).
%% call: l2_time:convert(1500, millisecond, second).
%% call: l2_time:convert(-1500, millisecond, second).
%% call: l2_time:convert(-1, nanosecond, second).
%% call: l2_time:convert(7, 3, 10).
%% call: l2_time:convert(1, seconds, milli_seconds).
%% call: l2_time:convert(a, second, native).
%% call: l2_time:convert(1, foo, native).
%% call: l2_time:convert(1, second, 0).
%% call: l2_time:mono().
%% call: l2_time:unique().
%% call: l2_time:unique_bad().
%% call: l2_time:timers().
%% call: l2_time:timer_bad().
%% call: l2_time:start_timer().
%% call: l2_time:cancel_async().
%% call: l2_time:read_async().
%% call: l2_time:abs_timer().
%% call: l2_time:named().
%% call: l2_time:tmod().
%% call: l2_time:interval().
%% call: l2_time:apply_after().
%% call: l2_time:apply_interval().
%% call: l2_time:arith().
%% call: l2_time:rnd().
%% call: l2_time:system().
%% call: erlang:cancel_timer(foo).
%% call: erlang:read_timer(foo).
%% call: erlang:convert_time_unit(1, foo, second).
%% call: erlang:convert_time_unit(1, second, foo).
%% call: erlang:convert_time_unit(a, second, native).
%% call: erlang:unique_integer([foo]).
%% call: erlang:unique_integer(foo).
%% call: erlang:monotonic_time(foo).
%% call: erlang:system_time(foo).
%% call: erlang:send_after(1, {a, b}, x).
%% call: erlang:phash2(a, 0).
%% call: erlang:phash2(a, foo).
%% call: erlang:phash2(a, 4294967297).
%% call: timer:hms(1, 2, 3).
%% call: timer:minutes(1.5).
-module(l2_time).
-export([units/0, convert/3, mono/0, unique/0, unique_bad/0, timers/0,
         timer_bad/0, start_timer/0, cancel_async/0, read_async/0,
         abs_timer/0, named/0, tmod/0, interval/0, apply_after/0, arith/0,
         rnd/0, system/0, ping/1, apply_interval/0]).

units() ->
    [erlang:convert_time_unit(1, second, U)
     || U <- [second, millisecond, microsecond, nanosecond, native, 1000, 7]].

convert(T, F, U) -> e(fun() -> erlang:convert_time_unit(T, F, U) end).

mono() ->
    A = erlang:monotonic_time(),
    B = erlang:monotonic_time(),
    S = erlang:monotonic_time(second),
    {is_integer(A), B >= A, is_integer(S),
     erlang:monotonic_time(millisecond) =< erlang:monotonic_time(millisecond),
     e(fun() -> erlang:monotonic_time(foo) end), e(fun() -> erlang:system_time(bar) end),
     is_integer(erlang:time_offset()), is_integer(erlang:system_time(second))}.

unique() ->
    L = [erlang:unique_integer([positive, monotonic]) || _ <- lists:seq(1, 5)],
    M = [erlang:unique_integer([monotonic]) || _ <- lists:seq(1, 5)],
    P = [erlang:unique_integer([positive]) || _ <- lists:seq(1, 5)],
    {lists:sort(L) =:= L, lists:all(fun(X) -> X > 0 end, L),
     lists:usort(L) =:= L, lists:sort(M) =:= M, lists:usort(M) =:= M,
     lists:all(fun(X) -> X > 0 end, P), length(lists:usort(P)),
     is_integer(erlang:unique_integer()), erlang:unique_integer([]) =/= erlang:unique_integer([])}.

unique_bad() ->
    [e(fun() -> erlang:unique_integer(foo) end), e(fun() -> erlang:unique_integer([foo]) end),
     e(fun() -> erlang:unique_integer([positive | x]) end)].

timers() ->
    R = erlang:send_after(1000, self(), x),
    A = erlang:read_timer(R),
    B = erlang:cancel_timer(R),
    C = erlang:cancel_timer(R),
    D = erlang:read_timer(R),
    R2 = erlang:send_after(0, self(), y),
    Got = receive y -> got_y after 100 -> none end,
    E = erlang:cancel_timer(R2),
    F = erlang:read_timer(make_ref()),
    R3 = erlang:send_after(500, self(), z),
    G = erlang:cancel_timer(R3, [{info, false}]),
    H = erlang:cancel_timer(R3, []),
    {near(A, 1000), near(B, 1000), C, D, Got, E, F, G, H}.

near(X, Max) -> is_integer(X) andalso X =< Max andalso X > Max - 100.

timer_bad() ->
    [e(fun() -> erlang:send_after(-1, self(), x) end), e(fun() -> erlang:send_after(1.0, self(), x) end),
     e(fun() -> erlang:send_after(10, {a, b}, x) end), e(fun() -> erlang:cancel_timer(foo) end),
     e(fun() -> erlang:read_timer(foo) end), e(fun() -> erlang:cancel_timer(make_ref(), [foo]) end),
     e(fun() -> erlang:cancel_timer(make_ref(), foo) end),
     e(fun() -> erlang:start_timer(1, self(), x, [foo]) end),
     e(fun() -> erlang:start_timer(1, self(), x, [{abs, foo}]) end)].

start_timer() ->
    R = erlang:start_timer(10, self(), hello),
    receive {timeout, R, M} -> {ok, M} after 1000 -> none end.

cancel_async() ->
    R = erlang:send_after(1000, self(), x),
    ok = erlang:cancel_timer(R, [{async, true}]),
    A = receive {cancel_timer, R, V} -> V after 100 -> none end,
    R2 = erlang:send_after(1000, self(), x),
    ok = erlang:cancel_timer(R2, [{async, true}, {info, false}]),
    B = receive {cancel_timer, R2, V2} -> V2 after 50 -> none end,
    C = erlang:cancel_timer(R, [{async, true}]),
    D = receive {cancel_timer, R, V3} -> V3 after 100 -> none end,
    {near(A, 1000), B, C, D}.

read_async() ->
    R = erlang:send_after(2000, self(), x),
    ok = erlang:read_timer(R, [{async, true}]),
    A = receive {read_timer, R, V} -> V after 100 -> none end,
    erlang:cancel_timer(R),
    {A > 1900 andalso A =< 2000, e(fun() -> erlang:read_timer(R, [{info, true}]) end)}.

abs_timer() ->
    T = erlang:monotonic_time(millisecond) + 20,
    R = erlang:send_after(T, self(), abs, [{abs, true}]),
    receive abs -> {fired, is_reference(R)} after 1000 -> none end.

named() ->
    register(l2_target, self()),
    erlang:send_after(10, l2_target, to_name),
    erlang:send_after(10, l2_nobody, lost),
    R = receive to_name -> ok after 1000 -> none end,
    unregister(l2_target),
    R.

tmod() ->
    {ok, {send_local, R}} = T = timer:send_after(1000, foo),
    {ok, {send_local, _}} = timer:send_after(10, self(), bar),
    Got = receive bar -> bar after 1000 -> none end,
    {is_reference(R), timer:cancel(T), timer:cancel(T), timer:cancel(bad),
     Got, timer:send_after(-1, x), timer:send_after(1, {a, b, c}, x),
     timer:send_interval(-5, x)}.

interval() ->
    {ok, {interval, _} = T} = timer:send_interval(10, tick),
    L = [receive tick -> tick after 1000 -> none end || _ <- [1, 2, 3]],
    {ok, cancel} = timer:cancel(T),
    {error, badarg} = timer:cancel({interval, T}),
    receive tick -> ok after 0 -> ok end,
    N = receive tick -> late after 50 -> none end,
    {L, N}.

apply_after() ->
    register(l2_apply, self()),
    {ok, {once, _}} = timer:apply_after(10, l2_time, ping, [l2_apply]),
    R = receive {ping, X} -> X after 1000 -> none end,
    unregister(l2_apply),
    R.

ping(Name) -> Name ! {ping, pong}.

apply_interval() ->
    register(l2_apply_i, self()),
    {ok, {interval, _} = T} = timer:apply_interval(10, l2_time, ping, [l2_apply_i]),
    L = [receive {ping, X} -> X after 1000 -> none end || _ <- [1, 2, 3]],
    {ok, cancel} = timer:cancel(T),
    receive {ping, _} -> ok after 0 -> ok end,
    N = receive {ping, _} -> late after 50 -> none end,
    unregister(l2_apply_i),
    {L, N}.

arith() ->
    {timer:seconds(3), timer:minutes(2), timer:hours(1), timer:hms(1, 2, 3),
     timer:seconds(1.5), timer:hms(0, 0, 0)}.

rnd() ->
    U = [rand:uniform() || _ <- lists:seq(1, 50)],
    N = [rand:uniform(6) || _ <- lists:seq(1, 200)],
    R = [rand:uniform_real() || _ <- lists:seq(1, 50)],
    G = rand:normal(),
    {lists:all(fun(X) -> X >= 0.0 andalso X < 1.0 end, U),
     lists:all(fun(X) -> X >= 1 andalso X =< 6 end, N),
     lists:usort(N),
     lists:all(fun(X) -> X > 0.0 andalso X < 1.0 end, R),
     is_float(G), rand:uniform(1)}.

system() ->
    {M, S, U} = erlang:timestamp(),
    {is_integer(M), S < 1000000, U < 1000000,
     erlang:system_time(second) > 1600000000,
     erlang:system_time(native) div 1000000000 > 1600000000}.

%% The class and reason of an exception, without the stack.
e(F) -> try F() catch C:R -> {C, R} end.
