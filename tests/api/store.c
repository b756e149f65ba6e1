/* store.c -- libvigil from outside: opens a store, ingests the example
 * corpus with a coder of the default dictionaries, and prints the alerts
 * (as `vigil alerts --format json` does), a dyad's weekly series and its
 * stored events.
 *   store DB EXAMPLES_DIR */
#include <stdio.h>
#include <vigil.h>

static int fail(const char *what, int rc, const char *msg)
{
    fprintf(stderr, "store: %s: %s (%s)\n", what, vg_strerror(rc), msg);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 3) { fprintf(stderr, "usage: store DB EXAMPLES_DIR\n"); return 2; }
    vg_dicts *d;
    vg_coder *c;
    vg_store *st;
    int rc = vg_dicts_default(&d);
    if (rc) return fail("dictionaries", rc, vg_dicts_errmsg(d));
    if ((rc = vg_coder_new(d, &c))) return fail("coder", rc, vg_coder_errmsg(c));
    if ((rc = vg_store_open(argv[1], &st))) return fail("open", rc, vg_store_errmsg(st));
    const char *paths[] = { argv[2] };
    if ((rc = vg_store_ingest(st, c, paths, 1))) return fail("ingest", rc, vg_store_errmsg(st));

    vg_alerts *al;
    if ((rc = vg_store_alerts(st, NULL, NULL, &al))) return fail("alerts", rc, vg_store_errmsg(st));
    printf("%s\n", vg_alerts_json(al));
    for (size_t i = 0; i < vg_alerts_count(al); i++) {
        const vg_alert *a = vg_alerts_get(al, i);
        fprintf(stderr, "alert %s %s..%s %d events, %s, first driver #%lld\n", vg_alert_dyad(a),
                vg_alert_start(a), vg_alert_end(a), vg_alert_events(a), vg_alert_severity(a),
                vg_alert_driver_count(a) ? (long long)vg_alert_driver(a, 0) : 0LL);
    }
    vg_alerts_free(al);

    vg_series *s;
    if ((rc = vg_store_series(st, "SRB-KSV", "week", NULL, NULL, &s)))
        return fail("series", rc, vg_store_errmsg(st));
    fputs(vg_series_csv(s), stdout);
    int total = 0;
    for (size_t i = 0; i < vg_series_count(s); i++) total += vg_series_events(s, VG_SERIES_BOTH, i);
    vg_series_free(s);

    vg_events *ev;
    if ((rc = vg_store_events(st, "SRB-KSV", NULL, NULL, &ev)))
        return fail("events", rc, vg_store_errmsg(st));
    printf("events %zu series %d\n", vg_events_count(ev), total);
    for (size_t i = 0; i < vg_events_count(ev); i++) {
        const vg_event *e = vg_events_get(ev, i);
        printf("#%lld %s %s %s %s %d mentions: %s\n", (long long)vg_event_id(e), vg_event_date(e),
               vg_event_source(e), vg_event_code(e), vg_event_target(e), vg_event_mentions(e),
               vg_event_record(e));
    }
    vg_events_free(ev);
    vg_store_close(st);
    vg_coder_free(c);
    vg_dicts_free(d);
    return 0;
}
