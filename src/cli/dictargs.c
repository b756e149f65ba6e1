/* dictargs.c -- the dictionary options shared by subcommands:
 *   --project F            a TABARI .project (names actors, agents, verbs, options)
 *   --config F             a PETRARCH PETR_config.ini
 *   --actors F (repeat)    --agents F (repeat)   --verbs F   --options F
 *   --discards F           --issues F
 * With none of them, Vigil's own default dictionaries are used. */
#include "cli.h"
#include "date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static bool is_tabari_name(const char *p, const char *ext)
{
    size_t n = strlen(p), k = strlen(ext);
    return n > k && !strcmp(p + n - k, ext);
}

bool cli_dict_arg(cli_dictspec *sp, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
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
    else return false;
    (*i)++;
    return true;
}

bool cli_dict_given(const cli_dictspec *sp)
{
    return sp->project || sp->config || sp->actors.n || sp->agents.n || sp->verbs.n ||
           sp->options || sp->discards.n || sp->issues.n;
}

/* A file in TABARI syntax (by extension) or PETRARCH syntax. */
static void load_each(vg_dict *d, const cli_strs *files, const char *tabari_ext,
                      vg_loader tabari, vg_loader petrarch, vg_diag *diag)
{
    for (size_t i = 0; i < files->n; i++) {
        const char *f = files->v[i];
        vg_load_file(d, f, is_tabari_name(f, tabari_ext) || !petrarch ? tabari : petrarch, diag);
    }
}

vg_dict *cli_dict_load(const cli_dictspec *sp, vg_diag *diag)
{
    vg_dict *d = vg_dict_new();
    if (!cli_dict_given(sp)) {
        vg_load_defaults(d, diag);
    } else {
        if (sp->project) {
            d->opt.tabari_compat = true;
            vg_load_tabari_project(d, sp->project, diag, NULL);
        }
        if (sp->config) vg_load_petrarch_config(d, sp->config, diag);
        load_each(d, &sp->actors, ".actors", vg_load_tabari_actors,
                  vg_load_petrarch_actors, diag);
        load_each(d, &sp->agents, ".agents", vg_load_tabari_agents,
                  vg_load_petrarch_agents, diag);
        load_each(d, &sp->verbs, ".verbs", vg_load_tabari_verbs,
                  vg_load_petrarch_verbs, diag);
        load_each(d, &sp->discards, ".discards", vg_load_petrarch_discards,
                  vg_load_petrarch_discards, diag);
        load_each(d, &sp->issues, ".issues", vg_load_petrarch_issues,
                  vg_load_petrarch_issues, diag);
        if (sp->options) vg_load_file(d, sp->options, vg_load_tabari_options, diag);
        /* TABARI dictionaries are coded the TABARI way */
        bool tabari = sp->project || sp->options;
        for (size_t i = 0; i < sp->verbs.n; i++)
            tabari |= is_tabari_name(sp->verbs.v[i], ".verbs");
        if (tabari) d->opt.tabari_compat = true;
    }
    vg_dict_compile(d);
    return d;
}

void cli_dictspec_free(cli_dictspec *sp)
{
    vg_vec_free(&sp->actors);
    vg_vec_free(&sp->agents);
    vg_vec_free(&sp->verbs);
    vg_vec_free(&sp->discards);
    vg_vec_free(&sp->issues);
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
