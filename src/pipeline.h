/* pipeline.h -- from records to coded sentences, on one or many threads.
 *
 * A record (an article, or a TABARI sentence record) is repaired (UTF-8),
 * dated, split into sentences (articles only) and coded sentence by
 * sentence.  vg_pipeline_run reads records from readers, codes them on N
 * worker threads (emit runs there) and commits the results on the calling
 * thread in input order, so that output is the same whatever N is. */
#ifndef VG_PIPELINE_H
#define VG_PIPELINE_H

#include "input.h"
#include "match.h"
#include "model.h"

typedef struct vg_coded_sentence {
    uint32_t off, len;        /* in vg_coded_record.text */
    vg_result r;
} vg_coded_sentence;

typedef struct vg_coded_record {
    vg_buf text;              /* the record's text after UTF-8 repair */
    int32_t date;             /* yyyymmdd */
    bool ok;                  /* false: the record was rejected (see error) */
    char error[160];
    size_t repaired;          /* invalid bytes replaced */
    VG_VEC(vg_coded_sentence) s;
    size_t ns;                /* sentences used in s */
} vg_coded_record;

void vg_coded_record_free(vg_coded_record *cr);

typedef struct vg_code_opts {
    int32_t default_date;     /* for records without a date (0: reject them) */
    int lede;                 /* code only the first N sentences (0: all) */
    const vg_model *model;    /* hybrid coding with this model (NULL: dictionaries only) */
    const vg_model *fallback; /* heads the model lacks come from here (may be NULL) */
    vg_model_opts mopts;      /* the decider's thresholds (when model is set) */
    bool require_dyad;        /* no event with one side unknown from the dictionaries either
                                 (the matcher's option of that name turned on) */
} vg_code_opts;

/* The options coders of o run with: opt, with o's require_dyad. */
vg_options vg_code_options(const vg_options *opt, const vg_code_opts *o);

/* Codes one record; dc (NULL: dictionaries only) decides each sentence's
 * events with the model. */
void vg_code_record(vg_matcher *c, vg_decider *dc, const vg_record *rec, const vg_code_opts *o,
                    vg_coded_record *out);

/* Adds the warnings about one coded sentence to diag, naming its record:
 * the pattern-matching budget ran out (which pattern).  vg_pipeline_run
 * reports them for every record; callers of vg_matcher_code may too. */
void vg_sentence_warnings(const vg_dict *d, const char *record, size_t sentence,
                          const vg_result *r, vg_diag *diag);

/* Reports one coded record to diag: why it was skipped (a missing date
 * with the hint to give one), repaired bytes, truncated sentences and
 * vg_sentence_warnings. */
void vg_coded_record_report(const vg_dict *d, vg_diag *diag, const vg_record *rec,
                            const vg_coded_record *cr);

/* Called on a worker thread for every record, as soon as it is coded; may
 * append text to out and fill item (see vg_pipeline_io.item_size).
 * Returns false to stop. */
typedef bool (*vg_emit_fn)(void *ctx, const vg_record *rec, const vg_coded_record *cr,
                           vg_buf *out, void *item);
/* Called on the calling thread for every record, in input order, after its
 * emit (out and item hold what emit wrote; rec and cr are still valid).
 * Returns false to stop. */
typedef bool (*vg_commit_fn)(void *ctx, const vg_record *rec, const vg_coded_record *cr,
                             const vg_buf *out, void *item);

typedef struct vg_pipeline_io {
    vg_emit_fn emit;          /* may be NULL */
    vg_commit_fn commit;      /* may be NULL */
    void *ctx;                /* passed to both */
    FILE *out;                /* emit output is written here in order; may be NULL */
    /* Each record gets an item of item_size bytes (zeroed once, then reused
     * from record to record: emit resets what it needs) that emit fills and
     * commit reads, so results cross threads as typed data.  item_free, if
     * set, releases what an item holds at the end.  0: item is NULL. */
    size_t item_size;
    void (*item_free)(void *item);
} vg_pipeline_io;

typedef struct vg_pipeline_stats {
    size_t records, bad_records, sentences, events;
} vg_pipeline_stats;

/* Reads every record of the given files (or stdin for "-"), codes them on
 * nthreads threads while the calling thread reads ahead and commits (with
 * nthreads == 1 all on the calling thread), and
 * writes emitted output in input order.  Reader and record problems go to
 * diag (on the calling thread).  Returns false if an input file could not
 * be read. */
bool vg_pipeline_run(const vg_dict *d, const vg_options *opt, const vg_code_opts *co,
                     vg_format fmt, char *const *files, size_t nfiles, int nthreads,
                     const vg_pipeline_io *io, vg_diag *diag, vg_pipeline_stats *stats);

#endif
