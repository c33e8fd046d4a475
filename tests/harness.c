/* harness: see harness.h. The transcript is captured with open_memstream. */
#include "tests/harness.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scenarios/loader.h"
#include "traces/store.h"
#include "traces/trace.h"

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void collect(void *ctx, const sim_obs_event *e)
{
    hrun *h = ctx;
    if (h->n == h->cap) {
        h->cap = h->cap ? 2 * h->cap : 256;
        h->ev = realloc(h->ev, h->cap * sizeof *h->ev);
    }
    hev *v = &h->ev[h->n++];
    v->t = e->t;
    v->node = dup_or_null(e->node);
    v->kind = dup_or_null(e->kind);
    v->peer = dup_or_null(e->peer);
    v->pid = dup_or_null(e->pid);
    v->to = dup_or_null(e->to);
    v->name = dup_or_null(e->name);
    v->term = dup_or_null(e->term);
    v->reason = dup_or_null(e->reason);
    v->text = dup_or_null(e->text);
}

hrun *h_run(const char *path, uint64_t seed)
{
    scn_plan *p = NULL;
    scn_error err;
    scn_status st = scn_load_file(path, &p, &err);
    cr_assert_eq(st, SCN_OK, "%s", err.msg);
    hrun *h = calloc(1, sizeof *h);
    size_t len = 0, rlen = 0;
    FILE *tr = open_memstream(&h->transcript, &len);
    FILE *rep = open_memstream(&h->report, &rlen);
    sim_observer obs = {collect, h};
    scn_run_opts o = {0};
    o.seed = seed;
    o.has_seed = seed != 0;
    o.transcript = tr;
    o.report = rep;
    o.extra = &obs;
    scn_run(p, &o, &h->r);
    fclose(tr);
    fclose(rep);
    scn_plan_free(p);
    return h;
}

void h_free(hrun *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n; i++) {
        hev *v = &h->ev[i];
        free(v->node);
        free(v->kind);
        free(v->peer);
        free(v->pid);
        free(v->to);
        free(v->name);
        free(v->term);
        free(v->reason);
        free(v->text);
    }
    free(h->ev);
    free(h->transcript);
    free(h->report);
    free(h);
}

static int eq(const char *want, const char *got)
{
    if (!want)
        return 1;
    if (!got)
        return 0;
    /* node names may be given short: "bob" matches "bob@sim" */
    if (!strchr(want, '@') && strchr(got, '@'))
        return strlen(want) == (size_t)(strchr(got, '@') - got) &&
               !strncmp(want, got, strlen(want));
    return !strcmp(want, got);
}

const hev *h_find(const hrun *h, const char *kind, const char *node,
                  const char *peer, const char *reason, size_t n)
{
    for (size_t i = 0; i < h->n; i++) {
        const hev *v = &h->ev[i];
        if (eq(kind, v->kind) && eq(node, v->node) && eq(peer, v->peer) &&
            eq(reason, v->reason) && n-- == 0)
            return v;
    }
    return NULL;
}

size_t h_count(const hrun *h, const char *kind, const char *node,
               const char *peer, const char *reason)
{
    size_t c = 0;
    while (h_find(h, kind, node, peer, reason, c))
        c++;
    return c;
}

void h_tmpdir(char dir[64])
{
    strcpy(dir, "/tmp/cs_test_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

void h_rmtree(const char *dir)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

void h_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

void h_store_scenario(const char *db, const char *path, uint64_t max_events,
                      const sim_observer *also, h_stored *out)
{
    memset(out, 0, sizeof *out);
    scn_plan *p = NULL;
    scn_error e;
    cr_assert_eq(scn_load_file(path, &p, &e), SCN_OK, "%s", e.msg);
    char err[1024] = "";
    trace_store *s;
    cr_assert_eq(trace_store_open(db, &s, err, sizeof err), 0, "%s", err);
    const char **names = calloc((size_t)p->nnodes + 1, sizeof *names);
    for (int i = 0; i < p->nnodes; i++)
        names[i] = p->nodes[i].name;
    trace_run_meta m = {p->name, path, p->seed, "test", names, p->nnodes, p->sha256, false};
    cr_assert_eq(trace_store_begin_run(s, &m, &out->run_id, err, sizeof err),
                 0, "%s", err);
    free(names);

    FILE *mem = open_memstream(&out->text, &out->textlen);
    trace_text *tt = trace_text_new(mem);
    trace_tee *tee = trace_tee_new();
    trace_tee_add(tee, trace_text_observer(tt));
    trace_tee_add(tee, trace_store_observer(s));
    if (also)
        trace_tee_add(tee, *also);
    sim_observer extra = trace_tee_observer(tee);
    scn_run_opts o = {0};
    o.extra = &extra;
    o.max_events = max_events;
    scn_run(p, &o, &out->r);
    fclose(mem);
    trace_text_free(tt);
    trace_tee_free(tee);
    if (out->r.outcome == SCN_LIMIT)
        cr_assert_eq(trace_store_stop_run(s, "limit", err, sizeof err), 0,
                     "%s", err);
    else
        cr_assert_eq(trace_store_end_run(s, out->r.hash,
                         out->r.outcome == SCN_PASSED ? "passed" : "failed",
                         err, sizeof err), 0, "%s", err);
    trace_store_close(s);
    scn_plan_free(p);
}

char *h_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        size_t k = fread(buf + n, 1, cap - n - 1, f);
        n += k;
        if (k == 0)
            break;
        if (n + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    buf[n] = '\0';
    if (len != NULL)
        *len = n;
    return buf;
}

char *h_read(const char *path)
{
    char *s = h_slurp(path, NULL);
    cr_assert_not_null(s, "cannot read %s", path);
    return s;
}

char *h_eval1(const char *expr)
{
    char dir[64], path[128];
    h_tmpdir(dir);
    snprintf(path, sizeof path, "%s/s.json", dir);
    size_t n = strlen(expr) * 2 + 256;
    char *json = malloc(n);
    int k = snprintf(json, n, "{\"name\": \"t\", \"until\": \"100s\", "
                     "\"nodes\": [\"a\"], \"timeline\": [{\"at\": \"1s\", "
                     "\"on\": \"a\", \"eval\": \"");
    for (const char *p = expr; *p; p++) {
        if (*p == '"' || *p == '\\')
            json[k++] = '\\';
        json[k++] = *p;
    }
    strcpy(json + k, "\"}]}");
    h_write_file(path, json);
    free(json);
    hrun *h = h_run(path, 0);
    const char *t = h->transcript;
    const char *nl = strchr(t, '\n');
    char *out = strdup(nl ? nl + 1 : t);
    size_t len = strlen(out);
    if (len && out[len - 1] == '\n')
        out[len - 1] = 0;
    h_free(h);
    h_rmtree(dir);
    return out;
}

