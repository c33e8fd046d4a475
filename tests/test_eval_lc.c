/* test_eval_lc: list comprehensions and try in the evaluator
 * (core/erl/eval.h): generators, pattern generators, filters (boolean and
 * guard), nesting, comprehensions in funs, their errors; try with of,
 * catch and after on every path, rethrow, erlang:raise/3, and a try
 * whose body blocks or receives.
 *
 * Expected texts were observed in erl (Erlang/OTP 25, erts 13.1.5) by
 * piping the input into `erl`; "erl:" marks such a quote. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/erl/eval.h"
#include "tests/eval_fake.h"

Test(eval_lc, generators_and_filters_like_erl)
{
    EXPECT("[X*2 || X <- [1,2,3], X > 1].", "[4,6]");
    EXPECT("[{X,Y} || X <- [1,2], Y <- [a,b]].", "[{1,a},{1,b},{2,a},{2,b}]");
    EXPECT("[X || {X, 1} <- [{a,1},{b,2},c,{d,1}]].", "[a,d]");
    /* erl: a guard filter that is not boolean, or raises, is false */
    EXPECT("[X || X <- [1,2], X + 1].", "[]");
    EXPECT("[X || X <- [1,a], X + 1 > 1].", "[1]");
    EXPECT("F = fun(X) -> X == 2 end, [X || X <- [1,2], F(X)].", "[2]");
    EXPECT("[1 || true].", "[1]");
    EXPECT("[1 || false].", "[]");
    EXPECT("[X || X <- [1,2], begin Z = X, true end].", "[1,2]");
    EXPECT("[Y || X <- [1,2], Y <- [X, X]].", "[1,1,2,2]");
    EXPECT("[X || X <- []].", "[]");
    EXPECT("[[X || X <- L] || L <- [[1],[2,3]]].", "[[1],[2,3]]");
}

Test(eval_lc, bindings_are_local_like_erl)
{
    /* erl: the generator's X shadows the shell's; nothing escapes */
    EXPECT("X = 5, [X || X <- [1,2]].", "[1,2]");
    EXPECT("X = 5, [X || X <- [1,2]], X.", "5");
    EXPECT("[Y || X <- [1,2], Y <- [X, X]], Y.",
           "* 1:33: variable 'Y' is unbound");
    EXPECT("Z = 3, [Z || Z <- [1]].", "[1]");
}

Test(eval_lc, in_funs_and_closures)
{
    EXPECT("F = fun(L) -> [X+1 || X <- L] end, F([1,2]).", "[2,3]");
    EXPECT("N = 1000, F = fun(L) -> [X+N || X <- L, X > 1] end, F([1,2,3]).",
           "[1002,1003]");
    EXPECT("Q = fun Q([]) -> []; Q([P|T]) -> Q([X || X <- T, X < P]) ++ [P] "
           "++ Q([X || X <- T, X >= P]) end, Q([3,1,2,5,4]).", "[1,2,3,4,5]");
}

Test(eval_lc, errors_like_erl)
{
    EXPECT("[X || X <- foo].", "** exception error: bad generator foo");
    EXPECT("[X || X <- [1,2|foo]].", "** exception error: bad generator foo");
    EXPECT("[X || X <- [1,2], begin X end].",
           "** exception error: bad filter 1");
    EXPECT("F = fun(L) -> [X+1 || X <- L] end, F(a).",
           "** exception error: bad generator a");
    EXPECT("case catch [X || X <- a] of {'EXIT', {{bad_generator, a}, _}} "
           "-> ok end.", "ok");
}

Test(eval_lc, binary_comprehensions_like_erl)
{
    EXPECT("<< <<X>> || X <- [1,2,3] >>.", "<<1,2,3>>");
    EXPECT("<< <<C, C>> || C <- [$x,$y] >>.", "<<\"xxyy\">>");
    EXPECT("<< <<X/binary>> || X <- [<<\"a\">>, <<\"bc\">>] >>.",
           "<<\"abc\">>");
    EXPECT("<< <<X>> || X <- [1,2], X > 1 >>.", "<<2>>");
    EXPECT("<< <<X>> || X <- foo >>.", "** exception error: bad generator foo");
    /* erl: ** exception error: construction of binary failed */
    EXPECT("<< X || X <- [1,2] >>.",
           "** exception error: construction of binary failed");
}

Test(eval_try, catch_clauses_like_erl)
{
    EXPECT("try throw(x) catch x -> caught end.", "caught");
    EXPECT("try error(x) catch x -> caught end.", "** exception error: x");
    EXPECT("try exit(x) catch exit:R -> {e, R} end.", "{e,x}");
    EXPECT("try 1/0 catch error:R -> R end.", "badarith");
    EXPECT("try 1/0 catch error:R:S -> is_list(S) end.", "true");
    EXPECT("try erlang:raise(exit, b, []) catch C:R -> {C,R} end.", "{exit,b}");
    EXPECT("try throw(t) catch error:_ -> e; throw:T when T == u -> u; "
           "C:T -> {C, T} end.", "{throw,t}");
    EXPECT("try throw(1) catch _:_ -> a end.", "a");
}

Test(eval_try, of_clauses_like_erl)
{
    EXPECT("try 1 of 2 -> a catch _ -> b end.",
           "** exception error: no try clause matching 1");
    EXPECT("try 1 of 2 -> a after ok end.",
           "** exception error: no try clause matching 1");
    EXPECT("X = try 1 of Y -> Y + 1 catch _ -> 0 end.", "2");
    EXPECT("S = 1, try ok catch _:_:S -> S end.",
           "* 1:25: stacktrace variable 'S' must not be previously bound");
    EXPECT("try ok catch _:_:S -> S end, S.", "* 1:30: variable 'S' is unbound");
    EXPECT("begin try X = 5 catch _ -> 0 end, X end.",
           "* 1:35: variable 'X' unsafe in 'try' (line 1, column 7)");
    /* an exception in an of clause is not caught by the catch clauses */
    EXPECT("try 1 of 1 -> throw(x) catch x -> caught end.",
           "** exception throw: x");
}

Test(eval_try, after_runs_on_every_path)
{
    EXPECT("try ok after fake:id(a) end.", "ok");
    EXPECT("try exit(x) catch exit:R -> {e, R} after fake:id(a) end.", "{e,x}");
    EXPECT("{catch try throw(t) after put end, 1}.", "{t,1}");
    EXPECT("try try error(in) after throw(from_after) end catch C:R -> {C,R} "
           "end.", "{throw,from_after}");
    ev_env *env = ev_env_new();
    fake f = { 0 };
    char *got = fake_run("catch try throw(t) after self() ! done end.", env,
                         &f);
    cr_expect_str_eq(got, "t");
    cr_expect_eq(f.nsent, 1);
    free(got);
    got = fake_run("catch try 1 of 1 -> error(x) after self() ! done end.",
                   env, &f);
    cr_expect_eq(f.nsent, 2);
    free(got);
    fake_fini(&f);
    ev_env_free(env);
}

Test(eval_try, rethrow_keeps_class_and_reason_like_erl)
{
    EXPECT("try exit(x) catch throw:_ -> no end.", "** exception exit: x");
    EXPECT("try 1/0 catch throw:_ -> no end.",
           "** exception error: an error occurred when evaluating an "
           "arithmetic expression\n     in operator  '/'/2\n        called "
           "as 1 / 0");
    /* erl: erlang:raise/3 with a bad class returns badarg */
    EXPECT("erlang:raise(foo, a, []).", "badarg");
    EXPECT("catch erlang:raise(throw, a, []).", "a");
}

Test(eval_try, body_blocks_and_receives)
{
    ev_error err;
    ev_code *c = ev_compile("try fake:block(1) catch exit:R -> {caught, R} "
                            "after self() ! done end.", &err);
    cr_assert_not_null(c, "%s", err.msg);
    ev_env *env = ev_env_new();
    fake f = { 0 };
    ev_host h = { &f, fake_call, fake_send, NULL };
    ev_vm *vm = ev_vm_new(c, env, &h);
    cr_assert_eq(ev_vm_run(vm), EV_BLOCKED);
    ev_exception x = { 0 };
    x.cls = atom_intern("exit");
    x.reason = term_atom_s("timeout");
    ev_vm_resume_raise(vm, &x);
    cr_assert_eq(ev_vm_run(vm), EV_DONE);
    char *got = print(ev_vm_value(vm));
    cr_expect_str_eq(got, "{caught,timeout}");
    free(got);
    cr_expect_eq(f.nsent, 1);
    ev_vm_free(vm);
    ev_code_free(c);

    c = ev_compile("try receive M -> throw(M) end catch T -> {got, T} end.",
                   &err);
    cr_assert_not_null(c, "%s", err.msg);
    vm = ev_vm_new(c, env, &h);
    cr_assert_eq(ev_vm_run(vm), EV_RECEIVE);
    term *m = term_atom_s("hello");
    cr_assert(ev_vm_offer(vm, m));
    term_unref(m);
    cr_assert_eq(ev_vm_run(vm), EV_DONE);
    got = print(ev_vm_value(vm));
    cr_expect_str_eq(got, "{got,hello}");
    free(got);
    ev_vm_free(vm);
    ev_code_free(c);
    fake_fini(&f);
    ev_env_free(env);
}

/* Nesting is bounded (EV_MAX_NEST), so no text can overflow the C
 * stack; a long list of constants is one literal, not a deep tree. */
Test(eval_lc, nesting_is_bounded)
{
    size_t n = 3 * EV_MAX_NEST;
    char *deep = malloc(2 * n + 2);
    memset(deep, '[', n);
    memset(deep + n, ']', n);
    strcpy(deep + 2 * n, ".");
    ev_error err;
    ev_code *c = ev_compile(deep, &err);
    cr_expect_null(c);
    cr_expect_str_eq(err.msg, "expression nested too deeply (at most 1000 "
                              "levels)");
    cr_expect_eq(err.col, (int)EV_MAX_NEST + 1);
    free(deep);
    /* a chain of left-associative operators is as deep as it is long */
    char *ops = malloc(2 * n + 2);
    char *q = ops + sprintf(ops, "1");
    for (size_t i = 1; i < n; i++)
        q += sprintf(q, "+1");
    strcpy(q, ".");
    c = ev_compile(ops, &err);
    cr_expect_null(c);
    cr_expect_str_eq(err.msg, "expression nested too deeply (at most 1000 "
                              "levels)");
    free(ops);
    char *ok = fake_eval("1+1+1+1.");
    cr_expect_str_eq(ok, "4");
    free(ok);

    size_t k = 100000;
    char *longl = malloc(2 * k + 16);
    char *p = longl + sprintf(longl, "length([1");
    for (size_t i = 1; i < k; i++)
        p += sprintf(p, ",1");
    strcpy(p, "]).");
    char *got = fake_eval(longl);
    cr_expect_str_eq(got, "100000");
    free(got);
    free(longl);
    /* erl: a list of constants is no string in a pattern or a binary */
    EXPECT("[1,2] ++ T = [1,2,3], T.", "[3]");
    EXPECT("<<[1,2]>>.", "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 143)\n"
           "        *** segment 1 of type 'integer': expected an integer but got: [1,2]\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
}
