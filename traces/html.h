/* html: HTML text for the renderer's page (render_html.c,
 * render_svg.c): a growing buffer and escaping. */
#ifndef CS_HTML_H
#define CS_HTML_H

#include <stddef.h>
#include <stdio.h>

/* A growing text buffer; {0} is empty. The owner frees s. */
typedef struct html_buf {
    char *s;
    size_t n, cap;
} html_buf;

/* Appends printf-formatted text to b. */
void html_printf(html_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Empties b, keeping its memory. */
void html_reset(html_buf *b);
/* Writes s HTML-escaped (text or attribute: & < > " ' all escaped), at
 * most max characters (0: all) with an ellipsis when cut. Invalid UTF-8
 * becomes U+FFFD; control characters but \n and \t print as \xNN, C1
 * controls and bidi controls (U+202A..U+202E, U+2066..U+2069) as
 * \x{NNNN}, so no text from a trace reorders what the page shows. */
void html_esc(FILE *f, const char *s, size_t max);

#endif
