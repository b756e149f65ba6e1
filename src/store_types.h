/* store_types.h -- what the event store's front (store.h) and its back
 * ends (store_be.h) both speak of: the records written (an article with its
 * sentences and mentions), the options of a connection, and the callback
 * that receives rows. */
#ifndef VG_STORE_TYPES_H
#define VG_STORE_TYPES_H

#include "post.h"
#include "util.h"

typedef struct vg_store vg_store;

/* ================================================================ records */

/* One report of an event, as stored in `mentions`. */
typedef struct vg_mention {
    int32_t sentence_no, event_no;   /* event_no: index among the sentence's events */
    const char *source, *target, *code;
    int32_t date;             /* yyyymmdd; week: its Monday, month/year: its first day */
    int date_prec;            /* vg_date_prec; VG_DATE_NONE = the article's date */
    const char *date_expr;    /* the time expression, NULL if none */
    vg_place place;           /* precision VG_PLACE_NONE: no place */
    const char *matched;      /* JSON explanation */
    const char *method;       /* "dictionary", "model", "both" (vg_method_name); NULL: unknown */
    double confidence;        /* the model's, 0..1; NaN: none (the dictionaries alone) */
    const char *issues;       /* the sentence's issues as JSON, [{"code":"X","count":1}]
                                 ("[]": none; NULL: not recorded) */
} vg_mention;

typedef struct vg_store_sentence {
    int32_t no;
    const char *text;
} vg_store_sentence;

/* One article (or TABARI/PETRARCH record) with its coded mentions.  Only
 * sentences with at least one mention are kept in sent. */
typedef struct vg_article {
    const char *id, *source, *url, *title;   /* source, url, title: NULL if absent */
    int32_t date;             /* yyyymmdd */
    char hash[33];            /* a digest of the article as given (vg_article_hash) */
    int32_t n_sentences;      /* sentences coded */
    vg_store_sentence *sent;
    size_t nsent;
    vg_mention *ment;
    size_t nment;
} vg_article;

typedef struct vg_store_opts {
    int batch;                /* articles per transaction (0: 500) */
    int lock_timeout_ms;      /* wait for a locked database (0: 10000) */
    bool read_only;           /* a reader: the schema must exist; nothing is written */
} vg_store_opts;

/* Receives a row as text values (NULL for SQL NULL); returns false to stop. */
typedef bool (*vg_row_fn)(void *ctx, int ncols, const char *const *vals);

#endif
