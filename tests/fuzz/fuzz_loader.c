/* fuzz_loader: libFuzzer entry for the scenario loader (`make fuzz`).
 * Any input must give either a plan or one located error line
 * ("fuzz.json:LINE:COL: ..."), never a crash, a hang or a leak. A plan's
 * variants (nemesis draws, swarm knobs) must materialize into text that
 * loads again, with the same number of steps. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "scenarios/loader.h"
#include "scenarios/nemesis.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    scn_plan *p = NULL;
    scn_error err;
    scn_status st = scn_load_text("fuzz.json", (const char *)data, size, &p, &err);
    if (st == SCN_OK) {
        assert(p && p->nnodes > 0 && p->until >= 0);
        for (int i = 1; i < p->nsteps; i++)
            assert(p->steps[i - 1].at <= p->steps[i].at);
        for (int swarm = 0; swarm < 2 && p->nnodes <= 64; swarm++) {
            scn_variant v;
            scn_variant_make(p, 7, swarm, &v);
            for (int i = 1; i < v.plan.nsteps; i++)
                assert(v.plan.steps[i - 1].at <= v.plan.steps[i].at);
            strbuf out;
            sb_init(&out);
            char e[512];
            if (scn_materialize("fuzz.json", (const char *)data, size, &v, NULL,
                                &out, e, sizeof e) == 0) {
                scn_plan *m = NULL;
                scn_error merr;
                /* modules named by path load from beside fuzz.json: absent */
                if (scn_load_text("fuzz.json", out.s, out.len, &m, &merr) == SCN_OK) {
                    assert(m->nsteps == v.plan.nsteps && !m->nemesis.present);
                    scn_plan_free(m);
                } else {
                    assert(strstr(merr.msg, "modules") || strstr(merr.msg, "(from "));
                }
            }
            sb_fini(&out);
            scn_variant_fini(&v);
        }
        scn_plan_free(p);
    } else {
        assert(!p);
        /* a module that does not compile: erlc's messages, then the
         * entry's path; anything else is one located line */
        const char *from = strstr(err.msg, "(from ");
        if (from && strstr(from, "modules["))
            assert(from[strlen(from) - 1] == ')');
        else
            assert(!strncmp(err.msg, "fuzz.json:", 10) && !strchr(err.msg, '\n'));
    }
    return 0;
}
