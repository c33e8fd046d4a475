/* test_eval: the Erlang-subset evaluator (core/erl/eval.h): parsing and
 * its errors, evaluation of every construct with a fake host (defined
 * here, shared with test_eval_host.c through tests/eval_fake.h), catch,
 * the exceptions and their shell text, and the shell's variable checks.
 * test_eval_host.c has suspension and ev_match_pattern.
 *
 * Expected texts were observed in erl (Erlang/OTP 25, erts 13.1.5) by
 * piping the input into `erl`; where erl's output is quoted below as
 * "erl:", the expected string is that output (minus the prompt). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/erl/eval.h"
#include "tests/eval_fake.h"

/* ---- a fake host ---- */

static atom_t A(const char *s) { return atom_intern(s); }

static term *args_list(uint32_t argc, term **args)
{
    term *l = term_nil();
    for (uint32_t i = argc; i-- > 0;)
        l = term_cons(term_ref(args[i]), l);
    return l;
}

ev_status fake_call(void *ctx, ev_vm *vm, atom_t mod, atom_t fun,
                    uint32_t argc, term **args, term **result,
                    ev_exception *exc)
{
    fake *f = ctx;
    (void)vm;
    f->calls++;
    const char *m = atom_text(mod), *fn = atom_text(fun);
    if (!strcmp(m, "") && !strcmp(fn, "self") && argc == 0) {
        term_pid p = { A("a@sim"), 85, 0, 1 };
        *result = term_pid_new(p);
        return EV_DONE;
    }
    if (!strcmp(m, "") && !strcmp(fn, "node") && argc == 0) {
        *result = term_atom_s("a@sim");
        return EV_DONE;
    }
    if (!strcmp(m, "fake") && !strcmp(fn, "id") && argc == 1) {
        *result = term_ref(args[0]);
        return EV_DONE;
    }
    if (!strcmp(m, "fake") && !strcmp(fn, "block") && argc == 1) {
        term_unref(f->block_arg);
        f->block_arg = term_ref(args[0]);
        return EV_BLOCKED;
    }
    if (!strcmp(m, "global") && !strcmp(fn, "send") && argc == 2) {
        exc->cls = A("exit");
        exc->reason = term_tuplev(2, term_atom_s("badarg"),
                                  term_tuplev(2, term_ref(args[0]),
                                              term_ref(args[1])));
        exc->mod = mod;
        exc->fun = fun;
        exc->arity = 2;
        return EV_RAISED;
    }
    if (!strcmp(m, "lists") && !strcmp(fn, "sort") && argc == 1) {
        exc->cls = A("error");
        exc->reason = term_atom_s("function_clause");
        exc->mod = mod;
        exc->fun = fun;
        exc->arity = 1;
        exc->args = args_list(argc, args);
        return EV_RAISED;
    }
    if (!strcmp(m, "timer") && !strcmp(fn, "sleep") && argc == 1) {
        exc->cls = A("error");
        exc->reason = term_atom_s("timeout_value");
        exc->mod = mod;
        exc->fun = fun;
        exc->arity = 1;
        return EV_RAISED;
    }
    if (!strcmp(fn, "is_process_alive") && argc == 1) {
        exc->cls = A("error");
        exc->reason = term_atom_s("badarg");
        exc->mod = A("erlang");
        exc->fun = fun;
        exc->arity = 1;
        exc->args = args_list(argc, args);
        ev_exception_detail(exc, 1, "not a pid");
        return EV_RAISED;
    }
    exc->cls = A("error");
    exc->reason = term_atom_s("undef");
    exc->mod = *m ? mod : A("shell_default");
    exc->fun = fun;
    exc->arity = argc;
    exc->args = args_list(argc, args);
    return EV_RAISED;
}

ev_status fake_send(void *ctx, term *dest, term *msg, ev_exception *exc)
{
    fake *f = ctx;
    if (term_is_atom(dest, A("nosuch"))) {
        exc->cls = A("error");
        exc->reason = term_atom_s("badarg");
        exc->mod = A("erlang");
        exc->fun = A("!");
        exc->arity = 2;
        exc->is_operator = true;
        exc->args = term_list(2, (term *[]){ term_ref(dest), term_ref(msg) }, NULL);
        return EV_RAISED;
    }
    if (f->nsent < 8)
        f->sent[f->nsent++] = term_tuplev(2, term_ref(dest), term_ref(msg));
    return EV_DONE;
}

const ev_module *fake_module(void *ctx, atom_t name)
{
    const fake *f = ctx;
    return f->mod && ev_module_name(f->mod) == name ? f->mod : NULL;
}

void fake_fini(fake *f)
{
    for (int i = 0; i < f->nsent; i++)
        term_unref(f->sent[i]);
    term_unref(f->block_arg);
    memset(f, 0, sizeof *f);
}

/* ---- helpers ---- */

char *print(const term *t)
{
    return term_to_string(t, NULL);
}

/* Evaluates `src` to the end with the fake host (it must not block) and
 * returns what the shell would print: the value, the exception text, or
 * "* L:C: msg" for a syntax or command error. Caller frees. */
char *fake_run(const char *src, ev_env *env, fake *f)
{
    ev_error err;
    ev_code *c = ev_compile(src, &err);
    if (!c) {
        char buf[400];
        snprintf(buf, sizeof buf, "* %d:%d: %s", err.line, err.col, err.msg);
        return strdup(buf);
    }
    ev_host h = { f, fake_call, fake_send, fake_module };
    ev_vm *vm = ev_vm_new(c, env, &h);
    ev_status st = ev_vm_run(vm);
    char *out = NULL;
    if (st == EV_DONE) {
        out = print(ev_vm_value(vm));
    } else if (st == EV_RAISED) {
        if (ev_vm_command_error(vm, &err)) {
            char buf[400];
            snprintf(buf, sizeof buf, "* %d:%d: %s", err.line, err.col, err.msg);
            out = strdup(buf);
        } else {
            strbuf b;
            sb_init(&b);
            ev_format_exception(&b, ev_vm_exception(vm), NULL);
            out = sb_take(&b);
        }
    } else {
        out = strdup(st == EV_BLOCKED ? "<blocked>" : "<receive>");
    }
    ev_vm_free(vm);
    ev_code_free(c);
    return out;
}

/* fake_run with fresh bindings and a fresh fake; see eval_fake.h. */
char *fake_eval(const char *src)
{
    ev_env *env = ev_env_new();
    fake f = { 0 };
    char *out = fake_run(src, env, &f);
    fake_fini(&f);
    ev_env_free(env);
    return out;
}

#define EXPECT_IN(src, env, want)                                          \
    do {                                                                   \
        fake f_ = { 0 };                                                   \
        char *got_ = fake_run(src, env, &f_);                                \
        cr_expect_str_eq(got_, want, "%s\n  got:  %s\n  want: %s", src, got_, want);                           \
        free(got_);                                                        \
        fake_fini(&f_);                                                    \
    } while (0)

/* ---- parsing ---- */

Test(eval, parses_literals)
{
    EXPECT("42.", "42");
    EXPECT("16#FF + $a.", "352");                 /* erl: 352 */
    EXPECT("2#101.", "5");                        /* erl: 5 */
    EXPECT("1_000.", "1000");
    EXPECT("- 7.", "-7");
    EXPECT("-(-1).", "1");
    EXPECT("- - 1.", "1");
    EXPECT("0.5.", "0.5");
    EXPECT("ok.", "ok");
    EXPECT("'hello world'.", "'hello world'");
    EXPECT("'bob@sim'.", "bob@sim");
    EXPECT("\"abc\" \"def\".", "\"abcdef\"");     /* erl: "abcdef" */
    EXPECT("[$a|\"bc\"].", "\"abc\"");            /* erl: "abc" */
    EXPECT("\"\\x41\\101\\e\\s\\d\\^a\".", "[65,65,27,32,127,1]");
    EXPECT("$\\n.", "10");
    EXPECT("$\\x{41}.", "65");
    EXPECT("[].", "[]");
    EXPECT("{}.", "{}");
    EXPECT("{a, [1,2|[3]], {b}}.", "{a,[1,2,3],{b}}");
    EXPECT("[1|2].", "[1|2]");
    EXPECT("#{a => 1}.", "#{a => 1}");
    EXPECT("<<\"hi\">>.", "<<\"hi\">>");
    EXPECT("<<1,2,3>>.", "<<1,2,3>>");
    EXPECT("<<\"a\", 1, \"bc\">>.", "<<97,1,98,99>>");   /* erl: <<97,1,98,99>> */
    EXPECT("fun lists:map/2.", "fun lists:map/2");       /* erl: fun lists:map/2 */
    EXPECT("a % a comment\n.", "a");
    EXPECT("ok", "ok");                           /* the '.' is optional */
    EXPECT("  ok .  ", "ok");
}

Test(eval, parses_operator_precedence)
{
    EXPECT("1 + 2 * 3.", "7");
    EXPECT("(1 + 2) * 3.", "9");
    EXPECT("10 - 4 - 3.", "3");                   /* left associative */
    EXPECT("[1] ++ [2] ++ [3].", "[1,2,3]");      /* right associative */
    EXPECT("[1,2,3] -- [2] -- [2].", "[1,2,3]");  /* right assoc: -- ([2] -- [2]) */
    EXPECT("1 + catch 2 + 3.", "6");              /* erl: 6 (catch takes 2 + 3) */
    EXPECT("X = catch 1 + 1, X.", "2");
    EXPECT("not true orelse true.", "true");
    EXPECT("1 < 2 andalso 2 < 3.", "true");
    EXPECT("- 1 + 2.", "1");
    EXPECT("2 * - 3.", "-6");
    EXPECT("1 + - 1.", "0");                      /* erl: 0 */
    EXPECT("1 - -1.", "2");                       /* erl: 2 */
    EXPECT("X = Y = 3, {X, Y}.", "{3,3}");
    EXPECT("begin 1, 2 end.", "2");
}

/* Each invalid input with erl's message and position. */
static const struct {
    const char *src;
    int line, col;
    const char *msg;
} bad[] = {
    { "foo(.", 1, 5, "syntax error before: '.'" },         /* erl: * 1:5: ... */
    { ").", 1, 1, "syntax error before: ')'" },            /* erl: * 1:1: ... */
    { "1 +.", 1, 4, "syntax error before: '.'" },
    { "[1,2.", 1, 5, "syntax error before: '.'" },
    { "case X of end.", 1, 11, "syntax error before: 'end'" },
    { "1 2.", 1, 3, "syntax error before: 2" },
    { "a b.", 1, 3, "syntax error before: b" },
    { "X Y.", 1, 3, "syntax error before: Y" },
    { "\"a\" 1.", 1, 5, "syntax error before: 1" },
    { "a 'B c'.", 1, 3, "syntax error before: 'B c'" },
    { "a \"x\\n\".", 1, 3, "syntax error before: \"x\\n\"" },
    { "a $b.", 1, 3, "syntax error before: $b" },
    { "a 1.50.", 1, 3, "syntax error before: 1.5" },
    { "a 16#ff.", 1, 3, "syntax error before: 255" },
    { "16#GG.", 1, 1, "illegal integer" },
    { "#{a}.", 1, 4, "syntax error before: '}'" },
    { "<<1,>>.", 1, 5, "syntax error before: '>>'" },
    { "fun foo.", 1, 8, "syntax error before: '.'" },
    { "receive end.", 1, 9, "syntax error before: 'end'" },
    { "{a,}.", 1, 4, "syntax error before: '}'" },
    { "#{a => X} = #{a => 1}.", 1, 5, "illegal pattern" },
    { "1 = = 2.", 1, 5, "syntax error before: '='" },
    { "a:b:c().", 1, 4, "syntax error before: ':'" },
    { "'abc'def.", 1, 6, "syntax error before: def" },
    { "[1|2|3].", 1, 5, "syntax error before: '|'" },
    { "foo(1,,2).", 1, 7, "syntax error before: ','" },
    { "case 1 of 1 end.", 1, 13, "syntax error before: 'end'" },
    { "begin end.", 1, 7, "syntax error before: 'end'" },
    { "a ++ +.", 1, 7, "syntax error before: '.'" },
    { "{a\n,b\nc}.", 3, 1, "syntax error before: c" },
    { "a =:= b =:= c.", 1, 9, "syntax error before: '=:='" },
    { "1.5.3.", 1, 4, "syntax error before: '.'" },
    { "a.b.", 1, 2, "syntax error before: '.'" },
    { "1e5.", 1, 2, "syntax error before: e5" },
    { "\"ab\n", 1, 1, "unterminated string starting with \"ab\\n\"" },
    { "'abc.\n", 1, 1, "unterminated atom starting with 'abc.\\n'" },
    { "case 1 of X when foo(X) -> 1 end.", 1, 18, "illegal guard expression" },
    { "case 1 of _ when _ -> 1 end.", 1, 18, "variable '_' is unbound" },
    { "a:b.", 1, 1, "illegal expression" },
    { "37#1.", 1, 1, "illegal base '37'" },
    /* not erl's: clustersim's own limits of the subset */
    { "f(X) = 1.", 1, 1, "illegal pattern" },
    { "_.", 1, 1, "variable '_' is unbound" },
    { "foo(", 1, 5, "syntax error before: '.'" },   /* the '.' is implied */
    { "1. 2.", 1, 4, "unexpected text after the final '.' "
                     "(one expression sequence per evaluation)" },
    /* erl: * 1:14: head mismatch */
    { "fun(X) -> 1; (X,Y) -> 2 end.", 1, 14, "head mismatch" },
    { "fun A(X) -> 1; B(X) -> 2 end.", 1, 16, "head mismatch" },
    { "fun f/1.", 1, 1, "local funs (fun F/A) are only for modules (in the "
                        "shell: fun Module:Function/Arity or a fun with a body)" },
    { "try 1 of 2 -> a end.", 1, 17, "syntax error before: 'end'" },
    /* erl: * 1:5: syntax error before: '<=' */
    { "[X || X <= <<1>>].", 1, 9, "syntax error before: '<='" },
    { "123456789012345678901234567890.", 1, 1,
      "integer too large (clustersim has no bignums)" },
    { "#{a := 1}.", 1, 5, "only association operators '=>' are allowed "
                          "in map construction" },
    /* erl: * 1:3: bit type foo undefined */
    { "<<1/foo>>.", 1, 3, "bit type foo undefined" },
};

Test(eval, rejects_invalid_input_like_erl)
{
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ev_error err;
        ev_code *c = ev_compile(bad[i].src, &err);
        cr_expect_null(c, "%s should not compile", bad[i].src);
        ev_code_free(c);
        if (c)
            continue;
        cr_expect_str_eq(err.msg, bad[i].msg, "%s", bad[i].src);
        cr_expect_eq(err.line, bad[i].line, "%s: line %d", bad[i].src, err.line);
        cr_expect_eq(err.col, bad[i].col, "%s: col %d", bad[i].src, err.col);
    }
}

/* ---- evaluation ---- */

Test(eval, arithmetic)
{
    EXPECT("1 / 2.", "0.5");                      /* erl: 0.5 */
    EXPECT("4 / 2.", "2.0");                      /* erl: 2.0 */
    EXPECT("7 rem -2.", "1");                     /* erl: 1 */
    EXPECT("-7 div 2.", "-3");                    /* erl: -3 */
    EXPECT("1 + 1.5.", "2.5");
    EXPECT("bnot 5.", "-6");
    EXPECT("6 band 3 bor 8.", "10");
    EXPECT("1 bsl 4.", "16");
    EXPECT("-16 bsr 2.", "-4");
    EXPECT("3 bxor 1.", "2");
    EXPECT("9223372036854775807 + 0.", "9223372036854775807");
    EXPECT("abs(-3).", "3");                      /* erl: 3 */
    EXPECT("true and false.", "false");
    EXPECT("true xor false.", "true");
}

Test(eval, comparisons)
{
    EXPECT("1 == 1.0.", "true");
    EXPECT("1 =:= 1.0.", "false");
    EXPECT("1 /= 1.0.", "false");
    EXPECT("1 =/= 1.0.", "true");
    EXPECT("1 < a.", "true");                     /* number < atom */
    EXPECT("{1} < [1].", "true");                 /* tuple < list */
    EXPECT("a =< a.", "true");
    EXPECT("2 >= 3.", "false");
    EXPECT("b > a.", "true");
}

Test(eval, lists_maps_binaries)
{
    EXPECT("[1,2,3] -- [2].", "[1,3]");           /* erl: [1,3] */
    EXPECT("[1,2,1] -- [1].", "[2,1]");
    EXPECT("[1] ++ 2.", "[1|2]");
    EXPECT("M = #{a => 1}, M#{a := 2, b => 3}.", "#{a => 2,b => 3}");
    EXPECT("#{a => 1}#{a := 2}.", "#{a => 2}");   /* erl: #{a => 2} */
    EXPECT("#{a => 1, a => 2}.", "#{a => 2}");
    EXPECT("<<300>>.", "<<\",\">>");               /* erl: <<",">> (300 band 255) */
    EXPECT("B = <<\"ab\">>, <<B/binary, \"c\">>.", "<<\"abc\">>");
    EXPECT("length([1,2,3]).", "3");
    EXPECT("element(2, {a, b}).", "b");
    EXPECT("{hd([1,2]), tl([1,2])}.", "{1,[2]}");
    EXPECT("tuple_size({a,b,c}).", "3");
    EXPECT("map_get(a, #{a => 1}).", "1");
    EXPECT("{is_atom(a), is_integer(1), is_tuple({}), is_list([]), "
           "is_map(#{}), is_binary(<<>>), is_float(1.0), is_pid(self())}.",
           "{true,true,true,true,true,true,true,true}");
}

Test(eval, matching_binds)
{
    EXPECT("X = 1, Y = X + 1, {X, Y}.", "{1,2}");
    EXPECT("{ok, P} = {ok, 5}, P.", "5");
    EXPECT("[H|T] = [1,2,3], {H, T}.", "{1,[2,3]}");
    EXPECT("#{a := V} = #{a => 1, b => 2}, V.", "1");
    EXPECT("#{a := Q} = #{a => 1}.", "#{a => 1}");      /* erl: #{a => 1} */
    EXPECT("\"ab\" ++ T = \"abc\", T.", "\"c\"");       /* erl: "c" */
    EXPECT("{A, A} = {1, 1}, A.", "1");
    EXPECT("{A, B} = P = {1, 2}, {A, B, P}.", "{1,2,{1,2}}");
    EXPECT("-1 = -1.", "-1");
    EXPECT("<<\"hi\">> = <<\"hi\">>.", "<<\"hi\">>");
    EXPECT("_ = 5.", "5");
    EXPECT("{_, _} = {1, 2}.", "{1,2}");
    EXPECT("_X = 1, _X.", "1");                  /* _X binds, as in Erlang */
    EXPECT("K = a, #{K := V} = #{a => 9}, V.", "9");
}

Test(eval, case_if_and_guards)
{
    EXPECT("case 3 of 1 -> a; N when N > 2 -> {big, N} end.", "{big,3}");
    EXPECT("case {1,2} of {X, X} -> same; {_, _} -> diff end.", "diff");
    EXPECT("case 5 of X when X < 0; X > 4 -> out; _ -> in end.", "out");
    EXPECT("case a of X when is_atom(X), X =/= b -> yes end.", "yes");
    EXPECT("case 1 of X when X -> t; _ -> f end.", "f");  /* non-true guard */
    EXPECT("case 1 of X when hd(X) -> t; _ -> f end.", "f"); /* raising guard */
    EXPECT("case {1} of {X} when element(1, {X}) =:= 1 -> ok end.", "ok");
    EXPECT("case a of _ when node() =:= 'a@sim' -> local end.", "local");
    EXPECT("if 1 > 2 -> a; true -> b end.", "b");
    EXPECT("case 1 of 1 -> Z = 2; 2 -> ok end, Z.", "2"); /* erl: 2 */
    EXPECT("case 1 of 1 -> Z = 2; 2 -> Z = 3 end, Z + 1.", "3");
}

Test(eval, andalso_orelse_not)
{
    EXPECT("true andalso false.", "false");
    EXPECT("false andalso 1.", "false");
    EXPECT("true andalso 1.", "1");               /* erl: 1 */
    EXPECT("false orelse 3.", "3");
    EXPECT("true orelse 3.", "true");
    EXPECT("not true.", "false");
    EXPECT("not not true.", "true");              /* erl: true */
}

Test(eval, calls_and_sends)
{
    ev_env *env = ev_env_new();
    fake f = { 0 };
    char *out = fake_run("self() ! hi, {b, 'bob@sim'} ! {x, 1}.", env, &f);
    cr_expect_str_eq(out, "{x,1}");
    free(out);
    cr_assert_eq(f.nsent, 2);
    char *s0 = print(f.sent[0]), *s1 = print(f.sent[1]);
    cr_expect_str_eq(s0, "{<0.85.0>,hi}");
    cr_expect_str_eq(s1, "{{b,bob@sim},{x,1}}");
    free(s0);
    free(s1);
    fake_fini(&f);
    ev_env_free(env);

    EXPECT("fake:id(7).", "7");
    EXPECT("M = fake, M:id(3).", "3");
    EXPECT("F = fun fake:id/1, F(4).", "4");
    EXPECT("(fun fake:id/1)(5).", "5");
    EXPECT("erlang:element(1, {z}).", "z");
}

Test(eval, apply_and_runtime_unbound)
{
    EXPECT("apply(erlang, element, [1, {a}]).", "a");
    EXPECT("apply(fun erlang:element/2, [1, {b}]).", "b");
    EXPECT("apply(fake, id, [q]).", "q");
    EXPECT("apply(1, b, []).", "** exception error: bad argument\n"
                               "     in function  apply/3\n"
                               "        called as apply(1,b,[])\n"
                               "        *** argument 1: not an atom");
    EXPECT("apply(3, []).", "** exception error: bad function 3");  /* erl */
    EXPECT("apply(erlang, hd, [[]]).", "** exception error: bad argument\n"
                                       "     in function  hd/1\n"
                                       "        called as hd([])\n"
                                       "        *** argument 1: not a nonempty list");
    /* erl: ** exception error: variable 'A' is unbound (erl_eval's
     * run-time error: the check before the expression passed) */
    EXPECT("begin A = 1, f(), A end.", "** exception error: variable 'A' is unbound");
    EXPECT("begin B = 1, f(B), B end.", "** exception error: variable 'B' is unbound");
    EXPECT("100000000000000000000.0 > 1.", "true");
    EXPECT("2#102.", "* 1:5: syntax error before: 2");    /* erl */
}

Test(eval, catch_values)
{
    /* erl: {'EXIT',{badarith,[{erlang,'/',[1,0],[{error_info,...}]},
     * ...erl_eval and shell frames...]}}: clustersim keeps the top frame
     * only, with an empty location list. */
    EXPECT("catch 1/0.", "{'EXIT',{badarith,[{erlang,'/',[1,0],[]}]}}");
    EXPECT("catch throw(foo).", "foo");           /* erl: foo */
    EXPECT("catch exit(foo).", "{'EXIT',foo}");   /* erl: {'EXIT',foo} */
    /* erl: {'EXIT',{{badmatch,2},[{erl_eval,expr,6,...}|...]}} */
    EXPECT("catch 1 = 2.", "{'EXIT',{{badmatch,2},[]}}");
    /* erl: {'EXIT',{undef,[{foo,bar,[],[]}, ...]}} */
    EXPECT("catch foo:bar().", "{'EXIT',{undef,[{foo,bar,[],[]}]}}");
    EXPECT("catch global:send(nosuch, hi).", "{'EXIT',{badarg,{nosuch,hi}}}");
    EXPECT("catch nosuch ! hi.", "{'EXIT',{badarg,[{erlang,'!',[nosuch,hi],[]}]}}");
    EXPECT("catch error(foo).", "{'EXIT',{foo,[]}}");
    EXPECT("catch 42.", "42");
    EXPECT("X = catch 1/0, element(1, X).", "'EXIT'");
    EXPECT("catch (Y = 1), Y.", "1");             /* erl: 1 (kept on success) */
    EXPECT("{catch throw(a), catch throw(b)}.", "{a,b}");
    EXPECT("catch catch throw(x).", "x");
    EXPECT("catch begin X = 1, case X of 2 -> no end end.",
           "{'EXIT',{{case_clause,1},[]}}");
}

/* ---- the shell's variable rules ---- */

Test(eval, bindings_survive_only_successful_evaluations)
{
    ev_env *env = ev_env_new();
    /* erl: `X = 1, 1 = 2.` raises and X stays unbound */
    EXPECT_IN("X = 1, 1 = 2.", env, "** exception error: no match of right "
                                    "hand side value 2");
    cr_expect_null(ev_env_get(env, "X"));
    EXPECT_IN("X = 1.", env, "1");
    EXPECT_IN("X.", env, "1");
    EXPECT_IN("X = 2.", env, "** exception error: no match of right hand "
                             "side value 2");
    EXPECT_IN("{X, Y} = {1, two}.", env, "{1,two}");
    cr_expect_eq(ev_env_size(env), 2);
    cr_expect_str_eq(ev_env_name(env, 0), "X");
    cr_expect_str_eq(ev_env_name(env, 1), "Y");
    /* erl: `A = 5, f(), A.` -> * 1:13: variable 'A' is unbound; the
     * bindings are those from before the command */
    EXPECT_IN("f(), X.", env, "* 1:6: variable 'X' is unbound");
    cr_expect_not_null(ev_env_get(env, "X"));
    EXPECT_IN("f(X).", env, "ok");
    cr_expect_null(ev_env_get(env, "X"));
    cr_expect_not_null(ev_env_get(env, "Y"));
    EXPECT_IN("f(Nope).", env, "ok");            /* erl: ok */
    EXPECT_IN("f().", env, "ok");
    cr_expect_eq(ev_env_size(env), 0);
    EXPECT_IN("catch begin K = 1, 1/0 end, K.", env,
              "* 1:29: variable 'K' is unbound");   /* erl: * 1:29: ... */
    ev_env_set(env, "Pre", term_int(7));
    EXPECT_IN("Pre + 1.", env, "8");
    ev_env_clear(env);
    cr_expect_null(ev_env_get(env, "Pre"));
    ev_env_free(env);
}

Test(eval, unbound_and_unsafe_variables_like_the_shell)
{
    EXPECT("X.", "* 1:1: variable 'X' is unbound");          /* erl */
    EXPECT("V = V.", "* 1:5: variable 'V' is unbound");      /* erl */
    EXPECT("{X, X = 1}.", "* 1:2: variable 'X' is unbound"); /* erl */
    EXPECT("{X = 1, X}.", "* 1:9: variable 'X' is unbound"); /* erl */
    EXPECT("1 + Q + R.", "* 1:5: variable 'Q' is unbound");  /* erl */
    EXPECT("m:f(Q, R).", "* 1:5: variable 'Q' is unbound");  /* erl */
    EXPECT("Q ! R.", "* 1:1: variable 'Q' is unbound");      /* erl */
    EXPECT("#{a := Q} = R.", "* 1:13: variable 'R' is unbound"); /* erl */
    EXPECT("case 1 of X when Y -> 1 end.", "* 1:18: variable 'Y' is unbound");
    EXPECT("begin case 1 of 1 -> Z = 2; 2 -> ok end, Z end.",
           "* 1:42: variable 'Z' unsafe in 'case' (line 1, column 7)");
    EXPECT("begin catch (Y = 1), Y end.",
           "* 1:22: variable 'Y' unsafe in 'catch' (line 1, column 7)");
    EXPECT("begin receive W -> W after 0 -> ok end, W end.",
           "* 1:41: variable 'W' unsafe in 'receive' (line 1, column 7)");
    EXPECT("begin true andalso (X4 = true), X4 end.",
           "* 1:33: variable 'X4' unsafe in 'andalso' (line 1, column 12)");
    EXPECT("begin case 1 of 1 -> Z = 2; 2 -> Z = 3 end, Z end.", "2");
    EXPECT("case a of Q -> Q; R -> R end.", "a");            /* erl: a */
    /* erl_eval drops what andalso's right side binds: erl gives
     * * 1:27: variable 'X4' is unbound */
    EXPECT("true andalso (X4 = true), X4.", "* 1:27: variable 'X4' is unbound");
    /* side effects of earlier expressions stay, as in erl */
    ev_env *env = ev_env_new();
    fake f = { 0 };
    char *out = fake_run("self() ! a, Nope.", env, &f);
    cr_expect_str_eq(out, "* 1:13: variable 'Nope' is unbound");
    cr_expect_eq(f.nsent, 1);
    free(out);
    fake_fini(&f);
    /* the command error is also an exception, for a host that ignores it */
    ev_error err;
    ev_code *c = ev_compile("Nope.", &err);
    ev_host h = { &f, fake_call, fake_send, NULL };
    ev_vm *vm = ev_vm_new(c, env, &h);
    cr_assert_eq(ev_vm_run(vm), EV_RAISED);
    strbuf b;
    sb_init(&b);
    ev_format_exception(&b, ev_vm_exception(vm), NULL);
    cr_expect_str_eq(b.s, "** exception error: variable 'Nope' is unbound");
    sb_fini(&b);
    ev_vm_free(vm);
    ev_code_free(c);
    ev_env_free(env);
}

/* ---- exceptions as the shell prints them ---- */

Test(eval, exception_texts_match_erl)
{
    /* erl: ** exception error: no match of right hand side value 42 */
    EXPECT("1 = 42.", "** exception error: no match of right hand side value 42");
    /* erl (three lines) */
    EXPECT("1/0.", "** exception error: an error occurred when evaluating an "
                   "arithmetic expression\n"
                   "     in operator  '/'/2\n"
                   "        called as 1 / 0");
    EXPECT("1 + a.", "** exception error: an error occurred when evaluating an "
                     "arithmetic expression\n"
                     "     in operator  +/2\n"
                     "        called as 1 + a");
    EXPECT("-a.", "** exception error: an error occurred when evaluating an "
                  "arithmetic expression\n"
                  "     in operator  -/1\n"
                  "        called as - a");
    EXPECT("- \"a\".", "** exception error: an error occurred when evaluating an "
                       "arithmetic expression\n"
                       "     in operator  -/1\n"
                       "        called as - \"a\"");
    EXPECT("3 div 0.", "** exception error: an error occurred when evaluating an "
                       "arithmetic expression\n"
                       "     in operator  div/2\n"
                       "        called as 3 div 0");
    EXPECT("3 rem 0.", "** exception error: an error occurred when evaluating an "
                       "arithmetic expression\n"
                       "     in operator  rem/2\n"
                       "        called as 3 rem 0");
    EXPECT("1.5 div 2.", "** exception error: an error occurred when evaluating "
                         "an arithmetic expression\n"
                         "     in operator  div/2\n"
                         "        called as 1.5 div 2");
    EXPECT("nosuch ! hi.", "** exception error: bad argument\n"
                           "     in operator  !/2\n"
                           "        called as nosuch ! hi");
    EXPECT("global:send(nosuch, hi).",
           "** exception exit: {badarg,{nosuch,hi}}\n"
           "     in function  global:send/2 (global.erl, line 252)");
    EXPECT("throw(foo).", "** exception throw: foo");
    EXPECT("case 3 of 1 -> a end.", "** exception error: no case clause matching 3");
    EXPECT("foo:bar().", "** exception error: undefined function foo:bar/0");
    EXPECT("bar().", "** exception error: undefined shell command bar/0");
    EXPECT("exit(foo).", "** exception exit: foo");
    EXPECT("not 3.", "** exception error: bad argument\n"
                     "     in operator  not/1\n"
                     "        called as not 3");
    EXPECT("1 andalso true.", "** exception error: bad argument: 1");
    EXPECT("1 orelse true.", "** exception error: bad argument: 1");
    EXPECT("a orelse catch 1.", "** exception error: bad argument: a");
    EXPECT("[1|2] ++ [3].", "** exception error: bad argument\n"
                            "     in operator  ++/2\n"
                            "        called as [1|2] ++ [3]");
    EXPECT("a -- b.", "** exception error: bad argument\n"
                      "     in operator  --/2\n"
                      "        called as a -- b");
    EXPECT("a and 1.", "** exception error: bad argument\n"
                       "     in operator  and/2\n"
                       "        called as a and 1");
    EXPECT("error(foo).", "** exception error: foo");
    EXPECT("error({x,y}).", "** exception error: {x,y}");
    EXPECT("element(5, {a}).", "** exception error: bad argument\n"
                               "     in function  element/2\n"
                               "        called as element(5,{a})\n"
                               "        *** argument 1: out of range");
    EXPECT("length(a).", "** exception error: bad argument\n"
                         "     in function  length/1\n"
                         "        called as length(a)\n"
                         "        *** argument 1: not a list");
    EXPECT("is_process_alive(1).", "** exception error: bad argument\n"
                                   "     in function  is_process_alive/1\n"
                                   "        called as is_process_alive(1)\n"
                                   "        *** argument 1: not a pid");
    EXPECT("receive after foo -> ok end.",
           "** exception error: bad receive timeout value\n"
           "     in function  prim_eval:'receive'/2 ");   /* sic: erl's space */
    EXPECT("receive after -1 -> ok end.",
           "** exception error: bad receive timeout value\n"
           "     in function  prim_eval:'receive'/2 ");
    EXPECT("timer:sleep(a).", "** exception error: bad receive timeout value\n"
                              "     in function  timer:sleep/1 (timer.erl, line 219)");
    EXPECT("lists:sort(a).", "** exception error: no function clause matching "
                             "lists:sort(a) (lists.erl, line 512)");
    EXPECT("if false -> a end.", "** exception error: no true branch found "
                                 "when evaluating an if expression");
    /* erl adds "in function  maps:update/3" frames from erl_eval */
    EXPECT("#{a => 1}#{b := 2}.", "** exception error: bad key: b");
    EXPECT("(1)#{b => 2}.", "** exception error: bad map: 1");
    EXPECT("X = 1, X:foo().", "** exception error: bad argument\n"
                              "     in function  apply/3\n"
                              "        called as apply(1,foo,[])\n"
                              "        *** argument 1: not an atom");
    EXPECT("G = 3, G(1).", "** exception error: bad function 3");
    EXPECT("F = fun lists:reverse/1, F(1,2).",
           "** exception error: lists:reverse/1 called with two arguments");
    /* erl: 18446744073709551614 (a bignum); clustersim: system_limit */
    EXPECT("9223372036854775807 * 2.",
           "** exception error: a system limit has been reached\n"
           "     in operator  */2\n"
           "        called as 9223372036854775807 * 2");
    EXPECT("1 bsl 64.", "** exception error: a system limit has been reached\n"
                        "     in operator  bsl/2\n"
                        "        called as 1 bsl 64");
}

Test(eval, formats_a_hand_made_exception)
{
    /* what the shell prints when its evaluator is killed from outside */
    ev_exception x = { .cls = A("exit"), .reason = term_atom_s("killed") };
    strbuf b;
    sb_init(&b);
    ev_format_exception(&b, &x, NULL);
    cr_expect_str_eq(b.s, "** exception exit: killed");
    sb_fini(&b);
    ev_exception_fini(&x);
    cr_expect_null(x.reason);
    ev_exception y = { .cls = A("error"),
                       .reason = term_tuplev(4, term_atom_s("shell_undef"),
                                             term_atom_s("bar"), term_int(0),
                                             term_nil()) };
    sb_init(&b);
    ev_format_exception(&b, &y, NULL);
    cr_expect_str_eq(b.s, "** exception error: undefined shell command bar/0");
    sb_fini(&b);
    ev_exception_fini(&y);
}
