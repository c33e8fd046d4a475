/* i128: exact signed 128-bit integers for the few sums that can pass
 * int64 (time units, lists:seq), portable to 32-bit targets, where
 * __int128 does not exist. Two's complement in two 64-bit halves; every
 * operation is exact (none overflows 128 bits for int64 operands). */
#ifndef CS_I128_H
#define CS_I128_H

#include <stdbool.h>
#include <stdint.h>

typedef struct i128 {
    int64_t hi;
    uint64_t lo;
} i128;

static inline i128 i128_of(int64_t v)
{
    return (i128){v < 0 ? -1 : 0, (uint64_t)v};
}

static inline i128 i128_add(i128 a, i128 b)
{
    uint64_t lo = a.lo + b.lo;
    return (i128){(int64_t)((uint64_t)a.hi + (uint64_t)b.hi + (lo < a.lo)), lo};
}

static inline i128 i128_neg(i128 a)
{
    uint64_t lo = ~a.lo + 1;
    return (i128){(int64_t)(~(uint64_t)a.hi + (lo == 0)), lo};
}

static inline i128 i128_sub(i128 a, i128 b)
{
    return i128_add(a, i128_neg(b));
}

static inline bool i128_neg_p(i128 a)
{
    return a.hi < 0;
}

/* a < b */
static inline bool i128_lt(i128 a, i128 b)
{
    return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo);
}

/* a as int64, saturated at INT64_MIN and INT64_MAX. */
static inline int64_t i128_to_i64_sat(i128 a)
{
    if (a.hi == ((int64_t)a.lo < 0 ? -1 : 0))
        return (int64_t)a.lo;
    return a.hi < 0 ? INT64_MIN : INT64_MAX;
}

/* a * b, both int64: the 64x64 product in 32-bit halves. */
static inline i128 i128_mul(int64_t a, int64_t b)
{
    bool neg = (a < 0) != (b < 0);
    uint64_t x = a < 0 ? 0 - (uint64_t)a : (uint64_t)a;
    uint64_t y = b < 0 ? 0 - (uint64_t)b : (uint64_t)b;
    uint64_t x0 = x & 0xffffffffu, x1 = x >> 32, y0 = y & 0xffffffffu, y1 = y >> 32;
    uint64_t p00 = x0 * y0, p01 = x0 * y1, p10 = x1 * y0, p11 = x1 * y1;
    uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
    i128 r = {(int64_t)(p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32)),
              (mid << 32) | (p00 & 0xffffffffu)};
    return neg ? i128_neg(r) : r;
}

/* a / d for d > 0, rounded towards zero (floor: towards minus infinity)
 * into *q; false when the quotient does not fit int64. */
static inline bool i128_div(i128 a, uint64_t d, bool floor, int64_t *q)
{
    bool neg = i128_neg_p(a);
    i128 m = neg ? i128_neg(a) : a;
    uint64_t hi = (uint64_t)m.hi, lo = m.lo, r = 0, qhi = 0, qlo = 0;
    for (int i = 127; i >= 0; i--) {   /* long division, a bit at a time */
        uint64_t bit = i >= 64 ? (hi >> (i - 64)) & 1 : (lo >> i) & 1;
        bool carry = r >> 63;
        r = (r << 1) | bit;
        if (carry || r >= d) {
            r -= d;
            if (i >= 64)
                qhi |= (uint64_t)1 << (i - 64);
            else
                qlo |= (uint64_t)1 << i;
        }
    }
    if (neg && floor && r) {           /* -(q + 1) */
        qlo++;
        qhi += qlo == 0;
    }
    if (qhi || qlo > (uint64_t)INT64_MAX + neg)
        return false;
    *q = neg ? (int64_t)(0 - qlo) : (int64_t)qlo;
    return true;
}

#endif
