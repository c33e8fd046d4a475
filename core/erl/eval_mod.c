/* eval_mod: compiling a module's text as erlc compiles a .erl file, and
 * the module's functions as the VM finds them.
 *
 * The passes are compile:file/2's: scanning (erl_scan), the forms one by
 * one (erl_parse; a form with a syntax error is reported and skipped, so
 * the next ones are still checked), then erl_lint's checks over the whole
 * module (eval_lint.c has those of each function's variables and guards),
 * then, when they found no error, the warnings of the compiler's
 * optimisation passes (eval_warn.c), then code. Records are rewritten as
 * the forms are parsed (erl_expand_records, eval_parse.c), their erl_lint
 * errors taken with each form; the checks of the whole module then see
 * tuple code, with each record default that an expression put in
 * reported at its record (once) but calling for the function it is in,
 * and warn of the records no function uses. Messages are kept as erlc
 * prints them: the scanner's and parser's errors in the order of the
 * text, then erl_lint's errors, then the warnings, each list in the order
 * of position and, at one position, of text (compile sorts them so), each
 * message followed by the source line and a caret under its column.
 *
 * Invariants of a compiled module: every exported function exists; every
 * call F(Args) without a module names a function of the module, an
 * imported one or an auto-imported BIF (erl_internal:bif/2), so the code
 * never meets an undefined local function; the functions' values are fun
 * terms naming the module and function, whose closures run the clauses in
 * the module's code (ev__comp_module). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/erl/eval_ast.h"
#include "core/term/xalloc.h"

/* ---- erl_internal:bif/2 of OTP 25: the auto-imported BIFs ---- */

static const char auto_bifs[] =
    " abs/1 alias/0 alias/1 apply/2 apply/3 atom_to_binary/1 atom_to_binary/2"
    " atom_to_list/1 binary_part/2 binary_part/3 binary_to_atom/1"
    " binary_to_atom/2 binary_to_existing_atom/1 binary_to_existing_atom/2"
    " binary_to_float/1 binary_to_integer/1 binary_to_integer/2"
    " binary_to_list/1 binary_to_list/3 binary_to_term/1 binary_to_term/2"
    " bit_size/1 bitstring_to_list/1 byte_size/1 ceil/1 check_old_code/1"
    " check_process_code/2 check_process_code/3 date/0 delete_module/1"
    " demonitor/1 demonitor/2 disconnect_node/1 element/2 erase/0 erase/1"
    " error/1 error/2 error/3 exit/1 exit/2 float/1 float_to_binary/1"
    " float_to_binary/2 float_to_list/1 float_to_list/2 floor/1"
    " garbage_collect/0 garbage_collect/1 garbage_collect/2 get/0 get/1"
    " get_keys/0 get_keys/1 group_leader/0 group_leader/2 halt/0 halt/1"
    " halt/2 hd/1 integer_to_binary/1 integer_to_binary/2 integer_to_list/1"
    " integer_to_list/2 iolist_size/1 iolist_to_binary/1 is_alive/0"
    " is_atom/1 is_binary/1 is_bitstring/1 is_boolean/1 is_float/1"
    " is_function/1 is_function/2 is_integer/1 is_list/1 is_map/1"
    " is_map_key/2 is_number/1 is_pid/1 is_port/1 is_process_alive/1"
    " is_record/2 is_record/3 is_reference/1 is_tuple/1 length/1 link/1"
    " list_to_atom/1 list_to_binary/1 list_to_bitstring/1"
    " list_to_existing_atom/1 list_to_float/1 list_to_integer/1"
    " list_to_integer/2 list_to_pid/1 list_to_port/1 list_to_ref/1"
    " list_to_tuple/1 load_module/2 make_ref/0 map_get/2 map_size/1 max/2"
    " min/2 module_loaded/1 monitor/2 monitor/3 monitor_node/2 node/0 node/1"
    " nodes/0 nodes/1 nodes/2 now/0 open_port/2 pid_to_list/1 port_close/1"
    " port_command/2 port_command/3 port_connect/2 port_control/3"
    " port_to_list/1 pre_loaded/0 process_flag/2 process_flag/3"
    " process_info/1 process_info/2 processes/0 purge_module/1 put/2"
    " ref_to_list/1 register/2 registered/0 round/1 self/0 setelement/3"
    " size/1 spawn/1 spawn/2 spawn/3 spawn/4 spawn_link/1 spawn_link/2"
    " spawn_link/3 spawn_link/4 spawn_monitor/1 spawn_monitor/2"
    " spawn_monitor/3 spawn_monitor/4 spawn_opt/2 spawn_opt/3 spawn_opt/4"
    " spawn_opt/5 spawn_request/1 spawn_request/2 spawn_request/3"
    " spawn_request/4 spawn_request/5 spawn_request_abandon/1"
    " split_binary/2 statistics/1 term_to_binary/1 term_to_binary/2"
    " term_to_iovec/1 term_to_iovec/2 throw/1 time/0 tl/1 trunc/1"
    " tuple_size/1 tuple_to_list/1 unalias/1 unlink/1 unregister/1"
    " whereis/1 ";

bool ev__auto_bif(atom_t name, uint32_t arity)
{
    char key[96];
    int n = snprintf(key, sizeof key, " %s/%u ", atom_text(name), arity);
    return n > 0 && (size_t)n < sizeof key && strstr(auto_bifs, key);
}

/* ---- messages ---- */

typedef struct diag {
    int line, col;
    int pass;            /* 0 scan/parse, 1 lint, 2 warning */
    char *msg;
} diag;

typedef struct diags {
    diag *v;
    uint32_t n, cap;
} diags;

static void add(diags *d, int pass, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void add(diags *d, int pass, int line, int col, const char *fmt, ...)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 8;
        d->v = xrealloc(d->v, d->cap * sizeof *d->v);
    }
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    d->v[d->n++] = (diag){ line, col, pass, xstrdup(buf) };
}

/* compile's order: the scanner's and parser's errors as found, then the
 * others by position, then the warnings by position; at one position by
 * text (compile:report_warnings sorts the formatted messages; for errors
 * the text stands for erl_lint's term). */
static bool diag_before(const diag *a, const diag *b)
{
    if (a->pass != b->pass)
        return a->pass < b->pass;
    if (a->pass == 0)
        return false;            /* parse errors keep the text's order */
    if (a->line != b->line)
        return a->line < b->line;
    if (a->col != b->col)
        return a->col < b->col;
    return strcmp(a->msg, b->msg) < 0;
}

/* erlc's excerpt: the line, and a caret under the column. */
static void excerpt(strbuf *b, const char *src, int line, int col)
{
    const char *p = src;
    for (int l = 1; l < line && p; l++) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    if (!p || line < 1)
        return;
    const char *e = strchr(p, '\n');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    sb_printf(b, "%%%5d| %.*s\n%%     | %*s^\n", line, (int)n, p,
              col > 1 ? col - 1 : 0, "");
}

/* Appends d's messages to out, sorted (stable), and frees them. */
static void flush(diags *d, const char *file, const char *src, strbuf *out)
{
    for (uint32_t i = 1; i < d->n; i++)
        for (uint32_t j = i; j > 0 && diag_before(&d->v[j], &d->v[j - 1]); j--) {
            diag t = d->v[j];
            d->v[j] = d->v[j - 1];
            d->v[j - 1] = t;
        }
    for (uint32_t i = 0; i < d->n; i++) {
        const diag *g = &d->v[i];
        if (g->line == 0) {          /* about the file, not a place in it */
            sb_printf(out, "%s: %s\n", file, g->msg);
        } else {
            sb_printf(out, "%s:%d:%d: %s%s\n", file, g->line, g->col,
                      g->pass == 2 ? "Warning: " : "", g->msg);
            excerpt(out, src, g->line, g->col);
            sb_putc(out, '\n');
        }
        free(g->msg);
    }
    free(d->v);
    d->v = NULL;
    d->n = d->cap = 0;
}

static bool has_errors(const diags *d)
{
    for (uint32_t i = 0; i < d->n; i++)
        if (d->v[i].pass < 2)
            return true;
    return false;
}

/* ---- the module's functions ---- */

int ev__mod_find(const ev_module *m, atom_t name, uint32_t arity)
{
    uint32_t lo = 0, hi = m->nfn;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const ev_func *f = &m->fn[m->sorted[mid]];
        if (f->name == name && f->arity == arity)
            return (int)m->sorted[mid];
        if (f->name < name || (f->name == name && f->arity < arity))
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

atom_t ev__mod_import(const ev_module *m, atom_t name, uint32_t arity)
{
    for (uint32_t i = 0; i < m->nimp; i++)
        if (m->imp[i].name == name && m->imp[i].arity == arity)
            return m->imp[i].mod;
    return 0;
}

static int by_name(const void *a, const void *b, void *ctx)
{
    const ev_func *fn = ctx;
    const ev_func *x = &fn[*(const uint32_t *)a], *y = &fn[*(const uint32_t *)b];
    if (x->name != y->name)
        return x->name < y->name ? -1 : 1;
    return x->arity < y->arity ? -1 : x->arity > y->arity;
}

/* Insertion sort of the lookup index: no two functions are equal, so
 * the order is total. */
static void sort_index(ev_module *m)
{
    m->sorted = xcalloc(m->nfn ? m->nfn : 1, sizeof *m->sorted);
    for (uint32_t i = 0; i < m->nfn; i++) {
        uint32_t j = i;
        m->sorted[j] = i;
        while (j > 0 && by_name(&m->sorted[j], &m->sorted[j - 1], m->fn) < 0) {
            uint32_t t = m->sorted[j];
            m->sorted[j] = m->sorted[j - 1];
            m->sorted[j - 1] = t;
            j--;
        }
    }
}

/* ---- attributes ---- */

typedef struct export_ref {
    atom_t name;
    uint32_t arity;
    int line, col;       /* of the -export attribute, where erl_lint points */
} export_ref;

typedef struct modsrc {
    ev_module *m;
    diags d;
    export_ref *ex;
    uint32_t nex, capex;
    bool export_all, named;
    uint32_t capfn, capimp;
    ev_records recs;         /* the -record forms so far */
} modsrc;

/* Each F/A of the list l (an attribute's [f/1, g/2]) to put(); false
 * when l is not such a list. */
static bool fa_list(const ev_node *l, void (*put)(modsrc *, atom_t, uint32_t,
                                                    const ev_node *, atom_t),
                    modsrc *S, const ev_node *at, atom_t mod)
{
    for (;;) {
        if (l->kind == N_LIT && l->lit->tag == T_NIL)
            return true;
        if (l->kind == N_LIT && l->lit->tag == T_CONS) {
            /* a constant list: elements F/A are never constants */
            return false;
        }
        if (l->kind != N_CONS)
            return false;
        const ev_node *e = l->kid[0];
        if (e->kind != N_OP2 || e->op != OP_FDIV || e->kid[0]->kind != N_LIT
            || e->kid[0]->lit->tag != T_ATOM || e->kid[1]->kind != N_LIT
            || e->kid[1]->lit->tag != T_INT || e->kid[1]->lit->u.i < 0
            || e->kid[1]->lit->u.i > 255)
            return false;
        put(S, e->kid[0]->lit->u.atom, (uint32_t)e->kid[1]->lit->u.i, at, mod);
        l = l->kid[1];
    }
}

static void put_export(modsrc *S, atom_t name, uint32_t arity,
                       const ev_node *at, atom_t mod)
{
    (void)mod;
    if (S->nex == S->capex) {
        S->capex = S->capex ? S->capex * 2 : 8;
        S->ex = xrealloc(S->ex, S->capex * sizeof *S->ex);
    }
    S->ex[S->nex++] = (export_ref){ name, arity, at->line, at->col };
}

static void put_import(modsrc *S, atom_t name, uint32_t arity,
                       const ev_node *at, atom_t mod)
{
    (void)at;
    ev_module *m = S->m;
    if (m->nimp == S->capimp) {
        S->capimp = S->capimp ? S->capimp * 2 : 8;
        m->imp = xrealloc(m->imp, S->capimp * sizeof *m->imp);
    }
    m->imp[m->nimp++] = (ev_import){ mod, name, arity };
}

static bool is_atom_node(const ev_node *n)
{
    return n->kind == N_LIT && n->lit->tag == T_ATOM;
}

/* -compile(export_all) or -compile([..., export_all, ...]). */
static bool has_export_all(const ev_node *a)
{
    if (is_atom_node(a))
        return a->lit->u.atom == atom_intern("export_all");
    for (const term *l = a->kind == N_LIT ? a->lit : NULL;
         l && l->tag == T_CONS; l = l->u.cons.tail)
        if (term_is_atom(l->u.cons.head, atom_intern("export_all")))
            return true;
    return false;
}

static void attribute(modsrc *S, const ev_form *f)
{
    const char *name = atom_text(f->name);
    const ev_node *a = f->arg;
    ev_module *m = S->m;
    bool ok = true;
    if (!strcmp(name, "module")) {
        ok = a->n == 1 && is_atom_node(a->kid[0]);
        if (ok && !S->named) {
            m->name = a->kid[0]->lit->u.atom;
            S->named = true;
        }
    } else if (!strcmp(name, "export")) {
        ok = a->n == 1 && fa_list(a->kid[0], put_export, S, f->arg, 0);
    } else if (!strcmp(name, "import")) {
        ok = a->n == 2 && is_atom_node(a->kid[0])
            && fa_list(a->kid[1], put_import, S, f->arg,
                       a->kid[0]->lit->u.atom);
    } else if (!strcmp(name, "compile")) {
        if (a->n == 1 && has_export_all(a->kid[0])) {
            S->export_all = true;
            add(&S->d, 2, f->line, f->col, "export_all flag enabled - all "
                "functions will be exported");
        }
    }
    if (!ok)
        add(&S->d, 1, f->line, f->col, "bad %s declaration", name);
}

/* Names the funs in n as the compiler does, '-f/1-fun-N-': N counts
 * the funs of function f/1 in the order they are written (erlc 25
 * numbers a sequence's funs so; within one tuple or call's arguments it
 * numbers from the right, which this does not follow). */
static void name_funs(ev_node *n, const char *fa, uint32_t *k)
{
    if (!n)
        return;
    if (n->kind == N_FUN) {
        char buf[300];
        snprintf(buf, sizeof buf, "-%s-fun-%u-", fa, (*k)++);
        n->fname = atom_intern(buf);
    }
    for (uint32_t i = 0; i < n->n; i++)
        name_funs(n->kid[i], fa, k);
}

static void function(modsrc *S, const ev_form *f)
{
    ev_module *m = S->m;
    uint32_t arity = (uint32_t)f->fun->flag;
    for (uint32_t i = 0; i < m->nfn; i++) {
        if (m->fn[i].name == f->name && m->fn[i].arity == arity) {
            add(&S->d, 1, f->line, f->col, "function %s/%u already defined",
                atom_text(f->name), arity);
            return;
        }
    }
    if (m->nfn == S->capfn) {
        S->capfn = S->capfn ? S->capfn * 2 : 16;
        m->fn = xrealloc(m->fn, S->capfn * sizeof *m->fn);
    }
    m->fn[m->nfn++] = (ev_func){ f->name, arity, f->fun, false, NULL };
    char fa[280];
    snprintf(fa, sizeof fa, "%s/%u", atom_text(f->name), arity);
    uint32_t k = 0;
    for (uint32_t i = 0; i < f->fun->n; i++)
        name_funs(f->fun->kid[i], fa, &k);
}

/* ---- erl_lint's checks of calls ---- */

/* Every local call and `fun f/1` in n: undefined ones reported, the
 * others recorded as called by function `from` (reach NULL: a record's
 * default, which calls for the functions it is copied into). A copied
 * default is not reported again: its record was (erl_lint's
 * record_def checks the defaults once; erl_expand_records' copies make
 * the calls). Not in guards nor in the sizes of a binary pattern: a
 * call there is an illegal guard expression, no call (erl_lint's
 * gexpr). */
static void walk_calls(modsrc *S, const ev_node *n, uint32_t from, bool *reach,
                       bool report)
{
    if (!n || n->kind == N_GUARD
        || (n->kind == N_BIN && (n->flag & EV_BIN_PATTERN)))
        return;
    ev_module *m = S->m;
    if (n->kind == N_SEQ && n->flag == EV_SEQ_INIT)
        report = false;
    atom_t f = 0;
    uint32_t argc = 0;
    bool local_fun = false;
    if (n->kind == N_CALL && !n->kid[0] && is_atom_node(n->kid[1])) {
        f = n->kid[1]->lit->u.atom;
        argc = n->n - 2;
    } else if (n->kind == N_LIT && n->lit->tag == T_FUN && !n->lit->u.fun.clo
               && n->lit->u.fun.mod == atom_intern("")) {
        f = n->lit->u.fun.fun;
        argc = n->lit->u.fun.arity;
        local_fun = true;
    }
    if (f) {
        int idx = ev__mod_find(m, f, argc);
        if (idx >= 0 && reach)
            reach[from * m->nfn + (uint32_t)idx] = true;
        else if (idx < 0 && report
                 && (local_fun || (!ev__mod_import(m, f, argc)
                                   && !ev__auto_bif(f, argc))))
            add(&S->d, 1, n->line, n->col, "function %s/%u undefined",
                atom_text(f), argc);
    }
    for (uint32_t i = 0; i < n->n; i++)
        walk_calls(S, n->kid[i], from, reach, report);
}

static void sink_put(void *ctx, bool warning, int line, int col,
                     const char *msg)
{
    add(ctx, warning ? 2 : 1, line, col, "%s", msg);
}

/* erl_lint: exports defined, calls defined, unused functions (those no
 * exported function reaches), each function's variables and guards
 * (ev__lint_function); then, when that found no error, the compiler's
 * warnings (ev__warn_function), as erlc runs its passes after a clean
 * lint. */
static void lint_module(modsrc *S)
{
    ev_sink sink = { &S->d, sink_put };
    ev_module *m = S->m;
    for (uint32_t i = 0; i < S->nex; i++) {
        int idx = ev__mod_find(m, S->ex[i].name, S->ex[i].arity);
        if (idx < 0)
            add(&S->d, 1, S->ex[i].line, S->ex[i].col,
                "function %s/%u undefined", atom_text(S->ex[i].name),
                S->ex[i].arity);
        else
            m->fn[idx].exported = true;
    }
    uint32_t n = m->nfn;
    bool *reach = xcalloc((size_t)n * n + 1, 1);
    bool *live = xcalloc(n + 1, 1);
    ev_lint_facts *facts = xcalloc(n + 1, sizeof *facts);
    for (uint32_t i = 0; i < n; i++) {
        if (S->export_all)
            m->fn[i].exported = true;
        walk_calls(S, m->fn[i].fun, i, reach, true);
        ev__lint_function(m, m->fn[i].fun, &sink, &facts[i]);
    }
    /* what the exported functions reach, to a fixed point */
    for (uint32_t i = 0; i < n; i++)
        live[i] = m->fn[i].exported;
    for (bool more = true; more;) {
        more = false;
        for (uint32_t i = 0; i < n; i++)
            for (uint32_t j = 0; live[i] && j < n; j++)
                if (reach[i * n + j] && !live[j])
                    live[j] = more = true;
    }
    for (uint32_t i = 0; i < n; i++)
        if (!live[i])
            add(&S->d, 2, m->fn[i].fun->line, m->fn[i].fun->col,
                "function %s/%u is unused", atom_text(m->fn[i].name),
                m->fn[i].arity);
    free(reach);
    free(live);
    /* the records: their defaults' calls, and which no function uses */
    for (uint32_t i = 0; i < S->recs.n; i++) {
        const ev_record *r = &S->recs.r[i];
        for (uint32_t k = 0; k < r->n; k++)
            walk_calls(S, r->init[k]->kid[0], 0, NULL, true);
        if (!r->used) {
            strbuf b;
            sb_init(&b);
            term_print_atom(&b, r->name);
            add(&S->d, 2, r->line, r->col, "record %s is unused", b.s);
            sb_fini(&b);
        }
    }
    bool clean = !has_errors(&S->d);
    for (uint32_t i = 0; i < n; i++) {
        if (clean)
            ev__warn_function(m, &m->fn[i], &facts[i], &sink);
        ev__facts_free(&facts[i]);
    }
    free(facts);
}

/* ---- compiling ---- */

static ev_module *module_new(void)
{
    ev_module *m = xcalloc(1, sizeof *m);
    m->rc = 1;
    m->code = xcalloc(1, sizeof *m->code);
    m->code->rc = 1;
    m->code->mod = m;
    return m;
}

/* The function values: funs naming the module and function, whose
 * closures hold no code (the module does). */
static void make_values(ev_module *m)
{
    for (uint32_t i = 0; i < m->nfn; i++) {
        term_closure *clo = xcalloc(1, sizeof *clo);
        clo->code = m->code;
        clo->node = m->fn[i].fun;
        clo->env = term_nil();
        clo->line = (uint32_t)m->fn[i].fun->line;
        clo->col = (uint32_t)m->fn[i].fun->col;
        term *v = term_closure_new(m->name, m->fn[i].arity, clo);
        v->u.fun.fun = m->fn[i].name;
        m->fn[i].value = v;
    }
}

ev_module *ev_module_compile(const char *src, const char *file, strbuf *msgs)
{
    modsrc S = { 0 };
    ev_tokens toks;
    ev_error err;
    if (ev__lex_forms(src, &toks, &err) < 0) {
        add(&S.d, 0, err.line, err.col, "%s", err.msg);
        flush(&S.d, file ? file : "nofile", src, msgs);
        return NULL;
    }
    /* epp: macros and conditional forms (the first error stops the
     * compile, where erlc goes on to report the rest) */
    if (ev__pp(&toks, file, &err) < 0) {
        ev__tokens_free(&toks);
        add(&S.d, 0, err.line, err.col, "%s", err.msg);
        flush(&S.d, file ? file : "nofile", src, msgs);
        return NULL;
    }
    S.m = module_new();
    ev_module *m = S.m;
    m->file = xstrdup(file ? file : "nofile");
    const ev_token *t = toks.t;
    while (t->kind != TK_EOF) {
        ev_form f;
        if (ev__parse_form(m->code, &S.recs, &t, &f, &err) < 0) {
            add(&S.d, 0, err.line, err.col, "%s", err.msg);
            continue;
        }
        for (uint32_t i = 0; i < S.recs.nerr; i++)
            add(&S.d, 1, S.recs.err[i].line, S.recs.err[i].col, "%s",
                S.recs.err[i].msg);
        for (uint32_t i = 0; i < S.recs.warn.n; i++)
            add(&S.d, 2, S.recs.warn.v[i].line, S.recs.warn.v[i].col, "%s",
                S.recs.warn.v[i].msg);
        for (uint32_t i = 0; i < f.lint.n; i++)
            add(&S.d, 1, f.lint.v[i].line, f.lint.v[i].col, "%s",
                f.lint.v[i].msg);
        ev__errs_free(&f.lint);
        if (f.kind == EV_FORM_ATTR)
            attribute(&S, &f);
        else if (f.kind == EV_FORM_FUNCTION)
            function(&S, &f);
    }
    ev__tokens_free(&toks);
    if (!S.named)
        add(&S.d, 1, 1, 1, "no module definition");
    if (file && S.named) {
        /* erlc writes m.beam, which loads only as module m: a file name
         * that differs is refused when the module is loaded
         * (code:load_abs/1's "does not match file name") */
        const char *base = strrchr(file, '/');
        base = base ? base + 1 : file;
        size_t n = strlen(base);
        if (n > 4 && !strcmp(base + n - 4, ".erl"))
            n -= 4;
        if (strlen(atom_text(m->name)) != n
            || strncmp(atom_text(m->name), base, n) != 0)
            add(&S.d, 1, 0, 0, "Module name '%s' does not match file name "
                "'%.*s'", atom_text(m->name), (int)n, base);
    }
    if (!file) {             /* inline source: named after its module */
        char buf[300];
        snprintf(buf, sizeof buf, "%s.erl",
                 S.named ? atom_text(m->name) : "nofile");
        free(m->file);
        m->file = xstrdup(buf);
        file = m->file;
    }
    sort_index(m);
    lint_module(&S);
    free(S.ex);
    ev__records_fini(&S.recs);
    bool failed = has_errors(&S.d);
    if (!failed) {
        make_values(m);
        if (ev__comp_module(m->code, &err) < 0) {
            add(&S.d, 1, err.line, err.col, "%s", err.msg);
            failed = true;
        }
    }
    flush(&S.d, file, src, msgs);
    if (failed) {
        ev_module_free(m);
        return NULL;
    }
    return m;
}

ev_module *ev_module_hold(ev_module *m)
{
    if (m)
        m->rc++;
    return m;
}

void ev_module_free(ev_module *m)
{
    if (!m || --m->rc > 0)
        return;
    for (uint32_t i = 0; i < m->nfn; i++)
        term_unref(m->fn[i].value);
    m->code->mod = NULL;
    ev_code_free(m->code);
    free(m->fn);
    free(m->sorted);
    free(m->imp);
    free(m->file);
    free(m);
}

atom_t ev_module_name(const ev_module *m)
{
    return m->name;
}

const char *ev_module_file(const ev_module *m)
{
    return m->file;
}

term *ev_module_export(const ev_module *m, atom_t fun, uint32_t arity)
{
    int i = ev__mod_find(m, fun, arity);
    return i >= 0 && m->fn[i].exported ? m->fn[i].value : NULL;
}

term *ev_module_info(const ev_module *m, const term *what)
{
    if (term_is_atom(what, atom_intern("module")))
        return term_atom(m->name);
    if (term_is_atom(what, atom_intern("exports")))
        return ev_module_exports(m);
    return NULL;
}

term *ev_module_exports(const ev_module *m)
{
    /* the compiler adds module_info/0,1 to every module's exports */
    term *l = term_list(2, (term *[]){
        term_tuplev(2, term_atom_s("module_info"), term_int(0)),
        term_tuplev(2, term_atom_s("module_info"), term_int(1)) }, NULL);
    for (uint32_t i = m->nfn; i-- > 0;)
        if (m->fn[i].exported)
            l = term_cons(term_tuplev(2, term_atom(m->fn[i].name),
                                      term_int(m->fn[i].arity)), l);
    return l;
}
