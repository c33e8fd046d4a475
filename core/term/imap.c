/* imap.c: the table and the sorted key list behind imap.h.
 *
 * Invariants: the table holds each of the n keys once, in linear-probing
 * order from its hash, and is at most half full; keys[0..n) strictly
 * increase and are the table's keys. */
#include "core/term/imap.h"

#include <stdlib.h>
#include <string.h>
#include "core/term/xalloc.h"

static void put(imap_ent *tab, uint32_t cap, uint32_t key1, void *val)
{
    uint32_t mask = cap - 1, i = imap__hash(key1, mask);
    while (tab[i].key1)
        i = (i + 1) & mask;
    tab[i].key1 = key1;
    tab[i].val = val;
}

static void grow(imap *m)
{
    uint32_t cap = m->cap ? 2 * m->cap : 8;
    imap_ent *tab = xcalloc(cap, sizeof *tab);
    for (uint32_t i = 0; i < m->cap; i++)
        if (m->tab[i].key1)
            put(tab, cap, m->tab[i].key1, m->tab[i].val);
    free(m->tab);
    m->tab = tab;
    m->cap = cap;
}

/* Inserts key into the sorted list (it is not there yet). */
static void add_key(imap *m, int key)
{
    if (m->n == m->capkeys) {
        m->capkeys = m->capkeys ? 2 * m->capkeys : 4;
        m->keys = xrealloc(m->keys, m->capkeys * sizeof *m->keys);
    }
    uint32_t lo = 0, hi = m->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (m->keys[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    memmove(m->keys + lo + 1, m->keys + lo, (m->n - lo) * sizeof *m->keys);
    m->keys[lo] = key;
    m->n++;
}

/* imap_slot's miss: key is absent. */
void **imap__insert(imap *m, int key)
{
    uint32_t k1 = (uint32_t)key + 1;
    if (2 * (m->n + 1) > m->cap)
        grow(m);
    add_key(m, key);
    uint32_t mask = m->cap - 1, i = imap__hash(k1, mask);
    while (m->tab[i].key1)
        i = (i + 1) & mask;
    m->tab[i].key1 = k1;
    m->tab[i].val = NULL;
    return &m->tab[i].val;
}

void imap_fini(imap *m)
{
    free(m->tab);
    free(m->keys);
    memset(m, 0, sizeof *m);
}
