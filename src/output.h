/* output.h -- event writers: JSON lines (one event per line, with the
 * dictionary entries and pattern that produced it) and TSV with a header. */
#ifndef VG_OUTPUT_H
#define VG_OUTPUT_H

#include "match.h"

#include <stdio.h>

typedef struct vg_output_ctx {
    const vg_dict *d;
    const char *record;      /* record or article id */
    const char *sentence;    /* the sentence as written (event spans refer to it) */
    size_t sentence_len;
    int sentence_no;         /* 0-based within the record */
    const char *source_name, *url, *title;   /* article metadata, may be NULL */
    const vg_issue_counts *issues;           /* the sentence's issues, may be NULL */
    const vg_buf *expl;                      /* the model's explanations, may be NULL */
    bool base_names;                         /* dictionary files without directories */
} vg_output_ctx;

/* Appends one event as a JSON object (no newline). */
void vg_output_json(vg_buf *b, const vg_output_ctx *cx, const vg_coded_event *e);

/* Appends the "matched" object alone: the verb, pattern, source and target
 * with the dictionary entries (file and line) that produced them. */
void vg_output_matched_json(vg_buf *b, const vg_output_ctx *cx, const vg_coded_event *e);

/* Appends a sentence's issues as the JSON output and the store write them:
 * [{"code":"X","count":1},...] (n = 0: []). */
void vg_output_issues_json(vg_buf *b, const vg_issue_count *v, size_t n);

/* Appends every event of a coded sentence as JSON lines. */
void vg_output_jsonl(vg_buf *b, const vg_output_ctx *cx, const vg_result *r);

/* TSV: the header row, then one row per event (tabs and newlines in text
 * fields are replaced by spaces). */
void vg_output_tsv_header(FILE *f);
void vg_output_tsv(vg_buf *b, const vg_output_ctx *cx, const vg_coded_event *e);

#endif
