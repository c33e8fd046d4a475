/* opts: the command line's options (cli/opts.c). Each command has one
 * table of cli_opt rows; cli_opt_next walks argv against it. Every
 * option with a value takes it as the next argument or after '='
 * (GNU: `--seed 5`, `--seed=5`); "--" ends the options; "-" is an
 * operand (standard input). A command's --help prints its table. */
#ifndef CS_CLI_OPTS_H
#define CS_CLI_OPTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct cli_opt {
    const char *name;          /* "--seed" */
    const char *alias;         /* "-q", or NULL */
    const char *arg;           /* "N": takes a value; NULL: a flag */
    const char *help;          /* lines separated by '\n' */
} cli_opt;

enum { CLI_OPT_END = -1, CLI_OPT_OPERAND = -2, CLI_OPT_ERROR = -3 };

typedef struct cli_optparse {
    int argc;
    char **argv;
    int i;                     /* the next argument */
    bool operands_only;        /* after "--" */
} cli_optparse;

/* The next option of p (its index in tab, n rows; *val its value or
 * NULL), an operand (CLI_OPT_OPERAND, *val), CLI_OPT_END, or
 * CLI_OPT_ERROR after a message on stderr. */
int cli_opt_next(cli_optparse *p, const cli_opt *tab, int n, const char **val);
/* The n rows of tab as --help lists them, to f. */
void cli_print_opts(FILE *f, const cli_opt *tab, int n);
/* A decimal unsigned 64-bit integer, no sign: 0, or -1 if s is not one. */
int cli_parse_u64(const char *s, uint64_t *out);
/* A positive size in bytes, or a number with a unit K, M, G or T (powers
 * of 1024, either case): 4G, 512M. 0, or -1 if s is not one. */
int cli_parse_size(const char *s, uint64_t *out);
/* "clustersim: " and fmt with arg on stderr, then the pointer to
 * --help. Returns 2, the exit code of bad usage. */
int cli_usage_error(const char *fmt, const char *arg);

#endif
