/* mem: the sparse per-peer map (core/term/imap.h) and the memory bound
 * (core/term/xalloc.h, --max-memory). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include "core/term/imap.h"

Test(imap, finds_what_was_put_and_lists_keys_in_order)
{
    imap m = {0};
    cr_assert_null(imap_find(&m, 0), "an empty map finds nothing");
    /* a scattered insertion order, growing the table several times */
    int order[] = {7, 0, 99999, 3, 42, 1, 65536, 12, 5, 8, 100, 2, 64, 9};
    int n = (int)(sizeof order / sizeof *order);
    for (int i = 0; i < n; i++) {
        void **s = imap_slot(&m, order[i]);
        cr_assert_null(*s, "a new key holds NULL");
        *s = (void *)(intptr_t)(order[i] + 1);
    }
    cr_assert_eq(m.n, (uint32_t)n);
    for (int i = 0; i < n; i++) {
        cr_assert_eq((intptr_t)imap_find(&m, order[i]), order[i] + 1);
        cr_assert_eq((intptr_t)*imap_slot(&m, order[i]), order[i] + 1,
                     "imap_slot of a present key inserts nothing");
    }
    cr_assert_eq(m.n, (uint32_t)n);
    cr_assert_null(imap_find(&m, 4));
    cr_assert_null(imap_find(&m, 65537));
    for (uint32_t i = 1; i < m.n; i++)
        cr_assert_lt(m.keys[i - 1], m.keys[i], "keys increase");
    cr_assert_eq(m.keys[0], 0);
    cr_assert_eq(m.keys[m.n - 1], 99999);
    imap_fini(&m);
    cr_assert_eq(m.n, 0);
    cr_assert_null(imap_find(&m, 7), "a finished map is empty");
}

Test(imap, holds_many_keys)
{
    imap m = {0};
    for (int k = 20000; k-- > 0;)
        *imap_slot(&m, 3 * k) = (void *)(intptr_t)(k + 1);
    cr_assert_eq(m.n, 20000);
    for (int k = 0; k < 20000; k++) {
        cr_assert_eq((intptr_t)imap_find(&m, 3 * k), k + 1);
        cr_assert_null(imap_find(&m, 3 * k + 1));
        cr_assert_eq(m.keys[k], 3 * k);
    }
    imap_fini(&m);
}

/* ---- the memory bound ---- */

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "core/term/xalloc.h"
#include "scenarios/loader.h"
#include "scenarios/run.h"
#include "tests/harness.h"
#include "traces/store.h"

/* The hard stop's handler in these tests: the message must say `want`
 * (exit 3), else exit 4. */
static const char *want_msg;

static void check_fatal(void *ctx, const char *msg)
{
    (void)ctx;
    if (!strstr(msg, want_msg)) {
        fprintf(stderr, "fatal message: %s\nwanted: %s\n", msg, want_msg);
        exit(4);
    }
    exit(3);
}

Test(xalloc, limit_text_names_the_unit)
{
    xalloc_set_limit((uint64_t)64 << 20);
    cr_assert_str_eq(xalloc_limit_text(), "64M");
    xalloc_set_limit((uint64_t)3 << 30);
    cr_assert_str_eq(xalloc_limit_text(), "3G");
    xalloc_set_limit(1000000);
    cr_assert_str_eq(xalloc_limit_text(), "1000000");
    xalloc_set_limit(0);
    cr_assert_not(xalloc_over());
}

Test(xalloc, a_huge_request_is_refused_before_it_is_made, .exit_code = 3)
{
    xalloc_set_limit((uint64_t)1 << 30);
    want_msg = "max_memory=1G (allocating tests/test_mem.c: 1099511627776 bytes; "
               "stopped at once)";
    xalloc_set_fatal(check_fatal, NULL);
    void *p = xmalloc((size_t)1 << 40);
    free(p);
    exit(5);   /* not reached */
}

Test(xalloc, growing_past_the_limit_sets_over_then_stops, .exit_code = 3)
{
    /* a limit a little above what the process holds now */
    xalloc_set_limit(0);
    xalloc_set_limit((uint64_t)1 << 62);
    free(xmalloc(XALLOC_SAMPLE));          /* a measure */
    uint64_t base = xalloc_measured();
    cr_assert_gt(base, 0);
    uint64_t lim = (base + ((uint64_t)32 << 20)) >> 20 << 20;
    xalloc_set_limit(lim);
    want_msg = "stopped at once";
    xalloc_set_fatal(check_fatal, NULL);
    /* small requests, touched so that they are resident, and chained
     * from a static so that none leaks when the stop exits */
    static void *chain;
    bool seen_over = false;
    uint64_t blocks = (lim + ((uint64_t)256 << 20)) / 4096;
    for (uint64_t i = 0; i < blocks; i++) {
        char *p = xmalloc(4096);
        memset(p, 1, 4096);
        memcpy(p, &chain, sizeof chain);
        chain = p;
        if (xalloc_over() && !seen_over) {
            seen_over = true;
            cr_assert_str_eq(xalloc_over_what(), "tests/test_mem.c");
            cr_assert_geq(xalloc_measured(), lim);
        }
        if (!seen_over)
            cr_assert_lt(xalloc_measured(), lim + XALLOC_SAMPLE,
                         "over is set at the first measure past the limit");
    }
    exit(5);   /* 256 MiB past the limit: not reached */
}

/* 20,000 idle nodes boot under a bound that N×N per-node arrays (a few
 * bytes for each pair: gigabytes) would pass many times over. */
Test(xalloc, many_idle_nodes_boot_under_a_small_bound)
{
    int n = 20000;
    size_t cap = (size_t)n * 16 + 256, len = 0;
    char *text = malloc(cap);
    len += (size_t)snprintf(text, cap, "{\"name\": \"idle\", \"until\": \"2s\", "
                            "\"nodes\": [");
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(text + len, cap - len, "%s\"n%d\"", i ? ", " : "", i);
    len += (size_t)snprintf(text + len, cap - len, "]}");
    scn_plan *p = NULL;
    scn_error err;
    cr_assert_eq(scn_load_text("idle.json", text, len, &p, &err), SCN_OK, "%s",
                 err.msg);
    free(text);
    xalloc_set_limit((uint64_t)160 << 20);
    scn_run_opts o = {0};
    scn_run_result r;
    scn_run(p, &o, &r);
    bool over = xalloc_over();
    uint64_t used = xalloc_measured();
    xalloc_set_limit(0);
    scn_plan_free(p);
    cr_assert_eq((int)r.outcome, SCN_PASSED, "%s (measured %llu bytes)", r.limit,
                 (unsigned long long)used);
    cr_assert_not(over);
    cr_assert_eq(r.events, 8 * (uint64_t)n, "every node booted: %llu events",
                 (unsigned long long)r.events);
}

/* ---- --max-memory on the command line ---- */

static const char *cli_bin(void)
{
    const char *b = getenv("CLUSTERSIM_BIN");
    return b ? b : "bin/clustersim";
}

static int sh(const char *fmt, const char *a, const char *b)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, fmt, cli_bin(), a, b);
    int st = system(cmd);
    cr_assert(WIFEXITED(st), "%s", cmd);
    return WEXITSTATUS(st);
}

Test(cli, max_memory)
{
    cr_assert_eq(access(cli_bin(), X_OK), 0, "%s not built", cli_bin());
    char dir[64], scn[128], out[128], txt[128], db[128], path[160];
    h_tmpdir(dir);
    snprintf(scn, sizeof scn, "%s/seq.json", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(txt, sizeof txt, "%s/seq.trace", dir);
    snprintf(db, sizeof db, "%s/seq.db", dir);
    h_write_file(scn, "{\"name\": \"seq\", \"until\": \"5s\", \"nodes\": [\"a\"],\n"
                 " \"timeline\": [{\"at\": \"1s\", \"on\": \"a\", \"eval\": "
                 "\"L = lists:seq(1, 10000000), ok.\"}]}\n");

    /* sizes: bytes or K, M, G, T; nothing else */
    const char *bad[] = {"0", "-1", "12X", "M", "1.5G", "18446744073709551615T"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_assert_eq(sh("%s run %s -q --max-memory '%s' >/dev/null 2>&1", scn,
                        bad[i]), 2, "--max-memory %s", bad[i]);
    }
    cr_assert_eq(sh("%s --help | grep -q -- '--max-memory SIZE'", "", ""), 0);

    /* one BIF call that allocates past the bound: the run stops at once,
     * exit 3; the text trace stays .partial, the stored run incomplete */
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s run %s -q --max-memory 64M --text %s --trace %s "
             ">%s 2>&1", cli_bin(), scn, txt, db, out);
    int st = system(cmd);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 3, "%s: %d", cmd, st);
    char *got = h_read(out);
    cr_assert(strstr(got, "seq.json: internal limit reached: max_memory=64M "
                     "(allocating the term heap; stopped at once)"), "%s", got);
    cr_assert(strstr(got, "incomplete trace left in"), "%s", got);
    cr_assert(strstr(got, "is marked incomplete"), "%s", got);
    cr_assert(strstr(got, "%% seq: INCOMPLETE "), "%s", got);
    free(got);
    snprintf(path, sizeof path, "%s.partial", txt);
    cr_assert_eq(access(path, F_OK), 0, "%s is left", path);
    cr_assert_neq(access(txt, F_OK), 0, "%s looks complete", txt);
    trace_run_info info;
    char err[512];
    cr_assert_eq(trace_store_run_info(db, -1, &info, err, sizeof err), 0, "%s", err);
    cr_assert_not(info.complete);
    cr_assert_str_eq(info.outcome, "limit");
    h_rmtree(dir);
}
