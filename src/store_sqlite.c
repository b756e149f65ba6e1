/* store_sqlite.c -- the SQLite back end of the event store: WAL mode,
 * BEGIN IMMEDIATE transactions (one per batch), prepared statements, and
 * the explanations and sentences stored compressed with dictionaries
 * trained on the store's own values (store_pack.h; docs/store.md,
 * "Compressed values"), unpacked as rows are read. */
#include "store_be.h"
#include "store_pack.h"
#include "ontology.h"

#include <fcntl.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#define SCHEMA_VERSION VG_STORE_SCHEMA_VERSION

/* Version 5: the dictionaries of the compressed values, one per kind
 * ('matched', 'text'); written once, never changed. */
#define ZDICT_TABLE_SQL \
    "CREATE TABLE IF NOT EXISTS zdict (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, " \
    "dict BLOB NOT NULL);\n"

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
    "CREATE TABLE IF NOT EXISTS articles (\n"
    "  id TEXT PRIMARY KEY, date TEXT NOT NULL, source TEXT, url TEXT, title TEXT,\n"
    "  text_hash TEXT NOT NULL, n_sentences INTEGER NOT NULL, ingested_at TEXT NOT NULL)\n"
    "  WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS sentences (\n"
    "  article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,\n"
    "  sentence_no INTEGER NOT NULL, text TEXT NOT NULL,\n"
    "  PRIMARY KEY (article_id, sentence_no)) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS events (\n"
    "  id INTEGER PRIMARY KEY, date TEXT NOT NULL, date_precision TEXT NOT NULL,\n"
    "  source TEXT NOT NULL, target TEXT NOT NULL, source_country TEXT, target_country TEXT,\n"
    "  code TEXT NOT NULL, root TEXT NOT NULL, quad INTEGER, penta INTEGER, goldstein REAL,\n"
    "  plover TEXT, place_name TEXT, place_adm1 TEXT, place_country TEXT, lat REAL, lon REAL,\n"
    "  place_precision TEXT, place_from_actor INTEGER NOT NULL DEFAULT 0, place_raw TEXT,\n"
    "  num_mentions INTEGER NOT NULL, num_articles INTEGER NOT NULL,\n"
    "  num_sources INTEGER NOT NULL, first_seen TEXT NOT NULL,\n"
    "  method TEXT, confidence REAL, issues TEXT);\n"
    "CREATE TABLE IF NOT EXISTS mentions (\n"
    "  id INTEGER PRIMARY KEY, event_id INTEGER NOT NULL REFERENCES events(id),\n"
    "  article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,\n"
    "  sentence_no INTEGER NOT NULL, event_no INTEGER NOT NULL,\n"
    "  source TEXT NOT NULL, target TEXT NOT NULL, code TEXT NOT NULL,\n"
    "  date TEXT NOT NULL, date_precision TEXT NOT NULL, date_expr TEXT,\n"
    "  place_name TEXT, place_adm1 TEXT, place_country TEXT, lat REAL, lon REAL,\n"
    "  place_precision TEXT, place_from_actor INTEGER NOT NULL DEFAULT 0, place_raw TEXT,\n"
    "  article_source TEXT NOT NULL DEFAULT '', matched TEXT NOT NULL,\n"
    "  method TEXT, confidence REAL, issues TEXT);\n"
    ZDICT_TABLE_SQL
    VG_STORE_INDEX_SQL
    "INSERT OR IGNORE INTO meta VALUES ('schema_version', '" SCHEMA_VERSION "');\n";

enum {
    S_LOOKUP, S_CAND, S_ARTICLE, S_SENTENCE, S_EVENT, S_MENTION, S_HAS_SOURCE, S_BUMP, S_N
};

static const char *const stmt_sql[S_N] = {
    "SELECT text_hash FROM articles WHERE id = ?",
    "SELECT " VG_STORE_EVENT_COLS " FROM events WHERE source = ? AND target = ? AND root = ? "
    "AND date BETWEEN ? AND ? ORDER BY id",
    "INSERT INTO articles (id, date, source, url, title, text_hash, n_sentences, ingested_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "INSERT INTO sentences (article_id, sentence_no, text) VALUES (?, ?, ?)",
    "INSERT INTO events (id, date, date_precision, source, target, source_country, "
    "target_country, code, root, quad, penta, goldstein, plover, place_name, place_adm1, "
    "place_country, lat, lon, place_precision, place_from_actor, place_raw, num_mentions, "
    "num_articles, num_sources, first_seen, method, confidence, issues) VALUES (?, ?, ?, ?, "
    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "INSERT INTO mentions (event_id, article_id, sentence_no, event_no, source, target, code, "
    "date, date_precision, date_expr, place_name, place_adm1, place_country, lat, lon, "
    "place_precision, place_from_actor, place_raw, article_source, matched, method, "
    "confidence, issues) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?, ?, ?)",
    "SELECT 1 FROM mentions WHERE event_id = ? AND article_source = ? LIMIT 1",
    "UPDATE events SET num_mentions = num_mentions + ?2, num_articles = num_articles + ?3, "
    "num_sources = num_sources + ?4, first_seen = min(first_seen, ?5) WHERE id = ?1",
};

/* ---- compressed values ----
 *
 * mentions.matched and sentences.text are stored as blobs packed with a
 * dictionary of their kind (store_pack.h) once the store has one; values
 * stored before stay text, and readers take both.  A kind's dictionary is
 * trained when its count of values reaches PACK_TRAIN_MIN, or else twice
 * that, and so on up to PACK_TRAIN_MAX (too few or too uniform values make
 * none), on the first values in key order, which the same transaction
 * then packs too; so a new store's content alone decides its dictionaries
 * (not its batches), and all its values are packed.  A store holding more
 * than PACK_TRAIN_MAX values of a kind without a dictionary (one upgraded
 * from version 4) trains once per connection, at its first value of that
 * kind, and packs the sample only: older rows are not rewritten. */
#define PACK_LEVEL 3                    /* zstd's level, measured: docs/scaling.md */
#define PACK_DICT_CAP (32 * 1024)       /* the dictionaries' size at most */
#define PACK_TRAIN_MIN 1000
#define PACK_TRAIN_MAX 8000

static const struct pack_kind {
    const char *name;           /* zdict.kind */
    const char *count_sql;      /* the kind's values stored, up to ?1 */
    const char *sample_sql;     /* the first ?1 plain values, in key order: key, key, value */
    const char *update_sql;     /* the value ?1 of row (?2, ?3) */
} pack_kinds[VG_PACK_NKINDS] = {
    [VG_PACK_MATCHED] = {
        "matched",
        "SELECT count(*) FROM (SELECT 1 FROM mentions LIMIT ?1)",
        "SELECT id, NULL, matched FROM mentions WHERE typeof(matched) = 'text' "
        "AND matched != '' ORDER BY id LIMIT ?1",
        "UPDATE mentions SET matched = ?1 WHERE id = ?2",
    },
    [VG_PACK_TEXT] = {
        "text",
        "SELECT count(*) FROM (SELECT 1 FROM sentences LIMIT ?1)",
        "SELECT article_id, sentence_no, text FROM sentences WHERE typeof(text) = 'text' "
        "AND text != '' ORDER BY article_id, sentence_no LIMIT ?1",
        "UPDATE sentences SET text = ?1 WHERE article_id = ?2 AND sentence_no = ?3",
    },
};

typedef struct sq_be {
    vg_store_be base;
    sqlite3 *db;
    sqlite3_stmt *st[S_N];
    vg_packer *pack;                /* this connection's prepared dictionaries */
    vg_buf packed;                  /* the packed value being written */
    struct {
        bool checked;               /* looked at in this transaction (pack_check) */
        bool gave_up;               /* training failed on the largest sample */
        long stored;                /* values in the store while it has no dictionary */
    } pk[VG_PACK_NKINDS];
    int timeout_ms;
    int budget;               /* progress-handler calls left (budget_left) */
    bool in_tx;
    int ckpt_rc;                    /* first failed checkpoint, see wal_hook */
    int trace_fd;                   /* VIGIL_TRACE_SQL's file, or -1 (see trace_stmt) */
    vg_strmap traced;               /* the statements this connection has logged */
} sq_be;

/* Records a SQLite error (msg, else the connection's message) with a plain
 * explanation of the usual causes. */
static bool fail_msg(sq_be *b, int rc, const char *what, const char *msg)
{
    const char *hint = "";
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        hint = " (another process holds the write lock; it was waited for)";
        break;
    case SQLITE_FULL: hint = " (no space left on the device, or the file size limit)"; break;
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM: hint = " (is the database or its directory writable?)"; break;
    case SQLITE_IOERR: hint = " (I/O error: disk full or failing?)"; break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: hint = " (not a Vigil database, or damaged)"; break;
    default: break;
    }
    if (!msg) msg = b->db ? sqlite3_errmsg(b->db) : sqlite3_errstr(rc);
    snprintf(b->base.err, sizeof b->base.err, "%s: %s%s", what, msg, hint);
    return false;
}

static bool fail(sq_be *b, int rc, const char *what)
{
    return fail_msg(b, rc, what, NULL);
}

static bool exec(sq_be *b, const char *sql)
{
    int rc = sqlite3_exec(b->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK || fail(b, rc, "sqlite");
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v) sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else sqlite3_bind_null(s, i);
}

static void bind_opt(sqlite3_stmt *s, int i, const char *v)
{
    bind_text(s, i, v && *v ? v : NULL);
}

static void bind_date(sqlite3_stmt *s, int i, int32_t d)
{
    char buf[11];
    vg_date_format(d, buf);
    sqlite3_bind_text(s, i, buf, -1, SQLITE_TRANSIENT);
}

static void bind_coord(sqlite3_stmt *s, int i, double x)
{
    if (isnan(x)) sqlite3_bind_null(s, i);
    else sqlite3_bind_double(s, i, x);
}

/* Runs a prepared statement to completion. */
static bool step_done(sq_be *b, sqlite3_stmt *s, const char *what)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE || fail(b, rc, what);
}

static bool sq_begin(vg_store_be *be)
{
    sq_be *b = (sq_be *)be;
    if (b->ckpt_rc)                 /* after an earlier commit: stop before the next batch */
        return fail_msg(b, b->ckpt_rc, "checkpoint (the write-ahead log is kept)",
                        sqlite3_errstr(b->ckpt_rc));
    int rc = sqlite3_exec(b->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc != SQLITE_OK) return fail(b, rc, "cannot lock the database");
    b->in_tx = true;
    for (int k = 0; k < VG_PACK_NKINDS; k++) b->pk[k].checked = false;
    return true;
}

static bool sq_commit(vg_store_be *be)
{
    sq_be *b = (sq_be *)be;
    if (!exec(b, "COMMIT")) return false;
    b->in_tx = false;
    vg_packer_settle(b->pack, true);
    return true;
}

static void sq_rollback(vg_store_be *be)
{
    sq_be *b = (sq_be *)be;
    /* a dictionary trained in the transaction is gone with it: values
     * packed with it must never be written */
    vg_packer_settle(b->pack, false);
    if (sqlite3_get_autocommit(b->db)) { b->in_tx = false; return; }
    sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
    b->in_tx = false;
}

/* Runs sql (p1 bound to ?1 when it has a parameter) to its first row's
 * integer (def without a row): the counts and ids below, and the data
 * version. */
static bool query_int(sq_be *b, const char *sql, long long p1, long long def, long long *out,
                      const char *what)
{
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(b->db, sql, -1, &s, NULL);
    if (rc != SQLITE_OK) return fail(b, rc, what);
    if (sqlite3_bind_parameter_count(s) > 0) sqlite3_bind_int64(s, 1, p1);
    rc = sqlite3_step(s);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : def;
    sqlite3_finalize(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE || fail(b, rc, what);
}

/* ---- packing and unpacking ---- */

/* Loads dictionary `id` for unpacking, or the newest dictionary of a kind
 * (id 0) for packing too; a missing one is no error (nothing loaded). */
static bool load_dict(sq_be *b, int id, int kind)
{
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(b->db, id ? "SELECT id, dict FROM zdict WHERE id = ?1"
                                          : "SELECT id, dict FROM zdict WHERE kind = ?1 "
                                            "ORDER BY id DESC LIMIT 1", -1, &s, NULL);
    if (rc != SQLITE_OK) return fail(b, rc, "compression dictionary");
    if (id) sqlite3_bind_int(s, 1, id);
    else sqlite3_bind_text(s, 1, pack_kinds[kind].name, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    bool ok = rc == SQLITE_ROW || rc == SQLITE_DONE || fail(b, rc, "compression dictionary");
    if (rc == SQLITE_ROW) {
        char why[128];
        int got = sqlite3_column_int(s, 0);
        const void *d = sqlite3_column_blob(s, 1);
        size_t n = (size_t)sqlite3_column_bytes(s, 1);
        if (!vg_packer_add(b->pack, got, id ? -1 : kind, d, n, false, why, sizeof why))
            ok = fail_msg(b, SQLITE_CORRUPT, "the store's compression dictionaries (table zdict)",
                          why);
    }
    sqlite3_finalize(s);
    return ok;
}

/* The first t plain values of a kind in key order: their bytes one after
 * another in buf, their sizes, and each one's key (two values). */
typedef struct samples {
    vg_buf buf;
    VG_VEC(size_t) sizes;
    VG_VEC(sqlite3_value *) keys;
} samples;

static void samples_free(samples *sm)
{
    for (size_t i = 0; i < sm->keys.n; i++) sqlite3_value_free(sm->keys.v[i]);
    vg_vec_free(&sm->keys);
    vg_vec_free(&sm->sizes);
    vg_buf_free(&sm->buf);
}

static bool read_samples(sq_be *b, int kind, long t, samples *sm)
{
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(b->db, pack_kinds[kind].sample_sql, -1, &s, NULL);
    if (rc != SQLITE_OK) return fail(b, rc, "compression samples");
    sqlite3_bind_int64(s, 1, t);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        sqlite3_value *k0 = sqlite3_value_dup(sqlite3_column_value(s, 0));
        sqlite3_value *k1 = sqlite3_value_dup(sqlite3_column_value(s, 1));
        if (!k0 || !k1) vg_oom();
        vg_vec_push(&sm->keys, k0);
        vg_vec_push(&sm->keys, k1);
        size_t n = (size_t)sqlite3_column_bytes(s, 2);
        vg_buf_putn(&sm->buf, (const char *)sqlite3_column_text(s, 2), n);
        vg_vec_push(&sm->sizes, n);
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE || fail(b, rc, "compression samples");
}

/* Writes the samples again, packed (those that packing makes smaller). */
static bool pack_samples(sq_be *b, int kind, const samples *sm)
{
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(b->db, pack_kinds[kind].update_sql, -1, &s, NULL);
    if (rc != SQLITE_OK) return fail(b, rc, "compression of the samples");
    bool ok = true;
    const char *v = sm->buf.s;
    for (size_t i = 0; ok && i < sm->sizes.n; v += sm->sizes.v[i++]) {
        if (!vg_packer_pack(b->pack, kind, v, sm->sizes.v[i], &b->packed)) continue;
        sqlite3_bind_blob(s, 1, b->packed.s, (int)b->packed.len, SQLITE_STATIC);
        sqlite3_bind_value(s, 2, sm->keys.v[2 * i]);
        sqlite3_bind_value(s, 3, sm->keys.v[2 * i + 1]);
        ok = step_done(b, s, "compression of the samples");
    }
    sqlite3_finalize(s);
    return ok;
}

/* Stores a new dictionary of a kind and takes it for packing (pending
 * until the commit); *made false when no id is left for it. */
static bool add_dict(sq_be *b, int kind, const void *dict, size_t n, bool *made)
{
    long long id;
    char why[128];
    *made = false;
    if (!query_int(b, "SELECT coalesce(max(id), 0) + 1 FROM zdict", 0, 1, &id,
                   "compression dictionary"))
        return false;
    if (id > VG_PACK_MAX_ID) return true;
    if (!vg_packer_add(b->pack, (int)id, kind, dict, n, true, why, sizeof why)) return true;
    *made = true;
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(b->db, "INSERT INTO zdict (id, kind, dict) VALUES (?1, ?2, ?3)",
                                -1, &s, NULL);
    if (rc != SQLITE_OK) return fail(b, rc, "compression dictionary");
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, pack_kinds[kind].name, -1, SQLITE_STATIC);
    sqlite3_bind_blob(s, 3, dict, (int)n, SQLITE_STATIC);
    bool ok = step_done(b, s, "compression dictionary");
    sqlite3_finalize(s);
    return ok;
}

/* Trains kind's dictionary on its first t plain values and packs them
 * with it; no dictionary (not an error) when zstd can make none, or when
 * no id is left (then the kind stays plain for good). */
static bool train(sq_be *b, int kind, long t)
{
    samples sm = { 0 };
    bool ok = read_samples(b, kind, t, &sm), made = false;
    unsigned char *dict = vg_malloc(PACK_DICT_CAP);
    size_t dn = ok && sm.sizes.n ? vg_pack_train(dict, PACK_DICT_CAP, sm.buf.s, sm.sizes.v,
                                                 (unsigned)sm.sizes.n, PACK_LEVEL) : 0;
    if (dn) ok = add_dict(b, kind, dict, dn, &made);
    if (ok && dn && !made) b->pk[kind].gave_up = true;
    if (ok && made) ok = pack_samples(b, kind, &sm);
    free(dict);
    samples_free(&sm);
    return ok;
}

/* The first value of a kind in a transaction: its dictionary (one another
 * connection may have trained), else its count of values, and for a store
 * with many, one training. */
static bool pack_check(sq_be *b, int kind)
{
    b->pk[kind].checked = true;
    if (vg_packer_dict_of(b->pack, kind) || b->pk[kind].gave_up) return true;
    if (!load_dict(b, 0, kind)) return false;
    if (vg_packer_dict_of(b->pack, kind)) return true;
    long long c;
    if (!query_int(b, pack_kinds[kind].count_sql, PACK_TRAIN_MAX + 1, 0, &c,
                   "count of values"))
        return false;
    b->pk[kind].stored = (long)c;
    if (c <= PACK_TRAIN_MAX) return true;
    if (!train(b, kind, PACK_TRAIN_MAX)) return false;
    if (!vg_packer_dict_of(b->pack, kind)) b->pk[kind].gave_up = true;
    return true;
}

/* Binds value v of a kind at i: packed when the kind has a dictionary.
 * On failure the statement's bindings are cleared (they may point at the
 * caller's buffers). */
static bool bind_packed(sq_be *b, sqlite3_stmt *s, int i, int kind, const char *v)
{
    if (!b->pk[kind].checked && !pack_check(b, kind)) {
        sqlite3_clear_bindings(s);
        return false;
    }
    size_t n = strlen(v);
    if (vg_packer_pack(b->pack, kind, v, n, &b->packed))
        sqlite3_bind_blob(s, i, b->packed.s, (int)b->packed.len, SQLITE_STATIC);
    else
        sqlite3_bind_text(s, i, v, (int)n, SQLITE_STATIC);
    return true;
}

/* After a value of a kind was stored: without a dictionary, one is trained
 * when the count reaches PACK_TRAIN_MIN times a power of two. */
static bool packed_one(sq_be *b, int kind)
{
    if (vg_packer_dict_of(b->pack, kind) || b->pk[kind].gave_up) return true;
    long c = ++b->pk[kind].stored;
    if (c < PACK_TRAIN_MIN || c > PACK_TRAIN_MAX || c % PACK_TRAIN_MIN) return true;
    long m = c / PACK_TRAIN_MIN;
    return (m & (m - 1)) || train(b, kind, c);
}

/* A blob read back: the value it packs into out, loading its dictionary
 * when this connection has not met it. */
static bool unpack(sq_be *b, const void *blob, size_t n, vg_buf *out, const char *col)
{
    char why[160];
    int id;
    vg_unpack_status r = vg_packer_unpack(b->pack, blob, n, out, &id, why, sizeof why);
    if (r == VG_UNPACK_NODICT) {
        if (!load_dict(b, id, -1)) return false;
        r = vg_packer_unpack(b->pack, blob, n, out, &id, why, sizeof why);
        if (r == VG_UNPACK_NODICT)
            snprintf(why, sizeof why, "a compressed value names dictionary %d, which the "
                     "store does not hold (table zdict)", id);
    }
    if (r == VG_UNPACK_OK) return true;
    return fail_msg(b, SQLITE_CORRUPT, col, why);
}

static bool sq_lookup(vg_store_be *be, const char *const *ids, size_t n, char (*hashes)[33])
{
    sq_be *b = (sq_be *)be;
    sqlite3_stmt *s = b->st[S_LOOKUP];
    for (size_t i = 0; i < n; i++) {
        bind_text(s, 1, ids[i]);
        int rc = sqlite3_step(s);
        hashes[i][0] = '\0';
        if (rc == SQLITE_ROW) {
            const unsigned char *h = sqlite3_column_text(s, 0);
            snprintf(hashes[i], 33, "%s", h ? (const char *)h : "");
            rc = sqlite3_step(s);
        }
        sqlite3_reset(s);
        if (rc != SQLITE_DONE) return fail(b, rc, "article lookup");
    }
    return true;
}

static bool sq_candidates(vg_store_be *be, const vg_store_key *k, size_t n, vg_store_event_vec *out)
{
    sq_be *b = (sq_be *)be;
    sqlite3_stmt *s = b->st[S_CAND];
    const char *v[VG_STORE_NEVENT_COLS];
    for (size_t i = 0; i < n; i++) {
        bind_text(s, 1, k[i].source);
        bind_text(s, 2, k[i].target);
        bind_text(s, 3, k[i].root);
        bind_date(s, 4, k[i].lo);
        bind_date(s, 5, k[i].hi);
        int rc;
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            for (int c = 0; c < VG_STORE_NEVENT_COLS; c++)
                v[c] = (const char *)sqlite3_column_text(s, c);
            vg_vec_reserve(out, out->n + 1);
            vg_store_event_from_row(&out->v[out->n++], v);
        }
        sqlite3_reset(s);
        if (rc != SQLITE_DONE) return fail(b, rc, "event lookup");
    }
    return true;
}

static bool sq_put_article(vg_store_be *be, const vg_article *a, const char *now)
{
    sq_be *b = (sq_be *)be;
    sqlite3_stmt *s = b->st[S_ARTICLE];
    bind_text(s, 1, a->id);
    bind_date(s, 2, a->date);
    bind_text(s, 3, a->source);
    bind_text(s, 4, a->url);
    bind_text(s, 5, a->title);
    bind_text(s, 6, a->hash);
    sqlite3_bind_int(s, 7, a->n_sentences);
    bind_text(s, 8, now);
    if (!step_done(b, s, "article insert")) return false;
    s = b->st[S_SENTENCE];
    for (size_t i = 0; i < a->nsent; i++) {
        bind_text(s, 1, a->id);
        sqlite3_bind_int(s, 2, a->sent[i].no);
        if (!bind_packed(b, s, 3, VG_PACK_TEXT, a->sent[i].text ? a->sent[i].text : "") ||
            !step_done(b, s, "sentence insert") || !packed_one(b, VG_PACK_TEXT))
            return false;
    }
    return true;
}

/* Binds the 8 place columns from index i. */
static void bind_place(sqlite3_stmt *s, int i, const vg_place *p)
{
    bool has = p->precision != VG_PLACE_NONE;
    bind_opt(s, i, has ? p->name : NULL);
    bind_opt(s, i + 1, has ? p->adm1 : NULL);
    bind_opt(s, i + 2, has ? p->country : NULL);
    bind_coord(s, i + 3, has ? p->lat : NAN);
    bind_coord(s, i + 4, has ? p->lon : NAN);
    bind_text(s, i + 5, vg_place_prec_name(p->precision));
    sqlite3_bind_int(s, i + 6, has && p->from_actor);
    bind_opt(s, i + 7, has ? p->raw : NULL);
}

static bool sq_put_event(vg_store_be *be, const vg_store_event *e)
{
    sq_be *b = (sq_be *)be;
    sqlite3_stmt *s = b->st[S_EVENT];
    char sc[4], tc[4];
    const vg_cameo *c = vg_cameo_get(e->code);
    sqlite3_bind_int64(s, 1, e->id);
    bind_date(s, 2, e->date);
    bind_text(s, 3, vg_date_prec_name(e->date_prec));
    bind_text(s, 4, e->source);
    bind_text(s, 5, e->target);
    bind_text(s, 6, vg_actor_country(e->source, sc) ? sc : NULL);
    bind_text(s, 7, vg_actor_country(e->target, tc) ? tc : NULL);
    bind_text(s, 8, e->code);
    bind_text(s, 9, e->root);
    if (c) {
        sqlite3_bind_int(s, 10, c->quad);
        sqlite3_bind_int(s, 11, c->penta);
        sqlite3_bind_double(s, 12, c->goldstein);
        bind_opt(s, 13, c->plover);
    }
    bind_place(s, 14, &e->place);
    sqlite3_bind_int(s, 22, e->add_mentions);
    sqlite3_bind_int(s, 23, e->add_articles);
    sqlite3_bind_int(s, 24, e->add_sources);
    bind_date(s, 25, e->add_first ? e->add_first : e->date);
    bind_text(s, 26, e->method);
    bind_coord(s, 27, e->confidence);
    bind_text(s, 28, e->issues);
    return step_done(b, s, "event insert");
}

static bool sq_put_mention(vg_store_be *be, const vg_article *a, const vg_mention *m,
                           int64_t event)
{
    sq_be *b = (sq_be *)be;
    sqlite3_stmt *s = b->st[S_MENTION];
    sqlite3_bind_int64(s, 1, event);
    bind_text(s, 2, a->id);
    sqlite3_bind_int(s, 3, m->sentence_no);
    sqlite3_bind_int(s, 4, m->event_no);
    bind_text(s, 5, m->source);
    bind_text(s, 6, m->target);
    bind_text(s, 7, m->code);
    bind_date(s, 8, m->date);
    bind_text(s, 9, vg_date_prec_name(m->date_prec));
    bind_text(s, 10, m->date_expr);
    bind_place(s, 11, &m->place);
    bind_text(s, 19, a->source ? a->source : "");
    if (!bind_packed(b, s, 20, VG_PACK_MATCHED, m->matched ? m->matched : "{}")) return false;
    bind_text(s, 21, m->method);
    bind_coord(s, 22, m->confidence);
    bind_text(s, 23, m->issues);
    return step_done(b, s, "mention insert") && packed_one(b, VG_PACK_MATCHED);
}

static bool sq_sync(vg_store_be *be)
{
    (void)be;
    return true;
}

static bool sq_has_source(vg_store_be *be, const int64_t *ids, const char *const *sources,
                          size_t n, bool *present)
{
    sq_be *b = (sq_be *)be;
    sqlite3_stmt *s = b->st[S_HAS_SOURCE];
    for (size_t i = 0; i < n; i++) {
        sqlite3_bind_int64(s, 1, ids[i]);
        bind_text(s, 2, sources[i]);
        int rc = sqlite3_step(s);
        present[i] = rc == SQLITE_ROW;
        sqlite3_reset(s);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) return fail(b, rc, "source lookup");
    }
    return true;
}

static bool sq_bump(vg_store_be *be, const vg_store_event *const *ev, size_t n)
{
    sq_be *b = (sq_be *)be;
    sqlite3_stmt *s = b->st[S_BUMP];
    for (size_t i = 0; i < n; i++) {
        sqlite3_bind_int64(s, 1, ev[i]->id);
        sqlite3_bind_int(s, 2, ev[i]->add_mentions);
        sqlite3_bind_int(s, 3, ev[i]->add_articles);
        sqlite3_bind_int(s, 4, ev[i]->add_sources);
        bind_date(s, 5, ev[i]->add_first);
        if (!step_done(b, s, "event counts")) return false;
    }
    return true;
}

static bool sq_query(vg_store_be *be, const char *sql, const char *const *params, int np,
                     vg_row_fn fn, void *ctx)
{
    sq_be *b = (sq_be *)be;
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(b->db, sql, -1, &s, NULL);
    if (rc != SQLITE_OK) return fail(b, rc, "query");
    for (int i = 0; i < np; i++) bind_text(s, i + 1, params[i]);
    int nc = sqlite3_column_count(s);
    const char **v = vg_calloc((size_t)nc + 1, sizeof *v);
    /* every blob a reader's query returns is a packed value (matched,
     * text: the store's other columns hold no blobs, and zdict is read by
     * load_dict alone); each is unpacked into its column's buffer */
    vg_buf *unpacked = NULL;
    bool go = true, bad = false;
    while (go && !bad && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        for (int c = 0; c < nc && !bad; c++) {
            if (sqlite3_column_type(s, c) != SQLITE_BLOB) {
                v[c] = (const char *)sqlite3_column_text(s, c);
                continue;
            }
            if (!unpacked) unpacked = vg_calloc((size_t)nc, sizeof *unpacked);
            const void *blob = sqlite3_column_blob(s, c);
            bad = !unpack(b, blob, (size_t)sqlite3_column_bytes(s, c), &unpacked[c],
                          sqlite3_column_name(s, c));
            v[c] = unpacked[c].s;
        }
        if (fn && !bad) go = fn(ctx, nc, v);
    }
    for (int c = 0; unpacked && c < nc; c++) vg_buf_free(&unpacked[c]);
    free(unpacked);
    free(v);
    sqlite3_finalize(s);
    b->base.interrupted = rc == SQLITE_INTERRUPT;
    if (bad) return false;
    return !go || rc == SQLITE_DONE || fail(b, rc, "query");
}

static int budget_left(void *p)
{
    return --*(int *)p < 0;
}

static void sq_budget(vg_store_be *be, int steps)
{
    sq_be *b = (sq_be *)be;
    b->budget = steps;
    if (steps) sqlite3_progress_handler(b->db, 1000, budget_left, &b->budget);
    else sqlite3_progress_handler(b->db, 0, NULL, NULL);
}

/* PRAGMA data_version changes on this connection when another one commits. */
static bool sq_data_version(vg_store_be *be, int64_t *out)
{
    long long v;
    if (!query_int((sq_be *)be, "PRAGMA data_version", 0, 0, &v, "data version")) return false;
    *out = v;
    return true;
}

static void sq_close(vg_store_be *be)
{
    sq_be *b = (sq_be *)be;
    if (b->in_tx) sq_rollback(be);
    sqlite3_progress_handler(b->db, 0, NULL, NULL);
    for (int i = 0; i < S_N; i++) sqlite3_finalize(b->st[i]);
    sqlite3_close(b->db);
    vg_packer_free(b->pack);
    vg_buf_free(&b->packed);
    if (b->trace_fd >= 0) close(b->trace_fd);
    vg_strmap_free(&b->traced);
    free(b);
}

static const vg_store_ops sq_ops = {
    "sqlite", true, sq_begin, sq_commit, sq_rollback, sq_lookup, sq_candidates, sq_put_article,
    sq_put_event, sq_put_mention, sq_sync, sq_has_source, sq_bump, sq_query, sq_budget,
    sq_data_version, sq_close
};

static bool check_version(void *ctx, int ncols, const char *const *v)
{
    *(bool *)ctx = ncols == 1 && v[0] && !strcmp(v[0], SCHEMA_VERSION);
    return false;
}

static bool has_schema(sq_be *b)
{
    bool ver = false;
    int rc = sqlite3_exec(b->db, "SELECT 1 FROM meta LIMIT 0", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        sq_query(&b->base, "SELECT value FROM meta WHERE key = 'schema_version'", NULL, 0,
                 check_version, &ver);
    b->base.err[0] = '\0';
    return ver;
}

/* Checkpoints at 1000 log pages as SQLite's default hook does, but keeps
 * the result: the default ignores it, so a disk failing during a
 * checkpoint (EIO or ENOSPC on write or fsync) went unreported. */
static int wal_hook(void *ctx, sqlite3 *db, const char *name, int pages)
{
    sq_be *b = ctx;
    if (pages < 1000) return SQLITE_OK;
    int rc = sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY && !b->ckpt_rc) b->ckpt_rc = rc;
    return SQLITE_OK;
}

/* ---- schema versions ----
 *
 * A store of an older version is upgraded when it is opened, in one
 * transaction: each step brings version N to N + 1 (docs/store.md,
 * "Schema versions").  Version 2 added the method, confidence and issues
 * of each mention and event (NULL in rows stored before); versions 3 and
 * 4 widened events_dyad and events_root (store_be.h); version 5 added
 * zdict, the dictionaries of the compressed values (rows stored before
 * stay text). */
static const char *const upgrades[] = {
    /* 1 -> 2 */
    "ALTER TABLE events ADD COLUMN method TEXT;\n"
    "ALTER TABLE events ADD COLUMN confidence REAL;\n"
    "ALTER TABLE events ADD COLUMN issues TEXT;\n"
    "ALTER TABLE mentions ADD COLUMN method TEXT;\n"
    "ALTER TABLE mentions ADD COLUMN confidence REAL;\n"
    "ALTER TABLE mentions ADD COLUMN issues TEXT;\n",
    /* 2 -> 3 */
    VG_STORE_UPGRADE_2_3,
    /* 3 -> 4 */
    VG_STORE_UPGRADE_3_4,
    /* 4 -> 5: the table of dictionaries; no row is rewritten */
    ZDICT_TABLE_SQL,
};

static bool exec_be(vg_store_be *be, const char *sql)
{
    return exec((sq_be *)be, sql);
}

static bool got_text(void *ctx, int ncols, const char *const *v)
{
    snprintf(ctx, 32, "%s", ncols == 1 && v[0] ? v[0] : "");
    return false;
}

/* The stored schema version ("" without a meta table or row). */
static void stored_version(sq_be *b, char ver[32])
{
    ver[0] = '\0';
    if (sqlite3_exec(b->db, "SELECT 1 FROM meta LIMIT 0", NULL, NULL, NULL) == SQLITE_OK)
        sq_query(&b->base, "SELECT value FROM meta WHERE key = 'schema_version'", NULL, 0,
                 got_text, ver);
    b->base.err[0] = '\0';
}

/* Upgrades an older store to SCHEMA_VERSION inside the caller's write
 * transaction; false (with the reason) for a version this build does not
 * know. */
static bool upgrade(sq_be *b)
{
    char ver[32], why[160];
    stored_version(b, ver);
    if (vg_store_be_upgrade(&b->base, ver, upgrades, exec_be, why, sizeof why)) return true;
    if (why[0]) snprintf(b->base.err, sizeof b->base.err, "%s", why);
    return false;
}

/* A reader finding an older store upgrades it through a connection of its
 * own (ALTER TABLE ... ADD COLUMN only rewrites the schema, not the rows),
 * then reads on. */
static bool upgrade_for_reader(sq_be *b)
{
    char ver[32];
    stored_version(b, ver);
    if (!ver[0] || !strcmp(ver, SCHEMA_VERSION)) return true;   /* "not a store" is said later */
    const char *path = sqlite3_db_filename(b->db, "main");
    sq_be w = { .base.ops = b->base.ops };
    int rc = path && *path ? sqlite3_open_v2(path, &w.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL)
                           : SQLITE_CANTOPEN;
    bool ok = rc == SQLITE_OK;
    if (ok) {
        sqlite3_busy_timeout(w.db, b->timeout_ms > 0 ? b->timeout_ms : 10000);
        ok = exec(&w, "BEGIN IMMEDIATE") && upgrade(&w) && exec(&w, "COMMIT");
    }
    if (!ok) {
        char why[160];
        snprintf(why, sizeof why, "%.150s",
                 w.base.err[0] ? w.base.err : w.db ? sqlite3_errmsg(w.db) : sqlite3_errstr(rc));
        snprintf(b->base.err, sizeof b->base.err,
                 "the store has schema version %s and must be upgraded to version %s, which "
                 "needs write access once (%s): open it with `vigil ingest --db FILE </dev/null` "
                 "as its owner", ver, SCHEMA_VERSION, why);
    }
    if (w.db) {
        if (!sqlite3_get_autocommit(w.db)) sqlite3_exec(w.db, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close(w.db);
    }
    return ok;
}

/* WAL, the schema (unless it is there: readers take no write lock), the
 * prepared statements. */
static bool sq_setup(sq_be *b)
{
    sqlite3_busy_timeout(b->db, b->timeout_ms);
    bool ver = false;
    if (!exec(b, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
                 "PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY"))
        return false;
    if (!has_schema(b)) {
        if (!exec(b, "BEGIN IMMEDIATE") || !exec(b, schema) || !upgrade(b) ||
            !sq_query(&b->base, "SELECT value FROM meta WHERE key = 'schema_version'", NULL, 0,
                      check_version, &ver))
            return false;
        if (!ver) {
            snprintf(b->base.err, sizeof b->base.err,
                     "the database has another schema version (want %s)", SCHEMA_VERSION);
            return false;
        }
        if (!exec(b, "COMMIT")) return false;
    }
    sqlite3_wal_hook(b->db, wal_hook, b);
    for (int i = 0; i < S_N; i++) {
        int rc = sqlite3_prepare_v3(b->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                    &b->st[i], NULL);
        if (rc != SQLITE_OK) return fail(b, rc, "prepare");
    }
    return true;
}

/* A reader: read-only and query_only, a larger cache, memory-mapped I/O;
 * the database must be a Vigil store already. */
static bool sq_setup_reader(sq_be *b)
{
    sqlite3_busy_timeout(b->db, 5000);
    if (!upgrade_for_reader(b)) return false;
    sqlite3_exec(b->db, "PRAGMA query_only=1; PRAGMA cache_size=-32000; "
                        "PRAGMA mmap_size=2147418112;", NULL, NULL, NULL);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(b->db, "SELECT 1 FROM events LIMIT 1", -1, &st, NULL) != SQLITE_OK) {
        int ec = sqlite3_errcode(b->db);
        if (ec == SQLITE_READONLY || ec == SQLITE_CANTOPEN)     /* not "not a store" */
            snprintf(b->base.err, sizeof b->base.err, "cannot read the store (%s): reading a "
                     "store in WAL mode needs its -wal and -shm files, or a writable directory "
                     "to create them", sqlite3_errmsg(b->db));
        else
            snprintf(b->base.err, sizeof b->base.err, "not a Vigil store (%s)",
                     sqlite3_errmsg(b->db));
        return false;
    }
    sqlite3_finalize(st);
    return true;
}

/* VIGIL_TRACE_SQL=FILE (docs/store.md, "Query plans"): every distinct
 * statement this connection runs is appended to FILE, one line each
 * (newlines become spaces), in one write so that the connections of a
 * server can share the file.  tests/e2e/queryplan.sh collects the
 * statements of the readers this way and checks their plans. */
static int trace_stmt(unsigned type, void *ctx, void *p, void *x)
{
    sq_be *b = ctx;
    const char *sql = x;
    (void)p;
    if (type != SQLITE_TRACE_STMT || !sql || !strncmp(sql, "--", 2)) return 0;
    if (vg_strmap_get(&b->traced, sql) >= 0) return 0;
    vg_strmap_put(&b->traced, sql, 1);
    vg_buf line = { 0 };
    for (const char *c = sql; *c; c++) vg_buf_putc(&line, *c == '\n' || *c == '\r' ? ' ' : *c);
    vg_buf_putc(&line, '\n');
    ssize_t w = write(b->trace_fd, line.s, line.len);
    (void)w;                        /* a trace that cannot be written is not an error */
    vg_buf_free(&line);
    return 0;
}

static void trace_setup(sq_be *b)
{
    const char *f = getenv("VIGIL_TRACE_SQL");
    b->trace_fd = f && *f ? open(f, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644) : -1;
    if (b->trace_fd >= 0) sqlite3_trace_v2(b->db, SQLITE_TRACE_STMT, trace_stmt, b);
}

vg_store_be *vg_store_sqlite_open(const char *path, const vg_store_opts *o, char *err,
                                  size_t errsz)
{
    sq_be *b = vg_calloc(1, sizeof *b);
    b->base.ops = &sq_ops;
    b->pack = vg_packer_new(PACK_LEVEL);
    b->timeout_ms = o->lock_timeout_ms;
    b->trace_fd = -1;
    int flags = o->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2(path, &b->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK) trace_setup(b);
    bool ok = rc != SQLITE_OK ? fail(b, rc, "cannot open")
              : o->read_only ? sq_setup_reader(b) : sq_setup(b);
    if (ok) return &b->base;
    snprintf(err, errsz, "%s: %s", path, b->base.err);
    if (!sqlite3_get_autocommit(b->db)) sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
    sq_close(&b->base);
    return NULL;
}
