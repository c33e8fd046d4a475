/* test_eval_pp: the preprocessor (ev__pp, core/erl/eval_pp.c): macros
 * with and without arguments, overloading, ??, the predefined macros,
 * the positions of expanded tokens, conditionals, every error epp
 * reports, and hostile inputs that must end quickly with an error.
 *
 * Each text is a module run through ev__lex_forms then ev__pp and
 * printed back (pp_run). Where "erlc:" is quoted, the expected error is
 * what erlc 25 (Erlang/OTP 25, erts 13.1.5) printed after "file:" for
 * the same text; expansions were compared token for token, positions
 * included, with epp:scan_file/2 ({location, {1,1}}). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/erl/eval_ast.h"
#include "core/term/xalloc.h"

/* The text of what ev__pp made of `src`: tokens separated by spaces,
 * punctuation and keywords bare, the rest as ev__token_text writes them,
 * each form on its own line; with `pos`, every token followed by
 * @line:col. On an error, "line:col: message". Caller frees. */
static char *pp_run(const char *src, bool pos)
{
    ev_tokens t;
    ev_error e;
    strbuf b;
    sb_init(&b);
    if (ev__lex_forms(src, &t, &e) < 0) {
        sb_printf(&b, "lex %d:%d: %s", e.line, e.col, e.msg);
        return sb_take(&b);
    }
    if (ev__pp(&t, "dir/m.erl", &e) < 0) {
        cr_assert_eq(t.n, 0, "tokens left after an error");
        sb_printf(&b, "%d:%d: %s", e.line, e.col, e.msg);
        return sb_take(&b);
    }
    cr_assert(t.n > 0 && t.t[t.n - 1].kind == TK_EOF, "no final TK_EOF");
    bool first = true;
    for (size_t i = 0; i + 1 < t.n; i++) {
        const ev_token *k = &t.t[i];
        cr_assert_neq(k->kind, TK_EOF, "TK_EOF inside the result");
        if (!first)
            sb_putc(&b, ' ');
        first = false;
        if (k->kind == TK_SYM)
            sb_puts(&b, ev__sym_text(k->sym));
        else if (k->kind == TK_DOT)
            sb_putc(&b, '.');
        else
            ev__token_text(&b, k);
        if (pos)
            sb_printf(&b, "@%d:%d", k->line, k->col);
        if (k->kind == TK_DOT && i + 2 < t.n) {
            sb_putc(&b, '\n');
            first = true;
        }
    }
    ev__tokens_free(&t);
    return b.s ? sb_take(&b) : xstrdup("");
}

#define CHECK(src, pos, want)                                            \
    do {                                                                 \
        char *got_ = pp_run(src, pos);                                   \
        cr_expect_str_eq(got_, want, "for:\n%s\ngot:\n%s", src, got_);  \
        free(got_);                                                      \
    } while (0)
#define EXPECT(src, want) CHECK(src, false, want)
#define EXPECT_POS(src, want) CHECK(src, true, want)
/* an error: "line:col: message" */
#define ERR(src, want) CHECK(src, false, want)

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert(f, "cannot open %s", path);
    strbuf b;
    sb_init(&b);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sb_putn(&b, buf, n);
    fclose(f);
    return sb_take(&b);
}

/* ---- the corpus modules (tests/otp/expected/modules.out) ---- */

Test(eval_pp, corpus_macros)
{
    char *src = read_text("tests/otp/modules/macros.erl");
    /* epp:scan_file/2 gives these tokens; erl: macros:where() is
     * {macros,22} and macros:show(1 + 2) is {"X * 2",6} */
    EXPECT(src,
           "- module ( macros ) .\n"
           "- export ( [ area / 1 , max3 / 3 , where / 0 , show / 1 , "
           "classify / 1 ] ) .\n"
           "area ( R ) -> 3.14159 * ( ( R ) * ( R ) ) .\n"
           "max3 ( A , B , C ) -> ( case ( ( case ( A ) > ( B ) of true -> "
           "( A ) ; false -> ( B ) end ) ) > ( C ) of true -> ( ( case ( A ) "
           "> ( B ) of true -> ( A ) ; false -> ( B ) end ) ) ; false -> "
           "( C ) end ) .\n"
           "where ( ) -> { macros , 22 } .\n"
           "show ( X ) -> { \"X * 2\" , X * 2 } .\n"
           "classify ( X ) when ( is_integer ( X ) andalso X > 0 ) -> "
           "positive ; classify ( _ ) -> other .");
    free(src);
}

Test(eval_pp, corpus_ifdefs)
{
    char *src = read_text("tests/otp/modules/ifdefs.erl");
    /* erl: mode() is debug, level() 3, extra() undefined_now */
    EXPECT(src,
           "- module ( ifdefs ) .\n"
           "- export ( [ mode / 0 , level / 0 , extra / 0 ] ) .\n"
           "mode ( ) -> debug .\n"
           "level ( ) -> 3 .\n"
           "extra ( ) -> undefined_now .");
    free(src);
}

/* ---- expansion ---- */

Test(eval_pp, overloading_by_arity)
{
    EXPECT("-module(m).\n"
           "-define(N, none).\n"
           "-define(N(), zero).\n"
           "-define(N(A), {one, A}).\n"
           "-define(N(A, B), {two, A, B}).\n"
           "f() -> [?N, ?N(), ?N(x), ?N(x, y)].\n",
           "- module ( m ) .\n"
           "f ( ) -> [ none , zero , { one , x } , { two , x , y } ] .");
    /* a name whose only definition is the constant: ?F(...) is it
     * followed by the parenthesis */
    EXPECT("-define(F, lists:reverse).\nf() -> ?F([1, 2]).\n",
           "f ( ) -> lists : reverse ( [ 1 , 2 ] ) .");
    /* -undef removes every arity */
    EXPECT("-define(N, none).\n-define(N(A), A).\n-undef(N).\n"
           "-ifdef(N).\nf() -> defined.\n-else.\nf() -> gone.\n-endif.\n",
           "f ( ) -> gone .");
    EXPECT("-define(A, 1).\n-undef(A).\n-define(A, 2).\nf() -> ?A.\n",
           "f ( ) -> 2 .");
    /* names are atoms or variables, distinct; a quoted atom is the name */
    EXPECT("-define(a, lower).\n-define(A, upper).\n"
           "f() -> {?a, ?A, ?'A'}.\n",
           "f ( ) -> { lower , upper , upper } .");
    /* an empty body */
    EXPECT("-define(E, ).\nf() -> [?E].\n", "f ( ) -> [ ] .");
}

Test(eval_pp, arguments_split_at_top_level_commas)
{
    EXPECT("-define(TWO(A, B), {A, B}).\n"
           "f() -> ?TWO({1, 2}, [3, 4 | T]).\n"
           "g() -> ?TWO(<<1, 2>>, (5, 6)).\n"
           "h() -> ?TWO(begin a, b end, case X of 1 -> c, d end).\n"
           "i() -> ?TWO(fun(Y) -> Y, e end, fun L(Z) -> L, Z end).\n"
           "j() -> ?TWO(try p, q catch _ -> r, s end, "
           "receive M -> M, t after 0 -> u, v end).\n"
           "k() -> ?TWO(if true -> w, x end, fun lists:map/2).\n",
           "f ( ) -> { { 1 , 2 } , [ 3 , 4 | T ] } .\n"
           "g ( ) -> { << 1 , 2 >> , ( 5 , 6 ) } .\n"
           "h ( ) -> { begin a , b end , case X of 1 -> c , d end } .\n"
           "i ( ) -> { fun ( Y ) -> Y , e end , fun L ( Z ) -> L , Z end } .\n"
           "j ( ) -> { try p , q catch _ -> r , s end , receive M -> M , t "
           "after 0 -> u , v end } .\n"
           "k ( ) -> { if true -> w , x end , fun lists : map / 2 } .");
}

Test(eval_pp, macros_in_arguments_and_bodies)
{
    EXPECT("-define(MAX(A, B), max(A, B)).\n"
           "-define(ID(X), X).\n"
           "-define(APPLY(F, X), ?F(X)).\n"
           "f() -> ?MAX(?MAX(a, b), ?ID(?ID(c))).\n"
           "g() -> ?APPLY(ID, 7).\n",
           "f ( ) -> max ( max ( a , b ) , c ) .\n"
           "g ( ) -> 7 .");
    /* a body is rescanned with what follows it: ?K J is ?J */
    EXPECT("-define(K, ?).\n-define(J, jay).\nf() -> ?K J.\n",
           "f ( ) -> jay .");
    /* defined later than the macro that uses it: fine at the use */
    EXPECT("-define(G(X), ?F(X)).\n-define(F, f).\ng() -> ?G(1).\n",
           "g ( ) -> f ( 1 ) .");
}

Test(eval_pp, stringify_like_epp)
{
    /* erlc: -define(SHOW(E), {??E, E}). ?SHOW(X * 2) is {"X * 2", X*2};
     * epp joins the tokens with one space each, however written */
    EXPECT("-define(S(E), ??E).\n"
           "f() -> [?S(X * 2), ?S(foo(1, [2|T])), ?S(\"a\\\"b\\n\"), ?S($a),"
           " ?S($\\s), ?S($\\n), ?S('A b'), ?S(1.5), ?S(x:y()), "
           "?S(?S(z))].\n",
           "f ( ) -> [ \"X * 2\" , \"foo ( 1 , [ 2 | T ] )\" , "
           "\"\\\"a\\\\\\\"b\\\\n\\\"\" , \"$a\" , \"$\\\\s\" , \"$\\\\n\" , "
           "\"'A b'\" , \"1.5\" , \"x : y ( )\" , \"? S ( z )\" ] .");
    /* ??V of a V that is no parameter is V */
    EXPECT("-define(T(E), {??E, ??Other}).\nf() -> ?T(1).\n",
           "f ( ) -> { \"1\" , Other } .");
}

Test(eval_pp, stringify_escapes_as_io_lib)
{
    ev_tokens t;
    ev_error e;
    const char *src =
        "-define(S(E), ??E).\n"
        "f() -> ?S(\"\\x{400}\\x{e9}\\x{80}\\x{1}\" '\\x{400}').\n";
    cr_assert_eq(ev__lex_forms(src, &t, &e), 0);
    cr_assert_eq(ev__pp(&t, "m.erl", &e), 0, "%s", e.msg);
    /* epp: [34,1024,233,92,50,48,48,92,48,48,49,34,32,39,92,120,123,52,
     * 48,48,125,39]: characters from 160 up stay, others octal; an
     * atom is written as ~w does, \x{400} */
    static const uint32_t want[] = {
        '"', 1024, 233, '\\', '2', '0', '0', '\\', '0', '0', '1', '"', ' ',
        '\'', '\\', 'x', '{', '4', '0', '0', '}', '\'',
    };
    const ev_token *s = &t.t[4];
    cr_assert_eq(s->kind, TK_STRING);
    cr_assert_eq(s->slen, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < s->slen; i++)
        cr_expect_eq(s->s[i], want[i], "character %zu", i);
    ev__tokens_free(&t);
}

Test(eval_pp, line_is_the_line_of_the_use)
{
    /* epp: ?LINE is the line of its name; in a body, of the use; a body
     * token after an argument takes the argument's last position */
    EXPECT_POS("-define(HERE, ?LINE).\n"
               "-define(AT(X), {X, ?LINE}).\n"
               "f() -> {?LINE,\n"
               "        ?HERE,\n"
               "        ?AT(\n"
               "          ?LINE)}.\n",
               "f@3:1 (@3:2 )@3:3 ->@3:5 {@3:8 3@3:10 ,@3:14 4@4:10 ,@4:14 "
               "{@5:10 6@6:12 ,@6:12 6@6:12 }@6:12 }@6:17 .@6:18");
}

Test(eval_pp, positions_of_expanded_tokens)
{
    /* erlc: 4:9: variable 'Zed' is unbound (the macro name, after '?')
     * erlc: 5:17: variable 'Zork' is unbound (after the argument w) */
    EXPECT_POS("-module(m).\n"
               "-define(UNB, Zed).\n"
               "-define(PAIR(A, B), {A, B, Zork}).\n"
               "f() -> ?UNB.\n"
               "g() -> ?PAIR(q, w ).\n",
               "-@1:1 module@1:2 (@1:8 m@1:9 )@1:10 .@1:11\n"
               "f@4:1 (@4:2 )@4:3 ->@4:5 Zed@4:9 .@4:12\n"
               "g@5:1 (@5:2 )@5:3 ->@5:5 {@5:9 q@5:14 ,@5:14 w@5:17 ,@5:17 "
               "Zork@5:17 }@5:17 .@5:20");
    /* erlc: 5:5: Warning: evaluation of operator '+'/2 will fail with a
     * 'badarith' exception (the '+' after the argument 1) */
    EXPECT_POS("-define(ADD(A), A + a).\n"
               "f() -> ?ADD(\n"
               "    1).\n",
               "f@2:1 (@2:2 )@2:3 ->@2:5 1@3:5 +@3:5 a@3:5 .@3:7");
}

Test(eval_pp, predefined_macros)
{
    EXPECT("-module(m).\n"
           "f() -> {?MODULE, ?MODULE_STRING, ?FILE, ?MACHINE, ?BEAM, "
           "?OTP_RELEASE}.\n"
           "g() -> {?FEATURE_AVAILABLE(maybe_expr), "
           "?FEATURE_ENABLED(maybe_expr)}.\n",
           "- module ( m ) .\n"
           "f ( ) -> { m , \"m\" , \"dir/m.erl\" , 'BEAM' , true , 25 } .\n"
           "g ( ) -> { ( ( maybe_expr ) == maybe_expr ) , false } .");
    /* -module(?M) works: the form is read once expanded */
    EXPECT("-define(M, mm).\n-module(?M).\nf() -> ?MODULE.\n",
           "- module ( mm ) .\nf ( ) -> mm .");
    /* erlc: 1:9: undefined macro 'MODULE' */
    ERR("f() -> ?MODULE.\n-module(m).\n", "1:9: undefined macro 'MODULE'");
    /* erlc: 2:9: undefined macro 'FUNCTION_NAME' (the atom is no call
     * of the special macro) */
    ERR("-module(m).\nf() -> ?'FUNCTION_NAME'.\n",
        "2:9: undefined macro 'FUNCTION_NAME'");
}

Test(eval_pp, function_name_and_arity)
{
    /* epp:update_fun_name/2 counts f([]) as arity 0, as erlc does */
    EXPECT("-define(FA, {?FUNCTION_NAME, ?FUNCTION_ARITY}).\n"
           "-define(HEAD, h).\n"
           "f() -> ?FA.\n"
           "g({A, B}, [C | D], <<E>>) -> ?FA.\n"
           "?HEAD(X) -> ?FA.\n"
           "k([]) -> ?FUNCTION_ARITY.\n",
           "f ( ) -> { f , 0 } .\n"
           "g ( { A , B } , [ C | D ] , << E >> ) -> { g , 3 } .\n"
           "h ( X ) -> { h , 1 } .\n"
           "k ( [ ] ) -> 0 .");
    /* erlc: 2:5: ?FUNCTION_NAME can only be used within a function */
    ERR("-module(m).\n-x(?FUNCTION_NAME).\n",
        "2:5: ?FUNCTION_NAME can only be used within a function");
    /* erlc: 2:2: ?FUNCTION_NAME must not begin a form */
    ERR("-module(m).\n?FUNCTION_NAME() -> 1.\n",
        "2:2: ?FUNCTION_NAME must not begin a form");
}

/* ---- conditionals ---- */

Test(eval_pp, nested_conditionals)
{
    EXPECT("-define(A, true).\n"
           "-ifdef(A).\n"
           "-ifndef(B).\n"
           "-define(B, 1).\n"
           "one() -> ?B.\n"
           "-else.\n"
           "one() -> 2.\n"
           "-endif.\n"
           "-ifdef(C).\n"
           "-define(D, 1).\n"
           "-else.\n"
           "-ifdef(D).\n"
           "two() -> wrong.\n"
           "-else.\n"
           "two() -> ok.\n"
           "-endif.\n"
           "-endif.\n"
           "-else.\n"
           "-define(E, 1).\n"
           "one() -> 3.\n"
           "-endif.\n"
           "-ifdef(E).\ne() -> wrong.\n-endif.\n"
           "-ifdef(FUNCTION_NAME). fn() -> wrong. -endif.\n"
           "-ifdef(MODULE). mod() -> wrong. -endif.\n"
           "-module(m).\n"
           "-ifdef(MODULE). mod() -> yes. -endif.\n"
           "-ifdef(BEAM). beam() -> ?BEAM. -endif.\n",
           "one ( ) -> 1 .\n"
           "two ( ) -> ok .\n"
           "- module ( m ) .\n"
           "mod ( ) -> yes .\n"
           "beam ( ) -> true .");
    /* what a branch not taken holds is not looked at (epp skips it) */
    EXPECT("-ifdef(X).\n-define(garbage\n-include(\"x.hrl\").\n"
           "?UNDEFINED.\n-else(x).\nf() -> ok.\n-endif.\n",
           "f ( ) -> ok .");
    /* -elif after a branch taken: the rest is skipped, no -if needed */
    EXPECT("-ifndef(X).\nf() -> 1.\n-elif(foo).\nf() -> 2.\n-else.\n"
           "f() -> 3.\n-endif.\n",
           "f ( ) -> 1 .");
}

Test(eval_pp, conditional_errors)
{
    /* erlc: 4:1: unterminated '-ifdef' (the end of the text) */
    ERR("-module(m).\n-ifdef(X).\nf() -> 1.\n",
        "4:1: unterminated '-ifdef'");
    /* erlc: 3:10: unterminated '-ifndef' (no final newline) */
    ERR("-module(m).\n-ifndef(X).\nf() -> 1.",
        "3:10: unterminated '-ifndef'");
    /* erlc: 7:1: unterminated '-else' */
    ERR("-module(m).\n-ifdef(X).\n-else.\nf() -> 1.\n%% end\n\n",
        "7:1: unterminated '-else'");
    /* erlc: 5:1: unterminated '-ifndef' */
    ERR("-module(m).\n-ifndef(X).\n-ifdef(Y).\n-endif.\n",
        "5:1: unterminated '-ifndef'");
    /* erlc: 2:2: unbalanced '-else' */
    ERR("-module(m).\n-else.\n", "2:2: unbalanced '-else'");
    /* erlc: 2:4: unbalanced '-endif' */
    ERR("-module(m).\n  -endif.\n", "2:4: unbalanced '-endif'");
    /* erlc: 2:2: unbalanced '-elif' */
    ERR("-module(m).\n-elif(true).\n", "2:2: unbalanced '-elif'");
    /* erlc: 4:2: repeated '-else' (skipping and taking) */
    ERR("-module(m).\n-ifdef(X).\n-else.\n-else.\n-endif.\n",
        "4:2: repeated '-else'");
    ERR("-module(m).\n-ifndef(X).\n-else.\n-else.\n-endif.\n",
        "4:2: repeated '-else'");
    /* erlc: 4:2: 'elif' following 'else' */
    ERR("-module(m).\n-ifndef(X).\n-else.\n-elif(true).\n-endif.\n",
        "4:2: 'elif' following 'else'");
    /* erlc: 3:6: badly formed 'else'; 3:7: badly formed 'endif' */
    ERR("-module(m).\n-ifndef(X).\n-else(x).\n-endif.\n",
        "3:6: badly formed 'else'");
    ERR("-module(m).\n-ifndef(X).\n-endif(x).\n",
        "3:7: badly formed 'endif'");
    /* erlc: 2:9: badly formed 'ifdef'; 2:8: badly formed 'ifdef' */
    ERR("-module(m).\n-ifdef(A, B).\n-endif.\n", "2:9: badly formed 'ifdef'");
    ERR("-module(m).\n-ifdef A.\n-endif.\n", "2:8: badly formed 'ifdef'");
    /* erlc: 2:11: badly formed 'undef' */
    ERR("-module(m).\n-undef(A) x.\n", "2:11: badly formed 'undef'");
    /* not supported here (erlc evaluates them) */
    ERR("-module(m).\n-if(true).\n-endif.\n",
        "2:2: -if is not supported (use -ifdef or -ifndef)");
    ERR("-ifdef(X).\n-elif(true).\n-endif.\n",
        "2:2: -elif is not supported (use -ifdef or -ifndef)");
}

/* ---- errors of macros ---- */

Test(eval_pp, undefined_and_mismatched_macros)
{
    /* erlc: 2:9: undefined macro 'FOO' */
    ERR("-module(m).\nf() -> ?FOO.\n", "2:9: undefined macro 'FOO'");
    /* erlc: 2:9: undefined macro 'FOO/2' */
    ERR("-module(m).\nf() -> ?FOO(1, 2).\n", "2:9: undefined macro 'FOO/2'");
    /* erlc: 3:9: argument mismatch for macro 'F' */
    ERR("-module(m).\n-define(F(X), X).\nf() -> ?F(1, 2).\n",
        "3:9: argument mismatch for macro 'F'");
    ERR("-module(m).\n-define(F(X), X).\nf() -> ?F.\n",
        "3:9: argument mismatch for macro 'F'");
    ERR("-module(m).\n-define(F(X, Y), X).\nf() -> ?F(1,,2).\n",
        "3:9: argument mismatch for macro 'F'");
    /* erlc: 3:9: badly formed argument for macro 'F' */
    ERR("-module(m).\n-define(F(X), X).\nf() -> ?F(1,).\n",
        "3:9: badly formed argument for macro 'F'");
    ERR("-module(m).\n-define(F(X), X).\nf() -> ?F(,1).\n",
        "3:9: badly formed argument for macro 'F'");
    ERR("-module(m).\n-define(F(X), X).\nf() -> ?F(1.\n",
        "3:9: badly formed argument for macro 'F'");
    ERR("-module(m).\n-define(C, c).\nf() -> ?C(1,).\n",
        "3:9: badly formed argument for macro 'C'");
    /* erlc: 2:13: badly formed argument for macro 'G' (when defined) */
    ERR("-module(m).\n-define(F, ?G(1,)).\n",
        "2:13: badly formed argument for macro 'G'");
}

Test(eval_pp, circular_macros)
{
    /* erlc: 3:9: circular macro 'A' */
    ERR("-module(m).\n-define(A, ?A).\nf() -> ?A.\n",
        "3:9: circular macro 'A'");
    /* erlc: 5:9: circular macro 'B' */
    ERR("-module(m).\n-define(A, [?B]).\n-define(B, {?C}).\n"
        "-define(C, ?A).\nf() -> ?B.\n",
        "5:9: circular macro 'B'");
    /* erlc: 4:9: circular macro 'A/1' */
    ERR("-module(m).\n-define(A(X), ?B(X)).\n-define(B(X), ?A(X)).\n"
        "f() -> ?A(1).\n",
        "4:9: circular macro 'A/1'");
    /* a cycle broken by -undef is gone */
    EXPECT("-define(A, ?B).\n-define(B, ?A).\n-undef(A).\n-define(A, ok).\n"
           "f() -> ?B.\n",
           "f ( ) -> ok .");
}

Test(eval_pp, define_errors)
{
    /* erlc: 3:9: redefining macro 'A'; 3:10 for the second */
    ERR("-module(m).\n-define(A, 1).\n-define(A, 2).\n",
        "3:9: redefining macro 'A'");
    ERR("-module(m).\n-define(A(X), 1).\n-define( A(Y), 2).\n",
        "3:10: redefining macro 'A'");
    /* erlc: 2:9: redefining predefined macro 'LINE' / 'MODULE' */
    ERR("-module(m).\n-define(LINE, 1).\n",
        "2:9: redefining predefined macro 'LINE'");
    ERR("-module(m).\n-define(MODULE(X), 1).\n",
        "2:9: redefining predefined macro 'MODULE'");
    /* erlc: badly formed 'define' at 2:11, 2:10, 2:12, 2:9, 2:8 */
    ERR("-module(m).\n-define(A B).\n", "2:11: badly formed 'define'");
    ERR("-module(m).\n-define(A).\n", "2:10: badly formed 'define'");
    ERR("-module(m).\n-define(F(X, 1), 1).\n", "2:12: badly formed 'define'");
    ERR("-module(m).\n-define(\"x\", 1).\n", "2:9: badly formed 'define'");
    ERR("-module(m).\n-define.\n", "2:8: badly formed 'define'");
    /* erlc: 2:13: badly formed define: missing closing right parenthesis */
    ERR("-module(m).\n-define(A, 1.\n",
        "2:13: badly formed define: missing closing right parenthesis");
    /* erlc: 2:14: argument 'X' already used */
    ERR("-module(m).\n-define(F(X, X), 1).\n",
        "2:14: argument 'X' already used");
    /* erlc: 2:14: badly formed define: missing comma */
    ERR("-module(m).\n-define(F(X) X).\n",
        "2:14: badly formed define: missing comma");
    /* erlc: 2:15: premature end (a last form without its '.') */
    ERR("-module(m).\n-define(F(X), 1\n", "2:15: premature end");
}

Test(eval_pp, illegal_macro_calls)
{
    /* erlc: 2:9: illegal macro call '?'?'' and the others below */
    ERR("-module(m).\nf() -> ??X.\n", "2:9: illegal macro call '?'?''");
    ERR("-module(m).\nf() -> ?(X).\n", "2:9: illegal macro call '?'(''");
    ERR("-module(m).\nf() -> ?.\n", "2:9: illegal macro call '?dot'");
    ERR("-module(m).\nf() -> ?\"x\".\n", "2:9: illegal macro call '?\"x\"'");
    ERR("-module(m).\nf() -> ?$a.\n", "2:9: illegal macro call '?97'");
    ERR("-module(m).\nf() -> ?case.\n", "2:9: illegal macro call '?'case''");
    ERR("-module(m).\nf() -> ?1.5.\n", "2:9: illegal macro call '?1.5'");
    /* a '?' ending a last form without '.' is left to the parser */
    EXPECT("f() -> ?", "f ( ) -> ?");
}

Test(eval_pp, include_is_not_supported)
{
    /* erlc: 2:10: can't find include file "nofile.hrl" (here: no
     * include path at all, at the same place) */
    ERR("-module(m).\n-include(\"nofile.hrl\").\n",
        "2:10: -include is not supported (put the definitions in the "
        "module)");
    /* erlc: 2:14: can't find include lib "kernel/include/nofile.hrl" */
    ERR("-module(m).\n-include_lib(\"kernel/include/nofile.hrl\").\n",
        "2:14: -include_lib is not supported (put the definitions in the "
        "module)");
    /* erlc: 2:10: badly formed 'include' */
    ERR("-module(m).\n-include(foo).\n", "2:10: badly formed 'include'");
    /* adjacent strings are one name */
    ERR("-module(m).\n-include(\"a\" \"b\").\n",
        "2:10: -include is not supported (put the definitions in the "
        "module)");
}

Test(eval_pp, error_and_warning)
{
    /* erlc: 2:2: -error("boom"). */
    ERR("-module(m).\n-error(\"boom\").\n", "2:2: -error(\"boom\").");
    /* erlc: 3:2: -error([{oops,3},-1,97,98,99]). */
    ERR("-module(m).\n-define(WHY, {oops, ?LINE}).\n"
        "-error([?WHY, -1, $a | \"b\" \"c\"]).\n",
        "3:2: -error([{oops,3},-1,97,98,99]).");
    /* erlc: 2:2: badly formed 'error'; 2:7 for -error. */
    ERR("-module(m).\n-error(foo bar).\n", "2:2: badly formed 'error'");
    ERR("-module(m).\n-error.\n", "2:7: badly formed 'error'");
    /* erlc: 2:2: badly formed 'warning'; a good one is only a warning */
    ERR("-module(m).\n-warning(x y).\n", "2:2: badly formed 'warning'");
    EXPECT("-warning(careful).\nf() -> ok.\n", "f ( ) -> ok .");
}

/* ---- the shape of the result ---- */

Test(eval_pp, result_shape)
{
    EXPECT("", "");
    EXPECT("%% only a comment\n", "");
    EXPECT("-define(A, 1).\n", "");
    /* forms without any macro pass as they are, positions included */
    EXPECT_POS("f() ->\n  \"s\".\n",
               "f@1:1 (@1:2 )@1:3 ->@1:5 \"s\"@2:3 .@2:6");
    /* a last form without its '.' is expanded and passed on */
    EXPECT("-define(A, 1).\nf() -> ?A", "f ( ) -> 1");
    /* strings in arguments are copied as often as they are used */
    EXPECT("-define(D(X), {X, X}).\nf() -> ?D(\"ab\").\n",
           "f ( ) -> { \"ab\" , \"ab\" } .");
}

/* ---- hostile inputs: an error, quickly, never a crash ---- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The error of a generated text; the pass must end within `seconds`. */
static char *hostile(strbuf *b, double seconds)
{
    double t0 = now_s();
    char *got = pp_run(b->s, false);
    double dt = now_s() - t0;
    cr_expect(dt < seconds, "took %.2fs", dt);
    sb_fini(b);
    return got;
}

Test(eval_pp, hostile_doubling, .timeout = 20)
{
    /* epp would try to make 2^40 tokens */
    strbuf b;
    sb_init(&b);
    sb_puts(&b, "-module(h).\n-define(A0, x).\n");
    for (int i = 1; i <= 40; i++)
        sb_printf(&b, "-define(A%d, {?A%d, ?A%d}).\n", i, i - 1, i - 1);
    sb_puts(&b, "f() -> ?A40.\n");
    char *got = hostile(&b, 5);
    cr_expect_str_eq(got, "43:9: macro expansion too large (more than "
                     "524288 tokens)");
    free(got);

    /* strings doubling through arguments */
    sb_init(&b);
    sb_puts(&b, "-define(S0(X), X).\n");
    for (int i = 1; i <= 40; i++)
        sb_printf(&b, "-define(S%d(X), ?S%d(X ++ X)).\n", i, i - 1);
    sb_puts(&b, "f() -> ?S40(\"");
    for (int i = 0; i < 1000; i++)
        sb_putc(&b, 'a');
    sb_puts(&b, "\").\n");
    got = hostile(&b, 5);
    cr_expect_str_eq(got, "42:9: macro expansion too large (more than "
                     "4194304 characters of strings)");
    free(got);

    /* ?? of an argument that doubles */
    sb_init(&b);
    sb_puts(&b, "-define(T0(X), X).\n");
    for (int i = 1; i <= 40; i++)
        sb_printf(&b, "-define(T%d(X), ?T%d({??X, ??X})).\n", i, i - 1);
    sb_puts(&b, "f() -> ?T40(a).\n");
    got = hostile(&b, 5);
    cr_expect_str_eq(got, "42:9: macro expansion too large (more than "
                     "4194304 characters of strings)");
    free(got);
}

Test(eval_pp, hostile_loops_and_depth, .timeout = 20)
{
    /* ?A makes "? A" again: epp loops for ever (no use of A is
     * recorded, so it is no circular macro for epp either) */
    char *got = pp_run("-define(Q, ?).\n-define(A, ?Q A).\nf() -> ?A.\n",
                       false);
    cr_expect_str_eq(got, "3:9: macro expansion too large (more than "
                     "524288 tokens)");
    free(got);
    /* scanning without making: each ?C counts the arguments after it
     * (epp:count_args/3, a constant's too), so nested ones scan the
     * rest of the form again and again; the bound on scanning stops it */
    strbuf b;
    sb_init(&b);
    sb_puts(&b, "-define(C, c).\nf() -> ");
    for (int i = 0; i < 5000; i++)
        sb_puts(&b, "?C(");
    for (int i = 0; i < 5000; i++)
        sb_putc(&b, ')');
    sb_puts(&b, ".\n");
    got = hostile(&b, 5);
    /* at the ?C being expanded then, the 441st */
    cr_expect_str_eq(got, "2:1323: macro expansion too long (more than "
                     "8388608 tokens scanned)");
    free(got);

    /* calls nested 20000 deep: quadratic copying, stopped */
    sb_init(&b);
    sb_puts(&b, "-define(F(X), X).\nf() -> ");
    for (int i = 0; i < 20000; i++)
        sb_puts(&b, "?F(");
    sb_putc(&b, '1');
    for (int i = 0; i < 20000; i++)
        sb_putc(&b, ')');
    sb_puts(&b, ".\n");
    got = hostile(&b, 5);
    cr_expect(strstr(got, "macro expansion too"), "%s", got);
    free(got);

    /* an argument nested 100000 brackets deep: no recursion */
    sb_init(&b);
    sb_puts(&b, "-define(F(X), X).\nf() -> ?F(");
    for (int i = 0; i < 100000; i++)
        sb_putc(&b, '(');
    sb_putc(&b, '1');
    for (int i = 0; i < 100000; i++)
        sb_putc(&b, ')');
    sb_puts(&b, ").\n");
    got = hostile(&b, 5);
    cr_expect(strncmp(got, "f ( ) -> ( ( (", 14) == 0);
    free(got);

    /* a chain of 20000 constants, and 50000 nested conditionals */
    sb_init(&b);
    sb_puts(&b, "-define(K0, x).\n");
    for (int i = 1; i <= 20000; i++)
        sb_printf(&b, "-define(K%d, ?K%d).\n", i, i - 1);
    sb_puts(&b, "f() -> ?K20000.\n");
    got = hostile(&b, 5);
    cr_expect_str_eq(got, "f ( ) -> x .");
    free(got);
    sb_init(&b);
    for (int i = 0; i < 50000; i++)
        sb_puts(&b, "-ifndef(X).\n");
    sb_puts(&b, "f() -> 1.\n");
    for (int i = 0; i < 50000; i++)
        sb_puts(&b, "-endif.\n");
    got = hostile(&b, 5);
    cr_expect_str_eq(got, "f ( ) -> 1 .");
    free(got);
}

Test(eval_pp, hostile_circularity_search_is_linear, .timeout = 20)
{
    /* each Bi uses Ci and Di, both using B(i+1): 2^40 paths for epp's
     * search, which has no memory */
    strbuf b;
    sb_init(&b);
    sb_puts(&b, "-define(B40, x).\n");
    for (int i = 39; i >= 0; i--)
        sb_printf(&b, "-define(B%d, {?C%d, ?D%d}).\n-define(C%d, ?B%d).\n"
                  "-define(D%d, ?B%d).\n", i, i, i, i, i + 1, i, i + 1);
    sb_puts(&b, "f() -> ?C39.\n");
    char *got = hostile(&b, 2);
    cr_expect_str_eq(got, "f ( ) -> x .");
    free(got);
}

Test(eval_pp, random_token_soup_never_crashes, .timeout = 60)
{
    static const char *const piece[] = {
        "?", "??", "?A", "?B(", "?C", "-define(A, ", "-define(B(X), ",
        "-define(C, ?A ", "-undef(A).", "-ifdef(A).", "-ifndef(B).",
        "-else.", "-endif.", "-elif(x).", "-error(", "X", "??X", "(", ")",
        ",", "[", "]", "{", "}", "<<", ">>", "fun", "end", "case", "begin",
        "\"s\"", "$a", "1", "2.5", "atom", ". ", "\n", "?LINE",
        "?FUNCTION_NAME", "?MODULE", "-module(m). ", "f() -> ", "->",
    };
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    for (int round = 0; round < 3000; round++) {
        strbuf b;
        sb_init(&b);
        int n = 1 + (int)(seed % 60);
        for (int i = 0; i < n; i++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            sb_puts(&b, piece[(seed >> 33) % (sizeof piece / sizeof *piece)]);
            sb_putc(&b, ' ');
        }
        char *got = pp_run(b.s, false);
        cr_assert(got != NULL);
        free(got);
        sb_fini(&b);
    }
}
