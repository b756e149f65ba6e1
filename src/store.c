/* store.c -- see store.h: article digests, date and place compatibility,
 * the batch writer with its deduplication, and the ingest driver. */
#include "store.h"
#include "ontology.h"
#include "output.h"

#include <dirent.h>
#include <openssl/evp.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* ================================================================ digests */

void vg_sha256(const void *data, size_t n, unsigned char out[32])
{
    unsigned int len = 32;
    if (!EVP_Digest(data, n, out, &len, EVP_sha256(), NULL)) vg_oom();
}

/* Each field with its length, so that moving text between fields changes
 * the digest. */
static void digest_field(EVP_MD_CTX *c, const vg_buf *b)
{
    char len[24];
    int k = snprintf(len, sizeof len, "%zu:", b->len);
    EVP_DigestUpdate(c, len, (size_t)k);
    if (b->len) EVP_DigestUpdate(c, b->s, b->len);
}

void vg_article_hash(const vg_record *rec, char out[33])
{
    unsigned char d[EVP_MAX_MD_SIZE];
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    if (!c || !EVP_DigestInit_ex(c, EVP_sha256(), NULL)) vg_oom();
    digest_field(c, &rec->date_text);
    digest_field(c, &rec->source);
    digest_field(c, &rec->url);
    digest_field(c, &rec->title);
    digest_field(c, &rec->text);
    EVP_DigestFinal_ex(c, d, NULL);
    EVP_MD_CTX_free(c);
    for (int i = 0; i < 16; i++) snprintf(out + 2 * i, 3, "%02x", d[i]);
}

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

bool vg_dates_compatible(int32_t d1, int p1, int32_t d2, int p2)
{
    long slack = p1 == VG_DATE_DAY && p2 == VG_DATE_DAY ? 0 : 1;
    return date_gap(d1, p1, d2, p2) <= slack;
}

/* ================================================================ places */

bool vg_place_in_text(const vg_place *p)
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

bool vg_places_compatible(const vg_place *a, const vg_place *b)
{
    if (!vg_place_in_text(a) || !vg_place_in_text(b)) return true;
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
    vg_store_events ev;             /* the batch's events: candidates and new */
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

static bool is_pg_url(const char *url)
{
    return !strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11) ||
           strstr(url, "dbname=") || strstr(url, "host=");
}

vg_store *vg_store_open(const char *url, const vg_store_opts *o, char *err, size_t errsz)
{
    vg_store_opts oo = o ? *o : (vg_store_opts){ 0, 0 };
    if (oo.batch <= 0) oo.batch = 500;
    if (oo.lock_timeout_ms <= 0) oo.lock_timeout_ms = 10000;
    vg_store_be *be = is_pg_url(url) ? vg_store_pg_open(url, &oo, err, errsz)
                                     : vg_store_sqlite_open(url, &oo, err, errsz);
    if (!be) return NULL;
    vg_store *st = vg_calloc(1, sizeof *st);
    st->be = be;
    st->o = oo;
    return st;
}

bool vg_store_is_pg(const vg_store *st) { return !strcmp(st->be->ops->name, "postgresql"); }

const char *vg_store_error(const vg_store *st) { return st->err; }

void vg_store_get_stats(const vg_store *st, vg_store_stats *out) { *out = st->stats; }

bool vg_store_query(vg_store *st, const char *sql, const char *const *params, int nparams,
                    vg_row_fn fn, void *ctx)
{
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

void vg_store_close(vg_store *st)
{
    if (!st) return;
    clear_batch(st);
    st->be->ops->close(st->be);
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
#define MENTION_PLACE_COLS "place_name, place_adm1, place_country, lat, lon, " \
    "place_precision, place_from_actor, place_raw"

/* Fills the place from 8 text values in MENTION_PLACE_COLS order. */
static void place_from_row(vg_place *p, const char *const *v)
{
    memset(p, 0, sizeof *p);
    p->lat = p->lon = NAN;
    p->precision = vg_place_prec_parse(v[5]);
    if (p->precision == VG_PLACE_NONE) return;
    snprintf(p->name, sizeof p->name, "%s", v[0] ? v[0] : "");
    snprintf(p->adm1, sizeof p->adm1, "%s", v[1] ? v[1] : "");
    snprintf(p->country, sizeof p->country, "%s", v[2] ? v[2] : "");
    if (v[3] && v[4]) { p->lat = strtod(v[3], NULL); p->lon = strtod(v[4], NULL); }
    p->from_actor = v[6] && v[6][0] == '1';
    snprintf(p->raw, sizeof p->raw, "%s", v[7] ? v[7] : "");
}

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
    bool ok = be->ops->query(be, "SELECT code, date, date_precision FROM mentions "
                             "WHERE event_id = ? ORDER BY id LIMIT 1", p, 1, copy_row, &first);
    if (ok && !first.n) {
        rowcopy_free(&first);
        return exec_sql(be, "DELETE FROM events WHERE id = ?", p, 1);
    }
    ok = ok && be->ops->query(be, "SELECT " MENTION_PLACE_COLS " FROM mentions WHERE event_id = ? "
                              "ORDER BY " PLACE_RANK_SQL ", id LIMIT 1",
                              p, 1, copy_row, &place);
    if (ok) {
        const vg_cameo *c = vg_cameo_get(first.v[0]);
        char quad[8], penta[8], gold[16];
        snprintf(quad, sizeof quad, "%d", c ? c->quad : 0);
        snprintf(penta, sizeof penta, "%d", c ? c->penta : 0);
        snprintf(gold, sizeof gold, "%.1f", c ? c->goldstein : 0.0);
        const char *v[9] = { first.v[0], c ? c->root : first.v[0], c ? quad : NULL,
                             c ? penta : NULL, c ? gold : NULL, c && c->plover[0] ? c->plover : NULL,
                             first.v[1], first.v[2], sid };
        ok = exec_sql(be, "UPDATE events SET code = ?, root = ?, quad = ?, penta = ?, "
                          "goldstein = ?, plover = ?, date = ?, date_precision = ? WHERE id = ?",
                      v, 9);
        vg_place pl;
        place_from_row(&pl, (const char *const *)place.v);
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
        if (!vg_dates_compatible(m->date, m->date_prec, e->date, e->date_prec) ||
            !vg_places_compatible(&m->place, &e->place))
            continue;
        long gap = date_gap(m->date, m->date_prec, e->date, e->date_prec);
        if (gap < 0) gap = 0;
        int pl = vg_place_in_text(&m->place) && vg_place_in_text(&e->place) ? 0 : 1;
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

/* ---- shared by back ends ---- */

void vg_store_event_from_row(vg_store_event *e, const char *const *v)
{
    memset(e, 0, sizeof *e);
    e->id = strtoll(v[0] ? v[0] : "0", NULL, 10);
    snprintf(e->source, sizeof e->source, "%s", v[1] ? v[1] : "");
    snprintf(e->target, sizeof e->target, "%s", v[2] ? v[2] : "");
    snprintf(e->code, sizeof e->code, "%s", v[3] ? v[3] : "");
    snprintf(e->root, sizeof e->root, "%s", v[4] ? v[4] : "");
    if (v[5]) vg_date_parse(v[5], true, &e->date);
    e->date_prec = vg_date_prec_parse(v[6]);
    place_from_row(&e->place, v + 7);
}

/* ================================================================ ingest */

/* Worker threads turn each coded record into a frame in the pipeline's
 * output buffer (dates, places and the explanation are resolved there);
 * the pipeline's commit callback, on the calling thread and in input
 * order, parses the frame and adds the article to the store while the
 * workers code the next batch.
 *
 * Frame: u8 kind ('A' article, 'B' bad record), then for 'A': u32
 * sentences coded, the article fields, its sentences with events and its
 * mentions.  Strings are u32 length, bytes and a NUL (0xFFFFFFFF: NULL). */

#define NULLSTR 0xFFFFFFFFu

typedef struct ingest_ctx {
    vg_store *st;
    const vg_ingest_opts *o;
    vg_ingest_progress *prog;
    const uint64_t *file_start;     /* this run's files: bytes before each */
    bool stop;
    VG_VEC(vg_store_sentence) sents;
    VG_VEC(vg_mention) ments;
    double last_report;
    bool bad_frame;
} ingest_ctx;

static void put_u32(vg_buf *b, uint32_t v) { vg_buf_putn(b, (const char *)&v, 4); }
static void put_f64(vg_buf *b, double v) { vg_buf_putn(b, (const char *)&v, 8); }

static void put_strn(vg_buf *b, const char *s, size_t n)
{
    if (!s) { put_u32(b, NULLSTR); return; }
    put_u32(b, (uint32_t)n);
    vg_buf_putn(b, s, n);
    vg_buf_putc(b, '\0');
}

static void put_str(vg_buf *b, const char *s) { put_strn(b, s, s ? strlen(s) : 0); }

/* A record field, NULL when empty. */
static void put_field(vg_buf *b, const vg_buf *f) { put_strn(b, f->len ? f->s : NULL, f->len); }

static void resolve_date(const vg_coded_record *cr, const vg_post_text *pt, const char *sent,
                         size_t len, const vg_coded_event *e, vg_buf *out)
{
    vg_ymd art = vg_date_ymd(cr->date);
    vg_date_expr de;
    if (vg_date_expr_find_in(art, pt, &de) && de.precision != VG_DATE_NONE) {
        vg_ymd d = de.date;
        if (!d.m) d.m = 1;
        if (!d.d) d.d = 1;
        put_u32(out, (uint32_t)vg_date_of_ymd(d));
        put_u32(out, (uint32_t)de.precision);
        size_t a = de.span[0] < len ? de.span[0] : len, z = de.span[1] < len ? de.span[1] : len;
        put_strn(out, z > a ? sent + a : NULL, z > a ? z - a : 0);
        return;
    }
    bool shifted = e->date && e->date != cr->date;   /* a dictionary time shift */
    put_u32(out, (uint32_t)(shifted ? e->date : cr->date));
    put_u32(out, shifted ? VG_DATE_DAY : VG_DATE_NONE);
    put_str(out, NULL);
}

/* Without a gazetteer: the actors' country, from the ontology. */
static void actor_place(const char *const *cs, size_t n, vg_place *p)
{
    memset(p, 0, sizeof *p);
    p->lat = p->lon = NAN;
    if (!n) return;
    const vg_country *c = vg_country_get(cs[0]);
    snprintf(p->name, sizeof p->name, "%s", c ? c->name : cs[0]);
    snprintf(p->country, sizeof p->country, "%s", cs[0]);
    p->precision = VG_PLACE_COUNTRY;
    p->from_actor = true;
}

static void resolve_place(const vg_gazetteer *g, const vg_post_text *pt, size_t len,
                          const vg_coded_event *e, vg_buf *out)
{
    char c1[4], c2[4];
    const char *cs[2];
    size_t nc = 0, nex = 0, ex[2][2];
    if (vg_actor_country(e->source, c1)) cs[nc++] = c1;
    if (vg_actor_country(e->target, c2) && (!nc || strcmp(c1, c2))) cs[nc++] = c2;
    if (e->src_len && e->src_off + e->src_len <= len)
        ex[nex][0] = e->src_off, ex[nex][1] = e->src_off + e->src_len, nex++;
    if (e->tgt_len && e->tgt_off + e->tgt_len <= len)
        ex[nex][0] = e->tgt_off, ex[nex][1] = e->tgt_off + e->tgt_len, nex++;
    vg_place p;
    if (g) vg_place_find_in(g, pt, cs, nc, (const size_t(*)[2])ex, nex, &p);
    else actor_place(cs, nc, &p);
    put_str(out, p.name);
    put_str(out, p.adm1);
    put_str(out, p.country);
    put_f64(out, p.lat);
    put_f64(out, p.lon);
    put_u32(out, (uint32_t)p.precision);
    put_u32(out, p.from_actor);
    put_str(out, p.raw);
}

/* The explanation as a string field (file names without directories). */
static void put_matched(vg_buf *out, const vg_output_ctx *cx, const vg_coded_event *e)
{
    size_t at = out->len;
    put_u32(out, 0);
    vg_output_matched_json(out, cx, e);
    uint32_t n = (uint32_t)(out->len - at - 4);
    memcpy(out->s + at, &n, 4);
    vg_buf_putc(out, '\0');
}

/* pt: scratch for the sentence window, reused across mentions. */
static void put_mention(const ingest_ctx *x, const vg_record *rec, const vg_coded_record *cr,
                        size_t si, size_t ei, vg_post_text *pt, vg_buf *out)
{
    const vg_coded_sentence *s = &cr->s.v[si];
    const vg_coded_event *e = &s->r.events.v[ei];
    const char *sent = cr->text.s + s->off;
    vg_post_text_init(pt, sent, s->len, e->verb_off < s->len ? e->verb_off : SIZE_MAX);
    put_u32(out, (uint32_t)si);
    put_u32(out, (uint32_t)ei);
    put_str(out, e->source);
    put_str(out, e->target);
    put_str(out, e->code);
    resolve_date(cr, pt, sent, s->len, e, out);
    resolve_place(x->o->gaz, pt, s->len, e, out);
    vg_output_ctx cx = { .d = x->o->dict, .record = rec->id.s, .sentence = sent,
                        .sentence_len = s->len, .sentence_no = (int)si,
                        .source_name = rec->source.s, .url = rec->url.s, .title = rec->title.s,
                        .issues = &s->r.issues, .base_names = true };
    put_matched(out, &cx, e);
}

static void put_article(const ingest_ctx *x, const vg_record *rec, const vg_coded_record *cr,
                        vg_buf *out)
{
    char hash[33];
    vg_article_hash(rec, hash);
    put_u32(out, (uint32_t)cr->ns);
    if (rec->id.len) put_field(out, &rec->id);
    else put_str(out, hash);
    put_u32(out, (uint32_t)cr->date);
    put_field(out, &rec->source);
    put_field(out, &rec->url);
    put_field(out, &rec->title);
    put_str(out, hash);
    uint32_t ns = 0, nm = 0;
    for (size_t i = 0; i < cr->ns; i++) {
        ns += cr->s.v[i].r.events.n > 0;
        nm += (uint32_t)cr->s.v[i].r.events.n;
    }
    put_u32(out, ns);
    for (size_t i = 0; i < cr->ns; i++) {
        if (!cr->s.v[i].r.events.n) continue;
        put_u32(out, (uint32_t)i);
        put_strn(out, cr->text.s + cr->s.v[i].off, cr->s.v[i].len);
    }
    put_u32(out, nm);
    vg_post_text pt = { 0 };
    for (size_t i = 0; i < cr->ns; i++)
        for (size_t k = 0; k < cr->s.v[i].r.events.n; k++) put_mention(x, rec, cr, i, k, &pt, out);
    vg_post_text_free(&pt);
}

/* vg_emit_fn, on worker threads. */
static bool ingest_emit(void *ctx, const vg_record *rec, const vg_coded_record *cr, vg_buf *out)
{
    const ingest_ctx *x = ctx;
    vg_buf_putc(out, cr->ok ? 'A' : 'B');
    if (cr->ok) put_article(x, rec, cr, out);
    return true;
}

/* ---- parsing frames (calling thread) ---- */

typedef struct rd {
    char *p, *end;
    bool bad;
} rd;

static bool rd_need(rd *r, size_t n)
{
    if (r->bad || (size_t)(r->end - r->p) < n) { r->bad = true; return false; }
    return true;
}

static uint32_t get_u32(rd *r)
{
    uint32_t v = 0;
    if (rd_need(r, 4)) { memcpy(&v, r->p, 4); r->p += 4; }
    return v;
}

static double get_f64(rd *r)
{
    double v = NAN;
    if (rd_need(r, 8)) { memcpy(&v, r->p, 8); r->p += 8; }
    return v;
}

static const char *get_str(rd *r)
{
    uint32_t n = get_u32(r);
    if (n == NULLSTR || !rd_need(r, (size_t)n + 1)) return NULL;
    const char *s = r->p;
    r->p += n + 1;
    return s;
}

static void get_strbuf(rd *r, char *buf, size_t n)
{
    const char *s = get_str(r);
    snprintf(buf, n, "%s", s ? s : "");
}

static void get_mention(rd *r, vg_mention *m)
{
    memset(m, 0, sizeof *m);
    m->sentence_no = (int32_t)get_u32(r);
    m->event_no = (int32_t)get_u32(r);
    m->source = get_str(r);
    m->target = get_str(r);
    m->code = get_str(r);
    m->date = (int32_t)get_u32(r);
    m->date_prec = (int)get_u32(r);
    m->date_expr = get_str(r);
    vg_place *p = &m->place;
    get_strbuf(r, p->name, sizeof p->name);
    get_strbuf(r, p->adm1, sizeof p->adm1);
    get_strbuf(r, p->country, sizeof p->country);
    p->lat = get_f64(r);
    p->lon = get_f64(r);
    p->precision = (int)get_u32(r);
    p->from_actor = get_u32(r) != 0;
    get_strbuf(r, p->raw, sizeof p->raw);
    m->matched = get_str(r);
    if (!m->source || !m->target || !m->code) r->bad = true;
}

static bool get_article(ingest_ctx *x, rd *r, vg_article *a)
{
    memset(a, 0, sizeof *a);
    a->n_sentences = (int32_t)get_u32(r);
    a->id = get_str(r);
    a->date = (int32_t)get_u32(r);
    a->source = get_str(r);
    a->url = get_str(r);
    a->title = get_str(r);
    get_strbuf(r, a->hash, sizeof a->hash);
    uint32_t ns = get_u32(r);
    x->sents.n = 0;
    for (uint32_t i = 0; i < ns && !r->bad; i++) {
        vg_store_sentence s;
        s.no = (int32_t)get_u32(r);
        s.text = get_str(r);
        vg_vec_push(&x->sents, s);
    }
    uint32_t nm = get_u32(r);
    x->ments.n = 0;
    for (uint32_t i = 0; i < nm && !r->bad; i++) {
        vg_vec_reserve(&x->ments, x->ments.n + 1);
        get_mention(r, &x->ments.v[x->ments.n++]);
    }
    a->sent = x->sents.v;
    a->nsent = x->sents.n;
    a->ment = x->ments.v;
    a->nment = x->ments.n;
    return !r->bad && a->id;
}

static void report_progress(ingest_ctx *x, bool final)
{
    if (!x->o->progress) return;
    double now = vg_now();
    if (!final && now - x->last_report < 0.1) return;
    x->last_report = now;
    x->o->progress(x->o->progress_ctx, x->prog, final);
}

/* vg_commit_fn, on the calling thread in input order. */
static bool ingest_commit(void *ctx, const vg_record *rec, const vg_coded_record *cr,
                          const vg_buf *out)
{
    (void)cr;
    ingest_ctx *x = ctx;
    vg_ingest_progress *pg = x->prog;
    pg->bytes_done = x->file_start[rec->file_no] + rec->end_off;
    rd r = { out->s, out->s + out->len, false };
    char kind = out->len ? *r.p++ : 0;
    if (kind == 'B') { pg->bad++; return true; }
    vg_article a;
    if (kind != 'A' || !get_article(x, &r, &a)) { x->bad_frame = true; return false; }
    pg->articles++;
    pg->sentences += (size_t)a.n_sentences;
    pg->events += a.nment;
    if (!vg_store_add(x->st, &a)) { x->stop = true; return false; }
    report_progress(x, false);
    return true;
}

/* ---- inputs ---- */

vg_format vg_format_by_name(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!strcmp(path, "-") || !dot || strchr(dot, '/')) return strcmp(path, "-") ? VG_FMT_TEXT
                                                                                  : VG_FMT_JSONL;
    if (!strcmp(dot, ".jsonl") || !strcmp(dot, ".json") || !strcmp(dot, ".ndjson"))
        return VG_FMT_JSONL;
    if (!strcmp(dot, ".xml")) return VG_FMT_PETRARCH;
    if (!strcmp(dot, ".tabari") || !strcmp(dot, ".evt")) return VG_FMT_TABARI;
    return VG_FMT_TEXT;
}

typedef struct infile {
    char *path;
    vg_format fmt;
    uint64_t size;
} infile;

typedef VG_VEC(infile) infiles;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool expand(const char *path, infiles *out, vg_diag *diag, int depth);

static bool expand_dir(const char *path, infiles *out, vg_diag *diag, int depth)
{
    DIR *d = opendir(path);
    if (!d) {
        vg_diag_add(diag, VG_DIAG_ERROR, path, 0, "cannot read directory: %s", strerror(errno));
        return false;
    }
    VG_VEC(char *) names = { 0 };
    struct dirent *de;
    while ((de = readdir(d)))
        if (de->d_name[0] != '.') vg_vec_push(&names, vg_path_join(path, de->d_name));
    closedir(d);
    if (names.n) qsort(names.v, names.n, sizeof *names.v, cmp_str);
    bool ok = true;
    for (size_t i = 0; i < names.n; i++) {
        ok &= expand(names.v[i], out, diag, depth + 1);
        free(names.v[i]);
    }
    vg_vec_free(&names);
    return ok;
}

static bool expand(const char *path, infiles *out, vg_diag *diag, int depth)
{
    struct stat sb;
    if (!strcmp(path, "-")) {
        infile f = { vg_strdup("-"), VG_FMT_JSONL, 0 };
        vg_vec_push(out, f);
        return true;
    }
    if (stat(path, &sb) != 0) {
        vg_diag_add(diag, VG_DIAG_ERROR, path, 0, "cannot read: %s", strerror(errno));
        return false;
    }
    if (S_ISDIR(sb.st_mode))
        return depth < 64 ? expand_dir(path, out, diag, depth) : true;
    if (!S_ISREG(sb.st_mode) && depth) return true;   /* sockets etc. inside directories */
    infile f = { vg_strdup(path), vg_format_by_name(path), (uint64_t)sb.st_size };
    vg_vec_push(out, f);
    return true;
}

/* One pipeline run over the files of one format. */
static bool run_group(ingest_ctx *x, vg_format fmt, const infiles *files, bool any_fmt,
                      vg_diag *diag, uint64_t *done)
{
    VG_VEC(char *) paths = { 0 };
    VG_VEC(uint64_t) start = { 0 };
    for (size_t i = 0; i < files->n; i++) {
        if (!any_fmt && files->v[i].fmt != fmt) continue;
        vg_vec_push(&paths, files->v[i].path);
        vg_vec_push(&start, *done);
        *done += files->v[i].size;
    }
    bool ok = true;
    if (paths.n && !x->stop) {
        const vg_ingest_opts *o = x->o;
        vg_pipeline_io io = { ingest_emit, ingest_commit, x, NULL };
        vg_pipeline_stats ps;
        x->file_start = start.v;
        ok = vg_pipeline_run(o->dict, &o->dict->opt, &o->code, fmt, paths.v, paths.n,
                             o->threads, &io, diag, &ps);
        x->prog->bytes_done = *done;
    }
    vg_vec_free(&paths);
    vg_vec_free(&start);
    return ok;
}

bool vg_ingest_run(vg_store *st, const vg_ingest_opts *o, char *const *inputs, size_t n,
                   vg_diag *diag, vg_ingest_progress *prog)
{
    infiles files = { 0 };
    bool ok = true;
    for (size_t i = 0; i < n; i++) ok &= expand(inputs[i], &files, diag, 0);
    if (!n) ok &= expand("-", &files, diag, 0);
    memset(prog, 0, sizeof *prog);
    prog->started = vg_now();
    for (size_t i = 0; i < files.n; i++) prog->bytes_total += files.v[i].size;
    ingest_ctx x = { .st = st, .o = o, .prog = prog };
    uint64_t done = 0;
    static const vg_format order[] = { VG_FMT_JSONL, VG_FMT_TEXT, VG_FMT_TABARI, VG_FMT_PETRARCH };
    if (o->fmt_given) ok &= run_group(&x, o->fmt, &files, true, diag, &done);
    else
        for (size_t k = 0; k < sizeof order / sizeof *order; k++)
            ok &= run_group(&x, order[k], &files, false, diag, &done);
    bool stored = !x.stop && vg_store_flush(st);
    if (x.bad_frame) vg_diag_add(diag, VG_DIAG_ERROR, NULL, 0, "internal error: bad frame");
    report_progress(&x, true);
    for (size_t i = 0; i < files.n; i++) free(files.v[i].path);
    vg_vec_free(&files);
    vg_vec_free(&x.sents);
    vg_vec_free(&x.ments);
    return ok && stored && !x.bad_frame;
}
