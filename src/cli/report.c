/* report.c -- `vigil report`: a dyad's plain-text report for the terminal. */
#include "cli.h"
#include "watch.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

static const char usage_head[] =
    "usage: vigil report --dyad A-B [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--by day|week|month]\n"
    "                    [--width N] [--top N] [--db PATH] [detector options]\n"
    "Sparklines of conflict and cooperation, the dyad's alerts and its most reported\n"
    "events with their sentences and sources.  Detector options (docs/watch.md):\n";

static int fail(const char *what, const char *arg)
{
    fprintf(stderr, "vigil report: %s '%s'\n%s%s", what, arg, usage_head, cli_watch_usage);
    return 2;
}

int cli_report(int argc, char **argv)
{
    const char *db_path = "vigil.db", *why = NULL;
    bool have_dyad = false;
    vg_watch_report_opts o = { .from = LONG_MIN, .to = LONG_MAX, .width = 72, .top = 10, .sentences = 2 };
    vg_watch_params_default(&o.params);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            printf("%s%s", usage_head, cli_watch_usage);
            return 0;
        }
        if (!v) return fail("missing value or unknown option", a);
        i++;
        int r = cli_watch_arg(&o.params, a, v, &why);
        if (r < 0) return fail(why, v);
        if (r > 0) continue;
        if (!strcmp(a, "--dyad")) {
            if (!vg_dyad_parse(v, &o.dyad, &why)) return fail(why, v);
            have_dyad = true;
        } else if (!strcmp(a, "--from")) {
            if (!vg_day_parse(v, &o.from)) return fail("bad date", v);
        } else if (!strcmp(a, "--to")) {
            if (!vg_day_parse(v, &o.to)) return fail("bad date", v);
        } else if (!strcmp(a, "--by")) {
            if (!vg_period_parse(v, &o.by)) return fail("bad period", v);
            o.by_given = true;
        } else if (!strcmp(a, "--width")) {
            if (!cli_int(v, 10, 1000, &o.width)) return fail("bad width", v);
        } else if (!strcmp(a, "--top")) {
            if (!cli_int(v, 0, 1000, &o.top)) return fail("bad count", v);
        } else if (!strcmp(a, "--db")) {
            db_path = v;
        } else {
            return fail("unknown option", a);
        }
    }
    if (!have_dyad) { fprintf(stderr, "%s", usage_head); return 2; }
    char err[256];
    vg_store *db = cli_store_reader(db_path, "report");
    if (!db) return 2;
    vg_buf out = {0};
    bool ok = vg_watch_report(db, &o, &out, err, sizeof err);
    if (ok) fwrite(out.s, 1, out.len, stdout);
    else fprintf(stderr, "vigil report: %s\n", err);
    vg_buf_free(&out);
    vg_store_free(db);
    return ok ? 0 : 2;
}
