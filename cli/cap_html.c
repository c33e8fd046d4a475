/* cap_html: PLACEHOLDER: the page of `clustersim cap --html`. */
#include "cli/cap.h"

int cli_cap_html(FILE *f, const cli_cap_row *rows, size_t n)
{
    (void)rows, (void)n;
    return fputs("<!doctype html><title>cap</title>\n", f) < 0 ? -1 : 0;
}
