/* watch_store.c -- the watch's queries: a dyad's events, every pair's
 * conflict events, series and alerts, read through the store (store.h), so
 * they work on SQLite and PostgreSQL alike. */
#include "watch.h"
#include "ontology.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static bool store_failed(vg_store *st, const char *what, char *err, size_t errsz)
{
    snprintf(err, errsz, "%s: %s", what, vg_store_error(st)[0] ? vg_store_error(st) : "error");
    return false;
}

/* A day number bound as a yyyymmdd filter date (0: open). */
static int32_t bound(long day, long open) { return day == open ? 0 : vg_date_of_days(day); }

/* Reads one row of VG_WATCH_COLS; false when its date is unusable. */
static bool row_event(const char *const *v, vg_wevent *e)
{
    if (!v[1] || !vg_day_parse(v[1], &e->day)) return false;
    e->id = v[0] ? strtoll(v[0], NULL, 10) : 0;
    const char *prec = v[2] ? v[2] : "";   /* 'day', 'article' (the article's day): exact */
    e->exact = strcmp(prec, "week") && strcmp(prec, "month") && strcmp(prec, "year");
    e->quad = v[5] ? atoi(v[5]) : vg_cameo_quad_of_root(v[6] ? v[6] : "");
    e->goldstein = v[7] ? strtod(v[7], NULL) : NAN;
    e->num_mentions = v[8] ? atoi(v[8]) : 0;
    e->dir = 0;
    return true;
}

static int dyad_dir(const vg_dyad *d, const char *src, const char *tgt)
{
    int dir = 0;
    if (vg_dyad_actor_match(src, d->a) && vg_dyad_actor_match(tgt, d->b)) dir |= 1;
    if (vg_dyad_actor_match(src, d->b) && vg_dyad_actor_match(tgt, d->a)) dir |= 2;
    return dir;
}

typedef struct load_ctx {
    const vg_dyad *d;
    vg_wevents *out;
} load_ctx;

static bool load_row(void *ctx, int nc, const char *const *v)
{
    load_ctx *x = ctx;
    vg_wevent e;
    if (nc != 9 || !row_event(v, &e)) return true;
    e.dir = dyad_dir(x->d, v[3] ? v[3] : "", v[4] ? v[4] : "");
    if (e.dir) vg_vec_push(x->out, e);
    return true;
}

bool vg_watch_load(vg_store *st, const vg_dyad *d, long from, long to, bool conflict_only,
                   vg_wevents *out, char *err, size_t errsz)
{
    vg_event_query q = { .cols = VG_COLS_WATCH };
    q.f.a = d->a;
    q.f.b = d->b;
    q.f.from = bound(from, LONG_MIN);
    q.f.to = bound(to, LONG_MAX);
    q.f.conflict_only = conflict_only;
    load_ctx x = { d, out };
    return vg_store_read_events(st, &q, load_row, &x) ||
           store_failed(st, "events query", err, errsz);
}

/* Latest event date in the store, or LONG_MIN when it is empty. */
static long store_last_day(vg_store *st)
{
    char last[11];
    long day = LONG_MIN;
    if (vg_store_last_date(st, last) && last[0]) vg_day_parse(last, &day);
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
                          long last, long since, vg_watch_alerts *out)
{
    long lo, hi;
    day_range(ev->v, ev->n, &lo, &hi);
    if (ev->n < (size_t)p->min_events) return;
    vg_watch_detect(p, d, ev->v, ev->n, lo, last > hi ? last : hi, since, out);
}

bool vg_watch_dyad_alerts(vg_store *st, const vg_watch_params *p, const vg_dyad *d,
                          long since, vg_watch_alerts *out, char *err, size_t errsz)
{
    vg_wevents ev = {0};
    if (!vg_watch_load(st, d, LONG_MIN, LONG_MAX, true, &ev, err, errsz)) {
        vg_vec_free(&ev);
        return false;
    }
    detect_events(p, d, &ev, store_last_day(st), since, out);
    vg_vec_free(&ev);
    return true;
}

typedef struct pair_events {
    vg_dyad d;
    vg_wevents ev;
} pair_events;

typedef struct scan_ctx {
    vg_strmap idx;
    VG_VEC(pair_events) pairs;
} scan_ctx;

/* Adds a row to the unordered pair of its 3-character prefixes. */
static bool scan_row(void *ctx, int nc, const char *const *v)
{
    scan_ctx *x = ctx;
    vg_wevent e;
    const char *src = v[3] ? v[3] : "", *tgt = v[4] ? v[4] : "";
    if (nc != 9 || !row_event(v, &e) || !*src || !*tgt) return true;
    char a[4] = "", b[4] = "", key[8];
    snprintf(a, sizeof a, "%s", src);
    snprintf(b, sizeof b, "%s", tgt);
    int c = strcmp(a, b);
    if (!c) return true;
    snprintf(key, sizeof key, "%s-%s", c < 0 ? a : b, c < 0 ? b : a);
    int i = vg_strmap_get(&x->idx, key);
    if (i < 0) {
        pair_events pe = {0};
        snprintf(pe.d.a, sizeof pe.d.a, "%s", c < 0 ? a : b);
        snprintf(pe.d.b, sizeof pe.d.b, "%s", c < 0 ? b : a);
        i = (int)x->pairs.n;
        vg_vec_push(&x->pairs, pe);
        vg_strmap_put(&x->idx, key, i);
    }
    e.dir = c < 0 ? 1 : 2;
    vg_vec_push(&x->pairs.v[i].ev, e);
    return true;
}

bool vg_watch_scan(vg_store *st, const vg_watch_params *p, long since, vg_watch_alerts *out,
                   char *err, size_t errsz)
{
    vg_event_query q = { .cols = VG_COLS_WATCH };
    q.f.conflict_only = true;
    scan_ctx x = {0};
    bool ok = vg_store_read_events(st, &q, scan_row, &x);
    if (!ok) store_failed(st, "events query", err, errsz);
    long last = store_last_day(st);
    for (size_t i = 0; i < x.pairs.n; i++) {
        if (ok) detect_events(p, &x.pairs.v[i].d, &x.pairs.v[i].ev, last, since, out);
        vg_vec_free(&x.pairs.v[i].ev);
    }
    vg_vec_free(&x.pairs);
    vg_strmap_free(&x.idx);
    return ok;
}

bool vg_watch_load_series(vg_store *st, const vg_dyad *d, vg_period by, long from, long to,
                          size_t max_periods, vg_watch_series *s, char *err, size_t errsz)
{
    vg_wevents ev = {0};
    memset(s, 0, sizeof *s);
    s->dyad = *d;
    s->by = by;
    if (!vg_watch_load(st, d, from, to, false, &ev, err, errsz)) {
        vg_vec_free(&ev);
        return false;
    }
    long lo, hi;
    day_range(ev.v, ev.n, &lo, &hi);
    if (from == LONG_MIN) from = lo;
    if (to == LONG_MAX) to = hi;
    bool ok = true;
    if (from != LONG_MAX && to != LONG_MIN) {
        ok = vg_watch_series_build(s, d, by, from, to, ev.v, ev.n, max_periods);
        if (!ok) snprintf(err, errsz, "%s", to < from ? "--to is before --from"
                                                      : "too many periods: narrow the range");
    }
    vg_vec_free(&ev);
    return ok;
}

static bool push_id(void *ctx, int nc, const char *const *v)
{
    if (nc >= 1 && v[0]) vg_vec_push((vg_watch_ids *)ctx, strtoll(v[0], NULL, 10));
    return true;
}

bool vg_watch_top_events(vg_store *st, const vg_dyad *d, long from, long to, int n,
                         vg_watch_ids *out, char *err, size_t errsz)
{
    vg_event_query q = { .cols = VG_COLS_ID, .order = VG_ORDER_REPORTED, .limit = n };
    q.f.a = d->a;
    q.f.b = d->b;
    q.f.from = bound(from, LONG_MIN);
    q.f.to = bound(to, LONG_MAX);
    if (n <= 0) return true;
    return vg_store_read_events(st, &q, push_id, out) ||
           store_failed(st, "top events", err, errsz);
}
