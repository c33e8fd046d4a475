/* nemesis: the drawn faults and swarm knobs of a seed (nemesis.h). */
#include "scenarios/nemesis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/term/xalloc.h"

const char *const scn_fault_names[FAULT_NKINDS] = {
    "partition_halves", "isolate_one", "bridge", "ring", "flap", "freeze",
    "halt_restart", "latency_spike"};

void scn_variant_make(const scn_plan *base, uint64_t seed, bool swarm,
                      scn_variant *v)
{
    memset(v, 0, sizeof *v);
    v->plan = *base;
    v->plan.seed = seed;
    v->swarm.on = swarm;
}

void scn_variant_fini(scn_variant *v)
{
    free(v->steps);
    free(v->nodes);
    memset(v, 0, sizeof *v);
}

void scn_swarm_json(const scn_swarm *s, strbuf *out)
{
    if (!s->on) {
        sb_puts(out, "null");
        return;
    }
    sb_puts(out, "{}");
}

int scn_materialize(const char *file, const char *text, size_t len,
                    const scn_variant *v, const char *out_file, strbuf *out,
                    char *err, size_t errlen)
{
    (void)file; (void)text; (void)len; (void)v; (void)out_file; (void)out;
    snprintf(err, errlen, "materialize: not written yet");
    return -1;
}
