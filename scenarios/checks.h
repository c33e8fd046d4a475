/* checks: the plan's trace assertions (scenarios/README.md, "checks").
 * A sink that counts, per check, the events it selects; at the end each
 * count is compared with the check's bounds. It also writes each failed
 * expectation (an `expect` event with reason=fail) to the report. */
#ifndef CS_CHECKS_H
#define CS_CHECKS_H

#include <stdio.h>
#include "scenarios/plan.h"
#include "sim/sim.h"

typedef struct scn_checks scn_checks;

/* Counts events for p->checks (borrowed; must outlive the result) and
 * writes failures to `report` (borrowed; may be NULL) as
 * `file:line:col: expectation failed: ...` and `... check failed: ...`. */
scn_checks *scn_checks_new(const scn_plan *p, FILE *report);
void scn_checks_free(scn_checks *c);
sim_observer scn_checks_observer(scn_checks *c);

/* Emits one `check` trace event per check on `s` (after the run; the
 * checks sink ignores them), writes each failure to the report, and
 * returns the number of failed checks. */
int scn_checks_finish(scn_checks *c, sim *s);

#endif
