/* cap: PLACEHOLDER until the checkers land (helper branch h13-ck). */
#ifndef CS_CAP_H
#define CS_CAP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "traces/history.h"
typedef struct cap_replica { int64_t t; int32_t node; int64_t key; hist_val v; } cap_replica;
enum { CAP_MAJORITY = 0, CAP_MINORITY = 1, CAP_NSIDES = 2 };
enum { CAP_BEFORE, CAP_DETECT, CAP_DURING, CAP_RECOVER, CAP_AFTER, CAP_NPHASES };
typedef struct cap_run {
    const history *h;
    const int *side;
    int64_t partition_at, heal_at;
    const int64_t *detected_at;
    int64_t final_at;
    int64_t end_at;
    const cap_replica *replicas; size_t nreplicas;
    bool replicas_reported;
    int32_t nreplica_nodes;
    const int32_t *replica_nodes;
} cap_run;
typedef struct cap_result {
    size_t stale, invalid_reads;  int64_t worst_stale_ns; size_t first_stale;
    size_t lost, first_lost;
    bool final_reads_agree;
    int replicas_agree;
    int64_t converged_at;
    uint64_t ok[CAP_NPHASES][CAP_NSIDES], invoked[CAP_NPHASES][CAP_NSIDES];
} cap_result;
void cap_check(const cap_run *r, cap_result *out);
#endif
