%% l2_hash: erlang:phash2/1,2 against erts' make_hash2 (bif_time.c).
%% call: l2_hash:h(0).
%% call: l2_hash:h(1).
%% call: l2_hash:h(-1).
%% call: l2_hash:h(42).
%% call: l2_hash:h(255).
%% call: l2_hash:h(256).
%% call: l2_hash:h(-255).
%% call: l2_hash:h(134217727).
%% call: l2_hash:h(134217728).
%% call: l2_hash:h(-134217728).
%% call: l2_hash:h(-134217729).
%% call: l2_hash:h(4294967295).
%% call: l2_hash:h(4294967296).
%% call: l2_hash:h(-4294967296).
%% call: l2_hash:h(1099511627776).
%% call: l2_hash:h(9007199254740993).
%% call: l2_hash:h(-9223372036854775807).
%% call: l2_hash:h(1.0).
%% call: l2_hash:h(0.0).
%% call: l2_hash:h(-0.0).
%% call: l2_hash:h(3.14).
%% call: l2_hash:h(-2.5e10).
%% call: l2_hash:h(1.0e300).
%% call: l2_hash:h(a).
%% call: l2_hash:h(b).
%% call: l2_hash:h(ok).
%% call: l2_hash:h(error).
%% call: l2_hash:h('hello world').
%% call: l2_hash:h('Ä').
%% call: l2_hash:h('日本').
%% call: l2_hash:h([]).
%% call: l2_hash:h([a]).
%% call: l2_hash:h([1,2,3]).
%% call: l2_hash:h("hello").
%% call: l2_hash:h("abcd").
%% call: l2_hash:h("abcde").
%% call: l2_hash:h([256]).
%% call: l2_hash:h([1|2]).
%% call: l2_hash:h([a|b]).
%% call: l2_hash:h([300, 1, 2]).
%% call: l2_hash:h([1, a, 2]).
%% call: l2_hash:h([[1],[2]]).
%% call: l2_hash:h({}).
%% call: l2_hash:h({a}).
%% call: l2_hash:h({a, b}).
%% call: l2_hash:h({1, 2, 3}).
%% call: l2_hash:h({[], {}}).
%% call: l2_hash:h({ok, "x"}).
%% call: l2_hash:h(<<>>).
%% call: l2_hash:h(<<1>>).
%% call: l2_hash:h(<<1,2,3>>).
%% call: l2_hash:h(<<"hello world!">>).
%% call: l2_hash:h(<<"0123456789abcdefghij">>).
%% call: l2_hash:h(<<5:3>>).
%% call: l2_hash:h(<<1, 7:4>>).
%% call: l2_hash:h(#{}).
%% call: l2_hash:h(#{a => 1}).
%% call: l2_hash:h(#{a => 1, b => 2}).
%% call: l2_hash:h(#{b => 2, a => 1}).
%% call: l2_hash:h(#{1 => [x], {k} => <<"v">>}).
%% call: l2_hash:h(#{a => #{b => c}}).
%% call: l2_hash:h([{a, 1}, {b, 2}]).
%% call: l2_hash:h({1.5, -7, 'A'}).
%% call: l2_hash:h(lists:seq(1, 20)).
%% call: l2_hash:h([-1]).
%% call: l2_hash:h([3.0]).
%% call: l2_hash:h({[1|2], [a]}).
%% call: l2_hash:r(a).
%% call: l2_hash:r({a,b}).
%% call: l2_hash:r([1,2,3]).
%% call: l2_hash:r(<<"x">>).
%% call: l2_hash:r(#{k => v}).
%% call: l2_hash:r(12345).
%% call: l2_hash:bad().
-module(l2_hash).
-export([h/1, r/1, bad/0]).

%% phash2/1 and phash2/2 with a range that is a power of two and one that is not.
h(T) -> {erlang:phash2(T), erlang:phash2(T, 1000), erlang:phash2(T, 1 bsl 32)}.

r(T) -> [erlang:phash2(T, N) || N <- [1, 2, 7, 65536, 4294967295]].

bad() ->
    [e(fun() -> erlang:phash2(a, 0) end), e(fun() -> erlang:phash2(a, foo) end),
     e(fun() -> erlang:phash2(a, 4294967297) end), e(fun() -> erlang:phash2(a, -5) end)].

%% The class and reason of an exception, without the stack.
e(F) -> try F() catch C:R -> {C, R} end.
