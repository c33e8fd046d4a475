/* fuzz_loader: libFuzzer entry for the scenario loader (`make fuzz`).
 * Any input must give either a plan or one located error line
 * ("fuzz.json:LINE:COL: ..."), never a crash, a hang or a leak. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "scenarios/loader.h"

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
