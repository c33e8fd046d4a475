/* eval_env: variable bindings, one set per shell (ev_env) and one working
 * copy per evaluation (eval_vm.c).
 *
 * Invariants: a name is bound at most once; the bindings stay sorted by
 * the variable's name text, so iteration order (ev_env_name, the VM's
 * variable checks) never depends on atom numbering; every value is an
 * owned reference. Shell sessions hold a handful of variables, so
 * lookups are linear. */
#include <stdlib.h>
#include <string.h>

#include "core/erl/eval_ast.h"
#include "core/term/xalloc.h"

/* An empty set of bindings in caller-owned storage. */
void ev__env_init(ev_env *e)
{
    memset(e, 0, sizeof *e);
}

/* Releases the values and arrays; e is empty (and reusable) after. */
void ev__env_fini(ev_env *e)
{
    for (uint32_t i = 0; i < e->n; i++)
        term_unref(e->val[i]);
    free(e->name);
    free(e->val);
    memset(e, 0, sizeof *e);
}

/* A new, empty set of bindings. Free with ev_env_free. */
ev_env *ev_env_new(void)
{
    ev_env *e = xmalloc(sizeof *e);
    ev__env_init(e);
    return e;
}

/* Frees the bindings and their values; NULL is fine. */
void ev_env_free(ev_env *e)
{
    if (!e)
        return;
    ev__env_fini(e);
    free(e);
}

static int env_index(const ev_env *e, atom_t name)
{
    for (uint32_t i = 0; i < e->n; i++)
        if (e->name[i] == name)
            return (int)i;
    return -1;
}

/* Borrowed value of `name`, or NULL. */
term *ev__env_find(const ev_env *e, atom_t name)
{
    int i = env_index(e, name);
    return i < 0 ? NULL : e->val[i];
}

/* Binds or rebinds `name` (v's ownership taken). */
void ev__env_bind(ev_env *e, atom_t name, term *v)
{
    int at = env_index(e, name);
    if (at >= 0) {
        term_unref(e->val[at]);
        e->val[at] = v;
        return;
    }
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 4;
        e->name = xrealloc(e->name, e->cap * sizeof *e->name);
        e->val = xrealloc(e->val, e->cap * sizeof *e->val);
    }
    /* DETERMINISM: sorted by name text, never by atom number */
    uint32_t i = e->n;
    while (i > 0 && strcmp(atom_text(e->name[i - 1]), atom_text(name)) > 0) {
        e->name[i] = e->name[i - 1];
        e->val[i] = e->val[i - 1];
        i--;
    }
    e->name[i] = name;
    e->val[i] = v;
    e->n++;
}

/* Unbinds `name` if bound (the shell's f(X)). */
void ev__env_remove(ev_env *e, atom_t name)
{
    int at = env_index(e, name);
    if (at < 0)
        return;
    term_unref(e->val[at]);
    for (uint32_t i = (uint32_t)at; i + 1 < e->n; i++) {
        e->name[i] = e->name[i + 1];
        e->val[i] = e->val[i + 1];
    }
    e->n--;
}

/* dst becomes a copy of src (values shared by reference). */
void ev__env_copy(ev_env *dst, const ev_env *src)
{
    if (dst == src)
        return;
    ev__env_fini(dst);
    dst->cap = src->n;
    if (src->n) {
        dst->name = xmalloc(src->n * sizeof *dst->name);
        dst->val = xmalloc(src->n * sizeof *dst->val);
    }
    for (uint32_t i = 0; i < src->n; i++) {
        dst->name[i] = src->name[i];
        dst->val[i] = term_ref(src->val[i]);
    }
    dst->n = src->n;
}

/* Number of bindings. */
uint32_t ev__env_count(const ev_env *e)
{
    return e->n;
}

/* The i-th variable's name, in name order (i < ev__env_count). */
atom_t ev__env_name_at(const ev_env *e, uint32_t i)
{
    return e->name[i];
}

/* Borrowed value of the variable named `name`, or NULL if unbound. */
term *ev_env_get(const ev_env *e, const char *name)
{
    return ev__env_find(e, atom_intern(name));
}

/* Binds (or rebinds) a variable; takes ownership of v. */
void ev_env_set(ev_env *e, const char *name, term *v)
{
    ev__env_bind(e, atom_intern(name), v);
}

/* Forgets every binding, as the shell's f(). */
void ev_env_clear(ev_env *e)
{
    ev__env_fini(e);
}

/* Number of bindings. */
uint32_t ev_env_size(const ev_env *e)
{
    return e->n;
}

/* The i-th binding in order of name (i < ev_env_size): its name
 * (valid for the program's life) and its borrowed value. */
const char *ev_env_name(const ev_env *e, uint32_t i)
{
    return atom_text(e->name[i]);
}

/* The i-th binding's value (borrowed), in name order. */
term *ev_env_value(const ev_env *e, uint32_t i)
{
    return e->val[i];
}
