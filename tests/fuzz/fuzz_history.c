/* fuzz_history: libFuzzer entry for the history reader and the
 * linearizability checker (`make fuzz`). Any input, split into lines,
 * must give either a history or one located error ("fuzz.edn:LINE: ..."),
 * never a crash, a hang or a leak; a history read is then checked with a
 * small budget, and a verdict of not linearizable names an operation. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "traces/history.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    history h;
    history_init(&h);
    char err[512];
    const char *s = (const char *)data, *end = s + size;
    long line = 0;
    int rc = 0;
    while (s < end && rc == 0) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
        rc = history_add_line(&h, "fuzz.edn", ++line, s, n, err, sizeof err);
        s += n + 1;
    }
    if (rc) {
        assert(!strncmp(err, "fuzz.edn:", 9) && !strchr(err, '\n'));
    } else {
        hist_result r;
        if (history_check(&h, HIST_CAS_REGISTER, 2000, &r, err, sizeof err) == 0) {
            if (r.verdict == HIST_NOT_LINEARIZABLE)
                assert(r.failing < h.n && r.nwindow > 0);
            history_result_fini(&r);
        }
    }
    history_fini(&h);
    return 0;
}
