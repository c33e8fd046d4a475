%% gen_server: the generic server behaviour, as OTP 25's stdlib
%% gen_server (with gen.erl and proc_lib.erl beside it).
%%
%% The callback module gives init/1, handle_call/3, handle_cast/2 and
%% optionally handle_info/2, handle_continue/2 and terminate/2. The
%% server loop receives one message at a time: {'$gen_call', From, Req}
%% goes to handle_call, {'$gen_cast', Req} to handle_cast, anything else
%% (and the timeout of a {..., Timeout} result) to handle_info. When the
%% server traps exits, an 'EXIT' from its parent makes it terminate with
%% that reason. A callback that raises, or returns a bad value, makes the
%% server call terminate/2 and exit; unless the reason is normal,
%% shutdown or {shutdown, _} it logs the "Generic server terminating"
%% ERROR REPORT, then proc_lib's CRASH REPORT.
%%
%% Divergences from OTP 25 (docs/otp.md): no sys debug options, no
%% hibernation (hibernate is accepted and waits as infinity does), a
%% local client's stack trace in the report has its module frames only,
%% and reply tags are references rather than aliases (gen.erl).
-module(gen_server).

%% API
-export([start/3, start/4, start_link/3, start_link/4,
         stop/1, stop/3,
         call/2, call/3, cast/2, reply/2,
         abcast/2, abcast/3]).

%% proc_lib and gen
-export([init_it/6]).

%% The stack of the caller, innermost first, as OTP's ?STACKTRACE() takes
%% it from process_info(self(), current_stacktrace): the exit of a server
%% that stops shows the function that decided it.
-define(STACKTRACE(),
        try throw('$stacktrace') catch throw:'$stacktrace':St -> St end).

%%% ---------------------------------------------------------------
%%% API
%%% ---------------------------------------------------------------

start(Mod, Args, Options) ->
    gen:start(?MODULE, nolink, Mod, Args, Options).

start(Name, Mod, Args, Options) ->
    gen:start(?MODULE, nolink, Name, Mod, Args, Options).

start_link(Mod, Args, Options) ->
    gen:start(?MODULE, link, Mod, Args, Options).

start_link(Name, Mod, Args, Options) ->
    gen:start(?MODULE, link, Name, Mod, Args, Options).

stop(ServerRef) ->
    gen:stop(ServerRef).

stop(ServerRef, Reason, Timeout) ->
    gen:stop(ServerRef, Reason, Timeout).

call(ServerRef, Request) ->
    case catch gen:call(ServerRef, '$gen_call', Request) of
        {ok, Res} ->
            Res;
        {'EXIT', Reason} ->
            exit({Reason, {?MODULE, call, [ServerRef, Request]}})
    end.

call(ServerRef, Request, Timeout) ->
    case catch gen:call(ServerRef, '$gen_call', Request, Timeout) of
        {ok, Res} ->
            Res;
        {'EXIT', Reason} ->
            exit({Reason, {?MODULE, call, [ServerRef, Request, Timeout]}})
    end.

cast({global, Name}, Request) ->
    catch global:send(Name, cast_msg(Request)),
    ok;
cast({via, Mod, Name}, Request) ->
    catch Mod:send(Name, cast_msg(Request)),
    ok;
cast({Name, Node} = Dest, Request) when is_atom(Name), is_atom(Node) ->
    do_send(Dest, cast_msg(Request));
cast(Dest, Request) when is_atom(Dest) ->
    do_send(Dest, cast_msg(Request));
cast(Dest, Request) when is_pid(Dest) ->
    do_send(Dest, cast_msg(Request)).

cast_msg(Request) -> {'$gen_cast', Request}.

reply(From, Reply) ->
    gen:reply(From, Reply).

abcast(Name, Request) when is_atom(Name) ->
    do_abcast([node() | nodes()], Name, cast_msg(Request)).

abcast(Nodes, Name, Request) when is_list(Nodes), is_atom(Name) ->
    do_abcast(Nodes, Name, cast_msg(Request)).

do_abcast([Node | Nodes], Name, Msg) when is_atom(Node) ->
    do_send({Name, Node}, Msg),
    do_abcast(Nodes, Name, Msg);
do_abcast([], _, _) ->
    abcast.

do_send(Dest, Msg) ->
    try Dest ! Msg
    catch error:_ -> ok
    end,
    ok.

%%% ---------------------------------------------------------------
%%% Starting: gen's init_it calls this in the new process
%%% ---------------------------------------------------------------

init_it(Starter, self, Name, Mod, Args, Options) ->
    init_it(Starter, self(), Name, Mod, Args, Options);
init_it(Starter, Parent, Name0, Mod, Args, _Options) ->
    Name = gen:name(Name0),
    case init_it(Mod, Args) of
        {ok, {ok, State}} ->
            proc_lib:init_ack(Starter, {ok, self()}),
            loop(Parent, Name, State, Mod, infinity);
        {ok, {ok, State, TimeoutOrHibernate}}
                when TimeoutOrHibernate =:= infinity;
                     is_integer(TimeoutOrHibernate), TimeoutOrHibernate >= 0;
                     TimeoutOrHibernate =:= hibernate ->
            proc_lib:init_ack(Starter, {ok, self()}),
            loop(Parent, Name, State, Mod, TimeoutOrHibernate);
        {ok, {ok, State, {continue, _} = Continue}} ->
            proc_lib:init_ack(Starter, {ok, self()}),
            loop(Parent, Name, State, Mod, Continue);
        {ok, {stop, Reason}} ->
            %% the name goes before the starter hears of the failure, so
            %% that starting again at once cannot meet already_started
            gen:unregister_name(Name0),
            proc_lib:init_ack(Starter, {error, Reason}),
            exit(Reason);
        {ok, ignore} ->
            gen:unregister_name(Name0),
            proc_lib:init_ack(Starter, ignore),
            exit(normal);
        {ok, Else} ->
            Error = {bad_return_value, Else},
            proc_lib:init_ack(Starter, {error, Error}),
            exit(Error);
        {'EXIT', Class, Reason, Stacktrace} ->
            gen:unregister_name(Name0),
            proc_lib:init_ack(Starter, {error, terminate_reason(Class, Reason, Stacktrace)}),
            erlang:raise(Class, Reason, Stacktrace)
    end.

init_it(Mod, Args) ->
    try
        {ok, Mod:init(Args)}
    catch
        throw:R -> {ok, R};
        Class:R:S -> {'EXIT', Class, R, S}
    end.

%%% ---------------------------------------------------------------
%%% The main loop
%%% ---------------------------------------------------------------

loop(Parent, Name, State, Mod, {continue, Continue} = Msg) ->
    Reply = try_dispatch(Mod, handle_continue, Continue, State),
    handle_common_reply(Reply, Parent, Name, undefined, Msg, Mod, State);
loop(Parent, Name, State, Mod, hibernate) ->
    loop(Parent, Name, State, Mod, infinity);
loop(Parent, Name, State, Mod, Time) ->
    Msg = receive
              Input -> Input
          after Time ->
              timeout
          end,
    decode_msg(Msg, Parent, Name, State, Mod, Time).

decode_msg(Msg, Parent, Name, State, Mod, Time) ->
    case Msg of
        {system, From, Req} ->
            system_msg(Req, From, Parent, Name, State, Mod, Time);
        {'EXIT', Parent, Reason} ->
            terminate(exit, Reason, ?STACKTRACE(), false, Name, undefined, Msg,
                      Mod, State);
        _ ->
            handle_msg(Msg, Parent, Name, State, Mod)
    end.

%% The system messages that sys:terminate and sys:get_state send.
system_msg({terminate, Reason}, From, _Parent, Name, State, Mod, _Time) ->
    gen:reply(From, ok),
    terminate(exit, Reason, ?STACKTRACE(), false, Name, undefined, [], Mod,
              State);
system_msg(get_state, From, Parent, Name, State, Mod, Time) ->
    gen:reply(From, {ok, State}),
    loop(Parent, Name, State, Mod, Time);
system_msg(_Req, From, Parent, Name, State, Mod, Time) ->
    gen:reply(From, {error, unknown_system_msg}),
    loop(Parent, Name, State, Mod, Time).

handle_msg({'$gen_call', From, Msg}, Parent, Name, State, Mod) ->
    Result = try_handle_call(Mod, Msg, From, State),
    case Result of
        {ok, {reply, Reply, NState}} ->
            reply(From, Reply),
            loop(Parent, Name, NState, Mod, infinity);
        {ok, {reply, Reply, NState, TimeoutOrHibernate}}
                when TimeoutOrHibernate =:= infinity;
                     is_integer(TimeoutOrHibernate), TimeoutOrHibernate >= 0;
                     TimeoutOrHibernate =:= hibernate ->
            reply(From, Reply),
            loop(Parent, Name, NState, Mod, TimeoutOrHibernate);
        {ok, {reply, Reply, NState, {continue, _} = Continue}} ->
            reply(From, Reply),
            loop(Parent, Name, NState, Mod, Continue);
        {ok, {stop, Reason, Reply, NState}} ->
            try
                terminate(exit, Reason, ?STACKTRACE(), false, Name, From, Msg,
                          Mod, NState)
            after
                reply(From, Reply)
            end;
        Other ->
            handle_common_reply(Other, Parent, Name, From, Msg, Mod, State)
    end;
handle_msg({'$gen_cast', Cast} = Msg, Parent, Name, State, Mod) ->
    Reply = try_dispatch(Mod, handle_cast, Cast, State),
    handle_common_reply(Reply, Parent, Name, undefined, Msg, Mod, State);
handle_msg(Msg, Parent, Name, State, Mod) ->
    Reply = try_handle_info(Mod, Msg, State),
    handle_common_reply(Reply, Parent, Name, undefined, Msg, Mod, State).

handle_common_reply(Reply, Parent, Name, From, Msg, Mod, State) ->
    case Reply of
        {ok, {noreply, NState}} ->
            loop(Parent, Name, NState, Mod, infinity);
        {ok, {noreply, NState, TimeoutOrHibernate}}
                when TimeoutOrHibernate =:= infinity;
                     is_integer(TimeoutOrHibernate), TimeoutOrHibernate >= 0;
                     TimeoutOrHibernate =:= hibernate ->
            loop(Parent, Name, NState, Mod, TimeoutOrHibernate);
        {ok, {noreply, NState, {continue, _} = Continue}} ->
            loop(Parent, Name, NState, Mod, Continue);
        {ok, {stop, Reason, NState}} ->
            terminate(exit, Reason, ?STACKTRACE(), false, Name, From, Msg, Mod,
                      NState);
        {'EXIT', Class, Reason, Stacktrace} ->
            terminate(Class, Reason, Stacktrace, true, Name, From, Msg, Mod, State);
        {ok, BadReply} ->
            terminate(exit, {bad_return_value, BadReply}, ?STACKTRACE(), false,
                      Name, From, Msg, Mod, State)
    end.

%%% ---------------------------------------------------------------
%%% Calling the callbacks: {ok, Result}, or {'EXIT', Class, Reason,
%%% Stack} for an exception (a throw is a result, as in OTP)
%%% ---------------------------------------------------------------

try_dispatch(Mod, Fun, Msg, State) ->
    try
        {ok, Mod:Fun(Msg, State)}
    catch
        throw:R -> {ok, R};
        Class:R:Stacktrace -> {'EXIT', Class, R, Stacktrace}
    end.

%% handle_info/2 is optional: without it a message is logged (WARNING,
%% "Undefined handle_info") and dropped, as OTP 25 does.
try_handle_info(Mod, Msg, State) ->
    try
        {ok, Mod:handle_info(Msg, State)}
    catch
        throw:R ->
            {ok, R};
        error:undef = R:Stacktrace ->
            case erlang:function_exported(Mod, handle_info, 2) of
                false ->
                    error_logger:warning_msg(
                      "** Undefined handle_info in ~p~n"
                      "** Unhandled message: ~tp~n", [Mod, Msg]),
                    {ok, {noreply, State}};
                true ->
                    {'EXIT', error, R, Stacktrace}
            end;
        Class:R:Stacktrace ->
            {'EXIT', Class, R, Stacktrace}
    end.

try_handle_call(Mod, Msg, From, State) ->
    try
        {ok, Mod:handle_call(Msg, From, State)}
    catch
        throw:R -> {ok, R};
        Class:R:Stacktrace -> {'EXIT', Class, R, Stacktrace}
    end.

try_terminate(Mod, Reason, State) ->
    case erlang:function_exported(Mod, terminate, 2) of
        true ->
            try
                {ok, Mod:terminate(Reason, State)}
            catch
                throw:R -> {ok, R};
                Class:R:Stacktrace -> {'EXIT', Class, R, Stacktrace}
            end;
        false ->
            {ok, ok}
    end.

%%% ---------------------------------------------------------------
%%% Terminating: terminate/2, the error report, then the exit
%%% (gen_server:terminate/10 of OTP 25)
%%% ---------------------------------------------------------------

terminate(Class, Reason, Stacktrace, ReportStacktrace, Name, From, Msg, Mod, State) ->
    Reply = try_terminate(Mod, terminate_reason(Class, Reason, Stacktrace), State),
    case Reply of
        {'EXIT', C, R, S} ->
            error_info({R, S}, Name, From, Msg, State),
            erlang:raise(C, R, S);
        _ ->
            case {Class, Reason} of
                {exit, normal} -> ok;
                {exit, shutdown} -> ok;
                {exit, {shutdown, _}} -> ok;
                _ when ReportStacktrace ->
                    error_info({Reason, Stacktrace}, Name, From, Msg, State);
                _ ->
                    error_info(Reason, Name, From, Msg, State)
            end
    end,
    case Stacktrace of
        [] -> erlang:Class(Reason);
        _ -> erlang:raise(Class, Reason, Stacktrace)
    end.

terminate_reason(error, Reason, Stacktrace) -> {Reason, Stacktrace};
terminate_reason(exit, Reason, _Stacktrace) -> Reason.

error_info(Reason, Name, From, Msg, State) ->
    {ClientFmt, ClientArgs} = client_info(From),
    error_logger:error_msg(
      "** Generic server ~tp terminating \n"
      "** Last message in was ~tp~n"
      "** When Server state == ~tp~n"
      "** Reason for termination ==~n** ~tp~n" ++ ClientFmt,
      [Name, Msg, State, Reason] ++ ClientArgs).

%% OTP 25 names the client: dead, remote, or its name (or pid) and its
%% stack trace (gen_server:client_stacktrace/1). The stack holds the
%% client's module frames only: the shell's erl_eval and shell frames
%% that erl lists after them do not exist here.
client_info({Pid, _Tag}) when is_pid(Pid), node(Pid) =/= node() ->
    {"** Client ~p is remote on node ~p~n", [Pid, node(Pid)]};
client_info({Pid, _Tag}) when is_pid(Pid) ->
    case is_process_alive(Pid) of
        false ->
            {"** Client ~p is dead~n", [Pid]};
        true ->
            {current_stacktrace, Stack} = process_info(Pid, current_stacktrace),
            Name = case process_info(Pid, registered_name) of
                       {registered_name, N} -> N;
                       [] -> Pid
                   end,
            {"** Client ~tp stacktrace~n** ~tp~n", [Name, Stack]}
    end;
client_info(_) ->
    {"", []}.
