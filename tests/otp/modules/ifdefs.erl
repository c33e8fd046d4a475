%% ifdefs: conditional compilation with -ifdef, -ifndef, -else, -endif,
%% -undef and a macro defined in the file.
%% call: ifdefs:mode().
%% call: ifdefs:level().
%% call: ifdefs:extra().
-module(ifdefs).
-export([mode/0, level/0, extra/0]).

-define(DEBUG, true).

-ifdef(DEBUG).
mode() -> debug.
-else.
mode() -> release.
-endif.

-ifndef(LEVEL).
-define(LEVEL, 3).
-endif.

level() -> ?LEVEL.

-undef(DEBUG).
-ifdef(DEBUG).
extra() -> still_defined.
-else.
extra() -> undefined_now.
-endif.
