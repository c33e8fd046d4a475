%% A gen_server for the scenarios of scenarios/otp/: init/1 answers what
%% its argument asks for, and each request shows one callback result.
-module(gs_demo).
-behaviour(gen_server).
-export([start/2, start_link/2, init/1, handle_call/3, handle_cast/2,
         handle_info/2, handle_continue/2, terminate/2]).

start(Name, How) -> gen_server:start(Name, ?MODULE, How, []).
start_link(Name, How) -> gen_server:start_link(Name, ?MODULE, How, []).

init(ok) -> {ok, []};
init(timeout) -> {ok, [], 100};
init(hibernate) -> {ok, [], hibernate};
init(continue) -> {ok, [], {continue, init_more}};
init(stop) -> {stop, no_way};
init(ignore) -> ignore;
init(trap) -> process_flag(trap_exit, true), {ok, []};
init(crash) -> erlang:error({init_failed, crash});
init(Other) -> Other.

handle_call(get, _From, S) -> {reply, S, S};
handle_call({reply_after, T}, _From, S) -> {reply, ok, S, T};
handle_call(later, From, S) -> {noreply, [From | S]};
handle_call(answer, _From, [Waiting | S]) ->
    gen_server:reply(Waiting, late_answer), {reply, done, S};
handle_call(stop_reply, _From, S) -> {stop, normal, bye, S};
handle_call(stop_noreply, _From, S) -> {stop, {shutdown, quit}, S};
handle_call({sleep, T}, _From, S) -> timer:sleep(T), {reply, slept, S};
handle_call(crash, _From, S) -> {reply, maps:get(b, #{a => S}), S};
handle_call(bad, _From, _S) -> what.

handle_cast({push, X}, S) -> {noreply, [X | S]};
handle_cast({push_timeout, X, T}, S) -> {noreply, [X | S], T};
handle_cast(stop, S) -> {stop, normal, S}.

handle_info(timeout, S) -> {noreply, [timeout | S]};
handle_info(Info, S) -> {noreply, [{info, Info} | S]}.

handle_continue(init_more, S) -> {noreply, [continued | S]}.

terminate(Reason, S) ->
    io:format("terminate(~p, ~p)~n", [Reason, S]).
