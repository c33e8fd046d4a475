/* fuzz_host: the host the evaluator's fuzzers share (fuzz_eval.c,
 * fuzz_module.c): every call raises undef, every send succeeds. */
#ifndef CS_TESTS_FUZZ_HOST_H
#define CS_TESTS_FUZZ_HOST_H

#include "core/erl/eval.h"

static ev_status call(void *ctx, ev_vm *vm, atom_t mod, atom_t fun,
                      uint32_t argc, term **args, term **result,
                      ev_exception *exc)
{
    (void)ctx, (void)vm, (void)argc, (void)args, (void)result;
    exc->cls = atom_intern("error");
    exc->reason = term_atom_s("undef");
    exc->mod = mod;
    exc->fun = fun;
    return EV_RAISED;
}

static ev_status send(void *ctx, term *dest, term *msg, ev_exception *exc)
{
    (void)ctx, (void)dest, (void)msg, (void)exc;
    return EV_DONE;
}

#endif
