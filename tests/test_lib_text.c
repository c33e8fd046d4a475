/* test_lib_text: io_lib:format (core/rt/bif_format.c), string
 * (bif_string.c), proplists (bif_proplists.c) and lists' order of equal
 * elements (bif_lists.c) where the differential modules
 * (tests/otp/modules/l1_*.erl) do not reach: long and deep inputs, the
 * field limit, and sorts of many equal numbers. Results were checked
 * against erl (Erlang/OTP 25); "erl:" marks a quote. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/harness.h"

#define EVAL_IS(expr, want)                                              \
    do {                                                                 \
        char *got_ = h_eval1(expr);                                        \
        cr_expect_str_eq(got_, want, "%s", expr);                        \
        free(got_);                                                      \
    } while (0)

Test(lib_text, format_long_and_deep_terms)
{
    /* a 100000-element list in ~w: built without recursing on its length */
    EVAL_IS("length(lists:flatten(io_lib:format(\"~w\", [lists:seq(1, 100000)]))).",
            "588896");
    EVAL_IS("length(lists:flatten(io_lib:format(\"~p\", [lists:seq(1, 100000)]))).",
            "605198");
    /* erl: 1000 nested lists print as 1000 brackets each side */
    EVAL_IS("length(lists:flatten(io_lib:format(\"~w\", "
            "[lists:foldl(fun(_, A) -> [A] end, [], lists:seq(1, 1000))]))).",
            "2002");
    EVAL_IS("lists:flatten(io_lib:format(\"~W\", "
            "[lists:foldl(fun(_, A) -> [A] end, [], lists:seq(1, 1000)), 3])).",
            "\"[[[...]]]\"");
}

Test(lib_text, format_fields)
{
    /* chars/2 shares its halves: a wide field is cheap to build */
    EVAL_IS("length(lists:flatten(io_lib:format(\"~1000000c\", [$x]))).", "1000000");
    EVAL_IS("lists:flatlength(io_lib:format(\"~-999999s|\", [\"a\"])).", "1000000");
    /* LIMIT: past 10000000 a field is refused; erl would build it */
    EVAL_IS("catch io_lib:format(\"~10000001c\", [$x]).",
            "{'EXIT',{badarg,[{io_lib,format,[\"~10000001c\",\"x\"],[]}]}}");
    EVAL_IS("io_lib:format(\"~.20f\", [0.1]).", "\"0.10000000000000000555\"");
    EVAL_IS("io_lib:format(\"~.3f ~.2f\", [1.0005, 2.675]).", "\"1.000 2.67\"");
}

Test(lib_text, sort_of_many_equal_numbers)
{
    /* erl: lists:sort keeps no order among == numbers but its own; every
     * float and integer of one value stay together, and the sort is a
     * permutation */
    EVAL_IS("L = [case X rem 3 of 0 -> X rem 7; 1 -> float(X rem 7); "
            "2 -> -0.0 end || X <- lists:seq(1, 20000)], "
            "S = lists:sort(L), {length(S), lists:sort(fun(A, B) -> A =< B end, S) =:= S, "
            "lists:usort(S) == lists:usort(L)}.",
            "{20000,true,true}");
    EVAL_IS("lists:sort([2, 1.0, 1, 2.0, 1, 1.0, 0.0, -0.0, 0]).",
            "[0,-0.0,0.0,1.0,1,1,1.0,2.0,2]");
}

Test(lib_text, string_and_proplists_on_long_input)
{
    EVAL_IS("length(string:lexemes(lists:flatten(lists:duplicate(50000, \"ab \")), \" \")).",
            "50000");
    EVAL_IS("string:to_integer(\"9223372036854775807x\").",
            "{9223372036854775807,\"x\"}");
    /* LIMIT: no bignums; erl: {9223372036854775808,[]} */
    EVAL_IS("element(1, catch string:to_integer(\"9223372036854775808\")).",
            "'EXIT'");
    EVAL_IS("proplists:get_value(k50000, [{list_to_atom(\"k\" ++ integer_to_list(I)), I} "
            "|| I <- lists:seq(1, 50000)]).", "50000");
    EVAL_IS("length(lists:uniq(lists:seq(1, 3000) ++ lists:seq(1, 3000))).", "3000");
}
