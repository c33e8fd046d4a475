/* trace merge: see sweep.h. (Being written.) */
#include "cli/sweep.h"

#include <stdio.h>

int cli_trace_merge_main(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "clustersim: trace merge is not written yet\n");
    return 2;
}
