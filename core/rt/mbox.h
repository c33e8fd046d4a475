/* mbox: a process's mailbox, a FIFO queue with the saved scan position of
 * selective receive (as BEAM keeps one per process: erts's msgq save
 * pointer). Messages are kept in arrival order in a singly linked list;
 * `save` marks the first message the waiting receive has not tried yet,
 * so a wake-up offers only what arrived since, and taking a message out
 * costs no memmove. Taking a message resets the position to the oldest
 * message: the next receive starts from the head, as in Erlang.
 *
 * A position is the address of a link (&head, or a message's `next`); it
 * stays valid while no message before it is taken out. */
#ifndef CS_MBOX_H
#define CS_MBOX_H

#include <stdint.h>
#include "core/term/term.h"

typedef struct mbox_msg {
    term *msg;                 /* owned */
    struct mbox_msg *next;
} mbox_msg;

typedef struct mbox {
    mbox_msg *head;
    mbox_msg **tail;           /* the link a new message goes into */
    mbox_msg **save;           /* first untried message's link; NULL: &head */
    uint32_t len;
} mbox;

void mbox_init(mbox *q);
/* Drops every message (unreferencing them). */
void mbox_fini(mbox *q);
/* Appends msg (a new reference taken). */
void mbox_push(mbox *q, term *msg);
/* Where the waiting receive goes on: the saved position, or the head. */
mbox_msg **mbox_cursor(mbox *q);
/* Saves `at` as the first message the waiting receive has not tried. */
void mbox_save(mbox *q, mbox_msg **at);
/* Forgets the saved position: the next scan starts from the oldest. */
void mbox_rewind(mbox *q);
/* Takes out the message at `at` (which must hold one) and returns it,
 * owned by the caller; `at` then holds the message after it. Rewinds. */
term *mbox_take(mbox *q, mbox_msg **at);
/* Puts msg (ownership taken) back at `at`, before what `at` holds now. */
void mbox_put_back(mbox *q, mbox_msg **at, term *msg);

#endif
