/* regress: golden traces of a folder of scenarios (regress.h).
 *
 * Invariants: scenarios are taken in byte order of their paths, so the
 * output is the same on every machine; each is run twice and the hashes
 * must agree (determinism); the verdict rests on three things at once:
 * `trace diff` equal, the golden's recorded hash, and the golden's event
 * bytes. Temporary files live in one mkdtemp folder, removed at the end. */
#include "cli/regress.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli/opts.h"
#include "cli/run.h"
#include "core/term/term.h"
#include "scenarios/loader.h"
#include "traces/diff.h"
#include "traces/store.h"

typedef struct pathlist {
    char **v;
    int n, cap;
} pathlist;

static void pl_add(pathlist *l, char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = realloc(l->v, (size_t)l->cap * sizeof *l->v);
        if (!l->v)
            abort();
    }
    l->v[l->n++] = s;
}

static void pl_free(pathlist *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *path_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    if (!p)
        abort();
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

/* Every file under dir (any depth) whose name ends with `suffix`;
 * `recurse` 0 for one level. Returns -1 if dir cannot be read. */
static int find_files(const char *dir, const char *suffix, bool recurse,
                      pathlist *out)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    struct dirent *e;
    size_t ls = strlen(suffix);
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *p = path_join(dir, e->d_name);
        struct stat st;
        size_t n = strlen(e->d_name);
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode) && recurse) {
            find_files(p, suffix, true, out);
            free(p);
        } else if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && n > ls &&
                   !strcmp(e->d_name + n - ls, suffix)) {
            pl_add(out, p);
        } else {
            free(p);
        }
    }
    closedir(d);
    return 0;
}

/* A trace longer than this is kept as its hash alone (a workload's runs
 * make megabytes); traces/README.md, "Golden traces". */
#define REGRESS_MAX_GOLDEN 262144

/* The events of a golden (its lines less the '#' ones), its seed, its
 * recorded hash, and whether it keeps only the hash. Returns 0, or -1 with a reason in why. */
static int read_golden(const char *path, strbuf *events, uint64_t *seed,
                       char hash[32], bool *hash_only, char *why, size_t n)
{
    *hash_only = false;
    size_t len;
    char *text = scn_read_file(path, &len);
    if (!text) {
        snprintf(why, n, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    bool has_seed = false;
    hash[0] = 0;
    for (char *l = text; *l;) {
        char *nl = strchr(l, '\n');
        size_t m = nl ? (size_t)(nl - l) + 1 : strlen(l);
        if (l[0] != '#') {
            sb_putn(events, l, m);
        } else if (!has_seed && !strncmp(l, "# seed: ", 8)) {
            char num[32];
            size_t k = m - 8 - (nl != NULL);
            if (k < sizeof num) {
                memcpy(num, l + 8, k);
                num[k] = 0;
                has_seed = cli_parse_u64(num, seed) == 0;
            }
        } else if (!strncmp(l, "# hash only:", 12)) {
            *hash_only = true;
        } else if (!hash[0] && !strncmp(l, "# trace hash: ", 14)) {
            size_t k = strspn(l + 14, "0123456789abcdef");
            if (k < 32) {
                memcpy(hash, l + 14, k);
                hash[k] = 0;
            }
        }
        l += m;
    }
    free(text);
    if (!has_seed) {
        snprintf(why, n, "%s has no '# seed: N' header line", path);
        return -1;
    }
    return 0;
}

/* Contract in regress.h. */
int cli_regress(const char *dir, const char *gdir, bool update)
{
    pathlist files = {0}, goldens = {0}, names = {0};
    if (find_files(dir, ".json", true, &files)) {
        fprintf(stderr, "clustersim: %s: cannot read: %s\n", dir, strerror(errno));
        return 2;
    }
    struct stat st;
    if (stat(gdir, &st) != 0 && update && mkdir(gdir, 0777) != 0) {
        fprintf(stderr, "clustersim: %s: cannot create: %s\n", gdir, strerror(errno));
        pl_free(&files);
        return 2;
    }
    if (stat(gdir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "clustersim: --golden %s: not a directory\n", gdir);
        pl_free(&files);
        return 2;
    }
    qsort(files.v, (size_t)files.n, sizeof *files.v, cmp_str);
    const char *tmpenv = getenv("TMPDIR");
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s/clustersim-regress-XXXXXX",
             tmpenv && *tmpenv ? tmpenv : "/tmp");
    if (!mkdtemp(tmp)) {
        fprintf(stderr, "clustersim: %s: cannot create: %s\n", tmp, strerror(errno));
        pl_free(&files);
        return 2;
    }
    char *out = path_join(tmp, "run.trace"), *db = path_join(tmp, "runs.db");
    int pass = 0, fail = 0;
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/')
        dl--;
    for (int i = 0; i < files.n; i++) {
        const char *f = files.v[i];
        const char *rel = f + dl + 1;
        size_t rl = strlen(rel) - 5;
        char *name = malloc(rl + 7);
        if (!name)
            abort();
        for (size_t j = 0; j < rl; j++)
            name[j] = rel[j] == '/' ? '_' : rel[j];
        strcpy(name + rl, ".trace");
        pl_add(&names, name);
        char *golden = path_join(gdir, name);
        strbuf want;
        sb_init(&want);
        uint64_t seed = 0;
        char want_hash[32] = "", why[4600];
        bool hash_only = false;
        cli_run_job a;
        memset(&a, 0, sizeof a);
        a.file = f;
        a.quiet = a.silent = true;
        a.text = out;
        if (!update) {
            if (stat(golden, &st) != 0) {
                printf("FAIL %s: no golden trace %s (--update writes it)\n", f, golden);
                goto failed;
            }
            if (read_golden(golden, &want, &seed, want_hash, &hash_only, why,
                            sizeof why)) {
                printf("FAIL %s: %s\n", f, why);
                goto failed;
            }
            a.seed = seed;
            a.has_seed = true;
            a.db = db;
            remove(db);
        }
        int rc = cli_run_one(&a);
        /* 0 and 1 both leave a complete trace (1: an expectation failed,
         * which `run` reports); 2 and 3 do not. */
        if (rc != 0 && rc != 1) {
            printf("FAIL %s: run exited %d, no complete trace\n", f, rc);
            goto failed;
        }
        uint64_t hash = a.r.hash, events = a.r.events;
        seed = a.r.seed;
        cli_run_job again = a;
        again.text = again.db = NULL;
        cli_run_one(&again);
        if (again.r.hash != hash) {
            printf("FAIL %s (seed %" PRIu64 "): not deterministic: trace hash "
                   "%016" PRIx64 ", then %016" PRIx64 "\n", f, seed, hash,
                   again.r.hash);
            goto failed;
        }
        size_t glen;
        char *got = scn_read_file(out, &glen);
        if (!got) {
            printf("FAIL %s: cannot read its trace %s: %s\n", f, out, strerror(errno));
            goto failed;
        }
        if (update) {
            FILE *g = fopen(golden, "w");
            bool bad = !g;
            if (g) {
                fprintf(g, "# clustersim golden trace of %s\n"
                        "# seed: %" PRIu64 "\n"
                        "# command: clustersim run %s --seed %" PRIu64
                        " --quiet --text OUT\n"
                        "# trace hash: %016" PRIx64 " (%" PRIu64 " events)\n"
                        "# written by clustersim regress --update; "
                        "'#' lines are not compared\n", f, seed, f, seed, hash,
                        events);
                if (glen > REGRESS_MAX_GOLDEN)
                    fprintf(g, "# hash only: the trace (%zu bytes) is larger than "
                            "%d bytes, so only its hash is kept and compared\n",
                            glen, REGRESS_MAX_GOLDEN);
                else
                    bad = fwrite(got, 1, glen, g) != glen;
                bad |= fclose(g) != 0;
            }
            free(got);
            if (bad) {
                printf("FAIL %s: cannot write %s: %s\n", f, golden, strerror(errno));
                goto failed;
            }
            printf("wrote %s\n", golden);
            pass++;
            goto next;
        }
        /* The stored run, formatted back, is the text byte for byte. */
        {
            char err[1024] = "";
            FILE *sf = tmpfile();
            cli_show_ctx c = {NULL, 0, 0xcbf29ce484222325ULL, sf, false};
            int src = sf ? trace_store_read(db, -1, cli_show_emit, &c, NULL, err,
                                            sizeof err) : -1;
            free(c.line);
            size_t sl = 0;
            char *s2 = NULL;
            if (sf && !src) {
                rewind(sf);
                s2 = malloc(glen + 2);
                if (!s2)
                    abort();
                sl = fread(s2, 1, glen + 1, sf);
            }
            if (sf)
                fclose(sf);
            bool same = s2 && sl == glen && !memcmp(s2, got, glen);
            free(s2);
            if (!same) {
                printf("FAIL %s: trace show of the stored run differs from --text%s%s\n",
                       f, src ? ": " : "", src ? err : "");
                free(got);
                goto failed;
            }
        }
        {
            char err[1024];
            /* trace diff shows where; the verdict does not rest on it
             * alone: the hash must be the golden's, and the events its
             * bytes. */
            int drc = hash_only ? 0 : trace_diff(golden, out, 3, stdout, err, sizeof err);
            char hex[32];
            snprintf(hex, sizeof hex, "%016" PRIx64, hash);
            bool bytes = hash_only ||
                         (want.len == glen && !memcmp(want.s ? want.s : "", got, glen));
            free(got);
            if (drc < 0) {
                printf("FAIL %s: cannot compare with %s: %s\n", f, golden, err);
                goto failed;
            }
            if (drc == 1) {
                printf("FAIL %s (seed %" PRIu64 "): trace differs from %s\n", f,
                       seed, golden);
                goto failed;
            }
            if (strcmp(hex, want_hash)) {
                printf("FAIL %s (seed %" PRIu64 "): trace hash %s, golden says %s\n",
                       f, seed, hex, want_hash[0] ? want_hash : "nothing");
                goto failed;
            }
            if (!bytes) {
                printf("FAIL %s (seed %" PRIu64 "): trace diff says equal, but "
                       "the bytes differ from %s\n", f, seed, golden);
                goto failed;
            }
        }
        pass++;
        goto next;
    failed:
        fail++;
    next:
        sb_fini(&want);
        free(golden);
    }
    /* A golden whose scenario is gone is stale: a failure, or removed by
     * --update. */
    find_files(gdir, ".trace", false, &goldens);
    qsort(goldens.v, (size_t)goldens.n, sizeof *goldens.v, cmp_str);
    for (int i = 0; i < goldens.n; i++) {
        const char *base = strrchr(goldens.v[i], '/') + 1;
        bool known = false;
        for (int j = 0; j < names.n && !known; j++)
            known = !strcmp(names.v[j], base);
        if (known)
            continue;
        if (update) {
            remove(goldens.v[i]);
            printf("removed stale %s\n", goldens.v[i]);
        } else {
            printf("FAIL %s: stale golden, no scenario of that name in %s\n",
                   goldens.v[i], dir);
            fail++;
        }
    }
    remove(out);
    remove(db);
    rmdir(tmp);
    free(out);
    free(db);
    pl_free(&files);
    pl_free(&goldens);
    pl_free(&names);
    printf("regress: %d passed, %d failed (%s against %s)\n", pass, fail, dir, gdir);
    return fail ? 1 : 0;
}
