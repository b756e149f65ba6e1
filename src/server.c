/* server.c -- read-only JSON API and static dashboard on libmicrohttpd
 * (see server.h and docs/dashboard.md). */
#define _DEFAULT_SOURCE         /* realpath */
#include "server.h"
#include "ontology.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil.h"

#define MAX_ARGS 16          /* query parameters per request */
#define MAX_KEY 32
#define MAX_VALUE 256
#define MAX_PATH 256         /* URL path */
#define MAX_LIMIT 500        /* rows per page */
#define MAX_PERIODS 5000     /* series periods per request */
#define MAX_MENTIONS 200     /* mentions listed by /api/events/{id} */
#define MAX_FILE (32L << 20) /* largest static file served */
#define CACHE_N 64
#define CACHE_MAX_BODY (1 << 20)

typedef struct cache_ent {
    char *key, *body;
    size_t len;
    int status;
    int64_t gen;
    double t;
    uint64_t used;
} cache_ent;

struct vg_server {
    struct MHD_Daemon *d;
    vg_server_opts o;
    char *assets;             /* realpath of the asset folder, or NULL */
    bool loopback;
    int port;
    pthread_mutex_t mu;       /* guards the connection pool */
    pthread_cond_t cv;
    sqlite3 **dbs;
    bool *busy;
    int64_t *data_version;    /* per connection: PRAGMA data_version last seen */
    int ndb;
    pthread_mutex_t cmu;      /* guards the cache and gen */
    cache_ent cache[CACHE_N];
    uint64_t tick;
    int64_t gen;              /* bumped whenever a connection sees a new commit */
};

/* ================================================================ query args */

typedef struct qargs {
    const char *k[MAX_ARGS], *v[MAX_ARGS];
    size_t n;
    const char *error;
} qargs;

static const char *arg(const qargs *q, const char *key)
{
    for (size_t i = 0; i < q->n; i++)
        if (!strcmp(q->k[i], key)) return q->v[i];
    return NULL;
}

static void qargs_add(qargs *q, const char *k, size_t kn, const char *v, size_t vn)
{
    if (q->error) return;
    if (q->n >= MAX_ARGS) { q->error = "too many query parameters"; return; }
    if (!kn || kn > MAX_KEY || strlen(k) != kn) { q->error = "bad parameter name"; return; }
    if (vn > MAX_VALUE) { q->error = "parameter value too long (max 256 bytes)"; return; }
    if (v && strlen(v) != vn) { q->error = "bad parameter value"; return; }
    for (size_t i = 0; i < q->n; i++)
        if (!strcmp(q->k[i], k)) { q->error = "duplicate query parameter"; return; }
    q->k[q->n] = k;
    q->v[q->n++] = v ? v : "";
}

/* Every parameter must be in allowed (a NULL-terminated list); else the
 * reason, with *bad = the offending parameter. */
static const char *qargs_check(const qargs *q, const char *const *allowed, const char **bad)
{
    *bad = NULL;
    if (q->error) return q->error;
    for (size_t i = 0; i < q->n; i++) {
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++) ok = !strcmp(*a, q->k[i]);
        if (!ok) { *bad = q->k[i]; return "unknown query parameter"; }
    }
    return NULL;
}

/* ================================================================ helpers */

static int fail(vg_buf *out, int status, const char *why, const char *param)
{
    vg_buf_clear(out);
    vg_buf_puts(out, "{\"error\":");
    vg_buf_json_str(out, why);
    if (param) {
        vg_buf_puts(out, ",\"param\":");
        vg_buf_json_str(out, param);
    }
    vg_buf_putc(out, '}');
    return status;
}

static int db_error(vg_buf *out, sqlite3 *db)
{
    fprintf(stderr, "vigil serve: database error: %s\n", sqlite3_errmsg(db));
    return fail(out, 500, "database error", NULL);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? (const char *)s : "";
}

static void json_col_str(vg_buf *out, sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL) vg_buf_puts(out, "null");
    else vg_buf_json_str(out, col_text(st, i));
}

static void json_col_num(vg_buf *out, sqlite3_stmt *st, int i)
{
    int t = sqlite3_column_type(st, i);
    if (t == SQLITE_NULL) vg_buf_puts(out, "null");
    else if (t == SQLITE_INTEGER) vg_buf_printf(out, "%lld", (long long)sqlite3_column_int64(st, i));
    else {
        double v = sqlite3_column_double(st, i);
        if (isfinite(v)) vg_buf_printf(out, "%.6g", v);
        else vg_buf_puts(out, "null");
    }
}

static bool parse_uint(const char *s, long lo, long hi, long *out)
{
    if (!*s || strlen(s) > 18) return false;
    long v = 0;
    for (const char *p = s; *p; p++) {
        if (!vg_isdigit((unsigned char)*p)) return false;
        v = v * 10 + (*p - '0');
    }
    if (v < lo || v > hi) return false;
    *out = v;
    return true;
}

static bool all_digits(const char *s, size_t lo, size_t hi)
{
    size_t n = strlen(s);
    if (n < lo || n > hi) return false;
    for (size_t i = 0; i < n; i++) if (!vg_isdigit((unsigned char)s[i])) return false;
    return true;
}

static bool all_upper(const char *s, size_t n)
{
    if (strlen(s) != n) return false;
    for (size_t i = 0; i < n; i++) if (!vg_isupper((unsigned char)s[i])) return false;
    return true;
}

/* A place name: printable, no control characters, 1..64 bytes. */
static bool place_ok(const char *s)
{
    size_t n = strlen(s);
    if (!n || n > 64) return false;
    for (size_t i = 0; i < n; i++) if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) return false;
    return true;
}

/* ================================================================ filters */

typedef struct bindv { bool is_int; int64_t i; char s[MAX_VALUE + 1]; } bindv;

typedef struct filter {
    const char *date_col;     /* "date", or "+date" to keep the date index out */
    bool selective;           /* has a filter other than dates */
    bool dated_index;         /* ids, root, code, country: a better index than the date */
    vg_buf where;             /* " AND ..." clauses */
    bindv b[24];
    int nb;
    long from, to;
} filter;

static void bind_s(filter *f, const char *s)
{
    f->b[f->nb].is_int = false;
    snprintf(f->b[f->nb++].s, sizeof f->b[0].s, "%s", s);
}

static void bind_i(filter *f, int64_t v)
{
    f->b[f->nb].is_int = true;
    f->b[f->nb++].i = v;
}

static void prefix_end(const char *p, char *out)
{
    size_t n = strlen(p);
    memcpy(out, p, n + 1);
    out[n - 1]++;
}

static void bind_prefix(filter *f, const char *p)
{
    char e[VG_ACTOR_MAX + 1];
    prefix_end(p, e);
    bind_s(f, p);
    bind_s(f, e);
}

static bool filter_dates(filter *f, const qargs *q, const char **bad)
{
    const char *v;
    f->from = LONG_MIN;
    f->to = LONG_MAX;
    if ((v = arg(q, "from")) && !vg_day_parse(v, &f->from)) { *bad = "from"; return false; }
    if ((v = arg(q, "to")) && !vg_day_parse(v, &f->to)) { *bad = "to"; return false; }
    return true;
}

/* ids=1,2,3 (an alert's drivers): validated numbers, written into the SQL
 * as integers; the primary key serves them. */
static bool ids_filter(filter *f, const char *v)
{
    vg_buf_puts(&f->where, " AND id IN (");
    int n = 0;
    for (const char *p = v;; n++) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char num[20];
        long id;
        if (n >= 100 || !len || len >= sizeof num) return false;
        memcpy(num, p, len);
        num[len] = '\0';
        if (!parse_uint(num, 0, LONG_MAX, &id)) return false;
        vg_buf_printf(&f->where, "%s%ld", n ? "," : "", id);
        if (!comma) break;
        p = comma + 1;
    }
    vg_buf_putc(&f->where, ')');
    f->dated_index = true;
    return true;
}

/* Parses the event filters of /api/events and /api/places into SQL.  On a bad
 * value returns false with *bad = the parameter and *why = the reason. */
static bool filter_parse(filter *f, const qargs *q, const char **bad, const char **why)
{
    const char *v;
    *why = "invalid value";
    if ((v = arg(q, "dyad"))) {
        vg_dyad d;
        if (!vg_dyad_parse(v, &d, why)) { *bad = "dyad"; return false; }
        vg_buf_puts(&f->where, " AND ((source >= ? AND source < ? AND target >= ? AND target < ?)"
                               " OR (source >= ? AND source < ? AND target >= ? AND target < ?))");
        bind_prefix(f, d.a); bind_prefix(f, d.b); bind_prefix(f, d.b); bind_prefix(f, d.a);
    }
    if ((v = arg(q, "ids")) && !ids_filter(f, v)) {
        *bad = "ids";
        *why = "ids must be 1-100 comma-separated event ids";
        return false;
    }
    if ((v = arg(q, "actor"))) {
        char a[VG_ACTOR_MAX + 1];
        if (!vg_actor_parse(v, a, why)) { *bad = "actor"; return false; }
        vg_buf_puts(&f->where, " AND ((source >= ? AND source < ?) OR (target >= ? AND target < ?))");
        bind_prefix(f, a); bind_prefix(f, a);
    }
    if ((v = arg(q, "code"))) {
        if (!all_digits(v, 2, 4)) { *bad = "code"; *why = "code must be 2-4 digits"; return false; }
        char root[3] = { v[0], v[1], '\0' };   /* the root lets events_root serve */
        vg_buf_puts(&f->where, " AND code = ? AND root = ?");
        bind_s(f, v);
        bind_s(f, root);
        f->dated_index = true;
    }
    if ((v = arg(q, "root"))) {
        long r;
        if (!all_digits(v, 2, 2) || !parse_uint(v, 1, 20, &r)) { *bad = "root"; *why = "root must be 01-20"; return false; }
        vg_buf_puts(&f->where, " AND root = ?");
        bind_s(f, v);
        f->dated_index = true;
    }
    if ((v = arg(q, "quad"))) {
        long r;
        if (!parse_uint(v, 1, 4, &r)) { *bad = "quad"; *why = "quad must be 1-4"; return false; }
        vg_buf_puts(&f->where, " AND quad = ?");
        bind_i(f, r);
    }
    if ((v = arg(q, "country"))) {
        if (!all_upper(v, 3)) { *bad = "country"; *why = "country must be ISO-3 (upper case)"; return false; }
        vg_buf_puts(&f->where, " AND place_country = ?");
        bind_s(f, v);
        f->dated_index = true;
    }
    if ((v = arg(q, "place"))) {
        if (!place_ok(v)) { *bad = "place"; return false; }
        vg_buf_puts(&f->where, " AND place_name = ? COLLATE NOCASE");
        bind_s(f, v);
    }
    f->selective = f->nb > 0 || f->dated_index;
    if (!filter_dates(f, q, bad)) { *why = "dates are YYYY-MM-DD"; return false; }
    const char *dc = f->date_col ? f->date_col : "date";
    char d[11];
    if (f->from != LONG_MIN) { vg_day_format(f->from, d); vg_buf_printf(&f->where, " AND %s >= ?", dc); bind_s(f, d); }
    if (f->to != LONG_MAX) { vg_day_format(f->to, d); vg_buf_printf(&f->where, " AND %s <= ?", dc); bind_s(f, d); }
    return true;
}

static void filter_bind(const filter *f, sqlite3_stmt *st, int first)
{
    for (int i = 0; i < f->nb; i++) {
        if (f->b[i].is_int) sqlite3_bind_int64(st, first + i, f->b[i].i);
        else sqlite3_bind_text(st, first + i, f->b[i].s, -1, SQLITE_STATIC);
    }
}

/* ================================================================ events */

#define EV_COLS "id, date, date_precision, source, target, source_country, target_country," \
    " code, root, quad, penta, goldstein, plover, place_name, place_adm1, place_country, lat," \
    " lon, place_precision, place_from_actor, place_raw, num_mentions, num_articles," \
    " num_sources, first_seen"

static void event_json(vg_buf *out, sqlite3_stmt *st)
{
    static const char *const str_names[] = { NULL, "date", "date_precision", "source", "target",
        "source_country", "target_country", "code", "root" };
    vg_buf_printf(out, "{\"id\":%lld", (long long)sqlite3_column_int64(st, 0));
    for (int i = 1; i <= 8; i++) {
        vg_buf_printf(out, ",\"%s\":", str_names[i]);
        json_col_str(out, st, i);
    }
    const vg_cameo *c = vg_cameo_get(col_text(st, 7));
    vg_buf_puts(out, ",\"code_name\":");
    vg_buf_json_str(out, c ? c->name : "");
    vg_buf_puts(out, ",\"quad\":");
    json_col_num(out, st, 9);
    vg_buf_puts(out, ",\"penta\":");
    json_col_num(out, st, 10);
    vg_buf_puts(out, ",\"goldstein\":");
    json_col_num(out, st, 11);
    vg_buf_puts(out, ",\"plover\":");
    json_col_str(out, st, 12);
    vg_buf_puts(out, ",\"place\":{\"name\":");
    json_col_str(out, st, 13);
    vg_buf_puts(out, ",\"adm1\":");
    json_col_str(out, st, 14);
    vg_buf_puts(out, ",\"country\":");
    json_col_str(out, st, 15);
    vg_buf_puts(out, ",\"lat\":");
    json_col_num(out, st, 16);
    vg_buf_puts(out, ",\"lon\":");
    json_col_num(out, st, 17);
    vg_buf_puts(out, ",\"precision\":");
    json_col_str(out, st, 18);
    vg_buf_printf(out, ",\"from_actor\":%s,\"raw\":", sqlite3_column_int(st, 19) ? "true" : "false");
    json_col_str(out, st, 20);
    vg_buf_printf(out, "},\"num_mentions\":%d,\"num_articles\":%d,\"num_sources\":%d,\"first_seen\":",
                  sqlite3_column_int(st, 21), sqlite3_column_int(st, 22), sqlite3_column_int(st, 23));
    json_col_str(out, st, 24);
    vg_buf_putc(out, '}');
}

static const char *const events_args[] = { "dyad", "actor", "code", "root", "quad", "country",
    "place", "ids", "from", "to", "limit", "cursor", NULL };

/* cursor = "YYYY-MM-DD.ID": the last row of the previous page. */
static bool cursor_parse(const char *v, char date[11], int64_t *id)
{
    long day, n;
    if (strlen(v) < 12 || v[10] != '.') return false;
    memcpy(date, v, 10);
    date[10] = '\0';
    if (!vg_day_parse(date, &day) || !parse_uint(v + 11, 0, LONG_MAX, &n)) return false;
    *id = n;
    return true;
}

static int budget_left(void *p)
{
    return --*(int *)p < 0;
}

/* Runs one plan of the events query into out; SQLITE_INTERRUPT when the
 * work budget (progress-handler calls, 0 = none) ran out. */
static int events_plan(sqlite3 *db, const qargs *q, const char *hint, const char *date_col,
                       long limit, int budget, vg_buf *out)
{
    filter f = { .date_col = date_col };
    const char *bad, *why, *v = arg(q, "cursor");
    filter_parse(&f, q, &bad, &why);          /* validated by the caller */
    if (v) {
        char date[11];
        int64_t id;
        cursor_parse(v, date, &id);
        vg_buf_printf(&f.where, " AND %s <= ? AND (date < ? OR (date = ? AND id < ?))", date_col);
        bind_s(&f, date); bind_s(&f, date); bind_s(&f, date); bind_i(&f, id);
    }
    vg_buf sql = {0};
    vg_buf_printf(&sql, "SELECT " EV_COLS " FROM events%s WHERE 1%s ORDER BY date DESC, id DESC LIMIT ?",
                  hint, f.where.s ? f.where.s : "");
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, sql.s, -1, &st, NULL);
    vg_buf_free(&sql);
    if (rc != SQLITE_OK) { vg_buf_free(&f.where); return rc; }
    filter_bind(&f, st, 1);
    sqlite3_bind_int64(st, f.nb + 1, limit + 1);
    if (budget) sqlite3_progress_handler(db, 1000, budget_left, &budget);
    vg_buf_puts(out, "{\"events\":[");
    long n = 0;
    char next[40] = "";
    bool more = false;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == limit) { more = true; rc = SQLITE_DONE; break; }
        if (n++) vg_buf_putc(out, ',');
        event_json(out, st);
        snprintf(next, sizeof next, "%.10s.%lld", col_text(st, 1), (long long)sqlite3_column_int64(st, 0));
    }
    sqlite3_progress_handler(db, 0, NULL, NULL);
    sqlite3_finalize(st);
    vg_buf_free(&f.where);
    if (rc != SQLITE_DONE) return rc;
    vg_buf_printf(out, "],\"limit\":%ld,\"next\":", limit);
    if (more) vg_buf_json_str(out, next);
    else vg_buf_puts(out, "null");
    vg_buf_putc(out, '}');
    return SQLITE_OK;
}

/* Newest first.  Root, code and country filters have (x, date) indexes
 * that deliver rows in order: the planner's plan is quick.  Dyad, actor,
 * place and quad filters do not: first walk the date index backwards,
 * which is quick when they match many events, under a work budget; when it
 * runs out (rare matches) the planner's plan (dyad/actor indexes, then a
 * sort of the matches, "+date" keeping the date index out) does the job. */
static int api_events(sqlite3 *db, const qargs *q, vg_buf *out)
{
    const char *bad = NULL, *why = qargs_check(q, events_args, &bad), *v;
    if (why) return fail(out, 400, why, bad);
    filter f = {0};
    long limit = 50;
    char date[11];
    int64_t id;
    int status = 0;
    if (!filter_parse(&f, q, &bad, &why)) status = fail(out, 400, why, bad);
    else if ((v = arg(q, "limit")) && !parse_uint(v, 1, MAX_LIMIT, &limit))
        status = fail(out, 400, "limit must be 1-500", "limit");
    else if ((v = arg(q, "cursor")) && !cursor_parse(v, date, &id))
        status = fail(out, 400, "bad cursor", "cursor");
    bool selective = f.selective && !f.dated_index;
    vg_buf_free(&f.where);
    if (status) return status;
    int rc = SQLITE_INTERRUPT;
    if (selective) {
        rc = events_plan(db, q, " INDEXED BY events_date", "date", limit, 40 + (int)limit / 2, out);
        if (rc != SQLITE_OK) vg_buf_clear(out);
    }
    if (rc != SQLITE_OK) rc = events_plan(db, q, "", selective ? "+date" : "date", limit, 0, out);
    return rc == SQLITE_OK ? 200 : db_error(out, db);
}

/* mentions.matched is JSON written by the store; embed it parsed and
 * re-serialised (compact), or as a string if it does not parse. */
static void matched_json(vg_buf *out, const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &e);
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    if (s) vg_buf_puts(out, s);
    else vg_buf_json_str(out, text);
    free(s);
    json_decref(j);
}

static bool mentions_json(sqlite3 *db, int64_t id, vg_buf *out)
{
    static const char sql[] =
        "SELECT m.id, m.article_id, a.date, a.source, a.url, a.title, m.sentence_no, s.text,"
        " m.source, m.target, m.code, m.date, m.date_expr, m.place_raw, m.matched"
        " FROM mentions m LEFT JOIN articles a ON a.id = m.article_id"
        " LEFT JOIN sentences s ON s.article_id = m.article_id AND s.sentence_no = m.sentence_no"
        " WHERE m.event_id = ? ORDER BY a.date, m.id LIMIT ?";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return false;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, MAX_MENTIONS);
    vg_buf_puts(out, ",\"mentions\":[");
    int n = 0, rc;
    static const char *const names[] = { "id", "date", "source", "url", "title" };
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        vg_buf_printf(out, "%s{\"id\":%lld,\"article\":{", n++ ? "," : "",
                      (long long)sqlite3_column_int64(st, 0));
        for (int i = 1; i <= 5; i++) {
            vg_buf_printf(out, "%s\"%s\":", i > 1 ? "," : "", names[i - 1]);
            json_col_str(out, st, i);
        }
        vg_buf_printf(out, "},\"sentence_no\":%d,\"sentence\":", sqlite3_column_int(st, 6));
        json_col_str(out, st, 7);
        static const char *const mn[] = { "source", "target", "code", "date", "date_expr", "place_raw" };
        for (int i = 0; i < 6; i++) {
            vg_buf_printf(out, ",\"%s\":", mn[i]);
            json_col_str(out, st, 8 + i);
        }
        vg_buf_puts(out, ",\"matched\":");
        matched_json(out, col_text(st, 14));
        vg_buf_putc(out, '}');
    }
    sqlite3_finalize(st);
    vg_buf_putc(out, ']');
    return rc == SQLITE_DONE;
}

static int api_event(sqlite3 *db, const char *idtext, const qargs *q, vg_buf *out)
{
    static const char *const none[] = { NULL };
    const char *bad, *why = qargs_check(q, none, &bad);
    long id;
    if (why) return fail(out, 400, why, bad);
    if (!parse_uint(idtext, 0, LONG_MAX, &id)) return fail(out, 400, "event id must be a number", "id");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT " EV_COLS " FROM events WHERE id = ?", -1, &st, NULL) != SQLITE_OK)
        return db_error(out, db);
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        return rc == SQLITE_DONE ? fail(out, 404, "no such event", NULL) : db_error(out, db);
    }
    vg_buf_puts(out, "{\"event\":");
    event_json(out, st);
    int nm = sqlite3_column_int(st, 21);
    sqlite3_finalize(st);
    if (!mentions_json(db, id, out)) return db_error(out, db);
    vg_buf_printf(out, ",\"mentions_total\":%d,\"mentions_limit\":%d}", nm, MAX_MENTIONS);
    return 200;
}

/* ================================================================ places */

static int api_places(sqlite3 *db, const qargs *q, vg_buf *out)
{
    const char *bad = NULL, *why = qargs_check(q, events_args, &bad), *v;
    if (why) return fail(out, 400, why, bad);
    if (arg(q, "cursor")) return fail(out, 400, "places take no cursor", "cursor");
    filter f = {0};
    long limit = 200;
    int status = 0;
    if (!filter_parse(&f, q, &bad, &why)) status = fail(out, 400, why, bad);
    else if ((v = arg(q, "limit")) && !parse_uint(v, 1, MAX_LIMIT, &limit))
        status = fail(out, 400, "limit must be 1-500", "limit");
    if (status) { vg_buf_free(&f.where); return status; }
    vg_buf sql = {0};
    vg_buf_printf(&sql, "SELECT place_name, place_country, round(lat, 3), round(lon, 3), count(*),"
                  " sum(quad >= 3), sum(quad = 4), min(goldstein), max(date), place_from_actor"
                  " FROM events WHERE lat IS NOT NULL AND lon IS NOT NULL%s GROUP BY 1, 2, 3, 4, 10"
                  " ORDER BY 5 DESC LIMIT ?", f.where.s ? f.where.s : "");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql.s, -1, &st, NULL) != SQLITE_OK) {
        vg_buf_free(&sql); vg_buf_free(&f.where);
        return db_error(out, db);
    }
    filter_bind(&f, st, 1);
    sqlite3_bind_int64(st, f.nb + 1, limit);
    vg_buf_puts(out, "{\"places\":[");
    int n = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        vg_buf_puts(out, n++ ? ",{\"name\":" : "{\"name\":");
        json_col_str(out, st, 0);
        vg_buf_puts(out, ",\"country\":");
        json_col_str(out, st, 1);
        static const char *const nn[] = { "lat", "lon", "events", "conflict", "material_conflict",
                                          "goldstein_min" };
        for (int i = 0; i < 6; i++) {
            vg_buf_printf(out, ",\"%s\":", nn[i]);
            json_col_num(out, st, 2 + i);
        }
        vg_buf_puts(out, ",\"last\":");
        json_col_str(out, st, 8);
        vg_buf_printf(out, ",\"from_actor\":%s}", sqlite3_column_int(st, 9) ? "true" : "false");
    }
    status = rc == SQLITE_DONE ? 200 : db_error(out, db);
    if (status == 200) vg_buf_puts(out, "]}");
    sqlite3_finalize(st);
    vg_buf_free(&sql);
    vg_buf_free(&f.where);
    return status;
}

/* ================================================================ cached */

static int api_series(vg_server *s, sqlite3 *db, const qargs *q, vg_buf *out)
{
    static const char *const allowed[] = { "dyad", "by", "from", "to", NULL };
    const char *bad = NULL, *why = qargs_check(q, allowed, &bad), *v;
    (void)s;
    if (why) return fail(out, 400, why, bad);
    vg_dyad d;
    vg_period by = VG_BY_WEEK;
    if (!(v = arg(q, "dyad"))) return fail(out, 400, "dyad is required", "dyad");
    if (!vg_dyad_parse(v, &d, &why)) return fail(out, 400, why, "dyad");
    if ((v = arg(q, "by")) && !vg_period_parse(v, &by))
        return fail(out, 400, "by must be day, week or month", "by");
    filter f = {0};
    if (!filter_dates(&f, q, &bad)) return fail(out, 400, "dates are YYYY-MM-DD", bad);
    if (f.from != LONG_MIN && f.to != LONG_MAX && f.to < f.from)
        return fail(out, 400, "to is before from", "to");
    vg_series ser;
    char err[256];
    if (!vg_watch_series(db, &d, by, f.from, f.to, MAX_PERIODS, &ser, err, sizeof err)) {
        vg_series_free(&ser);
        if (strstr(err, "periods")) return fail(out, 400, "too many periods (max 5000): narrow the range or use a longer period", "by");
        return db_error(out, db);
    }
    vg_series_json(&ser, out);
    vg_series_free(&ser);
    return 200;
}

static int api_alerts(vg_server *s, sqlite3 *db, const qargs *q, vg_buf *out)
{
    static const char *const allowed[] = { "since", "dyad", "limit", NULL };
    const char *bad, *why = qargs_check(q, allowed, &bad), *v;
    if (why) return fail(out, 400, why, bad);
    long since = LONG_MIN, limit = 100;
    vg_dyad d;
    bool have_dyad = false;
    if ((v = arg(q, "since")) && !vg_day_parse(v, &since)) return fail(out, 400, "dates are YYYY-MM-DD", "since");
    if ((v = arg(q, "dyad"))) {
        if (!vg_dyad_parse(v, &d, &why)) return fail(out, 400, why, "dyad");
        have_dyad = true;
    }
    if ((v = arg(q, "limit")) && !parse_uint(v, 1, MAX_LIMIT, &limit))
        return fail(out, 400, "limit must be 1-500", "limit");
    vg_alerts al = {0};
    char err[256];
    bool ok = have_dyad ? vg_watch_dyad_alerts(db, &s->o.params, &d, since, &al, err, sizeof err)
                        : vg_watch_scan(db, &s->o.params, since, &al, err, sizeof err);
    if (!ok) { vg_alerts_free(&al); return db_error(out, db); }
    vg_alerts_sort(&al);
    size_t total = al.n;
    if (al.n > (size_t)limit) {
        for (size_t i = (size_t)limit; i < al.n; i++) vg_vec_free(&al.v[i].drivers);
        al.n = (size_t)limit;
    }
    vg_buf_puts(out, "{\"alerts\":");
    vg_alerts_json(&al, out);
    const vg_watch_params *p = &s->o.params;
    vg_buf_printf(out, ",\"total\":%zu,\"params\":{\"baseline_days\":%d,\"guard_days\":%d,"
                  "\"min_history\":%d,\"k\":%g,\"h\":%g,\"sigma_min\":%g,\"material_weight\":%g,"
                  "\"min_events\":%d}}", total, p->baseline_days, p->guard_days, p->min_history,
                  p->k, p->h, p->sigma_min, p->material_weight, p->min_events);
    vg_alerts_free(&al);
    return 200;
}

typedef struct dyad_row {
    char a[4], b[4];
    long events, conflict, material, coop, gold_n;
    double gold_sum;
} dyad_row;

typedef VG_VEC(dyad_row) dyad_rows;

static int cmp_active(const void *x, const void *y)
{
    const dyad_row *a = x, *b = y;
    if (a->events != b->events) return a->events > b->events ? -1 : 1;
    return strcmp(a->a, b->a) ? strcmp(a->a, b->a) : strcmp(a->b, b->b);
}

static int cmp_hostile(const void *x, const void *y)
{
    const dyad_row *a = x, *b = y;
    if (a->conflict != b->conflict) return a->conflict > b->conflict ? -1 : 1;
    return cmp_active(x, y);
}

static void dyad_rows_json(vg_buf *out, const dyad_row *r, size_t n, long limit)
{
    vg_buf_putc(out, '[');
    for (size_t i = 0; i < n && i < (size_t)limit; i++) {
        double cci = r[i].events ? (double)(r[i].conflict - r[i].coop) / r[i].events : 0;
        vg_buf_printf(out, "%s{\"dyad\":\"%s-%s\",\"a\":\"%s\",\"b\":\"%s\",\"events\":%ld,"
                      "\"conflict\":%ld,\"material_conflict\":%ld,\"cooperation\":%ld,"
                      "\"goldstein_mean\":%.3f,\"cci\":%.3f}", i ? "," : "", r[i].a, r[i].b,
                      r[i].a, r[i].b, r[i].events, r[i].conflict, r[i].material, r[i].coop,
                      r[i].gold_n ? r[i].gold_sum / r[i].gold_n : 0.0, cci);
    }
    vg_buf_putc(out, ']');
}

/* Merges the rows of (a, b) and (b, a) into unordered pairs. */
static void dyad_add(dyad_rows *rows, vg_strmap *idx, sqlite3_stmt *st)
{
    char a[4], b[4], key[8];
    snprintf(a, sizeof a, "%s", col_text(st, 0));
    snprintf(b, sizeof b, "%s", col_text(st, 1));
    int c = strcmp(a, b);
    if (!c || !*a || !*b) return;
    snprintf(key, sizeof key, "%s-%s", c < 0 ? a : b, c < 0 ? b : a);
    int i = vg_strmap_get(idx, key);
    if (i < 0) {
        dyad_row r = {0};
        snprintf(r.a, sizeof r.a, "%s", c < 0 ? a : b);
        snprintf(r.b, sizeof r.b, "%s", c < 0 ? b : a);
        i = (int)rows->n;
        vg_vec_push(rows, r);
        vg_strmap_put(idx, key, i);
    }
    dyad_row *r = &rows->v[i];
    r->events += sqlite3_column_int64(st, 2);
    r->conflict += sqlite3_column_int64(st, 3);
    r->material += sqlite3_column_int64(st, 4);
    r->coop += sqlite3_column_int64(st, 5);
    r->gold_sum += sqlite3_column_double(st, 6);
    r->gold_n += sqlite3_column_int64(st, 7);
}

static int api_dyads(vg_server *s, sqlite3 *db, const qargs *q, vg_buf *out)
{
    static const char *const allowed[] = { "from", "to", "limit", NULL };
    const char *bad = NULL, *why = qargs_check(q, allowed, &bad), *v;
    (void)s;
    if (why) return fail(out, 400, why, bad);
    filter f = {0};
    long limit = 20;
    if (!filter_dates(&f, q, &bad)) return fail(out, 400, "dates are YYYY-MM-DD", bad);
    if ((v = arg(q, "limit")) && !parse_uint(v, 1, 100, &limit))
        return fail(out, 400, "limit must be 1-100", "limit");
    static const char sql[] =
        "SELECT substr(source, 1, 3), substr(target, 1, 3), count(*), sum(quad >= 3), sum(quad = 4),"
        " sum(quad <= 2), total(goldstein), count(goldstein) FROM events"
        " WHERE date >= ? AND date <= ? GROUP BY 1, 2";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return db_error(out, db);
    char fd[11] = "0000-00-00", td[11] = "9999-99-99";
    if (f.from != LONG_MIN) vg_day_format(f.from, fd);
    if (f.to != LONG_MAX) vg_day_format(f.to, td);
    sqlite3_bind_text(st, 1, fd, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, td, -1, SQLITE_STATIC);
    dyad_rows rows = {0};
    vg_strmap idx = {0};
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) dyad_add(&rows, &idx, st);
    sqlite3_finalize(st);
    vg_strmap_free(&idx);
    if (rc != SQLITE_DONE) { vg_vec_free(&rows); return db_error(out, db); }
    vg_buf_puts(out, "{\"active\":");
    if (rows.n) qsort(rows.v, rows.n, sizeof *rows.v, cmp_active);
    dyad_rows_json(out, rows.v, rows.n, limit);
    vg_buf_puts(out, ",\"hostile\":");
    if (rows.n) qsort(rows.v, rows.n, sizeof *rows.v, cmp_hostile);
    dyad_rows_json(out, rows.v, rows.n, limit);
    vg_buf_printf(out, ",\"pairs\":%zu}", rows.n);
    vg_vec_free(&rows);
    return 200;
}

static int api_meta(vg_server *s, sqlite3 *db, const qargs *q, vg_buf *out)
{
    static const char *const none[] = { NULL };
    const char *bad, *why = qargs_check(q, none, &bad);
    if (why) return fail(out, 400, why, bad);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT count(*), min(date), max(date) FROM events", -1, &st, NULL) != SQLITE_OK)
        return db_error(out, db);
    if (sqlite3_step(st) != SQLITE_ROW) { sqlite3_finalize(st); return db_error(out, db); }
    vg_buf_printf(out, "{\"version\":\"%s\",\"events\":%lld,\"first\":", VG_VERSION,
                  (long long)sqlite3_column_int64(st, 0));
    json_col_str(out, st, 1);
    vg_buf_puts(out, ",\"last\":");
    json_col_str(out, st, 2);
    sqlite3_finalize(st);
    vg_buf_printf(out, ",\"limits\":{\"page\":%d,\"periods\":%d,\"mentions\":%d},\"assets\":%s}",
                  MAX_LIMIT, MAX_PERIODS, MAX_MENTIONS, s->assets ? "true" : "false");
    return 200;
}

/* ================================================================ cache */

/* The cache generation: PRAGMA data_version changes on a connection when
 * another one (an ingest) has committed; each change seen bumps gen, which
 * invalidates every cached response. */
static int64_t store_gen(vg_server *s, int i)
{
    sqlite3_stmt *st;
    int64_t v = -1;
    if (sqlite3_prepare_v2(s->dbs[i], "PRAGMA data_version", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    pthread_mutex_lock(&s->cmu);
    if (v < 0 || v != s->data_version[i]) {
        s->data_version[i] = v;
        s->gen++;
    }
    int64_t g = s->gen;
    pthread_mutex_unlock(&s->cmu);
    return g;
}

static void cache_key(const char *path, const qargs *q, vg_buf *key)
{
    /* parameters sorted by name, so a=1&b=2 and b=2&a=1 share an entry */
    size_t ord[MAX_ARGS];
    for (size_t i = 0; i < q->n; i++) ord[i] = i;
    for (size_t i = 1; i < q->n; i++)
        for (size_t j = i; j > 0 && strcmp(q->k[ord[j - 1]], q->k[ord[j]]) > 0; j--) {
            size_t t = ord[j]; ord[j] = ord[j - 1]; ord[j - 1] = t;
        }
    vg_buf_puts(key, path);
    for (size_t i = 0; i < q->n; i++) vg_buf_printf(key, "\n%s=%s", q->k[ord[i]], q->v[ord[i]]);
}

static bool cache_get(vg_server *s, const char *key, int64_t gen, vg_buf *out, int *status)
{
    bool hit = false;
    double now = vg_now();
    pthread_mutex_lock(&s->cmu);
    for (int i = 0; i < CACHE_N; i++) {
        cache_ent *e = &s->cache[i];
        if (e->key && !strcmp(e->key, key) && e->gen == gen && now - e->t < s->o.cache_ttl) {
            vg_buf_putn(out, e->body, e->len);
            *status = e->status;
            e->used = ++s->tick;
            hit = true;
            break;
        }
    }
    pthread_mutex_unlock(&s->cmu);
    return hit;
}

static void cache_put(vg_server *s, const char *key, int64_t gen, const vg_buf *body, int status)
{
    pthread_mutex_lock(&s->cmu);
    cache_ent *victim = &s->cache[0];
    for (int i = 0; i < CACHE_N; i++) {
        cache_ent *e = &s->cache[i];
        if (e->key && !strcmp(e->key, key)) { victim = e; break; }
        if (!e->key || e->used < victim->used) victim = e;
    }
    free(victim->key);
    free(victim->body);
    victim->key = vg_strdup(key);
    victim->body = vg_strndup(body->s ? body->s : "", body->len);
    victim->len = body->len;
    victim->status = status;
    victim->gen = gen;
    victim->t = vg_now();
    victim->used = ++s->tick;
    pthread_mutex_unlock(&s->cmu);
}

/* ================================================================ routing */

static int db_acquire(vg_server *s)
{
    pthread_mutex_lock(&s->mu);
    for (;;) {
        for (int i = 0; i < s->ndb; i++)
            if (!s->busy[i]) {
                s->busy[i] = true;
                pthread_mutex_unlock(&s->mu);
                return i;
            }
        pthread_cond_wait(&s->cv, &s->mu);
    }
}

static void db_release(vg_server *s, int i)
{
    pthread_mutex_lock(&s->mu);
    s->busy[i] = false;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

static int api_route(vg_server *s, sqlite3 *db, const char *path, const qargs *q, vg_buf *out)
{
    if (!strcmp(path, "/api/events")) return api_events(db, q, out);
    if (!strncmp(path, "/api/events/", 12)) return api_event(db, path + 12, q, out);
    if (!strcmp(path, "/api/places")) return api_places(db, q, out);
    if (!strcmp(path, "/api/series")) return api_series(s, db, q, out);
    if (!strcmp(path, "/api/alerts")) return api_alerts(s, db, q, out);
    if (!strcmp(path, "/api/dyads")) return api_dyads(s, db, q, out);
    if (!strcmp(path, "/api/meta")) return api_meta(s, db, q, out);
    return fail(out, 404, "no such endpoint", NULL);
}

/* Every endpoint's answer is a function of the request and the store, so
 * successful ones are cached until the store changes (or cache_ttl). */
static int api_dispatch(vg_server *s, const char *path, const qargs *q, vg_buf *out)
{
    if (q->error) return fail(out, 400, q->error, NULL);
    vg_buf key = {0};
    cache_key(path, q, &key);
    int i = db_acquire(s), status;
    int64_t gen = store_gen(s, i);
    if (s->o.cache_ttl <= 0 || !cache_get(s, key.s, gen, out, &status)) {
        status = api_route(s, s->dbs[i], path, q, out);
        if (status == 200 && s->o.cache_ttl > 0 && out->len <= CACHE_MAX_BODY)
            cache_put(s, key.s, gen, out, status);
    }
    db_release(s, i);
    vg_buf_free(&key);
    return status;
}

int vg_server_api(vg_server *s, const char *path, const char *const *keys,
                  const char *const *vals, size_t n, vg_buf *body)
{
    qargs q = {0};
    for (size_t i = 0; i < n; i++)
        qargs_add(&q, keys[i], strlen(keys[i]), vals[i], vals[i] ? strlen(vals[i]) : 0);
    return api_dispatch(s, path, &q, body);
}

/* ================================================================ HTTP */

static void common_headers(struct MHD_Response *r)
{
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
}

static enum MHD_Result send_buf(struct MHD_Connection *c, int status, vg_buf *body, const char *type)
{
    if (!body->s) vg_buf_puts(body, "");
    struct MHD_Response *r = MHD_create_response_from_buffer(body->len, body->s, MHD_RESPMEM_MUST_FREE);
    body->s = NULL;
    body->len = body->cap = 0;
    if (!r) return MHD_NO;
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    if (status == 405) MHD_add_response_header(r, "Allow", "GET, HEAD");
    common_headers(r);
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *c, int status, const char *why)
{
    vg_buf b = {0};
    fail(&b, status, why, NULL);
    return send_buf(c, status, &b, "application/json; charset=utf-8");
}

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    qargs_add(cls, key, key_size, value, value_size);
    return MHD_YES;
}

static const char *mime_type(const char *path)
{
    static const char *const map[][2] = {
        { ".html", "text/html; charset=utf-8" }, { ".js", "text/javascript; charset=utf-8" },
        { ".css", "text/css; charset=utf-8" }, { ".json", "application/json" },
        { ".png", "image/png" }, { ".svg", "image/svg+xml" }, { ".ico", "image/x-icon" },
        { ".map", "application/json" }, { ".txt", "text/plain; charset=utf-8" },
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof map / sizeof *map; i++)
        if (!strcmp(dot, map[i][0])) return map[i][1];
    return "application/octet-stream";
}

/* A static path: "/" or segments of [A-Za-z0-9_.-], none starting with '.'
 * (so no "..", no hidden files), no empty segment, bounded length. */
static bool static_path_ok(const char *url)
{
    size_t n = strlen(url);
    if (n < 1 || n > MAX_PATH || url[0] != '/') return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)url[i];
        if (ch == '/') {
            if (i + 1 < n && (url[i + 1] == '/' || url[i + 1] == '.')) return false;
        } else if (!vg_isalnum(ch) && ch != '_' && ch != '-' && ch != '.') {
            return false;
        }
    }
    return true;
}

/* Opens url under the asset folder; -1 unless it resolves (symlinks
 * included) to a regular file inside it. */
static int open_asset(const vg_server *s, const char *url, off_t *size)
{
    char path[PATH_MAX], real[PATH_MAX];
    if (!strcmp(url, "/")) url = "/index.html";
    if (snprintf(path, sizeof path, "%s%s", s->assets, url) >= (int)sizeof path) return -1;
    if (!realpath(path, real)) return -1;
    size_t n = strlen(s->assets);
    if (strncmp(real, s->assets, n) || real[n] != '/') return -1;
    int fd = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return -1;
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > MAX_FILE) {
        close(fd);
        return -1;
    }
    *size = st.st_size;
    return fd;
}

static enum MHD_Result serve_static(vg_server *s, struct MHD_Connection *c, const char *url)
{
    if (!s->assets) return send_error(c, 404, "dashboard not installed (see --assets)");
    if (!static_path_ok(url)) return send_error(c, 400, "bad path");
    off_t size;
    int fd = open_asset(s, url, &size);
    if (fd < 0) return send_error(c, 404, "not found");
    struct MHD_Response *r = MHD_create_response_from_fd((uint64_t)size, fd);
    if (!r) { close(fd); return MHD_NO; }
    const char *type = mime_type(strcmp(url, "/") ? url : "/index.html");
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "Cache-Control", "no-cache");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; style-src 'self';"
                            " script-src 'self'; connect-src 'self'; object-src 'none';"
                            " frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    common_headers(r);
    enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

static int hex_val(char c)
{
    if (vg_isdigit((unsigned char)c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes %HH in place like MHD's default, except that %00 becomes 0x01, so
 * a NUL can never cut a path or value short ("/index.html%00.js"); the
 * path and parameter checks then reject the control character. */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    char *w = s;
    for (const char *r = s; *r; r++) {
        int hi, lo;
        if (*r == '%' && (hi = hex_val(r[1])) >= 0 && (lo = hex_val(r[2])) >= 0) {
            int v = hi * 16 + lo;
            *w++ = (char)(v ? v : 1);
            r += 2;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

/* DNS rebinding guard: on a loopback address, Host must name loopback. */
static bool host_ok(const vg_server *s, struct MHD_Connection *c)
{
    if (!s->loopback) return true;
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    if (!h) return true;
    static const char *const names[] = { "127.0.0.1", "localhost", "[::1]" };
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(names[i]);
        if (!strncmp(h, names[i], n) && (h[n] == '\0' || h[n] == ':')) return true;
    }
    return false;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
    vg_server *s = cls;
    static const int seen = 0;
    (void)version;
    (void)upload_data;
    if (*con_cls) {                 /* body of a request already answered: discard */
        *upload_data_size = 0;
        return MHD_YES;
    }
    *con_cls = (void *)&seen;
    if (strcmp(method, "GET") && strcmp(method, "HEAD"))
        return send_error(c, 405, "method not allowed (read-only API)");
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if ((cl && strcmp(cl, "0")) ||
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING))
        return send_error(c, 413, "request body not allowed");
    if (!host_ok(s, c)) return send_error(c, 403, "bad Host header");
    if (strlen(url) > MAX_PATH) return send_error(c, 414, "path too long");
    if (strncmp(url, "/api/", 5)) return serve_static(s, c, url);
    qargs q = {0};
    MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, collect_arg, &q);
    vg_buf body = {0};
    int status = api_dispatch(s, url, &q, &body);
    return send_buf(c, status, &body, "application/json; charset=utf-8");
}

/* ================================================================ lifecycle */

void vg_server_opts_default(vg_server_opts *o)
{
    *o = (vg_server_opts){ .db_path = "vigil.db", .bind = "127.0.0.1", .port = 8080,
                           .threads = 2, .max_conn = 1024, .per_ip = 48, .timeout = 10,
                           .mem_limit = 16384, .cache_ttl = 60 };
    vg_watch_params_default(&o->params);
}

static bool parse_bind(const char *addr, int port, struct sockaddr_storage *ss, bool *v6,
                       bool *loopback)
{
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, addr, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        *v6 = false;
        *loopback = (ntohl(a4->sin_addr.s_addr) >> 24) == 127;
        return true;
    }
    if (inet_pton(AF_INET6, addr, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        *v6 = true;
        *loopback = IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr);
        return true;
    }
    return false;
}

static bool open_pool(vg_server *s, char *err, size_t errsz)
{
    s->ndb = s->o.threads;
    s->dbs = vg_calloc((size_t)s->ndb, sizeof *s->dbs);
    s->busy = vg_calloc((size_t)s->ndb, sizeof *s->busy);
    s->data_version = vg_calloc((size_t)s->ndb, sizeof *s->data_version);
    for (int i = 0; i < s->ndb; i++)
        if (!(s->dbs[i] = vg_watch_open(s->o.db_path, err, errsz))) return false;
    return true;
}

static bool find_assets(vg_server *s, char *err, size_t errsz)
{
    if (!s->o.assets) return true;
    char real[PATH_MAX];
    struct stat st;
    if (!realpath(s->o.assets, real) || stat(real, &st) || !S_ISDIR(st.st_mode)) {
        snprintf(err, errsz, "%s: not a folder", s->o.assets);
        return false;
    }
    s->assets = vg_strdup(real);
    return true;
}

vg_server *vg_server_start(const vg_server_opts *o, char *err, size_t errsz)
{
    vg_server *s = vg_calloc(1, sizeof *s);
    s->o = *o;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    pthread_mutex_init(&s->cmu, NULL);
    struct sockaddr_storage ss;
    bool v6 = false;
    if (!parse_bind(o->bind, o->port, &ss, &v6, &s->loopback)) {
        snprintf(err, errsz, "bad bind address '%s' (an IPv4 or IPv6 literal)", o->bind);
        vg_server_stop(s);
        return NULL;
    }
    if (!find_assets(s, err, errsz) || !open_pool(s, err, errsz)) {
        vg_server_stop(s);
        return NULL;
    }
    unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | (v6 ? MHD_USE_IPv6 : 0);
    s->d = MHD_start_daemon(flags, (uint16_t)o->port, NULL, NULL, on_request, s,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                            MHD_OPTION_THREAD_POOL_SIZE, (unsigned)o->threads,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned)o->max_conn,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)o->per_ip,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)o->timeout,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, o->mem_limit,
                            MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
                            MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
                            MHD_OPTION_END);
    if (!s->d) {
        snprintf(err, errsz, "cannot listen on %s port %d: %s", o->bind, o->port, strerror(errno));
        vg_server_stop(s);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : o->port;
    return s;
}

int vg_server_port(const vg_server *s)
{
    return s->port;
}

void vg_server_stop(vg_server *s)
{
    if (!s) return;
    if (s->d) MHD_stop_daemon(s->d);
    for (int i = 0; i < s->ndb; i++) sqlite3_close(s->dbs[i]);
    free(s->dbs);
    free(s->busy);
    free(s->data_version);
    for (int i = 0; i < CACHE_N; i++) { free(s->cache[i].key); free(s->cache[i].body); }
    free(s->assets);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->cmu);
    free(s);
}
