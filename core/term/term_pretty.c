/* term_pretty.c: io_lib_pretty, the layout half of the printer: the tree
 * of widths and the entry points; term_break.c writes the tree, on one
 * line or broken over lines.
 *
 * A port of io_lib_pretty (stdlib 4.2, read from the beam's debug info
 * of erl 25.2.3). Like io_lib_pretty it works in two passes: `plen`
 * (print_length/6) turns a term into an intermediate tree of nodes that
 * each know their printed width in characters, cutting it at the depth
 * limit with "..."; then (in term_break.c) `write` (write/1) prints the
 * tree on one line, or `pp` (pp/8, with cind/7 choosing the tuple
 * indentation) breaks it over lines that fit the line length.
 * term_print_pp is io_lib_pretty:print/2 with explicit options
 * (io:format's ~p); term_print_pretty is what the shell prints for a
 * result (depth 30, 80 columns, at most 60 characters of term per line);
 * term_print (term_print.c) is the one-line form without a depth limit.
 *
 * The text of every leaf (atoms, floats, pids, string escapes) and the
 * printable-character test come from term_print.c through
 * core/term/term_int.h; its opening comment lists the choices they make.
 * One more is made here:
 * - Map pairs come in key order (term.c keeps keys sorted). OTP agrees
 *   for maps of up to 32 keys; larger maps print in hash order there,
 *   which this printer does not imitate.
 *
 * Invariants: nothing printed depends on pointers, hash order or locale;
 * a node's len is exactly the number of characters term__write_pn
 * prints for it; the intermediate tree lives in one arena freed before
 * each call returns. */
#include "core/term/term.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/term/term_int.h"
#include "core/term/xalloc.h"

/* ---- widths ---- */

/* Characters in the UTF-8 text s[0..n). */
static int count_chars(const char *s, size_t n)
{
    int k = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            k++;
    return k;
}

/* ---- the intermediate tree (io_lib_pretty's intermediate format) ---- */

/* All nodes and their arrays of one print, freed together. */
typedef struct arena {
    void **p;
    size_t n, cap;
    const term_view *view;
    bool no_strings;     /* ~lp: no list or binary shown as a string */
} arena;

static void *ar_alloc(arena *a, size_t size)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 64;
        a->p = xrealloc(a->p, a->cap * sizeof *a->p);
    }
    void *q = xcalloc(1, size ? size : 1);
    a->p[a->n++] = q;
    return q;
}

static void ar_free(arena *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->p[i]);
    free(a->p);
}

static pn *pn_new(arena *a, pn_kind k)
{
    pn *x = ar_alloc(a, sizeof *x);
    x->kind = k;
    return x;
}

/* A leaf holding the text of sb (which is emptied). */
static pn *leaf_sb(arena *a, strbuf *sb)
{
    pn *x = pn_new(a, PN_LEAF);
    x->text = ar_alloc(a, sb->len + 1);
    if (sb->len)
        memcpy(x->text, sb->s, sb->len);
    x->tlen = sb->len;
    x->len = count_chars(x->text, x->tlen);
    sb_fini(sb);
    return x;
}

static pn *leaf_s(arena *a, const char *s)
{
    strbuf sb;
    sb_init(&sb);
    sb_puts(&sb, s);
    return leaf_sb(a, &sb);
}

static pn *dots(arena *a)
{
    pn *x = pn_new(a, PN_DOTS);
    x->len = 3;
    return x;
}

/* A growable array of nodes, copied into the arena when done. */
typedef struct pvec {
    pn **v;
    int n, cap;
} pvec;

static void pv_push(pvec *v, pn *x)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 8;
        v->v = xrealloc(v->v, (size_t)v->cap * sizeof *v->v);
    }
    v->v[v->n++] = x;
}

static void pv_move(arena *a, pvec *v, pn *x)
{
    x->el = ar_alloc(a, (size_t)v->n * sizeof *x->el);
    if (v->n)
        memcpy(x->el, v->v, (size_t)v->n * sizeof *x->el);
    x->n = v->n;
    free(v->v);
}

/* io_lib_pretty:list_length/3: Acc plus the elements' widths, the commas
 * between them and the tail. */
static int seq_len(const pn *x, int acc)
{
    for (int i = 0; i < x->n; i++)
        acc += x->el[i]->len + (i > 0);
    if (x->tail)
        acc += x->tail->len + (x->n > 0);
    return acc;
}

static bool printable_list(const term *t)
{
    for (; t->tag == T_CONS; t = t->u.cons.tail) {
        const term *h = t->u.cons.head;
        if (h->tag != T_INT || !term__printable_latin1(h->u.i))
            return false;
    }
    return t->tag == T_NIL;
}

static void write_string_list(strbuf *b, const term *t)
{
    sb_putc(b, '"');
    for (; t->tag == T_CONS; t = t->u.cons.tail)
        term__string_char(b, (uint32_t)t->u.cons.head->u.i, '"');
    sb_putc(b, '"');
}

static void write_string_cps(strbuf *b, const uint32_t *cp, size_t n)
{
    sb_putc(b, '"');
    for (size_t i = 0; i < n; i++)
        term__string_char(b, cp[i], '"');
    sb_putc(b, '"');
}

static pn *plen(arena *a, const term *t, int d);

/* io_lib_pretty:printable_bin0/4 and printable_bin/4 with the unicode
 * encoding and latin1 range, then the matching clause of print_length/6
 * for bitstrings. Returns NULL when the binary is not printable. dd is
 * the depth of the binary minus one (D1 there). */
static pn *printable_bin(arena *a, const term *t, int dd)
{
    const unsigned char *s = t->u.bin.bytes;
    size_t size = t->u.bin.n;
    size_t len = size;      /* the window, in characters */
    if (dd >= 0 && (size_t)dd * 4 < size)
        len = (size_t)dd * 4;
    if (len == 0)
        return NULL;
    uint32_t *cp = xmalloc((size + 1) * sizeof *cp);
    size_t k = 0;           /* printable characters taken */
    bool whole = false, utf8_bytes = true;

    /* valid_utf8/2: the first len characters (or all) decode */
    bool valid = true;
    {
        size_t i = 0, c = 0;
        uint32_t v;
        while (i < size && c < len) {
            size_t l = term_utf8_decode(s + i, size - i, &v);
            if (!l) {
                valid = false;
                break;
            }
            i += l;
            c++;
        }
    }
    if (valid) {
        /* printable_unicode/4 */
        size_t i = 0;
        while (k < len && i < size) {
            uint32_t v;
            size_t l = term_utf8_decode(s + i, size - i, &v);
            if (!l || !term__printable_latin1(v))
                break;
            cp[k++] = v;
            i += l;
        }
        whole = i == size;
        utf8_bytes = (whole ? size : i) == k;
    } else {
        /* printable_bin(Bin, Len, D, latin1) */
        while (k < len && term__printable_latin1(s[k])) {
            cp[k] = s[k];
            k++;
        }
        whole = k == size;
    }
    strbuf sb;
    sb_init(&sb);
    pn *x = NULL;
    if (whole) {
        sb_puts(&sb, "<<");
        write_string_cps(&sb, cp, k);
        sb_puts(&sb, utf8_bytes ? ">>" : "/utf8>>");
        x = leaf_sb(a, &sb);
    } else if ((!valid && k == len) || (dd > 0 && k >= (size_t)dd)) {
        sb_puts(&sb, "<<");
        write_string_cps(&sb, cp, k);
        sb_puts(&sb, utf8_bytes ? "...>>" : "/utf8...>>");
        x = leaf_sb(a, &sb);
    }
    free(cp);
    return x;
}

/* io_lib_pretty:print_length/6 with no chars_limit: the tree for t at
 * depth d (-1: unlimited; 1: only "..." inside). */
static pn *plen(arena *a, const term *t, int d)
{
    strbuf sb;
    sb_init(&sb);
    switch ((term_tag)t->tag) {
    case T_NIL:
        return leaf_s(a, "[]");
    case T_CONS: {
        if (d != 1 && !a->no_strings && printable_list(t)) {
            write_string_list(&sb, t);
            return leaf_sb(a, &sb);
        }
        pn *x = pn_new(a, PN_LIST);
        pvec v = { 0 };
        const term *c = t;
        int dd = d;
        for (;;) {      /* print_length_list1/6 */
            if (c->tag == T_NIL)
                break;
            if (dd == 1) {
                x->tail = dots(a);
                break;
            }
            if (c->tag != T_CONS) {
                x->tail = plen(a, c, dd - 1);
                break;
            }
            pv_push(&v, plen(a, c->u.cons.head, dd - 1));
            dd--;
            c = c->u.cons.tail;
        }
        pv_move(a, &v, x);
        x->len = seq_len(x, 2);
        return x;
    }
    case T_TUPLE: {
        if (t->u.tuple.n == 0)
            return leaf_s(a, "{}");
        if (d == 1)
            return leaf_s(a, "{...}");
        pn *x = pn_new(a, PN_TUPLE);
        pvec v = { 0 };
        int dd = d;
        for (uint32_t i = 0; i < t->u.tuple.n; i++) {
            if (dd == 1) {
                x->tail = dots(a);
                break;
            }
            pv_push(&v, plen(a, t->u.tuple.el[i], dd - 1));
            dd--;
        }
        pv_move(a, &v, x);
        x->tagged = t->u.tuple.el[0]->tag == T_ATOM && t->u.tuple.n > 1;
        x->len = seq_len(x, 2);
        return x;
    }
    case T_MAP: {
        if (t->u.map.n == 0)
            return leaf_s(a, "#{}");
        if (d == 1)
            return leaf_s(a, "#{...}");
        pn *x = pn_new(a, PN_MAP);
        pvec v = { 0 };
        int dd = d;
        for (uint32_t i = 0; i < t->u.map.n; i++) {
            if (dd == 1) {
                x->tail = dots(a);
                break;
            }
            pn *p = pn_new(a, PN_PAIR);
            p->el = ar_alloc(a, 2 * sizeof *p->el);
            p->n = 2;
            p->el[0] = plen(a, t->u.map.keys[i], d - 1);
            p->el[1] = plen(a, t->u.map.vals[i], d - 1);
            p->len = p->el[0]->len + 4 + p->el[1]->len;
            pv_push(&v, p);
            dd--;
        }
        pv_move(a, &v, x);
        x->len = seq_len(x, 3);
        return x;
    }
    case T_BIN: {
        if (t->u.bin.n == 0)
            return leaf_s(a, "<<>>");
        if (d == 1)
            return leaf_s(a, "<<...>>");
        pn *x = t->u.bin.tail || a->no_strings ? NULL : printable_bin(a, t, d - 1);
        if (x)
            return x;
        /* io_lib:write_binary/3: the bytes, then a bitstring's last bits
         * as Value:Bits (<<1,2:3>>), each element counting in the depth */
        x = pn_new(a, PN_BIN);
        x->segs = ar_alloc(a, (t->u.bin.n + 1) * sizeof *x->segs);
        int dd = d;
        x->len = 4;
        for (size_t i = 0; i < t->u.bin.n; i++) {
            char tmp[8];
            unsigned byte = t->u.bin.bytes[i];
            if (dd == 1)
                snprintf(tmp, sizeof tmp, "...");
            else if (i + 1 == t->u.bin.n && t->u.bin.tail)
                snprintf(tmp, sizeof tmp, "%u:%u", byte >> (8 - t->u.bin.tail),
                         (unsigned)t->u.bin.tail);
            else
                snprintf(tmp, sizeof tmp, "%u", byte);
            char *s = ar_alloc(a, strlen(tmp) + 1);
            memcpy(s, tmp, strlen(tmp) + 1);
            x->segs[x->nsegs++] = s;
            x->len += (int)strlen(tmp) + (i > 0);
            if (dd == 1)
                break;
            dd--;
        }
        return x;
    }
    default:
        term__write_atomic(&sb, t, a->view);
        return leaf_sb(a, &sb);
    }
}

/* ---- entry points ---- */

/* Appends t as io_lib_pretty:print/2 would with the options in o. */
void term_print_pp(strbuf *b, const term *t, const term_view *view,
                   const term_pp_opts *o)
{
    int col = o->column > 0 ? o->column : 1;
    if (o->depth == 0) {
        sb_puts(b, "...");
        return;
    }
    arena a = { .view = view, .no_strings = o->no_strings };
    pn *x = plen(&a, t, o->depth);
    int m = o->line_max_chars < 0 ? x->len : o->line_max_chars;
    if (x->kind == PN_LEAF || o->line_length == 0
        || (x->len < o->line_length - col && x->len <= m))
        term__write_pn(b, x);
    else
        term__pp(b, x, col, o->line_length, m);
    ar_free(&a);
}

/* Appends what the shell prints for a result: io_lib_pretty with depth
 * 30, 80 columns and line_max_chars 60 (shell:pp/4), the term starting at
 * column col0 (1 for a result). */
void term_print_pretty(strbuf *b, const term *t, const term_view *view,
                       int col0)
{
    term_pp_opts o = { .column = col0, .line_length = 80, .depth = 30,
                       .line_max_chars = 60 };
    term_print_pp(b, t, view, &o);
}
