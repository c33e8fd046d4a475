/* mem: the sparse per-peer map (core/term/imap.h) and the memory bound
 * (core/term/xalloc.h, --max-memory). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include "core/term/imap.h"

Test(imap, finds_what_was_put_and_lists_keys_in_order)
{
    imap m = {0};
    cr_assert_null(imap_find(&m, 0), "an empty map finds nothing");
    /* a scattered insertion order, growing the table several times */
    int order[] = {7, 0, 99999, 3, 42, 1, 65536, 12, 5, 8, 100, 2, 64, 9};
    int n = (int)(sizeof order / sizeof *order);
    for (int i = 0; i < n; i++) {
        void **s = imap_slot(&m, order[i]);
        cr_assert_null(*s, "a new key holds NULL");
        *s = (void *)(intptr_t)(order[i] + 1);
    }
    cr_assert_eq(m.n, (uint32_t)n);
    for (int i = 0; i < n; i++) {
        cr_assert_eq((intptr_t)imap_find(&m, order[i]), order[i] + 1);
        cr_assert_eq((intptr_t)*imap_slot(&m, order[i]), order[i] + 1,
                     "imap_slot of a present key inserts nothing");
    }
    cr_assert_eq(m.n, (uint32_t)n);
    cr_assert_null(imap_find(&m, 4));
    cr_assert_null(imap_find(&m, 65537));
    for (uint32_t i = 1; i < m.n; i++)
        cr_assert_lt(m.keys[i - 1], m.keys[i], "keys increase");
    cr_assert_eq(m.keys[0], 0);
    cr_assert_eq(m.keys[m.n - 1], 99999);
    imap_fini(&m);
    cr_assert_eq(m.n, 0);
    cr_assert_null(imap_find(&m, 7), "a finished map is empty");
}

Test(imap, holds_many_keys)
{
    imap m = {0};
    for (int k = 20000; k-- > 0;)
        *imap_slot(&m, 3 * k) = (void *)(intptr_t)(k + 1);
    cr_assert_eq(m.n, 20000);
    for (int k = 0; k < 20000; k++) {
        cr_assert_eq((intptr_t)imap_find(&m, 3 * k), k + 1);
        cr_assert_null(imap_find(&m, 3 * k + 1));
        cr_assert_eq(m.keys[k], 3 * k);
    }
    imap_fini(&m);
}
