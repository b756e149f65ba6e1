/* deliver.h -- the monitor's last step: each new alert delivered to each
 * target, standard output (through the caller's emit callback), webhooks
 * (POST with an Idempotency-Key header, on the monitor's fetcher, retried
 * with exponential backoff) and a command fed the alert on its standard
 * input (killed when it runs too long).  Every finished attempt is handed
 * back (vg_deliver_take) for the caller to log in the store and to
 * schedule again; nothing here touches the store or prints. */
#ifndef VG_DELIVER_H
#define VG_DELIVER_H

#include "fetch.h"

/* Every fetch the monitor starts is tagged with a struct that begins with
 * its kind, so one fetcher serves feeds, pages and webhooks. */
enum { VG_TAG_FEED = 1, VG_TAG_PAGE, VG_TAG_HOOK };
typedef struct vg_mon_tag { int kind; } vg_mon_tag;

typedef struct vg_deliver vg_deliver;

typedef struct vg_deliver_opts {
    long timeout_ms;              /* per webhook request */
    int retries;                  /* attempts before giving up (10) */
    int retry_base;               /* first retry after s seconds, doubling (5) */
    int exec_timeout;             /* seconds a command may run (60) */
    bool (*emit)(void *ctx, const char *json);   /* "stdout": false if not written */
    void *ctx;
} vg_deliver_opts;

typedef enum { VG_DELIVERY_DONE, VG_DELIVERY_RETRY, VG_DELIVERY_FAILED } vg_delivery_state;

/* A finished attempt to deliver alert `key` to `target` ("stdout", a
 * webhook URL, or "exec:" and a command). */
typedef struct vg_delivery {
    char *key, *target;
    int attempts;               /* with this one */
    vg_delivery_state state;
    char error[256];            /* why not done ("" when done) */
} vg_delivery;

void vg_delivery_clear(vg_delivery *d);

vg_deliver *vg_deliver_new(vg_fetch *f, const vg_deliver_opts *o);
void vg_deliver_free(vg_deliver *d);
/* Starts an attempt (attempts: those before it); false when one to that
 * target for that alert is under way already. */
bool vg_deliver_start(vg_deliver *d, const char *key, const char *target, int attempts,
                      const char *payload);
/* Frees a webhook's tag whose transfer never finished. */
void vg_deliver_tag_free(void *tag);
/* A finished fetch: true when it was a webhook's (then it is consumed). */
bool vg_deliver_fetched(vg_deliver *d, vg_fetch_res *r);
/* Watches the --exec commands (their input, their exit, their time). */
void vg_deliver_poll(vg_deliver *d);
/* The next finished attempt; false when there is none. */
bool vg_deliver_take(vg_deliver *d, vg_delivery *out);
/* Attempts under way. */
size_t vg_deliver_running(const vg_deliver *d);
/* When to try again after `attempts` failed attempts (seconds from now):
 * retry_base doubled each time, at most an hour. */
int vg_deliver_backoff(const vg_deliver_opts *o, int attempts);

#endif
