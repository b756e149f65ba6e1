/* alerts.c -- `vigil alerts`: escalation alerts of every dyad (or one),
 * once or as they are stored (--follow). */
#include "cli.h"
#include "watch.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const cli_opt options[] = {
    { "--since YYYY-MM-DD", "alerts whose episode starts on or after this day (default: all; "
                            "with --follow: none of those already there)" },
    { "--dyad A-B", "watch this pair of actor-code prefixes only (default: every pair of "
                    "actor groups: countries, each international organisation)" },
    { "--format F", "text (default: a table) or json (with --follow: json lines, the default)" },
    { "--include-unknown", "also list dyads with \"---\", actors whose country is unknown "
                           "(coded by their role alone: ---REB, ---MIL)" },
    { "--follow", "keep watching the store and print each new alert as it appears, one JSON "
                  "line each (the payload the monitor delivers, docs/monitor.md); stops on "
                  "SIGTERM or SIGINT" },
    { "--every S", "with --follow: look at the store every S seconds (default 2)" },
    { "--db URL", "the store: a SQLite file (default vigil.db) or postgresql://..." },
    { NULL, NULL }
};

const cli_help cli_help_alerts = {
    .name = "alerts",
    .summary = "escalation alerts (CUSUM on conflict intensity), once or as they come",
    .synopsis = "[--since DATE] [--dyad A-B] [--format text|json] [--include-unknown] [--db URL]\n"
                "[DETECTOR]\n"
                "--follow [--every S] [--since DATE] [--include-unknown] [--db URL] [DETECTOR]",
    .description =
        "Runs the escalation detector over each dyad's daily conflict intensity (verbal "
        "conflict weighs 1, material conflict more) against a trailing baseline, and lists "
        "the alerts newest first: when the episode started, when it was raised and ended, "
        "its conflict events against the baseline, how severe it is (the highest in how "
        "many months) and the events that drove it. Counts are of deduplicated events: a "
        "story reported a thousand times is one event. Dyads pair actor groups: a country "
        "(SRB), or an international organisation as itself (IGOWSTNAT for NATO, IGOUNO for "
        "the UN, IGOEUREEC for the EU); every dyad printed is accepted by --dyad and by "
        "the other commands.\n\n"
        "With --follow it keeps running: whenever another process (vigil ingest, vigil "
        "monitor) has stored new reports it runs the detector again on the dyads they "
        "touched and prints each alert it has not printed before as one JSON line, for "
        "pipes (vigil alerts --follow | while read a; do ...; done). An episode keeps "
        "its key (dyad and start) while it goes on and is printed once.",
    .options = options,
    .watch_options = true,
    .examples = "vigil alerts --db vigil.db --since 2023-09-01\n"
                "vigil alerts --db vigil.db --dyad SRB-KSV --format json\n"
                "vigil alerts --db vigil.db --follow | jq -r .dyad",
};

static int fail(const char *what, const char *arg)
{
    return cli_usage_error(&cli_help_alerts, what, arg);
}

static void print_header(void)
{
    printf("%-10s  %-10s  %-10s  %-15s %6s %6s %6s  %-36s %s\n", "start", "trigger", "end", "dyad",
           "events", "peak7", "base7", "severity", "drivers");
}

static void print_row(const vg_watch_alert *x)
{
    char s[11], t[11], e[11], sev[96], dy[2 * VG_ACTOR_MAX + 2];
    vg_day_format(x->start, s);
    vg_day_format(x->trigger, t);
    vg_day_format(x->end, e);
    vg_watch_alert_severity(x, sev, sizeof sev);
    vg_dyad_format(&x->dyad, dy, sizeof dy);
    printf("%-10s  %-10s  %-10s%s %-15s %6d %6.1f %6.1f  %-36s", s, t, e, x->ongoing ? "+" : " ",
           dy, x->n_events, x->peak7, 7 * x->baseline, sev);
    for (size_t k = 0; k < x->drivers.n && k < 5; k++)
        printf("%s%lld", k ? "," : " ", (long long)x->drivers.v[k]);
    puts(x->drivers.n > 5 ? ",..." : "");
}

/* ---- --follow ---- */

typedef struct follow {
    vg_store *db;
    const vg_watch_params *p;
    bool json;
    VG_VEC(vg_watch_alert) known;   /* episodes printed or there at the start (no drivers) */
    int64_t last_mention;
} follow;

static bool known_episode(const follow *f, const vg_watch_alert *a)
{
    for (size_t i = 0; i < f->known.n; i++)
        if (vg_watch_alert_same_episode(&f->known.v[i], a)) return true;
    return false;
}

static void remember(follow *f, const vg_watch_alert *a)
{
    for (size_t i = 0; i < f->known.n; i++)
        if (vg_watch_alert_same_episode(&f->known.v[i], a)) {
            /* the episode grew: keep its first start (its key), the later end */
            if (a->end > f->known.v[i].end) f->known.v[i].end = a->end;
            return;
        }
    vg_watch_alert k = *a;
    memset(&k.drivers, 0, sizeof k.drivers);
    vg_vec_push(&f->known, k);
}

/* Prints one alert; false when standard output is gone. */
static bool emit(follow *f, const vg_watch_alert *a)
{
    if (f->json) {
        char now[32], err[256];
        cli_iso_now(now);
        vg_buf out = {0};
        if (!vg_watch_alert_payload(f->db, a, NULL, now, &out, err, sizeof err)) {
            fprintf(stderr, "vigil alerts: %s\n", err);
            vg_buf_clear(&out);
            vg_watch_alert_json(a, &out);
        }
        puts(out.s);
        vg_buf_free(&out);
    } else {
        print_row(a);
    }
    return fflush(stdout) == 0 && !ferror(stdout);
}

static int cmp_oldest(const void *pa, const void *pb)
{
    const vg_watch_alert *a = pa, *b = pb;
    if (a->start != b->start) return a->start < b->start ? -1 : 1;
    int c = strcmp(a->dyad.a, b->dyad.a);
    return c ? c : strcmp(a->dyad.b, b->dyad.b);
}

/* New alerts among al (oldest first), printed and remembered. */
static bool emit_new(follow *f, vg_watch_alerts *al)
{
    if (al->n) qsort(al->v, al->n, sizeof *al->v, cmp_oldest);
    for (size_t i = 0; i < al->n; i++) {
        if (known_episode(f, &al->v[i])) { remember(f, &al->v[i]); continue; }
        if (!emit(f, &al->v[i])) return false;
        remember(f, &al->v[i]);
    }
    return true;
}

static void nap(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static int run_follow(vg_store *db, const vg_watch_params *p, long since, bool json, int every)
{
    follow f = { .db = db, .p = p, .json = json };
    char err[256] = "";
    vg_watch_alerts al = {0};
    cli_stop_signals();
    /* where the store is now: its last mention, its alerts (printed only
     * from --since on, the others remembered) */
    int64_t version = -1;
    bool ok = vg_store_last_mention(db, &f.last_mention) && vg_store_data_version(db, &version);
    if (!ok) snprintf(err, sizeof err, "%s", vg_store_error(db));
    if (ok) ok = vg_watch_scan(db, p, LONG_MIN, &al, err, sizeof err);
    bool open = true;
    if (ok) {
        if (!json) print_header();
        vg_watch_alerts start = {0};
        for (size_t i = 0; i < al.n; i++) {
            if (since != LONG_MIN && al.v[i].start >= since) vg_vec_push(&start, al.v[i]);
            else remember(&f, &al.v[i]);
        }
        open = emit_new(&f, &start);
        vg_vec_free(&start);
    }
    vg_watch_alerts_free(&al);
    while (ok && open && !cli_stopping()) {
        for (int t = 0; t < every * 10 && !cli_stopping(); t++) nap(100);
        if (cli_stopping()) break;
        int64_t v = -1;
        if (!vg_store_data_version(db, &v)) {
            snprintf(err, sizeof err, "%s", vg_store_error(db));
            ok = false;
            break;
        }
        if (v == version) continue;
        version = v;
        vg_dyads changed = {0};
        ok = vg_watch_changed_dyads(db, f.last_mention, p->include_unknown, &changed,
                                    &f.last_mention, err, sizeof err) &&
             vg_watch_scan_dyads(db, p, changed.v, changed.n, LONG_MIN, &al, err, sizeof err);
        vg_vec_free(&changed);
        if (ok) open = emit_new(&f, &al);
        vg_watch_alerts_free(&al);
    }
    if (!ok) fprintf(stderr, "vigil alerts: %s\n", err);
    vg_vec_free(&f.known);
    return ok ? 0 : 2;
}

int cli_alerts(int argc, char **argv)
{
    const char *db_path = "vigil.db", *why = NULL, *format = NULL;
    vg_dyad d;
    bool have_dyad = false, follow_mode = false;
    long since = LONG_MIN;
    int every = 2;
    vg_watch_params p;
    vg_watch_params_default(&p);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_watch_flag(&p, a)) continue;
        if (!strcmp(a, "--follow")) { follow_mode = true; continue; }
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
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
            format = v;
        } else if (!strcmp(a, "--every")) {
            if (!cli_int(v, 1, 3600, &every)) return fail("bad interval", v);
        } else if (!strcmp(a, "--db")) {
            db_path = v;
        } else {
            return fail("unknown option", a);
        }
    }
    if (follow_mode && have_dyad) return fail("--follow watches every dyad; drop", "--dyad");
    char err[256];
    vg_store *db = cli_store_reader(db_path, "alerts");
    if (!db) return 2;
    if (follow_mode) {
        int rc = run_follow(db, &p, since, !format || !strcmp(format, "json"), every);
        vg_store_free(db);
        return rc;
    }
    bool json = format && !strcmp(format, "json");
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
            print_header();
            for (size_t i = 0; i < al.n; i++) print_row(&al.v[i]);
        }
    } else {
        fprintf(stderr, "vigil alerts: %s\n", err);
    }
    vg_watch_alerts_free(&al);
    vg_store_free(db);
    return ok ? 0 : 2;
}
