/* rng: the engine's only source of randomness.
 *
 * xoshiro256** (Blackman & Vigna) seeded through splitmix64. Independent
 * streams are derived from the root seed by purpose and id (the
 * network, each node, the workload), so adding a consumer never shifts the
 * numbers another consumer sees. Pure computation: no I/O, no globals. */
#ifndef CS_RNG_H
#define CS_RNG_H

#include <stdint.h>

typedef struct rng {
    uint64_t s[4];
} rng;

/* Returns the stream for (seed, purpose, id). `purpose` is a short
 * constant name ("net", "node", "workload"); equal arguments give equal
 * streams, any difference gives an unrelated one. */
rng rng_stream(uint64_t seed, const char *purpose, uint64_t id);

/* Next 64 random bits. */
uint64_t rng_next(rng *r);

/* Uniform integer in [0, n) without modulo bias; n > 0. */
uint64_t rng_below(rng *r, uint64_t n);

/* Uniform double in [0, 1) with 53 random bits. */
double rng_unit(rng *r);

/* splitmix64 finaliser, exposed for hashing small keys into seeds. */
uint64_t rng_mix64(uint64_t x);

#endif
