/* watchargs.c -- the detector options shared by `vigil alerts`, `report`
 * and `serve` (docs/watch.md). */
#include "cli.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static bool parse_real(const char *s, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (!*s || *end || !(v >= lo && v <= hi)) return false;
    *out = v;
    return true;
}

static bool parse_intv(const char *s, int lo, int hi, int *out)
{
    double v;
    if (!parse_real(s, lo, hi, &v) || v != (int)v) return false;
    *out = (int)v;
    return true;
}

int cli_watch_arg(vg_watch_params *p, const char *opt, const char *val, const char **why)
{
    bool ok;
    if (!strcmp(opt, "--baseline")) ok = parse_intv(val, 7, 3650, &p->baseline_days);
    else if (!strcmp(opt, "--guard")) ok = parse_intv(val, 0, 365, &p->guard_days);
    else if (!strcmp(opt, "--min-history")) ok = parse_intv(val, 1, 3650, &p->min_history);
    else if (!strcmp(opt, "--k")) ok = parse_real(val, 0, 10, &p->k);
    else if (!strcmp(opt, "--h")) ok = parse_real(val, 0.5, 100, &p->h);
    else if (!strcmp(opt, "--sigma-min")) ok = parse_real(val, 0.1, 100, &p->sigma_min);
    else if (!strcmp(opt, "--material-weight")) ok = parse_real(val, 0, 10, &p->material_weight);
    else if (!strcmp(opt, "--min-events")) ok = parse_intv(val, 2, 10000, &p->min_events);
    else if (!strcmp(opt, "--max-drivers")) ok = parse_intv(val, 1, 1000, &p->max_drivers);
    else return 0;
    if (!ok) { *why = "value out of range"; return -1; }
    return vg_watch_params_check(p, why) ? 1 : -1;
}

const cli_opt cli_watch_opts[] = {
    { "--baseline DAYS", "the trailing baseline window (90)" },
    { "--guard DAYS", "the gap between the baseline and the day watched (7)" },
    { "--min-history DAYS", "baseline days needed before a dyad is watched (30)" },
    { "--k SD", "the CUSUM reference value, in baseline standard deviations (1)" },
    { "--h SD", "the CUSUM threshold (8)" },
    { "--sigma-min N", "the floor of the baseline's standard deviation, events a day (1)" },
    { "--material-weight W", "the weight of material conflict (2; verbal conflict weighs 1)" },
    { "--min-events N", "conflict events needed for an alert (3)" },
    { "--max-drivers N", "event ids listed per alert (20)" },
    { NULL, NULL }
};

bool cli_watch_flag(vg_watch_params *p, const char *opt)
{
    if (strcmp(opt, "--include-unknown")) return false;
    p->include_unknown = true;
    return true;
}

/* ---- stopping on a signal: the one flag a handler may set ---- */

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
    stop_signal = sig;
}

void cli_stop_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

int cli_stopping(void)
{
    return stop_signal;
}

const volatile sig_atomic_t *cli_stop_flag(void)
{
    return &stop_signal;
}

void cli_iso_now(char buf[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

vg_store *cli_store_reader(const char *url, const char *cmd)
{
    vg_store_opts o = { .read_only = true };
    vg_store *st = vg_store_new(url, &o);
    if (!vg_store_error(st)[0]) return st;
    fprintf(stderr, "vigil %s: %s\n", cmd, vg_store_error(st));
    vg_store_free(st);
    return NULL;
}
