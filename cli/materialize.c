/* materialize: a seed's drawn faults and swarm knobs written out as an
 * ordinary scenario (shrink.h; scenarios/nemesis.h does the drawing). */
#include "cli/shrink.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/opts.h"
#include "cli/out.h"
#include "scenarios/loader.h"
#include "scenarios/nemesis.h"

/* Contract in shrink.h. */
int cli_materialize_text(const char *file, uint64_t seed, bool has_seed,
                         bool swarm, const char *out_file, strbuf *out)
{
    size_t len = 0;
    char *text;
    if (strcmp(file, "-")) {
        text = scn_read_file(file, &len);
    } else {
        strbuf b;
        sb_init(&b);
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
            sb_putn(&b, chunk, n);
        len = b.len;
        sb_putc(&b, 0);
        text = ferror(stdin) ? NULL : b.s;
        if (!text)
            sb_fini(&b);
    }
    if (!text) {
        fprintf(stderr, "clustersim: %s: cannot read: %s\n", file, strerror(errno));
        return 2;
    }
    scn_plan *p = NULL;
    scn_error e;
    const char *name = strcmp(file, "-") ? file : "<stdin>";
    if (scn_load_text(name, text, len, &p, &e) != SCN_OK) {
        fprintf(stderr, "%s\n", e.msg);
        free(text);
        return 2;
    }
    scn_variant v;
    scn_variant_make(p, has_seed ? seed : p->seed, swarm, &v);
    char err[4200];
    int rc = scn_materialize(file, text, len, &v, out_file, out, err, sizeof err);
    if (rc)
        fprintf(stderr, "clustersim: %s\n", err);
    scn_variant_fini(&v);
    scn_plan_free(p);
    free(text);
    return rc ? 2 : 0;
}

enum { M_SEED, M_SWARM, M_OUT, M_HELP, M_NOPTS };
static const cli_opt opts[M_NOPTS] = {
    [M_SEED] = {"--seed", NULL, "S", "the seed whose draws to write (default: the\n"
                "scenario's)"},
    [M_SWARM] = {"--swarm", NULL, NULL, "swarm mode: also write the knobs the seed\n"
                 "draws (latency, loss, net_ticktime)"},
    [M_OUT] = {"-o", NULL, "OUT.json", "the scenario to write (default: standard\n"
               "output); relative module paths are rewritten to\n"
               "name the same files from OUT's folder"},
    [M_HELP] = {"--help", "-h", NULL, "this help"},
};
static const char about[] =
    "usage: clustersim materialize FILE [--seed S] [--swarm] [-o OUT.json]\n"
    "\n"
    "Writes FILE with what the seed draws made explicit: the nemesis's\n"
    "faults as timeline steps (each a note, the fault and its heal), and\n"
    "with --swarm the drawn knobs in config. The nemesis key goes, the seed\n"
    "is set. `clustersim run OUT.json` gives the same trace as `clustersim\n"
    "run FILE --seed S [--swarm]`, and OUT can be read, kept and edited.\n"
    "Exit 0, or 2 for bad input.\n"
    "\n"
    "options:\n";

int cli_materialize_main(int argc, char **argv)
{
    cli_optparse op = {argc, argv, 0, false};
    const char *v, *file = NULL, *outp = NULL;
    uint64_t seed = 0;
    bool has_seed = false, swarm = false;
    int k;
    while ((k = cli_opt_next(&op, opts, M_NOPTS, &v)) != CLI_OPT_END) {
        switch (k) {
        case CLI_OPT_ERROR:
            return 2;
        case M_SEED:
            if (cli_parse_u64(v, &seed))
                return cli_usage_error("--seed: not an unsigned 64-bit integer: %s", v);
            has_seed = true;
            break;
        case M_SWARM:
            swarm = true;
            break;
        case M_OUT:
            outp = v;
            break;
        case M_HELP:
            fputs(about, stdout);
            cli_print_opts(stdout, opts, M_NOPTS);
            return 0;
        default:
            if (file)
                return cli_usage_error("materialize takes one FILE; extra argument: %s", v);
            file = v;
        }
    }
    if (!file)
        return cli_usage_error("%s", "materialize needs a scenario FILE");
    strbuf b;
    sb_init(&b);
    int rc = cli_materialize_text(file, seed, has_seed, swarm, outp, &b);
    if (rc == 0) {
        cli_out o;
        if (!outp) {
            fputs(b.s, stdout);
        } else if (cli_out_open(&o, "-o", outp)) {
            rc = 2;
        } else {
            int werr = fwrite(b.s, 1, b.len, o.f) == b.len ? 0 : errno ? errno : -1;
            rc = cli_out_close(&o, werr, true, "scenario");
        }
    }
    sb_fini(&b);
    return rc;
}
