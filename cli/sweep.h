/* sweep: many seeds of scenarios, on worker processes, into one result
 * line per run (cli/sweep.c); the merge of result files and of trace
 * databases from shards (scenarios/README.md, "Sweeps"). */
#ifndef CS_CLI_SWEEP_H
#define CS_CLI_SWEEP_H

/* clustersim sweep FILE... --seeds A..B [options], and
 * clustersim sweep merge OUT.jsonl IN...: argv after "sweep". Returns
 * the exit code: 0 all passed, 1 some failed, 2 invalid, 3 limits, 4 a
 * determinism mismatch. */
int cli_sweep_main(int argc, char **argv);

/* clustersim trace merge OUT.db IN.db...: argv after "merge". */
int cli_trace_merge_main(int argc, char **argv);

#endif
