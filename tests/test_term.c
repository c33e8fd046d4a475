/* test_term.c: Criterion tests of the printer (core/term/term_print.c,
 * term_pretty.c, term_break.c) against text recorded from a real
 * Erlang/OTP 25.2.3 shell, and the reader they share with
 * test_term_values.c (tests/term_reader.h).
 *
 * The printer table pairs an Erlang expression with what the shell printed
 * for it. It was recorded by piping the expressions into `erl` (after
 * `io:setopts([{encoding,unicode}]).`, as a UTF-8 terminal has it) and can
 * be rechecked the same way:
 *     printf 'io:setopts([{encoding,unicode}]).\nEXPR.\nhalt().\n' | erl
 * A small reader below turns each expression into a term: it knows Erlang
 * literals plus lists:seq/2, list_to_binary/1, list_to_pid/1,
 * list_to_ref/1, ++ and `fun M:F/A`. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/term/term.h"
#include "tests/term_reader.h"

/* ---- a reader for the Erlang expressions in the tables ---- */

typedef struct rd {
    const char *s;
} rd;

static term *rd_expr(rd *r);

static void rd_ws(rd *r)
{
    while (*r->s == ' ' || *r->s == '\n')
        r->s++;
}

static bool rd_lit(rd *r, const char *lit)
{
    rd_ws(r);
    size_t n = strlen(lit);
    if (strncmp(r->s, lit, n) != 0)
        return false;
    r->s += n;
    return true;
}

static void rd_need(rd *r, const char *lit)
{
    if (!rd_lit(r, lit))
        cr_assert_fail("reader: expected %s at \"%s\"", lit, r->s);
}

static void put_utf8(strbuf *b, uint32_t c)
{
    if (c < 0x80) {
        sb_putc(b, (char)c);
    } else if (c < 0x800) {
        sb_putc(b, (char)(0xC0 | (c >> 6)));
        sb_putc(b, (char)(0x80 | (c & 0x3F)));
    } else {
        sb_putc(b, (char)(0xE0 | (c >> 12)));
        sb_putc(b, (char)(0x80 | ((c >> 6) & 0x3F)));
        sb_putc(b, (char)(0x80 | (c & 0x3F)));
    }
}

/* One character of a quoted string or atom, escapes decoded. */
static uint32_t rd_char(rd *r)
{
    uint32_t c = (unsigned char)*r->s++;
    if (c != '\\')
        return c;
    c = (unsigned char)*r->s++;
    switch (c) {
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case 'e': return 27;
    case 'b': return '\b';
    case 'v': return '\v';
    case 'f': return '\f';
    case 'd': return 127;
    case 's': return ' ';
    case 'x': {
        cr_assert_eq(*r->s, '{');
        char *end;
        c = (uint32_t)strtoul(r->s + 1, &end, 16);
        r->s = end + 1;
        return c;
    }
    default:
        if (c >= '0' && c <= '7') {
            uint32_t v = c - '0';
            for (int i = 0; i < 2 && *r->s >= '0' && *r->s <= '7'; i++)
                v = v * 8 + (uint32_t)(*r->s++ - '0');
            return v;
        }
        return c;   /* \\ \' \" */
    }
}

/* The code points of a "..." string (the quote already read). */
static size_t rd_chars(rd *r, uint32_t *out, char q)
{
    size_t n = 0;
    while (*r->s != q) {
        cr_assert(*r->s, "reader: unterminated quote");
        out[n++] = rd_char(r);
    }
    r->s++;
    return n;
}

static term *codes_list(const uint32_t *cp, size_t n, term *tail)
{
    term *l = tail;
    for (size_t i = n; i-- > 0;)
        l = term_cons(term_int(cp[i]), l);
    return l;
}

static atom_t rd_quoted_atom(rd *r)
{
    uint32_t cp[256];
    size_t n = rd_chars(r, cp, '\'');
    strbuf b;
    sb_init(&b);
    for (size_t i = 0; i < n; i++)
        put_utf8(&b, cp[i]);
    atom_t a = atom_intern_n(b.s ? b.s : "", b.len);
    sb_fini(&b);
    return a;
}

static atom_t rd_atom(rd *r)
{
    rd_ws(r);
    if (*r->s == '\'') {
        r->s++;
        return rd_quoted_atom(r);
    }
    const char *s = r->s;
    while ((*r->s >= 'a' && *r->s <= 'z') || (*r->s >= 'A' && *r->s <= 'Z')
           || (*r->s >= '0' && *r->s <= '9') || *r->s == '_' || *r->s == '@')
        r->s++;
    cr_assert(r->s > s, "reader: atom expected at \"%s\"", s);
    return atom_intern_n(s, (size_t)(r->s - s));
}

static term *rd_number(rd *r)
{
    char *end;
    long long v = strtoll(r->s, &end, 10);
    if (*end == '.' && end[1] >= '0' && end[1] <= '9') {
        double f = strtod(r->s, &end);
        r->s = end;
        return term_float(f);
    }
    r->s = end;
    return term_int(v);
}

/* Nodes of pids and refs: 0 is this node (alice@vm), N > 0 is nN@vm;
 * test_view maps them back. */
static atom_t node_for(unsigned n)
{
    char name[32];
    if (n == 0)
        return atom_intern("alice@vm");
    snprintf(name, sizeof name, "n%u@vm", n);
    return atom_intern(name);
}

static uint32_t test_node_number(void *ctx, atom_t node)
{
    (void)ctx;
    unsigned n = 0;
    cr_assert(sscanf(atom_text(node), "n%u@vm", &n) == 1);
    return n;
}

static term_view test_view(void)
{
    term_view v = { atom_intern("alice@vm"), test_node_number, NULL };
    return v;
}

static term *rd_call(rd *r, const char *name)
{
    if (strcmp(name, "lists:seq") == 0) {
        term *a = rd_expr(r);
        rd_need(r, ",");
        term *b = rd_expr(r);
        rd_need(r, ")");
        term *l = term_nil();
        for (int64_t i = b->u.i; i >= a->u.i; i--)
            l = term_cons(term_int(i), l);
        term_unref(a);
        term_unref(b);
        return l;
    }
    if (strcmp(name, "list_to_binary") == 0) {
        term *l = rd_expr(r);
        rd_need(r, ")");
        uint8_t buf[1024];
        size_t n = 0;
        for (const term *c = l; c->tag == T_CONS; c = c->u.cons.tail)
            buf[n++] = (uint8_t)c->u.cons.head->u.i;
        term_unref(l);
        return term_binary(buf, n);
    }
    if (strcmp(name, "list_to_pid") == 0) {
        unsigned n, num, ser;
        cr_assert(sscanf(r->s, "\"<%u.%u.%u>\")", &n, &num, &ser) == 3);
        r->s = strchr(r->s, ')') + 1;
        term_pid p = { node_for(n), num, ser, 1 };
        return term_pid_new(p);
    }
    if (strcmp(name, "list_to_ref") == 0) {
        unsigned n, a, b, c;
        cr_assert(sscanf(r->s, "\"#Ref<%u.%u.%u.%u>\")", &n, &a, &b, &c)
                  == 4);
        r->s = strchr(r->s, ')') + 1;
        term_refv v = { node_for(n), 1, { a, b, c } };
        return term_ref_new(v);
    }
    cr_assert_fail("reader: unknown call %s", name);
    return NULL;
}

/* Appends the elements of list l to a growing array. */
static term *rd_seq_list(rd *r)
{
    term *el[256];
    uint32_t n = 0;
    term *tail = NULL;
    if (rd_lit(r, "]"))
        return term_nil();
    for (;;) {
        el[n++] = rd_expr(r);
        if (rd_lit(r, "|")) {
            tail = rd_expr(r);
            rd_need(r, "]");
            break;
        }
        if (rd_lit(r, "]"))
            break;
        rd_need(r, ",");
    }
    return term_list(n, el, tail);
}

static term *rd_primary(rd *r)
{
    rd_ws(r);
    const char *s = r->s;
    if (rd_lit(r, "["))
        return rd_seq_list(r);
    if (rd_lit(r, "#{")) {
        term *k[64], *v[64];
        uint32_t n = 0;
        if (!rd_lit(r, "}")) {
            for (;;) {
                k[n] = rd_expr(r);
                rd_need(r, "=>");
                v[n++] = rd_expr(r);
                if (rd_lit(r, "}"))
                    break;
                rd_need(r, ",");
            }
        }
        return term_map(n, k, v);
    }
    if (rd_lit(r, "{")) {
        term *el[64];
        uint32_t n = 0;
        if (!rd_lit(r, "}")) {
            for (;;) {
                el[n++] = rd_expr(r);
                if (rd_lit(r, "}"))
                    break;
                rd_need(r, ",");
            }
        }
        return term_tuple(n, el);
    }
    if (rd_lit(r, "<<")) {
        strbuf b;
        sb_init(&b);
        if (!rd_lit(r, ">>")) {
            for (;;) {
                rd_ws(r);
                if (*r->s == '"') {
                    uint32_t cp[256];
                    r->s++;
                    size_t n = rd_chars(r, cp, '"');
                    bool utf8 = rd_lit(r, "/utf8");
                    for (size_t i = 0; i < n; i++) {
                        if (utf8)
                            put_utf8(&b, cp[i]);
                        else
                            sb_putc(&b, (char)cp[i]);
                    }
                } else {
                    term *t = rd_number(r);
                    sb_putc(&b, (char)t->u.i);
                    term_unref(t);
                }
                if (rd_lit(r, ">>"))
                    break;
                rd_need(r, ",");
            }
        }
        term *t = term_binary(b.s, b.len);
        sb_fini(&b);
        return t;
    }
    if (*s == '"') {
        uint32_t cp[256];
        r->s++;
        size_t n = rd_chars(r, cp, '"');
        return codes_list(cp, n, term_nil());
    }
    if (*s == '$') {
        r->s++;
        return term_int(rd_char(r));
    }
    if (*s == '-' || (*s >= '0' && *s <= '9'))
        return rd_number(r);
    if (strncmp(s, "fun ", 4) == 0) {
        r->s += 4;
        atom_t m = rd_atom(r);
        rd_need(r, ":");
        atom_t f = rd_atom(r);
        rd_need(r, "/");
        term *a = rd_number(r);
        term *t = term_fun(m, f, (uint32_t)a->u.i);
        term_unref(a);
        return t;
    }
    atom_t a = rd_atom(r);
    if (*r->s == ':' || *r->s == '(') {  /* a call */
        char name[64];
        snprintf(name, sizeof name, "%s", atom_text(a));
        if (*r->s == ':') {
            r->s++;
            atom_t f = rd_atom(r);
            snprintf(name + strlen(name), sizeof name - strlen(name), ":%s",
                     atom_text(f));
        }
        rd_need(r, "(");
        return rd_call(r, name);
    }
    return term_atom(a);
}

/* primary ('++' primary)*, for proper lists */
static term *rd_expr(rd *r)
{
    term *t = rd_primary(r);
    while (rd_lit(r, "++")) {
        term *u = rd_primary(r);
        term *el[1024];
        uint32_t n = 0;
        for (const term *c = t; c->tag == T_CONS; c = c->u.cons.tail)
            el[n++] = term_ref(c->u.cons.head);
        term_unref(t);
        t = term_list(n, el, u);
    }
    return t;
}

term *rd_term(const char *src)
{
    rd r = { src };
    term *t = rd_expr(&r);
    rd_ws(&r);
    cr_assert_eq(*r.s, '\0', "reader: trailing text \"%s\"", r.s);
    return t;
}

/* ---- the printer against the real shell ---- */

static const struct shell_case {
    const char *erl;    /* the expression typed at the shell */
    const char *shell;  /* what erl 25.2.3's shell printed for it */
} shell_cases[] = {
    { "{echo,\"hello from alice!\"}",
      "{echo,\"hello from alice!\"}" },
    { "ok",
      "ok" },
    { "'end'",
      "'end'" },
    { "'Bob'",
      "'Bob'" },
    { "bob@host",
      "bob@host" },
    { "'Bob@host'",
      "'Bob@host'" },
    { "'b-ob@host'",
      "'b-ob@host'" },
    { "''",
      "''" },
    { "'hello world'",
      "'hello world'" },
    { "'it\\'s'",
      "'it\\'s'" },
    { "'a\\\\b'",
      "'a\\\\b'" },
    { "'a\\nb'",
      "'a\\nb'" },
    { "maybe",
      "maybe" },
    { "{'receive','after',else,'case',fun_name}",
      "{'receive','after',else,'case',fun_name}" },
    { "'\\x{ff}a'",
      "ÿa" },
    { "'a\\x{d7}'",
      "'a×'" },
    { "'\\x{3e8}'",
      "'Ϩ'" },
    { "'\\001'",
      "'\\001'" },
    { "[]",
      "[]" },
    { "\"\"",
      "[]" },
    { "\"abc\"",
      "\"abc\"" },
    { "\"a\\nb\\tc\"",
      "\"a\\nb\\tc\"" },
    { "[97,1000]",
      "[97,1000]" },
    { "[7]",
      "[7]" },
    { "\"\\e\\b\\v\\f\\r\"",
      "\"\\e\\b\\v\\f\\r\"" },
    { "[97,127]",
      "[97,127]" },
    { "[233,255,160]",
      "\"éÿ \"" },
    { "[1|2]",
      "[1|2]" },
    { "[1,2|3]",
      "[1,2|3]" },
    { "[\"a\"|\"b\"]",
      "[\"a\",98]" },
    { "[[97],[98,99]]",
      "[\"a\",\"bc\"]" },
    { "{}",
      "{}" },
    { "{1,{2,{}}}",
      "{1,{2,{}}}" },
    { "#{}",
      "#{}" },
    { "#{a => 1,b => \"x\"}",
      "#{a => 1,b => \"x\"}" },
    { "#{b => 1, a => 2}",
      "#{a => 2,b => 1}" },
    { "#{1.0 => a, 1 => b, 2 => c, 0.5 => d}",
      "#{1 => b,2 => c,0.5 => d,1.0 => a}" },
    { "#{k => 1, k => 2}",
      "#{k => 2}" },
    { "#{1 => [1,2], \"k\" => {}, {x} => #{}}",
      "#{1 => [1,2],{x} => #{},\"k\" => {}}" },
    { "<<>>",
      "<<>>" },
    { "<<1,2,3>>",
      "<<1,2,3>>" },
    { "<<\"abc\">>",
      "<<\"abc\">>" },
    { "<<233>>",
      "<<\"é\">>" },
    { "<<195,169>>",
      "<<\"é\"/utf8>>" },
    { "<<\"a\\nb\">>",
      "<<\"a\\nb\">>" },
    { "<<0,97>>",
      "<<0,97>>" },
    { "[1.0,0.1,3.14,-2.5,100.0,1000.0,1.0e10,1.0e-5,0.0001,0.001234,0.00012"
      "34]",
      "[1.0,0.1,3.14,-2.5,100.0,1.0e3,1.0e10,1.0e-5,0.0001,\n"
      " 0.001234,1.234e-4]" },
    { "[123456789.0,12345678901234567.0,0.6666666666666666,-0.0,5.0e-324,1.7"
      "976931348623157e308]",
      "[123456789.0,1.2345678901234568e16,0.6666666666666666,-0.0,\n"
      " 5.0e-324,1.7976931348623157e308]" },
    { "[1.0e15,1.0e16,12345.0,123456.0,1.5e300,9007199254740992.0]",
      "[1.0e15,1.0e16,12345.0,123456.0,1.5e300,\n"
      " 9.007199254740992e15]" },
    { "[-5,9223372036854775807,-9223372036854775808,$a,0]",
      "[-5,9223372036854775807,-9223372036854775808,97,0]" },
    { "{badarg,{nosuch,hi}}",
      "{badarg,{nosuch,hi}}" },
    { "{nodeup,b@vm,[{node_type,visible}]}",
      "{nodeup,b@vm,[{node_type,visible}]}" },
    { "{error,{bad_option_value,{node_type,bogus}}}",
      "{error,{bad_option_value,{node_type,bogus}}}" },
    { "{nodedown,b@vm,[{nodedown_reason,connection_closed},{node_type,visibl"
      "e}]}",
      "{nodedown,b@vm,\n"
      "          [{nodedown_reason,connection_closed},{node_type,visible}]}" },
    { "{global_name_conflict,foo}",
      "{global_name_conflict,foo}" },
    { "lists:seq(1,40)",
      "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,\n"
      " 23,24,25,26,27,28,29|...]" },
    { "lists:seq(1,29)",
      "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,\n"
      " 23,24,25,26,27,28,29]" },
    { "lists:seq(1,30)",
      "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,\n"
      " 23,24,25,26,27,28,29|...]" },
    { "{maybe,else,'end','Bob','b-ob@h',bob@h,'','a b','it\\'s','a\\\\b','\\"
      "001',[200,150]}",
      "{maybe,else,'end','Bob','b-ob@h',bob@h,'','a b','it\\'s',\n"
      "       'a\\\\b','\\001',\n"
      "       [200,150]}" },
    { "[{alice@vm,pong},{bob@vm,pong},{carol@vm,pang},{dave@vm,pong},{eve@vm"
      ",pang}]",
      "[{alice@vm,pong},\n"
      " {bob@vm,pong},\n"
      " {carol@vm,pang},\n"
      " {dave@vm,pong},\n"
      " {eve@vm,pang}]" },
    { "{state,[alice@vm,bob@vm,carol@vm],#{alice@vm => up,bob@vm => down,car"
      "ol@vm => up}}",
      "{state,[alice@vm,bob@vm,carol@vm],\n"
      "       #{alice@vm => up,bob@vm => down,carol@vm => up}}" },
    { "#{a => \"a long string value here\",b => \"another long string value"
      "\",c => {1,2,3}}",
      "#{a => \"a long string value here\",\n"
      "  b => \"another long string value\",\n"
      "  c => {1,2,3}}" },
    { "list_to_binary(lists:seq(1,100))",
      "<<1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,\n"
      "  22,23,24,25,26,27,28,29,...>>" },
    { "list_to_binary(lists:seq(97,122) ++ lists:seq(97,122) ++ lists:seq(97"
      ",122) ++ lists:seq(97,122))",
      "<<\"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklm"
      "nopqrstuvwxyzabcdefghijklmnopqrstuvwxyz\">>" },
    { "[[1,2,3],[4,5,6],[7,8,9],[10,11,12],[13,14,15],[16,17,18],[19,20,21],"
      "[22,23,24]]",
      "[[1,2,3],\n"
      " [4,5,6],\n"
      " [7,8,9],\n"
      " \"\\n\\v\\f\",\n"
      " [13,14,15],\n"
      " [16,17,18],\n"
      " [19,20,21],\n"
      " [22,23,24]]" },
    { "{a,{b,{c,{d,{e,{f,{g,{h,{i,{j,{k,{l,{m,{n,{o,{p,{q,{r,{s,{t,{u,{v,{w,"
      "{x,{y,{z,{aa,{bb,{cc,{dd,{ee,{ff}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}",
      "{a,\n"
      " {b,{c,{d,{e,{f,{g,{h,{i,{j,{k,{l,{m,{n,{o,...}}}}}}}}}}}}}}}" },
    { "[\"hello from alice!\",\"hello from bob!\",\"hello from carol!\",\"he"
      "llo from dave!\"]",
      "[\"hello from alice!\",\"hello from bob!\",\"hello from carol!\",\n"
      " \"hello from dave!\"]" },
    { "list_to_pid(\"<0.85.0>\")",
      "<0.85.0>" },
    { "{'EXIT',list_to_pid(\"<0.85.0>\"),normal}",
      "{'EXIT',<0.85.0>,normal}" },
    { "list_to_ref(\"#Ref<0.3091571321.2412773377.133423>\")",
      "#Ref<0.3091571321.2412773377.133423>" },
    { "fun global:random_exit_name/3",
      "fun global:random_exit_name/3" },
    { "fun 'a-b':'c d'/0",
      "fun 'a-b':'c d'/0" },
    { "[fun erlang:'+'/2,fun lists:map/2]",
      "[fun erlang:'+'/2,fun lists:map/2]" },
    { "{mnesia_system_event,{inconsistent_database,running_partitioned_netwo"
      "rk,b@vm}}",
      "{mnesia_system_event,\n"
      "    {inconsistent_database,running_partitioned_network,b@vm}}" },
    { "{'DOWN',list_to_ref(\"#Ref<0.1.2.3>\"),process,{foo,b@vm},noconnectio"
      "n}",
      "{'DOWN',#Ref<0.1.2.3>,process,{foo,b@vm},noconnection}" },
    { "[{a,\"x\\ty\"},\"caf\\x{e9}\",<<\"caf\\x{e9}\"/utf8>>,<<\"caf\\x{e9}"
      "\">>]",
      "[{a,\"x\\ty\"},\"café\",<<\"café\"/utf8>>,<<\"café\">>]" },
};

#define NCASES (sizeof shell_cases / sizeof shell_cases[0])
_Static_assert(NCASES >= 40, "the shell printer needs at least 40 cases");

Test(term, printer_matches_the_shell)
{
    term_view v = test_view();
    int bad = 0;
    for (size_t i = 0; i < NCASES; i++) {
        term *t = rd_term(shell_cases[i].erl);
        strbuf b;
        sb_init(&b);
        term_print_pretty(&b, t, &v, 1);
        char *got = sb_take(&b);
        if (strcmp(got, shell_cases[i].shell) != 0) {
            cr_log_error("%s\n expected: %s\n got:      %s",
                         shell_cases[i].erl, shell_cases[i].shell, got);
            bad++;
        }
        free(got);
        term_unref(t);
    }
    cr_assert_eq(bad, 0, "%d of %zu shell cases differ", bad, NCASES);
}

/* A result the shell prints on one line without cutting it is exactly
 * what term_print gives. */
Test(term, one_line_printer_agrees_on_short_results)
{
    term_view v = test_view();
    size_t checked = 0;
    for (size_t i = 0; i < NCASES; i++) {
        const char *want = shell_cases[i].shell;
        if (strchr(want, '\n') || strstr(want, "...>>")
            || strstr(want, "|...") || strstr(want, ",..."))
            continue;
        term *t = rd_term(shell_cases[i].erl);
        char *got = term_to_string(t, &v);
        cr_expect_str_eq(got, want, "%s", shell_cases[i].erl);
        free(got);
        term_unref(t);
        checked++;
    }
    cr_assert_geq(checked, 40);
}

static const struct shell_case one_line_cases[] = {
    /* term_print has no depth limit and never breaks lines */
    { "lists:seq(1,40)",
      "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,"
      "26,27,28,29,30,31,32,33,34,35,36,37,38,39,40]" },
    { "{mnesia_system_event,{inconsistent_database,running_partitioned_netw"
      "ork,b@vm}}",
      "{mnesia_system_event,{inconsistent_database,running_partitioned_netw"
      "ork,b@vm}}" },
    { "[list_to_pid(\"<0.85.0>\"),list_to_pid(\"<7.85.0>\")]",
      "[<0.85.0>,<7.85.0>]" },
    { "list_to_ref(\"#Ref<3.1.2.3>\")", "#Ref<3.1.2.3>" },
    { "[0.1,0.2,0.30000000000000004,1.0e-10,2.0e5,1.2345e7]",
      "[0.1,0.2,0.30000000000000004,1.0e-10,2.0e5,1.2345e7]" },
};

Test(term, one_line_printer)
{
    term_view v = test_view();
    for (size_t i = 0; i < sizeof one_line_cases / sizeof one_line_cases[0];
         i++) {
        term *t = rd_term(one_line_cases[i].erl);
        char *got = term_to_string(t, &v);
        cr_expect_str_eq(got, one_line_cases[i].shell, "%s",
                         one_line_cases[i].erl);
        free(got);
        term_unref(t);
    }
}

Test(term, write_is_tilde_w)
{
    /* erl: io:format("~w ~w ~w ~w~n",
     *          [<<"abc">>, "hi", #{a => "x"}, {1.0e3, <<>>, []}])
     * prints <<97,98,99>> [104,105] #{a => [120]} {1.0e3,<<>>,[]} */
    term *t = rd_term("[<<\"abc\">>, \"hi\", #{a => \"x\"}, "
                      "{1.0e3, <<>>, []}, [1|2]]");
    strbuf b;
    sb_init(&b);
    term_write(&b, t, NULL);
    cr_expect_str_eq(b.s, "[<<97,98,99>>,[104,105],#{a => [120]},"
                          "{1.0e3,<<>>,[]},[1|2]]");
    sb_fini(&b);
    term_unref(t);
}

Test(term, pids_print_by_observer)
{
    /* as erl 25: <0.Id.Serial> on its own node, <N.Id.Serial> elsewhere */
    term_pid p = { atom_intern("n7@vm"), 85, 0, 1 };
    term *t = term_pid_new(p);
    term_view other = test_view();
    term_view own = { atom_intern("n7@vm"), test_node_number, NULL };
    char *a = term_to_string(t, &other);
    char *b = term_to_string(t, &own);
    char *c = term_to_string(t, NULL);
    cr_expect_str_eq(a, "<7.85.0>");
    cr_expect_str_eq(b, "<0.85.0>");
    cr_expect_str_eq(c, "<0.85.0>");
    free(a);
    free(b);
    free(c);
    term_unref(t);
}

Test(term, print_atom)
{
    strbuf b;
    sb_init(&b);
    term_print_atom(&b, atom_intern("bob@host"));
    sb_putc(&b, ' ');
    term_print_atom(&b, atom_intern("Bob@host"));
    sb_putc(&b, ' ');
    term_print_atom(&b, atom_intern("b-ob@host"));
    sb_putc(&b, ' ');
    term_print_atom(&b, atom_intern("and"));
    cr_expect_str_eq(b.s, "bob@host 'Bob@host' 'b-ob@host' 'and'");
    sb_fini(&b);
}
