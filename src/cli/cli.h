/* cli.h -- subcommands of the `vigil` program.  Each takes argv with
 * argv[0] set to the subcommand name and returns the exit status
 * (0 success, 1 some records or entries failed, 2 usage or fatal error). */
#ifndef VG_CLI_H
#define VG_CLI_H

#include "dict.h"
#include "watch.h"

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

/* Dictionary options shared by subcommands (dictargs.c): consumes argv[*i]
 * (and its value) if it is one; vg_dict_load_spec then loads the set. */
bool cli_dict_arg(vg_dict_spec *sp, int argc, char **argv, int *i);

/* Detector options shared by subcommands (watchargs.c): applies "--k 0.5"
 * and the like.  Returns 1 if opt is a detector option and val is valid, 0
 * if opt is not one, -1 for a bad value (then *why is set). */
int cli_watch_arg(vg_watch_params *p, const char *opt, const char *val, const char **why);
/* Their usage text, one option a line. */
extern const char cli_watch_usage[];

/* Opens a store read-only for `series`, `alerts` and `report`; prints why
 * not (as "vigil CMD: ...") and returns NULL when it cannot. */
vg_store *cli_store_reader(const char *url, const char *cmd);

/* Today (UTC) as yyyymmdd: the date of undated records. */
int32_t cli_today(void);

/* -j's default: the online processors (at most 16). */
int cli_default_threads(void);

/* Parses a positive integer option value; returns false on junk. */
bool cli_int(const char *s, int lo, int hi, int *out);

#endif
