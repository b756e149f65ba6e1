/* ingest.h -- from input files to the event store.
 *
 * vg_ingest_run codes records with vg_pipeline_run.  On the worker
 * threads each coded record becomes a vg_article: its events' dates and
 * places are resolved (post.h) and their explanations written (output.h);
 * the calling thread then adds the articles to the store in input order
 * (vg_store_add) while the workers code the next records.  The article
 * travels between the two as a typed pipeline item.
 *
 * A stream (vg_ingest_stream) does the same for records as they come: from
 * a pipe (vg_ingest_stream_fd), a drop folder watched with inotify
 * (vg_ingest_stream_dir) or a caller (the monitor's feed items), coding
 * each chunk on the stream's threads and committing by count or by time,
 * whichever comes first, so that a record is stored within flush_ms of its
 * arrival (at once when the input pauses for 50 ms).
 *
 * No record is dated today behind the caller's back: a record without a
 * date takes code.default_date when the caller gives one, else it is
 * reported (its id, "no date") and skipped. */
#ifndef VG_INGEST_H
#define VG_INGEST_H

#include "pipeline.h"
#include "post.h"
#include "store.h"

typedef struct vg_ingest_progress {
    size_t articles, sentences, events, bad;
    size_t bytes_done, bytes_total;     /* input bytes (estimated within a file) */
    double started;                      /* vg_now() */
} vg_ingest_progress;

typedef void (*vg_progress_fn)(void *ctx, const vg_ingest_progress *p, bool final);

typedef struct vg_ingest_opts {
    const vg_dict *dict;
    const vg_options *opt;      /* NULL: the dictionary's */
    vg_code_opts code;
    int threads;
    const vg_gazetteer *gaz;    /* NULL: no places from the text */
    bool fmt_given;
    vg_format fmt;              /* when fmt_given; otherwise by file extension */
    vg_progress_fn progress;    /* on the store thread (final: the caller), may be NULL */
    void *progress_ctx;
    /* files of a directory that are not an input format (README.md, a .c
     * file) are skipped and passed here; may be NULL */
    void (*skipped)(void *ctx, const char *path);
    void *skipped_ctx;
    /* streams: commit when this many articles wait (0: the store's batch)
     * or the oldest has waited flush_ms (0: 1000) */
    int flush_count, flush_ms;
    /* streams: each coder's word memo holds at most this many words (0: the
     * matcher's default); a process that runs for weeks keeps it small */
    size_t word_memo;
} vg_ingest_opts;

/* Codes every input (files, directories recursively, "-" for stdin) and
 * adds the articles to st, then flushes.  Reader and record errors go to
 * diag; progress is reported on the calling thread.  Returns false on a
 * store error (see vg_store_error) or an unreadable input. */
bool vg_ingest_run(vg_store *st, const vg_ingest_opts *o, char *const *inputs, size_t n,
                   vg_diag *diag, vg_ingest_progress *prog);

/* Hex digest (SHA-256, first 128 bits) of the record as given: date as
 * written, source, url, title and text.  out receives 32 hex digits. */
void vg_article_hash(const vg_record *rec, char out[33]);

/* True when a file found in a directory is read: its extension names an
 * input format (.jsonl .json .ndjson .xml .tabari .evt .txt .text), that of
 * fmt when fmt_given (text also takes files without an extension). */
bool vg_ingest_wants_file(const char *path, bool fmt_given, vg_format fmt);

/* ---------------------------------------------------------------- streams */

typedef struct vg_ingest_stream vg_ingest_stream;

/* A stream over st with o (dictionary, coder options, threads, places,
 * flush policy); o must outlive it. */
vg_ingest_stream *vg_ingest_stream_new(vg_store *st, const vg_ingest_opts *o);
/* Flushes what waits and frees the stream (the store stays open). */
bool vg_ingest_stream_free(vg_ingest_stream *s);

/* What became of one record of vg_ingest_stream_code. */
typedef struct vg_ingest_result {
    bool ok;                  /* coded; its article is added to the store */
    char error[160];          /* else why ("no date", "bad date '...'") */
    size_t mentions;
} vg_ingest_result;

/* Codes n records (on the stream's threads) and adds their articles in
 * order.  hashes (NULL: vg_article_hash of each) gives each article's
 * stored digest; res (NULL: none) gets what became of each record; a
 * record that cannot be coded is reported to diag ("record ID: no date,
 * skipped").  Commits when the flush policy says so.  False on a store
 * error (vg_store_error). */
bool vg_ingest_stream_code(vg_ingest_stream *s, const vg_record *recs, size_t n,
                           const char (*hashes)[33], vg_diag *diag, vg_ingest_result *res);
/* Commits what waits. */
bool vg_ingest_stream_flush(vg_ingest_stream *s);
/* Commits what waits if the oldest has waited flush_ms; returns the ms
 * until the next such deadline (-1: nothing waits). */
int vg_ingest_stream_tick(vg_ingest_stream *s, bool *ok);
/* Totals so far: articles, sentences, events, bad records. */
void vg_ingest_stream_progress(const vg_ingest_stream *s, vg_ingest_progress *p);

/* Reads JSON lines from fd as they arrive (a pipe, standard input) until
 * its end or *stop: each complete line is coded at once and committed
 * within flush_ms.  name is used in messages.  False on a store error or
 * a read error (reported to diag). */
bool vg_ingest_stream_fd(vg_ingest_stream *s, int fd, const char *name,
                         const volatile int *stop, vg_diag *diag);
/* Ingests the input files of dir (vg_ingest_wants_file), then every file
 * written or moved into it (inotify: closed after writing, or renamed in),
 * until *stop; a file written again is read again (its unchanged articles
 * are no-ops).  on_file (may be NULL) hears of each file read.  False on a
 * store error or when dir cannot be watched. */
bool vg_ingest_stream_dir(vg_ingest_stream *s, const char *dir, const volatile int *stop,
                          void (*on_file)(void *ctx, const char *path, size_t records),
                          void *ctx, vg_diag *diag);

#endif
