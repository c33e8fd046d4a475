/* test_i128.c: core/term/i128.h against the compiler's __int128 (which
 * the 64-bit hosts that run the tests have; i686 has not, hence i128.h,
 * cross-checked by make check-i386), over the ends of int64 and a fixed
 * sequence of pseudo-random operands. */
#include <criterion/criterion.h>

#include "core/term/i128.h"

static __int128 wide(i128 a)
{
    return (__int128)((unsigned __int128)(uint64_t)a.hi << 64 | a.lo);
}

static void check(int64_t a, int64_t b, uint64_t d)
{
    __int128 p = (__int128)a * b;
    i128 m = i128_mul(a, b);
    cr_assert(wide(m) == p, "%lld * %lld", (long long)a, (long long)b);
    cr_assert(wide(i128_add(m, i128_of(a))) == p + a);
    cr_assert(wide(i128_sub(m, i128_of(b))) == p - b);
    cr_assert_eq(i128_lt(m, i128_of(a)), p < a);
    __int128 t = p / (__int128)d, f = t - (p % (__int128)d != 0 && p < 0);
    int64_t q;
    bool fits = t >= INT64_MIN && t <= INT64_MAX;
    cr_assert_eq(i128_div(m, d, false, &q), fits, "%lld * %lld / %llu",
                 (long long)a, (long long)b, (unsigned long long)d);
    if (fits)
        cr_assert_eq(q, (int64_t)t);
    fits = f >= INT64_MIN && f <= INT64_MAX;
    cr_assert_eq(i128_div(m, d, true, &q), fits);
    if (fits)
        cr_assert_eq(q, (int64_t)f);
    int64_t sat = p > INT64_MAX ? INT64_MAX : p < INT64_MIN ? INT64_MIN : (int64_t)p;
    cr_assert_eq(i128_to_i64_sat(m), sat);
}

Test(i128, agrees_with_int128)
{
    static const int64_t ends[] = {INT64_MIN, INT64_MIN + 1, -4294967296,
                                   -1, 0, 1, 4294967295, INT64_MAX - 1, INT64_MAX};
    static const uint64_t ds[] = {1, 3, 1000, 1000000007, 4294967296,
                                  (uint64_t)1 << 63, UINT64_MAX};
    for (size_t i = 0; i < 9; i++)
        for (size_t j = 0; j < 9; j++)
            for (size_t k = 0; k < 7; k++)
                check(ends[i], ends[j], ds[k]);
    uint64_t x = 88172645463325252u;   /* xorshift64: fixed operands */
    for (int n = 0; n < 20000; n++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int64_t a = (int64_t)x >> (n % 64);
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int64_t b = (int64_t)x >> (n % 61);
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        check(a, b, (x >> (n % 63)) | 1);
    }
}
