/* diff: trace sources (text files, database runs) and the first-difference
 * comparison behind `clustersim trace diff` and `make regress` (diff.h).
 *
 * Invariants: a source yields exactly the canonical lines of its trace, in
 * order: a database run is formatted with trace_format_line, the same
 * function that wrote the text trace, so a run stored with --trace and
 * the --text of the same run compare equal line for line. Comment lines
 * ('#' first) of text files are never yielded. The comparison streams
 * both sources and keeps only `context` lines, so traces of any length
 * compare in constant memory. */
#include "traces/diff.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "traces/store.h"
#include "traces/trace.h"

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

int trace_spec_parse(const char *spec, char *path, size_t n, int64_t *run_id,
                     bool *is_db, char *err, size_t errlen)
{
    *run_id = -1;
    *is_db = false;
    struct stat st;
    if (stat(spec, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return fail(err, errlen, "%s: is a directory, not a trace", spec);
        if (strlen(spec) >= n)
            return fail(err, errlen, "%s: path too long", spec);
        strcpy(path, spec);
        *is_db = trace_store_is_db(path);
        return 0;
    }
    const char *hash = strrchr(spec, '#');
    if (!hash)
        return fail(err, errlen, "%s: no such file", spec);
    size_t plen = (size_t)(hash - spec);
    if (plen >= n)
        return fail(err, errlen, "%s: path too long", spec);
    memcpy(path, spec, plen);
    path[plen] = '\0';
    const char *num = hash + 1;
    char *end;
    errno = 0;
    long long id = *num >= '0' && *num <= '9' ? strtoll(num, &end, 10) : -1;
    if (id <= 0 || errno || *end)
        return fail(err, errlen, "%s: bad run id \"%s\" (expected DB#RUN with "
                    "RUN a positive integer)", spec, num);
    if (!is_file(path))
        return fail(err, errlen, "%s: no such file", path);
    if (!trace_store_is_db(path))
        return fail(err, errlen, "%s: not a trace database (a #RUN suffix "
                    "needs one)", path);
    *is_db = true;
    *run_id = id;
    return 0;
}

/* ---- sources ---- */

/* A text trace's line is at most this long: a longer one (say, from
 * /dev/zero or a file with no newline) is refused rather than read into
 * memory whole. */
#define TRACE_LINE_MAX ((size_t)64 << 20)
#define TRACE_BLOCK 65536

struct trace_src {
    FILE *f;                   /* text trace, or NULL */
    const char *path;          /* its name, for messages */
    char *blk;                 /* read buffer of f */
    size_t bpos, blen;
    trace_store_cursor *cur;   /* database run, or NULL */
    char *line;
    size_t cap;
    int64_t lineno;
    char warning[4400];
};

int trace_src_open(const char *spec, trace_src **out, char *err,
                   size_t errlen)
{
    *out = NULL;
    char path[4096];
    int64_t run_id;
    bool is_db;
    if (trace_spec_parse(spec, path, sizeof path, &run_id, &is_db, err,
                         errlen))
        return -1;
    trace_src *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    if (is_db) {
        trace_run_info info;
        if (trace_store_cursor_open(path, run_id, &s->cur, &info, err,
                                    errlen)) {
            free(s);
            return -1;
        }
        if (!info.complete)
            snprintf(s->warning, sizeof s->warning,
                     "%s: run %" PRId64 " is incomplete (%s)", path, info.id,
                     info.outcome[0] ? info.outcome : "never ended");
    } else if (!(s->f = fopen(path, "rb"))) {
        free(s);
        return fail(err, errlen, "%s: cannot read: %s", path,
                    strerror(errno));
    } else {
        s->path = spec;
        s->blk = malloc(TRACE_BLOCK);
        if (!s->blk)
            abort();
    }
    *out = s;
    return 0;
}

static void reserve(trace_src *s, size_t need)
{
    if (need <= s->cap)
        return;
    s->cap = need * 2;
    s->line = realloc(s->line, s->cap);
    if (!s->line)
        abort();
}

int trace_src_next(trace_src *s, const char **line, size_t *len,
                   int64_t *lineno, char *err, size_t errlen)
{
    if (s->cur) {
        sim_obs_event ev;
        int rc = trace_store_cursor_next(s->cur, &ev, err, errlen);
        if (rc <= 0)
            return rc;
        reserve(s, 256);
        size_t n = trace_format_line(s->line, s->cap, &ev);
        if (n + 1 > s->cap) {
            reserve(s, n + 1);
            trace_format_line(s->line, s->cap, &ev);
        }
        *line = s->line;
        *len = n;
        if (lineno)
            *lineno = ++s->lineno;
        return 1;
    }
    for (;;) {
        /* One line, read in blocks, never longer than TRACE_LINE_MAX. */
        size_t n = 0;
        bool got = false;
        for (;;) {
            if (s->bpos == s->blen) {
                s->blen = fread(s->blk, 1, TRACE_BLOCK, s->f);
                s->bpos = 0;
                if (s->blen == 0) {
                    if (ferror(s->f))
                        return fail(err, errlen, "%s: read error: %s", s->path,
                                    strerror(errno));
                    break;
                }
            }
            got = true;
            const char *b = s->blk + s->bpos;
            const char *nl = memchr(b, '\n', s->blen - s->bpos);
            size_t take = nl ? (size_t)(nl - b) : s->blen - s->bpos;
            if (memchr(b, 0, take))
                return fail(err, errlen, "%s: line %" PRId64 ": byte 0x00: "
                            "a binary file, not a text trace", s->path,
                            s->lineno + 1);
            if (n + take > TRACE_LINE_MAX)
                return fail(err, errlen, "%s: line %" PRId64 " is longer than "
                            "%zu MiB: not a text trace", s->path,
                            s->lineno + 1, TRACE_LINE_MAX >> 20);
            reserve(s, n + take + 1);
            memcpy(s->line + n, b, take);
            n += take;
            s->bpos += take + (nl != NULL);
            if (nl)
                break;
        }
        if (!got)
            return 0;
        s->line[n] = '\0';
        s->lineno++;
        /* Canonical lines escape every control byte (trace_format_line);
         * comment lines are free text but hold no NUL. A file that breaks
         * this is binary, not a trace. */
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)s->line[i];
            if (c == 0 || (s->line[0] != '#' && (c < ' ' || c == 0x7f)))
                return fail(err, errlen, "%s: line %" PRId64 ": byte 0x%02x: "
                            "a binary file, not a text trace", s->path,
                            s->lineno, c);
        }
        if (s->line[0] == '#')
            continue;
        *line = s->line;
        *len = n;
        if (lineno)
            *lineno = s->lineno;
        return 1;
    }
}

const char *trace_src_warning(const trace_src *s)
{
    return s->warning[0] ? s->warning : NULL;
}

void trace_src_close(trace_src *s)
{
    if (!s)
        return;
    if (s->f)
        fclose(s->f);
    free(s->blk);
    trace_store_cursor_close(s->cur);
    free(s->line);
    free(s);
}

/* ---- comparison ---- */

/* The last `n` equal lines, oldest first once full. */
typedef struct ring {
    char **line;
    int n, count, head;
} ring;

static void ring_push(ring *r, const char *line, size_t len)
{
    if (!r->n)
        return;
    int i = (r->head + r->count) % r->n;
    if (r->count == r->n) {
        i = r->head;
        r->head = (r->head + 1) % r->n;
    } else {
        r->count++;
    }
    free(r->line[i]);
    r->line[i] = malloc(len + 1);
    if (!r->line[i])
        abort();
    memcpy(r->line[i], line, len);
    r->line[i][len] = '\0';
}

/* Prints up to `more` further lines of s after the differing one. */
static int print_side(FILE *out, char mark, trace_src *s, int64_t event,
                      int rc, const char *line, size_t len, int more,
                      char *err, size_t errlen)
{
    for (int k = 0; k <= more; k++) {
        if (rc < 0)
            return -1;
        if (rc == 0) {
            fprintf(out, "%c %6" PRId64 "| (end of trace: %" PRId64
                    " events)\n", mark, event, event - 1);
            return 0;
        }
        fprintf(out, "%c %6" PRId64 "| %.*s\n", mark, event, (int)len, line);
        event++;
        if (k < more)
            rc = trace_src_next(s, &line, &len, NULL, err, errlen);
    }
    return 0;
}

int trace_diff(const char *a, const char *b, int context, FILE *out,
               char *err, size_t errlen)
{
    trace_src *sa = NULL, *sb = NULL;
    if (trace_src_open(a, &sa, err, errlen) ||
        trace_src_open(b, &sb, err, errlen)) {
        trace_src_close(sa);
        return -1;
    }
    ring r = {0};
    r.n = context > 0 ? context : 0;
    r.line = r.n ? calloc((size_t)r.n, sizeof *r.line) : NULL;
    int64_t event = 0, la = 0, lb = 0;
    const char *xa = NULL, *xb = NULL;
    size_t na = 0, nb = 0;
    int ra, rb, result;
    for (;;) {
        ra = trace_src_next(sa, &xa, &na, &la, err, errlen);
        rb = ra < 0 ? -1 : trace_src_next(sb, &xb, &nb, &lb, err, errlen);
        if (ra < 0 || rb < 0) {
            result = -1;
            goto done;
        }
        event++;
        if (ra == 0 && rb == 0) {
            result = 0;
            goto done;
        }
        if (ra != rb || na != nb || memcmp(xa, xb, na))
            break;
        ring_push(&r, xa, na);
    }
    result = 1;
    fprintf(out, "--- %s\n+++ %s\n", a, b);
    for (const trace_src *s = sa; s; s = s == sa ? sb : NULL)
        if (trace_src_warning(s))
            fprintf(out, "warning: %s\n", trace_src_warning(s));
    /* Text files with comment lines: say where in the file, too. */
    fprintf(out, "first difference at event %" PRId64, event);
    const char *sep = " (";
    if (ra && sa->f && la != event) {
        fprintf(out, "%sline %" PRId64 " of %s", sep, la, a);
        sep = ", ";
    }
    if (rb && sb->f && lb != event) {
        fprintf(out, "%sline %" PRId64 " of %s", sep, lb, b);
        sep = ", ";
    }
    fputs(*sep == ',' ? ")\n" : "\n", out);
    for (int k = 0; k < r.count; k++)
        fprintf(out, "  %6" PRId64 "| %s\n", event - r.count + k,
                r.line[(r.head + k) % r.n]);
    if (print_side(out, '-', sa, event, ra, xa, na, context, err, errlen) ||
        print_side(out, '+', sb, event, rb, xb, nb, context, err, errlen))
        result = -1;
done:
    for (int k = 0; k < r.n; k++)
        free(r.line[k]);
    free(r.line);
    trace_src_close(sa);
    trace_src_close(sb);
    return result;
}
