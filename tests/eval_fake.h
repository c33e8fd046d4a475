/* eval_fake: the fake host of the evaluator's tests, defined in
 * test_eval.c and shared with test_eval_host.c. It answers self/0,
 * node/0 and fake:id/1, blocks in fake:block/1, raises what erl raises
 * for a few calls (global:send/2, lists:sort/1, timer:sleep/1,
 * is_process_alive/1) and undef for anything else, records what is
 * sent (nosuch ! M raises badarg), and has `mod` loaded, if any. */
#ifndef CS_TESTS_EVAL_FAKE_H
#define CS_TESTS_EVAL_FAKE_H

#include "core/erl/eval.h"

typedef struct fake {
    term *sent[8];        /* {Dest, Msg} of each send */
    int nsent;
    int calls;
    term *block_arg;      /* the argument of the last fake:block/1 */
    const ev_module *mod; /* the one module loaded, or NULL (not freed) */
} fake;

/* The ev_host call and send of the fake (ctx is a fake). */
ev_status fake_call(void *ctx, ev_vm *vm, atom_t mod, atom_t fun,
                    uint32_t argc, term **args, term **result,
                    ev_exception *exc);
ev_status fake_send(void *ctx, term *dest, term *msg, ev_exception *exc);
/* The ev_host module of the fake: its `mod` when it is the one named. */
const ev_module *fake_module(void *ctx, atom_t name);
/* Frees what f recorded and zeroes it. */
void fake_fini(fake *f);
/* Evaluates `src` to the end with the fake host (it must not block) and
 * returns what the shell would print: the value, the exception text, or
 * "* L:C: msg" for a syntax or command error. Caller frees. */
char *fake_run(const char *src, ev_env *env, fake *f);
/* fake_run with new empty bindings and a new fake. Caller frees. */
char *fake_eval(const char *src);
/* Expects what the shell prints for src (fake_eval) to be want. */
#define EXPECT(src, want)                                                  \
    do {                                                                   \
        char *got_ = fake_eval(src);                                       \
        cr_expect_str_eq(got_, want, "%s\n  got:  %s\n  want: %s", src,   \
                         got_, want);                                      \
        free(got_);                                                        \
    } while (0)
/* The one-line text of t, pids as seen from nowhere; caller frees. */
char *print(const term *t);

#endif
