/* api.c -- the server's JSON API (see server.h and docs/dashboard.md):
 * parameter checks, the handlers, a pool of read-only store connections and
 * the response cache.  No HTTP here: http.c brings the requests. */
#include "server.h"
#include "ontology.h"

#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "version.h"

#define MAX_KEY 32
#define MAX_VALUE 256
#define MAX_LIMIT 500        /* rows per page */
#define MAX_CSV_LIMIT 5000   /* rows per CSV page (default 500) */
#define MAX_PERIODS 5000     /* series periods per request */
#define MAX_MENTIONS 200     /* mentions listed by /api/events/{id} */
#define MAX_IDS 100          /* ids=... */
#define CACHE_N 64
#define CACHE_MAX_BODY (1 << 20)

typedef struct cache_ent {
    char *key, *body;
    size_t len;
    int status;
    vg_api_reply reply;
    int64_t gen;
    double t;
    uint64_t used;
} cache_ent;

struct vg_api {
    vg_server_opts o;
    bool assets;
    pthread_mutex_t mu;       /* guards the connection pool */
    pthread_cond_t cv;
    vg_store **dbs;
    bool *busy;
    int64_t *data_version;    /* per connection: the store's data version last seen */
    int ndb;
    pthread_mutex_t cmu;      /* guards the cache and gen */
    cache_ent cache[CACHE_N];
    uint64_t tick;
    int64_t gen;              /* bumped whenever a connection sees a new commit */
};

/* ================================================================ query args */

static const char *arg(const vg_api_args *q, const char *key)
{
    for (size_t i = 0; i < q->n; i++)
        if (!strcmp(q->k[i], key)) return q->v[i];
    return NULL;
}

void vg_api_args_add(vg_api_args *q, const char *k, size_t kn, const char *v, size_t vn)
{
    if (q->error) return;
    if (q->n >= VG_API_MAX_ARGS) { q->error = "too many query parameters"; return; }
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
static const char *args_check(const vg_api_args *q, const char *const *allowed, const char **bad)
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

static int db_error(const vg_api *a, vg_buf *out, vg_store *st)
{
    if (a->o.log) {
        char msg[800];
        snprintf(msg, sizeof msg, "database error: %s", vg_store_error(st));
        a->o.log(a->o.log_ctx, msg);
    }
    return fail(out, 500, "database error", NULL);
}

static const char *nz(const char *s) { return s ? s : ""; }

static void json_str(vg_buf *out, const char *v)
{
    if (!v) vg_buf_puts(out, "null");
    else vg_buf_json_str(out, v);
}

/* A number as the store gave it (text): integers as written, others with
 * six significant digits; null for NULL and what is not finite. */
static void json_num(vg_buf *out, const char *v)
{
    char *end;
    if (!v) { vg_buf_puts(out, "null"); return; }
    long long i = strtoll(v, &end, 10);
    if (*v && !*end) { vg_buf_printf(out, "%lld", i); return; }
    double d = strtod(v, &end);
    if (end != v && isfinite(d)) vg_buf_printf(out, "%.6g", d);
    else vg_buf_puts(out, "null");
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

/* The event filters of /api/events and /api/places, checked, with the
 * storage vg_event_filter points into. */
typedef struct filter {
    vg_event_filter f;
    vg_dyad dyad;
    char actor[VG_ACTOR_MAX + 1], code[5], root[3], method[12];
    int64_t ids[MAX_IDS];
    long from, to;            /* day numbers; LONG_MIN / LONG_MAX: open */
} filter;

static bool filter_dates(filter *f, const vg_api_args *q, const char **bad)
{
    const char *v;
    f->from = LONG_MIN;
    f->to = LONG_MAX;
    if ((v = arg(q, "from")) && !vg_day_parse(v, &f->from)) { *bad = "from"; return false; }
    if ((v = arg(q, "to")) && !vg_day_parse(v, &f->to)) { *bad = "to"; return false; }
    if (f->from != LONG_MIN) f->f.from = vg_date_of_days(f->from);
    if (f->to != LONG_MAX) f->f.to = vg_date_of_days(f->to);
    return true;
}

/* ids=1,2,3 (an alert's drivers): validated numbers; the primary key serves them. */
static bool ids_parse(filter *f, const char *v)
{
    size_t n = 0;
    for (const char *p = v;; n++) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char num[20];
        long id;
        if (n >= MAX_IDS || !len || len >= sizeof num) return false;
        memcpy(num, p, len);
        num[len] = '\0';
        if (!parse_uint(num, 0, LONG_MAX, &id)) return false;
        f->ids[n] = id;
        if (!comma) break;
        p = comma + 1;
    }
    f->f.ids = f->ids;
    f->f.nids = n + 1;
    return true;
}

/* On a bad value returns false with *bad = the parameter and *why = the reason. */
static bool filter_parse(filter *f, const vg_api_args *q, const char **bad, const char **why)
{
    const char *v;
    *why = "invalid value";
    if ((v = arg(q, "dyad"))) {
        if (!vg_dyad_parse(v, &f->dyad, why)) { *bad = "dyad"; return false; }
        f->f.a = f->dyad.a;
        f->f.b = f->dyad.b;
    }
    if ((v = arg(q, "ids")) && !ids_parse(f, v)) {
        *bad = "ids";
        *why = "ids must be 1-100 comma-separated event ids";
        return false;
    }
    if ((v = arg(q, "actor"))) {
        if (!vg_dyad_actor_parse(v, f->actor, why)) { *bad = "actor"; return false; }
        f->f.actor = f->actor;
    }
    if ((v = arg(q, "code"))) {
        if (!all_digits(v, 2, 4)) { *bad = "code"; *why = "code must be 2-4 digits"; return false; }
        snprintf(f->code, sizeof f->code, "%s", v);
        f->f.code = f->code;
    }
    if ((v = arg(q, "root"))) {
        long r;
        if (!all_digits(v, 2, 2) || !parse_uint(v, 1, 20, &r)) { *bad = "root"; *why = "root must be 01-20"; return false; }
        snprintf(f->root, sizeof f->root, "%s", v);
        f->f.root = f->root;
    }
    if ((v = arg(q, "quad"))) {
        long r;
        if (!parse_uint(v, 1, 4, &r)) { *bad = "quad"; *why = "quad must be 1-4"; return false; }
        f->f.quad = (int)r;
    }
    if ((v = arg(q, "country"))) {
        if (!all_upper(v, 3)) { *bad = "country"; *why = "country must be ISO-3 (upper case)"; return false; }
        f->f.country = v;
    }
    if ((v = arg(q, "place"))) {
        if (!place_ok(v)) { *bad = "place"; return false; }
        f->f.place = v;
    }
    if ((v = arg(q, "method"))) {
        if (strcmp(v, "dictionary") && strcmp(v, "model") && strcmp(v, "both")) {
            *bad = "method";
            *why = "method must be dictionary, model or both";
            return false;
        }
        snprintf(f->method, sizeof f->method, "%s", v);
        f->f.method = f->method;
    }
    if ((v = arg(q, "min_confidence"))) {
        char *end;
        double c = strtod(v, &end);
        if (!*v || *end || !(c >= 0 && c <= 1) || strlen(v) > 8) {
            *bad = "min_confidence";
            *why = "min_confidence must be a number from 0 to 1";
            return false;
        }
        f->f.min_confidence = c;
    }
    if (!filter_dates(f, q, bad)) { *why = "dates are YYYY-MM-DD"; return false; }
    return true;
}

/* ================================================================ events */

/* Stored JSON (matched, issues) embedded parsed and re-serialised
 * (compact), or as a string if it does not parse. */
static void stored_json(vg_buf *out, const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &e);
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ENCODE_ANY) : NULL;
    if (s) vg_buf_puts(out, s);
    else vg_buf_json_str(out, text);
    free(s);
    json_decref(j);
}

/* How an event or mention was coded: method, confidence, issues (the
 * three columns from v; null when the store did not record them). */
static void coding_json(vg_buf *out, const char *const *v)
{
    vg_buf_puts(out, ",\"method\":");
    json_str(out, v[0]);
    vg_buf_puts(out, ",\"confidence\":");
    if (v[1]) vg_buf_printf(out, "%.3f", strtod(v[1], NULL));
    else vg_buf_puts(out, "null");
    vg_buf_puts(out, ",\"issues\":");
    if (v[2]) stored_json(out, v[2]);
    else vg_buf_puts(out, "null");
}

/* One row of VG_EVENT_COLS as the API's event object. */
static void event_json(vg_buf *out, const char *const *v)
{
    static const char *const str_names[] = { NULL, "date", "date_precision", "source", "target",
        "source_country", "target_country", "code", "root" };
    vg_buf_printf(out, "{\"id\":%s", nz(v[0]));
    for (int i = 1; i <= 8; i++) {
        vg_buf_printf(out, ",\"%s\":", str_names[i]);
        json_str(out, v[i]);
    }
    const vg_cameo *c = vg_cameo_get(nz(v[7]));
    vg_buf_puts(out, ",\"code_name\":");
    vg_buf_json_str(out, c ? c->name : "");
    vg_buf_puts(out, ",\"quad\":");
    json_num(out, v[9]);
    vg_buf_puts(out, ",\"penta\":");
    json_num(out, v[10]);
    vg_buf_puts(out, ",\"goldstein\":");
    json_num(out, v[11]);
    vg_buf_puts(out, ",\"plover\":");
    json_str(out, v[12]);
    vg_buf_puts(out, ",\"place\":{\"name\":");
    json_str(out, v[13]);
    vg_buf_puts(out, ",\"adm1\":");
    json_str(out, v[14]);
    vg_buf_puts(out, ",\"country\":");
    json_str(out, v[15]);
    vg_buf_puts(out, ",\"lat\":");
    json_num(out, v[16]);
    vg_buf_puts(out, ",\"lon\":");
    json_num(out, v[17]);
    vg_buf_puts(out, ",\"precision\":");
    json_str(out, v[18]);
    vg_buf_printf(out, ",\"from_actor\":%s,\"raw\":", atoi(nz(v[19])) ? "true" : "false");
    json_str(out, v[20]);
    vg_buf_printf(out, "},\"num_mentions\":%d,\"num_articles\":%d,\"num_sources\":%d,\"first_seen\":",
                  atoi(nz(v[21])), atoi(nz(v[22])), atoi(nz(v[23])));
    json_str(out, v[24]);
    coding_json(out, v + 25);
    vg_buf_putc(out, '}');
}

static const char *const events_args[] = { "dyad", "actor", "code", "root", "quad", "country",
    "place", "ids", "from", "to", "method", "min_confidence", "limit", "cursor", "format", NULL };

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

/* ---- CSV (format=csv) ---- */

static void csv_field(vg_buf *out, const char *s, bool first)
{
    if (!first) vg_buf_putc(out, ',');
    if (!s) return;
    if (!strpbrk(s, ",\"\r\n")) { vg_buf_puts(out, s); return; }
    vg_buf_putc(out, '"');
    for (; *s; s++) {
        if (*s == '"') vg_buf_putc(out, '"');
        vg_buf_putc(out, *s);
    }
    vg_buf_putc(out, '"');
}

static const char csv_header[] = "id,date,date_precision,source,target,source_country,"
    "target_country,code,root,code_name,quad,penta,goldstein,plover,place_name,place_adm1,"
    "place_country,lat,lon,place_precision,place_from_actor,place_raw,num_mentions,"
    "num_articles,num_sources,first_seen,method,confidence,issues\r\n";

/* One row of VG_EVENT_COLS as CSV (RFC 4180, CRLF): the columns of the JSON
 * event, the place flattened, issues as "CODE,n;CODE,n" (docs/export.md). */
static void event_csv(vg_buf *out, const char *const *v)
{
    for (int i = 0; i <= 8; i++) csv_field(out, v[i], i == 0);
    const vg_cameo *c = vg_cameo_get(nz(v[7]));
    csv_field(out, c ? c->name : NULL, false);
    for (int i = 9; i <= 25; i++) {
        char num[32];
        const char *x = v[i];
        if (x && (i == 11 || i == 16 || i == 17)) {       /* goldstein, lat, lon */
            snprintf(num, sizeof num, i == 11 ? "%.1f" : "%.5f", strtod(x, NULL));
            x = num;
        }
        csv_field(out, x, false);
    }
    char conf[16];
    if (v[26]) snprintf(conf, sizeof conf, "%.3f", strtod(v[26], NULL));
    csv_field(out, v[26] ? conf : NULL, false);
    vg_buf is = {0};
    json_t *j = v[27] ? json_loads(v[27], 0, NULL) : NULL;
    for (size_t i = 0; json_is_array(j) && i < json_array_size(j); i++) {
        json_t *o = json_array_get(j, i), *code = json_object_get(o, "code");
        json_t *n = json_object_get(o, "count");
        if (!json_is_string(code)) continue;
        vg_buf_printf(&is, "%s%s,%lld", is.len ? ";" : "", json_string_value(code),
                      json_is_integer(n) ? (long long)json_integer_value(n) : 1);
    }
    json_decref(j);
    csv_field(out, is.s, false);
    vg_buf_free(&is);
    vg_buf_puts(out, "\r\n");
}

typedef struct page {
    vg_buf *out;
    long n, limit;
    bool more, csv;
    char next[40];
} page;

static bool page_row(void *ctx, int nc, const char *const *v)
{
    page *p = ctx;
    if (nc != VG_EVENT_NCOLS) return false;
    if (p->n == p->limit) { p->more = true; return false; }
    if (p->csv) event_csv(p->out, v);
    else {
        if (p->n) vg_buf_putc(p->out, ',');
        event_json(p->out, v);
    }
    p->n++;
    snprintf(p->next, sizeof p->next, "%.10s.%s", nz(v[1]), nz(v[0]));
    return true;
}

/* Newest first, a page at a time (the store picks the plan); JSON, or CSV
 * with format=csv (its next cursor in r->next, a header for http.c). */
static int api_events(vg_api *a, vg_store *st, const vg_api_args *q, vg_buf *out,
                      vg_api_reply *r)
{
    const char *bad = NULL, *why = args_check(q, events_args, &bad), *v;
    if (why) return fail(out, 400, why, bad);
    filter f;
    memset(&f, 0, sizeof f);
    bool csv = false;
    if ((v = arg(q, "format"))) {
        if (strcmp(v, "json") && strcmp(v, "csv"))
            return fail(out, 400, "format must be json or csv", "format");
        csv = !strcmp(v, "csv");
    }
    long limit = csv ? 500 : 50;
    char date[11];
    int64_t id = 0;
    if (!filter_parse(&f, q, &bad, &why)) return fail(out, 400, why, bad);
    if ((v = arg(q, "limit")) && !parse_uint(v, 1, csv ? MAX_CSV_LIMIT : MAX_LIMIT, &limit))
        return fail(out, 400, csv ? "limit must be 1-5000 (csv)" : "limit must be 1-500", "limit");
    if ((v = arg(q, "cursor")) && !cursor_parse(v, date, &id))
        return fail(out, 400, "bad cursor", "cursor");
    vg_event_query eq = { .f = f.f, .cols = VG_COLS_EVENT, .order = VG_ORDER_NEWEST,
                          .limit = limit + 1 };
    if (v) {
        vg_date_parse(date, true, &eq.before_date);
        eq.before_id = id;
    }
    page p = { out, 0, limit, false, csv, "" };
    if (csv) {
        vg_buf_puts(out, csv_header);
        if (!vg_store_read_events(st, &eq, page_row, &p)) return db_error(a, out, st);
        r->type = "text/csv; charset=utf-8";
        r->attachment = true;
        if (p.more) snprintf(r->next, sizeof r->next, "%s", p.next);
        return 200;
    }
    vg_buf_puts(out, "{\"events\":[");
    if (!vg_store_read_events(st, &eq, page_row, &p)) return db_error(a, out, st);
    vg_buf_printf(out, "],\"limit\":%ld,\"next\":", limit);
    if (p.more) vg_buf_json_str(out, p.next);
    else vg_buf_puts(out, "null");
    vg_buf_putc(out, '}');
    return 200;
}

typedef struct mention_list {
    vg_buf *out;
    int n;
} mention_list;

/* One row of VG_MENTION_COLS. */
static bool mention_row(void *ctx, int nc, const char *const *v)
{
    static const char *const names[] = { "id", "date", "source", "url", "title" };
    static const char *const mn[] = { "source", "target", "code", "date", "date_expr", "place_raw" };
    mention_list *m = ctx;
    if (nc != VG_MENTION_NCOLS) return false;
    vg_buf_printf(m->out, "%s{\"id\":%s,\"article\":{", m->n++ ? "," : "", nz(v[0]));
    for (int i = 1; i <= 5; i++) {
        vg_buf_printf(m->out, "%s\"%s\":", i > 1 ? "," : "", names[i - 1]);
        json_str(m->out, v[i]);
    }
    vg_buf_printf(m->out, "},\"sentence_no\":%d,\"sentence\":", atoi(nz(v[6])));
    json_str(m->out, v[7]);
    for (int i = 0; i < 6; i++) {
        vg_buf_printf(m->out, ",\"%s\":", mn[i]);
        json_str(m->out, v[8 + i]);
    }
    vg_buf_puts(m->out, ",\"matched\":");
    stored_json(m->out, nz(v[14]));
    coding_json(m->out, v + 15);
    vg_buf_putc(m->out, '}');
    return true;
}

typedef struct one_event {
    vg_buf *out;
    bool found;
    int mentions;
} one_event;

static bool event_row(void *ctx, int nc, const char *const *v)
{
    one_event *x = ctx;
    if (nc != VG_EVENT_NCOLS) return false;
    vg_buf_puts(x->out, "{\"event\":");
    event_json(x->out, v);
    x->found = true;
    x->mentions = atoi(nz(v[21]));
    return false;
}

static int api_event(vg_api *a, vg_store *st, const char *idtext, const vg_api_args *q,
                     vg_buf *out)
{
    static const char *const none[] = { NULL };
    const char *bad, *why = args_check(q, none, &bad);
    long id;
    if (why) return fail(out, 400, why, bad);
    if (!parse_uint(idtext, 0, LONG_MAX, &id)) return fail(out, 400, "event id must be a number", "id");
    int64_t id64 = id;
    vg_event_query eq = { .cols = VG_COLS_EVENT };
    eq.f.ids = &id64;
    eq.f.nids = 1;
    one_event x = { out, false, 0 };
    if (!vg_store_read_events(st, &eq, event_row, &x)) return db_error(a, out, st);
    if (!x.found) return fail(out, 404, "no such event", NULL);
    vg_buf_puts(out, ",\"mentions\":[");
    mention_list m = { out, 0 };
    if (!vg_store_read_mentions(st, id64, MAX_MENTIONS, mention_row, &m)) return db_error(a, out, st);
    vg_buf_putc(out, ']');
    vg_buf_printf(out, ",\"mentions_total\":%d,\"mentions_limit\":%d}", x.mentions, MAX_MENTIONS);
    return 200;
}

/* ================================================================ places */

typedef struct place_list {
    vg_buf *out;
    int n;
} place_list;

static bool place_row(void *ctx, int nc, const char *const *v)
{
    static const char *const nn[] = { "lat", "lon", "events", "conflict", "material_conflict",
                                      "goldstein_min" };
    place_list *p = ctx;
    if (nc != 10) return false;
    vg_buf_puts(p->out, p->n++ ? ",{\"name\":" : "{\"name\":");
    json_str(p->out, v[0]);
    vg_buf_puts(p->out, ",\"country\":");
    json_str(p->out, v[1]);
    for (int i = 0; i < 6; i++) {
        vg_buf_printf(p->out, ",\"%s\":", nn[i]);
        json_num(p->out, v[2 + i]);
    }
    vg_buf_puts(p->out, ",\"last\":");
    json_str(p->out, v[8]);
    vg_buf_printf(p->out, ",\"from_actor\":%s}", atoi(nz(v[9])) ? "true" : "false");
    return true;
}

static int api_places(vg_api *a, vg_store *st, const vg_api_args *q, vg_buf *out)
{
    const char *bad = NULL, *why = args_check(q, events_args, &bad), *v;
    if (why) return fail(out, 400, why, bad);
    if (arg(q, "cursor")) return fail(out, 400, "places take no cursor", "cursor");
    filter f;
    memset(&f, 0, sizeof f);
    long limit = 200;
    if (!filter_parse(&f, q, &bad, &why)) return fail(out, 400, why, bad);
    if ((v = arg(q, "limit")) && !parse_uint(v, 1, MAX_LIMIT, &limit))
        return fail(out, 400, "limit must be 1-500", "limit");
    vg_buf_puts(out, "{\"places\":[");
    place_list p = { out, 0 };
    if (!vg_store_read_places(st, &f.f, limit, place_row, &p)) return db_error(a, out, st);
    vg_buf_puts(out, "]}");
    return 200;
}

/* ================================================================ watch */

static int api_series(vg_api *a, vg_store *st, const vg_api_args *q, vg_buf *out)
{
    static const char *const allowed[] = { "dyad", "by", "from", "to", NULL };
    const char *bad = NULL, *why = args_check(q, allowed, &bad), *v;
    if (why) return fail(out, 400, why, bad);
    vg_dyad d;
    vg_period by = VG_BY_WEEK;
    if (!(v = arg(q, "dyad"))) return fail(out, 400, "dyad is required", "dyad");
    if (!vg_dyad_parse(v, &d, &why)) return fail(out, 400, why, "dyad");
    if ((v = arg(q, "by")) && !vg_period_parse(v, &by))
        return fail(out, 400, "by must be day, week or month", "by");
    filter f;
    memset(&f, 0, sizeof f);
    if (!filter_dates(&f, q, &bad)) return fail(out, 400, "dates are YYYY-MM-DD", bad);
    if (f.from != LONG_MIN && f.to != LONG_MAX && f.to < f.from)
        return fail(out, 400, "to is before from", "to");
    vg_watch_series ser;
    char err[256];
    if (!vg_watch_load_series(st, &d, by, f.from, f.to, MAX_PERIODS, &ser, err, sizeof err)) {
        vg_watch_series_free(&ser);
        if (strstr(err, "periods")) return fail(out, 400, "too many periods (max 5000): narrow the range or use a longer period", "by");
        return db_error(a, out, st);
    }
    vg_watch_series_json(&ser, out);
    vg_watch_series_free(&ser);
    return 200;
}

static int api_alerts(vg_api *a, vg_store *st, const vg_api_args *q, vg_buf *out)
{
    static const char *const allowed[] = { "since", "dyad", "limit", NULL };
    const char *bad, *why = args_check(q, allowed, &bad), *v;
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
    vg_watch_alerts al = {0};
    char err[256];
    const vg_watch_params *p = &a->o.params;
    bool ok = have_dyad ? vg_watch_dyad_alerts(st, p, &d, since, &al, err, sizeof err)
                        : vg_watch_scan(st, p, since, &al, err, sizeof err);
    if (!ok) { vg_watch_alerts_free(&al); return db_error(a, out, st); }
    vg_watch_alerts_sort(&al);
    size_t total = al.n;
    if (al.n > (size_t)limit) {
        for (size_t i = (size_t)limit; i < al.n; i++) vg_vec_free(&al.v[i].drivers);
        al.n = (size_t)limit;
    }
    vg_buf_puts(out, "{\"alerts\":");
    vg_watch_alerts_json(&al, out);
    vg_buf_printf(out, ",\"total\":%zu,\"params\":{\"baseline_days\":%d,\"guard_days\":%d,"
                  "\"min_history\":%d,\"k\":%g,\"h\":%g,\"sigma_min\":%g,\"material_weight\":%g,"
                  "\"min_events\":%d}}", total, p->baseline_days, p->guard_days, p->min_history,
                  p->k, p->h, p->sigma_min, p->material_weight, p->min_events);
    vg_watch_alerts_free(&al);
    return 200;
}

/* ================================================================ dyads */

static int cmp_active(const void *x, const void *y)
{
    const vg_dyad_count *a = x, *b = y;
    if (a->events != b->events) return a->events > b->events ? -1 : 1;
    int c = strcmp(a->d.a, b->d.a);
    return c ? c : strcmp(a->d.b, b->d.b);
}

static int cmp_hostile(const void *x, const void *y)
{
    const vg_dyad_count *a = x, *b = y;
    if (a->conflict != b->conflict) return a->conflict > b->conflict ? -1 : 1;
    return cmp_active(x, y);
}

/* Each dyad is a pair of actor groups (vg_actor_group): a country, or an
 * international organisation as itself (NATO, the UN, the EU), with the
 * groups' names for the picker. */
static void dyad_rows_json(vg_buf *out, const vg_dyad_count *r, size_t n, long limit)
{
    vg_buf_putc(out, '[');
    for (size_t i = 0; i < n && i < (size_t)limit; i++) {
        double cci = r[i].events ? (double)(r[i].conflict - r[i].coop) / r[i].events : 0;
        char dy[2 * VG_ACTOR_MAX + 2];
        vg_dyad_format(&r[i].d, dy, sizeof dy);
        vg_buf_puts(out, i ? ",{\"dyad\":" : "{\"dyad\":");
        json_str(out, dy);
        vg_buf_puts(out, ",\"a\":");
        json_str(out, r[i].d.a);
        vg_buf_puts(out, ",\"b\":");
        json_str(out, r[i].d.b);
        vg_buf_puts(out, ",\"a_name\":");
        json_str(out, vg_actor_group_name(r[i].d.a));
        vg_buf_puts(out, ",\"b_name\":");
        json_str(out, vg_actor_group_name(r[i].d.b));
        vg_buf_printf(out, ",\"events\":%ld,\"conflict\":%ld,\"material_conflict\":%ld,"
                      "\"cooperation\":%ld,\"goldstein_mean\":%.3f,\"cci\":%.3f}",
                      r[i].events, r[i].conflict, r[i].material, r[i].coop,
                      r[i].gold_n ? r[i].gold_sum / r[i].gold_n : 0.0, cci);
    }
    vg_buf_putc(out, ']');
}

static int api_dyads(vg_api *a, vg_store *st, const vg_api_args *q, vg_buf *out)
{
    static const char *const allowed[] = { "from", "to", "limit", "unknown", NULL };
    const char *bad = NULL, *why = args_check(q, allowed, &bad), *v;
    if (why) return fail(out, 400, why, bad);
    filter f;
    memset(&f, 0, sizeof f);
    long limit = 20;
    bool unknown = false;
    if (!filter_dates(&f, q, &bad)) return fail(out, 400, "dates are YYYY-MM-DD", bad);
    if ((v = arg(q, "limit")) && !parse_uint(v, 1, 100, &limit))
        return fail(out, 400, "limit must be 1-100", "limit");
    if ((v = arg(q, "unknown"))) {
        if (strcmp(v, "0") && strcmp(v, "1")) return fail(out, 400, "unknown must be 0 or 1", "unknown");
        unknown = !strcmp(v, "1");
    }
    vg_dyad_counts rows = {0};
    char err[256];
    if (!vg_watch_dyad_counts(st, f.f.from, f.f.to, unknown, &rows, err, sizeof err)) {
        vg_vec_free(&rows);
        return db_error(a, out, st);
    }
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

static int api_meta(vg_api *a, vg_store *st, const vg_api_args *q, vg_buf *out)
{
    static const char *const none[] = { NULL };
    const char *bad, *why = args_check(q, none, &bad);
    if (why) return fail(out, 400, why, bad);
    long long n;
    char first[11], last[11];
    if (!vg_store_summary(st, &n, first, last)) return db_error(a, out, st);
    vg_buf_printf(out, "{\"version\":\"%s\",\"events\":%lld,\"first\":", VG_LIB_VERSION, n);
    json_str(out, first[0] ? first : NULL);
    vg_buf_puts(out, ",\"last\":");
    json_str(out, last[0] ? last : NULL);
    vg_buf_printf(out, ",\"limits\":{\"page\":%d,\"periods\":%d,\"mentions\":%d},\"assets\":%s}",
                  MAX_LIMIT, MAX_PERIODS, MAX_MENTIONS, a->assets ? "true" : "false");
    return 200;
}

/* ================================================================ cache */

/* The cache generation: the store's data version changes on a connection
 * when another one (an ingest) has committed; each change seen bumps gen,
 * which invalidates every cached response.  Each connection's version is
 * first read when it opens (vg_api_new), so that a connection's first
 * request does not pass for a change: that used to empty the cache when a
 * second connection first served, and on a large store every client then
 * waited for the same slow answer to be computed again. */
static int64_t store_gen(vg_api *a, int i)
{
    int64_t v = -1;
    if (!vg_store_data_version(a->dbs[i], &v)) v = -1;
    pthread_mutex_lock(&a->cmu);
    if (v < 0 || v != a->data_version[i]) {
        a->data_version[i] = v;
        a->gen++;
    }
    int64_t g = a->gen;
    pthread_mutex_unlock(&a->cmu);
    return g;
}

static void cache_key(const char *path, const vg_api_args *q, vg_buf *key)
{
    /* parameters sorted by name, so a=1&b=2 and b=2&a=1 share an entry */
    size_t ord[VG_API_MAX_ARGS];
    for (size_t i = 0; i < q->n; i++) ord[i] = i;
    for (size_t i = 1; i < q->n; i++)
        for (size_t j = i; j > 0 && strcmp(q->k[ord[j - 1]], q->k[ord[j]]) > 0; j--) {
            size_t t = ord[j]; ord[j] = ord[j - 1]; ord[j - 1] = t;
        }
    vg_buf_puts(key, path);
    for (size_t i = 0; i < q->n; i++) vg_buf_printf(key, "\n%s=%s", q->k[ord[i]], q->v[ord[i]]);
}

static bool cache_get(vg_api *a, const char *key, int64_t gen, vg_buf *out, int *status,
                      vg_api_reply *r)
{
    bool hit = false;
    double now = vg_now();
    pthread_mutex_lock(&a->cmu);
    for (int i = 0; i < CACHE_N; i++) {
        cache_ent *e = &a->cache[i];
        if (e->key && !strcmp(e->key, key) && e->gen == gen && now - e->t < a->o.cache_ttl) {
            vg_buf_putn(out, e->body, e->len);
            *status = e->status;
            *r = e->reply;
            r->cached = true;
            e->used = ++a->tick;
            hit = true;
            break;
        }
    }
    pthread_mutex_unlock(&a->cmu);
    return hit;
}

static void cache_put(vg_api *a, const char *key, int64_t gen, const vg_buf *body, int status,
                      const vg_api_reply *r)
{
    pthread_mutex_lock(&a->cmu);
    cache_ent *victim = &a->cache[0];
    for (int i = 0; i < CACHE_N; i++) {
        cache_ent *e = &a->cache[i];
        if (e->key && !strcmp(e->key, key)) { victim = e; break; }
        if (!e->key || e->used < victim->used) victim = e;
    }
    free(victim->key);
    free(victim->body);
    victim->key = vg_strdup(key);
    victim->body = vg_strndup(body->s ? body->s : "", body->len);
    victim->len = body->len;
    victim->status = status;
    victim->reply = *r;
    victim->gen = gen;
    victim->t = vg_now();
    victim->used = ++a->tick;
    pthread_mutex_unlock(&a->cmu);
}

/* ================================================================ routing */

static int db_acquire(vg_api *a)
{
    pthread_mutex_lock(&a->mu);
    for (;;) {
        for (int i = 0; i < a->ndb; i++)
            if (!a->busy[i]) {
                a->busy[i] = true;
                pthread_mutex_unlock(&a->mu);
                return i;
            }
        pthread_cond_wait(&a->cv, &a->mu);
    }
}

static void db_release(vg_api *a, int i)
{
    pthread_mutex_lock(&a->mu);
    a->busy[i] = false;
    pthread_cond_signal(&a->cv);
    pthread_mutex_unlock(&a->mu);
}

static int route(vg_api *a, vg_store *st, const char *path, const vg_api_args *q, vg_buf *out,
                 vg_api_reply *r)
{
    if (!strcmp(path, "/api/events")) return api_events(a, st, q, out, r);
    if (!strncmp(path, "/api/events/", 12)) return api_event(a, st, path + 12, q, out);
    if (!strcmp(path, "/api/places")) return api_places(a, st, q, out);
    if (!strcmp(path, "/api/series")) return api_series(a, st, q, out);
    if (!strcmp(path, "/api/alerts")) return api_alerts(a, st, q, out);
    if (!strcmp(path, "/api/dyads")) return api_dyads(a, st, q, out);
    if (!strcmp(path, "/api/meta")) return api_meta(a, st, q, out);
    return fail(out, 404, "no such endpoint", NULL);
}

/* Every endpoint's answer is a function of the request and the store, so
 * successful ones are cached until the store changes (or cache_ttl). */
int vg_api_request(vg_api *a, const char *path, const vg_api_args *q, vg_buf *out,
                   vg_api_reply *r)
{
    vg_api_reply scratch;
    if (!r) r = &scratch;
    memset(r, 0, sizeof *r);
    r->type = "application/json; charset=utf-8";
    if (q->error) return fail(out, 400, q->error, NULL);
    vg_buf key = {0};
    cache_key(path, q, &key);
    int i = db_acquire(a), status;
    int64_t gen = store_gen(a, i);
    if (a->o.cache_ttl <= 0 || !cache_get(a, key.s, gen, out, &status, r)) {
        status = route(a, a->dbs[i], path, q, out, r);
        if (status != 200) {                 /* errors are JSON */
            r->type = "application/json; charset=utf-8";
            r->next[0] = '\0';
            r->attachment = false;
        }
        if (status == 200 && a->o.cache_ttl > 0 && out->len <= CACHE_MAX_BODY)
            cache_put(a, key.s, gen, out, status, r);
    }
    db_release(a, i);
    vg_buf_free(&key);
    return status;
}

/* ================================================================ lifecycle */

vg_api *vg_api_new(const vg_server_opts *o, bool has_assets, char *err, size_t errsz)
{
    vg_api *a = vg_calloc(1, sizeof *a);
    a->o = *o;
    a->assets = has_assets;
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->cv, NULL);
    pthread_mutex_init(&a->cmu, NULL);
    a->ndb = o->threads > 0 ? o->threads : 1;
    a->dbs = vg_calloc((size_t)a->ndb, sizeof *a->dbs);
    a->busy = vg_calloc((size_t)a->ndb, sizeof *a->busy);
    a->data_version = vg_calloc((size_t)a->ndb, sizeof *a->data_version);
    vg_store_opts so = { .read_only = true };
    for (int i = 0; i < a->ndb; i++) {
        a->dbs[i] = vg_store_new(o->db_path, &so);
        if (vg_store_error(a->dbs[i])[0]) {
            snprintf(err, errsz, "%s", vg_store_error(a->dbs[i]));
            vg_api_free(a);
            return NULL;
        }
        if (!vg_store_data_version(a->dbs[i], &a->data_version[i])) a->data_version[i] = -1;
    }
    return a;
}

void vg_api_free(vg_api *a)
{
    if (!a) return;
    for (int i = 0; i < a->ndb; i++) vg_store_free(a->dbs[i]);
    free(a->dbs);
    free(a->busy);
    free(a->data_version);
    for (int i = 0; i < CACHE_N; i++) { free(a->cache[i].key); free(a->cache[i].body); }
    pthread_mutex_destroy(&a->mu);
    pthread_cond_destroy(&a->cv);
    pthread_mutex_destroy(&a->cmu);
    free(a);
}

void vg_server_opts_default(vg_server_opts *o)
{
    *o = (vg_server_opts){ .db_path = "vigil.db", .bind = "127.0.0.1", .port = 8080,
                           .threads = 2, .max_conn = 1024, .per_ip = 48, .timeout = 10,
                           .mem_limit = 16384, .cache_ttl = 60 };
    vg_watch_params_default(&o->params);
}
