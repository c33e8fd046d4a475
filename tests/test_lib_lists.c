/* test_lib_lists: the lists and string BIFs (core/rt/bif_lists.c) where
 * the differential corpus (tests/otp/exprs.txt) does not reach: long and
 * deep inputs, the limits that stand in for bignums, and the stack
 * traces that catch sees. Results and texts were checked against erl
 * (Erlang/OTP 25); "erl:" marks a quote. */
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

Test(lib_lists, long_lists_run_in_constant_depth)
{
    /* 9 million, not 10: a list of 10 million and the library modules
     * loaded on the node (the .erl files of core/lib) come within a few thousand
     * cells of the default max_terms (2*10^7) */
    EVAL_IS("lists:sum(lists:seq(1, 9000000, 1)).", "40500004500000");
    EVAL_IS("length(lists:usort(lists:seq(1000000, 1, -1) ++ lists:seq(1, 1000000))).",
            "1000000");
    EVAL_IS("lists:last(lists:duplicate(3000000, x)).", "x");
    EVAL_IS("lists:nth(2000000, lists:seq(1, 2000000)).", "2000000");
    EVAL_IS("length(lists:zip(lists:seq(1, 1000000), lists:seq(1, 1000000))).",
            "1000000");
    EVAL_IS("lists:max(lists:seq(1, 1000000)) - lists:min(lists:seq(1, 1000000)).",
            "999999");
}

Test(lib_lists, flatten_of_deep_nesting_keeps_its_stack_on_the_heap)
{
    /* as deep as a term may be (TERM_MAX_DEPTH) */
    EVAL_IS("L = lists:foldl(fun(_, A) -> [A, 1] end, [], lists:seq(1, 9999)), "
            "length(lists:flatten(L)).", "9999");
    EVAL_IS("lists:flatten([[[[[[[[[[a]]]]]]]]], [[[]]], [b | [[c]]]]).", "[a,b,c]");
}

Test(lib_lists, no_bignums_means_system_limit)
{
    /* erl: 9223372036854775808 */
    EVAL_IS("lists:sum([9223372036854775807, 1]).",
            "** exception error: a system limit has been reached\n"
            "     in operator  +/2\n"
            "        called as 9223372036854775807 + 1\n"
            "     in call from lists:sum/2 (lists.erl, line 319)");
    EVAL_IS("lists:seq(1, 20000000, 1).",
            "** exception error: a system limit has been reached\n"
            "     in function  lists:seq/3\n"
            "        called as lists:seq(1,20000000,1)");
    EVAL_IS("lists:duplicate(20000000, x).",
            "** exception error: a system limit has been reached\n"
            "     in function  lists:duplicate/2\n"
            "        called as lists:duplicate(20000000,x)");
}

Test(lib_lists, catch_sees_lists_erl_frames)
{
    /* erl adds erl_eval's and shell's frames after these */
    EVAL_IS("catch lists:nth(0, [a]).",
            "{'EXIT',{function_clause,[{lists,nth,\n"
            "                                 [0,[a]],\n"
            "                                 [{file,\"lists.erl\"},{line,198}]}]}}");
    EVAL_IS("catch lists:zip([1, 2], [a]).",
            "{'EXIT',{function_clause,[{lists,zip,\n"
            "                                 [[2],[]],\n"
            "                                 [{file,\"lists.erl\"},{line,419}]},\n"
            "                          {lists,zip,2,[{file,\"lists.erl\"},{line,419}]}]}}");
    EVAL_IS("try lists:keyfind(a, 0, []) catch error:R -> R end.", "badarg");
}

Test(lib_lists, edge_results_like_erl)
{
    EVAL_IS("lists:seq(1, 2, -1).", "[]");                 /* erl: [] */
    EVAL_IS("lists:seq(1, 0, -1).", "[1,0]");              /* erl: [1,0] */
    EVAL_IS("lists:sublist([], 1, 1).", "[]");
    EVAL_IS("lists:nthtail(0, []).", "[]");
    EVAL_IS("lists:keydelete(z, 1, [{a}]).", "[{a}]");
    EVAL_IS("lists:keystore(z, 1, [], {z}).", "[{z}]");
    EVAL_IS("string:length(\"a\\r\\nb\").", "3");          /* a grapheme cluster */
    EVAL_IS("string:find(\"abc\", \"\").", "\"abc\"");
    EVAL_IS("string:split(\"\", \",\").", "[[]]");
}
