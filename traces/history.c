/* history: the reader of JSON-lines and Jepsen-EDN histories
 * (history.h). One line is one event: a flat map whose keys are JSON
 * strings ("type") or EDN keywords (:type). Both syntaxes are read by one
 * small scanner: commas are whitespace (as in EDN), values are integers,
 * nil/null, true/false, keywords, strings and vectors; the value of an
 * unknown key (:error, :side) may be anything and is skipped. "node", if
 * a string, names the client's node (interned into h->nodes; of any other
 * shape it is skipped). Events of a non-integer process (:nemesis) are
 * counted and ignored.
 *
 * Values, per line:
 *   - with a "key" field (JSON lines): "value" is the bare value, a cas
 *     value is [old, new], a read invocation's is null;
 *   - without (EDN, Jepsen's independent keys): "value" is a [k v] tuple,
 *     v as above ([k [old new]] for a cas); a value that is not a tuple
 *     (a scalar, nil, or a cas [old new] of two integers) is the value of
 *     key 0, as Knossos's single-register histories are written.
 * An ok read's value is what it read; nil there means the register was
 * never written (the initial state). */
#include "traces/history.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/term/xalloc.h"

/* ---- the scanner ---- */

enum { PV_INT, PV_NIL, PV_BOOL, PV_KW, PV_STR, PV_VEC };
#define PV_POOL 16

typedef struct pval {
    int t;
    int64_t i;
    const char *s;             /* PV_KW, PV_STR: the text (no ':' or quotes) */
    size_t slen;
    int first, n;              /* PV_VEC: items are pool[first..first+n) */
} pval;

typedef struct scan {
    const char *s, *end;
    pval pool[PV_POOL];
    int npool;
    char *err;
    size_t errlen;
    const char *name;
    long line;
} scan;

static int scan_err(scan *sc, const char *field, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (field)
        snprintf(sc->err, sc->errlen, "%s:%ld: field \"%s\": %s", sc->name, sc->line,
                 field, msg);
    else
        snprintf(sc->err, sc->errlen, "%s:%ld: %s", sc->name, sc->line, msg);
    return -1;
}

static void skip_ws(scan *sc)
{
    while (sc->s < sc->end && (*sc->s == ' ' || *sc->s == '\t' || *sc->s == ','
                               || *sc->s == '\r' || *sc->s == '\n'))
        sc->s++;
}

static bool is_delim(char c)
{
    return c == ' ' || c == '\t' || c == ',' || c == '\r' || c == '\n' || c == '['
           || c == ']' || c == '{' || c == '}' || c == '(' || c == ')' || c == '"'
           || c == ';';
}

/* A string from its opening quote; *out and *len: its raw text. */
static int scan_string(scan *sc, const char *field, const char **out, size_t *len)
{
    const char *p = ++sc->s;
    while (sc->s < sc->end && *sc->s != '"') {
        if (*sc->s == '\\')
            sc->s++;
        sc->s++;
    }
    if (sc->s >= sc->end)
        return scan_err(sc, field, "unterminated string");
    *out = p;
    *len = (size_t)(sc->s - p);
    sc->s++;
    return 0;
}

/* Skips one value of any shape (an unknown key's). */
static int skip_value(scan *sc, const char *field, int depth)
{
    skip_ws(sc);
    if (sc->s >= sc->end)
        return scan_err(sc, field, "missing value");
    if (depth > 64)
        return scan_err(sc, field, "nested more than 64 deep");
    char c = *sc->s;
    if (c == '"') {
        const char *t;
        size_t n;
        return scan_string(sc, field, &t, &n);
    }
    if (c == '#') {            /* EDN: #{...} sets, #inst "...", #_ discard */
        sc->s++;
        if (sc->s < sc->end && *sc->s == '{')
            return skip_value(sc, field, depth + 1);
        if (sc->s < sc->end && *sc->s == '_')
            sc->s++;
        while (sc->s < sc->end && !is_delim(*sc->s))
            sc->s++;
        return skip_value(sc, field, depth + 1);
    }
    if (c == '[' || c == '{' || c == '(') {
        char close = c == '[' ? ']' : c == '{' ? '}' : ')';
        sc->s++;
        for (;;) {
            skip_ws(sc);
            if (sc->s >= sc->end)
                return scan_err(sc, field, "missing '%c'", close);
            if (*sc->s == close) {
                sc->s++;
                return 0;
            }
            if (*sc->s == ']' || *sc->s == '}' || *sc->s == ')')
                return scan_err(sc, field, "'%c' where '%c' was expected", *sc->s,
                                close);
            if (skip_value(sc, field, depth + 1))
                return -1;
        }
    }
    if (c == ']' || c == '}' || c == ')')
        return scan_err(sc, field, "unexpected '%c'", c);
    if (c == '\\')             /* EDN character */
        sc->s++;
    const char *p = sc->s;
    while (sc->s < sc->end && !is_delim(*sc->s))
        sc->s++;
    if (sc->s == p)
        return scan_err(sc, field, "unexpected '%c'", c);
    return 0;
}

static int parse_int(const char *p, size_t n, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (p[i] == '-' || p[i] == '+'))
        neg = p[i++] == '-';
    if (i < n && p[n - 1] == 'N')   /* EDN bigint suffix */
        n--;
    if (i >= n)
        return -1;
    uint64_t v = 0;
    for (; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        unsigned d = (unsigned)(p[i] - '0');
        if (v > (UINT64_C(9223372036854775808) - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    if (!neg && v > INT64_MAX)
        return -1;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}

/* One value of a known key into the pool; *out its pool index. */
static int parse_value(scan *sc, const char *field, int depth, int *out)
{
    skip_ws(sc);
    if (sc->s >= sc->end)
        return scan_err(sc, field, "missing value");
    if (sc->npool >= PV_POOL || depth > 4)
        return scan_err(sc, field, "value too large (more than %d parts)", PV_POOL);
    int me = sc->npool++;
    pval *v = &sc->pool[me];
    memset(v, 0, sizeof *v);
    char c = *sc->s;
    if (c == '"') {
        v->t = PV_STR;
        return scan_string(sc, field, &v->s, &v->slen) ? -1 : (*out = me, 0);
    }
    if (c == '[' || c == '(') {
        char close = c == '[' ? ']' : ')';
        sc->s++;
        v->t = PV_VEC;
        int items[PV_POOL];
        int n = 0;
        for (;;) {
            skip_ws(sc);
            if (sc->s >= sc->end)
                return scan_err(sc, field, "missing '%c'", close);
            if (*sc->s == close) {
                sc->s++;
                break;
            }
            int it;
            if (parse_value(sc, field, depth + 1, &it))
                return -1;
            items[n++] = it;
        }
        /* items must be contiguous: copy them after the pool's end */
        if (sc->npool + n > PV_POOL)
            return scan_err(sc, field, "value too large (more than %d parts)", PV_POOL);
        v = &sc->pool[me];
        v->first = sc->npool;
        v->n = n;
        for (int k = 0; k < n; k++)
            sc->pool[sc->npool++] = sc->pool[items[k]];
        *out = me;
        return 0;
    }
    if (c == '{' || c == '#')
        return scan_err(sc, field, "expected an integer, nil, a keyword, a string "
                                   "or a vector");
    if (c == ']' || c == '}' || c == ')')
        return scan_err(sc, field, "unexpected '%c'", c);
    const char *p = sc->s;
    while (sc->s < sc->end && !is_delim(*sc->s))
        sc->s++;
    size_t n = (size_t)(sc->s - p);
    if (n == 0)
        return scan_err(sc, field, "unexpected '%c'", c);
    *out = me;
    if (p[0] == ':') {
        v->t = PV_KW;
        v->s = p + 1;
        v->slen = n - 1;
    } else if ((n == 3 && !memcmp(p, "nil", 3)) || (n == 4 && !memcmp(p, "null", 4))) {
        v->t = PV_NIL;
    } else if ((n == 4 && !memcmp(p, "true", 4)) || (n == 5 && !memcmp(p, "false", 5))) {
        v->t = PV_BOOL;
        v->i = n == 4;
    } else if (!parse_int(p, n, &v->i)) {
        v->t = PV_INT;
    } else {
        return scan_err(sc, field, "not a value: %.*s", (int)(n > 40 ? 40 : n), p);
    }
    return 0;
}

static bool pv_word(const pval *v, const char *w)
{
    size_t n = strlen(w);
    return (v->t == PV_KW || v->t == PV_STR) && v->slen == n && !memcmp(v->s, w, n);
}

static const char *pv_show(const pval *v, char *buf, size_t n)
{
    switch (v->t) {
    case PV_INT: snprintf(buf, n, "%" PRId64, v->i); break;
    case PV_NIL: snprintf(buf, n, "nil"); break;
    case PV_BOOL: snprintf(buf, n, v->i ? "true" : "false"); break;
    case PV_KW: snprintf(buf, n, ":%.*s", (int)(v->slen > 40 ? 40 : v->slen), v->s); break;
    case PV_STR: snprintf(buf, n, "\"%.*s\"", (int)(v->slen > 40 ? 40 : v->slen), v->s); break;
    default: snprintf(buf, n, "a vector"); break;
    }
    return buf;
}

/* ---- events ---- */

typedef struct event {
    hist_type type;
    hist_f f;
    bool nemesis;
    int64_t process, time, index;
    bool has_key, has_value;
    int64_t key;
    int value;                 /* pool index */
    const char *node;          /* "node": its raw string text, or NULL */
    size_t node_len;
} event;

static int to_val(scan *sc, const pval *v, hist_val *out)
{
    if (v->t == PV_NIL) {
        out->nil = true;
        out->v = 0;
        return 0;
    }
    if (v->t == PV_INT) {
        out->nil = false;
        out->v = v->i;
        return 0;
    }
    char b[64];
    return scan_err(sc, "value", "expected an integer or nil, got %s", pv_show(v, b, sizeof b));
}

/* The event's value as (key, a, b) for its f. A read invocation may have
 * none (nil). */
static int event_values(scan *sc, const event *e, int64_t *key, hist_val *a, hist_val *b)
{
    a->nil = b->nil = true;
    a->v = b->v = 0;
    *key = e->has_key ? e->key : 0;
    if (!e->has_value)
        return 0;
    const pval *v = &sc->pool[e->value];
    if (!e->has_key && v->t == PV_VEC && v->n == 2) {
        const pval *k = &sc->pool[v->first], *x = &sc->pool[v->first + 1];
        bool bare_cas = e->f == HIST_CAS && x->t != PV_VEC;
        if (!bare_cas) {
            if (k->t != PV_INT) {
                char buf[64];
                return scan_err(sc, "value", "a [key value] tuple's key must be an "
                                "integer, got %s", pv_show(k, buf, sizeof buf));
            }
            *key = k->i;
            v = x;
        }
    }
    if (e->f == HIST_CAS) {
        if (v->t == PV_NIL)
            return 0;
        if (v->t != PV_VEC || v->n != 2)
            return scan_err(sc, "value", "a cas value is [old, new]");
        if (to_val(sc, &sc->pool[v->first], a) || to_val(sc, &sc->pool[v->first + 1], b))
            return -1;
        return 0;
    }
    return to_val(sc, v, a);
}

void history_init(history *h)
{
    memset(h, 0, sizeof *h);
}

void history_fini(history *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->nnodes; i++)
        free(h->nodes[i]);
    free(h->nodes);
    free(h->ops);
    free(h->pend);
    memset(h, 0, sizeof *h);
}

int32_t history_node(history *h, const char *name)
{
    for (size_t i = 0; i < h->nnodes; i++)
        if (!strcmp(h->nodes[i], name))
            return (int32_t)i;
    if (h->nnodes == h->nodes_cap) {
        h->nodes_cap = h->nodes_cap ? h->nodes_cap * 2 : 8;
        h->nodes = xrealloc(h->nodes, h->nodes_cap * sizeof *h->nodes);
    }
    size_t n = strlen(name) + 1;
    h->nodes[h->nnodes] = memcpy(xmalloc(n), name, n);
    return (int32_t)h->nnodes++;
}

/* A string's raw text (between its quotes) unescaped: \" \\ \/ \n \t
 * \r \b \f, and \uXXXX below 0x80 (what history_write_* escape);
 * any other escape is kept as written. */
static int32_t intern_raw(history *h, const char *s, size_t n)
{
    char stack[256];
    char *b = n < sizeof stack ? stack : xmalloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c != '\\' || i + 1 >= n) {
            b[k++] = c;
            continue;
        }
        char e = s[++i];
        const char *from = "\"\\/ntrbf", *to = "\"\\/\n\t\r\b\f";
        const char *at = strchr(from, e);
        unsigned u = 0;
        int j = 0;
        if (e && at) {
            b[k++] = to[at - from];
        } else if (e == 'u' && i + 4 < n) {
            for (j = 1; j <= 4; j++) {
                char d = s[i + j];
                int x = d >= '0' && d <= '9' ? d - '0' : d >= 'a' && d <= 'f' ? d - 'a' + 10
                      : d >= 'A' && d <= 'F' ? d - 'A' + 10 : -1;
                if (x < 0)
                    break;
                u = u * 16 + (unsigned)x;
            }
            if (j == 5 && u > 0 && u < 0x80) {
                b[k++] = (char)u;
                i += 4;
            } else {
                b[k++] = '\\';
                b[k++] = e;
            }
        } else {
            b[k++] = '\\';
            b[k++] = e;
        }
    }
    b[k] = 0;
    int32_t id = history_node(h, b);
    if (b != stack)
        free(b);
    return id;
}

/* The reader's table of open operations, by process: open addressing,
 * looked up only (nothing iterates it, so its order reaches nothing). */
struct hist__pend {
    int64_t process;
    size_t op;                 /* index into ops + 1; 0: empty slot */
};

static uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

static struct hist__pend *pend_find(history *h, int64_t p)
{
    if (!h->pend_cap) {
        h->pend_cap = 64;
        h->pend = xcalloc(h->pend_cap, sizeof *h->pend);
    }
    size_t m = h->pend_cap - 1;
    for (size_t i = (size_t)mix((uint64_t)p) & m;; i = (i + 1) & m)
        if (h->pend[i].op == 0 || h->pend[i].process == p)
            return &h->pend[i];
}

/* Marks op (index) open for process p; the slot stays once used (a
 * process's slot is reused for its next operation). */
static void pend_set(history *h, int64_t p, size_t op)
{
    if ((h->pend_n + 1) * 2 > h->pend_cap && h->pend_cap) {
        struct hist__pend *old = h->pend;
        size_t oc = h->pend_cap;
        h->pend_cap *= 2;
        h->pend = xcalloc(h->pend_cap, sizeof *h->pend);
        for (size_t i = 0; i < oc; i++)
            if (old[i].op)
                *pend_find(h, old[i].process) = old[i];
        free(old);
    }
    struct hist__pend *s = pend_find(h, p);
    if (s->op == 0)
        h->pend_n++;
    s->process = p;
    s->op = op + 1;
}

static const char *type_name(hist_type t)
{
    static const char *const n[] = {"invoke", "ok", "fail", "info"};
    return n[t];
}

static const char *f_name(hist_f f)
{
    static const char *const n[] = {"read", "write", "cas"};
    return n[f];
}

/* One event: the map at sc->s. */
static int add_event(history *h, scan *scp, long line)
{
    scan sc = *scp;            /* copied back at the end */
    if (h->events >= HISTORY_MAX_EVENTS)
        return scan_err(&sc, NULL, "more than %d events (the reader's bound)",
                        HISTORY_MAX_EVENTS);
    if (*sc.s != '{')
        return scan_err(&sc, NULL, "expected an operation map '{'");
    sc.s++;
    event e = {.index = -1, .process = 0, .value = -1};
    bool seen_type = false, seen_f = false, seen_process = false, seen[8] = {0};
    char unknown_f[64] = "";
    for (;;) {
        skip_ws(&sc);
        if (sc.s >= sc.end)
            return scan_err(&sc, NULL, "missing '}' at the end of the line");
        if (*sc.s == '}') {
            sc.s++;
            break;
        }
        const char *k;
        size_t kn;
        if (*sc.s == '"') {
            if (scan_string(&sc, NULL, &k, &kn))
                return -1;
        } else if (*sc.s == ':') {
            k = ++sc.s;
            while (sc.s < sc.end && !is_delim(*sc.s))
                sc.s++;
            kn = (size_t)(sc.s - k);
        } else {
            return scan_err(&sc, NULL, "expected a key (\"type\" or :type), got '%c'", *sc.s);
        }
        skip_ws(&sc);
        if (sc.s < sc.end && *sc.s == ':' && k[-1] == '"')   /* JSON's colon */
            sc.s++;
        if (kn == 4 && !memcmp(k, "node", 4)) {
            skip_ws(&sc);
            if (sc.s < sc.end && *sc.s == '"') {   /* a string: the client's node */
                if (e.node)
                    return scan_err(&sc, "node", "given twice");
                if (scan_string(&sc, "node", &e.node, &e.node_len))
                    return -1;
            } else if (skip_value(&sc, "node", 0)) {  /* any other shape: ignored */
                return -1;
            }
            continue;
        }
        static const char *const known[] = {"type", "f", "process", "time", "index",
                                            "key", "value"};
        int which = -1;
        for (int i = 0; i < 7; i++)
            if (kn == strlen(known[i]) && !memcmp(k, known[i], kn))
                which = i;
        if (which < 0) {
            char f[48];
            snprintf(f, sizeof f, "%.*s", (int)(kn > 40 ? 40 : kn), k);
            if (skip_value(&sc, f, 0))
                return -1;
            continue;
        }
        const char *field = known[which];
        if (seen[which])
            return scan_err(&sc, field, "given twice");
        seen[which] = true;
        int vi;
        if (parse_value(&sc, field, 0, &vi))
            return -1;
        const pval *v = &sc.pool[vi];
        char b[64];
        switch (which) {
        case 0:
            seen_type = true;
            if (pv_word(v, "invoke")) e.type = HIST_INVOKE;
            else if (pv_word(v, "ok")) e.type = HIST_OK;
            else if (pv_word(v, "fail")) e.type = HIST_FAIL;
            else if (pv_word(v, "info")) e.type = HIST_INFO;
            else
                return scan_err(&sc, field, "expected invoke, ok, fail or info, got %s",
                                pv_show(v, b, sizeof b));
            break;
        case 1:
            seen_f = true;
            if (pv_word(v, "read")) e.f = HIST_READ;
            else if (pv_word(v, "write")) e.f = HIST_WRITE;
            else if (pv_word(v, "cas")) e.f = HIST_CAS;
            else if (v->t == PV_KW || v->t == PV_STR)   /* a nemesis's, or an error */
                pv_show(v, unknown_f, sizeof unknown_f);
            else
                return scan_err(&sc, field, "expected read, write or cas, got %s",
                                pv_show(v, b, sizeof b));
            break;
        case 2:
            seen_process = true;
            if (v->t == PV_KW || v->t == PV_STR || v->t == PV_NIL)
                e.nemesis = true;
            else if (v->t == PV_INT)
                e.process = v->i;
            else
                return scan_err(&sc, field, "expected an integer (or :nemesis), got %s",
                                pv_show(v, b, sizeof b));
            break;
        case 3:
        case 4:
            if (v->t != PV_INT || v->i < 0)
                return scan_err(&sc, field, "expected a non-negative integer, got %s",
                                pv_show(v, b, sizeof b));
            if (which == 3) e.time = v->i;
            else e.index = v->i;
            break;
        case 5:
            if (v->t != PV_INT)
                return scan_err(&sc, field, "expected an integer, got %s",
                                pv_show(v, b, sizeof b));
            e.has_key = true;
            e.key = v->i;
            break;
        case 6:
            e.has_value = true;
            e.value = vi;
            break;
        }
    }
    scp->s = sc.s;
    if (!seen_type)
        return scan_err(&sc, "type", "missing");
    if (!seen_process)
        return scan_err(&sc, "process", "missing");
    h->events++;
    if (e.nemesis)
        return 0;              /* a non-client process's event (:nemesis) */
    if (unknown_f[0])
        return scan_err(&sc, "f", "expected read, write or cas, got %s", unknown_f);
    if (!seen_f)
        return scan_err(&sc, "f", "missing");
    int64_t key;
    hist_val a, b;
    if (event_values(&sc, &e, &key, &a, &b))
        return -1;
    if (e.type == HIST_INVOKE) {
        struct hist__pend *p = h->pend_cap ? pend_find(h, e.process) : NULL;
        if (p && p->op && h->ops[p->op - 1].ret_line == 0)
            return scan_err(&sc, "process", "process %" PRId64 " invokes again while "
                            "its operation of line %ld is open", e.process,
                            h->ops[p->op - 1].call_line);
        if (e.f == HIST_WRITE && a.nil && e.has_value)
            return scan_err(&sc, "value", "a write of nil");
        if (h->n == h->cap) {
            h->cap = h->cap ? h->cap * 2 : 256;
            h->ops = xrealloc(h->ops, h->cap * sizeof *h->ops);
        }
        hist_op *op = &h->ops[h->n];
        *op = (hist_op){.f = e.f, .type = HIST_INFO, .key = key, .process = e.process,
                        .a = a, .b = b, .call = h->events - 1, .ret = HIST_OPEN,
                        .call_index = e.index, .ret_index = -1, .call_time = e.time,
                        .call_line = line, .ended = HIST_OPEN,
                        .node = e.node ? intern_raw(h, e.node, e.node_len) : -1};
        pend_set(h, e.process, h->n);
        h->n++;
        return 0;
    }
    struct hist__pend *p = h->pend_cap ? pend_find(h, e.process) : NULL;
    if (!p || !p->op || h->ops[p->op - 1].ret_line != 0)
        return scan_err(&sc, "process", "%s of process %" PRId64 " with no open "
                        "invocation", type_name(e.type), e.process);
    hist_op *op = &h->ops[p->op - 1];
    if (op->f != e.f)
        return scan_err(&sc, "f", "%s completes the %s invoked on line %ld",
                        f_name(e.f), f_name(op->f), op->call_line);
    if (e.has_value && key != op->key && !(e.f == HIST_READ && !e.has_key
                                           && sc.pool[e.value].t == PV_NIL))
        return scan_err(&sc, "value", "key %" PRId64 " completes an operation on key "
                        "%" PRId64 " (line %ld)", key, op->key, op->call_line);
    op->type = e.type;
    op->ret_line = line;
    op->ret_index = e.index;
    op->ret_time = e.time;
    op->ended = h->events - 1;
    if (op->node < 0 && e.node)
        op->node = intern_raw(h, e.node, e.node_len);
    if (e.type == HIST_OK || e.type == HIST_FAIL)
        op->ret = h->events - 1;
    if (e.f == HIST_READ && e.type == HIST_OK) {
        op->a = a;             /* what it read; nil: never written */
    } else if (e.f == HIST_WRITE && op->a.nil) {
        if (a.nil && e.type == HIST_OK)
            return scan_err(&sc, "value", "a write with no value");
        op->a = a;
    } else if (e.f == HIST_CAS && op->a.nil && op->b.nil) {
        op->a = a;
        op->b = b;
    }
    return 0;
}

int history_add_line(history *h, const char *name, long line, const char *s,
                     size_t len, char *err, size_t errlen)
{
    scan sc = {.s = s, .end = s + len, .err = err, .errlen = errlen, .name = name,
               .line = line};
    if (len > HISTORY_MAX_LINE)
        return scan_err(&sc, NULL, "line longer than %d bytes", HISTORY_MAX_LINE);
    for (;;) {
        skip_ws(&sc);
        if (sc.s >= sc.end || *sc.s == ';')
            return 0;          /* the line's end, or an EDN comment */
        char c = *sc.s;
        if ((c == '[' || c == '(') && h->wrap == 0 && h->events == 0) {
            h->wrap = 1;       /* Knossos: the history as one vector or list */
            h->wrap_close = c == '[' ? ']' : ')';
            sc.s++;
            continue;
        }
        if (h->wrap == 1 && c == h->wrap_close) {
            h->wrap = 2;
            sc.s++;
            continue;
        }
        if (h->wrap == 2)
            return scan_err(&sc, NULL, "text after the history's closing '%c'",
                            h->wrap_close);
        sc.npool = 0;
        if (add_event(h, &sc, line))
            return -1;
    }
}

int history_end(const history *h, const char *name, char *err, size_t errlen)
{
    if (h->wrap == 1) {
        snprintf(err, errlen, "%s: the history's closing '%c' is missing", name,
                 h->wrap_close);
        return -1;
    }
    return 0;
}

/* Reads the file a line at a time. A map left open at the end of a line
 * (Jepsen's and Knossos's pretty-printed histories spread one over
 * several lines) continues on the next: the lines are joined with a
 * space and read as one, named by its first line. */
int history_read_file(const char *path, history *h, char *err, size_t errlen)
{
    bool std = !strcmp(path, "-");
    const char *name = std ? "<stdin>" : path;
    FILE *f = std ? stdin : fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 4096, n = 0;
    char *buf = xmalloc(cap);
    long line = 0, first = 1;
    int rc = 0, depth = 0;
    bool eof = false, in_str = false, esc = false, toolong = false;
    while (!eof && rc == 0) {
        int c;
        bool comment = false;
        while ((c = getc(f)) != EOF && c != '\n') {
            if (c == 0) {
                snprintf(err, errlen, "%s:%ld: a NUL byte: not a text history", name,
                         line + 1);
                rc = -1;
                break;
            }
            if (in_str) {
                if (esc)
                    esc = false;
                else if (c == '\\')
                    esc = true;
                else if (c == '"')
                    in_str = false;
            } else if (!comment) {
                if (c == '"')
                    in_str = true;
                else if (c == ';')
                    comment = true;
                else if (c == '{')
                    depth++;
                else if (c == '}')
                    depth--;
            }
            if (n > HISTORY_MAX_LINE) {
                toolong = true;
                continue;
            }
            if (n + 2 >= cap) {
                cap *= 2;
                buf = xrealloc(buf, cap);
            }
            buf[n++] = (char)c;
        }
        if (rc)
            break;
        if (c == EOF) {
            eof = true;
            if (ferror(f)) {
                snprintf(err, errlen, "%s: read error: %s", name, strerror(errno));
                rc = -1;
                break;
            }
            if (n == 0)
                break;
        }
        line++;
        if (toolong) {
            if (first == line)
                snprintf(err, errlen, "%s:%ld: line longer than %d bytes", name, line,
                         HISTORY_MAX_LINE);
            else
                snprintf(err, errlen, "%s:%ld: an operation (lines %ld-%ld) longer than "
                         "%d bytes", name, first, first, line, HISTORY_MAX_LINE);
            rc = -1;
            break;
        }
        if (depth > 0 && !eof) {
            buf[n++] = ' ';    /* the map goes on on the next line */
            continue;
        }
        rc = history_add_line(h, name, first, buf, n, err, errlen);
        n = 0;
        depth = 0;
        in_str = esc = false;
        first = line + 1;
    }
    if (rc == 0)
        rc = history_end(h, name, err, errlen);
    free(buf);
    if (!std)
        fclose(f);
    return rc;
}

static void val_str(hist_val v, char *b, size_t n)
{
    if (v.nil)
        snprintf(b, n, "nil");
    else
        snprintf(b, n, "%" PRId64, v.v);
}

void history_op_describe(const hist_op *op, char *buf, size_t n)
{
    char a[24], b[24], what[64], idx[32] = "";
    val_str(op->a, a, sizeof a);
    val_str(op->b, b, sizeof b);
    if (op->f == HIST_READ)
        snprintf(what, sizeof what, op->type == HIST_OK ? "read -> %s" : "read", a);
    else if (op->f == HIST_WRITE)
        snprintf(what, sizeof what, "write %s", a);
    else
        snprintf(what, sizeof what, "cas %s -> %s", a, b);
    if (op->call_index >= 0)
        snprintf(idx, sizeof idx, "index %" PRId64 ", ", op->call_index);
    int k = snprintf(buf, n, "%sprocess %" PRId64 ", %s: invoked line %ld at %" PRId64
                     " ns, ", idx, op->process, what, op->call_line, op->call_time);
    if (k < 0 || (size_t)k >= n)
        return;
    if (op->ret_line == 0)
        snprintf(buf + k, n - (size_t)k, "never completed (open to the end)");
    else if (op->type == HIST_INFO)
        snprintf(buf + k, n - (size_t)k, "info line %ld at %" PRId64 " ns (open to the end)",
                 op->ret_line, op->ret_time);
    else
        snprintf(buf + k, n - (size_t)k, "%s line %ld at %" PRId64 " ns",
                 type_name(op->type), op->ret_line, op->ret_time);
}
