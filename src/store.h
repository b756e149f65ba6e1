/* store.h -- the event store: coded articles in, deduplicated, dated and
 * located events out, in SQLite (default) or PostgreSQL (docs/store.md).
 *
 *   ingest   vg_ingest_run codes records with vg_pipeline_run; each record
 *            becomes a vg_article (dates and places resolved on the worker
 *            threads) that one store thread adds to the store in input
 *            order (vg_store_add) while the next records are coded.
 *   store    articles are written in batches, one transaction each;
 *            re-adding an unchanged article is a no-op, a changed one
 *            replaces its mentions.  Each mention joins the best compatible
 *            event (same dyad and root, close dates, compatible places) or
 *            creates one; event counts are exact.
 *   export   vg_store_export writes Phoenix, GDELT, ICEWS, PLOVER or CSV.
 *
 * A vg_store is used by one thread at a time.  Back ends implement
 * vg_store_ops (end of this header). */
#ifndef VG_STORE_H
#define VG_STORE_H

#include "pipeline.h"
#include "post.h"
#include "util.h"

#include <stdio.h>

/* ================================================================ records */

/* One report of an event, as stored in `mentions`. */
typedef struct vg_mention {
    int32_t sentence_no, event_no;   /* event_no: index among the sentence's events */
    const char *source, *target, *code;
    int32_t date;             /* yyyymmdd; week: its Monday, month/year: its first day */
    int date_prec;            /* vg_date_prec; VG_DATE_NONE = the article's date */
    const char *date_expr;    /* the time expression, NULL if none */
    vg_place place;           /* precision VG_PLACE_NONE: no place */
    const char *matched;      /* JSON explanation */
} vg_mention;

typedef struct vg_store_sentence {
    int32_t no;
    const char *text;
} vg_store_sentence;

/* One article (or TABARI/PETRARCH record) with its coded mentions.  Only
 * sentences with at least one mention are kept in sent. */
typedef struct vg_article {
    const char *id, *source, *url, *title;   /* source, url, title: NULL if absent */
    int32_t date;             /* yyyymmdd */
    char hash[33];            /* vg_article_hash */
    int32_t n_sentences;      /* sentences coded */
    vg_store_sentence *sent;
    size_t nsent;
    vg_mention *ment;
    size_t nment;
} vg_article;

/* Hex digest (SHA-256, first 128 bits) of the record as given: date as
 * written, source, url, title and text.  out receives 32 hex digits. */
void vg_article_hash(const vg_record *rec, char out[33]);
/* SHA-256 of data (exposed for tests). */
void vg_sha256(const void *data, size_t n, unsigned char out[32]);

/* ================================================================ store */

typedef struct vg_store vg_store;

typedef struct vg_store_opts {
    int batch;                /* articles per transaction (0: 500) */
    int lock_timeout_ms;      /* wait for a locked SQLite database (0: 10000) */
} vg_store_opts;

typedef struct vg_store_stats {
    size_t added, replaced, unchanged;   /* articles */
    size_t mentions, events_new, batches;
} vg_store_stats;

/* Opens (creating the schema if needed) "postgresql://..." / "postgres://..."
 * (or a libpq "host=... dbname=..." string) or a SQLite file path.
 * NULL with a message in err on failure. */
vg_store *vg_store_open(const char *url, const vg_store_opts *o, char *err, size_t errsz);
/* Rolls back whatever was not committed. */
void vg_store_close(vg_store *st);
bool vg_store_is_pg(const vg_store *st);

/* Adds an article (copied); commits every opts.batch articles.  On a
 * database error the open transaction is rolled back, the message is in
 * vg_store_error and every later call fails. */
bool vg_store_add(vg_store *st, const vg_article *a);
/* Writes and commits what is pending. */
bool vg_store_flush(vg_store *st);
const char *vg_store_error(const vg_store *st);
void vg_store_get_stats(const vg_store *st, vg_store_stats *out);

/* Runs a query; fn gets every row as text (NULL for SQL NULL) and returns
 * false to stop.  Placeholders are '?' for both back ends. */
typedef bool (*vg_row_fn)(void *ctx, int ncols, const char *const *vals);
bool vg_store_query(vg_store *st, const char *sql, const char *const *params, int nparams,
                    vg_row_fn fn, void *ctx);

/* ================================================================ dedup */

/* Date intervals and compatibility (docs/store.md, "Deduplication"). */
bool vg_dates_compatible(int32_t d1, int p1, int32_t d2, int p2);
/* Places: the same place, or at least one without a place from the text. */
bool vg_places_compatible(const vg_place *a, const vg_place *b);
/* A place found in the text (not the actors' country, not nothing). */
bool vg_place_in_text(const vg_place *p);

/* ================================================================ ingest */

typedef struct vg_ingest_progress {
    size_t articles, sentences, events, bad;
    size_t bytes_done, bytes_total;     /* input bytes (estimated within a file) */
    double started;                      /* vg_now() */
} vg_ingest_progress;

typedef void (*vg_progress_fn)(void *ctx, const vg_ingest_progress *p, bool final);

typedef struct vg_ingest_opts {
    const vg_dict *dict;
    vg_code_opts code;
    int threads;
    const vg_gazetteer *gaz;    /* NULL: no places from the text */
    bool fmt_given;
    vg_format fmt;              /* when fmt_given; otherwise by file extension */
    vg_progress_fn progress;    /* on the store thread (final: the caller), may be NULL */
    void *progress_ctx;
} vg_ingest_opts;

/* Codes every input (files, directories recursively, "-" for stdin) and
 * adds the articles to st, then flushes.  st is used by a thread of its own
 * until this returns.  Reader and record errors go to diag; progress is
 * reported on that thread too.  Returns false on a store error (see
 * vg_store_error) or an unreadable input. */
bool vg_ingest_run(vg_store *st, const vg_ingest_opts *o, char *const *inputs, size_t n,
                   vg_diag *diag, vg_ingest_progress *prog);

/* The format a file is read as, by extension (.jsonl/.json, .xml, .txt ->
 * text, .tabari/.evt -> tabari; anything else: text). */
vg_format vg_format_by_name(const char *path);

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
} vg_export_opts;

/* Writes the events (ordered by date, then id) to f.  Returns false on a
 * store error (message in vg_store_error) or a write error. */
bool vg_store_export(vg_store *st, const vg_export_opts *o, FILE *f);
/* Number of columns of a tabular format (0 for PLOVER). */
int vg_export_ncols(vg_export_fmt fmt);

/* ====================================================== back-end interface */

typedef VG_VEC(int64_t) vg_ids;

/* A deduplicated event as the store sees it. */
typedef struct vg_store_event {
    int64_t id;
    char source[48], target[48], code[12], root[3];
    int32_t date;
    int date_prec;
    vg_place place;
    bool is_new, place_changed;
    /* this batch's additions: mentions, articles, sources not seen before
     * in the event, earliest article date (yyyymmdd) */
    int32_t add_mentions, add_articles, add_sources, add_first;
    int32_t last_article;       /* internal: batch index of the last article counted */
} vg_store_event;

typedef VG_VEC(vg_store_event) vg_store_events;

/* Candidate query: events of one dyad and root with lo <= date <= hi. */
typedef struct vg_store_key {
    const char *source, *target, *root;
    int32_t lo, hi;
} vg_store_key;

typedef struct vg_store_be vg_store_be;

typedef struct vg_store_ops {
    const char *name;
    bool (*begin)(vg_store_be *be);
    bool (*commit)(vg_store_be *be);
    void (*rollback)(vg_store_be *be);
    /* hashes[i] = the stored hash of ids[i], "" when absent */
    bool (*lookup)(vg_store_be *be, const char *const *ids, size_t n, char (*hashes)[33]);
    /* appends the events of the keys' dyads and roots in the keys' windows */
    bool (*candidates)(vg_store_be *be, const vg_store_key *k, size_t n, vg_store_events *out);
    /* new rows: the article with its sentences (not its mentions), a new
     * event (its counts are its add_* fields), a mention */
    bool (*put_article)(vg_store_be *be, const vg_article *a, const char *now);
    bool (*put_event)(vg_store_be *be, const vg_store_event *e);
    bool (*put_mention)(vg_store_be *be, const vg_article *a, const vg_mention *m, int64_t event);
    /* called after the puts: write buffered rows (PostgreSQL COPY) */
    bool (*sync)(vg_store_be *be);
    /* present[i]: event ids[i] has a mention from an article of source
     * sources[i] ("" = none) */
    bool (*has_source)(vg_store_be *be, const int64_t *ids, const char *const *sources,
                       size_t n, bool *present);
    /* adds the add_* fields to existing events' counts */
    bool (*bump)(vg_store_be *be, const vg_store_event *const *ev, size_t n);
    /* any statement ('?' placeholders, text values; fn may be NULL);
     * everything else (removals, recomputation, ids) is done with it */
    bool (*query)(vg_store_be *be, const char *sql, const char *const *params, int nparams,
                  vg_row_fn fn, void *ctx);
    void (*close)(vg_store_be *be);
} vg_store_ops;

/* Every back end's state starts with this. */
struct vg_store_be {
    const vg_store_ops *ops;
    char err[512];
};

vg_store_be *vg_store_sqlite_open(const char *path, const vg_store_opts *o, char *err,
                                  size_t errsz);
vg_store_be *vg_store_pg_open(const char *conninfo, const vg_store_opts *o, char *err,
                              size_t errsz);

/* The indexes of both back ends' schemas (docs/store.md). */
#define VG_STORE_INDEX_SQL \
    "CREATE INDEX IF NOT EXISTS events_dyad ON events (source, target, date, quad, goldstein);\n" \
    "CREATE INDEX IF NOT EXISTS events_rdyad ON events (target, source, date);\n" \
    "CREATE INDEX IF NOT EXISTS events_dedup ON events (source, target, root, date);\n" \
    "CREATE INDEX IF NOT EXISTS events_date ON events (date);\n" \
    "CREATE INDEX IF NOT EXISTS events_root ON events (root, date);\n" \
    "CREATE INDEX IF NOT EXISTS events_place ON events (place_country, date);\n" \
    "CREATE INDEX IF NOT EXISTS events_geo ON events (lat, lon);\n" \
    "CREATE INDEX IF NOT EXISTS mentions_event ON mentions (event_id, article_source);\n" \
    "CREATE UNIQUE INDEX IF NOT EXISTS mentions_key ON mentions (article_id, sentence_no, event_no);\n"

/* Fills an event from a row of VG_STORE_EVENT_COLS (text values). */
void vg_store_event_from_row(vg_store_event *e, const char *const *v);
#define VG_STORE_EVENT_COLS "id, source, target, code, root, date, date_precision, " \
    "place_name, place_adm1, place_country, lat, lon, place_precision, place_from_actor, place_raw"
#define VG_STORE_NEVENT_COLS 15

#endif
