%% What proc_lib and gen_server need from erlang: the process dictionary,
%% erlang:raise/3 keeping its stack, function_exported/3, and the
%% process_info items of a crash report.
-module(gs_dict).
-export([dict/0, erase_all/0, raise/1, exported/0, info/0]).

%% call: gs_dict:dict().
%% call: gs_dict:erase_all().
%% call: gs_dict:raise(error).
%% call: gs_dict:raise(exit).
%% call: gs_dict:raise(throw).
%% call: gs_dict:raise(bad).
%% call: gs_dict:exported().
%% call: gs_dict:info().

dict() ->
    run(fun() ->
        undefined = put(a, 1),
        1 = put(a, 2),
        undefined = put(b, x),
        {get(a), get(b), get(c), lists:sort(get())}
    end).

erase_all() ->
    run(fun() ->
        put(k, v),
        {erase(k), erase(k), get(k), get()}
    end).

raise(Class) ->
    Stack = [{m, f, 1, [{file, "m.erl"}, {line, 3}]}],
    try erlang:raise(Class, why, Stack) of
        V -> {returned, V}
    catch
        C:R:S -> {C, R, S}
    end.

exported() ->
    [erlang:function_exported(gs_dict, dict, 0),
     erlang:function_exported(gs_dict, dict, 1),
     erlang:function_exported(gs_dict, run, 1),
     erlang:function_exported(gen_server, call, 2),
     erlang:function_exported(supervisor, start_link, 3)].

info() ->
    run(fun() ->
        put(x, 1),
        process_flag(trap_exit, true),
        self() ! hello,
        [process_info(self(), I) || I <- [dictionary, trap_exit, message_queue_len,
                                          messages, registered_name, status]]
    end).

%% in a fresh process, so that no case sees another's dictionary
run(F) ->
    Me = self(),
    Pid = spawn(fun() -> Me ! {self(), F()} end),
    receive {Pid, R} -> R end.
