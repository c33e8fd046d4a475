%% lead_wide: arithmetic past 64 bits inside BIFs whose results fit 64
%% bits: erlang:convert_time_unit/3 (floor of T * To / From, erlang.erl)
%% and lists:seq/3's count and elements at the ends of the int64 range
%% (core/term/i128.h, which replaced __int128 for 32-bit targets).
%% call: erlang:convert_time_unit(-1, nanosecond, second).
%% call: erlang:convert_time_unit(-7, 3, 2).
%% call: erlang:convert_time_unit(9223372036854775807, 1000000007, 999999937).
%% call: erlang:convert_time_unit(-9223372036854775807, 1000000007, 999999937).
%% call: erlang:convert_time_unit(1234567890123, microsecond, nanosecond).
%% call: lists:seq(-9223372036854775807 - 1, 9223372036854775807, 4611686018427387904).
%% call: lists:seq(9223372036854775807, -9223372036854775807 - 1, -9223372036854775807 - 1).
%% call: lists:seq(9223372036854775806, 9223372036854775807, 9223372036854775807).
%% call: lists:seq(5, 4, 1).
%% call: lists:seq(1, 10, 4).
%% call: lists:seq(10, 1, -4).
%% call: lists:seq(3, 3, 0).
%% call: lead_wide:err(fun() -> lists:seq(5, 3, 1) end).
%% call: lead_wide:err(fun() -> lists:seq(3, 5, -1) end).
%% call: lead_wide:err(fun() -> lists:seq(3, 4, 0) end).
-module(lead_wide).
-export([err/1]).

err(F) ->
    try F() catch error:R -> R end.
