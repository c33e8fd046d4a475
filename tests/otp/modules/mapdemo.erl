%% mapdemo: maps: word counting with maps:update_with, := updates,
%% map patterns in function heads, iteration in key order.
%% call: mapdemo:count_words("the cat and the hat and the bat").
%% call: mapdemo:rename(#{name => "alice", age => 30}).
%% call: mapdemo:rename(#{age => 30}).
%% call: mapdemo:describe(#{type => circle, r => 2}).
%% call: mapdemo:describe(#{type => rect, w => 2, h => 3}).
%% call: mapdemo:invert(#{a => 1, b => 2, c => 3}).
%% call: mapdemo:bump(#{hits => 1}).
%% call: mapdemo:bump(#{}).
-module(mapdemo).
-export([count_words/1, rename/1, describe/1, invert/1, bump/1]).

count_words(Text) ->
    lists:foldl(fun(W, M) -> maps:update_with(W, fun(N) -> N + 1 end, 1, M) end,
                #{}, string:tokens(Text, " ")).

rename(#{name := Name} = M) -> M#{name := string:uppercase(Name)};
rename(M) -> M#{name => "anonymous"}.

describe(#{type := circle, r := R}) -> {circle, 3.14159 * R * R};
describe(#{type := rect, w := W, h := H}) -> {rect, W * H}.

invert(M) -> maps:from_list([{V, K} || {K, V} <- maps:to_list(M)]).

%% := on a missing key raises {badkey, hits}.
bump(M) -> M#{hits := maps:get(hits, M, 0) + 1}.
