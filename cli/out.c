/* out: output files that never replace anything but a regular file
 * (out.h). */
#include "cli/out.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool same_file(const struct stat *a, int fd)
{
    struct stat b;
    return fstat(fd, &b) == 0 && a->st_dev == b.st_dev && a->st_ino == b.st_ino;
}

/* A terminal, told without opening the device: the terminal of one of
 * our standard streams, or a name of one. */
static bool is_terminal(const char *path, const struct stat *st)
{
    for (int fd = 0; fd <= 2; fd++) {
        struct stat b;
        if (isatty(fd) && fstat(fd, &b) == 0 && b.st_rdev == st->st_rdev)
            return true;
    }
    return !strcmp(path, "/dev/tty") || !strcmp(path, "/dev/console") ||
           !strncmp(path, "/dev/pts/", 9) ||
           (!strncmp(path, "/dev/tty", 8) && path[8] >= '0' && path[8] <= '9');
}

/* The null device, by its device number: what is written is discarded,
 * as a user who names it expects. */
static bool is_null(const struct stat *st)
{
    struct stat b;
    return S_ISCHR(st->st_mode) && stat("/dev/null", &b) == 0 &&
           S_ISCHR(b.st_mode) && b.st_rdev == st->st_rdev;
}

/* Contract in out.h. */
int cli_out_open(cli_out *o, const char *opt, const char *path)
{
    memset(o, 0, sizeof *o);
    o->opt = opt;
    o->path = path;
    struct stat st, lst;
    if (!*path) {
        fprintf(stderr, "clustersim: %s: empty path\n", opt);
        return 2;
    }
    if (stat(path, &st) == 0) {
        if (same_file(&st, 1) || same_file(&st, 2)) {
            o->f = same_file(&st, 1) ? stdout : stderr;
            o->borrowed = true;
            return 0;
        }
        const char *what = S_ISDIR(st.st_mode) ? "a directory"
            : S_ISCHR(st.st_mode) && !is_terminal(path, &st) &&
              !is_null(&st) ? "a device"
            : S_ISBLK(st.st_mode) ? "a device"
            : S_ISSOCK(st.st_mode) ? "a socket" : NULL;
        if (what) {
            fprintf(stderr, "clustersim: %s %s: is %s; give a file (a FIFO, a "
                    "terminal, /dev/stdout or /dev/null is written in "
                    "place)\n", opt,
                    path, what);
            return 2;
        }
        bool in_place = !S_ISREG(st.st_mode) ||
                        (lstat(path, &lst) == 0 && !S_ISREG(lst.st_mode));
        if (in_place) {
            if (!(o->f = fopen(path, "w"))) {
                fprintf(stderr, "clustersim: %s %s: cannot write: %s\n", opt,
                        path, strerror(errno));
                return 2;
            }
            /* a reader at the other end of a FIFO or a terminal sees each
             * line as it is written */
            if (!S_ISREG(st.st_mode))
                setvbuf(o->f, NULL, _IOLBF, 0);
            return 0;
        }
    } else if (errno != ENOENT) {
        fprintf(stderr, "clustersim: %s %s: %s\n", opt, path, strerror(errno));
        return 2;
    }
    if ((size_t)snprintf(o->tmp, sizeof o->tmp, "%s.partial", path) >=
        sizeof o->tmp) {
        fprintf(stderr, "clustersim: %s %s: path too long\n", opt, path);
        return 2;
    }
    if (lstat(o->tmp, &lst) == 0 && !S_ISREG(lst.st_mode)) {
        fprintf(stderr, "clustersim: %s %s: %s exists and is not a regular "
                "file\n", opt, path, o->tmp);
        return 2;
    }
    if (!(o->f = fopen(o->tmp, "w"))) {
        fprintf(stderr, "clustersim: %s %s: cannot write: %s\n", opt,
                o->tmp, strerror(errno));
        return 2;
    }
    return 0;
}

/* Contract in out.h. */
void cli_out_abandon(cli_out *o)
{
    if (!o->f)
        return;
    if (!o->borrowed)
        fclose(o->f);
    else
        fflush(o->f);
    o->f = NULL;
    if (o->tmp[0])
        remove(o->tmp);
}

/* Where o's bytes are. */
static const char *out_where(const cli_out *o)
{
    return o->tmp[0] ? o->tmp : o->path;
}

/* Contract in out.h. */
int cli_out_close(cli_out *o, int werr, bool complete, const char *what)
{
    if (!o->f)
        return 0;
    int e = werr;
    if (o->borrowed) {
        if (fflush(o->f) && !e)
            e = errno;
        if (ferror(o->f) && !e)
            e = -1;
    } else {
        if (ferror(o->f) && !e)
            e = -1;
        if (fclose(o->f) && (!e || e == -1))
            e = errno;
    }
    o->f = NULL;
    if (e) {
        fprintf(stderr, "clustersim: %s %s: write failed: %s\n", o->opt,
                out_where(o), e > 0 ? strerror(e) : "unknown error");
        if (o->tmp[0])
            remove(o->tmp);
        return 2;
    }
    if (!o->tmp[0]) {
        if (!complete)
            fprintf(stderr, "clustersim: incomplete %s written to %s\n", what,
                    o->path);
        return 0;
    }
    if (!complete) {
        fprintf(stderr, "clustersim: incomplete %s left in %s\n", what, o->tmp);
        return 0;
    }
    if (rename(o->tmp, o->path) != 0) {
        fprintf(stderr, "clustersim: %s: cannot rename to %s: %s\n", o->tmp,
                o->path, strerror(errno));
        return 2;
    }
    return 0;
}

/* Contract in out.h. */
int cli_out_html(trace_render *h, cli_out *o, bool complete)
{
    errno = 0;
    int werr = trace_render_write(h, o->f, NULL) ? (errno ? errno : -1) : 0;
    return cli_out_close(o, werr, complete, "page");
}

/* Contract in out.h. */
int cli_check_db_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        fprintf(stderr, "clustersim: --trace %s: is %s; a trace database "
                "must be a regular file\n", path,
                S_ISDIR(st.st_mode) ? "a directory" : "not a regular file");
        return 2;
    }
    return 0;
}
