/* term_int: what the printer's two files share, and no one else.
 *
 * term_print.c (characters, atoms, floats, leaves, ~w, one-line
 * term_print) defines these; term_pretty.c (the io_lib_pretty port:
 * the tree of widths and line breaking) calls them to build its leaves
 * and to detect strings. core/term.h holds the printer's interface to
 * the rest of the program.
 *
 * Invariants: each function is pure apart from appending to the strbuf
 * it is given; none allocates memory that outlives the call, none
 * depends on locale, pointers or hash order. */
#ifndef CS_TERM_INT_H
#define CS_TERM_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/term/term.h"

/* Decodes one UTF-8 character from s[0..n) as Erlang's <<C/utf8>> matches
 * it (no overlong forms, no surrogates, at most 0x10FFFF) into *cp.
 * Returns its length in bytes, or 0 (and *cp untouched) when s does not
 * start with a valid character. */
size_t term__utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Whether c is printable in a string under the latin1 printable range:
 * io_lib_pretty:printable_char/2, io_lib:printable_latin1_list/1 per
 * element. */
bool term__printable_latin1(int64_t c);

/* Appends code point c as one character of a string or atom quoted with
 * q (io_lib:string_char/4, unicode_as_unicode): q and \ escaped, control
 * characters as \n ... or \OOO, 160 and up as UTF-8. */
void term__string_char(strbuf *b, uint32_t c, char q);

/* Appends an atomic term (integer, float, atom, pid, ref, fun) as
 * io_lib:write/1 writes it, pids and refs numbered through `view` (may be
 * NULL: every node prints as 0). Any other tag is an assertion failure. */
void term__write_atomic(strbuf *b, const term *t, const term_view *view);

#endif
