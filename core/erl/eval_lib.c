/* eval_lib: the library functions that take funs (lists:map/2,
 * foldl/3, foldr/3, filter/2, foreach/2, any/2, all/2, partition/2,
 * splitwith/2, takewhile/2, dropwhile/2, mapfoldl/3, mapfoldr/3,
 * flatmap/2, zipwith/3, filtermap/2, sort/2, usort/2, keymap/3,
 * zipwith3/4, search/2, uniq/2, merge/3; timer:tc/1,2,3), written in the
 * shell's Erlang and run by the VM like any fun.
 *
 * Why not C BIFs: a BIF cannot call back into Erlang code, and the fun
 * it is given may block (receive, a blocking call) or raise; run on the
 * VM, these functions suspend, raise and count reductions as any code
 * does. Each is compiled the first time an evaluation calls it (a VM
 * keeps its own, so nothing is shared between simulations).
 *
 * Every loop is a tail call, so a long list runs in constant depth; the
 * results are OTP 25's. A call whose arguments fail the entry clause
 * (not a fun of the right arity, not a list) raises function_clause
 * naming the call, as erl does for a non-fun (`lists:map(a,[1])`);
 * where OTP 25 raises something else for a bad list (a case_clause in
 * lists:map/2, bad filter ...), these say function_clause too. */
#include <assert.h>
#include <string.h>

#include "core/erl/eval_ast.h"
#include "core/term/xalloc.h"

#define REV "Rev = fun R([H|T], A) -> R(T, [H|A]); R([], A) -> A end, "
/* A stable bottom-up merge by F (after REV): singleton runs, then passes
 * that merge neighbouring runs, the earlier one on the left, until one
 * is left. F(A, B) true: A goes first, so equal elements keep order. */
#define SORT "Merge = fun M([H1|T1] = L1, [H2|T2] = L2, Acc) -> " \
    "case F(H1, H2) of true -> M(T1, L2, [H1|Acc]); " \
    "false -> M(L1, T2, [H2|Acc]) end; " \
    "M([], L2, Acc) -> Rev(Acc, L2); M(L1, [], Acc) -> Rev(Acc, L1) end, " \
    "Pass = fun Ps([A, B|Rest], Out) -> Ps(Rest, [Merge(A, B, [])|Out]); " \
    "Ps(Rest, Out) -> Rev(Out, Rest) end, " \
    "Runs = fun Rs([H|T], Acc) -> Rs(T, [[H]|Acc]); Rs([], Acc) -> Rev(Acc, []) end, " \
    "Sort = fun(L0) -> Lp = fun Lp([R]) -> R; Lp([]) -> []; " \
    "Lp(Rs0) -> Lp(Pass(Rs0, [])) end, Lp(Runs(L0, [])) end, "

static const struct {
    const char *mod, *fun;
    uint32_t arity;
    const char *src;
} lib[EV__NLIB] = {
    { "lists", "map", 2,
      "fun(F, L) when is_function(F, 1), is_list(L) -> " REV
      "Loop = fun Lp([H|T], Acc) -> Lp(T, [F(H)|Acc]); "
      "Lp([], Acc) -> Rev(Acc, []) end, Loop(L, []) end." },
    { "lists", "foldl", 3,
      "fun(F, Acc0, L) when is_function(F, 2), is_list(L) -> "
      "Loop = fun Lp([H|T], A) -> Lp(T, F(H, A)); Lp([], A) -> A end, "
      "Loop(L, Acc0) end." },
    { "lists", "foldr", 3,
      "fun(F, Acc0, L) when is_function(F, 2), is_list(L) -> " REV
      "Loop = fun Lp([H|T], A) -> Lp(T, F(H, A)); Lp([], A) -> A end, "
      "Loop(Rev(L, []), Acc0) end." },
    { "lists", "filter", 2,
      "fun(P, L) when is_function(P, 1), is_list(L) -> " REV
      "Loop = fun Lp([H|T], Acc) -> case P(H) of true -> Lp(T, [H|Acc]); "
      "false -> Lp(T, Acc) end; Lp([], Acc) -> Rev(Acc, []) end, "
      "Loop(L, []) end." },
    { "lists", "foreach", 2,
      "fun(F, L) when is_function(F, 1), is_list(L) -> "
      "Loop = fun Lp([H|T]) -> F(H), Lp(T); Lp([]) -> ok end, "
      "Loop(L) end." },
    { "lists", "any", 2,
      "fun(P, L) when is_function(P, 1), is_list(L) -> "
      "Loop = fun Lp([H|T]) -> case P(H) of true -> true; "
      "false -> Lp(T) end; Lp([]) -> false end, Loop(L) end." },
    { "lists", "all", 2,
      "fun(P, L) when is_function(P, 1), is_list(L) -> "
      "Loop = fun Lp([H|T]) -> case P(H) of true -> Lp(T); "
      "false -> false end; Lp([]) -> true end, Loop(L) end." },
    { "lists", "partition", 2,
      "fun(P, L) when is_function(P, 1), is_list(L) -> " REV
      "Loop = fun Lp([H|T], S, N) -> case P(H) of true -> Lp(T, [H|S], N); "
      "false -> Lp(T, S, [H|N]) end; Lp([], S, N) -> {Rev(S, []), Rev(N, [])} "
      "end, Loop(L, [], []) end." },
    { "lists", "splitwith", 2,
      "fun(P, L) when is_function(P, 1), is_list(L) -> " REV
      "Loop = fun Lp([H|T], Acc) -> case P(H) of true -> Lp(T, [H|Acc]); "
      "false -> {Rev(Acc, []), [H|T]} end; Lp([], Acc) -> {Rev(Acc, []), []} "
      "end, Loop(L, []) end." },
    { "lists", "takewhile", 2,
      "fun(P, L) when is_function(P, 1), is_list(L) -> " REV
      "Loop = fun Lp([H|T], Acc) -> case P(H) of true -> Lp(T, [H|Acc]); "
      "false -> Rev(Acc, []) end; Lp([], Acc) -> Rev(Acc, []) end, "
      "Loop(L, []) end." },
    { "lists", "dropwhile", 2,
      "fun(P, L) when is_function(P, 1), is_list(L) -> "
      "Loop = fun Lp([H|T]) -> case P(H) of true -> Lp(T); "
      "false -> [H|T] end; Lp([]) -> [] end, Loop(L) end." },
    { "lists", "mapfoldl", 3,
      "fun(F, Acc0, L) when is_function(F, 2), is_list(L) -> " REV
      "Loop = fun Lp([H|T], A, Out) -> {R, A1} = F(H, A), Lp(T, A1, [R|Out]); "
      "Lp([], A, Out) -> {Rev(Out, []), A} end, Loop(L, Acc0, []) end." },
    { "lists", "mapfoldr", 3,
      "fun(F, Acc0, L) when is_function(F, 2), is_list(L) -> " REV
      "Loop = fun Lp([H|T], A, Out) -> {R, A1} = F(H, A), Lp(T, A1, [R|Out]); "
      "Lp([], A, Out) -> {Out, A} end, Loop(Rev(L, []), Acc0, []) end." },
    { "lists", "flatmap", 2,
      "fun(F, L) when is_function(F, 1), is_list(L) -> " REV
      "Loop = fun Lp([H|T], Acc) -> Lp(T, Rev(F(H), Acc)); "
      "Lp([], Acc) -> Rev(Acc, []) end, Loop(L, []) end." },
    { "lists", "zipwith", 3,
      "fun(F, L1, L2) when is_function(F, 2) -> " REV
      "Loop = fun Lp([X|Xs], [Y|Ys], Acc) -> Lp(Xs, Ys, [F(X, Y)|Acc]); "
      "Lp([], [], Acc) -> Rev(Acc, []) end, Loop(L1, L2, []) end." },
    { "lists", "filtermap", 2,
      "fun(F, L) when is_function(F, 1), is_list(L) -> " REV
      "Loop = fun Lp([H|T], Acc) -> case F(H) of false -> Lp(T, Acc); "
      "true -> Lp(T, [H|Acc]); {true, V} -> Lp(T, [V|Acc]) end; "
      "Lp([], Acc) -> Rev(Acc, []) end, Loop(L, []) end." },
    { "lists", "sort", 2,
      "fun(F, L) when is_function(F, 2), is_list(L) -> " REV SORT
      "Sort(L) end." },
    { "lists", "usort", 2,
      "fun(F, L) when is_function(F, 2), is_list(L) -> " REV SORT
      "Dedup = fun D(Prev, [H|T], Acc) -> case F(H, Prev) of "
      "true -> D(Prev, T, Acc); false -> D(H, T, [H|Acc]) end; "
      "D(_, [], Acc) -> Rev(Acc, []) end, "
      "case Sort(L) of [] -> []; [H|T] -> Dedup(H, T, [H]) end end." },
    { "lists", "keymap", 3,
      "fun(F, N, L) when is_function(F, 1), is_integer(N), N > 0, is_list(L) -> " REV
      "Loop = fun Lp([T|Ts], Acc) -> "
      "Lp(Ts, [setelement(N, T, F(element(N, T)))|Acc]); "
      "Lp([], Acc) -> Rev(Acc, []) end, Loop(L, []) end." },
    { "lists", "zipwith3", 4,
      "fun(F, L1, L2, L3) when is_function(F, 3) -> " REV
      "Loop = fun Lp([X|Xs], [Y|Ys], [Z|Zs], Acc) -> "
      "Lp(Xs, Ys, Zs, [F(X, Y, Z)|Acc]); "
      "Lp([], [], [], Acc) -> Rev(Acc, []) end, Loop(L1, L2, L3, []) end." },
    { "lists", "search", 2,
      "fun(P, L) when is_function(P, 1), is_list(L) -> "
      "Loop = fun Lp([H|T]) -> case P(H) of true -> {value, H}; "
      "false -> Lp(T) end; Lp([]) -> false end, Loop(L) end." },
    { "lists", "uniq", 2,
      "fun(F, L) when is_function(F, 1), is_list(L) -> " REV
      "Seen = fun S(_, []) -> false; S(K, [K|_]) -> true; "
      "S(K, [_|T]) -> S(K, T) end, "
      "Loop = fun Lp([H|T], Ks, Acc) -> K = F(H), "
      "case Seen(K, Ks) of true -> Lp(T, Ks, Acc); "
      "false -> Lp(T, [K|Ks], [H|Acc]) end; "
      "Lp([], _, Acc) -> Rev(Acc, []) end, Loop(L, [], []) end." },
    { "lists", "merge", 3,
      "fun(F, L1, L2) when is_function(F, 2), is_list(L1), is_list(L2) -> " REV
      "Loop = fun M([H1|T1] = A, [H2|T2] = B, Acc) -> "
      "case F(H1, H2) of true -> M(T1, B, [H1|Acc]); "
      "false -> M(A, T2, [H2|Acc]) end; "
      "M([], B, Acc) -> Rev(Acc, B); M(A, [], Acc) -> Rev(Acc, A) end, "
      "Loop(L1, L2, []) end." },
    /* timer:tc/1,2,3 (timer.erl): the call's value and how long it took,
     * in microseconds of virtual time */
    { "timer", "tc", 1,
      "fun(F) -> T0 = erlang:monotonic_time(), V = F(), "
      "T1 = erlang:monotonic_time(), "
      "{erlang:convert_time_unit(T1 - T0, native, microsecond), V} end." },
    { "timer", "tc", 2,
      "fun(F, A) -> T0 = erlang:monotonic_time(), V = apply(F, A), "
      "T1 = erlang:monotonic_time(), "
      "{erlang:convert_time_unit(T1 - T0, native, microsecond), V} end." },
    { "timer", "tc", 3,
      "fun(M, F, A) -> T0 = erlang:monotonic_time(), V = apply(M, F, A), "
      "T1 = erlang:monotonic_time(), "
      "{erlang:convert_time_unit(T1 - T0, native, microsecond), V} end." },
};

/* The index of mod:fun/arity in the library, or -1. */
void ev__lib_each(ev_fn_visit visit, void *ctx)
{
    for (int i = 0; i < EV__NLIB; i++)
        visit(ctx, lib[i].mod, lib[i].fun, lib[i].arity, false);
}

int ev__lib_find(atom_t mod, atom_t fun, uint32_t arity)
{
    for (int i = 0; i < EV__NLIB; i++)
        if (lib[i].arity == arity && !strcmp(atom_text(mod), lib[i].mod)
            && !strcmp(atom_text(fun), lib[i].fun))
            return i;
    return -1;
}

static void code_release(void *code)
{
    ev_code_free(code);
}

/* The library function `idx` as a fun (a new reference): compiles its
 * source, whose one expression is the fun, and closes it over nothing.
 * The fun carries its module and name, which function_clause reports. */
term *ev__lib_fun(int idx)
{
    ev_error err;
    ev_code *c = ev_compile(lib[idx].src, &err);
    assert(c);
    const ev_node *n = c->root->kid[0];
    uint32_t at = 0;
    while (c->ins[at].op != I_FUN)
        at++;
    term_closure *clo = xcalloc(1, sizeof *clo);
    clo->code = c;                     /* the compile's hold, now the fun's */
    clo->node = n;
    clo->entry = c->ins[at].a;
    clo->release = code_release;
    clo->env = term_nil();
    clo->line = (uint32_t)n->line;
    clo->col = (uint32_t)n->col;
    term *f = term_closure_new(atom_intern(lib[idx].mod), lib[idx].arity, clo);
    f->u.fun.fun = atom_intern(lib[idx].fun);
    return f;
}
