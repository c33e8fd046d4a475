/* store_merge: trace_store_merge (store.h), clustersim trace merge; the
 * rules for users are in traces/README.md, "Merging databases".
 *
 * Invariants:
 * - Nothing is written to `out` before the whole merge is known to
 *   succeed: the merge is built in OUT.partial (a copy of out, or a new
 *   database) and renamed over out at the end, so a failure (a conflict,
 *   a bad input, a full disk, a crash) leaves out as it was. SQLite cannot
 *   DETACH a database inside the transaction that read it, and attaches at
 *   most 10 at a time, so one transaction over every input is not
 *   possible; the partial file is what makes the merge all or nothing.
 * - Every input is checked and every run's key read before anything is
 *   copied: conflicts are found in the plan, never half way.
 * - Inputs are never written (attached as the store's readers open a
 *   database: SQLite may roll back a crashed writer's journal); older
 *   schemas (1 to 3) are read as they are, a column they lack copied as
 *   its default (NULL; swarm 0), a table they lack (ops) copying nothing.
 * - The runs added are numbered after out's largest id in one canonical
 *   order that does not depend on how the runs were split across inputs,
 *   nor on the inputs' order, nor on their ids: so merging the same set of
 *   runs gives the same SQL content (sqlite3 OUT .dump). Among runs with
 *   one key, the one kept is out's, else the first in that order. */
#include "traces/store.h"

#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One run of out (src -1) or of input src, as the plan sees it. Strings
 * owned (NULL: SQL NULL). */
typedef struct mrun {
    int src;
    int64_t id;             /* its id where it is */
    char *scenario, *file, *version, *hash, *outcome, *sha;
    uint64_t seed;
    int swarm, complete;
    int64_t events;
    int64_t new_id;         /* in out; 0: not copied (a duplicate) */
} mrun;

typedef struct mplan {
    mrun *r;
    size_t n, cap;
} mplan;

static int ferr(char *err, size_t errlen, int code, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return code;
}

static char *dup_col(sqlite3_stmt *st, int i)
{
    const unsigned char *v = sqlite3_column_text(st, i);
    if (!v)
        return NULL;
    char *d = strdup((const char *)v);
    if (!d)
        abort();
    return d;
}

static int cmp_str(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);   /* NULL first */
    return strcmp(a, b);
}

static int cmp_i64(int64_t a, int64_t b)
{
    return (a > b) - (a < b);
}

/* The key of a run: (sha, swarm, seed, version), or without a sha
 * (scenario, file, swarm, seed, version). An incomplete run's key also
 * holds its outcome and event count, and complete, so it is never the
 * same run as a complete one (both are kept) and never a conflict. */
static int cmp_key(const mrun *a, const mrun *b)
{
    int c;
    if ((c = cmp_str(a->sha, b->sha)))
        return c;
    if (!a->sha) {
        if ((c = cmp_str(a->scenario, b->scenario)) ||
            (c = cmp_str(a->file, b->file)))
            return c;
    }
    if ((c = cmp_i64(a->swarm, b->swarm)) ||
        (c = (a->seed > b->seed) - (a->seed < b->seed)) ||
        (c = cmp_str(a->version, b->version)) ||
        (c = cmp_i64(b->complete, a->complete)))
        return c;
    if (a->complete)
        return 0;
    if ((c = cmp_str(a->outcome, b->outcome)))
        return c;
    return cmp_i64(a->events, b->events);
}

/* DETERMINISM: the canonical order of the runs copied, which gives them
 * their ids: (scenario, file, seed, swarm, hash), then the rest of the
 * row. It holds every field of the key, so no two runs copied tie (they
 * have distinct keys); an id tie-break would make the ids depend on how
 * the runs were split across inputs. */
static int cmp_canon(const mrun *a, const mrun *b)
{
    int c;
    if ((c = cmp_str(a->scenario, b->scenario)) ||
        (c = cmp_str(a->file, b->file)) ||
        (c = (a->seed > b->seed) - (a->seed < b->seed)) ||
        (c = cmp_i64(a->swarm, b->swarm)) ||
        (c = cmp_str(a->hash, b->hash)) ||
        (c = cmp_str(a->sha, b->sha)) ||
        (c = cmp_str(a->version, b->version)) ||
        (c = cmp_i64(b->complete, a->complete)) ||
        (c = cmp_str(a->outcome, b->outcome)) ||
        (c = cmp_i64(a->events, b->events)))
        return c;
    return 0;
}

/* DETERMINISM: groups runs by key; in a group, out's run first, then
 * canonical order, so the run kept does not depend on the inputs' order;
 * then where it came from and its id (a total order). */
static int cmp_group(const void *pa, const void *pb)
{
    const mrun *a = pa, *b = pb;
    int c;
    if ((c = cmp_key(a, b)))
        return c;
    if ((a->src < 0) != (b->src < 0))
        return a->src < 0 ? -1 : 1;
    if ((c = cmp_canon(a, b)) || (c = cmp_i64(a->src, b->src)))
        return c;
    return cmp_i64(a->id, b->id);
}

static int cmp_insert(const void *pa, const void *pb)
{
    const mrun *a = *(const mrun *const *)pa, *b = *(const mrun *const *)pb;
    return cmp_canon(a, b);
}

static void plan_free(mplan *p)
{
    for (size_t i = 0; i < p->n; i++) {
        mrun *r = &p->r[i];
        free(r->scenario);
        free(r->file);
        free(r->version);
        free(r->hash);
        free(r->outcome);
        free(r->sha);
    }
    free(p->r);
}

static int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static int query_int(sqlite3 *db, const char *sql, int64_t *v)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* Does schema `db` ("main", "src") have column `col` in `table`? */
static bool has_column(sqlite3 *h, const char *db, const char *table,
                       const char *col)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(h, "SELECT 1 FROM pragma_table_info(?1, ?2)"
                           " WHERE name = ?3", -1, &st, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, db, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, col, -1, SQLITE_STATIC);
    bool yes = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return yes;
}

static bool has_table(sqlite3 *h, const char *db, const char *table)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT 1 FROM %s.sqlite_schema WHERE type ="
             " 'table' AND name = ?", db);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    bool yes = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return yes;
}

/* file:PATH?mode=rw with PATH percent-encoded where a URI needs it:
 * read-write without create, as the store's readers open a database, so
 * SQLite can roll back a crashed writer's journal (a killed shard leaves
 * one) and falls back to read-only for a write-protected file. */
static char *db_uri(const char *path)
{
    size_t n = strlen(path);
    char *u = malloc(3 * n + 32);
    if (!u)
        abort();
    char *p = u + sprintf(u, "file:");
    for (const unsigned char *s = (const unsigned char *)path; *s; s++) {
        if (*s == '%' || *s == '?' || *s == '#' || *s <= ' ' || *s >= 0x7f)
            p += sprintf(p, "%%%02X", *s);
        else
            *p++ = (char)*s;
    }
    strcpy(p, "?mode=rw");
    return u;
}

/* Attaches `path` as schema `src` (never written to). */
static int attach(sqlite3 *h, const char *path, char *err, size_t errlen)
{
    char *uri = db_uri(path);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(h, "ATTACH DATABASE ? AS src", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, uri, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    }
    sqlite3_finalize(st);
    free(uri);
    if (rc != SQLITE_OK)
        return ferr(err, errlen, 2, "%s: cannot open: %s", path,
                    sqlite3_errmsg(h));
    return 0;
}

static void detach(sqlite3 *h)
{
    exec(h, "DETACH DATABASE src");
}

/* Checks that the attached `src` is a trace database this program can
 * read (schema 1 to TRACE_STORE_SCHEMA). */
static int check_src(sqlite3 *h, const char *path, char *err, size_t errlen)
{
    int64_t app = 0, version = 0, ntables = 0;
    if (query_int(h, "PRAGMA src.application_id", &app) ||
        query_int(h, "PRAGMA src.user_version", &version) ||
        query_int(h, "SELECT count(*) FROM src.sqlite_schema", &ntables)) {
        if ((sqlite3_errcode(h) & 0xff) == SQLITE_NOTADB)
            return ferr(err, errlen, 2, "%s: not a trace database (not an "
                        "SQLite file)", path);
        return ferr(err, errlen, 2, "%s: cannot read: %s", path,
                    sqlite3_errmsg(h));
    }
    if (app != TRACE_STORE_APP_ID)
        return ferr(err, errlen, 2, "%s: not a clustersim trace database "
                    "(%s)", path, ntables ? "an SQLite file of another program"
                    : "an empty SQLite file");
    if (version < 1 || version > TRACE_STORE_SCHEMA)
        return ferr(err, errlen, 2, "%s: trace database schema version %"
                    PRId64 ", this clustersim reads versions 1 to %d", path,
                    version, TRACE_STORE_SCHEMA);
    if (!has_table(h, "src", "runs") || !has_table(h, "src", "nodes") ||
        !has_table(h, "src", "events"))
        return ferr(err, errlen, 2, "%s: not a complete trace database (no "
                    "runs, nodes or events table)", path);
    return 0;
}

/* Appends the runs of schema `db` ("main" or "src") to the plan. */
static int read_runs(sqlite3 *h, const char *db, int src, const char *path,
                     mplan *p, char *err, size_t errlen)
{
    bool v4 = has_column(h, db, "runs", "scenario_sha256") &&
              has_column(h, db, "runs", "swarm");
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT id, scenario, file, seed, version, hash, outcome,"
             " complete, events, %s, %s FROM %s.runs ORDER BY id",
             v4 ? "scenario_sha256" : "NULL", v4 ? "swarm" : "0", db);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
        return ferr(err, errlen, 2, "%s: cannot read runs: %s", path,
                    sqlite3_errmsg(h));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (p->n == p->cap) {
            p->cap = p->cap ? 2 * p->cap : 64;
            p->r = realloc(p->r, p->cap * sizeof *p->r);
            if (!p->r)
                abort();
        }
        mrun *r = &p->r[p->n++];
        memset(r, 0, sizeof *r);
        r->src = src;
        r->id = sqlite3_column_int64(st, 0);
        r->scenario = dup_col(st, 1);
        r->file = dup_col(st, 2);
        r->seed = (uint64_t)sqlite3_column_int64(st, 3);
        r->version = dup_col(st, 4);
        r->hash = dup_col(st, 5);
        r->outcome = dup_col(st, 6);
        r->complete = sqlite3_column_int(st, 7) != 0;
        r->events = sqlite3_column_int64(st, 8);
        r->sha = dup_col(st, 9);
        r->swarm = sqlite3_column_int(st, 10) != 0;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return ferr(err, errlen, 2, "%s: cannot read runs: %s", path,
                    sqlite3_errmsg(h));
    return 0;
}

/* INSERT INTO main.T (cols) SELECT ?1, <each other column of main.T that
 * src.T has, or its default> FROM src.T WHERE run_id = ?2 (runs: id = ?2)
 * ORDER BY its key. */
static int prepare_copy(sqlite3 *h, const char *table, sqlite3_stmt **out)
{
    *out = NULL;
    bool runs = !strcmp(table, "runs");
    sqlite3_stmt *cols;
    char q[128];
    snprintf(q, sizeof q, "SELECT name FROM pragma_table_info('%s', 'main')"
             " ORDER BY cid", table);
    if (sqlite3_prepare_v2(h, q, -1, &cols, NULL) != SQLITE_OK)
        return -1;
    size_t cap = 4096, n = 0;
    char *ins = malloc(cap), *sel = malloc(cap);
    if (!ins || !sel)
        abort();
    size_t ni = (size_t)snprintf(ins, cap, "INSERT INTO main.%s (", table);
    n = (size_t)snprintf(sel, cap, ") SELECT ?1");
    bool first = true;
    int rc;
    while ((rc = sqlite3_step(cols)) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(cols, 0);
        bool key = !strcmp(c, runs ? "id" : "run_id");
        if (ni + strlen(c) + 8 > cap || n + 2 * strlen(c) + 16 > cap) {
            rc = SQLITE_TOOBIG;
            break;
        }
        ni += (size_t)sprintf(ins + ni, "%s\"%s\"", first ? "" : ", ", c);
        first = false;
        if (key)
            continue;
        if (has_column(h, "src", table, c))
            n += (size_t)sprintf(sel + n, ", \"%s\"", c);
        else if (runs && !strcmp(c, "swarm"))
            n += (size_t)sprintf(sel + n, ", 0");
        else
            n += (size_t)sprintf(sel + n, ", NULL");
    }
    sqlite3_finalize(cols);
    /* The key column must be the first: ?1 stands for it. */
    char *sql = NULL;
    if (rc == SQLITE_DONE) {
        size_t len = ni + n + 128;
        sql = malloc(len);
        if (!sql)
            abort();
        snprintf(sql, len, "%s%s FROM src.%s WHERE %s = ?2%s", ins, sel, table,
                 runs ? "id" : "run_id", runs ? "" : " ORDER BY 1, 2");
    }
    free(ins);
    free(sel);
    if (!sql)
        return -1;
    rc = sqlite3_prepare_v2(h, sql, -1, out, NULL);
    free(sql);
    return rc == SQLITE_OK ? 0 : -1;
}

/* Copies the planned runs of input src (attached) into main. */
static int copy_input(sqlite3 *h, mrun *const *order, size_t norder, int src,
                      const char *path, char *err, size_t errlen)
{
    static const char *const tables[] = {"runs", "nodes", "events", "ops"};
    sqlite3_stmt *st[4] = {NULL, NULL, NULL, NULL};
    int rc = 0;
    if (exec(h, "BEGIN"))
        rc = -1;
    for (int t = 0; !rc && t < 4; t++) {
        if (t == 3 && !has_table(h, "src", "ops"))
            break;
        rc = prepare_copy(h, tables[t], &st[t]);
    }
    /* in id order, so every table is appended to in key order */
    for (size_t i = 0; !rc && i < norder; i++) {
        const mrun *r = order[i];
        if (r->src != src)
            continue;
        for (int t = 0; !rc && t < 4 && st[t]; t++) {
            sqlite3_bind_int64(st[t], 1, r->new_id);
            sqlite3_bind_int64(st[t], 2, r->id);
            rc = sqlite3_step(st[t]) != SQLITE_DONE;
            sqlite3_reset(st[t]);
        }
    }
    if (!rc && exec(h, "COMMIT"))
        rc = -1;
    if (rc)
        ferr(err, errlen, 2, "%s: cannot copy its runs: %s", path,
             sqlite3_errmsg(h));
    for (int t = 0; t < 4; t++)
        sqlite3_finalize(st[t]);
    if (rc && !sqlite3_get_autocommit(h))
        exec(h, "ROLLBACK");
    return rc ? 2 : 0;
}

/* Copies the database at `from` (a trace database, checked) into the new
 * file `to`, page for page (SQLite's backup: VACUUM INTO would reorder
 * the schema's rows, and .dump with them). */
static int copy_db(const char *from, const char *to, char *err, size_t errlen)
{
    sqlite3 *src = NULL, *dst = NULL;
    int rc = sqlite3_open_v2(from, &src, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_open_v2(to, &dst, SQLITE_OPEN_READWRITE |
                             SQLITE_OPEN_CREATE, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
        if (!b) {
            rc = SQLITE_ERROR;
        } else {
            rc = sqlite3_backup_step(b, -1);
            if (rc == SQLITE_DONE)
                rc = SQLITE_OK;
            int rf = sqlite3_backup_finish(b);
            if (rc == SQLITE_OK)
                rc = rf;
        }
    }
    if (rc != SQLITE_OK)
        ferr(err, errlen, 2, "%s: cannot copy to %s: %s", from, to,
             dst ? sqlite3_errmsg(dst) : src ? sqlite3_errmsg(src)
             : "out of memory");
    sqlite3_close(src);
    sqlite3_close(dst);
    return rc == SQLITE_OK ? 0 : 2;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static const char *src_name(const char *out, const char *const *in, int src)
{
    return src < 0 ? out : in[src];
}

/* Checks the groups of one key: every run agrees with the one kept (the
 * first); marks the others as duplicates. Returns 0, or 4 with err. */
static int check_groups(mplan *p, const char *out, const char *const *in,
                        trace_merge_stats *stats, char *err, size_t errlen)
{
    for (size_t i = 0; i < p->n;) {
        size_t j = i + 1;
        while (j < p->n && !cmp_key(&p->r[i], &p->r[j]))
            j++;
        mrun *keep = &p->r[i];
        for (size_t k = i + 1; k < j; k++) {
            mrun *r = &p->r[k];
            if (r->src < 0)
                continue;     /* out's own runs stay as they are */
            if (cmp_str(keep->hash, r->hash) ||
                cmp_str(keep->outcome, r->outcome))
                return ferr(err, errlen, 4, "conflict: scenario %s, seed %"
                            PRIu64 "%s (version %s): hash %s (%s) in %s, hash "
                            "%s (%s) in %s", keep->scenario, keep->seed,
                            keep->swarm ? " --swarm" : "",
                            keep->version ? keep->version : "?",
                            keep->hash ? keep->hash : "none",
                            keep->outcome ? keep->outcome : "no outcome",
                            src_name(out, in, keep->src),
                            r->hash ? r->hash : "none",
                            r->outcome ? r->outcome : "no outcome",
                            src_name(out, in, r->src));
            r->new_id = -1;   /* kept once: not copied */
            stats->duplicates++;
        }
        i = j;
    }
    return 0;
}

int trace_store_merge_stats(const char *out, const char *const *in, int nin,
                            trace_merge_stats *stats, char *err,
                            size_t errlen)
{
    trace_merge_stats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    if (!out || !*out)
        return ferr(err, errlen, 2, "trace merge: no output database");
    if (nin < 1)
        return ferr(err, errlen, 2, "trace merge: no input database");

    /* The inputs: existing files, none of them out. */
    struct stat so, si;
    bool out_exists = stat(out, &so) == 0;
    if (out_exists && S_ISDIR(so.st_mode))
        return ferr(err, errlen, 2, "%s: is a directory, not a trace "
                    "database", out);
    if (out_exists && so.st_size == 0)
        out_exists = false;   /* an empty file: a new database */
    if (stat(out, &si) == 0 && access(out, W_OK) != 0)
        return ferr(err, errlen, 2, "%s: cannot write: read-only file", out);
    for (int i = 0; i < nin; i++) {
        if (stat(in[i], &si) != 0)
            return ferr(err, errlen, 2, "%s: no such file", in[i]);
        if (S_ISDIR(si.st_mode))
            return ferr(err, errlen, 2, "%s: is a directory, not a trace "
                        "database", in[i]);
        if (out_exists && same_file(&so, &si))
            return ferr(err, errlen, 2, "%s: the output database is also an "
                        "input", in[i]);
        if (!trace_store_is_db(in[i]))
            return ferr(err, errlen, 2, "%s: not a trace database (not an "
                        "SQLite file)", in[i]);
    }

    /* The plan, on a connection of its own that writes nothing: every run
     * of out and of the inputs (each attached in turn, checked),
     * grouped by key; conflicts are found before any file is touched. */
    sqlite3 *h = NULL;
    mplan plan = {0};
    mrun **order = NULL;
    char *partial = NULL;
    size_t plen = 0, norder = 0;
    int64_t next = 0;
    int rc = 0;
    if (sqlite3_open_v2(":memory:", &h, SQLITE_OPEN_READWRITE |
                        SQLITE_OPEN_URI, NULL) != SQLITE_OK)
        rc = ferr(err, errlen, 2, "trace merge: out of memory");
    if (!rc && out_exists) {
        if (!trace_store_is_db(out))
            rc = ferr(err, errlen, 2, "%s: not a trace database (not an "
                      "SQLite file)", out);
        if (!rc)
            rc = attach(h, out, err, errlen);
        if (!rc) {
            rc = check_src(h, out, err, errlen);
            if (!rc)
                rc = read_runs(h, "src", -1, out, &plan, err, errlen);
            detach(h);
        }
    }
    for (size_t k = 0; k < plan.n; k++)
        if (plan.r[k].id > next)
            next = plan.r[k].id;
    for (int i = 0; !rc && i < nin; i++) {
        rc = attach(h, in[i], err, errlen);
        if (!rc) {
            size_t before = plan.n;
            rc = check_src(h, in[i], err, errlen);
            if (!rc)
                rc = read_runs(h, "src", i, in[i], &plan, err, errlen);
            stats->runs_read += (int64_t)(plan.n - before);
            detach(h);
        }
    }
    sqlite3_close(h);
    h = NULL;
    if (!rc) {
        qsort(plan.r, plan.n, sizeof *plan.r, cmp_group);
        rc = check_groups(&plan, out, in, stats, err, errlen);
    }
    /* New ids, after out's, in canonical order. */
    if (!rc) {
        order = calloc(plan.n + 1, sizeof *order);
        if (!order)
            abort();
        for (size_t i = 0; i < plan.n; i++)
            if (plan.r[i].src >= 0 && plan.r[i].new_id == 0)
                order[norder++] = &plan.r[i];
        qsort(order, norder, sizeof *order, cmp_insert);
        for (size_t i = 0; i < norder; i++) {
            order[i]->new_id = ++next;
            stats->added++;
            if (!order[i]->complete)
                stats->incomplete++;
        }
    }
    /* Nothing to add to an existing out: it is left as it is. */
    if (!rc && out_exists && norder == 0)
        goto done;

    /* The copy, in OUT.partial: a copy of out (brought up to date), or a
     * new database; renamed over out once complete. */
    if (!rc) {
        plen = strlen(out) + sizeof ".partial";
        partial = malloc(plen);
        if (!partial)
            abort();
        snprintf(partial, plen, "%s.partial", out);
        if (unlink(partial) != 0 && errno != ENOENT)
            rc = ferr(err, errlen, 2, "%s: cannot remove a stale file: %s",
                      partial, strerror(errno));
    }
    if (!rc && out_exists)
        rc = copy_db(out, partial, err, errlen);
    if (!rc) {
        trace_store *ts;
        char e2[1024];
        if (trace_store_open(partial, &ts, e2, sizeof e2))
            rc = ferr(err, errlen, 2, "%s", e2);
        trace_store_close(ts);
    }
    if (!rc && sqlite3_open_v2(partial, &h, SQLITE_OPEN_READWRITE |
                               SQLITE_OPEN_URI, NULL) != SQLITE_OK)
        rc = ferr(err, errlen, 2, "%s: cannot open: %s", partial,
                  h ? sqlite3_errmsg(h) : "out of memory");
    if (!rc) {
        sqlite3_extended_result_codes(h, 1);
        sqlite3_busy_timeout(h, 5000);
        if (exec(h, "PRAGMA synchronous = OFF"))
            rc = ferr(err, errlen, 2, "%s: %s", partial, sqlite3_errmsg(h));
    }
    for (int i = 0; !rc && i < nin; i++) {
        rc = attach(h, in[i], err, errlen);
        if (!rc) {
            rc = copy_input(h, order, norder, i, in[i], err, errlen);
            detach(h);
        }
    }
    if (h && sqlite3_close(h) != SQLITE_OK && !rc)
        rc = ferr(err, errlen, 2, "%s: cannot close", partial);
    h = NULL;
    if (!rc && out_exists)
        chmod(partial, so.st_mode & 07777);   /* out keeps its mode */
    if (!rc && rename(partial, out) != 0)
        rc = ferr(err, errlen, 2, "%s: cannot replace it with %s: %s", out,
                  partial, strerror(errno));
    if (rc && partial) {
        unlink(partial);
        size_t jl = plen + sizeof "-journal";
        char *journal = malloc(jl);
        if (journal) {
            snprintf(journal, jl, "%s-journal", partial);
            unlink(journal);
            free(journal);
        }
    }
done:
    if (rc)
        memset(stats, 0, sizeof *stats);
    free(order);
    plan_free(&plan);
    free(partial);
    return rc;
}

int trace_store_merge(const char *out, const char *const *in, int nin,
                      char *err, size_t errlen)
{
    return trace_store_merge_stats(out, in, nin, NULL, err, errlen);
}
