/* series.c -- `vigil series`: a dyad's event counts per period (CSV/JSON). */
#include "cli.h"
#include "watch.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

static const cli_opt options[] = {
    { "--dyad A-B", "the pair of actor-code prefixes (SRB includes SRBMIL); required" },
    { "--by P", "day, week (default; weeks start on Monday) or month" },
    { "--from YYYY-MM-DD", "the first day (default: the dyad's first event)" },
    { "--to YYYY-MM-DD", "the last day (default: its last event)" },
    { "--format F", "csv (default: period, direction, events, q1..q4, material_conflict, "
                    "goldstein_sum, goldstein_mean, cci) or json (columnar, as the "
                    "dashboard reads it)" },
    { "--db URL", "the store: a SQLite file (default vigil.db) or postgresql://..." },
    { NULL, NULL }
};

const cli_help cli_help_series = {
    .name = "series",
    .summary = "a dyad's event counts per day, week or month (CSV or JSON)",
    .synopsis = "--dyad A-B [--by day|week|month] [--from DATE] [--to DATE] [--format csv|json]\n"
                "[--db URL]",
    .description =
        "Counts the deduplicated events of A->B, B->A and both directions per period, "
        "every period present (empty ones as zeros), by QuadClass, with Goldstein sums "
        "and means and the conflict-cooperation index (docs/watch.md).\n\n"
        "An event counts only in periods at least as long as what is known of its date: "
        "one dated \"in March\" is in monthly series, not on March 1st of a daily or weekly "
        "one (the number left out goes to standard error, and to \"coarse\" in JSON).",
    .options = options,
    .examples = "vigil series --db vigil.db --dyad SRB-KSV --by week",
};

static int fail(const char *what, const char *arg)
{
    return cli_usage_error(&cli_help_series, what, arg);
}

int cli_series(int argc, char **argv)
{
    const char *db_path = "vigil.db", *why = NULL;
    vg_dyad d;
    bool have_dyad = false, json = false;
    vg_period by = VG_BY_WEEK;
    long from = LONG_MIN, to = LONG_MAX;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) return fail("missing value or unknown option", a);
        i++;
        if (!strcmp(a, "--dyad")) {
            if (!vg_dyad_parse(v, &d, &why)) return fail(why, v);
            have_dyad = true;
        } else if (!strcmp(a, "--by")) {
            if (!vg_period_parse(v, &by)) return fail("bad period", v);
        } else if (!strcmp(a, "--from")) {
            if (!vg_day_parse(v, &from)) return fail("bad date", v);
        } else if (!strcmp(a, "--to")) {
            if (!vg_day_parse(v, &to)) return fail("bad date", v);
        } else if (!strcmp(a, "--format")) {
            if (strcmp(v, "csv") && strcmp(v, "json")) return fail("bad format", v);
            json = !strcmp(v, "json");
        } else if (!strcmp(a, "--db")) {
            db_path = v;
        } else {
            return fail("unknown option", a);
        }
    }
    if (!have_dyad) { cli_usage(&cli_help_series, stderr); return 2; }
    char err[256];
    vg_store *db = cli_store_reader(db_path, "series");
    if (!db) return 2;
    vg_watch_series s;
    bool ok = vg_watch_load_series(db, &d, by, from, to, VG_WATCH_MAX_PERIODS, &s, err, sizeof err);
    if (ok) {
        vg_buf out = {0};
        if (json) { vg_watch_series_json(&s, &out); vg_buf_putc(&out, '\n'); }
        else vg_watch_series_csv(&s, &out);
        fwrite(out.s, 1, out.len, stdout);
        vg_buf_free(&out);
        if (s.coarse)
            fprintf(stderr, "vigil series: %zu event%s dated only to a %s left out of this "
                            "by-%s series\n", s.coarse, s.coarse == 1 ? "" : "s",
                    by == VG_BY_DAY ? "week, month or year" : by == VG_BY_WEEK ? "month or year"
                                                                              : "year",
                    vg_period_name(by));
    } else {
        fprintf(stderr, "vigil series: %s\n", err);
    }
    vg_watch_series_free(&s);
    vg_store_free(db);
    return ok ? 0 : 2;
}
