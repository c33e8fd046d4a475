/* eval: the Erlang subset of the shell (SCENARIO_FORMAT.md, "The Erlang
 * subset"): parsing, compiling to a small resumable program, and running
 * it one evaluation at a time with suspension.
 *
 * The evaluator is pure: everything with an effect (BIF calls, `!`,
 * mailboxes, time) belongs to the host, reached through ev_host. A
 * running evaluation (ev_vm) can stop in the middle of any expression,
 * when a call blocks or at a `receive`, and continue later, so a shell
 * parks in virtual time without threads or coroutines (DESIGN.md). */
#ifndef CS_EVAL_H
#define CS_EVAL_H

#include <stdbool.h>
#include <stdint.h>
#include "core/term.h"

typedef struct ev_code ev_code; /* a compiled expression sequence or pattern */
typedef struct ev_env ev_env;   /* variable bindings (one per shell) */
typedef struct ev_vm ev_vm;     /* one evaluation in progress */

/* A syntax error: message and 1-based column within the source text
 * (line too, for multi-line text). */
typedef struct ev_error {
    int line, col;
    char msg[240];
} ev_error;

/* Compiles `src` (a sequence of expressions, the trailing '.' optional).
 * Returns NULL and fills `err` on a syntax error. Caller frees. */
ev_code *ev_compile(const char *src, ev_error *err);
/* Compiles a pattern (for `expect`). NULL and `err` on error. */
ev_code *ev_compile_pattern(const char *src, ev_error *err);
void ev_code_free(ev_code *c);

/* Matches `value` against pattern `pat`: `_` and variables unbound in
 * `env` match anything (and are NOT bound: expect never binds), bound
 * ones must be equal (=:=). `env` may be NULL. */
bool ev_match_pattern(const ev_code *pat, const term *value, const ev_env *env);

ev_env *ev_env_new(void);
void ev_env_free(ev_env *e);
/* Borrowed value of a bound variable, or NULL. */
term *ev_env_get(const ev_env *e, const char *name);
/* Binds (or rebinds) a variable; takes ownership of v. */
void ev_env_set(ev_env *e, const char *name, term *v);
/* Forgets every binding, as the shell's f(). */
void ev_env_clear(ev_env *e);

typedef enum ev_status {
    EV_DONE,      /* finished: ev_vm_value is the value */
    EV_RAISED,    /* finished with an exception: ev_vm_exception */
    EV_BLOCKED,   /* a host call blocked: the host later calls ev_vm_resume* */
    EV_RECEIVE    /* waiting in receive: the host offers messages / fires the timeout */
} ev_status;

/* An Erlang exception: class (error | exit | throw) and reason, plus
 * where it happened, for the shell's "in function ... called as" lines. */
typedef struct ev_exception {
    atom_t cls;
    term *reason;        /* owned by whoever holds the struct */
    atom_t mod, fun;     /* the function or operator that raised it; fun 0 if unknown */
    uint32_t arity;
    term *args;          /* list of arguments for "called as", or NULL */
    bool is_operator;    /* "in operator  !/2" rather than "in function" */
    /* OTP 24+ extended error info: "*** argument N: detail" (0: none);
     * detail is a static string. */
    int arg_index;
    const char *arg_detail;
} ev_exception;

void ev_exception_fini(ev_exception *x);

/* What the host provides. Every `term *` argument is borrowed; every
 * result the host stores is a new reference that the evaluator owns. */
typedef struct ev_host {
    void *ctx;
    /* Calls mod:fun(args). `mod` is atom "" for an unqualified call
     * (auto-imported BIFs such as self(), and shell commands such as
     * flush()). Returns EV_DONE with *result set, EV_RAISED with *exc
     * filled (its reason owned by the evaluator from then on), or
     * EV_BLOCKED: the evaluation stops and continues when the host calls
     * ev_vm_resume / ev_vm_resume_raise. */
    ev_status (*call)(void *ctx, ev_vm *vm, atom_t mod, atom_t fun,
                      uint32_t argc, term **args, term **result,
                      ev_exception *exc);
    /* Dest ! Msg. EV_DONE (the value of `!` is Msg) or EV_RAISED. */
    ev_status (*send)(void *ctx, term *dest, term *msg, ev_exception *exc);
} ev_host;

/* Starts evaluating `code` with bindings `env` (both borrowed; both must
 * outlive the vm; successful matches bind into env, as the shell does). */
ev_vm *ev_vm_new(const ev_code *code, ev_env *env, const ev_host *host);
void ev_vm_free(ev_vm *vm);

/* Runs until the evaluation finishes, blocks or waits in receive. */
ev_status ev_vm_run(ev_vm *vm);

/* After EV_DONE: the value (borrowed from the vm). */
term *ev_vm_value(const ev_vm *vm);
/* After EV_RAISED: the exception (borrowed from the vm). */
const ev_exception *ev_vm_exception(const ev_vm *vm);

/* After EV_BLOCKED: the blocked call's result (ownership taken), or an
 * exception (ownership of exc->reason and exc->args taken). Then call
 * ev_vm_run again. */
void ev_vm_resume(ev_vm *vm, term *result);
void ev_vm_resume_raise(ev_vm *vm, ev_exception *exc);

/* After EV_RECEIVE: the timeout of the `after` clause in milliseconds,
 * or -1 when there is none (wait forever). */
int64_t ev_vm_receive_timeout(const ev_vm *vm);
/* Tries `msg` against the receive clauses in order. On a match binds the
 * clause's variables, selects its body and returns true: the host then
 * removes the message from the mailbox and calls ev_vm_run. */
bool ev_vm_offer(ev_vm *vm, const term *msg);
/* The `after` timeout fired: selects the after body; then ev_vm_run. */
void ev_vm_timeout(ev_vm *vm);

/* Appends the shell's report of an exception, as erl prints it, e.g.
 *   ** exception error: no match of right hand side value 42
 *   ** exception exit: {badarg,{nosuch,hi}}
 * possibly followed by "     in function  ..." lines; no trailing newline. */
void ev_format_exception(strbuf *b, const ev_exception *x, const term_view *view);

#endif
