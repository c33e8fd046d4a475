/* shrink: see shrink.h. (Being written.) */
#include "cli/shrink.h"

#include <stdio.h>

int cli_shrink_main(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "clustersim: shrink is not written yet\n");
    return 2;
}
