%% proc_lib: starting processes that follow the OTP design principles,
%% as OTP 25's stdlib proc_lib does (spawn_link/3, start/3,4,
%% start_link/3,4, init_ack/1,2, stop/1,3), and the crash report of a
%% process that ends abnormally.
%%
%% A process started here keeps its parent and ancestors in its
%% dictionary ('$ancestors', '$initial_call'); when it exits with a reason
%% other than normal, shutdown or {shutdown, _} it prints a CRASH REPORT
%% and exits with {Reason, Stack} (error), Reason (exit) or
%% {{nocatch, V}, Stack} (throw), as proc_lib:exit_p/3 does.
%%
%% Divergences from OTP 25 (docs/otp.md): the crash report has no
%% heap_size, stack_size and reductions lines, and its neighbours are not
%% listed; the stack frames of this file carry its own line numbers.
-module(proc_lib).

-export([spawn/3, spawn_link/3,
         start/3, start/4, start_link/3, start_link/4,
         init_ack/1, init_ack/2,
         stop/1, stop/3]).
-export([init_p/5]).

%%% ---------------------------------------------------------------
%%% Spawning
%%% ---------------------------------------------------------------

spawn(M, F, A) when is_atom(M), is_atom(F), is_list(A) ->
    erlang:spawn(?MODULE, init_p, [my_name(), ancestors(), M, F, A]).

spawn_link(M, F, A) when is_atom(M), is_atom(F), is_list(A) ->
    erlang:spawn_link(?MODULE, init_p, [my_name(), ancestors(), M, F, A]).

init_p(Parent, Ancestors, M, F, A) ->
    put('$ancestors', [Parent | Ancestors]),
    put('$initial_call', trans_init(M, F, A)),
    init_p_do_apply(M, F, A).

init_p_do_apply(M, F, A) ->
    try
        apply(M, F, A)
    catch
        Class:Reason:Stack ->
            exit_p(Class, Reason, Stack)
    end.

exit_p(Class, Reason, Stack) ->
    crash_report(Class, Reason, get('$initial_call'), Stack),
    erlang:raise(exit, exit_reason(Class, Reason, Stack), Stack).

exit_reason(error, Reason, Stack) -> {Reason, Stack};
exit_reason(exit, Reason, _Stack) -> Reason;
exit_reason(throw, Reason, Stack) -> {{nocatch, Reason}, Stack}.

%% What the crash report names as the initial call (proc_lib:trans_init/3).
trans_init(gen, init_it, [gen_server, _, _, supervisor, {_, Module, _}, _]) ->
    {supervisor, Module, 1};
trans_init(gen, init_it, [gen_server, _, _, _, supervisor, {_, Module, _}, _]) ->
    {supervisor, Module, 1};
trans_init(gen, init_it, [_GenMod, _, _, Module, _, _]) when is_atom(Module) ->
    {Module, init, 1};
trans_init(gen, init_it, [_GenMod, _, _, _, Module | _]) when is_atom(Module) ->
    {Module, init, 1};
trans_init(M, F, A) ->
    {M, F, length(A)}.

%%% ---------------------------------------------------------------
%%% Synchronous start
%%% ---------------------------------------------------------------

start(M, F, A) -> start(M, F, A, infinity).

start(M, F, A, Timeout) when is_atom(M), is_atom(F), is_list(A) ->
    Pid = ?MODULE:spawn(M, F, A),
    Ref = erlang:monitor(process, Pid),
    sync_wait_mon(Pid, Ref, Timeout).

start_link(M, F, A) -> start_link(M, F, A, infinity).

start_link(M, F, A, Timeout) when is_atom(M), is_atom(F), is_list(A) ->
    Pid = ?MODULE:spawn_link(M, F, A),
    sync_wait(Pid, Timeout).

%% As OTP 25's proc_lib:sync_wait/2: the ack, or the EXIT of the link.
sync_wait(Pid, Timeout) ->
    receive
        {ack, Pid, Return} ->
            Return;
        {'EXIT', Pid, Reason} ->
            {error, Reason}
    after Timeout ->
            unlink(Pid),
            exit(Pid, kill),
            flush(Pid),
            {error, timeout}
    end.

sync_wait_mon(Pid, Ref, Timeout) ->
    receive
        {ack, Pid, Return} ->
            erlang:demonitor(Ref, [flush]),
            Return;
        {'DOWN', Ref, _Type, Pid, Reason} ->
            {error, Reason};
        {'EXIT', Pid, Reason} ->
            erlang:demonitor(Ref, [flush]),
            {error, Reason}
    after Timeout ->
            erlang:demonitor(Ref, [flush]),
            exit(Pid, kill),
            flush(Pid),
            {error, timeout}
    end.

flush(Pid) ->
    receive
        {'EXIT', Pid, _} -> true
    after 0 -> true
    end.

init_ack(Return) ->
    [Parent | _] = get('$ancestors'),
    init_ack(Parent, Return).

init_ack(Parent, Return) ->
    Parent ! {ack, self(), Return},
    ok.

%%% ---------------------------------------------------------------
%%% Stopping (OTP 25's proc_lib:stop/3: a helper process asks for the
%%% terminate system message and waits for the 'DOWN')
%%% ---------------------------------------------------------------

stop(Process) -> stop(Process, normal, infinity).

stop(Process, Reason, Timeout) ->
    {Pid, Mref} = erlang:spawn_monitor(fun() -> do_stop(Process, Reason) end),
    receive
        {'DOWN', Mref, _, _, Reason} ->
            ok;
        {'DOWN', Mref, _, _, Reason2} ->
            exit(Reason2)
    after Timeout ->
            exit(Pid, kill),
            receive
                {'DOWN', Mref, _, _, _} -> exit(timeout)
            end
    end.

do_stop(Process, Reason) ->
    Mref = erlang:monitor(process, Process),
    %% sys:terminate(Process, Reason, infinity)
    case catch gen:call(Process, system, {terminate, Reason}, infinity) of
        {ok, _} -> ok;
        %% as OTP 25 reports them: noproc and timeout bare
        {'EXIT', noproc} -> exit(noproc);
        {'EXIT', timeout} -> exit(timeout);
        {'EXIT', Why} -> exit({Why, {sys, terminate, [Process, Reason, infinity]}})
    end,
    receive
        {'DOWN', Mref, _, _, ExitReason} -> exit(ExitReason)
    end.

%%% ---------------------------------------------------------------
%%% The crash report (proc_lib:crash_report/4 and its format)
%%% ---------------------------------------------------------------

crash_report(exit, normal, _, _) -> ok;
crash_report(exit, shutdown, _, _) -> ok;
crash_report(exit, {shutdown, _}, _, _) -> ok;
crash_report(Class, Reason, Initial, Stack) ->
    Self = self(),
    Exception = error_logger:'$format_exception'(Class, Reason, Stack),
    Call = case Initial of
               {M, F, A} when is_atom(M), is_atom(F), is_integer(A) ->
                   io_lib_mfa(M, F, A);
               _ -> []
           end,
    Reg = case process_info(Self, registered_name) of
              {registered_name, R} -> R;
              [] -> []
          end,
    {messages, Msgs} = process_info(Self, messages),
    {links, Links} = process_info(Self, links),
    {dictionary, Dict} = process_info(Self, dictionary),
    {trap_exit, Trap} = process_info(Self, trap_exit),
    error_logger:'$report'(crash,
        "  crasher:~n"
        "~s"
        "    pid: ~p~n"
        "    registered_name: ~p~n"
        "~s~n"
        "    ancestors: ~p~n"
        "    message_queue_len: ~p~n"
        "    messages: ~p~n"
        "    links: ~p~n"
        "    dictionary: ~p~n"
        "    trap_exit: ~p~n"
        "    status: running~n"
        "  neighbours:~n",
        [Call, Self, Reg, Exception, ancestors(),
         length(Msgs), Msgs, Links, clean_dict(Dict), Trap]).

io_lib_mfa(M, F, A) ->
    "    initial call: " ++ atom_to_list(M) ++ ":" ++ atom_to_list(F) ++ "/"
        ++ integer_to_list(A) ++ "\n".

clean_dict([{'$ancestors', _} | Dict]) -> clean_dict(Dict);
clean_dict([{'$initial_call', _} | Dict]) -> clean_dict(Dict);
clean_dict([E | Dict]) -> [E | clean_dict(Dict)];
clean_dict([]) -> [].

%%% ---------------------------------------------------------------
%%% Misc
%%% ---------------------------------------------------------------

my_name() ->
    case process_info(self(), registered_name) of
        {registered_name, Name} -> Name;
        _ -> self()
    end.

ancestors() ->
    case get('$ancestors') of
        A when is_list(A) -> A;
        _ -> []
    end.
