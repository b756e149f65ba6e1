/* server.h -- `vigil serve`: a read-only HTTP server over an event store
 * (SQLite or PostgreSQL): the JSON API (/api/events, /api/events/{id},
 * /api/series, /api/alerts, /api/dyads, /api/places, /api/meta) and the
 * dashboard's static files.  Reference and security limits:
 * docs/dashboard.md.  Two files:
 *
 *   http.c   the transport (libmicrohttpd): loopback by default, GET/HEAD
 *            only, bounded request sizes, a DNS-rebinding guard, security
 *            headers, static files that never leave the asset folder; it
 *            hands /api/ requests to the API;
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
    vg_log_fn log;            /* database errors while serving; may be NULL */
    void *log_ctx;
} vg_server_opts;

void vg_server_opts_default(vg_server_opts *o);

/* ---------------------------------------------------------------- http.c */

typedef struct vg_server vg_server;

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
/* Answers one request (path like "/api/series"; thread-safe): writes the
 * JSON body and returns the HTTP status. */
int vg_api_request(vg_api *a, const char *path, const vg_api_args *q, vg_buf *out);

#endif
