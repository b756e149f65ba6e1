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
int cli_train(int argc, char **argv);

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
    struct vg_model *loaded;
} cli_modelspec;

bool cli_model_arg(cli_modelspec *ms, int argc, char **argv, int *i);
/* Sets co->model, fallback and thresholds; false (message printed, prefixed
 * by cmd) on a bad option or model file. */
bool cli_model_setup(cli_modelspec *ms, const cli_dictspec *ds, struct vg_code_opts *co,
                     const char *cmd);
void cli_modelspec_free(cli_modelspec *ms);
#define CLI_MODEL_USAGE \
    "  --coder dict|hybrid   the dictionaries alone, or with the model deciding\n" \
    "                        (default: hybrid with Vigil's dictionaries, dict otherwise)\n" \
    "  --model FILE          a model from `vigil train` (heads it lacks: the built-in model)\n" \
    "  --min-confidence X    drop hybrid events below confidence X (0..1)\n"

/* Today (UTC) as yyyymmdd: the date of undated records. */
int32_t cli_today(void);

/* -j's default: the online processors (at most 16). */
int cli_default_threads(void);

/* Parses a positive integer option value; returns false on junk. */
bool cli_int(const char *s, int lo, int hi, int *out);

#endif
