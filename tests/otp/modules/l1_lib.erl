%% l1_lib: the string, proplists and lists functions against OTP 25:
%% chardata in and out, the classic string functions, property lists,
%% the key and merge functions, and the order lists:sort/1 gives equal
%% numbers (1 == 1.0).
%% call: string:pad("ab", 5).
%% call: string:pad("ab", 5, leading).
%% call: string:pad("ab", 6, both, $*).
%% call: string:pad(<<"ab">>, 5).
%% call: string:pad("abcdef", 3).
%% call: string:replace("abcbd", "b", "x").
%% call: string:replace("abcbd", "b", "x", all).
%% call: string:replace("abcbd", "b", "x", trailing).
%% call: string:replace(<<"abcbd">>, "b", "xy", all).
%% call: string:replace("abc", "z", "x", all).
%% call: string:slice("hello", 1, 3).
%% call: string:slice(<<"hello">>, 2).
%% call: string:slice("hello", 10).
%% call: string:reverse("abc").
%% call: string:reverse(<<"abc">>).
%% call: string:equal("abc", <<"abc">>).
%% call: string:equal("abc", "abd").
%% call: string:is_empty("").
%% call: string:is_empty([[], <<>>]).
%% call: string:is_empty("a").
%% call: string:lexemes("a,b,,c", ",").
%% call: string:lexemes(<<"a b  c">>, " ").
%% call: string:prefix("foobar", "foo").
%% call: string:prefix("foobar", "bar").
%% call: string:prefix(<<"foobar">>, "foo").
%% call: string:titlecase("hello world").
%% call: string:titlecase(<<"hello">>).
%% call: string:casefold("HeLLo").
%% call: string:trim("xxhixx", both, "x").
%% call: string:trim("  hi  ", leading).
%% call: string:trim("  hi  ", trailing).
%% call: string:trim(<<"  hi  ">>).
%% call: string:split("a,b,c", ",", all).
%% call: string:split("a,b,c", ",", trailing).
%% call: string:split(<<"a,b,c">>, ",", all).
%% call: string:find("abcabc", "bc", trailing).
%% call: string:find("abcabc", "x").
%% call: string:next_grapheme("abc").
%% call: string:next_grapheme("").
%% call: string:str("hello world", "wor").
%% call: string:str("hello", "z").
%% call: string:rstr("abcabc", "bc").
%% call: string:chr("hello", $l).
%% call: string:rchr("hello", $l).
%% call: string:substr("hello", 2).
%% call: string:substr("hello", 2, 3).
%% call: string:left("ab", 5).
%% call: string:left("abcdef", 3).
%% call: string:left("ab", 5, $.).
%% call: string:right("ab", 5).
%% call: string:right("abcdef", 3).
%% call: string:right("ab", 5, $.).
%% call: string:centre("ab", 6).
%% call: string:centre("ab", 5, $*).
%% call: string:centre("abcdef", 3).
%% call: string:copies("ab", 3).
%% call: string:copies("ab", 0).
%% call: string:words("the quick  brown").
%% call: string:words("a.b.c", $.).
%% call: string:concat("ab", "cd").
%% call: string:strip("  ab  ").
%% call: string:strip("  ab  ", left).
%% call: string:strip("  ab  ", right).
%% call: string:strip("..ab..", both, $.).
%% call: string:to_integer("123abc").
%% call: string:to_integer("-42").
%% call: string:to_integer("abc").
%% call: string:to_integer(<<"77 x">>).
%% call: string:to_float("1.5e3xyz").
%% call: string:to_float("3.14").
%% call: string:to_float("12").
%% call: string:to_float("abc").
%% call: string:to_float(<<"2.5">>).
%% call: string:join(["a", "b", "c"], ", ").
%% call: string:tokens("a b,c", " ,").
%% call: string:uppercase("abc").
%% call: string:length(<<"abc">>).
%% call: string:substr("hello", 0).
%% call: string:copies("ab", -1).
%% call: string:left("ab", -1).
%% call: string:str(abc, "b").
%% call: string:to_integer(42).
%% call: string:sub_string("hello", 2, 4).
%% call: string:sub_word("a b c", 2).
%% call: string:len("abc").
%% call: proplists:get_value(a, [{a, 1}, {b, 2}]).
%% call: proplists:get_value(c, [{a, 1}]).
%% call: proplists:get_value(c, [{a, 1}], none).
%% call: proplists:get_value(a, [a, {a, 1}]).
%% call: proplists:get_value(a, [{a, 1, 2}, {a, 3}]).
%% call: proplists:get_value(a, [x, "s", {a, 3}]).
%% call: proplists:get_all_values(a, [{a, 1}, {b, 2}, a, {a, 3}, {a, 4, 5}]).
%% call: proplists:get_bool(debug, [debug]).
%% call: proplists:get_bool(debug, [{debug, false}]).
%% call: proplists:get_bool(debug, [{debug, 1}]).
%% call: proplists:get_bool(debug, []).
%% call: proplists:lookup(a, [{a, 1, 2}]).
%% call: proplists:lookup(a, [a]).
%% call: proplists:lookup(z, [a]).
%% call: proplists:lookup_all(a, [{a, 1}, a, {b, 2}, {a}]).
%% call: proplists:is_defined(a, [{a, 1}]).
%% call: proplists:is_defined(z, [{a, 1}]).
%% call: proplists:delete(a, [{a, 1}, b, a, {a, 2, 3}, {c, 4}]).
%% call: proplists:compact([{a, true}, {b, false}, c, {"s", true}]).
%% call: proplists:from_map(#{a => 1, b => 2}).
%% call: proplists:to_map([{a, 1}, b, {a, 2}, {c, 3, 4}]).
%% call: proplists:get_keys([{a, 1}, b, {c, 2, 3}, {a, 9}, "junk"]).
%% call: proplists:get_keys([z, y, x, {w, 1}, v, u]).
%% call: proplists:append_values(a, [{a, [1, 2]}, {b, 3}, {a, 4}, a]).
%% call: proplists:property({a, true}).
%% call: proplists:property({a, 1}).
%% call: proplists:property(a, 1).
%% call: proplists:unfold([a, {b, 1}]).
%% call: proplists:split([{c, 2}, {e, 1}, a, {c, 3, 4}, d, {b, 5}, b], [a, b, c]).
%% call: proplists:substitute_aliases([{color, colour}], [color, {color, red}, x]).
%% call: lists:keyreplace(a, 0, [], {b}).
%% call: lists:keytake(a, 0, []).
%% call: lists:keysearch(a, 0, []).
%% call: lists:keymember(a, 0, []).
%% call: lists:keymember(a, 1, x).
%% call: lists:split(5, [1,2]).
%% call: lists:split(a, [1,2]).
%% call: lists:droplast([]).
%% call: lists:prefix(a, [1]).
%% call: lists:flatlength(a).
%% call: lists:flatten(a, []).
%% call: lists:unzip([a]).
%% call: lists:zip3([1], [2], []).
%% call: lists:append(a).
%% call: lists:join(x, a).
%% call: lists:uniq(a).
%% call: lists:enumerate([a,b]).
%% call: lists:enumerate(0, [a,b]).
%% call: lists:keymerge(1, [{1,a}], [{1,b},{0,c}]).
%% call: lists:concat([a, 1, "b", 1.5]).
%% call: lists:keymember(b, 2, [{a, b}]).
%% call: lists:keysearch(b, 2, [{a, b}, {c, b}]).
%% call: lists:keysearch(z, 2, [{a, b}]).
%% call: lists:keyreplace(a, 1, [{b, 1}, {a, 2}, {a, 3}], {x, 9}).
%% call: lists:keyreplace(z, 1, [{b, 1}], {x, 9}).
%% call: lists:keytake(a, 1, [{b, 1}, {a, 2}, {a, 3}]).
%% call: lists:keytake(z, 1, [{b, 1}]).
%% call: lists:keymerge(2, [{a, 1}, {b, 3}], [{c, 2}, {d, 3}]).
%% call: lists:merge([1, 3, 5], [2, 3.0, 4]).
%% call: lists:merge([[1, 4], [2, 3], [0]]).
%% call: lists:merge([]).
%% call: lists:concat([]).
%% call: lists:concat([hello, "_", 42, '_', world]).
%% call: lists:append([[1], [2, 3], [], [4]]).
%% call: lists:append([[1], x]).
%% call: lists:append([]).
%% call: lists:join(", ", ["a", "b", "c"]).
%% call: lists:join(x, []).
%% call: lists:flatten([1, [2, [3]]], [4, 5]).
%% call: lists:flatlength([1, [2, [3, []]], 4]).
%% call: lists:prefix([1, 2], [1, 2, 3]).
%% call: lists:prefix([1, 2.0], [1, 2, 3]).
%% call: lists:prefix([], []).
%% call: lists:suffix([2, 3], [1, 2, 3]).
%% call: lists:suffix([1, 2, 3, 4], [2, 3]).
%% call: lists:droplast([1, 2, 3]).
%% call: lists:droplast([a]).
%% call: lists:split(2, [a, b, c]).
%% call: lists:split(0, [a]).
%% call: lists:split(3, [a, b, c]).
%% call: lists:unzip([{1, a}, {2, b}]).
%% call: lists:unzip([]).
%% call: lists:unzip3([{1, a, x}, {2, b, y}]).
%% call: lists:zip3([1, 2], [a, b], [x, y]).
%% call: lists:uniq([3, 1, 3, 2, 1, 1.0]).
%% call: lists:uniq([]).
%% call: lists:unzip([{1, a}, b]).
%% call: lists:flatlength([1 | 2]).
%% call: lists:keymap(fun(X) -> X * 2 end, 2, [{a, 1}, {b, 2}]).
%% call: lists:zipwith3(fun(X, Y, Z) -> X + Y + Z end, [1, 2], [3, 4], [5, 6]).
%% call: lists:search(fun(X) -> X > 2 end, [1, 2, 3, 4]).
%% call: lists:search(fun(X) -> X > 9 end, [1, 2, 3, 4]).
%% call: lists:uniq(fun({K, _}) -> K end, [{a, 1}, {b, 2}, {a, 3}]).
%% call: lists:merge(fun(A, B) -> A >= B end, [5, 3, 1], [4, 2]).
%% call: lists:sort([1.0,1,2,2.0]).
%% call: lists:sort([2, 0.5]).
%% call: lists:sort([2.0, 2]).
%% call: lists:sort([0.0, -0.0]).
%% call: lists:sort([-0.0, 0.0]).
%% call: lists:sort([1, 1.0]).
%% call: lists:sort([1.0, 1]).
%% call: lists:sort([3,1,2,1.0,2.0,3.0]).
%% call: lists:sort([1,1.0,1,1.0]).
%% call: lists:sort([2,1,1.0]).
%% call: lists:sort([2,-0.0,-1,1,1.0,3.0,1.0]).
%% call: lists:sort([a,1,3.0,2.0,1,1.0,-0.0]).
%% call: lists:sort([1.0,2.0,1.0,3.0,-0.0,1,a,1.0]).
%% call: lists:sort([-1,-1,a,1,a]).
%% call: lists:sort([-0.0,1,2.0,1,3.0,2,0,-0.0,2,3.0,1.0]).
%% call: lists:sort([0,3.0,-1,2,1.0,a,a,-1,2.0,0.0,1.0]).
%% call: lists:sort([-1.0,1.0,a,1,a,2.0,3,-1,3.0,-0.0]).
%% call: lists:sort([3,a,3,0.0,0,2.0,2]).
%% call: lists:sort([1.0,a,0,3.0,3]).
%% call: lists:sort([-1.0,3,0,a,1.0,1.0,3.0]).
%% call: lists:sort([2,0.0,2,3,-0.0,1,-1,1.0]).
%% call: lists:sort([a,0.0,0.0,-1.0,0.0,a,3,a,3,1.0]).
%% call: lists:sort([0,3,-1.0]).
%% call: lists:sort([1.0,1,-1.0,-1.0,0,-1,a,-1,3,0,-1.0,-0.0]).
%% call: lists:sort([0.0,1,3,0.0,2,a,1.0,3,1,2.0,0,2]).
%% call: lists:sort([-0.0,-0.0,3,1.0,2]).
%% call: lists:sort([-0.0,3.0,0,2,-0.0,3.0,0,-1.0,-0.0]).
%% call: lists:sort([-1,-0.0,2.0,2,1.0,2,2]).
%% call: lists:sort([-1,2.0,1,3,a]).
%% call: lists:sort([0,0,1,2]).
%% call: lists:sort([3.0,0.0,a,a,0.0,2,-1.0,3.0]).
%% call: lists:sort([-1,-1,-1.0,1,3,-1,3.0,-0.0,-0.0,-0.0,-0.0]).
%% call: lists:sort([3,-1,-0.0]).
%% call: lists:sort([2.0,1.0]).
%% call: lists:sort([3,2,1.0,0.0,a]).
%% call: lists:sort([1.0,1]).
%% call: lists:sort([2,3.0,1.0,0.0,a,1,1.0,2.0,a,-0.0,2]).
%% call: lists:sort([0,0.0,a,0.0,3,1.0,1.0,3,3,3,3,0]).
%% call: lists:sort([2,1.0,-1.0]).
%% call: lists:sort([-1.0,0,3,-1.0,2,3.0,1]).
%% call: lists:sort([3.0,0.0,2,-1.0,3.0]).
%% call: lists:sort([3.0,0]).
%% call: lists:sort([1.0,-1.0,0,3.0,0.0,2,0.0,2.0,3.0,3.0,3.0,0.0]).
%% call: lists:sort([2.0,a,2.0,2.0,-0.0,-1.0,2.0,2.0,3.0,3,0.0,-1.0]).
%% call: lists:sort([1,0]).
%% call: lists:sort([0,2.0,-1.0,a,0.0,3,-1.0,0.0,0.0]).
%% call: lists:sort([2.0,1.0,2.0]).
%% call: lists:sort([2.0,0.0,2.0,3,a,a,1,3,-1]).
%% call: lists:sort([-1,1.0,-1,1.0,-0.0,-1.0,2.0]).
%% call: lists:sort([2,-0.0,-1,0.0,1.0,-1.0,-0.0,3,-0.0]).
%% call: lists:sort([3.0,5.0,3,3,3.0,-1,2.0,2,5.0,3.0,3,-1.0,-1,5.0,2,1.0,3,0,2,1.0,3.0,5.0,5,-1.0,1,-1,-0.0,3,-1.0,5,-1,-1.0,2,-1,1,3.0,1.0,1,1,2.0,2.0]).
%% call: lists:sort([1,5.0,3,0.0,3,-1,2.0,3.0,2.0,-1.0,0,3,1,-1.0,1.0,3,-1.0,0,-0.0,3.0,1.0,5,0,0.0,5.0,2.0,3.0,0,1,1.0,-1,5.0,1.0,-0.0,1.0,0,-0.0,1.0,1,-1.0,1,2.0,2.0,1,3,-0.0,5,-0.0,-0.0,1.0,-1]).
%% call: lists:sort([2.0,5.0,-1.0,0,0.0,1.0,0,0.0,1,-0.0,5.0,1.0,2,2.0,5,1.0,1,1,3,5.0,3,2,-1.0,3.0,2.0,3,3.0,2.0,5,5.0,2,-0.0,-1.0,-0.0,1.0,-0.0,-0.0,2.0,1,0,5.0,-1,0,1,2.0,2,-0.0,-1,-1.0,-1,1.0,1,2]).
%% call: lists:sort([3,0,1,5.0,-1,0.0,0,-0.0,1.0,1.0,1.0,2.0,-1,-1.0,2.0,1,-1,0.0,0.0,-1,3,2,-1,3,-1,2]).
%% call: lists:sort([2,-1.0,2,0,2.0,-1,2.0,5,2.0,2,5,-1.0,3.0,2.0,-1.0,-0.0,3,-1,1.0,-0.0,1,1.0,1.0,1,3.0,0,2.0,5,5,-0.0,0,-0.0,-1,3,0,3.0,2]).
%% call: lists:sort([1.0,2,2.0,3,3.0,-1.0,-1,-1,1.0,0,2.0,2.0,5,1,1.0,0,-0.0,3,2.0,1,1,2,0,0.0,3.0,-1,2,1.0,0.0,2,3,0.0,-1.0,5,5,3.0,-1,2,-1,1,1,3,0.0,5,0,1,1,-1,-1.0,1.0,3,1.0,5,0,0.0,2,1.0,1.0,3]).
%% call: lists:sort([0.0,5,1,5,5,5,2,5.0,0.0,0.0,1.0,-1.0,3,1.0,-0.0,5.0,1,3,-1,1,-1,-1.0,-0.0,-0.0,-1,1,-1,1.0,1.0,1.0,-1.0,1.0,0,-0.0,5,0.0,-0.0,5,5,-1,3,3,3,3.0,1.0,3.0,5.0]).
%% call: lists:sort([1,0,-1,1.0,3,1,2.0,5,1.0,3,5.0,-1,-1.0,3,0,1,0.0,0,2,-1.0,-1,2.0,3.0,2,5.0,0.0,-1.0,3,3,2.0,0.0,-0.0,-1.0,0,2.0,-1.0,-0.0,5.0,5.0,5.0,2.0,2.0,-0.0,2.0,-1]).
%% call: lists:sort([2.0,2,2,3,0.0,1,5,1.0,0,2,1.0,3,3,0,2.0,-0.0,-0.0,-1.0,3.0,3,-1.0,0.0,5,-1,3,0.0,1.0,1,0,-1,1,-1.0,5]).
%% call: lists:sort([-1,0.0,0,-1.0,5.0,-1,1,-1.0,2,-0.0,3,2.0,1,5.0,0,2.0,5.0,2,5.0,1,-1.0,1.0,3,1.0,-1.0,3.0,-1.0,-1.0,5.0,0.0]).
%% call: lists:sort([-1.0,2.0,2.0,3,0,2,5,1,5.0,3,3.0,5,1,2,2.0,0,5.0]).
%% call: lists:sort([3.0,5,3.0,3.0,-1,5.0,2,-0.0,5.0,5,2.0,1.0,-0.0,5,-0.0,2,3,3,2.0,-1.0,1,-0.0,3.0,-1,-1.0,3.0,5.0,0.0,3,0.0,-1.0,2.0,1.0,5,5.0]).
%% call: lists:sort([5,1.0,2.0,2.0,-0.0,1.0,0,3.0,5.0,0.0,0,5,1,0.0,3.0,1.0,1,3,0.0,3.0,-0.0,5.0,0,3,1,2.0,5.0,1.0,-0.0,5.0,1,2,3.0,0.0,-1.0,5.0,2,3,2,3.0,5,3.0,-1.0,5,3,3,-1,5,1.0,5.0,2.0,3,3.0,3.0]).
%% call: lists:sort([5,3.0,-1.0,2,3.0,3.0,3.0,0,0,-1.0,-0.0,-1,2.0,0,2,3.0,3.0,0,-1,3,2.0,-0.0,3.0,1.0,3.0,1,-1,-0.0,1,3.0,1]).
%% call: lists:sort([-0.0,3.0,5.0,-1,1.0,3,1.0,5,2,1.0,3.0,3,-0.0,5.0,-0.0,0,2.0,3,3,2,0.0,-0.0,3,3.0,0.0,1.0,2.0,-0.0,-1,1,0,2,5,5.0,1,1,2.0,2,2.0,1,-1.0,0,0.0,5,0.0,2.0]).
%% call: lists:sort([3,1.0,3,5,-1,1.0,3.0,-1,0,5,2.0,5,3.0,-0.0,1,-0.0,-1.0,-0.0,3.0,-1,2,3.0,2.0,-1.0,3.0,-1.0,2.0,3.0,2.0,3.0,-1,-1,2,2.0,5,-1.0,5.0,0.0,2,0.0,-1,0.0,2.0,2.0,5.0,2.0,1.0,2,2.0,2,5,1.0]).
%% call: lists:sort([-0.0,1.0,-0.0,-0.0,3.0,5.0,5,2,2.0,-0.0,-1.0,-1.0,5.0,1,1.0,2.0,-1,-1.0,0.0,0.0,1.0,5,3.0,-1.0,5.0,0.0,3.0,-1.0,2.0]).
%% call: lists:sort([3,1.0,1,1,5.0,3.0,-1,3.0,-1,3,2,2.0,2,1.0,2.0,2,2]).
%% call: lists:sort([-1.0,1.0,-1,1,2,-1.0,3,1.0,5.0,1.0,0.0,-0.0,3,-0.0,3.0,0.0,-0.0,2.0,-1,0.0,1,-1.0,5,1,2.0,2,-0.0,3,0.0,5,0.0]).
%% call: lists:sort([2.0,-1,2,1.0,3.0,5.0,1,0.0,1.0,5.0,5,-1.0,-0.0,-1,-1,2.0,3.0,-1,0.0,5.0,5.0,0,0,1.0,5,5,5.0,2,-0.0,2,0.0,3.0,5,0.0,5.0,-0.0,5.0,2]).
%% call: lists:usort([0,0.0,-1.0,3.0,1,3,2.0,-1.0,1,2,1.0,0.0,3,2.0,-0.0,3.0,1.0,-1,2.0,1,2.0]).
%% call: lists:usort([2.0,3,0.0,3.0,0.0]).
%% call: lists:usort([-1.0,0.0,-0.0,0.0,2,3,0.0,0.0,3.0,2]).
%% call: lists:usort([-0.0,-1,-1.0,3.0,0.0,3,2,2,-1,-0.0,-1,3,2.0,2,-1]).
%% call: lists:usort([-0.0,-1,0,-1.0,3,0,2,2,3,3.0,3,0.0,3.0,2,-0.0,-1,3.0,1,1.0,2.0,0,1.0,1.0,-1.0]).
%% call: lists:usort([-1,-0.0,0.0,2.0,0,0.0]).
%% call: lists:usort([-1.0,2.0,1,-1.0,-1,-0.0,0]).
%% call: lists:usort([1,1.0]).
%% call: lists:usort([0,1.0,1,1.0,0.0,-1,-1,-0.0,0,1,0]).
%% call: lists:usort([0.0,1.0,1,3,2,3.0,1.0,0.0,2.0,3,-1.0,-0.0,2.0,-1,3,1.0,1,2.0,-1.0,2,1.0,1.0,0.0,2,0.0,-1,1.0]).
%% call: lists:keysort(1, [{-0.0,0},{2,1},{2.0,2},{-1.0,3},{1,4},{3,5},{0.0,6},{-1,7},{3,8},{2,9},{3,10},{2.0,11},{1.0,12},{0.0,13},{-1,14},{1,15},{1,16},{2,17},{-0.0,18},{1.0,19},{0,20},{2,21},{-1.0,22},{0.0,23},{0.0,24},{2.0,25},{2,26},{0,27},{3.0,28},{3.0,29}]).
%% call: lists:keysort(1, [{-1.0,0},{1,1},{1,2},{-1,3},{-0.0,4},{1.0,5},{-0.0,6},{3.0,7},{-1,8},{3,9},{-1,10},{-1,11},{2.0,12},{3.0,13},{1.0,14},{1.0,15},{-1.0,16},{-1,17},{1.0,18},{1,19},{1.0,20},{3,21},{0,22},{-1.0,23},{3.0,24},{3.0,25},{1.0,26},{-1.0,27},{-1.0,28}]).
%% call: lists:keysort(1, [{-0.0,0},{1.0,1},{2.0,2},{-0.0,3},{1,4},{-1,5},{3.0,6},{0,7},{-1.0,8},{1.0,9},{-1.0,10},{3.0,11},{0.0,12},{0.0,13},{1.0,14},{3,15}]).
%% call: lists:keysort(1, [{2,0},{3.0,1},{2.0,2},{-1.0,3},{-0.0,4},{-1.0,5},{1.0,6}]).
%% call: lists:keysort(1, [{2.0,0},{-1.0,1},{0,2},{1.0,3},{2.0,4},{-0.0,5},{-0.0,6},{-1.0,7},{-1.0,8},{3.0,9},{3,10},{2.0,11},{2.0,12},{0.0,13},{-1,14},{0,15},{-1.0,16},{1,17},{2.0,18},{3.0,19},{2,20},{0.0,21},{-1.0,22},{1.0,23},{-1,24},{-0.0,25}]).
%% call: lists:keysort(1, [{-0.0,0},{0,1},{-0.0,2},{1.0,3}]).
%% call: lists:keysort(1, [{2,0},{-0.0,1},{-1,2},{3.0,3},{3,4},{1.0,5},{0,6},{-0.0,7},{1,8},{2.0,9},{2.0,10},{-1.0,11},{-0.0,12},{2.0,13},{3,14},{-1,15},{-1.0,16},{3.0,17},{1,18},{1.0,19},{3.0,20}]).
%% call: lists:keysort(1, [{2,0},{1.0,1},{-1,2},{-1,3},{-1,4},{-1,5},{3,6},{2.0,7}]).
%% call: lists:keysort(1, [{2.0,0},{2.0,1},{0.0,2},{2.0,3},{2,4},{1.0,5},{1.0,6},{3,7},{-1.0,8},{3,9},{3.0,10},{-1.0,11},{1,12},{-1.0,13},{2,14},{1,15},{3,16},{-1,17},{-1.0,18},{2,19}]).
%% call: lists:keysort(1, [{-0.0,0},{3.0,1},{1,2},{3,3},{3,4},{0,5},{3,6},{1.0,7},{0,8},{3.0,9},{1.0,10},{2.0,11},{-0.0,12},{1.0,13},{1.0,14}]).
%% call: lists:sort(fun(A, B) -> A =< B end, [-0.0,1.0,-1,1,-0.0,0.0,2.0,0.0,2]).
%% call: lists:sort(fun(A, B) -> A =< B end, [2,1.0,0.0,0,2,-1.0,-1,2.0,1,-0.0,1.0,2,3,1.0,2.0,-1.0,3]).
%% call: lists:sort(fun(A, B) -> A =< B end, [2.0,-1,0.0,2,-1,-1,2,1,2.0,3,-1.0,2.0,1,1]).
%% call: lists:sort(fun(A, B) -> A =< B end, [-1.0,0.0,-1.0,2.0,-1.0,-0.0,1,1,0,0.0]).
%% call: lists:sort(fun(A, B) -> A =< B end, [2.0,-1.0,3,3.0,1,0,2]).
%% call: lists:sort(fun(A, B) -> A =< B end, [3.0,3.0,-1,-1.0]).
%% call: lists:sort(fun(A, B) -> A =< B end, [3,3.0,2,2.0,2.0,-1,2,-1,0,3.0,3.0,2.0,0.0,3.0,-0.0,3.0,2,1,-1.0,2,-1,-1.0,0,3,3,1,-1.0]).
%% call: lists:sort(fun(A, B) -> A =< B end, [-0.0,-1]).
%% call: lists:sort(fun(A, B) -> A =< B end, [0.0,-1,2.0,-1.0,2.0]).
%% call: lists:sort(fun(A, B) -> A =< B end, [2.0,1.0,-1.0,-1,-0.0,2,1.0,0.0,0.0,1,1,0.0,1.0,1.0,1,0.0,2,1.0,2,2]).
%% call: lists:sort(fun(A, B) -> A >= B end, [3,3,-0.0,-1,2,3,2.0,2,2,2.0,2.0,3.0,3.0,3,0,1,0,1.0,-0.0,-1.0,2,1,2]).
%% call: lists:sort(fun(A, B) -> A >= B end, [1.0,-1.0,0,3.0,0,2,-1.0,-1,-1.0,2,-1.0,0.0,1,-1,3.0,-1.0,0,-1]).
%% call: lists:sort(fun(A, B) -> A >= B end, [3,1,3,-0.0,-0.0,1.0,-1,1,0.0,2.0,1.0,3.0,3,1.0,-1,0.0,2.0,1,3.0,-1.0,-0.0,-1.0,-1.0,1,2.0]).
%% call: lists:sort(fun(A, B) -> A >= B end, [3.0,3,-1,1,1.0,3,2.0,-0.0,2.0,1,1.0,-0.0,-1,-1,2.0,3,1,3.0,0,0.0,-1.0]).
%% call: lists:sort(fun(A, B) -> A >= B end, [0.0,3.0,0.0,1.0,3.0,-1,-1.0,0.0,2.0,-1,3.0,0.0,-0.0,0,1.0,2.0,-1,0.0,-1.0,-1,2.0]).
%% call: lists:usort(fun(A, B) -> A =< B end, [1,-1.0]).
%% call: lists:usort(fun(A, B) -> A =< B end, [2,-1.0,1.0,-1,-1]).
%% call: lists:usort(fun(A, B) -> A =< B end, [0,-1.0,1.0,0,2,1,3.0,2.0,1.0,2,3.0,0.0,-0.0,3,1,1.0,1.0,1,3.0,-1,2,2.0,-0.0,1.0]).
%% call: lists:usort(fun(A, B) -> A =< B end, [3.0,3.0,-1,3,-1.0,3,-0.0,0.0,3,1,2,2,2,2.0,1,2.0,-0.0,1,1,0.0,1.0,0]).
%% call: lists:usort(fun(A, B) -> A =< B end, [-1.0,-0.0,0.0,2,2.0,0.0,2.0,-1,0.0,-0.0,-1]).
%% call: lists:ukeysort(1, [{3.0,0},{2,1},{0.0,2},{3,3},{1.0,4},{1,5},{3,6},{0,7}]).
%% call: lists:ukeysort(1, [{0,0},{0,1},{1.0,2},{1.0,3},{3,4},{3,5},{1.0,6},{0.0,7},{1.0,8},{-0.0,9},{2,10},{1,11},{0,12},{-0.0,13},{-0.0,14},{1.0,15},{1,16},{1,17},{-0.0,18}]).
%% call: lists:ukeysort(1, [{0.0,0},{0,1},{3,2},{1,3},{1,4},{1,5},{0.0,6},{0,7},{3,8},{0,9},{0.0,10},{2,11}]).
%% call: lists:ukeysort(1, [{3.0,0},{0,1},{3,2},{0.0,3},{-0.0,4},{0,5},{-0.0,6},{-0.0,7},{1,8},{-0.0,9}]).
%% call: lists:ukeysort(1, [{3.0,0}]).
%% call: lists:ukeysort(1, [{1,0},{1.0,1},{3,2},{1,3}]).
%% call: lists:ukeysort(1, [{-0.0,0},{-0.0,1},{3,2},{1,3},{2.0,4},{2.0,5},{3.0,6},{0,7},{1.0,8},{-0.0,9},{2.0,10}]).
%% call: lists:ukeysort(1, [{-0.0,0},{0,1},{0.0,2},{-0.0,3},{0.0,4},{3.0,5},{-0.0,6},{1.0,7},{-0.0,8},{3.0,9},{2.0,10},{-0.0,11},{2,12},{-0.0,13},{3.0,14},{3,15},{2,16},{-0.0,17},{2,18},{2,19}]).
%% call: lists:ukeysort(1, [{2,0},{2,1},{1,2},{0,3},{2,4},{1,5},{0.0,6},{2,7},{-0.0,8}]).
%% call: lists:ukeysort(1, [{0.0,0},{1,1},{0,2},{2,3},{2,4},{2,5},{0.0,6},{3,7},{1.0,8},{1.0,9},{3.0,10},{2,11},{0.0,12},{-0.0,13},{3.0,14},{0,15},{2,16}]).
%% call: lists:ukeysort(1, [{-0.0,0},{-0.0,1},{0.0,2},{3.0,3},{0,4},{3,5},{3.0,6},{0,7},{3,8},{1,9},{2.0,10},{1,11},{1.0,12},{2.0,13},{3,14}]).
%% call: lists:ukeysort(1, [{2.0,0},{3.0,1},{1.0,2},{3,3},{3.0,4},{1,5},{0.0,6},{0.0,7},{0.0,8},{0.0,9},{2,10},{1.0,11},{1,12},{1.0,13},{0.0,14},{2.0,15},{1.0,16},{2.0,17},{-0.0,18},{2.0,19}]).
%% call: lists:ukeysort(2, [{a,2},{b,1},{c,2}]).
%% call: lists:ukeysort(2, [{a,2},{b,1},{c,2}]).
%% call: lists:ukeysort(1, []).
-module(l1_lib).
-export([f/0]).
f() -> ok.
