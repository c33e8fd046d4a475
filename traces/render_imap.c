/* render_imap: the renderer's u64 -> int map (render_int.h): open
 * addressing with linear probing, keys stored + 1 so that 0 marks a free
 * slot. Never iterated where the order would show.
 *
 * Invariants: cap is 0 or a power of two; the table is at most half
 * full (it doubles before an insertion would pass that); deletion
 * shifts the rest of the probe run back, so no tombstones are needed. */
#include "traces/render_int.h"

#include <stdlib.h>
#include <string.h>

uint64_t trace_render__mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
}

void trace_render__imap_free(imap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

void trace_render__imap_clear(imap *m)
{
    if (m->keys)
        memset(m->keys, 0, m->cap * sizeof *m->keys);
    m->n = 0;
}

/* The value slot of key; *fresh tells if it was just added (value 0). */
int *trace_render__imap_slot(imap *m, uint64_t key, bool *fresh)
{
    if (2 * (m->n + 1) > m->cap) {
        imap old = *m;
        m->cap = old.cap ? 2 * old.cap : 64;
        m->keys = xcalloc(m->cap, sizeof *m->keys);
        m->vals = xcalloc(m->cap, sizeof *m->vals);
        m->n = 0;
        for (size_t i = 0; i < old.cap; i++)
            if (old.keys[i]) {
                bool f;
                *trace_render__imap_slot(m, old.keys[i] - 1, &f) =
                    old.vals[i];
            }
        free(old.keys);
        free(old.vals);
    }
    size_t mask = m->cap - 1;
    for (size_t i = trace_render__mix64(key) & mask;; i = (i + 1) & mask) {
        if (m->keys[i] == key + 1) {
            *fresh = false;
            return &m->vals[i];
        }
        if (!m->keys[i]) {
            m->keys[i] = key + 1;
            m->vals[i] = 0;
            m->n++;
            *fresh = true;
            return &m->vals[i];
        }
    }
}

int trace_render__imap_get(const imap *m, uint64_t key, int missing)
{
    if (!m->cap)
        return missing;
    size_t mask = m->cap - 1;
    for (size_t i = trace_render__mix64(key) & mask; m->keys[i];
         i = (i + 1) & mask)
        if (m->keys[i] == key + 1)
            return m->vals[i];
    return missing;
}

void trace_render__imap_del(imap *m, uint64_t key)
{
    /* Backward-shift deletion keeps probe chains intact. */
    if (!m->cap)
        return;
    size_t mask = m->cap - 1, i = trace_render__mix64(key) & mask;
    while (m->keys[i] && m->keys[i] != key + 1)
        i = (i + 1) & mask;
    if (!m->keys[i])
        return;
    m->keys[i] = 0;
    m->n--;
    for (size_t j = (i + 1) & mask; m->keys[j]; j = (j + 1) & mask) {
        size_t home = trace_render__mix64(m->keys[j] - 1) & mask;
        if (((j - home) & mask) >= ((j - i) & mask)) {
            m->keys[i] = m->keys[j];
            m->vals[i] = m->vals[j];
            m->keys[j] = 0;
            i = j;
        }
    }
}
