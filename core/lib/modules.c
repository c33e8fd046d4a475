/* modules: the library's Erlang modules (lib.h), compiled from the
 * sources that core/lib/embed.sh built into the binary. Each is
 * compiled the first time something asks for it and kept for the rest
 * of the program: compiled code is immutable, so every world and every
 * node shares it (each node holds it while loaded). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/lib/lib_int.h"
#include "core/rt/bif.h"
#include "core/term/xalloc.h"

static ev_module **compiled;

int lib_nsources(void)
{
    return lib__nsources;
}

const lib_source *lib_source_at(int i)
{
    return &lib__sources[i];
}

static int find(const char *name)
{
    int lo = 0, hi = lib__nsources;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        int c = strcmp(lib__sources[mid].name, name);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

const lib_source *lib_source_find(const char *name)
{
    int i = find(name);
    return i < 0 ? NULL : &lib__sources[i];
}

/* A library module that does not compile is a bug of clustersim's, not
 * of the user's scenario, and the unit tests (tests/test_lib.c) say
 * which and why: core/ prints nothing, so here it only stops. */
static ev_module *compile(const lib_source *s)
{
    strbuf msgs;
    sb_init(&msgs);
    ev_module *m = ev_module_compile(s->text, s->file, &msgs);
    sb_fini(&msgs);
    assert(m != NULL && "a library module does not compile: run make unit");
    return m;
}

ev_module *lib_module(const char *name)
{
    int i = find(name);
    if (i < 0)
        return NULL;
    if (!compiled)
        compiled = xcalloc((size_t)lib__nsources, sizeof *compiled);
    if (!compiled[i])
        compiled[i] = compile(&lib__sources[i]);
    return compiled[i];
}

/* ---- the reference: every function the nodes can call ---- */

typedef struct fn_row {
    char *name;         /* "lists:map/2" */
    const char *how;    /* static */
} fn_row;

typedef struct fn_rows {
    fn_row *v;
    size_t n, cap;
} fn_rows;

static void add_row(fn_rows *r, const char *mod, const char *fun,
                    uint32_t arity, const char *how)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 256;
        r->v = xrealloc(r->v, r->cap * sizeof *r->v);
    }
    strbuf b;
    sb_init(&b);
    sb_printf(&b, "%s:%s/%u", mod, fun, arity);
    r->v[r->n++] = (fn_row){sb_take(&b), how};
}

static void visit_vm(void *ctx, const char *mod, const char *fun,
                     uint32_t arity, bool auto_imported)
{
    add_row(ctx, mod, fun, arity,
            auto_imported ? "run by the VM, auto-imported"
                          : !strcmp(mod, "erlang") ? "run by the VM"
                          : "Erlang, run by the VM (core/erl/eval_lib.c)");
}

static void visit_bif(void *ctx, atom_t mod, atom_t fun, uint32_t arity,
                      bif_scope scope)
{
    add_row(ctx, atom_text(mod), atom_text(fun), arity,
            scope == BIF_AUTO ? "C BIF, auto-imported"
            : scope == BIF_SHELL ? "shell command (C)" : "C BIF");
}

/* Module, then function name, then arity as a number. */
static int row_cmp(const void *a, const void *b)
{
    const char *x = ((const fn_row *)a)->name, *y = ((const fn_row *)b)->name;
    size_t i = strcspn(x, "/"), j = strcspn(y, "/");
    int c = strncmp(x, y, i < j ? i : j);
    if (c || i != j)
        return c ? c : i < j ? -1 : 1;
    long ax = strtol(x + i + 1, NULL, 10), ay = strtol(y + j + 1, NULL, 10);
    return ax < ay ? -1 : ax > ay;
}

void lib_functions(strbuf *out)
{
    fn_rows r = {0};
    sim *s = sim_new();
    world_node_cfg cfg = {0};
    cfg.name = "reference@sim";
    cfg.cookie = "nocookie";
    world *w = lib_world_new(s, 1, 1, &cfg);
    ev_vm_functions(visit_vm, &r);
    bif_each(w, visit_bif, &r);
    world_free(w);
    sim_free(s);
    /* a library module replaces whatever else has its name */
    size_t keep = 0;
    for (size_t i = 0; i < r.n; i++) {
        char mod[128];
        size_t k = strcspn(r.v[i].name, ":");
        snprintf(mod, sizeof mod, "%.*s", (int)k, r.v[i].name);
        if (lib_source_find(mod))
            free(r.v[i].name);
        else
            r.v[keep++] = r.v[i];
    }
    r.n = keep;
    for (int i = 0; i < lib__nsources; i++) {
        const lib_source *src = &lib__sources[i];
        term *ex = ev_module_exports(lib_module(src->name));
        for (const term *l = ex; l->tag == T_CONS; l = l->u.cons.tail) {
            const term *fa = l->u.cons.head;
            const char *fun = atom_text(fa->u.tuple.el[0]->u.atom);
            if (strcmp(fun, "module_info"))
                add_row(&r, src->name, fun, (uint32_t)fa->u.tuple.el[1]->u.i,
                        src->file);
        }
        term_unref(ex);
    }
    /* DETERMINISM: the names are unique, so the order is total */
    qsort(r.v, r.n, sizeof *r.v, row_cmp);
    sb_puts(out, "| function | implemented as |\n|---|---|\n");
    for (size_t i = 0; i < r.n; i++) {
        bool erl = strstr(r.v[i].how, ".erl") && !strchr(r.v[i].how, ' ');
        sb_printf(out, "| `%s` | %s%s%s |\n", r.v[i].name,
                  erl ? "Erlang, `core/lib/" : "", r.v[i].how, erl ? "`" : "");
        free(r.v[i].name);
    }
    free(r.v);
}
