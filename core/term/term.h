/* term: Erlang terms as immutable, reference-counted values.
 *
 * Every term is a `term *` to a heap cell with a reference count; terms are
 * never mutated after construction, so sending a message is a `term_ref`
 * (Erlang copies; sharing an immutable value is indistinguishable). The
 * empty list is a single static cell, as are small integers in [-16, 255]
 * and every atom (atoms live in one interned table for the whole program,
 * like the BEAM's atom table; observable order of atoms is by text, never
 * by table index, so the table cannot leak into a trace).
 *
 * Ownership: every function that returns a `term *` returns a new
 * reference the caller must `term_unref`; constructors that take `term *`
 * arguments TAKE OWNERSHIP of them (say so at each), accessors return
 * borrowed pointers. `term_unref(NULL)` is a no-op. Out of memory stops the run (xalloc.h).
 *
 * core/term/ is the bottom of core/ (core/README.md): it uses the C
 * library and nothing else. */
#ifndef CS_TERM_H
#define CS_TERM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum term_tag {
    /* in Erlang's standard order: number < atom < reference < fun < pid
     * < tuple < map < nil < list < bitstring */
    T_INT,
    T_FLOAT,
    T_ATOM,
    T_REF,
    T_FUN,
    T_PID,
    T_TUPLE,
    T_MAP,
    T_NIL,
    T_CONS,
    T_BIN
} term_tag;

typedef uint32_t atom_t; /* index into the interned atom table */

/* A process identifier: the node (as its name atom), the process number
 * and serial printed as <X.Number.Serial>, and the node's creation, which
 * tells incarnations of a restarted node apart. */
typedef struct term_pid {
    atom_t node;
    uint32_t number;
    uint32_t serial;
    uint32_t creation;
} term_pid;

/* A reference: node, creation and three words, printed #Ref<X.a.b.c>. */
typedef struct term_refv {
    atom_t node;
    uint32_t creation;
    uint32_t w[3];
} term_refv;

typedef struct term term;

/* The body of a fun written in Erlang (`fun (X) -> ... end`): made by
 * the layer that compiles code (core/erl/), which alone looks at `code`
 * and `node`; term/ keeps it alive, prints it and compares it. `release`
 * drops the hold on `code` when the fun is freed. `env` is the captured
 * bindings, a list of {Name, Value} sorted by name (erl_eval's). The fun
 * prints as #Fun<Mod.Index.Uniq> (the fun's `mod`); funs compare by
 * arity, position (line, col), then env. */
typedef struct term_closure {
    void *code;
    const void *node;
    uint32_t entry;          /* the code's own index of the fun's clauses */
    void (*release)(void *code);
    term *env;
    uint32_t line, col;
    uint32_t index, uniq;
} term_closure;

struct term {
    uint32_t rc;     /* UINT32_MAX: static, never freed */
    uint8_t tag;     /* term_tag */
    /* How deeply the term nests (0 for an atomic term; a list's elements
     * count one more, its tail none, as printing and freeing walk a
     * list's tail in a loop); saturates at UINT16_MAX. The functions on
     * terms recurse this deep, so the evaluator refuses to build one
     * deeper than TERM_MAX_DEPTH. */
    uint16_t depth;
    union {
        int64_t i;                          /* T_INT */
        double f;                           /* T_FLOAT */
        atom_t atom;                        /* T_ATOM */
        term_pid pid;                       /* T_PID */
        term_refv ref;                      /* T_REF */
        /* T_FUN: fun M:F/A, or with clo a fun with a body */
        struct { atom_t mod, fun; uint32_t arity; term_closure *clo; } fun;
        struct { term *head, *tail; } cons; /* T_CONS */
        struct { uint32_t n; term **el; } tuple;         /* T_TUPLE */
        struct { uint32_t n; term **keys, **vals; } map; /* T_MAP, keys sorted by term_compare */
        /* T_BIN: a bitstring of n bytes; tail 0 when it is a binary
         * (whole bytes), else 1..7: only the tail high bits of the last
         * byte belong to it, the others are 0 (so bytes compare with
         * memcmp). byte_size/1 is n. */
        struct { size_t n; uint8_t *bytes; uint8_t tail; } bin;
    } u;
};

/* ---- atoms ---- */
atom_t atom_intern(const char *text);          /* never fails */
atom_t atom_intern_n(const char *text, size_t n);
const char *atom_text(atom_t a);               /* valid for the program's life */
/* Binary search by atom text (strcmp order) in an array of n elements of
 * `stride` bytes, each starting with its atom_t key. Returns the index of
 * the element with `key` (*found true), or where it would go (false). */
size_t atom_search(const void *base, size_t n, size_t stride, atom_t key,
                   bool *found);
size_t atom_len(atom_t a);                     /* bytes of atom_text (may hold NUL) */
/* The binary search atom_search is made of, for any order: in an array
 * of n elements of `stride` bytes sorted by cmp (cmp(elem, key) < 0 when
 * elem sorts before key), the index of an element equal to key (*found
 * true), or where key would go (false). */
size_t term_bsearch(const void *base, size_t n, size_t stride,
                    int (*cmp)(const void *elem, const void *key),
                    const void *key, bool *found);

/* ---- construction (new references) ---- */
term *term_int(int64_t v);
term *term_float(double v);
term *term_atom(atom_t a);
term *term_atom_s(const char *text);           /* term_atom(atom_intern(text)) */
term *term_bool(bool b);                       /* true / false */
term *term_nil(void);
term *term_cons(term *head, term *tail);       /* takes ownership of both */
term *term_tuple(uint32_t n, term **el);       /* takes ownership of the n elements (not of the array) */
term *term_tuplev(uint32_t n, ...);            /* takes ownership of the n term * arguments */
term *term_list(uint32_t n, term **el, term *tail); /* proper when tail is NULL; takes ownership */
term *term_string(const char *s);              /* a list of character codes, as "abc" */
term *term_binary(const void *bytes, size_t n);
/* A bitstring of the first nbits bits of `bytes` (the unused low bits of
 * its last byte are cleared): <<5:3>> is term_bitstring("\xa0", 3). */
term *term_bitstring(const void *bytes, uint64_t nbits);
term *term_pid_new(term_pid p);
term *term_ref_new(term_refv r);
term *term_fun(atom_t mod, atom_t fun, uint32_t arity);
/* A fun with a body, printed as #Fun<mod.Index.Uniq>; takes ownership of
 * clo (xmalloc'd) and its env. */
term *term_closure_new(atom_t mod, uint32_t arity, term_closure *clo);
/* A map from n key/value pairs (ownership taken); a later duplicate key
 * replaces an earlier one, as #{k => 1, k => 2} does. */
term *term_map(uint32_t n, term **keys, term **vals);
/* base (borrowed, a map) with n pairs put, as term_map orders them and as
 * Base#{K => V, ...} and maps:put do: a new pair replaces base's. */
term *term_map_put(const term *base, uint32_t n, term **keys, term **vals);

/* How many term cells are alive (allocated, not freed), and whether
 * that is more than the limit set last (none at first): the heap limit
 * of a run, which the VM and the runtime check between steps. */
uint64_t term_live_cells(void);
void term_set_cell_limit(uint64_t n);
/* ... or the process's memory passed --max-memory (xalloc_over): either
 * way the VM yields, and the runtime says which. */
bool term_cells_over(void);

/* The deepest term the evaluator builds (term.depth): one deeper raises
 * system_limit, where the C stack of printing or comparing it would
 * overflow (erl has no such limit). */
#define TERM_MAX_DEPTH 10000u

/* ---- references ---- */
term *term_ref(term *t);                       /* returns t; NULL-safe */
void term_unref(term *t);

/* ---- inspection (borrowed results) ---- */
bool term_is_atom(const term *t, atom_t a);
bool term_is_proper_list(const term *t);
size_t term_list_length(const term *t);        /* of a proper list */
/* T_BIN: its size in bits (bit_size/1). */
uint64_t term_bit_size(const term *t);
/* Whether t is a binary: a bitstring of whole bytes (is_binary/1). */
bool term_is_binary(const term *t);
/* Decodes one UTF-8 character from s[0..n) as Erlang's <<C/utf8>> matches
 * it (no overlong forms, no surrogates, at most 0x10FFFF) into *cp.
 * Returns its length in bytes, or 0 (and *cp untouched) when s does not
 * start with a valid character. */
size_t term_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* Map lookup: borrowed value or NULL. */
term *term_map_get(const term *map, const term *key);

/* Erlang's exact equality (=:=) and standard order: <0, 0, >0.
 * term_compare treats 1 and 1.0 as equal only when `arith` is true
 * (== and <); for =:= pass false. Without arith, numbers follow OTP's map
 * key order: every integer sorts before every float (2 < 0.5), which is
 * the order map keys are kept and printed in. Pids order by serial, then
 * number, then node name, then creation (as erl 25 does). Details in
 * term.c. */
bool term_equal(const term *a, const term *b);
int term_compare(const term *a, const term *b, bool arith);

/* ---- printing (term_print.c, term_pretty.c, term_break.c) ---- */

/* How pids and refs print depends on who looks (as in erl 25): the
 * observer's own node prints as 0, another node as a positive number the
 * host chooses. */
typedef struct term_view {
    atom_t self_node;
    uint32_t (*node_number)(void *ctx, atom_t node); /* for node != self_node; > 0 */
    void *ctx;
} term_view;

/* Numbers as text in the C locale whatever setlocale() said (cnum.c):
 * '.' is the decimal point both ways. Every float that is parsed or
 * printed, in core/, traces/ and scenarios/, goes through these. */
double term_strtod_c(const char *s, char **end);
int term_snprintf_c(char *buf, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int term_vsnprintf_c(char *buf, size_t n, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* A growable string buffer used by the printer and traces. */
typedef struct strbuf {
    char *s;
    size_t len, cap;
} strbuf;
void sb_init(strbuf *b);
void sb_fini(strbuf *b);
void sb_putc(strbuf *b, char c);
/* Appends character code c (at most 0x10FFFF) encoded as UTF-8. */
void sb_put_utf8(strbuf *b, uint32_t c);
void sb_puts(strbuf *b, const char *s);
void sb_putn(strbuf *b, const char *s, size_t n);
void sb_printf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *sb_take(strbuf *b);  /* returns the malloc'd string (caller frees), resets b */

/* Appends `t` as ~p prints it but on one line and with no depth limit
 * (strings detected, #{k => v,...}, no spaces after commas); a short
 * shell result prints the same (term_print_pretty is the exact shell
 * form). `view` may be NULL: every pid and ref then prints with 0. */
void term_print(strbuf *b, const term *t, const term_view *view);
/* Returns a malloc'd string with the same text. */
char *term_to_string(const term *t, const term_view *view);
/* Appends `t` as io_lib:write/1 (~w) does: no string detection, binaries
 * as bytes: [104,105], <<97,98,99>>, #{a => [120]}. */
void term_write(strbuf *b, const term *t, const term_view *view);
/* Appends an atom as Erlang writes it: quoted only where needed. */
void term_print_atom(strbuf *b, atom_t a);

/* What the shell prints for a result (shell:pp/4): io_lib_pretty with
 * depth 30 (deeper parts and list elements past the 29th become "..."),
 * lines of 80 columns holding at most 60 characters of the term, broken
 * and indented as io_lib_pretty does; the term starts at column col0
 * (1 for a result on its own line). No trailing newline. */
void term_print_pretty(strbuf *b, const term *t, const term_view *view,
                       int col0);

/* io_lib_pretty:print/2 with explicit options, for io:format's ~p
 * (column = current column, line_length 80, depth -1, max chars -1). */
typedef struct term_pp_opts {
    int column;          /* 1-based column where the term starts */
    int line_length;     /* 0: never break lines */
    int depth;           /* -1: unlimited */
    int line_max_chars;  /* -1: unlimited */
    bool no_strings;     /* the `l` modifier (~lp): lists and binaries
                            never printed as strings */
} term_pp_opts;
void term_print_pp(strbuf *b, const term *t, const term_view *view,
                   const term_pp_opts *o);

#endif
