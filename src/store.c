/* store.c -- see store.h: opening a store, date and place compatibility,
 * and the batch writer with its deduplication. */
#include "store.h"
#include "store_be.h"
#include "ontology.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

/* ================================================================ dates */

static bool coarse(int p) { return p == VG_DATE_MONTH || p == VG_DATE_YEAR; }

/* Days between the two dates' intervals (negative: they overlap); INT_MAX
 * when they cannot match. */
static long date_gap(int32_t d1, int p1, int32_t d2, int p2)
{
    if (coarse(p1) || coarse(p2)) return p1 == p2 && d1 == d2 ? 0 : 1L << 30;
    long lo1 = vg_date_days(d1), lo2 = vg_date_days(d2);
    long hi1 = lo1 + (p1 == VG_DATE_WEEK ? 6 : 0), hi2 = lo2 + (p2 == VG_DATE_WEEK ? 6 : 0);
    long lo = lo1 > lo2 ? lo1 : lo2, hi = hi1 < hi2 ? hi1 : hi2;
    return lo - hi;
}

bool vg_store_dates_compatible(int32_t d1, int p1, int32_t d2, int p2)
{
    long slack = p1 == VG_DATE_DAY && p2 == VG_DATE_DAY ? 0 : 1;
    return date_gap(d1, p1, d2, p2) <= slack;
}

/* ================================================================ places */

bool vg_store_place_in_text(const vg_place *p)
{
    return p->precision != VG_PLACE_NONE && !p->from_actor;
}

static bool same_name(const char *a, const char *b)
{
    char ka[128], kb[128];
    size_t na = vg_gaz_key(a, strlen(a), ka, sizeof ka);
    size_t nb = vg_gaz_key(b, strlen(b), kb, sizeof kb);
    if (!na || !nb) return !strcmp(a, b);
    return na == nb && !memcmp(ka, kb, na);
}

bool vg_store_places_compatible(const vg_place *a, const vg_place *b)
{
    if (!vg_store_place_in_text(a) || !vg_store_place_in_text(b)) return true;
    if (a->country[0] && b->country[0] && strcmp(a->country, b->country)) return false;
    bool ua = a->precision == VG_PLACE_UNRESOLVED, ub = b->precision == VG_PLACE_UNRESOLVED;
    if (ua && ub) return same_name(a->name, b->name);
    if (ua || ub) return true;      /* not in the gazetteer: cannot tell them apart */
    if (a->precision == VG_PLACE_COUNTRY || b->precision == VG_PLACE_COUNTRY)
        return a->country[0] && b->country[0];
    if (a->precision == b->precision)
        return same_name(a->name, b->name) &&
               (a->precision != VG_PLACE_CITY || same_name(a->adm1, b->adm1));
    const vg_place *r = a->precision == VG_PLACE_REGION ? a : b;
    const vg_place *c = r == a ? b : a;
    return r->precision == VG_PLACE_REGION && c->precision == VG_PLACE_CITY &&
           c->adm1[0] && same_name(r->name, c->adm1);
}

/* ================================================================ store */

typedef VG_VEC(uint32_t) u32s;

struct vg_store {
    vg_store_be *be;
    vg_store_opts o;
    bool failed;
    char err[700];
    vg_arena arena;                 /* the pending articles */
    VG_VEC(vg_article) pend;
    vg_strmap ids;                  /* article id -> index in pend */
    vg_store_event_vec ev;             /* the batch's events: candidates and new */
    vg_strmap keys;                 /* "source\ttarget\troot" -> group */
    VG_VEC(u32s) groups;            /* indexes into ev */
    vg_ids mev;                     /* the event of each pending mention */
    vg_strmap pairs;                /* "event index\tsource" seen in this batch */
    VG_VEC(uint32_t) pair_ev;       /* the pairs of existing events: event index */
    VG_VEC(const char *) pair_src;  /* and source */
    vg_store_stats stats;
};

static void set_error(vg_store *st, const char *what)
{
    snprintf(st->err, sizeof st->err, "%s: %s", what, st->be->err[0] ? st->be->err : "error");
    st->failed = true;
}

void vg_store_set_error(vg_store *st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->err, sizeof st->err, fmt, ap);
    va_end(ap);
}

static bool is_pg_url(const char *url)
{
    return !strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11) ||
           strstr(url, "dbname=") || strstr(url, "host=");
}

vg_store *vg_store_new(const char *url, const vg_store_opts *o)
{
    vg_store *st = vg_calloc(1, sizeof *st);
    vg_store_opts oo = o ? *o : (vg_store_opts){ 0, 0, false };
    if (oo.batch <= 0) oo.batch = 500;
    if (oo.lock_timeout_ms <= 0) oo.lock_timeout_ms = 10000;
    st->o = oo;
    if (!url || !*url) {
        snprintf(st->err, sizeof st->err, "no store given");
    } else {
        st->be = is_pg_url(url) ? vg_store_pg_open(url, &oo, st->err, sizeof st->err)
                                : vg_store_sqlite_open(url, &oo, st->err, sizeof st->err);
    }
    st->failed = !st->be;
    return st;
}

vg_store_be *vg_store_backend(vg_store *st)
{
    return st->be;
}

const char *vg_store_error(const vg_store *st) { return st->err; }

void vg_store_get_stats(const vg_store *st, vg_store_stats *out) { *out = st->stats; }

bool vg_store_query(vg_store *st, const char *sql, const char *const *params, int nparams,
                    vg_row_fn fn, void *ctx)
{
    if (!st->be) return false;
    st->be->err[0] = '\0';
    if (st->be->ops->query(st->be, sql, params, nparams, fn, ctx)) return true;
    snprintf(st->err, sizeof st->err, "%s", st->be->err);
    return false;
}

static void clear_batch(vg_store *st)
{
    vg_arena_free(&st->arena);
    st->pend.n = 0;
    vg_strmap_clear(&st->ids);
    st->ev.n = 0;
    vg_strmap_clear(&st->keys);
    for (size_t i = 0; i < st->groups.n; i++) vg_vec_free(&st->groups.v[i]);
    st->groups.n = 0;
    st->mev.n = 0;
    vg_strmap_clear(&st->pairs);
    st->pair_ev.n = 0;
    st->pair_src.n = 0;
}

void vg_store_free(vg_store *st)
{
    if (!st) return;
    clear_batch(st);
    if (st->be) st->be->ops->close(st->be);
    vg_vec_free(&st->pend);
    vg_strmap_free(&st->ids);
    vg_vec_free(&st->ev);
    vg_strmap_free(&st->keys);
    vg_vec_free(&st->groups);
    vg_vec_free(&st->mev);
    vg_strmap_free(&st->pairs);
    vg_vec_free(&st->pair_ev);
    vg_vec_free(&st->pair_src);
    free(st);
}

/* ---- copying articles into the batch ---- */

static const char *adup(vg_arena *a, const char *s)
{
    return s ? vg_arena_strdup(a, s) : NULL;
}

static void copy_article(vg_arena *ar, const vg_article *a, vg_article *o)
{
    *o = *a;
    o->id = adup(ar, a->id);
    o->source = adup(ar, a->source);
    o->url = adup(ar, a->url);
    o->title = adup(ar, a->title);
    o->sent = a->nsent ? vg_arena_alloc(ar, a->nsent * sizeof *o->sent) : NULL;
    for (size_t i = 0; i < a->nsent; i++)
        o->sent[i] = (vg_store_sentence){ a->sent[i].no, adup(ar, a->sent[i].text) };
    o->ment = a->nment ? vg_arena_alloc(ar, a->nment * sizeof *o->ment) : NULL;
    for (size_t i = 0; i < a->nment; i++) {
        vg_mention *m = &o->ment[i];
        *m = a->ment[i];
        m->source = adup(ar, m->source);
        m->target = adup(ar, m->target);
        m->code = adup(ar, m->code);
        m->date_expr = adup(ar, m->date_expr);
        m->matched = adup(ar, m->matched ? m->matched : "{}");
        m->method = adup(ar, m->method);
        m->issues = adup(ar, m->issues);
    }
}

bool vg_store_add(vg_store *st, const vg_article *a)
{
    if (st->failed) return false;
    int i = vg_strmap_get(&st->ids, a->id);
    if (i >= 0) {
        if (!strcmp(st->pend.v[i].hash, a->hash)) {
            st->stats.unchanged++;
            return true;
        }
        if (!vg_store_flush(st)) return false;   /* the new text replaces the pending one */
    }
    vg_vec_reserve(&st->pend, st->pend.n + 1);
    copy_article(&st->arena, a, &st->pend.v[st->pend.n]);
    vg_strmap_put(&st->ids, st->pend.v[st->pend.n].id, (int)st->pend.n);
    st->pend.n++;
    return st->pend.n < (size_t)st->o.batch || vg_store_flush(st);
}

/* ---- generic SQL helpers (rare paths) ---- */

static bool collect_id(void *ctx, int ncols, const char *const *v)
{
    vg_ids *ids = ctx;
    if (ncols > 0 && v[0]) vg_vec_push(ids, strtoll(v[0], NULL, 10));
    return true;
}

static bool exec_sql(vg_store_be *be, const char *sql, const char *const *p, int np)
{
    return be->ops->query(be, sql, p, np, NULL, NULL);
}

/* Counts of events rebuilt from their mentions. */
static bool recount(vg_store_be *be, int64_t id)
{
    char sid[24];
    snprintf(sid, sizeof sid, "%lld", (long long)id);
    const char *p[2] = { sid, sid };
    return exec_sql(be, "UPDATE events SET (num_mentions, num_articles, num_sources, "
                        "first_seen) = (SELECT count(*), count(DISTINCT m.article_id), "
                        "count(DISTINCT m.article_source), min(a.date) FROM mentions m "
                        "JOIN articles a ON a.id = m.article_id WHERE m.event_id = ?) "
                        "WHERE id = ?", p, 2);
}

static bool remove_articles(vg_store_be *be, const char *const *ids, size_t n, vg_ids *aff)
{
    for (size_t i = 0; i < n; i++) {
        const char *p[1] = { ids[i] };
        if (!be->ops->query(be, "SELECT DISTINCT event_id FROM mentions WHERE article_id = ?",
                            p, 1, collect_id, aff) ||
            !exec_sql(be, "DELETE FROM mentions WHERE article_id = ?", p, 1) ||
            !exec_sql(be, "DELETE FROM sentences WHERE article_id = ?", p, 1) ||
            !exec_sql(be, "DELETE FROM articles WHERE id = ?", p, 1))
            return false;
    }
    return true;
}

typedef struct rowcopy {
    char **v;
    int n;
} rowcopy;

static bool copy_row(void *ctx, int ncols, const char *const *v)
{
    rowcopy *r = ctx;
    r->n = ncols;
    r->v = vg_calloc((size_t)ncols, sizeof *r->v);
    for (int i = 0; i < ncols; i++) r->v[i] = v[i] ? vg_strdup(v[i]) : NULL;
    return false;
}

static void rowcopy_free(rowcopy *r)
{
    for (int i = 0; i < r->n; i++) free(r->v[i]);
    free(r->v);
    r->v = NULL;
    r->n = 0;
}

#define PLACE_RANK_SQL "CASE WHEN place_precision IS NULL THEN 3 WHEN place_from_actor = 1 " \
    "THEN 2 WHEN place_precision = 'unresolved' THEN 1 ELSE 0 END"

static void fmt_coord(char *buf, size_t n, double x)
{
    if (isnan(x)) buf[0] = '\0';
    else snprintf(buf, n, "%.6f", x);
}

/* The event's place columns as parameters (NULL for none). */
static void place_params(const vg_place *p, char lat[32], char lon[32], const char *out[8])
{
    bool has = p->precision != VG_PLACE_NONE;
    fmt_coord(lat, 32, p->lat);
    fmt_coord(lon, 32, p->lon);
    out[0] = has ? p->name : NULL;
    out[1] = has && p->adm1[0] ? p->adm1 : NULL;
    out[2] = has && p->country[0] ? p->country : NULL;
    out[3] = has && lat[0] ? lat : NULL;
    out[4] = has && lon[0] ? lon : NULL;
    out[5] = vg_place_prec_name(p->precision);
    out[6] = has && p->from_actor ? "1" : "0";
    out[7] = has && p->raw[0] ? p->raw : NULL;
}

static bool update_event_place(vg_store_be *be, int64_t id, const vg_place *p)
{
    char lat[32], lon[32], sid[24];
    const char *v[9];
    place_params(p, lat, lon, v);
    snprintf(sid, sizeof sid, "%lld", (long long)id);
    v[8] = sid;
    return exec_sql(be, "UPDATE events SET place_name = ?, place_adm1 = ?, place_country = ?, "
                        "lat = ?, lon = ?, place_precision = ?, place_from_actor = ?, "
                        "place_raw = ? WHERE id = ?", v, 9);
}

/* An event rebuilt from its remaining mentions (after an article changed):
 * code and date from the first mention, the place from the first one with
 * the best-ranked place (place_rank). */
static bool recompute_one(vg_store_be *be, int64_t id)
{
    char sid[24];
    snprintf(sid, sizeof sid, "%lld", (long long)id);
    const char *p[1] = { sid };
    rowcopy first = { 0 }, place = { 0 };
    bool ok = be->ops->query(be, "SELECT code, date, date_precision, method, confidence, issues "
                             "FROM mentions WHERE event_id = ? ORDER BY id LIMIT 1", p, 1,
                             copy_row, &first);
    if (ok && !first.n) {
        rowcopy_free(&first);
        return exec_sql(be, "DELETE FROM events WHERE id = ?", p, 1);
    }
    ok = ok && be->ops->query(be, "SELECT " VG_STORE_PLACE_COLS " FROM mentions WHERE event_id = ? "
                              "ORDER BY " PLACE_RANK_SQL ", id LIMIT 1",
                              p, 1, copy_row, &place);
    if (ok) {
        const vg_cameo *c = vg_cameo_get(first.v[0]);
        char quad[8], penta[8], gold[16];
        snprintf(quad, sizeof quad, "%d", c ? c->quad : 0);
        snprintf(penta, sizeof penta, "%d", c ? c->penta : 0);
        snprintf(gold, sizeof gold, "%.1f", c ? c->goldstein : 0.0);
        const char *v[12] = { first.v[0], c ? c->root : first.v[0], c ? quad : NULL,
                              c ? penta : NULL, c ? gold : NULL,
                              c && c->plover[0] ? c->plover : NULL, first.v[1], first.v[2],
                              first.v[3], first.v[4], first.v[5], sid };
        ok = exec_sql(be, "UPDATE events SET code = ?, root = ?, quad = ?, penta = ?, "
                          "goldstein = ?, plover = ?, date = ?, date_precision = ?, method = ?, "
                          "confidence = ?, issues = ? WHERE id = ?", v, 12);
        vg_place pl;
        vg_store_place_from_row(&pl, (const char *const *)place.v);
        ok = ok && update_event_place(be, id, &pl) && recount(be, id);
    }
    rowcopy_free(&first);
    rowcopy_free(&place);
    return ok;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void sort_uniq(vg_ids *v)
{
    if (!v->n) return;
    qsort(v->v, v->n, sizeof *v->v, cmp_i64);
    size_t k = 1;
    for (size_t i = 1; i < v->n; i++)
        if (v->v[i] != v->v[k - 1]) v->v[k++] = v->v[i];
    v->n = k;
}

/* ---- deduplication within a batch ---- */

static const char *mention_root(const vg_mention *m, char buf[3])
{
    const vg_cameo *c = vg_cameo_get(m->code);
    if (c) return c->root;
    snprintf(buf, 3, "%s", m->code);
    return buf;
}

static size_t key_of(const char *s, const char *t, const char *r, char *buf, size_t n)
{
    int k = snprintf(buf, n, "%s\t%s\t%s", s, t, r);
    return k < 0 ? 0 : (size_t)k < n ? (size_t)k : n - 1;
}

static void index_event(vg_store *st, uint32_t i)
{
    const vg_store_event *e = &st->ev.v[i];
    char key[128];
    size_t kn = key_of(e->source, e->target, e->root, key, sizeof key);
    int g = vg_strmap_getn(&st->keys, key, kn);
    if (g < 0) {
        g = (int)st->groups.n;
        u32s z = { 0 };
        vg_vec_push(&st->groups, z);
        vg_strmap_putn(&st->keys, key, kn, g);
    }
    vg_vec_push(&st->groups.v[g], i);
}

/* The candidate window of a mention: events starting up to a week before
 * (week precision) and a day after it. */
static void mention_window(const vg_mention *m, int32_t *lo, int32_t *hi)
{
    long d = vg_date_days(m->date);
    *lo = vg_date_of_days(d - 7);
    *hi = vg_date_of_days(d + (m->date_prec == VG_DATE_WEEK ? 7 : 1));
}

static bool load_candidates(vg_store *st)
{
    VG_VEC(vg_store_key) keys = { 0 };
    vg_strmap seen = { 0 };
    char key[128], rb[3];
    for (size_t i = 0; i < st->pend.n; i++) {
        const vg_article *a = &st->pend.v[i];
        for (size_t k = 0; a->date && k < a->nment; k++) {
            const vg_mention *m = &a->ment[k];
            const char *root = mention_root(m, rb);
            int32_t lo, hi;
            mention_window(m, &lo, &hi);
            size_t kn = key_of(m->source, m->target, root, key, sizeof key);
            int j = vg_strmap_getn(&seen, key, kn);
            if (j < 0) {
                vg_store_key z = { m->source, m->target, vg_arena_strdup(&st->arena, root), lo, hi };
                vg_strmap_putn(&seen, key, kn, (int)keys.n);
                vg_vec_push(&keys, z);
                continue;
            }
            if (lo < keys.v[j].lo) keys.v[j].lo = lo;
            if (hi > keys.v[j].hi) keys.v[j].hi = hi;
        }
    }
    bool ok = !keys.n || st->be->ops->candidates(st->be, keys.v, keys.n, &st->ev);
    for (uint32_t i = 0; ok && i < st->ev.n; i++) index_event(st, i);
    vg_vec_free(&keys);
    vg_strmap_free(&seen);
    return ok;
}

/* Lower is better: date gap, then a shared place, then the older event. */
static bool better(long gap, int pl, int64_t id, long bgap, int bpl, int64_t bid)
{
    if (gap != bgap) return gap < bgap;
    if (pl != bpl) return pl < bpl;
    return id < bid;
}

static uint32_t find_event(vg_store *st, const vg_mention *m, const char *root)
{
    char key[128];
    size_t kn = key_of(m->source, m->target, root, key, sizeof key);
    int g = vg_strmap_getn(&st->keys, key, kn);
    uint32_t best = UINT32_MAX;
    long bgap = 0;
    int bpl = 0;
    for (size_t i = 0; g >= 0 && i < st->groups.v[g].n; i++) {
        uint32_t ei = st->groups.v[g].v[i];
        const vg_store_event *e = &st->ev.v[ei];
        if (!vg_store_dates_compatible(m->date, m->date_prec, e->date, e->date_prec) ||
            !vg_store_places_compatible(&m->place, &e->place))
            continue;
        long gap = date_gap(m->date, m->date_prec, e->date, e->date_prec);
        if (gap < 0) gap = 0;
        int pl = vg_store_place_in_text(&m->place) && vg_store_place_in_text(&e->place) ? 0 : 1;
        if (best == UINT32_MAX || better(gap, pl, e->id, bgap, bpl, st->ev.v[best].id)) {
            best = ei;
            bgap = gap;
            bpl = pl;
        }
    }
    return best;
}

static uint32_t new_event(vg_store *st, const vg_mention *m, const char *root, int64_t id)
{
    vg_store_event e;
    memset(&e, 0, sizeof e);
    e.id = id;
    snprintf(e.source, sizeof e.source, "%s", m->source);
    snprintf(e.target, sizeof e.target, "%s", m->target);
    snprintf(e.code, sizeof e.code, "%s", m->code);
    snprintf(e.root, sizeof e.root, "%s", root);
    e.date = m->date;
    e.date_prec = m->date_prec;
    e.place = m->place;
    e.method = m->method;
    e.confidence = m->confidence;
    e.issues = m->issues;
    e.is_new = true;
    e.last_article = -1;
    vg_vec_push(&st->ev, e);
    uint32_t i = (uint32_t)(st->ev.n - 1);
    index_event(st, i);
    st->stats.events_new++;
    return i;
}

/* Ranks of places for an event (lower is better): in the text and in the
 * gazetteer, in the text only, the actors' country, none.  Must agree with
 * PLACE_RANK_SQL. */
static int place_rank(const vg_place *p)
{
    if (p->precision == VG_PLACE_NONE) return 3;
    if (p->from_actor) return 2;
    return p->precision == VG_PLACE_UNRESOLVED ? 1 : 0;
}

/* The event's place is that of its first mention with the best rank. */
static void join_event(vg_store_event *e, const vg_mention *m)
{
    if (place_rank(&m->place) >= place_rank(&e->place)) return;
    e->place = m->place;
    e->place_changed = true;
}

/* Counts what mention m of pending article ai adds to event ei.  A new
 * source of an existing event is checked against the store later. */
static void tally(vg_store *st, uint32_t ei, size_t ai)
{
    vg_store_event *e = &st->ev.v[ei];
    const vg_article *a = &st->pend.v[ai];
    e->add_mentions++;
    if (e->last_article != (int32_t)ai) {
        e->last_article = (int32_t)ai;
        e->add_articles++;
        if (!e->add_first || a->date < e->add_first) e->add_first = a->date;
    }
    char key[160];
    const char *src = a->source ? a->source : "";
    int kn = snprintf(key, sizeof key, "%u\t%s", ei, src);
    if (kn < 0 || (size_t)kn >= sizeof key) kn = (int)sizeof key - 1;
    if (vg_strmap_getn(&st->pairs, key, (size_t)kn) >= 0) return;
    vg_strmap_putn(&st->pairs, key, (size_t)kn, 1);
    if (e->is_new) { e->add_sources++; return; }
    vg_vec_push(&st->pair_ev, ei);
    vg_vec_push(&st->pair_src, src);
}

static bool dedup_batch(vg_store *st, int64_t next_id)
{
    char rb[3];
    for (uint32_t i = 0; i < st->ev.n; i++) st->ev.v[i].last_article = -1;
    for (size_t i = 0; i < st->pend.n; i++) {
        const vg_article *a = &st->pend.v[i];
        for (size_t k = 0; a->date && k < a->nment; k++) {
            const vg_mention *m = &a->ment[k];
            const char *root = mention_root(m, rb);
            uint32_t e = find_event(st, m, root);
            if (e == UINT32_MAX) e = new_event(st, m, root, next_id++);
            else join_event(&st->ev.v[e], m);
            tally(st, e, i);
            vg_vec_push(&st->mev, st->ev.v[e].id);
        }
    }
    return true;
}

/* Sources new to existing events: those without a stored mention. */
static bool count_new_sources(vg_store *st)
{
    size_t n = st->pair_ev.n;
    if (!n) return true;
    int64_t *ids = vg_malloc(n * sizeof *ids);
    bool *present = vg_calloc(n, sizeof *present);
    for (size_t i = 0; i < n; i++) ids[i] = st->ev.v[st->pair_ev.v[i]].id;
    bool ok = st->be->ops->has_source(st->be, ids, st->pair_src.v, n, present);
    for (size_t i = 0; ok && i < n; i++)
        if (!present[i]) st->ev.v[st->pair_ev.v[i]].add_sources++;
    free(ids);
    free(present);
    return ok;
}

/* ---- writing a batch ---- */

static bool write_batch(vg_store *st)
{
    vg_store_be *be = st->be;
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    for (size_t i = 0; i < st->pend.n; i++)
        if (st->pend.v[i].date && !be->ops->put_article(be, &st->pend.v[i], now)) return false;
    for (size_t i = 0; i < st->ev.n; i++)
        if (st->ev.v[i].is_new && !be->ops->put_event(be, &st->ev.v[i])) return false;
    size_t mi = 0;
    for (size_t i = 0; i < st->pend.n; i++) {
        const vg_article *a = &st->pend.v[i];
        for (size_t k = 0; a->date && k < a->nment; k++, mi++) {
            if (!be->ops->put_mention(be, a, &a->ment[k], st->mev.v[mi])) return false;
            st->stats.mentions++;
        }
    }
    if (!be->ops->sync(be)) return false;
    VG_VEC(const vg_store_event *) bumps = { 0 };
    bool ok = true;
    for (size_t i = 0; ok && i < st->ev.n; i++) {
        const vg_store_event *e = &st->ev.v[i];
        if (e->is_new || !e->add_mentions) continue;
        vg_vec_push(&bumps, e);
        if (e->place_changed) ok = update_event_place(be, e->id, &e->place);
    }
    ok = ok && (!bumps.n || be->ops->bump(be, bumps.v, bumps.n));
    vg_vec_free(&bumps);
    return ok;
}

/* Looks the pending articles up; unchanged ones get date 0 (skipped),
 * changed ones are removed with their mentions (their events recomputed). */
static bool prepare_batch(vg_store *st)
{
    size_t n = st->pend.n;
    const char **ids = vg_malloc(n * sizeof *ids);
    char (*hashes)[33] = vg_calloc(n, sizeof *hashes);
    VG_VEC(const char *) changed = { 0 };
    for (size_t i = 0; i < n; i++) ids[i] = st->pend.v[i].id;
    bool ok = st->be->ops->lookup(st->be, ids, n, hashes);
    for (size_t i = 0; ok && i < n; i++) {
        vg_article *a = &st->pend.v[i];
        if (!hashes[i][0]) st->stats.added++;
        else if (!strcmp(hashes[i], a->hash)) { st->stats.unchanged++; a->date = 0; }
        else { st->stats.replaced++; vg_vec_push(&changed, a->id); }
    }
    vg_ids aff = { 0 };
    if (ok && changed.n) {
        ok = remove_articles(st->be, changed.v, changed.n, &aff);
        sort_uniq(&aff);
        for (size_t i = 0; ok && i < aff.n; i++) ok = recompute_one(st->be, aff.v[i]);
    }
    vg_vec_free(&aff);
    vg_vec_free(&changed);
    free(ids);
    free(hashes);
    return ok;
}

static bool max_event_id(vg_store_be *be, int64_t *out)
{
    vg_ids v = { 0 };
    bool ok = be->ops->query(be, "SELECT max(id) FROM events", NULL, 0, collect_id, &v);
    *out = v.n ? v.v[0] : 0;
    vg_vec_free(&v);
    return ok;
}

static bool run_batch(vg_store *st)
{
    int64_t maxid = 0;
    return prepare_batch(st) && load_candidates(st) && max_event_id(st->be, &maxid) &&
           dedup_batch(st, maxid + 1) && count_new_sources(st) && write_batch(st);
}

bool vg_store_flush(vg_store *st)
{
    if (st->failed) return false;
    if (!st->pend.n) return true;
    vg_store_be *be = st->be;
    be->err[0] = '\0';
    if (!be->ops->begin(be)) {
        set_error(st, "cannot start a transaction");
        clear_batch(st);
        return false;
    }
    bool ok = run_batch(st);
    if (ok && !be->ops->commit(be)) {
        set_error(st, "cannot commit");
        ok = false;
    } else if (!ok) {
        set_error(st, "write failed");
    }
    if (!ok) be->ops->rollback(be);
    else st->stats.batches++;
    clear_batch(st);
    return ok;
}
