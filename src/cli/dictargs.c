/* dictargs.c -- the dictionary options shared by subcommands:
 *   --project F            a TABARI .project (names actors, agents, verbs, options)
 *   --config F             a PETRARCH PETR_config.ini
 *   --actors F (repeat)    --agents F (repeat)   --verbs F   --options F
 *   --discards F           --issues F
 *   --dict-image F         a compiled image: alone, the set to use; with
 *                          files, where their image is kept
 *   --no-dict-cache        no image cache for the files named
 * With none of them, Vigil's own default dictionaries are used (the
 * image built in).  Sets of files are compiled once and then mapped from
 * the cache (vg_dict_open, docs/dictionaries.md). */
#include "cli.h"
#include "date.h"
#include "pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

bool cli_dict_arg(vg_dict_spec *sp, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (!strcmp(a, "--no-dict-cache")) {
        sp->cache_dir = "";                  /* none (cli_load_dicts) */
        return true;
    }
    if (*i + 1 >= argc) return false;
    const char *v = argv[*i + 1];
    if (!strcmp(a, "--project")) sp->project = v;
    else if (!strcmp(a, "--config")) sp->config = v;
    else if (!strcmp(a, "--actors")) vg_vec_push(&sp->actors, v);
    else if (!strcmp(a, "--agents")) vg_vec_push(&sp->agents, v);
    else if (!strcmp(a, "--verbs")) vg_vec_push(&sp->verbs, v);
    else if (!strcmp(a, "--options")) sp->options = v;
    else if (!strcmp(a, "--discards")) vg_vec_push(&sp->discards, v);
    else if (!strcmp(a, "--issues")) vg_vec_push(&sp->issues, v);
    else if (!strcmp(a, "--dict-image")) sp->image = v;
    else return false;
    (*i)++;
    return true;
}

vg_dict *cli_load_dicts(vg_dict_spec *sp, vg_diag *diag, const char *cmd)
{
    const char *given = sp->cache_dir;
    char *cache = given ? NULL : vg_dict_cache_dir();
    sp->cache_dir = given && *given ? given : cache;
    char err[1024];
    vg_dict *d = vg_dict_open(sp, diag, err, sizeof err);
    if (!d) fprintf(stderr, "vigil %s: %s\n", cmd, err);
    sp->cache_dir = given;
    free(cache);
    return d;
}

bool cli_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi) return false;
    *out = (int)v;
    return true;
}

int cli_default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 16 ? 16 : (int)n;
}

int32_t cli_today(void)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    return vg_date_of_ymd((vg_ymd){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday });
}

bool cli_model_arg(cli_modelspec *ms, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (*i + 1 >= argc) return false;
    const char *v = argv[*i + 1];
    if (!strcmp(a, "--coder")) ms->coder = v;
    else if (!strcmp(a, "--model")) ms->model = v;
    else if (!strcmp(a, "--min-confidence")) {
        char *end;
        ms->min_confidence = strtod(v, &end);
        if (!*v || *end || !(ms->min_confidence >= 0 && ms->min_confidence <= 1))
            ms->min_confidence = -1;     /* reported by cli_model_setup */
    } else if (!strcmp(a, "--one-sided")) ms->one_sided = v;
    else return false;
    (*i)++;
    return true;
}

bool cli_model_setup(cli_modelspec *ms, const vg_dict_spec *ds, vg_code_opts *co,
                     const char *cmd)
{
    co->model = co->fallback = NULL;
    vg_model_opts_default(&co->mopts);
    if (ms->min_confidence < 0) {
        fprintf(stderr, "vigil %s: --min-confidence takes a number from 0 to 1\n", cmd);
        return false;
    }
    co->mopts.min_confidence = ms->min_confidence;
    if (ms->one_sided && strcmp(ms->one_sided, "yes")) {
        if (strcmp(ms->one_sided, "no")) {
            fprintf(stderr, "vigil %s: --one-sided must be yes or no, not '%s'\n", cmd,
                    ms->one_sided);
            return false;
        }
        co->mopts.add_partial = 2;     /* above any probability: never */
        co->require_dyad = true;       /* nor do the dictionaries propose one */
    }
    bool hybrid;
    /* the defaults: no files named, and no image or an image of the defaults */
    bool defaults = vg_dict_spec_empty(ds) &&
                    (!ds->image || vg_dict_image_is_defaults(ds->image));
    if (!ms->coder) hybrid = ms->model || defaults;
    else if (!strcmp(ms->coder, "hybrid")) hybrid = true;
    else if (!strcmp(ms->coder, "dict")) hybrid = false;
    else {
        fprintf(stderr, "vigil %s: --coder must be dict or hybrid, not '%s'\n", cmd, ms->coder);
        return false;
    }
    if (!hybrid) return true;
    const vg_model *deflt = vg_model_default();
    if (ms->model) {
        char err[300];
        ms->loaded = vg_model_load_file(ms->model, err, sizeof err);
        if (!ms->loaded) {
            fprintf(stderr, "vigil %s: %s\n", cmd, err);
            return false;
        }
        co->model = ms->loaded;
        co->fallback = deflt;
    } else {
        co->model = deflt;
        if (!deflt && ms->coder)
            fprintf(stderr, "vigil %s: this build has no model; coding with the dictionaries "
                    "alone\n", cmd);
    }
    return true;
}

void cli_modelspec_free(cli_modelspec *ms)
{
    vg_model_free(ms->loaded);
    ms->loaded = NULL;
}
