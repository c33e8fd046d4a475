/* mbox: see mbox.h. Invariants: len counts the list; *tail is NULL and
 * is the last link (tail == &head when empty); save is NULL or a link of
 * the list (&head, a message's next, or tail). */
#include "core/rt/mbox.h"

#include <stdlib.h>
#include "core/term/xalloc.h"

void mbox_init(mbox *q)
{
    q->head = NULL;
    q->tail = &q->head;
    q->save = NULL;
    q->len = 0;
}

void mbox_fini(mbox *q)
{
    while (q->head) {
        mbox_msg *n = q->head;
        q->head = n->next;
        term_unref(n->msg);
        free(n);
    }
    mbox_init(q);
}

void mbox_push(mbox *q, term *msg)
{
    mbox_msg *n = xmalloc(sizeof *n);
    n->msg = term_ref(msg);
    n->next = NULL;
    *q->tail = n;
    q->tail = &n->next;
    q->len++;
}

mbox_msg **mbox_cursor(mbox *q)
{
    return q->save ? q->save : &q->head;
}

void mbox_save(mbox *q, mbox_msg **at)
{
    q->save = at;
}

void mbox_rewind(mbox *q)
{
    q->save = NULL;
}

term *mbox_take(mbox *q, mbox_msg **at)
{
    mbox_msg *n = *at;
    term *msg = n->msg;
    *at = n->next;
    if (q->tail == &n->next)
        q->tail = at;
    free(n);
    q->len--;
    q->save = NULL;
    return msg;
}

void mbox_put_back(mbox *q, mbox_msg **at, term *msg)
{
    mbox_msg *n = xmalloc(sizeof *n);
    n->msg = msg;
    n->next = *at;
    *at = n;
    if (q->tail == at)
        q->tail = &n->next;
    q->len++;
}
