%% loops: tail-recursive loops that run in constant space.
%% call: loops:count_down(5).
%% call: loops:sum_to(1000000).
%% call: loops:reverse([1, 2, 3, 4]).
%% call: loops:fib(30).
%% call: loops:collatz(27).
-module(loops).
-export([count_down/1, sum_to/1, reverse/1, fib/1, collatz/1]).

count_down(N) -> count_down(N, []).

count_down(0, Acc) -> lists:reverse([liftoff | Acc]);
count_down(N, Acc) -> count_down(N - 1, [N | Acc]).

sum_to(N) -> sum_to(N, 0).

sum_to(0, Acc) -> Acc;
sum_to(N, Acc) -> sum_to(N - 1, Acc + N).

reverse(L) -> reverse(L, []).

reverse([], Acc) -> Acc;
reverse([H | T], Acc) -> reverse(T, [H | Acc]).

fib(N) -> fib(N, 0, 1).

fib(0, A, _) -> A;
fib(N, A, B) -> fib(N - 1, B, A + B).

%% The number of steps to reach 1.
collatz(N) -> collatz(N, 0).

collatz(1, Steps) -> Steps;
collatz(N, Steps) when N rem 2 =:= 0 -> collatz(N div 2, Steps + 1);
collatz(N, Steps) -> collatz(3 * N + 1, Steps + 1).
