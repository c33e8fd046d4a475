/* latency: samplers for the delay distributions (see latency.h).
 * lat_log/lat_exp are portable: argument reduction by powers of two and
 * short series in plain arithmetic, compiled with -ffp-contract=off. */
#include "net_model/latency.h"

#include <math.h>

lat_dist lat_constant(int64_t us)
{
    lat_dist d = {LAT_CONSTANT, us, 0, 0.0};
    return d;
}

const char *lat_kind_name(lat_kind k)
{
    switch (k) {
    case LAT_CONSTANT: return "constant";
    case LAT_UNIFORM: return "uniform";
    case LAT_NORMAL: return "normal";
    case LAT_EXPONENTIAL: return "exponential";
    case LAT_PARETO: return "pareto";
    }
    return "?";
}

#define LN2 0.6931471805599453094

double lat_log(double x)
{
    /* x = m * 2^e with m in [sqrt(1/2), sqrt(2)); ln m by the atanh series
     * ln m = 2 (s + s^3/3 + s^5/5 + ...), s = (m-1)/(m+1), |s| < 0.172. */
    int e;
    double m = frexp(x, &e); /* exact: m in [0.5, 1) */
    if (m < 0.70710678118654752440) {
        m *= 2.0;
        e -= 1;
    }
    double s = (m - 1.0) / (m + 1.0), s2 = s * s, term = s, sum = 0.0;
    for (int k = 1; k < 40; k += 2) {
        sum += term / k;
        term *= s2;
    }
    return 2.0 * sum + e * LN2;
}

double lat_exp(double x)
{
    if (x < -700.0)
        return 0.0;
    if (x > 700.0)
        x = 700.0;
    /* x = k ln2 + r with |r| <= ln2/2; e^r by Taylor, scaled by 2^k. */
    double kf = x / LN2;
    int k = (int)(kf < 0 ? kf - 0.5 : kf + 0.5);
    double r = x - k * LN2, term = 1.0, sum = 1.0;
    for (int i = 1; i < 25; i++) {
        term *= r / i;
        sum += term;
    }
    return ldexp(sum, k);
}

static int64_t clamp_us(double v)
{
    if (!(v > 0.0))
        return 0;
    if (v > 9.0e15)
        return (int64_t)9.0e15;
    return (int64_t)(v + 0.5);
}

int64_t lat_sample(const lat_dist *d, rng *r)
{
    switch (d->kind) {
    case LAT_CONSTANT:
        return d->a;
    case LAT_UNIFORM:
        return d->a + (int64_t)rng_below(r, (uint64_t)(d->b - d->a) + 1);
    case LAT_NORMAL: {
        /* Marsaglia's polar method: needs only log and sqrt. */
        double u, v, s;
        do {
            u = 2.0 * rng_unit(r) - 1.0;
            v = 2.0 * rng_unit(r) - 1.0;
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        double z = u * sqrt(-2.0 * lat_log(s) / s);
        return clamp_us((double)d->a + z * (double)d->b);
    }
    case LAT_EXPONENTIAL:
        return clamp_us(-(double)d->a * lat_log(1.0 - rng_unit(r)));
    case LAT_PARETO: {
        /* Inverse CDF: scale / U^(1/shape), U in (0, 1]. */
        double u = 1.0 - rng_unit(r);
        return clamp_us((double)d->a * lat_exp(-lat_log(u) / d->shape));
    }
    }
    return 0;
}
