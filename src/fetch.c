/* fetch.c -- see fetch.h: bounded HTTP(S) transfers on libcurl's multi
 * interface, file:// reads, conditional GET. */
#include "fetch.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT_MS 30000L
#define DEFAULT_CONNECT_MS 10000L
#define DEFAULT_MAX_BYTES ((size_t)10 << 20)
#define DEFAULT_REDIRECTS 5

typedef struct transfer {
    vg_fetch_req req;            /* strings owned (see copy_req) */
    char **hdr_copy;             /* req.headers' copy */
    CURL *h;
    struct curl_slist *hdrs;
    vg_fetch_res *res;
    double start;
    size_t max;
    char errbuf[CURL_ERROR_SIZE];
} transfer;

struct vg_fetch {
    CURLM *m;
    char *ua;
    int max_parallel;
    size_t running;
    VG_VEC(transfer *) live;     /* running */
    VG_VEC(transfer *) queue;    /* waiting to start, oldest first */
    size_t qhead;
    VG_VEC(vg_fetch_res *) done; /* finished, not yet handed out */
    size_t dhead;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

vg_fetch *vg_fetch_new(const char *user_agent, int max_parallel)
{
    pthread_once(&curl_once, curl_init_once);
    vg_fetch *f = vg_calloc(1, sizeof *f);
    f->m = curl_multi_init();
    if (!f->m) vg_oom();
    f->ua = vg_strdup(user_agent ? user_agent : "vigil");
    f->max_parallel = max_parallel > 0 ? max_parallel : 16;
    return f;
}

static char *dup_opt(const char *s) { return s ? vg_strdup(s) : NULL; }

static void copy_req(transfer *t, const vg_fetch_req *r)
{
    t->req = *r;
    t->req.url = dup_opt(r->url);
    t->req.etag = dup_opt(r->etag);
    t->req.last_modified = dup_opt(r->last_modified);
    t->req.content_type = dup_opt(r->content_type);
    if (r->body) {
        char *b = vg_malloc(r->body_len + 1);
        memcpy(b, r->body, r->body_len);
        b[r->body_len] = '\0';
        t->req.body = b;
    }
    size_t n = 0;
    while (r->headers && r->headers[n]) n++;
    if (n) {
        t->hdr_copy = vg_calloc(n + 1, sizeof *t->hdr_copy);
        for (size_t i = 0; i < n; i++) t->hdr_copy[i] = vg_strdup(r->headers[i]);
        t->req.headers = (const char *const *)t->hdr_copy;
    } else {
        t->req.headers = NULL;
    }
    t->max = r->max_bytes ? r->max_bytes : DEFAULT_MAX_BYTES;
}

static void transfer_free(transfer *t)
{
    if (!t) return;
    free((char *)t->req.url);
    free((char *)t->req.etag);
    free((char *)t->req.last_modified);
    free((char *)t->req.content_type);
    free((char *)t->req.body);
    for (size_t i = 0; t->hdr_copy && t->hdr_copy[i]; i++) free(t->hdr_copy[i]);
    free(t->hdr_copy);
    if (t->hdrs) curl_slist_free_all(t->hdrs);
    if (t->h) curl_easy_cleanup(t->h);
    vg_fetch_res_free(t->res);
    free(t);
}

void vg_fetch_res_free(vg_fetch_res *r)
{
    if (!r) return;
    vg_buf_free(&r->body);
    free(r);
}

void vg_fetch_free(vg_fetch *f, void (*free_tag)(void *tag))
{
    if (!f) return;
    for (size_t i = 0; i < f->live.n; i++) {
        curl_multi_remove_handle(f->m, f->live.v[i]->h);
        if (free_tag) free_tag(f->live.v[i]->req.tag);
        transfer_free(f->live.v[i]);
    }
    vg_vec_free(&f->live);
    for (size_t i = f->qhead; i < f->queue.n; i++) {
        if (free_tag) free_tag(f->queue.v[i]->req.tag);
        transfer_free(f->queue.v[i]);
    }
    vg_vec_free(&f->queue);
    for (size_t i = f->dhead; i < f->done.n; i++) {
        if (free_tag) free_tag(f->done.v[i]->tag);
        vg_fetch_res_free(f->done.v[i]);
    }
    vg_vec_free(&f->done);
    curl_multi_cleanup(f->m);
    free(f->ua);
    free(f);
}

size_t vg_fetch_pending(const vg_fetch *f)
{
    return f->running + (f->queue.n - f->qhead) + (f->done.n - f->dhead);
}

/* ---- file:// ---- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool has_scheme(const char *url, const char *scheme)
{
    size_t n = strlen(scheme);
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)url[i];
        if (c >= 'A' && c <= 'Z') c += 32;
        if (c != scheme[i]) return false;
    }
    return true;
}

bool vg_fetch_file_path(const char *url, vg_buf *out)
{
    vg_buf_clear(out);
    if (!has_scheme(url, "file://")) return false;
    const char *p = url + 7;
    if (!strncmp(p, "localhost/", 10)) p += 9;
    if (*p != '/') return false;
    for (; *p && *p != '?' && *p != '#'; p++) {
        if (*p == '%' && hexval((unsigned char)p[1]) >= 0 && hexval((unsigned char)p[2]) >= 0) {
            char c = (char)(hexval((unsigned char)p[1]) * 16 + hexval((unsigned char)p[2]));
            if (!c) return false;
            vg_buf_putc(out, c);
            p += 2;
        } else {
            vg_buf_putc(out, *p);
        }
    }
    return out->len > 0;
}

static vg_fetch_res *new_res(const vg_fetch_req *r)
{
    vg_fetch_res *res = vg_calloc(1, sizeof *res);
    res->tag = r->tag;
    snprintf(res->final_url, sizeof res->final_url, "%s", r->url);
    return res;
}

static vg_fetch_res *read_file(const vg_fetch_req *r)
{
    vg_fetch_res *res = new_res(r);
    double t0 = vg_now();
    vg_buf path = { 0 };
    size_t max = r->max_bytes ? r->max_bytes : DEFAULT_MAX_BYTES;
    struct stat sb;
    int fd = -1;
    if (!vg_fetch_file_path(r->url, &path)) {
        snprintf(res->error, sizeof res->error, "not a file:// URL with an absolute path");
    } else if ((fd = open(path.s, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &sb) != 0) {
        snprintf(res->error, sizeof res->error, "%s: %s", path.s, strerror(errno));
    } else if (!S_ISREG(sb.st_mode)) {
        snprintf(res->error, sizeof res->error, "%s: not a regular file", path.s);
    } else {
        snprintf(res->etag, sizeof res->etag, "\"%lld-%lld.%09ld\"", (long long)sb.st_size,
                 (long long)sb.st_mtim.tv_sec, (long)sb.st_mtim.tv_nsec);
        if (r->etag && !strcmp(r->etag, res->etag)) {
            res->ok = true;
            res->status = 304;
            res->not_modified = true;
        } else if ((size_t)sb.st_size > max) {
            res->too_big = true;
            snprintf(res->error, sizeof res->error, "larger than %zu bytes", max);
        } else {
            char chunk[65536];
            ssize_t k;
            while ((k = read(fd, chunk, sizeof chunk)) > 0 && res->body.len <= max)
                vg_buf_putn(&res->body, chunk, (size_t)k);
            if (k < 0) {
                snprintf(res->error, sizeof res->error, "%s: %s", path.s, strerror(errno));
            } else if (res->body.len > max) {
                res->too_big = true;
                snprintf(res->error, sizeof res->error, "larger than %zu bytes", max);
            } else {
                res->ok = true;
                res->status = 200;
            }
        }
    }
    if (fd >= 0) close(fd);
    if (!res->ok) vg_buf_clear(&res->body);
    vg_buf_free(&path);
    res->seconds = vg_now() - t0;
    return res;
}

/* ---- HTTP ---- */

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    transfer *t = ctx;
    size_t k = size * n;
    if (t->res->body.len + k > t->max) {
        t->res->too_big = true;
        return 0;                       /* aborts the transfer */
    }
    vg_buf_putn(&t->res->body, p, k);
    return k;
}

/* "Name: value" -> value (trimmed) if the header is name. */
static bool header_value(const char *line, size_t n, const char *name, char *out, size_t outsz)
{
    size_t k = strlen(name);
    if (n <= k || line[k] != ':') return false;
    for (size_t i = 0; i < k; i++) {
        int c = (unsigned char)line[i];
        if (c >= 'A' && c <= 'Z') c += 32;
        if (c != name[i]) return false;
    }
    const char *v = line + k + 1, *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t')) v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ')) end--;
    size_t len = (size_t)(end - v);
    if (len >= outsz) len = outsz - 1;
    memcpy(out, v, len);
    out[len] = '\0';
    return true;
}

static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
    transfer *t = ctx;
    vg_fetch_res *r = t->res;
    size_t k = size * n;
    char ra[32];
    if (k >= 5 && !memcmp(p, "HTTP/", 5)) {     /* a new response (after a redirect) */
        r->etag[0] = r->last_modified[0] = r->content_type[0] = '\0';
        r->retry_after = 0;
    } else if (header_value(p, k, "etag", r->etag, sizeof r->etag) ||
               header_value(p, k, "last-modified", r->last_modified, sizeof r->last_modified) ||
               header_value(p, k, "content-type", r->content_type, sizeof r->content_type)) {
    } else if (header_value(p, k, "retry-after", ra, sizeof ra)) {
        char *end;
        long s = strtol(ra, &end, 10);
        r->retry_after = end != ra && s > 0 ? (s > 86400 ? 86400 : s) : 60;
    }
    return k;
}

static bool start(vg_fetch *f, transfer *t)
{
    CURL *h = curl_easy_init();
    if (!h) return false;
    t->h = h;
    const vg_fetch_req *r = &t->req;
    curl_easy_setopt(h, CURLOPT_URL, r->url);
    curl_easy_setopt(h, CURLOPT_PRIVATE, (char *)t);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    int redirects = r->max_redirects ? r->max_redirects : DEFAULT_REDIRECTS;
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, redirects > 0 ? 1L : 0L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, redirects > 0 ? (long)redirects : 0L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, r->timeout_ms > 0 ? r->timeout_ms : DEFAULT_TIMEOUT_MS);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     r->connect_timeout_ms > 0 ? r->connect_timeout_ms : DEFAULT_CONNECT_MS);
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)t->max);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_USERAGENT, f->ua);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, t->errbuf);
    char line[512];
    if (r->etag && *r->etag) {
        snprintf(line, sizeof line, "If-None-Match: %s", r->etag);
        t->hdrs = curl_slist_append(t->hdrs, line);
    }
    if (r->last_modified && *r->last_modified) {
        snprintf(line, sizeof line, "If-Modified-Since: %s", r->last_modified);
        t->hdrs = curl_slist_append(t->hdrs, line);
    }
    if (r->body) {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, r->body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
        snprintf(line, sizeof line, "Content-Type: %s",
                 r->content_type ? r->content_type : "application/octet-stream");
        t->hdrs = curl_slist_append(t->hdrs, line);
        t->hdrs = curl_slist_append(t->hdrs, "Expect:");
    }
    for (size_t i = 0; r->headers && r->headers[i]; i++)
        t->hdrs = curl_slist_append(t->hdrs, r->headers[i]);
    if (t->hdrs) curl_easy_setopt(h, CURLOPT_HTTPHEADER, t->hdrs);
    t->start = vg_now();
    if (curl_multi_add_handle(f->m, h) != CURLM_OK) return false;
    f->running++;
    vg_vec_push(&f->live, t);
    return true;
}

/* Hands a transfer that could not start back as a failure. */
static void fail_transfer(vg_fetch *f, transfer *t, const char *why)
{
    vg_fetch_res *res = t->res;
    t->res = NULL;
    snprintf(res->error, sizeof res->error, "%s", why);
    vg_vec_push(&f->done, res);
    transfer_free(t);
}

static void start_queued(vg_fetch *f)
{
    while (f->running < (size_t)f->max_parallel && f->qhead < f->queue.n) {
        transfer *t = f->queue.v[f->qhead++];
        if (!start(f, t)) fail_transfer(f, t, "cannot start the transfer");
    }
    if (f->qhead == f->queue.n) f->queue.n = f->qhead = 0;
}

bool vg_fetch_add(vg_fetch *f, const vg_fetch_req *r, char *err, size_t errsz)
{
    if (!r->url || strlen(r->url) >= 4096) {
        snprintf(err, errsz, "no URL, or one too long");
        return false;
    }
    if (has_scheme(r->url, "file://")) {
        vg_vec_push(&f->done, read_file(r));
        return true;
    }
    if (!has_scheme(r->url, "http://") && !has_scheme(r->url, "https://")) {
        snprintf(err, errsz, "only http://, https:// and file:// URLs are fetched");
        return false;
    }
    transfer *t = vg_calloc(1, sizeof *t);
    copy_req(t, r);
    t->res = new_res(r);
    vg_vec_push(&f->queue, t);
    return true;
}

static void finish(vg_fetch *f, CURL *h, CURLcode rc)
{
    transfer *t = NULL;
    curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&t);
    curl_multi_remove_handle(f->m, h);
    f->running--;
    for (size_t i = 0; i < f->live.n; i++)
        if (f->live.v[i] == t) { f->live.v[i] = f->live.v[--f->live.n]; break; }
    vg_fetch_res *res = t->res;
    t->res = NULL;
    res->seconds = vg_now() - t->start;
    char *eff = NULL;
    if (curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &eff) == CURLE_OK && eff)
        snprintf(res->final_url, sizeof res->final_url, "%s", eff);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    res->status = status;
    if (rc == CURLE_OK) {
        res->ok = true;
        res->not_modified = status == 304;
    } else if (res->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
        res->too_big = true;
        snprintf(res->error, sizeof res->error, "larger than %zu bytes", t->max);
    } else if (rc == CURLE_TOO_MANY_REDIRECTS) {
        snprintf(res->error, sizeof res->error, "more than %d redirects (a loop?)",
                 t->req.max_redirects > 0 ? t->req.max_redirects : DEFAULT_REDIRECTS);
    } else if (rc == CURLE_OPERATION_TIMEDOUT) {
        snprintf(res->error, sizeof res->error, "timed out after %.1f s%s%.180s", res->seconds,
                 t->errbuf[0] ? ": " : "", t->errbuf);
    } else {
        snprintf(res->error, sizeof res->error, "%.60s%s%.180s", curl_easy_strerror(rc),
                 t->errbuf[0] ? ": " : "", t->errbuf);
    }
    if (!res->ok) vg_buf_clear(&res->body);
    vg_vec_push(&f->done, res);
    transfer_free(t);
}

vg_fetch_res *vg_fetch_poll(vg_fetch *f, int timeout_ms)
{
    for (int round = 0; round < 2; round++) {
        if (f->dhead < f->done.n) {
            vg_fetch_res *r = f->done.v[f->dhead++];
            if (f->dhead == f->done.n) f->done.n = f->dhead = 0;
            return r;
        }
        if (round) break;
        start_queued(f);
        if (f->dhead < f->done.n) continue;
        int still = 0;
        if (timeout_ms > 0) curl_multi_poll(f->m, NULL, 0, timeout_ms, NULL);
        curl_multi_perform(f->m, &still);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(f->m, &left)))
            if (msg->msg == CURLMSG_DONE) finish(f, msg->easy_handle, msg->data.result);
        start_queued(f);
    }
    return NULL;
}
