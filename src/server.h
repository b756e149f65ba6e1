/* server.h -- `vigil serve`: a read-only HTTP server (libmicrohttpd) over a
 * SQLite event store: the JSON API (/api/events, /api/events/{id},
 * /api/series, /api/alerts, /api/dyads, /api/places, /api/meta) and the
 * dashboard's static files.  Reference and security limits: docs/dashboard.md.
 *
 * Loopback by default; GET/HEAD only; every query parameter is checked
 * against the endpoint's list with bounded sizes (HTTP 400 + JSON reason
 * otherwise); static paths never leave the asset folder.  A thread pool
 * serves requests, each with its own read-only SQLite connection; answers
 * are cached (keyed by path and sorted parameters) until another process
 * commits to the store (PRAGMA data_version) or cache_ttl seconds pass. */
#ifndef VG_SERVER_H
#define VG_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "watch.h"

typedef struct vg_server_opts {
    const char *db_path;      /* SQLite store */
    const char *bind;         /* IPv4 or IPv6 literal ("127.0.0.1") */
    int port;                 /* 0: any free port (see vg_server_port) */
    const char *assets;       /* dashboard folder; NULL: API only */
    int threads;              /* thread pool size (2) */
    int max_conn;             /* concurrent connections (1024) */
    int per_ip;               /* connections per client address (48) */
    int timeout;              /* idle seconds before a connection is closed (10) */
    size_t mem_limit;         /* bytes per connection: request line + headers (16384) */
    int cache_ttl;            /* seconds (60) */
    vg_watch_params params;   /* detector for /api/alerts */
} vg_server_opts;

typedef struct vg_server vg_server;

void vg_server_opts_default(vg_server_opts *o);
/* Opens the store and starts listening.  NULL with a reason in err. */
vg_server *vg_server_start(const vg_server_opts *o, char *err, size_t errsz);
int vg_server_port(const vg_server *s);
void vg_server_stop(vg_server *s);

/* Handles one API request without HTTP (used by the server and tests):
 * path like "/api/series", args as n key/value pairs.  Writes the JSON body
 * and returns the HTTP status. */
int vg_server_api(vg_server *s, const char *path, const char *const *keys,
                  const char *const *vals, size_t n, vg_buf *body);

#endif
