/* eval: the Erlang of the shell (scenarios/README.md, "The Erlang of
 * `eval`", still a subset of Erlang): parsing, compiling to a small
 * resumable program, and running it one evaluation at a time with
 * suspension.
 *
 * The evaluator is pure: everything with an effect (BIF calls, `!`,
 * mailboxes, time) belongs to the host, reached through ev_host. A
 * running evaluation (ev_vm) can stop in the middle of any expression,
 * when a call blocks or at a `receive`, and continue later, so a shell
 * parks in virtual time without threads or coroutines.
 * core/erl/ uses core/term/ and nothing else (core/README.md).
 *
 * Semantics, as erl 25's shell unless said otherwise (the files are
 * core/erl/eval_*.c; tests/test_eval*.c hold erl's texts):
 * - Bindings: an evaluation binds into its own copy of `env` and writes
 *   it back only when it ends with EV_DONE, so `X = 1, 1 = 2.` leaves X
 *   unbound, as in erl. Inside, erl_eval's rules: what `catch` bound is
 *   dropped when it catches; what the right side of andalso/orelse binds
 *   is dropped.
 * - Unbound variables: checked as shell:exprs/7 does, per top-level
 *   expression just before evaluating it (erl_lint's rules: unbound,
 *   unsafe in case/if/receive/catch/andalso/orelse, siblings in a tuple or
 *   call do not see each other's bindings). A failure ends the evaluation
 *   with EV_RAISED and ev_vm_command_error() true: erl prints it as
 *   `* 1:13: variable 'A' is unbound`, not as an exception.
 * - `catch`: throw:V gives V, exit:R {'EXIT',R}, error:R
 *   {'EXIT',{R,Stack}} with Stack = [{M,F,ArgsOrArity,[]}] for the frame
 *   the exception names, else [] (erl adds erl_eval/shell frames and
 *   error_info; patterns like {'EXIT',{badarith,_}} match both).
 * - Integers are int64: where erl would make a bignum (9223372036854775807
 *   + 1, 1 bsl 64, trunc(1.0e30)), error:system_limit is raised instead;
 *   a literal beyond int64 is a syntax error. `/` always gives a float;
 *   div/rem/band/... take integers only (badarith otherwise and on /0).
 * - The VM runs these itself and never asks the host: f() and f(X) (the
 *   shell commands, on the VM's copy of the bindings), apply/2,3,
 *   error/1,2, exit/1, throw/1, and the guard BIFs (is_atom ... is_tuple,
 *   abs, element, hd, tl, length, size, tuple_size, byte_size, map_size,
 *   map_get, is_map_key, float, round, trunc, ceil, floor), with erl's
 *   "*** argument N:" details. Guards may also call self() and node():
 *   the host must answer those with EV_DONE.
 * - Funs: `fun M:F/A`, and funs with bodies, as erl_eval's: clauses with
 *   pattern heads (fresh variables) and guards, closures over every
 *   binding of the moment the fun is made, named funs (`fun L(N) -> ...
 *   L(N-1) end`), printed #Fun<erl_eval.N.3316493>. A fun value is a term
 *   (term_closure) that keeps its code alive, so it outlives its
 *   evaluation and runs in any process on any node. A call in tail
 *   position replaces its caller's activation (constant space); body
 *   calls nest up to EV_MAX_DEPTH. lists:map/2, foldl/3, foldr/3,
 *   filter/2, foreach/2, any/2, all/2 run on the VM (eval_lib.c).
 * - List comprehensions as erl_eval's eval_lc: generator patterns with
 *   fresh variables skip what does not match; a filter that is a guard
 *   test is run as a guard, any other must be boolean (error
 *   {bad_filter,V}); a non-list source is error {bad_generator,V};
 *   nothing bound inside is visible after. Binary comprehensions join
 *   their templates (bitstrings; else "construction of binary failed").
 *   Binary generators `<<X:8>> <= Bin` as erl_eval's eval_b_generate:
 *   segments that fit but do not match are skipped, the rest that does
 *   not fit ends it (a pattern taking no bits ends it too, where erl
 *   loops forever).
 * - Bit syntax (eval_bits.c), as erl_eval's eval_bits: segments
 *   Value:Size/Type-Sign-Endian-unit:N of integer (default, 8 bits),
 *   float (16/32/64), binary/bytes/bits/bitstring (whole, or Size*Unit
 *   bits), utf8/16/32; native is little (erl on this x86 machine);
 *   string literals one segment per character. Bitstrings are terms
 *   (<<5:3>>, bit_size/1). erl_lint's checks of the specifiers, with
 *   its texts. A segment that cannot be built raises what erl does
 *   ("construction of binary failed", "*** segment 1 of type
 *   'integer': ..."; in the shell with eval_bits' frames); a segment of
 *   more than 2^27 bits raises system_limit (erl would allocate it).
 *   Patterns: sizes are guard expressions over what is bound before the
 *   pattern and what its earlier segments bind; a match never raises.
 *   An integer segment whose value needs more than 64 bits does not
 *   match (no bignums). Matching copies what a binary segment takes.
 * - try ... of ... catch Class:Reason:Stack ... after ... end as
 *   erl_eval's: catch clauses see the bindings of before the try; no
 *   matching catch clause raises the same exception again (struct and
 *   all); after runs on every path, its value dropped; try_clause when
 *   no of clause matches. erlang:raise/3 keeps class and reason only.
 * - Reductions: one per call and one per generator element;
 *   ev_vm_set_slice makes ev_vm_run yield.
 * - Modules (ev_module_compile, below): functions run as funs do, with
 *   the module's local calls, imports, `fun f/1`, and stack traces of
 *   module frames with file and line (erlang:get_stacktrace's form).
 * - Records are a module's (-record): the shell has none, and says
 *   `record r undefined` for one, as erl's shell without rd/2.
 * - Macros are a module's (eval_pp.c, epp's work on its tokens). */
#ifndef CS_EVAL_H
#define CS_EVAL_H

#include <stdbool.h>
#include <stdint.h>
#include "core/term/term.h"

typedef struct ev_code ev_code; /* a compiled expression sequence or pattern */
typedef struct ev_env ev_env;   /* variable bindings (one per shell) */
typedef struct ev_vm ev_vm;     /* one evaluation in progress */
typedef struct ev_module ev_module; /* a compiled module (.erl) */

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
/* One more hold on c (each ev_code_free drops one): a compiled text run
 * by many evaluations. Returns c. */
ev_code *ev_code_hold(ev_code *c);

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
/* The bindings in order of variable name (as the shell's b() lists
 * them): how many, and the i-th one's name (valid for the program's
 * life) and borrowed value, for i < ev_env_size(e). */
uint32_t ev_env_size(const ev_env *e);
const char *ev_env_name(const ev_env *e, uint32_t i);
term *ev_env_value(const ev_env *e, uint32_t i);

typedef enum ev_status {
    EV_DONE,      /* finished: ev_vm_value is the value */
    EV_RAISED,    /* finished with an exception: ev_vm_exception */
    EV_BLOCKED,   /* a host call blocked: the host later calls ev_vm_resume* */
    EV_RECEIVE,   /* waiting in receive: the host offers messages / fires the timeout */
    EV_YIELD      /* used its slice of reductions (ev_vm_set_slice): call
                   * ev_vm_run again to go on */
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
     * EV_ARG_SEGMENT: a failed binary construction, whose reason
     * (badarg, system_limit) erl reports as "construction of binary
     * failed", with "*** detail" when there is one. The text is kept in
     * the struct (set it with ev_exception_detail), so copies of the
     * struct carry it. */
    int arg_index;
    char arg_detail[200];
    /* Where the frame is when it is a module's function: its file as
     * the module was compiled from (static, the module's) and line; 0
     * for none. */
    const char *file;
    int line;
    char *file_owned;    /* file, when the struct owns it (freed by fini) */
    /* The frames below it, innermost first, as erlang:get_stacktrace
     * lists them ([{M, F, Arity, [{file, F}, {line, L}]}]), or NULL.
     * Owned, as reason. */
    term *callers;
    bool traced;         /* the VM has filled file, line and callers */
} ev_exception;

void ev_exception_fini(ev_exception *x);
/* A copy of x holding its own references. */
ev_exception ev_exception_copy(const ev_exception *x);
#define EV_ARG_SEGMENT (-1)
/* Sets x's "*** argument N: detail" (detail copied, cut at 199 bytes). */
void ev_exception_detail(ev_exception *x, int argi, const char *detail);
/* Fills x (zeroed first) as Class:Reason raised with the stack trace
 * `stack`, as erl_error:format_exception reads one: its first frame is
 * the function ("in function", "called as" when it holds the arguments,
 * its file and line), the others its callers. Returns false, leaving x
 * with the class and reason alone, when `stack` is not a stack trace
 * (a proper list of {M, F, ArityOrArgs, Location}, erl_error's
 * is_stacktrace/1). Terms borrowed. */
bool ev_exception_from_stack(ev_exception *x, atom_t cls, const term *reason,
                             const term *stack);
/* The stack trace of x as `catch` and a crashing process report it: a
 * new [{M, F, ArgsOrArity, Location}] for the frame x names (Location
 * [] or [{file, F}, {line, L}]), then its callers; or []. */
term *ev_exception_stack(const ev_exception *x);

/* What the host provides. Every `term *` argument is borrowed; every
 * result the host stores is a new reference that the evaluator owns. */
typedef struct ev_host {
    void *ctx;
    /* Calls mod:fun(args). `mod` is atom "" for an unqualified call
     * (auto-imported BIFs such as self(), and shell commands such as
     * flush()). Returns EV_DONE with *result set, EV_RAISED with *exc
     * filled (its reason owned by the evaluator from then on), or
     * EV_BLOCKED: the evaluation stops and continues when the host calls
     * ev_vm_resume / ev_vm_resume_raise. `args` are borrowed for the
     * duration of the call only; *exc arrives zeroed; fill the frame
     * (mod, fun, args or arity, arg_index/arg_detail) where erl prints
     * "in function", leave fun 0 where it prints none (exit/1). */
    ev_status (*call)(void *ctx, ev_vm *vm, atom_t mod, atom_t fun,
                      uint32_t argc, term **args, term **result,
                      ev_exception *exc);
    /* Dest ! Msg. EV_DONE (the value of `!` is Msg) or EV_RAISED. */
    ev_status (*send)(void *ctx, term *dest, term *msg, ev_exception *exc);
    /* The module `name` as loaded on the node the evaluation runs on,
     * or NULL (then `call` is asked, for the built-in modules). May be
     * NULL: no modules. */
    const ev_module *(*module)(void *ctx, atom_t name);
} ev_host;

/* ---- modules ----
 * A module is compiled once from its text, as erlc compiles a .erl
 * file, and then loaded on nodes by the host (ev_host.module). Its
 * functions run on the VM like funs: a call in tail position replaces
 * its caller, and every exception carries the module's file and line.
 * Forms: -module, -export, -import, -compile(export_all), -behaviour,
 * -record, function definitions; other attributes are accepted and
 * ignored. Records are tuples, as erl_expand_records makes them: #r{},
 * E#r{f = V}, E#r.f ({badrecord, E} when E is no r), #r.f,
 * record_info(fields | size, r), is_record(E, r), in patterns and
 * guards too; the field types are skipped (not checked).
 *
 * ev_module_compile appends erlc's messages to `msgs`: each as
 * "FILE:L:C: [Warning: ]text", then erlc's excerpt of the source line
 * with a caret, then a blank line; errors first, then warnings, as
 * compile:file/2 with report_errors and report_warnings prints them.
 * They are erl_scan's and erl_parse's, erl_lint's (every unbound or
 * unsafe variable, illegal guards and patterns, undefined and unused
 * functions; unused, shadowed and exported variables), and, after a
 * lint without errors, the optimisation passes' (values computed and
 * dropped, BIF calls and operators that fail on constants, clauses that
 * cannot match; core/erl/eval_warn.c says what it does not see).
 * Returns NULL when there was an error. `file` is the name to report
 * and to record in stack traces (copied); NULL for a text of no file,
 * then named after its module, "m.erl". */
ev_module *ev_module_compile(const char *src, const char *file, strbuf *msgs);
/* Holds and drops: a module lives while any node has it loaded. */
ev_module *ev_module_hold(ev_module *m);
void ev_module_free(ev_module *m);
atom_t ev_module_name(const ev_module *m);
const char *ev_module_file(const ev_module *m);
/* Exported function fun/arity as a fun term (borrowed), or NULL. */
term *ev_module_export(const ev_module *m, atom_t fun, uint32_t arity);
/* Its exports, [{F, A}] in the order of definition then module_info/0
 * and /1 (a new list), as M:module_info(exports) lists them. */
term *ev_module_exports(const ev_module *m);
/* M:module_info(What) for What module or exports (a new term), else
 * NULL (the call is then undef). */
term *ev_module_info(const ev_module *m, const term *what);

/* Starts evaluating `code` with bindings `env` (both borrowed; both must
 * outlive the vm; successful matches bind into env, as the shell does). */
ev_vm *ev_vm_new(const ev_code *code, ev_env *env, const ev_host *host);
void ev_vm_free(ev_vm *vm);

/* Runs until the evaluation finishes, blocks or waits in receive. */
ev_status ev_vm_run(ev_vm *vm);

/* Reductions: one per call of a function or a fun (BIFs included), so
 * every loop, which is a recursion, counts. From now on each ev_vm_run
 * returns EV_YIELD once it has used `n` more reductions (0: never, the
 * default), with nothing lost: the next ev_vm_run goes on. */
void ev_vm_set_slice(ev_vm *vm, uint64_t n);
/* The bindings of the code running now (borrowed, valid until the vm
 * runs again): what the shell's b() lists, as shell:local_func/7 gets the
 * bindings of the moment. */
const ev_env *ev_vm_bindings(const ev_vm *vm);
/* The reductions this evaluation has used so far. */
uint64_t ev_vm_reductions(const ev_vm *vm);
/* Where the evaluation is, for a message: "lists:map/2" for a library
 * function, "a fun (L:C)" in a shell fun (where it was written), "the top
 * level" otherwise. Static or into buf. */
const char *ev_vm_where(const ev_vm *vm, char *buf, size_t size);

/* The frames of the module functions the evaluation is in, innermost
 * first and at most 8, as process_info(P, current_stacktrace) gives them
 * ([{M, F, Arity, [{file, F}, {line, L}]}]), up to the first caller that
 * is not a module's function (the shell's code, whose erl_eval and shell
 * frames erl would list too). A new list; [] outside module code. */
term *ev_vm_stacktrace(const ev_vm *vm);

/* How deep non-tail calls of funs may nest in one evaluation: one more
 * raises error:system_limit in the caller (where erl would eventually
 * run out of memory). A tail call adds nothing to the depth. */
#define EV_MAX_DEPTH 100000u

/* How deeply expressions may nest in a text (brackets, operands, clause
 * bodies), and how many qualifiers a list comprehension may have: more
 * is a compile error at the token that goes beyond, so parsing,
 * compiling and matching never recurse deeper than this. */
#define EV_MAX_NEST 1000u

/* The longest atom, in characters (OTP's MAX_ATOM_CHARACTERS): a longer
 * literal is erl_scan's "illegal atom", list_to_atom/1 and the like
 * raise system_limit. */
#define EV_MAX_ATOM_CHARS 255u

/* The deepest the calls of funs have nested so far (callers waiting at
 * once): 0 for code that calls no fun, 1 for a loop of tail calls. */
uint32_t ev_vm_max_depth(const ev_vm *vm);

/* After EV_DONE: the value (borrowed from the vm). */
term *ev_vm_value(const ev_vm *vm);
/* After EV_RAISED: the exception (borrowed from the vm). */
const ev_exception *ev_vm_exception(const ev_vm *vm);
/* After EV_RAISED: true when the evaluation stopped before one of its
 * top-level expressions because that expression's variables failed the
 * shell's check (erl_lint's rules, which shell:exprs/7 applies to each
 * expression just before evaluating it, with the bindings of that
 * moment). erl reports this as a command error, not an exception, and
 * its evaluator survives: `* 1:13: variable 'A' is unbound` (with
 * "* <line>:<col>: <msg>" from `err`, which may be NULL). The exception
 * is then error:{unbound,'A'} (or {unsafe_var,'A',{'case',{L,C}}}), which
 * ev_format_exception prints as erl_eval's run-time error. */
bool ev_vm_command_error(const ev_vm *vm, ev_error *err);

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

/* The functions the VM runs itself, never asking the host: erlang's
 * guard and pure BIFs, error/exit/throw, apply/2,3, and eval_lib.c's
 * lists functions. visit is called once for each; `auto_imported` when
 * it may be called without its module. */
typedef void (*ev_fn_visit)(void *ctx, const char *mod, const char *fun,
                            uint32_t arity, bool auto_imported);
void ev_vm_functions(ev_fn_visit visit, void *ctx);

/* Appends the shell's report of an exception, as erl prints it, e.g.
 *   ** exception error: no match of right hand side value 42
 *   ** exception exit: {badarg,{nosuch,hi}}
 * possibly followed by "     in function  ..." lines; no trailing newline. */
void ev_format_exception(strbuf *b, const ev_exception *x, const term_view *view);

#endif
