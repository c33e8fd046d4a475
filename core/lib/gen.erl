%% gen: what the generic behaviours share, as OTP 25's stdlib gen does:
%% starting a behaviour process with its name registered ({local, N},
%% {global, N}, {via, global, N}), the synchronous call with its
%% monitor, the reply, and stop.
%%
%% gen:call monitors the server, sends {Label, {self(), Mref}, Request}
%% and waits for {Mref, Reply} or the monitor's 'DOWN' (noconnection
%% becomes {nodedown, Node}), at most Timeout ms. Divergence: OTP 25 tags
%% a call that has a timeout with a process alias ([alias | Mref]), so a
%% reply that comes after the timeout is dropped; here it lands in the
%% caller's mailbox, as before OTP 24 (docs/otp.md).
-module(gen).

-export([start/5, start/6, call/3, call/4, reply/2, stop/1, stop/3,
         name/1, unregister_name/1, get_parent/0]).
-export([init_it/6, init_it/7]).

-define(default_timeout, 5000).

%%% ---------------------------------------------------------------
%%% Starting
%%% ---------------------------------------------------------------

start(GenMod, LinkP, Name, Mod, Args, Options) ->
    case where(Name) of
        undefined -> do_spawn(GenMod, LinkP, Name, Mod, Args, Options);
        Pid -> {error, {already_started, Pid}}
    end.

start(GenMod, LinkP, Mod, Args, Options) ->
    do_spawn(GenMod, LinkP, Mod, Args, Options).

do_spawn(GenMod, link, Mod, Args, Options) ->
    proc_lib:start_link(?MODULE, init_it,
                        [GenMod, self(), self(), Mod, Args, Options],
                        timeout(Options));
do_spawn(GenMod, _, Mod, Args, Options) ->
    proc_lib:start(?MODULE, init_it,
                   [GenMod, self(), self, Mod, Args, Options],
                   timeout(Options)).

do_spawn(GenMod, link, Name, Mod, Args, Options) ->
    proc_lib:start_link(?MODULE, init_it,
                        [GenMod, self(), self(), Name, Mod, Args, Options],
                        timeout(Options));
do_spawn(GenMod, _, Name, Mod, Args, Options) ->
    proc_lib:start(?MODULE, init_it,
                   [GenMod, self(), self, Name, Mod, Args, Options],
                   timeout(Options)).

init_it(GenMod, Starter, Parent, Mod, Args, Options) ->
    GenMod:init_it(Starter, Parent, self(), Mod, Args, Options).

init_it(GenMod, Starter, Parent, Name, Mod, Args, Options) ->
    case register_name(Name) of
        true ->
            GenMod:init_it(Starter, Parent, Name, Mod, Args, Options);
        {false, Pid} ->
            proc_lib:init_ack(Starter, {error, {already_started, Pid}})
    end.

%%% ---------------------------------------------------------------
%%% Calls
%%% ---------------------------------------------------------------

call(Process, Label, Request) ->
    call(Process, Label, Request, ?default_timeout).

call(Process, Label, Request, Timeout) when is_pid(Process),
        Timeout =:= infinity orelse is_integer(Timeout) andalso Timeout >= 0 ->
    do_call(Process, Label, Request, Timeout);
call(Process, Label, Request, Timeout)
        when Timeout =:= infinity; is_integer(Timeout), Timeout >= 0 ->
    do_for_proc(Process, fun(Pid) -> do_call(Pid, Label, Request, Timeout) end).

do_call(Process, _Label, _Request, _Timeout) when Process =:= self() ->
    exit(calling_self);
do_call(Process, Label, Request, Timeout) ->
    Mref = erlang:monitor(process, Process),
    Process ! {Label, {self(), Mref}, Request},
    receive
        {Mref, Reply} ->
            erlang:demonitor(Mref, [flush]),
            {ok, Reply};
        {'DOWN', Mref, _, _, noconnection} ->
            exit({nodedown, get_node(Process)});
        {'DOWN', Mref, _, _, Reason} ->
            exit(Reason)
    after Timeout ->
            erlang:demonitor(Mref, [flush]),
            receive
                {Mref, Reply} -> {ok, Reply}
            after 0 ->
                    exit(timeout)
            end
    end.

get_node({_S, N}) when is_atom(N) -> N;
get_node(Process) when is_pid(Process) -> node(Process).

reply({To, Tag}, Reply) ->
    try To ! {Tag, Reply}, ok catch _:_ -> ok end.

%%% ---------------------------------------------------------------
%%% Stopping
%%% ---------------------------------------------------------------

stop(Process) -> stop(Process, normal, infinity).

stop(Process, Reason, Timeout)
        when Timeout =:= infinity; is_integer(Timeout), Timeout >= 0 ->
    do_for_proc(Process, fun(Pid) -> proc_lib:stop(Pid, Reason, Timeout) end).

%% Runs Fun on the pid or {Name, Node} a server reference names, or exits
%% noproc / {nodedown, Node} (gen:do_for_proc/2).
do_for_proc(Pid, Fun) when is_pid(Pid) ->
    Fun(Pid);
do_for_proc(Name, Fun) when is_atom(Name) ->
    case whereis(Name) of
        Pid when is_pid(Pid) -> Fun(Pid);
        undefined -> exit(noproc)
    end;
do_for_proc(Process, Fun)
        when tuple_size(Process) == 2, element(1, Process) == global;
             tuple_size(Process) == 3, element(1, Process) == via ->
    case where(Process) of
        Pid when is_pid(Pid) ->
            Node = node(Pid),
            try Fun(Pid)
            catch
                exit:{nodedown, Node} ->
                    %% a nodedown that global has not seen yet
                    exit(noproc)
            end;
        undefined ->
            exit(noproc)
    end;
do_for_proc({Name, Node}, Fun) when Node =:= node() ->
    do_for_proc(Name, Fun);
do_for_proc({_Name, Node} = Process, Fun) when is_atom(Node) ->
    Fun(Process).

%%% ---------------------------------------------------------------
%%% Names
%%% ---------------------------------------------------------------

where({global, Name}) -> global:whereis_name(Name);
where({via, Module, Name}) -> Module:whereis_name(Name);
where({local, Name}) -> whereis(Name);
where(ServerName) -> error(badarg, [ServerName]).

register_name({local, Name} = LN) ->
    try register(Name, self()) of
        true -> true
    catch
        error:_ -> {false, where(LN)}
    end;
register_name({global, Name} = GN) ->
    case global:register_name(Name, self()) of
        yes -> true;
        no -> {false, where(GN)}
    end;
register_name({via, Module, Name} = GN) ->
    case Module:register_name(Name, self()) of
        yes -> true;
        no -> {false, where(GN)}
    end.

name({local, Name}) -> Name;
name({global, Name}) -> Name;
name({via, _, Name}) -> Name;
name(Pid) when is_pid(Pid) -> Pid.

unregister_name({local, Name}) ->
    try unregister(Name) of
        _ -> ok
    catch
        _:_ -> ok
    end;
unregister_name({global, Name}) ->
    _ = global:unregister_name(Name),
    ok;
unregister_name({via, Mod, Name}) ->
    _ = Mod:unregister_name(Name),
    ok;
unregister_name(Pid) when is_pid(Pid) ->
    ok.

get_parent() ->
    case get('$ancestors') of
        [Parent | _] when is_pid(Parent) -> Parent;
        [Parent | _] when is_atom(Parent) -> whereis(Parent);
        _ -> exit(process_was_not_started_by_proc_lib)
    end.

timeout(Options) ->
    case lists:keyfind(timeout, 1, Options) of
        {_, Time} -> Time;
        false -> infinity
    end.
