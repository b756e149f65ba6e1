/* store.h -- the event store: coded articles in, deduplicated, dated and
 * located events out, in SQLite (default) or PostgreSQL (docs/store.md).
 *
 *   write    articles are added in batches, one transaction each;
 *            re-adding an unchanged article is a no-op, a changed one
 *            replaces its mentions.  Each mention joins the best compatible
 *            event (same dyad and root, close dates, compatible places) or
 *            creates one; event counts are exact.  (ingest.h turns input
 *            files into articles.)
 *   read     the queries of the watch and the server: events by filter,
 *            an event's mentions, places, dyads, a summary and a data
 *            version for caches (store_read.c).  The store owns every SQL
 *            statement, so the readers work on both back ends.
 *   export   vg_store_export writes Phoenix, GDELT, ICEWS, PLOVER or CSV.
 *
 * A vg_store is one connection, used by one thread at a time.  Its records
 * (articles, mentions) are in store_types.h; the back ends implement the
 * private interface in store_be.h. */
#ifndef VG_STORE_H
#define VG_STORE_H

#include "store_types.h"

#include <stdio.h>

/* ================================================================ store */

typedef struct vg_store_stats {
    size_t added, replaced, unchanged;   /* articles */
    size_t mentions, events_new, batches;
} vg_store_stats;

/* Opens "postgresql://..." / "postgres://..." (or a libpq "host=...
 * dbname=..." string) or a SQLite file path, creating the schema if needed
 * (unless read_only; o may be NULL).  Always returns a store: when it could
 * not be opened, vg_store_error says why and every call on it fails. */
vg_store *vg_store_new(const char *url, const vg_store_opts *o);
/* Rolls back whatever was not committed and closes the connection. */
void vg_store_free(vg_store *st);
/* The last error ("" if none). */
const char *vg_store_error(const vg_store *st);
void vg_store_set_error(vg_store *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Adds an article (copied); commits every opts.batch articles.  On a
 * database error the open transaction is rolled back, the message is in
 * vg_store_error and every later call fails. */
bool vg_store_add(vg_store *st, const vg_article *a);
/* Writes and commits what is pending. */
bool vg_store_flush(vg_store *st);
void vg_store_get_stats(const vg_store *st, vg_store_stats *out);

/* Runs a query; fn (vg_row_fn) gets every row as text (NULL for SQL NULL)
 * and returns false to stop.  Placeholders are '?' for both back ends; the
 * SQL must be what both accept (used by the store's own files and tests). */
bool vg_store_query(vg_store *st, const char *sql, const char *const *params, int nparams,
                    vg_row_fn fn, void *ctx);

/* ================================================================ dedup */

/* Date intervals and compatibility (docs/store.md, "Deduplication"). */
bool vg_store_dates_compatible(int32_t d1, int p1, int32_t d2, int p2);
/* Places: the same place, or at least one without a place from the text. */
bool vg_store_places_compatible(const vg_place *a, const vg_place *b);
/* A place found in the text (not the actors' country, not nothing). */
bool vg_store_place_in_text(const vg_place *p);

/* ================================================================ read */

/* Which events (every condition optional: NULL / 0 / false = none). */
typedef struct vg_event_filter {
    const char *a, *b;          /* a dyad of actor-code prefixes, either direction */
    const char *actor;          /* source or target starts with it */
    const char *code, *root;    /* exact */
    int quad;                   /* 1..4 */
    const char *country;        /* place_country */
    const char *place;          /* place_name, ASCII case ignored */
    const int64_t *ids;         /* one of these ids (at most 100) */
    size_t nids;
    int32_t from, to;           /* yyyymmdd, inclusive */
    bool conflict_only;         /* QuadClass 3-4 (by root from 09 when unknown) */
    const char *method;         /* "dictionary", "model" or "both" */
    double min_confidence;      /* > 0: the model's confidence at least this */
} vg_event_filter;

/* Columns of the rows of vg_store_read_events. */
typedef enum vg_event_cols {
    VG_COLS_EVENT,              /* VG_EVENT_COLS */
    VG_COLS_WATCH,              /* VG_WATCH_COLS */
    VG_COLS_ID                  /* id */
} vg_event_cols;

#define VG_EVENT_COLS "id, date, date_precision, source, target, source_country, " \
    "target_country, code, root, quad, penta, goldstein, plover, place_name, place_adm1, " \
    "place_country, lat, lon, place_precision, place_from_actor, place_raw, num_mentions, " \
    "num_articles, num_sources, first_seen, method, confidence, issues"
#define VG_EVENT_NCOLS 28
/* root only where quad is missing: the other columns are all in events_dyad,
 * so SQLite reads a dyad's series from the index without visiting rows */
#define VG_WATCH_COLS "id, date, date_precision, source, target, quad, " \
    "CASE WHEN quad IS NULL THEN root END, goldstein"
#define VG_WATCH_NCOLS 8

typedef enum vg_event_order {
    VG_ORDER_NONE,
    VG_ORDER_NEWEST,            /* date, then id, descending */
    VG_ORDER_OLDEST,            /* date, then id */
    VG_ORDER_REPORTED           /* most sources, mentions, lowest Goldstein, then id */
} vg_event_order;

typedef struct vg_event_query {
    vg_event_filter f;
    vg_event_cols cols;
    vg_event_order order;
    long limit;                 /* rows (0: all) */
    int32_t before_date;        /* newest-first paging: rows before (date, id) */
    int64_t before_id;
} vg_event_query;

/* Events matching q, one row at a time to fn (text values). */
bool vg_store_read_events(vg_store *st, const vg_event_query *q, vg_row_fn fn, void *ctx);

/* The first limit mentions of an event, oldest article first, in the
 * columns of VG_MENTION_COLS. */
#define VG_MENTION_COLS "id, article_id, article_date, article_source, url, title, " \
    "sentence_no, sentence, source, target, code, date, date_expr, place_raw, matched, " \
    "method, confidence, issues"
#define VG_MENTION_NCOLS 18
bool vg_store_read_mentions(vg_store *st, int64_t event, int limit, vg_row_fn fn, void *ctx);

/* Events with coordinates grouped by place (coordinates rounded to 3
 * decimals), most events first: name, country, lat, lon, events, conflict,
 * material_conflict, goldstein_min, last date, from_actor. */
bool vg_store_read_places(vg_store *st, const vg_event_filter *f, long limit, vg_row_fn fn,
                          void *ctx);

/* Events of [from, to] (yyyymmdd; 0 = open) grouped by the 3-character
 * prefixes of source and target: a, b, events, conflict, material_conflict,
 * cooperation, goldstein_sum, goldstein_n. */
bool vg_store_read_dyads(vg_store *st, int32_t from, int32_t to, vg_row_fn fn, void *ctx);

/* Number of events and the first and last event dates ("" when empty). */
bool vg_store_summary(vg_store *st, long long *events, char first[11], char last[11]);
/* The last event date alone ("" when empty): an index lookup. */
bool vg_store_last_date(vg_store *st, char last[11]);

/* A number that changes when another connection has committed: answers
 * cached before it changed are stale. */
bool vg_store_data_version(vg_store *st, int64_t *out);

/* ================================================================ export */

typedef enum vg_export_fmt {
    VG_EXPORT_PHOENIX, VG_EXPORT_GDELT, VG_EXPORT_ICEWS, VG_EXPORT_PLOVER, VG_EXPORT_CSV
} vg_export_fmt;

bool vg_export_fmt_parse(const char *s, vg_export_fmt *out);

typedef struct vg_export_opts {
    vg_export_fmt fmt;
    int32_t from, to;           /* yyyymmdd, 0 = open */
    const char *dyad_source;    /* actor code prefixes, NULL or "" = any */
    const char *dyad_target;
    bool one_a_day;             /* one row per source, target, code and day */
    bool with_text;             /* CSV and PLOVER: the first mention's sentence */
    bool exact_dates;           /* only events dated to the day (precision day or article) */
} vg_export_opts;

/* Writes the events (ordered by date, then id) to f.  Returns false on a
 * store error (message in vg_store_error) or a write error. */
bool vg_store_export(vg_store *st, const vg_export_opts *o, FILE *f);
/* Number of columns of a tabular format (0 for PLOVER; CSV with_text has
 * one more). */
int vg_export_ncols(vg_export_fmt fmt);

/* ============================================= the monitor (store_monitor.c)
 *
 * Tables of `vigil monitor`, added beside the event tables by
 * vg_store_monitor_init (CREATE ... IF NOT EXISTS; the event schema and
 * its version are untouched; docs/monitor.md):
 *   feeds        one row per feed URL: conditional-GET validators, failures
 *                and the next fetch (backoff), the last status;
 *   feed_items   every item seen, by key (normalised link or guid) and
 *                content digest, with what became of it;
 *   alerts       every alert the monitor has seen, by key, with its payload;
 *   deliveries   one row per alert and target: pending, done or failed,
 *                attempts and the next one;
 *   monitor_state  key/value: the last mention watched, ...
 * A stored item is also an article whose id is the item key and whose
 * text_hash is its digest, so the articles table alone tells that an item
 * was stored, whatever happened after its commit. */

bool vg_store_monitor_init(vg_store *st);
/* Caps the connection's page cache at mb megabytes (SQLite; PostgreSQL's
 * memory is the server's): a process that runs for weeks stays flat. */
bool vg_store_cache_limit(vg_store *st, int mb);

/* A transaction of the caller's (nothing may be pending: flush first). */
bool vg_store_begin(vg_store *st);
bool vg_store_commit(vg_store *st);
void vg_store_rollback(vg_store *st);

typedef struct vg_feed_state {
    char url[1024];
    char etag[256], last_modified[128];
    int failures;               /* consecutive */
    int64_t next_fetch;         /* unix seconds; 0: now */
    int64_t last_fetch, last_ok;
    char status[64];            /* "ok", "not modified", "http 404", "error", ... */
    char error[256];            /* the last error ("" after a success) */
    int64_t items;              /* items stored from it, in all */
} vg_feed_state;

/* Every feed's state, one at a time to fn (false stops). */
bool vg_store_feeds_read(vg_store *st, bool (*fn)(void *ctx, const vg_feed_state *f),
                         void *ctx);
bool vg_store_feed_save(vg_store *st, const vg_feed_state *f);

/* known[i]: how item keys[i] with digests[i] was seen before, a set of
 * VG_ITEM_* bits (0: never).  At most 400 at a time. */
#define VG_STORE_ITEMS_MAX 400
enum {
    VG_ITEM_RECORDED = 1,       /* its key or its digest is in feed_items */
    VG_ITEM_ARTICLE = 2,        /* an article has its key as id */
    VG_ITEM_SAME_TEXT = 4       /* an article has its digest */
};
bool vg_store_items_known(vg_store *st, const char *const *keys, const char *const *digests,
                          size_t n, unsigned char *known);
typedef struct vg_item_row {
    const char *key, *feed, *digest, *article;   /* article: NULL unless stored */
    const char *status;     /* stored, duplicate, undated, future, empty, failed */
} vg_item_row;
/* Records items (an existing key is kept as it is). */
bool vg_store_items_record(vg_store *st, const vg_item_row *rows, size_t n, int64_t now);

/* monitor_state values ("" when absent). */
bool vg_store_state_get(vg_store *st, const char *key, char *val, size_t valsz);
bool vg_store_state_put(vg_store *st, const char *key, const char *val);

/* The mentions stored after id `after`: (source, target) pairs to fn,
 * each pair once; *last: the highest mention id (after when none). */
bool vg_store_mentions_since(vg_store *st, int64_t after, int64_t *last, vg_row_fn fn,
                             void *ctx);
/* The highest mention id (0 when there is none). */
bool vg_store_last_mention(vg_store *st, int64_t *last);
/* Events of [from, to] (yyyymmdd; 0 = open) grouped by full source and
 * target codes: source, target, events, conflict, material_conflict,
 * cooperation, goldstein_sum, goldstein_n. */
bool vg_store_read_code_pairs(vg_store *st, int32_t from, int32_t to, vg_row_fn fn, void *ctx);

typedef struct vg_alert_row {
    const char *key, *dyad, *start, *end, *trigger;   /* dates YYYY-MM-DD */
    bool ongoing;
    const char *payload;        /* JSON */
    bool deliver;               /* false: recorded as history, never delivered */
} vg_alert_row;
/* A dyad's known alerts: key, start, end to fn. */
bool vg_store_alerts_of(vg_store *st, const char *dyad, vg_row_fn fn, void *ctx);
/* Inserts an alert, or updates the end, ongoing and payload of the one
 * with its key; now: ISO 8601. */
bool vg_store_alert_put(vg_store *st, const vg_alert_row *a, const char *now);
/* Number of alerts stored (and of those recorded for delivery). */
bool vg_store_alerts_count(vg_store *st, long long *all, long long *delivered);

/* A delivery of alert key to target, due at next (unix seconds); an
 * existing one is left alone. */
bool vg_store_delivery_add(vg_store *st, const char *key, const char *target, int64_t next);
/* Pending deliveries due at now, oldest first, at most limit: alert key,
 * target, attempts, payload. */
bool vg_store_deliveries_due(vg_store *st, int64_t now, int limit, vg_row_fn fn, void *ctx);
/* Marks an attempt: status "done", "pending" (again at next) or "failed"
 * (given up); err NULL after a success. */
bool vg_store_delivery_mark(vg_store *st, const char *key, const char *target,
                            const char *status, int attempts, int64_t now, int64_t next,
                            const char *err);
/* Deliveries by status: pending, done, failed. */
bool vg_store_deliveries_count(vg_store *st, long long *pending, long long *done,
                               long long *failed);

#endif
