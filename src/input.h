/* input.h -- readers for the record formats Vigil codes:
 *
 *   tabari    TABARI text records: a line "YYMMDD id..." then text lines up
 *             to a blank line; text in slash-star comments is not coded
 *             (validation files keep their expected events there)
 *   jsonl     one article per line: {"id","date","text"} plus optional
 *             "source", "url", "title"
 *   text      one article per file (date from --date or today)
 *   petrarch  PETRARCH XML: <Sentence date id> <Text>...</Text>
 *
 * Readers never stop on a bad record: it is reported (with its id or line)
 * and the next record is read. */
#ifndef VG_INPUT_H
#define VG_INPUT_H

#include "date.h"
#include "record.h"
#include "util.h"

typedef enum vg_format {
    VG_FMT_TABARI, VG_FMT_JSONL, VG_FMT_TEXT, VG_FMT_PETRARCH
} vg_format;

bool vg_format_parse(const char *s, vg_format *out);
/* The format a file is read as, by extension (.jsonl/.json, .xml, .txt ->
 * text, .tabari/.evt -> tabari; anything else: text; "-": jsonl). */
vg_format vg_format_by_name(const char *path);

void vg_record_free(vg_record *r);

typedef struct vg_reader vg_reader;

/* Opens a reader over a whole file's text (name is used in messages). */
vg_reader *vg_reader_new(vg_format fmt, const char *name, const char *text, size_t len);
void vg_reader_free(vg_reader *r);

/* Reads the next record; false at the end.  Problems with a record are
 * reported to diag with the record's id and the record is skipped. */
bool vg_reader_next(vg_reader *r, vg_record *rec, vg_diag *diag);
/* Bytes of the file consumed so far. */
size_t vg_reader_offset(const vg_reader *r);

#endif
