/* history: Jepsen-style operation histories of a key-value register
 * store, read from JSON lines or Jepsen EDN, and the linearizability
 * checker over them (`clustersim history check`; formats in
 * traces/README.md, "Histories").
 *
 * A history is a sequence of events, one a line, in the order they
 * happened: an `invoke` opens an operation of a process, the next `ok`,
 * `fail` or `info` of that process completes it. The reader pairs them
 * into operations (hist_op, in the order of their invocations); an
 * invocation that never completes is kept as `info`. Positions are the
 * events' ordinals in the file, so real-time order is the file's order
 * and there are no ties. An optional "node" string on an event names the
 * client's node (hist_op.node); history_write_json / history_write_edn
 * write a history back in either syntax.
 *
 * The checker (history_check) is Wing & Gong's search with Lowe's
 * just-in-time linearization and memoisation of (set of linearized
 * operations as a bitset, register state), as Porcupine's checkSingle
 * and Knossos's wgl do, run per key (P-compositionality: a store of
 * independent registers is linearizable iff every key is). `ok`
 * operations must take effect between their invocation and completion;
 * `info` ones stay open to the end and may or may not take effect;
 * `fail` ones are dropped. The search is bounded by a count of explored
 * states, so `unknown` is the same on every machine. */
#ifndef CS_HISTORY_H
#define CS_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Input bounds: longer lines and larger files are refused (exit 2). */
#define HISTORY_MAX_LINE   65536
#define HISTORY_MAX_EVENTS 10000000
/* The default of --budget: explored states per key. */
#define HISTORY_DEFAULT_BUDGET 1000000

typedef enum { HIST_INVOKE, HIST_OK, HIST_FAIL, HIST_INFO } hist_type;
typedef enum { HIST_READ, HIST_WRITE, HIST_CAS } hist_f;

/* A register value: an integer, or nil (never written). */
typedef struct hist_val {
    int64_t v;
    bool nil;
} hist_val;

#define HIST_OPEN UINT64_MAX   /* the return of an operation still open */

/* One operation: an invocation and its completion. */
typedef struct hist_op {
    hist_f f;
    hist_type type;            /* HIST_OK, HIST_FAIL or HIST_INFO */
    int64_t key, process;
    hist_val a, b;             /* write: a; cas: a old, b new; read: a the
                                  value read (ok reads only) */
    uint64_t call, ret;        /* event ordinals; ret HIST_OPEN unless ok
                                  or fail */
    int64_t call_index, ret_index;   /* the events' "index" (-1 none) */
    int64_t call_time, ret_time;     /* the events' "time", ns */
    long call_line, ret_line;        /* line numbers (ret_line 0: none) */
    uint64_t ended;            /* the completion's ordinal, info ones too
                                  (HIST_OPEN: none); ret is HIST_OPEN for
                                  info, which stays open to the checker */
    int32_t node;              /* the client's node: index into the
                                  history's nodes, -1 unknown */
} hist_op;

typedef struct history {
    hist_op *ops;
    size_t n, cap;
    uint64_t events;           /* events read (nemesis events included) */
    struct hist__pend *pend;   /* the reader's open operations by process */
    size_t pend_cap, pend_n;
    int wrap;                  /* 1 inside a [ ... ] of the whole history, 2 after */
    char wrap_close;
    char **nodes;              /* node names, owned, interned in order of
                                  first appearance (history_node) */
    size_t nnodes, nodes_cap;
} history;

void history_init(history *h);
/* Frees the operations and the node names. NULL is fine. */
void history_fini(history *h);

/* The index of node name in h->nodes, added (copied) if new. Lookup is
 * linear: a run has a handful of nodes. */
int32_t history_node(history *h, const char *name);

/* Write h as events in real-time order: every operation's invocation at
 * its call ordinal and its completion at its ret ordinal (ended for an
 * info one; no completion line when both are HIST_OPEN, or ended is not
 * after call: an op built by hand should set ended = HIST_OPEN and
 * node = -1 unless known). Events get
 * "index" 0, 1, 2, ... in that order (Jepsen's unique ascending
 * index), "time" the op's call_time / ret_time, "node" when known.
 *   JSON lines: {"index":N,"type":"invoke","f":"write","key":K,
 *               "value":V,"process":P,"time":NS,"node":"a@sim"}
 *     (a cas's value [old,new]; a read's invocation null, its ok the
 *     value read, null for nil; a read's fail or info null);
 *   EDN: {:index 0, :type :invoke, :f :write, :value [K V], :process 0,
 *        :time NS, :node "a@sim"} (Jepsen's independent [k v] tuples, a
 *        cas [k [old new]]).
 * history_read_file reads both back into the same operations (lines,
 * ordinals and indexes renumbered). Returns 0, or -1 if a write to f
 * failed (errno set by stdio). */
int history_write_json(FILE *f, const history *h);
int history_write_edn(FILE *f, const history *h);

/* Reads the history in file path ("-": standard input) into h, which
 * must be initialised. Each line holds JSON objects or EDN maps, usually
 * one (blank lines and EDN ';' comments skipped); the whole history may
 * also be one EDN vector or list of maps, as Knossos reads it. Returns 0, or -1 with err
 * ("FILE:LINE: field "F": message"). */
int history_read_file(const char *path, history *h, char *err, size_t errlen);

/* Reads one more line (no newline, len bytes) into h: line is its number
 * and name the file name for messages. Returns 0 or -1 with err. */
int history_add_line(history *h, const char *name, long line, const char *s,
                     size_t len, char *err, size_t errlen);
/* After the last line: -1 with err if a history opened as one vector
 * ("[{...}") was not closed. */
int history_end(const history *h, const char *name, char *err, size_t errlen);

typedef enum { HIST_REGISTER, HIST_CAS_REGISTER } hist_model;
typedef enum { HIST_LINEARIZABLE, HIST_NOT_LINEARIZABLE, HIST_UNKNOWN } hist_verdict;

/* What history_check found. For HIST_NOT_LINEARIZABLE: the first failing
 * key (ascending), the state the register held at the furthest point
 * the search reached, the operations that had taken effect there, the
 * operation it then failed to complete and the window (indexes into
 * h->ops, by invocation): the failing operation, every operation
 * overlapping it (info ones are open to the end), the last to take
 * effect at the furthest point and the last write or cas completed
 * before the failing one was invoked. For HIST_UNKNOWN:
 * the first key whose search ran out of budget. */
typedef struct hist_result {
    hist_verdict verdict;
    int64_t key;
    uint64_t states;           /* states explored, all keys */
    size_t keys;               /* keys checked */
    hist_val state;
    size_t done;               /* operations of the key taken effect */
    size_t nkey_ops;           /* operations of the key checked */
    size_t last;               /* the last one taken effect, or SIZE_MAX */
    size_t failing;            /* index into h->ops */
    size_t *window;            /* owned: history_result_fini */
    size_t nwindow;
} hist_result;

/* Checks h under model, exploring at most budget states per key.
 * Returns 0 with *r filled, or -1 with err (a cas in a register history).
 * The caller calls history_result_fini(r). */
int history_check(const history *h, hist_model model, uint64_t budget,
                  hist_result *r, char *err, size_t errlen);
void history_result_fini(hist_result *r);

/* Writes one operation as a readable line ("index 7, process 2, write 5:
 * invoked line 8 at 1000 ns, ok line 9 at 2000 ns") into buf. */
void history_op_describe(const hist_op *op, char *buf, size_t n);

#endif
