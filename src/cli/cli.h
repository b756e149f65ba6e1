/* cli.h -- subcommands of the `vigil` program.  Each takes argv with
 * argv[0] set to the subcommand name and returns the exit status
 * (0 success, 1 some records or entries failed, 2 usage or fatal error). */
#ifndef VG_CLI_H
#define VG_CLI_H

#include "dict.h"
#include "watch.h"

#include <stdio.h>

/* ---- help: one description per subcommand, the source of both its
 * --help text and its manual page (help.c renders them) ---- */

typedef struct cli_opt {
    const char *flag;         /* "--format F" */
    const char *text;         /* what it does, one sentence or two */
} cli_opt;

typedef struct cli_help {
    const char *name;         /* "code" */
    const char *summary;      /* one line, for `vigil help` and the page's NAME */
    const char *synopsis;     /* what follows "vigil NAME", a line per form */
    const char *description;  /* paragraphs, separated by blank lines */
    const cli_opt *options;   /* NULL-terminated (flag NULL); may be NULL */
    bool dict_options;        /* takes the dictionary options (cli_dict_opts) */
    bool watch_options;       /* takes the detector options (cli_watch_opts) */
    bool model_options;       /* takes the model options (cli_model_opts) */
    const char *examples;     /* command lines, one a line; may be NULL */
} cli_help;

extern const cli_opt cli_dict_opts[], cli_watch_opts[], cli_model_opts[];
extern const cli_help cli_help_code, cli_help_validate, cli_help_ingest, cli_help_export,
    cli_help_series, cli_help_alerts, cli_help_report, cli_help_serve, cli_help_dict,
    cli_help_train, cli_help_version, cli_help_help, cli_help_monitor;

/* The whole help text of a subcommand (what `vigil CMD --help` prints). */
void cli_help_print(const cli_help *h, FILE *f);
/* Its usage lines alone, and where to read more (after a usage error). */
void cli_usage(const cli_help *h, FILE *f);
/* The dashboard's files beside the running binary (<its directory>/web),
 * if that is a folder; NULL otherwise (serve.c; serve and monitor). */
char *cli_default_assets(void);
/* A usage error: "vigil CMD: what 'arg'", the usage lines; returns 2. */
int cli_usage_error(const cli_help *h, const char *what, const char *arg);
/* True when argv[i] asks for help (-h, --help). */
bool cli_wants_help(const char *arg);

/* Runs the subcommand argv[1] (help.c). */
int cli_main(int argc, char **argv);

int cli_help_cmd(int argc, char **argv);
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
int cli_train(int argc, char **argv);
int cli_monitor(int argc, char **argv);

/* Dictionary options shared by subcommands (dictargs.c): consumes argv[*i]
 * (and its value) if it is one; cli_load_dicts then loads the set. */
bool cli_dict_arg(vg_dict_spec *sp, int argc, char **argv, int *i);
/* Loads the set the options name, through the image cache (vg_dict_open);
 * NULL, with "vigil CMD: reason" on stderr, when an image is refused. */
vg_dict *cli_load_dicts(vg_dict_spec *sp, vg_diag *diag, const char *cmd);

/* Detector options shared by subcommands (watchargs.c): applies "--k 0.5"
 * and the like.  Returns 1 if opt is a detector option and val is valid, 0
 * if opt is not one, -1 for a bad value (then *why is set). */
int cli_watch_arg(vg_watch_params *p, const char *opt, const char *val, const char **why);
/* The detector's flag --include-unknown: true if opt is it (then set). */
bool cli_watch_flag(vg_watch_params *p, const char *opt);

/* SIGTERM, SIGINT and SIGHUP set a flag (and SIGPIPE is ignored) instead
 * of killing: long-running commands poll cli_stopping() and stop cleanly. */
#include <signal.h>
void cli_stop_signals(void);
int cli_stopping(void);                       /* the signal received, 0 if none */
const volatile sig_atomic_t *cli_stop_flag(void);
/* Now as "2024-05-01T12:00:00Z" (UTC). */
void cli_iso_now(char buf[32]);

/* Opens a store read-only for `series`, `alerts` and `report`; prints why
 * not (as "vigil CMD: ...") and returns NULL when it cannot. */
vg_store *cli_store_reader(const char *url, const char *cmd);

/* Model options shared by code, ingest and validate (dictargs.c):
 *   --coder dict|hybrid    --model FILE    --min-confidence X
 * Hybrid coding is the default with Vigil's own dictionaries; TABARI and
 * PETRARCH dictionary sets code with the dictionaries alone unless asked. */
struct vg_code_opts;
struct vg_model;
typedef struct cli_modelspec {
    const char *coder;        /* "dict", "hybrid" or NULL (the default) */
    const char *model;        /* a model file, or NULL (the built-in one) */
    double min_confidence;
    const char *one_sided;    /* "yes", "no" or NULL (yes) */
    struct vg_model *loaded;
} cli_modelspec;

bool cli_model_arg(cli_modelspec *ms, int argc, char **argv, int *i);
/* Sets co->model, fallback and thresholds; false (message printed, prefixed
 * by cmd) on a bad option or model file. */
bool cli_model_setup(cli_modelspec *ms, const vg_dict_spec *ds, struct vg_code_opts *co,
                     const char *cmd);
void cli_modelspec_free(cli_modelspec *ms);

/* Today (UTC) as yyyymmdd: the date of undated records. */
int32_t cli_today(void);

/* -j's default: the online processors (at most 16). */
int cli_default_threads(void);

/* Parses a positive integer option value; returns false on junk. */
bool cli_int(const char *s, int lo, int hi, int *out);

#endif
