/* fetch.h -- transfers for the monitor: feeds and pages fetched, webhooks
 * posted, many at once in one thread (libcurl's multi interface), and
 * file:// URLs read from disk.
 *
 * Every transfer is bounded: a total timeout and a connect timeout, a
 * size limit counted on the decoded body (a compressed bomb stops at the
 * limit), at most max_redirects redirects (a loop fails), http and https
 * only (a redirect elsewhere is refused; file:// is read by this module
 * itself and never reached by a redirect).  Conditional GET: the caller
 * gives the ETag and Last-Modified it holds and gets not_modified back (for
 * a file, the ETag is its size and modification time).
 *
 * A vg_fetch is used by one thread; nothing here prints. */
#ifndef VG_FETCH_H
#define VG_FETCH_H

#include "util.h"

typedef struct vg_fetch vg_fetch;

typedef struct vg_fetch_req {
    const char *url;              /* http://, https:// or file:// */
    const char *etag;             /* validators held (NULL or "": none) */
    const char *last_modified;
    const char *body;             /* non-NULL: POST this body */
    size_t body_len;
    const char *content_type;     /* of the body */
    const char *const *headers;   /* more "Name: value" lines, NULL-terminated; may be NULL */
    long timeout_ms;              /* whole transfer (0: 30000) */
    long connect_timeout_ms;      /* (0: 10000) */
    size_t max_bytes;             /* of the decoded body (0: 10 MB) */
    int max_redirects;            /* (0: 5; -1: none followed) */
    void *tag;                    /* the caller's, given back */
} vg_fetch_req;

typedef struct vg_fetch_res {
    void *tag;
    bool ok;                      /* a response came (any status), within the limits */
    long status;                  /* HTTP status (200 for a file read), 0 when none */
    bool not_modified;            /* 304, or a file with the ETag given */
    bool too_big;                 /* stopped at max_bytes */
    char error[256];              /* why not ok: timeout, refused, too many redirects... */
    vg_buf body;
    char etag[256], last_modified[128], content_type[128];
    char final_url[1024];         /* after redirects */
    long retry_after;             /* seconds asked by Retry-After (0: none) */
    double seconds;               /* how long it took */
} vg_fetch_res;

/* user_agent: the User-Agent header; max_parallel: transfers running at
 * once (more wait their turn; 0: 16). */
vg_fetch *vg_fetch_new(const char *user_agent, int max_parallel);
/* Stops every transfer; free_tag (may be NULL) gets the tag of each one
 * that never finished, and of each finished one not yet handed out. */
void vg_fetch_free(vg_fetch *f, void (*free_tag)(void *tag));

/* Queues a transfer (copied).  False with a reason in err for a URL it
 * will not fetch (another scheme, too long). */
bool vg_fetch_add(vg_fetch *f, const vg_fetch_req *r, char *err, size_t errsz);
/* Transfers queued or running. */
size_t vg_fetch_pending(const vg_fetch *f);
/* Runs the transfers, waiting up to timeout_ms for something to happen;
 * returns a finished one (the caller frees it with vg_fetch_res_free), or
 * NULL when none finished in that time.  Call again with timeout 0 to
 * collect the others. */
vg_fetch_res *vg_fetch_poll(vg_fetch *f, int timeout_ms);
void vg_fetch_res_free(vg_fetch_res *r);

/* The path of a file:// URL (percent-decoded) into out; false if url is
 * not one or names no absolute path. */
bool vg_fetch_file_path(const char *url, vg_buf *out);

#endif
