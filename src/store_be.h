/* store_be.h -- private to the store: the interface a back end (SQLite,
 * PostgreSQL) implements, and the helpers the back ends share.  Only the
 * store's own files include it; everyone else goes through store.h. */
#ifndef VG_STORE_BE_H
#define VG_STORE_BE_H

#include "store_types.h"

typedef VG_VEC(int64_t) vg_ids;

/* A deduplicated event as the store sees it. */
typedef struct vg_store_event {
    int64_t id;
    char source[48], target[48], code[12], root[3];
    int32_t date;
    int date_prec;
    vg_place place;
    /* from the first mention, written with a new event only (NULL / NaN
     * for candidates read back) */
    const char *method, *issues;
    double confidence;
    bool is_new, place_changed;
    /* this batch's additions: mentions, articles, sources not seen before
     * in the event, earliest article date (yyyymmdd) */
    int32_t add_mentions, add_articles, add_sources, add_first;
    int32_t last_article;       /* internal: batch index of the last article counted */
} vg_store_event;

typedef VG_VEC(vg_store_event) vg_store_event_vec;

/* Candidate query: events of one dyad and root with lo <= date <= hi. */
typedef struct vg_store_key {
    const char *source, *target, *root;
    int32_t lo, hi;
} vg_store_key;

typedef struct vg_store_be vg_store_be;

typedef struct vg_store_ops {
    const char *name;
    /* SQLite's planner needs hints (INDEXED BY, "+col" to keep an index out)
     * that other databases reject: the readers add them when this is set */
    bool planner_hints;
    bool (*begin)(vg_store_be *be);
    bool (*commit)(vg_store_be *be);
    void (*rollback)(vg_store_be *be);
    /* hashes[i] = the stored hash of ids[i], "" when absent */
    bool (*lookup)(vg_store_be *be, const char *const *ids, size_t n, char (*hashes)[33]);
    /* appends the events of the keys' dyads and roots in the keys' windows */
    bool (*candidates)(vg_store_be *be, const vg_store_key *k, size_t n, vg_store_event_vec *out);
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
     * everything else (removals, recomputation, ids, reading) is done with it */
    bool (*query)(vg_store_be *be, const char *sql, const char *const *params, int nparams,
                  vg_row_fn fn, void *ctx);
    /* bounds the work of the next queries (steps: about 1000 VM steps each,
     * 0 = no bound); a query that runs out fails with be->interrupted set.
     * A back end that cannot bound work ignores it. */
    void (*budget)(vg_store_be *be, int steps);
    /* a number that changes whenever another connection has committed */
    bool (*data_version)(vg_store_be *be, int64_t *out);
    void (*close)(vg_store_be *be);
} vg_store_ops;

/* Every back end's state starts with this. */
struct vg_store_be {
    const vg_store_ops *ops;
    char err[512];
    bool interrupted;           /* the last query ran out of its budget */
};

vg_store_be *vg_store_sqlite_open(const char *path, const vg_store_opts *o, char *err,
                                  size_t errsz);
vg_store_be *vg_store_pg_open(const char *conninfo, const vg_store_opts *o, char *err,
                              size_t errsz);

/* The store's back end (NULL when it could not be opened). */
vg_store_be *vg_store_backend(vg_store *st);

/* ---- shared by the back ends and the store (store_be.c) ---- */

/* The tables' indexes, the same in both back ends' schemas (docs/store.md);
 * tests/e2e/queryplan.sh checks that some reader or the ingest uses each.
 * (events_geo, on (lat, lon), was dropped: no query used it; stores made
 * before keep it until dropped by hand.) */
/* events_dyad covers VG_WATCH_COLS (a dyad's series) and /api/dyads; written once
 * for a new store and for the 2 -> 3 step */
#define VG_EVENTS_DYAD_COLS "(source, target, date, quad, goldstein, date_precision)"
/* events_root also holds the dyad, so that a root or code filter over a dyad
 * or an actor checks each candidate in the index and visits only the rows it
 * returns; written once for a new store and for the 3 -> 4 step */
#define VG_EVENTS_ROOT_COLS "(root, date, source, target)"
#define VG_STORE_INDEX_SQL \
    "CREATE INDEX IF NOT EXISTS events_dyad ON events " VG_EVENTS_DYAD_COLS ";\n" \
    "CREATE INDEX IF NOT EXISTS events_rdyad ON events (target, source, date);\n" \
    "CREATE INDEX IF NOT EXISTS events_dedup ON events (source, target, root, date);\n" \
    "CREATE INDEX IF NOT EXISTS events_date ON events (date);\n" \
    "CREATE INDEX IF NOT EXISTS events_root ON events " VG_EVENTS_ROOT_COLS ";\n" \
    "CREATE INDEX IF NOT EXISTS events_place ON events (place_country, date);\n" \
    "CREATE INDEX IF NOT EXISTS mentions_event ON mentions (event_id, article_source);\n" \
    "CREATE UNIQUE INDEX IF NOT EXISTS mentions_key ON mentions (article_id, sentence_no, event_no);\n"

/* The schema version this Vigil writes.  A store of an older version is
 * upgraded when it is opened, in one transaction: each back end's step N-1
 * brings version N to N + 1 (docs/store.md, "Schema versions"). */
#define VG_STORE_SCHEMA_VERSION "5"

/* Version 3: events_dyad also holds date_precision, so that it covers a
 * dyad's series (VG_WATCH_COLS); the step rebuilds the index. */
#define VG_STORE_UPGRADE_2_3 \
    "DROP INDEX IF EXISTS events_dyad;\n" \
    "CREATE INDEX events_dyad ON events " VG_EVENTS_DYAD_COLS ";\n"

/* Version 4: events_root also holds source and target (root-over-dyad pages
 * read the index, not a row per candidate); the step rebuilds the index. */
#define VG_STORE_UPGRADE_3_4 \
    "DROP INDEX IF EXISTS events_root;\n" \
    "CREATE INDEX events_root ON events " VG_EVENTS_ROOT_COLS ";\n"

/* Version 5 (SQLite only; no step on PostgreSQL): the table zdict of the
 * dictionaries that compress mentions.matched and sentences.text
 * (store_sqlite.c); rows stored before stay as they are. */

/* Brings a store whose meta table says version `ver` to
 * VG_STORE_SCHEMA_VERSION, running steps[v - 1] (NULL: none) and recording
 * each new version with exec; inside the caller's write transaction.  False when a
 * step failed (exec reported it) or, with the reason in why, when the
 * version is one this Vigil does not know. */
bool vg_store_be_upgrade(vg_store_be *be, const char *ver, const char *const *steps,
                         bool (*exec)(vg_store_be *be, const char *sql), char *why, size_t whysz);

/* Fills an event from a row of VG_STORE_EVENT_COLS (text values). */
void vg_store_event_from_row(vg_store_event *e, const char *const *v);
#define VG_STORE_EVENT_COLS "id, source, target, code, root, date, date_precision, " \
    "place_name, place_adm1, place_country, lat, lon, place_precision, place_from_actor, place_raw"
#define VG_STORE_NEVENT_COLS 15

/* A place from 8 text values in VG_STORE_PLACE_COLS order. */
void vg_store_place_from_row(vg_place *p, const char *const *v);
#define VG_STORE_PLACE_COLS "place_name, place_adm1, place_country, lat, lon, " \
    "place_precision, place_from_actor, place_raw"

#endif
