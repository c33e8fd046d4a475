/* cnum: numbers to and from text in the C locale, whatever the process's
 * locale is (term.h). A setlocale(LC_ALL, "de_DE.UTF-8") anywhere in the
 * process makes strtod stop at '.' and printf write ','; traces, the
 * shell and Erlang's float syntax must not change with it.
 *
 * Each call switches the calling thread to a C locale object made once
 * (POSIX newlocale/uselocale) and back. If the object cannot be made the
 * process's locale is used, which is the C locale unless someone set one. */
#include "core/term/term.h"

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static locale_t c_locale(void)
{
    static locale_t c;
    if (!c)
        c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    return c;
}

/* strtod in the C locale (term.h). */
double term_strtod_c(const char *s, char **end)
{
    locale_t c = c_locale();
    locale_t old = c ? uselocale(c) : (locale_t)0;
    double d = strtod(s, end);
    if (c)
        uselocale(old);
    return d;
}

/* vsnprintf in the C locale (term.h). */
int term_vsnprintf_c(char *buf, size_t n, const char *fmt, va_list ap)
{
    locale_t c = c_locale();
    locale_t old = c ? uselocale(c) : (locale_t)0;
    int r = vsnprintf(buf, n, fmt, ap);
    if (c)
        uselocale(old);
    return r;
}

/* snprintf in the C locale (term.h). */
int term_snprintf_c(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = term_vsnprintf_c(buf, n, fmt, ap);
    va_end(ap);
    return r;
}
