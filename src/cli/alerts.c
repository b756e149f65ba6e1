/* alerts.c -- `vigil alerts`: escalation alerts of every dyad (or one). */
#include "cli.h"
#include "watch.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

static const cli_opt options[] = {
    { "--since YYYY-MM-DD", "alerts whose episode starts on or after this day (default: all)" },
    { "--dyad A-B", "watch this pair of actor-code prefixes only (default: every pair of "
                    "3-letter prefixes)" },
    { "--format F", "text (default: a table) or json" },
    { "--db URL", "the store: a SQLite file (default vigil.db) or postgresql://..." },
    { NULL, NULL }
};

const cli_help cli_help_alerts = {
    .name = "alerts",
    .summary = "escalation alerts (CUSUM on conflict intensity)",
    .synopsis = "[--since DATE] [--dyad A-B] [--format text|json] [--db URL] [DETECTOR]",
    .description =
        "Runs the escalation detector over each dyad's daily conflict intensity (verbal "
        "conflict weighs 1, material conflict more) against a trailing baseline, and lists "
        "the alerts newest first: when the episode started, when it was raised and ended, "
        "its conflict events against the baseline, how severe it is (the highest in how "
        "many months) and the events that drove it. Counts are of deduplicated events: a "
        "story reported a thousand times is one event.",
    .options = options,
    .watch_options = true,
    .examples = "vigil alerts --db vigil.db --since 2023-09-01\n"
                "vigil alerts --db vigil.db --dyad SRB-KSV --format json",
};

static int fail(const char *what, const char *arg)
{
    fprintf(stderr, "vigil alerts: %s '%s'\n", what, arg);
    cli_usage(&cli_help_alerts, stderr);
    return 2;
}

static void print_text(const vg_watch_alerts *al)
{
    printf("%-10s  %-10s  %-10s  %-15s %6s %6s %6s  %-36s %s\n", "start", "trigger", "end", "dyad",
           "events", "peak7", "base7", "severity", "drivers");
    for (size_t i = 0; i < al->n; i++) {
        const vg_watch_alert *x = &al->v[i];
        char s[11], t[11], e[11], sev[96], dy[2 * VG_ACTOR_MAX + 2];
        vg_day_format(x->start, s);
        vg_day_format(x->trigger, t);
        vg_day_format(x->end, e);
        vg_watch_alert_severity(x, sev, sizeof sev);
        snprintf(dy, sizeof dy, "%s-%s", x->dyad.a, x->dyad.b);
        printf("%-10s  %-10s  %-10s%s %-15s %6d %6.1f %6.1f  %-36s", s, t, e, x->ongoing ? "+" : " ",
               dy, x->n_events, x->peak7, 7 * x->baseline, sev);
        for (size_t k = 0; k < x->drivers.n && k < 5; k++)
            printf("%s%lld", k ? "," : " ", (long long)x->drivers.v[k]);
        puts(x->drivers.n > 5 ? ",..." : "");
    }
}

int cli_alerts(int argc, char **argv)
{
    const char *db_path = "vigil.db", *why = NULL;
    vg_dyad d;
    bool have_dyad = false, json = false;
    long since = LONG_MIN;
    vg_watch_params p;
    vg_watch_params_default(&p);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) return fail("missing value or unknown option", a);
        i++;
        int r = cli_watch_arg(&p, a, v, &why);
        if (r < 0) return fail(why, v);
        if (r > 0) continue;
        if (!strcmp(a, "--dyad")) {
            if (!vg_dyad_parse(v, &d, &why)) return fail(why, v);
            have_dyad = true;
        } else if (!strcmp(a, "--since")) {
            if (!vg_day_parse(v, &since)) return fail("bad date", v);
        } else if (!strcmp(a, "--format")) {
            if (strcmp(v, "text") && strcmp(v, "json")) return fail("bad format", v);
            json = !strcmp(v, "json");
        } else if (!strcmp(a, "--db")) {
            db_path = v;
        } else {
            return fail("unknown option", a);
        }
    }
    char err[256];
    vg_store *db = cli_store_reader(db_path, "alerts");
    if (!db) return 2;
    vg_watch_alerts al = {0};
    bool ok = have_dyad ? vg_watch_dyad_alerts(db, &p, &d, since, &al, err, sizeof err)
                        : vg_watch_scan(db, &p, since, &al, err, sizeof err);
    if (ok) {
        vg_watch_alerts_sort(&al);
        if (json) {
            vg_buf out = {0};
            vg_watch_alerts_json(&al, &out);
            puts(out.s);
            vg_buf_free(&out);
        } else {
            print_text(&al);
        }
    } else {
        fprintf(stderr, "vigil alerts: %s\n", err);
    }
    vg_watch_alerts_free(&al);
    vg_store_free(db);
    return ok ? 0 : 2;
}
