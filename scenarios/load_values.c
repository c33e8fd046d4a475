/* load_values: the scenario loader's reading machinery (loader_int.h):
 * the context's path stack, located error messages, typo suggestions,
 * and the readers of single values every section uses: objects with
 * known keys, strings, booleans, whole numbers, enums, application names,
 * durations, rates and latencies. Also scn_parse_duration (loader.h).
 *
 * Invariants:
 * - c->seg[0..depth) is the JSON path of the value being read.
 *   scn__fail() turns it into "file:line:col: path: message", finding
 *   line:col by walking the raw text with jp_locate. The first error
 *   stops the load; after it the path stack is left as it was.
 * - A reader either succeeds and leaves the path stack as it found it,
 *   or fails with the stack pointing at the offending value.
 * - Nothing here reads the plan (c->p): what a value means for the
 *   scenario is decided by the sections (loader.c, load_timeline.c).
 * - Messages are built in fixed buffers (the ctx's and the error's);
 *   the error path allocates nothing. */
#include "scenarios/loader_int.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/term/term.h"
#include "core/term/xalloc.h"
#include "scenarios/jsonpos.h"

#define MSG_LEN 600   /* the message proper, without "file:line:col: path: " */

/* ---- memory ----------------------------------------------------------- */

void scn__set_str(char **dst, const char *s)
{
    free(*dst);
    *dst = s != NULL ? xstrdup(s) : NULL;
}

void scn__free_strv(char **v, int n)
{
    for (int i = 0; v != NULL && i < n; i++)
        free(v[i]);
    free(v);
}

/* ---- context, paths and messages -------------------------------------- */

void scn__push_key(ctx *c, const char *key, int n)
{
    assert(c->depth < MAX_PATH);
    c->seg[c->depth].key = key != NULL ? key : "";
    c->seg[c->depth++].n = n;
}

void scn__push_idx(ctx *c, int n)
{
    assert(c->depth < MAX_PATH);
    c->seg[c->depth].key = NULL;
    c->seg[c->depth++].n = n;
}

void scn__pop(ctx *c)
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
const char *scn__qs(ctx *c, const char *s)
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

void scn__path(const ctx *c, char *buf, size_t n)
{
    path_str(c, c->depth, buf, n);
}

void scn__warn(ctx *c, const char *text)
{
    size_t old = c->p->warnings ? strlen(c->p->warnings) : 0;
    c->p->warnings = xrealloc(c->p->warnings, old + strlen(text) + 1);
    strcpy(c->p->warnings + old, text);
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

size_t scn__here(const ctx *c)
{
    return here_n(c, c->depth, false);
}

/* line:col of `off`; cheap for increasing offsets (steps, checks). */
void scn__linecol(ctx *c, size_t off, int *line, int *col)
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
    char path[256], m[MSG_LEN], pos[32];
    size_t o = 0;
    int line, col;
    scn__linecol(c, off, &line, &col);
    snprintf(pos, sizeof pos, ":%d:%d: ", line, col);
    term_vsnprintf_c(m, sizeof m, fmt, ap);  /* %g: C locale */
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
int scn__fail(ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_at(c, scn__here(c), true, fmt, ap);
    va_end(ap);
    return -1;
}

/* Same, pointing at the current member's key rather than its value. */
int scn__fail_key(ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_at(c, here_n(c, c->depth, true), true, fmt, ap);
    va_end(ap);
    return -1;
}

/* A syntax error: no path. */
int scn__fail_syntax(ctx *c, size_t off, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_at(c, off, false, fmt, ap);
    va_end(ap);
    return -1;
}

const char *scn__tname(const cJSON *v)
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
const char *scn__shown(ctx *c, const cJSON *v)
{
    if (cJSON_IsString(v))
        return scn__qs(c, v->valuestring);
    if (cJSON_IsNumber(v)) {
        char *b = c->qbuf[c->qi++ % NQBUF];
        size_t off = scn__here(c), end = jp_value_end(c->text, c->len, off);
        int n = (int)(end - off);
        if (n > 60)
            snprintf(b, sizeof c->qbuf[0], "%.60s...", c->text + off);
        else
            snprintf(b, sizeof c->qbuf[0], "%.*s", n, c->text + off);
        return b;
    }
    return scn__tname(v);
}

/* ---- suggestions ---------------------------------------------------- */

static int lower(int ch)
{
    return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

/* Edit distance (insertions, deletions, substitutions and swaps of two
 * neighbours, the optimal string alignment variant), case-insensitive, of
 * strings up to 40 bytes; longer ones are "far". */
int scn__distance(const char *a, const char *b)
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

/* Contract in loader_int.h: one edit for up to 3 bytes, two up to 7,
 * else three. */
int scn__typo_limit(const char *word)
{
    size_t len = strlen(word);
    return len <= 3 ? 1 : len <= 7 ? 2 : 3;
}

/* The entry of list[0..n) closest to `word` if it is close enough to be a
 * likely typo, else NULL. Ties go to the earlier entry. */
static const char *closest(const char *word, const char *const *list, int n)
{
    int best = scn__typo_limit(word) + 1;
    const char *found = NULL;
    for (int i = 0; i < n; i++) {
        int d = scn__distance(word, list[i]);
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
static int fail_unknown(ctx *c, bool at_key, const char *what,
                        const char *word, const char *const *list, int n)
{
    char m[MSG_LEN], all[400];
    const char *near = closest(word, list, n);
    if (near != NULL)
        snprintf(m, sizeof m, "unknown %s %s (did you mean %s?)", what,
                 scn__qs(c, word), scn__qs(c, near));
    else
        snprintf(m, sizeof m, "unknown %s %s (expected %s)", what,
                 scn__qs(c, word), join(list, n, all, sizeof all));
    return at_key ? scn__fail_key(c, "%s", m) : scn__fail(c, "%s", m);
}

/* ---- objects -------------------------------------------------------- */

/* Reads the object `obj` at the current path, whose keys must come from
 * keys[0..nk): m[i] gets keys[i]'s value. An unknown or repeated key is an
 * error (cJSON would keep the first of two equal keys without a word). */
int scn__members(ctx *c, const cJSON *obj, const char *const *keys, int nk,
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
        scn__push_key(c, name, ord);
        if (k == nk)
            return fail_unknown(c, true, "key", name, keys, nk);
        if (m[k].v != NULL) {
            int line, col;
            c->seg[c->depth - 1].n = m[k].n;
            size_t first = here_n(c, c->depth, true);
            c->seg[c->depth - 1].n = ord;
            scn__linecol(c, first, &line, &col);
            return scn__fail_key(c, "duplicate key %s (first at %d:%d)",
                                 scn__qs(c, name), line, col);
        }
        scn__pop(c);
        m[k].v = it;
        m[k].n = ord;
    }
    return 0;
}

void scn__enter(ctx *c, const char *const *keys, const field *m, int k)
{
    scn__push_key(c, keys[k], m[k].n);
}

int scn__need(ctx *c, const field *f, const char *key, const char *hint)
{
    if (f->v != NULL)
        return 0;
    return scn__fail(c, "missing required key \"%s\"%s", key, hint);
}

int scn__want_object(ctx *c, const cJSON *v, const char *what)
{
    if (cJSON_IsObject(v))
        return 0;
    return scn__fail(c, "expected %s, got %s", what, scn__tname(v));
}

int scn__want_list(ctx *c, const cJSON *v, const char *what)
{
    if (cJSON_IsArray(v))
        return 0;
    return scn__fail(c, "expected %s, got %s", what, scn__tname(v));
}

/* ---- scalar values ---------------------------------------------------- */

int scn__want_string(ctx *c, const cJSON *v, bool nonempty,
                     const char **out)
{
    if (!cJSON_IsString(v))
        return scn__fail(c, "expected a string, got %s", scn__tname(v));
    if (nonempty && v->valuestring[0] == '\0')
        return scn__fail(c, "expected a non-empty string");
    *out = v->valuestring;
    return 0;
}

int scn__want_bool(ctx *c, const cJSON *v, bool *out)
{
    if (!cJSON_IsBool(v))
        return scn__fail(c, "expected true or false, got %s",
                         scn__shown(c, v));
    *out = cJSON_IsTrue(v);
    return 0;
}

/* A whole number in [lo, hi]; `what` says what was expected. */
int scn__want_int(ctx *c, const cJSON *v, double lo, double hi,
                  int64_t *out, const char *what)
{
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= lo && v->valuedouble <= hi)
        || (double)(int64_t)v->valuedouble != v->valuedouble)
        return scn__fail(c, "expected %s, got %s", what, scn__shown(c, v));
    *out = (int64_t)v->valuedouble;
    return 0;
}

/* One of the strings in list[0..n); returns its index in *out. */
int scn__want_enum(ctx *c, const cJSON *v, const char *what,
                   const char *const *list, int n, int *out)
{
    char all[200];
    if (!cJSON_IsString(v))
        return scn__fail(c, "expected one of %s, got %s",
                         join(list, n, all, sizeof all), scn__tname(v));
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

/* An application name (config "apps", workload "app"): a string that
 * atom_ok accepts. */
int scn__want_app_name(ctx *c, const cJSON *v, const char **out)
{
    if (scn__want_string(c, v, false, out) < 0)
        return -1;
    if (!atom_ok(*out))
        return scn__fail(c, "bad application name %s: use [a-z][a-z0-9_]*",
                         scn__qs(c, *out));
    return 0;
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
    "unknown unit (use us, ms, s, min or h)",
    "finer than a microsecond, the resolution of virtual time",
    "too large"
};

static const struct {
    const char *name;
    int64_t us;
} units[] = {{"us", 1}, {"ms", 1000}, {"s", 1000000}, {"min", 60000000},
             {"h", 3600000000}};

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
int scn__want_duration(ctx *c, const cJSON *v, bool positive, int64_t *out)
{
    const char *unit = "";
    if (cJSON_IsNumber(v))
        return scn__fail(c, "%s", dur_why[DUR_NOUNIT]);
    if (!cJSON_IsString(v))
        return scn__fail(c, "expected a duration like \"150ms\", got %s",
                         scn__tname(v));
    const char *s = v->valuestring;
    switch (dur_parse(s, out, &unit)) {
    case DUR_OK:
        if (positive && *out == 0)
            return scn__fail(c, "must be longer than 0");
        return 0;
    case DUR_SYNTAX:
        return scn__fail(c, "bad duration %s: %s", scn__qs(c, s),
                         dur_why[DUR_SYNTAX]);
    case DUR_NOUNIT:
        return scn__fail(c, "%s", dur_why[DUR_NOUNIT]);
    case DUR_NEGATIVE:
        return scn__fail(c, "%s", dur_why[DUR_NEGATIVE]);
    case DUR_UNIT:
        return scn__fail(c, "unknown unit %s in %s (use us, ms, s, min or h)",
                         scn__qs(c, unit), scn__qs(c, s));
    case DUR_FINE:
        return scn__fail(c, "%s is %s", scn__qs(c, s), dur_why[DUR_FINE]);
    case DUR_BIG:
        break;
    }
    return scn__fail(c, "duration %s is too large", scn__qs(c, s));
}

/* "20/s": operations per second. */
int scn__want_rate(ctx *c, const cJSON *v, double *out)
{
    static const char *const example =
        "write operations per unit of time, e.g. \"20/s\" or \"100/min\"";
    int64_t ip, frac;
    int nfrac, u, nunits = (int)(sizeof units / sizeof units[0]);
    if (cJSON_IsNumber(v))
        return scn__fail(c, "rates need a unit, e.g. \"20/s\" or "
                         "\"100/min\"");
    if (!cJSON_IsString(v))
        return scn__fail(c, "expected a rate like \"20/s\", got %s",
                         scn__tname(v));
    const char *p = v->valuestring;
    dur_code r = decimal(&p, &ip, &frac, &nfrac);
    if (r == DUR_SYNTAX || r == DUR_BIG || *p != '/')
        return scn__fail(c, "bad rate %s: %s", scn__qs(c, v->valuestring),
                         example);
    for (u = 0; u < nunits && strcmp(p + 1, units[u].name) != 0; u++)
        ;
    if (u == nunits)
        return scn__fail(c, "bad rate %s: %s", scn__qs(c, v->valuestring),
                         example);
    double x = (double)ip, scale = 1.0;
    for (int i = 0; i < nfrac; i++)
        scale *= 10.0;
    x += (double)frac / scale;
    if (!(x > 0.0))
        return scn__fail(c, "the rate must be above 0");
    *out = x * 1e6 / (double)units[u].us;
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
    if (scn__members(c, v, dist_keys, D_N, m) < 0 ||
        scn__need(c, &m[D_DIST], "dist", "") < 0)
        return -1;
    scn__enter(c, dist_keys, m, D_DIST);
    if (scn__want_enum(c, m[D_DIST].v, "distribution", dist_names, 5, &d)
        < 0)
        return -1;
    scn__pop(c);
    for (int k = D_VALUE; k < D_N; k++)
        if (m[k].v != NULL && k != dists[d].p1 && k != dists[d].p2 &&
            (extra < 0 || m[k].n < m[extra].n))
            extra = k;
    if (extra >= 0) {
        scn__enter(c, dist_keys, m, extra);
        return scn__fail_key(c, "%s is not a parameter of the %s distribution "
                             "(it takes %s)", scn__qs(c, dist_keys[extra]),
                             dist_names[d], dists[d].takes);
    }
    snprintf(hint, sizeof hint, " (a %s distribution takes %s)",
             dist_names[d], dists[d].takes);
    int64_t a = 0, b = 0;
    double shape = 0.0;
    if (scn__need(c, &m[dists[d].p1], dist_keys[dists[d].p1], hint) < 0)
        return -1;
    if (dists[d].p2 >= 0 &&
        scn__need(c, &m[dists[d].p2], dist_keys[dists[d].p2], hint) < 0)
        return -1;
    scn__enter(c, dist_keys, m, dists[d].p1);
    if (scn__want_duration(c, m[dists[d].p1].v, false, &a) < 0)
        return -1;
    if (d == LAT_PARETO && a == 0)
        return scn__fail(c, "the scale must be above 0");
    scn__pop(c);
    if (dists[d].p2 == D_SHAPE) {
        const cJSON *sv = m[D_SHAPE].v;
        scn__enter(c, dist_keys, m, D_SHAPE);
        if (!cJSON_IsNumber(sv) || !(sv->valuedouble > 0.0) ||
            !(sv->valuedouble < 1e300))
            return scn__fail(c, "the shape must be a number above 0, got %s",
                             scn__shown(c, sv));
        shape = sv->valuedouble;
        scn__pop(c);
    } else if (dists[d].p2 >= 0) {
        scn__enter(c, dist_keys, m, dists[d].p2);
        if (scn__want_duration(c, m[dists[d].p2].v, false, &b) < 0)
            return -1;
        if (d == LAT_UNIFORM && b < a)
            return scn__fail(c, "max %s is below min %s",
                             scn__qs(c, m[D_MAX].v->valuestring),
                             scn__qs(c, m[D_MIN].v->valuestring));
        scn__pop(c);
    }
    out->kind = dists[d].kind;
    out->a = a;
    out->b = b;
    out->shape = shape;
    return 0;
}

/* A duration (constant delay) or a distribution object. */
int scn__want_latency(ctx *c, const cJSON *v, lat_dist *out)
{
    if (cJSON_IsObject(v))
        return want_dist(c, v, out);
    if (cJSON_IsString(v) || cJSON_IsNumber(v)) {
        int64_t us;
        if (scn__want_duration(c, v, false, &us) < 0)
            return -1;
        *out = lat_constant(us);
        return 0;
    }
    return scn__fail(c, "expected a duration like \"5ms\" or a distribution "
                     "like {\"dist\": \"uniform\", \"min\": \"1ms\", \"max\": "
                     "\"9ms\"}, got %s", scn__tname(v));
}

