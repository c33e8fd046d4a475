%% A supervisor for scenarios/otp/supervisor.json: three workers, one of
%% each restart type, under the strategy given; at most 2 restarts in 10 s.
-module(gs_sup).
-behaviour(supervisor).
-export([start_link/1, init/1]).

start_link(Strategy) -> supervisor:start_link({local, gs_sup}, ?MODULE, Strategy).

init(Strategy) ->
    {ok, {#{strategy => Strategy, intensity => 2, period => 10},
          [#{id => w1, start => {gs_w, start_link, [w1]}},
           #{id => w2, start => {gs_w, start_link, [w2]}, restart => transient},
           {w3, {gs_w, start_link, [w3]}, temporary, brutal_kill, worker, [gs_w]}]}}.
