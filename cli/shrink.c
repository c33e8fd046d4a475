/* shrink: a failing seed reduced to a small scenario that still fails the
 * same way (shrink.h; `clustersim shrink --help` is the user's reference).
 *
 * The search. FILE is run for the seed (with --swarm, as `run --swarm`
 * does); its first failure is the target. The seed's draws are made
 * explicit (scn_materialize), so that the search works on plain JSON: a
 * cJSON tree, the smallest failing scenario found so far. A candidate is
 * that tree with something taken away or shortened; it "fails the same
 * way" when it loads, its run fails, and one of its failures has the
 * target's identity (shr__identity(): scn_failure.what, without a check's
 * index "checks[K]: ", which moves when checks go; for an expectation,
 * also whether it got a value, which exception, or why none; for a check
 * that counted too few, the count). A candidate
 * the loader rejects, or whose run hits a limit, does not. Each round:
 *   1. (first round) the checks other than the target's go: they do not
 *      change the run; with --swarm, the drawn knobs go back to FILE's;
 *   2. ddmin (Zeller and Hildebrandt 2002) over the timeline's units: a
 *      fault with the steps that undo it (partition, cut and cut_oneway
 *      with their heals, freeze with resume, halt with restart, a latency
 *      step with the next one on the same direction), every other step a
 *      unit of its own; a heal shared by several faults stays while one
 *      of them does;
 *   3. ddmin over the workload's clients, then over the nodes (a node
 *      goes with its steps, links, pairs, groups, checks and places),
 *      except those the target expectation runs on or names; then over
 *      the settings: the links, config's keys, each node's own keys;
 *   4. until, each fault's duration (its one undoing step moved earlier)
 *      and the workload's `to`, each by binary search at 1 ms.
 * Rounds repeat while one changed the tree (at most MAX_ROUNDS).
 *
 * This file holds the command: its options, the seed's own run, the
 * explicit tree, the rounds, the result and the summary. The search's
 * parts: cli/shrink_search.c (the predicate, ddmin, the binary searches,
 * the phases), cli/shrink_units.c (the timeline's units),
 * cli/shrink_json.c (the tree's edits and printing); shrink_int.h.
 *
 * Invariants: the result depends only on FILE's bytes, the module files,
 * the seed and the options: subsets are tried in a fixed order, results
 * are cached by the candidate's text, and nothing reads the clock but the
 * elapsed time on stderr. The tree is always one that failed the same
 * way, so stopping anywhere (--max-runs) leaves a valid answer. */
#include "cli/shrink.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli/opts.h"
#include "cli/out.h"
#include "cli/shrink_int.h"
#include "core/term/xalloc.h"
#include "scenarios/loader.h"
#include "scenarios/nemesis.h"
#include "scenarios/run.h"

#define MAX_ROUNDS 8
#define DEFAULT_MAX_RUNS 2000

enum {
    SHR_SEED, SHR_SWARM, SHR_OUT, SHR_MAX_RUNS, SHR_MAX_EVENTS,
    SHR_MAX_REDUCTIONS, SHR_HELP, SHR_NOPTS
};
static const cli_opt shr_opts[SHR_NOPTS] = {
    [SHR_SEED] = {"--seed", NULL, "S",
                  "the failing seed (default: the scenario's)"},
    [SHR_SWARM] = {"--swarm", NULL, NULL,
                   "the seed draws the swarm knobs too, as run --swarm"},
    [SHR_OUT] = {"--output", "-o", "MIN.json",
                 "write the result to MIN.json (default: standard output)"},
    [SHR_MAX_RUNS] = {"--max-runs", NULL, "N",
                      "run at most N candidates, then write the smallest\n"
                      "failing scenario found so far (default 2000)"},
    [SHR_MAX_EVENTS] = {"--max-events", NULL, "N",
                        "the engine events a run may take (the seed's own\n"
                        "run too); a candidate that needs more does not\n"
                        "fail the same way (default: ten times the seed's\n"
                        "run, plus 1000000)"},
    [SHR_MAX_REDUCTIONS] = {"--max-reductions", NULL, "N",
                            "the calls the Erlang code of a run may make, as\n"
                            "run --max-reductions (default 1000000000)"},
    [SHR_HELP] = {"--help", "-h", NULL, "this help"},
};
static const char shr_about[] =
    "usage: clustersim shrink FILE [--seed S] [--swarm] [-o MIN.json]\n"
    "\n"
    "Runs FILE with seed S (as run --seed S [--swarm] does) and reduces the\n"
    "failing run to a small scenario that fails the same way. First the\n"
    "seed's draws are made explicit (as materialize does); then, in rounds\n"
    "while something changes: the checks but the failing one go (first\n"
    "round), swarm's knobs go back to the scenario's own, ddmin removes\n"
    "timeline steps (a fault and the steps that undo it go together: a\n"
    "partition or cut with its heals, freeze with resume, halt with\n"
    "restart, a latency step with the one that restores it), the\n"
    "workload's clients, the nodes (with their steps, links and checks)\n"
    "and the settings (links, config's keys, each node's own keys), and\n"
    "binary searches at 1 ms shorten `until`, each fault (its heal moved\n"
    "earlier) and the workload's `to` and `final_reads`.\n"
    "\n"
    "Fails the same way: the candidate loads, its run fails, and one of its\n"
    "failures is the seed's first: the same expectation (node, eval and\n"
    "pattern) getting a value (any value), an exception of the same class\n"
    "and reason's first word, or none for the same reason (\"no result by\n"
    "the end of the run\", ...), or the same check (selector, too few or\n"
    "too many; too few must count as many). A run that hits a limit does\n"
    "not. The node the failing expectation runs on, and those it names,\n"
    "stay.\n"
    "\n"
    "The result is JSON, with \"seed\" S and a description of what was\n"
    "done, the timeline in run order. Its relative module paths name the\n"
    "same files from MIN.json's folder (on standard output, from the\n"
    "current directory); a c(Mod) in an eval still reads Mod.erl beside\n"
    "the scenario. Before it is written, it is run once more as written.\n"
    "The same FILE, seed and options give the same bytes. A summary (runs,\n"
    "sizes before and after, the time taken) goes to stderr.\n"
    "\n"
    "Exit 0 written (also when --max-runs stopped the search: stderr and\n"
    "the description say so), 2 nothing to shrink (\"nothing to shrink:\n"
    "seed S passes\"), a bad scenario or usage, or an output that cannot\n"
    "be written, 3 the seed's own run hit an internal limit (nothing was\n"
    "judged, so there is no failure to keep).\n"
    "\n"
    "options:\n";

/* ---- the command ---- */

typedef struct sizes {
    int steps, nodes, clients, checks;
    int64_t until;
} sizes;

static sizes measure(shr *s)
{
    scn_plan *p = shr__cur_plan(s);
    sizes z = {shr__array_size(s->doc, "timeline"), p->nnodes,
               p->workload.present ? p->workload.nclients : 0, p->nchecks,
               p->until};
    scn_plan_free(p);
    return z;
}

static void sizes_text(strbuf *b, sizes a, sizes z, const shr *s)
{
    char u0[32], u1[32];
    shr__duration(u0, sizeof u0, a.until);
    shr__duration(u1, sizeof u1, z.until);
    sb_printf(b, "%d -> %d timeline steps, %d -> %d nodes, ", a.steps, z.steps,
              a.nodes, z.nodes);
    if (a.clients)
        sb_printf(b, "%d -> %d clients, ", a.clients, z.clients);
    if (a.checks)
        sb_printf(b, "%d -> %d checks, ", a.checks, z.checks);
    sb_printf(b, "until %s -> %s, %" PRIu64 " runs", u0, u1, s->runs);
}

static double elapsed(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) +
           (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Sets description to text, right after name, where scenarios have it
 * (materialize appends one when FILE has none). */
static void set_description(cJSON *root, const char *text)
{
    cJSON *v = cJSON_CreateString(text);
    cJSON_DeleteItemFromObjectCaseSensitive(root, "description");
    int at = 0, i = 0;
    for (cJSON *c = root->child; c; c = c->next, i++)
        if (!strcmp(c->string, "name"))
            at = i + 1;
    shr__insert_member(root, "description", v, at);
}

typedef struct shr_args {
    const char *file, *out;
    uint64_t seed, max_runs, max_events, max_reductions;
    bool has_seed, swarm, has_max_events;
} shr_args;

static int shrink(const shr_args *a);

/* Contract in shrink.h. */
int cli_shrink_main(int argc, char **argv)
{
    shr_args a = {0};
    a.max_runs = DEFAULT_MAX_RUNS;
    cli_optparse op = {argc, argv, 0, false};
    const char *v;
    int k;
    while ((k = cli_opt_next(&op, shr_opts, SHR_NOPTS, &v)) != CLI_OPT_END) {
        switch (k) {
        case CLI_OPT_ERROR:
            return 2;
        case CLI_OPT_OPERAND:
            if (a.file)
                return cli_usage_error("shrink takes one FILE; extra "
                                       "argument: %s", v);
            a.file = v;
            break;
        case SHR_SEED:
            if (cli_parse_u64(v, &a.seed))
                return cli_usage_error("--seed: not an unsigned 64-bit "
                                       "integer: %s", v);
            a.has_seed = true;
            break;
        case SHR_SWARM:
            a.swarm = true;
            break;
        case SHR_OUT:
            a.out = v;
            break;
        case SHR_MAX_RUNS:
            if (cli_parse_u64(v, &a.max_runs) || !a.max_runs)
                return cli_usage_error("--max-runs: not a positive integer: "
                                       "%s", v);
            break;
        case SHR_MAX_EVENTS:
            if (cli_parse_u64(v, &a.max_events) || !a.max_events)
                return cli_usage_error("--max-events: not a positive "
                                       "integer: %s", v);
            a.has_max_events = true;
            break;
        case SHR_MAX_REDUCTIONS:
            if (cli_parse_u64(v, &a.max_reductions) || !a.max_reductions)
                return cli_usage_error("--max-reductions: not a positive "
                                       "integer: %s", v);
            break;
        case SHR_HELP:
            fputs(shr_about, stdout);
            cli_print_opts(stdout, shr_opts, SHR_NOPTS);
            return 0;
        }
    }
    if (!a.file)
        return cli_usage_error("%s", "shrink needs a scenario FILE");
    if (!strcmp(a.file, "-"))
        return cli_usage_error("%s", "shrink reads a FILE, not standard "
                               "input: its candidates are loaded as FILE");
    return shrink(&a);
}

/* The seed's own run: the target failure, or the exit code. */
static int first_run(shr *s, const scn_plan *p, bool swarm, uint64_t *events,
                     char *what, size_t n)
{
    scn_run_result r;
    shr_got g;
    shr__run_plan(s, p, swarm, &r, &g);
    s->runs++;
    if (r.outcome == SCN_LIMIT) {
        fprintf(stderr, "clustersim: %s: cannot shrink: seed %" PRIu64 " hit "
                "an internal limit (%s), so nothing was judged\n", s->file,
                s->seed, r.limit);
        return 3;
    }
    if (r.outcome == SCN_PASSED || r.nfailures == 0) {
        fprintf(stderr, "clustersim: %s: nothing to shrink: seed %" PRIu64
                " passes\n", s->file, s->seed);
        return 2;
    }
    snprintf(what, n, "%s", r.failures[0].what);
    shr__identity(r.failures[0].what, g.n ? g.got[0] : "", s->target,
             sizeof s->target);
    *events = r.sim_events;
    return 0;
}

/* The scenario with the seed's draws explicit, as a tree, or NULL after a
 * message. */
static cJSON *explicit_tree(shr *s, const scn_plan *p, bool swarm,
                            const char *text, size_t len)
{
    scn_variant v;
    scn_variant_make(p, s->seed, swarm, &v);
    strbuf m;
    sb_init(&m);
    char err[512];
    cJSON *doc = NULL;
    if (!scn_materialize(s->file, text, len, &v, NULL, &m, err, sizeof err)) {
        doc = cJSON_ParseWithLength(m.s, m.len);
    } else if (!p->nemesis.present && !swarm) {
        /* nothing drawn: the file is its own explicit form */
        doc = cJSON_ParseWithLength(text, len);
    } else {
        fprintf(stderr, "clustersim: %s: cannot make seed %" PRIu64 "'s "
                "faults explicit: %s\n", s->file, s->seed, err);
    }
    scn_variant_fini(&v);
    sb_fini(&m);
    if (doc)
        shr__fix_numbers(doc, s->seed);
    if (doc && swarm) {
        cJSON *own = cJSON_ParseWithLength(text, len);
        cJSON *cfg = cJSON_DetachItemFromObjectCaseSensitive(own, "config");
        s->own_config = cfg ? cfg : cJSON_CreateObject();
        if (cfg)
            shr__fix_ints(s->own_config);
        cJSON_Delete(own);
    }
    return doc;
}

/* Writes text to o (opened), or to standard output when o is NULL.
 * Returns 0 or 2. */
static int write_out(cli_out *o, const char *text)
{
    if (!o) {
        fputs(text, stdout);
        return 0;
    }
    int werr = fputs(text, o->f) < 0 ? -1 : 0;
    return cli_out_close(o, werr, true, "scenario");
}

static int shrink(const shr_args *a)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    shr s = {0};
    s.file = a->file;
    s.max_runs = a->max_runs;
    s.max_events = a->max_events;
    s.max_reductions = a->max_reductions;
    size_t len;
    char *text = scn_read_file(a->file, &len);
    if (!text) {
        fprintf(stderr, "%s: cannot read: %s\n", a->file, strerror(errno));
        return 2;
    }
    scn_plan *p = NULL;
    scn_error err;
    if (scn_load_text(a->file, text, len, &p, &err) != SCN_OK) {
        fprintf(stderr, "%s\n", err.msg);
        free(text);
        return 2;
    }
    /* opened before the search, so that a bad OUT costs no run */
    cli_out out;
    if (a->out && cli_out_open(&out, "-o", a->out)) {
        scn_plan_free(p);
        free(text);
        return 2;
    }
    if (p->warnings)
        fputs(p->warnings, stderr);
    s.seed = a->has_seed ? a->seed : p->seed;
    char what[480];
    uint64_t events = 0;
    int rc = first_run(&s, p, a->swarm, &events, what, sizeof what);
    if (!rc && !a->has_max_events)
        s.max_events = 10 * events + 1000000;
    if (!rc && !(s.doc = explicit_tree(&s, p, a->swarm, text, len)))
        rc = 2;
    scn_plan_free(p);
    free(text);
    if (!rc && !shr__test_doc(&s, s.doc)) {
        fprintf(stderr, "clustersim: %s: seed %" PRIu64 ": the scenario with "
                "its faults made explicit does not fail the same way, so it "
                "cannot be shrunk (a bug in materialize)\n", a->file, s.seed);
        rc = 2;
    }
    if (rc) {
        if (a->out)
            cli_out_abandon(&out);
        cJSON_Delete(s.doc);
        cJSON_Delete(s.own_config);
        return rc;
    }
    static const char none_counted[] = ": too few | counted 0";
    size_t tl = strlen(s.target), nl = sizeof none_counted - 1;
    if (tl > nl && !strcmp(s.target + tl - nl, none_counted))
        fprintf(stderr, "clustersim: shrink: warning: the failure is a check "
                "that counted none of its events, which any run that does "
                "less also gives: the result may say little (shrink an "
                "expectation that shows the missing event instead)\n");
    /* the checks' index, when the target is one */
    int target_check = -1;
    (void)sscanf(what, "checks[%d]", &target_check);

    sizes before = measure(&s);
    int round = 0;
    for (bool changed = true; changed && round < MAX_ROUNDS && !s.exhausted;) {
        round++;
        strbuf was;
        sb_init(&was);
        shr__compact(&was, s.doc);
        if (round == 1)
            shr__phase_checks(&s, target_check);
        if (a->swarm)
            shr__phase_knobs(&s);   /* every round: cheap, and cached */
        shr__phase_units(&s, target_check >= 0);
        shr__phase_clients(&s);
        shr__phase_nodes(&s);
        shr__phase_settings(&s);
        shr__phase_until(&s);
        shr__phase_durations(&s);
        shr__phase_wl_times(&s);
        strbuf now;
        sb_init(&now);
        shr__compact(&now, s.doc);
        changed = strcmp(was.s, now.s) != 0;
        sb_fini(&was);
        sb_fini(&now);
    }
    sizes after = measure(&s);

    strbuf d;
    sb_init(&d);
    sb_printf(&d, "Shrunk by clustersim shrink from %s seed %" PRIu64 "%s "
              "(failure: ", a->file, s.seed, a->swarm ? " --swarm" : "");
    sb_puts(&d, what);
    sb_puts(&d, "): ");
    sizes_text(&d, before, after, &s);
    sb_puts(&d, ".");
    if (s.exhausted)
        sb_printf(&d, " Stopped at --max-runs %" PRIu64 ": it may shrink "
                  "further.", a->max_runs);
    cJSON *final = cJSON_Duplicate(s.doc, 1);
    set_description(final, d.s);
    shr__order_top(final);
    shr__sort_timeline(final);
    if (shr__move_modules(final, a->file, a->out))
        fprintf(stderr, "clustersim: shrink: warning: cannot resolve the "
                "folders of %s and %s: module paths left as they were\n",
                a->file, a->out ? a->out : ".");
    strbuf outb;
    sb_init(&outb);
    shr__pretty(&outb, final);
    cJSON_Delete(final);

    /* The result as written must load from where it is written and fail
     * the same way. */
    scn_plan *fp = NULL;
    const char *where = a->out ? a->out : "<stdout>";
    bool ok = scn_load_text(where, outb.s, outb.len, &fp, &err) == SCN_OK;
    if (ok)
        ok = shr__run_fails(&s, fp);
    scn_plan_free(fp);
    if (!ok) {
        fprintf(stderr, "clustersim: shrink: internal error: the result, "
                "read as %s, does not fail the same way\n", where);
        if (a->out)
            cli_out_abandon(&out);
        rc = 2;
    } else {
        rc = write_out(a->out ? &out : NULL, outb.s);
    }
    if (!rc) {
        strbuf sum;
        sb_init(&sum);
        sizes_text(&sum, before, after, &s);
        fprintf(stderr, "clustersim: shrink: %s seed %" PRIu64 ": %s "
                "(and one more to check the result; %" PRIu64 " candidates "
                "rejected by the loader, %" PRIu64 " answered from the "
                "cache, %d rounds) in %.1f s%s%s\n",
                a->file, s.seed, sum.s, s.rejected, s.cached, round,
                elapsed(&t0), a->out ? "; wrote " : "", a->out ? a->out : "");
        if (s.exhausted)
            fprintf(stderr, "clustersim: shrink: stopped at --max-runs %"
                    PRIu64 ": the result may shrink further\n", a->max_runs);
        sb_fini(&sum);
    }
    sb_fini(&outb);
    sb_fini(&d);
    cJSON_Delete(s.doc);
    cJSON_Delete(s.own_config);
    for (int i = 0; i < s.ncache; i++)
        free(s.cache[i].text);
    free(s.cache);
    return rc;
}
