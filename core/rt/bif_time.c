/* bif_time: erlang's time and timer BIFs, erlang:phash2/1,2 and
 * unique_integer/0,1, and the timer and rand modules, registered as the
 * rows of rt__time_bifs (bif.h).
 *
 * Time is virtual. The native time unit is the nanosecond, as on erl 25
 * on Linux x86_64 (`erlang:convert_time_unit(1, second, native)` is
 * 1000000000). Monotonic time is the engine's clock shifted to start
 * where erts' does, at -2^59 native units (erl's first monotonic_time()
 * reads about -576460751...). System time is a fixed epoch for virtual
 * time 0, RT_EPOCH_S (2026-01-01T00:00:00Z), plus the node's
 * clock_offset, plus the virtual time scaled by the node's
 * clock_drift_ppm: wall = epoch + offset + t * (1 + ppm / 1e6).
 *
 * Timers are engine events: deterministic, ordered with every other
 * event at their due time. A timer belongs to the node that set it and
 * dies with it (halt, restart: the node's creation changes); a timer to
 * a pid that is dead at expiry does nothing; one to a registered name
 * looks the name up at expiry (erts_set_timer, erl_hl_timer.c). */
#include "core/rt/bif.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/term/i128.h"
#include "core/term/xalloc.h"

static atom_t A(const char *s) { return atom_intern(s); }
static int self_node(const bif_call_ctx *c) { return c->self->node; }

#define NATIVE_PER_S 1000000000LL
#define MONO_START (-576460752303423488LL)   /* -2^59, erts' monotonic start */
#define RT_EPOCH_S 1767225600LL              /* 2026-01-01T00:00:00Z */
#define UNIQUE_MIN (-576460752303423488LL)   /* erts' unique_integer base */

/* ---- time units ---- */

/* Parts per second of a time unit (erlang:convert_time_unit/3's units,
 * with the deprecated plural names), or 0 for none. */
static int64_t unit_pps(const term *u)
{
    if (u->tag == T_INT)
        return u->u.i > 0 ? u->u.i : 0;
    if (u->tag != T_ATOM)
        return 0;
    static const struct { const char *name; int64_t pps; } units[] = {
        {"second", 1}, {"seconds", 1},
        {"millisecond", 1000}, {"milli_seconds", 1000},
        {"microsecond", 1000000}, {"micro_seconds", 1000000},
        {"nanosecond", NATIVE_PER_S}, {"nano_seconds", NATIVE_PER_S},
        {"native", NATIVE_PER_S}, {"perf_counter", NATIVE_PER_S},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (u->u.atom == A(units[i].name))
            return units[i].pps;
    return 0;
}

/* erlang:convert_time_unit/3 (erlang.erl): floor division, so that a
 * negative time rounds towards minus infinity. false on overflow. */
static bool convert(int64_t t, int64_t from, int64_t to, int64_t *out)
{
    return i128_div(i128_mul(t, to), (uint64_t)from, true, out);
}

static int64_t mono_native(const world *w)
{
    return MONO_START + sim_now(w->s) * 1000;
}

/* System time in nanoseconds on `node` (the drift and offset of its
 * config). */
static int64_t system_native(const world *w, int node)
{
    const world_node_cfg *cfg = &w->nodes[node].cfg;
    int64_t now = sim_now(w->s), drift;
    /* now * 1000 * ppm / 10^6, rounded towards zero, is now * ppm / 1000 */
    if (!i128_div(i128_mul(now, cfg->clock_drift_ppm), 1000, false, &drift))
        drift = cfg->clock_drift_ppm < 0 ? INT64_MIN : INT64_MAX;
    i128 t = i128_add(i128_mul(now, 1000), i128_of(drift));
    t = i128_add(t, i128_mul(RT_EPOCH_S, NATIVE_PER_S));
    t = i128_add(t, i128_mul(cfg->clock_offset, 1000));
    return i128_to_i64_sat(t);
}

static ev_status time_in_unit(bif_call_ctx *c, int64_t native)
{
    int64_t pps = NATIVE_PER_S, v;
    if (c->argc == 1 && !(pps = unit_pps(c->args[0])))
        return bif_badarg(c, 1, "invalid time unit");
    if (!convert(native, NATIVE_PER_S, pps, &v))
        return bif_badarg(c, 1, "invalid time unit");
    return bif_return(c, term_int(v));
}

/* erlang:monotonic_time/0,1 */
static ev_status b_monotonic_time(bif_call_ctx *c)
{
    return time_in_unit(c, mono_native(c->w));
}

/* erlang:system_time/0,1 */
static ev_status b_system_time(bif_call_ctx *c)
{
    return time_in_unit(c, system_native(c->w, self_node(c)));
}

/* erlang:time_offset/0,1: system time minus monotonic time. */
static ev_status b_time_offset(bif_call_ctx *c)
{
    return time_in_unit(c, system_native(c->w, self_node(c)) - mono_native(c->w));
}

/* erlang:timestamp/0: {MegaSecs, Secs, MicroSecs} of system time. */
static ev_status b_timestamp(bif_call_ctx *c)
{
    int64_t us = system_native(c->w, self_node(c)) / 1000;
    return bif_return(c, term_tuplev(3, term_int(us / 1000000000000LL),
                                     term_int(us / 1000000 % 1000000),
                                     term_int(us % 1000000)));
}

/* erlang:convert_time_unit/3 */
static ev_status b_convert_time_unit(bif_call_ctx *c)
{
    if (c->args[0]->tag != T_INT)
        return bif_badarg(c, 1, "not an integer");
    int64_t from = unit_pps(c->args[1]), to = unit_pps(c->args[2]), v;
    if (!from)
        return bif_badarg(c, 2, "invalid time unit");
    if (!to)
        return bif_badarg(c, 3, "invalid time unit");
    if (!convert(c->args[0]->u.i, from, to, &v))
        return bif_badarg(c, 1, "out of range");
    return bif_return(c, term_int(v));
}

/* ---- unique_integer ---- */

/* erlang:unique_integer/0,1: one counter per node, as erts' is one per
 * runtime: [monotonic] values count up from -2^59 like erl's, and
 * [positive] ones from 1 (erl 25: the first [positive, monotonic] is 1,
 * and each call, of any kind, takes the next value). */
static ev_status b_unique_integer(bif_call_ctx *c)
{
    bool positive = false;
    if (c->argc == 1) {
        const term *l = c->args[0];
        if (!term_is_proper_list(l))
            return bif_badarg(c, 1, "not a list");
        for (; l->tag == T_CONS; l = l->u.cons.tail) {
            const term *o = l->u.cons.head;
            if (term_is_atom(o, A("positive")))
                positive = true;
            else if (!term_is_atom(o, A("monotonic")))
                return bif_badarg(c, 1, "invalid modifier");
        }
    }
    uint64_t k = c->w->nodes[self_node(c)].next_unique++;
    return bif_return(c, term_int(positive ? (int64_t)k + 1
                                           : UNIQUE_MIN + (int64_t)k));
}

/* ---- phash2 ---- */

/* erlang:phash2/1,2 computes erts' make_hash2 (erts/emulator/beam/
 * utils.c): Bob Jenkins' mix over 32-bit words, each kind of term with
 * its own constant. The values are OTP's for integers, floats, atoms,
 * lists, tuples, binaries, bitstrings and maps; a pid, reference or fun
 * hashes what the simulator has of it (its numbers), which is not what
 * a real node would hash. */

#define MIX(a, b, c) do {                        \
    a -= b; a -= c; a ^= (c >> 13);              \
    b -= c; b -= a; b ^= (a << 8);               \
    c -= a; c -= b; c ^= (b >> 13);              \
    a -= b; a -= c; a ^= (c >> 12);              \
    b -= c; b -= a; b ^= (a << 16);              \
    c -= a; c -= b; c ^= (b >> 5);               \
    a -= b; a -= c; a ^= (c >> 3);               \
    b -= c; b -= a; b ^= (a << 10);              \
    c -= a; c -= b; c ^= (b >> 15);              \
} while (0)

/* HCONST and its multiples (HCONST * k mod 2^32), make_hash2's names */
#define HC    0x9e3779b9u
#define HC_2  0x3c6ef372u
#define HC_3  0xdaa66d2bu
#define HC_4  0x78dde6e4u
#define HC_5  0x1715609du
#define HC_6  0xb54cda56u
#define HC_7  0x5384540fu
#define HC_9  0x8ff34781u
#define HC_10 0x2e2ac13au
#define HC_11 0xcc623af3u
#define HC_12 0x6a99b4acu
#define HC_13 0x08d12e65u
#define HC_14 0xa708a81eu
#define HC_15 0x454021d7u
#define HC_16 0xe3779b90u
#define HC_19 0xbe1e08bbu
#define NIL_WORD 2u            /* erts NIL_DEF (erl_term.h) */
#define NIL_HASH 3468870702u   /* [] as the first thing hashed */

static void hash_pair(uint32_t *h, uint32_t x, uint32_t y, uint32_t k)
{
    uint32_t a = k + x, b = k + y;
    MIX(a, b, *h);
}

/* erts' block_hash (utils.c): Jenkins' lookup2 over bytes. */
static uint32_t block_hash(const uint8_t *k, size_t length, uint32_t init)
{
    uint32_t a = HC, b = HC, c = init;
    size_t len = length;
    while (len >= 12) {
        a += k[0] + ((uint32_t)k[1] << 8) + ((uint32_t)k[2] << 16) + ((uint32_t)k[3] << 24);
        b += k[4] + ((uint32_t)k[5] << 8) + ((uint32_t)k[6] << 16) + ((uint32_t)k[7] << 24);
        c += k[8] + ((uint32_t)k[9] << 8) + ((uint32_t)k[10] << 16) + ((uint32_t)k[11] << 24);
        MIX(a, b, c);
        k += 12;
        len -= 12;
    }
    c += (uint32_t)length;
    switch (len) {
    case 11: c += (uint32_t)k[10] << 24; /* fall through */
    case 10: c += (uint32_t)k[9] << 16;  /* fall through */
    case 9:  c += (uint32_t)k[8] << 8;   /* fall through */
    case 8:  b += (uint32_t)k[7] << 24;  /* fall through */
    case 7:  b += (uint32_t)k[6] << 16;  /* fall through */
    case 6:  b += (uint32_t)k[5] << 8;   /* fall through */
    case 5:  b += k[4];                  /* fall through */
    case 4:  a += (uint32_t)k[3] << 24;  /* fall through */
    case 3:  a += (uint32_t)k[2] << 16;  /* fall through */
    case 2:  a += (uint32_t)k[1] << 8;   /* fall through */
    case 1:  a += k[0];                  /* fall through */
    default: break;
    }
    MIX(a, b, c);
    return c;
}

/* erts' atom_hash (atom.c): hashpjw over the atom's UTF-8 bytes, a
 * two-byte character below 256 taken as its latin-1 code. */
static uint32_t atom_hash(atom_t at)
{
    const uint8_t *p = (const uint8_t *)atom_text(at);
    size_t len = atom_len(at);
    uint32_t h = 0, g;
    while (len--) {
        uint32_t v = *p++;
        if (len && (v & 0xFE) == 0xC2 && (*p & 0xC0) == 0x80) {
            v = ((v << 6) | (*p & 0x3F)) & 0xFF;
            p++;
            len--;
        }
        h = (h << 4) + v;
        if ((g = h & 0xf0000000u)) {
            h ^= g >> 24;
            h ^= g;
        }
    }
    return h;
}

static void hash_int(uint32_t *h, int64_t x)
{
    if (x >= -(1LL << 27) && x < (1LL << 27)) {
        int32_t y = (int32_t)x;
        if (y < 0)
            hash_pair(h, (uint32_t)-y, 0, HC);
        hash_pair(h, (uint32_t)y, 0, HC);
        return;
    }
    /* a bignum in erts: its magnitude's 64-bit digits, low word first */
    uint64_t m = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
    hash_pair(h, (uint32_t)m, (uint32_t)(m >> 32), x < 0 ? HC_10 : HC_11);
}

/* One term into *h, as make_hash2's loop does: what was hashed before
 * is in *h (an atom or [] first of all is taken as is). */
static void hash_term(uint32_t *h, const term *t)
{
    for (;;) {
        switch (t->tag) {
        case T_INT:
            hash_int(h, t->u.i);
            return;
        case T_FLOAT: {
            double f = t->u.f == 0.0 ? 0.0 : t->u.f;
            uint64_t bits;
            memcpy(&bits, &f, sizeof bits);
            hash_pair(h, (uint32_t)(bits >> 32), (uint32_t)bits, HC_12);
            return;
        }
        case T_ATOM:
            if (*h == 0)
                *h = atom_hash(t->u.atom);
            else
                hash_pair(h, atom_hash(t->u.atom), 0, HC_3);
            return;
        case T_NIL:
            if (*h == 0)
                *h = NIL_HASH;
            else
                hash_pair(h, NIL_WORD, 0, HC_2);
            return;
        case T_CONS: {
            /* bytes run together four to a word (a string's shortcut) */
            uint32_t sh = 0;
            int n = 0;
            while (t->tag == T_CONS && t->u.cons.head->tag == T_INT &&
                   t->u.cons.head->u.i >= 0 && t->u.cons.head->u.i <= 255) {
                sh = (sh << 8) + (uint32_t)t->u.cons.head->u.i;
                if (n == 3) {
                    hash_pair(h, sh, 0, HC_4);
                    n = 0;
                    sh = 0;
                } else {
                    n++;
                }
                t = t->u.cons.tail;
            }
            if (n > 0)
                hash_pair(h, sh, 0, HC_4);
            if (t->tag == T_CONS) {
                hash_term(h, t->u.cons.head);
                t = t->u.cons.tail;
            }
            continue;
        }
        case T_TUPLE:
            hash_pair(h, t->u.tuple.n, 0, HC_9);
            for (uint32_t i = 0; i < t->u.tuple.n; i++)
                hash_term(h, t->u.tuple.el[i]);
            return;
        case T_MAP: {
            /* the pairs' hashes, each from 0, xor'ed: independent of order */
            hash_pair(h, t->u.map.n, 0, HC_16);
            if (t->u.map.n == 0)
                return;
            uint32_t x = 0;
            for (uint32_t i = 0; i < t->u.map.n; i++) {
                uint32_t ph = 0;
                hash_term(&ph, t->u.map.keys[i]);
                hash_term(&ph, t->u.map.vals[i]);
                x ^= ph;
            }
            hash_pair(h, x, 0, HC_19);
            return;
        }
        case T_BIN: {
            size_t n = t->u.bin.n;
            size_t whole = t->u.bin.tail ? n - 1 : n;
            uint32_t con = HC_13 + *h;
            if (n == 0) {
                *h = con;
                return;
            }
            *h = block_hash(t->u.bin.bytes, whole, con);
            if (t->u.bin.tail) {
                uint32_t bits = t->u.bin.tail;
                hash_pair(h, bits, (uint32_t)(t->u.bin.bytes[whole] >> (8 - bits)),
                          HC_15);
            }
            return;
        }
        case T_PID:
            hash_pair(h, t->u.pid.number, 0, HC_5);
            return;
        case T_REF:
            hash_pair(h, t->u.ref.w[0], 0, HC_7);
            return;
        case T_FUN:
            hash_pair(h, t->u.fun.arity, atom_hash(t->u.fun.mod), HC);
            hash_pair(h, atom_hash(t->u.fun.fun), 0, HC_14);
            return;
        default:
            return;
        }
    }
}

uint32_t rt__hash2(const term *t)
{
    uint32_t h = 0;
    hash_term(&h, t);
    return h;
}

/* erlang:phash2/1: 0..2^27-1 */
static ev_status b_phash2_1(bif_call_ctx *c)
{
    return bif_return(c, term_int(rt__hash2(c->args[0]) & ((1u << 27) - 1)));
}

/* erlang:phash2/2: 0..Range-1, Range in 1..2^32. erl 25 reports a bad
 * range as argument 1 (erl_erts_errors), and one above 2^32 with no
 * argument line. */
static ev_status b_phash2_2(bif_call_ctx *c)
{
    const term *r = c->args[1];
    if (r->tag != T_INT)
        return bif_badarg(c, 1, "not an integer");
    if (r->u.i < 1)
        return bif_badarg(c, 1, "out of range");
    if (r->u.i > (1LL << 32))
        return bif_badarg(c, 0, NULL);
    uint64_t h = rt__hash2(c->args[0]);
    return bif_return(c, term_int((int64_t)(h % (uint64_t)r->u.i)));
}

/* ---- timers ---- */

typedef enum etimer_kind {
    ET_SEND,       /* erlang:send_after, timer:send_after: Msg */
    ET_TIMEOUT,    /* erlang:start_timer: {timeout, Ref, Msg} */
    ET_INTERVAL,   /* timer:send_interval: Msg every `interval` */
    ET_APPLY       /* timer:apply_after: spawn(M, F, A) */
} etimer_kind;

typedef struct rt_etimer {
    uint64_t id;
    etimer_kind kind;
    term *ref;
    int node;
    uint32_t creation;
    term *dest;          /* a local pid or a name; apply: {M, F, A} */
    term *msg;
    term_pid owner;      /* who set it (an interval dies with it) */
    int leader;
    int64_t due, interval;
    sim_timer st;
} rt_etimer;

static void etimer_free(rt_etimer *t)
{
    term_unref(t->ref);
    term_unref(t->dest);
    term_unref(t->msg);
    free(t);
}

static void etimer_remove(world *w, uint32_t i)
{
    etimer_free(w->etimers[i]);
    memmove(w->etimers + i, w->etimers + i + 1,
            (w->netimers - i - 1) * sizeof *w->etimers);
    w->netimers--;
}

void rt__timers_free(world *w)
{
    for (uint32_t i = 0; i < w->netimers; i++)
        etimer_free(w->etimers[i]);
    free(w->etimers);
    w->etimers = NULL;
    w->netimers = w->capetimers = 0;
}

static int64_t find_timer(const world *w, uint64_t id)
{
    for (uint32_t i = 0; i < w->netimers; i++)
        if (w->etimers[i]->id == id)
            return i;
    return -1;
}

/* The live timer of `node` with reference ref, or -1. */
static int64_t find_ref(const world *w, int node, const term *ref)
{
    const vnode *nd = &w->nodes[node];
    for (uint32_t i = 0; i < w->netimers; i++) {
        const rt_etimer *t = w->etimers[i];
        if (t->node == node && t->creation == nd->creation &&
            term_equal(t->ref, ref))
            return i;
    }
    return -1;
}

static void timer_fire(sim *s, void *ctx, uint64_t id)
{
    (void)s;
    world *w = ctx;
    int64_t i = find_timer(w, id);
    if (i < 0)
        return;
    rt_etimer *t = w->etimers[i];
    vnode *nd = &w->nodes[t->node];
    if (nd->state == NODE_DOWN || nd->creation != t->creation) {
        etimer_remove(w, (uint32_t)i);   /* died with its node */
        return;
    }
    if (t->kind == ET_APPLY) {
        /* timer:apply_after, apply_interval: the timer server spawns
         * M:F(A); an interval ends with the process that set it */
        if (t->interval && !rt_find(w, t->owner)) {
            etimer_remove(w, (uint32_t)i);
            return;
        }
        term_pid pid;
        rt_spawn_mfa(w, t->node, t->dest->u.tuple.el[0], t->dest->u.tuple.el[1],
                     t->dest->u.tuple.el[2], t->leader, &pid);
        if (t->interval) {
            t->due += t->interval;
            t->st = sim_at(w->s, t->due, timer_fire, w, t->id);
            return;
        }
        etimer_remove(w, (uint32_t)i);
        return;
    }
    proc *to = t->dest->tag == T_PID ? rt_find(w, t->dest->u.pid)
                                     : rt_whereis(w, t->node, t->dest->u.atom);
    if (t->kind == ET_INTERVAL && (!rt_find(w, t->owner) ||
                                   (t->dest->tag == T_PID && !to))) {
        /* timer.erl: an interval timer ends with the process that set it
         * or the pid it sends to */
        etimer_remove(w, (uint32_t)i);
        return;
    }
    if (to) {
        if (t->kind == ET_TIMEOUT) {
            term *m = term_tuplev(3, term_atom_s("timeout"), term_ref(t->ref),
                                  term_ref(t->msg));
            rt_deliver(w, to, m);
            term_unref(m);
        } else {
            rt_deliver(w, to, t->msg);
        }
    }
    if (t->kind == ET_INTERVAL) {
        t->due += t->interval;
        t->st = sim_at(w->s, t->due, timer_fire, w, t->id);
        return;
    }
    etimer_remove(w, (uint32_t)i);
}

static rt_etimer *timer_add(world *w, proc *self, etimer_kind kind, int64_t due,
                            term *dest, term *msg, term *ref)
{
    rt_etimer *t = xcalloc(1, sizeof *t);
    t->id = ++w->next_etimer;
    t->kind = kind;
    t->ref = ref;
    t->node = self->node;
    t->creation = w->nodes[self->node].creation;
    t->dest = dest;
    t->msg = msg;
    t->owner = self->pid;
    t->leader = self->leader;
    t->due = due;
    if (w->netimers == w->capetimers) {
        w->capetimers = w->capetimers ? 2 * w->capetimers : 16;
        w->etimers = xrealloc(w->etimers, w->capetimers * sizeof *w->etimers);
    }
    w->etimers[w->netimers++] = t;
    t->st = sim_at(w->s, due, timer_fire, w, t->id);
    return t;
}

/* Milliseconds left, rounded up, as erts reports them. */
static int64_t ms_left(const world *w, const rt_etimer *t)
{
    int64_t us = t->due - sim_now(w->s);
    return us <= 0 ? 0 : (us + 999) / 1000;
}

/* erlang:send_after/3,4 and start_timer/3,4 (erl_hl_timer.c): Time in
 * ms (relative, or absolute monotonic ms with {abs, true}), Dest a
 * local pid or an atom. */
static ev_status set_timer(bif_call_ctx *c, etimer_kind kind)
{
    world *w = c->w;
    const term *tm = c->args[0], *dest = c->args[1];
    bool abs_time = false;
    if (c->argc == 4) {
        const term *l = c->args[3];
        if (!term_is_proper_list(l))
            return bif_badarg(c, 3, "invalid option in list");
        for (; l->tag == T_CONS; l = l->u.cons.tail) {
            const term *o = l->u.cons.head;
            if (o->tag != T_TUPLE || o->u.tuple.n != 2 ||
                !term_is_atom(o->u.tuple.el[0], A("abs")) ||
                (!term_is_atom(o->u.tuple.el[1], A("true")) &&
                 !term_is_atom(o->u.tuple.el[1], A("false"))))
                return bif_badarg(c, 3, "invalid option in list");
            abs_time = term_is_atom(o->u.tuple.el[1], A("true"));
        }
    }
    if (tm->tag != T_INT)
        return bif_badarg(c, 1, "not an integer");
    int64_t now = sim_now(w->s), due;
    if (abs_time) {
        /* the monotonic time in ms the timer expires at */
        /* ns since t=0 */
        i128 at = i128_sub(i128_mul(tm->u.i, 1000000), i128_of(MONO_START));
        int64_t at_us = 0;
        if (!i128_div(at, 1000, false, &at_us) && !i128_neg_p(at))
            return bif_badarg(c, 1, "out of range");
        due = !i128_lt(i128_mul(now, 1000), at) ? now : at_us;
    } else {
        if (tm->u.i < 0 || tm->u.i > (INT64_MAX - now) / 1000)
            return bif_badarg(c, 1, "out of range");
        due = now + tm->u.i * 1000;
    }
    bool ok = dest->tag == T_ATOM ||
              (dest->tag == T_PID &&
               rt_node_index(w, dest->u.pid.node) == self_node(c));
    if (!ok)
        return bif_badarg(c, 2, "not a pid or an atom");
    term *ref = rt_make_ref(w, self_node(c));
    timer_add(w, c->self, kind, due, term_ref((term *)dest),
              term_ref(c->args[2]), term_ref(ref));
    return bif_return(c, ref);
}

static ev_status b_send_after(bif_call_ctx *c) { return set_timer(c, ET_SEND); }
static ev_status b_start_timer(bif_call_ctx *c) { return set_timer(c, ET_TIMEOUT); }

/* The options of cancel_timer/2 and read_timer/2: {async, B}, {info, B}. */
static int timer_opts(bif_call_ctx *c, bool *async, bool *info)
{
    *async = false;
    *info = true;
    if (c->argc < 2)
        return 0;
    const term *l = c->args[1];
    if (!term_is_proper_list(l))
        return bif_badarg(c, 2, "not a list");
    for (; l->tag == T_CONS; l = l->u.cons.tail) {
        const term *o = l->u.cons.head;
        bool isbool = o->tag == T_TUPLE && o->u.tuple.n == 2 &&
                      (term_is_atom(o->u.tuple.el[1], A("true")) ||
                       term_is_atom(o->u.tuple.el[1], A("false")));
        bool v = isbool && term_is_atom(o->u.tuple.el[1], A("true"));
        if (isbool && term_is_atom(o->u.tuple.el[0], A("async")))
            *async = v;
        else if (isbool && term_is_atom(o->u.tuple.el[0], A("info")) &&
                 c->fun == A("cancel_timer"))
            *info = v;
        else
            return bif_badarg(c, 2, "invalid option in list");
    }
    return 0;
}

/* erlang:cancel_timer/1,2 and read_timer/1,2: the ms left, or false for
 * a timer that fired, was cancelled or never was; with {async, true}
 * ok, and the answer as {cancel_timer | read_timer, Ref, Result}. */
static ev_status cancel_or_read(bif_call_ctx *c, bool cancel)
{
    world *w = c->w;
    const term *ref = c->args[0];
    if (ref->tag != T_REF)
        return bif_badarg(c, 1, "not a reference");
    bool async, info;
    if (timer_opts(c, &async, &info))
        return EV_RAISED;
    int64_t i = find_ref(w, self_node(c), ref);
    term *res;
    if (i < 0) {
        res = term_atom_s("false");
    } else {
        res = term_int(ms_left(w, w->etimers[i]));
        if (cancel) {
            sim_cancel(w->s, w->etimers[i]->st);
            etimer_remove(w, (uint32_t)i);
        }
    }
    if (async) {
        if (info) {
            term *m = term_tuplev(3, term_atom_s(cancel ? "cancel_timer"
                                                        : "read_timer"),
                                  term_ref((term *)ref), res);
            rt_deliver(w, c->self, m);
            term_unref(m);
        } else {
            term_unref(res);
        }
        return bif_return(c, term_atom_s("ok"));
    }
    if (!info) {
        term_unref(res);
        return bif_return(c, term_atom_s("ok"));
    }
    return bif_return(c, res);
}

static ev_status b_cancel_timer(bif_call_ctx *c) { return cancel_or_read(c, true); }
static ev_status b_read_timer(bif_call_ctx *c) { return cancel_or_read(c, false); }

/* ---- the timer module (timer.erl, OTP 25) ---- */

static ev_status ok_tref(bif_call_ctx *c, const char *tag, term *ref)
{
    return bif_return(c, term_tuplev(2, term_atom_s("ok"),
                                     term_tuplev(2, term_atom_s(tag), ref)));
}

static ev_status error_badarg(bif_call_ctx *c)
{
    return bif_return(c, term_tuplev(2, term_atom_s("error"),
                                     term_atom_s("badarg")));
}

/* timer.erl's valid time (OTP 25: any non-negative integer; here
 * below 2^42 ms, about 139 years, to stay within the clock) */
static bool valid_ms(const term *t)
{
    return t->tag == T_INT && t->u.i >= 0 && t->u.i < (1LL << 42);
}

/* timer:send_after/2,3 and send_interval/2,3: {ok, {send_local, Ref}}
 * (erlang:send_after underneath, OTP 25) or {ok, {interval, Ref}};
 * {error, badarg} for a bad time or destination. */
static ev_status timer_send(bif_call_ctx *c, bool interval)
{
    world *w = c->w;
    const term *tm = c->args[0];
    const term *dest = c->argc == 3 ? c->args[1] : NULL;
    const term *msg = c->args[c->argc - 1];
    if (!valid_ms(tm))
        return error_badarg(c);
    term *d;
    if (!dest)
        d = term_pid_new(c->self->pid);
    else if (dest->tag == T_ATOM ||
             (dest->tag == T_PID && rt_node_index(w, dest->u.pid.node) == self_node(c)))
        d = term_ref((term *)dest);
    else
        return error_badarg(c);
    term *ref = rt_make_ref(w, self_node(c));
    int64_t now = sim_now(w->s);
    rt_etimer *t = timer_add(w, c->self, interval ? ET_INTERVAL : ET_SEND,
                             now + tm->u.i * 1000, d, term_ref((term *)msg),
                             term_ref(ref));
    t->interval = tm->u.i * 1000;
    if (interval && t->interval == 0)
        t->interval = 1;   /* a zero interval still lets time pass */
    return ok_tref(c, interval ? "interval" : "send_local", ref);
}

static ev_status b_timer_send_after(bif_call_ctx *c) { return timer_send(c, false); }
static ev_status b_timer_send_interval(bif_call_ctx *c) { return timer_send(c, true); }

/* timer:apply_after/4: {ok, {once, Ref}}; M:F(A) runs in a new process.
 * timer:apply_interval/4: {ok, {interval, Ref}}, M:F(A) every Time ms. */
static ev_status b_timer_apply_after(bif_call_ctx *c)
{
    bool interval = c->fun == A("apply_interval");
    world *w = c->w;
    if (!valid_ms(c->args[0]) || c->args[1]->tag != T_ATOM ||
        c->args[2]->tag != T_ATOM || !term_is_proper_list(c->args[3]))
        return error_badarg(c);
    term *ref = rt_make_ref(w, self_node(c));
    term *mfa = term_tuplev(3, term_ref(c->args[1]), term_ref(c->args[2]),
                            term_ref(c->args[3]));
    rt_etimer *t = timer_add(w, c->self, ET_APPLY,
                             sim_now(w->s) + c->args[0]->u.i * 1000, mfa,
                             term_nil(), term_ref(ref));
    if (interval)
        t->interval = c->args[0]->u.i ? c->args[0]->u.i * 1000 : 1;
    return ok_tref(c, interval ? "interval" : "once", ref);
}

/* timer:cancel/1: {ok, cancel} for any well-formed TRef (OTP 25 says so
 * for one that already fired too), else {error, badarg}. */
static ev_status b_timer_cancel(bif_call_ctx *c)
{
    const term *t = c->args[0];
    if (t->tag != T_TUPLE || t->u.tuple.n != 2 || t->u.tuple.el[1]->tag != T_REF ||
        !(term_is_atom(t->u.tuple.el[0], A("send_local")) ||
          term_is_atom(t->u.tuple.el[0], A("interval")) ||
          term_is_atom(t->u.tuple.el[0], A("once"))))
        return error_badarg(c);
    int64_t i = find_ref(c->w, self_node(c), t->u.tuple.el[1]);
    if (i >= 0) {
        sim_cancel(c->w->s, c->w->etimers[i]->st);
        etimer_remove(c->w, (uint32_t)i);
    }
    return bif_return(c, term_tuplev(2, term_atom_s("ok"), term_atom_s("cancel")));
}

/* timer:seconds/1, minutes/1, hours/1, hms/3: plain arithmetic in
 * timer.erl, so a float gives a float and a non-number badarith. */
static ev_status scale(bif_call_ctx *c, const term *x, int64_t k, term **out)
{
    if (x->tag == T_INT && x->u.i <= INT64_MAX / k && x->u.i >= INT64_MIN / k) {
        *out = term_int(x->u.i * k);
        return EV_DONE;
    }
    if (x->tag == T_FLOAT) {
        *out = term_float(x->u.f * (double)k);
        return EV_DONE;
    }
    return bif_raise(c, "error", term_atom_s("badarith"));
}

static ev_status b_timer_seconds(bif_call_ctx *c)
{
    term *v = NULL;
    return scale(c, c->args[0], 1000, &v) == EV_DONE ? bif_return(c, v) : EV_RAISED;
}

static ev_status b_timer_minutes(bif_call_ctx *c)
{
    term *v = NULL;
    return scale(c, c->args[0], 60000, &v) == EV_DONE ? bif_return(c, v) : EV_RAISED;
}

static ev_status b_timer_hours(bif_call_ctx *c)
{
    term *v = NULL;
    return scale(c, c->args[0], 3600000, &v) == EV_DONE ? bif_return(c, v) : EV_RAISED;
}

static ev_status b_timer_hms(bif_call_ctx *c)
{
    static const int64_t k[3] = {3600000, 60000, 1000};
    term *v[3];
    for (int i = 0; i < 3; i++)
        if (scale(c, c->args[i], k[i], &v[i]) != EV_DONE) {
            while (i-- > 0)
                term_unref(v[i]);
            return EV_RAISED;
        }
    bool fl = v[0]->tag == T_FLOAT || v[1]->tag == T_FLOAT || v[2]->tag == T_FLOAT;
    term *r;
    if (fl) {
        double s = 0;
        for (int i = 0; i < 3; i++)
            s += v[i]->tag == T_FLOAT ? v[i]->u.f : (double)v[i]->u.i;
        r = term_float(s);
    } else {
        r = term_int(v[0]->u.i + v[1]->u.i + v[2]->u.i);
    }
    for (int i = 0; i < 3; i++)
        term_unref(v[i]);
    return bif_return(c, r);
}

/* ---- rand (rand.erl) ----
 * Drawn from the node's own stream (vnode.rand_r, seeded from the run's
 * seed), so a run is reproducible; the values are not those of OTP's
 * exsss, which erl seeds from the clock. */

static rng *node_rng(bif_call_ctx *c) { return &c->w->nodes[self_node(c)].rand_r; }

/* rand:uniform/0: 0.0 =< X < 1.0 */
static ev_status b_rand_uniform0(bif_call_ctx *c)
{
    return bif_return(c, term_float(rng_unit(node_rng(c))));
}

/* rand:uniform/1: 1 =< X =< N; anything but a positive integer is
 * rand:uniform_s/2's function_clause. */
static ev_status b_rand_uniform1(bif_call_ctx *c)
{
    const term *n = c->args[0];
    if (n->tag != T_INT || n->u.i < 1)
        return bif_raise(c, "error", term_atom_s("function_clause"));
    return bif_return(c, term_int(1 + (int64_t)rng_below(node_rng(c), (uint64_t)n->u.i)));
}

/* rand:uniform_real/0: 0.0 < X < 1.0 */
static ev_status b_rand_uniform_real(bif_call_ctx *c)
{
    double x;
    do
        x = rng_unit(node_rng(c));
    while (x == 0.0);
    return bif_return(c, term_float(x));
}

/* rand:normal/0: the standard normal distribution (Box-Muller here;
 * rand.erl uses a ziggurat). */
static ev_status b_rand_normal(bif_call_ctx *c)
{
    rng *r = node_rng(c);
    double u1, u2 = rng_unit(r);
    do
        u1 = rng_unit(r);
    while (u1 == 0.0);
    return bif_return(c, term_float(sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2)));
}

static bool rand_alg(const term *t)
{
    static const char *algs[] = {"exsss", "exro928ss", "exrop", "exs1024s",
                                 "exsp", "exs64", "exsplus", "exs1024",
                                 "exro928", "mwc59"};
    for (size_t i = 0; i < sizeof algs / sizeof algs[0]; i++)
        if (term_is_atom(t, A(algs[i])))
            return true;
    return false;
}

/* rand:seed/1,2: reseeds the node's stream: rand:seed(Alg, Seed) from
 * Seed alone (the same Seed gives the same values on every run and
 * node), rand:seed(Alg) from the run's stream. It returns
 * {#{type => Alg, bits => 58}, [S0|S1]}: the shape of OTP's state
 * without its funs. */
static ev_status b_rand_seed(bif_call_ctx *c)
{
    const term *alg = c->args[0];
    if (!rand_alg(alg))
        return bif_raise(c, "error", term_atom_s("function_clause"));
    rng *r = node_rng(c);
    if (c->argc == 2)
        *r = rng_stream(rt__hash2(c->args[1]), "rand.seed", 0);
    else
        *r = rng_stream(rng_next(r), "rand.seed", 1);
    uint64_t s0 = r->s[0] & ((1ULL << 58) - 1), s1 = r->s[1] & ((1ULL << 58) - 1);
    term *keys[2] = {term_atom_s("bits"), term_atom_s("type")};
    term *vals[2] = {term_int(58), term_ref((term *)alg)};
    term *m = term_map(2, keys, vals);
    return bif_return(c, term_tuplev(2, m, term_cons(term_int((int64_t)s0),
                                                     term_int((int64_t)s1))));
}

const bif_reg rt__time_bifs[] = {
    {"erlang", "monotonic_time", 0, b_monotonic_time, BIF_QUALIFIED},
    {"erlang", "monotonic_time", 1, b_monotonic_time, BIF_QUALIFIED},
    {"erlang", "system_time", 0, b_system_time, BIF_QUALIFIED},
    {"erlang", "system_time", 1, b_system_time, BIF_QUALIFIED},
    {"erlang", "time_offset", 0, b_time_offset, BIF_QUALIFIED},
    {"erlang", "time_offset", 1, b_time_offset, BIF_QUALIFIED},
    {"erlang", "timestamp", 0, b_timestamp, BIF_QUALIFIED},
    {"erlang", "convert_time_unit", 3, b_convert_time_unit, BIF_QUALIFIED},
    {"erlang", "unique_integer", 0, b_unique_integer, BIF_QUALIFIED},
    {"erlang", "unique_integer", 1, b_unique_integer, BIF_QUALIFIED},
    {"erlang", "phash2", 1, b_phash2_1, BIF_QUALIFIED},
    {"erlang", "phash2", 2, b_phash2_2, BIF_QUALIFIED},
    {"erlang", "send_after", 3, b_send_after, BIF_QUALIFIED},
    {"erlang", "send_after", 4, b_send_after, BIF_QUALIFIED},
    {"erlang", "start_timer", 3, b_start_timer, BIF_QUALIFIED},
    {"erlang", "start_timer", 4, b_start_timer, BIF_QUALIFIED},
    {"erlang", "cancel_timer", 1, b_cancel_timer, BIF_QUALIFIED},
    {"erlang", "cancel_timer", 2, b_cancel_timer, BIF_QUALIFIED},
    {"erlang", "read_timer", 1, b_read_timer, BIF_QUALIFIED},
    {"erlang", "read_timer", 2, b_read_timer, BIF_QUALIFIED},
    {"timer", "send_after", 2, b_timer_send_after, BIF_QUALIFIED},
    {"timer", "send_after", 3, b_timer_send_after, BIF_QUALIFIED},
    {"timer", "send_interval", 2, b_timer_send_interval, BIF_QUALIFIED},
    {"timer", "send_interval", 3, b_timer_send_interval, BIF_QUALIFIED},
    {"timer", "apply_after", 4, b_timer_apply_after, BIF_QUALIFIED},
    {"timer", "apply_interval", 4, b_timer_apply_after, BIF_QUALIFIED},
    {"timer", "cancel", 1, b_timer_cancel, BIF_QUALIFIED},
    {"timer", "seconds", 1, b_timer_seconds, BIF_QUALIFIED},
    {"timer", "minutes", 1, b_timer_minutes, BIF_QUALIFIED},
    {"timer", "hours", 1, b_timer_hours, BIF_QUALIFIED},
    {"timer", "hms", 3, b_timer_hms, BIF_QUALIFIED},
    {"rand", "uniform", 0, b_rand_uniform0, BIF_QUALIFIED},
    {"rand", "uniform", 1, b_rand_uniform1, BIF_QUALIFIED},
    {"rand", "uniform_real", 0, b_rand_uniform_real, BIF_QUALIFIED},
    {"rand", "normal", 0, b_rand_normal, BIF_QUALIFIED},
    {"rand", "seed", 1, b_rand_seed, BIF_QUALIFIED},
    {"rand", "seed", 2, b_rand_seed, BIF_QUALIFIED},
    {NULL, NULL, 0, NULL, BIF_QUALIFIED},
};
