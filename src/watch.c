/* watch.c -- dyad series and CUSUM escalation alerts (see watch.h). */
#include "watch.h"
#include "ontology.h"
#include "post.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ================================================================ names */

bool vg_actor_parse(const char *s, char *out, const char **why)
{
    size_t n = 0;
    for (; s[n]; n++) {
        if (n >= VG_ACTOR_MAX) { *why = "actor code too long (max 32)"; return false; }
        if (!vg_isalnum((unsigned char)s[n])) {
            *why = "actor code must be letters and digits";
            return false;
        }
        out[n] = (char)vg_toupper((unsigned char)s[n]);
    }
    out[n] = '\0';
    if (!n) { *why = "empty actor code"; return false; }
    return true;
}

bool vg_dyad_parse(const char *s, vg_dyad *out, const char **why)
{
    const char *dash = strchr(s, '-');
    if (!dash || strchr(dash + 1, '-')) { *why = "dyad must be A-B (e.g. SRB-KSV)"; return false; }
    size_t la = (size_t)(dash - s);
    if (la > VG_ACTOR_MAX) { *why = "actor code too long (max 32)"; return false; }
    char a[VG_ACTOR_MAX + 1];
    memcpy(a, s, la);
    a[la] = '\0';
    return vg_actor_parse(a, out->a, why) && vg_actor_parse(dash + 1, out->b, why);
}

bool vg_actor_match(const char *code, const char *prefix)
{
    return strncmp(code, prefix, strlen(prefix)) == 0;
}

/* ================================================================ periods */

bool vg_period_parse(const char *s, vg_period *out)
{
    static const char *names[] = { "day", "week", "month" };
    for (int i = 0; i < 3; i++)
        if (!strcmp(s, names[i])) { *out = (vg_period)i; return true; }
    return false;
}

const char *vg_period_name(vg_period by)
{
    return by == VG_BY_DAY ? "day" : by == VG_BY_WEEK ? "week" : "month";
}

long vg_period_floor(vg_period by, long day)
{
    if (by == VG_BY_DAY) return day;
    if (by == VG_BY_WEEK) {
        long wd = ((day + 3) % 7 + 7) % 7;   /* 0 = Monday (1970-01-01 was a Thursday) */
        return day - wd;
    }
    vg_ymd d = vg_ymd_from_days(day);
    d.d = 1;
    return vg_ymd_days(d);
}

long vg_period_next(vg_period by, long start)
{
    if (by == VG_BY_DAY) return start + 1;
    if (by == VG_BY_WEEK) return start + 7;
    return vg_ymd_days(vg_ymd_add_months(vg_ymd_from_days(start), 1));
}

void vg_period_label(vg_period by, long start, char buf[11])
{
    vg_day_format(start, buf);
    if (by == VG_BY_MONTH) buf[7] = '\0';
}

/* ================================================================ series */

double vg_cell_gold_mean(const vg_cell *c)
{
    return c->gold_n ? c->gold_sum / c->gold_n : 0.0;
}

double vg_cell_cci(const vg_cell *c)
{
    if (!c->events) return 0.0;
    int conflict = c->quad[3] + c->quad[4], coop = c->quad[1] + c->quad[2];
    return (double)(conflict - coop) / c->events;
}

static void cell_add(vg_cell *c, const vg_wevent *e)
{
    c->events++;
    c->quad[e->quad >= 1 && e->quad <= 4 ? e->quad : 0]++;
    if (!isnan(e->goldstein)) {
        c->gold_sum += e->goldstein;
        c->gold_n++;
    }
}

/* Index of the period holding day (starts sorted ascending), or -1. */
static long period_index(const vg_series *s, long day)
{
    if (!s->n || day < s->start[0] || day > s->to) return -1;
    size_t lo = 0, hi = s->n;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (s->start[mid] <= day) lo = mid; else hi = mid;
    }
    return (long)lo;
}

bool vg_series_build(vg_series *s, const vg_dyad *d, vg_period by, long from, long to,
                     const vg_wevent *ev, size_t n, size_t max_periods)
{
    memset(s, 0, sizeof *s);
    s->dyad = *d;
    s->by = by;
    if (to < from) return false;
    s->from = vg_period_floor(by, from);
    s->to = to;
    size_t np = 0;
    for (long p = s->from; p <= to; p = vg_period_next(by, p))
        if (++np > max_periods) return false;
    s->n = np;
    s->start = vg_malloc(np * sizeof *s->start);
    long p = s->from;
    for (size_t i = 0; i < np; i++, p = vg_period_next(by, p)) s->start[i] = p;
    for (int k = 0; k < VG_NDIR; k++) s->cell[k] = vg_calloc(np, sizeof(vg_cell));
    for (size_t i = 0; i < n; i++) {
        long pi = period_index(s, ev[i].day);
        if (pi < 0 || !ev[i].dir) continue;
        if (ev[i].dir & 1) cell_add(&s->cell[VG_DIR_AB][pi], &ev[i]);
        if (ev[i].dir & 2) cell_add(&s->cell[VG_DIR_BA][pi], &ev[i]);
        cell_add(&s->cell[VG_DIR_BOTH][pi], &ev[i]);
    }
    return true;
}

void vg_series_free(vg_series *s)
{
    free(s->start);
    for (int k = 0; k < VG_NDIR; k++) free(s->cell[k]);
    memset(s, 0, sizeof *s);
}

static void dir_label(const vg_series *s, int k, char *buf, size_t sz)
{
    if (k == VG_DIR_AB) snprintf(buf, sz, "%s>%s", s->dyad.a, s->dyad.b);
    else if (k == VG_DIR_BA) snprintf(buf, sz, "%s>%s", s->dyad.b, s->dyad.a);
    else snprintf(buf, sz, "both");
}

void vg_series_csv(const vg_series *s, vg_buf *out)
{
    vg_buf_puts(out, "period,direction,events,q1,q2,q3,q4,material_conflict,"
                     "goldstein_sum,goldstein_mean,cci\n");
    for (size_t i = 0; i < s->n; i++) {
        char lab[11], dl[2 * VG_ACTOR_MAX + 8];
        vg_period_label(s->by, s->start[i], lab);
        for (int k = 0; k < VG_NDIR; k++) {
            const vg_cell *c = &s->cell[k][i];
            dir_label(s, k, dl, sizeof dl);
            vg_buf_printf(out, "%s,%s,%d,%d,%d,%d,%d,%d,%.2f,%.3f,%.3f\n", lab, dl, c->events,
                          c->quad[1], c->quad[2], c->quad[3], c->quad[4], c->quad[4],
                          c->gold_sum, vg_cell_gold_mean(c), vg_cell_cci(c));
        }
    }
}

typedef enum { COL_EVENTS, COL_Q1, COL_Q2, COL_Q3, COL_Q4, COL_MAT, COL_GSUM,
               COL_GMEAN, COL_CCI, NCOL } series_col;

static const char *const col_names[NCOL] = {
    "events", "q1", "q2", "q3", "q4", "material_conflict", "goldstein_sum",
    "goldstein_mean", "cci"
};

static void col_value(vg_buf *out, const vg_cell *c, series_col col)
{
    switch (col) {
    case COL_EVENTS: vg_buf_printf(out, "%d", c->events); break;
    case COL_Q1: case COL_Q2: case COL_Q3: case COL_Q4:
        vg_buf_printf(out, "%d", c->quad[col - COL_Q1 + 1]); break;
    case COL_MAT: vg_buf_printf(out, "%d", c->quad[4]); break;
    case COL_GSUM: vg_buf_printf(out, "%.2f", c->gold_sum); break;
    case COL_GMEAN: vg_buf_printf(out, "%.3f", vg_cell_gold_mean(c)); break;
    default: vg_buf_printf(out, "%.3f", vg_cell_cci(c)); break;
    }
}

static void series_dir_json(const vg_series *s, int k, vg_buf *out)
{
    char dl[2 * VG_ACTOR_MAX + 8];
    dir_label(s, k, dl, sizeof dl);
    vg_buf_puts(out, "{\"label\":");
    vg_buf_json_str(out, dl);
    for (int col = 0; col < NCOL; col++) {
        vg_buf_printf(out, ",\"%s\":[", col_names[col]);
        for (size_t i = 0; i < s->n; i++) {
            if (i) vg_buf_putc(out, ',');
            col_value(out, &s->cell[k][i], (series_col)col);
        }
        vg_buf_putc(out, ']');
    }
    vg_buf_putc(out, '}');
}

void vg_series_json(const vg_series *s, vg_buf *out)
{
    char f[11] = "", t[11] = "", lab[11];
    if (s->n) { vg_day_format(s->from, f); vg_day_format(s->to, t); }
    vg_buf_printf(out, "{\"dyad\":\"%s-%s\",\"a\":\"%s\",\"b\":\"%s\",\"by\":\"%s\",",
                  s->dyad.a, s->dyad.b, s->dyad.a, s->dyad.b, vg_period_name(s->by));
    if (s->n) vg_buf_printf(out, "\"from\":\"%s\",\"to\":\"%s\",", f, t);
    else vg_buf_puts(out, "\"from\":null,\"to\":null,");
    vg_buf_puts(out, "\"periods\":[");
    for (size_t i = 0; i < s->n; i++) {
        vg_period_label(s->by, s->start[i], lab);
        vg_buf_printf(out, "%s\"%s\"", i ? "," : "", lab);
    }
    vg_buf_puts(out, "],\"ab\":");
    series_dir_json(s, VG_DIR_AB, out);
    vg_buf_puts(out, ",\"ba\":");
    series_dir_json(s, VG_DIR_BA, out);
    vg_buf_puts(out, ",\"both\":");
    series_dir_json(s, VG_DIR_BOTH, out);
    vg_buf_putc(out, '}');
}

/* ================================================================ params */

void vg_watch_params_default(vg_watch_params *p)
{
    *p = (vg_watch_params){ .baseline_days = 90, .guard_days = 7, .min_history = 30,
                            .k = 1.0, .h = 8.0, .sigma_min = 1.0, .material_weight = 2.0,
                            .min_events = 3, .max_drivers = 20 };
}

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

int vg_watch_param_arg(vg_watch_params *p, const char *opt, const char *val, const char **why)
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

bool vg_watch_params_check(const vg_watch_params *p, const char **why)
{
    if (p->min_history > p->baseline_days) {
        *why = "--min-history cannot exceed --baseline";
        return false;
    }
    if (p->min_events < 2) { *why = "--min-events must be at least 2"; return false; }
    return true;
}

const char *vg_watch_params_usage(void)
{
    return "  --baseline DAYS       trailing baseline window (90)\n"
           "  --guard DAYS          gap between baseline and the day watched (7)\n"
           "  --min-history DAYS    baseline days needed before watching (30)\n"
           "  --k SD                CUSUM reference value (1)\n"
           "  --h SD                CUSUM threshold (8)\n"
           "  --sigma-min N         floor of the baseline sd, events/day (1)\n"
           "  --material-weight W   weight of material conflict (2; verbal = 1)\n"
           "  --min-events N        conflict events needed for an alert (3)\n"
           "  --max-drivers N       event ids listed per alert (20)\n";
}

/* ============================================================= detection */

static double event_weight(const vg_watch_params *p, const vg_wevent *e)
{
    if (!e->exact) return 0;
    return e->quad == 3 ? 1.0 : e->quad == 4 ? p->material_weight : 0.0;
}

void vg_watch_intensity(const vg_watch_params *p, const vg_wevent *ev, size_t n,
                        long day0, long ndays, double *x)
{
    memset(x, 0, (size_t)ndays * sizeof *x);
    for (size_t i = 0; i < n; i++) {
        long t = ev[i].day - day0;
        if (t >= 0 && t < ndays) x[t] += event_weight(p, &ev[i]);
    }
}

typedef struct detector {
    const vg_watch_params *p;
    const vg_wevent *ev;
    size_t n;
    long first, nd;
    double *x, *cs1, *cs2, *cnt;   /* intensity; prefix sums of x, x^2, events */
} detector;

static void detector_init(detector *dt, const vg_watch_params *p, const vg_wevent *ev,
                          size_t n, long first, long last)
{
    *dt = (detector){ p, ev, n, first, last - first + 1, NULL, NULL, NULL, NULL };
    size_t nd = (size_t)dt->nd;
    dt->x = vg_malloc(nd * sizeof(double));
    dt->cs1 = vg_malloc((nd + 1) * sizeof(double));
    dt->cs2 = vg_malloc((nd + 1) * sizeof(double));
    dt->cnt = vg_calloc(nd + 1, sizeof(double));
    vg_watch_intensity(p, ev, n, first, dt->nd, dt->x);
    for (size_t i = 0; i < n; i++) {
        long t = ev[i].day - first;
        if (t >= 0 && t < dt->nd && event_weight(p, &ev[i]) > 0) dt->cnt[t + 1] += 1;
    }
    dt->cs1[0] = dt->cs2[0] = 0;
    for (size_t t = 0; t < nd; t++) {
        dt->cs1[t + 1] = dt->cs1[t] + dt->x[t];
        dt->cs2[t + 1] = dt->cs2[t] + dt->x[t] * dt->x[t];
        dt->cnt[t + 1] += dt->cnt[t];
    }
}

static void detector_free(detector *dt)
{
    free(dt->x); free(dt->cs1); free(dt->cs2); free(dt->cnt);
}

static int events_in(const detector *dt, long t0, long t1)
{
    return (int)(dt->cnt[t1 + 1] - dt->cnt[t0]);
}

typedef struct driver { int64_t id; double w, g; } driver;

static int driver_cmp(const void *pa, const void *pb)
{
    const driver *a = pa, *b = pb;
    if (a->w != b->w) return a->w > b->w ? -1 : 1;
    if (a->g != b->g) return a->g < b->g ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

static void alert_drivers(const detector *dt, vg_alert *al)
{
    VG_VEC(driver) ds = {0};
    for (size_t i = 0; i < dt->n; i++) {
        const vg_wevent *e = &dt->ev[i];
        double w = event_weight(dt->p, e);
        if (w > 0 && e->day >= al->start && e->day <= al->end) {
            driver d = { e->id, w, isnan(e->goldstein) ? 0 : e->goldstein };
            vg_vec_push(&ds, d);
        }
    }
    if (ds.n) qsort(ds.v, ds.n, sizeof *ds.v, driver_cmp);
    for (size_t i = 0; i < ds.n && i < (size_t)dt->p->max_drivers; i++)
        vg_vec_push(&al->drivers, ds.v[i].id);
    vg_vec_free(&ds);
}

/* Conflict events in the 7 days ending at t. */
static double roll7(const detector *dt, long t)
{
    return dt->cnt[t + 1] - dt->cnt[t >= 6 ? t - 6 : 0];
}

/* Fills in the episode [t0, t1] of al: peak, severity, drivers. */
static void alert_finish(const detector *dt, vg_alert *al, long t0, long t1)
{
    al->start = dt->first + t0;
    al->end = dt->first + t1;
    al->n_events = events_in(dt, t0, t1);
    long pt = t0;
    for (long t = t0; t <= t1; t++)
        if (roll7(dt, t) > roll7(dt, pt)) pt = t;
    al->peak7 = roll7(dt, pt);
    al->peak_day = dt->first + pt;
    al->months = -1;
    al->record_since = dt->first;
    for (long u = t0 - 1; u >= 0; u--)
        if (roll7(dt, u) >= al->peak7) {
            al->months = (int)((t0 - u) / 30.44);
            break;
        }
    alert_drivers(dt, al);
}

/* Reports the finished episode [t0, t1] if it starts on or after from. */
static void alert_emit(const detector *dt, vg_alert *al, long t0, long t1, long from,
                       vg_alerts *out)
{
    alert_finish(dt, al, t0, t1);
    if (al->start >= from) vg_vec_push(out, *al);
    else vg_vec_free(&al->drivers);
}

void vg_watch_detect(const vg_watch_params *p, const vg_dyad *d, const vg_wevent *ev,
                     size_t n, long first, long last, long report_from, vg_alerts *out)
{
    if (last < first) return;
    detector dt;
    detector_init(&dt, p, ev, n, first, last);
    double S = 0, U = 0;     /* the CUSUM, capped at h; U: the same uncapped */
    long run = -1;
    bool on = false;
    vg_alert cur;
    for (long t = 0; t < dt.nd; t++) {
        long hi = t - p->guard_days, lo = hi - p->baseline_days;
        if (lo < 0) lo = 0;
        if (hi - lo < p->min_history) continue;
        double mu = (dt.cs1[hi] - dt.cs1[lo]) / (double)(hi - lo);
        double var = (dt.cs2[hi] - dt.cs2[lo]) / (double)(hi - lo) - mu * mu;
        double sd = fmax(sqrt(fmax(mu, var)), p->sigma_min);
        double z = (dt.x[t] - mu) / sd - p->k, prev = S;
        S = fmin(p->h, fmax(0.0, S + z));
        U = S > 0 ? fmax(0.0, U + z) : 0;
        if (prev <= 0 && S > 0) run = t;
        if (!on && S >= p->h && events_in(&dt, run, t) >= p->min_events) {
            on = true;
            memset(&cur, 0, sizeof cur);
            cur.dyad = *d;
            cur.trigger = dt.first + t;
            cur.baseline = (dt.cnt[hi] - dt.cnt[lo]) / (double)(hi - lo);
        }
        if (on && U > cur.peak_cusum) cur.peak_cusum = U;
        if (on && S <= 0) {
            alert_emit(&dt, &cur, run, t - 1, report_from, out);
            on = false;
        }
    }
    if (on) {
        cur.ongoing = true;
        alert_emit(&dt, &cur, run, dt.nd - 1, report_from, out);
    }
    detector_free(&dt);
}

void vg_alerts_free(vg_alerts *a)
{
    for (size_t i = 0; i < a->n; i++) vg_vec_free(&a->v[i].drivers);
    vg_vec_free(a);
}

void vg_alert_severity(const vg_alert *al, char *buf, size_t bufsz)
{
    char since[11];
    if (al->months < 0) {
        vg_day_format(al->record_since, since);
        snprintf(buf, bufsz, "highest on record (since %s)", since);
    } else if (al->months >= 1) {
        snprintf(buf, bufsz, "highest in %d month%s", al->months, al->months == 1 ? "" : "s");
    } else {
        snprintf(buf, bufsz, "highest in under a month");
    }
}

void vg_alerts_json(const vg_alerts *a, vg_buf *out)
{
    vg_buf_putc(out, '[');
    for (size_t i = 0; i < a->n; i++) {
        const vg_alert *al = &a->v[i];
        char s[11], t[11], e[11], pk[11], sev[96];
        vg_day_format(al->start, s);
        vg_day_format(al->trigger, t);
        vg_day_format(al->end, e);
        vg_day_format(al->peak_day, pk);
        vg_alert_severity(al, sev, sizeof sev);
        vg_buf_printf(out, "%s{\"dyad\":\"%s-%s\",\"a\":\"%s\",\"b\":\"%s\",\"start\":\"%s\","
                      "\"trigger\":\"%s\",\"end\":\"%s\",\"ongoing\":%s,\"severity\":",
                      i ? "," : "", al->dyad.a, al->dyad.b, al->dyad.a, al->dyad.b, s, t, e,
                      al->ongoing ? "true" : "false");
        vg_buf_json_str(out, sev);
        vg_buf_printf(out, ",\"months\":%d,\"peak7\":%.2f,\"peak_day\":\"%s\","
                      "\"baseline7\":%.2f,\"peak_cusum\":%.2f,\"events\":%d,\"drivers\":[",
                      al->months, al->peak7, pk, 7 * al->baseline, al->peak_cusum, al->n_events);
        for (size_t k = 0; k < al->drivers.n; k++)
            vg_buf_printf(out, "%s%lld", k ? "," : "", (long long)al->drivers.v[k]);
        vg_buf_puts(out, "]}");
    }
    vg_buf_putc(out, ']');
}

static int alert_cmp(const void *pa, const void *pb)
{
    const vg_alert *a = pa, *b = pb;
    if (a->start != b->start) return a->start > b->start ? -1 : 1;
    int c = strcmp(a->dyad.a, b->dyad.a);
    return c ? c : strcmp(a->dyad.b, b->dyad.b);
}

void vg_alerts_sort(vg_alerts *a)
{
    if (a->n) qsort(a->v, a->n, sizeof *a->v, alert_cmp);
}

/* ================================================================ store */

static void set_err(char *err, size_t errsz, const char *what, sqlite3 *db)
{
    snprintf(err, errsz, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
}

sqlite3 *vg_watch_open(const char *path, char *err, size_t errsz)
{
    if (!strncmp(path, "postgres", 8) || strstr(path, "dbname=")) {
        snprintf(err, errsz, "%s: only SQLite stores are supported here (not PostgreSQL yet)", path);
        return NULL;
    }
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        set_err(err, errsz, path, db);
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 5000);
    sqlite3_exec(db, "PRAGMA query_only=1; PRAGMA cache_size=-32000; PRAGMA mmap_size=2147418112;",
                 NULL, NULL, NULL);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM events LIMIT 1", -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errsz, "%s: not a Vigil store (%s)", path, sqlite3_errmsg(db));
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_finalize(st);
    return db;
}

/* Upper bound of a prefix range: "SRB" -> "SRC". */
static void prefix_end(const char *p, char *out)
{
    size_t n = strlen(p);
    memcpy(out, p, n + 1);
    out[n - 1]++;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? (const char *)s : "";
}

#define EVENT_COLS "id, date, date_precision, source, target, quad, root, goldstein, num_mentions"

/* Reads one row of EVENT_COLS; false when its date is unusable. */
static bool row_event(sqlite3_stmt *st, vg_wevent *e)
{
    if (!vg_day_parse(col_text(st, 1), &e->day)) return false;
    e->id = sqlite3_column_int64(st, 0);
    const char *prec = col_text(st, 2);   /* 'day', 'article' (the article's day): exact */
    e->exact = strcmp(prec, "week") && strcmp(prec, "month") && strcmp(prec, "year");
    e->quad = sqlite3_column_type(st, 5) == SQLITE_NULL
                  ? vg_cameo_quad_of_root(col_text(st, 6)) : sqlite3_column_int(st, 5);
    e->goldstein = sqlite3_column_type(st, 7) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 7);
    e->num_mentions = sqlite3_column_int(st, 8);
    e->dir = 0;
    return true;
}

static int dyad_dir(const vg_dyad *d, const char *src, const char *tgt)
{
    int dir = 0;
    if (vg_actor_match(src, d->a) && vg_actor_match(tgt, d->b)) dir |= 1;
    if (vg_actor_match(src, d->b) && vg_actor_match(tgt, d->a)) dir |= 2;
    return dir;
}

/* The dyad's events, both directions, through the dyad indexes (events_dyad,
 * events_rdyad); "+date" keeps the planner off the date index, which would
 * scan every event in the range. */
bool vg_watch_load(sqlite3 *db, const vg_dyad *d, long from, long to, bool conflict_only,
                   vg_wevents *out, char *err, size_t errsz)
{
    vg_buf sql = {0};
    vg_buf_puts(&sql, "SELECT " EVENT_COLS " FROM events WHERE "
                "((source >= ?1 AND source < ?2 AND target >= ?3 AND target < ?4)"
                " OR (source >= ?3 AND source < ?4 AND target >= ?1 AND target < ?2))");
    if (from != LONG_MIN) vg_buf_puts(&sql, " AND +date >= ?5");
    if (to != LONG_MAX) vg_buf_puts(&sql, " AND +date <= ?6");
    if (conflict_only) vg_buf_puts(&sql, " AND (quad >= 3 OR (quad IS NULL AND root >= '09'))");
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, sql.s, -1, &st, NULL);
    vg_buf_free(&sql);
    if (rc != SQLITE_OK) {
        set_err(err, errsz, "events query", db);
        return false;
    }
    char ae[VG_ACTOR_MAX + 1], be[VG_ACTOR_MAX + 1], f[11], t[11];
    prefix_end(d->a, ae);
    prefix_end(d->b, be);
    sqlite3_bind_text(st, 1, d->a, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ae, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, d->b, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, be, -1, SQLITE_STATIC);
    if (from != LONG_MIN) { vg_day_format(from, f); sqlite3_bind_text(st, 5, f, -1, SQLITE_STATIC); }
    if (to != LONG_MAX) { vg_day_format(to, t); sqlite3_bind_text(st, 6, t, -1, SQLITE_STATIC); }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        vg_wevent e;
        if (!row_event(st, &e)) continue;
        e.dir = dyad_dir(d, col_text(st, 3), col_text(st, 4));
        if (e.dir) vg_vec_push(out, e);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) { set_err(err, errsz, "events query", db); return false; }
    return true;
}

/* Latest event date in the store, or LONG_MIN when it is empty. */
static long store_last_day(sqlite3 *db)
{
    sqlite3_stmt *st;
    long day = LONG_MIN;
    if (sqlite3_prepare_v2(db, "SELECT max(date) FROM events", -1, &st, NULL) != SQLITE_OK)
        return day;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        vg_day_parse(col_text(st, 0), &day);
    sqlite3_finalize(st);
    return day;
}

static void day_range(const vg_wevent *ev, size_t n, long *lo, long *hi)
{
    *lo = LONG_MAX;
    *hi = LONG_MIN;
    for (size_t i = 0; i < n; i++) {
        if (ev[i].day < *lo) *lo = ev[i].day;
        if (ev[i].day > *hi) *hi = ev[i].day;
    }
}

static void detect_events(const vg_watch_params *p, const vg_dyad *d, const vg_wevents *ev,
                          long last, long since, vg_alerts *out)
{
    long lo, hi;
    day_range(ev->v, ev->n, &lo, &hi);
    if (ev->n < (size_t)p->min_events) return;
    vg_watch_detect(p, d, ev->v, ev->n, lo, last > hi ? last : hi, since, out);
}

bool vg_watch_dyad_alerts(sqlite3 *db, const vg_watch_params *p, const vg_dyad *d,
                          long since, vg_alerts *out, char *err, size_t errsz)
{
    vg_wevents ev = {0};
    if (!vg_watch_load(db, d, LONG_MIN, LONG_MAX, true, &ev, err, errsz)) {
        vg_vec_free(&ev);
        return false;
    }
    detect_events(p, d, &ev, store_last_day(db), since, out);
    vg_vec_free(&ev);
    return true;
}

typedef struct pair_events {
    vg_dyad d;
    vg_wevents ev;
} pair_events;

typedef VG_VEC(pair_events) pair_list;

/* Adds the current row to the unordered pair of its 3-character prefixes. */
static void scan_row(sqlite3_stmt *st, vg_strmap *idx, pair_list *pairs)
{
    vg_wevent e;
    const char *src = col_text(st, 3), *tgt = col_text(st, 4);
    if (!row_event(st, &e) || !*src || !*tgt) return;
    char a[4] = "", b[4] = "", key[8];
    snprintf(a, sizeof a, "%s", src);
    snprintf(b, sizeof b, "%s", tgt);
    int c = strcmp(a, b);
    if (!c) return;
    snprintf(key, sizeof key, "%s-%s", c < 0 ? a : b, c < 0 ? b : a);
    int i = vg_strmap_get(idx, key);
    if (i < 0) {
        pair_events pe = {0};
        snprintf(pe.d.a, sizeof pe.d.a, "%s", c < 0 ? a : b);
        snprintf(pe.d.b, sizeof pe.d.b, "%s", c < 0 ? b : a);
        i = (int)pairs->n;
        vg_vec_push(pairs, pe);
        vg_strmap_put(idx, key, i);
    }
    e.dir = c < 0 ? 1 : 2;
    vg_vec_push(&pairs->v[i].ev, e);
}

bool vg_watch_scan(sqlite3 *db, const vg_watch_params *p, long since, vg_alerts *out,
                   char *err, size_t errsz)
{
    static const char sql[] = "SELECT " EVENT_COLS " FROM events"
                              " WHERE quad >= 3 OR (quad IS NULL AND root >= '09')";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        set_err(err, errsz, "events query", db);
        return false;
    }
    vg_strmap idx = {0};
    pair_list pairs = {0};
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) scan_row(st, &idx, &pairs);
    sqlite3_finalize(st);
    bool ok = rc == SQLITE_DONE;
    if (!ok) set_err(err, errsz, "events query", db);
    long last = store_last_day(db);
    for (size_t i = 0; i < pairs.n; i++) {
        if (ok) detect_events(p, &pairs.v[i].d, &pairs.v[i].ev, last, since, out);
        vg_vec_free(&pairs.v[i].ev);
    }
    vg_vec_free(&pairs);
    vg_strmap_free(&idx);
    return ok;
}

bool vg_watch_series(sqlite3 *db, const vg_dyad *d, vg_period by, long from, long to,
                     size_t max_periods, vg_series *s, char *err, size_t errsz)
{
    vg_wevents ev = {0};
    memset(s, 0, sizeof *s);
    s->dyad = *d;
    s->by = by;
    if (!vg_watch_load(db, d, from, to, false, &ev, err, errsz)) {
        vg_vec_free(&ev);
        return false;
    }
    long lo, hi;
    day_range(ev.v, ev.n, &lo, &hi);
    if (from == LONG_MIN) from = lo;
    if (to == LONG_MAX) to = hi;
    bool ok = true;
    if (from != LONG_MAX && to != LONG_MIN) {
        ok = vg_series_build(s, d, by, from, to, ev.v, ev.n, max_periods);
        if (!ok) snprintf(err, errsz, "%s", to < from ? "--to is before --from"
                                                      : "too many periods: narrow the range");
    }
    vg_vec_free(&ev);
    return ok;
}

/* ================================================================ report */

void vg_sparkline(const double *v, size_t n, vg_buf *out)
{
    static const char *const blocks[8] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
    double max = 0;
    for (size_t i = 0; i < n; i++) if (v[i] > max) max = v[i];
    for (size_t i = 0; i < n; i++) {
        int lvl = 0;
        if (max > 0 && v[i] > 0) lvl = 1 + (int)ceil(6.0 * v[i] / max);
        vg_buf_puts(out, blocks[lvl > 7 ? 7 : lvl]);
    }
}

static void bind_dyad_range(sqlite3_stmt *st, const vg_dyad *d, long from, long to,
                            char ae[], char be[], char f[11], char t[11])
{
    prefix_end(d->a, ae);
    prefix_end(d->b, be);
    vg_day_format(from, f);
    vg_day_format(to, t);
    sqlite3_bind_text(st, 1, d->a, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ae, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, d->b, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, be, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, f, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, t, -1, SQLITE_STATIC);
}

bool vg_watch_top_events(sqlite3 *db, const vg_dyad *d, long from, long to, int n,
                         vg_watch_ids *out, char *err, size_t errsz)
{
    static const char sql[] =
        "SELECT id FROM events WHERE "
        "((source >= ?1 AND source < ?2 AND target >= ?3 AND target < ?4)"
        " OR (source >= ?3 AND source < ?4 AND target >= ?1 AND target < ?2))"
        " AND +date >= ?5 AND +date <= ?6 ORDER BY num_sources DESC, num_mentions DESC, goldstein ASC, id ASC LIMIT ?7";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        set_err(err, errsz, "top events", db);
        return false;
    }
    char ae[VG_ACTOR_MAX + 1], be[VG_ACTOR_MAX + 1], f[11], t[11];
    bind_dyad_range(st, d, from, to, ae, be, f, t);
    sqlite3_bind_int(st, 7, n);
    while (sqlite3_step(st) == SQLITE_ROW) vg_vec_push(out, sqlite3_column_int64(st, 0));
    sqlite3_finalize(st);
    return true;
}

/* Sums groups of `g` consecutive periods of one direction into columns. */
static size_t report_columns(const vg_series *s, size_t g, double *conf, double *mat,
                             double *coop)
{
    size_t nc = (s->n + g - 1) / g;
    for (size_t c = 0; c < nc; c++) conf[c] = mat[c] = coop[c] = 0;
    for (size_t i = 0; i < s->n; i++) {
        const vg_cell *x = &s->cell[VG_DIR_BOTH][i];
        conf[i / g] += x->quad[3] + x->quad[4];
        mat[i / g] += x->quad[4];
        coop[i / g] += x->quad[1] + x->quad[2];
    }
    return nc;
}

static void report_totals(const vg_series *s, vg_buf *out)
{
    vg_cell t[VG_NDIR];
    memset(t, 0, sizeof t);
    for (int k = 0; k < VG_NDIR; k++)
        for (size_t i = 0; i < s->n; i++) {
            const vg_cell *c = &s->cell[k][i];
            t[k].events += c->events;
            for (int q = 0; q < 5; q++) t[k].quad[q] += c->quad[q];
            t[k].gold_sum += c->gold_sum;
            t[k].gold_n += c->gold_n;
        }
    const vg_cell *b = &t[VG_DIR_BOTH];
    vg_buf_printf(out, "  events        %6d   (%s>%s %d, %s>%s %d)\n", b->events, s->dyad.a,
                  s->dyad.b, t[VG_DIR_AB].events, s->dyad.b, s->dyad.a, t[VG_DIR_BA].events);
    vg_buf_printf(out, "  cooperation   %6d   (verbal %d, material %d)\n",
                  b->quad[1] + b->quad[2], b->quad[1], b->quad[2]);
    vg_buf_printf(out, "  conflict      %6d   (verbal %d, material %d)\n",
                  b->quad[3] + b->quad[4], b->quad[3], b->quad[4]);
    vg_buf_printf(out, "  Goldstein     %6.2f   mean; conflict-cooperation index %.2f\n\n",
                  vg_cell_gold_mean(b), vg_cell_cci(b));
}

static void report_sparklines(const vg_series *s, const vg_alerts *al, int width, vg_buf *out)
{
    size_t g = (s->n + (size_t)width - 1) / (size_t)width;
    if (!g) g = 1;
    double *conf = vg_malloc(3 * (s->n / g + 2) * sizeof(double));
    double *mat = conf + s->n / g + 2, *coop = mat + s->n / g + 2;
    size_t nc = report_columns(s, g, conf, mat, coop);
    char a[11], b[11];
    vg_period_label(s->by, s->start[0], a);
    vg_period_label(s->by, s->start[s->n - 1], b);
    vg_buf_printf(out, "  %-12s %s .. %s, one column = %zu %s%s\n", "", a, b, g,
                  vg_period_name(s->by), g > 1 ? "s" : "");
    const char *names[3] = { "conflict", " material", "cooperation" };
    double *rows[3] = { conf, mat, coop };
    for (int r = 0; r < 3; r++) {
        double max = 0;
        for (size_t c = 0; c < nc; c++) if (rows[r][c] > max) max = rows[r][c];
        vg_buf_printf(out, "  %-12s ", names[r]);
        vg_sparkline(rows[r], nc, out);
        vg_buf_printf(out, "  max %.0f\n", max);
    }
    vg_buf_printf(out, "  %-12s ", "alerts");
    for (size_t c = 0; c < nc; c++) {
        long c0 = s->start[c * g], c1 = (c + 1) * g < s->n ? s->start[(c + 1) * g] - 1 : s->to;
        const char *mark = " ";
        for (size_t i = 0; i < al->n; i++) {
            if (al->v[i].start >= c0 && al->v[i].start <= c1) { mark = "▲"; break; }
            if (al->v[i].start < c0 && al->v[i].end >= c0) mark = "─";
        }
        vg_buf_puts(out, mark);
    }
    vg_buf_puts(out, "\n\n");
    free(conf);
}

static void report_alerts(const vg_report_opts *o, const vg_alerts *al, vg_buf *out)
{
    const vg_watch_params *p = &o->params;
    vg_buf_printf(out, "Alerts (CUSUM on daily conflict intensity: k=%.2g, h=%.2g, baseline %d days)\n",
                  p->k, p->h, p->baseline_days);
    if (!al->n) vg_buf_puts(out, "  none\n");
    for (size_t i = 0; i < al->n; i++) {
        const vg_alert *x = &al->v[i];
        char s[11], e[11], sev[96];
        vg_day_format(x->start, s);
        vg_day_format(x->end, e);
        vg_alert_severity(x, sev, sizeof sev);
        vg_buf_printf(out, "  %s .. %s%s  %s: %d conflict events, peak %.1f per 7 days"
                      " (baseline %.1f)\n    driven by:", s, e, x->ongoing ? " (ongoing)" : "",
                      sev, x->n_events, x->peak7, 7 * x->baseline);
        for (size_t k = 0; k < x->drivers.n && k < 10; k++)
            vg_buf_printf(out, " #%lld", (long long)x->drivers.v[k]);
        vg_buf_puts(out, x->drivers.n > 10 ? " ...\n" : "\n");
    }
    vg_buf_putc(out, '\n');
}

static void report_sentences(sqlite3 *db, int64_t id, int n, vg_buf *out)
{
    static const char sql[] =
        "SELECT s.text, a.source, a.date, a.url FROM mentions m JOIN articles a ON a.id = m.article_id"
        " LEFT JOIN sentences s ON s.article_id = m.article_id AND s.sentence_no = m.sentence_no"
        " WHERE m.event_id = ? ORDER BY a.date, m.id LIMIT ?";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, n);
    while (sqlite3_step(st) == SQLITE_ROW) {
        vg_buf_printf(out, "     \"%s\"\n        -- %s, %s%s%s\n", col_text(st, 0),
                      *col_text(st, 1) ? col_text(st, 1) : "unknown source", col_text(st, 2),
                      *col_text(st, 3) ? " " : "", col_text(st, 3));
    }
    sqlite3_finalize(st);
}

static void report_event(sqlite3 *db, int rank, int64_t id, int nsent, vg_buf *out)
{
    static const char sql[] =
        "SELECT date, source, target, code, goldstein, quad, place_name, place_country,"
        " num_mentions, num_articles, num_sources FROM events WHERE id = ?";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const vg_cameo *c = vg_cameo_get(col_text(st, 3));
        vg_buf_printf(out, "  %2d. %s  #%lld  %s > %s  %s %s (Goldstein %.1f, QuadClass %d)\n",
                      rank, col_text(st, 0), (long long)id, col_text(st, 1), col_text(st, 2),
                      col_text(st, 3), c ? c->name : "?", sqlite3_column_double(st, 4),
                      sqlite3_column_int(st, 5));
        vg_buf_printf(out, "      %s%s%s  %d mentions, %d articles, %d sources\n",
                      *col_text(st, 6) ? col_text(st, 6) : "place unknown",
                      *col_text(st, 7) ? ", " : "", col_text(st, 7), sqlite3_column_int(st, 8),
                      sqlite3_column_int(st, 9), sqlite3_column_int(st, 10));
    }
    sqlite3_finalize(st);
    report_sentences(db, id, nsent, out);
}

static vg_period report_period(const vg_report_opts *o)
{
    return o->by_given ? o->by : VG_BY_DAY;
}

bool vg_watch_report(sqlite3 *db, const vg_report_opts *o, vg_buf *out, char *err, size_t errsz)
{
    vg_series s;
    long from = o->from, to = o->to;
    if (!vg_watch_series(db, &o->dyad, VG_BY_DAY, from, to, VG_SERIES_MAX_PERIODS, &s, err, errsz))
        return false;
    vg_buf_printf(out, "Vigil report: %s-%s (%s <-> %s)\n", o->dyad.a, o->dyad.b, o->dyad.a, o->dyad.b);
    if (!s.n) {
        vg_buf_puts(out, "  no events\n");
        vg_series_free(&s);
        return true;
    }
    from = s.from;
    to = s.to;
    vg_series_free(&s);
    if (!vg_watch_series(db, &o->dyad, report_period(o), from, to,
                         VG_SERIES_MAX_PERIODS, &s, err, errsz))
        return false;
    vg_alerts al = {0};
    bool ok = vg_watch_dyad_alerts(db, &o->params, &o->dyad, from, &al, err, errsz);
    for (size_t i = al.n; ok && i-- > 0;)
        if (al.v[i].start > to) { vg_vec_free(&al.v[i].drivers); al.v[i] = al.v[--al.n]; }
    vg_alerts_sort(&al);
    vg_watch_ids top = {0};
    if (ok) ok = vg_watch_top_events(db, &o->dyad, from, to, o->top, &top, err, errsz);
    if (ok) {
        report_totals(&s, out);
        report_sparklines(&s, &al, o->width, out);
        report_alerts(o, &al, out);
        vg_buf_puts(out, "Top events (by sources, then mentions)\n");
        for (size_t i = 0; i < top.n; i++) report_event(db, (int)i + 1, top.v[i], o->sentences, out);
    }
    vg_vec_free(&top);
    vg_alerts_free(&al);
    vg_series_free(&s);
    return ok;
}
