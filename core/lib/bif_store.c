/* bif_store: the white-box BIFs of the workload's strategies
 * (core/lib/strategy.erl): what only the store's own code knows, as
 * trace events, so that the checkers' tests can compare what the
 * histories show with what happened. Registered by apps_install.
 *
 * Each BIF returns ok and emits one event on the calling process's
 * node, with terms printed as that node prints them (traces/README.md,
 * "Kinds"). */
#include "core/lib/apps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/rt/bif.h"

/* One event of kind `kind` from process c->self: `name` the key (or
 * NULL), `term` the value, `reason` and `text` as given (each may be
 * NULL). */
static ev_status emit(bif_call_ctx *c, const char *kind, const term *key,
                      const term *value, const term *reason, const char *pre,
                      const term *by)
{
    world *w = c->w;
    int node = c->self->node;
    char *k = key ? rt_str(w, node, key) : NULL;
    char *v = value ? rt_str(w, node, value) : NULL;
    char *r = reason ? rt_str(w, node, reason) : NULL;
    char *b = by ? rt_str(w, node, by) : NULL;
    char *text = NULL;
    if (b) {
        size_t n = strlen(pre) + strlen(b) + 1;
        text = malloc(n);
        if (!text)
            abort();
        snprintf(text, n, "%s%s", pre, b);
    }
    term *self = term_pid_new(c->self->pid);
    char *pid = rt_str(w, node, self);
    term_unref(self);
    rt_emit(w, node, kind, NULL, pid, NULL, k, v, r, text);
    free(k), free(v), free(r), free(b), free(text), free(pid);
    return bif_return(c, term_atom_s("ok"));
}

/* clustersim:replica(Key, Value): this node's replica of Key holds Value. */
static ev_status b_replica(bif_call_ctx *c)
{
    return emit(c, "replica", c->args[0], c->args[1], NULL, NULL, NULL);
}

/* clustersim:discard(Key, Value, By, Why): the replica dropped Value,
 * replaced by By, because Why. */
static ev_status b_discard(bif_call_ctx *c)
{
    return emit(c, "discard", c->args[0], c->args[1], c->args[3], "by ",
                c->args[2]);
}

static ev_status b_pause(bif_call_ctx *c)
{
    return emit(c, "pause", NULL, NULL, c->args[0], NULL, NULL);
}

static ev_status b_unpause(bif_call_ctx *c)
{
    return emit(c, "unpause", NULL, NULL, c->args[0], NULL, NULL);
}

/* clustersim:decision(Term): a decision with its inputs. */
static ev_status b_decision(bif_call_ctx *c)
{
    return emit(c, "decision", NULL, c->args[0], NULL, NULL, NULL);
}

static const bif_reg store_bifs[] = {
    {"clustersim", "replica", 2, b_replica, BIF_QUALIFIED},
    {"clustersim", "discard", 4, b_discard, BIF_QUALIFIED},
    {"clustersim", "pause", 1, b_pause, BIF_QUALIFIED},
    {"clustersim", "unpause", 1, b_unpause, BIF_QUALIFIED},
    {"clustersim", "decision", 1, b_decision, BIF_QUALIFIED},
    {NULL, NULL, 0, NULL, BIF_QUALIFIED},
};

void store_install(world *w)
{
    bif_register(w, store_bifs);
}
