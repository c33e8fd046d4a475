/* latency: one-way message delay distributions (scenarios/README.md,
 * config.latency) and their deterministic samplers.
 *
 * Samplers use only IEEE-exact operations (+ - * / sqrt) and our own
 * log/exp, never libm's transcendental functions, so a seed gives the same
 * delays on every libm and compiler. */
#ifndef CS_LATENCY_H
#define CS_LATENCY_H

#include <stdint.h>
#include "sim/rng.h"

typedef enum lat_kind {
    LAT_CONSTANT,    /* a = value */
    LAT_UNIFORM,     /* a = min, b = max (a <= b) */
    LAT_NORMAL,      /* a = mean, b = stddev, clamped at 0 */
    LAT_EXPONENTIAL, /* a = mean */
    LAT_PARETO       /* a = scale, shape = shape (> 0) */
} lat_kind;

typedef struct lat_dist {
    lat_kind kind;
    int64_t a, b;  /* microseconds, meaning per kind above */
    double shape;
} lat_dist;

/* A constant delay of `us` microseconds. */
lat_dist lat_constant(int64_t us);

/* Draws one delay in microseconds (>= 0) from `d` using `r`. Pure. */
int64_t lat_sample(const lat_dist *d, rng *r);

/* The distribution's name as written in scenarios ("uniform", ...). */
const char *lat_kind_name(lat_kind k);

/* Deterministic natural log (x > 0) and exp, accurate to a few ulps;
 * exposed for tests. */
double lat_log(double x);
double lat_exp(double x);

#endif
