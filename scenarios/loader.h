/* loader: scenario JSON -> validated scn_plan (scenarios/README.md).
 *
 * Errors stop at the first problem and read
 *   FILE:LINE:COL: JSON.PATH: message
 * (syntax errors: FILE:LINE:COL: message), with LINE:COL the start of the
 * offending value. The error path allocates nothing beyond the plan
 * being built, which is freed. */
#ifndef CS_LOADER_H
#define CS_LOADER_H

#include <stddef.h>
#include <stdint.h>
#include "scenarios/plan.h"

typedef enum scn_status {
    SCN_OK = 0,
    SCN_EINVALID = -1,  /* the scenario is invalid: exit code 2 */
    SCN_EIO = -2        /* the file could not be read: exit code 2 */
} scn_status;

typedef struct scn_error {
    char msg[16384];      /* the full located message, no trailing newline */
} scn_error;

/* Loads and validates the scenario in file `path`. On success returns
 * SCN_OK and a new plan in *out (caller frees with scn_plan_free). */
scn_status scn_load_file(const char *path, scn_plan **out, scn_error *err);

/* Same for text already in memory; `path` is only used in messages. */
scn_status scn_load_text(const char *path, const char *text, size_t len,
                         scn_plan **out, scn_error *err);

/* The whole of file `path`, NUL-terminated (it may hold NULs: *len is
 * its size), or NULL with errno set. Caller frees. */
char *scn_read_file(const char *path, size_t *len);
/* `rel` as named from the folder of `file` (a scenario's path); an
 * absolute rel as it is. Caller frees. */
char *scn_path_beside(const char *file, const char *rel);

/* Parses a duration ("250us", "15ms", "2s", "1.5s", "3min") into
 * microseconds. Returns 0, or -1 with a static reason in *why. */
int scn_parse_duration(const char *s, int64_t *us, const char **why);

#endif
