/* loader: scenario JSON -> validated scn_plan (loader.h).
 *
 * The format is scenarios/README.md. Three passes over one text: cJSON
 * builds the tree, jp_validate (jsonpos.c) checks the bytes strictly and
 * names the first syntax error, then the tree is walked once, section by
 * section in a fixed order (name, description, seed, until, config,
 * nodes, links, timeline, checks, workload), filling the plan.
 *
 * This file holds the entry points, the top level and the sections that
 * describe the cluster as it starts: config, nodes and links, with the
 * node references (scn__want_node) that the later sections resolve.
 * load_timeline.c reads timeline, checks and workload; load_values.c the
 * path stack, the messages and the single values (loader_int.h).
 *
 * Invariants:
 * - The first error stops the load: every reader returns -1 at once, the
 *   message in c->err (load_values.c keeps the path and the position).
 * - Everything allocated is reachable from the plan the moment it exists
 *   (arrays are zeroed and their counts set at once) or from c->scratch,
 *   so the error path is scn_plan_free plus free(c->scratch).
 * - Node references resolve only once the nodes section is complete:
 *   load_top reads nodes before links and the sections after them.
 * - No hash tables and no pointer comparisons: the plan keeps file order,
 *   except steps, sorted by (at, index). */
#include "scenarios/loader_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/erl/eval.h"
#include "core/lib/lib.h"
#include "core/term/xalloc.h"
#include "scenarios/jsonpos.h"

#define NAME_MAX_LEN 255   /* Erlang atoms hold at most 255 characters */

/* ---- node names ------------------------------------------------------- */

static bool name_char(int ch, bool host)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' ||
           (host && ch == '.');
}

static bool host_ok(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s != '\0'; s++)
        if (!name_char(*s, true))
            return false;
    return true;
}

/* name or name@host; name [A-Za-z0-9_-]+, host [A-Za-z0-9_.-]+. */
static int check_node_name(ctx *c, const char *s)
{
    const char *at = strchr(s, '@'), *p = s;
    if (strlen(s) > NAME_MAX_LEN)
        return scn__fail(c, "node name longer than %d characters",
                         NAME_MAX_LEN);
    for (; *p != '\0' && p != at; p++)
        if (!name_char(*p, false))
            break;
    if (p == s || (at != NULL ? p != at : *p != '\0') ||
        (at != NULL && !host_ok(at + 1)))
        return scn__fail(c, "bad node name %s: write name or name@host, with "
                         "letters, digits, '_' and '-' (and '.' in the host)",
                         scn__qs(c, s));
    return 0;
}

/* ---- config ----------------------------------------------------------- */

static const char *const cfg_keys[] = {
    "host", "cookie", "hidden", "net_ticktime", "net_setuptime",
    "connect_all", "dist_auto_connect", "prevent_overlapping_partitions",
    "latency", "loss", "apps", "tls", "start", "modules",
    "clock_offset", "clock_drift_ppm",
    "name" /* nodes only: must stay last */
};
enum { C_HOST, C_COOKIE, C_HIDDEN, C_TICKTIME, C_SETUPTIME, C_CONNECT_ALL,
       C_AUTOCONNECT, C_OVERLAP, C_LATENCY, C_LOSS, C_APPS, C_TLS, C_START,
       C_MODULES, C_CLOCK_OFFSET, C_CLOCK_DRIFT, C_NAME, C_N };

static const char *const autoconnect_names[] = {"always", "once", "never"};

static void config_defaults(scn_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->host = xstrdup("sim");
    cfg->cookie = xstrdup("nocookie");
    cfg->net_ticktime = 60 * 1000000LL;
    cfg->net_setuptime = 7 * 1000000LL;
    cfg->connect_all = true;
    cfg->dist_auto_connect = AUTOCONNECT_ALWAYS;
    cfg->prevent_overlapping_partitions = true;
    cfg->latency = lat_constant(1000);
}

/* Deep copy into a zeroed *dst. */
static void config_copy(scn_config *dst, const scn_config *src)
{
    *dst = *src;
    dst->host = xstrdup(src->host);
    dst->cookie = xstrdup(src->cookie);
    dst->apps = xcalloc((size_t)src->napps, sizeof *dst->apps);
    for (int i = 0; i < src->napps; i++)
        dst->apps[i] = xstrdup(src->apps[i]);
    dst->modules = xcalloc((size_t)src->nmodules + 1, sizeof *dst->modules);
    for (int i = 0; i < src->nmodules; i++)
        dst->modules[i] = ev_module_hold(src->modules[i]);
    dst->tls.ca = src->tls.ca != NULL ? xstrdup(src->tls.ca) : NULL;
    dst->tls.cert_ca = src->tls.cert_ca != NULL ? xstrdup(src->tls.cert_ca)
                                                : NULL;
}

/* A duration that may be negative: "-1.5s" (clock_offset). */
static int want_signed_duration(ctx *c, const cJSON *v, int64_t *out)
{
    if (!cJSON_IsString(v) || v->valuestring[0] != '-')
        return scn__want_duration(c, v, false, out);
    cJSON *rest = cJSON_CreateString(v->valuestring + 1);
    int r = scn__want_duration(c, rest, false, out);
    cJSON_Delete(rest);
    *out = -*out;
    return r;
}

static int want_apps(ctx *c, const cJSON *v, scn_config *cfg)
{
    if (scn__want_list(c, v, "a list of application names, e.g. "
                       "[\"dist_kv\"]") < 0)
        return -1;
    int n = cJSON_GetArraySize(v), i = 0;
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        const char *s = NULL;
        scn__push_idx(c, i);
        if (scn__want_app_name(c, e, &s) < 0)
            return -1;
        for (const cJSON *f = v->child; f != e; f = f->next)
            if (strcmp(f->valuestring, s) == 0)
                return scn__fail(c, "application %s is listed twice",
                                 scn__qs(c, s));
        scn__pop(c);
    }
    scn__free_strv(cfg->apps, cfg->napps);
    cfg->apps = xcalloc((size_t)n, sizeof *cfg->apps);
    cfg->napps = n;
    i = 0;
    for (const cJSON *e = v->child; e != NULL; e = e->next)
        cfg->apps[i++] = xstrdup(e->valuestring);
    return 0;
}

/* ---- modules ---------------------------------------------------------- */

/* Contract in loader.h. */
char *scn_read_file(const char *path, size_t *len)
{
    size_t cap = 1 << 16;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = xmalloc(cap);
    *len = 0;
    for (;;) {
        if (*len + 1 >= cap) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        size_t n = fread(buf + *len, 1, cap - 1 - *len, f);
        if (n == 0)
            break;
        *len += n;
    }
    int bad = ferror(f);
    int e = errno;
    fclose(f);
    if (bad) {
        free(buf);
        errno = e != 0 ? e : EIO;
        return NULL;
    }
    buf[*len] = '\0';
    return buf;
}

/* Contract in loader.h. */
char *scn_path_beside(const char *file, const char *rel)
{
    const char *slash = strrchr(file, '/');
    if (rel[0] == '/' || slash == NULL)
        return xstrdup(rel);
    size_t n = (size_t)(slash - file) + 1;
    char *p = xmalloc(n + strlen(rel) + 1);
    memcpy(p, file, n);
    strcpy(p + n, rel);
    return p;
}

/* The module an entry of "modules" names, compiled once per load (a
 * file named in several nodes' lists is the same module). */
static int load_module_entry(ctx *c, const cJSON *e, ev_module **out)
{
    static const char *const keys[] = {"source"};
    const char *rel = NULL, *src = NULL;
    field m[1];
    char *text = NULL, *key;
    if (cJSON_IsString(e)) {
        rel = e->valuestring;
        if (rel[0] == '\0')
            return scn__fail(c, "expected the path of a .erl file, got \"\"");
        key = scn_path_beside(c->file, rel);
    } else if (cJSON_IsObject(e)) {
        if (scn__members(c, e, keys, 1, m) < 0 ||
            scn__need(c, &m[0], "source", "") < 0)
            return -1;
        scn__enter(c, keys, m, 0);
        if (scn__want_string(c, m[0].v, true, &src) < 0)
            return -1;
        scn__pop(c);
        key = xmalloc(strlen(src) + 2);
        key[0] = '=';
        strcpy(key + 1, src);
    } else {
        return scn__fail(c, "expected a .erl file name or {\"source\": "
                         "\"-module(m). ...\"}, got %s", scn__tname(e));
    }
    for (int i = 0; i < c->nmcache; i++) {
        if (strcmp(c->mcache[i].key, key) == 0) {
            free(key);
            *out = ev_module_hold(c->mcache[i].m);
            return 0;
        }
    }
    if (rel != NULL) {
        size_t len;
        text = scn_read_file(key, &len);
        if (text == NULL) {
            int err = errno;
            free(key);
            return scn__fail(c, "cannot read %s: %s", scn__qs(c, rel),
                             strerror(err));
        }
        if (strlen(text) != len) {
            free(key);
            free(text);
            return scn__fail(c, "%s holds a NUL byte: not Erlang source",
                             scn__qs(c, rel));
        }
        src = text;
        sha256_update(&c->sha, "\0", 1);
        sha256_update(&c->sha, rel, strlen(rel) + 1);
        sha256_update(&c->sha, text, len);
    }
    strbuf msgs;
    sb_init(&msgs);
    ev_module *mod = ev_module_compile(src, rel, &msgs);
    free(text);
    if (mod == NULL) {
        char path[256];
        scn__path(c, path, sizeof path);
        snprintf(c->err->msg, sizeof c->err->msg, "%s(from %s)",
                 msgs.s ? msgs.s : "", path);
        sb_fini(&msgs);
        free(key);
        return -1;
    }
    if (msgs.len)
        scn__warn(c, msgs.s);
    sb_fini(&msgs);
    c->mcache = xrealloc(c->mcache, (size_t)(c->nmcache + 1) * sizeof *c->mcache);
    c->mcache[c->nmcache].key = key;
    c->mcache[c->nmcache].m = mod;
    c->nmcache++;
    *out = ev_module_hold(mod);
    return 0;
}

/* "modules": each compiled at load (a compile error fails the load with
 * erlc's messages, then the path of the entry), in the order given; one
 * module name twice is an error, as two files for one module are. */
static int want_modules(ctx *c, const cJSON *v, scn_config *cfg)
{
    if (scn__want_list(c, v, "a list of .erl files or {\"source\": ...} "
                       "objects, e.g. [\"dist_kv.erl\"]") < 0)
        return -1;
    int n = cJSON_GetArraySize(v), i = 0;
    ev_module **mods = xcalloc((size_t)n + 1, sizeof *mods);
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        scn__push_idx(c, i);
        if (load_module_entry(c, e, &mods[i]) < 0)
            goto fail;
        for (int k = 0; k < i; k++) {
            if (ev_module_name(mods[k]) == ev_module_name(mods[i])) {
                scn__fail(c, "module %s is already given by element [%d]",
                          atom_text(ev_module_name(mods[i])), k);
                i++;
                goto fail;
            }
        }
        scn__pop(c);
    }
    for (int k = 0; k < cfg->nmodules; k++)
        ev_module_free(cfg->modules[k]);
    free(cfg->modules);
    cfg->modules = mods;
    cfg->nmodules = n;
    return 0;
fail:
    for (int k = 0; k < i; k++)
        ev_module_free(mods[k]);
    free(mods);
    return -1;
}

static const char *const tls_keys[] = {"ca", "cert_ca", "verify"};
static const char *const verify_names[] = {"verify_peer", "verify_none"};

static int want_tls(ctx *c, const cJSON *v, scn_tls *t)
{
    field m[3];
    const char *ca = NULL, *cert_ca = NULL;
    int verify = 0; /* verify_peer, the default since OTP 26 */
    if (cJSON_IsFalse(v)) {
        free(t->ca);
        free(t->cert_ca);
        memset(t, 0, sizeof *t);
        return 0;
    }
    if (scn__want_object(c, v, "an object like {\"ca\": \"corp-ca\", "
                         "\"verify\": \"verify_peer\"}, or false") < 0 ||
        scn__members(c, v, tls_keys, 3, m) < 0 ||
        scn__need(c, &m[0], "ca", "") < 0)
        return -1;
    scn__enter(c, tls_keys, m, 0);
    if (scn__want_string(c, m[0].v, true, &ca) < 0)
        return -1;
    scn__pop(c);
    if (m[1].v != NULL) {
        scn__enter(c, tls_keys, m, 1);
        if (scn__want_string(c, m[1].v, true, &cert_ca) < 0)
            return -1;
        scn__pop(c);
    }
    if (m[2].v != NULL) {
        scn__enter(c, tls_keys, m, 2);
        if (scn__want_enum(c, m[2].v, "verify mode", verify_names, 2,
                           &verify) < 0)
            return -1;
        scn__pop(c);
    }
    t->on = true;
    scn__set_str(&t->ca, ca);
    scn__set_str(&t->cert_ca, cert_ca != NULL ? cert_ca : ca);
    t->verify_peer = verify == 0;
    return 0;
}

/* Applies the config keys found in m[0..C_NAME) to *cfg. */
/* The module that application `name` starts on a node with cfg: one of
 * its modules, else the library's, else NULL. */
static const ev_module *app_module(const scn_config *cfg, const char *name)
{
    for (int i = cfg->nmodules; i-- > 0;)
        if (!strcmp(atom_text(ev_module_name(cfg->modules[i])), name))
            return cfg->modules[i];
    return lib_module(name);
}

/* Every application of cfg names a module that a node with cfg loads,
 * and that module exports start_link/0 or start/0, which the node's boot
 * calls (core/lib/apps.c). Checked where an object sets apps or modules:
 * the error points at the application, or at the modules that lack it. */
static int check_apps(ctx *c, const field *m, const scn_config *cfg)
{
    for (int i = 0; i < cfg->napps; i++) {
        const char *name = cfg->apps[i];
        const ev_module *mod = app_module(cfg, name);
        if (mod != NULL &&
            (ev_module_export(mod, atom_intern("start_link"), 0) ||
             ev_module_export(mod, atom_intern("start"), 0)))
            continue;
        if (m[C_APPS].v != NULL) {
            scn__enter(c, cfg_keys, m, C_APPS);
            scn__push_idx(c, i);
        } else {
            scn__enter(c, cfg_keys, m, C_MODULES);
        }
        if (mod == NULL) {
            /* a likely typo of a module the node has */
            const char *best = NULL;
            int bd = scn__typo_limit(name) + 1;
            for (int k = 0; k < lib_nsources() + cfg->nmodules; k++) {
                const char *cand = k < lib_nsources() ? lib_source_at(k)->name
                    : atom_text(ev_module_name(cfg->modules[k - lib_nsources()]));
                int d = scn__distance(name, cand);
                if (d < bd) {
                    bd = d;
                    best = cand;
                }
            }
            if (best)
                return scn__fail(c, "application %s: no module %s is loaded "
                                 "here; did you mean %s?", scn__qs(c, name),
                                 name, best);
            return scn__fail(c, "application %s: no module %s is loaded here "
                             "(neither in modules nor in the library: "
                             "clustersim lib lists it)",
                             scn__qs(c, name), name);
        }
        return scn__fail(c, "application %s: module %s exports neither "
                         "start_link/0 nor start/0, one of which starts it",
                         scn__qs(c, name), name);
    }
    return 0;
}

static int load_config(ctx *c, const field *m, scn_config *cfg)
{
    const char *s = NULL;
    int e = 0;
    for (int k = 0; k < C_NAME; k++) {
        const cJSON *v = m[k].v;
        if (v == NULL)
            continue;
        scn__enter(c, cfg_keys, m, k);
        switch (k) {
        case C_HOST:
            if (scn__want_string(c, v, false, &s) < 0)
                return -1;
            if (!host_ok(s))
                return scn__fail(c, "bad host %s: use letters, digits, '_', "
                                 "'-' and '.'", scn__qs(c, s));
            scn__set_str(&cfg->host, s);
            break;
        case C_COOKIE:
            if (scn__want_string(c, v, true, &s) < 0)
                return -1;
            scn__set_str(&cfg->cookie, s);
            break;
        case C_HIDDEN:
            if (scn__want_bool(c, v, &cfg->hidden) < 0)
                return -1;
            break;
        case C_TICKTIME:
            if (scn__want_duration(c, v, true, &cfg->net_ticktime) < 0)
                return -1;
            break;
        case C_SETUPTIME:
            if (scn__want_duration(c, v, true, &cfg->net_setuptime) < 0)
                return -1;
            break;
        case C_CONNECT_ALL:
            if (scn__want_bool(c, v, &cfg->connect_all) < 0)
                return -1;
            break;
        case C_AUTOCONNECT:
            if (scn__want_enum(c, v, "dist_auto_connect value",
                               autoconnect_names, 3, &e) < 0)
                return -1;
            cfg->dist_auto_connect = (scn_autoconnect)e;
            break;
        case C_OVERLAP:
            if (scn__want_bool(c, v, &cfg->prevent_overlapping_partitions) < 0)
                return -1;
            break;
        case C_LATENCY:
            if (scn__want_latency(c, v, &cfg->latency) < 0)
                return -1;
            break;
        case C_LOSS:
            if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0.0) ||
                !(v->valuedouble < 1.0))
                return scn__fail(c, "expected a probability in [0, 1), got %s",
                                 scn__shown(c, v));
            cfg->loss = v->valuedouble;
            break;
        case C_APPS:
            if (want_apps(c, v, cfg) < 0)
                return -1;
            break;
        case C_TLS:
            if (want_tls(c, v, &cfg->tls) < 0)
                return -1;
            break;
        case C_START:
            if (scn__want_duration(c, v, false, &cfg->start) < 0)
                return -1;
            break;
        case C_CLOCK_OFFSET:
            if (want_signed_duration(c, v, &cfg->clock_offset) < 0)
                return -1;
            break;
        case C_CLOCK_DRIFT:
            /* beyond +-10^6 ppm a clock would stop or run backwards */
            if (scn__want_int(c, v, -999999, 1000000, &cfg->clock_drift_ppm,
                              "an integer number of parts per million in "
                              "-999999..1000000, e.g. 50 or -20") < 0)
                return -1;
            break;
        case C_MODULES:
            if (want_modules(c, v, cfg) < 0)
                return -1;
            break;
        }
        scn__pop(c);
    }
    if (m[C_APPS].v != NULL || m[C_MODULES].v != NULL)
        return check_apps(c, m, cfg);
    return 0;
}

/* ---- the nodes section ---------------------------------------------- */

static int load_node(ctx *c, const cJSON *v, scn_node *nd)
{
    field m[C_N];
    const char *name = NULL;
    bool obj = cJSON_IsObject(v);
    if (obj) {
        if (scn__members(c, v, cfg_keys, C_N, m) < 0 ||
            scn__need(c, &m[C_NAME], "name", "") < 0)
            return -1;
        scn__enter(c, cfg_keys, m, C_NAME);
        if (scn__want_string(c, m[C_NAME].v, false, &name) < 0)
            return -1;
    } else if (cJSON_IsString(v)) {
        name = v->valuestring;
    } else {
        return scn__fail(c, "expected a node name or an object like "
                         "{\"name\": \"alice\"}, got %s", scn__tname(v));
    }
    if (check_node_name(c, name) < 0)
        return -1;
    if (obj)
        scn__pop(c);
    const char *at = strchr(name, '@');
    if (obj && at != NULL && m[C_HOST].v != NULL) {
        scn__enter(c, cfg_keys, m, C_HOST);
        return scn__fail_key(c, "the name %s already has a host",
                             scn__qs(c, name));
    }
    config_copy(&nd->cfg, &c->p->config);
    if (obj && load_config(c, m, &nd->cfg) < 0)
        return -1;
    if (obj)
        nd->own = (m[C_LATENCY].v ? SCN_OWN_LATENCY : 0u) |
                  (m[C_LOSS].v ? SCN_OWN_LOSS : 0u) |
                  (m[C_TICKTIME].v ? SCN_OWN_TICKTIME : 0u);
    if (at != NULL) {
        scn__set_str(&nd->cfg.host, at + 1);
        nd->name = xstrdup(name);
        nd->short_name = xstrdup(name);
        nd->short_name[at - name] = '\0';
    } else {
        size_t a = strlen(name), b = strlen(nd->cfg.host);
        nd->name = xmalloc(a + b + 2);
        memcpy(nd->name, name, a);
        nd->name[a] = '@';
        memcpy(nd->name + a + 1, nd->cfg.host, b + 1);
        nd->short_name = xstrdup(name);
    }
    return 0;
}

typedef struct named {
    const char *name;
    int index;
} named;

/* DETERMINISM: by full name, ties by index (qsort is not stable). */
static int by_name(const void *a, const void *b)
{
    const named *x = a, *y = b;
    int r = strcmp(x->name, y->name);
    return r != 0 ? r : (x->index > y->index) - (x->index < y->index);
}

static int load_nodes(ctx *c, const cJSON *v)
{
    scn_plan *p = c->p;
    if (scn__want_list(c, v, "a list of nodes, e.g. [\"alice\", \"bob\"]")
        < 0)
        return -1;
    int n = cJSON_GetArraySize(v), i = 0;
    if (n == 0)
        return scn__fail(c, "a scenario needs at least one node");
    p->nodes = xcalloc((size_t)n, sizeof *p->nodes);
    p->nnodes = n;
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        scn__push_idx(c, i);
        if (load_node(c, e, &p->nodes[i]) < 0)
            return -1;
        scn__pop(c);
    }
    /* Duplicates, the short and the full form of a name being the same
     * node: sort by full name, compare neighbours. The first duplicate in
     * file order is the smallest second member of a run of equal names. */
    named *sorted = xcalloc((size_t)n, sizeof *sorted);
    c->scratch = sorted;
    for (i = 0; i < n; i++) {
        sorted[i].name = p->nodes[i].name;
        sorted[i].index = i;
    }
    qsort(sorted, (size_t)n, sizeof *sorted, by_name);
    int dup = -1, first = -1;
    for (i = 1; i < n; i++)
        if (strcmp(sorted[i - 1].name, sorted[i].name) == 0 &&
            (dup < 0 || sorted[i].index < dup)) {
            dup = sorted[i].index;
            first = sorted[i - 1].index;
        }
    free(c->scratch);
    c->scratch = NULL;
    if (dup < 0)
        return 0;
    /* Point at the later node's name. */
    const cJSON *e = v->child;
    for (i = 0; i < dup; i++)
        e = e->next;
    scn__push_idx(c, dup);
    if (cJSON_IsObject(e)) {
        int ord = 0;
        for (const cJSON *f = e->child; f != NULL; f = f->next, ord++)
            if (strcmp(f->string, "name") == 0)
                break;
        scn__push_key(c, "name", ord);
    }
    return scn__fail(c, "duplicate node %s (also nodes[%d])",
                     p->nodes[dup].name, first);
}

/* ---- node references ------------------------------------------------ */

/* Resolves a node reference (short or full form) at the current path. */
int scn__want_node(ctx *c, const cJSON *v, int *out)
{
    const scn_plan *p = c->p;
    if (!cJSON_IsString(v))
        return scn__fail(c, "expected a node name, got %s", scn__tname(v));
    const char *s = v->valuestring;
    int i = scn_plan_find_node(p, s);
    if (i >= 0) {
        *out = i;
        return 0;
    }
    if (strchr(s, '@') == NULL) {
        int a = -1, b = -1;
        for (int k = 0; k < p->nnodes && b < 0; k++)
            if (strcmp(p->nodes[k].short_name, s) == 0) {
                if (a < 0)
                    a = k;
                else
                    b = k;
            }
        if (b >= 0)
            return scn__fail(c, "%s is ambiguous (%s, %s): write the full "
                             "name", scn__qs(c, s), p->nodes[a].name,
                             p->nodes[b].name);
    }
    /* Suggest among the form the user wrote: short names or full names. */
    const char *near = NULL;
    int best = scn__typo_limit(s) + 1;
    for (int k = 0; k < p->nnodes; k++) {
        const char *cand = strchr(s, '@') ? p->nodes[k].name
                                          : p->nodes[k].short_name;
        int d = scn__distance(s, cand);
        if (d < best) {
            best = d;
            near = cand;
        }
    }
    if (near != NULL)
        return scn__fail(c, "unknown node %s (did you mean %s?)",
                         scn__qs(c, s), scn__qs(c, near));
    char list[300];
    size_t o = 0;
    for (int k = 0; k < p->nnodes && o < sizeof list - 40; k++) {
        if (k == 8) {
            snprintf(list + o, sizeof list - o, ", ...");
            break;
        }
        int w = snprintf(list + o, sizeof list - o, "%s%s", k ? ", " : "",
                         p->nodes[k].name);
        if (w < 0)
            break;
        o += (size_t)w;
    }
    return scn__fail(c, "unknown node %s (nodes: %s)", scn__qs(c, s), list);
}

/* A list of two different nodes at the current path. */
int scn__want_pair(ctx *c, const cJSON *v, int out[2])
{
    if (!cJSON_IsArray(v))
        return scn__fail(c, "expected a pair of nodes like [\"alice\", "
                         "\"bob\"], got %s", scn__tname(v));
    int n = cJSON_GetArraySize(v);
    if (n != 2)
        return scn__fail(c, "a pair has two nodes, this list has %d", n);
    const cJSON *e = v->child;
    for (int i = 0; i < 2; i++, e = e->next) {
        scn__push_idx(c, i);
        if (scn__want_node(c, e, &out[i]) < 0)
            return -1;
        if (i == 1 && out[0] == out[1])
            return scn__fail(c, "a pair needs two different nodes; both "
                             "are %s", c->p->nodes[out[1]].name);
        scn__pop(c);
    }
    return 0;
}

/* ---- links ------------------------------------------------------------ */

const char *const scn__link_keys[] = {"between", "from", "to", "latency"};

/* The node pair of a link or a latency step: "between" [a, b] or
 * "from"/"to". Keys are scn__link_keys[0..2], the caller's m[0..2]. Sets
 * pair[] and *both. */
int scn__want_direction(ctx *c, const field *m, int pair[2], bool *both)
{
    if (m[L_BETWEEN].v != NULL && (m[L_FROM].v || m[L_TO].v)) {
        int k = m[L_FROM].v != NULL ? L_FROM : L_TO;
        scn__enter(c, scn__link_keys, m, k);
        return scn__fail_key(c, "use either \"between\" or \"from\" and "
                             "\"to\", not both");
    }
    if (m[L_BETWEEN].v != NULL) {
        scn__enter(c, scn__link_keys, m, L_BETWEEN);
        if (scn__want_pair(c, m[L_BETWEEN].v, pair) < 0)
            return -1;
        scn__pop(c);
        *both = true;
        return 0;
    }
    if (m[L_FROM].v == NULL && m[L_TO].v == NULL)
        return scn__fail(c, "expected \"between\": [A, B], or \"from\": A and "
                         "\"to\": B");
    if (scn__need(c, &m[L_FROM], "from", "") < 0 ||
        scn__need(c, &m[L_TO], "to", "") < 0)
        return -1;
    for (int k = L_FROM; k <= L_TO; k++) {
        scn__enter(c, scn__link_keys, m, k);
        if (scn__want_node(c, m[k].v, &pair[k - L_FROM]) < 0)
            return -1;
        if (k == L_TO && pair[0] == pair[1])
            return scn__fail(c, "\"from\" and \"to\" are the same node, %s",
                             c->p->nodes[pair[0]].name);
        scn__pop(c);
    }
    *both = false;
    return 0;
}

static int load_links(ctx *c, const cJSON *v)
{
    scn_plan *p = c->p;
    if (scn__want_list(c, v, "a list of links") < 0)
        return -1;
    int n = cJSON_GetArraySize(v), i = 0;
    p->links = xcalloc((size_t)n * 2, sizeof *p->links);
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        field m[L_N];
        int pair[2];
        bool both;
        lat_dist lat;
        scn__push_idx(c, i);
        if (scn__want_object(c, e, "a link like {\"between\": [\"alice\", "
                             "\"bob\"], \"latency\": \"80ms\"}") < 0 ||
            scn__members(c, e, scn__link_keys, L_N, m) < 0 ||
            scn__want_direction(c, m, pair, &both) < 0 ||
            scn__need(c, &m[L_LATENCY], "latency", "") < 0)
            return -1;
        scn__enter(c, scn__link_keys, m, L_LATENCY);
        if (scn__want_latency(c, m[L_LATENCY].v, &lat) < 0)
            return -1;
        scn__pop(c);
        p->links[p->nlinks++] = (scn_link){pair[0], pair[1], lat};
        if (both)
            p->links[p->nlinks++] = (scn_link){pair[1], pair[0], lat};
        scn__pop(c);
    }
    return 0;
}

/* ---- top level ------------------------------------------------------ */

static const char *const top_keys[] = {
    "name", "description", "seed", "until", "config", "nodes", "links",
    "timeline", "checks", "workload", "nemesis"
};
enum { T_NAME, T_DESCRIPTION, T_SEED, T_UNTIL, T_CONFIG, T_NODES, T_LINKS,
       T_TIMELINE, T_CHECKS, T_WORKLOAD, T_NEMESIS, T_N };

/* An unsigned 64-bit integer, read from the text: cJSON's double holds
 * only 53 bits and its valueint saturates. */
static int want_seed(ctx *c, const cJSON *v, uint64_t *out)
{
    size_t off = scn__here(c), end = jp_value_end(c->text, c->len, off);
    uint64_t x = 0;
    bool ok = cJSON_IsNumber(v) && end > off;
    for (size_t i = off; ok && i < end; i++) {
        unsigned d = (unsigned)(c->text[i] - '0');
        if (d > 9 || x > (UINT64_MAX - d) / 10)
            ok = false;
        else
            x = x * 10 + d;
    }
    if (!ok)
        return scn__fail(c, "expected an unsigned 64-bit integer (0 to "
                         "18446744073709551615), got %s", scn__shown(c, v));
    *out = x;
    return 0;
}

static bool scenario_name_ok(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s != '\0'; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return false;
    return true;
}

static int load_top(ctx *c, const cJSON *root)
{
    scn_plan *p = c->p;
    field m[T_N], cm[C_N];
    const char *s = NULL;
    if (!cJSON_IsObject(root))
        return scn__fail(c, "a scenario is a JSON object, got %s",
                         scn__tname(root));
    if (scn__members(c, root, top_keys, T_N, m) < 0 ||
        scn__need(c, &m[T_NAME], "name", "") < 0 ||
        scn__need(c, &m[T_UNTIL], "until", "") < 0 ||
        scn__need(c, &m[T_NODES], "nodes", "") < 0)
        return -1;
    scn__enter(c, top_keys, m, T_NAME);
    if (scn__want_string(c, m[T_NAME].v, false, &s) < 0)
        return -1;
    if (!scenario_name_ok(s))
        return scn__fail(c, "a scenario name matches [a-z0-9_]+, got %s",
                         scn__qs(c, s));
    p->name = xstrdup(s);
    scn__pop(c);
    if (m[T_DESCRIPTION].v != NULL) {
        scn__enter(c, top_keys, m, T_DESCRIPTION);
        if (scn__want_string(c, m[T_DESCRIPTION].v, false, &s) < 0)
            return -1;
        p->description = xstrdup(s);
        scn__pop(c);
    }
    if (m[T_SEED].v != NULL) {
        scn__enter(c, top_keys, m, T_SEED);
        if (want_seed(c, m[T_SEED].v, &p->seed) < 0)
            return -1;
        scn__pop(c);
    }
    scn__enter(c, top_keys, m, T_UNTIL);
    if (scn__want_duration(c, m[T_UNTIL].v, false, &p->until) < 0)
        return -1;
    c->until_text = m[T_UNTIL].v->valuestring;
    scn__pop(c);
    if (m[T_CONFIG].v != NULL) {
        scn__enter(c, top_keys, m, T_CONFIG);
        if (scn__want_object(c, m[T_CONFIG].v, "an object of kernel parameters")
            < 0 || scn__members(c, m[T_CONFIG].v, cfg_keys, C_NAME, cm) < 0 ||
            load_config(c, cm, &p->config) < 0)
            return -1;
        scn__pop(c);
    }
    scn__enter(c, top_keys, m, T_NODES);
    if (load_nodes(c, m[T_NODES].v) < 0)
        return -1;
    scn__pop(c);
    static int (*const sections[])(ctx *, const cJSON *) = {
        load_links, scn__load_timeline, scn__load_checks, scn__load_workload,
        scn__load_nemesis
    };
    for (int k = T_LINKS; k <= T_NEMESIS; k++) {
        if (m[k].v == NULL)
            continue;
        scn__enter(c, top_keys, m, k);
        if (sections[k - T_LINKS](c, m[k].v) < 0)
            return -1;
        scn__pop(c);
    }
    return 0;
}

/* Contract in loader.h. `text` need not be NUL-terminated and may hold
 * any bytes; it is only read. On success *out is a new plan owned by the
 * caller and err->msg is empty; on failure *out is NULL, err->msg holds
 * the one-line message and nothing stays allocated. */
scn_status scn_load_text(const char *path, const char *text, size_t len,
                         scn_plan **out, scn_error *err)
{
    ctx c;
    size_t off;
    char msg[200];
    memset(&c, 0, sizeof c);
    c.file = path;
    c.text = text;
    c.len = len;
    c.err = err;
    c.lc_line = c.lc_col = 1;
    *out = NULL;
    err->msg[0] = '\0';

    /* cJSON wants a terminated string; a NUL inside the text hides what
     * follows from it, but jp_validate sees all len bytes. */
    char *copy = xmalloc(len + 1);
    if (len > 0)
        memcpy(copy, text, len);
    copy[len] = '\0';
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(copy, &end, true);
    if (jp_validate(text, len, &off, msg, sizeof msg) < 0) {
        /* jp_validate is the stricter, so its first error is never after
         * the byte cJSON stopped at, and it can say what was expected. */
        scn__fail_syntax(&c, off, "%s", msg);
    } else if (root == NULL) {
        off = end != NULL && end >= copy ? (size_t)(end - copy) : 0;
        scn__fail_syntax(&c, off, "cJSON cannot parse the text here");
    }
    if (root == NULL || err->msg[0] != '\0') {
        cJSON_Delete(root);
        free(copy);
        return SCN_EINVALID;
    }
    c.root = jp_root(text, len);
    c.p = xcalloc(1, sizeof *c.p);
    c.p->file = xstrdup(path);
    c.p->seed = 1;
    config_defaults(&c.p->config);
    sha256_init(&c.sha);
    sha256_update(&c.sha, text, len);
    int r = load_top(&c, root);
    sha256_hex(&c.sha, c.p->sha256);
    free(c.scratch);
    for (int i = 0; i < c.nmcache; i++) {
        free(c.mcache[i].key);
        ev_module_free(c.mcache[i].m);
    }
    free(c.mcache);
    cJSON_Delete(root);
    free(copy);
    if (r < 0) {
        scn_plan_free(c.p);
        return SCN_EINVALID;
    }
    *out = c.p;
    return SCN_OK;
}

/* Contract in loader.h. Reads the whole file, then as scn_load_text; a
 * file that cannot be opened or read gives SCN_EIO and "PATH: cannot
 * read: REASON". */
scn_status scn_load_file(const char *path, scn_plan **out, scn_error *err)
{
    size_t len = 0;
    *out = NULL;
    char *buf = scn_read_file(path, &len);
    if (buf == NULL) {
        snprintf(err->msg, sizeof err->msg, "%s: cannot read: %s", path,
                 strerror(errno));
        return SCN_EIO;
    }
    scn_status r = scn_load_text(path, buf, len, out, err);
    free(buf);
    return r;
}
