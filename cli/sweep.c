/* sweep: see sweep.h. (Being written.) */
#include "cli/sweep.h"

#include <stdio.h>

int cli_sweep_main(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "clustersim: sweep is not written yet\n");
    return 2;
}
