/* sim: the discrete-event engine. A virtual clock, an event queue ordered
 * by (time, insertion seq), cancellable timers and a run loop.
 *
 * It knows nothing of Erlang: an event is a function pointer with a
 * context and one integer argument. It does no I/O: what is observable
 * leaves through the observer hook (sim/observe.h), which traces/
 * implements. Several simulations may live in one process: all state
 * hangs off the `sim` object. */
#ifndef CS_SIM_H
#define CS_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sim/observe.h"

typedef struct sim sim;

/* An event handler. Runs with sim_now() == the event's time. */
typedef void (*sim_fn)(sim *s, void *ctx, uint64_t arg);

/* A timer handle: a pool slot and the generation it was scheduled in, so
 * a fired, cancelled or reused slot is never confused with a live one
 * (STYLE.md 4). The zero handle is never a live timer. */
typedef struct sim_timer {
    uint32_t slot, gen;
} sim_timer;

/* Why sim_run returned. */
typedef enum sim_stop {
    SIM_EMPTY,   /* no events remain */
    SIM_UNTIL,   /* the next event lies after `until` */
    SIM_BUDGET,  /* the event budget ran out */
    SIM_HALTED   /* a handler called sim_halt */
} sim_stop;

/* A new simulation at time 0 with an empty queue. Caller frees. */
sim *sim_new(void);
void sim_free(sim *s);  /* NULL is fine; pending events are dropped */

int64_t sim_now(const sim *s);

/* Schedules fn(ctx, arg) at absolute time `t` (asserts t >= now).
 * Events at equal times run in the order they were scheduled. */
sim_timer sim_at(sim *s, int64_t t, sim_fn fn, void *ctx, uint64_t arg);
/* Same, `dt` (>= 0) microseconds from now. */
sim_timer sim_after(sim *s, int64_t dt, sim_fn fn, void *ctx, uint64_t arg);

/* Cancels a pending timer in O(1) amortized. Returns true if it was pending;
 * false for a fired, cancelled or zero handle. */
bool sim_cancel(sim *s, sim_timer t);
bool sim_pending(const sim *s, sim_timer t);
/* Time a pending timer will fire at, or -1. */
int64_t sim_due(const sim *s, sim_timer t);

/* Number of pending events. */
size_t sim_queued(const sim *s);
/* Number of events run since sim_new. */
uint64_t sim_events_run(const sim *s);

/* Runs events in (time, seq) order while their time is <= `until` and
 * fewer than `budget` events have run in this call (0: no budget). When
 * it stops for SIM_UNTIL or SIM_EMPTY the clock is advanced to `until`,
 * unless `until` is INT64_MAX (run dry: the clock stays at the last
 * event). */
sim_stop sim_run(sim *s, int64_t until, uint64_t budget);

/* Asks the running sim_run to return SIM_HALTED after this event. */
void sim_halt(sim *s);

/* The observer that receives trace events (NULL: none). Borrowed. */
void sim_set_observer(sim *s, const sim_observer *obs);
/* Emits `ev` to the observer with ev->t set to now. */
void sim_emit(sim *s, sim_obs_event *ev);

#endif
