/* cli.h -- subcommands of the `vigil` program.  Each takes argv with
 * argv[0] set to the subcommand name and returns the exit status. */
#ifndef VG_CLI_H
#define VG_CLI_H

int cli_version(int argc, char **argv);
int cli_validate(int argc, char **argv);

#endif
