/* diff: reading a canonical trace from wherever it is kept, and comparing
 * two of them line by line (`clustersim trace diff`, `make regress`).
 *
 * A trace is named by a spec:
 *   FILE         a text trace (lines starting with '#' are comments and
 *                are skipped: golden files carry their provenance there),
 *                or, if FILE is an SQLite file, the newest run in it;
 *   FILE#RUN     run RUN (its id in the runs table) of database FILE.
 * An existing file whose name contains '#' is taken as a file. */
#ifndef CS_DIFF_H
#define CS_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Splits a spec into the file path (copied into path, size n) and a run
 * id (-1: the newest run, or not a database). *is_db tells whether the
 * file is an SQLite database. Returns 0, or -1 with err (a missing file,
 * a bad run number, a #RUN on a text file). */
int trace_spec_parse(const char *spec, char *path, size_t n, int64_t *run_id,
                     bool *is_db, char *err, size_t errlen);

/* An open trace, read one canonical line at a time. */
typedef struct trace_src trace_src;

/* Opens the trace named by spec. Returns 0, or -1 with err. The caller
 * frees *out with trace_src_close. */
int trace_src_open(const char *spec, trace_src **out, char *err,
                   size_t errlen);
/* The next canonical line, without its newline (valid until the next call);
 * *lineno (may be NULL) receives its line number in a text file, or its
 * seq in a database. Returns 1, 0 at the end, or -1 with err. */
int trace_src_next(trace_src *s, const char **line, size_t *len,
                   int64_t *lineno, char *err, size_t errlen);
/* Why the trace is not the whole of a run ("run 3 is incomplete
 * (limit)"), or NULL for text files and complete runs. */
const char *trace_src_warning(const trace_src *s);
/* Closes s. NULL is fine. */
void trace_src_close(trace_src *s);

/* Compares the traces named by specs a and b, ignoring comment lines.
 * On the first difference writes to out the two names, the event number
 * and, for context, up to `context` equal lines before it and up to
 * `context` + 1 lines of each side from it on. Returns 0 if equal
 * (writing nothing), 1 if they differ, -1 with err if either cannot be
 * read. */
int trace_diff(const char *a, const char *b, int context, FILE *out,
               char *err, size_t errlen);

#endif
