/* text: the canonical text trace and its hash (see trace.h and
 * traces/README.md for the line format).
 *
 * A line is `<seconds.micro> <node|-> <kind>` followed by the present
 * fields in a fixed order (peer pid to name reason term text), each as
 * ` key=value`. A value is written bare when it is non-empty and holds
 * only printable ASCII other than space, '"' and '\\'; otherwise it is
 * double-quoted with C escapes (\" \\ \n \t \xNN). The hash is FNV-1a 64
 * over every byte written, newlines included, whether or not a file is
 * attached, so `--text` never changes the hash. */
#include "traces/trace.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct trace_text {
    FILE *out;
    uint64_t hash, count;
    bool failed;
    int err;                   /* errno of the first failed write */
    char *line;
    size_t cap;
};

trace_text *trace_text_new(FILE *out)
{
    trace_text *t = calloc(1, sizeof *t);
    if (!t)
        abort();
    t->out = out;
    t->hash = 0xcbf29ce484222325ULL;
    return t;
}

void trace_text_free(trace_text *t)
{
    if (!t)
        return;
    free(t->line);
    free(t);
}

uint64_t trace_text_hash(const trace_text *t) { return t->hash; }
uint64_t trace_text_count(const trace_text *t) { return t->count; }
bool trace_text_failed(const trace_text *t) { return t->failed; }
int trace_text_errno(const trace_text *t) { return t->err; }

/* Digits by hand: every line starts with a time, and snprintf's was
 * half the cost of formatting a line. */
void trace_format_time(char buf[32], int64_t us)
{
    uint64_t a = us < 0 ? (uint64_t)0 - (uint64_t)us : (uint64_t)us;
    uint64_t sec = a / 1000000, frac = a % 1000000;
    char digits[24];
    int k = 0;
    do {
        digits[k++] = (char)('0' + sec % 10);
        sec /= 10;
    } while (sec);
    char *p = buf;
    if (us < 0)
        *p++ = '-';
    while (k)
        *p++ = digits[--k];
    *p++ = '.';
    for (int i = 5; i >= 0; i--) {
        p[i] = (char)('0' + frac % 10);
        frac /= 10;
    }
    p[6] = '\0';
}

/* A bounded appender: counts what would have been written. */
typedef struct out {
    char *buf;
    size_t n, len;
} out;

static void put(out *o, const char *s, size_t k)
{
    if (o->len < o->n) {
        size_t room = o->n - o->len;
        memcpy(o->buf + o->len, s, k < room ? k : room);
    }
    o->len += k;
}

/* The length of v when it is written bare, or 0 when it must be quoted. */
static size_t bare(const char *v)
{
    const unsigned char *p = (const unsigned char *)v;
    for (; *p; p++)
        if (*p <= ' ' || *p >= 0x7f || *p == '"' || *p == '\\')
            return 0;
    return (size_t)(p - (const unsigned char *)v);
}

static void put_field(out *o, const char *key, const char *v)
{
    if (!v)
        return;
    put(o, " ", 1);
    put(o, key, strlen(key));
    put(o, "=", 1);
    size_t n = bare(v);
    if (n) {
        put(o, v, n);
        return;
    }
    put(o, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        char esc[5];
        switch (*p) {
        case '"': put(o, "\\\"", 2); break;
        case '\\': put(o, "\\\\", 2); break;
        case '\n': put(o, "\\n", 2); break;
        case '\t': put(o, "\\t", 2); break;
        default:
            if (*p < ' ' || *p == 0x7f) {
                snprintf(esc, sizeof esc, "\\x%02x", *p);
                put(o, esc, 4);
            } else {
                put(o, (const char *)p, 1);
            }
        }
    }
    put(o, "\"", 1);
}

size_t trace_format_line(char *buf, size_t n, const sim_obs_event *ev)
{
    out o = {buf, n, 0};
    char ts[32];
    trace_format_time(ts, ev->t);
    put(&o, ts, strlen(ts));
    put(&o, " ", 1);
    const char *node = ev->node ? ev->node : "-";
    put(&o, node, strlen(node));
    put(&o, " ", 1);
    put(&o, ev->kind, strlen(ev->kind));
    put_field(&o, "peer", ev->peer);
    put_field(&o, "pid", ev->pid);
    put_field(&o, "to", ev->to);
    put_field(&o, "name", ev->name);
    put_field(&o, "reason", ev->reason);
    put_field(&o, "term", ev->term);
    put_field(&o, "text", ev->text);
    if (n > 0) {
        size_t end = o.len < n ? o.len : n - 1;
        if (o.len >= n && n > 4)
            memcpy(buf + n - 4, "...", 3);
        buf[end] = '\0';
    }
    return o.len;
}

static void text_emit(void *ctx, const sim_obs_event *ev)
{
    trace_text *t = ctx;
    size_t len = trace_format_line(t->line, t->cap, ev);
    if (len + 2 > t->cap) {
        t->cap = (len + 2) * 2;
        t->line = realloc(t->line, t->cap);
        if (!t->line)
            abort();
        trace_format_line(t->line, t->cap, ev);
    }
    t->line[len++] = '\n';
    for (size_t i = 0; i < len; i++) {
        t->hash ^= (unsigned char)t->line[i];
        t->hash *= 0x100000001b3ULL;
    }
    t->count++;
    if (t->out && !t->failed && fwrite(t->line, 1, len, t->out) != len) {
        t->failed = true;
        t->err = errno;
    }
}

sim_observer trace_text_observer(trace_text *t)
{
    sim_observer o = {text_emit, t};
    return o;
}
