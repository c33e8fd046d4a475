/* test_eval_rec: records in modules (core/erl/eval_parse.c, as
 * erl_expand_records rewrites them into tuple code): creation with
 * defaults and `_`, access, update, #r.f, record_info/2, is_record/2 in
 * guards and bodies, record patterns in function heads, case, receive,
 * comprehension generators and map values, nested records, the
 * {badrecord, V} errors with their lines, erl_lint's record errors and
 * warnings, the shell (which has no records), and bounded compiles of
 * hostile records.
 *
 * Expected texts were observed in Erlang/OTP 25 (erts 13.1.5): values
 * and exceptions by calling the module's functions in `erl` after
 * `erlc`, messages as `erlc` printed them; "erl:" and "erlc:" mark such
 * quotes. erl prints a long value over several lines where these tests
 * have its one-line form. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/erl/eval.h"
#include "tests/eval_fake.h"

static const char shop_src[] =
    "-module(shop).\n"
    "-export([new_item/2, add/2, total/1, names/1, cheap/1, owner_of/1, order/0,\n"
    "         info/0, is_cart/1, kind/1, wait/0, all_x/0, set_name/2, price/1,\n"
    "         fun_access/0, map_val/1, empty/0, pos/0, nested_new/0, set_owner/2]).\n"
    "\n"
    "-record(item, {name, price = 0, tags = [] :: [atom()]}).\n"
    "-record(cart, {owner = nobody :: atom(), items = [] :: [#item{}],\n"
    "               total = 0 :: integer() | undefined,\n"
    "               meta = #{} :: #{atom() => term()}}).\n"
    "-record(order, {id :: 1..10, cart = #cart{} :: #cart{},\n"
    "                status = new :: new | paid | fun((integer()) -> ok) | m:t(),\n"
    "                raw = <<>> :: <<_:8>>}).\n"
    "\n"
    "new_item(N, P) -> #item{name = N, price = P}.\n"
    "\n"
    "add(C = #cart{items = Is, total = T}, I = #item{price = P}) ->\n"
    "    C#cart{items = [I | Is], total = T + P}.\n"
    "\n"
    "total(C) -> C#cart.total.\n"
    "\n"
    "names(#cart{items = Is}) -> [N || #item{name = N} <- Is].\n"
    "\n"
    "cheap(Is) -> [I#item.name || I <- Is, I#item.price < 10].\n"
    "\n"
    "owner_of(O) -> O#order.cart#cart.owner.\n"
    "\n"
    "order() -> #order{id = 1}.\n"
    "\n"
    "info() -> {record_info(fields, cart), record_info(size, order), #cart.total}.\n"
    "\n"
    "is_cart(X) when is_record(X, cart) -> yes;\n"
    "is_cart(_) -> no.\n"
    "\n"
    "kind(X) ->\n"
    "    case X of\n"
    "        #item{tags = [gift | _]} -> gift;\n"
    "        #item{} -> item;\n"
    "        #cart{} -> cart;\n"
    "        _ -> other\n"
    "    end.\n"
    "\n"
    "wait() ->\n"
    "    receive\n"
    "        #item{name = N} -> {got, N};\n"
    "        {wrap, #{k := #item{price = P}}} -> {price, P}\n"
    "    end.\n"
    "\n"
    "all_x() -> #item{_ = x}.\n"
    "\n"
    "set_name(I, N) -> I#item{name = N}.\n"
    "\n"
    "price(I) -> I#item.price.\n"
    "\n"
    "fun_access() ->\n"
    "    F = fun(#item{price = P}) -> P end,\n"
    "    F(#item{price = 5}).\n"
    "\n"
    "map_val(M) ->\n"
    "    #{k := #item{name = N}} = M,\n"
    "    N.\n"
    "\n"
    "empty() -> #cart{}.\n"
    "\n"
    "pos() -> [#item.name, #item.price, #item.tags].\n"
    "\n"
    "nested_new() -> #order{cart = #cart{owner = ann, items = [#item{name = pen}]}}.\n"
    "\n"
    "set_owner(O, W) -> O#order{cart = (O#order.cart)#cart{owner = W}}.\n";

/* Compiles src as `file`; its messages into *msgs (caller frees). */
static ev_module *compile(const char *src, const char *file, char **msgs)
{
    strbuf b;
    sb_init(&b);
    ev_module *m = ev_module_compile(src, file, &b);
    *msgs = b.s ? sb_take(&b) : strdup("");
    sb_fini(&b);
    return m;
}

static ev_module *shop(void)
{
    char *msgs;
    ev_module *m = compile(shop_src, "shop.erl", &msgs);
    cr_assert_not_null(m, "%s", msgs);
    cr_expect_str_eq(msgs, "");               /* erlc: no warnings */
    free(msgs);
    return m;
}

/* What the shell prints for src with module m loaded. */
static char *run(const ev_module *m, const char *src)
{
    ev_env *env = ev_env_new();
    fake f = { .mod = m };
    char *out = fake_run(src, env, &f);
    fake_fini(&f);
    ev_env_free(env);
    return out;
}

#define EXPECT_M(m, src, want)                                             \
    do {                                                                   \
        char *got_ = run(m, src);                                          \
        cr_expect_str_eq(got_, want, "%s\n  got:  %s\n  want: %s", src,   \
                         got_, want);                                      \
        free(got_);                                                        \
    } while (0)

Test(eval_rec, creation_access_update_like_erl)
{
    ev_module *m = shop();
    /* erl: 1> shop:new_item(pen, 3).  ->  {item,pen,3,[]} */
    EXPECT_M(m, "shop:new_item(pen, 3).", "{item,pen,3,[]}");
    EXPECT_M(m, "shop:add(shop:add(shop:empty(), shop:new_item(pen, 3)), "
             "shop:new_item(ink, 12)).",
             "{cart,nobody,[{item,ink,12,[]},{item,pen,3,[]}],15,#{}}");
    EXPECT_M(m, "shop:total(shop:add(shop:empty(), shop:new_item(pen, 3))).", "3");
    /* the defaults, one of them a record with its own defaults */
    EXPECT_M(m, "shop:order().", "{order,1,{cart,nobody,[],0,#{}},new,<<>>}");
    EXPECT_M(m, "shop:all_x().", "{item,x,x,x}");
    EXPECT_M(m, "shop:set_name(shop:new_item(pen, 3), quill).", "{item,quill,3,[]}");
    EXPECT_M(m, "shop:price(shop:new_item(pen, 3)).", "3");
    /* erl: {order,undefined,{cart,bob,[{item,pen,0,[]}],0,#{}},new,<<>>}
     * (over three lines) */
    EXPECT_M(m, "shop:set_owner(shop:nested_new(), bob).",
             "{order,undefined,{cart,bob,[{item,pen,0,[]}],0,#{}},new,<<>>}");
    EXPECT_M(m, "shop:owner_of(shop:nested_new()).", "ann");
    EXPECT_M(m, "shop:info().", "{[owner,items,total,meta],5,4}");
    EXPECT_M(m, "shop:pos().", "[2,3,4]");
    ev_module_free(m);
}

Test(eval_rec, patterns_and_guards_like_erl)
{
    ev_module *m = shop();
    EXPECT_M(m, "shop:names(shop:add(shop:add(shop:empty(), shop:new_item(pen, 3)), "
             "shop:new_item(ink, 12))).", "[ink,pen]");
    /* a filter I#item.price < 10 is a guard test: what is no item fails
     * it and is skipped, as {item, cap, 1} (no record: it has 3
     * elements) */
    EXPECT_M(m, "shop:cheap([shop:new_item(pen, 3), not_an_item, "
             "shop:new_item(ink, 12), {item, cap, 1}]).", "[pen]");
    EXPECT_M(m, "{shop:is_cart(shop:empty()), shop:is_cart({cart, 1}), "
             "shop:is_cart(x)}.", "{yes,no,no}");
    EXPECT_M(m, "[shop:kind(X) || X <- [{item, a, 1, [gift]}, shop:new_item(a, 1), "
             "shop:empty(), {item, a}]].", "[gift,item,cart,other]");
    EXPECT_M(m, "shop:fun_access().", "5");
    EXPECT_M(m, "shop:map_val(#{k => shop:new_item(pen, 3)}).", "pen");
    /* erl: ** exception error: no function clause matching
     *      shop:add({cart,nobody,[],0,#{}},x) (shop.erl, line 16)
     * (erl breaks the line after "matching") */
    EXPECT_M(m, "shop:add(shop:empty(), x).", "** exception error: no function "
             "clause matching shop:add({cart,nobody,[],0,#{}},x) (shop.erl, line 16)");
    ev_module_free(m);
}

/* A receive with record patterns, offered messages made by the module. */
Test(eval_rec, receive_patterns)
{
    ev_module *m = shop();
    fake f = { .mod = m };
    ev_host h = { &f, fake_call, fake_send, fake_module };
    ev_env *env = ev_env_new();
    ev_error err;
    ev_code *mk = ev_compile("{shop:new_item(pen, 3), {wrap, #{k => "
                             "shop:new_item(ink, 12)}}, {item, a}}.", &err);
    cr_assert_not_null(mk, "%s", err.msg);
    ev_vm *vm = ev_vm_new(mk, env, &h);
    cr_assert_eq(ev_vm_run(vm), EV_DONE);
    const term *msgs = ev_vm_value(vm);
    const char *want[] = { "{got,pen}", "{price,12}" };
    for (int i = 0; i < 2; i++) {
        ev_code *c = ev_compile("shop:wait().", &err);
        ev_vm *w = ev_vm_new(c, env, &h);
        cr_assert_eq(ev_vm_run(w), EV_RECEIVE);
        cr_expect_not(ev_vm_offer(w, msgs->u.tuple.el[2]));  /* no item */
        cr_assert(ev_vm_offer(w, msgs->u.tuple.el[i]));
        cr_assert_eq(ev_vm_run(w), EV_DONE);
        char *got = print(ev_vm_value(w));
        cr_expect_str_eq(got, want[i]);
        free(got);
        ev_vm_free(w);
        ev_code_free(c);
    }
    ev_vm_free(vm);
    ev_code_free(mk);
    ev_env_free(env);
    fake_fini(&f);
    ev_module_free(m);
}

Test(eval_rec, badrecord_names_the_value_and_the_line)
{
    ev_module *m = shop();
    /* erl 25: the reason is {badrecord, Value} (not the record's name) */
    EXPECT_M(m, "shop:price(shop:empty()).", "** exception error: {badrecord,"
             "{cart,nobody,[],0,#{}}}\n     in function  shop:price/1 (shop.erl, "
             "line 52)");
    EXPECT_M(m, "shop:set_name(pen, quill).", "** exception error: {badrecord,pen}\n"
             "     in function  shop:set_name/2 (shop.erl, line 50)");
    EXPECT_M(m, "shop:total(x).", "** exception error: {badrecord,x}\n"
             "     in function  shop:total/1 (shop.erl, line 19)");
    /* erl: {'EXIT',{{badrecord,{item,a}},[{shop,price,1,[{file,"shop.erl"},
     * {line,52}]}, ...erl_eval and shell frames]}} */
    EXPECT_M(m, "catch shop:price({item, a}).", "{'EXIT',{{badrecord,{item,a}},"
             "[{shop,price,1,[{file,\"shop.erl\"},{line,52}]}]}}");
    ev_module_free(m);

    /* the line erl names: an access, where its record expression starts;
     * an update of no more fields than it keeps, the first of them in
     * the record; a larger one, where its record expression starts; a
     * default, the record expression's */
    char *msgs;
    m = compile("-module(lines).\n"
                "-export([acc/1, few/1, many/1, dflt/0]).\n"
                "-record(r, {a, b, c = foo:bar(), d, e}).\n"
                "acc(X) ->\n"
                "  {(\n"
                "  X)\n"
                "  #r.a}.\n"
                "few(X) ->\n"
                "  {X\n"
                "  #r{\n"
                "  d = 1,\n"
                "  b = 2}}.\n"
                "many(X) ->\n"
                "  {X\n"
                "  #r{\n"
                "  d = 1,\n"
                "  b = 2,\n"
                "  a = 3}}.\n"
                "dflt() ->\n"
                "  {\n"
                "  #r{\n"
                "    a = 1}}.\n", NULL, &msgs);
    cr_assert_not_null(m, "%s", msgs);
    free(msgs);
    /* erl: in function  lines:acc/1 (lines.erl, line 6) */
    EXPECT_M(m, "lines:acc(x).", "** exception error: {badrecord,x}\n"
             "     in function  lines:acc/1 (lines.erl, line 6)");
    EXPECT_M(m, "lines:few(x).", "** exception error: {badrecord,x}\n"
             "     in function  lines:few/1 (lines.erl, line 12)");
    EXPECT_M(m, "lines:many(x).", "** exception error: {badrecord,x}\n"
             "     in function  lines:many/1 (lines.erl, line 14)");
    /* erl: undefined function foo:bar/0 / in function  lines:dflt/0
     * (lines.erl, line 21); clustersim names the frame "in call from"
     * for any undef of an unknown module (not records': the same for
     * {foo:bar()}) */
    EXPECT_M(m, "catch lines:dflt().", "{'EXIT',{undef,[{foo,bar,[],[]},"
             "{lines,dflt,0,[{file,\"lines.erl\"},{line,21}]}]}}");
    ev_module_free(m);
}

Test(eval_rec, field_values_before_the_record_in_an_update)
{
    /* erl (with self() for log): 1> ord:ord({r, 1, 2, 3}).  ->  {r,a,b,3},
     * and flush() then shows a, b, e: erl_expand_records binds the values
     * first */
    char *msgs;
    ev_module *m = compile("-module(ord).\n"
                           "-export([ord/1]).\n"
                           "-record(r, {a, b, c}).\n"
                           "ord(X) -> (begin log ! e, X end)#r{a = log ! a, "
                           "b = log ! b}.\n", NULL, &msgs);
    cr_assert_not_null(m, "%s", msgs);
    free(msgs);
    ev_env *env = ev_env_new();
    fake f = { .mod = m };
    char *out = fake_run("ord:ord({r, 1, 2, 3}).", env, &f);
    cr_expect_str_eq(out, "{r,a,b,3}");
    free(out);
    cr_assert_eq(f.nsent, 3);
    const char *order[] = { "a", "b", "e" };
    for (int i = 0; i < 3; i++)
        cr_expect(term_is_atom(f.sent[i]->u.tuple.el[1], atom_intern(order[i])));
    fake_fini(&f);
    ev_env_free(env);
    ev_module_free(m);
}

/* erlc's messages, every record error and warning of erl_lint and
 * erl_parse, and a record used before its definition. */
Test(eval_rec, errors_like_erlc)
{
    char *msgs;
    ev_module *m = compile(
        "-module(recerr).\n"
        "-export([a/0, b/1, c/0, d/0, e/1, f/0, g/1, h/1]).\n"
        "a() -> #point{x = 1}.\n"
        "-record(point, {x = 0, y = 0, x}).\n"
        "-record(point, {z}).\n"
        "-record(unused, {u = nofun()}).\n"
        "-record(line, {from = #point{}, to = Unbound}).\n"
        "b(P) -> P#point.z.\n"
        "c() -> #circle{r = 1}.\n"
        "d() -> (#point{})#point{z = 1, _ = 2}.\n"
        "e(#point{y = Y, x = 1, _ = 2}) -> Y.\n"
        "f() -> {#point.z, record_info(fields, circle), record_info(foo, point),\n"
        "        #point{X = 1, y = 1, y = 2, _ = 3, _ = 4}}.\n"
        "g(P) when is_record(P, circle) -> ok.\n"
        "h(X) -> X#line{}.\n", "recerr.erl", &msgs);
    cr_expect_null(m);
    /* erlc: */
    cr_expect_str_eq(msgs,
        "recerr.erl:3:8: record point undefined\n"
        "%    3| a() -> #point{x = 1}.\n"
        "%     |        ^\n\n"
        "recerr.erl:4:31: field x already defined in record point\n"
        "%    4| -record(point, {x = 0, y = 0, x}).\n"
        "%     |                               ^\n\n"
        "recerr.erl:5:2: record point already defined\n"
        "%    5| -record(point, {z}).\n"
        "%     |  ^\n\n"
        "recerr.erl:6:22: function nofun/0 undefined\n"
        "%    6| -record(unused, {u = nofun()}).\n"
        "%     |                      ^\n\n"
        "recerr.erl:7:38: variable 'Unbound' is unbound\n"
        "%    7| -record(line, {from = #point{}, to = Unbound}).\n"
        "%     |                                      ^\n\n"
        "recerr.erl:8:17: field z undefined in record point\n"
        "%    8| b(P) -> P#point.z.\n"
        "%     |                 ^\n\n"
        "recerr.erl:9:8: record circle undefined\n"
        "%    9| c() -> #circle{r = 1}.\n"
        "%     |        ^\n\n"
        "recerr.erl:10:25: field z undefined in record point\n"
        "%   10| d() -> (#point{})#point{z = 1, _ = 2}.\n"
        "%     |                         ^\n\n"
        "recerr.erl:10:32: meaningless use of _ in update of record point\n"
        "%   10| d() -> (#point{})#point{z = 1, _ = 2}.\n"
        "%     |                                ^\n\n"
        "recerr.erl:11:24: '_' initializes no omitted fields\n"
        "%   11| e(#point{y = Y, x = 1, _ = 2}) -> Y.\n"
        "%     |                        ^\n\n"
        "recerr.erl:12:16: field z undefined in record point\n"
        "%   12| f() -> {#point.z, record_info(fields, circle), record_info(foo, point),\n"
        "%     |                ^\n\n"
        "recerr.erl:12:19: record circle undefined\n"
        "%   12| f() -> {#point.z, record_info(fields, circle), record_info(foo, point),\n"
        "%     |                   ^\n\n"
        "recerr.erl:12:60: illegal record info\n"
        "%   12| f() -> {#point.z, record_info(fields, circle), record_info(foo, point),\n"
        "%     |                                                            ^\n\n"
        "recerr.erl:13:16: field 'X' is not an atom or _ in record point\n"
        "%   13|         #point{X = 1, y = 1, y = 2, _ = 3, _ = 4}}.\n"
        "%     |                ^\n\n"
        "recerr.erl:13:30: field y already defined in record point\n"
        "%   13|         #point{X = 1, y = 1, y = 2, _ = 3, _ = 4}}.\n"
        "%     |                              ^\n\n"
        "recerr.erl:13:44: '_' initializes no omitted fields\n"
        "%   13|         #point{X = 1, y = 1, y = 2, _ = 3, _ = 4}}.\n"
        "%     |                                            ^\n\n"
        "recerr.erl:14:24: record circle undefined\n"
        "%   14| g(P) when is_record(P, circle) -> ok.\n"
        "%     |                        ^\n\n"
        "recerr.erl:6:2: Warning: record unused is unused\n"
        "%    6| -record(unused, {u = nofun()}).\n"
        "%     |  ^\n\n");
    free(msgs);

    /* erl_parse's: the form is dropped */
    m = compile("-module(recbad).\n"
                "-record(a, {1}).\n"
                "-record(b).\n"
                "-record(\"c\", {x}).\n"
                "-record(d, {x :: integer() = 1}).\n"
                "-record(e, {x, y :: }).\n"
                "-record(f, {x}) -record(g, {y}).\n", "recbad.erl", &msgs);
    cr_expect_null(m);
    /* erlc: */
    cr_expect_str_eq(msgs,
        "recbad.erl:2:13: bad record field\n"
        "%    2| -record(a, {1}).\n"
        "%     |             ^\n\n"
        "recbad.erl:3:9: bad record declaration\n"
        "%    3| -record(b).\n"
        "%     |         ^\n\n"
        "recbad.erl:4:9: bad record declaration\n"
        "%    4| -record(\"c\", {x}).\n"
        "%     |         ^\n\n"
        "recbad.erl:5:28: syntax error before: '='\n"
        "%    5| -record(d, {x :: integer() = 1}).\n"
        "%     |                            ^\n\n"
        "recbad.erl:6:21: syntax error before: '}'\n"
        "%    6| -record(e, {x, y :: }).\n"
        "%     |                     ^\n\n"
        "recbad.erl:7:17: syntax error before: '-'\n"
        "%    7| -record(f, {x}) -record(g, {y}).\n"
        "%     |                 ^\n\n");
    free(msgs);
}

/* erl_lint counts a record used when a function's code (defaults put
 * in included) names it, and a default's calls as the function's. */
Test(eval_rec, unused_records_and_functions_like_erlc)
{
    char *msgs;
    ev_module *m = compile("-module(uses).\n"
                           "-export([f/0, g/1]).\n"
                           "-record(r, {a = h()}).\n"
                           "-record(s, {b = #r{}}).\n"
                           "-record(u, {c = #r{}}).\n"
                           "f() -> #s{b = 1}.\n"
                           "g(#r{}) -> 1.\n"
                           "h() -> 1.\n", "uses.erl", &msgs);
    cr_assert_not_null(m, "%s", msgs);
    /* erlc: r counts (g's pattern), its default does not: h/0 unused */
    cr_expect_str_eq(msgs,
        "uses.erl:5:2: Warning: record u is unused\n"
        "%    5| -record(u, {c = #r{}}).\n"
        "%     |  ^\n\n"
        "uses.erl:8:1: Warning: function h/0 is unused\n"
        "%    8| h() -> 1.\n"
        "%     | ^\n\n");
    free(msgs);
    ev_module_free(m);

    m = compile("-module(uses2).\n"
                "-export([f/0]).\n"
                "-record(r, {a = h()}).\n"
                "-record(s, {b = #r{}}).\n"
                "f() -> #s{}.\n"
                "h() -> 1.\n", "uses2.erl", &msgs);
    cr_assert_not_null(m, "%s", msgs);
    cr_expect_str_eq(msgs, "");      /* erlc: #s{} puts in #r{}, and h() */
    free(msgs);
    EXPECT_M(m, "uses2:f().", "{s,{r,1}}");
    ev_module_free(m);
}

Test(eval_rec, the_shell_has_no_records)
{
    /* erl: 1> #r{}.  * 1:1: record r undefined */
    EXPECT("#r{}.", "* 1:1: record r undefined");
    EXPECT("X = 1, X#r.a.", "* 1:9: record r undefined");
    EXPECT("#r.a.", "* 1:1: record r undefined");
    EXPECT("case {a} of #r{} -> 1 end.", "* 1:13: record r undefined");
    EXPECT("record_info(fields, foo).", "* 1:1: record foo undefined");
    EXPECT("record_info(foo, bar).", "* 1:13: illegal record info");
    EXPECT("is_record(x, a).", "* 1:14: record a undefined");
    EXPECT("{#a{}, #b{}}.", "* 1:2: record a undefined");
    EXPECT("#r{} + .", "* 1:8: syntax error before: '.'");
    /* is_record/2,3 with no record named */
    EXPECT("Y = a, is_record(x, Y).", "false");
    EXPECT("is_record({a,b}, a, 2).", "true");
    EXPECT("is_record({a}, 1).", "** exception error: bad argument\n"
           "     in function  is_record/2\n"
           "        called as is_record({a},1)\n"
           "        *** argument 1: not an atom");
    EXPECT("is_record(x, 1, 2).", "** exception error: bad argument\n"
           "     in function  is_record/3\n"
           "        called as is_record(x,1,2)\n"
           "        *** argument 2: not an atom");
    EXPECT("is_record({a,b}, a, x).", "** exception error: bad argument\n"
           "     in function  is_record/3\n"
           "        called as is_record({a,b},a,x)\n"
           "        *** argument 3: not an integer");
}

/* Hostile records: the compile ends with an error, never recursing
 * deeper than EV_MAX_NEST or growing without bound. */
Test(eval_rec, hostile_records_stay_bounded)
{
    strbuf b;
    char *msgs;
    /* a chain of 100000 accesses */
    sb_init(&b);
    sb_puts(&b, "-module(h1).\n-export([f/1]).\n-record(r, {a}).\nf(X) -> X");
    for (int i = 0; i < 100000; i++)
        sb_puts(&b, "#r.a");
    sb_puts(&b, ".\n");
    ev_module *m = compile(b.s, "h1.erl", &msgs);
    cr_expect_null(m);
    cr_expect(strstr(msgs, "expression nested too deeply (at most 1000 levels)"),
              "%.300s", msgs);
    free(msgs);
    sb_fini(&b);

    /* each record's default the one before: deeper and deeper */
    sb_init(&b);
    sb_puts(&b, "-module(h2).\n-export([f/0]).\n-record(r0, {a}).\n");
    for (int i = 1; i < 3000; i++)
        sb_printf(&b, "-record(r%d, {a = #r%d{}}).\n", i, i - 1);
    sb_puts(&b, "f() -> #r2999{}.\n");
    m = compile(b.s, "h2.erl", &msgs);
    cr_expect_null(m);
    cr_expect(strstr(msgs, "too deeply") || strstr(msgs, "expand too far"),
              "%.300s", msgs);
    free(msgs);
    sb_fini(&b);

    /* two fields of the one before: 2^40 nodes, were they copied */
    sb_init(&b);
    sb_puts(&b, "-module(h3).\n-export([f/0]).\n-record(r0, {a = self()}).\n");
    for (int i = 1; i < 40; i++)
        sb_printf(&b, "-record(r%d, {a = #r%d{}, b = #r%d{}}).\n", i, i - 1, i - 1);
    sb_puts(&b, "f() -> #r39{}.\n");
    m = compile(b.s, "h3.erl", &msgs);
    cr_expect_null(m);
    cr_expect(strstr(msgs, "records expand too far (at most 100000 nodes of "
                           "defaults in a module)"), "%.300s", msgs);
    free(msgs);
    sb_fini(&b);

    /* a record of many fields, all given in an update: flat code */
    sb_init(&b);
    sb_puts(&b, "-module(h4).\n-export([f/1]).\n-record(r, {f0");
    for (int i = 1; i < 5000; i++)
        sb_printf(&b, ", f%d", i);
    sb_puts(&b, "}).\nf(X) -> X#r{f0 = 0");
    for (int i = 1; i < 5000; i++)
        sb_printf(&b, ", f%d = %d", i, i);
    sb_puts(&b, "}.\n");
    m = compile(b.s, "h4.erl", &msgs);
    cr_expect_not_null(m, "%.300s", msgs);
    free(msgs);
    sb_fini(&b);
    EXPECT_M(m, "h4:f(x).", "** exception error: {badrecord,x}\n"
             "     in function  h4:f/1 (h4.erl, line 4)");
    ev_module_free(m);
}
