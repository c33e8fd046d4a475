/* html: HTML text for the renderer's page: a growing buffer for the
 * attribute and title texts a page builds, and escaping, so that nothing
 * from a trace can break the page.
 *
 * Invariants: html_esc writes valid UTF-8 with every markup character
 * escaped, whatever its input; a buffer's text is NUL-terminated once
 * something was printed into it. */
#include "traces/html.h"

#include <stdarg.h>
#include <stdio.h>
#include "core/term/xalloc.h"
#include "traces/trace.h"

void html_printf(html_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0)
        return;
    if (b->n + (size_t)k + 1 > b->cap) {
        b->cap = 2 * (b->n + (size_t)k + 1);
        b->s = xrealloc(b->s, b->cap);
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->n, (size_t)k + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)k;
}

void html_reset(html_buf *b)
{
    b->n = 0;
    if (b->s)
        b->s[0] = '\0';
}

void html_esc(FILE *f, const char *s, size_t max)
{
    size_t chars = 0;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        if (max && chars == max) {
            fputs("\xe2\x80\xa6", f);
            return;
        }
        chars++;
        unsigned c = *p;
        switch (c) {
        case '&': fputs("&amp;", f); p++; continue;
        case '<': fputs("&lt;", f); p++; continue;
        case '>': fputs("&gt;", f); p++; continue;
        case '"': fputs("&quot;", f); p++; continue;
        case '\'': fputs("&#39;", f); p++; continue;
        default: break;
        }
        if (c < 0x80) {
            if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
                fprintf(f, "\\x%02x", c);
            else
                fputc((int)c, f);
            p++;
            continue;
        }
        int n;
        unsigned cp = trace_utf8_at(p, &n);
        if (!cp) {
            fputs("\xef\xbf\xbd", f);
            p++;
        } else if ((cp >= 0x80 && cp <= 0x9f) || trace_is_bidi_control(cp)) {
            /* a bidi override would reorder the text shown around it:
             * shown as its code, as the terminal shows it */
            fprintf(f, "\\x{%x}", cp);
            p += n;
        } else {
            fwrite(p, 1, (size_t)n, f);
            p += n;
        }
    }
}
