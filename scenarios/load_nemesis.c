/* load_nemesis: the "nemesis" section (scenarios/README.md, "Nemesis"):
 * which fault shapes to draw, how often, how long, from when to when,
 * and on which nodes. The draws themselves are nemesis.c's. */
#include "scenarios/loader_int.h"

#include <string.h>

#include "core/term/xalloc.h"
#include "scenarios/nemesis.h"

static const char *const nem_keys[] = {"faults", "every", "duration", "from",
                                       "to", "nodes"};
enum { N_FAULTS, N_EVERY, N_DURATION, N_FROM, N_TO, N_NODES, N_N };

static const char *const dur_keys[] = {"min", "max"};

/* The fewest target nodes each shape needs to change anything. */
static int min_nodes(int kind)
{
    switch (kind) {
    case FAULT_FREEZE:
    case FAULT_HALT_RESTART:
        return 1;
    case FAULT_BRIDGE:
        return 3;
    case FAULT_RING:
        return 4;     /* with three, every node is its neighbours' only other */
    default:
        return 2;
    }
}

static int want_faults(ctx *c, const cJSON *v, scn_nemesis *nm)
{
    if (scn__want_list(c, v, "a list of fault names, e.g. [\"partition_halves\", "
                       "\"freeze\"]") < 0)
        return -1;
    if (cJSON_GetArraySize(v) == 0)
        return scn__fail(c, "the list of faults is empty: name at least one of "
                         "partition_halves, isolate_one, bridge, ring, flap, "
                         "freeze, halt_restart, latency_spike");
    int i = 0;
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        int k;
        scn__push_idx(c, i);
        if (scn__want_enum(c, e, "fault", scn_fault_names, FAULT_NKINDS, &k) < 0)
            return -1;
        if (nm->kinds & (1u << k))
            return scn__fail(c, "%s is listed twice", scn__qs(c, scn_fault_names[k]));
        nm->kinds |= 1u << k;
        scn__pop(c);
    }
    return 0;
}

static int want_length(ctx *c, const cJSON *v, scn_nemesis *nm)
{
    if (cJSON_IsString(v)) {
        if (scn__want_duration(c, v, true, &nm->dmin) < 0)
            return -1;
        nm->dmax = nm->dmin;
        return 0;
    }
    field m[2];
    if (scn__want_object(c, v, "a duration, or {\"min\": D, \"max\": D}") < 0 ||
        scn__members(c, v, dur_keys, 2, m) < 0 ||
        scn__need(c, &m[0], "min", "") < 0 || scn__need(c, &m[1], "max", "") < 0)
        return -1;
    for (int k = 0; k < 2; k++) {
        scn__enter(c, dur_keys, m, k);
        if (scn__want_duration(c, m[k].v, true, k ? &nm->dmax : &nm->dmin) < 0)
            return -1;
        if (k == 1 && nm->dmax < nm->dmin)
            return scn__fail(c, "max is below min");
        scn__pop(c);
    }
    return 0;
}

static int want_targets(ctx *c, const cJSON *v, scn_nemesis *nm)
{
    if (scn__want_list(c, v, "a list of node names") < 0)
        return -1;
    int n = cJSON_GetArraySize(v), i = 0;
    if (n == 0)
        return scn__fail(c, "the list of nodes is empty (leave \"nodes\" out for "
                         "all of them)");
    nm->nodes = xcalloc((size_t)n, sizeof *nm->nodes);
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        scn__push_idx(c, i);
        if (scn__want_node(c, e, &nm->nodes[i]) < 0)
            return -1;
        for (int k = 0; k < i; k++)
            if (nm->nodes[k] == nm->nodes[i])
                return scn__fail(c, "%s is listed twice",
                                 scn__qs(c, c->p->nodes[nm->nodes[i]].name));
        nm->nnodes = i + 1;
        scn__pop(c);
    }
    return 0;
}

int scn__load_nemesis(ctx *c, const cJSON *v)
{
    scn_nemesis *nm = &c->p->nemesis;
    field m[N_N];
    if (scn__want_object(c, v, "an object: {\"faults\": [...], \"every\": \"10s\", "
                         "\"duration\": {\"min\": \"2s\", \"max\": \"8s\"}}") < 0 ||
        scn__members(c, v, nem_keys, N_N, m) < 0 ||
        scn__need(c, &m[N_FAULTS], "faults", "") < 0 ||
        scn__need(c, &m[N_EVERY], "every", "") < 0 ||
        scn__need(c, &m[N_DURATION], "duration", "") < 0)
        return -1;
    size_t here = scn__here(c);
    scn__linecol(c, here, &nm->line, &nm->col);
    nm->present = true;
    nm->from = -1;
    nm->to = c->p->until;
    static const int order[] = {N_NODES, N_FAULTS, N_EVERY, N_DURATION, N_FROM,
                                N_TO};
    for (int j = 0; j < N_N; j++) {
        int k = order[j];
        if (m[k].v == NULL)
            continue;
        scn__enter(c, nem_keys, m, k);
        int r = 0;
        switch (k) {
        case N_FAULTS: r = want_faults(c, m[k].v, nm); break;
        case N_EVERY: r = scn__want_duration(c, m[k].v, true, &nm->every); break;
        case N_DURATION: r = want_length(c, m[k].v, nm); break;
        case N_FROM: r = scn__want_moment(c, m[k].v, &nm->from); break;
        case N_TO: r = scn__want_moment(c, m[k].v, &nm->to); break;
        case N_NODES: r = want_targets(c, m[k].v, nm); break;
        }
        if (r < 0)
            return -1;
        if (k == N_FAULTS) {
            int n = nm->nnodes ? nm->nnodes : c->p->nnodes;
            for (int f = 0; f < FAULT_NKINDS; f++)
                if ((nm->kinds & (1u << f)) && n < min_nodes(f))
                    return scn__fail(c, "%s needs at least %d nodes; the nemesis "
                                     "has %d", scn__qs(c, scn_fault_names[f]),
                                     min_nodes(f), n);
        }
        if (k == N_TO && nm->from >= 0 && nm->to <= nm->from)
            return scn__fail(c, "\"to\" is not after \"from\"");
        scn__pop(c);
    }
    if (nm->from < 0)
        nm->from = nm->every;     /* the first fault comes one period in */
    if (nm->from >= nm->to) {
        scn__push_key(c, m[N_FROM].v ? "from" : "every",
                      m[N_FROM].v ? m[N_FROM].n : m[N_EVERY].n);
        return scn__fail(c, "no fault fits: the first would come at or after "
                         "\"to\" (or \"until\")");
    }
    return 0;
}
