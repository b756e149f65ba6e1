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
    e->prec = vg_wprec_parse(prec);
    e->exact = e->prec == VG_WPREC_DAY;
    e->quad = v[5] ? atoi(v[5]) : vg_cameo_quad_of_root(v[6] ? v[6] : "");
    e->goldstein = v[7] ? strtod(v[7], NULL) : NAN;
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
    if (nc != VG_WATCH_NCOLS || !row_event(v, &e)) return true;
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
    bool include_unknown;
} scan_ctx;

/* Adds a row to the unordered pair of its actor groups. */

enum { DYAD_KEY = 2 * VG_ACTOR_MAX + 2 };

/* The dyad of a row's source and target codes and its key ("SRB-KSV"); false
 * when the codes make none, or one side is unknown ("---") and not wanted. */
static bool row_dyad(const char *src, const char *tgt, bool include_unknown, vg_dyad *d,
                     char key[DYAD_KEY])
{
    if (!vg_dyad_of_codes(src ? src : "", tgt ? tgt : "", d)) return false;
    if (!include_unknown && (vg_actor_group_unknown(d->a) || vg_actor_group_unknown(d->b)))
        return false;
    vg_dyad_format(d, key, DYAD_KEY);
    return true;
}

static bool scan_row(void *ctx, int nc, const char *const *v)
{
    scan_ctx *x = ctx;
    vg_wevent e;
    vg_dyad d;
    char key[DYAD_KEY];
    if (nc != VG_WATCH_NCOLS || !row_event(v, &e) || !row_dyad(v[3], v[4], x->include_unknown, &d, key))
        return true;
    int i = vg_strmap_get(&x->idx, key);
    if (i < 0) {
        pair_events pe = {0};
        pe.d = d;
        i = (int)x->pairs.n;
        vg_vec_push(&x->pairs, pe);
        vg_strmap_put(&x->idx, key, i);
    }
    e.dir = vg_dyad_actor_match(v[3], d.a) ? 1 : 2;
    vg_vec_push(&x->pairs.v[i].ev, e);
    return true;
}

/* The groups of the set that another group extends (a bare "IGO" code
 * beside "IGOUNO"): the dyads of such a group select more events than its
 * own bucket, so they are read as every command reads them, by prefix. */
static void nested_groups(const vg_strmap *groups, vg_strmap *ext)
{
    for (size_t i = 0; i < groups->cap; i++) {
        const char *g = groups->keys[i];
        if (!g) continue;
        size_t n = strlen(g);
        for (size_t k = 0; k < groups->cap; k++) {
            const char *o = groups->keys[k];
            if (o && strlen(o) > n && !strncmp(o, g, n)) { vg_strmap_put(ext, g, 1); break; }
        }
    }
}

static bool is_nested(const vg_strmap *ext, const vg_dyad *d)
{
    return vg_strmap_get(ext, d->a) >= 0 || vg_strmap_get(ext, d->b) >= 0;
}

bool vg_watch_scan(vg_store *st, const vg_watch_params *p, long since, vg_watch_alerts *out,
                   char *err, size_t errsz)
{
    vg_event_query q = { .cols = VG_COLS_WATCH };
    q.f.conflict_only = true;
    scan_ctx x = { .include_unknown = p->include_unknown };
    bool ok = vg_store_read_events(st, &q, scan_row, &x);
    if (!ok) store_failed(st, "events query", err, errsz);
    long last = store_last_day(st);
    vg_strmap groups = {0}, ext = {0};
    for (size_t i = 0; ok && i < x.pairs.n; i++) {
        vg_strmap_put(&groups, x.pairs.v[i].d.a, 1);
        vg_strmap_put(&groups, x.pairs.v[i].d.b, 1);
    }
    nested_groups(&groups, &ext);
    for (size_t i = 0; i < x.pairs.n; i++) {
        pair_events *pe = &x.pairs.v[i];
        if (ok && is_nested(&ext, &pe->d)) {
            /* nested groups: the events the dyad selects, as every command reads them */
            pe->ev.n = 0;
            ok = vg_watch_load(st, &pe->d, LONG_MIN, LONG_MAX, true, &pe->ev, err, errsz);
        }
        if (ok) detect_events(p, &pe->d, &pe->ev, last, since, out);
        vg_vec_free(&pe->ev);
    }
    vg_strmap_free(&groups);
    vg_strmap_free(&ext);
    vg_vec_free(&x.pairs);
    vg_strmap_free(&x.idx);
    return ok;
}

bool vg_watch_scan_dyads(vg_store *st, const vg_watch_params *p, const vg_dyad *d, size_t n,
                         long since, vg_watch_alerts *out, char *err, size_t errsz)
{
    long last = store_last_day(st);
    bool ok = true;
    vg_wevents ev = {0};
    for (size_t i = 0; ok && i < n; i++) {
        if (!p->include_unknown &&
            (vg_actor_group_unknown(d[i].a) || vg_actor_group_unknown(d[i].b)))
            continue;
        ev.n = 0;
        ok = vg_watch_load(st, &d[i], LONG_MIN, LONG_MAX, true, &ev, err, errsz);
        if (ok) detect_events(p, &d[i], &ev, last, since, out);
    }
    vg_vec_free(&ev);
    return ok;
}

/* ------------------------------------------------------------ changes */

typedef struct changed_ctx {
    vg_strmap seen;
    vg_dyads *out;
    bool include_unknown;
} changed_ctx;

static bool changed_row(void *ctx, int nc, const char *const *v)
{
    changed_ctx *x = ctx;
    vg_dyad d;
    if (nc != 2 || !v[0] || !v[1] || !vg_dyad_of_codes(v[0], v[1], &d)) return true;
    if (!x->include_unknown && (vg_actor_group_unknown(d.a) || vg_actor_group_unknown(d.b)))
        return true;
    char key[2 * VG_ACTOR_MAX + 2];
    vg_dyad_format(&d, key, sizeof key);
    if (vg_strmap_get(&x->seen, key) >= 0) return true;
    vg_strmap_put(&x->seen, key, 1);
    vg_vec_push(x->out, d);
    return true;
}

bool vg_watch_changed_dyads(vg_store *st, int64_t after, bool include_unknown, vg_dyads *out,
                            int64_t *last, char *err, size_t errsz)
{
    changed_ctx x = { .out = out, .include_unknown = include_unknown };
    bool ok = vg_store_mentions_since(st, after, last, changed_row, &x);
    vg_strmap_free(&x.seen);
    return ok || store_failed(st, "new mentions", err, errsz);
}

/* ------------------------------------------------------------ payload */

static const char *nz(const char *s) { return s ? s : ""; }

/* The columns of VG_EVENT_COLS used here. */
enum { E_ID, E_DATE, E_PREC, E_SOURCE, E_TARGET, E_CODE = 7, E_QUAD = 9, E_GOLDSTEIN = 11,
       E_PLACE = 13, E_ADM1, E_COUNTRY, E_LAT, E_LON, E_MENTIONS = 21, E_ARTICLES,
       E_SOURCES, NEVCOLS = 25 };
/* and of VG_MENTION_COLS */
enum { M_ARTICLE = 1, M_ARTICLE_DATE, M_ARTICLE_SOURCE, M_URL, M_TITLE, M_SENTENCE = 7,
       NMCOLS = 15 };

typedef struct payload_ctx {
    vg_strmap pos;              /* event id -> index in drivers */
    char **json;                /* one object per driver, NULL until read */
    vg_store *st;
} payload_ctx;

static void json_opt(vg_buf *b, const char *v)
{
    if (v && *v) vg_buf_json_str(b, v);
    else vg_buf_puts(b, "null");
}

static bool mention_json(void *ctx, int nc, const char *const *v)
{
    vg_buf *b = ctx;
    if (nc < NMCOLS) return false;
    vg_buf_puts(b, ",\"report\":{\"article\":");
    json_opt(b, v[M_ARTICLE]);
    vg_buf_puts(b, ",\"date\":");
    json_opt(b, v[M_ARTICLE_DATE]);
    vg_buf_puts(b, ",\"source\":");
    json_opt(b, v[M_ARTICLE_SOURCE]);
    vg_buf_puts(b, ",\"url\":");
    json_opt(b, v[M_URL]);
    vg_buf_puts(b, ",\"title\":");
    json_opt(b, v[M_TITLE]);
    vg_buf_puts(b, ",\"sentence\":");
    json_opt(b, v[M_SENTENCE]);
    vg_buf_putc(b, '}');
    return false;
}

static bool driver_json(void *ctx, int nc, const char *const *v)
{
    payload_ctx *x = ctx;
    if (nc < NEVCOLS || !v[E_ID]) return true;
    int i = vg_strmap_get(&x->pos, v[E_ID]);
    if (i < 0 || x->json[i]) return true;
    vg_buf b = {0};
    const vg_cameo *c = vg_cameo_get(nz(v[E_CODE]));
    vg_buf_printf(&b, "{\"id\":%s,\"date\":", v[E_ID]);
    json_opt(&b, v[E_DATE]);
    vg_buf_puts(&b, ",\"date_precision\":");
    json_opt(&b, v[E_PREC]);
    vg_buf_puts(&b, ",\"source\":");
    json_opt(&b, v[E_SOURCE]);
    vg_buf_puts(&b, ",\"target\":");
    json_opt(&b, v[E_TARGET]);
    vg_buf_puts(&b, ",\"code\":");
    json_opt(&b, v[E_CODE]);
    vg_buf_puts(&b, ",\"name\":");
    json_opt(&b, c ? c->name : NULL);
    vg_buf_printf(&b, ",\"quad\":%s,\"goldstein\":%s", v[E_QUAD] ? v[E_QUAD] : "null",
                  v[E_GOLDSTEIN] ? v[E_GOLDSTEIN] : "null");
    vg_buf_puts(&b, ",\"place\":");
    json_opt(&b, v[E_PLACE]);
    vg_buf_puts(&b, ",\"place_country\":");
    json_opt(&b, v[E_COUNTRY]);
    if (v[E_LAT] && v[E_LON])
        vg_buf_printf(&b, ",\"lat\":%.4f,\"lon\":%.4f", strtod(v[E_LAT], NULL),
                      strtod(v[E_LON], NULL));
    vg_buf_printf(&b, ",\"mentions\":%d,\"articles\":%d,\"sources\":%d",
                  atoi(nz(v[E_MENTIONS])), atoi(nz(v[E_ARTICLES])), atoi(nz(v[E_SOURCES])));
    x->json[i] = b.s;
    return true;
}

bool vg_watch_alert_payload(vg_store *st, const vg_watch_alert *al, const char *key,
                            const char *detected_at, vg_buf *out, char *err, size_t errsz)
{
    size_t n = al->drivers.n < 100 ? al->drivers.n : 100;
    payload_ctx x = { .json = vg_calloc(n + 1, sizeof(char *)), .st = st };
    for (size_t i = 0; i < n; i++) {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)al->drivers.v[i]);
        vg_strmap_put(&x.pos, id, (int)i);
    }
    vg_event_query q = { .cols = VG_COLS_EVENT };
    q.f.ids = al->drivers.v;
    q.f.nids = n;
    bool ok = !n || vg_store_read_events(st, &q, driver_json, &x);
    if (!ok) store_failed(st, "driver events", err, errsz);
    /* each driver's first report */
    for (size_t i = 0; ok && i < n; i++) {
        if (!x.json[i]) continue;
        vg_buf b = {0};
        vg_buf_puts(&b, x.json[i]);
        ok = vg_store_read_mentions(st, al->drivers.v[i], 1, mention_json, &b);
        if (!ok) store_failed(st, "driver reports", err, errsz);
        vg_buf_putc(&b, '}');
        free(x.json[i]);
        x.json[i] = b.s;
    }
    if (ok) {
        char own[VG_ALERT_KEY_MAX];
        if (!key) {
            vg_watch_alert_key(al, own, sizeof own);
            key = own;
        }
        size_t at = out->len;
        vg_watch_alert_json(al, out);
        out->len = at + (out->len - at) - 1;      /* reopen the object */
        out->s[out->len] = '\0';
        vg_buf_puts(out, ",\"key\":");
        vg_buf_json_str(out, key);
        vg_buf_puts(out, ",\"detected_at\":");
        json_opt(out, detected_at);
        vg_buf_puts(out, ",\"driver_events\":[");
        bool first = true;
        for (size_t i = 0; i < n; i++) {
            if (!x.json[i]) continue;
            if (!first) vg_buf_putc(out, ',');
            vg_buf_puts(out, x.json[i]);
            first = false;
        }
        vg_buf_puts(out, "]}");
    }
    for (size_t i = 0; i < n; i++) free(x.json[i]);
    free(x.json);
    vg_strmap_free(&x.pos);
    return ok;
}

/* ------------------------------------------------------------ dyad lists */

typedef struct pair_row {
    char *src, *tgt;
    long events, conflict, material, coop, gold_n;
    double gold_sum;
} pair_row;

typedef struct counts_ctx {
    VG_VEC(pair_row) rows;
    vg_strmap idx;              /* dyad -> index in out */
    vg_dyad_counts *out;
    bool include_unknown;
} counts_ctx;

static long lnum(const char *v) { return v ? atol(v) : 0; }

static void count_add(vg_dyad_count *c, const pair_row *r)
{
    c->events += r->events;
    c->conflict += r->conflict;
    c->material += r->material;
    c->coop += r->coop;
    c->gold_sum += r->gold_sum;
    c->gold_n += r->gold_n;
}

static bool pair_count_row(void *ctx, int nc, const char *const *v)
{
    counts_ctx *x = ctx;
    if (nc != 8) return false;
    pair_row r = { vg_strdup(nz(v[0])), vg_strdup(nz(v[1])), lnum(v[2]), lnum(v[3]),
                   lnum(v[4]), lnum(v[5]), lnum(v[7]), v[6] ? strtod(v[6], NULL) : 0.0 };
    vg_vec_push(&x->rows, r);
    vg_dyad d;
    char key[DYAD_KEY];
    if (!row_dyad(r.src, r.tgt, x->include_unknown, &d, key)) return true;
    int i = vg_strmap_get(&x->idx, key);
    if (i < 0) {
        vg_dyad_count z = {0};
        z.d = d;
        i = (int)x->out->n;
        vg_vec_push(x->out, z);
        vg_strmap_put(&x->idx, key, i);
    }
    count_add(&x->out->v[i], &r);
    return true;
}

bool vg_watch_dyad_counts(vg_store *st, int32_t from, int32_t to, bool include_unknown,
                          vg_dyad_counts *out, char *err, size_t errsz)
{
    counts_ctx x = { .out = out, .include_unknown = include_unknown };
    bool ok = vg_store_read_code_pairs(st, from, to, pair_count_row, &x);
    if (!ok) store_failed(st, "dyads query", err, errsz);
    vg_strmap groups = {0}, ext = {0};
    for (size_t i = 0; ok && i < out->n; i++) {
        vg_strmap_put(&groups, out->v[i].d.a, 1);
        vg_strmap_put(&groups, out->v[i].d.b, 1);
    }
    nested_groups(&groups, &ext);
    /* a dyad of nested groups counts every event it selects */
    for (size_t i = 0; ok && i < out->n; i++) {
        vg_dyad_count *c = &out->v[i];
        if (!is_nested(&ext, &c->d)) continue;
        vg_dyad d = c->d;
        memset(c, 0, sizeof *c);
        c->d = d;
        for (size_t k = 0; k < x.rows.n; k++) {
            const pair_row *r = &x.rows.v[k];
            if ((vg_dyad_actor_match(r->src, d.a) && vg_dyad_actor_match(r->tgt, d.b)) ||
                (vg_dyad_actor_match(r->src, d.b) && vg_dyad_actor_match(r->tgt, d.a)))
                count_add(c, r);
        }
    }
    for (size_t k = 0; k < x.rows.n; k++) { free(x.rows.v[k].src); free(x.rows.v[k].tgt); }
    vg_vec_free(&x.rows);
    vg_strmap_free(&x.idx);
    vg_strmap_free(&groups);
    vg_strmap_free(&ext);
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
