/* eval_ops: Erlang's operators and the pure BIFs the evaluator runs
 * itself, with the exceptions erts raises for them.
 *
 * Integers are int64: where Erlang would grow a bignum, the operation
 * raises error:system_limit instead (clustersim has no bignums), never
 * wraps. Floats follow erts: `/` always gives a float, a result that is
 * not finite raises badarith. Operator exceptions carry erlang:Op, the
 * operands and is_operator, so the shell prints "in operator  '/'/2 /
 * called as 1 / 0"; BIF exceptions carry erlang:Name and the arguments.
 * Every function leaves its operands alone (borrowed) and returns new
 * references. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/erl/eval_ast.h"
#include "core/term/xalloc.h"

static const char *const op_names[] = {
    [OP_NONE] = "?",
    [OP_ADD] = "+", [OP_SUB] = "-", [OP_MUL] = "*", [OP_FDIV] = "/",
    [OP_DIV] = "div", [OP_REM] = "rem", [OP_BAND] = "band", [OP_BOR] = "bor",
    [OP_BXOR] = "bxor", [OP_BSL] = "bsl", [OP_BSR] = "bsr", [OP_AND] = "and",
    [OP_OR] = "or", [OP_XOR] = "xor", [OP_EQ] = "==", [OP_NE] = "/=",
    [OP_EXEQ] = "=:=", [OP_EXNE] = "=/=", [OP_LT] = "<", [OP_GT] = ">",
    [OP_LE] = "=<", [OP_GE] = ">=", [OP_APPEND] = "++",
    [OP_SUBTRACT] = "--", [OP_NEG] = "-", [OP_PLUS] = "+", [OP_NOT] = "not",
    [OP_BNOT] = "bnot",
};

/* The Erlang name of an operator. */
const char *ev__op_name(ev_op op)
{
    return op_names[op];
}

/* Fills x with class `cls` and `reason` (ownership taken), no location. */
void ev__exc_set(ev_exception *x, const char *cls, term *reason)
{
    memset(x, 0, sizeof *x);
    x->cls = atom_intern(cls);
    x->reason = reason;
}

/* As ev__exc_set, raised by erlang:Op on operands a (and b). */
void ev__exc_op(ev_exception *x, const char *cls, term *reason, ev_op op,
                const term *a, const term *b)
{
    ev__exc_set(x, cls, reason);
    x->mod = atom_intern("erlang");
    x->fun = atom_intern(op_names[op]);
    x->arity = b ? 2 : 1;
    term *el[2] = { term_ref((term *)a), b ? term_ref((term *)b) : NULL };
    x->args = term_list(x->arity, el, NULL);
    x->is_operator = true;
}

/* Releases what the exception owns; the struct may be reused. */
void ev_exception_fini(ev_exception *x)
{
    if (!x)
        return;
    term_unref(x->reason);
    term_unref(x->args);
    term_unref(x->callers);
    free(x->file_owned);
    x->reason = NULL;
    x->args = NULL;
    x->callers = NULL;
    x->file_owned = NULL;
}

ev_exception ev_exception_copy(const ev_exception *x)
{
    ev_exception c = *x;
    term_ref(c.reason);
    term_ref(c.args);
    term_ref(c.callers);
    if (x->file_owned) {
        c.file_owned = xstrdup(x->file_owned);
        c.file = c.file_owned;
    }
    return c;
}

/* erl_error:is_stacktrace/1's frame. */
static bool is_frame(const term *f)
{
    if (f->tag != T_TUPLE || f->u.tuple.n != 4)
        return false;
    term *const *e = f->u.tuple.el;
    return e[0]->tag == T_ATOM && e[1]->tag == T_ATOM &&
           (e[2]->tag == T_INT || term_is_proper_list(e[2])) &&
           term_is_proper_list(e[3]);
}

bool ev_exception_from_stack(ev_exception *x, atom_t cls, const term *reason,
                             const term *stack)
{
    memset(x, 0, sizeof *x);
    x->cls = cls;
    x->reason = term_ref((term *)reason);
    if (!term_is_proper_list(stack))
        return false;
    for (const term *l = stack; l->tag == T_CONS; l = l->u.cons.tail)
        if (!is_frame(l->u.cons.head))
            return false;
    if (stack->tag != T_CONS)
        return true;
    term *const *e = stack->u.cons.head->u.tuple.el;
    x->mod = e[0]->u.atom;
    x->fun = e[1]->u.atom;
    if (e[2]->tag == T_INT) {
        x->arity = (uint32_t)e[2]->u.i;
    } else {
        x->args = term_ref(e[2]);
        x->arity = (uint32_t)term_list_length(e[2]);
    }
    /* [{file, F}, {line, L}] in either order; a frame without both
     * prints no location, as erl_error's */
    const term *file = NULL, *line = NULL;
    for (const term *o = e[3]; o->tag == T_CONS; o = o->u.cons.tail) {
        const term *kv = o->u.cons.head;
        if (kv->tag != T_TUPLE || kv->u.tuple.n != 2)
            continue;
        if (term_is_atom(kv->u.tuple.el[0], atom_intern("file")))
            file = kv->u.tuple.el[1];
        else if (term_is_atom(kv->u.tuple.el[0], atom_intern("line")) &&
                 kv->u.tuple.el[1]->tag == T_INT)
            line = kv->u.tuple.el[1];
    }
    if (file && line && term_is_proper_list(file)) {
        strbuf fb;
        sb_init(&fb);
        for (const term *c = file; c->tag == T_CONS; c = c->u.cons.tail)
            if (c->u.cons.head->tag == T_INT)
                sb_put_utf8(&fb, (uint32_t)c->u.cons.head->u.i);
        x->file_owned = fb.s ? sb_take(&fb) : xstrdup("");
        x->file = x->file_owned;
        x->line = (int)line->u.i;
    }
    x->callers = term_ref(stack->u.cons.tail);
    x->traced = true;
    return true;
}

void ev_exception_detail(ev_exception *x, int argi, const char *detail)
{
    x->arg_index = argi;
    snprintf(x->arg_detail, sizeof x->arg_detail, "%s", detail ? detail : "");
}

static ev_status op_raise(ev_exception *x, const char *reason, ev_op op,
                          const term *a, const term *b)
{
    ev__exc_op(x, "error", term_atom_s(reason), op, a, b);
    return EV_RAISED;
}

static bool is_num(const term *t)
{
    return t->tag == T_INT || t->tag == T_FLOAT;
}

static double num_f(const term *t)
{
    return t->tag == T_INT ? (double)t->u.i : t->u.f;
}

static int as_bool(const term *t)
{
    if (term_is_atom(t, atom_intern("true")))
        return 1;
    if (term_is_atom(t, atom_intern("false")))
        return 0;
    return -1;
}

static ev_status float_result(double r, ev_op op, const term *a,
                              const term *b, term **out, ev_exception *x)
{
    if (!isfinite(r))
        return op_raise(x, "badarith", op, a, b);
    *out = term_float(r);
    return EV_DONE;
}

static ev_status int_arith(ev_op op, int64_t i, int64_t j, const term *a,
                           const term *b, term **out, ev_exception *x)
{
    int64_t r = 0;
    bool ovf = false;
    switch (op) {
    case OP_ADD: ovf = __builtin_add_overflow(i, j, &r); break;
    case OP_SUB: ovf = __builtin_sub_overflow(i, j, &r); break;
    case OP_MUL: ovf = __builtin_mul_overflow(i, j, &r); break;
    case OP_DIV:
    case OP_REM:
        if (j == 0)
            return op_raise(x, "badarith", op, a, b);
        if (i == INT64_MIN && j == -1)
            ovf = op == OP_DIV;             /* rem is 0 */
        else
            r = op == OP_DIV ? i / j : i % j;  /* C truncates, as erts */
        break;
    case OP_BAND: r = i & j; break;
    case OP_BOR: r = i | j; break;
    case OP_BXOR: r = i ^ j; break;
    case OP_BSL:
    case OP_BSR: {
        int64_t s = op == OP_BSL ? j : (j == INT64_MIN ? INT64_MAX : -j);
        if (s >= 0) {                       /* shift left */
            if (i == 0)
                r = 0;
            else if (s >= 64 || (i > 0 ? i > (INT64_MAX >> s)
                                       : i < (INT64_MIN >> s)))
                ovf = true;
            else
                r = (int64_t)((uint64_t)i << s);
        } else {                            /* arithmetic shift right */
            r = -s >= 63 ? (i < 0 ? -1 : 0) : (i >> -s);
        }
        break;
    }
    default:
        return op_raise(x, "badarith", op, a, b);
    }
    if (ovf)
        return op_raise(x, "system_limit", op, a, b);
    *out = term_int(r);
    return EV_DONE;
}

static term *list_append(const term *a, const term *b)
{
    size_t n = term_list_length(a), k = 0;
    term **el = xmalloc((n ? n : 1) * sizeof *el);
    for (const term *t = a; t->tag == T_CONS; t = t->u.cons.tail)
        el[k++] = term_ref(t->u.cons.head);
    term *r = term_list((uint32_t)n, el, term_ref((term *)b));
    free(el);
    return r;
}

/* a -- b: removes, for each element of b, its first occurrence in a. */
static term *list_subtract(const term *a, const term *b)
{
    size_t n = term_list_length(a), k = 0;
    const term **el = xmalloc((n ? n : 1) * sizeof *el);
    bool *gone = xcalloc(n ? n : 1, sizeof *gone);
    for (const term *t = a; t->tag == T_CONS; t = t->u.cons.tail)
        el[k++] = t->u.cons.head;
    for (const term *t = b; t->tag == T_CONS; t = t->u.cons.tail) {
        for (size_t i = 0; i < n; i++) {
            if (!gone[i] && term_equal(el[i], t->u.cons.head)) {
                gone[i] = true;
                break;
            }
        }
    }
    term *r = term_nil();
    for (size_t i = n; i-- > 0;)
        if (!gone[i])
            r = term_cons(term_ref((term *)el[i]), r);
    free(el);
    free(gone);
    return r;
}

/* Applies a binary operator; see eval_ast.h. */
ev_status ev__op2(ev_op op, const term *a, const term *b, term **out,
                  ev_exception *x)
{
    switch (op) {
    case OP_EQ: *out = term_bool(term_compare(a, b, true) == 0); return EV_DONE;
    case OP_NE: *out = term_bool(term_compare(a, b, true) != 0); return EV_DONE;
    case OP_EXEQ: *out = term_bool(term_equal(a, b)); return EV_DONE;
    case OP_EXNE: *out = term_bool(!term_equal(a, b)); return EV_DONE;
    case OP_LT: *out = term_bool(term_compare(a, b, true) < 0); return EV_DONE;
    case OP_GT: *out = term_bool(term_compare(a, b, true) > 0); return EV_DONE;
    case OP_LE: *out = term_bool(term_compare(a, b, true) <= 0); return EV_DONE;
    case OP_GE: *out = term_bool(term_compare(a, b, true) >= 0); return EV_DONE;
    case OP_AND:
    case OP_OR:
    case OP_XOR: {
        int p = as_bool(a), q = as_bool(b);
        if (p < 0 || q < 0)
            return op_raise(x, "badarg", op, a, b);
        *out = term_bool(op == OP_AND ? (p && q) : op == OP_OR ? (p || q) : (p != q));
        return EV_DONE;
    }
    case OP_APPEND:
        if (!term_is_proper_list(a))
            return op_raise(x, "badarg", op, a, b);
        *out = list_append(a, b);
        return EV_DONE;
    case OP_SUBTRACT:
        if (!term_is_proper_list(a) || !term_is_proper_list(b))
            return op_raise(x, "badarg", op, a, b);
        *out = list_subtract(a, b);
        return EV_DONE;
    case OP_FDIV:
        if (!is_num(a) || !is_num(b) || num_f(b) == 0.0)
            return op_raise(x, "badarith", op, a, b);
        return float_result(num_f(a) / num_f(b), op, a, b, out, x);
    case OP_ADD:
    case OP_SUB:
    case OP_MUL:
        if (!is_num(a) || !is_num(b))
            return op_raise(x, "badarith", op, a, b);
        if (a->tag == T_INT && b->tag == T_INT)
            return int_arith(op, a->u.i, b->u.i, a, b, out, x);
        return float_result(op == OP_ADD ? num_f(a) + num_f(b)
                            : op == OP_SUB ? num_f(a) - num_f(b)
                            : num_f(a) * num_f(b), op, a, b, out, x);
    default:
        if (a->tag != T_INT || b->tag != T_INT)
            return op_raise(x, "badarith", op, a, b);
        return int_arith(op, a->u.i, b->u.i, a, b, out, x);
    }
}

/* Applies a unary operator; see eval_ast.h. */
ev_status ev__op1(ev_op op, const term *a, term **out, ev_exception *x)
{
    switch (op) {
    case OP_NOT: {
        int p = as_bool(a);
        if (p < 0)
            return op_raise(x, "badarg", op, a, NULL);
        *out = term_bool(!p);
        return EV_DONE;
    }
    case OP_NEG:
        if (a->tag == T_INT) {
            if (a->u.i == INT64_MIN)
                return op_raise(x, "system_limit", op, a, NULL);
            *out = term_int(-a->u.i);
            return EV_DONE;
        }
        if (a->tag == T_FLOAT) {
            *out = term_float(-a->u.f);
            return EV_DONE;
        }
        return op_raise(x, "badarith", op, a, NULL);
    case OP_PLUS:
        if (!is_num(a))
            return op_raise(x, "badarith", op, a, NULL);
        *out = term_ref((term *)a);
        return EV_DONE;
    case OP_BNOT:
        if (a->tag != T_INT)
            return op_raise(x, "badarith", op, a, NULL);
        *out = term_int(~a->u.i);
        return EV_DONE;
    default:
        return op_raise(x, "badarg", op, a, NULL);
    }
}

/* ---- pure BIFs ---- */

typedef ev_status (*bif_fn)(term **args, term **out, ev_exception *x);

static ev_status type_test(bool ok, term **out)
{
    *out = term_bool(ok);
    return EV_DONE;
}

#define TYPE_BIF(name, expr) \
    static ev_status bif_##name(term **a, term **out, ev_exception *x) \
    { (void)x; return type_test((expr), out); }

TYPE_BIF(is_atom, a[0]->tag == T_ATOM)
TYPE_BIF(is_binary, term_is_binary(a[0]))
TYPE_BIF(is_bitstring, a[0]->tag == T_BIN)
TYPE_BIF(is_boolean, as_bool(a[0]) >= 0)
TYPE_BIF(is_float, a[0]->tag == T_FLOAT)
TYPE_BIF(is_function, a[0]->tag == T_FUN)
TYPE_BIF(is_integer, a[0]->tag == T_INT)
TYPE_BIF(is_list, a[0]->tag == T_CONS || a[0]->tag == T_NIL)
TYPE_BIF(is_map, a[0]->tag == T_MAP)
TYPE_BIF(is_number, is_num(a[0]))
TYPE_BIF(is_pid, a[0]->tag == T_PID)
TYPE_BIF(is_port, ((void)a, false))
TYPE_BIF(is_reference, a[0]->tag == T_REF)
TYPE_BIF(is_tuple, a[0]->tag == T_TUPLE)

/* The caller (ev__bif_call) fills in erlang:Name and the arguments;
 * `arg` and `detail` are erl_erts_errors' "*** argument N: detail". */
static ev_status badarg(ev_exception *x, int arg, const char *detail)
{
    ev__exc_set(x, "error", term_atom_s("badarg"));
    ev_exception_detail(x, arg, detail);
    return EV_RAISED;
}

static ev_status bif_is_function2(term **a, term **out, ev_exception *x)
{
    if (a[1]->tag != T_INT)
        return badarg(x, 2, "not an integer");
    if (a[1]->u.i < 0 || a[1]->u.i > 255)
        return badarg(x, 2, "out of range");
    return type_test(a[0]->tag == T_FUN && a[0]->u.fun.arity == a[1]->u.i, out);
}

static ev_status bif_abs(term **a, term **out, ev_exception *x)
{
    if (a[0]->tag == T_INT) {
        if (a[0]->u.i == INT64_MIN) {
            ev__exc_set(x, "error", term_atom_s("system_limit"));
            return EV_RAISED;
        }
        *out = term_int(a[0]->u.i < 0 ? -a[0]->u.i : a[0]->u.i);
        return EV_DONE;
    }
    if (a[0]->tag == T_FLOAT) {
        /* erlang:abs/1 negates a float below zero and leaves the rest
         * alone, so abs(-0.0) is -0.0 (erl 25) */
        *out = term_float(a[0]->u.f < 0 ? -a[0]->u.f : a[0]->u.f);
        return EV_DONE;
    }
    return badarg(x, 1, "not a number");
}

static ev_status bif_float(term **a, term **out, ev_exception *x)
{
    if (!is_num(a[0]))
        return badarg(x, 1, "not a number");
    *out = term_float(num_f(a[0]));
    return EV_DONE;
}

/* round / trunc / ceil / floor: a float to an int64. */
static ev_status to_int(term **a, term **out, ev_exception *x, double (*f)(double))
{
    if (a[0]->tag == T_INT) {
        *out = term_ref(a[0]);
        return EV_DONE;
    }
    if (a[0]->tag != T_FLOAT)
        return badarg(x, 1, "not a number");
    double r = f(a[0]->u.f);
    if (!(r > -9223372036854775808.0 && r < 9223372036854775808.0)) {
        ev__exc_set(x, "error", term_atom_s("system_limit"));
        return EV_RAISED;
    }
    *out = term_int((int64_t)r);
    return EV_DONE;
}
static ev_status bif_round(term **a, term **o, ev_exception *x) { return to_int(a, o, x, round); }
static ev_status bif_trunc(term **a, term **o, ev_exception *x) { return to_int(a, o, x, trunc); }
static ev_status bif_ceil(term **a, term **o, ev_exception *x) { return to_int(a, o, x, ceil); }
static ev_status bif_floor(term **a, term **o, ev_exception *x) { return to_int(a, o, x, floor); }

static ev_status bif_element(term **a, term **out, ev_exception *x)
{
    if (a[0]->tag != T_INT)
        return badarg(x, 1, "not an integer");
    if (a[1]->tag != T_TUPLE)
        return badarg(x, 2, "not a tuple");
    if (a[0]->u.i < 1 || (uint64_t)a[0]->u.i > a[1]->u.tuple.n)
        return badarg(x, 1, "out of range");
    *out = term_ref(a[1]->u.tuple.el[a[0]->u.i - 1]);
    return EV_DONE;
}

static ev_status bif_hd(term **a, term **out, ev_exception *x)
{
    if (a[0]->tag != T_CONS)
        return badarg(x, 1, "not a nonempty list");
    *out = term_ref(a[0]->u.cons.head);
    return EV_DONE;
}

static ev_status bif_tl(term **a, term **out, ev_exception *x)
{
    if (a[0]->tag != T_CONS)
        return badarg(x, 1, "not a nonempty list");
    *out = term_ref(a[0]->u.cons.tail);
    return EV_DONE;
}

static ev_status bif_length(term **a, term **out, ev_exception *x)
{
    if (!term_is_proper_list(a[0]))
        return badarg(x, 1, "not a list");
    *out = term_int((int64_t)term_list_length(a[0]));
    return EV_DONE;
}

/* Is t a tuple of `size` elements (any size when 0) whose first is
 * the atom `tag`? */
static bool is_record(const term *t, const term *tag, uint64_t size)
{
    return t->tag == T_TUPLE && t->u.tuple.n > 0
        && (size == 0 || t->u.tuple.n == size)
        && term_equal(t->u.tuple.el[0], tag);
}

/* erlang:is_record/2: erts names argument 1 for a tag that is not an
 * atom (erl 25: "*** argument 1: not an atom" for is_record({a},1)). */
static ev_status bif_is_record2(term **a, term **out, ev_exception *x)
{
    if (a[1]->tag != T_ATOM)
        return badarg(x, 1, "not an atom");
    return type_test(is_record(a[0], a[1], 0), out);
}

static ev_status bif_is_record3(term **a, term **out, ev_exception *x)
{
    if (a[1]->tag != T_ATOM)
        return badarg(x, 2, "not an atom");
    if (a[2]->tag != T_INT)
        return badarg(x, 3, "not an integer");
    return type_test(a[2]->u.i > 0
                     && is_record(a[0], a[1], (uint64_t)a[2]->u.i), out);
}

/* '$record_field'(R, Name, Size, I): field I of record R, what
 * erl_expand_records makes of R#Name.F (in a body: a case raising
 * {badrecord, R} when R is no such record; in a guard: element/2 after
 * an is_record/3 test, so the guard fails). It raises without a
 * location, as erlang:error/1 does: the frame is the function's. */
static ev_status bif_record_field(term **a, term **out, ev_exception *x)
{
    if (a[2]->tag != T_INT || a[3]->tag != T_INT || a[3]->u.i < 2
        || a[3]->u.i > a[2]->u.i
        || !is_record(a[0], a[1], (uint64_t)a[2]->u.i)) {
        ev__exc_set(x, "error", term_tuplev(2, term_atom_s("badrecord"),
                                            term_ref(a[0])));
        return EV_RAISED;
    }
    *out = term_ref(a[0]->u.tuple.el[a[3]->u.i - 1]);
    return EV_DONE;
}

static ev_status bif_tuple_size(term **a, term **out, ev_exception *x)
{
    if (a[0]->tag != T_TUPLE)
        return badarg(x, 1, "not a tuple");
    *out = term_int(a[0]->u.tuple.n);
    return EV_DONE;
}

static ev_status bif_byte_size(term **a, term **out, ev_exception *x)
{
    if (a[0]->tag != T_BIN)
        return badarg(x, 1, "not a bitstring");
    *out = term_int((int64_t)a[0]->u.bin.n);
    return EV_DONE;
}

static ev_status bif_bit_size(term **a, term **out, ev_exception *x)
{
    if (a[0]->tag != T_BIN)
        return badarg(x, 1, "not a bitstring");
    *out = term_int((int64_t)term_bit_size(a[0]));
    return EV_DONE;
}

/* size/1 of a bitstring counts its whole bytes (erl: size(<<1:9>>) is
 * 1, byte_size(<<1:9>>) 2). */
static ev_status bif_size(term **a, term **out, ev_exception *x)
{
    if (a[0]->tag == T_BIN) {
        *out = term_int((int64_t)(term_bit_size(a[0]) / 8));
        return EV_DONE;
    }
    if (a[0]->tag == T_TUPLE)
        return bif_tuple_size(a, out, x);
    return badarg(x, 1, "not tuple or binary");
}

static ev_status badmap(term *m, int arg, ev_exception *x)
{
    ev__exc_set(x, "error", term_tuplev(2, term_atom_s("badmap"), term_ref(m)));
    ev_exception_detail(x, arg, "not a map");
    return EV_RAISED;
}

static ev_status bif_map_size(term **a, term **out, ev_exception *x)
{
    if (a[0]->tag != T_MAP)
        return badmap(a[0], 1, x);
    *out = term_int(a[0]->u.map.n);
    return EV_DONE;
}

static ev_status bif_map_get(term **a, term **out, ev_exception *x)
{
    if (a[1]->tag != T_MAP)
        return badmap(a[1], 2, x);
    term *v = term_map_get(a[1], a[0]);
    if (!v) {
        ev__exc_set(x, "error",
                    term_tuplev(2, term_atom_s("badkey"), term_ref(a[0])));
        ev_exception_detail(x, 1, "not present in map");
        return EV_RAISED;
    }
    *out = term_ref(v);
    return EV_DONE;
}

static ev_status bif_is_map_key(term **a, term **out, ev_exception *x)
{
    if (a[1]->tag != T_MAP)
        return badmap(a[1], 2, x);
    return type_test(term_map_get(a[1], a[0]) != NULL, out);
}

/* error/1, error/2, exit/1, throw/1: they raise without a location, so
 * the shell prints no "in function" line for them, as erl. */
static ev_status bif_error(term **a, term **out, ev_exception *x)
{
    (void)out;
    ev__exc_set(x, "error", term_ref(a[0]));
    return EV_RAISED;
}
static ev_status bif_exit(term **a, term **out, ev_exception *x)
{
    (void)out;
    ev__exc_set(x, "exit", term_ref(a[0]));
    return EV_RAISED;
}
static ev_status bif_throw(term **a, term **out, ev_exception *x)
{
    (void)out;
    ev__exc_set(x, "throw", term_ref(a[0]));
    return EV_RAISED;
}

/* erlang:raise/3: raises Class:Reason with the stack trace given (the
 * exception names no frame of its own: its stack is Stack, as erts's);
 * a bad class or a stack that is not a list makes it return badarg, as
 * erts's does. */
static ev_status bif_raise(term **a, term **out, ev_exception *x)
{
    static const char *const cls[] = { "error", "exit", "throw" };
    for (size_t i = 0; i < 3; i++) {
        if (term_is_atom(a[0], atom_intern(cls[i]))
            && term_is_proper_list(a[2])) {
            ev__exc_set(x, cls[i], term_ref(a[1]));
            if (a[2]->tag == T_CONS) {
                x->callers = term_ref(a[2]);
                x->traced = true;
            }
            return EV_RAISED;
        }
    }
    *out = term_atom_s("badarg");
    return EV_DONE;
}

/* erlang:max/2 and min/2 (erlang.erl): the first argument unless the
 * second is strictly greater (smaller), so max(1, 1.0) is 1. */
static ev_status bif_max(term **a, term **out, ev_exception *x)
{
    (void)x;
    *out = term_ref(term_compare(a[0], a[1], true) < 0 ? a[1] : a[0]);
    return EV_DONE;
}

static ev_status bif_min(term **a, term **out, ev_exception *x)
{
    (void)x;
    *out = term_ref(term_compare(a[0], a[1], true) > 0 ? a[1] : a[0]);
    return EV_DONE;
}

static const struct bif {
    const char *name;
    uint32_t arity;
    bool guard;
    bool located;        /* raise with erlang:Name and the arguments */
    bif_fn fn;
} bifs[] = {
    { "is_atom", 1, true, true, bif_is_atom },
    { "is_binary", 1, true, true, bif_is_binary },
    { "is_bitstring", 1, true, true, bif_is_bitstring },
    { "is_boolean", 1, true, true, bif_is_boolean },
    { "is_float", 1, true, true, bif_is_float },
    { "is_function", 1, true, true, bif_is_function },
    { "is_function", 2, true, true, bif_is_function2 },
    { "is_integer", 1, true, true, bif_is_integer },
    { "is_list", 1, true, true, bif_is_list },
    { "is_map", 1, true, true, bif_is_map },
    { "is_number", 1, true, true, bif_is_number },
    { "is_pid", 1, true, true, bif_is_pid },
    { "is_port", 1, true, true, bif_is_port },
    { "is_reference", 1, true, true, bif_is_reference },
    { "is_tuple", 1, true, true, bif_is_tuple },
    { "abs", 1, true, true, bif_abs },
    { "bit_size", 1, true, true, bif_bit_size },
    { "byte_size", 1, true, true, bif_byte_size },
    { "ceil", 1, true, true, bif_ceil },
    { "element", 2, true, true, bif_element },
    { "float", 1, true, true, bif_float },
    { "floor", 1, true, true, bif_floor },
    { "hd", 1, true, true, bif_hd },
    { "is_map_key", 2, true, true, bif_is_map_key },
    { "is_record", 2, true, true, bif_is_record2 },
    { "is_record", 3, true, true, bif_is_record3 },
    { "$record_field", 4, true, false, bif_record_field },
    { "length", 1, true, true, bif_length },
    { "map_get", 2, true, true, bif_map_get },
    { "map_size", 1, true, true, bif_map_size },
    { "round", 1, true, true, bif_round },
    { "size", 1, true, true, bif_size },
    { "tl", 1, true, true, bif_tl },
    { "trunc", 1, true, true, bif_trunc },
    { "tuple_size", 1, true, true, bif_tuple_size },
    { "max", 2, false, false, bif_max },
    { "min", 2, false, false, bif_min },
    { "error", 1, false, false, bif_error },
    { "error", 2, false, false, bif_error },
    { "exit", 1, false, false, bif_exit },
    { "throw", 1, false, false, bif_throw },
    { "raise", 3, false, false, bif_raise },     /* not auto-imported */
};

/* Index of erlang:fun/arity among the BIFs run here, or -1. */
#define NBIFS (sizeof bifs / sizeof bifs[0])

/* The names as atoms, made on the first lookup (atoms are for the
 * program's life, the same in every world), and the rows ordered by
 * (name atom, arity, row) for a binary search; of the rows of one name
 * and arity, the first that fits is taken, as a scan in row order would. */
static atom_t bif_names[NBIFS];
static int bif_index[NBIFS];

static int bif_key_cmp(int a, atom_t fun, uint32_t arity)
{
    if (bif_names[a] != fun)
        return bif_names[a] < fun ? -1 : 1;
    return bifs[a].arity != arity ? (bifs[a].arity < arity ? -1 : 1) : 0;
}

static int bif_row_cmp(const void *x, const void *y)
{
    int a = *(const int *)x, b = *(const int *)y;
    int c = bif_key_cmp(a, bif_names[b], bifs[b].arity);
    return c ? c : (a > b) - (a < b);
}

int ev__bif_find(atom_t mod, atom_t fun, uint32_t arity, bool guard_only)
{
    static atom_t none, erlang;
    if (!erlang) {
        for (size_t i = 0; i < NBIFS; i++) {
            bif_names[i] = atom_intern(bifs[i].name);
            bif_index[i] = (int)i;
        }
        qsort(bif_index, NBIFS, sizeof *bif_index, bif_row_cmp);
        none = atom_intern("");
        erlang = atom_intern("erlang");
    }
    if (mod != none && mod != erlang)
        return -1;
    size_t lo = 0, hi = NBIFS;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (bif_key_cmp(bif_index[mid], fun, arity) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < NBIFS && bif_key_cmp(bif_index[lo], fun, arity) == 0; lo++) {
        int i = bif_index[lo];
        if ((bifs[i].guard || !guard_only) && (bifs[i].fn != bif_raise || mod == erlang))
            return i;
    }
    return -1;
}

void ev_vm_functions(ev_fn_visit visit, void *ctx)
{
    for (size_t i = 0; i < NBIFS; i++)
        if (bifs[i].name[0] != '$')
            visit(ctx, "erlang", bifs[i].name, bifs[i].arity,
                  bifs[i].fn != bif_raise);
    visit(ctx, "erlang", "apply", 2, true);
    visit(ctx, "erlang", "apply", 3, true);
    ev__lib_each(visit, ctx);
}

/* Runs BIF `idx` on args (borrowed); see eval_ast.h. */
ev_status ev__bif_call(int idx, uint32_t argc, term **args, term **out,
                       ev_exception *x)
{
    const struct bif *b = &bifs[idx];
    ev_status s = b->fn(args, out, x);
    if (s == EV_RAISED && b->located) {
        x->mod = atom_intern("erlang");
        x->fun = atom_intern(b->name);
        x->arity = argc;
        for (uint32_t i = 0; i < argc; i++)
            term_ref(args[i]);
        x->args = term_list(argc, args, NULL);
    }
    return s;
}
