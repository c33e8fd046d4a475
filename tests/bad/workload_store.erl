-module(workload_store).
-export([start_link/1, read/2]).
start_link(_) -> ignore.
read(_, _) -> {ok, undefined}.
