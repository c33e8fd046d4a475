/* jsonpos: positions in raw JSON text, for the scenario loader's messages.
 *
 * cJSON builds the tree but forgets where things were, accepts some text
 * RFC 8259 forbids (raw control characters, bad UTF-8, leading zeros,
 * "\u0000" that silently truncates a string) and reports a syntax error
 * only as a byte. This module works on the raw bytes: jp_validate is a
 * strict syntax check that names what was expected, and the walkers map a
 * path of member/element ordinals back to the byte where a value (or a
 * key) starts.
 *
 * The walkers assume text that jp_validate accepted; on anything else they
 * stay in bounds and return the best position they reached, never fail.
 * Offsets are byte offsets into the text; JP_NONE means "no such value".
 * Nothing here allocates. */
#ifndef CS_JSONPOS_H
#define CS_JSONPOS_H

#include <stdbool.h>
#include <stddef.h>

#define JP_NONE ((size_t)-1)

/* Deepest nesting jp_validate accepts (scenarios need about six). */
#define JP_MAX_DEPTH 100

/* One step of a path: the n-th member (0-based, in text order) of an
 * object, or the n-th element of an array. */
typedef struct jp_seg {
    int n;
    bool member;
} jp_seg;

/* Checks that s[0..len) holds exactly one JSON value (RFC 8259, an
 * optional UTF-8 byte order mark first). Beyond the RFC it rejects "\u0000"
 * and numbers longer than 63 bytes (cJSON cannot hold either) and nesting
 * deeper than JP_MAX_DEPTH. Returns 0, or -1 with *off the offending byte
 * and a one-line message (no position) in msg[0..msgsz). */
int jp_validate(const char *s, size_t len, size_t *off, char *msg,
                size_t msgsz);

/* Offset of the top-level value (after the BOM and white space). */
size_t jp_root(const char *s, size_t len);

/* Offset just past the value starting at `off`. */
size_t jp_value_end(const char *s, size_t len, size_t off);

/* Follows `path` (n segments) from the value at `from` and returns the
 * offset of the value reached or, if `key` is set, of the last member's
 * key. Best effort: a segment that does not match stops the walk at the
 * container it was looking in. */
size_t jp_locate(const char *s, size_t len, size_t from, const jp_seg *path,
                 int n, bool key);

/* First element of the array at `arr`, or JP_NONE if it is empty. */
size_t jp_elem_first(const char *s, size_t len, size_t arr);

/* The element after the one at `elem`, or JP_NONE if it was the last. */
size_t jp_elem_next(const char *s, size_t len, size_t elem);

/* 1-based line and column (in bytes) of offset `off`. */
void jp_linecol(const char *s, size_t len, size_t off, int *line, int *col);

#endif
