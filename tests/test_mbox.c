/* mbox: the mailbox queue and its saved scan position (core/rt/mbox.h). */
#include <criterion/criterion.h>
#include "core/rt/mbox.h"

static int64_t at_int(mbox_msg **at)
{
    return (*at)->msg->u.i;
}

static void push_ints(mbox *q, int from, int to)
{
    for (int i = from; i <= to; i++) {
        term *t = term_int(i);
        mbox_push(q, t);
        term_unref(t);
    }
}

Test(mbox, keeps_arrival_order_and_takes_from_anywhere)
{
    mbox q;
    mbox_init(&q);
    push_ints(&q, 1, 4);
    cr_assert_eq(q.len, 4);
    mbox_msg **at = &q.head->next;          /* 2 */
    term *two = mbox_take(&q, at);
    cr_assert_eq(two->u.i, 2);
    term_unref(two);
    cr_assert_eq(at_int(at), 3, "the place now holds the next message");
    at = &q.head->next->next;               /* 4, the last */
    term_unref(mbox_take(&q, at));
    cr_assert_eq(q.len, 2);
    push_ints(&q, 5, 5);                    /* the tail followed the take */
    int64_t want[] = {1, 3, 5}, i = 0;
    for (mbox_msg *m = q.head; m; m = m->next)
        cr_assert_eq(m->msg->u.i, want[i++]);
    cr_assert_eq(i, 3);
    mbox_fini(&q);
    cr_assert_eq(q.len, 0);
    cr_assert_null(q.head);
}

Test(mbox, a_wake_up_goes_on_where_the_scan_stopped)
{
    mbox q;
    mbox_init(&q);
    push_ints(&q, 1, 3);
    /* a receive tried all three and took none: the end is saved */
    mbox_msg **at = &q.head;
    while (*at)
        at = &(*at)->next;
    mbox_save(&q, at);
    cr_assert_null(*mbox_cursor(&q));
    push_ints(&q, 4, 4);
    cr_assert_eq(at_int(mbox_cursor(&q)), 4, "only the new message is offered");
    /* taking it rewinds: the next receive starts from the oldest */
    term_unref(mbox_take(&q, mbox_cursor(&q)));
    cr_assert_eq(mbox_cursor(&q), &q.head);
    cr_assert_eq(at_int(mbox_cursor(&q)), 1);
    mbox_fini(&q);
}

Test(mbox, put_back_restores_the_place)
{
    mbox q;
    mbox_init(&q);
    push_ints(&q, 1, 2);
    mbox_msg **at = &q.head->next;
    term *m = mbox_take(&q, at);            /* the last one out... */
    push_ints(&q, 3, 3);                    /* ...a newer one arrives... */
    mbox_put_back(&q, at, m);               /* ...it goes back before it */
    int64_t want[] = {1, 2, 3}, i = 0;
    for (mbox_msg *n = q.head; n; n = n->next)
        cr_assert_eq(n->msg->u.i, want[i++]);
    cr_assert_eq(q.len, 3);
    push_ints(&q, 4, 4);
    cr_assert_eq(q.head->next->next->next->msg->u.i, 4);
    mbox_fini(&q);
}
