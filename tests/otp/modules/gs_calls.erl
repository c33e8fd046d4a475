%% gen_server and supervisor results and exit terms, compared with OTP 25
%% (nothing here crashes abnormally, so no report prints a pid).
-module(gs_calls).
-behaviour(gen_server).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2, handle_continue/2,
         terminate/2]).
-export([start/1, call/2, call/3, sup/1]).

%% call: gs_calls:start(ok).
%% call: gs_calls:start(ignore).
%% call: gs_calls:start(stop_normal).
%% call: gs_calls:start(timeout).
%% call: gs_calls:start(continue).
%% call: gs_calls:call(ok, get).
%% call: gs_calls:call(ok, {reply_timeout, 10}).
%% call: gs_calls:call(ok, {cast_then_get, x}).
%% call: gs_calls:call(ok, {info_then_get, y}).
%% call: gs_calls:call(ok, stop_reply).
%% call: gs_calls:call(ok, stop_noreply).
%% call: gs_calls:call(ok, stop_shutdown).
%% call: gs_calls:call(ok, throw_reply).
%% call: gs_calls:call(ok, deferred).
%% call: gs_calls:call(ok, {sleep, 300}, 100).
%% call: gs_calls:call(ok, {sleep, 10}, 100).
%% call: gs_calls:call(continue, get).
%% call: gs_calls:call(timeout, get_later).
%% call: catch gen_server:call(gs_no_such, hi).
%% call: catch gen_server:call(gs_no_such, hi, 100).
%% call: catch gen_server:call({global, gs_no_such}, hi).
%% call: catch gen_server:call({via, global, gs_no_such}, hi).
%% call: catch gen_server:stop(gs_no_such).
%% call: gen_server:cast(gs_no_such, hi).
%% call: gen_server:cast({global, gs_no_such}, hi).
%% call: gen_server:cast({gs_no_such, node()}, hi).
%% call: gen_server:abcast(gs_no_such, hi).
%% call: gs_calls:call(ok, self_call).
%% call: gs_calls:call(ok, stop).
%% call: gs_calls:call(ok, already).
%% call: gs_calls:sup(counts).
%% call: gs_calls:sup(transient_normal).
%% call: gs_calls:sup(temporary_gone).
%% call: gs_calls:sup(bad_specs).
%% call: gs_calls:sup(delete).
%% call: supervisor:check_childspecs([#{id => a, start => {m, f, []}}]).
%% call: supervisor:check_childspecs([#{id => a, start => {m, f, []}}, {a, {m, f, []}, permanent, 5000, worker, [m]}]).
%% call: supervisor:check_childspecs([#{id => a, start => {m, f, []}, type => thing}]).
%% call: supervisor:check_childspecs([{a, {m, f, []}, permanent, 5000, worker, x}]).

%%% the server

init(ok) -> {ok, []};
init(ignore) -> ignore;
init(stop_normal) -> {stop, normal};
init(bad) -> what;
init({error, R}) -> {error, R};
init(timeout) -> {ok, [], 20};
init(continue) -> {ok, [], {continue, more}};
init({child, Id}) -> {ok, Id};
init({sup, Strategy, Children}) ->
    {ok, {#{strategy => Strategy, intensity => 5, period => 10}, Children}}.

handle_call(get, _From, S) -> {reply, S, S};
handle_call(get_later, _From, S) -> {reply, S, S};
handle_call({reply_timeout, T}, _From, S) -> {reply, ok, S, T};
handle_call(stop_reply, _From, S) -> {stop, normal, bye, S};
handle_call(stop_noreply, _From, S) -> {stop, normal, S};
handle_call(stop_shutdown, _From, S) -> {stop, {shutdown, done}, S};
handle_call(throw_reply, _From, S) -> throw({reply, thrown, S});
handle_call(deferred, From, S) -> gen_server:reply(From, early), {noreply, S};
handle_call({sleep, T}, _From, S) -> timer:sleep(T), {reply, slept, S};
handle_call(crash, _From, S) -> {reply, S, S}.

handle_cast({push, X}, S) -> {noreply, [X | S]}.

handle_info(timeout, S) -> {noreply, [timeout | S]};
handle_info(X, S) -> {noreply, [{info, X} | S]}.

handle_continue(more, S) -> {noreply, [continued | S]}.

terminate(_Reason, _S) -> ok.

%%% the calls: each starts a fresh server and stops it

start(How) ->
    case gen_server:start(?MODULE, How, []) of
        {ok, Pid} -> gen_server:stop(Pid), ok;
        Other -> Other
    end.

call(How, Req) -> call(How, Req, 5000).

call(How, Req, Timeout) ->
    {ok, Pid} = gen_server:start({local, gs_calls_srv}, ?MODULE, How, []),
    R = (catch do(Pid, Req, Timeout)),
    case is_process_alive(Pid) of
        true -> gen_server:stop(Pid);
        false -> ok
    end,
    timer:sleep(5),
    flush(),
    clean(R).

do(_Pid, {cast_then_get, X}, _) ->
    gen_server:cast(gs_calls_srv, {push, X}),
    gen_server:call(gs_calls_srv, get);
do(Pid, {info_then_get, X}, _) ->
    Pid ! X,
    gen_server:call(gs_calls_srv, get);
do(_Pid, get_later, _) ->
    timer:sleep(50),
    gen_server:call(gs_calls_srv, get);
do(_Pid, self_call, _) ->
    gen_server:call(self(), get);
do(Pid, stop, _) ->
    ok = gen_server:stop(Pid),
    {is_process_alive(Pid), catch gen_server:stop(Pid)};
do(_Pid, already, _) ->
    {error, {already_started, P}} = gen_server:start({local, gs_calls_srv}, ?MODULE, ok, []),
    is_pid(P);
do(_Pid, Req, 5000) ->
    gen_server:call(gs_calls_srv, Req);
do(_Pid, Req, Timeout) ->
    gen_server:call(gs_calls_srv, Req, Timeout).

%% pids do not print the same on both sides
clean({'EXIT', {R, {gen_server, call, [P | Rest]}}}) when is_pid(P) ->
    {'EXIT', {R, {gen_server, call, [pid | Rest]}}};
clean(R) -> R.

flush() ->
    receive _ -> flush() after 0 -> ok end.

%%% the supervisor (this module is its callback too: init({sup, ...}))

sup(What) ->
    process_flag(trap_exit, true),
    R = (catch sup_case(What)),
    case whereis(gs_calls_sup) of
        undefined -> ok;
        S -> unlink(S), exit(S, shutdown), timer:sleep(10)
    end,
    flush(),
    process_flag(trap_exit, false),
    R.

sup_start(Strategy, Children) ->
    supervisor:start_link({local, gs_calls_sup}, ?MODULE, {sup, Strategy, Children}).

child(Id, Restart) ->
    #{id => Id, start => {gen_server, start_link, [{local, Id}, ?MODULE, {child, Id}, []]},
      restart => Restart}.

ids() -> [Id || {Id, _, _, _} <- supervisor:which_children(gs_calls_sup)].


sup_case(counts) ->
    {ok, _} = sup_start(one_for_one, [child(a, permanent), child(b, transient), child(c, temporary)]),
    {ids(), supervisor:count_children(gs_calls_sup)};
sup_case(transient_normal) ->
    {ok, _} = sup_start(one_for_one, [child(b, transient)]),
    gen_server:stop(b), timer:sleep(20),
    {whereis(b), supervisor:which_children(gs_calls_sup)};
sup_case(temporary_gone) ->
    {ok, _} = sup_start(one_for_one, [child(c, temporary)]),
    gen_server:stop(c, shutdown, 1000), timer:sleep(20),
    {whereis(c), supervisor:which_children(gs_calls_sup)};
sup_case(bad_specs) ->
    {ok, _} = sup_start(one_for_one, []),
    [supervisor:start_child(gs_calls_sup, #{id => x, start => {m, f, []}, restart => never}),
     supervisor:start_child(gs_calls_sup, #{id => x, start => nothing}),
     supervisor:start_child(gs_calls_sup, #{start => {m, f, []}}),
     supervisor:start_child(gs_calls_sup, {x, {m, f, []}, permanent, soon, worker, [m]}),
     supervisor:start_child(gs_calls_sup, #{id => x, start => {m, f, []}, shutdown => -1}),
     supervisor:start_child(gs_calls_sup, not_a_spec)];
sup_case(delete) ->
    {ok, _} = sup_start(one_for_one, [child(a, permanent)]),
    [supervisor:delete_child(gs_calls_sup, a),
     supervisor:terminate_child(gs_calls_sup, a),
     supervisor:terminate_child(gs_calls_sup, a),
     supervisor:delete_child(gs_calls_sup, a),
     supervisor:delete_child(gs_calls_sup, a),
     supervisor:restart_child(gs_calls_sup, a),
     supervisor:terminate_child(gs_calls_sup, nobody)].
