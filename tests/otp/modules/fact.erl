%% fact: factorial by plain recursion and by a tail-recursive loop.
%% call: fact:fact(5).
%% call: fact:fact(20).
%% call: fact:tail_fact(10).
%% call: fact:fact(-1).
%% call: fact:tail_fact(a).
-module(fact).
-export([fact/1, tail_fact/1]).

fact(0) -> 1;
fact(N) when N > 0 -> N * fact(N - 1).

tail_fact(N) -> tail_fact(N, 1).

tail_fact(0, Acc) -> Acc;
tail_fact(N, Acc) when N > 0 -> tail_fact(N - 1, N * Acc).
