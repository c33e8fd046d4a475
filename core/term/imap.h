/* imap: a map from small non-negative int keys to pointers. It holds the
 * per-peer state of a node (dist's connections and ticks, global's
 * exchanges), so that a node costs memory for the peers it has met, not
 * for every node of the world: 100,000 idle nodes cost nothing here.
 *
 * Lookup is an open-addressing hash probe (O(1), inline: it is on the
 * path of every packet). Iteration goes through `keys`, the keys in
 * increasing order (DETERMINISM: never in the table's order), so a loop
 * over a node's peers visits them in node order, as a loop over 0..n-1
 * did:
 *     for (uint32_t i = 0; i < m->n; i++) { int k = m->keys[i];
 *         T *v = imap_find(m, k); ... }
 *
 * A zeroed imap is an empty map. The map owns its arrays, never the
 * values: imap_fini frees the arrays only. Keys are never removed. */
#ifndef CS_IMAP_H
#define CS_IMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct imap_ent {
    uint32_t key1;    /* key + 1; 0: an empty slot */
    void *val;
} imap_ent;

typedef struct imap {
    imap_ent *tab;    /* cap slots, cap a power of two (or 0), at most
                         half full */
    uint32_t cap, n;
    int *keys;        /* the n keys, increasing */
    uint32_t capkeys;
} imap;

static inline uint32_t imap__hash(uint32_t key1, uint32_t mask)
{
    uint32_t h = key1 * 0x9E3779B1u;
    return (h ^ h >> 16) & mask;
}

/* The value of key (>= 0), or NULL when the key is absent. */
static inline void *imap_find(const imap *m, int key)
{
    if (!m->cap)
        return NULL;
    uint32_t k1 = (uint32_t)key + 1, mask = m->cap - 1;
    for (uint32_t i = imap__hash(k1, mask);; i = (i + 1) & mask) {
        if (m->tab[i].key1 == k1)
            return m->tab[i].val;
        if (!m->tab[i].key1)
            return NULL;
    }
}

void **imap__insert(imap *m, int key);

/* The slot of key's value (key >= 0), inserted holding NULL when absent.
 * The pointer stays valid until the next imap_slot on m. */
static inline void **imap_slot(imap *m, int key)
{
    if (m->cap) {
        uint32_t k1 = (uint32_t)key + 1, mask = m->cap - 1;
        for (uint32_t i = imap__hash(k1, mask); m->tab[i].key1; i = (i + 1) & mask)
            if (m->tab[i].key1 == k1)
                return &m->tab[i].val;
    }
    return imap__insert(m, key);
}
/* Frees the arrays (not the values); m is then an empty map. */
void imap_fini(imap *m);

#endif
