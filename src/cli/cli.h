/* cli.h -- subcommands of the `vigil` program.  Each takes argv with
 * argv[0] set to the subcommand name and returns the exit status
 * (0 success, 1 some records or entries failed, 2 usage or fatal error). */
#ifndef VG_CLI_H
#define VG_CLI_H

#include "dict.h"

int cli_code(int argc, char **argv);
int cli_validate(int argc, char **argv);
int cli_version(int argc, char **argv);
int cli_ingest(int argc, char **argv);
int cli_export(int argc, char **argv);
int cli_series(int argc, char **argv);
int cli_alerts(int argc, char **argv);
int cli_report(int argc, char **argv);
int cli_serve(int argc, char **argv);
int cli_dict(int argc, char **argv);

/* Dictionary options shared by subcommands (dictargs.c). */
typedef VG_VEC(const char *) cli_strs;

typedef struct cli_dictspec {
    const char *project, *config, *options;
    cli_strs actors, agents, verbs, discards, issues;
} cli_dictspec;

/* Consumes argv[*i] (and its value) if it is a dictionary option. */
bool cli_dict_arg(cli_dictspec *sp, int argc, char **argv, int *i);
bool cli_dict_given(const cli_dictspec *sp);
vg_dict *cli_dict_load(const cli_dictspec *sp, vg_diag *diag);
void cli_dictspec_free(cli_dictspec *sp);

/* Today (UTC) as yyyymmdd: the date of undated records. */
int32_t cli_today(void);

/* -j's default: the online processors (at most 16). */
int cli_default_threads(void);

/* Parses a positive integer option value; returns false on junk. */
bool cli_int(const char *s, int lo, int hi, int *out);

#endif
