%% err_record: does not compile: an unknown record, and a known record
%% with a field it does not have.
-module(err_record).
-export([f/0, g/0]).

-record(point, {x = 0, y = 0}).

f() -> #circle{r = 1}.

g() -> #point{x = 1, z = 2}.
