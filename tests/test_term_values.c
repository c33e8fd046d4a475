/* test_term_values.c: Criterion tests of core/term/term.c, terms as
 * values: reference counting (static cells are never counted, trees free
 * completely: run under ASan or valgrind to see a leak), equality and the
 * standard term order (including integers against floats and the map key
 * order), maps with duplicate keys, and the string buffer. Terms are
 * written as Erlang text for the reader of test_term.c. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/term/term.h"
#include "tests/term_reader.h"

/* ---- reference counting ---- */

Test(term, static_cells_are_shared_and_never_counted)
{
    term *a = term_int(5), *b = term_int(5);
    cr_expect_eq(a, b);
    cr_expect_eq(a->rc, UINT32_MAX);
    cr_expect_eq(term_int(-16)->rc, UINT32_MAX);
    cr_expect_eq(term_int(255)->rc, UINT32_MAX);
    cr_expect_eq(term_int(-16)->u.i, -16);
    cr_expect_eq(term_ref(a), a);
    term_unref(a);
    term_unref(a);
    cr_expect_eq(a->rc, UINT32_MAX);
    cr_expect_eq(term_nil(), term_nil());
    cr_expect_eq(term_nil()->rc, UINT32_MAX);
    term *x = term_atom_s("ok");
    cr_expect_eq(x, term_atom_s("ok"));
    cr_expect_eq(x->rc, UINT32_MAX);
    term_unref(term_ref(x));
    cr_expect_eq(term_bool(true), term_atom_s("true"));
    term_unref(NULL);
    cr_expect_null(term_ref(NULL));
}

Test(term, heap_cells_count)
{
    term *big = term_int(256);
    cr_expect_eq(big->rc, 1);
    cr_expect_eq(term_ref(big), big);
    cr_expect_eq(big->rc, 2);
    term *t = term_tuplev(3, big, term_ref(big), term_float(1.5));
    cr_expect_eq(big->rc, 3);   /* the tuple took two of them */
    term_unref(t);              /* frees the tuple and its float */
    cr_expect_eq(big->rc, 1);
    term_unref(big);
}

Test(term, trees_free_completely)
{
    /* under ASan/valgrind a leak or double free here fails the run */
    term *shared = term_string("shared");
    term *keys[3] = { term_atom_s("a"), term_int(1000), term_ref(shared) };
    term *vals[3] = { term_binary("xyz", 3), term_ref(shared),
                      term_list(0, NULL, NULL) };
    term *m = term_map(3, keys, vals);
    term *el[4] = { m, shared, term_fun(atom_intern("m"), atom_intern("f"), 2),
                    term_cons(term_float(2.0), term_int(99999)) };
    term *t = term_tuple(4, el);
    term *l = term_cons(t, term_cons(term_ref(t), term_nil()));
    cr_expect_eq(t->rc, 2);
    term_unref(l);
}

Test(term, long_lists_free_without_deep_recursion)
{
    term *l = term_nil();
    for (int i = 0; i < 1000000; i++)
        l = term_cons(term_int(i), l);
    cr_expect_eq(term_list_length(l), 1000000u);
    cr_expect(term_is_proper_list(l));
    term *l2 = term_nil();
    for (int i = 0; i < 1000000; i++)
        l2 = term_cons(term_int(i), l2);
    cr_expect(term_equal(l, l2));
    term_unref(l);
    term_unref(l2);
}

Test(term, atoms_intern_once_and_text_stays_valid)
{
    atom_t a = atom_intern("hello");
    const char *txt = atom_text(a);
    char name[32];
    for (int i = 0; i < 20000; i++) {
        snprintf(name, sizeof name, "atom_%d", i);
        atom_intern(name);
    }
    cr_expect_eq(atom_intern("hello"), a);
    cr_expect_eq(atom_text(a), txt);
    cr_expect_str_eq(txt, "hello");
    cr_expect_eq(atom_intern_n("hello world", 5), a);
    cr_expect_str_eq(atom_text(atom_intern("")), "");
    cr_expect_eq(atom_intern(""), 0u);
    cr_expect(term_is_atom(term_atom(a), a));
}

/* ---- equality and order ---- */

static int cmp_src(const char *a, const char *b, bool arith)
{
    term *x = rd_term(a), *y = rd_term(b);
    int c = term_compare(x, y, arith);
    int back = term_compare(y, x, arith);
    cr_expect_eq(c < 0, back > 0, "%s vs %s not antisymmetric", a, b);
    cr_expect_eq(c == 0, back == 0, "%s vs %s not antisymmetric", a, b);
    term_unref(x);
    term_unref(y);
    return c;
}

Test(term, order_of_types)
{
    /* number < atom < reference < fun < pid < tuple < map < [] < list
     * < binary */
    const char *seq[] = {
        "1.5", "zzz", "list_to_ref(\"#Ref<0.1.2.3>\")", "fun a:b/0",
        "list_to_pid(\"<0.1.0>\")", "{}", "#{}", "[]", "[0]", "<<>>",
    };
    size_t n = sizeof seq / sizeof seq[0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            int c = cmp_src(seq[i], seq[j], true);
            cr_expect_eq(c < 0, i < j, "%s vs %s", seq[i], seq[j]);
            cr_expect_eq(c == 0, i == j, "%s vs %s", seq[i], seq[j]);
        }
}

Test(term, integers_and_floats)
{
    /* ==, <: by value */
    cr_expect_eq(cmp_src("1", "1.0", true), 0);
    cr_expect_lt(cmp_src("1", "1.5", true), 0);
    cr_expect_gt(cmp_src("2", "1.5", true), 0);
    cr_expect_lt(cmp_src("-3", "-2.5", true), 0);
    cr_expect_gt(cmp_src("9007199254740993", "9007199254740992.0", true), 0);
    cr_expect_lt(cmp_src("9223372036854775807", "1.0e19", true), 0);
    cr_expect_eq(cmp_src("{1,[2]}", "{1.0,[2.0]}", true), 0);
    /* =:= and the map key order: every integer before every float */
    cr_expect_lt(cmp_src("1", "1.0", false), 0);
    cr_expect_lt(cmp_src("2", "0.5", false), 0);
    cr_expect_lt(cmp_src("{2}", "{0.5}", false), 0);
    cr_expect_eq(cmp_src("0.0", "-0.0", false), 0);  /* OTP 25: equal */
    term *i = term_int(1), *f = term_float(1.0);
    cr_expect_not(term_equal(i, f));
    cr_expect(term_compare(i, f, true) == 0);
    term_unref(f);
}

Test(term, lists_tuples_maps_binaries)
{
    cr_expect_lt(cmp_src("[]", "[1]", true), 0);
    cr_expect_lt(cmp_src("[1,2]", "[1,2,3]", true), 0);
    cr_expect_lt(cmp_src("[1|2]", "[1,2]", true), 0);   /* erl: true */
    cr_expect_gt(cmp_src("[2]", "[1,2,3]", true), 0);
    cr_expect_lt(cmp_src("\"abc\"", "\"abd\"", true), 0);
    cr_expect_lt(cmp_src("{9}", "{1,1}", true), 0);     /* size first */
    cr_expect_lt(cmp_src("{1,2}", "{1,3}", true), 0);
    cr_expect_lt(cmp_src("#{b => 1}", "#{a => 1,b => 2}", true), 0);
    cr_expect_lt(cmp_src("#{a => 2}", "#{b => 1}", true), 0);  /* keys */
    cr_expect_lt(cmp_src("#{a => 1}", "#{a => 2}", true), 0);  /* values */
    /* keys compare exactly, values with the caller's arith (erl 25) */
    cr_expect_eq(cmp_src("#{a => 1}", "#{a => 1.0}", true), 0);
    cr_expect_neq(cmp_src("#{a => 1}", "#{a => 1.0}", false), 0);
    cr_expect_neq(cmp_src("#{1 => a}", "#{1.0 => a}", true), 0);
    cr_expect_gt(cmp_src("#{1.0 => x}", "#{2 => x}", true), 0);
    cr_expect_lt(cmp_src("<<1,2>>", "<<1,2,3>>", true), 0);
    cr_expect_gt(cmp_src("<<2>>", "<<1,2>>", true), 0);
    cr_expect_eq(cmp_src("<<\"abc\">>", "<<97,98,99>>", false), 0);
}

Test(term, atoms_order_by_text_not_by_table)
{
    atom_intern("zz_interned_first");
    atom_intern("aa_interned_second");
    cr_expect_lt(cmp_src("aa_interned_second", "zz_interned_first", false),
                 0);
    cr_expect_lt(cmp_src("a", "ab", false), 0);
    cr_expect_lt(cmp_src("'B'", "a", false), 0);
}

Test(term, pids_order_serial_number_node_creation)
{
    /* erl 25: <x.3.1> > <x.5.0>; a@h's <.5.0> > z@h's <.3.0> */
    term_pid base = { atom_intern("a@h"), 5, 0, 1 };
    term_pid p1 = base, p2 = base, p3 = base, p4 = base;
    p2.number = 3, p2.serial = 1;
    p3.node = atom_intern("z@h"), p3.number = 3;
    p4.creation = 2;
    term *a = term_pid_new(p1), *b = term_pid_new(p2), *c = term_pid_new(p3),
         *d = term_pid_new(p4);
    cr_expect_gt(term_compare(b, a, false), 0);
    cr_expect_gt(term_compare(a, c, false), 0);
    cr_expect_gt(term_compare(d, a, false), 0);
    term_pid p5 = { atom_intern("z@h"), 5, 0, 1 };
    term *e = term_pid_new(p5);
    cr_expect_lt(term_compare(a, e, false), 0);
    cr_expect(term_equal(a, a));
    term_unref(a);
    term_unref(b);
    term_unref(c);
    term_unref(d);
    term_unref(e);
}

/* ---- maps ---- */

Test(term, map_later_duplicate_wins)
{
    term *m = rd_term("#{k => 1, j => 0, k => 2, k => 3}");
    cr_expect_eq(m->u.map.n, 2u);
    term *k = term_atom_s("k");
    term *v = term_map_get(m, k);
    cr_assert_not_null(v);
    cr_expect_eq(v->u.i, 3);
    char *s = term_to_string(m, NULL);
    cr_expect_str_eq(s, "#{j => 0,k => 3}");
    free(s);
    term_unref(m);
}

Test(term, map_keys_are_exact)
{
    term *m = rd_term("#{1 => int, 1.0 => float, 2 => two}");
    cr_expect_eq(m->u.map.n, 3u);
    term *one = term_int(1), *onef = term_float(1.0), *three = term_int(3);
    cr_expect(term_is_atom(term_map_get(m, one), atom_intern("int")));
    cr_expect(term_is_atom(term_map_get(m, onef), atom_intern("float")));
    cr_expect_null(term_map_get(m, three));
    cr_expect_null(term_map_get(one, one));
    term_unref(onef);
    term_unref(m);
}

/* ---- strbuf ---- */

Test(term, strbuf)
{
    strbuf b;
    sb_init(&b);
    char *e = sb_take(&b);
    cr_expect_str_eq(e, "");
    free(e);
    sb_puts(&b, "ab");
    sb_putc(&b, 'c');
    sb_putn(&b, "dxx", 1);
    sb_printf(&b, "%d-%s", 42, "z");
    cr_expect_str_eq(b.s, "abcd42-z");
    cr_expect_eq(b.len, 8u);
    char big[1000];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    sb_printf(&b, "<%s>", big);
    cr_expect_eq(b.len, 8u + 1001u);
    cr_expect_eq(b.s[b.len - 1], '>');
    char *s = sb_take(&b);
    cr_expect_eq(strlen(s), 1009u);
    cr_expect_null(b.s);
    free(s);
    sb_fini(&b);
}
