/* test_watch.c -- dyad series and the CUSUM escalation detector: parsing,
 * periods, series bucketing, detection delay and false-alarm rate on
 * synthetic Poisson series with known change points, the duplicated-report
 * case, severity, and reading a SQLite store. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>

#include "post.h"
#include "watch.h"

/* ---- a deterministic Poisson source ---- */

typedef struct rng { uint64_t s; } rng;

static double unif(rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

static int poisson(rng *r, double lambda)
{
    if (lambda > 30) {   /* normal approximation, fine for these tests */
        double u1 = unif(r) + 1e-12, u2 = unif(r);
        double v = lambda + sqrt(lambda) * sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2);
        return v < 0 ? 0 : (int)lround(v);
    }
    double l = exp(-lambda), p = 1;
    int k = 0;
    do { k++; p *= unif(r); } while (p > l);
    return k - 1;
}

static int64_t next_id;

/* Conflict events: Poisson(lam0) a day before `change`, Poisson(lam1) from it
 * on; half verbal (QuadClass 3), half material (4). */
static void synth(rng *r, vg_wevents *ev, long days, long change, double lam0, double lam1)
{
    for (long d = 0; d < days; d++)
        for (int k = poisson(r, d < change ? lam0 : lam1); k > 0; k--) {
            vg_wevent e = { ++next_id, d, unif(r) < 0.5 ? 3 : 4, -5.0, 1, true, 0 };
            vg_vec_push(ev, e);
        }
}

static const vg_dyad dyad = { "SRB", "KSV" };

/* ---- parsing, dates, periods ---- */

static void test_dyad_parse(void **state)
{
    (void)state;
    vg_dyad d;
    const char *why;
    assert_true(vg_dyad_parse("SRB-KSV", &d, &why));
    assert_string_equal(d.a, "SRB");
    assert_string_equal(d.b, "KSV");
    assert_true(vg_dyad_parse("srbmil-IGOWSTNAT", &d, &why));
    assert_string_equal(d.a, "SRBMIL");
    assert_string_equal(d.b, "IGOWSTNAT");
    const char *bad[] = { "", "SRB", "SRB-", "-KSV", "SRB-KSV-USA", "SR B-KSV", "SRB-K%V",
                          "SRB-KSV'", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-B" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_false(vg_dyad_parse(bad[i], &d, &why));
    assert_true(vg_dyad_actor_match("SRBMIL", "SRB"));
    assert_false(vg_dyad_actor_match("SR", "SRB"));
}

static void test_dates_periods(void **state)
{
    (void)state;
    long day;
    char buf[11];
    assert_true(vg_day_parse("2023-09-24", &day));
    vg_day_format(day, buf);
    assert_string_equal(buf, "2023-09-24");
    assert_false(vg_day_parse("2023-02-29", &day));
    assert_false(vg_day_parse("2023-9-24", &day));
    assert_false(vg_day_parse("20230924", &day));
    assert_true(vg_day_parse("2023-09-24", &day));
    vg_day_format(vg_period_floor(VG_BY_WEEK, day), buf);      /* a Sunday */
    assert_string_equal(buf, "2023-09-18");
    vg_period_label(VG_BY_MONTH, vg_period_floor(VG_BY_MONTH, day), buf);
    assert_string_equal(buf, "2023-09");
    vg_day_format(vg_period_next(VG_BY_MONTH, vg_period_floor(VG_BY_MONTH, day)), buf);
    assert_string_equal(buf, "2023-10-01");
    assert_true(vg_day_parse("2023-09-18", &day));
    assert_int_equal(vg_period_floor(VG_BY_WEEK, day), day);   /* a Monday */
    vg_period by;
    assert_true(vg_period_parse("week", &by));
    assert_int_equal(by, VG_BY_WEEK);
    assert_false(vg_period_parse("year", &by));
}

/* ---- series ---- */

static void test_series_buckets(void **state)
{
    (void)state;
    long d0;
    assert_true(vg_day_parse("2023-01-02", &d0));          /* a Monday */
    vg_wevent ev[] = {
        { 1, d0, 1, 3.0, 1, true, 0 },            /* A->B coop */
        { 2, d0 + 1, 4, -10.0, 2, true, 0 },      /* B->A material conflict */
        { 3, d0 + 15, 3, NAN, 1, true, 0 },       /* A->B verbal conflict, no Goldstein */
        { 4, d0 + 15, 4, -9.0, 3, true, 0 },      /* both directions (overlapping prefixes) */
    };
    vg_watch_series s;
    assert_true(vg_watch_series_build(&s, &dyad, VG_BY_WEEK, d0 + 3, d0 + 20, ev, 4, 1000));
    assert_int_equal(s.n, 3);                     /* weeks of Jan 2, 9, 16 */
    assert_int_equal(s.from, d0);
    vg_cell *both = s.cell[VG_DIR_BOTH], *ab = s.cell[VG_DIR_AB], *ba = s.cell[VG_DIR_BA];
    assert_int_equal(both[0].events, 2);          /* mentions are not counted */
    assert_int_equal(both[1].events, 0);          /* an empty week is present, zero */
    assert_int_equal(both[2].events, 2);
    assert_int_equal(ab[0].events, 1);
    assert_int_equal(ba[0].events, 1);
    assert_int_equal(ab[2].events, 2);
    assert_int_equal(ba[2].events, 1);
    assert_int_equal(both[0].quad[4], 1);
    assert_true(fabs(vg_cell_gold_mean(&both[0]) - (-3.5)) < 1e-9);
    assert_true(fabs(vg_cell_gold_mean(&both[2]) - (-9.0)) < 1e-9);   /* NaN skipped */
    assert_true(fabs(vg_cell_cci(&both[0])) < 1e-9);                   /* 1 vs 1 */
    assert_true(fabs(vg_cell_cci(&both[2]) - 1.0) < 1e-9);
    assert_true(vg_cell_cci(&both[1]) == 0.0);
    vg_buf out = {0};
    vg_watch_series_csv(&s, &out);
    assert_non_null(strstr(out.s, "2023-01-09,both,0,0,0,0,0,0,0.00,0.000,0.000\n"));
    assert_non_null(strstr(out.s, "2023-01-02,SRB>KSV,1,1,0,0,0,0,3.00,3.000,-1.000\n"));
    vg_buf_clear(&out);
    vg_watch_series_json(&s, &out);
    assert_non_null(strstr(out.s, "\"periods\":[\"2023-01-02\",\"2023-01-09\",\"2023-01-16\"]"));
    assert_non_null(strstr(out.s, "\"both\":{\"label\":\"both\",\"events\":[2,0,2]"));
    vg_buf_free(&out);
    vg_watch_series_free(&s);
    assert_false(vg_watch_series_build(&s, &dyad, VG_BY_DAY, d0, d0 + 5000, ev, 4, 1000));
    vg_watch_series_free(&s);
    assert_false(vg_watch_series_build(&s, &dyad, VG_BY_DAY, d0, d0 - 1, ev, 4, 1000));
    vg_watch_series_free(&s);
}

/* ---- detection ---- */

/* Day of the first alert triggered at or after `from`, or -1. */
static long first_trigger(const vg_watch_alerts *al, long from, long *start)
{
    long best = -1;
    for (size_t i = 0; i < al->n; i++)
        if (al->v[i].trigger >= from && (best < 0 || al->v[i].trigger < best)) {
            best = al->v[i].trigger;
            *start = al->v[i].start;
        }
    return best;
}

typedef struct delay_stats { double mean_delay, detected, mean_start_err; int max_delay; } delay_stats;

static delay_stats run_delay(const vg_watch_params *p, double lam0, double lam1, int reps)
{
    delay_stats st = {0};
    rng r = { 42 };
    const long change = 200, days = 260;
    int det = 0;
    for (int i = 0; i < reps; i++) {
        vg_wevents ev = {0};
        vg_watch_alerts al = {0};
        synth(&r, &ev, days, change, lam0, lam1);
        vg_watch_detect(p, &dyad, ev.v, ev.n, 0, days - 1, 0, &al);
        long start = 0, t = first_trigger(&al, change, &start);
        if (t >= 0 && t - change <= 30) {
            det++;
            st.mean_delay += (double)(t - change);
            st.mean_start_err += fabs((double)(start - change));
            if (t - change > st.max_delay) st.max_delay = (int)(t - change);
        }
        vg_watch_alerts_free(&al);
        vg_vec_free(&ev);
    }
    st.detected = (double)det / reps;
    if (det) { st.mean_delay /= det; st.mean_start_err /= det; }
    return st;
}

/* Alerts per dyad-year on stationary Poisson series (the first 120 days are
 * the warm-up, not counted). */
static double run_false_alarms(const vg_watch_params *p, double lam, int years)
{
    rng r = { 7 };
    int alerts = 0;
    const long days = 120 + 365L * years;
    vg_wevents ev = {0};
    vg_watch_alerts al = {0};
    synth(&r, &ev, days, days, lam, lam);
    vg_watch_detect(p, &dyad, ev.v, ev.n, 0, days - 1, 120, &al);
    alerts = (int)al.n;
    vg_watch_alerts_free(&al);
    vg_vec_free(&ev);
    return (double)alerts / years;
}

static void test_detection_delay(void **state)
{
    (void)state;
    vg_watch_params p;
    vg_watch_params_default(&p);
    static const struct { double lam0, lam1, max_mean; } cases[] = {
        { 0.2, 3.0, 3.0 },    /* quiet dyad, sudden clashes */
        { 1.0, 5.0, 3.0 },
        { 3.0, 9.0, 4.0 },    /* busy dyad tripling */
        { 10.0, 20.0, 5.0 },  /* very busy dyad doubling */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        delay_stats st = run_delay(&p, cases[i].lam0, cases[i].lam1, 200);
        print_message("    step %5.1f -> %5.1f /day: detected %.0f%% within 30 days, "
                      "delay mean %.2f max %d days, change-point error %.2f days\n",
                      cases[i].lam0, cases[i].lam1, 100 * st.detected, st.mean_delay,
                      st.max_delay, st.mean_start_err);
        assert_true(st.detected >= 0.99);
        assert_true(st.mean_delay <= cases[i].max_mean);
        assert_true(st.mean_start_err <= 3.0);
    }
}

static void test_false_alarm_rate(void **state)
{
    (void)state;
    vg_watch_params p;
    vg_watch_params_default(&p);
    static const double lams[] = { 0.05, 0.3, 1.0, 3.0, 10.0, 30.0 };
    for (size_t i = 0; i < sizeof lams / sizeof *lams; i++) {
        double rate = run_false_alarms(&p, lams[i], 200);
        print_message("    stationary Poisson %5.2f /day: %.3f false alerts per dyad-year\n",
                      lams[i], rate);
        assert_true(rate <= 0.1);
    }
}

/* One event reported a thousand times is one event: no alert, on a quiet
 * dyad or a busy one.  Five distinct events the same day do alert on a
 * quiet dyad (contrast). */
static void test_duplicated_report(void **state)
{
    (void)state;
    vg_watch_params p;
    vg_watch_params_default(&p);
    rng r = { 99 };
    for (int busy = 0; busy < 2; busy++) {
        vg_wevents ev = {0};
        synth(&r, &ev, 200, 200, busy ? 2.0 : 0.05, 0);
        vg_wevent lone = { ++next_id, 150, 4, -10.0, 1, true, 0 };
        vg_vec_push(&ev, lone);
        vg_watch_alerts al = {0};
        vg_watch_detect(&p, &dyad, ev.v, ev.n, 0, 199, 100, &al);
        for (size_t i = 0; i < al.n; i++) print_message("    unexpected alert at %ld\n", al.v[i].start);
        assert_int_equal(al.n, 0);
        vg_watch_alerts_free(&al);
        vg_vec_free(&ev);
    }
    /* Even with a threshold far below the default, a lone event stays below
     * --min-events. */
    p.h = 0.5;
    vg_wevent one[] = { { 1, 150, 4, -10.0, 1, true, 0 } };
    vg_watch_alerts al = {0};
    vg_watch_detect(&p, &dyad, one, 1, 0, 199, 0, &al);
    assert_int_equal(al.n, 0);
    vg_watch_params_default(&p);
    vg_wevent five[] = { { 5, 150, 4, -9.0, 1, true, 0 }, { 2, 150, 4, -10.0, 2, true, 0 },
                         { 3, 150, 3, -2.0, 1, true, 0 }, { 4, 150, 4, -10.0, 1, true, 0 },
                         { 1, 150, 4, -10.0, 1, true, 0 }, { 6, 151, 1, 3.0, 1, true, 0 } };
    vg_watch_detect(&p, &dyad, five, 6, 0, 199, 0, &al);
    assert_int_equal(al.n, 1);
    assert_int_equal(al.v[0].start, 150);
    assert_int_equal(al.v[0].n_events, 5);
    assert_int_equal(al.v[0].drivers.n, 5);
    assert_int_equal(al.v[0].drivers.v[0], 1);   /* material, Goldstein -10, lowest id */
    assert_int_equal(al.v[0].drivers.v[3], 5);
    assert_int_equal(al.v[0].drivers.v[4], 3);   /* verbal last */
    vg_watch_alerts_free(&al);
}

/* Imprecise dates (a month, a year) and cooperation never count. */
static void test_intensity(void **state)
{
    (void)state;
    vg_watch_params p;
    vg_watch_params_default(&p);
    vg_wevent ev[] = { { 1, 5, 3, -2, 1, true, 0 }, { 2, 5, 4, -10, 1, true, 0 },
                       { 3, 5, 4, -10, 1, false, VG_WPREC_WEEK }, { 4, 5, 1, 3, 1, true, 0 },
                       { 5, 6, 2, 7, 1, true, 0 } };
    double x[8];
    vg_watch_intensity(&p, ev, 5, 0, 8, x);
    assert_true(x[5] == 3.0);
    assert_true(x[6] == 0.0);
}

/* Severity: a burst smaller than one that ended 160 days earlier is "highest in 5
 * months"; the larger, earlier one is "on record". */
static void test_severity(void **state)
{
    (void)state;
    vg_watch_params p;
    vg_watch_params_default(&p);
    vg_wevents ev = {0};
    rng r = { 5 };
    synth(&r, &ev, 500, 500, 0.1, 0);
    for (int d = 0; d < 5; d++)
        for (int k = 0; k < 6; k++) { vg_wevent e = { ++next_id, 200 + d, 4, -10, 1, true, 0 }; vg_vec_push(&ev, e); }
    for (int d = 0; d < 5; d++)
        for (int k = 0; k < 4; k++) { vg_wevent e = { ++next_id, 370 + d, 4, -10, 1, true, 0 }; vg_vec_push(&ev, e); }
    vg_watch_alerts al = {0};
    vg_watch_detect(&p, &dyad, ev.v, ev.n, 0, 499, 0, &al);
    assert_int_equal(al.n, 2);
    char buf[96];
    vg_watch_alert_severity(&al.v[0], buf, sizeof buf);
    assert_int_equal(al.v[0].months, -1);
    assert_non_null(strstr(buf, "on record"));
    assert_int_equal(al.v[1].months, 5);
    vg_watch_alert_severity(&al.v[1], buf, sizeof buf);
    assert_string_equal(buf, "highest in 5 months");
    assert_true(al.v[1].peak7 >= 20);
    vg_buf out = {0};
    vg_watch_alerts_json(&al, &out);
    assert_non_null(strstr(out.s, "\"severity\":\"highest in 5 months\""));
    vg_buf_free(&out);
    vg_watch_alerts_free(&al);
    vg_vec_free(&ev);
}

static void test_params(void **state)
{
    (void)state;
    vg_watch_params p;
    vg_watch_params_default(&p);
    const char *why;
    assert_true(vg_watch_params_check(&p, &why));
    p.baseline_days = 20;                       /* < min-history */
    assert_false(vg_watch_params_check(&p, &why));
    vg_watch_params_default(&p);
    p.min_events = 1;
    assert_false(vg_watch_params_check(&p, &why));
    vg_buf b = {0};
    vg_watch_sparkline((double[]){ 0, 1, 4 }, 3, &b);
    assert_string_equal(b.s, "▁▄█");
    vg_buf_free(&b);
}

/* ---- the store ---- */

static void exec_ok(sqlite3 *db, const char *sql)
{
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
}

static void test_store(void **state)
{
    (void)state;
    char path[] = "/tmp/vg_test_watch_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    sqlite3 *w;
    assert_int_equal(sqlite3_open(path, &w), SQLITE_OK);
    exec_ok(w, "CREATE TABLE events (id INTEGER PRIMARY KEY, date TEXT, date_precision TEXT,"
               " source TEXT, target TEXT, quad INTEGER, root TEXT, goldstein REAL,"
               " num_mentions INTEGER, num_sources INTEGER);"
               "INSERT INTO events VALUES (1,'2023-09-24','day','SRBMIL','KSVCOP',4,'19',-10,50,9),"
               " (2,'2023-09-25','day','KSV','SRB',3,'11',-2,1,1),"
               " (3,'2023-09-25','day','SRB','KSVCOP',NULL,'19',-10,1,1),"
               " (4,'2023-09-26','day','SR','KSV',4,'19',-10,1,1),"
               " (5,'2023-10-02','month','SRBGOV','KSVGOV',1,'04',1,1,1),"
               " (6,'2023-09-24','day','SRBMIL','USAGOV',4,'19',-10,1,1),"
               " (7,'bad','day','SRB','KSV',4,'19',-10,1,1);");
    sqlite3_close(w);
    char err[256];
    vg_store_opts so = { .read_only = true };
    vg_store *db = vg_store_new(path, &so);
    assert_string_equal(vg_store_error(db), "");
    assert_false(vg_store_query(db, "DELETE FROM events", NULL, 0, NULL, NULL));
    vg_wevents ev = {0};
    assert_true(vg_watch_load(db, &dyad, LONG_MIN, LONG_MAX, false, &ev, err, sizeof err));
    assert_int_equal(ev.n, 4);            /* 1, 2, 3, 5: not "SR", USAGOV or a bad date */
    for (size_t i = 0; i < ev.n; i++) {
        if (ev.v[i].id == 2) assert_int_equal(ev.v[i].dir, 2);
        else assert_int_equal(ev.v[i].dir, 1);
        if (ev.v[i].id == 3) assert_int_equal(ev.v[i].quad, 4);   /* from the root */
        if (ev.v[i].id == 5) assert_false(ev.v[i].exact);
    }
    vg_vec_free(&ev);
    assert_true(vg_watch_load(db, &dyad, LONG_MIN, LONG_MAX, true, &ev, err, sizeof err));
    assert_int_equal(ev.n, 3);
    vg_vec_free(&ev);
    vg_watch_series s;
    assert_true(vg_watch_load_series(db, &dyad, VG_BY_DAY, LONG_MIN, LONG_MAX, 1000, &s, err, sizeof err));
    assert_int_equal(s.n, 9);             /* 2023-09-24 .. 2023-10-02 */
    assert_int_equal(s.cell[VG_DIR_BOTH][1].events, 2);
    assert_int_equal(s.cell[VG_DIR_BOTH][2].events, 0);
    vg_watch_series_free(&s);
    vg_dyad none = { "AAA", "BBB" };
    assert_true(vg_watch_load_series(db, &none, VG_BY_DAY, LONG_MIN, LONG_MAX, 1000, &s, err, sizeof err));
    assert_int_equal(s.n, 0);
    vg_watch_series_free(&s);
    vg_watch_ids top = {0};
    assert_true(vg_watch_top_events(db, &dyad, 0, 100000, 2, &top, err, sizeof err));
    assert_int_equal(top.n, 2);
    assert_int_equal(top.v[0], 1);
    vg_vec_free(&top);
    vg_watch_alerts al = {0};
    assert_true(vg_watch_scan(db, &(vg_watch_params){ 90, 7, 30, 0.5, 5, 1, 2, 3, 20, false }, LONG_MIN,
                              &al, err, sizeof err));
    assert_int_equal(al.n, 0);
    vg_watch_alerts_free(&al);
    vg_store_free(db);
    db = vg_store_new("/nonexistent/x.db", &so);
    assert_string_not_equal(vg_store_error(db), "");
    vg_store_free(db);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dyad_parse),
        cmocka_unit_test(test_dates_periods),
        cmocka_unit_test(test_series_buckets),
        cmocka_unit_test(test_intensity),
        cmocka_unit_test(test_detection_delay),
        cmocka_unit_test(test_false_alarm_rate),
        cmocka_unit_test(test_duplicated_report),
        cmocka_unit_test(test_severity),
        cmocka_unit_test(test_params),
        cmocka_unit_test(test_store),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
