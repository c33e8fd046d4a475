%% A worker for scenarios/otp/supervisor.json: a gen_server registered
%% under its id, that crashes or stops when told to.
-module(gs_w).
-behaviour(gen_server).
-export([start_link/1, init/1, handle_call/3, handle_cast/2]).

start_link(Id) -> gen_server:start_link({local, Id}, ?MODULE, Id, []).

init(Id) -> {ok, Id}.
handle_call(_, _From, S) -> {reply, S, S}.
handle_cast(crash, S) -> erlang:error({boom, S});
handle_cast(stop, S) -> {stop, normal, S}.
