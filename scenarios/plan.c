/* plan: freeing a scenario plan and finding its nodes (plan.h).
 *
 * The loader allocates every array zeroed and sets its count as soon as
 * the array exists, so a half-built plan (the loader's error path) is
 * freed by the same code as a complete one: NULL members are skipped. */
#include "scenarios/plan.h"

#include <stdlib.h>
#include <string.h>

#include "core/erl/eval.h"

static void free_strv(char **v, int n)
{
    if (v == NULL)
        return;
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void config_fini(scn_config *c)
{
    free(c->host);
    free(c->cookie);
    free_strv(c->apps, c->napps);
    for (int i = 0; i < c->nmodules; i++)
        ev_module_free(c->modules[i]);
    free(c->modules);
    free(c->tls.ca);
    free(c->tls.cert_ca);
}

/* Frees `p` and every string and array it holds; NULL is fine. Works on a
 * plan the loader abandoned half-built (see the header comment). */
void scn_plan_free(scn_plan *p)
{
    if (p == NULL)
        return;
    free(p->file);
    free(p->name);
    free(p->description);
    free(p->warnings);
    config_fini(&p->config);
    for (int i = 0; p->nodes != NULL && i < p->nnodes; i++) {
        free(p->nodes[i].name);
        free(p->nodes[i].short_name);
        config_fini(&p->nodes[i].cfg);
    }
    free(p->nodes);
    free(p->links);
    for (int i = 0; p->steps != NULL && i < p->nsteps; i++) {
        scn_step *s = &p->steps[i];
        free(s->eval);
        free(s->expect);
        ev_code_free(s->code);
        ev_code_free(s->pattern);
        free(s->note);
        free(s->group);
        free(s->pairs);
    }
    free(p->steps);
    for (int i = 0; p->checks != NULL && i < p->nchecks; i++) {
        scn_check *c = &p->checks[i];
        free(c->event);
        free_strv(c->keys, c->nfilters);
        free_strv(c->values, c->nfilters);
    }
    free(p->checks);
    scn_strategy_fini(&p->workload.strategy);
    for (int i = 0; i < p->workload.ncompare; i++)
        scn_strategy_fini(&p->workload.compare[i]);
    free(p->workload.compare);
    free(p->workload.clients);
    free_strv(p->workload.checkers, p->workload.ncheckers);
    free(p->nemesis.nodes);
    free(p);
}

/* Index of the node `name` names, or -1 (unknown or ambiguous). A name
 * with '@' must equal a full name. "alice" means alice@<config.host> when
 * there is such a node (the format: a name without '@' gets '@' + host
 * appended); failing that, the one node whose short name it is, which is
 * how a node with its own "host" is named in short form. Several such
 * nodes: ambiguous, -1. */
int scn_plan_find_node(const scn_plan *p, const char *name)
{
    if (p == NULL || name == NULL || p->nodes == NULL)
        return -1;
    if (strchr(name, '@') != NULL) {
        for (int i = 0; i < p->nnodes; i++)
            if (p->nodes[i].name != NULL && strcmp(p->nodes[i].name, name) == 0)
                return i;
        return -1;
    }
    int found = -1, count = 0;
    size_t n = strlen(name);
    const char *host = p->config.host != NULL ? p->config.host : "";
    for (int i = 0; i < p->nnodes; i++) {
        const scn_node *nd = &p->nodes[i];
        if (nd->short_name == NULL || strcmp(nd->short_name, name) != 0)
            continue;
        if (strncmp(nd->name, name, n) == 0 && nd->name[n] == '@' &&
            strcmp(nd->name + n + 1, host) == 0)
            return i;
        found = i;
        count++;
    }
    return count == 1 ? found : -1;
}
