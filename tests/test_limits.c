/* test_limits: the limits that keep a scenario from crashing the
 * simulator (issue 12): terms as deep as TERM_MAX_DEPTH work everywhere
 * (printing, comparing, hashing, the external format, sending), and no
 * way of building one deeper gets past system_limit; timeouts too large
 * for a nanosecond clock saturate; io:format's texts (NULs, Unicode) and
 * the 255-character atom limit. Results and texts were checked against
 * erl (Erlang/OTP 25) where erl has them; "erl:" marks a quote. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/rt/rt.h"
#include "tests/harness.h"

#define EVAL_IS(expr, want)                                              \
    do {                                                                 \
        char *got_ = h_eval1(expr);                                      \
        cr_expect_str_eq(got_, want, "%s\n  got: %.300s", expr, got_);  \
        free(got_);                                                      \
    } while (0)

#define SYSLIM "** exception error: a system limit has been reached"

/* A term nested 9980 deep (the limit is 10000, and a fun holding it in
 * its bindings nests a few levels more), made twice so that comparing
 * cannot stop at a shared pointer. */
#define DEEP "D = fun(Z) -> lists:foldl(fun(_, A) -> {[A]} end, Z, " \
             "lists:seq(1, 4990)) end, T = D(x), U = D(x), "

Test(limits, a_term_as_deep_as_allowed_works_everywhere)
{
    EVAL_IS(DEEP "{T == U, T =:= U, T < D(y), D(y) > T}.",
            "{true,true,true,true}");
    EVAL_IS(DEEP "erlang:phash2(T) =:= erlang:phash2(U).", "true");
    EVAL_IS(DEEP "binary_to_term(term_to_binary(T)) =:= U.", "true");
    EVAL_IS(DEEP "P = spawn(fun() -> receive {From, M} -> From ! M end end), "
            "P ! {self(), T}, receive R -> R =:= U end.", "true");
    EVAL_IS(DEEP "lists:sort([T, U, x]) =:= [x, T, T].", "true");
    EVAL_IS(DEEP "#{T => 1, U => 2} =:= #{U => 2}.", "true");
    /* printed, on one line (~w) and as ~p does */
    const char *fmt[] = { "~w", "~p" };
    for (int i = 0; i < 2; i++) {
        char expr[512];
        snprintf(expr, sizeof expr, DEEP "io:format(\"%s~n\", [T]).", fmt[i]);
        char *got = h_eval1(expr);
        size_t n = strspn(got, "{[");
        cr_expect_eq(n, 2 * 4990, "%s: %zu brackets open", fmt[i], n);
        cr_expect_eq(got[n], 'x');
        free(got);
    }
}

Test(limits, catch_and_try_cannot_grow_a_term_past_the_limit)
{
    /* each catch wraps the reason: {'EXIT', {R, []}}, two levels; at the
     * limit the handler catches error:system_limit instead, never a
     * crash */
    EVAL_IS("F = fun D(N, A) -> case catch error(A) of "
            "{'EXIT', {system_limit, _}} -> N; V -> D(N + 1, V) end end, "
            "F(0, x).", "5000");
    EVAL_IS("F = fun D(N, A) -> case catch exit(A) of "
            "{'EXIT', {system_limit, _}} -> N; V -> D(N + 1, V) end end, "
            "F(0, x).", "10000");
    /* try's {badmatch, R}, one level */
    EVAL_IS("G = fun D(N, A) -> try b = A catch error:system_limit -> N; "
            "error:R -> D(N + 1, R) end end, G(0, x).", "9999");
}

Test(limits, an_exit_signal_cannot_grow_a_term_past_the_limit)
{
    /* each exit wraps the reason in {'EXIT', Pid, R}: the receiver of one
     * too deep stops with system_limit */
    EVAL_IS("process_flag(trap_exit, true), "
            "W = lists:foldl(fun(_, A) -> [A] end, x, lists:seq(1, 9990)), "
            "Loop = fun L(0, R) -> R; L(N, R) -> "
            "spawn_link(fun() -> exit(R) end), receive M -> L(N - 1, M) end "
            "end, Loop(20, W).", SYSLIM);
}

Test(limits, huge_timeouts_saturate_instead_of_overflowing)
{
    cr_expect_eq(rt_ms_to_us(0), 0);
    cr_expect_eq(rt_ms_to_us(4294967295LL), 4294967295000LL);
    cr_expect_eq(rt_ms_to_us(INT64_MAX / 1000), INT64_MAX / 1000 * 1000);
    cr_expect_eq(rt_ms_to_us(INT64_MAX / 1000 + 1), INT64_MAX);
    cr_expect_eq(rt_ms_to_us(INT64_MAX), INT64_MAX);
    /* erl: timer:sleep/1 loops on receive after, so it sleeps for ever */
    EVAL_IS("Me = self(), spawn(fun() -> timer:sleep(9223372036854775807), "
            "Me ! woke end), receive M -> M after 50000 -> asleep end.",
            "asleep");
    /* erl: receive after takes 0..16#ffffffff */
    EVAL_IS("catch receive after 9223372036854775807 -> ok end.",
            "{'EXIT',{timeout_value,[{prim_eval,'receive',2,[]}]}}");
    EVAL_IS("P = spawn(fun() -> receive after 4294967295 -> ok end end), "
            "timer:sleep(1000), is_process_alive(P).", "true");
    EVAL_IS("catch erlang:start_timer(9223372036854775807, self(), x, "
            "[{abs, true}]).",
            "{'EXIT',{badarg,[{erlang,start_timer,\n"
            "                         [9223372036854775807,<0.87.0>,x,"
            "[{abs,true}]],\n                         []}]}}");
}

Test(limits, console_text_keeps_what_follows_a_nul)
{
    /* erl writes the raw byte; the console's text is a C string, so it
     * is written \x00 (docs/library.md) and the rest is kept */
    EVAL_IS("io:format(\"a~sb~n\", [[0]]).", "a\\x00b\nok");
    EVAL_IS("io:format(\"x\\0y~n\").", "x\\x00y\nok");
    EVAL_IS("io:format(\"~ts|~s~n\", [<<\"a\", 0, \"b\">>, [0, $c]]).",
            "a\\x00b|\\x00c\nok");
    EVAL_IS("io_lib:format(\"x\\0y\", []).", "[120,0,121]");
    /* characters beyond latin-1 in the format string (erl accepts them) */
    EVAL_IS("io:format(\"h\\x{e9}llo ~p \\x{1F600}~n\", [x]).",
            "h\xc3\xa9llo x \xf0\x9f\x98\x80\nok");
}

Test(limits, atoms_hold_at_most_255_characters)
{
    char expr[1200], a[300];
    memset(a, 'a', 255);
    a[255] = 0;
    snprintf(expr, sizeof expr, "length(atom_to_list('%s')).", a);
    EVAL_IS(expr, "255");
    snprintf(expr, sizeof expr, "length(atom_to_list(%s)).", a);
    EVAL_IS(expr, "255");
    /* erl: ** exception error: a system limit has been reached */
    EVAL_IS("try list_to_atom(lists:duplicate(256, $a)) "
            "catch error:R -> R end.", "system_limit");
    EVAL_IS("try binary_to_atom(list_to_binary(lists:duplicate(256, $a))) "
            "catch error:R -> R end.", "system_limit");
}
