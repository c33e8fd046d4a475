/* opts: the option tables' walker and printer (opts.h).
 *
 * Invariants: an option matches its whole name (or "--name=" before a
 * value) or its alias exactly; nothing is abbreviated, so adding an
 * option never changes what another one means. */
#include "cli/opts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Contract in opts.h. */
int cli_usage_error(const char *fmt, const char *arg)
{
    fputs("clustersim: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n(see clustersim --help)\n", stderr);
    return 2;
}

/* Contract in opts.h. */
int cli_opt_next(cli_optparse *p, const cli_opt *tab, int n, const char **val)
{
    *val = NULL;
    if (p->i >= p->argc)
        return CLI_OPT_END;
    const char *a = p->argv[p->i++];
    if (p->operands_only || a[0] != '-' || !a[1]) {
        *val = a;
        return CLI_OPT_OPERAND;
    }
    if (!strcmp(a, "--")) {
        p->operands_only = true;
        return cli_opt_next(p, tab, n, val);
    }
    const char *eq = a[1] == '-' ? strchr(a, '=') : NULL;
    size_t len = eq ? (size_t)(eq - a) : strlen(a);
    for (int k = 0; k < n; k++) {
        const cli_opt *o = &tab[k];
        bool hit = (strlen(o->name) == len && !strncmp(a, o->name, len)) ||
                   (o->alias && !eq && !strcmp(a, o->alias));
        if (!hit)
            continue;
        if (!o->arg) {
            if (eq) {
                cli_usage_error("%s takes no value", o->name);
                return CLI_OPT_ERROR;
            }
            return k;
        }
        if (eq) {
            *val = eq + 1;
        } else if (p->i < p->argc) {
            *val = p->argv[p->i++];
        } else {
            cli_usage_error("%s needs a value", o->name);
            return CLI_OPT_ERROR;
        }
        return k;
    }
    cli_usage_error("unknown option: %s", a);
    return CLI_OPT_ERROR;
}

/* Contract in opts.h. */
void cli_print_opts(FILE *f, const cli_opt *tab, int n)
{
    for (int k = 0; k < n; k++) {
        char head[64];
        snprintf(head, sizeof head, "%s%s%s%s%s", tab[k].alias ? tab[k].alias : "",
                 tab[k].alias ? ", " : "", tab[k].name, tab[k].arg ? " " : "",
                 tab[k].arg ? tab[k].arg : "");
        const char *h = tab[k].help;
        bool first = true;
        while (*h) {
            size_t m = strcspn(h, "\n");
            if (first && strlen(head) < 20)
                fprintf(f, "  %-20s %.*s\n", head, (int)m, h);
            else if (first)
                fprintf(f, "  %s\n  %-20s %.*s\n", head, "", (int)m, h);
            else
                fprintf(f, "  %-20s %.*s\n", "", (int)m, h);
            first = false;
            h += m + (h[m] == '\n');
        }
    }
}

/* Contract in opts.h. */
int cli_parse_u64(const char *s, uint64_t *out)
{
    if (!*s || *s == '-' || *s == '+')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

/* Contract in opts.h. */
int cli_parse_size(const char *s, uint64_t *out)
{
    static const char units[] = "KMGT";
    size_t n = strlen(s);
    unsigned shift = 0;
    char num[32];
    const char *u = n ? strchr(units, s[n - 1] & ~0x20) : NULL;
    if (u && *u) {
        shift = 10 * (unsigned)(u - units + 1);
        n--;
    }
    if (!n || n >= sizeof num)
        return -1;
    memcpy(num, s, n);
    num[n] = 0;
    uint64_t v;
    if (cli_parse_u64(num, &v) || !v || v > (UINT64_MAX >> shift))
        return -1;
    *out = v << shift;
    return 0;
}
