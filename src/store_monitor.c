/* store_monitor.c -- the monitor's tables (feeds, items, alerts,
 * deliveries, state) and two reads the watch needs for incremental
 * detection and dyad lists (see store.h, "the monitor").  Every statement
 * is written once for SQLite and PostgreSQL (ON CONFLICT upserts, IN
 * lists, text parameters). */
#include "store.h"
#include "store_be.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *const monitor_schema[] = {
    "CREATE TABLE IF NOT EXISTS feeds (\n"
    "  url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT,\n"
    "  failures INTEGER NOT NULL DEFAULT 0, next_fetch BIGINT NOT NULL DEFAULT 0,\n"
    "  last_fetch BIGINT, last_ok BIGINT, last_status TEXT, last_error TEXT,\n"
    "  items BIGINT NOT NULL DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS feed_items (\n"
    "  item_key TEXT PRIMARY KEY, feed_url TEXT NOT NULL, digest TEXT NOT NULL,\n"
    "  article_id TEXT, status TEXT NOT NULL, first_seen BIGINT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS feed_items_digest ON feed_items (digest)",
    "CREATE INDEX IF NOT EXISTS articles_text_hash ON articles (text_hash)",
    "CREATE TABLE IF NOT EXISTS alerts (\n"
    "  alert_key TEXT PRIMARY KEY, dyad TEXT NOT NULL, start_date TEXT NOT NULL,\n"
    "  end_date TEXT NOT NULL, trigger_date TEXT NOT NULL, ongoing INTEGER NOT NULL,\n"
    "  deliver INTEGER NOT NULL, detected_at TEXT NOT NULL, updated_at TEXT NOT NULL,\n"
    "  payload TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS alerts_dyad ON alerts (dyad, start_date)",
    "CREATE TABLE IF NOT EXISTS deliveries (\n"
    "  alert_key TEXT NOT NULL, target TEXT NOT NULL, status TEXT NOT NULL,\n"
    "  attempts INTEGER NOT NULL DEFAULT 0, next_attempt BIGINT NOT NULL,\n"
    "  last_attempt BIGINT, delivered_at BIGINT, last_error TEXT,\n"
    "  PRIMARY KEY (alert_key, target))",
    "CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, next_attempt)",
    "CREATE TABLE IF NOT EXISTS monitor_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
};

static bool usable(vg_store *st)
{
    if (vg_store_backend(st)) return true;
    if (!vg_store_error(st)[0]) vg_store_set_error(st, "the store is not open");
    return false;
}

static bool exec(vg_store *st, const char *sql, const char *const *p, int np)
{
    return vg_store_query(st, sql, p, np, NULL, NULL);
}

static void fmt_i64(char *buf, size_t n, int64_t v)
{
    snprintf(buf, n, "%" PRId64, v);
}

/* ================================================================ transactions */

bool vg_store_begin(vg_store *st)
{
    if (!usable(st)) return false;
    vg_store_be *be = vg_store_backend(st);
    be->err[0] = '\0';
    if (be->ops->begin(be)) return true;
    vg_store_set_error(st, "cannot start a transaction: %s", be->err);
    return false;
}

bool vg_store_commit(vg_store *st)
{
    if (!usable(st)) return false;
    vg_store_be *be = vg_store_backend(st);
    if (be->ops->commit(be)) return true;
    vg_store_set_error(st, "cannot commit: %s", be->err);
    be->ops->rollback(be);
    return false;
}

void vg_store_rollback(vg_store *st)
{
    vg_store_be *be = vg_store_backend(st);
    if (be) be->ops->rollback(be);
}

bool vg_store_monitor_init(vg_store *st)
{
    if (!vg_store_begin(st)) return false;
    for (size_t i = 0; i < sizeof monitor_schema / sizeof *monitor_schema; i++)
        if (!exec(st, monitor_schema[i], NULL, 0)) {
            char why[600];
            snprintf(why, sizeof why, "%s", vg_store_error(st));
            vg_store_rollback(st);
            vg_store_set_error(st, "cannot create the monitor's tables: %s", why);
            return false;
        }
    return vg_store_commit(st);
}

bool vg_store_cache_limit(vg_store *st, int mb)
{
    if (!usable(st)) return false;
    if (!vg_store_backend(st)->ops->planner_hints) return true;      /* not SQLite */
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d", mb * 1024);
    return exec(st, sql, NULL, 0);
}

/* ================================================================ feeds */

typedef struct feeds_ctx {
    bool (*fn)(void *ctx, const vg_feed_state *f);
    void *ctx;
} feeds_ctx;

static int64_t num(const char *v) { return v ? strtoll(v, NULL, 10) : 0; }

static bool feed_row(void *ctx, int nc, const char *const *v)
{
    feeds_ctx *x = ctx;
    if (nc != 10) return false;
    vg_feed_state f;
    memset(&f, 0, sizeof f);
    snprintf(f.url, sizeof f.url, "%s", v[0] ? v[0] : "");
    snprintf(f.etag, sizeof f.etag, "%s", v[1] ? v[1] : "");
    snprintf(f.last_modified, sizeof f.last_modified, "%s", v[2] ? v[2] : "");
    f.failures = (int)num(v[3]);
    f.next_fetch = num(v[4]);
    f.last_fetch = num(v[5]);
    f.last_ok = num(v[6]);
    snprintf(f.status, sizeof f.status, "%s", v[7] ? v[7] : "");
    snprintf(f.error, sizeof f.error, "%s", v[8] ? v[8] : "");
    f.items = num(v[9]);
    return x->fn(x->ctx, &f);
}

bool vg_store_feeds_read(vg_store *st, bool (*fn)(void *ctx, const vg_feed_state *f),
                         void *ctx)
{
    feeds_ctx x = { fn, ctx };
    return usable(st) &&
           vg_store_query(st, "SELECT url, etag, last_modified, failures, next_fetch, "
                              "last_fetch, last_ok, last_status, last_error, items FROM feeds "
                              "ORDER BY url", NULL, 0, feed_row, &x);
}

static const char *opt(const char *s) { return s && *s ? s : NULL; }

bool vg_store_feed_save(vg_store *st, const vg_feed_state *f)
{
    char fail[16], next[24], last[24], ok[24], items[24];
    snprintf(fail, sizeof fail, "%d", f->failures);
    fmt_i64(next, sizeof next, f->next_fetch);
    fmt_i64(last, sizeof last, f->last_fetch);
    fmt_i64(ok, sizeof ok, f->last_ok);
    fmt_i64(items, sizeof items, f->items);
    const char *p[10] = { f->url, opt(f->etag), opt(f->last_modified), fail, next,
                          f->last_fetch ? last : NULL, f->last_ok ? ok : NULL, opt(f->status),
                          opt(f->error), items };
    return usable(st) &&
           exec(st, "INSERT INTO feeds (url, etag, last_modified, failures, next_fetch, "
                    "last_fetch, last_ok, last_status, last_error, items) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET "
                    "etag = excluded.etag, last_modified = excluded.last_modified, "
                    "failures = excluded.failures, next_fetch = excluded.next_fetch, "
                    "last_fetch = excluded.last_fetch, last_ok = excluded.last_ok, "
                    "last_status = excluded.last_status, last_error = excluded.last_error, "
                    "items = excluded.items", p, 10);
}

/* ================================================================ items */

typedef struct known_ctx {
    vg_strmap *map;             /* keys or digests -> index */
    unsigned char *known;
    unsigned char bit;
} known_ctx;

/* Rows of one value: a key or a digest that is known. */
static bool known_row(void *ctx, int nc, const char *const *v)
{
    known_ctx *x = ctx;
    int i = nc >= 1 && v[0] ? vg_strmap_get(x->map, v[0]) : -1;
    if (i >= 0) x->known[i] |= x->bit;
    return true;
}

/* "col IN (?, ?, ...)" with n placeholders. */
static void in_list(vg_buf *sql, const char *col, size_t n)
{
    vg_buf_printf(sql, "%s IN (", col);
    for (size_t i = 0; i < n; i++) vg_buf_puts(sql, i ? ", ?" : "?");
    vg_buf_putc(sql, ')');
}

bool vg_store_items_known(vg_store *st, const char *const *keys, const char *const *digests,
                          size_t n, unsigned char *known)
{
    if (!usable(st)) return false;
    if (n > VG_STORE_ITEMS_MAX) {
        vg_store_set_error(st, "too many items in one lookup");
        return false;
    }
    vg_strmap km = { 0 }, dm = { 0 };
    for (size_t i = 0; i < n; i++) {
        known[i] = 0;
        vg_strmap_put(&km, keys[i], (int)i);
        vg_strmap_put(&dm, digests[i], (int)i);
    }
    /* by key and digest in feed_items, by id and text hash in articles */
    static const struct { const char *sql, *col; bool digest; unsigned char bit; } qs[4] = {
        { "SELECT item_key FROM feed_items WHERE ", "item_key", false, VG_ITEM_RECORDED },
        { "SELECT digest FROM feed_items WHERE ", "digest", true, VG_ITEM_RECORDED },
        { "SELECT id FROM articles WHERE ", "id", false, VG_ITEM_ARTICLE },
        { "SELECT text_hash FROM articles WHERE ", "text_hash", true, VG_ITEM_SAME_TEXT },
    };
    bool ok = true;
    for (int q = 0; ok && n && q < 4; q++) {
        vg_buf sql = { 0 };
        vg_buf_puts(&sql, qs[q].sql);
        in_list(&sql, qs[q].col, n);
        known_ctx x = { qs[q].digest ? &dm : &km, known, qs[q].bit };
        ok = vg_store_query(st, sql.s, qs[q].digest ? digests : keys, (int)n, known_row, &x);
        vg_buf_free(&sql);
    }
    vg_strmap_free(&km);
    vg_strmap_free(&dm);
    return ok;
}

bool vg_store_items_record(vg_store *st, const vg_item_row *rows, size_t n, int64_t now)
{
    char t[24];
    fmt_i64(t, sizeof t, now);
    bool ok = usable(st);
    for (size_t i = 0; ok && i < n; i++) {
        const char *p[6] = { rows[i].key, rows[i].feed, rows[i].digest, rows[i].article,
                             rows[i].status, t };
        ok = exec(st, "INSERT INTO feed_items (item_key, feed_url, digest, article_id, status, "
                      "first_seen) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (item_key) DO NOTHING",
                  p, 6);
    }
    return ok;
}

/* ================================================================ state */

static bool got_value(void *ctx, int nc, const char *const *v)
{
    vg_buf *b = ctx;
    if (nc == 1 && v[0]) vg_buf_puts(b, v[0]);
    return false;
}

bool vg_store_state_get(vg_store *st, const char *key, char *val, size_t valsz)
{
    vg_buf b = { 0 };
    const char *p[1] = { key };
    bool ok = usable(st) && vg_store_query(st, "SELECT value FROM monitor_state WHERE key = ?",
                                           p, 1, got_value, &b);
    snprintf(val, valsz, "%s", b.s ? b.s : "");
    vg_buf_free(&b);
    return ok;
}

bool vg_store_state_put(vg_store *st, const char *key, const char *val)
{
    const char *p[2] = { key, val };
    return usable(st) &&
           exec(st, "INSERT INTO monitor_state (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value", p, 2);
}

/* ================================================================ watch reads */

static bool got_max(void *ctx, int nc, const char *const *v)
{
    *(int64_t *)ctx = nc == 1 && v[0] ? strtoll(v[0], NULL, 10) : 0;
    return false;
}

bool vg_store_mentions_since(vg_store *st, int64_t after, int64_t *last, vg_row_fn fn,
                             void *ctx)
{
    *last = after;
    int64_t max = 0;
    if (!usable(st) ||
        !vg_store_query(st, "SELECT max(id) FROM mentions", NULL, 0, got_max, &max))
        return false;
    if (max <= after) return true;
    char a[24], m[24];
    fmt_i64(a, sizeof a, after);
    fmt_i64(m, sizeof m, max);
    const char *p[2] = { a, m };
    if (!vg_store_query(st, "SELECT DISTINCT source, target FROM mentions "
                            "WHERE id > ? AND id <= ?", p, 2, fn, ctx))
        return false;
    *last = max;
    return true;
}

bool vg_store_last_mention(vg_store *st, int64_t *last)
{
    *last = 0;
    return usable(st) &&
           vg_store_query(st, "SELECT max(id) FROM mentions", NULL, 0, got_max, last);
}

bool vg_store_read_code_pairs(vg_store *st, int32_t from, int32_t to, vg_row_fn fn, void *ctx)
{
    if (!usable(st)) return false;
    vg_store_be *be = vg_store_backend(st);
    vg_buf sql = { 0 };
    if (be->ops->planner_hints)
        vg_buf_puts(&sql, "SELECT source, target, count(*), sum(quad >= 3), sum(quad = 4),"
                          " sum(quad <= 2), total(goldstein), count(goldstein) FROM events"
                          " WHERE 1 = 1");
    else
        vg_buf_puts(&sql, "SELECT source, target, count(*),"
                          " sum(CASE WHEN quad >= 3 THEN 1 ELSE 0 END),"
                          " sum(CASE WHEN quad = 4 THEN 1 ELSE 0 END),"
                          " sum(CASE WHEN quad <= 2 THEN 1 ELSE 0 END),"
                          " coalesce(sum(goldstein::numeric), 0), count(goldstein)"
                          " FROM events WHERE 1 = 1");
    char f[11], t[11];
    const char *p[2];
    int np = 0;
    if (from) {
        vg_date_format(from, f);
        vg_buf_puts(&sql, " AND date >= ?");
        p[np++] = f;
    }
    if (to) {
        vg_date_format(to, t);
        vg_buf_puts(&sql, " AND date <= ?");
        p[np++] = t;
    }
    vg_buf_puts(&sql, " GROUP BY source, target");
    bool ok = vg_store_query(st, sql.s, p, np, fn, ctx);
    vg_buf_free(&sql);
    return ok;
}

/* ================================================================ alerts */

bool vg_store_alerts_of(vg_store *st, const char *dyad, vg_row_fn fn, void *ctx)
{
    const char *p[1] = { dyad };
    return usable(st) &&
           vg_store_query(st, "SELECT alert_key, start_date, end_date FROM alerts WHERE dyad = ? "
                              "ORDER BY start_date", p, 1, fn, ctx);
}

bool vg_store_alert_put(vg_store *st, const vg_alert_row *a, const char *now)
{
    const char *p[10] = { a->key, a->dyad, a->start, a->end, a->trigger,
                          a->ongoing ? "1" : "0", a->deliver ? "1" : "0", now, now, a->payload };
    return usable(st) &&
           exec(st, "INSERT INTO alerts (alert_key, dyad, start_date, end_date, trigger_date, "
                    "ongoing, deliver, detected_at, updated_at, payload) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (alert_key) DO UPDATE SET "
                    "end_date = excluded.end_date, ongoing = excluded.ongoing, "
                    "updated_at = excluded.updated_at, payload = excluded.payload", p, 10);
}

static bool got_counts(void *ctx, int nc, const char *const *v)
{
    long long *c = ctx;
    for (int i = 0; i < nc && i < 3; i++) c[i] = v[i] ? strtoll(v[i], NULL, 10) : 0;
    return false;
}

bool vg_store_alerts_count(vg_store *st, long long *all, long long *delivered)
{
    long long c[3] = { 0, 0, 0 };
    bool ok = usable(st) &&
              vg_store_query(st, "SELECT count(*), coalesce(sum(deliver), 0) FROM alerts", NULL, 0,
                             got_counts, c);
    *all = c[0];
    *delivered = c[1];
    return ok;
}

/* ================================================================ deliveries */

bool vg_store_delivery_add(vg_store *st, const char *key, const char *target, int64_t next)
{
    char n[24];
    fmt_i64(n, sizeof n, next);
    const char *p[3] = { key, target, n };
    return usable(st) &&
           exec(st, "INSERT INTO deliveries (alert_key, target, status, attempts, next_attempt) "
                    "VALUES (?, ?, 'pending', 0, ?) ON CONFLICT (alert_key, target) DO NOTHING",
                p, 3);
}

bool vg_store_deliveries_due(vg_store *st, int64_t now, int limit, vg_row_fn fn, void *ctx)
{
    char n[24], l[16];
    fmt_i64(n, sizeof n, now);
    snprintf(l, sizeof l, "%d", limit);
    const char *p[2] = { n, l };
    return usable(st) &&
           vg_store_query(st, "SELECT d.alert_key, d.target, d.attempts, a.payload "
                              "FROM deliveries d JOIN alerts a ON a.alert_key = d.alert_key "
                              "WHERE d.status = 'pending' AND d.next_attempt <= ? "
                              "ORDER BY d.next_attempt, d.alert_key, d.target LIMIT ?",
                          p, 2, fn, ctx);
}

bool vg_store_delivery_mark(vg_store *st, const char *key, const char *target,
                            const char *status, int attempts, int64_t now, int64_t next,
                            const char *err)
{
    char a[16], t[24], n[24];
    snprintf(a, sizeof a, "%d", attempts);
    fmt_i64(t, sizeof t, now);
    fmt_i64(n, sizeof n, next);
    bool done = !strcmp(status, "done");
    const char *p[8] = { status, a, t, n, done ? t : NULL, err, key, target };
    return usable(st) &&
           exec(st, "UPDATE deliveries SET status = ?, attempts = ?, last_attempt = ?, "
                    "next_attempt = ?, delivered_at = ?, last_error = ? "
                    "WHERE alert_key = ? AND target = ?", p, 8);
}

bool vg_store_deliveries_count(vg_store *st, long long *pending, long long *done,
                               long long *failed)
{
    long long c[3] = { 0, 0, 0 };
    bool ok = usable(st) &&
              vg_store_query(st, "SELECT coalesce(sum(CASE WHEN status = 'pending' THEN 1 ELSE 0 END), 0), "
                                 "coalesce(sum(CASE WHEN status = 'done' THEN 1 ELSE 0 END), 0), "
                                 "coalesce(sum(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0) "
                                 "FROM deliveries", NULL, 0, got_counts, c);
    *pending = c[0];
    *done = c[1];
    *failed = c[2];
    return ok;
}
