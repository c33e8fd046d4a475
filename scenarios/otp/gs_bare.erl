%% A gen_server with only the callbacks OTP requires: no handle_info/2,
%% no terminate/2.
-module(gs_bare).
-behaviour(gen_server).
-export([start/0, init/1, handle_call/3, handle_cast/2]).

start() -> gen_server:start({local, bare}, ?MODULE, [], []).

init([]) -> {ok, 0}.
handle_call(get, _From, N) -> {reply, N, N}.
handle_cast(bump, N) -> {noreply, N + 1}.
