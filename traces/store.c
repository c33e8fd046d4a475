/* store: the SQLite trace store (store.h; schema and example queries in
 * traces/README.md).
 *
 * Invariants:
 * - A database carries PRAGMA application_id TRACE_STORE_APP_ID and
 *   user_version TRACE_STORE_SCHEMA; anything else (another program's
 *   database, a text file, a newer schema) is refused, never written to.
 * - A run's row is inserted and committed with complete = 0 before its
 *   first event; only trace_store_end_run sets complete = 1, in the same
 *   transaction as the run's last events. So a run cut short (a limit, a
 *   crash, Ctrl-C, a write error) is never passed off as complete.
 * - Events of a run get seq 1, 2, 3, ... in emit order: seq is the line
 *   number of the event in the canonical text trace. Every read orders by
 *   seq (STYLE.md 16); debug builds set PRAGMA reverse_unordered_selects
 *   on their read connections so a missing ORDER BY shows up in tests.
 * - Events are written STORE_ROWS at a time with one multi-row INSERT
 *   (the per-statement cost of SQLite's VM dominates single-row inserts:
 *   measured 1.2M events/s single-row, 1.9M multi-row of 32; 128 rows
 *   cut the writer's instructions by another 3.5 %). Their strings are
 *   copied into their chunk's arena on emit, since an event's strings live
 *   only during the call; pending rows are flushed before every commit,
 *   so a commit always holds a prefix of the run.
 * - Strings are bound with SQLITE_STATIC from the arena, which is not
 *   touched between binding and the step, and every text parameter is
 *   rebound before each step (a NULL that was NULL, and the run's id,
 *   are left bound), so SQLite never sees a stale pointer. NULL fields
 *   stay SQL NULL, "" stays '' (the text trace tells them apart).
 * - The SQLite work runs on a writer thread, one per run, fed chunks of
 *   copied events (STORE_CHUNK_ROWS, STORE_CHUNKS of them in a ring)
 *   while the simulation goes on: end to end, a run with --trace took
 *   the simulation's time plus the store's; now about the larger of the
 *   two when a second core is free (bench/store_e2e.sh). The rows, their
 *   order and the commit points are those of a single thread: the event
 *   that ends a batch returns only when the batch is committed, so a
 *   crash still loses at most TRACE_STORE_BATCH events. The connection
 *   is the writer's between begin_run and the end of the run (its
 *   thread is joined before finish_run or close touch it), so it is used
 *   by one thread at a time. Without a thread (pthread_create failed)
 *   chunks are written inline.
 * Write settings, measured with bench/store.c: synchronous = OFF (a trace
 * file is not worth an fsync per batch; an application crash cannot
 * damage the file, an OS crash may lose or damage the newest batches);
 * the default rollback journal (WAL was slower here, and would leave
 * -wal/-shm files next to the database and need a writable directory to
 * read it; journal_mode = OFF was no faster and unsafe); the connection
 * opened NOMUTEX (a store belongs to one thread). */
#include "traces/store.h"

#include <inttypes.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>

/* Messages: a send is seen on the sender (peer = receiver's node); a
 * deliver on the receiver (peer = sender's node, NULL if local); a drop
 * for noproc on the receiver, for noconnection, connection_closed or
 * nonode on the sender (peer = the node it was for, NULL if unknown).
 * msg_id links a send to its deliver or drop (schema 2). */
#define MESSAGES_VIEW \
    "CREATE VIEW messages AS SELECT run_id, seq, t_us, kind," \
    " CASE WHEN kind = 'send' OR (kind = 'drop' AND reason <> 'noproc')" \
    "  THEN node ELSE coalesce(peer, node) END AS src," \
    " CASE WHEN kind = 'send' OR (kind = 'drop' AND reason <> 'noproc')" \
    "  THEN peer ELSE node END AS dst," \
    " dest, term AS msg, reason, msg_id, gdest" \
    " FROM events WHERE kind IN ('send', 'deliver', 'drop');"

/* global_conflict: pid keeps the name (NULL: nobody), dest loses it;
 * gpid, gloser: the same, node-qualified (schema 2). */
#define GLOBAL_NAMES_VIEW \
    "CREATE VIEW global_names AS SELECT run_id, seq, t_us, node, kind, name," \
    " pid, CASE kind WHEN 'global_conflict' THEN dest END AS loser, reason," \
    " gpid, CASE kind WHEN 'global_conflict' THEN gdest END AS gloser" \
    " FROM events WHERE kind IN" \
    " ('global_register', 'global_unregister', 'global_conflict');"

/* Schema 1 -> 2: the message id and the node-qualified pids. Events
 * written by schema 1 keep NULL there. */
static const char migrate_1_2_sql[] =
    "ALTER TABLE events ADD COLUMN msg_id INTEGER;"
    "ALTER TABLE events ADD COLUMN gpid TEXT;"
    "ALTER TABLE events ADD COLUMN gdest TEXT;"
    "DROP VIEW messages;"
    MESSAGES_VIEW
    "DROP VIEW global_names;"
    GLOBAL_NAMES_VIEW;


/* Schema 3: the workload's operations (events invoke, ok, fail, info),
 * one row each, and the CAP checkers' SQL forms (traces/README.md, "The
 * workload's operations"). The writer pairs each completion with its
 * process's open invocation: inv_seq on the completion, ret_seq on the
 * invocation, so op_pairs is a primary-key lookup; written (an invoked
 * write's value, a cas's new one) is indexed, so a read finds the writes
 * of its value at once. The subqueries name their index (INDEXED BY:
 * without ANALYZE statistics SQLite 3.40 picks the primary key's range
 * and turns the views quadratic). stale_reads takes the first ok write
 * completing after the read's source and invoked after it, in seq order,
 * so it scans only the completions of the key between the two. Measured
 * on 100,000 operations: every view in well under a second. */
#define OPS_SQL \
    "CREATE TABLE ops (" \
    " run_id  INTEGER NOT NULL REFERENCES runs(id)," \
    " seq     INTEGER NOT NULL," \
    " t_us    INTEGER NOT NULL," \
    " idx     INTEGER NOT NULL," \
    " type    TEXT NOT NULL CHECK (type IN ('invoke', 'ok', 'fail', 'info'))," \
    " f       TEXT," \
    " key     INTEGER," \
    " value   TEXT," \
    " process INTEGER," \
    " node    TEXT," \
    " reason  TEXT," \
    " pid     TEXT," \
    " inv_seq INTEGER," \
    " ret_seq INTEGER," \
    " written TEXT," \
    " PRIMARY KEY (run_id, seq)) WITHOUT ROWID;" \
    "CREATE INDEX ops_written ON ops (run_id, key, written, seq)" \
    " WHERE written IS NOT NULL;" \
    "CREATE INDEX ops_key ON ops (run_id, key, seq);" \
    "CREATE INDEX ops_reads ON ops (run_id, node, key, seq) WHERE f = 'read';" \
    "CREATE VIEW op_pairs AS SELECT i.run_id, i.idx AS call_idx," \
    " i.seq AS call_seq, i.t_us AS call_us, c.idx AS ret_idx, c.seq AS ret_seq," \
    " c.t_us AS ret_us, c.type, i.f, i.key, i.process, i.node, i.pid," \
    " i.value AS call_value, c.value AS ret_value, c.reason" \
    " FROM ops i LEFT JOIN ops c ON c.run_id = i.run_id AND c.seq = i.ret_seq" \
    " WHERE i.type = 'invoke';" \
    "CREATE VIEW op_writes AS SELECT p.run_id, p.call_idx, p.call_seq," \
    " p.call_us, p.ret_seq, p.ret_us, p.type, p.f, p.key, p.process, p.node," \
    " p.pid, i.written" \
    " FROM op_pairs p JOIN ops i ON i.run_id = p.run_id AND i.seq = p.call_seq" \
    " WHERE p.f IN ('write', 'cas') AND (p.type IS NULL OR p.type <> 'fail');" \
    "CREATE VIEW op_reads AS SELECT p.run_id, p.call_idx, p.call_seq," \
    " p.call_us, p.ret_seq, p.ret_us, p.key, p.process, p.node, p.pid," \
    " p.ret_value AS value," \
    " CASE WHEN p.ret_value = 'undefined' THEN 0 ELSE" \
    "  (SELECT max(CASE WHEN c.type = 'ok' THEN c.seq" \
    "   ELSE 9223372036854775807 END)" \
    "   FROM ops w INDEXED BY ops_written LEFT JOIN ops c" \
    "    ON c.run_id = w.run_id AND c.seq = w.ret_seq" \
    "   WHERE w.run_id = p.run_id AND w.key = p.key" \
    "   AND w.written = p.ret_value AND w.seq < p.ret_seq" \
    "   AND (c.type IS NULL OR c.type <> 'fail')) END" \
    "  AS source_done" \
    " FROM op_pairs p WHERE p.f = 'read' AND p.type = 'ok';" \
    "CREATE VIEW invalid_reads AS SELECT run_id, call_idx, call_seq, call_us," \
    " key, process, node, value FROM op_reads WHERE source_done IS NULL;" \
    "CREATE VIEW stale_reads AS SELECT run_id, call_idx, call_seq, call_us," \
    " key, process, node, value, superseded_us," \
    " call_us - superseded_us AS staleness_us FROM" \
    " (SELECT r.*, (SELECT c.t_us FROM ops c INDEXED BY ops_key" \
    "   WHERE c.run_id = r.run_id AND c.key = r.key" \
    "   AND c.seq > r.source_done AND c.seq < r.call_seq" \
    "   AND c.type = 'ok' AND c.f IN ('write', 'cas')" \
    "   AND c.inv_seq > r.source_done ORDER BY c.seq LIMIT 1)" \
    "  AS superseded_us FROM op_reads r WHERE r.source_done IS NOT NULL)" \
    " WHERE superseded_us IS NOT NULL;" \
    "CREATE VIEW final_reads AS SELECT r.* FROM op_reads r" \
    " WHERE NOT EXISTS (SELECT 1 FROM ops x INDEXED BY ops_reads" \
    "  JOIN ops c ON c.run_id = x.run_id AND c.seq = x.ret_seq" \
    "  WHERE x.run_id = r.run_id AND x.node = r.node AND x.key = r.key" \
    "  AND x.f = 'read' AND x.seq > r.call_seq AND x.type = 'invoke'" \
    "  AND c.type = 'ok');" \
    "CREATE VIEW lost_writes AS SELECT w.run_id, w.call_idx, w.call_seq," \
    " w.call_us, w.ret_us, w.key, w.process, w.node, w.written AS value," \
    " fr.call_seq AS final_seq, fr.node AS final_node," \
    " fr.value AS final_value" \
    " FROM final_reads fr JOIN op_writes w" \
    "  ON w.run_id = fr.run_id AND w.key = fr.key" \
    " WHERE w.type = 'ok' AND fr.source_done IS NOT NULL" \
    " AND w.call_seq > fr.source_done AND w.ret_seq < fr.call_seq;" \
    "CREATE VIEW availability AS SELECT run_id, seq, name AS phase," \
    " reason AS side," \
    " CAST(substr(term, 1, instr(term, '/') - 1) AS INTEGER) AS ok," \
    " CAST(substr(term, instr(term, '/') + 1) AS INTEGER) AS invoked" \
    " FROM events WHERE kind = 'availability';" \
    "CREATE VIEW checkers AS SELECT run_id, seq, name AS checker," \
    " reason AS verdict, text AS summary FROM events WHERE kind = 'checker';"

/* Schema 2 -> 3: the ops table (empty for the runs already there). */
static const char migrate_2_3_sql[] = OPS_SQL;

/* Schema 3 -> 4: what identifies a run across databases (trace merge):
 * the scenario's SHA-256 and swarm mode. Runs written before keep NULL
 * and 0. */
#define RUNS_4_COLUMNS_ALTER \
    "ALTER TABLE runs ADD COLUMN scenario_sha256 TEXT;" \
    "ALTER TABLE runs ADD COLUMN swarm INTEGER NOT NULL DEFAULT 0;"
static const char migrate_3_4_sql[] = RUNS_4_COLUMNS_ALTER;

static const char schema_sql[] =
    "CREATE TABLE runs ("
    " id       INTEGER PRIMARY KEY,"
    " scenario TEXT NOT NULL,"
    " file     TEXT,"
    " seed     INTEGER NOT NULL,"
    " version  TEXT NOT NULL,"
    " hash     TEXT,"
    " outcome  TEXT,"
    " complete INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)),"
    " events   INTEGER NOT NULL DEFAULT 0,"
    " scenario_sha256 TEXT,"
    " swarm    INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE nodes ("
    " run_id INTEGER NOT NULL REFERENCES runs(id),"
    " idx    INTEGER NOT NULL,"
    " name   TEXT NOT NULL,"
    " PRIMARY KEY (run_id, idx)) WITHOUT ROWID;"
    "CREATE TABLE events ("
    " run_id INTEGER NOT NULL REFERENCES runs(id),"
    " seq    INTEGER NOT NULL,"
    " t_us   INTEGER NOT NULL,"
    " node   TEXT,"
    " kind   TEXT NOT NULL,"
    " peer   TEXT,"
    " pid    TEXT,"
    " dest   TEXT,"
    " name   TEXT,"
    " reason TEXT,"
    " term   TEXT,"
    " text   TEXT,"
    " msg_id INTEGER,"
    " gpid   TEXT,"
    " gdest  TEXT,"
    " PRIMARY KEY (run_id, seq)) WITHOUT ROWID;"
    MESSAGES_VIEW
    OPS_SQL
    "CREATE VIEW nodeupdown AS SELECT run_id, seq, t_us, node, peer, kind,"
    " reason, text AS visibility"
    " FROM events WHERE kind IN ('nodeup', 'nodedown');"
    "CREATE VIEW transcript AS SELECT run_id, seq, t_us, node, kind, text"
    " FROM events WHERE kind IN ('eval', 'result', 'output', 'log', 'note')"
    " AND text IS NOT NULL;"
    GLOBAL_NAMES_VIEW;

/* Events per multi-row INSERT (STORE_PARAMS parameters each, far below
 * SQLite's 32766 limit). */
#define STORE_ROWS 128
#define STORE_FIELDS 11  /* node kind peer pid to name reason term text
                          * gpid gdest */
#define STORE_PARAMS (STORE_FIELDS + 4)   /* + run_id seq t_us msg_id */

/* Events per chunk handed to the writer thread, and chunks in its ring:
 * the run is at most STORE_CHUNKS * STORE_CHUNK_ROWS events ahead of the
 * database between two commits. */
#define STORE_CHUNK_ROWS (8 * STORE_ROWS)
#define STORE_CHUNKS 4

/* A pending event: its strings are offsets into its chunk's arena (-1 for
 * NULL) with their lengths. A workload operation's event (op_idx >= 0)
 * also carries what its ops row needs beyond the event's own strings. */
typedef struct pending_row {
    int64_t seq, t;
    uint64_t msg;
    int64_t off[STORE_FIELDS];
    int len[STORE_FIELDS];
    int64_t op_idx;          /* ops.idx, -1: not an operation */
    int64_t key, process, inv;
    bool has_key, has_process;
    int64_t w_off;           /* ops.written: offset into the arena, -1 NULL */
    int w_len;
} pending_row;

/* What an insert statement's parameters hold between steps (null[i]:
 * parameter i + 1 is NULL; run: the run_id bound, 0 none yet). */
typedef struct bindings {
    unsigned char null[STORE_ROWS * STORE_PARAMS];
    int nparams;
    int64_t run;
} bindings;

/* Events on their way to the writer: filled by the run's thread, written
 * by the writer thread; `commit` ends the transaction after them. */
typedef struct chunk {
    pending_row rows[STORE_CHUNK_ROWS];
    int nrows;
    bool commit;
    char *arena;
    size_t alen, acap;
} chunk;

struct trace_store {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *ins_one, *ins_many, *set_count, *ins_op, *set_ret;
    bindings b_one, b_many;  /* what ins_one and ins_many hold */
    int64_t op_idx;          /* the run's next ops.idx */
    int64_t *open_inv;       /* by process: seq of its open invocation, 0 none */
    size_t open_cap;
    bool in_run, in_txn, failed;
    int64_t run_id, seq;
    uint64_t batch;
    char **nodes;            /* the run's node names (gpid, gdest) */
    int nnodes;
    char failmsg[512];
    /* The writer thread (one per run; none if it could not be started,
     * then chunks are written inline). Under mu: head (oldest queued
     * chunk, the one being written), queued, quit, seen_failed. The
     * run's thread fills chunk[(head + queued) % STORE_CHUNKS]; the
     * writer alone touches the connection while it runs. */
    chunk *chunk;            /* STORE_CHUNKS of them */
    chunk *fill;
    pthread_t writer;
    bool writer_on, quit, seen_failed, stop_emit;
    int head, queued;
    pthread_mutex_t mu;
    pthread_cond_t work, done;
};

/* ---- errors ---- */

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int fail_db(char *err, size_t errlen, const char *path, sqlite3 *db,
                   const char *what)
{
    return fail(err, errlen, "%s: %s: %s", path, what,
                db ? sqlite3_errmsg(db) : "out of memory");
}

/* ---- helpers shared by writer and readers ---- */

static int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static int pragma_int(sqlite3 *db, const char *sql, int64_t *v)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

static char *dupstr(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (!d)
        abort();
    return memcpy(d, s, n);
}

/* A better message than SQLite's "unable to open database file" for the
 * usual mistakes. Returns 0 if nothing obvious is wrong. */
static int check_path(const char *path, bool must_exist, char *err,
                      size_t errlen)
{
    struct stat st;
    if (!*path)
        return fail(err, errlen, "trace database: empty path");
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return fail(err, errlen, "%s: is a directory, not a trace "
                        "database", path);
        return 0;
    }
    if (must_exist)
        return fail(err, errlen, "%s: no such file", path);
    /* Not there yet: its directory must be. */
    const char *slash = strrchr(path, '/');
    if (slash && slash != path) {
        char dir[4096];
        size_t n = (size_t)(slash - path);
        if (n >= sizeof dir)
            return fail(err, errlen, "%s: path too long", path);
        memcpy(dir, path, n);
        dir[n] = '\0';
        if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
            return fail(err, errlen, "%s: cannot create: directory %s does "
                        "not exist", path, dir);
    }
    return 0;
}

/* Checks that db is a clustersim trace database (or, if `may_create`, an
 * empty file, which gets the schema). */
static int check_schema(sqlite3 *db, const char *path, bool may_create,
                        char *err, size_t errlen)
{
    int64_t version = 0, app = 0, ntables = 0;
    if (pragma_int(db, "PRAGMA user_version", &version) ||
        pragma_int(db, "PRAGMA application_id", &app) ||
        pragma_int(db, "SELECT count(*) FROM sqlite_schema", &ntables)) {
        if (sqlite3_errcode(db) == SQLITE_NOTADB)
            return fail(err, errlen, "%s: not a trace database (not an "
                        "SQLite file)", path);
        return fail_db(err, errlen, path, db, "cannot read");
    }
    if (ntables == 0 && version == 0 && app == 0) {
        if (!may_create)
            return fail(err, errlen, "%s: empty database, no runs", path);
        char sql[sizeof schema_sql + 128];
        snprintf(sql, sizeof sql,
                 "BEGIN IMMEDIATE; %s PRAGMA application_id = %d;"
                 " PRAGMA user_version = %d; COMMIT;",
                 schema_sql, TRACE_STORE_APP_ID, TRACE_STORE_SCHEMA);
        if (exec(db, sql)) {
            int e = fail_db(err, errlen, path, db, "cannot create schema");
            exec(db, "ROLLBACK");
            return e;
        }
        return 0;
    }
    if (app != TRACE_STORE_APP_ID)
        return fail(err, errlen, "%s: not a clustersim trace database "
                    "(an SQLite file of another program)", path);
    /* Older schemas (1: no msg_id, gpid, gdest; 2: no ops; 3: no
     * scenario_sha256, swarm): a writer brings them up to date, in one
     * transaction; a reader reads them as they are (trace show needs none
     * of it). */
    if (version >= 1 && version < TRACE_STORE_SCHEMA && may_create) {
        char sql[sizeof migrate_1_2_sql + sizeof migrate_2_3_sql +
                 sizeof migrate_3_4_sql + 128];
        snprintf(sql, sizeof sql, "BEGIN IMMEDIATE; %s%s%s PRAGMA user_version"
                 " = %d; COMMIT;", version <= 1 ? migrate_1_2_sql : "",
                 version <= 2 ? migrate_2_3_sql : "", migrate_3_4_sql,
                 TRACE_STORE_SCHEMA);
        if (exec(db, sql)) {
            char what[64];
            snprintf(what, sizeof what, "cannot upgrade schema %d",
                     (int)version);
            int e = fail_db(err, errlen, path, db, what);
            exec(db, "ROLLBACK");
            return e;
        }
        return 0;
    }
    if (version < 1 || version > TRACE_STORE_SCHEMA)
        return fail(err, errlen, "%s: trace database schema version %" PRId64
                    ", this program reads version %d", path, version,
                    TRACE_STORE_SCHEMA);
    return 0;
}

bool trace_store_is_db(const char *path)
{
    static const char magic[16] = "SQLite format 3";
    char head[16];
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    return n == sizeof head && !memcmp(head, magic, sizeof magic);
}

/* ---- writing ---- */

/* INSERT INTO events ... VALUES (12 parameters) x nrows. */
static int prepare_insert(sqlite3 *db, int nrows, sqlite3_stmt **st)
{
    static const char head[] =
        "INSERT INTO events (run_id, seq, t_us, node, kind, peer, pid,"
        " dest, name, reason, term, text, gpid, gdest, msg_id) VALUES ";
    static const char row[] = "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    char sql[sizeof head + STORE_ROWS * sizeof row];
    size_t n = sizeof head - 1;
    memcpy(sql, head, n);
    for (int i = 0; i < nrows; i++) {
        if (i)
            sql[n++] = ',';
        memcpy(sql + n, row, sizeof row - 1);
        n += sizeof row - 1;
    }
    sql[n] = '\0';
    return sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st,
                              NULL) != SQLITE_OK;
}

int trace_store_open(const char *path, trace_store **out, char *err,
                     size_t errlen)
{
    *out = NULL;
    if (check_path(path, false, err, errlen))
        return -1;
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                        SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        int e = fail_db(err, errlen, path, db, "cannot open");
        sqlite3_close(db);
        return e;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, 5000);
    if (sqlite3_db_readonly(db, "main") == 1) {
        sqlite3_close(db);
        return fail(err, errlen, "%s: cannot write: read-only file", path);
    }
    if (check_schema(db, path, true, err, errlen)) {
        sqlite3_close(db);
        return -1;
    }
    if (exec(db, "PRAGMA synchronous = OFF")) {
        fail_db(err, errlen, path, db, "cannot set up");
        sqlite3_close(db);
        return -1;
    }
    trace_store *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->db = db;
    s->path = dupstr(path);
    s->chunk = calloc(STORE_CHUNKS, sizeof *s->chunk);
    if (!s->chunk)
        abort();
    s->fill = &s->chunk[0];
    /* a prepared statement's parameters start NULL */
    memset(s->b_one.null, 1, sizeof s->b_one.null);
    memset(s->b_many.null, 1, sizeof s->b_many.null);
    s->b_one.nparams = STORE_PARAMS;
    s->b_many.nparams = STORE_ROWS * STORE_PARAMS;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->work, NULL);
    pthread_cond_init(&s->done, NULL);
    if (prepare_insert(db, 1, &s->ins_one) ||
        prepare_insert(db, STORE_ROWS, &s->ins_many) ||
        sqlite3_prepare_v3(db, "UPDATE runs SET events = ? WHERE id = ?",
            -1, SQLITE_PREPARE_PERSISTENT, &s->set_count, NULL) != SQLITE_OK ||
        sqlite3_prepare_v3(db, "INSERT INTO ops (run_id, seq, t_us, idx, type, f,"
            " key, value, process, node, reason, pid, inv_seq, written) VALUES"
            " (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, SQLITE_PREPARE_PERSISTENT,
            &s->ins_op, NULL) != SQLITE_OK ||
        sqlite3_prepare_v3(db, "UPDATE ops SET ret_seq = ? WHERE run_id = ? AND"
            " seq = ?", -1, SQLITE_PREPARE_PERSISTENT, &s->set_ret, NULL) != SQLITE_OK) {
        fail_db(err, errlen, path, db, "cannot prepare");
        trace_store_close(s);
        return -1;
    }
    *out = s;
    return 0;
}

/* Records the first write error; later events are ignored and the run's
 * end reports it. */
static void store_failed(trace_store *s, const char *what)
{
    if (s->failed)
        return;
    s->failed = true;
    snprintf(s->failmsg, sizeof s->failmsg, "%s: %s: %s", s->path, what,
             sqlite3_errmsg(s->db));
}

static int update_count(trace_store *s, int64_t seq)
{
    sqlite3_bind_int64(s->set_count, 1, seq);
    sqlite3_bind_int64(s->set_count, 2, s->run_id);
    int rc = sqlite3_step(s->set_count);
    sqlite3_reset(s->set_count);
    return rc == SQLITE_DONE ? 0 : -1;
}

static void writer_start(trace_store *s);

static void free_nodes(trace_store *s)
{
    for (int i = 0; i < s->nnodes; i++)
        free(s->nodes[i]);
    free(s->nodes);
    s->nodes = NULL;
    s->nnodes = 0;
}

int trace_store_begin_run(trace_store *s, const trace_run_meta *m,
                          int64_t *run_id, char *err, size_t errlen)
{
    if (s->in_run)
        return fail(err, errlen, "%s: a run is already being written", s->path);
    sqlite3_stmt *run = NULL, *node = NULL;
    int rc = exec(s->db, "BEGIN IMMEDIATE");
    if (!rc)
        rc = sqlite3_prepare_v2(s->db,
                "INSERT INTO runs (scenario, file, seed, version, complete,"
                " scenario_sha256, swarm) VALUES (?, ?, ?, ?, 0, ?, ?)", -1,
                &run, NULL) != SQLITE_OK;
    if (!rc) {
        sqlite3_bind_text(run, 1, m->scenario ? m->scenario : "", -1,
                          SQLITE_STATIC);
        if (m->file)
            sqlite3_bind_text(run, 2, m->file, -1, SQLITE_STATIC);
        /* The seed's 64 bits as a signed integer (SQLite has no unsigned):
         * seeds above 2^63 - 1 read back negative (README). */
        sqlite3_bind_int64(run, 3, (int64_t)m->seed);
        sqlite3_bind_text(run, 4, m->version ? m->version : "", -1,
                          SQLITE_STATIC);
        if (m->sha256)
            sqlite3_bind_text(run, 5, m->sha256, -1, SQLITE_STATIC);
        sqlite3_bind_int(run, 6, m->swarm);
        rc = sqlite3_step(run) != SQLITE_DONE;
    }
    int64_t id = sqlite3_last_insert_rowid(s->db);
    if (!rc)
        rc = sqlite3_prepare_v2(s->db,
                "INSERT INTO nodes (run_id, idx, name) VALUES (?, ?, ?)", -1,
                &node, NULL) != SQLITE_OK;
    for (int i = 0; !rc && i < m->nnodes; i++) {
        sqlite3_bind_int64(node, 1, id);
        sqlite3_bind_int(node, 2, i);
        sqlite3_bind_text(node, 3, m->nodes[i], -1, SQLITE_STATIC);
        rc = sqlite3_step(node) != SQLITE_DONE;
        sqlite3_reset(node);
    }
    /* The run row is committed on its own, complete = 0, before any
     * event: whatever happens next, it can only look incomplete. */
    if (!rc)
        rc = exec(s->db, "COMMIT; BEGIN");
    if (rc) {
        fail_db(err, errlen, s->path, s->db, "cannot start a run");
        sqlite3_finalize(run);
        sqlite3_finalize(node);
        if (!sqlite3_get_autocommit(s->db))
            exec(s->db, "ROLLBACK");
        return -1;
    }
    sqlite3_finalize(run);
    sqlite3_finalize(node);
    free_nodes(s);
    s->nodes = calloc((size_t)m->nnodes + 1, sizeof *s->nodes);
    if (!s->nodes)
        abort();
    for (int i = 0; i < m->nnodes; i++)
        s->nodes[i] = dupstr(m->nodes[i]);
    s->nnodes = m->nnodes;
    s->in_run = s->in_txn = true;
    s->failed = false;
    s->run_id = id;
    s->seq = 0;
    s->batch = 0;
    s->op_idx = 0;
    if (s->open_cap)
        memset(s->open_inv, 0, s->open_cap * sizeof *s->open_inv);
    writer_start(s);
    if (run_id)
        *run_id = id;
    return 0;
}

/* Copies v into chunk c's arena; returns its offset (*len its length),
 * or -1 for NULL. */
static int64_t arena_put(chunk *c, const char *v, int *len)
{
    if (!v) {
        *len = 0;
        return -1;
    }
    size_t k = strlen(v) + 1;
    if (c->alen + k > c->acap) {
        c->acap = 2 * (c->alen + k) > 65536 ? 2 * (c->alen + k) : 65536;
        c->arena = realloc(c->arena, c->acap);
        if (!c->arena)
            abort();
    }
    memcpy(c->arena + c->alen, v, k);
    int64_t off = (int64_t)c->alen;
    c->alen += k;
    *len = (int)(k - 1);
    return off;
}

/* ---- the writer (runs on the writer thread, or inline without one) ---- */

/* Binds row's event to st's parameters from `base` on. A parameter that
 * is NULL and was NULL (b->null) is left alone, and run_id is bound once
 * per run (b->run): a reset keeps the bindings, and every text parameter
 * is bound afresh, so none points into an arena that moved on. */
static void bind_row(sqlite3_stmt *st, bindings *b, int base,
                     const trace_store *s, const chunk *c,
                     const pending_row *row)
{
    if (b->run != s->run_id) {
        for (int r = 0; r * STORE_PARAMS < b->nparams; r++)
            sqlite3_bind_int64(st, r * STORE_PARAMS + 1, s->run_id);
        b->run = s->run_id;
    }
    sqlite3_bind_int64(st, base + 2, row->seq);
    sqlite3_bind_int64(st, base + 3, row->t);
    unsigned char *isnull = b->null + base + 3;
    for (int f = 0; f < STORE_FIELDS; f++) {
        if (row->off[f] >= 0) {
            sqlite3_bind_text(st, base + 4 + f, c->arena + row->off[f],
                              row->len[f], SQLITE_STATIC);
            isnull[f] = 0;
        } else if (!isnull[f]) {
            sqlite3_bind_null(st, base + 4 + f);
            isnull[f] = 1;
        }
    }
    if (row->msg) {
        sqlite3_bind_int64(st, base + 4 + STORE_FIELDS, (int64_t)row->msg);
        isnull[STORE_FIELDS] = 0;
    } else if (!isnull[STORE_FIELDS]) {
        sqlite3_bind_null(st, base + 4 + STORE_FIELDS);
        isnull[STORE_FIELDS] = 1;
    }
}

static int step_reset(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static void bind_field(sqlite3_stmt *st, int i, const chunk *c,
                       const pending_row *row, int f)
{
    if (row->off[f] < 0)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_text(st, i, c->arena + row->off[f], row->len[f],
                          SQLITE_STATIC);
}

static void bind_int_opt(sqlite3_stmt *st, int i, bool has, int64_t v)
{
    if (has)
        sqlite3_bind_int64(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

/* A workload operation's row in ops (field numbers: node 0, kind 1,
 * pid 3, name 5, reason 6, term 7), and its invocation's ret_seq. */
static int write_op(trace_store *s, const chunk *c, const pending_row *row)
{
    sqlite3_stmt *st = s->ins_op;
    sqlite3_bind_int64(st, 1, s->run_id);
    sqlite3_bind_int64(st, 2, row->seq);
    sqlite3_bind_int64(st, 3, row->t);
    sqlite3_bind_int64(st, 4, row->op_idx);
    bind_field(st, 5, c, row, 1);
    bind_field(st, 6, c, row, 5);
    bind_int_opt(st, 7, row->has_key, row->key);
    bind_field(st, 8, c, row, 7);
    bind_int_opt(st, 9, row->has_process, row->process);
    bind_field(st, 10, c, row, 0);
    bind_field(st, 11, c, row, 6);
    bind_field(st, 12, c, row, 3);
    bind_int_opt(st, 13, row->inv != 0, row->inv);
    if (row->w_off >= 0)
        sqlite3_bind_text(st, 14, c->arena + row->w_off, row->w_len,
                          SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 14);
    if (step_reset(st))
        return -1;
    if (!row->inv)
        return 0;
    sqlite3_bind_int64(s->set_ret, 1, row->seq);
    sqlite3_bind_int64(s->set_ret, 2, s->run_id);
    sqlite3_bind_int64(s->set_ret, 3, row->inv);
    return step_reset(s->set_ret);
}

/* Writes chunk c: its operations, then its events, STORE_ROWS at a time
 * with the multi-row INSERT and the rest one by one; with c->commit,
 * records the count and commits. */
static void write_chunk(trace_store *s, chunk *c)
{
    int n = c->nrows;
    for (int r = 0; r < n && !s->failed; r++)
        if (c->rows[r].op_idx >= 0 && write_op(s, c, &c->rows[r]))
            store_failed(s, "cannot write an operation");
    int r = 0;
    for (; r + STORE_ROWS <= n && !s->failed; r += STORE_ROWS) {
        for (int i = 0; i < STORE_ROWS; i++)
            bind_row(s->ins_many, &s->b_many, i * STORE_PARAMS, s, c,
                     &c->rows[r + i]);
        if (step_reset(s->ins_many))
            store_failed(s, "cannot write events");
    }
    for (; r < n && !s->failed; r++) {
        bind_row(s->ins_one, &s->b_one, 0, s, c, &c->rows[r]);
        if (step_reset(s->ins_one))
            store_failed(s, "cannot write events");
    }
    if (c->commit && !s->failed && n &&
        (update_count(s, c->rows[n - 1].seq) || exec(s->db, "COMMIT; BEGIN")))
        store_failed(s, "cannot commit");
}

static void *writer_main(void *arg)
{
    trace_store *s = arg;
    /* Signals go to the run's thread (cli/run.c's SIGINT handling). */
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    pthread_mutex_lock(&s->mu);
    for (;;) {
        while (!s->queued && !s->quit)
            pthread_cond_wait(&s->work, &s->mu);
        if (!s->queued)
            break;
        chunk *c = &s->chunk[s->head];
        pthread_mutex_unlock(&s->mu);
        write_chunk(s, c);
        pthread_mutex_lock(&s->mu);
        s->seen_failed = s->failed;
        s->head = (s->head + 1) % STORE_CHUNKS;
        s->queued--;
        pthread_cond_signal(&s->done);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

/* ---- handing events over (the run's thread) ---- */

/* Starts the run's writer; without a thread, chunks are written inline. */
static void writer_start(trace_store *s)
{
    s->head = s->queued = 0;
    s->quit = s->seen_failed = s->stop_emit = false;
    s->fill = &s->chunk[0];
    s->fill->nrows = 0;
    s->fill->alen = 0;
    s->writer_on = pthread_create(&s->writer, NULL, writer_main, s) == 0;
}

/* Hands the filled chunk to the writer. With `commit`, waits until it is
 * written and committed (so a commit is on disk when the event that ends
 * a batch returns, as without a thread); otherwise waits only for a free
 * chunk. */
static void hand_over(trace_store *s, bool commit)
{
    chunk *c = s->fill;
    c->commit = commit;
    if (!s->writer_on) {
        write_chunk(s, c);
        s->stop_emit = s->failed;
    } else {
        pthread_mutex_lock(&s->mu);
        s->queued++;
        pthread_cond_signal(&s->work);
        while (commit ? s->queued > 0 : s->queued == STORE_CHUNKS)
            pthread_cond_wait(&s->done, &s->mu);
        s->stop_emit = s->seen_failed;
        c = &s->chunk[(s->head + s->queued) % STORE_CHUNKS];
        pthread_mutex_unlock(&s->mu);
    }
    c->nrows = 0;
    c->alen = 0;
    s->fill = c;
}

/* Writes what is pending (no commit) and ends the writer thread: the
 * connection is the caller's again. */
static void writer_stop(trace_store *s)
{
    if (s->fill->nrows)
        hand_over(s, false);
    if (!s->writer_on)
        return;
    pthread_mutex_lock(&s->mu);
    s->quit = true;
    pthread_cond_signal(&s->work);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->writer, NULL);
    s->writer_on = false;
}

/* Flushes, records the count and commits; with `reopen`, starts the next
 * transaction. The writer thread is stopped (the caller's connection). */
static int commit_batch(trace_store *s, bool reopen)
{
    s->batch = 0;
    if (s->failed)
        return -1;
    if (update_count(s, s->seq) || exec(s->db, reopen ? "COMMIT; BEGIN" : "COMMIT")) {
        store_failed(s, "cannot commit");
        return -1;
    }
    return 0;
}

/* A pid as the event's node prints it ("<2.88.0>": node 2 of the run's
 * list, counted from 1; "<0.88.0>": the event's own node) qualified by
 * its node: "bob@sim/<0.88.0>", the same text on every node, so pids
 * join across nodes. Into the arena; -1 (NULL) when v is not a pid or
 * its node is not known. */
static int64_t qualify_pid(const trace_store *s, chunk *c, const char *node,
                           const char *v, int *len)
{
    /* <N.A.B>: three runs of digits (parsed by hand: this runs for
     * every event, and sscanf halved the store's write rate) */
    *len = 0;
    if (!v || v[0] != '<')
        return -1;
    const char *p = v + 1, *rest = NULL;
    unsigned long n = 0;
    for (int part = 0; part < 3; part++) {
        const char *d = p;
        while (*p >= '0' && *p <= '9') {
            if (part == 0 && n < 1000000)
                n = n * 10 + (unsigned long)(*p - '0');
            p++;
        }
        if (p == d || p - d > 10 || *p != (part < 2 ? '.' : '>'))
            return -1;
        if (part == 0)
            rest = p;   /* ".A.B>" */
        p++;
    }
    if (*p)
        return -1;
    const char *owner = n == 0 ? node
                      : n <= (unsigned long)s->nnodes ? s->nodes[n - 1] : NULL;
    if (!owner)
        return -1;
    size_t lo = strlen(owner), lr = (size_t)(p - rest);
    char buf[320];
    if (lo + lr + 4 > sizeof buf)
        return -1;
    memcpy(buf, owner, lo);
    memcpy(buf + lo, "/<0", 3);
    memcpy(buf + lo + 3, rest, lr);
    buf[lo + 3 + lr] = '\0';
    return arena_put(c, buf, len);
}

/* The integer after `word ` in text ("process 3, key 1"); false if none. */
static bool text_int(const char *text, const char *word, int64_t *out)
{
    size_t n = strlen(word);
    for (const char *p = text; p && (p = strstr(p, word)); p += n) {
        if ((p != text && p[-1] != ' ' && p[-1] != ',') || p[n] != ' ')
            continue;
        char *end;
        const char *d = p + n + 1;
        if (!((*d >= '0' && *d <= '9') || (*d == '-' && d[1] >= '0' && d[1] <= '9')))
            continue;
        long long v = strtoll(d, &end, 10);
        *out = v;
        return true;
    }
    return false;
}

/* The slot of process p's open invocation, grown as needed; NULL for a
 * process outside [0, 2^20) (its completions are then not paired). */
static int64_t *open_slot(trace_store *s, int64_t p)
{
    if (p < 0 || p >= (1 << 20))
        return NULL;
    if ((size_t)p >= s->open_cap) {
        size_t cap = s->open_cap ? s->open_cap : 64;
        while (cap <= (size_t)p)
            cap *= 2;
        s->open_inv = realloc(s->open_inv, cap * sizeof *s->open_inv);
        if (!s->open_inv)
            abort();
        memset(s->open_inv + s->open_cap, 0, (cap - s->open_cap) * sizeof *s->open_inv);
        s->open_cap = cap;
    }
    return &s->open_inv[p];
}

/* What a workload operation's event (invoke, ok, fail, info) adds for its
 * ops row, written with the event's chunk (so a commit holds it with its
 * event). */
static void pend_op(trace_store *s, const sim_obs_event *ev, pending_row *row)
{
    int64_t key = 0, process = 0;
    bool has_key = ev->text && text_int(ev->text, "key", &key);
    bool has_process = ev->text && text_int(ev->text, "process", &process);
    bool invoke = !strcmp(ev->kind, "invoke");
    int64_t *slot = has_process ? open_slot(s, process) : NULL, inv = 0;
    if (slot) {
        inv = invoke ? 0 : *slot;
        *slot = invoke ? row->seq : 0;
    }
    row->op_idx = s->op_idx++;
    row->key = key;
    row->has_key = has_key;
    row->process = process;
    row->has_process = has_process;
    row->inv = inv;
    /* written: what an invoked write or cas writes (a cas's new value),
     * a piece of the term already in the arena (field 7) */
    const char *w = NULL;
    size_t wn = 0;
    if (invoke && ev->name && ev->term && !strcmp(ev->name, "write")) {
        w = ev->term;
        wn = strlen(w);
    } else if (invoke && ev->name && ev->term && !strcmp(ev->name, "cas")) {
        const char *comma = strrchr(ev->term, ',');
        if (comma) {
            w = comma + 1;
            while (*w == ' ')
                w++;
            wn = strlen(w);
            while (wn && (w[wn - 1] == ']' || w[wn - 1] == ' '))
                wn--;
        }
    }
    row->w_off = w ? row->off[7] + (w - ev->term) : -1;
    row->w_len = (int)wn;
}

static bool is_op_kind(const char *k)
{
    return !strcmp(k, "invoke") || !strcmp(k, "ok") || !strcmp(k, "fail")
           || !strcmp(k, "info");
}

static void store_emit(void *ctx, const sim_obs_event *ev)
{
    trace_store *s = ctx;
    if (!s->in_run || s->stop_emit)
        return;
    chunk *c = s->fill;
    pending_row *row = &c->rows[c->nrows++];
    row->seq = ++s->seq;
    row->t = ev->t;
    row->msg = ev->msg;
    const char *f[STORE_FIELDS - 2] = {ev->node, ev->kind, ev->peer, ev->pid,
                                       ev->to, ev->name, ev->reason, ev->term,
                                       ev->text};
    for (int i = 0; i < STORE_FIELDS - 2; i++)
        row->off[i] = arena_put(c, f[i], &row->len[i]);
    row->off[STORE_FIELDS - 2] = qualify_pid(s, c, ev->node, ev->pid,
                                             &row->len[STORE_FIELDS - 2]);
    row->off[STORE_FIELDS - 1] = qualify_pid(s, c, ev->node, ev->to,
                                             &row->len[STORE_FIELDS - 1]);
    row->op_idx = -1;
    if (ev->kind && is_op_kind(ev->kind))
        pend_op(s, ev, row);
    if (++s->batch >= TRACE_STORE_BATCH) {
        s->batch = 0;
        hand_over(s, true);
    } else if (c->nrows == STORE_CHUNK_ROWS) {
        hand_over(s, false);
    }
}

sim_observer trace_store_observer(trace_store *s)
{
    sim_observer o = {store_emit, s};
    return o;
}

static void bind_opt(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

/* Finishes the current run: complete = 1 with hash and outcome, or (hash
 * NULL) complete = 0 with outcome only; then commits. */
static int finish_run(trace_store *s, const char *hash, const char *outcome,
                      char *err, size_t errlen)
{
    if (!s->in_run)
        return fail(err, errlen, "%s: no run is being written", s->path);
    s->in_run = false;
    writer_stop(s);
    sqlite3_stmt *st = NULL;
    int rc = s->failed;
    if (!rc)
        rc = sqlite3_prepare_v2(s->db,
                "UPDATE runs SET hash = ?, outcome = ?, complete = ?,"
                " events = ? WHERE id = ?", -1, &st, NULL) != SQLITE_OK;
    if (!rc) {
        bind_opt(st, 1, hash);
        bind_opt(st, 2, outcome);
        sqlite3_bind_int(st, 3, hash != NULL);
        sqlite3_bind_int64(st, 4, s->seq);
        sqlite3_bind_int64(st, 5, s->run_id);
        rc = sqlite3_step(st) != SQLITE_DONE;
    }
    sqlite3_finalize(st);
    if (!rc)
        rc = exec(s->db, "COMMIT");
    if (!rc) {
        s->in_txn = false;
        return 0;
    }
    if (!s->failed)
        store_failed(s, "cannot end the run");
    /* What was committed stays, marked incomplete; the rest is lost. */
    if (!sqlite3_get_autocommit(s->db))
        exec(s->db, "ROLLBACK");
    s->in_txn = false;
    return fail(err, errlen, "%s", s->failmsg);
}

int trace_store_end_run(trace_store *s, uint64_t hash, const char *outcome,
                        char *err, size_t errlen)
{
    char hex[32];
    snprintf(hex, sizeof hex, "%016" PRIx64, hash);
    return finish_run(s, hex, outcome, err, errlen);
}

int trace_store_stop_run(trace_store *s, const char *outcome, char *err,
                         size_t errlen)
{
    return finish_run(s, NULL, outcome, err, errlen);
}

void trace_store_close(trace_store *s)
{
    if (!s)
        return;
    if (s->in_run)
        writer_stop(s);
    if (s->in_txn) {
        /* A run never ended: keep its events, complete stays 0. */
        if (!s->in_run || commit_batch(s, false))
            exec(s->db, "ROLLBACK");
    }
    sqlite3_finalize(s->ins_one);
    sqlite3_finalize(s->ins_many);
    sqlite3_finalize(s->set_count);
    sqlite3_finalize(s->ins_op);
    sqlite3_finalize(s->set_ret);
    sqlite3_close(s->db);
    free(s->open_inv);
    free_nodes(s);
    for (int i = 0; s->chunk && i < STORE_CHUNKS; i++)
        free(s->chunk[i].arena);
    free(s->chunk);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->done);
    pthread_cond_destroy(&s->work);
    free(s->path);
    free(s);
}

/* ---- reading ---- */

struct trace_store_cursor {
    sqlite3 *db;
    sqlite3_stmt *st;
    char *path;
};

static void copy_col(char *dst, size_t n, sqlite3_stmt *st, int col)
{
    const unsigned char *v = sqlite3_column_text(st, col);
    snprintf(dst, n, "%s", v ? (const char *)v : "");
}

/* Opens path for reading and checks its schema. */
static int open_read(const char *path, sqlite3 **out, char *err,
                     size_t errlen)
{
    *out = NULL;
    if (check_path(path, true, err, errlen))
        return -1;
    sqlite3 *db = NULL;
    /* READWRITE without CREATE: SQLite falls back to read-only for a
     * write-protected file, and can roll back a crashed writer's journal
     * otherwise. Nothing here writes. */
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        int e = fail_db(err, errlen, path, db, "cannot open");
        sqlite3_close(db);
        return e;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, 5000);
    if (check_schema(db, path, false, err, errlen)) {
        sqlite3_close(db);
        return -1;
    }
#ifndef NDEBUG
    exec(db, "PRAGMA reverse_unordered_selects = ON");
#endif
    *out = db;
    return 0;
}

/* Reads run_id's row (-1: the newest) into *info. */
static int read_info(sqlite3 *db, const char *path, int64_t run_id,
                     trace_run_info *info, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    const char *sql = run_id < 0
        ? "SELECT id, scenario, file, seed, version, hash, outcome, complete,"
          " events FROM runs ORDER BY id DESC LIMIT 1"
        : "SELECT id, scenario, file, seed, version, hash, outcome, complete,"
          " events FROM runs WHERE id = ?";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return fail_db(err, errlen, path, db, "cannot read runs");
    if (run_id >= 0)
        sqlite3_bind_int64(st, 1, run_id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return fail_db(err, errlen, path, db, "cannot read runs");
        if (run_id < 0)
            return fail(err, errlen, "%s: holds no runs", path);
        int64_t lo = 0, hi = 0;
        if (pragma_int(db, "SELECT min(id) FROM runs", &lo) ||
            pragma_int(db, "SELECT max(id) FROM runs", &hi) || !hi)
            return fail(err, errlen, "%s: no run with id %" PRId64 " (it "
                        "holds no runs)", path, run_id);
        return fail(err, errlen, "%s: no run with id %" PRId64 " (ids %"
                    PRId64 " to %" PRId64 ")", path, run_id, lo, hi);
    }
    memset(info, 0, sizeof *info);
    info->id = sqlite3_column_int64(st, 0);
    copy_col(info->scenario, sizeof info->scenario, st, 1);
    copy_col(info->file, sizeof info->file, st, 2);
    info->seed = (uint64_t)sqlite3_column_int64(st, 3);
    copy_col(info->version, sizeof info->version, st, 4);
    copy_col(info->hash, sizeof info->hash, st, 5);
    copy_col(info->outcome, sizeof info->outcome, st, 6);
    info->complete = sqlite3_column_int(st, 7) != 0;
    info->events = sqlite3_column_int64(st, 8);
    sqlite3_finalize(st);
    return 0;
}

int trace_store_run_info(const char *path, int64_t run_id,
                         trace_run_info *info, char *err, size_t errlen)
{
    sqlite3 *db;
    if (open_read(path, &db, err, errlen))
        return -1;
    int rc = read_info(db, path, run_id, info, err, errlen);
    sqlite3_close(db);
    return rc;
}

int trace_store_cursor_open(const char *path, int64_t run_id,
                            trace_store_cursor **out, trace_run_info *info,
                            char *err, size_t errlen)
{
    *out = NULL;
    sqlite3 *db;
    if (open_read(path, &db, err, errlen))
        return -1;
    trace_run_info local;
    if (!info)
        info = &local;
    sqlite3_stmt *st = NULL;
    if (read_info(db, path, run_id, info, err, errlen)) {
        sqlite3_close(db);
        return -1;
    }
    if (sqlite3_prepare_v2(db,
            "SELECT t_us, node, kind, peer, pid, dest, name, reason, term,"
            " text FROM events WHERE run_id = ? ORDER BY seq", -1, &st,
            NULL) != SQLITE_OK) {
        fail_db(err, errlen, path, db, "cannot read events");
        sqlite3_close(db);
        return -1;
    }
    sqlite3_bind_int64(st, 1, info->id);
    trace_store_cursor *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    c->db = db;
    c->st = st;
    c->path = dupstr(path);
    *out = c;
    return 0;
}

static const char *col(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

int trace_store_cursor_next(trace_store_cursor *c, sim_obs_event *ev,
                            char *err, size_t errlen)
{
    int rc = sqlite3_step(c->st);
    if (rc == SQLITE_DONE)
        return 0;
    if (rc != SQLITE_ROW)
        return fail_db(err, errlen, c->path, c->db, "cannot read events");
    memset(ev, 0, sizeof *ev);
    ev->t = sqlite3_column_int64(c->st, 0);
    ev->node = col(c->st, 1);
    ev->kind = col(c->st, 2);
    ev->peer = col(c->st, 3);
    ev->pid = col(c->st, 4);
    ev->to = col(c->st, 5);
    ev->name = col(c->st, 6);
    ev->reason = col(c->st, 7);
    ev->term = col(c->st, 8);
    ev->text = col(c->st, 9);
    if (!ev->kind)
        return fail(err, errlen, "%s: event without a kind", c->path);
    return 1;
}

void trace_store_cursor_close(trace_store_cursor *c)
{
    if (!c)
        return;
    sqlite3_finalize(c->st);
    sqlite3_close(c->db);
    free(c->path);
    free(c);
}

int trace_store_read(const char *path, int64_t run_id,
                     void (*fn)(void *ctx, const sim_obs_event *ev),
                     void *ctx, int64_t *run_id_out, char *err, size_t errlen)
{
    trace_store_cursor *c;
    trace_run_info info;
    if (trace_store_cursor_open(path, run_id, &c, &info, err, errlen))
        return -1;
    if (run_id_out)
        *run_id_out = info.id;
    sim_obs_event ev;
    int rc;
    while ((rc = trace_store_cursor_next(c, &ev, err, errlen)) == 1)
        fn(ctx, &ev);
    trace_store_cursor_close(c);
    return rc < 0 ? -1 : 0;
}
