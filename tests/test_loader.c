/* test_loader: Criterion units for the scenario loader (scenarios/).
 *
 * Every tests/bad/NAME.json must fail with exactly the one-line message in
 * tests/bad/NAME.err (the directory is globbed at run time, so a new pair
 * of files is a new case); each tests/good/ scenario must load into the plans
 * asserted here. Paths are relative: run from the repository root. */
#include <criterion/criterion.h>

#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scenarios/loader.h"
#include "scenarios/plan.h"
#include "tests/harness.h"

#define SEC 1000000LL
#define MS 1000LL

/* The whole file, NUL-terminated, or NULL. */
static scn_plan *load_good(const char *path)
{
    scn_plan *p = NULL;
    scn_error e;
    scn_status st = scn_load_file(path, &p, &e);
    cr_assert_eq(st, SCN_OK, "%s: %s", path, e.msg);
    cr_assert_not_null(p);
    return p;
}

/* Loads `text` (path "t.json"); returns the status, message in *e. */
static scn_status load_str(const char *text, scn_plan **p, scn_error *e)
{
    return scn_load_text("t.json", text, strlen(text), p, e);
}

static void expect_error(const char *text, const char *msg)
{
    scn_plan *p = (scn_plan *)&p; /* must be reset to NULL */
    scn_error e;
    scn_status st = load_str(text, &p, &e);
    cr_expect_eq(st, SCN_EINVALID, "status %d for %s", st, text);
    cr_expect_null(p);
    cr_expect_str_eq(e.msg, msg, "\n  got  %s\n  want %s", e.msg, msg);
    scn_plan_free(p == (scn_plan *)&p ? NULL : p);
}

/* ---- invalid scenarios --------------------------------------------- */

Test(loader, every_bad_file_fails_with_its_message)
{
    glob_t g;
    int r = glob("tests/bad/*.json", 0, NULL, &g);
    cr_assert_eq(r, 0, "no tests/bad/*.json: run from the repository root");
    cr_expect_geq(g.gl_pathc, 25, "only %zu bad cases", g.gl_pathc);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *path = g.gl_pathv[i];
        char errpath[4096];
        snprintf(errpath, sizeof errpath, "%.*s.err",
                 (int)(strlen(path) - 5), path);
        char *want = h_slurp(errpath, NULL);
        cr_expect_not_null(want, "%s has no %s", path, errpath);
        if (want == NULL)
            continue;
        want[strcspn(want, "\r\n")] = '\0';
        scn_plan *p = (scn_plan *)&p;
        scn_error e;
        scn_status st = scn_load_file(path, &p, &e);
        cr_expect_eq(st, SCN_EINVALID, "%s: status %d", path, st);
        cr_expect_null(p, "%s: plan not reset on error", path);
        cr_expect_str_eq(e.msg, want, "%s\n  got  %s\n  want %s", path,
                         e.msg, want);
        if (st == SCN_OK)
            scn_plan_free(p);
        free(want);
    }
    globfree(&g);
}

Test(loader, every_err_file_has_its_scenario)
{
    glob_t g;
    struct stat sb;
    cr_assert_eq(glob("tests/bad/*.err", 0, NULL, &g), 0,
                 "no tests/bad/*.err: run from the repository root");
    for (size_t i = 0; i < g.gl_pathc; i++) {
        char json[4096];
        snprintf(json, sizeof json, "%.*s.json",
                 (int)(strlen(g.gl_pathv[i]) - 4), g.gl_pathv[i]);
        cr_expect_eq(stat(json, &sb), 0, "%s has no scenario", g.gl_pathv[i]);
    }
    globfree(&g);
}

Test(loader, unreadable_file_is_an_io_error)
{
    scn_plan *p = (scn_plan *)&p;
    scn_error e;
    cr_assert_eq(scn_load_file("tests/good/no_such.json", &p, &e), SCN_EIO);
    cr_expect_null(p);
    cr_expect_str_eq(e.msg, "tests/good/no_such.json: cannot read: "
                     "No such file or directory");
    cr_assert_eq(scn_load_file("tests/good", &p, &e), SCN_EIO);
    cr_expect_str_eq(e.msg, "tests/good: cannot read: Is a directory");
}

Test(loader, syntax_errors_point_at_the_byte)
{
    expect_error("{\"a\": 1,,}", "t.json:1:9: expected a key in double "
                 "quotes, got ','");
    expect_error("{\r\n  \"name\": \"x\" \r\n  \"until\": \"1s\"}",
                 "t.json:3:3: missing ',' between members");
    expect_error("[1, 2", "t.json:1:6: unexpected end of file: the list "
                 "opened at 1:1 is not closed");
    expect_error("{\"a\": \"\\q\"}", "t.json:1:8: invalid escape '\\q'");
    expect_error("{\"a\": \"\\ud800\"}", "t.json:1:8: unpaired surrogate "
                 "\\uD800");
    expect_error("{\"a\": \"\\u12\"}", "t.json:1:8: bad \\u escape: "
                 "expected 4 hex digits");
    expect_error("{\"a\": 1.}", "t.json:1:7: expected a digit after '.'");
    expect_error("{\"a\": -x}", "t.json:1:7: expected a digit after '-'");
    expect_error("{\"a\": 1e+}", "t.json:1:7: expected a digit in the "
                 "exponent");
    expect_error("{\"a\": nul}", "t.json:1:7: expected a value, got \"nul\" "
                 "(strings need double quotes)");
    expect_error("\x01{}", "t.json:1:1: expected a value, got byte 0x01");
    expect_error("  \n ", "t.json:2:2: empty file: a scenario is a JSON "
                 "object");
    expect_error("{\"a\": \"\xed\xa0\x80\"}", "t.json:1:8: invalid UTF-8 "
                 "(byte 0xED)");
    expect_error("{\"a\": \"\xc0\xaf\"}", "t.json:1:8: invalid UTF-8 "
                 "(byte 0xC0)");
}

Test(loader, nul_bytes_and_unterminated_text_are_safe)
{
    static const char good[] =
        "{\"name\": \"x\", \"until\": \"1s\", \"nodes\": [\"a\"]}";
    scn_plan *p = NULL;
    scn_error e;
    size_t n = sizeof good - 1;
    /* A NUL hides the rest of the text from cJSON, not from the loader. */
    char *t = malloc(n + 6);
    memcpy(t, good, n);
    memcpy(t + n, "\0 junk", 6);
    cr_expect_eq(scn_load_text("t.json", t, n + 6, &p, &e), SCN_EINVALID);
    cr_expect_str_eq(e.msg, "t.json:1:45: NUL byte after the end of the "
                     "JSON value");
    /* Exactly len bytes, no terminator: ASan would catch a read past. */
    char *u = malloc(n);
    memcpy(u, good, n);
    cr_expect_eq(scn_load_text("t.json", u, n, &p, &e), SCN_OK, "%s", e.msg);
    scn_plan_free(p);
    cr_expect_eq(scn_load_text("t.json", u, n - 1, &p, &e), SCN_EINVALID);
    cr_expect_str_eq(e.msg, "t.json:1:44: unexpected end of file: the "
                     "object opened at 1:1 is not closed");
    cr_expect_eq(scn_load_text("t.json", u, 0, &p, &e), SCN_EINVALID);
    cr_expect_str_eq(e.msg, "t.json:1:1: empty file: a scenario is a JSON "
                     "object");
    free(t);
    free(u);
}

Test(loader, deep_nesting_and_huge_numbers_are_errors_not_crashes)
{
    size_t n = 1000000;
    char *t = malloc(n + 1);
    memset(t, '[', n);
    t[n] = '\0';
    expect_error(t, "t.json:1:101: nested deeper than 100 levels");
    memset(t, '{', n);
    expect_error(t, "t.json:1:2: expected a key in double quotes, got '{'");
    free(t);
    expect_error("{\"name\": \"x\", \"until\": \"1s\", \"nodes\": [\"a\"], "
                 "\"seed\": 1e999}", "t.json:1:54: seed: expected an "
                 "unsigned 64-bit integer (0 to 18446744073709551615), got "
                 "1e999");
    expect_error("{\"name\": \"x\", \"until\": \"1s\", \"nodes\": [\"a\"], "
                 "\"config\": {\"loss\": 1e999}}", "t.json:1:65: config.loss: "
                 "expected a probability in [0, 1), got 1e999");
    expect_error("{\"name\": \"x\", \"until\": \"1s\", \"nodes\": [\"a\"], "
                 "\"checks\": [{\"event\": \"send\", \"count\": "
                 "99999999999999999999}]}", "t.json:1:84: checks[0].count: "
                 "expected a count: a whole number >= 0, or {\"min\": N, "
                 "\"max\": M}, got 99999999999999999999");
}

Test(loader, odd_keys_are_quoted_in_paths)
{
    expect_error("{\"name\": \"x\", \"until\": \"1s\", \"nodes\": [\"a\"], "
                 "\"we ird\\n\": 1}", "t.json:1:46: [\"we ird\\x0A\"]: unknown "
                 "key \"we ird\\x0A\" (expected name, description, seed, "
                 "until, config, nodes, links, timeline, checks, workload or nemesis)");
}

Test(loader, keys_are_case_sensitive)
{
    /* cJSON_GetObjectItem ignores case; the format does not. */
    expect_error("{\"name\": \"x\", \"Until\": \"1s\", \"nodes\": [\"a\"]}",
                 "t.json:1:15: Until: unknown key \"Until\" (did you mean "
                 "\"until\"?)");
}

/* ---- valid scenarios ------------------------------------------------ */

Test(loader, defaults)
{
    scn_plan *p = load_good("tests/good/minimal.json");
    cr_expect_str_eq(p->file, "tests/good/minimal.json");
    cr_expect_str_eq(p->name, "minimal");
    cr_expect_null(p->description);
    cr_expect_eq(p->seed, 1);
    cr_expect_eq(p->until, 1 * SEC);
    const scn_config *c = &p->config;
    cr_expect_str_eq(c->host, "sim");
    cr_expect_str_eq(c->cookie, "nocookie");
    cr_expect_not(c->hidden);
    cr_expect_eq(c->net_ticktime, 60 * SEC);
    cr_expect_eq(c->net_setuptime, 7 * SEC);
    cr_expect(c->connect_all);
    cr_expect_eq(c->dist_auto_connect, AUTOCONNECT_ALWAYS);
    cr_expect(c->prevent_overlapping_partitions);
    cr_expect_eq(c->latency.kind, LAT_CONSTANT);
    cr_expect_eq(c->latency.a, 1 * MS);
    cr_expect_eq(c->loss, 0.0);
    cr_expect_eq(c->napps, 0);
    cr_expect_not(c->tls.on);
    cr_expect_null(c->tls.ca);
    cr_expect_eq(c->start, 0);
    cr_assert_eq(p->nnodes, 1);
    cr_expect_str_eq(p->nodes[0].name, "alice@sim");
    cr_expect_str_eq(p->nodes[0].short_name, "alice");
    cr_expect_str_eq(p->nodes[0].cfg.host, "sim");
    cr_expect_str_eq(p->nodes[0].cfg.cookie, "nocookie");
    cr_expect_eq(p->nlinks, 0);
    cr_expect_eq(p->nsteps, 0);
    cr_expect_eq(p->nchecks, 0);
    cr_expect_not(p->workload.present);
    scn_plan_free(p);
}

Test(loader, full_top_level_and_config)
{
    scn_plan *p = load_good("tests/good/full.json");
    cr_expect_str_eq(p->name, "full_tour");
    cr_expect_str_eq(p->description, "Every key of the format at least once.");
    cr_expect_eq(p->seed, UINT64_MAX);
    cr_expect_eq(p->until, 120 * SEC);
    const scn_config *c = &p->config;
    cr_expect_str_eq(c->host, "lab");
    cr_expect_str_eq(c->cookie, "secret");
    cr_expect_not(c->hidden);
    cr_expect_eq(c->net_ticktime, 20 * SEC);
    cr_expect_eq(c->net_setuptime, 3500 * MS);
    cr_expect_not(c->connect_all);
    cr_expect_eq(c->dist_auto_connect, AUTOCONNECT_ONCE);
    cr_expect_not(c->prevent_overlapping_partitions);
    cr_expect_eq(c->latency.kind, LAT_NORMAL);
    cr_expect_eq(c->latency.a, 5 * MS);
    cr_expect_eq(c->latency.b, 1 * MS);
    cr_expect_float_eq(c->loss, 0.01, 1e-12);
    cr_assert_eq(c->napps, 1);
    cr_expect_str_eq(c->apps[0], "dist_kv");
    cr_expect(c->tls.on);
    cr_expect_str_eq(c->tls.ca, "corp-ca");
    cr_expect_str_eq(c->tls.cert_ca, "corp-ca");
    cr_expect(c->tls.verify_peer);
    cr_expect_eq(c->start, 250);
    scn_plan_free(p);
}

Test(loader, full_nodes_and_overrides)
{
    scn_plan *p = load_good("tests/good/full.json");
    cr_assert_eq(p->nnodes, 4);
    const scn_node *n = p->nodes;
    /* "alice": config's host, everything else from config. */
    cr_expect_str_eq(n[0].name, "alice@lab");
    cr_expect_str_eq(n[0].short_name, "alice");
    cr_expect_str_eq(n[0].cfg.host, "lab");
    cr_expect_str_eq(n[0].cfg.cookie, "secret");
    cr_expect_eq(n[0].cfg.latency.kind, LAT_NORMAL);
    cr_expect_eq(n[0].cfg.napps, 1);
    cr_expect_str_eq(n[0].cfg.apps[0], "dist_kv");
    cr_expect(n[0].cfg.tls.on);
    cr_expect_eq(n[0].cfg.start, 250);
    /* A name with '@' is kept; its host part becomes the node's host. */
    cr_expect_str_eq(n[1].name, "bob@elsewhere");
    cr_expect_str_eq(n[1].short_name, "bob");
    cr_expect_str_eq(n[1].cfg.host, "elsewhere");
    /* "host" changes only that node's host part. */
    cr_expect_str_eq(n[2].name, "carol@far");
    cr_expect_str_eq(n[2].cfg.host, "far");
    cr_expect_str_eq(n[2].cfg.cookie, "other");
    cr_expect_eq(n[2].cfg.latency.kind, LAT_CONSTANT);
    cr_expect_eq(n[2].cfg.latency.a, 2 * MS);
    cr_expect_eq(n[2].cfg.napps, 0);
    cr_expect_not(n[2].cfg.tls.on);
    cr_expect_null(n[2].cfg.tls.ca);
    cr_expect_str_eq(n[3].name, "mon@lab");
    cr_expect(n[3].cfg.hidden);
    cr_expect_eq(n[3].cfg.start, 1500 * MS);
    cr_expect_eq(n[3].cfg.dist_auto_connect, AUTOCONNECT_NEVER);
    cr_expect(n[3].cfg.connect_all);
    cr_expect(n[3].cfg.prevent_overlapping_partitions);
    cr_expect_eq(n[3].cfg.net_ticktime, 60 * SEC);
    cr_expect_eq(n[3].cfg.net_setuptime, 100 * MS);
    cr_expect_float_eq(n[3].cfg.loss, 0.5, 1e-12);
    cr_expect_str_eq(n[3].cfg.tls.ca, "corp-ca");
    cr_expect_str_eq(n[3].cfg.tls.cert_ca, "rogue-ca");
    cr_expect_not(n[3].cfg.tls.verify_peer);
    cr_expect_eq(n[3].cfg.latency.kind, LAT_NORMAL);
    /* The top-level config is untouched by the overrides. */
    cr_expect_str_eq(p->config.host, "lab");
    cr_expect_str_eq(p->config.cookie, "secret");
    cr_expect_not(p->config.hidden);
    scn_plan_free(p);
}

Test(loader, full_links_in_file_order_and_split)
{
    scn_plan *p = load_good("tests/good/full.json");
    static const struct {
        int from, to;
        lat_kind kind;
        int64_t a, b;
    } want[] = {
        {0, 1, LAT_CONSTANT, 80 * MS, 0},
        {1, 0, LAT_CONSTANT, 80 * MS, 0},
        {2, 0, LAT_UNIFORM, 5 * MS, 50 * MS},
        {3, 1, LAT_EXPONENTIAL, 2 * MS, 0},
        {3, 2, LAT_PARETO, 1 * MS, 0},
        {2, 3, LAT_PARETO, 1 * MS, 0},
        {0, 3, LAT_CONSTANT, 7 * MS, 0},
    };
    cr_assert_eq(p->nlinks, 7);
    for (int i = 0; i < 7; i++) {
        const scn_link *l = &p->links[i];
        cr_expect_eq(l->from, want[i].from, "link %d", i);
        cr_expect_eq(l->to, want[i].to, "link %d", i);
        cr_expect_eq(l->latency.kind, want[i].kind, "link %d", i);
        cr_expect_eq(l->latency.a, want[i].a, "link %d", i);
        cr_expect_eq(l->latency.b, want[i].b, "link %d", i);
    }
    cr_expect_float_eq(p->links[4].latency.shape, 1.5, 1e-12);
    cr_expect_float_eq(p->links[5].latency.shape, 1.5, 1e-12);
    scn_plan_free(p);
}

Test(loader, full_steps_sorted_by_time_then_file_order)
{
    scn_plan *p = load_good("tests/good/full.json");
    static const int order[] = {0, 2, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
                                13, 14};
    static const scn_step_kind kinds[] = {
        STEP_EVAL, STEP_EVAL, STEP_NOTE, STEP_PARTITION, STEP_CUT,
        STEP_CUT_ONEWAY, STEP_LATENCY, STEP_LATENCY, STEP_HALT, STEP_FREEZE,
        STEP_RESUME, STEP_RESTART, STEP_HEAL, STEP_HEAL, STEP_EVAL
    };
    cr_assert_eq(p->nsteps, 15);
    for (int i = 0; i < 15; i++) {
        cr_expect_eq(p->steps[i].index, order[i], "step %d", i);
        cr_expect_eq(p->steps[i].kind, kinds[i], "step %d", i);
        cr_expect_eq(p->steps[i].col, 5, "step %d", i);
        if (i > 0)
            cr_expect_leq(p->steps[i - 1].at, p->steps[i].at);
    }
    const scn_step *s = p->steps;
    cr_expect_eq(s[0].at, 0);
    cr_expect_eq(s[0].line, 43);
    cr_expect_eq(s[0].node, 0);
    cr_expect_str_eq(s[0].eval, "net_adm:ping('bob@elsewhere').");
    cr_expect_str_eq(s[0].expect, "pong");
    cr_expect_eq(s[0].expect_line, 44);
    cr_expect_eq(s[0].expect_col, 16);
    cr_expect_eq(s[1].at, 1 * SEC);
    cr_expect_eq(s[1].line, 46);
    cr_expect_str_eq(s[1].eval, "flush().");
    cr_expect_null(s[1].expect);
    cr_expect_str_eq(s[2].note, "Bob is now cut off from Alice.");
    cr_expect_eq(s[2].node, -1);
    /* partition [["alice"], ["bob", "carol"]]; mon in no group */
    cr_expect_eq(s[3].at, 10 * SEC);
    cr_assert_not_null(s[3].group);
    cr_expect_eq(s[3].group[0], 0);
    cr_expect_eq(s[3].group[1], 1);
    cr_expect_eq(s[3].group[2], 1);
    cr_expect_eq(s[3].group[3], -1);
    cr_assert_eq(s[4].npairs, 2);
    cr_expect_eq(s[4].pairs[0][0], 0);
    cr_expect_eq(s[4].pairs[0][1], 1);
    cr_expect_eq(s[4].pairs[1][0], 3);
    cr_expect_eq(s[4].pairs[1][1], 2);
    cr_assert_eq(s[5].npairs, 1);
    cr_expect_eq(s[5].pairs[0][0], 0);
    cr_expect_eq(s[5].pairs[0][1], 1);
    cr_assert_eq(s[6].npairs, 1);
    cr_expect(s[6].both_ways);
    cr_expect_eq(s[6].pairs[0][0], 0);
    cr_expect_eq(s[6].pairs[0][1], 1);
    cr_expect_eq(s[6].latency.kind, LAT_CONSTANT);
    cr_expect_eq(s[6].latency.a, 300 * MS);
    cr_expect_not(s[7].both_ways);
    cr_expect_eq(s[7].pairs[0][0], 1);
    cr_expect_eq(s[7].pairs[0][1], 0);
    cr_expect_eq(s[7].latency.kind, LAT_UNIFORM);
    cr_expect_eq(s[7].latency.a, 1 * MS);
    cr_expect_eq(s[7].latency.b, 2 * MS);
    cr_expect_eq(s[8].node, 1);
    cr_expect_eq(s[9].node, 2);
    cr_expect_eq(s[10].node, 2);
    cr_expect_eq(s[11].node, 1);
    cr_expect(s[12].heal_all);
    cr_expect_eq(s[12].npairs, 0);
    cr_expect_not(s[13].heal_all);
    cr_assert_eq(s[13].npairs, 1);
    cr_expect_eq(s[13].pairs[0][0], 0);
    cr_expect_eq(s[13].pairs[0][1], 1);
    cr_expect_eq(s[14].at, 120 * SEC);
    cr_expect_eq(s[14].node, 3);
    cr_expect_str_eq(s[14].eval, "nodes(hidden)");
    scn_plan_free(p);
}

Test(loader, full_checks)
{
    scn_plan *p = load_good("tests/good/full.json");
    cr_assert_eq(p->nchecks, 4);
    const scn_check *c = p->checks;
    cr_expect_eq(c[0].index, 0);
    cr_expect_eq(c[0].line, 62);
    cr_expect_eq(c[0].col, 5);
    cr_expect_str_eq(c[0].event, "nodedown");
    cr_expect_eq(c[0].min, 1);
    cr_expect_eq(c[0].max, 1);
    cr_expect(c[0].has_between);
    cr_expect_eq(c[0].t0, 55 * SEC);
    cr_expect_eq(c[0].t1, 85 * SEC);
    cr_assert_eq(c[0].nfilters, 2);
    /* node names are stored in full form */
    cr_expect_str_eq(c[0].keys[0], "node");
    cr_expect_str_eq(c[0].values[0], "alice@lab");
    cr_expect_str_eq(c[0].keys[1], "peer");
    cr_expect_str_eq(c[0].values[1], "bob@elsewhere");
    cr_expect_str_eq(c[1].event, "global_conflict");
    cr_expect_eq(c[1].min, 0);
    cr_expect_eq(c[1].max, 2);
    cr_expect_not(c[1].has_between);
    cr_expect_eq(c[1].nfilters, 0);
    cr_expect_eq(c[2].min, 1);
    cr_expect_eq(c[2].max, -1);
    cr_assert_eq(c[2].nfilters, 1);
    cr_expect_str_eq(c[2].values[0], "alice@lab");
    cr_expect_eq(c[3].min, 0);
    cr_expect_eq(c[3].max, 3);
    /* written reason, name, to, pid, node: stored in the fixed order */
    static const char *const keys[] = {"node", "pid", "to", "name", "reason"};
    static const char *const values[] = {"alice@lab", "<0.85.0>", "<0.84.0>",
                                         "echo", "random_exit"};
    cr_assert_eq(c[3].nfilters, 5);
    for (int i = 0; i < 5; i++) {
        cr_expect_str_eq(c[3].keys[i], keys[i]);
        cr_expect_str_eq(c[3].values[i], values[i]);
    }
    scn_plan_free(p);
}

Test(loader, full_workload)
{
    scn_plan *p = load_good("tests/good/full.json");
    const scn_workload *w = &p->workload;
    cr_expect(w->present);
    cr_expect_str_eq(w->strategy.name, "raft");
    cr_expect(w->strategy.library);
    cr_expect(w->strategy.cas);
    cr_expect_eq(w->strategy.nmembers, p->nnodes);
    cr_expect_str_eq(w->strategy.params,
                     "'election_timeout' => {150, 300}, 'read' => consistent, "
                     "'check_quorum' => true, 'reconnect_interval' => 1000");
    cr_expect_eq(w->final_reads, -1);
    cr_assert_eq(w->nclients, 2);
    cr_expect_eq(w->clients[0], 0);
    cr_expect_eq(w->clients[1], 1);
    cr_expect_eq(w->keys, 3);
    cr_expect_float_eq(w->rate, 20.0, 1e-12);
    cr_expect_float_eq(w->mix_read, 0.5, 1e-12);
    cr_expect_float_eq(w->mix_write, 0.25, 1e-12);
    cr_expect_float_eq(w->mix_cas, 0.25, 1e-12);
    cr_expect_eq(w->timeout, 500 * MS);
    cr_expect_eq(w->from, 1 * SEC);
    cr_expect_eq(w->to, 100 * SEC);
    cr_assert_eq(w->ncheckers, 2);
    cr_expect_str_eq(w->checkers[0], "linearizable");
    cr_expect_str_eq(w->checkers[1], "stale_reads");
    scn_plan_free(p);
}

Test(loader, workload_defaults)
{
    scn_plan *p = load_good("tests/good/workload_defaults.json");
    const scn_workload *w = &p->workload;
    cr_expect(w->present);
    cr_expect_str_eq(w->strategy.name, "ignore");
    cr_expect_str_eq(w->strategy.params, "");
    /* compare: every library strategy that needs no parameter */
    cr_assert_eq(w->ncompare, 6);
    cr_expect_str_eq(w->compare[0].name, "ignore");
    cr_expect_str_eq(w->compare[5].name, "raft");
    cr_assert_eq(w->nclients, 2);
    cr_expect_eq(w->clients[1], 2);
    cr_expect_eq(w->keys, 1);
    cr_expect_float_eq(w->rate, 100.0 / 60.0, 1e-12);
    cr_expect_float_eq(w->mix_read, 0.5, 1e-12);
    cr_expect_float_eq(w->mix_write, 0.5, 1e-12);
    cr_expect_float_eq(w->mix_cas, 0.0, 1e-12);
    cr_expect_eq(w->timeout, 5 * SEC);
    cr_expect_eq(w->from, 0);
    cr_expect_eq(w->to, 120 * SEC);
    cr_assert_eq(w->ncheckers, 5);
    cr_expect_str_eq(w->checkers[0], "linearizable");
    cr_expect_str_eq(w->checkers[4], "availability");
    scn_plan_free(p);
}

Test(loader, every_good_file_loads)
{
    glob_t g;
    cr_assert_eq(glob("tests/good/*.json", 0, NULL, &g), 0);
    for (size_t i = 0; i < g.gl_pathc; i++)
        scn_plan_free(load_good(g.gl_pathv[i]));
    globfree(&g);
}

Test(loader, bom_and_crlf)
{
    scn_plan *p = NULL;
    scn_error e;
    cr_expect_eq(load_str("\xEF\xBB\xBF{\"name\": \"x\", \"until\": \"1s\", "
                          "\"nodes\": [\"a\"]}", &p, &e), SCN_OK, "%s", e.msg);
    scn_plan_free(p);
    expect_error("{\r\n\"name\": \"x\",\r\n\"until\": 1,\r\n"
                 "\"nodes\": [\"a\"]}",
                 "t.json:3:10: until: durations need a unit, e.g. \"150ms\"");
}

Test(loader, many_steps_keep_file_order_at_equal_times)
{
    int n = 3000;
    size_t cap = (size_t)n * 40 + 200, o = 0;
    char *t = malloc(cap);
    o += (size_t)snprintf(t + o, cap - o, "{\"name\": \"x\", \"until\": "
                          "\"1s\", \"nodes\": [\"a\"], \"timeline\": [");
    for (int i = 0; i < n; i++)
        o += (size_t)snprintf(t + o, cap - o, "%s\n{\"at\": \"%s\", "
                              "\"note\": \"n\"}", i ? "," : "",
                              i % 3 == 0 ? "1ms" : "0s");
    snprintf(t + o, cap - o, "]}");
    scn_plan *p = NULL;
    scn_error e;
    cr_assert_eq(load_str(t, &p, &e), SCN_OK, "%s", e.msg);
    cr_assert_eq(p->nsteps, n);
    for (int i = 1; i < n; i++) {
        const scn_step *a = &p->steps[i - 1], *b = &p->steps[i];
        cr_assert(a->at < b->at || (a->at == b->at && a->index < b->index));
    }
    /* 0s steps first (indexes not divisible by 3), each on line index+2 */
    cr_expect_eq(p->steps[0].index, 1);
    cr_expect_eq(p->steps[0].line, 3);
    cr_expect_eq(p->steps[n - 1].index, n - 3);
    cr_expect_eq(p->steps[n - 1].line, n - 1);
    scn_plan_free(p);
    free(t);
}

/* ---- durations and node lookup ---------------------------------------- */

Test(loader, durations)
{
    static const struct {
        const char *s;
        int64_t us;
    } ok[] = {
        {"250us", 250}, {"15ms", 15000}, {"2s", 2000000},
        {"1.5s", 1500000}, {"3min", 180000000}, {"0s", 0},
        {"1h", 3600000000LL}, {"1.5h", 5400000000LL}, {"2562047788h", 2562047788LL * 3600000000LL},
        {"0.001ms", 1}, {"1.000000000000000s", 1000000}, {"007ms", 7000},
        {"0.5min", 30000000}, {"0.000001s", 1},
        {"9223372036854775807us", INT64_MAX},
        {"153722867280min", 153722867280LL * 60000000},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        int64_t us = -1;
        const char *why = NULL;
        cr_expect_eq(scn_parse_duration(ok[i].s, &us, &why), 0, "%s: %s",
                     ok[i].s, why ? why : "");
        cr_expect_eq(us, ok[i].us, "%s", ok[i].s);
    }
    static const struct {
        const char *s, *why;
    } bad[] = {
        {"150", "durations need a unit, e.g. \"150ms\""},
        {"-1s", "durations cannot be negative"},
        {"-0.5ms", "durations cannot be negative"},
        {"1 s", "unknown unit (use us, ms, s, min or h)"},
        {"1S", "unknown unit (use us, ms, s, min or h)"},
        {"1e3ms", "unknown unit (use us, ms, s, min or h)"},
        {"", "expected a number and a unit, e.g. \"150ms\""},
        {".5s", "expected a number and a unit, e.g. \"150ms\""},
        {"1.s", "expected a number and a unit, e.g. \"150ms\""},
        {"+1s", "expected a number and a unit, e.g. \"150ms\""},
        {"ms", "expected a number and a unit, e.g. \"150ms\""},
        {"0.5us", "finer than a microsecond, the resolution of virtual time"},
        {"0.0000001s", "finer than a microsecond, the resolution of virtual "
                       "time"},
        {"1.0000000001min", "finer than a microsecond, the resolution of "
                            "virtual time"},
        {"9223372036854775808us", "too large"},
        {"153722867281min", "too large"},
        {"2562047789h", "too large"},
        {"99999999999999999999999999s", "too large"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t us = 42;
        const char *why = NULL;
        cr_expect_eq(scn_parse_duration(bad[i].s, &us, &why), -1, "%s",
                     bad[i].s);
        cr_expect_eq(us, 42, "%s: output written on error", bad[i].s);
        cr_expect_str_eq(why ? why : "(null)", bad[i].why, "%s", bad[i].s);
    }
}

Test(loader, find_node_short_and_full)
{
    scn_plan *p = NULL;
    scn_error e;
    cr_assert_eq(load_str("{\"name\": \"x\", \"until\": \"1s\", \"nodes\": "
                          "[\"alice\", \"alice@h2\", \"bob@h3\", \"carol@h4\", "
                          "\"carol@h5\"]}", &p, &e), SCN_OK, "%s", e.msg);
    cr_expect_eq(scn_plan_find_node(p, "alice"), 0);   /* alice@sim wins */
    cr_expect_eq(scn_plan_find_node(p, "alice@sim"), 0);
    cr_expect_eq(scn_plan_find_node(p, "alice@h2"), 1);
    cr_expect_eq(scn_plan_find_node(p, "bob"), 2);     /* the only bob */
    cr_expect_eq(scn_plan_find_node(p, "bob@h3"), 2);
    cr_expect_eq(scn_plan_find_node(p, "bob@sim"), -1);
    cr_expect_eq(scn_plan_find_node(p, "carol"), -1);  /* ambiguous */
    cr_expect_eq(scn_plan_find_node(p, "carol@h5"), 4);
    cr_expect_eq(scn_plan_find_node(p, "dave"), -1);
    cr_expect_eq(scn_plan_find_node(p, ""), -1);
    cr_expect_eq(scn_plan_find_node(NULL, "alice"), -1);
    scn_plan_free(p);
    scn_plan_free(NULL);
}

static bool valid_utf8(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    while (*u) {
        int n = *u < 0x80 ? 1 : (*u & 0xE0) == 0xC0 ? 2
              : (*u & 0xF0) == 0xE0 ? 3 : (*u & 0xF8) == 0xF0 ? 4 : 0;
        if (n == 0)
            return false;
        for (int i = 1; i < n; i++)
            if ((u[i] & 0xC0) != 0x80)
                return false;
        u += n;
    }
    return true;
}

Test(loader, long_names_are_cut_on_character_boundaries)
{
    for (int pad = 0; pad < 4; pad++) {
        char t[2048];
        int o = snprintf(t, sizeof t, "{\"name\": \"x\", \"until\": \"1s\", "
                         "\"nodes\": [\"a\"], \"timeline\": [{\"at\": \"1s\", "
                         "\"halt\": \"%.*s", pad, "xxx");
        for (int i = 0; i < 200; i++)
            o += snprintf(t + o, sizeof t - (size_t)o, "\xf0\x9f\x90\x98");
        snprintf(t + o, sizeof t - (size_t)o, "\"}]}");
        scn_plan *p = NULL;
        scn_error e;
        cr_assert_eq(load_str(t, &p, &e), SCN_EINVALID);
        cr_expect(valid_utf8(e.msg), "%s", e.msg);
        cr_expect_not_null(strstr(e.msg, "...\" (nodes: a@sim)"), "%s", e.msg);
    }
}
