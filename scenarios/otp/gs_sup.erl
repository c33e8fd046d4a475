%% A supervisor for scenarios/otp/supervisor.json: three workers, one of
%% each restart type, under the strategy given (simple_one_for_one: one
%% spec of gs_w, started with start_child); at most 2 restarts in 10 s.
-module(gs_sup).
-behaviour(supervisor).
-export([start_link/1, init/1]).

start_link(Strategy) -> supervisor:start_link({local, gs_sup}, ?MODULE, Strategy).

init(simple_one_for_one) ->
    {ok, {#{strategy => simple_one_for_one, intensity => 2, period => 10},
          [#{id => pooled, start => {gs_w, start_link, []}}]}};
init(Strategy) ->
    {ok, {#{strategy => Strategy, intensity => 2, period => 10},
          [#{id => w1, start => {gs_w, start_link, [w1]}},
           #{id => w2, start => {gs_w, start_link, [w2]}, restart => transient},
           {w3, {gs_w, start_link, [w3]}, temporary, brutal_kill, worker, [gs_w]}]}}.
