/* test_eval_fun: funs with bodies in the evaluator (core/erl/eval.h):
 * clauses, guards, closures, named funs, the fun errors, tail calls in
 * constant depth, the depth limit, and the lists functions that take
 * funs (eval_lib.c).
 *
 * Expected texts were observed in erl (Erlang/OTP 25, erts 13.1.5) by
 * piping the input into `erl`; "erl:" marks such a quote. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/erl/eval.h"
#include "tests/eval_fake.h"

Test(eval_fun, values_and_calls_like_erl)
{
    /* erl: 1> F = fun(X) -> X * 2 end, F(21).  ->  42 */
    EXPECT("F = fun(X) -> X * 2 end, F(21).", "42");
    /* erl prints #Fun<erl_eval.N.3316493>: N = 43 - arity, named 20 - arity */
    EXPECT("fun(X) -> X * 2 end.", "#Fun<erl_eval.42.3316493>");
    EXPECT("fun() -> 1 end.", "#Fun<erl_eval.43.3316493>");
    EXPECT("fun(A,B,C) -> 1 end.", "#Fun<erl_eval.40.3316493>");
    EXPECT("fun L(0) -> 0; L(N) -> L(N-1) end.", "#Fun<erl_eval.19.3316493>");
    EXPECT("fun L() -> 1 end.", "#Fun<erl_eval.20.3316493>");
    EXPECT("[fun(X) -> X end].", "[#Fun<erl_eval.42.3316493>]");
    EXPECT("(fun(X) -> X end)(1).", "1");
    EXPECT("fun(X) when X > 1 -> big; (_) -> small end(5).", "big");
    EXPECT("fun(X) when X > 1 -> big; (_) -> small end(0).", "small");
    EXPECT("fun({a, X}, [Y|_]) -> X + Y end({a, 1}, [2, 3]).", "3");
    EXPECT("F = fun(X, X) -> same; (_, _) -> differ end, {F(1, 1), F(1, 2)}.",
           "{same,differ}");
    EXPECT("F = fun(X) -> X * 2 end, apply(F, [4]).", "8");
    EXPECT("is_function(fun(X) -> X end, 1).", "true");
    EXPECT("F = fun(X) -> X end, F == F.", "true");
    EXPECT("fun(X) -> X end == fun(X) -> X end.", "false");
    EXPECT("Fact = fun Fact(0) -> 1; Fact(N) -> N * Fact(N-1) end, Fact(20).",
           "2432902008176640000");
}

Test(eval_fun, closures_capture_the_bindings_at_creation)
{
    /* erl: 15> Y = 5, K = fun(X) -> X + Y end, Y2 = 6, K(1).  ->  6 */
    EXPECT("Y = 5, K = fun(X) -> X + Y end, Y2 = 6, K(1).", "6");
    EXPECT("Mk = fun(A) -> fun(B) -> A + B end end, (Mk(1))(2).", "3");
    EXPECT("Mk = fun(A) -> fun(B) -> A + B end end, F1 = Mk(1), F10 = Mk(10),"
           " {F1(1), F10(1)}.", "{2,11}");
    /* erl: 4> X = 1, F = fun(X) -> X end, F(2).  ->  2 (the head shadows) */
    EXPECT("X = 1, F = fun(X) -> X end, F(2).", "2");
    /* what the body binds stays in the body */
    EXPECT("F = fun() -> Z = 1, Z end, F(), Z.", "* 1:33: variable 'Z' is unbound");
    EXPECT("F = fun() -> W end.", "* 1:14: variable 'W' is unbound");
}

Test(eval_fun, errors_like_erl)
{
    /* erl: ** exception error: interpreted function with arity 1 called
     * with two arguments */
    EXPECT("F = fun(X) -> X end, F(1,2).", "** exception error: interpreted "
           "function with arity 1 called with two arguments");
    EXPECT("fun() -> 1 end(2).", "** exception error: interpreted function "
           "with arity 0 called with one argument");
    EXPECT("F = fun(X) -> X end, apply(F, [4,5]).", "** exception error: "
           "interpreted function with arity 1 called with two arguments");
    /* erl: the call on a line of its own, then a trailing space */
    EXPECT("H = fun(1) -> one end, H(2).", "** exception error: no function "
           "clause matching \n                    "
           "erl_eval:'-inside-an-interpreted-fun-'(2) ");
    EXPECT("F = fun(X) -> X * 2 end, F(a).", "** exception error: an error "
           "occurred when evaluating an arithmetic expression\n"
           "     in operator  */2\n"
           "        called as a * 2");
    EXPECT("1(2).", "** exception error: bad function 1");
    EXPECT("catch fun(1) -> one end(2).", "{'EXIT',{function_clause,[{erl_eval,"
           "'-inside-an-interpreted-fun-',[2],[]}]}}");
    /* erl: * 1:14: head mismatch (tests/test_eval.c has the others) */
    EXPECT("fun(X) -> 1; (X,Y) -> 2 end.", "* 1:14: head mismatch");
}

Test(eval_fun, lists_functions_that_take_funs)
{
    EXPECT("lists:map(fun(X) -> X * 2 end, [1,2,3]).", "[2,4,6]");
    EXPECT("lists:foldl(fun(X, A) -> [X|A] end, [], [1,2,3]).", "[3,2,1]");
    EXPECT("lists:foldr(fun(X, A) -> [X|A] end, [], [1,2,3]).", "[1,2,3]");
    EXPECT("lists:filter(fun(X) -> X > 1 end, [1,2,3]).", "[2,3]");
    EXPECT("lists:foreach(fun(X) -> self() ! X end, [1,2]).", "ok");
    EXPECT("{lists:any(fun(X) -> X > 2 end, [1,2,3]),"
           " lists:all(fun(X) -> X > 2 end, [1,2,3])}.", "{true,false}");
    EXPECT("lists:map(fun erlang:abs/1, [-1, 2]).", "[1,2]");
    /* erl: ** exception error: no function clause matching lists:map(a,[1])
     * (lists.erl, line 1313) */
    EXPECT("lists:map(a, [1]).", "** exception error: no function clause "
           "matching lists:map(a,[1]) (lists.erl, line 1313)");
    EXPECT("lists:foldl(a, 0, [1]).", "** exception error: no function clause "
           "matching lists:foldl(a,0,[1]) (lists.erl, line 1348)");
    /* an exception in the fun goes through */
    EXPECT("catch lists:map(fun(X) -> 1 / X end, [1, 0]).",
           "{'EXIT',{badarith,[{erlang,'/',[1,0],[]}]}}");
}

/* Runs src to the end and returns the deepest call nesting it reached. */
static uint32_t depth_of(const char *src, const char *want)
{
    ev_error err;
    ev_code *c = ev_compile(src, &err);
    cr_assert_not_null(c, "%s: %s", src, err.msg);
    ev_env *env = ev_env_new();
    fake f = { 0 };
    ev_host h = { &f, fake_call, fake_send, NULL };
    ev_vm *vm = ev_vm_new(c, env, &h);
    ev_status st = ev_vm_run(vm);
    char *got = NULL;
    if (st == EV_DONE) {
        got = print(ev_vm_value(vm));
    } else {
        strbuf b;
        sb_init(&b);
        ev_format_exception(&b, ev_vm_exception(vm), NULL);
        got = sb_take(&b);
    }
    cr_expect_str_eq(got, want, "%s", src);
    free(got);
    uint32_t d = ev_vm_max_depth(vm);
    ev_vm_free(vm);
    ev_code_free(c);
    fake_fini(&f);
    ev_env_free(env);
    return d;
}

Test(eval_fun, tail_calls_run_in_constant_depth)
{
    /* ten million iterations, one caller waiting: the top level's */
    cr_expect_eq(depth_of("L = fun L(0) -> done; L(N) -> L(N-1) end, "
                          "L(10000000).", "done"), 1);
    /* through a case and a receive-free server loop shape */
    cr_expect_eq(depth_of("L = fun L(N) -> case N of 0 -> done; _ -> L(N-1) "
                          "end end, L(100000).", "done"), 1);
    cr_expect_eq(depth_of("Mk = fun Mk(0, A) -> A; Mk(N, A) -> Mk(N-1, [a|A]) "
                          "end, length(lists:map(fun(X) -> X end, "
                          "Mk(200000, []))).", "200000"), 2);
    /* a body call nests */
    cr_expect_eq(depth_of("S = fun S(0) -> 0; S(N) -> 1 + S(N-1) end, S(1000).",
                          "1000"), 1001);
}

Test(eval_fun, deep_body_recursion_hits_the_depth_limit)
{
    cr_expect_eq(depth_of("S = fun S(0) -> 0; S(N) -> 1 + S(N-1) end, "
                          "S(1000000).",
                          "** exception error: a system limit has been reached"),
                 EV_MAX_DEPTH);
    /* caught where it is raised, like any error */
    depth_of("S = fun S(0) -> 0; S(N) -> 1 + S(N-1) end, "
             "element(1, catch S(1000000)).", "'EXIT'");
}

Test(eval_fun, a_slice_of_reductions_yields_and_goes_on)
{
    ev_error err;
    ev_code *c = ev_compile("L = fun L(0) -> done; L(N) -> L(N-1) end, "
                            "L(10000).", &err);
    cr_assert_not_null(c);
    ev_env *env = ev_env_new();
    fake f = { 0 };
    ev_host h = { &f, fake_call, fake_send, NULL };
    ev_vm *vm = ev_vm_new(c, env, &h);
    ev_vm_set_slice(vm, 1000);
    int yields = 0;
    ev_status st;
    while ((st = ev_vm_run(vm)) == EV_YIELD) {
        yields++;
        cr_expect_eq(ev_vm_reductions(vm), 1000u * (unsigned)yields);
    }
    cr_expect_eq(st, EV_DONE);
    /* one reduction per call: L(10000) down to L(0) */
    cr_expect_eq(ev_vm_reductions(vm), 10001);
    cr_expect_eq(yields, 10);
    char *v = print(ev_vm_value(vm));
    cr_expect_str_eq(v, "done");
    free(v);
    ev_vm_free(vm);
    ev_code_free(c);
    fake_fini(&f);
    ev_env_free(env);
}

Test(eval_fun, terms_deeper_than_the_limit_raise_system_limit)
{
    /* erl would build them (and grow until memory runs out); clustersim
     * stops at TERM_MAX_DEPTH levels, so that printing, comparing and
     * freeing them cannot overflow the C stack */
    EXPECT("F = fun D(0, A) -> A; D(N, A) -> D(N - 1, [A]) end, "
           "length(F(9000, [])).", "1");
    EXPECT("F = fun D(0, A) -> A; D(N, A) -> D(N - 1, [A]) end, F(20000, []).",
           "** exception error: a system limit has been reached");
    EXPECT("F = fun D(0, A) -> A; D(N, A) -> D(N - 1, {A}) end, F(20000, x).",
           "** exception error: a system limit has been reached");
    EXPECT("F = fun D(0, A) -> A; D(N, A) -> D(N - 1, #{k => A}) end, F(20000, x).",
           "** exception error: a system limit has been reached");
    /* a long list is not deep: its tail does not count */
    EXPECT("F = fun D(0, A) -> A; D(N, A) -> D(N - 1, [N | A]) end, "
           "length(F(100000, [])).", "100000");
}
