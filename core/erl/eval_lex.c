/* eval_lex: the scanner of the shell's Erlang subset, after erl_scan.
 *
 * Produces tokens with 1-based line and column (a column counts
 * characters: UTF-8 continuation bytes do not advance it). Keywords and
 * punctuation become TK_SYM; '.' followed by white space, '%' or the end
 * is the terminating TK_DOT. Invariants of the result: it ends with
 * exactly one TK_DOT (synthesized just after the last token when the text
 * has none) followed by TK_EOF, and nothing but white space and comments
 * may follow a TK_DOT in the text. Integers are int64 (clustersim has no
 * bignums: a larger literal is an error); errors carry erl_scan's texts
 * ("unterminated string starting with ...", "illegal integer", ...). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/erl/eval_ast.h"
#include "core/term/xalloc.h"

static const char *const sym_text[S__COUNT] = {
#define EV_SYM_TEXT(id, text) [id] = text,
    EV_SYMS(EV_SYM_TEXT)
#undef EV_SYM_TEXT
};

/* The text of a keyword or punctuation token. */
const char *ev__sym_text(ev_sym s)
{
    return (unsigned)s < S__COUNT ? sym_text[s] : "?";
}

typedef struct lexer {
    const char *p;        /* next byte */
    int line, col;
    ev_tokens out;
    size_t cap;
    ev_error *err;
} lexer;

static int lex_error(lexer *L, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int lex_error(lexer *L, int line, int col, const char *fmt, ...)
{
    va_list ap;
    L->err->line = line;
    L->err->col = col;
    va_start(ap, fmt);
    vsnprintf(L->err->msg, sizeof L->err->msg, fmt, ap);
    va_end(ap);
    return -1;
}

/* Consumes one byte, keeping line and column. */
static int next(lexer *L)
{
    unsigned char c = (unsigned char)*L->p;
    if (c == 0)
        return -1;
    L->p++;
    if (c == '\n') {
        L->line++;
        L->col = 1;
    } else if ((c & 0xC0) != 0x80) {
        L->col++;
    }
    return c;
}

static int peek(const lexer *L, int k)
{
    for (int i = 0; i <= k; i++)
        if (L->p[i] == 0)
            return -1;
    return (unsigned char)L->p[k];
}

static ev_token *push(lexer *L, ev_tokkind kind, int line, int col)
{
    if (L->out.n == L->cap) {
        L->cap = L->cap ? L->cap * 2 : 16;
        L->out.t = xrealloc(L->out.t, L->cap * sizeof *L->out.t);
    }
    ev_token *t = &L->out.t[L->out.n++];
    memset(t, 0, sizeof *t);
    t->kind = kind;
    t->line = line;
    t->col = col;
    return t;
}

static bool is_digit(int c) { return c >= '0' && c <= '9'; }
static bool is_lower(int c) { return c >= 'a' && c <= 'z'; }
static bool is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static bool is_namechar(int c)
{
    return is_lower(c) || is_upper(c) || is_digit(c) || c == '_' || c == '@';
}
static bool is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
        || c == '\v';
}

static int digit_value(int c)
{
    if (is_digit(c))
        return c - '0';
    if (is_lower(c))
        return c - 'a' + 10;
    if (is_upper(c))
        return c - 'A' + 10;
    return 99;
}

/* Reads one character of a quoted string, atom or $-literal, decoding
 * erl_scan's escapes. Returns the code, -1 at the end of the text. */
static int64_t read_char(lexer *L)
{
    int c = next(L);
    if (c != '\\') {
        if (c >= 0xC0) {           /* decode UTF-8 to a code point */
            int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
            int64_t v = c & (0x3F >> more);
            while (more-- > 0 && (peek(L, 0) & 0xC0) == 0x80)
                v = (v << 6) | (next(L) & 0x3F);
            return v;
        }
        return c;
    }
    c = next(L);
    switch (c) {
    case -1: return -1;
    case 'b': return '\b';
    case 'd': return 127;
    case 'e': return 27;
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 's': return ' ';
    case 't': return '\t';
    case 'v': return '\v';
    case '^': {
        int k = next(L);
        return k < 0 ? -1 : (k & 31);
    }
    case 'x':
        if (peek(L, 0) == '{') {
            int64_t v = 0;
            next(L);
            while (peek(L, 0) >= 0 && peek(L, 0) != '}'
                   && digit_value(peek(L, 0)) < 16) {
                v = v * 16 + digit_value(next(L));
                if (v > 0x10FFFF)
                    v = 0x110000;  /* past Unicode; saturate, no overflow */
            }
            if (peek(L, 0) == '}')
                next(L);
            return v;
        } else {
            int64_t v = 0;
            for (int i = 0; i < 2 && digit_value(peek(L, 0)) < 16; i++)
                v = v * 16 + digit_value(next(L));
            return v;
        }
    default:
        if (c >= '0' && c <= '7') {
            int64_t v = c - '0';
            for (int i = 0; i < 2 && peek(L, 0) >= '0' && peek(L, 0) <= '7'; i++)
                v = v * 8 + (next(L) - '0');
            return v;
        }
        return c;                  /* \' \" \\ and any other: itself */
    }
}

/* "unterminated string starting with "..."": erl_scan shows the first
 * 16 characters of the rest of the text, escaped as a string. */
static int unterminated(lexer *L, int line, int col, const char *start, char q)
{
    strbuf b;
    sb_init(&b);
    sb_putc(&b, q);
    int n = 0;
    for (const char *s = start; *s && n < 16; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c & 0xC0) != 0x80)
            n++;
        if (c == '\n')
            sb_puts(&b, "\\n");
        else if (c == '\t')
            sb_puts(&b, "\\t");
        else if (c == '\\' || c == (unsigned char)q) {
            sb_putc(&b, '\\');
            sb_putc(&b, (char)c);
        } else
            sb_putc(&b, (char)c);
    }
    sb_putc(&b, q);
    lex_error(L, line, col, "unterminated %s starting with %s",
              q == '"' ? "string" : "atom", b.s);
    sb_fini(&b);
    return -1;
}

/* A quoted string or atom; the opening quote is consumed. Codes go into
 * a new array (*codes, *n). */
static int read_quoted(lexer *L, char q, int line, int col,
                       uint32_t **codes, size_t *n)
{
    const char *start = L->p;
    size_t cap = 16;
    *codes = xmalloc(cap * sizeof **codes);
    *n = 0;
    for (;;) {
        if (peek(L, 0) < 0) {
            free(*codes);
            *codes = NULL;
            return unterminated(L, line, col, start, q);
        }
        if (peek(L, 0) == q) {
            next(L);
            return 0;
        }
        int64_t c = read_char(L);
        if (c < 0) {
            free(*codes);
            *codes = NULL;
            return unterminated(L, line, col, start, q);
        }
        if (*n == cap) {
            cap *= 2;
            *codes = xrealloc(*codes, cap * sizeof **codes);
        }
        (*codes)[(*n)++] = (uint32_t)c;
    }
}

/* Digits in `base` with '_' separators between digits; returns how many
 * digits were read, and -2 on overflow of int64. */
static int read_digits(lexer *L, int base, int64_t *v)
{
    int count = 0;
    bool overflow = false;
    for (;;) {
        int c = peek(L, 0);
        if (c == '_' && count > 0 && digit_value(peek(L, 1)) < base) {
            next(L);
            continue;
        }
        int d = digit_value(c);
        if (c < 0 || d >= base)
            break;
        next(L);
        if (*v > (INT64_MAX - d) / base)
            overflow = true;
        else
            *v = *v * base + d;
        count++;
    }
    return overflow ? -2 : count;
}

static int lex_number(lexer *L, int line, int col)
{
    const char *start = L->p;
    int64_t v = 0;
    bool too_large = read_digits(L, 10, &v) == -2;
    if (too_large && !(peek(L, 0) == '.' && is_digit(peek(L, 1))))
        return lex_error(L, line, col,
                         "integer too large (clustersim has no bignums)");
    if (peek(L, 0) == '#') {
        if (v < 2 || v > 36)
            return lex_error(L, line, col, "illegal base '%lld'", (long long)v);
        int base = (int)v;
        next(L);
        v = 0;
        int n = read_digits(L, base, &v);
        if (n == -2)
            return lex_error(L, line, col,
                             "integer too large (clustersim has no bignums)");
        if (n == 0)
            return lex_error(L, line, col, "illegal integer");
        ev_token *t = push(L, TK_INT, line, col);
        t->i = v;
        return 0;
    }
    if (peek(L, 0) == '.' && is_digit(peek(L, 1))) {
        next(L);
        int64_t frac = 0;
        read_digits(L, 10, &frac);
        int c = peek(L, 0);
        if ((c == 'e' || c == 'E')
            && (is_digit(peek(L, 1))
                || ((peek(L, 1) == '-' || peek(L, 1) == '+')
                    && is_digit(peek(L, 2))))) {
            next(L);
            if (peek(L, 0) == '-' || peek(L, 0) == '+')
                next(L);
            int64_t e = 0;
            read_digits(L, 10, &e);
        }
        /* strtod (C locale) on a copy without the '_' separators */
        size_t len = (size_t)(L->p - start);
        char *buf = xmalloc(len + 1);
        size_t k = 0;
        for (size_t i = 0; i < len; i++)
            if (start[i] != '_')
                buf[k++] = start[i];
        buf[k] = 0;
        errno = 0;
        double f = term_strtod_c(buf, NULL);
        int e = errno;
        free(buf);
        if (e == ERANGE && (f > 1.0 || f < -1.0))
            return lex_error(L, line, col, "illegal float");
        ev_token *t = push(L, TK_FLOAT, line, col);
        t->f = f;
        return 0;
    }
    ev_token *t = push(L, TK_INT, line, col);
    t->i = v;
    return 0;
}

/* Longest punctuation match, as erl_scan. */
static bool lex_sym(lexer *L, int line, int col)
{
    static const ev_sym order[] = {
        S_EXEQ, S_EXNE, S_DOTS, S_COLCOL, S_ASSIGN, S_DARROW, S_EQEQ, S_NE,
        S_LE, S_GE, S_PLUSPLUS, S_MINUSMINUS, S_ARROW, S_LTLT, S_GTGT,
        S_LARROW, S_LEQ, S_BARBAR, S_DOTDOT,
        S_LPAREN, S_RPAREN, S_COMMA, S_LBRACE, S_RBRACE, S_LBRACK,
        S_RBRACK, S_BAR, S_SEMI, S_COLON, S_HASH, S_PERIOD, S_PLUS,
        S_MINUS, S_STAR, S_SLASH, S_EQ, S_LT, S_GT, S_BANG, S_QUEST,
    };
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        const char *s = sym_text[order[i]];
        size_t n = strlen(s);
        if (strncmp(L->p, s, n) == 0) {
            for (size_t k = 0; k < n; k++)
                next(L);
            push(L, TK_SYM, line, col)->sym = order[i];
            return true;
        }
    }
    return false;
}

static int lex_name(lexer *L, int line, int col)
{
    const char *start = L->p;
    while (is_namechar(peek(L, 0)))
        next(L);
    size_t n = (size_t)(L->p - start);
    if (is_lower((unsigned char)*start)) {
        for (int s = K_AFTER; s < S__COUNT; s++) {
            if (strlen(sym_text[s]) == n && strncmp(sym_text[s], start, n) == 0) {
                push(L, TK_SYM, line, col)->sym = (ev_sym)s;
                return 0;
            }
        }
        size_t chars = 0;
        for (size_t k = 0; k < n; k++)
            chars += ((unsigned char)start[k] & 0xC0) != 0x80;
        if (chars > EV_MAX_ATOM_CHARS)
            return lex_error(L, line, col, "illegal atom");
        push(L, TK_ATOM, line, col)->a = atom_intern_n(start, n);
    } else {
        push(L, TK_VAR, line, col)->a = atom_intern_n(start, n);
    }
    return 0;
}

/* Skips white space and %-comments. */
static void skip_blank(lexer *L)
{
    for (;;) {
        int c = peek(L, 0);
        if (is_space(c)) {
            next(L);
        } else if (c == '%') {
            while (peek(L, 0) >= 0 && peek(L, 0) != '\n')
                next(L);
        } else {
            return;
        }
    }
}

static int lex_one(lexer *L)
{
    int line = L->line, col = L->col;
    int c = peek(L, 0);
    if (is_digit(c))
        return lex_number(L, line, col);
    if (is_lower(c) || is_upper(c) || c == '_')
        return lex_name(L, line, col);
    if (c == '"' || c == '\'') {
        next(L);
        uint32_t *codes;
        size_t n;
        if (read_quoted(L, (char)c, line, col, &codes, &n) < 0)
            return -1;
        if (c == '"') {
            ev_token *t = push(L, TK_STRING, line, col);
            t->s = codes;
            t->slen = n;
            return 0;
        }
        /* a quoted atom: its text as UTF-8; erl_scan says "illegal
         * atom" for more than 255 characters, the atom table's limit */
        if (n > EV_MAX_ATOM_CHARS) {
            free(codes);
            return lex_error(L, line, col, "illegal atom");
        }
        strbuf b;
        sb_init(&b);
        for (size_t i = 0; i < n; i++) {
            uint32_t u = codes[i];
            if (u < 0x80) {
                sb_putc(&b, (char)u);
            } else if (u < 0x800) {
                sb_putc(&b, (char)(0xC0 | (u >> 6)));
                sb_putc(&b, (char)(0x80 | (u & 0x3F)));
            } else if (u < 0x10000) {
                sb_putc(&b, (char)(0xE0 | (u >> 12)));
                sb_putc(&b, (char)(0x80 | ((u >> 6) & 0x3F)));
                sb_putc(&b, (char)(0x80 | (u & 0x3F)));
            } else {
                sb_putc(&b, (char)(0xF0 | (u >> 18)));
                sb_putc(&b, (char)(0x80 | ((u >> 12) & 0x3F)));
                sb_putc(&b, (char)(0x80 | ((u >> 6) & 0x3F)));
                sb_putc(&b, (char)(0x80 | (u & 0x3F)));
            }
        }
        free(codes);
        push(L, TK_ATOM, line, col)->a = atom_intern_n(b.s ? b.s : "", b.len);
        sb_fini(&b);
        return 0;
    }
    if (c == '$') {
        next(L);
        if (peek(L, 0) < 0)
            return lex_error(L, line, col, "unterminated character");
        int64_t v = read_char(L);
        if (v < 0)
            return lex_error(L, line, col, "unterminated character");
        push(L, TK_CHAR, line, col)->i = v;
        return 0;
    }
    if (c == '.' && (peek(L, 1) < 0 || is_space(peek(L, 1)) || peek(L, 1) == '%')) {
        next(L);
        push(L, TK_DOT, line, col);
        return 0;
    }
    if (lex_sym(L, line, col))
        return 0;
    next(L);
    if (c >= 0x80)
        return lex_error(L, line, col, "illegal character");
    return lex_error(L, line, col, "illegal character '%c'", c);
}

/* Scans the whole text; see the file comment for the result's shape,
 * or with `forms` ev__lex_forms's. */
static int lex_text(const char *src, ev_tokens *out, ev_error *err, bool forms)
{
    lexer L = { .p = src, .line = 1, .col = 1, .err = err };
    int end_line = 1, end_col = 1;
    bool dot = false;
    memset(err, 0, sizeof *err);
    for (;;) {
        skip_blank(&L);
        if (peek(&L, 0) < 0)
            break;
        if (dot && !forms) {
            lex_error(&L, L.line, L.col,
                      "unexpected text after the final '.' "
                      "(one expression sequence per evaluation)");
            goto fail;
        }
        if (lex_one(&L) < 0)
            goto fail;
        if (L.out.t[L.out.n - 1].kind == TK_DOT)
            dot = true;
        end_line = L.line;
        end_col = L.col;
    }
    if (!dot && !forms)
        push(&L, TK_DOT, end_line, end_col);
    push(&L, TK_EOF, L.line, L.col);
    *out = L.out;
    return 0;
fail:
    ev__tokens_free(&L.out);
    out->t = NULL;
    out->n = 0;
    return -1;
}

int ev__lex(const char *src, ev_tokens *out, ev_error *err)
{
    return lex_text(src, out, err, false);
}

int ev__lex_forms(const char *src, ev_tokens *out, ev_error *err)
{
    return lex_text(src, out, err, true);
}

/* Frees the string payloads and the array; leaves t empty. */
void ev__tokens_free(ev_tokens *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->t[i].s);
    free(t->t);
    t->t = NULL;
    t->n = 0;
}

static void put_char_escaped(strbuf *b, uint32_t c, char q)
{
    switch (c) {
    case '\n': sb_puts(b, "\\n"); return;
    case '\r': sb_puts(b, "\\r"); return;
    case '\t': sb_puts(b, "\\t"); return;
    case '\v': sb_puts(b, "\\v"); return;
    case '\b': sb_puts(b, "\\b"); return;
    case '\f': sb_puts(b, "\\f"); return;
    case 27: sb_puts(b, "\\e"); return;
    case 127: sb_puts(b, "\\d"); return;
    case '\\': sb_puts(b, "\\\\"); return;
    default: break;
    }
    if (c == (uint32_t)q) {
        sb_putc(b, '\\');
        sb_putc(b, q);
    } else if (c < 32) {
        sb_printf(b, "\\^%c", (char)(c + 64));
    } else if (c < 127) {
        sb_putc(b, (char)c);
    } else {
        sb_printf(b, "\\x{%X}", (unsigned)c);
    }
}

/* Appends the token as yecctoken2string does: atoms and keywords as
 * io_lib:write_atom, variables bare, numbers and strings written. */
void ev__token_text(strbuf *b, const ev_token *t)
{
    switch (t->kind) {
    case TK_INT:
        sb_printf(b, "%lld", (long long)t->i);
        break;
    case TK_FLOAT: {
        term *f = term_float(t->f);
        term_print(b, f, NULL);
        term_unref(f);
        break;
    }
    case TK_CHAR:
        sb_putc(b, '$');
        if (t->i == ' ')
            sb_puts(b, "\\s");
        else
            put_char_escaped(b, (uint32_t)t->i, 0);
        break;
    case TK_STRING:
        sb_putc(b, '"');
        for (size_t i = 0; i < t->slen; i++)
            put_char_escaped(b, t->s[i], '"');
        sb_putc(b, '"');
        break;
    case TK_ATOM:
        term_print_atom(b, t->a);
        break;
    case TK_VAR:
        sb_puts(b, atom_text(t->a));
        break;
    case TK_SYM:
        /* every keyword and punctuation atom needs quotes */
        sb_printf(b, "'%s'", sym_text[t->sym]);
        break;
    case TK_DOT:
        sb_puts(b, "'.'");
        break;
    case TK_EOF:
        break;
    }
}
