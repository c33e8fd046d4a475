/* fuzz_module: libFuzzer entry for the module compiler (`make fuzz`):
 * any text gives a module or erlc-style messages naming the file, never
 * a crash, a hang or a leak. A module that compiles has each of its
 * exported functions of arity 0 run for a bounded number of reductions,
 * with a host that knows only that module and raises undef for the
 * rest. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/erl/eval.h"
#include "tests/fuzz/fuzz_host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const ev_module *the_module;


static const ev_module *module(void *ctx, atom_t name)
{
    (void)ctx;
    return ev_module_name(the_module) == name ? the_module : NULL;
}

/* Runs M:F() for at most 20,000 reductions. */
static void run_one(const term *mf)
{
    ev_env *env = ev_env_new();
    ev_env_set(env, "F", term_ref((term *)mf));
    ev_error err;
    ev_code *code = ev_compile("catch F().", &err);
    assert(code);
    ev_host host = {NULL, call, send, module};
    ev_vm *vm = ev_vm_new(code, env, &host);
    ev_vm_set_slice(vm, 1000);
    for (int i = 0; i < 20; i++) {
        ev_status st = ev_vm_run(vm);
        if (st == EV_RECEIVE)
            ev_vm_timeout(vm);
        else if (st == EV_BLOCKED)
            ev_vm_resume(vm, term_atom_s("ok"));
        else if (st != EV_YIELD)
            break;
    }
    ev_vm_free(vm);
    ev_code_free(code);
    ev_env_free(env);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *src = malloc(size + 1);
    memcpy(src, data, size);
    src[size] = '\0';
    strbuf msgs;
    sb_init(&msgs);
    ev_module *m = ev_module_compile(src, "fuzz.erl", &msgs);
    assert(m || (msgs.s && !strncmp(msgs.s, "fuzz.erl", 8)));
    if (m) {
        the_module = m;
        term *ex = ev_module_exports(m);
        for (const term *l = ex; l->tag == T_CONS; l = l->u.cons.tail) {
            term *const *fa = l->u.cons.head->u.tuple.el;
            if (fa[1]->u.i != 0 || term_is_atom(fa[0], atom_intern("module_info")))
                continue;
            term *f = term_fun(ev_module_name(m), fa[0]->u.atom, 0);
            run_one(f);
            term_unref(f);
        }
        term_unref(ex);
        ev_module_free(m);
    }
    sb_fini(&msgs);
    free(src);
    return 0;
}
