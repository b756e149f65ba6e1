/* watch.c -- the detector and the data it works on (see watch.h): dyads,
 * periods, series, CUSUM escalation alerts.  Reading the store:
 * watch_store.c; the terminal report: watch_report.c. */
#include "watch.h"
#include "ontology.h"
#include "post.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ================================================================ names */

/* An actor prefix at s: "---" then letters/digits, or letters/digits;
 * stops at the first other character.  Returns its length (0: none) or
 * -1 when it is too long; *why tells what is wrong. */
static int actor_len(const char *s, const char **why)
{
    int n = !strncmp(s, "---", 3) ? 3 : 0;
    while (vg_isalnum((unsigned char)s[n])) {
        if (++n > VG_ACTOR_MAX) { *why = "actor code too long (max 32)"; return -1; }
    }
    if (!n) *why = *s ? "actor code must be letters and digits (or --- then letters and digits)"
                      : "empty actor code";
    return n;
}

static void copy_upper(char *out, const char *s, int n)
{
    for (int i = 0; i < n; i++) out[i] = (char)vg_toupper((unsigned char)s[i]);
    out[n] = '\0';
}

bool vg_dyad_actor_parse(const char *s, char *out, const char **why)
{
    int n = actor_len(s, why);
    if (n <= 0) return false;
    if (s[n]) {
        *why = "actor code must be letters and digits (or --- then letters and digits)";
        return false;
    }
    copy_upper(out, s, n);
    return true;
}

bool vg_dyad_parse(const char *s, vg_dyad *out, const char **why)
{
    static const char shape[] = "dyad must be A-B (e.g. SRB-KSV; ---, the unknown country, "
                                "as in ----BIH)";
    int la = actor_len(s, why);
    if (la < 0) return false;
    if (!la || s[la] != '-') { *why = shape; return false; }
    const char *b = s + la + 1;
    int lb = actor_len(b, why);
    if (lb < 0) return false;
    if (!lb || b[lb]) { *why = shape; return false; }
    copy_upper(out->a, s, la);
    copy_upper(out->b, b, lb);
    return true;
}

bool vg_dyad_actor_match(const char *code, const char *prefix)
{
    return strncmp(code, prefix, strlen(prefix)) == 0;
}

void vg_dyad_format(const vg_dyad *d, char *buf, size_t bufsz)
{
    snprintf(buf, bufsz, "%s-%s", d->a, d->b);
}

/* ================================================================ groups */

void vg_actor_group(const char *code, char *out)
{
    size_t n = strlen(code), k = n < 3 ? n : 3;
    if (!strncmp(code, "IGOUNO", 6)) k = 6;
    else if (!strncmp(code, "IGO", 3) || !strncmp(code, "IMG", 3)) k = n < 9 ? n : 9;
    memcpy(out, code, k);
    out[k] = '\0';
}

bool vg_actor_group_unknown(const char *group)
{
    return !strcmp(group, "---");
}

/* Organisations with a name a reader knows them by (codes from
 * dict/actors-international.txt). */
static const struct { const char *code, *name; } org_names[] = {
    { "IGOUNO", "United Nations" }, { "IGOWSTNAT", "NATO" },
    { "IGOEUREEC", "European Union" }, { "IGOAFRAFU", "African Union" },
    { "IGOEURSCE", "OSCE" }, { "IGOEURCOE", "Council of Europe" },
    { "IGOBUSIMF", "IMF" }, { "IGOSEAASN", "ASEAN" }, { "IGOMEAARL", "Arab League" },
    { "IGOJUDICC", "International Criminal Court" }, { "IGOWAFWAS", "ECOWAS" },
    { "IGOPGSGCC", "Gulf Cooperation Council" }, { "IGOOAS", "Organization of American States" },
    { "IGOMOSOIC", "Organisation of Islamic Cooperation" },
    { "IGOEAFIGD", "IGAD" }, { "IMGMOSALQ", "al-Qaeda" }, { "IMGMOSISI", "Islamic State" },
    { "IGO", "international organisations" }, { "NGO", "non-governmental organisations" },
    { "---", "unknown" },
};

const char *vg_actor_group_name(const char *group)
{
    for (size_t i = 0; i < sizeof org_names / sizeof *org_names; i++)
        if (!strcmp(group, org_names[i].code)) return org_names[i].name;
    const vg_country *c = strlen(group) == 3 ? vg_country_get(group) : NULL;
    return c ? c->name : NULL;
}

bool vg_dyad_of_codes(const char *src, const char *tgt, vg_dyad *out)
{
    char a[VG_ACTOR_MAX + 1], b[VG_ACTOR_MAX + 1];
    if (strlen(src) > VG_ACTOR_MAX || strlen(tgt) > VG_ACTOR_MAX) return false;
    vg_actor_group(src, a);
    vg_actor_group(tgt, b);
    int c = strcmp(a, b);
    if (!c || !*a || !*b) return false;
    snprintf(out->a, sizeof out->a, "%s", c < 0 ? a : b);
    snprintf(out->b, sizeof out->b, "%s", c < 0 ? b : a);
    return true;
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

int vg_wprec_parse(const char *s)
{
    if (!s) return VG_WPREC_DAY;
    if (!strcmp(s, "week")) return VG_WPREC_WEEK;
    if (!strcmp(s, "month")) return VG_WPREC_MONTH;
    if (!strcmp(s, "year")) return VG_WPREC_YEAR;
    return VG_WPREC_DAY;     /* "day", "article" (the article's day) */
}

/* The precision a period needs: day, week or month. */
static int period_prec(vg_period by)
{
    return by == VG_BY_DAY ? VG_WPREC_DAY : by == VG_BY_WEEK ? VG_WPREC_WEEK : VG_WPREC_MONTH;
}

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
static long period_index(const vg_watch_series *s, long day)
{
    if (!s->n || day < s->start[0] || day > s->to) return -1;
    size_t lo = 0, hi = s->n;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (s->start[mid] <= day) lo = mid; else hi = mid;
    }
    return (long)lo;
}

bool vg_watch_series_build(vg_watch_series *s, const vg_dyad *d, vg_period by, long from, long to,
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
    int need = period_prec(by);
    for (size_t i = 0; i < n; i++) {
        long pi = period_index(s, ev[i].day);
        if (pi < 0 || !ev[i].dir) continue;
        if (ev[i].prec > need) { s->coarse++; continue; }
        if (ev[i].dir & 1) cell_add(&s->cell[VG_DIR_AB][pi], &ev[i]);
        if (ev[i].dir & 2) cell_add(&s->cell[VG_DIR_BA][pi], &ev[i]);
        cell_add(&s->cell[VG_DIR_BOTH][pi], &ev[i]);
    }
    return true;
}

void vg_watch_series_free(vg_watch_series *s)
{
    free(s->start);
    for (int k = 0; k < VG_NDIR; k++) free(s->cell[k]);
    memset(s, 0, sizeof *s);
}

static void dir_label(const vg_watch_series *s, int k, char *buf, size_t sz)
{
    if (k == VG_DIR_AB) snprintf(buf, sz, "%s>%s", s->dyad.a, s->dyad.b);
    else if (k == VG_DIR_BA) snprintf(buf, sz, "%s>%s", s->dyad.b, s->dyad.a);
    else snprintf(buf, sz, "both");
}

void vg_watch_series_csv(const vg_watch_series *s, vg_buf *out)
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

static void series_dir_json(const vg_watch_series *s, int k, vg_buf *out)
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

void vg_watch_series_json(const vg_watch_series *s, vg_buf *out)
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
    vg_buf_printf(out, "],\"coarse\":%zu,\"ab\":", s->coarse);
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

bool vg_watch_params_check(const vg_watch_params *p, const char **why)
{
    if (p->min_history > p->baseline_days) {
        *why = "--min-history cannot exceed --baseline";
        return false;
    }
    if (p->min_events < 2) { *why = "--min-events must be at least 2"; return false; }
    return true;
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

static void alert_drivers(const detector *dt, vg_watch_alert *al)
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
static void alert_finish(const detector *dt, vg_watch_alert *al, long t0, long t1)
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
static void alert_emit(const detector *dt, vg_watch_alert *al, long t0, long t1, long from,
                       vg_watch_alerts *out)
{
    alert_finish(dt, al, t0, t1);
    if (al->start >= from) vg_vec_push(out, *al);
    else vg_vec_free(&al->drivers);
}

void vg_watch_detect(const vg_watch_params *p, const vg_dyad *d, const vg_wevent *ev,
                     size_t n, long first, long last, long report_from, vg_watch_alerts *out)
{
    if (last < first) return;
    detector dt;
    detector_init(&dt, p, ev, n, first, last);
    double S = 0, U = 0;     /* the CUSUM, capped at h; U: the same uncapped */
    long run = -1;
    bool on = false;
    vg_watch_alert cur;
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

void vg_watch_alerts_free(vg_watch_alerts *a)
{
    for (size_t i = 0; i < a->n; i++) vg_vec_free(&a->v[i].drivers);
    vg_vec_free(a);
}

void vg_watch_alert_severity(const vg_watch_alert *al, char *buf, size_t bufsz)
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

void vg_watch_alert_json(const vg_watch_alert *al, vg_buf *out)
{
    char s[11], t[11], e[11], pk[11], sev[96];
    vg_day_format(al->start, s);
    vg_day_format(al->trigger, t);
    vg_day_format(al->end, e);
    vg_day_format(al->peak_day, pk);
    vg_watch_alert_severity(al, sev, sizeof sev);
    vg_buf_puts(out, "{\"dyad\":");
    char dy[2 * VG_ACTOR_MAX + 2];
    vg_dyad_format(&al->dyad, dy, sizeof dy);
    vg_buf_json_str(out, dy);
    vg_buf_puts(out, ",\"a\":");
    vg_buf_json_str(out, al->dyad.a);
    vg_buf_puts(out, ",\"b\":");
    vg_buf_json_str(out, al->dyad.b);
    vg_buf_printf(out, ",\"start\":\"%s\",\"trigger\":\"%s\",\"end\":\"%s\",\"ongoing\":%s,"
                  "\"severity\":", s, t, e, al->ongoing ? "true" : "false");
    vg_buf_json_str(out, sev);
    vg_buf_printf(out, ",\"months\":%d,\"peak7\":%.2f,\"peak_day\":\"%s\","
                  "\"baseline7\":%.2f,\"peak_cusum\":%.2f,\"events\":%d,\"drivers\":[",
                  al->months, al->peak7, pk, 7 * al->baseline, al->peak_cusum, al->n_events);
    for (size_t k = 0; k < al->drivers.n; k++)
        vg_buf_printf(out, "%s%lld", k ? "," : "", (long long)al->drivers.v[k]);
    vg_buf_puts(out, "]}");
}

void vg_watch_alerts_json(const vg_watch_alerts *a, vg_buf *out)
{
    vg_buf_putc(out, '[');
    for (size_t i = 0; i < a->n; i++) {
        if (i) vg_buf_putc(out, ',');
        vg_watch_alert_json(&a->v[i], out);
    }
    vg_buf_putc(out, ']');
}

void vg_watch_alert_key(const vg_watch_alert *al, char *buf, size_t bufsz)
{
    char s[11];
    vg_day_format(al->start, s);
    snprintf(buf, bufsz, "%s-%s/%s", al->dyad.a, al->dyad.b, s);
}

bool vg_watch_alert_same_episode(const vg_watch_alert *a, const vg_watch_alert *b)
{
    return !strcmp(a->dyad.a, b->dyad.a) && !strcmp(a->dyad.b, b->dyad.b) &&
           a->start <= b->end && b->start <= a->end;
}

static int alert_cmp(const void *pa, const void *pb)
{
    const vg_watch_alert *a = pa, *b = pb;
    if (a->start != b->start) return a->start > b->start ? -1 : 1;
    int c = strcmp(a->dyad.a, b->dyad.a);
    return c ? c : strcmp(a->dyad.b, b->dyad.b);
}

void vg_watch_alerts_sort(vg_watch_alerts *a)
{
    if (a->n) qsort(a->v, a->n, sizeof *a->v, alert_cmp);
}
