/* Trace diff tests (issue 6): trace_diff finds the first differing event
 * and shows it with three lines of context, ignores comment lines, treats
 * a trace that is a prefix of the other as differing where it ends, and
 * names an unreadable input; a stored run (DB#N, or DB alone for its newest
 * run) compares with the text trace of the same scenario, an incomplete run
 * is flagged, and a bad or missing run id is refused. `trace diff`'s exit
 * codes on the command line are checked in test_store.c (Test(cli, ...)). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scenarios/loader.h"
#include "scenarios/run.h"
#include "traces/diff.h"
#include "traces/store.h"
#include "traces/trace.h"
#include "tests/harness.h"

/* ---- helpers ---- */

typedef h_stored stored;

static void store_scenario(const char *db, const char *path,
                           uint64_t max_events, stored *out)
{
    h_store_scenario(db, path, max_events, NULL, out);
}

/* trace_diff with 3 lines of context into a malloc'd string *out (the
 * caller frees it, whatever the result); returns what trace_diff returns. */
static int diff_to_string(const char *a, const char *b, char **out,
                          char *err, size_t errlen)
{
    size_t len;
    FILE *f = open_memstream(out, &len);
    int rc = trace_diff(a, b, 3, f, err, errlen);
    fclose(f);
    return rc;
}

/* ---- text traces ---- */

Test(diff, finds_the_first_differing_line)
{
    char dir[64], a[128], b[128], c[128], err[512];
    h_tmpdir(dir);
    snprintf(a, sizeof a, "%s/a.trace", dir);
    snprintf(b, sizeof b, "%s/b.trace", dir);
    snprintf(c, sizeof c, "%s/c.trace", dir);
    h_write_file(a, "# golden header\n# seed: 1\n"
                 "1.000000 a@sim e1\n2.000000 a@sim e2\n3.000000 a@sim e3\n"
                 "4.000000 a@sim e4\n5.000000 a@sim e5\n6.000000 a@sim e6\n"
                 "7.000000 a@sim e7\n");
    h_write_file(b, "1.000000 a@sim e1\n2.000000 a@sim e2\n"
                 "3.000000 a@sim e3\n4.000000 a@sim e4\n"
                 "5.000000 a@sim CHANGED\n6.000000 a@sim e6\n"
                 "7.000000 a@sim e7\n");
    h_write_file(c, "1.000000 a@sim e1\n2.000000 a@sim e2\n");

    char *out;
    cr_assert_eq(diff_to_string(a, b, &out, err, sizeof err), 1);
    cr_assert(strstr(out, "first difference at event 5 (line 7 of "), "%s",
              out);
    cr_assert(strstr(out, "       2| 2.000000 a@sim e2\n"
                          "       3| 3.000000 a@sim e3\n"
                          "       4| 4.000000 a@sim e4\n"
                          "-      5| 5.000000 a@sim e5\n"
                          "-      6| 6.000000 a@sim e6\n"
                          "-      7| 7.000000 a@sim e7\n"
                          "-      8| (end of trace: 7 events)\n"
                          "+      5| 5.000000 a@sim CHANGED\n"), "%s", out);
    cr_assert_null(strstr(out, "a@sim e1\n"), "only 3 lines of context: %s",
                   out);
    free(out);

    /* comments are ignored: a equals b's text with a's header */
    cr_assert_eq(diff_to_string(a, a, &out, err, sizeof err), 0);
    cr_assert_str_eq(out, "");
    free(out);

    /* one trace a prefix of the other */
    cr_assert_eq(diff_to_string(c, b, &out, err, sizeof err), 1);
    cr_assert(strstr(out, "first difference at event 3\n"), "%s", out);
    cr_assert(strstr(out, "-      3| (end of trace: 2 events)\n"
                          "+      3| 3.000000 a@sim e3\n"), "%s", out);
    free(out);

    /* unreadable inputs */
    char missing[160];
    snprintf(missing, sizeof missing, "%s/none.trace", dir);
    cr_assert_eq(diff_to_string(missing, a, &out, err, sizeof err), -1);
    cr_assert(strstr(err, missing) && strstr(err, "no such file"), "%s", err);
    free(out);
    snprintf(missing, sizeof missing, "%s#2", a);
    cr_assert_eq(diff_to_string(missing, a, &out, err, sizeof err), -1);
    cr_assert(strstr(err, "not a trace database"), "%s", err);
    free(out);
    h_rmtree(dir);
}

/* ---- stored runs ---- */

Test(diff, database_runs_and_text_files_compare)
{
    char dir[64], db[128], txt[128], spec[160], err[512];
    h_tmpdir(dir);
    snprintf(db, sizeof db, "%s/d.db", dir);
    snprintf(txt, sizeof txt, "%s/echo.trace", dir);
    stored a, b;
    store_scenario(db, "scenarios/book/echo.json", 0, &a);
    store_scenario(db, "scenarios/book/echo.json", 5, &b);
    FILE *f = fopen(txt, "w");
    fwrite(a.text, 1, a.textlen, f);
    fclose(f);

    char *out;
    snprintf(spec, sizeof spec, "%s#1", db);
    cr_assert_eq(diff_to_string(spec, txt, &out, err, sizeof err), 0, "%s%s",
                 out, err);
    free(out);
    /* DB alone = its newest run: run 2 stopped after 5 engine events */
    cr_assert_eq(diff_to_string(txt, db, &out, err, sizeof err), 1, "%s", err);
    cr_assert(strstr(out, "is incomplete (limit)"), "%s", out);
    char want[64];
    snprintf(want, sizeof want, "first difference at event %llu\n",
             (unsigned long long)b.r.events + 1);
    cr_assert(strstr(out, want), "%s", out);
    free(out);
    snprintf(spec, sizeof spec, "%s#9", db);
    cr_assert_eq(diff_to_string(spec, txt, &out, err, sizeof err), -1);
    cr_assert(strstr(err, "no run with id 9"), "%s", err);
    free(out);
    snprintf(spec, sizeof spec, "%s#x", db);
    cr_assert_eq(diff_to_string(spec, txt, &out, err, sizeof err), -1);
    cr_assert(strstr(err, "bad run id"), "%s", err);
    free(out);
    free(a.text);
    free(b.text);
    h_rmtree(dir);
}

/* ---- whole lines ---- */

/* A long canonical line: every field, the given term, text and reason,
 * padded so the first 200 bytes are the same in every variant. */
static void long_line(char *buf, size_t n, const char *term, const char *text,
                      const char *reason)
{
    snprintf(buf, n, "12.345678 alice@sim deliver peer=bob@sim to=<0.88.0> "
             "term={state,[{key,\"%0200d\"},%s]} reason=%s text=\"%s\"",
             0, term, reason, text);
}

/* Writes a trace of three events whose middle one is `mid`, and returns
 * what trace_diff says of it against the same trace with `base`. */
static void differs_at_event_2(const char *dir, const char *base,
                               const char *mid)
{
    char a[128], b[128], ta[2048], tb[2048], err[512];
    snprintf(a, sizeof a, "%s/a.trace", dir);
    snprintf(b, sizeof b, "%s/b.trace", dir);
    snprintf(ta, sizeof ta, "1.000000 a@sim boot\n%s\n3.000000 a@sim halt\n", base);
    snprintf(tb, sizeof tb, "1.000000 a@sim boot\n%s\n3.000000 a@sim halt\n", mid);
    h_write_file(a, ta);
    h_write_file(b, tb);
    char *out;
    cr_assert_eq(diff_to_string(a, a, &out, err, sizeof err), 0, "%s", out);
    free(out);
    cr_assert_eq(diff_to_string(a, b, &out, err, sizeof err), 1,
                 "equal?\n%s\n%s", base, mid);
    cr_assert(strstr(out, "first difference at event 2\n"), "%s", out);
    char want[2200];
    snprintf(want, sizeof want, "-      2| %s\n", base);
    cr_assert(strstr(out, want), "%s", out);
    snprintf(want, sizeof want, "+      2| %s\n", mid);
    cr_assert(strstr(out, want), "%s", out);
    free(out);
}

Test(diff, sees_a_change_anywhere_in_a_long_line)
{
    char dir[64], base[1024], mid[1040];
    h_tmpdir(dir);
    long_line(base, sizeof base, "{v,1}", "hello", "normal");
    cr_assert_gt(strlen(base), 300);
    /* a change in term=, reason= and text=, all after byte 200 */
    long_line(mid, sizeof mid, "{v,2}", "hello", "normal");
    size_t same = 0;
    while (base[same] == mid[same])
        same++;
    cr_assert_gt(same, 200, "the lines differ at byte %zu", same);
    differs_at_event_2(dir, base, mid);
    long_line(mid, sizeof mid, "{v,1}", "hello", "killed");
    differs_at_event_2(dir, base, mid);
    long_line(mid, sizeof mid, "{v,1}", "hellO", "normal");
    differs_at_event_2(dir, base, mid);
    /* one more byte at the very end; one byte fewer */
    snprintf(mid, sizeof mid, "%s!", base);
    differs_at_event_2(dir, base, mid);
    snprintf(mid, sizeof mid, "%.*s", (int)strlen(base) - 1, base);
    differs_at_event_2(dir, base, mid);
    h_rmtree(dir);
}

Test(diff, one_event_missing_at_the_end)
{
    char dir[64], a[128], b[128], err[512];
    h_tmpdir(dir);
    snprintf(a, sizeof a, "%s/a.trace", dir);
    snprintf(b, sizeof b, "%s/b.trace", dir);
    h_write_file(a, "1.000000 a@sim e1\n2.000000 a@sim e2\n3.000000 a@sim e3\n");
    h_write_file(b, "1.000000 a@sim e1\n2.000000 a@sim e2\n");
    char *out;
    cr_assert_eq(diff_to_string(a, b, &out, err, sizeof err), 1, "%s", out);
    cr_assert(strstr(out, "first difference at event 3\n"), "%s", out);
    cr_assert(strstr(out, "-      3| 3.000000 a@sim e3\n"
                          "-      4| (end of trace: 3 events)\n"
                          "+      3| (end of trace: 2 events)\n"), "%s", out);
    free(out);
    /* the other way round, too */
    cr_assert_eq(diff_to_string(b, a, &out, err, sizeof err), 1, "%s", out);
    cr_assert(strstr(out, "-      3| (end of trace: 2 events)\n"
                          "+      3| 3.000000 a@sim e3\n"), "%s", out);
    free(out);
    h_rmtree(dir);
}

/* Not a text trace: a binary file (a NUL, or a control byte in an event
 * line, which trace_format_line always escapes) and a line longer than
 * 64 MiB are refused (-1, exit 2 on the command line) with a message, and
 * reading stops there: /dev/zero costs one block, not the whole line. */
Test(diff, refuses_binary_files_and_endless_lines)
{
    char dir[64], a[128], b[128], err[512];
    h_tmpdir(dir);
    snprintf(a, sizeof a, "%s/a.trace", dir);
    snprintf(b, sizeof b, "%s/b.bin", dir);
    h_write_file(a, "1.000000 a@sim e1\n2.000000 a@sim e2\n");
    FILE *f = fopen(b, "wb");
    fwrite("1.000000 a@sim e1\n2.0\0\x01\x02", 1, 24, f);
    fclose(f);
    char *out = NULL;
    cr_assert_eq(diff_to_string(a, b, &out, err, sizeof err), -1, "%s", out);
    cr_assert(strstr(err, "b.bin: line 2: byte 0x00: a binary file, not a "
                          "text trace"), "%s", err);
    free(out);
    h_write_file(b, "1.000000 a@sim e1\n2.000000 a@sim \x1b[2J\n");
    cr_assert_eq(diff_to_string(b, a, &out, err, sizeof err), -1);
    cr_assert(strstr(err, "line 2: byte 0x1b: a binary file"), "%s", err);
    free(out);
    /* a comment line is free text, but not NUL */
    h_write_file(b, "# \x1b ok\n1.000000 a@sim e1\n2.000000 a@sim e2\n");
    cr_assert_eq(diff_to_string(a, b, &out, err, sizeof err), 0, "%s", err);
    free(out);
    cr_assert_eq(diff_to_string("/dev/zero", a, &out, err, sizeof err), -1);
    cr_assert(strstr(err, "/dev/zero: line 1: byte 0x00: a binary file"),
              "%s", err);
    free(out);
    /* 65 MiB without a newline */
    f = fopen(b, "wb");
    char blk[65536];
    memset(blk, 'x', sizeof blk);
    for (int i = 0; i < 65 * 16; i++)
        fwrite(blk, 1, sizeof blk, f);
    fclose(f);
    cr_assert_eq(diff_to_string(a, b, &out, err, sizeof err), -1);
    cr_assert(strstr(err, "b.bin: line 1 is longer than 64 MiB: not a text "
                          "trace"), "%s", err);
    free(out);
    h_rmtree(dir);
}
