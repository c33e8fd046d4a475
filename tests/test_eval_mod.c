/* test_eval_mod: modules (core/erl/eval.h, ev_module_compile): erlc's
 * messages, calls between modules and into them, undef, imports, local
 * funs, tail calls in module loops, stack traces with file and line,
 * module_info, and the funs a module makes.
 *
 * Expected texts were observed with erlc and erl (Erlang/OTP 25, erts
 * 13.1.5); "erl:" / "erlc:" marks such a quote. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/erl/eval.h"
#include "tests/eval_fake.h"

/* The modules "loaded" for the evaluations of one test. */
static ev_module *loaded[4];
static int nloaded;
static bool hidden;          /* the node has none of them loaded */

static const ev_module *find_module(void *ctx, atom_t name)
{
    (void)ctx;
    for (int i = 0; !hidden && i < nloaded; i++)
        if (ev_module_name(loaded[i]) == name)
            return loaded[i];
    return NULL;
}

/* Compiles src as `file`, which must succeed; loads it. */
static void load(const char *file, const char *src)
{
    strbuf msgs;
    sb_init(&msgs);
    ev_module *m = ev_module_compile(src, file, &msgs);
    cr_assert_not_null(m, "%s", msgs.s ? msgs.s : "");
    sb_fini(&msgs);
    loaded[nloaded++] = m;
}

static void unload_all(void)
{
    while (nloaded > 0)
        ev_module_free(loaded[--nloaded]);
}

/* erlc's messages for src as `file` (compile failing or not). */
static char *messages(const char *file, const char *src, bool *ok)
{
    strbuf msgs;
    sb_init(&msgs);
    ev_module *m = ev_module_compile(src, file, &msgs);
    *ok = m != NULL;
    ev_module_free(m);
    return msgs.s ? sb_take(&msgs) : strdup("");
}

/* What the shell prints for src, with the loaded modules and env's
 * bindings (updated). */
static char *run_in(const char *src, ev_env *env)
{
    ev_error err;
    ev_code *c = ev_compile(src, &err);
    cr_assert_not_null(c, "%s: %s", src, err.msg);
    fake f = { 0 };
    ev_host h = { &f, fake_call, fake_send, find_module };
    ev_vm *vm = ev_vm_new(c, env, &h);
    ev_status st = ev_vm_run(vm);
    char *out;
    if (st == EV_DONE) {
        out = print(ev_vm_value(vm));
    } else if (st == EV_RAISED) {
        strbuf b;
        sb_init(&b);
        ev_format_exception(&b, ev_vm_exception(vm), NULL);
        out = sb_take(&b);
    } else {
        out = strdup("<blocked>");
    }
    ev_vm_free(vm);
    ev_code_free(c);
    fake_fini(&f);
    return out;
}

static char *run(const char *src)
{
    ev_env *env = ev_env_new();
    char *out = run_in(src, env);
    ev_env_free(env);
    return out;
}

#define RUN(src, want)                                                     \
    do {                                                                   \
        char *got_ = run(src);                                             \
        cr_expect_str_eq(got_, want, "%s\n  got:  %s\n  want: %s", src,   \
                         got_, want);                                      \
        free(got_);                                                        \
    } while (0)

static const char fact[] =
    "-module(fact).\n"
    "-export([fact/1, loop/2, safe/1]).\n"
    "\n"
    "fact(0) -> 1;\n"
    "fact(N) when N > 0 -> N * fact(N - 1).\n"
    "\n"
    "loop(0, Acc) -> Acc;\n"
    "loop(N, Acc) -> loop(N - 1, Acc + 1).\n"
    "\n"
    "safe(X) -> catch fact(X).\n"
    "helper() -> ok.\n";

Test(eval_mod, calls_recursion_and_tail_calls, .fini = unload_all)
{
    load("fact.erl", fact);
    RUN("fact:fact(5).", "120");
    RUN("fact:fact(20).", "2432902008176640000");
    /* a million-iteration tail-recursive loop runs in constant depth */
    RUN("fact:loop(1000000, 0).", "1000000");
    /* erl: ** exception error: no function clause matching fact:fact(-1) (fact.erl, line 4) */
    RUN("fact:fact(-1).", "** exception error: no function clause matching "
                          "fact:fact(-1) (fact.erl, line 4)");
    /* erl: {'EXIT',{function_clause,[{fact,fact,[-1],[{file,"fact.erl"},{line,4}]},
     *       {fact,safe,1,[{file,"fact.erl"},{line,10}]}, ...erl_eval frames]}} */
    RUN("fact:safe(-1).", "{'EXIT',{function_clause,[{fact,fact,[-1],[{file,\"fact.erl\"},"
                          "{line,4}]},{fact,safe,1,[{file,\"fact.erl\"},{line,10}]}]}}");
    /* erl: ** exception error: undefined function fact:helper/0 (not exported) */
    RUN("fact:helper().", "** exception error: undefined function fact:helper/0");
    RUN("nosuch:f(1).", "** exception error: undefined function nosuch:f/1");
    /* erl: [{fact,1},{loop,2},{safe,1},{module_info,0},{module_info,1}] */
    RUN("fact:module_info(exports).",
        "[{fact,1},{loop,2},{safe,1},{module_info,0},{module_info,1}]");
    RUN("fact:module_info(module).", "fact");
}

Test(eval_mod, stack_traces_like_erl, .fini = unload_all)
{
    load("errors.erl",
         "-module(errors).\n"
         "-export([divide/2, nested/1, undef_call/0, bad_element/0, c/1]).\n"
         "divide(A, B) -> A div B.\n"
         "nested(X) -> {ok, outer(X)}.\n"
         "outer(X) -> inner(X) + 1.\n"
         "inner(X) -> X + 1.\n"
         "undef_call() -> no_such_module:f(1).\n"
         "bad_element() -> element(3, {a, b}).\n"
         "c(X) -> case X of 1 -> ok end.\n");
    RUN("errors:divide(1, 0).",
        "** exception error: an error occurred when evaluating an arithmetic expression\n"
        "     in operator  div/2\n"
        "        called as 1 div 0\n"
        "     in call from errors:divide/2 (errors.erl, line 3)");
    RUN("errors:nested(a).",
        "** exception error: an error occurred when evaluating an arithmetic expression\n"
        "     in function  errors:inner/1 (errors.erl, line 6)\n"
        "     in call from errors:outer/1 (errors.erl, line 5)\n"
        "     in call from errors:nested/1 (errors.erl, line 4)");
    /* erl: the caller of an undefined function (a body call) is printed
     * "in function" */
    load("calls.erl", "-module(calls).\n-export([a/0]).\na() -> x:y(), ok.\n");
    RUN("calls:a().", "** exception error: undefined function x:y/0\n"
                      "     in function  calls:a/0 (calls.erl, line 3)");
    /* a tail call's caller is gone from the stack (erl prints no frame) */
    RUN("errors:undef_call().",
        "** exception error: undefined function no_such_module:f/1");
    RUN("errors:bad_element().",
        "** exception error: bad argument\n"
        "     in function  element/2\n"
        "        called as element(3,{a,b})\n"
        "        *** argument 1: out of range\n"
        "     in call from errors:bad_element/0 (errors.erl, line 8)");
    RUN("errors:c(2).", "** exception error: no case clause matching 2\n"
                        "     in function  errors:c/1 (errors.erl, line 9)");
}

Test(eval_mod, imports_local_funs_and_module_funs, .fini = unload_all)
{
    load("funs.erl",
         "-module(funs).\n"
         "-export([neg/1, twice/1, bad/0, maker/0]).\n"
         "-import(lists, [map/2]).\n"
         "neg(L) -> map(fun negate/1, L).\n"
         "negate(X) -> -X.\n"
         "twice(X) -> F = fun(Y) -> Y * 2 end, F(F(X)).\n"
         "bad() -> F = fun(A, B) -> A + B end, F(1).\n"
         "maker() -> fun() -> made end.\n");
    RUN("funs:neg([1, 2]).", "[-1,-2]");
    RUN("funs:twice(3).", "12");
    /* erl: ** exception error: funs:'-bad/0-fun-0-'/2 called with one argument */
    RUN("funs:bad().", "** exception error: funs:'-bad/0-fun-0-'/2 called with one argument\n"
                       "     in function  funs:bad/0 (funs.erl, line 7)");
    RUN("F = funs:maker(), F().", "made");
}

Test(eval_mod, a_module_fun_needs_its_module, .fini = unload_all)
{
    load("funs.erl", "-module(funs).\n-export([maker/0]).\n"
                     "maker() -> fun() -> made end.\n");
    char *f = run("funs:maker().");
    cr_expect(strncmp(f, "#Fun<funs.", 10) == 0, "%s", f);
    free(f);
    /* erl (a fun sent to a node without its module):
     * {'EXIT',{undef,[{#Fun<funs.0.N>,[],[]}]}} */
    ev_env *env = ev_env_new();
    free(run_in("F = funs:maker().", env));
    hidden = true;
    char *out = run_in("{'EXIT', {undef, [{G, [], []}]}} = catch F(), G =:= F.", env);
    hidden = false;
    cr_expect_str_eq(out, "true");
    free(out);
    ev_env_free(env);
}

Test(eval_mod, erlc_messages)
{
    bool ok;
    char *m = messages("err.erl",
                       "-module(err).\n"
                       "-export([f/1, g/1]).\n"
                       "f(X) ->\n"
                       "    Y = X + Z,\n"
                       "    Y.\n"
                       "h() -> missing(1).\n", &ok);
    cr_expect(!ok);
    /* erlc: the errors in order of position, then the warnings */
    cr_expect_str_eq(m,
        "err.erl:2:2: function g/1 undefined\n"
        "%    2| -export([f/1, g/1]).\n"
        "%     |  ^\n"
        "\n"
        "err.erl:4:13: variable 'Z' is unbound\n"
        "%    4|     Y = X + Z,\n"
        "%     |             ^\n"
        "\n"
        "err.erl:6:8: function missing/1 undefined\n"
        "%    6| h() -> missing(1).\n"
        "%     |        ^\n"
        "\n"
        "err.erl:6:1: Warning: function h/0 is unused\n"
        "%    6| h() -> missing(1).\n"
        "%     | ^\n"
        "\n");
    free(m);
    m = messages("s.erl", "-module(s).\n-export([f/0]).\nf() -> ok\n", &ok);
    cr_expect(!ok);
    /* erlc: at the last token, before nothing; the form is lost */
    cr_expect_str_eq(m, "s.erl:3:8: syntax error before: \n"
                        "%    3| f() -> ok\n"
                        "%     |        ^\n"
                        "\n"
                        "s.erl:2:2: function f/0 undefined\n"
                        "%    2| -export([f/0]).\n"
                        "%     |  ^\n"
                        "\n", "%s", m);
    free(m);
    m = messages("d.erl", "-module(d).\n-export([f/0]).\nf() -> 1.\nf() -> 2.\n", &ok);
    cr_expect(!ok);
    cr_expect(strstr(m, "d.erl:4:1: function f/0 already defined\n") != NULL, "%s", m);
    free(m);
    m = messages("e.erl", "-module(e).\n-compile(export_all).\nf() -> 1.\n", &ok);
    cr_expect(ok);
    cr_expect_str_eq(m, "e.erl:2:2: Warning: export_all flag enabled - all "
                        "functions will be exported\n"
                        "%    2| -compile(export_all).\n"
                        "%     |  ^\n"
                        "\n");
    free(m);
    /* erlc compiles it; loading pong.beam then fails: "Module name
     * 'ping' does not match file name 'pong'" */
    m = messages("lib/pong.erl", "-module(ping).\n", &ok);
    cr_expect(!ok);
    cr_expect_str_eq(m, "lib/pong.erl: Module name 'ping' does not match file "
                        "name 'pong'\n");
    free(m);
    m = messages(NULL, "-module(inline).\nf() -> 1.\n", &ok);
    cr_expect(ok);
    cr_expect(strncmp(m, "inline.erl:2:1: Warning: function f/0 is unused", 47) == 0,
              "%s", m);
    free(m);
}
