/* test_lib: the library of Erlang modules built into the binary
 * (core/lib/NAME.erl, lib.h): each compiles as erlc would, without an
 * error or a warning; each is loaded on every node at boot; a user's
 * module of the same name replaces it; the function reference lists
 * both the registry and the library; the loader refuses applications
 * that no module starts. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/lib/lib.h"
#include "tests/harness.h"

Test(lib, every_module_compiles_without_a_message)
{
    cr_assert_gt(lib_nsources(), 0);
    for (int i = 0; i < lib_nsources(); i++) {
        const lib_source *s = lib_source_at(i);
        strbuf msgs;
        sb_init(&msgs);
        ev_module *m = ev_module_compile(s->text, s->file, &msgs);
        cr_expect(m != NULL, "%s does not compile:\n%s", s->file, msgs.s);
        cr_expect(msgs.len == 0, "%s: erlc would say:\n%s", s->file, msgs.s);
        if (m) {
            cr_expect_str_eq(atom_text(ev_module_name(m)), s->name);
            ev_module_free(m);
        }
        sb_fini(&msgs);
        if (i > 0)
            cr_expect_lt(strcmp(lib_source_at(i - 1)->name, s->name), 0,
                         "the table is sorted by name");
        cr_expect_eq(lib_source_find(s->name), s);
    }
    cr_expect_null(lib_source_find("nosuch"));
    cr_expect_null(lib_module("nosuch"));
    cr_expect_eq(lib_module("echo"), lib_module("echo"), "compiled once");
}

/* Runs a scenario's text; returns its transcript (caller frees). */
static char *run_text(const char *json)
{
    char dir[64], path[128];
    h_tmpdir(dir);
    snprintf(path, sizeof path, "%s/s.json", dir);
    h_write_file(path, json);
    hrun *h = h_run(path, 0);
    char *out = strdup(h->transcript ? h->transcript : "");
    h_free(h);
    h_rmtree(dir);
    return out;
}

Test(lib, library_modules_are_loaded_on_every_node_and_run)
{
    char *t = run_text(
        "{\"name\": \"t\", \"until\": \"10s\", \"nodes\": [\"a\", \"b\"], \"timeline\": ["
        "{\"at\": \"1s\", \"on\": \"a\", \"eval\": \"net_adm:ping('b@sim').\"},"
        "{\"at\": \"2s\", \"on\": \"a\", \"eval\": "
        "\"P = spawn('b@sim', echo, loop, []), P ! {self(), hi}, receive M -> M end.\"},"
        "{\"at\": \"3s\", \"on\": \"a\", \"eval\": \"spawn('b@sim', hello, run, []), ok.\"},"
        "{\"at\": \"4s\", \"on\": \"b\", \"eval\": \"m().\"}"
        "]}");
    cr_expect(strstr(t, "{echo,hi}") != NULL, "%s", t);
    cr_expect(strstr(t, "I'm running on b@sim!") != NULL, "%s", t);
    cr_expect(strstr(t, "worker ") != NULL, "m() lists the library: %s", t);
    free(t);
}

Test(lib, a_user_module_replaces_the_library_one)
{
    char *t = run_text(
        "{\"name\": \"t\", \"until\": \"10s\", \"nodes\": [\"a\", "
        "{\"name\": \"b\", \"modules\": [{\"source\": "
        "\"-module(echo).\\n-export([loop/0]).\\nloop() -> receive {F, M} -> F ! {mine, M} end.\\n\"}]}],"
        " \"timeline\": ["
        "{\"at\": \"1s\", \"on\": \"a\", \"eval\": \"P = spawn(echo, loop, []), P ! {self(), x}, receive M -> M end.\"},"
        "{\"at\": \"1s\", \"on\": \"b\", \"eval\": \"P = spawn(echo, loop, []), P ! {self(), x}, receive M -> M end.\"}"
        "]}");
    /* both wait at 1s: one prompt each, the answers labelled */
    cr_expect(strstr(t, "(a@sim)1> P = spawn(echo, loop, []), P ! {self(), x}, receive M -> M end.\n"
                        "(b@sim)1> P = spawn(echo, loop, []), P ! {self(), x}, receive M -> M end.\n"
                        "%% on a@sim:\n{echo,x}\n%% on b@sim:\n{mine,x}\n") != NULL, "%s", t);
    free(t);
}

Test(lib, the_reference_lists_registry_vm_and_library)
{
    strbuf b;
    sb_init(&b);
    lib_functions(&b);
    cr_assert_not_null(b.s);
    cr_expect(strstr(b.s, "| `echo:loop/0` | Erlang, `core/lib/echo.erl` |\n") != NULL);
    cr_expect(strstr(b.s, "| `erlang:self/0` | C BIF, auto-imported |\n") != NULL);
    cr_expect(strstr(b.s, "| `erlang:element/2` | run by the VM, auto-imported |\n") != NULL);
    cr_expect(strstr(b.s, "| `lists:map/2` | Erlang, run by the VM (core/erl/eval_lib.c) |\n") != NULL);
    cr_expect(strstr(b.s, "| `shell_default:flush/0` | shell command (C) |\n") != NULL);
    /* in order: arity as a number, so foo/2 before foo/10 */
    cr_expect(strstr(b.s, "`lists:seq/2`") < strstr(b.s, "`lists:seq/3`"));
    cr_expect(strstr(b.s, "`erlang:abs/1`") < strstr(b.s, "`erlang:apply/2`"));
    sb_fini(&b);
}
