/* fuzz_eval: libFuzzer entry for the Erlang-subset parser, compiler and
 * VM (`make fuzz`). Text that compiles is run against a host whose
 * every call raises undef and whose sends succeed; a receive is offered
 * one message, then times out. Nothing may crash, hang or leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/erl/eval.h"
#include "tests/fuzz/fuzz_host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *src = malloc(size + 1);
    memcpy(src, data, size);
    src[size] = '\0';
    ev_error err;
    ev_code *code = ev_compile(src, &err);
    if (code) {
        ev_env *env = ev_env_new();
        ev_host host = {NULL, call, send, NULL};
        ev_vm *vm = ev_vm_new(code, env, &host);
        term *msg = term_tuplev(2, term_atom_s("hello"), term_int(42));
        int steps = 0;
        for (ev_status st = ev_vm_run(vm); steps < 100; st = ev_vm_run(vm), steps++) {
            if (st == EV_RECEIVE) {
                if (!ev_vm_offer(vm, msg))
                    ev_vm_timeout(vm);
            } else if (st == EV_BLOCKED) {
                ev_vm_resume(vm, term_atom_s("ok"));
            } else {
                strbuf b;
                sb_init(&b);
                if (st == EV_RAISED)
                    ev_format_exception(&b, ev_vm_exception(vm), NULL);
                else
                    term_print_pretty(&b, ev_vm_value(vm), NULL, 1);
                sb_fini(&b);
                break;
            }
        }
        term_unref(msg);
        ev_vm_free(vm);
        ev_env_free(env);
        ev_code_free(code);
    }
    ev_code *pat = ev_compile_pattern(src, &err);
    ev_code_free(pat);
    free(src);
    return 0;
}
