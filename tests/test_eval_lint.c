/* test_eval_lint: erl_lint's errors and warnings for a module's
 * functions (core/erl/eval_lint.c) and the warnings of erlc's later
 * passes (eval_warn.c), through ev_module_compile: the whole text of the
 * messages, sorted as erlc sorts them, each with its excerpt. The shell
 * keeps its one error per expression (ev__lint): the last tests.
 *
 * Each expected text is what erlc 25 (Erlang/OTP 25, compiler 8.2.3)
 * printed for the same source saved as NAME.erl, where NAME is the
 * module ("erlc:" marks it, with erlc's exit status); each "erl:" is the
 * shell's answer, piped into `erl`. */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/erl/eval.h"
#include "tests/eval_fake.h"

/* Compiles src as a module named after itself; the messages, and
 * whether a module came out. Caller frees. */
static char *compile_msgs(const char *src, bool *compiled)
{
    strbuf b;
    sb_init(&b);
    ev_module *m = ev_module_compile(src, NULL, &b);
    *compiled = m != NULL;
    ev_module_free(m);
    char *s = strdup(b.s ? b.s : "");
    sb_fini(&b);
    return s;
}

#define EXPECT_MODULE(src, ok, want)                                       \
    do {                                                                   \
        bool compiled_;                                                    \
        char *got_ = compile_msgs(src, &compiled_);                        \
        cr_expect_eq(compiled_, ok, "compiled: %d", compiled_);            \
        cr_expect_str_eq(got_, want, "got:\n%s\nwant:\n%s", got_, want);   \
        free(got_);                                                        \
    } while (0)

Test(eval_lint, unused_variables_and_the_underscore_exemption)
{
    /* Bound and never used, function arguments too; `_W` and `_` are
     * exempt; a variable repeated in a pattern is used; a generator's
     * variable used in the template is. */
    const char *src =
        "-module(unused).\n"
        "-export([f/2, g/1]).\n"
        "f(X, Y) ->\n"
        "    Z = X,\n"
        "    _W = Y,\n"
        "    _ = Y,\n"
        "    ok.\n"
        "g({A, _B, A}) -> [C || C <- [1]].\n";
    /* erlc: unused.erl: exit 0 */
    EXPECT_MODULE(src, true,
        "unused.erl:4:5: Warning: variable 'Z' is unused\n"
        "%    4|     Z = X,\n"
        "%     |     ^\n"
        "\n");
}

Test(eval_lint, every_variable_error_of_a_function)
{
    /* erl_lint goes on after an error: both unbound variables of one
     * expression, and the unsafe one at each of its uses (siblings in a
     * tuple do not see each other). */
    const char *src =
        "-module(errors).\n"
        "-export([f/1]).\n"
        "f(X) ->\n"
        "    Y = X + Z + W,\n"
        "    case X of\n"
        "        1 -> A = 1;\n"
        "        _ -> ok\n"
        "    end,\n"
        "    {Y, Z, A, A}.\n";
    /* erlc: errors.erl: exit 1 */
    EXPECT_MODULE(src, false,
        "errors.erl:4:13: variable 'Z' is unbound\n"
        "%    4|     Y = X + Z + W,\n"
        "%     |             ^\n"
        "\n"
        "errors.erl:4:17: variable 'W' is unbound\n"
        "%    4|     Y = X + Z + W,\n"
        "%     |                 ^\n"
        "\n"
        "errors.erl:9:12: variable 'A' unsafe in 'case' (line 5, column 5)\n"
        "%    9|     {Y, Z, A, A}.\n"
        "%     |            ^\n"
        "\n"
        "errors.erl:9:15: variable 'A' unsafe in 'case' (line 5, column 5)\n"
        "%    9|     {Y, Z, A, A}.\n"
        "%     |               ^\n"
        "\n");
}

Test(eval_lint, nested_funs_shadow_and_bind_their_own)
{
    /* A fun head's variables are new: one that has the name of an outer
     * variable shadows it (the outer one stays unused); variables of an
     * inner fun die with it; a named fun's name is bound at the fun, and
     * shadows too. The errors come first, then the warnings. */
    const char *src =
        "-module(funs).\n"
        "-export([f/1, g/1]).\n"
        "f(X) ->\n"
        "    F = fun(X, Z) -> fun(Y) -> X end end,\n"
        "    F.\n"
        "g(N) ->\n"
        "    G = fun N() -> ok end,\n"
        "    Fact = fun Fact(0) -> 1; Fact(K) -> K * Fact(K - 1) end,\n"
        "    {G, Fact, B}.\n";
    /* erlc: funs.erl: exit 1 */
    EXPECT_MODULE(src, false,
        "funs.erl:9:15: variable 'B' is unbound\n"
        "%    9|     {G, Fact, B}.\n"
        "%     |               ^\n"
        "\n"
        "funs.erl:3:3: Warning: variable 'X' is unused\n"
        "%    3| f(X) ->\n"
        "%     |   ^\n"
        "\n"
        "funs.erl:4:13: Warning: variable 'X' shadowed in 'fun'\n"
        "%    4|     F = fun(X, Z) -> fun(Y) -> X end end,\n"
        "%     |             ^\n"
        "\n"
        "funs.erl:4:16: Warning: variable 'Z' is unused\n"
        "%    4|     F = fun(X, Z) -> fun(Y) -> X end end,\n"
        "%     |                ^\n"
        "\n"
        "funs.erl:4:26: Warning: variable 'Y' is unused\n"
        "%    4|     F = fun(X, Z) -> fun(Y) -> X end end,\n"
        "%     |                          ^\n"
        "\n"
        "funs.erl:6:3: Warning: variable 'N' is unused\n"
        "%    6| g(N) ->\n"
        "%     |   ^\n"
        "\n"
        "funs.erl:7:9: Warning: variable 'N' is unused\n"
        "%    7|     G = fun N() -> ok end,\n"
        "%     |         ^\n"
        "\n"
        "funs.erl:7:9: Warning: variable 'N' shadowed in 'named fun'\n"
        "%    7|     G = fun N() -> ok end,\n"
        "%     |         ^\n"
        "\n");
}

Test(eval_lint, case_receive_try_catch_andalso_scopes)
{
    /* A variable bound in every clause of a case is exported (matching it
     * again is a warning); one bound in the pattern of a receive clause, in
     * the others' bodies and in the after body is bound after it; what a
     * try binds is unsafe in its catch clauses and after it; so is what
     * catch and the right side of andalso bind. */
    const char *src =
        "-module(scopes).\n"
        "-export([c/1, r/1, t/1, k/1, a/1]).\n"
        "c(X) ->\n"
        "    case X of\n"
        "        {ok, V} -> Y = V;\n"
        "        _ -> Y = 0\n"
        "    end,\n"
        "    Y = 1.\n"
        "r(X) ->\n"
        "    receive\n"
        "        {msg, M} -> ok;\n"
        "        _ -> M = X\n"
        "    after 0 -> M = 0\n"
        "    end,\n"
        "    M.\n"
        "t(X) ->\n"
        "    try W = X of\n"
        "        1 -> W\n"
        "    catch\n"
        "        _:_ -> W\n"
        "    after\n"
        "        A = 1\n"
        "    end,\n"
        "    A.\n"
        "k(X) ->\n"
        "    catch (C = X),\n"
        "    C.\n"
        "a(X) ->\n"
        "    X andalso (B = true),\n"
        "    B.\n";
    /* erlc: scopes.erl: exit 1 */
    EXPECT_MODULE(src, false,
        "scopes.erl:20:16: variable 'W' unsafe in 'try' (line 17, column 5)\n"
        "%   20|         _:_ -> W\n"
        "%     |                ^\n"
        "\n"
        "scopes.erl:24:5: variable 'A' unsafe in 'try' (line 17, column 5)\n"
        "%   24|     A.\n"
        "%     |     ^\n"
        "\n"
        "scopes.erl:27:5: variable 'C' unsafe in 'catch' (line 26, column 5)\n"
        "%   27|     C.\n"
        "%     |     ^\n"
        "\n"
        "scopes.erl:30:5: variable 'B' unsafe in 'andalso' (line 29, column "
        "7)\n"
        "%   30|     B.\n"
        "%     |     ^\n"
        "\n"
        "scopes.erl:8:5: Warning: variable 'Y' exported from 'case' (line 4, "
        "column 5)\n"
        "%    8|     Y = 1.\n"
        "%     |     ^\n"
        "\n");
}

Test(eval_lint, comprehensions_shadow_and_scope)
{
    /* A generator's pattern shadows (erl_lint's "shadowed in generate",
     * unquoted); nothing a comprehension binds is visible after it. */
    const char *src =
        "-module(lcs).\n"
        "-export([f/2, g/1]).\n"
        "f(X, L) ->\n"
        "    [X || X <- L, Y <- L].\n"
        "g(L) ->\n"
        "    [{A, B} || {A, _} <- L, B = A + 1, A > 0],\n"
        "    A.\n";
    /* erlc: lcs.erl: exit 1 */
    EXPECT_MODULE(src, false,
        "lcs.erl:7:5: variable 'A' is unbound\n"
        "%    7|     A.\n"
        "%     |     ^\n"
        "\n"
        "lcs.erl:3:3: Warning: variable 'X' is unused\n"
        "%    3| f(X, L) ->\n"
        "%     |   ^\n"
        "\n"
        "lcs.erl:4:11: Warning: variable 'X' shadowed in generate\n"
        "%    4|     [X || X <- L, Y <- L].\n"
        "%     |           ^\n"
        "\n"
        "lcs.erl:4:19: Warning: variable 'Y' is unused\n"
        "%    4|     [X || X <- L, Y <- L].\n"
        "%     |                   ^\n"
        "\n");
}

Test(eval_lint, what_a_guard_may_not_call)
{
    /* A local or imported function is named; a remote call, an undefined
     * function and an operator that is no guard operator are "illegal guard
     * expression"; the arguments of a call are checked (Y), a remote call's
     * are not (X unused); no "function undefined" comes from a guard, and a
     * function only a guard calls is unused. */
    const char *src =
        "-module(guards).\n"
        "-export([f/1, g/1, h/1, i/1, j/1]).\n"
        "-import(lists, [member/2]).\n"
        "f(X) when local(X) -> ok.\n"
        "g(X) when member(X, [Y]) -> ok.\n"
        "h(X) when lists:member(X, []) -> ok.\n"
        "i(X) when undefined_fn(X) -> ok.\n"
        "j(X) when X ++ [] == [], _ -> ok.\n"
        "local(_) -> true.\n";
    /* erlc: guards.erl: exit 1 */
    EXPECT_MODULE(src, false,
        "guards.erl:4:11: call to local/imported function local/1 is illegal "
        "in guard\n"
        "%    4| f(X) when local(X) -> ok.\n"
        "%     |           ^\n"
        "\n"
        "guards.erl:5:11: call to local/imported function member/2 is illegal "
        "in guard\n"
        "%    5| g(X) when member(X, [Y]) -> ok.\n"
        "%     |           ^\n"
        "\n"
        "guards.erl:5:22: variable 'Y' is unbound\n"
        "%    5| g(X) when member(X, [Y]) -> ok.\n"
        "%     |                      ^\n"
        "\n"
        "guards.erl:6:11: illegal guard expression\n"
        "%    6| h(X) when lists:member(X, []) -> ok.\n"
        "%     |           ^\n"
        "\n"
        "guards.erl:7:11: illegal guard expression\n"
        "%    7| i(X) when undefined_fn(X) -> ok.\n"
        "%     |           ^\n"
        "\n"
        "guards.erl:8:13: illegal guard expression\n"
        "%    8| j(X) when X ++ [] == [], _ -> ok.\n"
        "%     |             ^\n"
        "\n"
        "guards.erl:8:26: variable '_' is unbound\n"
        "%    8| j(X) when X ++ [] == [], _ -> ok.\n"
        "%     |                          ^\n"
        "\n"
        "guards.erl:6:3: Warning: variable 'X' is unused\n"
        "%    6| h(X) when lists:member(X, []) -> ok.\n"
        "%     |   ^\n"
        "\n"
        "guards.erl:9:1: Warning: function local/1 is unused\n"
        "%    9| local(_) -> true.\n"
        "%     | ^\n"
        "\n");
}

Test(eval_lint, an_illegal_pattern_is_erl_lints)
{
    /* Reported among erl_lint's errors, with the function still defined
     * (no "function h/1 undefined"); the illegal part binds nothing. */
    const char *src =
        "-module(patterns).\n"
        "-export([h/1, g/1]).\n"
        "h(X + 1) -> X.\n"
        "g({A, -B}) ->\n"
        "    {A, B}.\n";
    /* erlc: patterns.erl: exit 1 */
    EXPECT_MODULE(src, false,
        "patterns.erl:3:5: illegal pattern\n"
        "%    3| h(X + 1) -> X.\n"
        "%     |     ^\n"
        "\n"
        "patterns.erl:3:13: variable 'X' is unbound\n"
        "%    3| h(X + 1) -> X.\n"
        "%     |             ^\n"
        "\n"
        "patterns.erl:4:7: illegal pattern\n"
        "%    4| g({A, -B}) ->\n"
        "%     |       ^\n"
        "\n"
        "patterns.erl:5:9: variable 'B' is unbound\n"
        "%    5|     {A, B}.\n"
        "%     |         ^\n"
        "\n");
}

Test(eval_lint, the_compilers_warnings)
{
    /* sys_core_fold's: values computed and dropped (a statement, or bound
     * to a variable no one uses; a constant bound so is substituted, `_ =`
     * is silent), BIFs and operators that fail on constants, a clause whose
     * guard is false, clauses after one that matches anything. */
    const char *src =
        "-module(core).\n"
        "-export([f/2, g/1, h/1, i/1]).\n"
        "f(X, L) ->\n"
        "    X * 2,\n"
        "    length(L),\n"
        "    X == L,\n"
        "    is_atom(X),\n"
        "    {X, L},\n"
        "    [1, 2],\n"
        "    ok,\n"
        "    Y = X + 1,\n"
        "    _ = X + 1,\n"
        "    ok.\n"
        "g(X) ->\n"
        "    A = element(3, {a, b}),\n"
        "    B = 1 + a,\n"
        "    {A, B, X}.\n"
        "h(X) when false -> X;\n"
        "h(X) -> X;\n"
        "h(0) -> zero.\n"
        "i(X) ->\n"
        "    case X of\n"
        "        _ -> any;\n"
        "        1 -> one\n"
        "    end.\n";
    /* erlc: core.erl: exit 0 */
    EXPECT_MODULE(src, true,
        "core.erl:4:7: Warning: the result of evaluating operator '*'/2 is "
        "ignored (suppress the warning by assigning the expression to the _ "
        "variable)\n"
        "%    4|     X * 2,\n"
        "%     |       ^\n"
        "\n"
        "core.erl:5:5: Warning: the result of calling length/1 is ignored "
        "(suppress the warning by assigning the expression to the _ variable)\n"
        "%    5|     length(L),\n"
        "%     |     ^\n"
        "\n"
        "core.erl:6:7: Warning: use of operator '==' has no effect\n"
        "%    6|     X == L,\n"
        "%     |       ^\n"
        "\n"
        "core.erl:7:5: Warning: the call to is_atom/1 has no effect\n"
        "%    7|     is_atom(X),\n"
        "%     |     ^\n"
        "\n"
        "core.erl:8:5: Warning: a term is constructed, but never used\n"
        "%    8|     {X, L},\n"
        "%     |     ^\n"
        "\n"
        "core.erl:9:5: Warning: a term is constructed, but never used\n"
        "%    9|     [1, 2],\n"
        "%     |     ^\n"
        "\n"
        "core.erl:11:5: Warning: variable 'Y' is unused\n"
        "%   11|     Y = X + 1,\n"
        "%     |     ^\n"
        "\n"
        "core.erl:11:11: Warning: the result of evaluating operator '+'/2 is "
        "ignored (suppress the warning by assigning the expression to the _ "
        "variable)\n"
        "%   11|     Y = X + 1,\n"
        "%     |           ^\n"
        "\n"
        "core.erl:15:9: Warning: the call to element/2 will fail with a "
        "'badarg' exception\n"
        "%   15|     A = element(3, {a, b}),\n"
        "%     |         ^\n"
        "\n"
        "core.erl:16:11: Warning: evaluation of operator '+'/2 will fail with "
        "a 'badarith' exception\n"
        "%   16|     B = 1 + a,\n"
        "%     |           ^\n"
        "\n"
        "core.erl:18:1: Warning: this clause cannot match because its guard "
        "evaluates to 'false'\n"
        "%   18| h(X) when false -> X;\n"
        "%     | ^\n"
        "\n"
        "core.erl:20:1: Warning: this clause for h/1 cannot match because a "
        "previous clause at line 19 always matches\n"
        "%   20| h(0) -> zero.\n"
        "%     | ^\n"
        "\n"
        "core.erl:24:9: Warning: this clause cannot match because a previous "
        "clause at line 23 always matches\n"
        "%   24|         1 -> one\n"
        "%     |         ^\n"
        "\n");
}

Test(eval_lint, no_compiler_warning_after_an_error)
{
    /* erlc stops after erl_lint's errors: its own warnings come, the
     * compiler's ({X} dropped) do not. */
    const char *src =
        "-module(witherr).\n"
        "-export([f/1]).\n"
        "f(X) ->\n"
        "    {X},\n"
        "    Y = X,\n"
        "    Z.\n";
    /* erlc: witherr.erl: exit 1 */
    EXPECT_MODULE(src, false,
        "witherr.erl:6:5: variable 'Z' is unbound\n"
        "%    6|     Z.\n"
        "%     |     ^\n"
        "\n"
        "witherr.erl:5:5: Warning: variable 'Y' is unused\n"
        "%    5|     Y = X,\n"
        "%     |     ^\n"
        "\n");
}

Test(eval_lint, dropped_values_in_nested_code)
{
    /* A dropped term's elements (but the simple ones), the bodies of a
     * dropped case, the template of a dropped comprehension, the right side
     * of a dropped andalso; clauses of funs and receives after one that
     * matches anything. */
    const char *src =
        "-module(nested).\n"
        "-export([f/1, g/1]).\n"
        "f(X) ->\n"
        "    {X + 1, {a}},\n"
        "    case X of\n"
        "        1 -> {one};\n"
        "        _ -> [X]\n"
        "    end,\n"
        "    [{Y} || Y <- X],\n"
        "    X andalso {b},\n"
        "    Q = fun(A) -> A; (_) -> other end,\n"
        "    Q.\n"
        "g(X) ->\n"
        "    receive\n"
        "        M -> M;\n"
        "        {stop, X} -> stop\n"
        "    end.\n";
    /* erlc: nested.erl: exit 0 */
    EXPECT_MODULE(src, true,
        "nested.erl:4:5: Warning: a term is constructed, but never used\n"
        "%    4|     {X + 1, {a}},\n"
        "%     |     ^\n"
        "\n"
        "nested.erl:4:8: Warning: the result of evaluating operator '+'/2 is "
        "ignored (suppress the warning by assigning the expression to the _ "
        "variable)\n"
        "%    4|     {X + 1, {a}},\n"
        "%     |        ^\n"
        "\n"
        "nested.erl:6:14: Warning: a term is constructed, but never used\n"
        "%    6|         1 -> {one};\n"
        "%     |              ^\n"
        "\n"
        "nested.erl:7:14: Warning: a term is constructed, but never used\n"
        "%    7|         _ -> [X]\n"
        "%     |              ^\n"
        "\n"
        "nested.erl:9:6: Warning: a term is constructed, but never used\n"
        "%    9|     [{Y} || Y <- X],\n"
        "%     |      ^\n"
        "\n"
        "nested.erl:10:15: Warning: a term is constructed, but never used\n"
        "%   10|     X andalso {b},\n"
        "%     |               ^\n"
        "\n"
        "nested.erl:11:22: Warning: this clause cannot match because a "
        "previous clause at line 11 always matches\n"
        "%   11|     Q = fun(A) -> A; (_) -> other end,\n"
        "%     |                      ^\n"
        "\n"
        "nested.erl:16:9: Warning: this clause cannot match because a previous "
        "clause at line 15 always matches\n"
        "%   16|         {stop, X} -> stop\n"
        "%     |         ^\n"
        "\n");
}

Test(eval_lint, messages_at_one_place_sort_by_text)
{
    /* compile sorts erl_lint's messages by position, then by what they
     * say: g/1 before h/2 whatever the order of the export list. */
    const char *src =
        "-module(order).\n"
        "-export([h/2, g/1, f/0]).\n"
        "f() -> ok.\n";
    /* erlc: order.erl: exit 1 */
    EXPECT_MODULE(src, false,
        "order.erl:2:2: function g/1 undefined\n"
        "%    2| -export([h/2, g/1, f/0]).\n"
        "%     |  ^\n"
        "\n"
        "order.erl:2:2: function h/2 undefined\n"
        "%    2| -export([h/2, g/1, f/0]).\n"
        "%     |  ^\n"
        "\n");
}

Test(eval_lint, what_the_compilers_warnings_miss)
{
    /* Known divergences (core/erl/eval_warn.c): no constant propagation
     * through variables, no tuple-against-tuple match split, no clause
     * that a tuple pattern makes match everything, no duplicate literal
     * clauses (v3_kernel). erlc prints four more warnings:
     * erlc: misses.erl:3:19: Warning: evaluation of operator '+'/2 will
     *       fail with a 'badarith' exception
     * erlc: misses.erl:4:26: Warning: the result of evaluating operator
     *       '*'/2 is ignored (suppress the warning by assigning the
     *       expression to the _ variable)
     * erlc: misses.erl:5:42: Warning: this clause cannot match because a
     *       previous clause at line 5 always matches
     * erlc: misses.erl:7:1: Warning: this clause cannot match because a
     *       previous clause at line 6 always matches
     * and this one, which is all clustersim prints: */
    const char *src =
        "-module(misses).\n"
        "-export([a/1, b/1, c/1, d/1]).\n"
        "a(X) -> Y = 2, {Y + a, X}.\n"
        "b(X) -> {ok, Z} = {ok, X * 2}, ok.\n"
        "c(X) -> case {X, 1} of {A, B} -> {A, B}; _ -> c end.\n"
        "d(0) -> a;\n"
        "d(0) -> b.\n";
    EXPECT_MODULE(src, true,
        "misses.erl:4:14: Warning: variable 'Z' is unused\n"
        "%    4| b(X) -> {ok, Z} = {ok, X * 2}, ok.\n"
        "%     |              ^\n"
        "\n");
}

Test(eval_lint, binary_patterns_are_erl_lints)
{
    /* A binary pattern's errors are erl_lint's, not the parser's: the
     * function stays defined and the lint goes on. A segment's size is a
     * guard expression over what was bound before the pattern and what
     * the segments before it bind (not a function's other arguments); a
     * call there is no call (k/0 is unused). */
    const char *src =
        "-module(binpat).\n"
        "-export([a/1, b/1, c/1, d/2, e/1, f/1, g/1, h/1, i/1]).\n"
        "a(<<X:(size(1))>>) -> X.\n"
        "b(<<X:(Y ++ [])>>) -> X.\n"
        "c(<<\"abc\":8, Z>>) -> Z.\n"
        "d(N, <<X:N>>) -> X.\n"
        "e(<<X/binary, Y/binary>>) -> {X, Y}.\n"
        "f(<<N, D:N/binary>>) -> D.\n"
        "g(X) -> [Y || <<Y/binary>> <= X].\n"
        "h(<<{A}:8>>) -> A.\n"
        "i(_) -> <<Y:(k())>> = <<1>>, Y.\n"
        "k() -> 8.\n";
    /* erlc: binpat.erl: exit 1 */
    EXPECT_MODULE(src, false,
        "binpat.erl:4:8: variable 'Y' is unbound\n"
        "%    4| b(<<X:(Y ++ [])>>) -> X.\n"
        "%     |        ^\n"
        "\n"
        "binpat.erl:4:10: illegal bit size\n"
        "%    4| b(<<X:(Y ++ [])>>) -> X.\n"
        "%     |          ^\n"
        "\n"
        "binpat.erl:5:5: a literal string in a binary pattern must not have a "
        "type or a size\n"
        "%    5| c(<<\"abc\":8, Z>>) -> Z.\n"
        "%     |     ^\n"
        "\n"
        "binpat.erl:6:10: variable 'N' is unbound\n"
        "%    6| d(N, <<X:N>>) -> X.\n"
        "%     |          ^\n"
        "\n"
        "binpat.erl:7:5: a binary field without size is only allowed at the "
        "end of a binary pattern\n"
        "%    7| e(<<X/binary, Y/binary>>) -> {X, Y}.\n"
        "%     |     ^\n"
        "\n"
        "binpat.erl:9:17: binary fields without size are not allowed in "
        "patterns of bit string generators\n"
        "%    9| g(X) -> [Y || <<Y/binary>> <= X].\n"
        "%     |                 ^\n"
        "\n"
        "binpat.erl:10:5: illegal pattern\n"
        "%   10| h(<<{A}:8>>) -> A.\n"
        "%     |     ^\n"
        "\n"
        "binpat.erl:10:17: variable 'A' is unbound\n"
        "%   10| h(<<{A}:8>>) -> A.\n"
        "%     |                 ^\n"
        "\n"
        "binpat.erl:11:14: call to local/imported function k/0 is illegal in a "
        "size expression for a binary segment\n"
        "%   11| i(_) -> <<Y:(k())>> = <<1>>, Y.\n"
        "%     |              ^\n"
        "\n"
        "binpat.erl:12:1: Warning: function k/0 is unused\n"
        "%   12| k() -> 8.\n"
        "%     | ^\n"
        "\n");
}

Test(eval_lint, binary_patterns_and_records_in_guards)
{
    /* The variables of binary patterns, unused or used by a size (a fun
     * head's size sees what is bound outside it); a record's field and
     * a record's defaults in a guard; a binary whose segments fold to
     * constants is a constant, an unused variable's value silently. */
    const char *src =
        "-module(binwarn).\n"
        "-export([a/1, b/2, c/1, d/1, e/0, j/2]).\n"
        "-record(p, {x = 0, y = {1, 2}}).\n"
        "a(P) when P#p.x > 0, P == #p{} -> pos;\n"
        "a(_) -> other.\n"
        "b(N, B) ->\n"
        "    case B of <<X:N, R/binary>> -> {X, R}; _ -> none end.\n"
        "c(<<A:8, B:8>>) -> A.\n"
        "d(B) -> [X || <<X:8, Y:8>> <= B].\n"
        "e() -> Y = <<1:(1+2)>>, <<(element(1, x)), 2>>, ok.\n"
        "j(N, B) -> F = fun(<<X:N, R/bits>>) -> {X, R} end, F(B).\n";
    /* erlc: binwarn.erl: exit 0 */
    EXPECT_MODULE(src, true,
        "binwarn.erl:8:10: Warning: variable 'B' is unused\n"
        "%    8| c(<<A:8, B:8>>) -> A.\n"
        "%     |          ^\n"
        "\n"
        "binwarn.erl:9:22: Warning: variable 'Y' is unused\n"
        "%    9| d(B) -> [X || <<X:8, Y:8>> <= B].\n"
        "%     |                      ^\n"
        "\n"
        "binwarn.erl:10:8: Warning: variable 'Y' is unused\n"
        "%   10| e() -> Y = <<1:(1+2)>>, <<(element(1, x)), 2>>, ok.\n"
        "%     |        ^\n"
        "\n"
        "binwarn.erl:10:25: Warning: a term is constructed, but never used\n"
        "%   10| e() -> Y = <<1:(1+2)>>, <<(element(1, x)), 2>>, ok.\n"
        "%     |                         ^\n"
        "\n"
        "binwarn.erl:10:28: Warning: the call to element/2 will fail with a "
        "'badarg' exception\n"
        "%   10| e() -> Y = <<1:(1+2)>>, <<(element(1, x)), 2>>, ok.\n"
        "%     |                            ^\n"
        "\n");
}

Test(eval_lint, record_defaults_are_linted_once)
{
    /* A record's defaults are checked where the record is defined
     * (erl_lint's def_fields): no variable may be bound outside a fun or
     * a comprehension, and the warnings of their funs come once, not at
     * each record expression that puts them in. */
    const char *src =
        "-module(recdef).\n"
        "-export([a/1, b/0]).\n"
        "-record(r, {f = case 1 of X -> X end,\n"
        "            g = fun(A) -> B = 1, A end,\n"
        "            h = [Q || Q <- [1], Z <- [2]],\n"
        "            i = (catch (V = 1))}).\n"
        "-record(s, {f = fun(X) -> 1 end}).\n"
        "a(X) -> {#r{}, #s{}, #s{f = X}}.\n"
        "b() -> #s{}.\n";
    /* erlc: recdef.erl: exit 1 */
    EXPECT_MODULE(src, false,
        "recdef.erl:3:27: variable 'X' in record definition\n"
        "%    3| -record(r, {f = case 1 of X -> X end,\n"
        "%     |                           ^\n"
        "\n"
        "recdef.erl:6:25: variable 'V' in record definition\n"
        "%    6|             i = (catch (V = 1))}).\n"
        "%     |                         ^\n"
        "\n"
        "recdef.erl:4:27: Warning: variable 'B' is unused\n"
        "%    4|             g = fun(A) -> B = 1, A end,\n"
        "%     |                           ^\n"
        "\n"
        "recdef.erl:5:33: Warning: variable 'Z' is unused\n"
        "%    5|             h = [Q || Q <- [1], Z <- [2]],\n"
        "%     |                                 ^\n"
        "\n"
        "recdef.erl:7:21: Warning: variable 'X' is unused\n"
        "%    7| -record(s, {f = fun(X) -> 1 end}).\n"
        "%     |                     ^\n"
        "\n");
}

Test(eval_lint, the_shell_keeps_one_error_and_no_warning)
{
    /* erl: 1> A + B.  ->  * 1:1: variable 'A' is unbound (only the first) */
    EXPECT("A + B.", "* 1:1: variable 'A' is unbound");
    /* erl: 2> fun(X) -> Y = 1, X end(2).  ->  2 (Y unused: no warning) */
    EXPECT("fun(X) -> Y = 1, X end(2).", "2");
    /* erl: the try's body binds W: unsafe in the catch clauses */
    EXPECT("try W = 1 of 1 -> W catch _:_ -> W end.",
           "* 1:34: variable 'W' unsafe in 'try' (line 1, column 1)");
    /* erl: 1> try ok catch _:_:S when S =:= [] -> ok end. */
    EXPECT("try ok catch _:_:S when S =:= [] -> ok end.",
           "* 1:25: stacktrace variable 'S' must not be used in a guard");
    /* erl: 2> fun(X) when X ++ [1] == [2] -> ok end.  (++ is no guard
     * operator) */
    EXPECT("fun(X) when X ++ [1] == [2] -> ok end.",
           "* 1:15: illegal guard expression");
}
