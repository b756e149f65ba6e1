/* store_pg.c -- the PostgreSQL back end of the event store (libpq).  One
 * transaction per batch, serialised between concurrent ingests by an
 * advisory lock; lookups take a whole batch in one query (arrays), new rows
 * are buffered and sent with COPY. */
#include "store_be.h"
#include "ontology.h"

#include <libpq-fe.h>
#include <math.h>
#include <string.h>

#define SCHEMA_VERSION VG_STORE_SCHEMA_VERSION
#define INGEST_LOCK "5668876001"        /* pg_advisory_xact_lock key of writers */

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
    "CREATE TABLE IF NOT EXISTS articles (\n"
    "  id TEXT PRIMARY KEY, date DATE NOT NULL, source TEXT, url TEXT, title TEXT,\n"
    "  text_hash TEXT NOT NULL, n_sentences INTEGER NOT NULL, ingested_at TEXT NOT NULL);\n"
    "CREATE TABLE IF NOT EXISTS sentences (\n"
    "  article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,\n"
    "  sentence_no INTEGER NOT NULL, text TEXT NOT NULL,\n"
    "  PRIMARY KEY (article_id, sentence_no));\n"
    "CREATE TABLE IF NOT EXISTS events (\n"
    "  id BIGINT PRIMARY KEY, date DATE NOT NULL, date_precision TEXT NOT NULL,\n"
    "  source TEXT NOT NULL, target TEXT NOT NULL, source_country TEXT, target_country TEXT,\n"
    "  code TEXT NOT NULL, root TEXT NOT NULL, quad INTEGER, penta INTEGER,\n"
    "  goldstein DOUBLE PRECISION, plover TEXT, place_name TEXT, place_adm1 TEXT,\n"
    "  place_country TEXT, lat DOUBLE PRECISION, lon DOUBLE PRECISION,\n"
    "  place_precision TEXT, place_from_actor INTEGER NOT NULL DEFAULT 0, place_raw TEXT,\n"
    "  num_mentions INTEGER NOT NULL, num_articles INTEGER NOT NULL,\n"
    "  num_sources INTEGER NOT NULL, first_seen DATE NOT NULL,\n"
    "  method TEXT, confidence DOUBLE PRECISION, issues TEXT);\n"
    "CREATE TABLE IF NOT EXISTS mentions (\n"
    "  id BIGSERIAL PRIMARY KEY, event_id BIGINT NOT NULL REFERENCES events(id),\n"
    "  article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,\n"
    "  sentence_no INTEGER NOT NULL, event_no INTEGER NOT NULL,\n"
    "  source TEXT NOT NULL, target TEXT NOT NULL, code TEXT NOT NULL,\n"
    "  date DATE NOT NULL, date_precision TEXT NOT NULL, date_expr TEXT,\n"
    "  place_name TEXT, place_adm1 TEXT, place_country TEXT, lat DOUBLE PRECISION,\n"
    "  lon DOUBLE PRECISION, place_precision TEXT, place_from_actor INTEGER NOT NULL DEFAULT 0,\n"
    "  place_raw TEXT, article_source TEXT NOT NULL DEFAULT '', matched TEXT NOT NULL,\n"
    "  method TEXT, confidence DOUBLE PRECISION, issues TEXT);\n";

/* After the tables and their indexes (ensure_indexes). */
static const char schema_meta[] =
    "INSERT INTO meta VALUES ('schema_version', '" SCHEMA_VERSION "') ON CONFLICT DO NOTHING;\n"
    "INSERT INTO meta VALUES ('data_version', '0') ON CONFLICT DO NOTHING;\n";

/* Every write transaction counts itself in meta, so that readers (the
 * server's cache) see that the store changed. */
#define BUMP_VERSION "UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'data_version'"

enum { T_ARTICLES, T_SENTENCES, T_EVENTS, T_MENTIONS, T_N };

static const char *const copy_sql[T_N] = {
    "COPY articles (id, date, source, url, title, text_hash, n_sentences, ingested_at) "
    "FROM STDIN",
    "COPY sentences (article_id, sentence_no, text) FROM STDIN",
    "COPY events (id, date, date_precision, source, target, source_country, target_country, "
    "code, root, quad, penta, goldstein, plover, place_name, place_adm1, place_country, lat, "
    "lon, place_precision, place_from_actor, place_raw, num_mentions, num_articles, "
    "num_sources, first_seen, method, confidence, issues) FROM STDIN",
    "COPY mentions (event_id, article_id, sentence_no, event_no, source, target, code, date, "
    "date_precision, date_expr, place_name, place_adm1, place_country, lat, lon, "
    "place_precision, place_from_actor, place_raw, article_source, matched, method, "
    "confidence, issues) FROM STDIN",
};

typedef struct pg_be {
    vg_store_be base;
    PGconn *c;
    vg_buf copy[T_N];
    bool in_tx;
    bool up;                        /* connected and set up */
} pg_be;

/* Records "what: msg" on one line (libpq's messages span several).  When
 * the connection is gone libpq may only say "invalid socket": say why. */
static bool fail_msg(pg_be *b, const char *what, const char *msg)
{
    if (!msg) msg = "error";
    bool lost = b->up && PQstatus(b->c) == CONNECTION_BAD && !strstr(msg, "connection");
    snprintf(b->base.err, sizeof b->base.err, "%s: %s%s", what, msg,
             lost ? " (the connection to the server was lost)" : "");
    char *o = b->base.err;
    for (const char *p = b->base.err; *p; p++) {
        char c = *p == '\n' || *p == '\t' ? ' ' : *p;
        if (c != ' ' || (o > b->base.err && o[-1] != ' ')) *o++ = c;
    }
    while (o > b->base.err && o[-1] == ' ') o--;
    *o = '\0';
    return false;
}

/* Checks a result (and clears it). */
static bool result_ok(pg_be *b, PGresult *r, const char *what)
{
    ExecStatusType s = PQresultStatus(r);
    bool ok = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
    if (!ok) fail_msg(b, what, r ? PQresultErrorMessage(r) : PQerrorMessage(b->c));
    PQclear(r);
    return ok;
}

static bool pexec(pg_be *b, const char *sql)
{
    return result_ok(b, PQexec(b->c, sql), "postgresql");
}

/* "?" placeholders to "$n". */
static char *dollars(const char *sql)
{
    vg_buf o = { 0 };
    int n = 0;
    for (const char *p = sql; *p; p++) {
        if (*p == '?') vg_buf_printf(&o, "$%d", ++n);
        else vg_buf_putc(&o, *p);
    }
    return o.s ? o.s : vg_strdup("");
}

/* ---- COPY text format ---- */

static void copy_str(vg_buf *b, const char *s)
{
    if (!s) { vg_buf_puts(b, "\\N"); return; }
    for (; *s; s++) {
        switch (*s) {
        case '\\': vg_buf_puts(b, "\\\\"); break;
        case '\t': vg_buf_puts(b, "\\t"); break;
        case '\n': vg_buf_puts(b, "\\n"); break;
        case '\r': vg_buf_puts(b, "\\r"); break;
        default: vg_buf_putc(b, *s);
        }
    }
}

static void copy_opt(vg_buf *b, const char *s) { copy_str(b, s && *s ? s : NULL); }

static void copy_date(vg_buf *b, int32_t d)
{
    char buf[11];
    vg_date_format(d, buf);
    vg_buf_puts(b, buf);
}

static void copy_coord(vg_buf *b, double x)
{
    if (isnan(x)) vg_buf_puts(b, "\\N");
    else vg_buf_printf(b, "%.6f", x);
}

static void copy_place(vg_buf *b, const vg_place *p)
{
    bool has = p->precision != VG_PLACE_NONE;
    copy_opt(b, has ? p->name : NULL);
    vg_buf_putc(b, '\t');
    copy_opt(b, has ? p->adm1 : NULL);
    vg_buf_putc(b, '\t');
    copy_opt(b, has ? p->country : NULL);
    vg_buf_putc(b, '\t');
    copy_coord(b, has ? p->lat : NAN);
    vg_buf_putc(b, '\t');
    copy_coord(b, has ? p->lon : NAN);
    vg_buf_putc(b, '\t');
    copy_str(b, vg_place_prec_name(p->precision));
    vg_buf_printf(b, "\t%d\t", has && p->from_actor);
    copy_opt(b, has ? p->raw : NULL);
}

static bool send_copy(pg_be *b, int t)
{
    vg_buf *buf = &b->copy[t];
    if (!buf->len) return true;
    PGresult *r = PQexec(b->c, copy_sql[t]);
    bool ok = PQresultStatus(r) == PGRES_COPY_IN;
    if (!ok) fail_msg(b, "COPY", PQresultErrorMessage(r));
    PQclear(r);
    if (!ok) return false;
    ok = PQputCopyData(b->c, buf->s, (int)buf->len) == 1;
    if (PQputCopyEnd(b->c, ok ? NULL : "client error") != 1) ok = false;
    vg_buf_clear(buf);
    bool res = true;
    while ((r = PQgetResult(b->c))) res &= result_ok(b, r, "COPY");
    return ok && res;
}

/* ---- array parameters ---- */

static void array_add(vg_buf *b, const char *s)
{
    vg_buf_putc(b, b->len ? ',' : '{');
    vg_buf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') vg_buf_putc(b, '\\');
        vg_buf_putc(b, *s);
    }
    vg_buf_putc(b, '"');
}

static void array_end(vg_buf *b)
{
    if (!b->len) vg_buf_putc(b, '{');
    vg_buf_putc(b, '}');
}

static void array_date(vg_buf *b, int32_t d)
{
    char buf[11];
    vg_date_format(d, buf);
    array_add(b, buf);
}

/* ---- operations ---- */

static bool pg_begin(vg_store_be *be)
{
    pg_be *b = (pg_be *)be;
    if (!pexec(b, "BEGIN")) return false;
    b->in_tx = true;
    if (pexec(b, "SELECT pg_advisory_xact_lock(" INGEST_LOCK ")")) return true;
    if (PQstatus(b->c) != CONNECTION_OK) return false;     /* not a lock problem */
    char why[sizeof b->base.err];
    snprintf(why, sizeof why, "%s", b->base.err);
    return fail_msg(b, "cannot lock the database (another ingest is running?)", why);
}

static bool pg_commit(vg_store_be *be)
{
    pg_be *b = (pg_be *)be;
    if (!pexec(b, BUMP_VERSION)) return false;
    b->in_tx = false;
    return pexec(b, "COMMIT");
}

static void pg_rollback(vg_store_be *be)
{
    pg_be *b = (pg_be *)be;
    for (int t = 0; t < T_N; t++) vg_buf_clear(&b->copy[t]);
    if (!b->in_tx) return;
    PQclear(PQexec(b->c, "ROLLBACK"));
    b->in_tx = false;
}

/* Runs a query with text parameters; rows one at a time to fn. */
static bool pg_query(vg_store_be *be, const char *sql, const char *const *params, int np,
                     vg_row_fn fn, void *ctx)
{
    pg_be *b = (pg_be *)be;
    char *q = dollars(sql);
    int sent = PQsendQueryParams(b->c, q, np, NULL, params, NULL, NULL, 0);
    free(q);
    if (!sent) return fail_msg(b, "query", PQerrorMessage(b->c));
    PQsetSingleRowMode(b->c);
    bool ok = true, go = true;
    const char **v = NULL;
    PGresult *r;
    while ((r = PQgetResult(b->c))) {
        ExecStatusType s = PQresultStatus(r);
        if (s == PGRES_SINGLE_TUPLE && go && fn) {
            int nc = PQnfields(r);
            v = vg_realloc(v, ((size_t)nc + 1) * sizeof *v);
            for (int c = 0; c < nc; c++) v[c] = PQgetisnull(r, 0, c) ? NULL : PQgetvalue(r, 0, c);
            go = fn(ctx, nc, v);
        } else if (s != PGRES_SINGLE_TUPLE && s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
            ok = fail_msg(b, "query", PQresultErrorMessage(r));
        }
        PQclear(r);
    }
    free(v);
    return ok;
}

typedef struct hash_ctx {
    const char *const *ids;
    size_t n;
    char (*hashes)[33];
    vg_strmap *pos;
} hash_ctx;

static bool got_hash(void *ctx, int nc, const char *const *v)
{
    hash_ctx *h = ctx;
    int i = nc == 2 && v[0] ? vg_strmap_get(h->pos, v[0]) : -1;
    if (i >= 0) snprintf(h->hashes[i], 33, "%s", v[1] ? v[1] : "");
    return true;
}

static bool pg_lookup(vg_store_be *be, const char *const *ids, size_t n, char (*hashes)[33])
{
    vg_buf arr = { 0 };
    vg_strmap pos = { 0 };
    for (size_t i = 0; i < n; i++) {
        array_add(&arr, ids[i]);
        vg_strmap_put(&pos, ids[i], (int)i);
        hashes[i][0] = '\0';
    }
    array_end(&arr);
    hash_ctx h = { ids, n, hashes, &pos };
    const char *p[1] = { arr.s };
    bool ok = pg_query(be, "SELECT id, text_hash FROM articles WHERE id = ANY(?::text[])", p, 1,
                       got_hash, &h);
    vg_buf_free(&arr);
    vg_strmap_free(&pos);
    return ok;
}

static bool got_event(void *ctx, int nc, const char *const *v)
{
    vg_store_event_vec *out = ctx;
    if (nc != VG_STORE_NEVENT_COLS) return false;
    vg_vec_reserve(out, out->n + 1);
    vg_store_event_from_row(&out->v[out->n++], v);
    return true;
}

static bool pg_candidates(vg_store_be *be, const vg_store_key *k, size_t n, vg_store_event_vec *out)
{
    vg_buf a[5] = { { 0 } };
    for (size_t i = 0; i < n; i++) {
        array_add(&a[0], k[i].source);
        array_add(&a[1], k[i].target);
        array_add(&a[2], k[i].root);
        array_date(&a[3], k[i].lo);
        array_date(&a[4], k[i].hi);
    }
    const char *p[5];
    for (int i = 0; i < 5; i++) { array_end(&a[i]); p[i] = a[i].s; }
    bool ok = pg_query(be, "SELECT " VG_STORE_EVENT_COLS " FROM events JOIN unnest(?::text[], "
                       "?::text[], ?::text[], ?::date[], ?::date[]) AS k(s, t, r, lo, hi) "
                       "ON source = k.s AND target = k.t AND root = k.r "
                       "AND date BETWEEN k.lo AND k.hi ORDER BY id", p, 5, got_event, out);
    for (int i = 0; i < 5; i++) vg_buf_free(&a[i]);
    return ok;
}

static bool pg_put_article(vg_store_be *be, const vg_article *a, const char *now)
{
    pg_be *b = (pg_be *)be;
    vg_buf *o = &b->copy[T_ARTICLES];
    copy_str(o, a->id);
    vg_buf_putc(o, '\t');
    copy_date(o, a->date);
    vg_buf_putc(o, '\t');
    copy_str(o, a->source);
    vg_buf_putc(o, '\t');
    copy_str(o, a->url);
    vg_buf_putc(o, '\t');
    copy_str(o, a->title);
    vg_buf_printf(o, "\t%s\t%d\t%s\n", a->hash, a->n_sentences, now);
    o = &b->copy[T_SENTENCES];
    for (size_t i = 0; i < a->nsent; i++) {
        copy_str(o, a->id);
        vg_buf_printf(o, "\t%d\t", a->sent[i].no);
        copy_str(o, a->sent[i].text ? a->sent[i].text : "");
        vg_buf_putc(o, '\n');
    }
    return true;
}

static bool pg_put_event(vg_store_be *be, const vg_store_event *e)
{
    pg_be *b = (pg_be *)be;
    vg_buf *o = &b->copy[T_EVENTS];
    char sc[4], tc[4];
    const vg_cameo *c = vg_cameo_get(e->code);
    vg_buf_printf(o, "%lld\t", (long long)e->id);
    copy_date(o, e->date);
    vg_buf_printf(o, "\t%s\t", vg_date_prec_name(e->date_prec));
    copy_str(o, e->source);
    vg_buf_putc(o, '\t');
    copy_str(o, e->target);
    vg_buf_putc(o, '\t');
    copy_str(o, vg_actor_country(e->source, sc) ? sc : NULL);
    vg_buf_putc(o, '\t');
    copy_str(o, vg_actor_country(e->target, tc) ? tc : NULL);
    vg_buf_putc(o, '\t');
    copy_str(o, e->code);
    vg_buf_putc(o, '\t');
    copy_str(o, e->root);
    if (c) vg_buf_printf(o, "\t%d\t%d\t%.1f\t", c->quad, c->penta, c->goldstein);
    else vg_buf_puts(o, "\t\\N\t\\N\t\\N\t");
    copy_opt(o, c ? c->plover : NULL);
    vg_buf_putc(o, '\t');
    copy_place(o, &e->place);
    vg_buf_printf(o, "\t%d\t%d\t%d\t", e->add_mentions, e->add_articles, e->add_sources);
    copy_date(o, e->add_first ? e->add_first : e->date);
    vg_buf_putc(o, '\t');
    copy_str(o, e->method);
    vg_buf_putc(o, '\t');
    copy_coord(o, e->confidence);
    vg_buf_putc(o, '\t');
    copy_str(o, e->issues);
    vg_buf_putc(o, '\n');
    return true;
}

static bool pg_put_mention(vg_store_be *be, const vg_article *a, const vg_mention *m,
                           int64_t event)
{
    pg_be *b = (pg_be *)be;
    vg_buf *o = &b->copy[T_MENTIONS];
    vg_buf_printf(o, "%lld\t", (long long)event);
    copy_str(o, a->id);
    vg_buf_printf(o, "\t%d\t%d\t", m->sentence_no, m->event_no);
    copy_str(o, m->source);
    vg_buf_putc(o, '\t');
    copy_str(o, m->target);
    vg_buf_putc(o, '\t');
    copy_str(o, m->code);
    vg_buf_putc(o, '\t');
    copy_date(o, m->date);
    vg_buf_printf(o, "\t%s\t", vg_date_prec_name(m->date_prec));
    copy_str(o, m->date_expr);
    vg_buf_putc(o, '\t');
    copy_place(o, &m->place);
    vg_buf_putc(o, '\t');
    copy_str(o, a->source ? a->source : "");
    vg_buf_putc(o, '\t');
    copy_str(o, m->matched);
    vg_buf_putc(o, '\t');
    copy_str(o, m->method);
    vg_buf_putc(o, '\t');
    copy_coord(o, m->confidence);
    vg_buf_putc(o, '\t');
    copy_str(o, m->issues);
    vg_buf_putc(o, '\n');
    return true;
}

static bool pg_sync(vg_store_be *be)
{
    pg_be *b = (pg_be *)be;
    for (int t = 0; t < T_N; t++)
        if (!send_copy(b, t)) return false;
    return true;
}

typedef struct present_ctx {
    bool *present;
    size_t n;
} present_ctx;

static bool got_present(void *ctx, int nc, const char *const *v)
{
    present_ctx *p = ctx;
    long i = nc == 1 && v[0] ? strtol(v[0], NULL, 10) : 0;
    if (i >= 1 && (size_t)i <= p->n) p->present[i - 1] = true;
    return true;
}

static bool pg_has_source(vg_store_be *be, const int64_t *ids, const char *const *sources,
                          size_t n, bool *present)
{
    vg_buf a = { 0 }, s = { 0 };
    vg_buf_putc(&a, '{');
    for (size_t i = 0; i < n; i++) {
        vg_buf_printf(&a, "%s%lld", i ? "," : "", (long long)ids[i]);
        array_add(&s, sources[i]);
        present[i] = false;
    }
    vg_buf_putc(&a, '}');
    array_end(&s);
    const char *p[2] = { a.s, s.s };
    present_ctx pc = { present, n };
    bool ok = pg_query(be, "SELECT k.i FROM unnest(?::bigint[], ?::text[]) WITH ORDINALITY "
                       "AS k(id, src, i) WHERE EXISTS (SELECT 1 FROM mentions m "
                       "WHERE m.event_id = k.id AND m.article_source = k.src)",
                       p, 2, got_present, &pc);
    vg_buf_free(&a);
    vg_buf_free(&s);
    return ok;
}

static bool pg_bump(vg_store_be *be, const vg_store_event *const *ev, size_t n)
{
    vg_buf a[5] = { { 0 } };
    for (int k = 0; k < 4; k++) vg_buf_putc(&a[k], '{');
    for (size_t i = 0; i < n; i++) {
        const char *sep = i ? "," : "";
        vg_buf_printf(&a[0], "%s%lld", sep, (long long)ev[i]->id);
        vg_buf_printf(&a[1], "%s%d", sep, ev[i]->add_mentions);
        vg_buf_printf(&a[2], "%s%d", sep, ev[i]->add_articles);
        vg_buf_printf(&a[3], "%s%d", sep, ev[i]->add_sources);
        array_date(&a[4], ev[i]->add_first);
    }
    const char *p[5];
    for (int k = 0; k < 4; k++) vg_buf_putc(&a[k], '}');
    array_end(&a[4]);
    for (int k = 0; k < 5; k++) p[k] = a[k].s;
    bool ok = pg_query(be, "UPDATE events e SET num_mentions = e.num_mentions + u.dm, "
                       "num_articles = e.num_articles + u.da, num_sources = e.num_sources + u.ds, "
                       "first_seen = LEAST(e.first_seen, u.fs) FROM unnest(?::bigint[], ?::int[], "
                       "?::int[], ?::int[], ?::date[]) AS u(id, dm, da, ds, fs) WHERE e.id = u.id",
                       p, 5, NULL, NULL);
    for (int k = 0; k < 5; k++) vg_buf_free(&a[k]);
    return ok;
}

static void pg_budget(vg_store_be *be, int steps)
{
    (void)be;
    (void)steps;    /* the planner needs no fallback plan here */
}

static bool got_version(void *ctx, int nc, const char *const *v)
{
    *(int64_t *)ctx = nc == 1 && v[0] ? strtoll(v[0], NULL, 10) : 0;
    return false;
}

static bool pg_data_version(vg_store_be *be, int64_t *out)
{
    *out = 0;
    return pg_query(be, "SELECT value FROM meta WHERE key = 'data_version'", NULL, 0,
                    got_version, out);
}

static void pg_close(vg_store_be *be)
{
    pg_be *b = (pg_be *)be;
    pg_rollback(be);
    for (int t = 0; t < T_N; t++) vg_buf_free(&b->copy[t]);
    PQfinish(b->c);
    free(b);
}

static const vg_store_ops pg_ops = {
    "postgresql", false, pg_begin, pg_commit, pg_rollback, pg_lookup, pg_candidates,
    pg_put_article, pg_put_event, pg_put_mention, pg_sync, pg_has_source, pg_bump, pg_query,
    pg_budget, pg_data_version, pg_close
};

static void quiet(void *arg, const char *msg)
{
    (void)arg;
    (void)msg;
}

static bool check_version(void *ctx, int ncols, const char *const *v)
{
    *(bool *)ctx = ncols == 1 && v[0] && !strcmp(v[0], SCHEMA_VERSION);
    return false;
}

/* ---- schema versions (as store_sqlite.c: docs/store.md, "Schema versions") ---- */

static const char *const upgrades[] = {
    /* 1 -> 2: method, confidence and issues of mentions and events */
    "ALTER TABLE events ADD COLUMN IF NOT EXISTS method TEXT, "
    "ADD COLUMN IF NOT EXISTS confidence DOUBLE PRECISION, ADD COLUMN IF NOT EXISTS issues TEXT;\n"
    "ALTER TABLE mentions ADD COLUMN IF NOT EXISTS method TEXT, "
    "ADD COLUMN IF NOT EXISTS confidence DOUBLE PRECISION, ADD COLUMN IF NOT EXISTS issues TEXT;\n",
    /* 2 -> 3: events_dyad covers a dyad's series */
    VG_STORE_UPGRADE_2_3,
    /* 3 -> 4: events_root holds the dyad */
    VG_STORE_UPGRADE_3_4,
    /* 4 -> 5: nothing here: values are compressed in SQLite stores only
     * (PostgreSQL's TOAST compresses values over about 2 KB itself) */
    NULL,
};

static bool pexec_be(vg_store_be *be, const char *sql)
{
    return pexec((pg_be *)be, sql);
}

static bool got_text(void *ctx, int ncols, const char *const *v)
{
    snprintf(ctx, 32, "%s", ncols == 1 && v[0] ? v[0] : "");
    return false;
}

/* Brings an older schema to SCHEMA_VERSION; inside a transaction holding
 * the ingest lock. */
static bool upgrade(pg_be *b)
{
    char ver[32] = "", why[160];
    if (!pg_query(&b->base, "SELECT value FROM meta WHERE key = 'schema_version'", NULL, 0,
                  got_text, ver))
        return false;
    if (vg_store_be_upgrade(&b->base, ver, upgrades, pexec_be, why, sizeof why)) return true;
    return why[0] ? fail_msg(b, "schema", why) : false;
}

/* A reader: read-only transactions; the schema must be there. */
static bool pg_setup_reader(pg_be *b)
{
    char ver[32] = "";
    if (!pexec(b, "SET datestyle = ISO; SET client_encoding = 'UTF8'"))
        return false;
    /* an older store is upgraded first (added columns: no rewrite; 2 -> 3
     * rebuilds one index) */
    PGresult *vr = PQexec(b->c, "SELECT value FROM meta WHERE key = 'schema_version'");
    if (PQresultStatus(vr) == PGRES_TUPLES_OK && PQntuples(vr) == 1)
        snprintf(ver, sizeof ver, "%s", PQgetvalue(vr, 0, 0));
    PQclear(vr);
    if (ver[0] && strcmp(ver, SCHEMA_VERSION)) {
        if (!pexec(b, "BEGIN") || !pexec(b, "SELECT pg_advisory_xact_lock(" INGEST_LOCK ")") ||
            !upgrade(b) || !pexec(b, "COMMIT")) {
            char why[sizeof b->base.err];
            snprintf(why, sizeof why, "%s", b->base.err);
            PQclear(PQexec(b->c, "ROLLBACK"));
            return fail_msg(b, "the store needs a schema upgrade, which needs write access once "
                               "(open it with vigil ingest as its owner)", why);
        }
    }
    if (!pexec(b, "SET default_transaction_read_only = on"))
        return false;
    PGresult *r = PQexec(b->c, "SELECT 1 FROM events LIMIT 0");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        fail_msg(b, "not a Vigil store", PQresultErrorMessage(r));
        PQclear(r);
        return false;
    }
    PQclear(r);
    return true;
}

static bool index_missing(void *ctx, int ncols, const char *const *v)
{
    *(bool *)ctx = ncols == 1 && v[0] && !strcmp(v[0], "t");
    return false;
}

/* Creates the indexes of VG_STORE_INDEX_SQL that the store lacks, by name.
 * Not simply each "CREATE ... IF NOT EXISTS": PostgreSQL refuses CREATE
 * UNIQUE INDEX IF NOT EXISTS mentions_key on a mentions table partitioned
 * by date even when an index of that name is there (docs/scaling.md). */
static bool ensure_indexes(pg_be *b)
{
    for (const char *s = VG_STORE_INDEX_SQL; *s;) {
        const char *nl = strchr(s, '\n'), *end = nl ? nl : s + strlen(s);
        const char *k = strstr(s, "IF NOT EXISTS ");
        if (k && k < end) {
            char name[64], stmt[256];
            k += strlen("IF NOT EXISTS ");
            size_t n = strcspn(k, " ");
            snprintf(name, sizeof name, "%.*s", (int)n, k);
            snprintf(stmt, sizeof stmt, "%.*s", (int)(end - s), s);
            const char *p[1] = { name };
            bool missing = false;
            if (!pg_query(&b->base, "SELECT to_regclass(?) IS NULL", p, 1, index_missing, &missing))
                return false;
            if (missing && !pexec(b, stmt)) return false;
        }
        s = nl ? nl + 1 : end;
    }
    return true;
}

static bool pg_setup(pg_be *b, int timeout_ms)
{
    char set[160];
    snprintf(set, sizeof set, "SET datestyle = ISO; SET client_encoding = 'UTF8'; "
                              "SET lock_timeout = %d", timeout_ms);
    bool ver = false;
    if (!pexec(b, set) || !pexec(b, "BEGIN") || !pexec(b, "SELECT pg_advisory_xact_lock(" INGEST_LOCK ")") ||
        !pexec(b, schema) || !ensure_indexes(b) || !pexec(b, schema_meta) || !upgrade(b) ||
        !pg_query(&b->base, "SELECT value FROM meta WHERE key = 'schema_version'", NULL, 0,
                  check_version, &ver))
        return false;
    if (!ver)
        return fail_msg(b, "schema", "the database has another schema version (want "
                                     SCHEMA_VERSION ")");
    return pexec(b, "COMMIT");
}

vg_store_be *vg_store_pg_open(const char *conninfo, const vg_store_opts *o, char *err,
                              size_t errsz)
{
    pg_be *b = vg_calloc(1, sizeof *b);
    b->base.ops = &pg_ops;
    b->c = PQconnectdb(conninfo);
    bool ok = PQstatus(b->c) == CONNECTION_OK;
    if (!ok) fail_msg(b, "cannot connect to PostgreSQL", PQerrorMessage(b->c));
    if (ok) {
        PQsetNoticeProcessor(b->c, quiet, NULL);
        ok = o->read_only ? pg_setup_reader(b) : pg_setup(b, o->lock_timeout_ms);
    }
    b->up = ok;
    if (ok) return &b->base;
    snprintf(err, errsz, "%s", b->base.err);
    PQclear(PQexec(b->c, "ROLLBACK"));
    PQfinish(b->c);
    free(b);
    return NULL;
}
