/* CAP checkers tests (traces/cap.h): a hand-written history for each
 * definition and its edge cases: stale reads (the first superseding
 * write sets the staleness; concurrent writes and info writes are not
 * stale; a read of nil after a write is), invalid reads (never written,
 * written only by a failed write, written later), lost writes (overwritten
 * by a real-time-later write is not lost, concurrent is not lost, a final
 * read of nil loses everything), convergence (replicas, same-instant
 * events, a relapse, never; final reads when replicas are not reported),
 * phases and availability per side (no partition, never converged, side
 * -1), and the one-line summaries.
 * The SQL forms of the same definitions are checked against these in
 * tests/test_store_ops.c. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "traces/cap.h"

#define S INT64_C(1000000000)   /* a second in ns */

static void load(history *h, const char *text)
{
    history_init(h);
    long line = 0;
    const char *p = text;
    char err[256];
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        cr_assert_eq(history_add_line(h, "t.edn", ++line, p, n, err, sizeof err), 0, "%s",
                     err);
        p += n + (nl != NULL);
    }
}

/* One EDN event on key 1 at time T seconds (tenths: T is 10 x seconds). */
#define EV(type, p, f, v, t, node) \
    "{:type :" type ", :f :" f ", :value [1 " v "], :process " #p ", :time " #t \
    "00000000, :node \"" node "\"}\n"
#define INV(p, f, v, t) EV("invoke", p, f, v, t, "a")
#define OK(p, f, v, t) EV("ok", p, f, v, t, "a")
#define FAIL(p, f, v, t) EV("fail", p, f, v, t, "a")
#define INFO(p, f, v, t) EV("info", p, f, v, t, "a")
#define INVB(p, f, v, t) EV("invoke", p, f, v, t, "b")
#define INVC(p, f, v, t) EV("invoke", p, f, v, t, "c")

static cap_run plain(const history *h)
{
    return (cap_run){.h = h, .partition_at = -1, .heal_at = -1, .final_at = -1,
                     .end_at = 100 * S};
}

static cap_result check_text(const char *text, history *h)
{
    load(h, text);
    cap_run r = plain(h);
    cap_result res;
    cap_check(&r, &res);
    return res;
}

Test(cap, stale_read_and_its_staleness)
{
    history h;
    /* w1 [1, 2], w2 [3, 4], w3 [5, 6]; a read at 10 returns 1 */
    cap_result r = check_text(INV(0, "write", "1", 10) OK(0, "write", "1", 20)
                              INV(0, "write", "2", 30) OK(0, "write", "2", 40)
                              INV(0, "write", "3", 50) OK(0, "write", "3", 60)
                              INV(1, "read", "nil", 100) OK(1, "read", "1", 110)
                              INV(1, "read", "nil", 120) OK(1, "read", "3", 130), &h);
    cr_assert_eq(r.stale, 1);
    cr_assert_eq(r.first_stale, 3);
    /* superseded since w2 completed at 4 s: 10 - 4 */
    cr_assert_eq(r.worst_stale_ns, 6 * S);
    cr_assert_eq(r.invalid_reads, 0);
    cr_assert_eq(r.first_invalid, SIZE_MAX);
    char buf[256];
    cap_describe(&r, &h, CAP_STALE_READS, buf, sizeof buf);
    cr_assert_str_eq(buf, "stale_reads: 1 (worst 6.0 s; first: process 1 read 1 on key 1 "
                          "at 10.0 s), invalid reads: 0");
    cr_assert_str_eq(cap_verdict(&r, CAP_STALE_READS), "fail");
    history_fini(&h);
}

Test(cap, concurrent_writes_are_not_stale)
{
    history h;
    /* w2 overlaps the reads: reading 1 or 2 is fine; a read invoked
     * before w2 completed may still see 1 */
    cap_result r = check_text(INV(0, "write", "1", 10) OK(0, "write", "1", 20)
                              INV(0, "write", "2", 30)
                              INV(1, "read", "nil", 31) OK(1, "read", "1", 32)
                              INV(1, "read", "nil", 33) OK(1, "read", "2", 34)
                              INV(2, "read", "nil", 35)
                              OK(0, "write", "2", 40)
                              OK(2, "read", "1", 50), &h);
    cr_assert_eq(r.stale, 0);
    cr_assert_eq(r.invalid_reads, 0);
    cr_assert_eq(r.first_stale, SIZE_MAX);
    cr_assert_str_eq(cap_verdict(&r, CAP_STALE_READS), "pass");
    history_fini(&h);
}

Test(cap, nil_reads)
{
    history h;
    cap_result r = check_text(INV(1, "read", "nil", 1) OK(1, "read", "nil", 2)
                              INV(0, "write", "1", 10) OK(0, "write", "1", 20)
                              INV(1, "read", "nil", 30) OK(1, "read", "nil", 40), &h);
    cr_assert_eq(r.stale, 1, "nil after a completed write is stale");
    cr_assert_eq(r.first_stale, 2);
    cr_assert_eq(r.worst_stale_ns, 1 * S);
    cr_assert_eq(r.invalid_reads, 0, "nil is the initial state");
    history_fini(&h);
}

Test(cap, invalid_reads)
{
    history h;
    cap_result r = check_text(INV(0, "write", "5", 10) FAIL(0, "write", "5", 20)
                              INV(1, "read", "nil", 30) OK(1, "read", "9", 40)
                              INV(1, "read", "nil", 50) OK(1, "read", "5", 60)
                              INV(1, "read", "nil", 70) OK(1, "read", "7", 80)
                              INV(0, "write", "7", 90) OK(0, "write", "7", 95), &h);
    /* 9 never written, 5 only by a failed write, 7 only later */
    cr_assert_eq(r.invalid_reads, 3);
    cr_assert_eq(r.first_invalid, 1);
    cr_assert_eq(r.stale, 0);
    char buf[256];
    cap_describe(&r, &h, CAP_STALE_READS, buf, sizeof buf);
    cr_assert_str_eq(buf, "stale_reads: 0, invalid reads: 3 (first: process 1 read 9 on "
                          "key 1 at 3.0 s)");
    cr_assert_str_eq(cap_verdict(&r, CAP_STALE_READS), "fail");
    history_fini(&h);
}

Test(cap, info_writes_may_be_read_any_time_after_their_invocation)
{
    history h;
    /* w5 times out (info) and is read after a later ok write w6: w5
     * never completed, so w5 ->rt w6 does not hold: neither stale nor
     * invalid. A read of it concurrent with its invocation is valid. */
    cap_result r = check_text(INV(0, "write", "5", 10)
                              INV(1, "read", "nil", 11) OK(1, "read", "5", 12)
                              INFO(0, "write", "5", 20)
                              INV(2, "write", "6", 30) OK(2, "write", "6", 40)
                              INV(1, "read", "nil", 50) OK(1, "read", "5", 60)
                              INV(3, "write", "8", 70), &h);
    cr_assert_eq(r.stale, 0);
    cr_assert_eq(r.invalid_reads, 0);
    history_fini(&h);
    /* a cas's new value is a write too */
    r = check_text(INV(0, "write", "1", 10) OK(0, "write", "1", 20)
                   "{:type :invoke, :f :cas, :value [1 [1 2]], :process 0, :time 3000000000}\n"
                   "{:type :ok, :f :cas, :value [1 [1 2]], :process 0, :time 4000000000}\n"
                   INV(1, "read", "nil", 50) OK(1, "read", "1", 60)
                   INV(1, "read", "nil", 70) OK(1, "read", "2", 80), &h);
    cr_assert_eq(r.stale, 1);
    cr_assert_eq(r.first_stale, 2);
    cr_assert_eq(r.invalid_reads, 0);
    history_fini(&h);
}

/* Final reads from 50 s: node a reads 1, node b reads 2. */
Test(cap, lost_writes)
{
    history h;
    load(&h, INV(0, "write", "1", 10) OK(0, "write", "1", 20)
             INV(0, "write", "2", 30) OK(0, "write", "2", 40)
             /* w3 concurrent with w4: reading 4 loses neither */
             INV(0, "write", "3", 41) INVB(1, "write", "4", 42)
             OK(0, "write", "3", 43) OK(1, "write", "4", 44)
             INV(0, "read", "nil", 500) OK(0, "read", "4", 510)
             INVB(1, "read", "nil", 500) OK(1, "read", "2", 510)
             /* a write completing after the final read was invoked */
             INVC(2, "write", "9", 499) OK(2, "write", "9", 520));
    cap_run run = plain(&h);
    run.final_at = 50 * S;
    cap_result r;
    cap_check(&run, &r);
    /* b read 2: w3 and w4 (invoked after w2 completed) are lost there;
     * a read 4: w3 is concurrent with w4, so not lost at a */
    cr_assert_eq(r.lost, 2);
    cr_assert_eq(r.first_lost, 2);
    cr_assert_eq(r.final_reads, 2);
    cr_assert_not(r.final_reads_agree);
    /* a's read of 4 is not stale (w9 completes after it is invoked) */
    cr_assert_eq(r.stale, 1, "b's final read of 2 is stale (w3, w4 completed)");
    char buf[256];
    cap_describe(&r, &h, CAP_LOST_WRITES, buf, sizeof buf);
    cr_assert_str_eq(buf, "lost_writes: 2 (first: process 0 write 3 on key 1 at 4.1 s)");
    cr_assert_str_eq(cap_verdict(&r, CAP_LOST_WRITES), "fail");
    /* final ops are not in availability */
    uint64_t inv = 0;
    for (int p = 0; p < CAP_NPHASES; p++)
        inv += r.invoked_all[p];
    cr_assert_eq(inv, 5);
    history_fini(&h);
}

Test(cap, final_read_of_nil_loses_everything_info_loses_nothing)
{
    history h;
    load(&h, INV(0, "write", "1", 10) OK(0, "write", "1", 20)
             INV(0, "write", "2", 30) OK(0, "write", "2", 40)
             INV(3, "write", "7", 41) INFO(3, "write", "7", 42)
             INV(0, "read", "nil", 500) OK(0, "read", "nil", 510)
             INVB(1, "read", "nil", 500) OK(1, "read", "7", 510));
    cap_run run = plain(&h);
    run.final_at = 50 * S;
    cap_result r;
    cap_check(&run, &r);
    cr_assert_eq(r.lost, 2);
    cr_assert_eq(r.first_lost, 0);
    history_fini(&h);
    /* agreeing final reads of the last write: nothing lost */
    load(&h, INV(0, "write", "1", 10) OK(0, "write", "1", 20)
             INV(0, "write", "2", 30) OK(0, "write", "2", 40)
             INV(0, "read", "nil", 500) OK(0, "read", "2", 510)
             INVB(1, "read", "nil", 500) OK(1, "read", "2", 510)
             INVB(1, "read", "nil", 520) FAIL(1, "read", "nil", 530));
    run = plain(&h);
    run.final_at = 50 * S;
    cap_check(&run, &r);
    cr_assert_eq(r.lost, 0);
    cr_assert_eq(r.first_lost, SIZE_MAX);
    cr_assert(r.final_reads_agree);
    cr_assert_eq(r.final_reads, 2);
    char buf[256];
    cap_describe(&r, &h, CAP_LOST_WRITES, buf, sizeof buf);
    cr_assert_str_eq(buf, "lost_writes: 0 (2 final reads)");
    cr_assert_str_eq(cap_verdict(&r, CAP_LOST_WRITES), "pass");
    /* not reported: converged when the final reads agree */
    cr_assert_eq(r.replicas_agree, -1);
    cr_assert_eq(r.converged_at, 50 * S);
    cap_describe(&r, &h, CAP_CONVERGENCE, buf, sizeof buf);
    cr_assert_str_eq(buf, "convergence: replicas not reported, final reads agree");
    history_fini(&h);
    /* no final reads at all */
    load(&h, INV(0, "write", "1", 10) OK(0, "write", "1", 20));
    run = plain(&h);
    cap_check(&run, &r);
    cr_assert_str_eq(cap_verdict(&r, CAP_LOST_WRITES), "unknown");
    cr_assert_str_eq(cap_verdict(&r, CAP_CONVERGENCE), "unknown");
    cr_assert_eq(r.converged_at, -1);
    cap_describe(&r, &h, CAP_LOST_WRITES, buf, sizeof buf);
    cr_assert_str_eq(buf, "lost_writes: unknown (no final reads)");
    history_fini(&h);
}

/* Nodes a (majority, detects at 12 s), b (majority, never detects),
 * c (minority, detects at 15 s), d (side -1); partition 10 s, heal 20 s. */
Test(cap, phases_and_availability)
{
    history h;
    load(&h, INV(0, "write", "1", 50) OK(0, "write", "1", 60)         /* a before */
             INV(0, "write", "2", 110) OK(0, "write", "2", 115)       /* a detect */
             INV(0, "write", "3", 130) OK(0, "write", "3", 135)       /* a during */
             INVB(1, "write", "4", 130) FAIL(1, "write", "4", 135)   /* b detect */
             INVC(2, "write", "5", 140) FAIL(2, "write", "5", 145)   /* c detect */
             INVC(2, "write", "6", 160) FAIL(2, "write", "6", 165)   /* c during */
             INVC(2, "write", "7", 170) OK(2, "write", "7", 175)     /* c during */
             EV("invoke", 3, "write", "8", 170, "d") EV("ok", 3, "write", "8", 175, "d")
             INV(0, "write", "9", 210) OK(0, "write", "9", 215)      /* a recover */
             INVC(2, "write", "10", 270) OK(2, "write", "10", 275)); /* c after */
    int32_t a = history_node(&h, "a"), b = history_node(&h, "b"), c = history_node(&h, "c"),
            d = history_node(&h, "d");
    int side[4];
    int64_t det[4];
    side[a] = side[b] = CAP_MAJORITY;
    side[c] = CAP_MINORITY;
    side[d] = -1;
    det[a] = 12 * S;
    det[b] = -1;
    det[c] = 15 * S;
    det[d] = 11 * S;
    int32_t reps[] = {a, c};
    cap_replica ev[] = {
        {6 * S, a, 1, {1, false}}, {6 * S, c, 1, {1, false}},
        {13 * S, a, 1, {3, false}},                           /* differ */
        {22 * S, c, 1, {3, false}},                           /* agree */
        {23 * S, a, 1, {9, false}}, {23 * S, c, 1, {9, false}}, /* same instant */
        {25 * S, c, 1, {10, false}},                          /* relapse */
        {26 * S, a, 1, {10, false}},                          /* agree for good */
        {200 * S, a, 1, {11, false}},                         /* after end_at */
    };
    cap_run run = {.h = &h, .side = side, .partition_at = 10 * S, .heal_at = 20 * S,
                   .detected_at = det, .final_at = -1, .end_at = 100 * S, .replicas = ev,
                   .nreplicas = sizeof ev / sizeof *ev, .replicas_reported = true,
                   .nreplica_nodes = 2, .replica_nodes = reps};
    cap_result r;
    cap_check(&run, &r);
    cr_assert_eq(r.replicas_agree, 1);
    cr_assert_eq(r.converged_at, 26 * S);
    cr_assert_eq(r.ok[CAP_BEFORE][CAP_MAJORITY], 1);
    cr_assert_eq(r.invoked[CAP_BEFORE][CAP_MAJORITY], 1);
    cr_assert_eq(r.invoked[CAP_DETECT][CAP_MAJORITY], 2);
    cr_assert_eq(r.ok[CAP_DETECT][CAP_MAJORITY], 1);
    cr_assert_eq(r.invoked[CAP_DURING][CAP_MAJORITY], 1);
    cr_assert_eq(r.ok[CAP_DURING][CAP_MAJORITY], 1);
    cr_assert_eq(r.invoked[CAP_DETECT][CAP_MINORITY], 1);
    cr_assert_eq(r.ok[CAP_DETECT][CAP_MINORITY], 0);
    cr_assert_eq(r.invoked[CAP_DURING][CAP_MINORITY], 2);
    cr_assert_eq(r.ok[CAP_DURING][CAP_MINORITY], 1);
    cr_assert_eq(r.invoked[CAP_RECOVER][CAP_MAJORITY], 1);
    cr_assert_eq(r.invoked[CAP_AFTER][CAP_MINORITY], 1);
    cr_assert_eq(r.ok[CAP_AFTER][CAP_MINORITY], 1);
    /* d: in no side, but in the totals (during: it detected at 11 s) */
    cr_assert_eq(r.invoked_all[CAP_DURING], 4);
    cr_assert_eq(r.ok_all[CAP_DURING], 3);
    cr_assert_eq(cap_phase(&run, d, 17 * S, r.converged_at), CAP_DURING);
    cr_assert_eq(cap_phase(&run, -1, 17 * S, r.converged_at), CAP_DETECT);
    cr_assert_eq(cap_phase(&run, a, 10 * S, r.converged_at), CAP_DETECT);
    cr_assert_eq(cap_phase(&run, a, 12 * S, r.converged_at), CAP_DURING);
    cr_assert_eq(cap_phase(&run, a, 20 * S, r.converged_at), CAP_RECOVER);
    cr_assert_eq(cap_phase(&run, a, 26 * S, r.converged_at), CAP_AFTER);
    char buf[256];
    cap_describe(&r, &h, CAP_AVAILABILITY, buf, sizeof buf);
    cr_assert_str_eq(buf, "availability: majority 100% (detect 50%) minority 50% (detect "
                          "0%), overall 70% (7/10)");
    cap_describe(&r, &h, CAP_CONVERGENCE, buf, sizeof buf);
    cr_assert_str_eq(buf, "convergence: replicas agree 6.0 s after the heal, no final reads");
    cr_assert_str_eq(cap_verdict(&r, CAP_CONVERGENCE), "pass");
    cr_assert_str_eq(cap_verdict(&r, CAP_AVAILABILITY), "pass");
    /* never converged: they differ at the end; recover runs to the end */
    run.end_at = 25 * S;
    cap_check(&run, &r);
    cr_assert_eq(r.replicas_agree, 0);
    cr_assert_eq(r.converged_at, -1);
    cr_assert_eq(r.invoked[CAP_RECOVER][CAP_MINORITY], 1);
    cr_assert_eq(r.invoked[CAP_AFTER][CAP_MINORITY], 0);
    cap_describe(&r, &h, CAP_CONVERGENCE, buf, sizeof buf);
    cr_assert_str_eq(buf, "convergence: replicas never converge (they differ at the end), "
                          "no final reads");
    cr_assert_str_eq(cap_verdict(&r, CAP_CONVERGENCE), "fail");
    /* agreeing already at the heal: converged at the heal itself */
    run.end_at = 24 * S;
    cap_check(&run, &r);
    cr_assert_eq(r.converged_at, 22 * S);
    run.nreplicas = 2;
    cap_check(&run, &r);
    cr_assert_eq(r.converged_at, 20 * S);
    history_fini(&h);
}

Test(cap, no_partition_everything_is_before)
{
    history h;
    load(&h, INV(0, "write", "1", 10) OK(0, "write", "1", 20)
             INVB(1, "write", "2", 30) FAIL(1, "write", "2", 40));
    int32_t a = history_node(&h, "a"), b = history_node(&h, "b");
    int side[2] = {-1, -1};
    int64_t det[2] = {-1, -1};
    int32_t reps[] = {a, b};
    cap_replica ev[] = {{2 * S, a, 1, {1, false}}, {5 * S, b, 1, {1, false}}};
    cap_run run = {.h = &h, .side = side, .partition_at = -1, .heal_at = -1,
                   .detected_at = det, .final_at = -1, .end_at = 10 * S, .replicas = ev,
                   .nreplicas = 2, .replicas_reported = true, .nreplica_nodes = 2,
                   .replica_nodes = reps};
    cap_result r;
    cap_check(&run, &r);
    cr_assert_eq(r.invoked_all[CAP_BEFORE], 2);
    cr_assert_eq(r.ok_all[CAP_BEFORE], 1);
    for (int p = 1; p < CAP_NPHASES; p++)
        cr_assert_eq(r.invoked_all[p], 0);
    cr_assert_eq(r.invoked[CAP_BEFORE][CAP_MAJORITY], 0, "side -1: in no side");
    cr_assert_eq(r.converged_at, 5 * S);
    char buf[256];
    cap_describe(&r, &h, CAP_AVAILABILITY, buf, sizeof buf);
    cr_assert_str_eq(buf, "availability: 50% (1/2), no partition");
    cap_describe(&r, &h, CAP_CONVERGENCE, buf, sizeof buf);
    cr_assert_str_eq(buf, "convergence: replicas agree from 5.0 s, no final reads");
    /* NULL side and detected_at are fine */
    run.side = NULL;
    run.detected_at = NULL;
    cap_check(&run, &r);
    cr_assert_eq(r.invoked_all[CAP_BEFORE], 2);
    /* nothing at all */
    history e;
    history_init(&e);
    run = plain(&e);
    cap_check(&run, &r);
    cr_assert_eq(r.stale + r.lost + r.invalid_reads, 0);
    cr_assert_str_eq(cap_verdict(&r, CAP_AVAILABILITY), "unknown");
    history_fini(&e);
    history_fini(&h);
}

Test(cap, names)
{
    cr_assert_str_eq(cap_checker_name(CAP_STALE_READS), "stale_reads");
    cr_assert_str_eq(cap_checker_name(CAP_LOST_WRITES), "lost_writes");
    cr_assert_str_eq(cap_checker_name(CAP_CONVERGENCE), "convergence");
    cr_assert_str_eq(cap_checker_name(CAP_AVAILABILITY), "availability");
    cr_assert_str_eq(cap_phase_name(CAP_DETECT), "detect");
    cr_assert_str_eq(cap_phase_name(CAP_AFTER), "after");
    cr_assert_str_eq(cap_side_name(CAP_MINORITY), "minority");
}

Test(cap, an_invalid_final_read_is_a_final_read_that_loses_nothing)
{
    history h;
    load(&h, INV(0, "write", "1", 10) OK(0, "write", "1", 20)
             INV(0, "read", "nil", 500) OK(0, "read", "1", 510)
             INVB(1, "read", "nil", 500) OK(1, "read", "9", 510));
    cap_run run = plain(&h);
    run.final_at = 50 * S;
    cap_result r;
    cap_check(&run, &r);
    cr_assert_eq(r.final_reads, 2);
    cr_assert_not(r.final_reads_agree);
    cr_assert_eq(r.invalid_reads, 1);
    cr_assert_eq(r.lost, 0);
    cr_assert_eq(r.converged_at, -1, "not reported, final reads disagree");
    history_fini(&h);
}
