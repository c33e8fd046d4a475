%% expall: -compile(export_all): erlc warns, and every function is
%% callable, helpers too.
%% call: expall:public(3).
%% call: expall:helper(3).
-module(expall).
-compile(export_all).

public(X) -> helper(X) + 1.

helper(X) -> X * 10.
