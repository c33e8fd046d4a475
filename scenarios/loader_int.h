/* loader_int: what the scenario loader's files share, and no one else:
 * the reading context, the fields of an object being read, and the
 * functions one file calls in another (scn__ names). loader.h is the
 * interface to the rest of clustersim.
 *
 * The files, in the order a load runs through them:
 * - loader.c: the entry points, the top level, config, nodes, links and
 *   node references (scn__want_node): the cluster as it starts.
 * - load_timeline.c: the timeline and checks: what happens while it
 *   runs and what is checked afterwards.
 * - load_workload.c: the workload and its strategy.
 * - load_values.c: the context's path stack, located error messages, and
 *   the readers of single values (strings, numbers, enums, durations,
 *   rates, latencies) that every section uses.
 *
 * Every scn__want_* and scn__fail* function returns 0 or -1. On -1 the
 * message is in c->err and the path stack is left where the error was;
 * the caller returns -1 at once (the first error stops the load). */
#ifndef CS_LOADER_INT_H
#define CS_LOADER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "core/erl/eval.h"
#include "scenarios/loader.h"
#include "scenarios/sha256.h"

#define MAX_PATH 16
#define NQBUF 6

/* ---- the reading context (load_values.c) ---------------------------- */

typedef struct pseg {
    const char *key;     /* member name, for printing (NULL: element) */
    int n;               /* member ordinal or element index */
} pseg;

typedef struct ctx {
    const char *file;
    const char *text;
    size_t len, root;
    scn_plan *p;
    scn_error *err;
    pseg seg[MAX_PATH];
    int depth;
    const char *until_text;  /* "until" as written, for messages */
    size_t lc_off;           /* memo for scn__linecol(): lc_off is at */
    int lc_line, lc_col;     /*   lc_line:lc_col */
    void *scratch;           /* freed by scn_load_text whatever happens */
    char qbuf[NQBUF][100];   /* rotating buffers for scn__qs() */
    int qi;
    struct mcache { char *key; ev_module *m; } *mcache; /* compiled modules */
    int nmcache;
    sha256_ctx sha;          /* the text, then each module file read */
} ctx;

/* One member of an object read by scn__members. */
typedef struct field {
    const cJSON *v;      /* NULL: absent */
    int n;               /* member ordinal in the object */
} field;

/* *dst = a copy of s (NULL stays NULL), freeing the old value. */
void scn__set_str(char **dst, const char *s);
/* Frees v[0..n) and v; v may be NULL. */
void scn__free_strv(char **v, int n);

/* The path stack: a member `key` at ordinal n, element n, one step up;
 * scn__enter pushes keys[k] at its ordinal in m. At most MAX_PATH deep
 * (asserted). */
void scn__push_key(ctx *c, const char *key, int n);
void scn__push_idx(ctx *c, int n);
void scn__pop(ctx *c);
void scn__enter(ctx *c, const char *const *keys, const field *m, int k);

/* The current path as messages print it ("config.modules[1]"). */
void scn__path(const ctx *c, char *buf, size_t n);
/* Adds `text` (complete lines) to the plan's warnings. */
void scn__warn(ctx *c, const char *text);

/* Byte offset of the current value in the text. */
size_t scn__here(const ctx *c);
/* line:col of `off` (1-based, in bytes); cheap for increasing offsets. */
void scn__linecol(ctx *c, size_t off, int *line, int *col);

/* For messages, valid until NQBUF more calls of scn__qs or scn__shown:
 * `s` quoted and escaped; the current value `v` as the file writes it
 * (a string quoted, a number as written, else its type). scn__tname
 * returns v's type ("a string", "a list", ...), a static string. */
const char *scn__qs(ctx *c, const char *s);
const char *scn__shown(ctx *c, const cJSON *v);
const char *scn__tname(const cJSON *v);

/* Errors, each returning -1: "file:line:col: path: message" about the
 * current value, about the current member's key, or (syntax errors) at
 * byte `off` with no path. */
int scn__fail(ctx *c, const char *fmt, ...);
int scn__fail_key(ctx *c, const char *fmt, ...);
int scn__fail_syntax(ctx *c, size_t off, const char *fmt, ...);

/* Typo suggestions: the edit distance of a and b, case-insensitive
 * (99 for strings over 40 bytes), and the largest distance at which a
 * candidate still counts as a likely typo of `word`. */
int scn__distance(const char *a, const char *b);
int scn__typo_limit(const char *word);

/* The object `obj` at the current path, whose keys must come from
 * keys[0..nk), into m[0..nk); unknown and repeated keys are errors. */
int scn__members(ctx *c, const cJSON *obj, const char *const *keys, int nk,
                 field *m);
/* Fails "missing required key" (with `hint` appended) if f is absent. */
int scn__need(ctx *c, const field *f, const char *key, const char *hint);

/* Readers of the current value v; `what` says what was expected. */
int scn__want_object(ctx *c, const cJSON *v, const char *what);
int scn__want_list(ctx *c, const cJSON *v, const char *what);
int scn__want_string(ctx *c, const cJSON *v, bool nonempty,
                     const char **out);
int scn__want_bool(ctx *c, const cJSON *v, bool *out);
int scn__want_int(ctx *c, const cJSON *v, double lo, double hi,
                  int64_t *out, const char *what);
int scn__want_enum(ctx *c, const cJSON *v, const char *what,
                   const char *const *list, int n, int *out);
int scn__want_app_name(ctx *c, const cJSON *v, const char **out);
int scn__want_duration(ctx *c, const cJSON *v, bool positive, int64_t *out);
int scn__want_rate(ctx *c, const cJSON *v, double *out);
int scn__want_latency(ctx *c, const cJSON *v, lat_dist *out);

/* ---- node references (loader.c) ------------------------------------- */

/* The keys a link or a latency step names its nodes with, indexed by the
 * enum; a latency step calls its L_LATENCY key "value". */
extern const char *const scn__link_keys[];
enum { L_BETWEEN, L_FROM, L_TO, L_LATENCY, L_N };

/* Resolve node names (short or full form) against c->p->nodes, which
 * must be complete: one node, a pair of two different nodes, and the
 * pair of m[L_BETWEEN] or m[L_FROM] and m[L_TO] (*both: "between"). */
int scn__want_node(ctx *c, const cJSON *v, int *out);
int scn__want_pair(ctx *c, const cJSON *v, int out[2]);
int scn__want_direction(ctx *c, const field *m, int pair[2], bool *both);

/* ---- sections (load_timeline.c) ------------------------------------- */

/* The top-level "timeline", "checks" and "workload" values, into c->p. */
int scn__load_timeline(ctx *c, const cJSON *v);
int scn__load_checks(ctx *c, const cJSON *v);
int scn__load_workload(ctx *c, const cJSON *v);
/* The top-level "nemesis" (load_nemesis.c). */
int scn__load_nemesis(ctx *c, const cJSON *v);
/* A moment of the run (load_timeline.c): a duration not after "until". */
int scn__want_moment(ctx *c, const cJSON *v, int64_t *out);

#endif
