/* test_eval_host: the evaluator (core/erl/eval.h) as a host drives it:
 * suspension in the middle of an expression (blocked calls resumed or
 * raised into, receive with its selection and after clauses, receive in
 * a catch), and ev_match_pattern, the expect patterns of the shell. The
 * fake host is test_eval.c's (tests/eval_fake.h).
 *
 * Expected texts were observed in erl (Erlang/OTP 25, erts 13.1.5). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/erl/eval.h"
#include "tests/eval_fake.h"

static atom_t A(const char *s) { return atom_intern(s); }

/* ---- suspension ---- */

typedef struct session {
    ev_env *env;
    fake f;
    ev_host h;
    ev_code *c;
    ev_vm *vm;
} session;

static void start(session *s, const char *src)
{
    ev_error err;
    memset(s, 0, sizeof *s);
    s->env = ev_env_new();
    s->h = (ev_host){ &s->f, fake_call, fake_send, NULL };
    s->c = ev_compile(src, &err);
    cr_assert_not_null(s->c, "%s: %d:%d: %s", src, err.line, err.col, err.msg);
    s->vm = ev_vm_new(s->c, s->env, &s->h);
}

static void expect_value(session *s, const char *want)
{
    char *got = print(ev_vm_value(s->vm));
    cr_expect_str_eq(got, want);
    free(got);
}

static void finish(session *s)
{
    ev_vm_free(s->vm);
    ev_code_free(s->c);
    ev_env_free(s->env);
    fake_fini(&s->f);
}

Test(eval, blocked_call_resumes_mid_expression)
{
    session s;
    start(&s, "X = {a, fake:block(1)}, {X, done}.");
    cr_assert_eq(ev_vm_run(s.vm), EV_BLOCKED);
    cr_expect(s.f.block_arg && s.f.block_arg->tag == T_INT
              && s.f.block_arg->u.i == 1);
    cr_expect_eq(ev_vm_run(s.vm), EV_BLOCKED);      /* until resumed */
    ev_vm_resume(s.vm, term_int(42));
    cr_assert_eq(ev_vm_run(s.vm), EV_DONE);
    expect_value(&s, "{{a,42},done}");
    char *x = print(ev_env_get(s.env, "X"));
    cr_expect_str_eq(x, "{a,42}");
    free(x);
    finish(&s);
}

Test(eval, blocked_call_can_raise_into_a_catch)
{
    session s;
    start(&s, "{catch fake:block(1), fake:block(2)}.");
    cr_assert_eq(ev_vm_run(s.vm), EV_BLOCKED);
    ev_exception x = { 0 };
    x.cls = A("exit");
    x.reason = term_atom_s("timeout");
    ev_vm_resume_raise(s.vm, &x);
    cr_assert_eq(ev_vm_run(s.vm), EV_BLOCKED);
    ev_vm_resume(s.vm, term_atom_s("second"));
    cr_assert_eq(ev_vm_run(s.vm), EV_DONE);
    expect_value(&s, "{{'EXIT',timeout},second}");
    finish(&s);

    start(&s, "fake:block(1).");
    cr_assert_eq(ev_vm_run(s.vm), EV_BLOCKED);
    ev_exception y = { 0 };
    y.cls = A("exit");
    y.reason = term_atom_s("boom");
    ev_vm_resume_raise(s.vm, &y);
    cr_assert_eq(ev_vm_run(s.vm), EV_RAISED);
    cr_expect(term_is_atom(ev_vm_exception(s.vm)->reason, A("boom")));
    finish(&s);
}

Test(eval, receive_mid_expression)
{
    session s;
    start(&s, "X = {a, receive M -> M after 100 -> t end}, fake:id(X).");
    cr_assert_eq(ev_vm_run(s.vm), EV_RECEIVE);
    cr_expect_eq(ev_vm_receive_timeout(s.vm), 100);
    cr_expect_eq(ev_vm_run(s.vm), EV_RECEIVE);      /* until offered */
    term *m = term_atom_s("hello");
    cr_assert(ev_vm_offer(s.vm, m));
    term_unref(m);
    cr_assert_eq(ev_vm_run(s.vm), EV_DONE);
    expect_value(&s, "{a,hello}");
    cr_expect_not_null(ev_env_get(s.env, "M"));
    finish(&s);
}

Test(eval, receive_is_selective)
{
    session s;
    start(&s, "receive {b, V} -> {got, V}; c -> c end.");
    cr_assert_eq(ev_vm_run(s.vm), EV_RECEIVE);
    cr_expect_eq(ev_vm_receive_timeout(s.vm), -1);
    term *m1 = term_tuplev(2, term_atom_s("a"), term_int(1));
    term *m2 = term_tuplev(2, term_atom_s("b"), term_int(2));
    cr_expect_not(ev_vm_offer(s.vm, m1));           /* skipped, stays */
    cr_expect_eq(ev_vm_run(s.vm), EV_RECEIVE);
    cr_assert(ev_vm_offer(s.vm, m2));
    term_unref(m1);
    term_unref(m2);
    cr_assert_eq(ev_vm_run(s.vm), EV_DONE);
    expect_value(&s, "{got,2}");
    finish(&s);

    start(&s, "receive N when is_integer(N), N > 5 -> N end.");
    cr_assert_eq(ev_vm_run(s.vm), EV_RECEIVE);
    term *small = term_int(3), *atom = term_atom_s("a"), *big = term_int(7);
    cr_expect_not(ev_vm_offer(s.vm, small));
    cr_expect_not(ev_vm_offer(s.vm, atom));
    ev_vm_timeout(s.vm);                            /* no after: ignored */
    cr_expect_eq(ev_vm_run(s.vm), EV_RECEIVE);
    cr_assert(ev_vm_offer(s.vm, big));
    term_unref(small);
    term_unref(atom);
    term_unref(big);
    cr_assert_eq(ev_vm_run(s.vm), EV_DONE);
    expect_value(&s, "7");
    cr_expect_null(ev_env_get(s.env, "Nope"));
    finish(&s);
}

Test(eval, receive_bound_variables_select)
{
    session s;
    start(&s, "Ref = r1, receive {Ref, R} -> R end.");
    cr_assert_eq(ev_vm_run(s.vm), EV_RECEIVE);
    term *other = term_tuplev(2, term_atom_s("r2"), term_int(1));
    term *mine = term_tuplev(2, term_atom_s("r1"), term_int(2));
    cr_expect_not(ev_vm_offer(s.vm, other));
    cr_assert(ev_vm_offer(s.vm, mine));
    term_unref(other);
    term_unref(mine);
    cr_assert_eq(ev_vm_run(s.vm), EV_DONE);
    expect_value(&s, "2");
    finish(&s);
}

Test(eval, receive_after_branches)
{
    session s;
    start(&s, "receive M -> M after 0 -> none end.");
    cr_assert_eq(ev_vm_run(s.vm), EV_RECEIVE);
    cr_expect_eq(ev_vm_receive_timeout(s.vm), 0);
    ev_vm_timeout(s.vm);
    cr_assert_eq(ev_vm_run(s.vm), EV_DONE);
    expect_value(&s, "none");
    finish(&s);

    start(&s, "{receive x -> got after 50 -> timeout end, later}.");
    cr_assert_eq(ev_vm_run(s.vm), EV_RECEIVE);
    cr_expect_eq(ev_vm_receive_timeout(s.vm), 50);
    ev_vm_timeout(s.vm);
    cr_assert_eq(ev_vm_run(s.vm), EV_DONE);
    expect_value(&s, "{timeout,later}");
    finish(&s);

    start(&s, "receive after infinity -> never end.");
    cr_assert_eq(ev_vm_run(s.vm), EV_RECEIVE);
    cr_expect_eq(ev_vm_receive_timeout(s.vm), -1);
    finish(&s);                                     /* freed while waiting */

    start(&s, "T = 20, receive after T -> waited end.");
    cr_assert_eq(ev_vm_run(s.vm), EV_RECEIVE);
    cr_expect_eq(ev_vm_receive_timeout(s.vm), 20);
    ev_vm_timeout(s.vm);
    cr_assert_eq(ev_vm_run(s.vm), EV_DONE);
    expect_value(&s, "waited");
    finish(&s);
}

Test(eval, receive_inside_catch_and_two_receives)
{
    session s;
    start(&s, "catch receive X -> X / 0 end.");
    cr_assert_eq(ev_vm_run(s.vm), EV_RECEIVE);
    term *one = term_int(1);
    cr_assert(ev_vm_offer(s.vm, one));
    term_unref(one);
    cr_assert_eq(ev_vm_run(s.vm), EV_DONE);
    expect_value(&s, "{'EXIT',{badarith,[{erlang,'/',[1,0],[]}]}}");
    finish(&s);

    start(&s, "A = receive X -> X end, B = receive Y -> Y end, [A, B].");
    cr_assert_eq(ev_vm_run(s.vm), EV_RECEIVE);
    term *a = term_atom_s("first"), *b = term_atom_s("second");
    cr_assert(ev_vm_offer(s.vm, a));
    cr_assert_eq(ev_vm_run(s.vm), EV_RECEIVE);      /* the second receive */
    cr_assert(ev_vm_offer(s.vm, b));
    cr_assert_eq(ev_vm_run(s.vm), EV_DONE);
    expect_value(&s, "[first,second]");
    term_unref(a);
    term_unref(b);
    finish(&s);
}

Test(eval, blocked_then_freed_leaks_nothing)
{
    session s;
    start(&s, "{[1, 2, fake:block(x)], catch receive _ -> ok end}.");
    cr_assert_eq(ev_vm_run(s.vm), EV_BLOCKED);
    finish(&s);
    start(&s, "begin true andalso (catch {fake:block(x)}) end.");
    cr_assert_eq(ev_vm_run(s.vm), EV_BLOCKED);
    finish(&s);
}

/* ---- expect patterns ---- */

static bool pmatch(const char *pat, const char *value_src, const ev_env *env)
{
    ev_error err;
    ev_code *p = ev_compile_pattern(pat, &err);
    cr_assert_not_null(p, "%s: %d:%d: %s", pat, err.line, err.col, err.msg);
    ev_code *c = ev_compile(value_src, &err);
    cr_assert_not_null(c, "%s", value_src);
    ev_env *scratch = ev_env_new();
    fake f = { 0 };
    ev_host h = { &f, fake_call, fake_send, NULL };
    ev_vm *vm = ev_vm_new(c, scratch, &h);
    cr_assert_eq(ev_vm_run(vm), EV_DONE, "%s", value_src);
    bool ok = ev_match_pattern(p, ev_vm_value(vm), env);
    ev_vm_free(vm);
    ev_code_free(c);
    ev_code_free(p);
    ev_env_free(scratch);
    fake_fini(&f);
    return ok;
}

Test(eval, match_pattern_for_expect)
{
    cr_expect(pmatch("pong", "pong.", NULL));
    cr_expect_not(pmatch("pong", "pang.", NULL));
    cr_expect(pmatch("_", "{anything, [1]}.", NULL));
    cr_expect(pmatch("{ok, _}", "{ok, 1}.", NULL));
    cr_expect(pmatch("{X, X}", "{1, 1}.", NULL));
    cr_expect_not(pmatch("{X, X}", "{1, 2}.", NULL));
    cr_expect(pmatch("[H|_]", "[1, 2].", NULL));
    cr_expect(pmatch("#{a := 1}", "#{a => 1, b => 2}.", NULL));
    cr_expect_not(pmatch("#{c := _}", "#{a => 1}.", NULL));
    cr_expect(pmatch("{exception, error, {badmatch, _}}",
                     "{exception, error, {badmatch, 3}}.", NULL));
    cr_expect(pmatch("-1", "0 - 1.", NULL));
    cr_expect(pmatch("\"ab\" ++ _", "\"abc\".", NULL));
    cr_expect(pmatch("<<\"hi\">>", "<<104, 105>>.", NULL));
    cr_expect_not(pmatch("1.0", "1.", NULL));        /* =:=, as Erlang */
    cr_expect(pmatch("{a, 'bob@sim'}.", "{a, bob@sim}.", NULL));
    cr_expect(pmatch("[_, _ | _] = L", "[1, 2, 3].", NULL));

    ev_env *env = ev_env_new();
    ev_env_set(env, "X", term_int(5));
    cr_expect(pmatch("X", "5.", env));
    cr_expect_not(pmatch("X", "6.", env));
    cr_expect(pmatch("{X, Y}", "{5, whatever}.", env));
    cr_expect_null(ev_env_get(env, "Y"));            /* expect never binds */
    cr_expect(pmatch("#{X := v}", "#{5 => v}.", env));
    ev_env_free(env);
}

Test(eval, bad_patterns_are_rejected)
{
    static const struct { const char *src; int col; const char *msg; } pats[] = {
        { "foo()", 1, "illegal pattern" },
        { "{a", 3, "syntax error before: '.'" },
        { "1, 2", 2, "syntax error before: ','" },
        { "X + 1", 3, "illegal pattern" },
        { "#{a => 1}", 5, "illegal pattern" },
        /* erl: * 1:3: a binary field without size is only allowed at the
         * end of a binary pattern */
        { "<<X/binary, Y>>", 3, "a binary field without size is only "
                                "allowed at the end of a binary pattern" },
    };
    for (size_t i = 0; i < sizeof pats / sizeof pats[0]; i++) {
        ev_error err;
        ev_code *p = ev_compile_pattern(pats[i].src, &err);
        cr_expect_null(p, "%s", pats[i].src);
        ev_code_free(p);
        if (p)
            continue;
        cr_expect_str_eq(err.msg, pats[i].msg, "%s", pats[i].src);
        cr_expect_eq(err.col, pats[i].col, "%s: col %d", pats[i].src, err.col);
    }
}
