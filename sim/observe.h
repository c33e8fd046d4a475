/* observe: the hook through which the simulation shows what it does.
 *
 * sim/ declares it and traces/ implements it (text trace, SQLite, checks,
 * the shell transcript), so dependencies point down. An event is a plain
 * record of borrowed strings valid only during the call; every field but
 * `kind` may be NULL. The field set is the trace's (traces/README.md). */
#ifndef CS_OBSERVE_H
#define CS_OBSERVE_H

#include <stdint.h>

typedef struct sim_obs_event {
    int64_t t;           /* virtual microseconds, set by sim_emit */
    const char *node;    /* where it happened: full node name, or NULL */
    const char *kind;    /* "boot", "send", "nodedown", ... */
    const char *peer;    /* the other node it concerns */
    const char *pid;     /* the acting process */
    const char *to;      /* a destination: pid, name or {Name,Node} */
    const char *name;    /* a registered or global name */
    const char *term;    /* a message, value or pattern, as Erlang prints it */
    const char *reason;  /* an exit or failure reason */
    const char *text;    /* free text: eval source, output, note, log line */
    /* send, deliver, drop: the message's id, shared by its send and its
     * deliver or drop (1, 2, ... in the order messages are sent); 0 for
     * other kinds. Not part of the text trace (the store keeps it). */
    uint64_t msg;
} sim_obs_event;

typedef struct sim_observer {
    void (*emit)(void *ctx, const sim_obs_event *ev);
    void *ctx;
} sim_observer;

#endif
