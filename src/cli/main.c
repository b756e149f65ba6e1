/* main.c -- the `vigil` command: dispatches to subcommands (help.c). */
#include "cli.h"

int main(int argc, char **argv)
{
    return cli_main(argc, argv);
}
