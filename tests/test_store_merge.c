/* Trace store tests for schema 4 and trace merge (issue 15): the
 * migration 3 -> 4; trace_store_merge's copies (runs, nodes, events, ops,
 * new ids), idempotence, the canonical order (the same runs split
 * differently give the same rows), duplicates kept once, conflicts (exit
 * 4, nothing written), bad inputs (exit 2, nothing written), older
 * schemas as inputs, incomplete runs, and a real scenario's run read back
 * byte-identical after a merge. The CLI is tested by tests/trace_merge.sh. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "traces/store.h"
#include "traces/trace.h"
#include "tests/harness.h"

/* ---- helpers ---- */

#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SHA_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

/* Appends one run of scenario `scn` (sha may be NULL) with `seed` to db:
 * a few events derived from the seed, among them a write's invoke and
 * ok (so ops gets rows). complete: ended with hash = seed * 7 + salt;
 * otherwise stopped as "limit". */
static void put_run(const char *db, const char *scn, const char *sha,
                    uint64_t seed, bool swarm, bool complete, uint64_t salt)
{
    char err[512], file[128], text[64];
    snprintf(file, sizeof file, "scenarios/%s.json", scn);
    trace_store *s;
    cr_assert_eq(trace_store_open(db, &s, err, sizeof err), 0, "%s", err);
    const char *nodes[] = {"a@sim", "b@sim"};
    trace_run_meta m = {.scenario = scn, .file = file, .seed = seed,
                        .version = "t", .nodes = nodes, .nnodes = 2,
                        .sha256 = sha, .swarm = swarm};
    int64_t id;
    cr_assert_eq(trace_store_begin_run(s, &m, &id, err, sizeof err), 0, "%s",
                 err);
    sim_observer o = trace_store_observer(s);
    for (uint64_t i = 0; i < 3 + seed % 4; i++) {
        snprintf(text, sizeof text, "seed %llu event %llu",
                 (unsigned long long)seed, (unsigned long long)i);
        sim_obs_event ev = {.t = (int64_t)(i * 1000), .node = "a@sim",
                            .kind = "note", .text = text};
        o.emit(o.ctx, &ev);
    }
    sim_obs_event inv = {.t = 9000, .node = "b@sim", .kind = "invoke",
                         .pid = "<0.90.0>", .name = "write", .term = "5",
                         .text = "process 0, key 1"};
    sim_obs_event ok = {.t = 9500, .node = "b@sim", .kind = "ok",
                        .pid = "<0.90.0>", .name = "write", .term = "5",
                        .text = "process 0, key 1"};
    o.emit(o.ctx, &inv);
    o.emit(o.ctx, &ok);
    if (complete)
        cr_assert_eq(trace_store_end_run(s, seed * 7 + salt, "passed", err,
                                         sizeof err), 0, "%s", err);
    else
        cr_assert_eq(trace_store_stop_run(s, "limit", err, sizeof err), 0,
                     "%s", err);
    trace_store_close(s);
}

static sqlite3 *db_open(const char *path)
{
    sqlite3 *db;
    cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
                 SQLITE_OK, "%s", path);
    return db;
}

static int64_t q_int(const char *path, const char *sql)
{
    sqlite3 *db = db_open(path);
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK,
                 "%s: %s", sql, sqlite3_errmsg(db));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* The rows of sql as text (columns '|', NULL \N, rows '\n'). */
static void q_rows_to(sqlite3 *db, const char *sql, FILE *f)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK,
                 "%s: %s", sql, sqlite3_errmsg(db));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(st); c++) {
            const unsigned char *v = sqlite3_column_text(st, c);
            fprintf(f, "%s%s", c ? "|" : "", v ? (const char *)v : "\\N");
        }
        fputc('\n', f);
    }
    cr_assert_eq(rc, SQLITE_DONE, "%s: %s", sql, sqlite3_errmsg(db));
    sqlite3_finalize(st);
}

static char *q_rows(const char *path, const char *sql)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    sqlite3 *db = db_open(path);
    q_rows_to(db, sql, f);
    sqlite3_close(db);
    fclose(f);
    return buf;
}

/* Every row of every table, in key order: what `sqlite3 DB .dump` says
 * of the data. Caller frees. */
static char *dump(const char *path)
{
    static const char *const q[] = {
        "SELECT * FROM runs ORDER BY id",
        "SELECT * FROM nodes ORDER BY run_id, idx",
        "SELECT * FROM events ORDER BY run_id, seq",
        "SELECT * FROM ops ORDER BY run_id, seq"};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    sqlite3 *db = db_open(path);
    for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
        fprintf(f, "-- %s\n", q[i]);
        q_rows_to(db, q[i], f);
    }
    sqlite3_close(db);
    fclose(f);
    return buf;
}

static int merge(const char *out, const char *a, const char *b,
                 trace_merge_stats *st, char *err, size_t errlen)
{
    const char *in[] = {a, b};
    return trace_store_merge_stats(out, in, b ? 2 : 1, st, err, errlen);
}

static void path_in(char *buf, size_t n, const char *dir, const char *name)
{
    snprintf(buf, n, "%s/%s", dir, name);
}

static void sql_exec(const char *path, const char *sql)
{
    sqlite3 *w;
    cr_assert_eq(sqlite3_open(path, &w), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(w, sql, NULL, NULL, NULL), SQLITE_OK, "%s: %s",
                 sql, sqlite3_errmsg(w));
    sqlite3_close(w);
}

/* ---- schema 4 ---- */

/* A schema-3 database (no scenario_sha256, swarm) is read as it is and
 * brought up to date by the next writer; its runs keep NULL and 0. */
Test(store_merge, schema_3_is_upgraded_by_a_writer)
{
    char dir[64], db[128], err[512];
    h_tmpdir(dir);
    path_in(db, sizeof db, dir, "three.db");
    put_run(db, "s", SHA_A, 1, true, true, 0);
    sql_exec(db, "ALTER TABLE runs DROP COLUMN swarm;"
                 "ALTER TABLE runs DROP COLUMN scenario_sha256;"
                 "PRAGMA user_version = 3;");
    trace_run_info info;
    cr_assert_eq(trace_store_run_info(db, -1, &info, err, sizeof err), 0,
                 "a reader reads schema 3: %s", err);
    cr_assert_eq(q_int(db, "PRAGMA user_version"), 3, "a reader writes nothing");
    put_run(db, "s", SHA_B, 2, true, true, 0);
    cr_assert_eq(q_int(db, "PRAGMA user_version"), TRACE_STORE_SCHEMA);
    char *rows = q_rows(db, "SELECT id, seed, scenario_sha256, swarm FROM runs"
                        " ORDER BY id");
    cr_assert_str_eq(rows, "1|1|\\N|0\n2|2|" SHA_B "|1\n");
    free(rows);
    h_rmtree(dir);
}

Test(store_merge, a_run_records_its_sha_and_swarm)
{
    char dir[64], db[128];
    h_tmpdir(dir);
    path_in(db, sizeof db, dir, "new.db");
    put_run(db, "s", SHA_A, 1, false, true, 0);
    put_run(db, "s", NULL, 2, true, true, 0);
    char *rows = q_rows(db, "SELECT id, scenario_sha256, swarm FROM runs"
                        " ORDER BY id");
    cr_assert_str_eq(rows, "1|" SHA_A "|0\n2|\\N|1\n");
    free(rows);
    h_rmtree(dir);
}

/* ---- merging ---- */

Test(store_merge, two_databases)
{
    char dir[64], a[128], b[128], out[128], err[1024] = "";
    h_tmpdir(dir);
    path_in(a, sizeof a, dir, "a.db");
    path_in(b, sizeof b, dir, "b.db");
    path_in(out, sizeof out, dir, "out.db");
    put_run(a, "s", SHA_A, 2, false, true, 0);
    put_run(a, "s", SHA_A, 1, false, true, 0);
    put_run(b, "t", SHA_B, 3, true, true, 0);
    trace_merge_stats st;
    cr_assert_eq(merge(out, a, b, &st, err, sizeof err), 0, "%s", err);
    cr_expect_eq(st.runs_read, 3);
    cr_expect_eq(st.added, 3);
    cr_expect_eq(st.duplicates, 0);
    cr_expect_eq(q_int(out, "PRAGMA user_version"), TRACE_STORE_SCHEMA);
    cr_expect_eq(q_int(out, "PRAGMA application_id"), TRACE_STORE_APP_ID);
    /* canonical order: s seed 1, s seed 2, t seed 3 */
    char *rows = q_rows(out, "SELECT id, scenario, seed, swarm, hash, events"
                        " FROM runs ORDER BY id");
    cr_assert_str_eq(rows, "1|s|1|0|0000000000000007|6\n"
                     "2|s|2|0|000000000000000e|7\n"
                     "3|t|3|1|0000000000000015|8\n");
    free(rows);
    cr_expect_eq(q_int(out, "SELECT count(*) FROM nodes"), 6);
    cr_expect_eq(q_int(out, "SELECT count(*) FROM events"), 21);
    cr_expect_eq(q_int(out, "SELECT count(*) FROM ops"), 6);
    /* a run's rows are its original's, under the new id */
    char *orig = q_rows(a, "SELECT seq, t_us, node, kind, text, gpid FROM"
                        " events WHERE run_id = 1 ORDER BY seq");
    char *copy = q_rows(out, "SELECT seq, t_us, node, kind, text, gpid FROM"
                        " events WHERE run_id = 2 ORDER BY seq");
    cr_assert_str_eq(copy, orig);
    free(orig);
    free(copy);
    orig = q_rows(b, "SELECT seq, idx, type, key, value, inv_seq, ret_seq,"
                  " written FROM ops WHERE run_id = 1 ORDER BY seq");
    copy = q_rows(out, "SELECT seq, idx, type, key, value, inv_seq, ret_seq,"
                  " written FROM ops WHERE run_id = 3 ORDER BY seq");
    cr_assert_str_eq(copy, orig);
    free(orig);
    free(copy);
    /* the views work on the copy */
    cr_expect_eq(q_int(out, "SELECT count(*) FROM op_pairs WHERE run_id = 3"), 1);
    h_rmtree(dir);
}

Test(store_merge, merging_twice_changes_nothing)
{
    char dir[64], a[128], out[128], err[1024] = "";
    h_tmpdir(dir);
    path_in(a, sizeof a, dir, "a.db");
    path_in(out, sizeof out, dir, "out.db");
    put_run(a, "s", SHA_A, 1, false, true, 0);
    put_run(a, "s", SHA_A, 2, false, true, 0);
    put_run(a, "s", SHA_A, 2, false, false, 0);   /* incomplete */
    trace_merge_stats st;
    cr_assert_eq(merge(out, a, NULL, &st, err, sizeof err), 0, "%s", err);
    cr_expect_eq(st.added, 3);
    cr_expect_eq(st.incomplete, 1);
    char *first = dump(out);
    size_t n0, n1;
    char *bytes0 = h_slurp(out, &n0);
    cr_assert_eq(merge(out, a, a, &st, err, sizeof err), 0, "%s", err);
    char *bytes1 = h_slurp(out, &n1);
    cr_expect(n0 == n1 && !memcmp(bytes0, bytes1, n0),
              "nothing to add, yet out was rewritten");
    free(bytes0);
    free(bytes1);
    cr_expect_eq(st.added, 0);
    cr_expect_eq(st.duplicates, 6);
    char *second = dump(out);
    cr_assert_str_eq(second, first);
    free(first);
    free(second);
    h_rmtree(dir);
}

/* The same runs split differently across inputs, in any order, give the
 * same rows; appending to an existing out numbers after its runs. */
Test(store_merge, canonical_order)
{
    char dir[64], a[128], b[128], x[128], y[128], o1[128], o2[128], o3[128];
    char err[1024] = "";
    h_tmpdir(dir);
    path_in(a, sizeof a, dir, "a.db");
    path_in(b, sizeof b, dir, "b.db");
    path_in(x, sizeof x, dir, "x.db");
    path_in(y, sizeof y, dir, "y.db");
    path_in(o1, sizeof o1, dir, "o1.db");
    path_in(o2, sizeof o2, dir, "o2.db");
    path_in(o3, sizeof o3, dir, "o3.db");
    /* a: s 1 2 3, t 9 (incomplete); b: s 3 4 and no-sha u 5 (swarm) */
    put_run(a, "s", SHA_A, 3, false, true, 0);
    put_run(a, "s", SHA_A, 1, false, true, 0);
    put_run(a, "t", SHA_B, 9, false, false, 0);
    put_run(a, "s", SHA_A, 2, false, true, 0);
    put_run(b, "u", NULL, 5, true, true, 0);
    put_run(b, "s", SHA_A, 4, false, true, 0);
    put_run(b, "s", SHA_A, 3, false, true, 0);
    /* x, y: the same runs split otherwise, written in another order */
    put_run(x, "s", SHA_A, 4, false, true, 0);
    put_run(x, "t", SHA_B, 9, false, false, 0);
    put_run(x, "s", SHA_A, 1, false, true, 0);
    put_run(y, "s", SHA_A, 2, false, true, 0);
    put_run(y, "u", NULL, 5, true, true, 0);
    put_run(y, "s", SHA_A, 3, false, true, 0);
    trace_merge_stats st;
    cr_assert_eq(merge(o1, a, b, &st, err, sizeof err), 0, "%s", err);
    cr_expect_eq(st.added, 6);
    cr_expect_eq(st.duplicates, 1);
    cr_assert_eq(merge(o2, b, a, &st, err, sizeof err), 0, "%s", err);
    cr_assert_eq(merge(o3, y, x, &st, err, sizeof err), 0, "%s", err);
    cr_expect_eq(st.duplicates, 0);
    char *d1 = dump(o1), *d2 = dump(o2), *d3 = dump(o3);
    cr_assert_str_eq(d2, d1);
    cr_assert_str_eq(d3, d1);
    free(d1);
    free(d2);
    free(d3);
    char *rows = q_rows(o1, "SELECT id, scenario, seed, complete FROM runs"
                        " ORDER BY id");
    cr_assert_str_eq(rows, "1|s|1|1\n2|s|2|1\n3|s|3|1\n4|s|4|1\n5|t|9|0\n"
                     "6|u|5|1\n");
    free(rows);
    /* into an existing out: after its runs, its own rows untouched */
    path_in(o3, sizeof o3, dir, "o4.db");
    put_run(o3, "z", NULL, 1, false, true, 0);
    cr_assert_eq(merge(o3, x, NULL, &st, err, sizeof err), 0, "%s", err);
    rows = q_rows(o3, "SELECT id, scenario, seed FROM runs ORDER BY id");
    cr_assert_str_eq(rows, "1|z|1\n2|s|1\n3|s|4\n4|t|9\n");
    free(rows);
    h_rmtree(dir);
}

/* Same key, another hash: exit 4 naming the key, both hashes and both
 * files; out is left byte for byte as it was, and nothing else is. */
Test(store_merge, a_conflict_writes_nothing)
{
    char dir[64], a[128], b[128], out[128], partial[160], err[1024] = "";
    h_tmpdir(dir);
    path_in(a, sizeof a, dir, "a.db");
    path_in(b, sizeof b, dir, "b.db");
    path_in(out, sizeof out, dir, "out.db");
    put_run(a, "s", SHA_A, 1, false, true, 0);
    put_run(a, "s", SHA_A, 3, false, true, 0);
    put_run(b, "s", SHA_A, 2, false, true, 0);
    put_run(b, "s", SHA_A, 3, false, true, 0);
    sql_exec(b, "UPDATE runs SET hash = 'deadbeefdeadbeef' WHERE seed = 3");
    put_run(out, "z", NULL, 1, false, true, 0);
    size_t n0, n1;
    char *before = h_slurp(out, &n0);
    trace_merge_stats st;
    cr_assert_eq(merge(out, a, b, &st, err, sizeof err), 4, "%s", err);
    cr_expect(strstr(err, "scenario s, seed 3"), "%s", err);
    cr_expect(strstr(err, "0000000000000015"), "%s", err);
    cr_expect(strstr(err, "deadbeefdeadbeef"), "%s", err);
    cr_expect(strstr(err, a) && strstr(err, b), "%s", err);
    cr_expect_eq(st.added, 0);
    char *after = h_slurp(out, &n1);
    cr_assert(n0 == n1 && !memcmp(before, after, n0), "out was changed");
    free(before);
    free(after);
    snprintf(partial, sizeof partial, "%s.partial", out);
    cr_expect_neq(access(partial, F_OK), 0, "OUT.partial was left behind");
    /* another outcome under the same key is a conflict as well */
    sql_exec(b, "UPDATE runs SET hash = '0000000000000015', outcome ="
                " 'failed' WHERE seed = 3");
    cr_assert_eq(merge(out, a, b, &st, err, sizeof err), 4, "%s", err);
    cr_expect(strstr(err, "failed"), "%s", err);
    /* against a run already in out, too; a new out is not created */
    path_in(out, sizeof out, dir, "new.db");
    cr_assert_eq(merge(out, b, NULL, &st, err, sizeof err), 0, "%s", err);
    cr_assert_eq(merge(out, a, NULL, &st, err, sizeof err), 4, "%s", err);
    path_in(out, sizeof out, dir, "none.db");
    cr_assert_eq(merge(out, a, b, &st, err, sizeof err), 4, "%s", err);
    cr_expect_neq(access(out, F_OK), 0, "a failed merge created its out");
    h_rmtree(dir);
}

Test(store_merge, bad_inputs_are_refused)
{
    char dir[64], a[128], bad[128], out[128], err[1024] = "";
    h_tmpdir(dir);
    path_in(a, sizeof a, dir, "a.db");
    path_in(out, sizeof out, dir, "out.db");
    put_run(a, "s", SHA_A, 1, false, true, 0);
    trace_merge_stats st;

    path_in(bad, sizeof bad, dir, "text.db");
    h_write_file(bad, "not a database\n");
    cr_assert_eq(merge(out, a, bad, &st, err, sizeof err), 2);
    cr_expect(strstr(err, bad) && strstr(err, "not a trace database"), "%s", err);
    cr_expect_neq(access(out, F_OK), 0, "a failed merge created its out");

    path_in(bad, sizeof bad, dir, "missing.db");
    cr_assert_eq(merge(out, a, bad, &st, err, sizeof err), 2);
    cr_expect(strstr(err, bad) && strstr(err, "no such file"), "%s", err);

    path_in(bad, sizeof bad, dir, "other.db");
    sql_exec(bad, "CREATE TABLE t (x); INSERT INTO t VALUES (1);");
    cr_assert_eq(merge(out, a, bad, &st, err, sizeof err), 2);
    cr_expect(strstr(err, bad) && strstr(err, "another program"), "%s", err);

    path_in(bad, sizeof bad, dir, "newer.db");
    put_run(bad, "s", SHA_A, 9, false, true, 0);
    sql_exec(bad, "PRAGMA user_version = 99");
    cr_assert_eq(merge(out, a, bad, &st, err, sizeof err), 2);
    cr_expect(strstr(err, bad) && strstr(err, "schema version 99"), "%s", err);

    cr_assert_eq(merge(out, dir, NULL, &st, err, sizeof err), 2);
    cr_expect(strstr(err, "is a directory"), "%s", err);

    /* out itself: not a trace database, or also an input */
    h_write_file(out, "text\n");
    cr_assert_eq(merge(out, a, NULL, &st, err, sizeof err), 2);
    cr_expect(strstr(err, out) && strstr(err, "not a trace database"), "%s", err);
    size_t n;
    char *text = h_slurp(out, &n);
    cr_expect_str_eq(text, "text\n");
    free(text);
    cr_assert_eq(merge(a, a, NULL, &st, err, sizeof err), 2);
    cr_expect(strstr(err, "also an input"), "%s", err);
    cr_expect_eq(q_int(a, "SELECT count(*) FROM runs"), 1);
    h_rmtree(dir);
}

/* Inputs of older schemas are read as they are (not upgraded): schema 3
 * runs have no sha, so their key falls back to (scenario, file). */
Test(store_merge, older_schemas_are_read_as_they_are)
{
    char dir[64], a[128], b[128], out[128], err[1024] = "";
    h_tmpdir(dir);
    path_in(a, sizeof a, dir, "three.db");
    path_in(b, sizeof b, dir, "two.db");
    path_in(out, sizeof out, dir, "out.db");
    put_run(a, "s", SHA_A, 1, true, true, 0);
    sql_exec(a, "ALTER TABLE runs DROP COLUMN swarm;"
                "ALTER TABLE runs DROP COLUMN scenario_sha256;"
                "PRAGMA user_version = 3;");
    put_run(b, "s", SHA_A, 2, false, true, 0);
    sql_exec(b, "DROP VIEW checkers; DROP VIEW availability;"
                "DROP VIEW lost_writes; DROP VIEW final_reads;"
                "DROP VIEW stale_reads; DROP VIEW invalid_reads;"
                "DROP VIEW op_reads; DROP VIEW op_writes; DROP VIEW op_pairs;"
                "DROP TABLE ops;"
                "ALTER TABLE runs DROP COLUMN swarm;"
                "ALTER TABLE runs DROP COLUMN scenario_sha256;"
                "PRAGMA user_version = 2;");
    trace_merge_stats st;
    cr_assert_eq(merge(out, a, b, &st, err, sizeof err), 0, "%s", err);
    cr_expect_eq(q_int(a, "PRAGMA user_version"), 3, "an input was upgraded");
    cr_expect_eq(q_int(b, "PRAGMA user_version"), 2, "an input was upgraded");
    char *rows = q_rows(out, "SELECT id, seed, scenario_sha256, swarm,"
                        " (SELECT count(*) FROM ops o WHERE o.run_id = r.id)"
                        " FROM runs r ORDER BY id");
    cr_assert_str_eq(rows, "1|1|\\N|0|2\n2|2|\\N|0|0\n");
    free(rows);
    /* the same run by a schema-4 writer has a sha: another key */
    char c[128];
    path_in(c, sizeof c, dir, "four.db");
    put_run(c, "s", SHA_A, 1, false, true, 5);
    cr_assert_eq(merge(out, c, NULL, &st, err, sizeof err), 0, "%s", err);
    cr_expect_eq(st.added, 1);
    h_rmtree(dir);
}

/* An incomplete run never conflicts: it is kept beside the complete run
 * of its key, once per outcome and event count. */
Test(store_merge, incomplete_runs)
{
    char dir[64], a[128], b[128], out[128], err[1024] = "";
    h_tmpdir(dir);
    path_in(a, sizeof a, dir, "a.db");
    path_in(b, sizeof b, dir, "b.db");
    path_in(out, sizeof out, dir, "out.db");
    put_run(a, "s", SHA_A, 1, false, true, 0);
    put_run(b, "s", SHA_A, 1, false, false, 0);
    put_run(b, "s", SHA_A, 1, false, false, 0);
    trace_merge_stats st;
    cr_assert_eq(merge(out, a, b, &st, err, sizeof err), 0, "%s", err);
    cr_expect_eq(st.added, 2);
    cr_expect_eq(st.incomplete, 1);
    cr_expect_eq(st.duplicates, 1);
    char *rows = q_rows(out, "SELECT id, complete, hash, outcome FROM runs"
                        " ORDER BY id");
    /* (scenario, file, seed, swarm, hash) order: no hash first */
    cr_assert_str_eq(rows, "1|0|\\N|limit\n2|1|0000000000000007|passed\n");
    free(rows);
    h_rmtree(dir);
}

/* A real scenario's run, merged, reads back as the text trace it was. */
Test(store_merge, a_merged_run_reads_back_byte_identical)
{
    char dir[64], a[128], b[128], out[128], err[1024] = "";
    h_tmpdir(dir);
    path_in(a, sizeof a, dir, "a.db");
    path_in(b, sizeof b, dir, "b.db");
    path_in(out, sizeof out, dir, "out.db");
    h_stored x, y;
    h_store_scenario(a, "scenarios/book/remote_echo.json", 0, NULL, &x);
    h_store_scenario(b, "scenarios/book/echo.json", 0, NULL, &y);
    cr_assert_eq(merge(out, b, a, NULL, err, sizeof err), 0, "%s", err);
    /* echo < remote_echo: ids 1 and 2 */
    h_stored *want[] = {&y, &x};
    for (int id = 1; id <= 2; id++) {
        trace_store_cursor *c;
        trace_run_info info;
        cr_assert_eq(trace_store_cursor_open(out, id, &c, &info, err,
                                             sizeof err), 0, "%s", err);
        cr_expect(info.complete);
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        sim_obs_event ev;
        int rc;
        while ((rc = trace_store_cursor_next(c, &ev, err, sizeof err)) == 1) {
            char line[1 << 16];
            size_t n = trace_format_line(line, sizeof line, &ev);
            cr_assert_lt(n, sizeof line);
            fwrite(line, 1, n, f);
            fputc('\n', f);
        }
        cr_assert_eq(rc, 0, "%s", err);
        trace_store_cursor_close(c);
        fclose(f);
        cr_assert(len == want[id - 1]->textlen &&
                  !memcmp(buf, want[id - 1]->text, len), "run %d differs", id);
        free(buf);
    }
    free(x.text);
    free(y.text);
    h_rmtree(dir);
}

/* An input whose writer died mid-run (a killed shard: a hot journal)
 * merges: its committed prefix is copied as an incomplete run. */
Test(store_merge, an_input_whose_writer_died)
{
    char dir[64], a[128], out[128], journal[160], err[1024] = "";
    h_tmpdir(dir);
    path_in(a, sizeof a, dir, "a.db");
    path_in(out, sizeof out, dir, "out.db");
    put_run(a, "s", SHA_A, 1, false, true, 0);
    pid_t child = fork();
    cr_assert_geq(child, 0);
    if (child == 0) {
        trace_store *s;
        if (trace_store_open(a, &s, err, sizeof err))
            _exit(2);
        trace_run_meta m = {.scenario = "crash", .seed = 7, .version = "t",
                            .sha256 = SHA_B};
        if (trace_store_begin_run(s, &m, NULL, err, sizeof err))
            _exit(2);
        sim_observer o = trace_store_observer(s);
        /* past a commit, and past the writer's ring of chunks (4 of
         * 1024 events), so rows after the commit are written */
        for (int i = 0; i < TRACE_STORE_BATCH + 6000; i++) {
            sim_obs_event ev = {.t = i, .node = "a@sim", .kind = "note",
                                .text = "x"};
            o.emit(o.ctx, &ev);
        }
        _exit(0);   /* no end_run, no close: as if killed */
    }
    int status;
    cr_assert_eq(waitpid(child, &status, 0), child);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    snprintf(journal, sizeof journal, "%s-journal", a);
    cr_assert_eq(access(journal, F_OK), 0, "no hot journal to test with");
    trace_merge_stats st;
    cr_assert_eq(merge(out, a, NULL, &st, err, sizeof err), 0, "%s", err);
    cr_expect_eq(st.added, 2);
    cr_expect_eq(st.incomplete, 1);
    char *rows = q_rows(out, "SELECT id, scenario, complete, events,"
                        " (SELECT count(*) FROM events e WHERE e.run_id = r.id)"
                        " FROM runs r ORDER BY id");
    cr_assert_str_eq(rows, "1|crash|0|10000|10000\n2|s|1|6|6\n");
    free(rows);
    h_rmtree(dir);
}
