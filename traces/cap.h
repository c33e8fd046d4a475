/* cap: the CAP study's checkers other than linearizability, pure
 * functions over a history (history.h) and the run's facts (partition,
 * heal, failure detection, replica states). All are polynomial
 * (O(n log n) in the operations, plus the replica events times the
 * replica nodes). Definitions (also traces/README.md, "CAP checkers"):
 *
 * - Write values are assumed unique per key (so a read maps to the write
 *   it read); a cas writes its new value. Where values repeat, the
 *   checkers take the most lenient of the writes of that value.
 * - `a ->rt b`: a completed (ok or fail) before b was invoked, by event
 *   ordinal (call, ret): ordinals never tie. An info or open operation
 *   never completes.
 * - stale read: an ok read r returning the value of write w when an ok
 *   write (or cas) w2 on the same key exists with w ->rt w2 ->rt r. A read
 *   of nil reads the initial state, which precedes everything. Staleness
 *   = r.call_time - the completion time of the first such w2 to complete
 *   (how long the value read had been superseded). Final reads count too.
 * - invalid read: an ok read returning a value no ok or info write or cas
 *   of the key, invoked before the read completed, wrote (never written,
 *   written only by failed ops, or written only later). Info writes may be
 *   read any time after their invocation. Invalid reads are not stale.
 * - final reads: the reads invoked at or after final_at. An ok write w is
 *   lost at a final read fr of its key when w ->rt fr and fr returns the
 *   value of a write w_f with w_f ->rt w, or nil. A final read of an
 *   invalid value loses nothing (it is counted as invalid). `lost` counts
 *   the writes lost at >= 1 final read.
 * - final_reads_agree: for every key, all ok final reads of it returned
 *   the same value (true when there are none).
 * - replicas_agree: replaying the replica events with t <= end_at, every
 *   replica node holds the same value of every key (a node that has no
 *   event for a key holds nil); -1 when replicas are not reported.
 * - converged_at: the first instant t >= base such that replicas agree at
 *   every instant of [t, end_at] (the state at an instant is the one after
 *   all events of that instant); base = heal_at, or partition_at if never
 *   healed, or 0 with no partition. Not reported: final_at if the final
 *   reads agree (and exist), else -1. -1: never.
 * - phases, per operation by its call_time: before [.., partition_at),
 *   detect [partition_at, detected_at[node]), during [detected_at[node],
 *   heal_at), recover [heal_at, converged_at), after [converged_at, ..).
 *   No partition: everything is before; never converged: recover runs to
 *   the end; a node that never detects stays in detect until the heal.
 * - availability: ok (HIST_OK only, as Maelstrom's ok-fraction counts)
 *   and invoked per (phase, side), final reads excluded. Operations of a
 *   node whose side is -1 (or of no known node) count in no side cell,
 *   only in the ok_all / invoked_all totals per phase. */
#ifndef CS_CAP_H
#define CS_CAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "traces/history.h"

/* A replica event (t ns): node's replica of key now holds v. */
typedef struct cap_replica {
    int64_t t;
    int32_t node;
    int64_t key;
    hist_val v;
} cap_replica;

enum { CAP_MAJORITY = 0, CAP_MINORITY = 1, CAP_NSIDES = 2 };
enum { CAP_BEFORE, CAP_DETECT, CAP_DURING, CAP_RECOVER, CAP_AFTER, CAP_NPHASES };

/* The checkers, for cap_describe and cap_verdict. */
enum { CAP_STALE_READS, CAP_LOST_WRITES, CAP_CONVERGENCE, CAP_AVAILABILITY, CAP_NCHECKERS };

typedef struct cap_run {
    const history *h;             /* ops; hist_op.node indexes h->nodes */
    const int *side;              /* per node index of h->nodes: CAP_MAJORITY,
                                     CAP_MINORITY, or -1 (no partition / not
                                     in one); NULL: all -1 */
    int64_t partition_at, heal_at;/* ns; -1: none */
    const int64_t *detected_at;   /* per node: when it first saw a nodedown of
                                     a node across the partition, ns; -1
                                     never; NULL: all -1 */
    int64_t final_at;             /* ns; ops invoked at or after it are the
                                     final reads; -1 none */
    int64_t end_at;               /* ns: the run's end */
    const cap_replica *replicas;  /* in time order */
    size_t nreplicas;
    bool replicas_reported;       /* false: the strategy reports no replica
                                     events */
    int32_t nreplica_nodes;       /* nodes that run a replica */
    const int32_t *replica_nodes; /* indexes of h->nodes */
} cap_run;

typedef struct cap_result {
    size_t stale, invalid_reads;
    int64_t worst_stale_ns;
    size_t first_stale;           /* op index or SIZE_MAX */
    size_t first_invalid;         /* op index or SIZE_MAX */
    size_t lost, first_lost;      /* ok writes lost at >= 1 final read;
                                     first: lowest op index or SIZE_MAX */
    size_t final_reads;           /* ok final reads */
    bool final_reads_agree;       /* every key: all final reads agree */
    int replicas_agree;           /* 1 yes, 0 no, -1 not reported */
    int64_t converged_at;         /* ns, -1 never */
    int64_t heal_at;              /* the run's, copied for cap_describe */
    bool partitioned;             /* partition_at >= 0 */
    uint64_t ok[CAP_NPHASES][CAP_NSIDES], invoked[CAP_NPHASES][CAP_NSIDES];
    uint64_t ok_all[CAP_NPHASES], invoked_all[CAP_NPHASES]; /* any side */
} cap_result;

/* Runs every checker over r into *out. Pure: reads r only, allocates
 * and frees its own scratch, cannot fail (out of memory aborts). */
void cap_check(const cap_run *r, cap_result *out);

/* The phase of a time t for node (index of h->nodes, -1 unknown), given
 * the run and the converged_at cap_check found. */
int cap_phase(const cap_run *r, int32_t node, int64_t t, int64_t converged_at);

/* "stale_reads", "lost_writes", "convergence", "availability". */
const char *cap_checker_name(int which);
/* "before", "detect", "during", "recover", "after". */
const char *cap_phase_name(int phase);
/* "majority", "minority". */
const char *cap_side_name(int side);

/* "pass", "fail" or "unknown" for checker which: stale_reads fails on a
 * stale or invalid read; lost_writes fails on a lost write, unknown with
 * no final reads; convergence fails when never converged (or, replicas
 * not reported, when final reads disagree), unknown when neither
 * replicas nor final reads are there; availability is informational:
 * unknown when nothing was invoked, else pass. */
const char *cap_verdict(const cap_result *res, int which);

/* One line (no newline) summing up checker which into buf (size n,
 * truncated), e.g.
 *   stale_reads: 12 (worst 3.2 s), invalid reads: 0
 *   lost_writes: 3 (first: process 2 write 17 at 12.5 s)
 *   convergence: replicas agree 1.2 s after the heal, final reads agree
 *   availability: majority 100% (detect 100%) minority 20% (detect 100%)
 * Times are the history's ns shown in s / ms / us. */
void cap_describe(const cap_result *res, const history *h, int which, char *buf,
                  size_t n);

#endif
