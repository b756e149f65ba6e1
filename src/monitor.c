/* monitor.c -- see monitor.h: the monitor's loop. */
#include "monitor.h"
#include "feed.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <time.h>

/* ================================================================ records */

typedef struct feed {
    vg_feed_state s;          /* as committed */
    bool listed;              /* in the feed list now */
    bool busy;                /* a fetch or its items under way */
    vg_strmap window;         /* item keys of its last document: known without a lookup */
} feed;

typedef struct feed_tag {
    vg_mon_tag tag;           /* VG_TAG_FEED */
    feed *f;
} feed_tag;

typedef struct pitem {
    vg_record rec;            /* id: the item key */
    char hash[33];            /* its digest */
    bool page;                /* its page is being fetched */
} pitem;

typedef struct skip_row {
    char *key;
    char digest[33];
    const char *status;
} skip_row;

/* One feed document's new items, on their way to the store. */
typedef struct batch {
    uint64_t serial;          /* which batch: a page's tag must find its own */
    feed *f;
    VG_VEC(pitem) items;
    VG_VEC(skip_row) skipped;
    vg_strmap keys;           /* every item key of the document: the feed's next window */
    size_t waiting;           /* pages not back yet */
    size_t doc_items, dropped;
    char etag[256], last_modified[128], warning[256];
    double seconds;           /* the fetch */
    size_t pages_ok;
} batch;

typedef struct page_tag {
    vg_mon_tag tag;           /* VG_TAG_PAGE */
    batch *b;
    uint64_t serial;
    size_t i;
} page_tag;

struct vg_monitor {
    vg_monitor_opts o;
    vg_ingest_opts io;        /* o.ingest, without a default date */
    vg_store *st;             /* NULL while reconnecting */
    vg_ingest_stream *stream;
    vg_fetch *fetch;
    vg_deliver *dl;
    vg_deliver_opts dopts;    /* what dl was made with */
    VG_VEC(feed *) feeds;
    vg_strmap feed_idx;       /* url -> index in feeds */
    VG_VEC(char *) sources;   /* the feed list's URLs (folders not expanded) */
    VG_VEC(char *) targets;   /* delivery targets */
    struct timespec list_mtime;
    off_t list_size;
    double next_rescan;
    VG_VEC(batch *) batches;  /* waiting for pages */
    int64_t watermark;        /* the last mention watched */
    bool detect_due;
    double next_detect;       /* at most one detection a second */
    double next_deliveries;
    double reconnect_at;
    int store_failures;
    uint64_t serial;          /* of the last batch */
    vg_diag diag;
    vg_monitor_stats stats;
};

/* ================================================================ logging */

static void logf_(vg_monitor *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void logf_(vg_monitor *m, const char *fmt, ...)
{
    if (!m->o.log) return;
    char line[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    m->o.log(m->o.ctx, line);
}

static void iso_now(char buf[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* "4m", "2h 30m" */
static void span(long s, char *buf, size_t n)
{
    if (s < 120) snprintf(buf, n, "%lds", s);
    else if (s < 7200) snprintf(buf, n, "%ldm", s / 60);
    else snprintf(buf, n, "%ldh %02ldm", s / 3600, s % 3600 / 60);
}

/* ================================================================ options */

void vg_monitor_opts_default(vg_monitor_opts *o)
{
    memset(o, 0, sizeof *o);
    o->every = 300;
    o->stdout_alerts = true;
    o->timeout_ms = 30000;
    o->max_bytes = (size_t)10 << 20;
    o->max_items = 10000;
    o->max_parallel = 16;
    o->max_backoff = 21600;
    o->retries = 10;
    o->retry_base = 5;
    o->exec_timeout = 60;
    o->future_days = 2;
    o->user_agent = "vigil-monitor";
    vg_watch_params_default(&o->params);
}

/* ================================================================ the store */

static void drop_batch(batch *b);

/* The store failed: it is closed and reopened later; what was not
 * committed is fetched again then. */
static void store_lost(vg_monitor *m, const char *what)
{
    if (!m->st) return;
    m->store_failures++;
    int wait = m->store_failures > 6 ? 60 : 1 << (m->store_failures - 1);
    logf_(m, "store: %s: %s; reconnecting in %ds (what was not committed is fetched again)",
          what, vg_store_error(m->st), wait);
    vg_ingest_stream_free(m->stream);
    m->stream = NULL;
    vg_store_free(m->st);
    m->st = NULL;
    m->reconnect_at = vg_now() + wait;
    for (size_t i = 0; i < m->batches.n; i++) {
        m->batches.v[i]->f->busy = false;
        drop_batch(m->batches.v[i]);
    }
    m->batches.n = 0;
}

static bool got_state(void *ctx, const vg_feed_state *f)
{
    vg_monitor *m = ctx;
    int i = vg_strmap_get(&m->feed_idx, f->url);
    if (i >= 0 && !m->feeds.v[i]->busy) m->feeds.v[i]->s = *f;
    return true;
}

static bool prime(vg_monitor *m, char *err, size_t errsz);

static bool open_store(vg_monitor *m, char *err, size_t errsz)
{
    vg_store *st = vg_store_new(m->o.db, &m->o.store);
    if (vg_store_error(st)[0] || !vg_store_monitor_init(st) || !vg_store_cache_limit(st, 16)) {
        snprintf(err, errsz, "%s", vg_store_error(st));
        vg_store_free(st);
        return false;
    }
    m->st = st;
    m->stream = vg_ingest_stream_new(st, &m->io);
    if (!vg_store_feeds_read(st, got_state, m) || !prime(m, err, errsz)) {
        if (!err[0]) snprintf(err, errsz, "%s", vg_store_error(st));
        vg_ingest_stream_free(m->stream);
        m->stream = NULL;
        vg_store_free(st);
        m->st = NULL;
        return false;
    }
    m->detect_due = true;
    m->next_deliveries = 0;
    return true;
}

/* Saves what changed about a feed (and items, if any) in one transaction. */
static bool save_feed(vg_monitor *m, const vg_feed_state *s, const vg_item_row *rows, size_t n)
{
    int64_t now = (int64_t)time(NULL);
    if (!vg_store_begin(m->st)) return false;
    if ((n && !vg_store_items_record(m->st, rows, n, now)) || !vg_store_feed_save(m->st, s)) {
        vg_store_rollback(m->st);
        return false;
    }
    return vg_store_commit(m->st);
}

/* ================================================================ the feed list */

static bool is_url(const char *s)
{
    return !strncmp(s, "http://", 7) || !strncmp(s, "https://", 8) || !strncmp(s, "file://", 7);
}

static feed *feed_add(vg_monitor *m, const char *url)
{
    int i = vg_strmap_get(&m->feed_idx, url);
    if (i >= 0) {
        m->feeds.v[i]->listed = true;
        return m->feeds.v[i];
    }
    feed *f = vg_calloc(1, sizeof *f);
    snprintf(f->s.url, sizeof f->s.url, "%s", url);
    f->listed = true;
    vg_vec_push(&m->feeds, f);
    vg_strmap_put(&m->feed_idx, url, (int)m->feeds.n - 1);
    return f;
}

static bool feed_file_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    return name[0] != '.' && dot &&
           (!strcmp(dot, ".xml") || !strcmp(dot, ".rss") || !strcmp(dot, ".atom") ||
            !strcmp(dot, ".rdf"));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A source: a URL, or a file:// folder whose feed files are each a feed. */
static void expand_source(vg_monitor *m, const char *url)
{
    vg_buf path = { 0 };
    struct stat sb;
    if (!vg_fetch_file_path(url, &path) || stat(path.s, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        feed_add(m, url);
        vg_buf_free(&path);
        return;
    }
    DIR *d = opendir(path.s);
    VG_VEC(char *) names = { 0 };
    struct dirent *de;
    while (d && (de = readdir(d)))
        if (feed_file_name(de->d_name)) vg_vec_push(&names, vg_strdup(de->d_name));
    if (d) closedir(d);
    if (names.n) qsort(names.v, names.n, sizeof *names.v, cmp_str);
    for (size_t i = 0; i < names.n; i++) {
        vg_buf u = { 0 };
        vg_buf_puts(&u, "file://");
        for (const char *p = path.s; *p; p++) {
            unsigned char c = (unsigned char)*p;
            if (c == '%' || c == ' ' || c == '#' || c == '?' || c < 0x20) vg_buf_printf(&u, "%%%02X", c);
            else vg_buf_putc(&u, (char)c);
        }
        if (!path.len || path.s[path.len - 1] != '/') vg_buf_putc(&u, '/');
        for (const char *p = names.v[i]; *p; p++) {
            unsigned char c = (unsigned char)*p;
            if (c == '%' || c == ' ' || c == '#' || c == '?' || c < 0x20) vg_buf_printf(&u, "%%%02X", c);
            else vg_buf_putc(&u, (char)c);
        }
        feed_add(m, u.s);
        vg_buf_free(&u);
        free(names.v[i]);
    }
    vg_vec_free(&names);
    vg_buf_free(&path);
}

static void expand_sources(vg_monitor *m)
{
    for (size_t i = 0; i < m->feeds.n; i++) m->feeds.v[i]->listed = false;
    for (size_t i = 0; i < m->sources.n; i++) expand_source(m, m->sources.v[i]);
    size_t n = 0;
    for (size_t i = 0; i < m->feeds.n; i++) n += m->feeds.v[i]->listed;
    m->stats.feeds = n;
}

/* Reads the feed list; false (err) when it cannot be read. */
static bool read_list(vg_monitor *m, char *err, size_t errsz)
{
    size_t len;
    char *text = vg_read_file(m->o.feeds_file, &len);
    if (!text) {
        snprintf(err, errsz, "%s: %s", m->o.feeds_file, strerror(errno));
        return false;
    }
    for (size_t i = 0; i < m->sources.n; i++) free(m->sources.v[i]);
    m->sources.n = 0;
    vg_lines ln;
    vg_lines_init(&ln, text, len);
    const char *s;
    size_t n;
    while (vg_lines_next(&ln, &s, &n)) {
        char *line = vg_strndup(s, n);
        for (char *h = line; *h; h++)
            if (*h == '#' && (h == line || vg_isspace((unsigned char)h[-1]))) { *h = '\0'; break; }
        vg_trim(line);
        if (!*line) { free(line); continue; }
        if (line[0] == '/') {
            char *u = vg_malloc(strlen(line) + 8);
            snprintf(u, strlen(line) + 8, "file://%s", line);
            free(line);
            line = u;
        }
        if (!is_url(line) || strlen(line) >= sizeof ((vg_feed_state *)0)->url) {
            logf_(m, "%s:%ld: not a feed URL (http://, https:// or file://), skipped: %.200s",
                  m->o.feeds_file, ln.lineno, line);
            free(line);
            continue;
        }
        vg_vec_push(&m->sources, line);
    }
    free(text);
    expand_sources(m);
    return true;
}

/* Re-reads the list when its file changed; folders are looked at again
 * every `every` seconds. */
static void refresh_list(vg_monitor *m)
{
    struct stat sb;
    if (stat(m->o.feeds_file, &sb) == 0 &&
        (sb.st_mtim.tv_sec != m->list_mtime.tv_sec || sb.st_mtim.tv_nsec != m->list_mtime.tv_nsec ||
         sb.st_size != m->list_size)) {
        m->list_mtime = sb.st_mtim;
        m->list_size = sb.st_size;
        char err[512];
        size_t before = m->stats.feeds;
        if (read_list(m, err, sizeof err))
            logf_(m, "feed list %s: %zu feeds (was %zu)", m->o.feeds_file, m->stats.feeds, before);
        else
            logf_(m, "feed list: %s (the feeds read before are kept)", err);
        m->next_rescan = vg_now() + m->o.every;
    } else if (vg_now() >= m->next_rescan) {
        expand_sources(m);
        m->next_rescan = vg_now() + m->o.every;
    }
}

/* ================================================================ fetching */

static void start_fetches(vg_monitor *m, int64_t now)
{
    for (size_t i = 0; i < m->feeds.n; i++) {
        feed *f = m->feeds.v[i];
        if (!f->listed || f->busy || f->s.next_fetch > now) continue;
        feed_tag *t = vg_calloc(1, sizeof *t);
        t->tag.kind = VG_TAG_FEED;
        t->f = f;
        vg_fetch_req r = { .url = f->s.url, .etag = f->s.etag, .last_modified = f->s.last_modified,
                           .timeout_ms = m->o.timeout_ms, .max_bytes = m->o.max_bytes, .tag = t };
        char err[256];
        if (!vg_fetch_add(m->fetch, &r, err, sizeof err)) {
            free(t);
            logf_(m, "feed %s: %s", f->s.url, err);
            f->s.next_fetch = now + m->o.max_backoff;
            continue;
        }
        f->busy = true;
        m->stats.fetches++;
    }
}

static void feed_failed(vg_monitor *m, feed *f, const char *status, const char *why,
                        long retry_after)
{
    int64_t now = (int64_t)time(NULL);
    vg_feed_state s = f->s;
    s.failures++;
    s.last_fetch = now;
    long delay = m->o.every;
    for (int k = 0; k < s.failures && delay < m->o.max_backoff; k++) delay *= 2;
    if (delay > m->o.max_backoff) delay = m->o.max_backoff;
    if (retry_after > delay) delay = retry_after;
    s.next_fetch = now + delay;
    snprintf(s.status, sizeof s.status, "%s", status);
    snprintf(s.error, sizeof s.error, "%s", why);
    m->stats.failures++;
    char next[32];
    span(delay, next, sizeof next);
    logf_(m, "feed %s: %s: %s; failure %d, next try in %s", f->s.url, status, why, s.failures,
          next);
    if (save_feed(m, &s, NULL, 0)) f->s = s;
    else {
        f->s.next_fetch = s.next_fetch;
        f->s.failures = s.failures;
        store_lost(m, "saving a feed");
    }
    f->busy = false;
}

static void drop_batch(batch *b)
{
    for (size_t i = 0; i < b->items.n; i++) vg_record_free(&b->items.v[i].rec);
    vg_vec_free(&b->items);
    for (size_t i = 0; i < b->skipped.n; i++) free(b->skipped.v[i].key);
    vg_vec_free(&b->skipped);
    vg_strmap_free(&b->keys);
    free(b);
}

/* The source name of a feed's articles: its title, else its host. */
static void source_name(const vg_feed *doc, const char *url, vg_buf *out)
{
    vg_buf_clear(out);
    if (doc->title && *doc->title) { vg_buf_puts(out, doc->title); return; }
    const char *h = strstr(url, "://");
    h = h ? h + 3 : url;
    size_t n = strcspn(h, "/?#");
    if (!n) vg_buf_puts(out, url);
    else vg_buf_putn(out, h, n);
}

static void item_text(const vg_feed_item *it, const char *body, vg_buf *out)
{
    vg_buf_clear(out);
    size_t tl = strlen(it->title);
    if (tl && strncmp(body, it->title, tl)) {
        vg_buf_puts(out, it->title);
        if (*body) vg_buf_puts(out, "\n\n");
    }
    vg_buf_puts(out, body);
}

static void add_skip(batch *b, const char *key, const char *digest, const char *status)
{
    skip_row r = { vg_strdup(key), "", status };
    snprintf(r.digest, sizeof r.digest, "%s", digest);
    vg_vec_push(&b->skipped, r);
}

static void finish_batch(vg_monitor *m, batch *b);

/* A candidate item of a document, before the store is asked about it. */
typedef struct cand {
    size_t i;                 /* in the document */
    char *key;
    char digest[33];
} cand;

static void new_items(vg_monitor *m, feed *f, const vg_feed *doc, batch *b)
{
    int64_t now = (int64_t)time(NULL);
    VG_VEC(cand) cs = { 0 };
    vg_buf key = { 0 }, src = { 0 }, txt = { 0 };
    source_name(doc, f->s.url, &src);
    for (size_t i = 0; i < doc->items.n; i++) {
        const vg_feed_item *it = &doc->items.v[i];
        m->stats.items_seen++;
        cand c = { i, NULL, "" };
        vg_feed_digest(it->title, it->text, c.digest);
        vg_feed_link_key(*it->link ? it->link : it->guid, &key);
        if (!key.len) vg_buf_printf(&key, "digest:%s", c.digest);
        if (vg_strmap_get(&b->keys, key.s) >= 0) continue;    /* twice in one document */
        vg_strmap_put(&b->keys, key.s, 1);
        if (vg_strmap_get(&f->window, key.s) >= 0) continue;  /* in its last document */
        c.key = vg_strdup(key.s);
        vg_vec_push(&cs, c);
    }
    /* the store: keys and digests seen before */
    unsigned char *known = vg_calloc(cs.n + 1, sizeof *known);
    for (size_t at = 0; at < cs.n && m->st; at += VG_STORE_ITEMS_MAX) {
        size_t k = cs.n - at < VG_STORE_ITEMS_MAX ? cs.n - at : VG_STORE_ITEMS_MAX;
        const char *keys[VG_STORE_ITEMS_MAX], *digs[VG_STORE_ITEMS_MAX];
        for (size_t j = 0; j < k; j++) {
            keys[j] = cs.v[at + j].key;
            digs[j] = cs.v[at + j].digest;
        }
        if (!vg_store_items_known(m->st, keys, digs, k, known + at)) {
            store_lost(m, "looking items up");
            break;
        }
    }
    vg_strmap digests = { 0 };      /* one story under two links in one document */
    size_t undated_shown = 0;
    for (size_t c = 0; m->st && c < cs.n; c++) {
        const cand *x = &cs.v[c];
        const vg_feed_item *it = &doc->items.v[x->i];
        if (known[c] && !(known[c] & VG_ITEM_RECORDED)) {
            /* stored by a run that stopped before it could say so */
            add_skip(b, x->key, x->digest, known[c] & VG_ITEM_ARTICLE ? "stored" : "duplicate");
            continue;
        }
        if (known[c]) continue;
        if (vg_strmap_get(&digests, x->digest) >= 0) {
            add_skip(b, x->key, x->digest, "duplicate");
            continue;
        }
        vg_strmap_put(&digests, x->digest, 1);
        m->stats.items_new++;
        if (!*it->title && !*it->text) {
            add_skip(b, x->key, x->digest, "empty");
            m->stats.items_other++;
            continue;
        }
        if (!it->date) {
            add_skip(b, x->key, x->digest, "undated");
            m->stats.items_undated++;
            if (undated_shown++ < 3)
                logf_(m, "feed %s: item %s: %s, skipped (never dated today)", f->s.url, x->key,
                      *it->date_text ? "unreadable date" : "no date");
            continue;
        }
        if (it->epoch > now + (int64_t)m->o.future_days * 86400) {
            add_skip(b, x->key, x->digest, "future");
            m->stats.items_other++;
            logf_(m, "feed %s: item %s: dated %s, in the future, skipped", f->s.url, x->key,
                  it->date_text);
            continue;
        }
        pitem p;
        memset(&p, 0, sizeof p);
        vg_buf_puts(&p.rec.id, x->key);
        char d[11];
        vg_date_format(it->date, d);
        vg_buf_puts(&p.rec.date_text, d);
        vg_buf_puts(&p.rec.source, src.s ? src.s : "");
        vg_buf_puts(&p.rec.url, it->link);
        vg_buf_puts(&p.rec.title, it->title);
        item_text(it, it->text, &txt);
        vg_buf_puts(&p.rec.text, txt.s ? txt.s : "");
        memcpy(p.hash, x->digest, sizeof p.hash);
        p.page = m->o.fetch_articles &&
                 (!strncmp(it->link, "http://", 7) || !strncmp(it->link, "https://", 8));
        vg_vec_push(&b->items, p);
    }
    if (undated_shown > 3)
        logf_(m, "feed %s: ... and %zu more items without a date", f->s.url, undated_shown - 3);
    vg_strmap_free(&digests);
    free(known);
    for (size_t c = 0; c < cs.n; c++) free(cs.v[c].key);
    vg_vec_free(&cs);
    vg_buf_free(&key);
    vg_buf_free(&src);
    vg_buf_free(&txt);
}

static void feed_fetched(vg_monitor *m, feed *f, vg_fetch_res *r)
{
    if (!m->st) { f->busy = false; return; }      /* reconnecting: fetched again later */
    int64_t now = (int64_t)time(NULL);
    if (!r->ok) {
        feed_failed(m, f, r->too_big ? "too large" : "error", r->error, 0);
        return;
    }
    if (r->not_modified) {
        m->stats.not_modified++;
        vg_feed_state s = f->s;
        s.failures = 0;
        s.last_fetch = s.last_ok = now;
        s.next_fetch = now + m->o.every;
        snprintf(s.status, sizeof s.status, "not modified");
        s.error[0] = '\0';
        if (!m->o.quiet) logf_(m, "feed %s: not modified (%.2fs)", f->s.url, r->seconds);
        if (save_feed(m, &s, NULL, 0)) f->s = s;
        else store_lost(m, "saving a feed");
        f->busy = false;
        return;
    }
    if (r->status < 200 || r->status >= 300) {
        char st[32], why[64];
        snprintf(st, sizeof st, "HTTP %ld", r->status);
        snprintf(why, sizeof why, "the server answered %ld", r->status);
        feed_failed(m, f, st, why, r->retry_after);
        return;
    }
    vg_feed doc;
    char err[256];
    if (!vg_feed_parse(r->body.s ? r->body.s : "", r->body.len, r->final_url, m->o.max_items,
                       &doc, err, sizeof err)) {
        feed_failed(m, f, "not a feed", err, 0);
        return;
    }
    batch *b = vg_calloc(1, sizeof *b);
    b->serial = ++m->serial;
    b->f = f;
    b->doc_items = doc.items.n;
    b->dropped = doc.dropped;
    b->seconds = r->seconds;
    snprintf(b->etag, sizeof b->etag, "%s", r->etag);
    snprintf(b->last_modified, sizeof b->last_modified, "%s", r->last_modified);
    snprintf(b->warning, sizeof b->warning, "%s", doc.warning);
    new_items(m, f, &doc, b);
    vg_feed_free(&doc);
    if (!m->st) { drop_batch(b); f->busy = false; return; }
    for (size_t i = 0; i < b->items.n; i++) {
        if (!b->items.v[i].page) continue;
        page_tag *t = vg_calloc(1, sizeof *t);
        t->tag.kind = VG_TAG_PAGE;
        t->b = b;
        t->serial = b->serial;
        t->i = i;
        vg_fetch_req q = { .url = b->items.v[i].rec.url.s, .timeout_ms = m->o.timeout_ms,
                           .max_bytes = m->o.max_bytes, .tag = t };
        char e[256];
        if (vg_fetch_add(m->fetch, &q, e, sizeof e)) b->waiting++;
        else { free(t); b->items.v[i].page = false; }
    }
    if (b->waiting) vg_vec_push(&m->batches, b);
    else finish_batch(m, b);
}

static void page_fetched(vg_monitor *m, page_tag *t, vg_fetch_res *r)
{
    batch *b = t->b;
    pitem *p = &b->items.v[t->i];
    p->page = false;
    m->stats.pages++;
    vg_buf main = { 0 };
    vg_html_main info;
    const char *why = NULL;
    if (!r->ok) why = r->error;
    else if (r->status < 200 || r->status >= 300) why = "not 2xx";
    else if (r->content_type[0] && !strstr(r->content_type, "html")) why = "not HTML";
    else if (!vg_html_main_text(r->body.s ? r->body.s : "", r->body.len, &main, &info))
        why = "no main text found";
    if (why) {
        if (!m->o.quiet)
            logf_(m, "page %s: %s; the feed's text is coded", p->rec.url.s, why);
    } else {
        vg_feed_item it = { .title = p->rec.title.s ? p->rec.title.s : "" };
        vg_buf txt = { 0 };
        item_text(&it, main.s, &txt);
        vg_buf_clear(&p->rec.text);
        vg_buf_puts(&p->rec.text, txt.s ? txt.s : "");
        vg_buf_free(&txt);
        b->pages_ok++;
    }
    vg_buf_free(&main);
    if (--b->waiting) return;
    for (size_t i = 0; i < m->batches.n; i++)
        if (m->batches.v[i] == b) { m->batches.v[i] = m->batches.v[--m->batches.n]; break; }
    finish_batch(m, b);
}

/* Codes and commits a document's new items, then its feed's state. */
static void finish_batch(vg_monitor *m, batch *b)
{
    feed *f = b->f;
    int64_t now = (int64_t)time(NULL);
    size_t n = b->items.n, stored = 0;
    VG_VEC(vg_record) recs = { 0 };
    char (*hashes)[33] = vg_calloc(n + 1, sizeof *hashes);
    vg_ingest_result *res = vg_calloc(n + 1, sizeof *res);
    for (size_t i = 0; i < n; i++) {
        vg_vec_push(&recs, b->items.v[i].rec);
        memcpy(hashes[i], b->items.v[i].hash, 33);
    }
    bool ok = !n || (vg_ingest_stream_code(m->stream, recs.v, n, (const char (*)[33])hashes,
                                           &m->diag, res) &&
                     vg_ingest_stream_flush(m->stream));
    for (size_t i = 0; i < m->diag.msgs.n; i++) logf_(m, "feed %s: %s", f->s.url, m->diag.msgs.v[i].text);
    vg_diag_free(&m->diag);
    if (!ok) {
        free(hashes);
        free(res);
        vg_vec_free(&recs);
        store_lost(m, "storing items");
        f->busy = false;
        drop_batch(b);
        return;
    }
    /* what became of every item, and the feed's validators, in one go */
    size_t nrows = n + b->skipped.n, failed = 0, mentions = 0, undated = 0, recovered = 0;
    vg_item_row *rows = vg_calloc(nrows + 1, sizeof *rows);
    for (size_t i = 0; i < n; i++) {
        const pitem *p = &b->items.v[i];
        rows[i] = (vg_item_row){ p->rec.id.s, f->s.url, p->hash, res[i].ok ? p->rec.id.s : NULL,
                                 res[i].ok ? "stored" : "failed" };
        if (res[i].ok) { stored++; mentions += res[i].mentions; }
        else failed++;
    }
    for (size_t i = 0; i < b->skipped.n; i++) {
        const skip_row *s = &b->skipped.v[i];
        bool st = !strcmp(s->status, "stored");
        rows[n + i] = (vg_item_row){ s->key, f->s.url, s->digest, st ? s->key : NULL, s->status };
        recovered += st;
        undated += !strcmp(s->status, "undated");
    }
    vg_feed_state s = f->s;
    snprintf(s.etag, sizeof s.etag, "%s", b->etag);
    snprintf(s.last_modified, sizeof s.last_modified, "%s", b->last_modified);
    s.failures = 0;
    s.last_fetch = s.last_ok = now;
    s.next_fetch = now + m->o.every;
    snprintf(s.status, sizeof s.status, "%s", b->warning[0] ? "ok, malformed" : "ok");
    snprintf(s.error, sizeof s.error, "%s", b->warning);
    s.items += (int64_t)stored;
    bool saved = save_feed(m, &s, rows, nrows);
    free(rows);
    if (saved) {
        f->s = s;
        vg_strmap_free(&f->window);
        f->window = b->keys;
        memset(&b->keys, 0, sizeof b->keys);
        m->stats.items_stored += stored;
        m->stats.items_other += failed;
        if (stored) m->detect_due = true;
        if (!m->o.quiet || stored || failed || recovered || b->warning[0]) {
            vg_buf line = { 0 };
            vg_buf_printf(&line, "feed %s: %zu items, %zu new: %zu stored (%zu events)",
                          f->s.url, b->doc_items, n + b->skipped.n, stored, mentions);
            if (undated) vg_buf_printf(&line, ", %zu undated", undated);
            if (recovered) vg_buf_printf(&line, ", %zu stored before a restart", recovered);
            if (b->skipped.n > undated + recovered)
                vg_buf_printf(&line, ", %zu skipped", b->skipped.n - undated - recovered);
            if (failed) vg_buf_printf(&line, ", %zu failed", failed);
            if (m->o.fetch_articles && n) vg_buf_printf(&line, ", %zu pages read", b->pages_ok);
            if (b->dropped) vg_buf_printf(&line, ", %zu beyond --max-items ignored", b->dropped);
            vg_buf_printf(&line, " (%.2fs)", b->seconds);
            if (b->warning[0]) vg_buf_printf(&line, "; %s", b->warning);
            logf_(m, "%s", line.s);
            vg_buf_free(&line);
        }
    } else {
        store_lost(m, "saving a feed");
    }
    f->busy = false;
    free(hashes);
    free(res);
    vg_vec_free(&recs);
    drop_batch(b);
}

/* ================================================================ alerts */

typedef struct known_alert {
    char key[VG_ALERT_KEY_MAX];
    long start, end;
} known_alert;

typedef VG_VEC(known_alert) known_alerts;

static bool got_known(void *ctx, int nc, const char *const *v)
{
    known_alerts *k = ctx;
    known_alert a;
    if (nc != 3 || !v[0] || !v[1] || !v[2] || !vg_day_parse(v[1], &a.start) ||
        !vg_day_parse(v[2], &a.end))
        return true;
    snprintf(a.key, sizeof a.key, "%s", v[0]);
    vg_vec_push(k, a);
    return true;
}

typedef struct alert_out {
    char key[VG_ALERT_KEY_MAX];
    char dyad[2 * VG_ACTOR_MAX + 2];
    char start[11], end[11], trigger[11];
    bool ongoing, is_new;
    char *payload;
    const vg_watch_alert *al;
} alert_out;

typedef VG_VEC(alert_out) alert_outs;

/* Writes alerts (new ones with a delivery per target, unless history)
 * and the watermark in one transaction. */
static bool write_alerts(vg_monitor *m, alert_out *a, size_t n, bool history, int64_t mark)
{
    char now[32], w[24];
    iso_now(now);
    snprintf(w, sizeof w, "%lld", (long long)mark);
    int64_t t = (int64_t)time(NULL);
    if (!vg_store_begin(m->st)) return false;
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        vg_alert_row r = { a[i].key, a[i].dyad, a[i].start, a[i].end, a[i].trigger, a[i].ongoing,
                           a[i].payload, a[i].is_new && !history };
        ok = vg_store_alert_put(m->st, &r, now);
        for (size_t k = 0; ok && r.deliver && k < m->targets.n; k++)
            ok = vg_store_delivery_add(m->st, a[i].key, m->targets.v[k], t);
    }
    ok = ok && vg_store_state_put(m->st, "watermark", w);
    if (!ok) { vg_store_rollback(m->st); return false; }
    return vg_store_commit(m->st);
}

/* Alerts of the given dyads against those stored: which are new, which
 * episodes go on; out gets them with their payloads. */
static bool classify(vg_monitor *m, const vg_watch_alerts *al, alert_outs *out, char *err,
                     size_t errsz)
{
    char now[32];
    iso_now(now);
    for (size_t i = 0; i < al->n; i++) {
        const vg_watch_alert *x = &al->v[i];
        alert_out o;
        memset(&o, 0, sizeof o);
        o.al = x;
        vg_dyad_format(&x->dyad, o.dyad, sizeof o.dyad);
        known_alerts k = { 0 };
        if (!vg_store_alerts_of(m->st, o.dyad, got_known, &k)) {
            vg_vec_free(&k);
            snprintf(err, errsz, "%s", vg_store_error(m->st));
            return false;
        }
        o.is_new = true;
        for (size_t j = 0; j < k.n; j++)
            if (x->start <= k.v[j].end && k.v[j].start <= x->end) {
                snprintf(o.key, sizeof o.key, "%s", k.v[j].key);   /* the episode goes on */
                o.is_new = false;
                break;
            }
        vg_vec_free(&k);
        if (o.is_new) vg_watch_alert_key(x, o.key, sizeof o.key);
        vg_day_format(x->start, o.start);
        vg_day_format(x->end, o.end);
        vg_day_format(x->trigger, o.trigger);
        o.ongoing = x->ongoing;
        vg_buf pl = { 0 };
        if (!vg_watch_alert_payload(m->st, x, o.key, now, &pl, err, errsz)) {
            vg_buf_free(&pl);
            return false;
        }
        o.payload = pl.s;
        vg_vec_push(out, o);
    }
    return true;
}

static void free_outs(alert_out *a, size_t n)
{
    for (size_t i = 0; i < n; i++) free(a[i].payload);
}

/* First start on a store with reports already in it: their alerts are
 * history, recorded but not delivered (unless deliver_history). */
static bool prime(vg_monitor *m, char *err, size_t errsz)
{
    char w[32];
    if (!vg_store_state_get(m->st, "watermark", w, sizeof w)) {
        snprintf(err, errsz, "%s", vg_store_error(m->st));
        return false;
    }
    if (w[0]) {
        m->watermark = strtoll(w, NULL, 10);
        return true;
    }
    int64_t last = 0;
    if (!vg_store_last_mention(m->st, &last)) {
        snprintf(err, errsz, "%s", vg_store_error(m->st));
        return false;
    }
    if (!last || m->o.deliver_history) {
        m->watermark = 0;
        if (last) logf_(m, "the store has reports already: their alerts will be delivered "
                           "(--deliver-history)");
        return true;
    }
    vg_watch_alerts al = { 0 };
    alert_outs outs = { 0 };
    bool ok = vg_watch_scan(m->st, &m->o.params, LONG_MIN, &al, err, errsz) &&
              classify(m, &al, &outs, err, errsz) &&
              write_alerts(m, outs.v, outs.n, true, last);
    if (ok) {
        m->watermark = last;
        logf_(m, "first start on a store with reports: %zu alerts in its history recorded, "
                 "not delivered (--deliver-history delivers them)", outs.n);
    } else if (!err[0]) {
        snprintf(err, errsz, "%s", vg_store_error(m->st));
    }
    free_outs(outs.v, outs.n);
    vg_vec_free(&outs);
    vg_watch_alerts_free(&al);
    return ok;
}

/* The detector on the dyads of the mentions stored since the watermark. */
static void detect(vg_monitor *m)
{
    m->detect_due = false;
    char err[512] = "";
    vg_dyads changed = { 0 };
    int64_t last = m->watermark;
    vg_watch_alerts al = { 0 };
    alert_outs outs = { 0 };
    bool ok = vg_watch_changed_dyads(m->st, m->watermark, m->o.params.include_unknown, &changed,
                                     &last, err, sizeof err);
    if (ok && last == m->watermark) goto done;
    ok = ok && vg_watch_scan_dyads(m->st, &m->o.params, changed.v, changed.n, LONG_MIN, &al, err,
                                   sizeof err) &&
         classify(m, &al, &outs, err, sizeof err);
    if (ok && !write_alerts(m, outs.v, outs.n, false, last)) {
        ok = false;
        snprintf(err, sizeof err, "%s", vg_store_error(m->st));
    }
    if (ok) {
        m->watermark = last;
        for (size_t i = 0; i < outs.n; i++) {
            if (!outs.v[i].is_new) continue;
            m->stats.alerts_new++;
            char sev[96];
            vg_watch_alert_severity(outs.v[i].al, sev, sizeof sev);
            logf_(m, "alert %s: %s from %s (raised %s%s), %d conflict events, %s", outs.v[i].key,
                  outs.v[i].dyad, outs.v[i].start, outs.v[i].trigger,
                  outs.v[i].ongoing ? ", ongoing" : "", outs.v[i].al->n_events, sev);
        }
        m->next_deliveries = 0;
    }
done:
    if (!ok) {
        vg_store_set_error(m->st, "%s", err);
        store_lost(m, "watching");
    }
    free_outs(outs.v, outs.n);
    vg_vec_free(&outs);
    vg_watch_alerts_free(&al);
    vg_vec_free(&changed);
}

/* ================================================================ deliveries */

typedef struct due_ctx {
    vg_monitor *m;
    int started;
} due_ctx;

static bool is_target(const vg_monitor *m, const char *t)
{
    for (size_t i = 0; i < m->targets.n; i++)
        if (!strcmp(m->targets.v[i], t)) return true;
    return false;
}

static bool got_due(void *ctx, int nc, const char *const *v)
{
    due_ctx *x = ctx;
    vg_monitor *m = x->m;
    if (nc != 4 || !v[0] || !v[1] || !v[3]) return true;
    int attempts = v[2] ? atoi(v[2]) : 0;
    if (!is_target(m, v[1])) {
        logf_(m, "delivery of %s to %s: no longer a target, given up", v[0], v[1]);
        vg_store_delivery_mark(m->st, v[0], v[1], "failed", attempts, (int64_t)time(NULL),
                               (int64_t)time(NULL), "no longer a target");
        return true;
    }
    if (vg_deliver_start(m->dl, v[0], v[1], attempts, v[3])) x->started++;
    return true;
}

static void start_deliveries(vg_monitor *m)
{
    if (!m->st || vg_now() < m->next_deliveries) return;
    m->next_deliveries = vg_now() + 1;
    due_ctx x = { m, 0 };
    if (!vg_store_deliveries_due(m->st, (int64_t)time(NULL), 64, got_due, &x))
        store_lost(m, "reading deliveries");
}

static const char *target_name(const char *t)
{
    return !strncmp(t, "exec:", 5) ? "the command" : t;
}

static void delivered(vg_monitor *m)
{
    vg_delivery d;
    while (vg_deliver_take(m->dl, &d)) {
        int64_t now = (int64_t)time(NULL);
        const char *status = d.state == VG_DELIVERY_DONE ? "done"
                             : d.state == VG_DELIVERY_RETRY ? "pending" : "failed";
        int wait = d.state == VG_DELIVERY_RETRY ? vg_deliver_backoff(&m->dopts, d.attempts) : 0;
        if (d.state == VG_DELIVERY_DONE) {
            m->stats.deliveries_done++;
            if (strcmp(d.target, "stdout"))
                logf_(m, "alert %s delivered to %s (attempt %d)", d.key, target_name(d.target),
                      d.attempts);
        } else if (d.state == VG_DELIVERY_RETRY) {
            char next[32];
            span(wait, next, sizeof next);
            logf_(m, "alert %s: delivery to %s failed (attempt %d): %s; next try in %s", d.key,
                  target_name(d.target), d.attempts, d.error, next);
        } else {
            m->stats.deliveries_failed++;
            logf_(m, "alert %s: delivery to %s failed for good: %s", d.key, target_name(d.target),
                  d.error);
        }
        if (m->st && !vg_store_delivery_mark(m->st, d.key, d.target, status, d.attempts, now,
                                             now + wait, d.state == VG_DELIVERY_DONE ? NULL : d.error))
            store_lost(m, "logging a delivery");
        vg_delivery_clear(&d);
    }
}

/* ================================================================ the loop */

/* The tag of a transfer that never finished. */
static void free_tag(void *tag)
{
    vg_mon_tag *t = tag;
    if (t && t->kind == VG_TAG_HOOK) vg_deliver_tag_free(t);
    else free(t);
}

vg_monitor *vg_monitor_new(const vg_monitor_opts *o, char *err, size_t errsz)
{
    vg_monitor *m = vg_calloc(1, sizeof *m);
    m->o = *o;
    if (m->o.every < 1) m->o.every = 1;
    if (m->o.max_backoff < m->o.every) m->o.max_backoff = m->o.every;
    if (m->o.retries < 1) m->o.retries = 1;
    m->io = o->ingest;
    m->io.code.default_date = 0;          /* undated items are skipped before coding */
    m->io.progress = NULL;
    if (!m->io.flush_count) m->io.flush_count = 500;
    /* a memo of 20,000 words (about 2 MB a coder) keeps the memory flat;
     * the monitor codes a few hundred items a second, so refilling it
     * costs nothing that shows */
    if (!m->io.word_memo) m->io.word_memo = 20000;
    if (m->o.stdout_alerts) vg_vec_push(&m->targets, vg_strdup("stdout"));
    for (size_t i = 0; i < o->nwebhooks; i++) vg_vec_push(&m->targets, vg_strdup(o->webhooks[i]));
    if (o->exec_cmd) {
        vg_buf t = { 0 };
        vg_buf_printf(&t, "exec:%s", o->exec_cmd);
        vg_vec_push(&m->targets, t.s);
    }
    m->fetch = vg_fetch_new(o->user_agent, o->max_parallel);
    m->dopts = (vg_deliver_opts){ .timeout_ms = m->o.timeout_ms, .retries = m->o.retries,
                                  .retry_base = m->o.retry_base,
                                  .exec_timeout = m->o.exec_timeout, .emit = m->o.emit,
                                  .ctx = m->o.ctx };
    m->dl = vg_deliver_new(m->fetch, &m->dopts);
    err[0] = '\0';
    struct stat sb;
    if (stat(o->feeds_file, &sb) == 0) {
        m->list_mtime = sb.st_mtim;
        m->list_size = sb.st_size;
    }
    if (!read_list(m, err, errsz) || !open_store(m, err, errsz)) {
        vg_monitor_free(m);
        return NULL;
    }
    m->next_rescan = vg_now() + m->o.every;
    return m;
}

static void handle(vg_monitor *m, vg_fetch_res *r)
{
    vg_mon_tag *t = r->tag;
    if (t && t->kind == VG_TAG_HOOK) {
        vg_deliver_fetched(m->dl, r);            /* frees r */
        return;
    }
    if (t && t->kind == VG_TAG_FEED) {
        feed_tag *ft = (feed_tag *)t;
        feed_fetched(m, ft->f, r);
    } else if (t && t->kind == VG_TAG_PAGE) {
        page_tag *pt = (page_tag *)t;
        bool alive = false;                      /* its batch may have been dropped */
        for (size_t i = 0; i < m->batches.n && !alive; i++)
            alive = m->batches.v[i] == pt->b && pt->b->serial == pt->serial;
        if (alive) page_fetched(m, pt, r);
    }
    free(t);
    vg_fetch_res_free(r);
}

bool vg_monitor_run(vg_monitor *m, const volatile int *stop, char *err, size_t errsz)
{
    err[0] = '\0';
    logf_(m, "watching %zu feeds every %ds; alerts to %zu target%s", m->stats.feeds, m->o.every,
          m->targets.n, m->targets.n == 1 ? "" : "s");
    while (!(stop && *stop)) {
        if (!m->st && vg_now() >= m->reconnect_at) {
            char why[512] = "";
            if (open_store(m, why, sizeof why)) {
                logf_(m, "store: reconnected");
                m->store_failures = 0;
            } else {
                m->store_failures++;
                int wait = m->store_failures > 6 ? 60 : 1 << (m->store_failures - 1);
                logf_(m, "store: %s; trying again in %ds", why, wait);
                m->reconnect_at = vg_now() + wait;
            }
        }
        refresh_list(m);
        if (m->st) start_fetches(m, (int64_t)time(NULL));
        if (m->st && m->detect_due && vg_now() >= m->next_detect) {
            detect(m);
            m->next_detect = vg_now() + 1;
        }
        start_deliveries(m);
        vg_fetch_res *r = vg_fetch_poll(m->fetch, 200);
        for (int k = 0; r && k < 64; k++) {
            handle(m, r);
            r = vg_fetch_poll(m->fetch, 0);
        }
        if (r) handle(m, r);
        vg_deliver_poll(m->dl);
        delivered(m);
    }
    /* stopping: what is committed stays; deliveries under way get a moment */
    double until = vg_now() + 3;
    while (vg_deliver_running(m->dl) && vg_now() < until) {
        vg_fetch_res *r = vg_fetch_poll(m->fetch, 100);
        while (r) {
            vg_mon_tag *t = r->tag;
            if (t && t->kind == VG_TAG_HOOK) vg_deliver_fetched(m->dl, r);
            else { free_tag(t); vg_fetch_res_free(r); }
            r = vg_fetch_poll(m->fetch, 0);
        }
        vg_deliver_poll(m->dl);
        delivered(m);
    }
    if (m->stream && !vg_ingest_stream_flush(m->stream)) {
        snprintf(err, errsz, "%s", m->st ? vg_store_error(m->st) : "the store is gone");
        return false;
    }
    return true;
}

void vg_monitor_get_stats(const vg_monitor *m, vg_monitor_stats *out)
{
    *out = m->stats;
}

void vg_monitor_free(vg_monitor *m)
{
    if (!m) return;
    for (size_t i = 0; i < m->batches.n; i++) drop_batch(m->batches.v[i]);
    vg_vec_free(&m->batches);
    vg_deliver_free(m->dl);
    vg_fetch_free(m->fetch, free_tag);
    vg_ingest_stream_free(m->stream);
    vg_store_free(m->st);
    for (size_t i = 0; i < m->feeds.n; i++) {
        vg_strmap_free(&m->feeds.v[i]->window);
        free(m->feeds.v[i]);
    }
    vg_vec_free(&m->feeds);
    vg_strmap_free(&m->feed_idx);
    for (size_t i = 0; i < m->sources.n; i++) free(m->sources.v[i]);
    vg_vec_free(&m->sources);
    for (size_t i = 0; i < m->targets.n; i++) free(m->targets.v[i]);
    vg_vec_free(&m->targets);
    vg_diag_free(&m->diag);
    free(m);
}
