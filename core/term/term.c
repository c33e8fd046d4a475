/* term.c: the atom table, term construction, reference counting, equality
 * and Erlang's standard term order, and the string buffer.
 *
 * Invariants:
 * - Static cells have rc == UINT32_MAX and are never counted or freed: the
 *   empty list, every atom (one cell per atom-table entry) and the small
 *   integers in [SMALL_MIN, SMALL_MAX]. Every other cell is a heap cell
 *   with rc >= 1 while reachable, freed when the count drops to zero.
 * - A term is never changed after construction.
 * - A map's keys are strictly increasing under term_compare(.., false)
 *   (the map key order); no two keys are exactly equal.
 * - The atom table is one table for the program, grown but never shrunk.
 *   Each entry is its own allocation that never moves, so atom_text
 *   pointers and atom cells stay valid for the program's life. Atom 0 is
 *   the empty atom '' (callers use 0 as "no atom"). Nothing observable
 *   depends on atom indices or hash order: atoms compare by text.
 *
 * Term order (as erts_cmp in OTP 25, checked against erl 25.2.3):
 *   number < atom < reference < fun < pid < tuple < map < [] < list
 *   < binary.
 * - Numbers with arith (==, <): compared by value, 1 == 1.0.
 *   Without arith (=:=, and the map key order): all integers sort before
 *   all floats, whatever their values (OTP: "in maps key order integers
 *   types are considered less than floats types"), so #{1.0 => a, 2 => b}
 *   holds 2 before 1.0, as maps:keys/1 shows.
 * - Atoms by their text bytes (unsigned), shorter prefix first.
 * - Refs by node name, then creation, then the words from the first
 *   printed (most significant) to the last.
 * - Funs (only external fun M:F/A here) by module text, function text,
 *   arity.
 * - Pids by serial, then number, then node name text, then creation: erl
 *   25 orders <8524.5.0> (a@h) after <8525.3.0> (z@h), and <x.3.1> after
 *   <x.5.0>.
 * - Tuples by size, then element by element.
 * - Maps by size, then keys in key order (compared without arith), then
 *   values in key order (compared with the caller's arith).
 * - Lists element by element; a proper list's end ([]) sorts before a
 *   further cons, and an improper tail is compared as a term.
 * - Bitstrings bit by bit, a prefix first: as their bytes (memcmp; the
 *   unused bits of a bitstring's last byte are 0, so a prefix never
 *   compares greater), then their sizes in bits. <<0:1>> < <<0>> <
 *   <<1>> < <<1:1>>, as in erl. */
#include "core/term/term.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/term/xalloc.h"
#include "core/term/term_int.h"

#define RC_STATIC UINT32_MAX
#define SMALL_MIN (-16)
#define SMALL_MAX 255

/* ---- atoms ---- */

typedef struct atom_entry {
    term cell;      /* the static term for this atom */
    size_t len;
    uint32_t hash;
    char *printed;  /* how it prints (term_print.c), once asked */
    char text[];    /* len bytes plus a NUL */
} atom_entry;

static struct {
    atom_entry **v;     /* by atom index */
    uint32_t n, cap;
    uint32_t *slots;    /* open addressing: 0 empty, else index + 1 */
    uint32_t nslots;    /* power of two */
} atoms;

static uint32_t fnv1a(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

static void atoms_rehash(uint32_t nslots)
{
    free(atoms.slots);
    atoms.slots = xcalloc(nslots, sizeof *atoms.slots);
    atoms.nslots = nslots;
    for (uint32_t i = 0; i < atoms.n; i++) {
        uint32_t j = atoms.v[i]->hash & (nslots - 1);
        while (atoms.slots[j])
            j = (j + 1) & (nslots - 1);
        atoms.slots[j] = i + 1;
    }
}

static atom_t atoms_insert(const char *text, size_t n)
{
    if (atoms.nslots == 0)
        atoms_rehash(256);
    uint32_t h = fnv1a(text, n);
    uint32_t j = h & (atoms.nslots - 1);
    for (;;) {
        uint32_t s = atoms.slots[j];
        if (!s)
            break;
        atom_entry *e = atoms.v[s - 1];
        if (e->hash == h && e->len == n && memcmp(e->text, text, n) == 0)
            return s - 1;
        j = (j + 1) & (atoms.nslots - 1);
    }
    if (atoms.n == atoms.cap) {
        atoms.cap = atoms.cap ? atoms.cap * 2 : 256;
        atoms.v = xrealloc(atoms.v, atoms.cap * sizeof *atoms.v);
    }
    atom_entry *e = xmalloc(sizeof *e + n + 1);
    memset(&e->cell, 0, sizeof e->cell);
    e->cell.rc = RC_STATIC;
    e->cell.tag = T_ATOM;
    e->cell.u.atom = atoms.n;
    e->len = n;
    e->hash = h;
    e->printed = NULL;
    memcpy(e->text, text, n);
    e->text[n] = '\0';
    atoms.v[atoms.n] = e;
    atoms.slots[j] = atoms.n + 1;
    atoms.n++;
    if ((uint64_t)atoms.n * 2 > atoms.nslots)
        atoms_rehash(atoms.nslots * 2);
    return atoms.n - 1;
}

static void atoms_init(void)
{
    if (atoms.n == 0)
        atoms_insert("", 0);    /* atom 0 is '' */
}

/* Interns n bytes of text (they may hold any byte) and returns its atom;
 * the same text always gives the same atom. Never fails. */
atom_t atom_intern_n(const char *text, size_t n)
{
    atoms_init();
    return atoms_insert(text, n);
}

/* atom_intern_n of a NUL-terminated string. */
atom_t atom_intern(const char *text)
{
    return atom_intern_n(text, strlen(text));
}

/* The atom's text, NUL-terminated, valid for the program's life. `a` must
 * come from atom_intern*. */
char **term__atom_printed(atom_t a)
{
    atoms_init();
    assert(a < atoms.n);
    return &atoms.v[a]->printed;
}

const char *atom_text(atom_t a)
{
    atoms_init();
    assert(a < atoms.n);
    return atoms.v[a]->text;
}

/* Binary search in any sorted array (contract in term.h). */
size_t term_bsearch(const void *base, size_t n, size_t stride,
                    int (*cmp)(const void *elem, const void *key),
                    const void *key, bool *found)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp((const char *)base + mid * stride, key);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

/* An element's leading atom against the text `key`, in strcmp order. */
static int atom_text_cmp(const void *elem, const void *key)
{
    atom_t a;
    memcpy(&a, elem, sizeof a);
    return strcmp(atom_text(a), key);
}

/* Binary search by atom text (contract in term.h). */
size_t atom_search(const void *base, size_t n, size_t stride, atom_t key,
                   bool *found)
{
    return term_bsearch(base, n, stride, atom_text_cmp, atom_text(key), found);
}

/* The length of the atom's text in bytes (it may hold NUL bytes). */
size_t atom_len(atom_t a)
{
    atoms_init();
    assert(a < atoms.n);
    return atoms.v[a]->len;
}

/* ---- construction ---- */

static term nil_cell = { .rc = RC_STATIC, .tag = T_NIL };
static term small_ints[SMALL_MAX - SMALL_MIN + 1];

/* Cells allocated and not yet freed, by every world of the process:
 * what term_live_cells reports. */
static uint64_t live_cells, cell_limit = UINT64_MAX;

uint64_t term_live_cells(void)
{
    return live_cells;
}

void term_set_cell_limit(uint64_t n)
{
    cell_limit = n;
}

bool term_cells_over(void)
{
    return live_cells > cell_limit || xalloc_over();
}

static term *cell_new(term_tag tag)
{
    live_cells++;
    term *t = xmalloc(sizeof *t);
    memset(t, 0, sizeof *t);
    t->rc = 1;
    t->tag = (uint8_t)tag;
    return t;
}

/* A new integer. Small values return a static cell. */
term *term_int(int64_t v)
{
    if (v >= SMALL_MIN && v <= SMALL_MAX) {
        term *t = &small_ints[v - SMALL_MIN];
        if (t->rc != RC_STATIC) {   /* first use: fill the static cell */
            t->tag = T_INT;
            t->u.i = v;
            t->rc = RC_STATIC;
        }
        return t;
    }
    term *t = cell_new(T_INT);
    t->u.i = v;
    return t;
}

/* A new float. v must be finite (Erlang has no NaN or infinity). */
term *term_float(double v)
{
    term *t = cell_new(T_FLOAT);
    t->u.f = v;
    return t;
}

/* The static cell of atom a. */
term *term_atom(atom_t a)
{
    atoms_init();
    assert(a < atoms.n);
    return &atoms.v[a]->cell;
}

/* term_atom(atom_intern(text)). */
term *term_atom_s(const char *text)
{
    return term_atom(atom_intern(text));
}

/* The atom true or false. */
term *term_bool(bool b)
{
    return term_atom_s(b ? "true" : "false");
}

/* The static empty list. */
term *term_nil(void)
{
    return &nil_cell;
}

/* One level deeper than d, saturating (term.depth). */
static uint16_t deeper(uint16_t d)
{
    return d < UINT16_MAX ? (uint16_t)(d + 1) : d;
}

/* [head | tail]; takes ownership of both. */
term *term_cons(term *head, term *tail)
{
    assert(head && tail);
    term *t = cell_new(T_CONS);
    t->u.cons.head = head;
    t->u.cons.tail = tail;
    uint16_t h = deeper(head->depth);
    t->depth = h > tail->depth ? h : tail->depth;
    return t;
}

/* {el[0], ..., el[n-1]}; takes ownership of the n elements, not of the
 * array. n may be 0 (el may then be NULL). */
term *term_tuple(uint32_t n, term **el)
{
    term *t = cell_new(T_TUPLE);
    t->u.tuple.n = n;
    t->u.tuple.el = n ? xmalloc(n * sizeof(term *)) : NULL;
    for (uint32_t i = 0; i < n; i++) {
        assert(el[i]);
        t->u.tuple.el[i] = el[i];
        if (deeper(el[i]->depth) > t->depth)
            t->depth = deeper(el[i]->depth);
    }
    return t;
}

/* {a1, ..., an} from n term * arguments; takes ownership of them. */
term *term_tuplev(uint32_t n, ...)
{
    term *t = cell_new(T_TUPLE);
    t->u.tuple.n = n;
    t->u.tuple.el = n ? xmalloc(n * sizeof(term *)) : NULL;
    va_list ap;
    va_start(ap, n);
    for (uint32_t i = 0; i < n; i++) {
        t->u.tuple.el[i] = va_arg(ap, term *);
        assert(t->u.tuple.el[i]);
        if (deeper(t->u.tuple.el[i]->depth) > t->depth)
            t->depth = deeper(t->u.tuple.el[i]->depth);
    }
    va_end(ap);
    return t;
}

/* [el[0], ..., el[n-1] | tail], proper ([]-ended) when tail is NULL.
 * Takes ownership of the elements and the tail, not of the array. */
term *term_list(uint32_t n, term **el, term *tail)
{
    term *l = tail ? tail : term_nil();
    for (uint32_t i = n; i-- > 0;)
        l = term_cons(el[i], l);
    return l;
}

/* The list of the bytes of s as character codes (Latin-1: one code per
 * byte, no UTF-8 decoding), as the Erlang literal "abc". */
term *term_string(const char *s)
{
    size_t n = strlen(s);
    term *l = term_nil();
    for (size_t i = n; i-- > 0;)
        l = term_cons(term_int((unsigned char)s[i]), l);
    return l;
}

/* A binary holding a copy of n bytes. */
term *term_binary(const void *bytes, size_t n)
{
    term *t = cell_new(T_BIN);
    t->u.bin.n = n;
    t->u.bin.bytes = xmalloc(n);
    if (n)
        memcpy(t->u.bin.bytes, bytes, n);
    return t;
}

/* A bitstring of the first nbits bits of bytes; see term.h. */
term *term_bitstring(const void *bytes, uint64_t nbits)
{
    term *t = term_binary(bytes, (size_t)((nbits + 7) / 8));
    t->u.bin.tail = (uint8_t)(nbits % 8);
    if (t->u.bin.tail)
        t->u.bin.bytes[t->u.bin.n - 1] &= (uint8_t)(0xff00u >> t->u.bin.tail);
    return t;
}

/* A pid. */
term *term_pid_new(term_pid p)
{
    term *t = cell_new(T_PID);
    t->u.pid = p;
    return t;
}

/* A reference. */
term *term_ref_new(term_refv r)
{
    term *t = cell_new(T_REF);
    t->u.ref = r;
    return t;
}

/* The external fun `fun mod:fun/arity`. */
term *term_fun(atom_t mod, atom_t fun, uint32_t arity)
{
    term *t = cell_new(T_FUN);
    t->u.fun.mod = mod;
    t->u.fun.fun = fun;
    t->u.fun.arity = arity;
    return t;
}

/* A fun with a body; see term.h. */
term *term_closure_new(atom_t mod, uint32_t arity, term_closure *clo)
{
    term *t = cell_new(T_FUN);
    t->u.fun.mod = mod;
    t->u.fun.arity = arity;
    t->u.fun.clo = clo;
    t->depth = deeper(clo->env->depth);
    return t;
}

typedef struct map_pair {
    term *k, *v;
    uint32_t idx;
} map_pair;

static int map_pair_cmp(const void *pa, const void *pb)
{
    const map_pair *a = pa, *b = pb;
    int c = term_compare(a->k, b->k, false);
    if (c)
        return c;
    /* DETERMINISM: equal keys keep their argument order, so "later wins"
     * does not depend on qsort's stability. */
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* A map of n pairs; takes ownership of the keys and values, not of the
 * arrays. Keys that are exactly equal (=:=) collapse to one entry holding
 * the later value, as #{k => 1, k => 2} gives #{k => 2}. */
term *term_map(uint32_t n, term **keys, term **vals)
{
    map_pair *p = n ? xmalloc(n * sizeof *p) : NULL;
    for (uint32_t i = 0; i < n; i++) {
        assert(keys[i] && vals[i]);
        p[i].k = keys[i];
        p[i].v = vals[i];
        p[i].idx = i;
    }
    /* pairs already in strictly ascending order (a map's own, less some)
     * need no sort */
    bool sorted = true;
    for (uint32_t i = 1; i < n && sorted; i++)
        sorted = term_compare(p[i - 1].k, p[i].k, false) < 0;
    if (!sorted)
        qsort(p, n, sizeof *p, map_pair_cmp);
    term *t = cell_new(T_MAP);
    t->u.map.keys = n ? xmalloc(n * sizeof(term *)) : NULL;
    t->u.map.vals = n ? xmalloc(n * sizeof(term *)) : NULL;
    uint32_t m = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (i + 1 < n && term_compare(p[i].k, p[i + 1].k, false) == 0) {
            term_unref(p[i].k);     /* a later pair has the same key */
            term_unref(p[i].v);
            continue;
        }
        t->u.map.keys[m] = p[i].k;
        t->u.map.vals[m] = p[i].v;
        uint16_t d = deeper(p[i].k->depth > p[i].v->depth ? p[i].k->depth
                                                          : p[i].v->depth);
        if (d > t->depth)
            t->depth = d;
        m++;
    }
    t->u.map.n = m;
    free(p);
    return t;
}

/* base with the n pairs put (ownership of the keys and values taken, not
 * of the arrays; a later pair wins, and a pair wins over base's): the new
 * pairs sorted on their own, then merged with base's sorted ones, so
 * M#{K => V} costs O(size of M), not a sort of all of it. */
term *term_map_put(const term *base, uint32_t n, term **keys, term **vals)
{
    assert(base->tag == T_MAP);
    term *add = term_map(n, keys, vals);
    uint32_t bn = base->u.map.n, an = add->u.map.n;
    term *t = cell_new(T_MAP);
    uint32_t cap = bn + an;
    t->u.map.keys = cap ? xmalloc(cap * sizeof(term *)) : NULL;
    t->u.map.vals = cap ? xmalloc(cap * sizeof(term *)) : NULL;
    uint32_t i = 0, j = 0, m = 0;
    while (i < bn || j < an) {
        int c = i == bn ? 1 : j == an ? -1
              : term_compare(base->u.map.keys[i], add->u.map.keys[j], false);
        term *k, *v;
        if (c < 0) {
            k = term_ref(base->u.map.keys[i]);
            v = term_ref(base->u.map.vals[i]);
            i++;
        } else {
            k = term_ref(add->u.map.keys[j]);
            v = term_ref(add->u.map.vals[j]);
            j++;
            i += c == 0;
        }
        t->u.map.keys[m] = k;
        t->u.map.vals[m] = v;
        uint16_t d = deeper(k->depth > v->depth ? k->depth : v->depth);
        if (d > t->depth)
            t->depth = d;
        m++;
    }
    t->u.map.n = m;
    term_unref(add);
    return t;
}

/* ---- references ---- */

/* Adds a reference to t and returns t; NULL gives NULL. */
term *term_ref(term *t)
{
    if (t && t->rc != RC_STATIC) {
        assert(t->rc > 0 && t->rc < RC_STATIC - 1);
        t->rc++;
    }
    return t;
}

/* Drops a reference; frees t and drops its children's references when it
 * was the last. NULL and static cells are no-ops. */
void term_unref(term *t)
{
    /* Walks down list tails in a loop, so a long list does not recurse
     * once per element. */
    while (t && t->rc != RC_STATIC) {
        assert(t->rc > 0);
        if (--t->rc > 0)
            return;
        term *next = NULL;
        switch ((term_tag)t->tag) {
        case T_CONS:
            term_unref(t->u.cons.head);
            next = t->u.cons.tail;
            break;
        case T_TUPLE:
            for (uint32_t i = 0; i < t->u.tuple.n; i++)
                term_unref(t->u.tuple.el[i]);
            free(t->u.tuple.el);
            break;
        case T_MAP:
            for (uint32_t i = 0; i < t->u.map.n; i++) {
                term_unref(t->u.map.keys[i]);
                term_unref(t->u.map.vals[i]);
            }
            free(t->u.map.keys);
            free(t->u.map.vals);
            break;
        case T_BIN:
            free(t->u.bin.bytes);
            break;
        case T_FUN:
            if (t->u.fun.clo) {
                term_closure *c = t->u.fun.clo;
                if (c->release)
                    c->release(c->code);
                term_unref(c->env);
                free(c);
            }
            break;
        default:
            break;
        }
        free(t);
        live_cells--;
        t = next;
    }
}

/* ---- inspection ---- */

/* Whether t is the atom a. */
bool term_is_atom(const term *t, atom_t a)
{
    return t->tag == T_ATOM && t->u.atom == a;
}

/* Whether t is [] or a chain of conses ending in []. */
bool term_is_proper_list(const term *t)
{
    while (t->tag == T_CONS)
        t = t->u.cons.tail;
    return t->tag == T_NIL;
}

/* The number of elements of a proper list (of the conses before the tail
 * of an improper one). */
size_t term_list_length(const term *t)
{
    size_t n = 0;
    while (t->tag == T_CONS) {
        n++;
        t = t->u.cons.tail;
    }
    return n;
}

/* The size of a T_BIN in bits. */
uint64_t term_bit_size(const term *t)
{
    assert(t->tag == T_BIN);
    return (uint64_t)t->u.bin.n * 8 - (t->u.bin.tail ? 8u - t->u.bin.tail : 0);
}

/* Whether t is a bitstring of whole bytes. */
bool term_is_binary(const term *t)
{
    return t->tag == T_BIN && t->u.bin.tail == 0;
}

/* The value stored under a key exactly equal (=:=) to `key`, borrowed, or
 * NULL when there is none or `map` is not a map. */
term *term_map_get(const term *map, const term *key)
{
    if (map->tag != T_MAP)
        return NULL;
    uint32_t lo = 0, hi = map->u.map.n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = term_compare(map->u.map.keys[mid], key, false);
        if (c == 0)
            return map->u.map.vals[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* ---- comparison ---- */

static int class_of(term_tag tag)
{
    switch (tag) {
    case T_INT:
    case T_FLOAT: return 0;
    case T_ATOM:  return 1;
    case T_REF:   return 2;
    case T_FUN:   return 3;
    case T_PID:   return 4;
    case T_TUPLE: return 5;
    case T_MAP:   return 6;
    case T_NIL:   return 7;
    case T_CONS:  return 8;
    case T_BIN:   return 9;
    }
    assert(!"bad tag");
    return 10;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
    return a < b ? -1 : a > b;
}

static int cmp_i64(int64_t a, int64_t b)
{
    return a < b ? -1 : a > b;
}

static int cmp_double(double a, double b)
{
    return a < b ? -1 : a > b;
}

/* An integer against a float by exact value (no rounding of i). */
static int cmp_int_float(int64_t i, double f)
{
    if (f >= 9223372036854775808.0)     /* 2^63 */
        return -1;
    if (f < -9223372036854775808.0)
        return 1;
    int64_t ti = (int64_t)f;            /* truncated toward zero */
    if (i != ti)
        return i < ti ? -1 : 1;
    double frac = f - (double)ti;       /* exact for doubles */
    return frac > 0 ? -1 : frac < 0 ? 1 : 0;
}

static int cmp_atoms(atom_t a, atom_t b)
{
    if (a == b)
        return 0;
    const atom_entry *x = atoms.v[a], *y = atoms.v[b];
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->text, y->text, n);
    if (c)
        return c < 0 ? -1 : 1;
    return cmp_u64(x->len, y->len);
}

static int cmp_numbers(const term *a, const term *b, bool arith)
{
    if (a->tag == T_INT && b->tag == T_INT)
        return cmp_i64(a->u.i, b->u.i);
    if (a->tag == T_FLOAT && b->tag == T_FLOAT)
        return cmp_double(a->u.f, b->u.f);
    if (!arith)     /* map key order: every integer before every float */
        return a->tag == T_INT ? -1 : 1;
    if (a->tag == T_INT)
        return cmp_int_float(a->u.i, b->u.f);
    return -cmp_int_float(b->u.i, a->u.f);
}

/* Compares two terms: <0, 0 or >0 in Erlang's standard order, with
 * numbers by value when `arith` (==, <) and integers before floats when
 * not (=:=, map key order). See the file comment for the whole order. */
int term_compare(const term *a, const term *b, bool arith)
{
    for (;;) {      /* loops down list tails */
        if (a == b)
            return 0;
        int ca = class_of((term_tag)a->tag), cb = class_of((term_tag)b->tag);
        if (ca != cb)
            return ca < cb ? -1 : 1;
        int c;
        switch ((term_tag)a->tag) {
        case T_INT:
        case T_FLOAT:
            return cmp_numbers(a, b, arith);
        case T_ATOM:
            return cmp_atoms(a->u.atom, b->u.atom);
        case T_REF:
            if ((c = cmp_atoms(a->u.ref.node, b->u.ref.node)))
                return c;
            if ((c = cmp_u64(a->u.ref.creation, b->u.ref.creation)))
                return c;
            for (int i = 0; i < 3; i++)
                if ((c = cmp_u64(a->u.ref.w[i], b->u.ref.w[i])))
                    return c;
            return 0;
        case T_FUN:
            if (!a->u.fun.clo != !b->u.fun.clo)    /* external funs first */
                return a->u.fun.clo ? 1 : -1;
            if (a->u.fun.clo) {
                const term_closure *x = a->u.fun.clo, *y = b->u.fun.clo;
                if ((c = cmp_u64(a->u.fun.arity, b->u.fun.arity))
                    || (c = cmp_u64(x->line, y->line))
                    || (c = cmp_u64(x->col, y->col)))
                    return c;
                a = x->env;
                b = y->env;
                continue;
            }
            if ((c = cmp_atoms(a->u.fun.mod, b->u.fun.mod)))
                return c;
            if ((c = cmp_atoms(a->u.fun.fun, b->u.fun.fun)))
                return c;
            return cmp_u64(a->u.fun.arity, b->u.fun.arity);
        case T_PID:
            if ((c = cmp_u64(a->u.pid.serial, b->u.pid.serial)))
                return c;
            if ((c = cmp_u64(a->u.pid.number, b->u.pid.number)))
                return c;
            if ((c = cmp_atoms(a->u.pid.node, b->u.pid.node)))
                return c;
            return cmp_u64(a->u.pid.creation, b->u.pid.creation);
        case T_TUPLE:
            if ((c = cmp_u64(a->u.tuple.n, b->u.tuple.n)))
                return c;
            for (uint32_t i = 0; i < a->u.tuple.n; i++)
                if ((c = term_compare(a->u.tuple.el[i], b->u.tuple.el[i],
                                      arith)))
                    return c;
            return 0;
        case T_MAP:
            if ((c = cmp_u64(a->u.map.n, b->u.map.n)))
                return c;
            for (uint32_t i = 0; i < a->u.map.n; i++)
                if ((c = term_compare(a->u.map.keys[i], b->u.map.keys[i],
                                      false)))
                    return c;
            for (uint32_t i = 0; i < a->u.map.n; i++)
                if ((c = term_compare(a->u.map.vals[i], b->u.map.vals[i],
                                      arith)))
                    return c;
            return 0;
        case T_NIL:
            return 0;
        case T_CONS:
            if ((c = term_compare(a->u.cons.head, b->u.cons.head, arith)))
                return c;
            a = a->u.cons.tail;
            b = b->u.cons.tail;
            continue;
        case T_BIN: {
            size_t n = a->u.bin.n < b->u.bin.n ? a->u.bin.n : b->u.bin.n;
            c = n ? memcmp(a->u.bin.bytes, b->u.bin.bytes, n) : 0;
            if (c)
                return c < 0 ? -1 : 1;
            return cmp_u64(term_bit_size(a), term_bit_size(b));
        }
        }
        assert(!"bad tag");
        return 0;
    }
}

/* Erlang's =:=. */
bool term_equal(const term *a, const term *b)
{
    return term_compare(a, b, false) == 0;
}

/* ---- strbuf ---- */

/* An empty buffer; s stays NULL until something is appended. */
void sb_init(strbuf *b)
{
    b->s = NULL;
    b->len = b->cap = 0;
}

/* Frees the buffer's text and leaves it empty. */
void sb_fini(strbuf *b)
{
    free(b->s);
    sb_init(b);
}

static void sb_reserve(strbuf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->s = xrealloc(b->s, cap);
    b->cap = cap;
}

/* Appends n bytes; the text stays NUL-terminated. */
void sb_putn(strbuf *b, const char *s, size_t n)
{
    sb_reserve(b, n);
    if (n)
        memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

/* Appends one byte. */
void sb_putc(strbuf *b, char c)
{
    sb_putn(b, &c, 1);
}

void sb_put_utf8(strbuf *b, uint32_t c)
{
    char u[4];
    if (c < 0x80) {
        sb_putc(b, (char)c);
        return;
    }
    if (c < 0x800) {
        u[0] = (char)(0xC0 | (c >> 6));
        u[1] = (char)(0x80 | (c & 0x3F));
        sb_putn(b, u, 2);
    } else if (c < 0x10000) {
        u[0] = (char)(0xE0 | (c >> 12));
        u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        u[2] = (char)(0x80 | (c & 0x3F));
        sb_putn(b, u, 3);
    } else {
        u[0] = (char)(0xF0 | (c >> 18));
        u[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((c >> 6) & 0x3F));
        u[3] = (char)(0x80 | (c & 0x3F));
        sb_putn(b, u, 4);
    }
}

/* Appends a NUL-terminated string. */
void sb_puts(strbuf *b, const char *s)
{
    sb_putn(b, s, strlen(s));
}

/* Appends printf-formatted text, in the C locale (cnum.c). */
void sb_printf(strbuf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = term_vsnprintf_c(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    assert(n >= 0);
    if ((size_t)n < sizeof tmp) {
        sb_putn(b, tmp, (size_t)n);
        return;
    }
    sb_reserve(b, (size_t)n);
    va_start(ap, fmt);
    term_vsnprintf_c(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* Returns the text (malloc'd, the caller frees; "" for an empty buffer)
 * and leaves b empty. */
char *sb_take(strbuf *b)
{
    if (!b->s)
        return xstrdup("");
    char *s = b->s;
    sb_init(b);
    return s;
}
