/* bif: the BIF table, and the host calls of the evaluator (core/erl/)
 * that go through it.
 *
 * Every subsystem owns its BIFs and registers them, as rows of a table
 * like Lua's luaL_Reg arrays, when a world is made: rt/ its own in
 * world_new, dist/ global/ lib/ theirs when lib_world_new installs them.
 * The dispatcher (bif_call) knows none of them: adding a BIF is one row
 * in the file that owns it. A BIF is a C function of the call's context
 * that returns like a host call: EV_DONE with *c->result set, EV_RAISED
 * with *c->exc filled, or EV_BLOCKED after bif_block. */
#ifndef CS_BIF_H
#define CS_BIF_H

#include <stdbool.h>
#include <stdint.h>
#include "core/rt/rt.h"

struct bif_call_ctx {
    world *w;
    proc *self;
    ev_vm *vm;
    atom_t mod, fun;
    uint32_t argc;
    term **args;
    term **result;
    ev_exception *exc;
};

typedef ev_status (*bif_fn)(bif_call_ctx *c);

/* How a BIF may be called. */
typedef enum bif_scope {
    BIF_QUALIFIED,   /* only as Mod:Fun(...) */
    BIF_AUTO,        /* also as Fun(...): erlang's auto-imported BIFs */
    BIF_SHELL        /* also as Fun(...): a shell command (shell_default),
                        reported without its module */
} bif_scope;

/* One row of a BIF table. A table ends with a row whose fn is NULL. */
typedef struct bif_reg {
    const char *mod, *fun;
    uint32_t arity;
    bif_fn fn;
    bif_scope scope;
} bif_reg;

/* Adds the rows of `rows` to w's BIF table (the strings must outlive the
 * world; they are interned). Registering one Mod:Fun/Arity twice, or
 * two unqualified Fun/Arity, is an assertion failure. */
void bif_register(world *w, const bif_reg *rows);

/* Calls visit once for each BIF of w's table as Mod:Fun/Arity (not its
 * unqualified duplicate), with its scope; the order is not the text
 * order (the caller sorts). */
typedef void (*bif_visit)(void *ctx, atom_t mod, atom_t fun, uint32_t arity,
                          bif_scope scope);
void bif_each(const world *w, bif_visit visit, void *ctx);

/* The evaluator's host call Mod:Fun(Args) for process self (mod is atom
 * "" for an unqualified call): the registered BIF, else error:undef (or
 * the shell's "undefined shell command" for an unqualified call). */
ev_status bif_call(world *w, proc *self, ev_vm *vm, atom_t mod, atom_t fun,
                   uint32_t argc, term **args, term **result,
                   ev_exception *exc);
/* Dest ! Msg from self (erlang:send/2): a pid, a local name or {Name,
 * Node}. EV_DONE, or EV_RAISED with badarg for an unknown bare name or a
 * bad destination. */
ev_status bif_send(world *w, proc *self, term *dest, term *msg,
                   ev_exception *exc);

/* ---- for the BIFs themselves ---- */

/* Raises error:badarg for the call in c, with extended info for
 * argument `argi` (1-based; 0: none). */
ev_status bif_badarg(bif_call_ctx *c, int argi, const char *detail);
/* The elements of the proper list l as a vector of borrowed pointers
 * (caller frees the vector; *n set), and back: the list of el[0..n)
 * (references taken here) ending in tail (taken; NULL: []). */
const term **bif_list_elems(const term *l, size_t *n);
term *bif_list_from(const term **el, size_t n, term *tail);
/* A library function of Erlang's that fails as its .erl source does:
 * erl's {M, F, Arity, [{file, File}, {line, Line}]} frame (a new term),
 * and error:function_clause in Mod:Fun(Args...) at File:Line (`file`
 * static; args taken), with `caller` (taken; may be NULL) as the frame
 * below it (lists.erl's, string.erl's). */
term *bif_frame(const char *mod, const char *fun, int arity, const char *file,
                int line);
ev_status bif_function_clause_at(bif_call_ctx *c, const char *mod,
                                 const char *fun, const char *file, int line,
                                 term *caller, uint32_t n, term **args);
/* Blocks the calling shell on wt, or raises error:notsup when the
 * caller cannot block (rpc's server running a BIF). */
ev_status bif_block(bif_call_ctx *c, shell_wait wt);
/* Raises Class:Reason for the call in c (reason ownership taken). */
ev_status bif_raise(bif_call_ctx *c, const char *cls, term *reason);
/* The call's arguments as a proper list (a new reference). */
term *bif_args(const bif_call_ctx *c);
/* Returns v (ownership taken) as the call's value. */
ev_status bif_return(bif_call_ctx *c, term *v);
/* Fills exc with Class:Reason and no frame (reason ownership taken). */
void bif_exception(ev_exception *exc, const char *cls, term *reason);

/* Why io_lib:format refused: erl 25's "*** argument N: detail". */
typedef struct bif_fmt_error {
    int arg;
    char detail[64];
} bif_fmt_error;

/* io_lib:format(Fmt, Args) into b, as seen from `node`; -1 on badarg,
 * with the reason in *err (may be NULL) (bif_io.c). */
int bif_format(world *w, int node, strbuf *b, const term *fmt,
               const term *args, bif_fmt_error *err);
/* io_lib:format(Fmt, Args) as OTP builds it, a deep list of characters
 * (a new reference), the text starting at column col0 (0-based, for
 * ~p); NULL on badarg, with the reason in *err (may be NULL)
 * (bif_format.c). */
term *bif_format_list(world *w, int node, const term *fmt, const term *args,
                      int col0, bif_fmt_error *err);

/* rt/'s own rows: erlang's process BIFs, the shell commands, lists and
 * timer (bif_erlang.c); lists (bif_lists.c, bif_lists_more.c); string
 * (bif_string.c); proplists (bif_proplists.c); io and io_lib (bif_io.c
 * over bif_format.c). */
extern const bif_reg rt__erlang_bifs[];
extern const bif_reg rt__lists_bifs[];   /* bif_lists.c: lists */
extern const bif_reg rt__lists_more_bifs[]; /* bif_lists_more.c: lists */
extern const bif_reg rt__string_bifs[];  /* bif_string.c: string */
extern const bif_reg rt__proplists_bifs[]; /* bif_proplists.c: proplists */
extern const bif_reg rt__code_bifs[];     /* bif_code.c */
extern const bif_reg rt__io_bifs[];
extern const bif_reg rt__maps_bifs[];    /* bif_maps.c: maps */
extern const bif_reg rt__conv_bifs[];    /* bif_conv.c: erlang's conversions */
/* bif_time.c: erlang's time, timer and hash BIFs, timer and rand */
extern const bif_reg rt__time_bifs[];
/* Frees the timers still pending when the world ends (bif_time.c). */
void rt__timers_free(world *w);
/* erlang:phash2/1's 32-bit hash before the range (erts' make_hash2). */
uint32_t rt__hash2(const term *t);

#endif
