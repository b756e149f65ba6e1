/* record.h -- a record to code, as every reader (input.h) fills it: an
 * article, a TABARI record or a PETRARCH sentence, with its metadata. */
#ifndef VG_RECORD_H
#define VG_RECORD_H

#include "util.h"

typedef struct vg_record {
    vg_buf id;
    vg_buf date_text;       /* as written */
    vg_buf text;            /* the text to code */
    vg_buf comment;         /* TABARI: comment blocks (validation data) */
    vg_buf source, url, title;
    vg_buf parse;           /* PETRARCH: <Parse> tree, if any */
    vg_buf expected;        /* PETRARCH: EventCoding records, "src tgt code;" */
    long line;              /* where the record starts in its file */
    size_t file_no;         /* which input file (set by the pipeline) */
    size_t end_off;         /* byte offset in its file just after the record */
    size_t repaired;        /* invalid UTF-8 bytes replaced while reading */
    bool sentence_level;    /* the text is one sentence (TABARI, PETRARCH) */
} vg_record;

#endif
