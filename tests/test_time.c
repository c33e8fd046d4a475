/* test_time.c: Criterion tests of erlang:phash2's hash (rt__hash2,
 * core/rt/bif_time.c, erts' make_hash2) against the values real erl 25
 * gives: erlang:phash2(T, 1 bsl 32) is the whole 32-bit hash (the same
 * values as tests/otp/modules/l2_hash.erl, recorded by make
 * otp-expected). Non-ASCII atoms are in l2_hash only: the tests' reader
 * takes a quoted atom's bytes one by one. */
#include <criterion/criterion.h>

#include "core/rt/bif.h"
#include "tests/term_reader.h"

static const struct {
    const char *src;
    uint32_t hash;
} cases[] = {
    {"0", 3175731469u},
    {"1", 539485162u},
    {"-1", 1117813597u},
    {"42", 701417368u},
    {"255", 715823293u},
    {"256", 3929335767u},
    {"-255", 661110369u},
    {"134217727", 4273352567u},
    {"134217728", 2562491755u},
    {"-134217728", 874979335u},
    {"-134217729", 1418916782u},
    {"4294967295", 2108319181u},
    {"4294967296", 2108323275u},
    {"-4294967296", 2586067094u},
    {"1099511627776", 282329375u},
    {"9007199254740993", 1398361409u},
    {"-9223372036854775807", 1736893674u},
    {"1.0", 3029937084u},
    {"0.0", 423528920u},
    {"-0.0", 423528920u},
    {"3.14", 3731709215u},
    {"-2.5e10", 3404367758u},
    {"1.0e300", 387524106u},
    {"a", 97u},
    {"b", 98u},
    {"ok", 1883u},
    {"error", 7117154u},
    {"'hello world'", 18131988u},
    {"[]", 3468870702u},
    {"[a]", 1634476877u},
    {"[1,2,3]", 4186538188u},
    {"\"hello\"", 753008767u},
    {"\"abcd\"", 1752753207u},
    {"\"abcde\"", 2487089008u},
    {"[256]", 1684221134u},
    {"[1|2]", 3844221178u},
    {"[a|b]", 2356411656u},
    {"[300, 1, 2]", 2902664759u},
    {"[1, a, 2]", 2452592867u},
    {"[[1],[2]]", 2928514407u},
    {"{}", 221703996u},
    {"{a}", 2853905094u},
    {"{a, b}", 1980325998u},
    {"{1, 2, 3}", 2847307263u},
    {"{[], {}}", 2690571559u},
    {"{ok, \"x\"}", 2892690237u},
    {"[{a, 1}, {b, 2}]", 1867347031u},
    {"{1.5, -7, 'A'}", 2331984849u},
    {"[-1]", 3800508964u},
    {"[3.0]", 1802409355u},
    {"{[1|2], [a]}", 725085434u},
};

Test(time, phash2_is_make_hash2)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        term *t = rd_term(cases[i].src);
        cr_expect_eq(rt__hash2(t), cases[i].hash, "phash2(%s): got %u, want %u",
                     cases[i].src, rt__hash2(t), cases[i].hash);
        term_unref(t);
    }
}

Test(time, phash2_of_a_map_ignores_key_order)
{
    term *a = rd_term("#{a => 1, b => [x]}"), *b = rd_term("#{b => [x], a => 1}");
    cr_expect_eq(rt__hash2(a), rt__hash2(b));
    term_unref(a);
    term_unref(b);
}
