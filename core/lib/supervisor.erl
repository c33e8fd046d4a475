%% supervisor: the supervisor behaviour, as OTP 25's stdlib supervisor,
%% written on gen_server.
%%
%% The callback module's init/1 returns {ok, {SupFlags, ChildSpecs}}.
%% SupFlags: a map #{strategy, intensity, period} (defaults one_for_one,
%% 1, 5) or a tuple {Strategy, Intensity, Period}. A child spec: a map
%% #{id, start, restart, shutdown, type, modules} (defaults permanent,
%% 5000 for a worker and infinity for a supervisor, worker, [M]) or a
%% tuple {Id, {M, F, A}, Restart, Shutdown, Type, Modules}.
%%
%% The supervisor traps exits and starts its children in order. When a
%% child exits, its restart type decides: permanent is always restarted,
%% transient unless the reason is normal, shutdown or {shutdown, _},
%% temporary never. The strategy decides what else restarts: one_for_one
%% the child alone, one_for_all every child (the others terminated in
%% reverse start order first), rest_for_one the children started after
%% it. More than Intensity restarts within Period seconds (virtual time)
%% make the supervisor give up: it terminates its children and exits with
%% shutdown. Each abnormal exit is logged as a SUPERVISOR REPORT
%% (child_terminated), and giving up as one too (shutdown,
%% reached_max_restart_intensity), as OTP 25 logs them.
%%
%% Divergences from OTP 25 (docs/otp.md): no simple_one_for_one, no
%% significant children or auto_shutdown, no code change.
-module(supervisor).
-behaviour(gen_server).

%% API
-export([start_link/2, start_link/3,
         start_child/2, restart_child/2, delete_child/2, terminate_child/2,
         which_children/1, count_children/1, check_childspecs/1]).

%% gen_server callbacks
-export([init/1, handle_call/3, handle_cast/2, handle_info/2, terminate/2]).

-record(child, {pid = undefined, id, mfargs, restart_type = permanent,
                shutdown, child_type = worker, modules}).
%% children: the children, the one started last first (as which_children
%% lists them); restarts: the virtual times of the recent restarts.
-record(state, {name, strategy = one_for_one, children = [],
                intensity = 1, period = 5, restarts = [], module, args}).

%%% ---------------------------------------------------------------
%%% API
%%% ---------------------------------------------------------------

start_link(Mod, Args) ->
    gen_server:start_link(?MODULE, {self, Mod, Args}, []).

start_link(SupName, Mod, Args) ->
    gen_server:start_link(SupName, ?MODULE, {SupName, Mod, Args}, []).

start_child(Sup, ChildSpec) -> call(Sup, {start_child, ChildSpec}).
restart_child(Sup, Id) -> call(Sup, {restart_child, Id}).
delete_child(Sup, Id) -> call(Sup, {delete_child, Id}).
terminate_child(Sup, Id) -> call(Sup, {terminate_child, Id}).
which_children(Sup) -> call(Sup, which_children).
count_children(Sup) -> call(Sup, count_children).

call(Sup, Req) -> gen_server:call(Sup, Req, infinity).

check_childspecs(ChildSpecs) when is_list(ChildSpecs) ->
    case check_startspec(ChildSpecs) of
        {ok, _} -> ok;
        Error -> {error, Error}
    end;
check_childspecs(X) -> {error, {badarg, X}}.

%%% ---------------------------------------------------------------
%%% gen_server callbacks
%%% ---------------------------------------------------------------

init({SupName, Mod, Args}) ->
    process_flag(trap_exit, true),
    Name = case SupName of
               self -> {self(), Mod};
               _ -> SupName
           end,
    case Mod:init(Args) of
        {ok, {SupFlags, StartSpec}} ->
            case init_state(Name, SupFlags, Mod, Args) of
                {ok, State} ->
                    case check_startspec(StartSpec) of
                        {ok, Children} ->
                            case start_children(Children, [], Name) of
                                {ok, Started} ->
                                    {ok, State#state{children = Started}};
                                {error, Started, Reason} ->
                                    terminate_children(Started, Name),
                                    {stop, {shutdown, Reason}}
                            end;
                        Error ->
                            {stop, {start_spec, Error}}
                    end;
                Error ->
                    {stop, {supervisor_data, Error}}
            end;
        ignore ->
            ignore;
        Error ->
            {stop, {bad_return, {Mod, init, Error}}}
    end.

handle_call({start_child, ChildSpec}, _From, State) ->
    case check_childspec(ChildSpec) of
        {ok, Child} ->
            {Resp, NState} = handle_start_child(Child, State),
            {reply, Resp, NState};
        What ->
            {reply, {error, What}, State}
    end;
handle_call({restart_child, Id}, _From, State) ->
    case find_child(Id, State) of
        #child{pid = undefined} = Child ->
            case do_start_child(State#state.name, Child) of
                {ok, Pid} ->
                    {reply, {ok, Pid}, replace_child(Child#child{pid = Pid}, State)};
                {error, Reason} ->
                    {reply, {error, Reason}, State}
            end;
        #child{} ->
            {reply, {error, running}, State};
        false ->
            {reply, {error, not_found}, State}
    end;
handle_call({delete_child, Id}, _From, State) ->
    case find_child(Id, State) of
        #child{pid = undefined} = Child ->
            {reply, ok, remove_child(Child, State)};
        #child{} ->
            {reply, {error, running}, State};
        false ->
            {reply, {error, not_found}, State}
    end;
handle_call({terminate_child, Id}, _From, State) when is_pid(Id) ->
    case [C || C <- State#state.children, C#child.pid =:= Id] of
        [Child] ->
            shutdown(Child, State#state.name),
            {reply, ok, remove_or_keep(Child, State)};
        [] ->
            {reply, {error, not_found}, State}
    end;
handle_call({terminate_child, Id}, _From, State) ->
    case find_child(Id, State) of
        #child{} = Child ->
            shutdown(Child, State#state.name),
            {reply, ok, remove_or_keep(Child, State)};
        false ->
            {reply, {error, not_found}, State}
    end;
handle_call(which_children, _From, State) ->
    Resp = [{Id, Pid, Type, Mods}
            || #child{pid = Pid, id = Id, child_type = Type, modules = Mods}
                   <- State#state.children],
    {reply, Resp, State};
handle_call(count_children, _From, State) ->
    Cs = State#state.children,
    Active = length([C || #child{pid = P} = C <- Cs, is_pid(P)]),
    Sups = length([C || #child{child_type = supervisor} = C <- Cs]),
    {reply, [{specs, length(Cs)}, {active, Active},
             {supervisors, Sups}, {workers, length(Cs) - Sups}], State}.

handle_cast(_Msg, State) ->
    {noreply, State}.

handle_info({'EXIT', Pid, Reason}, State) ->
    case restart_child(Pid, Reason, State) of
        {ok, NState} -> {noreply, NState};
        {shutdown, NState} -> {stop, shutdown, NState}
    end;
handle_info(Msg, State) ->
    error_logger:error_msg("Supervisor received unexpected message: ~tp~n", [Msg]),
    {noreply, State}.

terminate(_Reason, State) ->
    terminate_children(State#state.children, State#state.name),
    ok.

%%% ---------------------------------------------------------------
%%% Starting children
%%% ---------------------------------------------------------------

%% Children in start order; Started: those running, the last first.
start_children([Child | Rest], Started, SupName) ->
    case do_start_child(SupName, Child) of
        {ok, undefined} when Child#child.restart_type =:= temporary ->
            start_children(Rest, Started, SupName);
        {ok, Pid} ->
            start_children(Rest, [Child#child{pid = Pid} | Started], SupName);
        {error, Reason} ->
            report_error(start_error, Reason, Child, SupName),
            {error, Started, {failed_to_start_child, Child#child.id, Reason}}
    end;
start_children([], Started, _SupName) ->
    {ok, Started}.

do_start_child(_SupName, #child{mfargs = {M, F, Args}}) ->
    case catch apply(M, F, Args) of
        {ok, Pid} when is_pid(Pid) -> {ok, Pid};
        {ok, Pid, _Extra} when is_pid(Pid) -> {ok, Pid};
        ignore -> {ok, undefined};
        {error, _} = Error -> Error;
        What -> {error, What}
    end.

handle_start_child(Child, State) ->
    case find_child(Child#child.id, State) of
        false ->
            case do_start_child(State#state.name, Child) of
                {ok, undefined} when Child#child.restart_type =:= temporary ->
                    {{ok, undefined}, State};
                {ok, Pid} ->
                    Children = State#state.children,
                    {{ok, Pid}, State#state{children = [Child#child{pid = Pid} | Children]}};
                {error, What} ->
                    {{error, What}, State}
            end;
        #child{pid = Pid} when is_pid(Pid) ->
            {{error, {already_started, Pid}}, State};
        #child{} ->
            {{error, already_present}, State}
    end.

%%% ---------------------------------------------------------------
%%% Restarting (supervisor:restart_child/3, do_restart/3, restart/2)
%%% ---------------------------------------------------------------

restart_child(Pid, Reason, State) ->
    case [C || C <- State#state.children, C#child.pid =:= Pid] of
        [Child] -> do_restart(Reason, Child, State);
        [] -> {ok, State}
    end.

do_restart(Reason, #child{restart_type = permanent} = Child, State) ->
    report_error(child_terminated, Reason, Child, State#state.name),
    restart(Child, State);
do_restart(normal, Child, State) ->
    {ok, remove_or_keep(Child, State)};
do_restart(shutdown, Child, State) ->
    {ok, remove_or_keep(Child, State)};
do_restart({shutdown, _}, Child, State) ->
    {ok, remove_or_keep(Child, State)};
do_restart(Reason, #child{restart_type = transient} = Child, State) ->
    report_error(child_terminated, Reason, Child, State#state.name),
    restart(Child, State);
do_restart(Reason, #child{restart_type = temporary} = Child, State) ->
    report_error(child_terminated, Reason, Child, State#state.name),
    {ok, remove_or_keep(Child, State)}.

restart(Child, State) ->
    case add_restart(State) of
        {ok, NState} ->
            do_restart_strategy(Child, NState);
        {terminate, NState} ->
            report_error(shutdown, reached_max_restart_intensity,
                         Child, State#state.name),
            {shutdown, replace_child(Child#child{pid = undefined}, NState)}
    end.

do_restart_strategy(Child, #state{strategy = one_for_one} = State) ->
    case do_start_child(State#state.name, Child) of
        {ok, Pid} ->
            {ok, replace_child(Child#child{pid = Pid}, State)};
        {error, Reason} ->
            report_error(start_error, Reason, Child, State#state.name),
            restart(Child, State)
    end;
do_restart_strategy(Child, #state{strategy = one_for_all} = State) ->
    Others = [C || C <- State#state.children, C#child.id =/= Child#child.id],
    terminate_children(Others, State#state.name),
    restart_in_order(lists:reverse(State#state.children), Child, State);
do_restart_strategy(Child, #state{strategy = rest_for_one} = State) ->
    %% the children started after Child come before it in the list
    {After, _} = lists:splitwith(fun(C) -> C#child.id =/= Child#child.id end,
                                 State#state.children),
    terminate_children(After, State#state.name),
    restart_in_order(lists:reverse([Child | After]), Child, State).

%% Starts ToStart (in start order) again; temporary children that were
%% terminated are gone.
restart_in_order([C | Rest], Failed, State) ->
    Name = State#state.name,
    case C#child.restart_type =:= temporary andalso C#child.id =/= Failed#child.id of
        true ->
            restart_in_order(Rest, Failed, remove_child(C, State));
        false ->
            case do_start_child(Name, C) of
                {ok, Pid} ->
                    restart_in_order(Rest, Failed, replace_child(C#child{pid = Pid}, State));
                {error, Reason} ->
                    report_error(start_error, Reason, C, Name),
                    restart(C#child{pid = undefined},
                            replace_child(C#child{pid = undefined}, State))
            end
    end;
restart_in_order([], _Failed, State) ->
    {ok, State}.

%% The restart intensity: at most Intensity restarts in Period seconds.
add_restart(State) ->
    #state{intensity = I, period = P, restarts = R} = State,
    Now = erlang:monotonic_time(second),
    R1 = [T || T <- [Now | R], Now - T < P],
    NState = State#state{restarts = R1},
    case length(R1) > I of
        true -> {terminate, NState};
        false -> {ok, NState}
    end.

%%% ---------------------------------------------------------------
%%% Terminating children (supervisor:shutdown/2)
%%% ---------------------------------------------------------------

terminate_children(Children, SupName) ->
    lists:foreach(fun(#child{pid = Pid} = C) when is_pid(Pid) -> shutdown(C, SupName);
                     (_) -> ok
                  end, Children).

shutdown(#child{pid = undefined}, _SupName) ->
    ok;
shutdown(#child{pid = Pid, shutdown = brutal_kill} = Child, SupName) ->
    Mon = monitor(process, Pid),
    exit(Pid, kill),
    receive
        {'DOWN', Mon, process, Pid, Reason} ->
            unlink_flush(Pid),
            shutdown_report(Reason, killed, Child, SupName)
    end;
shutdown(#child{pid = Pid, shutdown = Time} = Child, SupName) ->
    Mon = monitor(process, Pid),
    exit(Pid, shutdown),
    After = case Time of
                infinity -> infinity;
                _ -> Time
            end,
    receive
        {'DOWN', Mon, process, Pid, Reason} ->
            unlink_flush(Pid),
            shutdown_report(Reason, shutdown, Child, SupName)
    after After ->
            exit(Pid, kill),
            receive
                {'DOWN', Mon, process, Pid, Reason} ->
                    unlink_flush(Pid),
                    shutdown_report(Reason, shutdown, Child, SupName)
            end
    end.

unlink_flush(Pid) ->
    unlink(Pid),
    receive
        {'EXIT', Pid, _} -> ok
    after 0 -> ok
    end.

shutdown_report(Expected, Expected, _Child, _SupName) -> ok;
shutdown_report(normal, _, _Child, _SupName) -> ok;
shutdown_report({shutdown, _}, shutdown, _Child, _SupName) -> ok;
shutdown_report(Reason, _, Child, SupName) ->
    report_error(shutdown_error, Reason, Child, SupName).

%%% ---------------------------------------------------------------
%%% The children list
%%% ---------------------------------------------------------------

find_child(Id, State) ->
    lists:keyfind(Id, #child.id, State#state.children).

replace_child(Child, State) ->
    Id = Child#child.id,
    Cs = [case C#child.id of Id -> Child; _ -> C end || C <- State#state.children],
    State#state{children = Cs}.

remove_child(Child, State) ->
    State#state{children = lists:keydelete(Child#child.id, #child.id,
                                           State#state.children)}.

%% A temporary child is forgotten when it ends; the others stay, with no pid.
remove_or_keep(#child{restart_type = temporary} = Child, State) ->
    remove_child(Child, State);
remove_or_keep(Child, State) ->
    replace_child(Child#child{pid = undefined}, State).

%%% ---------------------------------------------------------------
%%% Checking the flags and the child specs (supervisor:check_flags/1,
%%% check_childspec/1)
%%% ---------------------------------------------------------------

init_state(Name, Flags, Mod, Args) when is_map(Flags) ->
    Strategy = maps:get(strategy, Flags, one_for_one),
    Intensity = maps:get(intensity, Flags, 1),
    Period = maps:get(period, Flags, 5),
    init_state(Name, {Strategy, Intensity, Period}, Mod, Args);
init_state(Name, {Strategy, Intensity, Period}, Mod, Args) ->
    case validStrategy(Strategy) of
        false -> {invalid_strategy, Strategy};
        true when not is_integer(Intensity); Intensity < 0 ->
            {invalid_intensity, Intensity};
        true when not is_integer(Period); Period =< 0 ->
            {invalid_period, Period};
        true ->
            {ok, #state{name = Name, strategy = Strategy, intensity = Intensity,
                        period = Period, module = Mod, args = Args}}
    end;
init_state(_Name, Flags, _Mod, _Args) ->
    {invalid_type, Flags}.

validStrategy(one_for_one) -> true;
validStrategy(one_for_all) -> true;
validStrategy(rest_for_one) -> true;
validStrategy(_) -> false.

%% The specs in order, or an error term; ids must be unique.
check_startspec(Specs) -> check_startspec(Specs, []).

check_startspec([Spec | T], Acc) ->
    case check_childspec(Spec) of
        {ok, #child{id = Id} = Child} ->
            case lists:keyfind(Id, #child.id, Acc) of
                false -> check_startspec(T, [Child | Acc]);
                _ -> {duplicate_child_name, Id}
            end;
        Error -> Error
    end;
check_startspec([], Acc) ->
    {ok, lists:reverse(Acc)}.

check_childspec(Spec) when is_map(Spec) ->
    case maps:find(id, Spec) of
        error -> missing_id;
        {ok, Id} ->
            case maps:find(start, Spec) of
                error -> missing_start;
                {ok, Start} ->
                    Type = maps:get(type, Spec, worker),
                    Default = case Type of supervisor -> infinity; _ -> 5000 end,
                    do_check_childspec(Id, Start,
                                       maps:get(restart, Spec, permanent),
                                       maps:get(shutdown, Spec, Default), Type,
                                       maps:get(modules, Spec, start_mod(Start)))
            end
    end;
check_childspec({Id, Start, Restart, Shutdown, Type, Mods}) ->
    do_check_childspec(Id, Start, Restart, Shutdown, Type, Mods);
check_childspec(X) ->
    {invalid_child_spec, X}.

start_mod({M, _F, _A}) -> [M];
start_mod(_) -> [].

do_check_childspec(Id, Start, Restart, Shutdown, Type, Mods) ->
    case {valid_mfa(Start), valid_restart(Restart), valid_shutdown(Shutdown),
          valid_type(Type), valid_mods(Mods)} of
        {false, _, _, _, _} -> {invalid_mfa, Start};
        {_, false, _, _, _} -> {invalid_restart_type, Restart};
        {_, _, false, _, _} -> {invalid_shutdown, Shutdown};
        {_, _, _, false, _} -> {invalid_child_type, Type};
        {_, _, _, _, false} -> {invalid_modules, Mods};
        _ ->
            {ok, #child{id = Id, mfargs = Start, restart_type = Restart,
                        shutdown = Shutdown, child_type = Type, modules = Mods}}
    end.

valid_mfa({M, F, A}) -> is_atom(M) andalso is_atom(F) andalso is_list(A);
valid_mfa(_) -> false.

valid_restart(R) -> lists:member(R, [permanent, transient, temporary]).

valid_shutdown(brutal_kill) -> true;
valid_shutdown(infinity) -> true;
valid_shutdown(T) -> is_integer(T) andalso T >= 0.

valid_type(T) -> lists:member(T, [worker, supervisor]).

valid_mods(dynamic) -> true;
valid_mods(Mods) when is_list(Mods) -> lists:all(fun erlang:is_atom/1, Mods);
valid_mods(_) -> false.

%%% ---------------------------------------------------------------
%%% Reports
%%% ---------------------------------------------------------------

report_error(Error, Reason, Child, SupName) ->
    error_logger:'$report'(supervisor,
        "    supervisor: ~tp~n"
        "    errorContext: ~tp~n"
        "    reason: ~tp~n"
        "    offender: ~tp~n",
        [SupName, Error, Reason, extract_child(Child)]).

extract_child(#child{pid = Pid, id = Id, mfargs = MFA, restart_type = R,
                     shutdown = S, child_type = T}) ->
    [{pid, Pid}, {id, Id}, {mfargs, MFA}, {restart_type, R},
     {significant, false}, {shutdown, S}, {child_type, T}].
