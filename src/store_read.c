/* store_read.c -- the queries of the watch and the server (see store.h,
 * "read").  The SQL is written once for both back ends; where they differ
 * (SQLite's planner hints, a few functions) the back end's planner_hints
 * chooses. */
#include "store.h"
#include "store_be.h"

#include <string.h>

/* A statement being built with its text parameters. */
typedef struct stmt {
    vg_buf sql;
    VG_VEC(char *) p;
} stmt;

static void param(stmt *q, const char *v) { vg_vec_push(&q->p, vg_strdup(v)); }

static void param_int(stmt *q, long long v)
{
    char b[24];
    snprintf(b, sizeof b, "%lld", v);
    param(q, b);
}

static void param_date(stmt *q, int32_t d)
{
    char b[11];
    vg_date_format(d, b);
    param(q, b);
}

/* A prefix and the exclusive upper bound of its range ("SRB" -> "SRC"). */
static void param_prefix(stmt *q, const char *p)
{
    char e[64];
    snprintf(e, sizeof e, "%s", p);
    size_t n = strlen(e);
    if (n) e[n - 1]++;
    param(q, p);
    param(q, e);
}

static void stmt_free(stmt *q)
{
    vg_buf_free(&q->sql);
    for (size_t i = 0; i < q->p.n; i++) free(q->p.v[i]);
    vg_vec_free(&q->p);
}

static bool run(vg_store *st, stmt *q, vg_row_fn fn, void *ctx)
{
    return vg_store_query(st, q->sql.s, (const char *const *)q->p.v, (int)q->p.n, fn, ctx);
}

static bool hints(vg_store *st)
{
    vg_store_be *be = vg_store_backend(st);
    return be && be->ops->planner_hints;
}

static bool usable(vg_store *st)
{
    if (vg_store_backend(st)) return true;
    if (!vg_store_error(st)[0]) vg_store_set_error(st, "the store is not open");
    return false;
}

/* ---- event filters ---- */

/* Appends the filter's conditions; date_col is "date", or "+date" to keep
 * SQLite's date index out of the plan. */
static void where(vg_store *st, stmt *q, const vg_event_filter *f, const char *date_col)
{
    if (f->a && f->b) {
        vg_buf_puts(&q->sql, " AND ((source >= ? AND source < ? AND target >= ? AND target < ?)"
                             " OR (source >= ? AND source < ? AND target >= ? AND target < ?))");
        param_prefix(q, f->a); param_prefix(q, f->b); param_prefix(q, f->b); param_prefix(q, f->a);
    }
    if (f->nids) {
        vg_buf_puts(&q->sql, " AND id IN (");
        for (size_t i = 0; i < f->nids; i++)
            vg_buf_printf(&q->sql, "%s%lld", i ? "," : "", (long long)f->ids[i]);
        vg_buf_putc(&q->sql, ')');
    }
    if (f->actor) {
        vg_buf_puts(&q->sql, " AND ((source >= ? AND source < ?) OR (target >= ? AND target < ?))");
        param_prefix(q, f->actor); param_prefix(q, f->actor);
    }
    if (f->code) {
        char root[3] = { f->code[0], f->code[0] ? f->code[1] : 0, 0 };  /* lets events_root serve */
        vg_buf_puts(&q->sql, " AND code = ? AND root = ?");
        param(q, f->code);
        param(q, root);
    }
    if (f->root) {
        vg_buf_puts(&q->sql, " AND root = ?");
        param(q, f->root);
    }
    if (f->quad) {
        vg_buf_puts(&q->sql, " AND quad = ?");
        param_int(q, f->quad);
    }
    if (f->country) {
        vg_buf_puts(&q->sql, " AND place_country = ?");
        param(q, f->country);
    }
    if (f->place) {
        vg_buf_puts(&q->sql, hints(st) ? " AND place_name = ? COLLATE NOCASE"
                                       : " AND lower(place_name) = lower(?)");
        param(q, f->place);
    }
    if (f->from) {
        vg_buf_printf(&q->sql, " AND %s >= ?", date_col);
        param_date(q, f->from);
    }
    if (f->to) {
        vg_buf_printf(&q->sql, " AND %s <= ?", date_col);
        param_date(q, f->to);
    }
    if (f->conflict_only) vg_buf_puts(&q->sql, " AND (quad >= 3 OR (quad IS NULL AND root >= '09'))");
    if (f->method) {
        vg_buf_puts(&q->sql, " AND method = ?");
        param(q, f->method);
    }
    if (f->min_confidence > 0) {
        char c[32];
        snprintf(c, sizeof c, "%.6f", f->min_confidence);
        vg_buf_puts(&q->sql, " AND confidence >= ?");
        param(q, c);
    }
}

/* Conditions that no (x, date) index serves, so that rows come out of the
 * planner's plan unordered. */
static bool selective(const vg_event_filter *f)
{
    bool other = (f->a && f->b) || f->actor || f->quad || f->place;
    bool dated_index = f->nids || f->code || f->root || f->country;
    return other && !dated_index;
}

/* ---- events ---- */

static const char *cols_sql(vg_event_cols c)
{
    return c == VG_COLS_EVENT ? VG_EVENT_COLS : c == VG_COLS_WATCH ? VG_WATCH_COLS : "id";
}

static void events_stmt(vg_store *st, stmt *q, const vg_event_query *eq, const char *index,
                        const char *date_col)
{
    vg_buf_printf(&q->sql, "SELECT %s FROM events%s WHERE 1 = 1", cols_sql(eq->cols), index);
    where(st, q, &eq->f, date_col);
    if (eq->before_date) {
        vg_buf_printf(&q->sql, " AND %s <= ? AND (date < ? OR (date = ? AND id < ?))", date_col);
        param_date(q, eq->before_date);
        param_date(q, eq->before_date);
        param_date(q, eq->before_date);
        param_int(q, eq->before_id);
    }
    if (eq->order == VG_ORDER_NEWEST) vg_buf_puts(&q->sql, " ORDER BY date DESC, id DESC");
    else if (eq->order == VG_ORDER_OLDEST) vg_buf_puts(&q->sql, " ORDER BY date, id");
    else if (eq->order == VG_ORDER_REPORTED)
        vg_buf_puts(&q->sql, " ORDER BY num_sources DESC, num_mentions DESC, "
                             "goldstein ASC NULLS FIRST, id ASC");
    if (eq->limit > 0) {
        vg_buf_puts(&q->sql, " LIMIT ?");
        param_int(q, eq->limit);
    }
}

/* Rows kept aside while a plan may still be abandoned. */
typedef struct rowset {
    VG_VEC(char *) v;       /* ncols values per row, NULL for SQL NULL */
    int ncols;
} rowset;

static bool keep_row(void *ctx, int nc, const char *const *v)
{
    rowset *r = ctx;
    r->ncols = nc;
    for (int i = 0; i < nc; i++) vg_vec_push(&r->v, v[i] ? vg_strdup(v[i]) : NULL);
    return true;
}

static bool replay(const rowset *r, vg_row_fn fn, void *ctx)
{
    for (size_t i = 0; r->ncols && i < r->v.n; i += (size_t)r->ncols)
        if (!fn(ctx, r->ncols, (const char *const *)r->v.v + i)) break;
    return true;
}

static void rowset_free(rowset *r)
{
    for (size_t i = 0; i < r->v.n; i++) free(r->v.v[i]);
    vg_vec_free(&r->v);
}

/* Newest first with a selective filter, on SQLite: first walk the date
 * index backwards, which is quick when the filter matches many events,
 * under a work budget; false when the budget ran out (rare matches: the
 * planner's plan, the dyad/actor indexes and a sort, is then better). */
static bool newest_by_date_index(vg_store *st, const vg_event_query *eq, vg_row_fn fn,
                                 void *ctx, bool *done)
{
    vg_store_be *be = vg_store_backend(st);
    stmt q = { 0 };
    rowset rows = { 0 };
    events_stmt(st, &q, eq, " INDEXED BY events_date", "date");
    be->ops->budget(be, 40 + (int)(eq->limit / 2));
    bool ok = run(st, &q, keep_row, &rows);
    be->ops->budget(be, 0);
    *done = ok;          /* on any failure (interrupted, an older store without the index) */
    if (ok) replay(&rows, fn, ctx);
    rowset_free(&rows);
    stmt_free(&q);
    return ok;
}

bool vg_store_read_events(vg_store *st, const vg_event_query *eq, vg_row_fn fn, void *ctx)
{
    if (!usable(st)) return false;
    bool sel = selective(&eq->f), h = hints(st);
    if (h && sel && eq->order == VG_ORDER_NEWEST) {
        bool done;
        bool ok = newest_by_date_index(st, eq, fn, ctx, &done);
        if (done) return ok;
    }
    /* "+date" keeps the planner off the date index, which would scan every
     * event in the range, when the dyad or actor indexes serve */
    bool noindex = h && (sel || (eq->f.a && eq->f.b && eq->order != VG_ORDER_NEWEST));
    stmt q = { 0 };
    events_stmt(st, &q, eq, "", noindex ? "+date" : "date");
    bool ok = run(st, &q, fn, ctx);
    stmt_free(&q);
    return ok;
}

/* ---- an event's mentions ---- */

bool vg_store_read_mentions(vg_store *st, int64_t event, int limit, vg_row_fn fn, void *ctx)
{
    if (!usable(st)) return false;
    stmt q = { 0 };
    vg_buf_puts(&q.sql,
        "SELECT m.id, m.article_id, a.date, a.source, a.url, a.title, m.sentence_no, s.text,"
        " m.source, m.target, m.code, m.date, m.date_expr, m.place_raw, m.matched,"
        " m.method, m.confidence, m.issues"
        " FROM mentions m LEFT JOIN articles a ON a.id = m.article_id"
        " LEFT JOIN sentences s ON s.article_id = m.article_id AND s.sentence_no = m.sentence_no"
        " WHERE m.event_id = ? ORDER BY a.date, m.id LIMIT ?");
    param_int(&q, event);
    param_int(&q, limit);
    bool ok = run(st, &q, fn, ctx);
    stmt_free(&q);
    return ok;
}

/* ---- aggregates ---- */

bool vg_store_read_places(vg_store *st, const vg_event_filter *f, long limit, vg_row_fn fn,
                          void *ctx)
{
    if (!usable(st)) return false;
    stmt q = { 0 };
    if (hints(st))
        vg_buf_puts(&q.sql, "SELECT place_name, place_country, round(lat, 3), round(lon, 3),"
                            " count(*), sum(quad >= 3), sum(quad = 4), min(goldstein), max(date),"
                            " place_from_actor FROM events WHERE lat IS NOT NULL AND lon IS NOT NULL");
    else
        vg_buf_puts(&q.sql, "SELECT place_name, place_country, round(lat::numeric, 3),"
                            " round(lon::numeric, 3), count(*),"
                            " sum(CASE WHEN quad IS NULL THEN NULL WHEN quad >= 3 THEN 1 ELSE 0 END),"
                            " sum(CASE WHEN quad IS NULL THEN NULL WHEN quad = 4 THEN 1 ELSE 0 END),"
                            " min(goldstein), max(date), place_from_actor"
                            " FROM events WHERE lat IS NOT NULL AND lon IS NOT NULL");
    where(st, &q, f, "date");
    /* SQLite's sort keeps the groups' order (by key) among equal counts */
    vg_buf_puts(&q.sql, hints(st) ? " GROUP BY 1, 2, 3, 4, 10 ORDER BY 5 DESC LIMIT ?"
                                  : " GROUP BY 1, 2, 3, 4, 10 ORDER BY 5 DESC,"
                                    " place_name COLLATE \"C\", place_country COLLATE \"C\","
                                    " 3, 4, 10 LIMIT ?");
    param_int(&q, limit);
    bool ok = run(st, &q, fn, ctx);
    stmt_free(&q);
    return ok;
}

/* The Goldstein sums travel as text: SQLite's has 15 digits, which rounds
 * away the error its summation made; PostgreSQL's float sums print exactly,
 * error included, so that one sums exact decimals. */
bool vg_store_read_dyads(vg_store *st, int32_t from, int32_t to, vg_row_fn fn, void *ctx)
{
    if (!usable(st)) return false;
    stmt q = { 0 };
    if (hints(st))
        vg_buf_puts(&q.sql, "SELECT substr(source, 1, 3), substr(target, 1, 3), count(*),"
                            " sum(quad >= 3), sum(quad = 4), sum(quad <= 2), total(goldstein),"
                            " count(goldstein) FROM events WHERE 1 = 1");
    else
        vg_buf_puts(&q.sql, "SELECT substr(source, 1, 3), substr(target, 1, 3), count(*),"
                            " sum(CASE WHEN quad >= 3 THEN 1 ELSE 0 END),"
                            " sum(CASE WHEN quad = 4 THEN 1 ELSE 0 END),"
                            " sum(CASE WHEN quad <= 2 THEN 1 ELSE 0 END),"
                            " coalesce(sum(goldstein::numeric), 0), count(goldstein)"
                            " FROM events WHERE 1 = 1");
    vg_event_filter f = { .from = from, .to = to };
    where(st, &q, &f, "date");
    vg_buf_puts(&q.sql, " GROUP BY 1, 2");
    bool ok = run(st, &q, fn, ctx);
    stmt_free(&q);
    return ok;
}

typedef struct summary {
    long long n;
    char *first, *last;
} summary;

static bool got_summary(void *ctx, int nc, const char *const *v)
{
    summary *s = ctx;
    if (nc != 3) return false;
    s->n = v[0] ? strtoll(v[0], NULL, 10) : 0;
    snprintf(s->first, 11, "%s", v[1] ? v[1] : "");
    snprintf(s->last, 11, "%s", v[2] ? v[2] : "");
    return false;
}

bool vg_store_summary(vg_store *st, long long *events, char first[11], char last[11])
{
    if (!usable(st)) return false;
    summary s = { 0, first, last };
    first[0] = last[0] = '\0';
    bool ok = vg_store_query(st, "SELECT count(*), min(date), max(date) FROM events", NULL, 0,
                             got_summary, &s);
    *events = s.n;
    return ok;
}

static bool got_date(void *ctx, int nc, const char *const *v)
{
    snprintf(ctx, 11, "%s", nc == 1 && v[0] ? v[0] : "");
    return false;
}

bool vg_store_last_date(vg_store *st, char last[11])
{
    last[0] = '\0';
    return usable(st) && vg_store_query(st, "SELECT max(date) FROM events", NULL, 0, got_date, last);
}

bool vg_store_data_version(vg_store *st, int64_t *out)
{
    if (!usable(st)) return false;
    vg_store_be *be = vg_store_backend(st);
    if (be->ops->data_version(be, out)) return true;
    vg_store_set_error(st, "%s", be->err);
    return false;
}
