%% libmaps: the maps functions and erlang's conversion BIFs (issue 11):
%% results, key order, erl 25's errors and *** argument lines, the
%% external term format's bytes, and the BIFs called from module code.
%% call: maps:get(b, #{a => 1}).
%% call: maps:get(a, x).
%% call: maps:get(a, x, 1).
%% call: maps:find(a, x).
%% call: maps:put(a, 1, x).
%% call: maps:remove(a, x).
%% call: maps:is_key(a, x).
%% call: maps:keys(x).
%% call: maps:values(x).
%% call: maps:to_list(x).
%% call: maps:from_list(x).
%% call: maps:from_list([a]).
%% call: maps:from_list([{a,1}|b]).
%% call: maps:size(x).
%% call: maps:merge(x, #{}).
%% call: maps:merge(#{}, x).
%% call: maps:update(a, 1, #{}).
%% call: maps:update(a, 1, x).
%% call: maps:update(a, 2, #{a => 1}).
%% call: maps:new().
%% call: maps:take(a, #{a => 1, b => 2}).
%% call: maps:take(a, #{}).
%% call: maps:take(a, x).
%% call: maps:with([a, c], #{a => 1, b => 2}).
%% call: maps:with(x, #{a => 1, b => 2}).
%% call: maps:with([a], x).
%% call: maps:without([a, c], #{a => 1, b => 2}).
%% call: maps:without(x, #{a => 1}).
%% call: maps:without([a], x).
%% call: maps:keys(#{1 => a, 1.0 => b, a => c, "s" => d, {t} => e, <<"b">> => f, [] => g}).
%% call: setelement(3, {a}, b).
%% call: setelement(0, {a}, b).
%% call: setelement(a, {a}, b).
%% call: setelement(1, x, b).
%% call: list_to_atom(1).
%% call: list_to_atom([a]).
%% call: list_to_atom([256]).
%% call: list_to_integer("x").
%% call: list_to_integer(x).
%% call: list_to_integer("ff", 16).
%% call: list_to_integer("FF", 16).
%% call: list_to_integer("+12").
%% call: list_to_integer("12", 37).
%% call: list_to_integer("12", x).
%% call: list_to_integer("1 2").
%% call: list_to_integer("").
%% call: list_to_integer("-").
%% call: integer_to_list(255, 16).
%% call: integer_to_list(-255, 36).
%% call: integer_to_list(255, 37).
%% call: integer_to_list(x, 16).
%% call: integer_to_list(1.0, 16).
%% call: list_to_float("1.5").
%% call: list_to_float("1").
%% call: list_to_float("1.5e3").
%% call: list_to_float("1.e3").
%% call: list_to_float(x).
%% call: list_to_float("-1.5").
%% call: list_to_float("+1.5").
%% call: list_to_float("1.5x").
%% call: float_to_list(1.5).
%% call: float_to_list(0.1).
%% call: float_to_list(1).
%% call: float_to_list(-1.0e300).
%% call: float_to_list(x).
%% call: list_to_tuple(x).
%% call: list_to_tuple([a|b]).
%% call: tuple_to_list(x).
%% call: list_to_binary(x).
%% call: list_to_binary([256]).
%% call: list_to_binary([1|<<2>>]).
%% call: list_to_binary(<<1>>).
%% call: list_to_binary([-1]).
%% call: binary_to_list(x).
%% call: binary_to_list(<<1:3>>).
%% call: atom_to_binary(abc).
%% call: atom_to_binary('é').
%% call: atom_to_binary(abc, utf8).
%% call: atom_to_binary(abc, latin1).
%% call: atom_to_binary('é', latin1).
%% call: atom_to_binary(1).
%% call: atom_to_binary(abc, x).
%% call: binary_to_atom(<<"abc">>).
%% call: binary_to_atom(<<"abc">>, latin1).
%% call: binary_to_atom(<<"abc">>, utf8).
%% call: binary_to_atom(<<195,169>>, utf8).
%% call: binary_to_atom(<<255>>, utf8).
%% call: binary_to_atom(<<255>>, latin1).
%% call: binary_to_atom(x).
%% call: binary_to_atom(<<"a">>, x).
%% call: integer_to_binary(42).
%% call: integer_to_binary(-42).
%% call: integer_to_binary(x).
%% call: binary_to_integer(<<"42">>).
%% call: binary_to_integer(<<"-42">>).
%% call: binary_to_integer(<<"4x">>).
%% call: binary_to_integer(x).
%% call: term_to_binary(a).
%% call: term_to_binary(1).
%% call: term_to_binary(300).
%% call: term_to_binary(-1).
%% call: term_to_binary(1 bsl 40).
%% call: term_to_binary(-(1 bsl 40)).
%% call: term_to_binary(1.5).
%% call: term_to_binary({a, 1}).
%% call: term_to_binary([1, 2]).
%% call: term_to_binary("abc").
%% call: term_to_binary([a|b]).
%% call: term_to_binary([]).
%% call: term_to_binary(<<1,2>>).
%% call: term_to_binary(<<1:3>>).
%% call: term_to_binary(#{a => 1, b => 2}).
%% call: term_to_binary('é').
%% call: binary_to_term(term_to_binary({a, [1, "x"], #{k => <<1>>}, 1.5, -7, 1 bsl 40})).
%% call: binary_to_term(<<1,2>>).
%% call: binary_to_term(x).
%% call: binary_to_term(<<131,100,0,1,97>>).
%% call: binary_to_term(<<131,115,1,97>>).
%% call: erlang:fun_info(fun lists:map/2, arity).
%% call: erlang:fun_info(fun lists:map/2, module).
%% call: erlang:fun_info(fun lists:map/2, name).
%% call: erlang:fun_info(fun lists:map/2, type).
%% call: erlang:fun_info(fun (X) -> X end, arity).
%% call: erlang:fun_info(fun (X) -> X end, module).
%% call: erlang:fun_info(fun (X) -> X end, name).
%% call: erlang:fun_info(fun (X) -> X end, type).
%% call: erlang:fun_info(x, arity).
%% call: erlang:fun_info(fun lists:map/2, foo).
%% call: term_to_binary(fun lists:map/2) =:= <<131,113,100,0,5,"lists",100,0,3,"map",97,2>>.
%% call: binary_to_term(term_to_binary(fun lists:map/2)) =:= fun lists:map/2.
%% call: binary_to_term(term_to_binary('Ā')).
%% call: term_to_binary('Ā').
%% call: binary_to_term(term_to_binary(<<1:3>>)).
%% call: binary_to_term(term_to_binary([a|b])).
%% call: binary_to_term(term_to_binary(-(1 bsl 40))).
%% call: binary_to_term(term_to_binary({})).
%% call: binary_to_term(<<131,97,1,0>>).
%% call: maps:values(#{1 => a, 1.0 => b, a => c, "s" => d, {t} => e, <<"b">> => f, [] => g}).
%% call: maps:to_list(maps:merge(#{1 => a, b => 2}, #{1.0 => c, b => 3})).
%% call: maps:update(a, 2, #{a => 1, b => 2}).
%% call: maps:without([], #{a => 1}).
%% call: maps:with([], #{a => 1}).
%% call: libmaps:swap({1, 2, 3}).
%% call: libmaps:bad_set({1, 2}).
%% call: libmaps:roundtrip([{a, 1}, {"b", <<2>>}, {3, [4.5]}]).
%% call: libmaps:count([a, b, a, c, a]).
%% call: libmaps:info().
%% call: libmaps:lookup(z, #{a => 1}).
%% call: integer_to_binary(255, 16).
%% call: binary_to_integer(<<"-ff">>, 16).
%% call: binary_to_integer(<<"12">>, 1).
%% call: integer_to_binary(1, 37).
%% call: list_to_integer("zz", 36).
%% call: byte_size(term_to_binary(list_to_tuple(lists:seq(1, 300)))).
%% call: binary_to_term(term_to_binary(list_to_tuple(lists:seq(1, 300)))) =:= list_to_tuple(lists:seq(1, 300)).
%% call: term_to_binary([1, 2, 300]).
%% call: term_to_binary(1 bsl 62).
%% call: term_to_binary(-(1 bsl 31)).
%% call: term_to_binary(1 bsl 31).
%% call: term_to_binary(-16).
%% call: term_to_binary({}).
%% call: term_to_binary(<<>>).
%% call: term_to_binary(#{}).
%% call: term_to_binary(-0.5).
%% call: list_to_float("1.5E-3").
%% call: float_to_list(-0.0).
%% call: float_to_list(123456.789).
%% call: setelement(2, {a, b, c}, x).
%% call: maps:from_list([]).
%% call: maps:from_list([{1, a}, {1.0, b}, {1, c}]).
%% call: erlang:fun_info(fun (X, Y) -> {X, Y} end, name).
%% call: erlang:fun_info(fun () -> ok end, arity).
%% call: erlang:fun_info(fun F(0) -> 0; F(N) -> F(N - 1) end, name).
%% call: binary_to_atom(<<"a">>, unicode).
%% call: atom_to_binary(abc, unicode).
%% call: list_to_atom([]).
%% call: list_to_binary([]).
%% call: list_to_binary([<<1, 2>>, [], [[3]] | <<4>>]).
%% call: tuple_to_list({}).
%% call: atom_to_list(list_to_atom([256, $a])).
%% call: maps:to_list(#{{1, a} => x, {1} => y, [b] => z}).
%% call: list_to_atom([16#10FFFF]) =:= binary_to_atom(<<244,143,191,191>>).
-module(libmaps).
-export([swap/1, bad_set/1, roundtrip/1, count/1, info/0, lookup/2]).

swap(T) -> setelement(1, setelement(tuple_size(T), T, element(1, T)), element(tuple_size(T), T)).

bad_set(T) -> setelement(5, T, x).

roundtrip(L) ->
    M = maps:from_list(L),
    B = term_to_binary(M),
    {maps:keys(M), binary_to_term(B) =:= M, list_to_tuple(tuple_to_list({M}))}.

count(L) -> count(L, maps:new()).
count([], M) -> maps:to_list(M);
count([X | Xs], M) -> count(Xs, maps:put(X, maps:get(X, M, 0) + 1, M)).

info() ->
    F = fun (X) -> X end,
    [erlang:fun_info(F, I) || I <- [arity, module, name, type]].

lookup(K, M) -> maps:get(K, M).
