/* loader: scenario JSON -> validated scn_plan (loader.h).
 *
 * The format is SCENARIO_FORMAT.md; the choices it leaves open are in
 * scenarios/README.md. Three passes over one text: cJSON builds the tree,
 * jp_validate (jsonpos.c) checks the bytes strictly and names the first
 * syntax error, then the tree is walked once, section by section in a fixed
 * order (name, description, seed, until, config, nodes, links, timeline,
 * checks, workload), filling the plan.
 *
 * Invariants:
 * - c->seg[0..depth) is the JSON path of the value being read. fail()
 *   turns it into "file:line:col: path: message", finding line:col by
 *   walking the raw text with jp_locate. The first error stops the load;
 *   after it the path stack is left as it was.
 * - Everything allocated is reachable from the plan the moment it exists
 *   (arrays are zeroed and their counts set at once) or from c->scratch,
 *   so the error path is scn_plan_free plus free(c->scratch).
 * - No hash tables and no pointer comparisons: the plan keeps file order,
 *   except steps, sorted by (at, index). */
#include "scenarios/loader.h"
#include "core/eval.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "core/xalloc.h"
#include "scenarios/jsonpos.h"

#define MAX_PATH 16
#define NQBUF 6
#define NAME_MAX_LEN 255   /* Erlang atoms hold at most 255 characters */

/* ---- memory ----------------------------------------------------------- */

static void set_str(char **dst, const char *s)
{
    free(*dst);
    *dst = s != NULL ? xstrdup(s) : NULL;
}

static void free_strv(char **v, int n)
{
    for (int i = 0; v != NULL && i < n; i++)
        free(v[i]);
    free(v);
}

/* ---- context, paths and messages -------------------------------------- */

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
    size_t lc_off;           /* memo for linecol(): lc_off is at */
    int lc_line, lc_col;     /*   lc_line:lc_col */
    void *scratch;           /* freed by scn_load_text whatever happens */
    char qbuf[NQBUF][100];   /* rotating buffers for qs() */
    int qi;
} ctx;

static void push_key(ctx *c, const char *key, int n)
{
    assert(c->depth < MAX_PATH);
    c->seg[c->depth].key = key != NULL ? key : "";
    c->seg[c->depth++].n = n;
}

static void push_idx(ctx *c, int n)
{
    assert(c->depth < MAX_PATH);
    c->seg[c->depth].key = NULL;
    c->seg[c->depth++].n = n;
}

static void pop(ctx *c)
{
    assert(c->depth > 0);
    c->depth--;
}

/* Writes `s` into dst[0..n) with control characters, quotes and
 * backslashes escaped; a long string is cut (never inside a UTF-8
 * sequence) and ends in "...". */
static void esc(char *dst, size_t n, const char *s)
{
    size_t o = 0;
    const unsigned char *u = (const unsigned char *)s;
    assert(n >= 8);
    while (*u != 0) {
        char tmp[8];
        size_t k, used = 1;
        if (*u == '"' || *u == '\\') {
            k = (size_t)snprintf(tmp, sizeof tmp, "\\%c", *u);
        } else if (*u < 0x20 || *u == 0x7f) {
            k = (size_t)snprintf(tmp, sizeof tmp, "\\x%02X", *u);
        } else {
            /* a character: one byte, or a lead byte and its tail */
            while (used < 4 && (u[used] & 0xC0) == 0x80)
                used++;
            memcpy(tmp, u, used);
            k = used;
        }
        if (o + k + 4 > n) { /* keep room for "..." and the NUL */
            memcpy(dst + o, "...", 3);
            o += 3;
            break;
        }
        memcpy(dst + o, tmp, k);
        o += k;
        u += used;
    }
    dst[o] = '\0';
}

/* `s` in double quotes, escaped, for a message. Valid until NQBUF more
 * calls. */
static const char *qs(ctx *c, const char *s)
{
    char *b = c->qbuf[c->qi++ % NQBUF];
    b[0] = '"';
    esc(b + 1, sizeof c->qbuf[0] - 2, s);
    strcat(b, "\"");
    return b;
}

static bool plain_key(const char *k)
{
    if (*k == '\0')
        return false;
    for (; *k != '\0'; k++)
        if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
              (*k >= '0' && *k <= '9') || *k == '_' || *k == '-'))
            return false;
    return true;
}

/* "timeline[3].at", "(root)" for the empty path; odd keys as ["k y"]. */
static void path_str(const ctx *c, int depth, char *buf, size_t n)
{
    size_t o = 0;
    buf[0] = '\0';
    if (depth == 0) {
        snprintf(buf, n, "(root)");
        return;
    }
    for (int i = 0; i < depth && o + 1 < n; i++) {
        char k[80];
        int w;
        if (c->seg[i].key == NULL) {
            w = snprintf(buf + o, n - o, "[%d]", c->seg[i].n);
        } else if (plain_key(c->seg[i].key)) {
            w = snprintf(buf + o, n - o, "%s%s", i > 0 ? "." : "",
                         c->seg[i].key);
        } else {
            esc(k, sizeof k, c->seg[i].key);
            w = snprintf(buf + o, n - o, "[\"%s\"]", k);
        }
        if (w < 0 || (size_t)w >= n - o)
            break;
        o += (size_t)w;
    }
}

/* Byte offset of the current value (or its key, for members). */
static size_t here_n(const ctx *c, int depth, bool key)
{
    jp_seg segs[MAX_PATH];
    for (int i = 0; i < depth; i++) {
        segs[i].n = c->seg[i].n;
        segs[i].member = c->seg[i].key != NULL;
    }
    return jp_locate(c->text, c->len, c->root, segs, depth, key);
}

static size_t here(const ctx *c)
{
    return here_n(c, c->depth, false);
}

/* line:col of `off`; cheap for increasing offsets (steps, checks). */
static void linecol(ctx *c, size_t off, int *line, int *col)
{
    if (off > c->len)
        off = c->len;
    if (off < c->lc_off) {
        c->lc_off = 0;
        c->lc_line = 1;
        c->lc_col = 1;
    }
    for (size_t i = c->lc_off; i < off; i++) {
        if (c->text[i] == '\n') {
            c->lc_line++;
            c->lc_col = 1;
        } else {
            c->lc_col++;
        }
    }
    c->lc_off = off;
    *line = c->lc_line;
    *col = c->lc_col;
}

/* Appends `s` to buf[0..n) at *o, cutting it if full. */
static void append(char *buf, size_t n, size_t *o, const char *s)
{
    size_t k = strlen(s);
    if (*o + 1 >= n)
        return;
    if (k > n - 1 - *o)
        k = n - 1 - *o;
    memcpy(buf + *o, s, k);
    *o += k;
    buf[*o] = '\0';
}

static int fail_at(ctx *c, size_t off, bool with_path, const char *fmt,
                   va_list ap)
{
    char path[256], m[600], pos[32];
    size_t o = 0;
    int line, col;
    linecol(c, off, &line, &col);
    snprintf(pos, sizeof pos, ":%d:%d: ", line, col);
    vsnprintf(m, sizeof m, fmt, ap);
    c->err->msg[0] = '\0';
    append(c->err->msg, sizeof c->err->msg, &o, c->file);
    append(c->err->msg, sizeof c->err->msg, &o, pos);
    if (with_path) {
        path_str(c, c->depth, path, sizeof path);
        append(c->err->msg, sizeof c->err->msg, &o, path);
        append(c->err->msg, sizeof c->err->msg, &o, ": ");
    }
    append(c->err->msg, sizeof c->err->msg, &o, m);
    return -1;
}

/* Reports an error about the current value; returns -1. */
static int fail(ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_at(c, here(c), true, fmt, ap);
    va_end(ap);
    return -1;
}

/* Same, pointing at the current member's key rather than its value. */
static int fail_key(ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_at(c, here_n(c, c->depth, true), true, fmt, ap);
    va_end(ap);
    return -1;
}

/* A syntax error: no path. */
static int fail_syntax(ctx *c, size_t off, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_at(c, off, false, fmt, ap);
    va_end(ap);
    return -1;
}

static const char *tname(const cJSON *v)
{
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsTrue(v))
        return "true";
    if (cJSON_IsFalse(v))
        return "false";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsArray(v))
        return "a list";
    if (cJSON_IsObject(v))
        return "an object";
    return "something else";
}

/* The current value as a message shows it: a string quoted, a number as
 * written in the file (cJSON's double may have lost digits), else its
 * type. */
static const char *shown(ctx *c, const cJSON *v)
{
    if (cJSON_IsString(v))
        return qs(c, v->valuestring);
    if (cJSON_IsNumber(v)) {
        char *b = c->qbuf[c->qi++ % NQBUF];
        size_t off = here(c), end = jp_value_end(c->text, c->len, off);
        int n = (int)(end - off);
        if (n > 60)
            snprintf(b, sizeof c->qbuf[0], "%.60s...", c->text + off);
        else
            snprintf(b, sizeof c->qbuf[0], "%.*s", n, c->text + off);
        return b;
    }
    return tname(v);
}

/* ---- suggestions ---------------------------------------------------- */

static int lower(int ch)
{
    return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

/* Edit distance (insertions, deletions, substitutions and swaps of two
 * neighbours, the optimal string alignment variant), case-insensitive, of
 * strings up to 40 bytes; longer ones are "far". */
static int distance(const char *a, const char *b)
{
    int d[41][41];
    size_t la = strlen(a), lb = strlen(b);
    if (la > 40 || lb > 40)
        return 99;
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int cost = lower(a[i - 1]) != lower(b[j - 1]);
            int best = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
                lower(a[i - 2]) == lower(b[j - 1]) &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[la][lb];
}

/* The entry of list[0..n) closest to `word` if it is close enough to be a
 * likely typo, else NULL. Ties go to the earlier entry. */
static const char *closest(const char *word, const char *const *list, int n)
{
    size_t len = strlen(word);
    int limit = len <= 3 ? 1 : len <= 7 ? 2 : 3, best = limit + 1;
    const char *found = NULL;
    for (int i = 0; i < n; i++) {
        int d = distance(word, list[i]);
        if (d < best) {
            best = d;
            found = list[i];
        }
    }
    return found;
}

/* "a, b or c" into buf. */
static const char *join(const char *const *list, int n, char *buf, size_t sz)
{
    size_t o = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && o < sz; i++) {
        int w = snprintf(buf + o, sz - o, "%s%s",
                         i == 0 ? "" : i == n - 1 ? " or " : ", ", list[i]);
        if (w < 0)
            break;
        o += (size_t)w;
    }
    return buf;
}

/* Reports `word` as not one of list[0..n): "unknown WHAT "x" (did you
 * mean "y"?)" or, with no likely typo, the list. */
/* The text of an eval (or an expect pattern) must be Erlang the shell
 * understands: a syntax error is the scenario's error, with its place in
 * the text, e.g. `timeline[3].eval: 1:12: syntax error before: ')'`. */
static int want_erlang(ctx *c, const char *text, bool pattern)
{
    ev_error e;
    ev_code *code = pattern ? ev_compile_pattern(text, &e) : ev_compile(text, &e);
    if (code) {
        ev_code_free(code);
        return 0;
    }
    return fail(c, "%d:%d: %s", e.line, e.col, e.msg);
}

static int fail_unknown(ctx *c, bool at_key, const char *what,
                        const char *word, const char *const *list, int n)
{
    char all[400];
    const char *near = closest(word, list, n);
    const char *w = qs(c, word);
    if (near != NULL) {
        const char *nq = qs(c, near);
        return at_key ? fail_key(c, "unknown %s %s (did you mean %s?)",
                                 what, w, nq)
                      : fail(c, "unknown %s %s (did you mean %s?)", what, w,
                             nq);
    }
    join(list, n, all, sizeof all);
    return at_key ? fail_key(c, "unknown %s %s (expected %s)", what, w, all)
                  : fail(c, "unknown %s %s (expected %s)", what, w, all);
}

/* ---- objects -------------------------------------------------------- */

typedef struct field {
    const cJSON *v;      /* NULL: absent */
    int n;               /* member ordinal in the object */
} field;

/* Reads the object `obj` at the current path, whose keys must come from
 * keys[0..nk): m[i] gets keys[i]'s value. An unknown or repeated key is an
 * error (cJSON would keep the first of two equal keys without a word). */
static int members(ctx *c, const cJSON *obj, const char *const *keys, int nk,
                   field *m)
{
    int ord = 0;
    for (int i = 0; i < nk; i++)
        m[i].v = NULL;
    for (const cJSON *it = obj->child; it != NULL; it = it->next, ord++) {
        const char *name = it->string != NULL ? it->string : "";
        int k = 0;
        while (k < nk && strcmp(keys[k], name) != 0)
            k++;
        push_key(c, name, ord);
        if (k == nk)
            return fail_unknown(c, true, "key", name, keys, nk);
        if (m[k].v != NULL) {
            int line, col;
            c->seg[c->depth - 1].n = m[k].n;
            size_t first = here_n(c, c->depth, true);
            c->seg[c->depth - 1].n = ord;
            jp_linecol(c->text, c->len, first, &line, &col);
            return fail_key(c, "duplicate key %s (first at %d:%d)", qs(c, name),
                            line, col);
        }
        pop(c);
        m[k].v = it;
        m[k].n = ord;
    }
    return 0;
}

static void enter(ctx *c, const char *const *keys, const field *m, int k)
{
    push_key(c, keys[k], m[k].n);
}

static int need(ctx *c, const field *f, const char *key, const char *hint)
{
    if (f->v != NULL)
        return 0;
    return fail(c, "missing required key \"%s\"%s", key, hint);
}

static int want_object(ctx *c, const cJSON *v, const char *what)
{
    if (cJSON_IsObject(v))
        return 0;
    return fail(c, "expected %s, got %s", what, tname(v));
}

static int want_list(ctx *c, const cJSON *v, const char *what)
{
    if (cJSON_IsArray(v))
        return 0;
    return fail(c, "expected %s, got %s", what, tname(v));
}

/* ---- scalar values ---------------------------------------------------- */

static int want_string(ctx *c, const cJSON *v, bool nonempty,
                       const char **out)
{
    if (!cJSON_IsString(v))
        return fail(c, "expected a string, got %s", tname(v));
    if (nonempty && v->valuestring[0] == '\0')
        return fail(c, "expected a non-empty string");
    *out = v->valuestring;
    return 0;
}

static int want_bool(ctx *c, const cJSON *v, bool *out)
{
    if (!cJSON_IsBool(v))
        return fail(c, "expected true or false, got %s", shown(c, v));
    *out = cJSON_IsTrue(v);
    return 0;
}

/* A whole number in [lo, hi]; `what` says what was expected. */
static int want_int(ctx *c, const cJSON *v, double lo, double hi,
                    int64_t *out, const char *what)
{
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= lo && v->valuedouble <= hi)
        || (double)(int64_t)v->valuedouble != v->valuedouble)
        return fail(c, "expected %s, got %s", what, shown(c, v));
    *out = (int64_t)v->valuedouble;
    return 0;
}

/* One of the strings in list[0..n); returns its index in *out. */
static int want_enum(ctx *c, const cJSON *v, const char *what,
                     const char *const *list, int n, int *out)
{
    char all[200];
    if (!cJSON_IsString(v))
        return fail(c, "expected one of %s, got %s",
                    join(list, n, all, sizeof all), tname(v));
    for (int i = 0; i < n; i++)
        if (strcmp(v->valuestring, list[i]) == 0) {
            *out = i;
            return 0;
        }
    return fail_unknown(c, false, what, v->valuestring, list, n);
}

/* Application names and such: [a-z][a-z0-9_]*, as an unquoted atom. */
static bool atom_ok(const char *s)
{
    if (!(*s >= 'a' && *s <= 'z'))
        return false;
    for (; *s != '\0'; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return false;
    return true;
}

/* ---- durations and rates --------------------------------------------- */

typedef enum dur_code {
    DUR_OK, DUR_SYNTAX, DUR_NOUNIT, DUR_NEGATIVE, DUR_UNIT, DUR_FINE, DUR_BIG
} dur_code;

static const char *const dur_why[] = {
    "ok",
    "expected a number and a unit, e.g. \"150ms\"",
    "durations need a unit, e.g. \"150ms\"",
    "durations cannot be negative",
    "unknown unit (use us, ms, s or min)",
    "finer than a microsecond, the resolution of virtual time",
    "too large"
};

static const struct {
    const char *name;
    int64_t us;
} units[] = {{"us", 1}, {"ms", 1000}, {"s", 1000000}, {"min", 60000000}};

/* Decimal number at *s: digits, optionally '.' and digits. Sets *ip,
 * *frac (the fraction digits without trailing zeros: at most 9 kept) and
 * *nfrac; advances *s. Returns DUR_OK, DUR_SYNTAX, DUR_BIG, or DUR_FINE
 * when the fraction has more than 9 significant digits. */
static dur_code decimal(const char **s, int64_t *ip, int64_t *frac, int *nfrac)
{
    const char *p = *s;
    int64_t x = 0;
    dur_code r = DUR_OK;
    if (!(*p >= '0' && *p <= '9'))
        return DUR_SYNTAX;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (x > (INT64_MAX - (*p - '0')) / 10)
            r = DUR_BIG;
        else
            x = x * 10 + (*p - '0');
    }
    *ip = x;
    *frac = 0;
    *nfrac = 0;
    if (*p == '.') {
        const char *f = ++p, *last = NULL;
        if (!(*p >= '0' && *p <= '9'))
            return DUR_SYNTAX;
        for (; *p >= '0' && *p <= '9'; p++)
            if (*p != '0')
                last = p;
        if (last != NULL) {
            if (last - f + 1 > 9) {
                if (r == DUR_OK)
                    r = DUR_FINE;
            } else {
                for (const char *q = f; q <= last; q++)
                    *frac = *frac * 10 + (*q - '0');
                *nfrac = (int)(last - f + 1);
            }
        }
    }
    *s = p;
    return r;
}

/* Parses a duration; on DUR_UNIT *unit points at the unit text. A
 * fraction with more than 9 significant digits is never a whole number of
 * microseconds: 10^k divides frac * 6e7 only if 500 divides frac, which
 * then ends in 0. */
static dur_code dur_parse(const char *s, int64_t *us, const char **unit)
{
    int64_t ip, frac, pow10 = 1;
    int nfrac;
    const char *p = s;
    if (*p == '-')
        return (p[1] >= '0' && p[1] <= '9') || p[1] == '.' ? DUR_NEGATIVE
                                                           : DUR_SYNTAX;
    dur_code r = decimal(&p, &ip, &frac, &nfrac);
    if (r == DUR_SYNTAX)
        return r;
    *unit = p;
    if (*p == '\0')
        return DUR_NOUNIT;
    int u = 0, nunits = (int)(sizeof units / sizeof units[0]);
    while (u < nunits && strcmp(p, units[u].name) != 0)
        u++;
    if (u == nunits)
        return DUR_UNIT;
    if (r != DUR_OK)
        return r;
    for (int i = 0; i < nfrac; i++)
        pow10 *= 10;
    int64_t fpart = frac * units[u].us; /* < 1e9 * 6e7: fits */
    if (fpart % pow10 != 0)
        return DUR_FINE;
    fpart /= pow10;
    if (ip > (INT64_MAX - fpart) / units[u].us)
        return DUR_BIG;
    *us = ip * units[u].us + fpart;
    return DUR_OK;
}

/* Contract in loader.h. *us is written only on success; *why is one of
 * the static dur_why strings. */
int scn_parse_duration(const char *s, int64_t *us, const char **why)
{
    const char *unit;
    int64_t v = 0;
    dur_code r = dur_parse(s, &v, &unit);
    if (r != DUR_OK) {
        *why = dur_why[r];
        return -1;
    }
    *us = v;
    return 0;
}

/* A duration at the current path; `positive` rejects "0s". */
static int want_duration(ctx *c, const cJSON *v, bool positive, int64_t *out)
{
    const char *unit = "";
    if (cJSON_IsNumber(v))
        return fail(c, "%s", dur_why[DUR_NOUNIT]);
    if (!cJSON_IsString(v))
        return fail(c, "expected a duration like \"150ms\", got %s",
                    tname(v));
    const char *s = v->valuestring;
    switch (dur_parse(s, out, &unit)) {
    case DUR_OK:
        if (positive && *out == 0)
            return fail(c, "must be longer than 0");
        return 0;
    case DUR_SYNTAX:
        return fail(c, "bad duration %s: %s", qs(c, s), dur_why[DUR_SYNTAX]);
    case DUR_NOUNIT:
        return fail(c, "%s", dur_why[DUR_NOUNIT]);
    case DUR_NEGATIVE:
        return fail(c, "%s", dur_why[DUR_NEGATIVE]);
    case DUR_UNIT:
        return fail(c, "unknown unit %s in %s (use us, ms, s or min)",
                    qs(c, unit), qs(c, s));
    case DUR_FINE:
        return fail(c, "%s is %s", qs(c, s), dur_why[DUR_FINE]);
    case DUR_BIG:
        break;
    }
    return fail(c, "duration %s is too large", qs(c, s));
}

/* "20/s": operations per second. */
static int want_rate(ctx *c, const cJSON *v, double *out)
{
    static const char *const example =
        "write operations per unit of time, e.g. \"20/s\" or \"100/min\"";
    int64_t ip, frac;
    int nfrac, u, nunits = (int)(sizeof units / sizeof units[0]);
    if (cJSON_IsNumber(v))
        return fail(c, "rates need a unit, e.g. \"20/s\" or \"100/min\"");
    if (!cJSON_IsString(v))
        return fail(c, "expected a rate like \"20/s\", got %s", tname(v));
    const char *p = v->valuestring;
    dur_code r = decimal(&p, &ip, &frac, &nfrac);
    if (r == DUR_SYNTAX || r == DUR_BIG || *p != '/')
        return fail(c, "bad rate %s: %s", qs(c, v->valuestring), example);
    for (u = 0; u < nunits && strcmp(p + 1, units[u].name) != 0; u++)
        ;
    if (u == nunits)
        return fail(c, "bad rate %s: %s", qs(c, v->valuestring), example);
    double x = (double)ip, scale = 1.0;
    for (int i = 0; i < nfrac; i++)
        scale *= 10.0;
    x += (double)frac / scale;
    if (!(x > 0.0))
        return fail(c, "the rate must be above 0");
    *out = x * 1e6 / (double)units[u].us;
    return 0;
}

/* ---- nodes ------------------------------------------------------------ */

static bool name_char(int ch, bool host)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' ||
           (host && ch == '.');
}

static bool host_ok(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s != '\0'; s++)
        if (!name_char(*s, true))
            return false;
    return true;
}

/* name or name@host; name [A-Za-z0-9_-]+, host [A-Za-z0-9_.-]+. */
static int check_node_name(ctx *c, const char *s)
{
    const char *at = strchr(s, '@'), *p = s;
    if (strlen(s) > NAME_MAX_LEN)
        return fail(c, "node name longer than %d characters", NAME_MAX_LEN);
    for (; *p != '\0' && p != at; p++)
        if (!name_char(*p, false))
            break;
    if (p == s || (at != NULL ? p != at : *p != '\0') ||
        (at != NULL && !host_ok(at + 1)))
        return fail(c, "bad node name %s: write name or name@host, with "
                    "letters, digits, '_' and '-' (and '.' in the host)",
                    qs(c, s));
    return 0;
}

/* Resolves a node reference (short or full form) at the current path. */
static int want_node(ctx *c, const cJSON *v, int *out)
{
    const scn_plan *p = c->p;
    if (!cJSON_IsString(v))
        return fail(c, "expected a node name, got %s", tname(v));
    const char *s = v->valuestring;
    int i = scn_plan_find_node(p, s);
    if (i >= 0) {
        *out = i;
        return 0;
    }
    if (strchr(s, '@') == NULL) {
        int a = -1, b = -1;
        for (int k = 0; k < p->nnodes && b < 0; k++)
            if (strcmp(p->nodes[k].short_name, s) == 0) {
                if (a < 0)
                    a = k;
                else
                    b = k;
            }
        if (b >= 0)
            return fail(c, "%s is ambiguous (%s, %s): write the full name",
                        qs(c, s), p->nodes[a].name, p->nodes[b].name);
    }
    /* Suggest among the form the user wrote: short names or full names. */
    const char *near = NULL;
    int best = 99, limit = strlen(s) <= 3 ? 1 : strlen(s) <= 7 ? 2 : 3;
    for (int k = 0; k < p->nnodes; k++) {
        const char *cand = strchr(s, '@') ? p->nodes[k].name
                                          : p->nodes[k].short_name;
        int d = distance(s, cand);
        if (d <= limit && d < best) {
            best = d;
            near = cand;
        }
    }
    if (near != NULL)
        return fail(c, "unknown node %s (did you mean %s?)", qs(c, s),
                    qs(c, near));
    char list[300];
    size_t o = 0;
    for (int k = 0; k < p->nnodes && o < sizeof list - 40; k++) {
        if (k == 8) {
            snprintf(list + o, sizeof list - o, ", ...");
            break;
        }
        int w = snprintf(list + o, sizeof list - o, "%s%s", k ? ", " : "",
                         p->nodes[k].name);
        if (w < 0)
            break;
        o += (size_t)w;
    }
    return fail(c, "unknown node %s (nodes: %s)", qs(c, s), list);
}

/* A list of two different nodes at the current path. */
static int want_pair(ctx *c, const cJSON *v, int out[2])
{
    if (!cJSON_IsArray(v))
        return fail(c, "expected a pair of nodes like [\"alice\", \"bob\"], "
                    "got %s", tname(v));
    int n = cJSON_GetArraySize(v);
    if (n != 2)
        return fail(c, "a pair has two nodes, this list has %d", n);
    const cJSON *e = v->child;
    for (int i = 0; i < 2; i++, e = e->next) {
        push_idx(c, i);
        if (want_node(c, e, &out[i]) < 0)
            return -1;
        if (i == 1 && out[0] == out[1])
            return fail(c, "a pair needs two different nodes; both are %s",
                        c->p->nodes[out[1]].name);
        pop(c);
    }
    return 0;
}

/* ---- latency ---------------------------------------------------------- */

static const char *const dist_keys[] = {
    "dist", "value", "min", "max", "mean", "stddev", "scale", "shape"
};
enum { D_DIST, D_VALUE, D_MIN, D_MAX, D_MEAN, D_STDDEV, D_SCALE, D_SHAPE,
       D_N };

static const char *const dist_names[] = {
    "constant", "uniform", "normal", "exponential", "pareto"
};

/* Per distribution (indexed like dist_names and lat_kind): its parameters
 * (second one -1 if none), stored in lat_dist.a and .b (.shape for
 * pareto's). */
static const struct {
    lat_kind kind;
    int p1, p2;
    const char *takes;
} dists[] = {
    {LAT_CONSTANT, D_VALUE, -1, "value"},
    {LAT_UNIFORM, D_MIN, D_MAX, "min and max"},
    {LAT_NORMAL, D_MEAN, D_STDDEV, "mean and stddev"},
    {LAT_EXPONENTIAL, D_MEAN, -1, "mean"},
    {LAT_PARETO, D_SCALE, D_SHAPE, "scale and shape"},
};

static int want_dist(ctx *c, const cJSON *v, lat_dist *out)
{
    field m[D_N];
    int d = 0, extra = -1;
    char hint[80];
    if (members(c, v, dist_keys, D_N, m) < 0 ||
        need(c, &m[D_DIST], "dist", "") < 0)
        return -1;
    enter(c, dist_keys, m, D_DIST);
    if (want_enum(c, m[D_DIST].v, "distribution", dist_names, 5, &d) < 0)
        return -1;
    pop(c);
    for (int k = D_VALUE; k < D_N; k++)
        if (m[k].v != NULL && k != dists[d].p1 && k != dists[d].p2 &&
            (extra < 0 || m[k].n < m[extra].n))
            extra = k;
    if (extra >= 0) {
        enter(c, dist_keys, m, extra);
        return fail_key(c, "%s is not a parameter of the %s distribution "
                        "(it takes %s)", qs(c, dist_keys[extra]),
                        dist_names[d], dists[d].takes);
    }
    snprintf(hint, sizeof hint, " (a %s distribution takes %s)",
             dist_names[d], dists[d].takes);
    int64_t a = 0, b = 0;
    double shape = 0.0;
    if (need(c, &m[dists[d].p1], dist_keys[dists[d].p1], hint) < 0)
        return -1;
    if (dists[d].p2 >= 0 &&
        need(c, &m[dists[d].p2], dist_keys[dists[d].p2], hint) < 0)
        return -1;
    enter(c, dist_keys, m, dists[d].p1);
    if (want_duration(c, m[dists[d].p1].v, false, &a) < 0)
        return -1;
    if (d == LAT_PARETO && a == 0)
        return fail(c, "the scale must be above 0");
    pop(c);
    if (dists[d].p2 == D_SHAPE) {
        const cJSON *sv = m[D_SHAPE].v;
        enter(c, dist_keys, m, D_SHAPE);
        if (!cJSON_IsNumber(sv) || !(sv->valuedouble > 0.0) ||
            !(sv->valuedouble < 1e300))
            return fail(c, "the shape must be a number above 0, got %s",
                        shown(c, sv));
        shape = sv->valuedouble;
        pop(c);
    } else if (dists[d].p2 >= 0) {
        enter(c, dist_keys, m, dists[d].p2);
        if (want_duration(c, m[dists[d].p2].v, false, &b) < 0)
            return -1;
        if (d == LAT_UNIFORM && b < a)
            return fail(c, "max %s is below min %s",
                        qs(c, m[D_MAX].v->valuestring),
                        qs(c, m[D_MIN].v->valuestring));
        pop(c);
    }
    out->kind = dists[d].kind;
    out->a = a;
    out->b = b;
    out->shape = shape;
    return 0;
}

/* A duration (constant delay) or a distribution object. */
static int want_latency(ctx *c, const cJSON *v, lat_dist *out)
{
    if (cJSON_IsObject(v))
        return want_dist(c, v, out);
    if (cJSON_IsString(v) || cJSON_IsNumber(v)) {
        int64_t us;
        if (want_duration(c, v, false, &us) < 0)
            return -1;
        *out = lat_constant(us);
        return 0;
    }
    return fail(c, "expected a duration like \"5ms\" or a distribution "
                "like {\"dist\": \"uniform\", \"min\": \"1ms\", \"max\": "
                "\"9ms\"}, got %s", tname(v));
}

/* ---- config ----------------------------------------------------------- */

static const char *const cfg_keys[] = {
    "host", "cookie", "hidden", "net_ticktime", "net_setuptime",
    "connect_all", "dist_auto_connect", "prevent_overlapping_partitions",
    "latency", "loss", "apps", "tls", "start",
    "name" /* nodes only: must stay last */
};
enum { C_HOST, C_COOKIE, C_HIDDEN, C_TICKTIME, C_SETUPTIME, C_CONNECT_ALL,
       C_AUTOCONNECT, C_OVERLAP, C_LATENCY, C_LOSS, C_APPS, C_TLS, C_START,
       C_NAME, C_N };

static const char *const autoconnect_names[] = {"always", "once", "never"};

static void config_defaults(scn_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->host = xstrdup("sim");
    cfg->cookie = xstrdup("nocookie");
    cfg->net_ticktime = 60 * 1000000LL;
    cfg->net_setuptime = 7 * 1000000LL;
    cfg->connect_all = true;
    cfg->dist_auto_connect = AUTOCONNECT_ALWAYS;
    cfg->prevent_overlapping_partitions = true;
    cfg->latency = lat_constant(1000);
}

/* Deep copy into a zeroed *dst. */
static void config_copy(scn_config *dst, const scn_config *src)
{
    *dst = *src;
    dst->host = xstrdup(src->host);
    dst->cookie = xstrdup(src->cookie);
    dst->apps = xcalloc((size_t)src->napps, sizeof *dst->apps);
    for (int i = 0; i < src->napps; i++)
        dst->apps[i] = xstrdup(src->apps[i]);
    dst->tls.ca = src->tls.ca != NULL ? xstrdup(src->tls.ca) : NULL;
    dst->tls.cert_ca = src->tls.cert_ca != NULL ? xstrdup(src->tls.cert_ca)
                                                : NULL;
}

static int want_apps(ctx *c, const cJSON *v, scn_config *cfg)
{
    if (want_list(c, v, "a list of application names, e.g. [\"dist_kv\"]") < 0)
        return -1;
    int n = cJSON_GetArraySize(v), i = 0;
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        const char *s = NULL;
        push_idx(c, i);
        if (want_string(c, e, false, &s) < 0)
            return -1;
        if (!atom_ok(s))
            return fail(c, "bad application name %s: use [a-z][a-z0-9_]*",
                        qs(c, s));
        for (const cJSON *f = v->child; f != e; f = f->next)
            if (strcmp(f->valuestring, s) == 0)
                return fail(c, "application %s is listed twice", qs(c, s));
        pop(c);
    }
    free_strv(cfg->apps, cfg->napps);
    cfg->apps = xcalloc((size_t)n, sizeof *cfg->apps);
    cfg->napps = n;
    i = 0;
    for (const cJSON *e = v->child; e != NULL; e = e->next)
        cfg->apps[i++] = xstrdup(e->valuestring);
    return 0;
}

static const char *const tls_keys[] = {"ca", "cert_ca", "verify"};
static const char *const verify_names[] = {"verify_peer", "verify_none"};

static int want_tls(ctx *c, const cJSON *v, scn_tls *t)
{
    field m[3];
    const char *ca = NULL, *cert_ca = NULL;
    int verify = 0; /* verify_peer, the default since OTP 26 */
    if (cJSON_IsFalse(v)) {
        free(t->ca);
        free(t->cert_ca);
        memset(t, 0, sizeof *t);
        return 0;
    }
    if (want_object(c, v, "an object like {\"ca\": \"corp-ca\", "
                    "\"verify\": \"verify_peer\"}, or false") < 0 ||
        members(c, v, tls_keys, 3, m) < 0 || need(c, &m[0], "ca", "") < 0)
        return -1;
    enter(c, tls_keys, m, 0);
    if (want_string(c, m[0].v, true, &ca) < 0)
        return -1;
    pop(c);
    if (m[1].v != NULL) {
        enter(c, tls_keys, m, 1);
        if (want_string(c, m[1].v, true, &cert_ca) < 0)
            return -1;
        pop(c);
    }
    if (m[2].v != NULL) {
        enter(c, tls_keys, m, 2);
        if (want_enum(c, m[2].v, "verify mode", verify_names, 2, &verify) < 0)
            return -1;
        pop(c);
    }
    t->on = true;
    set_str(&t->ca, ca);
    set_str(&t->cert_ca, cert_ca != NULL ? cert_ca : ca);
    t->verify_peer = verify == 0;
    return 0;
}

/* Applies the config keys found in m[0..C_NAME) to *cfg. */
static int load_config(ctx *c, const field *m, scn_config *cfg)
{
    const char *s = NULL;
    int e = 0;
    for (int k = 0; k < C_NAME; k++) {
        const cJSON *v = m[k].v;
        if (v == NULL)
            continue;
        enter(c, cfg_keys, m, k);
        switch (k) {
        case C_HOST:
            if (want_string(c, v, false, &s) < 0)
                return -1;
            if (!host_ok(s))
                return fail(c, "bad host %s: use letters, digits, '_', '-' "
                            "and '.'", qs(c, s));
            set_str(&cfg->host, s);
            break;
        case C_COOKIE:
            if (want_string(c, v, true, &s) < 0)
                return -1;
            set_str(&cfg->cookie, s);
            break;
        case C_HIDDEN:
            if (want_bool(c, v, &cfg->hidden) < 0)
                return -1;
            break;
        case C_TICKTIME:
            if (want_duration(c, v, true, &cfg->net_ticktime) < 0)
                return -1;
            break;
        case C_SETUPTIME:
            if (want_duration(c, v, true, &cfg->net_setuptime) < 0)
                return -1;
            break;
        case C_CONNECT_ALL:
            if (want_bool(c, v, &cfg->connect_all) < 0)
                return -1;
            break;
        case C_AUTOCONNECT:
            if (want_enum(c, v, "dist_auto_connect value", autoconnect_names,
                          3, &e) < 0)
                return -1;
            cfg->dist_auto_connect = (scn_autoconnect)e;
            break;
        case C_OVERLAP:
            if (want_bool(c, v, &cfg->prevent_overlapping_partitions) < 0)
                return -1;
            break;
        case C_LATENCY:
            if (want_latency(c, v, &cfg->latency) < 0)
                return -1;
            break;
        case C_LOSS:
            if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0.0) ||
                !(v->valuedouble < 1.0))
                return fail(c, "expected a probability in [0, 1), got %s",
                            shown(c, v));
            cfg->loss = v->valuedouble;
            break;
        case C_APPS:
            if (want_apps(c, v, cfg) < 0)
                return -1;
            break;
        case C_TLS:
            if (want_tls(c, v, &cfg->tls) < 0)
                return -1;
            break;
        case C_START:
            if (want_duration(c, v, false, &cfg->start) < 0)
                return -1;
            break;
        }
        pop(c);
    }
    return 0;
}

/* ---- the nodes section ---------------------------------------------- */

static int load_node(ctx *c, const cJSON *v, scn_node *nd)
{
    field m[C_N];
    const char *name = NULL;
    bool obj = cJSON_IsObject(v);
    if (obj) {
        if (members(c, v, cfg_keys, C_N, m) < 0 ||
            need(c, &m[C_NAME], "name", "") < 0)
            return -1;
        enter(c, cfg_keys, m, C_NAME);
        if (want_string(c, m[C_NAME].v, false, &name) < 0)
            return -1;
    } else if (cJSON_IsString(v)) {
        name = v->valuestring;
    } else {
        return fail(c, "expected a node name or an object like {\"name\": "
                    "\"alice\"}, got %s", tname(v));
    }
    if (check_node_name(c, name) < 0)
        return -1;
    if (obj)
        pop(c);
    const char *at = strchr(name, '@');
    if (obj && at != NULL && m[C_HOST].v != NULL) {
        enter(c, cfg_keys, m, C_HOST);
        return fail_key(c, "the name %s already has a host", qs(c, name));
    }
    config_copy(&nd->cfg, &c->p->config);
    if (obj && load_config(c, m, &nd->cfg) < 0)
        return -1;
    if (at != NULL) {
        set_str(&nd->cfg.host, at + 1);
        nd->name = xstrdup(name);
        nd->short_name = xstrdup(name);
        nd->short_name[at - name] = '\0';
    } else {
        size_t a = strlen(name), b = strlen(nd->cfg.host);
        nd->name = xmalloc(a + b + 2);
        memcpy(nd->name, name, a);
        nd->name[a] = '@';
        memcpy(nd->name + a + 1, nd->cfg.host, b + 1);
        nd->short_name = xstrdup(name);
    }
    return 0;
}

typedef struct named {
    const char *name;
    int index;
} named;

/* DETERMINISM: by full name, ties by index (qsort is not stable). */
static int by_name(const void *a, const void *b)
{
    const named *x = a, *y = b;
    int r = strcmp(x->name, y->name);
    return r != 0 ? r : (x->index > y->index) - (x->index < y->index);
}

static int load_nodes(ctx *c, const cJSON *v)
{
    scn_plan *p = c->p;
    if (want_list(c, v, "a list of nodes, e.g. [\"alice\", \"bob\"]") < 0)
        return -1;
    int n = cJSON_GetArraySize(v), i = 0;
    if (n == 0)
        return fail(c, "a scenario needs at least one node");
    p->nodes = xcalloc((size_t)n, sizeof *p->nodes);
    p->nnodes = n;
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        push_idx(c, i);
        if (load_node(c, e, &p->nodes[i]) < 0)
            return -1;
        pop(c);
    }
    /* Duplicates, the short and the full form of a name being the same
     * node: sort by full name, compare neighbours. The first duplicate in
     * file order is the smallest second member of a run of equal names. */
    named *sorted = xcalloc((size_t)n, sizeof *sorted);
    c->scratch = sorted;
    for (i = 0; i < n; i++) {
        sorted[i].name = p->nodes[i].name;
        sorted[i].index = i;
    }
    qsort(sorted, (size_t)n, sizeof *sorted, by_name);
    int dup = -1, first = -1;
    for (i = 1; i < n; i++)
        if (strcmp(sorted[i - 1].name, sorted[i].name) == 0 &&
            (dup < 0 || sorted[i].index < dup)) {
            dup = sorted[i].index;
            first = sorted[i - 1].index;
        }
    free(c->scratch);
    c->scratch = NULL;
    if (dup < 0)
        return 0;
    /* Point at the later node's name. */
    const cJSON *e = v->child;
    for (i = 0; i < dup; i++)
        e = e->next;
    push_idx(c, dup);
    if (cJSON_IsObject(e)) {
        int ord = 0;
        for (const cJSON *f = e->child; f != NULL; f = f->next, ord++)
            if (strcmp(f->string, "name") == 0)
                break;
        push_key(c, "name", ord);
    }
    return fail(c, "duplicate node %s (also nodes[%d])", p->nodes[dup].name,
                first);
}

/* ---- links ------------------------------------------------------------ */

static const char *const link_keys[] = {"between", "from", "to", "latency"};
enum { L_BETWEEN, L_FROM, L_TO, L_LATENCY, L_N };

/* The node pair of a link or a latency step: "between" [a, b] or
 * "from"/"to". Keys are link_keys[0..2], the caller's m[0..2]. Sets
 * pair[] and *both. */
static int want_direction(ctx *c, const field *m, int pair[2], bool *both)
{
    if (m[L_BETWEEN].v != NULL && (m[L_FROM].v || m[L_TO].v)) {
        int k = m[L_FROM].v != NULL ? L_FROM : L_TO;
        enter(c, link_keys, m, k);
        return fail_key(c, "use either \"between\" or \"from\" and \"to\", "
                        "not both");
    }
    if (m[L_BETWEEN].v != NULL) {
        enter(c, link_keys, m, L_BETWEEN);
        if (want_pair(c, m[L_BETWEEN].v, pair) < 0)
            return -1;
        pop(c);
        *both = true;
        return 0;
    }
    if (m[L_FROM].v == NULL && m[L_TO].v == NULL)
        return fail(c, "expected \"between\": [A, B], or \"from\": A and "
                    "\"to\": B");
    if (need(c, &m[L_FROM], "from", "") < 0 || need(c, &m[L_TO], "to", "") < 0)
        return -1;
    for (int k = L_FROM; k <= L_TO; k++) {
        enter(c, link_keys, m, k);
        if (want_node(c, m[k].v, &pair[k - L_FROM]) < 0)
            return -1;
        if (k == L_TO && pair[0] == pair[1])
            return fail(c, "\"from\" and \"to\" are the same node, %s",
                        c->p->nodes[pair[0]].name);
        pop(c);
    }
    *both = false;
    return 0;
}

static int load_links(ctx *c, const cJSON *v)
{
    scn_plan *p = c->p;
    if (want_list(c, v, "a list of links") < 0)
        return -1;
    int n = cJSON_GetArraySize(v), i = 0;
    p->links = xcalloc((size_t)n * 2, sizeof *p->links);
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        field m[L_N];
        int pair[2];
        bool both;
        lat_dist lat;
        push_idx(c, i);
        if (want_object(c, e, "a link like {\"between\": [\"alice\", "
                        "\"bob\"], \"latency\": \"80ms\"}") < 0 ||
            members(c, e, link_keys, L_N, m) < 0 ||
            want_direction(c, m, pair, &both) < 0 ||
            need(c, &m[L_LATENCY], "latency", "") < 0)
            return -1;
        enter(c, link_keys, m, L_LATENCY);
        if (want_latency(c, m[L_LATENCY].v, &lat) < 0)
            return -1;
        pop(c);
        p->links[p->nlinks++] = (scn_link){pair[0], pair[1], lat};
        if (both)
            p->links[p->nlinks++] = (scn_link){pair[1], pair[0], lat};
        pop(c);
    }
    return 0;
}

/* ---- timeline --------------------------------------------------------- */

static const char *const step_keys[] = {
    "at", "on", "eval", "expect", "note", "partition", "cut", "cut_oneway",
    "heal", "latency", "halt", "freeze", "resume", "restart"
};
enum { S_AT, S_ON, S_EVAL, S_EXPECT, S_NOTE, S_PARTITION, S_CUT,
       S_CUT_ONEWAY, S_HEAL, S_LATENCY, S_HALT, S_FREEZE, S_RESUME,
       S_RESTART, S_N };

static bool is_action(int k)
{
    return k == S_EVAL || k >= S_NOTE;
}

/* A non-empty list of node pairs into st->pairs. */
static int want_pairs(ctx *c, const cJSON *v, scn_step *st)
{
    if (want_list(c, v, "a list of node pairs, e.g. [[\"alice\", \"bob\"]]")
        < 0)
        return -1;
    int n = cJSON_GetArraySize(v), i = 0;
    if (n == 0)
        return fail(c, "expected at least one pair of nodes");
    st->pairs = xcalloc((size_t)n, sizeof *st->pairs);
    st->npairs = n;
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        push_idx(c, i);
        if (want_pair(c, e, st->pairs[i]) < 0)
            return -1;
        pop(c);
    }
    return 0;
}

static int want_partition(ctx *c, const cJSON *v, scn_step *st)
{
    const scn_plan *p = c->p;
    if (want_list(c, v, "a list of groups, e.g. [[\"alice\"], [\"bob\", "
                  "\"carol\"]]") < 0)
        return -1;
    if (cJSON_GetArraySize(v) < 2)
        return fail(c, "a partition needs at least two groups");
    st->group = xmalloc((size_t)p->nnodes * sizeof *st->group);
    for (int k = 0; k < p->nnodes; k++)
        st->group[k] = -1;
    int g = 0;
    for (const cJSON *grp = v->child; grp != NULL; grp = grp->next, g++) {
        push_idx(c, g);
        if (want_list(c, grp, "a group: a list of nodes") < 0)
            return -1;
        if (grp->child == NULL)
            return fail(c, "empty group");
        int k = 0;
        for (const cJSON *e = grp->child; e != NULL; e = e->next, k++) {
            int nd = -1;
            push_idx(c, k);
            if (want_node(c, e, &nd) < 0)
                return -1;
            if (st->group[nd] == g)
                return fail(c, "%s is listed twice in this group",
                            p->nodes[nd].name);
            if (st->group[nd] >= 0)
                return fail(c, "%s is in two groups (also in partition[%d])",
                            p->nodes[nd].name, st->group[nd]);
            st->group[nd] = g;
            pop(c);
        }
        pop(c);
    }
    return 0;
}

static int want_oneway(ctx *c, const cJSON *v, scn_step *st)
{
    field m[L_N];
    bool both;
    if (want_object(c, v, "{\"from\": A, \"to\": B}") < 0 ||
        members(c, v, link_keys, L_TO + 1, m) < 0)
        return -1;
    if (m[L_BETWEEN].v != NULL) {
        enter(c, link_keys, m, L_BETWEEN);
        return fail_key(c, "a one-way cut takes \"from\" and \"to\"; for "
                        "both ways use \"cut\"");
    }
    st->pairs = xcalloc(1, sizeof *st->pairs);
    st->npairs = 1;
    return want_direction(c, m, st->pairs[0], &both);
}

static const char *const latstep_keys[] = {"between", "from", "to", "value"};

static int want_latency_step(ctx *c, const cJSON *v, scn_step *st)
{
    field m[L_N];
    if (want_object(c, v, "{\"between\": [A, B], \"value\": \"300ms\"} or "
                    "{\"from\": A, \"to\": B, \"value\": ...}") < 0 ||
        members(c, v, latstep_keys, L_N, m) < 0)
        return -1;
    st->pairs = xcalloc(1, sizeof *st->pairs);
    st->npairs = 1;
    if (want_direction(c, m, st->pairs[0], &st->both_ways) < 0 ||
        need(c, &m[L_LATENCY], "value", "") < 0)
        return -1;
    enter(c, latstep_keys, m, L_LATENCY);
    if (want_latency(c, m[L_LATENCY].v, &st->latency) < 0)
        return -1;
    pop(c);
    return 0;
}

static int want_text(ctx *c, const cJSON *v, const char *what, char **out)
{
    const char *s = NULL, *t;
    if (want_string(c, v, false, &s) < 0)
        return -1;
    for (t = s; *t == ' ' || *t == '\t' || *t == '\n' || *t == '\r'; t++)
        ;
    if (*t == '\0')
        return fail(c, "empty %s", what);
    *out = xstrdup(s);
    return 0;
}

/* One timeline step; `off` is where its object starts in the text. */
static int load_step(ctx *c, const cJSON *v, scn_step *st, size_t off)
{
    field m[S_N];
    int act = -1;
    if (want_object(c, v, "a step like {\"at\": \"1s\", \"halt\": \"bob\"}")
        < 0 || members(c, v, step_keys, S_N, m) < 0 ||
        need(c, &m[S_AT], "at", "") < 0)
        return -1;
    linecol(c, off, &st->line, &st->col);
    enter(c, step_keys, m, S_AT);
    if (want_duration(c, m[S_AT].v, false, &st->at) < 0)
        return -1;
    if (st->at > c->p->until)
        return fail(c, "%s is after \"until\" (%s)",
                    qs(c, m[S_AT].v->valuestring), qs(c, c->until_text));
    pop(c);
    /* The first action in file order is the step's; a second is the
     * error, reported where it stands. */
    int second = -1;
    for (int k = 0; k < S_N; k++) {
        if (!is_action(k) || m[k].v == NULL)
            continue;
        if (act < 0 || m[k].n < m[act].n) {
            second = act;
            act = k;
        } else if (second < 0 || m[k].n < m[second].n) {
            second = k;
        }
    }
    if (second >= 0) {
        enter(c, step_keys, m, second);
        return fail_key(c, "a step has exactly one action, and this one "
                        "also has %s", qs(c, step_keys[act]));
    }
    if (act < 0)
        return fail(c, "a step needs one action: eval, note, partition, cut, "
                    "cut_oneway, heal, latency, halt, freeze, resume or "
                    "restart");
    static const int eval_only[] = {S_ON, S_EXPECT};
    for (int i = 0; i < 2; i++) {
        int k = eval_only[i];
        if (m[k].v != NULL && act != S_EVAL) {
            enter(c, step_keys, m, k);
            return fail_key(c, "%s goes with \"eval\" only",
                            qs(c, step_keys[k]));
        }
    }
    const cJSON *a = m[act].v;
    if (act == S_EVAL && need(c, &m[S_ON], "on", " (the node whose shell "
                              "evaluates \"eval\")") < 0)
        return -1;
    enter(c, step_keys, m, act);
    switch (act) {
    case S_EVAL:
        st->kind = STEP_EVAL;
        if (want_text(c, a, "expression", &st->eval) < 0 ||
            want_erlang(c, st->eval, false) < 0)
            return -1;
        pop(c);
        enter(c, step_keys, m, S_ON);
        if (want_node(c, m[S_ON].v, &st->node) < 0)
            return -1;
        if (m[S_EXPECT].v != NULL) {
            pop(c);
            enter(c, step_keys, m, S_EXPECT);
            if (want_text(c, m[S_EXPECT].v, "pattern", &st->expect) < 0 ||
                want_erlang(c, st->expect, true) < 0)
                return -1;
            linecol(c, here(c), &st->expect_line, &st->expect_col);
        }
        break;
    case S_NOTE:
        st->kind = STEP_NOTE;
        if (want_text(c, a, "note", &st->note) < 0)
            return -1;
        break;
    case S_PARTITION:
        st->kind = STEP_PARTITION;
        if (want_partition(c, a, st) < 0)
            return -1;
        break;
    case S_CUT:
        st->kind = STEP_CUT;
        if (want_pairs(c, a, st) < 0)
            return -1;
        break;
    case S_CUT_ONEWAY:
        st->kind = STEP_CUT_ONEWAY;
        if (want_oneway(c, a, st) < 0)
            return -1;
        break;
    case S_HEAL:
        st->kind = STEP_HEAL;
        if (cJSON_IsString(a) && strcmp(a->valuestring, "all") == 0)
            st->heal_all = true;
        else if (!cJSON_IsArray(a))
            return fail(c, "expected \"all\" or a list of node pairs, got %s",
                        shown(c, a));
        else if (want_pairs(c, a, st) < 0)
            return -1;
        break;
    case S_LATENCY:
        st->kind = STEP_LATENCY;
        if (want_latency_step(c, a, st) < 0)
            return -1;
        break;
    default:
        st->kind = act == S_HALT ? STEP_HALT : act == S_FREEZE ? STEP_FREEZE
                 : act == S_RESUME ? STEP_RESUME : STEP_RESTART;
        if (want_node(c, a, &st->node) < 0)
            return -1;
        break;
    }
    pop(c);
    return 0;
}

/* DETERMINISM: run order is (at, file order). */
static int by_time(const void *a, const void *b)
{
    const scn_step *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

static int load_timeline(ctx *c, const cJSON *v)
{
    scn_plan *p = c->p;
    if (want_list(c, v, "a list of steps") < 0)
        return -1;
    int n = cJSON_GetArraySize(v), i = 0;
    p->steps = xcalloc((size_t)n, sizeof *p->steps);
    p->nsteps = n;
    size_t off = jp_elem_first(c->text, c->len, here(c));
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        scn_step *st = &p->steps[i];
        st->index = i;
        st->node = -1;
        push_idx(c, i);
        if (load_step(c, e, st, off) < 0)
            return -1;
        pop(c);
        off = jp_elem_next(c->text, c->len, off);
    }
    qsort(p->steps, (size_t)n, sizeof *p->steps, by_time);
    return 0;
}

/* ---- checks ----------------------------------------------------------- */

/* Trace kinds (traces/README.md). */
static const char *const trace_kinds[] = {
    "boot", "halt", "spawn", "exit", "send", "deliver", "drop", "register",
    "unregister", "link", "monitor", "down", "connect", "handshake_fail",
    "nodeup", "nodedown", "partition", "cut", "heal", "latency", "freeze",
    "resume", "restart", "global_register", "global_unregister",
    "global_conflict", "eval", "result", "output", "log", "expect", "note",
    "op", "check"
};

/* event, count and between, then the trace fields usable as filters. */
static const char *const check_keys[] = {
    "event", "count", "between",
    "node", "peer", "pid", "to", "name", "term", "reason", "text"
};
enum { K_EVENT, K_COUNT, K_BETWEEN, K_NODE, K_PEER, K_N = 11 };

static const char *const count_keys[] = {"min", "max"};

#define COUNT_MAX 1e15
#define COUNT_WHAT "a count: a whole number >= 0, or {\"min\": N, \"max\": M}"

static int want_count(ctx *c, const cJSON *v, scn_check *ck)
{
    field m[2];
    if (cJSON_IsNumber(v)) {
        if (want_int(c, v, 0, COUNT_MAX, &ck->min, COUNT_WHAT) < 0)
            return -1;
        ck->max = ck->min;
        return 0;
    }
    if (!cJSON_IsObject(v))
        return fail(c, "expected %s, got %s", COUNT_WHAT, shown(c, v));
    if (members(c, v, count_keys, 2, m) < 0)
        return -1;
    if (m[0].v == NULL && m[1].v == NULL)
        return fail(c, "a count range needs \"min\", \"max\" or both");
    ck->min = 0;
    ck->max = -1;
    for (int k = 0; k < 2; k++) {
        int64_t x = 0;
        if (m[k].v == NULL)
            continue;
        enter(c, count_keys, m, k);
        if (want_int(c, m[k].v, 0, COUNT_MAX, &x, "a whole number >= 0") < 0)
            return -1;
        if (k == 0)
            ck->min = x;
        else if (x < ck->min)
            return fail(c, "max (%lld) is below min (%lld)", (long long)x,
                        (long long)ck->min);
        else
            ck->max = x;
        pop(c);
    }
    return 0;
}

/* ["55s", "85s"]: an inclusive window, start <= end. */
static int want_window(ctx *c, const cJSON *v, int64_t *t0, int64_t *t1)
{
    if (!cJSON_IsArray(v))
        return fail(c, "expected a window of two durations, e.g. [\"55s\", "
                    "\"85s\"], got %s", tname(v));
    if (cJSON_GetArraySize(v) != 2)
        return fail(c, "a window has two durations, this list has %d",
                    cJSON_GetArraySize(v));
    push_idx(c, 0);
    if (want_duration(c, v->child, false, t0) < 0)
        return -1;
    pop(c);
    push_idx(c, 1);
    if (want_duration(c, v->child->next, false, t1) < 0)
        return -1;
    if (*t1 < *t0)
        return fail(c, "the window ends (%s) before it starts (%s)",
                    qs(c, v->child->next->valuestring),
                    qs(c, v->child->valuestring));
    pop(c);
    return 0;
}

static int load_check(ctx *c, const cJSON *v, scn_check *ck, size_t off)
{
    field m[K_N];
    int kind = 0, nf = 0;
    if (want_object(c, v, "a check like {\"event\": \"nodedown\", "
                    "\"count\": 1}") < 0 ||
        members(c, v, check_keys, K_N, m) < 0 ||
        need(c, &m[K_EVENT], "event", "") < 0 ||
        need(c, &m[K_COUNT], "count", "") < 0)
        return -1;
    linecol(c, off, &ck->line, &ck->col);
    enter(c, check_keys, m, K_EVENT);
    if (want_enum(c, m[K_EVENT].v, "trace kind", trace_kinds,
                  (int)(sizeof trace_kinds / sizeof trace_kinds[0]), &kind)
        < 0)
        return -1;
    ck->event = xstrdup(trace_kinds[kind]);
    pop(c);
    enter(c, check_keys, m, K_COUNT);
    if (want_count(c, m[K_COUNT].v, ck) < 0)
        return -1;
    pop(c);
    if (m[K_BETWEEN].v != NULL) {
        enter(c, check_keys, m, K_BETWEEN);
        if (want_window(c, m[K_BETWEEN].v, &ck->t0, &ck->t1) < 0)
            return -1;
        ck->has_between = true;
        pop(c);
    }
    for (int k = K_NODE; k < K_N; k++)
        nf += m[k].v != NULL;
    ck->keys = xcalloc((size_t)nf, sizeof *ck->keys);
    ck->values = xcalloc((size_t)nf, sizeof *ck->values);
    ck->nfilters = nf;
    nf = 0;
    for (int k = K_NODE; k < K_N; k++) {
        const char *s = NULL;
        int nd = -1;
        if (m[k].v == NULL)
            continue;
        enter(c, check_keys, m, k);
        if (k == K_NODE || k == K_PEER) {
            if (want_node(c, m[k].v, &nd) < 0)
                return -1;
            s = c->p->nodes[nd].name;
        } else if (want_string(c, m[k].v, false, &s) < 0) {
            return -1;
        }
        ck->keys[nf] = xstrdup(check_keys[k]);
        ck->values[nf++] = xstrdup(s);
        pop(c);
    }
    return 0;
}

static int load_checks(ctx *c, const cJSON *v)
{
    scn_plan *p = c->p;
    if (want_list(c, v, "a list of checks") < 0)
        return -1;
    int n = cJSON_GetArraySize(v), i = 0;
    p->checks = xcalloc((size_t)n, sizeof *p->checks);
    p->nchecks = n;
    size_t off = jp_elem_first(c->text, c->len, here(c));
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        p->checks[i].index = i;
        push_idx(c, i);
        if (load_check(c, e, &p->checks[i], off) < 0)
            return -1;
        pop(c);
        off = jp_elem_next(c->text, c->len, off);
    }
    return 0;
}

/* ---- workload ------------------------------------------------------- */

static const char *const wl_keys[] = {
    "app", "strategy", "clients", "keys", "rate", "mix", "timeout", "from",
    "to", "checkers"
};
enum { W_APP, W_STRATEGY, W_CLIENTS, W_KEYS, W_RATE, W_MIX, W_TIMEOUT,
       W_FROM, W_TO, W_CHECKERS, W_N };

static const char *const strategies[] = {
    "ignore", "pause_minority", "static_master", "autoheal", "quorum", "lww"
};
static const char *const checkers[] = {
    "linearizable", "stale_reads", "lost_writes", "convergence",
    "availability"
};
#define NCHECKERS 5
static const char *const mix_keys[] = {"read", "write", "cas"};

static int want_mix(ctx *c, const cJSON *v, scn_workload *w)
{
    field m[3];
    double x[3] = {0, 0, 0};
    if (want_object(c, v, "a mix like {\"read\": 0.5, \"write\": 0.5}") < 0 ||
        members(c, v, mix_keys, 3, m) < 0)
        return -1;
    for (int k = 0; k < 3; k++) {
        if (m[k].v == NULL)
            continue;
        enter(c, mix_keys, m, k);
        if (!cJSON_IsNumber(m[k].v) || !(m[k].v->valuedouble >= 0.0) ||
            !(m[k].v->valuedouble <= 1.0))
            return fail(c, "expected a share between 0 and 1, got %s",
                        shown(c, m[k].v));
        x[k] = m[k].v->valuedouble;
        pop(c);
    }
    double sum = x[0] + x[1] + x[2];
    if (sum < 1.0 - 1e-9 || sum > 1.0 + 1e-9)
        return fail(c, "the shares must sum to 1, they sum to %g", sum);
    w->mix_read = x[0];
    w->mix_write = x[1];
    w->mix_cas = x[2];
    return 0;
}

static int want_clients(ctx *c, const cJSON *v, scn_workload *w)
{
    if (want_list(c, v, "a list of nodes") < 0)
        return -1;
    int n = cJSON_GetArraySize(v), i = 0;
    if (n == 0)
        return fail(c, "a workload needs at least one client");
    w->clients = xcalloc((size_t)n, sizeof *w->clients);
    w->nclients = n;
    bool *seen = xcalloc((size_t)c->p->nnodes, sizeof *seen);
    c->scratch = seen;
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        push_idx(c, i);
        if (want_node(c, e, &w->clients[i]) < 0)
            return -1;
        if (seen[w->clients[i]])
            return fail(c, "%s is listed twice",
                        c->p->nodes[w->clients[i]].name);
        seen[w->clients[i]] = true;
        pop(c);
    }
    free(c->scratch);
    c->scratch = NULL;
    return 0;
}

static int want_checkers(ctx *c, const cJSON *v, scn_workload *w)
{
    bool seen[NCHECKERS] = {false};
    if (want_list(c, v, "a list of checker names") < 0)
        return -1;
    int n = cJSON_GetArraySize(v), i = 0;
    w->checkers = xcalloc((size_t)n, sizeof *w->checkers);
    w->ncheckers = n;
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        int k = 0;
        push_idx(c, i);
        if (want_enum(c, e, "checker", checkers, NCHECKERS, &k) < 0)
            return -1;
        if (seen[k])
            return fail(c, "checker %s is listed twice", qs(c, checkers[k]));
        seen[k] = true;
        w->checkers[i] = xstrdup(checkers[k]);
        pop(c);
    }
    return 0;
}

static int load_workload(ctx *c, const cJSON *v)
{
    scn_workload *w = &c->p->workload;
    field m[W_N];
    const char *s = NULL;
    int k;
    int64_t keys = 1;
    if (want_object(c, v, "an object") < 0 ||
        members(c, v, wl_keys, W_N, m) < 0 ||
        need(c, &m[W_APP], "app", "") < 0 ||
        need(c, &m[W_CLIENTS], "clients", "") < 0 ||
        need(c, &m[W_RATE], "rate", "") < 0)
        return -1;
    w->present = true;
    w->mix_read = w->mix_write = 0.5;
    w->timeout = 5 * 1000000LL; /* gen_server:call's default */
    w->to = c->p->until;
    enter(c, wl_keys, m, W_APP);
    if (want_string(c, m[W_APP].v, false, &s) < 0)
        return -1;
    if (!atom_ok(s))
        return fail(c, "bad application name %s: use [a-z][a-z0-9_]*",
                    qs(c, s));
    w->app = xstrdup(s);
    pop(c);
    k = 0;
    if (m[W_STRATEGY].v != NULL) {
        enter(c, wl_keys, m, W_STRATEGY);
        if (want_enum(c, m[W_STRATEGY].v, "strategy", strategies, 6, &k) < 0)
            return -1;
        pop(c);
    }
    w->strategy = xstrdup(strategies[k]);
    enter(c, wl_keys, m, W_CLIENTS);
    if (want_clients(c, m[W_CLIENTS].v, w) < 0)
        return -1;
    pop(c);
    if (m[W_KEYS].v != NULL) {
        enter(c, wl_keys, m, W_KEYS);
        if (want_int(c, m[W_KEYS].v, 1, 1e6, &keys,
                     "a whole number of keys from 1 to 1000000") < 0)
            return -1;
        pop(c);
    }
    w->keys = (int)keys;
    enter(c, wl_keys, m, W_RATE);
    if (want_rate(c, m[W_RATE].v, &w->rate) < 0)
        return -1;
    pop(c);
    if (m[W_MIX].v != NULL) {
        enter(c, wl_keys, m, W_MIX);
        if (want_mix(c, m[W_MIX].v, w) < 0)
            return -1;
        pop(c);
    }
    for (k = W_TIMEOUT; k <= W_TO; k++) {
        int64_t *t = k == W_TIMEOUT ? &w->timeout : k == W_FROM ? &w->from
                                                                : &w->to;
        if (m[k].v == NULL)
            continue;
        enter(c, wl_keys, m, k);
        if (want_duration(c, m[k].v, k == W_TIMEOUT, t) < 0)
            return -1;
        if (k != W_TIMEOUT && *t > c->p->until)
            return fail(c, "%s is after \"until\" (%s)",
                        qs(c, m[k].v->valuestring), qs(c, c->until_text));
        if (k == W_TO && *t <= w->from)
            return fail(c, "\"to\" must be after \"from\"");
        pop(c);
    }
    if (m[W_TO].v == NULL && w->to <= w->from) {
        enter(c, wl_keys, m, W_FROM);
        return fail(c, "\"from\" must be before \"until\"");
    }
    if (m[W_CHECKERS].v != NULL) {
        enter(c, wl_keys, m, W_CHECKERS);
        if (want_checkers(c, m[W_CHECKERS].v, w) < 0)
            return -1;
        pop(c);
    } else {
        w->checkers = xcalloc(NCHECKERS, sizeof *w->checkers);
        w->ncheckers = NCHECKERS;
        for (k = 0; k < NCHECKERS; k++)
            w->checkers[k] = xstrdup(checkers[k]);
    }
    return 0;
}

/* ---- top level ------------------------------------------------------ */

static const char *const top_keys[] = {
    "name", "description", "seed", "until", "config", "nodes", "links",
    "timeline", "checks", "workload"
};
enum { T_NAME, T_DESCRIPTION, T_SEED, T_UNTIL, T_CONFIG, T_NODES, T_LINKS,
       T_TIMELINE, T_CHECKS, T_WORKLOAD, T_N };

/* An unsigned 64-bit integer, read from the text: cJSON's double holds
 * only 53 bits and its valueint saturates. */
static int want_seed(ctx *c, const cJSON *v, uint64_t *out)
{
    size_t off = here(c), end = jp_value_end(c->text, c->len, off);
    uint64_t x = 0;
    bool ok = cJSON_IsNumber(v) && end > off;
    for (size_t i = off; ok && i < end; i++) {
        unsigned d = (unsigned)(c->text[i] - '0');
        if (d > 9 || x > (UINT64_MAX - d) / 10)
            ok = false;
        else
            x = x * 10 + d;
    }
    if (!ok)
        return fail(c, "expected an unsigned 64-bit integer (0 to "
                    "18446744073709551615), got %s", shown(c, v));
    *out = x;
    return 0;
}

static bool scenario_name_ok(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s != '\0'; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return false;
    return true;
}

static int load_top(ctx *c, const cJSON *root)
{
    scn_plan *p = c->p;
    field m[T_N], cm[C_N];
    const char *s = NULL;
    if (!cJSON_IsObject(root))
        return fail(c, "a scenario is a JSON object, got %s", tname(root));
    if (members(c, root, top_keys, T_N, m) < 0 ||
        need(c, &m[T_NAME], "name", "") < 0 ||
        need(c, &m[T_UNTIL], "until", "") < 0 ||
        need(c, &m[T_NODES], "nodes", "") < 0)
        return -1;
    enter(c, top_keys, m, T_NAME);
    if (want_string(c, m[T_NAME].v, false, &s) < 0)
        return -1;
    if (!scenario_name_ok(s))
        return fail(c, "a scenario name matches [a-z0-9_]+, got %s", qs(c, s));
    p->name = xstrdup(s);
    pop(c);
    if (m[T_DESCRIPTION].v != NULL) {
        enter(c, top_keys, m, T_DESCRIPTION);
        if (want_string(c, m[T_DESCRIPTION].v, false, &s) < 0)
            return -1;
        p->description = xstrdup(s);
        pop(c);
    }
    if (m[T_SEED].v != NULL) {
        enter(c, top_keys, m, T_SEED);
        if (want_seed(c, m[T_SEED].v, &p->seed) < 0)
            return -1;
        pop(c);
    }
    enter(c, top_keys, m, T_UNTIL);
    if (want_duration(c, m[T_UNTIL].v, false, &p->until) < 0)
        return -1;
    c->until_text = m[T_UNTIL].v->valuestring;
    pop(c);
    if (m[T_CONFIG].v != NULL) {
        enter(c, top_keys, m, T_CONFIG);
        if (want_object(c, m[T_CONFIG].v, "an object of kernel parameters")
            < 0 || members(c, m[T_CONFIG].v, cfg_keys, C_NAME, cm) < 0 ||
            load_config(c, cm, &p->config) < 0)
            return -1;
        pop(c);
    }
    enter(c, top_keys, m, T_NODES);
    if (load_nodes(c, m[T_NODES].v) < 0)
        return -1;
    pop(c);
    static int (*const sections[])(ctx *, const cJSON *) = {
        load_links, load_timeline, load_checks, load_workload
    };
    for (int k = T_LINKS; k <= T_WORKLOAD; k++) {
        if (m[k].v == NULL)
            continue;
        enter(c, top_keys, m, k);
        if (sections[k - T_LINKS](c, m[k].v) < 0)
            return -1;
        pop(c);
    }
    return 0;
}

/* Contract in loader.h. `text` need not be NUL-terminated and may hold
 * any bytes; it is only read. On success *out is a new plan owned by the
 * caller and err->msg is empty; on failure *out is NULL, err->msg holds
 * the one-line message and nothing stays allocated. */
scn_status scn_load_text(const char *path, const char *text, size_t len,
                         scn_plan **out, scn_error *err)
{
    ctx c;
    size_t off;
    char msg[200];
    memset(&c, 0, sizeof c);
    c.file = path;
    c.text = text;
    c.len = len;
    c.err = err;
    c.lc_line = c.lc_col = 1;
    *out = NULL;
    err->msg[0] = '\0';

    /* cJSON wants a terminated string; a NUL inside the text hides what
     * follows from it, but jp_validate sees all len bytes. */
    char *copy = xmalloc(len + 1);
    if (len > 0)
        memcpy(copy, text, len);
    copy[len] = '\0';
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(copy, &end, true);
    if (jp_validate(text, len, &off, msg, sizeof msg) < 0) {
        /* jp_validate is the stricter, so its first error is never after
         * the byte cJSON stopped at, and it can say what was expected. */
        fail_syntax(&c, off, "%s", msg);
    } else if (root == NULL) {
        off = end != NULL && end >= copy ? (size_t)(end - copy) : 0;
        fail_syntax(&c, off, "cJSON cannot parse the text here");
    }
    if (root == NULL || err->msg[0] != '\0') {
        cJSON_Delete(root);
        free(copy);
        return SCN_EINVALID;
    }
    c.root = jp_root(text, len);
    c.p = xcalloc(1, sizeof *c.p);
    c.p->file = xstrdup(path);
    c.p->seed = 1;
    config_defaults(&c.p->config);
    int r = load_top(&c, root);
    free(c.scratch);
    cJSON_Delete(root);
    free(copy);
    if (r < 0) {
        scn_plan_free(c.p);
        return SCN_EINVALID;
    }
    *out = c.p;
    return SCN_OK;
}

/* Contract in loader.h. Reads the whole file, then as scn_load_text; a
 * file that cannot be opened or read gives SCN_EIO and "PATH: cannot
 * read: REASON". */
scn_status scn_load_file(const char *path, scn_plan **out, scn_error *err)
{
    size_t len = 0, cap = 1 << 16;
    char *buf;
    FILE *f = fopen(path, "rb");
    *out = NULL;
    if (f == NULL) {
        snprintf(err->msg, sizeof err->msg, "%s: cannot read: %s", path,
                 strerror(errno));
        return SCN_EIO;
    }
    buf = xmalloc(cap);
    for (;;) {
        if (len == cap) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        if (n == 0)
            break;
        len += n;
    }
    if (ferror(f)) {
        int e = errno;
        snprintf(err->msg, sizeof err->msg, "%s: cannot read: %s", path,
                 strerror(e != 0 ? e : EIO));
        fclose(f);
        free(buf);
        return SCN_EIO;
    }
    fclose(f);
    scn_status r = scn_load_text(path, buf, len, out, err);
    free(buf);
    return r;
}
