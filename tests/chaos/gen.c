/* chaos/gen: writes a random scenario for seed N to stdout: 2-6 nodes,
 * random latency and loss, and a timeline mixing shell steps (pings,
 * sends, receives, global, rpc, dist_kv, spawns, links, monitors, exits)
 * with every kind of fault (partitions, heals, one-way cuts, freezes,
 * resumes, halts, restarts). tests/chaos.sh runs many of them under the
 * sanitizers: no step may crash, leak or differ between builds.
 * usage: gen SEED */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include "sim/rng.h"

static const char *const evals[] = {
    "net_adm:ping('n%d@sim').",
    "register(echo, spawn(echo, loop, [])).",
    "{echo, 'n%d@sim'} ! {self(), hi}.",
    "receive X -> X after 500 -> none end.",
    "global:register_name(g%d, self()).",
    "global:whereis_name(g%d).",
    "global:unregister_name(g%d).",
    "spawn('n%d@sim', echo, loop, []).",
    "rpc:call('n%d@sim', erlang, node, []).",
    "dist_kv:put(k%d, v).",
    "dist_kv:get(k%d).",
    "gen_server:call({dist_kv, 'n%d@sim'}, {get, k}, 1000).",
    "monitor(process, {echo, 'n%d@sim'}).",
    "flush().",
    "erlang:disconnect_node('n%d@sim').",
    "net_kernel:monitor_nodes(true, [nodedown_reason]).",
    "spawn_link('n%d@sim', idle, loop, []).",
    "exit(self(), kill).",
    "nodes().",
    "timer:sleep(300).",
    "process_flag(trap_exit, true).",
    "global:re_register_name(g%d, self()).",
};

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    uint64_t seed = strtoull(argv[1], NULL, 10);
    rng r = rng_stream(seed, "chaos", 0);
    int n = 2 + (int)rng_below(&r, 5);
    static const char *const lat[] = {
        "\"1ms\"", "{\"dist\": \"uniform\", \"min\": \"1ms\", \"max\": \"50ms\"}",
        "{\"dist\": \"exponential\", \"mean\": \"5ms\"}"};
    static const char *const tick[] = {"4s", "8s", "20s"};
    printf("{\"name\": \"chaos%" PRIu64 "\", \"config\": {\"apps\": [\"dist_kv\"], "
           "\"net_ticktime\": \"%s\", \"latency\": %s, \"loss\": %s, "
           "\"prevent_overlapping_partitions\": %s},\n \"nodes\": [",
           seed, tick[rng_below(&r, 3)], lat[rng_below(&r, 3)],
           rng_below(&r, 3) ? "0" : "0.05", rng_below(&r, 2) ? "true" : "false");
    for (int i = 0; i < n; i++)
        printf("%s\"n%d\"", i ? ", " : "", i);
    printf("],\n \"timeline\": [\n");
    int64_t t = 0;
    int steps = 30 + (int)rng_below(&r, 91);
    for (int s = 0; s < steps; s++) {
        t += (int64_t)rng_below(&r, 3000000);
        int a = (int)rng_below(&r, (uint64_t)n), b = (int)rng_below(&r, (uint64_t)n);
        int k = (int)rng_below(&r, 100);
        printf("  %s{\"at\": \"%" PRId64 "us\", ", s ? "," : " ", t);
        if (k < 60) {
            char e[128];
            snprintf(e, sizeof e, evals[rng_below(&r, sizeof evals / sizeof *evals)],
                     (int)rng_below(&r, (uint64_t)n));
            printf("\"on\": \"n%d\", \"eval\": \"", a);
            for (const char *c = e; *c; c++)
                printf(*c == '"' ? "\\\"" : "%c", *c);
            printf("\"}\n");
        } else if (k < 70) {
            /* nodes below `cut` on one side, the rest on the other */
            int cut = 1 + (int)rng_below(&r, (uint64_t)(n - 1));
            printf("\"partition\": [[");
            for (int i = 0; i < n; i++) {
                if (i == cut)
                    printf("], [");
                printf("%s\"n%d\"", i == 0 || i == cut ? "" : ", ", i);
            }
            printf("]]}\n");
        } else if (k < 78) {
            printf("\"heal\": \"all\"}\n");
        } else if (k < 84) {
            printf("\"freeze\": \"n%d\"}\n", a);
        } else if (k < 90) {
            printf("\"resume\": \"n%d\"}\n", a);
        } else if (k < 94) {
            printf("\"halt\": \"n%d\"}\n", a);
        } else if (k < 97 || a == b) {
            printf("\"restart\": \"n%d\"}\n", a);
        } else {
            printf("\"cut_oneway\": {\"from\": \"n%d\", \"to\": \"n%d\"}}\n", a, b);
        }
    }
    printf(" ],\n \"until\": \"%" PRId64 "us\"}\n", t + 60000000);
    return 0;
}
