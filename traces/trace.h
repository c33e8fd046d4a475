/* trace: sinks for the simulation's observable events (sim/observe.h).
 *
 * - the canonical text trace: one line per event (format in
 *   traces/README.md) and a 64-bit FNV-1a hash of those bytes that
 *   identifies a run;
 * - a tee that fans one event stream out to several sinks, in the order
 *   they were added;
 * - the transcript: the shell-session view (eval, result, output, note,
 *   log) a learner reads.
 * Sinks know nothing of scheduling: they see finished events in order. */
#ifndef CS_TRACE_H
#define CS_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "sim/observe.h"

/* ---- canonical text ---- */
typedef struct trace_text trace_text;

/* A text sink writing to `out` (borrowed; NULL: only hash and count). */
trace_text *trace_text_new(FILE *out);
void trace_text_free(trace_text *t);
sim_observer trace_text_observer(trace_text *t);
uint64_t trace_text_hash(const trace_text *t);
uint64_t trace_text_count(const trace_text *t);
/* True if a write to `out` failed (disk full, closed pipe). */
bool trace_text_failed(const trace_text *t);
/* The errno of that first failed write (0 if none, or unknown). */
int trace_text_errno(const trace_text *t);

/* Formats the canonical line of `ev`, without newline, into buf (size
 * n, truncated with "..." if longer). Returns the untruncated length. */
size_t trace_format_line(char *buf, size_t n, const sim_obs_event *ev);

/* Writes a time as seconds with 6 decimals ("12.000150"). */
void trace_format_time(char buf[32], int64_t us);

/* ---- tee ---- */
typedef struct trace_tee trace_tee;
trace_tee *trace_tee_new(void);
void trace_tee_free(trace_tee *t);
/* Adds a sink (borrowed, must outlive the tee). */
void trace_tee_add(trace_tee *t, sim_observer obs);
sim_observer trace_tee_observer(trace_tee *t);

/* ---- transcript ---- */
typedef struct trace_transcript trace_transcript;
trace_transcript *trace_transcript_new(FILE *out);
void trace_transcript_free(trace_transcript *t);
sim_observer trace_transcript_observer(trace_transcript *t);
/* Writes s for a terminal: control characters but \n and \t, and bytes
 * that are not UTF-8, as \xNN (ESC is \x1b); C1 controls (U+0080..
 * U+009F) and bidi controls (U+202A..U+202E, U+2066..U+2069) as
 * \x{NNNN}: Erlang's string escapes, so nothing the scenario wrote can
 * clear a screen, set a window title or reorder a line
 * (scenarios/README.md). */
void trace_fputs_safe(const char *s, FILE *f);
/* True for the bidi controls above (the HTML render neutralises them). */
bool trace_is_bidi_control(unsigned cp);
/* The code point of the well-formed UTF-8 sequence (RFC 3629) at p, its
 * length in *n; 0 with *n = 1 for a byte that starts none. */
unsigned trace_utf8_at(const unsigned char *p, int *n);
/* Writes a time as seconds without trailing zeros, as the transcript
 * prints it ("10s", "1.5s", "0.00025s"). */
void trace_format_short_time(char buf[40], int64_t us);

#endif
