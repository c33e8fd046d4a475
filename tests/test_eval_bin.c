/* test_eval_bin: the bit syntax in the evaluator (core/erl/eval.h,
 * eval_bits.c): construction, patterns with sizes from earlier segments,
 * signed and little-endian integers, floats, utf8/16/32, strings,
 * bitstrings, binary generators and comprehensions, the exceptions of
 * segments that cannot be built (in the shell and in a module), the
 * checks erl_lint makes, printing, and hostile sizes.
 *
 * Unless a comment says otherwise, every expected text is what erl
 * (Erlang/OTP 25, erts 13.1.5, on this x86 machine) printed for the same
 * input piped into `erl` (or, for a module, compiled by erlc): "erl:"
 * marks where clustersim differs on purpose. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/erl/eval.h"
#include "tests/eval_fake.h"

/* Construction: sizes, types, signedness, endianness (native is little
 * on x86), units, strings, utf8/16/32, floats of 16, 32 and 64 bits;
 * bitstrings, their size BIFs and their order. */
Test(eval_bin, construction_like_erl)
{
    EXPECT("<<1:16>>.",
           "<<0,1>>");
    EXPECT("<<1:4>>.",
           "<<1:4>>");
    EXPECT("<<5:3, 1:1>>.",
           "<<11:4>>");
    EXPECT("<<1, 2, 3:3>>.",
           "<<1,2,3:3>>");
    EXPECT("<<\"ab\", 1:3>>.",
           "<<97,98,1:3>>");
    EXPECT("<<-1:64/signed>>.",
           "<<\"ÿÿÿÿÿÿÿÿ\">>");
    EXPECT("<<1:16/little>>.",
           "<<1,0>>");
    EXPECT("<<1:16/native>>.",
           "<<1,0>>");
    EXPECT("<<16#123:12/little>>.",
           "<<35,1:4>>");
    EXPECT("<<16#123:12>>.",
           "<<18,3:4>>");
    EXPECT("<<16#1234:12>>.",
           "<<35,4:4>>");
    EXPECT("<<-1:3>>.",
           "<<7:3>>");
    EXPECT("<<1:100>>.",
           "<<0,0,0,0,0,0,0,0,0,0,0,0,1:4>>");
    EXPECT("<<-1:70>>.",
           "<<255,255,255,255,255,255,255,255,63:6>>");
    EXPECT("<<1:0>>.",
           "<<>>");
    EXPECT("<<1.5/float>>.",
           "<<63,248,0,0,0,0,0,0>>");
    EXPECT("<<1.5:32/float>>.",
           "<<63,192,0,0>>");
    EXPECT("<<1.5/float-little>>.",
           "<<0,0,0,0,0,0,248,63>>");
    EXPECT("<<1:64/float>>.",
           "<<63,240,0,0,0,0,0,0>>");
    EXPECT("<<1.5:16/float>>.",
           "<<62,0>>");
    EXPECT("<<65520.0:16/float>>.",
           "<<124,0>>");
    EXPECT("<<1.0e-8:16/float>>.",
           "<<0,0>>");
    EXPECT("<<1.0e300:32/float>>.",
           "<<127,128,0,0>>");
    EXPECT("X = 7, <<\"abc\", X>>.",
           "<<97,98,99,7>>");
    EXPECT("<<\"é\"/utf8>>.",
           "<<\"é\"/utf8>>");
    EXPECT("<<\"é\">>.",
           "<<\"é\">>");
    EXPECT("<<\"abc\"/utf16>>.",
           "<<0,97,0,98,0,99>>");
    EXPECT("<<\"abc\"/little-utf16>>.",
           "<<97,0,98,0,99,0>>");
    EXPECT("<<\"é\"/utf32-little>>.",
           "<<233,0,0,0>>");
    EXPECT("<<16#1F600/utf16>>.",
           "<<216,61,222,0>>");
    EXPECT("<<16#1F600/utf8>>.",
           "<<240,159,152,128>>");
    EXPECT("<<\"abc\":16>>.",
           "<<0,97,0,98,0,99>>");
    EXPECT("<<$a, \"bc\", $d:16>>.",
           "<<97,98,99,0,100>>");
    EXPECT("<<\"\", 1>>.",
           "<<1>>");
    EXPECT("S = 16, <<1:S>>.",
           "<<0,1>>");
    EXPECT("<<(1 + 1):8>>.",
           "<<2>>");
    EXPECT("<<1:4/unit:8>>.",
           "<<0,0,0,1>>");
    EXPECT("B = <<\"ab\">>, <<B:1/binary>>.",
           "<<\"a\">>");
    EXPECT("B = <<\"ab\">>, <<B/binary, B/bytes>>.",
           "<<\"abab\">>");
    EXPECT("B = <<1:3>>, <<B/bits>>.",
           "<<1:3>>");
    EXPECT("B = <<1:3>>, <<B:2/bits>>.",
           "<<0:2>>");
    EXPECT("B = <<1:3>>, <<B/bitstring, B/bitstring, B/bitstring>>.",
           "<<36,1:1>>");
    EXPECT("B = <<1>>, <<B:2/binary-unit:3>>.",
           "<<0:6>>");
    EXPECT("bit_size(<<5:3, 1:1>>).",
           "4");
    EXPECT("byte_size(<<1, 2:3>>).",
           "2");
    EXPECT("size(<<1:9>>).",
           "1");
    EXPECT("{is_binary(<<1:3>>), is_bitstring(<<1:3>>), is_binary(<<1:8>>)}.",
           "{false,true,true}");
    EXPECT("bit_size(a).",
           "** exception error: bad argument\n"
           "     in function  bit_size/1\n"
           "        called as bit_size(a)\n"
           "        *** argument 1: not a bitstring");
    EXPECT("<<1:3>> < <<1>>.",
           "false");
    EXPECT("<<0:1>> < <<0>>.",
           "true");
    EXPECT("<<1:1>> == <<128:8>>.",
           "false");
    EXPECT("<<1:1, 0:7>> =:= <<128>>.",
           "true");
    EXPECT("{<<0:1>> < <<0>>, <<0>> < <<0, 0:1>>, <<0, 0:1>> < <<1>>, <<1>> < <<1:1>>}.",
           "{true,true,true,true}");
}

/* Patterns in =, case, guards and fun heads: sizes from earlier segments
 * and from outside, integers (signed, little), floats, utf, strings,
 * binaries with and without size; what does not fit or differs does not
 * match (badmatch, never another exception). */
Test(eval_bin, patterns_like_erl)
{
    EXPECT("<<X:8, Rest/binary>> = <<1, 2, 3>>, {X, Rest}.",
           "{1,<<2,3>>}");
    EXPECT("<<Len:16, Data:Len/binary, Rest/binary>> = <<0, 5, \"hello\", \"rest\">>, {Data, Rest}.",
           "{<<\"hello\">>,<<\"rest\">>}");
    EXPECT("<<N, X:N/binary>> = <<2, 7, 8>>, X.",
           "<<7,8>>");
    EXPECT("<<N:8, X:(N * 8)>> = <<2, 7, 8>>, X.",
           "1800");
    EXPECT("<<X:3, Y:5>> = <<255>>, {X, Y}.",
           "{7,31}");
    EXPECT("<<X:3/signed, Y:5/signed>> = <<255>>, {X, Y}.",
           "{-1,-1}");
    EXPECT("<<X:16/little>> = <<1, 2>>, X.",
           "513");
    EXPECT("<<X:16/native>> = <<1, 2>>, X.",
           "513");
    EXPECT("<<X:12/little, _:4>> = <<16#12, 16#34>>, X.",
           "786");
    EXPECT("<<A:8/signed, B:16/little-signed, C:24/big>> = <<128, 255, 127, 1, 2, 3>>, {A, B, C}.",
           "{-128,32767,66051}");
    EXPECT("<<X:64/signed>> = <<128, 0, 0, 0, 0, 0, 0, 0>>, X.",
           "-9223372036854775808");
    EXPECT("<<X:65>> = <<0:65>>, X.",
           "0");
    EXPECT("<<X/utf8, R/binary>> = <<\"é!\"/utf8>>, {X, R}.",
           "{233,<<\"!\">>}");
    EXPECT("<<X/utf16, Y/utf16-little, Z/utf32>> = <<0, 97, 98, 0, 0, 0, 0, 99>>, {X, Y, Z}.",
           "{97,98,99}");
    EXPECT("<<X/utf16>> = <<16#D83D:16, 16#DE00:16>>, X.",
           "128512");
    EXPECT("<<X:32/float>> = <<63, 192, 0, 0>>, X.",
           "1.5");
    EXPECT("<<X:32/float-little>> = <<0, 0, 192, 63>>, X.",
           "1.5");
    EXPECT("<<X:16/float>> = <<60, 0>>, X.",
           "1.0");
    EXPECT("<<X:16/float>> = <<0, 1>>, X.",
           "5.960464477539063e-8");
    EXPECT("<<X/float, Y:32/float>> = <<2.5/float, 0.5:32/float>>, {X, Y}.",
           "{2.5,0.5}");
    EXPECT("<<1/float>> = <<1.0/float>>.",
           "<<63,240,0,0,0,0,0,0>>");
    EXPECT("<<X:2/binary, Y/bits>> = <<1, 2, 3:4>>, {X, Y}.",
           "{<<1,2>>,<<3:4>>}");
    EXPECT("<<X:7, Y/bits>> = <<255, 1:2>>, {X, Y}.",
           "{127,<<5:3>>}");
    EXPECT("<<X:1/binary-unit:4>> = <<1:4>>, X.",
           "<<1:4>>");
    EXPECT("<<X:3/unit:8-binary>> = <<1, 2, 3>>, X.",
           "<<1,2,3>>");
    EXPECT("<<\"ab\", R/binary>> = <<\"abc\">>, R.",
           "<<\"c\">>");
    EXPECT("<<\"é\", R/binary>> = <<233, 1>>, R.",
           "<<1>>");
    EXPECT("<<\"é\"/utf8, R/binary>> = <<\"é\"/utf8>>, R.",
           "<<>>");
    EXPECT("<<\"ab\", X>> = <<\"abc\">>, X.",
           "99");
    EXPECT("<<\"\", X>> = <<1>>, X.",
           "1");
    EXPECT("<<$a:16>> = <<0, 97>>.",
           "<<0,97>>");
    EXPECT("<<(X):8>> = <<1>>.",
           "<<1>>");
    EXPECT("X = 2, <<X:8>> = <<2>>.",
           "<<2>>");
    EXPECT("<<X:8, X:8>> = <<2, 2>>.",
           "<<2,2>>");
    EXPECT("S = 1, <<X:(S * 8)>> = <<7>>, X.",
           "7");
    EXPECT("<<X:(length([1, 2]))>> = <<3:2>>, X.",
           "3");
    EXPECT("<<X:0>> = <<>>, X.",
           "0");
    EXPECT("<<1:1, _:7>> = <<200>>.",
           "<<\"È\">>");
    EXPECT("<<X:8>> = <<1, 2>>.",
           "** exception error: no match of right hand side value <<1,2>>");
    EXPECT("<<X:16>> = <<1>>.",
           "** exception error: no match of right hand side value <<1>>");
    EXPECT("<<X/binary>> = <<1:3>>.",
           "** exception error: no match of right hand side value <<1:3>>");
    EXPECT("<<X:2/binary, Y/binary>> = <<1, 2, 3:4>>.",
           "** exception error: no match of right hand side value <<1,2,3:4>>");
    EXPECT("<<-1:8>> = <<255>>.",
           "** exception error: no match of right hand side value <<\"ÿ\">>");
    EXPECT("X = -1, <<X:8>> = <<255>>.",
           "** exception error: no match of right hand side value <<\"ÿ\">>");
    EXPECT("X = 1, <<X/float>> = <<1.0/float>>.",
           "** exception error: no match of right hand side value <<63,240,0,0,0,0,0,0>>");
    EXPECT("<<1.5:8>> = <<1>>.",
           "** exception error: no match of right hand side value <<1>>");
    EXPECT("<<X:64/float>> = <<255, 255, 255, 255, 255, 255, 255, 255>>.",
           "** exception error: no match of right hand side value <<\"ÿÿÿÿÿÿÿÿ\">>");
    EXPECT("<<X:16/float>> = <<124, 0>>.",
           "** exception error: no match of right hand side value <<124,0>>");
    EXPECT("<<X/utf8>> = <<255>>.",
           "** exception error: no match of right hand side value <<\"ÿ\">>");
    EXPECT("<<X/utf8>> = <<237, 160, 128>>.",
           "** exception error: no match of right hand side value <<237,160,128>>");
    EXPECT("<<X:8/float>> = <<1>>.",
           "** exception error: no match of right hand side value <<1>>");
    EXPECT("S = -1, <<X:S>> = <<1>>.",
           "** exception error: no match of right hand side value <<1>>");
    EXPECT("S = a, <<X:S>> = <<1>>.",
           "** exception error: no match of right hand side value <<1>>");
    EXPECT("<<X:a>> = <<1>>.",
           "** exception error: no match of right hand side value <<1>>");
    EXPECT("<<X:8, X:8>> = <<2, 3>>.",
           "** exception error: no match of right hand side value <<2,3>>");
    EXPECT("case <<1, 2>> of <<A:4, B:4, C/binary>> -> {A, B, C} end.",
           "{0,1,<<2>>}");
    EXPECT("case {8, <<7>>} of {_, <<X:8>>} -> X end.",
           "7");
    EXPECT("case <<5:3>> of <<X:3>> when X > 4 -> big; _ -> small end.",
           "big");
    EXPECT("case <<5:3>> of B when bit_size(B) =:= 3 -> three end.",
           "three");
    EXPECT("case 3 of X when <<X>> == <<3>> -> yes end.",
           "yes");
    EXPECT("F = fun(<<L:16, D:L/binary, _/binary>>) -> D; (_) -> bad end, {F(<<0, 2, \"hey\">>), F(<<0, 9, \"x\">>)}.",
           "{<<\"he\">>,bad}");
    EXPECT("N = 8, F = fun(<<X:N>>) -> X end, F(<<7>>).",
           "7");
    EXPECT("N = 1, F = fun(<<N, X:N/binary>>) -> X end, F(<<2, 7, 8>>).",
           "<<7,8>>");
}

/* Binary generators (erl_eval:eval_b_generate): one match after another,
 * skipping segments that fit but differ, stopping where the rest does
 * not fit; binary comprehensions of bitstrings; bad generators and
 * templates. */
Test(eval_bin, generators_like_erl)
{
    EXPECT("[B * 2 || <<B>> <= <<1, 2, 3, 250>>].",
           "[2,4,6,500]");
    EXPECT("<< <<X>> || <<X:8>> <= <<\"abc\">> >>.",
           "<<\"abc\">>");
    EXPECT("<< <<(X + 1)>> || <<X>> <= <<\"HAL\">> >>.",
           "<<\"IBM\">>");
    EXPECT("[C || <<C/utf8>> <= <<\"héllo\"/utf8>>].",
           "\"héllo\"");
    EXPECT("[C || <<C/utf8>> <= <<\"aé\", 255, \"b\">>].",
           "\"a\"");
    EXPECT("[C || <<C/utf16-little>> <= <<\"hé\"/utf16-little>>].",
           "\"hé\"");
    EXPECT("[X || <<X:1>> <= <<5:3, 1:1>>].",
           "[1,0,1,1]");
    EXPECT("[X || <<X:4>> <= <<1, 2>>].",
           "[0,1,0,2]");
    EXPECT("[X || <<X:3>> <= <<1, 2>>].",
           "[0,0,2,0,1]");
    EXPECT("[X || <<X:8>> <= <<1, 2, 3:4>>].",
           "[1,2]");
    EXPECT("[{X, Y} || <<X, Y>> <= <<1, 2, 3>>].",
           "[{1,2}]");
    EXPECT("[X || <<1, X>> <= <<1, 2, 3, 4, 1, 5>>].",
           "[2,5]");
    EXPECT("[X || <<X:8>> <= <<1, 2>>, X > 1].",
           "[2]");
    EXPECT("[{A, B} || <<A:4/signed, B:4/little>> <= <<255, 18>>].",
           "[{-1,15},{1,2}]");
    EXPECT("[X || <<X:16/float>> <= <<60, 0, 0, 0>>].",
           "[1.0,0.0]");
    EXPECT("[X || <<X:2/binary>> <= <<1, 2, 3>>].",
           "[<<1,2>>]");
    EXPECT("[X || <<_:2, X:4>> <= <<255, 0>>].",
           "[15,0]");
    EXPECT("N = 8, [X || <<X:N>> <= <<1, 2>>].",
           "[1,2]");
    EXPECT("[X || <<N, X:N>> <= <<8, 1, 4, 2>>].",
           "[1,0]");
    EXPECT("<< <<X:16>> || <<X>> <= <<1, 2>> >>.",
           "<<0,1,0,2>>");
    EXPECT("<< <<X:3>> || <<X:2>> <= <<255>> >>.",
           "<<109,11:4>>");
    EXPECT("<< X || <<X:1/binary>> <= <<1, 2>> >>.",
           "<<1,2>>");
    EXPECT("<< <<X:4>> || X <- [1, 2, 3] >>.",
           "<<18,3:4>>");
    EXPECT("<< X || X <- [<<1:3>>, <<1:5>>] >>.",
           "<<\"!\">>");
    EXPECT("bit_size(<< <<X:3>> || X <- [1, 2, 3, 4, 5] >>).",
           "15");
    EXPECT("[X || <<X>> <= [1, 2]].",
           "** exception error: bad generator [1,2]");
    EXPECT("<< <<X>> || <<X>> <= a >>.",
           "** exception error: bad generator a");
    EXPECT("[X || <<X>> <= <<1:3>>].",
           "[]");
    EXPECT("<< X || X <- [1, 2] >>.",
           "** exception error: construction of binary failed");
    EXPECT("<< <<X/binary>> || X <- [<<1:3>>] >>.",
           "** exception error: bad argument\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 169)\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("[X || X <- <<1>>].",
           "** exception error: bad generator <<1>>");
}

/* What erl 25 prints when a segment cannot be built in the shell:
 * "construction of binary failed", the segment line, and eval_bits'
 * frames; its odd ones (the * of a size that is no integer, bit_size/1
 * of an unsized binary, a plain badarg for a unit that does not divide). */
Test(eval_bin, construction_errors_like_erl)
{
    EXPECT("<<a>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 143)\n"
           "        *** segment 1 of type 'integer': expected an integer but got: a\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("<<1.5>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 143)\n"
           "        *** segment 1 of type 'integer': expected an integer but got: 1.5\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("<<[1, 2]>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 143)\n"
           "        *** segment 1 of type 'integer': expected an integer but got: [1,2]\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("<<1:(-1)>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 143)\n"
           "        *** segment 1 of type 'integer': expected a non-negative integer as size but got: -1\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("S = a, <<1:S>>.",
           "** exception error: bad argument\n"
           "     in operator  */2\n"
           "        called as a * 1\n"
           "     in call from eval_bits:eval_exp_field1/9 (eval_bits.erl, line 114)\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("<<1:(1 bsl 60)>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 143)\n"
           "        *** segment 1 of type 'integer': the size 1152921504606846976 is too large\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("<<0:(1 bsl 62)/unit:256>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 143)\n"
           "        *** segment 1 of type 'integer': the size 1180591620717411303424 is too large\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("<<0:(-(1 bsl 62))/unit:256>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 143)\n"
           "        *** segment 1 of type 'integer': expected a non-negative integer as size but got: -1180591620717411303424\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("<<1:4/binary>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 172)\n"
           "        *** segment 1 of type 'binary': expected a binary but got: 1\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("<<\"ab\":4/binary>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 172)\n"
           "        *** segment 1 of type 'binary': expected a binary but got: 97\n"
           "     in call from eval_bits:'-eval_field/5-lbc$^4/2-0-'/10 (eval_bits.erl, line 93)\n"
           "     in call from eval_bits:'-eval_field/5-fun-5-'/9 (eval_bits.erl, line 93)\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("<<\"abc\"/binary>>.",
           "** exception error: bad argument\n"
           "     in function  bit_size/1\n"
           "        called as bit_size(97)\n"
           "        *** argument 1: not a bitstring\n"
           "     in call from eval_bits:eval_exp_field1/9 (eval_bits.erl, line 114)\n"
           "     in call from eval_bits:'-eval_field/5-lbc$^4/2-0-'/10 (eval_bits.erl, line 93)\n"
           "     in call from eval_bits:'-eval_field/5-fun-5-'/9 (eval_bits.erl, line 93)\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("<<1/binary>>.",
           "** exception error: bad argument\n"
           "     in function  bit_size/1\n"
           "        called as bit_size(1)\n"
           "        *** argument 1: not a bitstring\n"
           "     in call from eval_bits:eval_exp_field1/9 (eval_bits.erl, line 114)\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("B = <<\"ab\">>, <<B:4/binary>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 172)\n"
           "        *** segment 1 of type 'binary': the value <<\"ab\">> is shorter than the size of the segment\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("B = <<\"ab\">>, <<B/binary-unit:3>>.",
           "** exception error: bad argument\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 169)\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("B = <<1>>, <<B:(-1)/binary>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 172)\n"
           "        *** segment 1 of type 'binary': expected a non-negative integer as size but got: -8\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("B = <<1>>, <<B:a/binary>>.",
           "** exception error: bad argument\n"
           "     in operator  */2\n"
           "        called as a * 8\n"
           "     in call from eval_bits:eval_exp_field1/9 (eval_bits.erl, line 114)\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("<<1:7/float>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 163)\n"
           "        *** segment 1 of type 'float': expected one of the supported sizes 16, 32, or 64 but got: 7\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("<<a/float>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 163)\n"
           "        *** segment 1 of type 'float': expected a float or an integer but got: a\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("<<a:7/float>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 163)\n"
           "        *** segment 1 of type 'float': expected one of the supported sizes 16, 32, or 64 but got: 7\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("<<1:(-1)/float>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 163)\n"
           "        *** segment 1 of type 'float': expected a non-negative integer as size but got: -1\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("<<1:4/float-unit:2>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 163)\n"
           "        *** segment 1 of type 'float': expected one of the supported sizes 16, 32, or 64 but got: 8\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("<<16#110000/utf8>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 145)\n"
           "        *** segment 1 of type 'utf8': expected a non-negative integer encodable as utf8 but got: 1114112\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("<<16#D800/utf8>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 145)\n"
           "        *** segment 1 of type 'utf8': expected a non-negative integer encodable as utf8 but got: 55296\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("<<-1/utf8>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 145)\n"
           "        *** segment 1 of type 'utf8': expected a non-negative integer encodable as utf8 but got: -1\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("<<a/utf16>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 147)\n"
           "        *** segment 1 of type 'utf16': expected a non-negative integer encodable as utf16 but got: a\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("<<a/utf16-little>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 149)\n"
           "        *** segment 1 of type 'utf16': expected a non-negative integer encodable as utf16 but got: a\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("<<a/utf32>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 153)\n"
           "        *** segment 1 of type 'utf32': expected a non-negative integer encodable as utf32 but got: a\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("<<a:8/little>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 135)\n"
           "        *** segment 1 of type 'integer': expected an integer but got: a\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("<<a:8/signed>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 141)\n"
           "        *** segment 1 of type 'integer': expected an integer but got: a\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("<<a:32/float-native>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 161)\n"
           "        *** segment 1 of type 'float': expected a float or an integer but got: a\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("<<\"ab\":(-1)>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 143)\n"
           "        *** segment 1 of type 'integer': expected a non-negative integer as size but got: -1\n"
           "     in call from eval_bits:'-eval_field/5-lbc$^4/2-0-'/10 (eval_bits.erl, line 93)\n"
           "     in call from eval_bits:'-eval_field/5-fun-5-'/9 (eval_bits.erl, line 93)\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("<<\"ab\":7/float>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 163)\n"
           "        *** segment 1 of type 'float': expected one of the supported sizes 16, 32, or 64 but got: 7\n"
           "     in call from eval_bits:'-eval_field/5-lbc$^4/2-0-'/10 (eval_bits.erl, line 93)\n"
           "     in call from eval_bits:'-eval_field/5-fun-5-'/9 (eval_bits.erl, line 93)\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("<<1:8, a>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 143)\n"
           "        *** segment 2 of type 'integer': expected an integer but got: a\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("<<(<<\"abcdefghijklmnopq\">>):20/binary>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 172)\n"
           "        *** segment 1 of type 'binary': the value <<97,98,99,100,101,102,103,104...,112,113>> is shorter than the size of the segment\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("<<([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, "
           "18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40]):8/binary>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 172)\n"
           "        *** segment 1 of type 'binary': expected a binary but got: [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19|...]\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
}

/* erl_lint's checks of segments, with its texts and positions ("* 1:3:
 * ..." in the shell). */
Test(eval_bin, checks_like_erl_lint)
{
    EXPECT("<<1/foo>>.",
           "* 1:3: bit type foo undefined");
    EXPECT("<<1/integer-binary>>.",
           "* 1:3: conflict in type specification for bit field: 'binary' and 'integer'");
    EXPECT("<<1/little-big>>.",
           "* 1:3: conflict in endianness specification for bit field: 'big' and 'little'");
    EXPECT("<<1:8/unit:0>>.",
           "* 1:3: bit type {unit,0} undefined");
    EXPECT("<<1/unit:8>>.",
           "* 1:3: a bit unit size must not be specified unless a size is specified too");
    EXPECT("<<X:8/utf8>> = <<1>>.",
           "* 1:3: neither size nor unit must be given for segments of type utf8/utf16/utf32");
    EXPECT("<<X:8/bits-unit:3>> = <<1, 2, 3>>.",
           "* 1:3: conflict in unit specification for bit field: '3' and '1'");
    EXPECT("<<X/binary, Y/binary>> = <<1>>.",
           "* 1:3: a binary field without size is only allowed at the end of a binary pattern");
    EXPECT("<<\"abc\":8>> = <<\"abc\">>.",
           "* 1:3: a literal string in a binary pattern must not have a type or a size");
    EXPECT("<<\"abc\"/binary>> = <<\"abc\">>.",
           "* 1:3: a literal string in a binary pattern must not have a type or a size");
    EXPECT("<<\"abc\"/utf8>> = <<\"abc\">>.",
           "<<\"abc\">>");
    EXPECT("[X || <<X/binary>> <= <<1, 2>>].",
           "* 1:9: binary fields without size are not allowed in patterns of bit string generators");
    EXPECT("[X || X <= <<1>>].",
           "* 1:9: syntax error before: '<='");
    EXPECT("[X || <<X:M>> <= <<1>>].",
           "* 1:11: variable 'M' is unbound");
    EXPECT("fun(<<X:M>>) -> X end.",
           "* 1:9: variable 'M' is unbound");
    EXPECT("<<X:M>> = <<1>>.",
           "* 1:5: variable 'M' is unbound");
    EXPECT("{M, <<X:M>>} = {8, <<1>>}.",
           "* 1:9: variable 'M' is unbound");
    EXPECT("<<1:M>>.",
           "* 1:5: variable 'M' is unbound");
}

/* ---- in a module: the BEAM's texts (the module's frame, no eval_bits) ---- */

static const char module_src[] =
    "-module(m).\n"
    "-export([i/1, s/1, b/1, u/1, f/1, b0/1, bu/1, lit/0, parse/1, sum/2, g/2]).\n"
    "i(X) -> <<X:8>>.\n"
    "s(S) -> <<1:S>>.\n"
    "b(B) -> <<B:2/binary>>.\n"
    "u(C) -> <<C/utf8>>.\n"
    "f(F) -> <<F:32/float>>.\n"
    "b0(B) -> <<B/binary>>.\n"
    "bu(B) -> <<B:1/binary-unit:3>>.\n"
    "lit() -> <<\"abc\"/binary>>.\n"
    "parse(<<Len:16, Data:Len/binary, Rest/binary>>) -> {ok, Data, Rest};\n"
    "parse(Bin) when is_binary(Bin) -> {error, incomplete}.\n"
    "sum(<<B, Rest/binary>>, Acc) -> sum(Rest, Acc + B);\n"
    "sum(<<>>, Acc) -> Acc.\n"
    "g(N, Bin) -> [X || <<X:N>> <= Bin].\n";

static const ev_module *the_module;

static const ev_module *find_module(void *ctx, atom_t name)
{
    (void)ctx;
    return the_module && ev_module_name(the_module) == name ? the_module : NULL;
}

/* What the shell prints for src with module_src loaded. Caller frees. */
static char *mod_eval(const char *src)
{
    strbuf msgs;
    sb_init(&msgs);
    ev_module *m = ev_module_compile(module_src, "m.erl", &msgs);
    cr_assert_not_null(m, "%s", msgs.s ? msgs.s : "");
    sb_fini(&msgs);
    the_module = m;
    ev_error err;
    ev_code *c = ev_compile(src, &err);
    cr_assert_not_null(c, "%s: %s", src, err.msg);
    fake f = { 0 };
    ev_env *env = ev_env_new();
    ev_host h = { &f, fake_call, fake_send, find_module };
    ev_vm *vm = ev_vm_new(c, env, &h);
    ev_status st = ev_vm_run(vm);
    strbuf b;
    sb_init(&b);
    if (st == EV_DONE)
        term_print(&b, ev_vm_value(vm), NULL);
    else if (st == EV_RAISED)
        ev_format_exception(&b, ev_vm_exception(vm), NULL);
    ev_vm_free(vm);
    ev_code_free(c);
    ev_env_free(env);
    fake_fini(&f);
    the_module = NULL;
    ev_module_free(m);
    return sb_take(&b);
}

#define MOD_EXPECT(src, want)                                              \
    do {                                                                   \
        char *got_ = mod_eval(src);                                        \
        cr_expect_str_eq(got_, want, "%s\n  got:  %s\n  want: %s", src,   \
                         got_, want);                                      \
        free(got_);                                                        \
    } while (0)

/* erlc warns "binary construction will fail because of a type mismatch"
 * for lit/0 and compiles a plain badarg (clustersim prints no warning). */
Test(eval_bin, in_a_module_like_erl)
{
    MOD_EXPECT("m:i(a).",
           "** exception error: construction of binary failed\n"
           "     in function  m:i/1 (m.erl, line 3)\n"
           "        *** segment 1 of type 'integer': expected an integer but got: a");
    MOD_EXPECT("m:i([1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25]).",
           "** exception error: construction of binary failed\n"
           "     in function  m:i/1 (m.erl, line 3)\n"
           "        *** segment 1 of type 'integer': expected an integer but got: [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19|...]");
    MOD_EXPECT("m:s(-1).",
           "** exception error: construction of binary failed\n"
           "     in function  m:s/1 (m.erl, line 4)\n"
           "        *** segment 1 of type 'integer': expected a non-negative integer as size but got: -1");
    MOD_EXPECT("m:s(a).",
           "** exception error: construction of binary failed\n"
           "     in function  m:s/1 (m.erl, line 4)\n"
           "        *** segment 1 of type 'integer': expected a non-negative integer as size but got: a");
    MOD_EXPECT("m:s(1 bsl 60).",
           "** exception error: construction of binary failed\n"
           "     in function  m:s/1 (m.erl, line 4)\n"
           "        *** segment 1 of type 'integer': the size 1152921504606846976 is too large");
    MOD_EXPECT("m:b(<<1>>).",
           "** exception error: construction of binary failed\n"
           "     in function  m:b/1 (m.erl, line 5)\n"
           "        *** segment 1 of type 'binary': the value <<1>> is shorter than the size of the segment");
    MOD_EXPECT("m:b(a).",
           "** exception error: construction of binary failed\n"
           "     in function  m:b/1 (m.erl, line 5)\n"
           "        *** segment 1 of type 'binary': expected a binary but got: a");
    MOD_EXPECT("m:u(-1).",
           "** exception error: construction of binary failed\n"
           "     in function  m:u/1 (m.erl, line 6)\n"
           "        *** segment 1 of type 'utf8': expected a non-negative integer encodable as utf8 but got: -1");
    MOD_EXPECT("m:f(a).",
           "** exception error: construction of binary failed\n"
           "     in function  m:f/1 (m.erl, line 7)\n"
           "        *** segment 1 of type 'float': expected a float or an integer but got: a");
    MOD_EXPECT("m:b0(1).",
           "** exception error: construction of binary failed\n"
           "     in function  m:b0/1 (m.erl, line 8)\n"
           "        *** segment 1 of type 'binary': expected a binary but got: 1");
    MOD_EXPECT("m:b0(<<1:3>>).",
           "** exception error: construction of binary failed\n"
           "     in function  m:b0/1 (m.erl, line 8)\n"
           "        *** segment 1 of type 'binary': the size of the value <<1:3>> is not a multiple of the unit for the segment");
    MOD_EXPECT("m:bu(<<1:1>>).",
           "** exception error: construction of binary failed\n"
           "     in function  m:bu/1 (m.erl, line 9)\n"
           "        *** segment 1 of type 'binary': the value <<1:1>> is shorter than the size of the segment");
    MOD_EXPECT("m:lit().",
           "** exception error: bad argument\n"
           "     in function  m:lit/0 (m.erl, line 10)");
    MOD_EXPECT("m:parse(<<0, 5, \"hello\", \"rest\">>).",
           "{ok,<<\"hello\">>,<<\"rest\">>}");
    MOD_EXPECT("m:parse(<<0, 9, \"short\">>).",
           "{error,incomplete}");
    MOD_EXPECT("m:sum(<<1, 2, 3, 250>>, 0).",
           "256");
    MOD_EXPECT("m:g(4, <<1, 2, 3:4>>).",
           "[0,1,0,2,3]");
}

/* ---- receive ---- */

Test(eval_bin, receive_patterns_like_erl)
{
    /* erl: self() ! <<3, "abc", "rest">>, receive <<N, S:N/binary,
     * R/binary>> -> {N, S, R} after 0 -> none end.
     *      {3,<<"abc">>,<<"rest">>} */
    ev_error err;
    ev_code *c = ev_compile("receive <<N, S:N/binary, R/binary>> -> "
                            "{N, S, R} end.", &err);
    cr_assert_not_null(c);
    ev_env *env = ev_env_new();
    fake f = { 0 };
    ev_host h = { &f, fake_call, fake_send, NULL };
    ev_vm *vm = ev_vm_new(c, env, &h);
    cr_assert_eq(ev_vm_run(vm), EV_RECEIVE);
    term *short_msg = term_binary("\x09" "abc", 4);     /* 9 bytes wanted */
    term *not_bin = term_atom_s("abc");
    term *msg = term_binary("\x03" "abcrest", 8);
    cr_expect(!ev_vm_offer(vm, short_msg));
    cr_expect(!ev_vm_offer(vm, not_bin));
    cr_expect(ev_vm_offer(vm, msg));
    cr_assert_eq(ev_vm_run(vm), EV_DONE);
    char *got = print(ev_vm_value(vm));
    cr_expect_str_eq(got, "{3,<<\"abc\">>,<<\"rest\">>}");
    free(got);
    term_unref(short_msg);
    term_unref(not_bin);
    term_unref(msg);
    ev_vm_free(vm);
    ev_code_free(c);
    ev_env_free(env);
    fake_fini(&f);
}

/* ---- printing ---- */

/* The shell's layout (term_print_pretty) of the value of src. */
static char *pretty(const char *src)
{
    ev_error err;
    ev_code *c = ev_compile(src, &err);
    cr_assert_not_null(c);
    ev_env *env = ev_env_new();
    fake f = { 0 };
    ev_host h = { &f, fake_call, fake_send, NULL };
    ev_vm *vm = ev_vm_new(c, env, &h);
    cr_assert_eq(ev_vm_run(vm), EV_DONE);
    strbuf b;
    sb_init(&b);
    term_print_pretty(&b, ev_vm_value(vm), NULL, 1);
    strbuf w;
    sb_init(&w);
    term_write(&w, ev_vm_value(vm), NULL);
    sb_puts(&b, " ~w ");
    sb_puts(&b, w.s);
    sb_fini(&w);
    ev_vm_free(vm);
    ev_code_free(c);
    ev_env_free(env);
    fake_fini(&f);
    return sb_take(&b);
}

#define PRETTY(src, want)                                                  \
    do {                                                                   \
        char *got_ = pretty(src);                                          \
        cr_expect_str_eq(got_, want, "%s\n  got:  %s\n  want: %s", src,   \
                         got_, want);                                      \
        free(got_);                                                        \
    } while (0)

/* A bitstring's last bits print as Value:Bits, count as one element of
 * the depth, and make it no string; ~w the same. */
Test(eval_bin, printing_like_erl)
{
    /* erl: <<0:224, 1:3>>.
     *      <<0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
     *        1:3>>
     * erl: <<0:232, 1:3>>.   (the same first line, then)   0,...>> */
    PRETTY("<<0:224, 1:3>>.",
           "<<0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,\n"
           "  1:3>> ~w <<0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,"
           "0,0,0,1:3>>");
    PRETTY("<<0:232, 1:3>>.",
           "<<0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,\n"
           "  0,...>> ~w <<0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,"
           "0,0,0,0,0,1:3>>");
    /* erl: io:format("~w ~p~n", [<<1:3>>, <<"abc", 1:3>>]).
     *      <<1:3>> <<97,98,99,1:3>> */
    PRETTY("<<1:3>>.", "<<1:3>> ~w <<1:3>>");
    PRETTY("<<\"abc\", 1:3>>.", "<<97,98,99,1:3>> ~w <<97,98,99,1:3>>");
    /* erl: {<<1:3>>, [<<"abc">>, <<2:5>>]}. */
    PRETTY("{<<1:3>>, [<<\"abc\">>, <<2:5>>]}.",
           "{<<1:3>>,[<<\"abc\">>,<<2:5>>]} ~w {<<1:3>>,[<<97,98,99>>,<<2:5>>]}");
    /* erl: <<"héllo"/utf8>>. */
    PRETTY("<<\"héllo\"/utf8>>.",
           "<<\"héllo\"/utf8>> ~w <<104,195,169,108,108,111>>");
}

/* ---- hostile sizes: errors, never a huge allocation or a crash ---- */

Test(eval_bin, hostile_sizes)
{
    /* erl: binary_alloc: Cannot allocate 137438953472 bytes of memory
     * (and a crash dump). clustersim: at most 2^27 bits a segment
     * (EV_BITS_MAX), else system_limit with erl's text for sizes it does
     * refuse (<<1:(1 bsl 60)>>, construction_errors_like_erl) */
    EXPECT("<<0:(1 bsl 40)>>.",
           "** exception error: construction of binary failed\n"
           "     in function  eval_bits:eval_exp_field/6 (eval_bits.erl, line 143)\n"
           "        *** segment 1 of type 'integer': the size 1099511627776 is too large\n"
           "     in call from eval_bits:create_binary/2 (eval_bits.erl, line 77)\n"
           "     in call from eval_bits:expr_grp/5 (eval_bits.erl, line 68)");
    EXPECT("catch <<0:((1 bsl 27) + 1)>>.",
           "{'EXIT',{system_limit,[{eval_bits,eval_exp_field,6,"
           "[{file,\"eval_bits.erl\"},{line,143}]},{eval_bits,create_binary,2,"
           "[{file,\"eval_bits.erl\"},{line,77}]},{eval_bits,expr_grp,5,"
           "[{file,\"eval_bits.erl\"},{line,68}]}]}}");
    EXPECT("byte_size(<<0:(1 bsl 27)>>).", "16777216");
    EXPECT("B = <<1>>, catch <<B:(1 bsl 40)/binary>>.",
           "{'EXIT',{system_limit,[{eval_bits,eval_exp_field,6,"
           "[{file,\"eval_bits.erl\"},{line,172}]},{eval_bits,create_binary,2,"
           "[{file,\"eval_bits.erl\"},{line,77}]},{eval_bits,expr_grp,5,"
           "[{file,\"eval_bits.erl\"},{line,68}]}]}}");
    /* joined segments and comprehensions keep to the same limit (erl
     * would build these 24 MiB) */
    EXPECT("B = <<0:(1 bsl 26)>>, <<B/bits, B/bits, B/bits>>.",
           "** exception error: a system limit has been reached");
    EXPECT("B = <<0:(1 bsl 26)>>, << X || X <- [B, B, B] >>.",
           "** exception error: a system limit has been reached");
    EXPECT("B = <<0:(1 bsl 26)>>, << <<X/bits>> || X <- [B, B, B] >>.",
           "** exception error: a system limit has been reached");
    /* matching sizes beyond what there is never match (erl: the same) */
    EXPECT("<<X:(1 bsl 62)/binary>> = <<1>>.",
           "** exception error: no match of right hand side value <<1>>");
    EXPECT("<<X:(1 bsl 62)/unit:256>> = <<1>>.",
           "** exception error: no match of right hand side value <<1>>");
    EXPECT("[x || <<_:(1 bsl 62)/unit:256>> <= <<1>>].", "[]");
    /* erl: loops forever; clustersim: a pattern that takes no bits ends
     * the generator */
    EXPECT("[x || <<>> <= <<1>>].", "[]");
    EXPECT("[x || <<_:0>> <= <<1>>].", "[]");
    /* erl: 18374686479671623680 (a bignum); clustersim has none: the
     * segment does not match */
    EXPECT("<<X:64>> = <<255, 0, 0, 0, 0, 0, 0, 0>>.",
           "** exception error: no match of right hand side value "
           "<<255,0,0,0,0,0,0,0>>");
    /* erl: 9223372036854775808 */
    EXPECT("<<X:64>> = <<128, 0, 0, 0, 0, 0, 0, 0>>, X.",
           "** exception error: no match of right hand side value "
           "<<128,0,0,0,0,0,0,0>>");
    EXPECT("<<X:64>> = <<127, 255, 255, 255, 255, 255, 255, 255>>, X.",
           "9223372036854775807");
}
