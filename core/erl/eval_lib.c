/* eval_lib: the library functions that take funs (lists:map/2,
 * foldl/3, foldr/3, filter/2, foreach/2, any/2, all/2, partition/2,
 * splitwith/2, takewhile/2, dropwhile/2, mapfoldl/3, mapfoldr/3,
 * flatmap/2, zipwith/3, filtermap/2, sort/2, usort/2, keymap/3,
 * zipwith3/4, search/2, uniq/2, merge/3; maps:map/2, filter/2,
 * filtermap/2, fold/3, foreach/2, update_with/3,4, merge_with/3,
 * intersect_with/3, groups_from_list/2,3, from_keys/2, intersect/2,
 * iterator/1, next/1; timer:tc/1,2,3), written in the
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
#include <stdlib.h>
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
} lib[] = {
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
    /* maps that take funs (maps.erl), over maps:to_list's order */
    { "maps", "map", 2,
      "fun(F, M) when is_function(F, 2), is_map(M) -> "
      "maps:from_list([{K, F(K, V)} || {K, V} <- maps:to_list(M)]) end." },
    { "maps", "filter", 2,
      "fun(P, M) when is_function(P, 2), is_map(M) -> "
      "maps:from_list([{K, V} || {K, V} <- maps:to_list(M), P(K, V)]) end." },
    { "maps", "filtermap", 2,
      "fun(F, M) when is_function(F, 2), is_map(M) -> "
      "maps:from_list(lists:filtermap(fun({K, V}) -> case F(K, V) of "
      "true -> true; {true, W} -> {true, {K, W}}; false -> false end end, "
      "maps:to_list(M))) end." },
    { "maps", "fold", 3,
      "fun(F, Acc0, M) when is_function(F, 3), is_map(M) -> "
      "lists:foldl(fun({K, V}, A) -> F(K, V, A) end, Acc0, maps:to_list(M)) end." },
    { "maps", "foreach", 2,
      "fun(F, M) when is_function(F, 2), is_map(M) -> "
      "lists:foreach(fun({K, V}) -> F(K, V) end, maps:to_list(M)) end." },
    { "maps", "update_with", 3,
      "fun(K, F, M) when is_function(F, 1), is_map(M) -> case M of "
      "#{K := V} -> M#{K := F(V)}; _ -> error({badkey, K}) end end." },
    { "maps", "update_with", 4,
      "fun(K, F, Init, M) when is_function(F, 1), is_map(M) -> case M of "
      "#{K := V} -> M#{K := F(V)}; _ -> M#{K => Init} end end." },
    { "maps", "merge_with", 3,
      "fun(F, M1, M2) when is_function(F, 3), is_map(M1), is_map(M2) -> "
      "lists:foldl(fun({K, V2}, A) -> case A of #{K := V1} -> "
      "A#{K := F(K, V1, V2)}; _ -> A#{K => V2} end end, M1, "
      "maps:to_list(M2)) end." },
    { "maps", "intersect_with", 3,
      "fun(F, M1, M2) when is_function(F, 3), is_map(M1), is_map(M2) -> "
      "maps:from_list([{K, F(K, V1, maps:get(K, M2))} || "
      "{K, V1} <- maps:to_list(M1), maps:is_key(K, M2)]) end." },
    { "maps", "groups_from_list", 2,
      "fun(F, L) when is_function(F, 1), is_list(L) -> " REV
      "G = lists:foldl(fun(X, A) -> K = F(X), case A of #{K := Xs} -> "
      "A#{K := [X|Xs]}; _ -> A#{K => [X]} end end, #{}, L), "
      "maps:from_list([{K, Rev(Xs, [])} || {K, Xs} <- maps:to_list(G)]) end." },
    { "maps", "groups_from_list", 3,
      "fun(F, VF, L) when is_function(F, 1), is_function(VF, 1), is_list(L) -> " REV
      "G = lists:foldl(fun(X, A) -> K = F(X), V = VF(X), case A of #{K := Vs} -> "
      "A#{K := [V|Vs]}; _ -> A#{K => [V]} end end, #{}, L), "
      "maps:from_list([{K, Rev(Vs, [])} || {K, Vs} <- maps:to_list(G)]) end." },
    { "maps", "from_keys", 2,
      "fun(Ks, V) when is_list(Ks) -> maps:from_list([{K, V} || K <- Ks]) end." },
    { "maps", "intersect", 2,
      "fun(M1, M2) when is_map(M1), is_map(M2) -> "
      "maps:from_list([{K, maps:get(K, M2)} || {K, _} <- maps:to_list(M1), "
      "maps:is_key(K, M2)]) end." },
    /* an iterator is the map's pairs in maps:to_list's order (OTP's is
     * opaque: only maps:next/1 reads it) */
    { "maps", "iterator", 1,
      "fun(M) when is_map(M) -> maps:to_list(M) end." },
    { "maps", "next", 1,
      "fun([{K, V}|I]) -> {K, V, I}; ([]) -> none end." },
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
};_Static_assert(sizeof lib / sizeof lib[0] == EV__NLIB,
               "EV__NLIB (eval_ast.h) counts the rows of lib[]");


/* The index of mod:fun/arity in the library, or -1. */
void ev__lib_each(ev_fn_visit visit, void *ctx)
{
    for (int i = 0; i < EV__NLIB; i++)
        visit(ctx, lib[i].mod, lib[i].fun, lib[i].arity, false);
}

/* The table's rows by (module atom, function atom, arity, row): atoms
 * are interned once and live as long as the program, so a lookup is a
 * binary search over integers. The order of atom numbers only places the
 * rows; the row found is the first of its name, as a scan would find. */
static int lib_index[EV__NLIB];
static atom_t lib_mod[EV__NLIB], lib_fun[EV__NLIB];

static int lib_cmp(int a, atom_t mod, atom_t fun, uint32_t arity)
{
    if (lib_mod[a] != mod)
        return lib_mod[a] < mod ? -1 : 1;
    if (lib_fun[a] != fun)
        return lib_fun[a] < fun ? -1 : 1;
    if (lib[a].arity != arity)
        return lib[a].arity < arity ? -1 : 1;
    return 0;
}

static int lib_row_cmp(const void *x, const void *y)
{
    int a = *(const int *)x, b = *(const int *)y;
    int c = lib_cmp(a, lib_mod[b], lib_fun[b], lib[b].arity);
    return c ? c : (a > b) - (a < b);
}

int ev__lib_find(atom_t mod, atom_t fun, uint32_t arity)
{
    static bool ready;
    if (!ready) {
        ready = true;
        for (int i = 0; i < EV__NLIB; i++) {
            lib_mod[i] = atom_intern(lib[i].mod);
            lib_fun[i] = atom_intern(lib[i].fun);
            lib_index[i] = i;
        }
        qsort(lib_index, EV__NLIB, sizeof *lib_index, lib_row_cmp);
    }
    int lo = 0, hi = EV__NLIB;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (lib_cmp(lib_index[mid], mod, fun, arity) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < EV__NLIB && lib_cmp(lib_index[lo], mod, fun, arity) == 0
        ? lib_index[lo] : -1;
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
