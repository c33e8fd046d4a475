/* arch check (make check-i386): what a target's float arithmetic, term
 * printer and PRNG give, one line each, so that two builds' outputs can
 * be compared with cmp. The host build and an i686 build must agree: with
 * x87 arithmetic the first line ends ...984 instead of ...9839 (issue 12),
 * which is why the Makefile builds 32-bit x86 with -msse2 -mfpmath=sse;
 * the 64x64 multiply of rng_below must give the same draws without
 * __uint128_t. The evaluator runs without a node: calls raise undef. */
#include <inttypes.h>
#include <stdio.h>
#include "core/erl/eval.h"
#include "core/term/i128.h"
#include "sim/rng.h"
#include "tests/fuzz/fuzz_host.h"

static const char *const exprs[] = {
    "802.909955 * 476.620514 / 521.777483.",
    "{1.5 + 1.25, 0.1 + 0.2, 1.0e-10 * 3.0, 1 / 3, 7.0 / 3.0 * 3.0}.",
    "[X * 1.1 || X <- [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]].",
    "F = fun G(0, A) -> A; G(N, A) -> G(N - 1, A * 1.0000001 + N / 7) end, "
    "F(1000, 0.0).",
    "{1.0e-300 * 1.0e-10, 1.0e-310 / 3.0, 1.7976931348623157e308 / 10.0}.",
    "2.0e300 * 1.0e8.",
    NULL};

int main(void)
{
    for (int i = 0; exprs[i]; i++) {
        ev_error err;
        ev_code *code = ev_compile(exprs[i], &err);
        if (!code) {
            printf("compile error: %s\n", err.msg);
            continue;
        }
        ev_env *env = ev_env_new();
        ev_host host = {NULL, call, send, NULL};
        ev_vm *vm = ev_vm_new(code, env, &host);
        ev_status st = ev_vm_run(vm);
        strbuf b;
        sb_init(&b);
        if (st == EV_RAISED)
            ev_format_exception(&b, ev_vm_exception(vm), NULL);
        else
            term_print_pretty(&b, ev_vm_value(vm), NULL, 1);
        printf("%s\n", b.s);
        sb_fini(&b);
        ev_vm_free(vm);
        ev_env_free(env);
        ev_code_free(code);
    }
    static const uint64_t ns[] = {
        1, 3, 10, 1000000007ULL, 0xffffffffULL, 0x100000001ULL,
        0x8000000000000001ULL, 0xffffffffffffffffULL};
    rng r = rng_stream(7, "test", 1);
    for (int k = 0; k < 8; k++)
        printf("%016" PRIx64 "\n", rng_below(&r, ns[k]));
    printf("%.17g\n", rng_unit(&r));
    /* i128 (no __int128 on i686): products, floor and truncating
     * quotients, and saturation at the ends of int64 */
    static const int64_t xs[] = {INT64_MIN, -1000000007, -7, -1, 0, 3,
                                 999999937, INT64_MAX};
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 8; j++) {
            i128 p = i128_mul(xs[i], xs[j]);
            int64_t q = 0, f = 0;
            bool okq = i128_div(p, 1000000007, false, &q);
            bool okf = i128_div(p, 999999937, true, &f);
            printf("%" PRId64 " %016" PRIx64 " %d %" PRId64 " %d %" PRId64
                   " %" PRId64 "\n", p.hi, p.lo, okq, q, okf, f,
                   i128_to_i64_sat(i128_add(p, i128_of(xs[j]))));
        }
    return 0;
}
