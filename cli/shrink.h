/* shrink and materialize: a seed's drawn faults made explicit timeline
 * steps, and a failing seed reduced to a small scenario that still fails
 * the same way (cli/shrink.c, cli/materialize.c). */
#ifndef CS_CLI_SHRINK_H
#define CS_CLI_SHRINK_H

/* clustersim materialize FILE --seed S [--swarm] -o OUT.json: argv after
 * "materialize". Returns the exit code (0, or 2). */
int cli_materialize_main(int argc, char **argv);

/* clustersim shrink FILE --seed S [--swarm] [-o MIN.json]: argv after
 * "shrink". Returns the exit code. */
int cli_shrink_main(int argc, char **argv);

#endif
