/* version.c -- `vigil version`. */
#include "cli.h"
#include "vigil.h"

#include <stdio.h>

const cli_help cli_help_version = {
    .name = "version",
    .summary = "print the version",
    .synopsis = "",
    .description = "Prints \"vigil\" and the version of the program.",
};

int cli_version(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) { cli_usage(&cli_help_version, stderr); return 2; }
    printf("vigil %s\n", VG_VERSION);
    return 0;
}
