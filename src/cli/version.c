#include "cli.h"
#include "vigil.h"

#include <stdio.h>

int cli_version(int argc, char **argv)
{
    (void)argc; (void)argv;
    printf("vigil %s\n", VG_VERSION);
    return 0;
}
