/* fuzz_reader.c -- one record reader over arbitrary input (built once per
 * format: -DFUZZ_FORMAT=VG_FMT_JSONL, _TABARI, _PETRARCH, _TEXT).  Every
 * record is read to the end of the input; offsets only grow and stay in it;
 * each record's date goes through the record-date parser.
 * Calls: vg_reader_new, vg_reader_next, vg_reader_offset, vg_reader_free,
 * vg_record_free, vg_date_parse. */
#include "fuzz.h"
#include "input.h"

#ifndef FUZZ_FORMAT
#define FUZZ_FORMAT VG_FMT_JSONL
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    vg_reader *r = vg_reader_new(FUZZ_FORMAT, "fuzz", text, size);
    vg_record rec = {0};
    vg_diag diag = {0};
    size_t last = 0, n = 0;
    while (vg_reader_next(r, &rec, &diag)) {
        size_t off = vg_reader_offset(r);
        FUZZ_CHECK(off >= last && off <= size);
        last = off;
        FUZZ_CHECK(!rec.text.s || strlen(rec.text.s) <= rec.text.len);
        int32_t date;
        if (rec.date_text.s && vg_date_parse(rec.date_text.s, rec.date_text.len >= 8, &date))
            FUZZ_CHECK(date >= 101 && date <= 99991231);
        FUZZ_CHECK(++n <= size + 1);                 /* each record consumes input */
    }
    vg_record_free(&rec);
    vg_diag_free(&diag);
    vg_reader_free(r);
    free(text);
    return 0;
}
