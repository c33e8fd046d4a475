/* shrink_json: the edits shrink makes to a scenario's JSON tree, and the
 * tree's two printed forms (shrink_int.h).
 *
 * Invariants: the printers write the members in the tree's order and
 * nothing else (no pointer, no time), so the same tree always prints the
 * same bytes; the edits only delete members or rewrite values in place,
 * never reorder what they keep. */
#include "cli/shrink_int.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/term/xalloc.h"
#include "scenarios/loader.h"

/* ---- printing ---- */

static void put_string(strbuf *b, const char *s)
{
    sb_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': sb_puts(b, "\\\""); break;
        case '\\': sb_puts(b, "\\\\"); break;
        case '\n': sb_puts(b, "\\n"); break;
        case '\t': sb_puts(b, "\\t"); break;
        case '\r': sb_puts(b, "\\r"); break;
        case '\b': sb_puts(b, "\\b"); break;
        case '\f': sb_puts(b, "\\f"); break;
        default:
            if (*p < 0x20)
                sb_printf(b, "\\u%04x", *p);
            else
                sb_putc(b, (char)*p);   /* UTF-8 the loader checked */
        }
    }
    sb_putc(b, '"');
}

static void put_scalar(strbuf *b, const cJSON *x)
{
    if (cJSON_IsRaw(x)) {
        sb_puts(b, x->valuestring);
    } else if (cJSON_IsString(x)) {
        put_string(b, x->valuestring);
    } else if (cJSON_IsNumber(x)) {
        /* cJSON's own shortest round-trip form, locale-independent */
        char *t = cJSON_PrintUnformatted(x);
        if (!t)
            abort();
        sb_puts(b, t);
        free(t);
    } else if (cJSON_IsTrue(x)) {
        sb_puts(b, "true");
    } else if (cJSON_IsFalse(x)) {
        sb_puts(b, "false");
    } else {
        sb_puts(b, "null");
    }
}

/* Contract in shrink_int.h. */
void shr__compact(strbuf *b, const cJSON *x)
{
    bool obj = cJSON_IsObject(x);
    if (!obj && !cJSON_IsArray(x)) {
        put_scalar(b, x);
        return;
    }
    sb_putc(b, obj ? '{' : '[');
    for (const cJSON *c = x->child; c; c = c->next) {
        if (c != x->child)
            sb_puts(b, ", ");
        if (obj) {
            put_string(b, c->string);
            sb_puts(b, ": ");
        }
        shr__compact(b, c);
    }
    sb_putc(b, obj ? '}' : ']');
}

#define PRETTY_WIDTH 100

static void pretty(strbuf *b, const cJSON *x, int indent, int col)
{
    strbuf one;
    sb_init(&one);
    shr__compact(&one, x);
    bool obj = cJSON_IsObject(x);
    if ((!obj && !cJSON_IsArray(x)) || !x->child ||
        col + (int)one.len <= PRETTY_WIDTH) {
        sb_puts(b, one.s);
        sb_fini(&one);
        return;
    }
    sb_fini(&one);
    sb_puts(b, obj ? "{\n" : "[\n");
    for (const cJSON *c = x->child; c; c = c->next) {
        int at = b->len;
        for (int i = 0; i < indent + 2; i++)
            sb_putc(b, ' ');
        if (obj) {
            put_string(b, c->string);
            sb_puts(b, ": ");
        }
        pretty(b, c, indent + 2, (int)b->len - at + 1);
        sb_puts(b, c->next ? ",\n" : "\n");
    }
    for (int i = 0; i < indent; i++)
        sb_putc(b, ' ');
    sb_putc(b, obj ? '}' : ']');
}

/* Contract in shrink_int.h. */
void shr__pretty(strbuf *b, const cJSON *x)
{
    pretty(b, x, 0, 0);
    sb_putc(b, '\n');
}

/* ---- values ---- */

static void make_raw(cJSON *x, const char *text)
{
    if (!cJSON_IsRaw(x) && !cJSON_IsString(x))
        x->valuestring = NULL;
    free(x->valuestring);
    x->type = cJSON_Raw;
    x->valuestring = strdup(text);
    if (!x->valuestring)
        abort();
}

/* Contract in shrink_int.h. */
void shr__insert_member(cJSON *obj, const char *key, cJSON *v, int at)
{
    /* cJSON_InsertItemInArray refuses some objects that cJSON_Parse made
     * (1.7.15): the members are taken out and put back instead */
    int n = cJSON_GetArraySize(obj);
    cJSON **m = xcalloc((size_t)n + 1, sizeof *m);
    for (int i = 0; i < n; i++)
        m[i] = cJSON_DetachItemFromArray(obj, 0);
    for (int i = 0; i <= n; i++) {
        if (i == at)
            cJSON_AddItemToObject(obj, key, v);
        if (i < n)
            cJSON_AddItemToArray(obj, m[i]);
    }
    if (at > n)
        cJSON_AddItemToObject(obj, key, v);
    free(m);
}

/* Contract in shrink_int.h. */
void shr__order_top(cJSON *root)
{
    /* the order of scenarios/README.md's "Top level" table */
    static const char *const order[] = {"name", "description", "seed",
        "until", "config", "nodes", "links", "timeline", "checks",
        "workload"};
    int n = cJSON_GetArraySize(root);
    cJSON **m = xcalloc((size_t)n + 1, sizeof *m);
    for (int i = 0; i < n; i++)
        m[i] = cJSON_DetachItemFromArray(root, 0);
    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++)
        for (int i = 0; i < n; i++)
            if (m[i] && !strcmp(m[i]->string, order[k])) {
                cJSON_AddItemToArray(root, m[i]);
                m[i] = NULL;
            }
    for (int i = 0; i < n; i++)
        if (m[i])
            cJSON_AddItemToArray(root, m[i]);
    free(m);
}

static void fix(cJSON *x)
{
    for (cJSON *c = x->child; c; c = c->next) {
        if (cJSON_IsNumber(c)) {
            double d = c->valuedouble;
            if (d == floor(d) && fabs(d) < 9007199254740992.0) {
                char t[32];
                snprintf(t, sizeof t, "%lld", (long long)d);
                make_raw(c, t);
            }
        } else if (cJSON_IsObject(c) || cJSON_IsArray(c)) {
            fix(c);
        }
    }
}

/* Contract in shrink_int.h. */
void shr__fix_ints(cJSON *x)
{
    fix(x);
}

/* Contract in shrink_int.h. */
void shr__fix_numbers(cJSON *root, uint64_t seed)
{
    fix(root);
    char t[32];
    snprintf(t, sizeof t, "%llu", (unsigned long long)seed);
    cJSON *s = cJSON_GetObjectItemCaseSensitive(root, "seed");
    if (s) {
        make_raw(s, t);
        return;
    }
    /* after name and description, as scenarios write it */
    int at = 0, i = 0;
    for (cJSON *c = root->child; c; c = c->next, i++)
        if (!strcmp(c->string, "name") || !strcmp(c->string, "description"))
            at = i + 1;
    shr__insert_member(root, "seed", cJSON_CreateRaw(t), at);
}

/* Contract in shrink_int.h. */
void shr__duration(char *buf, size_t n, int64_t us)
{
    if (us % 1000000 == 0)
        snprintf(buf, n, "%llds", (long long)(us / 1000000));
    else if (us % 1000 == 0)
        snprintf(buf, n, "%lldms", (long long)(us / 1000));
    else
        snprintf(buf, n, "%lldus", (long long)us);
}

/* Contract in shrink_int.h. */
void shr__set_duration(cJSON *obj, const char *key, int64_t us)
{
    char t[32];
    shr__duration(t, sizeof t, us);
    cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v)   /* in place: the member keeps its position */
        cJSON_ReplaceItemInObjectCaseSensitive(obj, key, cJSON_CreateString(t));
    else
        cJSON_AddStringToObject(obj, key, t);
}

/* Contract in shrink_int.h. */
void shr__sort_timeline(cJSON *root)
{
    cJSON *tl = cJSON_GetObjectItemCaseSensitive(root, "timeline");
    int n = cJSON_GetArraySize(tl);
    if (n < 2)
        return;
    cJSON **item = xcalloc((size_t)n, sizeof *item);
    int64_t *at = xcalloc((size_t)n, sizeof *at);
    for (int i = 0; i < n; i++) {
        item[i] = cJSON_DetachItemFromArray(tl, 0);
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(item[i], "at");
        const char *why;
        if (!cJSON_IsString(a) ||
            scn_parse_duration(a->valuestring, &at[i], &why))
            at[i] = INT64_MAX;
    }
    /* DETERMINISM: a stable insertion sort by time, ties in file order,
     * which is the run order */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && at[j - 1] > at[j]; j--) {
            cJSON *x = item[j];
            item[j] = item[j - 1];
            item[j - 1] = x;
            int64_t t = at[j];
            at[j] = at[j - 1];
            at[j - 1] = t;
        }
    for (int i = 0; i < n; i++)
        cJSON_AddItemToArray(tl, item[i]);
    free(item);
    free(at);
}

/* ---- removing nodes ---- */

typedef struct gone_ctx {
    const scn_plan *p;
    const bool *keep;
} gone_ctx;

/* The value names a node that goes. */
static bool gone(const gone_ctx *g, const cJSON *v)
{
    if (!cJSON_IsString(v))
        return false;
    int i = scn_plan_find_node(g->p, v->valuestring);
    return i >= 0 && !g->keep[i];
}

static bool member_gone(const gone_ctx *g, const cJSON *obj, const char *key)
{
    return gone(g, cJSON_GetObjectItemCaseSensitive(obj, key));
}

static bool any_gone(const gone_ctx *g, const cJSON *arr)
{
    for (const cJSON *c = arr ? arr->child : NULL; c; c = c->next)
        if (gone(g, c))
            return true;
    return false;
}

/* Drops the names that go from the list; returns its new size. */
static int drop_names(const gone_ctx *g, cJSON *arr)
{
    for (int i = cJSON_GetArraySize(arr) - 1; i >= 0; i--)
        if (gone(g, cJSON_GetArrayItem(arr, i)))
            cJSON_DeleteItemFromArray(arr, i);
    return cJSON_GetArraySize(arr);
}

/* Drops the pairs that name a node that goes; returns how many are left. */
static int drop_pairs(const gone_ctx *g, cJSON *arr)
{
    for (int i = cJSON_GetArraySize(arr) - 1; i >= 0; i--)
        if (any_gone(g, cJSON_GetArrayItem(arr, i)))
            cJSON_DeleteItemFromArray(arr, i);
    return cJSON_GetArraySize(arr);
}

/* Whether the step goes with the nodes (after its lists lost them). */
static bool step_goes(const gone_ctx *g, cJSON *st)
{
    static const char *const on_node[] = {"on", "halt", "freeze", "resume",
                                          "restart"};
    for (size_t k = 0; k < sizeof on_node / sizeof on_node[0]; k++)
        if (member_gone(g, st, on_node[k]))
            return true;
    cJSON *v;
    if ((v = cJSON_GetObjectItemCaseSensitive(st, "partition")) &&
        cJSON_IsArray(v)) {
        for (int i = cJSON_GetArraySize(v) - 1; i >= 0; i--) {
            cJSON *grp = cJSON_GetArrayItem(v, i);
            if (cJSON_IsArray(grp) && drop_names(g, grp) == 0)
                cJSON_DeleteItemFromArray(v, i);
        }
        return cJSON_GetArraySize(v) < 2;
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(st, "cut")) && cJSON_IsArray(v))
        return drop_pairs(g, v) == 0;
    if ((v = cJSON_GetObjectItemCaseSensitive(st, "heal")) && cJSON_IsArray(v))
        return drop_pairs(g, v) == 0;
    if ((v = cJSON_GetObjectItemCaseSensitive(st, "cut_oneway")) ||
        (v = cJSON_GetObjectItemCaseSensitive(st, "latency")))
        return member_gone(g, v, "from") || member_gone(g, v, "to") ||
               any_gone(g, cJSON_GetObjectItemCaseSensitive(v, "between"));
    return false;
}

/* A strategy object's node lists (members, preferred, master...). */
static void strategy_drop(const gone_ctx *g, cJSON *s)
{
    if (!cJSON_IsObject(s))
        return;
    for (cJSON *c = s->child; c; c = c->next)
        if (cJSON_IsArray(c))
            drop_names(g, c);
}

/* Contract in shrink_int.h. */
void shr__remove_nodes(cJSON *root, const scn_plan *p, const bool *keep)
{
    gone_ctx g = {p, keep};
    cJSON *v;
    /* links, steps and checks first: names are resolved against p, which
     * still has every node */
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "links"))) {
        for (int i = cJSON_GetArraySize(v) - 1; i >= 0; i--) {
            cJSON *l = cJSON_GetArrayItem(v, i);
            if (member_gone(&g, l, "from") || member_gone(&g, l, "to") ||
                any_gone(&g, cJSON_GetObjectItemCaseSensitive(l, "between")))
                cJSON_DeleteItemFromArray(v, i);
        }
        if (!cJSON_GetArraySize(v))
            cJSON_DeleteItemFromObjectCaseSensitive(root, "links");
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "timeline")))
        for (int i = cJSON_GetArraySize(v) - 1; i >= 0; i--)
            if (step_goes(&g, cJSON_GetArrayItem(v, i)))
                cJSON_DeleteItemFromArray(v, i);
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "checks"))) {
        for (int i = cJSON_GetArraySize(v) - 1; i >= 0; i--) {
            cJSON *k = cJSON_GetArrayItem(v, i);
            if (member_gone(&g, k, "node") || member_gone(&g, k, "peer"))
                cJSON_DeleteItemFromArray(v, i);
        }
        if (!cJSON_GetArraySize(v))
            cJSON_DeleteItemFromObjectCaseSensitive(root, "checks");
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "workload"))) {
        cJSON *c = cJSON_GetObjectItemCaseSensitive(v, "clients");
        if (cJSON_IsArray(c))
            drop_names(&g, c);
        strategy_drop(&g, cJSON_GetObjectItemCaseSensitive(v, "strategy"));
        cJSON *cmp = cJSON_GetObjectItemCaseSensitive(v, "compare");
        for (cJSON *e = cmp ? cmp->child : NULL; e; e = e->next)
            strategy_drop(&g, e);
    }
    /* the nodes themselves: entry i is plan node i */
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "nodes")))
        for (int i = cJSON_GetArraySize(v) - 1; i >= 0; i--)
            if (i < p->nnodes && !keep[i])
                cJSON_DeleteItemFromArray(v, i);
}

/* ---- module paths ---- */

/* The folder of file, "." when it has none. Caller frees. */
static char *dir_of(const char *file)
{
    const char *slash = strrchr(file, '/');
    if (!slash)
        return xstrdup(".");
    if (slash == file)
        return xstrdup("/");
    char *d = xstrdup(file);
    d[slash - file] = '\0';
    return d;
}

/* Splits an absolute path into its components, "." dropped and ".."
 * taking one back; returns the count (at most max). */
static int split_path(char *path, char **comp, int max)
{
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(path, "/", &save); t;
         t = strtok_r(NULL, "/", &save)) {
        if (!strcmp(t, "."))
            continue;
        if (!strcmp(t, "..")) {
            if (n)
                n--;
            continue;
        }
        if (n < max)
            comp[n++] = t;
    }
    return n;
}

#define MAX_COMPS 256

/* rel (relative to the absolute folder from) as named from the absolute
 * folder to. Caller frees. */
static char *rebase(const char *from, const char *rel, const char *to)
{
    strbuf full, out;
    sb_init(&full);
    sb_init(&out);
    sb_printf(&full, "%s/", from);
    sb_puts(&full, rel);
    char *tcopy = xstrdup(to);
    char *fc[MAX_COMPS], *tc[MAX_COMPS];
    int nf = split_path(full.s, fc, MAX_COMPS);
    int nt = split_path(tcopy, tc, MAX_COMPS);
    int k = 0;
    while (k < nf - 1 && k < nt && !strcmp(fc[k], tc[k]))
        k++;
    for (int i = k; i < nt; i++)
        sb_puts(&out, "../");
    for (int i = k; i < nf; i++) {
        sb_puts(&out, fc[i]);
        if (i + 1 < nf)
            sb_putc(&out, '/');
    }
    free(tcopy);
    sb_fini(&full);
    return sb_take(&out);
}

static void move_list(cJSON *mods, const char *from, const char *to)
{
    for (int i = 0; i < cJSON_GetArraySize(mods); i++) {
        cJSON *e = cJSON_GetArrayItem(mods, i);
        if (!cJSON_IsString(e) || e->valuestring[0] == '/' ||
            !e->valuestring[0])
            continue;
        char *r = rebase(from, e->valuestring, to);
        cJSON_ReplaceItemInArray(mods, i, cJSON_CreateString(r));
        free(r);
    }
}

/* The folder d as an absolute path (textually: "." and ".." are left to
 * split_path). Caller frees; NULL when the current directory is unknown. */
static char *absolute(const char *d)
{
    if (d[0] == '/')
        return xstrdup(d);
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd))
        return NULL;
    strbuf b;
    sb_init(&b);
    sb_printf(&b, "%s/", cwd);
    sb_puts(&b, d);
    return sb_take(&b);
}

/* Contract in shrink_int.h. */
int shr__move_modules(cJSON *root, const char *from_file, const char *to_file)
{
    char *fd = dir_of(from_file), *td = dir_of(to_file ? to_file : "x");
    int rc = 0;
    if (strcmp(fd, td)) {
        char *af = absolute(fd), *at = absolute(td);
        if (!af || !at) {
            rc = -1;
        } else {
            cJSON *cfg = cJSON_GetObjectItemCaseSensitive(root, "config");
            move_list(cJSON_GetObjectItemCaseSensitive(cfg, "modules"), af, at);
            cJSON *nodes = cJSON_GetObjectItemCaseSensitive(root, "nodes");
            for (cJSON *n = nodes ? nodes->child : NULL; n; n = n->next)
                move_list(cJSON_GetObjectItemCaseSensitive(n, "modules"), af,
                          at);
        }
        free(af);
        free(at);
    }
    free(fd);
    free(td);
    return rc;
}
