/* The workloads of bench/pairs.erl, bench/alltoall.erl and bench/ring.erl
 * written against SimGrid's s4u API (3.32), one SimGrid actor per Erlang
 * process, 100-byte messages through mailboxes.
 *
 *   sg_bench pingpong PAIRS MSGS_PER_PAIR 1|2 [--cfg=...]
 *       PAIRS pairs, each making MSGS_PER_PAIR one-way messages (half
 *       round trips); 1: every actor on one host; 2: pings on host a,
 *       pongs on host b.
 *   sg_bench alltoall K ROUNDS [--cfg=...]
 *       K actors; each round, actor i sends to i+1, i+2, ... (mod K),
 *       one outstanding send at a time ("shift": SimGrid's detached
 *       sends grow super-linearly with their number, so the burst that
 *       alltoall.erl does is not the fair comparison), receiving one
 *       message per send.
 *   sg_bench ring N ROUNDS [--cfg=...]
 *       N actors in a ring closed by a driver, which sends a token round
 *       ROUNDS times: ROUNDS * (N + 1) one-way messages.
 *
 * Network model: --cfg=network/model:Constant (the default of this
 * program, passed by bench/peers.sh) puts the hosts in a routing-less
 * zone where every message takes the model's constant time; with
 * network/model:LV08 (SimGrid's default) the hosts sit in a star zone,
 * each with a private 10 Gb/s, 50 us link (A -> B crosses l_A then l_B),
 * which needs two hosts (pingpong ... 2).
 *
 * Prints one line:
 *   RESULT workload=... actors=... msgs=... run_s=... msgs_per_s=... setup_s=... peak_rss_kib=...
 * run_s is the wall time of Engine::run() (set-up excluded), peak RSS is
 * getrusage's ru_maxrss of the process. */
#include <simgrid/s4u.hpp>
#include <xbt/config.hpp>
#include <sys/resource.h>
#include <time.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace sg4 = simgrid::s4u;

static const double MSG_BYTES = 100;
static char payload;
static long sent_msgs;

static double now_s()
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void ping(sg4::Mailbox* mine, sg4::Mailbox* pong, long rounds)
{
    for (long i = 0; i < rounds; i++) {
        pong->put(&payload, MSG_BYTES);
        mine->get<char>();
    }
}

static void pong(sg4::Mailbox* mine, sg4::Mailbox* ping, long rounds)
{
    for (long i = 0; i < rounds; i++) {
        mine->get<char>();
        ping->put(&payload, MSG_BYTES);
    }
}

static std::vector<sg4::Mailbox*> boxes;

static void a2a_worker(int i, int k, long rounds)
{
    for (long r = 0; r < rounds; r++)
        for (int s = 1; s < k; s++) {
            sg4::CommPtr c = boxes[(i + s) % k]->put_async(&payload, MSG_BYTES);
            boxes[i]->get<char>();
            c->wait();
        }
}

static void ring_node(sg4::Mailbox* mine, sg4::Mailbox* next, long rounds)
{
    for (long r = 0; r < rounds; r++) {
        char* t = mine->get<char>();
        next->put(t, MSG_BYTES);
    }
}

static void ring_driver(sg4::Mailbox* mine, sg4::Mailbox* first, long rounds)
{
    for (long r = 0; r < rounds; r++) {
        first->put(&payload, MSG_BYTES);
        mine->get<char>();
    }
}

static sg4::Mailbox* box(long i)
{
    return sg4::Mailbox::by_name("m" + std::to_string(i));
}

int main(int argc, char** argv)
{
    double t0 = now_s();
    sg4::Engine e(&argc, argv);
    if (argc < 4) {
        fprintf(stderr, "usage: %s pingpong PAIRS MSGS 1|2 | alltoall K ROUNDS | ring N ROUNDS [--cfg=...]\n", argv[0]);
        return 2;
    }
    std::string w = argv[1];
    long a = atol(argv[2]), b = atol(argv[3]);
    int hosts = (w == "pingpong" && argc > 4) ? atoi(argv[4]) : 1;
    std::string model = simgrid::config::get_value<std::string>("network/model");
    sg4::NetZone* zone;
    sg4::Host* h[2];
    if (model == "Constant") {
        zone = sg4::create_empty_zone("z");
        for (int i = 0; i < hosts; i++)
            h[i] = zone->create_host(i ? "b" : "a", 1e9);
    } else {
        if (hosts != 2) {
            fprintf(stderr, "%s: network model %s needs two hosts (pingpong ... 2)\n", argv[0], model.c_str());
            return 2;
        }
        zone = sg4::create_star_zone("z");
        for (int i = 0; i < 2; i++) {
            h[i] = zone->create_host(i ? "b" : "a", 1e9);
            sg4::Link* l = zone->create_link(std::string("l_") + (i ? "b" : "a"), 1.25e9)->set_latency(50e-6)->seal();
            zone->add_route(h[i]->get_netpoint(), nullptr, nullptr, nullptr, {sg4::LinkInRoute(l)}, true);
        }
    }
    zone->seal();
    sg4::Host* ha = h[0];
    sg4::Host* hb = h[hosts - 1];
    long actors = 0, msgs = 0;
    if (w == "pingpong") {
        long rounds = b / 2;
        for (long p = 0; p < a; p++) {
            sg4::Mailbox* mp = box(2 * p);
            sg4::Mailbox* mq = box(2 * p + 1);
            sg4::Actor::create("ping", ha, ping, mp, mq, rounds);
            sg4::Actor::create("pong", hb, pong, mq, mp, rounds);
        }
        actors = 2 * a;
        msgs = a * rounds * 2;
    } else if (w == "alltoall") {
        for (long i = 0; i < a; i++)
            boxes.push_back(box(i));
        for (long i = 0; i < a; i++)
            sg4::Actor::create("w", ha, a2a_worker, (int)i, (int)a, b);
        actors = a;
        msgs = a * (a - 1) * b;
    } else if (w == "ring") {
        /* box(0) is the driver's; node i forwards to box(i - 1), as
         * ring:build/2 spawns each process forwarding to the one before. */
        for (long i = 1; i <= a; i++)
            sg4::Actor::create("n", ha, ring_node, box(i), box(i - 1), b);
        sg4::Actor::create("driver", ha, ring_driver, box(0), box(a), b);
        actors = a + 1;
        msgs = b * (a + 1);
    } else {
        fprintf(stderr, "%s: unknown workload %s\n", argv[0], w.c_str());
        return 2;
    }
    double t1 = now_s();
    e.run();
    double t2 = now_s();
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("RESULT workload=%s hosts=%d model=%s actors=%ld msgs=%ld run_s=%.6f msgs_per_s=%.0f setup_s=%.6f "
           "peak_rss_kib=%ld end_time=%.9g\n",
           w.c_str(), hosts, model.c_str(), actors, msgs, t2 - t1, msgs / (t2 - t1), t1 - t0, ru.ru_maxrss,
           sg4::Engine::get_clock());
    return 0;
}
