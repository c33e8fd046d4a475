/* Tests of the judges: the scenarios in tests/must_fail/ run in process and
 * must fail exactly as their NAME.want says (the outcome, the counts of
 * failed expectations and checks, and the report written line for line),
 * while the passing scenarios they are variants of stay green. The same
 * files run through the real binary in tests/must_fail.sh. */
#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "scenarios/loader.h"
#include "core/term/xalloc.h"
#include "scenarios/run.h"
#include "tests/harness.h"

static int count_lines(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* Runs one must-fail case and compares it with its .want file. */
static void judge(const char *path)
{
    char wpath[4096];
    snprintf(wpath, sizeof wpath, "%.*s.want", (int)(strlen(path) - 5), path);
    char *want = h_read(wpath);
    int code = -1, n = 0;
    unsigned long long max_events = 0, max_reductions = 0, max_terms = 0;
    unsigned long long max_memory = 0;
    cr_assert_geq(sscanf(want, "exit %d%n", &code, &n), 1, "%s: first line", wpath);
    char *rest = want + n;
    if (!strncmp(rest, " --max-events ", 14))
        max_events = strtoull(rest + 14, &rest, 10);
    if (!strncmp(rest, " --max-reductions ", 18))
        max_reductions = strtoull(rest + 18, &rest, 10);
    if (!strncmp(rest, " --max-terms ", 13))
        max_terms = strtoull(rest + 13, &rest, 10);
    if (!strncmp(rest, " --max-memory ", 14)) {
        max_memory = strtoull(rest + 14, &rest, 10);
        const char *u = *rest ? strchr("KMGT", *rest) : NULL;
        if (u) {
            max_memory <<= 10 * (u - "KMGT" + 1);
            rest++;
        }
    }
    cr_assert_eq(*rest, '\n', "%s: first line is 'exit N [--max-events M] "
                 "[--max-reductions R] [--max-terms T] [--max-memory S]'", wpath);
    const char *want_err = rest + 1;

    scn_plan *p = NULL;
    scn_error err;
    if (code == 2) {
        /* a load error: the CLI prints the message and a newline */
        cr_expect_neq(scn_load_file(path, &p, &err), SCN_OK, "%s loads", path);
        size_t len = strlen(err.msg);
        cr_expect(strncmp(want_err, err.msg, len) == 0 && !strcmp(want_err + len, "\n"),
                  "%s\n--- got\n%s\n--- want\n%s", path, err.msg, want_err);
        scn_plan_free(p);
        free(want);
        return;
    }
    cr_assert_eq(scn_load_file(path, &p, &err), SCN_OK, "%s", err.msg);
    char *report = NULL;
    size_t len = 0;
    FILE *rep = open_memstream(&report, &len);
    scn_run_opts o = {0};
    o.report = rep;
    o.max_events = max_events;
    o.max_reductions = max_reductions;
    o.max_terms = max_terms;
    scn_run_result r;
    xalloc_set_limit(max_memory);
    scn_run(p, &o, &r);
    xalloc_set_limit(0);
    fclose(rep);
    scn_plan_free(p);

    cr_expect_eq((int)r.outcome, code, "%s: outcome %d, want %d", path,
                 (int)r.outcome, code);
    if (code == SCN_LIMIT) {
        /* the CLI adds the limit's line; the run judged nothing */
        cr_expect_str_empty(report, "%s: %s", path, report);
        cr_expect(strstr(want_err, "internal limit reached: ") &&
                  strstr(want_err, r.limit), "%s: limit %s", path, r.limit);
        cr_expect_eq(r.failed_expects + r.failed_checks, 0);
    } else {
        cr_expect_str_eq(report, want_err, "%s\n--- got\n%s--- want\n%s", path,
                         report, want_err);
        cr_expect_eq(r.failed_expects, count_lines(want_err, ": expectation failed: "),
                     "%s: %d failed expectations", path, r.failed_expects);
        cr_expect_eq(r.failed_checks, count_lines(want_err, ": check failed: "),
                     "%s: %d failed checks", path, r.failed_checks);
        cr_expect_gt(r.failed_expects + r.failed_checks, 0, "%s", path);
    }
    free(report);
    free(want);
}

Test(verdict, every_must_fail_scenario_fails_as_written)
{
    glob_t g;
    cr_assert_eq(glob("tests/must_fail/*.json", 0, NULL, &g), 0,
                 "no tests/must_fail/*.json: run from the repository root");
    cr_expect_geq(g.gl_pathc, 10, "only %zu must-fail cases", g.gl_pathc);
    for (size_t i = 0; i < g.gl_pathc; i++)
        judge(g.gl_pathv[i]);
    globfree(&g);
}

Test(verdict, every_want_file_has_its_scenario)
{
    glob_t g;
    struct stat sb;
    cr_assert_eq(glob("tests/must_fail/*.want", 0, NULL, &g), 0,
                 "no tests/must_fail/*.want");
    for (size_t i = 0; i < g.gl_pathc; i++) {
        char json[4096];
        snprintf(json, sizeof json, "%.*s.json",
                 (int)(strlen(g.gl_pathv[i]) - 5), g.gl_pathv[i]);
        cr_expect_eq(stat(json, &sb), 0, "%s has no scenario", g.gl_pathv[i]);
    }
    globfree(&g);
}

/* Each way of failing, next to the same scenario made to pass: the verdict
 * turns on the one thing that differs, not on something else. */
static scn_run_result run_text(const char *json, char **report)
{
    scn_plan *p = NULL;
    scn_error err;
    cr_assert_eq(scn_load_text("t.json", json, strlen(json), &p, &err), SCN_OK,
                 "%s", err.msg);
    size_t len = 0;
    FILE *rep = open_memstream(report, &len);
    scn_run_opts o = {0};
    o.report = rep;
    scn_run_result r;
    scn_run(p, &o, &r);
    fclose(rep);
    scn_plan_free(p);
    return r;
}

static void verdict(const char *json, scn_outcome want, const char *line)
{
    char *report = NULL;
    scn_run_result r = run_text(json, &report);
    cr_expect_eq(r.outcome, want, "%s\n%s", json, report);
    if (line)
        cr_expect_str_eq(report, line, "%s\n  got  %s  want %s", json, report, line);
    else
        cr_expect_str_empty(report, "%s", json);
    free(report);
}

#define PING "{\"name\": \"t\", \"until\": \"3s\", \"nodes\": [\"alice\", \"bob\"], " \
    "\"timeline\": [{\"at\": \"1s\", \"on\": \"alice\", \"eval\": \"net_adm:ping('bob@sim').\", " \
    "\"expect\": \"%s\"}], \"checks\": [{\"event\": \"nodeup\", \"node\": \"alice\", %s}]}"

static void ping(const char *expect, const char *check, scn_outcome want,
                 const char *line)
{
    char json[1024];
    snprintf(json, sizeof json, PING, expect, check);
    verdict(json, want, line);
}

Test(verdict, one_difference_turns_pass_into_fail)
{
    ping("pong", "\"count\": 1", SCN_PASSED, NULL);
    ping("pang", "\"count\": 1", SCN_FAILED, "t.json:1:144: expectation failed: "
         "timeline[0] on alice@sim: expected pang, got pong\n");
    ping("_", "\"count\": 1", SCN_PASSED, NULL);
    ping("P", "\"count\": 1", SCN_PASSED, NULL);
    ping("pong", "\"count\": 0", SCN_FAILED, "t.json:1:165: check failed: "
         "checks[0]: event=nodeup node=alice@sim: expected 0, counted 1\n");
    ping("pong", "\"count\": 2", SCN_FAILED, "t.json:1:165: check failed: "
         "checks[0]: event=nodeup node=alice@sim: expected 2, counted 1\n");
    ping("pong", "\"count\": {\"min\": 1, \"max\": 1}", SCN_PASSED, NULL);
    ping("pong", "\"count\": {\"min\": 2, \"max\": 3}", SCN_FAILED,
         "t.json:1:165: check failed: checks[0]: event=nodeup "
         "node=alice@sim: expected 2..3, counted 1\n");
    ping("pong", "\"count\": 1, \"between\": [\"1s\", \"1.01s\"]", SCN_PASSED, NULL);
    ping("pong", "\"count\": 1, \"between\": [\"1.01s\", \"3s\"]", SCN_FAILED,
         "t.json:1:165: check failed: checks[0]: event=nodeup node=alice@sim "
         "between=[1.010000s,3.000000s]: expected 1, counted 0\n");
    ping("pong", "\"peer\": \"bob\", \"count\": 1", SCN_PASSED, NULL);
    ping("pong", "\"peer\": \"alice\", \"count\": 1", SCN_FAILED,
         "t.json:1:165: check failed: checks[0]: event=nodeup node=alice@sim "
         "peer=alice@sim: expected 1, counted 0\n");
}

/* A step without `expect` still blocked at `until` is a warning, not a
 * failure: the run passes, and the report names the step, its node and
 * where it is; a step queued behind it is named too. With an `expect`,
 * the same step fails the run. */
Test(verdict, blocked_step_without_expect_is_a_warning)
{
    const char *json =
        "{\"name\": \"t\", \"until\": \"3s\", \"nodes\": [\"alice\"],\n"
        " \"timeline\": [\n"
        "  {\"at\": \"1s\", \"on\": \"alice\", \"eval\": \"1.\", \"expect\": \"1\"},\n"
        "  {\"at\": \"1s\", \"on\": \"alice\", \"eval\": \"receive never -> ok end.\"},\n"
        "  {\"at\": \"2s\", \"on\": \"alice\", \"eval\": \"2.\"}]}";
    char *report = NULL;
    scn_run_result r = run_text(json, &report);
    cr_expect_eq(r.outcome, SCN_PASSED, "%s", report);
    cr_expect_eq(r.unfinished, 2);
    cr_expect_str_eq(report,
        "t.json:4:3: warning: timeline[1] on alice@sim never returned "
        "(still blocked at the end of the run)\n"
        "t.json:5:3: warning: timeline[2] on alice@sim was never evaluated "
        "(the shell was still busy)\n");
    free(report);

    verdict("{\"name\": \"t\", \"until\": \"3s\", \"nodes\": [\"alice\"], "
            "\"timeline\": [{\"at\": \"1s\", \"on\": \"alice\", "
            "\"eval\": \"receive never -> ok end.\", \"expect\": \"_\"}]}",
            SCN_FAILED, "t.json:1:137: expectation failed: timeline[0] on "
            "alice@sim: expected _, got no result by the end of the run\n");
    /* a step that returned in time warns nothing */
    verdict("{\"name\": \"t\", \"until\": \"3s\", \"nodes\": [\"alice\"], "
            "\"timeline\": [{\"at\": \"1s\", \"on\": \"alice\", "
            "\"eval\": \"receive never -> ok after 500 -> late end.\"}]}",
            SCN_PASSED, NULL);
}

/* A field a kind has but an event lacks never matches: a local deliver
 * has no peer, so peer=alice counts only what alice sent (one), not
 * bob's own message to itself. */
Test(verdict, absent_field_never_matches)
{
    verdict("{\"name\": \"t\", \"until\": \"3s\", \"nodes\": [\"alice\", \"bob\"],"
            " \"timeline\": ["
            "{\"at\": \"1s\", \"on\": \"bob\", \"eval\": \"register(b, self()), b ! own.\"},"
            "{\"at\": \"2s\", \"on\": \"alice\", \"eval\": \"{b, 'bob@sim'} ! hi.\"}],"
            " \"checks\": [{\"event\": \"deliver\", \"node\": \"bob\", \"peer\": \"alice\","
            " \"count\": 1}]}", SCN_PASSED, NULL);
}
