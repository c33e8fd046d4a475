/* shrink and materialize: a seed's drawn faults made explicit timeline
 * steps, and a failing seed reduced to a small scenario that still fails
 * the same way (cli/shrink.c, cli/materialize.c). */
#ifndef CS_CLI_SHRINK_H
#define CS_CLI_SHRINK_H

#include <stdbool.h>
#include <stdint.h>
#include "core/term/term.h"

/* clustersim materialize FILE --seed S [--swarm] -o OUT.json: argv after
 * "materialize". Returns the exit code (0, or 2). */
int cli_materialize_main(int argc, char **argv);

/* FILE ("-": standard input) with the draws of `seed` (the scenario's
 * own unless has_seed) made explicit, as scenarios/nemesis.h's
 * scn_materialize writes it, appended to *out. Returns 0, or 2 after a
 * message on stderr (unreadable or invalid FILE). */
int cli_materialize_text(const char *file, uint64_t seed, bool has_seed,
                         bool swarm, const char *out_file, strbuf *out);

/* clustersim shrink FILE --seed S [--swarm] [-o MIN.json]: argv after
 * "shrink". Returns the exit code. */
int cli_shrink_main(int argc, char **argv);

#endif
