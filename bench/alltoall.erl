%% All-to-all, as Erlang writes it: K processes; in each of R rounds
%% every process sends one message to each of the K - 1 others, then
%% receives the K - 1 messages of that round (selective receive on the
%% round number). K * (K - 1) * R one-way messages of the workload, plus
%% K messages handing out the peers and K "done" replies.
%%   alltoall:start(K, R)
-module(alltoall).
-export([start/2]).

start(K, R) ->
    Self = self(),
    Pids = [spawn(fun() -> worker(Self, R) end) || _ <- lists:seq(1, K)],
    [P ! {peers, Pids} || P <- Pids],
    wait(K).

wait(0) ->
    done;
wait(I) ->
    receive
        worker_done -> wait(I - 1)
    end.

worker(Caller, R) ->
    receive
        {peers, Pids} ->
            Others = [P || P <- Pids, P =/= self()],
            rounds(1, R, Others, length(Others)),
            Caller ! worker_done
    end.

rounds(Round, R, _Others, _N) when Round > R ->
    ok;
rounds(Round, R, Others, N) ->
    [P ! {Round, x} || P <- Others],
    collect(Round, N),
    rounds(Round + 1, R, Others, N).

collect(_Round, 0) ->
    ok;
collect(Round, N) ->
    receive
        {Round, x} -> collect(Round, N - 1)
    end.
