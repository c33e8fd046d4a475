/* Trace store tests for the workload's operations (schema 3): events
 * invoke / ok / fail / info fed to the store fill the ops table (key and
 * process from the text, each completion paired with its process's open
 * invocation), and the views op_pairs, op_writes, op_reads, stale_reads,
 * invalid_reads, final_reads, lost_writes, availability and checkers
 * answer as the definitions of traces/README.md say, on a hand-written
 * run with a stale read, an invalid read, an info write, a failed cas, a
 * lost write, an open operation and a read of a key never written. Also:
 * a schema-2 database is upgraded by the next writer. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "traces/store.h"
#include "tests/harness.h"

static int64_t q_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql,
                 sqlite3_errmsg(db));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Rows as text: columns joined by '|', NULL as \N, one row a line. */
static char *q_rows(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql,
                 sqlite3_errmsg(db));
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
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
    fclose(f);
    return buf;
}

static void rows_are(sqlite3 *db, const char *sql, const char *want)
{
    sqlite3_exec(db, "PRAGMA reverse_unordered_selects = ON", NULL, NULL, NULL);
    char *a = q_rows(db, sql);
    sqlite3_exec(db, "PRAGMA reverse_unordered_selects = OFF", NULL, NULL, NULL);
    char *b = q_rows(db, sql);
    cr_assert_str_eq(a, b, "order-dependent: %s", sql);
    cr_assert_str_eq(a, want, "%s", sql);
    free(a);
    free(b);
}

typedef struct op_ev {
    int64_t t;
    const char *node, *kind, *pid, *name, *reason, *term, *text;
} op_ev;

/* The run: nodes a@sim, b@sim; key 1 written 101 (p0), 102 (p1); p2
 * reads 101 after 102 completed (stale); a cas fails; p3 reads 999
 * (invalid); p4's write of 104 times out (info); final reads: a reads 104
 * (the info write: nothing lost), b reads 101 (102 lost there); p6 reads
 * key 2, never written; p7's write of key 3 never completes. */
static const op_ev run_events[] = {
    {0, "a@sim", "boot", NULL, NULL, NULL, NULL, NULL},
    {1000, "a@sim", "invoke", "<0.90.0>", "write", NULL, "101", "process 0, key 1"},
    {2000, "a@sim", "ok", "<0.90.0>", "write", NULL, "101", "process 0, key 1"},
    {3000, "b@sim", "invoke", "<0.91.0>", "write", NULL, "102", "process 1, key 1"},
    {3500, "a@sim", "send", "<0.90.0>", NULL, NULL, "x", NULL},
    {4000, "b@sim", "ok", "<0.91.0>", "write", NULL, "102", "process 1, key 1"},
    {5000, "a@sim", "invoke", "<0.92.0>", "read", NULL, NULL, "process 2, key 1"},
    {6000, "a@sim", "ok", "<0.92.0>", "read", NULL, "101", "process 2, key 1"},
    {7000, "a@sim", "invoke", "<0.90.0>", "cas", NULL, "[102,103]", "process 0, key 1"},
    {8000, "a@sim", "fail", "<0.90.0>", "cas", "cas_failed", "[102,103]",
     "process 0, key 1"},
    {9000, "a@sim", "invoke", "<0.93.0>", "read", NULL, NULL, "process 3, key 1"},
    {9500, "a@sim", "ok", "<0.93.0>", "read", NULL, "999", "process 3, key 1"},
    {10000, "b@sim", "invoke", "<0.94.0>", "write", NULL, "104", "process 4, key 1"},
    {11000, "b@sim", "info", "<0.94.0>", "write", "timeout", "104", "process 4, key 1"},
    {20000, "a@sim", "invoke", "<0.92.0>", "read", NULL, NULL, "process 2, key 1"},
    {20500, "b@sim", "invoke", "<0.95.0>", "read", NULL, NULL, "process 5, key 1"},
    {21000, "a@sim", "ok", "<0.92.0>", "read", NULL, "104", "process 2, key 1"},
    {21500, "b@sim", "ok", "<0.95.0>", "read", NULL, "101", "process 5, key 1"},
    {22000, "a@sim", "invoke", "<0.96.0>", "read", NULL, NULL, "process 6, key 2"},
    {22500, "a@sim", "ok", "<0.96.0>", "read", NULL, "undefined", "process 6, key 2"},
    {23000, "a@sim", "invoke", "<0.97.0>", "write", NULL, "7", "process 7, key 3"},
    {30000, NULL, "checker", NULL, "stale_reads", "fail", NULL,
     "stale_reads: 2 (worst 15 ms)"},
    {30000, NULL, "availability", NULL, "during", "majority", "45/50", NULL},
    {30000, NULL, "availability", NULL, "during", "minority", "0/7", NULL},
};

static void write_run(const char *db, int64_t *run)
{
    char err[512];
    trace_store *s;
    cr_assert_eq(trace_store_open(db, &s, err, sizeof err), 0, "%s", err);
    const char *nodes[] = {"a@sim", "b@sim"};
    trace_run_meta m = {.scenario = "ops", .file = "ops.json", .seed = 1, .version = "t",
                        .nodes = nodes, .nnodes = 2};
    cr_assert_eq(trace_store_begin_run(s, &m, run, err, sizeof err), 0, "%s", err);
    sim_observer o = trace_store_observer(s);
    for (size_t i = 0; i < sizeof run_events / sizeof *run_events; i++) {
        const op_ev *e = &run_events[i];
        sim_obs_event ev = {.t = e->t, .node = e->node, .kind = e->kind, .pid = e->pid,
                            .name = e->name, .reason = e->reason, .term = e->term,
                            .text = e->text};
        o.emit(o.ctx, &ev);
    }
    cr_assert_eq(trace_store_end_run(s, 1, "passed", err, sizeof err), 0, "%s", err);
    trace_store_close(s);
}

Test(store_ops, ops_table_and_cap_views)
{
    char dir[64], db[128];
    h_tmpdir(dir);
    snprintf(db, sizeof db, "%s/ops.db", dir);
    int64_t r1, r2;
    write_run(db, &r1);
    write_run(db, &r2);        /* a second run: the views keep runs apart */
    cr_assert_eq(r2, r1 + 1);
    sqlite3 *h;
    cr_assert_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    cr_assert_eq(q_int(h, "PRAGMA user_version"), TRACE_STORE_SCHEMA);
    cr_assert_eq(q_int(h, "SELECT count(*) FROM ops WHERE run_id = 1"), 19);
    rows_are(h, "SELECT seq, t_us, idx, type, f, key, value, process, node, reason, pid,"
                " inv_seq FROM ops WHERE run_id = 1 AND seq <= 10 ORDER BY seq",
             "2|1000|0|invoke|write|1|101|0|a@sim|\\N|<0.90.0>|\\N\n"
             "3|2000|1|ok|write|1|101|0|a@sim|\\N|<0.90.0>|2\n"
             "4|3000|2|invoke|write|1|102|1|b@sim|\\N|<0.91.0>|\\N\n"
             "6|4000|3|ok|write|1|102|1|b@sim|\\N|<0.91.0>|4\n"
             "7|5000|4|invoke|read|1|\\N|2|a@sim|\\N|<0.92.0>|\\N\n"
             "8|6000|5|ok|read|1|101|2|a@sim|\\N|<0.92.0>|7\n"
             "9|7000|6|invoke|cas|1|[102,103]|0|a@sim|\\N|<0.90.0>|\\N\n"
             "10|8000|7|fail|cas|1|[102,103]|0|a@sim|cas_failed|<0.90.0>|9\n");
    rows_are(h, "SELECT call_idx, call_seq, call_us, ret_idx, ret_seq, ret_us, type, f,"
                " key, process, node, call_value, ret_value, reason FROM op_pairs"
                " WHERE run_id = 1 ORDER BY call_seq",
             "0|2|1000|1|3|2000|ok|write|1|0|a@sim|101|101|\\N\n"
             "2|4|3000|3|6|4000|ok|write|1|1|b@sim|102|102|\\N\n"
             "4|7|5000|5|8|6000|ok|read|1|2|a@sim|\\N|101|\\N\n"
             "6|9|7000|7|10|8000|fail|cas|1|0|a@sim|[102,103]|[102,103]|cas_failed\n"
             "8|11|9000|9|12|9500|ok|read|1|3|a@sim|\\N|999|\\N\n"
             "10|13|10000|11|14|11000|info|write|1|4|b@sim|104|104|timeout\n"
             "12|15|20000|14|17|21000|ok|read|1|2|a@sim|\\N|104|\\N\n"
             "13|16|20500|15|18|21500|ok|read|1|5|b@sim|\\N|101|\\N\n"
             "16|19|22000|17|20|22500|ok|read|2|6|a@sim|\\N|undefined|\\N\n"
             "18|21|23000|\\N|\\N|\\N|\\N|write|3|7|a@sim|7|\\N|\\N\n");
    rows_are(h, "SELECT call_seq, type, key, written FROM op_writes WHERE run_id = 1"
                " ORDER BY call_seq",
             "2|ok|1|101\n4|ok|1|102\n13|info|1|104\n21|\\N|3|7\n");
    rows_are(h, "SELECT call_seq, value, source_done FROM op_reads WHERE run_id = 1"
                " ORDER BY call_seq",
             "7|101|3\n11|999|\\N\n15|104|9223372036854775807\n16|101|3\n19|undefined|0\n");
    rows_are(h, "SELECT call_seq, key, process, node, value, superseded_us, staleness_us"
                " FROM stale_reads WHERE run_id = 1 ORDER BY call_seq",
             "7|1|2|a@sim|101|4000|1000\n16|1|5|b@sim|101|4000|16500\n");
    rows_are(h, "SELECT call_seq, process, value FROM invalid_reads WHERE run_id = 1"
                " ORDER BY call_seq", "11|3|999\n");
    rows_are(h, "SELECT call_seq, node, key, value FROM final_reads WHERE run_id = 1"
                " ORDER BY call_seq",
             "15|a@sim|1|104\n16|b@sim|1|101\n19|a@sim|2|undefined\n");
    rows_are(h, "SELECT call_seq, key, process, node, value, final_seq, final_node,"
                " final_value FROM lost_writes WHERE run_id = 1 ORDER BY call_seq, final_seq",
             "4|1|1|b@sim|102|16|b@sim|101\n");
    rows_are(h, "SELECT run_id, phase, side, ok, invoked FROM availability"
                " ORDER BY run_id, seq",
             "1|during|majority|45|50\n1|during|minority|0|7\n"
             "2|during|majority|45|50\n2|during|minority|0|7\n");
    rows_are(h, "SELECT checker, verdict, summary FROM checkers WHERE run_id = 2"
                " ORDER BY seq", "stale_reads|fail|stale_reads: 2 (worst 15 ms)\n");
    /* the README's example queries (traces/README.md, "The workload's
     * operations") */
    rows_are(h, "SELECT phase, side, ok, invoked, 100 * ok / invoked AS pct"
                " FROM availability WHERE run_id = 1 ORDER BY seq",
             "during|majority|45|50|90\nduring|minority|0|7|0\n");
    rows_are(h, "SELECT node, count(*), max(staleness_us) FROM stale_reads"
                " WHERE run_id = 1 GROUP BY node ORDER BY node",
             "a@sim|1|1000\nb@sim|1|16500\n");
    rows_are(h, "SELECT count(DISTINCT call_seq) FROM lost_writes WHERE run_id = 1", "1\n");
    rows_are(h, "SELECT f, type, count(*) FROM op_pairs WHERE run_id = 1"
                " GROUP BY f, type ORDER BY f, type",
             "cas|fail|1\nread|ok|5\nwrite|\\N|1\nwrite|info|1\nwrite|ok|2\n");
    sqlite3_close(h);
    h_rmtree(dir);
}

/* A database of schema 2 (no ops) gets the ops table and its views from
 * the next writer; its runs are kept. */
Test(store_ops, schema_2_is_upgraded_by_a_writer)
{
    char dir[64], db[128], err[512];
    h_tmpdir(dir);
    snprintf(db, sizeof db, "%s/two.db", dir);
    int64_t r;
    write_run(db, &r);
    sqlite3 *w;
    cr_assert_eq(sqlite3_open(db, &w), SQLITE_OK);
    const char *drop =
        "DROP VIEW checkers; DROP VIEW availability; DROP VIEW lost_writes;"
        "DROP VIEW final_reads; DROP VIEW stale_reads; DROP VIEW invalid_reads;"
        "DROP VIEW op_reads; DROP VIEW op_writes; DROP VIEW op_pairs; DROP TABLE ops;"
        "ALTER TABLE runs DROP COLUMN swarm;"
        "ALTER TABLE runs DROP COLUMN scenario_sha256;"
        "PRAGMA user_version = 2;";
    cr_assert_eq(sqlite3_exec(w, drop, NULL, NULL, NULL), SQLITE_OK, "%s",
                 sqlite3_errmsg(w));
    sqlite3_close(w);
    trace_run_info info;
    cr_assert_eq(trace_store_run_info(db, -1, &info, err, sizeof err), 0,
                 "a reader reads schema 2: %s", err);
    write_run(db, &r);
    cr_assert_eq(r, 2);
    sqlite3 *h;
    cr_assert_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    cr_assert_eq(q_int(h, "PRAGMA user_version"), TRACE_STORE_SCHEMA);
    cr_assert_eq(q_int(h, "SELECT count(*) FROM ops WHERE run_id = 1"), 0);
    cr_assert_eq(q_int(h, "SELECT count(*) FROM ops WHERE run_id = 2"), 19);
    cr_assert_eq(q_int(h, "SELECT count(*) FROM lost_writes"), 1);
    cr_assert_eq(q_int(h, "SELECT count(*) FROM events WHERE run_id = 1"), 24);
    sqlite3_close(h);
    h_rmtree(dir);
}

/* ---- the SQL views against the C checkers (traces/cap.h) ---- */

#include "sim/rng.h"
#include "traces/cap.h"

typedef struct gen_state {
    FILE *jl;                  /* the history as JSON lines */
    sim_observer o;
    int64_t t;                 /* us */
} gen_state;

/* One event to both: the store (us) and the history (ns). */
static void gen_emit(gen_state *g, const char *node, const char *type, const char *f,
                     int64_t process, int64_t key, const char *term, const char *json_value,
                     const char *reason)
{
    g->t += 1000;
    char text[64];
    snprintf(text, sizeof text, "process %lld, key %lld", (long long)process,
             (long long)key);
    sim_obs_event ev = {.t = g->t, .node = node, .kind = type, .pid = "<0.80.0>",
                        .name = f, .reason = reason, .term = term, .text = text};
    g->o.emit(g->o.ctx, &ev);
    fprintf(g->jl, "{\"type\":\"%s\",\"f\":\"%s\",\"key\":%lld,\"value\":%s,"
            "\"process\":%lld,\"time\":%lld,\"node\":\"%s\"}\n", type, f, (long long)key,
            json_value, (long long)process, (long long)g->t * 1000, node);
}

Test(store_ops, views_agree_with_the_c_checkers)
{
    char dir[64], db[128], err[512];
    h_tmpdir(dir);
    snprintf(db, sizeof db, "%s/rand.db", dir);
    rng r = rng_stream(13, "store-ops-test", 0);
    static const char *const nodes[] = {"a@sim", "b@sim", "c@sim"};
    size_t total_stale = 0, total_lost = 0, total_invalid = 0;
    for (int run = 1; run <= 40; run++) {
        trace_store *s;
        cr_assert_eq(trace_store_open(db, &s, err, sizeof err), 0, "%s", err);
        trace_run_meta m = {.scenario = "rand", .seed = (uint64_t)run, .version = "t",
                            .nodes = nodes, .nnodes = 3};
        int64_t id;
        cr_assert_eq(trace_store_begin_run(s, &m, &id, err, sizeof err), 0, "%s", err);
        char *jtext = NULL;
        size_t jlen = 0;
        gen_state g = {open_memstream(&jtext, &jlen), trace_store_observer(s), 0};
        struct { int64_t proc; int node, f; int64_t key, a, b; bool open; } p[6];
        memset(p, 0, sizeof p);
        for (int i = 0; i < 6; i++) {
            p[i].proc = i;
            p[i].node = i % 3;
        }
        int64_t next_proc = 6, next_val = 100, last[2][3] = {{0}};
        int nops = 20 + (int)rng_below(&r, 60), started = 0, open = 0;
        char term[64], jv[64];
        while (started < nops || open) {
            int i = (int)rng_below(&r, 6);
            const char *fn[] = {"read", "write", "cas"};
            if (!p[i].open) {
                if (started == nops)
                    continue;
                started++;
                open++;
                p[i].open = true;
                p[i].f = (int)rng_below(&r, 3);
                p[i].key = (int64_t)rng_below(&r, 2);
                p[i].a = last[p[i].key][rng_below(&r, 3)];
                p[i].b = next_val++;
                if (p[i].f == 1)
                    p[i].a = p[i].b;
                if (p[i].f == 0) {
                    gen_emit(&g, nodes[p[i].node], "invoke", "read", p[i].proc, p[i].key,
                             NULL, "null", NULL);
                } else {
                    if (p[i].f == 1)
                        snprintf(term, sizeof term, "%lld", (long long)p[i].a);
                    else
                        snprintf(term, sizeof term, "[%lld,%lld]", (long long)p[i].a,
                                 (long long)p[i].b);
                    gen_emit(&g, nodes[p[i].node], "invoke", fn[p[i].f], p[i].proc,
                             p[i].key, term, term, NULL);
                }
                if (p[i].f != 0) {     /* the value is now "written", maybe */
                    int64_t *l = last[p[i].key];
                    l[2] = l[1];
                    l[1] = l[0];
                    l[0] = p[i].b;
                }
                continue;
            }
            open--;
            p[i].open = false;
            uint64_t k = rng_below(&r, 10);
            const char *type = k < 7 ? "ok" : k < 9 ? "fail" : "info";
            if (p[i].f == 0) {
                if (!strcmp(type, "ok")) {
                    int64_t v = rng_below(&r, 8) == 0 ? 7 : last[p[i].key][rng_below(&r, 3)];
                    snprintf(term, sizeof term, v ? "%lld" : "undefined", (long long)v);
                    snprintf(jv, sizeof jv, v ? "%lld" : "null", (long long)v);
                    gen_emit(&g, nodes[p[i].node], type, "read", p[i].proc, p[i].key, term,
                             jv, NULL);
                } else {
                    gen_emit(&g, nodes[p[i].node], type, "read", p[i].proc, p[i].key, NULL,
                             "null", "timeout");
                }
            } else {
                if (p[i].f == 1)
                    snprintf(term, sizeof term, "%lld", (long long)p[i].a);
                else
                    snprintf(term, sizeof term, "[%lld,%lld]", (long long)p[i].a,
                             (long long)p[i].b);
                gen_emit(&g, nodes[p[i].node], type, fn[p[i].f], p[i].proc, p[i].key, term,
                         term, strcmp(type, "ok") ? "timeout" : NULL);
            }
            if (!strcmp(type, "info"))
                p[i].proc = next_proc++;
        }
        /* the final reads: every node reads every key once, ok */
        int64_t final_us = g.t + 1;
        for (int n = 0; n < 3; n++)
            for (int64_t key = 0; key < 2; key++) {
                int64_t v = last[key][rng_below(&r, 3)];
                snprintf(term, sizeof term, v ? "%lld" : "undefined", (long long)v);
                snprintf(jv, sizeof jv, v ? "%lld" : "null", (long long)v);
                gen_emit(&g, nodes[n], "invoke", "read", p[n].proc, key, NULL, "null", NULL);
                gen_emit(&g, nodes[n], "ok", "read", p[n].proc, key, term, jv, NULL);
            }
        fclose(g.jl);
        cr_assert_eq(trace_store_end_run(s, 1, "passed", err, sizeof err), 0, "%s", err);
        trace_store_close(s);

        history h;
        history_init(&h);
        long line = 0;
        for (char *q = jtext; *q;) {
            char *nl = strchr(q, '\n');
            cr_assert_eq(history_add_line(&h, "g", ++line, q, (size_t)(nl - q), err,
                                          sizeof err), 0, "%s", err);
            q = nl + 1;
        }
        cap_run cr = {.h = &h, .partition_at = -1, .heal_at = -1,
                      .final_at = final_us * 1000, .end_at = g.t * 1000};
        cap_result res;
        cap_check(&cr, &res);
        sqlite3 *db3;
        cr_assert_eq(sqlite3_open_v2(db, &db3, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM stale_reads WHERE run_id = %lld",
                 (long long)id);
        cr_assert_eq(q_int(db3, sql), (int64_t)res.stale, "run %d\n%s", run, jtext);
        snprintf(sql, sizeof sql, "SELECT coalesce(max(staleness_us), 0) FROM stale_reads"
                 " WHERE run_id = %lld", (long long)id);
        cr_assert_eq(q_int(db3, sql) * 1000, res.worst_stale_ns, "run %d", run);
        snprintf(sql, sizeof sql, "SELECT count(*) FROM invalid_reads WHERE run_id = %lld",
                 (long long)id);
        cr_assert_eq(q_int(db3, sql), (int64_t)res.invalid_reads, "run %d", run);
        snprintf(sql, sizeof sql, "SELECT count(DISTINCT call_seq) FROM lost_writes"
                 " WHERE run_id = %lld", (long long)id);
        cr_assert_eq(q_int(db3, sql), (int64_t)res.lost, "run %d\n%s", run, jtext);
        snprintf(sql, sizeof sql, "SELECT count(*) FROM final_reads WHERE run_id = %lld",
                 (long long)id);
        cr_assert_eq(q_int(db3, sql), (int64_t)res.final_reads, "run %d", run);
        sqlite3_close(db3);
        total_stale += res.stale;
        total_lost += res.lost;
        total_invalid += res.invalid_reads;
        history_fini(&h);
        free(jtext);
    }
    /* the runs exercise every checker */
    cr_assert_gt(total_stale, 20);
    cr_assert_gt(total_lost, 20);
    cr_assert_gt(total_invalid, 10);
    h_rmtree(dir);
}
