/* validate.h -- validation suites: a file of records with the events they
 * should code, coded and scored.
 *
 *   TABARI     validation files (Validate.text): expected events in the
 *              records' comments ({SRC/TGT/CODE}, {---}, {###}, {+++},
 *              -{...} for a partial list, {OPTION: ...} lines that change
 *              the coding options), scored as TABARI's V)alidate mode does:
 *              a record passes when its events are exactly the expected
 *              ones (dates too when time shifts are on);
 *   PETRARCH   unit-test XML: <EventCoding> elements (or noevents /
 *              discard); a record is exactly right when its event set is
 *              the expected one, and events are also counted for
 *              precision and recall.
 *
 * Records are coded on the calling thread, one after the other (pronoun
 * forwarding between TABARI records follows the FORWARD option). */
#ifndef VG_VALIDATE_H
#define VG_VALIDATE_H

#include "input.h"
#include "match.h"
#include "model.h"

typedef struct vg_validate_opts {
    const char *stop;         /* TABARI: scoring stops at this record id (NULL: all) */
    bool verbose;             /* a line for records that pass too */
    bool events;              /* write the coded events (vg_validate_result.events) */
    const char *trace;        /* dump the analysis of this record into the report */
    vg_decider *decider;      /* hybrid coding (NULL: the dictionaries alone) */
} vg_validate_opts;

typedef struct vg_validate_result {
    int scored, passed;       /* PETRARCH: passed = exactly right */
    vg_buf report;            /* a line per failed record, then the summary */
    vg_buf events;            /* JSON lines, as `vigil code` writes them */
} vg_validate_result;

/* Scores the records of text (fmt: VG_FMT_TABARI or VG_FMT_PETRARCH; name
 * is used in messages) against the compiled dictionary d, whose options
 * OPTION lines change as they come.  Reader and record problems go to diag. */
bool vg_validate(vg_dict *d, vg_format fmt, const char *name, const char *text, size_t len,
                 const vg_validate_opts *o, vg_diag *diag, vg_validate_result *out);
void vg_validate_result_free(vg_validate_result *r);

#endif
