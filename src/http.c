/* http.c -- the server's transport on libmicrohttpd (see server.h and
 * docs/dashboard.md): request checks, security headers, static files, and
 * /api/ requests handed to the API (api.c). */
#define _DEFAULT_SOURCE         /* realpath */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_PATH 256         /* URL path */
#define MAX_FILE (32L << 20) /* largest static file served */

struct vg_server {
    struct MHD_Daemon *d;
    vg_server_opts o;
    char *assets;             /* realpath of the asset folder, or NULL */
    bool loopback;
    int port;
    vg_api *api;
};

/* cors: the origin allowed to read this response ("*" or the request's
 * Origin), NULL: same origin only. */
static void common_headers(struct MHD_Response *r, const char *cors)
{
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Cross-Origin-Resource-Policy", cors ? "cross-origin" : "same-origin");
    if (!cors) return;
    MHD_add_response_header(r, "Access-Control-Allow-Origin", cors);
    MHD_add_response_header(r, "Access-Control-Expose-Headers", "X-Next-Cursor");
    if (strcmp(cors, "*")) MHD_add_response_header(r, "Vary", "Origin");
}

/* ---- CORS (--cors) ---- */

/* An origin: http(s)://host[:port], nothing after. */
static bool origin_ok(const char *s, size_t n)
{
    size_t k = !strncmp(s, "https://", 8) ? 8 : !strncmp(s, "http://", 7) ? 7 : 0;
    if (!k || n <= k || n > 200) return false;
    for (size_t i = k; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (!vg_isalnum(ch) && ch != '.' && ch != '-' && ch != ':' && ch != '[' && ch != ']')
            return false;
    }
    return true;
}

bool vg_server_cors_ok(const char *cors, const char **why)
{
    *why = "--cors takes * or origins like https://example.org,http://localhost:3000 (scheme, "
           "host and port; no path)";
    if (!cors || !*cors) return false;
    if (!strcmp(cors, "*")) return true;
    for (const char *p = cors;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (!origin_ok(p, n)) return false;
        if (!comma) return true;
        p = comma + 1;
    }
}

/* The Access-Control-Allow-Origin for this request: "*", the request's
 * Origin when it is in the list, else NULL. */
static const char *cors_origin(const vg_server *s, struct MHD_Connection *c)
{
    if (!s->o.cors) return NULL;
    if (!strcmp(s->o.cors, "*")) return "*";
    const char *o = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    if (!o) return NULL;
    size_t n = strlen(o);
    for (const char *p = s->o.cors;;) {
        const char *comma = strchr(p, ',');
        size_t k = comma ? (size_t)(comma - p) : strlen(p);
        if (k == n && !strncasecmp(p, o, n)) return o;
        if (!comma) return NULL;
        p = comma + 1;
    }
}

static enum MHD_Result send_reply(struct MHD_Connection *c, int status, vg_buf *body,
                                  const vg_api_reply *rp, const char *cors)
{
    if (!body->s) vg_buf_puts(body, "");
    struct MHD_Response *r = MHD_create_response_from_buffer(body->len, body->s, MHD_RESPMEM_MUST_FREE);
    body->s = NULL;
    body->len = body->cap = 0;
    if (!r) return MHD_NO;
    MHD_add_response_header(r, "Content-Type", rp->type);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    if (rp->next[0]) MHD_add_response_header(r, "X-Next-Cursor", rp->next);
    MHD_add_response_header(r, "X-Vigil-Cache", rp->cached ? "hit" : "miss");
    if (rp->attachment) MHD_add_response_header(r, "Content-Disposition", "attachment; filename=\"events.csv\"");
    if (status == 405) MHD_add_response_header(r, "Allow", "GET, HEAD");
    common_headers(r, cors);
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_error_cors(struct MHD_Connection *c, int status, const char *why,
                                       const char *cors)
{
    vg_buf b = {0};
    vg_buf_puts(&b, "{\"error\":");
    vg_buf_json_str(&b, why);
    vg_buf_putc(&b, '}');
    vg_api_reply rp = { .type = "application/json; charset=utf-8" };
    return send_reply(c, status, &b, &rp, cors);
}

static enum MHD_Result send_error(struct MHD_Connection *c, int status, const char *why)
{
    return send_error_cors(c, status, why, NULL);
}

/* A CORS preflight (OPTIONS on /api/ from an allowed origin). */
static enum MHD_Result send_preflight(struct MHD_Connection *c, const char *cors)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, "Access-Control-Allow-Methods", "GET, HEAD");
    MHD_add_response_header(r, "Access-Control-Max-Age", "600");
    common_headers(r, cors);
    enum MHD_Result ret = MHD_queue_response(c, 204, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    vg_api_args_add(cls, key, key_size, value, value_size);
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

bool vg_http_static_path_ok(const char *url)
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
    if (!vg_http_static_path_ok(url)) return send_error(c, 400, "bad path");
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
    common_headers(r, NULL);
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

/* Like MHD's default, except that %00 becomes 0x01, so a NUL can never cut
 * a path or value short ("/index.html%00.js"); the path and parameter
 * checks then reject the control character. */
size_t vg_http_unescape(char *s)
{
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

static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return vg_http_unescape(s);
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
    bool api = !strncmp(url, "/api/", 5);
    const char *cors = api ? cors_origin(s, c) : NULL;
    if (cors && !strcmp(method, "OPTIONS") && host_ok(s, c)) return send_preflight(c, cors);
    if (strcmp(method, "GET") && strcmp(method, "HEAD"))
        return send_error_cors(c, 405, "method not allowed (read-only API)", cors);
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if ((cl && strcmp(cl, "0")) ||
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING))
        return send_error_cors(c, 413, "request body not allowed", cors);
    if (!host_ok(s, c)) return send_error(c, 403, "bad Host header");
    if (strlen(url) > MAX_PATH) return send_error_cors(c, 414, "path too long", cors);
    if (!api) return serve_static(s, c, url);
    vg_api_args q = {0};
    MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, collect_arg, &q);
    vg_buf body = {0};
    vg_api_reply rp;
    int status = vg_api_request(s->api, url, &q, &body, &rp);
    return send_reply(c, status, &body, &rp, cors);
}

/* ================================================================ lifecycle */

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
    struct sockaddr_storage ss;
    bool v6 = false;
    if (!parse_bind(o->bind, o->port, &ss, &v6, &s->loopback)) {
        snprintf(err, errsz, "bad bind address '%s' (an IPv4 or IPv6 literal)", o->bind);
        vg_server_stop(s);
        return NULL;
    }
    if (!find_assets(s, err, errsz) || !(s->api = vg_api_new(o, s->assets != NULL, err, errsz))) {
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
    vg_api_free(s->api);
    free(s->assets);
    free(s);
}
