/* dictargs.c -- the dictionary options shared by subcommands:
 *   --project F            a TABARI .project (names actors, agents, verbs, options)
 *   --config F             a PETRARCH PETR_config.ini
 *   --actors F (repeat)    --agents F (repeat)   --verbs F   --options F
 *   --discards F           --issues F
 * With none of them, Vigil's own default dictionaries are used
 * (vg_dict_load_spec). */
#include "cli.h"
#include "date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

bool cli_dict_arg(vg_dict_spec *sp, int argc, char **argv, int *i)
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
