/* render_bands: the renderer's cut links and the bands they shade. Each
 * cut link remembers what cut it (a partition or a cut event, its
 * "cutdesc"); while any link is cut a band is open, labelled by what
 * holds links cut, with the cluster's sides (the connected components
 * over links up both ways) for the lanes' colours. Every change closes
 * the open band and opens the next. A link that changes state bumps its
 * pair's epoch (render.c), which message pairing uses.
 *
 * Invariants: r->cuts maps each cut directed link to its cutdesc, whose
 * refs count the links it still holds cut; a band has t1 > t0, or is the
 * one still open. */
#include "traces/render_int.h"

#include <stdlib.h>
#include <string.h>

struct cutdesc {             /* what cut links: a partition or cut event */
    const char *label;
    int refs;                /* links it still holds cut */
};

static int cut_find(const trace_render *r, int a, int b)
{
    return trace_render__imap_get(&r->cuts, trace_render__pkey(a, b), -1);
}

static void link_cut(trace_render *r, int a, int b, int cd)
{
    bool fresh;
    int *v = trace_render__imap_slot(&r->cuts, trace_render__pkey(a, b),
                                     &fresh);
    if (!fresh)
        r->cds[*v].refs--;
    *v = cd;
    r->cds[cd].refs++;
    trace_render__bump(r, a, b);
}

static void link_heal(trace_render *r, int a, int b)
{
    int v = cut_find(r, a, b);
    if (v < 0)
        return;
    r->cds[v].refs--;
    trace_render__imap_del(&r->cuts, trace_render__pkey(a, b));
    trace_render__bump(r, a, b);
}

static void heal_all(trace_render *r)
{
    /* DETERMINISM: bumps commute, so slot order does not show. */
    for (size_t i = 0; i < r->cuts.cap; i++)
        if (r->cuts.keys[i]) {
            uint64_t k = r->cuts.keys[i] - 1;
            trace_render__bump(r, (int)(k >> 32), (int)(uint32_t)k);
        }
    trace_render__imap_clear(&r->cuts);
    for (size_t i = 0; i < r->ncds; i++)
        r->cds[i].refs = 0;
}

static int new_cutdesc(trace_render *r, const char *label)
{
    GROW(r->cds, r->ncds, r->capcds);
    r->cds[r->ncds].label = trace_render__keep(r, label, SHORT_MAX * 4);
    r->cds[r->ncds].refs = 0;
    return (int)r->ncds++;
}

/* Sides of the cluster while links are cut: connected components of the
 * lanes over links up both ways. NULL when it is still one piece (or too
 * many lanes to be worth the n^2). */
static uint8_t *compute_sides(trace_render *r, int *nside)
{
    int n = (int)r->nlanes;
    *nside = 0;
    if (n < 2 || n > 64)
        return NULL;
    int parent[64];
    for (int i = 0; i < n; i++)
        parent[i] = i;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (cut_find(r, i, j) < 0 && cut_find(r, j, i) < 0) {
                int x = i, y = j;
                while (parent[x] != x)
                    x = parent[x];
                while (parent[y] != y)
                    y = parent[y];
                if (x != y)
                    parent[x > y ? x : y] = x < y ? x : y;
            }
    /* DETERMINISM: sides numbered by their lowest lane. */
    uint8_t *side = xmalloc((size_t)n);
    int count = 0, id[64];
    for (int i = 0; i < n; i++) {
        int x = i;
        while (parent[x] != x)
            x = parent[x];
        if (x == i)
            id[i] = count++;
        side[i] = (uint8_t)id[x];
    }
    if (count < 2) {
        free(side);
        return NULL;
    }
    *nside = n;
    return side;
}

/* Closes the open band at t and opens the next if links are still cut. */
static void bands_changed(trace_render *r, int64_t t)
{
    if (r->band_open) {
        r->band_open = false;
        if (t > r->cur.t0) {
            r->cur.t1 = t;
            GROW(r->bands, r->nbands, r->capbands);
            r->bands[r->nbands++] = r->cur;
        } else {
            free(r->cur.side);
        }
        r->cur.side = NULL;
    }
    if (!r->cuts.n)
        return;
    size_t len = 0;
    for (size_t i = 0; i < r->ncds; i++)
        if (r->cds[i].refs > 0)
            len += strlen(r->cds[i].label) + 2;
    char *label = trace_render__arena_alloc(r, len + 1);
    label[0] = '\0';
    for (size_t i = 0; i < r->ncds; i++)
        if (r->cds[i].refs > 0) {
            if (label[0])
                strcat(label, "; ");
            strcat(label, r->cds[i].label);
        }
    r->cur.t0 = t;
    r->cur.t1 = -1;
    r->cur.label = label;
    r->cur.open_end = false;
    r->cur.side = compute_sides(r, &r->cur.nside);
    r->band_open = true;
}

/* "[a@h,b@h] | [c@h]": cuts every link between two groups. */
static void on_partition(trace_render *r, const sim_obs_event *ev)
{
    const char *s = ev->text ? ev->text : "";
    int *group = xmalloc((strlen(s) + 1) * sizeof *group);
    int *who = xmalloc((strlen(s) + 1) * sizeof *who);
    int n = 0, g = -1;
    char name[256];
    for (const char *p = s; *p;) {
        if (*p == '[') {
            g++;
            p++;
        } else if (*p == ']' || *p == ',' || *p == '|' || *p == ' ') {
            p++;
        } else {
            size_t k = strcspn(p, "[],| ");
            if (g >= 0 && k < sizeof name) {
                memcpy(name, p, k);
                name[k] = '\0';
                who[n] = trace_render__lane_of(r, name);
                group[n++] = g;
            }
            p += k;
        }
    }
    char label[SHORT_MAX * 4];
    snprintf(label, sizeof label, "partition %s", s);
    int cd = new_cutdesc(r, label);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            if (group[i] != group[j])
                link_cut(r, who[i], who[j], cd);
    free(group);
    free(who);
}

void trace_render__partition(trace_render *r, const sim_obs_event *ev)
{
    on_partition(r, ev);
    bands_changed(r, ev->t);
}

void trace_render__cut(trace_render *r, const sim_obs_event *ev, int a, int b)
{
    char label[SHORT_MAX * 4];
    snprintf(label, sizeof label, "cut %s", ev->text ? ev->text : "");
    int cd = new_cutdesc(r, label);
    link_cut(r, a, b, cd);
    if (ev->text && strstr(ev->text, "<->"))
        link_cut(r, b, a, cd);
    bands_changed(r, ev->t);
}

void trace_render__heal(trace_render *r, int64_t t, int a, int b)
{
    if (a >= 0 && b >= 0) {
        link_heal(r, a, b);
        link_heal(r, b, a);
    } else {
        heal_all(r);
    }
    bands_changed(r, t);
}

void trace_render__bands_end(trace_render *r)
{
    if (r->band_open) {
        r->band_open = false;
        r->cur.t1 = r->t_max;
        r->cur.open_end = true;
        GROW(r->bands, r->nbands, r->capbands);
        r->bands[r->nbands++] = r->cur;
        r->cur.side = NULL;
    }
}
