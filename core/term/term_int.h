/* term_int: what the printer's files share, and no one else.
 *
 * term_print.c (characters, atoms, floats, leaves, ~w, one-line
 * term_print) defines the first three, and term.h's term_utf8_decode;
 * term_pretty.c (the io_lib_pretty port: the tree of widths) calls them
 * to build its leaves and to detect strings, and term_break.c writes that tree out. core/term/term.h
 * holds the printer's interface to the rest of the program.
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
/* The slot where atom a's printed text is kept once made (NULL until
 * then), for the program's life like the atom. */
char **term__atom_printed(atom_t a);

/* ---- io_lib_pretty's intermediate tree (term_pretty.c builds it) ---- */

typedef enum pn_kind {
    PN_LEAF,    /* {Chars, Len, _, _}: text that is never broken */
    PN_DOTS,    /* {dots, 3, 3, More}: "..." ending a cut sequence */
    PN_BIN,     /* {{bin, S}, ...}: <<1,2,3>>, breakable between bytes */
    PN_LIST,    /* {{list, L}, ...} */
    PN_TUPLE,   /* {{tuple, IsTagged, L}, ...} */
    PN_MAP,     /* {{map, Pairs}, ...} */
    PN_PAIR     /* {{map_pair, K, V}, ...}: el[0] => el[1] */
} pn_kind;

typedef struct pn pn;
struct pn {
    pn_kind kind;
    int len;            /* printed width in characters */
    bool tagged;        /* PN_TUPLE: an atom first and more than 1 element */
    char *text;         /* PN_LEAF: UTF-8 text */
    size_t tlen;
    char **segs;        /* PN_BIN: the byte texts, the last maybe "..." */
    int nsegs;
    pn **el;            /* PN_LIST/TUPLE/MAP elements, PN_PAIR key, value */
    int n;
    pn *tail;           /* NULL (proper end), a PN_DOTS, or (PN_LIST) an
                         * improper tail */
};

/* Appends x on one line (io_lib_pretty:write/1); term_break.c. */
void term__write_pn(strbuf *b, const pn *x);
/* Appends x broken over lines of length ll holding at most m characters
 * of term, starting at column col (io_lib_pretty:pp/8 after cind/7);
 * term_break.c. */
void term__pp(strbuf *b, const pn *x, int col, int ll, int m);

#endif
