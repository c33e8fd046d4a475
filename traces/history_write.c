/* history_write: a history written back as events, in JSON lines or
 * Jepsen EDN (history.h), so Knossos, elle-cli or Jepsen's own tooling
 * read what clustersim's workload saw.
 *
 * Invariants: events come out in the order of their ordinals (the
 * operations' call, and ret or, for an info one, ended), which are unique,
 * so the order is total with no tie-break; "index" is the event's
 * position in the output (0, 1, 2 ...), as Jepsen's history requires. What
 * history_read_file reads back has the same operations, fields and order
 * (line numbers, ordinals and indexes renumbered to the output's). */
#include "traces/history.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/term/xalloc.h"

typedef struct wev {
    uint64_t pos;
    size_t op;
    bool call;
} wev;

static int wev_cmp(const void *a, const void *b)
{
    const wev *x = a, *y = b;
    /* DETERMINISM: ordinals are unique; op and call break ties anyway */
    if (x->pos != y->pos)
        return x->pos < y->pos ? -1 : 1;
    if (x->op != y->op)
        return x->op < y->op ? -1 : 1;
    return (int)y->call - (int)x->call;
}

/* The completion's ordinal: ret, else ended (an info completion); an
 * ended not after the call (a zeroed field of an op built by hand) is
 * none. */
static uint64_t done_at(const hist_op *o)
{
    if (o->ret != HIST_OPEN)
        return o->ret;
    return o->ended != HIST_OPEN && o->ended > o->call ? o->ended : HIST_OPEN;
}

static wev *events_in_order(const history *h, size_t *n)
{
    wev *e = xmalloc((2 * h->n + 1) * sizeof *e);
    size_t k = 0;
    for (size_t i = 0; i < h->n; i++) {
        e[k++] = (wev){h->ops[i].call, i, true};
        if (done_at(&h->ops[i]) != HIST_OPEN)
            e[k++] = (wev){done_at(&h->ops[i]), i, false};
    }
    qsort(e, k, sizeof *e, wev_cmp);
    *n = k;
    return e;
}

static void put_val(FILE *f, hist_val v, bool edn)
{
    if (v.nil)
        fputs(edn ? "nil" : "null", f);
    else
        fprintf(f, "%" PRId64, v.v);
}

/* The event's value (without the key): the invocation's arguments, an
 * ok read's result. */
static void put_value(FILE *f, const hist_op *o, bool call, bool edn)
{
    if (o->f == HIST_CAS) {
        fputc('[', f);
        put_val(f, o->a, edn);
        fputs(edn ? " " : ",", f);
        put_val(f, o->b, edn);
        fputc(']', f);
    } else if (o->f == HIST_READ && (call || o->type != HIST_OK)) {
        fputs(edn ? "nil" : "null", f);
    } else {
        put_val(f, o->a, edn);
    }
}

/* A node name as a JSON / EDN string: \" \\ and control characters
 * escaped (\u00XX, which both syntaxes read). */
static void put_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static const char *const type_names[] = {"invoke", "ok", "fail", "info"};
static const char *const f_names[] = {"read", "write", "cas"};

static int write_events(FILE *f, const history *h, bool edn)
{
    size_t n;
    wev *e = events_in_order(h, &n);
    for (size_t i = 0; i < n; i++) {
        const hist_op *o = &h->ops[e[i].op];
        const char *type = type_names[e[i].call ? HIST_INVOKE : o->type];
        int64_t t = e[i].call ? o->call_time : o->ret_time;
        const char *node = o->node >= 0 && (size_t)o->node < h->nnodes
                           ? h->nodes[o->node] : NULL;
        if (edn) {
            fprintf(f, "{:index %zu, :type :%s, :f :%s, :value [%" PRId64 " ", i, type,
                    f_names[o->f], o->key);
            put_value(f, o, e[i].call, true);
            fprintf(f, "], :process %" PRId64 ", :time %" PRId64, o->process, t);
            if (node) {
                fputs(", :node ", f);
                put_string(f, node);
            }
        } else {
            fprintf(f, "{\"index\":%zu,\"type\":\"%s\",\"f\":\"%s\",\"key\":%" PRId64
                    ",\"value\":", i, type, f_names[o->f], o->key);
            put_value(f, o, e[i].call, false);
            fprintf(f, ",\"process\":%" PRId64 ",\"time\":%" PRId64, o->process, t);
            if (node) {
                fputs(",\"node\":", f);
                put_string(f, node);
            }
        }
        fputs("}\n", f);
    }
    free(e);
    return fflush(f) || ferror(f) ? -1 : 0;
}

int history_write_json(FILE *f, const history *h)
{
    return write_events(f, h, false);
}

int history_write_edn(FILE *f, const history *h)
{
    return write_events(f, h, true);
}
