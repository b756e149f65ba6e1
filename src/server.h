/* server.h -- `vigil serve`: a read-only HTTP server over an event store
 * (SQLite or PostgreSQL): the JSON API (/api/events, also as CSV,
 * /api/events/{id}, /api/series, /api/alerts, /api/dyads, /api/places,
 * /api/meta) and the dashboard's static files.  Reference and security
 * limits: docs/dashboard.md.  Two files:
 *
 *   http.c   the transport (libmicrohttpd): loopback by default, GET/HEAD
 *            only, bounded request sizes, a DNS-rebinding guard, security
 *            headers, opt-in CORS for the API, static files that never
 *            leave the asset folder; it hands /api/ requests to the API;
 *   api.c    the API: every query parameter checked against the
 *            endpoint's list with bounded sizes (HTTP 400 + JSON reason
 *            otherwise), answers read through the store (store.h) and the
 *            watch (watch.h) on a pool of read-only connections, and cached
 *            (keyed by path and sorted parameters) until the store's data
 *            version changes or cache_ttl seconds pass.
 *
 * Nothing here prints: problems reach the caller through err or the log
 * callback. */
#ifndef VG_SERVER_H
#define VG_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "watch.h"

typedef void (*vg_log_fn)(void *ctx, const char *msg);

typedef struct vg_server_opts {
    const char *db_path;      /* the store: a SQLite path or a PostgreSQL URL */
    const char *bind;         /* IPv4 or IPv6 literal ("127.0.0.1") */
    int port;                 /* 0: any free port (see vg_server_port) */
    const char *assets;       /* dashboard folder; NULL: API only */
    int threads;              /* thread pool size, and store connections (2) */
    int max_conn;             /* concurrent connections (1024) */
    int per_ip;               /* connections per client address (48) */
    int timeout;              /* idle seconds before a connection is closed (10) */
    size_t mem_limit;         /* bytes per connection: request line + headers (16384) */
    int cache_ttl;            /* seconds (60) */
    vg_watch_params params;   /* detector for /api/alerts */
    const char *cors;         /* origins allowed to read the API from their pages:
                                 "*" or "https://a.example,http://localhost:3000";
                                 NULL: same origin only (vg_server_cors_ok checks it) */
    vg_log_fn log;            /* database errors while serving; may be NULL */
    void *log_ctx;
} vg_server_opts;

void vg_server_opts_default(vg_server_opts *o);

/* ---------------------------------------------------------------- http.c */

typedef struct vg_server vg_server;

/* A --cors value: "*", or origins (scheme://host[:port], no path) separated
 * by commas.  False with the reason in *why. */
bool vg_server_cors_ok(const char *cors, const char **why);

/* Decodes %HH in place, as the server has libmicrohttpd do for the path
 * and every parameter (%00 becomes 0x01, which the checks then refuse);
 * returns the new length. */
size_t vg_http_unescape(char *s);

/* Is url a path the dashboard's files may be served under: "/" or segments
 * of [A-Za-z0-9_.-], none starting with '.' (so no "..", no hidden files),
 * no empty segment, bounded length? */
bool vg_http_static_path_ok(const char *url);

/* Opens the store and starts listening.  NULL with a reason in err. */
vg_server *vg_server_start(const vg_server_opts *o, char *err, size_t errsz);
int vg_server_port(const vg_server *s);
void vg_server_stop(vg_server *s);

/* ----------------------------------------------------------------- api.c */

#define VG_API_MAX_ARGS 16    /* query parameters per request */

/* A request's query parameters, checked as they are added. */
typedef struct vg_api_args {
    const char *k[VG_API_MAX_ARGS], *v[VG_API_MAX_ARGS];
    size_t n;
    const char *error;        /* the first problem (then the request is refused) */
} vg_api_args;

/* Adds a parameter (key kn bytes, value vn bytes, value NULL = empty);
 * records the first problem (too many, too long, a NUL, a duplicate). */
void vg_api_args_add(vg_api_args *q, const char *k, size_t kn, const char *v, size_t vn);

typedef struct vg_api vg_api;

/* Opens opts->threads read-only connections to the store.  has_assets: the
 * dashboard is served (reported by /api/meta).  NULL with a reason in err. */
vg_api *vg_api_new(const vg_server_opts *o, bool has_assets, char *err, size_t errsz);
void vg_api_free(vg_api *a);
/* What an answer is besides its body and status. */
typedef struct vg_api_reply {
    const char *type;         /* Content-Type: JSON, or CSV for /api/events?format=csv */
    char next[48];            /* CSV: the next page's cursor ("" on the last page) */
    bool attachment;          /* CSV: offered as a download (events.csv) */
    bool cached;              /* answered from the response cache (X-Vigil-Cache: hit) */
} vg_api_reply;

/* Answers one request (path like "/api/series"; thread-safe): writes the
 * body (JSON, or CSV) and returns the HTTP status; r (may be NULL) says
 * what the body is. */
int vg_api_request(vg_api *a, const char *path, const vg_api_args *q, vg_buf *out,
                   vg_api_reply *r);

#endif
