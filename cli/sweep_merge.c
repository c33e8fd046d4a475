/* sweep_merge: clustersim sweep merge OUT.jsonl IN.jsonl...: the result
 * files of shards combined into one (sweep_int.h).
 *
 * Invariants: nothing is written unless every input was read and no two
 * disagree; the output is sorted by (file, seed), files in the order
 * their inputs' headers first name them, and its lines are the inputs'
 * bytes, so a merge of every shard of a sweep is byte for byte the file
 * one sweep of all the seeds writes, but for "wall_ms"; a run found in
 * two inputs is kept once (the first input's line) when the two agree,
 * so merging is idempotent. */
#include "cli/sweep_int.h"

#include <cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/opts.h"
#include "cli/out.h"
#include "core/term/xalloc.h"

typedef struct in_file {
    char *file, *scenario, *sha256;
    int global;                /* index in the merge's file list */
} in_file;

typedef struct input {
    const char *path;
    char *version;
    bool swarm;
    sweep_part *parts;
    int nparts;
    in_file *files;
    int nfiles;
} input;

typedef struct entry {
    int file;                  /* global file index */
    uint64_t seed;
    int in;                    /* input index */
    long line;
    char *text;
} entry;

typedef struct merge_state {
    input *ins;
    int nin;
    sweep_hfile *files;        /* the merge's, borrowed from the inputs */
    int nfiles;
    entry *es;
    size_t nes, cap;
} merge_state;

/* The digits after `"key":` in a line we wrote (a seed may pass 2^53,
 * which cJSON's doubles cannot hold). 0, or -1. */
static int raw_u64(const char *text, const char *key, uint64_t *v)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(text, pat);
    if (!p)
        return -1;
    p += strlen(pat);
    while (*p == ' ')
        p++;
    char num[32];
    size_t n = strspn(p, "0123456789");
    if (!n || n >= sizeof num)
        return -1;
    memcpy(num, p, n);
    num[n] = 0;
    return cli_parse_u64(num, v);
}

static const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(x) ? x->valuestring : NULL;
}

/* "A..B" into *p. 0, or -1. */
static int parse_range(const char *s, sweep_part *p)
{
    const char *d = s ? strstr(s, "..") : NULL;
    char a[32];
    if (!d || (size_t)(d - s) >= sizeof a)
        return -1;
    memcpy(a, s, (size_t)(d - s));
    a[d - s] = 0;
    return cli_parse_u64(a, &p->first) || cli_parse_u64(d + 2, &p->last) ||
        p->first > p->last ? -1 : 0;
}

static int parse_shard_arr(const cJSON *a, sweep_part *p)
{
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != 2)
        return -1;
    const cJSON *i = cJSON_GetArrayItem(a, 0), *n = cJSON_GetArrayItem(a, 1);
    if (!cJSON_IsNumber(i) || !cJSON_IsNumber(n) || i->valuedouble < 0 ||
        n->valuedouble < 1 || i->valuedouble >= n->valuedouble ||
        n->valuedouble > 9e15)
        return -1;
    p->i = (uint64_t)i->valuedouble;
    p->n = (uint64_t)n->valuedouble;
    return 0;
}

/* The header line of in->path into *in. 0, or 2 after a message. */
static int read_header(input *in, const char *line)
{
    cJSON *h = cJSON_Parse(line);
    const char *msg = NULL;
    const cJSON *x;
    if (!cJSON_IsObject(h) ||
        !cJSON_IsNumber(x = cJSON_GetObjectItemCaseSensitive(h,
                                                             "clustersim_sweep")))
        msg = "not the header of a sweep's results (clustersim sweep "
              "--results)";
    else if (x->valuedouble != 1)
        msg = "a results format this version does not read";
    else if (!jstr(h, "version"))
        msg = "the header has no \"version\"";
    else if (!cJSON_IsBool(x = cJSON_GetObjectItemCaseSensitive(h, "swarm")))
        msg = "the header has no \"swarm\"";
    if (!msg) {
        in->version = xstrdup(jstr(h, "version"));
        in->swarm = cJSON_IsTrue(x);
        const cJSON *parts = cJSON_GetObjectItemCaseSensitive(h, "parts");
        if (parts) {
            int n = cJSON_IsArray(parts) ? cJSON_GetArraySize(parts) : 0;
            in->parts = xcalloc((size_t)n + 1, sizeof *in->parts);
            for (int k = 0; k < n && !msg; k++) {
                const cJSON *p = cJSON_GetArrayItem(parts, k);
                if (parse_range(jstr(p, "seeds"), &in->parts[k]) ||
                    parse_shard_arr(cJSON_GetObjectItemCaseSensitive(p,
                                    "shard"), &in->parts[k]))
                    msg = "a bad \"parts\" entry in the header";
            }
            in->nparts = n;
            if (!n && !msg)
                msg = "the header's \"parts\" is empty";
        } else {
            in->parts = xcalloc(1, sizeof *in->parts);
            in->nparts = 1;
            if (parse_range(jstr(h, "seeds"), &in->parts[0]))
                msg = "the header's \"seeds\" is not \"A..B\"";
            else if (parse_shard_arr(cJSON_GetObjectItemCaseSensitive(h,
                                     "shard"), &in->parts[0]))
                msg = "the header's \"shard\" is not [I, N] with I < N";
        }
    }
    const cJSON *fs = msg ? NULL : cJSON_GetObjectItemCaseSensitive(h, "files");
    if (!msg && !cJSON_IsArray(fs))
        msg = "the header has no \"files\"";
    if (!msg) {
        int n = cJSON_GetArraySize(fs);
        in->files = xcalloc((size_t)n + 1, sizeof *in->files);
        for (int k = 0; k < n && !msg; k++) {
            const cJSON *f = cJSON_GetArrayItem(fs, k);
            if (!jstr(f, "file") || !jstr(f, "scenario") ||
                !jstr(f, "scenario_sha256")) {
                msg = "a \"files\" entry without file, scenario and "
                      "scenario_sha256";
                break;
            }
            in->files[k].file = xstrdup(jstr(f, "file"));
            in->files[k].scenario = xstrdup(jstr(f, "scenario"));
            in->files[k].sha256 = xstrdup(jstr(f, "scenario_sha256"));
            in->nfiles++;
        }
    }
    cJSON_Delete(h);
    if (msg) {
        fprintf(stderr, "clustersim: %s:1: %s\n", in->path, msg);
        return 2;
    }
    return 0;
}

/* Whether seed s is one of part p's. */
static bool in_part(const sweep_part *p, uint64_t s)
{
    return s >= p->first && s <= p->last && (s - p->first) % p->n == p->i;
}

/* The lowest seed that parts p and q both hold, into *s: true if any. */
static bool overlap(const sweep_part *p, const sweep_part *q, uint64_t *s)
{
    uint64_t lo = p->first > q->first ? p->first : q->first;
    uint64_t hi = p->last < q->last ? p->last : q->last;
    if (lo > hi)
        return false;
    /* p's first seed >= lo, then q's residue cycles within q->n steps */
    uint64_t off = (lo - p->first) % p->n;
    uint64_t x = lo - off + p->i;
    if (off > p->i)
        x += p->n;
    if (x < lo || x > hi)
        return false;
    for (uint64_t k = 0; k < q->n; k++) {
        if (in_part(q, x)) {
            *s = x;
            return true;
        }
        if (hi - x < p->n)
            return false;
        x += p->n;
    }
    return false;
}

static bool same_part(const sweep_part *a, const sweep_part *b)
{
    return a->first == b->first && a->last == b->last && a->i == b->i &&
           a->n == b->n;
}

static void part_text(const sweep_part *p, char *buf, size_t n)
{
    snprintf(buf, n, "shard %" PRIu64 "/%" PRIu64 " of %" PRIu64 "..%" PRIu64,
             p->i, p->n, p->first, p->last);
}

/* The inputs agree on what they are: version, swarm, scenarios; their
 * shards do not overlap (but for the same shard twice). 0, or 2. */
static int check_inputs(merge_state *m)
{
    for (int i = 1; i < m->nin; i++) {
        input *a = &m->ins[0], *b = &m->ins[i];
        if (strcmp(a->version, b->version)) {
            fprintf(stderr, "clustersim: sweep merge: %s is of version %s "
                    "and %s of %s: merge the results of one version\n",
                    a->path, a->version, b->path, b->version);
            return 2;
        }
        if (a->swarm != b->swarm) {
            fprintf(stderr, "clustersim: sweep merge: %s ran %s swarm mode "
                    "and %s %s: merge results of one kind\n", a->path,
                    a->swarm ? "in" : "without", b->path,
                    b->swarm ? "in it" : "without it");
            return 2;
        }
    }
    /* Scenarios: one SHA-256 per file name, and per scenario name. */
    for (int i = 0; i < m->nin; i++)
        for (int k = 0; k < m->ins[i].nfiles; k++) {
            in_file *f = &m->ins[i].files[k];
            for (int j = 0; j <= i; j++)
                for (int l = 0; l < m->ins[j].nfiles; l++) {
                    in_file *g = &m->ins[j].files[l];
                    if (j == i)
                        break;
                    bool fname = !strcmp(f->file, g->file);
                    bool sname = !strcmp(f->scenario, g->scenario);
                    if ((fname || sname) && strcmp(f->sha256, g->sha256)) {
                        fprintf(stderr, "clustersim: sweep merge: merging "
                                "results from different scenarios under one "
                                "key: %s %s is %.12s... in %s and %.12s... in "
                                "%s (the scenario changed between the shards)"
                                "\n", fname ? "file" : "scenario",
                                fname ? f->file : f->scenario, g->sha256,
                                m->ins[j].path, f->sha256, m->ins[i].path);
                        return 2;
                    }
                }
            f->global = -1;
            for (int g = 0; g < m->nfiles; g++)
                if (!strcmp(m->files[g].file, f->file))
                    f->global = g;
            if (f->global < 0) {
                f->global = m->nfiles;
                m->files[m->nfiles].file = f->file;
                m->files[m->nfiles].scenario = f->scenario;
                m->files[m->nfiles++].sha256 = f->sha256;
            }
        }
    for (int i = 0; i < m->nin; i++)
        for (int j = 0; j < i; j++) {
            input *a = &m->ins[j], *b = &m->ins[i];
            bool share = false;
            for (int k = 0; k < a->nfiles && !share; k++)
                for (int l = 0; l < b->nfiles; l++)
                    if (a->files[k].global == b->files[l].global)
                        share = true;
            if (!share)
                continue;
            for (int p = 0; p < a->nparts; p++)
                for (int q = 0; q < b->nparts; q++) {
                    uint64_t s;
                    if (same_part(&a->parts[p], &b->parts[q]) ||
                        !overlap(&a->parts[p], &b->parts[q], &s))
                        continue;
                    char ta[128], tb[128];
                    part_text(&a->parts[p], ta, sizeof ta);
                    part_text(&b->parts[q], tb, sizeof tb);
                    fprintf(stderr, "clustersim: sweep merge: %s (%s) and %s "
                            "(%s) overlap: both hold seed %" PRIu64 "\n",
                            a->path, ta, b->path, tb, s);
                    return 2;
                }
        }
    return 0;
}

/* The lines of in (after its header) into m->es. 0, or 2. */
static int read_lines(merge_state *m, int idx, FILE *f)
{
    input *in = &m->ins[idx];
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 1;
    int rc = 0;
    while (!rc && (n = getline(&line, &cap, f)) > 0) {
        lineno++;
        if (line[n - 1] != '\n') {
            fprintf(stderr, "clustersim: %s:%ld: the last line is cut short "
                    "(an interrupted write?)\n", in->path, lineno);
            rc = 2;
            break;
        }
        line[--n] = 0;
        cJSON *o = cJSON_Parse(line);
        const char *msg = NULL, *file = NULL;
        uint64_t seed = 0;
        if (!cJSON_IsObject(o))
            msg = "not a JSON object";
        else if (!(file = jstr(o, "file")) || !jstr(o, "scenario_sha256") ||
                 !jstr(o, "trace_hash"))
            msg = "a result line needs \"file\", \"scenario_sha256\" and "
                  "\"trace_hash\"";
        else if (!cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, "seed")) ||
                 raw_u64(line, "seed", &seed))
            msg = "a result line needs \"seed\", an unsigned integer";
        int g = -1;
        const in_file *hf = NULL;
        for (int k = 0; !msg && k < in->nfiles; k++)
            if (!strcmp(in->files[k].file, file))
                hf = &in->files[k];
        if (!msg && !hf)
            msg = "its file is not one of the header's";
        else if (!msg && strcmp(hf->sha256, jstr(o, "scenario_sha256")))
            msg = "its scenario_sha256 is not the header's for its file";
        if (!msg) {
            bool held = false;
            for (int p = 0; p < in->nparts; p++)
                held |= in_part(&in->parts[p], seed);
            if (!held)
                msg = "its seed is not one of the header's shard";
            g = hf ? hf->global : -1;
        }
        cJSON_Delete(o);
        if (msg) {
            fprintf(stderr, "clustersim: %s:%ld: %s\n", in->path, lineno, msg);
            rc = 2;
            break;
        }
        if (m->nes == m->cap) {
            m->cap = m->cap ? 2 * m->cap : 256;
            m->es = xrealloc(m->es, m->cap * sizeof *m->es);
        }
        m->es[m->nes++] = (entry){g, seed, idx, lineno, xstrdup(line)};
    }
    if (!rc && ferror(f)) {
        fprintf(stderr, "clustersim: %s: cannot read: %s\n", in->path,
                strerror(errno));
        rc = 2;
    }
    free(line);
    return rc;
}

/* DETERMINISM: by (file, seed), then input and line: a total order. */
static int cmp_entry(const void *x, const void *y)
{
    const entry *a = x, *b = y;
    if (a->file != b->file)
        return a->file < b->file ? -1 : 1;
    if (a->seed != b->seed)
        return a->seed < b->seed ? -1 : 1;
    if (a->in != b->in)
        return a->in < b->in ? -1 : 1;
    return a->line < b->line ? -1 : a->line > b->line;
}

/* DETERMINISM: parts by (first, last, n, i). */
static int cmp_part(const void *x, const void *y)
{
    const sweep_part *a = x, *b = y;
    if (a->first != b->first)
        return a->first < b->first ? -1 : 1;
    if (a->last != b->last)
        return a->last < b->last ? -1 : 1;
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

/* The union of the inputs' parts: every shard of one range and count
 * becomes the range's 0/1; adjacent whole ranges join. */
static int merged_parts(const merge_state *m, sweep_part **out)
{
    int n = 0;
    for (int i = 0; i < m->nin; i++)
        n += m->ins[i].nparts;
    sweep_part *p = xcalloc((size_t)n + 1, sizeof *p);
    n = 0;
    for (int i = 0; i < m->nin; i++)
        for (int k = 0; k < m->ins[i].nparts; k++)
            p[n++] = m->ins[i].parts[k];
    qsort(p, (size_t)n, sizeof *p, cmp_part);
    int w = 0;
    for (int k = 0; k < n; k++)          /* the same shard twice: once */
        if (!w || !same_part(&p[w - 1], &p[k]))
            p[w++] = p[k];
    n = w;
    w = 0;
    for (int k = 0; k < n;) {            /* a complete set of shards */
        int e = k;
        while (e < n && p[e].first == p[k].first && p[e].last == p[k].last &&
               p[e].n == p[k].n)
            e++;
        if ((uint64_t)(e - k) == p[k].n) {
            p[w] = p[k];
            p[w].i = 0;
            p[w++].n = 1;
        } else {
            for (int j = k; j < e; j++)
                p[w++] = p[j];
        }
        k = e;
    }
    n = w;
    qsort(p, (size_t)n, sizeof *p, cmp_part);
    w = 0;
    for (int k = 0; k < n; k++) {
        if (w && p[w - 1].n == 1 && p[k].n == 1 && p[w - 1].last != UINT64_MAX &&
            p[w - 1].last + 1 == p[k].first)
            p[w - 1].last = p[k].last;
        else
            p[w++] = p[k];
    }
    *out = p;
    return w;
}

/* a and b without wall_ms and determinism: equal? */
static bool same_result(const char *a, const char *b)
{
    cJSON *x = cJSON_Parse(a), *y = cJSON_Parse(b);
    static const char *const drop[] = {"wall_ms", "determinism"};
    for (int i = 0; i < 2; i++) {
        cJSON_DeleteItemFromObjectCaseSensitive(x, drop[i]);
        cJSON_DeleteItemFromObjectCaseSensitive(y, drop[i]);
    }
    bool eq = cJSON_Compare(x, y, true);
    cJSON_Delete(x);
    cJSON_Delete(y);
    return eq;
}

static void hash_of(const char *line, char out[32])
{
    cJSON *o = cJSON_Parse(line);
    snprintf(out, 32, "%s", jstr(o, "trace_hash") ? jstr(o, "trace_hash")
                                                  : "?");
    cJSON_Delete(o);
}

static void free_state(merge_state *m)
{
    for (int i = 0; i < m->nin; i++) {
        input *in = &m->ins[i];
        free(in->version);
        free(in->parts);
        for (int k = 0; k < in->nfiles; k++) {
            free(in->files[k].file);
            free(in->files[k].scenario);
            free(in->files[k].sha256);
        }
        free(in->files);
    }
    for (size_t k = 0; k < m->nes; k++)
        free(m->es[k].text);
    free(m->es);
    free(m->ins);
    free(m->files);
}

static const cli_opt merge_opts[] = {{"--help", "-h", NULL, "this help"}};

/* Contract in sweep_int.h. */
int sweep__merge_main(int argc, char **argv)
{
    const char **args = xcalloc((size_t)argc + 1, sizeof *args);
    cli_optparse op = {argc, argv, 0, false};
    const char *v;
    int k, n = 0;
    while ((k = cli_opt_next(&op, merge_opts, 1, &v)) != CLI_OPT_END) {
        if (k == CLI_OPT_ERROR) {
            free(args);
            return 2;
        }
        if (k == 0) {
            fputs("usage: clustersim sweep merge OUT.jsonl IN.jsonl...\n"
                  "(see clustersim sweep --help)\n", stdout);
            free(args);
            return 0;
        }
        args[n++] = v;
    }
    if (n < 2) {
        free(args);
        return cli_usage_error("%s", "sweep merge needs OUT.jsonl and at "
                               "least one IN.jsonl");
    }
    merge_state m;
    memset(&m, 0, sizeof m);
    m.nin = n - 1;
    m.ins = xcalloc((size_t)m.nin, sizeof *m.ins);
    int rc = 0, total_files = 0;
    FILE **fs = xcalloc((size_t)m.nin, sizeof *fs);
    for (int i = 0; i < m.nin && !rc; i++) {
        input *in = &m.ins[i];
        in->path = args[i + 1];
        if (!strcmp(in->path, args[0])) {
            fprintf(stderr, "clustersim: sweep merge: %s is both the output "
                    "and an input\n", args[0]);
            rc = 2;
            break;
        }
        fs[i] = fopen(in->path, "r");
        if (!fs[i]) {
            fprintf(stderr, "clustersim: %s: cannot open: %s\n", in->path,
                    strerror(errno));
            rc = 2;
            break;
        }
        char *line = NULL;
        size_t cap = 0;
        ssize_t len = getline(&line, &cap, fs[i]);
        if (len <= 0) {
            fprintf(stderr, "clustersim: %s:1: empty: not a sweep's results\n",
                    in->path);
            rc = 2;
        } else {
            if (line[len - 1] == '\n')
                line[len - 1] = 0;
            rc = read_header(in, line);
            total_files += in->nfiles;
        }
        free(line);
    }
    if (!rc) {
        m.files = xcalloc((size_t)total_files + 1, sizeof *m.files);
        rc = check_inputs(&m);
    }
    for (int i = 0; i < m.nin && !rc; i++)
        rc = read_lines(&m, i, fs[i]);
    for (int i = 0; i < m.nin; i++)
        if (fs[i])
            fclose(fs[i]);
    free(fs);

    size_t dups = 0, conflicts = 0;
    if (!rc) {
        if (m.nes)
            qsort(m.es, m.nes, sizeof *m.es, cmp_entry);
        for (size_t a = 0; a < m.nes;) {
            size_t b = a + 1;
            while (b < m.nes && m.es[b].file == m.es[a].file &&
                   m.es[b].seed == m.es[a].seed)
                b++;
            for (size_t j = a + 1; j < b; j++) {
                entry *x = &m.es[a], *y = &m.es[j];
                if (same_result(x->text, y->text)) {
                    dups++;
                    continue;
                }
                char hx[32], hy[32];
                hash_of(x->text, hx);
                hash_of(y->text, hy);
                const char *file = m.files[x->file].file;
                conflicts++;
                fprintf(stderr, "clustersim: sweep merge: determinism "
                        "mismatch: %s seed %" PRIu64 " (scenario %s, sha256 "
                        "%.12s..., %s, version %s):\n"
                        "  %s:%ld: trace_hash %s\n  %s:%ld: trace_hash %s%s\n"
                        "  rerun `clustersim run %s --seed %" PRIu64 "%s "
                        "--text T` on each machine and compare the two with "
                        "`clustersim trace diff` to find the first differing "
                        "event\n", file, x->seed, m.files[x->file].scenario,
                        m.files[x->file].sha256, m.ins[0].swarm ? "swarm"
                        : "no swarm", m.ins[0].version, m.ins[x->in].path,
                        x->line, hx, m.ins[y->in].path, y->line, hy,
                        strcmp(hx, hy) ? "" : " (the same hash, but the "
                        "results differ)", file, x->seed,
                        m.ins[0].swarm ? " --swarm" : "");
            }
            a = b;
        }
        if (conflicts)
            rc = 4;
    }
    if (!rc) {
        sweep_part *parts;
        int np = merged_parts(&m, &parts);
        strbuf h;
        sb_init(&h);
        sweep__header(&h, m.ins[0].version, parts, np, m.ins[0].swarm,
                      m.files, m.nfiles);
        free(parts);
        cli_out o;
        size_t written = 0;
        if (cli_out_open(&o, "sweep merge", args[0])) {
            rc = 2;
        } else {
            int werr = fprintf(o.f, "%s\n", h.s) < 0 ? -1 : 0;
            for (size_t a = 0; a < m.nes && !werr; a++) {
                if (a && m.es[a].file == m.es[a - 1].file &&
                    m.es[a].seed == m.es[a - 1].seed)
                    continue;
                if (fprintf(o.f, "%s\n", m.es[a].text) < 0)
                    werr = errno ? errno : -1;
                written++;
            }
            if (cli_out_close(&o, werr, true, "results"))
                rc = 2;
        }
        sb_fini(&h);
        if (!rc)
            printf("sweep merge: %zu runs from %d input%s into %s (%zu found "
                   "twice, kept once)\n", written, m.nin, m.nin == 1 ? "" : "s",
                   args[0], dups);
    } else if (rc == 4) {
        fprintf(stderr, "clustersim: sweep merge: %zu determinism "
                "mismatch%s; %s not written\n", conflicts,
                conflicts == 1 ? "" : "es", args[0]);
    }
    free_state(&m);
    free(args);
    return rc;
}
