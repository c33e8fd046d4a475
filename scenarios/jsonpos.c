/* jsonpos: strict JSON syntax check and path-to-offset walker (jsonpos.h).
 *
 * jp_validate is a recursive-descent recogniser bounded by JP_MAX_DEPTH,
 * so no input can exhaust the stack; it reads only s[0..len) (NUL bytes
 * are ordinary bytes, reported as errors). The walkers never read past
 * len whatever the text holds. */
#include "scenarios/jsonpos.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- strict validation ---------------------------------------------- */

typedef struct vstate {
    const unsigned char *s;
    size_t len, pos;
    int depth;
    size_t open;        /* innermost unclosed '{' or '[', JP_NONE at top */
    size_t *err_off;
    char *msg;
    size_t msgsz;
} vstate;

static int verr(vstate *v, size_t off, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->msg, v->msgsz, fmt, ap);
    va_end(ap);
    *v->err_off = off;
    return -1;
}

static bool is_word(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '@' || c == '.' ||
           c == '-';
}

static bool is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Describes what stands at `off` for "got ..." messages. */
static const char *vgot(vstate *v, size_t off, char *buf, size_t n)
{
    if (off >= v->len)
        return "end of file";
    int c = v->s[off];
    if (is_alpha(c)) {
        size_t e = off;
        while (e < v->len && e - off < 32 && is_word(v->s[e]))
            e++;
        snprintf(buf, n, "\"%.*s\"", (int)(e - off), (const char *)v->s + off);
    } else if (c == 0) {
        snprintf(buf, n, "a NUL byte");
    } else if (c < 0x20 || c >= 0x7f) {
        snprintf(buf, n, "byte 0x%02X", (unsigned)c);
    } else {
        snprintf(buf, n, "'%c'", c);
    }
    return buf;
}

static void vws(vstate *v)
{
    while (v->pos < v->len) {
        int c = v->s[v->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        v->pos++;
    }
}

static int veof(vstate *v)
{
    if (v->open == JP_NONE)
        return verr(v, v->len, "unexpected end of file");
    int line, col;
    jp_linecol((const char *)v->s, v->len, v->open, &line, &col);
    return verr(v, v->len, "unexpected end of file: the %s opened at %d:%d "
                "is not closed", v->s[v->open] == '{' ? "object" : "list",
                line, col);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Reads the 4 hex digits of a \u escape whose backslash is at `bs`. */
static int vhex4(vstate *v, size_t bs, unsigned *code)
{
    unsigned x = 0;
    for (size_t i = bs + 2; i < bs + 6; i++) {
        int h = i < v->len ? hexval(v->s[i]) : -1;
        if (h < 0)
            return verr(v, bs, "bad \\u escape: expected 4 hex digits");
        x = x * 16 + (unsigned)h;
    }
    *code = x;
    return 0;
}

/* Length of the valid UTF-8 sequence at `off`, or 0 (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF). */
static size_t utf8_len(const unsigned char *s, size_t len, size_t off)
{
    unsigned c = s[off];
    size_t n;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (off + n > len)
        return 0;
    if (s[off + 1] < lo || s[off + 1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[off + i] < 0x80 || s[off + i] > 0xBF)
            return 0;
    return n;
}

static int vstring(vstate *v)
{
    size_t start = v->pos++;
    for (;;) {
        if (v->pos >= v->len)
            return verr(v, start, "unterminated string");
        int c = v->s[v->pos];
        if (c == '"') {
            v->pos++;
            return 0;
        }
        if (c == '\\') {
            size_t bs = v->pos;
            if (bs + 1 >= v->len)
                return verr(v, start, "unterminated string");
            int e = v->s[bs + 1];
            if (e == 'u') {
                unsigned code = 0;
                if (vhex4(v, bs, &code) < 0)
                    return -1;
                if (code == 0)
                    return verr(v, bs, "\\u0000 is not allowed in strings");
                if (code >= 0xDC00 && code <= 0xDFFF)
                    return verr(v, bs, "unpaired surrogate \\u%04X", code);
                v->pos = bs + 6;
                if (code >= 0xD800 && code <= 0xDBFF) {
                    unsigned low = 0;
                    if (v->pos + 1 >= v->len || v->s[v->pos] != '\\' ||
                        v->s[v->pos + 1] != 'u' ||
                        vhex4(v, v->pos, &low) < 0 ||
                        low < 0xDC00 || low > 0xDFFF)
                        return verr(v, bs, "unpaired surrogate \\u%04X",
                                    code);
                    v->pos += 6;
                }
                continue;
            }
            if (!strchr("\"\\/bfnrt", e) || e == 0) {
                if (e > 0x20 && e < 0x7f)
                    return verr(v, bs, "invalid escape '\\%c'", e);
                return verr(v, bs, "invalid escape");
            }
            v->pos += 2;
            continue;
        }
        if (c == 0)
            return verr(v, v->pos, "NUL byte in a string");
        if (c == '\n')
            return verr(v, v->pos, "line break in a string (write \\n, "
                        "or close the string)");
        if (c == '\t')
            return verr(v, v->pos, "tab in a string (write \\t)");
        if (c < 0x20)
            return verr(v, v->pos, "control character 0x%02X in a string "
                        "(write \\u%04X)", (unsigned)c, (unsigned)c);
        if (c >= 0x80) {
            size_t n = utf8_len(v->s, v->len, v->pos);
            if (n == 0)
                return verr(v, v->pos, "invalid UTF-8 (byte 0x%02X)",
                            (unsigned)c);
            v->pos += n;
            continue;
        }
        v->pos++;
    }
}

static bool isdig(const vstate *v, size_t i)
{
    return i < v->len && v->s[i] >= '0' && v->s[i] <= '9';
}

static int vnumber(vstate *v)
{
    size_t start = v->pos;
    if (v->s[v->pos] == '-') {
        v->pos++;
        if (!isdig(v, v->pos))
            return verr(v, start, "expected a digit after '-'");
    }
    if (v->s[v->pos] == '0' && isdig(v, v->pos + 1))
        return verr(v, start, "leading zeros are not allowed in numbers");
    while (isdig(v, v->pos))
        v->pos++;
    if (v->pos < v->len && v->s[v->pos] == '.') {
        v->pos++;
        if (!isdig(v, v->pos))
            return verr(v, start, "expected a digit after '.'");
        while (isdig(v, v->pos))
            v->pos++;
    }
    if (v->pos < v->len && (v->s[v->pos] == 'e' || v->s[v->pos] == 'E') &&
        !(v->pos + 1 < v->len && is_alpha(v->s[v->pos + 1]))) {
        v->pos++;
        if (v->pos < v->len && (v->s[v->pos] == '+' || v->s[v->pos] == '-'))
            v->pos++;
        if (!isdig(v, v->pos))
            return verr(v, start, "expected a digit in the exponent");
        while (isdig(v, v->pos))
            v->pos++;
    }
    if (v->pos < v->len && is_alpha(v->s[v->pos])) {
        size_t e = v->pos;
        while (e < v->len && e - start < 40 && is_word(v->s[e]))
            e++;
        return verr(v, start, "%.*s needs double quotes: \"%.*s\"",
                    (int)(e - start), (const char *)v->s + start,
                    (int)(e - start), (const char *)v->s + start);
    }
    if (v->pos - start > 63)
        return verr(v, start, "number too long (more than 63 characters)");
    return 0;
}

static int vvalue(vstate *v);

/* Shared by objects and arrays: after an element, expects ',' or `close`.
 * Returns 1 at the end of the container, 0 to go on, -1 on error. */
static int vsep(vstate *v, int close, const char *what)
{
    char buf[48];
    vws(v);
    if (v->pos >= v->len)
        return veof(v);
    int c = v->s[v->pos];
    if (c == close) {
        v->pos++;
        return 1;
    }
    if (c == ',') {
        size_t comma = v->pos++;
        vws(v);
        if (v->pos < v->len && v->s[v->pos] == close)
            return verr(v, comma, "trailing comma before '%c' (JSON allows "
                        "none)", close);
        return 0;
    }
    if (c == '"' || c == '{' || c == '[' || c == '-' || is_word(c))
        return verr(v, v->pos, "missing ',' between %s", what);
    return verr(v, v->pos, "expected ',' or '%c', got %s", close,
                vgot(v, v->pos, buf, sizeof buf));
}

static int vcontainer(vstate *v)
{
    int open = v->s[v->pos], close = open == '{' ? '}' : ']';
    char buf[48];
    if (v->depth >= JP_MAX_DEPTH)
        return verr(v, v->pos, "nested deeper than %d levels", JP_MAX_DEPTH);
    size_t saved = v->open;
    v->open = v->pos++;
    v->depth++;
    vws(v);
    if (v->pos < v->len && v->s[v->pos] == close) {
        v->pos++;
    } else {
        for (;;) {
            vws(v);
            if (v->pos >= v->len)
                return veof(v);
            if (open == '{') {
                int c = v->s[v->pos];
                if (c == '\'')
                    return verr(v, v->pos, "strings need double quotes, "
                                "not '");
                if (c == '/')
                    return verr(v, v->pos, "comments are not allowed in "
                                "JSON");
                if (c != '"')
                    return verr(v, v->pos, "expected a key in double "
                                "quotes, got %s",
                                vgot(v, v->pos, buf, sizeof buf));
                if (vstring(v) < 0)
                    return -1;
                vws(v);
                if (v->pos >= v->len)
                    return veof(v);
                if (v->s[v->pos] != ':')
                    return verr(v, v->pos, "expected ':' after the key, "
                                "got %s", vgot(v, v->pos, buf, sizeof buf));
                v->pos++;
                vws(v);
            }
            if (vvalue(v) < 0)
                return -1;
            int r = vsep(v, close, open == '{' ? "members" : "elements");
            if (r < 0)
                return -1;
            if (r == 1)
                break;
        }
    }
    v->depth--;
    v->open = saved;
    return 0;
}

static int vvalue(vstate *v)
{
    char buf[48];
    if (v->pos >= v->len)
        return veof(v);
    int c = v->s[v->pos];
    if (c == '{' || c == '[')
        return vcontainer(v);
    if (c == '"')
        return vstring(v);
    if (c == '-' || (c >= '0' && c <= '9'))
        return vnumber(v);
    if (c == '\'')
        return verr(v, v->pos, "strings need double quotes, not '");
    if (c == '/')
        return verr(v, v->pos, "comments are not allowed in JSON");
    if (is_alpha(c)) {
        static const char *const lit[] = {"true", "false", "null"};
        size_t e = v->pos;
        while (e < v->len && is_word(v->s[e]))
            e++;
        for (int i = 0; i < 3; i++) {
            size_t n = strlen(lit[i]);
            if (e - v->pos != n)
                continue;
            if (memcmp(v->s + v->pos, lit[i], n) == 0) {
                v->pos = e;
                return 0;
            }
            bool same = true;
            for (size_t k = 0; k < n; k++)
                if ((v->s[v->pos + k] | 0x20) != lit[i][k])
                    same = false;
            if (same)
                return verr(v, v->pos, "JSON literals are lowercase: "
                            "true, false, null");
        }
        return verr(v, v->pos, "expected a value, got %s (strings need "
                    "double quotes)", vgot(v, v->pos, buf, sizeof buf));
    }
    return verr(v, v->pos, "expected a value, got %s",
                vgot(v, v->pos, buf, sizeof buf));
}

int jp_validate(const char *s, size_t len, size_t *off, char *msg,
                size_t msgsz)
{
    vstate v = {(const unsigned char *)s, len, 0, 0, JP_NONE, off, msg,
                msgsz};
    char buf[48];
    v.pos = jp_root(s, len);
    if (v.pos >= len)
        return verr(&v, len, "empty file: a scenario is a JSON object");
    if (vvalue(&v) < 0)
        return -1;
    vws(&v);
    if (v.pos < len && s[v.pos] == '\0')
        return verr(&v, v.pos, "NUL byte after the end of the JSON value");
    if (v.pos < len)
        return verr(&v, v.pos, "unexpected %s after the end of the JSON "
                    "value", vgot(&v, v.pos, buf, sizeof buf));
    return 0;
}

/* ---- walking validated text ------------------------------------------ */

static size_t ws(const char *s, size_t len, size_t off)
{
    while (off < len && (s[off] == ' ' || s[off] == '\t' || s[off] == '\n' ||
                         s[off] == '\r'))
        off++;
    return off;
}

size_t jp_root(const char *s, size_t len)
{
    size_t off = 0;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        off = 3;
    return ws(s, len, off);
}

static size_t string_end(const char *s, size_t len, size_t off)
{
    for (off++; off < len; off++) {
        if (s[off] == '\\')
            off++;
        else if (s[off] == '"')
            return off + 1;
    }
    return len;
}

size_t jp_value_end(const char *s, size_t len, size_t off)
{
    if (off >= len)
        return len;
    if (s[off] == '"')
        return string_end(s, len, off);
    if (s[off] == '{' || s[off] == '[') {
        /* Brackets balance in valid text, so counting them suffices. */
        size_t depth = 0;
        while (off < len) {
            char c = s[off];
            if (c == '"') {
                off = string_end(s, len, off);
                continue;
            }
            if (c == '{' || c == '[')
                depth++;
            else if ((c == '}' || c == ']') && --depth == 0)
                return off + 1;
            off++;
        }
        return len;
    }
    while (off < len && !strchr(",:]} \t\r\n", s[off]) && s[off] != '\0')
        off++;
    return off;
}

size_t jp_elem_first(const char *s, size_t len, size_t arr)
{
    if (arr >= len || (s[arr] != '[' && s[arr] != '{'))
        return JP_NONE;
    size_t off = ws(s, len, arr + 1);
    if (off >= len || s[off] == ']' || s[off] == '}')
        return JP_NONE;
    return off;
}

size_t jp_elem_next(const char *s, size_t len, size_t elem)
{
    size_t off = ws(s, len, jp_value_end(s, len, elem));
    if (off >= len || s[off] != ',')
        return JP_NONE;
    return ws(s, len, off + 1);
}

/* In the object at `obj`, the n-th member: sets *key and returns the
 * value's offset, or JP_NONE. */
static size_t nth_member(const char *s, size_t len, size_t obj, int n,
                         size_t *key)
{
    size_t off = jp_elem_first(s, len, obj);
    for (int i = 0; off != JP_NONE; i++) {
        *key = off;
        off = ws(s, len, string_end(s, len, off));
        if (off >= len || s[off] != ':')
            return JP_NONE;
        off = ws(s, len, off + 1);
        if (i == n)
            return off;
        off = jp_elem_next(s, len, off);
    }
    return JP_NONE;
}

size_t jp_locate(const char *s, size_t len, size_t from, const jp_seg *path,
                 int n, bool key)
{
    size_t off = from;
    for (int i = 0; i < n && off < len; i++) {
        size_t next, k = JP_NONE;
        if (path[i].member) {
            if (s[off] != '{')
                return off;
            next = nth_member(s, len, off, path[i].n, &k);
            if (next != JP_NONE && key && i == n - 1)
                return k;
        } else {
            if (s[off] != '[')
                return off;
            next = jp_elem_first(s, len, off);
            for (int j = 0; j < path[i].n && next != JP_NONE; j++)
                next = jp_elem_next(s, len, next);
        }
        if (next == JP_NONE)
            return off;
        off = next;
    }
    return off;
}

void jp_linecol(const char *s, size_t len, size_t off, int *line, int *col)
{
    int l = 1;
    size_t bol = 0;
    if (off > len)
        off = len;
    for (size_t i = 0; i < off; i++)
        if (s[i] == '\n') {
            l++;
            bol = i + 1;
        }
    *line = l;
    *col = (int)(off - bol) + 1;
}
