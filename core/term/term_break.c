/* term_break.c: writing the tree term_pretty.c builds, as io_lib_pretty
 * does: on one line (write/1), or broken over lines (pp/8, with cind/7
 * choosing the tuple indentation). Like the rest of the printer it
 * follows stdlib 4.2 of erl 25.2.3; the argument names are
 * io_lib_pretty's (below).
 *
 * Invariants: the tree is only read, never changed; nothing printed
 * depends on pointers, hash order or locale. */
#include "core/term/term.h"

#include <assert.h>
#include <stdbool.h>
#include <string.h>

#include "core/term/term_int.h"

/* ---- one-line writing (io_lib_pretty:write/1) ---- */

/* write_list/2 and write_tail/2 */
static void write_seq(strbuf *b, const pn *x, char sep)
{
    for (int i = 0; i < x->n; i++) {
        if (i)
            sb_putc(b, ',');
        term__write_pn(b, x->el[i]);
    }
    if (x->tail) {
        if (x->n)
            sb_putc(b, sep);
        if (x->tail->kind == PN_DOTS)
            sb_puts(b, "...");
        else
            term__write_pn(b, x->tail);
    }
}

void term__write_pn(strbuf *b, const pn *x)
{
    switch (x->kind) {
    case PN_LEAF:
        sb_putn(b, x->text, x->tlen);
        break;
    case PN_DOTS:
        sb_puts(b, "...");
        break;
    case PN_BIN:
        sb_puts(b, "<<");
        for (int i = 0; i < x->nsegs; i++) {
            if (i)
                sb_putc(b, ',');
            sb_puts(b, x->segs[i]);
        }
        sb_puts(b, ">>");
        break;
    case PN_LIST:
        sb_putc(b, '[');
        write_seq(b, x, '|');
        sb_putc(b, ']');
        break;
    case PN_TUPLE:
        sb_putc(b, '{');
        write_seq(b, x, ',');
        sb_putc(b, '}');
        break;
    case PN_MAP:
        sb_puts(b, "#{");
        write_seq(b, x, ',');
        sb_putc(b, '}');
        break;
    case PN_PAIR:
        term__write_pn(b, x->el[0]);
        sb_puts(b, " => ");
        term__write_pn(b, x->el[1]);
        break;
    }
}

/* ---- breaking over lines (io_lib_pretty:pp/8 and cind/7) ----
 *
 * A sequence "L" of io_lib_pretty (a possibly improper list of nodes) is
 * a node `s` with elements s->el[i..n) and the end s->tail. The argument
 * names follow io_lib_pretty: col is the column, ll the line length, m
 * line_max_chars, tind the tuple indentation, ind the indentation after a
 * newline (a count of spaces), ld the "last depth" (closing brackets that
 * will follow), w the characters already on this line. */

typedef struct pp_ctx {
    strbuf *b;
    int ll, m;
} pp_ctx;

static bool is_leaf(const pn *x)
{
    return x->kind == PN_LEAF;
}

static bool pair_is_leaf(const pn *p)
{
    return is_leaf(p->el[0]) && is_leaf(p->el[1]);
}

static void newline(pp_ctx *c, int ind)
{
    sb_putc(c->b, '\n');
    for (int i = 0; i < ind; i++)
        sb_putc(c->b, ' ');
}

/* last_depth/2 for the rest of s after index i */
static int last_depth(const pn *s, int i, int ld)
{
    return i < s->n ? 0 : ld + 1;
}

static bool fits(const pn *x, int col, int ll, int m, int ld, int w)
{
    return x->len < ll - col - ld && x->len + w + ld <= m;
}

/* the test pp_tail/10 and friends use to keep an element on the line */
static bool tail_fits(const pn *x, bool leaf, int col, int ll, int m, int ld1,
                      int w)
{
    int elen = 1 + x->len;
    if (ld1 == 0)
        return elen + 1 < ll - col && w + elen + 1 <= m && leaf;
    return elen < ll - col - ld1 && w + elen + ld1 <= m && leaf;
}

static void pp(pp_ctx *c, const pn *x, int col, int tind, int ind, int ld,
               int w);

static int pp_element(pp_ctx *c, const pn *e, int col, int tind, int ind,
                      int ld, int w)
{
    if (fits(e, col, c->ll, c->m, ld, w) && is_leaf(e)) {
        term__write_pn(c->b, e);
        return e->len;
    }
    pp(c, e, col, tind, ind, ld, w);
    return c->ll;
}

static void pp_tail(pp_ctx *c, const pn *s, int i, int col0, int col,
                    int tind, int ind, int ld, char sep, int w)
{
    for (; i < s->n; i++) {
        const pn *e = s->el[i];
        int ld1 = last_depth(s, i + 1, ld);
        if (tail_fits(e, is_leaf(e), col, c->ll, c->m, ld1, w)) {
            sb_putc(c->b, ',');
            term__write_pn(c->b, e);
            col += 1 + e->len;
            w += 1 + e->len;
        } else {
            sb_putc(c->b, ',');
            newline(c, ind);
            int we = pp_element(c, e, col0, tind, ind, ld1, 0);
            col = col0 + we;
            w = we;
        }
    }
    const pn *e = s->tail;
    if (!e)
        return;
    sb_putc(c->b, sep);
    if (e->kind == PN_DOTS) {
        sb_puts(c->b, "...");
    } else if (e->len + 1 < c->ll - col - (ld + 1)
               && e->len + 1 + w + (ld + 1) <= c->m && is_leaf(e)) {
        term__write_pn(c->b, e);
    } else {
        newline(c, ind);
        pp(c, e, col0, tind, ind, ld + 1, 0);
    }
}

static void pp_list(pp_ctx *c, const pn *s, int col0, int tind, int ind,
                    int ld, char sep, int w)
{
    if (s->n == 0) {
        /* [] cannot reach here (it is a leaf); a bare dots is "..." */
        assert(s->tail && s->tail->kind == PN_DOTS);
        sb_puts(c->b, "...");
        return;
    }
    int we = pp_element(c, s->el[0], col0, tind, ind, last_depth(s, 1, ld),
                        w);
    pp_tail(c, s, 1, col0, col0 + we, tind, ind, ld, sep, w + we);
}

static void pp_tag_tuple(pp_ctx *c, const pn *s, int col, int tind, int ind,
                         int ld, int w)
{
    if (s->n == 0) {
        sb_puts(c->b, "...");
        return;
    }
    const pn *tag = s->el[0];
    int tlen = tag->len;
    int tagind = tlen + 2;
    int tcol = col + tagind;
    term__write_pn(c->b, tag);
    if (tind > 0 && tagind > tind) {
        pp_tail(c, s, 1, col + tind, tcol, tind, ind + tind, ld, ',',
                w + tlen);
    } else {
        sb_putc(c->b, ',');
        /* pp_list on the rest: the rest starts at index 1 */
        if (s->n == 1) {
            assert(s->tail && s->tail->kind == PN_DOTS);
            sb_puts(c->b, "...");
            return;
        }
        int we = pp_element(c, s->el[1], tcol, tind, ind + tagind,
                            last_depth(s, 2, ld), w + tlen + 1);
        pp_tail(c, s, 2, tcol, tcol + we, tind, ind + tagind, ld, ',',
                w + tlen + 1 + we);
    }
}

static int map_value_indent(int tind)
{
    return tind > 0 ? tind : 4;
}

static int pp_pair(pp_ctx *c, const pn *p, int col, int tind, int ind,
                   int ld, int w)
{
    if (p->len < c->ll - col - ld && p->len + w + ld <= c->m) {
        term__write_pn(c->b, p);
        return pair_is_leaf(p) ? p->len : c->ll;
    }
    int i = map_value_indent(tind);
    pp(c, p->el[0], col, tind, ind, ld, w);
    sb_puts(c->b, " =>");
    newline(c, ind + i);
    pp(c, p->el[1], col + i, tind, ind + i, ld, 0);
    return c->ll;
}

static void pp_map(pp_ctx *c, const pn *s, int col, int tind, int ind,
                   int ld, int w)
{
    if (s->n == 0) {
        if (s->tail)
            sb_puts(c->b, "...");
        return;
    }
    int pw = pp_pair(c, s->el[0], col, tind, ind, last_depth(s, 1, ld), w);
    int col0 = col;
    int cl = col + pw;
    w = pw;
    for (int i = 1; i < s->n; i++) {
        const pn *p = s->el[i];
        int ld1 = last_depth(s, i + 1, ld);
        if (tail_fits(p, pair_is_leaf(p), cl, c->ll, c->m, ld1, w)) {
            sb_putc(c->b, ',');
            term__write_pn(c->b, p);
            cl += 1 + p->len;
            w += 1 + p->len;
        } else {
            sb_putc(c->b, ',');
            newline(c, ind);
            pw = pp_pair(c, p, col0, tind, ind, ld1, 0);
            cl = col0 + pw;
            w = pw;
        }
    }
    if (s->tail)
        sb_puts(c->b, ",...");
}

static void pp_binary(pp_ctx *c, const pn *x, int col, int ind, int ld,
                      int w)
{
    int lim = c->ll - col < c->m - 4 - w ? c->ll - col : c->m - 4 - w;
    int n0 = lim - ld > 8 ? lim - ld : 8;
    int n = n0;
    sb_puts(c->b, "<<");
    for (int i = 0; i < x->nsegs; i++) {
        const char *bs = x->segs[i];
        int len = (int)strlen(bs);
        if (i + 1 < x->nsegs) {
            if (n - (len + 1) < 0) {
                newline(c, ind);
                sb_puts(c->b, bs);
                sb_putc(c->b, ',');
                n = n0 - (len + 1);
            } else {
                sb_puts(c->b, bs);
                sb_putc(c->b, ',');
                n -= len + 1;
            }
        } else {
            if (len > n)
                newline(c, ind);
            sb_puts(c->b, bs);
        }
    }
    sb_puts(c->b, ">>");
}

static void pp(pp_ctx *c, const pn *x, int col, int tind, int ind, int ld,
               int w)
{
    if (fits(x, col, c->ll, c->m, ld, w)) {
        term__write_pn(c->b, x);
        return;
    }
    switch (x->kind) {
    case PN_LIST:
        sb_putc(c->b, '[');
        pp_list(c, x, col + 1, tind, ind + 1, ld, '|', w + 1);
        sb_putc(c->b, ']');
        break;
    case PN_TUPLE:
        sb_putc(c->b, '{');
        if (x->tagged)
            pp_tag_tuple(c, x, col, tind, ind, ld, w + 1);
        else
            pp_list(c, x, col + 1, tind, ind + 1, ld, ',', w + 1);
        sb_putc(c->b, '}');
        break;
    case PN_MAP:
        sb_puts(c->b, "#{");
        pp_map(c, x, col + 2, tind, ind + 2, ld, w + 1);
        sb_putc(c->b, '}');
        break;
    case PN_BIN:
        pp_binary(c, x, col + 2, ind + 2, ld, w);
        break;
    default:
        term__write_pn(c->b, x);
        break;
    }
}

/* cind/7 and friends: whether indenting tagged tuples by `ind` (-1: after
 * the tag; 4: by four) keeps everything within bounds. false is the
 * throw(no_good) of io_lib_pretty. */
static bool cind(pp_ctx *c, const pn *x, int col, int ind, int ld, int w);

static bool cind_element(pp_ctx *c, const pn *e, int col, int ind, int ld,
                         int w, int *we)
{
    if (fits(e, col, c->ll, c->m, ld, w) && is_leaf(e)) {
        *we = e->len;
        return true;
    }
    *we = c->ll;
    return cind(c, e, col, ind, ld, w);
}

static bool cind_tail(pp_ctx *c, const pn *s, int i, int col0, int col,
                      int ind, int ld, int w)
{
    for (; i < s->n; i++) {
        const pn *e = s->el[i];
        int ld1 = last_depth(s, i + 1, ld);
        if (tail_fits(e, is_leaf(e), col, c->ll, c->m, ld1, w)) {
            col += 1 + e->len;
            w += 1 + e->len;
        } else {
            int we;
            if (!cind_element(c, e, col0, ind, ld1, 0, &we))
                return false;
            col = col0 + we;
            w = we;
        }
    }
    const pn *e = s->tail;
    if (!e || e->kind == PN_DOTS)
        return true;
    if (e->len + 1 < c->ll - col - (ld + 1)
        && e->len + 1 + w + (ld + 1) <= c->m && is_leaf(e))
        return true;
    return cind(c, e, col, ind, ld + 1, 0);
}

static bool cind_list(pp_ctx *c, const pn *s, int i, int col0, int ind,
                      int ld, int w)
{
    if (i >= s->n)      /* a dots (or nothing) */
        return true;
    int we;
    if (!cind_element(c, s->el[i], col0, ind, last_depth(s, i + 1, ld), w,
                      &we))
        return false;
    return cind_tail(c, s, i + 1, col0, col0 + we, ind, ld, w + we);
}

static bool cind_tag_tuple(pp_ctx *c, const pn *s, int col, int ind, int ld,
                           int w)
{
    if (s->n == 0)
        return true;
    int tlen = s->el[0]->len;
    int tagind = tlen + 2;
    int tcol = col + tagind;
    if (ind > 0 && tagind > ind) {
        int col1 = col + ind;
        if (c->m + col1 <= c->ll || col1 <= c->ll / 2)
            return cind_tail(c, s, 1, col1, tcol, ind, ld, w + tlen);
        return false;
    }
    if (c->m + tcol < c->ll || tcol < c->ll / 2)
        return cind_list(c, s, 1, tcol, ind, ld, w + tlen + 1);
    return false;
}

static bool cind_pair(pp_ctx *c, const pn *p, int col, int ind, int ld,
                      int w, int *pw)
{
    if (p->len < c->ll - col - ld && p->len + w + ld <= c->m) {
        *pw = pair_is_leaf(p) ? p->len : c->ll;
        return true;
    }
    *pw = c->ll;
    if (!cind(c, p->el[0], col, ind, ld, w))
        return false;
    return cind(c, p->el[1], col + map_value_indent(ind), ind, ld, 0);
}

static bool cind_map(pp_ctx *c, const pn *s, int col, int ind, int ld,
                     int w)
{
    if (s->n == 0)
        return true;
    int pw;
    if (!cind_pair(c, s->el[0], col, ind, last_depth(s, 1, ld), w, &pw))
        return false;
    int col0 = col, cl = col + pw;
    w += pw;
    for (int i = 1; i < s->n; i++) {
        const pn *p = s->el[i];
        int ld1 = last_depth(s, i + 1, ld);
        if (tail_fits(p, pair_is_leaf(p), cl, c->ll, c->m, ld1, w)) {
            cl += 1 + p->len;
            w += 1 + p->len;
        } else {
            if (!cind_pair(c, p, col0, ind, ld1, 0, &pw))
                return false;
            cl = col0 + pw;
            w = pw;
        }
    }
    return true;
}

static bool cind(pp_ctx *c, const pn *x, int col, int ind, int ld, int w)
{
    if (fits(x, col, c->ll, c->m, ld, w))
        return true;
    switch (x->kind) {
    case PN_LIST:
        return cind_list(c, x, 0, col + 1, ind, ld, w + 1);
    case PN_TUPLE:
        if (x->tagged)
            return cind_tag_tuple(c, x, col, ind, ld, w + 1);
        return cind_list(c, x, 0, col + 1, ind, ld, w + 1);
    case PN_MAP:
        return cind_map(c, x, col + 2, ind, ld, w + 2);
    default:
        return true;
    }
}

void term__pp(strbuf *b, const pn *x, int col, int ll, int m)
{
    pp_ctx c = { b, ll, m };
    int tind = 1;
    if (cind(&c, x, col, -1, 0, 0))
        tind = -1;
    else if (cind(&c, x, col, 4, 0, 0))
        tind = 4;
    pp(&c, x, col, tind, col - 1, 0, 0);
}
