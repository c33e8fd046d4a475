/* shrink_units: the timeline's units, the pieces ddmin removes
 * (shrink_int.h): a fault with the steps that undo it, every other step
 * alone.
 *
 * Invariants: units are found in run order (plan->steps), so a step that
 * undoes an earlier fault is claimed before it could lead a unit of its
 * own; a heal may undo several faults and then belongs to each of their
 * units (it stays while one of them does), but a latency step restores
 * at most one spike. */
#include "cli/shrink_int.h"

#include <stdlib.h>
#include <string.h>
#include "core/term/xalloc.h"

static void unit_add(shr_unit *u, int idx)
{
    for (int i = 0; i < u->n; i++)
        if (u->steps[i] == idx)
            return;
    u->steps = xrealloc(u->steps, (size_t)(u->n + 1) * sizeof *u->steps);
    u->steps[u->n++] = idx;
}

static bool heal_covers(const scn_step *h, int a, int b)
{
    if (h->heal_all)
        return true;
    for (int k = 0; k < h->npairs; k++)
        if ((h->pairs[k][0] == a && h->pairs[k][1] == b) ||
            (h->pairs[k][0] == b && h->pairs[k][1] == a))
            return true;
    return false;
}

/* Whether latency step x sets the direction a -> b. */
static bool sets_direction(const scn_step *x, int a, int b)
{
    int c = x->pairs[0][0], d = x->pairs[0][1];
    return (c == a && d == b) || (x->both_ways && c == b && d == a);
}

/* The steps that restore latency step i (run order): for each direction
 * it set, the first later latency step on that direction that no earlier
 * spike took (a spike "between" two nodes may come back one direction at
 * a time). */
static void find_restores(const scn_plan *p, int i, const bool *claimed,
                          shr_unit *u)
{
    const scn_step *f = &p->steps[i];
    int dir[2][2] = {{f->pairs[0][0], f->pairs[0][1]},
                     {f->pairs[0][1], f->pairs[0][0]}};
    bool open[2] = {true, f->both_ways};
    for (int j = i + 1; j < p->nsteps && (open[0] || open[1]); j++) {
        const scn_step *h = &p->steps[j];
        if (h->kind != STEP_LATENCY || claimed[h->index])
            continue;
        bool used = false;
        for (int k = 0; k < 2; k++)
            if (open[k] && sets_direction(h, dir[k][0], dir[k][1])) {
                open[k] = false;
                used = true;
            }
        if (used)
            unit_add(u, h->index);
    }
}

/* The heals of fault i (run order) for its link pairs: for each pair, the
 * first later heal that restores it. */
static void find_heals(const scn_plan *p, int i, shr_unit *u)
{
    const scn_step *f = &p->steps[i];
    int cap = 16, np = 0;
    int (*pairs)[2] = xmalloc((size_t)cap * sizeof *pairs);
    if (f->kind == STEP_PARTITION) {
        for (int a = 0; a < p->nnodes; a++)
            for (int b = a + 1; b < p->nnodes; b++) {
                if (f->group[a] < 0 || f->group[b] < 0 ||
                    f->group[a] == f->group[b])
                    continue;
                if (np == cap)
                    pairs = xrealloc(pairs, (size_t)(cap *= 2) * sizeof *pairs);
                pairs[np][0] = a;
                pairs[np++][1] = b;
            }
    } else {
        for (int k = 0; k < f->npairs; k++) {
            if (np == cap)
                pairs = xrealloc(pairs, (size_t)(cap *= 2) * sizeof *pairs);
            pairs[np][0] = f->pairs[k][0];
            pairs[np++][1] = f->pairs[k][1];
        }
    }
    for (int j = i + 1; j < p->nsteps && np > 0; j++) {
        const scn_step *h = &p->steps[j];
        if (h->kind != STEP_HEAL)
            continue;
        bool used = false;
        for (int k = np - 1; k >= 0; k--)
            if (heal_covers(h, pairs[k][0], pairs[k][1])) {
                used = true;
                pairs[k][0] = pairs[np - 1][0];
                pairs[k][1] = pairs[np - 1][1];
                np--;
            }
        if (used)
            unit_add(u, h->index);
    }
    free(pairs);
}

/* Contract in shrink_int.h. */
void shr__units_make(const scn_plan *p, shr_units *us)
{
    memset(us, 0, sizeof *us);
    us->ntimeline = p->ntimeline;
    bool *claimed = xcalloc((size_t)p->ntimeline + 1, sizeof *claimed);
    us->u = xcalloc((size_t)p->nsteps + 1, sizeof *us->u);
    for (int i = 0; i < p->nsteps; i++) {
        const scn_step *st = &p->steps[i];
        if (claimed[st->index])
            continue;
        shr_unit *u = &us->u[us->n++];
        unit_add(u, st->index);
        switch (st->kind) {
        case STEP_PARTITION:
        case STEP_CUT:
        case STEP_CUT_ONEWAY:
            find_heals(p, i, u);
            break;
        case STEP_LATENCY:
            find_restores(p, i, claimed, u);
            break;
        case STEP_FREEZE:
        case STEP_HALT:
            for (int j = i + 1; j < p->nsteps; j++) {
                const scn_step *h = &p->steps[j];
                if (h->kind == (st->kind == STEP_FREEZE ? STEP_RESUME
                                                        : STEP_RESTART) &&
                    h->node == st->node) {
                    unit_add(u, h->index);
                    break;
                }
            }
            break;
        default:
            break;
        }
        for (int k = 1; k < u->n; k++)
            claimed[u->steps[k]] = true;
    }
    free(claimed);
    us->owners = xcalloc((size_t)p->ntimeline + 1, sizeof *us->owners);
    for (int i = 0; i < us->n; i++)
        for (int k = 0; k < us->u[i].n; k++)
            us->owners[us->u[i].steps[k]]++;
}

/* Contract in shrink_int.h. */
void shr__units_fini(shr_units *us)
{
    for (int i = 0; i < us->n; i++)
        free(us->u[i].steps);
    free(us->u);
    free(us->owners);
}

