/* Trace store tests (issue 6): the schema and its version, the views'
 * answers on known scenarios checked against the event stream, every
 * example query of traces/README.md (run, non-empty, and ordered), stored
 * runs read back byte-identical to the text trace for every scenario,
 * appending runs, runs cut short staying incomplete (limit, crash), bad
 * paths refused with a message naming them, field bytes round-tripping.
 * The last test runs the real binary (CLUSTERSIM_BIN, default
 * bin/clustersim): run --trace/--text, trace show, and the exit codes of
 * trace diff. trace_diff itself is tested in test_diff.c. */
#include <criterion/criterion.h>
#include <glob.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "scenarios/loader.h"
#include "scenarios/run.h"
#include "traces/store.h"
#include "traces/trace.h"
#include "tests/harness.h"

/* ---- helpers ---- */

/* Owned copies of every event of a run. */
typedef struct cev {
    int64_t t;
    char *f[9];   /* node kind peer pid to name reason term text */
} cev;

typedef struct capture {
    cev *ev;
    size_t n, cap;
} capture;

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void capture_emit(void *ctx, const sim_obs_event *ev)
{
    capture *c = ctx;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 256;
        c->ev = realloc(c->ev, c->cap * sizeof *c->ev);
        cr_assert_not_null(c->ev);
    }
    cev *e = &c->ev[c->n++];
    e->t = ev->t;
    const char *f[9] = {ev->node, ev->kind, ev->peer, ev->pid, ev->to,
                        ev->name, ev->reason, ev->term, ev->text};
    for (int i = 0; i < 9; i++)
        e->f[i] = dup_or_null(f[i]);
}

static void capture_free(capture *c)
{
    for (size_t i = 0; i < c->n; i++)
        for (int k = 0; k < 9; k++)
            free(c->ev[i].f[k]);
    free(c->ev);
    memset(c, 0, sizeof *c);
}

enum { F_NODE, F_KIND, F_PEER, F_PID, F_TO, F_NAME, F_REASON, F_TERM, F_TEXT };

/* What one stored run produced outside the database. */
typedef struct stored {
    h_stored h;
    capture cap;       /* the events, if asked */
} stored;

static void store_scenario(const char *db, const char *path,
                           uint64_t max_events, bool want_capture, stored *out)
{
    memset(out, 0, sizeof *out);
    sim_observer cap = {capture_emit, &out->cap};
    h_store_scenario(db, path, max_events, want_capture ? &cap : NULL, &out->h);
}

static void stored_free(stored *st)
{
    free(st->h.text);
    capture_free(&st->cap);
}

/* trace_store_read's callback: formats lines as the text sink does. */
typedef struct lines {
    FILE *f;
    uint64_t n;
} lines;

static void lines_emit(void *ctx, const sim_obs_event *ev)
{
    lines *l = ctx;
    char small[8];
    size_t n = trace_format_line(small, sizeof small, ev);
    char *buf = malloc(n + 1);
    trace_format_line(buf, n + 1, ev);
    fwrite(buf, 1, n, l->f);
    fputc('\n', l->f);
    free(buf);
    l->n++;
}

/* The stored run as text; caller frees. */
static char *read_back(const char *db, int64_t run_id, size_t *len,
                       int64_t *got_id)
{
    char *buf = NULL;
    char err[1024] = "";
    lines l = {open_memstream(&buf, len), 0};
    int rc = trace_store_read(db, run_id, lines_emit, &l, got_id, err,
                              sizeof err);
    fclose(l.f);
    cr_assert_eq(rc, 0, "%s", err);
    return buf;
}

static uint64_t fnv(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static sqlite3 *db_open(const char *path)
{
    sqlite3 *db;
    cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
                 SQLITE_OK);
    return db;
}

static int64_t q_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK,
                 "%s: %s", sql, sqlite3_errmsg(db));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* All rows of a query as text: columns joined by '|', NULL as \N, rows
 * by '\n'. Caller frees. */
static char *q_rows(sqlite3 *db, const char *sql, int *nrows)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK,
                 "%s: %s", sql, sqlite3_errmsg(db));
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    int n = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(st); c++) {
            const unsigned char *v = sqlite3_column_text(st, c);
            fprintf(f, "%s%s", c ? "|" : "", v ? (const char *)v : "\\N");
        }
        fputc('\n', f);
        n++;
    }
    cr_assert_eq(rc, SQLITE_DONE, "%s: %s", sql, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    fclose(f);
    if (nrows)
        *nrows = n;
    return buf;
}

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

/* ---- schema ---- */

Test(store, schema_is_versioned_and_complete)
{
    char dir[64], db[128], err[512];
    h_tmpdir(dir);
    snprintf(db, sizeof db, "%s/new.db", dir);
    trace_store *s;
    cr_assert_eq(trace_store_open(db, &s, err, sizeof err), 0, "%s", err);
    trace_store_close(s);
    cr_assert(trace_store_is_db(db));

    sqlite3 *h = db_open(db);
    cr_assert_eq(q_int(h, "PRAGMA user_version"), TRACE_STORE_SCHEMA);
    cr_assert_eq(q_int(h, "PRAGMA application_id"), TRACE_STORE_APP_ID);
    char *objs = q_rows(h, "SELECT type, name FROM sqlite_schema WHERE name "
                        "NOT LIKE 'sqlite_%' ORDER BY type, name", NULL);
    cr_assert_str_eq(objs,
        "index|ops_key\nindex|ops_reads\nindex|ops_written\n"
        "table|events\ntable|nodes\ntable|ops\ntable|runs\n"
        "view|availability\nview|checkers\nview|final_reads\n"
        "view|global_names\nview|invalid_reads\nview|lost_writes\n"
        "view|messages\nview|nodeupdown\nview|op_pairs\nview|op_reads\n"
        "view|op_writes\nview|stale_reads\nview|transcript\n");
    free(objs);
    char *cols = q_rows(h, "SELECT group_concat(name, ' ') FROM "
                        "(SELECT name FROM pragma_table_info('ops') ORDER BY cid)",
                        NULL);
    cr_assert_str_eq(cols, "run_id seq t_us idx type f key value process node "
                     "reason pid inv_seq ret_seq written\n");
    free(cols);
    cols = q_rows(h, "SELECT group_concat(name, ' ') FROM "
                        "(SELECT name FROM pragma_table_info('events') "
                        "ORDER BY cid)", NULL);
    cr_assert_str_eq(cols, "run_id seq t_us node kind peer pid dest name "
                     "reason term text msg_id gpid gdest\n");
    free(cols);
    cols = q_rows(h, "SELECT group_concat(name, ' ') FROM (SELECT name FROM "
                  "pragma_table_info('runs') ORDER BY cid)", NULL);
    cr_assert_str_eq(cols, "id scenario file seed version hash outcome "
                     "complete events scenario_sha256 swarm\n");
    free(cols);
    /* (run_id, seq) is the key: a run's events come back in order cheaply. */
    cr_assert_eq(q_int(h, "SELECT count(*) FROM pragma_table_info('events') "
                       "WHERE pk > 0"), 2);
    sqlite3_close(h);

    /* Opening again keeps the schema (no second CREATE). */
    cr_assert_eq(trace_store_open(db, &s, err, sizeof err), 0, "%s", err);
    trace_store_close(s);
    h_rmtree(dir);
}

/* ---- byte identity, every scenario ---- */

Test(store, every_scenario_reads_back_byte_identical_to_its_text_trace)
{
    char dir[64], db[128];
    h_tmpdir(dir);
    snprintf(db, sizeof db, "%s/all.db", dir);
    glob_t g;
    cr_assert_eq(glob("scenarios/*/*.json", 0, NULL, &g), 0,
                 "run the tests from the top of the tree");
    cr_assert_gt(g.gl_pathc, 10);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        stored st;
        store_scenario(db, g.gl_pathv[i], 0, false, &st);
        cr_assert_eq(st.h.run_id, (int64_t)i + 1, "runs append");
        size_t len;
        char *back = read_back(db, st.h.run_id, &len, NULL);
        cr_assert_eq(len, st.h.textlen, "%s: %zu bytes back, %zu written",
                     g.gl_pathv[i], len, st.h.textlen);
        cr_assert(!memcmp(back, st.h.text, len), "%s: bytes differ",
                  g.gl_pathv[i]);
        cr_assert_eq(fnv(back, len), st.h.r.hash);

        trace_run_info info;
        char err[512];
        cr_assert_eq(trace_store_run_info(db, st.h.run_id, &info, err,
                                          sizeof err), 0, "%s", err);
        char hex[32];
        snprintf(hex, sizeof hex, "%016llx", (unsigned long long)st.h.r.hash);
        cr_assert(info.complete);
        cr_assert_str_eq(info.hash, hex);
        cr_assert_eq(info.events, (int64_t)st.h.r.events);
        cr_assert_str_eq(info.file, g.gl_pathv[i]);
        free(back);
        stored_free(&st);
    }
    sqlite3 *h = db_open(db);
    cr_assert_eq(q_int(h, "SELECT count(*) FROM runs WHERE complete = 1"),
                 (int64_t)g.gl_pathc);
    /* seq is 1..events with no gap in every run */
    cr_assert_eq(q_int(h, "SELECT count(*) FROM runs r WHERE events <> "
                       "(SELECT count(*) FROM events WHERE run_id = r.id) OR "
                       "events <> (SELECT max(seq) FROM events "
                       "WHERE run_id = r.id)"), 0);
    sqlite3_close(h);
    globfree(&g);
    h_rmtree(dir);
}

Test(store, field_bytes_round_trip)
{
    char dir[64], db[128], err[512];
    h_tmpdir(dir);
    snprintf(db, sizeof db, "%s/bytes.db", dir);
    trace_store *s;
    cr_assert_eq(trace_store_open(db, &s, err, sizeof err), 0, "%s", err);
    const char *nodes[] = {"a@sim"};
    trace_run_meta m = {"bytes", NULL, 18446744073709551615ULL, "t", nodes, 1, NULL, false};
    int64_t id;
    cr_assert_eq(trace_store_begin_run(s, &m, &id, err, sizeof err), 0);
    sim_observer o = trace_store_observer(s);
    sim_obs_event evs[] = {
        {.t = 0, .node = "a@sim", .kind = "output", .text = ""},
        {.t = 1, .kind = "note", .text = "tab\there \"quoted\" back\\slash\n"},
        {.t = 2, .node = "a@sim", .kind = "log", .reason = "error",
         .text = "caf\xc3\xa9 \xff\x01\x7f"},
        {.t = -5, .node = "a@sim", .kind = "deliver", .to = "<0.1.0>",
         .term = "{x,\"y z\"}", .peer = ""},
        {.t = INT64_MAX, .node = NULL, .kind = "check", .name = "checks[0]",
         .reason = "pass", .pid = "<0.2.0>"},
    };
    size_t n = sizeof evs / sizeof *evs;
    char *want = NULL;
    size_t wantlen = 0;
    FILE *f = open_memstream(&want, &wantlen);
    trace_text *tt = trace_text_new(f);
    sim_observer to = trace_text_observer(tt);
    for (size_t i = 0; i < n; i++) {
        o.emit(o.ctx, &evs[i]);
        to.emit(to.ctx, &evs[i]);
    }
    fclose(f);
    cr_assert_eq(trace_store_end_run(s, trace_text_hash(tt), "passed", err,
                                     sizeof err), 0);
    trace_text_free(tt);
    trace_store_close(s);

    size_t len;
    char *back = read_back(db, -1, &len, NULL);
    cr_assert_eq(len, wantlen);
    cr_assert(!memcmp(back, want, len), "got:\n%s\nwant:\n%s", back, want);
    free(back);
    free(want);

    /* NULL stays NULL, "" stays ''; the seed keeps its 64 bits. */
    sqlite3 *h = db_open(db);
    cr_assert_eq(q_int(h, "SELECT count(*) FROM events WHERE seq = 1 AND "
                       "text = '' AND peer IS NULL"), 1);
    cr_assert_eq(q_int(h, "SELECT count(*) FROM events WHERE seq = 4 AND "
                       "peer = '' AND text IS NULL"), 1);
    cr_assert_eq(q_int(h, "SELECT count(*) FROM events WHERE seq = 5 AND "
                       "node IS NULL"), 1);
    cr_assert_eq(q_int(h, "SELECT seed FROM runs"), -1);
    sqlite3_close(h);
    trace_run_info info;
    cr_assert_eq(trace_store_run_info(db, -1, &info, err, sizeof err), 0);
    cr_assert_eq(info.seed, 18446744073709551615ULL);
    h_rmtree(dir);
}

/* ---- appending, incomplete runs ---- */

Test(store, second_run_appends)
{
    char dir[64], db[128], err[512];
    h_tmpdir(dir);
    snprintf(db, sizeof db, "%s/two.db", dir);
    stored a, b;
    store_scenario(db, "scenarios/book/echo.json", 0, false, &a);
    store_scenario(db, "scenarios/book/remote_echo.json", 0, false, &b);
    cr_assert_eq(a.h.run_id, 1);
    cr_assert_eq(b.h.run_id, 2);

    /* the newest by default, any by id; the first is untouched */
    int64_t got;
    size_t len;
    char *text = read_back(db, -1, &len, &got);
    cr_assert_eq(got, 2);
    cr_assert(len == b.h.textlen && !memcmp(text, b.h.text, len));
    free(text);
    text = read_back(db, 1, &len, &got);
    cr_assert_eq(got, 1);
    cr_assert(len == a.h.textlen && !memcmp(text, a.h.text, len));
    free(text);

    sqlite3 *h = db_open(db);
    char *rows = q_rows(h, "SELECT id, scenario, complete, outcome FROM runs "
                        "ORDER BY id", NULL);
    cr_assert_str_eq(rows, "1|echo|1|passed\n2|remote_echo|1|passed\n");
    free(rows);
    rows = q_rows(h, "SELECT run_id, idx, name FROM nodes ORDER BY run_id, "
                  "idx", NULL);
    cr_assert_str_eq(rows, "1|0|alice@sim\n2|0|alice@sim\n2|1|bob@sim\n");
    free(rows);
    sqlite3_close(h);

    trace_run_info info;
    cr_assert_eq(trace_store_run_info(db, 3, &info, err, sizeof err), -1);
    cr_assert(strstr(err, db) && strstr(err, "no run with id 3"), "%s", err);
    stored_free(&a);
    stored_free(&b);
    h_rmtree(dir);
}

Test(store, run_stopped_by_limit_stays_incomplete)
{
    char dir[64], db[128], err[512];
    h_tmpdir(dir);
    snprintf(db, sizeof db, "%s/limit.db", dir);
    stored st;
    store_scenario(db, "scenarios/book/echo.json", 10, false, &st);
    cr_assert_eq(st.h.r.outcome, SCN_LIMIT);
    trace_run_info info;
    cr_assert_eq(trace_store_run_info(db, -1, &info, err, sizeof err), 0);
    cr_assert_not(info.complete);
    cr_assert_str_eq(info.outcome, "limit");
    cr_assert_str_eq(info.hash, "");
    cr_assert_eq(info.events, (int64_t)st.h.r.events);
    /* what was stored is the prefix that ran */
    size_t len;
    char *back = read_back(db, -1, &len, NULL);
    cr_assert(len == st.h.textlen && !memcmp(back, st.h.text, len));
    free(back);
    sqlite3 *h = db_open(db);
    cr_assert_eq(q_int(h, "SELECT count(*) FROM runs WHERE complete = 0 AND "
                       "hash IS NULL"), 1);
    sqlite3_close(h);
    stored_free(&st);
    h_rmtree(dir);
}

Test(store, writer_that_dies_leaves_an_incomplete_prefix)
{
    char dir[64], db[128], err[512];
    h_tmpdir(dir);
    snprintf(db, sizeof db, "%s/crash.db", dir);
    pid_t child = fork();
    cr_assert_geq(child, 0);
    if (child == 0) {
        trace_store *s;
        if (trace_store_open(db, &s, err, sizeof err))
            _exit(2);
        trace_run_meta m = {"crash", NULL, 7, "t", NULL, 0, NULL, false};
        if (trace_store_begin_run(s, &m, NULL, err, sizeof err))
            _exit(2);
        sim_observer o = trace_store_observer(s);
        for (int i = 0; i < 2 * TRACE_STORE_BATCH + 123; i++) {
            sim_obs_event ev = {.t = i, .node = "a@sim", .kind = "note",
                                .text = "x"};
            o.emit(o.ctx, &ev);
        }
        _exit(0);   /* no end_run, no close: as if killed */
    }
    int status;
    cr_assert_eq(waitpid(child, &status, 0), child);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    trace_run_info info;
    cr_assert_eq(trace_store_run_info(db, -1, &info, err, sizeof err), 0,
                 "%s", err);
    cr_assert_not(info.complete);
    cr_assert_str_eq(info.outcome, "");
    cr_assert_eq(info.events, 2 * TRACE_STORE_BATCH, "committed batches only");
    sqlite3 *h = db_open(db);
    cr_assert_eq(q_int(h, "SELECT count(*) FROM events"), 2 * TRACE_STORE_BATCH);
    cr_assert_eq(q_int(h, "SELECT max(seq) FROM events"), 2 * TRACE_STORE_BATCH);
    sqlite3_close(h);

    /* The database is still usable: the next run appends after it. */
    stored st;
    store_scenario(db, "scenarios/book/echo.json", 0, false, &st);
    cr_assert_eq(st.h.run_id, 2);
    stored_free(&st);
    h_rmtree(dir);
}

/* ---- refusing bad paths ---- */

static void open_fails(const char *path, const char *why)
{
    char err[1024] = "";
    trace_store *s = (trace_store *)1;
    cr_assert_eq(trace_store_open(path, &s, err, sizeof err), -1, "%s", path);
    cr_assert_null(s);
    cr_assert(strstr(err, path), "message names the path: %s", err);
    cr_assert(strstr(err, why), "message says \"%s\": %s", why, err);
}

/* A database the user may read but not write is refused. Root writes
 * through file modes, so as root (as CI runs) the open is tried by a
 * child that has given up root for the `nobody` ids; it reports the
 * message through a pipe. */
static void read_only_is_refused(const char *dir, const char *p)
{
    trace_store *s;
    char err[512] = "";
    cr_assert_eq(trace_store_open(p, &s, err, sizeof err), 0, "%s", err);
    trace_store_close(s);
    cr_assert_eq(chmod(p, 0444), 0);
    if (geteuid() != 0) {
        open_fails(p, "read-only");
        return;
    }
    cr_assert_eq(chmod(dir, 0755), 0);
    int fd[2];
    cr_assert_eq(pipe(fd), 0);
    pid_t child = fork();
    cr_assert_neq(child, -1);
    if (child == 0) {
        close(fd[0]);
        int rc = 1;
        if (setgid(65534) == 0 && setuid(65534) == 0 && geteuid() != 0) {
            s = (trace_store *)1;
            rc = trace_store_open(p, &s, err, sizeof err) == -1 && !s ? 0 : 2;
        } else {
            snprintf(err, sizeof err, "cannot drop root");
        }
        ssize_t w = write(fd[1], err, strlen(err));
        _exit(w < 0 ? 3 : rc);
    }
    close(fd[1]);
    char got[512] = "";
    ssize_t n = read(fd[0], got, sizeof got - 1);
    close(fd[0]);
    got[n > 0 ? n : 0] = '\0';
    int st;
    cr_assert_eq(waitpid(child, &st, 0), child);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "as nobody: exit %d: %s",
              WEXITSTATUS(st), got);
    cr_assert(strstr(got, p) && strstr(got, "read-only"), "as nobody: %s", got);
}

Test(store, bad_paths_are_refused_with_a_message)
{
    char dir[64], p[256];
    h_tmpdir(dir);
    snprintf(p, sizeof p, "%s/no/such/dir/x.db", dir);
    open_fails(p, "does not exist");
    open_fails(dir, "is a directory");

    snprintf(p, sizeof p, "%s/text.trace", dir);
    const char *line = "0.000000 a@sim boot text=\"creation 1\"\n";
    h_write_file(p, line);
    open_fails(p, "not a trace database");
    /* and it was not touched */
    struct stat st;
    cr_assert_eq(stat(p, &st), 0);
    cr_assert_eq(st.st_size, (off_t)strlen(line));

    sqlite3 *h;
    snprintf(p, sizeof p, "%s/other.db", dir);
    cr_assert_eq(sqlite3_open(p, &h), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(h, "CREATE TABLE t(x)", NULL, NULL, NULL), 0);
    sqlite3_close(h);
    open_fails(p, "another program");

    snprintf(p, sizeof p, "%s/newer.db", dir);
    cr_assert_eq(sqlite3_open(p, &h), SQLITE_OK);
    char sql[128];
    snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA "
             "user_version = 99; CREATE TABLE runs(x)", TRACE_STORE_APP_ID);
    cr_assert_eq(sqlite3_exec(h, sql, NULL, NULL, NULL), 0);
    sqlite3_close(h);
    open_fails(p, "version 99");

    snprintf(p, sizeof p, "%s/ro.db", dir);
    read_only_is_refused(dir, p);

    /* readers: a missing file, an empty database */
    char err[1024];
    trace_run_info info;
    snprintf(p, sizeof p, "%s/missing.db", dir);
    cr_assert_eq(trace_store_run_info(p, -1, &info, err, sizeof err), -1);
    cr_assert(strstr(err, p) && strstr(err, "no such file"), "%s", err);
    snprintf(p, sizeof p, "%s/empty.db", dir);
    trace_store *s;
    cr_assert_eq(trace_store_open(p, &s, err, sizeof err), 0);
    trace_store_close(s);
    cr_assert_eq(trace_store_run_info(p, -1, &info, err, sizeof err), -1);
    cr_assert(strstr(err, "holds no runs"), "%s", err);
    h_rmtree(dir);
}

/* ---- views ---- */

/* Checks one view against the captured events: `sql` selects (seq, ...)
 * ordered by seq; expect() says whether an event belongs and writes its
 * row the same way. */
typedef bool (*row_fn)(const cev *e, FILE *row);

static void view_matches(sqlite3 *h, const char *sql, const capture *c,
                         row_fn fn, int min_rows)
{
    char *want = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&want, &len);
    for (size_t i = 0; i < c->n; i++) {
        char *row = NULL;
        size_t rl = 0;
        FILE *r = open_memstream(&row, &rl);
        bool in = fn(&c->ev[i], r);
        fclose(r);
        if (in)
            fprintf(f, "%zu|%s\n", i + 1, row);
        free(row);
    }
    fclose(f);
    int n;
    char *got = q_rows(h, sql, &n);
    cr_assert_str_eq(got, want, "%s", sql);
    cr_assert_geq(n, min_rows, "%s: %d rows", sql, n);
    free(got);
    free(want);
}

static const char *nn(const char *s)
{
    return s ? s : "\\N";
}

static bool is(const cev *e, const char *kind)
{
    return !strcmp(e->f[F_KIND], kind);
}

static bool row_nodeupdown(const cev *e, FILE *r)
{
    if (!is(e, "nodeup") && !is(e, "nodedown"))
        return false;
    fprintf(r, "%s|%s|%s|%s", e->f[F_NODE], nn(e->f[F_PEER]), e->f[F_KIND],
            nn(e->f[F_REASON]));
    return true;
}

/* The documented rule: seen on the sender for send and for drops other
 * than noproc, on the receiver otherwise. */
static bool msg_ends(const cev *e, const char **src, const char **dst)
{
    if (!is(e, "send") && !is(e, "deliver") && !is(e, "drop"))
        return false;
    bool at_sender = is(e, "send") ||
                     (is(e, "drop") && !same(e->f[F_REASON], "noproc"));
    *src = at_sender ? e->f[F_NODE] : e->f[F_PEER] ? e->f[F_PEER] : e->f[F_NODE];
    *dst = at_sender ? e->f[F_PEER] : e->f[F_NODE];
    return true;
}

static bool row_alice_bob(const cev *e, FILE *r)
{
    const char *src, *dst;
    if (!msg_ends(e, &src, &dst) || !src || !dst)
        return false;
    if (!((!strcmp(src, "alice@sim") && !strcmp(dst, "bob@sim")) ||
          (!strcmp(src, "bob@sim") && !strcmp(dst, "alice@sim"))))
        return false;
    fprintf(r, "%s|%s|%s|%s|%s", e->f[F_KIND], src, dst, nn(e->f[F_TO]),
            nn(e->f[F_TERM]));
    return true;
}

static bool row_transcript(const cev *e, FILE *r)
{
    if (!e->f[F_TEXT] || !(is(e, "eval") || is(e, "result") ||
                           is(e, "output") || is(e, "log") || is(e, "note")))
        return false;
    fprintf(r, "%s|%s|%s", nn(e->f[F_NODE]), e->f[F_KIND], e->f[F_TEXT]);
    return true;
}

static bool row_global(const cev *e, FILE *r)
{
    if (strncmp(e->f[F_KIND], "global_", 7))
        return false;
    fprintf(r, "%s|%s|%s|%s|%s|%s", e->f[F_NODE], e->f[F_KIND],
            nn(e->f[F_NAME]), nn(e->f[F_PID]),
            is(e, "global_conflict") ? nn(e->f[F_TO]) : "\\N",
            nn(e->f[F_REASON]));
    return true;
}

/* Run 1: the CAP split; run 2: a notify_all_name clash (README's demo.db). */
static void demo_db(const char *db, stored *cap, stored *clash)
{
    store_scenario(db, "scenarios/book/cap.json", 0, true, cap);
    store_scenario(db, "scenarios/global/clash_notify_all_name.json", 0, true,
                   clash);
    cr_assert_eq(cap->h.run_id, 1);
    cr_assert_eq(clash->h.run_id, 2);
}

Test(store, views_answer_as_the_event_stream_says)
{
    char dir[64], db[128];
    h_tmpdir(dir);
    snprintf(db, sizeof db, "%s/demo.db", dir);
    stored cap, clash;
    demo_db(db, &cap, &clash);
    sqlite3 *h = db_open(db);
    sqlite3_exec(h, "PRAGMA reverse_unordered_selects = ON", NULL, NULL, NULL);

    view_matches(h, "SELECT seq, node, peer, kind, reason FROM nodeupdown "
                 "WHERE run_id = 1 ORDER BY seq", &cap.cap, row_nodeupdown, 8);
    view_matches(h, "SELECT seq, kind, src, dst, dest, msg FROM messages "
                 "WHERE run_id = 1 AND ((src = 'alice@sim' AND dst = "
                 "'bob@sim') OR (src = 'bob@sim' AND dst = 'alice@sim')) "
                 "ORDER BY seq", &cap.cap, row_alice_bob, 2);
    view_matches(h, "SELECT seq, coalesce(node, '\\N'), kind, text FROM "
                 "transcript WHERE run_id = 1 ORDER BY seq", &cap.cap,
                 row_transcript, 10);
    view_matches(h, "SELECT seq, node, kind, name, coalesce(pid, '\\N'), "
                 "coalesce(loser, '\\N'), coalesce(reason, '\\N') FROM "
                 "global_names WHERE run_id = 2 ORDER BY seq", &clash.cap,
                 row_global, 4);
    /* views never mix runs */
    cr_assert_eq(q_int(h, "SELECT count(*) FROM messages WHERE run_id = 2 "
                       "AND msg LIKE '%from_bob%'"), 0);

    /* The scenario's own story, as facts. The partition at 5 s is noticed
     * by everyone within net_ticktime (10 s) +- a quarter. */
    cr_assert_eq(q_int(h, "SELECT count(*) FROM nodeupdown WHERE run_id = 1 "
                       "AND kind = 'nodedown' AND reason = 'net_tick_timeout' "
                       "AND t_us BETWEEN 5000000 + 7500000 AND "
                       "5000000 + 12500000"), 4);
    /* the last put of x each node's dist_kv received */
    char *rows = q_rows(h, "SELECT m.dst, m.msg FROM messages m WHERE "
                        "m.run_id = 1 AND m.kind = 'deliver' AND m.msg LIKE "
                        "'{''$gen_cast'',{put,x,%' AND m.seq = (SELECT max(seq) "
                        "FROM messages WHERE run_id = 1 AND kind = 'deliver' "
                        "AND dst = m.dst AND msg LIKE '{''$gen_cast'',{put,x,%') "
                        "ORDER BY m.dst", NULL);
    cr_assert_str_eq(rows, "alice@sim|{'$gen_cast',{put,x,from_alice}}\n"
                     "bob@sim|{'$gen_cast',{put,x,from_bob}}\n"
                     "carol@sim|{'$gen_cast',{put,x,from_bob}}\n");
    free(rows);
    /* a write from bob during the split reaches carol, never alice */
    cr_assert_gt(q_int(h, "SELECT count(*) FROM messages WHERE run_id = 1 "
                       "AND kind = 'deliver' AND src = 'bob@sim' AND "
                       "dst = 'carol@sim' AND msg LIKE '%from_bob%'"), 0);
    cr_assert_eq(q_int(h, "SELECT count(*) FROM messages WHERE run_id = 1 "
                       "AND dst = 'alice@sim' AND msg LIKE '%from_bob%'"), 0);
    rows = q_rows(h, "SELECT node, kind, reason FROM global_names WHERE "
                  "run_id = 2 AND kind <> 'global_register' ORDER BY seq",
                  NULL);
    cr_assert_str_eq(rows, "alice@sim|global_conflict|notify_all_name\n"
                     "alice@sim|global_unregister|conflict\n"
                     "bob@sim|global_unregister|conflict\n");
    free(rows);
    cr_assert_eq(q_int(h, "SELECT count(*) FROM global_names WHERE run_id = 2 "
                       "AND kind = 'global_conflict' AND pid IS NULL AND "
                       "loser IS NOT NULL"), 1, "notify_all_name keeps nobody");
    sqlite3_close(h);
    stored_free(&cap);
    stored_free(&clash);
    h_rmtree(dir);
}

/* msg_id links every send to its one deliver or drop, across nodes;
 * gpid and gdest name a pid by its node, so a pid printed <1.87.0> on bob
 * and <0.87.0> on alice joins as one process. */
Test(store, message_ids_and_node_qualified_pids_join)
{
    char dir[64], db[128];
    h_tmpdir(dir);
    snprintf(db, sizeof db, "%s/ids.db", dir);
    stored a, b, c;
    store_scenario(db, "scenarios/book/cap.json", 0, false, &a);
    store_scenario(db, "scenarios/book/remote_echo.json", 0, false, &b);
    store_scenario(db, "scenarios/net/lost_in_partition.json", 0, false, &c);
    sqlite3 *h = db_open(db);
    for (int run = 1; run <= 3; run++) {
        char sql[512];
        /* every send has exactly one outcome with its id */
        snprintf(sql, sizeof sql, "SELECT count(*) FROM events s WHERE "
                 "s.run_id = %d AND s.kind = 'send' AND (SELECT count(*) FROM "
                 "events o WHERE o.run_id = s.run_id AND o.msg_id = s.msg_id "
                 "AND o.kind IN ('deliver', 'drop')) <> 1", run);
        cr_expect_eq(q_int(h, sql), 0, "run %d", run);
        /* ids are unique per send and set on every message event only */
        snprintf(sql, sizeof sql, "SELECT count(*) - count(DISTINCT msg_id) "
                 "FROM events WHERE run_id = %d AND kind = 'send'", run);
        cr_expect_eq(q_int(h, sql), 0, "run %d", run);
        snprintf(sql, sizeof sql, "SELECT count(*) FROM events WHERE run_id = "
                 "%d AND ((kind IN ('send', 'deliver', 'drop')) <> "
                 "(msg_id IS NOT NULL))", run);
        cr_expect_eq(q_int(h, sql), 0, "run %d", run);
    }
    /* remote_echo: each send, its outcome, and where that happened */
    char *rows = q_rows(h, "SELECT s.node, o.node, o.kind, coalesce(o.reason, "
                        "'-'), s.msg_id FROM events s JOIN events o ON "
                        "o.run_id = s.run_id AND o.msg_id = s.msg_id AND "
                        "o.kind <> 'send' WHERE s.run_id = 2 AND s.kind = "
                        "'send' ORDER BY s.seq", NULL);
    cr_assert_str_eq(rows, "alice@sim|bob@sim|deliver|-|1\n"
                     "bob@sim|alice@sim|deliver|-|2\n"
                     "alice@sim|bob@sim|drop|noproc|3\n");
    free(rows);
    /* bob's reply goes to <1.87.0> as bob prints it: alice's shell */
    rows = q_rows(h, "SELECT node, dest, gdest FROM events WHERE run_id = 2 "
                  "AND msg_id = 2 ORDER BY seq", NULL);
    cr_assert_str_eq(rows, "bob@sim|<1.87.0>|alice@sim/<0.87.0>\n"
                     "alice@sim|<0.87.0>|alice@sim/<0.87.0>\n");
    free(rows);
    /* <0.88.0> on bob (the echo server) is not <0.88.0> on alice */
    cr_assert_eq(q_int(h, "SELECT count(*) FROM events WHERE run_id = 2 AND "
                       "kind = 'register' AND name = 'echo' AND gpid = "
                       "'bob@sim/' || pid"), 1);
    cr_assert_eq(q_int(h, "SELECT count(*) FROM events e JOIN events r ON "
                       "r.run_id = e.run_id AND r.gpid = e.gdest WHERE "
                       "e.run_id = 2 AND e.kind = 'deliver' AND r.kind = "
                       "'spawn' AND e.node <> r.node"), 0,
                 "a deliver joins only the spawn of its own node's process");
    /* the message lost in the partition: sent by alice, dropped by alice */
    rows = q_rows(h, "SELECT m.kind, m.src, m.dst, m.reason FROM messages m "
                  "WHERE m.run_id = 3 AND m.msg_id = (SELECT msg_id FROM "
                  "messages WHERE run_id = 3 AND kind = 'send' AND msg = "
                  "'hello') ORDER BY m.seq", NULL);
    cr_assert_str_eq(rows, "send|alice@sim|bob@sim|\\N\n"
                     "drop|alice@sim|bob@sim|connection_closed\n");
    free(rows);
    sqlite3_close(h);
    stored_free(&a);
    stored_free(&b);
    stored_free(&c);
    h_rmtree(dir);
}

/* A database written by schema 1 is brought up to date by the next
 * writer (its old events keep NULL ids) and read as it is by readers. */
Test(store, schema_1_is_upgraded_by_a_writer)
{
    char dir[64], db[128], err[512];
    h_tmpdir(dir);
    snprintf(db, sizeof db, "%s/old.db", dir);
    sqlite3 *w;
    cr_assert_eq(sqlite3_open(db, &w), SQLITE_OK);
    char sql[2048];
    snprintf(sql, sizeof sql,
             "CREATE TABLE runs (id INTEGER PRIMARY KEY, scenario TEXT NOT NULL,"
             " file TEXT, seed INTEGER NOT NULL, version TEXT NOT NULL, hash TEXT,"
             " outcome TEXT, complete INTEGER NOT NULL DEFAULT 0, events INTEGER"
             " NOT NULL DEFAULT 0);"
             "CREATE TABLE nodes (run_id INTEGER NOT NULL, idx INTEGER NOT NULL,"
             " name TEXT NOT NULL, PRIMARY KEY (run_id, idx)) WITHOUT ROWID;"
             "CREATE TABLE events (run_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
             " t_us INTEGER NOT NULL, node TEXT, kind TEXT NOT NULL, peer TEXT,"
             " pid TEXT, dest TEXT, name TEXT, reason TEXT, term TEXT, text TEXT,"
             " PRIMARY KEY (run_id, seq)) WITHOUT ROWID;"
             "CREATE VIEW messages AS SELECT run_id, seq FROM events;"
             "CREATE VIEW global_names AS SELECT run_id, seq FROM events;"
             "PRAGMA application_id = %d; PRAGMA user_version = 1;",
             TRACE_STORE_APP_ID);
    cr_assert_eq(sqlite3_exec(w, sql, NULL, NULL, NULL), SQLITE_OK, "%s",
                 sqlite3_errmsg(w));
    sqlite3_close(w);
    trace_run_info info;
    cr_expect_neq(trace_store_run_info(db, -1, &info, err, sizeof err), 0);
    cr_expect(strstr(err, "holds no runs"), "a reader reads schema 1: %s", err);
    stored a;
    store_scenario(db, "scenarios/book/remote_echo.json", 0, false, &a);
    sqlite3 *h = db_open(db);
    cr_expect_eq(q_int(h, "PRAGMA user_version"), TRACE_STORE_SCHEMA);
    cr_expect_eq(q_int(h, "SELECT count(*) FROM messages WHERE msg_id IS NOT "
                       "NULL AND gdest IS NOT NULL"), 2);
    cr_expect_eq(q_int(h, "SELECT count(*) FROM pragma_table_info("
                       "'global_names') WHERE name = 'gpid'"), 1);
    sqlite3_close(h);
    stored_free(&a);
    h_rmtree(dir);
}

Test(store, readme_queries_answer_and_are_ordered)
{
    char dir[64], db[128];
    h_tmpdir(dir);
    snprintf(db, sizeof db, "%s/demo.db", dir);
    stored cap, clash;
    demo_db(db, &cap, &clash);
    stored_free(&cap);
    stored_free(&clash);

    FILE *f = fopen("traces/README.md", "r");
    cr_assert_not_null(f, "traces/README.md: run from the top of the tree");
    char *line = NULL, *sql = NULL;
    size_t cap_ = 0, sqllen = 0;
    FILE *cur = NULL;
    int nq = 0;
    sqlite3 *h = db_open(db);
    while (getline(&line, &cap_, f) >= 0) {
        if (!cur && !strcmp(line, "```sql\n")) {
            cur = open_memstream(&sql, &sqllen);
            continue;
        }
        if (cur && !strcmp(line, "```\n")) {
            fclose(cur);
            cur = NULL;
            int n1, n2;
            sqlite3_exec(h, "PRAGMA reverse_unordered_selects = OFF", NULL,
                         NULL, NULL);
            char *a = q_rows(h, sql, &n1);
            sqlite3_exec(h, "PRAGMA reverse_unordered_selects = ON", NULL,
                         NULL, NULL);
            char *b = q_rows(h, sql, &n2);
            cr_assert_gt(n1, 0, "README query returns nothing:\n%s", sql);
            cr_assert_str_eq(a, b, "README query depends on an unspecified "
                             "order:\n%s", sql);
            free(a);
            free(b);
            free(sql);
            sql = NULL;
            nq++;
            continue;
        }
        if (cur)
            fputs(line, cur);
    }
    cr_assert_null(cur, "unterminated sql block in traces/README.md");
    cr_assert_geq(nq, 8, "README's example queries: %d", nq);
    free(line);
    fclose(f);
    sqlite3_close(h);
    h_rmtree(dir);
}

/* ---- the command line ---- */

static const char *cli_bin(void)
{
    const char *b = getenv("CLUSTERSIM_BIN");
    return b ? b : "bin/clustersim";
}

/* Runs a shell command line; returns the exit status. */
static int sh(const char *fmt, const char *a, const char *b, const char *c)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, fmt, cli_bin(), a, b, c);
    int st = system(cmd);
    cr_assert(WIFEXITED(st), "%s", cmd);
    return WEXITSTATUS(st);
}

Test(cli, run_trace_show_and_limits)
{
    /* never skipped: `make unit` and `make test` build the binary first */
    cr_assert_eq(access(cli_bin(), X_OK), 0, "%s not built (make bin/clustersim)",
                 cli_bin());
    char dir[64], db[128], txt[128], o[128];
    h_tmpdir(dir);
    snprintf(db, sizeof db, "%s/cli.db", dir);
    snprintf(txt, sizeof txt, "%s/mesh.trace", dir);
    snprintf(o, sizeof o, "%s/out", dir);

    /* --text and --trace of one run; show gives the same bytes */
    cr_assert_eq(sh("%s run scenarios/book/mesh.json --quiet --text %s "
                    "--trace %s >/dev/null", txt, db, ""), 0);
    cr_assert_eq(sh("%s trace show %s >%s", db, o, ""), 0);
    char *want = h_read(txt), *got = h_read(o);
    cr_assert_str_eq(got, want);
    free(got);
    free(want);

    /* a run stopped by --max-events: exit 3, kept, marked incomplete */
    cr_assert_eq(sh("%s run scenarios/book/echo.json --quiet --max-events 10 "
                    "--trace %s >%s 2>&1", db, o, ""), 3);
    got = h_read(o);
    cr_assert(strstr(got, "#2 is marked incomplete"), "%s", got);
    free(got);
    trace_run_info info;
    char err[512];
    cr_assert_eq(trace_store_run_info(db, -1, &info, err, sizeof err), 0);
    cr_assert_eq(info.id, 2);
    cr_assert_not(info.complete);
    cr_assert_str_eq(info.outcome, "limit");
    cr_assert_eq(sh("%s trace show %s --run 2 >/dev/null 2>%s", db, o, ""), 0);
    got = h_read(o);
    cr_assert(strstr(got, "warning") && strstr(got, "incomplete (limit)"),
              "%s", got);
    free(got);

    /* diff exit codes: equal 0, different 1, unreadable 2 */
    char spec[160];
    snprintf(spec, sizeof spec, "%s#1", db);
    cr_assert_eq(sh("%s trace diff %s %s >/dev/null", spec, txt, ""), 0);
    cr_assert_eq(sh("%s trace diff %s %s >/dev/null", db, txt, ""), 1);
    cr_assert_eq(sh("%s trace diff %s %s/none >/dev/null 2>&1", txt, dir, ""),
                 2);

    /* bad paths: exit 2, the path and the reason on stderr */
    cr_assert_eq(sh("%s run scenarios/book/echo.json --quiet --trace "
                    "%s/no/dir/x.db >/dev/null 2>%s", dir, o, ""), 2);
    got = h_read(o);
    cr_assert(strstr(got, "/no/dir/x.db") && strstr(got, "does not exist"),
              "%s", got);
    free(got);
    cr_assert_eq(sh("%s run scenarios/book/echo.json --quiet --trace %s "
                    ">/dev/null 2>%s", txt, o, ""), 2);
    got = h_read(o);
    cr_assert(strstr(got, txt) && strstr(got, "not a trace database"), "%s",
              got);
    free(got);
    cr_assert_eq(sh("%s trace show %s/nothing.db 2>/dev/null", dir, "", ""), 2);
    cr_assert_eq(sh("%s trace show %s --run 7 2>/dev/null", db, "", ""), 2);
    h_rmtree(dir);
}
