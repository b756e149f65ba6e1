/* monitor.h -- `vigil monitor`: one long-running loop that fetches news
 * feeds, codes their new items into the store, watches the dyads they
 * touched and delivers the alerts that appear (docs/monitor.md).
 *
 *   monitor.c   the loop: the feed list (re-read when its file changes;
 *               file:// folders expanded), fetches on one thread
 *               (fetch.h: conditional GET, timeouts, size limits, a backoff
 *               per feed), items parsed (feed.h), deduplicated by link and
 *               by digest against the store, coded and committed (ingest.h
 *               streams), pages fetched and reduced to their main text when
 *               asked; after each commit the detector runs on the dyads of
 *               the new mentions (watch.h) and new alerts are written, with
 *               a delivery per target, in one transaction;
 *   deliver.h   deliveries (standard output, webhooks, a command), each
 *               attempt handed back to be logged in the store.
 *
 * Crash safety: an item's article is committed before anything says it was
 * seen, a feed's validators (ETag) only after its items, and an alert with
 * its deliveries and the mark of the mentions it has watched in one
 * transaction; so a restart after SIGKILL refetches what was not committed,
 * codes nothing twice, and delivers each alert to each target once (a
 * delivery that was under way when the process died is tried again, with
 * the same idempotency key).
 *
 * Nothing here prints: lines go to the log callback, alerts for standard
 * output to the emit callback. */
#ifndef VG_MONITOR_H
#define VG_MONITOR_H

#include "deliver.h"
#include "ingest.h"
#include "store.h"
#include "watch.h"

typedef struct vg_monitor vg_monitor;

typedef struct vg_monitor_opts {
    const char *db;               /* the store (reopened after a failure) */
    vg_store_opts store;
    const char *feeds_file;       /* one URL a line, # comments */
    int every;                    /* seconds between two fetches of a feed (300) */
    const char *const *webhooks;  /* URLs to POST alerts to */
    size_t nwebhooks;
    const char *exec_cmd;         /* a shell command fed each alert on stdin; NULL: none */
    bool stdout_alerts;           /* emit each alert (default true in the CLI) */
    bool fetch_articles;          /* fetch each new item's page, code its main text */
    bool deliver_history;         /* deliver the alerts already in a store at first start */
    bool quiet;                   /* no log line for a feed that brought nothing new */
    long timeout_ms;              /* per transfer (30000) */
    size_t max_bytes;             /* per feed or page (10 MB) */
    size_t max_items;             /* items read per feed document (10000) */
    int max_parallel;             /* transfers at once (16) */
    int max_backoff;              /* longest wait after failures, s (21600) */
    int retries;                  /* delivery attempts before giving up (10) */
    int retry_base;               /* first retry after s seconds, doubling (5) */
    int exec_timeout;             /* seconds a --exec command may run (60) */
    int future_days;              /* items dated further ahead are skipped (2) */
    const char *user_agent;
    vg_watch_params params;       /* the detector (include_unknown too) */
    vg_ingest_opts ingest;        /* dictionaries, coder, threads, gazetteer; its
                                     code.default_date is ignored: undated items
                                     are skipped */
    void (*log)(void *ctx, const char *line);
    bool (*emit)(void *ctx, const char *json);   /* false: could not be written */
    void *ctx;
} vg_monitor_opts;

void vg_monitor_opts_default(vg_monitor_opts *o);

typedef struct vg_monitor_stats {
    size_t fetches, not_modified, failures;
    size_t items_seen, items_new, items_stored, items_undated, items_other;
    size_t pages, alerts_new, deliveries_done, deliveries_failed;
    size_t feeds;
} vg_monitor_stats;

/* Opens the store (creating the monitor's tables) and reads the feed list.
 * NULL with a reason in err. */
vg_monitor *vg_monitor_new(const vg_monitor_opts *o, char *err, size_t errsz);
/* Runs until *stop is set, then finishes what is under way quickly and
 * returns true; false with a reason in err when it cannot go on. */
bool vg_monitor_run(vg_monitor *m, const volatile int *stop, char *err, size_t errsz);
void vg_monitor_get_stats(const vg_monitor *m, vg_monitor_stats *out);
void vg_monitor_free(vg_monitor *m);

#endif
