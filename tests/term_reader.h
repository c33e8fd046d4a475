/* term_reader: the reader of the term tests (defined in test_term.c):
 * Erlang literals plus lists:seq/2, list_to_binary/1, list_to_pid/1,
 * list_to_ref/1, ++ and `fun M:F/A`, read into a term. */
#ifndef CS_TESTS_TERM_READER_H
#define CS_TESTS_TERM_READER_H

#include "core/term/term.h"

/* The term src denotes (a new reference); a Criterion assertion fails on
 * text it cannot read. */
term *rd_term(const char *src);

#endif
