/* report.c -- `vigil report`: a dyad's plain-text report for the terminal. */
#include "cli.h"
#include "watch.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

static const cli_opt options[] = {
    { "--dyad A-B", "the pair of actor-code prefixes; required" },
    { "--from YYYY-MM-DD", "the first day (default: the dyad's first event)" },
    { "--to YYYY-MM-DD", "the last day (default: its last event)" },
    { "--by P", "day, week or month per sparkline step (default: whichever fits --width)" },
    { "--width N", "sparkline columns (default 72)" },
    { "--top N", "most reported events listed (default 10)" },
    { "--db URL", "the store: a SQLite file (default vigil.db) or postgresql://..." },
    { NULL, NULL }
};

const cli_help cli_help_report = {
    .name = "report",
    .summary = "a dyad's report for the terminal: sparklines, alerts, top events",
    .synopsis = "--dyad A-B [--from DATE] [--to DATE] [--by day|week|month] [--width N]\n"
                "[--top N] [--db URL] [DETECTOR]",
    .description =
        "Prints a plain-text report of a dyad: its totals by QuadClass and its Goldstein "
        "mean, sparklines of conflict, material conflict and cooperation with its alerts "
        "marked, the alerts, and its most reported events (by sources, then mentions) "
        "with the sentences and outlets that reported them.",
    .options = options,
    .watch_options = true,
    .examples = "vigil report --db vigil.db --dyad SRB-KSV",
};

static int fail(const char *what, const char *arg)
{
    return cli_usage_error(&cli_help_report, what, arg);
}

int cli_report(int argc, char **argv)
{
    const char *db_path = "vigil.db", *why = NULL;
    bool have_dyad = false;
    vg_watch_report_opts o = { .from = LONG_MIN, .to = LONG_MAX, .width = 72, .top = 10, .sentences = 2 };
    vg_watch_params_default(&o.params);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
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
    if (!have_dyad) { cli_usage(&cli_help_report, stderr); return 2; }
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
