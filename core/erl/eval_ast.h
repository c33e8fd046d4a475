/* eval_ast: internals shared by the evaluator's files (eval_lex.c,
 * eval_parse.c, eval_match.c, eval_bits.c, eval_ops.c, eval_comp.c,
 * eval_lint.c, eval_warn.c, eval_mod.c, eval_env.c, eval_vm.c,
 * eval_fmt.c, eval_lib.c). Nothing here is part of the eval.h interface.
 *
 * Pipeline: text -> tokens (ev__lex) -> syntax tree (ev__parse, nodes in
 * an arena owned by the ev_code) -> patterns checked and folded
 * (ev__pattern) -> bytecode (eval_comp.c) run by the VM (eval_vm.c).
 * Patterns and guards are never compiled to bytecode: they cannot block,
 * so they are matched / evaluated directly on the tree. */
#ifndef CS_EVAL_AST_H
#define CS_EVAL_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/erl/eval.h"

/* ---- arena: every node of one ev_code, freed at once ---- */
typedef struct ev_ablk ev_ablk;
typedef struct ev_arena {
    ev_ablk *head;
} ev_arena;
void *ev__arena_alloc(ev_arena *a, size_t n);   /* zeroed; aborts on OOM */
void ev__arena_free(ev_arena *a);

/* ---- tokens ---- */

/* Keywords and punctuation, with the text erl_scan gives them. */
#define EV_SYMS(X)                                                        \
    X(S_LPAREN, "(") X(S_RPAREN, ")") X(S_COMMA, ",") X(S_ARROW, "->")    \
    X(S_LBRACE, "{") X(S_RBRACE, "}") X(S_LBRACK, "[") X(S_RBRACK, "]")   \
    X(S_BAR, "|") X(S_BARBAR, "||") X(S_SEMI, ";") X(S_COLON, ":")        \
    X(S_COLCOL, "::") X(S_HASH, "#") X(S_PERIOD, ".") X(S_DOTDOT, "..")   \
    X(S_DOTS, "...") X(S_PLUS, "+") X(S_MINUS, "-") X(S_STAR, "*")        \
    X(S_SLASH, "/") X(S_EQ, "=") X(S_EQEQ, "==") X(S_NE, "/=")            \
    X(S_EXEQ, "=:=") X(S_EXNE, "=/=") X(S_LT, "<") X(S_GT, ">")           \
    X(S_LE, "=<") X(S_GE, ">=") X(S_PLUSPLUS, "++")                       \
    X(S_MINUSMINUS, "--") X(S_BANG, "!") X(S_QUEST, "?")                  \
    X(S_LTLT, "<<") X(S_GTGT, ">>") X(S_LARROW, "<-") X(S_LEQ, "<=")      \
    X(S_DARROW, "=>") X(S_ASSIGN, ":=")                                   \
    X(K_AFTER, "after") X(K_AND, "and") X(K_ANDALSO, "andalso")           \
    X(K_BAND, "band") X(K_BEGIN, "begin") X(K_BNOT, "bnot")               \
    X(K_BOR, "bor") X(K_BSL, "bsl") X(K_BSR, "bsr") X(K_BXOR, "bxor")     \
    X(K_CASE, "case") X(K_CATCH, "catch") X(K_COND, "cond")               \
    X(K_DIV, "div") X(K_END, "end") X(K_FUN, "fun") X(K_IF, "if")         \
    X(K_LET, "let") X(K_NOT, "not") X(K_OF, "of") X(K_OR, "or")           \
    X(K_ORELSE, "orelse") X(K_RECEIVE, "receive") X(K_REM, "rem")         \
    X(K_TRY, "try") X(K_WHEN, "when") X(K_XOR, "xor")

typedef enum ev_sym {
#define EV_SYM_ENUM(id, text) id,
    EV_SYMS(EV_SYM_ENUM)
#undef EV_SYM_ENUM
    S__COUNT
} ev_sym;
const char *ev__sym_text(ev_sym s);

typedef enum ev_tokkind {
    TK_INT, TK_FLOAT, TK_CHAR, TK_STRING, TK_ATOM, TK_VAR, TK_SYM,
    TK_DOT, /* '.' ending the text; synthesized at the end when missing */
    TK_EOF
} ev_tokkind;

typedef struct ev_token {
    ev_tokkind kind;
    int line, col;
    ev_sym sym;          /* TK_SYM */
    int64_t i;           /* TK_INT, TK_CHAR */
    double f;            /* TK_FLOAT */
    atom_t a;            /* TK_ATOM, TK_VAR (the variable's name) */
    uint32_t *s;         /* TK_STRING: character codes (owned) */
    size_t slen;
} ev_token;

typedef struct ev_tokens {
    ev_token *t;
    size_t n;
} ev_tokens;

/* Scans `src`. The result always ends with TK_DOT then TK_EOF. Returns
 * 0, or -1 with `err` filled (erl_scan's messages). */
int ev__lex(const char *src, ev_tokens *out, ev_error *err);
/* Scans a module's text: any number of forms, each ending with its
 * TK_DOT, then TK_EOF (no TK_DOT is synthesized: a last form without
 * one is the parser's error). */
int ev__lex_forms(const char *src, ev_tokens *out, ev_error *err);
void ev__tokens_free(ev_tokens *t);
/* Appends a token as erl_parse names it in "syntax error before: X". */
void ev__token_text(strbuf *b, const ev_token *t);

/* ---- the preprocessor (eval_pp.c) ---- */

/* epp's work on a module's tokens (from ev__lex_forms), in place: the
 * preprocessor forms (-define, -undef, -ifdef, -ifndef, -else, -endif,
 * -error, -warning) and the forms of branches not taken removed, each
 * with its TK_DOT; every macro use expanded; still ending with TK_EOF.
 * `file` is the path as the user wrote it (?FILE). Returns 0, or -1
 * with `err` filled (epp's message and position) at the first error,
 * `toks` then left empty. -include and -include_lib are errors: there
 * is no include path. */
int ev__pp(ev_tokens *toks, const char *file, ev_error *err);

/* ---- syntax tree ---- */

typedef enum ev_op {
    OP_NONE,
    /* binary */
    OP_ADD, OP_SUB, OP_MUL, OP_FDIV, OP_DIV, OP_REM,
    OP_BAND, OP_BOR, OP_BXOR, OP_BSL, OP_BSR,
    OP_AND, OP_OR, OP_XOR,
    OP_EQ, OP_NE, OP_EXEQ, OP_EXNE, OP_LT, OP_GT, OP_LE, OP_GE,
    OP_APPEND, OP_SUBTRACT,
    /* unary */
    OP_NEG, OP_PLUS, OP_NOT, OP_BNOT
} ev_op;
/* The operator's Erlang name ('+', 'div', '=:=', ...). */
const char *ev__op_name(ev_op op);

typedef enum ev_kind {
    N_LIT,      /* lit: any constant term (numbers, atoms, strings, binaries,
                 * funs); flag EV_LIT_LIST: a list written with brackets
                 * whose elements are constants (in a binary it is no
                 * string) */
    N_VAR,      /* name */
    N_WILD,     /* _ */
    N_TUPLE,    /* kid[0..n) */
    N_CONS,     /* kid[0] head, kid[1] tail */
    N_MAP,      /* #{K => V, ...}: kids are N_FIELD */
    N_MAPUPD,   /* M#{...}: kid[0] the map, then N_FIELD kids */
    N_FIELD,    /* kid[0] key, kid[1] value; flag 1 for ':=', else '=>';
                 * the position is the operator's, as erl_parse's */
    N_BIN,      /* <<...>>: kid[i] an N_BINSEG */
    N_BINSEG,   /* a segment Value:Size/Specifiers at its value's position:
                 * kid[0] the value, kid[1] the size (n 2) or none (n 1:
                 * a binary's "all", or a utf segment); flag EV_BS_* */
    N_MATCH,    /* kid[0] pattern = kid[1] expression (in a pattern: alias) */
    N_SEND,     /* kid[0] ! kid[1] */
    N_CALL,     /* kid[0] module or NULL, kid[1] function, kid[2..] args */
    N_OP2,      /* op: kid[0] op kid[1] (not andalso/orelse) */
    N_OP1,      /* op: op kid[0] */
    N_ANDALSO,  /* kid[0] andalso kid[1] */
    N_ORELSE,
    N_CATCH,    /* catch kid[0] */
    N_CASE,     /* case kid[0] of kid[1..] (N_CLAUSE) end */
    N_IF,       /* if kid[0..] (N_CLAUSE without pattern) end */
    N_RECEIVE,  /* kid[0..nclauses) clauses; with `flag` 1: after kid[n-2] -> kid[n-1] */
    N_CLAUSE,   /* kid[0] pattern (NULL in if), kid[1] N_GUARD or NULL, kid[2] N_SEQ */
    N_GUARD,    /* G1; G2; ...: kid[i] an N_SEQ whose elements are and-ed */
    N_FUN,      /* fun with a body: kid[0..] N_CLAUSE whose kid[0] is an
                 * N_TUPLE of the argument patterns; name: the named
                 * fun's variable, or 0; flag: the arity */
    N_LC,       /* [kid[0] || kid[1..]]: the qualifiers are N_GEN and N_FILTER;
                 * flag 1: << kid[0] || ... >>, a binary comprehension */
    N_GEN,      /* kid[0] pattern <- kid[1] list; flag 1: a binary
                 * generator, kid[0] (an N_BIN) <= kid[1] bitstring */
    N_FILTER,   /* kid[0] an expression, or (flag 1) an N_GUARD: a guard test */
    N_TRY,      /* kid[0] body, then the of clauses, the catch clauses
                 * (N_CLAUSE with an N_TUPLE {Class, Reason, Stack}
                 * pattern) and the after body: counts in flag (EV_TRY_*) */
    N_SEQ       /* E1, E2, ...: the value is the last; flag EV_SEQ_INIT:
                 * a record field's default put in by a record
                 * expression (kid[0]), which a pattern reads as `_` */
} ev_kind;

#define EV_LIT_LIST 1u
#define EV_SEQ_INIT 1u
/* N_TUPLE's flag, set by ev__pattern: the tuple is (part of) a pattern. */
#define EV_TUPLE_PATTERN 1u
/* N_BIN's flag, set by ev__pattern: the binary is a pattern (its sizes
 * are guard expressions, whose calls are no calls: eval_mod.c). */
#define EV_BIN_PATTERN 1u

/* N_BINSEG's flag: the segment's type specifiers once erl_bits'
 * set_bit_type/2 has applied the defaults (integer, unsigned, big; unit
 * 8 for binaries, else 1; size 8 for integers and 64 for floats, which
 * the parser writes as a literal kid[1]). `native` is little: this x86
 * machine's erl gives <<1:16/native>> = <<1,0>>. */
typedef enum ev_bstype {
    EV_BS_INTEGER, EV_BS_FLOAT, EV_BS_BINARY, EV_BS_UTF8, EV_BS_UTF16,
    EV_BS_UTF32
} ev_bstype;
#define EV_BS_TYPE(f) ((ev_bstype)((f) & 7u))
#define EV_BS_UNIT(f) ((unsigned)((f) >> 8 & 0x1ffu))  /* 1..256 */
#define EV_BS_SIGNED (1u << 20)
#define EV_BS_LITTLE (1u << 21)
#define EV_BS_NATIVE (1u << 25)  /* written native (LITTLE set too) */
#define EV_BS_TYPED (1u << 22)   /* a specifier list was written */
#define EV_BS_SIZED (1u << 23)   /* a size was written */
#define EV_BS_STRING (1u << 24)  /* the value is a string literal: each
                                  * character one segment of the type */
#define EV_BS_FLAG(type, unit) ((uint64_t)(type) | (uint64_t)(unit) << 8)

/* N_TRY's flag: how many of clauses, catch clauses, and whether there
 * is an after body. */
#define EV_TRY_FLAG(nof, ncatch, after) \
    ((uint64_t)(nof) | (uint64_t)(ncatch) << 24 | (uint64_t)(after) << 48)
#define EV_TRY_NOF(f) ((uint32_t)((f) & 0xffffff))
#define EV_TRY_NCATCH(f) ((uint32_t)((f) >> 24 & 0xffffff))
#define EV_TRY_AFTER(f) ((uint32_t)((f) >> 48 & 1))

typedef struct ev_node ev_node;
struct ev_node {
    uint8_t kind;        /* ev_kind */
    uint8_t op;          /* ev_op for N_OP1 / N_OP2 */
    int line, col;       /* where erl_lint would point */
    atom_t name;         /* N_VAR; N_FUN: a named fun's variable */
    atom_t fname;        /* N_FUN in a module: its function name,
                          * '-f/1-fun-0-' (eval_mod.c), else 0 */
    term *lit;           /* N_LIT: borrowed from the code's pool */
    uint32_t n;          /* number of kids */
    uint64_t flag;       /* see the kinds */
    ev_node **kid;
};

/* The VM's instructions (compiled in eval_comp.c, run in eval_vm.c). */
typedef enum ev_opcode {
    I_CONST,       /* push n->lit */
    I_VAR,         /* push the value of variable n (error {unbound,V} if none) */
    I_POP,
    I_TUPLE,       /* pop a elements, push the tuple */
    I_CONS,        /* pop tail, head; push [head|tail] */
    I_MAP,         /* pop a key/value pairs, push the map (n: N_MAP) */
    I_MAPUPD,      /* pop the map and a pairs (n: N_MAPUPD, := checks) */
    I_BINSEG,      /* n an N_BINSEG, segment a (1-based) of its binary:
                    * pop its size (when it has one) and its value, push
                    * its bits */
    I_BIN,         /* pop a segments' bits (I_BINSEG), push them joined */
    I_MATCH,       /* pop V, match pattern n binding, push V */
    I_SEND,        /* pop Msg, Dest; host send; push Msg */
    I_CALL,        /* pop a args; call n's static M:F */
    I_LCALL,       /* pop b args; call the module's function a */
    I_CALLDYN,     /* pop a args, the function and (b) the module */
    I_OP2,         /* pop B, A; push A op B (a: ev_op) */
    I_OP1,
    I_JMP,         /* pc = a */
    I_ANDALSO,     /* top false: jump a (keep); true: pop; else badarg */
    I_ORELSE,
    I_SCOPE_PUSH,  /* save the bindings */
    I_SCOPE_POP,   /* restore the saved bindings */
    I_CASE,        /* pop V; first matching clause's body label */
    I_IF,
    I_RECV,        /* (pop the after timeout) wait for a message */
    I_CATCH,       /* push a handler continuing at a */
    I_CATCH_END,   /* pop the handler */
    I_LINT,        /* check the variables of top-level expression n */
    I_FORGET,      /* f(X): unbind variable n */
    I_FORGET_ALL,  /* f() */
    I_FUN,         /* push the closure of fun n (N_FUN), its clause bodies
                    * at labels[a .. a+b) */
    I_RETURN,      /* end of a fun body: pop the value, back to the caller */
    I_GEN,         /* top: a generator's list; restore the bindings saved
                    * before it; [] pops it and its save, jumps a; [H|T]
                    * leaves T, binds pattern n to H (fresh variables) or
                    * tries the next; else error {bad_generator, L}. A
                    * binary generator (n's flag 1) has the bitstring and
                    * the position reached (an integer, bits) on top */
    I_FILTER,      /* pop V: true goes on, false jumps a, else bad_filter */
    I_GFILTER,     /* guard n fails: jump a */
    I_LC_PUT,      /* pop V onto the accumulator a slots below the top
                    * (b: a binary comprehension's, V must be a binary) */
    I_LC_END,      /* reverse the accumulator on top (a: join its binaries) */
    I_TRY,         /* push a handler continuing at a with {C, R, S} */
    I_TRY_CATCH,   /* pop {C,R,S}: first matching catch clause of N_TRY n
                    * (labels a, b of them), else raise the caught again */
    I_RERAISE,     /* raise the caught exception again (after an after) */
    I_RET          /* pop the value; done */
} ev_opcode;

/* A compiled program: the tree and, for expressions, its bytecode. */
typedef struct ev_ins {
    uint8_t op;          /* ev_opcode, eval_comp.c */
    uint32_t a, b;
    const ev_node *n;
} ev_ins;

struct ev_code {
    const ev_module *mod;  /* a module's code: its functions (not held:
                            * the module owns the code) */
    uint32_t rc;         /* holds: the compiler's caller, and every fun made
                          * from this code (ev__code_hold) */
    ev_arena arena;
    term **pool;         /* every term the tree refers to (owned) */
    size_t npool, cappool;
    ev_node *root;       /* N_SEQ, or the pattern for ev_compile_pattern */
    bool is_pattern;
    ev_ins *ins;
    uint32_t nins, capins;
    uint32_t *labels;    /* jump tables of case / receive / if */
    uint32_t nlabels, caplabels;
};

/* ---- modules (eval_mod.c) ---- */

/* A function of a module: its clauses and its value, a fun term whose
 * closure runs the clauses in the module's code. The value does not hold
 * the code (the module does), so a module lives as long as any code
 * that may call into it: the host keeps loaded modules until its world
 * ends. */
typedef struct ev_func {
    atom_t name;
    uint32_t arity;
    const ev_node *fun;      /* N_FUN */
    bool exported;
    term *value;
} ev_func;

typedef struct ev_import {
    atom_t mod, name;
    uint32_t arity;
} ev_import;

struct ev_module {
    uint32_t rc;
    atom_t name;
    char *file;
    ev_code *code;
    ev_func *fn;             /* in the order of definition */
    uint32_t nfn;
    uint32_t *sorted;        /* indexes of fn by (name, arity), for lookup */
    ev_import *imp;
    uint32_t nimp;
};

/* The index in m->fn of name/arity, or -1. */
int ev__mod_find(const ev_module *m, atom_t name, uint32_t arity);
/* The module name/arity is imported from (-import), or 0. */
atom_t ev__mod_import(const ev_module *m, atom_t name, uint32_t arity);
/* Whether name/arity is auto-imported from erlang (erl_internal:bif/2). */
bool ev__auto_bif(atom_t name, uint32_t arity);
/* Compiles the clause bodies of every function of c->mod into c; fills
 * the functions' values. 0 or -1 and err. */
int ev__comp_module(ev_code *c, ev_error *err);

/* One more hold on c, dropped by ev_code_free. */
void ev__code_hold(const ev_code *c);

/* Keeps `t` alive as long as `c` (ownership taken); returns t. */
term *ev__pool(ev_code *c, term *t);
ev_node *ev__node(ev_code *c, ev_kind kind, int line, int col, uint32_t nkids);

/* Messages of a module's form that erl_lint reports, not the parser
 * (an illegal pattern, a warning in a record's default): the form is
 * still parsed, an illegal part replaced by `_`, and these come with it
 * (ev_form.lint, ev_records.warn). */
typedef struct ev_errs {
    ev_error *v;
    uint32_t n, cap;
} ev_errs;
void ev__errs_add(ev_errs *e, const ev_error *x);
void ev__errs_free(ev_errs *e);

/* ---- records (eval_parse.c), as erl_expand_records rewrites them ----
 * A module's records live in an ev_records for its compile: each
 * -record form adds one, and the record expressions of the forms after
 * it become tuple code as they are parsed (creation a tuple with the
 * defaults put in, a pattern a tuple with `_`, an update a case, an
 * access a call of erlang:'$record_field'/4, #r.f and record_info/2
 * constants, is_record(X, r) is_record(X, r, Size)). erl_lint's record
 * errors do not stop the form: they are kept in `err`, and the
 * expression becomes the atom 'undefined'. */
typedef struct ev_record {
    atom_t name;
    int line, col;           /* of the attribute's name */
    uint32_t n;              /* fields: element i + 2 is field[i] */
    atom_t *field;
    uint32_t *byname;        /* indexes of field sorted by atom */
    ev_node **init;          /* each field's default, an N_SEQ with flag
                              * EV_SEQ_INIT ('undefined' when none) */
    uint32_t *dep, *dep_at;  /* the records field i's default uses:
                              * dep[dep_at[i] .. dep_at[i + 1]) */
    uint32_t stamp;          /* the use scope it was last noted in */
    bool used;
} ev_record;

typedef struct ev_records {
    ev_record *r;
    uint32_t n, cap;
    ev_error *err;           /* erl_lint's record errors of the form */
    uint32_t nerr, caperr;
    ev_errs warn;            /* its warnings in the defaults of a -record
                              * form */
    struct ev_rec_pending {  /* errors only for a pattern (the tuple's
                              * flag says so once the form is parsed) */
        const ev_node *tuple;
        ev_error err;
    } *pend;
    uint32_t npend, cappend;
    uint32_t *use;           /* records the form (or field default) uses */
    uint32_t nuse, capuse;
    uint32_t scope;          /* counts use scopes, for ev_record.stamp */
    uint32_t nvar;           /* fresh variables made (rec0, rec1, ...) */
    uint32_t copied;         /* nodes of defaults copied */
} ev_records;
void ev__records_fini(ev_records *rs);

/* How many nodes the defaults put into record expressions may take in
 * one compile (records whose defaults hold records can grow
 * exponentially): more is a compile error at the expression. */
#define EV_MAX_REC_COPY 100000u

/* Parses tokens into c->root. `pattern`: a single expression (for
 * ev_compile_pattern) instead of a sequence. 0 or -1 and err. Patterns
 * and guards inside are already checked (ev__pattern, ev__guard_check). */
int ev__parse(ev_code *c, const ev_tokens *toks, bool pattern, ev_error *err);

/* One form of a module (erl_parse's parse_form). */
typedef enum ev_form_kind {
    EV_FORM_ATTR,        /* -name(Args): arg an N_TUPLE of the arguments */
    EV_FORM_FUNCTION,    /* fun: N_FUN (name 0, flag the arity) */
    EV_FORM_RECORD,      /* -record: defined in the ev_records */
    EV_FORM_IGNORED      /* an attribute not parsed (-spec, -type, ...) */
} ev_form_kind;
typedef struct ev_form {
    ev_form_kind kind;
    atom_t name;         /* the attribute's or the function's */
    int line, col;       /* of that name */
    ev_node *arg;
    ev_node *fun;
    ev_errs lint;        /* erl_lint's errors inside it (the caller frees) */
} ev_form;
/* Parses the form at *tp (tokens of ev__lex_forms) into c's arena and
 * moves *tp past its '.'. On a syntax error returns -1 with err, and
 * *tp skips to after the next '.', so the next form can be parsed. In a
 * form, `fun f/1` is an N_LIT of the fun with module '' (a local fun,
 * which the compiler resolves). Records come from and go to `rs`; the
 * caller takes rs->err after each form (none after a syntax error: the
 * form is dropped, as epp drops it, with the records it used). Guards
 * are not checked (erl_lint does that: ev__lint_function) and an
 * illegal pattern is no syntax error (f->lint). */
int ev__parse_form(ev_code *c, ev_records *rs, const ev_token **tp,
                   ev_form *f, ev_error *err);

/* Checks that `*np` is a valid pattern, folding constant arithmetic and
 * "abc" ++ T into literals and conses. 0, or -1 with err
 * ("illegal pattern"). With `more` (a module's form, whose patterns
 * erl_lint checks), every error is added to it, an illegal part
 * replaced by `_`, and the result is 0; the sizes of binary segments
 * are then left to the lint (ev__lint_function). */
int ev__pattern(ev_code *c, ev_node **np, ev_error *err, ev_errs *more);
/* Checks that `g` (N_GUARD) holds only guard expressions. 0 or -1. */
int ev__guard_check(const ev_node *g, ev_error *err);

/* What erl_lint's gexpr/3 makes of one node of a guard. */
typedef enum ev_gkind {
    EV_GK_OK,            /* allowed, as its kids must be (a call's arguments) */
    EV_GK_ILLEGAL,       /* "illegal guard expression"; the kids unchecked */
    EV_GK_BAD_OP,        /* an operator not allowed (++, --, !): illegal
                          * after its operands are checked */
    EV_GK_BAD_CALL,      /* a call of no guard BIF: illegal after its
                          * arguments (erl_lint names a local or imported
                          * function: illegal_guard_local_call) */
    EV_GK_WILD,          /* `_`: "variable '_' is unbound" */
    EV_GK_ASSOC          /* a map construction's `:=` */
} ev_gkind;
ev_gkind ev__gexpr_kind(const ev_node *n);

/* ---- matching and guards (eval_match.c) ---- */

/* Tentative bindings of one match attempt, looked up before `env`.
 * `outer` (may be NULL; ev__binds_reset keeps it): where the pattern's
 * variables are fresh (env NULL: fun heads, generators), the bindings
 * its binary segments' sizes may use besides what it bound before. */
typedef struct ev_binds {
    atom_t *name;
    term **val;          /* owned */
    uint32_t n, cap;
    const ev_env *outer;
} ev_binds;
void ev__binds_fini(ev_binds *b);
void ev__binds_reset(ev_binds *b);

/* Calls host BIFs allowed in guards (self(), node()); may be NULL. */
typedef struct ev_guard_host {
    const ev_host *host;
    ev_vm *vm;
} ev_guard_host;

/* Matches `v` against pattern `p`. Variables bound in `env` (may be
 * NULL) or `b` must be =:=; others are added to `b`. */
bool ev__match(const ev_node *p, const term *v, const ev_env *env,
               ev_binds *b, const ev_guard_host *gh);
/* A binary generator's step, as erl_eval's eval_b_generate with
 * eval_bits:bin_gen/6: matches pattern p (N_BIN) against the bits of
 * bitstring v from *pos on (fresh variables into b). 1: it matched; 0:
 * the segments fit but a value differs (skip them); either moves *pos
 * past them. -1: they do not fit (the generator is done). */
int ev__match_bin_gen(const ev_node *p, const term *v, uint64_t *pos,
                      ev_binds *b, const ev_guard_host *gh);
/* True when guard `g` (N_GUARD, or NULL) succeeds; an exception in a
 * guard makes it fail, as in Erlang. */
bool ev__guard(const ev_node *g, const ev_env *env, const ev_binds *b,
               const ev_guard_host *gh);

/* ---- the bit syntax (eval_bits.c) ---- */

/* The most bits a bitstring may have: building a larger one raises
 * error:system_limit ("the size N is too large") where erl would try to
 * allocate it (and, past its memory, crash). 2^27 bits = 16 MiB. */
#define EV_BITS_MAX ((uint64_t)1 << 27)

/* A bitstring being built: nbits bits in b (cap bytes). */
typedef struct ev_bitbuf {
    uint8_t *b;
    uint64_t nbits;
    size_t cap;
} ev_bitbuf;
void ev__bits_fini(ev_bitbuf *w);
/* Appends nbits bits of s from bit `from` (no cap check: callers check
 * EV_BITS_MAX). */
void ev__bits_append(ev_bitbuf *w, const uint8_t *s, uint64_t from,
                     uint64_t nbits);
/* The built bitstring (a new term); w is emptied. */
term *ev__bits_take(ev_bitbuf *w);

/* Why a segment cannot be built (erl_erts_errors' format_bs_fail
 * causes), or EV_BS_OK. */
typedef enum ev_bsfail {
    EV_BS_OK,
    EV_BS_BADTYPE,   /* the value is not of the segment's type */
    EV_BS_BADSIZE,   /* the size is not a non-negative integer */
    EV_BS_TOOBIG,    /* more than EV_BITS_MAX bits (system_limit) */
    EV_BS_FLOATSIZE, /* a float of another size than 16, 32, 64 */
    EV_BS_SHORT,     /* a bitstring shorter than the size */
    EV_BS_UNIT       /* an unsized binary not a multiple of the unit */
} ev_bsfail;

/* Appends segment seg (N_BINSEG) with value v and size (NULL when seg
 * has none) to w, as eval_bits:eval_exp_field/6 builds it: integers
 * truncated to the size (sign-extended beyond 64 bits), little-endian
 * bytes first; floats of 16, 32 (out of range: infinity, as erl) or 64
 * bits; binaries whole or their first Size*Unit bits; utf8/16/32 code
 * points. A string literal's characters each become one segment of the
 * type. On a failure returns it, w partly written, and *bad the value
 * at fault (the character of a string; borrowed or NULL). */
ev_bsfail ev__bits_put(ev_bitbuf *w, const ev_node *seg, const term *v,
                       const term *size, const term **bad);
/* Fills x with the exception of failure f of segment number segno (of
 * its binary, 1-based), whose value or size `bad` was at fault, as erl
 * 25 raises it: badarg (system_limit for EV_BS_TOOBIG) reported as
 * "construction of binary failed" with "*** segment N of type 'T': ...".
 * `shell`: code of the shell (erl_eval's eval_bits, whose frames erl
 * prints: the exception is traced), else a module's (the BEAM: the VM
 * adds the function's frame). */
void ev__bits_fail(ev_exception *x, ev_bsfail f, uint32_t segno,
                   const ev_node *seg, const term *bad, bool shell);
/* What erl raises for a binary comprehension whose template is not a
 * bitstring: "construction of binary failed" and nothing more. */
void ev__bits_fail_template(ev_exception *x);

/* Reads segment seg's value at bit `pos` of s (which has `end` bits):
 * `bits` is its size in bits (-1 for none: a binary's rest, or a utf
 * character). Returns the value (new) and moves *next past it, or NULL
 * when it does not fit or decode (as erl_eval's get_value fails: too few
 * bits, an unsized binary that is not a multiple of the unit, a float
 * of another size or not finite, an invalid character; also, as
 * clustersim has no bignums, an integer beyond int64). */
term *ev__bits_get(const ev_node *seg, const uint8_t *s, uint64_t pos,
                   uint64_t end, int64_t bits, uint64_t *next);

/* ---- env internals (eval_env.c) ---- */

/* Bindings sorted by name text; the VM embeds them by value. */
struct ev_env {
    atom_t *name;
    term **val;          /* owned */
    uint32_t n, cap;
};

term *ev__env_find(const ev_env *e, atom_t name);
void ev__env_bind(ev_env *e, atom_t name, term *v);  /* ownership taken */
void ev__env_remove(ev_env *e, atom_t name);
void ev__env_copy(ev_env *dst, const ev_env *src);   /* dst replaced */
void ev__env_init(ev_env *e);
void ev__env_fini(ev_env *e);
uint32_t ev__env_count(const ev_env *e);
atom_t ev__env_name_at(const ev_env *e, uint32_t i);

/* ---- operators and pure BIFs (eval_ops.c) ---- */

/* An exception being raised: the fields of ev_exception. */
void ev__exc_set(ev_exception *x, const char *cls, term *reason);
/* Fills `x` as erlang:Op raising `reason` with the operands (borrowed). */
void ev__exc_op(ev_exception *x, const char *cls, term *reason, ev_op op,
                const term *a, const term *b);

/* Applies an operator (operands borrowed; b NULL for unary ones).
 * EV_DONE with *out (new reference) or EV_RAISED with x filled. */
ev_status ev__op2(ev_op op, const term *a, const term *b, term **out,
                  ev_exception *x);
ev_status ev__op1(ev_op op, const term *a, term **out, ev_exception *x);

/* The pure BIFs the evaluator runs itself (type tests, element, hd,
 * length, ...: what guards may call, plus error/throw/exit).
 * ev__bif_find returns an index or -1; mod is erlang or "". */
int ev__bif_find(atom_t mod, atom_t fun, uint32_t arity, bool guard_only);
ev_status ev__bif_call(int idx, uint32_t argc, term **args, term **out,
                       ev_exception *x);

/* ---- the library functions that take funs (eval_lib.c) ---- */
#define EV__NLIB 41
/* The index of mod:fun/arity among them, or -1. */
int ev__lib_find(atom_t mod, atom_t fun, uint32_t arity);
/* Visits eval_lib.c's functions (ev_vm_functions). */
void ev__lib_each(ev_fn_visit visit, void *ctx);
/* Function `idx` as a fun with a body (a new reference) whose mod and
 * fun fields name it. */
term *ev__lib_fun(int idx);

/* ---- erl_lint (eval_lint.c) ---- */

/* The shell's check of one top-level expression (erl_lint's variable
 * rules), run by the VM just before it is evaluated, against the
 * bindings of that moment (shell:exprs/7 -> erl_eval:check_command/2):
 * false at the first error, with err ("variable 'X' is unbound") and
 * *reason (a new {unbound,'X'}, {unsafe_var,...}, ...). */
bool ev__lint(const ev_node *expr, const ev_env *env, ev_error *err,
              term **reason);

/* Where a module's messages go: erl_lint's errors and every warning. */
typedef struct ev_sink {
    void *ctx;
    void (*put)(void *ctx, bool warning, int line, int col, const char *msg);
} ev_sink;

/* A set of nodes (pointers), in the order they were added. */
typedef struct ev_ptrs {
    const void **v;
    uint32_t n, cap;
} ev_ptrs;
void ev__ptrs_add(ev_ptrs *s, const void *p);
bool ev__ptrs_has(const ev_ptrs *s, const void *p);

/* What the lint of a function learnt that the compiler's warnings
 * (ev__warn_function) need. */
typedef struct ev_lint_facts {
    ev_ptrs unused;      /* binding N_VARs no one uses (`_X` ones too) */
    ev_ptrs fresh;       /* case / receive / try N_CLAUSEs whose pattern is
                          * one new variable (it matches anything) */
} ev_lint_facts;
void ev__facts_free(ev_lint_facts *f);

/* erl_lint's checks of function `fun` (N_FUN) of module m, every error
 * and warning to sink: unbound and unsafe variables, unused ones,
 * shadowed ones, exported ones matched again, stack variables, illegal
 * guards and sizes of binary segments in patterns. No warning comes
 * from a record default an expression put in (N_SEQ with EV_SEQ_INIT:
 * ev__lint_default saw it). facts (may be NULL) gets what it learnt. */
void ev__lint_function(const ev_module *m, const ev_node *fun,
                       const ev_sink *sink, ev_lint_facts *facts);
/* erl_lint's check of expression `expr`, the default of a record's
 * field (no variable is bound), every error and warning to sink. */
void ev__lint_default(const ev_node *expr, const ev_sink *sink);

/* ---- the compiler's warnings (eval_warn.c) ---- */

/* The warnings erlc's optimisation passes print for function f of m,
 * to sink: values computed and dropped, BIF calls and operators that
 * will fail, clauses that cannot match. For a module erl_lint passed;
 * facts are the lint's of f. */
void ev__warn_function(const ev_module *m, const ev_func *f,
                       const ev_lint_facts *facts, const ev_sink *sink);

#endif
