/* rng: xoshiro256** streams seeded through splitmix64 (see rng.h).
 * Invariant: a stream's state is never all zero (splitmix64 output of
 * four consecutive counters cannot be). */
#include "sim/rng.h"

uint64_t rng_mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

rng rng_stream(uint64_t seed, const char *purpose, uint64_t id)
{
    uint64_t k = rng_mix64(seed);
    k = rng_mix64(k ^ fnv1a(purpose));
    k = rng_mix64(k ^ id);
    rng r;
    for (int i = 0; i < 4; i++) {
        k += 0x9e3779b97f4a7c15ULL;
        r.s[i] = rng_mix64(k);
    }
    return r;
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* a * b as 128 bits, in 64-bit halves: portable (no __uint128_t, which
 * 32-bit targets lack) and exactly the product, so results do not depend
 * on the target. */
static uint64_t mul_64x64(uint64_t a, uint64_t b, uint64_t *lo)
{
    uint64_t al = a & 0xffffffffu, ah = a >> 32;
    uint64_t bl = b & 0xffffffffu, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
    *lo = (mid << 32) | (ll & 0xffffffffu);
    return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

uint64_t rng_below(rng *r, uint64_t n)
{
    /* Lemire's rejection: unbiased, one multiply in the common case. */
    uint64_t lo, hi = mul_64x64(rng_next(r), n, &lo);
    if (lo < n) {
        uint64_t thresh = (0 - n) % n;
        while (lo < thresh)
            hi = mul_64x64(rng_next(r), n, &lo);
    }
    return hi;
}

double rng_unit(rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}
