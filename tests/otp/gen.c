/* otp/gen: random shell expressions for the differential test against
 * real OTP (tests/otp_diff.sh). For each seed from FIRST to LAST it
 * prints one expression on one line, ending in '.', drawn from what
 * today's evaluator runs (core/eval.h): integer and float arithmetic
 * with every operator, comparisons across types, the boolean operators,
 * atoms, lists (some of them printable as strings), tuples, maps and
 * map updates, binaries, the guard BIFs and lists functions over them,
 * matches that bind variables, case with and without guards, and
 * receive ... after 0, nested to a bounded depth. A seed always gives
 * the same expression (sim/rng.h, stream "otp_gen" with the seed as
 * id 0).
 *
 * Each expression must print the same in erl 25 and in clustersim, so
 * the generator avoids what legitimately differs: pids, refs, `catch`
 * (an error caught has erl_eval's frames in its stack), a missing key under
 * := and a string in a /binary segment (erl's exception names erl_eval
 * and eval_bits functions: the corpus has such cases), and integers
 * beyond int64 (erl makes a bignum where clustersim raises system_limit,
 * a documented limit). For the last it tracks a bound on the magnitude
 * of every number it builds, without evaluating anything. Some
 * expressions raise on purpose (hd([]), element out of range, an atom
 * in arithmetic, division by zero, map_get of a missing key) so that
 * exception texts are compared too. Expressions shorter than MINLEN or
 * longer than MAXLEN are drawn again.
 * usage: gen FIRST [LAST] */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "sim/rng.h"

#define MINLEN 12
#define MAXLEN 300
#define IBOUND 1.0e15    /* integer magnitudes stay below this (< 2^53) */
#define FBOUND 1.0e12    /* a float above this is never multiplied or rounded */
#define NOBOUND 1.0e30   /* a quotient: its divisor may be tiny */

typedef struct gen {
    rng r;
    char s[4096];
    size_t n;
    int vars;    /* variables bound so far: each binding gets a new name */
} gen;

static void put(gen *g, const char *fmt, ...)
{
    va_list ap;
    size_t room = sizeof g->s - g->n;
    va_start(ap, fmt);
    int k = vsnprintf(g->s + g->n, room, fmt, ap);
    va_end(ap);
    if (k > 0)
        g->n += (size_t)k < room ? (size_t)k : room - 1;
}

/* Drops what was written since `mark` (an operation whose bound grew
 * too big is replaced by a small literal). */
static void undo(gen *g, size_t mark)
{
    g->n = mark;
    g->s[mark] = 0;
}

static int below(gen *g, int n) { return (int)rng_below(&g->r, (uint64_t)n); }
static int chance(gen *g, int pct) { return below(g, 100) < pct; }
#define PICK(g, v) ((v)[below(g, (int)(sizeof(v) / sizeof *(v)))])

static double gen_int(gen *g, int d);
static double gen_float(gen *g, int d);
static void gen_any(gen *g, int d);
static void gen_list(gen *g, int d);

/* A number: an integer or a float expression. Returns its bound. */
static double gen_num(gen *g, int d)
{
    return chance(g, 60) ? gen_int(g, d) : gen_float(g, d);
}

static double int_literal(gen *g)
{
    static const int64_t big[] = {100, 255, 256, 1000, 65535, 123456789,
                                  4294967296LL, 999999999999LL};
    int64_t v = chance(g, 70) ? below(g, 20) : PICK(g, big);
    switch (below(g, 8)) {
    case 0:
        v = 'a' + below(g, 26);
        put(g, "$%c", (char)v);
        break;
    case 1:
        put(g, "16#%" PRIX64, (uint64_t)v);
        break;
    case 2:
        v = below(g, 8);
        put(g, "2#%d%d%d", (int)(v >> 2), (int)(v >> 1) & 1, (int)v & 1);
        break;
    case 3:
        put(g, "-%" PRId64, v);
        break;
    default:
        put(g, "%" PRId64, v);
        break;
    }
    return (double)v;
}

/* An integer expression; returns a bound on its magnitude. */
static double gen_int(gen *g, int d)
{
    if (d <= 0 || chance(g, 25))
        return int_literal(g);
    static const char *const bitops[] = {" band ", " bor ", " bxor "};
    static const char *const rounding[] = {"round", "trunc", "ceil", "floor"};
    size_t mark = g->n;
    double x, y;
    int k = below(g, 17);
    switch (k) {
    case 0: case 1: case 2:
        put(g, "(");
        x = gen_int(g, d - 1);
        put(g, k == 0 ? " + " : k == 1 ? " - " : " * ");
        y = gen_int(g, d - 1);
        put(g, ")");
        x = k == 2 ? x * y : x + y;
        break;
    case 3: case 4:
        put(g, "(");
        x = gen_int(g, d - 1);
        put(g, k == 3 ? " div " : " rem ");
        gen_int(g, d - 1);        /* may be 0: badarith, printed by both */
        put(g, ")");
        break;
    case 5: case 6: case 7:
        put(g, "(");
        x = gen_int(g, d - 1);
        put(g, "%s", bitops[k - 5]);
        y = gen_int(g, d - 1);
        put(g, ")");
        x = 2 * (x > y ? x : y) + 1;
        break;
    case 8: {
        int sh = below(g, 12), left = chance(g, 50);
        put(g, "(");
        x = gen_int(g, d - 1);
        put(g, left ? " bsl %d)" : " bsr %d)", sh);
        if (left)
            x *= (double)(1 << sh);
        break;
    }
    case 9:
        put(g, "(bnot ");
        x = gen_int(g, d - 1) + 1;
        put(g, ")");
        break;
    case 10:
        put(g, "abs(");
        x = gen_int(g, d - 1);
        put(g, ")");
        break;
    case 11:
        put(g, "length(");
        gen_list(g, d - 1);
        put(g, ")");
        x = 1000;
        break;
    case 12:
        put(g, "%s(", PICK(g, rounding));
        x = gen_float(g, d - 1) + 1;
        put(g, ")");
        if (x >= FBOUND)
            x = 2 * IBOUND;      /* could be a bignum: drop it */
        break;
    case 13: {
        int n = below(g, 5);
        put(g, "tuple_size({");
        for (int j = 0; j < n; j++) {
            put(g, j ? ", " : "");
            gen_any(g, d - 2);
        }
        put(g, "})");
        x = n;
        break;
    }
    case 14: {
        int n = below(g, 4);
        put(g, "map_size(#{");
        for (int j = 0; j < n; j++)
            put(g, "%sk%d => %d", j ? ", " : "", below(g, 6), j);
        put(g, "})");
        x = n;
        break;
    }
    case 15: {
        int n = below(g, 5);
        put(g, "byte_size(<<");
        for (int j = 0; j < n; j++)
            put(g, "%s%d", j ? "," : "", below(g, 256));
        put(g, ">>)");
        x = n;
        break;
    }
    default:
        put(g, "(- ");
        x = gen_int(g, d - 1);
        put(g, ")");
        break;
    }
    if (x < IBOUND)
        return x;
    undo(g, mark);
    return int_literal(g);
}

/* A float expression; returns a bound on its magnitude (FBOUND or more:
 * not to be multiplied or rounded). */
static double gen_float(gen *g, int d)
{
    static const char *const lits[] = {
        "0.0", "0.1", "0.2", "0.3", "0.5", "1.0", "1.5", "2.0", "2.5", "3.14",
        "10.0", "100.0", "0.001", "1.0e10", "1.5e-5", "2.5e3", "123.456",
        "6.02e23", "1.0e-10", "0.7", "9.99", "1.0e15", "-0.5", "33.3",
        "1.0e-3", "12345.678", "0.125", "5.0e-324", "1.7976931348623157e308"};
    static const double vals[] = {
        0, .1, .2, .3, .5, 1, 1.5, 2, 2.5, 3.14, 10, 100, .001, 1e10, 1.5e-5,
        2.5e3, 123.456, 6.02e23, 1e-10, .7, 9.99, 1e15, .5, 33.3, 1e-3,
        12345.678, .125, 5e-324, 1.7976931348623157e308};
    if (d <= 0 || chance(g, 30)) {
        int i = below(g, (int)(sizeof lits / sizeof *lits) - (d > 0 ? 2 : 0));
        put(g, "%s", lits[i]);
        return vals[i];
    }
    size_t mark = g->n;
    double x, y;
    switch (below(g, 7)) {
    case 0: case 1: {
        int plus = chance(g, 50);
        put(g, "(");
        x = gen_float(g, d - 1);
        put(g, plus ? " + " : " - ");
        y = gen_num(g, d - 1);
        put(g, ")");
        return x + y;
    }
    case 2:
        put(g, "(");
        x = gen_num(g, d - 1);
        put(g, " * ");
        y = gen_float(g, d - 1);
        put(g, ")");
        if (x < FBOUND && y < FBOUND)
            return x * y;
        undo(g, mark);
        put(g, "2.5");
        return 2.5;
    case 3:
        /* The divisor may be 0 (badarith) or tiny. */
        put(g, "(");
        x = gen_num(g, d - 1);
        put(g, " / ");
        gen_num(g, d - 1);
        put(g, ")");
        if (x < FBOUND)
            return NOBOUND;
        undo(g, mark);
        put(g, "0.25");
        return 0.25;
    case 4:
        put(g, "float(");
        x = gen_int(g, d - 1);
        put(g, ")");
        return x;
    case 5:
        put(g, "abs(");
        x = gen_float(g, d - 1);
        put(g, ")");
        return x;
    default:
        put(g, "(- ");
        x = gen_float(g, d - 1);
        put(g, ")");
        return x;
    }
}

static void gen_atom(gen *g)
{
    static const char *const atoms[] = {
        "a", "b", "ok", "error", "true", "false", "undefined", "'hello world'",
        "'A'", "'Quoted'", "foo_bar", "x@y", "'a-b'", "'[]'", "'\\n'", "nil",
        "'if'", "''", "zz9", "aB_1", "'end'", "'9a'", "'_x'", "'a.b'"};
    put(g, "%s", PICK(g, atoms));
}

static void gen_bool(gen *g, int d)
{
    static const char *const cmp[] = {"<", ">", "=<", ">=", "==", "/=", "=:=", "=/="};
    static const char *const bop[] = {"andalso", "orelse", "and", "or", "xor"};
    static const char *const is[] = {"is_integer", "is_float", "is_number",
                                     "is_atom", "is_list", "is_tuple", "is_map",
                                     "is_binary", "is_boolean"};
    if (d <= 0) {
        put(g, chance(g, 50) ? "true" : "false");
        return;
    }
    switch (below(g, 6)) {
    case 0:
        put(g, "(");
        gen_num(g, d - 1);
        put(g, " %s ", PICK(g, cmp));
        gen_num(g, d - 1);
        put(g, ")");
        return;
    case 1:
        put(g, "(");
        gen_any(g, d - 1);
        put(g, " %s ", PICK(g, cmp));
        gen_any(g, d - 1);
        put(g, ")");
        return;
    case 2:
        put(g, "(");
        gen_bool(g, d - 1);
        put(g, " %s ", PICK(g, bop));
        gen_bool(g, d - 1);
        put(g, ")");
        return;
    case 3:
        put(g, "(not ");
        gen_bool(g, d - 1);
        put(g, ")");
        return;
    case 4:
        put(g, "%s(", PICK(g, is));
        gen_any(g, d - 1);
        put(g, ")");
        return;
    default:
        put(g, "lists:member(");
        gen_any(g, d - 2);
        put(g, ", ");
        gen_list(g, d - 1);
        put(g, ")");
        return;
    }
}

static void gen_list(gen *g, int d)
{
    static const char *const strs[] = {
        "\"\"", "\"abc\"", "\"hello world\"", "\"a\\nb\"", "\"tab\\there\"",
        "\"\\\"q\\\"\"", "\"x\"", "[104,105]", "[$a,$b|\"cd\"]", "[1,2,3]",
        "[65,66,0]", "\"\\e[0m\"", "\"it's\"", "\"back\\\\slash\"", "[$\\s]"};
    switch (d <= 0 ? below(g, 2) : below(g, 11)) {
    case 0: {
        int n = below(g, d <= 0 ? 3 : 5);
        put(g, "[");
        for (int i = 0; i < n; i++) {
            put(g, i ? ", " : "");
            if (d <= 0)
                put(g, "%d", below(g, 10));
            else
                gen_any(g, d - 1);
        }
        put(g, "]");
        return;
    }
    case 1:
        put(g, "%s", PICK(g, strs));
        return;
    case 2: {
        /* printable characters: the shell prints these as a string */
        int n = 1 + below(g, 6);
        put(g, "[");
        for (int i = 0; i < n; i++)
            put(g, "%s%d", i ? "," : "", 32 + below(g, 95));
        put(g, "]");
        return;
    }
    case 3: case 4:
        put(g, "(");
        gen_list(g, d - 1);
        put(g, " %s ", chance(g, 50) ? "++" : "--");
        gen_list(g, d - 1);
        put(g, ")");
        return;
    case 5:
        put(g, "lists:reverse(");
        gen_list(g, d - 1);
        put(g, ")");
        return;
    case 6:
        put(g, "lists:sort(");
        gen_list(g, d - 1);
        put(g, ")");
        return;
    case 7: {
        int lo = below(g, 10) - 3, n = below(g, 70);
        put(g, "lists:seq(%d, %d)", lo, lo + n - 1);
        return;
    }
    case 8:
        put(g, "tl(");        /* may be tl([]): badarg */
        gen_list(g, d - 1);
        put(g, ")");
        return;
    case 9:
        put(g, "atom_to_list(");
        gen_atom(g);
        put(g, ")");
        return;
    default:
        put(g, "integer_to_list(");
        gen_int(g, d - 1);
        put(g, ")");
        return;
    }
}

static void gen_map(gen *g, int d)
{
    if (d > 1 && chance(g, 30)) {
        put(g, "(");
        gen_map(g, d - 1);
        put(g, ")#{");
        for (int i = 0, n = 1 + below(g, 2); i < n; i++) {
            put(g, i ? ", " : "");
            if (chance(g, 60))
                put(g, "k%d", below(g, 6));
            else
                int_literal(g);
            put(g, " => ");
            gen_any(g, d - 2);
        }
        put(g, "}");
        return;
    }
    put(g, "#{");
    for (int i = 0, n = below(g, 5); i < n; i++) {
        put(g, i ? ", " : "");
        switch (below(g, 4)) {
        case 0: put(g, "k%d", below(g, 6)); break;
        case 1: int_literal(g); break;
        case 2: gen_float(g, 0); break;
        default: gen_any(g, d - 2); break;
        }
        put(g, " => ");
        gen_any(g, d - 1);
    }
    put(g, "}");
}

static void gen_any(gen *g, int d)
{
    static const char *const bins[] = {
        "<<>>", "<<\"abc\">>", "<<1,2,3>>", "<<0>>", "<<\"hi\",0>>",
        "<<255,128>>", "<<\"a b\">>", "<<104,105>>"};
    switch (d <= 0 ? below(g, 4) : below(g, 19)) {
    case 0: gen_int(g, d); return;
    case 1: gen_float(g, d); return;
    case 2: gen_atom(g); return;
    case 3: gen_list(g, d); return;
    case 4: gen_bool(g, d); return;
    case 5: {
        int n = below(g, 5);
        put(g, "{");
        for (int i = 0; i < n; i++) {
            put(g, i ? ", " : "");
            gen_any(g, d - 1);
        }
        put(g, "}");
        return;
    }
    case 6: gen_map(g, d); return;
    case 7: put(g, "%s", PICK(g, bins)); return;
    case 8: {
        int n = 1 + below(g, 4), i = chance(g, 90) ? 1 + below(g, n) : n + 1;
        put(g, "element(%d, {", i);     /* n + 1: badarg */
        for (int j = 0; j < n; j++) {
            put(g, j ? ", " : "");
            gen_any(g, d - 2);
        }
        put(g, "})");
        return;
    }
    case 9:
        put(g, "hd(");                 /* may be hd([]): badarg */
        gen_list(g, d - 1);
        put(g, ")");
        return;
    case 10: {
        int k = below(g, 6);
        put(g, "map_get(k%d, #{", k);   /* may be missing: badkey */
        for (int j = 0, n = below(g, 4); j < n; j++) {
            put(g, "%sk%d => ", j ? ", " : "", (k + j) % 6);
            gen_any(g, d - 2);
        }
        put(g, "})");
        return;
    }
    case 11:
        /* an atom in arithmetic: badarith and its "called as" line */
        put(g, "(");
        if (chance(g, 50)) {
            gen_num(g, d - 1);
            put(g, " + ");
            gen_atom(g);
        } else {
            gen_atom(g);
            put(g, " * ");
            gen_num(g, d - 1);
        }
        put(g, ")");
        return;
    case 12: {
        /* a match, then the variable it bound */
        int v = ++g->vars;
        put(g, "begin V%d = ", v);
        gen_any(g, d - 1);
        put(g, ", V%d end", v);
        return;
    }
    case 13: {
        int a = ++g->vars, b = ++g->vars;
        put(g, "begin {V%d, V%d} = {", a, b);
        gen_any(g, d - 1);
        put(g, ", ");
        gen_any(g, d - 1);
        put(g, "}, {V%d, V%d} end", b, a);
        return;
    }
    case 14: {
        /* the same name in each clause: each binds it afresh */
        int v = ++g->vars;
        put(g, "case ");
        gen_any(g, d - 1);
        put(g, " of V%d when is_integer(V%d) -> {int, V%d}; "
               "V%d when is_list(V%d) -> {list, length(V%d)}; "
               "V%d -> {other, V%d} end", v, v, v, v, v, v, v, v);
        return;
    }
    case 15:
        put(g, "case ");
        gen_bool(g, d - 1);
        put(g, " of true -> yes; false -> no end");
        return;
    case 16:
        put(g, "case ");
        gen_any(g, d - 1);
        put(g, " of [] -> nil; {} -> empty; #{} -> map; <<>> -> bin; "
               "[_ | _] -> cons; _ -> other end");
        return;
    case 17:
        put(g, "receive after 0 -> ");
        gen_any(g, d - 1);
        put(g, " end");
        return;
    default:
        if (chance(g, 50)) {
            put(g, "is_map_key(k%d, ", below(g, 6));
            gen_map(g, d - 1);
        } else {
            put(g, "abs(");
            gen_num(g, d - 1);
        }
        put(g, ")");
        return;
    }
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: gen FIRST [LAST]\n");
        return 2;
    }
    uint64_t first = strtoull(argv[1], NULL, 10);
    uint64_t last = argc == 3 ? strtoull(argv[2], NULL, 10) : first;
    for (uint64_t seed = first; seed <= last; seed++) {
        gen g = {.r = rng_stream(seed, "otp_gen", 0)};
        do {
            undo(&g, 0);
            gen_any(&g, 2 + below(&g, 4));
        } while (g.n < MINLEN || g.n > MAXLEN);
        printf("%s.\n", g.s);
    }
    return 0;
}
