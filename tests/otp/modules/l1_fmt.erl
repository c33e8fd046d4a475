%% l1_fmt: io_lib:format/2 and io:format/1,2,3 against OTP 25: every
%% control, field widths, precision, pad characters, the deep list
%% io_lib:format returns, and the badarg texts of io:format.
%% call: io_lib:format("x~py", [a]).
%% call: io_lib:format("~w", [{a,b}]).
%% call: io_lib:format("~p", [{a,b}]).
%% call: io_lib:format("~p", [[1,2,3]]).
%% call: io_lib:format("~p", ["abc"]).
%% call: io_lib:format("~s", ["abc"]).
%% call: io_lib:format("~5.2f|", [3.14159]).
%% call: io_lib:format("~10s|", ["abc"]).
%% call: io_lib:format("abc", []).
%% call: io_lib:format("~w", [12]).
%% call: io_lib:format("~p", [1.5]).
%% call: io_lib:format("~e", [1.5]).
%% call: io_lib:format("~c", [$a]).
%% call: io_lib:format("~i~w", [a,b]).
%% call: io_lib:format("~P", [[1,2,3,4,5],3]).
%% call: io_lib:format("~w", [[1,2,3]]).
%% call: io_lib:format("~w", [<<1,2>>]).
%% call: io_lib:format("~w", [#{a=>1}]).
%% call: io_lib:format("~w", [#{a=>1,b=>2}]).
%% call: io_lib:format("~p", [#{a=>1,b=>2}]).
%% call: io_lib:format("~w", [[1|2]]).
%% call: io_lib:format("~w", [{}]).
%% call: io_lib:format("~w", ["ab"]).
%% call: io_lib:format("~p", [<<1,2>>]).
%% call: io_lib:format("~-6s|", ["abc"]).
%% call: io_lib:format("~6w|", [abc]).
%% call: io_lib:format("~-6p|", [abc]).
%% call: io_lib:format("~3s|", ["abcdef"]).
%% call: io_lib:format("~.2s|", ["abcdef"]).
%% call: io_lib:format("~W", [[1,2,3,4,5],3]).
%% call: io_lib:format("~p", [{1.0,-3}]).
%% call: io_lib:format("~w", [{a,{b,c}}]).
%% call: io_lib:format("~d", [a]).
%% call: io_lib:format("~w ~w", [a]).
%% call: io_lib:format(a, b).
%% call: io_lib:format("~c", [256]).
%% call: io_lib:format("~3f|~3B|~2B", [3.14159, 5, 100]).
%% call: io_lib:format("~10.3.0f|~-10s|~*w|~.16B|~10c|", [3.14159, "ab", 5, x, 255, $z]).
%% call: io_lib:format("~g ~g ~g ~g ~g", [0.5, 1.5, 12345.6, 0.0001, 100.0]).
%% call: io_lib:format("~x ~X ~# ~+ ~.16# ~.16+", [255, "0x", -255, abc, 255, 255, 255, 255]).
%% call: io_lib:format("~.2b ~.36B ~.36b", [5, 35, 35]).
%% call: io_lib:format("~5.1.xn", []).
%% call: io_lib:format("~3~~.*c", [4, $a]).
%% call: io_lib:format("~.1f ~.1f ~.2f ~.2f ~.1f", [0.25, 0.35, 0.125, 1.005, 2.45]).
%% call: io_lib:format("~.2e ~.3e ~e", [0.125, 1.0e-300, 123456789.0]).
%% call: io_lib:format("~W", [#{a=>1}, 2]).
%% call: io_lib:format("~W", [#{a=>1,b=>2,c=>3}, 3]).
%% call: io_lib:format("~W", [<<1,2,3,4,5>>, 3]).
%% call: io_lib:format("~W", [{a,b,c,d}, 2]).
%% call: io_lib:format("~w", [<<3:5>>]).
%% call: io_lib:format("~w", [<<1,3:5>>]).
%% call: io_lib:format("~w", ['A b']).
%% call: io_lib:format("~-*w|", [4, a]).
%% call: io_lib:format("~*w|", [-4, a]).
%% call: io_lib:format("~-*w|", [-4, a]).
%% call: io_lib:format("~.*.*w|", [3, $x, a]).
%% call: io_lib:format("~5.*w|", [$x, a]).
%% call: io_lib:format("~-s", [a]).
%% call: io_lib:format("~f", [123456789.123]).
%% call: io_lib:format("~f ~f", [0.0, -1.5]).
%% call: io_lib:format("~.10f", [1.0e-5]).
%% call: io_lib:format("~B", [-9223372036854775807 - 1]).
%% call: io_lib:format("~.2B ~.8B ~.16b", [-1, 8, -255]).
%% call: io_lib:format("~s", [[$a, [$b, <<"cd">>] | <<"ef">>]]).
%% call: io_lib:format("~s", [[a]]).
%% call: io_lib:format("~x", [10, [$a, [$b]]]).
%% call: io_lib:format("~x", [10, [$a, b]]).
%% call: io_lib:format("~10.5s|", ["abcdefgh"]).
%% call: io_lib:format("~-10.5s|", ["abc"]).
%% call: io_lib:format("~5.5s|", ["abcdefgh"]).
%% call: io_lib:format("~.5.*s|", [$-, "ab"]).
%% call: io_lib:format("~2c|~-4.2.xc|", [$a, $b]).
%% call: io_lib:format("~10n", []).
%% call: io_lib:format("~-3n", []).
%% call: io_lib:format("~10~", []).
%% call: io_lib:format("~g", [1.0e-5]).
%% call: io_lib:format("~.1g ~.2g ~.3g", [0.5, 0.5, 5.0]).
%% call: io_lib:format("~e", [-0.0]).
%% call: io:format("~a~n", []).
%% call: io:format("~1", [a]).
%% call: io:format("~.*w", [a, b]).
%% call: io:format("~x", [a, "p"]).
%% call: io:format("~W", [a]).
%% call: io:format("~P", [a, 1.5]).
%% call: io:format("~s ~f", [[-1], 1.0]).
%% call: io:format(standard_io, "~w~n", [a]).
%% call: io:format(user, "x~n", []).
%% call: io:format(bogus, "x~n", []).
%% call: io:format("~p~n", [{"long string here so that it breaks", [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]}]).
%% call: io:format("ab ~p~n", [{"long string here so that it breaks", [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]}]).
%% call: io:format("~4w|~-4w|~4.2w|~n", [12345, a, abc]).
%% call: io:format("~p ~w~n", [-0.0, 1.0e100]).
%% call: io:fwrite("~w~n", [fw]).
%% call: io:format("~10B|~-10.16B|~.2.0B~n", [42, 255, 5]).
%% call: io_lib:format("~p", [[]]).
%% call: io_lib:format("~w|~p", [[], {}]).
%% call: io_lib:format("~w", [[[1], [2, [3]]]]).
%% call: io_lib:format("~W", [[[1], [2, [3]]], 3]).
%% call: io_lib:format("~W", [{a, [b, c], d}, 0]).
%% call: io_lib:format("~W", [[a, b], 1]).
%% call: io_lib:format("~P", [{a, [b, c], d}, 2]).
%% call: io_lib:format("~w", [-5]).
%% call: io_lib:format("~w ~w", [1.0, 0.1]).
%% call: io_lib:format("~12w|", [{a, 1}]).
%% call: io_lib:format("~-12w|", [{a, 1}]).
%% call: io_lib:format("~12.3w|", [{a, 1}]).
%% call: io_lib:format("~.3w|", [{a, 1}]).
%% call: io_lib:format("~5.1.0w", [7]).
%% call: io_lib:format("~s", [hello]).
%% call: io_lib:format("~8s|", [hello]).
%% call: io_lib:format("~s", [[]]).
%% call: io_lib:format("~s", [<<>>]).
%% call: io_lib:format("~1s|", [""]).
%% call: io_lib:format("~c~c~c", [$a, $b, $c]).
%% call: io_lib:format("~5c|", [$*]).
%% call: io_lib:format("~.3c|", [$*]).
%% call: io_lib:format("~f", [1.0]).
%% call: io_lib:format("~.3f", [2.0005]).
%% call: io_lib:format("~.3f", [2.0015]).
%% call: io_lib:format("~.1f", [0.05]).
%% call: io_lib:format("~.1f", [99.95]).
%% call: io_lib:format("~.2f", [-0.005]).
%% call: io_lib:format("~9.2f|", [-3.14159]).
%% call: io_lib:format("~-9.2f|", [3.14159]).
%% call: io_lib:format("~9.2.0f|", [-3.14159]).
%% call: io_lib:format("~e", [123.456]).
%% call: io_lib:format("~.2e", [9.99]).
%% call: io_lib:format("~.4e", [-1.0e-10]).
%% call: io_lib:format("~15e|", [1.5]).
%% call: io_lib:format("~g", [0.1]).
%% call: io_lib:format("~g", [1.0]).
%% call: io_lib:format("~g", [999.9999]).
%% call: io_lib:format("~g", [9999.5]).
%% call: io_lib:format("~g", [-123.0]).
%% call: io_lib:format("~b", [0]).
%% call: io_lib:format("~B", [1234567890]).
%% call: io_lib:format("~.16b", [3054]).
%% call: io_lib:format("~.7B", [100]).
%% call: io_lib:format("~8.2.0B", [5]).
%% call: io_lib:format("~-8.2.0B|", [5]).
%% call: io_lib:format("~.1B", [5]).
%% call: io_lib:format("~.37B", [5]).
%% call: io_lib:format("~.16x", [255, "0x"]).
%% call: io_lib:format("~.16X", [255, '0x']).
%% call: io_lib:format("~.16X", [-255, "#"]).
%% call: io_lib:format("~10.16x|", [255, "0x"]).
%% call: io_lib:format("~.2#", [5]).
%% call: io_lib:format("~.36+", [1295]).
%% call: io_lib:format("~#", [-10]).
%% call: io_lib:format("~i~i~w", [1, 2, 3]).
%% call: io_lib:format("~~~n~~", []).
%% call: io_lib:format("a~nb", []).
%% call: io_lib:format("~tw ~tp", [[1, 2], "x"]).
%% call: io_lib:format(<<"~w">>, [bin]).
%% call: io_lib:format(fmt_atom, []).
%% call: io_lib:format("~w", []).
%% call: io_lib:format("~w", x).
%% call: io_lib:format("~z", [1]).
%% call: io_lib:format("~e", [1]).
%% call: io_lib:format("~b", [1.0]).
%% call: io_lib:format("~.*f", [-2, 1.0]).
%% call: io_lib:format("~*.*.*w|", [6, 2, $., ab]).
%% call: io_lib:format("~.*.*w|", [2, 0, a]).
%% call: io_lib:format("~.*f", [3, 2.5]).
%% call: lists:flatten(io_lib:format("~w and ~s", [1, "two"])).
%% call: lists:flatten(io_lib:format("~-10s|~5w|~8.3f", ["name", 42, 2.5])).
%% call: lists:flatten(io_lib:format("~p", [#{k => [1, 2], j => {x}}])).
%% call: length(lists:flatten(io_lib:format("~100c", [$x]))).
%% call: io:format("~w ~s ~p~n", [a, "b", "c"]).
%% call: io:format("plain~n").
%% call: io:format("~-5w|~5w|~n", [ab, cd]).
%% call: io:format("~.3e|~10.4f|~n", [1234.5, 3.0]).
%% call: io:format("~z", [1]).
%% call: io:format("~", [1]).
%% call: io:format("~w~w", [1]).
%% call: io:format("~w", [1, 2]).
%% call: io:format("~c", [a]).
%% call: io:format("~s", [{a}]).
%% call: io:format("~e", [1]).
%% call: io:format(42, []).
%% call: io:format("~w", 42).
%% call: io:format("~.0f", [1.0]).
%% call: io:format("~.40B", [1]).
%% call: io:format(standard_io, "~.2f~n", [1.0]).
%% call: io:format(standard_io, "~q", []).
%% call: io:format("~lp ~tp ~tw~n", [[97,98], [1024], [1024]]).
%% call: io:format("~lp~n", [{"abc", <<"de">>, [[104,105]]}]).
%% call: io_lib:format("~lp", [[97,98]]).
%% call: io_lib:format("~0p", [[1,2]]).
%% call: io:format("~3p~n", [{aaa,[1,2,3]}]).
%% call: io_lib:format("~p", [[1,2|3]]).
%% call: io_lib:format("~p", [{a,[1|x]}]).
%% call: io_lib:format("~p", [{"ab",1}]).
%% call: io_lib:format("~p", [[[1,2],"cd"]]).
%% call: io_lib:format("~p", [#{"k" => <<"v">>}]).
%% call: io_lib:format("~p", [<<1,2,3:4>>]).
%% call: io_lib:format("~p", ['A b']).
%% call: io_lib:format("~p", [<<"abc">>]).
%% call: io_lib:format("~p", [{"ab",[a],<<"x">>}]).
%% call: io_lib:format("~w~n~p", [a, {b, "c"}]).
%% call: io_lib:format("~lp", [{"ab", <<"x">>}]).
%% call: io_lib:format("~tp", [{"ab", <<"x">>}]).
%% call: io:format("~s: ~p~n", ["key", lists:seq(1, 40)]).
%% call: io:format("\t~p~n", [lists:seq(1, 40)]).
%% call: io:format("~w ~p ~p~n", [abc, lists:seq(1, 25), {x, lists:seq(1, 25)}]).
%% call: io:format("~p~n~p~n", [lists:seq(1, 30), lists:seq(1, 30)]).
%% call: io:format("~10s~p~n", ["pre", [{a, "some text here"}, {b, "other text"}, {c, "third one"}, {d, 4}]]).
%% call: io:format("~-20w~p~n", [x, #{alpha => lists:seq(1, 12), beta => "a string value"}]).
%% call: io:format("~P~n", [lists:seq(1, 100), 10]).
%% call: io:format("~60p~n", [[{aaaa, bbbb}, {cccc, dddd}, {eeee, ffff}, {gggg, hhhh}, {iiii, jjjj}]]).
%% call: io:format("~ts ~tp~n", ["x", {"long string value number one", "long string value number two"}]).
-module(l1_fmt).
-export([f/0]).
f() -> ok.
