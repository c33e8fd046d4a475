%% err_export: does not compile: exports a function that is not
%% defined, and one with the wrong arity; a function defined twice.
-module(err_export).
-export([f/0, g/1, h/2]).

f() -> ok.

h(X) -> X.

f() -> again.
