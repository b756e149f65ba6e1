/* ingest.h -- from input files to the event store.
 *
 * vg_ingest_run codes records with vg_pipeline_run.  On the worker
 * threads each coded record becomes a vg_article: its events' dates and
 * places are resolved (post.h) and their explanations written (output.h);
 * the calling thread then adds the articles to the store in input order
 * (vg_store_add) while the workers code the next records.  The article
 * travels between the two as a typed pipeline item. */
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

#endif
