%% stock: a stock keeper whose state, requests and replies are records
%% (scenarios/lang/records.json). The shell has no records: it sends the
%% tuples that records are, {req, Op, From, Name, N}.
-module(stock).
-export([start/0, loop/1, count/1]).

-record(item, {name, count = 0 :: non_neg_integer(), log = [] :: [put | take]}).
-record(state, {items = [] :: [#item{}], ops = 0 :: non_neg_integer()}).
-record(req, {op :: put | take | report, from :: pid(), name :: atom(),
              n = 1 :: pos_integer()}).

start() -> spawn(fun() -> loop(#state{}) end).

loop(S = #state{ops = Ops}) ->
    receive
        #req{op = report, from = From} ->
            From ! {report, Ops, [{N, C} || #item{name = N, count = C} <- S#state.items]},
            loop(S);
        R = #req{from = From} ->
            case apply_op(R, S#state.items) of
                {ok, I, Items} ->
                    From ! {ok, I#item.name, I#item.count, I#item.log},
                    loop(S#state{items = Items, ops = Ops + 1});
                short ->
                    From ! {short, R#req.name},
                    loop(S)
            end
    end.

apply_op(#req{op = put, name = N, n = K}, Items) ->
    I = find(N, Items),
    I2 = I#item{count = I#item.count + K, log = [put | I#item.log]},
    {ok, I2, store(I2, Items)};
apply_op(#req{op = take, name = N, n = K}, Items) ->
    case find(N, Items) of
        I when I#item.count >= K ->
            I2 = I#item{count = I#item.count - K, log = [take | I#item.log]},
            {ok, I2, store(I2, Items)};
        _ ->
            short
    end.

find(N, [I = #item{name = N} | _]) -> I;
find(N, [_ | T]) -> find(N, T);
find(N, []) -> #item{name = N}.

store(I, Items) -> [I | [X || X <- Items, X#item.name =/= I#item.name]].

count(I) -> I#item.count.
