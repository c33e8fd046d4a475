/* load_workload: the top-level "workload" (loader_int.h): the clients,
 * their operations, the checkers, and the store's strategy with its
 * parameters (scenarios/README.md, "Workload").
 *
 * A library strategy's parameters are checked against its table
 * (strategies[] below) and every default is filled, so its module finds
 * every key; a user's module (config.modules) gets its parameters
 * converted by the generic rule (param_text). Either way they become the
 * associations of the Erlang map its start_link/1 receives. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/lib/lib.h"
#include "core/term/xalloc.h"
#include "scenarios/loader_int.h"

/* A run issues at most this many operations (exit 2 beyond: the run
 * could not finish). */
#define MAX_OPERATIONS 1000000

/* ---- the library's strategies ---------------------------------------- */

typedef enum pkind { PK_NODES, PK_NODE_OR_NODES, PK_DURATION, PK_BOOL,
                     PK_CHOICE, PK_RANGE, PK_COUNT } pkind;

typedef struct pdef {
    const char *key;
    pkind kind;
    const char *deflt;       /* as the file would write it; NULL: required */
    const char *choices[4];  /* PK_CHOICE, ending at NULL */
} pdef;

typedef struct sdef {
    const char *name;
    bool cas;
    const char *no_cas;      /* why not, when !cas */
    pdef params[6];          /* ends at key NULL (at least one row is
                                the zeroed rest); "members" is implied */
} sdef;

#define INTERVAL(k) {k, PK_DURATION, "1s", {NULL}}

/* Each params list ends at the first row without a key (the array's
 * zeroed rest). */
static const sdef strategies[] = {
    {.name = "ignore", .cas = true},
    {.name = "pause_minority", .cas = true,
     .params = {INTERVAL("check_interval"), INTERVAL("reconnect_interval")}},
    {.name = "pause_if_all_down", .cas = true,
     .params = {{"preferred", PK_NODES, NULL, {NULL}},
                {"recover", PK_CHOICE, "ignore", {"ignore", "autoheal", NULL}},
                INTERVAL("check_interval"), INTERVAL("reconnect_interval"),
                {"transition_timeout", PK_DURATION, "60s", {NULL}}}},
    {.name = "autoheal", .cas = true,
     .params = {INTERVAL("reconnect_interval"),
                {"transition_timeout", PK_DURATION, "60s", {NULL}}}},
    {.name = "static_master", .cas = true,
     .params = {{"master", PK_NODE_OR_NODES, NULL, {NULL}},
                INTERVAL("reconnect_interval")}},
    {.name = "quorum", .cas = false,
     .no_cas = "quorum (ABD) registers cannot implement cas (a register has "
               "consensus number 1); use strategy raft",
     .params = {{"fail_fast", PK_BOOL, "false", {NULL}}, INTERVAL("reconnect_interval"),
                {"r", PK_COUNT, "", {NULL}}, {"w", PK_COUNT, "", {NULL}}}},
    {.name = "lww", .cas = true, .params = {INTERVAL("reconnect_interval")}},
    {.name = "raft", .cas = true,
     .params = {{"election_timeout", PK_RANGE, "150ms..300ms", {NULL}},
                {"read", PK_CHOICE, "consistent", {"consistent", "leader", "local", NULL}},
                {"check_quorum", PK_BOOL, "true", {NULL}},
                INTERVAL("reconnect_interval")}},
};
#define NSTRATEGIES (int)(sizeof strategies / sizeof strategies[0])

static const sdef *find_sdef(const char *name)
{
    for (int i = 0; i < NSTRATEGIES; i++)
        if (!strcmp(strategies[i].name, name))
            return &strategies[i];
    return NULL;
}

void scn_strategy_fini(scn_strategy *s)
{
    free(s->name);
    free(s->members);
    free(s->params);
    memset(s, 0, sizeof *s);
}

/* ---- parameter values -------------------------------------------------- */

static void put(strbuf *b, const char *key, const char *val)
{
    if (b->len)
        sb_puts(b, ", ");
    sb_printf(b, "'%s' => %s", key, val);   /* quoted: a key may be a reserved word */
}

/* A node list as Erlang atoms: ['a@sim', 'b@sim']. */
static void put_nodes(ctx *c, strbuf *b, const int *nodes, int n)
{
    sb_putc(b, '[');
    for (int i = 0; i < n; i++)
        sb_printf(b, "%s'%s'", i ? ", " : "", c->p->nodes[nodes[i]].name);
    sb_putc(b, ']');
}

/* A list of distinct nodes (or, for PK_NODE_OR_NODES, one node) into
 * *out (malloc'd), *n. */
static int want_nodes(ctx *c, const cJSON *v, bool one_ok, int **out, int *n)
{
    if (one_ok && cJSON_IsString(v)) {
        *out = xcalloc(1, sizeof **out);
        *n = 1;
        return scn__want_node(c, v, *out);
    }
    if (scn__want_list(c, v, one_ok ? "a node or a list of nodes"
                                    : "a list of nodes") < 0)
        return -1;
    int k = cJSON_GetArraySize(v), i = 0;
    if (k == 0)
        return scn__fail(c, "expected at least one node");
    *out = xcalloc((size_t)k, sizeof **out);
    *n = k;
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        scn__push_idx(c, i);
        if (scn__want_node(c, e, &(*out)[i]) < 0)
            return -1;
        for (int j = 0; j < i; j++)
            if ((*out)[j] == (*out)[i])
                return scn__fail(c, "%s is listed twice",
                                 c->p->nodes[(*out)[i]].name);
        scn__pop(c);
    }
    return 0;
}

/* A duration as whole milliseconds. */
static int want_ms(ctx *c, const cJSON *v, int64_t *ms)
{
    int64_t us;
    if (scn__want_duration(c, v, true, &us) < 0)
        return -1;
    if (us % 1000)
        return scn__fail(c, "%s is not a whole number of milliseconds, the "
                         "unit the strategy's timers take",
                         scn__qs(c, v->valuestring));
    *ms = us / 1000;
    return 0;
}

/* A range "150ms..300ms" as {150, 300}. */
static int want_range(ctx *c, const cJSON *v, int64_t *lo, int64_t *hi)
{
    const char *s;
    if (scn__want_string(c, v, true, &s) < 0)
        return -1;
    const char *dots = strstr(s, "..");
    if (!dots)
        return scn__fail(c, "expected a range like \"150ms..300ms\"");
    char *a = xstrdup(s);
    a[dots - s] = '\0';
    cJSON *x = cJSON_CreateString(a), *y = cJSON_CreateString(dots + 2);
    free(a);
    int r = want_ms(c, x, lo) < 0 || want_ms(c, y, hi) < 0 ? -1 : 0;
    cJSON_Delete(x);
    cJSON_Delete(y);
    if (r == 0 && *lo > *hi)
        r = scn__fail(c, "the range's low end is above its high end");
    return r;
}

/* One library parameter's value (the file's, or its default parsed the
 * same way) appended to b. */
static int lib_param(ctx *c, const pdef *d, const cJSON *v, strbuf *b)
{
    char buf[64];
    int64_t x, y;
    int *nodes = NULL, n = 0, k;
    bool yes;
    switch (d->kind) {
    case PK_NODES:
    case PK_NODE_OR_NODES: {
        if (want_nodes(c, v, d->kind == PK_NODE_OR_NODES, &nodes, &n) < 0) {
            free(nodes);
            return -1;
        }
        strbuf l;
        sb_init(&l);
        put_nodes(c, &l, nodes, n);
        put(b, d->key, l.s);
        sb_fini(&l);
        free(nodes);
        return 0;
    }
    case PK_DURATION:
        if (want_ms(c, v, &x) < 0)
            return -1;
        snprintf(buf, sizeof buf, "%lld", (long long)x);
        break;
    case PK_BOOL:
        if (scn__want_bool(c, v, &yes) < 0)
            return -1;
        snprintf(buf, sizeof buf, "%s", yes ? "true" : "false");
        break;
    case PK_CHOICE:
        for (n = 0; d->choices[n]; n++)
            ;
        if (scn__want_enum(c, v, d->key, d->choices, n, &k) < 0)
            return -1;
        snprintf(buf, sizeof buf, "%s", d->choices[k]);
        break;
    case PK_COUNT:
        if (scn__want_int(c, v, 1, 1000, &x, "a whole number of members, 1 or more") < 0)
            return -1;
        snprintf(buf, sizeof buf, "%lld", (long long)x);
        break;
    case PK_RANGE:
        if (want_range(c, v, &x, &y) < 0)
            return -1;
        snprintf(buf, sizeof buf, "{%lld, %lld}", (long long)x, (long long)y);
        break;
    }
    put(b, d->key, buf);
    return 0;
}

/* A user module's parameter, by the generic rule: a number as it is
 * (an integer when whole), true/false as atoms, a duration as whole
 * milliseconds, a node's name as its atom, another string as a binary,
 * a list element by element. */
static int user_value(ctx *c, const cJSON *v, strbuf *b, int depth)
{
    if (depth > 8)
        return scn__fail(c, "nested too deep for a parameter");
    if (cJSON_IsBool(v)) {
        sb_puts(b, cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (d == floor(d) && fabs(d) < 9e15)
            sb_printf(b, "%lld", (long long)d);
        else
            sb_printf(b, "%.17g", d);
    } else if (cJSON_IsString(v)) {
        const char *s = v->valuestring;
        int node = scn_plan_find_node(c->p, s);
        int64_t us;
        cJSON *quiet = cJSON_CreateString(s);
        scn_error *keep = c->err;
        scn_error scratch;
        c->err = &scratch;
        bool dur = s[0] >= '0' && s[0] <= '9' &&
                   scn__want_duration(c, quiet, false, &us) == 0 && us % 1000 == 0;
        c->err = keep;
        cJSON_Delete(quiet);
        if (node >= 0) {
            sb_printf(b, "'%s'", c->p->nodes[node].name);
        } else if (dur) {
            sb_printf(b, "%lld", (long long)(us / 1000));
        } else {
            sb_puts(b, "<<\"");
            for (const char *q = s; *q; q++) {
                if (*q == '"' || *q == '\\')
                    sb_putc(b, '\\');
                if ((unsigned char)*q < 32)
                    sb_printf(b, "\\x{%x}", (unsigned char)*q);
                else
                    sb_putc(b, *q);
            }
            sb_puts(b, "\"/utf8>>");
        }
    } else if (cJSON_IsArray(v)) {
        int i = 0;
        sb_putc(b, '[');
        for (const cJSON *e = v->child; e; e = e->next, i++) {
            if (i)
                sb_puts(b, ", ");
            scn__push_idx(c, i);
            if (user_value(c, e, b, depth + 1) < 0)
                return -1;
            scn__pop(c);
        }
        sb_putc(b, ']');
    } else {
        return scn__fail(c, "a parameter is a number, a boolean, a string or "
                         "a list, not %s", scn__tname(v));
    }
    return 0;
}

/* The module a user strategy names, as the members load it: the
 * top-level config's modules, else a member's own. */
static const ev_module *user_module(const scn_plan *p, const char *name,
                                    const int *members, int n)
{
    atom_t a = atom_intern(name);
    for (int k = -1; k < n; k++) {
        const scn_config *cfg = k < 0 ? &p->config : &p->nodes[members[k]].cfg;
        for (int i = cfg->nmodules; i-- > 0;)
            if (ev_module_name(cfg->modules[i]) == a)
                return cfg->modules[i];
    }
    return NULL;
}

/* ---- a strategy -------------------------------------------------------- */

static void default_members(const scn_plan *p, scn_strategy *s)
{
    s->nmembers = p->nnodes;
    s->members = xcalloc((size_t)p->nnodes, sizeof *s->members);
    for (int i = 0; i < p->nnodes; i++)
        s->members[i] = i;
}

/* Fills s->params with every parameter of the library strategy d: the
 * object's (m[i] for d->params[i]), else the default. A required one
 * missing fails at `obj` (NULL: no object was written). */
static int lib_params(ctx *c, const sdef *d, const cJSON *obj, scn_strategy *s)
{
    strbuf b;
    sb_init(&b);
    for (const pdef *q = d->params; q->key; q++) {
        const cJSON *v = obj ? cJSON_GetObjectItemCaseSensitive(obj, q->key) : NULL;
        if (!v && q->deflt && !q->deflt[0])
            continue;   /* optional, no default: the module's own */
        if (v) {
            scn__push_key(c, q->key, 0);
        } else if (!q->deflt) {
            sb_fini(&b);
            return scn__fail(c, "strategy %s needs \"%s\"", d->name, q->key);
        }
        cJSON *dv = v ? NULL
                  : q->kind == PK_BOOL ? cJSON_CreateBool(!strcmp(q->deflt, "true"))
                                       : cJSON_CreateString(q->deflt);
        int r = lib_param(c, q, v ? v : dv, &b);
        cJSON_Delete(dv);
        if (r < 0) {
            sb_fini(&b);
            return -1;
        }
        if (v)
            scn__pop(c);
    }
    s->params = xstrdup(b.s ? b.s : "");
    sb_fini(&b);
    return 0;
}

/* quorum's r and w (default a majority each) must make every read
 * quorum meet every write quorum (r + w > n) and two write quorums meet
 * (2w > n), over its n members (ABD's intersection rule). */
static int quorum_sizes(ctx *c, const cJSON *obj, const scn_strategy *s)
{
    int n = s->nmembers, maj = n / 2 + 1;
    const cJSON *rv = obj ? cJSON_GetObjectItemCaseSensitive(obj, "r") : NULL;
    const cJSON *wv = obj ? cJSON_GetObjectItemCaseSensitive(obj, "w") : NULL;
    int r = rv ? (int)rv->valuedouble : maj, w = wv ? (int)wv->valuedouble : maj;
    const char *bad = r > n ? "r" : w > n ? "w" : NULL;
    if (bad) {
        scn__push_key(c, bad, 0);
        return scn__fail(c, "%s = %d is more than the %d members", bad,
                         bad[0] == 'r' ? r : w, n);
    }
    if (r + w <= n || 2 * w <= n) {
        scn__push_key(c, wv ? "w" : "r", 0);
        return scn__fail(c, "r = %d and w = %d over %d members: quorums must "
                         "meet (r + w > %d and 2w > %d)", r, w, n, n, n);
    }
    return 0;
}

/* A strategy: a name, or an object {"name": ..., "members": [...],
 * params...}. */
static int want_strategy(ctx *c, const cJSON *v, scn_strategy *s)
{
    const cJSON *name = v, *obj = NULL;
    if (cJSON_IsObject(v)) {
        obj = v;
        name = cJSON_GetObjectItemCaseSensitive(v, "name");
        if (!name)
            return scn__fail(c, "a strategy object needs \"name\"");
        scn__push_key(c, "name", 0);
    } else if (!cJSON_IsString(v)) {
        return scn__fail(c, "expected a strategy: a name such as "
                         "\"pause_minority\", or an object {\"name\": ..., "
                         "parameters}");
    }
    const char *nm;
    if (scn__want_app_name(c, name, &nm) < 0)
        return -1;
    const sdef *d = find_sdef(nm);
    s->name = xstrdup(nm);
    s->library = d != NULL;
    if (obj) {
        scn__pop(c);
        /* the keys: members and the strategy's own */
        for (const cJSON *e = obj->child; e; e = e->next) {
            if (!strcmp(e->string, "name") || !strcmp(e->string, "members") || !d)
                continue;
            bool known = false;
            for (const pdef *q = d->params; q->key && !known; q++)
                known = !strcmp(q->key, e->string);
            if (!known) {
                scn__push_key(c, e->string, 0);
                const pdef *best = NULL;
                int bd = scn__typo_limit(e->string) + 1;
                for (const pdef *q = d->params; q->key; q++)
                    if (scn__distance(e->string, q->key) < bd)
                        bd = scn__distance(e->string, q->key), best = q;
                if (best)
                    return scn__fail_key(c, "strategy %s has no parameter "
                                         "\"%s\"; did you mean \"%s\"?",
                                         d->name, e->string, best->key);
                strbuf l;
                sb_init(&l);
                for (const pdef *q = d->params; q->key; q++)
                    sb_printf(&l, "%s\"%s\"", l.len ? ", " : "", q->key);
                int r = scn__fail_key(c, "strategy %s has no parameter \"%s\" "
                                      "(it takes %s)", d->name, e->string,
                                      l.len ? l.s : "only \"members\"");
                sb_fini(&l);
                return r;
            }
        }
        const cJSON *mv = cJSON_GetObjectItemCaseSensitive(obj, "members");
        if (mv) {
            scn__push_key(c, "members", 0);
            if (want_nodes(c, mv, false, &s->members, &s->nmembers) < 0)
                return -1;
            scn__pop(c);
        }
    }
    if (!s->members)
        default_members(c->p, s);
    if (d) {
        s->cas = d->cas;
        if (lib_params(c, d, obj, s) < 0)
            return -1;
        return strcmp(d->name, "quorum") ? 0 : quorum_sizes(c, obj, s);
    }
    /* a user's module */
    const ev_module *m = user_module(c->p, nm, s->members, s->nmembers);
    if (!m)
        return scn__fail(c, "unknown strategy %s: not a module of config.modules, "
                         "nor one of the library's (expected ignore, "
                         "pause_minority, pause_if_all_down, autoheal, "
                         "static_master, quorum, lww or raft)", scn__qs(c, nm));
    static const struct { const char *f; uint32_t a; } need[] = {
        {"start_link", 1}, {"read", 2}, {"write", 3}};
    for (int i = 0; i < 3; i++)
        if (!ev_module_export(m, atom_intern(need[i].f), need[i].a))
            return scn__fail(c, "strategy module %s does not export %s/%u "
                             "(clustersim lib strategy shows the interface)",
                             nm, need[i].f, need[i].a);
    s->cas = ev_module_export(m, atom_intern("cas"), 4) != NULL;
    strbuf b;
    sb_init(&b);
    for (const cJSON *e = obj ? obj->child : NULL; e; e = e->next) {
        if (!strcmp(e->string, "name") || !strcmp(e->string, "members"))
            continue;
        cJSON *k = cJSON_CreateString(e->string);
        scn__push_key(c, e->string, 0);
        const char *ok;
        int bad = scn__want_app_name(c, k, &ok);
        cJSON_Delete(k);
        if (bad < 0) {
            sb_fini(&b);
            return scn__fail_key(c, "a parameter's name must be an atom: "
                                 "[a-z][a-z0-9_]*");
        }
        scn__pop(c);
        strbuf one;
        sb_init(&one);
        scn__push_key(c, e->string, 0);
        if (user_value(c, e, &one, 0) < 0) {
            sb_fini(&one);
            sb_fini(&b);
            return -1;
        }
        scn__pop(c);
        put(&b, e->string, one.s);
        sb_fini(&one);
    }
    s->params = xstrdup(b.s ? b.s : "");
    sb_fini(&b);
    return 0;
}

/* A strategy's members include every client: the store runs on members
 * only, and a client's operations go to its own node's store. */
static int clients_are_members(ctx *c, const scn_workload *w,
                               const scn_strategy *s)
{
    for (int i = 0; i < w->nclients; i++) {
        bool in = false;
        for (int k = 0; k < s->nmembers && !in; k++)
            in = s->members[k] == w->clients[i];
        if (!in)
            return scn__fail(c, "client %s is not a member of strategy %s: "
                             "the store runs on its members only",
                             c->p->nodes[w->clients[i]].name, s->name);
    }
    return 0;
}

static int cas_ok(ctx *c, const scn_workload *w, const scn_strategy *s)
{
    if (w->mix_cas == 0 || s->cas)
        return 0;
    const sdef *d = find_sdef(s->name);
    if (d && d->no_cas)
        return scn__fail(c, "the mix has cas, but %s", d->no_cas);
    return scn__fail(c, "the mix has cas, but strategy module %s does not "
                     "export cas/4", s->name);
}

/* ---- the workload ------------------------------------------------------- */

static const char *const wl_keys[] = {
    "app", "strategy", "compare", "clients", "keys", "rate", "mix", "timeout",
    "from", "to", "final_reads", "checkers"
};
enum { W_APP, W_STRATEGY, W_COMPARE, W_CLIENTS, W_KEYS, W_RATE, W_MIX,
       W_TIMEOUT, W_FROM, W_TO, W_FINAL, W_CHECKERS, W_N };

static const char *const checkers[] = {
    "linearizable", "stale_reads", "lost_writes", "convergence",
    "availability"
};
#define NCHECKERS 5
static const char *const mix_keys[] = {"read", "write", "cas"};

static int want_mix(ctx *c, const cJSON *v, scn_workload *w)
{
    field m[3];
    double x[3] = {0, 0, 0};
    if (scn__want_object(c, v, "a mix like {\"read\": 0.5, \"write\": "
                         "0.5}") < 0 ||
        scn__members(c, v, mix_keys, 3, m) < 0)
        return -1;
    for (int k = 0; k < 3; k++) {
        if (m[k].v == NULL)
            continue;
        scn__enter(c, mix_keys, m, k);
        if (!cJSON_IsNumber(m[k].v) || !(m[k].v->valuedouble >= 0.0) ||
            !(m[k].v->valuedouble <= 1.0))
            return scn__fail(c, "expected a share between 0 and 1, got %s",
                             scn__shown(c, m[k].v));
        x[k] = m[k].v->valuedouble;
        scn__pop(c);
    }
    double sum = x[0] + x[1] + x[2];
    if (sum < 1.0 - 1e-9 || sum > 1.0 + 1e-9)
        return scn__fail(c, "the shares must sum to 1, they sum to %g", sum);
    w->mix_read = x[0];
    w->mix_write = x[1];
    w->mix_cas = x[2];
    return 0;
}

static int want_clients(ctx *c, const cJSON *v, scn_workload *w)
{
    if (scn__want_list(c, v, "a list of nodes") < 0)
        return -1;
    if (cJSON_GetArraySize(v) == 0)
        return scn__fail(c, "a workload needs at least one client");
    return want_nodes(c, v, false, &w->clients, &w->nclients);
}

static int want_checkers(ctx *c, const cJSON *v, scn_workload *w)
{
    bool seen[NCHECKERS] = {false};
    if (scn__want_list(c, v, "a list of checker names") < 0)
        return -1;
    int n = cJSON_GetArraySize(v), i = 0;
    w->checkers = xcalloc((size_t)n, sizeof *w->checkers);
    w->ncheckers = n;
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        int k = 0;
        scn__push_idx(c, i);
        if (scn__want_enum(c, e, "checker", checkers, NCHECKERS, &k) < 0)
            return -1;
        if (seen[k])
            return scn__fail(c, "checker %s is listed twice",
                             scn__qs(c, checkers[k]));
        seen[k] = true;
        w->checkers[i] = xstrdup(checkers[k]);
        scn__pop(c);
    }
    return 0;
}

/* "compare": the strategies `clustersim cap` runs, each checked as
 * "strategy" is, then every library strategy the list does not name
 * that needs no parameter (and can run the mix), with its defaults. */
static int want_compare(ctx *c, const cJSON *v, scn_workload *w)
{
    int n = v ? cJSON_GetArraySize(v) : 0, i = 0;
    if (v && scn__want_list(c, v, "a list of strategies") < 0)
        return -1;
    w->compare = xcalloc((size_t)(n + NSTRATEGIES), sizeof *w->compare);
    for (const cJSON *e = v ? v->child : NULL; e; e = e->next, i++) {
        scn__push_idx(c, i);
        scn_strategy *s = &w->compare[w->ncompare++];
        if (want_strategy(c, e, s) < 0 || cas_ok(c, w, s) < 0 ||
            clients_are_members(c, w, s) < 0)
            return -1;
        for (int k = 0; k < i; k++)
            if (!strcmp(w->compare[k].name, s->name))
                return scn__fail(c, "strategy %s is compared twice", s->name);
        scn__pop(c);
    }
    for (int k = 0; k < NSTRATEGIES; k++) {
        const sdef *d = &strategies[k];
        bool listed = false, all = true;
        for (i = 0; i < n; i++)
            listed = listed || !strcmp(w->compare[i].name, d->name);
        for (const pdef *q = d->params; q->key; q++)
            all = all && q->deflt;
        if (listed || !all || (w->mix_cas > 0 && !d->cas))
            continue;
        scn_strategy *s = &w->compare[w->ncompare++];
        s->name = xstrdup(d->name);
        s->library = true;
        s->cas = d->cas;
        default_members(c->p, s);
        if (lib_params(c, d, NULL, s) < 0)
            return -1;
    }
    return 0;
}

int scn__load_workload(ctx *c, const cJSON *v)
{
    scn_workload *w = &c->p->workload;
    field m[W_N];
    const char *s = NULL;
    int64_t keys = 1;
    if (scn__want_object(c, v, "an object") < 0 ||
        scn__members(c, v, wl_keys, W_N, m) < 0 ||
        scn__need(c, &m[W_CLIENTS], "clients", "") < 0 ||
        scn__need(c, &m[W_RATE], "rate", "") < 0)
        return -1;
    if (!m[W_APP].v && !m[W_STRATEGY].v)
        return scn__fail(c, "missing required key \"strategy\" (e.g. "
                         "\"pause_minority\"; clustersim lib strategy shows "
                         "the interface)");
    if (m[W_APP].v && m[W_STRATEGY].v) {
        scn__enter(c, wl_keys, m, W_APP);
        return scn__fail_key(c, "give \"strategy\" or the older \"app\", not "
                             "both (\"app\": \"dist_kv\" is strategy ignore)");
    }
    w->present = true;
    w->mix_read = w->mix_write = 0.5;
    w->timeout = 5 * 1000000LL; /* gen_server:call's default */
    w->to = c->p->until;
    w->final_reads = -1;
    scn__enter(c, wl_keys, m, W_CLIENTS);
    if (want_clients(c, m[W_CLIENTS].v, w) < 0)
        return -1;
    scn__pop(c);
    if (m[W_MIX].v != NULL) {
        scn__enter(c, wl_keys, m, W_MIX);
        if (want_mix(c, m[W_MIX].v, w) < 0)
            return -1;
        scn__pop(c);
    }
    if (m[W_APP].v) {
        scn__enter(c, wl_keys, m, W_APP);
        if (scn__want_app_name(c, m[W_APP].v, &s) < 0)
            return -1;
        if (strcmp(s, "dist_kv"))
            return scn__fail(c, "\"app\" can only be \"dist_kv\" (strategy "
                             "ignore); name other stores with \"strategy\"");
        cJSON *ig = cJSON_CreateString("ignore");
        int r = want_strategy(c, ig, &w->strategy);
        cJSON_Delete(ig);
        if (r < 0)
            return -1;
    } else {
        scn__enter(c, wl_keys, m, W_STRATEGY);
        if (want_strategy(c, m[W_STRATEGY].v, &w->strategy) < 0 ||
            cas_ok(c, w, &w->strategy) < 0 ||
            clients_are_members(c, w, &w->strategy) < 0)
            return -1;
    }
    scn__pop(c);
    if (m[W_COMPARE].v)
        scn__enter(c, wl_keys, m, W_COMPARE);
    if (want_compare(c, m[W_COMPARE].v, w) < 0)
        return -1;
    if (m[W_COMPARE].v)
        scn__pop(c);
    if (m[W_KEYS].v != NULL) {
        scn__enter(c, wl_keys, m, W_KEYS);
        if (scn__want_int(c, m[W_KEYS].v, 1, 1e6, &keys,
                          "a whole number of keys from 1 to 1000000") < 0)
            return -1;
        scn__pop(c);
    }
    w->keys = (int)keys;
    scn__enter(c, wl_keys, m, W_RATE);
    if (scn__want_rate(c, m[W_RATE].v, &w->rate) < 0)
        return -1;
    scn__pop(c);
    for (int k = W_TIMEOUT; k <= W_FINAL; k++) {
        int64_t *t = k == W_TIMEOUT ? &w->timeout : k == W_FROM ? &w->from
                   : k == W_TO ? &w->to : &w->final_reads;
        if (m[k].v == NULL)
            continue;
        scn__enter(c, wl_keys, m, k);
        if ((k == W_TIMEOUT ? scn__want_duration(c, m[k].v, true, t)
                            : scn__want_moment(c, m[k].v, t)) < 0)
            return -1;
        if (k == W_TO && *t <= w->from)
            return scn__fail(c, "\"to\" must be after \"from\"");
        if (k == W_FINAL && *t < w->from)
            return scn__fail(c, "\"final_reads\" must not be before \"from\"");
        scn__pop(c);
    }
    if (m[W_FINAL].v && !m[W_TO].v)
        w->to = w->final_reads;   /* the operations stop for the final reads */
    if (m[W_FINAL].v && w->final_reads < w->to) {
        scn__enter(c, wl_keys, m, W_FINAL);
        return scn__fail(c, "\"final_reads\" must not be before \"to\": the "
                         "final reads come after the operations");
    }
    if (!m[W_TO].v && w->to <= w->from) {
        scn__enter(c, wl_keys, m, W_FROM);
        return scn__fail(c, "\"from\" must be before \"until\"");
    }
    /* what the run would take */
    double ops = (double)w->nclients * w->rate * (double)(w->to - w->from) / 1e6;
    if (w->final_reads >= 0)
        ops += (double)w->nclients * (double)w->keys;
    if (ops > MAX_OPERATIONS) {
        scn__enter(c, wl_keys, m, W_RATE);
        return scn__fail(c, "%d clients at this rate from \"from\" to \"to\" "
                         "would issue about %.0f operations, more than a run "
                         "can check (%d): lower the rate, the clients or the "
                         "span", w->nclients, ops, MAX_OPERATIONS);
    }
    if (m[W_CHECKERS].v != NULL) {
        scn__enter(c, wl_keys, m, W_CHECKERS);
        if (want_checkers(c, m[W_CHECKERS].v, w) < 0)
            return -1;
        scn__pop(c);
    } else {
        w->checkers = xcalloc(NCHECKERS, sizeof *w->checkers);
        w->ncheckers = NCHECKERS;
        for (int k = 0; k < NCHECKERS; k++)
            w->checkers[k] = xstrdup(checkers[k]);
    }
    return 0;
}

/* ---- clustersim run --strategy ------------------------------------------ */

int scn_plan_use_strategy(scn_plan *p, const char *name, char *err, size_t n)
{
    scn_workload *w = &p->workload;
    if (!w->present) {
        snprintf(err, n, "%s has no workload to run a strategy in", p->file);
        return -1;
    }
    if (!strcmp(w->strategy.name, name))
        return 0;   /* the scenario's own */
    for (int i = 0; i < w->ncompare; i++) {
        if (strcmp(w->compare[i].name, name))
            continue;
        scn_strategy_fini(&w->strategy);
        scn_strategy *s = &w->compare[i], *d = &w->strategy;
        d->name = xstrdup(s->name);
        d->library = s->library;
        d->cas = s->cas;
        d->nmembers = s->nmembers;
        d->members = xcalloc((size_t)s->nmembers, sizeof *d->members);
        memcpy(d->members, s->members, (size_t)s->nmembers * sizeof *d->members);
        d->params = xstrdup(s->params);
        return 0;
    }
    const sdef *d = find_sdef(name);
    if (!d)
        snprintf(err, n, "no strategy %s: neither the library's (ignore, "
                 "pause_minority, pause_if_all_down, autoheal, static_master, "
                 "quorum, lww, raft) nor in the workload's \"compare\" list "
                 "of %s", name, p->file);
    else if (w->mix_cas > 0 && !d->cas)
        snprintf(err, n, "the mix of %s has cas, but %s", p->file, d->no_cas);
    else
        snprintf(err, n, "strategy %s needs parameters: give it in the "
                 "workload's \"compare\" list of %s", name, p->file);
    return -1;
}
